"""``cprstats reproduce`` (what ``make reproduce`` runs): the default analysis, end to end.

1. Runs every notebook for all of Wales, all periods, in English, on the shipped synthetic
   data (``data="wales"``), into ``outputs/wales/all`` (always refreshed: ``force=True``
   for that one folder) with `cprstats.runner.execution.run`.
2. Copies that run's figures into the repository's ``figures/`` and writes
   ``figures/manifest.json`` (parameters, data checksum, which notebook drew each figure;
   sorted keys, no timestamps). Figures are drawn byte for byte the same each time, so
   re-running changes nothing that git can see.
3. Refreshes the committed executed notebooks ``notebooks/NAME.ipynb`` with the executed
   copies, after `clean_notebook` has removed what changes from run to run (papermill's
   start and end times and durations, input/output paths, nbclient's timing metadata, the
   random id of the injected-parameters cell, papermill's empty tag lists).

Sources and their pairs
    A notebook's source is ``notebooks/NAME.py`` (jupytext percent format); the runner
    executes it, and this is the only writer of the ``.ipynb`` paired with it. The ``.py``
    is never written here. The executed notebook keeps the jupytext pairing metadata
    (``"jupytext": {"formats": "ipynb,py:percent", ...}``), so JupyterLab with jupytext
    (``make lab``) opens and saves the two as one notebook. Before anything runs, an
    ``.ipynb`` whose cells differ from its ``.py`` and that was saved after it (edited
    without jupytext) stops the run with `ParameterError`, rather than being overwritten.

``OUTPUT_DIR`` in a committed notebook
    The runner runs each notebook with ``OUTPUT_DIR = "."`` in a staging folder whose files
    are then moved to ``outputs/wales/all``. In the committed copy that value is rewritten to
    the same folder seen from ``notebooks/`` (``"../outputs/wales/all"``), in the injected
    cell and in ``metadata.papermill.parameters``, so that re-running the committed notebook
    (nbval does, from ``notebooks/``) writes where the run wrote and not into ``notebooks/``.
    Nothing else in the notebook depends on it.

If any notebook fails, ``figures/`` and ``notebooks/`` are left as they were.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cprstats.errors import ParameterError
from cprstats.io import dumps_json, write_bytes, write_text
from cprstats.runner.data import sha256_file
from cprstats.runner.execution import find_root, list_notebooks, run
from cprstats.runner.jobs import load_source

if TYPE_CHECKING:
    from nbformat import NotebookNode

__all__ = [
    "reproduce",
    "Reproduced",
    "clean_notebook",
    "copy_figures",
    "refresh_notebooks",
    "DEFAULTS",
    "PAIRING",
    "check_pairs",
]

#: The parameters of the default all-Wales run.
DEFAULTS = {"DATA": "wales", "REGION": "wales", "PERIOD": "all", "LANG": "en", "THRESHOLD": 5, "SUPPRESS": None}
_FIGURES_NOTE = (
    "Figures of the default all-Wales run on the shipped SYNTHETIC data (describes no real child), "
    "made by `cprstats reproduce` (`make reproduce`); do not edit by hand."
)
_VOLATILE_NB = ("start_time", "end_time", "duration", "input_path", "output_path")
_VOLATILE_CELL = ("start_time", "end_time", "duration")
#: The jupytext pairing of a notebook's source ``NAME.py`` and its executed ``NAME.ipynb``.
PAIRING = "ipynb,py:percent"
#: Seconds by which an ``.ipynb`` may be newer than its ``.py`` before differing cells stop `reproduce`.
_NEWER_MARGIN = 1.0


@dataclass
class Reproduced:
    """What `reproduce` did: the run, the figures copied and the notebooks refreshed."""

    run: Any
    figures: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    notebooks: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return self.run.exit_code


def clean_notebook(nb: NotebookNode, *, output_dir: str | None = None) -> NotebookNode:
    """Remove what changes from run to run from an executed notebook (in place; also returned).

    Drops papermill's ``start_time``, ``end_time``, ``duration``, ``input_path`` and
    ``output_path`` (notebook and cells) and nbclient's ``execution`` timings; gives the
    injected-parameters cell a fixed id and no trailing newline, and drops the empty
    ``tags`` lists papermill gives untagged cells (so the cells read as jupytext reads
    those of the ``.py`` source); keeps ``metadata.papermill.parameters``. With
    ``output_dir``, sets the ``OUTPUT_DIR`` parameter to it (see the module notes).

    Examples
    --------
    >>> import nbformat
    >>> pm = {"start_time": "2024-01-01", "parameters": {"OUTPUT_DIR": "."}}
    >>> nb = nbformat.v4.new_notebook(metadata={"papermill": pm})
    >>> cell = nbformat.v4.new_code_cell('# Parameters\\nOUTPUT_DIR = "."\\n', metadata={
    ...     "tags": ["injected-parameters"],
    ...     "papermill": {"duration": 0.1, "status": "completed"},
    ...     "execution": {"iopub.status.busy": "x"},
    ... })
    >>> nb.cells.append(cell)
    >>> nb.cells.append(nbformat.v4.new_code_cell("print(1)", metadata={"tags": []}))
    >>> nb = clean_notebook(nb, output_dir="../outputs/wales/all")
    >>> dict(nb.metadata.papermill), dict(nb.cells[0].metadata.papermill), nb.cells[0].id
    ({'parameters': {'OUTPUT_DIR': '../outputs/wales/all'}}, {'status': 'completed'}, 'injected-parameters')
    >>> dict(nb.cells[1].metadata)
    {}
    >>> nb.cells[0].source
    '# Parameters\\nOUTPUT_DIR = "../outputs/wales/all"'
    """
    pm_meta = nb.metadata.get("papermill", {})
    for key in _VOLATILE_NB:
        pm_meta.pop(key, None)
    params = pm_meta.get("parameters")
    if output_dir is not None and isinstance(params, dict) and "OUTPUT_DIR" in params:
        params["OUTPUT_DIR"] = output_dir
    for cell in nb.cells:
        meta = cell.get("metadata", {})
        for key in _VOLATILE_CELL:
            meta.get("papermill", {}).pop(key, None)
        meta.pop("execution", None)
        if meta.get("tags") == []:
            del meta["tags"]
        if "injected-parameters" in meta.get("tags", []):
            if "id" in cell:
                cell["id"] = "injected-parameters"
            if output_dir is not None and isinstance(params, dict):
                from papermill.translators import translate_parameters

                ks = nb.metadata.get("kernelspec", {})
                cell["source"] = translate_parameters(
                    ks.get("name", "python3"), ks.get("language", "python"), params, "Parameters"
                )
            # as jupytext writes it in the .py: no trailing newline
            cell["source"] = cell["source"].rstrip("\n")
    return nb


def copy_figures(run_folder: Path, manifest: dict, figures_dir: Path) -> tuple[list[str], list[str]]:
    """Copy a run's ``figures/`` into ``figures_dir`` and write its ``manifest.json``.

    Files are rewritten only when their bytes differ; figures listed in the previous
    manifest that the run no longer makes are removed (nothing else is touched).

    Returns
    -------
    (list of str, list of str)
        Every figure (relative path) and those whose bytes changed.
    """

    made = {}
    for name, nb in sorted(manifest.get("notebooks", {}).items()):
        for rel in nb.get("files", []):
            if rel.startswith("figures/"):
                made[rel.removeprefix("figures/")] = name
    changed = []
    for rel in sorted(made):
        data = (run_folder / "figures" / rel).read_bytes()
        dest = figures_dir / rel
        if not dest.is_file() or dest.read_bytes() != data:
            write_bytes(data, dest)
            changed.append(rel)
    old_manifest = figures_dir / "manifest.json"
    if old_manifest.is_file():
        try:
            old = json.loads(old_manifest.read_text(encoding="utf-8")).get("figures", {})
        except ValueError:
            old = {}
        for rel in sorted(set(old) - set(made)):
            stale = figures_dir / rel
            if stale.is_file():
                stale.unlink()
                changed.append(rel)
    params = manifest.get("parameters", {})
    record = {
        "generated_by": "cprstats reproduce",
        "note": _FIGURES_NOTE,
        "parameters": {k: v for k, v in params.items() if k != "OUTPUT_DIR"},
        "cprstats_version": manifest.get("versions", {}).get("cprstats"),
        "data_sha256": manifest.get("data", {}).get("sha256"),
        "figures": {rel: {"notebook": made[rel], "sha256": sha256_file(figures_dir / rel)} for rel in sorted(made)},
    }
    text = dumps_json(record)
    if not old_manifest.is_file() or old_manifest.read_text(encoding="utf-8") != text:
        write_text(text, old_manifest)
    return sorted(made), changed


def refresh_notebooks(run_folder: Path, manifest: dict, notebook_dir: Path) -> list[str]:
    """Write each ``notebook_dir/NAME.ipynb`` from its cleaned executed copy in ``run_folder``.

    A notebook whose source is ``NAME.py`` keeps the jupytext pairing metadata
    (``formats`` = `PAIRING`, without the version-dependent ``text_representation``). A file
    is rewritten only when its text changes; the ``.py`` sources are never written.

    Returns
    -------
    list of str
        The notebooks refreshed (those that ran).
    """
    import nbformat

    output_dir = os.path.relpath(run_folder.resolve(), notebook_dir.resolve()).replace(os.sep, "/")
    done = []
    for name, info in sorted(manifest.get("notebooks", {}).items()):
        if info.get("status") != "ok" or not info.get("notebook"):
            continue
        nb = nbformat.read(run_folder / info["notebook"], as_version=4)
        if (notebook_dir / f"{name}.py").is_file():
            pairing = nb.metadata.setdefault("jupytext", {})
            pairing.setdefault("formats", PAIRING)
            pairing.pop("text_representation", None)
        text = nbformat.writes(clean_notebook(nb, output_dir=output_dir))
        text = text if text.endswith("\n") else text + "\n"
        target = notebook_dir / f"{name}.ipynb"
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            write_text(text, target)
        done.append(name)
    return done


def _authored_cells(nb) -> list[tuple[str, str, tuple[str, ...]]]:
    """Type, source and tags of each cell but papermill's injected-parameters cell."""
    cells = [(c.cell_type, c.source, tuple(c.get("metadata", {}).get("tags", []))) for c in nb.cells]
    return [c for c in cells if "injected-parameters" not in c[2]]


def check_pairs(notebook_dir: str | os.PathLike) -> None:
    """Stop before a run that would overwrite an ``.ipynb`` edited without its ``.py``.

    For each ``NAME.py`` with a ``NAME.ipynb``: if their cells (type, source, tags; papermill's
    injected-parameters cell left out) differ and the ``.ipynb`` was saved after the ``.py``,
    the ``.ipynb`` was edited on its own (not through jupytext's pairing) and `reproduce`
    would lose the edit.

    Raises
    ------
    ParameterError
        Naming the notebooks, and how to bring the edit into the ``.py``.
    """
    import nbformat

    notebook_dir = Path(notebook_dir)
    stale = []
    for py in sorted(notebook_dir.glob("*.py")):
        ipynb = py.with_suffix(".ipynb")
        if py.name.startswith(".") or not ipynb.is_file():
            continue
        if ipynb.stat().st_mtime <= py.stat().st_mtime + _NEWER_MARGIN:
            continue
        if _authored_cells(load_source(py)) != _authored_cells(nbformat.read(ipynb, as_version=4)):
            stale.append(py.stem)
    if stale:
        names = ", ".join(f"{n}.ipynb" for n in stale)
        raise ParameterError(
            f"{names} in {notebook_dir} changed after the .py source and the cells differ; "
            "`cprstats reproduce` runs the .py and would overwrite the change. Bring it into the .py "
            "(`jupytext --sync notebooks/NAME.ipynb` updates the .py from the newer .ipynb), then run again"
        )


def reproduce(
    *,
    output: str | os.PathLike | None = None,
    jobs: int = 2,
    root: str | os.PathLike | None = None,
    progress: bool = True,
) -> Reproduced:
    """Run the default all-Wales analysis and regenerate ``figures/`` and the committed notebooks.

    Parameters
    ----------
    output : path, optional
        Default ``<root>/outputs``; the run goes to ``<output>/wales/all`` (replaced).
    jobs : int, default 2
    root : path, optional
        The repository folder (default: found from the package location or the current folder).

    Returns
    -------
    Reproduced
        ``exit_code`` is 1 if any notebook failed (then nothing in the repository was changed).

    Raises
    ------
    ParameterError
        No notebooks in ``<root>/notebooks``, or an ``.ipynb`` edited apart from its ``.py``
        (see `check_pairs`).

    Examples
    --------
    >>> reproduce()  # doctest: +SKIP
    """

    root = Path(root) if root is not None else find_root()
    notebook_dir = root / "notebooks"
    if not list_notebooks(notebook_dir):
        raise ParameterError(f"no notebooks in {notebook_dir}; run `cprstats reproduce` from the repository folder")
    check_pairs(notebook_dir)
    output = Path(output) if output is not None else root / "outputs"
    result = run(
        None,
        [DEFAULTS["REGION"]],
        [DEFAULTS["PERIOD"]],
        lang=DEFAULTS["LANG"],
        jobs=jobs,
        data=DEFAULTS["DATA"],
        output=output,
        threshold=DEFAULTS["THRESHOLD"],
        suppress=DEFAULTS["SUPPRESS"],
        force=True,
        notebook_dir=notebook_dir,
        progress=progress,
    )
    done = Reproduced(result)
    if not result.ok:
        return done
    folder = output / DEFAULTS["REGION"] / DEFAULTS["PERIOD"]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    done.figures, done.changed = copy_figures(folder, manifest, root / "figures")
    done.notebooks = refresh_notebooks(folder, manifest, notebook_dir)
    return done
