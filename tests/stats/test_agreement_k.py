"""Agreement between three or more coders (issue 17, item 2): Fleiss' kappa with its standard error,
Krippendorff's alpha with missing values, the pairwise Cohen's kappas, "any option recorded", the
disagreement list and ``cprstats agree A B C``.

Reference values and where they come from:

* Fleiss (1971) table 1 (six psychiatrists, 30 patients, five diagnoses; doi:10.1037/h0031619), as
  transcribed in statsmodels 0.15.0, ``statsmodels/stats/tests/test_inter_rater.py`` (``diagnoses``),
  with R ``irr::kappam.fleiss(diagnoses)`` quoted there: Kappa = 0.4302445, z = 17.65183, so the
  standard error (Fleiss, Nee & Landis 1979, as irr computes it) is 0.4302445 / 17.65183. Fleiss (1971)
  printed kappa = .430.
* Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four observers,
  twelve units, missing values; nominal alpha = 0.743.
* The Wikipedia "Fleiss' kappa" worked example (ten subjects, fourteen raters), as statsmodels 0.15.0
  tests it (``table1``): kappa = 0.210.
* Random data with missing values, checked against statsmodels 0.15.0 ``fleiss_kappa`` (Fleiss and
  Randolph) and ``cohens_kappa``, and against the PyPI package ``krippendorff`` 0.9.0 ``alpha``.

All review data here are synthetic.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import cprstats
from cprstats.errors import ParameterError
from cprstats.stats.kappa import alpha_from_counts, fleiss_kappa_from_counts, krippendorff_alpha, rating_counts
from cprstats.stats.reliability import (
    AGREEMENT_COLUMNS,
    AGREEMENT_K_COLUMNS,
    DISAGREEMENT_COLUMNS,
    NOT_RECORDED,
    PAIRWISE_COLUMNS,
    agreement,
    agreement_summary,
    disagreement_columns,
    disagreements,
)

# Fleiss (1971) table 1, one row per patient, one column per psychiatrist (categories 1-5), as in
# statsmodels 0.15.0 stats/tests/test_inter_rater.py ("diagnoses", also R irr's data set).
DIAGNOSES = [
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5], [2, 2, 2, 4, 4, 4],
    [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4], [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5],
    [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4], [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5],
    [3, 3, 3, 3, 3, 5], [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4], [1, 4, 4, 4, 4, 5],
    [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4], [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
]  # fmt: skip
IRR_KAPPA, IRR_Z = 0.4302445, 17.65183  # R irr::kappam.fleiss(diagnoses), quoted by statsmodels 0.15.0

# Krippendorff (2011) section C: observers in rows, units in columns, None = no value.
nan = None
KRIPPENDORFF_C = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
]
ETHNICITY = ["white", "mixed", "asian", "black", "other", "unknown"]  # codes 1..6 stand for these


# --------------------------------------------------------------------------- helpers
def _forms(rows: list[dict]) -> pd.DataFrame:
    """Raw forms as read_forms gives them (all strings), for a few synthetic reviews."""
    base = {
        "local_authority": "powys",
        "review_type": "cpr_concise",
        "incident_date": "2019-05",
        "outcome": "death",
        "incident_type": "suicide",
        "sex": "female",
    }
    df = pd.DataFrame([{k: str(v) for k, v in {**base, **r}.items()} for r in rows]).fillna("")
    df.index = pd.RangeIndex(2, 2 + len(df), name="row")
    return df


def _coders(matrix, column: str = "ethnicity", codes=ETHNICITY) -> list[pd.DataFrame]:
    """One coded dataset per coder (rows of ``matrix``), review i coded ``codes[value - 1]`` or left empty."""
    out = []
    for values in matrix:
        rows = [
            {"review_id": f"SYN {i + 1} 2020", "child_no": 1, column: "" if v is None else codes[v - 1]}
            for i, v in enumerate(values)
        ]
        out.append(cprstats.code_reviews(_forms(rows)))
    return out


def _statsmodels_fleiss(units: np.ndarray, method: str = "fleiss") -> float:
    """statsmodels' Fleiss' kappa over the units every coder rated (units x coders, NaN missing)."""
    from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

    complete = units[~np.isnan(units).any(axis=1)]
    table, _ = aggregate_raters(complete.astype(int))
    return fleiss_kappa(table, method=method)


def _statsmodels_cohen(x: np.ndarray, y: np.ndarray) -> float:
    from statsmodels.stats.inter_rater import cohens_kappa, to_table

    both = ~np.isnan(x) & ~np.isnan(y)
    table, _ = to_table(np.column_stack([x[both], y[both]]).astype(int), bins=np.arange(0.5, 7.5))
    return cohens_kappa(table, return_results=False)


# --------------------------------------------------------------------------- the statistics
def test_fleiss_kappa_and_its_standard_error_on_fleiss_1971():
    counts, values = rating_counts(DIAGNOSES)
    assert values == [1, 2, 3, 4, 5]
    r = fleiss_kappa_from_counts(counts)
    assert r["kappa"] == pytest.approx(IRR_KAPPA, abs=5e-8)
    assert round(r["kappa"], 3) == 0.430  # Fleiss (1971)
    assert r["kappa_se"] == pytest.approx(IRR_KAPPA / IRR_Z, abs=5e-5)  # 0.0244, irr's z
    z = 1.959963984540054
    assert (r["ci_low"], r["ci_high"]) == pytest.approx(
        (r["kappa"] - z * r["kappa_se"], r["kappa"] + z * r["kappa_se"])
    )
    assert (r["n"], r["n_coders"], r["n_agree"]) == (30, 6, 5)
    # Randolph's free-marginal kappa with the five categories: statsmodels' method="randolph"
    from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

    table, _ = aggregate_raters(np.array(DIAGNOSES))
    assert r["pabak"] == pytest.approx(fleiss_kappa(table, method="randolph"), abs=1e-12)


def test_fleiss_kappa_wikipedia_example_as_statsmodels_tests_it():
    # statsmodels 0.15.0 test_inter_rater.py table1 (Wikipedia "Fleiss' kappa"): 10 subjects, 14 raters
    table = [
        [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
    ]  # fmt: skip
    r = fleiss_kappa_from_counts(table)
    assert round(r["kappa"], 3) == 0.210
    assert round(r["p_observed"], 3) == 0.378 and round(r["p_expected"], 3) == 0.213  # Wikipedia's P-bar, P-bar_e


def test_fleiss_degenerate_and_bad_tables():
    perfect = fleiss_kappa_from_counts([[3, 0], [0, 3], [3, 0]])
    assert perfect["kappa"] == 1.0 and math.isnan(perfect["kappa_se"]) and "not estimable" in perfect["note"]
    single = fleiss_kappa_from_counts([[3], [3]])  # one category throughout: undefined
    assert math.isnan(single["kappa"]) and single["p_observed"] == 1.0
    assert fleiss_kappa_from_counts(np.zeros((0, 2)))["n"] == 0
    with pytest.raises(ParameterError, match="same number of coders"):
        fleiss_kappa_from_counts([[3, 0], [1, 1]])
    with pytest.raises(ParameterError, match="same number of coders"):
        fleiss_kappa_from_counts([[1, 0], [0, 1]])  # one coder


def test_random_data_with_missing_values_match_statsmodels_and_krippendorff():
    import krippendorff

    rng = np.random.default_rng(20250317)
    for coders in (3, 4, 5):
        for _ in range(8):
            truth = rng.integers(1, 6, 40)
            data = np.array([np.where(rng.random(40) < 0.7, truth, rng.integers(1, 6, 40)) for _ in range(coders)])
            data = np.where(rng.random(data.shape) < 0.1, np.nan, data.astype(float))  # coders x units
            units = [[None if math.isnan(v) else int(v) for v in col] for col in data.T]
            counts, _ = rating_counts(units)
            complete = counts[counts.sum(axis=1) == coders]
            assert fleiss_kappa_from_counts(complete)["kappa"] == pytest.approx(_statsmodels_fleiss(data.T), abs=1e-12)
            expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
            assert alpha_from_counts(counts) == pytest.approx(expected, abs=1e-12)
            assert alpha_from_counts(counts) == pytest.approx(krippendorff_alpha(units), abs=1e-12)


# --------------------------------------------------------------------------- agreement() with k coders
def test_agreement_six_coders_reproduces_fleiss_1971():
    coders = _coders(np.array(DIAGNOSES).T.tolist())
    res = agreement(*coders, variables="ethnicity")
    assert tuple(res.columns) == AGREEMENT_K_COLUMNS
    row = res.iloc[0]
    assert (row["variable"], row["coders"], row["n"], row["n_agree"], row["n_one_missing"]) == (
        "ethnicity",
        6,
        30,
        5,
        0,
    )
    assert row["kappa"] == pytest.approx(IRR_KAPPA, abs=5e-5)
    assert row["kappa_se"] == pytest.approx(IRR_KAPPA / IRR_Z, abs=5e-5)
    assert row["n_categories"] == 6  # the codebook's categories: the free-marginal kappa uses 6, not 5
    assert row["pabak"] == pytest.approx((6 * row["p_observed"] - 1) / 5)
    assert res.attrs["coders"] == [f"coder_{c}" for c in "abcdef"] and res.attrs["n_matched"] == 30


def test_agreement_four_coders_with_missing_values_krippendorff_2011():
    import krippendorff

    coders = _coders(KRIPPENDORFF_C)
    row = agreement(*coders, variables=["ethnicity"]).iloc[0]
    assert round(row["alpha"], 3) == 0.743  # Krippendorff (2011), section C
    data = np.array([[np.nan if v is None else v for v in obs] for obs in KRIPPENDORFF_C], dtype=float)
    assert row["alpha"] == pytest.approx(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    # Fleiss' kappa over the units all four observers coded (units 2-9), as statsmodels computes it
    # incomplete: units 1, 10 and 11 (three values) and 12 (one value, not pairable: alpha leaves it out)
    assert (row["n"], row["n_one_missing"]) == (8, 4)
    assert row["kappa"] == pytest.approx(_statsmodels_fleiss(data.T), abs=5e-5)
    # Light's kappa and its range: each pair's Cohen's kappa over the units both coded (statsmodels)
    pairs = [_statsmodels_cohen(data[i], data[j]) for i in range(4) for j in range(i + 1, 4)]
    assert row["kappa_pairs_mean"] == pytest.approx(np.mean(pairs), abs=5e-5)
    assert (row["kappa_pairs_min"], row["kappa_pairs_max"]) == pytest.approx((min(pairs), max(pairs)), abs=5e-5)


def test_agreement_three_coders_random_with_blanks_against_external_packages():
    import krippendorff

    rng = np.random.default_rng(17)
    truth = rng.integers(1, 7, 30)
    data = np.array([np.where(rng.random(30) < 0.75, truth, rng.integers(1, 7, 30)) for _ in range(3)])
    data = np.where(rng.random(data.shape) < 0.15, np.nan, data.astype(float))
    matrix = [[None if math.isnan(v) else int(v) for v in obs] for obs in data]
    row = agreement(*_coders(matrix), variables="ethnicity").iloc[0]
    assert row["kappa"] == pytest.approx(_statsmodels_fleiss(data.T), abs=5e-5)
    # Randolph's free-marginal kappa: statsmodels counts the categories seen, here all six of the codebook
    assert len(np.unique(data[~np.isnan(data)])) == row["n_categories"] == 6
    assert row["pabak"] == pytest.approx(_statsmodels_fleiss(data.T, "randolph"), abs=5e-5)
    assert row["alpha"] == pytest.approx(
        krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"), abs=5e-5
    )
    pairs = [_statsmodels_cohen(data[i], data[j]) for i, j in ((0, 1), (0, 2), (1, 2))]
    assert row["kappa_pairs_mean"] == pytest.approx(np.mean(pairs), abs=5e-5)
    recorded = (~np.isnan(data)).sum(axis=0)
    assert row["n"] == (recorded == 3).sum() and row["n_one_missing"] == ((recorded > 0) & (recorded < 3)).sum()


@pytest.fixture(scope="module")
def three():
    """Three coders of six synthetic reviews: themes with a blank group, ethnicity with a blank cell."""
    themes = [
        ["escalation", "escalation", "escalation; recording", "none", "", "communication"],
        ["escalation", "recording", "escalation", "none", "escalation", "communication"],
        ["escalation", "recording", "escalation", "none", "escalation", "none"],
    ]
    eth = [
        ["white", "white", "asian", "black", "white", "mixed"],
        ["white", "white", "asian", "black", "", "mixed"],
        ["white", "mixed", "asian", "black", "white", "mixed"],
    ]
    out = []
    for t, e in zip(themes, eth):
        rows = [{"review_id": f"SYN {i + 1} 2021", "child_no": 1, "themes": t[i], "ethnicity": e[i]} for i in range(6)]
        out.append(cprstats.code_reviews(_forms(rows)))
    return out


def test_any_option_level_and_option_columns(three):
    res = agreement(*three, variables=["themes"])
    assert res["variable"].tolist()[:2] == ["themes", "th_advocacy_individual"]
    any_row = res.iloc[0]
    assert any_row["field"] == "themes" and pd.isna(any_row["option"]) and any_row["kind"] == "multi"
    # any theme recorded: reviews 1-3 yes by all, 4 "none" (no) by all, 5 left empty by coder A
    # (incomplete), 6 yes, yes, no
    assert (any_row["n"], any_row["n_agree"], any_row["n_one_missing"], any_row["n_categories"]) == (5, 4, 1, 2)
    esc = res.set_index("variable").loc["th_escalation"]  # review 2: yes, no, no
    assert (esc["n"], esc["n_agree"], esc["n_one_missing"]) == (5, 4, 1)
    # the two-coder default leaves the "any" level out; asked for, it is there too
    two = agreement(three[0], three[1], variables="themes")
    assert "themes" not in two["variable"].tolist() and tuple(two.columns) == AGREEMENT_COLUMNS
    two_any = agreement(three[0], three[1], variables="themes", any_option=True)
    assert two_any["variable"].iloc[0] == "themes" and tuple(two_any.columns) == AGREEMENT_COLUMNS
    assert agreement(*three, variables="themes", any_option=False)["variable"].iloc[0] == "th_advocacy_individual"


def test_pairwise_rows_are_the_two_coder_rows(three):
    pairs = agreement(*three, variables=["ethnicity", "th_recording"], pairwise=True)
    assert tuple(pairs.columns) == PAIRWISE_COLUMNS
    assert pairs["pair"].tolist() == ["coder_a vs coder_b", "coder_a vs coder_c", "coder_b vs coder_c"] * 2
    for (i, j), name in zip(
        ((0, 1), (0, 2), (1, 2)), ("coder_a vs coder_b", "coder_a vs coder_c", "coder_b vs coder_c")
    ):
        two = agreement(three[i], three[j], variables=["ethnicity", "th_recording"])
        got = pairs[pairs["pair"] == name].drop(columns="pair").reset_index(drop=True)
        pd.testing.assert_frame_equal(got, two, check_like=False)
    k = agreement(*three, variables=["ethnicity", "th_recording"]).set_index("variable")
    eth = pairs[pairs["variable"] == "ethnicity"]["kappa"]
    assert k.loc["ethnicity", "kappa_pairs_mean"] == pytest.approx(eth.mean())
    assert k.loc["ethnicity", "kappa_pairs_min"] == pytest.approx(eth.min())
    assert k.loc["ethnicity", "coders"] == 3 and k.loc["ethnicity", "n_one_missing"] == 1


def test_two_coders_unchanged_and_positional_variables(three):
    a, b, _ = three
    by_keyword = agreement(a, b, variables=["ethnicity", "themes"])
    positional = agreement(a, b, ["ethnicity", "themes"])
    pd.testing.assert_frame_equal(by_keyword, positional)
    assert tuple(by_keyword.columns) == AGREEMENT_COLUMNS and "coders" not in by_keyword.columns
    pd.testing.assert_frame_equal(disagreements(a, b, "ethnicity"), disagreements(a, b, variables="ethnicity"))
    assert tuple(disagreements(a, b, "themes").columns) == DISAGREEMENT_COLUMNS


def test_disagreements_three_coders(three):
    d = disagreements(*three, variables=["ethnicity", "themes"])
    assert tuple(d.columns) == disagreement_columns(3) == (*DISAGREEMENT_COLUMNS, "value_c")
    rows = {(r.review_id, r.variable): (r.value_a, r.value_b, r.value_c) for r in d.itertuples()}
    assert rows[("SYN 2 2021", "ethnicity")] == ("white", "white", "mixed")
    assert rows[("SYN 5 2021", "ethnicity")] == ("white", NOT_RECORDED, "white")
    assert rows[("SYN 2 2021", "th_escalation")] == ("yes", "no", "no")
    assert rows[("SYN 5 2021", "th_escalation")] == (NOT_RECORDED, "yes", "yes")
    assert rows[("SYN 6 2021", "th_communication")] == ("yes", "yes", "no")
    assert ("SYN 1 2021", "ethnicity") not in rows and ("SYN 4 2021", "th_escalation") not in rows
    assert not d["variable"].eq("themes").any()  # the "any" level is not listed: the options say it
    assert d["review_id"].is_monotonic_increasing
    assert len(disagreements(three[0], three[0].copy(), three[0].copy())) == 0


def test_unmatched_reviews_and_errors(three):
    a, b, c = three
    with pytest.warns(
        UserWarning, match=r"1 review\(s\) were not coded by all 3 coders.*SYN 6 2021 child 1 \(coder_a, coder_b\)"
    ):
        res = agreement(a, b, c.iloc[:5], variables="ethnicity")
    assert res.attrs["n_matched"] == 5
    assert res.attrs["unmatched"] == [
        {"review_id": "SYN 6 2021", "child_no": 1, "coded_by": "coder_a"},
        {"review_id": "SYN 6 2021", "child_no": 1, "coded_by": "coder_b"},
    ]
    with pytest.raises(ParameterError, match="two or more coders, got 1"):
        agreement(a, variables="ethnicity")
    with pytest.raises(ParameterError, match="two or more coders, got 1"):
        disagreements(a)
    with pytest.raises(ParameterError, match="coder_c must be"):
        agreement(a, b, 42)


def test_summary_of_a_three_coder_table(three):
    res = agreement(*three, variables=["ethnicity", "themes"])
    s = agreement_summary(res).set_index("field")
    assert s.loc["themes", "n_variables"] == 1 + len(cprstats.load_codebook().option_columns("themes"))
    assert s.loc["ethnicity", "p_observed"] == pytest.approx(res.iloc[0]["n_agree"] / res.iloc[0]["n"])


def test_cli_agree_three_coders(three, tmp_path, capsys):
    from cprstats.cli import main

    paths = []
    for name, df in zip("abc", three):
        path = tmp_path / f"{name}.csv"
        df.to_csv(path, index=False)
        paths.append(str(path))
    out = tmp_path / "out"
    assert main(["agree", *paths, "--out", str(out), "--variables", "ethnicity", "themes"]) == 0
    printed = capsys.readouterr().out
    assert "6 subject children coded by all 3" in printed and "Fleiss" in printed
    assert sorted(p.name for p in out.iterdir()) == [
        "agreement.csv",
        "agreement_pairs.csv",
        "agreement_summary.csv",
        "disagreements.csv",
        "disagreements.xlsx",
        "unmatched.csv",
    ]
    table = pd.read_csv(out / "agreement.csv", encoding="utf-8-sig")
    assert list(table.columns) == list(AGREEMENT_K_COLUMNS) and table["coders"].eq(3).all()
    pairs = pd.read_csv(out / "agreement_pairs.csv", encoding="utf-8-sig")
    assert list(pairs.columns) == list(PAIRWISE_COLUMNS) and len(pairs) == 3 * len(table)
    diffs = pd.read_csv(out / "disagreements.csv", encoding="utf-8-sig")
    assert list(diffs.columns) == list(disagreement_columns(3))
    assert main(["agree", paths[0]]) == 2  # a usage error, as for every ParameterError
    assert "two or more" in capsys.readouterr().err
