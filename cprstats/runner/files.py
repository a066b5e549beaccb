"""Files of a notebook run: staging, gathering, manifests, the index.

Used by `cprstats.runner.execution`. The layout of a run's output folder::

    <output>/index.html                       links every report, with its status
    <output>/<region>/<period>/manifest.json  parameters, versions, data checksum, timings, status
    <output>/<region>/<period>/<notebook>.ipynb, <notebook>.html
    <output>/<region>/<period>/figures/, tables/
    <output>/.staging/<run id>/...            work in progress; removed when the run ends

Each notebook runs in its own staging folder (``OUTPUT_DIR = "."``, the kernel's working
folder); when every notebook of a region and period has finished, their files are gathered
into one folder with its ``manifest.json`` and moved into place in one step. So a region
and period's folder holds the outputs of exactly one run, whole, or is left as it was.

The data handed to the notebooks is prepared by `cprstats.runner.data`.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from cprstats._version import __version__
from cprstats.io import write_json
from cprstats.report.page import index_html

__all__ = [
    "git_info",
    "gather_group",
    "move_into_place",
    "read_manifests",
    "write_index",
    "now_iso",
    "versions",
]


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
                }
            )
    cols = ["region", "period", "notebook", "status", "seconds", "html", "ipynb", "message"]
    return pd.DataFrame(rows, columns=cols)


def write_index(output: str | os.PathLike, lang: str) -> Path | None:
    """Write ``<output>/index.html`` linking every report under ``output``."""

    runs = read_manifests(output)
    path = index_html(Path(output), runs, lang=lang)
    return Path(path) if path is not None else Path(output) / "index.html"
