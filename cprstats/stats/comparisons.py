"""Compare groups of reviews: two groups with effect sizes, or several groups with an exact test.

(The module is called ``comparisons`` rather than ``compare`` so that importing it can never replace
the function ``cprstats.compare`` by a module of the same name.)

Designs, all from one function, `compare`:

- **two groups** of a column: ``compare(df, v, by="period")`` (the first group is the reference);
- **one group against the rest**: ``compare(df, v, by="board", groups=["MWW"])`` compares Mid and
  West Wales with the rest of Wales (``group_ref="rest"``); ``by`` may also be a boolean column,
  e.g. death against non-death;
- **several groups**: ``compare(df, v, by="board")`` with more than two groups present gives one
  exact test of whether the proportion differs across them.

Findings that mean what they say:

- **unit of analysis**: a review-level variable (``review_type``, ``themes``) is counted once per
  review; a child-level one (``sex``, ``harm_experienced``) once per review too, on the first
  subject child, when some review is about several siblings (their outcomes are not
  independent, and exact tests assume they are): the ``unit`` column says ``"first_child"``.
  With no sibling reviews it says ``"child"``;
- **small groups**: no statistic or p-value when a compared group has fewer than ``min_group``
  reviews with the variable recorded (``note="small_group"``; estimates and intervals are kept);
- **many comparisons**: ``family_size`` is the number of tests the adjustment of ``p_adjusted``
  spans (all the p-values of the call).

Reviews are a census shaped by each board's decision to commission one: a difference between
boards describes the reviews, not how safe children are in each region, and is no league table.

All shipped example data is synthetic.
"""

from __future__ import annotations

import difflib
import math

import numpy as np
import pandas as pd

from cprstats.errors import ParameterError
from cprstats.stats.contingency import ADJUST_METHODS, adjust_pvalues, independence_table_test
from cprstats.stats.intervals import (
    METHODS,
    check_choice,
    check_ci_level,
    difference_ci,
    odds_ratio_ci,
    proportion_ci,
    risk_ratio_ci,
)
from cprstats.stats.variables import (
    OVERALL,
    Units,
    check_frame,
    get_codebook,
    group_codes,
    resolve_items,
    tabulate,
)

__all__ = ["compare", "COMPARE_COLUMNS", "REST", "NOTES", "MIN_GROUP", "check_min_group", "family_sizes"]

REST = "rest"
#: The smallest group (reviews with the variable recorded) a test is run on, by default.
MIN_GROUP = 10
#: Codes of the ``note`` column: why a row has no test (the report translates them: ``note.<code>``).
NOTES = ("small_group", "nothing_to_test")
COMPARE_COLUMNS = (
    "variable",
    "level",
    "group",
    "count",
    "n",
    "estimate",
    "ci_low",
    "ci_high",
    "group_ref",
    "count_ref",
    "n_ref",
    "estimate_ref",
    "ci_low_ref",
    "ci_high_ref",
    "ci_level",
    "method",
    "risk_difference",
    "rd_ci_low",
    "rd_ci_high",
    "risk_ratio",
    "rr_ci_low",
    "rr_ci_high",
    "odds_ratio",
    "or_ci_low",
    "or_ci_high",
    "effect_method",
    "statistic",
    "p_value",
    "p_value_se",
    "p_adjusted",
    "adjust",
    "family_size",
    "test",
    "note",
    "unit",
)


def _pick(name, value, allowed):
    if value not in allowed:
        close = difflib.get_close_matches(str(value), list(allowed), n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ParameterError(f"{name}: {value!r} is not a group of the by column; groups: {', '.join(allowed)}{hint}")
    return value


def check_min_group(min_group) -> int:
    """``min_group`` if it is a whole number of reviews >= 1, else `ParameterError`."""
    if isinstance(min_group, bool) or not isinstance(min_group, (int, np.integer)) or min_group < 1:
        raise ParameterError(
            f"min_group={min_group!r} must be a whole number of reviews, 1 or more "
            f"(default {MIN_GROUP}; 1 tests every group with a review)"
        )
    return int(min_group)


def family_sizes(p_values) -> np.ndarray:
    """For each row, how many p-values the multiple-comparison family holds (NaN on rows without one)."""
    p = np.asarray(p_values, dtype=float)
    k = int(np.isfinite(p).sum())
    return np.where(np.isfinite(p), float(k), np.nan)


def _design(codes, names, groups, reference):
    """New group codes for the comparison: 0 = compared group, 1 = reference (two groups), or 0..k-1."""
    sizes = np.bincount(codes[codes >= 0], minlength=len(names))
    if groups is None:
        chosen = [g for g, s in zip(names, sizes) if s > 0]
        if len(chosen) < 2:
            raise ParameterError(
                f"by: fewer than two groups have reviews ({', '.join(chosen) or 'none'}); nothing to compare"
            )
    else:
        chosen = [groups] if isinstance(groups, str) else list(groups)
        if not chosen:
            raise ParameterError("groups: give at least one group (or None for all groups)")
        for g in chosen:
            _pick("groups", g, names)
        if len(set(chosen)) != len(chosen):
            raise ParameterError(f"groups: {chosen} names a group twice")
    index = {g: i for i, g in enumerate(names)}
    if len(chosen) == 1:
        if reference not in (None, REST):
            raise ParameterError(
                f"reference={reference!r}: comparing one group with the rest, the reference is {REST!r}"
            )
        new = np.where(codes < 0, -1, np.where(codes == index[chosen[0]], 0, 1))
        return new, (chosen[0], REST), True
    if len(chosen) == 2:
        ref = chosen[0] if reference is None else reference
        if ref not in chosen:
            raise ParameterError(
                f"reference={reference!r} is not one of the two compared groups ({chosen[0]}, {chosen[1]})"
            )
        grp = chosen[1] if ref == chosen[0] else chosen[0]
        lookup = np.full(len(names) + 1, -1)
        lookup[index[grp]], lookup[index[ref]] = 0, 1
        return lookup[codes], (grp, ref), True
    if reference is not None:
        raise ParameterError("reference applies to two-group comparisons; with more than two groups the test is joint")
    lookup = np.full(len(names) + 1, -1)
    for i, g in enumerate(chosen):
        lookup[index[g]] = i
    return lookup[codes], tuple(chosen), False


def compare(
    data,
    variables,
    by,
    *,
    groups=None,
    reference=None,
    method="wilson",
    ci_level=0.95,
    adjust="holm",
    min_group=MIN_GROUP,
    n_resamples=9999,
    seed=20200323,
    codebook=None,
):
    """Compare the proportions of each level between groups, with effect sizes and exact tests.

    Parameters
    ----------
    data : pandas.DataFrame
        A coded dataset or any frame.
    variables : str or list of str or None
        As for `cprstats.proportions` (categorical, boolean or multi-response; None for all).
    by : str
        The column whose values define the groups (categorical, text, boolean or integer).
    groups : str or list of str, optional
        None: every group with reviews (two groups -> a two-group comparison; more -> a joint test).
        One group: that group against the rest (rows with ``by`` missing are left out).
        Two groups: those two. Three or more: a joint test across those.
    reference : str, optional
        For two groups, the reference group (default: the first of the two, in the column's order or
        as listed in ``groups``); effect sizes are group minus/over reference.
    method : {"wilson", "clopper-pearson", "jeffreys"}
        Interval for each group's proportion.
    ci_level : float
        Confidence level of every interval, strictly between 0 and 1.
    adjust : {"holm", "fdr_bh", "none"}
        Multiple-comparison adjustment across the rows of this call (Holm 1979; Benjamini-Hochberg
        1995). Rows without a p-value are not counted in the family; ``family_size`` says how
        many were.
    min_group : int, default 10
        The fewest reviews (with the variable recorded) a group may have for a test: below it a
        row gets no statistic or p-value, and ``note="small_group"``. 1 tests every group.
    n_resamples, seed : int
        Monte Carlo settings, used only for a joint test too large to enumerate exactly whose
        expected counts are not all 5 or more.
    codebook : Codebook or path, optional

    Returns
    -------
    pandas.DataFrame
        One row per variable and level, with columns (fixed whatever the design):

        - ``variable, level`` as in `cprstats.proportions`;
        - ``group, count, n, estimate, ci_low, ci_high``: the compared group (for a joint test,
          ``group="all"`` and the counts pooled over the compared groups);
        - ``group_ref, count_ref, n_ref, estimate_ref, ci_low_ref, ci_high_ref``: the reference group
          (``"rest"`` for one group against the rest); missing for a joint test;
        - ``ci_level, method``: the level and the single-proportion interval method;
        - ``risk_difference, rd_ci_low, rd_ci_high``: estimate minus estimate_ref, with Newcombe's
          (1998) hybrid score interval;
        - ``risk_ratio, rr_ci_low, rr_ci_high``: estimate over estimate_ref, with Koopman's (1984)
          asymptotic score interval (see `cprstats.stats.intervals.risk_ratio_ci`; 0 with a lower
          limit of 0 when the group has no review with the level, infinite with an infinite upper
          limit when the reference has none); NaN when neither has any (or a group is empty), and
          for a joint test;
        - ``odds_ratio, or_ci_low, or_ci_high``: odds in the group over odds in the reference,
          conditional maximum likelihood with the exact (Fisher) interval, whatever the size of the
          table (see `cprstats.stats.intervals.odds_ratio_ci`); NaN when a row or column of the 2x2
          table is empty;
        - ``effect_method``: how the risk difference and odds ratio were estimated:
          ``"newcombe+fisher_conditional"`` or ``"newcombe"`` (no odds ratio); missing for a joint
          test (the risk ratio's interval is always Koopman's);
        - ``statistic``: Pearson's chi-squared when that test was used, else NaN (exact tests);
        - ``p_value``: two-sided; NaN when there is nothing to test (an empty group, or a level
          present in none or all of the reviews compared);
        - ``p_value_se``: the Monte Carlo standard error of ``p_value`` when the joint test was
          simulated (``test="fisher_freeman_halton_monte_carlo"``), else NaN (exact or asymptotic);
        - ``p_adjusted, adjust``: adjusted p-value and the adjustment used;
        - ``family_size``: how many p-values the adjustment spans (the family: every row of the
          call with a p-value); missing on a row without one;
        - ``test``: ``"fisher_exact"`` (two groups), ``"fisher_freeman_halton_exact"`` (several
          groups; exact by the network algorithm, see `cprstats.stats.contingency`),
          ``"fisher_freeman_halton_monte_carlo"`` (only when the exact computation is over budget
          and some expected count is below 5) or ``"pearson_chi2"`` (only when it is over budget
          and every expected count is at least 5); missing when there is nothing to test;
        - ``note``: why a row has no test, a code of `NOTES` (``"small_group"``: a group has
          fewer than ``min_group`` reviews; ``"nothing_to_test"``: an empty group, or a level
          present in none or all of the reviews compared); missing when tested;
        - ``unit``: what the counts count: ``"review"`` (a review-level variable, once per review),
          ``"child"`` (a child-level variable, every child: no review is about several
          children), or ``"first_child"`` (a child-level variable when some review is about
          several siblings: one child per review, the first subject child, so that the tests'
          observations are independent; `cprstats.proportions` still counts every child).

    References
    ----------
    Newcombe RG (1998), Stat Med 17:873-890, doi:10.1002/(SICI)1097-0258(19980430)17:8<873::AID-SIM779>3.0.CO;2-I;
    Koopman PAR (1984), Biometrics 40:513-517, doi:10.2307/2531405;
    Mehta CR, Patel NR (1983), J Am Stat Assoc 78:427-434, doi:10.1080/01621459.1983.10477989;
    Agresti A (2002), Categorical Data Analysis, 2nd ed., chapter 3 (exact inference), doi:10.1002/0471249688;
    Freeman GH, Halton JH (1951), Biometrika 38:141-149, doi:10.1093/biomet/38.1-2.141;
    Holm S (1979), Scand J Stat 6:65-70; Benjamini Y, Hochberg Y (1995), JRSS B 57:289-300,
    doi:10.1111/j.2517-6161.1995.tb02031.x.

    Examples
    --------
    A tiny synthetic frame (no real child): Fisher's tea-tasting table as two periods (groups of
    4, so ``min_group=1`` to test them at all).

    >>> import pandas as pd
    >>> df = pd.DataFrame({"period": ["pre_covid"] * 4 + ["post_covid"] * 4,
    ...                    "parental_adversities_all_three": pd.array(
    ...                        [True, False, False, False, True, True, True, False], dtype="boolean")})
    >>> res = compare(df, "parental_adversities_all_three", by="period", min_group=1)
    >>> res[["group", "count", "n", "group_ref", "count_ref", "n_ref", "test"]]
            group  count  n  group_ref  count_ref  n_ref          test
    0  post_covid      3  4  pre_covid          1      4  fisher_exact
    >>> row = res.iloc[0]
    >>> print(f"RD {row.risk_difference:.2f}, OR {row.odds_ratio:.4f} (from {row.or_ci_low:.4f}), p {row.p_value:.4f}")
    RD 0.50, OR 6.4083 (from 0.2117), p 0.4857
    >>> # statsmodels confint_proportions_2indep(3, 4, 1, 4, compare="ratio", method="score", correction=False)
    >>> print(f"RR {row.risk_ratio:.1f} ({row.rr_ci_low:.4f} to {row.rr_ci_high:.4f})")
    RR 3.0 (0.6852 to 17.2642)

    With the default ``min_group=10`` the same groups are too small to test:

    >>> compare(df, "parental_adversities_all_three", by="period")[["p_value", "note"]]
       p_value         note
    0      NaN  small_group

    On the shipped synthetic all-Wales data (no real child): Mid and West Wales against the rest,
    and a joint test across the six boards (children, one per review: three reviews are about
    two siblings).

    >>> import cprstats
    >>> wales = cprstats.load_example("wales")
    >>> res = cprstats.compare(wales, "outcome", by="board", groups=["MWW"])
    >>> res[["level", "group", "group_ref", "unit"]].head(2)
                         level group group_ref        unit
    0                    death   MWW      rest  first_child
    1  life_threatening_injury   MWW      rest  first_child
    >>> joint = cprstats.compare(wales, "parental_adversities_all_three", by="board")
    >>> joint[["group", "test", "family_size"]]
      group                         test  family_size
    0   all  fisher_freeman_halton_exact            1
    """
    data = check_frame(data)
    check_choice("method", method, METHODS)
    check_choice("adjust", adjust, ADJUST_METHODS)
    level = check_ci_level(ci_level)
    min_group = check_min_group(min_group)
    for name, value in (("n_resamples", n_resamples), ("seed", seed)):
        if (
            not isinstance(value, (int, np.integer))
            or isinstance(value, bool)
            or value < (1 if name == "n_resamples" else 0)
        ):
            raise ParameterError(
                f"{name}={value!r} must be a {'positive' if name == 'n_resamples' else 'non-negative'} integer"
            )
    if by is None:
        raise ParameterError("by: name the column whose groups are compared (e.g. 'period' or 'board')")
    cb = get_codebook(data, codebook)
    items = resolve_items(data, variables, cb, what="compared")
    codes, names = group_codes(data, by, cb)
    new_codes, design_names, pairwise = _design(codes, names, groups, reference)
    units = Units(data)
    blocks = []
    for item in items:
        unit = units.unit(item, independent=True)
        counts, n = tabulate(data, item, new_codes, len(design_names), units, unit)
        if pairwise:
            block = _two_groups(item, counts, n, design_names, level, method)
        else:
            block = _joint(item, counts, n, level, method, n_resamples, seed)
        blocks.append(_floor(block, n, min_group, unit))
    return _assemble(blocks, level, method, adjust)


def _floor(block: dict, n: np.ndarray, min_group: int, unit: str) -> dict:
    """No statistic or p-value where a group has fewer than ``min_group`` reviews; the note says why."""
    small = (n < min_group).any(axis=1)
    p = np.asarray(block["p_value"], dtype=float).copy()
    stat = np.asarray(block["statistic"], dtype=float).copy()
    se = np.asarray(block["p_value_se"], dtype=float).copy()
    tests = list(block["test"])
    notes = []
    for i, tiny in enumerate(small.tolist()):
        if tiny:
            p[i] = stat[i] = se[i] = np.nan
            tests[i] = None
            notes.append("small_group")
        else:
            notes.append("nothing_to_test" if np.isnan(p[i]) else None)
    block.update(p_value=p, statistic=stat, p_value_se=se, test=tests, note=notes, unit=[unit] * len(notes))
    return block


_TEXT = (
    "variable",
    "level",
    "group",
    "group_ref",
    "ci_level",
    "method",
    "effect_method",
    "adjust",
    "test",
    "note",
    "unit",
)


def _assemble(blocks, level, method, adjust) -> pd.DataFrame:
    """One frame with the fixed columns and dtypes from the per-variable column dicts."""
    cols = {}
    for c in COMPARE_COLUMNS:
        if c in ("ci_level", "method", "p_adjusted", "adjust", "family_size"):
            continue
        parts = [np.asarray(b[c], dtype=object if c in _TEXT or c in ("count_ref", "n_ref") else None) for b in blocks]
        cols[c] = np.concatenate(parts) if parts else np.array([], dtype=object)
    out = {}
    for c in COMPARE_COLUMNS:
        if c == "ci_level":
            out[c] = pd.Series(np.full(len(cols["variable"]), level), dtype="float64")
        elif c in ("method", "adjust"):
            out[c] = pd.Series([method if c == "method" else adjust] * len(cols["variable"]), dtype="string")
        elif c == "p_adjusted":
            out[c] = pd.Series(adjust_pvalues(np.asarray(cols["p_value"], dtype=float), method=adjust), dtype="float64")
        elif c == "family_size":
            out[c] = pd.Series(family_sizes(cols["p_value"]), dtype="float64").astype("Int64")
        elif c in _TEXT:
            out[c] = pd.Series(cols[c], dtype="string")
        elif c in ("count", "n"):
            out[c] = pd.Series(cols[c], dtype="int64")
        elif c in ("count_ref", "n_ref"):
            out[c] = pd.Series(cols[c], dtype="Int64")
        else:
            out[c] = pd.Series(cols[c], dtype="float64")
    return pd.DataFrame(out)


def _share(count, n):
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, count / np.maximum(n, 1), np.nan)


def _two_groups(item, counts, n, names, level, method) -> dict:
    from scipy.stats import fisher_exact

    a, m1, c, m2 = counts[:, 0], n[:, 0], counts[:, 1], n[:, 1]
    L = len(item.levels)
    cols = {
        "variable": [item.variable] * L,
        "level": list(item.levels),
        "group": [names[0]] * L,
        "count": a,
        "n": m1,
        "estimate": _share(a, m1),
        "group_ref": [names[1]] * L,
        "count_ref": c,
        "n_ref": m2,
        "estimate_ref": _share(c, m2),
    }
    cols["ci_low"], cols["ci_high"] = proportion_ci(a, m1, method=method, ci_level=level)
    cols["ci_low_ref"], cols["ci_high_ref"] = proportion_ci(c, m2, method=method, ci_level=level)
    cols["risk_difference"] = cols["estimate"] - cols["estimate_ref"]
    cols["rd_ci_low"], cols["rd_ci_high"] = difference_ci(a, m1, c, m2, ci_level=level)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where((m1 > 0) & (m2 > 0) & (a + c > 0), cols["estimate"] / cols["estimate_ref"], np.nan)
    cols["risk_ratio"] = ratio
    cols["rr_ci_low"], cols["rr_ci_high"] = risk_ratio_ci(a, m1, c, m2, ci_level=level)
    ors, p_values, tests, effect = [], [], [], []
    for ai, m1i, ci, m2i in zip(a.tolist(), m1.tolist(), c.tolist(), m2.tolist()):
        est, lo, hi, how = odds_ratio_ci(ai, m1i - ai, ci, m2i - ci, ci_level=level)
        ors.append((est, lo, hi))
        effect.append(None if m1i == 0 or m2i == 0 else f"newcombe+{how}" if how else "newcombe")
        if m1i == 0 or m2i == 0 or ai + ci in (0, m1i + m2i):
            p_values.append(math.nan)
            tests.append(None)
        else:
            table = [[ai, m1i - ai], [ci, m2i - ci]]
            p_values.append(float(fisher_exact(table, alternative="two-sided").pvalue))
            tests.append("fisher_exact")
    ors = np.array(ors, dtype=float).reshape(-1, 3)
    cols.update(
        odds_ratio=ors[:, 0],
        or_ci_low=ors[:, 1],
        or_ci_high=ors[:, 2],
        effect_method=effect,
        statistic=np.full(L, np.nan),
        p_value=p_values,
        p_value_se=np.full(L, np.nan),
        test=tests,
    )
    return cols


def _joint(item, counts, n, level, method, n_resamples, seed) -> dict:
    total_count, total_n = counts.sum(axis=1), n.sum(axis=1)
    L = len(item.levels)
    cols = {
        "variable": [item.variable] * L,
        "level": list(item.levels),
        "group": [OVERALL] * L,
        "count": total_count,
        "n": total_n,
        "estimate": _share(total_count, total_n),
        "group_ref": [None] * L,
        "count_ref": [None] * L,
        "n_ref": [None] * L,
        "effect_method": [None] * L,
    }
    cols["ci_low"], cols["ci_high"] = proportion_ci(total_count, total_n, method=method, ci_level=level)
    for c in (
        "estimate_ref",
        "ci_low_ref",
        "ci_high_ref",
        "risk_difference",
        "rd_ci_low",
        "rd_ci_high",
        "risk_ratio",
        "rr_ci_low",
        "rr_ci_high",
        "odds_ratio",
        "or_ci_low",
        "or_ci_high",
    ):
        cols[c] = np.full(L, np.nan)
    results = [independence_table_test(counts[i], n[i], n_resamples=n_resamples, seed=seed) for i in range(L)]
    cols["statistic"] = [r.statistic for r in results]
    cols["p_value"] = [r.p_value for r in results]
    cols["p_value_se"] = [r.p_value_se for r in results]
    cols["test"] = [r.test for r in results]
    return cols
