"""Budgets of the test suite: nbval on the notebooks, and unit tests without notebook plugins.

nbval at most 1.1x papermill
    Measured: pytest with nbval on the committed notebooks, run exactly as the Makefile's
    notebook line runs it (its arguments are read from the Makefile, with ``notebooks``
    pointed at the copy). Floor: papermill executing the same notebooks,
    unparameterised, one after the other in one process (``shutdown_kernel="immediate"``,
    what nbval does too). Both run on a copy of the notebooks in a temporary folder, so
    whatever the notebooks write stays out of the repository. Check: the environment that
    ``make test`` builds has no JupyterLab (it makes every ``import nbformat`` about 1 s dearer).
Unit tests without notebook plugins
    Check: the Makefile's unit-test line (the pytest line without ``--nbval``) disables every
    installed notebook plugin (``-p no:nbval``). Reported: pytest running one trivial test
    with nbval loaded against ``-p no:nbval``.
"""

from __future__ import annotations

import importlib.util
import re
import shlex
import shutil
from pathlib import Path

from .common import PYTHON, ROOT, BenchError, Options, quiet_env, run_timed, scratch
from .harness import Budget, Check

__all__ = ["budgets", "makefile_pytest_lines", "nbval_command", "notebook_plugins", "unit_line_disables"]

PAPERMILL = """\
import sys, papermill as pm
for nb in sys.argv[1:]:
    pm.execute_notebook(nb, nb + ".out.ipynb", progress_bar=False, log_output=False,
                        cwd=str(__import__("pathlib").Path(nb).parent), shutdown_kernel="immediate")
"""


def makefile_pytest_lines(makefile: str | Path = ROOT / "Makefile") -> list[list[str]]:
    """The pytest command lines of the Makefile's ``test`` target, split into arguments.

    >>> import tempfile, pathlib
    >>> mk = pathlib.Path(tempfile.mkdtemp()) / "Makefile"
    >>> text = "test: x\\n\\t$(BIN)/python -m pytest -p no:nbval -q\\n\\techo hi\\n\\nbench:\\n\\tpytest -x\\n"
    >>> _ = mk.write_text(text)
    >>> makefile_pytest_lines(mk)
    [['$(BIN)/python', '-m', 'pytest', '-p', 'no:nbval', '-q']]
    """
    lines, in_test = [], False
    for raw in Path(makefile).read_text(encoding="utf-8").splitlines():
        if re.match(r"^[A-Za-z_.][\w.-]*\s*:", raw):
            in_test = raw.split(":", 1)[0].strip() == "test"
            continue
        if in_test and raw.startswith("\t") and "pytest" in raw:
            lines.append(shlex.split(raw.strip().lstrip("@-")))
    return lines


def nbval_command(folder: Path, makefile: str | Path = ROOT / "Makefile") -> list[str]:
    """The Makefile's nbval pytest command, run by this Python on the notebooks copied to ``folder``.

    >>> import tempfile, pathlib
    >>> mk = pathlib.Path(tempfile.mkdtemp()) / "Makefile"
    >>> cmd = "$(BIN)/python -m pytest --nbval-lax --nbval-sanitize-with notebooks/sanitize.cfg notebooks -q"
    >>> _ = mk.write_text("test:\\n\\t" + cmd + "\\n")
    >>> nbval_command(pathlib.Path("/tmp/x/notebooks"), mk)[4:]
    ['--nbval-sanitize-with', '/tmp/x/notebooks/sanitize.cfg', '/tmp/x/notebooks', '-q']
    """
    lines = [ln for ln in makefile_pytest_lines(makefile) if any(a.startswith("--nbval") for a in ln)]
    if not lines:
        raise BenchError(f"{makefile} has no pytest line with --nbval in its test target")
    args = lines[0][lines[0].index("pytest") + 1 :] if "pytest" in lines[0] else lines[0][1:]
    out = []
    for a in args:
        if a == "notebooks" or a.startswith("notebooks/"):
            a = str(folder) + a[len("notebooks") :]
        out.append(a)
    return [PYTHON, "-m", "pytest", *out]


def notebook_plugins() -> list[str]:
    """Installed pytest plugins (``pytest11`` entry points) that run notebooks."""
    from importlib.metadata import entry_points

    return sorted({ep.name for ep in entry_points(group="pytest11") if ep.name.startswith(("nbval", "nbmake"))})


def unit_line_disables(args: list[str], plugins: list[str]) -> list[str]:
    """The plugins of ``plugins`` that the pytest command ``args`` does NOT disable.

    >>> unit_line_disables(["pytest", "-p", "no:nbval", "-q"], ["nbval"])
    []
    >>> unit_line_disables(["pytest", "-q"], ["nbval"])
    ['nbval']
    >>> unit_line_disables(["pytest", "-pno:nbval"], ["nbval", "nbmake"])
    ['nbmake']
    """
    disabled = set()
    for i, a in enumerate(args):
        value = args[i + 1] if a == "-p" and i + 1 < len(args) else a[2:] if a.startswith("-p") else None
        if value and value.startswith("no:"):
            disabled.add(value[3:])
    return [p for p in plugins if p not in disabled]


def _unit_checks(floor_s, measured_s) -> list[Check]:
    lines = makefile_pytest_lines()
    unit = [ln for ln in lines if not any(a.startswith("--nbval") for a in ln)]
    if not unit:
        return [Check("the Makefile's test target has a unit-test pytest line", False, "none found")]
    left = unit_line_disables(unit[0], notebook_plugins())
    return [
        Check(
            "the Makefile's unit-test pytest line disables the notebook plugins",
            not left,
            f"still loaded: {', '.join(left)}" if left else shlex.join(unit[0]),
        )
    ]


def _trivial(opts: Options) -> Budget:
    folder = scratch("pytest")
    (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (folder / "test_trivial.py").write_text("def test_nothing():\n    pass\n", encoding="utf-8")

    def pytest(*extra):
        cmd = [
            PYTHON,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-c",
            str(folder / "pytest.ini"),
            "--rootdir",
            str(folder),
            *extra,
            str(folder / "test_trivial.py"),
        ]
        return lambda: run_timed(cmd, cwd=folder)

    return Budget(
        "pytest, one trivial test: nbval loaded vs -p no:nbval",
        measured=pytest(),
        floor=pytest("-p", "no:nbval"),
        limit=None,
        reps=opts.reps_for(5),
        warmup=1,
        checks=_unit_checks,
        floor_label="pytest -p no:nbval test_trivial.py",
        measured_label="pytest test_trivial.py (nbval loaded)",
        note="reported: what loading nbval costs a test run; the check is the budget",
    )


def _copy_notebooks() -> tuple[Path, list[Path]]:
    src = ROOT / "notebooks"
    folder = scratch("nbval") / "notebooks"
    folder.mkdir()
    notebooks = sorted(p for p in src.glob("*.ipynb") if not p.name.startswith("."))
    if not notebooks:
        raise FileNotFoundError(f"no notebooks in {src}")
    for p in notebooks:
        shutil.copy2(p, folder / p.name)
    if (src / "sanitize.cfg").is_file():
        shutil.copy2(src / "sanitize.cfg", folder / "sanitize.cfg")
    return folder, [folder / p.name for p in notebooks]


def _nbval(opts: Options) -> Budget:
    state: dict = {}

    def ready():
        if not state:
            state["folder"], state["notebooks"] = _copy_notebooks()
        return state["folder"], state["notebooks"]

    def clean_outputs(folder: Path):
        for p in folder.iterdir():  # what a run wrote: keep only the notebooks and the sanitizer
            if p.is_dir():
                shutil.rmtree(p, ignore_errors=True)
            elif p.name.endswith(".out.ipynb"):
                p.unlink()

    def nbval():
        folder, _ = ready()
        try:
            return run_timed(
                [*nbval_command(folder), "--rootdir", str(folder.parent)], cwd=folder.parent, env=quiet_env()
            )
        finally:
            clean_outputs(folder)

    def papermill():
        folder, notebooks = ready()
        try:
            return run_timed([PYTHON, "-c", PAPERMILL, *map(str, notebooks)], cwd=folder.parent, env=quiet_env())
        finally:
            clean_outputs(folder)

    def checks(floor_s, measured_s):
        lab = importlib.util.find_spec("jupyterlab") is not None
        shutil.rmtree(state.get("folder", Path("/nonexistent")).parent, ignore_errors=True)
        return [
            Check(
                "no JupyterLab in the test environment (import nbformat stays cheap)",
                not lab,
                "jupyterlab is installed here" if lab else "not installed",
            )
        ]

    return Budget(
        "nbval on the notebooks vs papermill",
        measured=nbval,
        floor=papermill,
        limit=1.1,
        reps=opts.reps_for(3),
        checks=checks,
        floor_label="papermill.execute_notebook for each notebook, one process",
        measured_label="the Makefile's nbval line: pytest --nbval-lax ... notebooks",
    )


def budgets(opts: Options) -> list[Budget]:
    return [_nbval(opts), _trivial(opts)]
