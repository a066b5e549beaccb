"""Excel workbooks written safely: text is never a formula, and the same tables give the same bytes.

openpyxl stores a ``str`` that starts with ``=`` as a formula. Here every text cell is stored
as a string (``data_type = "s"``) and risky ones also get Excel's own "quote prefix" style,
so Excel shows the text as typed (no visible apostrophe) and does not turn it into a formula
even if the cell is edited. The zip entries and document properties get a fixed timestamp.
openpyxl is imported only when a workbook is written. Use it through `cprstats.safeio`.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .atomic import atomic_path
from .errors import ParameterError
from .neutralise import needs_neutralising

__all__ = ["write_xlsx", "save_workbook"]

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
        for i, rec in enumerate(data.itertuples(index=False, name=None), start=2):
            for j, v in enumerate(rec, start=1):
                _put(ws, i, j, v)
        if freeze_header and len(data.columns):
            ws.freeze_panes = "A2"
        _readable(ws, data)
    return save_workbook(wb, path)


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


def save_workbook(wb, path: str | os.PathLike, *, deterministic: bool = True) -> Path:
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
