"""Pieces shared by several subcommands."""

from __future__ import annotations

import argparse
import os
from typing import TextIO

import pandas as pd

from cprstats.codebook.model import Codebook, resolve
from cprstats.errors import CodingError
from cprstats.forms.coding import code_reviews
from cprstats.forms.guard import vocabulary
from cprstats.forms.identifiers import safe_echo, safe_header

__all__ = [
    "add_forms_arguments",
    "add_codebook_option",
    "add_keep_option",
    "print_problems",
    "code_or_report",
    "safe_problems",
]


def add_forms_arguments(parser: argparse.ArgumentParser) -> None:
    """The FORMS argument and the options every command that codes forms takes."""
    parser.add_argument("forms", help="a CSV or XLSX file of forms, or a folder of YAML forms")
    add_codebook_option(parser)
    add_keep_option(parser)


def code_or_report(args: argparse.Namespace, stream: TextIO) -> tuple[pd.DataFrame, None] | tuple[None, pd.DataFrame]:
    """Code ``args.forms``; on problems print them to ``stream`` and return ``(None, problems)``."""

    try:
        return code_reviews(args.forms, args.codebook, keep_columns=args.keep_columns), None
    except CodingError as exc:
        problems = safe_problems(exc.problems, args.codebook)
        print_problems(problems, stream)
        return None, problems


def safe_problems(problems: pd.DataFrame, codebook: Codebook | str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """A copy of a problems table whose ``value``, ``review_id`` and ``field`` all pass the identifier screen.

    The coder and the guard already withhold what looks identifying; this is the last check
    before a table is printed or saved (`cprstats.forms.identifiers.safe_echo`).

    Examples
    --------
    >>> t = pd.DataFrame({"file": ["f.csv"], "row": [2], "review_id": ["R 1"], "field": ["sex"],
    ...                   "value": ["Jane Smith"], "problem": ["not an allowed value of sex"]})
    >>> safe_problems(t)["value"].tolist()
    ["[withheld: looks like a person's name]"]
    """
    words = vocabulary(resolve(codebook))
    out = problems.copy()
    for col in ("value", "review_id"):
        if col in out.columns:
            out[col] = [safe_echo(v, words) if isinstance(v, str) and v else v for v in out[col].tolist()]
    if "field" in out.columns:
        out["field"] = [safe_header(v) if isinstance(v, str) and v else v for v in out["field"].tolist()]
    return out


def add_codebook_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--codebook", metavar="FILE", help="a researcher's own codebook YAML (default: the packaged one)"
    )


def add_keep_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--keep-column",
        dest="keep_columns",
        action="append",
        default=[],
        metavar="NAME",
        help="keep an extra column that is not in the codebook and holds no identifiers (repeatable)",
    )


def print_problems(problems: pd.DataFrame, stream: TextIO) -> None:
    """Print a problems table readably: one block per problem, file and row first."""
    problems = safe_problems(problems)
    n = len(problems)
    print(f"{n} problem{'s' if n != 1 else ''} found:", file=stream)
    for rec in problems.itertuples(index=False):
        where = f"{rec.file}, row {rec.row}" + (f" ({rec.review_id})" if rec.review_id else "")
        value = f" = {rec.value!r}" if rec.value != "" else ""
        print(f"  {where}, field {rec.field}{value}:\n      {rec.problem}", file=stream)
