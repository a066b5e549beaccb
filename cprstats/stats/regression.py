"""Logistic regression with odds ratios, and a clear flag instead of huge numbers under separation.

With a few dozen reviews, a predictor often perfectly predicts the outcome in the sample (complete
or quasi-complete separation): the maximum likelihood estimate then does not exist, and software
prints enormous coefficients and standard errors. `logistic` checks for separation *before* fitting
with the linear programme of Konis (2007), and if it finds it, returns the model's terms with NaN
estimates, a ``warning`` text naming the terms, and a `SeparationWarning`.

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
"""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pandas as pd

from cprstats.errors import ParameterError, SeparationWarning
from cprstats.stats.intervals import check_choice, check_ci_level
from cprstats.stats.variables import check_frame

__all__ = ["logistic", "SeparationWarning", "LOGISTIC_COLUMNS", "FIT_METHODS"]

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
)
FIT_METHODS = ("newton", "bfgs", "lbfgs")
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
                        f"formula: outcome {outcome!r} must be 0/1 or boolean; pass event=<value> for a categorical outcome"
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


def logistic(data, formula, *, event=None, ci_level=0.95, method="newton", maxiter=100):
    """Fit a logistic regression by maximum likelihood and return odds ratios, tidy.

    Parameters
    ----------
    data : pandas.DataFrame
        A coded dataset or any frame. Columns used by the formula are converted to plain types
        (booleans and nullable integers to floats, text to categories) and rows missing any of
        them are left out (complete cases).
    formula : str
        A statsmodels formula such as ``"toxic_trio ~ period + has_siblings"``. The outcome must be
        a column: boolean, 0/1, or any column together with ``event``. Categorical predictors use
        their first category as the reference.
    event : str, optional
        Model the outcome column being equal to this value (e.g. ``event="death"`` with outcome
        ``outcome``) against every other recorded value.
    ci_level : float
        Confidence level of the Wald intervals, strictly between 0 and 1.
    method : {"newton", "bfgs", "lbfgs"}
        Optimiser passed to statsmodels ``Logit.fit`` (with ``disp=False``).
    maxiter : int
        Maximum iterations; a fit that has not converged is flagged, not reported.

    Returns
    -------
    pandas.DataFrame
        One row per model term, columns ``term``, ``odds_ratio`` (exp(coef)), ``ci_low``, ``ci_high``
        (Wald interval on the log-odds scale, exponentiated), ``coef``, ``std_error``, ``statistic``
        (Wald z), ``p_value``, ``ci_level``, ``n`` (complete cases), ``events`` (cases with the
        outcome), ``method`` (``"logit_mle"``) and ``warning`` (missing when all is well). Under
        separation or non-convergence every estimate is NaN and ``warning`` says why.

    Warns
    -----
    SeparationWarning
        When the estimates do not exist (separation) or the optimiser did not converge.

    Raises
    ------
    ParameterError
        A formula without ``~``, an outcome that is not a column or not binary, no variation in the
        outcome, an unknown ``method``, or ``ci_level`` outside (0, 1).

    Examples
    --------
    On the shipped synthetic all-Wales data (no real child); reviews without the toxic trio
    recorded are left out:

    >>> import cprstats
    >>> fit = cprstats.logistic(cprstats.load_example("wales"), "outcome ~ toxic_trio", event="death")
    >>> fit[["term", "n", "events"]]
             term    n  events
    0   Intercept  152      78
    1  toxic_trio  152      78

    A tiny synthetic frame:

    >>> import pandas as pd
    >>> df = pd.DataFrame({"died": [True, True, False, False, True, False, True, False],
    ...                    "toxic_trio": [True, True, False, True, False, False, True, False]})
    >>> fit = logistic(df, "died ~ toxic_trio")
    >>> print(f"{fit.odds_ratio[1]:.1f}")      # (3 x 3) / (1 x 1), the sample odds ratio
    9.0
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", SeparationWarning)
    ...     fit = logistic(df.assign(x=df.died), "died ~ x")
    >>> print(fit.warning[1][:40])
    separation: x perfectly predicts the out
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
    base = {"ci_level": level, "n": len(y), "events": int(y.sum()), "method": "logit_mle"}
    problem = None
    found = _separated_terms(model.exog, model.endog, names)
    if found:
        terms, joint = found
        who = (
            " + ".join(terms) + " together perfectly predict"
            if joint
            else terms[0] + " perfectly predicts"
            if len(terms) == 1
            else ", ".join(terms) + " each perfectly predict"
        )
        problem = (
            f"separation: {who} the outcome (complete or quasi-complete "
            "separation), so maximum likelihood estimates do not exist; consider exact logistic "
            "regression or Firth's penalised likelihood"
        )
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = model.fit(method=method, maxiter=int(maxiter), disp=False)
        if not fit.mle_retvals.get("converged", False):
            problem = f"the fit did not converge in {maxiter} iterations (method={method!r}); estimates not reported"
    if problem is not None:
        warnings.warn(problem, SeparationWarning, stacklevel=2)
        out = pd.DataFrame(
            {
                "term": names,
                **{
                    c: math.nan
                    for c in ("odds_ratio", "ci_low", "ci_high", "coef", "std_error", "statistic", "p_value")
                },
                **base,
                "warning": problem,
            }
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
                "warning": None,
            }
        )
    for c in ("term", "method", "warning"):
        out[c] = out[c].astype("string")
    out["n"] = out["n"].astype("int64")
    out["events"] = out["events"].astype("int64")
    return out.loc[:, list(LOGISTIC_COLUMNS)]
