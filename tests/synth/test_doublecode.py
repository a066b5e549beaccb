"""Tests for cprstats.synth.coders: the simulated second coder. All data here are synthetic."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cprstats
from cprstats.errors import ParameterError
from cprstats.stats.reliability import agreement, disagreements
from cprstats.synth.coders import double_coding_sample, second_coder

CB = cprstats.load_codebook()


def _forms(n=40, seed=7, option_columns=False):
    """A synthetic forms table of n reviews, in either multi-response layout."""
    rng = np.random.default_rng(seed)
    recs = []
    for i in range(n):
        rec = {
            "review_id": f"SYN {i + 1} 2019",
            "child_no": "1",
            "local_authority": "powys",
            "review_type": "cpr_concise",
            "incident_date": "2019-05",
            "outcome": "death",
            "on_cp_register_6m": "no",
            "looked_after_6m": "no",
            "incident_type": str(rng.choice(CB.field("incident_type").codes)),
            "ethnicity": "white",
            "disability": "no",
            "sex": "male",
        }
        for name in (
            "themes",
            "learning_points",
            "good_practice",
            "child_vulnerabilities",
            "parental_risks",
            "agencies_involved",
        ):
            fld = CB.field(name)
            present = [c for c in fld.codes if rng.random() < 0.3]
            if option_columns:
                for c in fld.codes:
                    rec[f"{fld.prefix}_{c}"] = "ie" if c in present else "na"
            else:
                rec[name] = "; ".join(present) if present else "none"
        recs.append(rec)
    df = pd.DataFrame(recs)
    df.index = pd.RangeIndex(2, 2 + n, name="row")
    df.attrs["source"] = "synthetic.csv"
    return df


@pytest.mark.parametrize("option_columns", [False, True])
def test_second_coder_codes_cleanly_and_disagrees_mostly_on_themes(option_columns):
    a = _forms(option_columns=option_columns)
    b = second_coder(a, seed=11, rate=0.3)
    assert b.index.equals(a.index) and list(b.columns) == list(a.columns)
    fixed = [
        "review_id",
        "child_no",
        "local_authority",
        "review_type",
        "incident_date",
        "outcome",
        "on_cp_register_6m",
        "looked_after_6m",
        "sex",
    ]
    assert b[fixed].equals(a[fixed])  # identifiers and facts the rules tie together are copied
    assert b.attrs["synthetic"] is True and b.attrs["second_coder"] == {"seed": 11, "rate": 0.3}
    coded_a, coded_b = cprstats.code_reviews(a), cprstats.code_reviews(b)  # raises if b broke a rule
    d = disagreements(coded_a, coded_b)
    assert len(d) > 0
    per_field = d.groupby("field").size()
    judged = per_field.reindex(["themes", "learning_points"]).fillna(0).sum()
    facts = per_field.reindex(["child_vulnerabilities", "parental_risks", "agencies_involved"]).fillna(0).sum()
    # weights 1.0 for themes and learning points vs 0.2-0.25 for the facts (PERTURB_WEIGHTS)
    assert judged > facts
    res = agreement(coded_a, coded_b)
    assert (res.loc[res["field"] == "review_type", "p_observed"] == 1.0).all()
    assert res["n_one_missing"].sum() > 0  # some cells left empty by the second coder


def test_second_coder_is_reproducible_and_rate_zero_copies():
    a = _forms(n=15)
    assert second_coder(a, seed=3, rate=0.5).equals(second_coder(a, seed=3, rate=0.5))
    assert not second_coder(a, seed=3, rate=0.5).equals(second_coder(a, seed=4, rate=0.5))
    assert second_coder(a, seed=3, rate=0.0).equals(a)


def test_second_coder_keeps_the_coders_language_in_option_columns():
    a = _forms(n=20, option_columns=True)
    b = second_coder(a, seed=5, rate=1.0)
    opts = [c for c in a.columns if c.startswith("th_")]
    values = set(b[opts].to_numpy().ravel())
    assert values <= {"ie", "na", ""} and (b[opts] != a[opts]).to_numpy().any()


def test_second_coder_leaves_unrecognised_text_alone():
    a = pd.DataFrame({"review_id": ["SYN 1 2019"], "themes": ["something else"], "incident_type": ["??"]})
    b = second_coder(a, seed=1, rate=1.0)
    assert b.loc[0, "incident_type"] == "??"
    assert b.loc[0, "themes"] in ("something else", "")


def test_double_coding_sample():
    forms = _forms(n=12)
    a, b = double_coding_sample(forms, n=5, seed=9)
    assert len(a) == 5 and a.index.equals(b.index)
    assert a["review_id"].isin(forms["review_id"]).all()
    assert list(a.index) == sorted(a.index)  # forms' own order
    a2, _ = double_coding_sample(forms, n=5, seed=9)
    assert a2.equals(a)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"seed": "x", "rate": 0.1}, "seed='x'"),
        ({"seed": 1, "rate": 2}, "rate=2"),
        ({"seed": 1, "rate": True}, "rate=True"),
    ],
)
def test_second_coder_bad_arguments(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        second_coder(_forms(n=2), **kwargs)
    with pytest.raises(ParameterError, match="forms must be a DataFrame"):
        second_coder([1, 2], seed=1)
    with pytest.raises(ParameterError, match="n=0"):
        double_coding_sample(_forms(n=2), n=0, seed=1)


def test_write_double_coding_round_trips_through_the_cli(tmp_path, capsys):
    from cprstats.cli import main
    from cprstats.synth.coders import write_double_coding

    a_path, b_path = write_double_coding(_forms(n=30), tmp_path / "dc", n=12, seed=2023)
    a = cprstats.read_forms(a_path)
    assert len(a) == 12 and list(a.index) == list(range(2, 14))  # rows as the spreadsheet shows them
    assert main(["agree", str(a_path), str(b_path), "--out", str(tmp_path / "out")]) == 0
    assert "12 subject children coded by both" in capsys.readouterr().out
    diffs = pd.read_csv(tmp_path / "out" / "disagreements.csv", encoding="utf-8-sig")
    assert len(diffs) > 0 and set(diffs["review_id"]) <= set(a["review_id"])
