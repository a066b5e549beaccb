"""Run the notebooks for regions and periods: ``cprstats run`` from Python.

`run` executes every notebook for every region x period with papermill, in parallel worker
processes, into ``<output>/<region>/<period>/`` (executed notebooks, HTML reports, figures,
tables, ``manifest.json``) and writes ``<output>/index.html`` (see `cprstats.runner.files` for
the layout). Everything a user can get wrong (region, period, notebook, language, data,
an output folder that already holds results) is checked before any kernel starts.

Parallelism
    A ``fork`` pool of ``jobs`` workers (default: 2, or 1 on a one-core machine). papermill
    is imported in the parent before forking, so workers start warm; each notebook gets a
    fresh kernel. Platforms without ``fork`` (Windows) use ``spawn``
    (``CPRSTATS_START_METHOD`` chooses; see `cprstats.runner.pool`).
One run per output folder
    The output folder is locked while the run writes to it; a second run into it stops
    with `ParameterError` (the command exits 2) instead of replacing the first run's folders.
The coded data
    Coding forms are coded once, into a private temporary folder (mode 0700) that is removed
    when the run ends, however it ends; never into the output folder. A run killed outright
    (``kill -9``) leaves nothing for long either: its workers and kernels die with it, and its
    janitor removes its folders (see `cprstats.runner.files.RunFolders`).
Stopping
    Ctrl-C (SIGINT) or SIGTERM stops the pool: each worker kills its kernels, the staging
    folder is removed, region/period folders that were not finished are left as they were,
    and `RunInterrupted` is raised (the command exits 130).
Failures
    A failing notebook does not stop the others; its executed notebook (with the error) and
    whatever HTML could be made are kept, the manifest names the cell, and the run's
    `RunResult.exit_code` is 1. So does a notebook whose worker process dies under it (out
    of memory): the others go on.

Examples
--------
>>> RunResult(pd.DataFrame({"status": ["ok", "failed"]}), Path("outputs"), None).exit_code
1
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

import cprstats.runner.pool as pool
from cprstats.errors import RunInterrupted
from cprstats.io import ensure_new_folder
from cprstats.runner.data import prepare_data
from cprstats.runner.files import RunFolders, write_index
from cprstats.runner.kernels import ensure_kernel
from cprstats.runner.options import RunOptions, check_options, default_jobs, find_root, list_notebooks
from cprstats.runner.pool import Interrupts

__all__ = [
    "run",
    "RunResult",
    "RunInterrupted",
    "RunOptions",
    "check_options",
    "list_notebooks",
    "find_root",
    "default_jobs",
    "JOB_COLUMNS",
]

#: Columns of `RunResult.jobs`, whatever the parameters.
JOB_COLUMNS = (
    "region",
    "period",
    "notebook",
    "status",
    "seconds",
    "attempts",
    "cell",
    "error",
    "notebook_path",
    "html_path",
)


@dataclass(frozen=True)
class RunResult:
    """What a run did: one row per notebook run in `jobs` (columns `JOB_COLUMNS`)."""

    jobs: pd.DataFrame
    output: Path
    index: Path | None
    #: a restricted run: its folders (``RESTRICTED-<region>``) are unsuppressed and marked OFFICIAL-SENSITIVE
    restricted: bool = False
    #: (region, period, notebook, why) of every notebook left out (a coder notebook without ``coders``)
    skipped: tuple[tuple[str, str, str, str], ...] = ()

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
    codebook: str | os.PathLike[str] | None = None,
    progress: bool = True,
    window: str | tuple | None = None,
    anchor: str | None = None,
    restricted: bool = False,
    coders: Iterable[str] | None = None,
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
    codebook : path, optional
        A researcher's own codebook YAML: it checks the options and codes the forms here, and
        every notebook gets it as its ``CODEBOOK`` parameter, so its labels reach every report.
    progress : bool, default True
        Report each finished notebook on stderr (a bar on a terminal, a line each otherwise).
    window : str or tuple, optional
        A window of months every notebook covers (``"2017-01..2021-12"``; see
        `cprstats.runner.options.check_options`), passed to the notebooks as ``WINDOW``.
    anchor : {"incident", "publication"}, optional
        The date windows are read on, passed as ``ANCHOR`` (default: the incident date).
    restricted : bool, default False
        A restricted run for a board's closed meeting (``suppress=False`` is one too): the
        notebooks get ``RESTRICTED=True`` (unsuppressed reports marked "OFFICIAL-SENSITIVE: not
        for circulation" on every page, figure, CSV and XLSX), the folders are
        ``<output>/RESTRICTED-<region>/<period>/`` with a ``RESTRICTED`` file, and the manifests
        and index say so. A threshold under 3 is allowed only here.
    coders : list of str, optional
        Two or more codings of the same double-coded reviews, passed to the coder-agreement
        notebook (`cprstats.runner.options.CODER_NOTEBOOKS`) as ``CODERS``. Without them that
        notebook runs only for all-Wales (on the shipped synthetic sample) and is skipped for
        boards (`RunResult.skipped`). Its review-level disagreements go to
        ``<output>/private/<region>/<period>/`` (mode 0700), never into a report folder.

    Returns
    -------
    RunResult

    Raises
    ------
    ParameterError
        A bad option, an output folder that holds results and ``force`` is False, or an
        output folder another run is writing to.
    CodingError
        The forms do not pass validation (no kernel was started).
    RunInterrupted
        Stopped by Ctrl-C or SIGTERM.

    Examples
    --------
    >>> res = run(["01_children_and_families"], ["MWW"], ["pre_covid", "post_covid"])  # doctest: +SKIP
    >>> res.jobs[["region", "period", "notebook", "status"]]  # doctest: +SKIP
    """

    opts = check_options(
        notebooks,
        regions,
        periods,
        lang=lang,
        jobs=jobs,
        output=output,
        threshold=threshold,
        suppress=suppress,
        force=force,
        notebook_dir=notebook_dir,
        codebook=codebook,
        window=window,
        anchor=anchor,
        restricted=restricted,
        coders=coders,
    )
    targets = {(r, p): opts.output / opts.region_folder(r) / p for r in opts.regions for p in opts.periods}
    skipped = tuple(
        (r, p, nb, "no double-coded data (--coders) for a region run")
        for r in opts.regions
        for p in opts.periods
        for nb in opts.notebooks
        if opts.skips(r, nb)
    )
    targets = {g: d for g, d in targets.items() if opts.notebooks_for(g[0])}  # a folder with no notebook to run
    _refuse_existing(targets.values(), opts.force)  # refuse before doing any work
    existed = {d for t in targets.values() for d in (t, t.parent, opts.output) if d.exists()}
    made = [d for t in targets.values() for d in (t, t.parent) if d not in existed]
    folders = RunFolders(opts.output)
    with Interrupts() as guard:
        try:
            folders.open()  # locks the output (ParameterError if another run holds it)
            _refuse_existing(targets.values(), opts.force)  # again, now that no other run can write
            source = prepare_data(data, folders.private, codebook)
            env = {
                **ensure_kernel(),
                "MPLBACKEND": "Agg",
                "PYDEVD_DISABLE_FILE_VALIDATION": "1",
                # the workers' and kernels' temporary and connection files go to the private folder
                **{name: str(folders.tmp) for name in ("TMPDIR", "TEMP", "TMP")},
                "JUPYTER_RUNTIME_DIR": str(folders.runtime),
            }
            results = pool.execute_jobs(
                opts, targets, source, folders.stage, env, guard=guard, progress=progress, on_worker=folders.watch
            )
        except BaseException as exc:
            guard.ignore()
            try:
                folders.clean()
                if isinstance(exc, RunInterrupted) and exc.kept:
                    write_index(opts.output, opts.lang)  # link the folders that did finish
            finally:
                folders.close(made)
            raise
        try:
            folders.clean()
            index = write_index(opts.output, opts.lang)
        finally:
            folders.close(made)
    return RunResult(_jobs_frame(results, targets), opts.output, index, opts.restricted, skipped)


def _refuse_existing(targets: Iterable[Path], force: bool) -> None:
    """`ParameterError` if a region/period folder already holds files and ``force`` is False (creates nothing)."""
    for target in targets:
        if target.exists():
            ensure_new_folder(target, force=force)


def _jobs_frame(results: list[dict[str, Any]], targets: dict) -> pd.DataFrame:
    rows = []
    for r in results:
        folder = targets[(r["region"], r["period"])]
        nb, html = folder / f"{r['notebook']}.ipynb", folder / f"{r['notebook']}.html"
        rows.append(
            {
                "region": r["region"],
                "period": r["period"],
                "notebook": r["notebook"],
                "status": r["status"],
                "seconds": float(r["seconds"]),
                "attempts": int(r["attempts"]),
                "cell": (r.get("error") or {}).get("cell"),
                "error": r.get("message") or None,
                "notebook_path": str(nb) if nb.is_file() else None,
                "html_path": str(html) if html.is_file() else None,
            }
        )
    df = pd.DataFrame(rows, columns=list(JOB_COLUMNS))
    df["cell"] = df["cell"].astype("Int64")
    df["error"] = df["error"].astype("string")
    for col in ("notebook_path", "html_path"):  # None where there is no file (pandas would make it NaN)
        df[col] = pd.Series([r[col] for r in rows], index=df.index, dtype=object)
    return df.sort_values(["region", "period", "notebook"], ignore_index=True)
