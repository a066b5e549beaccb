"""Descriptive statistics of a coded dataset: proportions with intervals, and a "table one".

Both return long, tidy DataFrames with fixed columns whatever the arguments, unrounded; labels,
rounding, "n (%)" strings and disclosure control happen later (`cprstats.suppress` and the
formatting layer).

How variables are read
----------------------
- A single-choice variable gives one row per level, in the codebook's order, zero counts included.
- A boolean variable gives one row, ``level="true"`` (the share that is True).
- A multi-response variable is named by its variable name (e.g. ``"child_vulnerabilities"``): one
  row per option, with ``variable`` the variable name and ``level`` the option code, so labels come
  from the codebook the same way as for single-choice variables. An option column (``"cv_neglect"``)
  may also be named on its own and is reported the same way.
- Missing values (``<NA>``) leave a review out of that variable's denominator: for a multi-response
  variable the denominator is the reviews where the group was recorded. ``n`` is always the
  denominator actually used.
- A column the codebook does not know is described by its dtype: booleans as above, categoricals
  by their categories, text by its sorted distinct values, numbers (in `table_one`) by median and
  quartiles.

Groups: with ``by``, each group's code appears in ``group`` (booleans as ``"false"``/``"true"``),
followed by ``group="all"`` rows for the whole data (including rows whose ``by`` is missing), unless
``overall=False``. Without ``by``, ``group`` is ``"all"``. So the groups add up to ``"all"`` only when
every review has a ``by`` value; otherwise they add up to *at most* ``"all"``, the difference being
the reviews in no group. `proportions` declares which in ``attrs["groups"]`` (``"relation"``:
``"eq"`` or ``"le"``), which disclosure control needs: with ``"le"`` a reader who sees every ``n``
knows how many reviews are in no group, and can bound a hidden group's count from ``"all"`` minus
the groups shown (`cprstats.suppress` and `cprstats.disclosure.auditing.audit` take the reviews in no
group into account).

All shipped example data is synthetic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cprstats.codebook.model import resolve
from cprstats.errors import ParameterError
from cprstats.stats.intervals import METHODS, check_choice, check_ci_level, proportion_ci
from cprstats.stats.variables import (
    OVERALL,
    Units,
    check_frame,
    get_codebook,
    group_codes,
    numeric_values,
    resolve_items,
    tabulate,
)

__all__ = ["proportions", "table_one", "cooccurrence", "COLUMNS", "TABLE_ONE_COLUMNS", "TABLE_ONE_STATISTICS"]

COLUMNS = ("variable", "level", "group", "count", "n", "estimate", "ci_low", "ci_high", "ci_level", "method", "unit")
TABLE_ONE_COLUMNS = ("variable", "level", "group", "statistic", "value", "n", "unit")
TABLE_ONE_STATISTICS = ("count", "percent", "median", "q1", "q3", "missing")


def _groups(data, by, cb, overall: bool):
    """(codes, names) pairs: one per grouping to tabulate (the ``by`` groups, then the whole data)."""
    out = []
    if by is not None:
        out.append(group_codes(data, by, cb))
    if by is None or overall:
        out.append((np.zeros(len(data), dtype=np.int64), (OVERALL,)))
    return out


def count_table(data, items, by, cb, *, overall=True, units=None) -> pd.DataFrame:
    """Counts and denominators for every item, level and group (no intervals), each in its unit.

    A review-level item counts each review once (its first subject child's row); the ``unit``
    column says which (see `cprstats.stats.variables`).
    """
    blocks = []
    groupings = _groups(data, by, cb, overall)
    units = Units(data) if units is None else units
    for item in items:
        parts = [tabulate(data, item, codes, len(names), units) + (names,) for codes, names in groupings]
        counts = np.concatenate([p[0] for p in parts], axis=1)
        n = np.concatenate([p[1] for p in parts], axis=1)
        names = [g for p in parts for g in p[2]]
        L, G = counts.shape
        blocks.append(
            pd.DataFrame(
                {
                    "variable": item.variable,
                    "level": np.repeat(np.asarray(item.levels, dtype=object), G),
                    "group": np.tile(np.asarray(names, dtype=object), L),
                    "count": counts.ravel(),
                    "n": n.ravel(),
                    "unit": item.unit,
                }
            )
        )
    if not blocks:
        return pd.DataFrame(
            {c: pd.Series(dtype="string") for c in ("variable", "level", "group")}
            | {"count": pd.Series(dtype="int64"), "n": pd.Series(dtype="int64"), "unit": pd.Series(dtype="string")}
        )
    out = pd.concat(blocks, ignore_index=True)
    for c in ("variable", "level", "group", "unit"):
        out[c] = out[c].astype("string")
    return out


def proportions(data, variables=None, by=None, method="wilson", ci_level=0.95, *, overall=True, codebook=None):
    """Proportions with confidence intervals for categorical, boolean and multi-response variables.

    Parameters
    ----------
    data : pandas.DataFrame
        A coded dataset (`cprstats.code_reviews`, `cprstats.load_example`) or any frame.
    variables : str or list of str, optional
        Variable names (see the module notes for how each kind is read). None: every categorical,
        boolean and multi-response codebook variable present in ``data`` (identifiers and
        restricted variables left out).
    by : str, optional
        A column whose values define groups (e.g. ``"board"``, ``"period"``, a boolean column).
    method : {"wilson", "clopper-pearson", "jeffreys"}
        Interval for each proportion; see `cprstats.stats.intervals.proportion_ci`.
    ci_level : float
        Confidence level, strictly between 0 and 1.
    overall : bool
        With ``by``, also give the ``group="all"`` rows for the whole data.
    codebook : Codebook or path, optional
        Defaults to the one recorded in ``data.attrs["codebook"]``, else the packaged one.

    Returns
    -------
    pandas.DataFrame
        One row per variable, level and group, with columns
        ``variable`` (str), ``level`` (str: a code, an option code, or ``"true"``),
        ``group`` (str: the ``by`` group or ``"all"``), ``count`` (int: reviews or children with
        the level), ``n`` (int: the denominator, reviews or children with the variable recorded),
        ``estimate`` (count / n, NaN when n is 0), ``ci_low``, ``ci_high`` (the interval),
        ``ci_level``, ``method`` and ``unit`` (str: what ``count`` and ``n`` count, the variable's
        unit of analysis: ``"review"``, each review once, on its first subject child's row, for
        review-level variables such as ``review_type`` or ``themes``; ``"child"``, every
        subject child, for child-level ones such as ``sex`` or ``child_vulnerabilities``; a
        linked table's own unit there). With ``by``, a review is in the group of its first
        subject child's row.
        With ``by``, ``attrs["groups"]`` declares how the groups relate to the overall rows:
        ``{"by": by, "total": "all" (None when overall=False), "relation": "eq" or "le"}``,
        ``"eq"`` when every review has a ``by`` value (the groups add up to ``"all"``), ``"le"``
        when some have none (they are in ``"all"`` only).

    Raises
    ------
    ParameterError
        An unknown variable or ``by`` column (close matches are suggested), a numeric variable,
        a value outside the codebook's codes, an unknown ``method`` or a ``ci_level`` outside (0, 1).

    References
    ----------
    Newcombe RG (1998), Stat Med 17:857-872, doi:10.1002/(SICI)1097-0258(19980430)17:8<857::AID-SIM777>3.0.CO;2-E;
    Brown LD, Cai TT, DasGupta A (2001), Statist Sci 16:101-133, doi:10.1214/ss/1009213286.

    Examples
    --------
    On the shipped synthetic sample calibrated to McManus et al. (2023), where the subject child
    was the youngest in 66% of the 21 reviews where that was known (synthetic data, no real child):

    >>> import cprstats
    >>> tab = cprstats.proportions(cprstats.load_example("mcmanus_2023"), "youngest")
    >>> tab[["variable", "level", "group", "count", "n"]]
       variable level group  count   n
    0  youngest  true   all     14  21
    >>> print(f"{tab.estimate[0]:.3f} (95% CI {tab.ci_low[0]:.3f} to {tab.ci_high[0]:.3f})")
    0.667 (95% CI 0.454 to 0.828)

    By period, with the overall rows last:

    >>> wales = cprstats.load_example("wales")
    >>> tab = cprstats.proportions(wales, "child_vulnerabilities", by="period")
    >>> tab.group.unique().tolist()
    ['pre_covid', 'post_covid', 'all']
    >>> tab.columns.tolist() == list(COLUMNS)
    True
    >>> tab.attrs["groups"]
    {'by': 'period', 'total': 'all', 'relation': 'eq'}

    Each variable in its unit: 157 reviews, but 160 children (three reviews are about two
    siblings):

    >>> cprstats.proportions(wales, ["review_type", "sex"]).groupby("variable").agg(
    ...     n=("n", "first"), unit=("unit", "first"))
                  n    unit
    variable
    review_type  157  review
    sex          160   child
    """
    data = check_frame(data)
    check_choice("method", method, METHODS)
    level = check_ci_level(ci_level)
    cb = get_codebook(data, codebook)
    items = resolve_items(data, variables, cb)
    out = count_table(data, items, by, cb, overall=overall)
    count = out["count"].to_numpy()
    n = out["n"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["estimate"] = np.where(n > 0, count / np.maximum(n, 1), np.nan)
    out["ci_low"], out["ci_high"] = proportion_ci(count, n, method=method, ci_level=level)
    out["ci_level"] = level
    out["method"] = pd.Series([method] * len(out), dtype="string")
    out["unit"] = out["unit"].astype("string")
    out = out.loc[:, list(COLUMNS)]
    if by is not None:
        codes, _ = group_codes(data, by, cb)
        out.attrs["groups"] = {
            "by": by,
            "total": OVERALL if overall else None,
            "relation": "eq" if bool((codes >= 0).all()) else "le",
        }
    return out


def table_one(data, variables=None, by=None, *, overall=True, allow_restricted=False, codebook=None):
    """A "table one": counts and percentages, or medians and quartiles, per group and overall.

    Parameters
    ----------
    data : pandas.DataFrame
        A coded dataset or any frame.
    variables : str or list of str, optional
        As for `proportions`, plus numeric variables. None: every categorical, boolean,
        multi-response and numeric codebook variable present (identifiers and restricted ones left out).
    by : str, optional
        Column defining the groups.
    overall : bool
        With ``by``, also give the ``group="all"`` rows.
    allow_restricted : bool
        Restricted variables (``age_months``) are never published raw and are refused unless this
        is True (a median of a few children's ages can reveal one child's age).
    codebook : Codebook or path, optional

    Returns
    -------
    pandas.DataFrame
        Columns ``variable, level, group, statistic, value, n``. For categorical, boolean and
        multi-response variables, one ``"count"`` row (value: the count) and one ``"percent"`` row
        (value: 100 * count / n, NaN when n is 0) per level and group, with ``n`` the denominator;
        for numeric variables ``"median"``, ``"q1"`` and ``"q3"`` rows (linear interpolation, R's
        type 7) with ``level`` missing and ``n`` the number of non-missing values. Every variable
        also has a ``"missing"`` row per group (value: reviews without it recorded; ``n``: reviews
        in the group; for a multi-response variable, reviews where its first option is missing).
        Values are unrounded floats. ``unit`` says what was counted, as in `proportions`: a
        review-level variable once per review, a child-level one every subject child.

    Examples
    --------
    On the shipped synthetic sample calibrated to McManus et al. (2023) (no real child): three
    quarters had a sibling.

    >>> import cprstats
    >>> t1 = cprstats.table_one(cprstats.load_example("mcmanus_2023"), ["has_siblings", "n_siblings"])
    >>> t1[t1.variable == "has_siblings"]
           variable level group statistic      value   n   unit
    0  has_siblings  true   all     count  25.000000  33  child
    1  has_siblings  true   all   percent  75.757576  33  child
    2  has_siblings  <NA>   all   missing   0.000000  33  child
    >>> t1[t1.variable == "n_siblings"].statistic.tolist()
    ['median', 'q1', 'q3', 'missing']

    A frame the codebook does not know is described by its dtypes:

    >>> import pandas as pd
    >>> df = pd.DataFrame({"x": [3.0, 0.0, 2.0, 1.0]})
    >>> table_one(df, "x").set_index("statistic").value.to_dict()   # R: quantile(0:3)
    {'median': 1.5, 'q1': 0.75, 'q3': 2.25, 'missing': 0.0}
    """
    data = check_frame(data)
    cb = get_codebook(data, codebook)
    items = resolve_items(data, variables, cb, kinds=("categorical", "boolean", "multi", "numeric"))
    for item in items:
        if item.restricted and not allow_restricted:
            raise ParameterError(
                f"variables: {item.variable!r} is restricted and never published raw; use its bands "
                "(e.g. age_band_mcmanus) or pass allow_restricted=True for your own private analysis"
            )
    blocks = []
    groupings = _groups(data, by, cb, overall)
    units = Units(data)
    for item in items:
        counted = [(units.restrict(codes, item.unit), names) for codes, names in groupings]
        if item.kind == "numeric":
            blocks.append(_numeric_rows(data, item, counted).assign(unit=item.unit))
            continue
        tab = count_table(data, [item], by, cb, overall=overall, units=units)
        pct = 100.0 * tab["count"] / tab["n"].where(tab["n"] > 0)
        both = pd.concat(
            [
                tab.assign(statistic="count", value=tab["count"].astype(float)),
                tab.assign(statistic="percent", value=pct.astype(float)),
            ]
        )
        both = both.sort_index(kind="stable")
        blocks.append(both.loc[:, list(TABLE_ONE_COLUMNS)])
        blocks.append(_missing_rows(data, item, counted).assign(unit=item.unit))
    if not blocks:
        raise ParameterError("variables: none of the codebook's variables are in data")
    out = pd.concat(blocks, ignore_index=True)
    for c in ("variable", "level", "group", "statistic", "unit"):
        out[c] = out[c].astype("string")
    out["value"] = out["value"].astype("float64")
    out["n"] = out["n"].astype("int64")
    return out.loc[:, list(TABLE_ONE_COLUMNS)]


def _missing_rows(data, item, groupings) -> pd.DataFrame:
    missing = data[item.columns[0]].isna().to_numpy()
    rows = []
    for codes, names in groupings:
        ok = codes >= 0
        size = np.bincount(codes[ok], minlength=len(names))
        miss = np.bincount(codes[ok & missing], minlength=len(names))
        rows.append(
            pd.DataFrame(
                {
                    "variable": item.variable,
                    "level": pd.NA,
                    "group": list(names),
                    "statistic": "missing",
                    "value": miss.astype(float),
                    "n": size,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def _numeric_rows(data, item, groupings) -> pd.DataFrame:
    values = pd.Series(numeric_values(data, item).to_numpy(), copy=False)
    rows = []
    for codes, names in groupings:
        key = pd.Series(codes)
        ok = (codes >= 0) & values.notna().to_numpy()
        grouped = values[ok].groupby(key[ok].to_numpy())
        q = grouped.quantile([0.5, 0.25, 0.75]).unstack() if ok.any() else pd.DataFrame(columns=[0.5, 0.25, 0.75])
        q = q.reindex(range(len(names)))
        n = np.bincount(codes[ok], minlength=len(names))
        for stat, col in (("median", 0.5), ("q1", 0.25), ("q3", 0.75)):
            rows.append(
                pd.DataFrame(
                    {
                        "variable": item.variable,
                        "level": pd.NA,
                        "group": list(names),
                        "statistic": stat,
                        "value": q[col].to_numpy(dtype=float),
                        "n": n,
                    }
                )
            )
        rows.append(_missing_rows(data, item, [(codes, names)]))
    out = pd.concat(rows, ignore_index=True)
    order = {s: i for i, s in enumerate(TABLE_ONE_STATISTICS)}
    out["_g"] = out.groupby("statistic", sort=False).cumcount()
    out["_s"] = out["statistic"].map(order)
    return out.sort_values(["_g", "_s"], kind="stable").drop(columns=["_g", "_s"])


def cooccurrence(data: pd.DataFrame, variable: str, *, codebook=None, ci_level: float = 0.95) -> pd.DataFrame:
    """How many children's reviews record each pair of options of a multi-response variable.

    Parameters
    ----------
    data : pandas.DataFrame
        A coded dataset with the variable's option columns (``th_*`` for ``"themes"``).
    variable : str
        A multi-response variable of the codebook.
    codebook : Codebook, optional
    ci_level : float, default 0.95
        Level of the Wilson interval of each share.

    Returns
    -------
    pandas.DataFrame
        The tidy count-table columns ``variable, level, group, count, n, estimate, ci_low,
        ci_high, ci_level, method``, one row per pair of options in codebook order, each pair
        once (``level`` before or equal to ``group``; `heatmap` mirrors it): ``level == group``
        rows hold each option's own count, ``n`` is the reviews where the variable was recorded; and
        ``unit`` (a review-level variable such as ``themes`` counts each review once). Ready for
        `cprstats.suppress` (each pair stands alone: options are not additive) and `heatmap`.
    """

    cb = resolve(codebook, data)
    level = check_ci_level(ci_level)
    fld = cb.field(variable)
    if fld.kind != "multi":
        names = ", ".join(f.name for f in cb.multi_fields)
        raise ParameterError(f"cooccurrence: {variable!r} is not a multi-response variable; use one of {names}")
    cols = list(fld.option_columns)
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise ParameterError(f"cooccurrence: data lacks the option column(s) {', '.join(missing)} of {variable!r}")
    block = data[cols]
    recorded = block.notna().any(axis=1).to_numpy()
    if fld.unit == "review":
        recorded = recorded & Units(data).first
    x = block[recorded].fillna(False).astype(bool).to_numpy(dtype=np.int64)
    counts = x.T @ x
    k, n = len(cols), int(recorded.sum())
    i, j = np.triu_indices(k)  # each pair once: a symmetric table could leak through its mirror cell
    count = counts[i, j]
    m = len(count)
    with np.errstate(invalid="ignore", divide="ignore"):
        est = np.where(n > 0, count / max(n, 1), np.nan)
    low, high = proportion_ci(count, np.full(m, n), method="wilson", ci_level=level)
    codes = np.asarray(fld.codes, dtype=object)
    return pd.DataFrame(
        {
            "variable": pd.Series([variable] * m, dtype="string"),
            "level": pd.Series(codes[i], dtype="string"),
            "group": pd.Series(codes[j], dtype="string"),
            "count": count,
            "n": np.full(m, n),
            "estimate": est,
            "ci_low": low,
            "ci_high": high,
            "ci_level": level,
            "method": pd.Series(["wilson"] * m, dtype="string"),
            "unit": pd.Series([fld.unit] * m, dtype="string"),
        }
    )
