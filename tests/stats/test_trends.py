"""Tests of cprstats.stats.trends.trend (Cochran-Armitage test for a trend over years).

Every reference value names its source; frames are synthetic.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cprstats.errors import ParameterError
from cprstats.stats.trends import TREND_COLUMNS, trend


def _by_year(years, successes, totals, var="flag") -> pd.DataFrame:
    y, v = [], []
    for year, k, n in zip(years, successes, totals):
        y += [year] * n
        v += [True] * k + [False] * (n - k)
    return pd.DataFrame({"incident_year": pd.array(y, dtype="Int64"), var: pd.array(v, dtype="boolean")})


def test_public_name_is_the_function():
    import cprstats.stats.trends  # noqa: F401

    assert cprstats.trend is trend


def test_matches_r_prop_trend_test():
    # R example(prop.trend.test): smokers <- c(83, 90, 129, 70); patients <- c(86, 93, 136, 82);
    # prop.trend.test(smokers, patients) -> X-squared = 8.2249, df = 1, p-value = 0.004132
    # (scores 1..4; years 2001..2004 give the same test, shifted scores)
    df = _by_year([2001, 2002, 2003, 2004], [83, 90, 129, 70], [86, 93, 136, 82])
    row = trend(df, "flag", exact=False).iloc[0]
    assert row.statistic**2 == pytest.approx(8.2249, abs=5e-5)
    assert row.p_value == pytest.approx(0.004132, abs=5e-7)
    assert row.test == "cochran_armitage" and row.slope < 0
    assert (row["count"], row.n, row.first_year, row.last_year, row.n_years) == (372, 397, 2001, 2004, 4)
    assert row.estimate == pytest.approx(372 / 397)


def test_small_samples_get_the_exact_test():
    df = _by_year([2017, 2018, 2019, 2020], [0, 1, 1, 2], [2, 2, 2, 2])
    row = trend(df, "flag", min_group=8).iloc[0]  # 8 reviews: below the default floor of 10
    assert row.test == "cochran_armitage_exact"
    # slope by hand: proportions 0, .5, .5, 1 on years 0..3 (equal weights): 1.5 / 5 = 0.3
    assert row.slope == pytest.approx(0.3)
    assert 0 < row.p_value <= 1


def test_levels_of_a_categorical_and_the_adjustment():
    df = _by_year([2018, 2019, 2020], [1, 2, 3], [3, 3, 3]).assign(
        period=pd.Categorical(["pre_covid"] * 6 + ["post_covid"] * 3)
    )
    res = trend(df, ["flag", "period"], min_group=9)  # 9 reviews: below the default floor of 10
    assert tuple(res.columns) == TREND_COLUMNS
    assert res.level.tolist() == ["true", "pre_covid", "post_covid"]
    assert (res.p_adjusted >= res.p_value - 1e-15).all() and set(res.adjust) == {"holm"}


def test_nothing_to_test_gives_nan():
    one_year = _by_year([2019], [1], [3])
    row = trend(one_year, "flag").iloc[0]
    assert math.isnan(row.p_value) and pd.isna(row.test) and row.n_years == 1
    constant = _by_year([2019, 2020], [0, 0], [3, 3])
    assert math.isnan(trend(constant, "flag").p_value[0])


def test_rows_without_a_year_are_left_out():
    df = _by_year([2019, 2020], [1, 2], [2, 2])
    df.loc[0, "incident_year"] = pd.NA
    assert trend(df, "flag").n[0] == 3


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"year": "incident_yr"}, "not a column"),
        ({"year": "flag"}, "numeric column of years"),
        ({"exact": "yes"}, "True or False"),
        ({"adjust": "BH"}, "adjust='BH' is not allowed"),
    ],
)
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        trend(_by_year([2019, 2020], [1, 2], [2, 2]), "flag", **kwargs)
