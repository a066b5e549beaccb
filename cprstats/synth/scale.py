"""Draw synthetic reviews fast, vectorised: the scale mode behind `generate` and the shipped data.

A draw is a dict of numpy arrays, one per coding-form variable, holding *codes as indices*
into the codebook's categories (``-1`` = blank), months as integers (``year * 12 + month - 1``)
and each multi-response answer as a bit mask over its options (bit *i* = the *i*-th option;
``-1`` = not recorded, ``0`` = recorded, none present). `cprstats.synth.rendering.render` turns a
draw into coding forms. There is no Python loop over rows, so a million reviews take seconds.

Examples
--------
>>> import cprstats
>>> forms = cprstats.generate(5, seed=1)
>>> forms.shape
(5, 29)
>>> forms["review_id"].tolist()
['SYN-1', 'SYN-2', 'SYN-3', 'SYN-4', 'SYN-5']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import cprstats.synth.tables as T
from cprstats.codebook.model import Codebook, resolve
from cprstats.errors import ParameterError
from cprstats.synth.rendering import render

__all__ = [
    "generate",
    "draw_reviews",
    "draw_vulnerabilities",
    "draw_education",
    "month",
    "SUSR_START",
    "COVID_START",
    "INFANT",
    "YOUNG_PERSON",
]

INFANT, YOUNG_PERSON = 12, 132  # age groups for option probabilities: <12 months, 1-10, 11+


def month(text: str) -> int:
    """A ``YYYY-MM`` string as a month number (``year * 12 + month - 1``).

    >>> month("2020-03") - month("2019-12")
    3
    """
    year, mon = (int(x) for x in str(text).split("-")[:2])
    return year * 12 + mon - 1


SUSR_START = month("2024-10")  # Single Unified Safeguarding Reviews replace CPRs from 1 October 2024
COVID_START = month("2020-03")  # the month of the 23 March 2020 cut: no synthetic incident falls in it
_CUT_AFTER_COVID = month("2022-06")  # Covid-19 factors are recorded for incidents up to here


def _idx(cb: Codebook, field: str, code: str) -> int:
    return cb.field(field).codes.index(code)


def _choice(rng, n: int, p) -> np.ndarray:
    """n draws of category indices with probabilities ``p`` (rows of p may differ per draw)."""
    p = np.asarray(p, dtype=float)
    cum = np.cumsum(p, axis=-1)
    cum = cum / cum[..., -1:]
    u = rng.random(n)
    if p.ndim == 1:
        return np.searchsorted(cum, u, side="right").astype(np.int8)
    return (u[:, None] >= cum).sum(axis=1).astype(np.int8)


def draw_incidents(rng, cb: Codebook, n: int, months: np.ndarray) -> dict:
    """Incident type, age and outcome with their joint structure (infants: SUDI, abuse; teenagers: suicide)."""
    types = cb.field("incident_type").codes
    itype = _choice(rng, n, T.probabilities(T.INCIDENT_TYPE_P, types))
    lo, hi, power = (np.array([T.AGE_RANGE[t][k] for t in types]) for k in range(3))
    lo, hi = lo[itype], hi[itype]
    teen_medical = (itype == types.index("medical_health_other")) & (rng.random(n) < 0.5)
    lo = np.where(teen_medical, T.MEDICAL_TEEN_RANGE[0], lo)
    hi = np.where(teen_medical, T.MEDICAL_TEEN_RANGE[1], hi)
    age = lo + np.floor((hi - lo + 1) * rng.random(n) ** power[itype]).astype(np.int64)
    outcomes = cb.field("outcome").codes
    table = np.array([T.probabilities({**dict.fromkeys(outcomes, 0.0), **T.OUTCOME_P[t]}, outcomes) for t in types])
    return {"incident_type": itype, "age_months": age.astype(np.int16), "outcome": _choice(rng, n, table[itype])}


def draw_status(rng, cb: Codebook, d: dict) -> None:
    """Review type by era and the register / looked-after criteria that decide concise or extended."""
    age, months = d["age_months"], d["incident_month"]
    n = len(age)
    i = lambda field, code: _idx(cb, field, code)  # noqa: E731
    u = rng.random(n)
    susr_era = months >= SUSR_START
    mapf = np.where(susr_era, u >= 0.9, u < 0.22)
    cpr = ~mapf & ~susr_era
    young_person = age >= YOUNG_PERSON
    reg = rng.random(n) < np.where(young_person, 0.2, 0.32)
    la = (rng.random(n) < np.where(young_person, 0.3, 0.1)) | (age >= 216)  # 18+: care leavers
    yes, no, unknown = (i("on_cp_register_6m", c) for c in ("yes", "no", "unknown"))
    d["on_cp_register_6m"] = np.where(reg, yes, no).astype(np.int8)
    d["looked_after_6m"] = np.where(la, yes, no).astype(np.int8)
    d["on_cp_register_6m"][~cpr & (rng.random(n) < 0.08)] = unknown
    d["looked_after_6m"][~cpr & (age < 216) & (rng.random(n) < 0.05)] = unknown
    rt = np.where(reg | la, i("review_type", "cpr_extended"), i("review_type", "cpr_concise"))
    rt = np.where(mapf, i("review_type", "mapf"), np.where(susr_era, i("review_type", "susr"), rt))
    d["review_type"] = rt.astype(np.int8)
    other = mapf & (d["outcome"] != i("outcome", "death")) & (rng.random(n) < 0.5)  # criteria not met
    d["outcome"] = np.where(other, i("outcome", "other"), d["outcome"]).astype(np.int8)


def draw_child(rng, cb: Codebook, d: dict) -> None:
    """Sex, ethnic group, disability and the family (siblings, half-siblings, birth position)."""
    n, age = len(d["age_months"]), d["age_months"]
    i = lambda field, code: _idx(cb, field, code)  # noqa: E731
    p = lambda field, table: T.probabilities(
        {**dict.fromkeys(cb.field(field).codes, 0.0), **table}, cb.field(field).codes
    )  # noqa: E731
    sex = _choice(rng, n, p("sex", {"female": 0.47, "male": 0.49, "non_binary": 0.02, "unknown": 0.02}))
    d["sex"] = np.where((sex == i("sex", "non_binary")) & (age < 156), i("sex", "male"), sex).astype(np.int8)
    d["ethnicity"] = _choice(
        rng,
        n,
        p("ethnicity", {"white": 0.86, "mixed": 0.04, "asian": 0.03, "black": 0.02, "other": 0.01, "unknown": 0.04}),
    )
    d["disability"] = _choice(rng, n, p("disability", {"yes": 0.12, "no": 0.80, "unknown": 0.08}))
    sib = _choice(rng, n, [0.25, 0.30, 0.22, 0.12, 0.06, 0.03, 0.02]).astype(np.int16)  # 0 to 6 siblings
    d["n_siblings"] = sib
    half = _choice(rng, n, p("has_half_siblings", {"yes": 0.35, "no": 0.55, "unknown": 0.10}))
    d["has_half_siblings"] = np.where(sib == 0, i("has_half_siblings", "no"), half).astype(np.int8)
    # birth position: infants are nearly always the youngest; "middle" needs two siblings
    one = _choice(rng, n, p("birth_position", {"youngest": 0.55, "eldest": 0.35, "unknown": 0.10}))
    many = _choice(rng, n, p("birth_position", {"youngest": 0.45, "middle": 0.25, "eldest": 0.2, "unknown": 0.10}))
    infant = _choice(rng, n, p("birth_position", {"youngest": 0.9, "unknown": 0.10}))
    pos = np.where(sib == 1, one, many)
    pos = np.where(age < INFANT, infant, pos)
    d["birth_position"] = np.where(sib == 0, i("birth_position", "only"), pos).astype(np.int8)
    # gender identity is recorded only where a review says it: here, for the non-binary children
    d["gender_identity"] = np.where(d["sex"] == i("sex", "non_binary"), i("gender_identity", "non_binary"), -1).astype(
        np.int8
    )


def _side_rng(d: dict, salt: int) -> np.random.Generator:
    """A generator seeded from the draw itself, so that new variables leave the main stream (and data) as it was."""
    key = [int(np.asarray(d["age_months"], dtype=np.int64).sum()), len(d["age_months"]), salt]
    if "incident_month" in d:
        key.append(int(np.asarray(d["incident_month"], dtype=np.int64).sum()))
    return np.random.default_rng(key)


def draw_education(cb: Codebook, d: dict) -> None:
    """Education setting: home educated where drawn so, else under school age below 5, else mostly on a roll."""
    age = d["age_months"]
    codes = cb.field("education_setting").codes
    school = _choice(_side_rng(d, 1), len(age), T.probabilities(T.EDUCATION_P, codes))
    school = np.where(school == codes.index("home_educated"), codes.index("school_or_college"), school)
    home = d.pop("_home_educated", np.zeros(len(age), dtype=bool))
    out = np.where(age < T.SCHOOL_AGE, codes.index("under_school_age"), school)
    # home education as drawn before the split wins (it kept every child the earlier frame had home educated)
    d["education_setting"] = np.where(home, codes.index("home_educated"), out).astype(np.int8)


def legacy_bits(cb: Codebook, d: dict, bits: np.ndarray, recorded: np.ndarray) -> None:
    """Split the earlier frame's 15 vulnerability options (`T.LEGACY_VULNERABILITIES`) into today's variables.

    ``bits`` is a (rows, 15) boolean matrix in the legacy order; rows not ``recorded`` get -1 for
    harm experienced and child vulnerabilities (recorded together); home education goes to
    ``d["_home_educated"]`` for `draw_education`.
    """
    recorded = np.asarray(recorded, dtype=bool)
    for field in ("harm_experienced", "child_vulnerabilities"):
        codes = cb.field(field).codes
        mask = np.zeros(len(recorded), dtype=np.int64)
        for k, (code, target, _) in enumerate(T.LEGACY_VULNERABILITIES):
            if target == field:
                mask |= bits[:, k].astype(np.int64) << codes.index(code)
        d[field] = np.where(recorded, mask, -1)
    k = next(k for k, (c, _, _) in enumerate(T.LEGACY_VULNERABILITIES) if c == "home_educated")
    d["_home_educated"] = bits[:, k] & recorded


def draw_vulnerabilities(rng, cb: Codebook, d: dict, recorded: np.ndarray | None = None) -> None:
    """Harm experienced, child vulnerabilities and home education, drawn together as the earlier frame had them.

    The same random numbers as `draw_options` used for the 15 options of the earlier coding frame,
    so the shipped data kept every value through the split (issue 15).
    """
    age = d["age_months"]
    p = np.array([[probs[g] for _, _, probs in T.LEGACY_VULNERABILITIES] for g in range(3)], dtype=float)
    group = np.searchsorted([INFANT, YOUNG_PERSON], age, side="right")
    bits = rng.random((len(age), len(T.LEGACY_VULNERABILITIES)), dtype=np.float32) < p[group]
    if recorded is None:
        recorded = rng.random(len(age)) >= T.NOT_RECORDED_P["child_vulnerabilities"]
    legacy_bits(cb, d, bits, recorded)
    draw_education(cb, d)


def draw_options(rng, cb: Codebook, field: str, age: np.ndarray, recorded: np.ndarray | None = None) -> np.ndarray:
    """Bit masks for multi-response ``field``; options independent given the age group."""
    codes = cb.field(field).codes
    p = np.stack([T.probabilities({c: v[g] for c, v in T.OPTION_P[field].items()}, codes) for g in range(3)])
    group = np.searchsorted([INFANT, YOUNG_PERSON], age, side="right")
    bits = rng.random((len(age), len(codes)), dtype=np.float32) < p[group]
    packed = np.packbits(bits, axis=1, bitorder="little").astype(np.int64)
    mask = np.zeros(len(age), dtype=np.int64)
    for b in range(packed.shape[1]):
        mask |= packed[:, b] << (8 * b)
    if recorded is None:
        recorded = rng.random(len(age)) >= T.NOT_RECORDED_P[field]
    return np.where(recorded, mask, -1)


def draw_reviews(rng, n: int, *, start: int, end: int, cutoff: int, codebook: Codebook | None = None) -> dict:
    """Draw ``n`` reviews (one child each) with incidents in months ``start`` to ``end``.

    Publication is 6 to 30 months after the incident for CPRs and SUSRs (4% never published),
    blank when that falls after ``cutoff`` and for MAPFs. Identifiers are left to the caller.
    """
    cb = resolve(codebook)
    months = rng.integers(start, end + 1, size=n)
    months = np.where(months == COVID_START, months + np.where(rng.random(n) < 0.5, -1, 1), months)
    las = cb.field("local_authority").codes
    d = {
        "incident_month": months.astype(np.int32),
        "child_no": np.ones(n, dtype=np.int16),
        "local_authority": _choice(rng, n, T.probabilities(T.AUTHORITY_POPULATION, las)),
    }
    d.update(draw_incidents(rng, cb, n, months))
    draw_status(rng, cb, d)
    draw_child(rng, cb, d)
    age = d["age_months"]
    for field in T.NOT_RECORDED_P:
        if field == "child_vulnerabilities":
            draw_vulnerabilities(rng, cb, d)
        else:
            d[field] = draw_options(rng, cb, field, age)
    neglect = (d["incident_type"] == _idx(cb, "incident_type", "neglect")) & (d["harm_experienced"] >= 0)
    bit = np.int64(1) << cb.field("harm_experienced").codes.index("neglect")
    d["harm_experienced"] = np.where(neglect, d["harm_experienced"] | bit, d["harm_experienced"])
    during = (months > COVID_START) & (months <= _CUT_AFTER_COVID)
    later = (months > _CUT_AFTER_COVID) & (rng.random(n) < 0.3)
    covid = draw_options(rng, cb, "covid_factors", age, recorded=during)
    d["covid_factors"] = np.where(later, 0, covid)
    d["study_samples"] = np.zeros(n, dtype=np.int64)
    published = np.isin(d["review_type"], [_idx(cb, "review_type", c) for c in ("cpr_concise", "cpr_extended", "susr")])
    pub = months + rng.integers(6, 31, size=n)
    published &= (pub <= cutoff) & (rng.random(n) >= 0.04)
    d["publication_month"] = np.where(published, pub, -1).astype(np.int32)
    return d


def generate(
    n: int, seed: int = 20230, *, mix: bool = True, start: str = "2013-01", end: str = "2025-08"
) -> pd.DataFrame:
    """Synthetic coding forms for ``n`` reviews, fast: for benchmarks and tests at scale.

    Every row is a separate review about one child, with a valid joint structure (see
    `cprstats.synth.tables`), but no calibration to published figures (the shipped data,
    `cprstats.load_example`, has that). The data is synthetic and describes no real child.

    Parameters
    ----------
    n : int
        Number of reviews (rows), 0 or more.
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same forms.
    mix : bool
        Write some values as English or Welsh labels, or in capitals with spaces, as coders
        do, instead of codes (deterministic: the same cells every time).
    start, end : str
        First and last incident month, ``YYYY-MM``. Publication is cut off the month after ``end``.

    Returns
    -------
    pandas.DataFrame
        One column per input variable of the codebook, every cell a string (``""`` = blank).

    Examples
    --------
    >>> forms = generate(1000, seed=7)
    >>> sorted(set(forms["review_type"]))[:3]
    [' CPR_CONCISE ', ' CPR_EXTENDED ', ' MAPF ']
    >>> generate(3, seed=7).equals(generate(3, seed=7))
    True
    """

    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ParameterError(f"n={n!r} must be a whole number of reviews, 0 or more")
    try:
        first, last = month(start), month(end)
    except (TypeError, ValueError):
        raise ParameterError(f"start={start!r} and end={end!r} must be months written YYYY-MM") from None
    if last < first:
        raise ParameterError(f"end={end!r} is before start={start!r}")
    rng = np.random.default_rng(seed)
    d = draw_reviews(rng, int(n), start=first, end=last, cutoff=last + 1)
    d["review_id"] = _ids(T.SYNTHETIC_PREFIX, int(n))
    return render(d, mix=mix)


def _ids(prefix: str, n: int) -> pd.Series:
    import pyarrow as pa
    import pyarrow.compute as pc

    numbers = pc.cast(pa.array(np.arange(1, n + 1, dtype=np.int64)), pa.string())
    return pd.Series(pd.array(pc.binary_join_element_wise(prefix, numbers, ""), dtype="str"))
