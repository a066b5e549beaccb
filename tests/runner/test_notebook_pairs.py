"""Each notebook's source ``notebooks/NAME.py`` (jupytext percent format) and its committed ``NAME.ipynb`` agree.

The ``.py`` is what the runner executes; the ``.ipynb`` is what `cprstats reproduce` made of it,
committed with its outputs. These tests read only committed files (no kernel, no timestamps), so
they pass on a fresh clone exactly when the pair agrees: same cells in the same order (type,
source, tags), and both carry jupytext's pairing, so JupyterLab (``make lab``) opens and saves
them as one notebook.

When a test here fails, the ``.py`` was edited without ``make reproduce`` (run it and commit the
``.ipynb``), or the ``.ipynb`` was edited without its ``.py`` (``jupytext --sync notebooks/NAME.ipynb``
brings the newer file's cells into the other; then ``make reproduce``).
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
import pytest
from jupytext.compare import compare

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"
SOURCES = sorted(NOTEBOOK_DIR.glob("*.py"))
EXECUTED = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
PAIRING = "ipynb,py:percent"
FIX = "run `make reproduce` after editing the .py; after editing the .ipynb alone, `jupytext --sync` it first"


def _cells(nb) -> list[tuple[str, str, list[str]]]:
    return [(c.cell_type, c.source, list(c.get("metadata", {}).get("tags", []))) for c in nb.cells]


def test_every_notebook_has_its_source_and_its_executed_copy():
    assert SOURCES, "no notebooks/*.py"
    assert [p.stem for p in SOURCES] == [p.stem for p in EXECUTED], "each NAME.py needs NAME.ipynb and back"


@pytest.mark.parametrize("py", SOURCES, ids=[p.stem for p in SOURCES])
def test_source_and_executed_notebook_have_the_same_cells(py):
    ipynb = py.with_suffix(".ipynb")
    assert ipynb.is_file(), f"{ipynb.name} is missing: {FIX}"
    source = _cells(jupytext.read(py))
    executed = _cells(nbformat.read(ipynb, as_version=4))
    for i, (a, b) in enumerate(zip(source, executed), start=1):
        assert a == b, f"cell {i} of {py.name} differs from {ipynb.name}: {FIX}\n  .py:    {a!r}\n  .ipynb: {b!r}"
    assert len(source) == len(executed), f"{py.name} has {len(source)} cells, {ipynb.name} {len(executed)}: {FIX}"


@pytest.mark.parametrize("py", SOURCES, ids=[p.stem for p in SOURCES])
def test_both_files_carry_the_jupytext_pairing(py):
    source = jupytext.read(py)
    executed = nbformat.read(py.with_suffix(".ipynb"), as_version=4)
    assert source.metadata.get("jupytext", {}).get("formats") == PAIRING
    assert executed.metadata.get("jupytext", {}).get("formats") == PAIRING
    assert "text_representation" not in executed.metadata["jupytext"], "the .ipynb names no jupytext version"
    assert source.metadata.get("kernelspec") == executed.metadata.get("kernelspec")


@pytest.mark.parametrize("py", SOURCES, ids=[p.stem for p in SOURCES])
def test_jupyterlab_sees_one_notebook(py):
    # what jupytext's contents manager checks when the .ipynb is newer than the .py (its read_pair):
    # both files written as the .py would be must give the same text, or JupyterLab refuses to open them
    ipynb = py.with_suffix(".ipynb")
    as_text = jupytext.writes(jupytext.read(py), fmt="py:percent")
    executed_as_text = jupytext.writes(nbformat.read(ipynb, as_version=4), fmt="py:percent")
    diff = compare(executed_as_text, as_text, str(ipynb), str(py), return_diff=True)
    assert not diff, f"{FIX}\n{diff}"
