"""The limits of the three single-proportion intervals, computed without statsmodels or scipy.stats.

`cprstats.intervals.proportion_ci` checks its arguments, then calls `binomial_limits` for the
reviews with a denominator. The formulas are those of statsmodels' ``proportion_confint``
(methods ``"wilson"``, ``"beta"`` and ``"jeffreys"``), which the package used before; they are
written out here because importing statsmodels' proportion module imports scipy.stats, 1.1 s
that was most of the cost of a notebook that only tabulates proportions. The Wilson interval
needs only the standard library's normal quantile (Wichura's algorithm AS 241); the beta
intervals need ``scipy.special.betaincinv`` (the same Boost routine scipy.stats' beta
quantile calls).

References
----------
Wilson EB (1927), JASA 22:209-212, doi:10.1080/01621459.1927.10502953;
Clopper CJ, Pearson ES (1934), Biometrika 26:404-413, doi:10.1093/biomet/26.4.404;
Brown LD, Cai TT, DasGupta A (2001), Statist Sci 16:101-133, doi:10.1214/ss/1009213286.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

__all__ = ["binomial_limits"]


def binomial_limits(count, n, *, method: str = "wilson", ci_level: float = 0.95):
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
        `cprstats.intervals.proportion_ci` sets those to exactly 0 and 1 and clips.

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
