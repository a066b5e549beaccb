"""Tests for cprstats.io.exporters: SPSS, Stata, Parquet and CSV exports read back with their own
readers carry the coded values and the codebook's labels. All data here are synthetic.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

import cprstats
from cprstats.errors import ParameterError
from cprstats.io.exporters import STATA_LABEL_MAX, _cut, export

CB = cprstats.load_codebook()


@pytest.fixture(scope="module")
def coded():
    """A small synthetic coded dataset: categoricals, options, integers, months and gaps."""
    base = {
        "local_authority": "powys",
        "review_type": "cpr_concise",
        "on_cp_register_6m": "no",
        "looked_after_6m": "no",
        "outcome": "death",
    }
    rows = [
        {
            "review_id": "SYN 1 2019",
            "child_no": "1",
            "incident_date": "2019-05",
            "publication_date": "2020-11",
            "age_months": "190",
            "sex": "female",
            "ethnicity": "black",
            "n_siblings": "2",
            "birth_position": "youngest",
            "themes": "escalation; recording",
            "child_vulnerabilities": "neglect",
            "study_samples": "mcmanus_2023",
        },
        {
            "review_id": "SYN 1 2019",
            "child_no": "2",
            "incident_date": "2019-05",
            "age_months": "2",
            "sex": "male",
            "themes": "none",
            "local_authority": "bridgend",
        },
        {
            "review_id": "SYN 4 2021",
            "child_no": "1",
            "incident_date": "2021-02",
            "review_type": "mapf",
            "outcome": "other",
            "ethnicity": "unknown",
            "child_vulnerabilities": "none",
            "study_samples": "mww_2017_2021",
        },
    ]
    forms = pd.DataFrame([{**base, **r} for r in rows]).fillna("")
    forms.index = pd.RangeIndex(2, 5, name="row")
    df = cprstats.code_reviews(forms)
    df.attrs["synthetic"] = True
    return df


def _label(col, value, lang):
    fld, option = CB.resolve(col)
    return fld.title.get(lang) + (f": {fld.category(option).label.get(lang)}" if option else "")


# --------------------------------------------------------------------------- SPSS
@pytest.mark.parametrize("lang", ["en", "cy"])
def test_sav_round_trip(coded, tmp_path, lang):
    pyreadstat = pytest.importorskip("pyreadstat")
    path = export(coded, tmp_path / "d.sav", format="sav", lang=lang)
    data, meta = pyreadstat.read_sav(str(path))
    assert list(data.columns) == [c for c in coded.columns if c != "age_months"]  # restricted left out
    assert len(data) == len(coded)
    for col in data.columns:
        fld, option = CB.resolve(col)
        got, want = data[col], coded[col]
        assert meta.column_names_to_labels[col] == _cut(_label(col, None, lang), 256, by_bytes=True)
        if option is not None or fld.type == "boolean":
            assert meta.variable_value_labels[col] == {
                0.0: ("No" if lang == "en" else "Na"),
                1.0: ("Yes" if lang == "en" else "Ie"),
            }
            assert got.isna().tolist() == want.isna().tolist()
            assert got.dropna().tolist() == want.dropna().astype(float).tolist()
        elif fld.categories:
            labels = meta.variable_value_labels[col]
            assert labels == {float(i + 1): c.label.get(lang) for i, c in enumerate(fld.categories)}
            shown = [None if pd.isna(v) else labels[v] for v in got]
            assert shown == [None if pd.isna(v) else CB.label(col, v, lang=lang) for v in want]
            assert meta.variable_measure[col] == ("ordinal" if fld.ordered else "nominal")
        elif fld.type == "integer":
            assert got.fillna(-1).tolist() == want.astype("Float64").fillna(-1).tolist()
        elif fld.type == "yearmonth":
            assert meta.original_variable_types[col] == "MOYR8"
            # SPSS dates are seconds since 14 October 1582
            back = [
                None if pd.isna(v) else pd.Period(dt.datetime(1582, 10, 14) + dt.timedelta(seconds=v), "M") for v in got
            ]
            assert back == [None if pd.isna(v) else v for v in want]
        else:
            assert got.fillna("").tolist() == want.fillna("").tolist()
    if lang == "cy":
        assert meta.column_names_to_labels["ethnicity"] == "Grŵp ethnig"  # Welsh letters survive
        assert "Du, Du Prydeinig, Caribïaidd neu Affricanaidd" in meta.variable_value_labels["ethnicity"].values()


# --------------------------------------------------------------------------- Stata
@pytest.mark.parametrize("lang", ["en", "cy"])
def test_dta_round_trip(coded, tmp_path, lang):
    path = export(coded, tmp_path / "d.dta", format="dta", lang=lang)
    data = pd.read_stata(path)  # value labels applied: categoricals of labels
    with pd.io.stata.StataReader(path) as reader:
        var_labels = reader.variable_labels()
        value_labels = reader.value_labels()
        data_label = reader.data_label
    assert list(data.columns) == [c for c in coded.columns if c != "age_months"]
    assert data_label.startswith("SYNTHETIC")
    for col in data.columns:
        fld, option = CB.resolve(col)
        full = _label(col, None, lang)
        assert len(var_labels[col]) <= STATA_LABEL_MAX
        if len(full) <= STATA_LABEL_MAX:
            assert var_labels[col] == full
        else:  # cut at a word boundary, marked with an ellipsis
            assert var_labels[col].endswith("\u2026") and full.startswith(var_labels[col][:-1])
        got, want = data[col], coded[col]
        if option is not None or fld.type == "boolean":
            yes, no = ("Yes", "No") if lang == "en" else ("Ie", "Na")
            assert [None if pd.isna(v) else v for v in got] == [
                None if pd.isna(v) else (yes if v else no) for v in want
            ]
        elif fld.categories:
            assert [None if pd.isna(v) else v for v in got] == [
                None if pd.isna(v) else CB.label(col, v, lang=lang) for v in want
            ]
            assert set(value_labels[col].values()) == {c.label.get(lang) for c in fld.categories}
        elif fld.type == "integer":
            assert got.fillna(-1).tolist() == want.astype("Float64").fillna(-1).tolist()
        elif fld.type == "yearmonth":  # Stata %tm, read back as the 1st of the month
            assert [None if pd.isna(v) else pd.Period(v, "M") for v in got] == [None if pd.isna(v) else v for v in want]
        else:
            assert got.tolist() == want.fillna("").tolist()
    if lang == "cy":
        assert var_labels["ethnicity"] == "Grŵp ethnig"
        assert var_labels["in_mcmanus_2023"].endswith("\u2026")  # 118 characters in Welsh


def test_dta_is_deterministic(coded, tmp_path):
    a = export(coded, tmp_path / "a.dta", format="dta").read_bytes()
    b = export(coded, tmp_path / "b.dta", format="dta").read_bytes()
    assert a == b


def test_cut_labels():
    assert _cut("short", 80) == "short"
    text = "Published study samples: All-Wales thematic analysis of 33 CPRs (McManus et al. 2023)"
    out = _cut(text, 80)
    assert len(out) <= 80 and out.endswith("\u2026") and text.startswith(out[:-1]) and not out[:-1].endswith(" ")
    welsh = "ŵ" * 100
    assert len(_cut(welsh, 120, by_bytes=True).encode("utf-8")) <= 120


# --------------------------------------------------------------------------- Parquet and CSV
def test_parquet_round_trip_keeps_categoricals(coded, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    path = export(coded, tmp_path / "d.parquet", format="parquet", lang="cy")
    back = pd.read_parquet(path)
    assert list(back.columns) == [c for c in coded.columns if c != "age_months"]
    for col in back.columns:
        fld, option = CB.resolve(col)
        if fld.categories and option is None:
            assert isinstance(back[col].dtype, pd.CategoricalDtype)
            assert list(back[col].cat.categories) == list(fld.codes) and back[col].cat.ordered == fld.ordered
            assert back[col].astype(object).tolist() == coded[col].astype(object).tolist()
        elif fld.type == "yearmonth":
            assert back[col].tolist() == [pd.NA if pd.isna(v) else str(v) for v in coded[col]]
        else:
            assert back[col].astype(object).fillna("NA").tolist() == coded[col].astype(object).fillna("NA").tolist()
    meta = json.loads(pq.read_schema(path).metadata[b"cprstats"])
    assert meta["lang"] == "cy" and meta["synthetic"] is True
    assert meta["variable_labels"]["ethnicity"] == "Grŵp ethnig"
    assert meta["value_labels"]["outcome"]["death"] == "Marwolaeth"


def test_csv_export_writes_a_data_package(coded, tmp_path):
    from cprstats.io.datapackage import read_dataset

    path = export(coded, tmp_path / "pub" / "d.csv", format="csv")
    assert (path.parent / "datapackage.json").is_file()
    back = read_dataset(path)
    assert list(back.columns) == [c for c in coded.columns if c != "age_months"]
    pd.testing.assert_frame_equal(back, coded.drop(columns="age_months").reset_index(drop=True), check_dtype=True)
    # a dataset path as input, and a folder already describing another file is refused
    with pytest.raises(ParameterError, match="describes d.csv"):
        export(path, tmp_path / "pub" / "other.csv", format="csv")


def test_formula_like_text_is_neutralised_in_csv(coded, tmp_path):
    df = coded.copy()
    df["review_id"] = df["review_id"].astype("string")
    df.loc[0, "review_id"] = "=HYPERLINK(1)"
    path = export(df, tmp_path / "f.csv", format="csv")
    assert "'=HYPERLINK(1)" in path.read_text(encoding="utf-8-sig")


# --------------------------------------------------------------------------- restricted and arguments
@pytest.mark.parametrize("fmt", ["sav", "dta", "parquet", "csv"])
def test_restricted_only_on_request(coded, tmp_path, fmt):
    with pytest.warns(UserWarning, match="age_months.*never be published"):
        path = export(coded, tmp_path / f"r.{fmt}", format=fmt, include_restricted=True)
    if fmt == "sav":
        import pyreadstat

        cols = pyreadstat.read_sav(str(path), metadataonly=True)[1].column_names
    elif fmt == "dta":
        cols = list(pd.read_stata(path).columns)
    elif fmt == "parquet":
        cols = list(pd.read_parquet(path).columns)
    else:
        cols = list(pd.read_csv(path, nrows=0).columns)
    assert "age_months" in cols


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"path": "x.xlsx", "format": "xlsx"}, "format='xlsx' is not allowed; use one of sav, dta, parquet, csv"),
        ({"path": "x.dta", "format": "sav"}, "must end in .sav"),
        ({"path": "x.sav", "format": "sav", "lang": "fr"}, "lang='fr'"),
        ({"path": "x.sav", "format": "sav", "include_restricted": "yes"}, "include_restricted must be True or False"),
    ],
)
def test_bad_arguments(coded, tmp_path, kwargs, message):
    kwargs = {**kwargs, "path": tmp_path / kwargs["path"]}
    with pytest.raises(ParameterError, match=message):
        export(coded, **kwargs)
    with pytest.raises(ParameterError, match="dataset must be"):
        export(42, tmp_path / "x.sav", format="sav")
    assert not list(tmp_path.iterdir())


def test_cli_export(coded, tmp_path, capsys):
    from cprstats.cli import main
    from cprstats.io.datapackage import write_dataset

    src = tmp_path / "data" / "coded.csv"
    write_dataset(coded, src)
    assert main(["export", str(src), "--format", "dta", "--lang", "cy"]) == 0
    assert (tmp_path / "data" / "coded.dta").is_file() and "coded.dta" in capsys.readouterr().out
    assert main(["export", str(src), "--format", "sav", "-o", str(tmp_path / "x.sav")]) == 0
    assert "age_months" not in pd.read_stata(tmp_path / "data" / "coded.dta").columns
    assert main(["export", str(src), "--format", "csv"]) == 2  # would replace the dataset itself
    assert "replace the dataset" in capsys.readouterr().err
