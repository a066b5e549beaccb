"""Tests for cprstats.codebook.i18n and cprstats/codebook/strings.yaml (all example numbers are synthetic)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pandas as pd
import pytest

import cprstats.codebook.i18n as i18n
from cprstats.codebook.i18n import (
    format_count,
    format_month,
    format_number,
    format_percent,
    placeholders,
    t,
    texts,
    untranslated,
)
from cprstats.errors import ParameterError


def test_every_string_has_english_and_welsh():
    entries = list(texts())
    assert len(entries) > 40
    for key, text in entries:
        assert text.en.strip(), f"{key} has no English"
        assert text.cy.strip(), f"{key} has no Welsh"


def test_english_and_welsh_take_the_same_placeholders():
    for key, text in texts():
        assert placeholders(text.en) == placeholders(text.cy), key


def test_verified_welsh_names_its_source():
    for key, text in texts():
        if text.cy_verified:
            assert text.cy_source, key


def test_a_string_missing_a_language_is_refused():
    from cprstats.errors import CprstatsError

    with pytest.raises(CprstatsError, match="missing the cy text"):
        i18n._text("x.y", {"en": "Total", "cy": ""})
    with pytest.raises(CprstatsError, match="no cy_source"):
        i18n._text("x.y", {"en": "Total", "cy": "Cyfanswm", "cy_status": "verified"})


def test_statswales_marker_wording():
    # shared reference section 4: StatsWales footnote for "*" in English and Welsh
    assert t("footnote.suppressed") == "The data item is disclosive or not sufficiently robust for publication"
    assert t("footnote.suppressed", "cy") == "Mae'r eitem o ddata yn datgelu neu nid yw'n ddigon cadarn i'w gyhoeddi"
    assert t("footnote.not_available", "cy") == "Nid yw'r eitem o ddata ar gael"
    assert t("marker.suppressed") == t("marker.suppressed", "cy") == "*"


def test_required_ui_strings_exist_in_both_languages():
    for key in (
        "heading.count",
        "heading.percentage",
        "heading.ci",
        "heading.group",
        "group.all",
        "heading.total",
        "footnote.synthetic",
        "footnote.opted_out",
        "section.summary",
        "section.methods",
    ):
        assert t(key, "en", level=95) and t(key, "cy", level=95)
    assert t("footnote.synthetic") == "These data are synthetic and describe no real child."
    assert t("footnote.opted_out").startswith("Suppression switched off by the analyst")


def test_unknown_key_lists_close_keys():
    with pytest.raises(ParameterError, match=r"key='heading.totl' is not a UI string \(did you mean 'heading.total'"):
        t("heading.totl")


def test_missing_placeholder_value_is_named():
    with pytest.raises(ParameterError, match="needs a value for threshold"):
        t("footnote.small_denominator")


def test_bad_language_is_refused():
    with pytest.raises(ParameterError, match="lang='fr'"):
        t("heading.count", "fr")


def test_untranslated_lists_only_unverified_welsh():
    todo = untranslated()
    assert all(isinstance(r, tuple) and len(r) == 3 for r in todo)  # (where, english, welsh)
    where = {r[0] for r in todo}
    assert "strings.heading.variable" in where  # "Newidyn" awaits review
    assert "strings.footnote.suppressed" not in where  # StatsWales wording, verified
    verified = {f"strings.{k}" for k, v in texts() if v.cy_verified}
    assert not where & verified and len(where) + len(verified) == len(list(texts()))


def test_codebook_command_lists_ui_strings_too(capsys):
    from cprstats.cli import main

    assert main(["codebook", "--untranslated"]) == 0
    out = capsys.readouterr().out
    assert "interface\tstrings.heading.variable\tVariable\tNewidyn" in out


def test_strings_are_loaded_once():
    i18n._load.cache_clear()
    t("heading.count")
    t("heading.total")
    assert i18n._load.cache_info().misses == 1


def test_percentages_are_written_the_same_in_welsh():
    # Welsh Government's Welsh releases write "17.8%" (https://llyw.cymru/node/51733)
    assert format_percent(12 / 33) == format_percent(12 / 33, "cy") == "36.4%"
    assert format_percent(0.178, "cy") == "17.8%"
    assert format_percent(0.125, digits=0) == "13%"  # half away from zero, not to even
    assert format_percent(0.5, digits=2) == "50.00%"
    assert format_percent(float("nan")) == "" and format_percent(None, na="..") == ".."
    with pytest.raises(ParameterError, match="digits=-1"):
        format_percent(0.5, digits=-1)


def test_numbers_and_counts():
    assert format_number(2.25) == "2.3" and format_number(1234.5, digits=0) == "1,235"
    assert format_count(1234) == format_count(1234.0, "cy") == "1,234"
    assert format_count(pd.NA, na="*") == "*"
    with pytest.raises(ParameterError, match="not a whole number"):
        format_count(2.5)


def test_welsh_month_names():
    # the twelve Welsh month names, each seen on a Welsh Government page cited in strings.yaml
    months = [
        "Ionawr",
        "Chwefror",
        "Mawrth",
        "Ebrill",
        "Mai",
        "Mehefin",
        "Gorffennaf",
        "Awst",
        "Medi",
        "Hydref",
        "Tachwedd",
        "Rhagfyr",
    ]
    assert [format_month(f"2020-{m:02d}", "cy") for m in range(1, 13)] == [f"{name} 2020" for name in months]
    assert format_month(pd.Period("2020-03", "M")) == "March 2020"
    assert format_month(dt.date(2024, 10, 1), "cy") == "Hydref 2024"
    assert format_month(pd.Timestamp("2019-04-30")) == "April 2019"
    assert format_month(pd.NaT) == "" and format_month(None, na="..") == ".."
    with pytest.raises(ParameterError, match="is not a month"):
        format_month("March")


def test_importing_stays_cheap():
    code = (
        "import sys, cprstats.codebook.i18n, cprstats.disclosure.suppression, cprstats.report.tables;"
        "print(sorted(m for m in ('yaml', 'scipy', 'scipy.optimize', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
