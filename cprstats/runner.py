"""Run the notebooks for regions and periods: ``cprstats run`` from Python.

`run` executes every notebook for every region x period with papermill, in parallel worker
processes, into ``<output>/<region>/<period>/`` (executed notebooks, HTML reports, figures,
tables, ``manifest.json``) and writes ``<output>/index.html`` (see `cprstats.runfiles` for
the layout). Everything a user can get wrong (region, period, notebook, language, data,
an output folder that already holds results) is checked before any kernel starts.

Parallelism
    A ``fork`` pool of ``jobs`` workers (default: 2, or 1 on a one-core machine). papermill
    is imported in the parent before forking, so workers start warm; each notebook gets a
    fresh kernel. Platforms without ``fork`` (Windows) use ``spawn``.
Stopping
    Ctrl-C (SIGINT) or SIGTERM stops the pool: each worker kills its kernels, the staging
    folder is removed, region/period folders that were not finished are left as they were,
    and `RunInterrupted` is raised (the command exits 130).
Failures
    A failing notebook does not stop the others; its executed notebook (with the error) and
    whatever HTML could be made are kept, the manifest names the cell, and the run's
    `RunResult.exit_code` is 1.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "01_children_and_families.ipynb").write_text("{}")
>>> check_options(None, ["MWW"], ["pre_covid"], notebook_dir=folder).notebooks
('01_children_and_families',)
>>> check_options(None, ["Gwent"], notebook_dir=folder)
Traceback (most recent call last):
...
cprstats.errors.ParameterError: region='Gwent' is not a region; use one of wales, NWSB, MWW, WGSB, CTM, CAV, GWENT (did you mean 'GWENT'?)
"""

from __future__ import annotations

import difflib
import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import pandas as pd

from .codebook import LANGUAGES, load_codebook
from .errors import ParameterError

__all__ = ["run", "RunResult", "RunInterrupted", "RunOptions", "check_options", "list_notebooks",
           "find_root", "default_jobs", "JOB_COLUMNS"]

#: Columns of `RunResult.jobs`, whatever the parameters.
JOB_COLUMNS = ("region", "period", "notebook", "status", "seconds", "attempts", "cell", "error",
               "notebook_path", "html_path")


def find_root() -> Path:
    """The repository folder: the one above the package if it holds ``notebooks/``, else the current folder."""
    here = Path(__file__).resolve().parents[1]
    if (here / "notebooks").is_dir() and (here / "pyproject.toml").is_file():
        return here
    return Path.cwd()


def list_notebooks(notebook_dir: str | os.PathLike | None = None) -> list[str]:
    """Names (without ``.ipynb``) of the notebooks in ``notebook_dir`` (default ``<repo>/notebooks``), sorted.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for n in ["02_b.ipynb", "01_a.ipynb", "notes.md", ".hidden.ipynb"]: _ = (d / n).write_text("{}")
    >>> list_notebooks(d)
    ['01_a', '02_b']
    """
    folder = Path(notebook_dir) if notebook_dir is not None else find_root() / "notebooks"
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.ipynb") if not p.name.startswith("."))


def default_jobs() -> int:
    """Two workers (measured: 1.9x one worker on two cores), or one on a one-core machine."""
    return max(1, min(2, os.cpu_count() or 1))


@dataclass(frozen=True)
class RunOptions:
    """Checked options of a run (see `check_options`)."""

    notebooks: tuple[str, ...]
    regions: tuple[str, ...]
    periods: tuple[str, ...]
    lang: str
    jobs: int
    threshold: int
    suppress: bool | None
    force: bool
    notebook_dir: Path
    output: Path


def _hint(value: Any, allowed: Sequence[str]) -> str:
    if isinstance(value, str):
        same_case = [a for a in allowed if a.lower() == value.lower()]
        near = same_case or difflib.get_close_matches(value, list(allowed), n=1)
        if near:
            return f" (did you mean {near[0]!r}?)"
    return ""


def _choices(name: str, values: Any, allowed: Sequence[str], what: str) -> tuple[str, ...]:
    if isinstance(values, str):
        values = [values]
    values = list(values)
    if not values:
        raise ParameterError(f"{name} is empty; give at least one of {', '.join(allowed)}")
    for v in values:
        if not isinstance(v, str) or v not in allowed:
            raise ParameterError(f"{name}={v!r} is not {what}; use one of {', '.join(allowed)}{_hint(v, allowed)}")
    return tuple(dict.fromkeys(values))


def check_options(
    notebooks: Iterable[str] | str | None = None,
    regions: Iterable[str] | str = ("wales",),
    periods: Iterable[str] | str = ("all",),
    *,
    lang: str = "en",
    jobs: int | None = None,
    output: str | os.PathLike = "outputs",
    threshold: int = 5,
    suppress: bool | None = None,
    force: bool = False,
    notebook_dir: str | os.PathLike | None = None,
    codebook=None,
) -> RunOptions:
    """Check a run's options without starting anything; raise `ParameterError` naming the bad one.

    Regions are ``"wales"`` and the codebook's ``board`` codes; periods are ``"all"`` and
    the codebook's ``period`` codes; notebooks are the ``.ipynb`` files in ``notebook_dir``
    (given with or without ``.ipynb``; ``None`` means all of them).
    """
    cb = load_codebook(codebook) if not hasattr(codebook, "field") else codebook
    region_codes = ("wales", *cb.field("board").codes)
    period_codes = ("all", *cb.field("period").codes)
    regions = _choices("region", regions, region_codes, "a region")
    periods = _choices("period", periods, period_codes, "a period")
    if lang not in LANGUAGES:
        raise ParameterError(f"lang={lang!r} is not a language; use one of {', '.join(LANGUAGES)}{_hint(lang, LANGUAGES)}")
    jobs = default_jobs() if jobs is None else jobs
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ParameterError(f"jobs={jobs!r} is not allowed; use a whole number of worker processes >= 1")
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise ParameterError(f"threshold={threshold!r} is not allowed; use an integer >= 1 (5 hides counts of 1 to 4; 1 hides nothing)")
    if suppress not in (None, True, False) or not isinstance(suppress, (bool, type(None))):
        raise ParameterError(f"suppress={suppress!r} is not allowed; use None (the default policy), True or False")
    if not isinstance(force, bool):
        raise ParameterError(f"force={force!r} is not allowed; use True or False")
    folder = Path(notebook_dir) if notebook_dir is not None else find_root() / "notebooks"
    available = list_notebooks(folder)
    if notebooks is None:
        if not available:
            raise ParameterError(f"notebook_dir={str(folder)!r} holds no notebooks (.ipynb files)")
        names = tuple(available)
    else:
        given = [notebooks] if isinstance(notebooks, str) else list(notebooks)
        given = [n[:-6] if isinstance(n, str) and n.endswith(".ipynb") else n for n in given]
        names = _choices("notebook", given, available, f"a notebook in {folder}")
    out = Path(output)
    if out.exists() and not out.is_dir():
        raise ParameterError(f"output={str(out)!r} is a file; give a folder for the run's outputs")
    return RunOptions(names, regions, periods, lang, jobs, threshold, suppress, force, folder, out)


@dataclass(frozen=True)
class RunResult:
    """What a run did: one row per notebook run in `jobs` (columns `JOB_COLUMNS`)."""

    jobs: pd.DataFrame
    output: Path
    index: Path | None

    @property
    def ok(self) -> bool:
        return bool((self.jobs["status"] == "ok").all())

    @property
    def failed(self) -> pd.DataFrame:
        return self.jobs[self.jobs["status"] != "ok"]

    @property
    def exit_code(self) -> int:
        """0 if every notebook ran, 1 if any failed (the command's exit code)."""
        return 0 if self.ok else 1

    def __repr__(self) -> str:
        n, bad = len(self.jobs), len(self.failed)
        return f"<RunResult {n} notebook run{'s' if n != 1 else ''}, {bad} failed, output {self.output}>"


class RunInterrupted(KeyboardInterrupt):
    """The run was stopped by Ctrl-C (SIGINT) or SIGTERM; unfinished outputs were removed.

    Attributes: ``signal`` (``"SIGINT"`` or ``"SIGTERM"``), ``kept`` (region/period folders
    that had finished and were kept).
    """

    def __init__(self, signal_name: str, kept: Sequence[str] = ()):
        self.signal = signal_name
        self.kept = list(kept)
        kept_text = f"; kept {len(self.kept)} finished folder(s): {', '.join(self.kept)}" if self.kept else ""
        super().__init__(
            f"interrupted by {signal_name}: stopped the running notebooks and their kernels and removed "
            f"the unfinished outputs{kept_text}"
        )

    def __str__(self) -> str:
        return self.args[0]


def run(
    notebooks: Iterable[str] | str | None = None,
    regions: Iterable[str] | str = ("wales",),
    periods: Iterable[str] | str = ("all",),
    *,
    lang: str = "en",
    jobs: int | None = None,
    data: str | os.PathLike = "wales",
    output: str | os.PathLike = "outputs",
    threshold: int = 5,
    suppress: bool | None = None,
    force: bool = False,
    notebook_dir: str | os.PathLike | None = None,
    codebook=None,
    progress: bool = True,
) -> RunResult:
    """Execute notebooks for every region x period into ``<output>/<region>/<period>/``.

    Parameters
    ----------
    notebooks : str or list of str, optional
        Notebook names (``"01_children_and_families"``); default every notebook in ``notebook_dir``.
    regions : str or list of str, default "wales"
        ``"wales"`` or board codes (NWSB, MWW, WGSB, CTM, CAV, GWENT).
    periods : str or list of str, default "all"
        ``"all"`` or the codebook's periods (``pre_covid``, ``post_covid``).
    lang : {"en", "cy"}
    jobs : int, optional
        Worker processes (default `default_jobs`).
    data : str or path, default "wales"
        An example dataset name, a coded dataset CSV, or coding forms (coded once, here).
    output : path, default "outputs"
    threshold : int, default 5
        Disclosure threshold passed to the notebooks.
    suppress : {None, True, False}
        None: the default policy (suppression on below all-Wales); False: an explicit, recorded opt-out.
    force : bool, default False
        Replace region/period folders that already hold outputs (otherwise `ParameterError`).
    notebook_dir : path, optional
        Where the notebooks are (default ``<repo>/notebooks``).
    progress : bool, default True
        Report each finished notebook on stderr (a bar on a terminal, a line each otherwise).

    Returns
    -------
    RunResult

    Raises
    ------
    ParameterError
        A bad option, or an output folder that holds results and ``force`` is False.
    CodingError
        The forms do not pass validation (no kernel was started).
    RunInterrupted
        Stopped by Ctrl-C or SIGTERM.

    Examples
    --------
    >>> res = run(["01_children_and_families"], ["MWW"], ["pre_covid", "post_covid"])  # doctest: +SKIP
    >>> res.jobs[["region", "period", "notebook", "status"]]  # doctest: +SKIP
    """
    from .runfiles import prepare_data, write_index
    from .runjobs import ensure_kernel
    from .runpool import Interrupts, execute_jobs
    from .safeio import ensure_new_folder

    opts = check_options(notebooks, regions, periods, lang=lang, jobs=jobs, output=output, threshold=threshold,
                         suppress=suppress, force=force, notebook_dir=notebook_dir, codebook=codebook)
    targets = {(r, p): opts.output / r / p for r in opts.regions for p in opts.periods}
    for target in targets.values():  # refuse before doing any work
        if target.exists():
            ensure_new_folder(target, force=opts.force)
    existed = {d for t in targets.values() for d in (t, t.parent, opts.output) if d.exists()}
    stage_root = opts.output / ".staging"
    stage = stage_root / secrets.token_hex(4)
    with Interrupts() as guard:
        stage.mkdir(parents=True)
        try:
            source = prepare_data(data, stage, codebook)
            env = {**ensure_kernel(), "MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
            for target in targets.values():
                ensure_new_folder(target, force=opts.force)
            results = execute_jobs(opts, targets, source, stage, env, guard=guard, progress=progress)
        except BaseException:
            guard.ignore()
            _clean(stage, stage_root, targets.values(), existed, opts.output)
            raise
        _clean(stage, stage_root, (), existed, opts.output)
        index = write_index(opts.output, opts.lang)
    return RunResult(_jobs_frame(results, targets), opts.output, index)


def _jobs_frame(results: list[dict[str, Any]], targets: dict) -> pd.DataFrame:
    rows = []
    for r in results:
        folder = targets[(r["region"], r["period"])]
        nb, html = folder / f"{r['notebook']}.ipynb", folder / f"{r['notebook']}.html"
        rows.append({
            "region": r["region"], "period": r["period"], "notebook": r["notebook"], "status": r["status"],
            "seconds": float(r["seconds"]), "attempts": int(r["attempts"]),
            "cell": (r.get("error") or {}).get("cell"), "error": r.get("message") or None,
            "notebook_path": str(nb) if nb.is_file() else None, "html_path": str(html) if html.is_file() else None,
        })
    df = pd.DataFrame(rows, columns=list(JOB_COLUMNS))
    df["cell"] = df["cell"].astype("Int64")
    df["error"] = df["error"].astype("string")
    return df.sort_values(["region", "period", "notebook"], ignore_index=True)


def _clean(stage: Path, stage_root: Path, targets, existed: set, output: Path) -> None:
    """Remove the staging folder and any folder this run created that is still empty."""
    shutil.rmtree(stage, ignore_errors=True)
    for d in [stage_root, *[x for t in targets for x in (t, t.parent)], output]:
        if d in existed and d != stage_root:
            continue
        try:
            d.rmdir()  # only if empty
        except OSError:
            pass
