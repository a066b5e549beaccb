"""Tests of cprstats.stats.intervals against published and R-computed reference values.

Every reference value names its source. "R binom" values are R package binom's
``binom.confint(x, n, tol = 1e-8)`` output as stored (with the R call) in statsmodels'
``statsmodels/stats/tests/results/results_proportion.py``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import beta, nchypergeom_fisher, norm

from cprstats.errors import ParameterError
from cprstats.stats.intervals import (
    METHODS,
    check_ci_level,
    difference_ci,
    odds_ratio_ci,
    proportion_ci,
    risk_ratio_ci,
)

# Newcombe RG (1998) Stat Med 17:857-872, Table I: 95% intervals, 4 decimals.
NEWCOMBE_TABLE_I = [
    # count, n, Wilson (method 3), exact Clopper-Pearson (method 5)
    (81, 263, (0.2553, 0.3662), (0.2527, 0.3676)),
    (15, 148, (0.0624, 0.1605), (0.0578, 0.1617)),
    (0, 20, (0.0000, 0.1611), (0.0000, 0.1684)),
    (1, 29, (0.0061, 0.1718), (0.0009, 0.1776)),
]


@pytest.mark.parametrize("count, n, wilson, exact", NEWCOMBE_TABLE_I)
def test_single_proportion_matches_newcombe_table_i(count, n, wilson, exact):
    for method, expected in (("wilson", wilson), ("clopper-pearson", exact)):
        low, high = proportion_ci(count, n, method=method)
        assert low == pytest.approx(expected[0], abs=5e-5)
        assert high == pytest.approx(expected[1], abs=5e-5)


# R binom::binom.confint(x, n, tol = 1e-8), rows "bayes" (Jeffreys prior, equal tails), "exact", "wilson"
R_BINOM = {
    (18, 20): {
        "jeffreys": (0.716146742695748, 0.97862751197755),
        "clopper-pearson": (0.6830172859809176, 0.9876514728297052),
        "wilson": (0.6989663547715128, 0.972133518786232),
    },
    (4, 20): {
        "jeffreys": (0.07152005247873425, 0.4082257625169254),
        "clopper-pearson": (0.05733399705003284, 0.436614002996668),
        "wilson": (0.0806576625797981, 0.4160174322518935),
    },
    (4, 200): {
        "jeffreys": (0.00678759879519299, 0.0468465669668423),
        "clopper-pearson": (0.005475565879556443, 0.05041360908989634),
        "wilson": (0.00780442641634947, 0.05028708690582643),
    },
}


@pytest.mark.parametrize("case", list(R_BINOM))
@pytest.mark.parametrize("method", METHODS)
def test_single_proportion_matches_r_binom(case, method):
    low, high = proportion_ci(*case, method=method)
    assert (low, high) == pytest.approx(R_BINOM[case][method], abs=1e-8)


def test_vectorised_call_equals_scalar_calls():
    counts, ns = np.array([81, 15, 0, 1]), np.array([263, 148, 20, 29])
    low, high = proportion_ci(counts, ns, method="wilson")
    for i, (c, n) in enumerate(zip(counts, ns)):
        assert (low[i], high[i]) == proportion_ci(int(c), int(n))


def test_jeffreys_boundary_rule_of_brown_cai_dasgupta():
    # Brown, Cai & DasGupta (2001) section 4.1.2: lower limit 0 at x = 0, upper limit 1 at x = n;
    # the other limit is the Beta(x + 1/2, n - x + 1/2) quantile (the interval's definition).
    low, high = proportion_ci(0, 20, method="jeffreys")
    assert low == 0.0
    assert high == pytest.approx(beta.ppf(0.975, 0.5, 20.5), rel=1e-12)
    low, high = proportion_ci(20, 20, method="jeffreys")
    assert high == 1.0
    assert low == pytest.approx(beta.ppf(0.025, 20.5, 0.5), rel=1e-12)


def test_wilson_at_zero_has_closed_form():
    # Wilson (1927): at x = 0 the upper limit is z^2 / (n + z^2)
    z2 = norm.ppf(0.975) ** 2
    assert proportion_ci(0, 10)[1] == pytest.approx(z2 / (10 + z2), rel=1e-12)


def test_zero_denominator_gives_nan_not_an_error():
    low, high = proportion_ci([0, 3], [0, 4])
    assert math.isnan(low[0]) and math.isnan(high[0])
    assert not math.isnan(low[1])
    assert all(math.isnan(v) for v in difference_ci(0, 0, 1, 2))


@pytest.mark.parametrize("bad", [0, 1, 95, -0.5, True, "0.95", None])
def test_ci_level_must_be_strictly_between_0_and_1(bad):
    with pytest.raises(ParameterError, match="ci_level"):
        check_ci_level(bad)


def test_unknown_method_is_named_with_a_suggestion():
    with pytest.raises(ParameterError, match=r"method='Wilson' is not allowed.*did you mean 'wilson'"):
        proportion_ci(1, 2, method="Wilson")
    with pytest.raises(ParameterError, match="clopper-pearson"):
        proportion_ci(1, 2, method="beta")  # statsmodels' name is not ours: exact names only


def test_count_above_n_is_refused():
    with pytest.raises(ParameterError, match="between 0 and n"):
        proportion_ci(5, 4)


@settings(max_examples=150, deadline=None)
@given(n=st.integers(1, 400), data=st.data(), method=st.sampled_from(METHODS), level=st.floats(0.5, 0.999))
def test_interval_contains_estimate_and_stays_in_unit_interval(n, data, method, level):
    count = data.draw(st.integers(0, n))
    low, high = proportion_ci(count, n, method=method, ci_level=level)
    assert 0.0 <= low <= count / n <= high <= 1.0
    narrower = proportion_ci(count, n, method=method, ci_level=level / 2)
    assert low <= narrower[0] + 1e-12 and narrower[1] <= high + 1e-12


# Newcombe RG (1998) Stat Med 17:873-890, Table II, method 10 (hybrid score), 95%;
# the same two examples are checked in R package propint's tests (ci.two.indep.props).
NEWCOMBE_TABLE_II = [((56, 70, 48, 80), (0.0524, 0.3339)), ((9, 10, 3, 10), (0.1705, 0.8090))]


@pytest.mark.parametrize("counts, expected", NEWCOMBE_TABLE_II)
def test_difference_matches_newcombe_table_ii(counts, expected):
    assert difference_ci(*counts) == pytest.approx(expected, abs=5e-5)


def test_difference_with_zero_in_both_groups_is_plus_minus_wilson_upper_limit():
    # Newcombe's method 10 with p1 = p2 = 0: limits are -u2 and u1, the Wilson upper limits
    low, high = difference_ci(0, 10, 0, 20)
    assert low == pytest.approx(-proportion_ci(0, 20)[1], rel=1e-12)
    assert high == pytest.approx(proportion_ci(0, 10)[1], rel=1e-12)


@settings(max_examples=100, deadline=None)
@given(n1=st.integers(1, 60), n2=st.integers(1, 60), data=st.data())
def test_difference_interval_contains_estimate(n1, n2, data):
    c1, c2 = data.draw(st.integers(0, n1)), data.draw(st.integers(0, n2))
    low, high = difference_ci(c1, n1, c2, n2)
    assert -1.0 <= low <= c1 / n1 - c2 / n2 + 1e-12 and c1 / n1 - c2 / n2 - 1e-12 <= high <= 1.0


# R fisher.test conditional MLE and interval. R finds both with uniroot at its default tolerance
# (.Machine$double.eps^0.25 = 1.2e-4) on the odds-ratio scale below 1 and on 1/odds ratio above 1,
# so R's limits are only that accurate; the exact limits are also checked from their definition.
R_FISHER = [
    # table, R estimate, R interval, source
    ((3, 1, 1, 3), 6.408309, (0.2117329, 621.9337505), "R example(fisher.test), TeaTasting, two-sided"),
    ((21, 3, 14, 10), 4.83119, (1.00557, 32.20580), "R output quoted in RaphaFang/SDU-DataScience-2025 fisher_test.R"),
]
R_UNIROOT_TOL = 1.3e-4


@pytest.mark.parametrize("table, estimate, interval, source", R_FISHER)
def test_odds_ratio_matches_r_fisher_test(table, estimate, interval, source):
    est, low, high, how = odds_ratio_ci(*table)
    assert how == "fisher_conditional"
    assert est == pytest.approx(estimate, abs=5e-5)  # 4 decimals
    assert abs(low - interval[0]) <= R_UNIROOT_TOL
    assert abs(1 / high - 1 / interval[1]) <= R_UNIROOT_TOL


@pytest.mark.parametrize("table", [(3, 1, 1, 3), (21, 3, 14, 10), (2, 10, 15, 3), (0, 5, 3, 4)])
def test_exact_odds_ratio_limits_solve_their_defining_equations(table):
    # Agresti (2002) chapter 3, exact conditional inference: the limits are the odds ratios at which each
    # one-sided exact (conditional, noncentral hypergeometric) tail probability of the observed a equals alpha/2;
    # the conditional MLE makes the conditional mean equal to a.
    a, b, c, d = table
    est, low, high, _ = odds_ratio_ci(a, b, c, d)
    total, row1, col1 = a + b + c + d, a + b, a + c
    if low > 0:
        assert nchypergeom_fisher.sf(a - 1, total, col1, row1, low) == pytest.approx(0.025, abs=1e-6)
    if math.isfinite(high):
        assert nchypergeom_fisher.cdf(a, total, col1, row1, high) == pytest.approx(0.025, abs=1e-6)
    if 0 < est < math.inf:
        assert nchypergeom_fisher.mean(total, col1, row1, est) == pytest.approx(a, abs=1e-6)


def test_odds_ratio_with_a_zero_cell_has_a_one_sided_bound():
    est, low, high, _ = odds_ratio_ci(0, 5, 3, 4)
    assert est == 0.0 and low == 0.0 and 0 < high < math.inf


def test_odds_ratio_of_empty_margin_is_nan():
    est, low, high, how = odds_ratio_ci(0, 5, 0, 4)  # level present in neither group
    assert math.isnan(est) and math.isnan(low) and math.isnan(high) and how == ""


def test_large_tables_use_the_exact_interval_too():
    # Until issue 15 a large table without a cell below 5 got Woolf's logit interval (pinned here as
    # "woolf"). The exact interval is now used throughout; on a large balanced table it is close
    # to Woolf's (1955) exp(log OR +/- z * sqrt(1/a + 1/b + 1/c + 1/d)), computed here by hand ...
    a, b, c, d = 2500, 7500, 2000, 8000
    est, low, high, how = odds_ratio_ci(a, b, c, d)
    assert how == "fisher_conditional"
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    z = norm.ppf(0.975)
    woolf = a * d / (b * c)
    assert (est, low, high) == pytest.approx((woolf, woolf * math.exp(-z * se), woolf * math.exp(z * se)), rel=1e-3)
    # ... but not on a large table with one small cell, where Woolf's 0.000139 to 0.000802 is wrong:
    # R 4.2.2, fisher.test(matrix(c(5, 6000, 9995, 4000), 2)) with its uniroot calls at tol = 1e-13
    # (tests/stats/test_reference_r.py): estimate 0.0003335832159, interval 0.000108191247 to 0.0007798118501.
    est, low, high, how = odds_ratio_ci(5, 9995, 6000, 4000)
    assert (est, low, high) == pytest.approx((0.0003335832159, 0.000108191247, 0.0007798118501), rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(cells=st.tuples(*[st.integers(0, 12)] * 4))
def test_conditional_odds_ratio_agrees_with_scipy(cells):
    # scipy.stats.contingency.odds_ratio(kind="conditional") is an independent implementation of the
    # same conditional MLE and exact interval (ours is hand-written for speed on large tables)
    from scipy.stats.contingency import odds_ratio

    table = np.array(cells).reshape(2, 2)
    if (table.sum(axis=0) == 0).any() or (table.sum(axis=1) == 0).any():
        return
    est, low, high, _ = odds_ratio_ci(*cells)
    ref = odds_ratio(table, kind="conditional")
    ci = ref.confidence_interval(confidence_level=0.95)
    for ours, theirs in ((est, ref.statistic), (low, ci.low), (high, ci.high)):
        assert ours == pytest.approx(float(theirs), rel=1e-7)


def test_exact_odds_ratio_is_fast_on_large_tables_with_a_zero_cell():
    import time

    start = time.perf_counter()
    est, low, high, how = odds_ratio_ci(0, 50_000, 30, 49_970)
    assert time.perf_counter() - start < 2.0
    assert (est, low, how) == (0.0, 0.0, "fisher_conditional") and 0 < high < 1


# Koopman (1984) asymptotic score interval for the risk ratio. Perondi et al. (2004), 7/34 vs 1/34:
# Fagerland, Lydersen & Laake (2017), Statistical Analysis of Contingency Tables, chapter 4, as
# checked in the tests of their R package contingencytables (tests/testthat/test-chapter4.R:
# Koopman_asymptotic_score_CI_2x2(perondi_2004) -> "estimate = 7.0000 (95% CI 1.2209 to 42.5757)").
def test_risk_ratio_matches_fagerland_lydersen_laake():
    assert risk_ratio_ci(7, 34, 1, 34) == pytest.approx((1.2209, 42.5757), abs=5e-5)


@settings(max_examples=150, deadline=None)
@given(n1=st.integers(2, 150), n2=st.integers(2, 150), data=st.data())
def test_risk_ratio_agrees_with_statsmodels_koopman(n1, n2, data):
    # statsmodels confint_proportions_2indep(method="score", compare="ratio", correction=False) solves
    # the same score equation in closed form (reliable away from zero counts and proportions of 1)
    from statsmodels.stats.proportion import confint_proportions_2indep

    c1, c2 = data.draw(st.integers(1, n1 - 1)), data.draw(st.integers(1, n2 - 1))
    ref = confint_proportions_2indep(c1, n1, c2, n2, method="score", compare="ratio", correction=False)
    assert risk_ratio_ci(c1, n1, c2, n2) == pytest.approx([float(np.real(v)) for v in ref], rel=1e-6)


def _koopman_chi2(theta, x1, n1, x2, n2):
    # Koopman (1984) eq. 2 written out independently: the restricted MLE maximises the binomial
    # likelihood under p1 = theta * p2 (found numerically here), then the score statistic.
    from scipy.optimize import minimize_scalar

    def nll(p2):
        p1 = theta * p2
        return -(x1 * np.log(p1) + (n1 - x1) * np.log1p(-p1) + x2 * np.log(p2) + (n2 - x2) * np.log1p(-p2))

    p2 = minimize_scalar(
        nll, bounds=(1e-12, min(1.0, 1.0 / theta) - 1e-12), method="bounded", options={"xatol": 1e-13}
    ).x
    p1 = theta * p2
    return (x1 / n1 - theta * x2 / n2) ** 2 / (p1 * (1 - p1) / n1 + theta**2 * p2 * (1 - p2) / n2)


@pytest.mark.parametrize("counts", [(0, 10, 3, 12), (3, 10, 0, 12), (10, 10, 12, 12), (0, 10, 12, 12), (1, 1, 1, 1)])
def test_risk_ratio_limits_at_zero_counts_and_full_groups_solve_the_score_equation(counts):
    low, high = risk_ratio_ci(*counts)
    q = norm.ppf(0.975) ** 2
    x1, n1, x2, n2 = counts
    if x1 == 0:
        assert low == 0.0
    else:
        assert _koopman_chi2(low, *counts) == pytest.approx(q, rel=1e-4)
    if x2 == 0:
        assert high == math.inf
    else:
        assert _koopman_chi2(high, *counts) == pytest.approx(q, rel=1e-4)
    assert low <= (x1 / n1) / (x2 / n2) if x2 else True


def test_risk_ratio_undefined_is_nan():
    assert all(math.isnan(v) for v in risk_ratio_ci(0, 10, 0, 12))
    assert all(math.isnan(v) for v in risk_ratio_ci(0, 0, 3, 12))
    low, high = risk_ratio_ci([7, 0], [34, 10], [1, 0], [34, 12])
    assert low[0] == pytest.approx(1.2209, abs=5e-5) and math.isnan(low[1]) and math.isnan(high[1])
