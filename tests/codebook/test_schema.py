"""Tests for cprstats.codebook.schema: the pandera schema made from the codebook, as a safety net.

All data are SYNTHETIC (the six forms of tests/conftest.py). The expected dtypes are the
coded-dataset contract of DESIGN.md; the bounds are the codebook's constraints (n_siblings 0 to
20, child_no 1 to 20); the key review_id + child_no is the codebook's (one row per subject child).
"""

from __future__ import annotations

import pandas as pd
import pytest

from cprstats.codebook.schema import dataset_schema, validate_dataset
from cprstats.errors import CodingError


@pytest.fixture
def coded(small_coded):
    return small_coded.copy()


def _failures(df):
    with pytest.raises(CodingError) as exc:
        validate_dataset(df)
    return exc.value.problems


def test_schema_columns_follow_the_codebook(codebook):
    s = dataset_schema(codebook)
    assert tuple(s.columns) == codebook.coded_columns
    assert s.strict and s.ordered
    assert s.unique == ["review_id", "child_no"]
    assert str(s.columns["n_siblings"].dtype) == "Int64"
    assert str(s.columns["harm_neglect"].dtype) == "boolean"
    assert not s.columns["review_id"].nullable and s.columns["outcome"].nullable
    assert dataset_schema() is dataset_schema(codebook)  # cached per codebook


def test_a_coded_dataset_passes_and_is_returned(coded):
    assert validate_dataset(coded) is coded


def test_extra_kept_columns_are_allowed_after_the_coded_ones(coded):
    df = coded.copy()
    df["coder"] = pd.array(["A"] * len(df), dtype="string")
    assert validate_dataset(df) is df


def test_wrong_category_is_caught(coded):
    df = coded.copy()
    df["outcome"] = pd.Categorical(["drowning"] + ["death"] * (len(df) - 1), categories=["death", "drowning"])
    fails = _failures(df)
    assert fails["field"].tolist() == ["outcome"]
    assert list(fails.columns) == list(CodingError.COLUMNS)
    assert fails["file"].eq("dataset").all()


def test_duplicate_key_is_caught(coded):
    df = pd.concat([coded, coded.iloc[[1]]], ignore_index=True)
    fails = _failures(df)
    assert set(fails["field"]) == {"review_id", "child_no"}
    assert set(fails["row"]) == {len(df) + 1}  # the repeated row, as a spreadsheet row (data start at 2)
    assert "uniqueness" in fails["problem"].iloc[0]


def test_out_of_range_number_wrong_dtype_and_missing_required(coded):
    df = coded.copy()
    df["n_siblings"] = pd.array([25] + [1] * (len(df) - 1), dtype="Int64")
    df["age_months"] = df["age_months"].astype("float64")
    df.loc[2, "review_id"] = pd.NA
    fails = _failures(df)
    got = dict(zip(fails["field"], fails["problem"]))
    assert set(got) == {"n_siblings", "age_months", "review_id"}
    assert "less_than_or_equal_to(20)" in got["n_siblings"]
    assert fails.loc[fails["field"] == "n_siblings", "value"].item() == "25"


def test_missing_or_misplaced_column_is_caught(coded):
    fails = _failures(coded.drop(columns="sex"))
    assert len(fails) == 1
    assert "sex" in (fails.loc[0, "field"], fails.loc[0, "value"])  # pandera names the column in one of them
    swapped = list(coded.columns)
    swapped[0], swapped[1] = swapped[1], swapped[0]
    fails = _failures(coded[swapped])
    assert {"review_id", "child_no"} <= set(fails["field"]) | set(fails["value"])
