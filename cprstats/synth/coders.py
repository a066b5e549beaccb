"""A synthetic second coder, for the shipped double-coding sample and for tests.

Real double coding has two people code the same reviews independently. The shipped data
are synthetic, so the second coder is simulated: `second_coder` copies a raw forms table
(strings, as `cprstats.read_forms` returns) and changes a few cells the way a second
person would. Most changes are on the judgement-heavy variables (themes, learning
points, good practice), fewer on what the review states as fact (vulnerabilities, risks,
agencies, incident type, ethnicity, disability) and none on the identifiers, dates,
authority, review type, outcome or criteria (which a second coder copies from the report,
and which the coder's consistency rules tie together). Some cells are left empty, as a
coder who missed a section would. The result still codes without problems.

Examples
--------
>>> import pandas as pd
>>> forms = pd.DataFrame({"review_id": ["SYN 1 2019"], "themes": ["escalation; recording"]})
>>> b = second_coder(forms, seed=1, rate=1.0)
>>> b.loc[0, "review_id"], b.loc[0, "themes"] != "escalation; recording"
('SYN 1 2019', True)
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from cprstats.codebook.model import resolve
from cprstats.errors import ParameterError
from cprstats.forms.coding import normalise
from cprstats.io import write_csv

__all__ = ["second_coder", "double_coding_sample", "write_double_coding", "PERTURB_WEIGHTS"]

#: Relative chance that a coder disagrees on each variable (times ``rate``).
PERTURB_WEIGHTS: Mapping[str, float] = {
    "themes": 1.0,
    "learning_points": 1.0,
    "good_practice": 0.5,
    "child_vulnerabilities": 0.25,
    "parental_risks": 0.25,
    "agencies_involved": 0.2,
    "incident_type": 0.15,
    "ethnicity": 0.05,
    "disability": 0.1,
}
#: Share of the changes that blank the cell (the second coder did not record it).
BLANK_SHARE = 0.15
_FLIP = {
    "yes": "no",
    "no": "yes",
    "ie": "na",
    "na": "ie",
    "y": "n",
    "n": "y",
    "true": "false",
    "false": "true",
    "1": "0",
    "0": "1",
    "oedd": "nac oedd",
    "nac oedd": "oedd",
}


def _check(forms, seed, rate):
    if not isinstance(forms, pd.DataFrame):
        raise ParameterError(f"forms must be a DataFrame of raw coding forms (read_forms), got {type(forms).__name__}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ParameterError(f"seed={seed!r} is not allowed; give a whole number so the result can be reproduced")
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
        raise ParameterError(
            f"rate={rate!r} is not allowed; give a number from 0 to 1 (the chance of a change per variable)"
        )


def _lookup(fld) -> dict[str, str]:

    table: dict[str, str] = {}
    for c in fld.categories:
        for key in (c.value, c.label.en, c.label.cy):
            table.setdefault(normalise(key), c.value)
    return table


def second_coder(forms: pd.DataFrame, *, seed: int, rate: float = 0.2, codebook=None) -> pd.DataFrame:
    """Copy raw coding forms as an independent second coder might have filled them in.

    Parameters
    ----------
    forms : pandas.DataFrame
        Raw forms (all strings), as `cprstats.read_forms` returns. Multi-response
        variables may be one ``;``-separated column or one yes/no column per option.
    seed : int
        Seed of the random generator; the same seed gives the same copy.
    rate : float, default 0.2
        Chance, per review and variable, of a change, times the variable's weight in
        `PERTURB_WEIGHTS` (themes and learning points 1, facts much less). A change
        toggles one option of a multi-response variable, or picks another value of a
        single-choice one; about one change in seven blanks the cell instead.

    Returns
    -------
    pandas.DataFrame
        A copy with the same index, columns and ``attrs`` (plus ``attrs["synthetic"] = True``
        and ``attrs["second_coder"] = {"seed": ..., "rate": ...}``). Cells whose text the
        codebook does not recognise are left as they are.

    Examples
    --------
    >>> forms = pd.DataFrame({"review_id": ["SYN 1 2019"], "th_escalation": ["yes"], "th_recording": ["no"]})
    >>> second_coder(forms, seed=0, rate=0.0).equals(forms)
    True
    """

    _check(forms, seed, rate)
    cb = resolve(codebook)
    rng = np.random.default_rng(int(seed))
    out = forms.copy()
    headers = {normalise(c): c for c in out.columns}
    for name, weight in PERTURB_WEIGHTS.items():
        if name not in cb.fields:
            continue
        fld = cb.field(name)
        p = min(1.0, rate * weight)
        hits = rng.random(len(out)) < p
        blanks = rng.random(len(out)) < BLANK_SHARE
        picks = rng.random(len(out))
        table = _lookup(fld)
        if fld.type == "list":
            single = headers.get(normalise(fld.name))
            options = [headers.get(normalise(c)) for c in fld.option_columns]
            for i in np.flatnonzero(hits):
                if single is not None:
                    out.iat[i, out.columns.get_loc(single)] = _change_list(
                        out.iat[i, out.columns.get_loc(single)], fld, table, cb, blanks[i], picks[i]
                    )
                elif any(o is not None for o in options):
                    _change_options(out, i, options, blanks[i], picks[i])
        elif fld.categories:
            col = headers.get(normalise(fld.name))
            if col is None:
                continue
            j = out.columns.get_loc(col)
            for i in np.flatnonzero(hits):
                text = str(out.iat[i, j])
                code = table.get(normalise(text))
                if code is None:
                    continue
                if blanks[i]:
                    out.iat[i, j] = ""
                else:
                    others = [c for c in fld.codes if c != code]
                    out.iat[i, j] = others[int(picks[i] * len(others))]
    out.attrs = {**forms.attrs, "synthetic": True, "second_coder": {"seed": int(seed), "rate": float(rate)}}
    return out


def _change_list(text, fld, table, cb, blank: bool, pick: float) -> str:

    text = "" if text is None else str(text)
    if blank:
        return ""
    items = [normalise(x) for x in text.split(fld.delimiter) if normalise(x)]
    if items == [normalise(cb.none_value)]:
        items = []
    codes = [table.get(x) for x in items]
    if any(c is None for c in codes):
        return text  # not ours to guess
    chosen = set(codes)
    if not text.strip() and not chosen:
        return text  # not recorded stays not recorded (a blank is a different change)
    toggle = fld.codes[int(pick * len(fld.codes))]
    chosen ^= {toggle}
    kept = [c for c in fld.codes if c in chosen]
    return "; ".join(kept) if kept else cb.none_value


def _change_options(out: pd.DataFrame, i: int, options, blank: bool, pick: float) -> None:

    cols = [out.columns.get_loc(o) for o in options if o is not None]
    values = [str(out.iat[i, j]) for j in cols]
    if not any(v.strip() for v in values):
        return  # group not recorded: leave it
    if blank:
        for j in cols:
            out.iat[i, j] = ""
        return
    j = cols[int(pick * len(cols))]
    v = normalise(out.iat[i, j])
    if v in _FLIP:
        out.iat[i, j] = _FLIP[v]
    elif v == "":
        out.iat[i, j] = "yes"


def double_coding_sample(forms: pd.DataFrame, *, n: int, seed: int, rate: float = 0.2, codebook=None):
    """Pick ``n`` reviews and return them as coder A coded them and as a second coder would.

    Parameters
    ----------
    forms : pandas.DataFrame
        Raw forms of all reviews (coder A's), with a ``review_id`` column.
    n : int
        Reviews to sample; every subject child of a sampled review is kept, in the forms'
        own order.
    seed : int
    rate : float, default 0.2
        As for `second_coder`.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        Coder A's and coder B's forms for the same rows.

    Examples
    --------
    >>> forms = pd.DataFrame({"review_id": [f"SYN {i} 2019" for i in range(5)], "themes": ["recording"] * 5})
    >>> a, b = double_coding_sample(forms, n=3, seed=2)
    >>> len(a), a["review_id"].tolist() == b["review_id"].tolist()
    (3, True)
    """
    _check(forms, seed, rate)
    if "review_id" not in forms.columns:
        raise ParameterError("forms has no review_id column; reviews are sampled by review_id")
    ids = pd.unique(forms["review_id"].astype(str).str.strip())
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= len(ids):
        raise ParameterError(f"n={n!r} is not allowed; give a whole number from 1 to {len(ids)} (the reviews in forms)")
    rng = np.random.default_rng(int(seed))
    chosen = set(rng.choice(ids, size=int(n), replace=False).tolist())
    keep = forms["review_id"].astype(str).str.strip().isin(chosen).to_numpy()
    a = forms.loc[keep].copy()
    a.attrs = dict(forms.attrs)
    files = forms.attrs.get("files")
    if files is not None and len(files) == len(forms):
        a.attrs["files"] = [f for f, k in zip(files, keep) if k]
    return a, second_coder(a, seed=int(seed) + 1, rate=rate, codebook=codebook)


def write_double_coding(
    forms: pd.DataFrame, folder, *, n: int = 20, seed: int, rate: float = 0.3, codebook=None
) -> tuple[Path, Path]:
    """Write a double-coded sample of ``forms`` as ``coder_a.csv`` and ``coder_b.csv`` in ``folder``.

    The shipped sample (``data/raw/double_coding/``) is made this way from the synthetic
    forms; ``cprstats agree coder_a.csv coder_b.csv`` then measures the agreement.

    Parameters
    ----------
    forms : pandas.DataFrame
        Raw forms (coder A's), as `cprstats.read_forms` returns.
    folder : str or Path
        Created if needed; the two files are written atomically (UTF-8 with BOM).
    n, seed, rate
        As for `double_coding_sample`.

    Returns
    -------
    (pathlib.Path, pathlib.Path)

    Examples
    --------
    >>> write_double_coding(forms, "data/raw/double_coding", n=20, seed=2023)  # doctest: +SKIP
    (PosixPath('data/raw/double_coding/coder_a.csv'), PosixPath('data/raw/double_coding/coder_b.csv'))
    """

    a, b = double_coding_sample(forms, n=n, seed=seed, rate=rate, codebook=codebook)
    out = Path(folder)
    return write_csv(a, out / "coder_a.csv"), write_csv(b, out / "coder_b.csv")
