"""Kaplan-Meier, medians, counts, recurring themes and the decision funnel (cprstats.stats.survival), and their
disclosure control (cprstats.disclosure.survival) and report views (cprstats.report.linked_views).

All data here is synthetic (the hand-made fixture of issue 16 in tests/data/linked, and the shipped synthetic
tables); no real review.

Reference values
----------------
The Kaplan-Meier estimates, their confidence limits and the medians are R's, computed with

    R version 4.2.2 Patched (2022-11-10 r83330), package survival 3.5.3 (Debian r-cran-survival)

    library(survival)
    fit <- survfit(Surv(time, status) ~ 1, conf.type = "log-log")
    s <- summary(fit, censored = TRUE)
    data.frame(time = s$time, n.risk = s$n.risk, n.event = s$n.event, n.censor = s$n.censor,
               surv = s$surv, lower = s$lower, upper = s$upper)
    quantile(fit, 0.5)

``conf.type = "log-log"`` is the transformation statsmodels uses by default for the interval of a quantile
(``SurvfuncRight.quantile_ci(method="cloglog")``), so it is the one cprstats uses for the curve's limits too.
The numbers below were printed by that call (``sprintf("%.10f", ...)``) and are compared to 4 decimals.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cprstats
from cprstats.datasets.linked import linked_example
from cprstats.disclosure.survival import coarsen_survival, protect_median, protect_survival
from cprstats.errors import ParameterError
from cprstats.forms.linked import code_linked
from cprstats.stats import survival as sv

HERE = Path(__file__).resolve().parents[1] / "data" / "linked"


def _durations(time, event, group="all", variable="time_to_closure") -> pd.DataFrame:
    return pd.DataFrame(
        {"variable": variable, "group": group, "time": np.asarray(time, float), "event": np.asarray(event, bool)}
    )


# --------------------------------------------------------------------------- the fixture
@pytest.fixture(scope="module")
def fixture_tables():
    """3 reviews, 7 recommendations in 2 action plans, 4 referrals (SYNTHETIC, tests/data/linked)."""
    reviews = cprstats.code_reviews(cprstats.read_forms(HERE / "reviews_forms.csv"))
    return code_linked(reviews, HERE / "recommendations.csv", HERE / "process.csv")


def test_closure_times_of_the_fixture_censor_open_recommendations_at_as_at(fixture_tables):
    recs = fixture_tables["recommendations"]
    times = sv.closure_times(recs, as_at="2021-12")
    # approved -> closed (or -> 2021-12 when still open), in months, row by row of recommendations.csv
    assert times["time"].tolist() == [6.0, 12.0, 30.0, 8.0, 21.0, 20.0, 10.0]
    assert times["event"].tolist() == [True, True, False, True, False, True, False]
    assert times.attrs["as_at"] == "2021-12"


def test_four_of_seven_closed(fixture_tables):
    tab = sv.recommendation_counts(fixture_tables["recommendations"], ["closed"])
    assert (int(tab["count"].iloc[0]), int(tab["n"].iloc[0])) == (4, 7)


def test_median_time_to_closure_is_the_hand_calculation(fixture_tables):
    # Hand calculation (Kaplan-Meier, times in months; e = closed, c = still open at 2021-12):
    #   6e 8e 10c 12e 20e 21c 30c
    #   S(6)  = 6/7                       = 0.857
    #   S(8)  = 6/7 * 5/6                 = 5/7   = 0.714
    #   10: one censored, so 4 are at risk at 12
    #   S(12) = 5/7 * 3/4                 = 15/28 = 0.536  (> 0.5: without the censoring at 10 it would be 4/7)
    #   S(20) = 15/28 * 2/3               = 5/14  = 0.357  (<= 0.5 for the first time)
    # so the median time to closure is 20 months.
    times = sv.closure_times(fixture_tables["recommendations"], as_at="2021-12")
    med = sv.km_median(times)
    assert med["estimate"].iloc[0] == 20.0
    km = sv.kaplan_meier(times)
    at = dict(zip(km["time"], km["estimate"]))
    assert at[6.0] == pytest.approx(6 / 7)
    assert at[8.0] == pytest.approx(5 / 7)
    assert at[12.0] == pytest.approx(15 / 28)
    assert at[20.0] == pytest.approx(5 / 14)


# R, fixture 1 (the seven recommendations):
# time <- c(6, 8, 10, 12, 20, 21, 30); status <- c(1, 1, 0, 1, 1, 0, 0)
R_FIXTURE_1 = [  # time, n.risk, n.event, n.censor, surv, lower, upper
    (6, 7, 1, 0, 0.8571428571, 0.3340538793, 0.9785610585),
    (8, 6, 1, 0, 0.7142857143, 0.2581536655, 0.9197974560),
    (10, 5, 0, 1, 0.7142857143, 0.2581536655, 0.9197974560),
    (12, 4, 1, 0, 0.5357142857, 0.1319881770, 0.8249970420),
    (20, 3, 1, 0, 0.3571428571, 0.0519765195, 0.6987130320),
    (21, 2, 0, 1, 0.3571428571, 0.0519765195, 0.6987130320),
    (30, 1, 0, 1, 0.3571428571, 0.0519765195, 0.6987130320),
]
R_MEDIAN_1 = (20.0, 6.0, np.nan)  # quantile(fit, 0.5): 20, lower 6, upper NA

# R, fixture 2 (ties of events and censorings, a censoring at time 0, the curve reaching 0):
# time <- c(0, 3, 3, 5, 5, 7, 9, 9, 12, 15); status <- c(0, 1, 0, 1, 1, 0, 1, 0, 0, 1)
R_FIXTURE_2 = [
    (0, 10, 0, 1, 1.0, np.nan, np.nan),
    (3, 9, 1, 1, 0.888889, 0.432965, 0.983564),
    (5, 7, 2, 0, 0.634921, 0.238226, 0.866024),
    (7, 5, 0, 1, 0.634921, 0.238226, 0.866024),
    (9, 4, 1, 1, 0.476190, 0.123107, 0.768901),
    (12, 2, 0, 1, 0.476190, 0.123107, 0.768901),
    (15, 1, 1, 0, 0.0, np.nan, np.nan),
]
R_MEDIAN_2 = (9.0, 3.0, np.nan)


@pytest.mark.parametrize(
    "time, status, expected, median",
    [
        ([6, 8, 10, 12, 20, 21, 30], [1, 1, 0, 1, 1, 0, 0], R_FIXTURE_1, R_MEDIAN_1),
        ([0, 3, 3, 5, 5, 7, 9, 9, 12, 15], [0, 1, 0, 1, 1, 0, 1, 0, 0, 1], R_FIXTURE_2, R_MEDIAN_2),
    ],
    ids=["issue_fixture", "ties_and_zero"],
)
def test_kaplan_meier_equals_r_with_censoring(time, status, expected, median):
    km = sv.kaplan_meier(_durations(time, status))
    rows = km[km["time"] > 0] if expected[0][0] > 0 else km
    assert len(rows) == len(expected)
    for rec, (t, n_risk, n_event, n_censor, surv, lower, upper) in zip(rows.to_dict("records"), expected):
        assert rec["time"] == t
        assert (rec["at_risk"], rec["events"], rec["censored"]) == (n_risk, n_event, n_censor)
        assert rec["estimate"] == pytest.approx(surv, abs=5e-5)
        for got, want in ((rec["ci_low"], lower), (rec["ci_high"], upper)):
            if np.isnan(want):
                assert np.isnan(got)
            else:
                assert got == pytest.approx(want, abs=5e-5)
    med = sv.km_median(_durations(time, status)).iloc[0]
    for got, want in zip((med["estimate"], med["ci_low"], med["ci_high"]), median):
        assert (np.isnan(got) and np.isnan(want)) or got == pytest.approx(want)


def test_median_at_exactly_one_half_is_the_middle_of_the_flat_stretch():
    # R: quantile(survfit(Surv(c(1, 2, 3, 4), c(1, 1, 1, 0)) ~ 1, conf.type = "log-log"), 0.5)
    #    -> 2.5, lower 1, upper NA (the curve is 0.75, 0.50, 0.25)
    med = sv.km_median(_durations([1, 2, 3, 4], [1, 1, 1, 0])).iloc[0]
    assert med["estimate"] == 2.5 and med["ci_low"] == 1.0 and np.isnan(med["ci_high"])


def test_km_table_has_fixed_columns_and_a_row_at_zero():
    km = sv.kaplan_meier(_durations([6, 8, 10], [1, 0, 1]))
    assert km.columns.tolist() == list(sv.COLUMNS)
    assert km.iloc[0][["time", "at_risk", "events", "estimate"]].tolist() == [0.0, 3, 0, 1.0]
    assert km["method"].unique().tolist() == [sv.METHOD]
    med = sv.km_median(_durations([6, 8, 10], [0, 0, 0]))
    assert med.columns.tolist() == list(sv.MEDIAN_COLUMNS)
    assert np.isnan(med["estimate"].iloc[0])  # no event: the median is not reached


def test_durations_are_checked():
    with pytest.raises(ParameterError, match="durations must be"):
        sv.kaplan_meier(pd.DataFrame({"time": [1.0]}))
    with pytest.raises(ParameterError, match="0 or more"):
        sv.kaplan_meier(_durations([-1, 2], [1, 1]))


def test_closure_after_as_at_is_not_yet_known(fixture_tables):
    times = sv.closure_times(fixture_tables["recommendations"], as_at="2021-06")
    # the recommendation closed in 2021-11 is open as at 2021-06 (censored at 15 months)
    assert (15.0, False) in list(zip(times["time"], times["event"]))
    with pytest.raises(ParameterError, match="before the approval"):
        sv.closure_times(fixture_tables["recommendations"], as_at="2020-12")
    with pytest.raises(ParameterError, match="as_at='not a month'"):
        sv.closure_times(fixture_tables["recommendations"], as_at="not a month")


def test_closure_times_by_level_and_by_agency(fixture_tables):
    recs = fixture_tables["recommendations"]
    by_level = sv.closure_times(recs, as_at="2021-12", by="level")
    assert by_level.groupby("group").size().to_dict() == {"all": 7, "local": 3, "national": 1, "regional": 3}
    by_agency = sv.closure_times(recs, as_at="2021-12", by="agencies_addressed", overall=False)
    # a recommendation is in every group it names: social services is named by 3
    assert int((by_agency["group"] == "social_services").sum()) == 3
    with pytest.raises(ParameterError, match="pass reviews="):
        sv.closure_times(recs.drop(columns=[c for c in ("board",) if c in recs]), as_at="2021-12", by="board")


def test_publication_times_count_only_published_kinds(fixture_tables):
    times = sv.publication_times(fixture_tables["process"], as_at="2021-12")
    # the concise CPR: 2017-03 -> 2018-03 (12 months); the extended: 2018-02 -> 2019-05 (15); no MAPF, no "no review"
    assert times["time"].tolist() == [12.0, 15.0] and times["event"].all()
    with pytest.raises(ParameterError, match="not decisions"):
        sv.publication_times(fixture_tables["process"], decisions=["cpr"])


# --------------------------------------------------------------------------- counts, recurrence, funnel
def test_information_sharing_recurs_in_successive_plans(fixture_tables):
    reviews = cprstats.code_reviews(cprstats.read_forms(HERE / "reviews_forms.csv"))
    rec = sv.recurring_themes(fixture_tables["recommendations"], reviews=reviews)
    assert rec.columns.tolist() == list(sv.RECURRING_COLUMNS)
    flagged = rec[rec["recurring"]]
    assert flagged["level"].tolist() == ["information_sharing"]
    row = rec.set_index("level").loc["information_sharing"]
    assert (row["group"], int(row["plans"]), int(row["plans_with"]), int(row["successive"])) == ("MWW", 2, 2, 1)
    # recording and escalation only in the 2018 plan, voice of the child only in the 2020 plan
    assert not rec.set_index("level").loc[["recording", "escalation", "voice_of_child"], "recurring"].any()
    counts = sv.recurring_counts(rec)
    info = counts.set_index("level").loc["information_sharing"]
    assert (int(info["count"]), int(info["n"])) == (1, 1)


def test_recurring_themes_without_boards_is_one_sequence(fixture_tables):
    rec = sv.recurring_themes(fixture_tables["recommendations"], by=None)
    assert set(rec["group"]) == {"all"}
    with pytest.raises(ParameterError, match="not a multi-response"):
        sv.recurring_themes(fixture_tables["recommendations"], variable="level", by=None)


def test_decision_funnel(fixture_tables):
    funnel = sv.decision_funnel(fixture_tables["process"])
    assert funnel["level"].tolist() == ["cpr_concise", "cpr_extended", "mapf", "susr", "no_review"]
    assert funnel["count"].tolist() == [1, 1, 1, 0, 1] and set(funnel["n"]) == {4}


def test_recommendation_counts_use_the_tables_codebook(fixture_tables):
    tab = sv.recommendation_counts(fixture_tables["recommendations"], ["level", "rec_themes"])
    assert tab.columns.tolist() == [
        "variable", "level", "group", "count", "n", "estimate", "ci_low", "ci_high", "ci_level", "method", "unit"
    ]  # fmt: skip
    assert set(tab["unit"]) == {"recommendation"}  # each recommendation counted, the table's own unit
    assert tab.query("variable == 'level'")["level"].tolist() == ["local", "regional", "national"]
    info = tab.query("variable == 'rec_themes' and level == 'information_sharing'")
    assert (int(info["count"].iloc[0]), int(info["n"].iloc[0])) == (2, 7)


def test_process_counts_count_reviews_unless_asked(fixture_tables):
    proc = fixture_tables["process"]
    assert set(sv.process_counts(proc, ["panel_held"])["n"]) == {3}
    reasons = sv.process_counts(proc, ["no_review_reason"], reviewed_only=False)
    assert reasons.set_index("level").loc["criteria_not_met", "count"] == 1


# --------------------------------------------------------------------------- disclosure control
def test_coarsened_curve_has_no_small_counts():
    recs = linked_example("wales_recommendations")
    km = sv.kaplan_meier(sv.closure_times(recs, as_at="2025-09", by="level"))
    safe = coarsen_survival(km, threshold=5, times=(12, 24))
    shown = safe[~safe["suppressed"]]
    events = shown["events"][shown["time"] > 0].astype(int)
    assert (events >= 5).all()
    assert (shown["at_risk"].astype(int) % 5 == 0)[shown["time"] > 0].all()  # rounded to the nearest 5
    assert shown["censored"].isna().all()
    # the estimate at each shown time is the exact Kaplan-Meier value there
    for rec in shown.to_dict("records"):
        full = km[(km["group"] == rec["group"]) & (km["time"] <= rec["time"])]
        assert rec["estimate"] == pytest.approx(full["estimate"].iloc[-1])
    assert safe.attrs["disclosure"]["method"] == "coarsened_times"


def test_a_small_group_is_hidden_with_a_second_one():
    d = pd.concat(
        [
            _durations(range(1, 21), [1] * 20, group="a"),
            _durations(range(1, 9), [1] * 8, group="b"),
            _durations([1, 2, 3], [1, 1, 1], group="c"),
            _durations(list(range(1, 21)) + list(range(1, 9)) + [1, 2, 3], [1] * 31, group="all"),
        ]
    )
    km = sv.kaplan_meier(d)
    safe = coarsen_survival(km, threshold=5)
    hidden = set(safe.loc[safe["suppressed"], "group"])
    assert hidden == {"b", "c"}  # c is too small; b goes too, or c = all - a - b
    med = protect_median(sv.km_median(d), safe, threshold=5)
    assert med.set_index("group").loc[["b", "c"], "estimate"].isna().all()
    assert med.set_index("group").loc["a", "n"] == 20


def test_no_suppression_for_all_wales_keeps_the_exact_curve():
    km = sv.kaplan_meier(_durations([6, 8, 10, 12, 20, 21, 30], [1, 1, 0, 1, 1, 0, 0]))
    policy = cprstats.disclosure_policy("wales")
    safe, med = protect_survival(km, None, policy)
    assert len(safe) == len(km) and not safe["suppressed"].any() and med is None


# --------------------------------------------------------------------------- report views
def test_report_views_for_a_small_region_write_safe_files(tmp_path):
    from cprstats.datasets.linked import load_linked
    from cprstats.report import linked_views as views

    rep = cprstats.Report(data="wales", region="MWW", lang="cy", output_dir=tmp_path, notebook="demo")
    recs = load_linked("wales", "recommendations", region="MWW", reviews=rep.wales_data_all_periods)
    assert set(recs["board"].astype(str)) == {"MWW"}
    times = sv.closure_times(recs, as_at="2025-09")
    km, med = sv.kaplan_meier(times), sv.km_median(times)
    fig = views.survival_figure(rep, km, name="closure", table="recommendations")
    assert "Argymhellion heb eu cau eto" in fig.text  # the alt text, in Welsh
    table = views.survival_table(rep, km, med, name="closure", table="recommendations")
    assert "Misoedd canolrif" in table.text
    counts = sv.recommendation_counts(recs, ["level", "status"])
    views.linked_table(rep, counts, name="levels", table="recommendations")
    saved = pd.read_csv(tmp_path / "tables" / "levels.csv", encoding="utf-8-sig")
    shown = saved["count"].dropna()
    assert not ((shown >= 1) & (shown <= 4)).any()
    assert {"closure", "levels"} <= {o["name"] for o in rep.outputs}
    assert (tmp_path / "figures" / "closure.png").is_file()


def test_funnel_and_heat_map_figures(tmp_path):
    from cprstats.datasets.linked import load_linked
    from cprstats.report import linked_views as views

    rep = cprstats.Report(data="wales", output_dir=tmp_path, notebook="demo")
    proc = load_linked("wales", "process", reviews=rep.wales_data_all_periods)
    block = views.funnel_figure(rep, sv.decision_funnel(proc), name="funnel")
    assert block.text.startswith("Funnel chart: Referrals and the decisions on them. All referrals:")
    recs = load_linked("wales", "recommendations", reviews=rep.wales_data_all_periods)
    cross = sv.recommendation_counts(recs, ["agencies_addressed"], by="level", overall=False)
    block = views.crosstab_figure(rep, cross, name="cross", table="recommendations", by="level")
    assert "General practice (GP) with Local" in block.text
