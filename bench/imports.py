"""Budget: ``import cprstats`` costs at most 1.5x ``import pandas``, heavy libraries unloaded.

Both sides are fresh interpreters (``python -c "import ..."``), timed from outside, so
each pays the interpreter start as well; nothing is cached between runs but the
operating system's file cache (one unrecorded warm-up run of each fills it).

The checks: after ``import cprstats``, none of `HEAVY` is in ``sys.modules`` (they load
when a function that needs them is first called). A second, reported row times the
first use of the statistics functions (``from cprstats import proportions, compare``)
against the same floor.
"""

from __future__ import annotations

import json
import subprocess

from .common import PYTHON, Options, quiet_env, run_timed
from .harness import Budget, Check

__all__ = ["HEAVY", "budgets", "loaded_after"]

#: Libraries that ``import cprstats`` must not load.
HEAVY = ("statsmodels", "seaborn", "papermill", "nbformat", "openpyxl", "matplotlib", "scipy.stats")


def loaded_after(statement: str, modules=HEAVY) -> list[str]:
    """Which of ``modules`` a fresh interpreter has loaded after running ``statement``.

    >>> loaded_after("import json", ["json", "csv"])
    ['json']
    """
    code = f"import sys, json; {statement}; print(json.dumps([m for m in {list(modules)!r} if m in sys.modules]))"
    out = subprocess.run([PYTHON, "-c", code], env=quiet_env(), capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _heavy_check(statement: str):
    def checks(floor, measured):
        found = loaded_after(statement)
        return [
            Check(
                f"after `{statement}`, none of {', '.join(HEAVY)} is loaded",
                not found,
                f"loaded: {', '.join(found)}" if found else "none loaded",
            )
        ]

    return checks


def budgets(opts: Options) -> list[Budget]:
    def python(statement):
        return lambda: run_timed([PYTHON, "-c", statement])

    floor = python("import pandas")
    return [
        Budget(
            "import cprstats",
            measured=python("import cprstats"),
            floor=floor,
            limit=1.5,
            reps=opts.reps_for(7),
            warmup=1,
            checks=_heavy_check("import cprstats"),
            floor_label="python -c 'import pandas'",
            measured_label="python -c 'import cprstats'",
        ),
        Budget(
            "first use: from cprstats import proportions, compare",
            measured=python("from cprstats import proportions, compare"),
            floor=floor,
            limit=None,
            reps=opts.reps_for(5),
            warmup=1,
            checks=_heavy_check("from cprstats import proportions, compare"),
            floor_label="python -c 'import pandas'",
            measured_label="python -c 'from cprstats import proportions, compare'",
            note="reported: the cost of reaching the statistics functions (imports pandas, the codebook's yaml)",
        ),
    ]
