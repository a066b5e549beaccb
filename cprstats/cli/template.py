"""``cprstats template OUT.xlsx [--lang en|cy]``: write the Excel coding template."""

from __future__ import annotations

import argparse

from cprstats.cli.common import add_codebook_option
from cprstats.forms.template import make_template

__all__ = ["add_arguments", "execute"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("output", metavar="OUT.xlsx", help="the workbook to write")
    parser.add_argument(
        "--lang",
        choices=["en", "cy"],
        default="en",
        help="language of the drop-down labels, comments, codebook and instructions (default: en)",
    )
    parser.add_argument(
        "--rows",
        type=int,
        default=500,
        metavar="N",
        help="rows with drop-downs and checks below the header (default: 500)",
    )
    add_codebook_option(parser)


def execute(args: argparse.Namespace) -> int:

    path = make_template(args.output, lang=args.lang, codebook=args.codebook, rows=args.rows)
    print(
        f"Wrote the coding template {path} ({args.lang}). "
        f"Fill in the 'coding' sheet, then run: cprstats validate {path}"
    )
    return 0
