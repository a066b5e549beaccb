"""``cprstats code FORMS -o OUT.csv``: code forms and write the dataset with its datapackage.json."""

from __future__ import annotations

import argparse
import sys

from cprstats.cli.common import add_forms_arguments, code_or_report, print_problems
from cprstats.datasets.linked import code_linked_beside
from cprstats.errors import CodingError
from cprstats.io.datapackage import write_dataset
from cprstats.io.linked_package import add_linked_tables


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_forms_arguments(parser)
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUT.csv",
        help="the coded dataset to write (datapackage.json goes beside it)",
    )
    parser.add_argument(
        "--lang", choices=["en", "cy"], default="en", help="language of titles and labels in datapackage.json"
    )
    parser.add_argument("--synthetic", action="store_true", help="mark the dataset as synthetic in datapackage.json")


def execute(args: argparse.Namespace) -> int:

    data, _ = code_or_report(args, sys.stdout)
    linked: dict = {}
    if data is not None:
        try:  # the recommendations and process forms beside the review forms, checked against them
            linked = code_linked_beside(args.forms, data, codebook=args.codebook)
        except CodingError as err:
            print_problems(err.problems, sys.stdout)
            data = None
    if data is None:
        print("Nothing was written.", file=sys.stdout)
        return 1
    pkg = write_dataset(data, args.output, codebook=args.codebook, lang=args.lang, synthetic=args.synthetic or None)
    if linked:
        add_linked_tables(args.output, **linked, codebook=args.codebook, lang=args.lang)
    extra = "".join(f", {len(t)} rows of {name}" for name, t in linked.items())
    print(f"Coded {len(data)} subject children{extra} into {args.output} (schema in {pkg}).")
    return 0
