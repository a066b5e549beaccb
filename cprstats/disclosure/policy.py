"""Whether a run's tables are suppressed: on by default below all-Wales, opt-out logged.

Counts of 1 to 4 below all-Wales level could identify a child, so every output for a board,
a local authority, or all of Wales broken down by board is suppressed unless the analyst
switches it off explicitly (researchers working on their own full data). The opt-out is
logged as a warning on the ``"cprstats"`` logger and recorded in each table's
``attrs["disclosure"]``, so reports and footnotes can say "suppression was switched off by
the analyst". A threshold under 3 would publish counts of 1 or 2, so only a restricted run
(outputs never published) may use one.

Examples
--------
>>> policy = disclosure_policy("MWW")
>>> policy.suppress, policy.threshold, policy.opted_out
(True, 5, False)
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

import pandas as pd

from cprstats.codebook.model import _did_you_mean, resolve
from cprstats.disclosure.suppression import MIN_THRESHOLD, _check_round_to, _check_threshold, suppress_comparison
from cprstats.disclosure.suppression import suppress as _suppress
from cprstats.errors import ParameterError

__all__ = ["DisclosurePolicy", "disclosure_policy", "GEOGRAPHIES"]

GEOGRAPHIES = ("board", "local_authority")
_logger = logging.getLogger("cprstats")


@dataclass(frozen=True)
class DisclosurePolicy:
    """Whether and how a run's tables are suppressed. Build it with `disclosure_policy`.

    Attributes
    ----------
    scope : str
        ``"wales"`` or the code of the area the run is about (a board or local authority).
    by : str or None
        The variable tables are broken down by.
    suppress : bool
        Whether `apply` suppresses.
    threshold : int
    round_to : {None, 5, 10}
    opted_out : bool
        True when an analyst switched suppression off for a scope below all-Wales.
    restricted : bool
        True for a restricted run (outputs never published), which alone may use a threshold
        under 3 (`cprstats.disclosure.suppression.MIN_THRESHOLD`).
    """

    scope: str
    by: str | None
    suppress: bool
    threshold: int = 5
    round_to: int | None = None
    opted_out: bool = False
    restricted: bool = False

    def record(self) -> dict:
        """The policy as a plain dict, for ``attrs`` and run metadata."""
        return asdict(self)

    def apply(self, table: pd.DataFrame, **kwargs) -> pd.DataFrame:
        """Suppress ``table`` under this policy (``kwargs`` go to `suppress`).

        A comparison table (``count_ref``, ``n_ref``) goes to `suppress_comparison` instead.
        When suppression is off the table still gets the ``suppressed`` and ``suppression``
        columns (all False and ``""``) and ``attrs["disclosure"]`` says why.

        >>> import pandas as pd
        >>> t = pd.DataFrame({"variable": "outcome", "level": ["death", "other"], "group": "all",
        ...                   "count": [30, 3], "n": 33})
        >>> out = disclosure_policy("wales").apply(t)
        >>> out["count"].tolist(), out.attrs["disclosure"]["applied"]
        ([30.0, 3.0], False)
        """
        if isinstance(table, pd.DataFrame) and "count_ref" in table.columns:
            return suppress_comparison(table, self, codebook=kwargs.get("codebook"))
        if self.suppress:
            out = _suppress(table, self.threshold, round_to=self.round_to, restricted=self.restricted, **kwargs)
        else:  # threshold 1 hides nothing but adds the columns and the record
            out = _suppress(table, 1, restricted=True, **kwargs)
        out.attrs["disclosure"].update(
            applied=self.suppress, opted_out=self.opted_out, scope=self.scope, by=self.by, restricted=self.restricted
        )
        return out


def disclosure_policy(
    scope: str,
    *,
    by: str | None = None,
    suppress: bool | None = None,
    threshold: int = 5,
    round_to: int | None = None,
    codebook=None,
    restricted: bool = False,
) -> DisclosurePolicy:
    """The disclosure policy of a run: on by default for anything below all-Wales.

    Parameters
    ----------
    scope : str
        ``"wales"`` for all of Wales, or a board code (``"MWW"``...) or local-authority code
        of the codebook.
    by : str, optional
        The variable tables are broken down by; ``"board"`` or ``"local_authority"`` puts an
        all-Wales run's cells below all-Wales level, so suppression is on for it too.
    suppress : bool, optional
        ``None`` (default) follows the rule above. ``False`` below all-Wales is an explicit
        opt-out, for researchers working on their own full data: it is logged as a warning on
        the ``"cprstats"`` logger and recorded, so outputs can say so.
    threshold : int, default 5
        Counts from 1 to ``threshold - 1`` are hidden. At least 3 (a threshold of 1 would
        switch suppression off without saying so) unless ``restricted``.
    round_to : {None, 5, 10}
    codebook : Codebook, optional
        Where the board and local-authority codes come from; the packaged one by default.
    restricted : bool, default False
        A restricted run, whose outputs are never published (an analyst's own checks): only
        then is a threshold of 1 or 2 allowed (logged as a warning and recorded).

    Returns
    -------
    DisclosurePolicy

    Raises
    ------
    ParameterError
        An unknown scope, a bad ``suppress`` or ``round_to``, or a threshold under 3 in a
        run that is not restricted.

    Examples
    --------
    >>> disclosure_policy("MWW").suppress, disclosure_policy("wales").suppress
    (True, False)
    >>> disclosure_policy("wales", by="board").suppress
    True
    >>> p = disclosure_policy("MWW", suppress=False)
    >>> p.suppress, p.opted_out
    (False, True)
    >>> disclosure_policy("MWW", threshold=1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cprstats.errors.ParameterError: threshold=1 is not allowed: below 3 it publishes counts of 1 and 2 ...
    """

    cb = resolve(codebook)
    areas = ["wales"]
    for name in GEOGRAPHIES:
        if name in cb.fields:
            areas += list(cb.field(name).codes)
    if scope not in areas:
        raise ParameterError(
            f"scope={scope!r} is not allowed; use one of {', '.join(areas)}" + _did_you_mean(scope, areas)
        )
    if suppress is not None and not isinstance(suppress, bool):
        raise ParameterError(f"suppress={suppress!r} is not allowed; use None, True or False")
    if not isinstance(restricted, bool):
        raise ParameterError(f"restricted={restricted!r} is not allowed; use True or False")
    threshold = _check_threshold(threshold, restricted)
    round_to = _check_round_to(round_to)
    below_wales = scope != "wales" or by in GEOGRAPHIES
    on = below_wales if suppress is None else suppress
    opted_out = below_wales and not on
    if opted_out:
        _logger.warning(
            "Disclosure control switched off by the analyst for scope=%r, by=%r: outputs may show small numbers",
            scope,
            by,
        )
    if on and threshold < MIN_THRESHOLD:
        _logger.warning(
            "Restricted run for scope=%r: threshold=%d publishes counts from 1; outputs must not be published",
            scope,
            threshold,
        )
    return DisclosurePolicy(scope, by, on, threshold, round_to, opted_out, restricted)
