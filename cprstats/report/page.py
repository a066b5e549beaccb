"""Self-contained, accessible HTML reports of executed notebooks, and an index linking them.

`notebook_to_html` exports an executed notebook with nbconvert's "basic" template (the cells
only: the "lab" and "classic" page templates load require.js and MathJax from the web), no
code and no prompts, keeping prose cells tagged ``lang-en``/``lang-cy`` only in the report's
language (untagged cells are shown in both), then cleans the result (`cprstats.report.sanitise`:
no scripts, nothing fetched, headings without gaps, a caption on every table, alt text on
every image) and puts it in a page shell: ``<html lang>``, UTF-8, a title, the inline style
sheet ``cprstats/report/assets/report.css``, a skip link and ``<main>``. The page needs no network
and no other file: figures are inline ``data:`` images.

Cells tagged ``remove-cell`` (or ``remove_cell``) are left out; ``remove-output`` (or
``remove_output``) drops a cell's outputs. Error outputs keep their one-line message but
not the traceback; warnings written to stderr are left out.

A Welsh report says, under its title block, how many of the Welsh texts it takes from the
catalogue (``strings.yaml``) and the codebook await a translator's review: the blocks a
`cprstats.Report` makes carry the texts they show (`cprstats.report.wording`), and the page
adds its own (skip link, footer, the note's label). The index of reports (`index_html`) names
each report by its title in the index's language.

Examples
--------
>>> notebook_to_html("outputs/MWW/all/01.ipynb", "outputs/MWW/all/01.html", lang="cy")  # doctest: +SKIP
PosixPath('outputs/MWW/all/01.html')
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from html import unescape
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from cprstats._version import __version__
from cprstats.codebook.i18n import strings
from cprstats.codebook.model import LANGUAGES, Codebook, check_lang, resolve
from cprstats.errors import ParameterError
from cprstats.io import escape_html as esc
from cprstats.io import write_text
from cprstats.report.blocks import notice, read_texts_markers, table_wrap
from cprstats.report.sanitise import clean_html
from cprstats.report.wording import awaiting, collecting, label, t

__all__ = [
    "notebook_to_html",
    "index_html",
    "page_shell",
    "translation_note",
    "REMOVE_CELL_TAGS",
    "REMOVE_OUTPUT_TAGS",
]

REMOVE_CELL_TAGS = ("remove-cell", "remove_cell")
REMOVE_OUTPUT_TAGS = ("remove-output", "remove_output")


@lru_cache(maxsize=1)
def _css() -> str:
    return resources.files("cprstats.report").joinpath("assets", "report.css").read_text(encoding="utf-8")


_MARKING_STYLE = (
    "margin:0;padding:0.5em 1em;border:3px solid #a00000;background:#fff;color:#a00000;"
    "font-weight:bold;text-align:center;letter-spacing:0.02em"
)


def _marking_html(marking: str | None, where: str) -> str:
    if not marking:
        return ""
    return (
        f'<div class="protective-marking protective-marking-{where}" style="{_MARKING_STYLE}">'
        f"<p>{esc(marking)}</p></div>\n"
    )


def page_shell(body: str, *, title: str, lang: str, marking: str | None = None) -> str:
    """A complete HTML page around ``body`` (already safe HTML): shell, inline CSS, skip link, ``<main>``.

    A ``marking`` (a restricted report's
    "OFFICIAL-SENSITIVE: not for circulation") heads the page, is repeated at its foot and
    begins its ``<title>``.

    >>> html = page_shell("<h1>Hi</h1>", title="Hi", lang="cy")
    >>> html.splitlines()[:2], '<main id="main" tabindex="-1">' in html
    (['<!DOCTYPE html>', '<html lang="cy">'], True)
    """
    check_lang(lang)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="cprstats {esc(__version__)}">\n'
        f"<title>{esc(f'{marking} - {title}' if marking else title)}</title>\n<style>\n{_css()}</style>\n"
        "</head>\n<body>\n"
        f'<a class="skip-link" href="#main">{esc(t("report.skip_link", lang))}</a>\n'
        f"{_marking_html(marking, 'header')}"
        f'<main id="main" tabindex="-1">\n{body}\n</main>\n'
        f'<footer class="report-footer"><p>{esc(t("report.footer", lang, version=__version__))}</p></footer>\n'
        f"{_marking_html(marking, 'footer')}"
        "</body>\n</html>\n"
    )


def translation_note(used: Mapping[str, bool], *, prose: bool = False) -> str:
    """The Welsh note on a report's translation: how many of the texts ``used`` await a translator's review.

    ``used`` maps each catalogue text shown (``strings.<key>``, ``codebook.<where>``) to whether
    its Welsh is verified; ``prose`` adds that the notebook's own Welsh prose awaits review too.

    >>> print(translation_note({"strings.heading.count": True, "strings.heading.variable": False}))
    Mae 1 o'r 2 o destunau Cymraeg ...
    """
    count = awaiting(used)
    if count:
        text = t("report.translation.awaiting", "cy", count=count, total=len(used))
    else:
        text = t("report.translation.none", "cy")
    if prose:
        text = f"{text} {t('report.translation.prose', 'cy')}"
    return text


def _with_note(content: str, note_html: str) -> str:
    """``note_html`` after the title block (the first ``</header>``), else after the first h1, else first."""
    for end in ("</header>", "</h1>"):
        at = content.find(end)
        if at >= 0:
            at += len(end)
            return f"{content[:at]}\n{note_html}{content[at:]}"
    return f"{note_html}\n{content}"


def _prepare(nb: Any, lang: str) -> None:
    """Drop error tracebacks (keep ``ename: evalue``) and stderr streams, in place."""
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                continue
            if out.get("output_type") == "error":
                from nbformat import v4

                out = v4.new_output("stream", name="stdout", text=f"{out.get('ename', '')}: {out.get('evalue', '')}\n")
            kept.append(out)
        cell["outputs"] = kept


def notebook_to_html(
    nb_path: str | os.PathLike[str],
    html_path: str | os.PathLike[str],
    *,
    lang: str,
    title: str | None = None,
    restricted: bool | None = None,
) -> Path:
    """Write an executed notebook as a self-contained, accessible HTML report (no code).

    Parameters
    ----------
    nb_path : path
        The executed notebook (``.ipynb``).
    html_path : path
        Where to write the report (atomically, through `cprstats.io`).
    lang : {"en", "cy"}
        The report's language: ``lang-<other>`` cells are removed and ``<html lang>`` is set.
    title : str, optional
        The page title; default: the first top-level heading, else the report title string.
    restricted : bool, optional
        Mark the page "OFFICIAL-SENSITIVE: not for circulation" (``marking.restricted``) at its
        head and foot; default: what the notebook's ``RESTRICTED`` parameter (papermill's
        record) says.

    Returns
    -------
    pathlib.Path

    Notes
    -----
    A Welsh report (``lang="cy"``) gets a note under its title block (`translation_note`)
    saying how many of the catalogue and codebook texts it shows await a translator's review,
    or that none does; the count is of the texts the notebook's `cprstats.Report` blocks
    carry and the page's own.
    """
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    check_lang(lang)
    src = Path(nb_path)
    if not src.is_file():
        raise ParameterError(f"nb_path={str(nb_path)!r}: no such notebook")
    nb = nbformat.read(src, as_version=4)
    _prepare(nb, lang)
    others = {f"lang-{x}" for x in LANGUAGES if x != lang}
    tags = TagRemovePreprocessor(
        remove_cell_tags=others | set(REMOVE_CELL_TAGS), remove_all_outputs_tags=set(REMOVE_OUTPUT_TAGS), enabled=True
    )
    exporter = HTMLExporter(
        template_name="basic", exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )
    exporter.register_preprocessor(tags, enabled=True)
    body, _ = exporter.from_notebook_node(nb)
    used, body = read_texts_markers(body)
    if lang == "cy":  # put in before cleaning, so that it is written out like the rest of the page
        prose = str((nb.metadata.get("cprstats") or {}).get("welsh_prose", "verified")) != "verified"
        body = _with_note(body, _translation_box(used, prose=prose))
    cleaned = clean_html(
        body, missing_caption=t("table.untitled", lang, number="{number}"), missing_alt=t("figure.no_description", lang)
    )
    page_title = title or cleaned.title or t("report.title", lang)
    content = cleaned.html
    if cleaned.needs_title:
        content = f"<h1>{esc(page_title)}</h1>\n{content}"
    if restricted is None:
        restricted = (nb.metadata.get("papermill") or {}).get("parameters", {}).get("RESTRICTED") is True
    marking = t("marking.restricted", lang) if restricted else None
    return write_text(page_shell(content, title=page_title, lang=lang, marking=marking), html_path)


def _translation_box(used: Mapping[str, bool], *, prose: bool) -> str:
    """The translation notice of a Welsh page, counting the page's own texts (skip link, footer, label) too.

    The notice's own sentence is not counted: it would count itself.
    """
    with collecting() as own:
        t("report.skip_link", "cy")
        t("report.footer", "cy", version=__version__)
        label_text = t("report.translation.label", "cy")
    text = translation_note({**used, **own}, prose=prose)
    return notice(text, label=label_text, kind="translation").html


def _records(runs: Any) -> list[dict[str, Any]]:
    if runs is None:
        return []
    if isinstance(runs, pd.DataFrame):
        return runs.astype(object).where(runs.notna(), None).to_dict("records")
    if isinstance(runs, Mapping):
        raise ParameterError("runs must be a DataFrame or a list of records (dicts), not one dict")
    return [dict(r) for r in runs]


_TITLE = re.compile(r"<title>(.*?)</title>", re.S | re.I)


def _report_title(root: Path, rec: Mapping[str, Any], lang: str) -> str:
    """A report's title in ``lang``: the notebook's title string, else the report page's ``<title>``, else its name."""
    name = str(rec.get("notebook") or "")
    if f"notebook.{name}" in strings():
        return t(f"notebook.{name}", lang)
    href = rec.get("html")
    if href and not os.path.isabs(str(href)) and ".." not in Path(str(href)).parts:
        path = root / str(href)
        try:
            found = _TITLE.search(path.read_text(encoding="utf-8")[:20000]) if path.is_file() else None
        except (OSError, UnicodeDecodeError):
            found = None
        if found and found.group(1).strip():
            return unescape(found.group(1).strip())
    return name


def index_html(
    output_root: str | os.PathLike[str],
    runs: Iterable[Mapping[str, Any]] | pd.DataFrame,
    *,
    lang: str,
    codebook: Codebook | str | Path | None = None,
) -> Path:
    """Write ``<output_root>/index.html``: one captioned table linking every report by its title, with its status.

    Parameters
    ----------
    output_root : path
        The run's output folder.
    runs : DataFrame or iterable of dict
        One record per report with ``region, period, notebook, status`` and ``html`` (the report's
        path relative to ``output_root``, or None when none was made), as
        `cprstats.runner.files.read_manifests` returns them.
    lang : {"en", "cy"}
    codebook : Codebook, optional
        For region and period names.

    Returns
    -------
    pathlib.Path

    Notes
    -----
    Each report is named by its title in ``lang``: the catalogue's ``notebook.<name>`` string,
    else the ``<title>`` of the report page, else the notebook's name.
    """

    check_lang(lang)
    cb = resolve(codebook)
    recs = _records(runs)
    order_r = {c: i for i, c in enumerate(("wales", *cb.field("board").codes))}
    order_p = {c: i for i, c in enumerate(("all", *cb.field("period").codes))}
    recs.sort(
        key=lambda r: (
            order_r.get(r.get("region"), 99),
            str(r.get("region")),
            order_p.get(r.get("period"), 99),
            str(r.get("period")),
            str(r.get("notebook")),
        )
    )
    heads = [t(f"index.{k}", lang) for k in ("region", "period", "notebook", "status")]
    rows = []
    for r in recs:
        region, period = str(r.get("region")), str(r.get("period"))
        region_l = t("scope.all_wales", lang) if region == "wales" else _label(cb, "board", region, lang)
        period_l = t("report.period_all", lang) if period == "all" else _label(cb, "period", period, lang)
        nb = esc(_report_title(Path(output_root), r, lang))
        href = r.get("html")
        if href and not os.path.isabs(str(href)) and ".." not in Path(str(href)).parts:
            link = f'<a href="{esc(Path(str(href)).as_posix())}">{nb}</a>'
        else:
            link = f"{nb} ({esc(t('index.no_report', lang))})"
        ok = r.get("status") == "ok"
        word = esc(t("index.ok" if ok else "index.failed", lang))
        status = f'<span class="status-{"ok" if ok else "failed"}">{word}</span>'
        if r.get("restricted"):
            status += f' <strong class="restricted">{esc(t("index.restricted", lang))}</strong>'
        rows.append(
            f'<tr><th scope="row">{esc(region_l)}</th><td>{esc(period_l)}</td><td>{link}</td><td>{status}</td></tr>'
        )
    title = t("index.title", lang)
    if rows:
        head = "".join(f'<th scope="col">{esc(h)}</th>' for h in heads)
        caption = t("index.caption", lang)
        table = (
            f'{table_wrap(caption)}<table class="index-table">\n<caption>{esc(caption)}</caption>\n'
            f"<thead><tr>{head}</tr></thead>\n<tbody>{''.join(rows)}</tbody>\n</table></div>"
        )
    else:
        table = f"<p>{esc(t('index.empty', lang))}</p>"
    body = f"<h1>{esc(title)}</h1>\n{table}"
    marking = t("marking.restricted", lang) if any(r.get("restricted") for r in recs) else None
    return write_text(page_shell(body, title=title, lang=lang, marking=marking), Path(output_root) / "index.html")


def _label(cb: Codebook, variable: str, code: str, lang: str) -> str:
    try:
        return label(cb, variable, code, lang)
    except ParameterError:
        return code
