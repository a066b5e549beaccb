"""Tests for cprstats.forms.rules: each cross-field rule fires on the row that breaks it, and only there.

All forms are SYNTHETIC. The criteria come from the Safeguarding Boards (Functions and
Procedures) (Wales) Regulations 2015, regulation 4, as summarised in the domain reference,
section 3: a concise CPR is for a child *neither* on the child protection register *nor* looked
after in the 6 months before; an extended CPR for a child who was either; both need death, a
potentially life-threatening injury, or serious and permanent impairment. SUSRs began on
1 October 2024 (domain reference, section 3: North Wales Safeguarding Board; Children's
Commissioner for Wales). The sibling rules follow the codebook's definitions (half-siblings count
as siblings; "middle" needs two or more siblings).
"""

from __future__ import annotations

import pandas as pd
import pytest

import cprstats
from cprstats.errors import CodingError
from cprstats.forms.rules import RULES, check_rules

BASE = {"child_no": "1", "local_authority": "ceredigion", "review_type": "mapf", "incident_date": "2019-05"}
CPR = {"outcome": "death", "on_cp_register_6m": "no", "looked_after_6m": "no"}

# rule -> (form values that break it, field reported, fragment of the problem)
BREAKS = {
    "concise_with_register_or_care": (
        dict(CPR, review_type="cpr_concise", on_cp_register_6m="yes"),
        "review_type",
        "should be an extended CPR",
    ),
    "extended_without_register_or_care": (
        dict(CPR, review_type="cpr_extended"),
        "review_type",
        "should be a concise CPR",
    ),
    "cpr_without_statutory_outcome": (
        dict(CPR, review_type="cpr_concise", outcome="other"),
        "outcome",
        "code the review as an MAPF",
    ),
    "susr_before_start": (
        {"review_type": "susr", "incident_date": "2024-09"},
        "review_type",
        "began on 1 October 2024",
    ),
    "half_siblings_without_siblings": (
        {"has_half_siblings": "yes", "n_siblings": "0"},
        "has_half_siblings",
        "half-siblings count as siblings",
    ),
    "birth_position_without_siblings": (
        {"birth_position": "youngest", "n_siblings": "0"},
        "birth_position",
        "needs at least one sibling",
    ),
    "only_child_with_siblings": (
        {"birth_position": "only", "n_siblings": "2"},
        "birth_position",
        "'only child' but n_siblings is 1 or more",
    ),
    "middle_child_of_two": (
        {"birth_position": "middle", "n_siblings": "1"},
        "birth_position",
        "middle child needs at least two siblings",
    ),
    "incident_after_publication": (
        {"incident_date": "2020-05", "publication_date": "2020-04"},
        "publication_date",
        "published before the incident",
    ),
}

# rows close to a rule that break none (each would be wrong to flag)
NEAR_MISSES = [
    dict(CPR, review_type="cpr_concise"),
    dict(CPR, review_type="cpr_extended", looked_after_6m="yes"),
    dict(CPR, review_type="cpr_extended", on_cp_register_6m="yes", looked_after_6m="yes"),
    dict(CPR, review_type="cpr_concise", on_cp_register_6m="unknown"),  # unknown is not yes
    dict(CPR, review_type="cpr_extended", on_cp_register_6m="unknown"),  # nor no
    dict(CPR, review_type="cpr_extended", outcome="serious_impairment", looked_after_6m="yes"),
    {"review_type": "mapf", "outcome": "other"},
    {"review_type": "susr", "incident_date": "2024-10"},
    {"has_half_siblings": "yes", "n_siblings": "1"},
    {"has_half_siblings": "no", "n_siblings": "0", "birth_position": "only"},
    {"birth_position": "middle", "n_siblings": "2"},
    {"birth_position": "eldest", "n_siblings": ""},  # number unknown: cannot contradict
    {"incident_date": "2020-05", "publication_date": "2020-05"},
    {"incident_date": "2020-05", "publication_date": ""},
]


def _forms(rows):
    recs = [dict(BASE, review_id=f"R {i + 1} 2019", **r) for i, r in enumerate(rows)]
    df = pd.DataFrame(recs, dtype=object).fillna("")
    df.index = pd.Index(range(2, len(df) + 2), name="row")
    return df


@pytest.fixture(scope="module")
def problems():
    rows = [BREAKS[name][0] for name in BREAKS] + NEAR_MISSES
    with pytest.raises(CodingError) as exc:
        cprstats.code_reviews(_forms(rows))
    return exc.value.problems


def test_every_rule_has_a_case():
    assert set(BREAKS) == {r.name for r in RULES}


@pytest.mark.parametrize("name", list(BREAKS))
def test_rule_fires_on_its_row_only(problems, name):
    row = 2 + list(BREAKS).index(name)
    _, field, fragment = BREAKS[name]
    mine = problems[problems["row"] == row]
    assert mine["field"].tolist() == [field]
    assert fragment in mine["problem"].item()
    assert mine["review_id"].item() == f"R {row - 1} 2019"


def test_near_misses_break_no_rule(problems):
    assert problems["row"].max() == 1 + len(BREAKS)
    assert len(problems) == len(BREAKS)


def test_rule_problem_shows_the_coded_value(problems):
    by_row = dict(zip(problems["row"], problems["value"]))
    assert by_row[2] == "cpr_concise"
    assert by_row[10] == "2020-04"


def test_unreadable_value_is_not_reported_twice():
    # "deth" cannot be read, so outcome is missing and a CPR without an outcome would break a rule:
    # the coder must see one problem (the unreadable value), not two
    forms = _forms(
        [dict(CPR, review_type="cpr_concise", outcome="deth"), dict(CPR, review_type="cpr_concise", outcome="")]
    )
    with pytest.raises(CodingError) as exc:
        cprstats.code_reviews(forms)
    p = exc.value.problems
    assert p[["row", "field"]].values.tolist() == [[2, "outcome"], [3, "outcome"]]
    assert "did you mean 'death'?" in p.loc[0, "problem"]
    assert "needs a statutory outcome" in p.loc[1, "problem"]  # empty is not unreadable: the rule applies


def test_check_rules_skips_rules_whose_columns_are_absent(small_forms):
    data = cprstats.code_reviews(small_forms)
    assert list(check_rules(data)) == []
    data.loc[0, "n_siblings"] = 0  # the fixture's row 2 says youngest with half-siblings
    broken = {rule.name: mask.tolist() for mask, rule in check_rules(data)}
    assert broken == {
        "half_siblings_without_siblings": [True, False, False, False, False, False],
        "birth_position_without_siblings": [True, False, False, False, False, False],
    }
    assert list(check_rules(data.drop(columns=["n_siblings"]))) == []
