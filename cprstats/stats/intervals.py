"""Confidence intervals for proportions, their differences and odds ratios, right for small samples.

A region has a handful of reviews a year, so every interval here keeps its coverage when counts
are tiny or zero: the Wilson score interval (the default), the Clopper-Pearson "exact" interval and
the Jeffreys interval for one proportion; Newcombe's hybrid score interval for a difference of two
proportions; the exact conditional (Fisher) interval for an odds ratio. All functions are vectorised
over counts and return unrounded floats; a denominator of 0 gives NaN, never an error.

References
----------
.. [1] Newcombe RG (1998). Two-sided confidence intervals for the single proportion: comparison of
   seven methods. Stat Med 17:857-872. doi:10.1002/(SICI)1097-0258(19980430)17:8<857::AID-SIM777>3.0.CO;2-E
.. [2] Newcombe RG (1998). Interval estimation for the difference between independent proportions:
   comparison of eleven methods. Stat Med 17:873-890.
   doi:10.1002/(SICI)1097-0258(19980430)17:8<873::AID-SIM779>3.0.CO;2-I
.. [3] Brown LD, Cai TT, DasGupta A (2001). Interval estimation for a binomial proportion.
   Statistical Science 16:101-133. doi:10.1214/ss/1009213286
.. [4] Clopper CJ, Pearson ES (1934). The use of confidence or fiducial limits illustrated in the
   case of the binomial. Biometrika 26:404-413. doi:10.1093/biomet/26.4.404
.. [5] Agresti A (2002). Categorical Data Analysis, 2nd ed., chapter 3 (exact conditional
   inference for 2x2 tables). Wiley. doi:10.1002/0471249688
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

import numpy as np

import cprstats._checks as _checks
from cprstats.errors import ParameterError

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = [
    "METHODS",
    "check_ci_level",
    "check_choice",
    "proportion_ci",
    "difference_ci",
    "odds_ratio_ci",
    "risk_ratio_ci",
    "log_choose",
    "binomial_limits",
]

METHODS = ("wilson", "clopper-pearson", "jeffreys")


def check_choice(name: str, value: Any, allowed: Iterable[str]) -> str:
    """Return ``value`` if it is exactly one of ``allowed``, else raise `ParameterError`.

    >>> check_choice("method", "wilson", METHODS)
    'wilson'
    >>> check_choice("method", "wilso", METHODS)
    Traceback (most recent call last):
    ...
    cprstats.errors.ParameterError: method='wilso' is not allowed; use one of ... (did you mean 'wilson'?)
    """
    allowed = tuple(allowed)
    return _checks.check_choice(name, value, allowed)


def check_ci_level(ci_level: Any) -> float:
    """Return ``ci_level`` as a float if it lies strictly between 0 and 1, else raise `ParameterError`.

    >>> check_ci_level(0.9)
    0.9
    >>> check_ci_level(95)
    Traceback (most recent call last):
    ...
    cprstats.errors.ParameterError: ci_level=95 must be a number strictly between 0 and 1 (e.g. 0.95 for a 95% interval)
    """
    ok = isinstance(ci_level, (int, float, np.floating, np.integer)) and not isinstance(ci_level, bool)
    if not ok or not (0.0 < float(ci_level) < 1.0):
        raise ParameterError(
            f"ci_level={ci_level!r} must be a number strictly between 0 and 1 (e.g. 0.95 for a 95% interval)"
        )
    return float(ci_level)


def _as_counts(count, n):
    count = np.asarray(count, dtype=float)
    n = np.asarray(n, dtype=float)
    if np.any(count < 0) or np.any(count > n):
        raise ParameterError("count must lie between 0 and n for every proportion")
    return np.broadcast_arrays(count, n)


def proportion_ci(
    count: ArrayLike, n: ArrayLike, *, method: str = "wilson", ci_level: float = 0.95
) -> tuple[float, float] | tuple[np.ndarray, np.ndarray]:
    """Two-sided confidence interval for a binomial proportion ``count / n``.

    Parameters
    ----------
    count, n : int or array_like of int
        Number of reviews with the characteristic and the denominator.
    method : {"wilson", "clopper-pearson", "jeffreys"}
        ``"wilson"``: the score interval, Newcombe's (1998) method 3, recommended for small samples.
        ``"clopper-pearson"``: the "exact" interval from beta quantiles (statsmodels ``"beta"``),
        conservative. ``"jeffreys"``: equal-tailed interval from the Beta(count + 1/2, n - count + 1/2)
        posterior, with Brown, Cai & DasGupta's (2001, section 4.1.2) boundary rule: lower limit 0
        when count is 0 and upper limit 1 when count equals n.
    ci_level : float
        Confidence level, strictly between 0 and 1.

    Returns
    -------
    low, high : float or numpy.ndarray
        The limits, within [0, 1]; NaN where ``n`` is 0.

    Examples
    --------
    >>> low, high = proportion_ci([0, 1], [20, 29], method="clopper-pearson")
    >>> [f"{v:.4f}" for v in (*low, *high)]     # Newcombe (1998) Table I, exact method
    ['0.0000', '0.0009', '0.1684', '0.1776']
    """
    check_choice("method", method, METHODS)
    level = check_ci_level(ci_level)
    scalar = np.ndim(count) == 0 and np.ndim(n) == 0
    count, n = _as_counts(count, n)
    low = np.full(count.shape, np.nan)
    high = np.full(count.shape, np.nan)
    ok = n > 0
    if ok.any():
        c, m = count[ok], n[ok]

        lo, hi = binomial_limits(c, m, method=method, ci_level=level)
        # At count 0 (count n) the lower (upper) limit is exactly 0 (1): Wilson and Clopper-Pearson
        # by their formulas (removes rounding such as 1e-19), Jeffreys by Brown, Cai & DasGupta's
        # (2001, section 4.1.2) boundary rule.
        lo = np.where(c == 0, 0.0, lo)
        hi = np.where(c == m, 1.0, hi)
        low[ok] = np.clip(lo, 0.0, 1.0)
        high[ok] = np.clip(hi, 0.0, 1.0)
    return (float(low), float(high)) if scalar else (low, high)


def difference_ci(
    count1: ArrayLike, n1: ArrayLike, count2: ArrayLike, n2: ArrayLike, *, ci_level: float = 0.95
) -> tuple[float, float] | tuple[np.ndarray, np.ndarray]:
    """Newcombe's hybrid score interval for the difference ``count1/n1 - count2/n2``.

    Method 10 of Newcombe (1998b): it combines the two Wilson score intervals, keeps its coverage
    with zero counts and never leaves [-1, 1]. Computed by statsmodels
    ``confint_proportions_2indep(method="newcomb", compare="diff", correction=False)``.

    Parameters
    ----------
    count1, n1, count2, n2 : int or array_like of int
        Counts and denominators of the two groups (group 1 minus group 2).
    ci_level : float
        Confidence level, strictly between 0 and 1.

    Returns
    -------
    low, high : float or numpy.ndarray
        NaN where either denominator is 0.

    Examples
    --------
    >>> low, high = difference_ci(56, 70, 48, 80)   # Newcombe (1998b) Table II, method 10
    >>> print(f"{low:.4f} {high:.4f}")
    0.0524 0.3339
    """
    level = check_ci_level(ci_level)
    scalar = all(np.ndim(v) == 0 for v in (count1, n1, count2, n2))
    c1, m1 = _as_counts(count1, n1)
    c2, m2 = _as_counts(count2, n2)
    c1, m1, c2, m2 = np.broadcast_arrays(c1, m1, c2, m2)
    low = np.full(c1.shape, np.nan)
    high = np.full(c1.shape, np.nan)
    ok = (m1 > 0) & (m2 > 0)
    if ok.any():
        from statsmodels.stats.proportion import confint_proportions_2indep

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # 0/0 inside statsmodels at p = 0 or 1
            lo, hi = confint_proportions_2indep(
                c1[ok],
                m1[ok],
                c2[ok],
                m2[ok],
                method="newcomb",
                compare="diff",
                alpha=1.0 - level,
                correction=False,
            )
        low[ok] = np.clip(np.asarray(lo, dtype=float), -1.0, 1.0)
        high[ok] = np.clip(np.asarray(hi, dtype=float), -1.0, 1.0)
    return (float(low), float(high)) if scalar else (low, high)


def _koopman_z2(theta: float, x1: float, n1: float, x2: float, n2: float) -> float:
    """Koopman's (1984) score statistic for ``H0: p1 / p2 = theta`` (squared).

    The restricted maximum likelihood estimates under ``p1 = theta * p2`` are those of Miettinen
    and Nurminen (1985, section 4), the root of ``A p2^2 + B p2 + C = 0`` written without
    cancellation; unlike their statistic there is no variance factor ``N / (N - 1)``.
    """
    a = (n1 + n2) * theta
    b = -(n1 * theta + x1 + n2 + x2 * theta)
    c = x1 + x2
    p2 = 2.0 * c / (-b + math.sqrt(max(b * b - 4.0 * a * c, 0.0)))
    p2 = min(max(p2, 0.0), 1.0)
    p1 = min(max(theta * p2, 0.0), 1.0)
    var = p1 * (1.0 - p1) / n1 + theta**2 * p2 * (1.0 - p2) / n2
    diff = x1 / n1 - theta * x2 / n2
    if var <= 0.0:
        return 0.0 if diff == 0.0 else math.inf
    return diff * diff / var


def _koopman_limit(x1: float, n1: float, x2: float, n2: float, start: float, step: float, q: float) -> float:
    """The odds ratio, from ``start`` in the direction of ``step`` (log scale), where z^2 reaches q."""
    from scipy.optimize import brentq

    f = lambda t: _koopman_z2(math.exp(t), x1, n1, x2, n2) - q
    inner, outer = start, start + step
    while f(outer) < 0.0:
        inner, outer = outer, outer + 2.0 * (outer - start)
        if abs(outer - start) > 700.0:  # beyond exp(+/-700): no finite limit
            return 0.0 if step < 0 else math.inf
    lo, hi = sorted((inner, outer))
    return math.exp(brentq(f, lo, hi, xtol=1e-13, rtol=1e-13, maxiter=500))


def risk_ratio_ci(
    count1: ArrayLike, n1: ArrayLike, count2: ArrayLike, n2: ArrayLike, *, ci_level: float = 0.95
) -> tuple[float, float] | tuple[np.ndarray, np.ndarray]:
    """Koopman's asymptotic score interval for the risk ratio ``(count1/n1) / (count2/n2)``.

    The interval holds every ratio ``theta`` that Koopman's (1984) score test of ``p1 = theta p2``
    does not reject: its limits are where the squared score statistic equals the chi-squared
    quantile. This is the Miettinen-Nurminen (1985) score interval without their variance factor
    ``N / (N - 1)`` (statsmodels ``confint_proportions_2indep(compare="ratio", method="score",
    correction=False)``), recommended for the ratio by Fagerland, Lydersen and Laake (2015). It
    is always consistent with Pearson's chi-squared test, keeps its coverage in small samples and
    handles zero counts: with ``count1 = 0`` the lower limit is 0, with ``count2 = 0`` the upper
    limit is infinite. Hand-written because statsmodels' closed form breaks down at those edges
    (it returns a single point for 0/10 against 12/12, and complex numbers when both proportions
    are 1).

    Parameters
    ----------
    count1, n1, count2, n2 : int or array_like of int
        Counts and denominators of the two groups (group 1 over group 2).
    ci_level : float
        Confidence level, strictly between 0 and 1.

    Returns
    -------
    low, high : float or numpy.ndarray
        NaN where either denominator is 0 or both counts are 0 (the ratio is not defined).

    References
    ----------
    Koopman PAR (1984). Confidence intervals for the ratio of two binomial proportions. Biometrics
    40:513-517. doi:10.2307/2531405.
    Miettinen O, Nurminen M (1985). Comparative analysis of two rates. Stat Med 4:213-226.
    doi:10.1002/sim.4780040211.
    Fagerland MW, Lydersen S, Laake P (2015). Recommended confidence intervals for two independent
    binomial proportions. Stat Methods Med Res 24:224-254. doi:10.1177/0962280211415469.

    Examples
    --------
    Perondi et al. (2004), 7 of 34 against 1 of 34 (Fagerland, Lydersen & Laake 2017, Statistical
    Analysis of Contingency Tables, chapter 4: Koopman 1.2209 to 42.5757):

    >>> low, high = risk_ratio_ci(7, 34, 1, 34)
    >>> print(f"{low:.4f} {high:.4f}")
    1.2209 42.5757
    """
    level = check_ci_level(ci_level)
    scalar = all(np.ndim(v) == 0 for v in (count1, n1, count2, n2))
    c1, m1 = _as_counts(count1, n1)
    c2, m2 = _as_counts(count2, n2)
    c1, m1, c2, m2 = np.broadcast_arrays(c1, m1, c2, m2)
    low = np.full(c1.shape, np.nan)
    high = np.full(c1.shape, np.nan)
    q = NormalDist().inv_cdf(0.5 + level / 2) ** 2
    for i in np.ndindex(c1.shape):
        x1, k1, x2, k2 = float(c1[i]), float(m1[i]), float(c2[i]), float(m2[i])
        if k1 == 0 or k2 == 0 or x1 + x2 == 0:
            continue
        if x1 == 0:  # ratio 0: lower limit 0
            low[i] = 0.0
            start = math.log((0.5 / k1) / (x2 / k2))  # any point below the upper limit
            high[i] = _koopman_limit(x1, k1, x2, k2, min(start, -1.0), 1.0, q)
            continue
        if x2 == 0:  # ratio infinite: upper limit infinite
            high[i] = math.inf
            start = math.log((x1 / k1) / (0.5 / k2))
            low[i] = _koopman_limit(x1, k1, x2, k2, max(start, 1.0), -1.0, q)
            continue
        centre = math.log((x1 / k1) / (x2 / k2))
        low[i] = _koopman_limit(x1, k1, x2, k2, centre, -0.5, q)
        high[i] = _koopman_limit(x1, k1, x2, k2, centre, 0.5, q)
    return (float(low), float(high)) if scalar else (low, high)


def log_choose(n: float | np.ndarray, k: float | np.ndarray) -> float | np.ndarray:
    """log C(n, k), elementwise."""
    from scipy.special import gammaln

    return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)


def _solve(f, target: float) -> float:
    """Root in theta of the increasing function ``f(theta) - target``, bracketed by doubling."""
    from scipy.optimize import brentq

    lo, hi = -1.0, 1.0
    while f(lo) > target and lo > -1e4:
        lo *= 2
    while f(hi) < target and hi < 1e4:
        hi *= 2
    return brentq(lambda t: f(t) - target, lo, hi, xtol=1e-13, rtol=1e-13, maxiter=500)


def _conditional(a: int, b: int, c: int, d: int, level: float) -> tuple[float, float, float]:
    """Conditional MLE and exact interval of the odds ratio (Fisher's noncentral hypergeometric).

    Hand-written rather than ``scipy.stats.contingency.odds_ratio(kind="conditional")`` because
    that takes seconds per table once the support reaches thousands (large data), while this
    evaluates each tail with one vectorised log-sum-exp: milliseconds. Both give the same numbers
    (checked in tests/stats/test_intervals.py).

    In large tables only a window of the support around ``a`` carries any probability at the odds
    ratios that matter; the window starts at 12 approximate standard deviations (Woolf's variance)
    either side of ``a`` and is widened until, at the estimate and both limits, every point left
    out has a probability below exp(-60) relative to the window's total (the weights are
    log-concave in x, so the tails beyond fall off at least as fast).
    """
    from scipy.special import logsumexp

    r1, r2, c1 = a + b, c + d, a + c
    lo, hi = max(0, c1 - r2), min(r1, c1)
    half_level = (1.0 - level) / 2
    sd = 1.0 / math.sqrt(sum(1.0 / (v + 0.5) for v in (a, b, c, d)))
    width = int(12 * sd) + 20
    while True:
        w_lo, w_hi = max(lo, a - width), min(hi, a + width)
        x = np.arange(w_lo, w_hi + 1, dtype=float)
        base = log_choose(r1, x) + log_choose(r2, c1 - x)
        upper_part, lower_part = x >= a, x <= a

        def log_weights(theta, base=base, x=x):
            w = base + x * theta
            return w - logsumexp(w)

        def mean(theta, log_weights=log_weights, x=x):
            return float(np.exp(log_weights(theta)) @ x)

        def upper_tail(theta, log_weights=log_weights, part=upper_part):  # P(X >= a), increasing in theta
            return float(np.exp(logsumexp(log_weights(theta)[part])))

        def minus_lower_tail(theta, log_weights=log_weights, part=lower_part):  # -P(X <= a), increasing
            return -float(np.exp(logsumexp(log_weights(theta)[part])))

        est = 0.0 if a == lo else math.inf if a == hi else math.exp(_solve(mean, a))
        low = 0.0 if a == lo else math.exp(_solve(upper_tail, half_level))
        high = math.inf if a == hi else math.exp(_solve(minus_lower_tail, -half_level))
        if w_lo == lo and w_hi == hi:
            return est, low, high
        thetas = [math.log(v) for v in (est, low, high) if 0.0 < v < math.inf]
        edges = [i for i, inner in ((0, w_lo > lo), (-1, w_hi < hi)) if inner]
        if all(log_weights(t)[i] < -60.0 for t in thetas for i in edges):
            return est, low, high
        width *= 4


def odds_ratio_ci(a: int, b: int, c: int, d: int, *, ci_level: float = 0.95) -> tuple[float, float, float, str]:
    """Odds ratio of the 2x2 table ``[[a, b], [c, d]]`` (odds a/b over odds c/d) with its interval.

    Always the exact conditional (Fisher) estimate and interval, whatever the size of the table: the
    conditional maximum likelihood estimate (as R's ``fisher.test``) and the interval that inverts
    the two one-sided exact tests (Cornfield's exact interval), so they are right for tiny tables,
    zero cells and large tables with one small cell alike (an estimate of 0 or infinity comes with a
    one-sided bound). Woolf's logit interval is not used: in a large table with a small cell it
    does not agree with the exact interval (``odds_ratio_ci(5, 9995, 6000, 4000)``: Woolf 0.000139
    to 0.000802, exact 0.000108 to 0.000780). Each limit is found to a relative accuracy of about
    1e-12, where R's ``fisher.test`` stops its ``uniroot`` at an absolute 1.2e-4 on the odds-ratio
    scale (so R's limits below about 0.01 are off in the second significant digit).

    Parameters
    ----------
    a, b, c, d : int
        Cell counts: group 1 with/without, group 2 with/without.
    ci_level : float
        Confidence level, strictly between 0 and 1.

    Returns
    -------
    estimate, low, high : float
        NaN when a row or column of the table is empty (the odds ratio is not defined).
    method : str
        ``"fisher_conditional"``; empty when NaN.

    References
    ----------
    Agresti A (2002), Categorical Data Analysis, 2nd ed., section 3.6, doi:10.1002/0471249688;
    Cornfield J (1956), A statistical problem arising from retrospective studies, Proc Third
    Berkeley Symp Math Stat Prob 4:135-148.

    Examples
    --------
    >>> est, low, high, how = odds_ratio_ci(3, 1, 1, 3)   # Fisher's tea-tasting table
    >>> print(f"{est:.4f} {low:.4f} {how}")              # R fisher.test: 6.408309, 0.2117329
    6.4083 0.2117 fisher_conditional
    >>> est, low, high, how = odds_ratio_ci(5, 9995, 6000, 4000)   # one small cell in 20,000
    >>> print(f"{low:.4e} {high:.4e}")   # R fisher.test, uniroot tol 1e-13: 1.081912e-04 7.798119e-04
    1.0819e-04 7.7981e-04
    """
    level = check_ci_level(ci_level)
    table = np.array([[a, b], [c, d]], dtype=np.int64)
    if (table < 0).any():
        raise ParameterError(f"odds_ratio_ci: cell counts must be non-negative, got {table.tolist()}")
    if (table.sum(axis=0) == 0).any() or (table.sum(axis=1) == 0).any():
        return math.nan, math.nan, math.nan, ""
    a, b, c, d = (int(v) for v in table.ravel())
    return (*_conditional(a, b, c, d, level), "fisher_conditional")


# ------------------------------------------------------------
# The limits of the three single-proportion intervals, computed without statsmodels or scipy.stats.
# ------------------------------------------------------------


def binomial_limits(
    count: ArrayLike, n: ArrayLike, *, method: str = "wilson", ci_level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Raw lower and upper limits of a two-sided interval for ``count / n`` (``n > 0``).

    Parameters
    ----------
    count, n : array_like of float
        Counts and denominators, already checked (0 <= count <= n, n > 0).
    method : {"wilson", "clopper-pearson", "jeffreys"}
    ci_level : float

    Returns
    -------
    low, high : numpy.ndarray
        Unclipped: Wilson's limits may leave [0, 1] by rounding, and the beta limits are NaN
        where a shape parameter is 0 (the lower limit at count 0, the upper at count n).
        `cprstats.stats.intervals.proportion_ci` sets those to exactly 0 and 1 and clips.

    Examples
    --------
    Newcombe (1998, Stat Med 17:857-872) Table I, 81 of 263: Wilson 0.2553 to 0.3662,
    Clopper-Pearson 0.2527 to 0.3676.

    >>> low, high = binomial_limits([81], [263])
    >>> print(f"{low[0]:.4f} {high[0]:.4f}")
    0.2553 0.3662
    >>> low, high = binomial_limits([81], [263], method="clopper-pearson")
    >>> print(f"{low[0]:.4f} {high[0]:.4f}")
    0.2527 0.3676
    """
    c = np.asarray(count, dtype=float)
    m = np.asarray(n, dtype=float)
    tail = (1.0 - ci_level) / 2.0
    if method == "wilson":
        z2 = NormalDist().inv_cdf(1.0 - tail) ** 2
        p = c / m
        denom = 1.0 + z2 / m
        center = (p + z2 / (2.0 * m)) / denom
        dist = math.sqrt(z2) * np.sqrt(p * (1.0 - p) / m + z2 / (4.0 * m**2)) / denom
        return center - dist, center + dist
    from scipy.special import betaincinv

    if method == "clopper-pearson":  # Beta(c, n - c + 1) and Beta(c + 1, n - c) quantiles
        return betaincinv(c, m - c + 1.0, tail), betaincinv(c + 1.0, m - c, 1.0 - tail)
    # Jeffreys: the equal-tailed interval of the Beta(c + 1/2, n - c + 1/2) posterior
    return betaincinv(c + 0.5, m - c + 0.5, tail), betaincinv(c + 0.5, m - c + 0.5, 1.0 - tail)
