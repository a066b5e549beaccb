"""Tests for cprstats.report.sanitise: nothing runs, nothing is fetched, headings and tables are accessible.

The hostile inputs are the usual ways a page runs code or loads something (OWASP XSS filter
evasion cheat sheet patterns: script tags, event handlers, javascript: URLs, CSS url()).
"""

from __future__ import annotations

from cprstats.report.sanitise import clean_html, is_external


def _clean(html: str):
    return clean_html(html, missing_caption="Table {number}", missing_alt="No description")


def test_scripts_handlers_and_fetches_are_removed():
    out = _clean(
        '<h1>T</h1><script>alert(1)</script><p onclick="x()" style="background:url(http://e.org/a)">p</p>'
        '<img src="https://e.org/a.png" alt="A chart"><img src="x.png"><a href="javascript:alert(1)">j</a>'
        '<link rel="stylesheet" href="https://cdn.org/a.css"><iframe src="https://e.org"></iframe>'
        '<style>body{}</style><!-- <script>c()</script> --><svg><script>d()</script><circle r="1"/></svg>'
        '<img src="data:text/html;base64,PHNjcmlwdD4=" alt="bad">'
    ).html
    for bad in (
        "<script",
        "onclick",
        "url(",
        "https://e.org/a.png",
        "javascript:",
        "<link",
        "<iframe",
        "<style",
        "c()",
        "d()",
        "data:text/html",
    ):
        assert bad not in out, bad
    assert '<span class="image-alt">A chart</span>' in out
    assert '<img src="x.png" alt="No description">' in out
    # inline SVG goes whole (figures are <img> data: images; SVG can carry <animate> and script links)
    assert "<svg" not in out and "<circle" not in out


def test_headings_have_no_gaps_and_one_h1():
    out = _clean("<h1>A</h1><h1>B</h1><h4>C</h4><h2>D</h2><h5>E</h5>")
    assert out.html == "<h1>A</h1><h2>B</h2><h3>C</h3><h2>D</h2><h3>E</h3>"
    assert out.title == "A" and not out.needs_title
    later = _clean("<h3>Section</h3><p>x</p>")
    assert later.needs_title and later.html == "<h2>Section</h2><p>x</p>"


def test_tables_get_a_caption_and_scoped_headers():
    out = _clean(
        "<table><thead><tr><th>a</th></tr></thead><tbody><tr><th>r</th><td>1</td></tr></tbody></table>"
        "<table><caption>Mine</caption><tr><td>1</td></tr></table>"
    ).html
    assert out.startswith('<table><caption>Table 1</caption><thead><tr><th scope="col">a</th>')
    assert '<th scope="row">r</th>' in out and "<caption>Mine</caption>" in out and "Table 2" not in out


def test_links_to_the_web_become_citations():
    out = _clean('<p>See <a href="https://gov.wales/x">the guidance</a> and <a href="#top">top</a>.</p>').html
    assert (
        out == '<p>See <span class="citation">the guidance</span> (https://gov.wales/x) and <a href="#top">top</a>.</p>'
    )
    assert [is_external(u) for u in ("http://a", "HTTPS://a", "//a", "ftp://a", "a/b.html", "#x")] == [
        True,
        True,
        True,
        True,
        False,
        False,
    ]
