"""Words for figures: row and group labels from the codebook, value labels, and alt text.

A figure is drawn from a tidy (usually suppressed) table; the same table gives the alt text,
so what a screen reader hears and what the picture shows cannot drift apart. Labels come from
the codebook in the chosen language; hidden (suppressed) values are said to be hidden, never
guessed.

Examples
--------
A hand-made table of synthetic numbers:

>>> import pandas as pd
>>> tab = pd.DataFrame({"variable": "outcome", "level": ["death", "other"], "group": "all",
...                     "count": [22, 11], "n": 33, "estimate": [22 / 33, 11 / 33]})
>>> row_labels(tab, lang="cy")
['Marwolaeth', 'Arall']
>>> alt_text(tab, kind="bar", title="Outcome")
'Bar chart: Outcome. Death: 67% (22 of 33); Other: 33% (11 of 33).'
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from cprstats.codebook.i18n import format_count, format_number, format_percent
from cprstats.codebook.model import Codebook, check_lang, resolve
from cprstats.errors import ParameterError
from cprstats.report.wording import label, t

__all__ = [
    "row_labels",
    "level_label",
    "group_label",
    "value_text",
    "alt_text",
    "signed_number",
    "KINDS",
    "MAX_ALT_ITEMS",
]

KINDS = ("bar", "grouped_bar", "heatmap", "forest")
#: At most this many values are read out in an alt text; the rest are summarised as "and N more".
MAX_ALT_ITEMS = 24
_GROUP_FIELDS = ("board", "period", "review_type", "outcome", "local_authority")


def _missing(x: Any) -> bool:
    try:
        return x is None or bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def level_label(
    variable: Any, level: Any, *, lang: str = "en", codebook: Codebook | str | Path | None = None, alone: bool = True
) -> str:
    """The label of one row of a tidy table (``variable``, ``level``) in ``lang``.

    ``alone=True`` when the figure shows one variable (the level label is enough); otherwise
    the variable's title is put first ("Outcome: Death"). A boolean's ``"true"`` row is the
    variable's title; variables and values the codebook does not know are shown as they are.

    >>> level_label("harm_experienced", "neglect", lang="cy")
    'Esgeulustod'
    >>> level_label("outcome", "death", alone=False)
    'Outcome for the child: Death'
    >>> level_label("parental_adversities_all_three", "true")
    'All three parental adversities (domestic abuse, mental ill-health, substance use)'
    """
    cb = resolve(codebook)
    var, lev = str(variable), str(level)
    if not cb.knows(var):
        return lev if alone else f"{var}: {lev}"
    title = label(cb, var, lang=lang)
    fld, option = cb.resolve(var) if var not in cb.fields else (cb.fields[var], None)
    if option is not None or (not fld.categories and lev in ("true", "True")):
        return title  # an option column or a boolean: the row is the variable itself
    if not fld.categories and lev in ("false", "False"):
        text = t("value.false", lang)
    else:
        try:
            text = label(cb, var, lev, lang)
        except ParameterError:
            text = lev
    return text if alone else f"{title}: {text}"


def row_labels(table: pd.DataFrame, *, lang: str = "en", codebook: Codebook | str | Path | None = None) -> list[str]:
    """One label per row of ``table`` (columns ``variable``, ``level``), in ``lang``."""
    check_lang(lang)
    cb = resolve(codebook, table)
    alone = table["variable"].nunique() == 1
    return [level_label(v, lv, lang=lang, codebook=cb, alone=alone) for v, lv in zip(table["variable"], table["level"])]


def group_label(
    group: Any, *, lang: str = "en", by: str | None = None, codebook: Codebook | str | Path | None = None
) -> str:
    """The label of a ``group`` code: "All", a board's or period's name, Yes/No, or the code itself.

    Without ``by`` the codebook's board, period, review type, outcome and local-authority codes
    are tried in turn.

    >>> group_label("MWW", lang="cy"), group_label("pre_covid"), group_label("all", lang="cy")
    ('Canolbarth a Gorllewin Cymru (CYSUR)', 'Before Covid-19', 'Y cyfan')
    """
    check_lang(lang)
    cb = resolve(codebook)
    g = str(group)
    if g == "all":
        return t("group.all", lang)
    if g == "rest":  # cprstats.compare(..., groups=[one]) compares one group with the rest of Wales
        return t("figure.group.rest", lang)
    if g in ("true", "false"):
        return t(f"value.{g}", lang)
    names = [by] if by else [f for f in _GROUP_FIELDS if f in cb.fields]
    for name in names:
        fld = cb.fields.get(name)
        if fld is not None and g in fld.codes:
            return label(cb, name, g, lang)
    return g


def value_text(count: Any, n: Any, estimate: Any, *, lang: str = "en", digits: int = 0, short: bool = False) -> str:
    """A value as shown beside a bar or read in alt text: ``"67% (22 of 33)"``, ``"67%"``, or ``"*"``.

    A hidden count with no percentage is ``"*"`` (``short``) or the words "not shown (small
    number)"; a count shown without a percentage (small denominator) keeps the count. Beside
    a bar (``short``) a true zero is ``"0 of n"``: no bar, no interval, nothing to round.

    >>> value_text(22, 33, 22 / 33), value_text(22, 33, 22 / 33, short=True, lang="cy")
    ('67% (22 of 33)', '67% (22/33)')
    >>> value_text(float("nan"), 33, float("nan"), short=True), value_text(None, 4, None, lang="cy")
    ('*', 'heb ei ddangos (nifer fach)')
    >>> value_text(0, 22, 0.0, short=True), value_text(0, 22, 0.0, short=True, lang="cy")
    ('0 of 22', '0 o 22')
    """
    if short and not _missing(count) and float(count) == 0 and not _missing(n):
        return t("figure.value_zero", lang, n=format_count(n, lang))
    if _missing(estimate):
        if not _missing(count) and not _missing(n):
            return f"{format_count(count, lang)}/{format_count(n, lang)}"
        return "*" if short else t("figure.value_suppressed", lang)
    pct = format_percent(estimate, lang, digits)
    if _missing(count):
        return pct if short or _missing(n) else t("figure.value_no_count", lang, percent=pct, n=format_count(n, lang))
    if short:
        return f"{pct} ({format_count(count, lang)}/{format_count(n, lang)})"
    return t("figure.value", lang, percent=pct, count=format_count(count, lang), n=format_count(n, lang))


def _col(table: pd.DataFrame, name: str) -> list:
    return list(table[name]) if name in table else [math.nan] * len(table)


def _join(items: list[str], lang: str) -> str:
    if len(items) > MAX_ALT_ITEMS:
        items = items[:MAX_ALT_ITEMS] + [t("figure.alt.more", lang, n=len(items) - MAX_ALT_ITEMS)]
    return "; ".join(items)


def alt_text(
    table: pd.DataFrame,
    *,
    kind: str = "bar",
    title: str = "",
    lang: str = "en",
    codebook: Codebook | str | Path | None = None,
    by: str | None = None,
    digits: int = 0,
    synthetic: bool = False,
) -> str:
    """What a figure drawn from ``table`` shows, with its numbers, as one paragraph of text.

    Parameters
    ----------
    table : pandas.DataFrame
        The table the figure was drawn from (after suppression): ``variable, level, count, n,
        estimate`` (``group`` for a grouped bar chart or heat map); for ``"forest"``
        ``risk_difference, rd_ci_low, rd_ci_high`` (and ``ci_level``).
    kind : {"bar", "grouped_bar", "heatmap", "forest"}
    title : str
    lang : {"en", "cy"}
    codebook : Codebook or path, optional
        Of the labels (`cprstats.codebook.resolve`: by default the one ``table.attrs`` names,
        else the packaged one).
    by : str, optional
        The variable the groups are values of, for their labels.
    digits : int, default 0
        Decimal places of percentages.
    synthetic : bool, default False
        Add the synthetic-data notice.

    Returns
    -------
    str
    """
    check_lang(lang)
    if kind not in KINDS:
        raise ParameterError(f"kind={kind!r} is not allowed; use one of {', '.join(KINDS)}")
    codebook = resolve(codebook, table)  # once, for every label below
    parts = [t("figure.alt.intro", lang, kind=t(f"figure.kind.{kind}", lang), title=title)]
    labels = row_labels(table, lang=lang, codebook=codebook) if len(table) else []
    if kind == "bar":
        vals = [
            value_text(c, n, e, lang=lang, digits=digits)
            for c, n, e in zip(_col(table, "count"), _col(table, "n"), _col(table, "estimate"))
        ]
        parts.append(_join([f"{lab}: {v}" for lab, v in zip(labels, vals)], lang) + ".")
    elif kind == "grouped_bar":
        for g, sub in table.groupby("group", sort=False):
            sub_labels = row_labels(sub, lang=lang, codebook=codebook)
            vals = [
                value_text(c, n, e, lang=lang, digits=digits)
                for c, n, e in zip(_col(sub, "count"), _col(sub, "n"), _col(sub, "estimate"))
            ]
            head = t("figure.alt.group", lang, group=group_label(g, lang=lang, by=by, codebook=codebook))
            parts.append(head + " " + _join([f"{lab}: {v}" for lab, v in zip(sub_labels, vals)], lang) + ".")
    elif kind == "heatmap":
        var = table["variable"].iloc[0] if len(table) else ""
        each, pairs, seen = [], [], set()
        for lev, grp, c in zip(table["level"], table["group"], _col(table, "count")):
            if frozenset((lev, grp)) in seen:
                continue  # a symmetric matrix holds each pair twice
            seen.add(frozenset((lev, grp)))
            value = "*" if _missing(c) else format_count(c, lang)
            row = level_label(var, lev, lang=lang, codebook=codebook)
            if lev == grp:
                each.append(f"{row}: {value}")
            else:
                col = level_label(var, grp, lang=lang, codebook=codebook)
                pairs.append(
                    (-1.0 if _missing(c) else -float(c), t("figure.alt.pair", lang, row=row, column=col, value=value))
                )
        if each:
            parts.append(t("figure.alt.each", lang) + " " + _join(each, lang) + ".")
        pairs.sort(key=lambda p: p[0])
        if pairs:
            parts.append(t("figure.alt.together", lang) + " " + _join([p[1] for p in pairs], lang) + ".")
    else:
        items = []
        for lab, d, lo, hi, lv in zip(
            labels,
            _col(table, "risk_difference"),
            _col(table, "rd_ci_low"),
            _col(table, "rd_ci_high"),
            _col(table, "ci_level"),
        ):
            if _missing(d):
                items.append(f"{lab}: {t('figure.value_suppressed', lang)}")
                continue
            level = format_number(100 * (0.95 if _missing(lv) else float(lv)), lang, 0)
            items.append(
                t(
                    "figure.alt.difference",
                    lang,
                    label=lab,
                    value=signed_number(100 * d, lang, digits),
                    level=level,
                    low=signed_number(100 * lo, lang, digits),
                    high=signed_number(100 * hi, lang, digits),
                )
            )
        parts.append(_join(items, lang) + ".")
    if synthetic:
        parts.append(t("footnote.synthetic", lang))
    return " ".join(p for p in parts if p)


def signed_number(x: Any, lang: str = "en", digits: int = 1) -> str:
    """A signed number with a true minus sign (read as "minus" by screen readers); ``*`` if missing."""
    if _missing(x):
        return "*"
    text = format_number(abs(x), lang, digits)
    if float(text.replace(",", "")) == 0:
        return text
    return ("+" if x > 0 else "\u2212") + text
