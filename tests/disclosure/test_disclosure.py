"""Tests for cprstats.disclosure.suppression (and its engine cprstats.disclosure.cells).

Every table here is made up (synthetic) and its expected suppression is worked out by hand
in the test, from the protection criterion in cprstats/disclosure/cells.py: every hidden
count (and denominator) from 1 to threshold-1 must have a feasible range, given everything
published, covering 0 .. min(threshold-1, n).

The attacker used to check that criterion (`Reader`) is written here from scratch,
independently of the package's own engine: it sees only the published table, and knows what
any reader of `proportions(by=...)` knows: each group's levels add up to its n (single
choice) or are at most n (multi-response, boolean); the "all" group is the sum of the groups
plus the reviews in no group, whose number is all's n minus the groups' n.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

import cprstats
from cprstats.disclosure.suppression import (
    STATISTIC_COLUMNS,
    comparison_as_counts,
    suppress,
    suppress_comparison,
    withhold_statistics,
)
from cprstats.errors import ParameterError


def table(variable, levels, groups, counts, n):
    """Long table from a levels x groups matrix of counts and one n per group."""
    rows = []
    for j, g in enumerate(groups):
        for i, lv in enumerate(levels):
            rows.append({"variable": variable, "level": lv, "group": g, "count": counts[i][j], "n": n[j]})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ the attacker
class Reader:
    """A reader's linear program over one variable of a published table.

    Unknowns: every hidden count and hidden n, and (when there is a total group) the count of
    each level and the n of the reviews in no group. Knowledge: 0 <= everything <= 10^5; a
    group's levels add up to its n (``additive``) or are each at most n; for each level and
    for n, the total is the groups plus the reviews in no group; the reviews in no group obey
    the same row rule. Published numbers are exact.
    """

    def __init__(self, published, *, additive, total="all"):
        pub = published.reset_index(drop=True)
        self.known, rels = {}, []
        groups = list(pd.unique(pub["group"]))
        levels = list(pd.unique(pub["level"]))
        for r in pub.itertuples():
            if not np.isnan(r.count):
                self.known[("x", r.level, r.group)] = float(r.count)
            if not np.isnan(r.n):
                self.known[("n", r.group)] = float(r.n)
        has_total = total in groups and len(groups) > 1
        parts = [g for g in groups if g != total] if has_total else groups
        cols = parts + ([total, "<none>"] if has_total else [])
        for g in cols:
            if additive:
                rels.append(({("x", lv, g): 1.0 for lv in levels} | {("n", g): -1.0}, "eq"))
            else:
                rels += [({("x", lv, g): 1.0, ("n", g): -1.0}, "le") for lv in levels]
        if has_total:
            for key in [("x", lv) for lv in levels] + [("n",)]:
                coefs = {(*key, g): 1.0 for g in parts} | {(*key, "<none>"): 1.0, (*key, total): -1.0}
                rels.append((coefs, "eq"))
        self.unknown = sorted({k for coefs, _ in rels for k in coefs if k not in self.known})
        idx = {k: i for i, k in enumerate(self.unknown)}
        A_eq, b_eq, A_ub, b_ub = [], [], [], []
        for coefs, sense in rels:
            row, rhs = np.zeros(len(idx)), 0.0
            for k, c in coefs.items():
                if k in idx:
                    row[idx[k]] += c
                else:
                    rhs -= c * self.known[k]
            if row.any():
                (A_eq if sense == "eq" else A_ub).append(row)
                (b_eq if sense == "eq" else b_ub).append(rhs)
        self.idx = idx
        self.kw = {
            "A_eq": np.array(A_eq) if A_eq else None,
            "b_eq": b_eq or None,
            "A_ub": np.array(A_ub) if A_ub else None,
            "b_ub": b_ub or None,
            "bounds": [(0, 1e5)] * len(idx),
            "method": "highs",
        }

    def range(self, coefs):
        """Min and max of sum(coef * quantity) over everything consistent with the table."""
        c, const = np.zeros(len(self.idx)), 0.0
        for k, a in coefs.items():
            if k in self.idx:
                c[self.idx[k]] += a
            else:
                const += a * self.known[k]
        if not c.any():
            return const, const
        lo, hi = linprog(c, **self.kw), linprog(-c, **self.kw)
        assert lo.status == 0 and hi.status == 0, (lo.message, hi.message)
        return lo.fun + const, -hi.fun + const


def assert_protected(original, published, threshold=5, *, additive, total="all"):
    """No small count or n is published, shown numbers are exact, hidden small numbers are protected."""
    for var in pd.unique(original["variable"]):
        orig = original.loc[original["variable"] == var].reset_index(drop=True)
        pub = published.loc[published["variable"] == var].reset_index(drop=True)
        add = additive[var] if isinstance(additive, dict) else additive
        shown = ~pub["suppressed"]
        assert (pub.loc[shown, "count"] == orig.loc[shown, "count"]).all()
        assert pub.loc[~shown, "count"].isna().all()
        assert (pub["n"].isna() | (pub["n"] == orig["n"])).all()
        assert not (pub["n"].isna() & shown).any(), "a count is shown beside a hidden n"
        if "estimate" in pub:
            assert pub.loc[~shown, "estimate"].isna().all()
        reader = Reader(pub, additive=add, total=total)
        groups = set(orig["group"])
        top = orig.loc[orig["group"] == total, "n"].max() if total in groups and len(groups) > 1 else np.inf
        for r in orig.index:
            x, n, g, lv = orig.at[r, "count"], orig.at[r, "n"], orig.at[r, "group"], orig.at[r, "level"]
            m = min(threshold - 1, n)
            checks = []
            if 1 <= x <= threshold - 1:
                checks.append(({("x", lv, g): 1.0}, m))
            if not add and x >= 1 and 1 <= n - x <= threshold - 1:
                checks.append(({("n", g): 1.0, ("x", lv, g): -1.0}, m))
            if 1 <= n <= threshold - 1:
                checks.append(({("n", g): 1.0}, threshold - 1 if g == total else min(threshold - 1, top)))
            for coefs, high in checks:
                assert pub.at[r, "suppressed"], f"{var}: small number published in row {r}: x={x}, n={n}"
                lo, hi = reader.range(coefs)
                assert lo <= 1e-6 and hi >= high - 1e-6, f"{var} row {r} ({lv}, {g}): x={x} n={n} in [{lo}, {hi}]"


# ------------------------------------------------------------------ hand-worked tables
def test_one_small_level_hides_the_next_smallest_nonzero_level():
    # levels a..d of a single-choice variable in one group, n = 20. b = 3 is small. From
    # n and the other levels b = 20 - 10 - 7 - 0, so the next smallest non-zero level (c = 7)
    # is hidden too; then b + c = 10 and b can be anything from 0 to 10. d = 0 is a true zero.
    t = table("x", ["a", "b", "c", "d"], ["all"], [[10], [3], [7], [0]], [20])
    s = suppress(t, additive=True)
    assert s["suppressed"].tolist() == [False, True, True, False]
    assert s["count"].tolist()[0] == 10 and np.isnan(s["count"].tolist()[1]) and s["count"].tolist()[3] == 0
    assert_protected(t, s, additive=True)


def test_hidden_levels_whose_sum_is_small_get_a_third_partner():
    # outcome in 11 reviews: 8, 2, 1. Hiding 2 and 1 leaves 11 - 8 = 3 = their sum, which
    # tells the reader three children share two rare outcomes (each range is 0..3, short of
    # 0..4), so the 8 is hidden as well; then each hidden range is 0..11.
    t = table("outcome", ["death", "life_threatening_injury", "other"], ["MWW"], [[8], [2], [1]], [11])
    s = suppress(t)  # the codebook says outcome is single choice
    assert s["suppressed"].tolist() == [True, True, True]
    # with 7, 3, 1 the hidden sum is 4 = threshold - 1: protected without hiding the 7
    t2 = table("outcome", ["death", "life_threatening_injury", "other"], ["MWW"], [[7], [3], [1]], [11])
    assert suppress(t2)["suppressed"].tolist() == [False, True, True]
    assert_protected(t, s, additive=True)


def test_zero_is_a_true_zero_and_never_hidden_for_itself():
    t = table("x", ["a", "b", "c"], ["all"], [[0], [12], [9]], [21])
    s = suppress(t, additive=True)
    assert s["count"].tolist() == [0, 12, 9]
    assert not s["suppressed"].any() and (s["suppression"] == "").all()


def test_across_groups_the_smallest_other_group_cell_is_hidden():
    # Multi-response option (levels independent) for boards A, B and all (A + B): A = 3 is
    # small; all - B = 3 would reveal it, so B's cell of the same level (10) is hidden;
    # then A + B = 13 with A <= 12, B <= 15: A ranges over 0..12. Option "recording" is safe.
    t = table("themes", ["escalation", "recording"], ["A", "B", "all"], [[3, 10, 13], [6, 9, 15]], [12, 15, 27])
    s = suppress(t)  # themes is multi-response in the codebook
    got = dict(zip(zip(s["level"], s["group"]), s["suppressed"]))
    assert got[("escalation", "A")] and got[("escalation", "B")] and not got[("escalation", "all")]
    assert not s.loc[s["level"] == "recording", "suppressed"].any()
    assert_protected(t, s, additive=False)


def test_two_groups_and_total_of_a_single_choice_variable():
    # yes/no by board with the all-Wales total. CAV yes = 2 and MWW yes = 3 are small.
    # Each board's yes + no = n, so each board's "no" is hidden (a single hidden level in a
    # row). The all column (5, 18) stays: yes_CAV + yes_MWW = 5, and yes_CAV can be 0 (then
    # yes_MWW = 5, no_MWW = 6, no_CAV = 12) or 5, so it covers 0..4.
    t = table("on_cp_register_6m", ["yes", "no"], ["CAV", "MWW", "all"], [[2, 3, 5], [10, 8, 18]], [12, 11, 23])
    s = suppress(t)
    assert s["suppressed"].tolist() == [True, True, True, True, False, False]
    assert_protected(t, s, additive=True)


def test_one_marker_whatever_the_reason():
    # The 3 is hidden for itself, the 7 to protect it: the outputs must not tell them apart
    # (a "primary" mark would tell the reader the count is 1 to 4).
    t = table("x", ["a", "b", "c"], ["all"], [[10], [3], [7]], [20])
    s = suppress(t, additive=True)
    assert set(s["suppression"]) == {"", "suppressed"}
    assert s.loc[s["suppressed"], "suppression"].eq("suppressed").all()
    record = s.attrs["disclosure"]
    assert record["n_suppressed"] == 2 and "n_primary" not in record and "n_secondary" not in record


def test_codebook_multi_response_is_not_additive_even_when_options_sum_to_n():
    # themes: escalation 2, recording 9 in 11 reviews. As multi-response options, 2 is
    # small and recording's complement 11 - 9 = 2 is small, so recording is hidden for itself
    # too (visible with secondary=False). Forced additive, only the 2 is hidden for itself.
    t = table("themes", ["escalation", "recording"], ["MWW"], [[2], [9]], [11])
    assert suppress(t, secondary=False)["suppressed"].tolist() == [True, True]
    assert suppress(t, secondary=False, additive={"themes": True})["suppressed"].tolist() == [True, False]
    assert suppress(t)["suppressed"].tolist() == [True, True]


def test_boolean_complement_is_protected_and_a_small_denominator_hides_its_row():
    # has_siblings "true" 9 of 11: the "false" count 2 = 11 - 9 is small, so 9 is hidden;
    # 11 of 11 (complement 0) and 6 of 11 (complement 5) are safe. A 0 of 3 has a small
    # denominator: the n is hidden, and the row's count with it (a "*" never says "at least 1").
    t = pd.DataFrame(
        {
            "variable": ["has_siblings", "youngest", "large_sibling_group", "parental_substance_misuse"],
            "level": "true",
            "group": "MWW",
            "count": [9, 11, 6, 0],
            "n": [11, 11, 11, 3],
        }
    )
    s = suppress(t)
    assert s["suppressed"].tolist() == [True, False, False, True]
    assert s["n"].tolist()[:3] == [11, 11, 11] and np.isnan(s["n"].iloc[3])


def test_small_denominator_hides_n_counts_and_percentages():
    # n = 3 < 5: the denominator is hidden, with every count and percentage of its group,
    # zeros included ("a true zero in an unsuppressed row can stay"; this row is suppressed).
    t = table("x", ["a", "b", "c"], ["all"], [[3], [0], [0]], [3])
    t["estimate"] = t["count"] / t["n"]
    t["ci_low"], t["ci_high"], t["ci_level"] = 0.1, 0.9, 0.95
    s = suppress(t, additive=True)
    assert s["suppressed"].all() and s["n"].isna().all() and s["count"].isna().all()
    assert s[["estimate", "ci_low", "ci_high"]].isna().all().all() and (s["ci_level"] == 0.95).all()
    assert s.attrs["disclosure"]["n_denominators_suppressed"] == 1
    assert_protected(t, s, additive=True)


def test_a_small_denominator_is_protected_across_groups():
    # n_MWW = 3 is hidden; n_all - n_CAV = 23 - 20 would give it back, so CAV's n is hidden
    # too, and CAV's counts and percentages with it; all stays.
    t = table("flag", ["true"], ["CAV", "MWW", "all"], [[5, 0, 5]], [20, 3, 23])
    s = suppress(t)
    assert s["n"].isna().tolist() == [True, True, False]
    assert s["suppressed"].tolist() == [True, True, False]
    assert_protected(t, s, additive=False)


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
    # 11 reviews (4 MAPFs and 7 CPRs), split before (n = 6) and after (n = 5) Covid-19, with
    # the all-period total. Every non-zero period cell is 1..4, so all are hidden for
    # themselves. In the total, extended 2 and MAPF 4 are small; concise 5 stays: extended +
    # MAPF = 6 in total and, within the periods, every hidden cell can still be 0 or 4, so
    # nothing else is needed. Zeros (susr, other) stay zeros.
    levels = ["cpr_concise", "cpr_extended", "mapf", "susr", "other"]
    counts = [[3, 2, 5], [1, 1, 2], [2, 2, 4], [0, 0, 0], [0, 0, 0]]
    t = table("review_type", levels, ["pre_covid", "post_covid", "all"], counts, [6, 5, 11])
    s = suppress(t)
    shown = s.loc[~s["suppressed"], ["level", "group", "count"]]
    assert set(map(tuple, shown.loc[shown["count"] > 0].to_numpy())) == {("cpr_concise", "all", 5)}
    assert (shown.loc[shown["level"].isin(["susr", "other"]), "count"] == 0).all()
    small = t["count"].between(1, 4)
    assert (s["suppressed"] == small).all()  # nothing hidden beyond the small counts
    assert_protected(t, s, additive=True)
    # a multi-response group in the same 11 reviews: every option present (the five themes)
    themes = ["advocacy_individual", "communication", "escalation", "recording", "voice_of_child"]
    counts = [[2, 1, 3], [4, 3, 7], [3, 2, 5], [5, 4, 9], [1, 3, 4]]
    m = table("themes", themes, ["pre_covid", "post_covid", "all"], counts, [6, 5, 11])
    sm = suppress(m)
    assert not ((sm["count"] >= 1) & (sm["count"] <= 4)).any()
    assert_protected(m, sm, additive=False)


# ------------------------------------------------------------------ reviews in no group (issue 13)
def test_reviews_in_no_group_do_not_let_a_hidden_count_be_bounded():
    # The case: MWW * of 20, CAV 10 of 20, all 15 of 43. With every n published the
    # reader knows 3 reviews have no board, so MWW = 15 - 10 - (0..3) = 2..5: the 3 is
    # exposed. More must be hidden so that MWW can be anything from 0 to 4.
    t = table("flag", ["true"], ["MWW", "CAV", "all"], [[3, 10, 15]], [20, 20, 43])
    s = suppress(t)
    assert s["suppressed"].sum() >= 2
    lo, hi = Reader(s, additive=False).range({("x", "true", "MWW"): 1.0})
    assert lo <= 0 and hi >= 4
    assert_protected(t, s, additive=False)


def test_groups_that_happen_to_add_up_do_not_crash():
    # The groups add up to all for one level by chance while the n's do not (5 reviews in no
    # board, none of them with the attribute): this used to raise "cannot be protected".
    t = table("x", ["a", "b"], ["A", "B", "all"], [[2, 6, 8], [9, 9, 23]], [11, 15, 31])
    s = suppress(t, additive=True)
    assert_protected(t, s, additive=True)


def simulated_table(rng):
    """What proportions(by=...) gives for random synthetic reviews, some of them in no group."""
    reviews = int(rng.integers(3, 50))
    n_groups = int(rng.integers(1, 4))
    kind = str(rng.choice(["single", "multi", "bool"]))
    n_levels = 1 if kind == "bool" else int(rng.integers(2, 5))
    group = rng.integers(0, n_groups, reviews)
    group[rng.random(reviews) < rng.choice([0.0, 0.1, 0.3])] = -1  # no board
    recorded = rng.random(reviews) >= rng.choice([0.0, 0.15])  # the variable is missing
    if kind == "single":
        value = rng.choice(n_levels, reviews, p=rng.dirichlet(np.full(n_levels, 0.7)))
        has = np.eye(n_levels, dtype=int)[value]
    else:
        has = (rng.random((reviews, n_levels)) < rng.random(n_levels)).astype(int)
    rows = []
    names = [f"g{j}" for j in range(n_groups)]
    for name, mask in [(g, group == j) for j, g in enumerate(names)] + [("all", np.ones(reviews, bool))]:
        m = mask & recorded
        for lv in range(n_levels):
            rows.append({"variable": "v", "level": f"l{lv}", "group": name, "count": has[m, lv].sum(), "n": m.sum()})
    return pd.DataFrame(rows), kind == "single"


def test_independent_attacker_on_200_random_tables():
    # Issue 13: an independent LP reader on random proportions(by=...) tables, reviews in no
    # group included, thresholds 3 and 5: no crash, and every hidden small count, small n
    # and small complement keeps a feasible range covering 0 .. threshold - 1.
    rng = np.random.default_rng(13)
    start = time.perf_counter()
    hidden = 0
    for _ in range(200):
        t, additive = simulated_table(rng)
        threshold = int(rng.choice([3, 5]))
        s = suppress(t, threshold, additive=additive)
        hidden += int(s["suppressed"].sum())
        assert_protected(t, s, threshold, additive=additive)
    assert hidden > 100  # the tables do exercise suppression
    assert time.perf_counter() - start < 60


def test_proportions_by_board_with_unassigned_reviews():
    # The same through cprstats.proportions: some synthetic reviews have no board.
    rng = np.random.default_rng(7)
    size = 40
    df = pd.DataFrame(
        {
            "board": pd.array(rng.choice(["MWW", "CAV", None], size, p=[0.45, 0.45, 0.1]), dtype="string"),
            "outcome": pd.Categorical(
                rng.choice(["death", "life_threatening_injury", "other"], size, p=[0.7, 0.2, 0.1])
            ),
            "flag": pd.array(rng.random(size) < 0.1, dtype="boolean"),
        }
    )
    tab = cprstats.proportions(df, ["outcome", "flag"], by="board")
    assert tab.attrs["groups"]["relation"] == "le"
    s = suppress(tab)
    assert s.attrs["groups"]["relation"] == "le"
    assert_protected(tab, s, additive={"outcome": True, "flag": False})


# ------------------------------------------------------------------ rounding, thresholds, checks
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
    # threshold 1 (a restricted run) with rounding: a 2 would round to 0, a false zero, so it is hidden
    t1 = table("x", ["a", "b"], ["all"], [[2], [40]], [42])
    s1 = suppress(t1, 1, round_to=5, additive=True, restricted=True)
    assert s1["suppressed"].tolist() == [True, False] and np.isnan(s1["count"].iloc[0])


def test_threshold_under_three_is_refused_unless_restricted():
    t = table("x", ["a", "b"], ["all"], [[1], [2]], [3])
    for threshold in (1, 2):
        with pytest.raises(ParameterError, match=f"threshold={threshold} is not allowed: below 3"):
            suppress(t, threshold, additive=True)
    s = suppress(t, 1, additive=True, restricted=True)
    assert s["count"].tolist() == [1, 2] and not s["suppressed"].any()
    assert s.attrs["disclosure"]["applied"] is False and s.attrs["disclosure"]["threshold"] == 1
    assert s.attrs["disclosure"]["restricted"] is True
    assert suppress(table("x", ["a", "b"], ["all"], [[10], [2]], [12]), 3, additive=True)["suppressed"].all()


def test_output_columns_and_record_are_fixed():
    t = table("x", ["a", "b"], ["all"], [[10], [20]], [30])
    t.attrs["synthetic"] = True
    for kw in ({}, {"secondary": False}, {"round_to": 10}):
        s = suppress(t, additive=True, **kw)
        assert list(s.columns) == [*t.columns, "suppressed", "suppression"]
        assert s["suppressed"].dtype == bool and s["suppression"].dtype == "string"
        assert s["n"].dtype == "float64"
        assert s.attrs["synthetic"] is True
        assert set(s.attrs["disclosure"]) >= {
            "applied",
            "threshold",
            "secondary",
            "round_to",
            "opted_out",
            "restricted",
        }
    assert t.columns.tolist() == ["variable", "level", "group", "count", "n"]  # input untouched


def test_secondary_false_gives_the_small_counts_only():
    t = table("x", ["a", "b", "c"], ["all"], [[10], [3], [7]], [20])
    assert suppress(t, secondary=False, additive=True)["suppressed"].tolist() == [False, True, False]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"threshold": 0}, "threshold=0 is not allowed"),
        ({"threshold": 2}, "threshold=2 is not allowed: below 3"),
        ({"threshold": 2.5}, "threshold=2.5"),
        ({"threshold": True}, "threshold=True"),
        ({"round_to": 3}, "round_to=3 is not allowed; use one of None, 5, 10"),
        ({"secondary": "yes"}, "secondary='yes'"),
        ({"additive": "yes"}, "additive='yes'"),
        ({"additive": {"nope": True}}, "additive names variable(s) ['nope']"),
        ({"restricted": "yes"}, "restricted='yes'"),
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
    extra = draw(st.integers(0, 3))  # reviews in no group: in "all" only
    full = np.column_stack([counts, counts.sum(axis=1)])
    if extra and additive:
        full[0, -1] += extra
    n = [*n.tolist(), int(n.sum()) + (extra if additive else draw(st.integers(0, 3)))]
    groups = [f"g{j}" for j in range(n_groups)] + ["all"]
    t = table("v", [f"l{i}" for i in range(n_levels)], groups, full.tolist(), n)
    return t, additive


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(count_tables(), st.sampled_from([3, 5]))
def test_secondary_suppression_never_leaves_a_recoverable_cell(case, threshold):
    # Protection criterion (cprstats/disclosure/cells.py): the reader's feasible range of every
    # hidden small count (and n), from the published counts, n, the row sums (single choice)
    # and the "all" column with its reviews in no group, covers 0 .. min(threshold - 1, n)
    # (and for multi-response options the complement n - count likewise).
    t, additive = case
    s = suppress(t, threshold, additive=additive)
    assert_protected(t, s, threshold, additive=additive)


# ------------------------------------------------------------------ comparison tables
def compare_table():
    # synthetic: a theme before (reference) and after Covid-19, and a boolean
    return pd.DataFrame(
        {
            "variable": ["themes", "themes", "parental_substance_misuse"],
            "level": ["escalation", "recording", "true"],
            "group": "post_covid",
            "count": [3, 12, 9],
            "n": [20, 20, 20],
            "estimate": [0.15, 0.6, 0.45],
            "ci_low": [0.05, 0.38, 0.25],
            "ci_high": [0.36, 0.78, 0.66],
            "group_ref": "pre_covid",
            "count_ref": [9, 10, 10],
            "n_ref": [22, 22, 22],
            "estimate_ref": [9 / 22, 10 / 22, 10 / 22],
            "ci_low_ref": 0.2,
            "ci_high_ref": 0.6,
            "ci_level": 0.95,
            "risk_difference": [-0.26, 0.15, 0.0],
            "rd_ci_low": -0.5,
            "rd_ci_high": 0.4,
            "odds_ratio": [0.2, 1.8, 1.0],
            "or_ci_low": 0.1,
            "or_ci_high": 2.5,
            "statistic": np.nan,
            "p_value": [0.09, 0.5, 1.0],
            "p_adjusted": [0.27, 1.0, 1.0],
            "adjust": "holm",
        }
    )


def test_suppress_comparison_hides_both_sides_and_withholds_statistics():
    t = compare_table()
    s = suppress_comparison(t, 5)
    # escalation: 3 is small; 9 = (3 + 9) - 3 from the overall table, so the reference side too
    assert s["suppressed"].tolist() == [True, False, False]
    assert np.isnan(s.at[0, "count"]) and np.isnan(s.at[0, "count_ref"])
    assert s.loc[0, ["estimate", "ci_low", "estimate_ref", "ci_low_ref"]].isna().all()
    assert s.loc[0, [c for c in STATISTIC_COLUMNS if c in s]].isna().all()
    assert s.loc[1:, "p_value"].tolist() == [0.5, 1.0] and s.loc[1:, "risk_difference"].notna().all()
    # Holm again with the withheld p-value counted as 1: 0.5 * 2 = 1, capped at 1
    assert s.loc[1:, "p_adjusted"].tolist() == [1.0, 1.0]
    assert set(s["suppression"]) <= {"", "suppressed"}
    assert not (s.select_dtypes("number") == 3).any().any()
    # two sides as groups: every number still in it is exact and no small count is shown
    counts = comparison_as_counts(s)
    assert counts["suppressed"].tolist() == [True, False, False, True, False, False]


def test_suppress_comparison_with_a_policy_and_refusals():
    t = compare_table()
    off = suppress_comparison(t, cprstats.disclosure_policy("wales"))
    assert not off["suppressed"].any() and off.attrs["disclosure"]["applied"] is False
    on = suppress_comparison(t, cprstats.disclosure_policy("MWW"))
    assert on["suppressed"].tolist() == [True, False, False] and on.attrs["disclosure"]["scope"] == "MWW"
    with pytest.raises(ParameterError, match="threshold=1 is not allowed"):
        suppress_comparison(t, 1)
    assert not suppress_comparison(t, 1, restricted=True)["suppressed"].any()
    with pytest.raises(ParameterError, match="suppress_comparison takes a cprstats.compare table"):
        suppress_comparison(t.drop(columns="count_ref"), 5)
    with pytest.raises(ParameterError, match="policy_or_threshold"):
        suppress_comparison(t, "five")


def test_suppress_comparison_on_real_compare_output():
    wales = cprstats.load_example("wales")
    for groups in (["MWW"], None):
        res = cprstats.compare(wales, ["outcome", "parental_substance_misuse"], by="board", groups=groups)
        s = suppress_comparison(res, 5)
        hidden = s["suppressed"].to_numpy()
        assert s.loc[hidden, "p_value"].isna().all() and s.loc[hidden, "statistic"].isna().all()
        for side in (("count", "n"), ("count_ref", "n_ref")):
            shown = pd.to_numeric(s[side[0]], errors="coerce")
            assert not shown.between(1, 4).any()


def test_withhold_statistics_defaults_to_missing_counts():
    t = pd.DataFrame(
        {
            "count": [np.nan, 8.0, 7.0],
            "n": [20.0, 20.0, np.nan],
            "slope": [0.1, 0.2, 0.3],
            "p_value": [0.01, 0.02, 0.5],
            "p_adjusted": [0.03, 0.04, 0.5],
            "adjust": "holm",
        }
    )
    s = withhold_statistics(t)
    assert s["slope"].isna().tolist() == [True, False, True]
    assert s["p_adjusted"].tolist()[1] == pytest.approx(0.06)  # Holm with 1, 0.02, 1: 0.02 * 3
    with pytest.raises(ParameterError, match="one bool per row"):
        withhold_statistics(t, [True])


def test_a_comparison_table_is_refused_by_suppress():
    table = cprstats.compare(cprstats.load_example("wales"), ["parental_substance_misuse"], by="board", groups=["MWW"])
    with pytest.raises(cprstats.ParameterError, match="suppress_comparison"):
        cprstats.suppress(table)
