"""Reference values from R (and independent Python packages) for the statistics of issue 15, item 5.

Every value below was computed outside cprstats, never with the code under test; each block names
the exact call and the software version. R is R 4.2.2 Patched (2022-11-10 r83330), Debian's
``r-base-core`` 4.2.2.20221110-2, with Debian's ``r-cran-brglm2`` 0.9 and ``r-cran-mass`` 7.3-58.2.
The tests need only the numbers: R is not needed to run them.
"""

from __future__ import annotations

import math
import time
import warnings

import numpy as np
import pandas as pd
import pytest

from cprstats.errors import SeparationWarning
from cprstats.stats.contingency import fisher_exact_p, independence_test, table_test
from cprstats.stats.intervals import odds_ratio_ci
from cprstats.stats.regression import logistic

# --------------------------------------------------------------------------- Fisher-Freeman-Halton
# R: fisher.test(x, workspace = ws)$p.value, printed with sprintf("%.15g"). Matrices are given by
# rows here (rbind(...) in R). R's default workspace (2e5) fails ("FEXACT error 7 ... LDSTP is too
# small") on the 3 x 7 tables; they were run with workspace = 2e7 (0.2 to 0.3 s in R).
R_FISHER_TEST = [
    # name, table (rows), R p-value
    # six boards (2 x 6), N = 91, 150 and 200: R rbind(x, n - x) of the board counts
    ("2x6 N=91", [[4, 9, 2, 6, 3, 7], [10, 9, 10, 10, 10, 11]], 0.470274094977879),
    ("2x6 N=150", [[12, 5, 9, 3, 8, 6], [18, 17, 19, 15, 19, 19]], 0.588161602973519),
    ("2x6 N=200", [[10, 18, 7, 14, 9, 20], [23, 20, 22, 21, 21, 15]], 0.0606494444309627),
    ("2x7 N=1000", [[70, 75, 72, 68, 80, 71, 64], [73, 70, 72, 75, 69, 71, 70]], 0.948633699332312),
    # three levels by seven groups, N = 300 (two rare levels) and N = 277 (workspace = 2e7)
    ("3x7 N=300 a", [[48, 25, 46, 36, 28, 40, 32], [4, 2, 8, 1, 3, 4, 2], [5, 1, 4, 2, 1, 3, 5]], 0.820200419367133),
    ("3x7 N=300 b", [[34, 29, 43, 46, 30, 36, 58], [0, 0, 4, 7, 0, 6, 2], [0, 0, 1, 2, 1, 0, 1]], 0.0333561467430543),
    (
        "3x7 N=277",
        [[2, 1, 3, 0, 2, 1, 1], [30, 25, 28, 35, 22, 30, 27], [10, 9, 12, 8, 11, 13, 7]],
        0.828203359311447,
    ),
    ("3x6 N=150", [[5, 7, 11, 4, 6, 7], [6, 9, 7, 9, 3, 4], [3, 9, 10, 1, 8, 7]], 0.260972603841509),
    # an empty row and an empty column (R keeps them; they do not change the test)
    ("zero row and column", [[3, 0, 2, 1], [0, 0, 0, 0], [1, 0, 4, 2]], 0.493006993006993),
    # ties: other tables exactly as probable as the observed one (equal margins, permuted cells)
    ("ties 2x3", [[5, 0, 2], [0, 5, 3]], 0.00932400932400934),
    ("ties 3x3", [[2, 1, 0], [0, 2, 1], [1, 0, 2]], 0.292857142857142),
    ("ties 2x4", [[3, 3, 0, 0], [0, 0, 3, 3]], 0.00649350649350648),
    ("2x2 tea tasting", [[3, 1], [1, 3]], 0.485714285714286),
    ("2x3 Cardillo", [[0, 3, 2], [6, 5, 1]], 0.088235294117647),
    ("3x4", [[1, 2, 5, 0], [4, 3, 0, 6], [0, 2, 4, 3]], 0.00808237713614135),
]


@pytest.mark.parametrize("name, table, r_p", R_FISHER_TEST, ids=[c[0] for c in R_FISHER_TEST])
def test_exact_p_equals_r_fisher_test(name, table, r_p):
    start = time.perf_counter()
    p = fisher_exact_p(table)
    assert time.perf_counter() - start < 10.0  # seconds at most (well under 1 s on one core)
    assert p == pytest.approx(r_p, abs=1e-9)
    res = table_test(table)
    assert res.p_value == pytest.approx(r_p, abs=1e-9) and math.isnan(res.p_value_se)
    assert res.test == ("fisher_exact" if np.shape(table) == (2, 2) else "fisher_freeman_halton_exact")
    assert fisher_exact_p(np.transpose(table)) == pytest.approx(r_p, abs=1e-9)  # rows and columns alike


@pytest.mark.parametrize("name", ["2x6 N=91", "2x6 N=150", "2x6 N=200", "2x7 N=1000"])
def test_six_board_tables_are_exact_not_simulated(name):
    # Before issue 15 six-board tables of 91 to 200 reviews gave up the enumeration (a million tables)
    # and fell back to Monte Carlo or chi-squared.
    table = dict((c[0], c[1]) for c in R_FISHER_TEST)[name]
    r_p = dict((c[0], c[2]) for c in R_FISHER_TEST)[name]
    successes, failures = np.asarray(table)
    stat, p, test = independence_test(successes, successes + failures)
    assert test == "fisher_freeman_halton_exact" and math.isnan(stat)
    assert p == pytest.approx(r_p, abs=1e-9)


def test_over_budget_monte_carlo_reports_its_standard_error():
    # A 4 x 6 table of 150 (R's fisher.test needs workspace = 2e8 and 33 s: p = 0.217022037699809).
    table = [[5, 7, 11, 4, 6, 7], [6, 9, 7, 9, 3, 4], [3, 9, 10, 1, 8, 7], [9, 4, 6, 4, 3, 8]]
    res = table_test(table, max_work=100_000, n_resamples=20_000, seed=1)
    assert res.test == "fisher_freeman_halton_monte_carlo"
    assert res.p_value_se == pytest.approx(math.sqrt(res.p_value * (1 - res.p_value) / 20_000))
    assert abs(res.p_value - 0.217022037699809) < 4 * res.p_value_se
    # chi-squared is never used when an expected count is below 5
    assert table_test(table, max_work=0).test == "fisher_freeman_halton_monte_carlo"


# --------------------------------------------------------------------------- exact odds-ratio interval
# R: fisher.test(m) with m = matrix(c(a, c, b, d), 2) (R fills by column: rows are the groups).
# fisher.test finds the estimate and limits with uniroot at its default tolerance (1.2e-4 on the
# odds-ratio scale), which is too coarse for odds ratios near 1e-4; the "tight" values are the
# same fisher.test with every uniroot( call given tol = 1e-13, i.e.
#   ft <- stats::fisher.test; b <- deparse(body(ft), width.cutoff = 500L)
#   body(ft) <- parse(text = gsub("uniroot(", "uniroot(tol = 1e-13, ", b, fixed = TRUE))[[1]]
R_ODDS_RATIO = [
    # (a, b, c, d), default fisher.test (estimate, low, high), tight (estimate, low, high)
    (
        (5, 9995, 6000, 4000),
        (0.0003369946052, 0.0001220703125, 0.0007535282386),
        (0.0003335832159, 0.000108191247, 0.0007798118501),
    ),
    ((3, 1, 1, 3), (6.408308867, 0.2117329153, 621.9337505), (6.408319658, 0.2117355954, 626.2435306)),
]


@pytest.mark.parametrize("cells, r_default, r_tight", R_ODDS_RATIO)
def test_odds_ratio_equals_r_fisher_test(cells, r_default, r_tight):
    est, low, high, how = odds_ratio_ci(*cells)
    assert how == "fisher_conditional"
    assert (est, low, high) == pytest.approx(r_tight, rel=1e-8)
    # and R's default output within R's own uniroot tolerance (fisher.test searches the odds ratio
    # on (0, 1) and its reciprocal above 1)
    for ours, r in zip((est, low, high), r_default):
        assert abs(ours - r) < 1.3e-4 if r < 1 else abs(1 / ours - 1 / r) < 1.3e-4


def test_large_table_with_one_small_cell_is_not_woolf():
    # The case: Woolf's interval 0.000139 to 0.000802 against the exact 0.000108 to 0.000780.
    _, low, high, _ = odds_ratio_ci(5, 9995, 6000, 4000)
    assert (round(low, 6), round(high, 6)) == (0.000108, 0.00078)


# --------------------------------------------------------------------------- Firth's logistic regression
# Heinze & Schemper (2002, Stat Med 21:2409-2419) endometrial cancer data (79 patients; HG histology
# grade, NV neovasculation, PI pulsatility index, EH endometrium height), as shipped in R package
# brglm2 0.9: data("endometrial", package = "brglm2"). NV separates HG (quasi-complete).
# fmt: off
ENDOMETRIAL = {
    "NV": [0] * 21 + [1] * 5 + [0] * 21 + [1] * 4 + [0] * 19 + [1, 0, 0, 0, 1, 1, 0, 1, 0],
    "PI": [13, 16, 8, 34, 20, 5, 17, 10, 26, 17, 8, 7, 20, 10, 18, 16, 18, 8, 29, 12, 20, 38, 22, 7, 25, 15, 7,
           28, 11, 19, 10, 10, 18, 14, 21, 11, 17, 25, 16, 19, 15, 33, 24, 48, 12, 19, 2, 22, 40, 5, 0, 21, 15,
           29, 15, 12, 3, 20, 23, 12, 22, 42, 15, 13, 14, 19, 12, 13, 10, 12, 49, 6, 5, 17, 11, 21, 5, 19, 33],
    "EH": [1.64, 2.26, 3.14, 2.68, 1.28, 2.31, 1.80, 1.68, 1.56, 2.31, 2.01, 1.89, 3.15, 1.23, 1.27, 1.76, 2.00,
           2.64, 0.88, 1.27, 1.37, 0.97, 1.14, 0.88, 0.91, 0.58, 0.97, 1.50, 1.33, 2.37, 1.82, 3.13, 1.31, 1.92,
           1.64, 2.01, 1.88, 1.93, 2.11, 1.29, 1.72, 0.75, 1.92, 1.84, 1.11, 1.61, 1.18, 1.44, 1.18, 0.93, 1.17,
           1.19, 1.06, 2.02, 2.29, 2.33, 2.90, 1.70, 1.41, 2.25, 1.54, 1.97, 1.75, 2.16, 2.57, 1.37, 3.61, 2.04,
           2.17, 1.69, 0.27, 1.84, 1.30, 0.96, 1.01, 0.98, 0.35, 1.02, 0.85],
    "HG": [0] * 17 + [1] * 10 + [0] * 16 + [1] * 10 + [0] * 16 + [1] * 10,
}
# fmt: on

# R: library(brglm2); m <- glm(HG ~ NV + PI + EH, family = binomial, data = endometrial,
#    method = "brglmFit", type = "AS_mean", epsilon = 1e-12, maxit = 1000); print(coef(m), digits = 12)
# (type = "AS_mean" for a logistic model is Firth's penalised likelihood.)
BRGLM2_COEF = {"Intercept": 3.7745597136470, "NV": 2.9292733531971, "PI": -0.0347517598704, "EH": -2.6041639252937}
# Profile penalised-likelihood limits (log odds ratio scale), penalised likelihood-ratio p-values and
# logistf-style Wald standard errors from the PyPI package firthmodels 0.8.2 (an independent
# implementation checked against R's logistf; R's logistf is not packaged for Debian):
#   FirthLogisticRegression(backend="numpy", max_iter=200, gtol=1e-8, xtol=1e-8).fit(X, y)
#   .conf_int(alpha=0.05, method="pl"), .lrt() then .lrt_pvalues_, .bse_   (X = NV, PI, EH)
FIRTHMODELS_LOW = {"NV": 0.609724436303, "PI": -0.124458720661, "EH": -4.365183247254, "Intercept": 1.082537108449}
FIRTHMODELS_HIGH = {"NV": 7.854631713855, "PI": 0.040455472275, "EH": -1.23272105722, "Intercept": 7.209280497895}
FIRTHMODELS_P = {"NV": 9.123667547086e-03, "EH": 2.506867214856e-05, "Intercept": 4.193627885587e-03}
FIRTHMODELS_SE = {"NV": 1.464974220158, "PI": 0.037892372215, "EH": 0.753628442063, "Intercept": 1.439006933292}


def test_firth_endometrial_matches_brglm2_and_firthmodels():
    df = pd.DataFrame(ENDOMETRIAL)
    assert len(df) == 79 and df.HG.sum() == 30
    with pytest.warns(SeparationWarning, match="separation: NV perfectly predicts"):
        fit = logistic(df, "HG ~ NV + PI + EH")
    fit = fit.set_index("term")
    assert (fit.method == "firth_penalised").all()
    for term, coef in BRGLM2_COEF.items():
        assert fit.loc[term, "coef"] == pytest.approx(coef, abs=1e-7)
        assert math.log(fit.loc[term, "ci_low"]) == pytest.approx(FIRTHMODELS_LOW[term], abs=1e-7)
        assert math.log(fit.loc[term, "ci_high"]) == pytest.approx(FIRTHMODELS_HIGH[term], abs=1e-7)
        assert fit.loc[term, "std_error"] == pytest.approx(FIRTHMODELS_SE[term], abs=1e-7)
        if term in FIRTHMODELS_P:
            assert fit.loc[term, "p_value"] == pytest.approx(FIRTHMODELS_P[term], rel=1e-6)


def test_firth_on_request_equals_automatic_choice():
    df = pd.DataFrame(ENDOMETRIAL)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SeparationWarning)  # asked for: no warning
        asked = logistic(df, "HG ~ NV + PI + EH", method="firth")
    with pytest.warns(SeparationWarning):
        auto = logistic(df, "HG ~ NV + PI + EH")
    pd.testing.assert_series_equal(asked.coef, auto.coef)
    assert asked.warning.notna().all()  # the separation is still named
