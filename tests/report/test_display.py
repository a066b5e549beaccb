"""Tests for cprstats.report.blocks: accessible HTML tables and notices, plain text for consoles and nbval."""

from __future__ import annotations

import pandas as pd
import pytest

from cprstats.errors import ParameterError
from cprstats.report.blocks import Block, html_table, notice, text_table


def test_table_is_escaped_captioned_and_scoped():
    tab = pd.DataFrame(
        {
            "Variable": ["Outcome", "Outcome", "Sex"],
            "Category": ["<b>Death</b>", "Other", "Male"],
            "All": ["=1+1", "*", "3 (20.0%)"],
        }
    )
    block = html_table(tab, caption="Table & <caption>", notes=["* hidden"])
    html = block.html
    assert "<caption>Table &amp; &lt;caption&gt;</caption>" in html
    assert "&lt;b&gt;Death&lt;/b&gt;" in html and "<b>" not in html
    # the repeated variable title spans its rows once, as a row-group header
    assert '<th scope="rowgroup" rowspan="2">Outcome</th>' in html and html.count(">Outcome<") == 1
    assert '<th scope="row">Sex</th>' in html and '<th scope="col">All</th>' in html
    assert '<ul class="table-notes"><li>* hidden</li></ul>' in html
    assert block.text.splitlines()[0] == "Table & <caption>" and block.text.splitlines()[-1] == "* hidden"


def test_caption_is_required():
    with pytest.raises(ParameterError, match="caption"):
        html_table(pd.DataFrame({"a": ["1"]}), caption=" ")


def test_block_shows_text_in_consoles_and_html_in_notebooks():
    b = Block("<p>x</p>", "x") + notice("Synthetic data.", label="Notice", kind="synthetic")
    assert repr(b) == "x\nNotice: Synthetic data." and str(b) == repr(b)
    assert b._repr_html_().endswith(
        '<div class="notice notice-synthetic" role="note"><strong>Notice:</strong> Synthetic data.</div>'
    )
    assert text_table(pd.DataFrame()) == ""
