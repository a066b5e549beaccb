"""What a report needs before it draws anything: its data, its scope, and safe tables.

`load_data` is the one place that decides what a notebook's ``DATA``, ``cprstats run --data``,
``cprstats agree`` or `cprstats.agreement` was given (an example name, a coded dataset CSV,
coding forms, or a DataFrame) and loads and checks it; `scope_data` keeps the rows of one
region, period and window; `protect` applies the disclosure policy to a statistics table, including
comparison tables whose reference group's counts `cprstats.suppress` alone would not see.

Windows
-------
A report can cover any window of months (`resolve_window`, `apply_window`), read on an
*anchor* date, the incident date (default) or the publication date (codebook ``periods:``):

- ``"2017-01..2021-12"`` (``cprstats run --from 2017-01 --to 2021-12``), either end open
  (``"2017-01.."``, ``"..2021-12"``); both months included;
- a financial year, April to March: ``"fy2019"`` is 2019-04 to 2020-03;
- a calendar year: ``"2019"``;
- a named period of the codebook: ``"cpr_era"`` (January 2013 to September 2024) and
  ``"susr_era"`` (from October 2024, when Single Unified Safeguarding Reviews began).

A review with no date for the anchor (an unpublished review, by publication date) is in no
window. The Covid-19 periods (``period``: ``pre_covid``, ``post_covid``) are a derived variable
cut on 23 March 2020, and combine with a window.

Examples
--------
>>> data = load_data("mww_2017_2021")
>>> len(scope_data(data, region="MWW", period="all")), data.attrs["synthetic"], data.attrs["data_kind"]
(11, True, 'example')
>>> w = resolve_window("fy2019")
>>> w.start, w.end, w.label("en")
('2019-04', '2020-03', 'financial year 2019-20, by incident date')
>>> len(scope_data(data, region="MWW", period="all", window="2017-01..2018-12"))
4
"""

from __future__ import annotations

import csv
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cprstats.codebook.i18n import t
from cprstats.codebook.model import LANGUAGES, Codebook, Text, _did_you_mean, resolve
from cprstats.datasets.examples import EXAMPLES, load_example
from cprstats.errors import ParameterError
from cprstats.forms.coding import code_reviews, normalise
from cprstats.forms.identifiers import safe_header
from cprstats.forms.reader import read_forms, screen_dataset
from cprstats.io.datapackage import read_dataset

__all__ = [
    "load_data",
    "DATA_KINDS",
    "scope_data",
    "regions",
    "periods",
    "Window",
    "resolve_window",
    "apply_window",
    "window_label",
    "with_window",
    "is_window",
    "ANCHORS",
    "infer_by",
    "protect",
    "source_text",
]

#: What `load_data` found (``attrs["data_kind"]`` of the frame it returns).
DATA_KINDS = ("example", "dataset", "forms", "dataframe")
_FORM_SUFFIXES = (".xlsx", ".xlsm", ".yaml", ".yml")
_ACCEPTS = (
    "give coding forms (a .csv or .xlsx file, or a folder of .yaml forms), a coded dataset CSV "
    "(from `cprstats code`, or saved with pandas' to_csv), a coded DataFrame, or one of the examples: "
)


def regions(codebook=None) -> tuple[str, ...]:
    """``"wales"`` and the codebook's board codes."""
    return ("wales", *resolve(codebook).field("board").codes)


def periods(codebook=None) -> tuple[str, ...]:
    """``"all"`` and the codebook's period codes."""
    return ("all", *resolve(codebook).field("period").codes)


# --------------------------------------------------------------------------- windows of months
#: The anchors a window can be read on (the codebook's ``periods.anchors`` may add others).
ANCHORS = ("incident", "publication")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_RANGE = re.compile(r"^(?P<start>\d{4}-\d{2})?(?:\.\.|_to_|/)(?P<end>\d{4}-\d{2})?$")
_YEAR = re.compile(r"^(\d{4})$")
_WINDOW_FORMS = (
    "a range of months 'YYYY-MM..YYYY-MM' (either end may be left open), a financial year 'fyYYYY' "
    "(April to March), a calendar year 'YYYY', or a named period"
)


@dataclass(frozen=True)
class Window:
    """A window of months a report covers, read on an anchor date (build it with `resolve_window`).

    Attributes
    ----------
    name : str
        How it was asked for, and how folders and records name it: ``"fy2019"``, ``"cpr_era"``,
        ``"2017-01..2021-12"``.
    start, end : str or None
        First and last month included, ``YYYY-MM``; None for an open end.
    anchor : str
        ``"incident"`` or ``"publication"`` (the codebook's ``periods.anchors``).
    column : str
        The year-month variable the anchor reads (``incident_date``).
    title, anchor_title : Text
        The window and the anchor in words, in English and Welsh.
    """

    name: str
    start: str | None
    end: str | None
    anchor: str
    column: str
    title: Text
    anchor_title: Text

    def label(self, lang: str = "en") -> str:
        """The window in words with its anchor: ``"January 2017 to December 2021, by incident date"``."""
        return t("window.label", lang, window=self.title.get(lang), anchor=self.anchor_title.get(lang))

    def record(self) -> dict[str, Any]:
        """The window as a report's record (``report.json``) and a run's manifest keep it."""
        return {
            "name": self.name,
            "from": self.start,
            "to": self.end,
            "anchor": self.anchor,
            "column": self.column,
            **{f"label_{lang}": self.label(lang) for lang in LANGUAGES},
        }

    @property
    def folder(self) -> str:
        """A folder name for the window: its name with ``..`` written ``_to_`` (``2017-01_to_2021-12``)."""
        return self.name.replace("..", "_to_") if not self.name.startswith("..") else "to_" + self.name[2:]


def _month_words(month: str, lang: str) -> str:
    year, mon = month.split("-")
    return t("month.format", lang, month=t(f"month.{int(mon)}", lang), year=year)


def _range_title(cb: Codebook, start: str | None, end: str | None) -> Text:
    texts = {}
    for lang in LANGUAGES:
        if start and end:
            texts[lang] = cb.periods.range_title.get(lang).format(
                start=_month_words(start, lang), end=_month_words(end, lang)
            )
        elif start:
            texts[lang] = t("window.from", lang, start=_month_words(start, lang))
        else:
            texts[lang] = t("window.until", lang, end=_month_words(end, lang))
    return Text(texts["en"], texts["cy"])


def _window_bounds(spec: str, cb: Codebook) -> tuple[str | None, str | None, Text]:
    """(start, end, title) of a window spec, or `ParameterError` naming the forms allowed."""
    named = cb.periods.named
    if spec in named:
        p = named[spec]
        return p.start, p.end, p.title
    prefix = cb.periods.fy_prefix
    fy = re.fullmatch(rf"{re.escape(prefix)}(\d{{4}})", spec)
    if fy:
        year, first = int(fy.group(1)), cb.periods.fy_start_month
        start = f"{year:04d}-{first:02d}"
        last_year, last_month = (year, 12) if first == 1 else (year + 1, first - 1)
        end = f"{last_year:04d}-{last_month:02d}"
        title = cb.periods.fy_title
        short = f"{(year + 1) % 100:02d}" if first != 1 else ""
        texts = {lang: title.get(lang).format(start=year, end=short).rstrip("-") for lang in LANGUAGES}
        return start, end, Text(texts["en"], texts["cy"])
    year = _YEAR.match(spec)
    if year:
        y = year.group(1)
        return f"{y}-01", f"{y}-12", Text(y, y, True, "a number")
    rng = _RANGE.match(spec)
    if rng and (rng.group("start") or rng.group("end")):
        start, end = rng.group("start"), rng.group("end")
        for what, month in (("start", start), ("end", end)):
            if month is not None and not _MONTH.match(month):
                raise ParameterError(f"window={spec!r}: the {what} month {month!r} is not a month written YYYY-MM")
        if start and end and end < start:
            raise ParameterError(f"window={spec!r}: the end month {end} is before the start month {start}")
        return start, end, _range_title(cb, start, end)
    raise ParameterError(
        f"window={spec!r} is not a window; give {_WINDOW_FORMS} ({', '.join(named) or 'none'})"
        + _did_you_mean(spec, list(named))
    )


def is_window(value: Any, codebook=None) -> bool:
    """Whether ``value`` names a window (``"fy2019"``, ``"cpr_era"``, ``"2017-01..2021-12"``) of the codebook.

    >>> is_window("fy2019"), is_window("susr_era"), is_window("pre_covid"), is_window("all")
    (True, True, False, False)
    """
    if not isinstance(value, str) or value in ("all",):
        return False
    try:
        _window_bounds(value, resolve(codebook))
    except ParameterError:
        return False
    return True


def resolve_window(window: Any = None, *, anchor: str | None = None, codebook=None) -> Window | None:
    """The window a report covers, checked: None when no window was asked for.

    Parameters
    ----------
    window : str, tuple of two str, Window or None
        ``"2017-01..2021-12"`` (or ``("2017-01", "2021-12")``, either end None for open),
        ``"fy2019"``, ``"2019"``, a named period of the codebook (``"cpr_era"``, ``"susr_era"``),
        or None / ``"all"`` for no window.
    anchor : {"incident", "publication"}, optional
        The date the window is read on; default the codebook's (``incident``).
    codebook : Codebook or path, optional

    Returns
    -------
    Window or None

    Raises
    ------
    ParameterError
        A window that is none of these (naming the forms allowed), an end before the start, or
        an anchor the codebook does not have.

    Examples
    --------
    >>> w = resolve_window(("2017-01", "2021-12"), anchor="publication")
    >>> w.name, w.label("cy")
    ('2017-01..2021-12', 'Ionawr 2017 i Rhagfyr 2021, yn ôl dyddiad cyhoeddi')
    >>> resolve_window("susr_era").label()
    'Single Unified Safeguarding Review era (from October 2024), by incident date'
    >>> resolve_window("2019-13..2020-02")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cprstats.errors.ParameterError: window='2019-13..2020-02': the start month '2019-13' is not a month written YYYY-MM
    """
    cb = resolve(codebook)
    scheme = cb.periods
    if anchor is None:
        anchor = window.anchor if isinstance(window, Window) else scheme.default_anchor
    if anchor not in scheme.anchors:
        raise ParameterError(
            f"anchor={anchor!r} is not allowed; use one of {', '.join(scheme.anchors)}"
            + _did_you_mean(str(anchor), list(scheme.anchors))
        )
    if window is None or (isinstance(window, str) and window == "all"):
        return None
    if isinstance(window, Window):
        spec = window.name
    elif isinstance(window, (tuple, list)):
        if len(window) != 2 or not all(w is None or isinstance(w, str) for w in window) or window == [None, None]:
            raise ParameterError(f"window={window!r}: give two months (from, to), YYYY-MM, either may be None")
        if window[0] is None and window[1] is None:
            return None
        spec = f"{window[0] or ''}..{window[1] or ''}"
    elif isinstance(window, str):
        spec = window.strip()
    else:
        raise ParameterError(f"window must be text such as '2017-01..2021-12' or 'fy2019', got {type(window).__name__}")
    start, end, title = _window_bounds(spec, cb)
    column, anchor_title = scheme.anchors[anchor]
    if _RANGE.match(spec):
        spec = f"{start or ''}..{end or ''}"
    return Window(spec, start, end, anchor, column, title, anchor_title)


def _as_months(s: pd.Series) -> pd.Series:
    """A year-month column as month numbers (year * 12 + month - 1), NaN where missing."""
    if isinstance(s.dtype, pd.PeriodDtype):
        per = s
    else:
        per = pd.to_datetime(s.astype("string").str.slice(0, 7), format="%Y-%m", errors="coerce").dt.to_period("M")
    year = per.dt.year.astype("Float64")
    month = per.dt.month.astype("Float64")
    return year * 12 + month - 1


def _month_number(text: str) -> int:
    year, month = (int(x) for x in text.split("-"))
    return year * 12 + month - 1


def apply_window(data: pd.DataFrame, window: Any = None, *, anchor: str | None = None, codebook=None) -> pd.DataFrame:
    """The rows of ``data`` whose anchor date falls in ``window`` (all rows, unchanged, without one).

    Parameters
    ----------
    data : pandas.DataFrame
        A coded dataset (with the anchor's year-month column).
    window, anchor, codebook
        As for `resolve_window` (``window`` may already be a `Window`).

    Returns
    -------
    pandas.DataFrame
        The rows in the window (index reset), with ``attrs["window"]`` its record
        (`Window.record`). A row without the anchor date is in no window.

    Raises
    ------
    ParameterError
        A bad window or anchor, or data without the anchor's column.

    Examples
    --------
    >>> wales = load_data("wales")
    >>> by_incident = apply_window(wales, "susr_era")
    >>> by_publication = apply_window(wales, "susr_era", anchor="publication")
    >>> by_incident.attrs["window"]["from"], len(by_incident) < len(wales)
    ('2024-10', True)
    """
    w = resolve_window(window, anchor=anchor, codebook=resolve(codebook, data))
    if w is None:
        return data
    if w.column not in data.columns:
        raise ParameterError(
            f"the window {w.name!r} is read on {w.column} (anchor {w.anchor!r}), which the data lack; "
            "pass a coded dataset"
        )
    months = _as_months(data[w.column])
    keep = months.notna()
    if w.start is not None:
        keep &= months >= _month_number(w.start)
    if w.end is not None:
        keep &= months <= _month_number(w.end)
    out = data.loc[keep.fillna(False).to_numpy(dtype=bool)].reset_index(drop=True)
    out.attrs = {**data.attrs, "window": w.record()}
    return out


def window_label(window: Window | None, lang: str = "en") -> str:
    """The window in words with its anchor, or ``""`` when there is none.

    >>> window_label(resolve_window("cpr_era"), "en")
    'Child Practice Review era (January 2013 to September 2024), by incident date'
    >>> window_label(None)
    ''
    """
    return "" if window is None else window.label(lang)


def with_window(scope: str, window: Window | None, lang: str = "en") -> str:
    """A report's scope ("Mid and West Wales (CYSUR), all periods") followed by its window, if any.

    >>> with_window("Gwent, all periods", resolve_window("2017-01..2021-12"))
    'Gwent, all periods; January 2017 to December 2021, by incident date'
    """
    return scope if window is None else t("window.scope", lang, scope=scope, window=window.label(lang))


def _choice(name: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ParameterError(
            f"{name}={value!r} is not allowed; use one of {', '.join(allowed)}" + _did_you_mean(str(value), allowed)
        )
    return value


# --------------------------------------------------------------------------- what the data is
def _derived_only(cb: Codebook) -> list[str]:
    """The columns only coding adds: a coded dataset has them all, coding forms none."""
    return [f.name for f in cb.derived_fields if not f.input_allowed]


def _form_headers(cb: Codebook) -> set[str]:
    """Every header a coding form may use for a codebook column (name or title, any case)."""
    keys = {normalise(c) for c in cb.coded_columns}
    for fld in cb.fields.values():
        keys.update(normalise(k) for k in (fld.name, fld.title.en, fld.title.cy))
    return keys


def _listed_in_package(path: Path) -> bool:
    """Whether the ``datapackage.json`` beside ``path`` lists it as a resource."""
    pkg = path.parent / "datapackage.json"
    if not pkg.is_file():
        return False
    try:
        meta = json.loads(pkg.read_text(encoding="utf-8"))
        return any(r.get("path") == path.name for r in meta.get("resources", []))
    except (OSError, ValueError, AttributeError, TypeError):
        return False  # a broken package describes nothing; the file is judged by its header


def _csv_header(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        try:
            return [h.strip() for h in next(csv.reader([fh.readline()]), [])]
        except csv.Error:
            return []


def _csv_kind(path: Path, cb: Codebook, name: str) -> str:
    """``"dataset"`` or ``"forms"`` for a CSV file, or `ParameterError` if it is neither."""
    if _listed_in_package(path):
        return "dataset"
    header = _csv_header(path)
    derived = _derived_only(cb)
    present = [c for c in derived if c in header]
    if derived and len(present) == len(derived):
        return "dataset"
    if present:
        missing = [c for c in derived if c not in header]
        raise ParameterError(
            f"{name}={str(path)!r} is neither coding forms nor a whole coded dataset: it has "
            f"column(s) only coding adds ({', '.join(present)}) but not {', '.join(missing)}; a coded "
            "dataset has every derived column, coding forms none (delete them, or recode the forms "
            "with `cprstats code`)"
        )
    typed = [h for h in header if h]
    if len(typed) == 1 and ";" in typed[0]:
        return "forms"  # read_forms explains semicolon-separated files
    if typed and not ({normalise(h) for h in typed} & _form_headers(cb)):
        # a header cell may be the first child's data (forms without a header row): never echo it raw
        shown = ", ".join(safe_header(h) for h in typed[:5]) + (", ..." if len(typed) > 5 else "")
        raise ParameterError(
            f"{name}={str(path)!r} is neither coding forms nor a coded dataset: none of its columns "
            f"({shown}) is a codebook variable such as review_id, outcome or board; " + _ACCEPTS + ", ".join(EXAMPLES)
        )
    return "forms"


def _path_kind(path: Path, cb: Codebook, name: str) -> str:
    if path.is_dir():
        if not any(q.is_file() and q.suffix.lower() in (".yaml", ".yml") for q in path.iterdir()):
            raise ParameterError(
                f"{name}={str(path)!r} is a folder without .yaml or .yml coding forms; "
                + _ACCEPTS
                + ", ".join(EXAMPLES)
            )
        return "forms"
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_kind(path, cb, name)
    if suffix in _FORM_SUFFIXES:
        return "forms"
    raise ParameterError(
        f"{name}={str(path)!r} is neither coding forms nor a coded dataset (a {suffix or 'suffix-less'} file); "
        + _ACCEPTS
        + ", ".join(EXAMPLES)
    )


def _looks_like_data(path: Path) -> bool:
    """Whether ``path`` is a file, or a folder holding YAML forms (a folder of reports is not data)."""
    if path.is_file():
        return True
    try:
        return path.is_dir() and any(q.suffix.lower() in (".yaml", ".yml") for q in path.iterdir())
    except OSError:
        return False


def _frame(data: pd.DataFrame, cb: Codebook, name: str) -> pd.DataFrame:
    """A DataFrame: a coded dataset (returned as it is), or raw forms (coded here)."""
    derived = _derived_only(cb)
    coded = bool(derived) and all(c in data.columns for c in derived)
    text = all(pd.api.types.is_object_dtype(t) or pd.api.types.is_string_dtype(t) for t in data.dtypes)
    if not coded and text and "review_id" in data.columns:  # raw forms, as read_forms gives them
        out = code_reviews(data, cb)
        out.attrs["data_kind"] = "forms"
        return out
    missing = [c for c in ("board", "period") if c not in data.columns]
    if missing:
        raise ParameterError(
            f"{name} lacks the column(s) {', '.join(missing)}; pass a coded dataset "
            "(cprstats.code_reviews or cprstats.read_dataset) or raw forms (cprstats.read_forms)"
        )
    out = data.copy(deep=False)  # the caller's frame keeps its own attrs
    out.attrs = {**data.attrs, "data_kind": "dataframe"}
    return out


def load_data(source: Any, codebook: Codebook | str | os.PathLike | None = None, *, name: str = "data") -> pd.DataFrame:
    """A coded dataset from an example name, a coded dataset CSV, coding forms or a DataFrame.

    The one place that decides what ``source`` is, for `cprstats.Report`, ``cprstats run
    --data``, ``cprstats agree`` and `cprstats.agreement`:

    * a ``str`` that names a shipped example (`cprstats.list_examples`): that example (a
      file, or a folder of YAML forms, of the same name here is ambiguous: `ParameterError`;
      write ``./wales`` or pass a `pathlib.Path` for the file);
    * a ``.csv`` file that the ``datapackage.json`` beside it lists, or whose header has every
      column only coding adds (``period``, ``incident_year``, the age bands...): a coded
      dataset, read with `cprstats.read_dataset` (so one a researcher saved with pandas'
      ``to_csv(index=False)``, booleans as ``True``/``False``, is read too);
    * any other ``.csv`` with codebook columns, an ``.xlsx``/``.xlsm``/``.yaml`` file, or a
      folder of ``.yaml`` forms: coding forms, coded here (`cprstats.code_reviews`);
    * a DataFrame with those derived columns, or with ``board`` and ``period``: a coded
      dataset, returned as it is (a shallow copy); a DataFrame of text with ``review_id``
      and no derived columns: raw forms (`cprstats.read_forms`), coded here.

    Parameters
    ----------
    source : pandas.DataFrame, str or path
        What to load.
    codebook : Codebook, str or path, optional
        The codebook to read or code with (`cprstats.codebook.resolve`: by default the one a
        DataFrame carries, else the packaged one).
    name : str, default "data"
        How messages name ``source`` (e.g. ``"coder_a"``).

    Returns
    -------
    pandas.DataFrame
        The coded dataset; ``attrs["data_kind"]`` says what ``source`` was, one of
        `DATA_KINDS` (``"example"``, ``"dataset"``, ``"forms"``, ``"dataframe"``).

    Raises
    ------
    ParameterError
        If ``source`` is none of these, naming it (and the example names), or is both an
        example name and a file or a folder of forms here.
    CodingError
        If coding forms have problems (each with its row and field).
    FormsError
        If a file cannot be read, or a coded dataset holds a value its codebook does not allow.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> data = load_data("mww_2017_2021")
    >>> len(data), data.attrs["data_kind"]
    (11, 'example')
    >>> saved = pathlib.Path(tempfile.mkdtemp()) / "mine.csv"
    >>> data.to_csv(saved, index=False)  # a researcher's own copy: booleans as True/False
    >>> back = load_data(saved)
    >>> back.attrs["data_kind"], back["harm_neglect"].dtype.name, len(back)
    ('dataset', 'boolean', 11)
    >>> bad = saved.with_name("notes.csv")
    >>> _ = bad.write_text("what,when\\nmeeting,Tuesday\\n")
    >>> load_data(bad)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cprstats.errors.ParameterError: data='.../notes.csv' is neither coding forms nor a coded dataset: ...
    """
    cb = resolve(codebook, source if isinstance(source, pd.DataFrame) else None)
    if isinstance(source, pd.DataFrame):
        return _frame(source, cb, name)
    if not isinstance(source, (str, os.PathLike)):
        raise ParameterError(
            f"{name} must be a DataFrame (a coded dataset or raw forms), an example name or the path of "
            f"coding forms or a coded dataset, got {type(source).__name__}"
        )
    text = os.fspath(source)
    path = Path(text).expanduser()
    if isinstance(source, str) and text in EXAMPLES:
        if _looks_like_data(path):
            raise ParameterError(
                f"{name}={text!r} is both a shipped example and a file or folder here ({path.resolve()}); "
                f"write {('.' + os.sep + text)!r} for the file or folder, or run elsewhere for the example"
            )
        out = load_example(text)
        out.attrs["data_kind"] = "example"
        return out
    if not path.exists():
        raise ParameterError(
            f"{name}={text!r} is neither a file or folder nor a shipped example"
            + _did_you_mean(text, list(EXAMPLES))
            + "; "
            + _ACCEPTS
            + ", ".join(EXAMPLES)
        )
    kind = _path_kind(path, cb, name)
    if kind == "dataset" and not _listed_in_package(path):
        screen_dataset(path, cb)  # a coded dataset from elsewhere is screened as forms are: no identifier passes
    out = read_dataset(path, codebook=cb) if kind == "dataset" else code_reviews(read_forms(path, codebook=cb), cb)
    out.attrs["data_kind"] = kind
    return out


def source_text(data: Any) -> dict[str, str]:
    """How the report names its data source, without revealing local folder names."""
    if isinstance(data, pd.DataFrame):
        ex = data.attrs.get("example")
        if ex:
            return {"kind": "example", "name": str(ex)}
        src = data.attrs.get("source")
        return {"kind": "dataframe", "name": Path(str(src)).name if src else "DataFrame"}
    path = Path(data)
    if not path.exists():
        return {"kind": "example", "name": str(data)}
    return {"kind": "file", "name": path.name}


def scope_data(
    data: pd.DataFrame,
    *,
    region: str,
    period: str,
    window: Any = None,
    anchor: str | None = None,
    codebook=None,
) -> pd.DataFrame:
    """The rows of ``region``, ``period`` and ``window``.

    Parameters
    ----------
    data : pandas.DataFrame
        A coded dataset.
    region : str
        A board code, or ``"wales"``.
    period : str
        ``"all"``, a code of the codebook's ``period`` (``pre_covid``, ``post_covid``), or a
        window (``"fy2019"``, ``"cpr_era"``, ``"2017-01..2021-12"``: see the module notes).
    window : str or tuple or Window, optional
        A window of months as well (`resolve_window`); not together with a window ``period``.
    anchor : {"incident", "publication"}, optional
        The date a window is read on (default: incident).
    codebook : Codebook or path, optional

    Returns
    -------
    pandas.DataFrame
        The rows kept, index reset; ``attrs["window"]`` records a window.

    Raises
    ------
    ParameterError
        An unknown region, period, window or anchor, naming the values allowed.
    """
    cb = resolve(codebook, data)
    _choice("region", region, regions(cb))
    if period not in periods(cb) and is_window(period, cb):
        if window is not None:
            raise ParameterError(
                f"period={period!r} is a window and window={window!r} another; give one window (or a Covid-19 "
                "period with a window)"
            )
        period, window = "all", period
    if period not in periods(cb):
        raise ParameterError(
            f"period={period!r} is not allowed; use one of {', '.join(periods(cb))}, or {_WINDOW_FORMS} "
            f"({', '.join(cb.periods.named)})" + _did_you_mean(str(period), [*periods(cb), *cb.periods.named])
        )
    keep = np.ones(len(data), dtype=bool)
    if region != "wales":
        keep &= data["board"].astype("string").eq(region).fillna(False).to_numpy(dtype=bool)
    if period != "all":
        keep &= data["period"].astype("string").eq(period).fillna(False).to_numpy(dtype=bool)
    out = data.loc[keep].reset_index(drop=True)
    out.attrs = dict(data.attrs)
    return apply_window(out, window, anchor=anchor, codebook=cb)


def infer_by(table: pd.DataFrame, codebook=None) -> str | None:
    """The variable a table's groups are values of (``board``, ``local_authority``, ``period`` ...), if clear."""
    if "by" in table.attrs:
        return table.attrs["by"]
    cb = resolve(codebook, table)
    cols = [c for c in ("group", "group_ref") if c in table.columns]
    groups = {str(g) for c in cols for g in pd.unique(table[c].dropna())} - {"all", "rest", ""}
    if not groups:
        return None
    for name in ("board", "local_authority", "period", "review_type", "outcome"):
        if name in cb.fields and groups <= set(cb.fields[name].codes):
            return name
    return None


def protect(table: pd.DataFrame, policy, *, codebook=None) -> pd.DataFrame:
    """``table`` under the disclosure ``policy`` (`cprstats.disclosure.policy.DisclosurePolicy`).

    A table that already has ``suppressed`` columns is kept if its record says it was
    suppressed (or the policy does not ask for it); otherwise `ParameterError`. A comparison
    table (``count_ref``, ``n_ref`` from `cprstats.compare`) is suppressed on both sides at
    once, with secondary suppression within each side and against the two sides' sum (which
    the report's overall tables publish); a side's hidden count hides that side's estimate
    and interval, and every number computed from both sides (differences, odds ratios,
    statistics and p-values).
    """
    if "suppressed" in table.columns:
        rec = table.attrs.get("disclosure", {})
        if policy.suppress and not rec.get("applied"):
            raise ParameterError(
                "the table already has 'suppressed' columns but was not suppressed under this "
                "report's policy; pass the table before calling cprstats.suppress"
            )
        return table
    # a comparison table (count_ref, n_ref) goes to suppress_comparison through the policy
    return policy.apply(table, codebook=resolve(codebook, table))
