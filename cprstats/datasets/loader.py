"""What a report needs before it draws anything: its data, its scope, and safe tables.

`load_data` is the one place that decides what a notebook's ``DATA``, ``cprstats run --data``,
``cprstats agree`` or `cprstats.agreement` was given (an example name, a coded dataset CSV,
coding forms, or a DataFrame) and loads and checks it; `scope_data` keeps the rows of one
region and period; `protect` applies the disclosure policy to a statistics table, including
comparison tables whose reference group's counts `cprstats.suppress` alone would not see.

Examples
--------
>>> data = load_data("mww_2017_2021")
>>> len(scope_data(data, region="MWW", period="all")), data.attrs["synthetic"], data.attrs["data_kind"]
(11, True, 'example')
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cprstats.codebook.model import Codebook, _did_you_mean, resolve
from cprstats.datasets.examples import EXAMPLES, load_example
from cprstats.errors import ParameterError
from cprstats.forms.coding import code_reviews, normalise
from cprstats.forms.identifiers import safe_header
from cprstats.forms.reader import read_forms, screen_dataset
from cprstats.io.datapackage import read_dataset

__all__ = [
    "load_data",
    "DATA_KINDS",
    "scope_data",
    "regions",
    "periods",
    "infer_by",
    "protect",
    "source_text",
    "comparison_as_counts",
]

#: What `load_data` found (``attrs["data_kind"]`` of the frame it returns).
DATA_KINDS = ("example", "dataset", "forms", "dataframe")
_FORM_SUFFIXES = (".xlsx", ".xlsm", ".yaml", ".yml")
_ACCEPTS = (
    "give coding forms (a .csv or .xlsx file, or a folder of .yaml forms), a coded dataset CSV "
    "(from `cprstats code`, or saved with pandas' to_csv), a coded DataFrame, or one of the examples: "
)
_COUNT_PAIRS = (("count", "n"), ("count_ref", "n_ref"))
_NEVER_HIDDEN = ("n", "n_ref", "ci_level")
_TOTAL = "\x00total"  # a group code no table uses
_SIDE_COLUMNS = (("estimate", "ci_low", "ci_high"), ("estimate_ref", "ci_low_ref", "ci_high_ref"))


def regions(codebook=None) -> tuple[str, ...]:
    """``"wales"`` and the codebook's board codes."""
    return ("wales", *resolve(codebook).field("board").codes)


def periods(codebook=None) -> tuple[str, ...]:
    """``"all"`` and the codebook's period codes."""
    return ("all", *resolve(codebook).field("period").codes)


def _choice(name: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ParameterError(
            f"{name}={value!r} is not allowed; use one of {', '.join(allowed)}" + _did_you_mean(str(value), allowed)
        )
    return value


# --------------------------------------------------------------------------- what the data is
def _derived_only(cb: Codebook) -> list[str]:
    """The columns only coding adds: a coded dataset has them all, coding forms none."""
    return [f.name for f in cb.derived_fields if not f.input_allowed]


def _form_headers(cb: Codebook) -> set[str]:
    """Every header a coding form may use for a codebook column (name or title, any case)."""
    keys = {normalise(c) for c in cb.coded_columns}
    for fld in cb.fields.values():
        keys.update(normalise(k) for k in (fld.name, fld.title.en, fld.title.cy))
    return keys


def _listed_in_package(path: Path) -> bool:
    """Whether the ``datapackage.json`` beside ``path`` lists it as a resource."""
    pkg = path.parent / "datapackage.json"
    if not pkg.is_file():
        return False
    try:
        meta = json.loads(pkg.read_text(encoding="utf-8"))
        return any(r.get("path") == path.name for r in meta.get("resources", []))
    except (OSError, ValueError, AttributeError, TypeError):
        return False  # a broken package describes nothing; the file is judged by its header


def _csv_header(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        try:
            return [h.strip() for h in next(csv.reader([fh.readline()]), [])]
        except csv.Error:
            return []


def _csv_kind(path: Path, cb: Codebook, name: str) -> str:
    """``"dataset"`` or ``"forms"`` for a CSV file, or `ParameterError` if it is neither."""
    if _listed_in_package(path):
        return "dataset"
    header = _csv_header(path)
    derived = _derived_only(cb)
    present = [c for c in derived if c in header]
    if derived and len(present) == len(derived):
        return "dataset"
    if present:
        missing = [c for c in derived if c not in header]
        raise ParameterError(
            f"{name}={str(path)!r} is neither coding forms nor a whole coded dataset: it has "
            f"column(s) only coding adds ({', '.join(present)}) but not {', '.join(missing)}; a coded "
            "dataset has every derived column, coding forms none (delete them, or recode the forms "
            "with `cprstats code`)"
        )
    typed = [h for h in header if h]
    if len(typed) == 1 and ";" in typed[0]:
        return "forms"  # read_forms explains semicolon-separated files
    if typed and not ({normalise(h) for h in typed} & _form_headers(cb)):
        # a header cell may be the first child's data (forms without a header row): never echo it raw
        shown = ", ".join(safe_header(h) for h in typed[:5]) + (", ..." if len(typed) > 5 else "")
        raise ParameterError(
            f"{name}={str(path)!r} is neither coding forms nor a coded dataset: none of its columns "
            f"({shown}) is a codebook variable such as review_id, outcome or board; " + _ACCEPTS + ", ".join(EXAMPLES)
        )
    return "forms"


def _path_kind(path: Path, cb: Codebook, name: str) -> str:
    if path.is_dir():
        if not any(q.is_file() and q.suffix.lower() in (".yaml", ".yml") for q in path.iterdir()):
            raise ParameterError(
                f"{name}={str(path)!r} is a folder without .yaml or .yml coding forms; "
                + _ACCEPTS
                + ", ".join(EXAMPLES)
            )
        return "forms"
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_kind(path, cb, name)
    if suffix in _FORM_SUFFIXES:
        return "forms"
    raise ParameterError(
        f"{name}={str(path)!r} is neither coding forms nor a coded dataset (a {suffix or 'suffix-less'} file); "
        + _ACCEPTS
        + ", ".join(EXAMPLES)
    )


def _looks_like_data(path: Path) -> bool:
    """Whether ``path`` is a file, or a folder holding YAML forms (a folder of reports is not data)."""
    if path.is_file():
        return True
    try:
        return path.is_dir() and any(q.suffix.lower() in (".yaml", ".yml") for q in path.iterdir())
    except OSError:
        return False


def _frame(data: pd.DataFrame, cb: Codebook, name: str) -> pd.DataFrame:
    """A DataFrame: a coded dataset (returned as it is), or raw forms (coded here)."""
    derived = _derived_only(cb)
    coded = bool(derived) and all(c in data.columns for c in derived)
    text = all(pd.api.types.is_object_dtype(t) or pd.api.types.is_string_dtype(t) for t in data.dtypes)
    if not coded and text and "review_id" in data.columns:  # raw forms, as read_forms gives them
        out = code_reviews(data, cb)
        out.attrs["data_kind"] = "forms"
        return out
    missing = [c for c in ("board", "period") if c not in data.columns]
    if missing:
        raise ParameterError(
            f"{name} lacks the column(s) {', '.join(missing)}; pass a coded dataset "
            "(cprstats.code_reviews or cprstats.read_dataset) or raw forms (cprstats.read_forms)"
        )
    out = data.copy(deep=False)  # the caller's frame keeps its own attrs
    out.attrs = {**data.attrs, "data_kind": "dataframe"}
    return out


def load_data(source: Any, codebook: Codebook | str | os.PathLike | None = None, *, name: str = "data") -> pd.DataFrame:
    """A coded dataset from an example name, a coded dataset CSV, coding forms or a DataFrame.

    The one place that decides what ``source`` is, for `cprstats.Report`, ``cprstats run
    --data``, ``cprstats agree`` and `cprstats.agreement`:

    * a ``str`` that names a shipped example (`cprstats.list_examples`): that example (a
      file, or a folder of YAML forms, of the same name here is ambiguous: `ParameterError`;
      write ``./wales`` or pass a `pathlib.Path` for the file);
    * a ``.csv`` file that the ``datapackage.json`` beside it lists, or whose header has every
      column only coding adds (``period``, ``incident_year``, the age bands...): a coded
      dataset, read with `cprstats.read_dataset` (so one a researcher saved with pandas'
      ``to_csv(index=False)``, booleans as ``True``/``False``, is read too);
    * any other ``.csv`` with codebook columns, an ``.xlsx``/``.xlsm``/``.yaml`` file, or a
      folder of ``.yaml`` forms: coding forms, coded here (`cprstats.code_reviews`);
    * a DataFrame with those derived columns, or with ``board`` and ``period``: a coded
      dataset, returned as it is (a shallow copy); a DataFrame of text with ``review_id``
      and no derived columns: raw forms (`cprstats.read_forms`), coded here.

    Parameters
    ----------
    source : pandas.DataFrame, str or path
        What to load.
    codebook : Codebook, str or path, optional
        The codebook to read or code with (`cprstats.codebook.resolve`: by default the one a
        DataFrame carries, else the packaged one).
    name : str, default "data"
        How messages name ``source`` (e.g. ``"coder_a"``).

    Returns
    -------
    pandas.DataFrame
        The coded dataset; ``attrs["data_kind"]`` says what ``source`` was, one of
        `DATA_KINDS` (``"example"``, ``"dataset"``, ``"forms"``, ``"dataframe"``).

    Raises
    ------
    ParameterError
        If ``source`` is none of these, naming it (and the example names), or is both an
        example name and a file or a folder of forms here.
    CodingError
        If coding forms have problems (each with its row and field).
    FormsError
        If a file cannot be read, or a coded dataset holds a value its codebook does not allow.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> data = load_data("mww_2017_2021")
    >>> len(data), data.attrs["data_kind"]
    (11, 'example')
    >>> saved = pathlib.Path(tempfile.mkdtemp()) / "mine.csv"
    >>> data.to_csv(saved, index=False)  # a researcher's own copy: booleans as True/False
    >>> back = load_data(saved)
    >>> back.attrs["data_kind"], back["cv_neglect"].dtype.name, len(back)
    ('dataset', 'boolean', 11)
    >>> bad = saved.with_name("notes.csv")
    >>> _ = bad.write_text("what,when\\nmeeting,Tuesday\\n")
    >>> load_data(bad)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cprstats.errors.ParameterError: data='.../notes.csv' is neither coding forms nor a coded dataset: ...
    """
    cb = resolve(codebook, source if isinstance(source, pd.DataFrame) else None)
    if isinstance(source, pd.DataFrame):
        return _frame(source, cb, name)
    if not isinstance(source, (str, os.PathLike)):
        raise ParameterError(
            f"{name} must be a DataFrame (a coded dataset or raw forms), an example name or the path of "
            f"coding forms or a coded dataset, got {type(source).__name__}"
        )
    text = os.fspath(source)
    path = Path(text).expanduser()
    if isinstance(source, str) and text in EXAMPLES:
        if _looks_like_data(path):
            raise ParameterError(
                f"{name}={text!r} is both a shipped example and a file or folder here ({path.resolve()}); "
                f"write {('.' + os.sep + text)!r} for the file or folder, or run elsewhere for the example"
            )
        out = load_example(text)
        out.attrs["data_kind"] = "example"
        return out
    if not path.exists():
        raise ParameterError(
            f"{name}={text!r} is neither a file or folder nor a shipped example"
            + _did_you_mean(text, list(EXAMPLES))
            + "; "
            + _ACCEPTS
            + ", ".join(EXAMPLES)
        )
    kind = _path_kind(path, cb, name)
    if kind == "dataset" and not _listed_in_package(path):
        screen_dataset(path, cb)  # a coded dataset from elsewhere is screened as forms are: no identifier passes
    out = read_dataset(path, codebook=cb) if kind == "dataset" else code_reviews(read_forms(path, codebook=cb), cb)
    out.attrs["data_kind"] = kind
    return out


def source_text(data: Any) -> dict[str, str]:
    """How the report names its data source, without revealing local folder names."""
    if isinstance(data, pd.DataFrame):
        ex = data.attrs.get("example")
        if ex:
            return {"kind": "example", "name": str(ex)}
        src = data.attrs.get("source")
        return {"kind": "dataframe", "name": Path(str(src)).name if src else "DataFrame"}
    path = Path(data)
    if not path.exists():
        return {"kind": "example", "name": str(data)}
    return {"kind": "file", "name": path.name}


def scope_data(data: pd.DataFrame, *, region: str, period: str, codebook=None) -> pd.DataFrame:
    """The rows of ``region`` (a board code, or ``"wales"``) and ``period`` (a code, or ``"all"``)."""
    cb = resolve(codebook, data)
    _choice("region", region, regions(cb))
    _choice("period", period, periods(cb))
    keep = np.ones(len(data), dtype=bool)
    if region != "wales":
        keep &= data["board"].astype("string").eq(region).fillna(False).to_numpy(dtype=bool)
    if period != "all":
        keep &= data["period"].astype("string").eq(period).fillna(False).to_numpy(dtype=bool)
    out = data.loc[keep].reset_index(drop=True)
    out.attrs = dict(data.attrs)
    return out


def infer_by(table: pd.DataFrame, codebook=None) -> str | None:
    """The variable a table's groups are values of (``board``, ``local_authority``, ``period`` ...), if clear."""
    if "by" in table.attrs:
        return table.attrs["by"]
    cb = resolve(codebook, table)
    cols = [c for c in ("group", "group_ref") if c in table.columns]
    groups = {str(g) for c in cols for g in pd.unique(table[c].dropna())} - {"all", "rest", ""}
    if not groups:
        return None
    for name in ("board", "local_authority", "period", "review_type", "outcome"):
        if name in cb.fields and groups <= set(cb.fields[name].codes):
            return name
    return None


def protect(table: pd.DataFrame, policy, *, codebook=None) -> pd.DataFrame:
    """``table`` under the disclosure ``policy`` (`cprstats.disclosure.policy.DisclosurePolicy`).

    A table that already has ``suppressed`` columns is kept if its record says it was
    suppressed (or the policy does not ask for it); otherwise `ParameterError`. A comparison
    table (``count_ref``, ``n_ref`` from `cprstats.compare`) is suppressed on both sides at
    once, with secondary suppression within each side and against the two sides' sum (which
    the report's overall tables publish); a side's hidden count hides that side's estimate
    and interval, and every number computed from both sides (differences, odds ratios,
    statistics and p-values).
    """
    if "suppressed" in table.columns:
        rec = table.attrs.get("disclosure", {})
        if policy.suppress and not rec.get("applied"):
            raise ParameterError(
                "the table already has 'suppressed' columns but was not suppressed under this "
                "report's policy; pass the table before calling cprstats.suppress"
            )
        return table
    if "count_ref" not in table.columns:
        return policy.apply(table, codebook=resolve(codebook, table))
    return _protect_pairs(table, policy, resolve(codebook, table))


def _protect_pairs(table: pd.DataFrame, policy, cb) -> pd.DataFrame:
    sides = []
    for side, (gcol, (ccol, ncol)) in enumerate(zip(("group", "group_ref"), _COUNT_PAIRS)):
        part = pd.DataFrame(
            {
                "variable": table["variable"].astype(str).to_numpy(),
                "level": table["level"].astype(str).to_numpy(),
                "group": table[gcol].astype(str).to_numpy(),
                "count": pd.to_numeric(table[ccol]).to_numpy(),
                "n": pd.to_numeric(table[ncol]).to_numpy(),
                "_row": np.arange(len(table)),
                "_side": side,
            }
        )
        sides.append(part)
    both = pd.concat(sides, ignore_index=True)
    unique = both.drop_duplicates(["variable", "level", "group"]).reset_index(drop=True)
    cells = unique[["variable", "level", "group", "count", "n"]]
    # The groups' totals are as good as published (the report's overall tables give them), so they
    # take part in the protection: a hidden count cannot then be found by subtraction from them.
    totals = cells.groupby(["variable", "level"], sort=False, as_index=False)[["count", "n"]].sum()
    done = policy.apply(pd.concat([cells, totals.assign(group=_TOTAL)], ignore_index=True), codebook=cb, total=_TOTAL)
    done = done.iloc[: len(cells)]
    key = pd.MultiIndex.from_frame(unique[["variable", "level", "group"]])
    look = pd.DataFrame(
        {
            "hidden": done["suppressed"].to_numpy(),
            "reason": done["suppression"].astype(str).to_numpy(),
            "count": done["count"].to_numpy(),
            "n": done["n"].to_numpy(),
        },
        index=key,
    )
    out = table.copy()
    hidden = np.zeros(len(table), dtype=bool)
    reason = np.array([""] * len(table), dtype=object)
    withheld_side = []
    for side, part in enumerate(sides):
        got = look.reindex(pd.MultiIndex.from_frame(part[["variable", "level", "group"]]))
        ccol, ncol = _COUNT_PAIRS[side]
        out[ccol] = got["count"].to_numpy()
        out[ncol] = got["n"].to_numpy()
        h = got["hidden"].to_numpy(dtype=bool)
        r = got["reason"].to_numpy(dtype=object)
        hidden |= h
        withheld_side.append(h | (r == "small_denominator"))
        reason = np.where((reason == "") & (r != ""), r, reason)
    either = withheld_side[0] | withheld_side[1]
    for col in out.columns:
        if col in _NEVER_HIDDEN or col in ("count", "count_ref") or not pd.api.types.is_numeric_dtype(out[col]):
            continue
        if pd.api.types.is_bool_dtype(out[col]):
            continue
        # a side's own estimate and interval go with that side; anything computed from both goes with either
        mask = withheld_side[0] if col in _SIDE_COLUMNS[0] else withheld_side[1] if col in _SIDE_COLUMNS[1] else either
        out[col] = out[col].astype("float64").mask(mask)
    out["suppressed"] = hidden
    out["suppression"] = pd.Series(reason, index=out.index, dtype="string")
    out.attrs = {**table.attrs, "disclosure": dict(done.attrs.get("disclosure", {}))}
    return out


def comparison_as_counts(table: pd.DataFrame) -> pd.DataFrame:
    """A protected comparison table in the count-table layout: each compared group, then its reference.

    So `cprstats.format_table` can show a comparison's two sides as columns. Numbers already
    hidden stay hidden (``suppressed``); a shown count without its percentage is marked
    ``small_denominator``.
    """
    cols = ["variable", "level", "group", "count", "n", "estimate", "ci_low", "ci_high", "ci_level"]
    ref_names = {
        "group_ref": "group",
        "count_ref": "count",
        "n_ref": "n",
        "estimate_ref": "estimate",
        "ci_low_ref": "ci_low",
        "ci_high_ref": "ci_high",
    }
    a = table.loc[:, [c for c in cols if c in table.columns]]
    b = table.loc[:, [c for c in ["variable", "level", *ref_names, "ci_level"] if c in table.columns]].rename(
        columns=ref_names
    )
    out = pd.concat([a, b], ignore_index=True).drop_duplicates(["variable", "level", "group"]).reset_index(drop=True)
    hidden = out["count"].isna().to_numpy()
    est = pd.to_numeric(out["estimate"], errors="coerce").isna().to_numpy() if "estimate" in out else hidden & False
    out["suppressed"] = hidden
    reason = ["primary" if h else "small_denominator" if e else "" for h, e in zip(hidden, est)]
    out["suppression"] = pd.Series(reason, index=out.index, dtype="string")
    out.attrs = dict(table.attrs)
    return out
