"""Tests of `cprstats.datasets.load_data`, the one loader, and of everything that must use it.

`cprstats.Report`, ``cprstats run --data`` (`cprstats.runner.data.prepare_data`),
`cprstats.agreement` and ``cprstats agree`` / ``cprstats export`` must give the same answer to
"what is this data?": an example name, coding forms (CSV, XLSX, a folder of YAML), a coded
dataset CSV written by ``cprstats code`` or saved by a researcher with pandas' ``to_csv``
(booleans written ``True``/``False``), or a DataFrame; anything else is a `ParameterError`
naming the file. Data: the shipped synthetic examples and test forms (all synthetic).
Reference values: the examples' own contents (a coded dataset read back equals what was written).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import cprstats
from cprstats.cli import main
from cprstats.datasets import DATA_KINDS, load_data
from cprstats.errors import FormsError, ParameterError
from cprstats.io import write_xlsx
from cprstats.io.datapackage import read_dataset
from cprstats.runner.data import prepare_data

HERE = Path(__file__).parents[1]
FORMS = HERE / "data" / "forms"
REPO = HERE.parent


@pytest.fixture(scope="module")
def mww():
    return cprstats.load_example("mww_2017_2021")


@pytest.fixture
def pandas_csv(tmp_path, mww):
    """The example as a researcher saves it with pandas: no datapackage.json, booleans as True/False."""
    path = tmp_path / "mine.csv"
    mww.to_csv(path, index=False)
    return path


@pytest.fixture
def coded_csv(tmp_path, capsys):
    """A coded dataset written by ``cprstats code`` (with its datapackage.json)."""
    out = tmp_path / "coded" / "coded.csv"
    assert main(["code", str(FORMS / "good.csv"), "-o", str(out)]) == 0
    capsys.readouterr()
    return out


# --------------------------------------------------------------------------- what each kind is
def test_pandas_csv_writes_python_booleans_and_is_read_as_a_coded_dataset(pandas_csv, mww):
    text = pandas_csv.read_text(encoding="utf-8")
    assert ",True," in text and ",False," in text and ",true," not in text  # the premise
    back = load_data(pandas_csv)
    assert back.attrs["data_kind"] == "dataset"
    pd.testing.assert_frame_equal(back, mww)  # every dtype, category and missing value restored
    assert not back.attrs.get("synthetic")  # nothing beside it says so


@pytest.mark.parametrize("true, false", [("true", "false"), ("True", "False"), ("TRUE", "FALSE")])
def test_read_dataset_accepts_each_way_of_writing_booleans(tmp_path, mww, true, false):
    path = tmp_path / "b.csv"
    text = mww.to_csv(index=False).replace(",True", f",{true}").replace(",False", f",{false}")
    path.write_text(text, encoding="utf-8")
    back = read_dataset(path)
    pd.testing.assert_frame_equal(back, mww)
    bad = text.replace(f",{true},", ",yes,", 1)
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(FormsError, match=r"holds 'yes'; a boolean column holds true, false or nothing"):
        read_dataset(path)


def test_cprstats_code_output_is_a_coded_dataset(coded_csv):
    data = load_data(coded_csv)
    assert data.attrs["data_kind"] == "dataset" and len(data) > 0
    assert list(data.columns) == list(cprstats.load_codebook().coded_columns)


def test_forms_of_every_format_are_coded(tmp_path, mww):
    for source in (FORMS / "good.csv", FORMS / "yaml"):
        data = load_data(source)
        assert data.attrs["data_kind"] == "forms" and "period" in data.columns
    xlsx = tmp_path / "forms.xlsx"
    write_xlsx({"coding": cprstats.read_forms(FORMS / "good.csv")}, xlsx)
    assert load_data(xlsx).attrs["data_kind"] == "forms"


def test_examples_and_frames(mww):
    assert load_data("mww_2017_2021").attrs["data_kind"] == "example"
    same = load_data(mww)
    assert same.attrs["data_kind"] == "dataframe" and "data_kind" not in mww.attrs  # the caller's frame untouched
    forms = cprstats.read_forms(FORMS / "good.csv")
    assert load_data(forms).attrs["data_kind"] == "forms"
    assert set(DATA_KINDS) == {"example", "dataset", "forms", "dataframe"}


# --------------------------------------------------------------------------- refusals name the file
@pytest.mark.parametrize(
    "name, content, message",
    [
        (
            "notes.csv",
            "what,when\nmeeting,Tuesday\n",
            r"is neither coding forms nor a coded dataset: none of its columns",
        ),
        ("notes.txt", "hello\n", r"is neither coding forms nor a coded dataset \(a \.txt file\)"),
        ("half.csv", "review_id,period,outcome\nX 1,pre_covid,death\n", r"nor a whole coded dataset.*period"),
    ],
    ids=["csv_of_other_things", "text_file", "part_of_a_coded_dataset"],
)
def test_neither_forms_nor_dataset_is_a_parameter_error_naming_the_file(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ParameterError, match=message) as err:
        load_data(path)
    assert str(path) in str(err.value)
    with pytest.raises(ParameterError, match=message):  # the same message from the report
        cprstats.Report(data=str(path))


def test_missing_paths_and_empty_folders(tmp_path):
    with pytest.raises(ParameterError, match=r"data='walse' is neither a file or folder.*did you mean 'wales'"):
        load_data("walse")
    with pytest.raises(ParameterError, match=r"is a folder without \.yaml or \.yml coding forms"):
        load_data(tmp_path)
    with pytest.raises(ParameterError, match=r"coder_a must be a DataFrame.*got int"):
        load_data(3, name="coder_a")
    with pytest.raises(ParameterError, match=r"data must be an example name or the path.*got DataFrame"):
        prepare_data(cprstats.load_example("mww_2017_2021"), tmp_path / "work")


def test_an_example_name_that_is_also_a_file_here_is_ambiguous(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "wales").mkdir()  # e.g. a folder of reports: not data, so the example is meant
    (tmp_path / "wales" / "all").mkdir()
    assert load_data("wales").attrs["data_kind"] == "example"
    (tmp_path / "mww_2017_2021").write_text("review_id\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"is both a shipped example and a file or folder here"):
        load_data("mww_2017_2021")


# --------------------------------------------------------------------------- every caller, one answer
def test_report_runner_and_agreement_use_the_one_loader(tmp_path, pandas_csv, coded_csv, mww):
    rep = cprstats.Report(data=str(pandas_csv), region="MWW")
    assert len(rep.data) == len(mww) and rep.source == {"kind": "file", "name": "mine.csv"}
    src = prepare_data(pandas_csv, tmp_path / "work")
    assert (src.kind, src.parameter) == ("dataset", str(pandas_csv.resolve()))
    assert not (tmp_path / "work").exists()  # a coded dataset is passed by its path, not copied
    src = prepare_data(coded_csv, tmp_path / "work")
    assert src.kind == "dataset" and len(src.frame) == len(load_data(coded_csv))
    src = prepare_data(FORMS / "good.csv", tmp_path / "work")
    assert src.kind == "forms" and Path(src.parameter).is_file()
    table = cprstats.agreement(pandas_csv, str(pandas_csv), ["outcome"])  # a coded CSV against itself
    assert table.attrs["n_matched"] == len(mww) and table["p_observed"].eq(1).all()


def test_cli_agree_and_export_read_coded_csvs(tmp_path, pandas_csv, capsys):
    assert main(["agree", str(pandas_csv), str(pandas_csv), "--variables", "outcome"]) == 0
    assert "11 subject children coded by both" in capsys.readouterr().out
    out = tmp_path / "mine.parquet"
    assert main(["export", str(pandas_csv), "--format", "parquet", "-o", str(out)]) == 0
    assert len(pd.read_parquet(out)) == 11
    notes = tmp_path / "notes.csv"
    notes.write_text("what,when\nmeeting,Tuesday\n", encoding="utf-8")
    assert main(["agree", str(notes), str(pandas_csv)]) == 2
    err = capsys.readouterr().err
    assert f"cprstats agree: A={str(notes)!r} is neither coding forms nor a coded dataset" in err
    assert main(["export", str(notes), "--format", "csv", "-o", str(tmp_path / "x.csv")]) == 2
    assert "is neither coding forms nor a coded dataset" in capsys.readouterr().err


@pytest.mark.slow
def test_cprstats_run_on_a_coded_csv_saved_with_pandas(tmp_path):
    """``cprstats run --data coded.csv`` through the command line, one notebook, one region."""
    wales = cprstats.load_example("wales")
    wales.to_csv(tmp_path / "coded.csv", index=False)  # booleans as True/False, no datapackage.json
    out = tmp_path / "out"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "cprstats",
            "run",
            "--data",
            "coded.csv",
            "--region",
            "MWW",
            "--notebook",
            "01_children_and_families",
            "--notebook-dir",
            str(REPO / "notebooks"),
            "--output",
            str(out),
            "-q",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    folder = out / "MWW" / "all"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["data"]["kind"] == "dataset" and manifest["status"] == "ok"
    assert manifest["n_children"] == int(wales["board"].eq("MWW").sum())
    assert (folder / "01_children_and_families.ipynb").is_file()
    assert any((folder / "tables").glob("*.csv"))
