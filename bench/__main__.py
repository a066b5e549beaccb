"""``python -m bench``: run the budgets, print the table, write the JSON, exit 1 if any is missed."""

from __future__ import annotations

import argparse
import sys
import time
from importlib import import_module
from pathlib import Path

from . import FAMILIES
from .common import ROOT, Options
from .harness import measure
from .report import exit_code, format_table, machine_info, write_json

__all__ = ["main", "parse_args"]


def parse_args(argv=None) -> argparse.Namespace:
    """The command line.

    >>> a = parse_args(["--quick", "--only", "imports", "coding"])
    >>> a.quick, a.only, a.reps
    (True, ['imports', 'coding'], None)
    """
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--quick", action="store_true", help="fewer repetitions (at most 3), smaller data, no tableone")
    p.add_argument(
        "--reps", type=int, default=None, metavar="N", help="repetitions of every budget (overrides its default)"
    )
    p.add_argument(
        "--only",
        nargs="+",
        choices=list(FAMILIES),
        metavar="FAMILY",
        help=f"run only these families: {', '.join(FAMILIES)}",
    )
    p.add_argument(
        "--output",
        default=str(ROOT / "bench" / "results" / "latest.json"),
        metavar="JSON",
        help="where to write the results (default bench/results/latest.json)",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="print every repetition")
    args = p.parse_args(argv)
    if args.reps is not None and args.reps < 1:
        p.error(f"--reps {args.reps}: use a whole number >= 1")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    opts = Options(quick=args.quick, reps=args.reps, log=log)
    load_start = machine_info()["loadavg"]
    results = []
    started = time.perf_counter()
    for family in args.only or list(FAMILIES):
        module = import_module(FAMILIES[family])
        for budget in module.budgets(opts):
            log(f"[{family}] {budget.name} ...")
            t0 = time.perf_counter()
            result = measure(
                budget, reps=args.reps if args.reps is not None else None, log=log if args.verbose else None
            )
            results.append(result)
            status = {True: "met", False: "MISSED", None: "reported"}[result.met]
            log(f"[{family}] {budget.name}: ratio {result.ratio:.3f} ({status}, {time.perf_counter() - t0:.0f} s)")
    table = format_table(results)
    print(table)
    meta = {
        "quick": args.quick,
        "reps": args.reps,
        "families": args.only or list(FAMILIES),
        "seconds": round(time.perf_counter() - started, 1),
        "loadavg_start": load_start,
    }
    path = write_json(results, Path(args.output), meta)
    code = exit_code(results)
    end = machine_info()
    print(
        f"\nload average (1, 5, 15 min) at start {_load(load_start)}, at end {_load(end['loadavg'])}, "
        f"on {end['cpus']} cores; {meta['seconds']:.0f} s in all"
    )
    print(f"{'every budget met' if code == 0 else 'BUDGET MISSED'}; results in {path}")
    return code


def _load(values) -> str:
    return "unknown" if not values else ", ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    sys.exit(main())
