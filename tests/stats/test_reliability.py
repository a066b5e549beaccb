"""Tests for cprstats.stats.reliability: the per-variable agreement table, disagreements and summary
on small synthetic double-coded forms (the statistics themselves: tests/stats/test_kappa.py).

All review data here are synthetic.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

import cprstats
from cprstats.errors import ParameterError
from cprstats.stats.kappa import kappa_from_table, krippendorff_alpha
from cprstats.stats.reliability import (
    AGREEMENT_COLUMNS,
    DISAGREEMENT_COLUMNS,
    NOT_RECORDED,
    SUMMARY_COLUMNS,
    agreement,
    agreement_summary,
    disagreements,
)


# --------------------------------------------------------------------------- coded forms
def _forms(rows):
    """Raw forms as read_forms gives them (all strings), for a few synthetic reviews."""
    base = {
        "local_authority": "powys",
        "review_type": "cpr_concise",
        "incident_date": "2019-05",
        "outcome": "death",
        "incident_type": "suicide",
        "sex": "female",
    }
    recs = []
    for r in rows:
        rec = {**base, **r}
        recs.append({k: str(v) for k, v in rec.items()})
    df = pd.DataFrame(recs).fillna("")
    df.index = pd.RangeIndex(2, 2 + len(df), name="row")
    return df


@pytest.fixture(scope="module")
def coders():
    ids = [f"SYN {i} 2019" for i in range(1, 9)]
    a_rows, b_rows = [], []
    outcomes_a = ["death", "death", "death", "life_threatening_injury", "death", "death", "serious_impairment", "death"]
    outcomes_b = [
        "death",
        "death",
        "life_threatening_injury",
        "life_threatening_injury",
        "death",
        "death",
        "serious_impairment",
        "death",
    ]
    themes_a = [
        "escalation",
        "recording",
        "escalation; recording",
        "none",
        "",
        "escalation",
        "communication",
        "voice_of_child",
    ]
    themes_b = ["escalation", "recording", "escalation", "none", "escalation", "", "communication", "voice_of_child"]
    for i, rid in enumerate(ids):
        a_rows.append({"review_id": rid, "child_no": 1, "outcome": outcomes_a[i], "themes": themes_a[i]})
        b_rows.append({"review_id": rid, "child_no": 1, "outcome": outcomes_b[i], "themes": themes_b[i]})
    # a review only coder A coded, and one only coder B coded
    a_rows.append({"review_id": "SYN 20 2020", "child_no": 1, "themes": "recording"})
    b_rows.append({"review_id": "SYN 21 2020", "child_no": 2, "themes": "recording"})
    a = cprstats.code_reviews(_forms(a_rows))
    b = cprstats.code_reviews(_forms(b_rows))
    return a, b


def test_agreement_table_values(coders):
    a, b = coders
    with pytest.warns(UserWarning, match="2 review.*only one coder.*SYN 20 2020"):
        res = agreement(a, b, ["outcome", "th_escalation", "th_recording", "sex"])
    assert tuple(res.columns) == AGREEMENT_COLUMNS
    assert res["variable"].tolist() == ["outcome", "th_escalation", "th_recording", "sex"]
    out = res.set_index("variable")
    # outcome: 8 matched reviews, one disagreement (review 3: death vs life-threatening injury)
    o = out.loc["outcome"]
    assert (o["n"], o["n_agree"], o["n_one_missing"], o["n_categories"]) == (8, 7, 0, 4)
    table = [[5, 1, 0], [0, 1, 0], [0, 0, 1]]  # A rows x B columns: death, injury, impairment
    ref = kappa_from_table(table, k=4)
    assert o["kappa"] == pytest.approx(ref["kappa"]) and o["kappa_se"] == pytest.approx(ref["kappa_se"])
    assert o["pabak"] == pytest.approx((4 * 7 / 8 - 1) / 3)
    assert o["field"] == "outcome" and pd.isna(o["option"]) and o["kind"] == "categorical"
    # th_escalation: review 5 and 6 have the themes group recorded by one coder only
    # (incomplete pairs, left out of every statistic; before issue 15 they were pinned here as
    # 8 compared, 6 agreeing: "not recorded" scored as a category), review 3 recorded by both
    # (yes vs yes), review 4 'none' (no vs no).
    e = out.loc["th_escalation"]
    assert (e["n"], e["n_agree"], e["n_one_missing"]) == (6, 6, 2)
    assert e["field"] == "themes" and e["option"] == "escalation" and e["kind"] == "multi"
    assert e["kappa"] == 1.0 and math.isnan(e["ci_low"]) and math.isnan(e["ci_high"])
    assert "not estimable" in e["note"] and e["alpha"] == 1.0
    r = out.loc["th_recording"]  # review 3: yes vs no; reviews 5, 6 one missing (left out)
    assert (r["n"], r["n_agree"], r["n_one_missing"]) == (6, 5, 2)
    # complete pairs (A rows x B columns: no, yes): 4 no/no, review 3 yes/no, review 2 yes/yes
    assert r["kappa"] == pytest.approx(kappa_from_table([[4, 0], [1, 1]])["kappa"])
    s = out.loc["sex"]  # identical on every review
    assert s["p_observed"] == 1.0 and math.isnan(s["kappa"]) and "undefined" in s["note"]
    assert res["ci_level"].eq(0.95).all()
    assert res.attrs["unmatched"] == [
        {"review_id": "SYN 20 2020", "child_no": 1, "coded_by": "coder_a"},
        {"review_id": "SYN 21 2020", "child_no": 2, "coded_by": "coder_b"},
    ]
    assert res.attrs["n_matched"] == 8
    both = pd.concat([res, res])  # plain-record attrs keep pandas' concat working
    assert len(both) == 2 * len(res)


def test_agreement_alpha_leaves_one_sided_missing_out_as_krippendorff_defines(coders):
    # Krippendorff (2011): a unit with a single value is not pairable. Reviews 5 and 6 have the themes
    # group recorded by one coder only; the coders agree on every other review, so alpha is 1
    # (before issue 15 "not recorded" was scored as a category and alpha was 0.605 here).
    import krippendorff

    a, b = coders
    with pytest.warns(UserWarning):
        e = agreement(a, b, "th_escalation").iloc[0]
    va = ["yes", "no", "yes", "no", None, "yes", "no", "no"]
    vb = ["yes", "no", "yes", "no", "yes", None, "no", "no"]
    assert e["alpha"] == pytest.approx(krippendorff_alpha(zip(va, vb))) == 1.0
    codes = {"no": 0.0, "yes": 1.0, None: math.nan}
    reliability = [[codes[v] for v in va], [codes[v] for v in vb]]
    assert e["alpha"] == pytest.approx(krippendorff.alpha(reliability_data=reliability, level_of_measurement="nominal"))
    assert e["n_one_missing"] == 2 and e["n"] == 6


def test_agreement_with_blanks_and_disagreements_matches_krippendorff_package(coders):
    # th_recording: review 3 yes vs no; reviews 5 and 6 one coder only (not pairable).
    import krippendorff

    a, b = coders
    with pytest.warns(UserWarning):
        r = agreement(a, b, "th_recording").iloc[0]
    codes = {"no": 0.0, "yes": 1.0, None: math.nan}
    va = ["no", "yes", "yes", "no", None, "no", "no", "no"]
    vb = ["no", "yes", "no", "no", "no", None, "no", "no"]
    reliability = [[codes[v] for v in va], [codes[v] for v in vb]]
    expected = krippendorff.alpha(reliability_data=reliability, level_of_measurement="nominal")
    assert r["alpha"] == pytest.approx(expected, abs=1e-12)
    # kappa over the six complete pairs: A yes/B yes on review 2, A yes/B no on review 3, four no/no
    ref = kappa_from_table([[4, 0], [1, 1]], k=2)
    assert (r["kappa"], r["kappa_se"], r["ci_low"]) == pytest.approx((ref["kappa"], ref["kappa_se"], ref["ci_low"]))


def test_agreement_default_variables_and_multi_expansion(coders):
    a, b = coders
    cb = cprstats.load_codebook()
    with pytest.warns(UserWarning):
        res = agreement(a, b)
    expected = []
    for f in cb.input_fields:
        if f.kind != "identifier":
            expected += list(f.option_columns) if f.type == "list" else [f.name]
    assert res["variable"].tolist() == expected
    with pytest.warns(UserWarning):
        themes = agreement(a, b, "themes")
    assert themes["variable"].tolist() == list(cb.option_columns("themes"))


def test_agreement_identical_coders_agree_perfectly(coders):
    a, _ = coders
    res = agreement(a, a.copy(), ["outcome", "themes"])
    assert res["p_observed"].eq(1.0).all()
    assert res["n_one_missing"].eq(0).all()
    outcome = res.loc[res["variable"] == "outcome"].iloc[0]
    assert outcome["kappa"] == pytest.approx(1.0)
    # perfect agreement: no degenerate "1.00 (1.00 to 1.00)" interval
    assert math.isnan(outcome["ci_low"]) and math.isnan(outcome["ci_high"]) and math.isnan(outcome["kappa_se"])
    assert "not estimable" in outcome["note"]


def test_agreement_bad_arguments(coders):
    a, b = coders
    with pytest.raises(ParameterError, match=r"'outcom'.*did you mean 'outcome'"):
        agreement(a, b, ["outcom"])
    with pytest.raises(ParameterError, match="ci_level=95"):
        agreement(a, b, ["outcome"], ci_level=95)
    with pytest.raises(ParameterError, match="identifies the review"):
        agreement(a, b, ["review_id"])
    with pytest.raises(ParameterError, match="coder_b must be"):
        agreement(a, 42)
    dup = pd.concat([a, a.iloc[[0]]], ignore_index=True)
    with pytest.raises(ParameterError, match="coder_a has more than one row for SYN 1 2019 child 1"):
        agreement(dup, b)


def test_agreement_accepts_raw_forms():
    forms = _forms(
        [
            {"review_id": "SYN 1 2019", "child_no": 1, "outcome": "Death"},
            {"review_id": "SYN 2 2019", "child_no": 1, "outcome": "other", "review_type": "mapf"},
        ]
    )
    other = _forms(
        [
            {"review_id": "SYN 1 2019", "child_no": 1, "outcome": "death"},
            {"review_id": "SYN 2 2019", "child_no": 1, "outcome": "Marwolaeth", "review_type": "mapf"},
        ]
    )
    res = agreement(forms, other, "outcome").iloc[0]
    assert (res["n"], res["n_agree"]) == (2, 1)


def test_disagreements_lists_every_differing_cell(coders):
    a, b = coders
    with pytest.warns(UserWarning):
        d = disagreements(a, b, ["outcome", "themes"])
    assert tuple(d.columns) == DISAGREEMENT_COLUMNS
    got = list(d[["review_id", "variable", "value_a", "value_b"]].itertuples(index=False, name=None))
    nr = NOT_RECORDED
    assert got == [
        ("SYN 3 2019", "outcome", "death", "life_threatening_injury"),
        ("SYN 3 2019", "th_recording", "yes", "no"),
    ] + [
        ("SYN 5 2019", c, nr, "yes" if c == "th_escalation" else "no")
        for c in cprstats.load_codebook().option_columns("themes")
    ] + [
        ("SYN 6 2019", c, "yes" if c == "th_escalation" else "no", nr)
        for c in cprstats.load_codebook().option_columns("themes")
    ]
    assert d["child_no"].eq(1).all() and d["field"].isin(["outcome", "themes"]).all()
    assert len(disagreements(a, a.copy(), "outcome")) == 0


def test_agreement_summary(coders):
    a, b = coders
    with pytest.warns(UserWarning):
        res = agreement(a, b, ["outcome", "themes"])
    s = agreement_summary(res)
    assert tuple(s.columns) == SUMMARY_COLUMNS
    assert s["field"].tolist() == ["outcome", "themes", "all"]
    themes = s.set_index("field").loc["themes"]
    # themes: 8 reviews x 9 options, less the 2 one-sided reviews x 9 options (incomplete pairs, left
    # out since issue 15; they were pinned here as 72 comparisons), less the recording disagreement
    assert themes["n_variables"] == 9 and themes["n_comparisons"] == 72 - 18
    assert themes["n_agree"] == 72 - 18 - 1
    total = s.set_index("field").loc["all"]
    assert total["p_observed"] == pytest.approx((7 + 53) / (8 + 54))
    with pytest.raises(ParameterError, match="result of agreement"):
        agreement_summary(pd.DataFrame({"x": [1]}))


def test_cli_agree_writes_tables(coders, tmp_path, capsys):
    from cprstats.cli import main

    rows_a = [
        {"review_id": "SYN 1 2019", "child_no": 1, "themes": "escalation"},
        {"review_id": "SYN 2 2019", "child_no": 1, "themes": "=cmd|' /C calc'!A0"},
    ]
    rows_b = [
        {"review_id": "SYN 1 2019", "child_no": 1, "themes": "recording"},
        {"review_id": "SYN 2 2019", "child_no": 1, "themes": "none"},
        {"review_id": "SYN 3 2019", "child_no": 1, "themes": "none"},
    ]
    _forms(rows_a).to_csv(tmp_path / "a.csv", index=False)
    _forms(rows_b).to_csv(tmp_path / "b.csv", index=False)
    # coder A's second review has a value that is not a theme: the command reports it and stops
    assert main(["agree", str(tmp_path / "a.csv"), str(tmp_path / "b.csv")]) == 1
    assert "themes" in capsys.readouterr().err
    rows_a[1]["themes"] = "communication"
    _forms(rows_a).to_csv(tmp_path / "a.csv", index=False)
    out = tmp_path / "out"
    assert (
        main(["agree", str(tmp_path / "a.csv"), str(tmp_path / "b.csv"), "--out", str(out), "--variables", "themes"])
        == 0
    )
    printed = capsys.readouterr()
    assert "2 subject children coded by both" in printed.out and "SYN 3 2019" in printed.err
    assert sorted(p.name for p in out.iterdir()) == [
        "agreement.csv",
        "agreement_summary.csv",
        "disagreements.csv",
        "disagreements.xlsx",
        "unmatched.csv",
    ]
    diffs = pd.read_csv(out / "disagreements.csv", encoding="utf-8-sig")
    assert set(diffs["variable"]) == {"th_escalation", "th_recording", "th_communication"}
    assert pd.read_excel(out / "disagreements.xlsx").shape == diffs.shape
    assert pd.read_csv(out / "unmatched.csv", encoding="utf-8-sig")["review_id"].tolist() == ["SYN 3 2019"]


def test_public_names_survive_importing_the_module():
    # A submodule named like a public function would replace it on the package once imported.
    import importlib

    importlib.import_module("cprstats.stats.reliability")
    importlib.import_module("cprstats.io.exporters")
    assert callable(cprstats.agreement) and callable(cprstats.disagreements) and callable(cprstats.export)
    assert cprstats.agreement is agreement and cprstats.agreement_summary is agreement_summary
