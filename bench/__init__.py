"""Performance benchmarks of cprstats, each a budget: a ratio to a floor measured in the same run.

Run them with ``make bench`` (or ``python -m bench``; ``--quick`` for fewer repetitions and
smaller data, ``--only imports coding`` for some families). Each family is one module:

- `bench.imports`: ``import cprstats`` against ``import pandas``;
- `bench.coding`: coding a million generated forms against reading their CSV;
- `bench.tables`: the descriptive table with its tests against plain pandas and scipy (time
  and memory), and tableone for comparison;
- `bench.runner`: one notebook through the runner against its cells as a script, and two
  workers against one;
- `bench.testing`: nbval against papermill, and unit tests without notebook plugins.

The harness (`bench.harness`) runs the two sides of each budget interleaved and compares
medians; `bench.report` prints the table, writes ``bench/results/latest.json`` and sets the
exit code (1 when a budget is missed). All data used is synthetic. See ``bench/README.md``.
"""

__all__ = ["FAMILIES"]

#: Budget families in the order they run: name -> module (each defines ``budgets(opts)``).
FAMILIES = {
    "imports": "bench.imports",
    "coding": "bench.coding",
    "tables": "bench.tables",
    "runner": "bench.runner",
    "testing": "bench.testing",
}
