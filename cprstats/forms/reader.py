"""Read coding forms (CSV, XLSX, or a folder of YAML files) into a raw table of strings.

``read_forms`` does no coding: every cell comes back exactly as the coder typed it (as a
string, ``""`` for empty), so that `cprstats.code_reviews` can report problems with the
value the coder sees. The index, named ``row``, holds the row number the user sees in their
spreadsheet (the header is row 1); for YAML forms it is the item number within the file.
``attrs["source"]`` is the path read and ``attrs["files"]`` the file of each row.

Inputs are opened read-only and never written.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import os
import warnings
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from cprstats.errors import FormsError
from cprstats.forms.guard import check_forms

__all__ = ["read_forms", "MAX_FORM_BYTES", "FORM_SUFFIXES"]

#: Largest forms file read (bytes). A real set of reviews is a few hundred rows (a few hundred
#: KB); 20 MB holds about 50,000 forms. A larger file is almost certainly the wrong file, and
#: refusing it before reading keeps memory bounded. Scale work passes DataFrames to
#: `code_reviews` directly, or raises the limit with the environment variable.
MAX_FORM_BYTES = int(os.environ.get("CPRSTATS_MAX_FORM_BYTES", 20 * 2**20))
FORM_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".yaml", ".yml")


def read_forms(path, *, codebook=None, keep_columns: Iterable[str] = (), check: bool = True) -> pd.DataFrame:
    """Read coding forms into a raw DataFrame of strings.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` file (UTF-8, with or without the byte-order mark Excel writes), an
        ``.xlsx`` workbook (the sheet named ``coding`` if there is one, else the first), a
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
        The file is missing, empty, too large, not UTF-8, or not a table.
    CodingError
        A column or value looks like an identifier (with ``check=True``).

    Examples
    --------
    >>> import cprstats
    >>> forms = cprstats.read_forms(cprstats.datasets.examples.forms_path("wales"))
    >>> forms.index.name, forms.index[0]
    ('row', 2)
    >>> forms.loc[2, "review_id"]  # doctest: +ELLIPSIS
    '...'
    """
    p = Path(path)
    if not p.exists():
        raise FormsError(f"{p}: no such file or folder")
    if p.is_dir():
        df = _read_yaml_folder(p)
    else:
        suffix = p.suffix.lower()
        size = p.stat().st_size
        if size > MAX_FORM_BYTES:
            raise FormsError(
                f"{p}: {size / 2**20:.0f} MB is larger than the {MAX_FORM_BYTES / 2**20:.0f} MB allowed for a forms file; "
                "check it is the right file (set CPRSTATS_MAX_FORM_BYTES to raise the limit)"
            )
        if size == 0:
            raise FormsError(f"{p}: the file is empty; it needs a header row and one row per subject child")
        if suffix == ".csv":
            df = _read_csv(p)
        elif suffix in (".xlsx", ".xlsm"):
            df = _read_xlsx(p)
        elif suffix in (".yaml", ".yml"):
            df = _frame_from_records(_yaml_records(p), [p.name])
        else:
            raise FormsError(
                f"{p}: cannot read {suffix or 'a file without an extension'!r}; use one of {', '.join(FORM_SUFFIXES)} or a folder of YAML forms"
            )
    df.attrs["source"] = str(p)
    if check:
        _screen(df, codebook, keep_columns)
    return df


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


def _check_header(p: Path, header: list[str]) -> list[str]:
    cleaned = [" ".join(str(h).split()) for h in header]
    if not any(cleaned):
        raise FormsError(f"{p}: the first row is empty; it must hold the column names (review_id, child_no, ...)")
    blank = [i + 1 for i, h in enumerate(cleaned) if not h]
    if blank:
        raise FormsError(f"{p}: column {blank[0]} has no name in the header row; name it or delete the column")
    seen, dup = set(), []
    for h in cleaned:
        key = h.casefold()
        if key in seen and h not in dup:
            dup.append(h)
        seen.add(key)
    if dup:
        raise FormsError(
            f"{p}: the header names {', '.join(repr(d) for d in dup)} more than once; each column must appear once"
        )
    return cleaned


def _read_csv(p: Path) -> pd.DataFrame:
    text = _decode(p)
    first_line = text.split("\n", 1)[0]
    try:
        header = next(csv.reader([first_line]))
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
    except (pd.errors.ParserError, ValueError) as exc:
        msg = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise FormsError(
            f"{p}: not a well-formed CSV table ({msg}); every row needs the same number of columns as the header"
        ) from None
    if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
        _check_row_widths(p, text, len(header))
    if df.empty:
        raise FormsError(f"{p}: the file has a header but no rows; add one row per subject child")
    df.index = pd.RangeIndex(2, len(df) + 2, name="row")
    df = _drop_blank_rows(df)
    if df.empty:
        raise FormsError(f"{p}: every row below the header is empty; add one row per subject child")
    df.attrs["files"] = [p.name] * len(df)
    return df


def _check_row_widths(p: Path, text: str, width: int) -> None:
    """Empty cells beyond the last named column (Excel leaves them) are ignored; values there are refused."""
    for n, record in enumerate(csv.reader(io.StringIO(text)), start=1):
        if any(c.strip() for c in record[width:]):
            raise FormsError(
                f"{p}: row {n} has values beyond the last named column; name the column or delete the values"
            )


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
    return str(v)


def _read_xlsx(p: Path) -> pd.DataFrame:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise FormsError(f"{p}: not a readable Excel workbook ({type(exc).__name__}); save it again as .xlsx") from None
    try:
        ws = wb["coding"] if "coding" in wb.sheetnames else wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        try:
            header = next(rows)
        except StopIteration:
            raise FormsError(
                f"{p}: sheet {ws.title!r} is empty; it needs a header row and one row per subject child"
            ) from None
        header = list(header)
        while header and (header[-1] is None or str(header[-1]).strip() == ""):
            header.pop()
        header = _check_header(p, [_cell_text(h) for h in header])
        width = len(header)
        records, index = [], []
        for n, row in enumerate(rows, start=2):
            cells = [_cell_text(v) for v in row[:width]]
            if any(c.strip() for c in cells) or any(v not in (None, "") for v in row[width:]):
                extra = [v for v in row[width:] if v not in (None, "")]
                if extra:
                    raise FormsError(
                        f"{p}: sheet {ws.title!r} row {n} has values beyond the last named column; name the column or delete the values"
                    )
                cells += [""] * (width - len(cells))
                records.append(cells)
                index.append(n)
    finally:
        wb.close()
    if not records:
        raise FormsError(f"{p}: sheet {ws.title!r} has a header but no rows; add one row per subject child")
    df = pd.DataFrame(records, columns=header, index=pd.Index(index, name="row"), dtype=object)
    df.attrs["files"] = [p.name] * len(df)
    return df


# --------------------------------------------------------------------------- YAML
def _yaml_records(p: Path) -> list[dict]:
    import yaml

    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise FormsError(f"{p}: not UTF-8 text; save the YAML form as UTF-8") from None
    _refuse_aliases(p, text)
    try:
        data = yaml.safe_load(text)  # never yaml.load: a form must not be able to run code
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise FormsError(
            f"{p}: not a valid YAML form{where} ({problem}); tags such as !!python are not allowed"
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
            if isinstance(v, dict):
                raise FormsError(f"{p}: item {i}, field {k!r}: a nested mapping is not allowed; give a value or a list")
            if isinstance(v, list):
                if any(isinstance(x, (list, dict)) for x in v):
                    raise FormsError(
                        f"{p}: item {i}, field {k!r}: a list inside a list is not allowed; give the options as one list"
                    )
                v = "; ".join(_cell_text(x) for x in v) if v else "none"
            rec[str(k)] = _cell_text(v)
        out.append(rec)
    return out


def _refuse_aliases(p: Path, text: str) -> None:
    """Refuse YAML anchors and aliases before loading: a form never needs them, and nested
    aliases can expand exponentially ("billion laughs")."""
    import yaml

    try:
        for token in yaml.scan(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            if isinstance(token, (yaml.AliasToken, yaml.AnchorToken)):
                line = token.start_mark.line + 1
                raise FormsError(f"{p}: line {line} uses a YAML anchor or alias (& or *); write each value out in full")
    except yaml.YAMLError:
        return  # reported with its line when the form is loaded


def _frame_from_records(records: list[dict], files: list[str], counts: list[int] | None = None) -> pd.DataFrame:
    columns: list[str] = []
    for r in records:
        for k in r:
            if k not in columns:
                columns.append(k)
    df = pd.DataFrame([[r.get(c, "") for c in columns] for r in records], columns=columns, dtype=object)
    if counts is None:
        counts = [len(records)]
    df.index = pd.Index([i for c in counts for i in range(1, c + 1)], name="row")
    df.attrs["files"] = [f for f, c in zip(files, counts) for _ in range(c)]
    return df


def _read_yaml_folder(p: Path) -> pd.DataFrame:
    paths = sorted(q for q in p.iterdir() if q.is_file() and q.suffix.lower() in (".yaml", ".yml"))
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
    return _frame_from_records(records, files, counts)
