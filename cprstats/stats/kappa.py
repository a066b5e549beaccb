"""Chance-corrected agreement statistics: Cohen's kappa with its standard error and PABAK
for two coders, Fleiss' kappa with its standard error for two or more, Light's mean of the
pairwise Cohen's kappas, and Krippendorff's alpha for nominal data (any number of coders,
missing values allowed).

`cprstats.agreement` applies them to every variable of the coders' datasets; they are
here, on their own, so each can be checked against published worked examples.

* Cohen's (1960) kappa, ``(p_o - p_e) / (1 - p_e)``, ``p_e`` from the two coders' own
  marginal distributions; its large-sample standard error when kappa is not zero is that
  of Fleiss, Cohen & Everitt (1969) (the "ASE" SAS PROC FREQ prints; statsmodels'
  ``cohens_kappa`` computes the same), and the interval is the Wald interval
  ``kappa +/- z * se``, clipped to [-1, 1]. At perfect agreement the standard error is 0
  and the Wald interval would collapse to the single point "1.00 (1.00 to 1.00)": there
  the standard error and both limits are NaN (not estimable) and ``note`` says so.
* PABAK, the prevalence- and bias-adjusted kappa of Byrt, Bishop & Carlin (1993),
  ``(k * p_o - 1) / (k - 1)``. Kappa is low when one category dominates even if the
  coders almost always agree (Feinstein & Cicchetti 1990, "high agreement but low
  kappa"); PABAK and ``p_o`` show that case. With ``m`` coders and ``p_o`` Fleiss' mean
  pairwise agreement it is Randolph's (2005) free-marginal multirater kappa.
* Fleiss' (1971) kappa for ``m`` coders who each coded every review (`fleiss_kappa_from_counts`):
  ``p_o`` is the mean over reviews of the proportion of agreeing coder pairs, ``p_e`` the
  sum of the squared overall category proportions. Its standard error is the large-sample
  one of Fleiss, Nee & Landis (1979), the one Fleiss, Levin & Paik (2003, ch. 18) give
  (R's ``irr::kappam.fleiss`` divides kappa by it for its z). It is derived under the
  hypothesis of no agreement beyond chance, so the Wald interval ``kappa +/- z * se`` is
  an approximation that is best near kappa = 0; at perfect agreement it is not estimable
  (NaN, with a note) as for Cohen's kappa. With two coders Fleiss' kappa is Scott's pi,
  not Cohen's kappa, so `cprstats.agreement` reports Cohen's kappa for two.
* Light's (1971) kappa: the mean of the Cohen's kappas of every pair of coders
  (`cprstats.agreement` also gives their minimum and maximum).
* Krippendorff's alpha for nominal data, from the coincidence matrix (Krippendorff 2011),
  with missing values by its standard definition: a unit (review) contributes only the
  pairs of values it has, so a review only one coder recorded is not pairable and drops
  out; an empty cell is never a category of its own. Written here (a few lines of numpy)
  rather than taken from the ``krippendorff`` package: the nominal case is short, it is
  tested against Krippendorff's own worked example and against that package, and one
  dependency fewer matters on locked-down laptops.

References
----------
Byrt T, Bishop J, Carlin JB (1993). Bias, prevalence and kappa. J Clin Epidemiol 46:423-9.
doi:10.1016/0895-4356(93)90018-V
Cohen J (1960). A coefficient of agreement for nominal scales. Educ Psychol Meas 20:37-46.
Feinstein AR, Cicchetti DV (1990). High agreement but low kappa: I. The problems of two
paradoxes. J Clin Epidemiol 43:543-9. doi:10.1016/0895-4356(90)90158-L
Fleiss JL (1971). Measuring nominal scale agreement among many raters. Psychol Bull
76:378-82. doi:10.1037/h0031619
Fleiss JL, Cohen J, Everitt BS (1969). Large sample standard errors of kappa and weighted
kappa. Psychol Bull 72:323-7. doi:10.1037/h0028106
Fleiss JL, Levin B, Paik MC (2003). Statistical Methods for Rates and Proportions, 3rd ed.,
chapter 18. Wiley. doi:10.1002/0471445428
Fleiss JL, Nee JCM, Landis JR (1979). Large sample variance of kappa in the case of
different sets of raters. Psychol Bull 86:974-7. doi:10.1037/0033-2909.86.5.974
Krippendorff K (2011). Computing Krippendorff's Alpha-Reliability.
https://repository.upenn.edu/asc_papers/43
Light RJ (1971). Measures of response agreement for qualitative data: some generalizations
and alternatives. Psychol Bull 76:365-77. doi:10.1037/h0031643
Randolph JJ (2005). Free-marginal multirater kappa (multirater kappa-free): an alternative
to Fleiss' fixed-marginal multirater kappa. Joensuu Learning and Instruction Symposium.
https://eric.ed.gov/?id=ED490661
Sim J, Wright CC (2005). The kappa statistic in reliability studies. Phys Ther 85:257-68.
doi:10.1093/ptj/85.3.257

Examples
--------
>>> r = kappa_from_table([[40, 9], [6, 45]])   # Feinstein & Cicchetti (1990), table A
>>> round(r["p_observed"], 2), round(r["kappa"], 2), round(r["pabak"], 2)
(0.85, 0.7, 0.7)
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cprstats.errors import ParameterError

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = [
    "kappa_from_table",
    "fleiss_kappa_from_counts",
    "krippendorff_alpha",
    "alpha_from_table",
    "alpha_from_counts",
    "rating_counts",
    "check_level",
    "PERFECT_AGREEMENT",
    "PERFECT_AGREEMENT_FLEISS",
]

#: The note `kappa_from_table` returns when every review is on the diagonal.
PERFECT_AGREEMENT = "perfect agreement: the standard error is 0, so the interval is not estimable"
#: The note `fleiss_kappa_from_counts` returns when every coder gave every review the same value.
PERFECT_AGREEMENT_FLEISS = "perfect agreement: kappa is 1 and its interval is not estimable"


def kappa_from_table(table: ArrayLike, *, ci_level: float = 0.95, k: int | None = None) -> dict[str, float | str]:
    """Cohen's kappa, its standard error and interval, and PABAK from a square table.

    Parameters
    ----------
    table : array_like, shape (c, c)
        Counts: coder A's category in rows, coder B's in columns, same order.
    ci_level : float, default 0.95
        Level of the Wald interval ``kappa +/- z * se`` (clipped to [-1, 1]).
    k : int, optional
        Number of categories for PABAK; by default the size of the table.

    Returns
    -------
    dict
        ``n, n_agree, p_observed, p_expected, kappa, kappa_se, ci_low, ci_high, pabak,
        note``. Kappa is NaN when ``p_expected`` is 1 (both coders used one and the same
        category throughout); the standard error is the large-sample one of Fleiss,
        Cohen & Everitt (1969). At perfect agreement (every review on the diagonal, kappa
        1) that standard error is 0, so ``kappa_se``, ``ci_low`` and ``ci_high`` are NaN
        (not estimable) rather than a degenerate "1 to 1", and ``note`` says why; ``note``
        is empty otherwise.

    Examples
    --------
    >>> r = kappa_from_table([[0, 4, 1], [0, 8, 0], [0, 1, 5]])  # the SAS PROC FREQ example
    >>> round(r["kappa"], 4), round(r["kappa_se"], 4), round(r["ci_low"], 4), round(r["ci_high"], 4)
    (0.4842, 0.138, 0.2137, 0.7547)
    >>> r = kappa_from_table([[7, 0], [0, 5]])   # perfect agreement
    >>> r["kappa"], r["ci_low"], r["note"]
    (1.0, nan, 'perfect agreement: the standard error is 0, so the interval is not estimable')
    """
    check_level(ci_level)
    t = np.asarray(table, dtype=float)
    if t.ndim != 2 or t.shape[0] != t.shape[1] or t.shape[0] < 1:
        raise ParameterError(f"table must be a square 2-D array of counts, got shape {t.shape}")
    if (t < 0).any() or not np.isfinite(t).all():
        raise ParameterError("table must hold non-negative, finite counts")
    n = float(t.sum())
    out = dict(
        n=n,
        n_agree=float(np.trace(t)),
        p_observed=math.nan,
        p_expected=math.nan,
        kappa=math.nan,
        kappa_se=math.nan,
        ci_low=math.nan,
        ci_high=math.nan,
        pabak=math.nan,
        note="",
    )
    if n == 0:
        return out
    kk = t.shape[0] if k is None else int(k)
    p = t / n
    po = float(np.trace(p))
    rows, cols = p.sum(axis=1), p.sum(axis=0)
    pe = float((rows * cols).sum())
    out.update(p_observed=po, p_expected=pe)
    if kk >= 2:
        out["pabak"] = (kk * po - 1.0) / (kk - 1.0)
    if math.isclose(pe, 1.0, rel_tol=0.0, abs_tol=1e-12):
        return out
    kappa = (po - pe) / (1.0 - pe)
    if np.trace(t) == n:  # perfect agreement: kappa 1, standard error 0, no interval
        out.update(kappa=1.0, note=PERFECT_AGREEMENT)
        return out
    # Fleiss, Cohen & Everitt (1969), eq. 13: var = (A + B - C) / ((1 - pe)^2 n)
    a = float((np.diag(p) * (1.0 - (rows + cols) * (1.0 - kappa)) ** 2).sum())
    off = p * (cols[:, None] + rows[None, :]) ** 2
    np.fill_diagonal(off, 0.0)
    b = (1.0 - kappa) ** 2 * float(off.sum())
    c = (kappa - pe * (1.0 - kappa)) ** 2
    var = max((a + b - c) / ((1.0 - pe) ** 2 * n), 0.0)
    se = math.sqrt(var)
    z = _z(ci_level)
    out.update(kappa=kappa, kappa_se=se, ci_low=max(-1.0, kappa - z * se), ci_high=min(1.0, kappa + z * se))
    return out


def fleiss_kappa_from_counts(
    counts: ArrayLike, *, ci_level: float = 0.95, k: int | None = None
) -> dict[str, float | str]:
    """Fleiss' kappa for ``m`` coders, its standard error and interval, and the free-marginal kappa.

    Parameters
    ----------
    counts : array_like, shape (reviews, categories)
        How many coders put each review (row) in each category (column); every row sums to
        the same number of coders ``m`` (at least 2): the reviews every coder recorded.
        `rating_counts` makes it from one value per review and coder.
    ci_level : float, default 0.95
        Level of the Wald interval ``kappa +/- z * se`` (clipped to [-1, 1]).
    k : int, optional
        Number of categories for the free-marginal kappa (``pabak``); by default the number
        of columns.

    Returns
    -------
    dict
        ``n`` (reviews), ``n_coders`` (``m``), ``n_agree`` (reviews on which every coder gave
        the same value), ``p_observed`` (Fleiss' mean proportion of agreeing coder pairs,
        ``P-bar``), ``p_expected`` (``P-bar_e``, the sum of the squared category
        proportions), ``kappa``, ``kappa_se``, ``ci_low``, ``ci_high``, ``pabak``
        (``(k * p_o - 1) / (k - 1)``: Randolph's free-marginal multirater kappa, which is
        PABAK for two coders) and ``note``. ``kappa_se`` is the large-sample standard error
        of Fleiss, Nee & Landis (1979) (Fleiss, Levin & Paik 2003, ch. 18), derived under
        the hypothesis of no agreement beyond chance; the interval built on it is an
        approximation. Kappa is NaN when ``p_expected`` is 1 (every coder used one and the
        same category throughout); at perfect agreement kappa is 1 and the standard error
        and interval are NaN, with ``note`` saying why.

    Raises
    ------
    ParameterError
        If ``counts`` is not a 2-D table of non-negative counts with equal row sums of at
        least 2.

    Examples
    --------
    Fleiss (1971), table 1: six psychiatrists' diagnoses of 30 patients in five categories
    (the rows as counts per category; R's ``irr`` package ships the table as ``diagnoses``).

    >>> table = [[0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6],
    ...          [0, 3, 0, 3, 0], [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0],
    ...          [2, 0, 0, 4, 0], [0, 0, 0, 0, 6], [1, 0, 0, 5, 0], [1, 1, 0, 4, 0],
    ...          [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1], [0, 0, 5, 0, 1],
    ...          [3, 0, 0, 1, 2], [5, 1, 0, 0, 0], [0, 2, 0, 4, 0], [1, 0, 2, 0, 3],
    ...          [0, 0, 0, 0, 6], [0, 1, 0, 5, 0], [0, 2, 0, 1, 3], [2, 0, 0, 4, 0],
    ...          [1, 0, 0, 4, 1], [0, 5, 0, 1, 0], [4, 0, 0, 0, 2], [0, 2, 0, 4, 0],
    ...          [1, 0, 5, 0, 0], [0, 0, 0, 0, 6]]
    >>> r = fleiss_kappa_from_counts(table)
    >>> round(r["kappa"], 4), round(r["kappa_se"], 4), r["n"], r["n_coders"]
    (0.4302, 0.0244, 30.0, 6.0)
    """
    check_level(ci_level)
    t = np.asarray(counts, dtype=float)
    if t.ndim != 2 or t.shape[1] < 1:
        raise ParameterError(f"counts must be a 2-D table (reviews x categories), got shape {t.shape}")
    if (t < 0).any() or not np.isfinite(t).all():
        raise ParameterError("counts must hold non-negative, finite counts")
    out: dict[str, float | str] = dict(
        n=float(t.shape[0]),
        n_coders=math.nan,
        n_agree=0.0,
        p_observed=math.nan,
        p_expected=math.nan,
        kappa=math.nan,
        kappa_se=math.nan,
        ci_low=math.nan,
        ci_high=math.nan,
        pabak=math.nan,
        note="",
    )
    if t.shape[0] == 0:
        return out
    per_review = t.sum(axis=1)
    m = float(per_review[0])
    if not np.all(per_review == m) or m < 2:
        raise ParameterError(
            "counts: every review (row) must have been coded by the same number of coders, at least 2; "
            f"the rows sum to {sorted(set(per_review.tolist()))}"
        )
    n = float(t.shape[0])
    kk = t.shape[1] if k is None else int(k)
    p_j = t.sum(axis=0) / (n * m)
    p_i = ((t**2).sum(axis=1) - m) / (m * (m - 1.0))
    po = float(p_i.mean())
    pe = float((p_j**2).sum())
    out.update(n_coders=m, n_agree=float((t.max(axis=1) == m).sum()), p_observed=po, p_expected=pe)
    if kk >= 2:
        out["pabak"] = (kk * po - 1.0) / (kk - 1.0)
    if math.isclose(pe, 1.0, rel_tol=0.0, abs_tol=1e-12):
        return out
    kappa = (po - pe) / (1.0 - pe)
    if out["n_agree"] == n:  # every coder gave every review one value: kappa 1, no interval
        out.update(kappa=1.0, note=PERFECT_AGREEMENT_FLEISS)
        return out
    # Fleiss, Nee & Landis (1979); Fleiss, Levin & Paik (2003), ch. 18:
    # var0 = 2 / (n m (m - 1)) * ((sum pq)^2 - sum pq (q - p)) / (sum pq)^2
    pq = p_j * (1.0 - p_j)
    spq = float(pq.sum())
    var = 2.0 / (n * m * (m - 1.0)) * (spq**2 - float((pq * (1.0 - 2.0 * p_j)).sum())) / spq**2
    se = math.sqrt(max(var, 0.0))
    z = _z(ci_level)
    out.update(kappa=kappa, kappa_se=se, ci_low=max(-1.0, kappa - z * se), ci_high=min(1.0, kappa + z * se))
    return out


def rating_counts(units: Iterable[Iterable[Any]]) -> tuple[np.ndarray, list[Any]]:
    """Count, per review, how many coders gave each value: the table Fleiss and Krippendorff start from.

    Parameters
    ----------
    units : array_like, shape (reviews, coders)
        One value per review and coder; ``None``, ``pd.NA`` or NaN where a coder gave none.

    Returns
    -------
    counts : numpy.ndarray, shape (reviews, values)
        ``counts[i, j]``: how many coders gave review ``i`` value ``values[j]``.
    values : list
        The values, sorted by their text.

    Examples
    --------
    >>> counts, values = rating_counts([["a", "a", "b"], ["b", None, "b"]])
    >>> counts.tolist(), values
    ([[2.0, 1.0], [0.0, 2.0]], ['a', 'b'])
    """
    rows = [list(u) for u in units]
    seen: dict[Any, None] = {}
    for u in rows:
        for v in u:
            if not _missing(v):
                seen.setdefault(v, None)
    values = sorted(seen, key=str)
    index = {v: j for j, v in enumerate(values)}
    counts = np.zeros((len(rows), len(values)))
    for i, u in enumerate(rows):
        for v in u:
            if not _missing(v):
                counts[i, index[v]] += 1.0
    return counts, values


def alpha_from_counts(counts: ArrayLike) -> float:
    """Krippendorff's nominal alpha from per-review value counts, any number of coders, missing allowed.

    Parameters
    ----------
    counts : array_like, shape (reviews, values)
        As `rating_counts` returns: how many coders gave each review each value. Rows may
        sum to different numbers (coders who left the review empty are simply not counted).

    Returns
    -------
    float
        Alpha from the coincidence matrix ``o_ck = sum_u n_uc (n_uk - [c = k]) / (m_u - 1)``
        over the reviews with ``m_u >= 2`` values (Krippendorff 2011); the same number as
        `krippendorff_alpha` on the values themselves. NaN if nothing is pairable or only one
        value occurs.

    Examples
    --------
    >>> round(alpha_from_counts([[2, 0], [0, 2], [1, 1], [1, 0]]), 4)  # the last review is not pairable
    0.4444
    """
    t = np.asarray(counts, dtype=float)
    if t.ndim != 2:
        raise ParameterError(f"counts must be a 2-D table (reviews x values), got shape {t.shape}")
    m_u = t.sum(axis=1)
    t = t[m_u >= 2]
    if not len(t):
        return math.nan
    w = 1.0 / (t.sum(axis=1) - 1.0)
    o = (t * w[:, None]).T @ t - np.diag((t * w[:, None]).sum(axis=0))
    n_c = o.sum(axis=1)
    n = n_c.sum()
    expected = n**2 - (n_c**2).sum()
    if n == 0 or expected <= 0:
        return math.nan
    return float(1.0 - (n - 1.0) * (o.sum() - np.trace(o)) / expected)


def krippendorff_alpha(data: Iterable[Iterable[Any]]) -> float:
    """Krippendorff's alpha for nominal data, any number of coders, missing values allowed.

    Parameters
    ----------
    data : array_like, shape (units, coders)
        One row per unit (review), one column per coder; ``None`` or NaN where a coder
        gave no value. Values are compared for equality only.

    Returns
    -------
    float
        ``1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c n_k`` from the coincidence
        matrix ``o`` of the units with at least two values (Krippendorff 2011). NaN if
        fewer than two values are pairable or only one value occurs.

    Examples
    --------
    Krippendorff (2011), section C: four observers, twelve units, missing data.

    >>> nan = None
    >>> obs = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    ...        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    ...        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    ...        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    >>> round(krippendorff_alpha(list(zip(*obs))), 3)
    0.743
    """
    units = [list(u) for u in data]
    values: dict[Any, int] = {}
    coded = []
    for u in units:
        vals = [v for v in u if not _missing(v)]
        if len(vals) >= 2:
            coded.append(vals)
            for v in vals:
                values.setdefault(v, len(values))
    if not coded:
        return math.nan
    o = np.zeros((len(values), len(values)))
    for vals in coded:
        m = len(vals)
        idx = [values[v] for v in vals]
        for i in range(m):
            for j in range(m):
                if i != j:
                    o[idx[i], idx[j]] += 1.0 / (m - 1)
    n_c = o.sum(axis=1)
    n = n_c.sum()
    observed = o.sum() - np.trace(o)
    expected = n_c.sum() ** 2 - (n_c**2).sum()
    if expected == 0:
        return math.nan
    return float(1.0 - (n - 1.0) * observed / expected)


def _missing(v) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, float) and math.isnan(v)


def _z(level: float) -> float:
    # the standard library's normal quantile (Wichura's AS 241) avoids importing scipy.stats
    from statistics import NormalDist

    return NormalDist().inv_cdf(0.5 + level / 2.0)


def check_level(ci_level: Any) -> None:
    if isinstance(ci_level, bool) or not isinstance(ci_level, (int, float)) or not 0 < ci_level < 1:
        raise ParameterError(f"ci_level={ci_level!r} is not allowed; give a number between 0 and 1, such as 0.95")


def alpha_from_table(t: np.ndarray) -> float:
    """Krippendorff's nominal alpha for two coders with no missing pairs, from their table.

    With two values per unit the coincidence matrix is ``T + T'`` (Krippendorff 2011).
    """
    o = t + t.T
    n_c = o.sum(axis=1)
    n = n_c.sum()
    expected = n**2 - (n_c**2).sum()
    if n == 0 or expected == 0:
        return math.nan
    return float(1.0 - (n - 1.0) * (o.sum() - np.trace(o)) / expected)
