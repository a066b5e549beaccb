"""Code raw forms into a typed, validated review dataset, as the codebook says.

Every value is parsed once per distinct value (not per row), so a million forms code in
seconds. All problems of a file are collected before anything is raised.

Problem lists are printed and saved, so nothing that could identify a child is echoed in
them: every value, review id and column name shown passes through
`cprstats.forms.identifiers.safe_echo` on its way into the list, and one that fails the
screen is shown as ``[withheld: looks like a person's name]`` (the codebook's own codes and
labels always pass). Numbers are plain ASCII digits (``1``, ``-2``, ``1,000``, ``3.0``):
``١``, ``1e1`` and ``1_0`` are not whole numbers here, whatever Python's ``float`` accepts.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cprstats.codebook.model import Codebook, Field, _did_you_mean, load_codebook
from cprstats.codebook.schema import validate_dataset
from cprstats.errors import CodingError, ParameterError
from cprstats.forms.derivations import derive_all
from cprstats.forms.guard import vocabulary
from cprstats.forms.identifiers import echo_kind, normalise_word, safe_echo, safe_header, withheld
from cprstats.forms.reader import _screen, read_forms
from cprstats.forms.rules import check_rules

__all__ = ["code_reviews", "YES_WORDS", "NO_WORDS", "normalise"]

#: Words read as yes / no in option columns and yes/no fields (English and Welsh).
YES_WORDS = ("yes", "y", "true", "1", "x", "ie", "oes", "do", "ydy", "oedd", "present")
NO_WORDS = ("no", "n", "false", "0", "na", "nac oes", "naddo", "nac ydy", "nac oedd", "absent")
_MONTHS = {
    **{
        m: i
        for i, m in enumerate(
            [
                "january",
                "february",
                "march",
                "april",
                "may",
                "june",
                "july",
                "august",
                "september",
                "october",
                "november",
                "december",
            ],
            1,
        )
    },
    **{
        m: i
        for i, m in enumerate(
            [
                "ionawr",
                "chwefror",
                "mawrth",
                "ebrill",
                "mai",
                "mehefin",
                "gorffennaf",
                "awst",
                "medi",
                "hydref",
                "tachwedd",
                "rhagfyr",
            ],
            1,
        )
    },
}
_DATE_PATTERNS = (  # ASCII digits only (re.ASCII): "٢٠١٩-٠٣" is not a date here
    (re.compile(r"^(\d{4})-(\d{1,2})$", re.ASCII), ("y", "m")),
    (re.compile(r"^(\d{4})/(\d{1,2})$", re.ASCII), ("y", "m")),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]00:00(?::00)?)?$", re.ASCII), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", re.ASCII), ("d", "m", "y")),
    (re.compile(r"^(\d{1,2})/(\d{4})$", re.ASCII), ("m", "y")),
)
#: A whole number as a coder types it: ASCII digits, an optional sign, thousands separated by
#: commas, and at most a zero fraction (``3.0``, as a spreadsheet may write it).
_WHOLE_NUMBER = re.compile(r"^[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.0*)?$")


def normalise(text: Any) -> str:
    """The matching key of a typed value: case, spacing, ``_`` and ``-`` and curly quotes ignored.

    >>> normalise("  Non-fatal_physical   ABUSE ")
    'non fatal physical abuse'
    """
    s = str(text).replace("\u2019", "'").replace("\u2018", "'").casefold()
    return " ".join(re.sub(r"[_\-]+", " ", s).split())


class _Problems:
    """The problems found, each value, review id and column name screened on the way in (`safe_echo`)."""

    def __init__(self, forms: pd.DataFrame, words: frozenset[str] = frozenset()):
        self.words = words
        self._shown: dict[str, str] = {}
        n = len(forms)
        src = forms.attrs.get("source")
        files = forms.attrs.get("files")
        if not files or len(files) != n:
            files = [Path(src).name if src else "forms"] * n
        self.files = np.asarray(files, dtype=object)
        self.rows = np.asarray([int(r) if isinstance(r, (int, np.integer)) else r for r in forms.index], dtype=object)
        rid = forms.columns[[normalise(c) == "review id" for c in forms.columns]]
        self.ids = forms[rid[0]].astype(str).to_numpy(object) if len(rid) else np.full(n, "", dtype=object)
        self.header_file = Path(src).name if src else (files[0] if n else "forms")
        self.items: list[tuple] = []

    def rows_(self, mask: np.ndarray, field: str, values, problem: str):
        idx = np.flatnonzero(mask)
        vals = (
            np.broadcast_to(np.asarray(values, dtype=object), mask.shape)[idx]
            if not isinstance(values, str)
            else [values] * len(idx)
        )
        for i, v in zip(idx, vals):
            value = "" if v is None else self.show(v)
            self.items.append((self.files[i], self.rows[i], self.show(self.ids[i]), field, value, problem))

    def show(self, value: Any) -> str:
        """``value`` as it may be printed: as typed, or ``[withheld: ...]`` (cached per distinct value)."""
        text = str(value)
        hit = self._shown.get(text)
        if hit is None:
            # a multi-response cell is judged by the options that are not the codebook's own
            rest = "; ".join(p for p in re.split(r"[;\n]", text) if p.strip() and normalise_word(p) not in self.words)
            kind = echo_kind(rest, self.words) if rest else None
            hit = self._shown[text] = text if kind is None else withheld(kind)
        return hit

    def header(self, field: str, problem: str, value: str = ""):
        self.items.append((self.header_file, 1, "", safe_header(field), self.show(value), problem))

    def frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.items, columns=list(CodingError.COLUMNS))
        return df.reset_index(drop=True)


# --------------------------------------------------------------------------- columns
def _match_columns(columns: Iterable[str], cb: Codebook, keep: set[str], probs: _Problems):
    """Map form headers to (field, option); report unknown and derived-only columns."""
    lookup: dict[str, tuple[Field, str | None]] = {}
    for fld in cb.fields.values():
        for key in (fld.name, fld.title.en, fld.title.cy):
            lookup.setdefault(normalise(key), (fld, None))
        for c in fld.categories if fld.type == "list" else ():
            for key in (f"{fld.prefix}_{c.value}",):
                lookup.setdefault(normalise(key), (fld, c.value))
    matched, extra = {}, []
    for col in columns:
        hit = lookup.get(normalise(col))
        if hit is None:
            if col in keep:
                extra.append(col)
            else:
                probs.header(
                    col,
                    "this column is not in the codebook"
                    + _did_you_mean(col, [f.name for f in cb.input_fields])
                    + "; rename it to a codebook variable, delete it, or keep it on purpose with keep_columns "
                    "/ --keep-column",
                )
            continue
        fld, option = hit
        if fld.is_derived and not fld.input_allowed:
            probs.header(
                col, f"{fld.name!r} is derived by cprstats from {', '.join(fld.derived['from'])}; delete this column"
            )
            continue
        if (fld.name, option) in matched.values():
            probs.header(col, f"this column repeats {fld.name!r}" + (f" option {option!r}" if option else ""))
            continue
        matched[col] = (fld.name, option)
    return matched, extra


# --------------------------------------------------------------------------- values
class _Parsed:
    """One column parsed once per distinct value: ``codes`` index each row into the distinct values."""

    def __init__(self, series: pd.Series, parse):
        codes, uniq = pd.factorize(series, sort=False, use_na_sentinel=True)
        if (codes < 0).any():  # a real missing value (from a DataFrame built in code): treat as empty
            uniq = np.append(np.asarray(uniq, dtype=object), "")
            codes = np.where(codes < 0, len(uniq) - 1, codes)
        self.codes = codes
        self.raw = np.asarray(pd.Index(uniq, dtype=object).astype(str).str.strip(), dtype=object)
        if getattr(parse, "vectorised", False):
            self.values, self.problems = parse(self.raw)
        else:
            parsed = [parse(u) for u in self.raw]
            self.values = [v for v, _ in parsed]
            self.problems = np.array([p or "" for _, p in parsed], dtype=object)
        self.ok = np.array([v is not None for v in self.values], dtype=bool)

    def rows_where(self, uniq_mask: np.ndarray) -> np.ndarray:
        """Row mask of the rows whose distinct value satisfies ``uniq_mask``."""
        return uniq_mask[self.codes] if uniq_mask.any() else np.zeros(len(self.codes), bool)

    def report(self, probs: _Problems, field: str) -> np.ndarray:
        """Report every unparseable value; return the row mask of those rows."""
        bad_u = self.problems != ""
        if not bad_u.any():
            return np.zeros(len(self.codes), bool)
        for text in pd.unique(self.problems[bad_u]):
            rows = self.rows_where(self.problems == text)
            probs.rows_(rows, field, self.raw[self.codes], text)
        return self.rows_where(bad_u)

    def empty(self) -> np.ndarray:
        return self.rows_where(self.raw == "")

    def take(self, per_unique: np.ndarray) -> np.ndarray:
        return per_unique[self.codes]


def _category_lookup(fld: Field) -> dict[str, str]:
    table = {}
    for c in fld.categories:
        for key in (c.value, c.label.en, c.label.cy):
            table.setdefault(normalise(key), c.value)
        if c.value == "yes":
            for w in YES_WORDS:
                table.setdefault(w, "yes")
        if c.value == "no":
            for w in NO_WORDS:
                table.setdefault(w, "no")
    return table


def _allowed(fld: Field) -> str:
    return "allowed: " + ", ".join(
        f"{c.value} ({c.label.en})" if normalise(c.label.en) != normalise(c.value) else c.value for c in fld.categories
    )


def _parse_category(fld: Field):
    table = _category_lookup(fld)

    def parse(text):
        if text == "":
            return None, None
        code = table.get(normalise(text))
        if code is None:
            return None, f"not an allowed value of {fld.name}" + _did_you_mean(
                normalise(text), table
            ) + f"; {_allowed(fld)}"
        return code, None

    return parse


def _parse_integer(fld: Field):
    lo, hi = fld.constraints.get("minimum"), fld.constraints.get("maximum")
    rng = f" (allowed: whole numbers {lo} to {hi})" if lo is not None and hi is not None else ""

    def parse(text):
        if text == "":
            return None, None
        if not _WHOLE_NUMBER.match(text) or len(text) > 40:
            return None, f"not a whole number{rng}"
        x = int(text.replace(",", "").split(".")[0])
        if (lo is not None and x < lo) or (hi is not None and x > hi):
            return None, f"out of range{rng}"
        return x, None

    return parse


def _parse_date_text(text: str):
    t = text.strip().casefold()
    for pat, parts in _DATE_PATTERNS:
        m = pat.match(t)
        if m:
            d = dict(zip(parts, (int(g) for g in m.groups())))
            return d["y"], d["m"], d.get("d")
    m = re.match(r"^([a-z]+)\s+(\d{4})$", t)
    if m and m.group(1) in _MONTHS:
        return int(m.group(2)), _MONTHS[m.group(1)], None
    return None


def _parse_yearmonth(fld: Field):
    lo = pd.Period(str(fld.constraints["minimum"]), "M") if "minimum" in fld.constraints else None
    hi = pd.Period(str(fld.constraints["maximum"]), "M") if "maximum" in fld.constraints else None

    def parse(text):
        if text == "":
            return None, None
        got = _parse_date_text(text)
        if got is None:
            return None, "not a date; write it as YYYY-MM (for example 2019-03) or DD/MM/YYYY"
        y, m, d = got
        try:
            day = _dt.date(y, m, d or 1)
        except ValueError:
            return None, "impossible date (no such month or day)"
        per = pd.Period(year=y, month=m, freq="M")
        if (lo is not None and per < lo) or (hi is not None and per > hi):
            return None, f"outside the range the codebook allows ({lo} to {hi})"
        return (per, pd.Timestamp(day)), None

    return parse


def _parse_string(fld: Field):
    """Free identifiers such as review_id are nearly all distinct, so this parser works on arrays."""
    maxlen = fld.constraints.get("maxLength")
    pattern = fld.constraints.get("pattern")

    def parse(raw: np.ndarray):
        t = pd.Series(raw, dtype=object).str.split().str.join(" ")
        problems = np.full(len(t), "", dtype=object)
        if pattern is not None:
            problems[~t.str.match(pattern).fillna(False).to_numpy(bool)] = (
                "has characters not allowed here (use letters, digits, spaces and . / _ -)"
            )
        if maxlen is not None:
            problems[(t.str.len() > maxlen).to_numpy(bool)] = f"longer than the {maxlen} characters allowed"
        empty = (t == "").to_numpy(bool)
        problems[empty] = ""
        values = [None if (e or p) else v for v, e, p in zip(t.tolist(), empty, problems)]
        return values, problems

    parse.vectorised = True
    return parse


def _parse_list(fld: Field, none_value: str, words: frozenset[str] = frozenset()):
    table = _category_lookup(fld)
    codes = fld.codes
    none_key = normalise(none_value)

    def parse(text):
        if text == "":
            return None, None
        typed = [x.strip() for x in text.split(fld.delimiter)]
        typed = [x for x in typed if normalise(x)]
        items = [normalise(x) for x in typed]
        if not items:
            return None, None
        if none_key in items:
            if len(items) > 1:
                return None, f"'{none_value}' cannot be combined with other options"
            return np.zeros(len(codes), bool), None
        bad = [(x, t) for x, t in zip(items, typed) if x not in table]
        if bad:
            # each option as matched, if it (and what was typed) may be shown
            shown = [b if safe_echo(t, words) == t else safe_echo(t, words) for b, t in bad]
            return None, (
                f"{', '.join(repr(b) for b in shown)} not an option of {fld.name}"
                + _did_you_mean(bad[0][0], table)
                + f"; separate options with '{fld.delimiter}'; {_allowed(fld)}, or '{none_value}'"
            )
        hit = {table[x] for x in items}
        return np.array([c in hit for c in codes]), None

    return parse


_YES = set(YES_WORDS)
_NO = set(NO_WORDS)


_AMBIGUOUS = ("NA", "N/A", "n/a", "N/a")


def _parse_flag(text):
    if text == "":
        return None, None
    if text in _AMBIGUOUS:  # English "not available", or Welsh "na" (no)? Ask rather than guess.
        return None, (
            "ambiguous: 'NA' could mean 'not available' or Welsh 'na' (no); write no (or na in lower case), "
            "or leave the cell empty for not recorded"
        )
    k = normalise(text)
    if k in _YES:
        return True, None
    if k in _NO:
        return False, None
    return None, "not yes or no (allowed: yes, no, or empty for not recorded; Welsh ie, na)"


# --------------------------------------------------------------------------- main
def code_reviews(
    forms: pd.DataFrame | str | os.PathLike[str],
    codebook: Codebook | str | os.PathLike[str] | None = None,
    *,
    keep_columns: Iterable[str] = (),
    check_identifiers: bool = True,
) -> pd.DataFrame:
    """Code raw forms into the typed, validated review dataset.

    Parameters
    ----------
    forms : DataFrame or path
        Raw forms from `cprstats.read_forms`, or a path that it can read.
    codebook : Codebook or path, optional
        By default the packaged codebook.
    keep_columns : iterable of str
        Columns that are not in the codebook but should be kept (as text, after the coded
        columns). They are screened for identifiers like everything else.
    check_identifiers : bool, default True
        Refuse forms that hold names, dates of birth, addresses, NHS numbers or free text.

    Returns
    -------
    pandas.DataFrame
        One row per subject child; the columns of ``codebook.coded_columns`` in order:
        categoricals with the codebook's categories and order, one nullable boolean column
        per multi-response option (all ``<NA>`` when the group was not recorded, all False
        for ``none``), ``Int64`` numbers, ``period[M]`` dates, and every derived variable.

    Raises
    ------
    CodingError
        With ``.problems`` (``file, row, review_id, field, value, problem``), listing every
        problem found: unknown codes (with a suggestion), numbers out of range, missing
        required fields, impossible dates, duplicate review and child, broken cross-field rules.

    Examples
    --------
    >>> import cprstats
    >>> forms = cprstats.read_forms(cprstats.datasets.examples.forms_path("wales"))
    >>> data = cprstats.code_reviews(forms)
    >>> list(data["outcome"].cat.categories)
    ['death', 'life_threatening_injury', 'serious_impairment', 'other']
    >>> bad = forms.head(3).copy()
    >>> bad.loc[2, "outcome"] = "deth"
    >>> try:
    ...     cprstats.code_reviews(bad)
    ... except cprstats.CodingError as err:
    ...     print(*err.problems.loc[0, ["row", "field", "value"]])
    2 outcome deth
    """
    cb = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    keep = set(keep_columns)
    if not isinstance(forms, pd.DataFrame):
        forms = read_forms(forms, codebook=cb, keep_columns=keep, check=check_identifiers)
    elif check_identifiers:
        _screen(forms, cb, keep)
    if keep and not check_identifiers:  # columns kept on purpose are always screened: they reach the dataset
        _screen(forms[[c for c in forms.columns if c in keep]], cb, keep)
    missing_keep = sorted(keep - set(forms.columns))
    if missing_keep:
        shown = [safe_header(c) for c in forms.columns]
        raise ParameterError(f"keep_columns names {missing_keep}, which the forms do not have; columns: {shown}")

    forms = cb.upgrade_forms(forms)  # former column names and moved values (codebook aliases, movedFrom)
    words = vocabulary(cb)
    probs = _Problems(forms, words)
    n = len(forms)
    index = pd.RangeIndex(n)
    matched, extra = _match_columns(forms.columns, cb, keep, probs)
    by_field: dict[str, dict] = {}
    for col, (name, option) in matched.items():
        by_field.setdefault(name, {})[option] = col

    out: dict[str, Any] = {}
    day = pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    given_board = None
    failed: dict[str, np.ndarray] = {}  # rows whose value could not be parsed, per field
    for fld in cb.fields.values():
        if fld.is_derived and fld.name != "board":
            continue
        cols = by_field.get(fld.name, {})
        if fld.type == "list":
            out.update(_code_list(forms, fld, cols, cb, probs, index))
            continue
        col = cols.get(None)
        if col is None:
            if fld.required:
                probs.header(fld.name, "a required column is missing from the forms")
            parsed = _Parsed(pd.Series([""] * n, dtype=object), lambda u: (None, None))
        else:
            parser = {"integer": _parse_integer, "yearmonth": _parse_yearmonth}.get(fld.type)
            parser = _parse_category(fld) if fld.categories else (parser or _parse_string)(fld)
            parsed = _Parsed(forms[col], parser)
            failed[fld.name] = parsed.report(probs, fld.name)
        if fld.required and col is not None:
            empty = parsed.empty()
            if empty.any():
                probs.rows_(empty, fld.name, "", "required: this field must not be empty")
        column = _typed_column(fld, parsed, index)
        if fld.name == "incident_date":
            nat = np.datetime64("NaT", "ns")
            days = np.array(
                [v[1].to_datetime64() if v is not None else nat for v in parsed.values], dtype="datetime64[ns]"
            )
            day = pd.Series(parsed.take(days), index=index)
        if fld.name == "board":
            given_board = column
            continue
        out[fld.name] = column

    coded = pd.DataFrame(out, index=index)

    derive_all(coded, cb, day)
    if given_board is not None and "board" in coded:
        clash = (
            given_board.notna() & coded["board"].notna() & (given_board.astype(object) != coded["board"].astype(object))
        ).to_numpy(bool)
        if clash.any():
            for i in np.flatnonzero(clash):
                probs.rows_(
                    np.arange(n) == i,
                    "board",
                    given_board.iloc[i],
                    f"contradicts the local authority: {coded['local_authority'].iloc[i]} was in board "
                    f"{coded['board'].iloc[i]} on the incident date",
                )
        fill = (coded["board"].isna() & given_board.notna()).to_numpy(bool)
        if fill.any():
            coded.loc[fill, "board"] = given_board[fill]

    _check_duplicates(coded, probs)

    for mask, rule in check_rules(coded):
        for name in rule.needs:  # a value already reported as unreadable is not reported again
            if name in failed:
                mask = mask & ~failed[name]
        if not mask.any():
            continue
        probs.rows_(
            mask, rule.field, coded[rule.field].astype(object).where(coded[rule.field].notna(), ""), rule.problem
        )

    if probs.items:
        table = probs.frame()
        table["_r"] = pd.to_numeric(table["row"], errors="coerce")
        table = table.sort_values(["file", "_r"], kind="stable").drop(columns="_r").reset_index(drop=True)
        raise CodingError(table, forms.attrs.get("source"))

    coded = coded[list(cb.coded_columns)]

    validate_dataset(coded, cb)  # the dataset-level schema: a safety net over the parsing above
    for col in extra:
        coded[col] = forms[col].astype("string").to_numpy()
    coded.attrs = {
        "codebook": str(cb.path) if cb.path else None,
        "codebook_version": cb.version,
        "source": forms.attrs.get("source"),
    }
    if forms.attrs.get("synthetic"):
        coded.attrs["synthetic"] = True
    return coded


def _typed_column(fld: Field, parsed: _Parsed, index) -> pd.Series:
    """Build the typed column from the distinct values, indexed per row (no per-row Python)."""
    vals = parsed.values
    if fld.type == "yearmonth":
        nat = np.iinfo(np.int64).min  # pandas' NaT ordinal
        ords = np.array([v[0].ordinal if v is not None else nat for v in vals], dtype=np.int64)
        return pd.Series(pd.PeriodIndex.from_ordinals(parsed.take(ords), freq="M"), index=index)
    if fld.categories:
        lookup = {c: i for i, c in enumerate(fld.codes)}
        cat = np.array([lookup[v] if v is not None else -1 for v in vals], dtype=np.int64)
        return pd.Series(
            pd.Categorical.from_codes(parsed.take(cat), categories=list(fld.codes), ordered=fld.ordered), index=index
        )
    if fld.type == "integer":
        ints = np.array([v if v is not None else 0 for v in vals], dtype=np.int64)
        mask = np.array([v is None for v in vals], dtype=bool)
        return pd.Series(pd.arrays.IntegerArray(parsed.take(ints), parsed.take(mask)), index=index)
    strs = np.array([v if v is not None else None for v in vals], dtype=object)
    return pd.Series(pd.array(parsed.take(strs), dtype="string"), index=index)


def _code_list(forms, fld: Field, cols: dict, cb: Codebook, probs: _Problems, index) -> dict:
    n = len(forms)
    k = len(fld.categories)
    matrix = np.zeros((n, k), dtype=bool)
    recorded = np.zeros(n, dtype=bool)
    list_col = cols.get(None)
    option_cols = {o: c for o, c in cols.items() if o is not None}
    if list_col is not None and option_cols:
        probs.header(
            list_col,
            f"give {fld.name} either as one ';'-separated column or as option columns ({fld.prefix}_...), not both",
        )
    if list_col is not None:
        parsed = _Parsed(forms[list_col], _parse_list(fld, cb.none_value, probs.words))
        parsed.report(probs, fld.name)
        per_unique = np.zeros((len(parsed.values), k), dtype=bool)
        for i, v in enumerate(parsed.values):
            if v is not None:
                per_unique[i] = v
        matrix = per_unique[parsed.codes]
        recorded = parsed.take(parsed.ok)
    elif option_cols:
        codes = fld.codes
        for option, col in option_cols.items():
            parsed = _Parsed(forms[col], _parse_flag)
            parsed.report(probs, col)
            j = codes.index(option)
            yes = np.array([bool(v) for v in parsed.values], dtype=bool)
            matrix[:, j] = parsed.take(yes)
            recorded |= parsed.take(parsed.ok)
    out = {}
    for j, c in enumerate(fld.categories):
        arr = pd.array(matrix[:, j], dtype="boolean")
        arr[~recorded] = pd.NA
        out[f"{fld.prefix}_{c.value}"] = pd.Series(arr, index=index)
    return out


def _check_duplicates(coded: pd.DataFrame, probs: _Problems):
    key = coded[["review_id", "child_no"]]
    ok = key.notna().all(axis=1).to_numpy(bool)
    dup = key.duplicated(keep="first").to_numpy(bool) & ok
    if dup.any():
        first = {}
        for i, (r, c) in enumerate(zip(key["review_id"].astype(object), key["child_no"].astype(object))):
            if ok[i]:
                first.setdefault((r, c), i)
        for i in np.flatnonzero(dup):
            r, c = key["review_id"].iloc[i], key["child_no"].iloc[i]
            j = first[(r, c)]
            probs.rows_(
                np.arange(len(coded)) == i,
                "child_no",
                c,
                f"duplicate: review {probs.show(r)} child {c} is already on row {probs.rows[j]}; "
                "give each subject child its own child_no",
            )
