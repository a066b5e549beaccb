"""Tests of cprstats.stats.describe (proportions and table_one).

The coded fixture comes from the six synthetic forms in conftest.py (no real child); expected
counts there are counted by hand from those forms and say so. Interval reference values name
their published source.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import cprstats
from cprstats.errors import ParameterError
from cprstats.stats.describe import COLUMNS, TABLE_ONE_COLUMNS, proportions, table_one


@pytest.fixture
def coded(small_forms):
    return cprstats.code_reviews(small_forms)


def _row(tab, **where):
    mask = np.ones(len(tab), dtype=bool)
    for k, v in where.items():
        mask &= (tab[k] == v).fillna(False).to_numpy(dtype=bool)
    assert mask.sum() == 1, where
    return tab[mask].iloc[0]


def test_public_names_are_exported():
    assert cprstats.proportions is proportions and cprstats.table_one is table_one


def test_boolean_column_reproduces_newcombe_table_i():
    # Newcombe (1998) Stat Med 17:857-872, Table I: 81/263, Wilson 0.2553 to 0.3662, exact 0.2527 to 0.3676.
    # Missing values must leave the denominator: 263 recorded plus 7 not recorded.
    flag = pd.array([True] * 81 + [False] * 182 + [None] * 7, dtype="boolean")
    df = pd.DataFrame({"flag": flag})
    for method, expected in (("wilson", (0.2553, 0.3662)), ("clopper-pearson", (0.2527, 0.3676))):
        row = proportions(df, "flag", method=method).iloc[0]
        assert (row.level, row.group, row["count"], row.n) == ("true", "all", 81, 263)
        assert (row.ci_low, row.ci_high) == pytest.approx(expected, abs=5e-5)
        assert row.estimate == pytest.approx(81 / 263) and row.method == method


def test_categorical_levels_in_codebook_order_with_zero_counts(coded, codebook):
    tab = proportions(coded, "outcome", by="period")
    # by hand from the forms: pre-Covid incidents (2018-06, 2019-11, 2019-03) had outcomes death,
    # death ("Marwolaeth"), other; post-Covid (2020-05, 2020-05, 2021-02) life-threatening injury,
    # serious impairment, other
    assert list(tab.level.unique()) == list(codebook.field("outcome").codes)
    assert list(tab.group.unique()) == ["pre_covid", "post_covid", "all"]
    assert _row(tab, level="death", group="pre_covid")[["count", "n"]].tolist() == [2, 3]
    assert _row(tab, level="death", group="post_covid")[["count", "n"]].tolist() == [0, 3]
    assert _row(tab, level="death", group="all")[["count", "n"]].tolist() == [2, 6]
    zero = _row(tab, level="death", group="post_covid")
    assert zero.estimate == 0.0 and zero.ci_low == 0.0 and 0 < zero.ci_high < 1


def test_multi_response_uses_recorded_reviews_as_denominator(coded):
    tab = proportions(coded, "harm_experienced")
    # forms: review 4 coded "none" (recorded, none present), review 6 left blank (not recorded)
    assert set(tab.variable) == {"harm_experienced"}
    assert (tab.n == 5).all()
    assert _row(tab, level="neglect")["count"] == 2
    assert _row(tab, level="emotional_abuse")["count"] == 1
    single = proportions(coded, "harm_neglect").iloc[0]  # an option column alone reads the same way
    assert (single.variable, single.level, single["count"], single.n) == ("harm_experienced", "neglect", 2, 5)


def test_boolean_codebook_variable(coded):
    row = proportions(coded, "has_siblings").iloc[0]
    # n_siblings on the forms: 2, 3, 3, 0, 1, blank -> 4 of 5 have siblings
    assert (row.level, row["count"], row.n) == ("true", 4, 5)


def test_columns_and_dtypes_are_fixed_whatever_the_arguments(coded):
    for kwargs in ({}, {"by": "board"}, {"by": "period", "overall": False}, {"method": "jeffreys", "ci_level": 0.9}):
        tab = proportions(coded, ["outcome", "themes", "parental_adversities_all_three"], **kwargs)
        assert tuple(tab.columns) == COLUMNS
        assert tab["count"].dtype == "int64" and tab["n"].dtype == "int64"
        assert str(tab.variable.dtype) == "string" and str(tab.group.dtype) == "string"
        assert tab.estimate.dtype == "float64"
    assert set(proportions(coded, "outcome", by="period", overall=False).group) == {"pre_covid", "post_covid"}


def test_empty_group_gives_nan_not_an_error(coded):
    tab = proportions(coded, "parental_adversities_all_three", by="board")
    ctm = _row(tab, group="CTM")  # no synthetic review from Cwm Taf Morgannwg
    assert ctm.n == 0 and math.isnan(ctm.estimate) and math.isnan(ctm.ci_low)


def test_all_variables_by_default(coded):
    tab = proportions(coded)
    assert "age_months" not in set(tab.variable)  # restricted
    assert {"outcome", "child_vulnerabilities", "parental_adversities_all_three"} <= set(tab.variable)


def test_columns_unknown_to_the_codebook_are_described_by_dtype():
    df = pd.DataFrame(
        {
            "team": pd.array(["b", "a", None, "b"], dtype="string"),
            "tier": pd.Categorical(["high", "low", "low", None], categories=["low", "high", "none"]),
            "flag": [True, False, True, True],
        }
    )
    tab = proportions(df, ["team", "tier", "flag"])
    assert tab[tab.variable == "team"].level.tolist() == ["a", "b"]  # sorted distinct values
    assert tab[tab.variable == "tier"].level.tolist() == ["low", "high", "none"]  # its categories
    assert _row(tab, variable="team", level="b")[["count", "n"]].tolist() == [2, 3]
    assert _row(tab, variable="flag")[["count", "n"]].tolist() == [3, 4]


def test_by_boolean_and_integer_columns():
    df = pd.DataFrame(
        {
            "died": [True, False, True, None],
            "year": pd.array([2019, 2019, 2020, 2021], dtype="Int64"),
            "flag": pd.array([True, True, False, False], dtype="boolean"),
        }
    )
    df["died"] = df["died"].astype("boolean")
    assert proportions(df, "flag", by="died").group.tolist() == ["false", "true", "all"]
    assert proportions(df, "flag", by="year").group.tolist() == ["2019", "2020", "2021", "all"]


def test_groups_declare_whether_they_add_up_to_all():
    # The fourth review has no "died" value: it is in "all" only, so the groups add up to at
    # most "all" (relation "le"), and by hand: flag true in 2 reviews overall, 2 in the groups
    # (reviews 1 and 2, died true and false), n 4 overall, 3 in the groups.
    df = pd.DataFrame(
        {
            "died": pd.array([True, False, True, None], dtype="boolean"),
            "year": pd.array([2019, 2019, 2020, 2021], dtype="Int64"),
            "flag": pd.array([True, True, False, False], dtype="boolean"),
        }
    )
    tab = proportions(df, "flag", by="died")
    assert tab.attrs["groups"] == {"by": "died", "total": "all", "relation": "le"}
    groups = tab[tab.group != "all"]
    assert groups["n"].sum() == 3 and _row(tab, group="all")["n"] == 4
    assert proportions(df, "flag", by="year").attrs["groups"]["relation"] == "eq"
    assert proportions(df, "flag", by="year", overall=False).attrs["groups"]["total"] is None
    assert "groups" not in proportions(df, "flag").attrs


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"variables": "outcom"}, r"did you mean 'outcome'"),
        ({"variables": "child_vulnerability"}, r"did you mean 'child_vulnerabilities'"),
        ({"variables": "outcome", "by": "bord"}, r"by='bord' is not a column.*did you mean 'board'"),
        ({"variables": "outcome", "method": "wald"}, r"method='wald' is not allowed"),
        ({"variables": "outcome", "ci_level": 1.0}, r"ci_level=1.0"),
        ({"variables": "n_siblings"}, r"numeric: use table_one"),
        ({"variables": "incident_date"}, r"yearmonth variable"),
        ({"variables": []}, r"at least one"),
    ],
)
def test_bad_arguments_are_named(coded, kwargs, message):
    with pytest.raises(ParameterError, match=message):
        proportions(coded, **kwargs)


def test_values_outside_the_codebook_are_refused():
    df = pd.DataFrame({"outcome": ["death", "dead"]})
    with pytest.raises(ParameterError, match=r"\['dead'\] are not codes"):
        proportions(df, "outcome")


def test_a_group_called_all_is_refused():
    df = pd.DataFrame({"grp": ["all", "x"], "flag": [True, False]})
    with pytest.raises(ParameterError, match="reserved"):
        proportions(df, "flag", by="grp")


def test_data_must_be_a_frame():
    with pytest.raises(ParameterError, match="DataFrame"):
        proportions([1, 2], "x")


def test_table_one_counts_percents_and_quartiles(coded):
    t1 = table_one(coded, ["period", "n_siblings", "parental_adversities_all_three"], by="period")
    assert tuple(t1.columns) == TABLE_ONE_COLUMNS
    pct = _row(t1, variable="period", level="pre_covid", group="all", statistic="percent")
    # period is review-level: the 6 children are in 5 reviews (CYSUR 2 2020 is about two siblings), 3 pre-Covid
    assert (pct.value, pct.n, pct.unit) == (60.0, 5, "review")
    # n_siblings on the forms: 2, 3, 3, 0, 1, blank. R: quantile(c(2, 3, 3, 0, 1)) gives
    # 25% 1, 50% 2, 75% 3 (type 7, R's default)
    for stat, value in (("median", 2.0), ("q1", 1.0), ("q3", 3.0)):
        row = _row(t1, variable="n_siblings", group="all", statistic=stat)
        assert (row.value, row.n) == (value, 5)
    miss = _row(t1, variable="n_siblings", group="all", statistic="missing")
    assert (miss.value, miss.n) == (1.0, 6)
    # post-Covid: n_siblings 3, 3, blank -> median 3 of 2 values
    assert _row(t1, variable="n_siblings", group="post_covid", statistic="median").value == 3.0


def test_table_one_quartiles_follow_r_type_7():
    # R: quantile(c(0, 1, 2, 3)) -> 25% 0.75, 50% 1.50, 75% 2.25
    df = pd.DataFrame({"x": [3.0, 0.0, 2.0, 1.0]})
    t1 = table_one(df, "x")
    got = dict(zip(t1.statistic, t1.value))
    assert (got["q1"], got["median"], got["q3"]) == (0.75, 1.5, 2.25)


def test_table_one_refuses_restricted_variables_unless_asked(coded):
    with pytest.raises(ParameterError, match="restricted"):
        table_one(coded, "age_months")
    assert not table_one(coded, "age_months", allow_restricted=True).empty


def test_table_one_default_covers_numeric_variables(coded):
    t1 = table_one(coded)
    assert "n_siblings" in set(t1.variable) and "age_months" not in set(t1.variable)
    assert set(t1.statistic) <= {"count", "percent", "median", "q1", "q3", "missing"}
