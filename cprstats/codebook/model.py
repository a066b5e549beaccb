"""Load and check the codebook, the single source of truth for variables, values and labels.

The codebook is a YAML file in Frictionless Table Schema vocabulary (see
``cprstats/codebook/codebook.yaml`` and ``docs/codebook.md``). Everything else in the package
(the coder, the validation schema, the Excel template, the data dictionary, the Table Schema
export, table and figure labels) is generated from it.

Examples
--------
>>> import cprstats
>>> cb = cprstats.load_codebook()
>>> cb.field("outcome").codes
('death', 'life_threatening_injury', 'serious_impairment', 'other')
>>> cb.label("outcome", "death", lang="cy")
'Marwolaeth'
>>> cb.option_columns("covid_factors")
('cov_less_visible', 'cov_risk_balancing', 'cov_covid_anxiety_barrier', 'cov_staff_absence')

Besides the review table (one row per subject child), the codebook defines linked tables
under ``tables:`` (one row per recommendation, one per referral), each read as a codebook of
its own with `Codebook.table`:

>>> rec = cb.table("recommendations")
>>> rec.unit, rec.primary_key, rec.field("level").codes
('recommendation', ('review_id', 'rec_no'), ('local', 'regional', 'national'))
>>> rec.field("agencies_addressed").codes == cb.field("agencies_involved").codes
True
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as _dcfield
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from cprstats._checks import did_you_mean as _did_you_mean
from cprstats.errors import CodebookError, ParameterError

__all__ = [
    "Text",
    "Category",
    "Field",
    "Codebook",
    "TableCodebook",
    "load_codebook",
    "resolve",
    "LANGUAGES",
    "TYPES",
    "DERIVE_METHODS",
    "check_lang",
    "parse_text",
]

LANGUAGES = ("en", "cy")
TYPES = ("string", "integer", "number", "boolean", "yearmonth", "date", "list")
DERIVE_METHODS = ("board_lookup", "date_periods", "year", "bands", "compare", "add", "isin", "any", "count")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_]*$")
_STATA_MAX = 32  # Stata's limit on variable names; the exports depend on it


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a supported language, else raise `ParameterError`.

    >>> check_lang("cy")
    'cy'
    """
    if lang not in LANGUAGES:
        raise ParameterError(f"lang={lang!r} is not a supported language; use one of {', '.join(LANGUAGES)}")
    return lang


@dataclass(frozen=True)
class Text:
    """A text in English and Welsh; ``cy_verified`` says whether the Welsh was checked."""

    en: str
    cy: str
    cy_verified: bool = False
    cy_source: str | None = None

    def get(self, lang: str = "en") -> str:
        """The text in ``lang`` (``"en"`` or ``"cy"``)."""
        return self.cy if check_lang(lang) == "cy" else self.en

    def __str__(self) -> str:
        return self.en


@dataclass(frozen=True)
class Category:
    """One allowed value of a single- or multi-choice variable."""

    value: str
    label: Text
    attrs: Mapping[str, Any] = _dcfield(default_factory=dict)


@dataclass(frozen=True)
class Field:
    """One variable of the codebook.

    ``kind`` is the analysis kind: ``identifier``, ``categorical``, ``multi`` (multi-response
    list), ``boolean``, ``integer``, ``number``, ``yearmonth``, ``date`` or ``string``.
    """

    name: str
    type: str
    title: Text
    description: Text
    group: str
    categories: tuple[Category, ...] = ()
    ordered: bool = False
    constraints: Mapping[str, Any] = _dcfield(default_factory=dict)
    derived: Mapping[str, Any] | None = None
    prefix: str | None = None
    delimiter: str = ";"
    restricted: bool = False
    role: str | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        """The allowed values, in the codebook's order."""
        return tuple(c.value for c in self.categories)

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required", False))

    @property
    def is_derived(self) -> bool:
        return self.derived is not None

    @property
    def input_allowed(self) -> bool:
        """Whether a coder may type this variable on a form."""
        return self.derived is None or self.derived.get("input") == "optional"

    @property
    def kind(self) -> str:
        if self.role == "identifier":
            return "identifier"
        if self.type == "list":
            return "multi"
        if self.categories:
            return "categorical"
        return self.type

    def category(self, value: str) -> Category:
        for c in self.categories:
            if c.value == value:
                return c
        raise ParameterError(
            f"{value!r} is not a value of {self.name!r}; allowed: {', '.join(self.codes)}"
            + _did_you_mean(value, self.codes)
        )

    def option_column(self, value: str) -> str:
        """The boolean column that holds option ``value`` of a multi-response variable."""
        self.category(value)
        return f"{self.prefix}_{value}"

    @property
    def option_columns(self) -> tuple[str, ...]:
        return tuple(f"{self.prefix}_{c.value}" for c in self.categories) if self.type == "list" else ()


class Codebook:
    """A checked codebook. Build it with `load_codebook`.

    Attributes
    ----------
    name, version : str
    path : pathlib.Path or None
        Where it was read from.
    fields : dict of str to Field
        Every variable, in the codebook's order (inputs and derived together).
    groups : dict of str to Text
        Report sections, in order.
    """

    #: The linked table this codebook describes (None: the review table itself).
    table_name: str | None = None
    #: What one row of the table is.
    unit: str = "child"
    #: The columns that identify a row.
    primary_key: tuple[str, ...] = ("review_id", "child_no")

    def __init__(self, raw: Mapping[str, Any], path: Path | None = None):
        self.raw = raw
        self.path = path
        self.tables: dict[str, TableCodebook] = {}
        self.name = str(raw["name"])
        self.version = str(raw["version"])
        self.title = _text(raw["title"], "title")
        self.none_value = str(raw.get("noneValue", "none"))
        self.missing_values = tuple(str(v) for v in raw.get("missingValues", [""]))
        self.groups = {g["name"]: _text(g["title"], f"groups.{g['name']}.title") for g in raw.get("groups", [])}
        self.fields: dict[str, Field] = {}
        for i, f in enumerate(raw["fields"]):
            fld = _field(f, i)
            self.fields[fld.name] = fld
        self._columns: dict[str, tuple[Field, str | None]] = {}
        for fld in self.fields.values():
            if fld.type == "list":
                for c in fld.categories:
                    self._columns[f"{fld.prefix}_{c.value}"] = (fld, c.value)
            else:
                self._columns[fld.name] = (fld, None)

    def __repr__(self) -> str:
        return (
            f"<Codebook {self.name} {self.version}: {len(self.fields)} variables, {len(self._columns)} coded columns>"
        )

    # -- look-ups ---------------------------------------------------------------------
    def field(self, name: str) -> Field:
        """The variable called ``name``; a wrong name lists close matches."""
        try:
            return self.fields[name]
        except KeyError:
            raise ParameterError(
                f"{name!r} is not a variable of the codebook"
                + _did_you_mean(name, self.fields)
                + f"; variables: {', '.join(self.fields)}"
            ) from None

    def resolve(self, column: str) -> tuple[Field, str | None]:
        """The variable and option behind a coded column (``cv_neglect`` -> child_vulnerabilities, neglect)."""
        try:
            return self._columns[column]
        except KeyError:
            raise ParameterError(
                f"{column!r} is not a column of the coded dataset" + _did_you_mean(column, self._columns)
            ) from None

    def knows(self, column: str) -> bool:
        """Whether ``column`` is a coded column or a variable name of this codebook."""
        return column in self._columns or column in self.fields

    @property
    def coded_columns(self) -> tuple[str, ...]:
        """The columns of a coded dataset, in order."""
        return tuple(self._columns)

    @property
    def input_fields(self) -> tuple[Field, ...]:
        """Variables a coder types on a form, in order."""
        return tuple(f for f in self.fields.values() if f.input_allowed)

    @property
    def derived_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields.values() if f.is_derived)

    @property
    def multi_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields.values() if f.type == "list")

    def option_columns(self, name: str) -> tuple[str, ...]:
        """The boolean columns of multi-response variable ``name``."""
        fld = self.field(name)
        if fld.type != "list":
            raise ParameterError(f"{name!r} is not a multi-response variable")
        return fld.option_columns

    def label(self, variable: str, value: Any = None, lang: str = "en") -> str:
        """The label of a variable, coded column, or one of its values, in ``lang``.

        >>> load_codebook().label("cv_neglect", lang="cy")
        'Esgeulustod'
        >>> load_codebook().label("board", "MWW")
        'Mid and West Wales (CYSUR)'
        """
        check_lang(lang)
        if variable in self.fields:
            fld, option = self.fields[variable], None
        else:
            fld, option = self.resolve(variable)
        if option is not None:
            return fld.category(option).label.get(lang)
        if value is None:
            return fld.title.get(lang)
        if fld.categories:
            return fld.category(str(value)).label.get(lang)
        return str(value)

    def texts(self) -> Iterable[tuple[str, Text]]:
        """Every translatable text with where it sits, for translation checks."""
        yield "title", self.title
        for g, t in self.groups.items():
            yield f"groups.{g}", t
        for fld in self.fields.values():
            yield f"{fld.name}.title", fld.title
            yield f"{fld.name}.description", fld.description
            for c in fld.categories:
                yield f"{fld.name}.{c.value}", c.label
        for name, table in self.tables.items():
            for where, text in table.texts():
                yield f"tables.{name}.{where}", text

    def table(self, name: str) -> TableCodebook:
        """The linked table ``name`` (``"recommendations"``, ``"process"``) as a codebook of its own.

        The view has the same look-ups as the codebook (`field`, `resolve`, `label`,
        `coded_columns`, `input_fields` ...), so the coder, the Excel template, the schema and
        the labels work on it unchanged; it adds ``table_name``, ``unit``, ``primary_key``,
        ``description`` and ``parent`` (this codebook).

        Raises
        ------
        ParameterError
            For a name that is not a table of the codebook (with the closest name).

        Examples
        --------
        >>> proc = load_codebook().table("process")
        >>> proc.unit, proc.label("decision", "no_review", lang="cy")
        ('referral', 'Dim adolygiad')
        >>> load_codebook().table("recomendations")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        cprstats.errors.ParameterError: 'recomendations' is not a linked table ... 'recommendations'?); ...
        """
        try:
            return self.tables[name]
        except (KeyError, TypeError):
            raise ParameterError(
                f"{name!r} is not a linked table of the codebook"
                + _did_you_mean(name, self.tables)
                + f"; tables: {', '.join(self.tables) or '(none)'}"
            ) from None

    def boards_for(self, authority: str, date: _dt.date) -> str | None:
        """The board of ``authority`` on ``date`` (from the authority's dated ``boards`` list)."""
        cat = self.field("local_authority").category(authority)
        for spell in cat.attrs.get("boards", []):
            start, end = spell.get("start"), spell.get("end")
            if (start is None or date >= _to_date(start)) and (end is None or date <= _to_date(end)):
                return spell["board"]
        return None


class TableCodebook(Codebook):
    """One linked table of a codebook (``tables:`` in the YAML), read as a codebook of its own.

    Build it with `Codebook.table`. Its fields are parsed and checked exactly as the review
    table's are; a field with ``categoriesFrom: <variable>`` takes that review-table
    variable's categories (codes and labels), so a list of agencies or themes is written once.

    Attributes
    ----------
    table_name : str
        The table's name in the codebook (``"recommendations"``).
    unit : str
        What one row is (``"recommendation"``, ``"referral"``).
    primary_key : tuple of str
        The columns that identify a row (may be empty).
    description : Text
    parent : Codebook
        The codebook the table belongs to (its review table links by ``review_id``).
    """

    def __init__(self, raw: Mapping[str, Any], parent: Codebook, name: str, copied: Iterable[str] = ()):
        super().__init__(raw, parent.path)
        self.parent = parent
        self.table_name = name
        self.unit = str(raw["unit"])
        self.primary_key = tuple(raw.get("primaryKey") or ())
        self.description = _text(raw["description"], "description")
        self._copied = frozenset(copied)

    def __repr__(self) -> str:
        return f"<Codebook {self.name} {self.version}, table {self.table_name}: {len(self.fields)} variables>"

    def texts(self) -> Iterable[tuple[str, Text]]:
        """The table's own texts (categories taken from the review table are listed there, not again)."""
        yield "title", self.title
        yield "description", self.description
        for g, t in self.groups.items():
            yield f"groups.{g}", t
        for fld in self.fields.values():
            yield f"{fld.name}.title", fld.title
            yield f"{fld.name}.description", fld.description
            if fld.name not in self._copied:
                for c in fld.categories:
                    yield f"{fld.name}.{c.value}", c.label

    def table(self, name: str) -> TableCodebook:
        return self.parent.table(name)


def _tables(cb: Codebook, raw: Any) -> dict[str, TableCodebook]:
    """The linked tables of ``tables:``, each checked like the review table, with categoriesFrom resolved."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise CodebookError("tables: expected a mapping of table name to table")
    out: dict[str, TableCodebook] = {}
    for name, spec in raw.items():
        where = f"tables.{name}"
        if not isinstance(name, str) or not _NAME.match(name):
            raise CodebookError(f"{where}: {name!r} is not a snake_case table name")
        if not isinstance(spec, Mapping):
            raise CodebookError(f"{where}: expected a mapping with title, description, unit, groups and fields")
        for key in ("title", "description", "unit", "groups", "fields"):
            if key not in spec:
                raise CodebookError(f"{where}: missing the key {key!r}")
        if not isinstance(spec["unit"], str) or not _NAME.match(spec["unit"]):
            raise CodebookError(f"{where}.unit: {spec['unit']!r} is not a snake_case word (what one row is)")
        if not isinstance(spec["fields"], list) or not spec["fields"]:
            raise CodebookError(f"{where}.fields: must be a non-empty list")
        if not isinstance(spec["groups"], list) or not all(
            isinstance(g, Mapping) and "name" in g for g in spec["groups"]
        ):
            raise CodebookError(f"{where}.groups: must be a list of {{name, title}}")
        fields, copied = [], []
        for i, f in enumerate(spec["fields"]):
            if isinstance(f, Mapping) and "categoriesFrom" in f:
                src = f["categoriesFrom"]
                fname = f.get("name")
                if "categories" in f:
                    raise CodebookError(f"{where}.fields[{i}] ({fname}): give categories or categoriesFrom, not both")
                if src not in cb.fields or not cb.fields[src].categories:
                    raise CodebookError(
                        f"{where}.fields[{i}] ({fname}).categoriesFrom: {src!r} is not a variable of the review "
                        "table with categories" + _did_you_mean(src, cb.fields)
                    )
                source = next(r for r in cb.raw["fields"] if r.get("name") == src)
                f = {**f, "categories": list(source["categories"])}
                copied.append(fname)
            fields.append(f)
        view_raw = {
            "name": cb.name,
            "version": cb.version,
            "title": spec["title"],
            "description": spec["description"],
            "unit": spec["unit"],
            "primaryKey": spec.get("primaryKey"),
            "groups": spec["groups"],
            "fields": fields,
            "missingValues": list(cb.missing_values),
            "noneValue": cb.none_value,
        }
        try:
            view = TableCodebook(view_raw, cb, name, copied)
            names = [f["name"] for f in fields]
            dup = sorted({n for n in names if names.count(n) > 1})
            if dup:
                raise CodebookError(f"fields {dup} appear more than once")
            _check_references(view)
            if "review_id" not in view.fields:
                raise CodebookError("a linked table needs a review_id field (the link to the review table)")
            pk = spec.get("primaryKey") or []
            if not isinstance(pk, list) or any(k not in view.fields for k in pk):
                raise CodebookError(f"primaryKey: {pk!r} must be a list of the table's fields")
            loose = [k for k in pk if not view.fields[k].required]
            if loose:
                raise CodebookError(f"primaryKey: {loose} must be required fields (a key is never empty)")
        except CodebookError as exc:
            raise CodebookError(f"{where}: {exc}") from None
        out[name] = view
    return out


def _to_date(v: Any) -> _dt.date:
    if isinstance(v, _dt.date):
        return v
    return _dt.date.fromisoformat(str(v))


def parse_text(raw: Any, where: str, *, error: type[Exception] = CodebookError) -> Text:
    """A bilingual text from YAML (``{en, cy, cy_status, cy_source}``), checked; ``error`` names the file's own error.

    Used for the codebook and for the interface strings, so both follow one rule.

    >>> parse_text({"en": "Death", "cy": "Marwolaeth"}, "outcome.death").cy_verified
    False
    """
    if not isinstance(raw, Mapping):
        raise error(f"{where}: expected a mapping with 'en' and 'cy' texts, got {raw!r}")
    missing = [k for k in LANGUAGES if not str(raw.get(k) or "").strip()]
    if missing:
        raise error(f"{where}: missing the {' and '.join(missing)} text (every text needs en and cy)")
    status = raw.get("cy_status", "review")
    if status not in ("verified", "review"):
        raise error(f"{where}.cy_status: {status!r} is not allowed; use 'verified' or 'review'")
    if status == "verified" and not raw.get("cy_source"):
        raise error(f"{where}: cy_status is 'verified' but no cy_source says where it was verified")
    return Text(str(raw["en"]), str(raw["cy"]), status == "verified", raw.get("cy_source"))


_text = parse_text


def _field(raw: Any, i: int) -> Field:
    if not isinstance(raw, Mapping):
        raise CodebookError(f"fields[{i}]: expected a mapping, got {type(raw).__name__}")
    name = raw.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise CodebookError(f"fields[{i}].name: {name!r} is not a snake_case name")
    where = f"fields[{i}] ({name})"
    typ = raw.get("type")
    if typ not in TYPES:
        raise CodebookError(f"{where}.type: {typ!r} is not allowed; use one of {', '.join(TYPES)}")
    for key in ("title", "description"):
        if key not in raw:
            raise CodebookError(f"{where}: missing the key {key!r}")
    cats = []
    seen: set[str] = set()
    for j, c in enumerate(raw.get("categories") or []):
        if not isinstance(c, Mapping) or "value" not in c or "label" not in c:
            raise CodebookError(f"{where}.categories[{j}]: each category needs 'value' and 'label'")
        value = str(c["value"])
        if not _CODE.match(value):
            raise CodebookError(f"{where}.categories[{j}].value: {value!r} is not a code (letters, digits, _)")
        if value in seen:
            raise CodebookError(f"{where}.categories[{j}].value: {value!r} appears twice")
        seen.add(value)
        attrs = {k: v for k, v in c.items() if k not in ("value", "label")}
        cats.append(Category(value, _text(c["label"], f"{where}.categories[{j}].label"), attrs))
    prefix = raw.get("prefix")
    if typ == "list":
        if not cats:
            raise CodebookError(f"{where}: a list (multi-response) variable needs categories")
        if not isinstance(prefix, str) or not _NAME.match(prefix):
            raise CodebookError(f"{where}.prefix: a list variable needs a snake_case prefix for its option columns")
        for c in cats:
            col = f"{prefix}_{c.value}"
            if len(col) > _STATA_MAX:
                raise CodebookError(
                    f"{where}: option column {col!r} is longer than {_STATA_MAX} characters (Stata's limit)"
                )
    derived = raw.get("derived")
    if derived is not None:
        if not isinstance(derived, Mapping) or derived.get("method") not in DERIVE_METHODS:
            raise CodebookError(
                f"{where}.derived.method: {derived.get('method') if isinstance(derived, Mapping) else derived!r}"
                f" is not allowed; use one of {', '.join(DERIVE_METHODS)}"
            )
        if not isinstance(derived.get("from"), list) or not derived["from"]:
            raise CodebookError(f"{where}.derived.from: a list of the variables it is derived from is required")
    constraints = raw.get("constraints") or {}
    if not isinstance(constraints, Mapping):
        raise CodebookError(f"{where}.constraints: expected a mapping")
    if len(name) > _STATA_MAX:
        raise CodebookError(f"{where}.name: longer than {_STATA_MAX} characters (Stata's limit)")
    return Field(
        name=name,
        type=typ,
        title=_text(raw["title"], f"{where}.title"),
        description=_text(raw["description"], f"{where}.description"),
        group=str(raw.get("group", "other")),
        categories=tuple(cats),
        ordered=bool(raw.get("categoriesOrdered", False)),
        constraints=dict(constraints),
        derived=dict(derived) if derived else None,
        prefix=prefix,
        delimiter=str(raw.get("delimiter", ";")),
        restricted=bool(raw.get("restricted", False)),
        role=raw.get("role"),
    )


def _check_references(cb: Codebook) -> None:
    # inputs may be used anywhere; a derived variable only after it is defined
    known: set[str] = set()
    for fld in cb.fields.values():
        if not fld.is_derived:
            known.add(fld.name)
            known.update(fld.option_columns)
    for fld in cb.fields.values():
        if fld.group not in cb.groups:
            raise CodebookError(f"{fld.name}.group: {fld.group!r} is not one of the groups ({', '.join(cb.groups)})")
        if fld.derived:
            for src in fld.derived["from"]:
                if src not in known:
                    raise CodebookError(
                        f"{fld.name}.derived.from: {src!r} is not a variable or option column "
                        f"defined before {fld.name!r}"
                    )
            if fld.derived["method"] == "bands":
                for c in fld.categories:
                    if "min" not in c.attrs:
                        raise CodebookError(
                            f"{fld.name}.categories.{c.value}: a band needs 'min' (and 'max' unless it is the last)"
                        )
        known.add(fld.name)
        known.update(fld.option_columns)
    clash = [c for c in cb.coded_columns if c in cb.fields and cb.resolve(c)[0].type == "list"]
    if clash:
        raise CodebookError(f"option columns {clash} clash with variable names")


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Load and check a codebook.

    Parameters
    ----------
    path : str or Path, optional
        A researcher's own codebook YAML. By default the one packaged with cprstats.

    Returns
    -------
    Codebook

    Raises
    ------
    CodebookError
        If the file is not valid YAML or breaks a rule; the message names the key and the problem.

    Examples
    --------
    >>> cb = load_codebook()
    >>> cb.name, len(cb.fields) > 30
    ('cprstats', True)
    """
    if path is None:
        return _packaged()
    return _load(Path(path))


def resolve(codebook: Codebook | str | Path | None = None, data: Any = None) -> Codebook:
    """The one answer to "which codebook applies?", asked by every room.

    In order: ``codebook`` when given (a `Codebook`, or the path of a researcher's own YAML);
    else the codebook a coded dataset carries in ``data.attrs["codebook"]`` (set by
    `cprstats.code_reviews` and `cprstats.read_dataset` when the data were coded with a
    codebook of the researcher's own); else the packaged codebook. A path is loaded once
    and cached until the file changes.

    Parameters
    ----------
    codebook : Codebook, str or Path, optional
        The codebook to use.
    data : pandas.DataFrame, optional
        A coded dataset whose ``attrs`` may name its codebook.

    Returns
    -------
    Codebook

    Raises
    ------
    CodebookError
        If a named codebook file is missing or malformed.

    Examples
    --------
    >>> resolve().name
    'cprstats'
    >>> resolve(load_codebook()) is load_codebook()
    True
    """
    if isinstance(codebook, Codebook):
        return codebook
    if codebook is None and data is not None:
        carried = getattr(data, "attrs", {}).get("codebook")
        if isinstance(carried, Codebook):
            return carried
        if isinstance(carried, (str, Path)):
            codebook = carried
    if codebook is None:
        return _packaged()
    if not isinstance(codebook, (str, Path)):
        raise CodebookError(
            f"codebook must be a Codebook or the path of a codebook YAML file, got {type(codebook).__name__}"
        )
    path = Path(codebook)
    try:
        return _load_cached(str(path.resolve()), path.stat().st_mtime)
    except OSError:
        return _load(path)  # raises the codebook's own error for a missing or unreadable file


@lru_cache(maxsize=8)
def _load_cached(path: str, mtime: float) -> Codebook:
    packaged = resources.files("cprstats.codebook").joinpath("codebook.yaml")
    if Path(str(packaged)).resolve() == Path(path):
        return _packaged()
    return _load(Path(path))


@lru_cache(maxsize=1)
def _packaged() -> Codebook:
    ref = resources.files("cprstats.codebook").joinpath("codebook.yaml")
    with resources.as_file(ref) as p:
        return _load(Path(p))


def _load(path: Path) -> Codebook:
    import yaml

    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CodebookError(f"{path}: no such codebook file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CodebookError(f"{path}: cannot be read as UTF-8 text ({exc})") from None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is 10x faster; both are safe
    try:
        raw = yaml.load(text, Loader=loader)  # noqa: S506 - a *safe* loader: no tags that run code
    except yaml.YAMLError as exc:
        raise CodebookError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(raw, Mapping):
        raise CodebookError(f"{path}: the top level must be a mapping with 'name', 'version' and 'fields'")
    for key in ("name", "version", "title", "fields", "groups"):
        if key not in raw:
            raise CodebookError(f"{path}: missing the top-level key {key!r}")
    if not isinstance(raw["fields"], list) or not raw["fields"]:
        raise CodebookError(f"{path}: 'fields' must be a non-empty list")
    try:
        cb = Codebook(raw, path)
    except CodebookError as exc:
        raise CodebookError(f"{path}: {exc}") from None
    names = [f["name"] for f in raw["fields"]]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise CodebookError(f"{path}: fields {dup} appear more than once")
    try:
        _check_references(cb)
        cb.tables = _tables(cb, raw.get("tables"))
    except CodebookError as exc:
        raise CodebookError(f"{path}: {exc}") from None
    return cb
