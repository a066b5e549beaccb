"""Tests for cprstats.stats.kappa: Cohen's kappa, its standard error and interval, PABAK and
Krippendorff's alpha against published worked examples."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cprstats.errors import ParameterError
from cprstats.stats.kappa import alpha_from_table, kappa_from_table, krippendorff_alpha


# --------------------------------------------------------------------------- published examples
@pytest.mark.parametrize(
    "table, p_o, p_e, kappa",
    [
        # Feinstein & Cicchetti (1990) J Clin Epidemiol 43:543, the "first paradox", as tabulated
        # in Gerstman, Epidemiology Kept Simple, 3rd ed., Table 10.6A/B:
        # A: po .85, pe .50, kappa .70;  B: po .85, pe .78, kappa .32 (same agreement, low kappa).
        ([[40, 9], [6, 45]], 0.85, 0.50, 0.70),
        ([[80, 10], [5, 5]], 0.85, 0.78, 0.32),
    ],
)
def test_kappa_paradox_feinstein_cicchetti(table, p_o, p_e, kappa):
    r = kappa_from_table(table)
    assert r["p_observed"] == pytest.approx(p_o, abs=5e-3)
    assert r["p_expected"] == pytest.approx(p_e, abs=5e-3)
    assert r["kappa"] == pytest.approx(kappa, abs=5e-3)
    # PABAK (Byrt, Bishop & Carlin 1993) = (k po - 1)/(k - 1) = 2 * .85 - 1 = .70 for both tables:
    # the adjusted index does not fall with prevalence, which is the point of reporting it.
    assert r["pabak"] == pytest.approx(0.70, abs=1e-12)


@pytest.mark.parametrize(
    "table, kappa",
    [
        # Sim & Wright (2005) Phys Ther 85:257, Table 1 (lateral shift, 39 patients): kappa .67
        ([[22, 2], [4, 11]], 0.67),
        # Sim & Wright (2005) Table 2 (pain, 4 ordinal categories), unweighted kappa .55
        ([[15, 3, 1, 1], [4, 18, 3, 2], [4, 5, 16, 4], [1, 2, 4, 17]], 0.55),
        # Sim & Wright (2005) Table 3 (McKenzie syndromes, 3 categories): kappa .46
        ([[22, 10, 2], [6, 27, 11], [2, 5, 17]], 0.46),
    ],
)
def test_kappa_sim_wright(table, kappa):
    # Tables and the two-decimal kappas as transcribed in the tests of the R package irt
    # (emreguns/irt, tests/testthat/test-classification.R, "kappa_coef", citing Sim & Wright 2005).
    assert kappa_from_table(table)["kappa"] == pytest.approx(kappa, abs=5e-3)


def test_kappa_standard_error_and_interval_sas():
    # SAS PROC FREQ AGREE printout for the 3x3 table [[0,4,1],[0,8,0],[0,1,5]], as quoted in
    # statsmodels/stats/tests/test_inter_rater.py (TestUnweightedCohens): Kappa 0.4842,
    # ASE 0.1380, 95% confidence limits 0.2137 to 0.7547.
    r = kappa_from_table([[0, 4, 1], [0, 8, 0], [0, 1, 5]], ci_level=0.95)
    assert r["kappa"] == pytest.approx(0.4842, abs=5e-5)
    assert r["kappa_se"] == pytest.approx(0.1380, abs=5e-5)
    assert r["ci_low"] == pytest.approx(0.2137, abs=5e-5)
    assert r["ci_high"] == pytest.approx(0.7547, abs=5e-5)
    wider = kappa_from_table([[0, 4, 1], [0, 8, 0], [0, 1, 5]], ci_level=0.99)
    assert wider["ci_low"] < r["ci_low"] and wider["ci_high"] > r["ci_high"]


def test_kappa_se_matches_statsmodels_on_random_tables():
    # An independent implementation of the same Fleiss, Cohen & Everitt (1969) variance.
    from statsmodels.stats.inter_rater import cohens_kappa

    rng = np.random.default_rng(20240601)
    for size in (2, 3, 5):
        for _ in range(5):
            t = rng.integers(0, 20, size=(size, size)) + np.eye(size, dtype=int) * 15
            ours, theirs = kappa_from_table(t), cohens_kappa(t)
            assert ours["kappa"] == pytest.approx(theirs.kappa, rel=1e-12)
            assert ours["kappa_se"] == pytest.approx(theirs.std_kappa, rel=1e-10)


def test_kappa_degenerate_tables():
    one = kappa_from_table([[12, 0], [0, 0]])  # both coders said "no" to every review
    assert one["p_observed"] == 1.0 and math.isnan(one["kappa"]) and one["pabak"] == 1.0
    empty = kappa_from_table([[0, 0], [0, 0]])
    assert empty["n"] == 0 and math.isnan(empty["p_observed"])
    with pytest.raises(ParameterError, match="square"):
        kappa_from_table([[1, 2, 3]])
    with pytest.raises(ParameterError, match="ci_level=1.5"):
        kappa_from_table([[1, 0], [0, 1]], ci_level=1.5)


def test_krippendorff_alpha_worked_examples():
    # Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", section C: 4 observers,
    # 12 units, missing values; nominal alpha = 0.743 (also the doctest of the PyPI package
    # krippendorff, which quotes the same data).
    nan = None
    obs = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ]
    assert krippendorff_alpha(list(zip(*obs))) == pytest.approx(0.743, abs=5e-4)
    # Krippendorff (2011) section A, binary data, two observers, ten units. Computed by hand
    # from the coincidence matrix (o_00 = 10, o_01 = o_10 = 4, o_11 = 2; n_0 = 14, n_1 = 6):
    # alpha = 1 - (20 - 1) * 4 / (14 * 6) = 0.0952.
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert krippendorff_alpha(zip(a, b)) == pytest.approx(1 - 19 * 4 / 84, abs=1e-12)
    assert math.isnan(krippendorff_alpha([(1, 1), (1, 1)]))  # one value only: undefined
    assert math.isnan(krippendorff_alpha([(1, None)]))  # nothing pairable


def test_alpha_from_table_equals_the_coincidence_matrix_route():
    # For two coders with no missing pairs the coincidence matrix is T + T' (Krippendorff 2011).
    rng = np.random.default_rng(11)
    for _ in range(5):
        a, b = rng.integers(0, 3, 40), rng.integers(0, 3, 40)
        t = np.zeros((3, 3))
        np.add.at(t, (a, b), 1)
        assert alpha_from_table(t) == pytest.approx(krippendorff_alpha(zip(a.tolist(), b.tolist())))


# --------------------------------------------------------------------------- missing values (issue 15)
def test_alpha_with_missing_values_matches_the_krippendorff_package():
    # The PyPI package krippendorff (Castro, 0.8/0.9) implements Krippendorff's (2011) alpha with
    # missing values; nominal data, two to four coders, about a fifth of the values missing.
    import krippendorff

    rng = np.random.default_rng(20250115)
    for coders in (2, 3, 4):
        for _ in range(10):
            truth = rng.integers(0, 4, 30)
            data = np.array([np.where(rng.random(30) < 0.8, truth, rng.integers(0, 4, 30)) for _ in range(coders)])
            data = np.where(rng.random(data.shape) < 0.2, np.nan, data.astype(float))
            expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
            units = [[None if math.isnan(v) else int(v) for v in col] for col in data.T]
            assert krippendorff_alpha(units) == pytest.approx(expected, abs=1e-12)


def test_blank_is_not_a_category():
    # Two coders agree on every review both coded; coder B left three blank. Standard alpha with
    # missing values (Krippendorff 2011; the krippendorff package): 1. Scoring the blank as a category
    # of its own, as cprstats did before issue 15, gives 0.59 here (the package, blank coded as 3).
    import krippendorff

    a = ["x", "y", "x", "z", "y", "x", "z", "y", "x", "x"]
    b = ["x", "y", None, "z", None, "x", "z", None, "x", "x"]
    codes = {"x": 0.0, "y": 1.0, "z": 2.0, None: math.nan}
    standard = krippendorff.alpha(
        reliability_data=[[codes[v] for v in a], [codes[v] for v in b]], level_of_measurement="nominal"
    )
    blank_as_category = krippendorff.alpha(
        reliability_data=[[codes[v] for v in a], [3.0 if v is None else codes[v] for v in b]],
        level_of_measurement="nominal",
    )
    assert standard == 1.0 and round(blank_as_category, 2) == 0.59
    assert krippendorff_alpha(zip(a, b)) == standard


def test_perfect_agreement_has_no_degenerate_interval():
    # Fleiss, Cohen & Everitt's (1969) variance is 0 at kappa = 1: the Wald interval would be the
    # single point 1 to 1. It is reported as not estimable.
    r = kappa_from_table([[9, 0, 0], [0, 3, 0], [0, 0, 4]])
    assert r["kappa"] == 1.0 and r["p_observed"] == 1.0 and r["pabak"] == 1.0
    assert math.isnan(r["kappa_se"]) and math.isnan(r["ci_low"]) and math.isnan(r["ci_high"])
    assert "not estimable" in r["note"]
    assert kappa_from_table([[9, 1], [0, 4]])["note"] == ""  # not perfect: the usual interval
