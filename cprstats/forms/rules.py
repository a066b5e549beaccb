"""Cross-field rules: combinations of values that cannot both be true.

Each rule looks at the coded (typed) columns and returns the rows that break it, the field to
report, and the problem in words a coder can act on. The criteria come from the Safeguarding
Boards (Functions and Procedures) (Wales) Regulations 2015, reg. 4, and from the codebook's
definitions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Rule", "RULES", "check_rules"]


@dataclass(frozen=True)
class Rule:
    name: str
    field: str
    problem: str
    needs: tuple[str, ...]
    test: Callable[[pd.DataFrame], pd.Series]


def _eq(df, col, value):
    return (df[col].astype(object) == value).fillna(False)


def _isin(df, col, values):
    return df[col].astype(object).isin(values).fillna(False)


RULES = (
    Rule(
        "concise_with_register_or_care",
        "review_type",
        "a concise CPR is only for a child neither on the child protection register nor looked after in the "
        "6 months before; "
        "on_cp_register_6m or looked_after_6m says yes, so this should be an extended CPR (or correct those fields)",
        ("review_type", "on_cp_register_6m", "looked_after_6m"),
        lambda df: (
            _eq(df, "review_type", "cpr_concise")
            & (_eq(df, "on_cp_register_6m", "yes") | _eq(df, "looked_after_6m", "yes"))
        ),
    ),
    Rule(
        "extended_without_register_or_care",
        "review_type",
        "an extended CPR needs the child on the child protection register or looked after in the 6 months before, "
        "but both on_cp_register_6m and looked_after_6m say no; this should be a concise CPR (or correct those fields)",
        ("review_type", "on_cp_register_6m", "looked_after_6m"),
        lambda df: (
            _eq(df, "review_type", "cpr_extended")
            & _eq(df, "on_cp_register_6m", "no")
            & _eq(df, "looked_after_6m", "no")
        ),
    ),
    Rule(
        "cpr_without_statutory_outcome",
        "outcome",
        "a CPR needs a statutory outcome (death, potentially life-threatening injury, or serious and permanent "
        "impairment); "
        "record the outcome, or code the review as an MAPF if the criteria were not met",
        ("review_type", "outcome"),
        lambda df: (
            _isin(df, "review_type", ["cpr_concise", "cpr_extended"])
            & (df["outcome"].isna() | _eq(df, "outcome", "other"))
        ),
    ),
    Rule(
        "susr_before_start",
        "review_type",
        "Single Unified Safeguarding Reviews began on 1 October 2024; this incident is earlier",
        ("review_type", "incident_date"),
        lambda df: _eq(df, "review_type", "susr") & (df["incident_date"] < pd.Period("2024-10", "M")).fillna(False),
    ),
    Rule(
        "half_siblings_without_siblings",
        "has_half_siblings",
        "has_half_siblings is yes but n_siblings is 0; half-siblings count as siblings",
        ("has_half_siblings", "n_siblings"),
        lambda df: _eq(df, "has_half_siblings", "yes") & (df["n_siblings"] == 0).fillna(False),
    ),
    Rule(
        "birth_position_without_siblings",
        "birth_position",
        "a birth position of youngest, middle or eldest needs at least one sibling, but n_siblings is 0",
        ("birth_position", "n_siblings"),
        lambda df: (
            _isin(df, "birth_position", ["youngest", "middle", "eldest"]) & (df["n_siblings"] == 0).fillna(False)
        ),
    ),
    Rule(
        "only_child_with_siblings",
        "birth_position",
        "birth position is 'only child' but n_siblings is 1 or more",
        ("birth_position", "n_siblings"),
        lambda df: _eq(df, "birth_position", "only") & (df["n_siblings"] >= 1).fillna(False),
    ),
    Rule(
        "middle_child_of_two",
        "birth_position",
        "a middle child needs at least two siblings, but n_siblings is 1",
        ("birth_position", "n_siblings"),
        lambda df: _eq(df, "birth_position", "middle") & (df["n_siblings"] == 1).fillna(False),
    ),
    Rule(
        "incident_after_publication",
        "publication_date",
        "the review is dated as published before the incident it reviews",
        ("incident_date", "publication_date"),
        lambda df: (df["publication_date"] < df["incident_date"]).fillna(False),
    ),
)


def check_rules(df: pd.DataFrame, rules: Iterable[Rule] = RULES) -> Iterator[tuple[np.ndarray, Rule]]:
    """Yield ``(mask, rule)`` for each rule broken by at least one row of the coded frame ``df``."""
    for rule in rules:
        if not all(c in df.columns for c in rule.needs):
            continue
        mask = rule.test(df).to_numpy(bool)
        if mask.any():
            yield mask, rule
