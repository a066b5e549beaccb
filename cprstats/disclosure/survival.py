"""Disclosure control for Kaplan-Meier tables: coarser steps instead of hidden cells.

A Kaplan-Meier table (`cprstats.stats.survival.kaplan_meier`) shows, at each time, how many
were at risk, how many events (closures, publications) and censorings there were, and the
estimate. A step of 1 to 4 events can be read off the table, and off the curve too (the size
of a step and the number at risk give the number of events). So instead of hiding cells, the
times are **coarsened** (global recoding, as count tables are first recoded to a coarser
grouping): consecutive event times are merged into intervals until every interval holds at
least ``threshold`` events (what is left at the end joins the interval before it). Each
interval is one row at its last event time, with its events, the estimate and limits there
(the exact Kaplan-Meier values at that time), and the number at risk at its start **rounded
to the nearest** ``threshold`` (so the censorings between two rows, which are not shown,
cannot be worked out exactly). The curve stops at its last event. The row at time 0 keeps
the number followed, which is at least ``threshold``.

A group with fewer than ``threshold`` rows in all, or fewer than ``threshold`` events, is not
shown (its counts and curve are hidden), and when exactly one group of several is hidden the
next smallest is hidden with it, so that it cannot be worked out from the ``"all"`` group. A
median (`cprstats.stats.survival.km_median`) is shown only for the groups shown.

Examples
--------
Seven synthetic recommendations, closed after 6, 8, 12 and 20 months, open after 10, 21, 30:
with a threshold of 2 the curve keeps two of its four steps.

>>> import pandas as pd
>>> from cprstats.stats.survival import kaplan_meier
>>> d = pd.DataFrame({"variable": "time_to_closure", "group": "all",
...                   "time": [6, 8, 10, 12, 20, 21, 30.0], "event": [True, True, False, True, True, False, False]})
>>> safe = coarsen_survival(kaplan_meier(d), threshold=2)
>>> safe[["time", "at_risk", "events", "censored"]]
   time  at_risk  events  censored
0   0.0        7       0      <NA>
1   8.0        8       2      <NA>
2  20.0        6       2      <NA>
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cprstats.errors import ParameterError

__all__ = ["coarsen_survival", "protect_median", "protect_survival"]

_NEEDED = ("variable", "group", "time", "at_risk", "events", "censored", "estimate", "ci_low", "ci_high")


def _check(table: pd.DataFrame, need, what: str) -> None:
    if not isinstance(table, pd.DataFrame) or any(c not in table.columns for c in need):
        raise ParameterError(f"{what}: expected a table with the columns {', '.join(need)}")


def _ok(x: int, k: int) -> bool:
    return x == 0 or x >= k


def _greedy(events: np.ndarray, lo: int, hi: int, k: int) -> list[int]:
    """Cuts (last row indices) of intervals of at least ``k`` events within rows ``lo`` to ``hi - 1``."""
    cuts: list[int] = []
    e = 0
    for i in range(lo, hi):
        e += int(events[i])
        if e >= k:
            cuts.append(i)
            e = 0
    if e and cuts:  # the events left after the last cut join the last interval
        cuts[-1] = lo + int(np.flatnonzero(events[lo:hi])[-1])
    return cuts


def _intervals(times: np.ndarray, events: np.ndarray, k: int, fixed=()) -> list[tuple[int, float]] | None:
    """``(last row, time shown)`` of each interval of at least ``k`` events, or None when there are fewer.

    Each time of ``fixed`` (months such as 12 and 24) becomes the end of an interval when the
    events before it (since the previous such end) and after it are both at least ``k``; the
    interval is then shown at that time, so the estimate at it is exact.
    """
    total = int(events.sum())
    if total < k:
        return None
    bounds: list[tuple[int, float]] = []
    start = 0
    for f in sorted(float(x) for x in fixed):
        idx = int(np.searchsorted(times, f, side="right")) - 1
        if idx < start or not np.flatnonzero(events[idx + 1 :]).size:
            continue
        before, after = int(events[start : idx + 1].sum()), int(events[idx + 1 :].sum())
        if before >= k and after >= k:
            bounds.append((idx, f))
            start = idx + 1
    cuts: list[tuple[int, float]] = []
    lo = 0
    for idx, f in [*bounds, (len(events) - 1, np.nan)]:
        inner = _greedy(events, lo, idx + 1, k)
        if not np.isnan(f):
            inner = inner[:-1] if inner else inner  # the fixed time closes the segment's last interval
            cuts += [(i, float(times[i])) for i in inner] + [(idx, f)]
        else:
            cuts += [(i, float(times[i])) for i in inner]
        lo = idx + 1
    return cuts


def _round(x: int, k: int) -> int:
    return int(k * np.floor(x / k + 0.5))


def _hidden_groups(sizes: dict, events: dict, k: int) -> set:
    """Groups too small to show, with a second one when exactly one of several would be hidden."""
    groups = [g for g in sizes if g != "all"]
    hidden = {g for g in sizes if sizes[g] < k or events[g] < k}
    shown_groups = [g for g in groups if g not in hidden]
    if "all" in sizes and len([g for g in groups if g in hidden]) == 1 and shown_groups:
        hidden.add(min(shown_groups, key=lambda g: (sizes[g], str(g))))
    return hidden


def coarsen_survival(km: pd.DataFrame, *, threshold: int = 5, times=()) -> pd.DataFrame:
    """A Kaplan-Meier table whose every count is 0 or at least ``threshold`` (see the module notes).

    Parameters
    ----------
    km : DataFrame
        From `cprstats.stats.survival.kaplan_meier`.
    threshold : int, default 5
    times : sequence of float, optional
        Months at which an interval should end where the counts allow (e.g. 12 and 24), so
        that the share at those months can be read off exactly; a row is then shown at that
        month.

    Returns
    -------
    pandas.DataFrame
        The same columns (``censored`` empty; ``at_risk`` rounded after time 0), plus
        ``suppressed`` (True on the one row of a hidden group, whose counts, estimate and
        limits are empty). ``attrs["disclosure"]`` records the rule.
    """
    _check(km, _NEEDED, "coarsen_survival")
    if isinstance(threshold, bool) or not isinstance(threshold, (int, np.integer)) or threshold < 1:
        raise ParameterError(f"threshold={threshold!r} is not allowed; give a whole number, 1 or more")
    k = int(threshold)
    parts, sizes, events = [], {}, {}
    for (variable, group), part in km.groupby(["variable", "group"], sort=False, observed=True):
        part = part.reset_index(drop=True)
        sizes[(variable, group)] = int(part["at_risk"].iloc[0])
        events[(variable, group)] = int(part["events"].sum())
        parts.append(((variable, group), part))
    by_variable: dict = {}
    for key in sizes:
        by_variable.setdefault(key[0], {})[key[1]] = key
    hidden = set()
    for groups in by_variable.values():
        s = {g: sizes[key] for g, key in groups.items()}
        e = {g: events[key] for g, key in groups.items()}
        hidden |= {groups[g] for g in _hidden_groups(s, e, k)}
    out = []
    for key, part in parts:
        zero = part.iloc[[0]].copy()
        rest = part.iloc[1:] if part["time"].iloc[0] == 0 and part["events"].iloc[0] == 0 else part
        cuts = _intervals(rest["time"].to_numpy(float), rest["events"].to_numpy(int), k, times) if len(rest) else None
        if key in hidden or cuts is None:
            zero[["at_risk", "events", "censored"]] = pd.NA
            zero[["estimate", "ci_low", "ci_high"]] = np.nan
            zero["suppressed"] = True
            out.append(zero)
            continue
        rows = []
        if rest is not part:  # the row at time 0: everyone followed
            rows.append(zero.assign(censored=pd.NA, suppressed=False))
        start = 0
        for cut, shown_at in cuts:
            block = rest.iloc[start : cut + 1]
            row = block.iloc[[-1]].copy()
            row["time"] = shown_at
            row["at_risk"] = _round(int(block["at_risk"].iloc[0]), k) if rows else int(block["at_risk"].iloc[0])
            row["events"] = int(block["events"].sum())
            row["censored"] = pd.NA
            row["suppressed"] = False
            rows.append(row)
            start = cut + 1
        out.append(pd.concat(rows, ignore_index=True))
    result = pd.concat(out, ignore_index=True) if out else km.assign(suppressed=False).iloc[:0]
    result = result.astype({"at_risk": "Int64", "events": "Int64", "censored": "Int64", "suppressed": bool})
    result.attrs = {
        **km.attrs,
        "disclosure": {
            "applied": True,
            "threshold": k,
            "method": "coarsened_times",
            "hidden_groups": len(hidden),
            "round_to": k,
            "times": [float(x) for x in times],
        },
    }
    return result


def protect_median(median: pd.DataFrame, shown: pd.DataFrame | None = None, *, threshold: int = 5) -> pd.DataFrame:
    """A `km_median` table with the groups hidden that `coarsen_survival` hides (or that are too small).

    A group is hidden when it has fewer than ``threshold`` rows or events, or is hidden in
    ``shown`` (the coarsened Kaplan-Meier table); its counts, median and limits are empty and
    ``suppressed`` is True.
    """
    _check(median, ("variable", "group", "n", "events", "estimate", "ci_low", "ci_high"), "protect_median")
    k = int(threshold)
    out = median.copy()
    hide = ((out["n"].fillna(0) < k) | (out["events"].fillna(0) < k)).to_numpy(bool)
    if shown is not None and "suppressed" in shown:
        gone = {(v, g) for v, g, s in zip(shown["variable"], shown["group"], shown["suppressed"]) if s}
        hide |= np.array([(v, g) in gone for v, g in zip(out["variable"], out["group"])], dtype=bool)
    out.loc[hide, ["n", "events"]] = pd.NA
    out.loc[hide, ["estimate", "ci_low", "ci_high"]] = np.nan
    out["suppressed"] = hide
    out.attrs = {**median.attrs, "disclosure": {"applied": True, "threshold": k, "method": "coarsened_times"}}
    return out


def protect_survival(
    km: pd.DataFrame, median: pd.DataFrame | None, policy, *, times=()
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """``km`` and ``median`` under a report's disclosure ``policy`` (`cprstats.disclosure_policy`).

    When the policy suppresses, the Kaplan-Meier table is coarsened (ending intervals at
    ``times`` where the counts allow) and the median protected;
    otherwise both are returned as they are, with ``suppressed`` all False and the record of
    the decision (an analyst's opt-out is recorded as such).
    """
    if getattr(policy, "suppress", False):
        safe = coarsen_survival(km, threshold=int(policy.threshold), times=times)
        med = protect_median(median, safe, threshold=int(policy.threshold)) if median is not None else None
        return safe, med
    record = {"applied": False, "opted_out": bool(getattr(policy, "opted_out", False))}
    safe = km.assign(suppressed=False)
    safe.attrs = {**km.attrs, "disclosure": record}
    med = None
    if median is not None:
        med = median.assign(suppressed=False)
        med.attrs = {**median.attrs, "disclosure": record}
    return safe, med
