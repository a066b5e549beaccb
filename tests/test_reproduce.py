"""Tests of `cprstats reproduce` (cprstats.runner.reproduce) on a throw-away copy of a repository.

The repository holds two of the tiny notebooks of tests/data/notebooks (see its README);
the data is the shipped synthetic example "wales". The reference behaviour is the task's:
figures byte-identical on regeneration, committed notebooks with no run-to-run differences
(no papermill times or durations), ``metadata.papermill.parameters`` kept.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from cprstats.cli import main
from cprstats.runner.reproduce import DEFAULTS, reproduce

NB_DIR = Path(__file__).parent / "data" / "notebooks"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    root = tmp_path_factory.mktemp("repo")
    (root / "notebooks").mkdir()
    for name in ("ok_tables", "ok_figures"):
        shutil.copy(NB_DIR / f"{name}.ipynb", root / "notebooks")
    (root / "figures").mkdir()
    # a figure left by an earlier version of the notebooks, and one put there by hand
    (root / "figures" / "retired.svg").write_text("<svg/>")
    (root / "figures" / "by_hand.txt").write_text("not ours")
    (root / "figures" / "manifest.json").write_text(json.dumps({"figures": {"retired.svg": {}}}))
    first = reproduce(root=root, jobs=2, progress=False)
    snap = {"figures": _snapshot(root / "figures"), "notebooks": _snapshot(root / "notebooks")}
    return root, first, snap


@pytest.mark.slow
def test_reproduce_copies_the_figures_and_writes_their_manifest(repo):
    root, first, _ = repo
    assert first.exit_code == 0 and first.figures == ["bars_wales.svg"]
    run_figure = root / "outputs" / "wales" / "all" / "figures" / "bars_wales.svg"
    assert (root / "figures" / "bars_wales.svg").read_bytes() == run_figure.read_bytes()
    assert not (root / "figures" / "retired.svg").exists()  # listed by our old manifest: removed
    assert (root / "figures" / "by_hand.txt").exists()  # not ours: left alone
    text = (root / "figures" / "manifest.json").read_text(encoding="utf-8")
    meta = json.loads(text)
    assert meta["parameters"] == DEFAULTS
    assert meta["figures"]["bars_wales.svg"]["notebook"] == "ok_figures"
    assert list(meta) == sorted(meta) and not re.search(r"\d\d:\d\d:\d\d", text)  # sorted, no timestamps


@pytest.mark.slow
def test_committed_notebooks_have_no_volatile_metadata(repo):
    root, first, _ = repo
    assert first.notebooks == ["ok_figures", "ok_tables"]
    nb = nbformat.read(root / "notebooks" / "ok_tables.ipynb", as_version=4)
    pm = nb.metadata.papermill
    assert not {"start_time", "end_time", "duration", "input_path", "output_path"} & set(pm)
    assert pm.parameters == {**DEFAULTS, "OUTPUT_DIR": "../outputs/wales/all"}
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and injected[0].id == "injected-parameters"
    assert 'OUTPUT_DIR = "../outputs/wales/all"' in injected[0].source
    for cell in nb.cells:
        assert "execution" not in cell.metadata
        assert not {"start_time", "end_time", "duration"} & set(cell.metadata.get("papermill", {}))
    assert nb.cells[-1].outputs[0]["text"] == "scope wales/all\n"


@pytest.mark.slow
def test_reproducing_again_changes_no_byte(repo, capsys):
    root, _, snap = repo
    rc = main(["reproduce", "--output", str(root / "outputs"), "-q"])  # the CLI, from a repo found by path
    out = capsys.readouterr().out
    assert rc == 0
    assert "All " in out and "Figures: 1 in figures/ (0 changed)" in out
    assert _snapshot(root / "figures") == snap["figures"]
    assert _snapshot(root / "notebooks") == snap["notebooks"]


@pytest.fixture(autouse=True)
def _repo_root(monkeypatch, request):
    """Let `cprstats reproduce` (no --root option) find the throw-away repository."""
    if "repo" in request.fixturenames:
        root = request.getfixturevalue("repo")[0]
        monkeypatch.setattr("cprstats.runner.reproduce.find_root", lambda: root)
