"""Tests for cprstats.forms.guard: the identifier screen on raw coding forms.

Where the reference values come from (no real person's data appears here):

* NHS numbers: the check-digit rule is the modulus-11 algorithm of the NHS Data Dictionary
  ("NHS Number": weights 10 to 2 on the first nine digits, check = 11 - sum mod 11, 11 -> 0,
  10 -> invalid). 943 476 5919 is the example number quoted in NHS documentation and on
  Wikipedia ("NHS number"); its check digit, worked by hand: 9*10+4*9+3*8+4*7+7*6+6*5+5*4+9*3+1*2
  = 299, 299 mod 11 = 2, 11 - 2 = 9. 401 023 2137 is constructed here: sum 92, 92 mod 11 = 4,
  11 - 4 = 7. Changing the last digit makes each invalid.
* Phone numbers: Ofcom reserves 07700 900000-900999 and 029 2018 0000-0999 (Cardiff) for TV
  and radio drama, so they belong to nobody (Ofcom, "Telephone numbers for use in TV and radio
  drama programmes").
* Postcodes: the pattern is the UK Government Data Standards Catalogue's; CF10 1AA and
  SA99 1AA are made-up codes in its format (area, district, sector, unit).
* Email: example.org is reserved for documentation by RFC 2606, section 3.
* Review identifiers "CYSUR 4 2019", "WG S71 2023", "CPR FLINT 2" are the formats named in the
  project brief and codebook (review_id description), which must pass.
"""

from __future__ import annotations

import pandas as pd
import pytest

import cprstats
import cprstats.forms.guard as guard
from cprstats.errors import CodebookError, CodingError, ParameterError
from cprstats.forms.identifiers import mask


def forms(data: dict, source: str = "forms.csv", files=None) -> pd.DataFrame:
    n = len(next(iter(data.values())))
    df = pd.DataFrame(data, index=pd.Index(range(2, n + 2), name="row"), dtype=object)
    df.attrs["source"] = source
    if files is not None:
        df.attrs["files"] = files
    return df


def clean() -> dict:
    return {
        "review_id": ["CYSUR 4 2019", "WG S71 2023", "CPR FLINT 2"],
        "child_no": ["1", "1", "2"],
        "local_authority": ["Ynys Môn", "carmarthenshire", "flintshire"],
        "incident_date": ["2019-03", "2020-11", "2021-01"],
        "child_vulnerabilities": ["neglect; emotional abuse", "", "none"],
        "cv_neglect": ["yes", "no", ""],
    }


# ------------------------------------------------------------------ clean forms pass
def test_clean_forms_pass_with_fixed_columns():
    out = guard.find_identifiers(forms(clean()))
    assert out.empty
    assert list(out.columns) == ["file", "row", "review_id", "field", "value", "problem"]
    guard.check_forms(forms(clean()))  # does not raise


def test_public_names_exported():
    assert cprstats.find_identifiers is guard.find_identifiers
    assert cprstats.check_forms is guard.check_forms


def test_long_multi_response_of_labels_passes():
    # every child vulnerability, by its English label: far longer than a note, yet coded
    cb = cprstats.load_codebook()
    labels = "; ".join(c.label.en for c in cb.field("child_vulnerabilities").categories)
    assert len(labels) > guard.LONG_TEXT_CHARS // 2
    d = clean()
    d["child_vulnerabilities"] = [labels, labels, labels]
    assert guard.find_identifiers(forms(d)).empty


# ------------------------------------------------------------------ column names
@pytest.mark.parametrize(
    "header, kind",
    [
        ("Child name", "a person's name"),
        ("ChildName", "a person's name"),
        ("first_name", "a person's name"),
        ("Surname", "a person's name"),
        ("Enw'r plentyn", "a person's name"),
        ("Cyfenw", "a person's name"),
        ("DOB", "a date of birth"),
        ("date_of_birth", "a date of birth"),
        ("Dyddiad geni", "a date of birth"),
        ("Home address", "an address"),
        ("Cyfeiriad", "an address"),
        ("Post code", "a postcode"),
        ("Côd post", "a postcode"),
        ("NHS No.", "an NHS number"),
        ("Rhif GIG", "an NHS number"),
        ("Mobile", "a phone number"),
        ("Rhif ffôn", "a phone number"),
        ("E-mail", "an email address"),
        ("E-bost", "an email address"),
        ("Client ID", "a case or record number"),
    ],
)
def test_identifier_headers_are_refused(header, kind):
    d = clean()
    d[header] = ["x", "", "y"]
    out = guard.find_identifiers(forms(d))
    assert len(out) == 1  # one problem per column, not one per cell
    rec = out.iloc[0]
    assert rec["field"] == header and rec["row"] == 1 and rec["value"] == "" and rec["file"] == "forms.csv"
    assert rec["problem"].startswith(f"column {header!r} looks like {kind}; remove the column")


@pytest.mark.parametrize("header", ["coder", "notes", "board name", "file name", "nhs trust", "birth_position"])
def test_harmless_headers_pass(header):
    d = clean()
    d[header] = ["a", "b", "c"]
    assert guard.find_identifiers(forms(d)).empty


def test_keep_columns_cannot_keep_an_identifier_column():
    d = clean()
    d["surname"] = ["a", "b", "c"]
    out = guard.find_identifiers(forms(d), keep_columns=["surname"])
    assert out["problem"].iloc[0].endswith("(keep_columns cannot keep identifiers)")


def test_yaml_header_problem_points_at_first_form_that_fills_it():
    d = clean()
    d["dob"] = ["", "", "x"]
    f = forms(d, source="forms_folder.yaml", files=["a.yaml", "b.yaml", "c.yaml"])
    f.index = pd.Index([1, 1, 1], name="row")
    rec = guard.find_identifiers(f).iloc[0]
    assert (rec["file"], rec["row"]) == ("c.yaml", 1)


# ------------------------------------------------------------------ values
@pytest.mark.parametrize(
    "value, kind",
    [
        ("943 476 5919", "an NHS number"),
        ("9434765919", "an NHS number"),
        ("NHS 401-023-2137 seen", "an NHS number"),
        ("CF10 1AA", "a postcode"),
        ("lived near sa99 1aa", "a postcode"),
        ("07700 900123", "a phone number"),
        ("+44 (0)29 2018 0123", "a phone number"),
        ("029 2018 0999", "a phone number"),
        ("worker: jo.bloggs@example.org", "an email address"),
    ],
)
def test_identifier_values_are_found_and_masked(value, kind):
    d = clean()
    d["coder_note"] = ["fine", value, ""]
    out = guard.find_identifiers(forms(d))
    assert len(out) == 1
    rec = out.iloc[0]
    assert (rec["file"], rec["row"], rec["review_id"], rec["field"]) == ("forms.csv", 3, "WG S71 2023", "coder_note")
    assert (
        rec["problem"]
        == f"column 'coder_note' holds what looks like {kind}; remove it from the forms (the value is hidden here)"
    )
    assert rec["value"] != value and rec["value"] == mask(value)
    # no four consecutive digits or letters of the identifier survive anywhere in the problem
    blob = " ".join(map(str, rec.tolist()))
    digits = "".join(ch for ch in value if ch.isdigit())
    assert all(digits[k : k + 4] not in blob.replace(" ", "") for k in range(0, max(len(digits) - 3, 0)))


@pytest.mark.parametrize("value", ["943 476 5918", "401 023 2136", "1234567890"])
def test_ten_digit_numbers_with_wrong_check_digit_pass(value):
    # check digits worked by hand in tests/forms/test_identifiers.py
    d = clean()
    d["note"] = [value, "", ""]
    assert guard.find_identifiers(forms(d)).empty


@pytest.mark.parametrize("review_id", ["CYSUR 4 2019", "WG S71 2023", "CPR FLINT 2", "NWSB 2 2020", "CAV 01 2018"])
def test_review_ids_are_not_mistaken_for_identifiers(review_id):
    d = clean()
    d["review_id"] = [review_id, "CYSUR 1 2017", "MWW MAPF 3"]
    assert guard.find_identifiers(forms(d)).empty


def test_identifier_in_review_id_hides_the_review_id_too():
    d = clean()
    d["review_id"] = ["CYSUR 4 2019", "943 476 5919", "CPR FLINT 2"]
    rec = guard.find_identifiers(forms(d)).iloc[0]
    assert rec["field"] == "review_id" and rec["review_id"] == "(hidden)" and "5919" not in rec["value"]


# ------------------------------------------------------------------ dates
@pytest.mark.parametrize(
    "value", ["12/03/2010", "2010-03-12", "12 March 2010", "3rd of May 2009", "12 Mawrth 2010", "1/2/10"]
)
def test_full_dates_in_unknown_columns_could_be_dates_of_birth(value):
    d = clean()
    d["when"] = [value, "", ""]
    out = guard.find_identifiers(forms(d))
    assert len(out) == 1 and "could be a date of birth" in out["problem"].iloc[0]
    assert out["value"].iloc[0] == mask(value)
    # ... unless the researcher keeps the column deliberately
    assert guard.find_identifiers(forms(d), keep_columns=["when"]).empty


@pytest.mark.parametrize("value", ["2019-03", "03/2010", "13/13/2010", "March 2010", "2019"])
def test_year_month_and_impossible_dates_are_not_full_dates(value):
    d = clean()
    d["when"] = [value, "", ""]
    assert guard.find_identifiers(forms(d)).empty


def test_full_date_in_codebook_field_is_left_to_the_coder():
    d = clean()
    d["incident_date"] = ["12/03/2019", "2020-11", "2021-01"]
    assert guard.find_identifiers(forms(d)).empty


# ------------------------------------------------------------------ free text
def test_long_free_text_is_refused_and_hidden():
    note = "Case note: " + " ".join(["the child was seen at home by the worker"] * 5)  # 2 + 5 * 9 = 47 words
    d = clean()
    d["notes"] = ["short coding note about p. 12", note, ""]
    out = guard.find_identifiers(forms(d), keep_columns=["notes"])
    assert len(out) == 1
    rec = out.iloc[0]
    assert rec["row"] == 3 and rec["value"] == f"(hidden: {len(note)} characters)"
    assert rec["problem"].startswith("column 'notes' holds long free text (47 words), like case notes")


@pytest.mark.parametrize(
    "text, flagged",
    [
        (" ".join(["word"] * guard.LONG_TEXT_WORDS), False),  # 30 words: allowed
        (" ".join(["word"] * (guard.LONG_TEXT_WORDS + 1)), True),  # 31: free text
        ("x" * guard.LONG_TEXT_CHARS, False),
        ("x" * (guard.LONG_TEXT_CHARS + 1), True),
    ],
)
def test_free_text_thresholds(text, flagged):
    d = clean()
    d["note"] = [text, "", ""]
    assert len(guard.find_identifiers(forms(d))) == int(flagged)


def test_prose_in_a_coded_field_is_refused_at_value_length():
    d = clean()
    prose = "mother said the child had been unwell for a few days and was not taken to the GP"  # 18 words
    d["outcome"] = [prose, "death", "death"]
    out = guard.find_identifiers(forms(d))
    assert out["field"].tolist() == ["outcome"] and "long free text (18 words)" in out["problem"].iloc[0]


# ------------------------------------------------------------------ check_forms, errors
def test_check_forms_raises_coding_error_with_problems_and_source():
    d = clean()
    d["Child name"] = ["A", "B", "C"]
    d["note"] = ["", "call 07700 900123", ""]
    with pytest.raises(CodingError) as info:
        guard.check_forms(forms(d, source="/data/forms.csv"))
    err = info.value
    assert err.source == "/data/forms.csv"
    assert err.problems["field"].tolist() == ["Child name", "note"]
    text = str(err)
    assert text.startswith("2 problems found in /data/forms.csv")
    assert "900123" not in text and "a phone number" in text


def test_file_comes_from_attrs_files():
    d = clean()
    d["note"] = ["CF10 1AA", "", ""]
    f = forms(d, files=["one.csv", "two.csv", "three.csv"])
    assert guard.find_identifiers(f)["file"].tolist() == ["one.csv"]


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        (dict(forms=[["a"]]), "forms must be a pandas DataFrame"),
        (dict(forms=pd.DataFrame({"a": ["b"]}), codebook=3), "codebook must be a Codebook"),
        (dict(forms=pd.DataFrame({"a": ["b"]}), keep_columns=[1]), "keep_columns must hold column names"),
        (dict(forms=pd.DataFrame({"a": ["b"]}), keep_columns=5), "keep_columns must be a list"),
    ],
)
def test_bad_arguments(kwargs, fragment):
    # the codebook is looked up by cprstats.codebook.resolve, which raises CodebookError for a bad one
    with pytest.raises((ParameterError, CodebookError), match=fragment):
        guard.find_identifiers(**kwargs)


def test_keep_columns_may_be_one_string_and_forms_without_attrs_work():
    df = pd.DataFrame({"review_id": ["CYSUR 4 2019"], "when": ["12/03/2010"]})
    assert guard.find_identifiers(df, keep_columns="when").empty
    out = guard.find_identifiers(df)
    assert out["file"].tolist() == [""] and out["row"].tolist() == [0]


def test_screen_is_fast_on_a_large_form():
    import time

    d = {k: v * 200 for k, v in clean().items()}  # 600 rows
    d["note"] = ["short note 2019-03"] * 600
    t0 = time.perf_counter()
    assert guard.find_identifiers(forms(d)).empty
    assert time.perf_counter() - t0 < 2.0


def test_shared_synthetic_forms_pass(small_forms):
    # the six good synthetic forms of tests/conftest.py: codes, English and Welsh labels
    assert guard.find_identifiers(small_forms).empty


def test_shipped_example_forms_pass():
    # the synthetic example forms shipped with the package (cprstats/datasets/data/*_forms.csv)
    examples = pytest.importorskip("cprstats.datasets.examples")
    checked = 0
    for name in examples.list_examples()["name"]:
        try:
            path = examples.forms_path(name)
        except ParameterError:  # an example shipped as a coded dataset only
            continue
        forms = cprstats.read_forms(path, check=False)
        assert guard.find_identifiers(forms).empty, name
        checked += 1
    assert checked >= 1
