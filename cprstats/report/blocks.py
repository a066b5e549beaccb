"""Display objects for notebooks: accessible HTML for the report, short plain text for consoles.

A notebook cell's last expression is shown through ``_repr_html_`` in Jupyter and in the
HTML report, and through ``__repr__`` in a console and in nbval's comparison of outputs. Every
piece of data put into HTML here is escaped; nothing here emits a ``<script>`` or refers to
anything outside the page.

Examples
--------
>>> import pandas as pd
>>> b = html_table(pd.DataFrame({"Category": ["Death <1>"], "n (%)": ["22 (66.7%)"]}),
...                caption="Outcome", notes=["Synthetic data."])
>>> print(b.html)  # doctest: +ELLIPSIS
<div class="table-wrap" role="region" aria-label="Outcome" tabindex="0"><table class="report-table">
<caption>Outcome</caption>
<thead><tr><th scope="col">Category</th><th scope="col">n (%)</th></tr></thead>
<tbody><tr><th scope="row">Death &lt;1&gt;</th><td>22 (66.7%)</td></tr></tbody>
</table>
<ul class="table-notes"><li>Synthetic data.</li></ul></div>
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from cprstats.codebook.i18n import t
from cprstats.codebook.model import resolve
from cprstats.errors import ParameterError
from cprstats.io import escape_html as esc

__all__ = [
    "Block",
    "html_table",
    "notice",
    "text_table",
    "table_wrap",
    "scope_label",
    "intro_block",
    "heading_block",
    "disclosure_notice",
    "default_caption",
    "denominator_note",
]


class Block:
    """A piece of a report: ``html`` for Jupyter and the HTML report, ``text`` for everything else.

    >>> b = Block("<p>Hi &amp; bye</p>", "Hi & bye")
    >>> b, b._repr_html_()
    (Hi & bye, '<p>Hi &amp; bye</p>')
    """

    __slots__ = ("html", "text")

    def __init__(self, html: str, text: str):
        self.html = html
        self.text = text

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__

    def _repr_pretty_(self, p, cycle) -> None:  # IPython's plain-text display
        p.text(self.text)

    def __add__(self, other: Block) -> Block:
        return Block(self.html + "\n" + other.html, self.text + "\n" + other.text)


def text_table(table: pd.DataFrame) -> str:
    """A table of strings as aligned plain text (deterministic: no floats are formatted here)."""
    if table.empty:
        return ""
    return table.astype("string").fillna("").to_string(index=False)


def html_table(
    table: pd.DataFrame,
    *,
    caption: str,
    notes: Iterable[str] = (),
    row_headers: int = 1,
    css_class: str = "report-table",
) -> Block:
    """An accessible HTML table: a ``<caption>``, ``<th scope="col">`` headings, row headings.

    Parameters
    ----------
    table : pandas.DataFrame
        Cells as they should be shown (strings); the index is not shown.
    caption : str
        Required: every table says what it is.
    notes : iterable of str
        Footnotes shown under the table (suppression marker, denominators, synthetic data).
    row_headers : int, default 1
        How many leading columns label the row (``<th scope="row">``). A repeated label in
        the first column (a variable's title on each of its levels) is shown once, spanning
        its rows.
    css_class : str

    Returns
    -------
    Block

    Notes
    -----
    The table sits in a ``<div class="table-wrap">`` that scrolls sideways when the table is
    wider than the page; the wrapper is a named, focusable region (``role="region"``,
    ``aria-label`` = the caption, ``tabindex="0"``) so that keyboard users can scroll it too
    (WCAG 2.1.1; axe-core rule ``scrollable-region-focusable``).
    """
    if not caption or not str(caption).strip():
        raise ParameterError("caption must be a non-empty text: every table says what it is")
    cols = list(table.columns)
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in cols)
    values = table.astype(object).where(table.notna(), "").to_numpy().tolist()
    spans = _spans([r[0] for r in values]) if row_headers and cols else [1] * len(values)
    rows = []
    for i, rec in enumerate(values):
        cells = []
        for j, v in enumerate(rec):
            if j == 0 and row_headers and spans[i] == 0:
                continue  # covered by the rowspan above
            if j < row_headers:
                span = f' rowspan="{spans[i]}"' if j == 0 and spans[i] > 1 else ""
                scope = "rowgroup" if span else "row"
                cells.append(f'<th scope="{scope}"{span}>{esc(v)}</th>')
            else:
                cells.append(f"<td>{esc(v)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    notes = [n for n in notes if n]
    note_html = ('\n<ul class="table-notes">' + "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul>") if notes else ""
    html = (
        f'{table_wrap(caption)}<table class="{esc(css_class)}">\n<caption>{esc(caption)}</caption>\n'
        f"<thead><tr>{head}</tr></thead>\n<tbody>{''.join(rows)}</tbody>\n</table>{note_html}</div>"
    )
    text = "\n".join([str(caption), text_table(table), *notes])
    return Block(html, text)


def table_wrap(caption: str) -> str:
    """The opening tag of a table's scrolling wrapper: a region named by the caption, reachable by keyboard.

    >>> table_wrap('Outcome "all"')
    '<div class="table-wrap" role="region" aria-label="Outcome &quot;all&quot;" tabindex="0">'
    """
    return f'<div class="table-wrap" role="region" aria-label="{esc(caption)}" tabindex="0">'


def _spans(first: list) -> list[int]:
    """Row spans for a first column whose repeated neighbours merge (0 = covered)."""
    spans = [1] * len(first)
    i = 0
    while i < len(first):
        j = i + 1
        while j < len(first) and first[j] == first[i] and first[i] != "":
            spans[j] = 0
            j += 1
        spans[i] = j - i
        i = j
    return spans


def notice(text: str, *, label: str, kind: str = "info") -> Block:
    """A boxed notice (synthetic data, disclosure control) that stands out in print as on screen.

    >>> notice("Synthetic data.", label="Notice").html
    '<div class="notice notice-info" role="note"><strong>Notice:</strong> Synthetic data.</div>'
    """
    html = f'<div class="notice notice-{esc(kind)}" role="note"><strong>{esc(label)}:</strong> {esc(text)}</div>'
    return Block(html, f"{label}: {text}")


# ------------------------------------------------------------
# The fixed pieces of a report's text: title block, headings, scope, captions, denominators.
# ------------------------------------------------------------


def scope_label(region: str, period: str, *, lang: str = "en", codebook=None) -> str:
    """ "All Wales" or the board's name, then the period ("all periods" or its label)."""

    cb = resolve(codebook)
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
    out = Block(
        f'<header class="report-intro">\n<h1>{esc(title)}</h1>\n'
        + "".join(f'<p class="report-meta">{esc(x)}</p>\n' for x in lines),
        "\n".join([title, *lines]),
    )
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
