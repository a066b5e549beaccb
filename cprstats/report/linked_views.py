"""Report views of the linked tables: recommendations and the review process, in a `cprstats.Report`.

A `Report` labels its tables from the review table's codebook. These views show tables and
figures of the linked tables (`cprstats.forms.linked`) in the same report with the same rules,
labelled from the linked table's own codebook (`cprstats.Codebook.table`): the report's
disclosure policy first, labels in the report's language, the unit said in every note
(recommendations or referrals, not children), files written to ``tables/`` and ``figures/``
and recorded in ``report.json``.

* `linked_table`: a count table (`recommendation_counts`, `decision_funnel`, `cprstats.proportions`
  on a linked table).
* `linked_figure`: a bar or grouped-bar chart of one, `funnel_figure` the decision funnel,
  `crosstab_figure` a heat map of counts (agencies addressed by level).
* `survival_figure`, `survival_table`: Kaplan-Meier curves with their bands and the medians,
  under `cprstats.disclosure.survival.protect_survival` (times coarsened so that no step
  rests on a small number).
* `survival_lines`: the medians in a fixed format, for nbval.

Examples
--------
>>> import cprstats
>>> from cprstats.datasets.linked import load_linked
>>> from cprstats.stats.survival import recommendation_counts
>>> rep = cprstats.Report(data="wales", output_dir=None, notebook="demo")
>>> recs = load_linked("wales", "recommendations")
>>> block = linked_table(rep, recommendation_counts(recs, ["level"]), name="levels", table="recommendations")
>>> "Regional" in block.text
True
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

import cprstats.report.figures as figures
import cprstats.report.survival_figures as sf
from cprstats.codebook.i18n import format_count, format_number, format_percent, t
from cprstats.codebook.model import TableCodebook
from cprstats.datasets.loader import protect
from cprstats.disclosure.survival import protect_survival
from cprstats.errors import ParameterError
from cprstats.io import escape_html as esc
from cprstats.io import write_csv, write_xlsx
from cprstats.report.blocks import Block, denominator_note, html_table
from cprstats.report.labels import alt_text
from cprstats.report.tables import footnotes, format_table

if TYPE_CHECKING:
    from cprstats.report.document import Report

__all__ = [
    "linked_table",
    "linked_figure",
    "funnel_figure",
    "crosstab_figure",
    "survival_figure",
    "survival_table",
    "survival_lines",
    "linked_key_figures",
    "UNITS",
]

#: Months at which the survival views read the share not yet closed (or published).
MONTHS = (12, 24)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")
#: What one row of each linked table is, as the notes say it.
UNITS = {"recommendations": "recommendations", "process": "referrals"}


def _view(rep, table: str) -> TableCodebook:
    if table not in UNITS:
        raise ParameterError(f"table={table!r} is not a linked table; use one of {', '.join(UNITS)}")
    cb = rep.codebook
    return cb.table(table) if not isinstance(cb, TableCodebook) else cb.parent.table(table)


def _safe(rep, stats: pd.DataFrame, view, by: str | None) -> pd.DataFrame:
    if not isinstance(stats, pd.DataFrame):
        raise ParameterError(f"stats must be a pandas DataFrame, got {type(stats).__name__}")
    out = protect(stats, rep._policy(by), codebook=view)
    out.attrs["synthetic"] = rep.synthetic
    if by is not None:
        out.attrs["by"] = by
    return out


def _notes(rep, safe: pd.DataFrame, view, table: str, style: str, unit: str | None = None) -> list[str]:
    """The table's footnotes, with the unit (recommendations, referrals, boards) instead of children."""
    swap = {
        t("footnote.denominator", rep.lang): t(f"footnote.denominator_{unit or table}", rep.lang),
        t("footnote.multi_response", rep.lang): t("footnote.multi_response_linked", rep.lang),
        t("footnote.synthetic", rep.lang): t("footnote.synthetic_linked", rep.lang),
    }
    notes = [swap.get(n, n) for n in footnotes(safe, rep.lang, codebook=view, cell=style)]
    if rep.synthetic and t("footnote.synthetic_linked", rep.lang) not in notes:
        notes.append(t("footnote.synthetic_linked", rep.lang))
    return notes


def _caption(safe: pd.DataFrame, view, rep) -> str:
    names = [str(v) for v in pd.unique(safe["variable"])]
    words = "; ".join(view.label(v, lang=rep.lang) if view.knows(v) else v for v in names)
    return f"{words} ({rep.scope_label()})"


def _write_table(rep, name: str, shown: pd.DataFrame, safe: pd.DataFrame, caption: str, notes: list[str]) -> None:
    if rep.output_dir is None:
        return
    folder = rep.output_dir / "tables"
    write_csv(safe, folder / f"{name}.csv")
    notes_df = pd.DataFrame({t("heading.notes", rep.lang): [caption, *notes]})
    write_xlsx({"table": shown, "data": safe, "notes": notes_df}, folder / f"{name}.xlsx")
    rep._record("table", name, [f"tables/{name}.csv", f"tables/{name}.xlsx"], safe)


def _title(fig) -> str:
    """The figure's title as drawn (the theme puts it on the left)."""
    ax = fig.axes[0]
    return (ax.get_title(loc="left") or ax.get_title()).replace("\n", " ")


def _figure_block(rep, fig, name: str, safe: pd.DataFrame, alt: str) -> Block:
    title = _title(fig)
    png = figures.figure_bytes(fig, "png")
    if rep.output_dir is not None:
        figures.save(fig, rep.output_dir / "figures", name, png=png)
        rep._record("figure", name, [f"figures/{name}.png", f"figures/{name}.svg"], safe)
    w, h = (round(v * 96) for v in fig.get_size_inches())
    uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    html = (
        f'<figure class="report-figure"><img src="{uri}" alt="{esc(alt)}" width="{w}" height="{h}">'
        f"<figcaption>{esc(title)}</figcaption></figure>"
    )
    return Block(html, alt)


# --------------------------------------------------------------------------- count tables and figures
def linked_table(
    rep: Report,
    stats: pd.DataFrame,
    *,
    name: str,
    table: str,
    caption: str | None = None,
    style: str = "n_percent",
    layout: str = "wide",
    by: str | None = None,
    digits: int = 1,
    unit: str | None = None,
) -> Block:
    """Show a count table of a linked table safely, and write it to ``tables/<name>.csv`` and ``.xlsx``.

    Parameters
    ----------
    rep : Report
    stats : DataFrame
        A tidy count table of the linked table (`cprstats.stats.survival.recommendation_counts`,
        `decision_funnel`), not yet suppressed.
    name : str
    table : {"recommendations", "process"}
        The linked table the variables belong to (their labels and the unit of the notes).
    caption, style, layout, by, digits
        As for `cprstats.Report.table`.
    unit : {"boards"}, optional
        What ``n`` counts when it is not the table's rows (``"boards"`` for
        `cprstats.stats.survival.recurring_counts`; default: ``stats.attrs["unit"]``).
    """
    view = _view(rep, table)
    by = by if by is not None else stats.attrs.get("groups", {}).get("by")
    safe = _safe(rep, stats, view, by)
    shown = format_table(safe, view, lang=rep.lang, cell=style, layout=layout, by=by, digits=digits)
    caption = caption if caption is not None else _caption(safe, view, rep)
    unit = unit if unit is not None else stats.attrs.get("unit")
    notes = _notes(rep, safe, view, table, style, unit) + denominator_note(safe, rep.lang)
    _write_table(rep, rep_name(name), shown, safe, caption, notes)
    return html_table(shown, caption=caption, notes=notes, row_headers=2 if layout == "wide" else 3)


def rep_name(name: str) -> str:
    """``name`` if it is a file stem a report may write (letters, digits, ``_ - .``)."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise ParameterError(f"name={name!r} is not allowed; use letters, digits, '_', '-' and '.' (a file name)")
    return name


def linked_figure(
    rep: Report,
    stats: pd.DataFrame,
    *,
    name: str,
    table: str,
    kind: str = "bar",
    title: str | None = None,
    by: str | None = None,
    **options: Any,
) -> Block:
    """A bar (or grouped bar) chart of a linked table's count table, safely, with its alt text."""
    if kind not in ("bar", "grouped_bar"):
        raise ParameterError(f"kind={kind!r} is not allowed; use 'bar' or 'grouped_bar'")
    view = _view(rep, table)
    by = by if by is not None else stats.attrs.get("groups", {}).get("by")
    safe = _safe(rep, stats, view, by)
    safe = figures.sort_table(safe, options.pop("sort", "codebook"))
    extra = {"by": by} if kind == "grouped_bar" else {}
    xlabel = options.pop("xlabel", t(f"figure.axis.percent_{table}", rep.lang))
    draw = getattr(figures, kind)
    fig = draw(
        safe, lang=rep.lang, title=title, codebook=view, synthetic=rep.synthetic, xlabel=xlabel, **extra, **options
    )
    heading = _title(fig)
    alt = alt_text(safe, kind=kind, title=heading, lang=rep.lang, codebook=view, by=by, synthetic=rep.synthetic)
    return _figure_block(rep, fig, rep_name(name), safe, alt)


def funnel_figure(rep: Report, funnel: pd.DataFrame, *, name: str, title: str | None = None) -> Block:
    """The decision funnel (`cprstats.stats.survival.decision_funnel`, one group), safely, with its alt text."""
    view = _view(rep, "process")
    safe = _safe(rep, funnel, view, None)
    fig = sf.funnel(safe, lang=rep.lang, title=title, codebook=view, synthetic=rep.synthetic)
    heading = _title(fig)
    return _figure_block(
        rep, fig, rep_name(name), safe, sf.funnel_alt(safe, title=heading, lang=rep.lang, codebook=view)
    )


def crosstab_figure(
    rep: Report, stats: pd.DataFrame, *, name: str, table: str, by: str, title: str | None = None
) -> Block:
    """A heat map of counts of a linked table's variable by ``by`` (e.g. agencies addressed by level)."""
    view = _view(rep, table)
    safe = _safe(rep, stats, view, by)
    fig = sf.crosstab_heatmap(
        safe, by=by, lang=rep.lang, title=title, codebook=view, synthetic=rep.synthetic, unit=UNITS[table]
    )
    heading = _title(fig)
    alt = sf.crosstab_alt(safe, title=heading, by=by, lang=rep.lang, codebook=view)
    return _figure_block(rep, fig, rep_name(name), safe, alt)


def linked_key_figures(rep: Report, stats: pd.DataFrame, *, table: str, by: str | None = None, digits: int = 1) -> None:
    """Print one line per row, ``variable=level[ group]: count/n (percent)``, for nbval (as `Report.key_figures`)."""
    view = _view(rep, table)
    safe = _safe(rep, stats, view, by)
    for rec in safe.to_dict("records"):
        group = "" if str(rec.get("group", "all")) == "all" else f" [{rec['group']}]"
        count = "*" if pd.isna(rec["count"]) else f"{int(rec['count'])}"
        n = "*" if pd.isna(rec["n"]) else f"{int(rec['n'])}"
        est = rec.get("estimate")
        pct = "" if est is None or pd.isna(est) else f" ({format_percent(est, 'en', digits)})"
        print(f"{rec['variable']}={rec['level']}{group}: {count}/{n}{pct}")


# --------------------------------------------------------------------------- survival
def _survival_safe(rep, km: pd.DataFrame, median: pd.DataFrame | None, by: str | None, months=MONTHS):
    for what, tab in (("km", km), ("median", median)):
        if tab is not None and not isinstance(tab, pd.DataFrame):
            raise ParameterError(f"{what} must be a pandas DataFrame, got {type(tab).__name__}")
    safe, med = protect_survival(km, median, rep._policy(by), times=months)
    for tab in (safe, med):
        if tab is not None:
            tab.attrs["synthetic"] = rep.synthetic
            tab.attrs["by"] = by
    return safe, med


def survival_figure(
    rep: Report,
    km: pd.DataFrame,
    *,
    name: str,
    table: str,
    title: str | None = None,
    by: str | None = None,
    months: Sequence[float] = MONTHS,
) -> Block:
    """Kaplan-Meier curves with their bands, safely (times coarsened when suppressing), with alt text.

    Parameters
    ----------
    rep : Report
    km : DataFrame
        From `cprstats.stats.survival.kaplan_meier` (one variable), not yet protected.
    name : str
    table : {"recommendations", "process"}
        The linked table the groups' labels come from.
    title : str, optional
    by : str, optional
        The variable the groups are values of (default: ``km.attrs["by"]``).
    months : sequence of int
        Where coarsened steps should end (as `survival_table` reads them), so that figure and
        table agree.
    """
    view = _view(rep, table)
    by = by if by is not None else km.attrs.get("by")
    safe, _ = _survival_safe(rep, km, None, by, months)
    fig = sf.survival_curve(safe, lang=rep.lang, title=title, by=by, codebook=view, synthetic=rep.synthetic)
    heading = _title(fig)
    alt = sf.survival_alt(safe, title=heading, lang=rep.lang, by=by, codebook=view)
    return _figure_block(rep, fig, rep_name(name), safe, alt)


def _at(part: pd.DataFrame, months: float) -> Any:
    """The estimate at ``months``: the last row at or before it (the curve is a step function).

    On a coarsened curve only a step that ends exactly at ``months`` is read (else None: the
    share there cannot be shown without showing a small step). None too when the curve stops
    before ``months``.
    """
    if part.empty or part["time"].max() < months:
        return None
    if (part.attrs.get("disclosure") or {}).get("method") == "coarsened_times":
        hit = part[part["time"] == months]
        return None if hit.empty or hit["estimate"].isna().all() else float(hit["estimate"].iloc[-1])
    before = part[part["time"] <= months]
    if before.empty or before["estimate"].isna().iloc[-1]:
        return None
    return float(before["estimate"].iloc[-1])


def _part(safe: pd.DataFrame, rec: dict) -> pd.DataFrame:
    part = safe[(safe["variable"] == rec["variable"]) & (safe["group"] == rec["group"])]
    part.attrs = dict(safe.attrs)
    return part


def survival_table(
    rep: Report,
    km: pd.DataFrame,
    median: pd.DataFrame,
    *,
    name: str,
    table: str,
    caption: str | None = None,
    by: str | None = None,
    months: Sequence[float] = (12, 24),
    digits: int = 1,
) -> Block:
    """The medians with their intervals, and the share not yet closed (or published) at ``months``, per group.

    Both tables are protected together (`protect_survival`): a hidden group is hidden in both,
    and the shares at ``months`` are read off the coarsened curve. The numbers (protected,
    unrounded) are written to ``tables/<name>.csv`` and ``.xlsx``.
    """
    view = _view(rep, table)
    by = by if by is not None else median.attrs.get("by") or km.attrs.get("by")
    safe, med = _survival_safe(rep, km, median, by, months)
    lang = rep.lang
    marker = t("marker.suppressed", lang)
    variable = str(med["variable"].iloc[0]) if len(med) else ""
    level = float(med["ci_level"].iloc[0]) * 100 if len(med) else 95.0
    heads = {
        "group": t("heading.group", lang),
        "n": sf._variable_text(variable, "n", lang),
        "events": sf._variable_text(variable, "events", lang),
        "median": t("heading.median_ci", lang, level=f"{level:g}"),
    }
    rows = []
    for rec in med.to_dict("records"):
        row = {heads["group"]: sf.group_name(rec["group"], by=by, codebook=view, lang=lang)}
        row[heads["n"]] = marker if pd.isna(rec["n"]) else format_count(rec["n"], lang)
        row[heads["events"]] = marker if pd.isna(rec["events"]) else format_count(rec["events"], lang)
        if rec["suppressed"]:
            row[heads["median"]] = marker
        elif pd.isna(rec["estimate"]):
            row[heads["median"]] = t("table.not_reached", lang)
        else:
            low = format_number(rec["ci_low"], lang, 0) if pd.notna(rec["ci_low"]) else "?"
            high = format_number(rec["ci_high"], lang, 0) if pd.notna(rec["ci_high"]) else t("table.not_reached", lang)
            row[heads["median"]] = f"{format_number(rec['estimate'], lang, 0)} ({low}\u2013{high})"
        part = _part(safe, rec)
        for m in months:
            head = sf._variable_text(variable, "at", lang, months=m)
            value = None if rec["suppressed"] else _at(part, m)
            shown_value = t("marker.not_available", lang) if value is None else format_percent(value, lang, digits)
            row[head] = marker if rec["suppressed"] else shown_value
        rows.append(row)
    shown = pd.DataFrame(rows)
    caption = caption if caption is not None else f"{sf._variable_text(variable, 'title', lang)} ({rep.scope_label()})"
    notes = []
    if med["suppressed"].any():
        notes.append(f"{marker} {t('footnote.suppressed', lang)}")
    if (safe.attrs.get("disclosure") or {}).get("method") == "coarsened_times":
        notes.append(t("figure.note.coarsened", lang, threshold=int(safe.attrs["disclosure"]["threshold"])))
    if any(r == t("marker.not_available", lang) for row in rows for r in row.values()):
        notes.append(f"{t('marker.not_available', lang)} {t('footnote.km_not_available', lang)}")
    notes.append(t("footnote.km_method", lang, level=f"{level:g}", as_at=str(km.attrs.get("as_at", ""))))
    if rep.synthetic:
        notes.append(t("footnote.synthetic_linked", lang))
    data = med.merge(
        pd.DataFrame(
            [
                {
                    "variable": r["variable"],
                    "group": r["group"],
                    **{f"estimate_at_{m}": _at(_part(safe, r), m) for m in months},
                }
                for r in med.to_dict("records")
            ]
        ),
        on=["variable", "group"],
        how="left",
    )
    data.attrs = med.attrs
    _write_table(rep, rep_name(name), shown, data, caption, notes)
    return html_table(shown, caption=caption, notes=notes, row_headers=1)


def survival_lines(rep: Report, km: pd.DataFrame, median: pd.DataFrame, *, by: str | None = None) -> None:
    """Print each group's median in a fixed format, for nbval: ``variable [group]: median m (low to high), e/n``."""
    by = by if by is not None else median.attrs.get("by")
    _, med = _survival_safe(rep, km, median, by)
    for rec in med.to_dict("records"):
        if rec["suppressed"]:
            print(f"{rec['variable']} [{rec['group']}]: *")
            continue
        est = "not reached" if pd.isna(rec["estimate"]) else f"{rec['estimate']:g}"
        low = "NA" if pd.isna(rec["ci_low"]) else f"{rec['ci_low']:g}"
        high = "NA" if pd.isna(rec["ci_high"]) else f"{rec['ci_high']:g}"
        print(
            f"{rec['variable']} [{rec['group']}]: median {est} ({low} to {high}), {int(rec['events'])}/{int(rec['n'])}"
        )
