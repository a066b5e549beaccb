"""Check, and protect, every table a report or a run publishes, together.

`cprstats.suppress` protects one table at a time. A reader of a whole report, or of every
report of a run, has more: the same cell in two tables, a period's tables and the all-period
table (``all = pre_covid + post_covid``), each board's tables and the all-Wales ones
(``wales = the boards``), a derived variable and what it is derived from. `audit` builds
**one** linear program over every number published, with every such relation, and bounds
each hidden count and denominator; `protect_together` hides more cells until the audit
passes.

Relations
---------
The published numbers are cells ``(variable, level, population)`` and
``(variable, n, population)``: a population is the scope of the table (its region and
period) narrowed by the table's group (its ``by`` value), so "MWW in a Wales table by board"
and "all in an MWW table" are one cell, counted once; the same number published twice
must agree (`ParameterError` if it does not). Between them:

- **margins**: for every variable, the cells over every combination of the dimensions its
  tables use (board, period, a ``by`` variable) form a multi-way table with all its margins:
  ``all = pre_covid + post_covid (+ reviews with no period)``,
  ``wales = the boards (+ reviews with no board)``, ``all = the groups of a by-table (+ the
  reviews in none)``. The cells no table shows are latent (unknown to the reader). The
  reviews with no value of a dimension are a latent group of their own, unless the dimension
  is declared ``exhaustive`` (everywhere), or a table by that dimension declares its groups
  complete (``attrs["groups"]["relation"] == "eq"``, as `cprstats.proportions` does), which
  sets that latent group to 0 within the table's scope;
- **rows**: the levels of a single-choice variable add up to ``n`` (at most ``n`` when the
  tables leave levels out); each multi-response option or boolean is at most ``n``;
- **one group against the rest** (a comparison in count layout, group ``"rest"``): the rest
  is the sum of the other groups;
- **co-occurrence tables** (`cprstats.cooccurrence`): the diagonal is each option's count;
  a pair is at most each option and at least their sum minus ``n`` (Fréchet bounds);
- **derived variables**, read from the codebook's ``derived`` entries
  (``cprstats/codebook/codebook.yaml``, computed by ``cprstats/forms/derivations.py``):

  - ``bands`` (two bandings of one source, e.g. ``age_band_mcmanus`` and
    ``age_band_england``): a band is at most the bands of the other banding it overlaps
    and at least those it contains (equal when they tile it); equal denominators when both
    bandings cover the same range;
  - ``any`` (``parental_substance_misuse``): each source <= the derived count <= the sum of
    the sources (a source may be a multi-response option, e.g. ``pr_alcohol_misuse``);
  - ``count`` followed by ``compare`` (all three parental adversities: their count ``>= 3``): ``k`` times
    the derived count is at most the sum of the sources (each review counted has at least
    ``k`` of them); with ``k`` = all sources, at most each source; with ``k = 1``, at least
    each;
  - ``isin`` (``youngest``): the derived count equals the sum of the source's listed
    levels, and its denominator the source's denominator minus the levels mapped to missing;
  - ``compare`` and ``add`` chains on one numeric source (``has_siblings = n_siblings >= 1``,
    ``large_sibling_group = sibling_group_size >= 3 = n_siblings >= 2``): nested conditions
    give nested counts (``large_sibling_group <= has_siblings``) and equal denominators; a
    table of the source's values (e.g. ``sibling_group_size`` with levels ``"1"``,
    ``"2"``...) gives ``has_siblings >= the sum of the levels >= 2``.

Not expressed (documented limits): ``board_lookup`` and ``date_periods`` enter as the board
and period dimensions only (no local authority to board sums: Bridgend changed board in
2019); ``year`` tables (trends) and joint tests across several groups are not related to
anything; a ``by`` variable's own table is not tied to the denominators of a table by it
(``n`` of the deaths group <= the count of deaths holds, but only with equality when nothing
is missing, which the reader does not know); ``compare`` with ``==`` or on a real source is
related only through the chains above.

The criterion
-------------
When a table comes with its unsuppressed counts (`Published.original`, never published),
each hidden count is judged by the criterion of ``cprstats/disclosure/cells.py``: a count or
denominator from 1 to ``threshold - 1`` (or the complement ``n - count`` of a boolean or
option) must have a feasible interval covering ``0 .. min(threshold - 1, n)``. Without them
the audit does not know which hidden cells are small, and judges every hidden cell as a
reader would: it fails when its interval reaches a value from 1 to ``threshold - 1``
without covering ``0 .. threshold - 1`` (the ``*`` says "0 to 4, or hidden to protect
another"); an interval at or above ``threshold``, or exactly 0, tells nothing small. This is
stricter than the criterion with the counts known, never looser.

References
----------
Hundepool A, Domingo-Ferrer J, Franconi L, Giessing S, Schulte Nordholt E, Spicer K,
de Wolf P-P (2012), *Statistical Disclosure Control*, Wiley, sections 4.3 (linked tables),
4.4 (secondary suppression and its audit) and 5.4 (frequency tables),
doi:10.1002/9781118348239.
de Wolf P-P, Giessing S (2009), Adjusting the tau-ARGUS modular approach to deal with linked
tables, Data & Knowledge Engineering 68(11):1160-1174.

Examples
--------
Mid and West Wales before Covid-19 shows 7 reviews with a theme; the by-period table shows 8
in all and hides the periods; the post-Covid count is then 8 - 7 = 1:

>>> import pandas as pd
>>> pre = pd.DataFrame({"variable": "themes", "level": "escalation", "group": "all", "count": [7.0],
...                     "n": [20.0]})
>>> by_period = pd.DataFrame({"variable": "themes", "level": "escalation",
...                           "group": ["pre_covid", "post_covid", "all"],
...                           "count": [float("nan"), float("nan"), 8.0], "n": [20.0, 9.0, 29.0]})
>>> tables = [Published(pre, "themes", region="MWW", period="pre_covid"),
...           Published(by_period, "themes_by_period", region="MWW", by="period")]
>>> audit(tables)[["table", "level", "group", "low", "high"]]
              table       level       group  low  high
0  themes_by_period  escalation  post_covid  1.0   1.0
>>> safe = protect_together(tables)
>>> safe[1].table["count"].tolist(), len(audit(safe))
([nan, nan, nan], 0)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from cprstats.codebook.model import resolve
from cprstats.disclosure.cells import Cells, Need, covered, protect
from cprstats.disclosure.suppression import REASONS, _check_threshold
from cprstats.errors import ParameterError

__all__ = ["Published", "audit", "protect_together", "FAILURE_COLUMNS", "MAX_CELLS"]

#: Columns of `audit`'s result.
FAILURE_COLUMNS = ("table", "variable", "level", "group", "quantity", "low", "high")
#: The largest linear program `audit` builds (cells, latent ones included).
MAX_CELLS = 400_000
TOTAL = "all"
REST = "rest"
_NONE = "\x00none"  # the reviews with no value of a dimension
_NOT = "\x00not:"  # one group's rest
_KEEP = ("ci_level",)
_REQUIRED = ("variable", "level", "group", "count", "n")


@dataclass(frozen=True)
class Published:
    """One published table and where it belongs.

    Attributes
    ----------
    table : pandas.DataFrame
        A tidy suppressed count table (`cprstats.suppress`; a comparison through
        `cprstats.disclosure.suppression.comparison_as_counts`): hidden counts and
        denominators are NaN.
    name : str
        How failures name it (a file name, say).
    region : str, default "wales"
        ``"wales"``, a board or a local-authority code: the data the table was made from.
    period : str, default "all"
        ``"all"`` or a period code.
    by : str, optional
        The variable the table's groups are values of; default: ``attrs["groups"]["by"]``
        (`cprstats.proportions`), ``attrs["by"]``, else inferred (board, local authority,
        period).
    original : pandas.DataFrame, optional
        The same table before suppression. Never published: it tells the audit which hidden
        cells are small (see the module notes).
    """

    table: pd.DataFrame
    name: str
    region: str = "wales"
    period: str = "all"
    by: str | None = None
    original: pd.DataFrame | None = None


@dataclass
class _Entry:
    item: Any
    table: pd.DataFrame
    name: str
    scope: dict
    by: str | None
    relation: str | None
    original: pd.DataFrame | None
    pairs: bool = False


# ---------------------------------------------------------------------- reading the tables
def _attr_by(table: pd.DataFrame) -> str | None:
    groups = table.attrs.get("groups")
    if isinstance(groups, Mapping) and groups.get("by"):
        return str(groups["by"])
    if table.attrs.get("by"):
        return str(table.attrs["by"])
    rec = table.attrs.get("disclosure")
    if isinstance(rec, Mapping) and rec.get("by"):
        return str(rec["by"])
    return None


def _as_published(item: Any, i: int) -> Published:
    if isinstance(item, Published):
        return item
    if isinstance(item, pd.DataFrame):
        rec = item.attrs.get("disclosure") if isinstance(item.attrs.get("disclosure"), Mapping) else {}
        region = item.attrs.get("region") or rec.get("scope") or "wales"
        return Published(item, str(item.attrs.get("name", f"table_{i}")), region, item.attrs.get("period", "all"))
    if isinstance(item, Mapping):
        unknown = set(item) - {"table", "name", "region", "period", "by", "original"}
        if "table" not in item or unknown:
            raise ParameterError(
                f"tables[{i}] must be a Published, a DataFrame, or a dict with 'table' and optionally "
                f"'name', 'region', 'period', 'by', 'original'; got keys {sorted(item)}"
            )
        return Published(
            item["table"],
            str(item.get("name", f"table_{i}")),
            item.get("region", "wales"),
            item.get("period", "all"),
            item.get("by"),
            item.get("original"),
        )
    raise ParameterError(f"tables[{i}] is a {type(item).__name__}; give Published tables (or DataFrames)")


def _scope(pub: Published, cb) -> dict:
    scope = {}
    if pub.region not in (None, "wales"):
        for dim in ("board", "local_authority"):
            if dim in cb.fields and pub.region in cb.field(dim).codes:
                scope[dim] = str(pub.region)
                break
        else:
            raise ParameterError(f"table {pub.name!r}: region={pub.region!r} is not 'wales', a board or an authority")
    if pub.period not in (None, "all"):
        if "period" not in cb.fields or pub.period not in cb.field("period").codes:
            raise ParameterError(f"table {pub.name!r}: period={pub.period!r} is not 'all' or a period of the codebook")
        scope["period"] = str(pub.period)
    return scope


def _infer_by(table: pd.DataFrame, name: str, cb) -> str | None:
    groups = {str(g) for g in pd.unique(table["group"].dropna())} - {TOTAL, REST}
    if not groups:
        return None
    for dim in ("board", "local_authority", "period"):
        if dim in cb.fields and groups <= set(cb.field(dim).codes):
            return dim
    raise ParameterError(
        f"table {name!r} has groups {sorted(groups)[:5]} but no 'by': say which variable they are values of "
        "(Published(..., by=...))"
    )


def _is_pairs(table: pd.DataFrame, cb) -> bool:
    """A `cooccurrence` table: groups are options of the (multi-response) variable itself."""
    variables = pd.unique(table["variable"].astype(str))
    if len(variables) != 1 or variables[0] not in cb.fields or cb.field(variables[0]).kind != "multi":
        return False
    codes = set(cb.field(variables[0]).codes)
    groups = set(map(str, pd.unique(table["group"].astype(str))))
    return groups <= codes and bool((table["level"].astype(str) == table["group"].astype(str)).any())


def _entries(tables: Iterable[Any], cb) -> list[_Entry]:
    if isinstance(tables, (pd.DataFrame, Published)) or not isinstance(tables, Iterable):
        raise ParameterError("tables must be a list of published tables (Published, or DataFrames)")
    out = []
    for i, item in enumerate(tables):
        pub = _as_published(item, i)
        t = pub.table
        if not isinstance(t, pd.DataFrame):
            raise ParameterError(f"table {pub.name!r} is a {type(t).__name__}, not a DataFrame")
        missing = [c for c in _REQUIRED if c not in t.columns]
        if missing:
            raise ParameterError(f"table {pub.name!r} lacks the column(s) {', '.join(missing)}")
        if pub.original is not None and (not isinstance(pub.original, pd.DataFrame) or len(pub.original) != len(t)):
            raise ParameterError(f"table {pub.name!r}: original must be the same table before suppression")
        pairs = _is_pairs(t, cb)
        by = None if pairs else (pub.by or _attr_by(t) or _infer_by(t, pub.name, cb))
        groups = t.attrs.get("groups") if isinstance(t.attrs.get("groups"), Mapping) else {}
        relation = groups.get("relation") if groups.get("by") == by else None
        out.append(_Entry(item, t, pub.name, _scope(pub, cb), by, relation, pub.original, pairs))
    return out


def _key_pop(pop: Mapping) -> tuple:
    return tuple(sorted(pop.items()))


# ---------------------------------------------------------------------- the derivations
def _source(cb, column: str) -> tuple[str, str | None] | None:
    """(variable, level) counted by a codebook column: an option, a boolean's "true", or a whole variable."""
    if not cb.knows(column):
        return None
    if column in cb.fields:
        fld = cb.field(column)
        return (fld.name, "true") if fld.kind == "boolean" else (fld.name, None)
    fld, option = cb.resolve(column)
    return (fld.name, option)


def _root(cb, name: str) -> tuple[str, float]:
    """Follow ``add`` derivations: the variable is ``root + offset``."""
    offset = 0.0
    seen = set()
    while name in cb.fields and name not in seen:
        seen.add(name)
        d = cb.field(name).derived
        if not d or d.get("method") != "add":
            break
        offset += float(d.get("value", 0))
        name = d["from"][0]
    return name, offset


def _condition(op: str, value: float) -> tuple[float, bool, float, bool] | None:
    """The set ``{v: v op value}`` as (low, low closed, high, high closed)."""
    inf = math.inf
    return {
        ">=": (value, True, inf, False),
        ">": (value, False, inf, False),
        "<=": (-inf, False, value, True),
        "<": (-inf, False, value, False),
        "==": (value, True, value, True),
    }.get(op)


def _inside(a, b) -> bool:
    """Interval a is inside interval b."""
    lo_ok = a[0] > b[0] or (a[0] == b[0] and (b[1] or not a[1]))
    hi_ok = a[2] < b[2] or (a[2] == b[2] and (b[3] or not a[3]))
    return lo_ok and hi_ok


def _contains_value(interval, v: float) -> bool:
    lo = v > interval[0] or (v == interval[0] and interval[1])
    hi = v < interval[2] or (v == interval[2] and interval[3])
    return lo and hi


def _band(cat) -> tuple[float, float]:
    hi = cat.attrs.get("max")
    return float(cat.attrs["min"]), math.inf if hi is None else float(hi)


def _templates(cb, present: Mapping[str, set]) -> list:
    """Relations between variables, as (members [(kind, variable, level, coef)], sense)."""
    out = []

    def x(v, lv, coef=1.0):
        return ("x", v, lv, coef)

    def n(v, coef=1.0):
        return ("n", v, None, coef)

    derived = [f for f in cb.fields.values() if f.derived]
    # bands: two bandings of one source
    bands = [f for f in derived if f.derived.get("method") == "bands" and f.name in present]
    for a, b in itertools.permutations(bands, 2):
        if a.derived["from"] != b.derived["from"]:
            continue
        for ca in a.categories:
            ia = _band(ca)
            overlap = [cb_.value for cb_ in b.categories if _band(cb_)[0] <= ia[1] and ia[0] <= _band(cb_)[1]]
            within = [cb_.value for cb_ in b.categories if ia[0] <= _band(cb_)[0] and _band(cb_)[1] <= ia[1]]
            if overlap:
                out.append(([x(a.name, ca.value)] + [x(b.name, v, -1.0) for v in overlap], "le"))
            if within and within != overlap:
                out.append(([x(b.name, v) for v in within] + [x(a.name, ca.value, -1.0)], "le"))
            elif within:
                out.append(([x(b.name, v) for v in within] + [x(a.name, ca.value, -1.0)], "eq"))
        cover_a = (min(_band(c)[0] for c in a.categories), max(_band(c)[1] for c in a.categories))
        cover_b = (min(_band(c)[0] for c in b.categories), max(_band(c)[1] for c in b.categories))
        if cover_a == cover_b and a.name < b.name:
            out.append(([n(a.name), n(b.name, -1.0)], "eq"))
    # any: each source <= derived <= sum of the sources
    for f in derived:
        if f.derived.get("method") != "any" or f.name not in present:
            continue
        sources = [_source(cb, s) for s in f.derived["from"]]
        if any(s is None or s[1] is None for s in sources):
            continue
        for v, lv in sources:
            out.append(([x(v, lv), x(f.name, "true", -1.0)], "le"))
        out.append(([x(f.name, "true")] + [x(v, lv, -1.0) for v, lv in sources], "le"))
    # isin: equal to the listed levels; n = source's n minus the levels mapped to missing
    for f in derived:
        if f.derived.get("method") != "isin" or f.name not in present:
            continue
        src = _source(cb, f.derived["from"][0])
        if src is None or src[1] is not None:
            continue
        values = [str(v) for v in f.derived.get("values", [])]
        gone = [str(v) for v in f.derived.get("missing", [])]
        out.append(([x(f.name, "true")] + [x(src[0], v, -1.0) for v in values], "eq"))
        out.append(([n(f.name), n(src[0], -1.0)] + [x(src[0], v) for v in gone], "eq"))
    # compare (through add chains): nested conditions on one root, and counts of sources
    conds = {}
    for f in derived:
        d = f.derived
        if d.get("method") != "compare" or f.name not in present:
            continue
        root, offset = _root(cb, d["from"][0])
        cond = _condition(d.get("op", ">="), float(d["value"]) - offset)
        if cond is not None:
            conds[f.name] = (root, cond)
    for (fa, (ra, ca)), (fb, (rb, cb_)) in itertools.permutations(conds.items(), 2):
        if ra != rb:
            continue
        if _inside(ca, cb_):
            out.append(([x(fa, "true"), x(fb, "true", -1.0)], "le"))
        if fa < fb:
            out.append(([n(fa), n(fb, -1.0)], "eq"))
    for fname, (root, cond) in conds.items():
        rfield = cb.fields.get(root)
        rd = rfield.derived if rfield is not None else None
        if rd and rd.get("method") == "count" and cond[2] == math.inf:
            sources = [_source(cb, s) for s in rd["from"]]
            if any(s is None or s[1] is None for s in sources):
                continue
            k = math.floor(cond[0]) + (0 if cond[1] and cond[0] == math.floor(cond[0]) else 1)
            if k <= 0:
                continue
            out.append(([x(fname, "true", float(k))] + [x(v, lv, -1.0) for v, lv in sources], "le"))
            if k >= len(sources):
                out.extend(([x(fname, "true"), x(v, lv, -1.0)], "le") for v, lv in sources)
            if k == 1:
                out.extend(([x(v, lv), x(fname, "true", -1.0)], "le") for v, lv in sources)
        # a table of the root's values (levels "1", "2" ...), or of root + offset
        for tabled, levels in present.items():
            troot, toff = _root(cb, tabled) if tabled in cb.fields else (tabled, 0.0)
            if troot != root or tabled == fname:
                continue
            inside = []
            for lv in levels:
                try:
                    value = float(lv) - toff
                except (TypeError, ValueError):
                    inside = []
                    break
                if _contains_value(cond, value):
                    inside.append(lv)
            if inside:
                out.append(([x(tabled, lv) for lv in inside] + [x(fname, "true", -1.0)], "le"))
                out.append(([n(fname), n(tabled, -1.0)], "eq"))
    return out


# ---------------------------------------------------------------------- the model
class _Model:
    """Every published number as a cell, the latent cells between them, and the relations."""

    def __init__(self, entries: list[_Entry], threshold: int, cb, exhaustive: set):
        self.entries, self.threshold, self.cb, self.exhaustive = entries, threshold, cb, exhaustive
        self.index: dict = {}
        self.keys: list = []
        self.shown: list[float] = []  # the published value (NaN: shown nowhere)
        self.hidden_any: list[bool] = []
        self.truth: dict[int, float] = {}
        self.rows: list[list] = [[] for _ in entries]  # per entry, per row: (count cell, n cell) or None
        self.relations: list = []
        self.levels: dict[str, list] = {}
        self.pops: dict[str, set] = {}
        self.dims: dict[str, dict] = {}
        for e, entry in enumerate(entries):
            self._read(e, entry)
        self._lattices()
        self._derived()

    # -- cells
    def cell(self, key) -> int:
        c = self.index.get(key)
        if c is None:
            c = len(self.keys)
            self.index[key] = c
            self.keys.append(key)
            self.shown.append(np.nan)
            self.hidden_any.append(False)
        return c

    def _publish(self, c: int, value: float, name: str) -> None:
        if np.isnan(value):
            self.hidden_any[c] = True
        elif np.isnan(self.shown[c]):
            self.shown[c] = value
        elif self.shown[c] != value:
            k = self.keys[c]
            raise ParameterError(
                f"table {name!r} publishes {value:g} for {k[1]}{' n' if k[0] == 'n' else '=' + repr(k[2])} in "
                f"{dict(k[-1]) or 'the whole data'}, "
                f"another table {self.shown[c]:g}: the tables are not from the same data"
            )

    def _see(self, v: str, pop: tuple, level=None) -> None:
        self.pops.setdefault(v, set()).add(pop)
        if level is not None and level not in self.levels.setdefault(v, []):
            self.levels[v].append(level)
        for dim, value in pop:
            codes = self.dims.setdefault(dim, {})
            if not str(value).startswith("\x00"):
                codes.setdefault(value, None)

    def _read(self, e: int, entry: _Entry) -> None:
        t = entry.table
        count = pd.to_numeric(t["count"], errors="coerce").astype("float64").to_numpy()
        n = pd.to_numeric(t["n"], errors="coerce").astype("float64").to_numpy()
        if entry.original is not None:
            oc = pd.to_numeric(entry.original["count"], errors="coerce").astype("float64").to_numpy()
            on = pd.to_numeric(entry.original["n"], errors="coerce").astype("float64").to_numpy()
        variables = t["variable"].astype(str).to_numpy()
        levels = t["level"].astype(str).to_numpy()
        groups = t["group"].astype(str).to_numpy()
        named = {g for g in groups if g not in (TOTAL, REST)}
        for r in range(len(t)):
            v, lv, g = variables[r], levels[r], groups[r]
            pop = dict(entry.scope)
            if entry.pairs:
                key_x = ("x", v, lv, _key_pop(pop)) if lv == g else ("pair", v, *sorted((lv, g)), _key_pop(pop))
                self._see(v, _key_pop(pop), lv if lv == g else None)
            else:
                if g == REST:
                    if len(named) != 1 or entry.by is None:
                        self.rows[e].append(None)
                        continue
                    value = _NOT + next(iter(named))
                else:
                    value = None if g == TOTAL else g
                if value is not None:
                    if entry.by in pop and pop[entry.by] != value:
                        self.rows[e].append(None)  # an empty population (e.g. another board in a board's data)
                        continue
                    pop[entry.by] = value
                key_x = ("x", v, lv, _key_pop(pop))
                self._see(v, _key_pop(pop), lv)
            cx, cn = self.cell(key_x), self.cell(("n", v, _key_pop(pop)))
            self._publish(cx, count[r], entry.name)
            self._publish(cn, n[r], entry.name)
            if entry.original is not None:
                self.truth[cx], self.truth[cn] = oc[r], on[r]
            self.rows[e].append((cx, cn))

    # -- variables
    def kind(self, v: str) -> tuple[bool, bool]:
        """(additive, complete): levels add up to n; the tables hold every level."""
        fields = self.cb.fields
        if v in fields:
            fld = fields[v]
            if fld.kind == "categorical":
                return True, set(fld.codes) <= set(self.levels.get(v, []))
            return False, False
        return self._inferred.get(v, False), self._inferred.get(v, False)

    def dim_values(self, dim: str) -> list:
        fields = self.cb.fields
        if dim in fields and fields[dim].kind == "categorical":
            codes, known = list(fields[dim].codes), True
        elif dim in fields and fields[dim].kind == "boolean":
            codes, known = ["false", "true"], True
        else:
            codes, known = list(self.dims.get(dim, {})), False
        if not known or dim not in self.exhaustive:
            codes.append(_NONE)
        return codes

    def _infer_additive(self) -> None:
        """For variables the codebook does not know: additive when a fully shown group adds up to n."""
        self._inferred = {}
        sums: dict = {}
        for (kind, v, *rest), c in self.index.items():
            if kind == "x" and v not in self.cb.fields:
                pop = rest[-1]
                s = sums.setdefault((v, pop), [0.0, 0, True])
                s[0] += self.shown[c] if not np.isnan(self.shown[c]) else 0.0
                s[1] += 1
                s[2] &= not np.isnan(self.shown[c])
        for (v, pop), (total, k, full) in sums.items():
            c = self.index.get(("n", v, pop))
            if full and k >= 2 and c is not None and total == self.shown[c]:
                self._inferred[v] = True

    def _lattices(self) -> None:
        self._infer_additive()
        self.lattice: dict[str, set] = {}
        pairs: dict[str, list] = {}
        for key in self.index:
            if key[0] == "pair":
                pairs.setdefault(key[1], []).append(key)
        size = 0
        for v, pops in self.pops.items():
            dims = sorted({d for pop in pops for d, _ in pop})
            values = [[None, *self.dim_values(d)] for d in dims]
            size += math.prod(len(x) for x in values) * (len(self.levels.get(v, [])) + 1)
            if size > MAX_CELLS:
                raise ParameterError(
                    f"audit: the tables cross too many dimensions ({', '.join(dims)} for {v!r}); audit a report's "
                    "tables, or a run's tables a few variables at a time"
                )
            lattice = set()
            for combo in itertools.product(*values):
                lattice.add(tuple((d, c) for d, c in zip(dims, combo) if c is not None))
            self.lattice[v] = lattice
            additive, complete = self.kind(v)
            levels = self.levels.get(v, [])
            for pop in lattice:
                self._rows(v, pop, levels, additive, complete)
                full = dict(pop)
                for d, vals in zip(dims, values):
                    if d in full:
                        continue
                    for kind, lv in [("x", lv) for lv in levels] + [("n", None)]:
                        parts = [self._key(kind, v, lv, _key_pop({**full, d: c})) for c in vals[1:]]
                        members = [(self.cell(k), 1.0) for k in parts]
                        members.append((self.cell(self._key(kind, v, lv, pop)), -1.0))
                        self.relations.append((members, "eq", 0.0))
            for pop in pops - lattice:  # one group's rest: the sum of the other groups
                self._rows(v, pop, levels, additive, complete)
                full = dict(pop)
                for d, value in pop:
                    if isinstance(value, str) and value.startswith(_NOT):
                        others = [c for c in self.dim_values(d) if c not in (_NONE, value[len(_NOT) :])]
                        for kind, lv in [("x", lv) for lv in levels] + [("n", None)]:
                            members = [
                                (self.cell(self._key(kind, v, lv, _key_pop({**full, d: c}))), 1.0) for c in others
                            ]
                            members.append((self.cell(self._key(kind, v, lv, pop)), -1.0))
                            self.relations.append((members, "eq", 0.0))
            for key in pairs.get(v, ()):  # pairs of options (co-occurrence tables)
                pop = key[-1]
                a, b = self.cell(("x", v, key[2], pop)), self.cell(("x", v, key[3], pop))
                p, nn = self.index[key], self.cell(("n", v, pop))
                self.relations += [
                    (((p, 1.0), (a, -1.0)), "le", 0.0),
                    (((p, 1.0), (b, -1.0)), "le", 0.0),
                    (((a, 1.0), (b, 1.0), (nn, -1.0), (p, -1.0)), "le", 0.0),
                ]
        # a by-table whose groups are complete: no review in its scope lacks the by value
        complete = {(e.by, _key_pop(e.scope)) for e in self.entries if e.relation == "eq" and e.by is not None}
        if complete:
            for key, c in list(self.index.items()):
                pop = dict(key[-1])
                for by, scope in complete:
                    if pop.get(by) == _NONE and all(pop.get(d) == val for d, val in scope):
                        self.relations.append((((c, 1.0),), "eq", 0.0))
                        break

    @staticmethod
    def _key(kind: str, v: str, level, pop: tuple) -> tuple:
        return ("n", v, pop) if kind == "n" else ("x", v, level, pop)

    def _rows(self, v: str, pop: tuple, levels: list, additive: bool, complete: bool) -> None:
        nn = self.cell(("n", v, pop))
        xs = [self.cell(("x", v, lv, pop)) for lv in levels]
        if additive and xs:
            self.relations.append(([(c, 1.0) for c in xs] + [(nn, -1.0)], "eq" if complete else "le", 0.0))
        else:
            self.relations.extend((((c, 1.0), (nn, -1.0)), "le", 0.0) for c in xs)

    def _derived(self) -> None:
        present = {v: set(self.levels.get(v, [])) for v in self.pops}
        for members, sense in _templates(self.cb, present):
            variables = {m[1] for m in members}
            if not variables <= set(self.lattice):
                continue
            common = set.intersection(*(self.lattice[v] for v in variables))
            for pop in common:
                cells = []
                for kind, v, lv, coef in members:
                    key = self._key(kind, v, lv, pop)
                    if key not in self.index:  # a level no table shows (e.g. a band left out)
                        break
                    cells.append((self.index[key], coef))
                else:
                    self.relations.append((cells, sense, 0.0))

    # -- the problem
    def problem(self) -> tuple[Cells, np.ndarray, np.ndarray]:
        shown = np.array(self.shown, dtype="float64")
        hidden_any = np.array(self.hidden_any, dtype=bool)
        latent = np.isnan(shown) & ~hidden_any
        together: dict[int, list[int]] = {}
        for key, c in self.index.items():
            if key[0] in ("x", "pair") and not latent[c]:
                together.setdefault(self.index[("n", key[1], key[-1])], []).append(c)
        rank = [
            (key[0] == "n", -len(key[-1]), shown[c] == 0, 0.0 if np.isnan(shown[c]) else shown[c], c)
            for c, key in enumerate(self.keys)
        ]
        cells = Cells(
            np.where(np.isnan(shown), 0.0, shown), self.relations, latent=latent, rank=rank, together=together
        )
        return cells, latent, hidden_any

    def value(self, c: int) -> float | None:
        """The true value of a cell, when known (published somewhere, or from an original)."""
        if not np.isnan(self.shown[c]):
            return float(self.shown[c])
        t = self.truth.get(c)
        return None if t is None or np.isnan(t) else float(t)

    def needs(self) -> list[tuple[int, str, Need]]:
        """(cell, quantity, need) for every hidden cell of a table."""
        out = []
        for c in range(len(self.keys)):
            if self.hidden_any[c]:
                out += self.needs_for(c, self.value(c))
        return out

    def watch(self, c: int) -> list[Need]:
        """The needs of a cell `protect_together` hides: known only from an original."""
        t = self.truth.get(c)
        return [need for _, _, need in self.needs_for(c, None if t is None or np.isnan(t) else float(t))]

    def needs_for(self, c: int, t: float | None) -> list[tuple[int, str, Need]]:
        """The checks of hidden cell ``c`` whose value is ``t`` (None: unknown, judged as a reader would)."""
        th, key = self.threshold, self.keys[c]
        if key[0] == "n":
            if t is None:
                return [(c, "n", Need(((c, 1.0),), 0.0, th - 1, unknown=th))]
            return [(c, "n", Need(((c, 1.0),), 0.0, th - 1))] if 1 <= t <= th - 1 else []
        out = []
        nc = self.index[("n", key[1], key[-1])]
        n_true = self.value(nc)
        m = th - 1 if n_true is None else min(th - 1, n_true)
        additive = key[0] == "x" and self.kind(key[1])[0]
        if t is None:
            out.append((c, "count", Need(((c, 1.0),), 0.0, m, unknown=th)))
            if not additive:
                out.append((c, "complement", Need(((nc, 1.0), (c, -1.0)), 0.0, m, unknown=th)))
            return out
        if 1 <= t <= th - 1:
            out.append((c, "count", Need(((c, 1.0),), 0.0, m)))
        if not additive and n_true is not None and t >= 1 and 1 <= n_true - t <= th - 1:
            out.append((c, "complement", Need(((nc, 1.0), (c, -1.0)), 0.0, m)))
        return out


def _model(tables, threshold: int, codebook, exhaustive) -> _Model:
    threshold = _check_threshold(threshold, restricted=True)
    cb = resolve(codebook)
    if exhaustive is None:
        exhaustive = set()
    elif isinstance(exhaustive, str) or not isinstance(exhaustive, Iterable):
        raise ParameterError(f"exhaustive={exhaustive!r} must be a list of dimension names (e.g. ['period'])")
    return _Model(_entries(tables, cb), threshold, cb, set(map(str, exhaustive)))


def audit(tables: Sequence[Any], threshold: int = 5, *, codebook=None, exhaustive: Iterable[str] | None = None):
    """Bound every hidden number of a set of published tables, using all of them at once.

    Parameters
    ----------
    tables : list of Published (or DataFrame, or dict)
        Every table of a report, or of a whole run. A DataFrame's scope is read from its
        ``attrs`` (``name``, ``region`` or ``disclosure.scope``, ``period``, ``groups.by``).
    threshold : int, default 5
        The suppression threshold the tables were made with.
    codebook : Codebook, optional
        Variables' kinds and derivations; the packaged one by default.
    exhaustive : list of str, optional
        Dimensions every review has a value of (e.g. ``["period"]`` when the incident date is
        required): no latent group of reviews without one.

    Returns
    -------
    pandas.DataFrame
        One row per hidden number a reader can narrow too far, with `FAILURE_COLUMNS`:
        ``table`` (name), ``variable``, ``level`` (``<NA>`` for a denominator), ``group``,
        ``quantity`` (``"count"``, ``"n"``, or ``"complement"``: ``n - count``) and the
        reader's feasible interval ``low``, ``high``. Empty when the tables are safe together.

    Raises
    ------
    ParameterError
        A table that is not a count table, an unknown scope, two tables publishing different
        values for the same number, or too large a problem (`MAX_CELLS`).
    CprstatsError
        When the published numbers contradict the relations (a declared exhaustive dimension
        that is not, tables from different data).

    See Also
    --------
    protect_together : hide more until the audit passes.

    Notes
    -----
    One linear program holds every published number and relation (see the module notes);
    it is solved one connected group of hidden cells at a time, which gives the same bounds.
    """
    model = _model(tables, threshold, codebook, exhaustive)
    cells, latent, hidden_any = model.problem()
    hidden = latent | (hidden_any & np.isnan(np.array(model.shown, dtype="float64")))
    checks = model.needs()
    bounds = cells.intervals(hidden, [need for _, _, need in checks]) if checks else []
    bad = {}
    for (c, quantity, need), (lo, hi) in zip(checks, bounds):
        if not covered(need, lo, hi):
            bad[(c, quantity)] = (lo, hi)
    rows, seen = [], set()
    for e, entry in enumerate(model.entries):
        t = entry.table
        count = pd.to_numeric(t["count"], errors="coerce").isna().to_numpy()
        n = pd.to_numeric(t["n"], errors="coerce").isna().to_numpy()
        for r, got in enumerate(model.rows[e]):
            if got is None:
                continue
            variable, level, group = str(t["variable"].iloc[r]), str(t["level"].iloc[r]), str(t["group"].iloc[r])
            for c, quantity, hid in (
                (got[0], "count", count[r]),
                (got[0], "complement", count[r]),
                (got[1], "n", n[r]),
            ):
                if not hid or (c, quantity) not in bad:
                    continue
                if quantity == "n":  # once per group, not once per level
                    if (e, variable, group) in seen:
                        continue
                    seen.add((e, variable, group))
                lo, hi = bad[(c, quantity)]
                rows.append(
                    {
                        "table": entry.name,
                        "variable": variable,
                        "level": pd.NA if quantity == "n" else level,
                        "group": group,
                        "quantity": quantity,
                        "low": round(lo, 6) + 0.0,
                        "high": round(hi, 6) + 0.0,
                    }
                )
    out = pd.DataFrame(rows, columns=list(FAILURE_COLUMNS))
    for col in ("table", "variable", "level", "group", "quantity"):
        out[col] = out[col].astype("string")
    out["low"] = out["low"].astype("float64")
    out["high"] = out["high"].astype("float64")
    return out


def _hide(entry: _Entry, rows: list, hidden: np.ndarray) -> pd.DataFrame:
    """The entry's table with the cells ``hidden`` says set to NaN."""
    t = entry.table.copy()
    count = pd.to_numeric(t["count"], errors="coerce").astype("float64").to_numpy().copy()
    n = pd.to_numeric(t["n"], errors="coerce").astype("float64").to_numpy().copy()
    newly = np.zeros(len(t), dtype=bool)
    for r, got in enumerate(rows):
        if got is None:
            continue
        cx, cn = got
        if hidden[cn] and not np.isnan(n[r]):
            n[r] = np.nan
        if (hidden[cx] or hidden[cn]) and not np.isnan(count[r]):
            count[r] = np.nan
            newly[r] = True
    t["count"], t["n"] = count, n
    gone = np.isnan(count) | np.isnan(n)
    for col in t.columns:
        if col in _REQUIRED or col in _KEEP or col in ("suppressed", "suppression"):
            continue
        if pd.api.types.is_numeric_dtype(t[col]) and not pd.api.types.is_bool_dtype(t[col]):
            t[col] = t[col].astype("float64").mask(gone)
    prior = t["suppressed"].astype(bool).to_numpy() if "suppressed" in t.columns else np.zeros(len(t), dtype=bool)
    t["suppressed"] = prior | np.isnan(count)
    t["suppression"] = pd.Series(
        np.where(t["suppressed"].to_numpy(), REASONS[1], REASONS[0]), index=t.index, dtype="string"
    )
    t.attrs = dict(entry.table.attrs)
    rec = dict(t.attrs.get("disclosure", {}) or {})
    rec.update(n_suppressed=int(t["suppressed"].sum()), protected_together=True)
    t.attrs["disclosure"] = rec
    return t


def protect_together(
    tables: Sequence[Any], threshold: int = 5, *, codebook=None, exhaustive: Iterable[str] | None = None
) -> list:
    """Hide more cells until `audit` passes for the tables taken together.

    Starting from the tables as suppressed one by one, a number hidden in one table is
    hidden in every table that shows it when it is small; then, while a hidden number can
    be narrowed too far, the smallest published number in a relation with it (or with the
    hidden numbers linked to it) is hidden, in every table that shows it (counts before
    denominators, a board or period before its total, non-zero before zero; a hidden
    denominator takes its group's counts with it). The numbers hidden in a round are then
    audited like the others (without `Published.original` their values are unknown to the
    audit, which judges them as a reader would), until a round hides nothing more. At worst
    everything is hidden, which passes, so it always ends.

    Parameters
    ----------
    tables, threshold, codebook, exhaustive
        As for `audit`.

    Returns
    -------
    list
        The tables in the same order and form (`Published` or DataFrame), with more numbers
        hidden (NaN, ``suppressed``, ``suppression``, and the percentages and intervals of
        rows whose count or denominator is now hidden withheld); ``attrs["disclosure"]``
        gets ``protected_together=True`` and the new ``n_suppressed``.

    Notes
    -----
    Give each table its `Published.original` when you have it (the runner does): the audit
    then knows which hidden numbers are small, hides less, and runs faster. On the synthetic
    all-Wales example, 28 tables of 12 variables (Wales, six boards, three periods, by period
    and by board) took about 45 s with the originals and 2 to 3 minutes without, on one core.

    References
    ----------
    Hundepool A et al. (2012), *Statistical Disclosure Control*, Wiley, section 4.4
    (secondary cell suppression in linked tables), doi:10.1002/9781118348239.
    """
    current = list(tables) if isinstance(tables, Iterable) and not isinstance(tables, pd.DataFrame) else tables
    while True:
        model = _model(current, threshold, codebook, exhaustive)
        cells, latent, hidden_any = model.problem()
        th = model.threshold
        shown = np.array(model.shown, dtype="float64")
        small = np.array([(v := model.value(c)) is not None and 1 <= v <= th - 1 for c in range(len(model.keys))])
        start = latent | (hidden_any & (np.isnan(shown) | small))
        needs = [need for _, _, need in model.needs()]
        hidden = protect(cells, needs, start, eligible=~latent, watch=model.watch)
        out, changed = [], False
        for e, entry in enumerate(model.entries):
            table = _hide(entry, model.rows[e], hidden)
            before = entry.table
            changed |= bool(
                (
                    pd.to_numeric(table["count"], errors="coerce").isna()
                    != pd.to_numeric(before["count"], errors="coerce").isna()
                ).any()
                or (
                    pd.to_numeric(table["n"], errors="coerce").isna()
                    != pd.to_numeric(before["n"], errors="coerce").isna()
                ).any()
            )
            if isinstance(entry.item, Published):
                out.append(replace(entry.item, table=table))
            elif isinstance(entry.item, Mapping):
                out.append({**entry.item, "table": table})
            else:
                out.append(table)
        if not changed:  # every hidden number passed, and none was hidden in this round
            return out
        current = out  # the numbers hidden in this round are checked, unknown, in the next
