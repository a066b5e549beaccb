"""``cprstats export DATASET --format sav|dta|parquet|csv [--lang en|cy] [-o OUT]``.

DATASET is a coded CSV written by ``cprstats code`` (with its ``datapackage.json``).
Restricted variables (``age_months``) are left out unless ``--include-restricted`` is given.
"""

from __future__ import annotations

from pathlib import Path

from cprstats.cli.common import add_codebook_option
from cprstats.errors import ParameterError
from cprstats.io.exporters import FORMATS, export

__all__ = ["add_arguments", "run"]


def add_arguments(parser):
    parser.add_argument("dataset", metavar="DATASET", help="a coded dataset CSV (with datapackage.json beside it)")
    parser.add_argument(
        "--format",
        required=True,
        choices=["sav", "dta", "parquet", "csv"],
        help="sav (SPSS), dta (Stata 14+), parquet (R arrow, Python) or csv (with datapackage.json)",
    )
    parser.add_argument("--lang", choices=["en", "cy"], default="en", help="language of the variable and value labels")
    parser.add_argument(
        "-o", "--output", metavar="OUT", help="the file to write (default: DATASET with the format's suffix)"
    )
    parser.add_argument(
        "--include-restricted",
        action="store_true",
        help="keep restricted variables such as age_months (the file must then never be published)",
    )
    add_codebook_option(parser)


def run(args) -> int:

    src = Path(args.dataset)
    out = Path(args.output) if args.output else src.with_suffix(FORMATS[args.format])
    if out.resolve() == src.resolve():
        raise ParameterError(f"the output {out} would replace the dataset itself; give another file with -o")
    path = export(
        src, out, format=args.format, lang=args.lang, codebook=args.codebook, include_restricted=args.include_restricted
    )
    print(f"Wrote {path} ({args.format}, labels in {args.lang}).")
    return 0
