"""Bilingual (English and Welsh) user-interface strings and number and date formats.

Every word a reader sees that is not a codebook label lives in one catalogue,
``cprstats/codebook/strings.yaml``, with an English and a Welsh text: table headings, markers,
footnotes, report section headings, month names, the report layer's figure words, alt texts,
page shell and index of reports (``figure.*``, ``report.*``, ``table.*``, ``index.*``), the
Excel coding template (``template.*``) and the data dictionary (``dictionary.*``). Like the
codebook, Welsh checked against an official bilingual source is marked ``cy_status: verified``
with its ``cy_source``; `untranslated` lists the rest for a translator (``cprstats codebook
--untranslated`` lists them with the codebook's).

Welsh Government's Welsh-language statistical releases write percentages as English does
("17.8%", https://llyw.cymru/node/51733), so `format_percent` is the same in both
languages; month names differ (`format_month`).

Examples
--------
>>> t("heading.count", lang="cy")
'Nifer'
>>> t("footnote.small_denominator", threshold=5)
'A denominator under 5 is hidden (*), together with every count of its group.'
>>> format_percent(12 / 33, lang="cy")
'36.4%'
>>> format_month("2020-03", lang="cy")
'Mawrth 2020'
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

from cprstats._checks import did_you_mean
from cprstats.codebook.model import Text, check_lang, parse_text
from cprstats.errors import CprstatsError, ParameterError

__all__ = [
    "t",
    "strings",
    "texts",
    "untranslated",
    "placeholders",
    "format_percent",
    "format_count",
    "format_number",
    "format_month",
]

_ISO_MONTH = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


def strings() -> dict[str, Text]:
    """Every UI string, key -> `~cprstats.codebook.model.Text`, in file order (loaded once, cached).

    >>> strings()["heading.total"].cy
    'Cyfanswm'
    """
    return dict(_load())


@lru_cache(maxsize=1)
def _load() -> tuple[tuple[str, Text], ...]:
    import yaml

    ref = resources.files("cprstats.codebook").joinpath("strings.yaml")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is 10x faster; both are safe
    raw = yaml.load(ref.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - a safe loader
    if not isinstance(raw, Mapping) or not isinstance(raw.get("strings"), Mapping):
        raise CprstatsError("cprstats/codebook/strings.yaml: the top level must be a mapping with a 'strings' mapping")
    out = []
    for key, entry in raw["strings"].items():
        out.append((str(key), _text(str(key), entry)))
    return tuple(out)


def _text(key: str, entry: Any) -> Text:
    return parse_text(entry, f"cprstats/codebook/strings.yaml: {key}", error=CprstatsError)


def placeholders(text: str) -> set[str]:
    """The ``{names}`` a text expects.

    >>> sorted(placeholders("{count} ({percent})"))
    ['count', 'percent']
    """
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def t(key: str, lang: str = "en", **fmt: Any) -> str:
    """The UI string ``key`` in ``lang``, with its ``{placeholders}`` filled from ``fmt``.

    Parameters
    ----------
    key : str
        A key of ``cprstats/codebook/strings.yaml``, e.g. ``"heading.count"``.
    lang : {"en", "cy"}
    **fmt
        Values for the placeholders of the text.

    Returns
    -------
    str

    Raises
    ------
    ParameterError
        If the key is unknown (the message lists close keys), ``lang`` is not supported or
        a placeholder has no value.

    Examples
    --------
    >>> t("footnote.suppressed", lang="cy")
    "Mae'r eitem o ddata yn datgelu neu nid yw'n ddigon cadarn i'w gyhoeddi"
    >>> t("heading.ci", level=95)
    '95% CI'
    >>> t("heading.cont")
    Traceback (most recent call last):
    ...
    cprstats.errors.ParameterError: key='heading.cont' is not a UI string (did you mean 'heading.count', ...
    """
    check_lang(lang)
    table = dict(_load())
    text = table.get(key)
    if text is None:
        hint = did_you_mean(key, table, n=3)
        raise ParameterError(f"key={key!r} is not a UI string{hint}; keys are listed in cprstats/codebook/strings.yaml")
    value = text.get(lang)
    need = placeholders(value)
    missing = sorted(need - set(fmt))
    if missing:
        raise ParameterError(
            f"t({key!r}) needs a value for {', '.join(missing)}; got {', '.join(sorted(fmt)) or 'none'}"
        )
    return value.format(**fmt) if need else value


def texts() -> Iterable[tuple[str, Text]]:
    """Every UI string with its key, like `Codebook.texts`, for translation checks.

    >>> next(iter(texts()))[0]
    'heading.variable'
    """
    yield from _load()


def untranslated() -> list[tuple[str, str, str]]:
    """The UI strings whose Welsh awaits a translator's review.

    Returns
    -------
    list of (where, english, welsh)
        ``where`` is ``strings.<key>``; the same shape as
        `cprstats.codebook.dictionary.untranslated` for the codebook, so ``cprstats codebook
        --untranslated`` lists both together.

    Examples
    --------
    >>> todo = untranslated()
    >>> todo[0]
    ('strings.heading.variable', 'Variable', 'Newidyn')
    >>> any(where == "strings.heading.count" for where, _, _ in todo)  # verified: not listed
    False
    """
    return [(f"strings.{k}", v.en, v.cy) for k, v in _load() if not v.cy_verified]


def _digits(digits: Any) -> int:
    if isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= 6:
        raise ParameterError(f"digits={digits!r} is not allowed; use an integer from 0 to 6")
    return digits


def _missing(x: Any) -> bool:
    if x is None:
        return True
    try:
        return bool(math.isnan(x))
    except TypeError:
        import pandas as pd

        return bool(pd.isna(x))


def format_number(x: Any, lang: str = "en", digits: int = 1, *, na: str = "") -> str:
    """A number with ``digits`` decimals (half away from zero); ``na`` for a missing value.

    >>> format_number(2.25, digits=1), format_number(float("nan"), na="..")
    ('2.3', '..')
    """
    check_lang(lang)
    _digits(digits)
    if _missing(x):
        return na
    from decimal import ROUND_HALF_UP, Decimal

    q = Decimal(1).scaleb(-digits)
    return f"{Decimal(repr(float(x))).quantize(q, rounding=ROUND_HALF_UP):,}"


def format_percent(x: Any, lang: str = "en", digits: int = 1, *, na: str = "") -> str:
    """A proportion (0 to 1) as a percentage, the same way in English and Welsh.

    Parameters
    ----------
    x : float
        A proportion, e.g. ``0.364`` for 36.4%.
    lang : {"en", "cy"}
    digits : int, default 1
        Decimal places (0 to 6), rounded half away from zero.
    na : str, default ""
        What a missing value becomes.

    Examples
    --------
    >>> format_percent(0.5), format_percent(1 / 3, digits=0), format_percent(None, na="*")
    ('50.0%', '33%', '*')
    """
    if _missing(x):
        check_lang(lang)
        _digits(digits)
        return na
    return format_number(float(x) * 100, lang, digits) + "%"


def format_count(x: Any, lang: str = "en", *, na: str = "") -> str:
    """A count as an integer with thousands separators (a comma in both languages).

    >>> format_count(1234), format_count(float("nan"), na="*")
    ('1,234', '*')
    """
    check_lang(lang)
    if _missing(x):
        return na
    if float(x) != int(x):
        raise ParameterError(f"format_count: x={x!r} is not a whole number")
    return f"{int(x):,}"


def format_month(period: Any, lang: str = "en", *, na: str = "") -> str:
    """A month and year in words: ``"March 2020"`` or ``"Mawrth 2020"``.

    Parameters
    ----------
    period : pandas.Period, datetime.date, pandas.Timestamp or "YYYY-MM" string
    lang : {"en", "cy"}
    na : str, default ""
        What a missing value becomes.

    Examples
    --------
    >>> import pandas as pd
    >>> format_month(pd.Period("2019-12", "M"), lang="cy"), format_month("2024-10-01")
    ('Rhagfyr 2019', 'October 2024')
    """
    check_lang(lang)
    import pandas as pd

    if period is None or (not isinstance(period, str) and pd.isna(period)) or period == "":
        return na
    if isinstance(period, str) and not _ISO_MONTH.match(period.strip()):
        raise ParameterError(f"format_month: {period!r} is not a month (use a Period, date or 'YYYY-MM')")
    try:
        p = pd.Period(period, freq="M")
    except (ValueError, TypeError):
        raise ParameterError(f"format_month: {period!r} is not a month (use a Period, date or 'YYYY-MM')") from None
    return t("month.format", lang, month=t(f"month.{p.month}", lang), year=p.year)
