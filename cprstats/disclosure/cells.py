"""Cell suppression for one variable's count table (the engine behind `cprstats.suppress`).

A variable's table is a grid of counts ``x[level, group]``; the last group may be a total
(e.g. ``"all"``). The published numbers tie cells together by linear relations that an
attacker can use:

- a *row* relation per group: the levels of a single-choice variable add up to the group's
  denominator ``n`` (``"eq"``), or at most to it when some levels are not in the table
  (``"le"``); multi-response options and booleans have none;
- a *column* relation per level: the groups add up to the total group (``"eq"``), or at
  most to it (``"le"``);
- bounds: ``0 <= x <= n`` for every cell.

**Protection criterion.** A *sensitive* cell holds a count from 1 to ``threshold - 1``; so
does the hidden complement ``n - x`` of a non-zero cell without a row relation (a boolean
or a multi-response option, whose "no" count the reader gets from ``n``). A zero is a true
zero and is never sensitive, even when ``n`` is small (the percentage is then withheld). Using every published
number, the attacker's feasible interval for a sensitive cell must cover the whole span
``0 .. min(threshold - 1, n)`` (for a complement, ``n - min(threshold - 1, n) .. n``).
Covering 0 means the attacker cannot tell that anyone in the group has the attribute;
covering ``threshold - 1`` means they cannot tell that fewer than ``threshold`` do, which
is no more than the ``*`` itself says. A merely non-exact interval is not enough: ``a + b =
2`` with both hidden still tells the reader that two children share two rare attributes.

The intervals are computed exactly by linear programming (``scipy.optimize.linprog``,
HiGHS; the bounds of up to 16 cells at a time in one block-diagonal problem). The relations form a two-way table with margins, whose constraint matrix is totally
unimodular, so the linear-programming bounds are the integer bounds.

**Algorithm.** Hide the sensitive cells; then repeat until nothing changes: (a)/(b) while
an ``"eq"`` relation has exactly one hidden cell, hide its smallest published cell
(non-total before total, non-zero before zero, then the smaller count); (c) audit every
sensitive cell by linear programming and, while one is not protected, hide the smallest
published cell sharing a relation with it (or, failing that, any published cell). Hiding
only widens intervals, so a cell that passed stays protected; hiding everything protects
every cell, so the loop ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cprstats.errors import CprstatsError

__all__ = ["Grid", "protect"]

_EPS = 1e-7


@dataclass
class Grid:
    """One variable's counts.

    ``x`` and ``n`` are ``(levels, groups)`` float arrays with NaN where the table has no
    row; ``row_rel`` has one entry per group and ``col_rel`` one per level (``"eq"``,
    ``"le"`` or ``None``); ``total`` is the column index of the total group, or ``None``.
    """

    x: np.ndarray
    n: np.ndarray
    row_rel: list
    col_rel: list
    total: int | None = None
    relations: list = field(init=False)

    def __post_init__(self):
        present = ~np.isnan(self.x)
        L, J = self.x.shape
        rels = []  # (members [(l, j, coef)], sense, constant)
        for j, rel in enumerate(self.row_rel):
            if rel in ("eq", "le"):
                members = [(l, j, 1.0) for l in range(L) if present[l, j]]
                nj = np.nanmax(self.n[:, j])
                rels.append((members, rel, float(nj)))
        if self.total is not None:
            T = self.total
            for l, rel in enumerate(self.col_rel):
                if rel in ("eq", "le") and present[l, T]:
                    members = [(l, j, 1.0) for j in range(J) if j != T and present[l, j]]
                    members.append((l, T, -1.0))
                    rels.append((members, rel, 0.0))
        self.relations = rels

    def need(self, threshold: int) -> dict:
        """Sensitive cells -> the interval ``(a, b)`` their feasible range must cover."""
        out = {}
        L, J = self.x.shape
        for l in range(L):
            for j in range(J):
                x, n = self.x[l, j], self.n[l, j]
                if np.isnan(x):
                    continue
                m = min(threshold - 1, n)
                lo, hi = np.inf, -np.inf
                if 1 <= x <= threshold - 1:
                    lo, hi = 0.0, m
                if self.row_rel[j] != "eq" and x >= 1 and 1 <= n - x <= threshold - 1:
                    lo, hi = min(lo, n - m), max(hi, n)
                if lo <= hi:
                    out[(l, j)] = (lo, hi)
        return out


def _key(grid: Grid, cell):
    l, j = cell
    x = grid.x[l, j]
    return (j == grid.total, x == 0, x, l, j)


def _rules(grid: Grid, hidden: np.ndarray) -> bool:
    """(a)/(b): no equality relation may hold exactly one hidden cell."""
    changed, again = False, True
    while again:
        again = False
        for members, sense, _ in grid.relations:
            if sense != "eq":
                continue
            h = [(l, j) for l, j, _ in members if hidden[l, j]]
            if len(h) != 1:
                continue
            pub = [(l, j) for l, j, _ in members if not hidden[l, j]]
            if pub:
                hidden[min(pub, key=lambda c: _key(grid, c))] = True
                changed = again = True
    return changed


def _components(grid: Grid, hidden: np.ndarray) -> dict:
    """Hidden cell -> a label shared by the hidden cells linked through relations."""
    parent = {c: c for c in zip(*np.nonzero(hidden))}

    def find(c):
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    for members, _, _ in grid.relations:
        h = [(l, j) for l, j, _ in members if hidden[l, j]]
        for c in h[1:]:
            parent[find(c)] = find(h[0])
    return {c: find(c) for c in parent}


def _intervals(grid: Grid, hidden: np.ndarray, targets: list, chunk: int = 16) -> list[tuple[float, float]]:
    """Feasible ``(min, max)`` of each target cell given the published cells.

    Only the hidden cells linked to a target matter, so each group of linked cells is solved
    on its own. The minimum and maximum of each target are separate problems over the same
    polytope; stacking up to ``chunk`` targets' problems as independent blocks of one
    block-diagonal LP whose objective is their sum solves them together (the optimum of a
    separable sum is optimal in every block), far faster than one ``linprog`` call per bound.
    """
    comp = _components(grid, hidden)
    out = {}
    by_comp: dict = {}
    for cell in targets:
        by_comp.setdefault(comp[cell], []).append(cell)
    related = {(l, j) for members, _, _ in grid.relations for l, j, _ in members}
    for label, group in by_comp.items():
        cells = [c for c in comp if comp[c] == label]
        if len(cells) == 1 and cells[0] not in related:  # a lone cell bounded only by 0 and n
            out[cells[0]] = (0.0, float(grid.n[cells[0]]))
            continue
        for i in range(0, len(group), chunk):
            out.update(_solve(grid, hidden, cells, group[i : i + chunk]))
    return [out[cell] for cell in targets]


def _solve(grid: Grid, hidden: np.ndarray, cells: list, targets: list) -> dict:
    from scipy import sparse
    from scipy.optimize import linprog

    index = {c: i for i, c in enumerate(cells)}
    H = len(cells)
    A_eq, b_eq, A_ub, b_ub = [], [], [], []
    for members, sense, const in grid.relations:
        row = np.zeros(H)
        rhs = const
        used = False
        for l, j, coef in members:
            if hidden[l, j]:
                if (l, j) not in index:
                    break  # another group of linked cells
                row[index[(l, j)]] += coef
                used = True
            else:
                rhs -= coef * grid.x[l, j]
        else:
            if used:
                (A_eq if sense == "eq" else A_ub).append(row)
                (b_eq if sense == "eq" else b_ub).append(rhs)
    B = 2 * len(targets)
    eye = sparse.identity(B, format="csr")
    c = np.zeros((B, H))
    for k, cell in enumerate(targets):
        c[2 * k, index[cell]] = 1.0
        c[2 * k + 1, index[cell]] = -1.0
    upper = np.array([float(grid.n[cell]) for cell in cells])
    kw = {"bounds": np.column_stack([np.zeros(B * H), np.tile(upper, B)]), "method": "highs"}
    if A_eq:
        kw["A_eq"], kw["b_eq"] = sparse.kron(eye, sparse.csr_matrix(np.array(A_eq))), np.tile(b_eq, B)
    if A_ub:
        kw["A_ub"], kw["b_ub"] = sparse.kron(eye, sparse.csr_matrix(np.array(A_ub))), np.tile(b_ub, B)
    res = linprog(c.ravel(), **kw)
    if res.status != 0:  # the true counts are always feasible, so this is a bug
        raise CprstatsError(f"suppress: the disclosure audit failed ({res.message}); please report this")
    x = res.x.reshape(B, H)
    return {cell: (x[2 * k, index[cell]], x[2 * k + 1, index[cell]]) for k, cell in enumerate(targets)}


def _audit(grid: Grid, hidden: np.ndarray, need: dict, passed: set) -> bool:
    """(c): widen every sensitive cell's feasible interval to its required span."""
    changed = False
    while True:
        todo = [cell for cell in need if cell not in passed]
        if not todo:
            return changed
        failing = None
        for cell, (lo, hi) in zip(todo, _intervals(grid, hidden, todo)):
            a, b = need[cell]
            if lo <= a + _EPS and hi >= b - _EPS:
                passed.add(cell)
            elif failing is None:
                failing = cell
        if failing is None:
            return changed
        near = {
            (l, j)
            for members, _, _ in grid.relations
            if any((l2, j2) == failing for l2, j2, _ in members)
            for l, j, _ in members
        }
        pub = [c for c in near if not hidden[c]]
        if not pub:
            pub = [c for c in zip(*np.nonzero(~hidden & ~np.isnan(grid.x)))]
        if not pub:
            raise CprstatsError(f"suppress: cell {failing} cannot be protected; please report this")
        hidden[min(pub, key=lambda c: _key(grid, c))] = True
        changed = True
        _rules(grid, hidden)


def protect(grid: Grid, threshold: int, *, secondary: bool = True):
    """Hide cells of ``grid`` until every sensitive cell is protected.

    Returns
    -------
    hidden : numpy.ndarray of bool
        Cells to hide.
    sensitive : numpy.ndarray of bool
        Cells hidden for themselves (primary), the rest of ``hidden`` being secondary.

    Examples
    --------
    Two levels of a single-choice variable in one group, 3 and 9 of n = 12: the 3 is
    sensitive, and 9 = 12 - 3 would give it away, so both are hidden.

    >>> g = Grid(np.array([[3.0], [9.0]]), np.array([[12.0], [12.0]]), ["eq"], [None, None])
    >>> hidden, sensitive = protect(g, 5)
    >>> hidden.ravel().tolist(), sensitive.ravel().tolist()
    ([True, True], [True, False])
    """
    need = grid.need(threshold)
    sensitive = np.zeros(grid.x.shape, dtype=bool)
    for cell in need:
        sensitive[cell] = True
    hidden = sensitive.copy()
    if secondary and need:
        passed: set = set()
        while True:
            changed = _rules(grid, hidden)
            changed |= _audit(grid, hidden, need, passed)
            if not changed:
                break
    return hidden, sensitive
