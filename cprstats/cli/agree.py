"""``cprstats agree A B [C ...] [--out DIR]``: agreement between two or more coders' forms.

A, B, C... are each coder's forms or coded dataset, as `cprstats.datasets.load_data` accepts them.

Prints the summary (per variable group and overall) and the variables with the lowest
kappa (Cohen's for two coders, Fleiss' for three or more). With ``--out`` it writes
``agreement.csv`` (every variable and option), ``agreement_summary.csv``,
``disagreements.csv`` and ``disagreements.xlsx`` (every cell the coders differ on, for them
to resolve) and ``unmatched.csv`` (reviews not every coder coded); with three or more coders
also ``agreement_pairs.csv`` (Cohen's kappa of every pair of coders). The disagreement files
name reviews: keep them with the forms, never publish them.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from cprstats.cli.common import add_codebook_option
from cprstats.codebook.model import resolve
from cprstats.datasets.loader import load_data
from cprstats.errors import ParameterError
from cprstats.io import write_csv, write_xlsx
from cprstats.stats.reliability import agreement, agreement_summary, coder_names, disagreements

__all__ = ["add_arguments", "execute"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "coders",
        nargs="+",
        metavar="CODER",
        help="each coder's forms (CSV, XLSX or a folder of YAML forms), coded dataset CSV, or an example name: "
        "two or more, for the same reviews",
    )
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


def _joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"


def execute(args: argparse.Namespace) -> int:
    import pandas as pd

    if len(args.coders) < 2:
        raise ParameterError(f"agree needs two or more coders' forms, got {len(args.coders)}: {args.coders[0]}")
    cb = resolve(args.codebook)
    letters = [n.removeprefix("coder_").upper() for n in coder_names(len(args.coders))]
    data = [load_data(src, cb, name=letter) for src, letter in zip(args.coders, letters)]  # each coded once
    k = len(data)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = agreement(*data, variables=args.variables, ci_level=args.ci_level, codebook=cb)
        pairs = (
            agreement(*data, variables=args.variables, ci_level=args.ci_level, codebook=cb, pairwise=True)
            if k > 2
            else None
        )
        diffs = disagreements(*data, variables=args.variables, codebook=cb)
    for w in caught[:1]:
        print(f"Note: {w.message}", file=sys.stderr)
    summary = agreement_summary(table)
    with pd.option_context("display.width", 120, "display.max_columns", 20):
        n = table.attrs["n_matched"]
        who = "both" if k == 2 else f"all {k}"
        print(f"Agreement between {_joined(args.coders)}: {n} subject children coded by {who}.")
        print(summary.round(3).to_string(index=False))
        shown = ["variable", "n", "p_observed", "kappa", "ci_low", "ci_high", "pabak", "alpha"]
        if k > 2:
            shown += ["kappa_pairs_min"]
        low = table.dropna(subset=["kappa"]).nsmallest(5, "kappa")[shown]
        if len(low):
            print(
                "\nLowest kappa:" if k == 2 else "\nLowest kappa (Fleiss'; kappa_pairs_min: the lowest pair's Cohen's):"
            )
            print(low.round(3).to_string(index=False))
    print(f"\n{len(diffs)} cell(s) differ.")
    if args.out:
        out = Path(args.out)
        write_csv(table, out / "agreement.csv")
        names = ["agreement.csv"]
        if k > 2:
            write_csv(pairs, out / "agreement_pairs.csv")
            names.append("agreement_pairs.csv")
        write_csv(summary, out / "agreement_summary.csv")
        write_csv(diffs, out / "disagreements.csv")
        write_xlsx({"disagreements": diffs}, out / "disagreements.xlsx")
        unmatched = pd.DataFrame(table.attrs["unmatched"], columns=["review_id", "child_no", "coded_by"])
        write_csv(unmatched, out / "unmatched.csv")
        names += ["agreement_summary.csv", "disagreements.csv", "disagreements.xlsx", "unmatched.csv"]
        print(f"Wrote {', '.join(names[:-1])} and {names[-1]} to {out}")
    return 0
