"""The ``cprstats`` command line.

Each subcommand lives in its own module of ``cprstats/cli/`` with two functions:
``add_arguments(parser)`` and ``execute(args) -> int``. Modules load only when their command
runs, so ``cprstats --help`` is quick.

Exit codes: 0 success; 1 the input has problems (printed as a table); 2 usage errors or
files that cannot be read or written; 3 an internal error (a bug in cprstats: please report
it); 130 interrupted. A user's mistake never shows a traceback: every `CprstatsError` is
printed as its message, and an error from the operating system (a file that cannot be read
or written) as the file and the reason. An unexpected error prints its kind only, never its
message, which could quote a cell of the forms; set ``CPRSTATS_DEBUG=1`` to see the
traceback instead.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
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
    "agree": ("cprstats.cli.agree", "inter-rater agreement between two or more coders' forms"),
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


def main(argv: Sequence[str] | None = None) -> int:
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
    if any("\x00" in str(a) for a in argv):  # no file name or option can hold one; os calls would fail on it
        print("cprstats: an argument holds a null character (\\x00); retype the command", file=sys.stderr)
        return 2
    try:
        parser = build_parser(_available(argv))  # imports the command's module: seconds, on a cold start
    except KeyboardInterrupt:
        print("cprstats: interrupted before anything was done", file=sys.stderr)
        return 130
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return int(import_module(args._module).execute(args) or 0)
    except CodingError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except CprstatsError as exc:
        print(f"cprstats {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"cprstats {args.command}: interrupted; no partial output was kept", file=sys.stderr)
        return 130
    except OSError as exc:  # a file the operating system will not let us read or write
        where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
        why = exc.strerror or type(exc).__name__
        print(f"cprstats {args.command}: cannot read or write{where}: {why}", file=sys.stderr)
        return 2
    except MemoryError:
        print(f"cprstats {args.command}: ran out of memory; check the input is the right file", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - the last resort: a bug, reported without its message
        if os.environ.get("CPRSTATS_DEBUG"):
            raise
        print(
            f"cprstats {args.command}: internal error ({type(exc).__name__}); this is a bug in cprstats, "
            "please report it with the command you ran (set CPRSTATS_DEBUG=1 to see the details, which may "
            "quote your data)",
            file=sys.stderr,
        )
        return 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
