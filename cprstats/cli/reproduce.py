"""``cprstats reproduce``: the default all-Wales run; regenerate ``figures/`` and the committed notebooks."""

from __future__ import annotations

import argparse
import sys

from cprstats.cli.run import summarise
from cprstats.errors import RunInterrupted
from cprstats.runner.reproduction import reproduce


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--output",
        default=None,
        metavar="DIR",
        help="where to write the run (default: outputs/ in the repository; outputs/wales/all is replaced)",
    )
    parser.add_argument("--jobs", type=int, default=2, metavar="N", help="notebooks run at once (default 2)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines")


def execute(args: argparse.Namespace) -> int:

    try:
        done = reproduce(output=args.output, jobs=args.jobs, progress=not args.quiet)
    except RunInterrupted as exc:
        print(f"cprstats {args.command}: {exc}; figures/ and notebooks/ were not changed", file=sys.stderr)
        return 130
    summarise(done.run, sys.stdout)
    if done.exit_code:
        print("figures/ and notebooks/ were left as they were.", file=sys.stdout)
        return done.exit_code
    print(
        f"Figures: {len(done.figures)} in figures/ ({len(done.changed)} changed); "
        f"notebooks refreshed: {', '.join(done.notebooks) or 'none'}.",
        file=sys.stdout,
    )
    return 0
