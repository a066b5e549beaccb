"""Pieces shared by several subcommands."""

from __future__ import annotations

from cprstats.errors import CodingError
from cprstats.forms.coding import code_reviews

__all__ = ["add_forms_arguments", "add_codebook_option", "add_keep_option", "print_problems", "code_or_report"]


def add_forms_arguments(parser):
    """The FORMS argument and the options every command that codes forms takes."""
    parser.add_argument("forms", help="a CSV or XLSX file of forms, or a folder of YAML forms")
    add_codebook_option(parser)
    add_keep_option(parser)


def code_or_report(args, stream):
    """Code ``args.forms``; on problems print them to ``stream`` and return ``(None, problems)``."""

    try:
        return code_reviews(args.forms, args.codebook, keep_columns=args.keep_columns), None
    except CodingError as exc:
        print_problems(exc.problems, stream)
        return None, exc.problems


def add_codebook_option(parser):
    parser.add_argument(
        "--codebook", metavar="FILE", help="a researcher's own codebook YAML (default: the packaged one)"
    )


def add_keep_option(parser):
    parser.add_argument(
        "--keep-column",
        dest="keep_columns",
        action="append",
        default=[],
        metavar="NAME",
        help="keep an extra column that is not in the codebook and holds no identifiers (repeatable)",
    )


def print_problems(problems, stream) -> None:
    """Print a problems table readably: one block per problem, file and row first."""
    n = len(problems)
    print(f"{n} problem{'s' if n != 1 else ''} found:", file=stream)
    for rec in problems.itertuples(index=False):
        where = f"{rec.file}, row {rec.row}" + (f" ({rec.review_id})" if rec.review_id else "")
        value = f" = {rec.value!r}" if rec.value != "" else ""
        print(f"  {where}, field {rec.field}{value}:\n      {rec.problem}", file=stream)
