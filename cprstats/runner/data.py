"""The data of a notebook run: loaded once in the parent, handed to every notebook.

`prepare_data` accepts what ``cprstats run --data`` accepts, as `cprstats.datasets.load_data`
decides it: the name of a shipped example (passed to the notebooks as is), a coded dataset
CSV (passed by its path), or coding forms (CSV, XLSX or a folder of YAML), which are coded
here, once, so a `CodingError` comes before any kernel starts and no notebook re-codes. The
coded forms are written (``cprstats.write_dataset``) into the folder the run gives (its
private temporary folder) and removed with it: the coded dataset holds one row per child,
including restricted variables, so it is not kept beside the reports, which are meant to be
circulated. The manifest records where the data came from and its SHA-256 checksum.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from cprstats.codebook.model import Codebook, resolve
from cprstats.datasets.linked import code_linked_beside
from cprstats.datasets.loader import load_data, scope_data
from cprstats.errors import ParameterError
from cprstats.io.datapackage import dataset_to_text, write_dataset
from cprstats.io.linked_package import add_linked_tables

__all__ = ["DataSource", "prepare_data", "sha256_file", "checksums", "scope_size"]


@dataclass
class DataSource:
    """The data a run uses: what the notebooks get as ``DATA`` and what it came from."""

    argument: str
    kind: str  # "example" | "dataset" | "forms"
    parameter: str
    sha256: str
    files: list[dict[str, str]] = field(default_factory=list)
    frame: pd.DataFrame | None = None
    synthetic: bool = False

    def record(self) -> dict[str, Any]:
        return {
            "argument": self.argument,
            "kind": self.kind,
            "sha256": self.sha256,
            "files": self.files,
            "synthetic": self.synthetic,
        }


def sha256_file(path: str | os.PathLike) -> str:
    """SHA-256 of a file, read in chunks.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "abc.txt"
    >>> _ = p.write_bytes(b"abc")
    >>> sha256_file(p)[:16]  # FIPS 180-2 appendix B.1 test vector for "abc"
    'ba7816bf8f01cfea'
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def checksums(path: Path) -> tuple[list[dict[str, str]], str]:
    """Checksums of a file, or of every visible file in a folder (sorted), and one over all."""
    if path.is_file():
        files = [{"path": str(path), "sha256": sha256_file(path)}]
        return files, files[0]["sha256"]
    files = []
    for p in sorted(path.rglob("*")):
        rel = p.relative_to(path)
        if p.is_file() and not any(part.startswith(".") for part in rel.parts):
            files.append({"path": str(rel), "sha256": sha256_file(p)})
    total = hashlib.sha256("".join(f"{f['sha256']}  {f['path']}\n" for f in files).encode()).hexdigest()
    return files, total


def prepare_data(
    data: str | os.PathLike, workdir: Path, codebook: Codebook | str | os.PathLike[str] | None = None
) -> DataSource:
    """Load the run's data once: an example name, a coded dataset CSV, or coding forms.

    What ``data`` is, is decided (and checked) by `cprstats.datasets.load_data`, as for a
    notebook's `cprstats.Report`. Forms (CSV, XLSX, a folder of YAML) are coded there, so a
    `CodingError` is raised before any kernel starts, and written here as a coded dataset
    into ``workdir``; a coded dataset is passed to the notebooks by its path, an example by
    its name.

    Parameters
    ----------
    data : str or path
        What ``cprstats run --data`` was given.
    workdir : Path
        The run's private folder (coded forms go in ``workdir/data/coded.csv``; nothing is
        written there for an example or a coded dataset).
    codebook : Codebook or path, optional
        `cprstats.codebook.resolve`: by default the packaged codebook.

    Returns
    -------
    DataSource

    Raises
    ------
    ParameterError
        If ``data`` is neither an example name nor forms or a coded dataset (naming it), or
        is not text or a path.
    CodingError, FormsError
        If the forms cannot be read or do not pass validation.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> src = prepare_data("mww_2017_2021", pathlib.Path(tempfile.mkdtemp()))
    >>> src.kind, src.parameter, len(src.frame), src.synthetic
    ('example', 'mww_2017_2021', 11, True)
    """

    if not isinstance(data, (str, os.PathLike)):  # the notebooks get DATA as text: a name or a path
        raise ParameterError(
            f"data must be an example name or the path of coding forms or a coded dataset, got "
            f"{type(data).__name__}; write a DataFrame to a file first (cprstats.write_dataset)"
        )
    cb = resolve(codebook)
    text = os.fspath(data)
    frame = load_data(data, cb)
    kind = frame.attrs["data_kind"]
    synthetic = bool(frame.attrs.get("synthetic"))
    if kind == "example":
        return DataSource(text, "example", text, _example_checksum(frame), [], frame, synthetic)
    p = Path(text).expanduser().resolve()
    files, total = checksums(p)
    if kind == "dataset":
        return DataSource(text, "dataset", str(p), total, files, frame, synthetic)
    target = workdir / "data" / "coded.csv"
    write_dataset(frame, target, codebook=cb)
    linked = code_linked_beside(data, frame, codebook=cb)  # recommendations / process forms beside the reviews
    if linked:
        add_linked_tables(target, **linked, codebook=cb)
    return DataSource(text, "forms", str(target.resolve()), total, files, frame, synthetic)


def _example_checksum(frame: pd.DataFrame) -> str:
    """SHA-256 of the example as the notebooks read it (its coded dataset written as CSV text)."""

    text = dataset_to_text(frame).to_csv(index=False, lineterminator="\n")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def scope_size(
    frame: pd.DataFrame | None, region: str, period: str, *, window: Any = None, anchor: str | None = None
) -> int | None:
    """How many children (rows) the data has for a region and period, or None if unknown.

    Examples
    --------
    >>> df = pd.DataFrame({"board": ["MWW", "CAV", "MWW"], "period": ["pre_covid", "post_covid", "post_covid"]})
    >>> scope_size(df, "MWW", "all"), scope_size(df, "wales", "post_covid"), scope_size(df, "CAV", "pre_covid")
    (2, 2, 0)
    """
    if frame is None or "board" not in frame or "period" not in frame:
        return None
    if window is not None:
        return len(scope_data(frame, region=region, period=period, window=window, anchor=anchor))
    keep = pd.Series(True, index=frame.index)
    if region != "wales":
        keep &= frame["board"].astype("string").eq(region).fillna(False).astype(bool)
    if period != "all":
        keep &= frame["period"].astype("string").eq(period).fillna(False).astype(bool)
    return int(keep.sum())
