"""Tests of cprstats.stats.contingency: exact 2 x k tests, Cochran-Armitage and p-value adjustment.

Every reference value names its source.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import fisher_exact

import cprstats.stats.contingency as ct
from cprstats.errors import ParameterError


def test_enumeration_is_the_hypergeometric_distribution():
    # Fisher's tea tasting (Agresti 2002, chapter 3): P(x) = C(4,x) C(4,4-x) / C(8,4)
    prob, _ = ct.enumerate_2xk([3, 1], [4, 4])
    assert prob * 70 == pytest.approx([1, 16, 36, 16, 1])
    # Cardillo G (2007) MyFisher23 (github.com/dnafinder/myfisher), documented example
    # [0 3 2; 6 5 1]: 18 tables with these margins
    prob, _ = ct.enumerate_2xk([0, 3, 2], [6, 8, 3])
    assert len(prob) == 18 and prob.sum() == pytest.approx(1.0)


def test_two_by_two_matches_r_fisher_test():
    # R example(fisher.test): fisher.test(TeaTasting) two-sided p-value = 0.4857
    stat, p, test = ct.independence_test([3, 1], [4, 4])
    assert (round(p, 4), test) == (0.4857, "fisher_exact") and math.isnan(stat)
    # R output quoted in RaphaFang/SDU-DataScience-2025 fisher_test.R: matrix(c(21,3,14,10), 2, byrow=TRUE),
    # p-value = 0.04899 (columns of that table are our groups)
    assert ct.independence_test([21, 14], [24, 24])[1] == pytest.approx(0.04899, abs=5e-6)


def test_two_by_three_matches_cardillo_myfisher23():
    # Cardillo G (2007) MyFisher23, documented example [0 3 2; 6 5 1]: two-tailed p = 0.088235
    stat, p, test = ct.independence_test([0, 3, 2], [6, 8, 3])
    assert p == pytest.approx(0.088235, abs=5e-7)
    assert test == "fisher_freeman_halton_exact"


@settings(max_examples=60, deadline=None)
@given(n1=st.integers(1, 25), n2=st.integers(1, 25), data=st.data())
def test_two_by_two_enumeration_agrees_with_scipy_fisher_exact(n1, n2, data):
    a, c = data.draw(st.integers(0, n1)), data.draw(st.integers(0, n2))
    _, p, _ = ct.independence_test([a, c], [n1, n2])
    if a + c in (0, n1 + n2):
        assert math.isnan(p)
    else:
        assert p == pytest.approx(fisher_exact([[a, n1 - a], [c, n2 - c]]).pvalue, rel=1e-9)


def test_large_tables_fall_back_to_chi_squared_when_expected_counts_allow():
    # R prop.test(smokers, patients) with smokers <- c(83, 90, 129, 70), patients <- c(86, 93, 136, 82)
    # (example(prop.test)): "X-squared = 12.6, df = 3, p-value = 0.005585" (output quoted at
    # matstat.org/content_en/R-course/proptest.html); every expected count is at least 5.
    stat, p, test = ct.independence_test([83, 90, 129, 70], [86, 93, 136, 82], max_tables=0)
    assert test == "pearson_chi2"
    assert round(stat, 1) == 12.6 and p == pytest.approx(0.005585, abs=5e-7)


def test_monte_carlo_fallback_is_seeded_and_close_to_exact():
    args = ([8, 2, 3], [9, 7, 7])  # scipy fisher_exact docstring table [[8, 2, 3], [1, 5, 4]]
    exact = ct.independence_test(*args)[1]
    s1, p1, t1 = ct.independence_test(*args, max_tables=0, n_resamples=20000, seed=7)
    s2, p2, _ = ct.independence_test(*args, max_tables=0, n_resamples=20000, seed=7)
    assert t1 == "fisher_freeman_halton_monte_carlo" and p1 == p2
    assert abs(p1 - exact) < 4 * math.sqrt(exact * (1 - exact) / 20000)  # within Monte Carlo error


@pytest.mark.parametrize("x, n", [([0, 0], [3, 4]), ([3, 4], [3, 4]), ([1, 0], [2, 0]), ([2], [5])])
def test_nothing_to_test_gives_nan(x, n):
    assert ct.independence_test(x, n)[1:] == (pytest.approx(math.nan, nan_ok=True), None)


def test_bad_counts_are_refused():
    with pytest.raises(ParameterError):
        ct.independence_test([5, 1], [4, 4])


def test_cochran_armitage_matches_r_prop_trend_test():
    # R example(prop.trend.test): prop.trend.test(smokers, patients) gives
    # "X-squared = 8.2249, df = 1, p-value = 0.004132" (output quoted in the R-help thread
    # "Chi-squared Test for Trend in Proportions", R. Barradas, 8 Sep 2023)
    z, p, slope, test = ct.cochran_armitage([83, 90, 129, 70], [86, 93, 136, 82], [1, 2, 3, 4], exact=False)
    assert z**2 == pytest.approx(8.2249, abs=5e-5)
    assert p == pytest.approx(0.004132, abs=5e-7)
    assert test == "cochran_armitage" and slope < 0 and z < 0
    # the statistic does not depend on a shift of the scores (years instead of 1..4)
    z2, p2, slope2, _ = ct.cochran_armitage([83, 90, 129, 70], [86, 93, 136, 82], [2017, 2018, 2019, 2020], exact=False)
    assert (z2, p2, slope2) == pytest.approx((z, p, slope), rel=1e-9)


def test_cochran_armitage_matches_agresti_alcohol_example():
    # Agresti (2002) Categorical Data Analysis, 2nd ed., chapter 3 (Table 3.7 there): infant
    # malformation by mother's alcohol consumption, scores (0, 0.5, 1.5, 4, 7): trend statistic
    # 6.57, P = 0.01 (Agresti's M^2 uses n - 1; the difference is in the 5th digit here)
    present = [48, 38, 5, 1, 1]
    absent = [17066, 14464, 788, 126, 37]
    total = [a + b for a, b in zip(present, absent)]
    z, p, _, _ = ct.cochran_armitage(present, total, [0, 0.5, 1.5, 4, 7])
    assert round(z**2, 2) == 6.57 and round(p, 2) == 0.01


def test_exact_cochran_armitage_equals_brute_force_permutation():
    # First principles: under the null every assignment of the r outcomes to the N reviews is
    # equally likely; enumerate all C(N, r) of them and count those with |T - E T| >= observed.
    years = np.array([2017, 2017, 2018, 2018, 2018, 2019, 2020, 2020, 2021])
    outcome = np.array([0, 0, 0, 1, 0, 1, 1, 0, 1])
    scores = np.unique(years)
    x = [outcome[years == y].sum() for y in scores]
    n = [(years == y).sum() for y in scores]
    z, p, _, test = ct.cochran_armitage(x, n, scores)
    r, mean_t = outcome.sum(), outcome.sum() * years.mean()
    observed = abs((years * outcome).sum() - mean_t)
    hits = total = 0
    for chosen in itertools.combinations(range(len(years)), r):
        total += 1
        hits += abs(years[list(chosen)].sum() - mean_t) >= observed - 1e-9
    assert test == "cochran_armitage_exact"
    assert p == pytest.approx(hits / total, rel=1e-12)


def test_cochran_armitage_without_variation_or_with_one_year_is_nan():
    assert ct.cochran_armitage([0, 0], [3, 4], [1, 2])[3] is None
    assert ct.cochran_armitage([2, 0], [3, 0], [1, 2])[3] is None


def test_holm_and_bh_match_documented_p_adjust_outputs():
    # PValueAdjust.jl README (R p.adjust conventions): p = [0.05, 0.03, 0.01, 0.5]
    # holm -> [0.1, 0.09, 0.04, 0.5]; Benjamini-Hochberg -> [0.0666667, 0.06, 0.04, 0.5]
    p = [0.05, 0.03, 0.01, 0.5]
    assert ct.adjust_pvalues(p, method="holm") == pytest.approx([0.1, 0.09, 0.04, 0.5], abs=1e-7)
    assert ct.adjust_pvalues(p, method="fdr_bh") == pytest.approx([0.0666667, 0.06, 0.04, 0.5], abs=1e-7)
    assert list(ct.adjust_pvalues(p, method="none")) == p


def test_bh_rejects_four_in_benjamini_hochberg_worked_example():
    # Benjamini & Hochberg (1995) section 4.1: 15 p-values; at q = 0.05 the procedure rejects the
    # four smallest. Holm's step-down rule by hand: 0.0001*15, 0.0004*14, 0.0019*13 <= 0.05 but
    # 0.0095*12 = 0.114 > 0.05, so Holm rejects three.
    p = [
        0.0201,
        0.7590,
        0.0344,
        0.0001,
        0.0095,
        0.3240,
        0.0019,
        0.0459,
        0.4262,
        0.0278,
        1.0000,
        0.5719,
        0.0004,
        0.6528,
        0.0298,
    ]
    assert (ct.adjust_pvalues(p, method="fdr_bh") <= 0.05).sum() == 4
    assert (ct.adjust_pvalues(p, method="holm") <= 0.05).sum() == 3


def test_nan_p_values_stay_nan_and_leave_the_family():
    p = [0.01, float("nan"), 0.04]
    adjusted = ct.adjust_pvalues(p, method="holm")
    assert math.isnan(adjusted[1])
    assert adjusted[[0, 2]] == pytest.approx([0.02, 0.04])  # a family of two, not three


def test_adjust_method_must_be_exact():
    with pytest.raises(ParameterError, match="did you mean 'holm'"):
        ct.adjust_pvalues([0.1], method="Holm")
    with pytest.raises(ParameterError):
        ct.adjust_pvalues([0.1], method="BH")  # R's name: ours is "fdr_bh"


def test_exact_trend_by_dynamic_programme_equals_enumeration():
    # The p-value does not change when scores are scaled: integer scores (0, 1, 3) go through the
    # dynamic programme over T, half scores (0, 0.5, 1.5) through table enumeration.
    x, n = [1, 3, 6], [7, 8, 9]
    dp = ct.cochran_armitage(x, n, [0, 1, 3])
    enum = ct.cochran_armitage(x, n, [0, 0.5, 1.5])
    assert dp[3] == enum[3] == "cochran_armitage_exact"
    assert dp[1] == pytest.approx(enum[1], rel=1e-10) and dp[0] == pytest.approx(enum[0], rel=1e-12)


def test_exact_trend_falls_back_to_normal_approximation_when_too_large():
    z, p, _, test = ct.cochran_armitage([83, 90, 129, 70], [86, 93, 136, 82], [1, 2, 3, 4], max_tables=10)
    assert test == "cochran_armitage" and p == pytest.approx(0.004132, abs=5e-7)


# --------------------------------------------------------------------------- exact r x c (issue 15)
def test_exact_test_agrees_with_brute_force_enumeration():
    # First principles for r x c: list every table with the observed margins, its multivariate
    # hypergeometric probability, and sum those no more probable than the observed one (R's
    # tolerance). Small random tables, 2 to 3 rows, 2 to 4 columns.
    from scipy.special import gammaln

    def brute(t):
        t = np.asarray(t)
        rows, cols = t.sum(axis=1), t.sum(axis=0)
        n = t.sum()

        def tables(r, c):
            if len(c) == 1:
                yield [[v] for v in r]
                return
            for first in itertools.product(*[range(min(v, c[0]) + 1) for v in r]):
                if sum(first) == c[0]:
                    for rest in tables([v - f for v, f in zip(r, first)], c[1:]):
                        yield [[f] + x for f, x in zip(first, rest)]

        const = gammaln(rows + 1).sum() + gammaln(cols + 1).sum() - gammaln(n + 1)
        logp = np.array([const - gammaln(np.array(x) + 1).sum() for x in tables(list(rows), list(cols))])
        obs = const - gammaln(t + 1).sum()
        tol = math.log1p(1e-7) if t.shape == (2, 2) else 3.45254e-7
        return np.exp(logp[logp <= obs + tol]).sum()

    rng = np.random.default_rng(8)
    for _ in range(40):
        shape = (int(rng.integers(2, 4)), int(rng.integers(2, 5)))
        t = rng.integers(0, 5, size=shape)
        if (t.sum(axis=0) == 0).any() or (t.sum(axis=1) == 0).any():
            continue
        assert ct.fisher_exact_p(t) == pytest.approx(brute(t), abs=1e-12)


def test_table_test_never_uses_chi_squared_with_a_small_expected_count():
    table = [[0, 3, 2], [6, 5, 1]]  # expected counts below 5
    res = ct.table_test(table, max_work=0, n_resamples=5000, seed=3)
    assert res.test == "fisher_freeman_halton_monte_carlo" and res.p_value_se > 0
    res = ct.independence_table_test([83, 90, 129, 70], [86, 93, 136, 82], max_tables=0)
    assert res.test == "pearson_chi2" and math.isnan(res.p_value_se)  # every expected count >= 5


def test_table_test_nothing_to_test_and_bad_tables():
    res = ct.table_test([[3, 4], [0, 0]])
    assert res.test is None and math.isnan(res.p_value)
    with pytest.raises(ParameterError):
        ct.table_test([[1.5, 2], [3, 4]])
    with pytest.raises(ParameterError):
        ct.fisher_exact_p([[-1, 2], [3, 4]])


def test_large_balanced_six_board_table_is_quick():
    # 2 x 6 with 1,000 reviews: exact in well under a second
    import time

    x, n = [80, 95, 70, 88, 91, 76], [160, 170, 150, 175, 180, 165]
    start = time.perf_counter()
    stat, p, test = ct.independence_test(x, n)
    assert time.perf_counter() - start < 5.0 and test == "fisher_freeman_halton_exact" and 0 < p < 1
