"""Make a notebook's HTML safe and accessible to circulate: nothing runs, nothing is fetched.

`clean_html` works in two passes. The first re-writes HTML element by element (with the
standard library's `html.parser`) for accessibility and to turn web links into citations;
the second, the security gate, is `nh3` (the Python binding of the maintained Rust sanitiser
``ammonia``, built on the browsers' own HTML5 parser), configured with an allow-list of
exactly what a report needs (`ALLOWED_TAGS`, `ALLOWED_ATTRIBUTES`): text, headings, lists,
tables, figures whose images are inline ``data:image/png`` (or jpeg, gif, webp, svg+xml)
images, links within the page (``#...``) or relative to it, and the ``lang``, ``aria-*``,
``role``, ``class``, ``id``, ``title`` and ``tabindex`` attributes. Everything else goes:
inline ``<svg>`` and ``<math>`` (with their ``<animate>``, ``<set>`` and links), ``style``
elements and attributes (so no CSS ``url()`` or ``image-set()`` fetch), forms, every
scheme but ``data:image`` in an image and none at all in a link (``javascript:``, however
it is spelt: ``java&#9;script:`` is read as the browser reads it), and ``data:text/html``.
The page's own style sheet is added after cleaning, by `cprstats.report.page.page`.

The first pass:

* **Removed** with their content: ``script``, ``style``, ``iframe``, ``object``, ``embed``,
  ``noscript``, ``template``, ``frame(set)``, ``applet``; and ``link``, ``meta``, ``base``;
  comments; event-handler attributes (``onclick`` ...); ``style`` attributes that load
  anything (``url(``); ``javascript:`` links; nbconvert's "¶" heading anchors.
* **Nothing fetched**: an image from the web becomes its alt text; a link to the web becomes
  plain text with its address in brackets (a citation, not a reference the browser follows).
  Only ``data:image/...`` images, in-page links (``#...``) and relative links stay.
* **Headings** have no gaps: the first heading is the only ``h1`` (``needs_title`` tells the
  caller to add one when the page has none) and each later heading is at most one level
  deeper than the one before (h1, h2, h4 -> h1, h2, h3).
* **Tables** get a ``<caption>`` when they have none, and header cells a ``scope``.
* **Images** without a useful ``alt`` get one saying no description was given.

Examples
--------
>>> out = clean_html('<h1>T</h1><h2>A</h2><h4>B</h4><script>x()</script><a href="https://e.org">E</a>',
...                  missing_caption="Table", missing_alt="Figure")
>>> out.html
'<h1>T</h1><h2>A</h2><h3>B</h3><span class="citation">E</span> (https://e.org)'
>>> out.title, out.needs_title
('T', False)
"""

from __future__ import annotations

import html as _html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = ["clean_html", "Cleaned", "DROP_WITH_CONTENT", "ALLOWED_TAGS", "ALLOWED_ATTRIBUTES", "is_external"]

DROP_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "iframe",
        "object",
        "embed",
        "noscript",
        "template",
        "frame",
        "frameset",
        "applet",
        "noembed",
        "noframes",
        "svg",
        "math",
        "textarea",
        "select",
        "title",
        "xmp",
    }
)
_DROP_VOID = frozenset({"link", "meta", "base"})
_VOID = frozenset(
    {"area", "br", "col", "embed", "hr", "img", "input", "source", "track", "wbr", "link", "meta", "base", "param"}
)
_URL_ATTRS = frozenset(
    {
        "src",
        "href",
        "srcset",
        "poster",
        "data",
        "action",
        "formaction",
        "background",
        "cite",
        "xlink:href",
        "longdesc",
        "usemap",
        "ping",
        "manifest",
        "codebase",
        "archive",
    }
)
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp|svg\+xml)[;,]", re.I)
_URL_INVISIBLE = re.compile(r"[\t\n\r]")  # browsers drop these anywhere in a URL (WHATWG URL standard)

#: Elements a report may hold after cleaning (second pass, `nh3`).
ALLOWED_TAGS = frozenset(
    """
    a abbr article aside b bdi bdo blockquote br caption cite code col colgroup dd del details dfn div dl dt em
    figcaption figure footer h1 h2 h3 h4 h5 h6 header hr i img ins kbd li mark nav ol p pre q s samp section
    small span strong sub summary sup table tbody td tfoot th thead time tr u ul var wbr
    """.split()
)
#: Attributes kept, per element (``"*"``: on every element; ``aria-*`` attributes are kept too).
ALLOWED_ATTRIBUTES = {
    "*": frozenset({"class", "id", "lang", "dir", "title", "role", "tabindex"}),
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "th": frozenset({"scope", "colspan", "rowspan", "headers", "abbr"}),
    "td": frozenset({"colspan", "rowspan", "headers"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "li": frozenset({"value"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "time": frozenset({"datetime"}),
    "details": frozenset({"open"}),
}


def _plain_url(url: str) -> str:
    """``url`` as a browser reads it: tabs and line breaks removed, controls and spaces at either end stripped."""
    return _URL_INVISIBLE.sub("", url).strip(
        "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
        "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f \x7f"
    )


def _safe_url(tag: str, attr: str, value: str) -> bool:
    """Whether a link or image address may stay: in-page or relative links; inline images, or relative ones."""
    url = _plain_url(value)
    scheme = _SCHEME.match(url)
    if url.startswith(("//", "\\", "/\\", "\\/")):
        return False
    if tag == "img" and attr == "src":
        return bool(_DATA_IMAGE.match(url)) or scheme is None
    if tag == "a" and attr == "href":
        return scheme is None  # "#section" or "02_agencies.html": never javascript:, data:, http:
    return False


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if attr in ("href", "src"):
        return value if _safe_url(tag, attr, value) else None
    if attr == "tabindex":
        return value if value.strip() in ("-1", "0") else None
    return value


def _final_gate(html: str) -> str:
    import nh3

    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROP_WITH_CONTENT - ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        generic_attribute_prefixes={"aria-"},
        attribute_filter=_attribute_filter,
        url_schemes={"data"},
        link_rel=None,
        strip_comments=True,
    )


_HEADING = re.compile(r"^h([1-6])$")


def is_external(url: str) -> bool:
    """Whether following ``url`` would leave the page (any scheme but ``data:``, or ``//host``).

    >>> urls = ["https://x.org", "//x.org/a.png", "#top", "MWW/all/01.html", "data:image/png;base64,AA"]
    >>> [is_external(u) for u in urls]
    [True, True, False, False, False]
    """
    u = _plain_url(url)
    if u.startswith(("//", "\\\\", "/\\", "\\/")):
        return True
    m = _SCHEME.match(u)
    return bool(m) and m.group(1).lower() != "data"


@dataclass
class Cleaned:
    """The cleaned HTML, the page title found (first heading's text) and what was changed."""

    html: str
    title: str = ""
    needs_title: bool = False
    changes: list[str] = field(default_factory=list)


class _Cleaner(HTMLParser):
    def __init__(self, missing_caption: str, missing_alt: str, first_level: int):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.changes: list[str] = []
        self.skip = 0  # depth inside a dropped element
        self.skip_tag: list[str] = []
        self.prev_level = first_level
        self.heading_stack: list[tuple[str, str]] = []
        self.title_parts: list[str] | None = None
        self.title = ""
        self.missing_caption, self.missing_alt = missing_caption, missing_alt
        self.tables = 0
        self.caption_due = False
        self.section: list[str] = []  # thead / tbody context for th scopes
        self.citations: list[str | None] = []

    # -- helpers
    def _emit_caption_if_due(self, tag: str) -> None:
        if self.caption_due:
            self.caption_due = False
            if tag != "caption":
                self.out.append(f"<caption>{_html.escape(self.missing_caption.format(number=self.tables))}</caption>")
                self.changes.append(f"caption added to table {self.tables}")

    def _attrs(
        self, tag: str, attrs: list[tuple[str, str | None]]
    ) -> tuple[list[tuple[str, str | None]], bool, str | None]:
        kept, changed, external = [], False, None
        for name, value in attrs:
            v = _plain_url(value or "") if name in _URL_ATTRS else (value or "")
            if name.startswith("on") or name == "style":  # no style attribute: no url(), image-set(), @import
                changed = True
                continue
            if name in _URL_ATTRS:
                if v[:5].lower() == "data:" and not (tag == "img" and name == "src" and _DATA_IMAGE.match(v)):
                    changed = True
                    continue
                if is_external(v) or (name == "srcset"):
                    changed = True
                    if (tag == "a" and name == "href") or (tag == "img" and name == "src"):
                        external = v
                    continue
            kept.append((name, value))
        return kept, changed, external

    @staticmethod
    def _tag(tag: str, attrs, close: bool = False) -> str:
        parts = [tag] + [n if v is None else f'{n}="{_html.escape(v, quote=True)}"' for n, v in attrs]
        return "<" + " ".join(parts) + (" />" if close else ">")

    # -- parser callbacks
    def handle_starttag(self, tag, attrs):
        self._start(tag, attrs, self.get_starttag_text() or "")

    def handle_startendtag(self, tag, attrs):
        self._start(tag, attrs, self.get_starttag_text() or "", selfclose=True)

    def _start(self, tag, attrs, raw, selfclose=False):
        if self.skip:
            if tag in DROP_WITH_CONTENT and not selfclose and tag not in _VOID:
                self.skip += 1
            return
        if tag in DROP_WITH_CONTENT:
            self.changes.append(f"<{tag}> removed")
            if not selfclose and tag not in _VOID:
                self.skip = 1
            return
        if tag in _DROP_VOID:
            self.changes.append(f"<{tag}> removed")
            return
        cls = dict(attrs).get("class") or ""
        if tag == "a" and "anchor-link" in cls.split():
            self.skip = 1
            self.skip_tag.append("a")
            return
        self._emit_caption_if_due(tag)
        kept, changed, external = self._attrs(tag, attrs)
        if tag == "img":
            self._img(kept, external, changed, raw)
            return
        if tag == "a":
            if external is not None:
                self.citations.append(external)
                self.out.append('<span class="citation">')
                self.changes.append("web link made plain text")
                return
            self.citations.append(None)
        m = _HEADING.match(tag)
        if m:
            tag, changed = self._heading(int(m.group(1))), True
        elif tag == "table":
            self.tables += 1
            self.caption_due = True
        elif tag in ("thead", "tbody", "tfoot"):
            self.section.append(tag)
        elif tag == "th" and not dict(kept).get("scope"):
            kept.append(("scope", "col" if self.section and self.section[-1] == "thead" else "row"))
            changed = True
        if changed:
            self.out.append(self._tag(tag, kept, selfclose))
        else:
            self.out.append(raw)

    def _img(self, kept, external, changed, raw):
        alt = (dict(kept).get("alt") or "").strip()
        if external is not None:
            self.out.append(f'<span class="image-alt">{_html.escape(alt or self.missing_alt)}</span>')
            self.changes.append("web image replaced by its alt text")
            return
        if not alt:
            kept = [(n, v) for n, v in kept if n != "alt"] + [("alt", self.missing_alt)]
            self.changes.append("alt text added to an image")
            changed = True
        self.out.append(self._tag("img", kept) if changed else raw)

    def _heading(self, level: int) -> str:
        new = 1 if self.prev_level == 0 else max(2, min(level, self.prev_level + 1))
        if new != level:
            self.changes.append(f"h{level} became h{new}")
        if new == 1:
            self.title_parts = []
        self.prev_level = new
        self.heading_stack.append((f"h{level}", f"h{new}"))
        return f"h{new}"

    def handle_endtag(self, tag):
        if self.skip:
            if self.skip_tag and tag == self.skip_tag[-1] and self.skip == 1:
                self.skip_tag.pop()
                self.skip = 0
            elif tag in DROP_WITH_CONTENT:
                self.skip -= 1
            return
        if tag in DROP_WITH_CONTENT or tag in _DROP_VOID or tag in _VOID:
            return
        if _HEADING.match(tag) and self.heading_stack:
            _, tag = self.heading_stack.pop()
            if tag == "h1" and self.title_parts is not None:
                self.title = " ".join("".join(self.title_parts).split())
                self.title_parts = None
        elif tag == "a" and self.citations:
            url = self.citations.pop()
            if url is not None:  # the address is shown as a citation only for web pages (not javascript: etc.)
                web = re.match(r"^\s*(https?:)?//", url, re.I)
                self.out.append(f"</span> ({_html.escape(url.strip())})" if web else "</span>")
                return
        elif tag in ("thead", "tbody", "tfoot") and self.section:
            self.section.pop()
        elif tag == "table":
            self.caption_due = False
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if self.skip:
            return
        if data.strip():
            self._emit_caption_if_due("#text")
        if self.title_parts is not None:
            self.title_parts.append(data)
        self.out.append(_html.escape(data, quote=False))

    def handle_comment(self, data):
        return  # comments are dropped (conditional comments could load things)

    def handle_decl(self, decl):
        return

    def handle_pi(self, data):
        return

    def unknown_decl(self, data):
        return


def clean_html(body: str, *, missing_caption: str, missing_alt: str) -> Cleaned:
    """Clean an HTML fragment (see the module notes).

    Parameters
    ----------
    body : str
        HTML, e.g. what nbconvert's "basic" template makes of a notebook.
    missing_caption : str
        Caption for a table without one; may hold ``{number}`` (the table's number on the page).
    missing_alt : str
        Alt text for an image without one.

    Returns
    -------
    Cleaned
        ``needs_title`` is True when the fragment has no ``h1`` first: the caller adds the
        page's ``h1`` before it (headings then start at h2).
    """
    first = re.search(r"<h([1-6])[\s>]", body, re.I)
    needs_title = not (first and first.group(1) == "1")
    cleaner = _Cleaner(missing_caption, missing_alt, first_level=1 if needs_title else 0)
    cleaner.feed(body)
    cleaner.close()
    return Cleaned(_final_gate("".join(cleaner.out)), cleaner.title, needs_title, cleaner.changes)
