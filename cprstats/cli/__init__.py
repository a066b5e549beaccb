"""The ``cprstats`` command line.

Each subcommand lives in its own module under ``cprstats/commands/`` with two functions:
``add_arguments(parser)`` and ``run(args) -> int``. Modules load only when their command
runs, so ``cprstats --help`` is quick.

Exit codes: 0 success; 1 the input has problems (printed as a table); 2 usage errors or
files that cannot be read; 130 interrupted. A user's mistake never shows a traceback.
"""

from __future__ import annotations

import argparse
import sys
from importlib import import_module

from cprstats._version import __version__
from cprstats.errors import CodingError, CprstatsError

__all__ = ["main", "COMMANDS"]

# command -> (module, one-line help)
COMMANDS = {
    "validate": ("cprstats.cli.validate", "check coding forms against the codebook"),
    "code": ("cprstats.cli.code", "code forms into a dataset with its datapackage.json"),
    "codebook": ("cprstats.cli.codebook", "print the data dictionary (Markdown)"),
    "template": ("cprstats.cli.template", "write an Excel coding template made from the codebook"),
    "agree": ("cprstats.cli.agree", "inter-rater agreement between two coders' forms"),
    "export": ("cprstats.cli.export", "export a coded dataset for SPSS, Stata, R or Parquet"),
    "run": ("cprstats.cli.run", "run the notebooks for regions and periods"),
    "reproduce": ("cprstats.cli.reproduce", "run the default all-Wales analysis and regenerate figures/"),
    "synth": ("cprstats.cli.synth", "regenerate the shipped synthetic data"),
}


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # usage errors exit 2 with a one-line hint, as argparse does
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser(available=None) -> argparse.ArgumentParser:
    parser = _Parser(prog="cprstats", description="Reproducible analysis of Child Practice Reviews in Wales.")
    parser.add_argument("--version", action="version", version=f"cprstats {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (module, help_) in COMMANDS.items():
        if available is not None and name not in available:
            continue
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(_module=module)
        if available is not None:
            import_module(module).add_arguments(p)
    return parser


def _available(argv):
    """Load only the module of the command being run (every module for --help)."""
    name = next((a for a in argv if not a.startswith("-")), None)
    wanted = [name] if name in COMMANDS else list(COMMANDS)
    found = []
    for n in wanted:
        try:
            import_module(COMMANDS[n][0])
        except ModuleNotFoundError as exc:
            if exc.name != COMMANDS[n][0]:
                raise
            continue  # a command not built yet
        found.append(n)
    return found


def _terminate_as_interrupt(signum, frame):  # pragma: no cover - exercised in a subprocess test
    raise KeyboardInterrupt


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return _main(argv)
    # SIGTERM (a closed terminal, a scheduler) cleans up like Ctrl-C: no half-written output is left
    previous = signal.signal(signal.SIGTERM, _terminate_as_interrupt)
    try:
        return _main(argv)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _main(argv) -> int:
    parser = build_parser(_available(argv))
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return int(import_module(args._module).run(args) or 0)
    except CodingError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except CprstatsError as exc:
        print(f"cprstats {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"cprstats {args.command}: interrupted; no partial output was kept", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
