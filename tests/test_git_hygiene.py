"""Git hygiene: nothing that may hold small numbers or real data is ever committed.

* Run outputs (``outputs/``) may hold counts below the suppression threshold; real coded data
  lives only in ``data/private/``; ``.venv/`` is a local environment. None may be tracked
  (DESIGN.md, "Layout").
* The executed notebooks committed in ``notebooks/`` and the figures in ``figures/`` must come
  from the default all-Wales run: a notebook executed for a board (or a period split of one)
  with suppression switched off would publish small numbers (DESIGN.md, "Disclosure control
  defaults": suppression is on by default below all-Wales, and only an explicit opt-out turns
  it off).

The notebook parameters follow the runner's contract: a cell tagged ``parameters`` holding
``REGION`` ("wales" or a board code), ``PERIOD``, ``THRESHOLD`` (5) and ``SUPPRESS`` (None =
default policy, False = explicit opt-out); papermill records the values it injected in
``metadata.papermill.parameters`` and in a cell tagged ``injected-parameters``.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NEVER_TRACKED = ("outputs/", "data/private/", ".venv/")


def git_files(*patterns: str) -> list[str] | None:
    """Tracked files matching ``patterns`` (all if none), or None when this is not a git checkout."""
    if shutil.which("git") is None:
        return None
    proc = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", "--", *patterns], capture_output=True, timeout=30)
    if proc.returncode != 0:
        return None
    return [p for p in proc.stdout.decode("utf-8", "replace").split("\0") if p]


@pytest.fixture(scope="module")
def tracked():
    files = git_files()
    if files is None:
        pytest.skip("not a git checkout (or git is not installed)")
    return files


# ------------------------------------------------------------------ tracked paths
def test_no_outputs_private_data_or_venv_tracked(tracked):
    bad = [f for f in tracked if f.startswith(NEVER_TRACKED)]
    assert not bad, (
        f"these files must never be committed (run outputs may hold small numbers; data/private holds real "
        f"data): {bad[:10]}; remove them with `git rm --cached`"
    )


@pytest.mark.parametrize("path", ["outputs/MWW/pre_covid/table.csv", "data/private/forms.xlsx", ".venv/bin/python"])
def test_gitignore_keeps_them_out(tracked, path):
    proc = subprocess.run(["git", "-C", str(ROOT), "check-ignore", "-q", "--no-index", path], timeout=30)
    assert proc.returncode == 0, f"{path} is not ignored by .gitignore"


# ------------------------------------------------------------------ notebook parameters
def _literal_assignments(source: str) -> dict:
    """``NAME = <literal>`` assignments of a cell (other statements are ignored)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    out = {}
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if node.value is None:
                continue
            try:
                value = ast.literal_eval(node.value)
            except (ValueError, SyntaxError, TypeError):
                continue
            for t in targets:
                if isinstance(t, ast.Name):
                    out[t.id] = value
    return out


def notebook_parameters(nb: dict) -> dict:
    """The parameters a notebook ran with, keys lower-cased.

    The ``parameters`` cell gives the defaults; a papermill ``injected-parameters`` cell and
    ``metadata.papermill.parameters`` override them (in that order).
    """
    params: dict = {}
    for tag in ("parameters", "injected-parameters"):
        for cell in nb.get("cells", []):
            if cell.get("cell_type") == "code" and tag in cell.get("metadata", {}).get("tags", []):
                src = cell.get("source", "")
                params.update(_literal_assignments("".join(src) if isinstance(src, list) else src))
    params.update(nb.get("metadata", {}).get("papermill", {}).get("parameters", {}) or {})
    return {str(k).lower(): v for k, v in params.items()}


def disclosure_problem(params: dict) -> str | None:
    """Why a run with ``params`` must not be committed, or None if it may be."""
    region = params.get("region", "wales")
    suppress = params.get("suppress")
    threshold = params.get("threshold", 5)
    off = suppress is False or (
        isinstance(threshold, (int, float)) and not isinstance(threshold, bool) and threshold <= 1
    )
    if region != "wales" and off:
        return f"region {region!r} with suppression off (suppress={suppress!r}, threshold={threshold!r})"
    return None


def test_notebook_parameters_are_read_from_cells_and_metadata():
    nb = {
        "cells": [
            {"cell_type": "markdown", "metadata": {"tags": ["parameters"]}, "source": "REGION = 'x'"},
            {
                "cell_type": "code",
                "metadata": {"tags": ["parameters"]},
                "source": ["DATA = 'wales'\n", "REGION = 'wales'\n", "SUPPRESS = None\n", "OUT = Path('x')\n"],
            },
            {"cell_type": "code", "metadata": {"tags": ["injected-parameters"]}, "source": 'REGION = "MWW"\n'},
        ],
        "metadata": {"papermill": {"parameters": {"SUPPRESS": False}}},
    }
    assert notebook_parameters(nb) == {"data": "wales", "region": "MWW", "suppress": False}


@pytest.mark.parametrize(
    "params, bad",
    [
        ({}, False),  # the defaults: all-Wales
        ({"region": "wales", "suppress": False}, False),  # all-Wales may be unsuppressed
        ({"region": "MWW"}, False),  # default policy: on below all-Wales
        ({"region": "MWW", "suppress": None, "threshold": 5}, False),
        ({"region": "MWW", "suppress": False}, True),
        ({"region": "CAV", "threshold": 1}, True),  # threshold 1 hides nothing
    ],
)
def test_disclosure_rule(params, bad):
    assert (disclosure_problem(params) is not None) == bad


def test_committed_notebooks_are_all_wales_or_suppressed(tracked):
    notebooks = [f for f in tracked if f.startswith("notebooks/") and f.endswith(".ipynb")]
    if not notebooks:
        pytest.skip("no committed notebooks yet")
    bad = []
    for rel in notebooks:
        path = ROOT / rel
        if not path.exists():  # deleted in the working tree, not yet committed
            continue
        nb = json.loads(path.read_text(encoding="utf-8"))
        problem = disclosure_problem(notebook_parameters(nb))
        if problem:
            bad.append(f"{rel}: {problem}")
    assert not bad, "committed notebooks executed below all-Wales without suppression: " + "; ".join(bad)


# ------------------------------------------------------------------ figures
def figures_problem(manifest: dict) -> str | None:
    """Why figures with this manifest are not from the default all-Wales run, or None."""
    params = manifest.get("parameters", manifest)
    if not isinstance(params, dict):
        return "manifest.json has no parameters"
    params = {str(k).lower(): v for k, v in params.items()}
    if params.get("region", "wales") != "wales":
        return f"made for region {params['region']!r}, not 'wales'"
    if params.get("period", "all") != "all":
        return f"made for period {params['period']!r}, not 'all'"
    return disclosure_problem(params)


@pytest.mark.parametrize(
    "manifest, ok",
    [
        ({"parameters": {"region": "wales", "period": "all", "threshold": 5, "suppress": None}}, True),
        ({"parameters": {"REGION": "wales", "PERIOD": "all"}}, True),
        ({"parameters": {"region": "MWW", "period": "all"}}, False),
        ({"parameters": {"region": "wales", "period": "pre_covid"}}, False),
        ({"parameters": "?"}, False),
    ],
)
def test_figures_rule(manifest, ok):
    assert (figures_problem(manifest) is None) == ok


def test_committed_figures_come_from_the_default_all_wales_run(tracked):
    figures = [
        f
        for f in tracked
        if f.startswith("figures/") and f != "figures/manifest.json" and not f.endswith((".md", ".gitkeep"))
    ]
    manifest_path = ROOT / "figures" / "manifest.json"
    if not figures and not manifest_path.exists():
        pytest.skip("no committed figures yet")
    assert manifest_path.exists(), (
        f"figures/ holds {len(figures)} figure(s) but no manifest.json saying which run made them; "
        "regenerate them with `cprstats reproduce`"
    )
    problem = figures_problem(json.loads(manifest_path.read_text(encoding="utf-8")))
    assert problem is None, f"figures/ must come from the default all-Wales run: {problem}"
