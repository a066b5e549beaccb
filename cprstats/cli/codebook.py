"""``cprstats codebook``: print the data dictionary, list the Welsh texts awaiting review, or write
the multi-response variables as a REFI-QDA codebook (``--qdc FILE``) for NVivo, ATLAS.ti, MAXQDA or
QualCoder (`cprstats.io.refiqda`)."""

from __future__ import annotations

import argparse
import sys

from cprstats.cli.common import add_codebook_option
from cprstats.codebook.dictionary import data_dictionary, untranslated
from cprstats.codebook.i18n import untranslated as ui_untranslated
from cprstats.codebook.model import resolve
from cprstats.io import write_text
from cprstats.io.refiqda import codebook_codes, write_qdc


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang",
        choices=["en", "cy"],
        default="en",
        help="language of the dictionary (and of the code names with --qdc)",
    )
    parser.add_argument(
        "--untranslated",
        action="store_true",
        help="list every text whose Welsh awaits a translator's review (codebook and interface strings)",
    )
    parser.add_argument("-o", "--output", metavar="FILE.md", help="write to a file instead of printing")
    parser.add_argument(
        "--qdc",
        metavar="FILE.qdc",
        help="write the multi-response variables and their options as a REFI-QDA codebook (.qdc) instead, "
        "code names in --lang, descriptions in English and Welsh",
    )
    add_codebook_option(parser)


def execute(args: argparse.Namespace) -> int:

    cb = resolve(args.codebook)
    if args.qdc:
        path = write_qdc(args.qdc, cb, lang=args.lang)
        codes = codebook_codes(cb, lang=args.lang)
        n = sum(1 for top in codes for _ in top.walk())
        print(f"Wrote {len(codes)} variables and {n - len(codes)} options as REFI-QDA codes to {path}", file=sys.stderr)
        return 0
    if args.untranslated:
        rows = [("codebook", *r) for r in untranslated(cb)]
        try:
            rows += [("interface", *r) for r in ui_untranslated()]
        except ModuleNotFoundError:
            pass
        lines = ["source\twhere\tenglish\twelsh"] + ["\t".join(map(str, r)) for r in rows]
        text = "\n".join(lines) + "\n"
        print(f"{len(rows)} texts await a Welsh translator's review.", file=sys.stderr)
    else:
        text = data_dictionary(cb, args.lang) + "\n"
    if args.output:
        write_text(text, args.output)
    else:
        sys.stdout.write(text)
    return 0
