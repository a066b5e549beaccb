"""Tests of cprstats.stats.comparisons.compare.

Frames are built from published 2x2 and 2x3 tables so that every statistic can be checked against
its source; the coded fixture (six synthetic forms in conftest.py, no real child) checks the
designs, with counts made by hand from those forms.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import cprstats
from cprstats.errors import ParameterError
from cprstats.stats.comparisons import COMPARE_COLUMNS, compare
from cprstats.stats.contingency import adjust_pvalues


def _frame(groups: dict[str, tuple[int, int]], by="grp", var="flag") -> pd.DataFrame:
    """One row per review: ``groups`` maps a group to (with the characteristic, total)."""
    g, v = [], []
    for name, (k, n) in groups.items():
        g += [name] * n
        v += [True] * k + [False] * (n - k)
    return pd.DataFrame({by: pd.Categorical(g, categories=list(groups)), var: pd.array(v, dtype="boolean")})


@pytest.fixture
def coded(small_forms):
    return cprstats.code_reviews(small_forms)


def test_public_name_is_the_function():
    import cprstats.stats.comparisons  # noqa: F401  importing the module must not shadow the function

    assert cprstats.compare is compare and callable(cprstats.compare)


def test_tea_tasting_matches_r_fisher_test():
    # R example(fisher.test), TeaTasting = matrix(c(3, 1, 1, 3), 2), two-sided: p-value = 0.4857,
    # odds ratio 6.408309, 95% CI 0.2117329 to 621.9337505 (R's uniroot limits: see test_intervals)
    # groups of 4: min_group=1 so that the reference test is run at all (the default floor is 10)
    res = compare(_frame({"tea_first": (1, 4), "milk_first": (3, 4)}), "flag", by="grp", min_group=1)
    row = res.iloc[0]
    assert (row.group, row.group_ref, row["count"], row.n, row.count_ref, row.n_ref) == (
        "milk_first",
        "tea_first",
        3,
        4,
        1,
        4,
    )
    assert round(row.p_value, 4) == 0.4857 and row.test == "fisher_exact"
    assert row.odds_ratio == pytest.approx(6.408309, abs=5e-5)
    assert abs(row.or_ci_low - 0.2117329) < 1.3e-4
    assert row.risk_difference == 0.5 and row.effect_method == "newcombe+fisher_conditional"
    assert math.isnan(row.statistic)


def test_risk_difference_matches_newcombe_table_ii():
    # Newcombe (1998) Stat Med 17:873-890, Table II, method 10: 56/70 - 48/80 -> 0.0524 to 0.3339
    res = compare(_frame({"b": (48, 80), "a": (56, 70)}), "flag", by="grp")
    row = res.iloc[0]
    assert row.risk_difference == pytest.approx(0.2)
    assert (row.rd_ci_low, row.rd_ci_high) == pytest.approx((0.0524, 0.3339), abs=5e-5)


def test_second_r_fisher_example():
    # R output quoted in RaphaFang/SDU-DataScience-2025 fisher_test.R for matrix(c(21,3,14,10), 2, byrow=TRUE):
    # p-value = 0.04899, odds ratio 4.83119, 95% CI 1.00557 to 32.20580
    res = compare(_frame({"ref": (14, 24), "grp1": (21, 24)}), "flag", by="grp").iloc[0]
    assert res.p_value == pytest.approx(0.04899, abs=5e-6)
    assert res.odds_ratio == pytest.approx(4.83119, abs=5e-5)
    assert abs(res.or_ci_low - 1.00557) < 1.3e-4 and abs(1 / res.or_ci_high - 1 / 32.20580) < 1.3e-4


def test_reference_can_be_chosen():
    df = _frame({"tea_first": (1, 4), "milk_first": (3, 4)})
    row = compare(df, "flag", by="grp", reference="milk_first").iloc[0]
    assert (row.group, row.group_ref, row.risk_difference) == ("tea_first", "milk_first", -0.5)
    assert row.odds_ratio == pytest.approx(1 / 6.408309, rel=1e-4)


def test_several_groups_get_the_exact_joint_test():
    # Cardillo G (2007) MyFisher23 documented example [0 3 2; 6 5 1]: two-tailed p = 0.088235
    res = compare(_frame({"A": (0, 6), "B": (3, 8), "C": (2, 3)}), "flag", by="grp", min_group=1).iloc[0]
    assert res.p_value == pytest.approx(0.088235, abs=5e-7)
    assert res.test == "fisher_freeman_halton_exact"
    assert (res.group, res["count"], res.n) == ("all", 5, 17)
    assert pd.isna(res.group_ref) and pd.isna(res.count_ref) and math.isnan(res.odds_ratio)
    assert pd.isna(res.effect_method)


def test_one_group_against_the_rest(coded):
    res = compare(coded, "parental_adversities_all_three", by="board", groups=["MWW"], min_group=1).iloc[0]
    # by hand from the forms: the three Mid and West Wales children have all three parental adversities,
    # two of them siblings in one review (CYSUR 2 2020), so the test counts one child per review: 2 of 2;
    # of the rest, NWSB (no parental risks recorded) is left out, WGSB has criminality only, CAV none
    assert (res.group, res["count"], res.n, res.unit) == ("MWW", 2, 2, "first_child")
    assert (res.group_ref, res.count_ref, res.n_ref) == ("rest", 0, 2)
    assert res.odds_ratio == math.inf and res.or_ci_high == math.inf and res.or_ci_low > 0
    # Fisher: 1 / C(4, 2) = 1/6, and the other extreme table as likely: two-sided p = 1/3
    assert res.p_value == pytest.approx(1 / 3)
    # with the default floor of 10 reviews a group, no test at all, and the note says why
    floor = compare(coded, "parental_adversities_all_three", by="board", groups=["MWW"]).iloc[0]
    assert math.isnan(floor.p_value) and pd.isna(floor.test) and floor.note == "small_group"


def test_boolean_by_uses_false_as_reference():
    df = pd.DataFrame(
        {
            "died": pd.array([True, True, False, False, False, True], dtype="boolean"),
            "flag": pd.array([True, True, False, True, False, False], dtype="boolean"),
        }
    )
    row = compare(df, "flag", by="died").iloc[0]
    assert (row.group, row.group_ref, row["count"], row.n, row.count_ref, row.n_ref) == ("true", "false", 2, 3, 1, 3)


def test_level_in_neither_group_has_no_p_value_and_leaves_the_family():
    df = _frame({"a": (3, 10), "b": (9, 10)}).assign(never=pd.array([False] * 20, dtype="boolean"))
    res = compare(df, ["flag", "never"], by="grp")
    never = res[res.variable == "never"].iloc[0]
    assert math.isnan(never.p_value) and math.isnan(never.p_adjusted) and pd.isna(never.test)
    assert math.isnan(never.odds_ratio) and never.risk_difference == 0.0
    assert never.rd_ci_low < 0 < never.rd_ci_high
    flag = res[res.variable == "flag"].iloc[0]
    assert flag.p_adjusted == flag.p_value  # a family of one: Holm changes nothing


def test_adjustment_over_the_rows_of_one_call():
    df = pd.concat(
        [
            _frame({"a": (3, 10), "b": (9, 10)}, var="v1"),
            _frame({"a": (2, 10), "b": (6, 10)}, var="v2").drop(columns="grp"),
        ],
        axis=1,
    )
    for adjust in ("holm", "fdr_bh", "none"):
        res = compare(df, ["v1", "v2"], by="grp", adjust=adjust)
        assert res.p_adjusted.tolist() == pytest.approx(adjust_pvalues(res.p_value, method=adjust).tolist())
        assert set(res.adjust) == {adjust}
    holm = compare(df, ["v1", "v2"], by="grp")
    assert (holm.p_adjusted >= holm.p_value).all()


def test_empty_group_gives_nan(coded):
    res = compare(coded, "parental_adversities_all_three", by="board", groups=["CTM", "MWW"]).iloc[0]
    assert (res.group, res.group_ref, res.n_ref) == ("MWW", "CTM", 0)
    assert math.isnan(res.p_value) and math.isnan(res.risk_difference) and pd.isna(res.test)


def test_columns_are_fixed_for_every_design(coded):
    for kwargs in (
        {"by": "period"},
        {"by": "board"},
        {"by": "board", "groups": ["MWW"]},
        {"by": "board", "groups": ["MWW", "NWSB"], "reference": "NWSB"},
    ):
        res = compare(coded, ["outcome", "parental_risks", "parental_adversities_all_three"], **kwargs)
        assert tuple(res.columns) == COMPARE_COLUMNS
        assert res["count"].dtype == "int64" and str(res.count_ref.dtype) == "Int64"
        assert res.p_value.dtype == "float64" and str(res.test.dtype) == "string"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"by": "board", "groups": ["MWX"]}, r"'MWX' is not a group.*did you mean 'MWW'"),
        ({"by": "board", "groups": ["MWW", "MWW"]}, "twice"),
        ({"by": "board", "groups": ["MWW"], "reference": "CAV"}, "reference is 'rest'"),
        ({"by": "period", "reference": "during"}, "not one of the two"),
        ({"by": "board", "reference": "MWW"}, "two-group comparisons"),
        ({"by": "period", "adjust": "bonferroni"}, "adjust='bonferroni' is not allowed"),
        ({"by": None}, "name the column"),
        ({"by": "period", "n_resamples": 0}, "n_resamples"),
    ],
)
def test_bad_arguments_are_named(coded, kwargs, message):
    with pytest.raises(ParameterError, match=message):
        compare(coded, "parental_adversities_all_three", **kwargs)


def test_one_group_only_cannot_be_compared():
    with pytest.raises(ParameterError, match="fewer than two groups"):
        compare(_frame({"a": (1, 3), "b": (0, 0)}), "flag", by="grp")


def test_large_data_stays_fast_and_uses_chi_squared_where_enumeration_is_too_big():
    rng = np.random.default_rng(1)
    n = 30_000
    df = pd.DataFrame(
        {"grp": pd.Categorical(rng.choice(list("ABCDEF"), n)), "flag": pd.array(rng.random(n) < 0.3, dtype="boolean")}
    )
    res = compare(df, "flag", by="grp").iloc[0]
    assert res.test == "pearson_chi2" and 0 <= res.p_value <= 1 and res.statistic > 0


# --------------------------------------------------------------------------- issue 15
def test_risk_ratio_columns_match_published_koopman_interval():
    # Perondi et al. (2004), 7/34 against 1/34: Koopman score interval 1.2209 to 42.5757 (Fagerland,
    # Lydersen & Laake 2017, chapter 4; R package contingencytables, tests/testthat/test-chapter4.R)
    row = compare(_frame({"ref": (1, 34), "grp": (7, 34)}), "flag", by="grp").iloc[0]
    assert row.risk_ratio == pytest.approx(7.0)
    assert (row.rr_ci_low, row.rr_ci_high) == pytest.approx((1.2209, 42.5757), abs=5e-5)
    assert math.isnan(row.p_value_se)


def test_risk_ratio_with_zero_counts():
    res = compare(_frame({"ref": (3, 12), "grp": (0, 10)}), "flag", by="grp").iloc[0]
    assert res.risk_ratio == 0.0 and res.rr_ci_low == 0.0 and 0 < res.rr_ci_high < math.inf
    res = compare(_frame({"ref": (0, 12), "grp": (3, 10)}), "flag", by="grp").iloc[0]
    assert res.risk_ratio == math.inf and res.rr_ci_high == math.inf and res.rr_ci_low > 0
    res = compare(_frame({"ref": (0, 12), "grp": (0, 10)}), "flag", by="grp").iloc[0]
    assert math.isnan(res.risk_ratio) and math.isnan(res.rr_ci_low) and math.isnan(res.rr_ci_high)


def test_six_boards_get_the_exact_test_equal_to_r():
    # R 4.2.2: fisher.test(rbind(x, n - x))$p.value with x = c(12, 5, 9, 3, 8, 6),
    # n = c(30, 22, 28, 18, 27, 25) (150 reviews): 0.588161602973519 (tests/stats/test_reference_r.py)
    boards = dict(zip("ABCDEF", zip([12, 5, 9, 3, 8, 6], [30, 22, 28, 18, 27, 25])))
    row = compare(_frame(boards), "flag", by="grp").iloc[0]
    assert row.test == "fisher_freeman_halton_exact" and math.isnan(row.p_value_se)
    assert row.p_value == pytest.approx(0.588161602973519, abs=1e-9)
    assert math.isnan(row.risk_ratio) and math.isnan(row.rr_ci_low)


def test_monte_carlo_joint_test_shows_its_standard_error():
    # 30,000 reviews with one board of 3: an expected count below 5, and an exact test over budget
    rng = np.random.default_rng(1)
    n = 30_000
    g = rng.choice(list("ABCDE"), n).astype(object)
    g[:3] = "F"
    df = pd.DataFrame({"grp": pd.Categorical(g), "flag": pd.array(rng.random(n) < 0.3, dtype="boolean")})
    row = compare(df, "flag", by="grp", n_resamples=4999, seed=5, min_group=1).iloc[0]
    assert row.test == "fisher_freeman_halton_monte_carlo"
    assert row.p_value_se == pytest.approx(math.sqrt(row.p_value * (1 - row.p_value) / 4999))
