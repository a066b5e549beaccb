"""Tests for cprstats.disclosure.suppression (and its engine cprstats.disclosure.cells).

Every table here is made up (synthetic) and its expected suppression is worked out by hand
in the test, from the rules in DESIGN.md "Disclosure control defaults" and the protection
criterion in cprstats/_cells.py: every hidden count from 1 to threshold-1 must have a
feasible range, given everything published, covering 0 .. min(threshold-1, n).

The attacker used to check that criterion (`feasible_range`) is written here from scratch,
independently of the package's own audit: it sees only the published table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from cprstats.disclosure.suppression import suppress
from cprstats.errors import ParameterError


def table(variable, levels, groups, counts, n):
    """Long table from a levels x groups matrix of counts and one n per group."""
    rows = []
    for j, g in enumerate(groups):
        for i, lv in enumerate(levels):
            rows.append({"variable": variable, "level": lv, "group": g, "count": counts[i][j], "n": n[j]})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ the attacker
def feasible_range(published, cell, *, additive, total="all"):
    """Min and max of a hidden cell given the published table (counts, n, which are hidden).

    Knowledge used: non-negativity; count <= n; if ``additive``, the levels of a group add up
    to its n; the ``total`` group is the sum of the others for each level.
    """
    pub = published.reset_index(drop=True)
    hid = list(pub.index[pub["suppressed"]])
    pos = {r: k for k, r in enumerate(hid)}
    A_eq, b_eq = [], []

    def add(rows_coefs, rhs):
        row, r = np.zeros(len(hid)), rhs
        for ri, coef in rows_coefs:
            if ri in pos:
                row[pos[ri]] += coef
            else:
                r -= coef * pub.at[ri, "count"]
        if row.any():
            A_eq.append(row)
            b_eq.append(r)

    for (_, g), sub in pub.groupby(["variable", "group"], sort=False):
        if additive:
            add([(ri, 1.0) for ri in sub.index], float(sub["n"].iloc[0]))
    groups = list(pd.unique(pub["group"]))
    if total in groups and len(groups) > 1:
        for _, sub in pub.groupby(["variable", "level"], sort=False):
            terms = [(ri, -1.0 if g == total else 1.0) for ri, g in zip(sub.index, sub["group"])]
            add(terms, 0.0)
    bounds = [(0, float(pub.at[r, "n"])) for r in hid]
    c = np.zeros(len(hid))
    c[pos[cell]] = 1
    kw = dict(A_eq=np.array(A_eq) if A_eq else None, b_eq=b_eq or None, bounds=bounds, method="highs")
    lo = linprog(c, **kw)
    hi = linprog(-c, **kw)
    assert lo.status == 0 and hi.status == 0
    return lo.fun, -hi.fun


def assert_protected(original, published, threshold=5, *, additive, total="all"):
    """No small count is published, published counts are exact, and hidden small counts are protected."""
    orig = original.reset_index(drop=True)
    pub = published.reset_index(drop=True)
    shown = ~pub["suppressed"]
    assert (pub.loc[shown, "count"] == orig.loc[shown, "count"]).all()
    assert pub.loc[~shown, "count"].isna().all()
    for r in orig.index:
        x, n = orig.at[r, "count"], orig.at[r, "n"]
        m = min(threshold - 1, n)
        need = []
        if 1 <= x <= threshold - 1:
            need.append((0, m))
        if not additive and x >= 1 and 1 <= n - x <= threshold - 1:
            need.append((n - m, n))
        if not need:
            continue
        assert pub.at[r, "suppressed"], f"small count {x} (n={n}) published in row {r}"
        lo, hi = feasible_range(pub, r, additive=additive, total=total)
        for a, b in need:
            assert lo <= a + 1e-6 and hi >= b - 1e-6, f"row {r}: x={x} n={n} lies in [{lo}, {hi}], needs [{a}, {b}]"


# ------------------------------------------------------------------ hand-worked tables
def test_one_small_level_hides_the_next_smallest_nonzero_level():
    # levels a..d of a single-choice variable in one group, n = 20. b = 3 is primary. From
    # n and the other levels b = 20 - 10 - 7 - 0, so the next smallest non-zero level (c = 7)
    # is hidden too; then b + c = 10 and b can be anything from 0 to 10. d = 0 is a true zero.
    t = table("x", ["a", "b", "c", "d"], ["all"], [[10], [3], [7], [0]], [20])
    s = suppress(t, additive=True)
    assert s["suppression"].tolist() == ["", "primary", "secondary", ""]
    assert s["count"].tolist()[0] == 10 and np.isnan(s["count"].tolist()[1]) and s["count"].tolist()[3] == 0
    assert_protected(t, s, additive=True)


def test_hidden_levels_whose_sum_is_small_get_a_third_partner():
    # outcome in 11 reviews: 8, 2, 1. Hiding 2 and 1 leaves 11 - 8 = 3 = their sum, which
    # tells the reader three children share two rare outcomes (each range is 0..3, short of
    # 0..4), so the 8 is hidden as well; then each hidden range is 0..11.
    t = table("outcome", ["death", "life_threatening_injury", "other"], ["MWW"], [[8], [2], [1]], [11])
    s = suppress(t)  # the codebook says outcome is single choice
    assert s["suppression"].tolist() == ["secondary", "primary", "primary"]
    # with 7, 3, 1 the hidden sum is 4 = threshold - 1: protected without hiding the 7
    t2 = table("outcome", ["death", "life_threatening_injury", "other"], ["MWW"], [[7], [3], [1]], [11])
    assert suppress(t2)["suppression"].tolist() == ["", "primary", "primary"]
    assert_protected(t, s, additive=True)


def test_zero_is_a_true_zero_and_never_primary():
    t = table("x", ["a", "b", "c"], ["all"], [[0], [12], [9]], [21])
    s = suppress(t, additive=True)
    assert s["count"].tolist() == [0, 12, 9]
    assert not s["suppressed"].any() and (s["suppression"] == "").all()


def test_across_groups_the_smallest_other_group_cell_is_hidden():
    # Multi-response option (levels independent) for boards A, B and all (A + B): A = 3 is
    # primary; all - B = 3 would reveal it, so B's cell of the same level (10) is hidden;
    # then A + B = 13 with A <= 12, B <= 15: A ranges over 0..12. Option "y" is safe.
    t = table("themes", ["escalation", "recording"], ["A", "B", "all"], [[3, 10, 13], [6, 9, 15]], [12, 15, 27])
    s = suppress(t)  # themes is multi-response in the codebook
    got = dict(zip(zip(s["level"], s["group"]), s["suppression"]))
    assert got[("escalation", "A")] == "primary" and got[("escalation", "B")] == "secondary"
    assert got[("escalation", "all")] == "" and not s.loc[s["level"] == "recording", "suppressed"].any()
    assert_protected(t, s, additive=False)


def test_two_groups_and_total_of_a_single_choice_variable():
    # yes/no by board with the all-Wales total. CAV yes = 2 and MWW yes = 3 are primary.
    # Each board's yes + no = n, so each board's "no" is hidden (a single hidden level in a
    # row). The all column (5, 18) stays: yes_CAV + yes_MWW = 5, and yes_CAV can be 0 (then
    # yes_MWW = 5, no_MWW = 6, no_CAV = 12) or 5, so it covers 0..4.
    t = table("on_cp_register_6m", ["yes", "no"], ["CAV", "MWW", "all"], [[2, 3, 5], [10, 8, 18]], [12, 11, 23])
    s = suppress(t)
    assert s["suppression"].tolist() == ["primary", "secondary", "primary", "secondary", "", ""]
    assert_protected(t, s, additive=True)


def test_codebook_multi_response_is_not_additive_even_when_options_sum_to_n():
    # themes: escalation 2, recording 9 in 11 reviews. As multi-response options, 2 is
    # primary and recording's complement 11 - 9 = 2 is small, so recording is hidden as
    # primary. Forced additive, recording would be hidden as secondary instead.
    t = table("themes", ["escalation", "recording"], ["MWW"], [[2], [9]], [11])
    assert suppress(t)["suppression"].tolist() == ["primary", "primary"]
    assert suppress(t, additive={"themes": True})["suppression"].tolist() == ["primary", "secondary"]


def test_boolean_complement_is_protected():
    # has_siblings "true" 9 of 11: the "false" count 2 = 11 - 9 is small, so 9 is hidden;
    # 11 of 11 (complement 0) and 6 of 11 (complement 5) are safe.
    # A 0 of 3 is a true zero: shown, though its complement 3 is small; only its
    # percentage is withheld (DESIGN.md: "zero is a true zero").
    t = pd.DataFrame(
        {
            "variable": ["has_siblings", "youngest", "large_sibling_group", "toxic_trio"],
            "level": "true",
            "group": "MWW",
            "count": [9, 11, 6, 0],
            "n": [11, 11, 11, 3],
        }
    )
    s = suppress(t)
    assert s["suppression"].tolist() == ["primary", "", "", "small_denominator"]
    assert s["count"].iloc[3] == 0


def test_small_denominator_withholds_percentages_and_hides_a_zero_if_needed():
    # n = 3 < 5: a = 3 is primary; no non-zero level is left to hide, and 3 - 0 - 0 would
    # give a away, so the first zero (b) is hidden as secondary: a + b = 3 then covers 0..3
    # (= min(4, n)). c stays a shown zero but its percentage is withheld.
    t = table("x", ["a", "b", "c"], ["all"], [[3], [0], [0]], [3])
    t["estimate"] = t["count"] / t["n"]
    t["ci_low"], t["ci_high"], t["ci_level"] = 0.1, 0.9, 0.95
    s = suppress(t, additive=True)
    assert s["suppression"].tolist() == ["primary", "secondary", "small_denominator"]
    assert s["count"].iloc[2] == 0 and s[["estimate", "ci_low", "ci_high"]].isna().all().all()
    assert (s["ci_level"] == 0.95).all() and (s["n"] == 3).all()
    assert_protected(t, s, additive=True)


def test_hidden_numbers_leave_every_derived_column():
    t = table("x", ["a", "b", "c"], ["all"], [[2], [9], [9]], [20])
    t["estimate"] = t["count"] / 20
    t["p_value"], t["label"] = 0.5, "keep me"
    s = suppress(t, additive=True)
    hidden = s["suppressed"]
    assert hidden.tolist() == [True, True, False]
    assert s.loc[hidden, ["count", "estimate", "p_value"]].isna().all().all()
    assert s.loc[~hidden, "estimate"].tolist() == [0.45] and (s["label"] == "keep me").all()
    # the hidden count 2 appears nowhere in the frame
    assert not (s.select_dtypes("number") == 2).any().any()


def test_mid_and_west_wales_like_case():
    # 11 reviews (4 MAPFs and 7 CPRs, the Mid and West Wales figures in DESIGN.md), split
    # before (n = 6) and after (n = 5) Covid-19, with the all-period total. Every non-zero
    # period cell is 1..4, so all are primary. In the total, extended 2 and MAPF 4 are
    # primary; concise 5 stays: extended + MAPF = 6 in total and, within the periods, every
    # hidden cell can still be 0 or 4 (e.g. extended_all = 0 with MAPF 3 + 3; = 4 with 2 + 2),
    # so nothing else is needed. Zeros (susr, other) stay zeros.
    levels = ["cpr_concise", "cpr_extended", "mapf", "susr", "other"]
    counts = [[3, 2, 5], [1, 1, 2], [2, 2, 4], [0, 0, 0], [0, 0, 0]]
    t = table("review_type", levels, ["pre_covid", "post_covid", "all"], counts, [6, 5, 11])
    s = suppress(t)
    shown = s.loc[~s["suppressed"], ["level", "group", "count"]]
    assert set(map(tuple, shown.loc[shown["count"] > 0].to_numpy())) == {("cpr_concise", "all", 5)}
    assert (shown.loc[shown["level"].isin(["susr", "other"]), "count"] == 0).all()
    assert s.loc[s["suppressed"], "suppression"].eq("primary").all()
    assert_protected(t, s, additive=True)
    # a multi-response group in the same 11 reviews: every option present (the five themes)
    themes = ["advocacy_individual", "communication", "escalation", "recording", "voice_of_child"]
    counts = [[2, 1, 3], [4, 3, 7], [3, 2, 5], [5, 4, 9], [1, 3, 4]]
    m = table("themes", themes, ["pre_covid", "post_covid", "all"], counts, [6, 5, 11])
    sm = suppress(m)
    assert not ((sm["count"] >= 1) & (sm["count"] <= 4)).any()
    assert_protected(m, sm, additive=False)


def test_rounding_to_five_after_suppression():
    # StatsWales rounds to the nearest 5 (reference section 4): 23 -> 25, 12 -> 10, 0 -> 0,
    # n 35 -> 35; the percentage is recomputed from rounded numbers (25 / 35), the interval
    # (computed from exact counts) is withheld.
    t = table("x", ["a", "b", "c"], ["all"], [[23], [12], [0]], [35])
    t["estimate"], t["ci_low"], t["ci_high"], t["ci_level"] = t["count"] / 35, 0.1, 0.9, 0.95
    s = suppress(t, round_to=5, additive=True)
    assert s["count"].tolist() == [25, 10, 0] and (s["n"] == 35).all()
    assert s["estimate"].tolist() == pytest.approx([25 / 35, 10 / 35, 0])
    assert s[["ci_low", "ci_high"]].isna().all().all() and (s["ci_level"] == 0.95).all()
    # round half up to 10: 35 -> 40, 15 -> 20, 14 -> 10
    t10 = table("x", ["a", "b"], ["all"], [[15], [14]], [29])
    assert suppress(t10, round_to=10, additive=True)["count"].tolist() == [20, 10]
    # threshold 1 with rounding: a 2 would round to 0, a false zero, so it is hidden
    t1 = table("x", ["a", "b"], ["all"], [[2], [40]], [42])
    s1 = suppress(t1, 1, round_to=5, additive=True)
    assert s1["suppression"].tolist() == ["primary", ""] and np.isnan(s1["count"].iloc[0])


def test_threshold_one_hides_nothing_but_is_explicit():
    t = table("x", ["a", "b"], ["all"], [[1], [2]], [3])
    s = suppress(t, 1, additive=True)
    assert s["count"].tolist() == [1, 2] and not s["suppressed"].any()
    assert s.attrs["disclosure"]["applied"] is False and s.attrs["disclosure"]["threshold"] == 1


def test_output_columns_and_record_are_fixed():
    t = table("x", ["a", "b"], ["all"], [[10], [20]], [30])
    t.attrs["synthetic"] = True
    for kw in ({}, {"secondary": False}, {"round_to": 10}):
        s = suppress(t, additive=True, **kw)
        assert list(s.columns) == [*t.columns, "suppressed", "suppression"]
        assert s["suppressed"].dtype == bool and s["suppression"].dtype == "string"
        assert s.attrs["synthetic"] is True
        assert set(s.attrs["disclosure"]) >= {"applied", "threshold", "secondary", "round_to", "opted_out"}
    assert t.columns.tolist() == ["variable", "level", "group", "count", "n"]  # input untouched


def test_secondary_false_gives_primary_only():
    t = table("x", ["a", "b", "c"], ["all"], [[10], [3], [7]], [20])
    assert suppress(t, secondary=False, additive=True)["suppression"].tolist() == ["", "primary", ""]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"threshold": 0}, "threshold=0 is not allowed"),
        ({"threshold": 2.5}, "threshold=2.5"),
        ({"threshold": True}, "threshold=True"),
        ({"round_to": 3}, "round_to=3 is not allowed; use one of None, 5, 10"),
        ({"secondary": "yes"}, "secondary='yes'"),
        ({"additive": "yes"}, "additive='yes'"),
        ({"additive": {"nope": True}}, "additive names variable(s) ['nope']"),
    ],
)
def test_bad_parameters_name_the_parameter(kwargs, message):
    t = table("x", ["a", "b"], ["all"], [[10], [20]], [30])
    with pytest.raises(
        ParameterError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[").replace("]", r"\]")
    ):
        suppress(t, **kwargs)


def test_bad_tables_are_refused():
    good = table("x", ["a", "b"], ["all"], [[10], [20]], [30])
    with pytest.raises(ParameterError, match="lacks the column"):
        suppress(good.drop(columns="n"))
    with pytest.raises(ParameterError, match="more than one row"):
        suppress(pd.concat([good, good]))
    with pytest.raises(ParameterError, match="whole numbers"):
        suppress(good.assign(count=[1.5, 2]))
    with pytest.raises(ParameterError, match="larger than its denominator"):
        suppress(good.assign(count=[40, 2]))
    with pytest.raises(ParameterError, match="suppressed before"):
        suppress(suppress(good))


# ------------------------------------------------------------------ property test
@st.composite
def count_tables(draw):
    """Random levels x groups tables with an "all" group equal to the sum of the others."""
    n_levels = draw(st.integers(2, 4))
    n_groups = draw(st.integers(1, 3))
    additive = draw(st.booleans())
    cells = draw(
        st.lists(
            st.lists(st.integers(0, 9), min_size=n_groups, max_size=n_groups), min_size=n_levels, max_size=n_levels
        )
    )
    counts = np.array(cells)
    if additive:
        n = counts.sum(axis=0)
    else:
        n = counts.max(axis=0) + np.array(draw(st.lists(st.integers(0, 4), min_size=n_groups, max_size=n_groups)))
    full = np.column_stack([counts, counts.sum(axis=1)])
    n = [*n.tolist(), int(n.sum())]
    groups = [f"g{j}" for j in range(n_groups)] + ["all"]
    t = table("v", [f"l{i}" for i in range(n_levels)], groups, full.tolist(), n)
    return t, additive


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(count_tables(), st.sampled_from([3, 5]))
def test_secondary_suppression_never_leaves_a_recoverable_cell(case, threshold):
    # Protection criterion (cprstats/_cells.py): the attacker's feasible range of every hidden
    # small count, from the published counts, n, the row sums (single choice) and the "all"
    # column, covers 0 .. min(threshold - 1, n) (and for multi-response options the
    # complement n - count likewise). Covering the whole span, not merely being non-exact,
    # because "a + b = 2" with both hidden still discloses two children.
    t, additive = case
    s = suppress(t, threshold, additive=additive)
    assert_protected(t, s, threshold, additive=additive)


def test_a_comparison_table_is_refused_rather_than_half_suppressed():
    # compare() puts the reference group's counts in count_ref/n_ref; suppressing only `count`
    # would publish the reference side's small counts, so suppress() must refuse the table.
    import cprstats

    table = cprstats.compare(cprstats.load_example("wales"), ["toxic_trio"], by="board", groups=["MWW"])
    with pytest.raises(cprstats.ParameterError, match="comparison"):
        cprstats.suppress(table)
