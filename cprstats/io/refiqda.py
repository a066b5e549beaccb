"""REFI-QDA exchange: the codebook's multi-response variables as a ``.qdc`` codebook, and coding back.

Researchers who code the review documents themselves in NVivo, ATLAS.ti, MAXQDA, QualCoder or
another qualitative-analysis (QDA) program can take the codebook's multi-response variables
(themes, learning points, child vulnerabilities, parental risks, agencies involved, good
practice, Covid-19 factors) there, and bring what they coded back as coding forms.

Export (`write_qdc`, `qdc_bytes`)
    A REFI-QDA Codebook Exchange file (``.qdc``, version 1.0: root
    ``<CodeBook xmlns="urn:QDA-XML:codebook:1.0">`` with ``<Codes>``). Each variable is a
    code, with its options as codes inside it (an option whose codebook category names a
    ``parent`` option sits inside that option). Every code is codable: coding a passage with
    an option records that option; coding it with the variable alone records "read, none
    present" (the codebook's ``none``). Names are in one language (``lang``); each code's
    ``<Description>`` holds both, ``"English text\\n\\ncy: Welsh text"`` (the schema allows one
    Description): a variable's description, an option's definition (its label if it has none).
    Colours are the Okabe-Ito palette, one per variable (repeating after seven). GUIDs are UUID 5 of a
    fixed namespace and the code's path (codebook name, variable, option), so the same
    codebook always gives the same bytes and a re-export keeps the codes' identities.
Import (`read_qdc`, `match_codes`, `read_coding`)
    `read_qdc` reads the code tree of a ``.qdc``, of a ``.qdpx`` project (the ``<CodeBook>`` of
    its ``project.qde``) or of a ``project.qde``. `match_codes` maps each code, by name, to
    the codebook's variables and option columns and lists the codes it does not know.
    `read_coding` reads coded segments, from a ``.qdpx``/``.qde`` project or from a CSV a QDA
    program exports (one row per coded segment, with a document column and a code column),
    and returns coding forms: one row per document (review), each multi-response cell the
    ``"; "``-joined codes, which `cprstats.code_reviews` accepts once the rest of each
    review's form is added.

Names are matched ignoring case, spacing, ``_`` and ``-``: a code may be called by the option's
code (``escalation``), its coded column (``th_escalation``, or an old name the codebook lists
among its ``aliases``) or its English or Welsh label, and
a variable by its name or its English or Welsh title. A code inside a variable is looked up
among that variable's options only, so ``Education`` under "Good practice" and under
"Agencies involved" are told apart. In a CSV the code may be a path (``Themes\\Escalation``,
``Themes > Escalation`` or ``Themes::Escalation``).

The files are parsed with the standard library's ``xml.etree.ElementTree``; a document type
declaration (``<!DOCTYPE``, which is where entity expansion attacks live) is refused, as no
REFI-QDA file has one.

References
----------
REFI (Rotterdam Exchange Format Initiative) (2019). QDA-XML 1.0: Codebook Exchange
(Codebook.xsd) and Project Exchange (Project.xsd). https://www.qdasoftware.org
Okabe M, Ito K (2008). Color Universal Design (CUD): how to make figures and presentations
that are friendly to colorblind people. https://jfly.uni-koeln.de/color/

Examples
--------
>>> codes = codebook_codes(fields=["themes", "covid_factors"])
>>> [c.name for c in codes], codes[0].children[3].name, codes[0].children[3].guid
(['Themes', 'Covid-19 factors'], 'Escalation', '...-...-5...-...-...')
>>> read_qdc(qdc_bytes(fields=["themes", "covid_factors"])) == codes
True
"""

from __future__ import annotations

import csv
import os
import re
import uuid
import warnings
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from cprstats._version import __version__
from cprstats.codebook.model import Codebook, Field, check_lang, resolve
from cprstats.errors import CodebookError, FormsError, ParameterError
from cprstats.io.atomic import write_bytes

__all__ = [
    "QdaCode",
    "QDC_NAMESPACE",
    "QDE_NAMESPACE",
    "OKABE_ITO",
    "MATCH_COLUMNS",
    "qda_fields",
    "codebook_codes",
    "qdc_bytes",
    "write_qdc",
    "read_qdc",
    "match_codes",
    "read_coding",
]

#: The namespace of a REFI-QDA codebook (``.qdc``) file.
QDC_NAMESPACE = "urn:QDA-XML:codebook:1.0"
#: The namespace of a REFI-QDA project (``project.qde`` inside a ``.qdpx``).
QDE_NAMESPACE = "urn:QDA-XML:project:1.0"
#: Okabe & Ito's (2008) colour-blind-safe colours without black, in the order of
#: ``cprstats.report.style.PALETTE`` (which io, a room before report, may not import); a
#: variable and its options share one, in the order of the variables.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
#: Columns of `match_codes`.
MATCH_COLUMNS = ("path", "guid", "field", "option", "column", "status")
#: Groups of the codebook whose multi-response variables are not coded from a document:
#: ``samples`` says which published analyses included the review (bookkeeping, not content).
_NOT_CODED_GROUPS = ("samples",)
#: UUID 5 namespace of the codes' GUIDs: uuid5(NAMESPACE_URL, "cprstats:refi-qda:codes"). Never change
#: it: QDA projects know the codes by these GUIDs.
_GUID_NAMESPACE = uuid.UUID("ca951bf7-fb69-52e7-a178-0476a6e61466")
_WELSH = "\n\ncy: "
_PATH_SEPARATORS = re.compile(r"\s*(?:\\|>|::)\s*")
_DOCUMENT_SUFFIXES = (".pdf", ".docx", ".doc", ".txt", ".rtf", ".odt", ".htm", ".html", ".md")
_DOCUMENT_COLUMNS = (
    "document",
    "document name",
    "documents",
    "doc",
    "file",
    "file name",
    "filename",
    "source",
    "source name",
    "case",
    "review id",
)
_CODE_COLUMNS = ("code", "code name", "codename", "codes", "code path", "code system")
_MAX_XML_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class QdaCode:
    """One code of a REFI-QDA code tree.

    Attributes
    ----------
    name : str
        What the QDA program shows.
    guid : str
        Its identifier, 8-4-4-4-12 hexadecimal digits.
    description_en, description_cy : str
        The English and the Welsh description (the two halves of ``<Description>``).
    color : str or None
        ``#RRGGBB``.
    codable : bool
        ``isCodable``: whether passages may be coded with it.
    children : tuple of QdaCode
        The codes inside it.
    """

    name: str
    guid: str
    description_en: str = ""
    description_cy: str = ""
    color: str | None = None
    codable: bool = True
    children: tuple[QdaCode, ...] = ()

    def walk(self, path: tuple[str, ...] = ()) -> Iterable[tuple[tuple[str, ...], QdaCode]]:
        """This code and every code inside it, each with its path of names."""
        here = (*path, self.name)
        yield here, self
        for child in self.children:
            yield from child.walk(here)


# --------------------------------------------------------------------------- export
def qda_fields(codebook: Codebook | str | os.PathLike | None = None) -> tuple[Field, ...]:
    """The codebook's multi-response variables a coder codes from the documents (not the study samples).

    >>> names = [f.name for f in qda_fields()]
    >>> "themes" in names, "covid_factors" in names, "study_samples" in names
    (True, True, False)
    """
    cb = resolve(codebook)
    return tuple(f for f in cb.multi_fields if f.input_allowed and f.group not in _NOT_CODED_GROUPS)


def _fields(cb: Codebook, fields: Sequence[str] | str | None) -> tuple[Field, ...]:
    if fields is None:
        return qda_fields(cb)
    if isinstance(fields, str):
        fields = [fields]
    out = []
    for name in fields:
        fld = cb.field(name)
        if fld.type != "list":
            raise ParameterError(f"fields: {name!r} is not a multi-response variable; REFI-QDA codes hold those only")
        out.append(fld)
    return tuple({f.name: f for f in out}.values())


def _guid(*path: str) -> str:
    return str(uuid.uuid5(_GUID_NAMESPACE, "/".join(path))).upper()


def _parent(category) -> str | None:
    """The option a category sits under, if the codebook gives one (``parent``)."""
    parent = getattr(category, "parent", None)
    if parent is None:
        parent = (getattr(category, "attrs", None) or {}).get("parent")
    return None if parent in (None, "") else str(parent)


def codebook_codes(
    codebook: Codebook | str | os.PathLike | None = None,
    fields: Sequence[str] | str | None = None,
    *,
    lang: str = "en",
) -> tuple[QdaCode, ...]:
    """The code tree of the codebook's multi-response variables.

    Parameters
    ----------
    codebook : Codebook or path, optional
        By default the packaged codebook.
    fields : str or list of str, optional
        Multi-response variables to include; by default `qda_fields`.
    lang : {"en", "cy"}, default "en"
        Language of the codes' names (the descriptions carry both).

    Returns
    -------
    tuple of QdaCode
        One code per variable, in codebook order, its options inside it.

    Raises
    ------
    CodebookError
        If an option's ``parent`` is not an option of the same variable, or parents form a circle.
    """
    check_lang(lang)
    cb = resolve(codebook)
    out = []
    for i, fld in enumerate(_fields(cb, fields)):
        color = OKABE_ITO[i % len(OKABE_ITO)]
        by_parent: dict[str | None, list] = {}
        values = set(fld.codes)
        for cat in fld.categories:
            parent = _parent(cat)
            if parent is not None and (parent not in values or parent == cat.value):
                raise CodebookError(
                    f"{fld.name}: option {cat.value!r} has parent {parent!r}, which is not another option of "
                    f"{fld.name} ({', '.join(fld.codes)})"
                )
            by_parent.setdefault(parent, []).append(cat)
        placed: set[str] = set()

        def option(cat, fld=fld, color=color, by_parent=by_parent, placed=placed) -> QdaCode:
            placed.add(cat.value)
            en, cy = _category_texts(cat)
            return QdaCode(
                name=cat.label.get(lang),
                guid=_guid(cb.name, fld.name, cat.value),
                description_en=en,
                description_cy=cy,
                color=color,
                children=tuple(option(c) for c in by_parent.get(cat.value, [])),
            )

        children = tuple(option(c) for c in by_parent.get(None, []))
        unplaced = [c for c in fld.codes if c not in placed]
        if unplaced:
            raise CodebookError(f"{fld.name}: the parents of options {', '.join(unplaced)} form a circle")
        out.append(
            QdaCode(
                name=fld.title.get(lang),
                guid=_guid(cb.name, fld.name),
                description_en=fld.description.en,
                description_cy=fld.description.cy,
                color=color,
                children=children,
            )
        )
    return tuple(out)


def _category_texts(cat) -> tuple[str, str]:
    """A category's description in English and Welsh: its ``definition`` (or ``description``) if it has one, else
    its label."""
    for key in ("definition", "description"):
        text = getattr(cat, key, None)
        if text is None:
            text = (getattr(cat, "attrs", None) or {}).get(key)
        en = getattr(text, "en", None) if not isinstance(text, Mapping) else text.get("en")
        if en:
            cy = getattr(text, "cy", None) if not isinstance(text, Mapping) else text.get("cy")
            return str(en), str(cy or "")
    return cat.label.en, cat.label.cy


def _code_element(parent: ET.Element, code: QdaCode) -> None:
    """``<Code>`` (unqualified: it is in the default namespace the root declares) with its Description and codes."""
    attrs = {"guid": code.guid, "name": code.name, "isCodable": "true" if code.codable else "false"}
    if code.color:
        attrs["color"] = code.color
    el = ET.SubElement(parent, "Code", attrs)
    text = code.description_en + (_WELSH + code.description_cy if code.description_cy else "")
    if text:
        ET.SubElement(el, "Description").text = text
    for child in code.children:
        _code_element(el, child)


def qdc_bytes(
    codebook: Codebook | str | os.PathLike | None = None,
    fields: Sequence[str] | str | None = None,
    *,
    lang: str = "en",
) -> bytes:
    """The REFI-QDA codebook (``.qdc``) of the codebook's multi-response variables, as UTF-8 bytes.

    Parameters are those of `codebook_codes`. The same codebook gives the same bytes.

    Examples
    --------
    >>> qdc_bytes().splitlines()[1].decode()
    '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="cprstats ...">'
    """
    codes = codebook_codes(codebook, fields, lang=lang)
    # The default namespace is declared on the root and every element is written unqualified, as the
    # standard's examples are (ElementTree's default_namespace= refuses the unqualified attributes).
    root = ET.Element("CodeBook", {"xmlns": QDC_NAMESPACE, "origin": f"cprstats {__version__}"})
    holder = ET.SubElement(root, "Codes")
    for code in codes:
        _code_element(holder, code)
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def write_qdc(
    path: str | os.PathLike,
    codebook: Codebook | str | os.PathLike | None = None,
    fields: Sequence[str] | str | None = None,
    *,
    lang: str = "en",
) -> Path:
    """Write the REFI-QDA codebook (``.qdc``) of the codebook's multi-response variables, atomically.

    Parameters
    ----------
    path : str or path
        The file to write (``.qdc``).
    codebook, fields, lang
        As for `codebook_codes`.

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> write_qdc("outputs/cprstats.qdc")  # doctest: +SKIP
    """
    return write_bytes(qdc_bytes(codebook, fields, lang=lang), path)


# --------------------------------------------------------------------------- reading XML
def _local(tag: str) -> str:
    """An element's name without its namespace (tools write the codebook's namespace in more than one way)."""
    return tag.rsplit("}", 1)[-1]


def _parse(data: bytes, where: str) -> ET.Element:
    if len(data) > _MAX_XML_BYTES:
        raise FormsError(
            f"{where} is larger than {_MAX_XML_BYTES // 2**20} MiB; it is not a REFI-QDA file cprstats reads"
        )
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise FormsError(f"{where} has a document type declaration (<!DOCTYPE ...>); REFI-QDA files have none")
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise FormsError(f"{where} is not well-formed XML: {exc}") from None


def _xml_of(source: str | os.PathLike | bytes) -> tuple[ET.Element, str]:
    """The root element of a .qdc, a .qde or the project.qde of a .qdpx; and how messages name it."""
    if isinstance(source, (bytes, bytearray)):
        return _parse(bytes(source), "the REFI-QDA data given"), "the REFI-QDA data given"
    if not isinstance(source, (str, os.PathLike)):
        raise ParameterError(
            f"source must be the path of a .qdc, .qdpx or .qde file or bytes, got {type(source).__name__}"
        )
    path = Path(source)
    where = str(path)
    if not path.is_file():
        raise FormsError(f"{where} does not exist or is not a file")
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as zf:
                members = [i for i in zf.infolist() if i.filename.casefold().rsplit("/", 1)[-1] == "project.qde"]
                if not members:
                    raise FormsError(f"{where} is a zip file without project.qde; a .qdpx project holds one")
                if members[0].file_size > _MAX_XML_BYTES:
                    raise FormsError(f"{where}: project.qde is larger than {_MAX_XML_BYTES // 2**20} MiB")
                data = zf.read(members[0])
        except zipfile.BadZipFile as exc:
            raise FormsError(f"{where} is not a readable .qdpx (zip) file: {exc}") from None
        return _parse(data, f"{where} (project.qde)"), where
    return _parse(path.read_bytes(), where), where


def _codes_element(root: ET.Element, where: str) -> ET.Element:
    name = _local(root.tag)
    if name == "CodeBook":
        book = root
    elif name == "Project":
        book = next((e for e in root if _local(e.tag) == "CodeBook"), None)
        if book is None:
            raise FormsError(f"{where}: the project has no <CodeBook>")
    else:
        raise FormsError(f"{where}: the root element is <{name}>, not a REFI-QDA <CodeBook> or <Project>")
    codes = next((e for e in book if _local(e.tag) == "Codes"), None)
    if codes is None:
        raise FormsError(f"{where}: the <CodeBook> has no <Codes>")
    return codes


def _read_code(el: ET.Element, where: str) -> QdaCode:
    guid, name = el.get("guid"), el.get("name")
    if not guid or name is None:
        raise FormsError(f"{where}: a <Code> lacks its guid or name attribute (both are required)")
    desc = next((e for e in el if _local(e.tag) == "Description"), None)
    text = (desc.text or "") if desc is not None else ""
    en, sep, cy = text.rpartition(_WELSH)
    if not sep:
        en, cy = text, ""
    return QdaCode(
        name=name,
        guid=guid,
        description_en=en,
        description_cy=cy,
        color=el.get("color"),
        codable=(el.get("isCodable") or "true").strip().lower() in ("true", "1"),
        children=tuple(_read_code(c, where) for c in el if _local(c.tag) == "Code"),
    )


def read_qdc(source: str | os.PathLike | bytes) -> tuple[QdaCode, ...]:
    """The code tree of a REFI-QDA codebook (``.qdc``) or project (``.qdpx`` or its ``project.qde``).

    Parameters
    ----------
    source : str, path or bytes
        The file, or its bytes (a ``.qdc`` or ``.qde``).

    Returns
    -------
    tuple of QdaCode
        The top-level codes, each with the codes inside it; ``<Description>`` split into its
        English and Welsh halves (``"...\\n\\ncy: ..."``; all English if there is no Welsh).

    Raises
    ------
    FormsError
        If the file is missing, not well-formed, not REFI-QDA, or has a document type declaration.
    """
    root, where = _xml_of(source)
    return tuple(_read_code(c, where) for c in _codes_element(root, where) if _local(c.tag) == "Code")


# --------------------------------------------------------------------------- matching codes
def _norm(text: Any) -> str:
    s = str(text).replace("\u2019", "'").replace("\u2018", "'").casefold()
    return " ".join(re.sub(r"[_\-]+", " ", s).split())


class _Index:
    """The names each variable and option of the codebook may go by."""

    def __init__(self, cb: Codebook, fields: Sequence[Field]):
        self.fields = list(fields)
        self.field_names: dict[str, set[str]] = {}
        self.option_names: dict[tuple[str, str], set[str]] = {}
        for fld in self.fields:
            self.field_names[fld.name] = {_norm(n) for n in (fld.name, fld.title.en, fld.title.cy) if n}
            for cat in fld.categories:
                aliases = tuple(getattr(cat, "aliases", ()) or ())  # old option columns (cv_neglect)
                names = (cat.value, f"{fld.prefix}_{cat.value}", cat.label.en, cat.label.cy, *aliases)
                self.option_names[(fld.name, cat.value)] = {_norm(n) for n in names if n}

    def fields_called(self, name: str) -> list[str]:
        return [f for f, names in self.field_names.items() if name in names]

    def options_called(self, name: str, field: str | None = None) -> list[tuple[str, str]]:
        return [k for k, names in self.option_names.items() if name in names and (field is None or k[0] == field)]

    def resolve(self, path: Sequence[str]) -> tuple[str, str | None, str]:
        """(field, option, status) of a code path; status ``field``, ``option``, ``unknown`` or ``ambiguous``."""
        comps = [_norm(p) for p in path if _norm(p)]
        if not comps:
            return "", None, "unknown"
        leaf, above = comps[-1], comps[:-1]
        in_fields = [f for p in above for f in self.fields_called(p)]
        if in_fields:  # inside a variable: one of its options, at any depth
            field = in_fields[0]
            found = self.options_called(leaf, field)
            return (field, found[0][1], "option") if len(found) == 1 else (field, None, "unknown")
        named = self.fields_called(leaf)
        if len(named) == 1:
            return named[0], None, "field"
        found = self.options_called(leaf)
        if len(found) == 1:
            return found[0][0], found[0][1], "option"
        return "", None, "ambiguous" if (found or named) else "unknown"


def match_codes(
    codes: Sequence[QdaCode] | str | os.PathLike | bytes,
    codebook: Codebook | str | os.PathLike | None = None,
    fields: Sequence[str] | str | None = None,
) -> pd.DataFrame:
    """Which codebook variable and option column each code of a REFI-QDA code tree stands for.

    Parameters
    ----------
    codes : sequence of QdaCode, or a .qdc/.qdpx/.qde file or its bytes
        The code tree (`read_qdc`).
    codebook : Codebook or path, optional
        By default the packaged codebook.
    fields : str or list of str, optional
        The multi-response variables codes may stand for; by default `qda_fields`.

    Returns
    -------
    pandas.DataFrame
        One row per code, depth first, columns `MATCH_COLUMNS`: ``path`` (names from the top,
        joined by ``" > "``), ``guid``, ``field`` and ``option`` (<NA> where none),
        ``column`` (the option column, e.g. ``th_escalation``), and ``status``: ``field``
        (the variable itself), ``option``, ``unknown`` (a name the codebook does not have) or
        ``ambiguous`` (an option name several variables share, outside any variable).

    Examples
    --------
    >>> m = match_codes(qdc_bytes(fields="covid_factors"))
    >>> m["path"].iloc[1], m["column"].iloc[1], m["status"].tolist()[:2]
    ('Covid-19 factors > Children less visible (school closure)', 'cov_less_visible', ['field', 'option'])
    """
    cb = resolve(codebook)
    tree = read_qdc(codes) if isinstance(codes, (str, os.PathLike, bytes, bytearray)) else tuple(codes)
    index = _Index(cb, _fields(cb, fields))
    rows = []
    for top in tree:
        for path, code in top.walk():
            field, option, status = index.resolve(path)
            rows.append(_match_row(cb, " > ".join(path), code.guid, field, option, status))
    return _match_frame(rows)


def _match_row(cb: Codebook, path: str, guid: Any, field: str, option: str | None, status: str) -> dict[str, Any]:
    fld = cb.fields.get(field) if field else None
    return dict(
        path=path,
        guid=guid if guid else pd.NA,
        field=field if status in ("field", "option") else pd.NA,
        option=option if option is not None else pd.NA,
        column=f"{fld.prefix}_{option}" if fld is not None and option is not None else pd.NA,
        status=status,
    )


def _match_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    out = pd.DataFrame.from_records(rows, columns=list(MATCH_COLUMNS))
    return out.astype({c: "string" for c in MATCH_COLUMNS})


# --------------------------------------------------------------------------- coded segments
def _review_id(document: str) -> str:
    name = str(document).strip().replace("\\", "/").rsplit("/", 1)[-1]
    for suffix in _DOCUMENT_SUFFIXES:
        if name.casefold().endswith(suffix):
            return name[: -len(suffix)].strip()
    return name


def _pick(columns: Sequence[str], wanted: str | None, candidates: Sequence[str], what: str, where: str) -> str:
    if wanted is not None:
        if wanted not in columns:
            raise ParameterError(
                f"{what}_column={wanted!r} is not a column of {where}; its columns: {', '.join(columns)}"
            )
        return wanted
    by_norm = {_norm(c): c for c in columns}
    for cand in candidates:
        if cand in by_norm:
            return by_norm[cand]
    raise ParameterError(
        f"{where} has no {what} column (looked for {', '.join(repr(c) for c in candidates)}); "
        f"its columns: {', '.join(columns)}; name it with {what}_column="
    )


def _segments_from_csv(path: Path, document_column: str | None, code_column: str | None) -> list[tuple[str, tuple]]:
    where = str(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            header = fh.readline()
        sep = max((",", ";", "\t"), key=header.count)  # Excel writes ";" where "," is the decimal mark
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", sep=sep)
    except (UnicodeDecodeError, pd.errors.ParserError, csv.Error, pd.errors.EmptyDataError) as exc:
        raise FormsError(f"{where} is not a readable CSV of coded segments: {exc}") from None
    doc = _pick(list(table.columns), document_column, _DOCUMENT_COLUMNS, "document", where)
    code = _pick(list(table.columns), code_column, _CODE_COLUMNS, "code", where)
    out = []
    for d, cell in zip(table[doc], table[code]):
        for line in str(cell).splitlines():  # ATLAS.ti puts a segment's codes on separate lines
            parts = tuple(p for p in _PATH_SEPARATORS.split(line.strip()) if p)
            if str(d).strip() and parts:
                out.append((str(d), parts))
    return out


def _segments_from_project(root: ET.Element, where: str) -> list[tuple[str, tuple]]:
    codes = tuple(_read_code(c, where) for c in _codes_element(root, where) if _local(c.tag) == "Code")
    paths = {code.guid.strip("{}").upper(): path for top in codes for path, code in top.walk()}
    sources = next((e for e in root if _local(e.tag) == "Sources"), None)
    out = []
    for source in sources if sources is not None else ():
        name = source.get("name") or source.get("guid") or ""
        for el in source.iter():
            if _local(el.tag) == "CodeRef":
                target = (el.get("targetGUID") or "").strip("{}").upper()
                out.append((name, paths.get(target, (f"(code {target or '?'} not in the project's codebook)",))))
    return out


def read_coding(
    source: str | os.PathLike,
    codebook: Codebook | str | os.PathLike | None = None,
    fields: Sequence[str] | str | None = None,
    *,
    document_column: str | None = None,
    code_column: str | None = None,
) -> pd.DataFrame:
    """Coding forms from what was coded in a QDA program: one row per document, codes joined by ``"; "``.

    Parameters
    ----------
    source : str or path
        A REFI-QDA project (``.qdpx``, or its ``project.qde``): every code applied to a source
        or a selection of it; or a CSV of coded segments, one row per segment, with a document
        column (``Document``, ``Document name``, ``File``, ``Source``, ``Case``...) and a code
        column (``Code``, ``Code name``, ``Codes``...; a path such as ``Themes\\Escalation`` or
        several codes on separate lines are understood).
    codebook : Codebook or path, optional
        By default the packaged codebook.
    fields : str or list of str, optional
        The multi-response variables to fill; by default `qda_fields`.
    document_column, code_column : str, optional
        The CSV's columns, when their names are not among those above.

    Returns
    -------
    pandas.DataFrame
        Raw coding forms (all text, as `cprstats.read_forms` gives them), one row per
        document in order of first appearance, index ``row`` from 2: ``review_id`` (the
        document's name without a file extension such as ``.pdf``: name the documents by
        their review identifiers), ``child_no`` (``"1"``) and one column per variable in
        ``fields``: the options coded anywhere in the document, in codebook order, joined by
        ``"; "``; ``"none"`` if the document was coded only with the variable itself
        (read, none present); ``""`` if neither (not recorded). Add the rest of each
        review's form (authority, type, dates...) before `cprstats.code_reviews`.
        ``attrs["unknown_codes"]`` lists the codes that are not in the codebook or are
        ambiguous (records of ``code, status, n_segments``), and a warning names them.

    Raises
    ------
    FormsError
        If the file cannot be read.
    ParameterError
        If a CSV has no document or code column that can be recognised.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> csv_file = pathlib.Path(tempfile.mkdtemp()) / "segments.csv"
    >>> _ = csv_file.write_text("Document,Code\\nSYN 1 2020.pdf,Themes\\\\Escalation\\nSYN 1 2020.pdf,Recording\\n")
    >>> read_coding(csv_file, fields="themes").to_dict("records")
    [{'review_id': 'SYN 1 2020', 'child_no': '1', 'themes': 'escalation; recording'}]
    """
    cb = resolve(codebook)
    flds = _fields(cb, fields)
    if not isinstance(source, (str, os.PathLike)):
        raise ParameterError(f"source must be the path of a .qdpx, .qde or .csv file, got {type(source).__name__}")
    path = Path(source)
    if not path.is_file():
        raise FormsError(f"{path} does not exist or is not a file")
    if path.suffix.casefold() == ".csv":
        segments = _segments_from_csv(path, document_column, code_column)
    else:
        root, where = _xml_of(path)
        if _local(root.tag) != "Project":
            raise FormsError(f"{where}: the root element is <{_local(root.tag)}>; coded segments are in a <Project>")
        segments = _segments_from_project(root, where)
    index = _Index(cb, flds)
    docs: dict[str, dict[str, set[str | None]]] = {}
    unknown: dict[tuple[str, str], int] = {}
    for document, path_parts in segments:
        rid = _review_id(document)
        coded = docs.setdefault(rid, {})
        field, option, status = index.resolve(path_parts)
        if status in ("unknown", "ambiguous"):
            key = (" > ".join(path_parts), status)
            unknown[key] = unknown.get(key, 0) + 1
            continue
        coded.setdefault(field, set()).add(option)
    rows = []
    for rid, coded in docs.items():
        row = {"review_id": rid, "child_no": "1"}
        for fld in flds:
            got = coded.get(fld.name, set())
            options = [c for c in fld.codes if c in got]
            row[fld.name] = "; ".join(options) if options else (cb.none_value if None in got else "")
        rows.append(row)
    out = pd.DataFrame.from_records(rows, columns=["review_id", "child_no", *(f.name for f in flds)]).astype(object)
    out.index = pd.RangeIndex(2, 2 + len(out), name="row")
    out.attrs["unknown_codes"] = [{"code": c, "status": s, "n_segments": n} for (c, s), n in unknown.items()]
    if unknown:
        shown = ", ".join(f"{c!r} ({s})" for c, s in list(unknown)[:10])
        more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
        warnings.warn(
            f"{len(unknown)} code(s) in {path} are not options of the codebook and were left out: {shown}{more}",
            UserWarning,
            stacklevel=2,
        )
    return out
