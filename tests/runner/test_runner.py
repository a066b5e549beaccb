"""Tests of the notebook runner (cprstats.runner.execution, runjobs, runpool, runfiles) and `cprstats run`.

The notebooks are the tiny ones in tests/data/notebooks (see its README): each does almost
nothing, so a test pays only for starting kernels (about 1-3 s each). All data is synthetic.
Reference values are the test notebooks' own behaviour (what each writes or raises, given in
tests/data/notebooks/README.md), the codebook (boards and periods), and FIPS 180-2 for SHA-256.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import jupytext
import nbformat
import pytest

import cprstats
import cprstats.runner.execution as runner
import cprstats.runner.jobs as runjobs
import cprstats.runner.kernels as kernels
from cprstats.cli import main
from cprstats.errors import CodingError, ParameterError
from cprstats.runner.options import notebook_source

HERE = Path(__file__).parents[1]
NB_DIR = HERE / "data" / "notebooks"
FORMS = NB_DIR / "forms.csv"
HAS_HTML = (Path(cprstats.__file__).parent / "report" / "page.py").is_file()
LINUX = Path("/proc/self/environ").is_file()


def _marked(marker: str) -> list[int]:
    """Live (not zombie) processes whose environment holds ``marker`` (Linux /proc)."""
    pids = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            env = (d / "environ").read_bytes()
            state = (d / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker.encode() in env and state != "Z":
            pids.append(int(d.name))
    return pids


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _no_kernels(monkeypatch):
    """Make any attempt to start the pool fail the test (validation must come first)."""

    def boom(*a, **k):
        raise AssertionError("a kernel would have been started")

    monkeypatch.setattr("cprstats.runner.pool.execute_jobs", boom)


# --------------------------------------------------------------------------- validation (no kernel)
# Boards and periods: cprstats/codebook/codebook.yaml, fields `board` (the six regional boards of
# DESIGN.md) and `period` (before/from 23 March 2020).
REGIONS = "wales, NWSB, MWW, WGSB, CTM, CAV, GWENT"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"regions": ["Gwent"]}, f"region='Gwent' is not a region; use one of {REGIONS} (did you mean 'GWENT'?)"),
        (
            {"regions": ["MWV"]},
            "region='MWV' is not a region; use one of wales, NWSB, MWW, WGSB, CTM, CAV, GWENT (did you mean 'MWW'?)",
        ),
        (
            {"periods": ["pre-covid"]},
            "period='pre-covid' is not a period; use one of all, pre_covid, post_covid (did you mean 'pre_covid'?)",
        ),
        ({"regions": []}, "region is empty; give at least one of wales"),
        ({"lang": "fr"}, "lang='fr' is not a language; use one of en, cy"),
        ({"notebooks": ["ok_table"]}, "notebook='ok_table' is not a notebook in"),
        ({"notebooks": ["ok_table"]}, "(did you mean 'ok_tables'?)"),
        ({"jobs": 0}, "jobs=0 is not allowed; use a whole number of worker processes >= 1"),
        ({"jobs": True}, "jobs=True is not allowed"),
        ({"threshold": 0}, "threshold=0 is not allowed; use an integer >= 1"),
        ({"suppress": "no"}, "suppress='no' is not allowed; use None (the default policy), True or False"),
        ({"force": "yes"}, "force='yes' is not allowed"),
    ],
)
def test_bad_options_are_named_with_the_allowed_values(kwargs, message):
    with pytest.raises(ParameterError) as err:
        runner.check_options(**{"notebook_dir": NB_DIR, **kwargs})
    assert message in str(err.value)


def test_valid_options_come_from_the_codebook_and_the_notebook_folder():
    cb = cprstats.load_codebook()
    assert REGIONS.split(", ") == ["wales", *cb.field("board").codes]
    opts = runner.check_options(
        ["ok_tables.ipynb", "fails", "fails"],
        ["MWW", "wales"],
        "post_covid",
        notebook_dir=NB_DIR,
        jobs=3,
        suppress=False,
    )
    assert opts.notebooks == ("ok_tables", "fails")  # ".ipynb" accepted, duplicates dropped, order kept
    assert (opts.regions, opts.periods, opts.jobs, opts.suppress) == (("MWW", "wales"), ("post_covid",), 3, False)
    assert runner.check_options(notebook_dir=NB_DIR).notebooks == (
        "fails",
        "kills_worker",
        "ok_figures",
        "ok_tables",
        "slow",
    )
    assert runner.default_jobs() == min(2, os.cpu_count() or 1)


def test_cli_reports_a_bad_region_without_starting_a_kernel(monkeypatch, capsys, tmp_path):
    _no_kernels(monkeypatch)
    rc = main(["run", "--region", "mww", "--notebook-dir", str(NB_DIR), "--output", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert rc == 2
    assert "cprstats run: region='mww' is not a region" in err and "(did you mean 'MWW'?)" in err
    assert not (tmp_path / "o").exists()


def test_missing_data_and_bad_forms_stop_before_any_kernel(monkeypatch, tmp_path, capsys):
    _no_kernels(monkeypatch)
    out = tmp_path / "o"
    # the one message of cprstats.datasets.load_data, as a notebook's Report gives it
    with pytest.raises(ParameterError, match=r"data='walse' is neither a file or folder.*did you mean 'wales'"):
        runner.run(["ok_tables"], data="walse", output=out, notebook_dir=NB_DIR, progress=False)
    bad = tmp_path / "bad.csv"  # a local authority that is not one of the 22 in the codebook
    bad.write_text(FORMS.read_text().replace("SYN 1 2019,1,powys", "SYN 1 2019,1,narnia"))
    with pytest.raises(CodingError) as err:
        runner.run(["ok_tables"], data=bad, output=out, notebook_dir=NB_DIR, progress=False)
    assert "narnia" in err.value.problems["value"].tolist()
    assert not out.exists()  # staging and the folders made for the run are gone
    rc = main(
        [
            "run",
            "--notebook",
            "ok_tables",
            "--data",
            str(bad),
            "--notebook-dir",
            str(NB_DIR),
            "--output",
            str(out),
            "-q",
        ]
    )
    printed = capsys.readouterr().out
    assert rc == 1 and "local_authority" in printed and "No notebook was run" in printed


# --------------------------------------------------------------------------- a real run
@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    """`cprstats run` on a good notebook and one that fails, for MWW, with 2 workers, on forms."""
    out = tmp_path_factory.mktemp("run") / "outputs"
    marker = f"CPRSTATS_TEST_{uuid.uuid4().hex}"
    os.environ[marker] = "1"  # kernels inherit it: lets the test find any left running
    stdout, stderr = io.StringIO(), io.StringIO()
    t0 = time.perf_counter()
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            rc = main(
                [
                    "run",
                    "--region",
                    "MWW",
                    "--notebook",
                    "ok_tables",
                    "fails",
                    "--data",
                    str(FORMS),
                    "--output",
                    str(out),
                    "--jobs",
                    "2",
                    "--notebook-dir",
                    str(NB_DIR),
                ]
            )
    finally:
        del os.environ[marker]
    return {
        "rc": rc,
        "out": out,
        "stdout": stdout.getvalue(),
        "stderr": stderr.getvalue(),
        "marker": marker,
        "seconds": time.perf_counter() - t0,
    }


@pytest.mark.slow
def test_run_writes_the_folder_layout(first_run):
    folder = first_run["out"] / "MWW" / "all"
    files = _files(first_run["out"])
    expected = [
        "MWW/all/fails.ipynb",
        "MWW/all/manifest.json",
        "MWW/all/ok_tables.ipynb",
        "MWW/all/tables/environment.csv",
        "MWW/all/tables/partial.csv",
        "MWW/all/tables/scope.csv",
    ]
    if HAS_HTML:
        expected += ["MWW/all/fails.html", "MWW/all/ok_tables.html", "index.html"]
        assert set(expected) == set(files)
    assert set(expected) <= set(files)
    assert not any(".staging" in f or "report.json" in f for f in files)
    # the parameters reached the notebook (ok_tables writes them back) ...
    assert (folder / "tables" / "scope.csv").read_text() == "region,period,lang,threshold,suppress\nMWW,all,en,5,None\n"
    # ... on this environment's Python, with matplotlib's Agg backend
    mpl, python, data_exists = (folder / "tables" / "environment.csv").read_text().splitlines()[1].split(",")
    assert mpl == "Agg" and python == sys.executable
    # the forms were coded once, in the parent, into a private temporary folder (not under the
    # output, which is circulated); removed after the run
    nb = nbformat.read(folder / "ok_tables.ipynb", as_version=4)
    data = Path(nb.metadata.papermill.parameters["DATA"])
    assert data_exists == "True" and data.parts[-2:] == ("data", "coded.csv")
    private = data.parent.parent
    assert private.name.startswith("cprstats-run-") and private.parent == Path(tempfile.gettempdir())
    assert not private.exists()
    assert nb.metadata.papermill.parameters["REGION"] == "MWW"
    assert nb.cells[-1].outputs[0]["text"] == "scope MWW/all\n"


@pytest.mark.slow
def test_manifest_records_parameters_versions_checksum_and_timings(first_run):
    m = json.loads((first_run["out"] / "MWW" / "all" / "manifest.json").read_text(encoding="utf-8"))
    assert {k: v for k, v in m["parameters"].items() if k != "DATA"} == {
        "REGION": "MWW",
        "PERIOD": "all",
        "LANG": "en",
        "THRESHOLD": 5,
        "SUPPRESS": None,
        "OUTPUT_DIR": ".",
    }
    assert m["versions"]["cprstats"] == cprstats.__version__
    assert m["git"]["commit"] is None or len(m["git"]["commit"]) == 40
    assert m["data"]["kind"] == "forms"
    assert m["data"]["sha256"] == hashlib.sha256(FORMS.read_bytes()).hexdigest()
    assert m["n_children"] == 2  # forms.csv: SYN 1 (Powys) and SYN 3 (Ceredigion) are in Mid and West Wales
    assert m["status"] == "failed"
    nbs = m["notebooks"]
    assert sorted(nbs) == ["fails", "ok_tables"]
    assert all(nbs[n]["seconds"] > 0 for n in nbs)
    assert nbs["ok_tables"]["status"] == "ok" and nbs["ok_tables"]["report"]["outputs"][0] == "tables/scope.csv"
    assert nbs["fails"]["files"][-1] == "tables/partial.csv"


@pytest.mark.slow
def test_manifest_names_the_input_files_without_local_paths(first_run):
    """Issue 18: the manifest, circulated with the reports, records the forms by name and SHA-256 only."""
    text = (first_run["out"] / "MWW" / "all" / "manifest.json").read_text(encoding="utf-8")
    m = json.loads(text)
    sha = hashlib.sha256(FORMS.read_bytes()).hexdigest()
    assert m["data"]["argument"] == "forms.csv"
    assert m["data"]["files"] == [{"name": "forms.csv", "sha256": sha}]
    assert m["parameters"]["DATA"] == "forms.csv"  # the notebooks got the private coded copy's path
    assert str(HERE) not in text and tempfile.gettempdir() + os.sep not in text
    assert m["notebook_dir"] == "tests/data/notebooks"


@pytest.mark.slow
def test_failing_notebook_names_region_period_and_cell_and_others_finish(first_run):
    assert first_run["rc"] == 1
    # fails.ipynb (tests/data/notebooks): markdown, parameters, a cell writing partial.csv, then
    # the raising cell: its 4th cell, executed 4th (parameters, injected parameters, write, raise).
    assert "1 of 2 notebook runs failed:" in first_run["stdout"]
    assert "MWW/all/fails: cell 4 (In [4]) raised ValueError: boom on purpose in MWW" in first_run["stdout"]
    m = json.loads((first_run["out"] / "MWW" / "all" / "manifest.json").read_text(encoding="utf-8"))
    err = m["notebooks"]["fails"]["error"]
    assert (err["kind"], err["cell"], err["exec_count"], err["ename"]) == ("cell", 4, 4, "ValueError")
    # the partial output is kept: the executed notebook with the traceback, and what it wrote
    nb = nbformat.read(first_run["out"] / "MWW" / "all" / "fails.ipynb", as_version=4)
    failed = [c for c in nb.cells if c.get("execution_count") == 4]
    assert failed[0].outputs[0]["ename"] == "ValueError" and failed[0].outputs[0]["evalue"] == "boom on purpose in MWW"
    assert (first_run["out"] / "MWW" / "all" / "tables" / "partial.csv").read_text() == "a\n1\n"
    assert m["notebooks"]["ok_tables"]["status"] == "ok"


@pytest.mark.slow
def test_progress_has_a_line_per_notebook_and_no_kernel_is_left(first_run):
    lines = [ln for ln in first_run["stderr"].splitlines() if ln.startswith("[")]
    assert len(lines) == 2 and lines[-1].startswith("[2/2] MWW/all/")
    assert any("MWW/all/fails: FAILED: cell 4 (In [4])" in ln for ln in lines)
    if LINUX:
        assert _marked(first_run["marker"]) == []


@pytest.mark.slow
@pytest.mark.skipif(not HAS_HTML, reason="cprstats.report.page not written yet")
def test_index_links_every_report(first_run):
    index = (first_run["out"] / "index.html").read_text(encoding="utf-8")
    assert "MWW/all/ok_tables.html" in index and "<caption" in index


@pytest.mark.slow
def test_existing_output_needs_force_and_force_replaces_it(first_run, monkeypatch, tmp_path):
    out = tmp_path / "outputs"
    folder = out / "MWW" / "all"
    folder.mkdir(parents=True)
    (folder / "old.txt").write_text("from an earlier run")
    with monkeypatch.context() as m:
        _no_kernels(m)
        with pytest.raises(ParameterError, match="already holds 1 file.*pass --force"):
            runner.run(["ok_figures"], ["MWW"], data="wales", output=out, notebook_dir=NB_DIR, progress=False)
    assert _files(out) == ["MWW/all/old.txt"]
    res = runner.run(["ok_figures"], ["MWW"], data="wales", output=out, notebook_dir=NB_DIR, progress=False, force=True)
    assert res.exit_code == 0 and res.jobs["status"].tolist() == ["ok"]
    assert "MWW/all/old.txt" not in _files(out)  # the folder holds one run's outputs, whole
    assert "MWW/all/figures/bars_MWW.svg" in _files(out)
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert m["data"]["kind"] == "example" and m["data"]["synthetic"] is True


# --------------------------------------------------------------------------- kernels
def test_a_missing_kernel_is_a_startup_failure_retried_once(tmp_path):
    res = runjobs.execute_one(
        NB_DIR / "ok_tables.ipynb", tmp_path / "o.ipynb", {}, cwd=tmp_path, kernel_name="no_such_kernel_here"
    )
    assert res["status"] == "failed" and res["attempts"] == 2
    assert res["error"]["kind"] == "startup" and res["error"]["ename"] == "NoSuchKernel"
    assert res["message"].startswith("the kernel failed to start (2 attempts): NoSuchKernel")


@pytest.mark.slow
def test_execute_one_shuts_the_kernel_down_immediately(tmp_path, monkeypatch):
    """papermill 2.7 passes shutdown_kernel="immediate" through to nbclient 0.11 (no 3.5 s stall)."""
    seen = []
    tracked = kernels.manager_class()

    class Spy(tracked):
        async def shutdown_kernel(self, now=False, restart=False):
            seen.append(now)
            return await super().shutdown_kernel(now=now, restart=restart)

    monkeypatch.setattr(kernels, "manager_class", lambda: Spy)
    res = runjobs.execute_one(
        NB_DIR / "ok_figures.ipynb",
        tmp_path / "o.ipynb",
        {"REGION": "GWENT"},
        cwd=tmp_path,
        html=tmp_path / "o.html",
        lang="cy",
    )
    assert (res["status"], res["attempts"], res["error"]) == ("ok", 1, None)
    assert seen == [True]
    assert kernels.kill_kernels() == 0  # none left running
    assert (tmp_path / "figures" / "bars_GWENT.svg").is_file()  # ran in cwd
    if HAS_HTML:
        assert res["html"] == str(tmp_path / "o.html") and '<html lang="cy">' in (tmp_path / "o.html").read_text()


@pytest.mark.slow
def test_a_kernel_that_dies_on_start_is_retried(tmp_path, monkeypatch):
    """A kernelspec whose first start exits with an error; the retry starts it properly."""
    marker = tmp_path / "failed-once"
    code = (
        "import os, sys, runpy\n"
        f"m = {str(marker)!r}\n"
        "if not os.path.exists(m):\n"
        "    open(m, 'w').close()\n"
        "    sys.stderr.write('flaky kernel: failing on purpose\\n')\n"
        "    sys.exit(3)\n"
        "sys.argv = ['ipykernel_launcher', '-f', sys.argv[1]]\n"
        "runpy.run_module('ipykernel_launcher', run_name='__main__')\n"
    )
    spec = tmp_path / "jupyter" / "kernels" / "flaky"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {"argv": [sys.executable, "-c", code, "{connection_file}"], "display_name": "flaky", "language": "python"}
        )
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setattr(kernels, "KERNEL_NAME", "flaky")  # read by execute_one in the forked worker
    res = runner.run(["ok_figures"], ["CAV"], data="wales", output=tmp_path / "o", notebook_dir=NB_DIR, progress=False)
    assert marker.exists()  # the first start did fail
    assert res.jobs[["status", "attempts"]].values.tolist() == [["ok", 2]]
    assert (tmp_path / "o" / "CAV" / "all" / "figures" / "bars_CAV.svg").is_file()


def test_ensure_kernel_prefers_this_environment(tmp_path, monkeypatch):
    home_spec = Path.home() / ".local" / "share" / "jupyter" / "kernels" / "python3"
    home_before = home_spec.exists()
    assert kernels.ensure_kernel() == {}  # the venv's own python3 kernelspec
    foreign = tmp_path / "foreign" / "kernels" / "python3"
    foreign.mkdir(parents=True)
    (foreign / "kernel.json").write_text(
        json.dumps(
            {
                "argv": ["/opt/other/bin/python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "language": "python",
                "display_name": "other",
            }
        )
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "foreign"))
    # the foreign kernelspec shadows ours; a kernelspec is installed into the given prefix, put first
    env = kernels.ensure_kernel(prefix=str(tmp_path / "env"))
    installed = json.loads((tmp_path / "env" / "share" / "jupyter" / "kernels" / "python3" / "kernel.json").read_text())
    assert installed["argv"][0] == sys.executable
    assert env["JUPYTER_PATH"].split(os.pathsep) == [
        str(tmp_path / "env" / "share" / "jupyter"),
        str(tmp_path / "foreign"),
    ]
    assert home_spec.exists() == home_before  # never installs into the user's home


# --------------------------------------------------------------------------- interruption
@pytest.mark.slow
@pytest.mark.skipif(not LINUX, reason="finds kernels through /proc")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupt_stops_kernels_and_leaves_no_partial_output(tmp_path, sig):
    out = tmp_path / "outputs"
    marker = f"CPRSTATS_TEST_{uuid.uuid4().hex}"
    env = {**os.environ, marker: "1", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cprstats",
            "run",
            "--notebook",
            "slow",
            "--region",
            "MWW",
            "CAV",
            "--output",
            str(out),
            "--notebook-dir",
            str(NB_DIR),
            "--jobs",
            "2",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while len(list(out.glob(".staging/*/*/all/slow/started.txt"))) < 2:  # both kernels are running a cell
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the slow notebooks never started"
            time.sleep(0.1)
        assert len(_marked(marker)) >= 5  # the command, 2 workers, 2 kernels
        proc.send_signal(sig)
        stdout, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:  # pragma: no cover - only if the test fails
            proc.kill()
    assert proc.returncode == 130, stderr
    assert f"cprstats run: interrupted by {sig.name}: stopped the running notebooks and their kernels" in stderr
    assert not out.exists() or _files(out) == []
    deadline = time.monotonic() + 5
    while _marked(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _marked(marker) == []  # no orphan kernel


# --------------------------------------------------------------------------- small pieces
def test_checksums_and_scope(tmp_path):
    from cprstats.runner.data import checksums

    (tmp_path / "a.yaml").write_bytes(b"abc")
    (tmp_path / ".hidden").write_bytes(b"x")
    files, total = checksums(tmp_path)
    # FIPS 180-2, appendix B.1: SHA-256("abc")
    assert files == [{"path": "a.yaml", "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}]
    assert (
        total
        == hashlib.sha256(b"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  a.yaml\n").hexdigest()
    )


def test_a_coded_dataset_is_passed_through_not_recoded(tmp_path):
    from cprstats.runner.data import prepare_data

    data = cprstats.code_reviews(FORMS)
    cprstats.write_dataset(data, tmp_path / "coded.csv")
    src = prepare_data(tmp_path / "coded.csv", tmp_path / "work", None)
    assert (src.kind, src.parameter) == ("dataset", str((tmp_path / "coded.csv").resolve()))
    assert not (tmp_path / "work").exists()
    assert len(src.frame) == 3


class _Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("terminal", [False, True], ids=["log", "terminal"])
def test_progress_reports_each_finished_notebook(terminal):
    from cprstats.runner.pool import Progress

    stream = _Terminal() if terminal else io.StringIO()
    bar = Progress(2, stream=stream)
    bar.tick({"region": "MWW", "period": "pre_covid", "notebook": "02_agencies", "status": "ok", "seconds": 1.25})
    bar.tick(
        {
            "region": "CAV",
            "period": "all",
            "notebook": "fails",
            "status": "failed",
            "seconds": 2,
            "message": "cell 4 (In [4]) raised ValueError: boom",
        }
    )
    bar.close()
    text = stream.getvalue()
    assert "[1/2] MWW/pre_covid/02_agencies: ok (1.2 s)" in text
    assert "[2/2] CAV/all/fails: FAILED: cell 4 (In [4]) raised ValueError: boom (2.0 s)" in text
    assert ("notebook/s" in text) == terminal  # tqdm's bar only on a terminal; a log gets plain lines


# --------------------------------------------------------------------------- jupytext sources
def _as_source(ipynb: Path, py: Path, edit=None) -> Path:
    """Write a test notebook as a jupytext percent-format source (paired, as in notebooks/), edited if asked."""
    nb = nbformat.read(ipynb, as_version=4)
    if edit is not None:
        edit(nb)
    nb.metadata["jupytext"] = {"formats": "ipynb,py:percent"}
    jupytext.write(nb, py, fmt="py:percent")
    return py


def test_notebooks_are_their_py_sources_or_lone_ipynb(tmp_path):
    shutil.copy(NB_DIR / "ok_tables.ipynb", tmp_path)  # a lone .ipynb
    _as_source(NB_DIR / "ok_figures.ipynb", tmp_path / "ok_figures.py")  # a lone .py
    _as_source(NB_DIR / "fails.ipynb", tmp_path / "fails.py")  # a pair
    shutil.copy(NB_DIR / "fails.ipynb", tmp_path)
    assert runner.list_notebooks(tmp_path) == ["fails", "ok_figures", "ok_tables"]
    sources = [notebook_source(n, tmp_path).name for n in runner.list_notebooks(tmp_path)]
    assert sources == ["fails.py", "ok_figures.py", "ok_tables.ipynb"]
    assert [runjobs.source_file(tmp_path / f"{n}.ipynb").name for n in ("fails", "ok_tables")] == [
        "fails.py",
        "ok_tables.ipynb",
    ]
    opts = runner.check_options(["fails.py", "ok_figures", "ok_tables.ipynb"], notebook_dir=tmp_path)
    assert opts.notebooks == ("fails", "ok_figures", "ok_tables")


def test_an_unreadable_source_is_reported_without_starting_a_kernel(tmp_path):
    py = tmp_path / "broken.py"
    py.write_bytes(b"# %%\nprint('\xff')\n")  # not UTF-8
    res = runjobs.execute_one(py, tmp_path / "o.ipynb", {}, cwd=tmp_path, kernel_name="no_such_kernel_here")
    assert (res["status"], res["error"]["kind"], res["attempts"]) == ("failed", "source", 0)
    assert res["message"].startswith("the notebook could not be read: UnicodeDecodeError: ")
    assert str(py) in res["message"] and not (tmp_path / "o.ipynb").exists()


@pytest.mark.slow
def test_editing_the_py_changes_what_run_executes(tmp_path):
    """The .py is the notebook: `cprstats run` executes an edit made there, not the .ipynb beside it."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(NB_DIR / "ok_tables.ipynb", notebooks)  # the executed copy, which prints "scope ..."
    outputs = []
    for word in ("edited", "edited again"):

        def edit(nb, word=word):
            nb.cells[-1].source = nb.cells[-1].source.replace('print(f"scope ', f'print(f"{word} ')

        py = _as_source(NB_DIR / "ok_tables.ipynb", notebooks / "ok_tables.py", edit)
        out = tmp_path / word.replace(" ", "_")
        args = ["run", "--notebook", "ok_tables", "--region", "MWW", "--notebook-dir", str(notebooks)]
        assert main([*args, "--output", str(out), "--jobs", "1", "-q"]) == 0
        nb = nbformat.read(out / "MWW" / "all" / "ok_tables.ipynb", as_version=4)
        assert nb.cells[-1].outputs[0]["text"] == f"{word} MWW/all\n"
        outputs.append(nb)
    # the executed notebook names its source (not the notebook itself, as papermill would for one in memory)
    assert Path(nb.metadata.papermill.input_path).resolve() == py.resolve()
    assert nb.metadata.jupytext == {"formats": "ipynb,py:percent"}  # the pairing, without jupytext's version
    # cell ids come from the cells: the same source gives the same ids, an edited cell a new one
    ids = [[c.id for c in n.cells if "injected-parameters" not in c.metadata.get("tags", [])] for n in outputs]
    assert ids[0][:-1] == ids[1][:-1] and ids[0][-1] != ids[1][-1]
