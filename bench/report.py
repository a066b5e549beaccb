"""Print the results as a table, write them as JSON, and decide the exit code.

Examples
--------
>>> from bench.harness import Result
>>> ok = Result("import cprstats", "time", "at_most", 1.5, [0.50, 0.52], [0.06, 0.05])
>>> missed = Result("coding 1M forms", "time", "at_most", 4.0, [10.0], [45.0])
>>> exit_code([ok]), exit_code([ok, missed])
(0, 1)
>>> print(format_table([ok, missed]))  # doctest: +NORMALIZE_WHITESPACE
budget           floor     measured  ratio   limit    met
import cprstats  0.510 s   0.055 s   0.108x  <= 1.5x  yes
coding 1M forms  10.000 s  45.000 s  4.500x  <= 4x    NO
"""

from __future__ import annotations

import json
import math
import os
import platform
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .harness import Result

__all__ = ["format_table", "format_value", "write_json", "exit_code", "machine_info"]

HEADER = ("budget", "floor", "measured", "ratio", "limit", "met")


def format_value(value: float, kind: str) -> str:
    """Seconds with three decimals, or bytes in MB.

    >>> format_value(1.23456, "time"), format_value(25_000_000, "memory"), format_value(float("nan"), "time")
    ('1.235 s', '25.0 MB', '-')
    """
    if value is None or math.isnan(value):
        return "-"
    return f"{value:.3f} s" if kind == "time" else f"{value / 1e6:.1f} MB"


def _limit(r: Result) -> str:
    if r.limit is None:
        return "(report)"
    sign = "<=" if r.direction == "at_most" else ">="
    return f"{sign} {r.limit:g}x"


def _met(r: Result) -> str:
    return {True: "yes", False: "NO", None: "-"}[r.met]


def format_table(results: Sequence[Result]) -> str:
    """The results as an aligned text table, then one line per check and error."""
    rows = [HEADER]
    for r in results:
        ratio = "-" if math.isnan(r.ratio) else f"{r.ratio:.3f}x"
        rows.append(
            (
                r.name,
                format_value(r.floor_median, r.kind),
                format_value(r.measured_median, r.kind),
                ratio,
                _limit(r),
                _met(r),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    for r in results:
        for c in r.checks:
            lines.append(
                f"  [{'ok' if c.ok else 'FAILED'}] {r.name}: {c.name}" + (f" ({c.detail})" if c.detail else "")
            )
        if r.error:
            lines.append(f"  [ERROR] {r.name}: {r.error}")
    return "\n".join(lines)


def exit_code(results: Sequence[Result]) -> int:
    """1 if any enforced budget (or check) was missed, else 0."""
    return 1 if any(r.met is False for r in results) else 0


def machine_info() -> dict[str, Any]:
    """Where the numbers were taken: Python, platform, cores and the load average."""
    try:
        load = list(os.getloadavg())
    except OSError:  # pragma: no cover - Windows
        load = None
    return {"python": sys.version.split()[0], "platform": platform.platform(), "cpus": os.cpu_count(), "loadavg": load}


def write_json(results: Sequence[Result], path: str | os.PathLike, meta: dict[str, Any] | None = None) -> Path:
    """Write ``{"meta": ..., "all_met": ..., "results": [...]}`` to ``path`` (folders made as needed).

    Examples
    --------
    >>> import tempfile, json, pathlib
    >>> p = write_json([Result("x", "time", "at_most", 2.0, [1.0], [1.5])],
    ...                pathlib.Path(tempfile.mkdtemp()) / "r" / "latest.json", {"reps": 1})
    >>> doc = json.loads(p.read_text())
    >>> doc["all_met"], doc["results"][0]["ratio"], doc["meta"]["reps"]
    (True, 1.5, 1)
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "meta": {**machine_info(), **(meta or {})},
        "all_met": exit_code(results) == 0,
        "results": [r.to_dict() for r in results],
    }
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(doc, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path
