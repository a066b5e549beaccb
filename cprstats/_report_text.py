"""The report layer's name for `cprstats.i18n.t` (internal; kept so its modules need not change).

Every report-layer string (figures, alt text, the HTML page shell, the title block, the index
of reports) lives in the one bilingual catalogue ``cprstats/strings.yaml``; this module only
re-exports its look-up. Not exported from ``cprstats``.

Examples
--------
>>> t("figure.kind.bar", "cy")
'Siart bar'
>>> t("figure.value", "en", percent="67%", count=22, n=33)
'67% (22 of 33)'
"""

from __future__ import annotations

from .i18n import t

__all__ = ["t"]
