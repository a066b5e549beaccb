"""Assign exact counts to synthetic rows: the building blocks of the calibrated samples.

Each function takes the seeded generator and a draw (see `cprstats.synth_scale`) and sets
some variables so that a published count holds *by construction*: it picks exactly ``k``
rows (weighted towards plausible ones, e.g. infants for "youngest"), never by rejection.

Examples
--------
>>> import numpy as np
>>> pick(np.random.default_rng(1), np.arange(10), 3).tolist()
[1, 5, 9]
"""

from __future__ import annotations

import numpy as np

from .codebook import Codebook
from . import synth_scale as S
from . import synth_tables as T

__all__ = ["code_index", "pick", "ages_in_bands", "assign_options", "assign_family", "cpr_status",
           "draw_months", "publish", "redraw_options", "draw_covid"]


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
    d["review_type"][rows] = np.where(reg | la, code_index(cb, "review_type", "cpr_extended"), code_index(cb, "review_type", "cpr_concise"))


def draw_months(rng, k: int, first: str, last: str) -> np.ndarray:
    m = rng.integers(S.month(first), S.month(last) + 1, size=k)
    return np.where(m == S.COVID_START, m + 1, m).astype(np.int32)


def publish(rng, months: np.ndarray, latest: int) -> np.ndarray:
    """Publication 6 to 30 months after the incident, never after ``latest``."""
    return np.array([m + rng.integers(6, min(30, latest - m) + 1) if latest - m >= 6 else -1 for m in months], dtype=np.int32)


def redraw_options(rng, cb: Codebook, d: dict, fields) -> None:
    for field in fields:
        d[field] = S.draw_options(rng, cb, field, d["age_months"])


def draw_covid(rng, cb: Codebook, d: dict) -> None:
    post = d["incident_month"] > S.COVID_START
    d["covid_factors"] = S.draw_options(rng, cb, "covid_factors", d["age_months"], recorded=post)
