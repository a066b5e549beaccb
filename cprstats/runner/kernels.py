"""Jupyter kernels for the runner: the right one, tracked, and never left running.

Which kernel
    Notebooks run on this environment's own ``python3`` kernelspec (`ensure_kernel`): one
    left in the user's home by another installation would run them on another Python with
    other packages. If needed, a kernelspec is installed into ``sys.prefix``, never into the
    user's home.
Tracking
    Every kernel a process starts is recorded (`manager_class`, a jupyter_client
    ``AsyncKernelManager`` passed to nbclient), so that a worker stopped by SIGTERM (what
    the pool sends when the user presses Ctrl-C) kills its kernels before it exits
    (`kill_kernels`): a kernel runs in its own session, so nothing else would stop it. A
    worker also tells the parent which kernels it runs (`set_kernel_listener`), so that the
    parent can kill them if the worker itself is killed (out of memory). The kernel's own
    output (start-up warnings, a crash message) goes to a log file (`kernel_log`), not the
    user's terminal.
Dying with the parent
    A worker must not outlive the run that started it (``kill -9`` of the run, a crash):
    `worker_init` asks Linux to send it SIGTERM when its parent dies
    (``prctl(PR_SET_PDEATHSIG)``), and on every platform a watchdog thread checks every
    half second that the parent is still there; either way the worker kills its kernels and
    exits. A kernel, in turn, exits within a second of its worker (ipykernel polls its parent,
    ``JPY_PARENT_PID``, which jupyter_client sets). Kernels are not put into the worker's
    process group: jupyter_client starts each in a new session and stops it by killing that
    session's group (``os.killpg``), which would then kill the worker too.

Examples
--------
>>> ensure_kernel()  # in a working environment nothing needs changing
{}
>>> kill_kernels()  # none started here
0
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from cprstats.errors import CprstatsError

if TYPE_CHECKING:
    from jupyter_client import AsyncKernelManager

__all__ = [
    "KERNEL_NAME",
    "WORKER_PID_VARIABLE",
    "ensure_kernel",
    "kill_kernels",
    "kill_process_group",
    "kernel_log",
    "manager_class",
    "pid_alive",
    "set_kernel_listener",
    "worker_init",
]

#: The kernelspec every notebook runs on (this environment's own Python; see `ensure_kernel`).
KERNEL_NAME = "python3"
#: Set in each worker (and so in its kernels) to the worker's process id.
WORKER_PID_VARIABLE = "CPRSTATS_WORKER_PID"
_MANAGERS: list = []  # kernel managers started in this process whose kernel may still run
_KERNEL_LOG: list[Path] = []  # where the next kernel's stderr goes (one at a time per process)
_LISTENER: list[Callable[[str, int], None]] = []  # told ("started" | "stopped", kernel pid)
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_WATCH_SECONDS = 0.5  # how often a worker checks that its parent is still there


def set_kernel_listener(listener: Callable[[str, int], None] | None) -> None:
    """Call ``listener("started", pid)`` / ``listener("stopped", pid)`` for each kernel this process runs.

    A worker of the runner's pool passes each event on to the parent, which can then kill a
    killed worker's kernels. ``None`` removes the listener.
    """
    _LISTENER.clear()
    if listener is not None:
        _LISTENER.append(listener)


def _notify(event: str, pid: int | None) -> None:
    if pid is None:
        return
    for listener in list(_LISTENER):
        try:
            listener(event, pid)
        except Exception:  # noqa: BLE001 - a lost notice must not fail the notebook
            pass


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` is running (a zombie, dead but not yet reaped, is not).

    Examples
    --------
    >>> pid_alive(os.getpid())
    True
    """
    if pid <= 0:
        return False
    if os.name == "nt":  # pragma: no cover - Windows; os.kill would terminate the process
        return _pid_alive_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it exists, and belongs to someone else
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in {"Z", "X"}


def _pid_alive_windows(pid: int) -> bool:  # pragma: no cover - Windows
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def kill_process_group(pid: int) -> bool:
    """Kill the process group led by ``pid`` (a kernel and whatever it started); True if one was killed.

    Only a process that leads its own group (as every kernel does: it starts a new session)
    is killed, so a stale pid taken over by an unrelated process is left alone.
    """
    if not hasattr(os, "killpg"):  # pragma: no cover - Windows: the kernel polls its parent
        return False
    try:
        if os.getpgid(pid) != pid:
            return False
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        return False
    return True


@contextmanager
def kernel_log(path: Path) -> Iterator[Path]:
    """Send the stdout and stderr of kernels started inside the block to ``path``."""
    _KERNEL_LOG.append(Path(path))
    try:
        yield Path(path)
    finally:
        _KERNEL_LOG.pop()


def _block_term():
    if hasattr(signal, "pthread_sigmask"):
        return signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    return None  # pragma: no cover - Windows


def _unblock(old) -> None:
    if old is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


_TRACKED = None


def manager_class() -> type[AsyncKernelManager]:
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
                _notify("started", _kernel_pid(self))
            finally:
                _unblock(old)
                for key in ("stderr", "stdout"):
                    fh = kw.get(key)
                    if hasattr(fh, "close"):
                        fh.close()  # the kernel has its own copy

    _TRACKED = TrackedKernelManager
    return _TRACKED


def _kernel_pid(km) -> int | None:
    proc = getattr(getattr(km, "provisioner", None), "process", None)
    return getattr(proc, "pid", None)


def kill_kernels() -> int:
    """Kill every kernel this process started that is still running; return how many.

    A kernel is started in its own session (process group), so its whole group is killed,
    including any process the notebook started. Its connection file is removed.

    """
    killed = 0
    while _MANAGERS:
        try:
            km = _MANAGERS.pop()
        except IndexError:  # emptied by the watchdog thread at the same moment
            break
        proc = getattr(getattr(km, "provisioner", None), "process", None)
        _notify("stopped", getattr(proc, "pid", None))
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
    _LISTENER.clear()  # the parent is stopping us (or gone): tell it nothing more
    kill_kernels()
    os._exit(128 + signum)


def worker_init(env: dict[str, str] | None = None, parent_pid: int | None = None) -> None:
    """Set up a worker process of the runner's pool.

    Ctrl-C at the terminal reaches every process in the foreground group: workers ignore
    it and leave the stopping to the parent, which terminates them (SIGTERM); a worker
    then kills its kernels and exits at once.

    Parameters
    ----------
    env : dict, optional
        Environment variables for the worker and its kernels (``TMPDIR`` included: the
        worker's own temporary files go there too).
    parent_pid : int, optional
        The run's process. If given, the worker dies with it: on Linux the kernel sends the
        worker SIGTERM when its parent dies (``PR_SET_PDEATHSIG``), and everywhere a
        watchdog thread checks every half second that the parent is still running; either
        way the worker kills its kernels and exits.
    """
    import logging

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_term)
    if hasattr(signal, "pthread_sigmask"):  # the pool starts a worker with both blocked
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    if env:
        os.environ.update(env)
    os.environ[WORKER_PID_VARIABLE] = str(os.getpid())
    tempfile.tempdir = None  # read TMPDIR again (a forked worker has the parent's cached value)
    # papermill/nbclient log a kernel that fails to start; the runner reports it itself
    logging.getLogger("papermill").addHandler(logging.NullHandler())
    if parent_pid is not None:
        _die_with_parent(parent_pid)


def _die_with_parent(parent_pid: int) -> None:
    first_ppid = os.getppid()
    if sys.platform.startswith("linux") and first_ppid == parent_pid:
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no prctl: the watchdog remains
            pass
    if _parent_gone(parent_pid, first_ppid):  # died before prctl took effect
        _on_term(int(signal.SIGTERM), None)
    threading.Thread(target=_watch_parent, args=(parent_pid, first_ppid), name="cprstats-watchdog", daemon=True).start()


def _parent_gone(parent_pid: int, first_ppid: int) -> bool:
    if os.name == "nt":  # pragma: no cover - Windows: the parent's process handle
        parent = multiprocessing.parent_process()
        return parent is not None and not parent.is_alive()
    # a parent that dies hands its children to init (or a subreaper): the parent id changes
    return os.getppid() != first_ppid or not pid_alive(parent_pid)


def _watch_parent(parent_pid: int, first_ppid: int) -> None:  # pragma: no cover - a thread of a worker
    while True:
        time.sleep(_WATCH_SECONDS)
        if _parent_gone(parent_pid, first_ppid):
            _LISTENER.clear()
            kill_kernels()
            os._exit(70)


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
