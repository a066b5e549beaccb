"""Turn a synthetic draw into coding forms: strings as a coder types them.

Most cells hold codes. With ``mix=True`` a fixed pattern of cells holds the English label, the
Welsh label, or the code in capitals with spaces around it, multi-response lists are written
with codes or labels, and some incident dates carry a day, so that the forms reader is
exercised as real forms exercise it. The pattern depends only on the row and column number:
the same draw always gives the same forms.

Examples
--------
>>> import numpy as np
>>> from cprstats.synth.rendering import styles
>>> styles(3, 0).tolist()
[0, 0, 0]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cprstats.codebook.model import Codebook, Field, resolve

__all__ = ["render", "styles", "month_strings", "board_index"]

CODE, ENGLISH, WELSH, SHOUTED = 0, 1, 2, 3
# 24 of 31 cells codes, 3 English labels, 3 Welsh labels, 1 capitals with spaces
_PATTERN = np.array([CODE] * 24 + [ENGLISH] * 3 + [WELSH] * 3 + [SHOUTED], dtype=np.int8)
_PATTERN = _PATTERN[(np.arange(31) * 12) % 31]  # spread the non-code styles out


def styles(n: int, column: int) -> np.ndarray:
    """How each of ``n`` cells of form column ``column`` is written (0 code, 1 English, 2 Welsh, 3 capitals)."""
    return _PATTERN[(np.arange(n) * 7 + column * 5) % len(_PATTERN)]


def board_index(cb: Codebook, authority: np.ndarray, months: np.ndarray) -> np.ndarray:
    """The board (index into the board codes) of each authority on each incident month.

    A month belongs to a board spell when the spell covers the month's first day (so Bridgend in
    March 2019 is West Glamorgan's, from April 2019 Cwm Taf Morgannwg's).
    """
    import datetime as dt

    months = np.asarray(months)
    if months.size == 0:
        return np.array([], dtype=np.int8)
    boards = cb.field("board").codes
    lo, hi = int(months.min()), int(months.max())
    table = np.array(
        [
            [boards.index(cb.boards_for(cat.value, dt.date(m // 12, m % 12 + 1, 1))) for m in range(lo, hi + 1)]
            for cat in cb.field("local_authority").categories
        ],
        dtype=np.int8,
    )
    return table[authority, months - lo]


def _categorical(fld: Field, idx: np.ndarray, style: np.ndarray):
    cats = fld.categories
    k = len(cats)
    table = [c.value for c in cats] + [c.label.en for c in cats] + [c.label.cy for c in cats]
    table += [f" {c.value.upper()} " for c in cats] + [""]
    return table, np.where(idx >= 0, style.astype(np.int64) * k + idx, 4 * k)


def _multi(fld: Field, mask: np.ndarray, style: np.ndarray, none: str):
    cats = fld.categories
    key = np.where(mask >= 0, mask * 4 + style, -1)
    uniq, inv = np.unique(key, return_inverse=True)
    words = (
        [c.value for c in cats],
        [c.label.en for c in cats],
        [c.label.cy for c in cats],
        [c.value.upper() for c in cats],
    )
    table = []
    for k in uniq.tolist():
        if k < 0:
            table.append("")
            continue
        m, s = divmod(k, 4)
        chosen = [words[s][b] for b in range(len(cats)) if m >> b & 1]
        shouted = s == SHOUTED
        table.append((";" if shouted else "; ").join(chosen) if chosen else (none.upper() if shouted else none))
    return table, inv.reshape(-1)


def _months(months: np.ndarray, days: np.ndarray | None = None):
    """Months as ``YYYY-MM`` (or ``YYYY-MM-DD`` where ``days`` > 0); -1 gives ``""``."""
    months = np.asarray(months, dtype=np.int64)
    valid = months[months >= 0]
    lo, hi = (int(valid.min()), int(valid.max())) if valid.size else (0, -1)
    table = []
    for m in range(lo, hi + 1):
        ym = f"{m // 12:04d}-{m % 12 + 1:02d}"
        table += [ym] + [f"{ym}-{d:02d}" for d in range(1, 29)]
    table.append("")
    days = np.zeros(len(months), dtype=np.int64) if days is None else days
    return table, np.where(months >= 0, (months - lo) * 29 + days, len(table) - 1)


def month_strings(months: np.ndarray) -> np.ndarray:
    """Month numbers (``year * 12 + month - 1``) as ``YYYY-MM``; -1 gives ``""``.

    >>> month_strings(np.array([2019 * 12 + 3, -1])).tolist()
    ['2019-04', '']
    """
    table, idx = _months(months)
    return np.array(table, dtype=str)[idx]


def _column(table, idx) -> pd.Series:
    import pyarrow as pa

    codes = pa.array(np.asarray(idx, dtype=np.int32))
    arr = pa.DictionaryArray.from_arrays(codes, pa.array(list(table), type=pa.string())).dictionary_decode()
    return pd.Series(pd.array(arr, dtype="str"))


def render(draw: dict, *, codebook: Codebook | None = None, mix: bool = True) -> pd.DataFrame:
    """Coding forms (a DataFrame of strings, one column per input variable) from a draw.

    ``draw`` holds the arrays `cprstats.synth.scale.draw_reviews` makes plus ``review_id``.
    The board is written as a coder derives it, from the authority and the incident month.
    Built through Arrow dictionary arrays: a million rows take about a second.
    """
    cb = resolve(codebook)
    n = len(draw["incident_month"])
    cols = {}
    for j, fld in enumerate(cb.input_fields):
        style = styles(n, j) if mix else np.zeros(n, dtype=np.int8)
        name = fld.name
        if name == "review_id":
            ids = draw["review_id"]
            cols[name] = ids if isinstance(ids, pd.Series) else pd.Series(pd.array(list(ids), dtype="str"))
            continue
        if name == "board":
            table, idx = _categorical(fld, board_index(cb, draw["local_authority"], draw["incident_month"]), style)
        elif name == "incident_date":
            days = np.where(style == ENGLISH, np.arange(n) * 11 % 28 + 1, 0)
            table, idx = _months(draw["incident_month"], days)
        elif name == "publication_date":
            table, idx = _months(draw["publication_month"])
        elif fld.type == "list":
            table, idx = _multi(fld, draw[name], style, cb.none_value)
        elif fld.categories:
            table, idx = _categorical(fld, draw[name], style)
        else:
            values = np.asarray(draw[name], dtype=np.int64)
            table, idx = [str(v) for v in range(int(values.max(initial=0)) + 1)], values
        cols[name] = _column(table, idx)
    return pd.DataFrame(cols)
