"""Tests for cprstats.report.tables (every table here is synthetic, made up for the test)."""

from __future__ import annotations

import pandas as pd
import pytest

from cprstats.disclosure.policy import disclosure_policy
from cprstats.disclosure.suppression import suppress
from cprstats.errors import ParameterError
from cprstats.report.tables import footnotes, format_table


def props(variable, levels, group, counts, n, **extra):
    """A tidy table like cprstats.proportions returns (estimate = count / n)."""
    tab = pd.DataFrame({"variable": variable, "level": levels, "group": group, "count": counts, "n": n})
    tab["estimate"] = tab["count"] / tab["n"]
    for k, v in extra.items():
        tab[k] = v
    return tab


def test_n_percent_cells_with_english_and_welsh_labels():
    tab = props("outcome", ["death", "other"], "all", [22, 11], 33)
    en = format_table(tab)
    assert en.columns.tolist() == ["Variable", "Category", "Group", "n (%)", "Denominator (n)"]
    # 22 / 33 = 66.666...% -> 66.7%; 11 / 33 = 33.333...% -> 33.3%
    assert en["n (%)"].tolist() == ["22 (66.7%)", "11 (33.3%)"]
    assert en["Variable"].tolist() == ["Outcome for the child"] * 2 and en["Group"].tolist() == ["All", "All"]
    cy = format_table(tab, lang="cy")
    assert cy.columns.tolist() == ["Newidyn", "Categori", "Grŵp", "n (%)", "Enwadur (n)"]
    assert cy["Categori"].tolist() == ["Marwolaeth", "Arall"]  # codebook labels (Marwolaeth verified)
    assert cy["Variable" if "Variable" in cy else "Newidyn"].iloc[0] == "Canlyniad i'r plentyn"
    assert cy["Grŵp"].iloc[0] == "Y cyfan" and cy["Enwadur (n)"].tolist() == ["33", "33"]
    assert all(dtype == "string" for dtype in en.dtypes)


def test_percent_ci_cells():
    tab = props("harm_neglect", ["true"], "all", [12], 20, ci_low=0.3866, ci_high=0.7812, ci_level=0.95)
    assert format_table(tab, cell="percent_ci").iloc[0, 3] == "60.0% (95% CI 38.7 to 78.1)"
    cy = format_table(tab, cell="percent_ci", lang="cy")
    assert cy.columns[3] == "% (cyfwng hyder 95%)"
    assert cy.iloc[0, 3] == "60.0% (cyfwng hyder 95% 38.7 i 78.1)"
    assert format_table(tab.assign(ci_level=0.9), cell="percent_ci").columns[3] == "% (90% CI)"
    assert format_table(tab, cell="percent", digits=0).iloc[0, 3] == "60%"
    assert format_table(tab, cell="count").iloc[0, 3] == "12"


def test_suppressed_cells_show_the_marker_and_no_number_leaks():
    tab = props("outcome", ["death", "life_threatening_injury", "serious_impairment", "other"], "MWW", [8, 2, 1, 0], 11)
    s = suppress(tab)
    out = format_table(s)
    # 2 and 1 are primary; 8 secondary (11 - 8 = 3 would tell); 0 is a true zero
    assert out["n (%)"].tolist() == ["*", "*", "*", "0 (0.0%)"]
    text = " ".join(out.to_numpy().ravel().tolist())
    assert "8" not in text.replace("Denominator", "") and "72.7" not in text and "18.2" not in text
    assert format_table(s, marker="c")["n (%)"].iloc[0] == "c"


def test_small_denominator_is_hidden_with_its_group_and_one_marker():
    # One marker whatever the reason (cprstats/disclosure/suppression.py, "What a * means"):
    # a denominator of 3 (under 5) is hidden, and every count of its group with it.
    tab2 = props("x", ["a", "b", "c"], "g", [0, 0, 3], 3, ci_low=0.0, ci_high=0.5, ci_level=0.95)
    s2 = suppress(tab2, additive=True)
    assert s2["suppression"].tolist() == ["suppressed"] * 3
    assert s2["n"].isna().all()
    assert format_table(s2)["n (%)"].tolist() == ["*", "*", "*"]
    assert format_table(s2, layout="long")["Denominator (n)"].tolist() == ["*", "*", "*"]
    assert format_table(s2, cell="percent_ci").iloc[:, 3].tolist() == ["*", "*", "*"]
    notes = footnotes(s2)
    assert any("denominator under 5 is hidden" in n for n in notes)
    assert not any("primary" in n or "secondary" in n for n in notes)
    assert any("enwadur sy'n llai na 5" in n for n in footnotes(s2, "cy"))
    # the 3 is hidden, and the 0 beside it (0 + 3 would give it away from the total)
    tab = props("x", ["a", "b"], "g", [0, 3], 3, ci_low=0.0, ci_high=0.5, ci_level=0.95)
    s = suppress(tab, additive=True)
    assert set(s["suppression"]) <= {"", "suppressed"}
    assert format_table(s, cell="percent").iloc[:, 3].tolist() == ["*", "*"]


def test_unknown_variables_and_values_are_shown_as_they_are():
    tab = props("my_own_flag", ["true", "false"], "all", [10, 20], 30)
    out = format_table(tab)
    assert out["Variable"].iloc[0] == "my_own_flag" and out["Category"].tolist() == ["Yes", "No"]
    assert format_table(tab, lang="cy")["Categori"].tolist() == ["Ie", "Na"]
    odd = props("outcome", ["not_a_code"], "all", [5], 10)
    assert format_table(odd)["Category"].iloc[0] == "not_a_code"
    boolean = props("has_siblings", ["true"], "all", [25], 33)
    assert format_table(boolean)["Category"].iloc[0] == "Yes"


def test_multi_response_levels_get_option_labels():
    tab = props("harm_experienced", ["neglect", "emotional_abuse"], "all", [15, 20], 33)
    out = format_table(tab, lang="cy")
    assert out["Categori"].iloc[0] == "Esgeulustod"  # codebook label, verified (reference section 5)


def test_wide_layout_has_groups_as_columns_and_a_denominator_row():
    rows = []
    for g, n, c in [("MWW", 11, [6, 5]), ("CAV", 22, [15, 7]), ("all", 33, [21, 12])]:
        rows.append(props("outcome", ["death", "other"], g, c, n))
    tab = pd.concat(rows, ignore_index=True)
    wide = format_table(tab, layout="wide", by="board")
    assert wide.columns.tolist() == [
        "Variable",
        "Category",
        "Mid and West Wales (CYSUR)",
        "Cardiff and Vale of Glamorgan",
        "All",
    ]
    assert wide["Category"].tolist() == ["Denominator (n)", "Death", "Other"]
    assert wide.iloc[0, 2:].tolist() == ["11", "22", "33"]
    # 6 / 11 = 54.5454...% -> 54.5%
    assert wide.iloc[1, 2] == "6 (54.5%)"
    cy = format_table(tab, layout="wide", by="board", lang="cy")
    assert cy.columns[2] == "Canolbarth a Gorllewin Cymru (CYSUR)" and cy.columns[-1] == "Y cyfan"
    tab.attrs["by"] = "board"
    assert format_table(tab, layout="wide").columns.tolist() == wide.columns.tolist()


def test_footnotes_say_what_applies():
    tab = props("themes", ["escalation", "recording"], "MWW", [2, 0], 3)
    tab.attrs["synthetic"] = True
    s = suppress(tab)
    notes = footnotes(s)
    assert notes[0] == "* The data item is disclosive or not sufficiently robust for publication"
    assert "Counts from 1 to 4 are not shown" in notes[1]
    assert any("denominator under 5 is hidden" in x for x in notes)  # n = 3 is hidden with its group
    assert any("more than 100" in x for x in notes)  # themes is multi-response
    assert notes[-1] == "These data are synthetic and describe no real child."
    assert footnotes(s, "cy")[0].startswith("* Mae'r eitem o ddata yn datgelu")
    # a hidden denominator hides the counts too, so no ".." (a shown count without a share) is left
    assert footnotes(s, cell="percent")[2].startswith("A denominator under 5 is hidden")
    zero = props("outcome", ["death"], "all", [0], 0)
    assert footnotes(zero, cell="percent")[0].startswith(".. The data item is not available")
    # nothing suppressed, no attrs: only the denominator note
    plain = props("outcome", ["death"], "all", [20], 33)
    assert footnotes(plain) == ["Percentages are of the children whose review recorded the item (the denominator n)."]
    assert footnotes(plain, cell="count") == []


def test_footnotes_record_rounding_and_opt_out():
    tab = props("outcome", ["death", "other"], "MWW", [20, 13], 33)
    rounded = suppress(tab, round_to=5)
    assert "Counts are rounded to the nearest 5; percentages are calculated from the rounded counts." in footnotes(
        rounded
    )
    out = disclosure_policy("MWW", suppress=False).apply(tab)
    assert any(x.startswith("Suppression switched off by the analyst") for x in footnotes(out))
    assert any(x.startswith("Diffoddwyd yr atal gan y dadansoddwr") for x in footnotes(out, "cy"))
    wales = disclosure_policy("wales").apply(tab)
    assert "All-Wales figures are shown without suppression." in footnotes(wales)


def test_format_table_attaches_its_footnotes():
    tab = props("outcome", ["death", "other"], "all", [30, 3], 33)
    s = suppress(tab)
    out = format_table(s, lang="cy")
    assert out.attrs["footnotes"] == footnotes(s, "cy") and out.attrs["lang"] == "cy"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cell": "n_pct"}, r"cell='n_pct' is not allowed.*did you mean 'n_percent'"),
        ({"layout": "Wide"}, r"layout='Wide' is not allowed.*did you mean 'wide'"),
        ({"digits": 7}, "digits=7 is not allowed"),
        ({"lang": "EN"}, "lang='EN'"),
    ],
)
def test_bad_options_name_the_parameter(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        format_table(props("outcome", ["death"], "all", [20], 33), **kwargs)


def test_missing_columns_are_named():
    with pytest.raises(ParameterError, match="lacks the column"):
        format_table(pd.DataFrame({"variable": ["x"], "level": ["a"]}))
