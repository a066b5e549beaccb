"""Disclosure control: hide small counts, and every count they could be worked out from.

These data are about children who died or were seriously harmed; below all-Wales level a
count of 1 to 4 could identify a child. `suppress` takes any tidy count table (the output of
`cprstats.proportions` and friends), hides the small counts and small denominators (primary
suppression), hides further numbers so that none of them can be narrowed down from what is
published (secondary suppression), withholds the percentages and intervals of hidden rows
and optionally rounds. `suppress_comparison` does the same for both sides of a
`cprstats.compare` table, and `withhold_statistics` withholds the test statistics, p-values
and effect sizes computed from hidden counts. `cprstats.disclosure_policy`
(``cprstats/disclosure/policy.py``) decides whether suppression applies to a run (on by
default for any scope below all-Wales) and records an analyst's explicit opt-out.

The protection criterion and the algorithm are described in ``cprstats/disclosure/cells.py``;
in short, for every hidden small count (or denominator) the range of values consistent with
everything published must include 0 and ``threshold - 1``. One table at a time: the numbers
a whole report or run publishes are checked together by `cprstats.disclosure.auditing.audit`.

What a ``*`` means
------------------
A hidden number is one marker, ``*``: "from 0 to ``threshold - 1``, or hidden to protect
another number". A zero that needs no protection is shown (a true zero), but secondary
suppression may hide zeros too, and a hidden denominator hides every count of its group, so a
``*`` never tells the reader that the count is at least 1. Outputs never say why a number was
hidden (a "primary" mark would tell the reader the count is 1 to 4); ``attrs["disclosure"]``
counts the hidden numbers only.

Examples
--------
Eleven reviews (synthetic numbers): the 2 and the 1 are hidden; but then 11 - 8 = 3 would
tell the reader that three children share those two outcomes, so the 8 is hidden too.

>>> import pandas as pd
>>> table = pd.DataFrame({
...     "variable": "outcome", "level": ["death", "life_threatening_injury", "other"],
...     "group": "MWW", "count": [8, 2, 1], "n": 11})
>>> suppress(table)[["level", "count", "n", "suppressed", "suppression"]]
                     level  count     n  suppressed suppression
0                    death    NaN  11.0        True  suppressed
1  life_threatening_injury    NaN  11.0        True  suppressed
2                    other    NaN  11.0        True  suppressed

References
----------
Hundepool A, Domingo-Ferrer J, Franconi L, Giessing S, Schulte Nordholt E, Spicer K,
de Wolf P-P (2012), *Statistical Disclosure Control*, Wiley, chapter 4 and section 5.4
(frequency tables: primary and secondary suppression, linked tables, rounding),
doi:10.1002/9781118348239.
StatsWales: the ``*`` (disclosive or not robust) and ``..`` (not available) markers, see
``footnote.suppressed`` in ``cprstats/codebook/strings.yaml``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from cprstats.codebook.model import resolve
from cprstats.disclosure.cells import Cells, Need, protect
from cprstats.errors import ParameterError
from cprstats.stats.contingency import ADJUST_METHODS, adjust_pvalues

__all__ = [
    "suppress",
    "suppress_comparison",
    "withhold_statistics",
    "comparison_as_counts",
    "REASONS",
    "ROUND_TO",
    "MIN_THRESHOLD",
    "STATISTIC_COLUMNS",
]

#: Values of the ``suppression`` column: one marker, whatever the reason a number is hidden.
REASONS = ("", "suppressed")
ROUND_TO = (None, 5, 10)
#: The smallest threshold an unrestricted run may use (2 would publish counts of 2, 1 of 1).
MIN_THRESHOLD = 3
#: Columns of comparison and trend tables computed from the counts of several cells.
STATISTIC_COLUMNS = (
    "statistic",
    "p_value",
    "p_adjusted",
    "risk_difference",
    "rd_ci_low",
    "rd_ci_high",
    "odds_ratio",
    "or_ci_low",
    "or_ci_high",
    "slope",
)
_REQUIRED = ("variable", "level", "group", "count", "n")
_COUNT_PAIRS = (("count", "n"), ("count_ref", "n_ref"))
_SIDE_COLUMNS = (("estimate", "ci_low", "ci_high"), ("estimate_ref", "ci_low_ref", "ci_high_ref"))
_PAIR_TOTAL = "\x00total"  # a group code no table uses
_logger = logging.getLogger("cprstats")


def _check_threshold(threshold: Any, restricted: bool = False) -> int:
    if isinstance(threshold, bool) or not isinstance(threshold, (int, np.integer)) or threshold < 1:
        raise ParameterError(
            f"threshold={threshold!r} is not allowed; use an integer >= {MIN_THRESHOLD} (5 hides counts of 1 to 4)"
        )
    if threshold < MIN_THRESHOLD and not restricted:
        raise ParameterError(
            f"threshold={threshold!r} is not allowed: below {MIN_THRESHOLD} it publishes counts of "
            f"{'1' if threshold == 2 else '1 and 2'} and switches protection off; use an integer >= {MIN_THRESHOLD} "
            "(5 hides counts of 1 to 4), or, for outputs that will never be published, a restricted run "
            "(disclosure_policy(..., restricted=True))"
        )
    return int(threshold)


def _check_round_to(round_to: Any) -> int | None:
    if round_to not in ROUND_TO or isinstance(round_to, bool):
        raise ParameterError(f"round_to={round_to!r} is not allowed; use one of None, 5, 10")
    return round_to


def _whole(values: pd.Series, name: str) -> np.ndarray:
    v = pd.to_numeric(values, errors="coerce").astype("float64").to_numpy()
    bad = np.isnan(v) | (v < 0) | (v != np.floor(v))
    if bad.any():
        i = int(np.argmax(bad))
        raise ParameterError(
            f"column {name!r} must hold counts (whole numbers >= 0, no missing values); row {values.index[i]!r} holds"
            f" {values.iloc[i]!r}"
        )
    return v


def _validate(table: Any) -> None:
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(f"table must be a pandas DataFrame, got {type(table).__name__}")
    missing = [c for c in _REQUIRED if c not in table.columns]
    if missing:
        raise ParameterError(
            f"table lacks the column(s) {', '.join(missing)}; a count table needs {', '.join(_REQUIRED)}"
            " (table_one-style tables must be suppressed before they are reshaped)"
        )
    if {"suppressed", "suppression"} & set(table.columns):
        raise ParameterError("table already has 'suppressed'/'suppression' columns: it was suppressed before")
    if {"count_ref", "n_ref"} & set(table.columns):
        raise ParameterError(
            "table is a comparison (it has count_ref/n_ref): both sides must be suppressed together, and the "
            "differences and p-values computed from a hidden side withheld; use suppress_comparison (or "
            "Report.comparison(...)), which does that"
        )
    dup = table.duplicated(["variable", "level", "group"])
    if dup.any():
        r = table.loc[dup].iloc[0]
        raise ParameterError(
            f"table has more than one row for variable={r['variable']!r}, level={r['level']!r}, group={r['group']!r}"
        )


def _additive_for(variable: str, additive: Any, codebook) -> bool | None:
    """True/False when known (argument or codebook), None to infer from the counts."""
    if isinstance(additive, bool):
        return additive
    if isinstance(additive, Mapping) and variable in additive:
        return bool(additive[variable])
    if codebook is not None and variable in codebook.fields:
        kind = codebook.field(variable).kind
        if kind == "categorical":
            return True
        if kind == "multi":
            return False
    return None


# ---------------------------------------------------------------------- one variable's cells
class _Builder:
    """The cells and relations of one variable's table (levels x groups, with a total group).

    Columns are the groups, then the total group (``total``, when the table has one and it is
    consistent with being the sum of the others), then, when the groups do not cover the
    total (reviews with no group: ``proportions(by=...)`` puts them in ``"all"`` only), a
    latent column for those reviews. Each column has a denominator cell. See
    ``cprstats/disclosure/cells.py`` for the relations and the criterion.
    """

    def __init__(self, sub: pd.DataFrame, x: np.ndarray, n: np.ndarray, additive: bool | None, total: Any):
        levels = list(pd.unique(sub["level"]))
        groups = list(pd.unique(sub["group"]))
        has_total = total is not None and total in groups and len(groups) > 1
        cols = [g for g in groups if g != total] + [total] if has_total else groups
        li = {v: i for i, v in enumerate(levels)}
        gi = {v: i for i, v in enumerate(cols)}
        self.pos = [(li[lv], gi[g]) for lv, g in zip(sub["level"], sub["group"])]
        L, J = len(levels), len(cols)
        X = np.full((L, J), np.nan)
        N = np.full_like(X, np.nan)
        for (i, j), xv, nv in zip(self.pos, x, n):
            X[i, j], N[i, j] = xv, nv
        present = ~np.isnan(X)
        self.L, self.J, self.X, self.N, self.present = L, J, X, N, present
        self.T = J - 1 if has_total else None
        self.values: list[float] = []
        self.latent: list[bool] = []
        self.rank: list[tuple] = []
        self.relations: list = []
        self.together: dict[int, list[int]] = {}
        single = [len(set(N[present[:, j], j])) == 1 for j in range(J)]
        # row relations: the levels of a single-choice variable add up to n
        self.row_rel: list[str | None] = []
        for j in range(J):
            rel = None
            if L >= 2 and single[j]:
                s, nj, full = X[present[:, j], j].sum(), N[present[:, j], j][0], present[:, j].all()
                is_add = additive if additive is not None else (full and s == nj)
                if is_add and full and s == nj:
                    rel = "eq"
                elif is_add and s <= nj:
                    rel = "le"
            self.row_rel.append(rel)
        # cells: the counts, then one denominator per column (per distinct n in odd tables)
        self.count = np.full((L, J), -1, dtype=np.int64)
        for i in range(L):
            for j in range(J):
                if present[i, j]:
                    self.count[i, j] = self._cell(X[i, j], False, (0, j == self.T, X[i, j] == 0, X[i, j], i, j))
        self.ncell: dict[tuple[int, float], int] = {}
        for j in range(J):
            for v in pd.unique(N[present[:, j], j]):
                c = self._cell(v, False, (1, j == self.T, False, v, 0, j))
                self.ncell[(j, float(v))] = c
                self.together[c] = [int(self.count[i, j]) for i in range(L) if present[i, j] and N[i, j] == v]
        self.n_of = np.full((L, J), -1, dtype=np.int64)
        for i in range(L):
            for j in range(J):
                if present[i, j]:
                    self.n_of[i, j] = self.ncell[(j, float(N[i, j]))]
        self.slack = self._total_relations(single) if has_total else False
        for j in range(J):
            pairs = [(int(self.count[i, j]), int(self.n_of[i, j])) for i in range(L) if present[i, j]]
            if pairs:
                self._row_relations(pairs, self.row_rel[j])

    def _cell(self, value: float, latent: bool, rank: tuple) -> int:
        self.values.append(float(value))
        self.latent.append(latent)
        self.rank.append(rank)
        return len(self.values) - 1

    def _row_relations(self, pairs: list[tuple[int, int]], rel: str | None) -> None:
        """``pairs`` of (count cell, its denominator cell) of one column: sum == n, sum <= n, or each <= n."""
        if rel is not None:
            self.relations.append(([(c, 1.0) for c, _ in pairs] + [(pairs[0][1], -1.0)], rel, 0.0))
            return
        for c, nc in pairs:
            self.relations.append((((c, 1.0), (nc, -1.0)), "le", 0.0))

    def _total_relations(self, single: list[bool]) -> bool:
        """The total column's relations; True when a latent column of reviews in no group is added."""
        X, N, present, T = self.X, self.N, self.present, self.T
        groups = list(range(T))
        full = present[:, groups].all(axis=1) | ~present[:, T]  # every group has each level the total has
        if not all(single) or not full.all():
            return self._weak_total(single)
        n_rest = N[present[:, T], T][0] - sum(N[present[:, j], j][0] for j in groups)
        rest = np.where(present[:, T], X[:, T] - np.nansum(X[:, groups], axis=1), 0.0)
        if n_rest < 0 or (rest < 0).any() or (rest > n_rest).any():
            return self._weak_total(single)
        rels = [self.row_rel[j] for j in range(self.J)]
        rest_rel = "eq" if all(r == "eq" for r in rels) else "le" if all(r is not None for r in rels) else None
        if (rest_rel == "eq" and rest.sum() != n_rest) or (rest_rel == "le" and rest.sum() > n_rest):
            return self._weak_total(single)
        slack = n_rest > 0 or (rest > 0).any()
        n_cells = [int(self.n_of[present[:, j].argmax(), j]) for j in range(self.J)]
        rest_counts: dict[int, int] = {}
        n_slack = None
        if slack:
            n_slack = self._cell(n_rest, True, (9,))
            for i in range(self.L):
                if present[i, T]:
                    rest_counts[i] = self._cell(rest[i], True, (9,))
            if rest_counts:
                self._row_relations([(c, n_slack) for c in rest_counts.values()], rest_rel)
        for i in range(self.L):
            if not present[i, T]:
                continue
            members = [(int(self.count[i, j]), 1.0) for j in groups]
            if i in rest_counts:
                members.append((rest_counts[i], 1.0))
            members.append((int(self.count[i, T]), -1.0))
            self.relations.append((members, "eq", 0.0))
        members = [(n_cells[j], 1.0) for j in groups] + ([(n_slack, 1.0)] if slack else []) + [(n_cells[T], -1.0)]
        self.relations.append((members, "eq", 0.0))
        return slack

    def _weak_total(self, single: list[bool]) -> bool:
        """A total that is not the sum of the groups plus the rest: only what surely holds (sum <= total)."""
        X, N, present, T = self.X, self.N, self.present, self.T
        for i in range(self.L):
            parts = [j for j in range(T) if present[i, j]]
            if present[i, T] and parts and X[i, parts].sum() <= X[i, T]:
                members = [(int(self.count[i, j]), 1.0) for j in parts] + [(int(self.count[i, T]), -1.0)]
                self.relations.append((members, "le", 0.0))
        if all(single) and all(present[:, j].any() for j in range(self.J)):
            ns = [N[present[:, j], j][0] for j in range(self.J)]
            if sum(ns[:T]) <= ns[T]:
                cells = [int(self.n_of[present[:, j].argmax(), j]) for j in range(self.J)]
                self.relations.append(([(c, 1.0) for c in cells[:T]] + [(cells[T], -1.0)], "le", 0.0))
        return False

    def needs(self, threshold: int) -> tuple[list[Need], np.ndarray]:
        """The sensitive quantities and the cells hidden for their own sake."""
        needs, hidden = [], np.zeros(len(self.values), dtype=bool)
        X, N = self.X, self.N
        for i in range(self.L):
            for j in range(self.J):
                if not self.present[i, j]:
                    continue
                c, x, n = int(self.count[i, j]), X[i, j], N[i, j]
                m = min(threshold - 1, n)
                if 1 <= x <= threshold - 1:
                    needs.append(Need(((c, 1.0),), 0.0, m))
                    hidden[c] = True
                if self.row_rel[j] != "eq" and x >= 1 and 1 <= n - x <= threshold - 1:
                    needs.append(Need(((int(self.n_of[i, j]), 1.0), (c, -1.0)), 0.0, m))
                    hidden[c] = True
        top = threshold - 1
        if self.T is not None and self.present[:, self.T].any():
            top = min(top, N[self.present[:, self.T], self.T].max())
        for (j, v), c in self.ncell.items():
            if 1 <= v <= threshold - 1:
                high = threshold - 1 if j == self.T else max(top, v)  # at most the total's n
                needs.append(Need(((c, 1.0),), 0.0, high))
                hidden[c] = True
        return needs, hidden

    def cells(self) -> Cells:
        return Cells(
            np.array(self.values), self.relations, latent=np.array(self.latent), rank=self.rank, together=self.together
        )


def _round(v: np.ndarray, step: int) -> np.ndarray:
    return np.floor(v / step + 0.5) * step


def suppress(
    table: pd.DataFrame,
    threshold: int = 5,
    *,
    secondary: bool = True,
    round_to: int | None = None,
    additive: bool | Mapping[str, bool] | None = None,
    total: Any = "all",
    codebook=None,
    keep: tuple[str, ...] = ("ci_level",),
    restricted: bool = False,
) -> pd.DataFrame:
    """Hide small counts and small denominators, and everything they could be worked out from.

    Parameters
    ----------
    table : pandas.DataFrame
        A tidy count table with at least ``variable, level, group, count, n`` (as returned by
        `cprstats.proportions`); other columns (``estimate, ci_low, ci_high`` ...) are kept.
    threshold : int, default 5
        Counts and denominators from 1 to ``threshold - 1`` are hidden; 0 is a true zero and
        stays unless it must protect another count. At least 3 (`MIN_THRESHOLD`) unless
        ``restricted``.
    secondary : bool, default True
        Also hide the numbers a hidden one could be worked out from, until every hidden small
        number is protected (see ``cprstats/disclosure/cells.py``). Only switch off to
        inspect primary suppression: the result is then *not* safe to publish.
    round_to : {None, 5, 10}
        Round published counts and denominators to the nearest 5 or 10 (as StatsWales does),
        after suppression; a non-zero count that would round to 0 is hidden instead, so 0 stays
        a true zero. Percentages are then recomputed from the rounded numbers, and intervals
        and other numbers computed from the exact counts are withheld.
    additive : bool or dict of str to bool, optional
        Whether a variable's levels add up to ``n`` (single choice: a hidden level can be
        recovered from ``n`` and the others) or not (multi-response options, booleans: each
        level stands alone, but ``n - count`` is known). By default the codebook says
        (``categorical`` additive, ``multi`` not); for other variables the levels are taken
        as additive when there are two or more and they add up to ``n`` in every group.
    total : str or None, default "all"
        The group holding the whole data (``proportions(by=...)`` overall rows); cells of the
        same level are then protected across groups too. The groups may cover less than the
        total (reviews with no ``by`` value are in the total only): the reviews in no group
        then form a latent group whose size the reader knows from the published
        denominators, and which is taken into account. ``None`` if the table has no total.
    codebook : Codebook, optional
        Used only to tell single-choice from multi-response variables; by default the one the
        table's data carried, else the packaged one.
    keep : tuple of str, default ("ci_level",)
        Numeric columns that never reveal a count. Every other numeric column (``estimate``,
        ``ci_low``, ``ci_high``, test statistics ...) is set to NaN on rows whose count or
        denominator is hidden.
    restricted : bool, default False
        Allow a threshold of 1 or 2, for outputs that will never be published.

    Returns
    -------
    pandas.DataFrame
        The table in the same order with hidden numbers set to NaN (a hidden count or
        denominator does not stay in the frame; ``n`` is a float column) and two columns
        added whatever the parameters: ``suppressed`` (bool, the count is hidden) and
        ``suppression`` (``""`` or ``"suppressed"``; the reason is never given, see the
        module notes). A hidden denominator (``n`` NaN) always comes with its group's counts
        hidden. For booleans and multi-response options a non-zero count whose complement
        ``n - count`` is from 1 to ``threshold - 1`` is hidden too (the reader would get the
        small "no" count from ``n``). ``attrs["disclosure"]`` records the settings
        (``applied``, ``threshold``, ``secondary``, ``round_to``, ``opted_out``,
        ``restricted``, ``scope``) and how many numbers were hidden (``n_suppressed`` counts,
        ``n_denominators_suppressed`` denominators, each group's once per variable).

    Raises
    ------
    ParameterError
        On a bad parameter (a threshold under 3 without ``restricted``), a missing column,
        counts that are not whole numbers, or duplicate ``variable, level, group`` rows.

    Notes
    -----
    Each variable is protected on its own. Variables derived from one another (the two age
    bandings, ``has_siblings`` and ``large_sibling_group``), the same cells in several tables,
    periods and their total, boards and Wales, can be differenced when published side by
    side: check and protect a report's or a run's tables together with
    `cprstats.disclosure.auditing.audit` and `~cprstats.disclosure.auditing.protect_together`.

    References
    ----------
    Hundepool A et al. (2012), *Statistical Disclosure Control*, Wiley, sections 4.2-4.4 and
    5.4, doi:10.1002/9781118348239.

    Examples
    --------
    Two boards and their total: the 2 in CAV is hidden, the 3 in MWW to protect it within
    the total, and each board's "no" count because each board's levels add up to n.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"variable": "on_cp_register_6m", "level": ["yes", "no"] * 3,
    ...                   "group": ["CAV", "CAV", "MWW", "MWW", "all", "all"],
    ...                   "count": [2, 10, 3, 8, 5, 18], "n": [12, 12, 11, 11, 23, 23]})
    >>> s = suppress(t)
    >>> s["count"].tolist(), s["suppressed"].tolist()
    ([nan, nan, nan, nan, 5.0, 18.0], [True, True, True, True, False, False])

    A denominator under the threshold is hidden with its group's counts and percentages:

    >>> t = pd.DataFrame({"variable": "parental_substance_misuse", "level": "true", "group": ["CAV", "MWW", "all"],
    ...                   "count": [5, 0, 5], "n": [20, 3, 23]})
    >>> suppress(t)[["group", "count", "n"]]
      group  count     n
    0   CAV    NaN   NaN
    1   MWW    NaN   NaN
    2   all    5.0  23.0
    """
    _validate(table)
    if not isinstance(restricted, bool):
        raise ParameterError(f"restricted={restricted!r} is not allowed; use True or False")
    threshold = _check_threshold(threshold, restricted)
    round_to = _check_round_to(round_to)
    if not isinstance(secondary, bool):
        raise ParameterError(f"secondary={secondary!r} is not allowed; use True or False")
    if additive is not None and not isinstance(additive, (bool, Mapping)):
        raise ParameterError(
            f"additive={additive!r} is not allowed; use None, True, False or a dict of variable -> bool"
        )
    if isinstance(additive, Mapping):
        unknown = sorted(set(additive) - set(table["variable"]))
        if unknown:
            raise ParameterError(f"additive names variable(s) {unknown} that are not in the table")
    if not isinstance(keep, (tuple, list)):
        raise ParameterError(f"keep={keep!r} must be a tuple of column names")
    if additive is not True and additive is not False:
        codebook = resolve(codebook, table)
    out = _suppress(table, threshold, secondary, round_to, additive, total, codebook, tuple(keep))
    out.attrs["disclosure"]["restricted"] = restricted
    return out


def _suppress(table, threshold, secondary, round_to, additive, total, codebook, keep) -> pd.DataFrame:
    """`suppress` after the checks (``threshold=1`` marks a table unsuppressed)."""
    x = _whole(table["count"], "count")
    n = _whole(table["n"], "n")
    if (x > n).any():
        i = int(np.argmax(x > n))
        raise ParameterError(f"row {table.index[i]!r}: count {x[i]:g} is larger than its denominator n = {n[i]:g}")
    hidden = np.zeros(len(table), dtype=bool)
    n_hidden = np.zeros(len(table), dtype=bool)
    n_denominators = 0
    if threshold > 1:
        variables = table["variable"].to_numpy()
        for var in pd.unique(variables):
            rows = np.flatnonzero(variables == var)
            sub = table.iloc[rows]
            b = _Builder(sub, x[rows], n[rows], _additive_for(var, additive, codebook), total)
            needs, first = b.needs(threshold)
            h = protect(b.cells(), needs, first, secondary=secondary)
            hidden[rows] = [h[b.count[c]] for c in b.pos]
            n_hidden[rows] = [h[b.n_of[c]] for c in b.pos]
            n_denominators += int(sum(h[c] for c in b.ncell.values()))
    hidden |= n_hidden

    out = table.copy()
    count = x.copy()
    n_out = n.copy()
    if round_to is not None:
        rounded = _round(count, round_to)
        vanish = (count > 0) & (rounded == 0) & ~hidden
        hidden |= vanish
        count = rounded
        n_out = _round(n, round_to)
    count[hidden] = np.nan
    n_out[n_hidden] = np.nan
    out["count"] = count
    out["n"] = n_out
    for col in out.columns:
        if col in _REQUIRED or col in keep or not pd.api.types.is_numeric_dtype(out[col]):
            continue
        if pd.api.types.is_bool_dtype(out[col]):
            continue
        if round_to is not None and col == "estimate":
            with np.errstate(invalid="ignore", divide="ignore"):
                est = np.where(n_out > 0, count / np.where(n_out > 0, n_out, 1), np.nan)
            out[col] = np.where(hidden, np.nan, est)
        elif round_to is not None:
            out[col] = np.nan
        else:
            out[col] = out[col].astype("float64").mask(hidden)
    out["suppressed"] = hidden
    out["suppression"] = pd.Series(np.where(hidden, REASONS[1], REASONS[0]), index=out.index, dtype="string")
    out.attrs = dict(table.attrs)
    out.attrs["disclosure"] = {
        "applied": threshold > 1,
        "threshold": threshold,
        "secondary": secondary,
        "round_to": round_to,
        "opted_out": False,
        "restricted": False,
        "scope": table.attrs.get("disclosure", {}).get("scope"),
        "n_suppressed": int(hidden.sum()),
        "n_denominators_suppressed": n_denominators,
    }
    return out


# ---------------------------------------------------------------------- comparison tables
def _settings(policy_or_threshold: Any, restricted: bool) -> dict:
    """Threshold, rounding and record from a `DisclosurePolicy` or a threshold."""
    p = policy_or_threshold
    if isinstance(p, (int, np.integer)) and not isinstance(p, bool):
        return {"on": True, "threshold": _check_threshold(p, restricted), "round_to": None, "record": {}}
    needed = ("suppress", "threshold", "round_to", "opted_out", "scope", "by")
    if not all(hasattr(p, a) for a in needed):
        raise ParameterError(
            f"policy_or_threshold={p!r} is not allowed; use a DisclosurePolicy (cprstats.disclosure_policy) "
            f"or an integer threshold >= {MIN_THRESHOLD}"
        )
    record = {"opted_out": p.opted_out, "scope": p.scope, "by": p.by, "restricted": getattr(p, "restricted", False)}
    return {"on": bool(p.suppress), "threshold": int(p.threshold), "round_to": p.round_to, "record": record}


def withhold_statistics(table: pd.DataFrame, hidden: Any = None) -> pd.DataFrame:
    """Withhold the statistics, p-values and effect sizes of rows whose counts are hidden.

    A test statistic, a p-value (exact tests especially), a risk difference or an odds ratio
    with its interval is a function of the counts it was computed from, and can give a
    hidden count away (Hundepool et al. 2012, section 5.4, "linked and derived tables").

    Parameters
    ----------
    table : pandas.DataFrame
        A comparison or trend table (`cprstats.compare`, `cprstats.trend`), usually from
        `suppress_comparison`.
    hidden : array of bool, optional
        Rows to withhold. Default: the ``suppressed`` column, else the rows with a missing
        count or denominator on either side (a joint test has no reference side).

    Returns
    -------
    pandas.DataFrame
        A copy with `STATISTIC_COLUMNS` set to NaN on those rows. ``p_adjusted`` is adjusted
        again, with each withheld p-value counted as 1 (the family keeps its size; the
        adjusted values of the rows shown can only grow, and no longer depend on a withheld
        p-value); when the table mixes ``adjust`` methods it is only withheld.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"count": [float("nan"), 9.0], "n": [20.0, 20.0], "p_value": [0.01, 0.04],
    ...                   "p_adjusted": [0.02, 0.04], "adjust": "holm"})
    >>> withhold_statistics(t)[["p_value", "p_adjusted"]]
       p_value  p_adjusted
    0      NaN         NaN
    1     0.04        0.08
    """
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(f"table must be a pandas DataFrame, got {type(table).__name__}")
    if hidden is None:
        if "suppressed" in table.columns:
            rows = table["suppressed"].astype(bool).to_numpy()
        else:
            rows = np.zeros(len(table), dtype=bool)
            for c in ("count", "n"):
                if c in table.columns:
                    rows |= pd.to_numeric(table[c], errors="coerce").isna().to_numpy()
            if "group_ref" in table.columns:
                ref = table["group_ref"].notna().to_numpy()
                for c in ("count_ref", "n_ref"):
                    if c in table.columns:
                        rows |= ref & pd.to_numeric(table[c], errors="coerce").isna().to_numpy()
    else:
        rows = np.asarray(hidden, dtype=bool)
        if rows.shape != (len(table),):
            raise ParameterError(f"hidden must hold one bool per row ({len(table)}), got shape {rows.shape}")
    out = table.copy()
    methods = pd.unique(out["adjust"].dropna()) if "adjust" in out.columns else []
    if "p_adjusted" in out.columns and "p_value" in out.columns and len(methods) == 1 and methods[0] in ADJUST_METHODS:
        p = pd.to_numeric(out["p_value"], errors="coerce").astype("float64").to_numpy().copy()
        p[rows & ~np.isnan(p)] = 1.0
        out["p_adjusted"] = adjust_pvalues(p, method=str(methods[0]))
    for col in STATISTIC_COLUMNS:
        if col in out.columns:
            out[col] = pd.to_numeric(out[col], errors="coerce").astype("float64").mask(rows)
    return out


def suppress_comparison(
    table: pd.DataFrame,
    policy_or_threshold: Any = 5,
    *,
    codebook=None,
    restricted: bool = False,
) -> pd.DataFrame:
    """Suppress both sides of a comparison table, and withhold what was computed from hidden counts.

    Parameters
    ----------
    table : pandas.DataFrame
        A `cprstats.compare` table (``group, count, n`` and ``group_ref, count_ref, n_ref``;
        for a joint test the reference side is missing).
    policy_or_threshold : DisclosurePolicy or int, default 5
        A run's policy (`cprstats.disclosure_policy`; when it does not suppress, the table is
        marked, not changed) or a threshold (at least 3 unless ``restricted``).
    codebook : Codebook, optional
        Tells single-choice from multi-response variables (default: the packaged one).
    restricted : bool, default False
        With a threshold: allow 1 or 2, for outputs that will never be published.

    Returns
    -------
    pandas.DataFrame
        The table with each side's hidden counts and denominators set to NaN, that side's
        estimate and interval withheld, and every number computed from both sides (risk
        difference, odds ratio, statistic, p-values; see `withhold_statistics`) withheld when
        either side is hidden; ``suppressed`` (bool: a count on either side is hidden) and
        ``suppression`` (``""`` or ``"suppressed"``) added; ``attrs["disclosure"]``.

    Notes
    -----
    Each side's cells are protected together with the two sides' sum (which the report's
    overall tables publish), so a hidden count cannot be found by subtraction from it. A joint
    test across several groups (``group="all"``) is computed from the groups' counts, which
    the table does not hold: its p-value is withheld when the pooled count is hidden, but
    publish it beside group counts that are suppressed only after checking them together
    (`cprstats.disclosure.auditing.audit`), or not at all for small groups.

    Examples
    --------
    The 3 is hidden; the 9 too, since the overall table publishes their sum 12; and so is every
    number computed from them.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"variable": "parental_substance_misuse", "level": "true", "group": "post_covid", "count": [3],
    ...                   "n": [20], "estimate": [0.15], "group_ref": "pre_covid", "count_ref": [9], "n_ref": [22],
    ...                   "estimate_ref": [9 / 22], "risk_difference": [0.15 - 9 / 22], "p_value": [0.09],
    ...                   "p_adjusted": [0.09], "adjust": "holm"})
    >>> s = suppress_comparison(t, 5)
    >>> s[["count", "count_ref", "estimate_ref", "p_value", "suppressed"]]
       count  count_ref  estimate_ref  p_value  suppressed
    0    NaN        NaN           NaN      NaN        True
    """
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(f"table must be a pandas DataFrame, got {type(table).__name__}")
    need = ("variable", "level", "group", "count", "n", "group_ref", "count_ref", "n_ref")
    missing = [c for c in need if c not in table.columns]
    if missing:
        raise ParameterError(
            f"table lacks the column(s) {', '.join(missing)}; suppress_comparison takes a cprstats.compare table "
            "(use suppress for a count table)"
        )
    if {"suppressed", "suppression"} & set(table.columns):
        raise ParameterError("table already has 'suppressed'/'suppression' columns: it was suppressed before")
    settings = _settings(policy_or_threshold, restricted)
    cb = resolve(codebook, table)
    sides = []
    for side, (gcol, (ccol, ncol)) in enumerate(zip(("group", "group_ref"), _COUNT_PAIRS)):
        counts = pd.to_numeric(table[ccol], errors="coerce").astype("float64").to_numpy()
        ok = ~np.isnan(counts) if side == 1 else np.ones(len(table), dtype=bool)
        sides.append(
            pd.DataFrame(
                {
                    "variable": table["variable"].astype(str).to_numpy(),
                    "level": table["level"].astype(str).to_numpy(),
                    "group": table[gcol].astype(str).to_numpy(),
                    "count": counts,
                    "n": pd.to_numeric(table[ncol], errors="coerce").astype("float64").to_numpy(),
                    "_row": np.arange(len(table)),
                    "_both": ~np.isnan(pd.to_numeric(table["count_ref"], errors="coerce").astype("float64").to_numpy()),
                }
            ).loc[ok]
        )
    both = pd.concat(sides, ignore_index=True)
    cells = both.drop_duplicates(["variable", "level", "group"]).reset_index(drop=True)
    # The two sides' sum is as good as published (the report's overall tables give it), so it takes part
    # in the protection: a hidden count cannot then be found by subtraction from it.
    paired = both.loc[both["_both"]]
    totals = (
        paired.drop_duplicates(["variable", "level", "group"])
        .groupby(["variable", "level"], sort=False, as_index=False)[["count", "n"]]
        .sum()
    )
    grid = pd.concat([cells[list(_REQUIRED)], totals.assign(group=_PAIR_TOTAL)[list(_REQUIRED)]], ignore_index=True)
    threshold = settings["threshold"] if settings["on"] else 1
    done = _suppress(grid, threshold, True, settings["round_to"] if settings["on"] else None, None, _PAIR_TOTAL, cb, ())
    done = done.iloc[: len(cells)]
    look = pd.DataFrame(
        {"hidden": done["suppressed"].to_numpy(), "count": done["count"].to_numpy(), "n": done["n"].to_numpy()},
        index=pd.MultiIndex.from_frame(cells[["variable", "level", "group"]]),
    )
    out = table.copy()
    hidden = np.zeros(len(table), dtype=bool)
    for side, (gcol, (ccol, ncol)) in enumerate(zip(("group", "group_ref"), _COUNT_PAIRS)):
        key = pd.MultiIndex.from_arrays(
            [table["variable"].astype(str), table["level"].astype(str), table[gcol].astype(str)]
        )
        got = look.reindex(key)
        present = ~pd.to_numeric(table[ccol], errors="coerce").isna().to_numpy()
        h = got["hidden"].fillna(False).to_numpy(dtype=bool) & present
        out[ccol] = np.where(present, got["count"].to_numpy(dtype="float64"), np.nan)
        out[ncol] = np.where(present, got["n"].to_numpy(dtype="float64"), np.nan)
        rounding = settings["on"] and settings["round_to"] is not None
        for k, col in enumerate(_SIDE_COLUMNS[side]):
            if col not in out.columns:
                continue
            values = pd.to_numeric(out[col], errors="coerce").astype("float64")
            if rounding and k == 0:  # the estimate, from the rounded numbers
                with np.errstate(invalid="ignore", divide="ignore"):
                    values = out[ccol] / out[ncol].where(out[ncol] > 0)
            elif rounding:  # an interval from the exact counts
                values = pd.Series(np.nan, index=out.index)
            out[col] = values.mask(h)
        hidden |= h
    out = withhold_statistics(out, hidden)
    if settings["on"] and settings["round_to"] is not None:
        for col in STATISTIC_COLUMNS:
            if col in out.columns:
                out[col] = np.nan  # computed from the exact counts
    out["suppressed"] = hidden
    out["suppression"] = pd.Series(np.where(hidden, REASONS[1], REASONS[0]), index=out.index, dtype="string")
    out.attrs = dict(table.attrs)
    out.attrs["disclosure"] = {
        **done.attrs["disclosure"],
        "restricted": restricted,
        **settings["record"],
        "applied": settings["on"],
        "n_suppressed": int(hidden.sum()),
    }
    return out


def comparison_as_counts(table: pd.DataFrame) -> pd.DataFrame:
    """A suppressed comparison table in the count-table layout: each compared group, then its reference.

    So `cprstats.format_table` can show a comparison's two sides as columns. Numbers already
    hidden stay hidden (``suppressed``, ``suppression``).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"variable": "x", "level": "true", "group": "MWW", "count": [float("nan")],
    ...                   "n": [20.0], "group_ref": "rest", "count_ref": [40.0], "n_ref": [90.0]})
    >>> comparison_as_counts(t)[["group", "count", "suppressed"]]
      group  count  suppressed
    0   MWW    NaN        True
    1  rest   40.0       False
    """
    cols = ["variable", "level", "group", "count", "n", "estimate", "ci_low", "ci_high", "ci_level"]
    ref_names = {
        "group_ref": "group",
        "count_ref": "count",
        "n_ref": "n",
        "estimate_ref": "estimate",
        "ci_low_ref": "ci_low",
        "ci_high_ref": "ci_high",
    }
    a = table.loc[:, [c for c in cols if c in table.columns]]
    b = table.loc[:, [c for c in ["variable", "level", *ref_names, "ci_level"] if c in table.columns]].rename(
        columns=ref_names
    )
    b = b.loc[b["group"].notna()] if "group" in b.columns else b.iloc[:0]
    out = pd.concat([a, b], ignore_index=True).drop_duplicates(["variable", "level", "group"]).reset_index(drop=True)
    hidden = pd.to_numeric(out["count"], errors="coerce").isna().to_numpy()
    out["suppressed"] = hidden
    out["suppression"] = pd.Series(np.where(hidden, REASONS[1], REASONS[0]), index=out.index, dtype="string")
    out.attrs = dict(table.attrs)
    return out
