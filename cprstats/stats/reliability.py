"""Inter-rater agreement (reliability) between two or more coders of the same reviews.

The module is not called ``agreement``: a submodule of that name would replace the
function ``cprstats.agreement`` on the package as soon as it was imported.

A sample of reviews is coded by two (or more) people working independently; `agreement`
says, for every variable and every option of a multi-response variable, how often they
agreed and how much of that agreement is more than chance. `disagreements` lists every
cell on which they differ, for the coders to resolve.

Statistics for two coders (each per variable, over the reviews both coders recorded; see
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

Three or more coders
    `agreement` returns the columns `AGREEMENT_K_COLUMNS`: those above, with ``coders`` (how
    many), and ``kappa`` is Fleiss' (1971) kappa over the reviews every coder recorded, with
    the standard error of Fleiss, Nee & Landis (1979) (Fleiss, Levin & Paik 2003) and its
    Wald interval (an approximation: that standard error is derived for kappa = 0);
    ``p_observed`` and ``p_expected`` are Fleiss' mean pairwise agreement and chance
    agreement, ``n_agree`` counts the reviews on which every coder gave the same value,
    ``pabak`` is Randolph's (2005) free-marginal kappa (PABAK for two coders), ``alpha`` is
    Krippendorff's alpha over every pairable value, and ``kappa_pairs_mean`` (Light's 1971
    kappa), ``kappa_pairs_min`` and ``kappa_pairs_max`` summarise Cohen's kappa of every pair
    of coders. ``pairwise=True`` gives instead one row per coded column and pair of coders
    (`PAIRWISE_COLUMNS`: the two-coder columns and ``pair``), each exactly what `agreement`
    of those two coders would say on the reviews every coder coded.

Both levels of a multi-response variable
    Every option column (``th_escalation``: was this theme recorded?) and, with
    ``any_option`` (on by default for three or more coders, off for two so that the
    two-coder table stays as it was), the variable itself (``themes``, ``option`` empty):
    did the coder record any option at all, or "none"? A review on which a coder left the
    whole group empty is not recorded at either level.

Missing values
    A review every coder left empty on a variable (not recorded) is not compared for that
    variable. A review some coders recorded and others left empty is an **incomplete**
    unit: it is left out of ``n``, ``n_agree``, p_observed, kappa and PABAK (which are over
    the complete pairs, or for three or more coders the reviews every coder recorded),
    and ``n_one_missing`` counts these reviews. Krippendorff's alpha uses every value that
    can be paired with another on the same review (Krippendorff 2011), so with two coders
    it too is over the complete pairs, and with three or more it also uses a review two of
    three coders recorded. "Not recorded" is never scored as a category of its own, which
    would make alpha and kappa measure how often the coders left cells empty rather than
    how far they agree on the values. For a multi-response option, "not recorded" is the
    whole group left empty (see the codebook). `disagreements` still lists the incomplete
    units (as ``"(not recorded)"``) for the coders to resolve.

Reviews not every coder coded are left out; they are listed in ``result.attrs["unmatched"]``
(a list of records with ``review_id, child_no, coded_by``, one per review and coder who
coded it; ``pd.DataFrame(result.attrs["unmatched"])`` makes it a table; plain records, not
a DataFrame, so that pandas can still concatenate and compare results) and a warning says
how many. Coders are named ``coder_a``, ``coder_b``, ``coder_c``... in the order given.
"""

from __future__ import annotations

import difflib
import itertools
import math
import os
import string
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cprstats.codebook.model import Codebook, resolve
from cprstats.datasets.examples import EXAMPLES
from cprstats.datasets.loader import load_data
from cprstats.errors import ParameterError
from cprstats.stats.kappa import (
    alpha_from_counts,
    alpha_from_table,
    check_level,
    fleiss_kappa_from_counts,
    kappa_from_table,
    rating_counts,
)

__all__ = [
    "agreement",
    "disagreements",
    "agreement_summary",
    "coder_names",
    "disagreement_columns",
    "AGREEMENT_COLUMNS",
    "AGREEMENT_K_COLUMNS",
    "PAIRWISE_COLUMNS",
    "DISAGREEMENT_COLUMNS",
    "SUMMARY_COLUMNS",
    "NOT_RECORDED",
]

#: Columns of `agreement` for two coders, in order, whatever the other arguments.
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
#: Columns of `agreement` for three or more coders: Fleiss' kappa, alpha and the pairwise Cohen's kappas.
AGREEMENT_K_COLUMNS = (
    *AGREEMENT_COLUMNS[:4],
    "coders",
    *AGREEMENT_COLUMNS[4:-1],
    "kappa_pairs_mean",
    "kappa_pairs_min",
    "kappa_pairs_max",
    "note",
)
#: Columns of ``agreement(..., pairwise=True)``: one row per coded column and pair of coders.
PAIRWISE_COLUMNS = (*AGREEMENT_COLUMNS[:4], "pair", *AGREEMENT_COLUMNS[4:])
#: Columns of `disagreements` for two coders (`disagreement_columns` for more).
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
#: How a value one coder left empty is shown when another coder recorded one.
NOT_RECORDED = "(not recorded)"
_KEYS = ("review_id", "child_no")


def coder_names(k: int) -> list[str]:
    """The names the coders get, in the order given: ``coder_a``, ``coder_b``, ... (``coder_27`` on).

    >>> coder_names(3)
    ['coder_a', 'coder_b', 'coder_c']
    """
    letters = string.ascii_lowercase
    return [f"coder_{letters[i]}" if i < len(letters) else f"coder_{i + 1}" for i in range(k)]


def disagreement_columns(k: int) -> tuple[str, ...]:
    """Columns of `disagreements` for ``k`` coders: `DISAGREEMENT_COLUMNS` with one ``value_`` per coder.

    >>> disagreement_columns(3)[-3:]
    ('value_a', 'value_b', 'value_c')
    """
    return (*DISAGREEMENT_COLUMNS[:4], *(f"value_{n.removeprefix('coder_')}" for n in coder_names(k)))


# --------------------------------------------------------------------------- inputs
def _coded(data, cb, name: str) -> pd.DataFrame:
    """A coder's coded dataset, from whatever `cprstats.datasets.load_data` accepts."""

    return load_data(data, cb, name=name)


def _names_variables(value: Any, cb: Codebook) -> bool:
    """Whether a last positional argument is the variables (the two-coder call ``agreement(a, b, vars)``)."""
    if isinstance(value, (list, tuple)):
        return True
    if not isinstance(value, str) or not cb.knows(value):
        return False
    if value in EXAMPLES or Path(value).exists():
        raise ParameterError(
            f"{value!r} is a variable of the codebook and also an example or a file here; pass the coders' "
            "data and variables=... by name"
        )
    return True


def _split(args: tuple, variables, codebook, fn: str):
    """The coders' data, the variables and the codebook from ``fn(*args, variables=...)``."""
    coders = list(args)
    if not coders:
        raise ParameterError(f"{fn} needs the data of two or more coders, got none")
    cb = resolve(codebook, coders[0])  # the one given, else the one coder A's data carry, else the packaged one
    if variables is None and len(coders) >= 3 and _names_variables(coders[-1], cb):
        variables = coders.pop()  # agreement(a, b, ["outcome"]): the signature before three coders
    if len(coders) < 2:
        raise ParameterError(f"{fn} needs the data of two or more coders, got {len(coders)}")
    return coders, variables, cb


def _matched(coders: Sequence, cb: Codebook):
    """Every coder's rows for the reviews all coded, in the first coder's order; the unmatched; the keys."""
    names = coder_names(len(coders))
    keyed = []
    for name, data in zip(names, coders):
        df = _coded(data, cb, name)
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
    common = keyed[0].index
    for df in keyed[1:]:
        common = common.intersection(df.index, sort=False)
    rid, child, coded_by = [], [], []
    for name, df in zip(names, keyed):
        only = df.index.difference(common, sort=False)
        rid += [k[0] for k in only]
        child += [k[1] for k in only]
        coded_by += [name] * len(only)
    unmatched = pd.DataFrame(
        {
            "review_id": pd.array(rid, dtype="string"),
            "child_no": pd.array(child, dtype="Int64"),
            "coded_by": pd.array(coded_by, dtype="string"),
        }
    )
    frames = [df.loc[common] for df in keyed]
    for df in frames:
        df.attrs = {}
    first = frames[0]
    keys = (first.index.get_level_values(0).to_numpy(object), first.index.get_level_values(1).to_numpy(object))
    return frames, unmatched, keys


def _columns(variables, cb, frames, *, any_option: bool = False) -> list[str]:
    """The coded columns to compare, in codebook order; with ``any_option`` each multi-response name first."""

    def multi(fld) -> list[str]:
        return ([fld.name] if any_option else []) + list(fld.option_columns)

    if variables is None:
        cols = []
        for fld in cb.input_fields:
            if fld.kind == "identifier":
                continue
            cols.extend(multi(fld) if fld.type == "list" else [fld.name])
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
                cols.extend(multi(fld))
            elif v in _KEYS:
                raise ParameterError(f"variables: {v!r} identifies the review; it is what the coders are matched on")
            else:
                cols.append(v)
    for c in cols:
        needed = cb.fields[c].option_columns if _is_any(c, cb) else (c,)
        for col in needed:
            if not all(col in df.columns for df in frames):
                where = "both coded datasets" if len(frames) == 2 else "every coded dataset"
                raise ParameterError(f"column {col!r} is not in {where}")
    return list(dict.fromkeys(cols))


def _is_any(col: str, cb: Codebook) -> bool:
    """Whether ``col`` is a multi-response variable's own name: its "any option recorded" level."""
    fld = cb.fields.get(col)
    return fld is not None and fld.type == "list"


def _as_text(s: pd.Series) -> np.ndarray:
    """Values as comparable strings (codes, yes/no for booleans, YYYY-MM for months), None if empty."""
    if isinstance(s.dtype, pd.BooleanDtype) or s.dtype == bool:
        raw = s.to_numpy(dtype=object, na_value=None)
        return np.array([None if v is None else ("yes" if v else "no") for v in raw], dtype=object)
    return s.astype("string").to_numpy(dtype=object, na_value=None)


def _values(df: pd.DataFrame, col: str, cb: Codebook) -> np.ndarray:
    """One coder's values of a coded column; for a multi-response name, whether any option was recorded."""
    if not _is_any(col, cb):
        return _as_text(df[col])
    opts = df[list(cb.fields[col].option_columns)].astype("boolean")
    recorded = opts.notna().any(axis=1).to_numpy()
    present = opts.fillna(False).any(axis=1).to_numpy()
    return np.array([("yes" if p else "no") if r else None for r, p in zip(recorded, present)], dtype=object)


def _complete_pairs(ta: np.ndarray, tb: np.ndarray):
    """Both coders' values on the reviews both recorded, and the number only one recorded."""
    na_a = np.array([v is None for v in ta], dtype=bool)
    na_b = np.array([v is None for v in tb], dtype=bool)
    both = ~na_a & ~na_b
    return ta[both], tb[both], int((na_a ^ na_b).sum())


def _filled(values: Sequence[np.ndarray]):
    """Every coder's values, "not recorded" filled in where some left it empty.

    Returns the arrays, a mask of the reviews compared (not all empty) and the number
    compared where some but not all coders left the value empty.
    """
    empty = np.array([[v is None for v in t] for t in values], dtype=bool)
    keep = ~empty.all(axis=0)
    some = empty.any(axis=0) & keep
    filled = [np.where(e, NOT_RECORDED, t) for t, e in zip(values, empty)]
    return filled, keep, int(some.sum())


def _n_categories(col: str, cb: Codebook) -> int | None:
    """k for PABAK: 2 for a yes/no option, a boolean or the "any option" level, else the codebook's categories."""
    if _is_any(col, cb):
        return 2
    fld, option = cb.resolve(col)
    if option is not None or fld.type == "boolean":
        return 2
    if fld.categories:
        return len(fld.categories)
    return None


def _describe(col: str, cb: Codebook) -> dict[str, Any]:
    """``variable, field, option, kind`` of a coded column."""
    if _is_any(col, cb):
        return dict(variable=col, field=col, option=pd.NA, kind="multi")
    fld, option = cb.resolve(col)
    return dict(
        variable=col,
        field=fld.name,
        option=option if option is not None else pd.NA,
        kind="multi" if option is not None else fld.kind,
    )


# --------------------------------------------------------------------------- public
def agreement(
    *coders: pd.DataFrame | str | os.PathLike[str] | Sequence[str],
    variables: Sequence[str] | str | None = None,
    ci_level: float = 0.95,
    pairwise: bool = False,
    any_option: bool | None = None,
    codebook: Codebook | str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """Agreement between two or more coders, per variable and per option of multi-response variables.

    Parameters
    ----------
    *coders : DataFrame, str or path
        Each coder's coded dataset (as `cprstats.code_reviews` returns), raw coding forms
        (a DataFrame from `cprstats.read_forms`), the path of coding forms or of a coded
        dataset CSV, or an example name: whatever `cprstats.datasets.load_data` accepts.
        Two or more, named ``coder_a``, ``coder_b``, ... in this order. Reviews are matched
        on ``review_id`` and ``child_no``; only those every coder coded are compared.
    variables : str or list of str, optional
        Variables (``outcome``; a multi-response name such as ``themes`` means all its
        options) or coded columns (``th_escalation``). By default every variable a coder
        types, except the identifiers. For compatibility with the two-coder signature
        ``agreement(coder_a, coder_b, variables)``, a last positional argument that is a
        list of names, or a name the codebook knows (and not an example or a file), is
        taken as ``variables``.
    ci_level : float, default 0.95
        Level of the interval for kappa.
    pairwise : bool, default False
        One row per coded column and pair of coders (`PAIRWISE_COLUMNS`), each pair's
        Cohen's kappa as for two coders, instead of one row per coded column.
    any_option : bool, optional
        Also compare, for each multi-response variable, whether any option was recorded
        (a row whose ``variable`` is the variable's own name and ``option`` is empty). By
        default on for three or more coders and off for two (the two-coder table as it was).
    codebook : Codebook or path, optional
        By default the one the first coder's data carry, else the packaged codebook.

    Returns
    -------
    pandas.DataFrame
        Two coders: one row per coded column, columns `AGREEMENT_COLUMNS`: ``variable``
        (the coded column), ``field`` (its codebook variable), ``option`` (the option of a
        multi-response variable, else <NA>), ``kind``, ``n`` (reviews compared: both
        coders recorded a value), ``n_agree``, ``n_one_missing`` (incomplete pairs: reviews
        one coder left empty, left out of every statistic), ``n_categories`` (k for PABAK),
        ``p_observed``, ``p_expected``, ``kappa`` (Cohen), ``kappa_se``, ``ci_low``,
        ``ci_high`` (NaN at perfect agreement, where they are not estimable),
        ``ci_level``, ``pabak``, ``alpha`` and ``note`` (why a statistic is missing).

        Three or more coders: columns `AGREEMENT_K_COLUMNS`, the same with ``coders`` (how
        many) and with ``n`` the reviews every coder recorded, ``n_agree`` those on which
        every coder gave the same value, ``n_one_missing`` those some coders left empty,
        ``p_observed``/``p_expected``/``kappa``/``kappa_se``/``ci_low``/``ci_high`` Fleiss'
        (1971) kappa, ``pabak`` the free-marginal kappa, ``alpha`` Krippendorff's over every
        pairable value, and ``kappa_pairs_mean`` (Light's kappa), ``kappa_pairs_min`` and
        ``kappa_pairs_max`` over the pairs of coders (each pair's Cohen's kappa over the
        reviews both recorded; pairs whose kappa is undefined are left out).

        Unrounded. ``attrs["unmatched"]`` lists the reviews not every coder coded,
        ``attrs["n_matched"]`` counts those every coder coded and ``attrs["coders"]`` names
        the coders.

    Raises
    ------
    ParameterError
        Fewer than two coders, unknown variables, a bad ``ci_level``, or a review coded
        twice by one coder.
    CodingError
        If forms given as paths or raw tables fail validation.

    See Also
    --------
    disagreements : every cell on which the coders differ.
    agreement_summary : the table condensed per variable group and overall.

    References
    ----------
    Fleiss JL (1971). Measuring nominal scale agreement among many raters. Psychol Bull
    76:378-82. doi:10.1037/h0031619. Krippendorff K (2011). Computing Krippendorff's
    Alpha-Reliability. https://repository.upenn.edu/asc_papers/43. Further references in
    `cprstats.stats.kappa`.

    Examples
    --------
    A double-coded sample of the shipped synthetic forms, the second coder simulated:

    >>> import cprstats
    >>> from cprstats.synth.coders import double_coding_sample, second_coder
    >>> from cprstats.datasets.examples import forms_path
    >>> forms = cprstats.read_forms(forms_path("wales"))
    >>> coder_a, coder_b = double_coding_sample(forms, n=20, seed=7, rate=0.5)
    >>> table = cprstats.agreement(coder_a, coder_b, variables=["outcome", "themes"])
    >>> table["variable"].tolist()[:3]
    ['outcome', 'th_advocacy_individual', 'th_advocacy_structural']
    >>> bool(table["p_observed"].between(0, 1).all()), table.attrs["n_matched"] >= 20
    (True, True)

    A third coder: Fleiss' kappa, alpha and the pairwise kappas, and "any theme recorded":

    >>> coder_c = second_coder(coder_a, seed=8, rate=0.5)
    >>> three = cprstats.agreement(coder_a, coder_b, coder_c, variables="themes")
    >>> three[["variable", "coders"]].head(2).values.tolist()
    [['themes', 3], ['th_advocacy_individual', 3]]
    >>> pairs = cprstats.agreement(coder_a, coder_b, coder_c, variables="outcome", pairwise=True)
    >>> pairs["pair"].tolist()
    ['coder_a vs coder_b', 'coder_a vs coder_c', 'coder_b vs coder_c']
    """

    check_level(ci_level)
    data, variables, cb = _split(coders, variables, codebook, "agreement")
    k = len(data)
    frames, unmatched, _ = _matched(data, cb)
    cols = _columns(variables, cb, frames, any_option=k >= 3 if any_option is None else bool(any_option))
    names = coder_names(k)
    if pairwise:
        records = []
        for c in cols:
            values = [_values(df, c, cb) for df in frames]
            for i, j in itertools.combinations(range(k), 2):
                rec = _one(c, values[i], values[j], cb, ci_level)
                rec["pair"] = f"{names[i]} vs {names[j]}"
                records.append(rec)
        out = pd.DataFrame.from_records(records, columns=list(PAIRWISE_COLUMNS))
    elif k == 2:
        records = [_one(c, _values(frames[0], c, cb), _values(frames[1], c, cb), cb, ci_level) for c in cols]
        out = pd.DataFrame.from_records(records, columns=list(AGREEMENT_COLUMNS))
    else:
        records = [_one_k(c, [_values(df, c, cb) for df in frames], cb, ci_level) for c in cols]
        out = pd.DataFrame.from_records(records, columns=list(AGREEMENT_K_COLUMNS))
    for c in ("variable", "field", "option", "kind", "pair", "note"):
        if c in out.columns:
            out[c] = out[c].astype("string")
    for c in ("coders", "n", "n_agree", "n_one_missing", "n_categories"):
        if c in out.columns:
            out[c] = out[c].astype("Int64")
    _warn_unmatched(unmatched, k)
    out.attrs["unmatched"] = unmatched.astype(object).to_dict("records")
    out.attrs["n_matched"] = len(frames[0])
    out.attrs["coders"] = names
    return out


def _one(col, ta, tb, cb, ci_level) -> dict[str, Any]:
    """The two-coder row (`AGREEMENT_COLUMNS`) of one coded column from both coders' values."""
    ta, tb, one_missing = _complete_pairs(ta, tb)
    k = _n_categories(col, cb)
    codes, levels = pd.factorize(np.concatenate([ta, tb]).astype(str), sort=True)
    table = np.zeros((max(len(levels), 1),) * 2)
    np.add.at(table, (codes[: len(ta)], codes[len(ta) :]), 1.0)
    stats = kappa_from_table(table, ci_level=ci_level, k=k if k else max(len(levels), 1))
    # With two coders the units with one value are not pairable: alpha from the complete pairs'
    # table is Krippendorff's (2011) alpha with missing values (tests/stats/test_kappa.py checks both).
    alpha = alpha_from_table(table)
    note = pd.NA
    if stats["n"] == 0:
        note = "no review recorded by both coders" if one_missing else "no review coded by both coders"
    elif math.isnan(stats["kappa"]):
        note = "kappa and alpha undefined: both coders gave the same single value throughout"
    elif stats["note"]:
        note = stats["note"]
    return dict(
        **_describe(col, cb),
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


def _one_k(col, values: list[np.ndarray], cb, ci_level) -> dict[str, Any]:
    """The row (`AGREEMENT_K_COLUMNS`) of one coded column for three or more coders."""
    m = len(values)
    units = np.column_stack(values)
    counts, _ = rating_counts(units)
    recorded = counts.sum(axis=1) if counts.size else np.zeros(len(units))
    complete = recorded == m
    incomplete = int(((recorded > 0) & ~complete).sum())
    k = _n_categories(col, cb)
    fleiss = fleiss_kappa_from_counts(counts[complete] if counts.size else np.zeros((0, 1)), ci_level=ci_level, k=k)
    alpha = alpha_from_counts(counts) if counts.size else math.nan
    pair_kappas = []
    for i, j in itertools.combinations(range(m), 2):
        ta, tb, _ = _complete_pairs(values[i], values[j])
        if len(ta):
            codes, levels = pd.factorize(np.concatenate([ta, tb]).astype(str), sort=True)
            table = np.zeros((len(levels),) * 2)
            np.add.at(table, (codes[: len(ta)], codes[len(ta) :]), 1.0)
            kap = kappa_from_table(table)["kappa"]
            if not math.isnan(kap):
                pair_kappas.append(kap)
    note = pd.NA
    if fleiss["n"] == 0:
        note = "no review recorded by every coder" if incomplete else "no review coded by every coder"
    elif math.isnan(fleiss["kappa"]):
        what = "kappa and alpha undefined" if math.isnan(alpha) else "kappa undefined"
        note = f"{what}: every coder gave the same single value throughout"
    elif fleiss["note"]:
        note = fleiss["note"]
    return dict(
        **_describe(col, cb),
        coders=m,
        n=int(fleiss["n"]),
        n_agree=int(fleiss["n_agree"]),
        n_one_missing=incomplete,
        n_categories=k if k else pd.NA,
        p_observed=fleiss["p_observed"],
        p_expected=fleiss["p_expected"],
        kappa=fleiss["kappa"],
        kappa_se=fleiss["kappa_se"],
        ci_low=fleiss["ci_low"],
        ci_high=fleiss["ci_high"],
        ci_level=float(ci_level),
        pabak=fleiss["pabak"] if k else math.nan,
        alpha=alpha,
        kappa_pairs_mean=float(np.mean(pair_kappas)) if pair_kappas else math.nan,
        kappa_pairs_min=float(min(pair_kappas)) if pair_kappas else math.nan,
        kappa_pairs_max=float(max(pair_kappas)) if pair_kappas else math.nan,
        note=note,
    )


def _warn_unmatched(unmatched: pd.DataFrame, k: int = 2) -> None:
    if not len(unmatched):
        return
    if k == 2:
        shown = ", ".join(f"{r.review_id} child {r.child_no} ({r.coded_by})" for r in unmatched.head(5).itertuples())
        more = f" and {len(unmatched) - 5} more" if len(unmatched) > 5 else ""
        warnings.warn(
            f"{len(unmatched)} review(s) were coded by only one coder and are left out: {shown}{more}",
            UserWarning,
            stacklevel=3,
        )
        return
    by_review = unmatched.groupby(["review_id", "child_no"], sort=False)["coded_by"].agg(", ".join)
    shown = ", ".join(f"{r} child {c} ({who})" for (r, c), who in list(by_review.items())[:5])
    more = f" and {len(by_review) - 5} more" if len(by_review) > 5 else ""
    warnings.warn(
        f"{len(by_review)} review(s) were not coded by all {k} coders and are left out: {shown}{more}",
        UserWarning,
        stacklevel=3,
    )


def disagreements(
    *coders: pd.DataFrame | str | os.PathLike[str] | Sequence[str],
    variables: Sequence[str] | str | None = None,
    codebook: Codebook | str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """Every cell on which two or more coders differ, for them to resolve.

    Parameters
    ----------
    *coders, variables, codebook
        As for `agreement` (two or more coders; a last positional list of names is taken as
        ``variables``). Multi-response variables are compared per option only: the "any
        option recorded" level follows from the options.

    Returns
    -------
    pandas.DataFrame
        One row per review and coded column on which the coders differ. Columns
        `DISAGREEMENT_COLUMNS` for two coders, `disagreement_columns` for more:
        ``review_id``, ``child_no``, ``field`` (codebook variable), ``variable`` (coded
        column), and ``value_a``, ``value_b``, ... (one per coder, in the order given).
        Values are codes, ``yes``/``no`` for options and booleans, ``YYYY-MM`` for months,
        and ``"(not recorded)"`` where a coder left the cell empty and another did not.
        Sorted by review, then in codebook order. The file names reviews: it is the
        researchers' private working file, not for publication.
        ``attrs["unmatched"]`` lists the reviews not every coder coded.

    Examples
    --------
    >>> import cprstats
    >>> from cprstats.synth.coders import double_coding_sample
    >>> from cprstats.datasets.examples import forms_path
    >>> forms = cprstats.read_forms(forms_path("wales"))
    >>> coder_a, coder_b = double_coding_sample(forms, n=20, seed=7, rate=0.5)
    >>> diffs = cprstats.disagreements(coder_a, coder_b, variables="themes")
    >>> diffs.columns.tolist()
    ['review_id', 'child_no', 'field', 'variable', 'value_a', 'value_b']
    >>> bool((diffs["value_a"] != diffs["value_b"]).all())
    True
    """

    data, variables, cb = _split(coders, variables, codebook, "disagreements")
    k = len(data)
    frames, unmatched, (rid, child) = _matched(data, cb)
    cols = [c for c in _columns(variables, cb, frames) if not _is_any(c, cb)]
    value_cols = list(disagreement_columns(k)[4:])
    frames_out = []
    order = {c: i for i, c in enumerate(cols)}
    for c in cols:
        filled, keep, _ = _filled([_values(df, c, cb) for df in frames])
        differ = keep & np.any([f != filled[0] for f in filled[1:]], axis=0)
        if differ.any():
            frame = {
                "review_id": rid[differ],
                "child_no": child[differ],
                "field": cb.resolve(c)[0].name,
                "variable": c,
            }
            frame.update({name: f[differ] for name, f in zip(value_cols, filled)})
            frames_out.append(pd.DataFrame(frame))
    columns = list(disagreement_columns(k))
    if frames_out:
        out = pd.concat(frames_out, ignore_index=True)
        out["_o"] = out["variable"].map(order)
        out = out.sort_values(["review_id", "child_no", "_o"], kind="stable").drop(columns="_o").reset_index(drop=True)
    else:
        out = pd.DataFrame({c: [] for c in columns})
    types = {"review_id": "string", "child_no": "Int64", "field": "string", "variable": "string"}
    out = out.astype({**types, **{c: "string" for c in value_cols}})[columns]
    _warn_unmatched(unmatched, k)
    out.attrs["unmatched"] = unmatched.astype(object).to_dict("records")
    out.attrs["coders"] = coder_names(k)
    return out


def agreement_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Condense an `agreement` table: one row per codebook variable, then one for all.

    Parameters
    ----------
    table : pandas.DataFrame
        The result of `agreement` (two coders, three or more, or pairwise: then every pair's
        rows are pooled).

    Returns
    -------
    pandas.DataFrame
        Columns `SUMMARY_COLUMNS`: ``field`` (``"all"`` on the last row), ``n_variables``
        (coded columns), ``n_comparisons`` and ``n_agree`` (summed over the columns),
        ``p_observed`` (their ratio: pooled percent agreement / 100; for three or more
        coders the share of reviews on which every coder agreed, which is at most the
        rows' ``p_observed``, Fleiss' mean pairwise agreement), and the median, minimum and
        maximum kappa and the median alpha over the columns (NaN kappas, where the coders
        gave one value throughout, are left out).

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
