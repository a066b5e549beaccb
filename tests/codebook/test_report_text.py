"""Tests for cprstats.codebook.i18n: the report layer reads the one bilingual catalogue.

The report layer's strings used to live in ``cprstats/report/assets/report_strings.yaml``; they are now
in ``cprstats/codebook/strings.yaml`` with every other UI string (the checks that each has English and
Welsh with the same placeholders are in tests/codebook/test_i18n.py and tests/codebook/test_bilingual.py).
"""

from __future__ import annotations

from importlib import resources

import pytest

import cprstats.codebook.i18n as i18n
from cprstats.errors import ParameterError


def test_the_report_layer_has_no_second_lookup():
    # the old shim cprstats._report_text is gone: every room imports t from cprstats.codebook.i18n
    import importlib.util

    assert importlib.util.find_spec("cprstats._report_text") is None
    assert i18n.__all__.count("t") == 1


def test_report_strings_are_in_the_one_catalogue():
    assert not resources.files("cprstats.report").joinpath("assets", "report_strings.yaml").is_file()
    keys = set(i18n.strings())
    for key in ("figure.kind.heatmap", "figure.alt.intro", "report.skip_link", "table.untitled", "index.caption"):
        assert key in keys
    assert i18n.t("group.all", "cy") == "Y cyfan"  # a table string
    assert i18n.t("figure.kind.heatmap", "cy") == "Map gwres"  # a report-layer string
    with pytest.raises(ParameterError, match="needs a value for count, n"):
        i18n.t("figure.value", "en", percent="1%")
    with pytest.raises(ParameterError, match="is not a UI string"):
        i18n.t("no.such.key")
