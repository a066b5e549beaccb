"""Any period (issue 15, item 7): windows of months, financial years, the CPR and SUSR eras, two anchors.

Dates come from the shared domain reference: Child Practice Reviews statutory from January 2013,
Single Unified Safeguarding Reviews from 1 October 2024 (section 1 and 3). Frames are synthetic.
"""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import cprstats
from cprstats.datasets.loader import apply_window, is_window, resolve_window, scope_data, window_label, with_window
from cprstats.errors import CodebookError, ParameterError
from cprstats.runner.options import check_options

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wales():
    return cprstats.load_example("wales")


def _frame():
    return pd.DataFrame(
        {
            "review_id": [f"SYN-T {i} 2019" for i in range(6)],
            "board": ["MWW"] * 6,
            "period": ["pre_covid"] * 3 + ["post_covid"] * 3,
            "incident_date": pd.PeriodIndex(
                ["2019-03", "2019-04", "2020-03", "2020-04", "2024-09", "2024-10"], freq="M"
            ),
            "publication_date": pd.PeriodIndex(["2020-01", None, "2021-02", "2021-12", None, "2025-06"], freq="M"),
        }
    )


# --------------------------------------------------------------------------- the codebook's scheme
def test_the_codebook_defines_the_periods(codebook):
    scheme = codebook.periods
    assert scheme.default_anchor == "incident"
    assert {k: v[0] for k, v in scheme.anchors.items()} == {
        "incident": "incident_date",
        "publication": "publication_date",
    }
    assert scheme.fy_start_month == 4 and scheme.fy_prefix == "fy"
    assert (scheme.named["cpr_era"].start, scheme.named["cpr_era"].end) == ("2013-01", "2024-09")
    assert (scheme.named["susr_era"].start, scheme.named["susr_era"].end) == ("2024-10", None)


def test_a_bad_periods_section_is_refused(tmp_path):
    from importlib import resources

    text = resources.files("cprstats.codebook").joinpath("codebook.yaml").read_text(encoding="utf-8")
    for old, new, message in (
        ('      start: "2024-10"\n', '      start: "2024-13"\n', "is not a month written YYYY-MM"),
        ("  defaultAnchor: incident", "  defaultAnchor: referral", "'referral' is not one of the anchors"),
        ("    - name: susr_era", "    - name: pre_covid", "clashes with a period code"),
        ("    startMonth: 4", "    startMonth: 13", "is not a month number 1 to 12"),
    ):
        path = tmp_path / "cb.yaml"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        with pytest.raises(CodebookError, match=message):
            cprstats.load_codebook(path)


# --------------------------------------------------------------------------- windows
@pytest.mark.parametrize(
    "spec, start, end, en",
    [
        ("2017-01..2021-12", "2017-01", "2021-12", "January 2017 to December 2021"),
        (("2017-01", "2021-12"), "2017-01", "2021-12", "January 2017 to December 2021"),
        ("fy2019", "2019-04", "2020-03", "financial year 2019-20"),  # April to March
        ("fy1999", "1999-04", "2000-03", "financial year 1999-00"),
        ("2019", "2019-01", "2019-12", "2019"),
        ("cpr_era", "2013-01", "2024-09", "Child Practice Review era (January 2013 to September 2024)"),
        ("susr_era", "2024-10", None, "Single Unified Safeguarding Review era (from October 2024)"),
        ("2020-04..", "2020-04", None, "from April 2020"),
        ("..2020-03", None, "2020-03", "up to March 2020"),
    ],
)
def test_windows(spec, start, end, en):
    w = resolve_window(spec)
    assert (w.start, w.end, w.anchor, w.column) == (start, end, "incident", "incident_date")
    assert w.label("en") == f"{en}, by incident date"
    assert w.label("cy").endswith("yn ôl dyddiad y digwyddiad")


def test_welsh_window_labels():
    assert resolve_window("fy2019").label("cy") == "blwyddyn ariannol 2019-20, yn ôl dyddiad y digwyddiad"
    assert resolve_window("2017-01..2021-12", anchor="publication").label("cy") == (
        "Ionawr 2017 i Rhagfyr 2021, yn ôl dyddiad cyhoeddi"
    )


@pytest.mark.parametrize(
    "spec, message",
    [
        ("2021-12..2017-01", "the end month 2017-01 is before the start month 2021-12"),
        ("2019-13..2020-01", "'2019-13' is not a month written YYYY-MM"),
        ("fy19", "is not a window"),
        ("cpr-era", "did you mean 'cpr_era'"),
        (3, "got int"),
    ],
)
def test_bad_windows_name_what_is_allowed(spec, message):
    with pytest.raises(ParameterError, match=message):
        resolve_window(spec)
    with pytest.raises(ParameterError, match="anchor='referral' is not allowed; use one of incident, publication"):
        resolve_window("fy2019", anchor="referral")


def test_no_window():
    assert resolve_window(None) is None and resolve_window("all") is None and resolve_window((None, None)) is None
    assert window_label(None) == "" and with_window("Gwent, all periods", None) == "Gwent, all periods"
    assert is_window("fy2019") and is_window("2019-01..") and not is_window("pre_covid") and not is_window("x")


def test_apply_window_on_either_anchor():
    df = _frame()
    # by incident: 2019-04 to 2020-03 holds the second and third rows (both months included)
    fy = apply_window(df, "fy2019")
    assert fy["review_id"].tolist() == ["SYN-T 1 2019", "SYN-T 2 2019"]
    assert fy.attrs["window"]["name"] == "fy2019" and fy.attrs["window"]["from"] == "2019-04"
    # by publication: an unpublished review is in no window
    pub = apply_window(df, "2020-01..2021-12", anchor="publication")
    assert pub["review_id"].tolist() == ["SYN-T 0 2019", "SYN-T 2 2019", "SYN-T 3 2019"]
    assert apply_window(df, "susr_era")["review_id"].tolist() == ["SYN-T 5 2019"]
    assert apply_window(df, "cpr_era")["review_id"].tolist() == [f"SYN-T {i} 2019" for i in range(5)]
    assert apply_window(df, None) is df
    with pytest.raises(ParameterError, match="publication_date"):
        apply_window(df.drop(columns="publication_date"), "fy2019", anchor="publication")


def test_a_window_reads_text_dates_too():
    df = _frame().assign(incident_date=["2019-03", "2019-04", "2020-03", "2020-04", "2024-09", ""])
    assert len(apply_window(df, "fy2019")) == 2


def test_scope_data_takes_a_window_as_period_or_as_window(wales):
    mww = scope_data(wales, region="MWW", period="all", window="2017-01..2021-12")
    assert len(mww) == int(
        ((wales["board"] == "MWW") & (wales["incident_year"] >= 2017) & (wales["incident_year"] <= 2021)).sum()
    )
    assert (mww["board"] == "MWW").all() and mww.attrs["window"]["to"] == "2021-12"
    fy = scope_data(wales, region="wales", period="fy2019")
    months = fy["incident_date"]
    assert (months >= pd.Period("2019-04", "M")).all() and (months <= pd.Period("2020-03", "M")).all()
    # a Covid-19 period combines with a window
    window = scope_data(wales, region="wales", period="all", window="2019-01..2021-12")
    both = scope_data(wales, region="wales", period="post_covid", window="2019-01..2021-12")
    assert set(both["period"].astype(str)) == {"post_covid"} and 0 < len(both) < len(window)
    with pytest.raises(ParameterError, match="give one window"):
        scope_data(wales, region="wales", period="fy2019", window="fy2020")
    with pytest.raises(ParameterError, match=r"period='during' is not allowed; .*'fyYYYY' .*cpr_era, susr_era"):
        scope_data(wales, region="wales", period="during")


def test_the_susr_era_by_publication(wales):
    later = apply_window(wales, "susr_era", anchor="publication")
    assert (later["publication_date"] >= pd.Period("2024-10", "M")).all() and len(later) > 0


# --------------------------------------------------------------------------- the runner and the command line
def test_run_options_carry_the_window(tmp_path):
    folder = tmp_path / "nb"
    folder.mkdir()
    (folder / "01_a.py").write_text("", encoding="utf-8")
    opts = check_options(None, ["MWW"], ["all", "pre_covid"], window="2017-01..2021-12", notebook_dir=folder)
    assert opts.window == "2017-01..2021-12" and opts.anchor is None
    assert opts.periods == ("2017-01_to_2021-12", "pre_covid_2017-01_to_2021-12")
    assert opts.notebook_period("pre_covid_2017-01_to_2021-12") == ("pre_covid", "2017-01..2021-12")
    pub = check_options(None, ["MWW"], ["fy2019", "susr_era"], anchor="publication", notebook_dir=folder)
    assert pub.periods == ("fy2019_by_publication", "susr_era_by_publication")
    assert pub.notebook_period("fy2019_by_publication") == ("all", "fy2019") and pub.anchor == "publication"
    with pytest.raises(ParameterError, match="give one window"):
        check_options(None, ["MWW"], ["fy2019"], window="2017-01..2021-12", notebook_dir=folder)
    with pytest.raises(ParameterError, match="anchor='publish' is not allowed"):
        check_options(None, ["MWW"], anchor="publish", notebook_dir=folder)
    with pytest.raises(ParameterError, match=r"period='fy' is not a period; use one of all, .*; or a window: .*fy2019"):
        check_options(None, ["MWW"], ["fy"], notebook_dir=folder)


def test_notebooks_get_window_and_anchor_only_when_given(tmp_path):
    from types import SimpleNamespace

    from cprstats.runner.pool import _parameters

    folder = tmp_path / "nb"
    folder.mkdir()
    (folder / "01_a.py").write_text("", encoding="utf-8")
    source = SimpleNamespace(parameter="wales")
    plain = check_options(None, ["MWW"], notebook_dir=folder)
    assert "WINDOW" not in _parameters(source, "MWW", "all", plain)
    assert "ANCHOR" not in _parameters(source, "MWW", "all", plain)
    opts = check_options(None, ["MWW"], window=("2017-01", "2021-12"), anchor="publication", notebook_dir=folder)
    params = _parameters(source, "MWW", opts.periods[0], opts)
    assert (params["PERIOD"], params["WINDOW"], params["ANCHOR"]) == ("all", "2017-01..2021-12", "publication")


def test_the_command_line_takes_from_to_anchor_and_period():
    import argparse

    from cprstats.cli import run as run_cli

    parser = argparse.ArgumentParser()
    run_cli.add_arguments(parser)
    args = parser.parse_args(["--region", "MWW", "--from", "2017-01", "--to", "2021-12", "--anchor", "publication"])
    assert run_cli._window(args) == "2017-01..2021-12" and args.anchor == "publication"
    assert run_cli._window(parser.parse_args(["--from", "2020-04"])) == "2020-04.."
    assert run_cli._window(parser.parse_args([])) is None
    assert parser.parse_args(["--period", "fy2019", "susr_era"]).period == ["fy2019", "susr_era"]


def test_notebooks_declare_window_and_anchor():
    for path in sorted((REPO / "notebooks").glob("0[1-689]_*.py")):
        text = path.read_text(encoding="utf-8")
        assert "\nWINDOW = None" in text and '\nANCHOR = "incident"' in text, path.name
        assert "window=WINDOW, anchor=ANCHOR" in text, path.name


def _report_names_its_window() -> bool:
    """Whether the Report hook is in: ``Report(window=, anchor=)`` and a scope label that names the window."""
    from cprstats.report.document import Report

    return "window" in inspect.signature(Report.__init__).parameters and "window" in inspect.getsource(
        Report.scope_label
    )


@pytest.mark.skipif(not _report_names_its_window(), reason="Report does not name its window yet (the lead's hook)")
def test_cprstats_run_for_a_window_names_it(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "cprstats",
            "run",
            "--region",
            "MWW",
            "--from",
            "2017-01",
            "--to",
            "2021-12",
            "--notebook",
            "01_children_and_families",
            "--notebook-dir",
            str(REPO / "notebooks"),
            "--output",
            str(out),
            "--jobs",
            "1",
            "-q",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    folder = out / "MWW" / "2017-01_to_2021-12"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["WINDOW"] == "2017-01..2021-12" and manifest["parameters"]["PERIOD"] == "all"
    report = manifest["notebooks"]["01_children_and_families"]["report"]  # the report's record (report.json)
    assert report["window"]["from"] == "2017-01" and report["window"]["to"] == "2021-12"
    wales = cprstats.load_example("wales")
    in_window = (wales["board"] == "MWW") & wales["incident_year"].between(2017, 2021)
    assert report["children"] == int(in_window.sum())
    html = next(folder.glob("*.html")).read_text(encoding="utf-8")
    assert "January 2017 to December 2021" in html
