"""Budget: coding a million generated forms costs at most 4x reading their CSV with pandas.

Setup (not timed): ``cprstats.generate(1_000_000, seed)`` makes the forms (synthetic),
written once as a CSV. Floor: ``pandas.read_csv(path, dtype=str)`` of that CSV. Measured:
``cprstats.code_reviews(forms)`` on the forms as a DataFrame, identifier guard included
(``check_identifiers=True``, the default), schema validation included.

``--quick`` uses 200,000 forms.
"""

from __future__ import annotations

from .common import Options, scratch
from .harness import Budget, timed

__all__ = ["budgets", "N_FORMS", "SEED"]

N_FORMS = 1_000_000
N_QUICK = 200_000
SEED = 20240909


class _Data:
    """The forms and their CSV, made on first use and shared by both sides."""

    def __init__(self, n: int):
        self.n = n
        self.forms = None
        self.path = None

    def ready(self):
        if self.forms is None:
            import pyarrow as pa
            import pyarrow.csv as pacsv

            import cprstats

            self.forms = cprstats.generate(self.n, seed=SEED)
            folder = scratch("coding")
            self.path = folder / "forms.csv"
            # pyarrow writes the same CSV as DataFrame.to_csv (quoting only where needed), 10x faster
            table = pa.Table.from_pandas(self.forms, preserve_index=False)
            pacsv.write_csv(table, self.path, pacsv.WriteOptions(quoting_style="needed"))
        return self


def budgets(opts: Options) -> list[Budget]:
    n = N_QUICK if opts.quick else N_FORMS
    data = _Data(n)

    def floor():
        import pandas as pd

        d = data.ready()
        return timed(lambda: pd.read_csv(d.path, dtype=str))()

    def measured():
        import cprstats

        d = data.ready()
        return timed(lambda: cprstats.code_reviews(d.forms))()

    return [
        Budget(
            f"coding {n:,} forms (guard included)",
            measured=measured,
            floor=floor,
            limit=4.0,
            reps=opts.reps_for(3),
            warmup=0,
            floor_label="pandas.read_csv(csv, dtype=str)",
            measured_label="cprstats.code_reviews(forms)",
            note=f"forms from cprstats.generate({n}, seed={SEED}); synthetic",
        )
    ]
