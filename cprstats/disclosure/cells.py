"""Cell suppression by linear programming: the engine behind `cprstats.suppress` and `audit`.

The published numbers of a table (or of a whole run) are *cells* tied together by linear
relations that a reader can use:

- a *row* relation per group: the levels of a single-choice variable add up to the group's
  denominator ``n`` (``"eq"``), or at most to it when some levels are not in the table
  (``"le"``); a multi-response option or a boolean is at most ``n``;
- a *column* relation per level: the groups plus the reviews in no group add up to the total
  group (``"all"``), and likewise their denominators;
- relations between tables (the same cell published twice, ``all = pre_covid + post_covid``,
  Wales = the boards, derived variables; see `cprstats.disclosure.auditing`);
- bounds: ``0 <= cell <= CAP``.

Denominators are cells like counts: a reader who is shown ``n`` knows it, one who is not
knows only the relations. *Latent* cells are never published (the reviews with no group, a
board no table shows): they stand for what a reader does not know, so every relation is an
equality that really holds.

**Protection criterion.** A *sensitive* quantity is a count from 1 to ``threshold - 1``, a
denominator from 1 to ``threshold - 1``, or the hidden complement ``n - x`` of a non-zero
multi-response option or boolean (the "no" count a reader gets from ``n``). Using every
published number, the reader's feasible interval for it must cover the whole span
``0 .. min(threshold - 1, n)``: covering 0 means nobody can tell that anyone in the group
has the attribute, covering ``threshold - 1`` that fewer than ``threshold`` do, which is no
more than the ``*`` itself says (a ``*`` means "0 to ``threshold - 1``, or hidden to protect
another cell", so a hidden cell may be 0). A merely non-exact interval is not enough:
``a + b = 2`` with both hidden still tells the reader that two children share two rare
attributes (Hundepool et al. 2012, section 4.3, "protection intervals"; Cox 1980).

**Intervals.** The bounds of each hidden quantity are computed by linear programming
(``scipy.optimize.linprog``, HiGHS), one connected group of hidden cells at a time, the
minimum and maximum of up to 16 quantities at once as independent blocks of one
block-diagonal problem. A one-table grid (a two-way table with its margins) has a totally
unimodular constraint matrix, so its bounds are the integer bounds; with the ``x <= n``
relations of multi-response options, or across tables, the LP bounds are those of the
linear relaxation, which can only be wider than an integer attacker's (Hundepool et al.
2012, section 4.4.3; the criterion is checked on the relaxation, as an auditor using
``linprog`` would).

**Algorithm.** Hide the sensitive cells (a hidden denominator takes its group's counts
with it: a count beside a hidden ``n`` would tell the reader that ``n`` is at least that
count, and with a percentage ``n`` itself). Then repeat until nothing changes: (a) while an
equality with no latent cell has exactly one hidden cell, hide its smallest published cell
(counts before denominators, non-totals before totals, non-zero before zero, then the
smaller); (b) bound every sensitive quantity by linear programming and, while one is not
protected, hide the smallest published cell sharing a relation with it (or with the hidden
cells linked to it, or failing that any published cell). Hiding only widens intervals, so a
quantity that passed stays protected; hiding everything protects everything (with every
cell hidden the relations are homogeneous, so all zeros and the true counts scaled up are
both feasible), so the loop ends, at worst with the whole table hidden.

References
----------
Hundepool A, Domingo-Ferrer J, Franconi L, Giessing S, Schulte Nordholt E, Spicer K,
de Wolf P-P (2012), *Statistical Disclosure Control*, Wiley, chapter 4 (magnitude and
frequency tables, secondary suppression, audit), doi:10.1002/9781118348239.
Cox LH (1980), Suppression methodology and statistical disclosure control, JASA
75:377-385, doi:10.1080/01621459.1980.10477481.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from cprstats.errors import CprstatsError

__all__ = ["Cells", "Need", "protect", "CAP"]

#: Upper bound of every cell: no count of reviews comes near it. A cell nothing else bounds
#: (a hidden denominator with no total above it) can then be anything up to here.
CAP = 1e6
_EPS = 1e-6

Relation = tuple[tuple[tuple[int, float], ...], str, float]


@dataclass(frozen=True)
class Need:
    """A sensitive quantity ``sum(coef * cell)`` whose feasible interval must cover ``low .. high``.

    With ``unknown`` set to the threshold, the quantity's value is not known (an audit of
    published tables): it passes when its interval covers ``low .. high``, or lies at or
    above ``unknown`` (it cannot be small), or is exactly 0. Those two ways of passing are
    not monotone in what is hidden, so such a quantity is checked again after every change
    (covering the span is for good).
    """

    expr: tuple[tuple[int, float], ...]
    low: float
    high: float
    unknown: int = 0

    @property
    def cells(self) -> tuple[int, ...]:
        return tuple(c for c, _ in self.expr)


class Cells:
    """Published and latent cells and the linear relations between them.

    Parameters
    ----------
    values : array of float
        The value of every cell; NaN is allowed where the value is not known (latent cells,
        and hidden cells in an audit of published tables). Only published values are used.
    relations : list of (members, sense, constant)
        ``sum(coef * cell for cell, coef in members) <sense> constant`` with sense ``"eq"``
        or ``"le"``.
    latent : array of bool, optional
        Cells no table publishes: always hidden, never sensitive, never hidden "for" anything.
    rank : sequence of tuples, optional
        Sort key of each cell; the smallest published cell is hidden first.
    together : dict of int to list of int, optional
        Cells hidden whenever the key cell is (a denominator's counts).
    upper : array of float, optional
        Upper bound of each cell (default `CAP`).
    """

    def __init__(
        self,
        values: np.ndarray,
        relations: Sequence[Relation],
        *,
        latent: np.ndarray | None = None,
        rank: Sequence[tuple] | None = None,
        together: dict[int, list[int]] | None = None,
        upper: np.ndarray | None = None,
    ):
        self.values = np.asarray(values, dtype="float64")
        size = len(self.values)
        self.latent = np.zeros(size, dtype=bool) if latent is None else np.asarray(latent, dtype=bool)
        self.relations = [(tuple(m), s, float(c)) for m, s, c in relations if m]
        self.rank = list(rank) if rank is not None else [(0, v, i) for i, v in enumerate(self.values)]
        self.together = together or {}
        self.upper = np.full(size, CAP) if upper is None else np.asarray(upper, dtype="float64")
        self._cache: dict = {}
        self.touching: list[list[int]] = [[] for _ in range(size)]
        for r, (members, _, _) in enumerate(self.relations):
            for c, _ in members:
                self.touching[c].append(r)

    def __len__(self) -> int:
        return len(self.values)

    # ------------------------------------------------------------------ hiding
    def hide(self, hidden: np.ndarray, cell: int) -> None:
        """Hide ``cell`` and the cells that go with it."""
        todo = [cell]
        while todo:
            c = todo.pop()
            if hidden[c]:
                continue
            hidden[c] = True
            todo.extend(self.together.get(c, ()))

    def smallest(self, hidden: np.ndarray, cells: Iterable[int], eligible: np.ndarray) -> int | None:
        pub = [c for c in set(cells) if not hidden[c] and eligible[c]]
        return min(pub, key=lambda c: self.rank[c]) if pub else None

    # ------------------------------------------------------------------ intervals
    def components(self, hidden: np.ndarray) -> dict[int, int]:
        """Hidden cell -> a label shared by the hidden cells linked through relations."""
        parent = {int(c): int(c) for c in np.flatnonzero(hidden)}

        def find(c: int) -> int:
            while parent[c] != c:
                parent[c] = parent[parent[c]]
                c = parent[c]
            return c

        for members, _, _ in self.relations:
            h = [c for c, _ in members if hidden[c]]
            for c in h[1:]:
                a, b = find(c), find(h[0])
                if a != b:
                    parent[a] = b
        return {c: find(c) for c in parent}

    def intervals(self, hidden: np.ndarray, needs: Sequence[Need], chunk: int = 16) -> list[tuple[float, float]]:
        """Feasible ``(min, max)`` of each quantity given the published cells.

        Only the hidden cells linked to a quantity matter, so each group of linked cells is
        solved on its own. The minimum and maximum of each quantity are separate problems
        over the same polytope; stacking up to ``chunk`` of them as independent blocks of one
        block-diagonal LP whose objective is their sum solves them together (the optimum of a
        separable sum is optimal in every block), far faster than one ``linprog`` call per
        bound.
        """
        comp = self.components(hidden)
        members_of: dict[int, list[int]] = {}
        for c, label in comp.items():
            members_of.setdefault(label, []).append(c)
        out: list[tuple[float, float] | None] = [None] * len(needs)
        groups: dict[tuple[int, ...], list[int]] = {}
        for k, need in enumerate(needs):
            const = sum(coef * self.values[c] for c, coef in need.expr if not hidden[c])
            labels = tuple(sorted({comp[c] for c, _ in need.expr if hidden[c]}))
            if not labels:
                out[k] = (const, const)
            else:
                groups.setdefault(labels, []).append(k)
        for labels, ks in groups.items():
            cells = tuple(sorted(c for label in labels for c in members_of[label]))
            todo = []
            for k in ks:  # the same hidden cells give the same problem: solved once
                got = self._cache.get((cells, needs[k].expr))
                if got is None:
                    todo.append(k)
                else:
                    out[k] = got
            for i in range(0, len(todo), chunk):
                part = todo[i : i + chunk]
                for k, bounds in zip(part, self._solve(hidden, list(cells), [needs[k] for k in part])):
                    out[k] = bounds
                    self._cache[(cells, needs[k].expr)] = bounds
        return out  # type: ignore[return-value]

    def _solve(self, hidden: np.ndarray, cells: list[int], needs: list[Need]) -> list[tuple[float, float]]:
        from scipy import sparse
        from scipy.optimize import linprog

        index = {c: i for i, c in enumerate(cells)}
        H = len(cells)
        A_eq, b_eq, A_ub, b_ub = [], [], [], []
        seen = set()
        for c in cells:
            for r in self.touching[c]:
                if r in seen:
                    continue
                seen.add(r)
                members, sense, rhs = self.relations[r]
                row = np.zeros(H)
                for m, coef in members:
                    if hidden[m]:
                        row[index[m]] += coef
                    else:
                        rhs -= coef * self.values[m]
                (A_eq if sense == "eq" else A_ub).append(row)
                (b_eq if sense == "eq" else b_ub).append(rhs)
        B = 2 * len(needs)
        objective = np.zeros((B, H))
        consts = []
        for k, need in enumerate(needs):
            const = 0.0
            for c, coef in need.expr:
                if hidden[c]:
                    objective[2 * k, index[c]] += coef
                    objective[2 * k + 1, index[c]] -= coef
                else:
                    const += coef * self.values[c]
            consts.append(const)
        eye = sparse.identity(B, format="csr")
        upper = self.upper[cells]
        kw = {"bounds": np.column_stack([np.zeros(B * H), np.tile(upper, B)]), "method": "highs"}
        if A_eq:
            kw["A_eq"], kw["b_eq"] = sparse.kron(eye, sparse.csr_matrix(np.array(A_eq))), np.tile(b_eq, B)
        if A_ub:
            kw["A_ub"], kw["b_ub"] = sparse.kron(eye, sparse.csr_matrix(np.array(A_ub))), np.tile(b_ub, B)
        res = linprog(objective.ravel(), **kw)
        if res.status != 0:  # the true counts are always feasible, so the tables contradict each other
            raise CprstatsError(
                f"disclosure audit: the published numbers contradict each other ({res.message}); the tables "
                "given are not all from the same data, or a relation declared between them does not hold"
            )
        x = res.x.reshape(B, H)
        out = []
        for k in range(len(needs)):
            lo = float(objective[2 * k] @ x[2 * k]) + consts[k]
            hi = -float(objective[2 * k + 1] @ x[2 * k + 1]) + consts[k]
            out.append((lo, hi))
        return out


def _rules(cells: Cells, hidden: np.ndarray, eligible: np.ndarray) -> bool:
    """(a): no equality without a latent cell may hold exactly one hidden cell."""
    changed, again = False, True
    while again:
        again = False
        for members, sense, _ in cells.relations:
            if sense != "eq" or any(cells.latent[c] for c, _ in members):
                continue
            if sum(1 for c, _ in members if hidden[c]) != 1:
                continue
            pick = cells.smallest(hidden, (c for c, _ in members), eligible)
            if pick is not None:
                cells.hide(hidden, pick)
                changed = again = True
    return changed


def covered(need: Need, low: float, high: float) -> bool:
    """Whether the interval ``low .. high`` covers the span ``need`` asks for (see `Need`)."""
    if low <= need.low + _EPS and high >= need.high - _EPS:
        return True
    return bool(need.unknown) and (low >= need.unknown - _EPS or high <= _EPS)


def _neighbours(cells: Cells, hidden: np.ndarray, need: Need, comp: dict[int, int]) -> list[list[int]]:
    """Candidate cells to hide for a failing quantity, nearest first.

    Only relations holding a hidden cell of the quantity bound it (``x <= n`` of another
    option of the same group does not, though it shares the published ``n``); a quantity
    with no hidden cell is known exactly, and one of its own cells must go.
    """
    own = [c for c in need.cells if hidden[c]]
    if not own:
        return [list(need.cells), list(range(len(cells)))]
    direct = {m for c in own for r in cells.touching[c] for m, _ in cells.relations[r][0]}
    labels = {comp[c] for c in own}
    linked = {c for c, label in comp.items() if label in labels}
    around = {m for c in linked for r in cells.touching[c] for m, _ in cells.relations[r][0]}
    return [sorted(direct), sorted(around), list(range(len(cells)))]


def _audit(
    cells: Cells, hidden: np.ndarray, needs: list[Need], passed: set, eligible: np.ndarray, watch=None, seen=None
) -> bool:
    """(b): widen every sensitive quantity's feasible interval to its required span.

    Each pass bounds every quantity not yet passed, then hides one cell for each failing
    quantity whose linked hidden cells no earlier hide of the pass touched (failures in
    unrelated parts of the problem are fixed together; the others wait for the next pass).
    With ``watch``, each cell hidden on the way adds ``watch(cell)`` to ``needs``.
    """
    changed = False
    while True:
        if watch is not None:
            for c in np.flatnonzero(hidden & ~seen):
                needs.extend(watch(int(c)))
            seen |= hidden
        todo = [k for k in range(len(needs)) if k not in passed]
        if not todo:
            return changed
        failing = []
        for k, (lo, hi) in zip(todo, cells.intervals(hidden, [needs[k] for k in todo])):
            if covered(needs[k], lo, hi):
                if lo <= needs[k].low + _EPS and hi >= needs[k].high - _EPS:
                    passed.add(k)  # covering the span is for good: hiding more only widens
            else:
                failing.append(k)
        if not failing:
            return changed
        comp = cells.components(hidden)
        dirty: set = set()
        for k in failing:
            labels = {comp[c] for c in needs[k].cells if c in comp}
            if labels & dirty or (not labels and dirty):
                continue
            pick = None
            for candidates in _neighbours(cells, hidden, needs[k], comp):
                pick = cells.smallest(hidden, candidates, eligible)
                if pick is not None:
                    break
            if pick is None:  # everything is hidden, which protects everything: a bug if reached
                raise CprstatsError("suppress: a hidden cell stays exposed with every cell hidden; please report this")
            cells.hide(hidden, pick)
            changed = True
            dirty |= labels
            dirty |= {comp[m] for r in cells.touching[pick] for m, _ in cells.relations[r][0] if m in comp}
            dirty.add(-1 - pick)  # a quantity with no hidden cell waits too
        _rules(cells, hidden, eligible)


def protect(
    cells: Cells,
    needs: Sequence[Need],
    hidden: np.ndarray,
    *,
    secondary: bool = True,
    eligible: np.ndarray | None = None,
    watch=None,
) -> np.ndarray:
    """Hide cells until every sensitive quantity in ``needs`` is protected.

    Parameters
    ----------
    cells : Cells
    needs : sequence of Need
        The sensitive quantities and the spans their intervals must cover.
    hidden : array of bool
        Cells hidden already (the sensitive cells; latent cells are added).
    secondary : bool, default True
        False: return ``hidden`` (with latent cells and the cells hidden together) as is.
    eligible : array of bool, optional
        Cells that may be hidden for another's sake (default: every published cell).
    watch : callable, optional
        ``watch(cell)`` gives the needs of a cell once it is hidden for another's sake (an
        audit that will not know its value checks it too).

    Returns
    -------
    numpy.ndarray of bool
        The hidden cells.

    Examples
    --------
    Two levels of a single-choice variable in one group, 3 and 9 of ``n = 12``: the 3 is
    sensitive, and ``9 = 12 - 3`` would give it away, so the 9 is hidden too.

    >>> cells = Cells(np.array([3.0, 9.0, 12.0]), [(((0, 1.0), (1, 1.0), (2, -1.0)), "eq", 0.0)],
    ...               rank=[(0, 3.0), (0, 9.0), (1, 12.0)])
    >>> need = Need(((0, 1.0),), 0.0, 4.0)
    >>> protect(cells, [need], np.array([True, False, False])).tolist()
    [True, True, False]
    """
    hidden = np.asarray(hidden, dtype=bool).copy()
    hidden |= cells.latent
    for c in np.flatnonzero(hidden):
        for t in cells.together.get(int(c), ()):
            cells.hide(hidden, t)
    if eligible is None:
        eligible = ~cells.latent
    else:
        eligible = np.asarray(eligible, dtype=bool) & ~cells.latent
    needs = list(needs)
    seen = hidden.copy()
    if secondary and (needs or watch is not None):
        passed: set = set()
        while True:
            changed = _rules(cells, hidden, eligible)
            changed |= _audit(cells, hidden, needs, passed, eligible, watch, seen)
            if not changed:
                break
    return hidden
