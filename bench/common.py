"""Shared helpers of the budget families: paths, subprocess timing, a quiet environment.

Examples
--------
>>> seconds = run_timed([PYTHON, "-c", "pass"])
>>> 0 < seconds < 30
True
>>> run_timed([PYTHON, "-c", "import sys; sys.exit(3)"])
Traceback (most recent call last):
...
bench.common.BenchError: exit code 3 from: ... -c import sys; sys.exit(3)
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

__all__ = ["ROOT", "PYTHON", "BenchError", "run_timed", "quiet_env", "scratch", "Options"]

ROOT = Path(__file__).resolve().parents[1]
#: The interpreter running the suite: `make bench` runs it with the venv's python.
PYTHON = sys.executable


class BenchError(RuntimeError):
    """A benchmarked command failed (its budget is reported as missed, with this message)."""


def quiet_env(**extra: str) -> dict[str, str]:
    """The environment for child processes: as `make` sets it (Agg backend, Jupyter files in the venv)."""
    venv = Path(sys.prefix)
    env = dict(os.environ)
    env.setdefault("MPLBACKEND", "Agg")
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    env.setdefault("PYTHONHASHSEED", "0")
    env.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    env.setdefault("MPLCONFIGDIR", str(venv / ".config" / "matplotlib"))
    env.setdefault("JUPYTER_CONFIG_DIR", str(venv / "etc" / "jupyter"))
    env.setdefault("JUPYTER_DATA_DIR", str(venv / "share" / "jupyter"))
    env.setdefault("JUPYTER_RUNTIME_DIR", str(venv / ".runtime" / "jupyter"))
    env.setdefault("IPYTHONDIR", str(venv / ".ipython"))
    env.update(extra)
    return env


def run_timed(
    cmd: Sequence[str],
    *,
    cwd: str | os.PathLike | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 1800,
) -> float:
    """Run ``cmd`` and return its wall time in seconds; `BenchError` if it fails."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        list(cmd),
        cwd=cwd,
        env=env if env is not None else quiet_env(),
        capture_output=True,
        timeout=timeout,
    )
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout or b"").decode("utf-8", "replace").strip().splitlines()[-5:]
        where = " ".join(str(c) for c in cmd)
        raise BenchError(f"exit code {proc.returncode} from: {where}" + (" | " + " | ".join(tail) if tail else ""))
    return seconds


def scratch(prefix: str) -> Path:
    """A fresh temporary folder, removed when the suite exits (if its user has not removed it)."""
    folder = Path(tempfile.mkdtemp(prefix=f"cprstats-bench-{prefix}-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


class Options:
    """What the command line asked for: ``quick`` (fewer repetitions, smaller data) and ``reps``.

    >>> Options(quick=True).reps_for(5), Options(reps=7).reps_for(3), Options().reps_for(5)
    (3, 7, 5)
    """

    def __init__(self, *, quick: bool = False, reps: int | None = None, log=None):
        self.quick = quick
        self.reps = reps
        self.log = log if log is not None else (lambda text: None)

    def reps_for(self, default: int) -> int:
        """``--reps`` if given, else ``default`` (at most 3 with ``--quick``)."""
        if self.reps is not None:
            return self.reps
        return min(default, 3) if self.quick else default
