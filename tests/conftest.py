"""Shared pytest fixtures for cprstats (several helpers edit this file: keep edits minimal).

All data built here is synthetic and describes no real child or review.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest


@pytest.fixture
def rng():
    """A seeded random generator, so every test that draws numbers is reproducible."""
    return np.random.default_rng(20230501)


@pytest.fixture(scope="session")
def codebook():
    """The packaged codebook (loaded once; it is immutable)."""
    import cprstats

    return cprstats.load_codebook()


# Six good raw forms (SYNTHETIC), as `cprstats.read_forms` returns them: strings as typed, "" for
# empty, index "row" = spreadsheet row (header is row 1). They mix codes, English and Welsh
# labels, case and spacing, so the coder's matching rules are exercised.
SMALL_FORMS = {
    "review_id": ["CYSUR 1 2018", "CYSUR 2 2020", "CYSUR 2 2020", "NWSB 3 2019", "WG S71 2019", "CAV MAPF 1 2021"],
    "child_no": ["1", "1", "2", "1", "1", "1"],
    "local_authority": ["carmarthenshire", "Powys", "powys", "Ynys Môn", "bridgend", "Cardiff"],
    "review_type": ["cpr_concise", "Extended CPR", "cpr_extended", "Adolygiad Ymarfer Plant cryno", "mapf", "MAPF"],
    "incident_date": ["2018-06", "2020-05", "2020-05", "2019-11", "2019-03", "2021-02"],
    "publication_date": ["2019-05", "2021-09", "2021-09", "", "2020-01", ""],
    "outcome": ["death", "life_threatening_injury", "Serious and permanent impairment", "Marwolaeth", "other", "other"],
    "on_cp_register_6m": ["no", "yes", "yes", "Nac oedd", "no", "unknown"],
    "looked_after_6m": ["no", "no", "no", "no", "no", "unknown"],
    "incident_type": ["suicide", "nonfatal_physical_abuse", "neglect", "sudi", "criminal_exploitation", "self harm"],
    "age_months": ["190", "8", "40", "2", "200", "170"],
    "sex": ["female", "male", "female", "male", "male", "non_binary"],
    "ethnicity": ["white", "mixed", "mixed", "White", "black", "Grŵp ethnig arall"],
    "disability": ["no", "no", "no", "unknown", "no", "yes"],
    "n_siblings": ["2", "3", "3", "0", "1", ""],
    "has_half_siblings": ["yes", "no", "no", "no", "no", "unknown"],
    "birth_position": ["youngest", "youngest", "middle", "only", "eldest", "unknown"],
    "harm_experienced": [
        "emotional_abuse",
        "physical_abuse; Neglect",
        "neglect",
        "none",
        "exploitation",
        "",
    ],
    "child_vulnerabilities": [
        "mental_health; self_harm",
        "none",
        "poor home conditions",
        "none",
        "missing_episodes",
        "",
    ],
    "parental_risks": [
        "mental_health; domestic_abuse; alcohol_misuse",
        "drug_misuse; domestic_abuse; mental_health",
        "drug_misuse; domestic_abuse; mental_health",
        "",
        "criminality",
        "none",
    ],
    "agencies_involved": [
        "education; camhs; police",
        "social_services; health_visiting; police",
        "social_services; health_visiting",
        "midwifery; gp",
        "police; probation_youth_justice",
        "",
    ],
    "good_practice": ["education", "none", "none", "", "police", ""],
    "themes": [
        "voice_of_child; communication",
        "escalation; recording",
        "escalation; recording",
        "",
        "advocacy_structural",
        "",
    ],
    "learning_points": ["childs_voice", "professional_curiosity", "professional_curiosity", "", "", ""],
    "covid_factors": ["", "less_visible", "less_visible", "", "", "staff_absence"],
    "study_samples": ["mww_2017_2021", "mww_2017_2021", "mww_2017_2021", "mcmanus_2023", "", ""],
}


@pytest.fixture
def small_forms():
    """Six good raw coding forms (synthetic), as `read_forms` would return them from ``forms.csv``."""
    n = len(SMALL_FORMS["review_id"])
    df = pd.DataFrame(SMALL_FORMS, index=pd.Index(range(2, n + 2), name="row"), dtype=object)
    df.attrs["source"] = "forms.csv"
    df.attrs["files"] = ["forms.csv"] * n
    return df


@pytest.fixture(scope="session")
def small_coded():
    """The six forms of `small_forms`, coded (shared: copy before changing it)."""
    import cprstats

    n = len(SMALL_FORMS["review_id"])
    return cprstats.code_reviews(pd.DataFrame(SMALL_FORMS, index=pd.Index(range(2, n + 2), name="row"), dtype=object))


EXTRA_THEME = (
    "      - {value: trauma_informed, label: {en: Trauma-informed practice, cy: Ymarfer wedi'i lywio gan drawma}}\n"
)


@pytest.fixture(scope="session")
def extra_option_codebook(tmp_path_factory):
    """A researcher's codebook: the packaged one plus a new theme ``th_trauma_informed`` (a YAML edit only)."""
    from importlib import resources

    text = resources.files("cprstats.codebook").joinpath("codebook.yaml").read_text(encoding="utf-8")
    anchor = "      - {value: partial_assessment,"
    start = text.index(anchor)
    end = text.index("\n", start) + 1
    path = tmp_path_factory.mktemp("codebook") / "codebook_extra_option.yaml"
    path.write_text(text[:end] + EXTRA_THEME + text[end:], encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _close_figures():
    """Close matplotlib figures after each test, only if a test already imported matplotlib."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
