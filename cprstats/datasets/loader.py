"""What a report needs before it draws anything: its data, its scope, and safe tables.

`load_data` accepts what a notebook's ``DATA`` parameter may hold (an example name, a coded
dataset CSV, coding forms, or a DataFrame); `scope_data` keeps the rows of one region and
period; `protect` applies the disclosure policy to a statistics table, including comparison
tables whose reference group's counts `cprstats.suppress` alone would not see.

Examples
--------
>>> data = load_data("mww_2017_2021")
>>> len(scope_data(data, region="MWW", period="all")), data.attrs["synthetic"]
(11, True)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cprstats.codebook.model import _did_you_mean, load_codebook
from cprstats.datasets.examples import EXAMPLES, load_example
from cprstats.errors import ParameterError
from cprstats.forms.coding import code_reviews
from cprstats.forms.reader import read_forms
from cprstats.io.datapackage import read_dataset

__all__ = [
    "load_data",
    "scope_data",
    "regions",
    "periods",
    "infer_by",
    "protect",
    "source_text",
    "comparison_as_counts",
]

_FORM_SUFFIXES = (".xlsx", ".xlsm", ".yaml", ".yml")
_COUNT_PAIRS = (("count", "n"), ("count_ref", "n_ref"))
_NEVER_HIDDEN = ("n", "n_ref", "ci_level")
_TOTAL = "\x00total"  # a group code no table uses
_SIDE_COLUMNS = (("estimate", "ci_low", "ci_high"), ("estimate_ref", "ci_low_ref", "ci_high_ref"))


def _cb(codebook):

    return codebook if codebook is not None else load_codebook()


def regions(codebook=None) -> tuple[str, ...]:
    """``"wales"`` and the codebook's board codes."""
    return ("wales", *_cb(codebook).field("board").codes)


def periods(codebook=None) -> tuple[str, ...]:
    """``"all"`` and the codebook's period codes."""
    return ("all", *_cb(codebook).field("period").codes)


def _choice(name: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ParameterError(
            f"{name}={value!r} is not allowed; use one of {', '.join(allowed)}" + _did_you_mean(str(value), allowed)
        )
    return value


def _is_coded_csv(path: Path, cb) -> bool:
    pkg = path.parent / "datapackage.json"
    if pkg.is_file():
        try:
            meta = json.loads(pkg.read_text(encoding="utf-8"))
        except ValueError:
            meta = {}
        if any(r.get("path") == path.name for r in meta.get("resources", [])):
            return True
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        header = {h.strip().strip('"') for h in fh.readline().split(",")}
    derived_only = {f.name for f in cb.derived_fields if not f.input_allowed}
    return bool(derived_only) and derived_only <= header


def load_data(data: Any, *, codebook=None) -> pd.DataFrame:
    """A coded dataset from a DataFrame, an example name, a coded CSV, or coding forms.

    Parameters
    ----------
    data : pandas.DataFrame, str or path
        A coded dataset; the name of a shipped example (`cprstats.list_examples`); a coded
        dataset CSV (with its ``datapackage.json``, or with the derived columns only coding
        adds); or coding forms (CSV, XLSX, or a folder of YAML files), which are coded here.
    codebook : Codebook, optional

    Raises
    ------
    ParameterError
        If ``data`` is none of these; the message lists the example names.
    CodingError
        If coding forms have problems (each with its row and field).
    """
    cb = _cb(codebook)
    if isinstance(data, pd.DataFrame):
        missing = [c for c in ("board", "period") if c not in data.columns]
        if missing:
            raise ParameterError(
                f"data lacks the column(s) {', '.join(missing)}; pass a coded dataset "
                "(cprstats.code_reviews or cprstats.read_dataset)"
            )
        return data
    if not isinstance(data, (str, Path)):
        raise ParameterError(f"data must be a DataFrame, an example name or a path, got {type(data).__name__}")
    path = Path(data)
    if not path.exists():
        if isinstance(data, str) and data in EXAMPLES:
            return load_example(data)
        raise ParameterError(
            f"data={str(data)!r} is neither a file or folder nor a shipped example; examples: {', '.join(EXAMPLES)}"
        )
    if path.is_file() and path.suffix.lower() == ".csv" and _is_coded_csv(path, cb):
        return read_dataset(path, codebook=cb)
    if path.is_dir() or path.suffix.lower() in (".csv", *_FORM_SUFFIXES):
        return code_reviews(read_forms(path, codebook=cb), cb)
    raise ParameterError(
        f"data={str(data)!r}: use a coded dataset CSV, coding forms (.csv, .xlsx, a folder of "
        ".yaml files) or an example name"
    )


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
    cb = _cb(codebook)
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
    cb = _cb(codebook)
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
        return policy.apply(table, codebook=_cb(codebook))
    return _protect_pairs(table, policy, _cb(codebook))


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
