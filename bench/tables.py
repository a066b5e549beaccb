"""Budgets: the descriptive table of every variable by board, with its tests, on 100,000 reviews.

What "the descriptive table with its tests" is in cprstats terms: for every categorical,
boolean and multi-response codebook variable (what ``variables=None`` selects),

- ``cprstats.proportions(data, by="board")``: count, denominator, share and Wilson interval
  of each level in each board and overall, and
- ``cprstats.compare(data, None, by="board")``: the test of each level across the six boards
  (exact where feasible, Pearson's chi-squared for tables this large), Holm-adjusted.

The floor is what an analyst writes with plain pandas and scipy for the same table: per
variable (per option column for a multi-response variable) a group-by crosstab
``data.groupby([column, "board"]).size().unstack()``, its column percentages, and
``scipy.stats.chi2_contingency`` of the table. (``pd.crosstab`` gives the same table but
costs four times as much: a floor must be the cheap way.)

Budgets: time at most 2x the floor; the extra memory at its peak (``tracemalloc``, which
sees numpy's and pandas' buffers) at most 0.25x the DataFrame's own
``memory_usage(deep=True)``. Reported, not enforced: ``tableone.TableOne`` on 20 of the
columns against the floor on the same columns, when the ``tableone`` package is installed
(``pip install -e .[bench]``; skipped with ``--quick``).

The data: ``cprstats.code_reviews(cprstats.generate(100_000, seed))`` (synthetic).
"""

from __future__ import annotations

import gc
import tracemalloc

from .common import Options
from .harness import Budget, timed

__all__ = ["budgets", "floor_table", "cprstats_table", "N_REVIEWS", "SEED"]

N_REVIEWS = 100_000
SEED = 20240910
N_TABLEONE = 20


class _Data:
    def __init__(self, n: int):
        self.n = n
        self.frame = None

    def ready(self):
        if self.frame is None:
            import cprstats

            self.frame = cprstats.code_reviews(cprstats.generate(self.n, seed=SEED))
            cb = cprstats.load_codebook()
            from cprstats.stats.variables import resolve_items

            items = resolve_items(self.frame, None, cb)
            self.variables = [i.variable for i in items]
            self.columns = [c for i in items for c in i.columns]
            self.size = int(self.frame.memory_usage(deep=True).sum())
        return self


def floor_table(data, columns, by: str = "board") -> list:
    """Plain pandas and scipy: group-by crosstab, column percentages and chi-squared per column.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"board": list("AABB"), "x": [True, False, True, True]})
    >>> out = floor_table(df, ["x"])
    >>> out[0][0].to_numpy().tolist()
    [[1, 0], [1, 2]]
    """
    from scipy.stats import chi2_contingency

    out = []
    for col in columns:
        tab = data.groupby([col, by], observed=False).size().unstack(fill_value=0)
        pct = tab / tab.sum(axis=0)
        table = tab.to_numpy()
        table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
        test = chi2_contingency(table) if min(table.shape) >= 2 else None
        out.append((tab, pct, test))
    return out


def cprstats_table(data, variables=None, by: str = "board"):
    """cprstats' descriptive table with its tests: `proportions` and `compare` by ``by``."""
    import cprstats

    return cprstats.proportions(data, variables, by=by), cprstats.compare(data, variables, by=by)


def _peak_extra(fn) -> int:
    """Peak memory allocated while ``fn`` runs, above what was allocated before (bytes)."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return max(0, peak - before)


def budgets(opts: Options) -> list[Budget]:
    data = _Data(N_REVIEWS)
    what = f"every variable by board, {N_REVIEWS:,} reviews"
    out = [
        Budget(
            f"descriptive table + tests, {what}",
            measured=lambda: timed(lambda: cprstats_table(data.ready().frame))(),
            floor=lambda: timed(lambda: floor_table(data.ready().frame, data.ready().columns))(),
            limit=2.0,
            reps=opts.reps_for(5),
            warmup=1,
            floor_label="groupby([column, board]).size() + chi2_contingency per column",
            measured_label="cprstats.proportions + cprstats.compare, by='board'",
            note="synthetic data from cprstats.generate",
        ),
        Budget(
            "descriptive table + tests, extra memory / DataFrame size",
            measured=lambda: _peak_extra(lambda: cprstats_table(data.ready().frame)),
            floor=lambda: data.ready().size,
            limit=0.25,
            kind="memory",
            reps=opts.reps_for(3),
            warmup=0,
            floor_label="DataFrame.memory_usage(deep=True).sum()",
            measured_label="tracemalloc peak during proportions + compare",
        ),
    ]
    if not opts.quick:
        try:
            import tableone  # noqa: F401
        except ImportError:
            opts.log("tableone is not installed (pip install -e .[bench]); its comparison is skipped")
        else:
            out.append(_tableone_budget(data, opts))
    return out


def _tableone_budget(data, opts: Options) -> Budget:
    def columns():
        return [c for c in data.ready().columns if c != "board"][:N_TABLEONE]

    def measured():
        import warnings

        from tableone import TableOne

        frame = data.ready().frame[[*columns(), "board"]]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return timed(
                lambda: TableOne(frame, columns=columns(), categorical=columns(), groupby="board", pval=True)
            )()

    return Budget(
        f"tableone.TableOne, {N_TABLEONE} columns by board (reported)",
        measured=measured,
        floor=lambda: timed(lambda: floor_table(data.ready().frame, columns()))(),
        limit=None,
        reps=opts.reps if opts.reps is not None else 1,
        floor_label=f"the same floor on the same {N_TABLEONE} columns",
        measured_label="TableOne(..., groupby='board', pval=True)",
        note="no budget: shows what the hand-rolled table saves over tableone",
    )
