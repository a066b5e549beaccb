"""Tests for cprstats.report.labels: labels and alt text made from the (suppressed) table.

Tables are hand-made with synthetic numbers; expected strings are worked out by hand
(22 / 33 = 66.7% -> "67%"; Welsh "o" = "of", codebook labels from cprstats/codebook/codebook.yaml).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cprstats.errors import ParameterError
from cprstats.report.labels import alt_text, group_label, level_label, row_labels, signed_number, value_text


def _table(hidden: bool) -> pd.DataFrame:
    tab = pd.DataFrame(
        {
            "variable": "outcome",
            "level": ["death", "other"],
            "group": "all",
            "count": [22.0, 3.0],
            "n": 33,
            "estimate": [22 / 33, 3 / 33],
        }
    )
    if hidden:
        tab.loc[1, ["count", "estimate"]] = np.nan
    return tab


def test_alt_text_states_the_numbers_in_english_and_welsh():
    assert (
        alt_text(_table(False), kind="bar", title="Outcome")
        == "Bar chart: Outcome. Death: 67% (22 of 33); Other: 9% (3 of 33)."
    )
    assert alt_text(_table(False), kind="bar", title="Canlyniad", lang="cy", synthetic=True) == (
        "Siart bar: Canlyniad. Marwolaeth: 67% (22 o 33); Arall: 9% (3 o 33). "
        "Data synthetig yw'r rhain ac nid ydynt yn disgrifio unrhyw blentyn go iawn."
    )


def test_alt_text_never_guesses_a_hidden_value():
    alt = alt_text(_table(True), kind="bar", title="Outcome")
    assert alt.endswith("Other: not shown (small number).")
    assert "3" not in alt.split("Other")[1]


def test_grouped_alt_text_reads_group_by_group():
    tab = pd.DataFrame(
        {
            "variable": "parental_adversities_all_three",
            "level": "true",
            "group": ["MWW", "all"],
            "count": [np.nan, 10.0],
            "n": [11, 33],
            "estimate": [np.nan, 10 / 33],
        }
    )
    assert alt_text(tab, kind="grouped_bar", title="T") == (
        "Grouped bar chart: T. Mid and West Wales (CYSUR): All three parental adversities (domestic abuse, mental "
        "ill-health, substance use): not shown (small number). All: All three parental adversities (domestic abuse, "
        "mental ill-health, substance use): 30% (10 of 33)."
    )


def test_heatmap_alt_text_lists_items_then_pairs_most_often_first():
    tab = pd.DataFrame(
        {
            "variable": "themes",
            "level": ["communication", "communication", "escalation"],
            "group": ["communication", "escalation", "escalation"],
            "count": [10.0, 4.0, 7.0],
        }
    )
    assert alt_text(tab, kind="heatmap", title="Themes") == (
        "Heat map: Themes. Children with each item: Communication: 10; Escalation: 7. "
        "Recorded together, most often first: Communication with Escalation: 4."
    )


def test_forest_alt_text_uses_percentage_points_and_minus_signs():
    tab = pd.DataFrame(
        {
            "variable": "outcome",
            "level": ["death"],
            "risk_difference": [-0.125],
            "rd_ci_low": [-0.30],
            "rd_ci_high": [0.05],
            "ci_level": [0.9],
        }
    )
    assert (
        alt_text(tab, kind="forest", title="D", digits=1)
        == "Forest plot: D. Death: \u221212.5 percentage points (90% CI \u221230.0 to +5.0)."
    )


def test_labels_come_from_the_codebook():
    assert level_label("harm_neglect", "true", lang="cy") == "Esgeulustod"  # an option column
    assert level_label("not_in_codebook", "x") == "x"
    assert level_label("has_siblings", "false") == "No"
    tab = pd.DataFrame({"variable": ["outcome", "parental_adversities_all_three"], "level": ["death", "true"]})
    assert row_labels(tab) == [
        "Outcome for the child: Death",
        "All three parental adversities (domestic abuse, mental ill-health, substance use)",
    ]
    assert group_label("rest") == "Rest of Wales"
    assert group_label("post_covid", lang="cy") == "O Covid-19 ymlaen"
    assert group_label("XYZ") == "XYZ"


def test_values_and_signs():
    assert value_text(0, 12, 0.0) == "0% (0 of 12)"  # a zero is a true zero, shown
    assert value_text(3, 4, np.nan, short=True) == "3/4"  # count shown, percentage withheld
    assert signed_number(0.04, digits=0) == "0"
    assert signed_number(-2.5, digits=1) == "\u22122.5"


def test_unknown_kind_is_refused():
    with pytest.raises(ParameterError, match="kind='pie' is not allowed"):
        alt_text(_table(False), kind="pie")
