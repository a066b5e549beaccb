"""The benchmark harness: budgets measured against a floor in the same run.

A `Budget` pairs a measured callable with a floor callable. `measure` runs them
interleaved (floor, measured, then measured, floor, ... so that a slow spell on a shared
machine falls on both sides), takes the median of each, and compares the ratio with the
budget's limit:

- ``"at_most"`` budgets (the default): ``ratio = measured / floor`` must be ``<= limit``
  (the runner costs at most 1.35x the plain script);
- ``"at_least"`` budgets (speed-ups): ``ratio = floor / measured`` must be ``>= limit``
  (two workers at least 1.75x faster than one).

A budget may also carry checks (named yes/no conditions computed from the samples or
from the environment, such as "no heavy module loaded by ``import cprstats``"); it is met
only when its ratio is within the limit and every check passes. A budget with
``limit=None`` is reported, never enforced (the tableone comparison).

Each callable returns its own sample (seconds, or bytes for ``kind="memory"``): use
`timed` to time a plain function with `time.perf_counter`.

Examples
--------
Fake timings (no clock involved): the floor takes 2 s, the measured side 2.5 s.

>>> fake = iter([2.0, 2.5, 2.5, 2.0, 2.0, 2.5])
>>> b = Budget("demo", measured=lambda: next(fake), floor=lambda: next(fake), limit=1.35, reps=3)
>>> r = measure(b)
>>> r.floor_median, r.measured_median, round(r.ratio, 3), r.met
(2.0, 2.5, 1.25, True)
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Budget", "Check", "Result", "measure", "timed", "median", "ratio_of", "within"]

KINDS = ("time", "memory")
DIRECTIONS = ("at_most", "at_least")


@dataclass(frozen=True)
class Check:
    """A named yes/no condition attached to a result (``detail`` says what was seen)."""

    name: str
    ok: bool
    detail: str = ""


@dataclass(frozen=True)
class Budget:
    """One budget: ``measured`` against ``floor``, ``reps`` interleaved repetitions.

    Parameters
    ----------
    name : str
        Shown in the table and the JSON (unique within a run).
    measured, floor : callable
        Each call returns one sample: seconds (``kind="time"``) or bytes (``kind="memory"``).
    limit : float or None
        The ratio allowed; None for a comparison that is reported, not enforced.
    kind : {"time", "memory"}
    direction : {"at_most", "at_least"}
        ``at_most``: measured / floor <= limit; ``at_least``: floor / measured >= limit.
    reps : int
        Repetitions of each side (the median of each is compared).
    warmup : int
        Unrecorded runs of each side first (fills disk caches, writes ``.pyc`` files).
    checks : callable, optional
        ``checks(floor_samples, measured_samples) -> list[Check]``, run after the samples.
    floor_label, measured_label, note : str
        What each side is, for the table and the JSON.
    """

    name: str
    measured: Callable[[], float]
    floor: Callable[[], float]
    limit: float | None
    kind: str = "time"
    direction: str = "at_most"
    reps: int = 5
    warmup: int = 0
    checks: Callable[[list[float], list[float]], list[Check]] | None = None
    floor_label: str = ""
    measured_label: str = ""
    note: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind={self.kind!r} is not allowed; use one of {', '.join(KINDS)}")
        if self.direction not in DIRECTIONS:
            raise ValueError(f"direction={self.direction!r} is not allowed; use one of {', '.join(DIRECTIONS)}")
        if isinstance(self.reps, bool) or not isinstance(self.reps, int) or self.reps < 1:
            raise ValueError(f"reps={self.reps!r} is not allowed; use a whole number >= 1")
        if self.limit is not None and not (isinstance(self.limit, (int, float)) and self.limit > 0):
            raise ValueError(f"limit={self.limit!r} is not allowed; use a positive number or None")


@dataclass
class Result:
    """What `measure` found for one budget (see `Budget`); ``met`` is None when not enforced."""

    name: str
    kind: str
    direction: str
    limit: float | None
    floor_samples: list[float]
    measured_samples: list[float]
    checks: list[Check] = field(default_factory=list)
    floor_label: str = ""
    measured_label: str = ""
    note: str = ""
    error: str | None = None

    @property
    def floor_median(self) -> float:
        return median(self.floor_samples)

    @property
    def measured_median(self) -> float:
        return median(self.measured_samples)

    @property
    def ratio(self) -> float:
        return ratio_of(self.floor_median, self.measured_median, self.direction)

    @property
    def met(self) -> bool | None:
        if self.error is not None:
            return False
        checks_ok = all(c.ok for c in self.checks)
        if self.limit is None:
            return None if not self.checks else checks_ok
        return within(self.ratio, self.limit, self.direction) and checks_ok

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready record (NaN written as None)."""

        def num(x):
            return None if x is None or (isinstance(x, float) and math.isnan(x)) else x

        return {
            "name": self.name,
            "kind": self.kind,
            "direction": self.direction,
            "limit": self.limit,
            "floor_label": self.floor_label,
            "measured_label": self.measured_label,
            "floor_median": num(self.floor_median),
            "measured_median": num(self.measured_median),
            "ratio": num(self.ratio),
            "met": self.met,
            "floor_samples": list(self.floor_samples),
            "measured_samples": list(self.measured_samples),
            "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in self.checks],
            "note": self.note,
            "error": self.error,
        }


def median(samples: Sequence[float]) -> float:
    """The median of the samples, NaN when there are none.

    >>> median([3.0, 1.0, 2.0]), median([1.0, 2.0, 10.0, 4.0])
    (2.0, 3.0)
    """
    return float(statistics.median(samples)) if len(samples) else math.nan


def ratio_of(floor: float, measured: float, direction: str = "at_most") -> float:
    """The ratio a budget is judged by: measured/floor (``at_most``) or floor/measured (``at_least``).

    >>> ratio_of(2.0, 3.0), ratio_of(10.0, 5.0, "at_least")
    (1.5, 2.0)
    >>> ratio_of(0.0, 1.0)
    nan
    """
    num, den = (measured, floor) if direction == "at_most" else (floor, measured)
    if not den or math.isnan(den) or math.isnan(num):
        return math.nan
    return num / den


def within(ratio: float, limit: float, direction: str = "at_most") -> bool:
    """Whether ``ratio`` meets ``limit`` (a NaN ratio never does).

    >>> within(1.2, 1.35), within(1.5, 1.35), within(1.9, 1.75, "at_least"), within(float("nan"), 2)
    (True, False, True, False)
    """
    if math.isnan(ratio):
        return False
    return ratio <= limit if direction == "at_most" else ratio >= limit


def timed(fn: Callable[[], Any]) -> Callable[[], float]:
    """Wrap ``fn`` so that a call returns the seconds it took (`time.perf_counter`).

    >>> t = timed(lambda: sum(range(1000)))()
    >>> 0 <= t < 5
    True
    """

    def run() -> float:
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0

    return run


def measure(budget: Budget, *, reps: int | None = None, log: Callable[[str], None] | None = None) -> Result:
    """Run ``budget`` (``reps`` overrides its repetitions) and return its `Result`.

    The two sides alternate which goes first in each repetition. An exception in either
    side ends the budget: the result carries the error and counts as missed.

    Examples
    --------
    >>> def boom():
    ...     raise RuntimeError("no notebooks")
    >>> r = measure(Budget("x", measured=boom, floor=lambda: 1.0, limit=2.0, reps=2))
    >>> r.met, r.error
    (False, 'RuntimeError: no notebooks')
    """
    n = budget.reps if reps is None else reps
    floor_s: list[float] = []
    measured_s: list[float] = []
    result = Result(
        budget.name,
        budget.kind,
        budget.direction,
        budget.limit,
        floor_s,
        measured_s,
        floor_label=budget.floor_label,
        measured_label=budget.measured_label,
        note=budget.note,
    )
    try:
        for _ in range(budget.warmup):
            budget.floor()
            budget.measured()
        for i in range(n):
            order = ((floor_s, budget.floor), (measured_s, budget.measured))
            for samples, fn in order if i % 2 == 0 else order[::-1]:
                samples.append(float(fn()))
            if log is not None:
                log(f"  {budget.name}: rep {i + 1}/{n}: floor {floor_s[-1]:.4g}, measured {measured_s[-1]:.4g}")
        if budget.checks is not None:
            result.checks = list(budget.checks(floor_s, measured_s))
    except Exception as exc:  # noqa: BLE001 - a failing benchmark is a missed budget, reported
        result.error = f"{type(exc).__name__}: {exc}"
    return result
