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
does the hidden complement ``n - x`` of a cell without a row relation (a boolean or a
multi-response option, whose "no" count the reader gets from ``n``). Using every published
number, the attacker's feasible interval for a sensitive cell must cover the whole span
``0 .. min(threshold - 1, n)`` (for a complement, ``n - min(threshold - 1, n) .. n``).
Covering 0 means the attacker cannot tell that anyone in the group has the attribute;
covering ``threshold - 1`` means they cannot tell that fewer than ``threshold`` do, which
is no more than the ``*`` itself says. A merely non-exact interval is not enough: ``a + b =
2`` with both hidden still tells the reader that two children share two rare attributes.

The intervals are computed exactly by linear programming (``scipy.optimize.linprog``,
HiGHS). The relations form a two-way table with margins, whose constraint matrix is totally
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

from .errors import CprstatsError

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
                if self.row_rel[j] != "eq" and 1 <= n - x <= threshold - 1:
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


def _interval(grid: Grid, hidden: np.ndarray, cell) -> tuple[float, float]:
    from scipy.optimize import linprog

    cells = list(zip(*np.nonzero(hidden)))
    index = {c: i for i, c in enumerate(cells)}
    A_eq, b_eq, A_ub, b_ub = [], [], [], []
    for members, sense, const in grid.relations:
        row = np.zeros(len(cells))
        rhs = const
        used = False
        for l, j, coef in members:
            if hidden[l, j]:
                row[index[(l, j)]] += coef
                used = True
            else:
                rhs -= coef * grid.x[l, j]
        if not used:
            continue
        (A_eq if sense == "eq" else A_ub).append(row)
        (b_eq if sense == "eq" else b_ub).append(rhs)
    bounds = [(0.0, float(grid.n[c])) for c in cells]
    kw = {
        "A_eq": np.array(A_eq) if A_eq else None,
        "b_eq": np.array(b_eq) if b_eq else None,
        "A_ub": np.array(A_ub) if A_ub else None,
        "b_ub": np.array(b_ub) if b_ub else None,
        "bounds": bounds,
        "method": "highs",
    }
    c = np.zeros(len(cells))
    c[index[cell]] = 1.0
    out = []
    for sign in (1.0, -1.0):
        res = linprog(sign * c, **kw)
        if res.status != 0:  # the true counts are always feasible, so this is a bug
            raise CprstatsError(f"suppress: the disclosure audit failed ({res.message}); please report this")
        out.append(sign * res.fun)
    return out[0], out[1]


def _audit(grid: Grid, hidden: np.ndarray, need: dict, passed: set) -> bool:
    """(c): widen every sensitive cell's feasible interval to its required span."""
    changed = False
    for cell, (a, b) in need.items():
        if cell in passed:
            continue
        while True:
            lo, hi = _interval(grid, hidden, cell)
            if lo <= a + _EPS and hi >= b - _EPS:
                passed.add(cell)
                break
            near = {(l, j) for members, _, _ in grid.relations if any((l2, j2) == cell for l2, j2, _ in members)
                    for l, j, _ in members}
            pub = [c for c in near if not hidden[c]]
            if not pub:
                pub = [c for c in zip(*np.nonzero(~hidden & ~np.isnan(grid.x)))]
            if not pub:
                raise CprstatsError(f"suppress: cell {cell} cannot be protected; please report this")
            hidden[min(pub, key=lambda c: _key(grid, c))] = True
            changed = True
    return changed


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
