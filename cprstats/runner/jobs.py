"""Run one notebook in a Jupyter kernel: the worker side of `cprstats.runner.execution`.

`execute_one` runs a notebook with papermill, retries once when the kernel fails to
start, tells a failing cell apart from a kernel that never started, and turns the
executed notebook into an HTML report. It is what each worker process of
`cprstats.runner.execution.run` calls, and it can be called on its own (the benchmark suite does).

Sources
    A notebook's source is its jupytext percent-format ``NAME.py``: `source_file` picks it
    for ``NAME.ipynb`` when it exists, and `load_source` turns it into a notebook in memory
    (cell ids derived from the cells, so the executed notebook is the same every run), which
    papermill executes. A lone ``.ipynb`` (no ``.py`` beside it) is executed as it is.

Kernels
    Kernels come from `cprstats.runner.kernels` (this environment's Python, tracked so none is
    left running, their output in a log whose last lines are quoted when a kernel fails to
    start). They run with ``MPLBACKEND=Agg`` (set by the runner) and shut down immediately
    after the last cell (nbclient's ``shutdown_kernel="immediate"``: the default graceful
    shutdown stalls for about 3.5 s in some runs).

Examples
--------
>>> describe_error({"kind": "cell", "cell": 4, "exec_count": 4, "ename": "ValueError", "evalue": "boom"})
'cell 4 (In [4]) raised ValueError: boom'
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import cprstats.runner.kernels as kernels
from cprstats.io import write_text
from cprstats.report.page import notebook_to_html

if TYPE_CHECKING:
    from nbformat import NotebookNode

__all__ = ["execute_one", "describe_error", "source_file", "load_source"]


# --------------------------------------------------------------------------- sources
def source_file(notebook: str | os.PathLike) -> Path:
    """The file that is run for ``notebook``: for ``NAME.ipynb``, its source ``NAME.py`` if that exists.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for n in ["a.py", "a.ipynb", "b.ipynb"]: _ = (d / n).write_text("")
    >>> [source_file(d / n).name for n in ["a.ipynb", "a.py", "b.ipynb", "c.ipynb"]]
    ['a.py', 'a.py', 'b.ipynb', 'c.ipynb']
    """
    path = Path(notebook)
    if path.suffix == ".ipynb" and path.with_suffix(".py").is_file():
        return path.with_suffix(".py")
    return path


def load_source(path: str | os.PathLike) -> NotebookNode:
    """Read a jupytext percent-format ``.py`` notebook into memory, ready for papermill.

    The jupytext metadata keeps the pairing (``formats``, the metadata filters) but not the
    ``text_representation`` (it names the jupytext version); a source without a header gets
    ``language_info`` ``python``. Each cell's id is derived from its type, its source and
    how many identical cells came before it, so executing the same source twice gives the
    same notebook.

    Parameters
    ----------
    path : path
        The ``.py`` file.

    Returns
    -------
    nbformat.NotebookNode

    Examples
    --------
    >>> import tempfile, pathlib
    >>> py = pathlib.Path(tempfile.mkdtemp()) / "a.py"
    >>> _ = py.write_text('# %% tags=["parameters"]\\nX = 1\\n\\n# %%\\nprint(X)\\n')
    >>> nb = load_source(py)
    >>> [(c.cell_type, c.source, c.metadata.get("tags")) for c in nb.cells]
    [('code', 'X = 1', ['parameters']), ('code', 'print(X)', None)]
    >>> [c.id for c in nb.cells] == [c.id for c in load_source(py).cells]
    True
    """
    import jupytext

    nb = jupytext.read(Path(path), fmt="py:percent")
    pairing = nb.metadata.get("jupytext")
    if isinstance(pairing, dict):
        pairing.pop("text_representation", None)
    nb.metadata.setdefault("language_info", {"name": "python"})
    seen: Counter = Counter()
    for cell in nb.cells:
        key = f"{cell.cell_type}\n{cell.source}"
        seen[key] += 1
        cell["id"] = hashlib.sha256(f"{key}\n{seen[key]}".encode()).hexdigest()[:8]
    return nb


def _record_input(output_notebook: Path, source: Path) -> None:
    """Name the source file as papermill's ``input_path`` (papermill stores an in-memory input there whole)."""
    import nbformat

    if not output_notebook.is_file():
        return
    nb = nbformat.read(output_notebook, as_version=4)
    meta = nb.metadata.get("papermill", {})
    if isinstance(meta.get("input_path"), str):
        return
    meta["input_path"] = str(source)
    write_text(nbformat.writes(nb), output_notebook)


# --------------------------------------------------------------------------- errors
def describe_error(error: dict[str, Any] | None) -> str:
    """One line saying what went wrong in a notebook run (from `execute_one`'s ``error``)."""
    if not error:
        return ""
    kind = error.get("kind")
    if kind == "cell":
        return f"cell {error['cell']} (In [{error['exec_count']}]) raised {error['ename']}: {error['evalue']}"
    if kind == "startup":
        return f"the kernel failed to start ({error.get('attempts', 1)} attempts): {error['ename']}: {error['evalue']}"
    if kind == "html":
        return f"the notebook ran but its HTML report failed: {error['ename']}: {error['evalue']}"
    if kind == "source":
        return f"the notebook could not be read: {error['ename']}: {error['evalue']}"
    return f"{error['ename']}: {error['evalue']}"


def _first_line(text: Any, limit: int = 300) -> str:
    lines = str(text).strip().splitlines()
    line = lines[0] if lines else ""
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _source_cell(output_notebook: Path, exec_count) -> int | None:
    """1-based position of the failed cell in the notebook as written (papermill's own cells left out)."""
    import nbformat

    try:
        nb = nbformat.read(output_notebook, as_version=4)
    except Exception:  # noqa: BLE001 - the error is reported without a position
        return None
    added = {"injected-parameters", "papermill-error-cell-tag"}
    cells = [c for c in nb.cells if not added & set(c.get("metadata", {}).get("tags", []))]
    for i, cell in enumerate(cells, start=1):
        if cell.cell_type == "code" and exec_count is not None and cell.get("execution_count") == exec_count:
            return i
    return None


def _cell_error(exc, output_notebook: Path) -> dict[str, Any]:
    exec_count = getattr(exc, "exec_count", None)
    cell = _source_cell(output_notebook, exec_count)
    if cell is None and getattr(exc, "cell_index", None) is not None:
        cell = int(exc.cell_index) + 1  # position in the executed notebook
    return {
        "kind": "cell",
        "cell": cell,
        "exec_count": exec_count,
        "ename": str(getattr(exc, "ename", type(exc).__name__)),
        "evalue": _first_line(getattr(exc, "evalue", exc)),
    }


def _log_tail(path: Path, n: int = 5) -> str:
    try:
        lines = [
            ln
            for ln in path.read_text(encoding="utf-8", errors="replace").splitlines()
            if ln.strip() and "running over TCP without encryption" not in ln
        ]
    except OSError:
        return ""
    return " | ".join(lines[-n:])


# --------------------------------------------------------------------------- one notebook
def execute_one(
    notebook: str | os.PathLike,
    output_notebook: str | os.PathLike,
    parameters: dict[str, Any] | None = None,
    *,
    cwd: str | os.PathLike | None = None,
    html: str | os.PathLike | None = None,
    lang: str = "en",
    kernel_name: str | None = None,
    start_retries: int = 1,
    timeout: float | None = None,
) -> dict[str, Any]:
    """Execute one notebook with papermill and, if asked, write its HTML report.

    The executed notebook is written even when a cell fails (with the error in it), and
    the HTML is made from whatever ran. A kernel that fails to start (no reply, died on
    start-up, no such kernelspec) is retried ``start_retries`` times; a failing cell is not.

    Parameters
    ----------
    notebook, output_notebook : path
        The notebook to run and where to write the executed copy. The notebook is a jupytext
        percent-format ``.py`` or an ``.ipynb``; for ``NAME.ipynb`` whose ``NAME.py`` exists,
        ``NAME.py`` is run (see `source_file`).
    parameters : dict, optional
        Values for the notebook's ``parameters`` cell (papermill injects a cell after it).
    cwd : path, optional
        Working folder of the kernel (relative paths in the notebook start there).
    html : path, optional
        Where to write the HTML report (`cprstats.report.page.notebook_to_html`, no code shown).
    lang : {"en", "cy"}
        Language of the HTML report.
    kernel_name : str, optional
        Default `cprstats.runner.kernels.KERNEL_NAME` (``"python3"``, read when called).
    start_retries : int, default 1
    timeout : float, optional
        Seconds a single cell may run (default: no limit).

    Returns
    -------
    dict
        ``status`` ("ok" or "failed"), ``seconds``, ``attempts``, ``error`` (None, or a
        dict with ``kind`` = "cell" | "startup" | "kernel" | "html" | "source" (the notebook
        could not be read), ``cell`` (1-based
        position of the failed cell in ``notebook``, as the author numbers its cells),
        ``exec_count`` (the ``In [n]`` shown in the executed notebook), ``ename``, ``evalue``), ``message`` (one
        line, see `describe_error`), ``html`` (the path written or None) and
        ``html_error``.

    Examples
    --------
    >>> execute_one("notebooks/01_children_and_families.ipynb", "out/01.ipynb",
    ...             {"REGION": "MWW"}, html="out/01.html")  # doctest: +SKIP
    {'status': 'ok', 'seconds': 6.1, 'attempts': 1, 'error': None, ...}
    """
    kernel_name = kernels.KERNEL_NAME if kernel_name is None else kernel_name
    output_notebook = Path(output_notebook)
    output_notebook.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    source = source_file(notebook)
    attempts = 0
    try:
        # a .py source runs from memory; a lone .ipynb is handed to papermill by path
        runnable = load_source(source) if source.suffix == ".py" else str(source)
    except Exception as exc:  # noqa: BLE001 - reported, not raised, like a failing cell
        runnable = None
        error = {
            "kind": "source",
            "cell": None,
            "exec_count": None,
            "ename": type(exc).__name__,
            "evalue": f"{source}: {_first_line(exc)}",
        }
    while runnable is not None:
        attempts += 1
        error = _attempt(runnable, source, output_notebook, parameters, cwd, kernel_name, timeout)
        if error is None or error["kind"] != "startup" or attempts > start_retries:
            break
    if error is not None and error["kind"] == "startup":
        error["attempts"] = attempts
    result = {
        "status": "ok" if error is None else "failed",
        "attempts": attempts,
        "error": error,
        "html": None,
        "html_error": None,
    }
    if html is not None and output_notebook.is_file():
        result.update(_to_html(output_notebook, Path(html), lang))
        if error is None and result["html_error"]:
            result["status"] = "failed"
            result["error"] = {
                "kind": "html",
                "cell": None,
                "exec_count": None,
                "ename": result["html_error"][0],
                "evalue": result["html_error"][1],
            }
    if result["html_error"]:
        result["html_error"] = ": ".join(result["html_error"])
    result["seconds"] = time.perf_counter() - t0
    result["message"] = describe_error(result["error"])
    return result


def _attempt(notebook, source: Path, output_notebook: Path, parameters, cwd, kernel_name: str, timeout) -> dict | None:
    """Run the notebook (in memory, or a path) once; None if every cell ran, else the error (see `execute_one`)."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    started = []
    fd, log_name = tempfile.mkstemp(prefix="cprstats-kernel-", suffix=".log")
    os.close(fd)
    try:
        with kernels.kernel_log(Path(log_name)):
            pm.execute_notebook(
                notebook,
                str(output_notebook),
                parameters=dict(parameters or {}),
                kernel_name=kernel_name,
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
                cwd=None if cwd is None else str(cwd),
                execution_timeout=timeout,
                # passed through to nbclient.NotebookClient
                shutdown_kernel="immediate",
                kernel_manager_class=kernels.manager_class(),
                on_notebook_start=lambda **kw: started.append(True),
                record_timing=False,
            )
        failed = None
    except PapermillExecutionError as exc:
        failed = exc
    except Exception as exc:  # noqa: BLE001 - anything else is reported, not raised
        tail = _log_tail(Path(log_name))
        # no reply before the first cell: the kernel did not start (worth one more try)
        return {
            "kind": "kernel" if started else "startup",
            "cell": None,
            "exec_count": None,
            "ename": type(exc).__name__,
            "evalue": _first_line(exc) + (f" (kernel said: {tail})" if tail else ""),
        }
    finally:
        kernels.kill_kernels()  # normally none is left; never leave one behind
        try:
            os.unlink(log_name)
        except OSError:  # pragma: no cover
            pass
    if not isinstance(notebook, str):
        _record_input(output_notebook, source)
    return None if failed is None else _cell_error(failed, output_notebook)


def _to_html(nb_path: Path, html_path: Path, lang: str) -> dict[str, Any]:

    try:
        notebook_to_html(nb_path, html_path, lang=lang)
    except Exception as exc:  # noqa: BLE001 - reported in the manifest
        return {"html": None, "html_error": (type(exc).__name__, _first_line(exc))}
    return {"html": str(html_path), "html_error": None}
