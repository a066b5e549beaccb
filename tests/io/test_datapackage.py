"""Tests for cprstats.io.datapackage: Table Schema from the codebook, write/read round trip, hash check.

All data are SYNTHETIC. Reference values: the descriptor keys (``profile: tabular-data-package``,
``resources[].path/hash/schema``, ``fields[].name/type/title/description``, ``primaryKey``,
``missingValues``, ``categories``/``categoriesOrdered``, ``constraints.enum``, ``trueValues``) are
from the Frictionless Data Package and Table Schema specifications (v2, datapackage.org, "Table
Schema": "Field Types" and "Constraints"; v1 ``enum`` so R's frictionless package makes factors).
The hash is SHA-256 of the file's bytes (FIPS 180-4), written ``sha256:<hex>`` as the spec's
``hash`` property allows.
"""

from __future__ import annotations

import hashlib
import json
import shutil

import pandas as pd
import pytest

import cprstats
from cprstats.errors import FormsError, ParameterError
from cprstats.io.datapackage import SYNTHETIC_NOTE, dataset_to_text, read_dataset, table_schema, write_dataset


# --------------------------------------------------------------------------- table_schema
def test_table_schema_fields_follow_the_codebook(codebook):
    s = table_schema()
    assert [f["name"] for f in s["fields"]] == list(codebook.coded_columns)
    assert s["primaryKey"] == ["review_id", "child_no"]
    assert s["missingValues"] == [""]
    by = {f["name"]: f for f in s["fields"]}
    assert by["outcome"]["type"] == "string"
    assert by["outcome"]["categories"][0] == {"value": "death", "label": "Death"}
    assert by["outcome"]["constraints"]["enum"] == list(codebook.field("outcome").codes)
    assert by["outcome"]["categoriesOrdered"] is False
    assert by["age_band_mcmanus"]["categoriesOrdered"] is True
    assert by["review_id"]["constraints"]["required"] is True
    assert by["n_siblings"]["type"] == "integer"
    assert by["n_siblings"]["constraints"] == {"minimum": 0, "maximum": 20}
    assert by["incident_date"]["type"] == "yearmonth"
    assert by["incident_date"]["constraints"] == {"required": True}  # "2008-01" bounds are not Table Schema numbers
    assert by["age_months"]["x-cprstats-restricted"] is True
    assert by["period"]["x-cprstats-derived"] == {"method": "date_periods", "from": ["incident_date"]}
    assert by["has_siblings"]["type"] == "boolean" and by["has_siblings"]["trueValues"] == ["true"]
    opt = by["harm_neglect"]
    assert opt["type"] == "boolean" and opt["x-cprstats-group"] == "harm_experienced"
    assert opt["title"] == "Harm experienced: Neglect"
    assert opt["description"].endswith("Empty: not recorded.")


def test_table_schema_in_welsh():
    by = {f["name"]: f for f in table_schema(lang="cy")["fields"]}
    assert by["outcome"]["categories"][0]["label"] == "Marwolaeth"  # domain reference §5
    assert by["harm_neglect"]["title"] == "Niwed a brofwyd: Esgeulustod"
    assert by["harm_neglect"]["description"].endswith("Gwag: heb ei gofnodi.")


def test_table_schema_columns_and_language_checked():
    s = table_schema(columns=["review_id", "coder"])
    assert [f["name"] for f in s["fields"]] == ["review_id", "coder"]
    assert s["fields"][1]["type"] == "string" and "not in the codebook" in s["fields"][1]["description"]
    with pytest.raises(ParameterError, match="lang='de'"):
        table_schema(lang="de")


# --------------------------------------------------------------------------- writing and reading
@pytest.fixture(scope="module")
def written(tmp_path_factory, small_coded):
    """The small coded dataset written once (writing is the slow part); tests copy it to change it."""
    out = tmp_path_factory.mktemp("written") / "coded.csv"
    write_dataset(small_coded, out)
    return out


def _copy(written, tmp_path):
    for name in (written.name, "datapackage.json"):
        shutil.copy(written.parent / name, tmp_path / name)
    return tmp_path / written.name


def test_dataset_to_text(small_coded):
    txt = dataset_to_text(small_coded)
    assert txt.loc[0, "incident_date"] == "2018-06"
    assert txt.loc[3, "publication_date"] == ""
    assert txt.loc[0, "harm_emotional_abuse"] == "true" and txt.loc[0, "harm_neglect"] == "false"
    assert txt.loc[5, "harm_neglect"] == ""  # not recorded
    assert txt.loc[0, "child_no"] == "1" and txt.loc[0, "outcome"] == "death"
    assert txt.loc[3, "youngest"] == ""


def test_round_trip_keeps_every_dtype_and_value(written, small_coded):
    out = written
    pkg_path = out.parent / "datapackage.json"
    back = read_dataset(out)
    pd.testing.assert_frame_equal(back, small_coded)  # dtypes, categories, order, <NA>s
    assert (back.dtypes == small_coded.dtypes).all()
    assert back.attrs["source"] == str(out)
    assert "synthetic" not in back.attrs
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel shows Welsh letters
    pkg = json.loads(pkg_path.read_text(encoding="utf-8"))
    res = pkg["resources"][0]
    assert pkg["profile"] == "tabular-data-package"
    assert res["path"] == "coded.csv" and res["encoding"] == "utf-8-sig"
    assert res["hash"] == "sha256:" + hashlib.sha256(raw).hexdigest()
    assert [f["name"] for f in res["schema"]["fields"]] == list(small_coded.columns)
    assert pkg["x-cprstats"]["synthetic"] is False
    assert not pkg["description"].startswith("SYNTHETIC")


def test_writing_again_gives_the_same_bytes(tmp_path, written, small_coded):
    pkg = write_dataset(small_coded, tmp_path / "coded.csv")
    assert pkg == tmp_path / "datapackage.json"
    assert (tmp_path / "coded.csv").read_bytes() == written.read_bytes()
    assert pkg.read_bytes() == (written.parent / "datapackage.json").read_bytes()


def test_synthetic_flag(tmp_path, small_coded):
    out = tmp_path / "synthetic.csv"
    pkg = json.loads(write_dataset(small_coded, out, synthetic=True).read_text(encoding="utf-8"))
    assert pkg["x-cprstats"]["synthetic"] is True
    assert pkg["description"].startswith(SYNTHETIC_NOTE)
    assert read_dataset(out).attrs["synthetic"] is True
    # the flag also comes from the data's attrs
    flagged = small_coded.copy()
    flagged.attrs = {"synthetic": True}
    pkg = json.loads(write_dataset(flagged, tmp_path / "f" / "x.csv").read_text(encoding="utf-8"))
    assert pkg["x-cprstats"]["synthetic"] is True


def test_welsh_package(tmp_path, small_coded):
    pkg = json.loads(write_dataset(small_coded, tmp_path / "c.csv", lang="cy").read_text(encoding="utf-8"))
    assert pkg["title"].startswith("Llyfr codau cprstats")


def test_changed_csv_is_caught_by_the_hash(tmp_path, written):
    out = _copy(written, tmp_path)
    text = out.read_text(encoding="utf-8-sig").replace("CYSUR 1 2018", "CYSUR 9 2018")
    out.write_text(text, encoding="utf-8-sig")
    with pytest.raises(FormsError, match="has changed since datapackage.json was written"):
        read_dataset(out)
    (tmp_path / "datapackage.json").unlink()  # without a descriptor there is nothing to check against
    assert read_dataset(out).loc[0, "review_id"] == "CYSUR 9 2018"


def test_kept_columns_round_trip_as_text(tmp_path, small_coded):
    df = small_coded.copy()
    df["coder"] = pd.array(["A", "B", "A", "B", "A", pd.NA], dtype="string")
    out = tmp_path / "coded.csv"
    pkg = json.loads(write_dataset(df, out).read_text(encoding="utf-8"))
    assert pkg["resources"][0]["schema"]["fields"][-1]["name"] == "coder"
    pd.testing.assert_series_equal(read_dataset(out)["coder"], df["coder"])


def test_write_needs_a_csv_path(tmp_path, small_coded):
    with pytest.raises(ParameterError, match="written as a .csv file"):
        write_dataset(small_coded, tmp_path / "coded.xlsx")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "edit, fragment",
    [
        (lambda t: t.replace(",death,", ",drowning,", 1), "allowed: death"),
        (lambda t: t.replace(",true,", ",yes,", 1), "a boolean column holds true, false or nothing"),
    ],
    ids=["unknown_category", "bad_boolean"],
)
def test_read_dataset_refuses_bad_values(tmp_path, written, edit, fragment):
    out = _copy(written, tmp_path)
    (tmp_path / "datapackage.json").unlink()
    out.write_text(edit(out.read_text(encoding="utf-8-sig")), encoding="utf-8-sig")
    with pytest.raises(FormsError, match=fragment):
        read_dataset(out)


def test_read_dataset_missing_file(tmp_path):
    with pytest.raises(FormsError, match="no such dataset file"):
        read_dataset(tmp_path / "nope.csv")


def test_public_names():
    assert cprstats.write_dataset is write_dataset
    assert cprstats.read_dataset is read_dataset
    assert cprstats.table_schema is table_schema
