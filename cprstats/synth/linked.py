"""Synthetic linked tables for the shipped data: recommendations and the review process.

**All data made here is synthetic and describes no real review, recommendation or board decision.**

`linked_forms` draws, from the coded synthetic review table and a fixed seed, the coding forms
of the two linked tables of the codebook (`cprstats.Codebook.table`) as a coder types them
(codes, ``;``-lists, ``YYYY-MM``); `write_linked` codes them with
`cprstats.forms.linked.code_linked` (which checks them against the review table) and writes the
forms and the coded tables beside the shipped review table, adding the coded tables to its
``datapackage.json`` (`cprstats.io.linked_package.add_linked_tables`). Same seed, same bytes.

What is assumed (none of these numbers is a published statistic; they are plausible guesses
for Wales, written down here so a reader can see them):

Process (one row per referral)
    Every review has a referral 0 to 2 months after the incident and a decision 0 to 2
    months later that is its review type; about one referral in five leads to no review
    (mostly because the criteria were not met), at the same boards and times. Extended CPRs
    have 2 reviewers (sometimes 3), concise CPRs 1 or 2, MAPFs 1 facilitator, SUSRs 2. Panels,
    chronologies and learning events are usual for CPRs; the family is offered a part in most
    reviews and accepts in about half; a child who died is never asked. The report goes to the
    sub group 1 to 4 months before the board, and to the board 0 to 3 months before it is
    published (the publication month is the review table's). Nothing is dated after
    `AS_AT`.
Recommendations (one row per recommendation)
    A review that has reached the board has 2 to 6 recommendations (about 4), approved in the
    month of the board; MAPFs 1 to 3. Each board keeps one action plan per two calendar years
    (``"<board> plan <first year>"``). Levels: local 45%, regional 40%, national 15%. The
    agencies, themes and learning points are drawn from the review's own. Time to closure is
    gamma-distributed with a median of about 13 months, so most recommendations close within
    two years; one still open 2 years after its approval is carried into the board's next
    plan; one still open at `AS_AT` is open or in progress. Closed recommendations have an audit (40%) or a
    repeat audit (15%) as evidence of impact.

Examples
--------
>>> import cprstats
>>> recs, process = linked_forms(cprstats.load_example("wales"))
>>> len(process) > 157, recs["rec_no"].iloc[0]
(True, '1')
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cprstats.codebook.model import resolve
from cprstats.forms.linked import code_linked
from cprstats.io import write_csv
from cprstats.io.linked_package import add_linked_tables

__all__ = ["linked_forms", "write_linked", "linked_paths", "LINKED_FILES", "AS_AT", "SEED_OFFSET"]

#: The month the synthetic data is "as at" (the same as `cprstats.synth.generator.AS_AT`).
AS_AT = "2025-09"
#: Added to the shipped seed, so the linked tables draw their own stream of numbers.
SEED_OFFSET = 16
#: Files written per folder: key -> (folder under the data root, file name).
LINKED_FILES = {
    "recommendations_forms": ("raw", "recommendations_forms.csv"),
    "process_forms": ("raw", "process_forms.csv"),
    "recommendations": ("processed", "recommendations.csv"),
    "process": ("processed", "process.csv"),
}
_NO_REVIEW_SHARE = 0.2
_NO_REVIEW_REASON_P = {"criteria_not_met": 0.6, "other_review": 0.2, "single_agency": 0.15, "other": 0.05}
_LEVEL_P = {"local": 0.45, "regional": 0.4, "national": 0.15}
_FAMILY_P = {"accepted": 0.5, "declined": 0.2, "offered": 0.1, "not_offered": 0.2}
_CHILD_P = {"accepted": 0.4, "declined": 0.25, "offered": 0.1, "not_offered": 0.25}
_CLOSURE_SHAPE, _CLOSURE_SCALE = 2.5, 5.8  # gamma months: median about 13, 85% within 24
_PLAN_LIFE = 24  # months a recommendation stays in the plan that approved it before it is carried on


def _month(text: str) -> int:
    p = pd.Period(text, "M")
    return p.year * 12 + p.month - 1


def _text(m: int | None) -> str:
    if m is None:
        return ""
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def _pick(rng: np.random.Generator, p: dict) -> str:
    keys = list(p)
    w = np.array([p[k] for k in keys], float)
    return keys[int(rng.choice(len(keys), p=w / w.sum()))]


def _options(row: pd.Series, prefix: str, codes: tuple[str, ...]) -> list[str]:
    return [c for c in codes if bool(pd.notna(row.get(f"{prefix}_{c}")) and row.get(f"{prefix}_{c}"))]


def _some(rng: np.random.Generator, pool: list[str], fallback: tuple[str, ...], k_min: int, k_max: int) -> list[str]:
    source = pool if pool else list(fallback)
    k = int(rng.integers(k_min, k_max + 1))
    k = min(k, len(source))
    if k <= 0:
        return []
    idx = np.sort(rng.choice(len(source), size=k, replace=False))
    return [source[i] for i in idx]


def linked_forms(reviews: pd.DataFrame, seed: int = 2023, *, as_at: str = AS_AT) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The synthetic forms of the recommendations and process tables (strings, codes).

    Parameters
    ----------
    reviews : DataFrame
        The coded review table the linked rows belong to (the shipped synthetic one).
    seed : int, default 2023
        The shipped data's seed; the linked tables use ``seed + SEED_OFFSET``.
    as_at : str, default `AS_AT`
        No month after this is written.

    Returns
    -------
    (DataFrame, DataFrame)
        The recommendations forms and the process forms, one column per input field of each
        table, in the codebook's order, all strings ("" for empty).
    """
    cb = resolve(None, reviews)
    rec_cb, proc_cb = cb.table("recommendations"), cb.table("process")
    rng = np.random.default_rng(seed + SEED_OFFSET)
    end = _month(as_at)
    agencies = cb.field("agencies_involved").codes
    themes = cb.field("themes").codes
    points = cb.field("learning_points").codes
    first = reviews.drop_duplicates("review_id", keep="first").reset_index(drop=True)
    order = np.lexsort((first["review_id"].astype(str).to_numpy(), first["incident_date"].astype(str).to_numpy()))
    first = first.iloc[order].reset_index(drop=True)

    process_rows: list[dict] = []
    rec_rows: list[dict] = []
    for _, r in first.iterrows():
        rtype = str(r["review_type"])
        incident = _month(str(r["incident_date"]))
        published = _month(str(r["publication_date"])) if pd.notna(r["publication_date"]) else None
        referral = min(incident + int(rng.integers(0, 3)), end)
        decision = min(referral + int(rng.integers(0, 3)), end)
        if published is not None:
            decision = min(decision, published)
            referral = min(referral, decision)
            board = max(published - int(rng.integers(0, 4)), decision)
            subgroup = max(board - int(rng.integers(1, 5)), decision)
        else:  # not published (an MAPF, or not yet): the sub group and board may still have met
            subgroup = decision + int(rng.integers(4, 10))
            board = subgroup + int(rng.integers(1, 3))
            subgroup = subgroup if subgroup <= end else None
            board = board if (board <= end and subgroup is not None) else None
        reviewers = {
            "cpr_extended": 2 + int(rng.random() < 0.15),
            "cpr_concise": 1 + int(rng.random() < 0.3),
            "mapf": 1,
            "susr": 2,
        }[rtype]
        is_cpr = rtype != "mapf"
        died = str(r.get("outcome")) == "death"
        young = pd.notna(r.get("age_months")) and int(r["age_months"]) < 60
        event_held = rng.random() < (0.92 if is_cpr else 0.97)
        involved = _options(r, "ag", agencies)
        process_rows.append(
            {
                "review_id": str(r["review_id"]),
                "board": str(r["board"]) if pd.notna(r["board"]) else "",
                "referral_date": _text(referral),
                "decision_date": _text(decision),
                "decision": rtype,
                "no_review_reason": "",
                "n_reviewers": str(reviewers),
                "panel_held": "yes" if rng.random() < (0.95 if is_cpr else 0.3) else "no",
                "family_contribution": _pick(rng, _FAMILY_P),
                "child_contribution": "not_offered" if died or young else _pick(rng, _CHILD_P),
                "learning_event_held": "yes" if event_held else "no",
                "event_agencies": "; ".join(_some(rng, involved, agencies, 2, 5)) if event_held else "",
                "chronology_present": "yes" if rng.random() < (0.93 if is_cpr else 0.6) else "no",
                "genogram_present": "yes" if rng.random() < (0.75 if is_cpr else 0.4) else "no",
                "subgroup_date": _text(subgroup),
                "board_date": _text(board),
                "publication_date": _text(published),
            }
        )
        if board is None:
            continue
        n_recs = int(rng.integers(2, 7)) if is_cpr else int(rng.integers(1, 4))
        for k in range(1, n_recs + 1):
            approved = board
            plan_start = (approved // 12) - ((approved // 12) % 2)  # one plan per two calendar years
            duration = int(np.ceil(rng.gamma(_CLOSURE_SHAPE, _CLOSURE_SCALE)))
            closed = approved + duration if approved + duration <= end else None
            if closed is not None:
                status = "closed_by_board" if rng.random() < 0.7 else "completed"
                impact = _pick(rng, {"none": 0.45, "audit": 0.4, "re_audit": 0.15})
            else:
                status = "in_progress" if rng.random() < 0.6 else "open"
                impact = ""
            carried = duration > _PLAN_LIFE and approved + _PLAN_LIFE <= end  # still open when the plan was renewed
            rec_rows.append(
                {
                    "review_id": str(r["review_id"]),
                    "rec_no": str(k),
                    "level": _pick(rng, _LEVEL_P),
                    "agencies_addressed": "; ".join(_some(rng, involved, agencies, 1, 3)),
                    "rec_themes": "; ".join(_some(rng, _options(r, "th", themes), themes, 1, 2)),
                    "rec_learning_points": "; ".join(_some(rng, _options(r, "lp", points), points, 0, 2)) or "none",
                    "plan_id": f"{r['board']} plan {plan_start}",
                    "status": status,
                    "date_approved": _text(approved),
                    "date_closed": _text(closed),
                    "carried_forward": "yes" if carried else "no",
                    "impact_evidence": impact,
                }
            )
    # referrals that led to no review: the same boards and years as the reviews
    n_none = int(round(len(first) * _NO_REVIEW_SHARE / (1 - _NO_REVIEW_SHARE)))
    picks = np.sort(rng.choice(len(first), size=n_none, replace=True))
    for i in picks:
        r = first.iloc[int(i)]
        referral = min(_month(str(r["incident_date"])) + int(rng.integers(-6, 7)), end - 1)
        process_rows.append(
            {
                **{k: "" for k in process_rows[0]},
                "board": str(r["board"]),
                "referral_date": _text(referral),
                "decision_date": _text(min(referral + int(rng.integers(0, 3)), end)),
                "decision": "no_review",
                "no_review_reason": _pick(rng, _NO_REVIEW_REASON_P),
            }
        )
    process = pd.DataFrame(process_rows, columns=[f.name for f in proc_cb.input_fields], dtype=object)
    process = process.iloc[np.argsort(process["referral_date"].to_numpy(), kind="stable")].reset_index(drop=True)
    recs = pd.DataFrame(rec_rows, columns=[f.name for f in rec_cb.input_fields], dtype=object)
    for df in (process, recs):
        df.index = pd.RangeIndex(2, len(df) + 2, name="row")
        df.attrs["synthetic"] = True
    return recs, process


def write_linked(
    reviews: pd.DataFrame, root, *, package_data=None, seed: int = 2023, as_at: str = AS_AT
) -> dict[str, Path]:
    """Write the synthetic linked tables beside the shipped review table (forms and coded).

    ``root/raw/recommendations_forms.csv`` and ``process_forms.csv`` (the forms), then
    ``root/processed/recommendations.csv`` and ``process.csv`` (coded, and checked against the
    review table), added to ``root/processed/datapackage.json``; with ``package_data`` the same
    files go into the package's data folder (forms and coded tables side by side), whose
    ``datapackage.json`` gets the same resources.

    Returns
    -------
    dict of str to Path
        The files written, keyed as `LINKED_FILES` (and ``package_<key>`` for the package copy).
    """
    root = Path(root)
    recs, process = linked_forms(reviews, seed, as_at=as_at)
    out: dict[str, Path] = {}
    out["recommendations_forms"] = write_csv(recs, root / "raw" / "recommendations_forms.csv")
    out["process_forms"] = write_csv(process, root / "raw" / "process_forms.csv")
    recs.attrs["source"] = str(out["recommendations_forms"])
    process.attrs["source"] = str(out["process_forms"])
    coded = code_linked(reviews, recs, process)
    for df in (coded["recommendations"], coded["process"]):
        df.attrs["synthetic"] = True
    add_linked_tables(
        root / "processed" / "datapackage.json", coded["recommendations"], coded["process"], synthetic=True
    )
    out["recommendations"] = root / "processed" / "recommendations.csv"
    out["process"] = root / "processed" / "process.csv"
    if package_data is not None:
        pkg = Path(package_data)
        out["package_recommendations_forms"] = write_csv(recs, pkg / "recommendations_forms.csv")
        out["package_process_forms"] = write_csv(process, pkg / "process_forms.csv")
        add_linked_tables(pkg / "datapackage.json", coded["recommendations"], coded["process"], synthetic=True)
        out["package_recommendations"] = pkg / "recommendations.csv"
        out["package_process"] = pkg / "process.csv"
    return out


def linked_paths(root, *, package_data=None) -> dict[str, Path]:
    """The files `write_linked` writes under ``root`` (and ``package_data``), for ``cprstats synth --check``.

    >>> sorted(linked_paths("data"))[:2]
    ['process', 'process_forms']
    """
    root = Path(root)
    out = {key: root / folder / name for key, (folder, name) in LINKED_FILES.items()}
    if package_data is not None:
        pkg = Path(package_data)
        out.update({f"package_{key}": pkg / name for key, (_, name) in LINKED_FILES.items()})
    return out
