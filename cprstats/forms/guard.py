"""Identifier guard: refuse coding forms that hold names, dates of birth, addresses or case notes.

Coding forms hold coded facts about published, anonymised reviews. They must never hold
anything that identifies a child or family. `find_identifiers` screens raw forms (as
`cprstats.read_forms` returns them, before any coding) and lists every cell or column that
looks identifying; `check_forms` raises `CodingError` with that list. `read_forms` calls
`check_forms` by default, so an analyst who points cprstats at a case-management export is
stopped before anything is coded, printed or saved.

What is screened
----------------
Column names (columns that are not in the codebook)
    Names (name, first name, surname, forename, initials; Welsh *enw*, *cyfenw*), dates of
    birth (DOB, date of birth, birthday; *dyddiad geni*, *pen-blwydd*), addresses (address,
    street, town, city; *cyfeiriad*, *stryd*, *tref*), postcodes (*cod post*), NHS and other
    record numbers (NHS number, case/client/patient ID, UPN, National Insurance; *rhif GIG*),
    phone numbers (phone, tel, mobile; *rhif ffôn*, *symudol*) and email (*e-bost*). Headers are
    compared word by word after folding case and accents and splitting ``camelCase``, so
    ``ChildName`` and ``date_of_birth`` are caught but ``board name`` is not.
Values (every cell of every column)
    UK postcodes, NHS numbers (10 digits, spaced 3-3-4 or not, whose modulus-11 check digit is
    valid), UK phone numbers (10 or 11 digits starting 0, or +44) and email addresses.
Full dates (columns not in the codebook and not in ``keep_columns``)
    A day-month-year date (``12/03/2010``, ``2010-03-12``, ``12 March 2010``, ``12 Mawrth
    2010``) could be a date of birth. The codebook only ever asks for year and month.
Long free text (every cell)
    In a column outside the codebook: more than 200 characters or more than 30 words in a
    cell (a one- or two-sentence coding note passes; a paragraph of case notes does not). In a
    codebook variable: a value (between ``;``, or a line) of more than 120 characters or 15
    words (the longest label in the packaged codebook has 84 characters and 13 words), or a
    cell longer than all its options' labels together.

``keep_columns`` is the documented switch for extra columns a researcher has checked and wants
to keep (for example ``coder`` or ``date_coded``): their full dates are allowed. Kept columns
are still screened for everything else, and a kept column whose name looks like an identifier
is still refused: identifiers never pass.

No problem ever shows the identifying value itself: problems are printed and may be saved,
so the value is masked (``"9** *** ****"``, ``"(hidden: 412 characters)"``).

Examples
--------
>>> import pandas as pd
>>> forms = pd.DataFrame({"review_id": ["CYSUR 4 2019"], "Child name": ["Jane"]},
...                      index=pd.Index([2], name="row"))
>>> find_identifiers(forms)[["row", "field", "problem"]].to_dict("records")  # doctest: +ELLIPSIS
[{'row': 1, 'field': 'Child name', 'problem': "column 'Child name' looks like a person's name; ..."}]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cprstats.codebook.model import Codebook, load_codebook
from cprstats.errors import CodingError, ParameterError
from cprstats.forms.identifiers import KINDS, has_full_date, header_kind, mask, value_kind
from cprstats.forms.identifiers import fold as _fold

__all__ = [
    "find_identifiers",
    "check_forms",
    "LONG_TEXT_CHARS",
    "LONG_TEXT_WORDS",
    "VALUE_CHARS",
    "VALUE_WORDS",
]

#: A cell longer than this (characters) is free text such as case notes.
LONG_TEXT_CHARS = 200
#: A cell with more words than this is free text.
LONG_TEXT_WORDS = 30
#: One value of a codebook variable (between ``;``) longer than this is free text.
VALUE_CHARS = 120
#: One value of a codebook variable with more words than this is free text.
VALUE_WORDS = 15

COLUMNS = ("file", "row", "review_id", "field", "value", "problem")


# ------------------------------------------------------------------ the screen
def _codebook(codebook):

    if codebook is None or isinstance(codebook, (str, Path)):
        return load_codebook(codebook)
    if isinstance(codebook, Codebook):
        return codebook
    raise ParameterError(
        f"codebook must be a Codebook, a path to a codebook YAML file or None, got {type(codebook).__name__}"
    )


def _keep_list(keep_columns) -> set[str]:
    if keep_columns is None:
        return set()
    if isinstance(keep_columns, str):
        keep_columns = (keep_columns,)
    try:
        cols = list(keep_columns)
    except TypeError:
        raise ParameterError(f"keep_columns must be a list of column names, got {keep_columns!r}") from None
    bad = [c for c in cols if not isinstance(c, str)]
    if bad:
        raise ParameterError(f"keep_columns must hold column names (strings); got {bad[0]!r}")
    return set(cols)


def _norm(col: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", _fold(col).casefold()).strip("_")


def _known_field(cb, col: str):
    """The codebook Field behind column ``col`` (tolerating case and spaces), or None."""
    for name in (col, _norm(col)):
        if name in cb.fields:
            return cb.fields[name]
        if cb.knows(name):
            return cb.resolve(name)[0]
    return None


def _coded_limits(fld) -> tuple[int, int]:
    """Longest cell a coded variable can need: every option, each by its longest label."""
    longest = [max((c.value, c.label.en, c.label.cy), key=len) for c in fld.categories]
    full = "; ".join(longest)
    return max(LONG_TEXT_CHARS, len(full)), max(LONG_TEXT_WORDS, len(full.split()))


def _free_text(text: str, limits: tuple[int, int], delimiter: str | None) -> tuple[int, int] | None:
    """``(words, characters)`` if ``text`` is free text, else None."""
    n_chars, n_words = len(text), len(text.split())
    if n_chars > limits[0] or n_words > limits[1]:
        return n_words, n_chars
    if delimiter is not None:
        for part in text.split(delimiter):
            if len(part.strip()) > VALUE_CHARS or len(part.split()) > VALUE_WORDS:
                return n_words, n_chars
    return None


def find_identifiers(forms: pd.DataFrame, codebook=None, *, keep_columns: Iterable[str] = ()) -> pd.DataFrame:
    """List the columns and cells of raw coding forms that look identifying.

    Parameters
    ----------
    forms : pandas.DataFrame
        Raw forms as `cprstats.read_forms` returns them: strings, index ``row`` (the row
        number the user sees), ``attrs["files"]`` (the file of each row) or
        ``attrs["source"]``.
    codebook : Codebook, str or Path, optional
        The codebook whose columns are expected (default: the packaged one).
    keep_columns : iterable of str
        Extra columns, not in the codebook, that the researcher has checked and keeps. Full
        dates are allowed in them; everything else is still screened (see the module notes).

    Returns
    -------
    pandas.DataFrame
        One row per problem, columns ``file, row, review_id, field, value, problem`` (those of
        `CodingError.problems`). ``value`` is masked, never the identifying value itself. A
        problem with a column name has ``row`` 1 (the header row) and an empty ``value``.
        Empty when nothing was found.

    Examples
    --------
    >>> import pandas as pd
    >>> forms = pd.DataFrame(
    ...     {"review_id": ["CYSUR 4 2019", "CPR FLINT 2"], "notes": ["NHS no 943 476 5919", "ok"]},
    ...     index=pd.Index([2, 3], name="row"))
    >>> forms.attrs["source"] = "forms.csv"
    >>> find_identifiers(forms, keep_columns=["notes"]).iloc[0].to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'file': 'forms.csv', 'row': 2, 'review_id': 'CYSUR 4 2019', 'field': 'notes',
     'value': 'N** ** *** *** ****',
     'problem': "column 'notes' holds what looks like an NHS number; remove it from the forms (the value is hidden here)"}
    """
    if not isinstance(forms, pd.DataFrame):
        raise ParameterError(f"forms must be a pandas DataFrame (from read_forms), got {type(forms).__name__}")
    cb = _codebook(codebook)
    keep = _keep_list(keep_columns)
    n = len(forms)
    files = forms.attrs.get("files")
    if not (isinstance(files, (list, tuple)) and len(files) == n):
        source = forms.attrs.get("source")
        files = [Path(str(source)).name if source else ""] * n
    files = [str(f) for f in files]
    rows = list(forms.index)
    is_table = str(forms.attrs.get("source", "")).lower().endswith((".csv", ".xlsx", ".xlsm"))
    columns = [str(c) for c in forms.columns]

    id_col = next((c for c in columns if _norm(c) == "review_id"), None)
    ids = [_text(v) for v in forms.iloc[:, columns.index(id_col)].tolist()] if id_col else [""] * n
    source = str(forms.attrs.get("source") or "")
    per_file = bool(source) and (source.lower().endswith((".yaml", ".yml")) or Path(source).is_dir())
    problems: list[dict] = []
    hide_id: set[int] = {i for i, v in enumerate(ids) if len(v) > 40}

    def add(i: int, col: str, value: str, problem: str) -> None:
        problems.append(
            {"file": files[i], "row": rows[i], "review_id": i, "field": col, "value": value, "problem": problem}
        )
        if col == id_col:
            hide_id.add(i)

    def add_header(col: str, problem: str, cells: list[str]) -> None:
        # a column name is reported on the header row (row 1) of a spreadsheet; for YAML
        # forms, on the first form that fills it in
        if per_file:
            i = next((k for k, c in enumerate(cells) if c.strip()), 0)
            problems.append(
                {
                    "file": files[i] if n else "",
                    "row": rows[i] if n else 1,
                    "review_id": None,
                    "field": col,
                    "value": "",
                    "problem": problem,
                }
            )
        else:
            problems.append(
                {
                    "file": files[0] if n else "",
                    "row": 1,
                    "review_id": None,
                    "field": col,
                    "value": "",
                    "problem": problem,
                }
            )

    for j, col in enumerate(columns):
        # each distinct value is screened once, and rows are found from the codes: no per-row Python
        codes, uniq = pd.factorize(forms.iloc[:, j], use_na_sentinel=True)
        uniq_text = [u if type(u) is str else _text(u) for u in uniq]
        fld = _known_field(cb, col)
        if fld is None:
            kind = header_kind(col)
            if kind is not None:
                one, many = KINDS[kind]
                kept = " (keep_columns cannot keep identifiers)" if col in keep else ""
                filled = [uniq_text[c].strip() != "" if c >= 0 else False for c in codes] if per_file else []
                add_header(
                    col,
                    f"column {col!r} looks like {one}; remove the column from the forms: cprstats never "
                    f"needs {many}, and the forms must not identify a child or family{kept}",
                    ["x" if f else "" for f in filled],
                )
                continue
        if fld is None:
            limits, delimiter = (LONG_TEXT_CHARS, LONG_TEXT_WORDS), None
        else:  # a coded value is never longer than a label
            limits = _coded_limits(fld) if fld.categories else (LONG_TEXT_CHARS, LONG_TEXT_WORDS)
            delimiter = fld.delimiter if fld.type == "list" else "\n"
        check_dates = fld is None and col not in keep
        found = [_cell_problem(col, text, limits, delimiter, check_dates, fld is None) for text in uniq_text]
        bad = np.array([f is not None for f in found], dtype=bool)
        if bad.any():
            for i in np.flatnonzero(bad[codes] & (codes >= 0)):
                add(int(i), col, *found[codes[i]])

    for p in problems:
        i = p["review_id"]
        p["review_id"] = "" if i is None else ("(hidden)" if i in hide_id else ids[i])
    out = pd.DataFrame(problems, columns=list(COLUMNS), dtype=object)
    if all(isinstance(r, int) for r in out["row"]):
        out["row"] = out["row"].astype("int64")
    return out


def _cell_problem(col: str, text: str, limits, delimiter, check_dates: bool, unknown: bool) -> tuple[str, str] | None:
    """``(masked value, problem)`` for one cell, or None when it looks harmless."""
    if not text.strip():
        return None
    kind = value_kind(text)
    if kind is not None:
        return mask(text), (
            f"column {col!r} holds what looks like {KINDS[kind][0]}; remove it from the forms "
            "(the value is hidden here)"
        )
    long = _free_text(text, limits, delimiter)
    if long is not None:
        limit = (
            f"at most {LONG_TEXT_WORDS} words or {LONG_TEXT_CHARS} characters in a cell"
            if unknown
            else f"a coded value has at most {VALUE_WORDS} words"
        )
        return f"(hidden: {long[1]} characters)", (
            f"column {col!r} holds long free text ({long[0]} words), like case notes; the forms should hold "
            f"coded values only ({limit})"
        )
    if check_dates and has_full_date(text):
        return mask(text), (
            f"column {col!r} holds a full date, which could be a date of birth; remove it "
            "(cprstats asks only for year and month), or, if the column is not about the child "
            "(e.g. the date the review was coded), keep it with keep_columns"
        )
    return None


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    try:
        if pd.isna(v):
            return ""
    except (TypeError, ValueError):
        pass
    return str(v)


def check_forms(forms: pd.DataFrame, codebook=None, *, keep_columns: Iterable[str] = ()) -> None:
    """Raise `CodingError` if raw coding forms look identifying (see `find_identifiers`).

    Parameters
    ----------
    forms, codebook, keep_columns
        As for `find_identifiers`.

    Raises
    ------
    CodingError
        With ``.problems`` from `find_identifiers` and ``.source`` from ``forms.attrs``.

    Examples
    --------
    >>> import pandas as pd
    >>> forms = pd.DataFrame({"review_id": ["WG S71 2023"], "dob": ["12/03/2010"]})
    >>> check_forms(forms)
    Traceback (most recent call last):
    ...
    cprstats.errors.CodingError: 1 problem found:
      row 1, field 'dob', value '': column 'dob' looks like a date of birth; ...
    """
    problems = find_identifiers(forms, codebook, keep_columns=keep_columns)
    if len(problems):
        raise CodingError(problems, forms.attrs.get("source"))
