"""``cprstats validate FORMS``: check coding forms; exit 0 if valid, 1 with the problems listed."""

from __future__ import annotations

import argparse
import sys

from cprstats.cli.common import add_forms_arguments, code_or_report, print_problems
from cprstats.datasets.linked import code_linked_beside
from cprstats.errors import CodingError
from cprstats.io import write_csv, write_xlsx


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_forms_arguments(parser)
    parser.add_argument("--report", metavar="PROBLEMS.csv", help="also write the problems as CSV (or .xlsx)")


def execute(args: argparse.Namespace) -> int:
    data, problems = code_or_report(args, sys.stdout)
    linked: dict = {}
    if data is not None:
        try:  # the recommendations and process forms beside the review forms, checked against them
            linked = code_linked_beside(args.forms, data, codebook=args.codebook)
        except CodingError as err:
            problems = err.problems
            print_problems(problems, sys.stdout)
            data = None
    if data is None:
        if args.report:
            if args.report.lower().endswith(".xlsx"):
                write_xlsx({"problems": problems}, args.report)
            else:
                write_csv(problems, args.report)
            print(f"Problems written to {args.report}", file=sys.stdout)
        return 1
    extra = "".join(f"; {len(t)} rows of {name}" for name, t in linked.items())
    print(
        f"{args.forms}: {len(data)} subject children in {data['review_id'].nunique()} reviews{extra}; "
        "no problems found."
    )
    return 0
