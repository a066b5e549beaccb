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
    ``age_years`` is a codebook helper (``helpers:``, ``age_months // 12``). For a
    multi-response variable the levels are its options; a derived column made from some
    options (``parental_substance_misuse``) may stand in their place in a ranking; several
    multi-response variables joined by ``+`` (``harm_experienced+child_vulnerabilities``) are
    ranked together, as a study that grouped their options under one heading did.
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

Where each figure comes from, one column each:

``system``, ``year``, ``n``
    The review or notification system the figure describes ("England: Child Safeguarding
    Practice Review Panel rapid reviews"), the period it covers, and the study's number of
    cases (reviews or notifications; not always the denominator of the statement).
``definition_difference``
    How the figure's definition differs from what the Welsh data count (required for another
    nation's benchmark).
``citation``, ``primary_citation``, ``evidence``
    Where the figure was read, the primary publication it comes from, and whether it was read
    there (``primary``) or in a secondary summary such as a news page, a board's web page or a
    training deck (``secondary``).
``verified``
    ``yes`` only when the figure was checked against the primary source; a figure from a
    secondary summary is never verified. The Welsh figures are all unverified: the deck quotes
    them, and the regional analysis is not published.
``label_en``, ``label_cy``
    What the statement counts, in words, when the codebook's labels would not say it (England's
    four "deaths" rows each name their system, year and n); `check_published` fills them from
    the codebook for the other rows.

**Synthetic data.** The shipped examples were generated to reproduce these figures, so
`check_published` on them validates the machinery (the coding, the derivations, the checks),
not the findings: its ``validates`` column says ``"machinery"`` and ``attrs["note"]`` holds the
UI string key ``"published.note.synthetic_machinery"`` for the report to show.

Examples
--------
>>> import cprstats
>>> figs = cprstats.published_figures("mcmanus_2023")
>>> figs.loc[figs["statement"] == "deaths", "wording"].item()
"Two thirds of CPRs were prompted by a child's death."
>>> res = cprstats.check_published(cprstats.load_example("wales"), source="mcmanus_2023")
>>> bool(res["consistent"].all()), res["validates"].unique().tolist(), res.attrs["note"]
(True, ['machinery'], 'published.note.synthetic_machinery')
"""

from __future__ import annotations

import difflib
from fractions import Fraction
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from cprstats.codebook.i18n import t
from cprstats.codebook.model import LANGUAGES, Codebook, resolve
from cprstats.errors import CprstatsError, ParameterError

__all__ = [
    "published_figures",
    "check_published",
    "SOURCES",
    "CHECKS",
    "TOLERANCES",
    "RESULT_COLUMNS",
    "FIGURE_COLUMNS",
    "EVIDENCE",
    "VALIDATES",
    "SYNTHETIC_NOTE",
    "is_synthetic",
]

SOURCES = ("mcmanus_2023", "mww_2017_2021", "england")
CHECKS = ("share", "rank", "present", "min", "max")
TOLERANCES = ("exact", "percent", "fraction", "none")
EVIDENCE = ("primary", "secondary")
#: What a comparison with a published figure can show: ``machinery`` (synthetic data generated to
#: match the figures), ``findings`` (data coded from the real reviews), ``context`` (a benchmark
#: from another system, no verdict).
VALIDATES = ("machinery", "findings", "context")
#: The UI string (``cprstats.t``) a report shows beside a check on synthetic data.
SYNTHETIC_NOTE = "published.note.synthetic_machinery"
_WELSH_SOURCES = ("mcmanus_2023", "mww_2017_2021")
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
    "system",
    "year",
    "n",
    "definition_difference",
    "primary_citation",
    "evidence",
    "label_en",
    "label_cy",
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
    "label_en",
    "label_cy",
    "system",
    "year",
    "definition_difference",
    "evidence",
    "verified",
    "validates",
)
_AGE_YEARS = {"method": "divide", "from": ["age_months"], "value": 12}  # for a codebook without helpers
_FRACTIONS = sorted({Fraction(p, q) for q in range(1, 6) for p in range(q + 1)})
_UNITS = {"age_years": "years", "incident_year": "year"}


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    ref = resources.files("cprstats.datasets").joinpath("published.csv")
    with resources.as_file(ref) as p:
        raw = pd.read_csv(p, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")
    if tuple(raw.columns) != FIGURE_COLUMNS:
        raise CprstatsError(f"published.csv: columns {list(raw.columns)} are not {list(FIGURE_COLUMNS)}")
    for col, allowed in (
        ("source", SOURCES),
        ("check", CHECKS),
        ("verified", ("yes", "no")),
        ("evidence", EVIDENCE),
    ):
        bad = sorted(set(raw[col]) - set(allowed))
        if bad:
            raise CprstatsError(f"published.csv: {col} holds {bad}; allowed: {', '.join(allowed)}")
    unchecked = raw.loc[(raw["evidence"] == "secondary") & (raw["verified"] == "yes"), "statement"].tolist()
    if unchecked:
        raise CprstatsError(
            f"published.csv: {unchecked} are marked verified but were read in a secondary summary; "
            "a figure is verified only against its primary source"
        )
    needed = ["system", "year", "n", "primary_citation"]
    for col in needed + ["definition_difference"]:
        rows = raw["source"].isin(_WELSH_SOURCES) if col in needed else ~raw["source"].isin(_WELSH_SOURCES)
        empty = raw.loc[rows & raw[col].str.strip().eq(""), "statement"].tolist()
        if empty:
            raise CprstatsError(f"published.csv: {col} is empty for {empty}; every figure says where it comes from")
    half = raw.loc[raw["label_en"].eq("") != raw["label_cy"].eq(""), "statement"].tolist()
    if half:
        raise CprstatsError(f"published.csv: {half} have a label in one language only; give label_en and label_cy")
    share = raw["check"] == "share"
    if not raw.loc[share, "tolerance"].isin(TOLERANCES).all():
        raise CprstatsError(f"published.csv: a share check needs a tolerance, one of {', '.join(TOLERANCES)}")
    out = raw.copy()
    for col in ("numerator", "denominator", "n"):
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
        "system",
        "year",
        "definition_difference",
        "primary_citation",
        "evidence",
        "label_en",
        "label_cy",
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
        Columns `FIGURE_COLUMNS`: ``source, statement, sample, variable, level, given, check,
        value, population, numerator, denominator, percent, wording, tolerance, location,
        citation, verified, note, system, year, n, definition_difference, primary_citation,
        evidence, label_en, label_cy`` (see the module notes); numbers missing where the
        source gives none.

    Examples
    --------
    England's figures read in news pages are secondary, so not verified:

    >>> eng = published_figures("england").set_index("statement")
    >>> row = eng.loc["panel2020_under_1"]
    >>> str(row["system"]), str(row["evidence"]), bool(row["verified"])
    ('England: Child Safeguarding Practice Review Panel rapid reviews', 'secondary', False)
    >>> str(eng.loc["sin2024_deaths", "evidence"]), bool(eng.loc["sin2024_deaths", "verified"])
    ('primary', True)
    """
    table = _table()
    if source is not None:
        table = table[table["source"] == _check_source(source)]
    return table.reset_index(drop=True).copy()


def _values(data: pd.DataFrame, column: str, cb: Codebook | None = None) -> pd.Series:
    """A column of ``data``, or a codebook helper computed from one (``age_years``: ``age_months // 12``)."""
    cb = resolve(cb, data)
    if column not in data.columns:
        how = cb.helpers[column].derived if column in cb.helpers else _AGE_YEARS if column == "age_years" else None
        if how is not None:
            return data[how["from"][0]] // how["value"]
    return data[column]


def _multi(cb: Codebook, variable: str) -> list:
    """The multi-response fields a (possibly ``a+b``) variable names, or [] if it is not one."""
    names = variable.split("+")
    fields = [cb.fields.get(n) for n in names]
    if all(f is not None and f.type == "list" for f in fields):
        return fields
    return []


def is_synthetic(data: pd.DataFrame) -> bool:
    """Whether ``data`` is synthetic: it says so (``attrs["synthetic"]``), or every review identifier starts ``SYN-``.

    >>> import pandas as pd
    >>> is_synthetic(pd.DataFrame({"review_id": ["SYN-CYSUR 1 2019"]}))
    True
    >>> is_synthetic(pd.DataFrame({"review_id": ["CYSUR 1 2019"]}))
    False
    """
    if bool(data.attrs.get("synthetic")):
        return True
    if "review_id" in data.columns and len(data):
        ids = data["review_id"].astype("string")
        return bool(ids.str.startswith("SYN-").fillna(False).all())
    return False


def _equals(series: pd.Series, levels: list[str]) -> np.ndarray:
    if series.dtype == "boolean" or series.dtype == bool:
        want = {v == "true" for v in levels}
        return series.isin(want).fillna(False).to_numpy(bool)
    return series.astype(object).isin(levels).to_numpy(bool)


def _given(data: pd.DataFrame, given: str, cb: Codebook | None = None) -> np.ndarray:
    mask = np.ones(len(data), dtype=bool)
    for part in filter(None, (given or "").split("&")):
        negate = "!=" in part
        col, levels = part.split("!=" if negate else "=", 1)
        s = _values(data, col.strip(), cb)
        hit = _equals(s, levels.strip().split("|"))
        mask &= (s.notna().to_numpy(bool) & ~hit) if negate else hit
    return mask


def _columns(cb: Codebook, variable: str, levels: list[str]) -> list[str]:
    """The coded columns counted for ``levels`` of ``variable`` (option columns of a multi-response variable)."""
    fields = _multi(cb, variable)
    if fields:
        out = []
        for lev in levels:
            owner = next((f for f in fields if lev in f.codes), None)
            out.append(lev if owner is None else f"{owner.prefix}_{lev}")
        return out
    return [variable]


def _share(data, cb, variable, levels, rows):
    cols = _columns(cb, variable, levels)
    if cols != [variable]:
        block = data.loc[rows, cols]
        valid = block.notna().all(axis=1).to_numpy(bool)
        hit = block.fillna(False).astype(bool).any(axis=1).to_numpy(bool) & valid
    else:
        s = _values(data, variable, cb)[rows]
        valid = s.notna().to_numpy(bool)
        hit = _equals(s, levels) & valid
    return int(hit.sum()), int(valid.sum())


def _rank(data, cb, variable, level, all_levels, rows):
    """Count of ``level`` and its strict rank among the variable's levels (a tie ranks below)."""
    fields = _multi(cb, variable)
    if fields:
        cols = [c for f in fields for c in f.option_columns]
        codes = {c for f in fields for c in f.codes}
        for lev in all_levels:  # a derived column ranks in place of the options it is made from
            if lev not in codes and lev in cb.fields and cb.fields[lev].derived:
                cols = [c for c in cols if c not in cb.fields[lev].derived["from"]] + [lev]
        block = data.loc[rows, cols]
        valid = block.notna().all(axis=1)
        counts = block[valid.to_numpy(bool)].fillna(False).astype(bool).sum()
        key, n = _columns(cb, variable, [level])[0], int(valid.sum())
    else:
        s = _values(data, variable, cb)[rows].dropna()
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
        One row per statement, columns `RESULT_COLUMNS`: ``source, statement, sample, variable,
        level, given, check, unit, published, computed, difference, numerator, denominator,
        published_numerator, published_denominator, tolerance, consistent, wording``, then
        ``label_en, label_cy`` (what the statement counts, in words: the published table's own
        label, else the codebook's titles and labels, never a raw name), ``system, year,
        definition_difference, evidence, verified`` (from the published table) and
        ``validates`` (`VALIDATES`: ``"machinery"`` on synthetic data, which were generated to
        match the figures, ``"findings"`` on data coded from real reviews, ``"context"`` for
        another nation's benchmark). ``published`` and ``computed`` are in ``unit`` (percent
        for shares, rank, count for ``present``, years for ages, ``year`` for years: show them
        without a thousands separator), unrounded; ``difference`` is computed minus published;
        ``consistent`` is a nullable boolean (missing for England's benchmarks).
        On synthetic data, ``attrs["note"]`` is `SYNTHETIC_NOTE`, the key of the bilingual
        sentence that says the check validates the machinery, not the findings.

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
    synthetic = is_synthetic(data)
    records = []
    for f in figs.itertuples(index=False):
        levels = f.level.split("|") if f.level else []
        rows = _given(data, f.given, cb)
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
            s = _values(data, f.variable, cb)[rows].dropna()
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
                **{f"label_{lang}": f._asdict()[f"label_{lang}"] or _label(cb, f, lang) for lang in LANGUAGES},
                "system": f.system,
                "year": f.year,
                "definition_difference": f.definition_difference,
                "evidence": f.evidence,
                "verified": f.verified,
                "validates": "context" if f.tolerance == "none" else "machinery" if synthetic else "findings",
            }
        )
    out = pd.DataFrame.from_records(records, columns=[c for c in RESULT_COLUMNS if c != "difference"])
    for col in ("published", "computed"):
        out[col] = pd.to_numeric(out[col].astype(object).where(out[col].notna(), np.nan), errors="coerce").astype(float)
    out.insert(RESULT_COLUMNS.index("difference"), "difference", out["computed"] - out["published"])
    for col in ("numerator", "denominator", "published_numerator", "published_denominator"):
        out[col] = pd.array([pd.NA if pd.isna(v) else int(v) for v in out[col]], dtype="Int64")
    out["consistent"] = pd.array([pd.NA if pd.isna(v) else bool(v) for v in out["consistent"]], dtype="boolean")
    for col in RESULT_COLUMNS:
        if col not in ("published", "computed", "difference", "consistent", "verified") and not col.startswith(
            ("numerator", "denominator", "published_")
        ):
            out[col] = out[col].astype("string")
    out["verified"] = pd.array([bool(v) for v in out["verified"]], dtype="boolean")
    out = out.loc[:, list(RESULT_COLUMNS)]
    out.attrs["synthetic"] = synthetic
    if synthetic:
        out.attrs["note"] = SYNTHETIC_NOTE
    return out


def _label(cb: Codebook, f, lang: str) -> str:
    """What a statement counts, from the codebook: "Title: level or level (check)", never a raw name."""
    names = f.variable.split("+")
    try:
        titles = [cb.label(n, lang=lang) for n in names]
        levels = [lv for lv in (f.level or "").split("|") if lv and lv != "true"]
        owner = {
            lv: next((n for n in names if lv in cb.fields.get(n, cb.helpers.get(n)).codes), names[0]) for lv in levels
        }
        labs = [cb.level_label(owner[lv], lv, lang) for lv in levels]
    except (ParameterError, AttributeError):
        return f.statement
    text = " / ".join(titles)
    if labs:
        text = f"{text}: {t('cell.or', lang).join(labs)}"
    if f.check != "share":
        text = f"{text} ({t(f'check.{f.check}', lang)})"
    return text


def _require(data: pd.DataFrame, cb: Codebook, figs: pd.DataFrame) -> None:
    needed: dict[str, list[str]] = {}
    for f in figs.itertuples(index=False):
        cols = _columns(cb, f.variable, f.level.split("|") if f.level else [])
        fields = _multi(cb, f.variable)
        if f.check == "rank" and fields:
            options = [c for fld in fields for c in fld.option_columns]
            cols = options + [c for c in cols if c not in options]
        cols += [p.split("!=" if "!=" in p else "=")[0].strip() for p in filter(None, f.given.split("&"))]
        for c in cols:
            if c not in data.columns and (c in cb.helpers or c == "age_years"):
                c = (cb.helpers[c].derived if c in cb.helpers else _AGE_YEARS)["from"][0]
            if c not in data.columns:
                needed.setdefault(c, []).append(f.statement)
    if needed:
        detail = "; ".join(f"{c} (for {', '.join(s)})" for c, s in needed.items())
        raise ParameterError(
            f"data lacks columns the published statements need: {detail}; pass a coded dataset (code_reviews)"
        )
