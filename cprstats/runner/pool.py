"""The worker pool of `cprstats.runner.execution`: jobs, progress, finished folders, and stopping cleanly.

One job is one notebook for one region and period. Jobs go to ``jobs`` worker processes
(`worker_main`, which calls `cprstats.runner.jobs.execute_one`); the parent reports each
finished notebook and, when every notebook of a region and period has finished, gathers
their files into the region/period folder with its manifest
(`cprstats.runner.files.gather_group`).

The parent gives each worker one job at a time over the worker's own pipe and watches the
pipes and the workers' sentinels together. So a worker that dies outside a notebook (killed
by the system when memory runs out, a crash in a compiled library) is noticed at once: the
notebook it was running is reported as failed, naming the worker's end, its kernels are
killed, a new worker takes its place and the other notebooks go on. Nothing waits for an
answer that will never come.

Workers start with ``fork`` where there is one (they inherit the imported modules and
start warm), else with ``spawn`` (Windows); the environment variable
``CPRSTATS_START_METHOD`` (``fork``, ``spawn``, ``forkserver``) chooses another, which is
how the tests run the pool with ``spawn`` on Linux.

While the pool runs, SIGINT and SIGTERM raise `RunInterrupted` in the parent, which then
ignores further signals, terminates the workers (each kills its kernels on SIGTERM) and
re-raises; `cprstats.runner.execution.run` removes the staging folder.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import import_module
from multiprocessing.connection import wait as wait_any
from pathlib import Path
from typing import Any

from cprstats.codebook.i18n import t
from cprstats.errors import ParameterError, RunInterrupted
from cprstats.runner.data import scope_size
from cprstats.runner.files import (
    audit_folder,
    data_record,
    gather_group,
    git_info,
    manifest_parameters,
    move_into_place,
    move_private,
    now_iso,
    versions,
)
from cprstats.runner.jobs import execute_one
from cprstats.runner.kernels import KERNEL_NAME, kill_kernels, kill_process_group, set_kernel_listener, worker_init
from cprstats.runner.options import CODER_NOTEBOOKS, find_root

__all__ = [
    "START_METHOD_VARIABLE",
    "execute_jobs",
    "run_job",
    "worker_main",
    "Progress",
    "Interrupts",
    "start_method",
]

#: Environment variable that chooses how worker processes start (see `start_method`).
START_METHOD_VARIABLE = "CPRSTATS_START_METHOD"
_POLL_SECONDS = 0.25  # the parent wakes up this often, so a signal is handled promptly
_STOP_SECONDS = 5.0  # how long a terminated worker gets to kill its kernels and exit
_IDLE_DEATHS = 3  # workers dying without a job, in a row, before the remaining jobs are given up


def start_method() -> str:
    """How worker processes start: ``CPRSTATS_START_METHOD`` if set, else ``"fork"`` where available, else ``"spawn"``.

    Raises
    ------
    ParameterError
        If ``CPRSTATS_START_METHOD`` names a method this platform does not have.
    """
    available = multiprocessing.get_all_start_methods()
    wanted = os.environ.get(START_METHOD_VARIABLE, "").strip()
    if wanted:
        if wanted not in available:
            raise ParameterError(
                f"{START_METHOD_VARIABLE}={wanted!r} is not a start method on this platform; "
                f"use one of {', '.join(available)} (or leave it unset)"
            )
        return wanted
    return "fork" if "fork" in available else "spawn"


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    """Run one job in a worker: the notebook into its own staging folder, then its HTML."""

    stage = Path(job["stage"])
    stage.mkdir(parents=True, exist_ok=True)
    nb = job["notebook"]
    res = execute_one(
        job["input"], stage / f"{nb}.ipynb", job["parameters"], cwd=stage, html=stage / f"{nb}.html", lang=job["lang"]
    )
    return {"region": job["region"], "period": job["period"], "notebook": nb, **res}


def _failure(job: dict[str, Any], ename: str, evalue: str, message: str, seconds: float = 0.0) -> dict[str, Any]:
    return {
        "region": job["region"],
        "period": job["period"],
        "notebook": job["notebook"],
        "status": "failed",
        "seconds": seconds,
        "attempts": 1,
        "html": None,
        "html_error": None,
        "error": {"kind": "worker", "cell": None, "exec_count": None, "ename": ename, "evalue": evalue},
        "message": message,
    }


def _crashed(job: dict[str, Any], exc: BaseException) -> dict[str, Any]:
    text = f"{type(exc).__name__}: {exc}"
    return _failure(job, type(exc).__name__, str(exc), f"the worker process failed: {text}")


def _how_it_ended(exitcode: int | None) -> str:
    if exitcode is None:
        return "it stopped answering"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        oom = " (the system kills a process with SIGKILL when memory runs out)" if name == "SIGKILL" else ""
        return f"killed by {name}{oom}"
    return f"it exited with code {exitcode}"


def worker_main(conn, env: dict[str, str], parent_pid: int) -> None:
    """A worker process: run the jobs the parent sends over ``conn`` until told to stop (``None``).

    Each job is ``(index, job)``; the worker answers ``("done", index, result)`` (see `run_job`)
    and reports each kernel it starts and stops (``("kernel", "started" | "stopped", pid)``), so
    the parent can kill them if this worker is killed.
    """
    worker_init(env, parent_pid)

    def tell(event: str, pid: int) -> None:
        conn.send(("kernel", event, pid))

    set_kernel_listener(tell)
    try:
        while True:
            try:
                msg = conn.recv()
            except (EOFError, OSError):
                break
            if msg is None:
                break
            index, job = msg
            try:
                res = run_job(job)
            except Exception as exc:  # noqa: BLE001 - reported as the notebook's failure
                res = _crashed(job, exc)
            try:
                conn.send(("done", index, res))
            except OSError:
                break
    finally:
        set_kernel_listener(None)
        kill_kernels()


@dataclass(eq=False)
class _Worker:
    """The parent's view of a worker: its process, its pipe, its job and its kernels."""

    process: Any
    conn: Any
    job: int | None = None
    started: float = 0.0
    kernels: set[int] = field(default_factory=set)


def _start_worker(ctx, env: dict[str, str], on_worker: Callable[[int], None] | None) -> _Worker:
    parent_end, child_end = ctx.Pipe(duplex=True)
    proc = ctx.Process(target=worker_main, args=(child_end, env, os.getpid()), name="cprstats-worker", daemon=True)
    # the worker starts with SIGINT and SIGTERM blocked, until worker_init has set its own handlers
    held = {signal.SIGINT, signal.SIGTERM}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held) if hasattr(signal, "pthread_sigmask") else None
    try:
        proc.start()
    finally:
        if old is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
    child_end.close()  # so that the worker's death closes the pipe for the parent
    if on_worker is not None:
        on_worker(proc.pid)
    return _Worker(proc, parent_end)


def _bury(worker: _Worker) -> None:
    """Make sure a worker and its kernels are gone (after it died or was told to stop)."""
    proc = worker.process
    proc.join(timeout=_STOP_SECONDS if proc.exitcode is None else 0)
    if proc.exitcode is None:
        proc.kill()
        proc.join(timeout=_STOP_SECONDS)
    for pid in worker.kernels:  # normally gone already (the worker killed them, or they saw it die)
        kill_process_group(pid)
    worker.kernels.clear()
    try:
        worker.conn.close()
    except OSError:  # pragma: no cover
        pass


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
    # a period folder may be a window (fy2019, 2017-01_to_2021-12): PERIOD "all" and WINDOW that window
    how = getattr(opts, "notebook_period", None)
    notebook_period, window = how(period) if how is not None else (period, None)
    anchor = getattr(opts, "anchor", None)
    return {
        "DATA": source.parameter,
        "REGION": region,
        "PERIOD": notebook_period,
        "LANG": opts.lang,
        "THRESHOLD": opts.threshold,
        "SUPPRESS": opts.suppress,
        "OUTPUT_DIR": ".",
        # only when given, so the default runs inject exactly the parameters the notebooks declare
        **({"CODEBOOK": str(opts.codebook)} if getattr(opts, "codebook", None) is not None else {}),
        **({"WINDOW": window} if window is not None else {}),
        **({"ANCHOR": anchor} if anchor is not None else {}),
        # a restricted run only: unsuppressed reports marked OFFICIAL-SENSITIVE (see Report(restricted=...))
        **({"RESTRICTED": True} if getattr(opts, "restricted", False) else {}),
    }


def _coder_parameters(notebook: str, opts) -> dict[str, Any]:
    """``CODERS`` (and ``CODER_A``, ``CODER_B``: the first two) for a coder notebook of a run given ``coders``."""
    coders = getattr(opts, "coders", None)
    if coders is None or notebook not in CODER_NOTEBOOKS:
        return {}
    return {"CODERS": list(coders), "CODER_A": coders[0], "CODER_B": coders[1]}


#: ``CPRSTATS_AUDIT=strict``: a region/period folder whose tables fail the cross-table audit is not
#: written (the run exits 1). The default, ``warn``, prints a warning and writes the folder.
AUDIT_VARIABLE = "CPRSTATS_AUDIT"


def _audit_group(
    assembled: Path, group: tuple[str, str], results: list[dict[str, Any]], opts, originals: Path | None = None
) -> bool:
    """Audit a finished region/period folder's published tables together (`cprstats.runner.files.audit_folder`).

    True when they pass (or the run is restricted: nothing is suppressed, the folder is marked
    instead). Otherwise the folder is not moved into place: every notebook of it is failed
    with a message naming the table, variable and cell, and the run exits 1.
    """
    if getattr(opts, "restricted", False):
        return True
    region, period = group
    how = getattr(opts, "notebook_period", None)
    notebook_period = how(period)[0] if how is not None else period
    t0 = time.perf_counter()
    problems = audit_folder(
        assembled, region, notebook_period, opts.threshold, getattr(opts, "codebook", None), originals
    )
    seconds = time.perf_counter() - t0
    for res in results:
        res["audit_seconds"] = seconds
    if not problems:
        return True
    if os.environ.get(AUDIT_VARIABLE, "warn") != "strict":
        # Until every report protects its tables together (issue 13), a cross-table finding is a
        # warning on the analyst's terminal, not a failed run; the narrowed ranges themselves are
        # never written to the (circulated) output folder.
        tables = sorted({p.split(",")[0] for p in problems})
        print(
            f"WARNING: disclosure audit: {region}/{period}: {len(problems)} hidden cell(s) could be narrowed "
            f"by combining tables ({', '.join(tables[:4])}{', ...' if len(tables) > 4 else ''}); check before "
            f"circulating, or set {AUDIT_VARIABLE}=strict to refuse such folders",
            file=sys.stderr,
        )
        for res in results:
            res["disclosure_audit"] = len(problems)
        return True
    more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
    message = f"disclosure audit failed, {region}/{period} not written: " + "; ".join(problems[:3]) + more
    for res in results:
        res["status"] = "failed"
        res["message"] = message
        res["error"] = {
            "kind": "audit",
            "cell": None,
            "exec_count": None,
            "ename": "DisclosureAudit",
            "evalue": message,
        }
    return False


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
    on_worker: Callable[[int], None] | None = None,
) -> list[dict]:
    """Run every notebook x region x period; return one result dict per job (see `run_job`).

    With a ``guard`` (an active `Interrupts`), a signal stops the pool and its kernels and
    `RunInterrupted` is raised, listing the region/period folders that were finished.
    ``on_worker`` is called with the process id of each worker started.

    A worker that dies while running a notebook fails that notebook (``error["kind"]`` is
    ``"worker"``, the message says how the worker ended); a new worker runs the rest.
    """
    method = start_method()
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
        "data": data_record(source),
        "started": now_iso(),
        "jobs": opts.jobs,
        "notebook_dir": _where(opts.notebook_dir),
        # the interpreter by name and version, never its local path (manifests are circulated)
        "kernel": {"name": KERNEL_NAME, "python": f"{Path(sys.executable).name} {sys.version.split()[0]}"},
    }
    report = Progress(len(targets) * len(opts.notebooks), progress)
    for region, period in targets:
        params = _parameters(source, region, period, opts)
        job_period, job_window = opts.notebook_period(period)
        n = scope_size(source.frame, region, job_period, window=job_window, anchor=getattr(opts, "anchor", None))
        restricted = bool(getattr(opts, "restricted", False))
        notebooks = opts.notebooks_for(region) if hasattr(opts, "notebooks_for") else opts.notebooks
        base[(region, period)] = {
            **common,
            "region": region,
            "period": period,
            "parameters": manifest_parameters(params, source),
            "n_children": n,
            "notebooks_run": list(notebooks),
            "notebooks_skipped": {
                nb: "no double-coded data (--coders) for a region run" for nb in opts.notebooks if nb not in notebooks
            },
            "restricted": restricted,
            "marking": t("marking.restricted", opts.lang) if restricted else None,
        }
        if n == 0:
            report.note(f"note: the data has no children for {region}/{period}; its reports will be empty")
        for nb in _longest_first(notebooks, opts.notebook_dir, opts.jobs):
            jobs.append(
                {
                    "region": region,
                    "period": period,
                    "notebook": nb,
                    "lang": opts.lang,
                    "input": str((opts.notebook_dir / f"{nb}.ipynb").resolve()),
                    "stage": str((stage / region / period / nb).resolve()),
                    "parameters": {**params, **_coder_parameters(nb, opts)},
                }
            )
    remaining = Counter((j["region"], j["period"]) for j in jobs)
    by_group: dict[tuple[str, str], list[dict]] = {g: [] for g in remaining}
    results: list[dict] = []
    kept: list[str] = []

    def finish(res: dict[str, Any]) -> None:
        results.append(res)
        report.tick(res)
        group = (res["region"], res["period"])
        by_group[group].append(res)
        remaining[group] -= 1
        if remaining[group] == 0:
            with guard.critical():
                assembled = gather_group(stage / group[0] / group[1], by_group[group], base[group])
                passed = _audit_group(assembled, group, by_group[group], opts, stage / group[0] / group[1] / ".private")
                for originals in (stage / group[0] / group[1] / ".private").glob("*/originals"):
                    shutil.rmtree(originals, ignore_errors=True)  # the unsuppressed counts never reach the output
                move_private(stage / group[0] / group[1], opts.output, group[0], group[1])
                if passed:
                    move_into_place(assembled, targets[group], stage / ".trash")
                    kept.append("/".join(group))

    guard = guard if guard is not None else Interrupts()
    workers: list[_Worker] = []
    try:
        ctx = multiprocessing.get_context(method)
        size = min(opts.jobs, len(jobs))
        for _ in range(size):
            with guard.critical():  # a signal waits until the new worker is on the list
                workers.append(_start_worker(ctx, env, on_worker))
        pending = deque(range(len(jobs)))
        idle_deaths, last_end = 0, ""
        while len(results) < len(jobs):
            for w in workers:  # one job to each idle worker
                if w.job is None and pending:
                    index = pending.popleft()
                    try:
                        w.conn.send((index, jobs[index]))
                    except OSError:  # it has just died: its sentinel says so below
                        pending.appendleft(index)
                        continue
                    w.job, w.started = index, time.perf_counter()
            finished = len(results)
            dead = _wait(workers, finish)
            if len(results) > finished:  # notebooks still get run
                idle_deaths = 0
            for w in dead:
                workers.remove(w)
                _bury(w)
                end = _how_it_ended(w.process.exitcode)
                if w.job is not None:
                    job = jobs[w.job]
                    where = f"{job['region']}/{job['period']}/{job['notebook']}"
                    finish(
                        _failure(
                            job,
                            "WorkerDied",
                            f"the worker process (pid {w.process.pid}) running {where} died: {end}",
                            f"the worker process running it (pid {w.process.pid}) died: {end}",
                            time.perf_counter() - w.started,
                        )
                    )
                    idle_deaths = 0
                else:
                    idle_deaths, last_end = idle_deaths + 1, end
            if idle_deaths >= _IDLE_DEATHS and pending:  # workers die before running anything
                while pending:
                    job = jobs[pending.popleft()]
                    reason = f"not run: {idle_deaths} worker processes in a row died before running a notebook"
                    finish(_failure(job, "WorkerDied", f"{reason} (the last: {last_end})", f"{reason} ({last_end})"))
            busy = sum(w.job is not None for w in workers)
            while pending and len(workers) < min(size, len(pending) + busy):  # replace the dead
                with guard.critical():
                    workers.append(_start_worker(ctx, env, on_worker))
        _close(workers)
    except RunInterrupted as exc:
        guard.ignore()
        _stop(workers)
        raise RunInterrupted(exc.signal, kept) from None
    except BaseException:
        guard.ignore()
        _stop(workers)
        raise
    finally:
        report.close()
    return results


def _wait(workers: list[_Worker], finish: Callable[[dict[str, Any]], None]) -> list[_Worker]:
    """Wait a moment for a message or a death; handle the messages; return the workers that died."""
    by_handle: dict[Any, _Worker] = {}
    for w in workers:
        by_handle[w.conn] = w
        by_handle[w.process.sentinel] = w
    dead: list[_Worker] = []
    for handle in wait_any(list(by_handle), timeout=_POLL_SECONDS):
        w = by_handle[handle]
        if w in dead:
            continue
        if handle is w.conn and _receive(w, finish):
            continue
        while _receive(w, finish, block=False):  # what it sent before it died
            pass
        dead.append(w)
    return dead


def _receive(w: _Worker, finish: Callable[[dict[str, Any]], None], *, block: bool = True) -> bool:
    """Handle one message from ``w``; False if there is none (with ``block``: the pipe is closed)."""
    try:
        if not block and not w.conn.poll():
            return False
        msg = w.conn.recv()
    except (EOFError, OSError):
        return False
    if msg[0] == "done":
        w.job = None
        finish(msg[2])
    elif msg[0] == "kernel":
        (w.kernels.add if msg[1] == "started" else w.kernels.discard)(msg[2])
    return True


def _close(workers: list[_Worker]) -> None:
    """Tell idle workers to stop and wait for them."""
    for w in workers:
        try:
            w.conn.send(None)
        except OSError:
            pass
    for w in workers:
        _bury(w)


def _stop(workers: list[_Worker]) -> None:
    """Terminate every worker (SIGTERM: each kills its kernels and exits), then make sure they are gone."""
    for w in workers:
        if w.process.exitcode is None:
            try:
                w.process.terminate()
            except OSError:  # pragma: no cover - already gone
                pass
    for w in workers:
        _bury(w)


def _where(folder: Path) -> str:
    """A folder as the manifest records it: relative to the repository when inside it, else its name."""
    folder = folder.resolve()
    try:
        return folder.relative_to(find_root().resolve()).as_posix()
    except ValueError:
        return folder.name
