"""Trends over years: is a characteristic becoming more or less common among reviews?

One row per variable and level: the overall proportion with its interval, the change in the
proportion per year (least-squares slope weighted by the number of reviews a year) and the
Cochran-Armitage test for a linear trend, exact whenever the years' table can be enumerated.

Counted in the variable's unit, as in `cprstats.compare`: a review-level variable once per
review, a child-level one once per review (the first subject child, ``unit="first_child"``)
when some review is about several siblings. A series with fewer than ``min_group`` reviews
with the variable recorded gets no test (``note="small_group"``).

(The module is called ``trends`` so that importing it can never replace the function
``cprstats.trend``.) All shipped example data is synthetic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cprstats.errors import ParameterError
from cprstats.stats.comparisons import MIN_GROUP, check_min_group, family_sizes
from cprstats.stats.contingency import ADJUST_METHODS, adjust_pvalues, cochran_armitage
from cprstats.stats.intervals import METHODS, check_choice, check_ci_level, proportion_ci
from cprstats.stats.variables import OVERALL, Units, check_frame, get_codebook, resolve_items, tabulate

__all__ = ["trend", "TREND_COLUMNS"]

TREND_COLUMNS = (
    "variable",
    "level",
    "group",
    "count",
    "n",
    "estimate",
    "ci_low",
    "ci_high",
    "ci_level",
    "method",
    "first_year",
    "last_year",
    "n_years",
    "slope",
    "statistic",
    "p_value",
    "p_adjusted",
    "adjust",
    "family_size",
    "test",
    "note",
    "unit",
)


def trend(
    data,
    variables=None,
    year="incident_year",
    *,
    method="wilson",
    ci_level=0.95,
    adjust="holm",
    exact=True,
    min_group=MIN_GROUP,
    codebook=None,
):
    """Test each level of each variable for a linear trend in its proportion over the years.

    Parameters
    ----------
    data : pandas.DataFrame
        A coded dataset or any frame.
    variables : str or list of str, optional
        As for `cprstats.proportions` (None: every categorical, boolean and multi-response variable).
    year : str
        A numeric column of years (default ``"incident_year"``); its values are the scores.
        Rows without a year are left out.
    method : {"wilson", "clopper-pearson", "jeffreys"}
        Interval for the overall proportion.
    ci_level : float
        Confidence level, strictly between 0 and 1.
    adjust : {"holm", "fdr_bh", "none"}
        Multiple-comparison adjustment across the rows of this call; rows without a p-value are
        left out of the family.
    exact : bool
        Use the exact conditional Cochran-Armitage p-value when the table can be enumerated
        (always for samples of a few hundred reviews); else, and for larger data, the normal
        approximation (R's ``prop.trend.test``).
    min_group : int, default 10
        The fewest reviews with the variable recorded (over all the years) a series may have for
        a test; below it the row gets no statistic or p-value and ``note="small_group"``.
        (The floor is on the whole series, not on each year: Wales publishes at most about ten
        CPRs a year, so a floor per year would leave no trend tested.)
    codebook : Codebook or path, optional

    Returns
    -------
    pandas.DataFrame
        One row per variable and level, columns ``variable, level, group`` (always ``"all"``),
        ``count, n, estimate, ci_low, ci_high, ci_level, method`` (over all years with a year),
        ``first_year, last_year, n_years`` (the years with the variable recorded),
        ``slope`` (change in the proportion per year), ``statistic`` (the Cochran-Armitage z; its
        square is R's X-squared), ``p_value`` (two-sided), ``p_adjusted, adjust``,
        ``family_size`` (how many p-values the adjustment spans), ``test``
        (``"cochran_armitage_exact"`` or ``"cochran_armitage"``; missing, with NaN statistics,
        when there is nothing to test: fewer than two years, or no variation), ``note`` (why a
        row has no test: ``"small_group"``, fewer than ``min_group`` reviews, or
        ``"nothing_to_test"``) and ``unit`` (``"review"``, ``"child"`` or ``"first_child"``, as
        in `cprstats.compare`).

    References
    ----------
    Armitage P (1955), Biometrics 11:375-386, doi:10.2307/3001775; Agresti A (2002), Categorical
    Data Analysis, 2nd ed., chapter 3 (trend tests), doi:10.1002/0471249688.

    Examples
    --------
    A tiny synthetic frame (no real child):

    >>> import pandas as pd
    >>> df = pd.DataFrame({"incident_year": pd.array([2017, 2017, 2018, 2018, 2019, 2019, 2020, 2020], dtype="Int64"),
    ...                    "adversity": pd.array([False, False, False, True, True, False, True, True],
    ...                                          dtype="boolean")})
    >>> res = trend(df, "adversity", min_group=8)
    >>> res[["variable", "count", "n", "first_year", "last_year", "slope", "test"]]
        variable  count  n  first_year  last_year  slope                    test
    0  adversity      4  8        2017       2020    0.3  cochran_armitage_exact
    >>> trend(df, "adversity")[["p_value", "note"]]  # 8 reviews: fewer than min_group=10
       p_value         note
    0      NaN  small_group

    On the shipped synthetic all-Wales data (no real child), every theme:

    >>> import cprstats
    >>> res = cprstats.trend(cprstats.load_example("wales"), "themes")
    >>> sorted(set(res.test)), sorted(set(res.variable))
    (['cochran_armitage_exact'], ['themes'])
    """
    data = check_frame(data)
    check_choice("method", method, METHODS)
    check_choice("adjust", adjust, ADJUST_METHODS)
    level = check_ci_level(ci_level)
    if not isinstance(exact, bool):
        raise ParameterError(f"exact={exact!r} must be True or False")
    min_group = check_min_group(min_group)
    if not isinstance(year, str) or year not in data.columns:
        raise ParameterError(f"year={year!r} is not a column of data; name the column of years (e.g. 'incident_year')")
    ys = data[year]
    if not pd.api.types.is_numeric_dtype(ys.dtype) or pd.api.types.is_bool_dtype(ys.dtype):
        raise ParameterError(f"year={year!r} must be a numeric column of years, got dtype {ys.dtype}")
    cb = get_codebook(data, codebook)
    items = resolve_items(data, variables, cb, what="tested for a trend")
    valid = ys.notna().to_numpy()
    scores, inverse = np.unique(ys[valid].to_numpy(dtype=float), return_inverse=True)
    codes = np.full(len(data), -1, dtype=np.int64)
    codes[valid] = inverse
    rows = []
    units = Units(data)
    for item in items:
        unit = units.unit(item, independent=True)
        counts, n = tabulate(data, item, codes, len(scores), units, unit)
        for i, lev in enumerate(item.levels):
            z, p, slope, test = cochran_armitage(counts[i], n[i], scores, exact=exact)
            note = None
            if n[i].sum() < min_group:
                z, p, test, note = np.nan, np.nan, None, "small_group"
            elif not np.isfinite(p):
                note = "nothing_to_test"
            seen = scores[n[i] > 0]
            rows.append(
                {
                    "variable": item.variable,
                    "level": lev,
                    "group": OVERALL,
                    "count": int(counts[i].sum()),
                    "n": int(n[i].sum()),
                    "first_year": int(seen.min()) if len(seen) else pd.NA,
                    "last_year": int(seen.max()) if len(seen) else pd.NA,
                    "n_years": len(seen),
                    "slope": slope,
                    "statistic": z,
                    "p_value": p,
                    "test": test,
                    "note": note,
                    "unit": unit,
                }
            )
    out = pd.DataFrame(
        rows,
        columns=[
            c
            for c in TREND_COLUMNS
            if c not in ("estimate", "ci_low", "ci_high", "ci_level", "method", "p_adjusted", "adjust", "family_size")
        ],
    )
    count, n = out["count"].to_numpy(dtype=np.int64), out["n"].to_numpy(dtype=np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["estimate"] = np.where(n > 0, count / np.maximum(n, 1), np.nan)
    out["ci_low"], out["ci_high"] = proportion_ci(count, n, method=method, ci_level=level)
    out["ci_level"] = level
    out["method"] = method
    out["p_adjusted"] = adjust_pvalues(out["p_value"].to_numpy(dtype=float), method=adjust)
    out["adjust"] = adjust
    out["family_size"] = pd.Series(family_sizes(out["p_value"].to_numpy(dtype=float)), dtype="float64").astype("Int64")
    for c in ("variable", "level", "group", "method", "adjust", "test", "note", "unit"):
        out[c] = out[c].astype("string")
    for c in ("count", "n", "n_years"):
        out[c] = out[c].astype("int64")
    for c in ("first_year", "last_year"):
        out[c] = out[c].astype("Int64")
    for c in ("slope", "statistic", "p_value", "p_adjusted"):
        out[c] = out[c].astype("float64")
    return out.loc[:, list(TREND_COLUMNS)]
