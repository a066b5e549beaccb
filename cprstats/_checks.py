"""Checking a choice, and suggesting the nearest valid value: one helper for every room.

Every option a user passes by name (a method, a language, a region, an example, a variable)
is checked here, so that a typo is never matched by prefix, never passes silently, and is
always answered the same way: what was given, what is allowed, and the closest allowed value
(``difflib.get_close_matches``, the standard library's similarity ratio, cut-off 0.6).

Examples
--------
>>> check_choice("method", "wilson", ("wilson", "jeffreys"))
'wilson'
>>> check_choice("method", "wilso", ("wilson", "jeffreys"))
Traceback (most recent call last):
...
cprstats.errors.ParameterError: method='wilso' is not allowed; use one of 'wilson', 'jeffreys' (did you mean 'wilson'?)
>>> did_you_mean("Gwent", ["GWENT", "MWW"])
" (did you mean 'GWENT'?)"
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from cprstats.errors import ParameterError

__all__ = ["did_you_mean", "check_choice"]


def did_you_mean(value: Any, allowed: Iterable[Any], *, n: int = 1, cutoff: float = 0.6) -> str:
    """A short hint naming the allowed values closest to ``value``, or ``""`` when none is close.

    A value that differs from an allowed one only by case is always suggested.

    Parameters
    ----------
    value : object
        What the user gave.
    allowed : iterable
        The valid values.
    n : int, default 1
        How many suggestions at most.
    cutoff : float, default 0.6
        Similarity below which a value is not suggested (``difflib.SequenceMatcher.ratio``).

    Returns
    -------
    str
        ``" (did you mean 'x'?)"`` or ``" (did you mean 'x', 'y'?)"``, or ``""``.
    """
    options = [str(a) for a in allowed]
    text = str(value)
    same_case = [a for a in options if a.casefold() == text.casefold() and a != text]
    close = same_case[:n] or difflib.get_close_matches(text, options, n=n, cutoff=cutoff)
    return f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""


def check_choice(name: str, value: Any, allowed: Iterable[Any], *, what: str = "allowed") -> Any:
    """Return ``value`` if it is one of ``allowed``; else raise `ParameterError` with a suggestion.

    Parameters
    ----------
    name : str
        The parameter's name, as the user typed it (``"method"``, ``"--region"``).
    value : object
        What was given.
    allowed : iterable
        The valid values, in the order they should be listed.
    what : str, default "allowed"
        The end of "``value`` is not ...", e.g. ``"a region"``.

    Returns
    -------
    object
        ``value`` itself.

    Raises
    ------
    ParameterError
        Naming the parameter, the value, every allowed value and the closest one.
    """
    options = list(allowed)
    try:
        ok = value in options
    except TypeError:  # an unhashable or incomparable value
        ok = False
    if ok:
        return value
    listed = ", ".join(repr(a) for a in options)
    verb = "is not allowed" if what == "allowed" else f"is not {what}"
    raise ParameterError(f"{name}={value!r} {verb}; use one of {listed}{did_you_mean(value, options)}")
