"""Tests for the broadened identifier patterns of cprstats.forms.identifiers (issue 14).

Each pattern has cases it must find and near-misses it must leave alone. No real person's data
appears here; the reference values are the same as in tests/forms/test_identifiers.py:

* NHS numbers: 943 476 5919 is the example number of NHS documentation (check digit worked by
  hand there: 299 mod 11 = 2, 11 - 2 = 9); 943 476 5918 fails the modulus-11 check.
* Phone numbers: Ofcom's drama ranges 07700 900000-900999 and 029 2018 0000-0999, which belong
  to nobody; 0044 is the international prefix dialled from the UK (ITU-T E.164 / Ofcom), the
  same as +44.
* Postcodes: CF10 1AA is in the UK Government Data Standards format (area, district, sector,
  unit); "CF10-1AA" is how some case systems print it.
* Email: example.org is reserved for documentation by RFC 2606, section 3.
* Names: "Jane Smith", "Rhys ap Gruffydd" and "Megan Lloyd-Jones" are made up here, of common
  given names (ONS baby names) and common Welsh surnames; "Heol y Wern" is a made-up street of
  a common Welsh street name pattern.
* Codebook words (local authorities, labels) must pass: they are the codebook's own.
"""

from __future__ import annotations

import pytest

import cprstats
from cprstats.forms.guard import vocabulary
from cprstats.forms.identifiers import (
    KINDS,
    echo_kind,
    has_full_date,
    nhs_number_valid,
    plain_text,
    safe_echo,
    value_kind,
    value_like,
    withheld,
)

# --------------------------------------------------------------------------- NHS numbers
NHS_SEPARATED = [
    "943 476 5919",
    "943.476.5919",  # dots
    "943 476-5919",  # mixed separators
    "9434 765 919",  # 4-3-3
    "943/476/5919",
    "943-476-5919",
    "943  476  5919",  # two spaces
    "NHS no: 943.476.5919",
]


@pytest.mark.parametrize("value", NHS_SEPARATED)
def test_nhs_numbers_with_any_separator(value):
    assert value_kind(value) == "nhs"


@pytest.mark.parametrize(
    "value",
    [
        "９４３ ４７６ ５９１９",  # full-width digits (NFKC)
        "943\u200b476\u200b5919",  # zero-width spaces
        "943\u00a0476\u00a05919",  # non-breaking spaces
        "٩٤٣٤٧٦٥٩١٩",  # Arabic-Indic digits
        "943\n476\n5919",  # split over lines
    ],
)
def test_nhs_numbers_cannot_hide_behind_unicode(value):
    assert value_kind(value) == "nhs"


@pytest.mark.parametrize(
    "value",
    ["943.476.5918", "943 476-5918", "12 2019 2020", "2019 2020 2021", "94347659190", "1943 476 5919"],
)
def test_ten_digit_near_misses_are_not_nhs_numbers(value):
    assert value_kind(value) != "nhs"


def test_nhs_check_digit_ignores_separators():
    assert nhs_number_valid("943.476.5919") and nhs_number_valid("9434/765/919")
    assert not nhs_number_valid("943.476.5918")


# --------------------------------------------------------------------------- phones, postcodes, email
@pytest.mark.parametrize(
    "value",
    [
        "0044 7700 900123",  # 00 prefix
        "00 44 7700 900123",
        "0044 29 2018 0123",
        "+44 29 2018 0123",
        "07700.900.123",
        "(029) 2018 0123",
        "tel: 07700 900 123",
    ],
)
def test_phone_numbers(value):
    assert value_kind(value) == "phone"


@pytest.mark.parametrize("value", ["+1 202 555 0100", "0033 1 23 45 67 89", "2019 2020 2021", "CYSUR 4 2019"])
def test_phone_near_misses(value):
    assert value_kind(value) is None


@pytest.mark.parametrize("value", ["CF10-1AA", "CF10 1AA", "cf101aa", "CF10.1AA", "lived at SA99-1AA"])
def test_postcodes_with_any_separator(value):
    assert value_kind(value) == "postcode"


@pytest.mark.parametrize("value", ["SA1", "CF10", "WG S71 2023", "A1 review"])
def test_postcode_near_misses(value):
    assert value_kind(value) is None


@pytest.mark.parametrize(
    "value",
    ["jo.bloggs@example.org", "jo.bloggs @ example.org", "jo.bloggs [at] example [dot] org", "jo(at)example.org"],
)
def test_email_addresses_however_written(value):
    assert value_kind(value) == "email"


# --------------------------------------------------------------------------- dates of birth
@pytest.mark.parametrize(
    "value",
    [
        "DOB 14 Feb 2008",
        "dob: 14/02/2008",
        "D.O.B. 14.02.2008",
        "born 03/2008",
        "born March 2008",
        "Born on 14th February 2008",
        "date of birth 2008-02-14",
        "ganwyd 14 Chwefror 2008",
        "pen-blwydd 14/02/2008",
    ],
)
def test_date_of_birth_phrases(value):
    assert value_kind(value) == "dob"


@pytest.mark.parametrize("value", ["born prematurely", "coded 2023-04-01", "DOB not given", "birth_position"])
def test_birth_words_without_a_date_are_not_dates_of_birth(value):
    assert value_kind(value) != "dob"


@pytest.mark.parametrize(
    "value",
    ["Feb 14th, 2008", "February 14 2008", "14-Feb-2008", "14 02 2008", "14.02.08", "12 Mawrth 2010"],
)
def test_more_full_date_forms(value):
    assert has_full_date(value)


@pytest.mark.parametrize("value", ["2019-03", "03/2010", "March 2010", "CYSUR 4 2019", "12 2019 2020", "13/13/2010"])
def test_not_full_dates(value):
    assert not has_full_date(value)


# --------------------------------------------------------------------------- addresses
@pytest.mark.parametrize(
    "value",
    [
        "14 Heol y Wern, Llanelli",
        "14 Heol y Wern",
        "Heol y Wern, Llanelli",
        "14 High Street",
        "3 Church Road, Bridgend",
        "12a Station Rd",
        "Flat 3, Tŷ Gwyn",
        "High Street, Bridgend",
        "2 Stryd Fawr",
    ],
)
def test_addresses(value):
    assert value_kind(value) == "address"


@pytest.mark.parametrize(
    "value",
    [
        "page 12 road traffic collision",
        "2 miles from the road",
        "see p. 14 para 3",
        "Bro Morgannwg",
        "Vale of Glamorgan",
        "Caerdydd a Bro Morgannwg",
        "Neath Port Talbot",
    ],
)
def test_address_near_misses(value):
    assert value_kind(value) is None


# --------------------------------------------------------------------------- names
@pytest.mark.parametrize(
    "value",
    [
        "Jane Smith",
        "JANE SMITH",
        "Jane SMITH",
        "Smith, Jane",
        "Jane A. Smith",
        "Megan Lloyd-Jones",
        "Rhys ap Gruffydd",
        "Mrs Jones",
        "Dr Evans",
        "Jane Smith 14.02.2008",
    ],
)
def test_names(value):
    assert value_kind(value) == "name"


@pytest.mark.parametrize(
    "value",
    [
        "Sir Gaerfyrddin",  # Welsh county names: "Sir" is "shire" here
        "Sir y Fflint",
        "Merthyr Tydfil",
        "McManus et al. 2023",
        "May 2019",
        "Will Be Reviewed",
        "CPR FLINT 2",
        "jane smith",  # lower case: refused by the coder's echo screen, not here (see below)
    ],
)
def test_name_near_misses(value):
    assert value_kind(value) is None


# --------------------------------------------------------------------------- case notes
@pytest.mark.parametrize(
    "value",
    [
        "mum drunk when SW visited",
        "Dad hit him at home",
        "seen by HV, baby bruised",
        "she said he pushed her",
        "Mam meddw pan ymwelodd y gweithiwr",
    ],
)
def test_short_case_notes(value):
    assert value_kind(value) == "casenote"


@pytest.mark.parametrize(
    "value",
    [
        "short coding note about p. 12",
        "second coder checked",
        "Parental mental health",
        "Voice of the child",
        "The Welsh local authority where the child lived at the time of the incident.",
    ],
)
def test_coding_notes_are_not_case_notes(value):
    assert value_kind(value) is None


def test_no_codebook_word_or_label_is_an_identifier():
    cb = cprstats.load_codebook()
    for fld in cb.fields.values():
        for text in (fld.title.en, fld.title.cy, fld.description.en, fld.description.cy):
            assert value_kind(text) is None, text
        for c in fld.categories:
            for text in (c.value, c.label.en, c.label.cy):
                assert value_kind(text) is None, text
                assert echo_kind(text, vocabulary(cb)) is None, text


# --------------------------------------------------------------------------- echo screen
@pytest.mark.parametrize(
    "value, kind",
    [
        ("Jane Smith", "name"),
        ("jane smith", "name"),
        ("Jane", "name"),
        ("14/02/2008", "date"),
        ("12345678", "record"),
        ("14 Heol y Wern, Llanelli", "address"),
        ("word " * 16, "text"),
        ("943.476.5919", "nhs"),
    ],
)
def test_echo_screen_withholds(value, kind):
    assert echo_kind(value) == kind
    assert safe_echo(value) == withheld(kind) == f"[withheld: looks like {KINDS[kind][0]}]"


@pytest.mark.parametrize("value", ["deth", "escalaton", "=cmd|' /C calc'!A0", "BAD 1 2019", "femal", "3", "2.5", ""])
def test_echo_screen_shows_harmless_typos(value):
    assert safe_echo(value) == value


def test_echo_screen_shows_codebook_words_with_a_vocabulary():
    words = vocabulary(cprstats.load_codebook())
    assert safe_echo("Ynys Mon", words) == "Ynys Mon"  # a typo of Ynys Môn, word by word the codebook's
    assert safe_echo("Ynys Mon") != "Ynys Mon"  # without the vocabulary, two title-case words are withheld


# --------------------------------------------------------------------------- header cells
@pytest.mark.parametrize(
    "value, like",
    [
        ("1", "a number"),
        ("2018-06", "a date"),
        ("14/02/2008", "a date"),
        ("Jane Smith", "a person's name"),
        ("Jane", "a person's name"),
        ("943 476 5919", "an NHS number"),
        ("CF10 1AA", "a postcode"),
    ],
)
def test_header_cells_that_are_data(value, like):
    assert value_like(value) == like


@pytest.mark.parametrize("value", ["review_id", "Outcome", "cv_neglect", "coder", "notes", "date_coded", "Child name"])
def test_header_cells_that_are_names_of_columns(value):
    assert value_like(value) is None


def test_plain_text_folds_what_could_hide_an_identifier():
    assert plain_text("０７７００\u00ad９００１２３") == "07700900123"
