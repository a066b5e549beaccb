"""Tests for cprstats.forms.coding.code_reviews: types, matching rules, multi-response, and problems.

All forms are SYNTHETIC. Reference values: the coded-dataset contract (dtypes, "not recorded"
vs "none", option columns) is DESIGN.md's "Codebook draft" and "Missing is not no"; the Welsh
labels are the codebook's, those marked verified from the domain reference, section 5 (e.g.
"Marwolaeth" = death, WSI 2015/1466 Welsh text). Row numbers are spreadsheet rows (header = 1).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import cprstats
from cprstats.errors import CodingError, ParameterError
from cprstats.forms.coding import NO_WORDS, YES_WORDS, normalise

FORMS = Path(__file__).parents[1] / "data" / "forms"


def _problems(forms, **kw):
    with pytest.raises(CodingError) as exc:
        cprstats.code_reviews(forms, **kw)
    return exc.value.problems


def _forms(rows: list[dict], start: int = 2) -> pd.DataFrame:
    """Raw forms from a few dicts; the required identity columns filled in where not given."""
    base = {
        "review_id": "T 1 2019",
        "child_no": "1",
        "local_authority": "cardiff",
        "review_type": "mapf",
        "incident_date": "2019-05",
    }
    recs = []
    for i, r in enumerate(rows):
        rec = dict(base, review_id=f"T {i + 1} 2019")
        rec.update(r)
        recs.append(rec)
    df = pd.DataFrame(recs, dtype=object).fillna("")
    df.index = pd.Index(range(start, start + len(df)), name="row")
    df.attrs["source"] = "forms.csv"
    return df


# --------------------------------------------------------------------------- types and shape
def test_columns_and_dtypes_follow_the_codebook(small_forms, codebook):
    data = cprstats.code_reviews(small_forms)
    assert tuple(data.columns) == codebook.coded_columns
    assert len(data) == 6
    for col in data.columns:
        fld, option = codebook.resolve(col)
        dtype = data[col].dtype
        if option is not None or fld.type == "boolean":
            assert dtype == "boolean", col
        elif fld.categories:
            assert dtype == pd.CategoricalDtype(list(fld.codes), ordered=fld.ordered), col
        elif fld.type == "integer":
            assert dtype == "Int64", col
        elif fld.type == "yearmonth":
            assert dtype == pd.PeriodDtype("M"), col
        else:
            assert dtype == "string", col
    assert data["review_id"].tolist()[:3] == ["CYSUR 1 2018", "CYSUR 2 2020", "CYSUR 2 2020"]
    assert data["child_no"].tolist() == [1, 1, 2, 1, 1, 1]
    assert str(data.loc[0, "incident_date"]) == "2018-06"
    assert pd.isna(data.loc[3, "publication_date"])
    assert data.attrs["source"] == "forms.csv"
    assert data.attrs["codebook_version"] == codebook.version


def test_codes_english_and_welsh_labels_all_match(small_forms):
    data = cprstats.code_reviews(small_forms)
    assert data["local_authority"].tolist() == [
        "carmarthenshire",
        "powys",
        "powys",
        "isle_of_anglesey",
        "bridgend",
        "cardiff",
    ]
    assert data["review_type"].tolist() == [
        "cpr_concise",
        "cpr_extended",
        "cpr_extended",
        "cpr_concise",
        "mapf",
        "mapf",
    ]
    assert data["outcome"].tolist() == [
        "death",
        "life_threatening_injury",
        "serious_impairment",
        "death",
        "other",
        "other",
    ]
    assert data["on_cp_register_6m"].tolist()[3] == "no"  # "Nac oedd"
    assert data["ethnicity"].tolist()[5] == "other"  # "Grŵp ethnig arall"
    assert data["incident_type"].tolist()[5] == "self_harm"  # "self harm": spaces for underscores


def test_single_choice_ignores_case_and_spacing():
    typed = ["death", "Death", " DEATH ", "Marwolaeth", "marwolaeth", "  Marwolaeth\t"]
    data = cprstats.code_reviews(_forms([{"outcome": t} for t in typed]))
    assert data["outcome"].tolist() == ["death"] * len(typed)


AUTHORITIES = [
    ("Ynys Môn", "isle_of_anglesey"),
    ("isle of anglesey", "isle_of_anglesey"),
    ("ISLE_OF_ANGLESEY", "isle_of_anglesey"),
    ("Neath-Port Talbot", "neath_port_talbot"),
    ("Castell-nedd Port Talbot", "neath_port_talbot"),
    ("Pen-y-bont ar Ogwr", "bridgend"),
    ("Rhondda  Cynon Taf", "rhondda_cynon_taf"),
    ("Sir Gaerfyrddin", "carmarthenshire"),
]


def test_authority_names_in_either_language():
    data = cprstats.code_reviews(_forms([{"local_authority": typed} for typed, _ in AUTHORITIES]))
    assert data["local_authority"].tolist() == [code for _, code in AUTHORITIES]


def test_yes_and_no_words_on_a_yes_no_unknown_field():
    words = list(YES_WORDS) + [w.upper() for w in YES_WORDS] + list(NO_WORDS) + ["Unknown", "Anhysbys"]
    data = cprstats.code_reviews(_forms([{"disability": w} for w in words]))
    expect = ["yes"] * (2 * len(YES_WORDS)) + ["no"] * len(NO_WORDS) + ["unknown", "unknown"]
    assert data["disability"].tolist() == expect


def test_normalise():
    assert normalise("  Non-fatal_physical   ABUSE ") == "non fatal physical abuse"
    assert normalise("Child\u2019s voice") == "child's voice"


def test_header_may_be_a_title_in_either_language():
    forms = _forms([{"outcome": "death"}]).rename(
        columns={"outcome": "Canlyniad i'r plentyn", "local_authority": "Local authority"}
    )
    data = cprstats.code_reviews(forms)
    assert data.loc[0, "outcome"] == "death" and data.loc[0, "local_authority"] == "cardiff"


def test_code_reviews_accepts_a_path():
    data = cprstats.code_reviews(FORMS / "good.csv")
    assert data["review_id"].tolist() == ["CYSUR 1 2018", "NWSB 3 2019", "WG S71 2019"]
    assert data.attrs["source"] == str(FORMS / "good.csv")


# --------------------------------------------------------------------------- multi-response
def test_semicolon_lists_codes_and_labels():
    # good.csv is written for the earlier codebook, whose child vulnerabilities held the harm the child
    # experienced: coding carries those values over to harm_experienced (Codebook.upgrade_forms)
    data = cprstats.code_reviews(FORMS / "good.csv")
    cb = cprstats.load_codebook()
    cv = data[list(cb.option_columns("child_vulnerabilities")) + list(cb.option_columns("harm_experienced"))]
    # row 2: "emotional_abuse; Peidio â mynychu'r ysgol" (Welsh label of school_non_attendance)
    assert set(cv.columns[cv.iloc[0].to_numpy(bool)]) == {"harm_emotional_abuse", "cv_school_non_attendance"}
    # row 4: "none" -> recorded, none present (in both variables)
    assert cv.iloc[1].tolist() == [False] * cv.shape[1]
    # row 5: "Neglect ;  POOR HOME CONDITIONS"
    assert set(cv.columns[cv.iloc[2].to_numpy(bool)]) == {"harm_neglect", "cv_poor_home_conditions"}


def test_empty_list_cell_is_not_recorded_and_none_is_all_false():
    data = cprstats.code_reviews(
        _forms([{"themes": ""}, {"themes": "none"}, {"themes": "NONE"}, {"themes": " ; "}, {"themes": "recording;"}])
    )
    th = data.filter(regex="^th_")
    assert th.iloc[0].isna().all()  # empty: not recorded, out of the denominator
    assert th.iloc[1].eq(False).all() and th.iloc[2].eq(False).all()  # none: recorded, none present
    assert th.iloc[3].isna().all()  # only separators: nothing typed
    assert th.iloc[4].sum() == 1 and th.iloc[4]["th_recording"]  # a trailing separator is harmless


def test_a_list_column_absent_from_the_forms_is_not_recorded(small_forms):
    data = cprstats.code_reviews(small_forms.drop(columns="covid_factors"))
    assert data.filter(regex="^cov_").isna().all().all()


def test_option_columns_convention():
    data = cprstats.code_reviews(FORMS / "options.csv")
    # options.csv names the former option columns (cv_neglect ...): their harm_experienced columns now
    cv = data[["harm_neglect", "harm_emotional_abuse", "harm_physical_abuse", "harm_sexual_abuse"]]
    # OPT 1: yes/no/blank -> the group is recorded, so blanks (and columns not on the form) are no
    assert cv.iloc[0].tolist() == [True, False, False, False]
    # OPT 2: Welsh ie / na
    assert cv.iloc[1].tolist() == [True, False, False, False]
    # OPT 3: every option cell blank -> not recorded
    assert cv.iloc[2].isna().all() and data.filter(regex="^harm_").iloc[2].isna().all()
    # OPT 4: only one option filled ("Yes") -> recorded; the others no
    assert cv.iloc[3].tolist() == [False, True, False, False]
    # OPT 5: all no -> recorded, none present
    assert cv.iloc[4].tolist() == [False, False, False, False]


def test_options_as_both_conventions_is_a_problem():
    probs = _problems(_forms([{"child_vulnerabilities": "mental_health", "cv_mental_health": "yes"}]))
    assert probs["field"].tolist() == ["child_vulnerabilities"]
    assert probs.loc[0, "row"] == 1


# --------------------------------------------------------------------------- problems
def test_all_problems_are_collected_with_rows_and_suggestions():
    forms = _forms(
        [
            {"outcome": "deth", "age_months": "301"},
            {"incident_date": "2019-02-30", "review_type": ""},
            {"incident_date": "2019-13", "n_siblings": "-1", "themes": "escalaton"},
            {"review_id": "T 1 2019"},  # duplicates row 2's review and child
            {"sex": "F", "child_no": "0"},
        ]
    )
    forms["incident_typ"] = ""
    forms["age_band_england"] = ""
    probs = _problems(forms)
    assert list(probs.columns) == ["file", "row", "review_id", "field", "value", "problem"]
    got = {(r.row, r.field): r.problem for r in probs.itertuples()}
    assert set(got) == {
        (1, "incident_typ"),
        (1, "age_band_england"),
        (2, "outcome"),
        (2, "age_months"),
        (3, "incident_date"),
        (3, "review_type"),
        (4, "incident_date"),
        (4, "n_siblings"),
        (4, "themes"),
        (5, "child_no"),
        (6, "sex"),
        (6, "child_no"),
    }
    assert "did you mean 'death'?" in got[2, "outcome"]
    assert "out of range (allowed: whole numbers 0 to 300)" in got[2, "age_months"]
    assert got[3, "incident_date"].startswith("impossible date")
    assert got[4, "incident_date"].startswith("impossible date")
    assert got[3, "review_type"].startswith("required")
    assert "did you mean 'escalation'?" in got[4, "themes"]
    assert "already on row 2" in got[5, "child_no"]
    assert "did you mean 'incident_type'?" in got[1, "incident_typ"]
    assert "is derived by cprstats from age_months" in got[1, "age_band_england"]
    assert "out of range (allowed: whole numbers 1 to 20)" in got[6, "child_no"]
    assert probs["file"].eq("forms.csv").all()
    assert probs.loc[probs["row"] == 2, "review_id"].eq("T 1 2019").all()
    assert probs.loc[(probs["row"] == 2) & (probs["field"] == "outcome"), "value"].item() == "deth"
    assert list(probs["row"]) == sorted(probs["row"])  # sorted by row for the reader
    assert str(len(probs)) in str(CodingError(probs))


def test_missing_required_column_is_reported_once_on_the_header_row():
    forms = _forms([{}, {}]).drop(columns=["local_authority", "incident_date"])
    probs = _problems(forms)
    assert set(zip(probs["row"], probs["field"])) == {(1, "local_authority"), (1, "incident_date")}
    assert probs["problem"].str.contains("a required column is missing").all()


def test_typed_board_is_checked_and_fills_an_unknown_authority():
    ok = cprstats.code_reviews(_forms([{"board": "CAV"}, {"board": "Cardiff and Vale of Glamorgan"}, {"board": ""}]))
    assert ok["board"].tolist() == ["CAV", "CAV", "CAV"]
    probs = _problems(_forms([{"local_authority": "bridgend", "incident_date": "2019-03", "board": "CTM"}]))
    assert probs.loc[0, "field"] == "board"
    # Bridgend was in Western Bay (WGSB) until 31 March 2019 (WGSB annual report 2019-20)
    assert "bridgend was in board WGSB on the incident date" in probs.loc[0, "problem"]


def test_keep_columns():
    forms = _forms([{"coder": "A"}, {"coder": "B"}])
    probs = _problems(forms)
    assert probs.loc[0, "field"] == "coder" and probs.loc[0, "row"] == 1
    assert "keep it on purpose with keep_columns" in probs.loc[0, "problem"]
    data = cprstats.code_reviews(forms, keep_columns=["coder"])
    assert data.columns[-1] == "coder" and data["coder"].tolist() == ["A", "B"]
    assert data["coder"].dtype == "string"
    with pytest.raises(ParameterError, match="keep_columns names \\['rater'\\]"):
        cprstats.code_reviews(forms, keep_columns=["rater"])


def test_forms_without_attrs_are_reported_as_forms():
    forms = _forms([{"outcome": "deth"}])
    forms.attrs = {}
    probs = _problems(forms)
    assert probs.loc[0, "file"] == "forms"


def test_synthetic_flag_passes_through(small_forms):
    small_forms.attrs["synthetic"] = True
    assert cprstats.code_reviews(small_forms).attrs["synthetic"] is True


def test_many_rows_code_like_the_few(small_forms):
    # parsing is done once per distinct value and mapped back to rows: 600 rows must map back exactly
    big = pd.concat([small_forms] * 100)
    big["child_no"] = [str(1 + i % 20) for i in range(len(big))]
    big["review_id"] = [f"R {i // 20} 2019" for i in range(len(big))]
    big.index = pd.Index(range(2, len(big) + 2), name="row")
    data = cprstats.code_reviews(big)
    assert len(data) == 600
    assert data["parental_adversities_all_three"].sum() == 300  # the first three of every six forms (test_derive)
    assert data["parental_adversities_all_three"].isna().sum() == 100  # the fourth has no parental risks recorded
    assert data["local_authority"].astype(object).tolist()[:12] == (
        ["carmarthenshire", "powys", "powys", "isle_of_anglesey", "bridgend", "cardiff"] * 2
    )


# --------------------------------------------------------------------------- a researcher's own codebook
def test_extra_option_flows_through_with_no_code_change(tmp_path, extra_option_codebook):
    """A new theme added in YAML is read, coded, exported and documented (DESIGN.md: codebook = single source)."""
    from cprstats.codebook.dictionary import data_dictionary
    from cprstats.io.datapackage import read_dataset, table_schema, write_dataset

    forms_csv = tmp_path / "forms.csv"
    forms_csv.write_text(
        "review_id,child_no,local_authority,review_type,incident_date,themes\n"
        "TI 1 2021,1,powys,mapf,2021-01,Trauma-informed practice; recording\n"
        "TI 2 2021,1,powys,mapf,2021-02,recording\n"
        "TI 3 2021,1,powys,mapf,2021-03,\n",
        encoding="utf-8",
    )
    cb = cprstats.load_codebook(extra_option_codebook)  # parsed once; every function also takes the path
    forms = cprstats.read_forms(forms_csv, codebook=cb)
    data = cprstats.code_reviews(forms, codebook=extra_option_codebook)
    assert data["th_trauma_informed"].tolist()[:2] == [True, False]
    assert pd.isna(data["th_trauma_informed"].iloc[2])
    # the packaged codebook does not know the option: the same form is refused there
    assert "'trauma informed practice' not an option of themes" in _problems(forms).loc[0, "problem"]
    out = tmp_path / "coded.csv"
    write_dataset(data, out, codebook=cb)
    back = read_dataset(out, codebook=cb)
    pd.testing.assert_series_equal(back["th_trauma_informed"], data["th_trauma_informed"])
    names = [f["name"] for f in table_schema(cb)["fields"]]
    assert "th_trauma_informed" in names
    md = data_dictionary(cb)
    assert "`trauma_informed` Trauma-informed practice" in md
    # the Table Schema beside the CSV describes the new column
    import json

    pkg = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    field = [f for f in pkg["resources"][0]["schema"]["fields"] if f["name"] == "th_trauma_informed"][0]
    assert field["title"] == "Themes: Trauma-informed practice" and field["type"] == "boolean"
