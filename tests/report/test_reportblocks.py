"""Tests for cprstats.report.blocks: the report's fixed texts in English and Welsh.

Expected Welsh comes from cprstats/codebook/strings.yaml (the StatsWales-based suppression wording) and
the report strings; the board and period names from the codebook.
"""

from __future__ import annotations

import pandas as pd
import pytest

from cprstats.disclosure.policy import disclosure_policy
from cprstats.errors import ParameterError
from cprstats.report.blocks import default_caption, denominator_note, disclosure_notice, heading_block, scope_label


def test_disclosure_notice_says_what_applies():
    on = disclosure_notice(disclosure_policy("MWW"), "cy")
    assert on.html.startswith('<div class="notice notice-info"') and "Ni ddangosir niferoedd o 1 i 4" in on.text
    off = disclosure_notice(disclosure_policy("wales"), "en")
    assert off.text == "Notice: All-Wales figures are shown without suppression."
    opted = disclosure_notice(disclosure_policy("CAV", suppress=False), "en")
    assert "notice-warning" in opted.html and "do not publish or circulate it" in opted.text


def test_scope_heading_and_notes():
    assert scope_label("wales", "all") == "All Wales, all periods"
    assert scope_label("CAV", "post_covid") == "Cardiff and Vale of Glamorgan, From Covid-19"
    assert heading_block("section.methods", 3).html == "<h3>Methods</h3>"
    with pytest.raises(ParameterError, match="unknown|not a|section.nothing"):
        heading_block("nothing")
    assert denominator_note(pd.DataFrame({"n": [float("nan")]}), "en") == []


def test_default_caption_names_variables_and_scope(codebook):
    from types import SimpleNamespace

    rep = SimpleNamespace(lang="en", codebook=codebook, scope_label=lambda: "All Wales, all periods")
    tab = pd.DataFrame({"variable": ["outcome", "harm_neglect", "custom"], "n": [20, 18, 20]})
    # codebook titles (not variable names, except for one the codebook does not know), then what is counted,
    # the scope and the denominators
    assert default_caption(tab, rep) == (
        "Outcome for the child, Neglect, custom: number and percentage of children; All Wales, all periods; "
        "n = 18 to 20 children"
    )
    assert default_caption(tab.iloc[:1], rep, style="percent_ci", by="period").startswith(
        "Outcome for the child: percentage of children by period, with 95% confidence intervals;"
    )
