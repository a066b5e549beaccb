"""The notebooks: their shape (thin, parameterised, bilingual prose), and a real run of every
notebook for two parameter sets other than the committed defaults.

Each notebook is a jupytext percent-format source ``notebooks/NAME.py`` (what the runner executes)
paired with its committed executed ``NAME.ipynb``; tests/runner/test_notebook_pairs.py checks that the two
agree, so the shape is checked on the source and the outputs on the executed copy.

nbval (``make test``'s second step) re-runs the committed notebooks with their defaults and
compares the key-figure cells; this module checks what nbval cannot: that the notebooks also
run for a small region (where suppression must show) and in Welsh, and what they write.
"""

from __future__ import annotations

import ast
import csv
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import jupytext
import nbformat
import pytest

import cprstats
from cprstats.codebook.i18n import t

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
NAMES = [p.stem for p in NOTEBOOKS]
SOURCES = sorted((ROOT / "notebooks").glob("*.py"))
EXPECTED = [
    "01_children_and_families",
    "02_agencies",
    "03_themes_and_learning",
    "04_periods",
    "05_regions",
    "06_published_findings",
    "07_coder_agreement",
    "08_action_plans",
    "09_review_process",
]


def test_every_notebook_of_the_design_is_there():
    assert NAMES == EXPECTED
    assert [p.stem for p in SOURCES] == EXPECTED, "each notebook's source is notebooks/NAME.py"


@pytest.mark.parametrize("path", SOURCES, ids=[p.stem for p in SOURCES])
def test_source_is_thin_and_parameterised(path):
    nb = jupytext.read(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1, "exactly one cell tagged 'parameters'"
    assert "OUTPUT_DIR" in params[0].source
    for c in code:
        tree = ast.parse(c.source)
        defs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
        assert not defs, f"no def or class in a notebook: {c.source[:60]!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NAMES)
def test_notebook_is_thin_parameterised_and_executed(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1, "exactly one cell tagged 'parameters'"
    assert all(c.execution_count is not None for c in code), "committed executed (nbval compares outputs)"
    for c in code:
        tree = ast.parse(c.source)
        defs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
        assert not defs, f"no def or class in a notebook: {c.source[:60]!r}"
        assert "../data" not in c.source, "paths belong in the parameters cell, as arguments"
        assert not any(o.get("output_type") == "error" for o in c.outputs)
    assert any(c.source.startswith("# NBVAL_CHECK_OUTPUT") for c in code), "key figures checked by nbval"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NAMES)
def test_prose_comes_in_both_languages(path):
    nb = nbformat.read(path, as_version=4)
    tags = [tuple(c.metadata.get("tags", [])) for c in nb.cells if c.cell_type == "markdown"]
    en = sum("lang-en" in x for x in tags)
    cy = sum("lang-cy" in x for x in tags)
    assert en == cy > 0, "every prose cell has its Welsh twin"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NAMES)
def test_committed_run_is_the_default_all_wales_one(path):
    nb = nbformat.read(path, as_version=4)
    params = nb.metadata.get("papermill", {}).get("parameters", {})
    assert params.get("REGION", "wales") == "wales"
    assert params.get("SUPPRESS") is None and params.get("LANG", "en") == "en"
    assert "start_time" not in nb.metadata.get("papermill", {}), "volatile metadata stripped"


# --------------------------------------------------------------------------- real runs
class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.lang, self.imgs, self.tables, self.captions, self.text = None, [], 0, 0, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "img":
            self.imgs.append(a.get("alt") or "")
        elif tag == "table":
            self.tables += 1
        elif tag == "caption":
            self.captions += 1

    def handle_data(self, data):
        self.text.append(data)


def _page(path: Path) -> _Page:
    p = _Page()
    p.feed(path.read_text(encoding="utf-8"))
    return p


@pytest.fixture(scope="module")
def small_region_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run_mww")
    res = cprstats.runner.execution.run(None, ["MWW"], ["post_covid"], lang="en", jobs=2, output=out, progress=False)
    return res


@pytest.fixture(scope="module")
def welsh_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run_cy")
    res = cprstats.runner.execution.run(None, ["CTM"], ["all"], lang="cy", jobs=2, output=out, progress=False)
    return res


@pytest.mark.slow
def test_small_region_run_suppresses_small_counts(small_region_run):
    res = small_region_run
    assert res.ok, res.failed.to_string()
    folder = res.output / "MWW" / "post_covid"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["region"] == "MWW" and manifest["parameters"]["REGION"] == "MWW"
    hidden = 0
    for table in sorted((folder / "tables").glob("*.csv")):
        if table.stem == "disagreements":
            continue  # the coder-agreement working file has no counts
        with open(table, encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                for col in ("count", "count_ref"):
                    v = row.get(col, "")
                    if v not in ("", None):
                        assert not 1 <= float(v) <= 4, f"{table.name}: a count of {v} was published for a region"
                hidden += row.get("suppressed") == "True"
    assert hidden > 0, "a region this small must show suppression"
    page = _page(folder / "01_children_and_families.html")
    assert page.lang == "en" and all(page.imgs) and page.captions == page.tables


@pytest.mark.slow
def test_welsh_run_is_welsh(welsh_run):
    res = welsh_run
    assert res.ok, res.failed.to_string()
    folder = res.output / "CTM" / "all"
    cb = cprstats.load_codebook()
    english_only = {c.label.en for f in cb.fields.values() for c in f.categories if c.label.en != c.label.cy}
    english_only |= {f.title.en for f in cb.fields.values() if f.title.en != f.title.cy}
    for html in sorted(folder.glob("*.html")):
        page = _page(html)
        assert page.lang == "cy", html.name
        assert page.imgs == [] or all(page.imgs), f"{html.name}: an image without alt text"
        text = "\n".join(page.text)
        cells = {s.strip() for s in re.split(r"[\n;:]", text)}
        leftover = sorted(cells & english_only)
        assert not leftover, f"{html.name}: English labels left in a Welsh report: {leftover[:5]}"
    assert t("section.children", "cy") in "\n".join(_page(folder / "01_children_and_families.html").text)
