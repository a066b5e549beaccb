"""The worker pool of `cprstats.runner.execution`: jobs, progress, finished folders, and stopping cleanly.

One job is one notebook for one region and period. Jobs go to a pool of worker processes
(`cprstats.runner.jobs.execute_one` in each); the parent reports each finished notebook and,
when every notebook of a region and period has finished, gathers their files into the
region/period folder with its manifest (`cprstats.runner.files.gather_group`).

While the pool runs, SIGINT and SIGTERM raise `RunInterrupted` in the parent, which then
ignores further signals, terminates the workers (each kills its kernels on SIGTERM) and
re-raises; `cprstats.runner.execution.run` removes the staging folder.
"""

from __future__ import annotations

import multiprocessing
import queue
import signal
import sys
import threading
from collections import Counter
from contextlib import contextmanager
from functools import partial
from importlib import import_module
from pathlib import Path
from typing import Any

from cprstats.errors import RunInterrupted
from cprstats.runner.data import scope_size
from cprstats.runner.files import gather_group, git_info, move_into_place, now_iso, versions
from cprstats.runner.jobs import execute_one
from cprstats.runner.kernels import KERNEL_NAME, worker_init

__all__ = ["execute_jobs", "run_job", "Progress", "Interrupts", "start_method"]


def start_method() -> str:
    """``"fork"`` where available (workers inherit the imported modules), else ``"spawn"``."""
    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    """Run one job in a worker: the notebook into its own staging folder, then its HTML."""

    stage = Path(job["stage"])
    stage.mkdir(parents=True, exist_ok=True)
    nb = job["notebook"]
    res = execute_one(
        job["input"], stage / f"{nb}.ipynb", job["parameters"], cwd=stage, html=stage / f"{nb}.html", lang=job["lang"]
    )
    return {"region": job["region"], "period": job["period"], "notebook": nb, **res}


def _crashed(job: dict[str, Any], q, exc: BaseException) -> None:
    q.put(
        {
            "region": job["region"],
            "period": job["period"],
            "notebook": job["notebook"],
            "status": "failed",
            "seconds": 0.0,
            "attempts": 1,
            "html": None,
            "html_error": None,
            "error": {
                "kind": "worker",
                "cell": None,
                "exec_count": None,
                "ename": type(exc).__name__,
                "evalue": str(exc),
            },
            "message": f"the worker process failed: {type(exc).__name__}: {exc}",
        }
    )


class Progress:
    """One line per finished notebook on stderr, under a tqdm bar when stderr is a terminal."""

    def __init__(self, total: int, enabled: bool = True, stream=None):
        self.total, self.done, self.enabled = total, 0, enabled
        self.stream = stream if stream is not None else sys.stderr
        self.bar = None
        if enabled and hasattr(self.stream, "isatty") and self.stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, file=self.stream, unit="notebook", dynamic_ncols=True, leave=False)

    def note(self, text: str) -> None:
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.write(text, file=self.stream)
        else:
            print(text, file=self.stream, flush=True)

    def tick(self, res: dict[str, Any]) -> None:
        self.done += 1
        where = f"{res['region']}/{res['period']}/{res['notebook']}"
        status = "ok" if res["status"] == "ok" else f"FAILED: {res.get('message') or 'see the manifest'}"
        self.note(f"[{self.done}/{self.total}] {where}: {status} ({float(res['seconds']):.1f} s)")
        if self.bar is not None:
            self.bar.set_postfix_str(where, refresh=False)
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class Interrupts:
    """While active, SIGINT and SIGTERM raise `RunInterrupted` (only in the main thread).

    Inside ``with guard.critical():`` a signal is held until the block ends, so a folder
    being moved into place is never left half-moved. `ignore` makes later signals do
    nothing (while cleaning up). Leaving restores the previous handlers.
    """

    def __init__(self):
        self.old: dict = {}
        self.in_critical = False
        self.pending: str | None = None

    def _handler(self, signum, frame):

        name = signal.Signals(signum).name
        if self.in_critical:
            self.pending = name
            return
        raise RunInterrupted(name)

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self.old = {sig: signal.signal(sig, self._handler) for sig in (signal.SIGINT, signal.SIGTERM)}
        return self

    def __exit__(self, *exc):
        for sig, h in self.old.items():
            signal.signal(sig, h)
        return False

    def ignore(self) -> None:
        for sig in self.old:
            signal.signal(sig, signal.SIG_IGN)

    @contextmanager
    def critical(self):

        self.in_critical = True
        try:
            yield
        finally:
            self.in_critical = False
        if self.pending:
            raise RunInterrupted(self.pending)


def _parameters(source, region: str, period: str, opts) -> dict[str, Any]:
    return {
        "DATA": source.parameter,
        "REGION": region,
        "PERIOD": period,
        "LANG": opts.lang,
        "THRESHOLD": opts.threshold,
        "SUPPRESS": opts.suppress,
        "OUTPUT_DIR": ".",
    }


def _longest_first(notebooks, folder: Path, jobs: int) -> list[str]:
    """With several workers, the biggest notebooks first (longest-processing-time order).

    A committed notebook's size (its outputs: figures, tables) tracks its run time, and starting
    the long ones first keeps a worker from finishing the batch alone on a long notebook
    (measured on the default matrix: 0.4-1 s less). One worker keeps the given order.
    """
    if jobs < 2:
        return list(notebooks)

    def size(nb: str) -> int:
        try:
            return (folder / f"{nb}.ipynb").stat().st_size
        except OSError:
            return 0

    return sorted(notebooks, key=size, reverse=True)  # stable: equal sizes keep their order


def execute_jobs(
    opts,
    targets: dict,
    source,
    stage: Path,
    env: dict[str, str],
    *,
    guard: Interrupts | None = None,
    progress: bool = True,
) -> list[dict]:
    """Run every notebook x region x period; return one result dict per job (see `run_job`).

    With a ``guard`` (an active `Interrupts`), a signal stops the pool and its kernels and
    `RunInterrupted` is raised, listing the region/period folders that were finished.
    """
    import jupyter_client  # noqa: F401 - import before forking, so workers start warm
    import nbformat  # noqa: F401
    import papermill  # noqa: F401

    try:
        import_module("cprstats.report.page")
    except ModuleNotFoundError as exc:
        if exc.name != "cprstats.report.page":
            raise

    jobs = []
    base: dict[tuple[str, str], dict[str, Any]] = {}
    common = {
        "versions": versions(),
        "git": git_info(),
        "data": source.record(),
        "started": now_iso(),
        "jobs": opts.jobs,
        "notebook_dir": str(opts.notebook_dir.resolve()),
        "kernel": {"name": KERNEL_NAME, "python": sys.executable},
    }
    report = Progress(len(targets) * len(opts.notebooks), progress)
    for region, period in targets:
        params = _parameters(source, region, period, opts)
        n = scope_size(source.frame, region, period)
        base[(region, period)] = {
            **common,
            "region": region,
            "period": period,
            "parameters": params,
            "n_children": n,
            "notebooks_run": list(opts.notebooks),
        }
        if n == 0:
            report.note(f"note: the data has no children for {region}/{period}; its reports will be empty")
        for nb in _longest_first(opts.notebooks, opts.notebook_dir, opts.jobs):
            jobs.append(
                {
                    "region": region,
                    "period": period,
                    "notebook": nb,
                    "lang": opts.lang,
                    "input": str((opts.notebook_dir / f"{nb}.ipynb").resolve()),
                    "stage": str((stage / region / period / nb).resolve()),
                    "parameters": params,
                }
            )
    remaining = Counter((j["region"], j["period"]) for j in jobs)
    by_group: dict[tuple[str, str], list[dict]] = {g: [] for g in remaining}
    results: list[dict] = []
    kept: list[str] = []
    q: queue.SimpleQueue = queue.SimpleQueue()

    guard = guard if guard is not None else Interrupts()
    pool = None
    try:
        ctx = multiprocessing.get_context(start_method())
        pool = ctx.Pool(min(opts.jobs, len(jobs)), initializer=worker_init, initargs=(env,))
        for job in jobs:
            pool.apply_async(run_job, (job,), callback=q.put, error_callback=partial(_crashed, job, q))
        pool.close()
        while len(results) < len(jobs):
            try:
                res = q.get(timeout=0.25)  # wake up regularly so a signal is handled promptly
            except queue.Empty:
                continue
            results.append(res)
            report.tick(res)
            group = (res["region"], res["period"])
            by_group[group].append(res)
            remaining[group] -= 1
            if remaining[group] == 0:
                with guard.critical():
                    assembled = gather_group(stage / group[0] / group[1], by_group[group], base[group])
                    move_into_place(assembled, targets[group], stage / ".trash")
                    kept.append("/".join(group))
        pool.join()
    except RunInterrupted as exc:
        guard.ignore()
        _stop(pool)
        raise RunInterrupted(exc.signal, kept) from None
    except BaseException:
        guard.ignore()
        _stop(pool)
        raise
    finally:
        report.close()
    return results


def _stop(pool) -> None:
    if pool is not None:
        pool.terminate()  # SIGTERM to each worker: it kills its kernels and exits
        pool.join()
