"""Tests of the synthetic-data generator (cprstats.synth.generator and its synth_* parts).

All data here is synthetic. Reference values: the published counts are in test_published.py;
here the rules come from the Welsh system as the shared domain reference states it (section
3): concise CPR iff neither on the register nor looked after in the 6 months before; SUSR from
1 October 2024, replacing CPRs; Bridgend in Western Bay / West Glamorgan until 31 March 2019,
Cwm Taf Morgannwg from 1 April 2019.
"""

from __future__ import annotations

import filecmp
import io
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cprstats
from cprstats.synth.generator import AS_AT, SEED, wales_forms, write_forms, write_shipped

REPO = Path(__file__).resolve().parents[2]
SHIPPED = {  # file written by write_shipped -> the committed file it must equal byte for byte
    "forms_csv": REPO / "data/raw/wales_forms.csv",
    "forms_xlsx": REPO / "data/raw/wales_forms.xlsx",
    "dataset": REPO / "data/processed/wales.csv",
    "datapackage": REPO / "data/processed/datapackage.json",
    "package_forms": REPO / "cprstats/datasets/data/wales_forms.csv",
    "package_dataset": REPO / "cprstats/datasets/data/wales.csv",
    "coder_a": REPO / "data/raw/double_coding/coder_a.csv",
    "coder_b": REPO / "data/raw/double_coding/coder_b.csv",
}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """The shipped data written twice, into two fresh folders."""
    a = tmp_path_factory.mktemp("a")
    b = tmp_path_factory.mktemp("b")
    return write_shipped(a / "data", package_data=a / "pkg"), write_shipped(b / "data", package_data=b / "pkg")


@pytest.fixture(scope="module")
def coded(written):
    return cprstats.read_dataset(written[0]["dataset"])


def test_writing_twice_gives_identical_bytes(written):
    first, second = written
    assert set(first) == set(SHIPPED)
    for key in first:
        assert first[key].read_bytes() == second[key].read_bytes(), key


def test_regenerated_files_equal_the_committed_ones(written):
    for key, committed in SHIPPED.items():
        assert committed.is_file(), f"{committed} is missing: run `cprstats synth`"
        assert filecmp.cmp(written[0][key], committed, shallow=False), f"{committed} is stale: run `cprstats synth`"
    # the package's copy is the same bytes as the repository's data folder
    assert SHIPPED["package_dataset"].read_bytes() == SHIPPED["dataset"].read_bytes()
    assert SHIPPED["package_forms"].read_bytes() == SHIPPED["forms_csv"].read_bytes()
    assert (REPO / "cprstats/datasets/data/datapackage.json").read_bytes() == SHIPPED["datapackage"].read_bytes()


def test_xlsx_bytes_do_not_depend_on_source_date_epoch(tmp_path, monkeypatch):
    # `make` sets SOURCE_DATE_EPOCH=1700000000; the shipped workbook must not change with it
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1234567890")
    out = write_forms(wales_forms(), tmp_path)
    assert out["forms_xlsx"].read_bytes() == SHIPPED["forms_xlsx"].read_bytes()
    with zipfile.ZipFile(io.BytesIO(out["forms_xlsx"].read_bytes())) as z:
        core = z.read("docProps/core.xml").decode()
        assert {i.date_time for i in z.infolist()} == {(2025, 9, 1, 0, 0, 0)}
    assert f"{AS_AT}-01T00:00:00Z" in core
    import os

    assert os.environ["SOURCE_DATE_EPOCH"] == "1234567890"  # restored after writing


def test_xlsx_forms_code_to_the_same_dataset_as_csv(written):
    from_csv = cprstats.code_reviews(cprstats.read_forms(written[0]["forms_csv"]))
    from_xlsx = cprstats.code_reviews(cprstats.read_forms(written[0]["forms_xlsx"]))
    pd.testing.assert_frame_equal(from_csv, from_xlsx)


def test_forms_pass_validate(capsys):
    from cprstats.cli import main

    assert main(["validate", str(SHIPPED["forms_csv"])]) == 0
    out = capsys.readouterr().out
    assert "160 subject children in 157 reviews" in out and "no problems found" in out
    assert "rows of recommendations" in out and "rows of process" in out  # the linked forms beside them


def test_forms_mix_codes_labels_and_lists():
    forms = wales_forms()
    assert forms.attrs["synthetic"] is True
    assert list(forms.columns) == [f.name for f in cprstats.load_codebook().input_fields]
    la = forms["local_authority"]
    assert la.isin(["cardiff", "swansea"]).any()  # codes
    assert la.isin(["Cardiff", "Swansea", "Isle of Anglesey"]).any()  # English labels
    assert la.isin(["Caerdydd", "Abertawe", "Ynys Môn", "Sir Benfro", "Pen-y-bont ar Ogwr"]).any()  # Welsh labels
    assert forms["outcome"].str.startswith(" ").any()  # capitals with spaces
    assert forms["child_vulnerabilities"].str.contains("; ").any()
    assert forms["incident_date"].str.fullmatch(r"\d{4}-\d\d-\d\d").any()  # some full dates
    assert (forms["child_vulnerabilities"] == "").any() and (forms["good_practice"] == "none").any()


def test_size_and_spread(coded):
    assert len(coded) == 160 and coded["review_id"].nunique() == 157
    assert (coded["child_no"] == 2).sum() == 3
    assert coded["incident_year"].min() == 2013 and coded["incident_year"].max() == 2025
    assert set(coded["board"].astype(str)) == {"NWSB", "MWW", "WGSB", "CTM", "CAV", "GWENT"}
    assert coded["local_authority"].nunique() >= 20
    assert coded["age_months"].min() == 0 and coded["age_band_mcmanus"].eq("y18_plus").any()


def test_review_types_follow_the_rules(coded):
    rt = coded["review_type"].astype(str)
    month = coded["incident_date"]
    susr_start = pd.Period("2024-10", "M")
    assert (rt == "susr").any() and (month[rt == "susr"] >= susr_start).all()
    assert not rt[month >= susr_start].isin(["cpr_concise", "cpr_extended"]).any()
    either = coded["on_cp_register_6m"].eq("yes") | coded["looked_after_6m"].eq("yes")
    assert either[rt == "cpr_extended"].all()
    neither = coded["on_cp_register_6m"].eq("no") & coded["looked_after_6m"].eq("no")
    assert neither[rt == "cpr_concise"].all()
    assert coded.loc[coded["age_months"] >= 216, "looked_after_6m"].eq("yes").all()  # care leavers


def test_joint_structure_is_plausible(coded):
    it = coded["incident_type"].astype(str)
    age = coded["age_months"]
    assert (age[it == "suicide"] >= 132).all()  # no suicide under 11
    assert (age[it == "sudi"] < 12).all()
    deaths = it.isin(["sudi", "suicide", "fatal_physical_abuse", "extrafamilial_homicide"])
    assert coded.loc[deaths, "outcome"].eq("death").all()
    cpr = coded["review_type"].isin(["cpr_concise", "cpr_extended"])
    assert not coded.loc[cpr, "outcome"].eq("other").any()


def test_dates_boards_and_missingness(coded):
    pub, inc = coded["publication_date"], coded["incident_date"]
    lag = pub.dropna().astype("int64") - inc[pub.notna()].astype("int64")
    assert lag.between(6, 30).all()
    assert pub.max() <= pd.Period(AS_AT, "M")
    assert pub[coded["review_type"] == "mapf"].isna().all()
    assert pub[inc >= pd.Period("2025-04", "M")].isna().all()
    bridgend = coded[coded["local_authority"] == "bridgend"]
    early = bridgend["incident_date"] < pd.Period("2019-04", "M")
    assert early.any() and (~early).any()
    assert bridgend.loc[early, "board"].eq("WGSB").all() and bridgend.loc[~early, "board"].eq("CTM").all()
    # Covid-19 factors only after the cut; every group sometimes not recorded
    assert coded.loc[coded["period"] == "pre_covid", "cov_less_visible"].isna().all()
    assert (inc != pd.Period("2020-03", "M")).all()
    for col in (
        "harm_neglect",
        "cv_poor_home_conditions",
        "pr_domestic_abuse",
        "ag_police",
        "good_health",
        "th_recording",
        "lp_childs_voice",
    ):
        assert coded[col].isna().any() and coded[col].notna().mean() > 0.7, col


def test_any_seed_gives_calibrated_samples():
    data = cprstats.code_reviews(wales_forms(seed=SEED + 1))
    for source in ("mcmanus_2023", "mww_2017_2021"):
        assert cprstats.check_published(data, source=source)["consistent"].all(), source


def test_scale_mode_100k_rows_is_valid():
    forms = cprstats.generate(100_000, seed=11)
    assert forms.shape == (100_000, 29)  # 26 input variables, plus gender_identity, education_setting, harm_experienced
    assert forms["review_id"].is_unique and forms.iloc[-1]["review_id"] == "SYN-100000"
    assert (forms.dtypes == "str").all()
    cb = cprstats.load_codebook()
    for name in ("review_type", "outcome", "incident_type", "local_authority"):
        fld = cb.field(name)
        allowed = set(fld.codes) | {c.label.en for c in fld.categories} | {c.label.cy for c in fld.categories}
        allowed |= {f" {c.upper()} " for c in fld.codes}
        assert forms[name].isin(allowed).all(), name
    # a slice through the full coder (the whole 100k is timed in the benchmarks, not here)
    coded = cprstats.code_reviews(forms.iloc[:3000].copy())
    assert len(coded) == 3000
    after = coded["incident_date"] >= pd.Period("2024-10", "M")
    assert not coded.loc[after, "review_type"].isin(["cpr_concise", "cpr_extended"]).any()


def test_scale_mode_is_deterministic_and_seeded():
    a = cprstats.generate(500, seed=3)
    assert a.equals(cprstats.generate(500, seed=3))
    assert not a.equals(cprstats.generate(500, seed=4))
    plain = cprstats.generate(200, seed=3, mix=False)
    assert plain["review_type"].isin(cprstats.load_codebook().field("review_type").codes).all()
    assert cprstats.generate(0).shape == (0, 29)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n": -1}, "n=-1 must be a whole number"),
        ({"n": 2.5}, "n=2.5 must be a whole number"),
        ({"n": 5, "start": "2020-01", "end": "2019-01"}, "end='2019-01' is before start='2020-01'"),
        ({"n": 5, "start": "January"}, "must be months written YYYY-MM"),
    ],
)
def test_generate_rejects_bad_arguments(kwargs, message):
    with pytest.raises(cprstats.ParameterError, match=message):
        cprstats.generate(**kwargs)


def test_cli_check_names_a_changed_file(written, tmp_path, capsys):
    from cprstats.cli import main

    copy = tmp_path / "data"
    shutil.copytree(Path(written[0]["forms_csv"]).parent.parent, copy)
    target = copy / "processed" / "wales.csv"
    target.write_bytes(target.read_bytes().replace(b"death", b"Death", 1))
    assert main(["synth", "--out", str(copy), "--check"]) == 1
    out = capsys.readouterr().out
    assert str(target) in out and "wales_forms.csv" not in out  # only the changed file is named


def test_option_probabilities_follow_the_codebook():
    from cprstats.synth.tables import OPTION_P, probabilities

    cb = cprstats.load_codebook()
    for field, table in OPTION_P.items():
        assert set(table) == set(cb.field(field).codes), field
    with pytest.raises(cprstats.CodebookError, match="no probability for"):
        probabilities({"a": 1.0}, ("a", "b"))
    assert np.allclose(probabilities({"b": 0.25, "a": 0.75}, ("a", "b")), [0.75, 0.25])
