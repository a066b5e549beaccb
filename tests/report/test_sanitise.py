"""Tests for cprstats.report.sanitise with nh3 as the final gate (issue 14).

The hostile inputs are the red-team pass's (``java&#9;script:`` links, SVG ``<animate>``
with a javascript href, ``data:text/html`` links, CSS ``image-set()`` fetches) and the usual
evasions of the OWASP XSS Filter Evasion Cheat Sheet (entity-encoded and mixed-case schemes,
control characters before the scheme, ``srcdoc``, ``<base>``, ``<meta refresh>``). What must
survive is what a report needs: headings, tables, lists, figures as inline ``data:image``
images, in-page links and the accessibility attributes.
"""

from __future__ import annotations

import re

import pytest

from cprstats.report.sanitise import ALLOWED_TAGS, clean_html


def _clean(html: str) -> str:
    return clean_html(html, missing_caption="Table {number}", missing_alt="No description").html


HOSTILE = [
    '<a href="java&#9;script:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="java\rscript:alert(1)">x</a>',
    '<a href=" &#14;javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;&#97;vascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<svg><a xlink:href="javascript:alert(1)"><animate attributeName="href" values="javascript:alert(1)"/>'
    "<text>t</text></a></svg>",
    '<svg><set attributeName="onmouseover" to="alert(1)"/></svg>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">d</a>',
    '<img src="data:text/html;base64,PHNjcmlwdD4=" alt="x">',
    "<div style=\"background-image: image-set('https://example.org/x.png' 1x)\">s</div>",
    '<div style="background:url(https://example.org/x.png)">s</div>',
    "<style>@import url(https://example.org/x.css); body{background:image-set('https://example.org/y.png' 1x)}</style>",
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<base href="https://example.org/">',
    '<meta http-equiv="refresh" content="0;url=https://example.org">',
    '<link rel="stylesheet" href="https://example.org/x.css">',
    '<form action="https://example.org"><input name="a" formaction="javascript:alert(1)"></form>',
    '<img src="x" onerror="alert(1)">',
    '<table><tr><td background="https://example.org/x.png">x</td></tr></table>',
    '<img srcset="https://example.org/x.png 1x" src="data:image/png;base64,AA" alt="a">',
    '<object data="https://example.org/x.swf"></object><embed src="https://example.org/x.swf">',
    "<script>alert(1)</script><noscript><img src=x onerror=alert(1)></noscript>",
    '<a href="//example.org/x">protocol-relative</a>',
]


@pytest.mark.parametrize("html", HOSTILE)
def test_nothing_runs_and_nothing_is_fetched(html):
    out = _clean(html).lower()
    for bad in (
        "javascript",
        "vbscript",
        "<script",
        "alert(",
        "data:text",
        "image-set",
        "url(",
        "style",
        "onerror",
        "onmouseover",
        "srcdoc",
        "<base",
        "<meta",
        "<link",
        "<svg",
        "<math",
        "<animate",
        "<iframe",
        "<object",
        "<embed",
        "<form",
        "<input",
        'href="//',
        "srcset",
        "background=",
    ):
        assert bad not in out, (bad, out)


def test_only_allowed_tags_remain():
    out = _clean("".join(HOSTILE) + "<p>ok</p><marquee>m</marquee><blink>b</blink><dialog open>d</dialog>")
    assert set(re.findall(r"<([a-z0-9]+)", out)) <= ALLOWED_TAGS


def test_what_a_report_needs_survives():
    png = "data:image/png;base64,iVBORw0KGgo="
    svg = "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4="
    html = (
        '<h1 id="top">Report</h1><h2 lang="cy">Adran</h2>'
        '<div class="table-wrap" role="region" aria-label="Outcome" tabindex="0">'
        '<table class="report-table"><caption>Outcome</caption>'
        '<thead><tr><th scope="col">Category</th><th scope="col">n</th></tr></thead>'
        '<tbody><tr><th scope="row">Death</th><td colspan="1">22</td></tr></tbody></table>'
        '<ul class="table-notes"><li>Synthetic data.</li></ul></div>'
        f'<figure class="report-figure"><img src="{png}" alt="Bar chart" width="640" height="480">'
        "<figcaption>Figure 1</figcaption></figure>"
        f'<figure><img src="{svg}" alt="Line chart"></figure>'
        '<p>See <a href="#top">the top</a> and <a href="02_agencies.html">the next report</a>.</p>'
        '<div class="notice notice-info" role="note"><strong>Notice:</strong> Synthetic.</div>'
    )
    out = _clean(html)
    for kept in (
        '<h1 id="top">Report</h1>',
        '<h2 lang="cy">Adran</h2>',
        'role="region" aria-label="Outcome" tabindex="0"',
        '<th scope="col">Category</th>',
        '<th scope="row">Death</th>',
        f'<img src="{png}" alt="Bar chart" width="640" height="480">',
        f'<img src="{svg}" alt="Line chart">',
        '<a href="#top">the top</a>',
        '<a href="02_agencies.html">the next report</a>',
        '<div class="notice notice-info" role="note">',
        "<figcaption>Figure 1</figcaption>",
    ):
        assert kept in out, kept
    assert "rel=" not in out  # no rel="noopener" added to in-page links


def test_bad_tabindex_values_are_dropped():
    assert _clean('<div tabindex="99">x</div><div tabindex="-1">y</div>') == '<div>x</div><div tabindex="-1">y</div>'


def test_web_links_and_images_still_become_text():
    out = _clean('<p><a href="https://gov.wales/x">guidance</a><img src="https://example.org/a.png" alt="A"></p>')
    assert out == (
        '<p><span class="citation">guidance</span> (https://gov.wales/x)<span class="image-alt">A</span></p>'
    )
