"""Budgets of the notebook runner: one notebook's cost, and two workers against one.

Runner cost for a notebook (at most 1.35x)
    Floor: the notebook's code cells, parameterised with its default parameters exactly as
    papermill does it, written to a ``.py`` file and run by this Python in a fresh process
    (interpreter start and imports included, as a kernel pays them). Measured: the runner's
    worker function `cprstats.runner.jobs.execute_one` executing the same notebook from this
    already-running process (papermill imported once, a fresh kernel per run, immediate
    kernel shutdown). Check: the slowest run within 1.5x the median (no shutdown stalls; each
    run taken relative to the floor run beside it, so a busy moment is not a stall).
    A second, reported row adds the HTML report the runner writes for every notebook.
The default matrix with two workers (at least 1.75x faster)
    ``cprstats run`` (every notebook, region wales, period all) as a command, with
    ``--jobs 2`` against ``--jobs 1``, each into a fresh output folder.

Every run writes into a temporary folder, never into the repository.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .common import PYTHON, ROOT, Options, quiet_env, run_timed, scratch
from .harness import Budget, Check, timed

__all__ = ["budgets", "notebook_script", "stall_check", "DEFAULT_NOTEBOOK", "PARAMETERS"]

DEFAULT_NOTEBOOK = "01_children_and_families"
#: What the runner passes for the default run (wales, all), output into the working folder.
PARAMETERS = {
    "DATA": "wales",
    "REGION": "wales",
    "PERIOD": "all",
    "LANG": "en",
    "THRESHOLD": 5,
    "SUPPRESS": None,
    "OUTPUT_DIR": ".",
}
STALL_LIMIT = 1.5


def notebook_script(notebook: str | os.PathLike, parameters: dict | None = None) -> str:
    """The code cells of ``notebook`` as one Python script, parameterised as papermill does.

    IPython magics and shell escapes (lines starting ``%`` or ``!``) are left out.

    Examples
    --------
    >>> import nbformat, tempfile, pathlib
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_code_cell("X = 1", metadata={"tags": ["parameters"]}),
    ...     nbformat.v4.new_markdown_cell("text"),
    ...     nbformat.v4.new_code_cell("%matplotlib inline\\nprint(X)")])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "demo.ipynb"
    >>> nbformat.write(nb, path)
    >>> print(notebook_script(path, {"X": 2}))
    X = 1
    <BLANKLINE>
    # Parameters
    X = 2
    <BLANKLINE>
    <BLANKLINE>
    print(X)
    <BLANKLINE>
    """
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = load_notebook_node(str(notebook))  # as papermill reads it (every cell gets a tags list)
    if parameters:
        nb = parameterize_notebook(nb, dict(parameters), kernel_name="python3", language="python")
    parts = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        lines = [ln for ln in cell.source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
        parts.append("\n".join(lines) + "\n")
    return "\n".join(parts)


def stall_check(floor_s: list[float], measured_s: list[float], limit: float = STALL_LIMIT) -> Check:
    """The slowest run within ``limit`` x the median: no kernel shutdown stalls (about 3.5 s each).

    Each run is first divided by the floor run of the same repetition (they ran back to back),
    so a moment when the shared machine was busy, which slows both, is not taken for a stall;
    the raw spread is given too.

    >>> stall_check([5.0, 7.5, 5.0], [6.0, 9.0, 6.0]).ok   # both sides slow in repetition 2: load
    True
    >>> c = stall_check([5.0, 5.0, 5.0], [6.0, 9.5, 6.0])  # only the runner slow: a stall
    >>> c.ok, c.detail
    (False, 'slowest 1.583x the median (paired with the floor; raw 1.583x) over 3 runs')
    """
    from .harness import median

    paired = [m / f for f, m in zip(floor_s, measured_s)]
    worst = max(paired) / median(paired)
    raw = max(measured_s) / median(measured_s)
    return Check(
        f"slowest run <= {limit}x the median (no kernel shutdown stalls)",
        worst <= limit,
        f"slowest {worst:.3f}x the median (paired with the floor; raw {raw:.3f}x) over {len(measured_s)} runs",
    )


def _kernel_env() -> None:
    """Give kernels started from this process the runner's environment (this Python's kernelspec, Agg)."""
    from cprstats.runner.kernels import ensure_kernel

    os.environ.update({k: v for k, v in quiet_env().items() if k not in os.environ})
    os.environ.update(ensure_kernel())


def _one_notebook(opts: Options, name: str) -> list[Budget]:
    source = ROOT / "notebooks" / f"{name}.ipynb"
    work = scratch("runner")
    script = work / f"{name}.py"
    state = {"ready": False}

    def ready():
        if not state["ready"]:
            if not source.is_file():
                raise FileNotFoundError(f"no notebook {source}")
            script.write_text(notebook_script(source, PARAMETERS), encoding="utf-8")
            _kernel_env()
            state["ready"] = True

    def fresh() -> Path:
        return scratch("run")

    def floor():
        ready()
        cwd = fresh()
        try:
            return run_timed([PYTHON, str(script)], cwd=cwd)
        finally:
            shutil.rmtree(cwd, ignore_errors=True)

    def measured(html: bool):
        def run():
            from cprstats.runner.jobs import execute_one

            ready()
            cwd = fresh()
            try:
                res = {}

                def go():
                    res.update(
                        execute_one(
                            source,
                            cwd / f"{name}.ipynb",
                            PARAMETERS,
                            cwd=cwd,
                            html=cwd / f"{name}.html" if html else None,
                        )
                    )

                seconds = timed(go)()
                if res.get("status") != "ok":
                    raise RuntimeError(f"{name} failed: {res.get('message')}")
                return seconds
            finally:
                shutil.rmtree(cwd, ignore_errors=True)

        return run

    def stalls(floor_s, measured_s):
        return [stall_check(floor_s, measured_s)]

    label = f"python {name}.py (its code cells, default parameters)"
    return [
        Budget(
            f"runner, one notebook ({name})",
            measured=measured(False),
            floor=floor,
            limit=1.35,
            reps=opts.reps_for(7),
            warmup=1,
            checks=stalls,
            floor_label=label,
            measured_label="cprstats.runner.jobs.execute_one (in-process driver, immediate shutdown)",
        ),
        Budget(
            f"runner, one notebook with its HTML report ({name})",
            measured=measured(True),
            floor=floor,
            limit=None,
            reps=opts.reps_for(3),
            floor_label=label,
            measured_label="execute_one(..., html=...)",
            note="reported: what writing the HTML report adds",
        ),
    ]


def _matrix(opts: Options) -> Budget:
    def run(jobs: int):
        def go():
            out = scratch(f"matrix{jobs}")
            try:
                return run_timed(
                    [
                        PYTHON,
                        "-c",
                        "import sys; from cprstats.cli import main; sys.exit(main())",
                        "run",
                        "--jobs",
                        str(jobs),
                        "--region",
                        "wales",
                        "--period",
                        "all",
                        "--output",
                        str(out / "outputs"),
                        "-q",
                    ],
                    cwd=out,
                )
            finally:
                shutil.rmtree(out, ignore_errors=True)

        return go

    return Budget(
        "default matrix: --jobs 2 speed-up over --jobs 1",
        measured=run(2),
        floor=run(1),
        limit=1.75,
        direction="at_least",
        reps=opts.reps_for(3),
        floor_label="cprstats run --jobs 1 (every notebook, wales, all)",
        measured_label="cprstats run --jobs 2",
    )


def budgets(opts: Options) -> list[Budget]:
    return [*_one_notebook(opts, DEFAULT_NOTEBOOK), _matrix(opts)]
