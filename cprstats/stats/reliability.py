"""Inter-rater agreement (reliability) between two coders of the same reviews.

The module is not called ``agreement``: a submodule of that name would replace the
function ``cprstats.agreement`` on the package as soon as it was imported.

A sample of reviews is coded twice, by two people working independently; `agreement`
says, for every variable and every option of a multi-response variable, how often they
agreed and how much of that agreement is more than chance. `disagreements` lists every
cell on which they differ, for the two coders to resolve.

Statistics (each per variable, over the reviews both coders recorded; see
`cprstats.stats.kappa` for the formulas and references)

* ``p_observed``: the proportion of those reviews on which the coders agree (percent
  agreement divided by 100);
* ``kappa`` (Cohen) with ``kappa_se`` (Fleiss, Cohen & Everitt 1969) and its Wald interval
  ``ci_low``/``ci_high`` at ``ci_level``; at perfect agreement kappa is 1 and its standard
  error and interval are NaN (not estimable: the standard error is 0), with a ``note``;
* ``pabak`` (Byrt, Bishop & Carlin 1993) with ``k`` the number of categories the codebook
  allows (2 for a yes/no option); variables without a fixed set of values (integers,
  months) have none;
* ``alpha``: Krippendorff's alpha for nominal data, with missing values by its standard
  definition (Krippendorff 2011).

Missing values
    A review both coders left empty on a variable (not recorded) is not compared for that
    variable. A review one coder recorded and the other left empty is an **incomplete
    pair**: it is left out of every statistic (``n``, ``n_agree``, p_observed, kappa and
    PABAK are over the complete pairs only; for Krippendorff's alpha a unit with one value
    is not pairable, so the standard definition leaves it out too), and ``n_one_missing``
    counts these reviews. "Not recorded" is never scored as a category of its own, which
    would make alpha and kappa measure how often the coders left cells empty rather than
    how far they agree on the values. For a multi-response option, "not recorded" is the
    whole group left empty (see the codebook). `disagreements` still lists the incomplete
    pairs (as ``"(not recorded)"``) for the coders to resolve.

Reviews only one coder coded are left out; they are listed in
``result.attrs["unmatched"]`` (a list of records with ``review_id, child_no, coded_by``;
``pd.DataFrame(result.attrs["unmatched"])`` makes it a table; plain records, not a
DataFrame, so that pandas can still concatenate and compare results) and a warning
says how many.
"""

from __future__ import annotations

import difflib
import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from cprstats.codebook.model import resolve
from cprstats.datasets.loader import load_data
from cprstats.errors import ParameterError
from cprstats.stats.kappa import alpha_from_table, check_level, kappa_from_table

__all__ = [
    "agreement",
    "disagreements",
    "agreement_summary",
    "AGREEMENT_COLUMNS",
    "DISAGREEMENT_COLUMNS",
    "SUMMARY_COLUMNS",
    "NOT_RECORDED",
]

#: Columns of `agreement`, in order, whatever the arguments.
AGREEMENT_COLUMNS = (
    "variable",
    "field",
    "option",
    "kind",
    "n",
    "n_agree",
    "n_one_missing",
    "n_categories",
    "p_observed",
    "p_expected",
    "kappa",
    "kappa_se",
    "ci_low",
    "ci_high",
    "ci_level",
    "pabak",
    "alpha",
    "note",
)
#: Columns of `disagreements`.
DISAGREEMENT_COLUMNS = ("review_id", "child_no", "field", "variable", "value_a", "value_b")
#: Columns of `agreement_summary`.
SUMMARY_COLUMNS = (
    "field",
    "n_variables",
    "n_comparisons",
    "n_agree",
    "p_observed",
    "kappa_median",
    "kappa_min",
    "kappa_max",
    "alpha_median",
)
#: How a value one coder left empty is shown when the other coder recorded one.
NOT_RECORDED = "(not recorded)"
_KEYS = ("review_id", "child_no")


# --------------------------------------------------------------------------- inputs
def _coded(data, cb, name: str) -> pd.DataFrame:
    """A coder's coded dataset, from whatever `cprstats.datasets.load_data` accepts."""

    return load_data(data, cb, name=name)


def _matched(coder_a, coder_b, cb):
    """Both coders' rows for the reviews both coded, in A's order; the unmatched; the keys."""
    a, b = _coded(coder_a, cb, "coder_a"), _coded(coder_b, cb, "coder_b")
    keyed = []
    for name, df in (("coder_a", a), ("coder_b", b)):
        missing = [k for k in _KEYS if k not in df.columns]
        if missing:
            raise ParameterError(f"{name} has no column {missing[0]!r}; reviews are matched on review_id and child_no")
        key = pd.MultiIndex.from_arrays([df["review_id"].astype("string"), df["child_no"].astype("Int64")], names=_KEYS)
        dup = key[key.duplicated()].unique()
        if len(dup):
            shown = ", ".join(f"{r} child {c}" for r, c in list(dup)[:5])
            raise ParameterError(
                f"{name} has more than one row for {shown}; each review_id and child_no must appear once"
            )
        keyed.append(df.set_axis(key, axis=0))
    a, b = keyed
    only_a = a.index.difference(b.index, sort=False)
    only_b = b.index.difference(a.index, sort=False)
    unmatched = pd.DataFrame(
        {
            "review_id": pd.array([k[0] for k in only_a] + [k[0] for k in only_b], dtype="string"),
            "child_no": pd.array([k[1] for k in only_a] + [k[1] for k in only_b], dtype="Int64"),
            "coded_by": pd.array(["coder_a"] * len(only_a) + ["coder_b"] * len(only_b), dtype="string"),
        }
    )
    common = a.index.intersection(b.index, sort=False)
    a, b = a.loc[common], b.loc[common]
    keys = (a.index.get_level_values(0).to_numpy(object), a.index.get_level_values(1).to_numpy(object))
    a.attrs, b.attrs = {}, {}
    return a, b, unmatched, keys


def _columns(variables, cb, a, b) -> list[str]:
    if variables is None:
        cols = []
        for fld in cb.input_fields:
            if fld.kind == "identifier":
                continue
            cols.extend(fld.option_columns if fld.type == "list" else [fld.name])
    else:
        if isinstance(variables, str):
            variables = [variables]
        cols = []
        for v in variables:
            if not isinstance(v, str) or not cb.knows(v):
                close = difflib.get_close_matches(str(v), list(cb.fields) + list(cb.coded_columns), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise ParameterError(f"variables: {v!r} is not a variable or column of the codebook{hint}")
            fld = cb.fields.get(v)
            if fld is not None and fld.type == "list":
                cols.extend(fld.option_columns)
            elif v in _KEYS:
                raise ParameterError(f"variables: {v!r} identifies the review; it is what the coders are matched on")
            else:
                cols.append(v)
    absent = [c for c in cols if c not in a.columns or c not in b.columns]
    if absent:
        raise ParameterError(f"column {absent[0]!r} is not in both coded datasets")
    return list(dict.fromkeys(cols))


def _as_text(s: pd.Series) -> np.ndarray:
    """Values as comparable strings (codes, yes/no for booleans, YYYY-MM for months), None if empty."""
    if isinstance(s.dtype, pd.BooleanDtype) or s.dtype == bool:
        raw = s.to_numpy(dtype=object, na_value=None)
        return np.array([None if v is None else ("yes" if v else "no") for v in raw], dtype=object)
    return s.astype("string").to_numpy(dtype=object, na_value=None)


def _complete_pairs(sa: pd.Series, sb: pd.Series):
    """Both coders' values on the reviews both recorded, and the number only one recorded."""
    ta, tb = _as_text(sa), _as_text(sb)
    na_a = np.array([v is None for v in ta], dtype=bool)
    na_b = np.array([v is None for v in tb], dtype=bool)
    both = ~na_a & ~na_b
    return ta[both], tb[both], int((na_a ^ na_b).sum())


def _pairs(sa: pd.Series, sb: pd.Series):
    """Both coders' values, "not recorded" filled in where only one left it empty.

    Returns the two arrays, a mask of the reviews compared (not both empty) and the
    number compared where exactly one coder left the value empty.
    """
    ta, tb = _as_text(sa), _as_text(sb)
    na_a = np.array([v is None for v in ta], dtype=bool)
    na_b = np.array([v is None for v in tb], dtype=bool)
    keep = ~(na_a & na_b)
    ta = np.where(na_a, NOT_RECORDED, ta)
    tb = np.where(na_b, NOT_RECORDED, tb)
    return ta, tb, keep, int((na_a ^ na_b).sum())


# --------------------------------------------------------------------------- public
def agreement(
    coder_a, coder_b, variables: Sequence[str] | str | None = None, *, ci_level: float = 0.95, codebook=None
) -> pd.DataFrame:
    """Agreement between two coders, per variable and per option of multi-response variables.

    Parameters
    ----------
    coder_a, coder_b : DataFrame, str or path
        Each coder's coded dataset (as `cprstats.code_reviews` returns), raw coding forms
        (a DataFrame from `cprstats.read_forms`), the path of coding forms or of a coded
        dataset CSV, or an example name: whatever `cprstats.datasets.load_data` accepts.
        Reviews are matched on ``review_id`` and ``child_no``.
    variables : str or list of str, optional
        Variables (``outcome``; a multi-response name such as ``themes`` means all its
        options) or coded columns (``th_escalation``). By default every variable a coder
        types, except the identifiers.
    ci_level : float, default 0.95
        Level of the interval for kappa.
    codebook : Codebook or path, optional
        By default the packaged codebook.

    Returns
    -------
    pandas.DataFrame
        One row per coded column, columns `AGREEMENT_COLUMNS`: ``variable`` (the coded
        column), ``field`` (its codebook variable), ``option`` (the option of a
        multi-response variable, else <NA>), ``kind``, ``n`` (reviews compared: both
        coders recorded a value), ``n_agree``, ``n_one_missing`` (incomplete pairs: reviews
        one coder left empty, left out of every statistic), ``n_categories`` (k for PABAK),
        ``p_observed``, ``p_expected``, ``kappa``, ``kappa_se``, ``ci_low``, ``ci_high``
        (NaN at perfect agreement, where they are not estimable), ``ci_level``, ``pabak``,
        ``alpha`` and ``note`` (why a statistic is missing). Unrounded. ``attrs["unmatched"]`` lists
        the reviews only one coder coded and ``attrs["n_matched"]`` counts those both coded.

    Raises
    ------
    ParameterError
        Unknown variables, a bad ``ci_level``, or a review coded twice by one coder.
    CodingError
        If forms given as paths or raw tables fail validation.

    See Also
    --------
    disagreements : every cell on which the coders differ.
    agreement_summary : the table condensed per variable group and overall.

    Examples
    --------
    A double-coded sample of the shipped synthetic forms, the second coder simulated:

    >>> import cprstats
    >>> from cprstats.synth.coders import double_coding_sample
    >>> from cprstats.datasets.examples import forms_path
    >>> forms = cprstats.read_forms(forms_path("wales"))
    >>> coder_a, coder_b = double_coding_sample(forms, n=20, seed=7, rate=0.5)
    >>> table = cprstats.agreement(coder_a, coder_b, ["outcome", "themes"])
    >>> table["variable"].tolist()[:3]
    ['outcome', 'th_advocacy_individual', 'th_advocacy_structural']
    >>> bool(table["p_observed"].between(0, 1).all()), table.attrs["n_matched"] >= 20
    (True, True)
    """

    check_level(ci_level)
    cb = resolve(codebook, coder_a)  # the one given, else the one coder A's data carry, else the packaged one
    a, b, unmatched, _ = _matched(coder_a, coder_b, cb)
    cols = _columns(variables, cb, a, b)
    records = [_one(c, a[c], b[c], cb, ci_level) for c in cols]
    out = pd.DataFrame.from_records(records, columns=list(AGREEMENT_COLUMNS))
    for c in ("variable", "field", "option", "kind", "note"):
        out[c] = out[c].astype("string")
    for c in ("n", "n_agree", "n_one_missing", "n_categories"):
        out[c] = out[c].astype("Int64")
    _warn_unmatched(unmatched)
    out.attrs["unmatched"] = unmatched.astype(object).to_dict("records")
    out.attrs["n_matched"] = len(a)
    return out


def _one(col, sa, sb, cb, ci_level) -> dict[str, Any]:
    fld, option = cb.resolve(col)
    ta, tb, one_missing = _complete_pairs(sa, sb)
    if option is not None or fld.type == "boolean":
        k = 2
    elif fld.categories:
        k = len(fld.categories)
    else:
        k = None
    codes, levels = pd.factorize(np.concatenate([ta, tb]).astype(str), sort=True)
    table = np.zeros((max(len(levels), 1),) * 2)
    np.add.at(table, (codes[: len(ta)], codes[len(ta) :]), 1.0)
    stats = kappa_from_table(table, ci_level=ci_level, k=k if k else max(len(levels), 1))
    # With two coders the units with one value are not pairable: alpha from the complete pairs'
    # table is Krippendorff's (2011) alpha with missing values (tests/test_kappa.py checks both).
    alpha = alpha_from_table(table)
    note = pd.NA
    if stats["n"] == 0:
        note = "no review recorded by both coders" if one_missing else "no review coded by both coders"
    elif math.isnan(stats["kappa"]):
        note = "kappa and alpha undefined: both coders gave the same single value throughout"
    elif stats["note"]:
        note = stats["note"]
    return dict(
        variable=col,
        field=fld.name,
        option=option if option is not None else pd.NA,
        kind="multi" if option is not None else fld.kind,
        n=int(stats["n"]),
        n_agree=int(stats["n_agree"]),
        n_one_missing=one_missing,
        n_categories=k if k else pd.NA,
        p_observed=stats["p_observed"],
        p_expected=stats["p_expected"],
        kappa=stats["kappa"],
        kappa_se=stats["kappa_se"],
        ci_low=stats["ci_low"],
        ci_high=stats["ci_high"],
        ci_level=float(ci_level),
        pabak=stats["pabak"] if k else math.nan,
        alpha=alpha,
        note=note,
    )


def _warn_unmatched(unmatched: pd.DataFrame) -> None:
    if len(unmatched):
        shown = ", ".join(f"{r.review_id} child {r.child_no} ({r.coded_by})" for r in unmatched.head(5).itertuples())
        more = f" and {len(unmatched) - 5} more" if len(unmatched) > 5 else ""
        warnings.warn(
            f"{len(unmatched)} review(s) were coded by only one coder and are left out: {shown}{more}",
            UserWarning,
            stacklevel=3,
        )


def disagreements(coder_a, coder_b, variables: Sequence[str] | str | None = None, *, codebook=None) -> pd.DataFrame:
    """Every cell on which two coders differ, for them to resolve.

    Parameters
    ----------
    coder_a, coder_b, variables, codebook
        As for `agreement`.

    Returns
    -------
    pandas.DataFrame
        Columns `DISAGREEMENT_COLUMNS`: ``review_id``, ``child_no``, ``field`` (codebook
        variable), ``variable`` (coded column), ``value_a``, ``value_b``. Values are codes,
        ``yes``/``no`` for options and booleans, ``YYYY-MM`` for months, and
        ``"(not recorded)"`` where one coder left the cell empty. Sorted by review, then in
        codebook order. The file names reviews: it is a working file, not for publication.
        ``attrs["unmatched"]`` lists the reviews only one coder coded.

    Examples
    --------
    >>> import cprstats
    >>> from cprstats.synth.coders import double_coding_sample
    >>> from cprstats.datasets.examples import forms_path
    >>> forms = cprstats.read_forms(forms_path("wales"))
    >>> coder_a, coder_b = double_coding_sample(forms, n=20, seed=7, rate=0.5)
    >>> diffs = cprstats.disagreements(coder_a, coder_b, "themes")
    >>> diffs.columns.tolist()
    ['review_id', 'child_no', 'field', 'variable', 'value_a', 'value_b']
    >>> bool((diffs["value_a"] != diffs["value_b"]).all())
    True
    """

    cb = resolve(codebook, coder_a)  # the one given, else the one coder A's data carry, else the packaged one
    a, b, unmatched, (rid, child) = _matched(coder_a, coder_b, cb)
    cols = _columns(variables, cb, a, b)
    frames = []
    order = {c: i for i, c in enumerate(cols)}
    for c in cols:
        ta, tb, keep, _ = _pairs(a[c], b[c])
        differ = keep & (ta != tb)
        if differ.any():
            frames.append(
                pd.DataFrame(
                    {
                        "review_id": rid[differ],
                        "child_no": child[differ],
                        "field": cb.resolve(c)[0].name,
                        "variable": c,
                        "value_a": ta[differ],
                        "value_b": tb[differ],
                    }
                )
            )
    if frames:
        out = pd.concat(frames, ignore_index=True)
        out["_o"] = out["variable"].map(order)
        out = out.sort_values(["review_id", "child_no", "_o"], kind="stable").drop(columns="_o").reset_index(drop=True)
    else:
        out = pd.DataFrame({c: [] for c in DISAGREEMENT_COLUMNS})
    out = out.astype(
        {
            "review_id": "string",
            "child_no": "Int64",
            "field": "string",
            "variable": "string",
            "value_a": "string",
            "value_b": "string",
        }
    )[list(DISAGREEMENT_COLUMNS)]
    _warn_unmatched(unmatched)
    out.attrs["unmatched"] = unmatched.astype(object).to_dict("records")
    return out


def agreement_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Condense an `agreement` table: one row per codebook variable, then one for all.

    Parameters
    ----------
    table : pandas.DataFrame
        The result of `agreement`.

    Returns
    -------
    pandas.DataFrame
        Columns `SUMMARY_COLUMNS`: ``field`` (``"all"`` on the last row), ``n_variables``
        (coded columns), ``n_comparisons`` and ``n_agree`` (summed over the columns),
        ``p_observed`` (their ratio: pooled percent agreement / 100), and the median,
        minimum and maximum kappa and the median alpha over the columns (NaN kappas,
        where both coders gave one value throughout, are left out).

    Examples
    --------
    >>> t = pd.DataFrame({"field": ["themes", "themes", "outcome"], "n": [10, 10, 10],
    ...                   "n_agree": [9, 7, 10], "kappa": [0.8, 0.4, 1.0], "alpha": [0.8, 0.4, 1.0]})
    >>> agreement_summary(t)[["field", "n_comparisons", "p_observed", "kappa_median"]]
         field  n_comparisons  p_observed  kappa_median
    0   themes             20    0.800000           0.6
    1  outcome             10    1.000000           1.0
    2      all             30    0.866667           0.8
    """
    missing = [c for c in ("field", "n", "n_agree", "kappa", "alpha") if c not in table.columns]
    if missing:
        raise ParameterError(f"table must be the result of agreement(); it has no column {missing[0]!r}")

    def row(name, g):
        n, agree = int(g["n"].sum()), int(g["n_agree"].sum())
        kap = pd.to_numeric(g["kappa"], errors="coerce").dropna()
        alp = pd.to_numeric(g["alpha"], errors="coerce").dropna()
        return dict(
            field=name,
            n_variables=len(g),
            n_comparisons=n,
            n_agree=agree,
            p_observed=agree / n if n else math.nan,
            kappa_median=float(kap.median()) if len(kap) else math.nan,
            kappa_min=float(kap.min()) if len(kap) else math.nan,
            kappa_max=float(kap.max()) if len(kap) else math.nan,
            alpha_median=float(alp.median()) if len(alp) else math.nan,
        )

    fields = list(dict.fromkeys(table["field"].tolist()))
    rows = [row(f, table[table["field"] == f]) for f in fields] + [row("all", table)]
    out = pd.DataFrame.from_records(rows, columns=list(SUMMARY_COLUMNS))
    out["field"] = out["field"].astype("string")
    return out
