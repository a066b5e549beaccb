"""Tests for cprstats.datasets.loader: what a report's DATA parameter may be, scopes, and protection.

Data: the shipped synthetic example and the six synthetic forms of tests/conftest.py.
"""

from __future__ import annotations

import pandas as pd
import pytest

import cprstats
from cprstats.datasets.loader import infer_by, load_data, periods, protect, regions, scope_data, source_text
from cprstats.disclosure.policy import disclosure_policy
from cprstats.errors import CodingError, ParameterError


def test_regions_and_periods_come_from_the_codebook():
    assert regions() == ("wales", "NWSB", "MWW", "WGSB", "CTM", "CAV", "GWENT")
    assert periods() == ("all", "pre_covid", "post_covid")


def test_coded_csv_is_read_not_recoded(tmp_path):
    data = cprstats.load_example("mww_2017_2021")
    path = tmp_path / "coded.csv"
    cprstats.write_dataset(data, path)
    back = load_data(path)
    assert len(back) == 11 and back.attrs["synthetic"] is True
    assert source_text(path) == {"kind": "file", "name": "coded.csv"}  # no folder names in the report


def test_forms_are_coded(tmp_path, small_forms):
    path = tmp_path / "forms.csv"
    small_forms.to_csv(path, index=False, encoding="utf-8")
    coded = load_data(path)
    assert len(coded) == 6 and "age_band_mcmanus" in coded.columns
    bad = small_forms.copy()
    bad.loc[2, "outcome"] = "deth"
    bad.to_csv(path, index=False, encoding="utf-8")
    with pytest.raises(CodingError, match="deth"):
        load_data(path)


def test_examples_and_frames():
    assert load_data("mww_2017_2021").attrs["example"] == "mww_2017_2021"
    with pytest.raises(ParameterError, match="lacks the column"):
        load_data(pd.DataFrame({"x": [1]}))


def test_scope_keeps_attrs_and_rows():
    data = cprstats.load_example("wales")
    part = scope_data(data, region="CAV", period="post_covid")
    assert set(part["board"]) == {"CAV"} and set(part["period"]) == {"post_covid"}
    assert part.attrs["synthetic"] is True
    assert len(scope_data(data, region="wales", period="all")) == len(data) == 160


def test_infer_by():
    tab = pd.DataFrame({"variable": "x", "level": "a", "group": ["MWW", "CAV", "all"], "count": 1, "n": 1})
    assert infer_by(tab) == "board"
    assert infer_by(tab.assign(group=["pre_covid", "post_covid", "all"])) == "period"
    assert infer_by(tab.assign(group="all")) is None


def test_protect_refuses_a_table_suppressed_under_another_policy():
    tab = pd.DataFrame({"variable": "outcome", "level": ["death", "other"], "group": "all", "count": [3, 9], "n": 12})
    loose = disclosure_policy("wales").apply(tab)
    with pytest.raises(ParameterError, match="before calling cprstats.suppress"):
        protect(loose, disclosure_policy("MWW"))
    strict = disclosure_policy("MWW").apply(tab)
    assert protect(strict, disclosure_policy("MWW")) is strict
