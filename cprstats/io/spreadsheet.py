"""Spreadsheet-safe text: no cell cprstats writes can run as a formula in Excel.

Text cells that start with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a null
character get a leading apostrophe, as the OWASP guidance on CSV injection advises
(https://owasp.org/www-community/attacks/CSV_Injection; the null character is from OWASP
ASVS 5.0, requirement 1.2.10). A cell holding a plain number (``"-3"``, ``"+44"``) is left
alone: it cannot carry a formula (Excel reads it as the number), and prefixing it would turn
real numbers into text. Numeric columns are never touched. Use it through `cprstats.io`.

Examples
--------
>>> import pandas as pd
>>> neutralise_formulas(pd.DataFrame({"note": ["=1+1", "-3", "ok"]}))["note"].tolist()
["'=1+1", '-3', 'ok']
"""

from __future__ import annotations

import csv
import datetime as _dt
import html
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cprstats.errors import ParameterError
from cprstats.io.atomic import atomic_path

if TYPE_CHECKING:
    from openpyxl import Workbook

__all__ = [
    "FORMULA_TRIGGERS",
    "needs_neutralising",
    "neutralise_formulas",
    "escape_html",
    "write_csv",
    "write_xlsx",
    "save_workbook",
]

#: First characters that make a spreadsheet read a cell as a formula: OWASP "CSV Injection"
#: lists = + - @ tab and carriage return; OWASP ASVS 5.0 requirement 1.2.10 adds the null character.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\x00")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")  # ASCII, whole cell


# --------------------------------------------------------------------------- formulas
def needs_neutralising(value: Any) -> bool:
    """Whether a spreadsheet could read ``value`` as a formula.

    True for a ``str`` that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return, unless it is a plain number such as ``"-3"`` or ``"+44"``.

    Examples
    --------
    >>> [needs_neutralising(v) for v in ["=SUM(A1)", "@cmd", "-3", "-3+cmd|' /C calc'!A0", "ok", -3]]
    [True, True, False, True, False, False]
    """
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER.fullmatch(value)


def _neutral(value: Any) -> Any:
    return "'" + value if needs_neutralising(value) else value


def neutralise_formulas(df: pd.DataFrame, *, index: bool = False) -> pd.DataFrame:
    """A copy of ``df`` in which no text cell or column name can run as a spreadsheet formula.

    Text cells (and column names) that start with ``=``, ``+``, ``-``, ``@``, a tab or a
    carriage return get a leading apostrophe ``'``, as the OWASP guidance on CSV injection
    advises (https://owasp.org/www-community/attacks/CSV_Injection). Numeric, boolean, date
    and period columns are returned unchanged, and so are text cells holding a plain
    number such as ``"-3"`` (see the module notes). Categorical columns whose categories
    need it become plain text columns.

    Parameters
    ----------
    df : pandas.DataFrame
    index : bool, default False
        Also neutralise the index labels (when the index is written out).

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"n": [-3, 4], "text": ["@SUM(1)", "+44 1234"], "=x": ["a", "b"]})
    >>> out = neutralise_formulas(df)
    >>> out["n"].tolist(), out["text"].tolist(), list(out.columns)
    ([-3, 4], ["'@SUM(1)", "'+44 1234"], ['n', 'text', "'=x"])
    """
    if not isinstance(df, pd.DataFrame):
        raise ParameterError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    out = df.copy()
    for i, (_, col) in enumerate(df.items()):
        dtype = col.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            cats = list(dtype.categories)
            if any(needs_neutralising(c) for c in cats):
                out.isetitem(i, col.astype(object).map(_neutral, na_action="ignore"))
        elif pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
            if col.map(needs_neutralising, na_action="ignore").fillna(False).astype(bool).any():
                out.isetitem(i, col.map(_neutral, na_action="ignore"))
    out.columns = _neutral_index(out.columns)
    if index:
        out.index = _neutral_index(out.index)
    return out


def _neutral_index(ix: pd.Index) -> pd.Index:
    if isinstance(ix, pd.MultiIndex):
        return ix.set_levels([_neutral_index(lv) for lv in ix.levels])
    if any(needs_neutralising(v) for v in ix):
        return pd.Index([_neutral(v) for v in ix], name=_neutral(ix.name))
    return ix


def escape_html(value: Any) -> str:
    """``value`` as text safe to put inside HTML (``&``, ``<``, ``>``, quotes escaped); missing -> ``""``.

    Examples
    --------
    >>> escape_html('<script>alert("x")</script> & Môn')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Môn'
    >>> escape_html(pd.NA)
    ''
    """
    if value is None or (not isinstance(value, (str, bytes)) and _is_missing(value)):
        return ""
    return html.escape(str(value), quote=True)


def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


# --------------------------------------------------------------------------- writers
def write_csv(
    df: pd.DataFrame,
    path: str | os.PathLike,
    *,
    index: bool = False,
    neutralise: bool = True,
) -> Path:
    """Write ``df`` as CSV: atomic, UTF-8 with a byte-order mark, ``"\\n"`` line ends.

    A cell (or column name, or index label) that holds a carriage return is always quoted:
    the CSV writer quotes only the characters of its line end (``"\\n"``), and a spreadsheet
    starts a new row at a bare carriage return, so text after it would land in a cell of its
    own, unprotected. When any text holds one, every field of the file is quoted (which any
    CSV reader reads back to the same values).

    Parameters
    ----------
    df : pandas.DataFrame
    path : str or os.PathLike
    index : bool, default False
        Write the index as the first column(s).
    neutralise : bool, default True
        Apply `neutralise_formulas` first. Turn off only for a file that is never opened
        in a spreadsheet and must round-trip exactly.

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> write_csv(pd.DataFrame({"a": [1]}), "outputs/t.csv")  # doctest: +SKIP
    """
    if not isinstance(df, pd.DataFrame):
        raise ParameterError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    data = neutralise_formulas(df, index=index) if neutralise else df
    quoting = csv.QUOTE_ALL if _holds_carriage_return(data, index=index) else csv.QUOTE_MINIMAL
    target = Path(path)
    with atomic_path(target) as tmp:
        data.to_csv(tmp, index=index, encoding="utf-8-sig", lineterminator="\n", quoting=quoting)
    return target


def _holds_carriage_return(df: pd.DataFrame, *, index: bool) -> bool:
    """Whether any text cell, column name or (written) index label of ``df`` holds a carriage return."""

    def labels(ix: pd.Index) -> bool:
        values = ix.to_flat_index() if isinstance(ix, pd.MultiIndex) else ix
        flat = [v for x in values for v in (x if isinstance(x, tuple) else (x,))]
        return any("\r" in str(v) for v in [*flat, *ix.names] if v is not None)

    if labels(df.columns) or (index and labels(df.index)):
        return True
    for _, col in df.items():
        dtype = col.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            values = pd.Series(dtype.categories)
        elif pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
            values = col
        else:
            continue
        if values.astype(str).str.contains("\r", regex=False).any():
            return True
    return False


# ------------------------------------------------------------
# Excel workbooks written safely: text is never a formula, and the same tables give the same bytes.
# ------------------------------------------------------------

#: Timestamp written into XLSX files (zip entries and document properties) so that the same
#: tables give the same bytes. ``SOURCE_DATE_EPOCH`` (reproducible-builds.org) overrides it.
_FIXED_TIME = _dt.datetime(2000, 1, 1, 0, 0, 0)
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


# --------------------------------------------------------------------------- XLSX
def _fixed_time() -> _dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc).replace(tzinfo=None)
    return _FIXED_TIME


def _check_sheet_name(name: Any, seen: set[str]) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ParameterError(f"sheet name {name!r} must be a non-empty string")
    if len(name) > 31 or _SHEET_BAD.search(name) or name.startswith("'") or name.endswith("'"):
        raise ParameterError(
            f"sheet name {name!r} is not allowed by Excel: at most 31 characters, none of [ ] : * ? / \\,"
            " and no apostrophe at either end"
        )
    if name.lower() in seen:
        raise ParameterError(f"sheet name {name!r} appears twice (Excel ignores case)")
    seen.add(name.lower())
    return name


def _cell_value(v: Any) -> Any:
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if np.isnan(v) else float(v)
    if isinstance(v, int):
        return v
    if isinstance(v, (pd.Period,)):
        return str(v)
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if isinstance(v, (_dt.date, _dt.datetime)):
        return v
    return str(v)


def _put(ws, row: int, col: int, value: Any) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    v = _cell_value(value)
    cell = ws.cell(row=row, column=col)
    if isinstance(v, str):
        v = ILLEGAL_CHARACTERS_RE.sub("\ufffd", v)  # control characters Excel cannot store
        cell.value = v
        cell.data_type = "s"  # never a formula, whatever the first character
        if needs_neutralising(v):
            cell.quotePrefix = True
    else:
        cell.value = v


def write_xlsx(
    sheets: Mapping[str, pd.DataFrame],
    path: str | os.PathLike,
    *,
    index: bool = False,
    freeze_header: bool = True,
    numbers_from_text: Sequence[str] = ("table",),
) -> Path:
    """Write one or more tables to an Excel workbook, one sheet per table, atomically.

    Text cells are stored as text, never as formulas (see the module notes); missing values
    are empty cells; periods are written as text (``"2020-03"``); numbers stay numbers,
    unrounded.

    Parameters
    ----------
    sheets : mapping of str to pandas.DataFrame
        Sheet name -> table, in order. Names follow Excel's rules (at most 31 characters,
        none of ``[ ] : * ? / \\``, unique ignoring case).
    path : str or os.PathLike
    index : bool, default False
        Write each table's index as its first column(s).
    freeze_header : bool, default True
        Keep the header row visible when scrolling.
    numbers_from_text : sequence of str, default ("table",)
        Sheets of formatted text (a report's ``table`` sheet) whose cells that are plain
        numbers (``"42"``, ``"3.5"``) or percentages (``"66.7%"``) are stored as numbers with
        a number format, so Excel can sum and sort them; other text stays text. Not applied
        to data sheets, where a code such as ``"007"`` must keep its leading zeros.

    Every sheet is set up to print: landscape, fitted to the page width, the header row
    repeated on every page.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> write_xlsx({"table 1": pd.DataFrame({"a": [1]})}, "outputs/t.xlsx")  # doctest: +SKIP
    """
    from openpyxl import Workbook

    if not isinstance(sheets, Mapping) or not sheets:
        raise ParameterError("sheets must be a non-empty mapping of sheet name -> DataFrame")
    seen: set[str] = set()
    wb = Workbook()
    wb.remove(wb.active)
    for name, df in sheets.items():
        _check_sheet_name(name, seen)
        if not isinstance(df, pd.DataFrame):
            raise ParameterError(f"sheets[{name!r}] must be a pandas DataFrame, got {type(df).__name__}")
        ws = wb.create_sheet(title=name)
        data = df.reset_index() if index else df
        for j, col in enumerate(data.columns, start=1):
            _put(ws, 1, j, col if not isinstance(col, tuple) else " ".join(map(str, col)))
        numeric = name in numbers_from_text
        for i, rec in enumerate(data.itertuples(index=False, name=None), start=2):
            for j, v in enumerate(rec, start=1):
                number = _text_number(v) if numeric else None
                if number is None:
                    _put(ws, i, j, v)
                else:
                    cell = ws.cell(row=i, column=j, value=number[0])
                    cell.number_format = number[1]
        if freeze_header and len(data.columns):
            ws.freeze_panes = "A2"
        _readable(ws, data)
        _print_setup(ws)
    return save_workbook(wb, path)


_TEXT_NUMBER = re.compile(r"-?(\d+)(?:\.(\d+))?(%?)")


def _text_number(value: Any) -> tuple[float | int, str] | None:
    """``(number, Excel number format)`` for a text cell that is a plain number or percentage, else None.

    >>> _text_number("42"), _text_number("66.7%"), _text_number("22 (66.7%)"), _text_number("007")
    ((42, '0'), (0.667, '0.0%'), None, None)
    """
    if not isinstance(value, str):
        return None
    m = _TEXT_NUMBER.fullmatch(value.strip())
    if m is None or (len(m.group(1)) > 1 and m.group(1).startswith("0")):
        return None  # not a number, or a code with a leading zero
    decimals = len(m.group(2) or "")
    fmt = "0" + ("." + "0" * decimals if decimals else "")
    text = value.strip().rstrip("%")
    if m.group(3):
        return round(float(text) / 100, decimals + 2), fmt + "%"
    return (int(text) if not decimals else float(text)), fmt


def _print_setup(ws) -> None:
    """Landscape, fitted to the page width, the header row repeated on every printed page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if ws.max_row > 1:
        ws.print_title_rows = "1:1"


def _readable(ws, data: pd.DataFrame) -> None:
    """Bold header and columns wide enough to read (Excel does not fit them on opening)."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
    sample = data.head(500)
    for j, col in enumerate(data.columns, start=1):
        texts = [str(col)] + ["" if pd.isna(v) else str(v) for v in sample.iloc[:, j - 1].tolist()]
        width = min(60, max(8, max(len(x) for x in texts) + 2))
        ws.column_dimensions[get_column_letter(j)].width = width


def save_workbook(wb: Workbook, path: str | os.PathLike, *, deterministic: bool = True) -> Path:
    """Save a ready openpyxl ``Workbook`` atomically.

    Parameters
    ----------
    wb : openpyxl.Workbook
        Text cells should already be stored as text; this function does not rewrite cells.
    path : str or os.PathLike
    deterministic : bool, default True
        Give the document properties and zip entries a fixed timestamp (2000-01-01, or
        ``SOURCE_DATE_EPOCH`` if set) so the same workbook gives the same bytes.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> from openpyxl import Workbook
    >>> save_workbook(Workbook(), "outputs/empty.xlsx")  # doctest: +SKIP
    """
    target = Path(path)
    if target.suffix.lower() not in (".xlsx", ".xlsm"):
        raise ParameterError(f"path={str(target)!r} must end in .xlsx")
    if deterministic:
        stamp = _fixed_time()
        wb.properties.created = stamp
        wb.properties.creator = "cprstats"
    with atomic_path(target) as tmp:
        wb.save(tmp)
        if deterministic:
            _normalise_zip(tmp, _fixed_time())
    return target


def _normalise_zip(p: Path, stamp: _dt.datetime) -> None:
    import zipfile

    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(p) as zin:
        items = [(info, zin.read(info.filename)) for info in zin.infolist()]
    date_time = (max(stamp.year, 1980),) + stamp.timetuple()[1:6]
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    lambda m: m.group(1) + iso.encode() + m.group(2),
                    data,
                )
            zi = zipfile.ZipInfo(info.filename, date_time=date_time)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            zout.writestr(zi, data)
