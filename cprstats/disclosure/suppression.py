"""Disclosure control: hide small counts, and every count they could be worked out from.

These data are about children who died or were seriously harmed; below all-Wales level a
count of 1 to 4 could identify a child. `suppress` takes any tidy count table (the output of
`cprstats.proportions` and friends), hides the small counts (primary suppression), hides
further counts so that no hidden count can be narrowed down from the published totals
(secondary suppression), withholds percentages on small denominators and optionally rounds.
`cprstats.disclosure_policy` (``cprstats/policy.py``) decides whether suppression applies to
a run (on by default for any scope below all-Wales) and records an analyst's explicit opt-out.

The protection criterion and the algorithm are described in ``cprstats/_cells.py``; in
short, for every hidden small count the range of values consistent with everything
published must include 0 and ``threshold - 1``.

Examples
--------
Eleven reviews (synthetic numbers): the 2 and the 1 are hidden; but then 11 - 8 = 3 would
tell the reader that three children share those two outcomes, so the 8 is hidden too.

>>> import pandas as pd
>>> table = pd.DataFrame({
...     "variable": "outcome", "level": ["death", "life_threatening_injury", "other"],
...     "group": "MWW", "count": [8, 2, 1], "n": 11})
>>> suppress(table)[["level", "count", "suppressed", "suppression"]]
                     level  count  suppressed suppression
0                    death    NaN        True   secondary
1  life_threatening_injury    NaN        True     primary
2                    other    NaN        True     primary
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from cprstats.codebook.model import load_codebook
from cprstats.disclosure.cells import Grid, protect
from cprstats.errors import ParameterError

__all__ = ["suppress", "REASONS", "ROUND_TO"]

REASONS = ("", "primary", "secondary", "small_denominator")
ROUND_TO = (None, 5, 10)
_REQUIRED = ("variable", "level", "group", "count", "n")


def _check_threshold(threshold: Any) -> int:
    if isinstance(threshold, bool) or not isinstance(threshold, (int, np.integer)) or threshold < 1:
        raise ParameterError(
            f"threshold={threshold!r} is not allowed; use an integer >= 1 (5 hides counts of 1 to 4; 1 hides nothing)"
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
            "differences and p-values computed from a hidden side withheld; use Report.comparison(...) "
            "(or cprstats.datasets.loader.protect with a disclosure policy), which does that"
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


def _grid(sub: pd.DataFrame, x: np.ndarray, n: np.ndarray, additive: bool | None, total: Any):

    levels = list(pd.unique(sub["level"]))
    groups = list(pd.unique(sub["group"]))
    if total in groups and len(groups) > 1:
        groups = [g for g in groups if g != total] + [total]
        t_index = len(groups) - 1
    else:
        t_index = None
    li = {v: i for i, v in enumerate(levels)}
    gi = {v: i for i, v in enumerate(groups)}
    pos = [(li[lv], gi[g]) for lv, g in zip(sub["level"], sub["group"])]
    X = np.full((len(levels), len(groups)), np.nan)
    N = np.full_like(X, np.nan)
    for (l, j), xv, nv in zip(pos, x, n):
        X[l, j], N[l, j] = xv, nv
    present = ~np.isnan(X)
    row_rel = []
    for j in range(len(groups)):
        col_n = N[present[:, j], j]
        total_x = X[present[:, j], j].sum()
        rel = None
        if len(levels) >= 2 and len(set(col_n)) == 1:
            full = present[:, j].all()
            is_additive = additive if additive is not None else (full and total_x == col_n[0])
            if is_additive and total_x == col_n[0] and full:
                rel = "eq"
            elif is_additive and total_x <= col_n[0]:
                rel = "le"
        row_rel.append(rel)
    col_rel = [None] * len(levels)
    if t_index is not None:
        for l in range(len(levels)):
            if not present[l, t_index]:
                continue
            parts = X[l, :t_index]
            s = np.nansum(parts)
            if s == X[l, t_index] and not np.isnan(parts).any():
                col_rel[l] = "eq"
            elif s <= X[l, t_index]:
                col_rel[l] = "le"
    return Grid(X, N, row_rel, col_rel, t_index), pos


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
    keep: tuple[str, ...] = ("n", "ci_level"),
) -> pd.DataFrame:
    """Hide small counts and everything they could be worked out from.

    Parameters
    ----------
    table : pandas.DataFrame
        A tidy count table with at least ``variable, level, group, count, n`` (as returned by
        `cprstats.proportions`); other columns (``estimate, ci_low, ci_high`` ...) are kept.
    threshold : int, default 5
        Counts from 1 to ``threshold - 1`` are hidden; 0 is a true zero and stays. Also no
        percentage or interval is shown on a denominator ``n`` under ``threshold``.
        ``threshold=1`` hides nothing but still adds the columns and the record.
    secondary : bool, default True
        Also hide the counts a hidden one could be worked out from, until every hidden small
        count is protected (see ``cprstats/_cells.py`` for the criterion). Only switch off to
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
        The group holding the sum of the other groups (``proportions(by=...)`` overall
        rows); cells of the same level are then protected across groups too. ``None`` if the
        table has no such group.
    codebook : Codebook, optional
        Used only to tell single-choice from multi-response variables; the packaged one by
        default.
    keep : tuple of str, default ("n", "ci_level")
        Numeric columns that never reveal a count. Every other numeric column (``estimate``,
        ``ci_low``, ``ci_high``, test statistics ...) is set to NaN on rows whose count is hidden
        or whose denominator is under ``threshold``.

    Returns
    -------
    pandas.DataFrame
        The table in the same order with hidden numbers set to NaN (a hidden count does not
        stay in the frame) and two columns added whatever the parameters: ``suppressed``
        (bool, the count is hidden) and ``suppression`` (``""``, ``"primary"``,
        ``"secondary"`` or ``"small_denominator"``: the count is shown but its percentage is
        not). For booleans and multi-response options a non-zero count whose complement
        ``n - count`` is from 1 to ``threshold - 1`` is hidden as ``"primary"`` too (the reader
        would get the small "no" count from ``n``).
        ``attrs["disclosure"]`` records the settings (``applied``, ``threshold``,
        ``secondary``, ``round_to``, ``opted_out``, ``scope``, ``n_primary``, ``n_secondary``).

    Raises
    ------
    ParameterError
        On a bad parameter, a missing column, counts that are not whole numbers, or duplicate
        ``variable, level, group`` rows.

    Notes
    -----
    Each variable is protected on its own. Variables derived from one another (the two age
    bandings, ``has_siblings`` and ``sibling_group_size``) can be differenced if published
    side by side for small groups: publish one of each family, or suppress them jointly by
    reshaping them into one variable first.

    Examples
    --------
    Two boards and their total: the 2 in CAV is hidden, the 3 in MWW to protect it within
    the total, and the other board's "no" counts because each board's levels add up to n.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"variable": "on_cp_register_6m", "level": ["yes", "no"] * 3,
    ...                   "group": ["CAV", "CAV", "MWW", "MWW", "all", "all"],
    ...                   "count": [2, 10, 3, 8, 5, 18], "n": [12, 12, 11, 11, 23, 23]})
    >>> s = suppress(t)
    >>> s["count"].tolist(), s["suppression"].tolist()
    ([nan, nan, nan, nan, 5.0, 18.0], ['primary', 'secondary', 'primary', 'secondary', '', ''])
    """
    _validate(table)
    threshold = _check_threshold(threshold)
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
    x = _whole(table["count"], "count")
    n = _whole(table["n"], "n")
    if (x > n).any():
        i = int(np.argmax(x > n))
        raise ParameterError(f"row {table.index[i]!r}: count {x[i]:g} is larger than its denominator n = {n[i]:g}")
    if codebook is None and additive is not True and additive is not False:
        codebook = load_codebook()

    hidden = np.zeros(len(table), dtype=bool)
    primary = np.zeros(len(table), dtype=bool)
    if threshold > 1:
        variables = table["variable"].to_numpy()
        for var in pd.unique(variables):
            rows = np.flatnonzero(variables == var)
            sub = table.iloc[rows]
            grid, pos = _grid(sub, x[rows], n[rows], _additive_for(var, additive, codebook), total)
            h, p = protect(grid, threshold, secondary=secondary)
            hidden[rows] = [h[c] for c in pos]
            primary[rows] = [p[c] for c in pos]

    out = table.copy()
    count = x.copy()
    n_out = n.copy()
    small = (n < threshold) & ~hidden
    if round_to is not None:
        rounded = _round(count, round_to)
        vanish = (count > 0) & (rounded == 0) & ~hidden
        hidden |= vanish
        primary |= vanish
        count = rounded
        n_out = _round(n, round_to)
    count[hidden] = np.nan
    reason = np.where(primary, "primary", np.where(hidden, "secondary", np.where(small, "small_denominator", "")))
    out["count"] = count
    if round_to is not None:
        out["n"] = n_out
    withheld = hidden | small
    for col in out.columns:
        if col in _REQUIRED or col in keep or not pd.api.types.is_numeric_dtype(out[col]):
            continue
        if pd.api.types.is_bool_dtype(out[col]):
            continue
        if round_to is not None and col == "estimate":
            with np.errstate(invalid="ignore", divide="ignore"):
                est = np.where(n_out > 0, count / np.where(n_out > 0, n_out, 1), np.nan)
            out[col] = np.where(withheld, np.nan, est)
        elif round_to is not None:
            out[col] = np.nan
        else:
            out[col] = out[col].astype("float64").mask(withheld)
    out["suppressed"] = hidden
    out["suppression"] = pd.Series(reason, index=out.index, dtype="string")
    out.attrs = dict(table.attrs)
    out.attrs["disclosure"] = {
        "applied": threshold > 1,
        "threshold": threshold,
        "secondary": secondary,
        "round_to": round_to,
        "opted_out": False,
        "scope": table.attrs.get("disclosure", {}).get("scope"),
        "n_primary": int(primary.sum()),
        "n_secondary": int((hidden & ~primary).sum()),
    }
    return out
