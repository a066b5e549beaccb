"""Tests for cprstats._report_text: every report-layer string has English and Welsh with the same placeholders."""

from __future__ import annotations

import string

import pytest

from cprstats._report_text import local_strings, t
from cprstats.errors import ParameterError


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_string_has_both_languages_and_the_same_placeholders():
    strings = local_strings()
    assert len(strings) > 30
    for key, texts in strings.items():
        assert texts["en"].strip() and texts["cy"].strip(), key
        assert _fields(texts["en"]) == _fields(texts["cy"]), key


def test_falls_back_to_the_package_ui_strings():
    assert t("group.all", "cy") == "Y cyfan"  # cprstats/strings.yaml
    assert t("figure.kind.heatmap", "cy") == "Map gwres"  # the report strings
    with pytest.raises(ParameterError):
        t("figure.value", "en", percent="1%")  # placeholders count and n missing
    with pytest.raises(ParameterError):
        t("no.such.key")
