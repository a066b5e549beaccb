"""The shipped all-Wales synthetic dataset, with its two study samples calibrated by construction.

Three parts, each drawn with `cprstats.synth.scale` and then overridden where a published
figure fixes the answer:

* the 33 CPRs of the all-Wales thematic analysis (McManus et al. 2023): the exact counts that
  reproduce every figure of the source document are assigned to rows, then shuffled with the
  seeded generator (no rejection sampling, so no luck is involved);
* the Mid and West Wales reviews 2017-2021 (4 MAPFs, 7 CPRs, three of the CPRs shared with the
  thematic analysis), infancy to 19, both sides of the Covid-19 cut, all five emerging themes;
* background reviews 2013-2025 across the 22 authorities, three of them about two siblings.

Examples
--------
>>> from cprstats.synth.calibrated import wales_draw, MCMANUS_PROFILES
>>> len(MCMANUS_PROFILES)
33
>>> d = wales_draw(20230)
>>> int((d["study_samples"] & 1 > 0).sum()), int((d["study_samples"] & 2 > 0).sum())
(33, 11)
"""

from __future__ import annotations

import numpy as np

import cprstats.synth.scale as S
import cprstats.synth.tables as T
from cprstats.codebook.model import Codebook, resolve
from cprstats.synth.rendering import board_index

__all__ = ["wales_draw", "MCMANUS_PROFILES", "MCMANUS_COUNTS", "N_BACKGROUND", "SIBLING_PAIRS", "CUTOFF"]

N_BACKGROUND, SIBLING_PAIRS = 116, 3  # background reviews, of which about two siblings
CUTOFF = S.month("2025-09")  # "as at" month: nothing published later, incidents up to 2025-08
_MWW = ("carmarthenshire", "ceredigion", "pembrokeshire", "powys")

# (incident type, McManus age band, outcome) of the 33 CPRs. Counts this gives: deaths 22;
# incidents suicide 6 > other medical 5 > non-fatal physical abuse 4 > any other type (3 or
# fewer); aged 0-3 months 7; aged 13 or over 7 (13-15: 3, 16-17: 4).
MCMANUS_PROFILES = (
    *[("sudi", "m0_3", "death")] * 3,
    ("fatal_physical_abuse", "m0_3", "death"),
    ("fatal_physical_abuse", "m4_11", "death"),
    ("fatal_physical_abuse", "y1_4", "death"),
    ("nonfatal_physical_abuse", "m0_3", "life_threatening_injury"),
    ("nonfatal_physical_abuse", "m0_3", "serious_impairment"),
    ("nonfatal_physical_abuse", "m4_11", "serious_impairment"),
    ("nonfatal_physical_abuse", "y1_4", "life_threatening_injury"),
    ("medical_health_other", "m0_3", "death"),
    *[("medical_health_other", "m4_11", "death")] * 2,
    ("medical_health_other", "y1_4", "death"),
    ("medical_health_other", "y5_9", "death"),
    ("suicide", "y10_12", "death"),
    *[("suicide", "y13_15", "death")] * 2,
    *[("suicide", "y16_17", "death")] * 3,
    ("neglect", "m4_11", "death"),
    ("neglect", "y1_4", "death"),
    ("neglect", "y5_9", "serious_impairment"),
    ("criminal_exploitation", "y10_12", "serious_impairment"),
    ("criminal_exploitation", "y16_17", "life_threatening_injury"),
    *[("sexual_abuse_exploitation", "y10_12", "serious_impairment")] * 2,
    ("self_harm", "y10_12", "life_threatening_injury"),
    ("self_harm", "y13_15", "life_threatening_injury"),
    ("accident", "y1_4", "death"),
    ("accident", "y5_9", "death"),
    ("other", "y5_9", "death"),
)

# exact option counts among the 33 (all recorded). The thematic analysis's "vulnerabilities" are
# harm experienced and child vulnerabilities together: emotional abuse 16 > neglect 14 > poor
# home conditions 12 > any other. Parental risks: substance misuse (alcohol or drugs) 17 >
# mental health 15 > domestic abuse 13 > any other. One child was home educated.
MCMANUS_COUNTS = {
    # the earlier frame's 15 vulnerabilities (T.LEGACY_VULNERABILITIES), assigned in this order and
    # then split into harm experienced, child vulnerabilities and the education setting
    "vulnerabilities": {
        "emotional_abuse": 16,
        "neglect": 14,
        "poor_home_conditions": 12,
        "physical_abuse": 9,
        "mental_health": 8,
        "school_non_attendance": 6,
        "missed_health_appointments": 6,
        "self_harm": 5,
        "social_isolation": 5,
        "exploitation": 4,
        "missing_episodes": 4,
        "disability_needs": 4,
        "sexual_abuse": 3,
        "substance_misuse": 3,
        "home_educated": 1,
    },
    "parental_risks": {
        "mental_health": 15,
        "domestic_abuse": 13,
        "non_engagement": 10,
        "own_adverse_childhood": 9,
        "financial_hardship": 8,
        "housing_instability": 7,
        "criminality": 6,
        "young_parent": 4,
        "learning_disability": 3,
    },
}
_SUBSTANCE = {"alcohol_only": 6, "drug_only": 7, "both": 4}  # alcohol 10, drugs 11, either 17
# incident types whose rows must carry an option (they are chosen first)
_FORCED = {
    "neglect": ("neglect",),
    "physical_abuse": ("fatal_physical_abuse", "nonfatal_physical_abuse"),
    "self_harm": ("self_harm",),
    "sexual_abuse": ("sexual_abuse_exploitation",),
    "exploitation": ("criminal_exploitation",),
}


def mcmanus(rng, cb: Codebook) -> dict:
    """The 33 CPRs of McManus et al. (2023), one child each; rows 0-2 are also in the MWW sample."""
    n = len(MCMANUS_PROFILES)
    order = rng.permutation(n)  # which profile each row gets
    types = [MCMANUS_PROFILES[k][0] for k in order]
    d = S.draw_reviews(rng, n, start=S.month("2014-01"), end=S.month("2021-06"), cutoff=S.month("2022-12"), codebook=cb)
    d["incident_type"] = np.array([code_index(cb, "incident_type", t) for t in types], dtype=np.int8)
    d["outcome"] = np.array([code_index(cb, "outcome", MCMANUS_PROFILES[k][2]) for k in order], dtype=np.int8)
    d["age_months"] = ages_in_bands(rng, cb, types, [MCMANUS_PROFILES[k][1] for k in order])
    # three rows are Mid and West Wales CPRs of 2017-2021; no other row is in that region
    las = cb.field("local_authority").codes
    others = tuple(a for a in las if a not in _MWW)
    picked = S._choice(rng, n, T.probabilities(T.AUTHORITY_POPULATION, others))
    d["local_authority"] = np.array([las.index(others[a]) for a in picked], dtype=np.int8)
    d["local_authority"][:3] = [las.index(a) for a in rng.choice(_MWW, size=3)]
    d["incident_month"][:3] = draw_months(rng, 3, "2017-01", "2021-06")
    d["publication_month"] = publish(rng, d["incident_month"], S.month("2022-12"))
    cpr_status(rng, cb, d)
    S.draw_child(rng, cb, d)
    assign_family(rng, cb, d, only=8, large=15, half=8, youngest=14, unknown=4)
    redraw_options(rng, cb, d, ("agencies_involved", "good_practice", "themes", "learning_points"))
    bits = assign_legacy(rng, cb, d, MCMANUS_COUNTS["vulnerabilities"], _FORCED)
    S.legacy_bits(cb, d, bits, np.ones(n, dtype=bool))
    S.draw_education(cb, d)
    assign_options(rng, cb, d, "parental_risks", MCMANUS_COUNTS["parental_risks"])
    codes = cb.field("parental_risks").codes
    alcohol, drugs = (np.int64(1) << codes.index(c) for c in ("alcohol_misuse", "drug_misuse"))
    rows = rng.permutation(n)
    a, b, c = _SUBSTANCE["alcohol_only"], _SUBSTANCE["drug_only"], _SUBSTANCE["both"]
    d["parental_risks"][rows[:a]] |= alcohol
    d["parental_risks"][rows[a : a + b]] |= drugs
    d["parental_risks"][rows[a + b : a + b + c]] |= alcohol | drugs
    draw_covid(rng, cb, d)
    d["study_samples"] = np.where(np.arange(n) < 3, 3, 1).astype(np.int64)  # bit 0 McManus, bit 1 MWW
    return d


# the 8 Mid and West Wales reviews not in the thematic analysis: (review type, incident type,
# age in months, outcome, incident month). A 19-year-old care leaver and a baby of 0-3 months
# give the "infancy to 19" range; 2017 and 2021 incidents the period; both sides of the Covid cut.
_MWW_ROWS = (
    ("cpr", "suicide", 231, "death", "2021-10"),
    ("cpr", "nonfatal_physical_abuse", 2, "life_threatening_injury", "2017-02"),
    ("cpr", "neglect", 30, "serious_impairment", "2018-09"),
    ("cpr", "criminal_exploitation", 183, "life_threatening_injury", "2020-09"),
    ("mapf", "self_harm", 170, "other", "2019-05"),
    ("mapf", "other", 101, "serious_impairment", "2019-11"),
    ("mapf", "neglect", 41, "other", "2020-11"),
    ("mapf", "sexual_abuse_exploitation", 159, "other", "2018-03"),
)


def mww(rng, cb: Codebook, shared: dict) -> dict:
    """The 8 further MWW reviews; also sets themes and Covid factors on the 3 ``shared`` McManus rows."""
    n = len(_MWW_ROWS)
    d = S.draw_reviews(rng, n, start=S.month("2017-01"), end=S.month("2021-12"), cutoff=CUTOFF, codebook=cb)
    d["incident_type"] = np.array([code_index(cb, "incident_type", r[1]) for r in _MWW_ROWS], dtype=np.int8)
    d["age_months"] = np.array([r[2] for r in _MWW_ROWS], dtype=np.int16)
    d["outcome"] = np.array([code_index(cb, "outcome", r[3]) for r in _MWW_ROWS], dtype=np.int8)
    d["incident_month"] = np.array([S.month(r[4]) for r in _MWW_ROWS], dtype=np.int32)
    d["local_authority"] = np.array(
        [code_index(cb, "local_authority", a) for a in rng.choice(_MWW, size=n)], dtype=np.int8
    )
    cpr = np.array([r[0] == "cpr" for r in _MWW_ROWS])
    cpr_status(rng, cb, d, np.flatnonzero(cpr))
    d["review_type"][~cpr] = code_index(cb, "review_type", "mapf")
    d["publication_month"] = np.where(cpr, publish(rng, d["incident_month"], CUTOFF), -1).astype(np.int32)
    S.draw_child(rng, cb, d)
    redraw_options(rng, cb, d, T.NOT_RECORDED_P)
    draw_covid(rng, cb, d)
    d["study_samples"] = np.full(n, 2, dtype=np.int64)
    # every one of the five emerging themes (advocacy counted twice) in some review; every
    # Covid-19 factor in some review after the cut
    both = {k: np.concatenate([shared[k], d[k]]) for k in ("themes", "covid_factors", "incident_month")}
    themes = cb.field("themes").codes
    rows = rng.permutation(len(both["themes"]))
    both["themes"] = np.where(both["themes"] < 0, 0, both["themes"])
    for t, code in enumerate(
        ("advocacy_individual", "advocacy_structural", "communication", "escalation", "recording", "voice_of_child")
    ):
        both["themes"][rows[t]] |= np.int64(1) << themes.index(code)
    post = rng.permutation(np.flatnonzero(both["incident_month"] > S.COVID_START))
    for t in range(len(cb.field("covid_factors").codes)):
        both["covid_factors"][post[t % len(post)]] |= np.int64(1) << t
    k = len(shared["themes"])
    shared["themes"], d["themes"] = both["themes"][:k], both["themes"][k:]
    shared["covid_factors"], d["covid_factors"] = both["covid_factors"][:k], both["covid_factors"][k:]
    return d


def background(rng, cb: Codebook) -> dict:
    """Background reviews, 2013 to 2025; none in Mid and West Wales in 2017-2021 (all of those are sampled)."""
    d = S.draw_reviews(rng, N_BACKGROUND, start=S.month("2013-01"), end=S.month("2025-08"), cutoff=CUTOFF, codebook=cb)
    las = cb.field("local_authority").codes
    mww_idx = [las.index(a) for a in _MWW]
    year = d["incident_month"] // 12
    clash = np.flatnonzero(np.isin(d["local_authority"], mww_idx) & (year >= 2017) & (year <= 2021))
    others = tuple(a for a in las if a not in _MWW)
    new = S._choice(rng, len(clash), T.probabilities(T.AUTHORITY_POPULATION, others))
    d["local_authority"][clash] = [las.index(others[a]) for a in new]
    # three reviews about two siblings: the younger sibling's row gets a row for an older one,
    # sharing the review, the family's circumstances and the parents' risk factors
    cpr = np.isin(d["review_type"], [code_index(cb, "review_type", c) for c in ("cpr_concise", "cpr_extended")])
    family = np.isin(
        d["incident_type"],
        [code_index(cb, "incident_type", t) for t in ("neglect", "accident", "nonfatal_physical_abuse", "other")],
    )
    pairs = pick(rng, np.flatnonzero(cpr & family & (d["age_months"] < 120)), SIBLING_PAIRS)
    d["_review"] = np.arange(N_BACKGROUND)
    twin = {k: v[pairs].copy() for k, v in d.items()}
    twin["child_no"][:] = 2
    twin["age_months"] = (twin["age_months"] + rng.integers(14, 61, size=len(pairs))).astype(np.int16)
    S.draw_child(rng, cb, twin)
    twin["ethnicity"] = d["ethnicity"][pairs]
    n_sib = np.maximum(d["n_siblings"][pairs], 1)
    d["n_siblings"][pairs] = twin["n_siblings"] = n_sib
    d["has_half_siblings"][pairs] = code_index(cb, "has_half_siblings", "no")
    twin["has_half_siblings"][:] = code_index(cb, "has_half_siblings", "no")
    d["birth_position"][pairs] = code_index(cb, "birth_position", "youngest")
    older = np.where(n_sib >= 2, code_index(cb, "birth_position", "middle"), code_index(cb, "birth_position", "eldest"))
    twin["birth_position"] = older.astype(np.int8)
    S.draw_vulnerabilities(rng, cb, twin, recorded=twin["child_vulnerabilities"] >= 0)
    return {k: np.concatenate([d[k], twin[k]]) for k in d}


def wales_draw(seed: int) -> dict:
    """The whole shipped dataset as a draw (see `cprstats.synth.scale`), with review identifiers.

    Rows are in incident-month order; identifiers are numbered within board and year in the
    boards' published style, marked synthetic by ``SYN-`` ("SYN-CYSUR 4 2019", "SYN-CYSUR MAPF 1
    2019", "SYN-NWSB SUSR 1 2025"), so none can be taken for a real review.
    """
    cb = resolve()
    rng = np.random.default_rng(seed)
    mc = mcmanus(rng, cb)
    shared = {k: v[:3] for k, v in mc.items()}
    extra = mww(rng, cb, shared)
    for k in shared:
        mc[k][:3] = shared[k]
    bg = background(rng, cb)
    mc["_review"] = np.arange(len(mc["age_months"]))
    extra["_review"] = len(mc["_review"]) + np.arange(len(extra["age_months"]))
    bg["_review"] = bg["_review"] + len(mc["_review"]) + len(extra["_review"])
    d = {k: np.concatenate([mc[k], extra[k], bg[k]]) for k in mc}
    d["review_id"] = _identifiers(cb, d)
    order = np.lexsort((d["child_no"], d["review_id"], d["incident_month"]))
    return {k: v[order] for k, v in d.items()}


def _identifiers(cb: Codebook, d: dict) -> np.ndarray:

    boards = np.array(cb.field("board").codes)[board_index(cb, d["local_authority"], d["incident_month"])]
    kinds = np.array(cb.field("review_type").codes)[d["review_type"]]
    n = len(boards)
    ids = np.empty(n, dtype=object)
    seen: dict[tuple, int] = {}
    # a second child shares the identifier of the review about its sibling
    first = np.flatnonzero(d["child_no"] == 1)
    first = first[np.lexsort((first, d["incident_month"][first]))]
    by_review = {}
    for r in first:
        m = int(d["incident_month"][r])
        prefix = T.BOARD_ID_PREFIX[boards[r]]
        if boards[r] == "WGSB" and m < S.month("2019-04"):
            prefix = "WB"  # Western Bay, before Bridgend left
        kind = {"mapf": " MAPF", "susr": " SUSR"}.get(kinds[r], "")
        key = (prefix + kind, m // 12)
        seen[key] = seen.get(key, 0) + 1
        ids[r] = by_review[int(d["_review"][r])] = f"{T.SYNTHETIC_PREFIX}{key[0]} {seen[key]} {key[1]}"
    for r in np.flatnonzero(d["child_no"] != 1):
        ids[r] = by_review[int(d["_review"][r])]
    return ids.astype(str)


# ------------------------------------------------------------
# Assign exact counts to synthetic rows: the building blocks of the calibrated samples.
# ------------------------------------------------------------


def code_index(cb: Codebook, field: str, code: str) -> int:
    return cb.field(field).codes.index(code)


def pick(rng, candidates: np.ndarray, k: int, weights: np.ndarray | None = None) -> np.ndarray:
    """k of ``candidates`` without replacement, with probabilities proportional to ``weights``."""
    w = np.ones(len(candidates)) if weights is None else np.asarray(weights, dtype=float)
    return np.sort(rng.choice(candidates, size=k, replace=False, p=w / w.sum()))


def ages_in_bands(rng, cb: Codebook, types: list[str], bands: list[str]) -> np.ndarray:
    """An age in months inside each band, and inside the incident type's usual range when they overlap."""
    cats = {c.value: c.attrs for c in cb.field("age_band_mcmanus").categories}
    out = []
    for t, b in zip(types, bands):
        lo, hi = cats[b]["min"], cats[b].get("max", 239)
        tlo, thi, _ = T.AGE_RANGE[t]
        if max(lo, tlo) <= min(hi, thi):
            lo, hi = max(lo, tlo), min(hi, thi)
        out.append(int(rng.integers(lo, hi + 1)))
    return np.array(out, dtype=np.int16)


def assign_options(rng, cb: Codebook, d: dict, field: str, counts: dict, forced=None) -> None:
    """Give each option of ``field`` to exactly ``counts[option]`` rows (age-plausible ones)."""
    codes = cb.field(field).codes
    n = len(d["age_months"])
    group = np.searchsorted([S.INFANT, S.YOUNG_PERSON], d["age_months"], side="right")
    mask = np.zeros(n, dtype=np.int64)
    types = np.array(cb.field("incident_type").codes)[d["incident_type"]]
    for code, k in counts.items():
        must = np.flatnonzero(np.isin(types, (forced or {}).get(code, ())))[:k]
        rest = np.setdiff1d(np.arange(n), must)
        w = np.array([T.OPTION_P[field][code][g] for g in group[rest]]) + 1e-3
        chosen = np.concatenate([must, pick(rng, rest, k - len(must), w)])
        mask[chosen] |= np.int64(1) << codes.index(code)
    d[field] = mask


def assign_legacy(rng, cb: Codebook, d: dict, counts: dict, forced=None) -> np.ndarray:
    """`assign_options` over the earlier frame's 15 vulnerabilities (`T.LEGACY_VULNERABILITIES`): a boolean matrix."""
    codes = [c for c, _, _ in T.LEGACY_VULNERABILITIES]
    probs = {c: p for c, _, p in T.LEGACY_VULNERABILITIES}
    n = len(d["age_months"])
    group = np.searchsorted([S.INFANT, S.YOUNG_PERSON], d["age_months"], side="right")
    bits = np.zeros((n, len(codes)), dtype=bool)
    types = np.array(cb.field("incident_type").codes)[d["incident_type"]]
    for code, k in counts.items():
        must = np.flatnonzero(np.isin(types, (forced or {}).get(code, ())))[:k]
        rest = np.setdiff1d(np.arange(n), must)
        w = np.array([probs[code][g] for g in group[rest]]) + 1e-3
        chosen = np.concatenate([must, pick(rng, rest, k - len(must), w)])
        bits[chosen, codes.index(code)] = True
    return bits


def assign_family(rng, cb: Codebook, d: dict, only: int, large: int, half: int, youngest: int, unknown: int) -> None:
    """Siblings, half-siblings and birth position with exact counts."""
    n = len(d["age_months"])
    i = lambda f, c: code_index(cb, f, c)  # noqa: E731
    rows = np.arange(n)
    only_rows = pick(rng, rows, only)
    sib = np.setdiff1d(rows, only_rows)
    large_rows = pick(rng, sib, large)
    n_sib = np.zeros(n, dtype=np.int16)
    n_sib[sib] = 1
    n_sib[large_rows] = rng.choice([2, 3, 4, 5, 6], size=large, p=[0.45, 0.25, 0.15, 0.1, 0.05])
    d["n_siblings"] = n_sib
    d["has_half_siblings"] = np.full(n, i("has_half_siblings", "no"), dtype=np.int8)
    d["has_half_siblings"][pick(rng, sib, half)] = i("has_half_siblings", "yes")
    pos = np.full(n, i("birth_position", "only"), dtype=np.int8)
    young = pick(rng, sib, youngest, np.where(d["age_months"][sib] < S.INFANT, 4.0, 1.0))
    pos[young] = i("birth_position", "youngest")
    others = np.setdiff1d(sib, young)
    unknown_rows = pick(rng, others, unknown)
    pos[unknown_rows] = i("birth_position", "unknown")
    for r in np.setdiff1d(others, unknown_rows):
        pos[r] = i("birth_position", "middle" if n_sib[r] >= 2 and rng.random() < 0.5 else "eldest")
    d["birth_position"] = pos


def cpr_status(rng, cb: Codebook, d: dict, rows: np.ndarray | None = None) -> None:
    """Register and looked-after status, and the CPR type they imply (extended if either, else concise)."""
    n = len(d["age_months"])
    rows = np.arange(n) if rows is None else rows
    age = d["age_months"][rows]
    reg = rng.random(len(rows)) < np.where(age >= S.YOUNG_PERSON, 0.2, 0.35)
    la = (rng.random(len(rows)) < np.where(age >= S.YOUNG_PERSON, 0.35, 0.1)) | (age >= 216)
    yes, no = code_index(cb, "on_cp_register_6m", "yes"), code_index(cb, "on_cp_register_6m", "no")
    d["on_cp_register_6m"][rows] = np.where(reg, yes, no)
    d["looked_after_6m"][rows] = np.where(la, yes, no)
    d["review_type"][rows] = np.where(
        reg | la, code_index(cb, "review_type", "cpr_extended"), code_index(cb, "review_type", "cpr_concise")
    )


def draw_months(rng, k: int, first: str, last: str) -> np.ndarray:
    m = rng.integers(S.month(first), S.month(last) + 1, size=k)
    return np.where(m == S.COVID_START, m + 1, m).astype(np.int32)


def publish(rng, months: np.ndarray, latest: int) -> np.ndarray:
    """Publication 6 to 30 months after the incident, never after ``latest``."""
    return np.array(
        [m + rng.integers(6, min(30, latest - m) + 1) if latest - m >= 6 else -1 for m in months], dtype=np.int32
    )


def redraw_options(rng, cb: Codebook, d: dict, fields) -> None:
    for field in fields:
        if field == "child_vulnerabilities":  # with harm experienced and home education, as drawn before the split
            S.draw_vulnerabilities(rng, cb, d)
        else:
            d[field] = S.draw_options(rng, cb, field, d["age_months"])


def draw_covid(rng, cb: Codebook, d: dict) -> None:
    post = d["incident_month"] > S.COVID_START
    d["covid_factors"] = S.draw_options(rng, cb, "covid_factors", d["age_months"], recorded=post)
