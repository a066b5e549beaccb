"""Tests of `cprstats reproduce` (cprstats.runner.reproduction) on a throw-away copy of a repository.

The repository holds two of the tiny notebooks of tests/data/notebooks (see its README):
``ok_tables`` as its jupytext source ``ok_tables.py`` (as the project's notebooks are, with no
``.ipynb`` yet) and ``ok_figures`` as a lone ``.ipynb``; the data is the shipped synthetic
example "wales". The reference behaviour is the task's: figures byte-identical on
regeneration, committed notebooks with no run-to-run differences (no papermill times or
durations), ``metadata.papermill.parameters`` kept, the ``.py`` never written and its
``.ipynb`` keeping the jupytext pairing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import jupytext
import nbformat
import pytest

from cprstats.cli import main
from cprstats.errors import ParameterError
from cprstats.runner.reproduction import DEFAULTS, PAIRING, check_pairs, reproduce

NB_DIR = Path(__file__).parents[1] / "data" / "notebooks"


def _as_source(ipynb: Path, py: Path) -> Path:
    """Write a notebook as its jupytext percent-format source, paired as in notebooks/."""
    nb = nbformat.read(ipynb, as_version=4)
    nb.metadata["jupytext"] = {"formats": PAIRING}
    jupytext.write(nb, py, fmt="py:percent")
    return py


def _cells(nb) -> list[tuple[str, str, list[str]]]:
    return [(c.cell_type, c.source, list(c.metadata.get("tags", []))) for c in nb.cells]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    root = tmp_path_factory.mktemp("repo")
    (root / "notebooks").mkdir()
    _as_source(NB_DIR / "ok_tables.ipynb", root / "notebooks" / "ok_tables.py")
    shutil.copy(NB_DIR / "ok_figures.ipynb", root / "notebooks")
    (root / "figures").mkdir()
    # a figure left by an earlier version of the notebooks, and one put there by hand
    (root / "figures" / "retired.svg").write_text("<svg/>")
    (root / "figures" / "by_hand.txt").write_text("not ours")
    (root / "figures" / "manifest.json").write_text(json.dumps({"figures": {"retired.svg": {}}}))
    source = (root / "notebooks" / "ok_tables.py").read_bytes()
    first = reproduce(root=root, jobs=2, progress=False)
    snap = {"figures": _snapshot(root / "figures"), "notebooks": _snapshot(root / "notebooks"), "source": source}
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


@pytest.mark.slow
def test_the_source_is_run_and_its_ipynb_written_as_its_pair(repo):
    root, _, snap = repo
    py, ipynb = root / "notebooks" / "ok_tables.py", root / "notebooks" / "ok_tables.ipynb"
    assert py.read_bytes() == snap["source"], "reproduce never writes a notebook's source"
    nb = nbformat.read(ipynb, as_version=4)
    assert nb.metadata.jupytext == {"formats": PAIRING}  # paired, and no jupytext version in it
    executed = [c for c in _cells(nb) if "injected-parameters" not in c[2]]
    assert executed == _cells(jupytext.read(py))  # the cells of the .py, tags included (no empty tag lists)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])][0]
    assert not injected.source.endswith("\n")  # as jupytext writes it, so a .py holding it reads the same
    lone = nbformat.read(root / "notebooks" / "ok_figures.ipynb", as_version=4)
    assert "jupytext" not in lone.metadata  # a lone .ipynb is not made a pair


def test_an_ipynb_edited_apart_from_its_py_stops_reproduce(tmp_path, monkeypatch):
    def no_run(*args, **kwargs):
        raise AssertionError("a notebook would have been run")

    monkeypatch.setattr("cprstats.runner.reproduction.run", no_run)
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    py = _as_source(NB_DIR / "ok_tables.ipynb", notebooks / "ok_tables.py")
    nb = nbformat.read(NB_DIR / "ok_tables.ipynb", as_version=4)
    nb.cells[-1].source += "\nprint('added in the ipynb')"
    nbformat.write(nb, notebooks / "ok_tables.ipynb")
    os.utime(py, (1_700_000_000, 1_700_000_000))  # the .ipynb was saved after the .py
    with pytest.raises(ParameterError, match=r"ok_tables.ipynb in .* changed after the .py source"):
        reproduce(root=tmp_path, progress=False)
    os.utime(notebooks / "ok_tables.ipynb", (1_600_000_000, 1_600_000_000))
    check_pairs(notebooks)  # the .py is newer: it is the edit, and reproduce will rewrite the .ipynb


@pytest.fixture(autouse=True)
def _repo_root(monkeypatch, request):
    """Let `cprstats reproduce` (no --root option) find the throw-away repository."""
    if "repo" in request.fixturenames:
        root = request.getfixturevalue("repo")[0]
        monkeypatch.setattr("cprstats.runner.reproduction.find_root", lambda: root)
