"""Tests for cprstats.forms.reader.read_forms: CSV (with and without BOM), XLSX, YAML files and folders.

Every form here is SYNTHETIC (tests/data/forms/README.md says what each file exercises).
Reference values: the UTF-8 byte-order mark EF BB BF that Excel's "CSV UTF-8" writes is from the
Unicode Standard, section 23.8; the Welsh labels "Ynys Môn", "Sir Gaerfyrddin" and "Grŵp ethnig
arall" are the codebook's own (Ynys Môn is the statutory Welsh name of the Isle of Anglesey, Local
Government (Wales) Act 1994, Schedule 1). Row numbers are what a spreadsheet shows: the header is
row 1, so the first form is row 2.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

import cprstats
from cprstats.errors import FormsError

FORMS = Path(__file__).parents[1] / "data" / "forms"


# --------------------------------------------------------------------------- CSV
def test_csv_rows_are_strings_as_typed():
    df = cprstats.read_forms(FORMS / "good.csv")
    assert df.index.name == "row"
    assert list(df.index) == [2, 4, 5]  # the blank row 3 is skipped; the others keep their numbers
    assert df.loc[2, "review_id"] == "CYSUR 1 2018"
    assert df.loc[5, "local_authority"] == "  BRIDGEND "  # as typed: matching is the coder's job
    assert df.loc[4, "parental_risks"] == ""  # empty cell = not recorded, kept as ""
    assert df.loc[2, "age_months"] == "190"  # never converted to a number here
    assert all(isinstance(v, str) for v in df.to_numpy().ravel())
    assert df.attrs["source"] == str(FORMS / "good.csv")
    assert df.attrs["files"] == ["good.csv"] * 3


def test_csv_keeps_welsh_letters():
    df = cprstats.read_forms(FORMS / "good.csv")
    assert df.loc[4, "local_authority"] == "Ynys Môn"
    assert df.loc[4, "ethnicity"] == "Grŵp ethnig arall"
    assert "Peidio â mynychu'r ysgol" in df.loc[2, "child_vulnerabilities"]


def test_csv_with_excel_bom_and_crlf_reads_the_same():
    raw = (FORMS / "good_bom.csv").read_bytes()
    assert raw[:3] == b"\xef\xbb\xbf" and b"\r\n" in raw
    plain = cprstats.read_forms(FORMS / "good.csv")
    bom = cprstats.read_forms(FORMS / "good_bom.csv")
    assert list(bom.columns) == list(plain.columns)  # no "\ufeffreview_id"
    assert bom.columns[0] == "review_id"
    pd.testing.assert_frame_equal(bom, plain)


def test_csv_rows_of_spaces_are_blank_rows(tmp_path):
    p = tmp_path / "f.csv"
    p.write_text("review_id,child_no\n , \nA 1,1\n", encoding="utf-8")
    assert list(cprstats.read_forms(p).index) == [3]  # as for XLSX, where cells are stripped


def test_csv_header_spacing_is_normalised(tmp_path):
    p = tmp_path / "f.csv"
    p.write_text(" review_id ,child  no\nA 1,1\n", encoding="utf-8")
    assert list(cprstats.read_forms(p).columns) == ["review_id", "child no"]


def test_csv_quoted_cells_with_commas_and_newlines(tmp_path):
    p = tmp_path / "f.csv"
    p.write_text('review_id,ethnicity\nA 1,"Black, Black British, Caribbean or African"\n', encoding="utf-8")
    assert cprstats.read_forms(p).loc[2, "ethnicity"] == "Black, Black British, Caribbean or African"


def test_csv_values_that_look_like_missing_stay_text(tmp_path):
    # pandas would read NA, None, n/a as missing by default; a coder's "NA" must reach the coder as typed
    p = tmp_path / "f.csv"
    p.write_text("review_id,cv_neglect,outcome\nA 1,NA,None\n", encoding="utf-8")
    df = cprstats.read_forms(p)
    assert df.loc[2, "cv_neglect"] == "NA" and df.loc[2, "outcome"] == "None"


@pytest.mark.parametrize(
    "content, fragment",
    [
        (b"", "the file is empty"),
        (b"review_id,child_no\n", "has a header but no rows"),
        (b"review_id,child_no\n,\n,\n", "every row below the header is empty"),
        (b",\nA 1,1\n", "the first row is empty"),
        (b"review_id,,child_no\nA,,1\n", "column 2 has no name"),
        (b"review_id,Review_ID\nA,B\n", "'Review_ID' more than once"),
        (b"review_id,child_no\nA 1,1\nB 2,2,3\n", "not a well-formed CSV table"),
        (b"review_id,child_no\nA 1,1,extra,more\n", "row 2 has values beyond the last named column"),
        ("review_id,local_authority\nA 1,Ynys M\xf4n\n".encode("latin-1"), "line 2 is not UTF-8"),
        (b"PK\x03\x04\x00\x00binary", "not a text file"),
    ],
    ids=[
        "empty",
        "header_only",
        "only_blank_rows",
        "blank_header",
        "unnamed_column",
        "duplicate_header",
        "ragged_row",
        "every_row_too_long",
        "latin1",
        "binary",
    ],
)
def test_csv_unreadable(tmp_path, content, fragment):
    p = tmp_path / "forms.csv"
    p.write_bytes(content)
    with pytest.raises(FormsError) as exc:
        cprstats.read_forms(p)
    assert fragment in str(exc.value)
    assert str(p) in str(exc.value)


def test_csv_rows_longer_than_the_header_never_shift(tmp_path):
    # Every row one cell longer than the header: pandas would silently take the first column as
    # an index and shift every value one column left. Empty trailing cells (Excel leaves them
    # after a column is cleared) are ignored; the values stay under their own headers.
    p = tmp_path / "forms.csv"
    p.write_text("review_id,child_no\nA 1,1,\nB 2,2,\n", encoding="utf-8")
    df = cprstats.read_forms(p)
    assert df["review_id"].tolist() == ["A 1", "B 2"]
    assert df["child_no"].tolist() == ["1", "2"]
    p.write_text("review_id,child_no\nA 1,1,,\nB 2,2,x,\n", encoding="utf-8")
    with pytest.raises(FormsError, match="row 3 has values beyond the last named column"):
        cprstats.read_forms(p)


def test_missing_path_and_unknown_suffix(tmp_path):
    with pytest.raises(FormsError, match="no such file or folder"):
        cprstats.read_forms(tmp_path / "nope.csv")
    p = tmp_path / "forms.txt"
    p.write_text("review_id\nA\n", encoding="utf-8")
    with pytest.raises(FormsError, match=r"cannot read '\.txt'; use one of \.csv"):
        cprstats.read_forms(p)


def test_too_large_file_is_refused(tmp_path, monkeypatch):
    import cprstats.forms.reader as forms_mod

    monkeypatch.setattr(forms_mod, "MAX_FORM_BYTES", 10)
    p = tmp_path / "forms.csv"
    p.write_text("review_id,child_no\nA 1,1\n", encoding="utf-8")
    with pytest.raises(FormsError, match="CPRSTATS_MAX_FORM_BYTES"):
        cprstats.read_forms(p)


# --------------------------------------------------------------------------- XLSX
def _workbook(path, sheets):
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(list(r))
    wb.save(path)
    return path


XLSX_ROWS = [
    (
        "review_id",
        "child_no",
        "local_authority",
        "review_type",
        "incident_date",
        "age_months",
        "n_siblings",
        "cv_neglect",
        "child_vulnerabilities_note",
    ),
    ("XL 1 2019", 1, "Ynys Môn", "mapf", dt.datetime(2019, 3, 1), 3, 2.0, True, None),
    (None, None, None, None, None, None, None, None, None),  # a blank row Excel leaves behind
    (
        "XL 2 2020",
        2.0,
        "Pen-y-bont ar Ogwr",
        "Fforwm Proffesiynol Amlasiantaethol",
        dt.date(2020, 3, 23),
        0,
        0,
        False,
        None,
    ),
    ("XL 3 2020", 1, "cardiff", "mapf", "2020-03", 15.5, None, None, None),
]


def test_xlsx_first_sheet_cells_as_the_coder_meant(tmp_path):
    p = _workbook(tmp_path / "forms.xlsx", {"Sheet A": XLSX_ROWS})
    df = cprstats.read_forms(p)
    assert list(df.index) == [2, 4, 5]
    assert df.loc[2, "child_no"] == "1"  # Excel number 1
    assert df.loc[4, "child_no"] == "2"  # 2.0 is the whole number the coder typed
    assert df.loc[2, "incident_date"] == "2019-03-01"  # an Excel date, not a serial number
    assert df.loc[4, "incident_date"] == "2020-03-23"
    assert df.loc[5, "incident_date"] == "2020-03"  # text stays text
    assert df.loc[5, "age_months"] == "15.5"  # not silently truncated: the coder will see the problem
    assert df.loc[2, "cv_neglect"] == "yes" and df.loc[4, "cv_neglect"] == "no"  # TRUE/FALSE cells
    assert df.loc[2, "local_authority"] == "Ynys Môn"
    assert df.loc[5, "n_siblings"] == "" and df.loc[2, "child_vulnerabilities_note"] == ""
    assert df.attrs["files"] == ["forms.xlsx"] * 3


def test_xlsx_sheet_named_coding_wins(tmp_path):
    other = [("note",), ("This sheet is instructions",)]
    p = _workbook(tmp_path / "forms.xlsx", {"Instructions": other, "coding": XLSX_ROWS[:2]})
    df = cprstats.read_forms(p)
    assert list(df.columns)[:2] == ["review_id", "child_no"]
    assert list(df.index) == [2]


def test_xlsx_codes_like_the_csv(tmp_path):
    p = _workbook(tmp_path / "forms.xlsx", {"coding": [r[:8] for r in XLSX_ROWS[:4]]})
    data = cprstats.code_reviews(cprstats.read_forms(p))
    assert str(data.loc[0, "incident_date"]) == "2019-03"
    assert data.loc[1, "local_authority"] == "bridgend"
    assert data.loc[1, "review_type"] == "mapf"  # Welsh label of mapf
    assert data.loc[1, "board"] == "CTM"  # Bridgend after 1 April 2019 (WGSB annual report 2019-20)
    assert data.loc[1, "period"] == "post_covid"  # 23 March 2020, the first lockdown
    assert data["harm_neglect"].tolist() == [True, False]  # the former column cv_neglect, carried over
    assert data["child_no"].tolist() == [1, 2]


@pytest.mark.parametrize(
    "sheets, fragment",
    [
        ({"coding": []}, "is empty"),
        ({"coding": [("review_id", "child_no")]}, "has a header but no rows"),
        ({"coding": [("review_id", "review_id"), ("A", "B")]}, "more than once"),
        ({"coding": [("review_id", None), ("A 1", None, "stray")]}, "row 2 has values beyond the last named column"),
    ],
    ids=["empty_sheet", "header_only", "duplicate_header", "values_beyond_header"],
)
def test_xlsx_unreadable(tmp_path, sheets, fragment):
    p = _workbook(tmp_path / "forms.xlsx", sheets)
    with pytest.raises(FormsError, match=fragment):
        cprstats.read_forms(p)


def test_not_a_workbook(tmp_path):
    p = tmp_path / "forms.xlsx"
    p.write_bytes(b"this is not a zip file at all")
    with pytest.raises(FormsError, match="not a readable Excel workbook"):
        cprstats.read_forms(p)


# --------------------------------------------------------------------------- YAML
def test_yaml_folder_one_review_per_file():
    df = cprstats.read_forms(FORMS / "yaml")
    assert df.attrs["files"] == ["cysur_1_2018.yaml", "nwsb_3_2019.yaml", "nwsb_3_2019.yaml"]  # README.txt ignored
    assert list(df.index) == [1, 1, 2]  # item number within each file
    first = df.iloc[0]
    assert first["child_vulnerabilities"] == "emotional_abuse; Peidio â mynychu'r ysgol"  # a YAML list
    assert first["themes"] == "none"  # [] = recorded, none present
    assert first["on_cp_register_6m"] == "no"  # YAML 1.1 reads a bare no as False; it comes back as typed
    assert first["incident_date"] == "2018-06"
    assert first["child_no"] == "1"
    assert df.iloc[1]["incident_date"] == "2019-11-05"  # a YAML date
    assert df.iloc[1]["themes"] == ""  # a key one file lacks is empty (not recorded) there
    assert df.iloc[2]["outcome"] == "Anaf a allai fygwth bywyd"


def test_yaml_single_file(tmp_path):
    df = cprstats.read_forms(FORMS / "yaml" / "nwsb_3_2019.yaml")
    assert list(df.index) == [1, 2]
    assert df["child_no"].tolist() == ["1", "2"]
    assert df.attrs["files"] == ["nwsb_3_2019.yaml"] * 2
    data = cprstats.code_reviews(df)
    assert data["harm_physical_abuse"].tolist() == [False, True]  # moved from child_vulnerabilities
    assert data["outcome"].tolist() == ["death", "life_threatening_injury"]


def test_yaml_null_is_not_recorded(tmp_path):
    p = tmp_path / "f.yaml"
    p.write_text("review_id: Y 1\nthemes: ~\nn_siblings: 0\nlooked_after_6m: yes\n", encoding="utf-8")
    row = cprstats.read_forms(p).iloc[0]
    assert row["themes"] == "" and row["n_siblings"] == "0" and row["looked_after_6m"] == "yes"


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("!!python/object/apply:os.system ['echo hi']\n", "not a valid YAML form"),
        ("review_id: [unclosed\n", "not a valid YAML form at line"),
        ("", "the file is empty"),
        ("# only a comment\n", "the form is empty"),
        ("- just a string\n", "item 1 is not a mapping"),
        ("review_id: A\nthemes: {recording: yes}\n", "a nested mapping is not allowed"),
    ],
    ids=["python_tag", "syntax", "empty", "only_comment", "not_mapping", "nested"],
)
def test_yaml_unreadable(tmp_path, text, fragment):
    p = tmp_path / "f.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(FormsError, match=fragment):
        cprstats.read_forms(p)


def test_folder_without_forms(tmp_path):
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(FormsError, match="holds no .yaml or .yml forms"):
        cprstats.read_forms(tmp_path)
