"""Which catalogue texts a report shows, so a Welsh report can say how many await a translator.

The report room looks up every interface string through `t` and every codebook label through
`label` (both thin wrappers of `cprstats.codebook.i18n.t` and `cprstats.codebook.model.Codebook.label`).
Inside a ``with collecting() as used:`` block each look-up is noted in ``used``: where the text
sits (``strings.<key>``, or ``codebook.<variable>.title`` / ``codebook.<variable>.<value>``, the
places `Codebook.texts` names) and whether its Welsh is marked verified. Outside such a block
the wrappers only look up. `cprstats.report.document.Report` collects around each block it
makes, and `cprstats.report.page.notebook_to_html` adds up the blocks of a page.

Examples
--------
>>> with collecting() as used:
...     t("heading.count", "cy"), t("heading.variable", "cy")
('Nifer', 'Newidyn')
>>> used
{'strings.heading.count': True, 'strings.heading.variable': False}
>>> t("heading.count")  # no collector: a plain look-up
'Count'
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from cprstats.codebook import i18n
from cprstats.codebook.model import Codebook, Text
from cprstats.errors import ParameterError

__all__ = ["t", "label", "collecting", "note", "note_text", "codebook_text", "awaiting"]

#: The collectors open now (innermost last): every look-up is noted in each of them.
_ACTIVE: ContextVar[tuple[dict[str, bool], ...]] = ContextVar("cprstats_wording", default=())


@lru_cache(maxsize=1)
def _verified() -> dict[str, bool]:
    """Whether each interface string's Welsh is verified (the catalogue is read once)."""
    return {key: text.cy_verified for key, text in i18n.texts()}


@contextmanager
def collecting() -> Iterator[dict[str, bool]]:
    """Note every catalogue text looked up inside the ``with`` block: ``{where: welsh_verified}``.

    Blocks nest: a text looked up in an inner block is noted in the outer ones too.
    """
    used: dict[str, bool] = {}
    token = _ACTIVE.set((*_ACTIVE.get(), used))
    try:
        yield used
    finally:
        _ACTIVE.reset(token)


def note(where: str, verified: bool) -> None:
    """Note that the text at ``where`` is shown (a no-op outside `collecting`)."""
    for used in _ACTIVE.get():
        used[where] = bool(verified) and used.get(where, True)


def t(key: str, lang: str = "en", **fmt: Any) -> str:
    """`cprstats.codebook.i18n.t`, noting ``strings.<key>`` when a collector is open.

    >>> t("group.all", "cy")
    'Y cyfan'
    """
    text = i18n.t(key, lang, **fmt)
    if _ACTIVE.get():
        note(f"strings.{key}", _verified().get(key, False))
    return text


def codebook_text(codebook: Codebook, variable: str, value: Any = None) -> tuple[str, Text] | None:
    """Where a codebook label sits and its `Text`, as `Codebook.label` would find it; None if it has none.

    >>> from cprstats.codebook.model import load_codebook
    >>> where, text = codebook_text(load_codebook(), "harm_neglect")
    >>> where, text.cy
    ('harm_experienced.neglect', 'Esgeulustod')
    """
    try:
        if variable in codebook.fields:
            fld, option = codebook.fields[variable], None
        else:
            fld, option = codebook.resolve(variable)
        if option is not None:
            return f"{fld.name}.{option}", fld.category(option).label
        if value is None:
            return f"{fld.name}.title", fld.title
        if fld.categories:
            return f"{fld.name}.{value}", fld.category(str(value)).label
    except ParameterError:
        return None
    return None


def label(codebook: Codebook, variable: str, value: Any = None, lang: str = "en") -> str:
    """``codebook.label(variable, value, lang)``, noting the label when a collector is open.

    >>> from cprstats.codebook.model import load_codebook
    >>> label(load_codebook(), "board", "MWW", "cy")
    'Canolbarth a Gorllewin Cymru (CYSUR)'
    """
    text = codebook.label(variable, value, lang)
    if _ACTIVE.get():
        found = codebook_text(codebook, variable, value)
        if found is not None:
            note(f"codebook.{found[0]}", found[1].cy_verified)
    return text


def note_text(text: str, lang: str) -> None:
    """Note the interface strings whose text in ``lang`` is exactly ``text`` (a title looked up by a notebook)."""
    if not _ACTIVE.get() or not text:
        return
    for key, entry in i18n.strings().items():
        if entry.get(lang) == text:
            note(f"strings.{key}", entry.cy_verified)


def awaiting(used: Mapping[str, bool]) -> int:
    """How many of the noted texts have Welsh not yet marked verified.

    >>> awaiting({"strings.heading.count": True, "strings.heading.variable": False})
    1
    """
    return sum(1 for verified in used.values() if not verified)
