"""``cprstats codebook``: print the data dictionary, or the Welsh texts awaiting review."""

from __future__ import annotations

import sys

from cprstats.cli.common import add_codebook_option
from cprstats.codebook.dictionary import data_dictionary, untranslated
from cprstats.codebook.i18n import untranslated as ui_untranslated
from cprstats.codebook.model import resolve
from cprstats.io import write_text


def add_arguments(parser):
    parser.add_argument("--lang", choices=["en", "cy"], default="en", help="language of the dictionary")
    parser.add_argument(
        "--untranslated",
        action="store_true",
        help="list every text whose Welsh awaits a translator's review (codebook and interface strings)",
    )
    parser.add_argument("-o", "--output", metavar="FILE.md", help="write to a file instead of printing")
    add_codebook_option(parser)


def run(args) -> int:

    cb = resolve(args.codebook)
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
