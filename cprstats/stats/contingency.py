"""Tests of independence in 2 x k and r x c tables (exact), the Cochran-Armitage trend test, p-value adjustment.

The statistics functions (`cprstats.compare`, `cprstats.trend`) call these on one small table per
variable level; `table_test` takes any r x c table (levels of a variable by groups).

Independence (`fisher_exact_p`, `table_test`, `independence_test`)
    The Fisher-Freeman-Halton test: the two-sided p-value is the null probability (both margins
    fixed, the multivariate hypergeometric) of every table no more probable than the observed one,
    as R's ``fisher.test``. It is computed **exactly** by the network algorithm of Mehta and Patel
    (1983): columns are processed one at a time; a node is the vector of row totals still to be
    filled (sorted, since the rest of the problem does not depend on the order of the rows), and
    each node carries the distinct probabilities of the partial tables that reach it. Exact longest
    and shortest paths to the end (the most and least probable completions of a node, from a
    backward pass over the same nodes) decide for most partial tables at once that all or none of
    their completions are as or more extreme; only the others are carried on. "As or more extreme"
    uses R's tolerances: relative 1e-7 for a 2 x 2 table and 3.45254e-7 on the log scale (FEXACT's
    ``tol``) otherwise, so ties are counted as R counts them; p-values agree with ``fisher.test`` to
    about 1e-10 (tests/stats/test_reference_r.py).

    Coverage: the 2 x k tables of this field (up to 7 groups, N up to 1,000 reviews and beyond)
    take milliseconds. r x c tables with a few levels take up to a few seconds while they are
    small or unbalanced (a 3 x 6 table of 150 reviews: 0.2 s); large balanced r x c tables are
    beyond any exact algorithm in seconds (R's ``fisher.test`` needs a raised ``workspace`` and
    half a minute for a 4 x 6 table of 150 reviews, and fails on some 3 x 7 tables of 300).

    When the exact computation would need more than `MAX_WORK` steps (see `table_test` for the
    budget above `EXACT_MAX_N` reviews), it is replaced: by Pearson's chi-squared test when every
    expected count is at least 5 (Cochran's rule; never otherwise), else by a seeded Monte Carlo
    p-value (random tables with the observed margins by Patefield's algorithm; R's
    ``simulate.p.value`` estimate ``(1 + hits) / (B + 1)``), returned with its Monte Carlo
    standard error.

Why hand-written: scipy's ``fisher_exact`` gives an exact p-value only for 2 x 2 tables (for r x c it
offers Monte Carlo or permutation resampling), statsmodels has no exact r x c test, and neither has
an exact Cochran-Armitage test.

References
----------
.. [1] Freeman GH, Halton JH (1951). Note on an exact treatment of contingency, goodness of fit
   and other problems of significance. Biometrika 38:141-149. doi:10.1093/biomet/38.1-2.141
.. [2] Mehta CR, Patel NR (1983). A network algorithm for performing Fisher's exact test in r x c
   contingency tables. J Am Stat Assoc 78:427-434. doi:10.1080/01621459.1983.10477989
.. [3] Mehta CR, Patel NR (1986). Algorithm 643: FEXACT, a FORTRAN subroutine for Fisher's exact
   test on unordered r x c contingency tables. ACM Trans Math Softw 12:154-161.
   doi:10.1145/6497.214326
.. [4] Patefield WM (1981). Algorithm AS 159: an efficient method of generating random r x c
   tables with given row and column totals. Appl Stat 30:91-97. doi:10.2307/2346669
.. [5] Armitage P (1955). Tests for linear trends in proportions and frequencies. Biometrics
   11:375-386. doi:10.2307/3001775
.. [6] Agresti A (2002). Categorical Data Analysis, 2nd ed., chapter 3 (trend tests for ordinal
   tables; exact tests). Wiley. doi:10.1002/0471249688
.. [7] Holm S (1979). A simple sequentially rejective multiple test procedure. Scand J Stat
   6:65-70. https://www.jstor.org/stable/4615733
.. [8] Benjamini Y, Hochberg Y (1995). Controlling the false discovery rate: a practical and
   powerful approach to multiple testing. J R Stat Soc B 57:289-300.
   doi:10.1111/j.2517-6161.1995.tb02031.x
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from cprstats.errors import ParameterError
from cprstats.stats.intervals import check_choice
from cprstats.stats.intervals import log_choose as _log_choose

__all__ = [
    "MAX_TABLES",
    "MAX_WORK",
    "EXACT_MAX_N",
    "ADJUST_METHODS",
    "TableTest",
    "enumerate_2xk",
    "fisher_exact_p",
    "table_test",
    "independence_test",
    "independence_table_test",
    "cochran_armitage",
    "adjust_pvalues",
]

MAX_TABLES = 1_000_000
# Budget of the exact Fisher-Freeman-Halton computation: transitions between nodes plus partial
# tables expanded, summed over the columns (about a second of work on one core at most).
MAX_WORK = 4_000_000
# Up to this many reviews the exact test always gets the whole budget. Above it, a table whose
# expected counts are all 5 or more (where Pearson's chi-squared is accurate) gets an eighth of the
# budget up to 5 * EXACT_MAX_N reviews and none beyond.
EXACT_MAX_N = 1_000
ADJUST_METHODS = ("holm", "fdr_bh", "none")
_REL_ERR = 1 + 1e-7  # ties in probability, as R's fisher.test for 2 x 2 tables
_FEXACT_TOL = 3.45254e-7  # R's FEXACT tolerance on the log probability, r x c tables
_MERGE = 1e9  # partial tables whose log probabilities round alike at 1e-9 are merged


def enumerate_2xk(successes, totals, *, scores=None, max_tables: int = MAX_TABLES):
    """Every 2 x k table with the margins of ``successes`` out of ``totals``, with its null probability.

    Under independence with both margins fixed, the first row ``(x_1, ..., x_k)`` has probability
    ``prod_j C(n_j, x_j) / C(N, r)``. Columns are added one at a time, dropping partial tables that
    can no longer reach ``r``.

    Parameters
    ----------
    successes, totals : array_like of int
        First-row counts and column totals.
    scores : array_like of float, optional
        Column scores; when given, ``sum_j scores_j * x_j`` is returned for each table too.
    max_tables : int
        Give up (return None) when more partial tables than this would be needed.

    Returns
    -------
    (prob, stat) or None
        ``prob``: probability of each table; ``stat``: its score statistic (None without scores).

    Examples
    --------
    >>> prob, _ = enumerate_2xk([3, 1], [4, 4])     # Fisher's tea tasting, 5 possible tables
    >>> [round(p * 70) for p in prob]
    [1, 16, 36, 16, 1]
    """
    x = np.asarray(successes, dtype=np.int64)
    n = np.asarray(totals, dtype=np.int64)
    r = int(x.sum())
    s = np.zeros(1, dtype=np.int64)
    lp = np.zeros(1)
    st = np.zeros(1) if scores is not None else None
    sc = np.asarray(scores, dtype=float) if scores is not None else None
    remaining = np.concatenate([np.cumsum(n[::-1])[::-1][1:], [0]])
    for j, nj in enumerate(n):
        if len(s) * (int(nj) + 1) > 4 * max_tables:  # checked before allocating
            return None
        xs = np.arange(nj + 1)
        new_s = (s[:, None] + xs[None, :]).ravel()
        keep = (new_s <= r) & (new_s + remaining[j] >= r)
        if keep.sum() > max_tables:
            return None
        lp = (lp[:, None] + _log_choose(nj, xs)[None, :]).ravel()[keep]
        if st is not None:
            st = (st[:, None] + sc[j] * xs[None, :]).ravel()[keep]
        s = new_s[keep]
    prob = np.exp(lp - _log_choose(int(n.sum()), r))
    return prob, st


class TableTest(NamedTuple):
    """Result of `table_test`: the statistic, the p-value, its Monte Carlo standard error and the test."""

    statistic: float
    p_value: float
    p_value_se: float
    test: str | None


def _ragged(starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each i the run ``starts[i], ..., starts[i] + counts[i] - 1``, concatenated, with its owner i."""
    owner = np.repeat(np.arange(len(counts)), counts)
    offsets = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)
    return owner, starts[owner] + offsets


def _compositions(total: int, caps: np.ndarray, budget: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Every column ``q`` with ``0 <= q <= caps[u]`` and ``sum(q) == total``, for each row ``u`` of ``caps``.

    Returns ``(parent, q)`` (``parent[i]`` is the row of ``caps`` that ``q[i]`` fills) in the order of
    the parents, or None as soon as more than ``budget`` columns would be needed.
    """
    n_nodes, r = caps.shape
    rest = np.zeros_like(caps)
    rest[:, :-1] = np.cumsum(caps[:, ::-1], axis=1)[:, ::-1][:, 1:]
    parent = np.arange(n_nodes)
    used = np.zeros(n_nodes, dtype=np.int64)
    values: list[np.ndarray] = []
    for i in range(r - 1):
        # every prefix kept here can be completed, so the counts only grow: stop early
        lo = np.maximum(0, total - used - rest[parent, i])
        hi = np.minimum(caps[parent, i], total - used)
        counts = np.maximum(hi - lo + 1, 0)
        if counts.sum() > budget:
            return None
        owner, val = _ragged(lo, counts)
        parent, used = parent[owner], used[owner] + val
        values = [v[owner] for v in values] + [val]
    values.append(total - used)
    return parent, np.stack(values, axis=1)


def _node_ids(rows: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of an integer array (entries 0..n) and the index of each row among them."""
    r = rows.shape[1]
    if (n + 1) ** r < 2**62:
        key = rows @ ((n + 1) ** np.arange(r, dtype=np.int64))
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        return rows[first], inverse.ravel()
    uniq, inverse = np.unique(rows, axis=0, return_inverse=True)
    return uniq, inverse.ravel()


def _first_above(values: np.ndarray, lo: np.ndarray, hi: np.ndarray, target: np.ndarray) -> np.ndarray:
    """For each i, the first index in ``lo[i]:hi[i]`` where the (there ascending) ``values`` exceed ``target[i]``."""
    lo, hi = lo.copy(), hi.copy()
    while True:  # a binary search in every run at once
        active = np.flatnonzero(lo < hi)
        if len(active) == 0:
            return lo
        mid = (lo[active] + hi[active]) // 2
        le = values[mid] <= target[active]
        lo[active[le]] = mid[le] + 1
        hi[active[~le]] = mid[~le]


def fisher_exact_p(table, *, max_work: int = MAX_WORK) -> float | None:
    """Exact two-sided p-value of the Fisher(-Freeman-Halton) test of independence in an r x c table.

    The probability, under independence with both margins fixed, of all tables no more probable
    than the observed one (R's ``fisher.test`` with its tolerances; see the module docstring), by
    the network algorithm of Mehta and Patel (1983) with exact longest and shortest paths.

    Parameters
    ----------
    table : array_like of int, shape (r, c)
        Counts. Empty rows and columns are dropped (they do not change the test).
    max_work : int
        Give up (return None) when more than this many node transitions and partial tables would
        have to be processed.

    Returns
    -------
    float or None
        The p-value (1.0 when fewer than two non-empty rows or columns remain), or None when over
        budget.

    References
    ----------
    Mehta CR, Patel NR (1983), J Am Stat Assoc 78:427-434, doi:10.1080/01621459.1983.10477989.

    Examples
    --------
    >>> print(f"{fisher_exact_p([[3, 1], [1, 3]]):.4f}")   # R: fisher.test(matrix(c(3,1,1,3),2)) p = 0.4857
    0.4857
    >>> print(f"{fisher_exact_p([[0, 3, 2], [6, 5, 1]]):.6f}")   # R: fisher.test(...)$p.value = 0.08823529
    0.088235
    """
    from scipy.special import gammaln

    t = np.asarray(table)
    if t.ndim != 2 or not np.isfinite(t).all() or (t < 0).any() or (t != np.round(t)).any():
        raise ParameterError("fisher_exact_p: table must be a 2-D array of non-negative whole counts")
    tol = math.log(_REL_ERR) if t.shape == (2, 2) else _FEXACT_TOL  # R: relErr for 2 x 2, FEXACT's tol else
    t = t.astype(np.int64)
    t = t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0]
    if min(t.shape) < 2:
        return 1.0
    if t.shape[0] > t.shape[1]:  # fewer rows: shorter node vectors
        t = t.T
    # the largest column last: the last column is forced, so it costs nothing
    t = t[:, np.argsort(t.sum(axis=0), kind="stable")]
    rows, cols = t.sum(axis=1), t.sum(axis=0)
    n, c = int(t.sum()), t.shape[1]
    lf = gammaln(np.arange(n + 1) + 1.0)  # log k!
    const = lf[rows].sum() + lf[cols].sum() - lf[n]  # log P(table) = const - sum log n_ij!
    threshold = -lf[t].sum() + tol  # "as or more extreme": -sum log n_ij! <= threshold

    # Nodes (remaining row totals, sorted) and transitions, stage by stage.
    nodes = [np.sort(rows)[::-1][None, :]]
    trans = []
    work = 0
    for k in range(c - 1):
        found = _compositions(int(cols[k]), nodes[k], max_work - work)
        if found is None:
            return None
        parent, q = found
        work += len(parent)
        uniq, child = _node_ids(-np.sort(-(nodes[k][parent] - q), axis=1), n)
        nodes.append(uniq)
        trans.append((parent, child, -lf[q].sum(axis=1)))
    # Backward: longest (most probable) and shortest completion of every node; the last column is forced.
    longest: list[np.ndarray] = [np.empty(0)] * c
    shortest: list[np.ndarray] = [np.empty(0)] * c
    longest[-1] = shortest[-1] = -lf[nodes[-1]].sum(axis=1)
    for k in range(c - 2, -1, -1):
        parent, child, tv = trans[k]
        starts = np.flatnonzero(np.r_[True, parent[1:] != parent[:-1]])
        longest[k] = np.maximum.reduceat(tv + longest[k + 1][child], starts)
        shortest[k] = np.minimum.reduceat(tv + shortest[k + 1][child], starts)
    if longest[0][0] <= threshold:  # even the most probable table is as extreme as the observed
        return 1.0
    # log of the summed exp(-sum log n_ij!) over all completions of a node (multinomial identity)
    tail = np.concatenate([np.cumsum(lf[cols][::-1])[::-1], [0.0]])
    log_mass = [lf[nodes[k].sum(axis=1)] - lf[nodes[k]].sum(axis=1) - tail[k] for k in range(c)]

    # Forward: partial tables (node, past value, multiplicity) whose fate is not yet decided.
    node = np.zeros(1, dtype=np.int64)
    past = np.zeros(1)
    mult = np.ones(1)
    p = 0.0
    for k in range(c - 1):
        parent, child, tv = trans[k]
        counts = np.bincount(parent, minlength=len(nodes[k]))
        starts = np.cumsum(counts) - counts
        # each node's transitions sorted by their longest path, with prefix sums of their mass ...
        via_longest = tv + longest[k + 1][child]
        order = np.lexsort((via_longest, parent))
        child_l, tv_l, via_longest = child[order], tv[order], via_longest[order]
        via_shortest_l = tv_l + shortest[k + 1][child_l]
        mass = tv_l + log_mass[k + 1][child_l]
        shift = np.full(len(nodes[k]), -np.inf)
        shift[counts > 0] = np.maximum.reduceat(mass, starts[counts > 0])
        cum = np.cumsum(np.exp(mass - shift[parent]))
        before = np.where(starts > 0, cum[np.maximum(starts - 1, 0)], 0.0)

        target = threshold - past
        first, end = starts[node], starts[node] + counts[node]
        cut = _first_above(via_longest, first, end, target)
        some = cut > first
        if some.any():  # every completion through these transitions is as or more extreme
            s = cum[cut[some] - 1] - before[node[some]]
            p += float(np.sum(mult[some] * np.exp(const + past[some] + shift[node[some]]) * s))
        if k == c - 2:
            break
        # ... and sorted by their shortest path: transitions beyond target there lead to no extreme table.
        # The undecided transitions are those after `cut` in the first order and before `cut_s` in the
        # second; take them from whichever run is shorter.
        order_s = np.lexsort((via_shortest_l, parent))
        via_shortest_s = via_shortest_l[order_s]
        cut_s = _first_above(via_shortest_s, first, end, target)
        n_l, n_s = end - cut, cut_s - first
        from_l = n_l <= n_s
        work += int(np.where(from_l, n_l, n_s).sum())
        if work > max_work:
            return None
        owner_l, ti_l = _ragged(cut[from_l], n_l[from_l])
        owner_l = np.flatnonzero(from_l)[owner_l]
        keep = via_shortest_l[ti_l] <= target[owner_l]
        owner_l, ti_l = owner_l[keep], ti_l[keep]
        owner_s, ti_s = _ragged(first[~from_l], n_s[~from_l])
        owner_s = np.flatnonzero(~from_l)[owner_s]
        ti_s = order_s[ti_s]
        keep = via_longest[ti_s] > target[owner_s]
        owner, ti = np.concatenate([owner_l, owner_s[keep]]), np.concatenate([ti_l, ti_s[keep]])
        if len(ti) == 0:
            break
        new_node, new_past, new_mult = child_l[ti], past[owner] + tv_l[ti], mult[owner]
        key = np.round(new_past * _MERGE).astype(np.int64)
        order = np.lexsort((key, new_node))
        new_node, key, new_past, new_mult = new_node[order], key[order], new_past[order], new_mult[order]
        keep = np.flatnonzero(np.r_[True, (new_node[1:] != new_node[:-1]) | (key[1:] != key[:-1])])
        node, past, mult = new_node[keep], new_past[keep], np.add.reduceat(new_mult, keep)
    return min(p, 1.0)


def _monte_carlo_p(t: np.ndarray, n_resamples: int, seed: int) -> tuple[float, float]:
    """R's ``fisher.test(simulate.p.value = TRUE)`` estimate and its Monte Carlo standard error."""
    from scipy.special import gammaln
    from scipy.stats import random_table

    t = t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0]
    draws = random_table(t.sum(axis=1), t.sum(axis=0), seed=np.random.default_rng(seed)).rvs(
        size=n_resamples, method="patefield"
    )
    stat = -gammaln(draws + 1.0).sum(axis=(1, 2))
    hits = int(np.sum(stat <= -gammaln(t + 1.0).sum() + _FEXACT_TOL))
    p = (1 + hits) / (n_resamples + 1)
    return p, math.sqrt(p * (1 - p) / n_resamples)


def table_test(table, *, n_resamples: int = 9999, seed: int = 20200323, max_work: int = MAX_WORK) -> TableTest:
    """Test independence of rows and columns in an r x c table; exact whenever feasible.

    Parameters
    ----------
    table : array_like of int, shape (r, c)
        Counts (e.g. levels of a variable by groups). Empty rows and columns are dropped.
    n_resamples, seed : int
        Monte Carlo settings, used only when the exact test is over budget and some expected
        count is below 5.
    max_work : int
        Budget of the exact computation (see `fisher_exact_p`); 0 skips it. The whole budget is
        used when some expected count is below 5 or the table has at most `EXACT_MAX_N` reviews;
        otherwise (chi-squared is accurate there) an eighth of it up to ``5 * EXACT_MAX_N``
        reviews, and none beyond.

    Returns
    -------
    TableTest
        ``statistic``: Pearson's chi-squared when that test was used, else NaN; ``p_value``: two-sided;
        ``p_value_se``: the Monte Carlo standard error ``sqrt(p (1 - p) / n_resamples)`` for the Monte
        Carlo test, else NaN (exact or asymptotic); ``test``: ``"fisher_exact"`` (2 x 2),
        ``"fisher_freeman_halton_exact"``, ``"fisher_freeman_halton_monte_carlo"`` or
        ``"pearson_chi2"``. All NaN and ``test`` None when fewer than two non-empty rows or columns
        remain (nothing to test).

    Examples
    --------
    >>> res = table_test([[1, 2, 5, 0], [4, 3, 0, 6], [0, 2, 4, 3]])
    >>> print(f"{res.p_value:.6f} {res.test}")   # R 4.2.2: fisher.test(...)$p.value = 0.008082377
    0.008082 fisher_freeman_halton_exact
    """
    t = np.asarray(table)
    if t.ndim != 2 or not np.isfinite(t).all() or (t < 0).any() or (t != np.round(t)).any():
        raise ParameterError("table_test: table must be a 2-D array of non-negative whole counts")
    t = t.astype(np.int64)
    reduced = t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0]
    if min(reduced.shape) < 2:
        return TableTest(math.nan, math.nan, math.nan, None)
    total = int(reduced.sum())
    expected = np.outer(reduced.sum(axis=1), reduced.sum(axis=0)) / total
    large = expected.min() >= 5  # Cochran's rule: the chi-squared approximation is accurate
    if not large or total <= EXACT_MAX_N:
        budget = max_work
    else:  # larger samples where chi-squared is accurate: exact only when it is cheap
        budget = max_work // 8 if total <= 5 * EXACT_MAX_N else 0
    p = fisher_exact_p(t, max_work=budget) if budget > 0 else None
    if p is not None:
        name = "fisher_exact" if reduced.shape == (2, 2) else "fisher_freeman_halton_exact"
        return TableTest(math.nan, p, math.nan, name)
    if large:
        from scipy.stats import chi2_contingency

        res = chi2_contingency(reduced, correction=False)
        return TableTest(float(res.statistic), float(res.pvalue), math.nan, "pearson_chi2")
    p, se = _monte_carlo_p(reduced, n_resamples, seed)
    return TableTest(math.nan, p, se, "fisher_freeman_halton_monte_carlo")


def independence_test(successes, totals, *, n_resamples: int = 9999, seed: int = 20200323, max_tables: int = MAX_WORK):
    """Test independence in a 2 x k table; exact whenever feasible (see `table_test`).

    Parameters
    ----------
    successes, totals : array_like of int
        Number with the characteristic and number of reviews in each of the k groups
        (groups with a total of 0 are dropped).
    n_resamples, seed : int
        Monte Carlo settings, used only when the exact test is over budget and some expected count
        is below 5.
    max_tables : int
        Budget of the exact computation (see `fisher_exact_p`); 0 skips it.

    Returns
    -------
    statistic, p_value : float
        ``statistic`` is Pearson's chi-squared for the chi-squared test, NaN for the others (their
        p-value comes from the exact or simulated null distribution). Both NaN when the table has
        fewer than two non-empty groups or an empty row (nothing to test).
    test : str or None
        ``"fisher_exact"`` (k = 2, two-sided, as R's ``fisher.test``), ``"fisher_freeman_halton_exact"``
        (k > 2), ``"fisher_freeman_halton_monte_carlo"`` or ``"pearson_chi2"``; None when not tested.
        `table_test` also returns the Monte Carlo standard error.

    Examples
    --------
    >>> stat, p, test = independence_test([3, 1], [4, 4])   # R fisher.test(matrix(c(3,1,1,3),2)): p = 0.4857
    >>> print(f"{p:.4f} {test}")
    0.4857 fisher_exact
    """
    res = independence_table_test(successes, totals, n_resamples=n_resamples, seed=seed, max_tables=max_tables)
    return res.statistic, res.p_value, res.test


def independence_table_test(
    successes, totals, *, n_resamples: int = 9999, seed: int = 20200323, max_tables: int = MAX_WORK
) -> TableTest:
    """As `independence_test`, returning the whole `TableTest` (with the Monte Carlo standard error)."""
    x = np.asarray(successes, dtype=np.int64)
    n = np.asarray(totals, dtype=np.int64)
    if x.shape != n.shape or x.ndim != 1 or (x < 0).any() or (x > n).any():
        raise ParameterError("independence_test: successes must lie between 0 and the group totals")
    keep = n > 0
    x, n = x[keep], n[keep]
    r, total = int(x.sum()), int(n.sum())
    if len(n) < 2 or r == 0 or r == total:
        return TableTest(math.nan, math.nan, math.nan, None)
    return table_test(np.vstack([x, n - x]), n_resamples=n_resamples, seed=seed, max_work=max_tables)


def _trend_distribution(totals, r: int, scores, max_states: int):
    """Exact null distribution of ``T = sum_j s_j x_j`` for non-negative integer scores.

    Dynamic programming over the columns: ``W[k, t]`` accumulates ``prod_j C(n_j, x_j)`` over
    partial tables with ``k`` successes so far and partial statistic ``t``, rescaled at each step
    so nothing overflows. Polynomial where enumerating tables is exponential, so the exact test
    reaches a few hundred reviews over many years. Returns (t values, probabilities) or None when
    the state array would exceed ``max_states``.
    """
    tmax = int(r * scores.max())
    if (r + 1) * (tmax + 1) > max_states:
        return None
    w = np.zeros((r + 1, tmax + 1))
    w[0, 0] = 1.0
    for nj, sj in zip(totals.tolist(), scores.tolist()):
        top = min(nj, r)
        logc = _log_choose(nj, np.arange(top + 1))
        c = np.exp(logc - logc.max())
        new = np.zeros_like(w)
        for xj in range(top + 1):
            shift = xj * sj
            new[xj:, shift:] += c[xj] * w[: r + 1 - xj, : tmax + 1 - shift]
        w = new / new.max()
    prob = w[r] / w[r].sum()
    return np.arange(tmax + 1, dtype=float), prob


def cochran_armitage(successes, totals, scores, *, exact: bool = True, max_tables: int = MAX_TABLES):
    """Cochran-Armitage test for a linear trend in proportions across ordered groups.

    The statistic is ``z = (T - E[T]) / sqrt(p(1 - p) * sum_j n_j (s_j - s_bar)^2)`` with
    ``T = sum_j s_j x_j``, so ``z**2`` is R's ``prop.trend.test`` statistic. With ``exact=True`` the
    two-sided p-value is the exact conditional one, ``P(|T - E[T]| >= |t - E[T]|)`` over all tables
    with the observed margins, whenever it is feasible (integer scores such as years: by dynamic
    programming over the distribution of T; other scores: by enumerating tables); otherwise it is
    ``2 * (1 - Phi(|z|))``.

    Parameters
    ----------
    successes, totals : array_like of int
        Counts with the characteristic and totals per ordered group (empty groups are dropped).
    scores : array_like of float
        The groups' scores (years, for a trend over time).
    exact : bool
        Use the exact conditional p-value when feasible.
    max_tables : int
        Largest enumeration attempted (see `enumerate_2xk`), and largest state array of the
        dynamic programme.

    Returns
    -------
    z, p_value, slope : float
        ``slope`` is the least-squares change in the proportion per unit of score, weighted by the
        group sizes. All NaN when there is nothing to test (fewer than two groups with reviews, or
        no variation in the outcome).
    test : str or None
        ``"cochran_armitage_exact"`` or ``"cochran_armitage"``; None when not tested.

    Examples
    --------
    >>> z, p, slope, test = cochran_armitage([83, 90, 129, 70], [86, 93, 136, 82], [1, 2, 3, 4], exact=False)
    >>> print(f"{z**2:.4f} {p:.6f}")   # R example(prop.trend.test): X-squared = 8.2249, p-value = 0.004132
    8.2249 0.004132
    """
    x = np.asarray(successes, dtype=float)
    n = np.asarray(totals, dtype=float)
    s = np.asarray(scores, dtype=float)
    if not (x.shape == n.shape == s.shape):
        raise ParameterError("cochran_armitage: successes, totals and scores must have the same length")
    keep = n > 0
    x, n, s = x[keep], n[keep], s[keep]
    total, r = n.sum(), x.sum()
    if len(n) < 2 or r == 0 or r == total or np.ptp(s) == 0:
        return math.nan, math.nan, math.nan, None
    pbar = r / total
    sbar = (n * s).sum() / total
    sxx = (n * (s - sbar) ** 2).sum()
    t_dev = (x * s).sum() - r * sbar  # T - E[T]
    z = t_dev / math.sqrt(pbar * (1 - pbar) * sxx)
    slope = t_dev / sxx
    if exact:
        xi, ni = x.astype(np.int64), n.astype(np.int64)
        shifted = s - s.min()
        if np.allclose(shifted, np.round(shifted)):  # integer scores (years): distribution of T by DP
            dist = _trend_distribution(ni, int(r), np.round(shifted).astype(np.int64), max_tables)
            if dist is not None:
                t_values, prob = dist
                dev = np.abs(t_values - r * (sbar - s.min()))
                p = float(prob[dev >= abs(t_dev) * (1 - 1e-7) - 1e-9].sum())
                return float(z), min(p, 1.0), float(slope), "cochran_armitage_exact"
        enum = enumerate_2xk(xi, ni, scores=s, max_tables=max_tables)
        if enum is not None:
            prob, stat = enum
            dev = np.abs(stat - r * sbar)
            p = float(prob[dev >= abs(t_dev) * (1 - 1e-7) - 1e-9].sum())
            return float(z), min(p, 1.0), float(slope), "cochran_armitage_exact"
    from scipy.stats import norm

    return float(z), float(2 * norm.sf(abs(z))), float(slope), "cochran_armitage"


def adjust_pvalues(p_values, *, method: str = "holm"):
    """Adjust p-values for multiple comparisons; NaN stays NaN and is left out of the family.

    Parameters
    ----------
    p_values : array_like of float
    method : {"holm", "fdr_bh", "none"}
        Holm's (1979) step-down method (controls the family-wise error rate), Benjamini and
        Hochberg's (1995) step-up method (controls the false discovery rate), or no adjustment.
        Computed by ``statsmodels.stats.multitest.multipletests``.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> adjust_pvalues([0.05, 0.03, 0.01, float("nan"), 0.5])   # R p.adjust(c(.05,.03,.01,.5), "holm")
    array([0.1 , 0.09, 0.04,  nan, 0.5 ])
    """
    check_choice("adjust", method, ADJUST_METHODS)
    p = np.asarray(p_values, dtype=float).copy()
    ok = ~np.isnan(p)
    if method == "none" or not ok.any():
        return p
    from statsmodels.stats.multitest import multipletests

    p[ok] = multipletests(p[ok], alpha=0.05, method=method, is_sorted=False, returnsorted=False)[1]
    return p
