"""Tests for cprstats._report_text: the report layer reads the one bilingual catalogue.

The report layer's strings used to live in ``cprstats/assets/report_strings.yaml``; they are now
in ``cprstats/strings.yaml`` with every other UI string (the checks that each has English and
Welsh with the same placeholders are in tests/test_i18n.py and tests/test_bilingual.py).
"""

from __future__ import annotations

from importlib import resources

import pytest

from cprstats import _report_text, i18n
from cprstats.errors import ParameterError


def test_is_the_i18n_lookup():
    assert _report_text.t is i18n.t
    assert _report_text.__all__ == ["t"]


def test_report_strings_are_in_the_one_catalogue():
    assert not resources.files("cprstats").joinpath("assets", "report_strings.yaml").is_file()
    keys = set(i18n.strings())
    for key in ("figure.kind.heatmap", "figure.alt.intro", "report.skip_link", "table.untitled", "index.caption"):
        assert key in keys
    assert _report_text.t("group.all", "cy") == "Y cyfan"  # a table string
    assert _report_text.t("figure.kind.heatmap", "cy") == "Map gwres"  # a report-layer string
    with pytest.raises(ParameterError, match="needs a value for count, n"):
        _report_text.t("figure.value", "en", percent="1%")
    with pytest.raises(ParameterError, match="is not a UI string"):
        _report_text.t("no.such.key")
