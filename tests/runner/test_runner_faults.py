"""Fault tests of the notebook runner: what is left when `cprstats run` is killed, or a worker is.

The red team's findings (issues 14 and 18): ``kill -9`` of a run left the coded dataset (one
row per child, restricted variables included) in the output folder for good, and its workers
and kernels running; two runs into one output folder both "succeeded", the second replacing
the first; a worker killed outside a notebook (out of memory) hung the runner. Here:

- `cprstats run` is killed at random points (SIGKILL, SIGKILL of the run and of its janitor,
  SIGTERM, SIGINT; fixed seed), ``CPRSTATS_FULL_FAULTS=1`` for 20 kills, else 4. After each:
  no process of the run is left, and once the next run has started and ended, nothing of the
  killed run is left either (no staging folder, no lock, no private folder, no coded data;
  every region/period folder whole);
- a notebook kills its own worker (SIGKILL, as the system does when memory runs out), with
  the ``fork`` and the ``spawn`` start methods: that notebook fails, named, and the others
  finish (exit 1, no hang);
- a second run into an output folder in use stops with exit 2, naming the first.

The notebooks are the tiny ones in tests/data/notebooks (see its README); all data is
synthetic. Processes are found by a unique environment variable that every process of a run
inherits (psutil if installed, else /proc).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

import cprstats.runner.execution as runner
from cprstats.cli import main
from cprstats.errors import ParameterError
from cprstats.runner.files import LOCK_NAME, PRIVATE_PREFIX, STAGING, OutputLock, RunFolders, sweep_private_folders

try:
    import psutil
except ImportError:  # pragma: no cover - /proc instead
    psutil = None

HERE = Path(__file__).parents[1]
NB_DIR = HERE / "data" / "notebooks"
FORMS = NB_DIR / "forms.csv"
LINUX = Path("/proc/self/environ").is_file()
POSIX = os.name == "posix"
N_KILLS = 20 if os.environ.get("CPRSTATS_FULL_FAULTS") == "1" else 4
SEED = 20240514


# --------------------------------------------------------------------------- helpers
def _marked(marker: str) -> list[int]:
    """Live (not zombie) processes whose environment holds ``marker``."""
    if psutil is not None:
        found = []
        for p in psutil.process_iter(["pid", "status"]):
            try:
                if p.info["status"] != psutil.STATUS_ZOMBIE and marker in p.environ():
                    found.append(p.pid)
            except (psutil.Error, OSError):
                continue
        return found
    found = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            env = (d / "environ").read_bytes()
            state = (d / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if marker.encode() in env and state != "Z":
            found.append(int(d.name))
    return found


def _janitor_of(pid: int) -> int | None:
    """The janitor of run ``pid`` (its child ``python -I -c ...``), if it has one yet."""
    if psutil is not None:
        try:
            children = [(c.pid, c.cmdline()) for c in psutil.Process(pid).children()]
        except psutil.Error:
            return None
    else:
        children = []
        for d in Path("/proc").iterdir():
            try:
                if d.name.isdigit() and int((d / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    children.append((int(d.name), (d / "cmdline").read_bytes().decode().split("\0")))
            except (OSError, IndexError, ValueError):
                continue
    for child, cmd in children:
        if cmd[1:3] == ["-I", "-c"]:
            return child
    return None


def _wait_for(check, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) if folder.exists() else []


def _coded(*folders: Path) -> list[str]:
    """Every coded dataset (``coded.csv``) under the folders."""
    return [str(p) for f in folders if f.exists() for p in f.rglob("coded.csv")]


def _leftovers(out: Path, tmp: Path) -> list[str]:
    """What a run that has ended must not leave: staging, its lock, private folders, coded data."""
    left = [f"{out.name}/{f}" for f in _files(out) if f.startswith((STAGING, LOCK_NAME))]
    left += [f"tmp/{p.name}" for p in tmp.iterdir()] if tmp.exists() else []
    return left + _coded(out, tmp)


def _run_command(out: Path, *args: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "cprstats",
        "run",
        "--output",
        str(out),
        "--notebook-dir",
        str(NB_DIR),
        *args,
    ]


# --------------------------------------------------------------------------- killed at random points
@pytest.mark.slow
@pytest.mark.skipif(not LINUX, reason="finds processes through their environment (Linux)")
def test_a_run_killed_at_random_points_leaves_nothing_behind(tmp_path, monkeypatch):
    """SIGKILL, SIGKILL of the run and its janitor (as a power cut would), SIGTERM or SIGINT, at a random moment."""
    rng = random.Random(SEED)
    out, tmp = tmp_path / "outputs", tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))  # the next run (in this process) sweeps here
    kinds = ["SIGKILL", "SIGKILL+janitor", "SIGTERM", "SIGINT"]
    seen = []
    for i in range(N_KILLS):
        kind = kinds[i % len(kinds)] if i < len(kinds) else rng.choice(kinds)
        delay = rng.uniform(0.3, 7.0)  # start-up, coding the forms, the notebooks, gathering
        marker = f"CPRSTATS_FAULT_{uuid.uuid4().hex}"
        env = {**os.environ, marker: "1", "TMPDIR": str(tmp), "PYTHONUNBUFFERED": "1"}
        env.pop("CPRSTATS_START_METHOD", None)
        cmd = _run_command(
            out,
            *("--notebook", "ok_tables", "fails", "ok_figures", "--region", "MWW", "CAV"),
            *("--data", str(FORMS), "--jobs", "2", "--force", "-q"),
        )
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            try:
                proc.wait(timeout=delay)
                killed = False
            except subprocess.TimeoutExpired:
                killed = True
                if kind == "SIGKILL+janitor":
                    janitor = _janitor_of(proc.pid)
                    if janitor is not None:
                        os.kill(janitor, signal.SIGKILL)
                proc.send_signal(getattr(signal, kind.split("+")[0]))
            stdout, stderr = proc.communicate(timeout=60)  # no hang, whatever the moment
        finally:
            if proc.poll() is None:  # pragma: no cover - only if the test fails
                proc.kill()
        where = f"kill {i + 1}/{N_KILLS}: {kind} after {delay:.1f} s (exit {proc.returncode})"
        seen.append(where)
        if not killed:
            assert proc.returncode == 1, (where, stderr)  # finished first: fails.ipynb failed
        elif kind in ("SIGTERM", "SIGINT") and proc.returncode == 130:  # else stopped before the CLI was up
            assert "cprstats run: interrupted" in stderr, (where, stderr)
        # the run's workers, kernels and janitor are gone within seconds ...
        assert _wait_for(lambda m=marker: not _marked(m), 15), (where, _marked(marker))
        # ... and, unless its janitor was killed too, so is everything it wrote but its finished folders
        if kind != "SIGKILL+janitor":
            assert _wait_for(lambda: not _leftovers(out, tmp), 10), (where, _leftovers(out, tmp))
        else:  # left for the next run to remove
            left = _leftovers(out, tmp)
            top = sorted({"/".join(Path(x).parts[:2]) for x in left if not Path(x).is_absolute()})
            seen[-1] += f"; left for the next run: {', '.join(top) or 'nothing'}" + (
                ", coded data" if _coded(out, tmp) else ""
            )
        # the next run starts, removes whatever is left, and works
        res = runner.run(
            ["ok_figures"], ["MWW"], data=FORMS, output=out, notebook_dir=NB_DIR, progress=False, force=True
        )
        assert res.exit_code == 0, where
        assert _leftovers(out, tmp) == [], (where, _leftovers(out, tmp))
        for folder in out.glob("*/*"):  # every region/period folder is one run's, whole
            assert (folder / "manifest.json").is_file(), (where, _files(folder))
        assert sorted(p.name for p in out.iterdir()) in (["MWW", "index.html"], ["CAV", "MWW", "index.html"]), where
    print("\n".join(seen))


# --------------------------------------------------------------------------- a worker killed under a notebook
@pytest.mark.slow
@pytest.mark.skipif(not LINUX, reason="the notebook kills its worker with SIGKILL; processes found through /proc")
@pytest.mark.parametrize("method, jobs", [("fork", 1), ("spawn", 2)], ids=["fork-1-worker", "spawn-2-workers"])
def test_a_worker_killed_under_a_notebook_fails_it_and_the_others_finish(tmp_path, method, jobs):
    """kills_worker.ipynb SIGKILLs its worker (the pool's, never the run): reported, named, the rest run.

    With one worker, the notebook runs first (its order is kept), so the others can only run
    on the worker started in its place.
    """
    out, tmp = tmp_path / "outputs", tmp_path / "tmp"
    tmp.mkdir()
    marker = f"CPRSTATS_FAULT_{uuid.uuid4().hex}"
    env = {**os.environ, marker: "1", "TMPDIR": str(tmp), "CPRSTATS_START_METHOD": method}
    cmd = _run_command(
        out, "--notebook", "kills_worker", "ok_tables", "--region", "MWW", "--data", str(FORMS), "--jobs", str(jobs)
    )
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=240)
    seconds = time.perf_counter() - t0
    assert proc.returncode == 1, proc.stderr
    assert "1 of 2 notebook runs failed:" in proc.stdout
    assert "MWW/all/kills_worker: the worker process running it (pid " in proc.stdout
    assert "died: killed by SIGKILL" in proc.stdout
    assert "the executed notebook, with the error: None" not in proc.stdout
    assert "[2/2]" in proc.stderr
    m = json.loads((out / "MWW" / "all" / "manifest.json").read_text(encoding="utf-8"))
    nbs = m["notebooks"]
    assert (nbs["kills_worker"]["status"], nbs["kills_worker"]["error"]["kind"]) == ("failed", "worker")
    assert nbs["kills_worker"]["error"]["ename"] == "WorkerDied"
    assert nbs["ok_tables"]["status"] == "ok"
    # ok_tables ran on a worker of the chosen start method, with the run's environment and data
    mpl, python, data_exists = (
        (out / "MWW" / "all" / "tables" / "environment.csv").read_text().splitlines()[1].split(",")
    )
    assert (mpl, python, data_exists) == ("Agg", sys.executable, "True")
    assert _wait_for(lambda: not _marked(marker), 10), _marked(marker)  # the killed worker's kernel too
    assert _leftovers(out, tmp) == []
    print(f"{method}, {jobs} worker(s): {seconds:.1f} s")


# --------------------------------------------------------------------------- one run per output folder
@pytest.mark.slow
@pytest.mark.skipif(not POSIX, reason="stops the first run with SIGTERM")
def test_a_second_run_into_a_folder_in_use_stops_and_names_the_first(tmp_path):
    out = tmp_path / "outputs"
    first = subprocess.Popen(
        _run_command(out, "--notebook", "slow", "--region", "MWW", "-q"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert _wait_for(lambda: any(out.glob(f"{STAGING}/*/MWW/all/slow/started.txt")), 60), first.poll()
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            rc = main(
                [
                    "run",
                    "--notebook",
                    "ok_figures",
                    "--region",
                    "CAV",
                    "--output",
                    str(out),
                    "--notebook-dir",
                    str(NB_DIR),
                ]
            )
        assert rc == 2
        assert f"is in use by another cprstats run (process {first.pid}" in err.getvalue()
        assert not (out / "CAV").exists()  # the second run wrote nothing
        assert any(out.glob(f"{STAGING}/*/MWW/all/slow/started.txt"))  # and took nothing away from the first
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=30)
    finally:
        if first.poll() is None:  # pragma: no cover - only if the test fails
            first.kill()
    assert first.returncode == 130
    assert _files(out) == []  # nothing finished; the lock went with the first run


@pytest.mark.skipif(not POSIX, reason="flock")
def test_the_lock_of_a_dead_run_is_taken_over(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    out = tmp_path / "outputs"
    out.mkdir()
    (out / LOCK_NAME).write_text(json.dumps({"pid": pid, "host": os.uname().nodename, "started": "earlier"}))
    with OutputLock(out) as lock:
        assert json.loads(lock.path.read_text())["pid"] == os.getpid()
        with pytest.raises(
            ParameterError, match=rf"is in use by another cprstats run \(process {os.getpid()}, started "
        ):
            OutputLock(out).acquire()
    assert _files(out) == []


def test_run_folders_keep_the_data_private_and_sweep_what_dead_runs_left(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    dead = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True).stdout)
    stale = tmp_path / "tmp" / f"{PRIVATE_PREFIX}{dead}-abcd1234"
    (stale / "data").mkdir(parents=True)
    (stale / "data" / "coded.csv").write_text("review_id,age_months\nSYN 1 2019,7\n")
    alive = tmp_path / "tmp" / f"{PRIVATE_PREFIX}{os.getppid()}-abcd1234"  # a live process: not ours to remove
    alive.mkdir()
    out = tmp_path / "outputs"
    (out / STAGING / "0badc0de" / "data").mkdir(parents=True)  # a dead run's staging
    (out / STAGING / "0badc0de" / "data" / "coded.csv").write_text("review_id\n")
    folders = RunFolders(out).open()
    try:
        assert not stale.exists() and alive.exists()
        assert [p.name for p in (out / STAGING).iterdir()] == [folders.stage.name]
        assert folders.private.parent == tmp_path / "tmp" and folders.private.name.startswith(
            f"{PRIVATE_PREFIX}{os.getpid()}-"
        )
        if POSIX:
            assert folders.private.stat().st_mode & 0o777 == 0o700
        assert not folders.private.is_relative_to(out)
        assert sweep_private_folders() == []  # our own folder is alive
    finally:
        folders.close()
    assert not out.exists() or _files(out) == []  # the output existed (its .staging): left, empty
    assert sorted(p.name for p in (tmp_path / "tmp").iterdir()) == [alive.name]


@pytest.mark.skipif(not LINUX, reason="finds the worker through /proc")
def test_without_pdeathsig_a_worker_still_dies_with_its_parent(tmp_path):
    """The watchdog thread that other platforms rely on: a 'worker' whose parent is SIGKILLed exits by itself."""
    worker = (
        "import os, sys, time\n"
        "sys.platform = 'darwin'  # no prctl: only the watchdog\n"
        "from cprstats.runner import kernels\n"
        "kernels.worker_init(None, os.getppid())\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    parent = (
        "import subprocess, sys\n"
        f"child = subprocess.Popen([sys.executable, '-c', {worker!r}], stdout=subprocess.PIPE, text=True)\n"
        "print(child.pid, child.stdout.readline().strip(), flush=True)\n"
        "child.wait()\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", parent], stdout=subprocess.PIPE, text=True)
    try:
        pid, ready = proc.stdout.readline().split()
        assert ready == "ready"
        proc.kill()
        proc.wait()
        t0 = time.monotonic()
        assert _wait_for(lambda: not _alive(int(pid)), 5)
        print(f"the worker exited {time.monotonic() - t0:.1f} s after its parent")
    finally:
        if proc.poll() is None:  # pragma: no cover - only if the test fails
            proc.kill()
        if "pid" in locals() and _alive(int(pid)):  # pragma: no cover - only if the test fails
            os.kill(int(pid), signal.SIGKILL)


def _alive(pid: int) -> bool:
    """Whether ``pid`` is a live (not zombie) process."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False
