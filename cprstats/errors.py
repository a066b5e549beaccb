"""The package's own exceptions.

Every error a user can cause by what they pass in is one of these, with a message that
says what was given, what is allowed and where. The command line prints the message and
exits without a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "CprstatsError",
    "CodebookError",
    "CodingError",
    "ParameterError",
    "FormsError",
    "RunInterrupted",
    "SeparationWarning",
]


class CprstatsError(Exception):
    """Base class of every error cprstats raises on purpose."""


class CodebookError(CprstatsError):
    """A codebook YAML file is malformed; the message names the key and the problem."""


class ParameterError(CprstatsError, ValueError):
    """A function or command was given a value it does not accept.

    The message names the parameter, the value given and the values allowed.
    """


class FormsError(CprstatsError):
    """A coding-forms file cannot be read at all (missing, empty, not a table, bad encoding)."""


class CodingError(CprstatsError):
    """Coding forms failed validation against the codebook.

    Attributes
    ----------
    problems : pandas.DataFrame
        One row per problem, with columns ``file, row, review_id, field, value, problem``.
        ``row`` is the row number the user sees in their spreadsheet (the header is row 1),
        or 1 for a one-review YAML form.
    """

    COLUMNS = ("file", "row", "review_id", "field", "value", "problem")

    def __init__(self, problems, source=None):
        self.problems = problems
        self.source = source
        n = len(problems)
        where = f" in {source}" if source else ""
        head = f"{n} problem{'s' if n != 1 else ''} found{where}"
        lines = []
        for rec in problems.head(20).itertuples(index=False):
            lines.append(f"  {rec.file} row {rec.row}, field {rec.field!r}, value {rec.value!r}: {rec.problem}")
        if n > 20:
            lines.append(f"  ... and {n - 20} more")
        super().__init__(head + (":\n" + "\n".join(lines) if lines else ""))


class RunInterrupted(KeyboardInterrupt):
    """The run was stopped by Ctrl-C (SIGINT) or SIGTERM; unfinished outputs were removed.

    Attributes: ``signal`` (``"SIGINT"`` or ``"SIGTERM"``), ``kept`` (region/period folders
    that had finished and were kept).
    """

    def __init__(self, signal_name: str, kept: Sequence[str] = ()):
        self.signal = signal_name
        self.kept = list(kept)
        kept_text = f"; kept {len(self.kept)} finished folder(s): {', '.join(self.kept)}" if self.kept else ""
        super().__init__(
            f"interrupted by {signal_name}: stopped the running notebooks and their kernels and removed "
            f"the unfinished outputs{kept_text}"
        )

    def __str__(self) -> str:
        return self.args[0]


class SeparationWarning(UserWarning):
    """A logistic model could not be estimated: separation, or the fit did not converge."""
