"""Run one notebook in a Jupyter kernel: the worker side of `cprstats.runner`.

`execute_one` runs a notebook with papermill, retries once when the kernel fails to
start, tells a failing cell apart from a kernel that never started, and turns the
executed notebook into an HTML report. It is what each worker process of
`cprstats.runner.run` calls, and it can be called on its own (the benchmark suite does).

Kernels
    Every kernel a process starts is recorded (`TrackedKernelManager`), so that a worker
    stopped by SIGTERM (what ``Pool.terminate`` sends when the user presses Ctrl-C) kills
    its kernels before it exits (`kill_kernels`): a kernel runs in its own session, so
    nothing else would stop it. The kernel's own output (start-up warnings, a crash
    message) goes to a log file, not the user's terminal; the last lines are quoted when
    the kernel fails to start.
Environment
    Kernels run on this environment's own ``python3`` kernelspec (`ensure_kernel`), with
    ``MPLBACKEND=Agg`` (set by the runner), and shut down immediately after the last cell
    (nbclient's ``shutdown_kernel="immediate"``: the default graceful shutdown stalls for
    about 3.5 s in some runs).

Examples
--------
>>> describe_error({"kind": "cell", "cell": 4, "exec_count": 4, "ename": "ValueError", "evalue": "boom"})
'cell 4 (In [4]) raised ValueError: boom'
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .errors import CprstatsError

__all__ = [
    "KERNEL_NAME",
    "execute_one",
    "describe_error",
    "ensure_kernel",
    "kill_kernels",
    "worker_init",
]

#: The kernelspec every notebook runs on (this environment's own Python; see `ensure_kernel`).
KERNEL_NAME = "python3"
_MANAGERS: list = []  # kernel managers started in this process whose kernel may still run
_KERNEL_LOG: list[Path] = []  # where the next kernel's stderr goes (one at a time per process)


# --------------------------------------------------------------------------- kernels
def _block_term():
    if hasattr(signal, "pthread_sigmask"):
        return signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    return None  # pragma: no cover - Windows


def _unblock(old) -> None:
    if old is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


_TRACKED = None


def _manager_class():
    """A jupyter_client kernel manager that records its kernel and sends its stderr to a log."""
    global _TRACKED
    if _TRACKED is not None:
        return _TRACKED
    from jupyter_client import AsyncKernelManager

    class TrackedKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd, **kw):
            if _KERNEL_LOG:
                kw.setdefault("stderr", open(_KERNEL_LOG[-1], "ab"))  # noqa: SIM115 - the kernel owns it
                kw.setdefault("stdout", kw["stderr"])
            # SIGTERM waits until the kernel is recorded, so kill_kernels cannot miss it
            old = _block_term()
            try:
                await super()._async_launch_kernel(kernel_cmd, **kw)
                _MANAGERS.append(self)
            finally:
                _unblock(old)
                for key in ("stderr", "stdout"):
                    fh = kw.get(key)
                    if hasattr(fh, "close"):
                        fh.close()  # the kernel has its own copy

    _TRACKED = TrackedKernelManager
    return _TRACKED


def kill_kernels() -> int:
    """Kill every kernel this process started that is still running; return how many.

    A kernel is started in its own session (process group), so its whole group is killed,
    including any process the notebook started. Its connection file is removed.

    Examples
    --------
    >>> kill_kernels()
    0
    """
    killed = 0
    while _MANAGERS:
        km = _MANAGERS.pop()
        proc = getattr(getattr(km, "provisioner", None), "process", None)
        if proc is not None and proc.poll() is None:
            try:
                if hasattr(os, "killpg"):
                    os.killpg(proc.pid, signal.SIGKILL)
                else:  # pragma: no cover - Windows
                    proc.kill()
                proc.wait(timeout=5)
                killed += 1
            except (ProcessLookupError, PermissionError, OSError):  # pragma: no cover - already gone
                pass
        try:
            km.cleanup_connection_file()
        except Exception:  # pragma: no cover - best effort
            pass
    return killed


def _on_term(signum, frame):  # pragma: no cover - runs in a worker being terminated
    kill_kernels()
    os._exit(128 + signum)


def worker_init(env: dict[str, str] | None = None) -> None:
    """Set up a worker process of the runner's pool.

    Ctrl-C at the terminal reaches every process in the foreground group: workers ignore
    it and leave the stopping to the parent, which terminates them (SIGTERM); a worker
    then kills its kernels and exits at once.
    """
    import logging

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_term)
    if env:
        os.environ.update(env)
    # papermill/nbclient log a kernel that fails to start; the runner reports it itself
    logging.getLogger("papermill").addHandler(logging.NullHandler())


def ensure_kernel(kernel_name: str = KERNEL_NAME, *, prefix: str | None = None) -> dict[str, str]:
    """Make sure ``kernel_name`` resolves to this environment's own Python.

    Jupyter looks for kernelspecs in ``JUPYTER_PATH``, then the user's home, then the
    environment (``sys.prefix``; first when in a virtual environment). A ``python3``
    kernelspec in the user's home, left by another installation, would run the notebooks on
    another Python with other packages. If the kernelspec found is not this Python's, one
    is installed into ``prefix`` (default ``sys.prefix``; never the user's home) unless a
    good one is already there, and Jupyter is pointed at it first.

    Parameters
    ----------
    kernel_name : str, default "python3"
    prefix : str, optional
        The environment to install a kernelspec into (default ``sys.prefix``).

    Returns
    -------
    dict
        Environment variables to set while the notebooks run (empty if none are needed).

    Raises
    ------
    CprstatsError
        If no kernelspec for this Python can be found or installed.

    Examples
    --------
    >>> ensure_kernel()  # in a working environment nothing needs changing
    {}
    """
    prefix = sys.prefix if prefix is None else prefix
    if _resolves_here(kernel_name, {}):
        return {}
    env_dir = str(Path(prefix) / "share" / "jupyter")
    spec_dir = Path(env_dir) / "kernels" / kernel_name
    if not _spec_is_ours(spec_dir / "kernel.json"):
        try:
            from ipykernel.kernelspec import install

            install(prefix=prefix, kernel_name=kernel_name)
        except (OSError, ImportError) as exc:
            raise CprstatsError(
                f"the Jupyter kernel {kernel_name!r} does not run this Python ({sys.executable}) and "
                f"a kernelspec could not be installed into {prefix}: {exc}. Run "
                f"`{sys.executable} -m ipykernel install --prefix {prefix}` once, then try again."
            ) from None
    old = os.environ.get("JUPYTER_PATH")
    env = {"JUPYTER_PATH": env_dir + (os.pathsep + old if old else "")}
    if not _resolves_here(kernel_name, env):  # pragma: no cover - only with a broken install
        raise CprstatsError(f"the Jupyter kernel {kernel_name!r} still does not resolve to {sys.executable}")
    return env


def _spec_is_ours(kernel_json: Path) -> bool:
    import json

    try:
        argv = json.loads(kernel_json.read_text(encoding="utf-8"))["argv"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return _argv_is_ours(argv)


def _argv_is_ours(argv) -> bool:
    if not argv:
        return False
    exe = argv[0]
    # jupyter_client runs a kernelspec whose command is plain "python"/"python3"/"python3.X"
    # with sys.executable (KernelManager.format_kernel_cmd)
    if exe in {"python", f"python{sys.version_info[0]}", "python{}.{}".format(*sys.version_info[:2])}:
        return True
    # compare paths as written: a virtual environment's python is a symlink to the base
    # interpreter, which another environment may share
    exe = os.path.abspath(exe)
    return exe == os.path.abspath(sys.executable) or Path(exe).is_relative_to(os.path.abspath(sys.prefix))


def _resolves_here(kernel_name: str, env: dict[str, str]) -> bool:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        spec = KernelSpecManager().get_kernel_spec(kernel_name)
    except NoSuchKernel:
        return False
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return _argv_is_ours(spec.argv)


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
        lines = [ln for ln in path.read_text(encoding="utf-8", errors="replace").splitlines()
                 if ln.strip() and "running over TCP without encryption" not in ln]
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
        The notebook to run and where to write the executed copy.
    parameters : dict, optional
        Values for the notebook's ``parameters`` cell (papermill injects a cell after it).
    cwd : path, optional
        Working folder of the kernel (relative paths in the notebook start there).
    html : path, optional
        Where to write the HTML report (`cprstats.html.notebook_to_html`, no code shown).
    lang : {"en", "cy"}
        Language of the HTML report.
    kernel_name : str, optional
        Default `KERNEL_NAME` (``"python3"``, read when called).
    start_retries : int, default 1
    timeout : float, optional
        Seconds a single cell may run (default: no limit).

    Returns
    -------
    dict
        ``status`` ("ok" or "failed"), ``seconds``, ``attempts``, ``error`` (None, or a
        dict with ``kind`` = "cell" | "startup" | "kernel" | "html", ``cell`` (1-based
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
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    kernel_name = KERNEL_NAME if kernel_name is None else kernel_name
    output_notebook = Path(output_notebook)
    output_notebook.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    error = None
    attempts = 0
    while True:
        attempts += 1
        started = []
        fd, log_name = tempfile.mkstemp(prefix="cprstats-kernel-", suffix=".log")
        os.close(fd)
        _KERNEL_LOG.append(Path(log_name))
        try:
            pm.execute_notebook(
                str(notebook), str(output_notebook), parameters=dict(parameters or {}),
                kernel_name=kernel_name, progress_bar=False, log_output=False,
                request_save_on_cell_execute=False, cwd=None if cwd is None else str(cwd),
                execution_timeout=timeout,
                # passed through to nbclient.NotebookClient
                shutdown_kernel="immediate", kernel_manager_class=_manager_class(),
                on_notebook_start=lambda **kw: started.append(True), record_timing=False,
            )
            error = None
        except PapermillExecutionError as exc:
            error = _cell_error(exc, output_notebook)
        except Exception as exc:  # noqa: BLE001 - anything else is reported, not raised
            tail = _log_tail(Path(log_name))
            error = {"kind": "kernel" if started else "startup", "cell": None, "exec_count": None,
                     "ename": type(exc).__name__,
                     "evalue": _first_line(exc) + (f" (kernel said: {tail})" if tail else "")}
        finally:
            _KERNEL_LOG.pop()
            kill_kernels()  # normally none is left; never leave one behind
            try:
                os.unlink(log_name)
            except OSError:  # pragma: no cover
                pass
        if error is None or error["kind"] != "startup" or attempts > start_retries:
            break
    if error is not None and error["kind"] == "startup":
        error["attempts"] = attempts
    result = {"status": "ok" if error is None else "failed", "attempts": attempts, "error": error,
              "html": None, "html_error": None}
    if html is not None and output_notebook.is_file():
        result.update(_to_html(output_notebook, Path(html), lang))
        if error is None and result["html_error"]:
            result["status"] = "failed"
            result["error"] = {"kind": "html", "cell": None, "exec_count": None,
                               "ename": result["html_error"][0], "evalue": result["html_error"][1]}
    if result["html_error"]:
        result["html_error"] = ": ".join(result["html_error"])
    result["seconds"] = time.perf_counter() - t0
    result["message"] = describe_error(result["error"])
    return result


def _to_html(nb_path: Path, html_path: Path, lang: str) -> dict[str, Any]:
    try:
        from .html import notebook_to_html
    except ModuleNotFoundError as exc:
        if exc.name == "cprstats.html":
            return {"html": None, "html_error": None}  # the HTML layer is not there yet
        return {"html": None, "html_error": (type(exc).__name__, _first_line(exc))}
    try:
        notebook_to_html(nb_path, html_path, lang=lang)
    except Exception as exc:  # noqa: BLE001 - reported in the manifest
        return {"html": None, "html_error": (type(exc).__name__, _first_line(exc))}
    return {"html": str(html_path), "html_error": None}
