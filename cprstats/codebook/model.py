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

Every variable declares its unit of analysis (``unit: review`` or ``unit: child``; DESIGN.md):
statistics count a review-level variable once per review and a child-level one once per child.
Renamed variables keep their old names as ``aliases`` (old forms still code), and the
``periods:`` section names the windows a report can cover:

>>> cb.field("review_type").unit, cb.field("age_band_mcmanus").unit
('review', 'child')
>>> cb.canonical_column("toxic_trio"), cb.canonical_column("cv_neglect")
('parental_adversities_all_three', 'harm_neglect')
>>> cb.periods.named["susr_era"].start
'2024-10'
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
    "NamedPeriod",
    "PeriodScheme",
    "Codebook",
    "TableCodebook",
    "load_codebook",
    "resolve",
    "LANGUAGES",
    "TYPES",
    "UNITS",
    "DERIVE_METHODS",
    "check_lang",
    "parse_text",
]

LANGUAGES = ("en", "cy")
TYPES = ("string", "integer", "number", "boolean", "yearmonth", "date", "list")
#: Units of analysis of the review table's variables: counted once per review, or once per subject child.
UNITS = ("review", "child")
DERIVE_METHODS = ("board_lookup", "date_periods", "year", "bands", "compare", "add", "isin", "any", "count")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_]*$")
_STATA_MAX = 32  # Stata's limit on variable names; the exports depend on it
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
# words a yes/no flag column holds when the option is present (as cprstats.forms.coding reads them);
# used only to carry a legacy option flag into a single-choice variable (Codebook.upgrade_forms)
_YES = frozenset({"yes", "y", "true", "1", "x", "ie", "oes", "do", "ydy", "oedd", "present"})


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
    """One allowed value of a single- or multi-choice variable.

    ``definition`` says what a coder must see in the review to code the value; ``aliases`` are
    old option-column names (``cv_neglect``) and ``moved_from`` the variable whose list held the
    value before it moved here (both read by `Codebook.upgrade_forms`).
    """

    value: str
    label: Text
    attrs: Mapping[str, Any] = _dcfield(default_factory=dict)
    definition: Text | None = None
    aliases: tuple[str, ...] = ()
    moved_from: str | None = None


@dataclass(frozen=True)
class Field:
    """One variable of the codebook.

    ``kind`` is the analysis kind: ``identifier``, ``categorical``, ``multi`` (multi-response
    list), ``boolean``, ``integer``, ``number``, ``yearmonth``, ``date`` or ``string``.
    ``unit`` is what the variable describes, and so what statistics count: ``"review"`` (once
    per review: the first subject child's row) or ``"child"`` (every subject child); in a
    linked table, the table's own unit. ``aliases`` are the variable's former names.
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
    unit: str = "child"
    aliases: tuple[str, ...] = ()

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
        row_unit = str(raw.get("unit", type(self).unit))
        allowed_units = UNITS if row_unit == "child" else (row_unit,)
        self.default_unit = raw.get("defaultUnit", row_unit)
        if self.default_unit not in allowed_units:
            raise CodebookError(
                f"defaultUnit: {self.default_unit!r} is not allowed; use one of {', '.join(allowed_units)}"
            )
        self.fields: dict[str, Field] = {}
        for i, f in enumerate(raw["fields"]):
            fld = _field(f, i, self.default_unit, allowed_units)
            self.fields[fld.name] = fld
        self._columns: dict[str, tuple[Field, str | None]] = {}
        for fld in self.fields.values():
            if fld.type == "list":
                for c in fld.categories:
                    self._columns[f"{fld.prefix}_{c.value}"] = (fld, c.value)
            else:
                self._columns[fld.name] = (fld, None)
        self._aliases = _aliases(self)
        self.helpers = _helpers(raw.get("helpers"), self)
        self.periods = _periods(raw.get("periods"), self)

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
        """The label of a variable, coded column, helper, or one of its values, in ``lang``.

        >>> load_codebook().label("harm_neglect", lang="cy")
        'Esgeulustod'
        >>> load_codebook().label("board", "MWW")
        'Mid and West Wales (CYSUR)'
        >>> load_codebook().label("age_years")
        'Age in completed years'
        """
        check_lang(lang)
        if variable not in self.fields and variable not in self._columns and variable in self.helpers:
            fld, option = self.helpers[variable], None
        elif variable in self.fields:
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

    def level_label(self, variable: str, level: Any, lang: str = "en") -> str:
        """The label of ``level`` of ``variable`` as a statistics table or a published figure names it.

        Besides a code of the variable, ``level`` may be ``"true"`` (a boolean's level), or the
        name of a variable derived from some options that stands in for them
        (``parental_substance_misuse`` among the parental risks): its title.

        Examples
        --------
        >>> cb = load_codebook()
        >>> cb.level_label("parental_risks", "parental_substance_misuse")
        'Parental substance misuse'
        >>> cb.level_label("outcome", "death", lang="cy")
        'Marwolaeth'

        Raises
        ------
        ParameterError
            For a level that is none of these.
        """
        check_lang(lang)
        fld = self.fields.get(variable) or (self.resolve(variable)[0] if variable in self._columns else None)
        if fld is None and variable in self.helpers:
            fld = self.helpers[variable]
        if fld is None:
            raise ParameterError(
                f"{variable!r} is not a variable of the codebook" + _did_you_mean(variable, self.fields)
            )
        text = str(level)
        if fld.categories and text in fld.codes:
            return fld.category(text).label.get(lang)
        if text in self.fields and self.fields[text].is_derived:
            return self.fields[text].title.get(lang)
        if text.lower() == "true" and fld.kind in ("boolean", "multi"):
            return fld.title.get(lang)
        raise ParameterError(
            f"{text!r} is not a level of {variable!r}; allowed: {', '.join(fld.codes) or 'true'}"
            + _did_you_mean(text, fld.codes)
        )

    def unit_of(self, column: str) -> str:
        """The unit of analysis of a variable or coded column (`Field.unit`); the table's default for others.

        >>> load_codebook().unit_of("th_recording"), load_codebook().unit_of("sex")
        ('review', 'child')
        """
        if column in self.fields:
            return self.fields[column].unit
        if column in self._columns:
            return self._columns[column][0].unit
        if column in self.helpers:
            return self.helpers[column].unit
        return self.default_unit

    def review_level_conflicts(self, data):
        """Reviews whose review-level columns (`Field.unit` ``"review"``) differ between their rows.

        A review about several siblings has one row per child, and its review-level answers
        (type, dates, board, agencies, themes ...) must be the same on every row: statistics
        count them once per review, on the first subject child's row.

        Parameters
        ----------
        data : pandas.DataFrame
            A coded dataset (or forms with ``review_id``).

        Returns
        -------
        pandas.DataFrame
            Columns ``review_id`` and ``column`` (strings), one row per review and differing
            column, sorted; empty when every review agrees with itself.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"review_id": ["A", "A", "B"], "review_type": ["mapf", "cpr_concise", "mapf"],
        ...                    "sex": ["male", "female", "male"]})
        >>> load_codebook().review_level_conflicts(df).values.tolist()
        [['A', 'review_type']]
        """
        import pandas as pd

        out: dict[str, list[str]] = {"review_id": [], "column": []}
        if "review_id" not in data.columns or not len(data):
            return pd.DataFrame(out, dtype="string")
        cols = [c for c in data.columns if c != "review_id" and self.knows(c) and self.unit_of(c) == "review"]
        dup = data["review_id"].notna() & data["review_id"].duplicated(keep=False)
        if not dup.any() or not cols:
            return pd.DataFrame(out, dtype="string")
        part = data.loc[dup, ["review_id", *cols]].astype("string").fillna("\x00")
        counts = part.groupby("review_id", sort=True, observed=True)[cols].nunique()
        for rid, row in counts.iterrows():
            for col in cols:
                if row[col] > 1:
                    out["review_id"].append(str(rid))
                    out["column"].append(col)
        return pd.DataFrame(out, dtype="string")

    # -- renamed and moved variables -------------------------------------------------
    @property
    def aliases(self) -> dict[str, str]:
        """Every former column name and what it now is (``{"toxic_trio": "parental_adversities_all_three"}``).

        A former option flag of a value that moved to a single-choice variable reads
        ``"education_setting=home_educated"``.
        """
        return {old: col if value is None else f"{col}={value}" for old, (col, value) in self._aliases.items()}

    def canonical_column(self, name: str) -> str:
        """The current name of a form or dataset column: ``name`` itself, or what its former name became.

        Case, spaces, ``-`` and ``_`` are ignored when matching a former name. A name the codebook
        does not know is returned unchanged (the coder reports it). A former option flag whose
        value moved to a single-choice variable (``cv_home_educated``) is not a rename and is
        returned unchanged: `upgrade_forms` converts it.

        Examples
        --------
        >>> cb = load_codebook()
        >>> cb.canonical_column("toxic_trio_count"), cb.canonical_column("CV Neglect"), cb.canonical_column("outcome")
        ('parental_adversities_count', 'harm_neglect', 'outcome')
        """
        if not isinstance(name, str) or name in self._columns or name in self.fields:
            return name
        hit = self._aliases.get(_alias_key(name))
        return hit[0] if hit is not None and hit[1] is None else name

    def upgrade_forms(self, forms):
        """Coding forms written for an older codebook, in this codebook's terms (a new DataFrame).

        Renames former columns (`canonical_column`); turns a former option flag of a value that
        moved to a single-choice variable into that variable's value (``cv_home_educated: yes``
        -> ``education_setting: home_educated`` where it is empty); and moves values a list
        variable no longer has to the variable that now has them (``child_vulnerabilities:
        "neglect; poor_home_conditions"`` -> ``harm_experienced: "neglect"`` and
        ``child_vulnerabilities: "poor_home_conditions"``). A list left empty by the move reads
        ``none`` (it was recorded); when the forms have no column for the new variable, one is
        added, ``none`` where the old list was recorded without any moved value and empty where
        it was not recorded. Forms already in this codebook's terms come back unchanged (a shallow copy).
        Headers may be names or English or Welsh titles; values codes or labels, in any case.

        Parameters
        ----------
        forms : pandas.DataFrame
            Raw coding forms (strings), as `cprstats.read_forms` gives them.

        Returns
        -------
        pandas.DataFrame

        Examples
        --------
        >>> import pandas as pd
        >>> old = pd.DataFrame({"review_id": ["SYN-A 1 2019", "SYN-A 2 2019"],
        ...                     "child_vulnerabilities": ["Neglect; poor_home_conditions", "mental_health"],
        ...                     "cv_home_educated": ["yes", "no"]})
        >>> new = load_codebook().upgrade_forms(old)
        >>> new[["child_vulnerabilities", "harm_experienced", "education_setting"]].values.tolist()
        [['poor_home_conditions', 'neglect', 'home_educated'], ['mental_health', 'none', '']]
        """
        import pandas as pd

        if not isinstance(forms, pd.DataFrame):
            raise ParameterError(f"forms must be a DataFrame of coding forms, got {type(forms).__name__}")
        work = _Copy(forms)  # copied on the first change: forms in this codebook's terms cost nothing
        headers = {_alias_key(c): c for c in forms.columns if isinstance(c, str)}
        # 1. renamed columns (a renamed column is left alone when its new name is there too)
        renames = {}
        for col in forms.columns:
            if not isinstance(col, str) or col in self._columns or col in self.fields:
                continue
            hit = self._aliases.get(_alias_key(col))
            if hit is None or hit[1] is not None or _alias_key(hit[0]) in headers:
                continue
            renames[col] = hit[0]
        if renames:
            work.frame = work.get().rename(columns=renames)
            headers = {_alias_key(c): c for c in work.frame.columns if isinstance(c, str)}
        # 2. option flags of values that moved to a single-choice variable
        for key, (target, value) in self._aliases.items():
            col = headers.get(key)
            if value is None or col is None:
                continue
            out = work.get()
            flag = out[col].astype("string").str.strip().str.casefold().isin(_YES).fillna(False).to_numpy(bool)
            tcol = self._header(headers, self.fields[target])
            if tcol is None:
                tcol = target
                out[tcol] = ""
                headers[_alias_key(tcol)] = tcol
            empty = out[tcol].astype("string").fillna("").str.strip().eq("").to_numpy(bool)
            out.loc[flag & empty, tcol] = value
            work.frame = out.drop(columns=[col])
            del headers[key]
        # 3. values that moved out of a list variable
        for fld in self.fields.values():
            for cat in fld.categories:
                if cat.moved_from is None:
                    continue
                source = self._header(headers, self.fields[cat.moved_from])
                if source is not None:
                    self._move_values(work, headers, self.fields[cat.moved_from], source, fld, cat)
        return work.frame.copy(deep=False) if work.frame is forms else work.frame

    def _header(self, headers: Mapping[str, str], fld: Field) -> str | None:
        """The forms' header for ``fld`` (its name, or its English or Welsh title), if there is one."""
        for key in (fld.name, fld.title.en, fld.title.cy):
            col = headers.get(_alias_key(key))
            if col is not None:
                return col
        return None

    def _move_values(self, work, headers, source_fld: Field, source: str, target_fld: Field, cat: Category) -> None:
        import numpy as np
        import pandas as pd

        tokens = {_alias_key(x) for x in (cat.value, cat.label.en, cat.label.cy)}
        none_key = _alias_key(self.none_value)
        codes, uniques = pd.factorize(work.frame[source].astype("string").fillna(""), use_na_sentinel=False)
        split = re.compile(rf"[{re.escape(source_fld.delimiter)}\n]")
        kept, moved, recorded = [], [], []
        for text in map(str, uniques):
            parts = [p.strip() for p in split.split(text) if p.strip()]
            # a cell that says "none" and something else is the coder's to correct: left as it is
            hit = [] if any(_alias_key(p) == none_key for p in parts) else [p for p in parts if _alias_key(p) in tokens]
            rest = [p for p in parts if _alias_key(p) not in tokens]
            kept.append(f"{source_fld.delimiter} ".join(rest) if rest else (self.none_value if hit else text))
            moved.append(bool(hit))
            recorded.append(bool(parts))
        if not any(moved):
            return
        out = work.get()
        moved_rows = np.asarray(moved, dtype=bool)[codes]
        recorded_rows = np.asarray(recorded, dtype=bool)[codes]
        out[source] = np.asarray(kept, dtype=object)[codes]
        tcol = self._header(headers, target_fld)
        if tcol is None:
            tcol = target_fld.name
            fill = self.none_value if target_fld.type == "list" else ""
            out[tcol] = np.where(recorded_rows, fill, "").astype(object)
            headers[_alias_key(tcol)] = tcol
        current = out[tcol].astype("string").fillna("").str.strip().to_numpy(dtype=object)
        if target_fld.type == "list":
            joined = [
                cat.value if cur == "" or _alias_key(cur) == none_key else f"{cur}{target_fld.delimiter} {cat.value}"
                for cur in current[moved_rows]
            ]
        else:
            joined = [cat.value if cur == "" else cur for cur in current[moved_rows]]
        current[moved_rows] = joined
        out[tcol] = current

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
                if c.definition is not None:
                    yield f"{fld.name}.{c.value}.definition", c.definition
        for fld in self.helpers.values():
            yield f"helpers.{fld.name}.title", fld.title
            yield f"helpers.{fld.name}.description", fld.description
        yield from self.periods.texts()
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


class _Copy:
    """A frame copied the first time it is about to change (`Codebook.upgrade_forms`)."""

    def __init__(self, frame):
        self.frame = frame
        self._copied = False

    def get(self):
        if not self._copied:
            self.frame = self.frame.copy()
            self._copied = True
        return self.frame


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
                    if c.definition is not None:
                        yield f"{fld.name}.{c.value}.definition", c.definition

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


def _alias_key(name: Any) -> str:
    """How a column name is matched with former names: case, spaces, ``-`` and ``_`` ignored."""
    return "_".join(re.sub(r"[^0-9a-z]+", " ", str(name).casefold()).split())


def _names(raw: Any, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(a, str) and _NAME.match(a) for a in raw):
        raise CodebookError(f"{where}: expected a list of snake_case names, got {raw!r}")
    return tuple(raw)


def _aliases(cb: Codebook) -> dict[str, tuple[str, str | None]]:
    """Former name -> (current column, None) for a rename, or (single-choice variable, value) for a moved flag."""
    out: dict[str, tuple[str, str | None]] = {}

    def add(old: str, target: tuple[str, str | None], where: str) -> None:
        key = _alias_key(old)
        if old in cb.fields or old in cb._columns:
            raise CodebookError(f"{where}.aliases: {old!r} is the name of a current variable or column")
        if key in out:
            raise CodebookError(f"{where}.aliases: {old!r} is already a former name of {out[key][0]!r}")
        out[key] = target

    for fld in cb.fields.values():
        for old in fld.aliases:
            add(old, (fld.name, None), fld.name)
        for c in fld.categories:
            for old in c.aliases:
                target = (f"{fld.prefix}_{c.value}", None) if fld.type == "list" else (fld.name, c.value)
                add(old, target, f"{fld.name}.{c.value}")
            if c.moved_from is not None:
                src = cb.fields.get(c.moved_from)
                if src is None or src.type != "list":
                    raise CodebookError(
                        f"{fld.name}.{c.value}.movedFrom: {c.moved_from!r} is not a multi-response variable"
                        + _did_you_mean(c.moved_from, [f.name for f in cb.multi_fields])
                    )
                if c.value in src.codes:
                    raise CodebookError(
                        f"{fld.name}.{c.value}.movedFrom: {c.moved_from!r} still has the value {c.value!r}"
                    )
    return out


def _helpers(raw: Any, cb: Codebook) -> dict[str, Field]:
    """``helpers:``: named quantities computed from a variable on the fly (``age_years``), never a column."""
    if raw is None:
        return {}
    if not isinstance(raw, list):
        raise CodebookError("helpers: expected a list of variables computed on the fly")
    out: dict[str, Field] = {}
    for i, spec in enumerate(raw):
        fld = _field(spec, i, cb.default_unit, UNITS, where=f"helpers[{i}]", methods=("divide",))
        if fld.name in cb.fields or fld.name in cb._columns or fld.name in out:
            raise CodebookError(f"helpers[{i}].name: {fld.name!r} is already a variable or column")
        d = fld.derived or {}
        if d.get("method") != "divide" or d["from"][0] not in cb.fields or not isinstance(d.get("value"), int):
            raise CodebookError(
                f"helpers[{i}] ({fld.name}).derived: a helper is {{method: divide, from: [<variable>], value: <int>}}"
            )
        out[fld.name] = fld
    return out


@dataclass(frozen=True)
class NamedPeriod:
    """A named window of months (``periods.named`` in the codebook), e.g. the SUSR era."""

    name: str
    start: str | None  # YYYY-MM, first month included; None: open
    end: str | None  # YYYY-MM, last month included; None: open
    title: Text
    description: Text | None = None


@dataclass(frozen=True)
class PeriodScheme:
    """How a report's window may be given (``periods:`` in the codebook).

    ``anchors`` maps an anchor name (``"incident"``, ``"publication"``) to the year-month
    variable it reads and the phrase that names it (``"by incident date"``); ``named`` are the
    named windows; financial years (``fy2019``) start in ``fy_start_month``.
    """

    anchors: Mapping[str, tuple[str, Text]]
    default_anchor: str
    fy_start_month: int
    fy_prefix: str
    fy_title: Text
    range_title: Text
    named: Mapping[str, NamedPeriod]

    def texts(self) -> Iterable[tuple[str, Text]]:
        for name, (_, phrase) in self.anchors.items():
            yield f"periods.anchors.{name}", phrase
        yield "periods.financialYear.title", self.fy_title
        yield "periods.range.title", self.range_title
        for p in self.named.values():
            yield f"periods.named.{p.name}.title", p.title
            if p.description is not None:
                yield f"periods.named.{p.name}.description", p.description


_DEFAULT_PERIODS = {
    "anchors": {
        "incident": {
            "column": "incident_date",
            "title": {"en": "by incident date", "cy": "yn ôl dyddiad y digwyddiad"},
        },
        "publication": {
            "column": "publication_date",
            "title": {"en": "by publication date", "cy": "yn ôl dyddiad cyhoeddi"},
        },
    },
    "defaultAnchor": "incident",
    "financialYear": {
        "startMonth": 4,
        "prefix": "fy",
        "title": {"en": "financial year {start}-{end}", "cy": "blwyddyn ariannol {start}-{end}"},
    },
    "range": {"title": {"en": "{start} to {end}", "cy": "{start} i {end}"}},
    "named": [],
}


def _month_text(value: Any, where: str) -> str | None:
    if value is None:
        return None
    text = str(value)
    if not _MONTH.match(text):
        raise CodebookError(f"{where}: {value!r} is not a month written YYYY-MM")
    return text


def _periods(raw: Any, cb: Codebook) -> PeriodScheme:
    """``periods:``: the anchors, financial years and named windows a report may use (defaults if absent)."""
    if raw is None:
        raw = _DEFAULT_PERIODS
    if not isinstance(raw, Mapping):
        raise CodebookError("periods: expected a mapping with anchors, financialYear and named")
    raw = {**_DEFAULT_PERIODS, **raw}
    anchors: dict[str, tuple[str, Text]] = {}
    if not isinstance(raw["anchors"], Mapping) or not raw["anchors"]:
        raise CodebookError("periods.anchors: expected a mapping of anchor name to {column, title}")
    for name, spec in raw["anchors"].items():
        where = f"periods.anchors.{name}"
        if not isinstance(spec, Mapping) or "column" not in spec or "title" not in spec:
            raise CodebookError(f"{where}: expected {{column, title}}")
        col = spec["column"]
        if col in cb.fields and cb.fields[col].type not in ("yearmonth", "date"):
            raise CodebookError(f"{where}.column: {col!r} is not a year-month or date variable")
        anchors[str(name)] = (str(col), _text(spec["title"], f"{where}.title"))
    default = raw["defaultAnchor"]
    if default not in anchors:
        raise CodebookError(f"periods.defaultAnchor: {default!r} is not one of the anchors ({', '.join(anchors)})")
    fy = raw["financialYear"]
    if not isinstance(fy, Mapping):
        raise CodebookError("periods.financialYear: expected {startMonth, prefix, title}")
    start_month = fy.get("startMonth", 4)
    if isinstance(start_month, bool) or not isinstance(start_month, int) or not 1 <= start_month <= 12:
        raise CodebookError(f"periods.financialYear.startMonth: {start_month!r} is not a month number 1 to 12")
    prefix = str(fy.get("prefix", "fy"))
    if not _NAME.match(prefix):
        raise CodebookError(f"periods.financialYear.prefix: {prefix!r} is not a lower-case word")
    named: dict[str, NamedPeriod] = {}
    reserved = {"all", *(cb.fields["period"].codes if "period" in cb.fields else ())}
    for i, spec in enumerate(raw.get("named") or []):
        where = f"periods.named[{i}]"
        if not isinstance(spec, Mapping) or "name" not in spec or "title" not in spec:
            raise CodebookError(f"{where}: expected {{name, title, start and/or end}}")
        name = spec["name"]
        if not isinstance(name, str) or not _NAME.match(name):
            raise CodebookError(f"{where}.name: {name!r} is not a snake_case name")
        if name in reserved or name in named or re.fullmatch(rf"{prefix}\d{{4}}", name):
            raise CodebookError(f"{where}.name: {name!r} clashes with a period code, 'all' or a financial year")
        start, end = _month_text(spec.get("start"), f"{where}.start"), _month_text(spec.get("end"), f"{where}.end")
        if start is None and end is None:
            raise CodebookError(f"{where}: give a start or an end month (YYYY-MM)")
        if start is not None and end is not None and end < start:
            raise CodebookError(f"{where}: end {end} is before start {start}")
        desc = _text(spec["description"], f"{where}.description") if "description" in spec else None
        named[name] = NamedPeriod(name, start, end, _text(spec["title"], f"{where}.title"), desc)
    return PeriodScheme(
        anchors=anchors,
        default_anchor=str(default),
        fy_start_month=start_month,
        fy_prefix=prefix,
        fy_title=_text(fy.get("title", _DEFAULT_PERIODS["financialYear"]["title"]), "periods.financialYear.title"),
        range_title=_text((raw.get("range") or {}).get("title", _DEFAULT_PERIODS["range"]["title"]), "periods.range"),
        named=named,
    )


def _field(
    raw: Any,
    i: int,
    default_unit: str = "child",
    units: tuple[str, ...] = UNITS,
    where: str = "",
    methods: tuple[str, ...] = DERIVE_METHODS,
) -> Field:
    if not isinstance(raw, Mapping):
        raise CodebookError(f"fields[{i}]: expected a mapping, got {type(raw).__name__}")
    name = raw.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise CodebookError(f"{where or f'fields[{i}]'}.name: {name!r} is not a snake_case name")
    where = f"{where or f'fields[{i}]'} ({name})"
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
        attrs = {k: v for k, v in c.items() if k not in ("value", "label", "definition", "aliases", "movedFrom")}
        definition = _text(c["definition"], f"{where}.categories[{j}].definition") if "definition" in c else None
        moved = c.get("movedFrom")
        if moved is not None and (not isinstance(moved, str) or not _NAME.match(moved)):
            raise CodebookError(f"{where}.categories[{j}].movedFrom: {moved!r} is not a variable name")
        cats.append(
            Category(
                value,
                _text(c["label"], f"{where}.categories[{j}].label"),
                attrs,
                definition,
                _names(c.get("aliases"), f"{where}.categories[{j}].aliases"),
                moved,
            )
        )
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
        if not isinstance(derived, Mapping) or derived.get("method") not in methods:
            raise CodebookError(
                f"{where}.derived.method: {derived.get('method') if isinstance(derived, Mapping) else derived!r}"
                f" is not allowed; use one of {', '.join(methods)}"
            )
        if not isinstance(derived.get("from"), list) or not derived["from"]:
            raise CodebookError(f"{where}.derived.from: a list of the variables it is derived from is required")
    constraints = raw.get("constraints") or {}
    if not isinstance(constraints, Mapping):
        raise CodebookError(f"{where}.constraints: expected a mapping")
    if len(name) > _STATA_MAX:
        raise CodebookError(f"{where}.name: longer than {_STATA_MAX} characters (Stata's limit)")
    unit = raw.get("unit", default_unit)
    if unit not in units:
        raise CodebookError(f"{where}.unit: {unit!r} is not allowed; use one of {', '.join(units)}")
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
        unit=str(unit),
        aliases=_names(raw.get("aliases"), f"{where}.aliases"),
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
