"""Tests for the command line (cprstats.cli and the validate, code and codebook commands).

Exit codes are the CLI's documented contract (cprstats/cli.py): 0 success, 1 problems in the
input, 2 usage errors or unreadable files; argparse's own usage errors also exit 2 (Python
documentation, argparse, "ArgumentParser.error"). The bad-forms corpus is in tests/data/bad/, each
file with the problems it must produce listed in tests/data/bad/expected.csv (file, row, field,
problem fragment); the rows are spreadsheet rows (header = 1). All forms are SYNTHETIC.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest

from cprstats import __version__
from cprstats.cli import COMMANDS, main

HERE = Path(__file__).parents[1]
BAD = HERE / "data" / "bad"
FORMS = HERE / "data" / "forms"


def _manifest() -> dict[str, list[dict]]:
    out = defaultdict(list)
    with open(BAD / "expected.csv", encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            out[rec["file"]].append(rec)
    return dict(out)


EXPECTED = _manifest()


def _run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


# --------------------------------------------------------------------------- the bad-forms corpus
def test_manifest_covers_every_bad_file():
    files = {p.name for p in BAD.glob("*.csv")} - {"expected.csv"}
    assert files == set(EXPECTED)
    assert len(files) >= 15


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_form_gives_its_problems(tmp_path, capsys, name):
    report = tmp_path / "problems.csv"
    code, out, err = _run(["validate", BAD / name, "--report", report], capsys)
    assert code == 1
    probs = pd.read_csv(report, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(probs.columns) == ["file", "row", "review_id", "field", "value", "problem"]
    assert probs["file"].eq(name).all()
    got = {(int(r.row), r.field): r.problem for r in probs.itertuples()}
    want = {(int(r["row"]), r["field"]): r["problem"] for r in EXPECTED[name]}
    assert set(got) == set(want), f"{name}: problems at {sorted(got)}, expected {sorted(want)}"
    for key, fragment in want.items():
        assert fragment in got[key], f"{name} row {key[0]} field {key[1]}: {got[key]!r}"
        assert fragment in " ".join(out.split())  # printed for the user too
    assert f"{len(want)} problem" in out
    assert f"Problems written to {report}" in out


def test_validate_as_a_real_process_exits_1_without_traceback():
    exe = Path(sys.executable).with_name("cprstats")
    if not exe.exists():
        pytest.skip("the cprstats console script is not installed in this environment")
    proc = subprocess.run(
        [str(exe), "validate", str(BAD / "many_problems.csv")], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "7 problems found" in proc.stdout
    assert "did you mean 'death'?" in proc.stdout


# --------------------------------------------------------------------------- validate
def test_validate_good_forms(capsys):
    code, out, _ = _run(["validate", FORMS / "good.csv"], capsys)
    assert code == 0
    assert "3 subject children in 3 reviews; no problems found" in out


def test_validate_yaml_folder(capsys):
    code, out, _ = _run(["validate", FORMS / "yaml"], capsys)
    assert code == 0 and "3 subject children in 2 reviews" in out


def test_validate_report_as_xlsx(tmp_path, capsys):
    from openpyxl import load_workbook

    report = tmp_path / "problems.xlsx"
    code, _, _ = _run(["validate", BAD / "unknown_code.csv", "--report", report], capsys)
    assert code == 1
    ws = load_workbook(report, read_only=True)["problems"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("file", "row", "review_id", "field", "value", "problem")
    assert rows[1][3:5] == ("outcome", "deth")


def test_validate_report_not_written_when_valid(tmp_path, capsys):
    report = tmp_path / "problems.csv"
    code, _, _ = _run(["validate", FORMS / "good.csv", "--report", report], capsys)
    assert code == 0 and not report.exists()


def test_keep_column(tmp_path, capsys):
    p = tmp_path / "forms.csv"
    p.write_text(
        "review_id,child_no,local_authority,review_type,incident_date,coder\nK 1 2019,1,cardiff,mapf,2019-05,A\n",
        encoding="utf-8",
    )
    assert _run(["validate", p], capsys)[0] == 1
    assert _run(["validate", p, "--keep-column", "coder"], capsys)[0] == 0


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["validate", "no/such/forms.csv"], "no such file or folder"),
        (["validate", FORMS / "good.csv", "--codebook", "no/such/codebook.yaml"], "no such codebook file"),
        (["code", FORMS / "good.csv", "-o", "x.parquet"], "written as a .csv file"),
    ],
    ids=["missing_forms", "missing_codebook", "output_not_csv"],
)
def test_user_mistakes_exit_2_with_a_message(capsys, argv, fragment):
    code, out, err = _run(argv, capsys)
    assert code == 2
    assert err.startswith(f"cprstats {argv[0]}: ")
    assert fragment in err


def test_unreadable_forms_exit_2(tmp_path, capsys):
    p = tmp_path / "forms.csv"
    p.write_bytes("review_id\nYnys M\xf4n\n".encode("latin-1"))
    code, _, err = _run(["validate", p], capsys)
    assert code == 2 and "not UTF-8" in err and "CSV UTF-8" in err


# --------------------------------------------------------------------------- code
def test_code_writes_dataset_and_datapackage(tmp_path, capsys):
    out = tmp_path / "coded" / "reviews.csv"
    code, stdout, _ = _run(["code", FORMS / "good.csv", "-o", out, "--synthetic", "--lang", "cy"], capsys)
    assert code == 0
    assert f"Coded 3 subject children into {out}" in stdout
    pkg = json.loads((out.parent / "datapackage.json").read_text(encoding="utf-8"))
    assert pkg["x-cprstats"]["synthetic"] is True
    assert pkg["resources"][0]["schema"]["fields"][0]["title"] == "Dynodwr yr adolygiad"
    from cprstats.io.datapackage import read_dataset

    back = read_dataset(out)
    assert back["review_id"].tolist() == ["CYSUR 1 2018", "NWSB 3 2019", "WG S71 2019"]
    assert back.attrs["synthetic"] is True


def test_code_writes_nothing_when_there_are_problems(tmp_path, capsys):
    out = tmp_path / "reviews.csv"
    code, stdout, _ = _run(["code", BAD / "many_problems.csv", "-o", out], capsys)
    assert code == 1
    assert "7 problems found" in stdout and "Nothing was written." in stdout
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- codebook
def test_codebook_prints_markdown(capsys):
    code, out, _ = _run(["codebook"], capsys)
    assert code == 0 and out.startswith("# Data dictionary: cprstats\n")
    code, out, _ = _run(["codebook", "--lang", "cy"], capsys)
    assert code == 0 and out.startswith("# Geiriadur data: cprstats\n")


def test_codebook_untranslated(tmp_path, capsys):
    code, out, err = _run(["codebook", "--untranslated"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "source\twhere\tenglish\twelsh"
    assert any(ln.startswith("codebook\tthemes.escalation\tEscalation\t") for ln in lines)
    assert not any("\toutcome.death\t" in ln for ln in lines)  # verified Welsh is not listed
    assert f"{len(lines) - 1} texts await a Welsh translator's review." in err
    target = tmp_path / "untranslated.tsv"
    assert _run(["codebook", "--untranslated", "-o", target], capsys)[0] == 0
    assert target.read_text(encoding="utf-8") == out


def test_codebook_with_a_researchers_codebook(capsys, extra_option_codebook):
    code, out, _ = _run(["codebook", "--codebook", extra_option_codebook], capsys)
    assert code == 0 and "`trauma_informed` Trauma-informed practice" in out


# --------------------------------------------------------------------------- the parser
def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"cprstats {__version__}"


def test_unknown_command_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["validat", "forms.csv"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'validat'" in err and "Traceback" not in err


def test_missing_argument_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["code", str(FORMS / "good.csv")])
    assert exc.value.code == 2
    assert "-o/--output" in capsys.readouterr().err


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    out = capsys.readouterr().out
    for name in ("validate", "code", "codebook"):
        assert name in out


def test_registry_points_at_command_modules():
    from importlib import import_module

    for name in ("validate", "code", "codebook"):
        module = import_module(COMMANDS[name][0])
        assert callable(module.add_arguments) and callable(module.execute)
