"""End-to-end safety: identifiers never reach an output, and an interrupted command leaves no partial file.

Issue 8 asks for both as observable behaviour of the command line, not only of the functions
behind it, so these tests drive the real ``cprstats`` program in a subprocess.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import cprstats

NAMES = ["Olwen Pritchard", "Gethin Llewellyn"]  # invented names, planted to be looked for


def _forms_with_names(tmp_path: Path) -> Path:
    src = cprstats.datasets.examples.forms_path("wales")
    with open(src, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[0].append("Child name")
    for i, row in enumerate(rows[1:]):
        row.append(NAMES[i % 2])
    out = tmp_path / "forms_with_names.csv"
    with open(out, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return out


def _cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "cprstats", *args], capture_output=True, text=True, timeout=120, **kw)


@pytest.mark.parametrize("keep", [False, True])
def test_forms_with_a_name_column_leave_no_trace_of_the_names(tmp_path, keep):
    forms = _forms_with_names(tmp_path)
    out = tmp_path / "processed" / "coded.csv"
    args = ["code", str(forms), "-o", str(out)] + (["--keep-column", "Child name"] if keep else [])
    proc = _cli(*args)
    assert proc.returncode == 1
    assert "looks like a person's name" in proc.stdout and "Child name" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
    for name in NAMES:  # not echoed in the message, not written anywhere
        assert name not in proc.stdout + proc.stderr
    assert not out.parent.exists() or not any(out.parent.iterdir())


def test_kept_columns_are_screened_even_when_the_identifier_check_is_off(tmp_path):
    forms = cprstats.read_forms(_forms_with_names(tmp_path), check=False)
    with pytest.raises(cprstats.CodingError, match="looks like a person's name") as err:
        cprstats.code_reviews(forms, keep_columns=["Child name"], check_identifiers=False)
    assert not any(n in str(err.value) for n in NAMES)


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
@pytest.mark.parametrize("delay", [0.5, 1.5, 3.0])
def test_code_interrupted_at_any_moment_leaves_a_whole_file_or_none(tmp_path, delay):
    # ~8,000 forms take a few seconds to code and write, so the signal lands at different stages.
    from cprstats.io import write_csv
    from cprstats.synth.generator import generate

    forms = tmp_path / "forms.csv"
    write_csv(generate(8000, seed=7), forms)
    out_dir = tmp_path / "processed"
    proc = subprocess.Popen(
        [sys.executable, "-m", "cprstats", "code", str(forms), "-o", str(out_dir / "coded.csv")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(delay)
    proc.send_signal(signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=120)
    assert "Traceback" not in stderr
    files = sorted(p.name for p in out_dir.iterdir()) if out_dir.exists() else []
    if proc.returncode == 0:  # it finished first: the output must be whole
        assert files == ["coded.csv", "datapackage.json"]
        cprstats.read_dataset(out_dir / "coded.csv")  # the hash in datapackage.json matches
    else:  # stopped: 130 with a message, or killed by the signal after main() returned (outputs complete)
        assert proc.returncode in (130, -signal.SIGTERM), (proc.returncode, stderr[-500:])
        assert proc.returncode != 130 or "interrupted" in stderr
        assert files in ([], ["coded.csv", "datapackage.json"]), f"partial files left: {files}"
        if files:
            cprstats.read_dataset(out_dir / "coded.csv")
