"""``cprstats run``: execute the notebooks for regions and periods into ``outputs/<region>/<period>/``."""

from __future__ import annotations

import argparse
import sys

from cprstats.cli.common import add_codebook_option, print_problems
from cprstats.errors import CodingError
from cprstats.runner.execution import RunInterrupted
from cprstats.runner.execution import run as run_notebooks


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--region",
        nargs="+",
        action="extend",
        metavar="R",
        help="wales (default) or board codes: NWSB MWW WGSB CTM CAV GWENT (several allowed)",
    )
    parser.add_argument(
        "--period",
        nargs="+",
        action="extend",
        metavar="P",
        help="all (default), pre_covid, post_covid, or a window: a financial year (fy2019 = April 2019 to "
        "March 2020), a year (2019), cpr_era (2013-01 to 2024-09) or susr_era (from 2024-10) (several allowed)",
    )
    parser.add_argument(
        "--from",
        dest="window_from",
        default=None,
        metavar="YYYY-MM",
        help="first month of a window every report covers (both months included; with --to, or open-ended)",
    )
    parser.add_argument(
        "--to", dest="window_to", default=None, metavar="YYYY-MM", help="last month of the window (see --from)"
    )
    parser.add_argument(
        "--anchor",
        default=None,
        metavar="incident|publication",
        help="the date a window is read on: the incident date (default) or the publication date",
    )
    parser.add_argument(
        "--notebook",
        nargs="+",
        action="extend",
        metavar="NAME",
        help="notebooks to run, e.g. 01_children_and_families (default: all)",
    )
    parser.add_argument("--lang", default="en", metavar="en|cy", help="language of the reports (default en)")
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="notebooks run at once, each in its own process (default: 2, or 1 on one core)",
    )
    parser.add_argument(
        "--data",
        default="wales",
        metavar="FORMS_OR_DATASET",
        help="coding forms (CSV, XLSX or a folder of YAML), a coded dataset CSV (from `cprstats code`, "
        "or saved with pandas), or an example name (default: wales, the shipped synthetic data); "
        "decided by cprstats.datasets.load_data, as in the notebooks",
    )
    parser.add_argument("--output", default="outputs", metavar="DIR", help="where to write (default: outputs)")
    parser.add_argument(
        "--threshold",
        type=int,
        default=5,
        metavar="K",
        help="disclosure threshold: counts from 1 to K-1 are hidden (default 5)",
    )
    parser.add_argument(
        "--no-suppress",
        dest="suppress",
        action="store_const",
        const=False,
        default=None,
        help="turn small-number suppression off below all-Wales: the same as --restricted (the reports are "
        "marked OFFICIAL-SENSITIVE and written under RESTRICTED-<region>/)",
    )
    parser.add_argument(
        "--restricted",
        action="store_true",
        help="a restricted run for a board's closed meeting: unsuppressed reports, marked 'OFFICIAL-SENSITIVE: not "
        "for circulation' on every page, figure, CSV and XLSX, written under <output>/RESTRICTED-<region>/; "
        "the only run that may use a --threshold under 3",
    )
    parser.add_argument(
        "--coders",
        nargs="+",
        default=None,
        metavar="CODING",
        help="two or more codings of the same double-coded reviews (forms, coded datasets or example names), for "
        "the coder-agreement notebook; without them it is skipped for board runs. Its review-level "
        "disagreements go to <output>/private/ (owner only), never into a report",
    )
    parser.add_argument(
        "--notebook-dir",
        default=None,
        metavar="DIR",
        help="where the notebooks are (default: the repository's notebooks/)",
    )
    add_codebook_option(parser)
    parser.add_argument("--force", action="store_true", help="replace region/period folders that already hold outputs")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines")


def summarise(result, stream) -> None:
    """Print which notebooks failed (region, period, notebook, cell) and where the reports are."""
    failed = result.failed
    n = len(result.jobs)
    if len(failed):
        print(f"{len(failed)} of {n} notebook runs failed:", file=stream)
        for rec in failed.itertuples(index=False):
            print(f"  {rec.region}/{rec.period}/{rec.notebook}: {rec.error}", file=stream)
            if rec.notebook_path:
                print(f"      the executed notebook, with the error: {rec.notebook_path}", file=stream)
    else:
        print(f"All {n} notebook runs finished.", file=stream)
    for region, period, notebook, why in getattr(result, "skipped", ()):
        print(f"  skipped {region}/{period}/{notebook}: {why}", file=stream)
    where = result.index if result.index is not None else result.output
    print(f"Reports: {where}", file=stream)
    if getattr(result, "restricted", False):
        print(
            "WARNING: restricted run. These reports are UNSUPPRESSED and marked 'OFFICIAL-SENSITIVE: not for "
            f"circulation' (folders {result.output}/RESTRICTED-*): they may identify children. Keep them for the "
            "closed meeting; never publish, e-mail or circulate them.",
            file=stream,
        )


def _window(args: argparse.Namespace) -> str | None:
    """``--from``/``--to`` as a window (``"2017-01..2021-12"``, an end left open if not given), or None."""
    start, end = getattr(args, "window_from", None), getattr(args, "window_to", None)
    if start is None and end is None:
        return None
    return f"{start or ''}..{end or ''}"


def execute(args: argparse.Namespace) -> int:

    try:
        result = run_notebooks(
            args.notebook,
            args.region or ["wales"],
            args.period or ["all"],
            lang=args.lang,
            jobs=args.jobs,
            data=args.data,
            output=args.output,
            threshold=args.threshold,
            suppress=args.suppress,
            force=args.force,
            notebook_dir=args.notebook_dir,
            codebook=args.codebook,
            progress=not args.quiet,
            window=_window(args),
            anchor=args.anchor,
            restricted=bool(getattr(args, "restricted", False)),
            coders=getattr(args, "coders", None),
        )
    except CodingError as exc:
        print_problems(exc.problems, sys.stdout)
        print("No notebook was run: correct the forms (`cprstats validate`) and run again.", file=sys.stdout)
        return 1
    except RunInterrupted as exc:
        print(f"cprstats {args.command}: {exc}", file=sys.stderr)
        return 130
    summarise(result, sys.stdout)
    return result.exit_code
