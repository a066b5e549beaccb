"""Tests for cprstats.report.page: the self-contained, accessible HTML report and the index of reports.

The notebook is built by hand (nbformat), its outputs made from cprstats display objects
without running a kernel. All data shown is synthetic.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from cprstats.report.blocks import html_table
from cprstats.report.page import index_html, notebook_to_html

# a 1 x 1 white PNG
_PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c63f8ffff3f0005fe02fea7d6a4f20000000049454e44ae426082"
    )
).decode()


class _Page(HTMLParser):
    """Collects what the checks need: tags in order, attributes, headings, table captions, text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs, self.headings, self.text = [], [], [], []
        self.html_lang = None
        self._after_table = False
        self.tables_without_caption = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        self.attrs.append((tag, a))
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append(int(tag[1]))
        if self._after_table and tag != "caption":
            self.tables_without_caption += 1
        self._after_table = tag == "table"

    def handle_data(self, data):
        self.text.append(data)


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _notebook(path: Path) -> Path:
    import nbformat
    from nbformat import v4

    def shown(block):
        return v4.new_output("display_data", data={"text/html": block._repr_html_(), "text/plain": repr(block)})

    table = html_table(
        pd.DataFrame({"Category": ["Death", "Other"], "All": ["22 (66.7%)", "*"]}),
        caption="Outcome (synthetic data)",
        notes=["* not shown"],
    )
    figure = (
        '<figure class="report-figure"><img src="data:image/png;base64,'
        + _PNG
        + '" alt="Bar chart: Outcome. Death: 67% (22 of 33)."><figcaption>Outcome</figcaption></figure>'
    )
    cells = [
        v4.new_code_cell("DATA = 'wales'", metadata={"tags": ["parameters"]}),
        v4.new_markdown_cell("# Children and families\n\nUntagged prose, shown in both languages."),
        v4.new_markdown_cell("#### The children\n\nEnglish prose about the children.", metadata={"tags": ["lang-en"]}),
        v4.new_markdown_cell("#### Y plant\n\nRhyddiaith Gymraeg am y plant.", metadata={"tags": ["lang-cy"]}),
        v4.new_markdown_cell("See [the guidance](https://gov.wales/guidance) and ![logo](https://e.org/logo.png)."),
        v4.new_code_cell("rep.table(...)", outputs=[shown(table)]),
        v4.new_code_cell("rep.figure(...)", outputs=[v4.new_output("display_data", data={"text/html": figure})]),
        v4.new_code_cell("plt.show()", outputs=[v4.new_output("display_data", data={"image/png": _PNG})]),
        v4.new_code_cell(
            "df",
            outputs=[
                v4.new_output(
                    "execute_result",
                    execution_count=4,
                    data={"text/html": pd.DataFrame({"a": [1]}).to_html(), "text/plain": "   a\n0  1"},
                )
            ],
        ),
        v4.new_code_cell(
            "print()",
            outputs=[
                v4.new_output("stream", name="stdout", text="outcome=death: 22/33\n"),
                v4.new_output("stream", name="stderr", text="FutureWarning: noise\n"),
            ],
        ),
        v4.new_code_cell(
            "secret_code()",
            outputs=[v4.new_output("stream", name="stdout", text="hidden cell\n")],
            metadata={"tags": ["remove-cell"]},
        ),
        v4.new_code_cell(
            "1/0",
            outputs=[
                v4.new_output(
                    "error",
                    ename="ZeroDivisionError",
                    evalue="division by zero",
                    traceback=["Traceback (most recent call last)", "/home/x.py"],
                )
            ],
        ),
        v4.new_code_cell(
            "<script>",
            outputs=[
                v4.new_output(
                    "display_data",
                    data={"text/html": '<script src="https://cdn.example/require.js"></script><p>after</p>'},
                )
            ],
        ),
    ]
    nb = v4.new_notebook(
        cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    )
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("html")
    nb = _notebook(folder / "01_children.ipynb")
    return {lang: notebook_to_html(nb, folder / f"01_children.{lang}.html", lang=lang) for lang in ("en", "cy")}


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_page_shell_and_no_code(reports, lang):
    page = _parse(reports[lang])
    text = "".join(page.text)
    assert page.html_lang == lang
    assert ("meta", {"charset": "utf-8"}) in page.attrs
    assert page.tags.count("main") == 1 and page.tags.count("title") == 1
    skip = [a for t, a in page.attrs if t == "a" and a.get("class") == "skip-link"]
    assert skip == [{"class": "skip-link", "href": "#main"}]
    assert "DATA = 'wales'" not in text and "secret_code" not in text and "hidden cell" not in text
    assert "In [" not in text and "Out[" not in text


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_nothing_runs_and_nothing_is_fetched(reports, lang):
    page = _parse(reports[lang])
    assert "script" not in page.tags and "link" not in page.tags and "iframe" not in page.tags
    for tag, attrs in page.attrs:
        for name in ("src", "href", "srcset", "data", "poster"):
            value = attrs.get(name) or ""
            assert not value.lower().startswith(("http:", "https:", "//")), (tag, name, value)
    text = "".join(page.text)
    assert "the guidance (https://gov.wales/guidance)" in text  # a citation in plain text
    assert "require.js" not in text and "after" in text


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_accessibility_checks(reports, lang):
    page = _parse(reports[lang])
    imgs = [a for t, a in page.attrs if t == "img"]
    assert len(imgs) == 2 and all((a.get("alt") or "").strip() for a in imgs)
    assert "Bar chart: Outcome. Death: 67% (22 of 33)." in [a["alt"] for a in imgs]
    assert page.tags.count("table") == 2 and page.tables_without_caption == 0
    levels = page.headings
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels  # no level skipped


def test_prose_cells_only_in_the_report_language(reports):
    en, cy = ("".join(_parse(reports[lang]).text) for lang in ("en", "cy"))
    assert "English prose about the children." in en and "Rhyddiaith Gymraeg" not in en
    assert "Rhyddiaith Gymraeg am y plant." in cy and "English prose" not in cy
    assert "Untagged prose" in en and "Untagged prose" in cy


def test_errors_keep_their_message_not_the_traceback_and_warnings_go(reports):
    text = "".join(_parse(reports["en"]).text)
    assert "ZeroDivisionError: division by zero" in text
    assert "Traceback" not in text and "/home/x.py" not in text and "FutureWarning" not in text
    assert "outcome=death: 22/33" in text


def test_index_links_every_report_with_its_status(tmp_path):
    runs = pd.DataFrame(
        {
            "region": ["MWW", "wales", "wales"],
            "period": ["all", "all", "pre_covid"],
            "notebook": ["01_children", "01_children", "02_agencies"],
            "status": ["ok", "ok", "failed"],
            "html": ["MWW/all/01_children.html", "wales/all/01_children.html", None],
        }
    )
    path = index_html(tmp_path, runs, lang="cy")
    assert path == tmp_path / "index.html"
    page = _parse(path)
    text = "".join(page.text)
    assert page.html_lang == "cy" and page.tables_without_caption == 0
    links = [a["href"] for t, a in page.attrs if t == "a" and a.get("class") != "skip-link"]
    assert links == ["wales/all/01_children.html", "MWW/all/01_children.html"]  # all Wales first
    assert "Cymru gyfan" in text and "Canolbarth a Gorllewin Cymru (CYSUR)" in text and "Cyn Covid-19" in text
    assert text.count("Wedi'i gwblhau") == 2 and text.count("Wedi methu") == 1
    assert "dim adroddiad" in text


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_report_renders_in_a_headless_browser(reports, tmp_path):
    shot = tmp_path / "shot.png"
    profile = tempfile.mkdtemp()
    try:
        subprocess.run(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}",
                f"--screenshot={shot}",
                "--window-size=1000,1400",
                reports["cy"].resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 10_000
