"""Unit of analysis (issue 15, item 1): review-level variables count reviews, child-level ones children.

The shipped synthetic all-Wales data has 160 subject children in 157 reviews: three reviews are
about two siblings (data/README.md). Hand-made frames below are synthetic too; their expected
counts are worked out by hand in the comments.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

import cprstats
from cprstats.codebook.model import UNITS
from cprstats.errors import CodebookError
from cprstats.stats.comparisons import COMPARE_COLUMNS
from cprstats.stats.describe import COLUMNS, TABLE_ONE_COLUMNS
from cprstats.stats.trends import TREND_COLUMNS
from cprstats.stats.variables import Units, review_level_conflicts

REVIEW_LEVEL = (
    "review_type",
    "board",
    "local_authority",
    "incident_date",
    "publication_date",
    "period",
    "incident_year",
    "agencies_involved",
    "good_practice",
    "themes",
    "learning_points",
    "covid_factors",
)
CHILD_LEVEL = (
    "age_band_mcmanus",
    "sex",
    "gender_identity",
    "ethnicity",
    "disability",
    "education_setting",
    "n_siblings",
    "youngest",
    "harm_experienced",
    "child_vulnerabilities",
    "parental_risks",
    "parental_adversities_all_three",
)


@pytest.fixture(scope="module")
def wales():
    return cprstats.load_example("wales")


# --------------------------------------------------------------------------- the codebook
def test_every_field_declares_a_unit(codebook):
    assert codebook.default_unit == "child"
    for fld in codebook.fields.values():
        assert fld.unit in UNITS, fld.name
    for name in REVIEW_LEVEL:
        assert codebook.field(name).unit == "review", name
    for name in CHILD_LEVEL:
        assert codebook.field(name).unit == "child", name
    # an option column has its variable's unit
    assert codebook.unit_of("th_recording") == "review" and codebook.unit_of("harm_neglect") == "child"


def test_linked_tables_count_their_own_rows(codebook):
    rec = codebook.table("recommendations")
    assert {f.unit for f in rec.fields.values()} == {"recommendation"}
    assert codebook.table("process").field("decision").unit == "referral"


def _with(codebook, old: str, new: str, tmp_path):
    from importlib import resources

    text = resources.files("cprstats.codebook").joinpath("codebook.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "cb.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_bad_unit_is_refused(codebook, tmp_path):
    path = _with(
        codebook,
        "    unit: review\n    type: string\n    title: {en: Type of review",
        "    unit: reviews\n    type: string\n    title: {en: Type of review",
        tmp_path,
    )
    with pytest.raises(CodebookError, match=r"review_type\)\.unit: 'reviews' is not allowed; use one of review, child"):
        cprstats.load_codebook(path)
    path = _with(codebook, "defaultUnit: child", "defaultUnit: family", tmp_path)
    with pytest.raises(CodebookError, match="defaultUnit: 'family' is not allowed"):
        cprstats.load_codebook(path)


def test_a_field_without_unit_takes_the_default(codebook, tmp_path):
    path = _with(
        codebook,
        "    unit: child\n    type: string\n    title: {en: Ethnic group",
        "    type: string\n    title: {en: Ethnic group",
        tmp_path,
    )
    assert cprstats.load_codebook(path).field("ethnicity").unit == "child"


def test_review_level_fields_agree_across_a_reviews_children(wales):
    # the first subject child's row stands for the review: right only if the siblings' rows agree
    assert review_level_conflicts(wales).empty
    broken = wales.copy()
    rid = broken.loc[broken["child_no"] == 2, "review_id"].iloc[0]
    row = broken.index[(broken["review_id"] == rid) & (broken["child_no"] == 2)][0]
    broken.loc[row, "th_recording"] = not bool(broken.loc[row, "th_recording"])
    got = review_level_conflicts(broken)
    assert got.values.tolist() == [[rid, "th_recording"]]


# --------------------------------------------------------------------------- proportions, table_one
def test_review_type_counts_157_reviews_and_sex_160_children(wales):
    tab = cprstats.proportions(wales, "review_type")
    assert set(tab["n"]) == {157} and set(tab["unit"]) == {"review"}
    assert tab["count"].sum() == 157
    sex = cprstats.proportions(wales, "sex")
    assert set(sex["n"]) == {160} and set(sex["unit"]) == {"child"}
    themes = cprstats.proportions(wales, "themes")
    assert set(themes["unit"]) == {"review"} and themes["n"].max() <= 157
    assert tuple(tab.columns) == COLUMNS and COLUMNS[-1] == "unit"


def test_a_review_counts_once_by_hand():
    df = pd.DataFrame(
        {
            "review_id": ["A", "A", "B", "C"],
            "child_no": [2, 1, 1, 1],  # A's first subject child is the second row
            "review_type": ["mapf", "mapf", "cpr_concise", "cpr_concise"],
            "sex": ["male", "female", "female", "male"],
        }
    )
    types = cprstats.proportions(df, "review_type").set_index("level")
    assert types.loc["mapf", "count"] == 1 and types.loc["mapf", "n"] == 3  # three reviews, one a MAPF
    sex = cprstats.proportions(df, "sex").set_index("level")
    assert sex.loc["female", "count"] == 2 and sex.loc["female", "n"] == 4  # four children
    # with groups, a review is in the group of its first subject child's row (A: female)
    by = cprstats.proportions(df, "review_type", by="sex").set_index(["level", "group"])
    assert by.loc[("mapf", "female"), "count"] == 1 and by.loc[("mapf", "male"), "count"] == 0


def test_table_one_and_cooccurrence_say_their_unit(wales):
    t1 = cprstats.table_one(wales, ["review_type", "sex", "n_siblings"])
    assert tuple(t1.columns) == TABLE_ONE_COLUMNS
    units = t1.groupby("variable")["unit"].first().to_dict()
    assert units == {"review_type": "review", "sex": "child", "n_siblings": "child"}
    missing = t1[(t1.variable == "review_type") & (t1.statistic == "missing")].iloc[0]
    assert missing.n == 157
    from cprstats.stats.describe import cooccurrence

    pairs = cooccurrence(wales, "themes")
    assert set(pairs["unit"]) == {"review"} and pairs["n"].max() <= 157


def test_units_helper_finds_the_first_subject_child():
    df = pd.DataFrame({"review_id": ["A", "A", None, "B"], "child_no": [2, 1, 1, 1]})
    units = Units(df)
    assert units.first.tolist() == [False, True, True, True]  # a row without review_id is its own review
    assert units.siblings
    assert not Units(pd.DataFrame({"x": [1, 2]})).siblings  # no review_id: every row its own review


# --------------------------------------------------------------------------- tests use one child per review
def test_compare_uses_the_first_child_of_sibling_reviews(wales):
    res = cprstats.compare(wales, ["sex", "review_type"], by="period")
    assert tuple(res.columns) == COMPARE_COLUMNS
    units = res.groupby("variable")["unit"].first().to_dict()
    assert units == {"sex": "first_child", "review_type": "review"}
    sex = res[res.variable == "sex"].iloc[0]
    assert sex.n + sex.n_ref == 157  # 160 children, one per review
    props = cprstats.proportions(wales, "sex", by="period")
    assert props[props.group != "all"].groupby("group")["n"].first().sum() == 160  # proportions count every child


def test_without_siblings_child_level_tests_count_children():
    df = pd.DataFrame(
        {
            "review_id": [f"R{i}" for i in range(24)],
            "grp": ["a"] * 12 + ["b"] * 12,
            "flag": pd.array([True] * 3 + [False] * 9 + [True] * 9 + [False] * 3, dtype="boolean"),
        }
    )
    row = cprstats.compare(df, "flag", by="grp").iloc[0]
    assert row.unit == "child" and (row.n, row.n_ref) == (12, 12)
    # Fisher's exact test by hand: tables as or more extreme than 9/12 against 3/12 with margins 12, 12, 12, 12:
    # 2 * (C(12,9)C(12,3) + C(12,10)C(12,2) + C(12,11)C(12,1) + 1) / C(24,12) = 2 * 52901 / 2704156
    assert row.p_value == pytest.approx(2 * 52901 / 2704156, rel=1e-12)
    assert pd.isna(row.note) and row.family_size == 1


def test_trend_and_logistic_say_their_unit(wales):
    res = cprstats.trend(wales, ["sex", "themes"])
    assert tuple(res.columns) == TREND_COLUMNS
    assert set(res.loc[res.variable == "sex", "unit"]) == {"first_child"}
    assert set(res.loc[res.variable == "themes", "unit"]) == {"review"}
    fit = cprstats.logistic(wales, "outcome ~ large_sibling_group", event="death")
    assert set(fit["unit"]) == {"first_child"} and fit["n"].max() <= 157


# --------------------------------------------------------------------------- small groups and families
def test_small_groups_get_no_test_and_a_note(wales):
    mww = cprstats.compare(wales, "outcome", by="board", groups=["MWW"])
    # Mid and West Wales has 22 reviews; two groups of 10 or more: tested
    assert mww["note"].isin(["nothing_to_test"]).sum() + mww["p_value"].notna().sum() == len(mww)
    tiny = wales[wales["board"].isin(["MWW", "CTM"])]
    floor = cprstats.compare(tiny, "outcome", by="board", groups=["MWW", "CTM"], min_group=50)
    assert floor["p_value"].isna().all() and floor["statistic"].isna().all()
    assert set(floor["note"]) == {"small_group"} and floor["test"].isna().all()
    assert floor["estimate"].notna().all()  # estimates and intervals are still given
    with pytest.raises(cprstats.ParameterError, match=r"min_group=0 must be a whole number of reviews, 1 or more"):
        cprstats.compare(wales, "outcome", by="period", min_group=0)
    with pytest.raises(cprstats.ParameterError, match="min_group"):
        cprstats.trend(wales, "outcome", min_group=2.5)


def test_family_size_counts_the_p_values_adjusted(wales):
    res = cprstats.compare(wales, ["outcome", "themes"], by="period")
    tested = res["p_value"].notna()
    assert (res.loc[tested, "family_size"] == tested.sum()).all()
    assert res.loc[~tested, "family_size"].isna().all()
    t = cprstats.trend(wales, "outcome")
    assert (t.loc[t.p_value.notna(), "family_size"] == t.p_value.notna().sum()).all()


def test_notes_are_translatable():
    from cprstats.stats.comparisons import NOTES

    for code in (*NOTES, "first_child"):
        for lang in ("en", "cy"):
            assert cprstats.t(f"note.{code}", lang, min_group=10)
    assert "league table" in cprstats.t("caveat.census", "en")
    assert "tabl cynghrair" in cprstats.t("caveat.census", "cy")
    for unit in ("review", "child", "first_child"):
        assert cprstats.t(f"unit.{unit}", "cy")


def test_nan_is_not_an_error_for_an_empty_group(wales):
    res = cprstats.compare(wales, "sex", by="board", groups=["MWW", "CTM"], min_group=1).iloc[0]
    assert not math.isnan(res.estimate)
