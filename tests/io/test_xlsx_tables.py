"""A report's XLSX table opens with numbers as numbers, a frozen header and a print set-up (issue 18).

Read back with openpyxl (cell data types: ``n`` number, ``s`` text). Data: the shipped synthetic
example. Reference values: the published table's own counts, e.g. Wales's children whose review
recorded a death (``proportions(...)["count"]``).
"""

from __future__ import annotations

import pandas as pd
from openpyxl import load_workbook

import cprstats
from cprstats.io import write_xlsx


def test_text_numbers_become_numbers_only_in_the_table_sheet(tmp_path):
    table = pd.DataFrame({"Category": ["Death", "007"], "n": ["22", "5"], "%": ["66.7%", "*"], "code": ["007", "x"]})
    path = write_xlsx({"table": table, "data": table}, tmp_path / "t.xlsx")
    wb = load_workbook(path)
    ws = wb["table"]
    assert ws["B2"].value == 22 and ws["B2"].data_type == "n" and ws["B2"].number_format == "0"
    assert abs(ws["C2"].value - 0.667) < 1e-12 and ws["C2"].number_format == "0.0%"
    assert ws["C3"].value == "*" and ws["C3"].data_type == "s"  # a hidden cell stays the marker
    assert ws["D2"].value == "007" and ws["A3"].value == "007"  # leading zeros: a code, not a number
    assert wb["data"]["B2"].value == "22"  # data sheets are not reinterpreted
    for sheet in wb.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == "$1:$1"


def test_a_report_table_workbook_holds_its_counts_as_numbers(tmp_path):
    rep = cprstats.Report(data="wales", region="wales", output_dir=tmp_path, notebook="xlsx")
    stats = cprstats.proportions(rep.data, "outcome")
    rep.table(stats, name="outcome")
    wb = load_workbook(tmp_path / "tables" / "outcome.xlsx")
    numbers = [c.value for row in wb["table"].iter_rows(min_row=2) for c in row if c.data_type == "n"]
    assert numbers, "no numeric cell in the table sheet"
    n = int(stats["n"].iloc[0])
    assert n in numbers  # the denominator column, e.g. 160 children
