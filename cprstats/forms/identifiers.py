"""Patterns that recognise identifiers: in a column's name, or in a cell's value.

Used by `cprstats.forms.guard` to screen raw coding forms, by `cprstats.forms.reader` to
tell a header row from a row of data, and by `cprstats.forms.coding` to decide whether a
value may be echoed in a problem list. Everything here works on one string at a time and
knows nothing of the codebook (a caller may pass the codebook's words as ``vocabulary``).

Column names
    `header_kind` compares a header word by word, after folding case and accents and
    splitting ``camelCase``, with English and Welsh words for names, dates of birth,
    addresses, postcodes, NHS and other record numbers, phone numbers and email.
Values (`value_kind`, the screen that refuses forms)
    Before matching, the text is normalised (`plain_text`): compatibility forms folded
    (NFKC: full-width digits and ``＠``, non-breaking spaces), digits of any script written
    as ASCII digits (``١`` -> ``1``), and invisible characters (zero-width spaces, soft
    hyphens) removed, so that an identifier cannot hide behind the way it is typed. Then:

    * email addresses, also written ``name [at] example [dot] org`` or with spaces around ``@``;
    * NHS numbers: 10 digits in any grouping with any one of ``space . - /`` between digits
      (``943 476 5919``, ``943.476.5919``, ``943 476-5919``, ``9434 765 919``), whose modulus-11
      check digit is valid (`nhs_number_valid`);
    * UK phone numbers: 10 or 11 digits starting 0, or +44 / 0044, separated by spaces,
      dots, hyphens or brackets;
    * UK postcodes (the UK Government Data Standards pattern), with a space, hyphen, dot or
      nothing between the two halves (``CF10 1AA``, ``CF10-1AA``, ``cf101aa``);
    * dates of birth: a birth word (DOB, d.o.b., born, date of birth, birthday; Welsh *geni*,
      *ganwyd*, *pen-blwydd*) followed by a date (``DOB 14 Feb 2008``, ``born 03/2008``);
    * addresses: a house number and a street (``14 High Street``, ``14 Heol y Wern``),
      ``Flat 3``, or a street and a town after a comma (``Heol y Wern, Llanelli``);
    * names: a title and a name (``Mrs Jones``), or a common English or Welsh given name
      followed by a surname (``Jane Smith``, ``SMITH, Jane``), in title case or capitals;
    * case notes: three or more words that name a person (mum, dad, partner, he, she ...)
      and say what happened (seen, said, visited, drunk, hit ...), however short.

    `has_full_date` finds day-month-year dates in English or Welsh (the guard refuses them
    where no date is expected).
Echoing (`echo_kind`, `safe_echo`)
    A value that is not a valid code may still be shown in a problem list, so the coder can
    find it, but only if it passes a wider screen than `value_kind`: any full date, any run
    of 7 or more digits, any given name or run of title-case words not in the codebook's
    vocabulary, and text of more than 15 words or 120 characters are withheld, and shown as
    ``[withheld: looks like a person's name]``.

`mask` hides a value so that a problem list can be printed and saved.

Examples
--------
>>> header_kind("Child's first name"), header_kind("board name"), header_kind("Rhif ffôn")
('name', None, 'phone')
>>> value_kind("NHS 943 476 5919"), value_kind("CYSUR 4 2019"), value_kind("943.476.5919")
('nhs', None, 'nhs')
>>> safe_echo("deth"), safe_echo("Jane Smith")
('deth', "[withheld: looks like a person's name]")
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from typing import Any

__all__ = [
    "KINDS",
    "header_kind",
    "value_kind",
    "echo_kind",
    "safe_echo",
    "safe_header",
    "withheld",
    "value_like",
    "has_full_date",
    "nhs_number_valid",
    "mask",
    "header_words",
    "fold",
    "plain_text",
]

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
    "casenote": ("case notes", "case notes"),
    "date": ("a full date", "full dates"),
    "text": ("free text", "free text"),
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
    if text.isascii():
        return text
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


# ------------------------------------------------------------------ normalising a value
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]"
)


def plain_text(text: Any) -> str:
    """``text`` as the screens read it: NFKC-folded, ASCII digits, no invisible characters.

    Line breaks and tabs become spaces, so an identifier split over lines is still found.

    Examples
    --------
    >>> plain_text("９４３\u200b476\u00a05919"), plain_text("١٢")
    ('943476 5919', '12')
    """
    s = "" if text is None else str(text)
    if not s.isascii():
        s = _INVISIBLE.sub("", unicodedata.normalize("NFKC", s))
        s = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in s)
    return _LINE_BREAKS.sub(" ", s)


_LINE_BREAKS = re.compile(r"[\t\n\r\v\f\u0085\u2028\u2029]")


# ------------------------------------------------------------------ values
# UK postcode: the validation pattern of the UK Government Data Standards Catalogue
# (also given on Wikipedia, "Postcodes in the United Kingdom", Validation); between the
# outward and inward codes a space, hyphen or dot (or none).
_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])(?:GIR[\s.\-]{0,2}0AA|[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|"
    r"[A-HK-Y][0-9][ABEHMNPRV-Y])[\s.\-]{0,2}[0-9][ABD-HJLNP-UW-Z]{2})(?![A-Za-z0-9])",
    re.IGNORECASE,
)
# ten digits, any grouping, one separator (space, dot, hyphen, slash; or two spaces) between digits,
# and no digit just before or after (so longer numbers and lists of years do not count)
_SEP = r"(?:[ .\-/]| {2})?"
_NHS = re.compile(rf"(?<!\d)(?<!\d[ .\-/])\d(?:{_SEP}\d){{9}}(?!{_SEP}\d)")
_PHONE = re.compile(r"(?<![\w+.])(?:\+|00)?\s?\(?\d[\d ()./\-]{7,20}\d(?![\w])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+\s*@\s*[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_EMAIL_SPELT = re.compile(
    r"[A-Za-z0-9._%+\-]+\s*(?:\[\s*at\s*\]|\(\s*at\s*\)|\{\s*at\s*\})\s*[A-Za-z0-9\-]+"
    r"(?:\s*(?:\.|\[\s*dot\s*\]|\(\s*dot\s*\)|\{\s*dot\s*\})\s*[A-Za-z0-9\-]+)+",
    re.IGNORECASE,
)
_MONTHS = (
    "jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|"
    "september|oct|october|nov|november|dec|december|"
    "ionawr|chwefror|mawrth|ebrill|mai|mehefin|gorffennaf|awst|medi|hydref|tachwedd|rhagfyr"
)
_DATE_DMY = re.compile(r"(?<![\d/.\-])(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/.\-])")
_DATE_DMY_SPACED = re.compile(r"(?<![\d/.\-])(\d{1,2}) (\d{1,2}) ((?:19|20)\d{2})(?![\d/.\-])")
_DATE_YMD = re.compile(r"(?<![\d/.\-])(\d{4})([/.\-])(\d{1,2})\2(\d{1,2})(?![\d/.\-])")
_DATE_TEXT = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th|af|ed|fed|ydd)?[\s\-/.]*(?:of\s+)?(?:{_MONTHS})\.?,?[\s\-/.]*(\d{{4}})\b",
    re.IGNORECASE,
)
_DATE_TEXT_MDY = re.compile(
    rf"\b(?:{_MONTHS})\.?[\s\-/.]+(\d{{1,2}})(?:st|nd|rd|th)?,?[\s\-/.]+(\d{{4}})\b", re.IGNORECASE
)
# a birth word, then (within a few characters) any date: full, month and year, or year-month
_BIRTH = re.compile(
    r"(?:\bd\.?\s?o\.?\s?b\b\.?|\bborn\b|\bbirth\s?(?:date|day)\b|\bdate\s+of\s+birth\b|\bbirthday\b|"
    r"\bb\.\s?(?=\d)|\bgeni\b|\bganwyd\b|\bpen[\s\-]?blwydd\b)[\s:=,.\-]*(?:on\s+|ar\s+|in\s+|yn\s+)?"
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?[\s\-/.]+(?:of\s+)?(?:{_MONTHS}|\d{{1,2}})|(?:{_MONTHS})|\d{{1,2}}[/.\-]\d{{4}}|"
    r"\d{4}[/.\-]\d{1,2})",
    re.IGNORECASE,
)
_STREET_EN = (
    "street|st|road|rd|avenue|ave|lane|ln|close|drive|dr|way|court|ct|crescent|cres|place|pl|terrace|tce|"
    "gardens|gdns|grove|hill|park|view|square|sq|row|walk|mews|parade|rise|green|estate|cottages?|villas?|"
    "fields|meadows?|heights|boulevard|crt"
)
_STREET_CY = "heol|hewl|ffordd|stryd|l[oô]n|maes|clos|teras|rhodfa|cwrt|llys|cilgant|rhes|ystad|tai"
_NOT_STREET_WORD = (
    "the|a|an|of|from|to|in|on|at|by|and|or|for|with|miles?|yards?|metres?|meters?|km|minutes?|hours?|"
    "days?|weeks?|months?|years?|times?|children|child|people|pages?|p|pp|para|paras|and"
)
_ADDRESS = (
    re.compile(
        rf"(?<![\w/.\-])\d{{1,4}}[A-Za-z]?,?\s+(?:(?!(?:{_NOT_STREET_WORD})\b)[^\W\d_][\w'’\-]*\s+){{1,3}}"
        rf"(?:{_STREET_EN})\b",
        re.IGNORECASE,
    ),
    re.compile(rf"(?<![\w/.\-])\d{{1,4}}[A-Za-z]?,?\s+(?:{_STREET_CY})\s+[^\W\d_]", re.IGNORECASE),
    re.compile(r"\b(?:flat|apartment|apt|fflat)\s*\d{1,4}[A-Za-z]?\b", re.IGNORECASE),
    re.compile(rf"\b(?:{_STREET_CY})\s+[^\W\d_][\w'’\- ]{{1,30}},\s*[A-Z]", re.IGNORECASE),
    re.compile(rf"\b[A-Z][\w'’\-]+\s+(?i:{_STREET_EN.replace('|st|', '|').replace('|dr|', '|')}),\s*[A-Z]"),
)

# Common given names in Wales and England (ONS "Baby names in England and Wales", the most used
# names of several decades, and common Welsh names). Names that are also ordinary English or Welsh
# words (May, Will, Grace, Hope, Bryn, Glyn, Eira, Seren, Non ...) are left out: a title-case word
# after them would too often be a word, not a surname.
_GIVEN_NAMES = frozenset(
    """
    aaron abbie abigail adam adrian aidan aimee alan albert aled alex alexander alexandra alfie alice alison
    amelia amy andrew angela ann anna anne annie anthony archie arthur ashley bailey barbara barry bella
    ben benjamin bethan bethany beverley bobby bradley brandon brian callum cameron caitlin carl caroline
    carys catherine catrin cerys charles charlie charlotte chelsea chloe chris christine christopher claire
    connor courtney craig cyril dafydd daniel danielle darren david dean debbie deborah declan deiniol dennis
    derek dewi dominic donna dylan edward eleanor eleri elin elis eliza elizabeth ella ellie elliot elliott
    emily emma emyr eric erin ethan eve evie ewan fiona frances freddie freya gareth gary gavin geraint
    george georgia gemma geoffrey gethin gillian gordon graham gruffydd gruffudd gwenllian gwilym gwyneth
    hannah harriet harrison harry harvey hayley heledd helen henry holly-mae huw hywel iestyn ieuan ioan
    iolo isaac isabel isabella isabelle isla iwan jackson jacob jade james jamie janet jane jason jayden
    jennifer jenny jessica joanne joe joel john jonathan jordan joseph joshua judith julie kai karen kate
    katie kayden kayla keira keith kelly kenneth kerry kevin kieran kyle laura lauren layla leah lee leo
    leon lewis liam lisa llinos llywelyn logan lois louis louise lowri lucas lucy luke lydia lyndon madison
    maisie malcolm manon marcus margaret maria marie martin mary matthew megan melanie meredydd mia michael
    michelle mila millie mohammed molly morgan mya nathan neil nia nicholas nicola nigel noah oliver olivia
    oscar osian owain owen paige pamela patricia paul paula peter phoebe rachel rebecca rhian rhiannon
    rhodri rhydian rhys richard riley robert robyn ross ryan sally samantha samuel sandra sara sarah scott
    sean sharon shane shannon sian siân sion siôn simon sioned sophia sophie stacey stephanie stephen steven
    stuart susan tanwen tegan teleri teifion terry thomas tiffany tom tomos toby tony tracey tyler
    vanessa victoria wayne wendy wiliam william wyn yasmin zac zachary zara zoe
    """.split()
)
_GIVEN_FOLDED = frozenset(fold(n) for n in _GIVEN_NAMES)
_HONORIFIC = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|MR|MRS|MS|MISS|DR)\.?\s+[A-Z][A-Za-z'’\-]+")
_WORDS = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")

# case notes: words for people in a child's life, and words saying what happened
_PERSON_WORDS = frozenset(
    """
    mum mam mom mummy mammy mother dad daddy father stepdad stepfather stepmum stepmother step-dad step-mum
    partner boyfriend girlfriend grandmother grandfather grandma grandpa nan nana nanna nain taid gran granny
    grandad aunt auntie aunty uncle cousin brother sister baby infant child son daughter carer
    he she him her his hers sw hv tad brawd chwaer babi mab merch hi fe fo ef
    """.split()
)
_EVENT_WORDS = frozenset(
    """
    said says told tells disclosed alleged seen saw visited visiting attended admitted presented found
    discovered hit hitting punched slapped kicked shook shaken drunk intoxicated smelled smelt smelling
    cried crying screaming shouting threatened assaulted arrested refused bruise bruises bruised bruising
    fractured burnt burned collapsed unresponsive rang phoned
    texted grabbed pushed strangled smothered locked injured hurt dywedodd gwelwyd ymwelodd meddw taro
    """.split()
)


def nhs_number_valid(text: str) -> bool:
    """Whether ``text`` is a 10-digit NHS number with a valid modulus-11 check digit.

    The first nine digits are multiplied by 10, 9, ..., 2 and summed; the check digit is
    11 minus the remainder on division by 11 (11 becomes 0; 10 means the number is
    invalid). Source: NHS Data Dictionary, "NHS Number". Spaces, dots, hyphens and
    slashes between the digits are ignored.

    Examples
    --------
    >>> nhs_number_valid("943 476 5919"), nhs_number_valid("9434765918"), nhs_number_valid("943.476-5919")
    (True, False, True)
    """
    digits = re.sub(r"[ .\-/]", "", plain_text(text))
    if not re.fullmatch(r"[0-9]{10}", digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _is_phone(candidate: str) -> bool:
    digits = re.sub(r"\D", "", candidate)
    international = candidate.startswith("+") or candidate.startswith("00")
    if international:
        digits = digits[2:] if candidate.startswith("00") else digits
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

    Numeric dates with ``/``, ``.`` or ``-`` (or spaces, with a four-digit year), and dates
    with the month in words, day first or month first, in English or Welsh.

    >>> has_full_date("born 12 Mawrth 2010"), has_full_date("2010-03-12"), has_full_date("2010-03")
    (True, True, False)
    >>> has_full_date("Feb 14th, 2008"), has_full_date("14-Feb-2008"), has_full_date("14 02 2008")
    (True, True, True)
    """
    text = plain_text(text)
    for m in _DATE_DMY.finditer(text):
        if _valid_dmy(int(m.group(1)), int(m.group(3))):
            return True
    for m in _DATE_DMY_SPACED.finditer(text):
        if _valid_dmy(int(m.group(1)), int(m.group(2))):
            return True
    for m in _DATE_YMD.finditer(text):
        if 1 <= int(m.group(3)) <= 12 and 1 <= int(m.group(4)) <= 31:
            return True
    if any(1 <= int(m.group(1)) <= 31 for m in _DATE_TEXT.finditer(text)):
        return True
    return any(1 <= int(m.group(1)) <= 31 for m in _DATE_TEXT_MDY.finditer(text))


def _is_given(word: str, *, any_case: bool = False) -> bool:
    if not any_case and not (word.istitle() or word.isupper()):
        return False
    return fold(word).casefold() in _GIVEN_FOLDED


def _surname_like(word: str, upper: bool) -> bool:
    if len(word) < 2:
        return False
    if upper:
        return word.isupper()
    return word[0].isupper()


def _has_name(text: str) -> bool:
    """A title and a name, a given name and a surname, or ``SURNAME, Given``."""
    if _HONORIFIC.search(text):
        return True
    words = [(m.group(0), m.start(), m.end()) for m in _WORDS.finditer(text)]
    for (w1, _, e1), (w2, s2, e2), nxt in zip(words, words[1:], words[2:] + [None]):
        gap = text[e1:s2]
        if gap.strip() == "" and _is_given(w1) and _surname_like(w2, w1.isupper()):
            return True
        if gap.strip() == "," and _is_given(w2) and _surname_like(w1, w1.isupper()):
            return True
        # a Welsh patronymic: "Rhys ap Gruffydd", "Gwen ferch Ifan"
        if nxt is not None and _is_given(w1) and w2.casefold() in ("ap", "ab", "ferch", "verch") and gap == " ":
            if text[e2 : nxt[1]] == " " and _surname_like(nxt[0], False):
                return True
        # a middle initial: "Jane A. Smith"
        if nxt is not None and _is_given(w1) and len(w2) == 1 and w2.isupper() and gap.strip() == "":
            after = text[e2 : nxt[1]].strip()
            if after in ("", ".") and _surname_like(nxt[0], w1.isupper()):
                return True
    return False


def _has_case_notes(text: str) -> bool:
    words = [w.casefold() for w in _WORDS.findall(text)]
    if len(words) < 3:
        return False
    s = set(words)
    return bool(s & _PERSON_WORDS) and bool(s & _EVENT_WORDS)


def value_kind(text: Any) -> str | None:
    """The kind of identifier found in a cell (a key of `KINDS`), or None.

    The kinds found are ``email``, ``nhs``, ``phone``, ``postcode``, ``dob`` (a birth word and
    a date), ``address``, ``name`` and ``casenote`` (see the module notes). Full dates are
    found by `has_full_date`, not here.

    >>> value_kind("call 029 2018 0123"), value_kind("CF10-1AA"), value_kind("WG S71 2023")
    ('phone', 'postcode', None)
    >>> value_kind("DOB 14 Feb 2008"), value_kind("14 Heol y Wern, Llanelli"), value_kind("Mrs Jones")
    ('dob', 'address', 'name')
    >>> value_kind("mum drunk when SW visited"), value_kind("short coding note about p. 12")
    ('casenote', None)
    """
    text = plain_text(text)
    if not text.strip():
        return None
    if ("@" in text and _EMAIL.search(text)) or _EMAIL_SPELT.search(text):
        return "email"
    n_digits = sum(ch.isdigit() for ch in text)
    if n_digits >= 9:
        for m in _NHS.finditer(text):
            if nhs_number_valid(m.group(0)) and not m.group(0).startswith("0"):
                return "nhs"
        for m in _PHONE.finditer(text):
            if _is_phone(re.sub(r"^\(", "", m.group(0).strip())):
                return "phone"
    if n_digits and _POSTCODE.search(text):
        return "postcode"
    if n_digits and _BIRTH.search(text):
        return "dob"
    if any(rx.search(text) for rx in _ADDRESS):
        return "address"
    if _has_name(text):
        return "name"
    if _has_case_notes(text):
        return "casenote"
    return None


# ------------------------------------------------------------------ echoing a value
#: Longest value echoed in a problem list (characters) and its most words.
ECHO_CHARS, ECHO_WORDS = 120, 15
_TITLE_WORD = re.compile(r"^[A-Z][a-z'’\-]+$|^(?:Mc|Mac|O')[A-Z][a-z]+$")


def _loose_name(text: str, vocabulary: Collection[str]) -> bool:
    words = _WORDS.findall(text)
    if not words or len(words) > 5:
        return False
    if any(_is_given(w, any_case=True) for w in words):
        return True
    title = [w for w in words if _TITLE_WORD.match(fold(w)) and fold(w).casefold() not in vocabulary]
    return len(title) >= 2


def echo_kind(value: Any, vocabulary: Collection[str] = ()) -> str | None:
    """Why ``value`` must not be echoed in a problem list (a key of `KINDS`), or None if it may.

    Wider than `value_kind`: also any full date, 7 or more digits, a given name or two
    title-case words, and long text. ``vocabulary`` holds words known to be harmless (the
    codebook's codes and labels, compared after `normalise_word`): a value made of them is
    always echoed.

    Examples
    --------
    >>> [echo_kind(v) for v in ["deth", "=cmd|' /C calc'!A0", "jane", "12/03/2009", "12345678", "BAD 1 2019"]]
    [None, None, 'name', 'date', 'record', None]
    """
    text = plain_text(value).strip()
    if not text:
        return None
    if vocabulary and normalise_word(text) in vocabulary:
        return None
    kind = value_kind(text)
    if kind is not None:
        return kind
    if has_full_date(text):
        return "date"
    if len(re.sub(r"\D", "", text)) >= 7:
        return "record"
    if _loose_name(text, vocabulary):
        return "name"
    if len(text) > ECHO_CHARS or len(text.split()) > ECHO_WORDS:
        return "text"
    return None


def normalise_word(text: str) -> str:
    """The form in which `echo_kind` compares a value with a vocabulary: folded, lower case, single spaces.

    >>> normalise_word("  Ynys  Môn_")
    'ynys mon'
    """
    return " ".join(re.sub(r"[_\-]+", " ", fold(plain_text(text)).casefold()).split())


def withheld(kind: str) -> str:
    """What a problem list shows instead of a value that looks like ``kind``.

    >>> withheld("address")
    '[withheld: looks like an address]'
    """
    return f"[withheld: looks like {KINDS[kind][0]}]"


def safe_echo(value: Any, vocabulary: Collection[str] = ()) -> str:
    """``value`` as text if `echo_kind` lets it be shown, else ``[withheld: looks like ...]``.

    >>> safe_echo("14 Heol y Wern, Llanelli"), safe_echo(3)
    ('[withheld: looks like an address]', '3')
    """
    text = "" if value is None else str(value)
    kind = echo_kind(text, vocabulary)
    return text if kind is None else withheld(kind)


# ------------------------------------------------------------------ header cells
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d+)*|\.\d+)(?:e[+-]?\d+)?%?$", re.IGNORECASE)
_YEAR_MONTH = re.compile(r"^\d{4}[-/.]\d{1,2}$|^\d{1,2}[-/.]\d{4}$")


def value_like(text: Any) -> str | None:
    """What a header cell that is really a value looks like (``"a number"``, ``"a date"``, ...), or None.

    Used to tell a header row from the first row of data: column names are words; a number,
    a date or an identifier is data.

    Examples
    --------
    >>> [value_like(v) for v in ["review_id", "1", "2018-06", "Jane Smith", "CF10 1AA", "Outcome"]]
    [None, 'a number', 'a date', "a person's name", 'a postcode', None]
    """
    t = plain_text(text).strip()
    if not t:
        return None
    if _NUMBER.match(t):
        return "a number"
    if _YEAR_MONTH.match(t) or has_full_date(t):
        return "a date"
    kind = value_kind(t)
    if kind is not None:
        return KINDS[kind][0]
    words = _WORDS.findall(t)
    if len(words) <= 3 and any(_is_given(w) for w in words) and header_kind(t) is None:
        return KINDS["name"][0]
    return None


def safe_header(text: Any) -> str:
    """A column or sheet name as it may be printed: as written, or ``[withheld: looks like ...]`` if it looks like data.

    Column names are judged by `value_like`, not `echo_kind`: ``Coder Notes`` is a name of a
    column, ``Jane Smith`` or ``943 476 5919`` is not.

    >>> safe_header("Coder Notes"), safe_header("Jane Smith")
    ('Coder Notes', "[withheld: looks like a person's name]")
    """
    name = "" if text is None else str(text)
    like = value_like(name)
    return name if like is None else f"[withheld: looks like {like}]"


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
