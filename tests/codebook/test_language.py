"""Language and labels (issue 15, items 4 and 6): what the codebook calls things, and old forms.

The codebook no longer says "toxic trio" (co-occurring parental adversities), keeps harm the
child experienced apart from the child's own characteristics, records home education as a
visibility context, records sex and gender identity "as recorded", and defines what a coder must
see for each parental risk factor, harm and learning point. Forms written for the earlier codebook
still code: `Codebook.upgrade_forms` maps former names (aliases) and moved values. Frames here are
synthetic.
"""

from __future__ import annotations

import inspect

import pandas as pd
import pytest

import cprstats
from cprstats.forms.coding import code_reviews


def test_no_toxic_trio_label_left(codebook):
    for where, text in codebook.texts():
        if "toxic" in text.en.lower():
            assert "formerly" in text.en.lower(), where  # only where the former name is explained
    fld = codebook.field("parental_adversities_all_three")
    assert fld.aliases == ("toxic_trio",) and codebook.field("parental_adversities_count").aliases == (
        "toxic_trio_count",
    )
    assert "domestic abuse" in fld.title.en and "mental ill-health" in fld.title.en and "substance use" in fld.title.en


def test_harm_is_apart_from_the_childs_characteristics(codebook):
    harm = set(codebook.field("harm_experienced").codes)
    cv = set(codebook.field("child_vulnerabilities").codes)
    assert harm == {"emotional_abuse", "neglect", "physical_abuse", "sexual_abuse", "exploitation"}
    assert not harm & cv and "home_educated" not in cv
    assert codebook.field("education_setting").category("home_educated").moved_from == "child_vulnerabilities"
    assert codebook.field("education_setting").group == "visibility"


def test_sex_and_gender_identity_as_recorded(codebook):
    assert codebook.field("sex").title.en == "Sex as recorded"
    gi = codebook.field("gender_identity")
    assert gi.title.en == "Gender identity as recorded" and not gi.required and gi.unit == "child"
    assert "never infer" in gi.description.en


@pytest.mark.parametrize("variable", ["parental_risks", "harm_experienced", "learning_points", "child_vulnerabilities"])
def test_every_option_says_what_a_coder_must_see(codebook, variable):
    for cat in codebook.field(variable).categories:
        assert cat.definition is not None and len(cat.definition.en) > 40, (variable, cat.value)
        assert cat.definition.cy.strip()


def test_definitions_of_the_contested_terms(codebook):
    pr = codebook.field("parental_risks")
    assert "under 20" in pr.category("young_parent").definition.en
    assert "not taking part" in pr.category("non_engagement").definition.en
    dc = codebook.field("learning_points").category("disguised_compliance").definition.en
    assert "appeared to co-operate" in dc and "non-engagement" in dc


def test_helpers_and_derived_levels_have_titles(codebook):
    assert codebook.label("age_years") == "Age in completed years"
    assert codebook.label("age_years", lang="cy") == "Oed mewn blynyddoedd cyflawn"
    assert codebook.level_label("parental_risks", "parental_substance_misuse") == "Parental substance misuse"
    with pytest.raises(cprstats.ParameterError, match="is not a level of 'parental_risks'"):
        codebook.level_label("parental_risks", "toxic")


def test_published_rows_carry_labels_not_raw_names():
    res = cprstats.check_published(cprstats.load_example("wales"), "mww_2017_2021").set_index("statement")
    assert res.loc["youngest_age", "label_en"] == "Youngest child's age (completed years)"
    mc = cprstats.check_published(cprstats.load_example("wales"), "mcmanus_2023").set_index("statement")
    assert mc.loc["parental_risk_rank_1", "label_en"] == (
        "Parental and carer risk factors: Parental substance misuse (rank)"
    )
    for source in ("mcmanus_2023", "mww_2017_2021", "england"):
        res = cprstats.check_published(cprstats.load_example("wales"), source)
        for lang in ("en", "cy"):
            labels = res[f"label_{lang}"]
            assert not labels.isin(res["statement"]).any(), (source, lang)  # never the raw statement name
            assert not labels.duplicated().any(), (source, lang)  # each row says what it counts


def test_canonical_column(codebook):
    assert codebook.canonical_column("toxic_trio") == "parental_adversities_all_three"
    assert codebook.canonical_column("Toxic Trio Count") == "parental_adversities_count"
    assert codebook.canonical_column("cv_physical_abuse") == "harm_physical_abuse"
    assert codebook.canonical_column("outcome") == "outcome" and codebook.canonical_column("nonsense") == "nonsense"
    assert codebook.canonical_column("cv_home_educated") == "cv_home_educated"  # a flag: upgrade_forms converts it
    assert codebook.aliases["cv_home_educated"] == "education_setting=home_educated"


OLD_FORMS = pd.DataFrame(
    {
        "review_id": ["SYN-A 1 2019", "SYN-A 2 2019", "SYN-A 3 2019", "SYN-A 4 2019"],
        "Child vulnerabilities": ["Neglect; poor home conditions", "mental_health", "none", ""],
        "cv_home_educated": ["yes", "no", "", "ie"],
        "cv_sexual_abuse": ["", "yes", "no", ""],
    }
)


def test_upgrade_forms_carries_old_forms_over(codebook):
    new = codebook.upgrade_forms(OLD_FORMS)
    assert new["Child vulnerabilities"].tolist() == ["poor home conditions", "mental_health", "none", ""]
    # the harm list did not exist: recorded (none) where the old list was recorded, empty where not
    assert new["harm_experienced"].tolist() == ["neglect", "none", "none", ""]
    assert new["harm_sexual_abuse"].tolist() == ["", "yes", "no", ""]  # a renamed option column
    assert new["education_setting"].tolist() == ["home_educated", "", "", "home_educated"]  # yes / ie
    assert "cv_home_educated" not in new and OLD_FORMS["cv_home_educated"].tolist()[0] == "yes"  # input untouched
    again = codebook.upgrade_forms(new)
    assert again.equals(new)  # forms in this codebook's terms come back unchanged


def test_upgrade_forms_appends_to_an_existing_list(codebook):
    forms = pd.DataFrame({"child_vulnerabilities": ["neglect; self_harm"], "harm_experienced": ["physical_abuse"]})
    new = codebook.upgrade_forms(forms)
    assert new.loc[0, "harm_experienced"] == "physical_abuse; neglect"
    assert new.loc[0, "child_vulnerabilities"] == "self_harm"


def _coding_has_the_alias_hook() -> bool:
    return "upgrade_forms" in inspect.getsource(code_reviews)


@pytest.mark.skipif(not _coding_has_the_alias_hook(), reason="cprstats.forms.coding does not call upgrade_forms yet")
def test_old_forms_code(small_forms):
    old = small_forms.copy()
    old["child_vulnerabilities"] = [
        "emotional_abuse; mental_health; self_harm",
        "physical_abuse; Neglect",
        "neglect; poor home conditions",
        "none",
        "exploitation; missing_episodes",
        "",
    ]
    old = old.drop(columns=["harm_experienced"])
    new = cprstats.code_reviews(old)
    same = cprstats.code_reviews(small_forms)  # the fixture, written for this codebook
    cols = [*cprstats.load_codebook().option_columns("harm_experienced"), "cv_mental_health", "cv_poor_home_conditions"]
    pd.testing.assert_frame_equal(new[cols], same[cols])


def test_shipped_identifiers_are_marked_synthetic():
    wales = cprstats.load_example("wales")
    assert wales["review_id"].str.startswith("SYN-").all()
    assert cprstats.generate(3, seed=1)["review_id"].str.startswith("SYN-").all()
    for name in ("double_coding_a", "double_coding_b"):
        assert cprstats.load_example(name)["review_id"].str.startswith("SYN-").all()
