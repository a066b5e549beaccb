"""Patterns that recognise identifiers: in a column's name, or in a cell's value.

Used by `cprstats.forms.guard` to screen raw coding forms. Everything here works on one string at a
time and knows nothing of the codebook.

Column names
    `header_kind` compares a header word by word, after folding case and accents and
    splitting ``camelCase``, with English and Welsh words for names, dates of birth,
    addresses, postcodes, NHS and other record numbers, phone numbers and email.
Values
    `value_kind` finds UK postcodes (the UK Government Data Standards pattern), NHS numbers
    (10 digits, spaced 3-3-4 or not, with a valid modulus-11 check digit: `nhs_number_valid`),
    UK phone numbers (10 or 11 digits starting 0, or +44) and email addresses;
    `has_full_date` finds day-month-year dates in English or Welsh.

`mask` hides a value so that a problem list can be printed and saved.

Examples
--------
>>> header_kind("Child's first name"), header_kind("board name"), header_kind("Rhif ffôn")
('name', None, 'phone')
>>> value_kind("NHS 943 476 5919"), value_kind("CYSUR 4 2019")
('nhs', None)
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

__all__ = ["KINDS", "header_kind", "value_kind", "has_full_date", "nhs_number_valid", "mask", "header_words", "fold"]

# ------------------------------------------------------------------ what each kind is called
#: kind -> how one and several of it are called in problem messages
KINDS = {
    "name": ("a person's name", "names"),
    "dob": ("a date of birth", "dates of birth"),
    "address": ("an address", "addresses"),
    "postcode": ("a postcode", "postcodes"),
    "nhs": ("an NHS number", "NHS numbers"),
    "record": ("a case or record number", "case or record numbers"),
    "phone": ("a phone number", "phone numbers"),
    "email": ("an email address", "email addresses"),
}

# ------------------------------------------------------------------ column names
# Patterns run on the header after header_words(): lower case, accents folded, words separated by
# one space. Order matters only for which kind is named when several match.
_NAME_WORDS = (
    "name|names|firstname|forename|forenames|surname|surnames|lastname|fullname|givenname|"
    "familyname|maidenname|middlename|nickname|childname|childsname|initials|"
    "enw|enwau|cyfenw|blaenenw"
)
_NOT_PERSON = (  # "<this> name" names a thing, not a person
    "file|sheet|board|authority|la|agency|organisation|organization|service|variable|field|"
    "column|team|project|study|review|school|trust|practice"
)
_HEADER_PATTERNS: tuple[tuple[str, re.Pattern], ...] = tuple(
    (kind, re.compile(rx))
    for kind, rx in (
        (
            "dob",
            r"\bdob\b|\bd o b\b|\bdate of birth\b|\bbirth ?dates?\b|\bbirth ?days?\b|\bdates? born\b|"
            r"\bdyddiad geni\b|\bgeni\b|\bpen ?blwydd\b",
        ),
        ("postcode", r"\bpost ?codes?\b|\bpostal codes?\b|\bzip ?codes?\b|\bcod post\b"),
        ("nhs", r"\b(?:nhs|gig|chi) ?(?:no|num|number|id)\b|\bnhsno\b|\bnhsnumber\b|\brhif (?:gig|nhs)\b"),
        (
            "record",
            r"\b(?:case|client|person|patient|pupil|wccis|paris|mosaic|hospital)"
            r" (?:no|num|number|id|ref|reference)\b|\bmrn\b|\bupn\b|\buln\b|\bnino\b|"
            r"\bnational insurance\b|\bni (?:no|number)\b|\byswiriant gwladol\b",
        ),
        (
            "phone",
            r"\b(?:tele?)?phones?\b|\btel\b|\bmobile\b|\bmob\b|\bcontact (?:no|number)\b|\bffon\b|"
            r"\bsymudol\b",
        ),
        ("email", r"\be ?mails?\b|\be ?bost\b"),
        (
            "address",
            r"\baddress(?:es)?\b|\baddr\b|\bstreet\b|\btown\b|\bcity\b|\bvillage\b|"
            r"\bcyfeiriad\b|\bstryd\b|\btref\b|\bpentref\b",
        ),
        ("name", rf"\b(?:{_NAME_WORDS})\b"),
    )
)


def fold(text: str) -> str:
    """``text`` without accents (``"Côd ffôn"`` -> ``"Cod ffon"``).

    >>> fold("Côd ffôn")
    'Cod ffon'
    """
    nfkd = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in nfkd if not unicodedata.combining(ch))


def header_words(header: str) -> str:
    """A header as lower-case words: camelCase split, accents folded, punctuation dropped.

    >>> header_words("ChildName (first)"), header_words("Rhif_ffôn")
    ('child name first', 'rhif ffon')
    """
    s = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", fold(str(header)))
    return " ".join(re.findall(r"[a-z0-9]+", s.lower()))


def header_kind(header: str) -> str | None:
    """The kind of identifier a column name announces (a key of `KINDS`), or None.

    >>> header_kind("date_of_birth"), header_kind("Cyfeiriad"), header_kind("birth_position")
    ('dob', 'address', None)
    """
    words = header_words(header)
    for kind, rx in _HEADER_PATTERNS:
        if kind == "name":
            # "board name", "file name" name a thing: look at the word before
            for m in rx.finditer(words):
                before = words[: m.start()].split()
                if not (before and re.fullmatch(_NOT_PERSON, before[-1])):
                    return kind
            continue
        if rx.search(words):
            return kind
    return None


# ------------------------------------------------------------------ values
# UK postcode: the validation pattern of the UK Government Data Standards Catalogue
# (also given on Wikipedia, "Postcodes in the United Kingdom", Validation), space optional.
_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])(?:GIR ?0AA|[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|"
    r"[A-HK-Y][0-9][ABEHMNPRV-Y]) ?[0-9][ABD-HJLNP-UW-Z]{2})(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_NHS = re.compile(r"(?<![\d])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\d])")
_PHONE = re.compile(r"(?<![\w+.])(?:\+|00)?\(?\d[\d ()\-]{7,18}\d(?![\w.])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_MONTHS = (
    "jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|"
    "september|oct|october|nov|november|dec|december|"
    "ionawr|chwefror|mawrth|ebrill|mai|mehefin|gorffennaf|awst|medi|hydref|tachwedd|rhagfyr"
)
_DATE_DMY = re.compile(r"(?<![\d/.\-])(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/.\-])")
_DATE_YMD = re.compile(r"(?<![\d/.\-])(\d{4})([/.\-])(\d{1,2})\2(\d{1,2})(?![\d/.\-])")
_DATE_TEXT = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th|af|ed|fed|ydd)?\s+(?:of\s+)?(?:{_MONTHS})\.?,?\s+(\d{{4}})\b", re.IGNORECASE
)


def nhs_number_valid(text: str) -> bool:
    """Whether ``text`` is a 10-digit NHS number with a valid modulus-11 check digit.

    The first nine digits are multiplied by 10, 9, ..., 2 and summed; the check digit is
    11 minus the remainder on division by 11 (11 becomes 0; 10 means the number is
    invalid). Source: NHS Data Dictionary, "NHS Number".

    Examples
    --------
    >>> nhs_number_valid("943 476 5919"), nhs_number_valid("9434765918")
    (True, False)
    """
    digits = re.sub(r"[ -]", "", str(text))
    if not re.fullmatch(r"\d{10}", digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _is_phone(candidate: str) -> bool:
    digits = re.sub(r"\D", "", candidate)
    if candidate.startswith("+") or candidate.startswith("00"):
        if not digits.startswith("44"):
            return False
        digits = digits[2:]
        if digits.startswith("0"):  # +44 (0)29 ...
            digits = digits[1:]
        return len(digits) in (9, 10) and digits[0] in "12357"
    return digits.startswith("0") and len(digits) in (10, 11) and digits[1] in "12357"


def _valid_dmy(d: int, m: int) -> bool:
    return (1 <= d <= 31 and 1 <= m <= 12) or (1 <= m <= 31 and 1 <= d <= 12)  # day-first or US


def has_full_date(text: str) -> bool:
    """Whether ``text`` holds a day-month-year date (which could be a date of birth).

    >>> has_full_date("born 12 Mawrth 2010"), has_full_date("2010-03-12"), has_full_date("2010-03")
    (True, True, False)
    """
    for m in _DATE_DMY.finditer(text):
        if _valid_dmy(int(m.group(1)), int(m.group(3))):
            return True
    for m in _DATE_YMD.finditer(text):
        if 1 <= int(m.group(3)) <= 12 and 1 <= int(m.group(4)) <= 31:
            return True
    return any(1 <= int(m.group(1)) <= 31 for m in _DATE_TEXT.finditer(text))


def value_kind(text: str) -> str | None:
    """The kind of identifier found in a cell (``email``, ``nhs``, ``phone``, ``postcode``), or None.

    >>> value_kind("call 029 2018 0123"), value_kind("CF10 1AA"), value_kind("WG S71 2023")
    ('phone', 'postcode', None)
    """
    if "@" in text and _EMAIL.search(text):
        return "email"
    if sum(ch.isdigit() for ch in text) >= 9:
        for m in _NHS.finditer(text):
            if nhs_number_valid(m.group(0)) and not m.group(0).startswith("0"):
                return "nhs"
        for m in _PHONE.finditer(text):
            if _is_phone(m.group(0).strip()):
                return "phone"
    if any(ch.isdigit() for ch in text) and _POSTCODE.search(text):
        return "postcode"
    return None


def mask(value: Any) -> str:
    """``value`` with its letters and digits hidden, for problem lists that get printed and saved.

    The first character and the separators are kept, so the coder can recognise the shape;
    text longer than 40 characters is replaced by its length.

    Examples
    --------
    >>> mask("943 476 5919"), mask("CF10 1AA"), mask("a.b@example.org")
    ('9** *** ****', 'C*** ***', 'a.*@*******.***')
    >>> mask("x" * 300)
    '(hidden: 300 characters)'
    """
    text = "" if value is None else str(value)
    if len(text) > 40:
        return f"(hidden: {len(text)} characters)"
    return "".join(ch if i == 0 or not ch.isalnum() else "*" for i, ch in enumerate(text))
