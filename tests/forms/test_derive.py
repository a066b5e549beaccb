"""Tests for cprstats.forms.derivations: every derived variable of the codebook, at its boundaries.

All forms are SYNTHETIC. Where each reference value comes from:

- Thematic-review age bands 0-3 months, 4-11 months, 1-4, 5-9, 10-12, 13-15, 16-17, 18+ years:
  McManus, Ball & Almond (2023), as listed in DESIGN.md ("Codebook draft") and the domain
  reference, recommendation 6. England's bands <1, 1-5, 6-10, 11-15, 16+: the DfE serious
  incident notification statistics (domain reference, recommendation 6). Ages are in completed
  months, so "x years" is 12x to 12x + 11 months: the last month of 0-3 months is 3, of 1-4 years
  is 59, and so on.
- The Covid-19 cut, 23 March 2020 (the first UK lockdown, announced that evening): DESIGN.md
  ("period derived (default cut: 23 March 2020)") and the domain reference, recommendation 3.
  A month-only date is placed on the 1st of the month (derive.derive_all's docstring).
- Bridgend in Western Bay (WGSB) until 31 March 2019 and in Cwm Taf Morgannwg from 1 April
  2019: domain reference section 3 (WGSB annual report 2019-20).
- "Large sibling group" = 3 or more children, the subject child included; "youngest" over the
  children with siblings whose position is known (66% of 21 cases): McManus et al. (2023), as
  quoted in DESIGN.md ("Published figures").
- Kleene three-valued logic for "alcohol or drug misuse" (True | NA = True, False | NA = NA):
  S. C. Kleene, *Introduction to Metamathematics* (1952), section 64, the strong three-valued
  tables, which the pandas user guide "Nullable Boolean data type" follows.
"""

from __future__ import annotations

import pandas as pd
import pytest

import cprstats
from cprstats.errors import CodebookError
from cprstats.forms.derivations import METHODS, derive_all


def _code(rows: list[dict]) -> pd.DataFrame:
    base = {"child_no": "1", "local_authority": "powys", "review_type": "mapf", "incident_date": "2019-05"}
    recs = [dict(base, review_id=f"D {i + 1} 2019", **r) for i, r in enumerate(rows)]
    df = pd.DataFrame(recs, dtype=object).fillna("")
    df.index = pd.Index(range(2, len(df) + 2), name="row")
    return cprstats.code_reviews(df)


# age in completed months -> (thematic review band, England band)
AGES = {
    0: ("m0_3", "under_1"),
    3: ("m0_3", "under_1"),
    4: ("m4_11", "under_1"),
    11: ("m4_11", "under_1"),
    12: ("y1_4", "y1_5"),
    59: ("y1_4", "y1_5"),
    60: ("y5_9", "y1_5"),
    71: ("y5_9", "y1_5"),
    72: ("y5_9", "y6_10"),
    119: ("y5_9", "y6_10"),
    120: ("y10_12", "y6_10"),
    131: ("y10_12", "y6_10"),
    132: ("y10_12", "y11_15"),
    155: ("y10_12", "y11_15"),
    156: ("y13_15", "y11_15"),
    191: ("y13_15", "y11_15"),
    192: ("y16_17", "y16_plus"),
    215: ("y16_17", "y16_plus"),
    216: ("y18_plus", "y16_plus"),
    300: ("y18_plus", "y16_plus"),
}


@pytest.fixture(scope="module")
def coded_ages():
    return _code([{"age_months": str(a)} for a in AGES] + [{"age_months": ""}])


def test_age_bands_at_every_boundary(coded_ages):
    got = list(zip(coded_ages["age_band_mcmanus"].astype(object), coded_ages["age_band_england"].astype(object)))
    assert got[:-1] == list(AGES.values())
    assert pd.isna(got[-1][0]) and pd.isna(got[-1][1])  # no age, no band


def test_age_bands_are_ordered_categories(coded_ages, codebook):
    band = coded_ages["age_band_mcmanus"]
    assert band.cat.ordered
    assert list(band.cat.categories) == ["m0_3", "m4_11", "y1_4", "y5_9", "y10_12", "y13_15", "y16_17", "y18_plus"]
    # by band order, not alphabetically (as strings "y18_plus" < "y1_4")
    assert (band.iloc[[0, -2]] < "y1_4").tolist() == [True, False]
    # the bands tile 0..300 months with no gap or overlap
    for name in ("age_band_mcmanus", "age_band_england"):
        cats = codebook.field(name).categories
        assert cats[0].attrs["min"] == 0
        for a, b in zip(cats, cats[1:]):
            assert b.attrs["min"] == a.attrs["max"] + 1


@pytest.fixture(scope="module")
def coded_dates():
    dates = [
        "2020-03-22",
        "2020-03-23",
        "22/03/2020",
        "23/03/2020",
        "2020-03",
        "2020-04",
        "March 2020",
        "2019-12",
        "Mawrth 2021",
        "2020/02",
    ]
    return _code([{"incident_date": d} for d in dates])


def test_period_at_the_covid_cut(coded_dates):
    assert coded_dates["period"].astype(object).tolist() == [
        "pre_covid",
        "post_covid",  # ISO dates either side of 23 March 2020
        "pre_covid",
        "post_covid",  # the same as DD/MM/YYYY
        "pre_covid",  # 2020-03 -> 1 March 2020 -> before the cut
        "post_covid",
        "pre_covid",
        "pre_covid",
        "post_covid",
        "pre_covid",
    ]
    assert coded_dates["period"].cat.ordered


def test_month_only_cut_agrees_with_the_codebook(codebook):
    # the codebook says the cut is 23 March 2020; a month-only date is taken as the 1st
    cats = {c.value: c.attrs for c in codebook.field("period").categories}
    assert str(cats["pre_covid"]["end"]) == "2020-03-22" and str(cats["post_covid"]["start"]) == "2020-03-23"


def test_incident_date_kept_to_the_month_and_year(coded_dates):
    assert [str(p) for p in coded_dates["incident_date"]][:5] == ["2020-03"] * 5
    assert str(coded_dates["incident_date"].iloc[8]) == "2021-03"  # Welsh month name
    assert coded_dates["incident_year"].tolist() == [2020] * 7 + [2019, 2021, 2020]
    assert coded_dates["incident_year"].dtype == "Int64"


@pytest.fixture(scope="module")
def coded_family():
    return _code(
        [
            {"n_siblings": "0", "birth_position": "only"},
            {"n_siblings": "1", "birth_position": "youngest"},
            {"n_siblings": "2", "birth_position": "eldest"},
            {"n_siblings": "3", "birth_position": "middle"},
            {"n_siblings": "", "birth_position": "unknown"},
            {"n_siblings": "5", "birth_position": ""},
            {"n_siblings": "1", "birth_position": "unknown"},
        ]
    )


def test_siblings(coded_family):
    assert coded_family["has_siblings"].tolist() == [False, True, True, True, pd.NA, True, True]
    assert coded_family["sibling_group_size"].tolist() == [1, 2, 3, 4, pd.NA, 6, 2]
    assert coded_family["large_sibling_group"].tolist() == [False, False, True, True, pd.NA, True, False]
    assert coded_family["sibling_group_size"].dtype == "Int64"
    assert coded_family["large_sibling_group"].dtype == "boolean"


def test_youngest_is_missing_for_only_child_and_unknown(coded_family):
    assert coded_family["youngest"].tolist() == [pd.NA, True, False, False, pd.NA, pd.NA, pd.NA]


@pytest.fixture(scope="module")
def coded_risks():
    return _code(
        [
            {"parental_risks": "alcohol_misuse; mental_health; domestic_abuse"},
            {"parental_risks": "drug_misuse; Mental health; domestic abuse; criminality"},
            {"parental_risks": "alcohol_misuse; drug_misuse; mental_health"},
            {"parental_risks": "domestic_abuse"},
            {"parental_risks": "none"},
            {"parental_risks": ""},
        ]
    )


def test_parental_substance_misuse_and_parental_adversities(coded_risks):
    assert coded_risks["parental_substance_misuse"].tolist() == [True, True, True, False, False, pd.NA]
    assert coded_risks["parental_adversities_count"].tolist() == [3, 3, 2, 1, 0, pd.NA]
    assert coded_risks["parental_adversities_all_three"].tolist() == [True, True, False, False, False, pd.NA]


def test_small_forms_parental_adversities(small_forms):
    data = cprstats.code_reviews(small_forms)
    # rows 2 and 3 of the fixture are the CYSUR 2 2020 siblings: drug misuse, domestic abuse, mental health
    assert data["parental_adversities_all_three"].tolist() == [True, True, True, pd.NA, False, False]
    assert data["parental_adversities_count"].tolist() == [3, 3, 3, pd.NA, 0, 0]
    assert data["board"].astype(object).tolist() == ["MWW", "MWW", "MWW", "NWSB", "WGSB", "CAV"]
    assert data["youngest"].tolist() == [True, True, False, pd.NA, False, pd.NA]


def test_any_is_kleene(codebook):
    fld = codebook.field("parental_substance_misuse")
    b = lambda xs: pd.array(xs, dtype="boolean")  # noqa: E731
    df = pd.DataFrame(
        {
            "pr_alcohol_misuse": b([True, False, False, None, None, True]),
            "pr_drug_misuse": b([None, None, False, None, True, False]),
        }
    )
    out = METHODS["any"](df, fld, codebook, None)
    assert out.tolist() == [True, pd.NA, False, pd.NA, True, True]
    assert out.dtype == "boolean"


def test_count_is_missing_if_any_source_is_missing(codebook):
    fld = codebook.field("parental_adversities_count")
    b = lambda xs: pd.array(xs, dtype="boolean")  # noqa: E731
    df = pd.DataFrame(
        {
            "parental_substance_misuse": b([True, True, None, False]),
            "pr_mental_health": b([True, False, True, False]),
            "pr_domestic_abuse": b([True, None, True, False]),
        }
    )
    assert METHODS["count"](df, fld, codebook, None).tolist() == [3, pd.NA, pd.NA, 0]


@pytest.fixture(scope="module")
def coded_boards():
    return _code(
        [
            {"local_authority": "bridgend", "incident_date": "2019-03"},
            {"local_authority": "bridgend", "incident_date": "2019-04"},
            {"local_authority": "bridgend", "incident_date": "2019-03-31"},
            {"local_authority": "bridgend", "incident_date": "2019-04-01"},
            {"local_authority": "Pen-y-bont ar Ogwr", "incident_date": "2015-01"},
            {"local_authority": "swansea", "incident_date": "2019-04"},
            {"local_authority": "rhondda_cynon_taf", "incident_date": "2018-01"},
            {"local_authority": "torfaen", "incident_date": "2022-01"},
        ]
    )


def test_board_from_authority_and_date(coded_boards):
    assert coded_boards["board"].astype(object).tolist() == [
        "WGSB",
        "CTM",
        "WGSB",
        "CTM",
        "WGSB",
        "WGSB",
        "CTM",
        "GWENT",
    ]
    assert list(coded_boards["board"].cat.categories) == ["NWSB", "MWW", "WGSB", "CTM", "CAV", "GWENT"]


def test_board_needs_a_date_for_bridgend_only(codebook):
    df = pd.DataFrame(
        {
            "local_authority": pd.Categorical(
                ["bridgend", "cardiff", None], categories=codebook.field("local_authority").codes
            )
        }
    )
    day = pd.Series(pd.to_datetime([None, None, "2020-01-01"]))
    out = METHODS["board_lookup"](df, codebook.field("board"), codebook, day)
    assert out.isna().tolist() == [True, False, True]
    assert out.iloc[1] == "CAV"


def test_derive_all_adds_in_codebook_order(small_forms, codebook):
    data = cprstats.code_reviews(small_forms)
    inputs = data[[c for c in data.columns if not codebook.resolve(c)[0].is_derived]].copy()
    day = pd.Series(inputs["incident_date"].dt.to_timestamp())
    made = derive_all(inputs, codebook, day)
    assert list(made) == [f.name for f in codebook.derived_fields]
    for name, col in made.items():
        pd.testing.assert_series_equal(col, data[name], check_names=False, obj=name)


def test_compare_with_a_bad_operator_is_a_codebook_error(codebook):
    from dataclasses import replace

    fld = replace(
        codebook.field("has_siblings"), derived={"method": "compare", "from": ["n_siblings"], "op": "=>", "value": 1}
    )
    with pytest.raises(CodebookError, match="'=>' is not allowed"):
        METHODS["compare"](pd.DataFrame({"n_siblings": pd.array([1], dtype="Int64")}), fld, codebook, None)


def test_every_method_is_used_by_the_codebook(codebook):
    from cprstats.codebook.model import DERIVE_METHODS

    used = {f.derived["method"] for f in codebook.derived_fields}
    assert used == set(METHODS) == set(DERIVE_METHODS)
