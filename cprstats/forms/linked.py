"""Read, code and check the linked tables: recommendations and the review process.

Besides the review table (one row per subject child, `cprstats.code_reviews`), the codebook
defines two linked tables under ``tables:`` (``cprstats/codebook/codebook.yaml``):

``recommendations``
    One row per recommendation: ``review_id, rec_no``, level, agencies addressed, themes and
    learning points, the action plan that holds it (``plan_id``), its status, the months it
    was approved and closed, whether it was carried into a later plan and the evidence of
    its impact.
``process``
    One row per referral: the decision (a concise or extended CPR, an MAPF, an SUSR, or no
    review, with a coded reason), the reviewers, panel, family's and child's contribution,
    learning event, chronology and genogram, and the months of the sub group, board and
    publication. A referral that led to no review has no ``review_id`` and names its board.

A coder fills them in on the ``recommendations`` and ``process`` sheets of the Excel template
(`cprstats.forms.linked_template`), or as ``recommendations.csv`` and ``process.csv``.
`read_linked` reads one of them as strings, `code_table` codes it with the table's codebook
(`cprstats.Codebook.table`) using the same parsers as `cprstats.code_reviews` (codes, English
and Welsh labels, ``;``-lists, year-months, whole numbers), and `code_linked` codes both and
checks them **across tables**: an unknown review id, dates out of order (closed before
approved; decision, sub group, board or publication before the referral), an extended CPR
with fewer than 2 reviewers, a decision or board that contradicts the review table, an action
plan that spans two boards. Every problem is collected first and raised together as one
`cprstats.CodingError` whose ``.problems`` names the file, row, review id, field and value.

Problem lists are printed and saved, so values pass through the identifier screen
(`cprstats.forms.identifiers.safe_echo`) before they are shown, as in `code_reviews`.

References
----------
Welsh Government (2016). *Working Together to Safeguard People, Volume 2: Child Practice
Reviews* (an extended review has 2 reviewers; panel, learning event, chronology, family
contribution). The Safeguarding Boards (Functions and Procedures) (Wales) Regulations 2015,
reg. 4.

Examples
--------
Three synthetic reviews, seven recommendations in two action plans (the files of
``tests/data/linked``); a closure dated before its approval is named by row and field:

>>> import pandas as pd, cprstats
>>> reviews = cprstats.code_reviews(pd.DataFrame({
...     "review_id": ["MWW 1 2018"], "child_no": ["1"], "local_authority": ["powys"],
...     "review_type": ["cpr_concise"], "incident_date": ["2018-01"], "outcome": ["death"],
...     "on_cp_register_6m": ["no"], "looked_after_6m": ["no"]}))
>>> recs = pd.DataFrame({"review_id": ["MWW 1 2018", "MWW 9 2018"], "rec_no": ["1", "1"],
...     "level": ["local", "regional"], "plan_id": ["MWW plan 1", "MWW plan 1"],
...     "status": ["completed", "open"], "date_approved": ["2019-06", "2019-06"],
...     "date_closed": ["2019-03", ""]}, index=pd.Index([2, 3], name="row"))
>>> try:
...     code_linked(reviews, recommendations=recs)
... except cprstats.CodingError as err:
...     print(err.problems[["row", "field", "value"]].to_string(index=False))
 row       field      value
   2 date_closed    2019-03
   3   review_id MWW 9 2018
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cprstats.codebook.model import Codebook, TableCodebook, resolve
from cprstats.errors import CodingError, CprstatsError, FormsError, ParameterError
from cprstats.forms.coding import (  # the per-field machinery of code_reviews, reused as it is
    _code_list,
    _match_columns,
    _parse_category,
    _parse_integer,
    _parse_string,
    _parse_yearmonth,
    _Parsed,
    _Problems,
    _typed_column,
    code_reviews,
)
from cprstats.forms.derivations import derive_all
from cprstats.forms.guard import check_forms, vocabulary
from cprstats.forms.identifiers import safe_echo
from cprstats.forms.reader import _cell_text, _check_archive, _check_header, _sheet_rows, read_forms

__all__ = ["TABLES", "read_linked", "code_table", "cross_check", "code_linked", "linked_codebook"]

#: The linked tables, in the order they are read and reported.
TABLES = ("recommendations", "process")
#: The review-process months in the order they happen; each must not be before an earlier one.
DATE_ORDER = ("referral_date", "decision_date", "subgroup_date", "board_date", "publication_date")
_CLOSED = ("completed", "closed_by_board")
_REVIEW_DECISIONS = ("cpr_concise", "cpr_extended", "mapf", "susr")
_SUSR_START = pd.Period("2024-10", "M")


def linked_codebook(table: str, codebook: Codebook | str | os.PathLike[str] | None = None) -> TableCodebook:
    """The codebook of linked table ``table`` (``"recommendations"`` or ``"process"``).

    ``codebook`` may be the review codebook (a `Codebook` or a path), or already a table's.

    >>> linked_codebook("process").unit
    'referral'
    """
    if isinstance(codebook, TableCodebook):
        if codebook.table_name == table:
            return codebook
        return codebook.table(table)
    return resolve(codebook).table(table)


# --------------------------------------------------------------------------- reading
def read_linked(
    path: str | os.PathLike[str],
    table: str,
    *,
    codebook: Codebook | str | os.PathLike[str] | None = None,
    check: bool = True,
) -> pd.DataFrame:
    """Read one linked table's forms as strings, as `cprstats.read_forms` reads the review forms.

    Parameters
    ----------
    path : str or Path
        ``recommendations.csv`` / ``process.csv``; a folder holding that file; or an ``.xlsx``
        workbook (the template), whose sheet named after the table is read.
    table : {"recommendations", "process"}
    codebook : Codebook or path, optional
    check : bool, default True
        Screen the cells for identifiers (names, dates of birth, addresses, free text).

    Returns
    -------
    pandas.DataFrame
        One row per recommendation (or referral), all strings; the index ``row`` is the row
        number the coder sees (the header is row 1); ``attrs["source"]``, ``attrs["files"]``.

    Raises
    ------
    FormsError
        The file or sheet is missing, empty or not a table.
    CodingError
        A cell looks like an identifier (with ``check=True``).

    Examples
    --------
    >>> from pathlib import Path
    >>> import cprstats.datasets
    >>> folder = Path(cprstats.__file__).parent / "datasets" / "data"
    >>> read_linked(folder / "recommendations_forms.csv", "recommendations").index.name
    'row'
    """
    view = linked_codebook(table, codebook)
    p = Path(path)
    if p.is_dir():
        p = p / f"{table}.csv"
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        if not p.is_file():
            raise FormsError(f"{p}: no such workbook")
        df = _read_sheet(p, table)
        df.attrs["source"] = str(p)
        if check:
            check_forms(df, view)
        return df
    return read_forms(p, codebook=view, check=check)


def _read_sheet(p: Path, sheet: str) -> pd.DataFrame:
    """The sheet named ``sheet`` (any case) of a workbook, as `read_forms` reads the ``coding`` sheet."""
    from openpyxl import load_workbook

    _check_archive(p)
    wb = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(p, read_only=True, data_only=True)
            named = [ws for ws in wb.worksheets if ws.title.strip().casefold() == sheet]
            if len(named) != 1:
                shown = ", ".join(repr(safe_echo(ws.title)) for ws in wb.worksheets)
                raise FormsError(
                    f"{p}: {'no' if not named else 'more than one'} sheet is named {sheet!r} (sheets: {shown}); "
                    f"the {sheet} go on a sheet of that name, as in the template `cprstats template` writes"
                )
            header, body = _sheet_rows(p, named[0])
    except CprstatsError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a damaged file
        raise FormsError(f"{p}: not a readable Excel workbook ({type(exc).__name__}); save it again as .xlsx") from None
    finally:
        if wb is not None:
            wb.close()
    while header and (header[-1] is None or str(header[-1]).strip() == ""):
        header.pop()
    if not header:
        raise FormsError(f"{p}: sheet {sheet!r} is empty; it needs a header row and one row per {sheet[:-1]}")
    header = _check_header(p, [_cell_text(h) for h in header], where=f"{p}, sheet {sheet!r}")
    width = len(header)
    records, index = [], []
    for n, row in body:
        if any(v not in (None, "") for v in row[width:]):
            raise FormsError(f"{p}: sheet {sheet!r} row {n} has values beyond the last named column")
        cells = [_cell_text(v) for v in row[:width]]
        if any(c.strip() for c in cells):
            records.append(cells + [""] * (width - len(cells)))
            index.append(n)
    df = pd.DataFrame(records, columns=header, index=pd.Index(index, name="row"), dtype=object)
    df.attrs["files"] = [f"{p.name} [{sheet}]"] * len(df)
    return df


# --------------------------------------------------------------------------- coding one table
def code_table(
    forms: pd.DataFrame | str | os.PathLike[str],
    table: str,
    *,
    codebook: Codebook | str | os.PathLike[str] | None = None,
    keep_columns: Iterable[str] = (),
    check_identifiers: bool = True,
) -> pd.DataFrame:
    """Code one linked table's forms, as `cprstats.code_reviews` codes the review forms.

    Checks every value against the table's codebook, the table's key (a recommendation number
    given twice in a review; a review with two referral rows) and the rules within a row
    (closed before approved; a closed status with no date closed; dates of the process out of
    order; an extended CPR with fewer than 2 reviewers; a reason for no review with another
    decision). Checks against the review table are `cross_check`'s.

    Parameters
    ----------
    forms : DataFrame or path
        Raw forms (strings, from `read_linked`), or a path `read_linked` can read.
    table : {"recommendations", "process"}
    codebook : Codebook or path, optional
    keep_columns : iterable of str
        Columns not in the codebook to keep (as text); they are screened like the rest.
    check_identifiers : bool, default True

    Returns
    -------
    pandas.DataFrame
        The table's coded columns in the codebook's order (``codebook.table(table).coded_columns``):
        categoricals, one nullable boolean column per option of a multi-response field,
        ``Int64`` numbers, ``period[M]`` months, and the derived ``closed``. ``attrs`` record
        the table, the source, and each row's file and spreadsheet row.

    Raises
    ------
    CodingError
        Listing every problem found (``file, row, review_id, field, value, problem``).

    Examples
    --------
    >>> import pandas as pd
    >>> recs = pd.DataFrame({"review_id": ["CYSUR 1 2018"], "rec_no": ["1"], "level": ["Rhanbarthol"],
    ...     "rec_themes": ["information sharing; recording"], "plan_id": ["MWW plan 1"],
    ...     "status": ["Closed by the board"], "date_approved": ["2019-06"], "date_closed": ["2020-02"]})
    >>> coded = code_table(recs, "recommendations")
    >>> coded.loc[0, "level"], bool(coded.loc[0, "rth_information_sharing"]), bool(coded.loc[0, "closed"])
    ('regional', True, True)
    """
    coded, problems = _code_table(forms, table, codebook, keep_columns, check_identifiers)
    if len(problems):
        raise CodingError(problems, coded.attrs.get("source"))
    return coded


def _code_table(forms, table, codebook, keep_columns, check_identifiers) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The coded table (values that could not be read left missing) and its problems table."""
    view = linked_codebook(table, codebook)
    keep = set(keep_columns)
    if not isinstance(forms, pd.DataFrame):
        forms = read_linked(forms, table, codebook=view, check=check_identifiers)
    elif check_identifiers:
        check_forms(forms, view, keep_columns=tuple(keep))
    missing_keep = sorted(keep - set(forms.columns))
    if missing_keep:
        raise ParameterError(f"keep_columns names {missing_keep}, which the {table} forms do not have")
    if forms.attrs.get("source") is None and not forms.attrs.get("files"):
        forms = forms.copy()
        forms.attrs["files"] = [f"{table}"] * len(forms)
    words = vocabulary(view)
    probs = _Problems(forms, words)
    n = len(forms)
    index = pd.RangeIndex(n)
    matched, extra = _match_columns(forms.columns, view, keep, probs)
    by_field: dict[str, dict] = {}
    for col, (name, option) in matched.items():
        by_field.setdefault(name, {})[option] = col
    out: dict[str, Any] = {}
    failed: dict[str, np.ndarray] = {}
    for fld in view.fields.values():
        if fld.is_derived:
            continue
        cols = by_field.get(fld.name, {})
        if fld.type == "list":
            out.update(_code_list(forms, fld, cols, view, probs, index))
            continue
        col = cols.get(None)
        if col is None:
            if fld.required:
                probs.header(fld.name, f"a required column is missing from the {table} forms")
            parsed = _Parsed(pd.Series([""] * n, dtype=object), lambda u: (None, None))
        else:
            parser = {"integer": _parse_integer, "yearmonth": _parse_yearmonth}.get(fld.type)
            parser = _parse_category(fld) if fld.categories else (parser or _parse_string)(fld)
            parsed = _Parsed(forms[col], parser)
            failed[fld.name] = parsed.report(probs, fld.name)
            if fld.required:
                empty = parsed.empty()
                if empty.any():
                    probs.rows_(empty, fld.name, "", "required: this field must not be empty")
        out[fld.name] = _typed_column(fld, parsed, index)
    coded = pd.DataFrame(out, index=index)
    derive_all(coded, view, pd.Series(pd.NaT, index=index, dtype="datetime64[ns]"))
    bad = np.zeros(n, bool)
    for mask in failed.values():
        bad |= mask
    for field, mask, values, problem in _row_rules(coded, table):
        mask = mask & ~bad
        if mask.any():
            probs.rows_(mask, field, values, problem)
    _check_keys(coded, view, probs)
    coded = coded[list(view.coded_columns)]
    for col in extra:
        coded[col] = forms[col].astype("string").to_numpy()
    coded.attrs = {
        "table": table,
        "coded": True,
        "codebook": str(view.path) if view.path else None,
        "codebook_version": view.version,
        "source": forms.attrs.get("source"),
        "rows": [int(r) if isinstance(r, (int, np.integer)) else r for r in forms.index],
        "files": list(probs.files),
    }
    if forms.attrs.get("synthetic"):
        coded.attrs["synthetic"] = True
    return coded, _sorted(probs.frame())


def _sorted(table: pd.DataFrame) -> pd.DataFrame:
    table = table.copy()
    table["_r"] = pd.to_numeric(table["row"], errors="coerce")
    return table.sort_values(["file", "_r"], kind="stable").drop(columns="_r").reset_index(drop=True)


def _text(s: pd.Series) -> np.ndarray:
    return s.astype(object).where(s.notna(), "").astype(str).to_numpy(object)


def _is(s: pd.Series, values) -> np.ndarray:
    return s.astype(object).isin(list(values)).to_numpy(bool)


def _before(later: pd.Series, earlier: pd.Series) -> np.ndarray:
    return (later.notna() & earlier.notna() & (later < earlier)).to_numpy(bool)


def _row_rules(df: pd.DataFrame, table: str):
    """``(field, row mask, values, problem)`` for each rule broken within a row of ``table``."""
    if table == "recommendations":
        closed = _is(df["status"], _CLOSED)
        has_date = df["date_closed"].notna().to_numpy(bool)
        early = _before(df["date_closed"], df["date_approved"])
        for i in np.flatnonzero(early):
            yield (
                "date_closed",
                np.arange(len(df)) == i,
                str(df["date_closed"].iloc[i]),
                f"closed before it was approved ({df['date_approved'].iloc[i]}); a recommendation is closed on "
                "or after the month it was approved",
            )
        yield (
            "date_closed",
            closed & ~has_date,
            "",
            "required when the status is completed or closed by the board: give the month it was closed",
        )
        yield (
            "date_closed",
            ~closed & has_date & df["status"].notna().to_numpy(bool),
            _text(df["date_closed"]),
            "an open or in-progress recommendation has no date closed; change the status or clear the date",
        )
        return
    decision = df["decision"]
    no_review = _is(decision, ["no_review"])
    for k, later in enumerate(DATE_ORDER[1:], start=1):
        reported = np.zeros(len(df), bool)
        for earlier in DATE_ORDER[:k]:
            hit = _before(df[later], df[earlier]) & ~reported
            for i in np.flatnonzero(hit):
                yield (
                    later,
                    np.arange(len(df)) == i,
                    str(df[later].iloc[i]),
                    f"{later} is before {earlier} ({df[earlier].iloc[i]}); the process runs referral, decision, "
                    "sub group, board, publication",
                )
            reported |= hit
    yield (
        "n_reviewers",
        _is(decision, ["cpr_extended"]) & (df["n_reviewers"] < 2).fillna(False).to_numpy(bool),
        _text(df["n_reviewers"]),
        "an extended CPR has 2 reviewers (Working Together to Safeguard People, Volume 2)",
    )
    yield (
        "no_review_reason",
        no_review & df["no_review_reason"].isna().to_numpy(bool),
        "",
        "required when the decision is no review: give the coded reason",
    )
    yield (
        "no_review_reason",
        ~no_review & decision.notna().to_numpy(bool) & df["no_review_reason"].notna().to_numpy(bool),
        _text(df["no_review_reason"]),
        "a reason for no review is given, but the decision was to review; clear it or correct the decision",
    )
    yield (
        "review_id",
        ~no_review & decision.notna().to_numpy(bool) & df["review_id"].isna().to_numpy(bool),
        "",
        "required unless the decision is no review: the review_id of the review in the review table",
    )
    yield (
        "board",
        no_review & df["board"].isna().to_numpy(bool) & df["review_id"].isna().to_numpy(bool),
        "",
        "a referral that led to no review has no review_id, so its board must be given",
    )
    yield (
        "decision",
        _is(decision, ["susr"]) & (df["referral_date"] < _SUSR_START).fillna(False).to_numpy(bool),
        _text(decision),
        "Single Unified Safeguarding Reviews began on 1 October 2024; this referral is earlier",
    )
    held_no = _is(df["learning_event_held"], ["no"])
    agencies = [c for c in df.columns if c.startswith("lea_")]
    some = df[agencies].fillna(False).to_numpy(bool).any(axis=1) if agencies else np.zeros(len(df), bool)
    yield (
        "event_agencies",
        held_no & some,
        "",
        "agencies are recorded at a learning event that was not held; clear them or correct learning_event_held",
    )


def _check_keys(coded: pd.DataFrame, view: TableCodebook, probs: _Problems) -> None:
    key = list(view.primary_key) or ["review_id"]
    frame = coded[key]
    ok = frame.notna().all(axis=1).to_numpy(bool)
    dup = frame.duplicated(keep="first").to_numpy(bool) & ok
    if not dup.any():
        return
    first: dict[tuple, int] = {}
    for i, values in enumerate(frame.astype(object).itertuples(index=False, name=None)):
        if ok[i]:
            first.setdefault(values, i)
    for i in np.flatnonzero(dup):
        values = tuple(frame.astype(object).iloc[i])
        what = (
            f"recommendation {values[1]} of review {probs.show(values[0])}"
            if view.table_name == "recommendations"
            else f"review {probs.show(values[0])}"
        )
        probs.rows_(
            np.arange(len(coded)) == i,
            key[-1],
            values[-1],
            f"duplicate: {what} is already on row {probs.rows[first[values]]}",
        )


# --------------------------------------------------------------------------- across tables
def _where(df: pd.DataFrame, table: str) -> tuple[list, list]:
    """The file and spreadsheet row of each row of a coded table."""
    rows = df.attrs.get("rows")
    files = df.attrs.get("files")
    if not rows or len(rows) != len(df):
        rows = [i + 2 for i in range(len(df))]
    if not files or len(files) != len(df):
        src = df.attrs.get("source")
        files = [Path(src).name if src else table] * len(df)
    return list(files), list(rows)


def _first_per_review(reviews: pd.DataFrame) -> pd.DataFrame:
    keep = [c for c in ("review_id", "board", "review_type", "incident_date", "publication_date") if c in reviews]
    first = reviews[keep].drop_duplicates("review_id", keep="first")
    return first.set_index(first["review_id"].astype(str))


def cross_check(
    reviews: pd.DataFrame | None = None,
    recommendations: pd.DataFrame | None = None,
    process: pd.DataFrame | None = None,
    *,
    codebook: Codebook | str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """The problems across coded tables, as a `CodingError` problems table (empty if none).

    Checks, each naming the row and field of the linked table:

    - a ``review_id`` the review table does not hold (a referral that led to no review
      needs none);
    - a recommendation approved before its review's incident; a referral before the incident;
    - a process row whose decision, board or publication month contradicts the review table;
    - an action plan (``plan_id``) holding recommendations of reviews of two boards.

    Parameters
    ----------
    reviews : DataFrame, optional
        The coded review table (`cprstats.code_reviews`, `cprstats.load_example`). Without
        it only the checks between the linked tables themselves are made.
    recommendations, process : DataFrame, optional
        Coded linked tables (`code_table`).
    codebook : Codebook or path, optional

    Returns
    -------
    pandas.DataFrame
        Columns ``file, row, review_id, field, value, problem``.
    """
    cb = resolve(codebook, reviews)
    words = vocabulary(cb) | vocabulary(cb.table("recommendations")) | vocabulary(cb.table("process"))
    items: list[tuple] = []

    def add(files, rows, ids, i, field, value, problem):
        rid = "" if pd.isna(ids[i]) else safe_echo(ids[i], words)
        shown = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else safe_echo(value, words)
        items.append((files[i], rows[i], rid, field, shown, problem))

    known = _first_per_review(reviews) if reviews is not None else None
    for table, df in (("recommendations", recommendations), ("process", process)):
        if df is None or known is None:
            continue
        files, rows = _where(df, table)
        ids = df["review_id"].astype(object).tolist()
        for i, rid in enumerate(ids):
            if pd.isna(rid):
                continue
            if str(rid) not in known.index:
                if table == "process" and str(df["decision"].iloc[i]) == "no_review":
                    problem = (
                        "no review of this id is in the review table; a referral that led to no review has no "
                        "review_id: leave it empty and give the board"
                    )
                else:
                    problem = "unknown review id: no review with this review_id is in the review table"
                add(files, rows, ids, i, "review_id", rid, problem)
                continue
            rev = known.loc[str(rid)]
            incident = rev.get("incident_date")
            if table == "recommendations":
                approved = df["date_approved"].iloc[i]
                if pd.notna(approved) and pd.notna(incident) and approved < incident:
                    add(
                        files, rows, ids, i, "date_approved", str(approved),
                        f"approved before the incident the review is about ({incident})",
                    )  # fmt: skip
                continue
            referral = df["referral_date"].iloc[i]
            if pd.notna(referral) and pd.notna(incident) and referral < incident:
                add(files, rows, ids, i, "referral_date", str(referral), f"before the incident ({incident})")
            decision = df["decision"].iloc[i]
            rtype = rev.get("review_type")
            if str(decision) == "no_review":
                add(
                    files, rows, ids, i, "decision", "no_review",
                    "the decision was no review, but the review table holds a review of this id",
                )  # fmt: skip
            elif pd.notna(decision) and pd.notna(rtype) and str(rtype) in _REVIEW_DECISIONS and decision != rtype:
                add(
                    files, rows, ids, i, "decision", str(decision),
                    f"contradicts the review table, where review_type is {rtype}",
                )  # fmt: skip
            board = df["board"].iloc[i]
            if pd.notna(board) and pd.notna(rev.get("board")) and board != rev.get("board"):
                add(files, rows, ids, i, "board", str(board), f"contradicts the review table's board ({rev['board']})")
            pub, rpub = df["publication_date"].iloc[i], rev.get("publication_date")
            if pd.notna(pub) and pd.notna(rpub) and pub != rpub:
                add(
                    files, rows, ids, i, "publication_date", str(pub),
                    f"contradicts the review table's publication date ({rpub})",
                )  # fmt: skip
    if recommendations is not None and known is not None and "board" in known:
        files, rows = _where(recommendations, "recommendations")
        ids = recommendations["review_id"].astype(object).tolist()
        boards = recommendations["review_id"].astype(str).map(known["board"].astype(object))
        plans = recommendations["plan_id"].astype(object)
        seen: dict[str, Any] = {}
        for i, (plan, board) in enumerate(zip(plans, boards)):
            if pd.isna(plan) or pd.isna(board):
                continue
            first = seen.setdefault(str(plan), board)
            if board != first:
                add(
                    files, rows, ids, i, "plan_id", plan,
                    f"this action plan already holds recommendations of board {first}; a plan belongs to one board",
                )  # fmt: skip
    return _sorted(pd.DataFrame(items, columns=list(CodingError.COLUMNS)))


# --------------------------------------------------------------------------- everything at once
def _coded_or_none(df) -> bool:
    return isinstance(df, pd.DataFrame) and bool(df.attrs.get("coded"))


def code_linked(
    reviews: pd.DataFrame | str | os.PathLike[str] | None = None,
    recommendations: pd.DataFrame | str | os.PathLike[str] | None = None,
    process: pd.DataFrame | str | os.PathLike[str] | None = None,
    *,
    codebook: Codebook | str | os.PathLike[str] | None = None,
    check_identifiers: bool = True,
) -> dict[str, pd.DataFrame]:
    """Code the linked tables and check them against each other and the review table.

    Parameters
    ----------
    reviews : DataFrame or path, optional
        The coded review table, or review forms (a path, or raw forms from `read_forms`)
        that are coded here with `cprstats.code_reviews`.
    recommendations, process : DataFrame or path, optional
        Raw forms (strings, a path `read_linked` can read) or tables already coded by
        `code_table`.
    codebook : Codebook or path, optional
    check_identifiers : bool, default True

    Returns
    -------
    dict of str to DataFrame
        ``"reviews"``, ``"recommendations"``, ``"process"``: the coded tables given.

    Raises
    ------
    CodingError
        Listing every problem of every table (each table's own and those across tables),
        sorted by file and row. A value that cannot be read is reported once and left out of
        the checks across tables; review forms that cannot be coded leave the linked tables
        unchecked against them, so fix those first and run again.

    Examples
    --------
    >>> import cprstats
    >>> from cprstats.datasets.examples import DATA_DIR
    >>> out = code_linked(cprstats.load_example("wales"), DATA_DIR / "recommendations_forms.csv",
    ...                   DATA_DIR / "process_forms.csv")
    >>> sorted(out), int(out["recommendations"]["closed"].sum()) > 0
    (['process', 'recommendations', 'reviews'], True)
    """
    cb = resolve(codebook, reviews if isinstance(reviews, pd.DataFrame) else None)
    if isinstance(cb, TableCodebook):
        cb = cb.parent
    problems: list[pd.DataFrame] = []
    out: dict[str, pd.DataFrame] = {}
    if reviews is not None:
        if isinstance(reviews, pd.DataFrame) and {"period", "incident_year"} <= set(reviews.columns):
            out["reviews"] = reviews
        else:
            try:
                out["reviews"] = code_reviews(reviews, cb, check_identifiers=check_identifiers)
            except CodingError as err:
                problems.append(err.problems)
    for table, given in (("recommendations", recommendations), ("process", process)):
        if given is None:
            continue
        if _coded_or_none(given):
            out[table] = given
            continue
        out[table], found = _code_table(given, table, cb, (), check_identifiers)
        if len(found):
            problems.append(found)
    across = cross_check(out.get("reviews"), out.get("recommendations"), out.get("process"), codebook=cb)
    if len(across):
        problems.append(across)
    if problems:
        table = _sorted(pd.concat(problems, ignore_index=True))
        raise CodingError(table, ", ".join(sorted({str(f) for f in table["file"]})))
    return out
