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
    A column name that is itself a value (a name, a number, a date: the first form typed where
    the header should be) is reported as ``(column 3)``, its text never shown.
Values (every cell of every column: coded fields, review ids and kept columns too)
    What `cprstats.forms.identifiers.value_kind` finds: UK postcodes, NHS numbers (10 digits in
    any grouping and with any separator, whose modulus-11 check digit is valid), UK phone
    numbers (starting 0, +44 or 0044), email addresses, dates of birth (a birth word and a
    date), addresses (a house number and a street), names (a title and a name, or a given
    name and a surname) and case notes (a person and what happened, however short). The text
    is normalised first, so full-width or Arabic digits and zero-width spaces hide nothing. In
    a codebook column the codebook's own codes and labels are taken out of the cell first, so
    a label is never mistaken for an identifier.
Full dates (every column but kept columns and date fields)
    A day-month-year date (``12/03/2010``, ``2010-03-12``, ``12 March 2010``, ``12 Mawrth
    2010``, ``Feb 14th, 2008``) could be a date of birth. The codebook only ever asks for year
    and month, and a review id never needs a date.
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
so the value is masked (``"9** *** ****"``, ``"(hidden: 412 characters)"``) or withheld
(``"[withheld: looks like an address]"``), and a review id shown beside a problem is
``"(hidden)"`` if it fails the screen.

Examples
--------
>>> import pandas as pd
>>> forms = pd.DataFrame({"review_id": ["CYSUR 4 2019"], "Child name": ["Jane"]},
...                      index=pd.Index([2], name="row"))
>>> find_identifiers(forms)[["row", "field", "problem"]].to_dict("records")  # doctest: +ELLIPSIS
[{'row': 1, 'field': 'Child name', 'problem': "column 'Child name' looks like a person's name; ..."}]
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cprstats.codebook.model import Codebook, resolve
from cprstats.errors import CodingError, ParameterError
from cprstats.forms.identifiers import (
    KINDS,
    echo_kind,
    has_full_date,
    header_kind,
    mask,
    normalise_word,
    value_kind,
    value_like,
    withheld,
)
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
    """The codebook Field and option behind column ``col`` (tolerating case and spaces), or ``(None, None)``."""
    for name in (col, _norm(col)):
        if name in cb.fields:
            return cb.fields[name], None
        if cb.knows(name):
            return cb.resolve(name)
    return None, None


#: Words a yes/no or option cell may hold, as a coder or a coded dataset writes them.
_FLAG_WORDS = (
    *("yes", "y", "true", "1", "x", "ie", "oes", "do", "ydy", "oedd", "present"),  # as cprstats.forms.coding reads them
    *("no", "n", "false", "0", "na", "nac oes", "naddo", "nac ydy", "nac oedd", "absent"),
    *("unknown", "not recorded"),
)


def vocabulary(cb, fld=None, option=None) -> frozenset[str]:
    """The harmless words of a column (codes and labels, whole and word by word), as `normalise_word` gives them.

    With no ``fld``: the words of every variable of the codebook.

    Examples
    --------
    >>> import cprstats
    >>> words = vocabulary(cprstats.load_codebook())
    >>> "ynys mon" in words, "mon" in words, "jane" in words
    (True, True, False)
    """
    key = (id(cb), None if fld is None else fld.name, option)
    hit = _VOCABULARY.get(key)
    if hit is not None and hit[0] is cb:
        return hit[1]
    fields = cb.fields.values() if fld is None else [fld]
    texts: list[str] = list(_FLAG_WORDS) + [cb.none_value]
    for f in fields:
        if option is not None:
            break
        for c in f.categories:
            texts.extend((c.value, c.label.en, c.label.cy))
    words = {normalise_word(t) for t in texts}
    words |= {w for t in list(words) for w in t.split()}
    out = frozenset(w for w in words if w)
    if len(_VOCABULARY) > 256:
        _VOCABULARY.clear()
    _VOCABULARY[key] = (cb, out)
    return out


_VOCABULARY: dict = {}


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


@dataclass(frozen=True)
class _Column:
    """How one column is screened."""

    name: str
    limits: tuple[int, int]
    delimiter: str | None  # coded values are split here before the vocabulary is consulted
    vocabulary: frozenset[str]
    check_dates: bool  # a full date could be a date of birth here
    unknown: bool  # not a codebook column


def _column_rule(cb, col: str, keep: set[str]) -> _Column:
    fld, option = _known_field(cb, col)
    if fld is None:
        return _Column(col, (LONG_TEXT_CHARS, LONG_TEXT_WORDS), None, frozenset(), col not in keep, True)
    if option is not None or fld.type == "boolean":
        return _Column(col, (LONG_TEXT_CHARS, LONG_TEXT_WORDS), "\n", vocabulary(cb, fld, "flag"), True, False)
    limits = _coded_limits(fld) if fld.categories else (LONG_TEXT_CHARS, LONG_TEXT_WORDS)
    delimiter = fld.delimiter if fld.type == "list" else "\n"
    dates = fld.type not in ("yearmonth", "date")  # a date field may be typed as a full date
    vocab = vocabulary(cb, fld) if fld.categories else frozenset()
    return _Column(col, limits, delimiter, vocab, dates, False)


def find_identifiers(
    forms: pd.DataFrame, codebook: Codebook | str | os.PathLike[str] | None = None, *, keep_columns: Iterable[str] = ()
) -> pd.DataFrame:
    """List the columns and cells of raw coding forms that look identifying.

    Parameters
    ----------
    forms : pandas.DataFrame
        Raw forms as `cprstats.read_forms` returns them: strings, index ``row`` (the row
        number the user sees), ``attrs["files"]`` (the file of each row) or
        ``attrs["source"]``. A coded dataset (`cprstats.read_dataset`) may be screened too.
    codebook : Codebook, str or Path, optional
        The codebook whose columns are expected (default: the packaged one).
    keep_columns : iterable of str
        Extra columns, not in the codebook, that the researcher has checked and keeps. Full
        dates are allowed in them; everything else is still screened (see the module notes).

    Returns
    -------
    pandas.DataFrame
        One row per problem, columns ``file, row, review_id, field, value, problem`` (those of
        `CodingError.problems`). ``value`` is masked or withheld, never the identifying value
        itself. A problem with a column name has ``row`` 1 (the header row) and an empty
        ``value``; a column name that itself looks identifying is not shown (``field`` is
        ``"(column 3)"``). Empty when nothing was found.

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
     'problem': "column 'notes' holds what looks like an NHS number; remove it from the forms
                 (the value is hidden here)"}
    """
    if not isinstance(forms, pd.DataFrame):
        raise ParameterError(f"forms must be a pandas DataFrame (from read_forms), got {type(forms).__name__}")
    cb = resolve(codebook, forms)
    keep = _keep_list(keep_columns)
    n = len(forms)
    files = forms.attrs.get("files")
    if not (isinstance(files, (list, tuple)) and len(files) == n):
        source = forms.attrs.get("source")
        files = [Path(str(source)).name if source else ""] * n
    files = [str(f) for f in files]
    rows = list(forms.index)
    columns = [str(c) for c in forms.columns]

    id_col = next((c for c in columns if _norm(c) == "review_id"), None)
    # one array of the cells: a column taken with iloc would deep-copy attrs["files"] every time
    cells = forms.to_numpy(dtype=object) if n else np.empty((0, len(columns)), dtype=object)
    ids = [_text(v) for v in cells[:, columns.index(id_col)].tolist()] if id_col else [""] * n
    source = str(forms.attrs.get("source") or "")
    per_file = bool(source) and (source.lower().endswith((".yaml", ".yml")) or Path(source).is_dir())
    problems: list[dict] = []
    all_words = vocabulary(cb)
    hide_id: set[int] = set()

    def add(i: int, col: str, value: str, problem: str) -> None:
        problems.append(
            {"file": files[i], "row": rows[i], "review_id": i, "field": col, "value": value, "problem": problem}
        )
        if col == id_col:
            hide_id.add(i)

    def add_header(col: str, problem: str, cells: list[str]) -> None:
        # a column name is reported on the header row (row 1) of a spreadsheet; for YAML
        # forms, on the first form that fills it in
        i = next((k for k, c in enumerate(cells) if c.strip()), 0) if per_file else 0
        problems.append(
            {
                "file": files[i] if n else "",
                "row": (rows[i] if per_file else 1) if n else 1,
                "review_id": None,
                "field": col,
                "value": "",
                "problem": problem,
            }
        )

    for j, col in enumerate(columns):
        # each distinct value is screened once, and rows are found from the codes: no per-row Python
        codes, uniq = pd.factorize(cells[:, j], use_na_sentinel=True)
        uniq_text = [u if type(u) is str else _text(u) for u in uniq]

        def filled(codes=codes, uniq_text=uniq_text) -> list[str]:
            return ["x" if c >= 0 and uniq_text[c].strip() else "" for c in codes] if per_file else []

        rule = _column_rule(cb, col, keep)
        if rule.unknown:
            kind = header_kind(col)
            if kind is not None:
                one, many = KINDS[kind]
                kept = " (keep_columns cannot keep identifiers)" if col in keep else ""
                add_header(
                    col,
                    f"column {col!r} looks like {one}; remove the column from the forms: cprstats never "
                    f"needs {many}, and the forms must not identify a child or family{kept}",
                    filled(),
                )
                continue
            like = value_like(col)
            if like is not None and echo_kind(col, all_words) is not None:
                add_header(
                    f"(column {j + 1})",
                    f"the name of column {j + 1} looks like {like}, not a column name (the name is hidden here); "
                    "the first row must hold the column names, and a column name must not identify anyone",
                    filled(),
                )
                continue
        found = [_cell_problem(col, text, rule) for text in uniq_text]
        bad = np.array([f is not None for f in found], dtype=bool)
        if bad.any():
            for i in np.flatnonzero(bad[codes] & (codes >= 0)):
                add(int(i), col, *found[codes[i]])

    # review ids shown beside problems must pass the echo screen too (only those shown are screened)
    shown_ids = {ids[p["review_id"]] for p in problems if p["review_id"] is not None}
    unsafe_ids = {t for t in shown_ids if len(t) > 40 or echo_kind(t, all_words) is not None}
    for p in problems:
        i = p["review_id"]
        p["review_id"] = "" if i is None else ("(hidden)" if i in hide_id or ids[i] in unsafe_ids else ids[i])
    out = pd.DataFrame(problems, columns=list(COLUMNS), dtype=object)
    if all(isinstance(r, int) for r in out["row"]):
        out["row"] = out["row"].astype("int64")
    return out


_MASKED = ("nhs", "phone", "postcode", "email")  # shown by their shape (`mask`); other kinds are withheld


def _unknown_part(text: str, rule: _Column) -> str:
    """The part of a coded cell that is not a code or label of the column (all of it for a free column)."""
    if not rule.vocabulary:
        return text
    parts = text.split(rule.delimiter) if rule.delimiter else [text]
    return "; ".join(p for p in parts if normalise_word(p) not in rule.vocabulary)


def _cell_problem(col: str, text: str, rule: _Column) -> tuple[str, str] | None:
    """``(masked value, problem)`` for one cell, or None when it looks harmless."""
    if not text.strip():
        return None
    rest = _unknown_part(text, rule)
    kind = value_kind(rest) if rest.strip() else None
    long = _free_text(text, rule.limits, rule.delimiter if not rule.unknown else None)
    if kind is not None and not (kind == "casenote" and long is not None):
        return (mask(text) if kind in _MASKED else withheld(kind)), (
            f"column {col!r} holds what looks like {KINDS[kind][0]}; remove it from the forms "
            "(the value is hidden here)"
        )
    if long is not None:
        limit = (
            f"at most {LONG_TEXT_WORDS} words or {LONG_TEXT_CHARS} characters in a cell"
            if rule.unknown
            else f"a coded value has at most {VALUE_WORDS} words"
        )
        return f"(hidden: {long[1]} characters)", (
            f"column {col!r} holds long free text ({long[0]} words), like case notes; the forms should hold "
            f"coded values only ({limit})"
        )
    if rule.check_dates and rest.strip() and has_full_date(rest):
        return mask(text), (
            f"column {col!r} holds a full date, which could be a date of birth; remove it "
            "(cprstats asks only for year and month)"
            + (
                ", or, if the column is not about the child (e.g. the date the review was coded), "
                "keep it with keep_columns"
                if rule.unknown
                else ""
            )
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


def check_forms(
    forms: pd.DataFrame, codebook: Codebook | str | os.PathLike[str] | None = None, *, keep_columns: Iterable[str] = ()
) -> None:
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
