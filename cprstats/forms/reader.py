"""Read coding forms (CSV, XLSX, or a folder of YAML files) into a raw table of strings.

``read_forms`` does no coding: every cell comes back exactly as the coder typed it (as a
string, ``""`` for empty), so that `cprstats.code_reviews` can report problems with the
value the coder sees. The index, named ``row``, holds the row number the user sees in their
spreadsheet (the header is row 1); for YAML forms it is the item number within the file.
``attrs["source"]`` is the path read and ``attrs["files"]`` the file of each row.

Inputs are opened read-only and never written. What is refused, and why:

Header row
    The first row of a CSV or XLSX file must hold column names. A first row that looks like
    data (a number, a date, a name, a postcode ...) is refused as "no header row", and its
    cells are never printed: they may be the first child's details.
Size
    A file larger than `MAX_FORM_BYTES` is refused before it is read. An XLSX workbook is a
    zip archive: the sizes of its parts once uncompressed are checked (from the archive's
    directory, before anything is decompressed) against `MAX_XLSX_BYTES`, so a small
    "zip bomb" cannot fill memory. A sheet may have at most `MAX_ROWS` rows of forms and
    `MAX_COLUMNS` columns.
Which sheet
    The sheet named ``coding`` (any case), else the only visible sheet; a workbook with
    several visible sheets and none named ``coding`` is refused, naming the sheets, rather
    than a guess being made. Hidden sheets are never read unless named ``coding``. Rows are
    read to the end of the sheet, whatever the workbook's recorded size (``<dimension>``)
    says, so no row is silently dropped.
YAML
    Anchors and aliases (``&``/``*``) and nesting deeper than `MAX_YAML_DEPTH` are refused
    before the form is loaded; numbers and dates are read as the text typed, so an
    impossible date or a 5,000-digit number is a value for the coder to report, not a crash.
    A folder of forms must hold only ``.yaml``/``.yml`` files (and, at most, notes such as
    ``README.txt`` or ``.md``, and hidden files): any other file or a subfolder is refused,
    listed, rather than silently skipped.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import os
import re
import warnings
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from cprstats.codebook.model import Codebook, resolve
from cprstats.errors import CodingError, CprstatsError, FormsError
from cprstats.forms.guard import check_forms, vocabulary
from cprstats.forms.identifiers import normalise_word, safe_echo, safe_header, value_like

__all__ = [
    "read_forms",
    "screen_dataset",
    "MAX_FORM_BYTES",
    "MAX_XLSX_BYTES",
    "MAX_ROWS",
    "MAX_COLUMNS",
    "MAX_YAML_DEPTH",
    "FORM_SUFFIXES",
]

#: Largest forms file read (bytes). A real set of reviews is a few hundred rows (a few hundred
#: KB); 20 MB holds about 50,000 forms. A larger file is almost certainly the wrong file, and
#: refusing it before reading keeps memory bounded. Scale work passes DataFrames to
#: `code_reviews` directly, or raises the limit with the environment variable.
MAX_FORM_BYTES = int(os.environ.get("CPRSTATS_MAX_FORM_BYTES", 20 * 2**20))
#: Largest total size of an XLSX workbook's parts once uncompressed (bytes): 5 times
#: `MAX_FORM_BYTES` unless the environment variable ``CPRSTATS_MAX_XLSX_BYTES`` says otherwise.
MAX_XLSX_BYTES = int(os.environ.get("CPRSTATS_MAX_XLSX_BYTES", 5 * MAX_FORM_BYTES))
#: Most rows of forms a sheet or CSV file may hold (one per subject child).
MAX_ROWS = int(os.environ.get("CPRSTATS_MAX_FORM_ROWS", 100_000))
#: Most columns a sheet may use (the packaged codebook has fewer than 100 with every option column).
MAX_COLUMNS = 500
#: Deepest nesting of lists and mappings a YAML form may have (a form needs 2).
MAX_YAML_DEPTH = 20
FORM_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".yaml", ".yml")
_EXCEL_ROWS = 1_048_576  # the last row of an Excel sheet


def read_forms(
    path: str | os.PathLike[str],
    *,
    codebook: Codebook | str | os.PathLike[str] | None = None,
    keep_columns: Iterable[str] = (),
    check: bool = True,
) -> pd.DataFrame:
    """Read coding forms into a raw DataFrame of strings.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` file (UTF-8, with or without the byte-order mark Excel writes), an
        ``.xlsx`` workbook (the sheet named ``coding``, else its only visible sheet), a
        ``.yaml`` file, or a folder of ``.yaml``/``.yml`` files, one review each.
    codebook : Codebook or path, optional
        Used to screen the columns for identifiers (see `cprstats.forms.guard`).
    keep_columns : iterable of str
        Extra columns that are not in the codebook but that the researcher has checked hold
        no identifiers. They are still screened for identifier values.
    check : bool, default True
        Screen for identifiers (names, dates of birth, addresses, NHS numbers, free text).

    Returns
    -------
    pandas.DataFrame
        One row per subject child, one column per header, all strings.

    Raises
    ------
    FormsError
        The file is missing, unreadable, empty, too large, not UTF-8, not a table, or has no
        header row (see the module notes).
    CodingError
        A column or value looks like an identifier (with ``check=True``).

    Examples
    --------
    >>> import cprstats, cprstats.datasets.examples
    >>> forms = cprstats.read_forms(cprstats.datasets.examples.forms_path("wales"))
    >>> forms.index.name, forms.index[0]
    ('row', 2)
    >>> forms.loc[2, "review_id"]  # doctest: +ELLIPSIS
    '...'
    """
    p = Path(path)
    try:
        exists, is_dir = p.exists(), p.is_dir()
    except (OSError, ValueError) as exc:
        raise FormsError(f"{p}: cannot be opened ({_why(exc)})") from None
    if not exists:
        raise FormsError(f"{p}: no such file or folder")
    try:
        if is_dir:
            df = _read_yaml_folder(p)
        else:
            df = _read_file(p)
    except OSError as exc:  # permission denied, a file that vanished, a device that cannot be read
        raise FormsError(f"{p}: cannot be read ({_why(exc)}); check the file is there and you may read it") from None
    df.attrs["source"] = str(p)
    if check:
        _screen(df, codebook, keep_columns)
    return df


def _why(exc: BaseException) -> str:
    """The reason of an OS error in words, without echoing anything else."""
    return getattr(exc, "strerror", None) or type(exc).__name__


def _read_file(p: Path) -> pd.DataFrame:
    suffix = p.suffix.lower()
    if not p.is_file():
        raise FormsError(f"{p}: not a regular file; give a .csv or .xlsx file, or a folder of YAML forms")
    size = p.stat().st_size
    if size > MAX_FORM_BYTES:
        raise FormsError(
            f"{p}: {size / 2**20:.0f} MB is larger than the {MAX_FORM_BYTES / 2**20:.0f} MB allowed for a forms file; "
            "check it is the right file (set CPRSTATS_MAX_FORM_BYTES to raise the limit)"
        )
    if size == 0:
        raise FormsError(f"{p}: the file is empty; it needs a header row and one row per subject child")
    if suffix == ".csv":
        return _read_csv(p)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(p)
    if suffix in (".yaml", ".yml"):
        return _frame_from_records(_yaml_records(p), [p.name])
    raise FormsError(
        f"{p}: cannot read {suffix or 'a file without an extension'!r}; use one of {', '.join(FORM_SUFFIXES)} "
        "or a folder of YAML forms"
    )


def _screen(df, codebook, keep_columns):

    check_forms(df, codebook, keep_columns=tuple(keep_columns))


# --------------------------------------------------------------------------- CSV
def _decode(p: Path) -> str:
    data = p.read_bytes()
    if b"\x00" in data:
        raise FormsError(f"{p}: this is not a text file (it holds binary data); save the forms as CSV UTF-8 or XLSX")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FormsError(
            f"{p}: line {line} is not UTF-8 text (byte {data[exc.start]:#04x}); in Excel use "
            "'Save As' > 'CSV UTF-8 (Comma delimited)' so Welsh letters such as ŵ and ŷ are kept"
        ) from None


def _known_headers(codebook=None) -> frozenset[str]:
    """Every column name a form may use (names, titles, option columns), as `normalise_word` gives them."""
    cb = resolve(codebook)
    names = set(cb.coded_columns)
    for fld in cb.fields.values():
        names.update((fld.name, fld.title.en, fld.title.cy))
    return frozenset(normalise_word(n) for n in names)


def _refuse_data_header(where: str, header: list[str]) -> None:
    """Refuse a first row that is really the first form: its cells may identify a child, so none is printed."""
    known = _known_headers()
    cells = [(k, h) for k, h in enumerate(header, start=1) if h]
    if any(normalise_word(h) in known for _, h in cells):
        return  # a real header row; a column name that looks identifying is the guard's to report, unshown
    found = next(((k, like) for k, h in cells if (like := value_like(h)) is not None), None)
    if found is None:
        words = vocabulary(resolve())
        values = [k for k, h in cells if normalise_word(h) in words]
        if len(values) < 2:
            return
        found = (values[0], "a coded value")
    k, like = found
    raise FormsError(
        f"{where}: no header row: the first row looks like data, not column names (column {k} holds what looks "
        f"like {like}; the row is not shown here). Insert a row of column names (review_id, child_no, "
        "local_authority, ...) above the first form, as in the template that `cprstats template` writes"
    )


def _check_header(p: Path, header: list[str], where: str | None = None) -> list[str]:
    where = where or str(p)
    cleaned = [" ".join(str(h).split()) for h in header]
    if not any(cleaned):
        raise FormsError(f"{where}: the first row is empty; it must hold the column names (review_id, child_no, ...)")
    _refuse_data_header(where, cleaned)
    blank = [i + 1 for i, h in enumerate(cleaned) if not h]
    if blank:
        raise FormsError(f"{where}: column {blank[0]} has no name in the header row; name it or delete the column")
    seen, dup = set(), []
    for h in cleaned:
        key = h.casefold()
        if key in seen and h not in dup:
            dup.append(h)
        seen.add(key)
    if dup:
        shown = ", ".join(repr(safe_header(d)) for d in dup)
        raise FormsError(f"{where}: the header names {shown} more than once; each column must appear once")
    return cleaned


def _read_csv(p: Path) -> pd.DataFrame:
    text = _decode(p)
    first_line = re.split(r"\r\n|\n|\r", text, maxsplit=1)[0]
    try:
        header = next(csv.reader(io.StringIO(text, newline="")))  # a quoted name may hold a line break
    except (csv.Error, StopIteration):
        raise FormsError(f"{p}: the header row cannot be read as CSV") from None
    if len(header) == 1 and first_line.count(";") >= 2:
        raise FormsError(
            f"{p}: the columns are separated by semicolons (';'), as Excel saves CSV in some regional settings; "
            "cprstats reads comma-separated files: in Excel use 'Save As' > 'CSV UTF-8 (Comma delimited)', "
            "or save as .xlsx"
        )
    header = _check_header(p, header)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            df = pd.read_csv(
                io.StringIO(text),
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                header=0,
                names=header,
                engine="c",
                index_col=False,  # else rows longer than the header shift into an implicit index
            )
    except (pd.errors.ParserError, ValueError, csv.Error, OverflowError) as exc:
        msg = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        if "saw" not in msg and "Expected" not in msg:  # pandas' own words, which quote no cell
            msg = type(exc).__name__
        raise FormsError(
            f"{p}: not a well-formed CSV table ({msg}); every row needs the same number of columns as the header"
        ) from None
    if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
        _check_row_widths(p, text, len(header))
    if df.empty:
        raise FormsError(f"{p}: the file has a header but no rows; add one row per subject child")
    if len(df) > MAX_ROWS:
        raise FormsError(f"{p}: more than {MAX_ROWS:,} rows; a forms file holds one row per subject child")
    df.index = pd.RangeIndex(2, len(df) + 2, name="row")
    df = _drop_blank_rows(df)
    if df.empty:
        raise FormsError(f"{p}: every row below the header is empty; add one row per subject child")
    df.attrs["files"] = [p.name] * len(df)
    return df


def _check_row_widths(p: Path, text: str, width: int) -> None:
    """Empty cells beyond the last named column (Excel leaves them) are ignored; values there are refused."""
    try:
        for n, record in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if any(c.strip() for c in record[width:]):
                raise FormsError(
                    f"{p}: row {n} has values beyond the last named column; name the column or delete the values"
                )
    except csv.Error:
        raise FormsError(f"{p}: not a well-formed CSV table; every row needs the same number of columns") from None


def _drop_blank_rows(df: pd.DataFrame) -> pd.DataFrame:
    keep = df.apply(lambda col: col.str.strip().ne("")).any(axis=1)  # rows with nothing typed in them (as for XLSX)
    return df if bool(keep.all()) else df.loc[keep]


# --------------------------------------------------------------------------- XLSX
def _cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, _dt.datetime):
        return v.date().isoformat() if v.time() == _dt.time(0) else v.isoformat(sep=" ")
    if isinstance(v, _dt.date):
        return v.isoformat()
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, int):
        try:
            return str(v)
        except ValueError:  # more digits than Python converts: the coder will see "not a whole number"
            return "(a number of more than 4,000 digits)"
    return str(v)


def _check_archive(p: Path) -> None:
    """Refuse a workbook whose parts, uncompressed, would be larger than `MAX_XLSX_BYTES` (a "zip bomb").

    The sizes are those of the archive's central directory, read before anything is
    decompressed; Python's zipfile never returns more bytes than the size recorded there.
    """
    import zipfile

    try:
        with zipfile.ZipFile(p) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise FormsError(f"{p}: not a readable Excel workbook (not a zip archive); save it again as .xlsx") from None
    if len(infos) > 10_000:
        raise FormsError(f"{p}: not a readable Excel workbook ({len(infos)} parts); save it again as .xlsx")
    total = sum(max(i.file_size, 0) for i in infos)
    if total > MAX_XLSX_BYTES:
        raise FormsError(
            f"{p}: the workbook is {total / 2**20:,.0f} MB once uncompressed, more than the "
            f"{MAX_XLSX_BYTES / 2**20:.0f} MB allowed for forms; check it is the right file, or save the forms "
            "sheet on its own (set CPRSTATS_MAX_XLSX_BYTES to raise the limit)"
        )


def _choose_sheet(p: Path, wb):
    """The sheet named ``coding`` (any case), else the only visible sheet; never a guess."""
    sheets = list(wb.worksheets)
    if not sheets:
        raise FormsError(f"{p}: the workbook has no worksheet; put the forms on a sheet named 'coding'")
    named = [ws for ws in sheets if ws.title == "coding"] or [
        ws for ws in sheets if ws.title.strip().casefold() == "coding"
    ]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        raise FormsError(f"{p}: {len(named)} sheets are named 'coding' (ignoring case); keep one")
    visible = [ws for ws in sheets if getattr(ws, "sheet_state", "visible") == "visible"]
    if len(visible) == 1:
        return visible[0]
    shown = ", ".join(repr(safe_header(ws.title)) for ws in visible) or "(none is visible)"
    raise FormsError(
        f"{p}: no sheet is named 'coding' and the workbook has {len(visible)} visible sheets ({shown}); "
        "rename the sheet that holds the forms to 'coding'"
    )


def _sheet_rows(p: Path, ws) -> tuple[list, list[tuple[int, list]]]:
    """The header and the non-empty rows ``(row number, values)`` of a read-only sheet, within the caps."""
    from openpyxl.utils import get_column_letter

    ws.reset_dimensions()  # read to the last row there is, whatever <dimension> says
    header = None
    rows: list[tuple[int, list]] = []
    n_rows = 0
    for n, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if n > _EXCEL_ROWS:
            raise FormsError(f"{p}: sheet {safe_header(ws.title)!r} has rows beyond Excel's last row; save it again")
        if len(row) > MAX_COLUMNS:
            extra = next(
                (j for j, v in enumerate(row[MAX_COLUMNS:], start=MAX_COLUMNS + 1) if v not in (None, "")), None
            )
            where = f"a value in column {get_column_letter(extra)}" if extra else "cells formatted"
            raise FormsError(
                f"{p}: sheet {safe_header(ws.title)!r} row {n} has {where} beyond column "
                f"{get_column_letter(MAX_COLUMNS)} ({MAX_COLUMNS} columns are the most a form has); "
                "delete the columns after the last one you use"
            )
        values = list(row)
        if n == 1:
            header = values
            continue
        if any(v not in (None, "") for v in values):
            n_rows += 1
            if n_rows > MAX_ROWS:
                raise FormsError(
                    f"{p}: sheet {safe_header(ws.title)!r} has more than {MAX_ROWS:,} rows of forms; "
                    "a forms sheet holds one row per subject child"
                )
            rows.append((n, values))
    return header if header is not None else [], rows


def _read_xlsx(p: Path) -> pd.DataFrame:
    from openpyxl import load_workbook

    _check_archive(p)
    wb = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions and styles it cannot read
            wb = load_workbook(p, read_only=True, data_only=True)
            ws = _choose_sheet(p, wb)
            title = safe_header(ws.title)
            header, body = _sheet_rows(p, ws)
    except CprstatsError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl and the XML parser raise many kinds on a damaged file
        raise FormsError(f"{p}: not a readable Excel workbook ({type(exc).__name__}); save it again as .xlsx") from None
    finally:
        if wb is not None:
            wb.close()
    if not header and not body:
        raise FormsError(f"{p}: sheet {title!r} is empty; it needs a header row and one row per subject child")
    while header and (header[-1] is None or str(header[-1]).strip() == ""):
        header.pop()
    header = _check_header(p, [_cell_text(h) for h in header], where=f"{p}, sheet {title!r}")
    width = len(header)
    records, index = [], []
    for n, row in body:
        if any(v not in (None, "") for v in row[width:]):
            raise FormsError(
                f"{p}: sheet {title!r} row {n} has values beyond the last named column; "
                "name the column or delete the values"
            )
        cells = [_cell_text(v) for v in row[:width]]
        if any(c.strip() for c in cells):
            records.append(cells + [""] * (width - len(cells)))
            index.append(n)
    if not records:
        raise FormsError(f"{p}: sheet {title!r} has a header but no rows; add one row per subject child")
    df = pd.DataFrame(records, columns=header, index=pd.Index(index, name="row"), dtype=object)
    df.attrs["files"] = [p.name] * len(df)
    return df


# --------------------------------------------------------------------------- YAML
_LOADER = None


def _form_loader():
    """A safe YAML loader that reads numbers and dates as the text typed (no impossible dates, no 5,000-digit ints)."""
    global _LOADER
    if _LOADER is None:
        import yaml

        base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

        class FormLoader(base):  # type: ignore[misc, valid-type]
            pass

        def as_text(loader, node):
            return loader.construct_scalar(node)

        for tag in ("int", "float", "timestamp"):
            FormLoader.add_constructor(f"tag:yaml.org,2002:{tag}", as_text)
        _LOADER = FormLoader
    return _LOADER


def _yaml_records(p: Path) -> list[dict]:
    import yaml

    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise FormsError(f"{p}: not UTF-8 text; save the YAML form as UTF-8") from None
    _refuse_aliases(p, text)
    try:
        data = yaml.load(text, Loader=_form_loader())  # a safe loader: a form must not be able to run code
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        if "nesting depth" in problem:
            raise FormsError(f"{p}: not a valid YAML form{where} (nested too deeply); write field: value") from None
        if "could not determine a constructor" in problem:
            problem = "an unknown tag"
        raise FormsError(
            f"{p}: not a valid YAML form{where} ({problem}); tags such as !!python are not allowed"
        ) from None
    except (RecursionError, ValueError, TypeError, OverflowError, MemoryError) as exc:
        raise FormsError(
            f"{p}: not a valid YAML form ({type(exc).__name__}); write one mapping of field: value"
        ) from None
    if data is None:
        raise FormsError(f"{p}: the form is empty")
    items = data if isinstance(data, list) else [data]
    out = []
    for i, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise FormsError(f"{p}: item {i} is not a mapping of field: value")
        rec = {}
        for k, v in item.items():
            key = _cell_text(k)
            if isinstance(v, dict):
                raise FormsError(
                    f"{p}: item {i}, field {safe_header(key)!r}: a nested mapping is not allowed; "
                    "give a value or a list"
                )
            if isinstance(v, list):
                if any(isinstance(x, (list, dict)) for x in v):
                    raise FormsError(
                        f"{p}: item {i}, field {safe_header(key)!r}: a list inside a list is not allowed; "
                        "give the options as one list"
                    )
                v = "; ".join(_cell_text(x) for x in v) if v else "none"
            rec[key] = _cell_text(v)
        out.append(rec)
    return out


def _refuse_aliases(p: Path, text: str) -> None:
    """Refuse YAML anchors and aliases, and deep nesting, before loading.

    A form never needs them: nested aliases can expand exponentially ("billion laughs"), and
    deep nesting can exhaust the parser's stack. The scanner reads tokens one by one.
    """
    import yaml

    opening = (
        yaml.BlockMappingStartToken,
        yaml.BlockSequenceStartToken,
        yaml.FlowMappingStartToken,
        yaml.FlowSequenceStartToken,
    )
    closing = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)
    depth = 0
    try:
        for token in yaml.scan(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            if isinstance(token, (yaml.AliasToken, yaml.AnchorToken)):
                line = token.start_mark.line + 1
                raise FormsError(f"{p}: line {line} uses a YAML anchor or alias (& or *); write each value out in full")
            if isinstance(token, opening):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    line = token.start_mark.line + 1
                    raise FormsError(
                        f"{p}: line {line} nests lists or mappings more than {MAX_YAML_DEPTH} deep; "
                        "a form is one mapping of field: value (or a list of them)"
                    )
            elif isinstance(token, closing):
                depth -= 1
    except yaml.YAMLError:
        return  # reported with its line when the form is loaded
    except (RecursionError, MemoryError):
        raise FormsError(f"{p}: not a valid YAML form (nested too deeply)") from None


def _frame_from_records(records: list[dict], files: list[str], counts: list[int] | None = None) -> pd.DataFrame:
    columns: list[str] = []
    seen: set[str] = set()
    for r in records:
        for k in r:
            if k not in seen:
                seen.add(k)
                columns.append(k)
    df = pd.DataFrame([[r.get(c, "") for c in columns] for r in records], columns=columns, dtype=object)
    if counts is None:
        counts = [len(records)]
    df.index = pd.Index([i for c in counts for i in range(1, c + 1)], name="row")
    df.attrs["files"] = [f for f, c in zip(files, counts) for _ in range(c)]
    return df


#: Files a folder of YAML forms may hold besides the forms: notes for people, and hidden files.
_NOTE_SUFFIXES = (".txt", ".md", ".rst")
_SYSTEM_FILES = ("thumbs.db", "desktop.ini")


def _read_yaml_folder(p: Path) -> pd.DataFrame:
    entries = sorted(p.iterdir())
    paths, refused = [], []
    for q in entries:
        name = q.name
        if name.startswith(".") or name.casefold() in _SYSTEM_FILES:
            continue  # hidden files (.DS_Store, editors' backups) and Windows' own files
        if q.is_file() and q.suffix.lower() in (".yaml", ".yml"):
            paths.append(q)
        elif q.is_file() and q.suffix.lower() in _NOTE_SUFFIXES:
            continue
        else:
            refused.append(safe_echo(name) + ("/" if q.is_dir() else ""))
    if refused:
        shown = ", ".join(refused[:10]) + (f" and {len(refused) - 10} more" if len(refused) > 10 else "")
        raise FormsError(
            f"{p}: a folder of forms holds only .yaml or .yml forms (one review each), but it also holds {shown}, "
            "which would not be read; move them out of the folder (or read a CSV or XLSX file on its own)"
        )
    if not paths:
        raise FormsError(f"{p}: the folder holds no .yaml or .yml forms")
    records, files, counts = [], [], []
    for q in paths:
        if q.stat().st_size > MAX_FORM_BYTES:
            raise FormsError(f"{q}: larger than the {MAX_FORM_BYTES / 2**20:.0f} MB allowed for a form")
        recs = _yaml_records(q)
        records.extend(recs)
        files.append(q.name)
        counts.append(len(recs))
        if len(records) > MAX_ROWS:
            raise FormsError(f"{p}: more than {MAX_ROWS:,} forms; a folder holds one form per review")
    return _frame_from_records(records, files, counts)


# --------------------------------------------------------------------------- coded datasets
#: How a coded dataset CSV may write a boolean (cprstats writes true/false; pandas True/False).
_BOOLEAN_TEXT = frozenset(("true", "True", "TRUE", "false", "False", "FALSE", ""))
_DATASET_INTEGER = re.compile(r"^-?[0-9]{1,18}(?:\.0*)?$")
_DATASET_MONTH = re.compile(r"^[0-9]{4}-(?:0?[1-9]|1[0-2])$")


def screen_dataset(path: str | os.PathLike[str], codebook: Codebook | str | os.PathLike[str] | None = None) -> None:
    """Check a coded dataset CSV before it is read: identifiers, cell types, ``datapackage.json``.

    `cprstats.read_dataset` trusts the file it reads; this is the screen to run first on a
    file that came from elsewhere (``cprstats export``, ``cprstats run --data``). Every cell
    is screened for identifiers as forms are (columns not in the codebook as kept columns),
    every cell of a codebook column must be of its type (a code, ``true``/``false``, a whole
    number, ``YYYY-MM``), and a ``datapackage.json`` beside the file must be a readable
    data package. No problem shows a value that fails the identifier screen.

    Parameters
    ----------
    path : str or Path
        The coded dataset CSV.
    codebook : Codebook or path, optional

    Raises
    ------
    FormsError
        The file cannot be read as CSV, or its ``datapackage.json`` is broken.
    CodingError
        Cells hold identifiers or values of the wrong type (``.problems`` lists them).

    Examples
    --------
    >>> import cprstats, tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "wales.csv"
    >>> _ = cprstats.write_dataset(cprstats.load_example("wales"), out)
    >>> screen_dataset(out)  # nothing to report
    """
    cb = resolve(codebook)
    p = Path(path)
    try:
        if not p.is_file():
            raise FormsError(f"{p}: no such dataset file")
        raw = _read_file(p) if p.suffix.lower() == ".csv" else None
        if raw is None:
            raise FormsError(f"{p}: a coded dataset is a .csv file (written by `cprstats code`)")
        _check_package(p)
    except OSError as exc:
        raise FormsError(f"{p}: cannot be read ({_why(exc)})") from None
    raw.attrs["source"] = str(p)
    check_forms(raw, cb, keep_columns=[c for c in raw.columns if not cb.knows(c)])
    words = vocabulary(cb)
    problems = []
    for col in raw.columns:
        if not cb.knows(col):
            continue
        fld, option = cb.resolve(col)
        s = raw[col]
        uniq = pd.unique(s.to_numpy(dtype=object))
        if option is not None or fld.type == "boolean":
            bad, want = [u for u in uniq if u not in _BOOLEAN_TEXT], "true, false or nothing"
        elif fld.categories:
            codes = set(fld.codes) | {""}
            bad, want = [u for u in uniq if u not in codes], f"one of its codes ({', '.join(fld.codes)}) or nothing"
        elif fld.type == "integer":
            bad, want = [u for u in uniq if u and not _DATASET_INTEGER.match(u)], "a whole number or nothing"
        elif fld.type == "yearmonth":
            bad, want = [u for u in uniq if u and not _DATASET_MONTH.match(u)], "a month written YYYY-MM, or nothing"
        else:
            continue
        for u in bad[:20]:
            rows = np.flatnonzero((s == u).to_numpy())
            for i in rows[:5]:
                problems.append(
                    {
                        "file": p.name,
                        "row": int(raw.index[i]),
                        "review_id": "",
                        "field": col,
                        "value": safe_echo(u, words),
                        "problem": f"a coded dataset holds {want} in {col}",
                    }
                )
    if problems:
        raise CodingError(pd.DataFrame(problems, columns=list(CodingError.COLUMNS)), str(p))


def _check_package(p: Path) -> None:
    """A ``datapackage.json`` beside ``p``, if any, must be a JSON data package (resources a list of mappings)."""
    pkg = p.parent / "datapackage.json"
    if not pkg.exists():
        return
    hint = "delete it, or write the dataset again with `cprstats code`"
    if not pkg.is_file() or pkg.stat().st_size > MAX_FORM_BYTES:
        raise FormsError(f"{pkg}: not a data package file; {hint}")
    try:
        meta = json.loads(pkg.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise FormsError(f"{pkg}: not UTF-8 text; {hint}") from None
    except json.JSONDecodeError as exc:
        raise FormsError(f"{pkg}: not valid JSON (line {exc.lineno}, column {exc.colno}); {hint}") from None
    except (RecursionError, ValueError):
        raise FormsError(f"{pkg}: not valid JSON (nested too deeply, or a number too long); {hint}") from None
    resources = meta.get("resources", []) if isinstance(meta, dict) else None
    extra = meta.get("x-cprstats", {}) if isinstance(meta, dict) else None
    if (
        not isinstance(resources, list)
        or not all(isinstance(r, dict) and isinstance(r.get("path", ""), str) for r in resources)
        or not isinstance(extra, dict)
    ):
        raise FormsError(f"{pkg}: not a data package (it needs a list of resources, each with a path); {hint}")
