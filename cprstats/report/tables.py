"""Presentation tables: compute first, format at the edge.

The statistics functions return tidy, unrounded frames; `suppress` hides what must not be
published. `format_table` turns such a table into strings for a report or spreadsheet:
"n (%)" or "% (95% CI)" cells, labels from the codebook in English or Welsh, ``*`` for hidden
counts, groups as columns if asked, rounding only here. `footnotes` gives the notes that
apply to a table, in the same language.

Examples
--------
A hand-made table of synthetic numbers (as `cprstats.proportions` would return):

>>> import pandas as pd
>>> from cprstats.disclosure.suppression import suppress
>>> tab = pd.DataFrame({"variable": "outcome", "group": "MWW", "count": [20, 9, 2, 2], "n": 33,
...                     "level": ["death", "life_threatening_injury", "serious_impairment", "other"]})
>>> tab["estimate"] = tab["count"] / tab["n"]
>>> format_table(suppress(tab), lang="cy").iloc[:, [1, 3]]
                    Categori       n (%)
0                 Marwolaeth  20 (60.6%)
1  Anaf a allai fygwth bywyd   9 (27.3%)
2    Nam difrifol a pharhaol           *
3                      Arall           *
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cprstats.codebook.i18n import format_count, format_number, format_percent
from cprstats.codebook.model import Codebook, check_lang, resolve
from cprstats.errors import ParameterError
from cprstats.report.wording import label, t

__all__ = ["format_table", "footnotes", "CELLS", "LAYOUTS"]

CELLS = ("n_percent", "percent_ci", "count", "percent")
LAYOUTS = ("long", "wide")
_TOTALS = ("all",)


def _choice(name: str, value: Any, allowed: tuple) -> Any:
    if value not in allowed:
        import difflib

        close = difflib.get_close_matches(str(value), [str(a) for a in allowed], n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ParameterError(f"{name}={value!r} is not allowed; use one of {', '.join(map(repr, allowed))}{hint}")
    return value


def _variable_label(cb, variable: Any, lang: str) -> str:
    return label(cb, variable, lang=lang) if cb.knows(str(variable)) else str(variable)


def _level_label(cb, variable: Any, level: Any, lang: str) -> str:
    var, lev = str(variable), str(level)
    fld = cb.fields.get(var)
    if lev in ("true", "false", "True", "False") and (fld is None or not fld.categories):
        return t(f"value.{lev.lower()}", lang)
    if fld is not None and fld.categories:
        try:
            return label(cb, var, lev, lang)
        except ParameterError:
            return lev
    return lev


def _group_label(cb, by: str | None, group: Any, lang: str) -> str:
    if group in _TOTALS:
        return t(f"group.{group}", lang)
    if by is not None and by in cb.fields and cb.fields[by].categories:
        try:
            return label(cb, by, str(group), lang)
        except ParameterError:
            pass
    return str(group)


def _level_text(levels: pd.Series) -> str:
    values = pd.to_numeric(levels, errors="coerce").dropna().unique()
    if len(values) != 1:
        return "95" if len(values) == 0 else "/".join(f"{100 * v:g}" for v in sorted(values))
    return f"{100 * values[0]:g}"


def _cells(table: pd.DataFrame, cell: str, lang: str, digits: int, marker: str) -> list[str]:
    count = pd.to_numeric(table["count"], errors="coerce").astype("float64")
    n = pd.to_numeric(table["n"], errors="coerce").astype("float64")
    hidden = table["suppressed"].astype(bool) if "suppressed" in table else pd.Series(False, index=table.index)
    small = n.isna() | n.lt(1)  # a hidden denominator hides its group's counts too
    if "estimate" in table:
        est = pd.to_numeric(table["estimate"], errors="coerce").astype("float64")
    else:
        est = (count / n.where(n > 0)).where(~hidden & ~small)
    low = pd.to_numeric(table["ci_low"], errors="coerce") if "ci_low" in table else pd.Series(np.nan, index=table.index)
    high = (
        pd.to_numeric(table["ci_high"], errors="coerce") if "ci_high" in table else pd.Series(np.nan, index=table.index)
    )
    level = table["ci_level"] if "ci_level" in table else pd.Series(0.95, index=table.index)
    na = t("marker.not_available", lang)
    out = []
    for c, e, lo, hi, lv, h in zip(count, est, low, high, level, hidden):
        if h or np.isnan(c):
            out.append(marker)
            continue
        pct = format_percent(e, lang, digits)
        if cell == "count":
            out.append(format_count(c, lang))
        elif cell == "n_percent":
            out.append(
                t("cell.n_percent", lang, count=format_count(c, lang), percent=pct) if pct else format_count(c, lang)
            )
        elif cell == "percent":
            out.append(pct or na)
        elif not pct:
            out.append(na)
        elif np.isnan(lo) or np.isnan(hi):
            out.append(pct)
        else:
            out.append(
                t(
                    "cell.percent_ci",
                    lang,
                    percent=pct,
                    level=f"{100 * float(lv):g}",
                    low=format_number(100 * lo, lang, digits),
                    high=format_number(100 * hi, lang, digits),
                )
            )
    return out


def format_table(
    table: pd.DataFrame,
    codebook: Codebook | str | Path | None = None,
    *,
    lang: str = "en",
    cell: str = "n_percent",
    digits: int = 1,
    layout: str = "long",
    by: str | None = None,
    marker: str = "*",
) -> pd.DataFrame:
    """A tidy (optionally suppressed) count table as a table of strings, labelled in ``lang``.

    Parameters
    ----------
    table : pandas.DataFrame
        At least ``variable, level, group, count, n``; ``estimate, ci_low, ci_high,
        ci_level`` and the ``suppressed, suppression`` columns of `suppress` are used when
        present.
    codebook : Codebook, optional
        Where variable and value labels come from (the packaged one by default). Variables
        and values it does not know are shown as they are.
    lang : {"en", "cy"}
    cell : {"n_percent", "percent_ci", "count", "percent"}
        What a cell shows: ``"12 (36.4%)"``, ``"36.4% (95% CI 20.1 to 52.3)"``, ``"12"`` or
        ``"36.4%"``. A hidden count is ``marker``; a percentage withheld because its
        denominator is small is left out (``"n_percent"``) or shown as ``".."``.
    digits : int, default 1
        Decimal places of percentages and interval bounds (0 to 6).
    layout : {"long", "wide"}
        ``"long"``: one row per variable, level and group, with columns Variable, Category,
        Group, the cell, Denominator (n). ``"wide"``: one row per variable and level and one
        column per group (in the table's order), each variable preceded by a row of its
        denominators.
    by : str, optional
        The variable the groups are values of (e.g. ``"board"``), for their labels; by
        default ``table.attrs.get("by")``. The overall group ``"all"`` is labelled "All".
    marker : str, default "*"

    Returns
    -------
    pandas.DataFrame
        Strings only, headings in ``lang``; ``attrs["footnotes"]`` holds `footnotes`.

    Examples
    --------
    >>> import pandas as pd
    >>> tab = pd.DataFrame({"variable": "cv_neglect", "level": "true", "group": ["pre_covid", "post_covid"],
    ...                     "count": [12, 6], "n": [20, 13], "estimate": [0.6, 6 / 13],
    ...                     "ci_low": [0.387, 0.232], "ci_high": [0.781, 0.709], "ci_level": 0.95})
    >>> wide = format_table(tab, cell="percent_ci", layout="wide", by="period")
    >>> wide.columns.tolist()
    ['Variable', 'Category', 'Before Covid-19', 'From Covid-19']
    >>> wide.iloc[1, 2]
    '60.0% (95% CI 38.7 to 78.1)'
    """
    check_lang(lang)
    _choice("cell", cell, CELLS)
    _choice("layout", layout, LAYOUTS)
    if isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= 6:
        raise ParameterError(f"digits={digits!r} is not allowed; use an integer from 0 to 6")
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(f"table must be a pandas DataFrame, got {type(table).__name__}")
    missing = [c for c in ("variable", "level", "group", "count", "n") if c not in table.columns]
    if missing:
        raise ParameterError(
            f"table lacks the column(s) {', '.join(missing)}; format_table needs variable, level, group, count, n"
        )
    cb = resolve(codebook, table)
    by = by if by is not None else table.attrs.get("by")
    if by is not None and not isinstance(by, str):
        raise ParameterError(f"by={by!r} must be a variable name")
    cells = _cells(table, cell, lang, digits, marker)
    var_lab = [_variable_label(cb, v, lang) for v in table["variable"]]
    lev_lab = [_level_label(cb, v, lv, lang) for v, lv in zip(table["variable"], table["level"])]
    grp_lab = [_group_label(cb, by, g, lang) for g in table["group"]]
    level_text = _level_text(table["ci_level"]) if "ci_level" in table else "95"
    heading = {
        "n_percent": t("heading.n_percent", lang),
        "percent_ci": t("heading.percent_ci", lang, level=level_text),
        "count": t("heading.count", lang),
        "percent": t("heading.percentage", lang),
    }[cell]
    h_var, h_lev, h_den = t("heading.variable", lang), t("heading.level", lang), t("heading.denominator", lang)
    n_text = [format_count(v, lang, na=marker) for v in pd.to_numeric(table["n"], errors="coerce")]
    if layout == "long":
        out = pd.DataFrame(
            {h_var: var_lab, h_lev: lev_lab, t("heading.group", lang): grp_lab, heading: cells, h_den: n_text},
            dtype="string",
        )
    else:
        out = _wide(table, var_lab, lev_lab, grp_lab, cells, n_text, h_var, h_lev, h_den)
    out.attrs = {"footnotes": footnotes(table, lang, codebook=cb, cell=cell, marker=marker), "lang": lang}
    return out


def _wide(table, var_lab, lev_lab, grp_lab, cells, n_text, h_var, h_lev, h_den) -> pd.DataFrame:
    long = pd.DataFrame(
        {
            "v": table["variable"].astype(str).to_numpy(),
            "l": table["level"].astype(str).to_numpy(),
            "vl": var_lab,
            "ll": lev_lab,
            "g": grp_lab,
            "c": cells,
            "n": n_text,
        }
    )
    groups = list(dict.fromkeys(grp_lab))
    rows = []
    for _v, sub in long.groupby("v", sort=False):
        den = {g: (s["n"].iloc[0] if s["n"].nunique() == 1 else "") for g, s in sub.groupby("g", sort=False)}
        rows.append({h_var: sub["vl"].iloc[0], h_lev: h_den, **den})
        for _, s in sub.groupby("l", sort=False):
            rows.append({h_var: s["vl"].iloc[0], h_lev: s["ll"].iloc[0], **dict(zip(s["g"], s["c"]))})
    return pd.DataFrame(rows, columns=[h_var, h_lev, *groups]).fillna("").astype("string")


def footnotes(
    table: pd.DataFrame,
    lang: str = "en",
    *,
    codebook: Codebook | str | Path | None = None,
    cell: str = "n_percent",
    marker: str = "*",
) -> list[str]:
    """The footnotes that apply to ``table``, in ``lang``.

    Parameters
    ----------
    table : pandas.DataFrame
        A count table, usually from `suppress` (its ``attrs["disclosure"]`` record is read).
    lang : {"en", "cy"}
    codebook : Codebook, optional
        Used to tell multi-response variables (their percentages may add up to more than 100).
    cell : {"n_percent", "percent_ci", "count", "percent"}
        The cell style shown (``".."`` is explained only where percentages are shown).
    marker : str, default "*"

    Returns
    -------
    list of str
        In this order, each only when it applies: the ``*`` marker (StatsWales wording), the
        suppression rule, ``..`` and small denominators, rounding, the analyst's opt-out (or
        that all-Wales figures are unsuppressed), multi-response percentages, the denominator,
        and the synthetic-data warning.

    Examples
    --------
    >>> import pandas as pd
    >>> from cprstats.disclosure.suppression import suppress
    >>> tab = pd.DataFrame({"variable": "x", "level": ["a", "b", "c"], "group": "all", "count": [2, 5, 9], "n": 16})
    >>> tab.attrs["synthetic"] = True
    >>> for note in footnotes(suppress(tab), "cy")[:2] + footnotes(suppress(tab), "cy")[-1:]:
    ...     print(note)
    * Mae'r eitem o ddata yn datgelu neu nid yw'n ddigon cadarn i'w gyhoeddi
    Ni ddangosir niferoedd o 1 i 4, na niferoedd eraill y gellid eu cyfrifo ohonynt; mae sero yn sero go iawn.
    Data synthetig yw'r rhain ac nid ydynt yn disgrifio unrhyw blentyn go iawn.
    """
    check_lang(lang)
    _choice("cell", cell, CELLS)
    rec = table.attrs.get("disclosure") or {}
    threshold = int(rec.get("threshold", 5))
    notes = []
    if "suppressed" in table and table["suppressed"].astype(bool).any():
        notes.append(f"{marker} {t('footnote.suppressed', lang)}")
        notes.append(t("footnote.suppression_rule", lang, max_small=threshold - 1))
    n = pd.to_numeric(table["n"], errors="coerce") if "n" in table else pd.Series(dtype="float64")
    count = pd.to_numeric(table["count"], errors="coerce") if "count" in table else pd.Series(dtype="float64")
    if cell in ("percent", "percent_ci") and (count.notna() & ~(n > 0)).any():  # a shown count without a share
        notes.append(f"{t('marker.not_available', lang)} {t('footnote.not_available', lang)}")
    if n.isna().any():  # a hidden denominator (shown as *) hides its group's counts
        notes.append(t("footnote.small_denominator", lang, threshold=threshold))
    if rec.get("round_to"):
        notes.append(t("footnote.rounded", lang, round_to=rec["round_to"]))
    if rec.get("opted_out"):
        notes.append(t("footnote.opted_out", lang))
    elif rec and not rec.get("applied") and rec.get("scope") == "wales":
        notes.append(t("footnote.not_suppressed", lang))
    cb = resolve(codebook, table)
    variables = {str(v) for v in pd.unique(table["variable"])} if "variable" in table else set()
    if cell != "count" and any(v in cb.fields and cb.fields[v].kind == "multi" for v in variables):
        notes.append(t("footnote.multi_response", lang))
    if cell != "count":
        units = set(pd.unique(table["unit"])) if "unit" in table else set()
        notes.append(t("footnote.denominator.review" if units == {"review"} else "footnote.denominator", lang))
    if table.attrs.get("synthetic"):
        notes.append(t("footnote.synthetic", lang))
    return notes
