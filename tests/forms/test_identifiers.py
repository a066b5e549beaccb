"""Tests for cprstats.forms.identifiers: the patterns behind the identifier guard.

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
* Postcodes: the pattern is the UK Government Data Standards Catalogue's; CF10 1AA, SA1 1AA and
  M1 1AE are in its format (area, district, sector, unit).
* Email: example.org is reserved for documentation by RFC 2606, section 3.
* Welsh words: enw, cyfeiriad, cod post, dyddiad geni, rhif ffôn and e-bost are the Welsh
  terms named in the project brief; cyfenw (surname), pen-blwydd (birthday) and rhif GIG (NHS
  number; GIG Cymru is NHS Wales's Welsh name) are dictionary Welsh (Geiriadur Prifysgol
  Cymru), not yet checked by a translator.
* +1 202 555 0100 is in the North American fictional range 555-0100 to 555-0199 (NANPA); the
  phone pattern is for UK numbers only.
* Review identifiers "CYSUR 4 2019", "WG S71 2023", "CPR FLINT 2": the formats of the
  codebook's review_id description and the project brief, which must pass.
"""

from __future__ import annotations

import pytest

from cprstats.forms.identifiers import (
    fold,
    has_full_date,
    header_kind,
    header_words,
    mask,
    nhs_number_valid,
    value_kind,
)


@pytest.mark.parametrize(
    "header, kind",
    [
        ("Child name", "name"),
        ("ChildName", "name"),
        ("first_name", "name"),
        ("Surname", "name"),
        ("Sibling names", "name"),
        ("initials", "name"),
        ("Enw'r plentyn", "name"),
        ("Cyfenw", "name"),
        ("DOB", "dob"),
        ("date_of_birth", "dob"),
        ("Birth date", "dob"),
        ("Dyddiad geni", "dob"),
        ("pen-blwydd", "dob"),
        ("Address", "address"),
        ("town", "address"),
        ("Cyfeiriad", "address"),
        ("Post code", "postcode"),
        ("Cod post", "postcode"),
        ("Côd post", "postcode"),
        ("NHS number", "nhs"),
        ("nhs_no", "nhs"),
        ("NHS No.", "nhs"),
        ("Rhif GIG", "nhs"),
        ("Telephone", "phone"),
        ("Mobile", "phone"),
        ("Rhif ffôn", "phone"),
        ("e-mail", "email"),
        ("Email address", "email"),
        ("E-bost", "email"),
        ("case_ref", "record"),
        ("Client ID", "record"),
        ("Pupil UPN", "record"),
    ],
)
def test_header_kind(header, kind):
    assert header_kind(header) == kind


@pytest.mark.parametrize(
    "header",
    ["coder", "notes", "date_coded", "board name", "file name", "nhs trust", "birth_position", "mother", "username"],
)
def test_headers_that_name_no_identifier(header):
    assert header_kind(header) is None


def test_header_words_and_fold():
    assert header_words("dateOfBirth") == "date of birth"
    assert header_words("  E-mail__Address ") == "e mail address"
    assert fold("Ŵ ŷ â") == "W y a"


@pytest.mark.parametrize(
    "value, kind",
    [
        ("943 476 5919", "nhs"),
        ("9434765919", "nhs"),
        ("943-476-5919", "nhs"),
        ("CF10 1AA", "postcode"),
        ("sa1 1aa", "postcode"),
        ("Lives at M1 1AE", "postcode"),
        ("07700 900123", "phone"),
        ("+44 7700 900123", "phone"),
        ("+44 (0)29 2018 0123", "phone"),
        ("029 2018 0123", "phone"),
        ("a.b@example.org", "email"),
    ],
)
def test_value_kind(value, kind):
    assert value_kind(value) == kind


@pytest.mark.parametrize(
    "value",
    [
        "CYSUR 4 2019",
        "WG S71 2023",
        "CPR FLINT 2",
        "NWSB 2 2020",
        "2019-03",
        "12",
        "0.12345678901",
        "2019 2020 2021",
        "SA1",
        "9434765918",
        "+1 202 555 0100",
    ],
)
def test_values_that_hold_no_identifier(value):
    assert value_kind(value) is None


@pytest.mark.parametrize(
    "value, full",
    [
        ("12/03/2010", True),
        ("2010-03-12", True),
        ("12 March 2010", True),
        ("3rd of May 2009", True),
        ("12 Mawrth 2010", True),
        ("1/2/10", True),
        ("2019-03", False),
        ("03/2010", False),
        ("13/13/2010", False),
        ("ok", False),
    ],
)
def test_has_full_date(value, full):
    assert has_full_date(value) is full


@pytest.mark.parametrize("value", ["943 476 5918", "401 023 2136", "1234567890"])
def test_ten_digit_numbers_with_wrong_check_digit(value):
    assert not nhs_number_valid(value)


def test_nhs_check_digit_rules():
    # worked by hand with the NHS Data Dictionary rule (weights 10..2, check = 11 - sum mod 11)
    assert nhs_number_valid("0000000000")  # sum 0 -> 11 - 0 = 11 -> check digit 0
    assert nhs_number_valid("1000000001")  # sum 10 -> 10 mod 11 = 10 -> 11 - 10 = 1
    assert not nhs_number_valid("1000000009")
    assert nhs_number_valid("2000000002")  # sum 20 -> 9 -> 2
    # 000 000 006x: sum 6*2 = 12 -> 12 mod 11 = 1 -> check 10 -> invalid whatever the last digit
    assert not any(nhs_number_valid(f"000000006{d}") for d in range(10))
    assert not nhs_number_valid("943 476 591") and not nhs_number_valid("abc")


def test_mask_keeps_shape_only():
    assert mask("CF10 1AA") == "C*** ***"
    assert mask("Jane") == "J***"
    assert mask("") == ""
    assert mask("y" * 41) == "(hidden: 41 characters)"
