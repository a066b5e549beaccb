"""A report a board would circulate (issue 18): numbered captions, the title block, the key, print, Welsh.

The page is made like a notebook's (a `cprstats.Report` on the shipped synthetic data, its blocks
put into a notebook by hand and exported by `cprstats.report.page.notebook_to_html`), for Gwent in
English and Welsh. All data shown is synthetic.

Where the reference values come from:

* ``SOURCE_DATE_EPOCH=1700000000`` is 2023-11-14 22:13:20 UTC (1,700,000,000 s after 1970-01-01;
  the value the Makefile exports); the Welsh month name "Tachwedd" is verified in
  ``cprstats/codebook/strings.yaml`` ([ARO] "17 Tachwedd 2023").
* The checksum is worked out here from the example's CSV text, independently of the report.
* The symbols and their wording are the StatsWales conventions (shared reference section 4):
  ``*`` "The data item is disclosive or not sufficiently robust for publication", ``..`` "The
  data item is not available".
* The print check: a page more than two thirds blank (a blank band of pixel rows taller than
  2/3 of the page) is a page wasted; a table clipped at the paper's edge has ink in the right
  margin (14 mm of 210 mm: the last 6.7% of the page's width).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

import cprstats
from cprstats.codebook.i18n import strings
from cprstats.errors import ParameterError
from cprstats.report.document import Report, produced_on
from cprstats.report.page import index_html, notebook_to_html, translation_note

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CONTACT = "Safeguarding data team, data@example.org"


class _Page(HTMLParser):
    """The pieces checked here: caption numbers, figure captions, facts, key, notices, style sheet, text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.numbers, self.captions, self.figcaptions, self.facts, self.key = [], [], [], [], []
        self.notes, self.style, self.text, self.alts = [], "", [], []
        self._in: list[str] = []
        self._buffer: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = a.get("class") or ""
        if tag == "img":
            self.alts.append(a.get("alt") or "")
        for name in ("caption", "figcaption", "style", "dt", "dd"):
            if tag == name:
                self._in.append(name)
                self._buffer[name] = []
        if tag == "span" and "caption-number" in cls:
            self._in.append("number")
            self._buffer["number"] = []
        if tag == "div" and "notice" in cls:
            self._in.append("notice")
            self._buffer["notice"] = []

    def handle_endtag(self, tag):
        name = {"span": "number", "div": "notice"}.get(tag, tag)
        if not self._in or self._in[-1] != name:
            return
        self._in.pop()
        text = "".join(self._buffer.pop(name)).strip()
        if name == "number":
            self.numbers.append(text)
        elif name == "caption":
            self.captions.append(text)
        elif name == "figcaption":
            self.figcaptions.append(text)
        elif name == "style":
            self.style += text
        elif name == "dt":
            self._dt = text
        elif name == "dd":
            self.facts.append((self._dt, text))
        elif name == "notice":
            self.notes.append(text)

    def handle_data(self, data):
        for name in self._in:
            self._buffer[name].append(data)
        if "style" not in self._in:
            self.text.append(data)


def _blocks(rep: Report) -> list:
    stats = cprstats.proportions
    return [
        rep.intro("Children and families" if rep.lang == "en" else "Plant a theuluoedd"),
        rep.heading("children"),
        rep.figure(stats(rep.data, "age_band_mcmanus"), name="age_bands"),
        rep.table(stats(rep.data, ["age_band_mcmanus", "sex", "ethnicity"]), name="children"),
        rep.heading("incidents"),
        rep.figure(stats(rep.data, "incident_type"), name="incident_types", sort="estimate"),  # too few bars
        rep.table(stats(rep.data, ["outcome", "review_type"]), name="incidents"),
        rep.heading("vulnerabilities"),
        rep.figure(stats(rep.data, "harm_experienced"), name="vulnerabilities", sort="estimate"),
        rep.table(stats(rep.data, "harm_experienced"), name="vulnerabilities"),
        rep.heading("themes"),
        rep.figure(cprstats.figures.cooccurrence(rep.data, "themes"), name="themes_together", kind="heatmap"),
        rep.heading("boards"),
        # the widest table: a column for each board (all Wales, this period), to print whole
        rep.table(stats(rep.wales_data, ["outcome", "learning_points"], by="board"), name="by_board"),
    ]


def _notebook(folder: Path, blocks: list, lang: str) -> Path:
    import nbformat
    from nbformat import v4

    cells = [v4.new_code_cell(f"LANG = {lang!r}", metadata={"tags": ["parameters", "remove-cell"]})]
    cells += [
        v4.new_code_cell(
            "rep", outputs=[v4.new_output("display_data", data={"text/html": b._repr_html_(), "text/plain": repr(b)})]
        )
        for b in blocks
    ]
    nb = v4.new_notebook(cells=cells, metadata={"cprstats": {"welsh_prose": "awaiting a translator's review"}})
    path = folder / f"01_children_and_families.{lang}.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The Gwent report in English and Welsh: the page, its parse, the report and its blocks."""
    out = {}
    folder = tmp_path_factory.mktemp("presentation")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        for lang in ("en", "cy"):
            rep = Report(data="wales", region="GWENT", lang=lang, notebook="presentation", contact=CONTACT)
            blocks = _blocks(rep)
            html = notebook_to_html(_notebook(folder, blocks, lang), folder / f"report_{lang}.html", lang=lang)
            parsed = _Page()
            parsed.feed(html.read_text(encoding="utf-8"))
            out[lang] = {"html": html, "page": parsed, "report": rep, "blocks": blocks}
    return out


# --------------------------------------------------------------------------- numbered, real captions
@pytest.mark.parametrize(("lang", "table", "figure"), [("en", "Table", "Figure"), ("cy", "Tabl", "Ffigur")])
def test_tables_and_figures_are_numbered_in_order(pages, lang, table, figure):
    numbers = pages[lang]["page"].numbers
    # four tables, three figures drawn (incident types has one bar, so it is a sentence instead)
    assert [n for n in numbers if n.startswith(table)] == [f"{table} {i}:" for i in range(1, 5)]
    assert [n for n in numbers if n.startswith(figure)] == [f"{figure} {i}:" for i in range(1, 4)]
    # in the order of the page: figure 1, table 1, table 2, figure 2, table 3, figure 3, table 4
    assert [n[0] for n in numbers] == [figure[0], table[0], table[0], figure[0], table[0], figure[0], table[0]]


def test_captions_say_what_who_when_and_n_not_variable_names(pages):
    page = pages["en"]["page"]
    tables, figures = page.captions, page.figcaptions
    assert tables[0] == (
        "Table 1: Age band (thematic review), Sex as recorded, Ethnic group: number and percentage of children; "
        "Gwent, all periods; n = 22 children"
    )
    assert tables[3].startswith("Table 4: Outcome for the child, Learning points: number and percentage of children by")
    assert figures[0] == "Figure 1: Percentage of children in each category; Gwent, all periods; n = 22 children"
    assert figures[1].startswith(
        "Figure 2: Percentage of children whose review recorded each item; Gwent, all periods;"
    )
    assert figures[2].startswith("Figure 3: Number of children whose review recorded both items of each pair")
    names = {"age_band_mcmanus", "ethnicity", "harm_experienced", "incident_type", "learning_points"}
    assert not [c for c in tables + figures if any(n in c for n in names)]
    # a figure's caption adds to its title, it does not repeat it (the title is drawn and read in the alt text)
    for alt, caption in zip(page.alts, figures):
        title = re.match(r"[^:]+: ([^.]+)\.", alt).group(1)
        assert title not in caption, (title, caption)
    welsh = pages["cy"]["page"].figcaptions[0]
    assert welsh == "Ffigur 1: Canran y plant ym mhob categori; Gwent, pob cyfnod; n = 22 plentyn"


def test_a_figure_with_one_bar_is_a_sentence_in_both_languages(pages):
    en = [n for n in pages["en"]["page"].notes if n.startswith("Figure not drawn:")]
    cy = [n for n in pages["cy"]["page"].notes if n.startswith("Ni luniwyd ffigur:")]
    assert en == [
        "Figure not drawn: Type of incident: only 1 of its 12 values could be drawn; "
        "10 of them are hidden as small numbers, to protect the children's privacy."
    ]
    assert len(cy) == 1 and "dim ond 1 o'i 12 gwerth" in cy[0]


# --------------------------------------------------------------------------- the title block and the key
def test_title_block_gives_region_period_date_versions_checksum_and_contact(pages):
    data = cprstats.load_example("wales")
    checksum = hashlib.sha256(data.to_csv(index=False, lineterminator="\n").encode("utf-8")).hexdigest()
    cb = cprstats.load_codebook()
    facts = dict(pages["en"]["page"].facts[:7])
    assert facts == {
        "Region": "Gwent",
        "Period": "All periods",
        "Produced": "14 November 2023",
        "Data": "The synthetic example dataset “wales” shipped with cprstats",
        "Data checksum (SHA-256)": checksum[:12],
        "Versions": f"cprstats {cprstats.__version__}; codebook “{cb.name}” version {cb.version}",
        "Contact": CONTACT,
    }
    assert pages["en"]["report"].record()["data_sha256"] == checksum
    welsh = dict(pages["cy"]["page"].facts[:7])
    assert welsh["Rhanbarth"] == "Gwent" and welsh["Cyfnod"] == "Pob cyfnod"
    assert welsh["Cynhyrchwyd"] == "14 Tachwedd 2023" and welsh["Cyswllt"] == CONTACT
    assert '<time datetime="2023-11-14">' in pages["cy"]["html"].read_text(encoding="utf-8")


def test_the_date_is_today_without_source_date_epoch(monkeypatch):
    import datetime as dt

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert produced_on() == dt.date.today()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ParameterError, match="SOURCE_DATE_EPOCH='yesterday' is not allowed"):
        produced_on()


def test_contact_is_one_line_of_text():
    assert Report(data="mww_2017_2021", region="MWW", contact="  Tîm\n data ").contact == "Tîm data"
    assert Report(data="mww_2017_2021", region="MWW").contact is None
    assert "Contact" not in repr(Report(data="mww_2017_2021", region="MWW").intro())
    with pytest.raises(ParameterError, match="contact="):
        Report(data="mww_2017_2021", region="MWW", contact=42)
    with pytest.raises(ParameterError, match="at most 200"):
        Report(data="mww_2017_2021", region="MWW", contact="x" * 201)


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_the_key_explains_the_symbols(pages, lang):
    facts = pages[lang]["page"].facts
    key = dict(facts[7:10])
    from cprstats.codebook.i18n import t

    assert key == {
        "*": t("footnote.suppressed", lang),
        "..": t("footnote.not_available", lang),
        "0": t("report.key.zero", lang),
    }
    assert key["*"] == (
        "The data item is disclosive or not sufficiently robust for publication"
        if lang == "en"
        else "Mae'r eitem o ddata yn datgelu neu nid yw'n ddigon cadarn i'w gyhoeddi"
    )


# --------------------------------------------------------------------------- screen and print
def test_tables_scroll_or_reflow_on_screen_and_print_whole(pages):
    css = re.sub(r"\s+", " ", pages["en"]["page"].style)
    assert ".table-wrap { overflow-x: auto;" in css  # a wide table scrolls in its own region on screen
    narrow = css[css.index("@media (max-width: 40rem)") : css.index("@media print")]
    assert "td { white-space: normal; }" in narrow  # ... or reflows on a narrow screen
    printed = css[css.index("@media print") :]
    assert "thead { display: table-header-group;" in printed  # headings repeated on each page
    assert re.search(r"figure, \.report-figure[^{]*\{ break-inside: avoid;", printed)  # a figure is never split
    assert ".table-wrap.table-short { break-inside: avoid;" in printed  # nor a short table
    assert "tr, th, td { break-inside: avoid;" in printed  # a long one breaks between rows
    assert ".table-wrap { overflow: visible; }" in printed and "td { white-space: normal;" in printed  # not clipped
    assert "max-height: 155mm" in printed  # a figure leaves at most about half a page blank when moved
    assert "break-before: page" not in printed and "page-break-before: always" not in printed  # no forced blank pages


# --------------------------------------------------------------------------- Welsh
def test_the_welsh_report_counts_its_texts_awaiting_review(pages):
    welsh = pages["cy"]
    used: dict[str, bool] = {}
    for block in welsh["blocks"]:
        used.update(block.texts)
    catalogue = strings()
    for key in ("report.skip_link", "report.footer", "report.translation.label"):  # the page's own texts
        used[f"strings.{key}"] = catalogue[key].cy_verified
    waiting = sum(1 for ok in used.values() if not ok)
    assert 0 < waiting < len(used)
    assert "codebook.outcome.title" in used and "strings.footnote.suppressed" in used  # codebook and strings
    assert used["strings.footnote.suppressed"] is True  # StatsWales wording, verified
    (note,) = [n for n in welsh["page"].notes if n.startswith("Cyfieithu:")]
    assert note.startswith(f"Cyfieithu: Mae {waiting} o'r {len(used)} o destunau Cymraeg")
    assert note.endswith("Mae rhyddiaith yr adroddiad hwn hefyd yn aros am adolygiad cyfieithydd.")
    assert not [n for n in pages["en"]["page"].notes if "Cyfieithu" in n or "translator" in n]  # English: no note
    assert "cprstats-texts" not in welsh["html"].read_text(encoding="utf-8")  # the carrier comments are gone


def test_no_text_awaiting_review_says_so():
    assert translation_note({"strings.heading.count": True, "codebook.board.MWW": True}) == (
        "Mae pob testun Cymraeg y mae'r adroddiad hwn yn ei gymryd o gatalog a llyfr codau cprstats wedi'i wirio "
        "yn erbyn ffynhonnell ddwyieithog swyddogol."
    )


def test_yes_and_no_are_one_welsh_pair():
    # one pair everywhere, the one the coding template and the exporters use (strings.yaml says why)
    from cprstats.codebook.i18n import t
    from cprstats.forms.template import YES_NO

    assert (t("value.true", "cy"), t("value.false", "cy")) == ("Ie", "Na")
    assert tuple(w.capitalize() for w in YES_NO["cy"]) == ("Ie", "Na")
    others = ("Ydy", "Nac ydy", "Oes", "Nac oes")
    assert not [k for k, v in strings().items() if k.startswith("value.") and v.cy in others]


def test_the_index_names_reports_by_their_title(tmp_path):
    runs = [
        {"region": "GWENT", "period": "all", "notebook": "03_themes_and_learning", "status": "ok", "html": "a.html"},
        {"region": "GWENT", "period": "all", "notebook": "my_own", "status": "ok", "html": "b.html"},
        {"region": "GWENT", "period": "all", "notebook": "no_page", "status": "failed", "html": None},
    ]
    (tmp_path / "b.html").write_text("<html><head><title>Fy adroddiad &amp; i</title></head></html>", encoding="utf-8")
    page = _Page()
    page.feed(index_html(tmp_path, runs, lang="cy").read_text(encoding="utf-8"))
    text = "".join(page.text)
    assert "Themâu a dysgu" in text and "03_themes_and_learning" not in text  # the catalogue's title
    assert "Fy adroddiad & i" in text  # the page's own title
    assert "no_page" in text  # nothing better to show


# --------------------------------------------------------------------------- the printed page, looked at
def _print_tools() -> str | None:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"chromium is not installed at {CHROMIUM} (set CHROMIUM)"
    if shutil.which("pdftoppm") is None:
        return "pdftoppm (poppler-utils) is not installed"
    try:
        import numpy  # noqa: F401
        from PIL import Image  # noqa: F401
    except ImportError:
        return "PIL and numpy are needed to measure the pages"
    return None


def _print_pages(html: Path, folder: Path) -> list[Path]:
    profile = tempfile.mkdtemp()
    pdf = folder / f"{html.stem}.pdf"
    try:
        subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                "--print-to-pdf-no-header",
                f"--print-to-pdf={pdf}",
                html.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(folder / html.stem)], check=True, timeout=120)
    return sorted(folder.glob(f"{html.stem}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def _blank_band(png: Path) -> tuple[float, float]:
    """The tallest band of blank pixel rows (share of the page's height) and the right-most ink (share of its width)."""
    import numpy as np
    from PIL import Image

    ink = np.asarray(Image.open(png).convert("L")) < 245
    rows = ink.any(axis=1)
    longest = run = 0
    for has_ink in rows:
        run = 0 if has_ink else run + 1
        longest = max(longest, run)
    cols = np.nonzero(ink.any(axis=0))[0]
    return longest / len(rows), (cols.max() + 1) / ink.shape[1] if len(cols) else 0.0


@pytest.mark.slow
@pytest.mark.skipif(_print_tools() is not None, reason=str(_print_tools()))
@pytest.mark.parametrize("lang", ["en", "cy"])
def test_printed_report_has_no_mostly_blank_page_and_no_clipped_table(pages, lang, tmp_path):
    shots = _print_pages(pages[lang]["html"], tmp_path)
    assert len(shots) >= 4  # a title page, tables and figures: a real report
    measured = [_blank_band(p) for p in shots]
    for i, (blank, right) in enumerate(measured):
        if i < len(shots) - 1:
            assert blank <= 2 / 3, f"page {i + 1} of {len(shots)} is {blank:.0%} blank"
        assert right < 1 - 0.067 + 0.01, f"page {i + 1}: ink in the right margin (a clipped table?)"
    assert measured[-1][0] < 0.99  # the last page is not empty either
