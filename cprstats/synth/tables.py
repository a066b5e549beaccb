"""Assumptions behind the synthetic data: weights and probabilities, written down in one place.

None of these numbers is a published statistic about Welsh reviews. They are plausible
guesses chosen so the synthetic data *looks* like the real thing (infants die of SUDI and
physical abuse, teenagers of suicide; concise reviews only where the child was neither on
the register nor looked after). ``data/README.md`` says what is and is not realistic.

Probabilities are keyed by codebook code; `probabilities` puts them in the codebook's order,
so the codebook stays the only place the codes and their order are written.

Examples
--------
>>> from cprstats.synth.tables import AUTHORITY_POPULATION
>>> 3100 < sum(AUTHORITY_POPULATION.values()) < 3115  # Wales: about 3.1 million (Census 2021)
True
"""

from __future__ import annotations

import numpy as np

from cprstats.errors import CodebookError

__all__ = [
    "AUTHORITY_POPULATION",
    "INCIDENT_TYPE_P",
    "AGE_RANGE",
    "OUTCOME_P",
    "OPTION_P",
    "NOT_RECORDED_P",
    "EDUCATION_P",
    "SCHOOL_AGE",
    "LEGACY_VULNERABILITIES",
    "SYNTHETIC_PREFIX",
    "BOARD_ID_PREFIX",
    "probabilities",
]

# Usual resident population, Census 2021 (ONS), thousands, approximately: used only as
# sampling weights so that busy boards have more reviews.
AUTHORITY_POPULATION = {
    "isle_of_anglesey": 68.9,
    "gwynedd": 117.4,
    "conwy": 114.8,
    "denbighshire": 95.8,
    "flintshire": 155.0,
    "wrexham": 135.1,
    "carmarthenshire": 187.9,
    "ceredigion": 71.5,
    "pembrokeshire": 123.4,
    "powys": 133.2,
    "swansea": 238.5,
    "neath_port_talbot": 141.9,
    "bridgend": 145.5,
    "merthyr_tydfil": 58.8,
    "rhondda_cynon_taf": 237.7,
    "cardiff": 362.4,
    "vale_of_glamorgan": 132.5,
    "blaenau_gwent": 67.0,
    "caerphilly": 175.9,
    "monmouthshire": 93.0,
    "newport": 159.6,
    "torfaen": 92.3,
}

INCIDENT_TYPE_P = {
    "suicide": 0.13,
    "medical_health_other": 0.12,
    "nonfatal_physical_abuse": 0.14,
    "fatal_physical_abuse": 0.07,
    "neglect": 0.12,
    "sudi": 0.12,
    "sexual_abuse_exploitation": 0.07,
    "criminal_exploitation": 0.05,
    "self_harm": 0.05,
    "accident": 0.05,
    "extrafamilial_homicide": 0.03,
    "other": 0.05,
}

# age in months at the incident: (lowest, highest, power); a power above 1 skews to the young
# end (age = lo + (hi - lo + 1) * u**power). medical_health_other is half infants, half teenagers.
AGE_RANGE = {
    "suicide": (132, 227, 1.0),
    "medical_health_other": (0, 11, 1.0),
    "nonfatal_physical_abuse": (0, 59, 2.5),
    "fatal_physical_abuse": (0, 47, 2.5),
    "neglect": (0, 179, 1.5),
    "sudi": (0, 11, 2.0),
    "sexual_abuse_exploitation": (120, 215, 1.0),
    "criminal_exploitation": (156, 215, 1.0),
    "self_harm": (144, 227, 1.0),
    "accident": (0, 191, 1.5),
    "extrafamilial_homicide": (168, 227, 1.0),
    "other": (0, 215, 1.0),
}
MEDICAL_TEEN_RANGE = (120, 215)

# outcome given incident type (CPR criteria: never "other")
OUTCOME_P = {
    "suicide": {"death": 1.0},
    "sudi": {"death": 1.0},
    "fatal_physical_abuse": {"death": 1.0},
    "extrafamilial_homicide": {"death": 1.0},
    "nonfatal_physical_abuse": {"life_threatening_injury": 0.6, "serious_impairment": 0.4},
    "self_harm": {"life_threatening_injury": 1.0},
    "medical_health_other": {"death": 0.7, "serious_impairment": 0.3},
    "neglect": {"death": 0.4, "life_threatening_injury": 0.2, "serious_impairment": 0.4},
    "sexual_abuse_exploitation": {"serious_impairment": 1.0},
    "criminal_exploitation": {"life_threatening_injury": 0.4, "serious_impairment": 0.6},
    "accident": {"death": 0.6, "life_threatening_injury": 0.4},
    "other": {"death": 0.3, "life_threatening_injury": 0.3, "serious_impairment": 0.4},
}

# chance that a multi-response group was not recorded for a review (empty cell); harm experienced
# is recorded exactly when child vulnerabilities are (one question in the coding of a review)
NOT_RECORDED_P = {
    "child_vulnerabilities": 0.06,
    "parental_risks": 0.08,
    "agencies_involved": 0.04,
    "good_practice": 0.25,
    "themes": 0.10,
    "learning_points": 0.10,
}

# option -> probability for (infant < 12 months, child 1-10, young person 11+)
OPTION_P = {
    # harm experienced, child vulnerabilities and home education come from LEGACY_VULNERABILITIES below
    "harm_experienced": {},
    "child_vulnerabilities": {},
    "parental_risks": {
        "alcohol_misuse": (0.3, 0.3, 0.3),
        "drug_misuse": (0.32, 0.32, 0.32),
        "mental_health": (0.45, 0.45, 0.45),
        "domestic_abuse": (0.42, 0.42, 0.42),
        "learning_disability": (0.08, 0.08, 0.08),
        "criminality": (0.2, 0.2, 0.2),
        "own_adverse_childhood": (0.25, 0.25, 0.25),
        "housing_instability": (0.2, 0.2, 0.2),
        "financial_hardship": (0.22, 0.22, 0.22),
        "young_parent": (0.2, 0.08, 0.04),
        "non_engagement": (0.3, 0.3, 0.3),
    },
    "agencies_involved": {
        "social_services": (0.6, 0.7, 0.8),
        "education": (0.0, 0.8, 0.85),
        "health_visiting": (0.9, 0.4, 0.0),
        "midwifery": (0.6, 0.05, 0.0),
        "gp": (0.7, 0.6, 0.5),
        "hospital_emergency": (0.4, 0.3, 0.45),
        "camhs": (0.0, 0.1, 0.5),
        "adult_mental_health": (0.2, 0.2, 0.2),
        "substance_misuse_service": (0.12, 0.12, 0.12),
        "police": (0.3, 0.35, 0.6),
        "housing": (0.2, 0.2, 0.2),
        "probation_youth_justice": (0.0, 0.02, 0.2),
        "third_sector": (0.15, 0.2, 0.3),
    },
    "good_practice": {
        "education": (0.0, 0.35, 0.35),
        "health": (0.45, 0.3, 0.25),
        "police": (0.15, 0.15, 0.2),
        "social_services": (0.2, 0.2, 0.2),
        "other": (0.1, 0.1, 0.1),
    },
    "themes": {
        "advocacy_individual": (0.3, 0.3, 0.3),
        "advocacy_structural": (0.2, 0.2, 0.2),
        "communication": (0.5, 0.5, 0.5),
        "escalation": (0.3, 0.3, 0.3),
        "recording": (0.35, 0.35, 0.35),
        "voice_of_child": (0.2, 0.4, 0.55),
        "hierarchy_of_knowledge": (0.15, 0.15, 0.15),
        "information_sharing": (0.45, 0.45, 0.45),
        "partial_assessment": (0.25, 0.25, 0.25),
    },
    "learning_points": {
        "threshold_uncertainty": (0.3, 0.3, 0.3),
        "childs_voice": (0.2, 0.4, 0.5),
        "multi_agency_collaboration": (0.5, 0.5, 0.5),
        "professional_curiosity": (0.45, 0.45, 0.45),
        "missed_health_appointments": (0.3, 0.15, 0.05),
        "disguised_compliance": (0.25, 0.25, 0.25),
        "workforce_challenges": (0.2, 0.2, 0.2),
    },
    "covid_factors": {
        "less_visible": (0.2, 0.5, 0.5),
        "risk_balancing": (0.35, 0.35, 0.35),
        "covid_anxiety_barrier": (0.25, 0.25, 0.25),
        "staff_absence": (0.3, 0.3, 0.3),
    },
}

# The earlier coding frame's 15 "child vulnerabilities", in its order, with the variable each option
# belongs to now (issue 15 separated the harm a child experienced from the child's characteristics,
# and moved home education to the education setting). The generator still draws the 15 together, in
# this order, so that the shipped data keep every value they had before the split.
LEGACY_VULNERABILITIES = (
    ("emotional_abuse", "harm_experienced", (0.35, 0.5, 0.45)),
    ("neglect", "harm_experienced", (0.45, 0.45, 0.3)),
    ("poor_home_conditions", "child_vulnerabilities", (0.35, 0.35, 0.2)),
    ("physical_abuse", "harm_experienced", (0.3, 0.25, 0.15)),
    ("sexual_abuse", "harm_experienced", (0.02, 0.1, 0.2)),
    ("exploitation", "harm_experienced", (0.0, 0.03, 0.3)),
    ("mental_health", "child_vulnerabilities", (0.0, 0.08, 0.5)),
    ("self_harm", "child_vulnerabilities", (0.0, 0.03, 0.4)),
    ("disability_needs", "child_vulnerabilities", (0.08, 0.15, 0.15)),
    ("missing_episodes", "child_vulnerabilities", (0.0, 0.03, 0.3)),
    ("substance_misuse", "child_vulnerabilities", (0.0, 0.01, 0.25)),
    ("school_non_attendance", "child_vulnerabilities", (0.0, 0.15, 0.35)),
    ("home_educated", "education_setting", (0.0, 0.05, 0.06)),
    ("social_isolation", "child_vulnerabilities", (0.02, 0.1, 0.2)),
    ("missed_health_appointments", "child_vulnerabilities", (0.3, 0.15, 0.08)),
)
for _code, _field, _p in LEGACY_VULNERABILITIES:
    if _field != "education_setting":
        OPTION_P[_field][_code] = _p

# education setting of a child of school age (the youngest are under school age): on a roll,
# electively home educated, in no education, or not known
EDUCATION_P = {
    "school_or_college": 0.87,
    "home_educated": 0.05,
    "not_in_education": 0.04,
    "under_school_age": 0.0,
    "unknown": 0.04,
}
SCHOOL_AGE = 60  # months: compulsory education in Wales starts the term after the fifth birthday

# review identifiers in the style the boards publish ("CYSUR 4 2019", "WG S71 2023"), each with
# SYN- in front so that no synthetic identifier can be mistaken for a real review
SYNTHETIC_PREFIX = "SYN-"
BOARD_ID_PREFIX = {"NWSB": "NWSB", "MWW": "CYSUR", "WGSB": "WG", "CTM": "CTM", "CAV": "CV", "GWENT": "GWENT"}


def probabilities(table: dict, codes: tuple[str, ...]) -> np.ndarray:
    """The values of ``table`` in the order of ``codes`` (the codebook's), as an array.

    >>> probabilities({"b": 0.25, "a": 0.75}, ("a", "b")).tolist()
    [0.75, 0.25]
    """
    missing = [c for c in codes if c not in table]
    if missing:  # the packaged codebook gained an option the generator does not know
        raise CodebookError(
            f"the codebook has values {missing} that the synthetic-data generator has no probability for;"
            " add them to cprstats/synth_tables.py"
        )
    return np.array([table[c] for c in codes], dtype=float)
