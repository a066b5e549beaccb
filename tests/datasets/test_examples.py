"""Tests of cprstats.datasets.examples: the shipped (synthetic) example datasets.

Reference values: 160 children in 157 reviews is what the generator builds (cprstats.synth.generator,
data/README.md); 33 and 11 are the published sample sizes (McManus et al. 2023, "33 Child
Practice Reviews"; the Mid and West Wales slides, "4 MAPFs and 7 CPRs").
"""

from __future__ import annotations

import pandas as pd
import pytest

import cprstats
from cprstats.datasets.examples import EXAMPLES, forms_path


def test_list_examples():
    table = cprstats.list_examples()
    assert table.columns.tolist() == ["name", "description", "rows", "source", "synthetic"]
    assert table["name"].tolist()[:3] == ["wales", "mcmanus_2023", "mww_2017_2021"]
    assert table.set_index("name")["rows"].to_dict() == {
        "wales": 160,
        "mcmanus_2023": 33,
        "mww_2017_2021": 11,
        "double_coding_a": 20,
        "double_coding_b": 20,
        "wales_recommendations": 551,
        "wales_process": 196,
    }
    assert table["synthetic"].all() and table["description"].str.contains("synthetic").all()


@pytest.mark.parametrize("name, n", [("wales", 160), ("mcmanus_2023", 33), ("mww_2017_2021", 11)])
def test_load_example_is_a_coded_dataset(name, n, codebook):
    data = cprstats.load_example(name)
    assert len(data) == n and data.index.equals(pd.RangeIndex(n))
    assert tuple(data.columns) == codebook.coded_columns
    assert data.attrs["synthetic"] is True and data.attrs["example"] == name
    assert isinstance(data["outcome"].dtype, pd.CategoricalDtype)
    assert data["harm_neglect"].dtype == "boolean" and data["age_months"].dtype == "Int64"
    assert isinstance(data["incident_date"].dtype, pd.PeriodDtype)
    cprstats.validate_dataset(data, codebook)


def test_examples_equal_the_coded_forms():
    # the package's coded copy is what coding its own forms gives
    coded = cprstats.code_reviews(cprstats.read_forms(forms_path("wales")))
    pd.testing.assert_frame_equal(cprstats.load_example("wales"), coded, check_like=False)


def test_each_call_returns_a_fresh_copy():
    a = cprstats.load_example("mcmanus_2023")
    a.loc[0, "outcome"] = "other"
    a.attrs["example"] = "changed"
    b = cprstats.load_example("mcmanus_2023")
    assert (b["outcome"] == "death").sum() == 22 and b.attrs["example"] == "mcmanus_2023"


def test_wrong_name_lists_the_valid_ones():
    with pytest.raises(cprstats.ParameterError) as err:
        cprstats.load_example("mww_2017")
    msg = str(err.value)
    assert "name='mww_2017' is not a shipped example" in msg and "did you mean 'mww_2017_2021'" in msg
    assert all(name in msg for name in EXAMPLES)
    with pytest.raises(cprstats.ParameterError, match="use one of"):
        forms_path("nothing_like_it")


def test_forms_path_reads():
    forms = cprstats.read_forms(forms_path())
    assert forms.index.name == "row" and forms.index[0] == 2 and len(forms) == 160
