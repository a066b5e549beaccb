"""Files of a notebook run: the data handed to the notebooks, staging, manifests, the index.

Used by `cprstats.runner`. The layout of a run's output folder::

    <output>/index.html                       links every report, with its status
    <output>/<region>/<period>/manifest.json  parameters, versions, data checksum, timings, status
    <output>/<region>/<period>/<notebook>.ipynb, <notebook>.html
    <output>/<region>/<period>/figures/, tables/
    <output>/.staging/<run id>/...            work in progress; removed when the run ends

Each notebook runs in its own staging folder (``OUTPUT_DIR = "."``, the kernel's working
folder); when every notebook of a region and period has finished, their files are gathered
into one folder with its ``manifest.json`` and moved into place in one step. So a region
and period's folder holds the outputs of exactly one run, whole, or is left as it was.

Data
    Forms are coded once, in the parent process, into a coded dataset CSV in the staging
    folder (``cprstats.write_dataset``); the notebooks read that and do not re-code. The
    coded dataset holds one row per child, including restricted variables, so it is not
    kept beside the reports, which are meant to be circulated: it is removed with the
    staging folder. The manifest records the source path and its SHA-256 checksum.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ._version import __version__
from .errors import ParameterError

__all__ = [
    "DataSource",
    "prepare_data",
    "sha256_file",
    "git_info",
    "scope_size",
    "gather_group",
    "move_into_place",
    "read_manifests",
    "write_index",
    "now_iso",
    "versions",
]


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
        return {"argument": self.argument, "kind": self.kind, "sha256": self.sha256, "files": self.files,
                "synthetic": self.synthetic}


def now_iso() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


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


def _checksums(path: Path) -> tuple[list[dict[str, str]], str]:
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


def _example_names() -> list[str]:
    try:
        from . import examples
    except ModuleNotFoundError as exc:
        if exc.name == "cprstats.examples":
            return []
        raise
    if isinstance(getattr(examples, "EXAMPLES", None), dict):  # names without loading the data
        return [str(n) for n in examples.EXAMPLES]
    listed = examples.list_examples()
    if isinstance(listed, pd.DataFrame):
        return [str(n) for n in listed["name"]]
    return [str(x["name"]) if isinstance(x, dict) else str(x) for x in listed]


def _is_coded_dataset(p: Path, cb) -> bool:
    if p.suffix.lower() != ".csv":
        return False
    pkg = p.parent / "datapackage.json"
    if pkg.is_file():
        try:
            meta = json.loads(pkg.read_text(encoding="utf-8"))
            if any(r.get("path") == p.name for r in meta.get("resources", [])):
                return True
        except (OSError, ValueError, AttributeError):
            pass
    with open(p, encoding="utf-8-sig", errors="replace") as fh:
        header = fh.readline().strip().split(",")
    return header[: len(cb.coded_columns)] == list(cb.coded_columns)


def prepare_data(data: str | os.PathLike, workdir: Path, codebook=None) -> DataSource:
    """Load the run's data once: an example name, a coded dataset CSV, or coding forms.

    Forms (CSV, XLSX, a folder of YAML) are coded here, so a `CodingError` is raised
    before any kernel starts, and written as a coded dataset into ``workdir``.

    Raises
    ------
    ParameterError
        If ``data`` is neither an example name nor an existing file or folder.
    CodingError, FormsError
        If the forms cannot be read or do not pass validation.
    """
    from .codebook import Codebook, load_codebook

    cb = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    examples = _example_names()
    text = os.fspath(data)
    if isinstance(data, str) and text in examples:
        from .examples import load_example

        frame = load_example(text)
        return DataSource(text, "example", text, _example_checksum(frame), [], frame,
                          bool(frame.attrs.get("synthetic", True)))
    p = Path(text).expanduser()
    if not p.exists():
        import difflib

        near = difflib.get_close_matches(text, examples, n=1)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        raise ParameterError(
            f"data={text!r} is neither an existing file or folder nor an example dataset{hint}; "
            f"give coding forms (CSV, XLSX or a folder of YAML), a coded dataset CSV, or one of the "
            f"examples: {', '.join(examples) or '(none installed)'}"
        )
    p = p.resolve()
    files, total = _checksums(p)
    if p.is_file() and _is_coded_dataset(p, cb):
        from .datapackage import read_dataset

        frame = read_dataset(p, codebook=cb)
        return DataSource(text, "dataset", str(p), total, files, frame, bool(frame.attrs.get("synthetic")))
    from .coding import code_reviews
    from .datapackage import write_dataset

    frame = code_reviews(p, cb)
    target = workdir / "data" / "coded.csv"
    write_dataset(frame, target, codebook=cb)
    return DataSource(text, "forms", str(target.resolve()), total, files, frame, bool(frame.attrs.get("synthetic")))


def _example_checksum(frame: pd.DataFrame) -> str:
    """SHA-256 of the example as the notebooks read it (its coded dataset written as CSV text)."""
    from .datapackage import dataset_to_text

    text = dataset_to_text(frame).to_csv(index=False, lineterminator="\n")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def scope_size(frame: pd.DataFrame | None, region: str, period: str) -> int | None:
    """How many children (rows) the data has for a region and period, or None if unknown.

    Examples
    --------
    >>> df = pd.DataFrame({"board": ["MWW", "CAV", "MWW"], "period": ["pre_covid", "post_covid", "post_covid"]})
    >>> scope_size(df, "MWW", "all"), scope_size(df, "wales", "post_covid"), scope_size(df, "CAV", "pre_covid")
    (2, 2, 0)
    """
    if frame is None or "board" not in frame or "period" not in frame:
        return None
    keep = pd.Series(True, index=frame.index)
    if region != "wales":
        keep &= frame["board"].astype("string").eq(region).fillna(False).astype(bool)
    if period != "all":
        keep &= frame["period"].astype("string").eq(period).fillna(False).astype(bool)
    return int(keep.sum())


def git_info(root: str | os.PathLike | None = None) -> dict[str, Any]:
    """The git commit of the code (``git rev-parse HEAD``) and whether it has local changes.

    Returns ``{"commit": None, "dirty": None}`` when there is no git or no repository.
    """
    root = Path(root) if root is not None else Path(__file__).resolve().parents[1]
    out: dict[str, Any] = {"commit": None, "dirty": None}
    try:
        rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10)
        if rev.returncode != 0:
            return out
        out["commit"] = rev.stdout.strip()
        st = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                            capture_output=True, text=True, timeout=20)
        out["dirty"] = bool(st.stdout.strip()) if st.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        pass
    return out


def versions() -> dict[str, str]:
    import papermill

    return {"cprstats": __version__, "python": sys.version.split()[0], "pandas": pd.__version__,
            "papermill": papermill.__version__}


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
    from .safeio import write_json

    out = stage / ".assembled"
    out.mkdir(parents=True, exist_ok=False)
    seen: dict[str, str] = {}
    clashes: list[str] = []
    notebooks = {}
    for res in sorted(results, key=lambda r: r["notebook"]):
        nb_dir = stage / res["notebook"]
        report = None
        if (nb_dir / "report.json").is_file():
            try:
                report = json.loads((nb_dir / "report.json").read_text(encoding="utf-8"))
            except ValueError:
                report = {"error": "report.json is not valid JSON"}
        files = _move_tree(nb_dir, out, seen, res["notebook"], clashes) if nb_dir.is_dir() else []
        notebooks[res["notebook"]] = {
            "status": res["status"], "seconds": round(float(res["seconds"]), 3), "attempts": res["attempts"],
            "error": res["error"], "message": res["message"] or None, "html_error": res.get("html_error"),
            "notebook": f"{res['notebook']}.ipynb" if f"{res['notebook']}.ipynb" in files else None,
            "html": f"{res['notebook']}.html" if f"{res['notebook']}.html" in files else None,
            "files": files, "report": report,
        }
    statuses = {n["status"] for n in notebooks.values()}
    manifest = {**manifest, "notebooks": notebooks, "warnings": clashes,
                "status": "ok" if statuses <= {"ok"} else "failed", "finished": now_iso()}
    write_json(manifest, out / "manifest.json")
    return out


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
        params = meta.get("parameters", {})
        for name, nb in sorted(meta.get("notebooks", {}).items()):
            rows.append({
                "region": params.get("REGION", mf.parent.parent.name),
                "period": params.get("PERIOD", mf.parent.name),
                "notebook": name, "status": nb.get("status"), "seconds": nb.get("seconds"),
                "html": f"{rel}/{nb['html']}" if nb.get("html") else None,
                "ipynb": f"{rel}/{nb['notebook']}" if nb.get("notebook") else None,
                "message": nb.get("message"),
            })
    cols = ["region", "period", "notebook", "status", "seconds", "html", "ipynb", "message"]
    return pd.DataFrame(rows, columns=cols)


def write_index(output: str | os.PathLike, lang: str) -> Path | None:
    """Write ``<output>/index.html`` linking every report under ``output`` (None if the HTML layer is missing)."""
    try:
        from .html import index_html
    except ModuleNotFoundError as exc:
        if exc.name == "cprstats.html":
            return None
        raise
    runs = read_manifests(output)
    path = index_html(Path(output), runs, lang=lang)
    return Path(path) if path is not None else Path(output) / "index.html"
