"""Tests of cprstats.stats.regression.logistic.

Every reference value names its source; frames other than the published data sets are synthetic.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import cprstats
from cprstats.errors import ParameterError
from cprstats.stats.regression import LOGISTIC_COLUMNS, SeparationWarning, logistic


def test_public_names():
    assert cprstats.logistic is logistic and cprstats.SeparationWarning is SeparationWarning
    assert issubclass(SeparationWarning, UserWarning)


def test_spector_mazzeo_matches_stata():
    # Spector & Mazzeo (1980) data (shipped with statsmodels); logit GRADE on GPA, TUCE, PSI.
    # Stata 11 estimates as stored in statsmodels/discrete/tests/results/results_discrete.py
    # (also Greene, Econometric Analysis, 5th ed., Table 21.1: -13.021, 2.826, 0.095, 2.379).
    from statsmodels.datasets import spector

    data = spector.load_pandas().data
    fit = logistic(data, "GRADE ~ GPA + TUCE + PSI").set_index("term")
    stata_coef = {"GPA": 2.82611297201, "TUCE": 0.0951576702557, "PSI": 2.37868772835, "Intercept": -13.0213483201}
    stata_se = {"GPA": 1.26294114526, "TUCE": 0.141554207662, "PSI": 1.06456430165, "Intercept": 4.93132462871}
    for term in stata_coef:
        # Newton's method stops within ~1e-6 of the optimum: 5 decimals agree
        assert fit.loc[term, "coef"] == pytest.approx(stata_coef[term], abs=1e-5)
        assert fit.loc[term, "std_error"] == pytest.approx(stata_se[term], abs=1e-5)
        assert fit.loc[term, "odds_ratio"] == pytest.approx(np.exp(stata_coef[term]), rel=1e-5)
    assert (fit.n == 32).all() and (fit.events == 11).all() and fit.warning.isna().all()


def test_aspirin_odds_ratio_matches_agresti():
    # Agresti (2002) Categorical Data Analysis, 2nd ed., chapters 2-3, Physicians' Health Study:
    # myocardial infarction in 189 of 11034 on placebo and 104 of 11037 on aspirin; sample odds ratio
    # 1.832 with 95% interval (1.44, 2.33). A logistic model with one binary predictor reproduces them.
    n_p, n_a = 11034, 11037
    df = pd.DataFrame(
        {
            "arm": pd.Categorical(["placebo"] * n_p + ["aspirin"] * n_a, categories=["aspirin", "placebo"]),
            "mi": np.r_[np.ones(189), np.zeros(n_p - 189), np.ones(104), np.zeros(n_a - 104)].astype(bool),
        }
    )
    row = logistic(df, "mi ~ arm").set_index("term").loc["arm[T.placebo]"]
    assert round(row.odds_ratio, 3) == 1.832
    assert (round(row.ci_low, 2), round(row.ci_high, 2)) == (1.44, 2.33)
    assert row.odds_ratio == pytest.approx((189 * (n_a - 104)) / ((n_p - 189) * 104), rel=1e-8)


def test_complete_separation_is_flagged_and_gets_firth_estimates():
    # Before issue 15 separated data gave NaN estimates (pinned here); now Firth's penalised
    # likelihood gives finite ones, flagged by the warning.
    df = pd.DataFrame({"y": [1, 1, 1, 0, 0, 0, 1, 0], "x": [5, 6, 7, 1, 2, 3, 8, 0], "w": [1, 2, 1, 2, 1, 2, 1, 2]})
    with pytest.warns(SeparationWarning, match=r"separation: x perfectly predicts the outcome"):
        fit = logistic(df, "y ~ x + w")
    assert tuple(fit.columns) == LOGISTIC_COLUMNS
    assert np.isfinite(fit.coef).all() and fit.p_value.between(0, 1).all()
    assert (fit.ci_low < fit.odds_ratio).all() and (fit.odds_ratio < fit.ci_high).all()
    assert fit.warning.str.contains("Firth").all() and (fit.method == "firth_penalised").all()


def test_quasi_separation_by_a_category_is_flagged():
    # every review in group "c" has the outcome: quasi-complete separation (Albert & Anderson 1984)
    df = pd.DataFrame({"y": [1, 0, 1, 0, 1, 1, 1, 0, 1, 0], "g": list("aabbcccaab")})
    with pytest.warns(SeparationWarning, match=r"g\[T.c\]"):
        fit = logistic(df, "y ~ g")
    assert np.isfinite(fit.coef).all() and (fit.method == "firth_penalised").all()


# Firth's penalised logistic regression against R's logistf, as recorded in the tests of the PyPI
# package firthmodels (jzluo/firthmodels, tests/test_logistic.py, test_matches_logistf_with_separation,
# "Matches logistf on quasi-separated data"); the data are that package's tests/conftest.py
# make_separation_data(seed=42, n=100), regenerated here with numpy's default_rng (PCG64).
# Order: separator, x1, x2, x3, intercept. Profile penalised-likelihood limits, penalised
# likelihood-ratio p-values and logistf's Wald standard errors.
LOGISTF_COEF = [3.6577140153, 0.6759781501, -0.8633119501, 0.3385788510, -0.4434562830]
LOGISTF_SE = [1.4822786334, 0.2687886213, 0.3874453554, 0.1370778814, 0.3452906671]
LOGISTF_P = [0.0002084147149, 0.0093173148959, 0.0236385713206, 0.0055887969164, 0.1997147194]
LOGISTF_LOW = [1.3901042899, 0.1602568036, -1.6677883758, 0.0893054012, -1.16089382506]
LOGISTF_HIGH = [8.5876062114, 1.2568999211, -0.1135186948, 0.6572681313, 0.2295139209]


def _logistf_data() -> pd.DataFrame:
    from scipy.special import expit

    rng = np.random.default_rng(42)
    n = 100
    separator = rng.choice([0, 1], n, p=[0.8, 0.2])
    x1 = rng.standard_normal(n)
    x2 = rng.uniform(-1, 1, n)
    x3 = rng.exponential(scale=2.0, size=n)
    y = rng.binomial(1, expit(-0.5 + 0.8 * x1 - 0.6 * x2 + 0.3 * x3))
    y[separator == 1] = 1
    return pd.DataFrame({"y": y, "sep": separator, "x1": x1, "x2": x2, "x3": x3})


def test_firth_matches_logistf_on_separated_data():
    with pytest.warns(SeparationWarning, match=r"separation: sep perfectly predicts"):
        fit = logistic(_logistf_data(), "y ~ sep + x1 + x2 + x3")
    fit = fit.set_index("term").loc[["sep", "x1", "x2", "x3", "Intercept"]]
    assert (fit.method == "firth_penalised").all()
    assert fit.coef.to_numpy() == pytest.approx(LOGISTF_COEF, rel=1e-6)
    assert fit.std_error.to_numpy() == pytest.approx(LOGISTF_SE, rel=1e-5)
    assert fit.p_value.to_numpy() == pytest.approx(LOGISTF_P, rel=1e-5)
    assert np.log(fit.ci_low.to_numpy()) == pytest.approx(LOGISTF_LOW, rel=1e-6)
    assert np.log(fit.ci_high.to_numpy()) == pytest.approx(LOGISTF_HIGH, rel=1e-6)
    assert fit.odds_ratio.to_numpy() == pytest.approx(np.exp(LOGISTF_COEF), rel=1e-6)


def test_firth_on_request_without_separation():
    # Spector & Mazzeo data: no separation, so the default is maximum likelihood; method="firth"
    # gives Firth's estimates, which shrink the maximum likelihood ones towards 0 (Firth 1993).
    from statsmodels.datasets import spector

    data = spector.load_pandas().data
    with warnings.catch_warnings():
        warnings.simplefilter("error", SeparationWarning)
        mle = logistic(data, "GRADE ~ GPA + TUCE + PSI").set_index("term")
        firth = logistic(data, "GRADE ~ GPA + TUCE + PSI", method="firth").set_index("term")
    assert (mle.method == "logit_mle").all() and (firth.method == "firth_penalised").all()
    assert firth.warning.isna().all()
    for term in ("GPA", "TUCE", "PSI"):
        assert 0 < firth.loc[term, "coef"] < mle.loc[term, "coef"]
        assert firth.loc[term, "ci_low"] < firth.loc[term, "odds_ratio"] < firth.loc[term, "ci_high"]


def test_firth_profile_interval_of_a_separated_two_by_two_matches_r_profile():
    # For one binary predictor Firth's penalised likelihood is the likelihood of the table with 1/2
    # added to every cell (Jeffreys prior), so its profile is R's profile likelihood of that table:
    # R 4.2.2, MASS 7.3-58.2:
    #   m <- glm(cbind(c(0.5, 4.5), c(4.5, 0.5)) ~ factor(c("no", "yes")), family = binomial)
    #   exp(confint(profile(m, del = 0.005, maxsteps = 5000)))  -> 2.858826475 27527.358480
    # (the default confint, with its coarser profile grid, gives 2.861068 27548.67).
    df = pd.DataFrame({"y": [1, 1, 1, 1, 0, 0, 0, 0], "x": [1, 1, 1, 1, 0, 0, 0, 0]})
    with pytest.warns(SeparationWarning):
        row = logistic(df, "y ~ x").set_index("term").loc["x"]
    assert row.odds_ratio == pytest.approx(81.0, rel=1e-9)  # (4.5 * 4.5) / (0.5 * 0.5)
    assert row.ci_low == pytest.approx(2.858826475, rel=1e-6)
    assert row.ci_high == pytest.approx(27527.358480, rel=1e-6)


def test_no_false_alarm_on_overlapping_data():
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"x": rng.normal(size=200)})
    df["y"] = rng.random(200) < 1 / (1 + np.exp(-df.x))
    with warnings.catch_warnings():
        warnings.simplefilter("error", SeparationWarning)
        fit = logistic(df, "y ~ x")
    assert fit.warning.isna().all() and fit.odds_ratio.notna().all()


def test_event_models_one_value_of_a_categorical_outcome(small_forms):
    coded = cprstats.code_reviews(small_forms)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SeparationWarning)
        fit = logistic(coded, "outcome ~ has_siblings", event="death")
    # by hand from the forms: deaths are reviews 1 and 4; has_siblings is missing for review 6; the
    # siblings of CYSUR 2 2020 count once (the first subject child): 4 children, one per review
    assert (fit.n[0], fit.events[0], fit.unit[0]) == (4, 2, "first_child")


def test_nullable_coded_columns_are_usable(small_forms):
    coded = cprstats.code_reviews(small_forms)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SeparationWarning)
        fit = logistic(coded, "has_siblings ~ n_siblings + period")  # terms in statsmodels' order
    # has_siblings is n_siblings >= 1 by derivation, and every post-Covid child with a known
    # sibling count has siblings: both terms separate the outcome on their own
    assert list(fit.term) == ["Intercept", "period[T.post_covid]", "n_siblings"]
    assert fit.warning[0].startswith("separation: period[T.post_covid], n_siblings each perfectly predict")
    assert (fit.n[0], fit.events[0]) == (4, 3)  # one child per review: CYSUR 2 2020's siblings count once


@pytest.mark.parametrize(
    "formula, kwargs, message",
    [
        ("y x", {}, "must read 'outcome ~ predictors'"),
        ("z ~ x", {}, "outcome 'z' must be a column"),
        ("g ~ x", {}, "pass event="),
        ("y ~ x", {"method": "Newton"}, "method='Newton' is not allowed"),
        ("y ~ x", {"ci_level": 0}, "ci_level"),
        ("y ~ x", {"maxiter": 0}, "maxiter"),
        ("c ~ x", {}, "does not vary"),
    ],
)
def test_bad_arguments_are_named(formula, kwargs, message):
    df = pd.DataFrame(
        {"y": [True, False, True, False], "x": [1.0, 2.0, 2.5, 3.0], "g": list("abab"), "c": [1, 1, 1, 1]}
    )
    with pytest.raises(ParameterError, match=message):
        logistic(df, formula, **kwargs)
