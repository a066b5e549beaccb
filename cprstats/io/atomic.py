"""Atomic, deterministic file writing: no output is ever half-written.

Every file cprstats writes is written to a temporary file in the same folder, flushed to disk
and renamed onto the target only when complete (`atomic_path`). A run stopped half-way
(Ctrl-C, a crash, a full disk) leaves the old file or no file, never half a file. Text is
written with ``"\\n"`` line ends on every platform and JSON with sorted keys, so the same
content always gives the same bytes. Use it through `cprstats.io`.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cprstats.errors import CprstatsError, ParameterError

__all__ = ["atomic_path", "write_text", "write_bytes", "write_json", "dumps_json", "ensure_new_folder"]


# --------------------------------------------------------------------------- atomic files
@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it onto ``path`` only if the block succeeds.

    The parent folder is created if needed. The temporary file has the same suffix as
    ``path`` (so writers that look at the extension work) and starts with a dot. When the
    block finishes, the file is flushed to disk (``fsync``) and renamed onto ``path`` in
    one step (``os.replace``). If the block raises anything, including
    ``KeyboardInterrupt``, the temporary file is removed and ``path`` is left as it was.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write.

    Yields
    ------
    pathlib.Path
        Where to write. It exists (empty) when the block starts.

    Raises
    ------
    ParameterError
        If ``path`` is a folder.
    CprstatsError
        If the folder cannot be made or written to (read-only, a file in the way, a name
        too long), if writing fails for want of space, or if the finished file cannot
        replace ``path`` (for example because it is open in Excel on Windows). The message
        names the file and the reason.

    Examples
    --------
    >>> with atomic_path("outputs/table.txt") as tmp:  # doctest: +SKIP
    ...     tmp.write_text("done")
    """
    target = Path(path)
    try:
        is_dir = target.is_dir()
    except (OSError, ValueError) as exc:
        raise CprstatsError(_cannot_write(target, exc)) from None
    if is_dir:
        raise ParameterError(f"path={str(target)!r} is a folder; give a file name to write")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = _new_temp(target)
    except (OSError, ValueError) as exc:  # read-only folder, a file where a folder should be, a name too long
        raise CprstatsError(_cannot_write(target, exc)) from None
    try:
        yield tmp
        _fsync_file(tmp)
        try:
            os.replace(tmp, target)
        except PermissionError as exc:
            raise CprstatsError(
                f"cannot write {target}: {exc.strerror or exc}. If the file is open in Excel or "
                "another program, close it and run again."
            ) from None
        _fsync_dir(target.parent)
    except BaseException as exc:
        try:
            tmp.unlink()
        except OSError:
            pass
        if isinstance(exc, OSError):  # a full disk, a folder removed while writing
            raise CprstatsError(_cannot_write(target, exc)) from None
        raise


def _cannot_write(target: Path, exc: BaseException) -> str:
    why = getattr(exc, "strerror", None) or (
        "the path holds a character a file name cannot" if isinstance(exc, ValueError) else type(exc).__name__
    )
    return f"cannot write {target}: {why}; choose a file in a folder you can write to (and check the disk is not full)"


def _new_temp(target: Path) -> Path:
    # os.open with O_EXCL and mode 0o666 respects the user's umask, like an ordinary write
    # (tempfile.mkstemp would make every output 0600).
    for _ in range(100):
        tmp = target.with_name(f".{target.stem}.{secrets.token_hex(4)}.tmp{target.suffix}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        except FileExistsError:  # pragma: no cover - 2**32 names
            continue
        os.close(fd)
        if target.exists():
            try:
                os.chmod(tmp, target.stat().st_mode & 0o7777)
            except OSError:  # pragma: no cover - e.g. a file system without modes
                pass
        return tmp
    raise CprstatsError(f"cannot create a temporary file beside {target}")  # pragma: no cover


def _fsync_file(p: Path) -> None:
    with open(p, "rb+") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(d: Path) -> None:
    if os.name != "posix":  # Windows cannot open a folder; NTFS journals the rename
        return
    try:
        fd = os.open(d, os.O_RDONLY)
    except OSError:  # pragma: no cover
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on a folder
        pass
    finally:
        os.close(fd)


def write_text(text: str, path: str | os.PathLike, *, encoding: str = "utf-8") -> Path:
    """Write ``text`` atomically, with ``"\\n"`` line ends on every platform.

    Examples
    --------
    >>> write_text("<p>Hello</p>\\n", "outputs/report.html")  # doctest: +SKIP
    """
    if not isinstance(text, str):
        raise ParameterError(f"text must be a str, got {type(text).__name__}")
    target = Path(path)
    with atomic_path(target) as tmp:
        with open(tmp, "w", encoding=encoding, newline="\n") as fh:
            fh.write(text)
    return target


def write_bytes(data: bytes, path: str | os.PathLike) -> Path:
    """Write ``data`` atomically.

    Examples
    --------
    >>> write_bytes(b"PNG...", "figures/f.png")  # doctest: +SKIP
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ParameterError(f"data must be bytes, got {type(data).__name__}")
    target = Path(path)
    with atomic_path(target) as tmp:
        tmp.write_bytes(bytes(data))
    return target


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, (Path, pd.Period)):
        return str(obj)
    if isinstance(obj, (_dt.date, _dt.datetime, pd.Timestamp)):
        return obj.isoformat()
    if isinstance(obj, (set, frozenset, tuple)):
        return sorted(obj) if isinstance(obj, (set, frozenset)) else list(obj)
    if obj is pd.NA:
        return None
    raise TypeError(type(obj).__name__)


def dumps_json(obj: Any) -> str:
    """``obj`` as deterministic JSON text: sorted keys, 2-space indent, UTF-8 characters kept.

    Examples
    --------
    >>> print(dumps_json({"b": 1, "a": "Môn"}), end="")
    {
      "a": "Môn",
      "b": 1
    }
    """
    try:
        return (
            json.dumps(obj, sort_keys=True, ensure_ascii=False, indent=2, allow_nan=False, default=_json_default) + "\n"
        )
    except TypeError as exc:
        raise ParameterError(f"obj cannot be written as JSON: a value of type {exc} is not supported") from None
    except ValueError as exc:  # NaN or infinity; JSON has neither
        raise ParameterError(f"obj cannot be written as JSON: {exc}; use None for a missing number") from None


def write_json(obj: Any, path: str | os.PathLike) -> Path:
    """Write ``obj`` as deterministic JSON (see `dumps_json`) with a trailing newline.

    NumPy scalars and arrays, paths, periods and dates are converted; NaN is refused
    (JSON has no NaN; use ``None``).

    Examples
    --------
    >>> write_json({"region": "wales"}, "outputs/params.json")  # doctest: +SKIP
    """
    return write_text(dumps_json(obj), path)


# --------------------------------------------------------------------------- folders
def ensure_new_folder(path: str | os.PathLike, *, force: bool = False) -> Path:
    """Make an output folder, refusing to write into one that already holds files.

    Parameters
    ----------
    path : str or os.PathLike
        The folder for a run's outputs. Created (with its parents) if missing.
    force : bool, default False
        Write into an existing, non-empty folder. Files the run writes replace those of
        the same name; other files already there are left alone (nothing is deleted).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ParameterError
        If ``path`` is a file, or a non-empty folder and ``force`` is False.

    Examples
    --------
    >>> ensure_new_folder("outputs/MWW/pre_covid")  # doctest: +SKIP
    PosixPath('outputs/MWW/pre_covid')
    """
    folder = Path(path)
    if not isinstance(force, bool):
        raise ParameterError(f"force must be True or False, got {force!r}")
    if folder.exists() and not folder.is_dir():
        raise ParameterError(f"output folder {str(folder)!r} is a file; choose a folder name")
    if folder.is_dir():
        n = sum(1 for _ in folder.iterdir())
        if n and not force:
            raise ParameterError(
                f"output folder {str(folder)!r} already holds {n} file{'s' if n != 1 else ''}; "
                "choose a new folder, or pass --force (force=True) to write over them"
            )
    folder.mkdir(parents=True, exist_ok=True)
    return folder
