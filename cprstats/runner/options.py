"""The options of a notebook run, checked before anything starts (`check_options`).

Regions are ``"wales"`` and the codebook's ``board`` codes; periods are ``"all"``, the
codebook's ``period`` codes, or windows of months (``fy2019``, ``cpr_era``, ``susr_era``,
``2019``: `cprstats.datasets.loader.resolve_window`); a run may also cover one window given by
its months (``window="2017-01..2021-12"``, ``cprstats run --from 2017-01 --to 2021-12``) read on
an anchor date (``anchor="incident"`` or ``"publication"``); notebooks are the notebooks of the notebook folder
(``<repo>/notebooks`` by default): their jupytext percent-format ``.py`` sources, and any
``.ipynb`` that has no ``.py`` beside it (see `notebook_source`). A bad value raises
`ParameterError` naming the parameter, the value and the allowed values, with a suggestion
when one is close.

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
cprstats.errors.ParameterError: region='Gwent' is not a region; use one of wales, NWSB, ... (did you mean 'GWENT'?)

A window of months: its jobs get ``PERIOD`` and ``WINDOW`` and a folder named after the window.

>>> opts = check_options(None, ["MWW"], window="2017-01..2021-12", notebook_dir=folder)
>>> opts.periods, opts.notebook_period(opts.periods[0])
(('2017-01_to_2021-12',), ('all', '2017-01..2021-12'))
>>> check_options(None, ["MWW"], ["fy2019"], notebook_dir=folder).notebook_period("fy2019")
('all', 'fy2019')
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cprstats._checks import did_you_mean
from cprstats.codebook.model import LANGUAGES, resolve
from cprstats.datasets.loader import is_window, resolve_window
from cprstats.disclosure.suppression import MIN_THRESHOLD
from cprstats.errors import ParameterError

__all__ = ["RunOptions", "check_options", "list_notebooks", "notebook_source", "find_root", "default_jobs"]

#: The files a notebook can be, in order of preference: its jupytext percent-format source, then a lone ``.ipynb``.
NOTEBOOK_SUFFIXES = (".py", ".ipynb")
#: A restricted run's region folders are ``<output>/RESTRICTED-<region>/``: the name says it on any listing.
RESTRICTED_PREFIX = "RESTRICTED-"
#: Notebooks that read double-coded data (``CODERS``): below all-Wales they run only when coders are given.
CODER_NOTEBOOKS = ("07_coder_agreement",)


def find_root() -> Path:
    """The repository folder: the one above the package if it holds ``notebooks/``, else the current folder."""
    here = Path(__file__).resolve().parents[2]
    if (here / "notebooks").is_dir() and (here / "pyproject.toml").is_file():
        return here
    return Path.cwd()


def list_notebooks(notebook_dir: str | os.PathLike | None = None) -> list[str]:
    """Names of the notebooks in ``notebook_dir`` (default ``<repo>/notebooks``), sorted.

    A notebook is a jupytext percent-format ``NAME.py`` (paired with ``NAME.ipynb``) or a
    lone ``NAME.ipynb``; each name is listed once. Hidden files are left out.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for n in ["02_b.ipynb", "01_a.py", "01_a.ipynb", "notes.md", ".hidden.ipynb"]: _ = (d / n).write_text("{}")
    >>> list_notebooks(d)
    ['01_a', '02_b']
    """
    folder = Path(notebook_dir) if notebook_dir is not None else find_root() / "notebooks"
    if not folder.is_dir():
        return []
    names = {p.stem for suffix in NOTEBOOK_SUFFIXES for p in folder.glob(f"*{suffix}") if not p.name.startswith(".")}
    return sorted(names)


def notebook_source(name: str, notebook_dir: str | os.PathLike | None = None) -> Path:
    """The file the runner executes for notebook ``name``: ``NAME.py`` if there is one, else ``NAME.ipynb``.

    The ``.py`` (jupytext percent format) is the notebook's source; the ``.ipynb`` beside it is
    its executed copy, written by `cprstats.runner.reproduction.reproduce`. A lone ``.ipynb``
    (no ``.py``) is run as it is.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for n in ["01_a.py", "01_a.ipynb", "02_b.ipynb"]: _ = (d / n).write_text("{}")
    >>> notebook_source("01_a", d).name, notebook_source("02_b", d).name
    ('01_a.py', '02_b.ipynb')
    """
    folder = Path(notebook_dir) if notebook_dir is not None else find_root() / "notebooks"
    for suffix in NOTEBOOK_SUFFIXES:
        path = folder / f"{name}{suffix}"
        if path.is_file():
            return path
    return folder / f"{name}.ipynb"


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
    codebook: Path | None = None  # a researcher's own codebook YAML, passed to every notebook as CODEBOOK
    window: str | None = None  # a window of months for every job (--from/--to), passed as WINDOW
    anchor: str | None = None  # the date windows are read on (--anchor), passed as ANCHOR when given
    #: period folder -> (PERIOD, WINDOW) the notebooks of that folder get (see `notebook_period`)
    period_map: tuple[tuple[str, tuple[str, str | None]], ...] = ()
    #: a restricted run (--restricted, or --no-suppress): unsuppressed, marked OFFICIAL-SENSITIVE, passed as
    #: RESTRICTED=True, written under <output>/RESTRICTED-<region>/
    restricted: bool = False
    #: double-coded data (--coders A B [C..]) for the coder-agreement notebooks, passed as CODERS
    coders: tuple[str, ...] | None = None

    def region_folder(self, region: str) -> str:
        """The folder of ``region`` under the output: ``RESTRICTED-<region>`` in a restricted run."""
        return f"{RESTRICTED_PREFIX}{region}" if self.restricted else region

    def notebooks_for(self, region: str) -> tuple[str, ...]:
        """The notebooks run for ``region``: a coder notebook only with ``coders``, or for all-Wales."""
        return tuple(nb for nb in self.notebooks if not self.skips(region, nb))

    def skips(self, region: str, notebook: str) -> bool:
        """Whether ``notebook`` is left out for ``region`` (`CODER_NOTEBOOKS` without ``coders`` below all-Wales)."""
        return notebook in CODER_NOTEBOOKS and self.coders is None and region != "wales"

    def notebook_period(self, period: str) -> tuple[str, str | None]:
        """The ``PERIOD`` and ``WINDOW`` parameters of the job for ``period`` (one of `periods`).

        A Covid-19 period or ``"all"`` is the notebooks' ``PERIOD`` (with the run's window, if
        any); a window (``fy2019``) is ``PERIOD="all"`` and ``WINDOW`` that window.
        """
        return dict(self.period_map).get(period, (period, self.window))


def _hint(value: Any, allowed: Sequence[str]) -> str:
    return did_you_mean(value, allowed) if isinstance(value, str) else ""


def _strip_suffix(name: Any) -> Any:
    """A notebook name given as a file name (``01_a.py``, ``01_a.ipynb``) without its suffix."""
    if isinstance(name, str):
        for suffix in NOTEBOOK_SUFFIXES:
            if name.endswith(suffix):
                return name[: -len(suffix)]
    return name


def _choices(name: str, values: Any, allowed: Sequence[str], what: str, more: str = "") -> tuple[str, ...]:
    if isinstance(values, str):
        values = [values]
    values = list(values)
    if not values:
        raise ParameterError(f"{name} is empty; give at least one of {', '.join(allowed)}{more}")
    for v in values:
        if not isinstance(v, str) or v not in allowed:
            raise ParameterError(
                f"{name}={v!r} is not {what}; use one of {', '.join(allowed)}{_hint(v, allowed)}{more}"
            )
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
    window: str | tuple | None = None,
    anchor: str | None = None,
    restricted: bool = False,
    coders: Iterable[str] | None = None,
) -> RunOptions:
    """Check a run's options without starting anything; raise `ParameterError` naming the bad one.

    Regions are ``"wales"`` and the codebook's ``board`` codes; periods are ``"all"``, the
    codebook's ``period`` codes, or windows (``fy2019``, ``2019``, ``cpr_era``, ``susr_era``);
    notebooks are those `list_notebooks` finds in ``notebook_dir`` (given with or without
    ``.py`` or ``.ipynb``; ``None`` means all of them).

    ``window`` (``"2017-01..2021-12"`` or ``("2017-01", "2021-12")``, either end open) limits
    every job to those months, read on ``anchor`` (``"incident"``, the default, or
    ``"publication"``); its folders are named after it (``all`` becomes ``2017-01_to_2021-12``,
    ``pre_covid`` becomes ``pre_covid_2017-01_to_2021-12``). A window given as a period cannot
    be combined with ``window``.
    """
    cb = resolve(codebook)
    region_codes = ("wales", *cb.field("board").codes)
    period_codes = ("all", *cb.field("period").codes)
    regions = _choices("region", regions, region_codes, "a region")
    wanted = [periods] if isinstance(periods, str) else list(periods)
    windows = [p for p in wanted if isinstance(p, str) and p not in period_codes and is_window(p, cb)]
    plain = [p for p in wanted if p not in windows]
    more = "; or a window: a financial year such as fy2019, a year such as 2019, " + ", ".join(cb.periods.named)
    periods = _choices("period", plain, period_codes, "a period", more) if plain or not windows else ()
    if anchor is not None:
        resolve_window(None, anchor=anchor, codebook=cb)  # checks the anchor
    run_window = resolve_window(window, anchor=anchor, codebook=cb)
    if run_window is not None and windows:
        raise ParameterError(
            f"period={windows[0]!r} is a window and the run has another ({run_window.name}); give one window, "
            "or Covid-19 periods with --from/--to"
        )
    period_map: list[tuple[str, tuple[str, str | None]]] = []
    keys: list[str] = []
    by = "" if anchor in (None, cb.periods.default_anchor) else f"_by_{anchor}"  # folders of both anchors differ
    for p in periods:
        key = p if run_window is None else run_window.folder + by if p == "all" else f"{p}_{run_window.folder}{by}"
        period_map.append((key, (p, None if run_window is None else run_window.name)))
        keys.append(key)
    for p in windows:
        w = resolve_window(p, anchor=anchor, codebook=cb)
        period_map.append((w.folder + by, ("all", w.name)))
        keys.append(w.folder + by)
    periods = tuple(dict.fromkeys(keys))
    if lang not in LANGUAGES:
        raise ParameterError(
            f"lang={lang!r} is not a language; use one of {', '.join(LANGUAGES)}{_hint(lang, LANGUAGES)}"
        )
    jobs = default_jobs() if jobs is None else jobs
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ParameterError(f"jobs={jobs!r} is not allowed; use a whole number of worker processes >= 1")
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise ParameterError(
            f"threshold={threshold!r} is not allowed; use an integer >= 1 (5 hides counts of 1 to 4; 1 hides nothing)"
        )
    if suppress not in (None, True, False) or not isinstance(suppress, (bool, type(None))):
        raise ParameterError(f"suppress={suppress!r} is not allowed; use None (the default policy), True or False")
    if not isinstance(restricted, bool):
        raise ParameterError(f"restricted={restricted!r} is not allowed; use True or False")
    restricted = restricted or suppress is False  # --no-suppress is a restricted run, marked the same way
    if threshold < MIN_THRESHOLD and not restricted:
        raise ParameterError(
            f"threshold={threshold!r} is not allowed: below {MIN_THRESHOLD} it publishes counts of 1"
            f"{'' if threshold == 2 else ' and 2'}; use {MIN_THRESHOLD} or more (5 hides counts of 1 to 4), or a "
            "restricted run (--restricted) whose reports are marked OFFICIAL-SENSITIVE and never circulated"
        )
    if coders is not None:
        coders = [coders] if isinstance(coders, (str, os.PathLike)) else list(coders)
        if len(coders) < 2 or not all(isinstance(c, (str, os.PathLike)) for c in coders):
            raise ParameterError(
                f"coders={coders!r} is not allowed; give two or more codings of the same reviews (forms, coded "
                "datasets or example names), one per coder"
            )
        coders = tuple(os.fspath(c) for c in coders)
    if not isinstance(force, bool):
        raise ParameterError(f"force={force!r} is not allowed; use True or False")
    folder = Path(notebook_dir) if notebook_dir is not None else find_root() / "notebooks"
    available = list_notebooks(folder)
    if notebooks is None:
        if not available:
            raise ParameterError(f"notebook_dir={str(folder)!r} holds no notebooks (.py or .ipynb files)")
        names = tuple(available)
    else:
        given = [notebooks] if isinstance(notebooks, str) else list(notebooks)
        given = [_strip_suffix(n) for n in given]
        names = _choices("notebook", given, available, f"a notebook in {folder}")
    out = Path(output)
    if out.exists() and not out.is_dir():
        raise ParameterError(f"output={str(out)!r} is a file; give a folder for the run's outputs")
    own = None
    if codebook is not None:
        if not isinstance(codebook, (str, os.PathLike)):
            raise ParameterError(
                f"codebook={type(codebook).__name__} is not allowed; give the path of a codebook YAML file, "
                "which every notebook's kernel then loads"
            )
        own = Path(codebook).resolve()  # checked above by resolve(); kernels run in other folders
    return RunOptions(
        names,
        regions,
        periods,
        lang,
        jobs,
        threshold,
        suppress,
        force,
        folder,
        out,
        own,
        None if run_window is None else run_window.name,
        anchor,
        tuple(period_map),
        restricted,
        coders,
    )
