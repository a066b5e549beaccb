"""Chance-corrected agreement statistics for two coders: Cohen's kappa with its standard
error, PABAK, and Krippendorff's alpha for nominal data.

`cprstats.agreement` applies them to every variable of two coders' datasets; they are
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
  kappa"); PABAK and ``p_o`` show that case.
* Krippendorff's alpha for nominal data, from the coincidence matrix (Krippendorff 2011),
  with missing values by its standard definition: a unit (review) contributes only the
  pairs of values it has, so a review one of two coders left empty is not pairable and
  drops out; it is never a category of its own. Written here (a few lines of numpy) rather
  than taken from the ``krippendorff`` package: the nominal case is short, it is tested
  against Krippendorff's own worked example and against that package, and one dependency
  fewer matters on locked-down laptops.

References
----------
Byrt T, Bishop J, Carlin JB (1993). Bias, prevalence and kappa. J Clin Epidemiol 46:423-9.
doi:10.1016/0895-4356(93)90018-V
Cohen J (1960). A coefficient of agreement for nominal scales. Educ Psychol Meas 20:37-46.
Feinstein AR, Cicchetti DV (1990). High agreement but low kappa: I. The problems of two
paradoxes. J Clin Epidemiol 43:543-9. doi:10.1016/0895-4356(90)90158-L
Fleiss JL, Cohen J, Everitt BS (1969). Large sample standard errors of kappa and weighted
kappa. Psychol Bull 72:323-7. doi:10.1037/h0028106
Krippendorff K (2011). Computing Krippendorff's Alpha-Reliability.
https://repository.upenn.edu/asc_papers/43
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
from typing import Any

import numpy as np
import pandas as pd

from cprstats.errors import ParameterError

__all__ = ["kappa_from_table", "krippendorff_alpha", "alpha_from_table", "check_level", "PERFECT_AGREEMENT"]

#: The note `kappa_from_table` returns when every review is on the diagonal.
PERFECT_AGREEMENT = "perfect agreement: the standard error is 0, so the interval is not estimable"


def kappa_from_table(table, *, ci_level: float = 0.95, k: int | None = None) -> dict[str, float | str]:
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


def krippendorff_alpha(data) -> float:
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


def check_level(ci_level) -> None:
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
