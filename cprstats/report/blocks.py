"""Display objects for notebooks: accessible HTML for the report, short plain text for consoles.

A notebook cell's last expression is shown through ``_repr_html_`` in Jupyter and in the
HTML report, and through ``__repr__`` in a console and in nbval's comparison of outputs. Every
piece of data put into HTML here is escaped; nothing here emits a ``<script>`` or refers to
anything outside the page.

Besides the tables and notices, this module makes the fixed pieces of a report: the title
block (title, counts, what, where, when, who and with what it was produced, the notices and
the key to the symbols), section headings, numbered captions ("Table 3: ...", "Ffigur 2: ...")
that add to a table's or figure's title what was counted, for whom, when and out of how many.

Examples
--------
>>> import pandas as pd
>>> b = html_table(pd.DataFrame({"Category": ["Death <1>"], "n (%)": ["22 (66.7%)"]}),
...                caption="Outcome", notes=["Synthetic data."])
>>> print(b.html)  # doctest: +ELLIPSIS
<div class="table-wrap table-short" role="region" aria-label="Outcome" tabindex="0"><table class="report-table">
<caption>Outcome</caption>
<thead><tr><th scope="col">Category</th><th scope="col">n (%)</th></tr></thead>
<tbody><tr><th scope="row">Death &lt;1&gt;</th><td>22 (66.7%)</td></tr></tbody>
</table>
<ul class="table-notes"><li>Synthetic data.</li></ul></div>
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from cprstats._version import __version__
from cprstats.codebook.i18n import format_count, strings
from cprstats.codebook.model import Codebook, resolve
from cprstats.datasets.loader import with_window
from cprstats.disclosure.policy import DisclosurePolicy
from cprstats.errors import ParameterError
from cprstats.io import escape_html as esc
from cprstats.report.wording import label, note_text, t

__all__ = [
    "Block",
    "ReportLike",
    "html_table",
    "notice",
    "text_table",
    "table_wrap",
    "scope_label",
    "intro_block",
    "facts",
    "symbol_key",
    "heading_block",
    "disclosure_notice",
    "default_caption",
    "figure_caption",
    "denominator_text",
    "denominator_note",
    "format_date",
    "texts_marker",
    "read_texts_markers",
    "SHORT_TABLE_ROWS",
]

#: A table with at most this many rows is kept on one printed page (class ``table-short``);
#: a longer one may break between rows, its headings repeated on each page.
SHORT_TABLE_ROWS = 16
#: The HTML comment that carries a block's catalogue texts to `cprstats.report.page`.
_MARKER = "cprstats-texts"
_MARKER_RE = re.compile(r"<!--" + _MARKER + r" (.*?)-->", re.S)


class ReportLike(Protocol):
    """What the pieces here read from a report (`cprstats.report.document.Report` has it all)."""

    lang: str
    codebook: Codebook
    data: pd.DataFrame
    region: str
    period: str
    policy: DisclosurePolicy
    synthetic: bool
    source: dict[str, Any]
    contact: str | None
    data_sha256: str
    produced: dt.date

    def scope_label(self) -> str: ...


class Block:
    """A piece of a report: ``html`` for Jupyter and the HTML report, ``text`` for everything else.

    ``texts`` holds the catalogue texts the block shows (``{where: welsh_verified}``, see
    `cprstats.report.wording`); ``_repr_html_`` carries them in an HTML comment, which
    `cprstats.report.page.notebook_to_html` reads (and removes) to count the Welsh texts
    awaiting a translator.

    >>> b = Block("<p>Hi &amp; bye</p>", "Hi & bye")
    >>> b, b._repr_html_()
    (Hi & bye, '<p>Hi &amp; bye</p>')
    """

    __slots__ = ("html", "text", "texts")

    def __init__(self, html: str, text: str, texts: Mapping[str, bool] | None = None) -> None:
        self.html = html
        self.text = text
        self.texts: dict[str, bool] = dict(texts or {})

    def _repr_html_(self) -> str:
        return self.html + texts_marker(self.texts)

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:  # IPython's plain-text display
        p.text(self.text)

    def __add__(self, other: Block) -> Block:
        return Block(self.html + "\n" + other.html, self.text + "\n" + other.text, {**self.texts, **other.texts})


def texts_marker(texts: Mapping[str, bool]) -> str:
    """The HTML comment that carries ``texts`` (empty for none); ``--`` never appears inside it.

    >>> texts_marker({"strings.heading.count": True})
    '<!--cprstats-texts {"strings.heading.count": true}-->'
    """
    if not texts:
        return ""
    data = json.dumps(dict(sorted(texts.items())), ensure_ascii=True).replace("--", "-\\u002d")
    return f"<!--{_MARKER} {data}-->"


def read_texts_markers(html: str) -> tuple[dict[str, bool], str]:
    """The texts the markers in ``html`` carry, and ``html`` without the markers.

    A text is verified only if every marker that names it says so.

    >>> read_texts_markers('<p>a</p><!--cprstats-texts {"strings.x": false}-->')
    ({'strings.x': False}, '<p>a</p>')
    """
    used: dict[str, bool] = {}
    for m in _MARKER_RE.finditer(html):
        try:
            data = json.loads(m.group(1))
        except ValueError:
            continue
        if isinstance(data, dict):
            for where, verified in data.items():
                used[str(where)] = bool(verified) and used.get(str(where), True)
    return used, _MARKER_RE.sub("", html)


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
    number: str | None = None,
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
    number : str, optional
        The table's number as the reader sees it ("Table 3", "Tabl 3"), put before the caption.

    Returns
    -------
    Block

    Notes
    -----
    The table sits in a ``<div class="table-wrap">`` that scrolls sideways when the table is
    wider than the page; the wrapper is a named, focusable region (``role="region"``,
    ``aria-label`` = the caption, ``tabindex="0"``) so that keyboard users can scroll it too
    (WCAG 2.1.1; axe-core rule ``scrollable-region-focusable``). A table of at most
    `SHORT_TABLE_ROWS` rows is marked ``table-short`` and printed on one page; a longer one
    may break between rows, with its headings repeated (``report.css``).

    Examples
    --------
    >>> b = html_table(pd.DataFrame({"a": ["1"]}), caption="Outcome", number="Table 2")
    >>> b.html.splitlines()[1]
    '<caption><span class="caption-number">Table 2:</span> Outcome</caption>'
    >>> b.text.splitlines()[0]
    'Table 2: Outcome'
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
    full = f"{number}: {caption}" if number else str(caption)
    shown = f'<span class="caption-number">{esc(number)}:</span> {esc(caption)}' if number else esc(caption)
    html = (
        f'{table_wrap(full, short=len(values) <= SHORT_TABLE_ROWS)}<table class="{esc(css_class)}">\n'
        f"<caption>{shown}</caption>\n"
        f"<thead><tr>{head}</tr></thead>\n<tbody>{''.join(rows)}</tbody>\n</table>{note_html}</div>"
    )
    text = "\n".join([full, text_table(table), *notes])
    return Block(html, text)


def table_wrap(caption: str, *, short: bool = False) -> str:
    """The opening tag of a table's scrolling wrapper: a region named by the caption, reachable by keyboard.

    >>> table_wrap('Outcome "all"')
    '<div class="table-wrap" role="region" aria-label="Outcome &quot;all&quot;" tabindex="0">'
    """
    kind = "table-wrap table-short" if short else "table-wrap"
    return f'<div class="{kind}" role="region" aria-label="{esc(caption)}" tabindex="0">'


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


def _region_label(region: str, lang: str, cb: Codebook) -> str:
    return t("scope.all_wales", lang) if region == "wales" else label(cb, "board", region, lang)


def _period_label(period: str, lang: str, cb: Codebook) -> str:
    return t("report.period_all", lang) if period == "all" else label(cb, "period", period, lang)


def scope_label(region: str, period: str, *, lang: str = "en", codebook: Codebook | str | Path | None = None) -> str:
    """ "All Wales" or the board's name, then the period ("all periods" or its label).

    >>> scope_label("GWENT", "all", lang="cy")
    'Gwent, pob cyfnod'
    """

    cb = resolve(codebook)
    return t("report.scope", lang, region=_region_label(region, lang, cb), period=_period_label(period, lang, cb))


def disclosure_notice(policy: DisclosurePolicy, lang: str) -> Block:
    """What the reader must know about suppression: on (and the rule), off for all-Wales, or opted out."""
    label_text = t("report.notice_label", lang)
    if policy.opted_out:
        return notice(t("report.disclosure_opted_out", lang), label=label_text, kind="warning")
    if policy.suppress:
        rule = t("footnote.suppression_rule", lang, max_small=policy.threshold - 1)
        return notice(f"{t('report.disclosure_on', lang)} {rule}", label=label_text, kind="info")
    return notice(t("footnote.not_suppressed", lang), label=label_text, kind="info")


def format_date(day: dt.date, lang: str = "en") -> str:
    """A date in words: ``"14 November 2023"``, ``"14 Tachwedd 2023"``.

    >>> format_date(dt.date(2023, 11, 14), "cy")
    '14 Tachwedd 2023'
    """
    return t("report.date", lang, day=day.day, month=t(f"month.{day.month}", lang), year=day.year)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def facts(report: ReportLike) -> list[tuple[str, str, str]]:
    """The title block's facts in order, ``(name, label, value)``.

    ``name`` is one of ``region, period, produced, data, checksum, versions, contact``; the
    contact line is there only when the analyst gave one (``Report(contact=...)``). The
    checksum is the first 12 hexadecimal digits of the SHA-256 of the data as loaded.
    """
    lang, cb = report.lang, report.codebook
    name = report.source["name"]
    src = t("report.source_example", lang, name=name) if report.source["kind"] == "example" else name
    versions = t("report.versions", lang, version=__version__, codebook=cb.name, codebook_version=cb.version)
    out = [
        ("region", t("report.fact.region", lang), _region_label(report.region, lang, cb)),
        (
            "period",
            t("report.fact.period", lang),
            _capital(with_window(_period_label(report.period, lang, cb), getattr(report, "window", None), lang)),
        ),
        ("produced", t("report.fact.produced", lang), format_date(report.produced, lang)),
        ("data", t("report.fact.data", lang), _capital(src)),
        ("checksum", t("report.fact.checksum", lang), report.data_sha256[:12]),
        ("versions", t("report.fact.versions", lang), versions),
    ]
    if report.contact:
        out.append(("contact", t("report.fact.contact", lang), report.contact))
    return out


def _facts_html(report: ReportLike, items: list[tuple[str, str, str]]) -> str:
    rows = []
    for name, key, value in items:
        if name == "produced":  # machine-readable too
            value_html = f'<time datetime="{report.produced.isoformat()}">{esc(value)}</time>'
        elif name == "checksum":  # the full value on hover, the short one to read
            value_html = f'<code title="SHA-256 {esc(report.data_sha256)}">{esc(value)}</code>'
        else:
            value_html = esc(value)
        rows.append(f'<div class="fact-{name}"><dt>{esc(key)}</dt><dd>{value_html}</dd></div>')
    return '<dl class="report-facts">' + "".join(rows) + "</dl>"


def symbol_key(lang: str) -> Block:
    """The key to the symbols of the tables and figures: ``*`` (hidden), ``..`` (not available), ``0`` (a true zero).

    >>> print(symbol_key("en").text)
    Symbols in the tables and figures:
    * The data item is disclosive or not sufficiently robust for publication
    .. The data item is not available
    0 A true zero: none of the children, not a hidden number
    """
    items = [
        (t("marker.suppressed", lang), t("footnote.suppressed", lang)),
        (t("marker.not_available", lang), t("footnote.not_available", lang)),
        ("0", t("report.key.zero", lang)),
    ]
    title = t("report.key.title", lang)
    rows = "".join(f"<div><dt><code>{esc(sym)}</code></dt><dd>{esc(text)}</dd></div>" for sym, text in items)
    html = f'<div class="symbol-key"><p class="symbol-key-title">{esc(title)}</p><dl>{rows}</dl></div>'
    return Block(html, "\n".join([title, *(f"{sym} {text}" for sym, text in items)]))


def intro_block(report: ReportLike, title: str | None = None) -> Block:
    """The title block of ``report``.

    A ``<header>`` with the h1, the numbers of reviews and children, the facts (`facts`: region,
    period, date produced, data and its checksum, cprstats and codebook versions, contact), the
    synthetic-data and disclosure notices and the key to the symbols (`symbol_key`).
    """
    lang, data = report.lang, report.data
    if title is None:
        title = t("report.title", lang)
    else:
        note_text(title, lang)  # a notebook's title from the catalogue counts as shown
    n_reviews = int(data["review_id"].nunique()) if "review_id" in data else len(data)
    counts = t("report.counts", lang, reviews=f"{n_reviews:,}", children=f"{len(data):,}")
    items = facts(report)
    out = Block(
        f'<header class="report-intro">\n<h1>{esc(title)}</h1>\n<p class="report-meta">{esc(counts)}</p>\n'
        + _facts_html(report, items),
        "\n".join([title, counts, *(f"{k}: {v}" for _, k, v in items)]),
    )
    if report.synthetic:
        out = out + notice(t("report.synthetic_notice", lang), label=t("report.notice_label", lang), kind="synthetic")
    out = out + disclosure_notice(report.policy, lang) + symbol_key(lang)
    return Block(out.html + "\n</header>", out.text)


def heading_block(key: str, level: int = 2, *, lang: str = "en") -> Block:
    """A section heading from the UI strings (``"children"`` -> ``section.children``)."""
    if level not in (2, 3, 4):
        raise ParameterError(f"level={level!r} is not allowed; use 2, 3 or 4 (the report title is the only h1)")
    text = t(key if "." in key else f"section.{key}", lang)
    return Block(f"<h{level}>{esc(text)}</h{level}>", text)


# ------------------------------------------------------------ captions
def table_unit(table: pd.DataFrame) -> str | None:
    """The unit a tidy table counts (``"review"``, ``"child"``, ``"first_child"``) when it is one, else None.

    >>> table_unit(pd.DataFrame({"unit": ["review", "review"]})), table_unit(pd.DataFrame({"n": [1]}))
    ('review', None)
    """
    if "unit" not in table:
        return None
    units = {str(u) for u in pd.unique(table["unit"]) if isinstance(u, str) and u}
    return units.pop() if len(units) == 1 else None


def unit_key(key: str, table: pd.DataFrame) -> str:
    """``key`` + ``".review"`` when ``table`` counts reviews and that text exists, else ``key``."""
    review = f"{key}.review"
    return review if table_unit(table) == "review" and review in strings() else key


def _unit_words(codebook: Codebook, table: pd.DataFrame | None = None) -> str | None:
    unit = table_unit(table) if table is not None else None
    key = f"caption.unit.{unit or getattr(codebook, 'unit', 'child')}"
    return key if key in strings() else None


def denominator_text(table: pd.DataFrame, lang: str, codebook: Codebook | None = None) -> str | None:
    """The denominators of ``table`` in a caption: ``n = 22 children``, ``n = 9 to 13 children``; None if none is shown.

    The ``n`` and (for a comparison) ``n_ref`` columns are read.

    >>> denominator_text(pd.DataFrame({"n": [9, 13]}), "cy")
    'n = 9 i 13 plentyn'
    """
    cols = [c for c in ("n", "n_ref") if c in table]
    if not cols:
        return None
    ns = pd.concat([pd.to_numeric(table[c], errors="coerce") for c in cols]).dropna()
    if ns.empty:
        return None
    low, high = int(ns.min()), int(ns.max())
    words = _unit_words(resolve(codebook), table)
    unit = t(words, lang) if words else ""
    if low == high:
        text = t("caption.n_one", lang, n=format_count(low, lang), unit=unit)
    else:
        text = t("caption.n_many", lang, low=format_count(low, lang), high=format_count(high, lang), unit=unit)
    return text.strip()


def _by_phrase(measure: str, by: str | None, lang: str, cb: Codebook) -> str:
    if not by or not cb.knows(by):
        return measure
    title = label(cb, by, lang=lang)
    if len(title) > 1 and not title[1].isupper():  # "Period" -> "period", not an acronym
        title = title[0].lower() + title[1:]
    return t("caption.by", lang, measure=measure, by=title)


def _parts(*parts: str | None) -> str:
    return "; ".join(p for p in parts if p)


def _ci_level(table: pd.DataFrame) -> str:
    """The confidence level of the table's intervals in percent (``"95"`` when it does not say)."""
    levels = pd.to_numeric(table["ci_level"], errors="coerce").dropna() if "ci_level" in table else []
    return f"{100 * float(levels.iloc[0]):g}" if len(levels) else "95"


def _variables(table: pd.DataFrame) -> list[str]:
    return [str(v) for v in pd.unique(table["variable"])] if "variable" in table else []


def default_caption(
    table: pd.DataFrame,
    report: ReportLike,
    *,
    style: str = "n_percent",
    by: str | None = None,
    comparison: bool = False,
) -> str:
    """A table's caption: the variables' codebook titles, what the cells count, the scope and the denominators.

    ``"Outcome for the child, Sex: number and percentage of children; Gwent, all periods; n = 22 children"``.

    Parameters
    ----------
    table : pandas.DataFrame
        The (suppressed) tidy table shown.
    report : Report
    style : {"n_percent", "percent_ci", "count", "percent"}
        What the cells show (`cprstats.report.document.Report.table`).
    by : str, optional
        The variable the groups are values of ("... by period").
    comparison : bool, default False
        A `cprstats.compare` table: both sides, the difference and its test.
    """
    cb, lang = report.codebook, report.lang
    names = _variables(table)
    items = ", ".join(label(cb, v, lang=lang) if cb.knows(v) else v for v in names)
    if comparison:
        measure = t(unit_key("caption.table.comparison", table), lang)
    else:
        cells = "percent" if style == "percent_ci" else style  # the intervals are said after the groups
        measure = _by_phrase(t(unit_key(f"caption.table.{cells}", table), lang), by, lang, cb)
        if style == "percent_ci":
            measure = f"{measure}, {t('caption.ci', lang, level=_ci_level(table))}"
    head = f"{items}: {measure}" if items else _capital(measure)
    return _parts(head, report.scope_label(), denominator_text(table, lang, cb))


def _recorded(names: list[str], cb: Codebook) -> bool:
    """Whether the rows are options or yes/no items (recorded or not), rather than categories."""
    for name in names:
        if not cb.knows(name):
            continue
        fld, option = cb.resolve(name) if name not in cb.fields else (cb.fields[name], None)
        if option is None and fld.kind not in ("multi", "boolean"):
            return False
    return True


def figure_caption(table: pd.DataFrame, report: ReportLike, *, kind: str, by: str | None = None) -> str:
    """What a figure adds to its title: what is drawn, the scope and the denominators.

    ``"Percentage of children whose review recorded each item; Gwent, all periods; n = 20 children"``.
    """
    cb, lang = report.codebook, report.lang
    if kind == "heatmap":
        measure = t("caption.figure.pairs", lang)
    elif kind == "forest":
        measure = t("caption.figure.difference", lang, level=_ci_level(table))
    else:
        recorded = _recorded(_variables(table), cb)
        measure = t(unit_key("caption.figure.recorded" if recorded else "caption.figure.categories", table), lang)
        if kind == "grouped_bar":
            measure = _by_phrase(measure, by, lang, cb)
    return _parts(measure, report.scope_label(), denominator_text(table, lang, cb))


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
