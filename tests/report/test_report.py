"""Tests for cprstats.report.document.Report: parameters, disclosure, tables, figures, key figures, report.json.

Data: the shipped synthetic examples (cprstats.load_example) and hand-made tables of
synthetic numbers. Where a test pins a suppressed or shown number, the reasoning is given
beside it (the disclosure rule: counts 1-4 hidden, plus whatever they could be worked out from).
"""

from __future__ import annotations

import json
import logging

import pandas as pd
import pytest

import cprstats
from cprstats.errors import ParameterError
from cprstats.report.document import Report


def _outcome_counts(group: str = "all") -> pd.DataFrame:
    """Synthetic: 11 children, 8 died, 2 life-threatening injury, 1 other."""
    return pd.DataFrame(
        {
            "variable": "outcome",
            "level": ["death", "life_threatening_injury", "other"],
            "group": group,
            "count": [8, 2, 1],
            "n": 11,
            "estimate": [8 / 11, 2 / 11, 1 / 11],
        }
    )


@pytest.fixture
def mww(tmp_path):
    return Report(data="mww_2017_2021", region="MWW", output_dir=tmp_path, notebook="01_test")


def test_bad_region_and_period_list_the_valid_ones():
    with pytest.raises(ParameterError) as err:
        Report(data="wales", region="MWV")
    assert "NWSB, MWW, WGSB, CTM, CAV, GWENT" in str(err.value) and "did you mean 'MWW'?" in str(err.value)
    with pytest.raises(
        ParameterError, match="period='pre-covid' is not allowed; use one of all, pre_covid, post_covid"
    ):
        Report(data="wales", period="pre-covid")
    with pytest.raises(ParameterError, match="lang='fr'"):
        Report(data="wales", lang="fr")
    with pytest.raises(ParameterError, match="suppress='no'"):
        Report(data="wales", suppress="no")
    with pytest.raises(ParameterError, match="threshold=0"):
        Report(data="wales", region="MWW", threshold=0)
    with pytest.raises(ParameterError, match="neither a file or folder nor a shipped example"):
        Report(data="whales")


def test_scope_and_disclosure_decision(mww, tmp_path):
    assert mww.suppressing and not mww.opted_out
    assert len(mww.data) == 11 and set(mww.data["board"]) == {"MWW"}
    wales = Report(data="wales", period="pre_covid", output_dir=None)
    assert not wales.suppressing
    assert set(wales.data["period"]) == {"pre_covid"}
    rec = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert rec["disclosure"]["suppress"] is True and rec["disclosure"]["below_wales"] is True
    assert rec["synthetic"] is True and rec["region"] == "MWW" and rec["outputs"] == []


def test_opt_out_is_recorded_logged_and_shown(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="cprstats"):
        rep = Report(data="mww_2017_2021", region="MWW", suppress=False, output_dir=tmp_path)
    assert rep.opted_out and not rep.suppressing
    assert "switched off" in caplog.text
    rec = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert rec["suppress"] is False and rec["disclosure"]["opted_out"] is True
    intro = rep.intro()
    assert "notice-warning" in intro.html and "do not publish" in intro.text


def test_intro_says_synthetic_scope_and_counts_in_welsh():
    rep = Report(data="mww_2017_2021", region="MWW", lang="cy")
    text = repr(rep.intro())
    assert "Rhanbarth: Canolbarth a Gorllewin Cymru (CYSUR)\nCyfnod: Pob cyfnod" in text
    assert "11 adolygiad am 11 plentyn." in text  # the example: 11 reviews, one child each
    assert "Data synthetig" in text
    assert "Ni ddangosir niferoedd o 1 i 4" in text
    assert rep.intro().html.count("<h1>") == 1


def test_table_hides_small_counts_everywhere(mww, tmp_path):
    block = mww.table(_outcome_counts(), name="outcome", caption="Outcome (synthetic)")
    # 2 and 1 are primary; 8 is secondary (11 - 8 = 3 would reveal the other two together)
    assert "8 (" not in block.html and block.html.count("<td>*</td>") == 3
    assert '<caption><span class="caption-number">Table 1:</span> Outcome (synthetic)</caption>' in block.html
    assert 'scope="col"' in block.html
    assert "Denominator: n = 11." in block.text
    data = pd.read_csv(tmp_path / "tables" / "outcome.csv", encoding="utf-8-sig")
    assert data["count"].isna().all() and data["suppressed"].all()
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "tables" / "outcome.xlsx")
    assert wb.sheetnames == ["table", "data", "notes"]
    numbers = [c.value for c in next(wb["data"].iter_cols(min_col=4, max_col=4, min_row=2))]
    assert numbers == [None, None, None]
    rec = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert rec["outputs"] == [
        {"files": ["tables/outcome.csv", "tables/outcome.xlsx"], "kind": "table", "name": "outcome", "suppressed": 3}
    ]


def test_all_wales_table_by_board_is_still_suppressed(tmp_path):
    rep = Report(data="wales", output_dir=None)
    tab = cprstats.proportions(rep.data, "outcome", by="board")
    safe = rep.protect(tab)
    assert safe.attrs["by"] == "board" and safe["suppressed"].any()
    assert not rep.protect(cprstats.proportions(rep.data, "outcome"))["suppressed"].any()


def test_comparison_is_protected_on_both_sides(mww):
    comp = pd.DataFrame(
        {
            "variable": "outcome",
            "level": ["death", "other"],
            "group": "post_covid",
            "group_ref": "pre_covid",
            "count": [6, 4],
            "n": [10, 10],
            "estimate": [0.6, 0.4],
            "count_ref": [9, 2],
            "n_ref": [11, 11],
            "estimate_ref": [9 / 11, 2 / 11],
            "risk_difference": [0.6 - 9 / 11, 0.4 - 2 / 11],
            "p_value": [0.36, 0.36],
        }
    )
    safe = mww.protect(comp)
    # by hand: 4 and 2 are primary; in each group the levels add up to n, so 6 and 9 are secondary
    assert safe["count"].isna().all() and safe["count_ref"].isna().all()
    assert safe["risk_difference"].isna().all() and safe["p_value"].isna().all()
    assert safe["n"].tolist() == [10, 10] and safe["n_ref"].tolist() == [11, 11]


def _incident_counts() -> pd.DataFrame:
    """Synthetic: 20 children, incident types 8, 6, 5 and 1."""
    return pd.DataFrame(
        {
            "variable": "incident_type",
            "level": ["fatal_physical_abuse", "suicide", "neglect", "sudi"],
            "group": "all",
            "count": [8, 6, 5, 1],
            "n": 20,
            "estimate": [8 / 20, 6 / 20, 5 / 20, 1 / 20],
        }
    )


def test_figure_is_inline_with_alt_text_from_the_suppressed_table(mww, tmp_path):
    block = mww.figure(_incident_counts(), name="incidents", title="Incidents (synthetic)")
    assert block.html.startswith('<figure class="report-figure"><img src="data:image/png;base64,')
    # by hand: 1 is primary; 5 is secondary (20 - 8 - 6 = 6 would reveal the two together); 8 and 6 drawn
    assert 'alt="Bar chart: Incidents (synthetic). Fatal physical abuse: 40% (8 of 20);' in block.html
    assert "Neglect: not shown (small number)" in block.html and "(5 of 20)" not in block.html
    assert (
        '<figcaption><span class="caption-number">Figure 1:</span> Percentage of children in each category; '
        "Mid and West Wales (CYSUR), all periods; n = 20 children</figcaption>"
    ) in block.html
    assert (tmp_path / "figures" / "incidents.png").is_file() and (tmp_path / "figures" / "incidents.svg").is_file()
    with pytest.raises(ParameterError, match="kind='pie'"):
        mww.figure(_outcome_counts(), name="x", kind="pie")


def test_a_figure_with_fewer_than_two_bars_is_a_sentence_saying_why(mww, tmp_path):
    # every count of the outcome table is hidden (see test_table_hides_small_counts_everywhere)
    block = mww.figure(_outcome_counts(), name="outcome", title="Outcome (synthetic)")
    assert "<img" not in block.html and 'class="notice notice-figure"' in block.html
    assert block.text == (
        "Figure not drawn: Outcome (synthetic): all 3 of its values are small numbers, "
        "hidden to protect the children's privacy."
    )
    assert not (tmp_path / "figures" / "outcome.png").exists()  # nothing drawn, nothing saved
    welsh = Report(data="mww_2017_2021", region="MWW", lang="cy")
    block = welsh.figure(_incident_counts().assign(count=[20, 0, 0, 0], estimate=[1.0, 0, 0, 0]), name="x")
    assert block.text == (  # a zero is no bar
        "Ni luniwyd ffigur: Math o ddigwyddiad: dim ond 1 o'i 4 gwerth sydd uwchlaw sero, "
        "sy'n rhy ychydig ar gyfer ffigur."
    )
    block = welsh.figure(_incident_counts().iloc[[1, 3]], name="y")  # 6 shown, 1 hidden
    assert block.text == (
        "Ni luniwyd ffigur: Math o ddigwyddiad: dim ond 1 o'i 2 gwerth y gellid eu llunio; "
        "cuddiwyd 1 ohonynt fel niferoedd bach, i ddiogelu preifatrwydd y plant."
    )


def test_key_figures_are_fixed_text_and_respect_suppression(mww, capsys):
    mww.key_figures(_outcome_counts())
    assert capsys.readouterr().out == (
        "outcome=death: */11\noutcome=life_threatening_injury: */11\noutcome=other: */11\n"
    )
    wales = Report(data="wales")
    wales.key_figures(_outcome_counts())  # all-Wales: nothing hidden; 8/11 = 72.727...% -> 72.7%
    assert capsys.readouterr().out.splitlines()[0] == "outcome=death: 8/11 (72.7%)"


def test_names_are_file_stems_and_options_exact(mww):
    with pytest.raises(ParameterError, match="no folders"):
        mww.table(_outcome_counts(), name="../x")
    with pytest.raises(ParameterError, match="style='n_pct' is not allowed"):
        mww.table(_outcome_counts(), name="x", style="n_pct")


def test_restricted_variables_are_refused(mww):
    raw_age = pd.DataFrame({"variable": "age_months", "level": "median", "group": "all", "count": [1], "n": [11]})
    with pytest.raises(ParameterError, match="age_months is restricted"):
        mww.table(raw_age, name="age")


def test_heading_uses_ui_strings():
    rep = Report(data="mww_2017_2021", region="MWW", lang="cy")
    assert rep.heading("children").html == "<h2>Y plant</h2>"
    with pytest.raises(ParameterError, match="level=1"):
        rep.heading("children", level=1)


@pytest.mark.parametrize("region, lang", [("MWW", "en"), ("GWENT", "cy"), ("wales", "en")])
def test_a_board_comparison_carries_the_census_caveat(region, lang):
    # issue 15: reviews are a census shaped by each board's decision to commission one, not a league table
    from cprstats.codebook.i18n import t
    from cprstats.io import escape_html

    rep = cprstats.Report(data="wales", region=region, lang=lang, notebook="caveat")
    html = rep.comparison(rep.compare_region(["outcome"]), name="vs_rest")._repr_html_()
    assert escape_html(t("caveat.census", lang))[:60] in html
