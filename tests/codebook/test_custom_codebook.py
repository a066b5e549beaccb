"""A researcher's own codebook is followed everywhere: labels, tables, figures' alt text, the
report's HTML, the data dictionary and the coding template, in English and in Welsh.

Data: the shipped synthetic example ``wales``. Reference values: the labels this test writes
into its copy of the packaged codebook (``cprstats/codebook/codebook.yaml``); the codes do not
change, so the shipped data are valid under both codebooks.
"""

from __future__ import annotations

from importlib import resources

import pandas as pd
import pytest

import cprstats
from cprstats.codebook import resolve
from cprstats.codebook.dictionary import data_dictionary
from cprstats.report.labels import alt_text, level_label
from cprstats.report.tables import format_table

# (packaged label, renamed label) in each language; no HTML-special characters, so the
# renamed labels appear in the HTML exactly as written.
RENAMED = {
    "outcome": {
        "death": {"en": ("Death", "Fatal outcome CUSTOM"), "cy": ("Marwolaeth", "Canlyniad angheuol ADDASEDIG")},
        "life_threatening_injury": {
            "en": ("Potentially life-threatening injury", "Injury risking life CUSTOM"),
            "cy": ("Anaf a allai fygwth bywyd", "Anaf peryglus ADDASEDIG"),
        },
    },
    "themes": {
        "communication": {
            "en": ("Communication", "Talking across agencies CUSTOM"),
            "cy": ("Cyfathrebu", "Siarad ADDASEDIG"),
        },
        "information_sharing": {
            "en": ("Information sharing", "Passing on what is known CUSTOM"),
            "cy": ("Rhannu gwybodaeth", "Trosglwyddo gwybodaeth ADDASEDIG"),
        },
        "voice_of_child": {
            "en": ("Voice of the child", "Hearing the child CUSTOM"),
            "cy": ("Llais y plentyn", "Clywed y plentyn ADDASEDIG"),
        },
    },
}


def _renamed(lang: str) -> list[str]:
    return [pair[lang][1] for var in RENAMED.values() for pair in var.values()]


@pytest.fixture(scope="module")
def custom(tmp_path_factory):
    """A copy of the packaged codebook with some outcome and theme labels renamed (en and cy)."""
    text = resources.files("cprstats.codebook").joinpath("codebook.yaml").read_text(encoding="utf-8")
    for variable, codes in RENAMED.items():
        field = text.index(f"  - name: {variable}\n")
        for code, labels in codes.items():
            start = text.index(f"- {{value: {code}, label: {{en: ", field)
            end = text.index("\n", start)
            line = text[start:end]
            for lang, (was, now) in labels.items():
                assert f"{lang}: {was}" in line, (variable, code, was)  # the test's own premise
                line = line.replace(f"{lang}: {was}", f"{lang}: {now}", 1)
            text = text[:start] + line + text[end:]
    path = tmp_path_factory.mktemp("codebook") / "renamed.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_copy_renames_only_labels(custom):
    cb, packaged = resolve(custom), resolve()
    assert cb is not packaged and cb.coded_columns == packaged.coded_columns
    assert cb.label("outcome", "death", "cy") == "Canlyniad angheuol ADDASEDIG"
    assert cb.label("th_voice_of_child", lang="en") == "Hearing the child CUSTOM"
    assert level_label("outcome", "death", codebook=custom) == "Fatal outcome CUSTOM"  # a path works too


def _check(block, variable: str, lang: str) -> None:
    """The block's HTML and text show ``variable``'s renamed labels in ``lang``, and not the packaged ones."""
    html, text = block._repr_html_(), str(block)
    for pair in RENAMED[variable].values():
        old, new = pair[lang]
        assert new in html and new in text, (variable, lang, new)
        assert old not in html, (variable, lang, old)


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_report_tables_figures_and_html_follow_the_codebook(custom, lang, tmp_path):
    rep = cprstats.Report(data="wales", region="wales", lang=lang, codebook=custom, output_dir=tmp_path)
    assert rep.codebook is resolve(custom)
    outcome = cprstats.proportions(rep.data, "outcome")
    themes = cprstats.proportions(rep.data, "themes")
    _check(rep.table(outcome, name="outcome"), "outcome", lang)  # the table, and its plain-text copy
    _check(rep.table(themes, name="themes"), "themes", lang)
    for stats, variable in ((outcome, "outcome"), (themes, "themes")):
        block = rep.figure(stats, name=variable)  # the alt text (text, and the <img alt> in the HTML)
        assert block._repr_html_().count('alt="') == 1
        _check(block, variable, lang)
    by_board = cprstats.proportions(rep.data, "outcome", by="board")
    _check(rep.figure(by_board, name="outcome_by_board", kind="grouped_bar"), "outcome", lang)
    # the workbook written beside the report shows them too
    shown = pd.read_excel(tmp_path / "tables" / "outcome.xlsx", sheet_name="table", dtype=str)
    cells = set(shown.fillna("").to_numpy().ravel())
    assert {pair[lang][1] for pair in RENAMED["outcome"].values()} <= cells


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_format_table_alt_text_dictionary_and_template(custom, lang, tmp_path):
    data = cprstats.load_example("wales")
    shown = format_table(cprstats.proportions(data, "outcome"), custom, lang=lang)
    cells = " ".join(map(str, [*shown.to_numpy().ravel(), *shown.columns]))
    assert RENAMED["outcome"]["death"][lang][1] in cells
    assert RENAMED["outcome"]["death"][lang][0] not in cells

    themes = cprstats.proportions(data, "themes")
    alt = alt_text(themes, lang=lang, codebook=custom)
    assert all(pair[lang][1] in alt for pair in RENAMED["themes"].values())

    md = data_dictionary(custom, lang=lang)
    assert all(new in md for new in _renamed(lang))

    from openpyxl import load_workbook

    path = cprstats.make_template(tmp_path / f"template_{lang}.xlsx", lang=lang, codebook=custom, rows=2)
    wb = load_workbook(path)
    words = " ".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value)
    comments = " ".join(c.comment.text for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.comment)
    assert all(new in words + comments for new in _renamed(lang)), lang


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["cy"])
def test_cprstats_run_carries_the_codebook_into_every_report(custom, lang, tmp_path):
    """``cprstats run --codebook FILE``: the notebooks get it as CODEBOOK, the report shows its labels."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    out = tmp_path / "out"
    args = [sys.executable, "-m", "cprstats", "run", "--region", "wales", "--notebook", "03_themes_and_learning"]
    args += ["--notebook-dir", str(repo / "notebooks"), "--lang", lang, "--codebook", str(custom)]
    proc = subprocess.run(
        [*args, "--output", str(out), "-q"], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    folder = out / "wales" / "all"
    html = (folder / "03_themes_and_learning.html").read_text(encoding="utf-8")
    assert all(pair[lang][1] in html for pair in RENAMED["themes"].values())
    assert all(pair[lang][0] not in html for pair in RENAMED["themes"].values())
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "ok"
