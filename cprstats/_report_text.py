"""Bilingual words of the report layer (figures, alt text, HTML shell, index of reports).

`t` looks a key up first in ``cprstats/assets/report_strings.yaml`` (the report layer's
own strings, waiting to be moved into ``cprstats/strings.yaml``) and otherwise in the
package's UI strings through `cprstats.i18n.t`. Internal: not exported from ``cprstats``.

Examples
--------
>>> t("figure.kind.bar", "cy")
'Siart bar'
>>> t("figure.value", "en", percent="67%", count=22, n=33)
'67% (22 of 33)'
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from importlib import resources

from .codebook import check_lang
from .errors import ParameterError

__all__ = ["t", "local_strings"]


@lru_cache(maxsize=1)
def local_strings() -> dict[str, dict[str, str]]:
    """The report layer's own strings: key -> {"en": ..., "cy": ...} (cached)."""
    import yaml

    text = resources.files("cprstats").joinpath("assets", "report_strings.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)["strings"]
    return {str(k): {"en": str(v["en"]), "cy": str(v["cy"])} for k, v in raw.items()}


def t(key: str, lang: str = "en", **fmt) -> str:
    """The text of ``key`` in ``lang``, with ``{placeholders}`` filled from ``fmt``.

    Raises
    ------
    ParameterError
        If no string file knows ``key`` or a placeholder is not given.
    """
    check_lang(lang)
    own = local_strings()
    if key in own:
        text = own[key][lang]
        try:
            return text.format(**fmt) if fmt or "{" in text else text
        except (KeyError, IndexError) as exc:
            raise ParameterError(f"string {key!r} needs the placeholder {exc}; given: {sorted(fmt)}") from None
    try:
        from .i18n import t as i18n_t
    except ImportError:  # pragma: no cover - i18n is part of the package
        close = difflib.get_close_matches(key, list(own), n=1)
        raise ParameterError(f"unknown string key {key!r}" + (f" (did you mean {close[0]!r}?)" if close else "")) from None
    return i18n_t(key, lang, **fmt)
