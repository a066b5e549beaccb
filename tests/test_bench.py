"""Tests of the benchmark harness (bench/): medians, ratios, the table, the JSON and the exit code.

Only the harness logic is tested, with fake timings: nothing here times anything, so the
tests cannot fail because the machine is busy. The budgets themselves run with `make bench`.
Every expected number is worked by hand from the fake samples; where a rule could be read two
ways (the median of an even count) the reference is the R call quoted beside it.
"""

from __future__ import annotations

import doctest
import json
import math
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python -m pytest` puts the repository first; plain `pytest` may not
    sys.path.insert(0, str(ROOT))

from bench import harness, report, testing  # noqa: E402
from bench.harness import Budget, Check, Result, measure, median, ratio_of, within  # noqa: E402


def fake(samples):
    """A callable returning the given samples in turn (a fake clock)."""
    it = iter(samples)
    return lambda: next(it)


# --------------------------------------------------------------------------- medians and ratios
def test_median_odd_and_even():
    # R: median(c(3, 1, 2)) = 2; median(c(1, 2, 10, 4)) = 3 (mean of the middle two)
    assert median([3.0, 1.0, 2.0]) == 2.0
    assert median([1.0, 2.0, 10.0, 4.0]) == 3.0
    assert math.isnan(median([]))


@pytest.mark.parametrize(
    "floor, measured, direction, expected",
    [
        (2.0, 3.0, "at_most", 1.5),  # 3 / 2
        (10.0, 5.0, "at_least", 2.0),  # speed-up: 10 / 5
        (4.0, 1.0, "at_most", 0.25),  # 1 / 4
    ],
)
def test_ratio_direction(floor, measured, direction, expected):
    assert ratio_of(floor, measured, direction) == pytest.approx(expected)


def test_ratio_of_zero_or_nan_is_nan():
    assert math.isnan(ratio_of(0.0, 1.0))
    assert math.isnan(ratio_of(1.0, 0.0, "at_least"))
    assert math.isnan(ratio_of(float("nan"), 1.0))


def test_within_limits_inclusive_and_directional():
    assert within(1.35, 1.35) and not within(1.3501, 1.35)
    assert within(1.75, 1.75, "at_least") and not within(1.7499, 1.75, "at_least")
    assert not within(float("nan"), 10.0) and not within(float("nan"), 0.1, "at_least")


# --------------------------------------------------------------------------- measure
def test_measure_interleaves_and_takes_medians():
    calls = []

    def side(name, values):
        it = iter(values)

        def run():
            calls.append(name)
            return next(it)

        return run

    b = Budget("x", measured=side("m", [5.0, 6.0, 100.0]), floor=side("f", [2.0, 3.0, 4.0]), limit=2.0, reps=3)
    r = measure(b)
    # order alternates so drift falls on both sides: f m | m f | f m
    assert calls == ["f", "m", "m", "f", "f", "m"]
    assert r.floor_samples == [2.0, 3.0, 4.0] and r.measured_samples == [5.0, 6.0, 100.0]
    # medians 3 and 6: the outlier 100 does not count; 6 / 3 = 2.0 is within <= 2.0
    assert (r.floor_median, r.measured_median, r.ratio, r.met) == (3.0, 6.0, 2.0, True)


def test_measure_missed_budget():
    r = measure(Budget("slow", measured=fake([4.5, 4.1, 4.2]), floor=fake([1.0, 1.0, 1.0]), limit=4.0, reps=3))
    assert r.ratio == pytest.approx(4.2) and r.met is False  # median 4.2 / 1.0 > 4


def test_measure_speedup_budget():
    # jobs 1 takes 10, 11, 12 s (median 11); jobs 2 takes 6, 5, 7 (median 6): 11 / 6 = 1.833 >= 1.75
    r = measure(
        Budget(
            "jobs",
            measured=fake([6.0, 5.0, 7.0]),
            floor=fake([10.0, 11.0, 12.0]),
            limit=1.75,
            direction="at_least",
            reps=3,
        )
    )
    assert r.ratio == pytest.approx(11 / 6) and r.met is True


def test_measure_warmup_and_reps_override():
    f = fake([99.0, 1.0, 1.0])  # the first (warm-up) sample is dropped
    m = fake([99.0, 1.2, 1.4])
    r = measure(Budget("w", measured=m, floor=f, limit=1.5, reps=9, warmup=1), reps=2)
    assert r.floor_samples == [1.0, 1.0] and r.measured_samples == [1.2, 1.4]
    assert r.ratio == pytest.approx(1.3)  # median(1.2, 1.4) = 1.3


def test_failing_check_misses_a_met_ratio():
    def checks(floor_s, measured_s):
        worst = max(measured_s) / median(measured_s)  # 3.0 / 1.0
        return [Check("slowest within 1.5x the median", worst <= 1.5, f"{worst:.1f}x")]

    r = measure(
        Budget("stall", measured=fake([1.0, 1.0, 3.0]), floor=fake([1.0, 1.0, 1.0]), limit=1.35, reps=3, checks=checks)
    )
    assert r.ratio == 1.0 and r.checks[0].ok is False and r.met is False


def test_reported_budget_is_never_missed_without_checks():
    r = measure(Budget("tableone", measured=fake([16.0]), floor=fake([1.0]), limit=None, reps=1))
    assert r.ratio == 16.0 and r.met is None
    assert report.exit_code([r]) == 0


def test_error_counts_as_missed():
    def boom():
        raise RuntimeError("no notebooks")

    r = measure(Budget("x", measured=boom, floor=fake([1.0]), limit=2.0, reps=1))
    assert r.met is False and r.error == "RuntimeError: no notebooks"
    assert report.exit_code([r]) == 1


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"kind": "speed"}, "kind='speed' is not allowed; use one of time, memory"),
        ({"direction": "below"}, "direction='below' is not allowed; use one of at_most, at_least"),
        ({"reps": 0}, "reps=0 is not allowed"),
        ({"limit": -1.0}, "limit=-1.0 is not allowed"),
    ],
)
def test_budget_rejects_bad_options(kwargs, message):
    args = {"name": "x", "measured": fake([]), "floor": fake([]), "limit": 1.0, **kwargs}
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        Budget(**args)


def test_stall_check_tells_a_stall_from_a_busy_machine():
    from bench.runner import stall_check

    # repetition 2 is slow on both sides (the machine was busy): measured/floor is 1.2 in every pair
    busy = stall_check([5.0, 7.5, 5.0, 5.0], [6.0, 9.0, 6.0, 6.0])
    assert busy.ok and "raw 1.500x" in busy.detail  # 9 / median(6, 6, 6, 9) = 9 / 6
    # repetition 2 is slow on the runner's side only (+3.5 s: a shutdown stall): 9.5/5 = 1.9 vs 1.2
    stall = stall_check([5.0, 5.0, 5.0, 5.0], [6.0, 9.5, 6.0, 6.0])
    assert not stall.ok and "slowest 1.583x" in stall.detail  # 1.9 / 1.2


# --------------------------------------------------------------------------- table, JSON, exit code
def test_table_lists_every_budget_with_ratio_limit_and_verdict():
    rows = [
        Result("import cprstats", "time", "at_most", 1.5, [0.6, 0.7, 0.8], [0.05, 0.06, 0.07]),
        Result("jobs", "time", "at_least", 1.75, [30.0], [20.0]),
        Result("memory", "memory", "at_most", 0.25, [24_000_000.0], [4_800_000.0]),
    ]
    text = report.format_table(rows)
    lines = text.splitlines()
    assert lines[0].split() == ["budget", "floor", "measured", "ratio", "limit", "met"]
    # 0.06 / 0.7 = 0.0857; 30 / 20 = 1.5 < 1.75; 4.8 MB / 24 MB = 0.2
    assert "0.086x" in lines[1] and "<= 1.5x" in lines[1] and lines[1].endswith("yes")
    assert "1.500x" in lines[2] and ">= 1.75x" in lines[2] and lines[2].endswith("NO")
    assert "24.0 MB" in lines[3] and "4.8 MB" in lines[3] and "0.200x" in lines[3]
    assert report.exit_code(rows) == 1
    assert report.exit_code([rows[0], rows[2]]) == 0


def test_json_round_trip(tmp_path):
    rows = [
        Result("a", "time", "at_most", 2.0, [1.0, 3.0], [2.0, 4.0], checks=[Check("c", True, "fine")]),
        Result("b", "time", "at_most", None, [], [], error="BenchError: boom"),
    ]
    path = report.write_json(rows, tmp_path / "results" / "latest.json", {"quick": True})
    doc = json.loads(path.read_text())
    assert doc["all_met"] is False  # "b" failed with an error
    assert doc["meta"]["quick"] is True and doc["meta"]["cpus"] >= 1
    a, b = doc["results"]
    # medians 2 and 3: ratio 1.5
    assert (a["floor_median"], a["measured_median"], a["ratio"], a["met"]) == (2.0, 3.0, 1.5, True)
    assert a["checks"] == [{"name": "c", "ok": True, "detail": "fine"}]
    assert b["ratio"] is None and b["floor_median"] is None and b["met"] is False
    assert not list(path.parent.glob("*.tmp"))


def test_main_exits_1_on_a_missed_budget(tmp_path, monkeypatch, capsys):
    import bench.__main__ as cli

    mod = types.ModuleType("bench_fake_family")

    def budgets(opts):
        return [
            Budget("fast enough", measured=fake([1.0] * 9), floor=fake([1.0] * 9), limit=1.1, reps=opts.reps_for(5)),
            Budget("too slow", measured=fake([3.0] * 9), floor=fake([1.0] * 9), limit=2.0, reps=opts.reps_for(5)),
        ]

    mod.budgets = budgets
    monkeypatch.setitem(sys.modules, "bench_fake_family", mod)
    monkeypatch.setattr(cli, "FAMILIES", {"fake": "bench_fake_family"})
    out = tmp_path / "latest.json"
    assert cli.main(["--quick", "--output", str(out)]) == 1
    printed = capsys.readouterr().out
    assert "too slow" in printed and "BUDGET MISSED" in printed
    doc = json.loads(out.read_text())
    assert [r["met"] for r in doc["results"]] == [True, False]
    assert [len(r["floor_samples"]) for r in doc["results"]] == [3, 3]  # --quick: at most 3 repetitions


def test_cli_rejects_an_unknown_family():
    import bench.__main__ as cli

    with pytest.raises(SystemExit) as exc:
        cli.parse_args(["--only", "import"])
    assert exc.value.code == 2


# --------------------------------------------------------------------------- Makefile parsing
def test_makefile_unit_line_disables_nbval():
    lines = testing.makefile_pytest_lines(ROOT / "Makefile")
    unit = [ln for ln in lines if not any(a.startswith("--nbval") for a in ln)]
    assert unit, "the Makefile's test target has no unit-test pytest line"
    assert testing.unit_line_disables(unit[0], ["nbval"]) == []


def test_nbval_command_points_at_the_copy(tmp_path):
    mk = tmp_path / "Makefile"
    mk.write_text(
        "test: $(STAMP)\n\t$(BIN)/python -m pytest -p no:nbval -q\n"
        "\t$(BIN)/python -m pytest --nbval-lax --nbval-sanitize-with notebooks/sanitize.cfg notebooks -q\n"
    )
    cmd = testing.nbval_command(Path("/x/notebooks"), mk)
    assert cmd[1:] == [
        "-m",
        "pytest",
        "--nbval-lax",
        "--nbval-sanitize-with",
        "/x/notebooks/sanitize.cfg",
        "/x/notebooks",
        "-q",
    ]


@pytest.mark.parametrize("module", [harness, report])
def test_docstring_examples(module):
    res = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert res.attempted > 0 and res.failed == 0
