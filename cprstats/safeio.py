"""Safe writing: every file cprstats writes goes through this module.

The data are about children who died or were seriously harmed, and the outputs are opened
in Excel on council laptops. So every write here is

* **atomic**: written to a temporary file in the same folder, flushed to disk and renamed
  onto the target only when complete (`atomic_path`). A run stopped half-way (Ctrl-C, a
  crash, a full disk) leaves the old file or no file, never half a file;
* **safe to open in a spreadsheet**: text cells that Excel would read as a formula are
  neutralised (`neutralise_formulas`, following the OWASP guidance on CSV injection,
  https://owasp.org/www-community/attacks/CSV_Injection);
* **deterministic**: the same data give the same bytes (sorted JSON keys, fixed line ends,
  fixed XLSX timestamps), so committed outputs can be checked byte for byte;
* **UTF-8 with a byte-order mark** for CSV, so Excel shows Welsh letters (ŵ, ŷ, â) correctly.

Decisions
---------
Line ends
    CSV and text files are written with ``"\\n"`` on every platform. pandas would otherwise
    use the platform's separator, so a file written on Windows would differ byte for byte
    from the committed one. Excel, R (``read.csv``, ``readr``), SPSS, Stata and pandas all
    read ``"\\n"`` files.
Numbers typed as text
    OWASP advises prefixing every cell that starts with ``-`` or ``+``. A cell holding a
    plain number (``"-3"``, ``"+44"``, ``"-1.5e3"``) is left alone: it cannot carry a
    formula (Excel reads it as the number), and prefixing it would turn real numbers into
    text. Numeric columns are never touched. Anything else that starts with ``=``, ``+``,
    ``-``, ``@``, a tab, a carriage return or a null character (OWASP ASVS 5.0, 1.2.10)
    gets a leading apostrophe in CSV.
XLSX
    openpyxl stores a ``str`` that starts with ``=`` as a formula. Here every text cell is
    stored as a string (``data_type = "s"``) and risky ones also get Excel's own
    "quote prefix" style, so Excel shows the text as typed (no visible apostrophe) and does
    not turn it into a formula even if the cell is edited.

This module is internal (not exported from ``cprstats``); other modules import it directly.

Examples
--------
>>> import pandas as pd
>>> neutralise_formulas(pd.DataFrame({"note": ["=1+1", "-3", "ok"]}))["note"].tolist()
["'=1+1", '-3', 'ok']
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import os
import re
import secrets
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Mapping

import numpy as np
import pandas as pd

from .errors import CprstatsError, ParameterError

__all__ = [
    "atomic_path",
    "write_csv",
    "write_xlsx",
    "save_workbook",
    "write_text",
    "write_bytes",
    "write_json",
    "dumps_json",
    "neutralise_formulas",
    "needs_neutralising",
    "escape_html",
    "ensure_new_folder",
    "FORMULA_TRIGGERS",
]

#: First characters that make a spreadsheet read a cell as a formula: OWASP "CSV Injection"
#: lists = + - @ tab and carriage return; OWASP ASVS 5.0 requirement 1.2.10 adds the null character.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\x00")
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
#: Timestamp written into XLSX files (zip entries and document properties) so that the same
#: tables give the same bytes. ``SOURCE_DATE_EPOCH`` (reproducible-builds.org) overrides it.
_FIXED_TIME = _dt.datetime(2000, 1, 1, 0, 0, 0)
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


# --------------------------------------------------------------------------- atomic files
@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it onto ``path`` only if the block succeeds.

    The parent folder is created if needed. The temporary file has the same suffix as
    ``path`` (so writers that look at the extension work) and starts with a dot. When the
    block finishes, the file is flushed to disk (``fsync``) and renamed onto ``path`` in
    one step (``os.replace``). If the block raises anything, including
    ``KeyboardInterrupt``, the temporary file is removed and ``path`` is left as it was.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write.

    Yields
    ------
    pathlib.Path
        Where to write. It exists (empty) when the block starts.

    Raises
    ------
    CprstatsError
        If the finished file cannot replace ``path`` (for example because it is open in
        Excel on Windows).

    Examples
    --------
    >>> with atomic_path("outputs/table.txt") as tmp:  # doctest: +SKIP
    ...     tmp.write_text("done")
    """
    target = Path(path)
    if target.is_dir():
        raise ParameterError(f"path={str(target)!r} is a folder; give a file name to write")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _new_temp(target)
    try:
        yield tmp
        _fsync_file(tmp)
        try:
            os.replace(tmp, target)
        except PermissionError as exc:
            raise CprstatsError(
                f"cannot write {target}: {exc.strerror or exc}. If the file is open in Excel or "
                "another program, close it and run again."
            ) from None
        _fsync_dir(target.parent)
    except BaseException:
        try:
            tmp.unlink()
        except FileNotFoundError:
            pass
        raise


def _new_temp(target: Path) -> Path:
    # os.open with O_EXCL and mode 0o666 respects the user's umask, like an ordinary write
    # (tempfile.mkstemp would make every output 0600).
    for _ in range(100):
        tmp = target.with_name(f".{target.stem}.{secrets.token_hex(4)}.tmp{target.suffix}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        except FileExistsError:  # pragma: no cover - 2**32 names
            continue
        os.close(fd)
        if target.exists():
            try:
                os.chmod(tmp, target.stat().st_mode & 0o7777)
            except OSError:  # pragma: no cover - e.g. a file system without modes
                pass
        return tmp
    raise CprstatsError(f"cannot create a temporary file beside {target}")  # pragma: no cover


def _fsync_file(p: Path) -> None:
    with open(p, "rb+") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(d: Path) -> None:
    if os.name != "posix":  # Windows cannot open a folder; NTFS journals the rename
        return
    try:
        fd = os.open(d, os.O_RDONLY)
    except OSError:  # pragma: no cover
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on a folder
        pass
    finally:
        os.close(fd)


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
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_TRIGGERS)
        and not _PLAIN_NUMBER.match(value)
    )


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
    for i, (name, col) in enumerate(df.items()):
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
    target = Path(path)
    with atomic_path(target) as tmp:
        data.to_csv(tmp, index=index, encoding="utf-8-sig", lineterminator="\n")
    return target


def write_text(text: str, path: str | os.PathLike, *, encoding: str = "utf-8") -> Path:
    """Write ``text`` atomically, with ``"\\n"`` line ends on every platform.

    Examples
    --------
    >>> write_text("<p>Hello</p>\\n", "outputs/report.html")  # doctest: +SKIP
    """
    if not isinstance(text, str):
        raise ParameterError(f"text must be a str, got {type(text).__name__}")
    target = Path(path)
    with atomic_path(target) as tmp:
        with open(tmp, "w", encoding=encoding, newline="\n") as fh:
            fh.write(text)
    return target


def write_bytes(data: bytes, path: str | os.PathLike) -> Path:
    """Write ``data`` atomically.

    Examples
    --------
    >>> write_bytes(b"PNG...", "figures/f.png")  # doctest: +SKIP
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ParameterError(f"data must be bytes, got {type(data).__name__}")
    target = Path(path)
    with atomic_path(target) as tmp:
        tmp.write_bytes(bytes(data))
    return target


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, (Path, pd.Period)):
        return str(obj)
    if isinstance(obj, (_dt.date, _dt.datetime, pd.Timestamp)):
        return obj.isoformat()
    if isinstance(obj, (set, frozenset, tuple)):
        return sorted(obj) if isinstance(obj, (set, frozenset)) else list(obj)
    if obj is pd.NA:
        return None
    raise TypeError(type(obj).__name__)


def dumps_json(obj: Any) -> str:
    """``obj`` as deterministic JSON text: sorted keys, 2-space indent, UTF-8 characters kept.

    Examples
    --------
    >>> print(dumps_json({"b": 1, "a": "Môn"}), end="")
    {
      "a": "Môn",
      "b": 1
    }
    """
    try:
        return json.dumps(obj, sort_keys=True, ensure_ascii=False, indent=2, allow_nan=False,
                          default=_json_default) + "\n"
    except TypeError as exc:
        raise ParameterError(f"obj cannot be written as JSON: a value of type {exc} is not supported") from None
    except ValueError as exc:  # NaN or infinity; JSON has neither
        raise ParameterError(f"obj cannot be written as JSON: {exc}; use None for a missing number") from None


def write_json(obj: Any, path: str | os.PathLike) -> Path:
    """Write ``obj`` as deterministic JSON (see `dumps_json`) with a trailing newline.

    NumPy scalars and arrays, paths, periods and dates are converted; NaN is refused
    (JSON has no NaN; use ``None``).

    Examples
    --------
    >>> write_json({"region": "wales"}, "outputs/params.json")  # doctest: +SKIP
    """
    return write_text(dumps_json(obj), path)


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
    return save_workbook(wb, path)


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


# --------------------------------------------------------------------------- folders
def ensure_new_folder(path: str | os.PathLike, *, force: bool = False) -> Path:
    """Make an output folder, refusing to write into one that already holds files.

    Parameters
    ----------
    path : str or os.PathLike
        The folder for a run's outputs. Created (with its parents) if missing.
    force : bool, default False
        Write into an existing, non-empty folder. Files the run writes replace those of
        the same name; other files already there are left alone (nothing is deleted).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ParameterError
        If ``path`` is a file, or a non-empty folder and ``force`` is False.

    Examples
    --------
    >>> ensure_new_folder("outputs/MWW/pre_covid")  # doctest: +SKIP
    PosixPath('outputs/MWW/pre_covid')
    """
    folder = Path(path)
    if not isinstance(force, bool):
        raise ParameterError(f"force must be True or False, got {force!r}")
    if folder.exists() and not folder.is_dir():
        raise ParameterError(f"output folder {str(folder)!r} is a file; choose a folder name")
    if folder.is_dir():
        n = sum(1 for _ in folder.iterdir())
        if n and not force:
            raise ParameterError(
                f"output folder {str(folder)!r} already holds {n} file{'s' if n != 1 else ''}; "
                "choose a new folder, or pass --force (force=True) to write over them"
            )
    folder.mkdir(parents=True, exist_ok=True)
    return folder
