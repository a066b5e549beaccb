"""Derived variables, computed from the codebook's ``derived`` declarations.

Each method takes the coded frame (inputs and earlier derived columns), the derived field and
the codebook, and returns the new column. Adding an option to a list, a band or a period is
a codebook edit; a new *kind* of derivation is a new function here.

Methods
-------
board_lookup
    The board of ``local_authority`` on the incident date, from each authority's dated
    ``boards`` list (Bridgend: Western Bay until 31 March 2019, Cwm Taf Morgannwg after).
date_periods
    The category whose ``start``/``end`` dates contain the incident date.
year
    The calendar year of a year-month.
bands
    The category whose ``min``/``max`` contains the value (age bands).
compare
    ``value OP constant`` with OP one of ``>=, >, <=, <, ==``; missing stays missing.
add
    ``value + constant``.
isin
    True if the value is one of ``values``, missing if it is one of ``missing``, else False.
any
    True if any source is True (Kleene logic: missing only if none is True and one is missing).
count
    How many sources are True; missing if any source is missing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cprstats.codebook.model import Codebook, Field
from cprstats.errors import CodebookError

__all__ = ["derive_all", "METHODS"]


def _board_lookup(df, fld: Field, cb: Codebook, day: pd.Series) -> pd.Series:
    auth = df["local_authority"]
    out = pd.Series(pd.NA, index=df.index, dtype=object)
    for cat in cb.field("local_authority").categories:
        mask = (auth == cat.value).fillna(False).to_numpy(bool)
        if not mask.any():
            continue
        spells = cat.attrs.get("boards", [])
        for spell in spells:
            m = mask.copy()
            if spell.get("start") is not None:
                m &= (day >= pd.Timestamp(str(spell["start"]))).fillna(False).to_numpy(bool)
            if spell.get("end") is not None:
                m &= (day <= pd.Timestamp(str(spell["end"]))).fillna(False).to_numpy(bool)
            out[m] = spell["board"]
    return pd.Series(pd.Categorical(out, categories=fld.codes, ordered=fld.ordered), index=df.index)


def _date_periods(df, fld: Field, cb: Codebook, day: pd.Series) -> pd.Series:
    out = pd.Series(pd.NA, index=df.index, dtype=object)
    for cat in fld.categories:
        m = day.notna()
        if cat.attrs.get("start") is not None:
            m &= day >= pd.Timestamp(str(cat.attrs["start"]))
        if cat.attrs.get("end") is not None:
            m &= day <= pd.Timestamp(str(cat.attrs["end"]))
        out[m.fillna(False).to_numpy(bool) & out.isna().to_numpy()] = cat.value
    return pd.Series(pd.Categorical(out, categories=fld.codes, ordered=fld.ordered), index=df.index)


def _year(df, fld, cb, day):
    src = df[fld.derived["from"][0]]
    return pd.Series(src.dt.year, index=df.index).astype("Int64")


def _bands(df, fld, cb, day):
    x = df[fld.derived["from"][0]].astype("Float64")
    out = pd.Series(pd.NA, index=df.index, dtype=object)
    for cat in fld.categories:
        m = x >= cat.attrs["min"]
        if cat.attrs.get("max") is not None:
            m &= x <= cat.attrs["max"]
        out[m.fillna(False).to_numpy(bool)] = cat.value
    return pd.Series(pd.Categorical(out, categories=fld.codes, ordered=fld.ordered), index=df.index)


_OPS = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less, "==": np.equal}


def _compare(df, fld, cb, day):
    op = fld.derived.get("op", ">=")
    if op not in _OPS:
        raise CodebookError(f"{fld.name}.derived.op: {op!r} is not allowed; use one of {', '.join(_OPS)}")
    x = df[fld.derived["from"][0]].astype("Float64")
    return _OPS[op](x, float(fld.derived["value"])).astype("boolean")


def _add(df, fld, cb, day):
    return (df[fld.derived["from"][0]] + int(fld.derived["value"])).astype("Int64")


def _isin(df, fld, cb, day):
    src = df[fld.derived["from"][0]].astype(object)
    out = src.isin(list(fld.derived.get("values", []))).astype("boolean")
    missing = src.isna() | src.isin(list(fld.derived.get("missing", [])))
    out[missing.to_numpy(bool)] = pd.NA
    return out


def _any(df, fld, cb, day):
    cols = [df[c].astype("boolean") for c in fld.derived["from"]]
    out = cols[0]
    for c in cols[1:]:
        out = out | c  # Kleene logic: True | NA is True, False | NA is NA
    return out.astype("boolean")


def _count(df, fld, cb, day):
    block = pd.concat([df[c].astype("boolean") for c in fld.derived["from"]], axis=1)
    total = block.fillna(False).astype(int).sum(axis=1).astype("Int64")
    total[block.isna().any(axis=1).to_numpy()] = pd.NA
    return total


METHODS = {
    "board_lookup": _board_lookup,
    "date_periods": _date_periods,
    "year": _year,
    "bands": _bands,
    "compare": _compare,
    "add": _add,
    "isin": _isin,
    "any": _any,
    "count": _count,
}


def derive_all(df: pd.DataFrame, cb: Codebook, day: pd.Series) -> dict[str, pd.Series]:
    """Compute every derived variable in codebook order; returns name -> column.

    ``day`` is the incident date to the day where the form gave it (else the first of the
    month), used by the date-based methods. Derived columns are added to ``df`` as they are
    made, so later derivations can use earlier ones.
    """
    out = {}
    for fld in cb.derived_fields:
        col = METHODS[fld.derived["method"]](df, fld, cb, day)
        df[fld.name] = col
        out[fld.name] = col
    return out
