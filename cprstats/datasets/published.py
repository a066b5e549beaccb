"""Published figures as data, and a check that a coded dataset reproduces them.

``cprstats/datasets/published.csv`` holds every figure of the source document (the all-Wales thematic
analysis, McManus et al. 2023, and the Mid and West Wales regional analysis, as the training
deck quotes them) and England's verified benchmark figures, one statement per row, each with
its wording, where it was found, its citation, whether it was checked against the original
(``verified``), and a machine-readable specification:

``sample``
    The study sample: rows whose ``in_<sample>`` flag is true (all rows if the data has no
    such column, or for England's rows, where the whole dataset is compared).
``variable``, ``level``
    A coded column or codebook variable and the value(s) counted (``a|b`` = either).
    ``age_years`` is ``age_months // 12``. For a multi-response variable the levels are its
    options; a derived column made from some options (``parental_substance_misuse``) may
    stand in their place in a ranking.
``given``
    Restricts the denominator: ``column=value`` or ``column!=value``, joined by ``&``.
``check``
    ``share`` (numerator over the rows where the variable is recorded), ``rank`` (the level's
    place among all levels by count, strictly: a tie is not consistent), ``present`` (at
    least one row), ``min`` / ``max`` (the smallest / largest value equals ``value``).
``tolerance`` (share checks)
    ``exact``: the computed count (and denominator, if published) equals the published one.
    ``percent``: the computed percentage rounds (half up) *or* truncates to the published
    whole percent ("66% of 21 cases" is 14/21 = 66.7%, truncated), and the denominator matches
    if published. ``fraction``: a verbal fraction ("two thirds", "a fifth") is consistent when
    the fraction with denominator 5 or less nearest to the computed share is the one stated:
    two thirds of 33 accepts 21 to 23 (63.6% to 69.7%), not 20 (60.6%, nearer three fifths).
    ``none``: a benchmark from elsewhere (England), shown beside the data without a verdict.

Examples
--------
>>> import cprstats
>>> figs = cprstats.published_figures("mcmanus_2023")
>>> figs.loc[figs["statement"] == "deaths", "wording"].item()
"Two thirds of CPRs were prompted by a child's death."
>>> res = cprstats.check_published(cprstats.load_example("wales"), source="mcmanus_2023")
>>> bool(res["consistent"].all())
True
"""

from __future__ import annotations

import difflib
from fractions import Fraction
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from cprstats.codebook.model import Codebook, resolve
from cprstats.errors import CprstatsError, ParameterError

__all__ = [
    "published_figures",
    "check_published",
    "SOURCES",
    "CHECKS",
    "TOLERANCES",
    "RESULT_COLUMNS",
    "FIGURE_COLUMNS",
]

SOURCES = ("mcmanus_2023", "mww_2017_2021", "england")
CHECKS = ("share", "rank", "present", "min", "max")
TOLERANCES = ("exact", "percent", "fraction", "none")
FIGURE_COLUMNS = (
    "source",
    "statement",
    "sample",
    "variable",
    "level",
    "given",
    "check",
    "value",
    "population",
    "numerator",
    "denominator",
    "percent",
    "wording",
    "tolerance",
    "location",
    "citation",
    "verified",
    "note",
)
RESULT_COLUMNS = (
    "source",
    "statement",
    "sample",
    "variable",
    "level",
    "given",
    "check",
    "unit",
    "published",
    "computed",
    "difference",
    "numerator",
    "denominator",
    "published_numerator",
    "published_denominator",
    "tolerance",
    "consistent",
    "wording",
)
_FRACTIONS = sorted({Fraction(p, q) for q in range(1, 6) for p in range(q + 1)})
_UNITS = {"age_years": "years", "incident_year": "year"}


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    ref = resources.files("cprstats.datasets").joinpath("published.csv")
    with resources.as_file(ref) as p:
        raw = pd.read_csv(p, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")
    if tuple(raw.columns) != FIGURE_COLUMNS:
        raise CprstatsError(f"published.csv: columns {list(raw.columns)} are not {list(FIGURE_COLUMNS)}")
    for col, allowed in (("source", SOURCES), ("check", CHECKS), ("verified", ("yes", "no"))):
        bad = sorted(set(raw[col]) - set(allowed))
        if bad:
            raise CprstatsError(f"published.csv: {col} holds {bad}; allowed: {', '.join(allowed)}")
    share = raw["check"] == "share"
    if not raw.loc[share, "tolerance"].isin(TOLERANCES).all():
        raise CprstatsError(f"published.csv: a share check needs a tolerance, one of {', '.join(TOLERANCES)}")
    out = raw.copy()
    for col in ("numerator", "denominator"):
        out[col] = pd.array([int(v) if v else pd.NA for v in raw[col]], dtype="Int64")
    for col in ("value", "percent"):
        out[col] = pd.array([float(v) if v else pd.NA for v in raw[col]], dtype="Float64")
    fraction = (raw["tolerance"] == "fraction").to_numpy()
    out.loc[fraction, "percent"] = [  # a verbal fraction exactly: 66.666... for "two thirds"
        100 * float(Fraction(float(v) / 100).limit_denominator(5)) for v in raw.loc[fraction, "percent"]
    ]
    out["verified"] = pd.array(raw["verified"].eq("yes").to_numpy(), dtype="boolean")
    for col in (
        "source",
        "statement",
        "sample",
        "variable",
        "level",
        "given",
        "check",
        "population",
        "wording",
        "tolerance",
        "location",
        "citation",
        "note",
    ):
        out[col] = raw[col].astype("string")
    return out


def _check_source(source) -> str:
    if source not in SOURCES:
        close = difflib.get_close_matches(str(source), SOURCES, n=1, cutoff=0.5)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ParameterError(
            f"source={source!r} is not a source of published figures{hint}; use one of {', '.join(SOURCES)}"
        )
    return source


def published_figures(source: str | None = None) -> pd.DataFrame:
    """The published figures table (``cprstats/datasets/published.csv``), for one source or all.

    Parameters
    ----------
    source : {"mcmanus_2023", "mww_2017_2021", "england"}, optional
        Default: every source.

    Returns
    -------
    pandas.DataFrame
        Columns ``source, statement, sample, variable, level, given, check, value,
        population, numerator, denominator, percent, wording, tolerance, location, citation,
        verified, note``; numbers missing where the source gives none.

    Examples
    --------
    >>> published_figures("england")["verified"].all()
    np.True_
    """
    table = _table()
    if source is not None:
        table = table[table["source"] == _check_source(source)]
    return table.reset_index(drop=True).copy()


def _values(data: pd.DataFrame, column: str) -> pd.Series:
    if column == "age_years" and "age_months" in data:
        return data["age_months"] // 12
    return data[column]


def _equals(series: pd.Series, levels: list[str]) -> np.ndarray:
    if series.dtype == "boolean" or series.dtype == bool:
        want = {v == "true" for v in levels}
        return series.isin(want).fillna(False).to_numpy(bool)
    return series.astype(object).isin(levels).to_numpy(bool)


def _given(data: pd.DataFrame, given: str) -> np.ndarray:
    mask = np.ones(len(data), dtype=bool)
    for part in filter(None, (given or "").split("&")):
        negate = "!=" in part
        col, levels = part.split("!=" if negate else "=", 1)
        s = _values(data, col.strip())
        hit = _equals(s, levels.strip().split("|"))
        mask &= (s.notna().to_numpy(bool) & ~hit) if negate else hit
    return mask


def _columns(cb: Codebook, variable: str, levels: list[str]) -> list[str]:
    """The coded columns counted for ``levels`` of ``variable`` (option columns of a multi-response variable)."""
    if variable in cb.fields and cb.fields[variable].type == "list":
        fld = cb.fields[variable]
        return [lev if lev not in fld.codes else f"{fld.prefix}_{lev}" for lev in levels]
    return [variable]


def _share(data, cb, variable, levels, rows):
    cols = _columns(cb, variable, levels)
    if cols != [variable]:
        block = data.loc[rows, cols]
        valid = block.notna().all(axis=1).to_numpy(bool)
        hit = block.fillna(False).astype(bool).any(axis=1).to_numpy(bool) & valid
    else:
        s = _values(data, variable)[rows]
        valid = s.notna().to_numpy(bool)
        hit = _equals(s, levels) & valid
    return int(hit.sum()), int(valid.sum())


def _rank(data, cb, variable, level, all_levels, rows):
    """Count of ``level`` and its strict rank among the variable's levels (a tie ranks below)."""
    if variable in cb.fields and cb.fields[variable].type == "list":
        fld = cb.fields[variable]
        cols = list(fld.option_columns)
        for lev in all_levels:  # a derived column ranks in place of the options it is made from
            if lev not in fld.codes and lev in cb.fields and cb.fields[lev].derived:
                cols = [c for c in cols if c not in cb.fields[lev].derived["from"]] + [lev]
        block = data.loc[rows, cols]
        valid = block.notna().all(axis=1)
        counts = block[valid.to_numpy(bool)].fillna(False).astype(bool).sum()
        key, n = _columns(cb, variable, [level])[0], int(valid.sum())
    else:
        s = _values(data, variable)[rows].dropna()
        counts = s.value_counts()  # every category of a categorical, zeros included
        counts.index = counts.index.astype(object)
        key, n = level, len(s)
    own = int(counts.get(key, 0))
    others = counts.drop(index=key, errors="ignore")
    return own, n, 1 + int((others >= own).sum())


def _consistent(tol, num, den, pct, pub_num, pub_den, pub_pct):
    if tol == "none":
        return pd.NA
    if den == 0:
        return False
    if pd.notna(pub_den) and den != pub_den:
        return False
    if tol == "exact":
        return bool(pd.notna(pub_num) and num == pub_num)
    if tol == "percent":
        return bool(np.floor(pct + 1e-9) == pub_pct or np.floor(pct + 0.5 + 1e-9) == pub_pct)
    stated = Fraction(float(pub_pct) / 100).limit_denominator(5)
    share = Fraction(num, den)
    best = min(abs(share - f) for f in _FRACTIONS)
    return abs(share - stated) == best


def check_published(data: pd.DataFrame, source: str = "mcmanus_2023", *, codebook=None) -> pd.DataFrame:
    """Each published statement of ``source`` beside the figure computed from ``data``.

    Parameters
    ----------
    data : pandas.DataFrame
        A coded dataset (`cprstats.code_reviews`, `cprstats.load_example`). The sample is
        the rows whose ``in_<sample>`` column is true, or every row if there is no such
        column: an academic who codes the real reviews of a study gets the same comparison.
    source : {"mcmanus_2023", "mww_2017_2021", "england"}
        ``"england"`` puts the whole dataset beside England's benchmarks, with no verdict.
    codebook : Codebook or path, optional

    Returns
    -------
    pandas.DataFrame
        One row per statement, columns ``source, statement, sample, variable, level, given,
        check, unit, published, computed, difference, numerator, denominator,
        published_numerator, published_denominator, tolerance, consistent, wording``.
        ``published`` and ``computed`` are in ``unit`` (percent for shares, rank, count for
        ``present``, years for ages), unrounded; ``difference`` is computed minus published;
        ``consistent`` is a nullable boolean (missing for England's benchmarks).

    Examples
    --------
    >>> import cprstats
    >>> res = check_published(cprstats.load_example("mww_2017_2021"), source="mww_2017_2021")
    >>> row = res.set_index("statement").loc["mapfs"]
    >>> int(row["numerator"]), int(row["denominator"]), bool(row["consistent"])
    (4, 11, True)
    """
    _check_source(source)
    if not isinstance(data, pd.DataFrame):
        raise ParameterError(f"data must be a coded dataset (a pandas DataFrame), got {type(data).__name__}")
    cb = resolve(codebook, data)
    figs = published_figures(source)
    _require(data, cb, figs)
    records = []
    for f in figs.itertuples(index=False):
        levels = f.level.split("|") if f.level else []
        rows = _given(data, f.given)
        flag = f"in_{f.sample}"
        if f.sample and flag in data:
            rows &= data[flag].fillna(False).astype(bool).to_numpy()
        pub_num, pub_den = f.numerator, f.denominator
        num = den = pd.NA
        unit, published, computed = "percent", f.percent, np.nan
        if f.check == "share":
            num, den = _share(data, cb, f.variable, levels, rows)
            computed = 100 * num / den if den else np.nan
            ok = _consistent(f.tolerance, num, den, computed, pub_num, pub_den, f.percent)
        elif f.check == "rank":
            same = figs[(figs["check"] == "rank") & (figs["variable"] == f.variable)]["level"].tolist()
            num, den, computed = _rank(data, cb, f.variable, f.level, same, rows)
            unit, published, ok = "rank", f.value, computed == f.value
        elif f.check == "present":
            num, den = _share(data, cb, f.variable, levels, rows)
            unit, published, computed, ok = "count", np.nan, num, num >= 1
        else:
            s = _values(data, f.variable)[rows].dropna()
            computed = (s.min() if f.check == "min" else s.max()) if len(s) else np.nan
            unit, published = _UNITS.get(f.variable, "value"), f.value
            ok = bool(len(s)) and computed == f.value
        records.append(
            {
                "source": f.source,
                "statement": f.statement,
                "sample": f.sample,
                "variable": f.variable,
                "level": f.level,
                "given": f.given,
                "check": f.check,
                "unit": unit,
                "published": published,
                "computed": computed,
                "numerator": num,
                "denominator": den,
                "published_numerator": pub_num,
                "published_denominator": pub_den,
                "tolerance": f.tolerance,
                "consistent": ok,
                "wording": f.wording,
            }
        )
    out = pd.DataFrame.from_records(records, columns=[c for c in RESULT_COLUMNS if c != "difference"])
    for col in ("published", "computed"):
        out[col] = pd.to_numeric(out[col].astype(object).where(out[col].notna(), np.nan), errors="coerce").astype(float)
    out.insert(RESULT_COLUMNS.index("difference"), "difference", out["computed"] - out["published"])
    for col in ("numerator", "denominator", "published_numerator", "published_denominator"):
        out[col] = pd.array([pd.NA if pd.isna(v) else int(v) for v in out[col]], dtype="Int64")
    out["consistent"] = pd.array([pd.NA if pd.isna(v) else bool(v) for v in out["consistent"]], dtype="boolean")
    for col in ("source", "statement", "sample", "variable", "level", "given", "check", "unit", "tolerance", "wording"):
        out[col] = out[col].astype("string")
    return out


def _require(data: pd.DataFrame, cb: Codebook, figs: pd.DataFrame) -> None:
    needed: dict[str, list[str]] = {}
    for f in figs.itertuples(index=False):
        cols = _columns(cb, f.variable, f.level.split("|") if f.level else [])
        if f.check == "rank" and f.variable in cb.fields and cb.fields[f.variable].type == "list":
            cols = list(cb.fields[f.variable].option_columns) + [
                c for c in cols if c not in cb.fields[f.variable].option_columns
            ]
        cols += [p.split("!=" if "!=" in p else "=")[0].strip() for p in filter(None, f.given.split("&"))]
        for c in cols:
            c = "age_months" if c == "age_years" else c
            if c not in data.columns:
                needed.setdefault(c, []).append(f.statement)
    if needed:
        detail = "; ".join(f"{c} (for {', '.join(s)})" for c, s in needed.items())
        raise ParameterError(
            f"data lacks columns the published statements need: {detail}; pass a coded dataset (code_reviews)"
        )
