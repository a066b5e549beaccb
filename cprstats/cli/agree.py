"""``cprstats agree A B [--out DIR]``: agreement between two coders' forms.

A and B are each coder's forms or coded dataset, as `cprstats.datasets.load_data` accepts them.

Prints the summary (per variable group and overall) and the variables with the lowest
kappa. With ``--out`` it writes ``agreement.csv`` (every variable and option),
``agreement_summary.csv``, ``disagreements.csv`` and ``disagreements.xlsx`` (every cell the
coders differ on, for them to resolve) and ``unmatched.csv`` (reviews only one coder coded).
The disagreement files name reviews: keep them with the forms, never publish them.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

from cprstats.cli.common import add_codebook_option
from cprstats.codebook.model import resolve
from cprstats.datasets.loader import load_data
from cprstats.io import write_csv, write_xlsx
from cprstats.stats.reliability import agreement, agreement_summary, disagreements

__all__ = ["add_arguments", "run"]


def add_arguments(parser):
    parser.add_argument(
        "coder_a",
        metavar="A",
        help="coder A's forms (CSV, XLSX or a folder of YAML forms), coded dataset CSV, or an example name",
    )
    parser.add_argument("coder_b", metavar="B", help="coder B's forms or coded dataset of the same reviews")
    parser.add_argument("--out", metavar="DIR", help="folder to write the agreement and disagreement tables into")
    parser.add_argument(
        "--variables",
        nargs="+",
        metavar="NAME",
        help="variables or option columns to compare (default: every variable a coder types)",
    )
    parser.add_argument(
        "--ci-level", type=float, default=0.95, metavar="P", help="level of the kappa interval (default: 0.95)"
    )
    add_codebook_option(parser)


def run(args) -> int:
    import pandas as pd

    cb = resolve(args.codebook)
    a, b = load_data(args.coder_a, cb, name="A"), load_data(args.coder_b, cb, name="B")  # each coded once
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = agreement(a, b, args.variables, ci_level=args.ci_level, codebook=cb)
        diffs = disagreements(a, b, args.variables, codebook=cb)
    for w in caught[:1]:
        print(f"Note: {w.message}", file=sys.stderr)
    summary = agreement_summary(table)
    with pd.option_context("display.width", 120, "display.max_columns", 20):
        n = table.attrs["n_matched"]
        print(f"Agreement between {args.coder_a} and {args.coder_b}: {n} subject children coded by both.")
        print(summary.round(3).to_string(index=False))
        low = table.dropna(subset=["kappa"]).nsmallest(5, "kappa")[
            ["variable", "n", "p_observed", "kappa", "ci_low", "ci_high", "pabak", "alpha"]
        ]
        if len(low):
            print("\nLowest kappa:")
            print(low.round(3).to_string(index=False))
    print(f"\n{len(diffs)} cell(s) differ.")
    if args.out:
        out = Path(args.out)
        write_csv(table, out / "agreement.csv")
        write_csv(summary, out / "agreement_summary.csv")
        write_csv(diffs, out / "disagreements.csv")
        write_xlsx({"disagreements": diffs}, out / "disagreements.xlsx")
        unmatched = pd.DataFrame(table.attrs["unmatched"], columns=["review_id", "child_no", "coded_by"])
        write_csv(unmatched, out / "unmatched.csv")
        names = "agreement.csv, agreement_summary.csv, disagreements.csv, disagreements.xlsx and unmatched.csv"
        print(f"Wrote {names} to {out}")
    return 0
