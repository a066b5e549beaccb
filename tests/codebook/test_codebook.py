"""Tests for cprstats.codebook.model: the packaged codebook, look-ups, and malformed codebooks.

Reference values: the boards of the 22 authorities and Bridgend's move from Western Bay to Cwm
Taf Morgannwg on 1 April 2019 are from the shared domain reference (section 3, table of boards;
West Glamorgan Safeguarding Board annual report 2019-20). The verified Welsh labels
("Marwolaeth" for death, "Esgeulustod" for neglect) are from the domain reference, section 5
(WSI 2015/1466 Welsh text; dewis.cymru). The 32-character limit on variable names is Stata's
(Stata manual, [U] 11.3 "Naming conventions").
"""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import yaml

import cprstats
from cprstats.codebook.model import LANGUAGES, TYPES, Codebook, check_lang, load_codebook
from cprstats.errors import CodebookError, ParameterError

# the six regional boards and their authorities (domain reference, section 3)
BOARDS = {
    "NWSB": ["isle_of_anglesey", "gwynedd", "conwy", "denbighshire", "flintshire", "wrexham"],
    "MWW": ["carmarthenshire", "ceredigion", "pembrokeshire", "powys"],
    "WGSB": ["swansea", "neath_port_talbot"],
    "CTM": ["merthyr_tydfil", "rhondda_cynon_taf"],
    "CAV": ["cardiff", "vale_of_glamorgan"],
    "GWENT": ["blaenau_gwent", "caerphilly", "monmouthshire", "newport", "torfaen"],
}


# --------------------------------------------------------------------------- the packaged codebook
def test_packaged_codebook_is_cached_and_public(codebook):
    assert cprstats.load_codebook() is codebook
    assert isinstance(codebook, Codebook)
    assert codebook.name == "cprstats"
    assert codebook.path is not None and codebook.path.name == "codebook.yaml"


def test_coded_columns_order_and_options(codebook):
    cols = codebook.coded_columns
    assert cols[:4] == ("review_id", "child_no", "local_authority", "board")
    assert len(cols) == len(set(cols))
    # a multi-response variable expands into one column per option, in codebook order, in place
    cv = codebook.option_columns("child_vulnerabilities")
    assert cv[:3] == ("cv_poor_home_conditions", "cv_mental_health", "cv_self_harm")
    harm = codebook.option_columns("harm_experienced")  # harm done to the child, apart from its characteristics
    assert harm[:2] == ("harm_emotional_abuse", "harm_neglect")
    start = cols.index(cv[0])
    assert cols[start : start + len(cv)] == cv
    assert "child_vulnerabilities" not in cols
    for fld in codebook.multi_fields:
        assert fld.kind == "multi"
        assert all(len(c) <= 32 for c in fld.option_columns)  # Stata's limit


def test_every_text_has_english_and_welsh(codebook):
    texts = list(codebook.texts())
    assert len(texts) > 200
    for where, t in texts:
        assert t.en.strip() and t.cy.strip(), where
        if t.cy_verified:
            assert t.cy_source, where


def test_kinds_and_types(codebook):
    assert codebook.field("review_id").kind == "identifier"
    assert codebook.field("outcome").kind == "categorical"
    assert codebook.field("themes").kind == "multi"
    assert codebook.field("has_siblings").kind == "boolean"
    assert codebook.field("age_months").kind == "integer"
    assert codebook.field("incident_date").kind == "yearmonth"
    assert codebook.field("age_months").restricted
    assert codebook.field("age_band_mcmanus").ordered
    assert not codebook.field("outcome").ordered
    assert codebook.field("review_id").required and not codebook.field("outcome").required
    assert {f.type for f in codebook.fields.values()} <= set(TYPES)


def test_input_and_derived_fields(codebook):
    inputs = {f.name for f in codebook.input_fields}
    derived = {f.name for f in codebook.derived_fields}
    assert {"period", "incident_year", "age_band_mcmanus", "has_siblings", "parental_adversities_all_three"} <= derived
    assert "period" not in inputs
    assert "board" in inputs and "board" in derived  # may be typed, and is then checked
    assert "age_months" in inputs and "age_months" not in derived


def test_resolve_and_knows(codebook):
    fld, option = codebook.resolve("harm_neglect")
    assert (fld.name, option) == ("harm_experienced", "neglect")
    assert codebook.resolve("outcome") == (codebook.field("outcome"), None)
    assert fld.option_column("neglect") == "harm_neglect"
    assert codebook.knows("harm_neglect") and codebook.knows("themes") and codebook.knows("outcome")
    assert not codebook.knows("cv_neglect")  # a former name: Codebook.canonical_column maps it
    assert not codebook.knows("cv_nonsense")


def test_labels_in_both_languages(codebook):
    assert codebook.label("outcome", "death") == "Death"
    assert codebook.label("outcome", "death", lang="cy") == "Marwolaeth"  # domain reference §5 (marw)
    assert codebook.label("harm_neglect", lang="cy") == "Esgeulustod"  # domain reference §5
    assert codebook.label("board") == "Regional safeguarding board"
    assert codebook.label("board", lang="cy") == "Bwrdd diogelu rhanbarthol"  # domain reference §5
    assert codebook.label("local_authority", "isle_of_anglesey", lang="cy") == "Ynys Môn"
    assert codebook.label("age_months", 37) == "37"  # a value without categories is itself


@pytest.mark.parametrize(
    "call, fragments",
    [
        (lambda cb: cb.field("outcom"), ["'outcom' is not a variable", "did you mean 'outcome'?"]),
        (lambda cb: cb.resolve("harm_neglekt"), ["'harm_neglekt' is not a column", "did you mean 'harm_neglect'?"]),
        (lambda cb: cb.label("outcome", "deth"), ["'deth' is not a value of 'outcome'", "did you mean 'death'?"]),
        (lambda cb: cb.label("outcome", "death", lang="fr"), ["lang='fr'", "en, cy"]),
        (lambda cb: cb.option_columns("outcome"), ["'outcome' is not a multi-response variable"]),
        (lambda cb: cb.field("themes").option_column("trauma"), ["'trauma' is not a value of 'themes'"]),
    ],
)
def test_lookup_errors_name_value_and_suggestion(codebook, call, fragments):
    with pytest.raises(ParameterError) as exc:
        call(codebook)
    for frag in fragments:
        assert frag in str(exc.value)


def test_check_lang():
    assert LANGUAGES == ("en", "cy")
    assert check_lang("en") == "en"
    with pytest.raises(ParameterError, match="'EN'"):
        check_lang("EN")  # matched exactly, not case-folded


@pytest.mark.parametrize("board, authorities", BOARDS.items())
def test_every_authority_has_its_board(codebook, board, authorities):
    for la in authorities:
        assert codebook.boards_for(la, dt.date(2021, 6, 1)) == board, la


def test_bridgend_moved_board_on_1_april_2019(codebook):
    # WGSB annual report 2019-20: Bridgend left Western Bay in March 2019, to Cwm Taf Morgannwg
    assert codebook.boards_for("bridgend", dt.date(2019, 3, 31)) == "WGSB"
    assert codebook.boards_for("bridgend", dt.date(2019, 4, 1)) == "CTM"
    assert codebook.boards_for("bridgend", dt.date(2012, 1, 1)) == "WGSB"
    assert len(codebook.field("local_authority").codes) == 22  # the 22 Welsh principal areas


def test_extra_option_needs_only_a_yaml_edit(extra_option_codebook):
    cb = load_codebook(extra_option_codebook)
    assert cb.option_columns("themes")[-1] == "th_trauma_informed"
    assert cb.resolve("th_trauma_informed")[1] == "trauma_informed"
    assert cb.label("th_trauma_informed", lang="cy") == "Ymarfer wedi'i lywio gan drawma"
    assert len(cb.coded_columns) == len(load_codebook().coded_columns) + 1
    assert load_codebook(str(extra_option_codebook)).coded_columns == cb.coded_columns  # str paths too


# --------------------------------------------------------------------------- malformed codebooks
def _tiny() -> dict:
    """A minimal valid codebook, so the malformed cases load fast."""
    return {
        "name": "tiny",
        "version": "0.1",
        "title": {"en": "Tiny", "cy": "Bach"},
        "groups": [{"name": "g", "title": {"en": "Group", "cy": "Grŵp"}}],
        "fields": [
            {
                "name": "review_id",
                "type": "string",
                "group": "g",
                "role": "identifier",
                "title": {"en": "Review", "cy": "Adolygiad"},
                "description": {"en": "Id", "cy": "Dynodwr"},
                "constraints": {"required": True},
            },
            {
                "name": "n_siblings",
                "type": "integer",
                "group": "g",
                "title": {"en": "Siblings", "cy": "Brodyr"},
                "description": {"en": "Number", "cy": "Nifer"},
            },
            {
                "name": "has_siblings",
                "type": "boolean",
                "group": "g",
                "title": {"en": "Has", "cy": "Oes"},
                "description": {"en": "Any", "cy": "Unrhyw"},
                "derived": {"method": "compare", "from": ["n_siblings"], "op": ">=", "value": 1},
            },
            {
                "name": "sex",
                "type": "string",
                "group": "g",
                "title": {"en": "Sex", "cy": "Rhyw"},
                "description": {"en": "Sex", "cy": "Rhyw"},
                "categories": [
                    {"value": "female", "label": {"en": "Female", "cy": "Benyw"}},
                    {"value": "male", "label": {"en": "Male", "cy": "Gwryw"}},
                ],
            },
            {
                "name": "themes",
                "type": "list",
                "group": "g",
                "prefix": "th",
                "title": {"en": "Themes", "cy": "Themâu"},
                "description": {"en": "Themes", "cy": "Themâu"},
                "categories": [{"value": "recording", "label": {"en": "Recording", "cy": "Cofnodi"}}],
            },
        ],
    }


def _field(raw, name):
    return next(f for f in raw["fields"] if f["name"] == name)


def _mutate(fn):
    def build():
        raw = copy.deepcopy(_tiny())
        fn(raw)
        return yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)

    return build


MALFORMED = {
    "missing_cy_label": (
        _mutate(lambda r: _field(r, "sex")["categories"][0]["label"].pop("cy")),
        ["fields[3] (sex).categories[0].label", "missing the cy text"],
    ),
    "blank_en_title": (
        _mutate(lambda r: _field(r, "sex")["title"].update(en="  ")),
        ["fields[3] (sex).title", "missing the en text"],
    ),
    "text_not_a_mapping": (
        _mutate(lambda r: _field(r, "sex").update(title="Sex")),
        ["fields[3] (sex).title", "expected a mapping with 'en' and 'cy'"],
    ),
    "bad_type": (
        _mutate(lambda r: _field(r, "n_siblings").update(type="int")),
        ["fields[1] (n_siblings).type", "'int' is not allowed", "integer"],
    ),
    "duplicate_category": (
        _mutate(lambda r: _field(r, "sex")["categories"].append({"value": "male", "label": {"en": "M", "cy": "G"}})),
        ["fields[3] (sex).categories[2].value", "'male' appears twice"],
    ),
    "category_not_a_code": (
        _mutate(lambda r: _field(r, "sex")["categories"][0].update(value="fe male")),
        ["categories[0].value", "'fe male' is not a code"],
    ),
    "derived_from_unknown": (
        _mutate(lambda r: _field(r, "has_siblings")["derived"].update({"from": ["n_sibs"]})),
        ["has_siblings.derived.from", "'n_sibs' is not a variable"],
    ),
    "derived_from_missing": (
        _mutate(lambda r: _field(r, "has_siblings")["derived"].pop("from")),
        ["has_siblings).derived.from", "a list of the variables"],
    ),
    "derived_method_unknown": (
        _mutate(lambda r: _field(r, "has_siblings")["derived"].update(method="magic")),
        ["derived.method", "'magic' is not allowed", "board_lookup"],
    ),
    "list_without_prefix": (
        _mutate(lambda r: _field(r, "themes").pop("prefix")),
        ["fields[4] (themes).prefix", "needs a snake_case prefix"],
    ),
    "list_without_categories": (
        _mutate(lambda r: _field(r, "themes").pop("categories")),
        ["fields[4] (themes)", "needs categories"],
    ),
    "name_not_snake_case": (
        _mutate(lambda r: _field(r, "sex").update(name="Sex")),
        ["fields[3].name", "'Sex' is not a snake_case name"],
    ),
    "name_too_long_for_stata": (
        _mutate(lambda r: _field(r, "sex").update(name="s" * 33)),
        ["longer than 32 characters"],
    ),
    "duplicate_field": (
        _mutate(lambda r: r["fields"].append(copy.deepcopy(_field(r, "sex")))),
        ["fields ['sex'] appear more than once"],
    ),
    "unknown_group": (
        _mutate(lambda r: _field(r, "sex").update(group="nowhere")),
        ["sex.group", "'nowhere' is not one of the groups"],
    ),
    "missing_top_level_key": (
        _mutate(lambda r: r.pop("version")),
        ["missing the top-level key 'version'"],
    ),
    "empty_fields": (
        _mutate(lambda r: r.update(fields=[])),
        ["'fields' must be a non-empty list"],
    ),
    "verified_without_source": (
        _mutate(lambda r: _field(r, "sex")["title"].update(cy_status="verified")),
        ["fields[3] (sex).title", "no cy_source"],
    ),
    "bad_cy_status": (
        _mutate(lambda r: _field(r, "sex")["title"].update(cy_status="done")),
        ["cy_status", "'done' is not allowed"],
    ),
    "missing_description": (
        _mutate(lambda r: _field(r, "sex").pop("description")),
        ["fields[3] (sex)", "missing the key 'description'"],
    ),
    "bad_yaml": (lambda: "name: tiny\nfields: [\n  - {name: a\n", ["not valid YAML"]),
    "not_a_mapping": (lambda: "- name\n- version\n", ["the top level must be a mapping"]),
    "empty_file": (lambda: "", ["the top level must be a mapping"]),
}


def test_tiny_codebook_is_valid(tmp_path):
    p = tmp_path / "tiny.yaml"
    p.write_text(_mutate(lambda r: None)(), encoding="utf-8")
    cb = load_codebook(p)
    assert cb.coded_columns == ("review_id", "n_siblings", "has_siblings", "sex", "th_recording")


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_codebook_names_key_and_problem(tmp_path, case):
    build, fragments = MALFORMED[case]
    p = tmp_path / "codebook.yaml"
    p.write_text(build(), encoding="utf-8")
    with pytest.raises(CodebookError) as exc:
        load_codebook(p)
    msg = str(exc.value)
    assert msg.startswith(str(p))  # says which file
    for frag in fragments:
        assert frag in msg


def test_missing_codebook_file(tmp_path):
    with pytest.raises(CodebookError, match="no such codebook file"):
        load_codebook(tmp_path / "nope.yaml")


def test_codebook_not_utf8(tmp_path):
    p = tmp_path / "latin1.yaml"
    p.write_bytes("name: Gr\xfbp\n".encode("latin-1"))
    with pytest.raises(CodebookError, match="cannot be read as UTF-8"):
        load_codebook(p)


def test_band_without_min(tmp_path):
    raw = _tiny()
    raw["fields"].append(
        {
            "name": "band",
            "type": "string",
            "group": "g",
            "title": {"en": "B", "cy": "B"},
            "description": {"en": "B", "cy": "B"},
            "derived": {"method": "bands", "from": ["n_siblings"]},
            "categories": [{"value": "low", "label": {"en": "Low", "cy": "Isel"}, "max": 2}],
        }
    )
    p = tmp_path / "c.yaml"
    p.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(CodebookError, match=r"band.categories.low: a band needs 'min'"):
        load_codebook(p)


def test_derived_may_not_use_a_later_derived_variable(tmp_path):
    raw = _tiny()
    # has_siblings (derived) now refers to a derived variable defined after it
    raw["fields"].append(
        {
            "name": "later",
            "type": "integer",
            "group": "g",
            "title": {"en": "L", "cy": "L"},
            "description": {"en": "L", "cy": "L"},
            "derived": {"method": "add", "from": ["n_siblings"], "value": 1},
        }
    )
    _field(raw, "has_siblings")["derived"]["from"] = ["later"]
    p = tmp_path / "c.yaml"
    p.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(CodebookError, match="'later' is not a variable or option column defined before 'has_siblings'"):
        load_codebook(p)
