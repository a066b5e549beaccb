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


def test_complete_separation_is_flagged_not_printed():
    df = pd.DataFrame({"y": [1, 1, 1, 0, 0, 0, 1, 0], "x": [5, 6, 7, 1, 2, 3, 8, 0], "w": [1, 2, 1, 2, 1, 2, 1, 2]})
    with pytest.warns(SeparationWarning, match=r"separation: x perfectly predicts the outcome"):
        fit = logistic(df, "y ~ x + w")
    assert tuple(fit.columns) == LOGISTIC_COLUMNS
    assert fit.odds_ratio.isna().all() and fit.p_value.isna().all()
    assert fit.warning.str.contains("Firth").all()


def test_quasi_separation_by_a_category_is_flagged():
    # every review in group "c" has the outcome: quasi-complete separation (Albert & Anderson 1984)
    df = pd.DataFrame({"y": [1, 0, 1, 0, 1, 1, 1, 0, 1, 0], "g": list("aabbcccaab")})
    with pytest.warns(SeparationWarning, match=r"g\[T.c\]"):
        fit = logistic(df, "y ~ g")
    assert fit.coef.isna().all()


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
    # by hand from the forms: deaths are reviews 1 and 4; has_siblings is missing for review 6
    assert (fit.n[0], fit.events[0]) == (5, 2)


def test_nullable_coded_columns_are_usable(small_forms):
    coded = cprstats.code_reviews(small_forms)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SeparationWarning)
        fit = logistic(coded, "has_siblings ~ n_siblings + period")  # terms in statsmodels' order
    # has_siblings is n_siblings >= 1 by derivation, and every post-Covid child with a known
    # sibling count has siblings: both terms separate the outcome on their own
    assert list(fit.term) == ["Intercept", "period[T.post_covid]", "n_siblings"]
    assert fit.warning[0].startswith("separation: period[T.post_covid], n_siblings each perfectly predict")
    assert (fit.n[0], fit.events[0]) == (5, 4)


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
