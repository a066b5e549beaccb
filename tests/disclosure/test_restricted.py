"""Restricted runs (issue 13 item 4): unsuppressed reports for a board's closed meeting, marked everywhere.

Every number here comes from the shipped synthetic data (it describes no real child).
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import cprstats
from cprstats.cli.run import summarise
from cprstats.datasets.loader import load_data
from cprstats.errors import ParameterError
from cprstats.report.page import index_html, page_shell
from cprstats.runner.options import check_options

MARK = "OFFICIAL-SENSITIVE: not for circulation"
MARK_CY = "SWYDDOGOL-SENSITIF: nid i'w gylchredeg"


def test_restricted_report_is_unsuppressed_and_marks_every_file(tmp_path):
    rep = cprstats.Report(data="wales", region="MWW", output_dir=tmp_path, notebook="demo", restricted=True)
    assert not rep.suppressing and rep.marking == MARK
    rep.table(cprstats.proportions(rep.data, "outcome"), name="outcome")
    rep.figure(cprstats.proportions(rep.data, "outcome"), name="outcome_fig")
    csv = (tmp_path / "tables" / "outcome.csv").read_text(encoding="utf-8-sig").splitlines()
    assert csv[0] == MARK and csv[1].startswith("variable,level,group,count,n")
    back = pd.read_csv(tmp_path / "tables" / "outcome.csv", skiprows=1)
    assert not back["suppressed"].any() and back["count"].notna().all()
    wb = openpyxl.load_workbook(tmp_path / "tables" / "outcome.xlsx")
    assert all(ws["A1"].value == MARK for ws in wb)
    assert MARK in (tmp_path / "figures" / "outcome_fig.svg").read_text(encoding="utf-8")
    rec = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert rec["restricted"] is True and rec["marking"] == MARK


def test_ordinary_report_has_no_marking(tmp_path):
    rep = cprstats.Report(data="wales", region="MWW", output_dir=tmp_path, notebook="demo")
    rep.table(cprstats.proportions(rep.data, "outcome"), name="outcome")
    assert rep.suppressing and rep.marking is None
    assert "OFFICIAL" not in (tmp_path / "tables" / "outcome.csv").read_text(encoding="utf-8-sig")
    assert json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["restricted"] is False


def test_welsh_marking_and_page_shell():
    rep = cprstats.Report(data="wales", region="MWW", output_dir=None, notebook="demo", restricted=True, lang="cy")
    assert rep.marking == MARK_CY
    html = page_shell("<h1>x</h1>", title="x", lang="en", marking=MARK)
    assert html.count(MARK) == 3  # <title>, head of the page, foot of the page
    assert html.index(MARK, html.index("<body>")) < html.index("<main")
    assert MARK not in page_shell("<h1>x</h1>", title="x", lang="en")


def test_index_marks_restricted_rows(tmp_path):
    runs = [{"region": "MWW", "period": "all", "notebook": "01", "status": "ok", "html": None, "restricted": True}]
    text = Path(index_html(tmp_path, runs, lang="en")).read_text(encoding="utf-8")
    assert MARK in text and "Restricted (unsuppressed)" in text


def test_threshold_under_3_only_when_restricted(tmp_path):
    (tmp_path / "01_a.py").write_text("")
    with pytest.raises(ParameterError, match="restricted run"):
        check_options(None, ["MWW"], threshold=2, notebook_dir=tmp_path)
    opts = check_options(None, ["MWW"], threshold=2, notebook_dir=tmp_path, restricted=True)
    assert opts.restricted and opts.region_folder("MWW") == "RESTRICTED-MWW"
    # --no-suppress is an alias: the same marking and folders
    assert check_options(None, ["MWW"], suppress=False, notebook_dir=tmp_path).restricted
    assert check_options(None, ["MWW"], notebook_dir=tmp_path).region_folder("MWW") == "MWW"
    with pytest.raises(ParameterError):
        cprstats.Report(data="wales", region="MWW", output_dir=None, threshold=2)
    assert cprstats.Report(data="wales", region="MWW", output_dir=None, threshold=2, suppress=True, restricted=True)


def test_summary_warns_at_the_end(capsys):
    import sys
    from types import SimpleNamespace

    jobs = pd.DataFrame({"status": ["ok"]})
    res = SimpleNamespace(failed=jobs.iloc[:0], jobs=jobs, index=None, output=Path("out"), restricted=True, skipped=())
    summarise(res, sys.stdout)
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("WARNING: restricted run") and "OFFICIAL-SENSITIVE" in last


def _texts(folder: Path) -> dict[Path, str]:
    out = {}
    for p in folder.rglob("*"):
        if p.is_file() and p.suffix in (".csv", ".html", ".svg", ".json", ".ipynb"):
            out[p] = p.read_text(encoding="utf-8-sig", errors="replace")
        elif p.is_file() and p.suffix == ".xlsx":
            wb = openpyxl.load_workbook(p)
            out[p] = "\n".join(str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row)
    return out


@pytest.mark.slow
def test_restricted_run_and_ordinary_run_of_the_same_region(tmp_path):
    """One board, one notebook: restricted folders marked everywhere; the ordinary run carries no review id."""
    from cprstats.runner.execution import run

    nb = ["01_children_and_families"]
    res = run(nb, ["MWW"], ["all"], output=tmp_path / "r", restricted=True, progress=False)
    assert res.ok and res.restricted
    folder = tmp_path / "r" / "RESTRICTED-MWW" / "all"
    assert (folder / "RESTRICTED").read_text(encoding="utf-8").strip() == MARK
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["restricted"] is True and manifest["marking"] == MARK
    assert manifest["parameters"].get("RESTRICTED") is True
    html = (folder / "01_children_and_families.html").read_text(encoding="utf-8")
    assert html.count(MARK) >= 2
    for csv in (folder / "tables").glob("*.csv"):
        assert csv.read_text(encoding="utf-8-sig").splitlines()[0] == MARK, csv
    for svg in (folder / "figures").glob("*.svg"):
        assert MARK in svg.read_text(encoding="utf-8"), svg
    assert MARK in (tmp_path / "r" / "index.html").read_text(encoding="utf-8")

    plain = run(nb, ["MWW"], ["all"], output=tmp_path / "p", progress=False)
    assert plain.ok and not plain.restricted
    assert not (tmp_path / "p" / "RESTRICTED-MWW").exists()
    ids = {str(x) for x in load_data("wales")["review_id"].dropna()}
    assert ids
    pattern = re.compile("|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True)))
    for path, text in _texts(tmp_path / "p").items():
        found = pattern.search(text)
        assert found is None, f"{path} holds the review identifier {found.group(0) if found else ''}"
        assert MARK not in text, path


def test_private_folder_is_owner_only(tmp_path):
    from cprstats.report.views import private_folder

    folder = private_folder(tmp_path)
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
