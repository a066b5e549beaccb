"""Figures of the linked tables: survival curves with their bands, the decision funnel, a cross-tab heat map.

Drawn like every report figure (`cprstats.report.figures`): seaborn inside `theme`, on the Agg
canvas, from a tidy table that has already been through disclosure control, with the notes
(interval, coarsened times, synthetic data) under the figure and an alt text made from the
same table (`survival_alt`, `funnel_alt`, `crosstab_alt`).

* `survival_curve`: the Kaplan-Meier estimate of each group as a step line (seaborn
  ``lineplot`` with ``drawstyle="steps-post"``), its pointwise interval as a shaded band;
  groups differ by colour **and** line style. A coarsened table
  (`cprstats.disclosure.survival.coarsen_survival`) is drawn through the times it keeps.
* `funnel`: all referrals, then how many led to each decision (``sns.barplot`` of counts).
* `crosstab_heatmap`: counts of one multi-response variable's options (rows) by the groups of
  another (columns), e.g. agencies addressed by level of recommendation (``sns.heatmap``).

Examples
--------
>>> import pandas as pd
>>> from cprstats.stats.survival import kaplan_meier
>>> d = pd.DataFrame({"variable": "time_to_closure", "group": "all",
...                   "time": [6, 8, 10, 12, 20, 21, 30.0], "event": [True, True, False, True, True, False, False]})
>>> fig = survival_curve(kaplan_meier(d), synthetic=True)
>>> fig.axes[0].get_ylabel()
'Share not yet closed'
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cprstats.codebook.i18n import format_count, format_percent, t
from cprstats.codebook.model import Codebook, TableCodebook, check_lang, resolve
from cprstats.errors import ParameterError
from cprstats.report.figures import _readable
from cprstats.report.labels import MAX_ALT_ITEMS, group_label, level_label
from cprstats.report.style import HATCHES, MIN_FONT_PT, PALETTE, check_table, finish, new_figure, notes, theme, wrap

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "survival_curve",
    "funnel",
    "crosstab_heatmap",
    "survival_alt",
    "funnel_alt",
    "crosstab_alt",
    "group_name",
    "LINESTYLES",
    "KINDS",
]

#: Line styles of the groups, so that colour never carries meaning alone.
LINESTYLES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1)), (0, (1, 2)), (0, (8, 2)))
#: Figure kinds drawn here (as `cprstats.report.linked_views` names them).
KINDS = ("survival", "funnel", "crosstab")
HIDDEN = "#d9d9d9"


def _variable_text(variable: str, key: str, lang: str, **fmt: Any) -> str:
    """``survival.<variable>.<key>`` from the strings, or ``survival.default.<key>``."""
    try:
        return t(f"survival.{variable}.{key}", lang, **fmt)
    except ParameterError:
        return t(f"survival.default.{key}", lang, **fmt)


def group_name(
    group: Any, *, by: str | None, codebook: Codebook | str | os.PathLike[str] | None = None, lang: str = "en"
) -> str:
    """A group's label: from the linked table's field ``by``, else the review table's, else as `group_label` says."""
    cb = resolve(codebook)
    g = str(group)
    for book in (cb, getattr(cb, "parent", None)):
        if book is not None and by and by in book.fields and g in book.fields[by].codes:
            return book.label(by, g, lang)
    if by and cb.fields.get(by) is not None and cb.fields[by].type == "list" and g in cb.fields[by].codes:
        return cb.label(by, g, lang)
    return group_label(g, lang=lang, by=None, codebook=getattr(cb, "parent", cb))


def _drawn(km: pd.DataFrame) -> pd.DataFrame:
    shown = km[~km["suppressed"].astype(bool)] if "suppressed" in km else km
    return shown[pd.to_numeric(shown["estimate"], errors="coerce").notna()]


def survival_curve(
    km: pd.DataFrame,
    *,
    lang: str = "en",
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    by: str | None = None,
    codebook: Codebook | str | os.PathLike[str] | None = None,
    synthetic: bool | None = None,
) -> Figure:
    """Kaplan-Meier curves with their confidence bands, one step line per group.

    Parameters
    ----------
    km : DataFrame
        From `cprstats.stats.survival.kaplan_meier` (one ``variable``), usually after
        `cprstats.disclosure.survival.protect_survival`.
    lang : {"en", "cy"}
    title, xlabel, ylabel : str, optional
        Defaults depend on the variable (``time_to_closure``: "Recommendations not yet closed",
        "Months since approval", "Share not yet closed").
    by : str, optional
        The variable the groups are values of, for their labels.
    codebook : Codebook, optional
        The linked table's codebook (labels of its groups).
    synthetic : bool, optional
        Print the synthetic-data notice (default: ``km.attrs["synthetic"]``).

    Returns
    -------
    matplotlib.figure.Figure
        One axes: each group's step line and band; hidden groups are named in a note.

    Raises
    ------
    ParameterError
        An empty table, or one with several variables.
    """
    check_lang(lang)
    table = check_table(km, ("variable", "group", "time", "estimate", "ci_low", "ci_high"), "survival_curve")
    variables = list(pd.unique(table["variable"]))
    if len(variables) != 1:
        raise ParameterError("survival_curve: the table has several variables; draw one at a time")
    variable = str(variables[0])
    synthetic = bool(km.attrs.get("synthetic")) if synthetic is None else bool(synthetic)
    by = by if by is not None else km.attrs.get("by")
    title = title if title is not None else _variable_text(variable, "title", lang)
    shown = _drawn(table)
    groups = list(dict.fromkeys(shown["group"].astype(str)))
    hidden = [g for g in dict.fromkeys(table["group"].astype(str)) if g not in groups]
    names = {g: group_name(g, by=by, codebook=codebook, lang=lang) for g in dict.fromkeys(table["group"].astype(str))}
    levels = pd.to_numeric(table.get("ci_level", pd.Series(dtype=float)), errors="coerce").dropna().unique()
    level = float(levels[0]) if len(levels) == 1 else 0.95
    coarsened = (km.attrs.get("disclosure") or {}).get("method") == "coarsened_times"
    height = 4.2
    with theme():
        import seaborn as sns
        from matplotlib.ticker import PercentFormatter

        fig = new_figure(height)
        ax = fig.add_subplot()
        plot = shown.assign(
            label=[names[str(g)] for g in shown["group"]],
            percent=pd.to_numeric(shown["estimate"], errors="coerce") * 100,
        )
        order = [names[g] for g in groups]
        palette = {names[g]: PALETTE[i % len(PALETTE)] for i, g in enumerate(groups)}
        dashes = {names[g]: LINESTYLES[i % len(LINESTYLES)] for i, g in enumerate(groups)}
        if len(plot):
            sns.lineplot(
                plot,
                x="time",
                y="percent",
                hue="label",
                hue_order=order,
                palette=palette,
                drawstyle="steps-post",
                estimator=None,
                errorbar=None,
                legend=len(groups) > 1,
                linewidth=2,
                ax=ax,
            )
            for line, name in zip(ax.get_lines(), order):
                line.set_linestyle(dashes[name])
            for g in groups:
                part = shown[shown["group"].astype(str) == g]
                lo = pd.to_numeric(part["ci_low"], errors="coerce").to_numpy(float) * 100
                hi = pd.to_numeric(part["ci_high"], errors="coerce").to_numpy(float) * 100
                x = part["time"].to_numpy(float)
                est = part["estimate"].to_numpy(float) * 100
                lo = np.where(np.isnan(lo) & (est >= 100), 100.0, lo)  # the band starts at 100% at time 0
                hi = np.where(np.isnan(hi) & (est >= 100), 100.0, hi)
                ok = np.isfinite(lo) & np.isfinite(hi)
                ax.fill_between(x, lo, hi, where=ok, step="post", color=palette[names[g]], alpha=0.2, linewidth=0)
        if len(groups) > 1 and ax.get_legend() is not None:
            ax.get_legend().set_title(None)
        ax.set_ylim(0, 102)
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=100, decimals=0))
        ax.set_xlim(left=0)
        ax.set_xlabel(xlabel or _variable_text(variable, "xlabel", lang))
        ax.set_ylabel(ylabel or _variable_text(variable, "ylabel", lang))
        lines = [t("figure.note.band", lang, level=f"{100 * level:g}")]
        if coarsened:
            threshold = int((km.attrs.get("disclosure") or {}).get("threshold", 5))
            lines.append(t("figure.note.coarsened", lang, threshold=threshold))
        if hidden:
            lines.append(t("figure.note.hidden_groups", lang, groups=", ".join(names[g] for g in hidden)))
        lines += notes(lang, synthetic=synthetic)
        finish(fig, ax, title, lines, height)
    return fig


def funnel(
    stats: pd.DataFrame,
    *,
    lang: str = "en",
    title: str | None = None,
    codebook: Codebook | str | os.PathLike[str] | None = None,
    synthetic: bool | None = None,
    digits: int = 0,
) -> Figure:
    """The decision funnel: a bar for all referrals, then one per decision, with counts and shares.

    Parameters
    ----------
    stats : DataFrame
        From `cprstats.stats.survival.decision_funnel` (one group), usually suppressed.
    lang, title, codebook, synthetic
        As for `survival_curve`; ``codebook`` is the process table's.
    digits : int, default 0
        Decimal places of the percentages.

    Returns
    -------
    matplotlib.figure.Figure
    """
    check_lang(lang)
    table = check_table(stats, ("variable", "level", "count", "n", "estimate"), "funnel")
    if "group" in table and table["group"].nunique() > 1:
        raise ParameterError("funnel: the table has several groups; select one")
    cb = _process_codebook(codebook)
    synthetic = bool(stats.attrs.get("synthetic")) if synthetic is None else bool(synthetic)
    title = title if title is not None else t("figure.title.funnel", lang)
    n = pd.to_numeric(table["n"], errors="coerce").dropna()
    total = int(n.iloc[0]) if len(n) else None
    labels = [t("funnel.referrals", lang)] + [
        level_label("decision", c, lang=lang, codebook=cb) for c in table["level"]
    ]
    counts = [total] + [None if pd.isna(c) else int(c) for c in table["count"]]
    texts = [format_count(total, lang) if total is not None else "*"] + [
        "*"
        if c is None
        else f"{format_count(c, lang)} ({format_percent(float(e), lang, digits)})"
        if pd.notna(e)
        else format_count(c, lang)
        for c, e in zip(counts[1:], table["estimate"])
    ]
    height = 1.4 + 0.45 * len(labels)
    with theme():
        import seaborn as sns

        fig = new_figure(height)
        ax = fig.add_subplot()
        plot = pd.DataFrame({"label": labels, "count": [np.nan if c is None else c for c in counts]})
        colours = [PALETTE[0]] + [PALETTE[1]] * (len(labels) - 1)
        sns.barplot(
            plot,
            x="count",
            y="label",
            hue="label",
            palette=dict(zip(labels, colours)),
            legend=False,
            orient="y",
            saturation=1,
            width=0.6,
            edgecolor="black",
            linewidth=0.6,
            ax=ax,
        )
        for i, patch in enumerate(ax.patches):
            patch.set_hatch(HATCHES[0] if i == 0 else HATCHES[1])
        top = max([c for c in counts if c is not None] or [1])
        for i, (c, text) in enumerate(zip(counts, texts)):
            ax.text((c or 0) + top * 0.02, i, text, va="center", ha="left", fontsize=MIN_FONT_PT)
        ax.set_xlim(0, top * 1.35)
        ax.set(ylabel="", xlabel=t("figure.axis.referrals", lang))
        ax.set_yticks(range(len(labels)), [wrap(s, 34) for s in labels])
        ax.grid(axis="y", visible=False)
        finish(fig, ax, title, notes(lang, suppressed="*" in texts, synthetic=synthetic), height)
    return fig


def _process_codebook(codebook) -> TableCodebook:
    cb = resolve(codebook)
    if isinstance(cb, TableCodebook):
        return cb if cb.table_name == "process" else cb.table("process")
    return cb.table("process")


def crosstab_heatmap(
    stats: pd.DataFrame,
    *,
    by: str,
    lang: str = "en",
    title: str | None = None,
    codebook: Codebook | str | os.PathLike[str] | None = None,
    synthetic: bool | None = None,
    unit: str = "recommendations",
) -> Figure:
    """Counts of one variable's levels (rows) by the groups of ``by`` (columns): ``sns.heatmap``.

    Parameters
    ----------
    stats : DataFrame
        A tidy count table with one ``variable`` and ``by`` groups (e.g.
        ``recommendation_counts(recs, ["agencies_addressed"], by="level", overall=False)``),
        usually suppressed: a hidden count is a grey cell holding ``*``.
    by : str
        The variable whose codes are the groups (the columns), for their labels and order.
    lang, title, codebook, synthetic
        As for `survival_curve`; ``codebook`` is the linked table's.
    unit : {"recommendations", "referrals"}
        What the counts count, for the note under the figure.
    """
    check_lang(lang)
    table = check_table(stats, ("variable", "level", "group", "count"), "crosstab_heatmap")
    table = table[table["group"].astype(str) != "all"]
    if table.empty:
        raise ParameterError("crosstab_heatmap: the table has no groups besides 'all'")
    cb = resolve(codebook)
    synthetic = bool(stats.attrs.get("synthetic")) if synthetic is None else bool(synthetic)
    var = str(table["variable"].iloc[0])
    rows = list(dict.fromkeys(table["level"].astype(str)))
    cols = list(dict.fromkeys(table["group"].astype(str)))
    fld = cb.fields.get(by)
    if fld is not None and fld.codes:
        cols = [c for c in fld.codes if c in cols] + [c for c in cols if c not in fld.codes]
    values = np.full((len(rows), len(cols)), np.nan)
    for lev, grp, c in zip(
        table["level"].astype(str), table["group"].astype(str), pd.to_numeric(table["count"], errors="coerce")
    ):
        values[rows.index(lev), cols.index(grp)] = c
    row_labels = [level_label(var, r, lang=lang, codebook=cb) for r in rows]
    col_labels = [group_name(c, by=by, codebook=cb, lang=lang) for c in cols]
    title = (
        title
        if title is not None
        else t(
            "figure.title.crosstab",
            lang,
            rows=cb.label(var, lang=lang) if cb.knows(var) else var,
            columns=cb.label(by, lang=lang) if cb.knows(by) else by,
        )
    )
    height = 2.5 + 0.42 * len(rows)
    with theme():
        import matplotlib as mpl
        import seaborn as sns

        fig = new_figure(height)
        ax = fig.add_subplot()
        finite = values[np.isfinite(values)]
        sns.heatmap(
            pd.DataFrame(values, index=rows, columns=cols),
            cmap=mpl.colormaps[mpl.rcParams["image.cmap"]].with_extremes(bad=HIDDEN),
            vmin=0,
            vmax=max(1.0, float(finite.max()) if finite.size else 1.0),
            annot=True,
            fmt=",.0f",
            annot_kws={"fontsize": MIN_FONT_PT},
            xticklabels=[wrap(s, 16) for s in col_labels],
            yticklabels=[wrap(s, 30) for s in row_labels],
            cbar_kws={"shrink": 0.8, "label": t("heading.count", lang)},
            ax=ax,
        )
        for i, j in zip(*np.nonzero(~np.isfinite(values))):
            ax.text(j + 0.5, i + 0.5, "*", ha="center", va="center", fontsize=MIN_FONT_PT)
        _readable(ax, len(cols))
        ax.tick_params(axis="y", labelrotation=0)
        ax.tick_params(axis="x", labelrotation=0)
        ax.set(xlabel="", ylabel="")
        ax.grid(False)
        lines = [t(f"figure.note.counts_{unit}", lang)] + notes(
            lang, suppressed=not np.isfinite(values).all(), synthetic=synthetic
        )
        finish(fig, ax, title, lines, height)
        ax.set_title(wrap(title, 44), pad=6)  # the axes start right of the row labels: a narrower title
    return fig


# --------------------------------------------------------------------------- alt texts
def _more(items: list[str], lang: str) -> list[str]:
    if len(items) <= MAX_ALT_ITEMS:
        return items
    return items[:MAX_ALT_ITEMS] + [t("figure.alt.more", lang, n=len(items) - MAX_ALT_ITEMS)]


def survival_alt(
    km: pd.DataFrame,
    *,
    title: str,
    lang: str = "en",
    by: str | None = None,
    codebook: Codebook | str | os.PathLike[str] | None = None,
) -> str:
    """The alt text of `survival_curve`: each group's estimate (and interval) at each time shown."""
    check_lang(lang)
    parts = [t("figure.alt.intro", lang, kind=t("figure.kind.survival", lang), title=title)]
    shown = _drawn(km)
    by = by if by is not None else km.attrs.get("by")
    variable = str(km["variable"].iloc[0]) if len(km) else ""
    for g in dict.fromkeys(km["group"].astype(str)):
        part = shown[shown["group"].astype(str) == g]
        name = group_name(g, by=by, codebook=codebook, lang=lang)
        if part.empty:
            parts.append(f"{name}: {t('figure.value_suppressed', lang)}.")
            continue
        items = [
            _variable_text(
                variable,
                "alt_point",
                lang,
                months=format_count(int(round(row.time)), lang),
                percent=format_percent(float(row.estimate), lang, 0),
            )
            for row in part.itertuples()
            if row.time > 0
        ]
        parts.append(f"{name}: " + "; ".join(_more(items, lang)) + ".")
    return " ".join(parts)


def funnel_alt(
    stats: pd.DataFrame, *, title: str, lang: str = "en", codebook: Codebook | str | os.PathLike[str] | None = None
) -> str:
    """The alt text of `funnel`: the referrals, then each decision's count and share."""
    check_lang(lang)
    cb = _process_codebook(codebook)
    n = pd.to_numeric(stats["n"], errors="coerce").dropna()
    items = [f"{t('funnel.referrals', lang)}: {format_count(int(n.iloc[0]), lang) if len(n) else '*'}"]
    for rec in stats.to_dict("records"):
        label = level_label("decision", rec["level"], lang=lang, codebook=cb)
        if pd.isna(rec["count"]):
            value = t("figure.value_suppressed", lang)
        elif pd.isna(rec.get("estimate")):
            value = format_count(int(rec["count"]), lang)
        else:
            value = t(
                "figure.value",
                lang,
                percent=format_percent(float(rec["estimate"]), lang, 0),
                count=format_count(int(rec["count"]), lang),
                n=format_count(int(rec["n"]), lang),
            )
        items.append(f"{label}: {value}")
    kind = t("figure.kind.funnel", lang)
    return t("figure.alt.intro", lang, kind=kind, title=title) + " " + "; ".join(_more(items, lang)) + "."


def crosstab_alt(
    stats: pd.DataFrame,
    *,
    title: str,
    by: str,
    lang: str = "en",
    codebook: Codebook | str | os.PathLike[str] | None = None,
) -> str:
    """The alt text of `crosstab_heatmap`: each cell's count, largest first."""
    check_lang(lang)
    cb = resolve(codebook)
    table = stats[stats["group"].astype(str) != "all"]
    var = str(table["variable"].iloc[0]) if len(table) else ""
    cells = []
    for rec in table.to_dict("records"):
        value = t("figure.value_suppressed", lang) if pd.isna(rec["count"]) else format_count(int(rec["count"]), lang)
        key = -1 if pd.isna(rec["count"]) else int(rec["count"])
        cells.append(
            (
                -key,
                t(
                    "figure.alt.pair",
                    lang,
                    row=level_label(var, rec["level"], lang=lang, codebook=cb),
                    column=group_name(rec["group"], by=by, codebook=cb, lang=lang),
                    value=value,
                ),
            )
        )
    items = [text for _, text in sorted(cells, key=lambda c: c[0])]
    kind = t("figure.kind.heatmap", lang)
    return t("figure.alt.intro", lang, kind=kind, title=title) + " " + "; ".join(_more(items, lang)) + "."
