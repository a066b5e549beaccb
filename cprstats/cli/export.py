"""``cprstats export DATASET --format sav|dta|parquet|csv [--lang en|cy] [-o OUT]``.

DATASET is a coded CSV written by ``cprstats code`` (with its ``datapackage.json``) or saved
with pandas, coding forms (coded first) or an example name: whatever
`cprstats.datasets.load_data` accepts.
Restricted variables (``age_months``) are left out unless ``--include-restricted`` is given.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cprstats.cli.common import add_codebook_option
from cprstats.codebook.model import resolve
from cprstats.datasets.loader import load_data
from cprstats.errors import ParameterError
from cprstats.io.exporters import FORMATS, export

__all__ = ["add_arguments", "execute"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "dataset",
        metavar="DATASET",
        help="a coded dataset CSV (from `cprstats code`, or saved with pandas), coding forms, or an example name",
    )
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


def execute(args: argparse.Namespace) -> int:

    src = Path(args.dataset)
    out = Path(args.output) if args.output else src.with_suffix(FORMATS[args.format])
    if out.resolve() == src.resolve():
        raise ParameterError(f"the output {out} would replace the dataset itself; give another file with -o")
    cb = resolve(args.codebook)
    data = load_data(args.dataset, cb, name="DATASET")
    path = export(
        data, out, format=args.format, lang=args.lang, codebook=cb, include_restricted=args.include_restricted
    )
    print(f"Wrote {path} ({args.format}, labels in {args.lang}).")
    return 0
