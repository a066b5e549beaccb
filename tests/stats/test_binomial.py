"""Tests of cprstats.stats.intervals: the interval limits written out without statsmodels or scipy.stats.

References: statsmodels' ``proportion_confint`` (the implementation the package used before,
whose own tests check it against R package binom), compared over a grid of counts, denominators
and levels; and R ``binom::binom.confint(4, 20, tol = 1e-8)`` as stored in statsmodels'
``statsmodels/stats/tests/results/results_proportion.py``.
"""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest

from cprstats.stats.intervals import METHODS, binomial_limits

# our name -> statsmodels' name for the same interval
STATSMODELS = {"wilson": "wilson", "clopper-pearson": "beta", "jeffreys": "jeffreys"}


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("level", [0.8, 0.95, 0.99])
def test_same_limits_as_statsmodels(method, level):
    from statsmodels.stats.proportion import proportion_confint

    n = np.repeat(np.array([1, 2, 7, 20, 33, 160, 263, 5000]), 9)
    c = np.floor(n * np.tile(np.linspace(0, 1, 9), 8))
    inner = (c > 0) & (c < n)  # at 0 and n the beta limits are set by proportion_ci, not here
    low, high = binomial_limits(c, n, method=method, ci_level=level)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref_low, ref_high = proportion_confint(c, n, alpha=1 - level, method=STATSMODELS[method])
    np.testing.assert_allclose(low[inner], np.asarray(ref_low)[inner], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(high[inner], np.asarray(ref_high)[inner], rtol=1e-12, atol=1e-14)


def test_r_binom_reference():
    # R: binom::binom.confint(4, 20, tol = 1e-8), rows "wilson", "exact", "bayes" (Jeffreys)
    expected = {
        "wilson": (0.0806576625797981, 0.4160174322518935),
        "clopper-pearson": (0.05733399705003284, 0.436614002996668),
        "jeffreys": (0.07152005247873425, 0.4082257625169254),
    }
    for method, (lo, hi) in expected.items():
        low, high = binomial_limits([4], [20], method=method)
        assert (low[0], high[0]) == pytest.approx((lo, hi), abs=1e-8)


def test_beta_limits_at_the_boundaries_are_left_to_the_caller():
    low, high = binomial_limits([0, 5], [5, 5], method="clopper-pearson")
    assert np.isnan(low[0]) and np.isnan(high[1])  # a Beta shape of 0: proportion_ci sets 0 and 1


def test_wilson_needs_no_scipy_stats():
    code = (
        "import sys; from cprstats.stats.intervals import binomial_limits; binomial_limits([1], [3]); "
        "print('scipy.stats' in sys.modules or 'statsmodels' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
