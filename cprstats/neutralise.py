"""Spreadsheet-safe text: no cell cprstats writes can run as a formula in Excel.

Text cells that start with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a null
character get a leading apostrophe, as the OWASP guidance on CSV injection advises
(https://owasp.org/www-community/attacks/CSV_Injection; the null character is from OWASP
ASVS 5.0, requirement 1.2.10). A cell holding a plain number (``"-3"``, ``"+44"``) is left
alone: it cannot carry a formula (Excel reads it as the number), and prefixing it would turn
real numbers into text. Numeric columns are never touched. Use it through `cprstats.safeio`.

Examples
--------
>>> import pandas as pd
>>> neutralise_formulas(pd.DataFrame({"note": ["=1+1", "-3", "ok"]}))["note"].tolist()
["'=1+1", '-3', 'ok']
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd

from .atomic import atomic_path
from .errors import ParameterError

__all__ = ["FORMULA_TRIGGERS", "needs_neutralising", "neutralise_formulas", "escape_html", "write_csv"]

#: First characters that make a spreadsheet read a cell as a formula: OWASP "CSV Injection"
#: lists = + - @ tab and carriage return; OWASP ASVS 5.0 requirement 1.2.10 adds the null character.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\x00")
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


# --------------------------------------------------------------------------- formulas
def needs_neutralising(value: Any) -> bool:
    """Whether a spreadsheet could read ``value`` as a formula.

    True for a ``str`` that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return, unless it is a plain number such as ``"-3"`` or ``"+44"``.

    Examples
    --------
    >>> [needs_neutralising(v) for v in ["=SUM(A1)", "@cmd", "-3", "-3+cmd|' /C calc'!A0", "ok", -3]]
    [True, True, False, True, False, False]
    """
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_TRIGGERS)
        and not _PLAIN_NUMBER.match(value)
    )


def _neutral(value: Any) -> Any:
    return "'" + value if needs_neutralising(value) else value


def neutralise_formulas(df: pd.DataFrame, *, index: bool = False) -> pd.DataFrame:
    """A copy of ``df`` in which no text cell or column name can run as a spreadsheet formula.

    Text cells (and column names) that start with ``=``, ``+``, ``-``, ``@``, a tab or a
    carriage return get a leading apostrophe ``'``, as the OWASP guidance on CSV injection
    advises (https://owasp.org/www-community/attacks/CSV_Injection). Numeric, boolean, date
    and period columns are returned unchanged, and so are text cells holding a plain
    number such as ``"-3"`` (see the module notes). Categorical columns whose categories
    need it become plain text columns.

    Parameters
    ----------
    df : pandas.DataFrame
    index : bool, default False
        Also neutralise the index labels (when the index is written out).

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"n": [-3, 4], "text": ["@SUM(1)", "+44 1234"], "=x": ["a", "b"]})
    >>> out = neutralise_formulas(df)
    >>> out["n"].tolist(), out["text"].tolist(), list(out.columns)
    ([-3, 4], ["'@SUM(1)", "'+44 1234"], ['n', 'text', "'=x"])
    """
    if not isinstance(df, pd.DataFrame):
        raise ParameterError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    out = df.copy()
    for i, (name, col) in enumerate(df.items()):
        dtype = col.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            cats = list(dtype.categories)
            if any(needs_neutralising(c) for c in cats):
                out.isetitem(i, col.astype(object).map(_neutral, na_action="ignore"))
        elif pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
            if col.map(needs_neutralising, na_action="ignore").fillna(False).astype(bool).any():
                out.isetitem(i, col.map(_neutral, na_action="ignore"))
    out.columns = _neutral_index(out.columns)
    if index:
        out.index = _neutral_index(out.index)
    return out


def _neutral_index(ix: pd.Index) -> pd.Index:
    if isinstance(ix, pd.MultiIndex):
        return ix.set_levels([_neutral_index(lv) for lv in ix.levels])
    if any(needs_neutralising(v) for v in ix):
        return pd.Index([_neutral(v) for v in ix], name=_neutral(ix.name))
    return ix


def escape_html(value: Any) -> str:
    """``value`` as text safe to put inside HTML (``&``, ``<``, ``>``, quotes escaped); missing -> ``""``.

    Examples
    --------
    >>> escape_html('<script>alert("x")</script> & Môn')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Môn'
    >>> escape_html(pd.NA)
    ''
    """
    if value is None or (not isinstance(value, (str, bytes)) and _is_missing(value)):
        return ""
    return html.escape(str(value), quote=True)


def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


# --------------------------------------------------------------------------- writers
def write_csv(
    df: pd.DataFrame,
    path: str | os.PathLike,
    *,
    index: bool = False,
    neutralise: bool = True,
) -> Path:
    """Write ``df`` as CSV: atomic, UTF-8 with a byte-order mark, ``"\\n"`` line ends.

    Parameters
    ----------
    df : pandas.DataFrame
    path : str or os.PathLike
    index : bool, default False
        Write the index as the first column(s).
    neutralise : bool, default True
        Apply `neutralise_formulas` first. Turn off only for a file that is never opened
        in a spreadsheet and must round-trip exactly.

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> write_csv(pd.DataFrame({"a": [1]}), "outputs/t.csv")  # doctest: +SKIP
    """
    if not isinstance(df, pd.DataFrame):
        raise ParameterError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    data = neutralise_formulas(df, index=index) if neutralise else df
    target = Path(path)
    with atomic_path(target) as tmp:
        data.to_csv(tmp, index=index, encoding="utf-8-sig", lineterminator="\n")
    return target
