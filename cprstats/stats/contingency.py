"""Exact and approximate tests for 2 x k tables, the Cochran-Armitage trend test and p-value adjustment.

The statistics functions (`cprstats.compare`, `cprstats.trend`) call these on one small table per
variable level. Exact tests are preferred: the null distribution of a 2 x k table with fixed margins
(the multivariate hypergeometric) is enumerated whenever it has at most `MAX_TABLES` tables, which
covers every realistic sample of Child Practice Reviews. Only larger tables fall back to a Monte
Carlo p-value with a fixed seed, or to the chi-squared approximation when every expected count is
at least 5 (Cochran's rule), where it is accurate.

Why hand-written: scipy's ``fisher_exact`` gives an exact p-value only for 2 x 2 tables (for r x c it
offers Monte Carlo or permutation resampling), and neither scipy nor statsmodels has an exact
Cochran-Armitage test. The enumeration below is the textbook definition, vectorised over tables.

References
----------
.. [1] Freeman GH, Halton JH (1951). Note on an exact treatment of contingency, goodness of fit
   and other problems of significance. Biometrika 38:141-149. doi:10.1093/biomet/38.1-2.141
.. [2] Armitage P (1955). Tests for linear trends in proportions and frequencies. Biometrics
   11:375-386. doi:10.2307/3001775
.. [3] Agresti A (2002). Categorical Data Analysis, 2nd ed., chapter 3 (trend tests for ordinal tables; exact tests). Wiley.
   doi:10.1002/0471249688
.. [4] Holm S (1979). A simple sequentially rejective multiple test procedure. Scand J Stat
   6:65-70. https://www.jstor.org/stable/4615733
.. [5] Benjamini Y, Hochberg Y (1995). Controlling the false discovery rate: a practical and
   powerful approach to multiple testing. J R Stat Soc B 57:289-300.
   doi:10.1111/j.2517-6161.1995.tb02031.x
"""

from __future__ import annotations

import math

import numpy as np

from cprstats.errors import ParameterError
from cprstats.stats.intervals import check_choice
from cprstats.stats.intervals import log_choose as _log_choose

__all__ = [
    "MAX_TABLES",
    "ADJUST_METHODS",
    "enumerate_2xk",
    "independence_test",
    "cochran_armitage",
    "adjust_pvalues",
]

MAX_TABLES = 1_000_000
ADJUST_METHODS = ("holm", "fdr_bh", "none")
_REL_ERR = 1 + 1e-7  # ties in probability, as R's fisher.test


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


def independence_test(
    successes, totals, *, n_resamples: int = 9999, seed: int = 20200323, max_tables: int = MAX_TABLES
):
    """Test independence in a 2 x k table; exact whenever feasible.

    Parameters
    ----------
    successes, totals : array_like of int
        Number with the characteristic and number of reviews in each of the k groups
        (groups with a total of 0 are dropped).
    n_resamples, seed : int
        Monte Carlo settings, used only when exact enumeration is infeasible and some expected
        count is below 5.
    max_tables : int
        Largest enumeration attempted (see `enumerate_2xk`).

    Returns
    -------
    statistic, p_value : float
        ``statistic`` is Pearson's chi-squared for the chi-squared test, NaN for the others (their
        p-value comes from the exact or simulated null distribution). Both NaN when the table has
        fewer than two non-empty groups or an empty row (nothing to test).
    test : str or None
        ``"fisher_exact"`` (k = 2, two-sided, as R's ``fisher.test``), ``"fisher_freeman_halton_exact"``
        (k > 2), ``"fisher_freeman_halton_monte_carlo"`` or ``"pearson_chi2"``; None when not tested.

    Examples
    --------
    >>> stat, p, test = independence_test([3, 1], [4, 4])   # R fisher.test(matrix(c(3,1,1,3),2)): p = 0.4857
    >>> print(f"{p:.4f} {test}")
    0.4857 fisher_exact
    """
    x = np.asarray(successes, dtype=np.int64)
    n = np.asarray(totals, dtype=np.int64)
    if x.shape != n.shape or (x < 0).any() or (x > n).any():
        raise ParameterError("independence_test: successes must lie between 0 and the group totals")
    keep = n > 0
    x, n = x[keep], n[keep]
    r, total = int(x.sum()), int(n.sum())
    if len(n) < 2 or r == 0 or r == total:
        return math.nan, math.nan, None
    enum = enumerate_2xk(x, n, max_tables=max_tables)
    if enum is not None:
        prob, _ = enum
        p_obs = math.exp(float(_log_choose(n, x).sum() - _log_choose(total, r)))
        p = float(prob[prob <= p_obs * _REL_ERR].sum())
        return math.nan, min(p, 1.0), "fisher_exact" if len(n) == 2 else "fisher_freeman_halton_exact"
    table = np.vstack([x, n - x])
    expected = np.outer(table.sum(axis=1), n) / total
    if expected.min() >= 5:
        from scipy.stats import chi2_contingency

        res = chi2_contingency(table, correction=False)
        return float(res.statistic), float(res.pvalue), "pearson_chi2"
    from scipy.stats import MonteCarloMethod, fisher_exact

    method = MonteCarloMethod(n_resamples=n_resamples, rng=np.random.default_rng(seed))
    res = fisher_exact(table, method=method)
    return math.nan, float(res.pvalue), "fisher_freeman_halton_monte_carlo"


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
