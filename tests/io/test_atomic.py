"""Tests for cprstats.io.atomic: atomic writes, deterministic text and JSON, output folders.

Reference values: the JSON layout is Python's ``json.dumps(sort_keys=True, indent=2,
ensure_ascii=False)`` written out by hand; "Ŵ" is U+0174, written as itself (not ``\\u0174``)
because ``ensure_ascii=False``.
"""

from __future__ import annotations

import json
import os

import numpy as np
import pandas as pd
import pytest

import cprstats.io.atomic as atomic
from cprstats.errors import CprstatsError, ParameterError


# ------------------------------------------------------------------ atomic_path
def test_atomic_path_writes_on_success_and_creates_parent(tmp_path):
    target = tmp_path / "new" / "deeper" / "out.txt"
    with atomic.atomic_path(target) as tmp:
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
        with atomic.atomic_path(target) as tmp:
            tmp.write_text("half a fi")
            raise exc
    assert target.read_text() == "old contents"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_atomic_path_no_file_when_interrupted_before_first_write(tmp_path):
    target = tmp_path / "never.csv"
    with pytest.raises(KeyboardInterrupt):
        with atomic.atomic_path(target):
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_atomic_path_refuses_a_folder(tmp_path):
    with pytest.raises(ParameterError, match="is a folder"):
        with atomic.atomic_path(tmp_path):
            pass


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_atomic_path_keeps_mode_of_replaced_file(tmp_path):
    target = tmp_path / "private.csv"
    target.write_text("x")
    target.chmod(0o600)
    atomic.write_text("y", target)
    assert target.stat().st_mode & 0o777 == 0o600


# ------------------------------------------------------------------ text / JSON
def test_write_json_is_deterministic_and_typed(tmp_path):
    obj = {"b": np.int64(2), "a": [np.float64(0.5), None], "c": "Ŵ", "d": pd.Period("2020-03", "M")}
    p = atomic.write_json(obj, tmp_path / "m.json")
    text = p.read_text(encoding="utf-8")
    assert text == '{\n  "a": [\n    0.5,\n    null\n  ],\n  "b": 2,\n  "c": "Ŵ",\n  "d": "2020-03"\n}\n'
    assert json.loads(text)["b"] == 2


@pytest.mark.parametrize("bad, fragment", [({"x": float("nan")}, "missing number"), ({"x": object()}, "object")])
def test_write_json_refuses_what_json_cannot_hold(tmp_path, bad, fragment):
    with pytest.raises(ParameterError, match=fragment):
        atomic.write_json(bad, tmp_path / "m.json")
    assert not (tmp_path / "m.json").exists()


def test_write_text_uses_lf_and_write_bytes(tmp_path):
    p = atomic.write_text("a\nb\n", tmp_path / "t.html")
    assert p.read_bytes() == b"a\nb\n"
    q = atomic.write_bytes(b"\x00\x01", tmp_path / "b.bin")
    assert q.read_bytes() == b"\x00\x01"
    with pytest.raises(ParameterError, match="text must be a str"):
        atomic.write_text(b"x", tmp_path / "x")


# ------------------------------------------------------------------ folders
def test_ensure_new_folder(tmp_path):
    out = atomic.ensure_new_folder(tmp_path / "runs" / "MWW")
    assert out.is_dir()
    assert atomic.ensure_new_folder(out) == out  # empty: fine
    (out / "table.csv").write_text("x")
    with pytest.raises(ParameterError, match=r"already holds 1 file; choose a new folder, or pass --force"):
        atomic.ensure_new_folder(out)
    assert atomic.ensure_new_folder(out, force=True) == out
    assert (out / "table.csv").read_text() == "x"  # force never deletes
    with pytest.raises(ParameterError, match="is a file"):
        atomic.ensure_new_folder(out / "table.csv")


def test_permission_error_on_replace_is_explained(tmp_path, monkeypatch):
    def locked(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic.os, "replace", locked)
    with pytest.raises(CprstatsError, match="open in Excel"):
        atomic.write_text("x", tmp_path / "t.txt")
    assert list(tmp_path.iterdir()) == []
