"""Files of a notebook run: the output's lock, staging, the private data folder, gathering, manifests, the index.

Used by `cprstats.runner.execution`. The layout of a run's output folder::

    <output>/index.html                       links every report, with its status
    <output>/<region>/<period>/manifest.json  parameters, versions, data checksum, timings, status
    <output>/<region>/<period>/<notebook>.ipynb, <notebook>.html
    <output>/<region>/<period>/figures/, tables/
    <output>/.staging/<run id>/...            work in progress; removed when the run ends
    <output>/.cprstats-run.lock               while a run writes here: its process id
    <output>/RESTRICTED-<region>/<period>/    a restricted run's folders (``--restricted`` or
                                              ``--no-suppress``): unsuppressed reports marked
                                              OFFICIAL-SENSITIVE, with a ``RESTRICTED`` file
                                              holding the marking; ``manifest.json`` has
                                              ``restricted: true`` and ``marking``
    <output>/private/<region>/<period>/       review-level working files (coder disagreements),
                                              mode 0700, for the researchers only: never in a
                                              report folder, its tables/ or the index

Each notebook runs in its own staging folder (``OUTPUT_DIR = "."``, the kernel's working
folder); when every notebook of a region and period has finished, their files are gathered
into one folder with its ``manifest.json`` and moved into place in one step. So a region
and period's folder holds the outputs of exactly one run, whole, or is left as it was.

Leaving nothing behind (`RunFolders`)
    The coded data (one row per child, restricted variables included) never goes near the
    output: it is written into a private temporary folder (``cprstats-run-<pid>-*`` in the
    system's temporary folder, mode 0700), where the workers' and kernels' own temporary
    files and Jupyter connection files go too. A run that ends, however it ends, removes
    it and its staging folder. A run killed outright (``kill -9``) cannot, so each run starts
    a janitor, a tiny process of its own, that waits for the run and its workers to be gone
    and, unless told that the run cleaned up after itself, removes them. Whatever still
    survives (the janitor killed too, a power cut) is removed by the next run: every
    ``.staging`` in the output folder it locks, and every private folder whose process is
    gone.
One run at a time
    A run locks its output folder (`OutputLock`: ``fcntl.flock`` on a lock file holding its
    process id, released by the system when the process dies; elsewhere a lock file created
    exclusively). A second run into the same folder stops with `ParameterError`, naming
    the process that holds it, instead of replacing the first run's folders; the lock of a
    run that has died is taken over.

The data handed to the notebooks is prepared by `cprstats.runner.data`; the manifest records
its input files by name and SHA-256 checksum only (`data_record`), never by a local path.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from cprstats._version import __version__
from cprstats.codebook.model import resolve
from cprstats.disclosure.auditing import Published, audit
from cprstats.disclosure.suppression import comparison_as_counts
from cprstats.errors import CprstatsError, ParameterError
from cprstats.io import write_json
from cprstats.report.page import index_html
from cprstats.runner.kernels import pid_alive

if TYPE_CHECKING:
    from cprstats.runner.data import DataSource

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "LOCK_NAME",
    "PRIVATE_PREFIX",
    "STAGING",
    "OutputLock",
    "RunFolders",
    "data_record",
    "git_info",
    "gather_group",
    "manifest_parameters",
    "move_into_place",
    "read_manifests",
    "audit_folder",
    "published_tables",
    "move_private",
    "sweep_private_folders",
    "MARKER_NAME",
    "PRIVATE_OUTPUT",
    "write_index",
    "now_iso",
    "versions",
]

#: The lock file of a run in its output folder.
LOCK_NAME = ".cprstats-run.lock"
#: The file that marks a restricted run's region/period folder (it holds the marking).
MARKER_NAME = "RESTRICTED"
#: The owner-only folder of a run's output for review-level working files (a report's ``private/``).
PRIVATE_OUTPUT = "private"
#: The staging folder in the output folder (one sub-folder per run).
STAGING = ".staging"
#: How a run's private temporary folder is named: ``cprstats-run-<pid>-<random>``.
PRIVATE_PREFIX = "cprstats-run-"
_PRIVATE_NAME = re.compile(re.escape(PRIVATE_PREFIX) + r"(\d+)-")
_OWNER = ".owner"  # in a private folder: locked (flock) while its run lives
_STALE_LOCK_WAIT = 10.0  # seconds to wait for the processes of a dead run to let go of its lock


def now_iso() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def git_info(root: str | os.PathLike | None = None) -> dict[str, Any]:
    """The git commit of the code (``git rev-parse HEAD``) and whether it has local changes.

    Returns ``{"commit": None, "dirty": None}`` when there is no git or no repository.
    """
    root = Path(root) if root is not None else Path(__file__).resolve().parents[2]
    out: dict[str, Any] = {"commit": None, "dirty": None}
    try:
        rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10)
        if rev.returncode != 0:
            return out
        out["commit"] = rev.stdout.strip()
        st = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=20,
        )
        out["dirty"] = bool(st.stdout.strip()) if st.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        pass
    return out


def versions() -> dict[str, str]:
    import papermill

    return {
        "cprstats": __version__,
        "python": sys.version.split()[0],
        "pandas": pd.__version__,
        "papermill": papermill.__version__,
    }


# --------------------------------------------------------------------------- assembling a folder
def _move_tree(src: Path, dest: Path, seen: dict[str, str], notebook: str, clashes: list[str]) -> list[str]:
    moved = []
    for p in sorted(src.rglob("*")):
        if not p.is_file():
            continue
        rel = p.relative_to(src).as_posix()
        if rel == "report.json" or p.name.startswith(".") or "__pycache__" in rel:
            continue
        target = dest / rel
        if rel in seen:
            clashes.append(f"{rel} written by both {seen[rel]} and {notebook}; kept {notebook}'s")
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(p, target)
        seen[rel] = notebook
        moved.append(rel)
    return moved


def gather_group(stage: Path, results: list[dict[str, Any]], manifest: dict[str, Any]) -> Path:
    """Gather the per-notebook staging folders of one region and period into ``stage/.assembled``.

    Each notebook's files move to the same relative place (``figures/``, ``tables/``,
    ``<notebook>.ipynb``, ``<notebook>.html``); what the notebook's report recorded
    (``report.json``) goes into the manifest, with the files and timing of each notebook.
    """

    out = stage / ".assembled"
    out.mkdir(parents=True, exist_ok=False)
    seen: dict[str, str] = {}
    clashes: list[str] = []
    notebooks = {}
    private = stage / ".private"
    for res in sorted(results, key=lambda r: r["notebook"]):
        nb_dir = stage / res["notebook"]
        if (nb_dir / PRIVATE_OUTPUT).is_dir():  # review-level rows: kept apart, never in the report folder
            _private_dir(private)
            _move_tree(nb_dir / PRIVATE_OUTPUT, private / res["notebook"], {}, res["notebook"], [])
            shutil.rmtree(nb_dir / PRIVATE_OUTPUT, ignore_errors=True)
        report = None
        if (nb_dir / "report.json").is_file():
            try:
                report = json.loads((nb_dir / "report.json").read_text(encoding="utf-8"))
            except ValueError:
                report = {"error": "report.json is not valid JSON"}
        files = _move_tree(nb_dir, out, seen, res["notebook"], clashes) if nb_dir.is_dir() else []
        notebooks[res["notebook"]] = {
            "status": res["status"],
            "seconds": round(float(res["seconds"]), 3),
            "attempts": res["attempts"],
            "error": res["error"],
            "message": res["message"] or None,
            "html_error": res.get("html_error"),
            "notebook": f"{res['notebook']}.ipynb" if f"{res['notebook']}.ipynb" in files else None,
            "html": f"{res['notebook']}.html" if f"{res['notebook']}.html" in files else None,
            "files": files,
            "report": report,
        }
    statuses = {n["status"] for n in notebooks.values()}
    manifest = {
        **manifest,
        "notebooks": notebooks,
        "warnings": clashes,
        "status": "ok" if statuses <= {"ok"} else "failed",
        "finished": now_iso(),
    }
    write_json(manifest, out / "manifest.json")
    if manifest.get("restricted"):
        (out / MARKER_NAME).write_text(f"{manifest.get('marking') or 'OFFICIAL-SENSITIVE'}\n", encoding="utf-8")
    return out


_COUNT_COLUMNS = {"variable", "level", "group", "count", "n"}


def published_tables(
    folder: Path, region: str, period: str, codebook=None, originals: Path | None = None
) -> list[Published]:
    """The count tables a region/period folder publishes (``tables/*.csv``, as written), for `audit`.

    A comparison table is read in the count layout (`comparison_as_counts`). A table whose groups
    are boards (or a board and ``rest``) was made from all-Wales data, and one by period from
    every period, so their scope is ``wales`` and ``all``; the others have the folder's.
    """
    cb = resolve(codebook)
    boards = set(cb.field("board").codes)
    periods = set(cb.field("period").codes)
    out = []
    for path in sorted((Path(folder) / "tables").glob("*.csv")):
        try:
            table = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=True, dtype={"level": str, "group": str})
        except (OSError, ValueError, pd.errors.ParserError):
            continue
        if not _COUNT_COLUMNS <= set(table.columns):
            continue
        if "count_ref" in table.columns:
            table = comparison_as_counts(table)
        groups = {str(g) for g in table["group"].dropna()} - {"all"}
        scope_region = "wales" if groups and groups <= boards | {"rest"} and groups & boards else region
        scope_period = "all" if groups and groups <= periods else period
        original = None
        found = sorted(originals.glob(f"*/originals/{path.name}")) if originals is not None else []
        if found and "count_ref" not in table.columns:
            try:
                original = pd.read_csv(found[-1], encoding="utf-8-sig", dtype={"level": str, "group": str})
            except (OSError, ValueError, pd.errors.ParserError):
                original = None
            if original is not None and len(original) != len(table):
                original = None
        out.append(Published(table, path.name, region=scope_region, period=scope_period, original=original))
    return out


def audit_folder(
    folder: Path, region: str, period: str, threshold: int, codebook=None, originals: Path | None = None
) -> list[str]:
    """Audit a region/period folder's published tables together; one line per number a reader can narrow.

    Empty when the folder is safe. A table `audit` cannot read with the others (two tables
    publishing different values of one number) is a failure too, named.
    """
    units: dict[str, list[Published]] = {}
    for pub in published_tables(folder, region, period, codebook, originals):
        # tables that count different things (children, reviews: the ``unit`` column) are different populations
        unit = pub.table["unit"].dropna() if "unit" in pub.table.columns else pd.Series(dtype=object)
        units.setdefault(str(unit.iloc[0]) if len(unit) else "", []).append(pub)
    problems = []
    for unit, tables in units.items():
        try:
            found = audit(tables, threshold, codebook=codebook)
        except (ParameterError, CprstatsError) as exc:
            problems.append(f"the tables of unit {unit or '?'} could not be audited together: {exc}")
            continue
        problems += [
            f"table {r.table}, variable {r.variable}, "
            + ("denominator" if pd.isna(r.level) else f"level {r.level}")
            + f", group {r.group}: the {r.quantity} can be narrowed to {r.low:g} to {r.high:g}"
            for r in found.itertuples(index=False)
        ]
    return problems


def _private_dir(folder: Path) -> Path:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    return folder


def move_private(stage: Path, output: Path, region: str, period: str) -> Path | None:
    """Move a region/period's private files (``stage/.private``) to ``<output>/private/<region>/<period>/``.

    Every folder on the way from ``<output>/private`` down is made owner-only (mode 0700).
    Returns the folder, or None when the notebooks wrote nothing private.
    """
    src = stage / ".private"
    if not src.is_dir():
        return None
    root = _private_dir(Path(output) / PRIVATE_OUTPUT)
    dest = _private_dir(_private_dir(root / region) / period)
    for p in sorted(src.rglob("*")):
        if p.is_file():
            target = dest / p.relative_to(src)
            _private_dir(target.parent)
            os.replace(p, target)
    shutil.rmtree(src, ignore_errors=True)
    return dest


def move_into_place(assembled: Path, target: Path, trash: Path) -> None:
    """Replace ``target`` (an empty folder, a folder from an earlier run, or nothing) by ``assembled``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_dir() and any(target.iterdir()):
        trash.mkdir(parents=True, exist_ok=True)
        old = trash / f"{target.parent.name}-{target.name}"
        os.replace(target, old)
        os.replace(assembled, target)
        shutil.rmtree(old, ignore_errors=True)
        return
    if target.is_dir():
        target.rmdir()
    os.replace(assembled, target)


# --------------------------------------------------------------------------- index
def read_manifests(output: str | os.PathLike) -> pd.DataFrame:
    """Every notebook run recorded under ``output`` (one row per region, period and notebook).

    Columns: ``region, period, notebook, status, seconds, html, ipynb, message`` (``html`` and
    ``ipynb`` relative to ``output``, with ``/``).
    """
    root = Path(output)
    rows = []
    for mf in sorted(root.glob("*/*/manifest.json")):
        try:
            meta = json.loads(mf.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        rel = mf.parent.relative_to(root).as_posix()
        if rel.split("/")[0] == PRIVATE_OUTPUT:
            continue
        params = meta.get("parameters", {})
        for name, nb in sorted(meta.get("notebooks", {}).items()):
            rows.append(
                {
                    "region": params.get("REGION", mf.parent.parent.name),
                    "period": params.get("PERIOD", mf.parent.name),
                    "notebook": name,
                    "status": nb.get("status"),
                    "seconds": nb.get("seconds"),
                    "html": f"{rel}/{nb['html']}" if nb.get("html") else None,
                    "ipynb": f"{rel}/{nb['notebook']}" if nb.get("notebook") else None,
                    "message": nb.get("message"),
                    "restricted": bool(meta.get("restricted")),
                }
            )
    cols = ["region", "period", "notebook", "status", "seconds", "html", "ipynb", "message", "restricted"]
    return pd.DataFrame(rows, columns=cols)


def write_index(output: str | os.PathLike, lang: str) -> Path | None:
    """Write ``<output>/index.html`` linking every report under ``output``."""

    runs = read_manifests(output)
    path = index_html(Path(output), runs, lang=lang)
    return Path(path) if path is not None else Path(output) / "index.html"


# --------------------------------------------------------------------------- what the manifest says about the data
def _input_name(path: str) -> str:
    """A file's name (an absolute path loses its folders; a path inside a forms folder is kept)."""
    p = Path(path)
    return p.name if p.is_absolute() or p.anchor else p.as_posix()


def data_record(source: DataSource) -> dict[str, Any]:
    """The manifest's ``data`` entry: what the data was and its checksums, without local paths.

    `cprstats.runner.data.DataSource.record` names the input by the path it was given (often
    absolute: ``/home/<user>/...``) and lists a file input by its absolute path. The manifest,
    which is circulated with the reports, keeps only names: the input's name, and each file by
    its name (or its path inside a forms folder) and SHA-256 checksum.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> src = SimpleNamespace(record=lambda: {"argument": "/home/a/forms.csv", "kind": "forms", "sha256": "ab",
    ...     "files": [{"path": "/home/a/forms.csv", "sha256": "ab"}], "synthetic": False})
    >>> rec = data_record(src)
    >>> rec["argument"], rec["files"]
    ('forms.csv', [{'name': 'forms.csv', 'sha256': 'ab'}])
    """
    rec = dict(source.record())
    if rec.get("kind") != "example" and rec.get("argument") is not None:
        rec["argument"] = _input_name(os.fspath(rec["argument"]))
    rec["files"] = [
        {"name": _input_name(str(f.get("name") or f.get("path") or "")), "sha256": f.get("sha256")}
        for f in rec.get("files") or []
    ]
    return rec


def manifest_parameters(parameters: dict[str, Any], source: DataSource) -> dict[str, Any]:
    """The notebooks' parameters as the manifest records them: ``DATA`` by name, not by local path.

    A notebook gets the coded data's path (a private temporary file, or the coded dataset
    given); the manifest records the name of what was given instead (see `data_record`).
    """
    if getattr(source, "kind", "example") == "example":
        return dict(parameters)
    return {**parameters, "DATA": data_record(source)["argument"]}


# --------------------------------------------------------------------------- the output's lock
def _read_owner(fd: int) -> dict[str, Any]:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 4096).decode("utf-8", "replace")
        owner = json.loads(text) if text.strip() else {}
        return owner if isinstance(owner, dict) else {}
    except (OSError, ValueError):
        return {}


class OutputLock:
    """The lock of a run on its output folder: ``<output>/.cprstats-run.lock`` holding the run's process id.

    Where ``fcntl`` exists the file is locked with ``flock``: the system releases the lock when
    the run and every process that inherited it (its forked workers) are gone, so a lock left
    by a killed run is simply taken over. Elsewhere the file is created exclusively and a
    file naming a process that is no longer running is taken over.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "outputs"
    >>> with OutputLock(out) as lock:
    ...     OutputLock(out).acquire()
    Traceback (most recent call last):
    ...
    cprstats.errors.ParameterError: the output folder ... is in use by another cprstats run (process ...); ...
    >>> sorted(p.name for p in out.iterdir())  # released: the lock file is gone
    []
    """

    def __init__(self, output: str | os.PathLike):
        self.output = Path(output)
        self.path = self.output / LOCK_NAME
        self.fd: int | None = None

    def __enter__(self) -> OutputLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> bool:
        self.release()
        return False

    def acquire(self) -> OutputLock:
        """Lock the output folder (creating it); `ParameterError` if another live run holds it."""
        if self.fd is not None:
            return self
        deadline = time.monotonic() + _STALE_LOCK_WAIT
        while True:
            self.output.mkdir(parents=True, exist_ok=True)
            fd = self._try_once()
            if isinstance(fd, int):
                break
            owner = fd
            if owner is None:  # the file went away under us (its run just finished): again
                continue
            pid = owner.get("pid")
            dead = isinstance(pid, int) and not pid_alive(pid) and owner.get("host") in (None, socket.gethostname())
            if dead and time.monotonic() < deadline:
                time.sleep(0.2)  # the processes of a killed run are still going away
                continue
            raise ParameterError(self._held_message(owner, dead))
        record = {"pid": os.getpid(), "host": socket.gethostname(), "started": now_iso()}
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, (json.dumps(record) + "\n").encode("utf-8"))
        self.fd = fd
        return self

    def _try_once(self) -> int | dict[str, Any] | None:
        """The locked file's descriptor, or who holds the lock, or None to try again."""
        if fcntl is None:  # pragma: no cover - Windows
            try:
                return os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                try:
                    fd = os.open(self.path, os.O_RDONLY)
                except FileNotFoundError:
                    return None
                try:
                    owner = _read_owner(fd)
                finally:
                    os.close(fd)
                pid = owner.get("pid")
                if not isinstance(pid, int) or not pid_alive(pid):
                    try:
                        os.unlink(self.path)  # a dead run's lock
                    except OSError:
                        pass
                    return None
                return owner
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except FileNotFoundError:  # the folder was removed meanwhile
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # held
            owner = _read_owner(fd)
            os.close(fd)
            return owner
        except OSError:  # a file system without flock: go by the process id in the file
            owner = _read_owner(fd)
            pid = owner.get("pid")
            if isinstance(pid, int) and pid != os.getpid() and pid_alive(pid):
                os.close(fd)
                return owner
            return fd
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(self.path))
        except FileNotFoundError:
            same = False
        if not same:  # removed by the run that held it, after we opened it: lock the new one
            os.close(fd)
            return None
        return fd

    def _held_message(self, owner: dict[str, Any], dead: bool) -> str:
        pid, host, started = owner.get("pid", "unknown"), owner.get("host"), owner.get("started")
        who = f"process {pid}" + (f" on {host}" if host and host != socket.gethostname() else "")
        who += f", started {started}" if started else ""
        if dead:
            return (
                f"the output folder {str(self.output)!r} is still locked by the processes of a cprstats run "
                f"that was stopped ({who}); wait until they have gone, or choose another output folder"
            )
        return (
            f"the output folder {str(self.output)!r} is in use by another cprstats run ({who}); "
            "wait until it has finished, or choose another output folder (--output)"
        )

    def release(self) -> None:
        """Remove the lock file and unlock (nothing if not held)."""
        fd, self.fd = self.fd, None
        if fd is None:
            return
        if fcntl is not None:
            try:
                os.unlink(self.path)  # while still locked: a run waiting on this file will try again
            except OSError:
                pass
            os.close(fd)
            return
        os.close(fd)  # pragma: no cover - Windows: a file cannot be removed while open
        try:  # pragma: no cover
            os.unlink(self.path)
        except OSError:  # pragma: no cover
            pass


# --------------------------------------------------------------------------- private folders
def _make_private() -> tuple[Path, int | None]:
    """A new private temporary folder (mode 0700) and the descriptor of its locked owner file."""
    folder = Path(tempfile.mkdtemp(prefix=f"{PRIVATE_PREFIX}{os.getpid()}-"))
    fd = None
    if fcntl is not None:
        fd = os.open(folder / _OWNER, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
    for sub in ("tmp", "runtime"):
        (folder / sub).mkdir(mode=0o700)
    return folder, fd


def _private_is_stale(folder: Path, pid: int) -> bool:
    if not pid_alive(pid):
        return True
    if fcntl is None or pid == os.getpid():  # pragma: no cover - Windows
        return False
    # the process id lives on; is it still the run? (a run holds its owner file locked)
    try:
        if time.time() - folder.stat().st_mtime < 60:
            return False  # maybe being created right now
        fd = os.open(folder / _OWNER, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    finally:
        os.close(fd)
    return True


def sweep_private_folders(tmp: str | os.PathLike | None = None) -> list[Path]:
    """Remove the private folders (``cprstats-run-<pid>-*``) of runs that are gone; return them.

    Only folders of this user are looked at; a folder whose process still runs is left alone.
    """
    root = Path(tmp) if tmp is not None else Path(tempfile.gettempdir())
    removed = []
    try:
        entries = list(root.iterdir())
    except OSError:
        return removed
    uid = os.getuid() if hasattr(os, "getuid") else None
    for folder in entries:
        m = _PRIVATE_NAME.match(folder.name)
        if not m:
            continue
        try:
            st = folder.lstat()
        except OSError:
            continue
        if not os.path.isdir(folder) or folder.is_symlink() or (uid is not None and st.st_uid != uid):
            continue
        if _private_is_stale(folder, int(m.group(1))):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


# --------------------------------------------------------------------------- the janitor
# Runs as `python -I -c _JANITOR <run pid>`, with only the standard library. It reads notes
# (one JSON list a line) on stdin until every writer is gone: the run and, when forked, its
# workers. ["done"] means the run cleaned up itself. Otherwise the run died: it waits for the
# workers ("pid"), removes the run's folders ("tree"), and, if it can lock the output's lock
# file ("lock") and the lock is still the run's, removes the empty folders the run made
# ("rmdir", deepest first) and the lock file.
_JANITOR = r"""
import json, os, shutil, sys, time
run_pid = int(sys.argv[1])
buf = b""
while True:
    try:
        chunk = os.read(0, 65536)
    except InterruptedError:
        continue
    except OSError:
        break
    if not chunk:
        break
    buf += chunk
notes = []
for line in buf.decode("utf-8", "replace").splitlines():
    try:
        notes.append(json.loads(line))
    except ValueError:
        pass
if ["done"] in notes:
    sys.exit(0)
def alive(pid):
    if os.name == "nt":
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    try:
        with open("/proc/%d/stat" % pid) as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return True
def get(kind):
    return [n[1] for n in notes if isinstance(n, list) and len(n) == 2 and n[0] == kind]
deadline = time.monotonic() + 30
while any(alive(p) for p in get("pid")) and time.monotonic() < deadline:
    time.sleep(0.1)
for path in get("tree"):
    shutil.rmtree(path, ignore_errors=True)
def rmdirs():
    for path in sorted(get("rmdir"), key=len, reverse=True):
        try:
            os.rmdir(path)
        except OSError:
            pass
try:
    import fcntl
except ImportError:
    fcntl = None
for path in get("lock"):
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        continue
    ours = False
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if not os.path.samestat(os.fstat(fd), os.stat(path)):
                raise OSError("replaced")
        try:
            ours = json.loads(os.read(fd, 4096).decode("utf-8", "replace")).get("pid") == run_pid
        except (ValueError, AttributeError):
            ours = False
        if ours:
            rmdirs()
            if fcntl is not None:
                os.unlink(path)
    except OSError:
        ours = False
    finally:
        os.close(fd)
    if ours:
        if fcntl is None:
            try:
                os.unlink(path)
            except OSError:
                pass
        rmdirs()
"""


class _Janitor:
    """The process that removes a run's folders if the run dies without doing so (see `_JANITOR`)."""

    def __init__(self) -> None:
        kw: dict[str, Any] = {}
        if os.name == "nt":  # pragma: no cover - Windows
            kw["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP
        else:
            kw["start_new_session"] = True  # Ctrl-C or a kill of the run's process group does not reach it
        self.proc: subprocess.Popen | None = subprocess.Popen(
            [sys.executable, "-I", "-c", _JANITOR, str(os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=True,
            **kw,
        )

    def note(self, kind: str, value: Any = None) -> None:
        """Tell the janitor about a folder (``tree``, ``rmdir``), the ``lock`` file or a worker ``pid``."""
        if self.proc is None or self.proc.stdin is None:
            return
        item = [kind] if value is None else [kind, value]
        try:
            self.proc.stdin.write((json.dumps(item) + "\n").encode("utf-8"))
            self.proc.stdin.flush()
        except (OSError, ValueError):  # the janitor is gone: the next run sweeps instead
            pass

    def done(self) -> None:
        """The run cleaned up after itself: let the janitor go without doing anything."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        try:
            if proc.stdin is not None:
                proc.stdin.write(b'["done"]\n')
                proc.stdin.close()
        except (OSError, ValueError):
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - it only reads and exits
            proc.kill()
            proc.wait()


# --------------------------------------------------------------------------- a run's folders
class RunFolders:
    """The folders of one run: the output's lock, the staging folder, the private data folder.

    `open` locks the output folder (`OutputLock`), removes what earlier runs that died left
    (every ``<output>/.staging``, which no live run can be using now, and stale private
    folders, `sweep_private_folders`), and makes the run's staging folder
    (``<output>/.staging/<id>``, for the notebooks' outputs) and its private folder (a
    ``tempfile.mkdtemp``, mode 0700, for the coded data, temporary files and kernel
    connection files). A janitor process removes them if the run is killed. `clean` removes
    both folders; `close` cleans, removes the folders the run made if they are empty,
    releases the lock and dismisses the janitor.

    Attributes
    ----------
    stage, private : Path or None
        Set by `open`.
    """

    def __init__(self, output: str | os.PathLike):
        self.output = Path(output)
        self.lock = OutputLock(self.output)
        self.stage: Path | None = None
        self.private: Path | None = None
        self._owner_fd: int | None = None
        self._janitor: _Janitor | None = None
        self._made_output = False

    @property
    def tmp(self) -> Path:
        """Temporary folder for the workers and kernels (inside the private folder)."""
        if self.private is None:
            raise RuntimeError("RunFolders.open was not called")
        return self.private / "tmp"

    @property
    def runtime(self) -> Path:
        """Jupyter's runtime folder for the kernels' connection files (inside the private folder)."""
        if self.private is None:
            raise RuntimeError("RunFolders.open was not called")
        return self.private / "runtime"

    def open(self) -> RunFolders:
        """Lock the output, sweep what dead runs left, make the staging and private folders."""
        self._made_output = not self.output.exists()
        try:
            self._janitor = _Janitor()
        except OSError:  # pragma: no cover - no janitor: the next run sweeps instead
            self._janitor = None
        # told first: the janitor acts on the lock only if it still names this run
        self.note("lock", str(self.lock.path.absolute()))
        if self._made_output:
            self.note("rmdir", str(self.output.absolute()))
        self.lock.acquire()
        staging = self.output / STAGING
        if staging.exists():  # no live run is using it: we hold the lock
            shutil.rmtree(staging, ignore_errors=True)
        sweep_private_folders()
        self.private, self._owner_fd = _make_private()
        self.note("tree", str(self.private))
        self.stage = staging / secrets.token_hex(4)
        self.note("tree", str(self.stage.absolute()))
        self.note("rmdir", str(staging.absolute()))
        self.stage.mkdir(parents=True)
        return self

    def note(self, kind: str, value: Any = None) -> None:
        """Tell the janitor (see `_Janitor.note`)."""
        if self._janitor is not None:
            self._janitor.note(kind, value)

    def watch(self, pid: int) -> None:
        """A worker process started: the janitor waits for it before removing anything."""
        self.note("pid", int(pid))

    def clean(self) -> None:
        """Remove the staging and private folders (the coded data with them)."""
        if self.stage is not None:
            shutil.rmtree(self.stage, ignore_errors=True)
            try:
                self.stage.parent.rmdir()  # .staging, if empty
            except OSError:
                pass
        if self._owner_fd is not None:
            os.close(self._owner_fd)
            self._owner_fd = None
        if self.private is not None:
            shutil.rmtree(self.private, ignore_errors=True)

    def close(self, made: Iterable[Path] = ()) -> None:
        """Clean, remove the empty folders in ``made`` (and the output if this run made it), unlock."""
        try:
            self.clean()
        finally:
            self.lock.release()
            for d in [*made, *([self.output] if self._made_output else [])]:
                try:
                    Path(d).rmdir()  # only if empty
                except OSError:
                    pass
            if self._janitor is not None:
                self._janitor.done()
                self._janitor = None
