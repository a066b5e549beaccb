"""Automated accessibility check of the HTML reports: axe-core run in headless Chromium.

``tools/a11y/check.js`` loads a report (file://, the network blocked), injects axe-core's
``axe.min.js`` and runs ``axe.run()`` with its default rules (WCAG 2.0/2.1/2.2 A and AA and
best practices); it exits 1 on any violation axe rates "serious" or "critical". The rules and
their impact ratings are axe-core's own (https://github.com/dequelabs/axe-core/blob/develop/doc/rule-descriptions.md),
not ours: the reference values here are "no serious or critical violation" and, for the
negative control, axe's rule ``image-alt`` (impact "critical") on an image with no alt text.

These tests need Node.js, Chromium (``/usr/bin/chromium`` or ``$CHROMIUM``) and
``tools/a11y/node_modules`` (``cd tools/a11y && npm ci``). ``.ci/run`` installs them before
``make test`` and sets ``CPRSTATS_REQUIRE_A11Y=1``, so in CI a missing tool fails the run; on a
machine without them (``make test`` installs nothing outside the repository) the tests are
skipped and pytest's summary says why. See ``tools/a11y/README.md``. All data shown is the
shipped synthetic example.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import cprstats

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "a11y"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def _missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"chromium is not installed at {CHROMIUM} (set CHROMIUM)"
    for package in ("axe-core", "puppeteer-core"):
        if not (TOOL / "node_modules" / package / "package.json").is_file():
            return f"tools/a11y/node_modules/{package} is missing (run: cd tools/a11y && npm ci)"
    return None


if os.environ.get("CPRSTATS_REQUIRE_A11Y") == "1" and _missing() is not None:
    raise RuntimeError(f"CPRSTATS_REQUIRE_A11Y=1 but the accessibility check cannot run: {_missing()}")

pytestmark = [pytest.mark.slow, pytest.mark.skipif(_missing() is not None, reason=str(_missing()))]


def _axe(*files: Path) -> tuple[int, list[dict]]:
    """Run the check on ``files``: (exit status, one result per file)."""
    proc = subprocess.run(
        ["node", str(TOOL / "check.js"), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "CHROMIUM": CHROMIUM},
    )
    assert proc.returncode in (0, 1), proc.stderr
    results = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    assert [Path(r["file"]).resolve() for r in results] == [Path(f).resolve() for f in files]
    return proc.returncode, results


def _serious(result: dict) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _report(tmp: Path, lang: str, restricted: bool = False) -> Path:
    """A report page made like a notebook's: title block, a wide table by board, a figure, through nbconvert."""
    import nbformat
    from nbformat import v4

    from cprstats.report.page import notebook_to_html

    rep = cprstats.Report(
        data="wales", region="MWW" if restricted else "wales", lang=lang, notebook="a11y", restricted=restricted
    )
    blocks = [
        rep.intro(),
        rep.heading("children"),
        rep.table(cprstats.proportions(rep.data, ["outcome", "sex"], by="board"), name="outcome_by_board"),
        rep.heading("reviews", 3),
        rep.figure(cprstats.proportions(rep.data, "outcome", by="period"), name="outcome", kind="grouped_bar"),
    ]
    cells = [
        v4.new_markdown_cell("Prose in English.", metadata={"tags": ["lang-en"]}),
        v4.new_markdown_cell("Rhyddiaith yn Gymraeg.", metadata={"tags": ["lang-cy"]}),
    ]
    cells += [
        v4.new_code_cell(
            "rep", outputs=[v4.new_output("display_data", data={"text/html": b._repr_html_(), "text/plain": repr(b)})]
        )
        for b in blocks
    ]
    stem = f"report_{lang}" + ("_restricted" if restricted else "")
    nbformat.write(v4.new_notebook(cells=cells), tmp / f"{stem}.ipynb")
    return notebook_to_html(tmp / f"{stem}.ipynb", tmp / f"{stem}.html", lang=lang, restricted=restricted)


def test_reports_and_index_have_no_serious_violation(tmp_path):
    from cprstats.report.page import index_html

    pages = [_report(tmp_path, "en"), _report(tmp_path, "cy"), _report(tmp_path, "cy", restricted=True)]
    runs = [
        {"region": "wales", "period": "all", "notebook": "report", "status": "ok", "html": "report_cy.html"},
        {"region": "MWW", "period": "pre_covid", "notebook": "report", "status": "failed", "html": None},
    ]
    pages.append(index_html(tmp_path / "index", runs, lang="cy"))
    status, results = _axe(*pages)
    for result in results:
        assert not _serious(result), (result["file"], _serious(result))
        assert not result["blocked"], result["blocked"]  # nothing fetched from the network
        assert len(result["passes"]) > 20  # axe ran its rules on a real page
    assert status == 0
    assert [r["lang"] for r in results] == ["en", "cy", "cy", "cy"]
    assert "SWYDDOGOL" in pages[2].read_text(encoding="utf-8") or "OFFICIAL" in pages[2].read_text(encoding="utf-8")
    assert "scrollable-region-focusable" in results[0]["passes"]  # the wide table can be scrolled by keyboard
    assert {"image-alt", "document-title", "html-has-lang", "heading-order"} <= set(results[1]["passes"])


def test_the_check_fails_on_a_serious_violation(tmp_path):
    # negative control: axe rates an image without alt text "critical" (rule image-alt)
    from cprstats.report.page import page_shell

    bad = tmp_path / "bad.html"
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4//8/AAX+Av6n1qTyAAAAAElFTkSuQmCC"
    bad.write_text(
        page_shell(f'<h1>Prawf</h1><img src="data:image/png;base64,{png}">', title="Prawf", lang="cy"), encoding="utf-8"
    )
    status, (result,) = _axe(bad)
    assert status == 1
    assert any(v["id"] == "image-alt" and v["impact"] == "critical" for v in result["violations"])


def test_a_full_welsh_region_report_from_the_runner(tmp_path):
    # a real notebook, run for one region in Welsh: 05_regions has the widest tables (a column per board)
    notebooks = [n for n in ("05_regions",) if (ROOT / "notebooks" / f"{n}.ipynb").is_file()]
    if not notebooks:
        pytest.skip("the notebooks are not there yet")
    from cprstats.runner.execution import run

    res = run(notebooks, ["MWW"], ["all"], lang="cy", output=tmp_path / "out", jobs=1, progress=False)
    assert (res.jobs["status"] == "ok").all(), res.jobs
    pages = [res.index, *sorted((tmp_path / "out" / "MWW" / "all").glob("*.html"))]
    assert len(pages) == 1 + len(notebooks)
    status, results = _axe(*pages)
    for result in results:
        assert result["lang"] == "cy"
        assert not _serious(result), (result["file"], _serious(result))
    assert status == 0
