"""How the statistics functions turn a variable name into levels, denominators and group codes.

Private helpers shared by `cprstats.stats.describe`, `cprstats.compare` and `cprstats.stats.regression`. A
codebook variable gets its levels, their order and its denominator rule from the codebook; any
other column is described by its dtype. Everything works on integer codes with ``numpy.bincount``,
so the cost is one pass per variable, never a Python loop over rows, and the frame is never copied.

Unit of analysis
----------------
Every variable has a unit (`cprstats.codebook.model.Field.unit`, DESIGN.md): a **review-level**
variable (review type, board, dates, agencies, good practice, themes, learning points, Covid-19
factors) is counted once per review, on the first subject child's row (lowest ``child_no``) of
each ``review_id``; a **child-level** variable (age, sex, harm, vulnerabilities, family, parental
risks) counts every subject child. A column the codebook does not know takes the table's unit
(children, in the review table). Review-level variables are coded alike on every row of a
review, so which row is counted changes nothing; `review_level_conflicts` lists any review
where they differ. Tests that assume independent observations (`cprstats.compare`,
`cprstats.trend`) count child-level variables once per review too when some review is about
several siblings (unit ``"first_child"``: the first subject child), because siblings in one
review are not independent.

>>> import cprstats
>>> wales = cprstats.load_example("wales")
>>> units = Units(wales)
>>> int(units.first.sum()), len(wales), units.siblings
(157, 160, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cprstats._checks import did_you_mean
from cprstats.codebook.model import resolve
from cprstats.errors import ParameterError

__all__ = [
    "Item",
    "OVERALL",
    "UNIT_REVIEW",
    "UNIT_CHILD",
    "UNIT_FIRST_CHILD",
    "Units",
    "get_codebook",
    "resolve_items",
    "group_codes",
    "tabulate",
    "numeric_values",
    "review_level_conflicts",
]

OVERALL = "all"
#: Values of the ``unit`` column: counted once per review; every subject child; one child per review.
UNIT_REVIEW, UNIT_CHILD, UNIT_FIRST_CHILD = "review", "child", "first_child"
_DESCRIBABLE = ("categorical", "boolean", "multi")


@dataclass(frozen=True)
class Item:
    """One variable to describe: its reported name, kind, levels and the data columns behind them."""

    variable: str
    kind: str  # "categorical", "boolean", "multi" or "numeric"
    levels: tuple[str, ...]
    columns: tuple[str, ...]  # one column, or one per level for "multi"
    codebook_levels: bool = False  # levels come from the codebook (values outside them are errors)
    restricted: bool = False
    unit: str = UNIT_CHILD  # "review", "child", or a linked table's row unit


def get_codebook(data: pd.DataFrame, codebook=None):
    """The codebook to use (`cprstats.codebook.resolve`): the one given, else the data's own, else the packaged one."""
    return resolve(codebook, data)


def check_frame(data) -> pd.DataFrame:
    if not isinstance(data, pd.DataFrame):
        raise ParameterError(f"data must be a pandas DataFrame (a coded dataset), got {type(data).__name__}")
    return data


def _unknown(name: str, data: pd.DataFrame, cb) -> ParameterError:
    candidates = list(data.columns) + [f.name for f in cb.multi_fields]
    hint = did_you_mean(name, candidates, n=3)
    return ParameterError(f"variables: {name!r} is neither a column of data nor a multi-response variable{hint}")


def _dtype_kind(s: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(s.dtype):
        return "boolean"
    if isinstance(s.dtype, pd.CategoricalDtype):
        return "categorical"
    if pd.api.types.is_numeric_dtype(s.dtype):
        return "numeric"
    if pd.api.types.is_string_dtype(s.dtype) or s.dtype == object:
        return "categorical"
    return "other"


def _data_levels(s: pd.Series) -> tuple[str, ...]:
    if isinstance(s.dtype, pd.CategoricalDtype):
        return tuple(str(c) for c in s.cat.categories)
    return tuple(sorted({str(v) for v in s.dropna().unique()}))


def _item(name: str, data: pd.DataFrame, cb) -> Item:
    fld = cb.fields.get(name)
    if fld is not None and fld.kind == "multi":
        cols = fld.option_columns
        missing = [c for c in cols if c not in data.columns]
        if missing:
            raise ParameterError(
                f"variables: multi-response variable {name!r} needs its option columns; data lacks {', '.join(missing)}"
            )
        return Item(name, "multi", fld.codes, cols, True, unit=fld.unit)
    if name not in data.columns:
        raise _unknown(name, data, cb)
    if cb.knows(name):
        fld, option = cb.resolve(name)
        if option is not None:  # one option column, reported under its variable
            return Item(fld.name, "multi", (option,), (name,), True, unit=fld.unit)
        kind = {"categorical": "categorical", "boolean": "boolean", "integer": "numeric", "number": "numeric"}.get(
            fld.kind
        )
        if kind is None:
            raise ParameterError(
                f"variables: {name!r} is a {fld.kind} variable and cannot be described; "
                "use a categorical, boolean, multi-response or numeric variable"
            )
        levels = fld.codes if kind == "categorical" else ("true",) if kind == "boolean" else ()
        return Item(name, kind, levels, (name,), kind == "categorical", fld.restricted, fld.unit)
    kind = _dtype_kind(data[name])
    if kind == "other":
        raise ParameterError(
            f"variables: column {name!r} has dtype {data[name].dtype} and cannot be described; "
            "use a categorical, boolean, text or numeric column"
        )
    levels = _data_levels(data[name]) if kind == "categorical" else ("true",) if kind == "boolean" else ()
    return Item(name, kind, levels, (name,), unit=cb.default_unit)


def resolve_items(data, variables, cb, *, kinds=_DESCRIBABLE, what="described") -> list[Item]:
    """Check ``variables`` and return one `Item` each (all suitable codebook variables if None)."""
    check_frame(data)
    if variables is None:
        items = []
        for fld in cb.fields.values():
            if fld.kind == "identifier" or fld.restricted:
                continue
            present = (
                all(c in data.columns for c in fld.option_columns) if fld.kind == "multi" else fld.name in data.columns
            )
            if present:
                item = (
                    _item(fld.name, data, cb)
                    if fld.kind in ("categorical", "boolean", "multi", "integer", "number")
                    else None
                )
                if item is not None and item.kind in kinds:
                    items.append(item)
        return items
    if isinstance(variables, str):
        variables = [variables]
    try:
        names = list(variables)
    except TypeError:
        raise ParameterError(f"variables must be a name or a list of names, got {variables!r}") from None
    if not names:
        raise ParameterError("variables: give at least one variable name (or None for all)")
    items = []
    for name in names:
        if not isinstance(name, str):
            raise ParameterError(f"variables: each name must be a string, got {name!r}")
        item = _item(name, data, cb)
        if item.kind not in kinds:
            extra = (
                " (numeric: use table_one for medians and quartiles, or a banded variable)"
                if item.kind == "numeric"
                else ""
            )
            raise ParameterError(f"variables: {name!r} is {item.kind} and cannot be {what} here{extra}")
        items.append(item)
    return items


def _codes(s: pd.Series, levels: tuple[str, ...], *, strict: bool, name: str) -> np.ndarray:
    """Integer codes of ``s`` against ``levels`` (-1 for missing)."""
    index = pd.Index(list(levels), dtype=object)
    if isinstance(s.dtype, pd.CategoricalDtype):
        raw = s.cat.codes.to_numpy(dtype=np.int64)
        cats = [str(c) for c in s.cat.categories]
        if tuple(cats) == levels:
            return raw
        codes = np.append(index.get_indexer(cats), -1)[raw]  # code -1 (missing) stays -1
    else:
        codes = index.get_indexer(s.astype("string").to_numpy(dtype=object, na_value=None)).astype(np.int64)
    if strict:
        bad = (codes == -1) & s.notna().to_numpy()
        if bad.any():
            odd = sorted({str(v) for v in s[bad].unique()})[:5]
            raise ParameterError(
                f"{name}: values {odd} are not codes of the codebook ({', '.join(levels)}); "
                "pass a coded dataset (cprstats.code_reviews)"
            )
    return codes


def group_codes(data: pd.DataFrame, by, cb) -> tuple[np.ndarray, tuple[str, ...]]:
    """Codes 0..G-1 of each row's ``by`` group (-1 where ``by`` is missing) and the group names."""
    if not isinstance(by, str):
        raise ParameterError(f"by must be the name of one column, got {by!r}")
    if by not in data.columns:
        hint = did_you_mean(by, data.columns, n=3)
        raise ParameterError(f"by={by!r} is not a column of data{hint}")
    s = data[by]
    fld = cb.fields.get(by)
    if fld is not None and fld.kind == "categorical":
        levels, codes = fld.codes, _codes(s, fld.codes, strict=True, name=f"by={by!r}")
    elif pd.api.types.is_bool_dtype(s.dtype):
        levels = ("false", "true")
        codes = s.astype("Int64").fillna(-1).to_numpy(dtype=np.int64)
    elif isinstance(s.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(s.dtype) or s.dtype == object:
        levels = _data_levels(s)
        codes = _codes(s, levels, strict=False, name=by)
    elif pd.api.types.is_numeric_dtype(s.dtype) or isinstance(s.dtype, pd.PeriodDtype):
        valid = s.notna().to_numpy()
        uniq, inv = np.unique(s[valid].to_numpy(), return_inverse=True)
        codes = np.full(len(s), -1, dtype=np.int64)
        codes[valid] = inv
        levels = tuple(_fmt(u) for u in uniq)
    else:
        raise ParameterError(f"by={by!r} has dtype {s.dtype}, which cannot define groups")
    if OVERALL in levels:
        raise ParameterError(f"by={by!r} has a group called {OVERALL!r}, which is reserved for the overall rows")
    return codes, levels


def _fmt(v) -> str:
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v)


class Units:
    """Which rows a statistic counts for each unit of analysis, for one data frame (computed once, lazily).

    ``first`` marks the first subject child's row of each review (lowest ``child_no``; rows
    without a ``review_id`` each count as their own review); ``siblings`` says whether some
    review has more than one row. Without a ``review_id`` column every row is its own review.
    """

    def __init__(self, data: pd.DataFrame):
        self.data = data
        self._first: np.ndarray | None = None

    @property
    def first(self) -> np.ndarray:
        if self._first is None:
            self._first = _first_rows(self.data)
        return self._first

    @property
    def siblings(self) -> bool:
        """Whether some review has several subject children (rows)."""
        return bool((~self.first).any())

    def unit(self, item: Item, *, independent: bool = False) -> str:
        """What ``item`` counts: its own unit, or ``"first_child"`` for a child-level item when
        ``independent`` (a test) and some review has several children."""
        if independent and item.unit == UNIT_CHILD and self.siblings:
            return UNIT_FIRST_CHILD
        return item.unit

    def restrict(self, codes: np.ndarray, unit: str) -> np.ndarray:
        """Group ``codes`` with the rows a ``unit`` does not count set to -1 (left out)."""
        if unit in (UNIT_REVIEW, UNIT_FIRST_CHILD):
            return np.where(self.first, codes, -1)
        return codes


def _first_rows(data: pd.DataFrame) -> np.ndarray:
    n = len(data)
    if "review_id" not in data.columns or n == 0:
        return np.ones(n, dtype=bool)
    ids = data["review_id"]
    missing = ids.isna().to_numpy()
    key = pd.factorize(ids.astype("string"), use_na_sentinel=True)[0]
    child = (
        pd.to_numeric(data["child_no"], errors="coerce").to_numpy(dtype=float, na_value=np.inf)
        if "child_no" in data.columns
        else np.zeros(n)
    )
    order = np.lexsort((np.arange(n), child, key))  # by review, then child number, then row
    sorted_key = key[order]
    starts = np.ones(n, dtype=bool)
    starts[1:] = sorted_key[1:] != sorted_key[:-1]
    first = np.zeros(n, dtype=bool)
    first[order[starts]] = True
    return first | missing


def review_level_conflicts(data: pd.DataFrame, codebook=None) -> pd.DataFrame:
    """Reviews whose review-level columns differ between their subject children's rows.

    Statistics count a review-level variable on the first subject child's row of each review,
    which is right only if every row of the review agrees (`Codebook.review_level_conflicts`,
    which a cross-row rule of the coder can call too). An empty frame means they all do.

    Returns
    -------
    pandas.DataFrame
        Columns ``review_id`` and ``column``: one row per review and review-level column that
        differs between the review's rows.

    Examples
    --------
    >>> import cprstats
    >>> review_level_conflicts(cprstats.load_example("wales")).empty
    True
    """
    check_frame(data)
    return get_codebook(data, codebook).review_level_conflicts(data)


def tabulate(data: pd.DataFrame, item: Item, codes: np.ndarray, ngroups: int, units: Units | None = None, unit=None):
    """Counts and denominators per level and group: two int arrays of shape (levels, groups).

    With ``units``, only the rows the unit counts (``unit``, by default the item's own) take part:
    a review-level item is counted once per review.
    """
    if units is not None:
        codes = units.restrict(codes, item.unit if unit is None else unit)
    g_ok = codes >= 0
    if item.kind == "categorical":
        lv = _codes(data[item.columns[0]], item.levels, strict=item.codebook_levels, name=item.variable)
        ok = g_ok & (lv >= 0)
        L = len(item.levels)
        counts = np.bincount(lv[ok] * ngroups + codes[ok], minlength=L * ngroups).reshape(L, ngroups)
        n = np.bincount(codes[ok], minlength=ngroups)
        return counts, np.broadcast_to(n, (L, ngroups)).copy()
    counts = np.zeros((len(item.columns), ngroups), dtype=np.int64)
    n = np.zeros_like(counts)
    for i, col in enumerate(item.columns):
        s = data[col]
        if not pd.api.types.is_bool_dtype(s.dtype):
            raise ParameterError(f"{col!r} must be a boolean column (True/False/<NA>), got dtype {s.dtype}")
        valid = s.notna().to_numpy() & g_ok
        true = s.fillna(False).to_numpy(dtype=bool) & valid
        counts[i] = np.bincount(codes[true], minlength=ngroups)
        n[i] = np.bincount(codes[valid], minlength=ngroups)
    return counts, n


def numeric_values(data: pd.DataFrame, item: Item) -> pd.Series:
    """The numeric column of ``item`` as float64 with NaN for missing."""
    return data[item.columns[0]].astype("Float64").astype("float64")
