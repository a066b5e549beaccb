"""``cprstats validate FORMS``: check coding forms; exit 0 if valid, 1 with the problems listed."""

from __future__ import annotations

import sys

from ._common import add_codebook_option, add_keep_option, print_problems


def add_arguments(parser):
    parser.add_argument("forms", help="a CSV or XLSX file of forms, or a folder of YAML forms")
    parser.add_argument("--report", metavar="PROBLEMS.csv", help="also write the problems as CSV (or .xlsx)")
    add_codebook_option(parser)
    add_keep_option(parser)


def run(args) -> int:
    from ..coding import code_reviews
    from ..errors import CodingError

    try:
        data = code_reviews(args.forms, args.codebook, keep_columns=args.keep_columns)
    except CodingError as exc:
        print_problems(exc.problems, sys.stdout)
        if args.report:
            from ..safeio import write_csv, write_xlsx

            if args.report.lower().endswith(".xlsx"):
                write_xlsx({"problems": exc.problems}, args.report)
            else:
                write_csv(exc.problems, args.report)
            print(f"Problems written to {args.report}", file=sys.stdout)
        return 1
    print(f"{args.forms}: {len(data)} subject children in {data['review_id'].nunique()} reviews; no problems found.")
    return 0
