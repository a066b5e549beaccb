"""The fixed pieces of a report's text: title block, headings, scope, captions, denominators.

Used by `cprstats.report.Report`; every text comes from the bilingual UI strings or the
codebook, in the report's language.

Examples
--------
>>> scope_label("MWW", "pre_covid", lang="cy")
'Canolbarth a Gorllewin Cymru (CYSUR), Cyn Covid-19'
>>> heading_block("children", 2, lang="cy").html
'<h2>Y plant</h2>'
"""

from __future__ import annotations

import pandas as pd

from ._report_text import t
from .display import Block, notice
from .errors import ParameterError
from .safeio import escape_html as esc

__all__ = ["scope_label", "intro_block", "heading_block", "disclosure_notice", "default_caption", "denominator_note"]


def scope_label(region: str, period: str, *, lang: str = "en", codebook=None) -> str:
    """"All Wales" or the board's name, then the period ("all periods" or its label)."""
    from .codebook import load_codebook

    cb = codebook if codebook is not None else load_codebook()
    where = t("scope.all_wales", lang) if region == "wales" else cb.label("board", region, lang)
    when = t("report.period_all", lang) if period == "all" else cb.label("period", period, lang)
    return t("report.scope", lang, region=where, period=when)


def disclosure_notice(policy, lang: str) -> Block:
    """What the reader must know about suppression: on (and the rule), off for all-Wales, or opted out."""
    label = t("report.notice_label", lang)
    if policy.opted_out:
        return notice(t("report.disclosure_opted_out", lang), label=label, kind="warning")
    if policy.suppress:
        rule = t("footnote.suppression_rule", lang, max_small=policy.threshold - 1)
        return notice(f"{t('report.disclosure_on', lang)} {rule}", label=label, kind="info")
    return notice(t("footnote.not_suppressed", lang), label=label, kind="info")


def intro_block(report, title: str | None = None) -> Block:
    """The title block of ``report``: h1, scope, numbers of reviews and children, source, notices."""
    lang, data = report.lang, report.data
    title = title if title is not None else t("report.title", lang)
    n_reviews = int(data["review_id"].nunique()) if "review_id" in data else len(data)
    counts = t("report.counts", lang, reviews=f"{n_reviews:,}", children=f"{len(data):,}")
    name = report.source["name"]
    src = t("report.source_example", lang, name=name) if report.source["kind"] == "example" else name
    lines = [report.scope_label(), counts, t("report.source", lang, source=src)]
    out = Block(f'<header class="report-intro">\n<h1>{esc(title)}</h1>\n'
                + "".join(f'<p class="report-meta">{esc(x)}</p>\n' for x in lines), "\n".join([title, *lines]))
    if report.synthetic:
        out = out + notice(t("report.synthetic_notice", lang), label=t("report.notice_label", lang), kind="synthetic")
    out = out + disclosure_notice(report.policy, lang)
    return Block(out.html + "\n</header>", out.text)


def heading_block(key: str, level: int = 2, *, lang: str = "en") -> Block:
    """A section heading from the UI strings (``"children"`` -> ``section.children``)."""
    if level not in (2, 3, 4):
        raise ParameterError(f"level={level!r} is not allowed; use 2, 3 or 4 (the report title is the only h1)")
    text = t(key if "." in key else f"section.{key}", lang)
    return Block(f"<h{level}>{esc(text)}</h{level}>", text)


def default_caption(table: pd.DataFrame, report) -> str:
    """The variables' titles from the codebook, then the report's scope in brackets."""
    cb, lang = report.codebook, report.lang
    names = [str(v) for v in pd.unique(table["variable"])]
    return "; ".join(cb.label(v, lang=lang) if cb.knows(v) else v for v in names) + f" ({report.scope_label()})"


def denominator_note(table: pd.DataFrame, lang: str) -> list[str]:
    """The denominator a table used: ``n = 20``, or the range when items differ.

    >>> denominator_note(pd.DataFrame({"n": [20, 20]}), "en"), denominator_note(pd.DataFrame({"n": [9, 11]}), "cy")
    (['Denominator: n = 20.'], ["Enwaduron: n = 9 i 11, fel y'u rhoddir ar gyfer pob eitem."])
    """
    ns = pd.to_numeric(table["n"], errors="coerce").dropna()
    if ns.empty:
        return []
    low, high = int(ns.min()), int(ns.max())
    if low == high:
        return [t("table.denominator_one", lang, n=f"{low:,}")]
    return [t("table.denominator_many", lang, low=f"{low:,}", high=f"{high:,}")]
