"""Every CSV cprstats writes opens in a spreadsheet with no formula in it (issue 14, item 2).

The CSVs are made the ways a user makes them, with hostile text in every place a user's text
can reach (a kept column, a problem report, an export, a plain table): formula prefixes
(``=``, ``+``, ``-``, ``@``), a leading tab, bare carriage returns and line breaks that would start
a new row in the middle of a cell, quotes and separators. LibreOffice Calc (headless, Debian's
``libreoffice-calc-nogui``; ``.ci/run`` installs it) then opens each one as a user's spreadsheet
would and saves it as XLSX; openpyxl reads that back. The reference is the OWASP rule on CSV
injection (https://owasp.org/www-community/attacks/CSV_Injection): no cell may be a formula, and
no text cell may start with ``=``, ``+``, ``-`` or ``@`` unless it is a plain number.

Skipped when ``soffice`` is not installed, except in CI (``CPRSTATS_REQUIRE_LIBREOFFICE=1``).
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

import cprstats
from cprstats.cli import main
from cprstats.datasets.examples import forms_path
from cprstats.io import write_csv

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
if os.environ.get("CPRSTATS_REQUIRE_LIBREOFFICE") == "1" and SOFFICE is None:
    raise RuntimeError("CPRSTATS_REQUIRE_LIBREOFFICE=1 but soffice is not installed")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")]

HOSTILE = [
    "=1+1",
    '=HYPERLINK("http://example.invalid","x")',
    "+SUM(A1:A2)",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+2",
    "ok\r=1+3",
    "ok\n=1+4",
    "\r\n@cmd",
    "a;b,=c",
    '"=quoted"',
    "-3",
    "+A1*2",
    "ŵ=1",
]
PLAIN = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _cli(*argv) -> int:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return main([str(a) for a in argv])


def _csvs(tmp_path: Path) -> list[Path]:
    out = tmp_path / "csv"
    out.mkdir()
    # a plain table through the writer every module uses
    write_csv(pd.DataFrame({"text": HOSTILE, "n": range(len(HOSTILE))}), out / "writer.csv")
    # forms with a kept column of hostile notes: code, then export as CSV
    forms = cprstats.load_example("wales").head(len(HOSTILE)).copy()
    raw = tmp_path / "forms.csv"
    src = pd.read_csv(forms_path("wales"), dtype=str, keep_default_na=False).head(len(HOSTILE))
    src["coder note"] = HOSTILE[: len(src)]
    src.to_csv(raw, index=False, quoting=csv.QUOTE_ALL)  # the forms themselves are well-formed CSV
    assert _cli("code", raw, "-o", out / "coded.csv", "--keep-column", "coder note") == 0
    assert _cli("export", out / "coded.csv", "--format", "csv", "-o", tmp_path / "export" / "export.csv") == 0
    shutil.copy(tmp_path / "export" / "export.csv", out / "export.csv")
    # a problem report: the hostile text typed into a coded field
    bad = src.copy()
    bad.loc[0, "sex"] = "=1+1"
    bad.loc[1, "outcome"] = "@SUM(1,2)"
    bad.to_csv(tmp_path / "bad.csv", index=False, quoting=csv.QUOTE_ALL)
    assert _cli("validate", tmp_path / "bad.csv", "--report", out / "problems.csv") == 1
    # a report's table and its data
    rep = cprstats.Report(data=forms, region="wales", output_dir=tmp_path / "rep", notebook="csv")
    rep.table(cprstats.proportions(rep.data, "outcome"), name="outcome")
    for p in (tmp_path / "rep" / "tables").glob("*.csv"):
        shutil.copy(p, out / f"report_{p.name}")
    return sorted(out.glob("*.csv"))


def test_libreoffice_finds_no_formula_in_any_csv(tmp_path):
    files = _csvs(tmp_path)
    assert len(files) >= 5
    converted = tmp_path / "xlsx"
    profile = tmp_path / "lo-profile"
    proc = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--infilter=CSV:44,34,76,1",  # comma, double quote, UTF-8, from line 1: as Excel opens it
            "--convert-to",
            "xlsx",
            "--outdir",
            str(converted),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    seen = 0
    for f in files:
        wb = load_workbook(converted / f"{f.stem}.xlsx")
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value is None:
                        continue
                    seen += 1
                    assert cell.data_type != "f", (f.name, cell.coordinate, cell.value)
                    if isinstance(cell.value, str):
                        text = cell.value
                        assert not (text.startswith(("=", "+", "-", "@")) and not PLAIN.fullmatch(text)), (
                            f.name,
                            cell.coordinate,
                            text,
                        )
    assert seen > 100


def test_the_check_sees_a_formula_in_a_plain_pandas_csv(tmp_path):
    # negative control: pandas writes "=1+1" as is, and LibreOffice opens it as a formula
    raw = tmp_path / "raw.csv"
    pd.DataFrame({"text": ["=1+1", "ok"]}).to_csv(raw, index=False)
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--infilter=CSV:44,34,76,1"]
        + ["--convert-to", "xlsx", "--outdir", str(tmp_path), str(raw)],
        capture_output=True,
        timeout=300,
        check=True,
    )
    cell = load_workbook(tmp_path / "raw.xlsx")["raw"]["A2"]
    assert cell.data_type == "f" and cell.value == "=1+1"
