"""``cprstats code FORMS -o OUT.csv``: code forms and write the dataset with its datapackage.json."""

from __future__ import annotations

import sys

from ._common import add_codebook_option, add_keep_option, print_problems


def add_arguments(parser):
    parser.add_argument("forms", help="a CSV or XLSX file of forms, or a folder of YAML forms")
    parser.add_argument("-o", "--output", required=True, metavar="OUT.csv", help="the coded dataset to write (datapackage.json goes beside it)")
    parser.add_argument("--lang", choices=["en", "cy"], default="en", help="language of titles and labels in datapackage.json")
    parser.add_argument("--synthetic", action="store_true", help="mark the dataset as synthetic in datapackage.json")
    add_codebook_option(parser)
    add_keep_option(parser)


def run(args) -> int:
    from ..coding import code_reviews
    from ..datapackage import write_dataset
    from ..errors import CodingError

    try:
        data = code_reviews(args.forms, args.codebook, keep_columns=args.keep_columns)
    except CodingError as exc:
        print_problems(exc.problems, sys.stdout)
        print("Nothing was written.", file=sys.stdout)
        return 1
    pkg = write_dataset(data, args.output, codebook=args.codebook, lang=args.lang, synthetic=args.synthetic or None)
    print(f"Coded {len(data)} subject children into {args.output} (schema in {pkg}).")
    return 0
