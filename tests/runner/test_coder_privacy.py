"""Coder agreement belongs to researchers (issue 13 item 5): review-level disagreements stay private.

The double-coded sample is the shipped synthetic one (it describes no real review).
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pandas as pd
import pytest

from cprstats.cli.run import summarise
from cprstats.datasets.loader import load_data
from cprstats.errors import ParameterError
from cprstats.runner.options import check_options

NB = "07_coder_agreement"


def _ids() -> set[str]:
    a = load_data("double_coding_a")
    return {str(x) for x in a["review_id"].dropna()}


def test_coder_notebook_is_skipped_below_wales_without_coders(tmp_path):
    (tmp_path / f"{NB}.py").write_text("")
    (tmp_path / "01_a.py").write_text("")
    opts = check_options(None, ["wales", "MWW"], notebook_dir=tmp_path)
    assert opts.notebooks_for("wales") == ("01_a", NB)
    assert opts.notebooks_for("MWW") == ("01_a",)
    given = check_options(None, ["MWW"], notebook_dir=tmp_path, coders=["a.csv", "b.csv"])
    assert given.notebooks_for("MWW") == ("01_a", NB) and given.coders == ("a.csv", "b.csv")
    with pytest.raises(ParameterError, match="two or more"):
        check_options(None, ["MWW"], notebook_dir=tmp_path, coders=["a.csv"])


def test_summary_says_what_was_skipped(capsys):
    from types import SimpleNamespace

    jobs = pd.DataFrame({"status": ["ok"]})
    res = SimpleNamespace(
        failed=jobs.iloc[:0],
        jobs=jobs,
        index=None,
        output=Path("o"),
        restricted=False,
        skipped=(("MWW", "all", NB, "no double-coded data (--coders) for a region run"),),
    )
    summarise(res, sys.stdout)
    assert f"skipped MWW/all/{NB}: no double-coded data" in capsys.readouterr().out


@pytest.mark.slow
def test_disagreements_go_only_to_the_private_folder(tmp_path):
    from cprstats.runner.execution import run

    out = tmp_path / "out"
    res = run([NB], ["MWW"], ["all"], output=out, coders=["double_coding_a", "double_coding_b"], progress=False)
    assert res.ok, res.jobs
    private = out / "private" / "MWW" / "all"
    files = sorted(p.relative_to(private).as_posix() for p in private.rglob("*") if p.is_file())
    assert files == [f"{NB}/disagreements.csv", f"{NB}/disagreements.xlsx"]
    for d in (out / "private", out / "private" / "MWW", private, private / NB):
        assert stat.S_IMODE(os.stat(d).st_mode) == 0o700, d
    rows = pd.read_csv(private / NB / "disagreements.csv")
    assert len(rows) > 0
    report = out / "MWW" / "all"
    assert not list(report.rglob("disagreements*")) and not (report / "private").exists()
    ids = _ids() & {str(x) for x in rows["review_id"]} if "review_id" in rows else _ids()
    assert ids
    for p in list(report.rglob("*")) + [out / "index.html"]:
        if p.is_file() and p.suffix in (".html", ".csv", ".json", ".ipynb"):
            text = p.read_text(encoding="utf-8-sig", errors="replace")
            assert not any(i in text for i in ids), p
    assert "private" not in (out / "index.html").read_text(encoding="utf-8")

    # without coders, the board run skips the notebook and says so
    skipped = run([NB], ["MWW"], ["all"], output=tmp_path / "none", progress=False)
    assert skipped.skipped and skipped.skipped[0][:3] == ("MWW", "all", NB)
    assert not (tmp_path / "none" / "MWW").exists()
