"""Figures for reports: bar charts, grouped bar charts, heat maps and forest plots, drawn with seaborn.

Why seaborn: it is the plotting library the researchers who use cprstats already work with in
their notebooks, so the project's figures are plain seaborn calls on the tidy tables these
functions receive (``sns.barplot`` with the precomputed percentages, ``sns.heatmap`` of the
counts, ``sns.pointplot`` of the differences), with the intervals of the table (not seaborn's
own) and the value labels added on the same axes. Every function returns a
`matplotlib.figure.Figure` made without pyplot on the Agg canvas (nothing global changes and no
figure is left open) and draws inside `theme`, which sets the look once with
``seaborn.set_theme``. seaborn and matplotlib are imported only when a figure is drawn. The
look, the palette and byte-identical saving are in `cprstats.report.style` (re-exported here);
the words (labels from the codebook, alt text) in `cprstats.report.labels`.

Restyling in a notebook: wrap the call in ``theme`` with seaborn's own choices, change the
returned axes with seaborn, or draw a new figure in the same look::

    with figures.theme(style="ticks", palette="colorblind", rc={"axes.titlesize": 14}):
        fig = figures.grouped_bar(table)
    sns.despine(ax=fig.axes[0]); sns.move_legend(fig.axes[0], "lower right")

Accessibility: colour never carries meaning alone. Every bar has its value written beside
it, groups also differ by hatching and are named in a legend, heat-map cells hold their
counts. A suppressed value is drawn as no bar with a ``*``; intervals are error bars; a true
zero has no bar and no interval (a whisker from 0 would suggest a value) but a black diamond on
the axis labelled "0 of n" ("0 o n"), explained under the figure. Text is at least 10 points at
the saved size, in DejaVu Sans (which has ŵ, ŷ and â). Labels are wrapped onto lines, never
cut: row and legend labels of any length (long Welsh ones too) stay inside the figure, and the
figure grows taller for them. A figure with fewer than `MIN_SHOWN` values to draw is not drawn
by `cprstats.report.document.Report.figure`, which says why instead (`shown_values`).

Examples
--------
A hand-made table of synthetic numbers:

>>> import pandas as pd
>>> tab = pd.DataFrame({"variable": "outcome", "level": ["death", "other"], "group": "all",
...                     "count": [22, 11], "n": 33, "estimate": [22 / 33, 11 / 33],
...                     "ci_low": [0.50, 0.20], "ci_high": [0.80, 0.50], "ci_level": 0.95})
>>> fig = bar(tab, title="Outcome (synthetic data)")
>>> [t.get_text() for t in fig.axes[0].texts]
['67% (22/33)', '33% (11/33)']
>>> save(fig, "outputs/figures", "outcome")  # doctest: +SKIP
[PosixPath('outputs/figures/outcome.png'), PosixPath('outputs/figures/outcome.svg')]

The same table drawn in a notebook's own seaborn figure, in the project's look:

>>> import seaborn as sns
>>> with theme():
...     ax = new_figure(2.0).add_subplot()
...     ax = sns.barplot(tab, x="estimate", y="level", color=sns.color_palette()[0], errorbar=None, ax=ax)
>>> [f"{bar.get_width():.3f}" for bar in ax.patches]
['0.667', '0.333']
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cprstats.codebook.model import Codebook, check_lang, resolve
from cprstats.errors import ParameterError
from cprstats.report.labels import alt_text, group_label, level_label, row_labels, signed_number, value_text
from cprstats.report.style import (
    DPI,
    HATCHES,
    MIN_FONT_PT,
    PALETTE,
    RC,
    WIDTH_IN,
    check_table,
    ci_level_of,
    default_title,
    figure_bytes,
    finish,
    mark,
    new_figure,
    notes,
    numbers,
    percent_axis,
    save,
    theme,
    wrap,
)
from cprstats.report.wording import t
from cprstats.stats.describe import cooccurrence  # noqa: F401  (re-exported: cprstats.figures.cooccurrence)

__all__ = [
    "bar",
    "mark",
    "grouped_bar",
    "sort_table",
    "shown_values",
    "heatmap",
    "forest",
    "cooccurrence",
    "alt_text",
    "theme",
    "save",
    "figure_bytes",
    "new_figure",
    "PALETTE",
    "HATCHES",
    "DPI",
    "WIDTH_IN",
    "MIN_FONT_PT",
    "RC",
    "KINDS",
    "MIN_SHOWN",
]

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Figure kinds, as `cprstats.report.document.Report.figure` names them.
KINDS = ("bar", "grouped_bar", "heatmap", "forest")
#: The fewest values a figure must draw (bars above zero, shown cells, shown differences; see
#: `shown_values`): with fewer, `cprstats.report.document.Report.figure` says why in a sentence instead.
MIN_SHOWN = {"bar": 2, "grouped_bar": 2, "heatmap": 2, "forest": 1}
#: The band of a category that seaborn shares among its groups' bars, and the gap between them.
BAND, GAP = 0.8, 0.08
#: The colour of a hidden heat-map cell (it holds ``*``).
HIDDEN = "#d9d9d9"


def sort_table(table: pd.DataFrame, sort: str = "codebook") -> pd.DataFrame:
    """Rows in the order bars are drawn: the table's (codebook) order, or largest estimate first.

    With several groups, levels are ordered by the first group's estimate and keep their groups together.

    >>> tab = pd.DataFrame({"variable": "x", "level": ["a", "b"], "group": "all", "estimate": [0.2, 0.5]})
    >>> sort_table(tab, "estimate")["level"].tolist()
    ['b', 'a']
    """
    if sort not in ("codebook", "estimate"):
        raise ParameterError(f"sort={sort!r} is not allowed; use 'codebook' (the table's order) or 'estimate'")
    if sort == "codebook" or table.empty:
        return table
    key = table[["variable", "level"]].astype(str).agg("\x1f".join, axis=1)
    first = table["group"].iloc[0] if "group" in table else None
    lead = table if first is None else table[table["group"] == first]
    rank = dict(zip(key[lead.index], pd.to_numeric(lead["estimate"], errors="coerce").fillna(-1.0)))
    order = key.map(lambda k: -rank.get(k, -1.0))
    out = table.assign(_o=order.to_numpy()).sort_values("_o", kind="stable").drop(columns="_o")
    out.attrs = dict(table.attrs)
    return out


def shown_values(table: pd.DataFrame, kind: str) -> tuple[int, int, int]:
    """How many of a figure's values would be drawn, how many are hidden, and how many the table has.

    A bar is drawn for an ``estimate`` above zero (a true zero is only a marker on the axis), a
    heat-map cell for any shown ``count`` (a zero cell is coloured too), a forest plot's row for
    a shown ``risk_difference``; a missing value is hidden (suppressed).

    >>> tab = pd.DataFrame({"estimate": [0.5, float("nan"), 0.0]})
    >>> shown_values(tab, "bar")
    (1, 1, 3)
    """
    if kind not in KINDS:
        raise ParameterError(f"kind={kind!r} is not allowed; use one of {', '.join(KINDS)}")
    column = {"forest": "risk_difference", "heatmap": "count"}.get(kind, "estimate")
    values = numbers(table, column, 1.0)
    present = np.isfinite(values)
    drawn = present if kind in ("heatmap", "forest") else present & (values > 0)
    return int(drawn.sum()), int((~present).sum()), len(values)


def _prepare(stats, what, lang, sort, codebook, title, synthetic):
    check_lang(lang)
    if sort not in ("codebook", "estimate"):
        raise ParameterError(f"sort={sort!r} is not allowed; use 'codebook' (the table's order) or 'estimate'")
    table = check_table(stats, ("variable", "level", "estimate"), what)
    cb = resolve(codebook, stats)
    synthetic = bool(stats.attrs.get("synthetic")) if synthetic is None else bool(synthetic)
    return table, (title if title is not None else default_title(table, lang, cb)), synthetic, cb


def _distinct(labels: list[str]) -> list[str]:
    """``labels``, a repeated one numbered: seaborn would draw rows with the same label as one."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def _percentages(table: pd.DataFrame, labels: list[str], lang: str, digits: int) -> pd.DataFrame:
    """The tidy table seaborn draws: ``table`` with a ``label`` and the percentages of each bar."""
    est = numbers(table, "estimate")
    return table.assign(
        label=labels,
        percent=est,
        percent_low=numbers(table, "ci_low"),
        percent_high=numbers(table, "ci_high"),
        value=[
            value_text(c, n, e / 100, lang=lang, digits=digits, short=True)
            for c, n, e in zip(numbers(table, "count", 1), numbers(table, "n", 1), est)
        ],
    )


def _intervals(ax, x: np.ndarray, y: np.ndarray, lo: np.ndarray, hi: np.ndarray, width: float, cap: float) -> bool:
    """Error bars from the table's interval ends (seaborn would compute its own), where there is a value."""
    ci = np.isfinite(x) & np.isfinite(lo) & np.isfinite(hi)
    if ci.any():
        ax.errorbar(
            x[ci],
            y[ci],
            xerr=[x[ci] - lo[ci], hi[ci] - x[ci]],
            fmt="none",
            ecolor="black",
            elinewidth=width,
            capsize=cap,
        )
    return bool(ci.any())


def _values(ax, plot: pd.DataFrame, y: np.ndarray, width: float, cap: float) -> tuple[float, bool]:
    """Intervals and value labels beside the bars at ``y``: the right-most end, and whether a zero was marked.

    A hidden value is ``*``; a true zero has no interval (a whisker from 0 would suggest a
    value): it is a black diamond on the axis, labelled ``0 of n``.
    """
    est, lo, hi = (plot[c].to_numpy(dtype=float) for c in ("percent", "percent_low", "percent_high"))
    counts = numbers(plot, "count", 1.0)
    zero = np.isfinite(counts) & (counts == 0) & np.isfinite(est)
    lo, hi = np.where(zero, np.nan, lo), np.where(zero, np.nan, hi)
    _intervals(ax, est, y, lo, hi, width, cap)
    if zero.any():
        ax.plot(
            np.zeros(int(zero.sum())),
            y[zero],
            linestyle="none",
            marker="D",
            markersize=6,
            color="black",
            clip_on=False,
            zorder=4,
        )
    ends = np.fmax(np.nan_to_num(est), np.nan_to_num(hi))
    for yi, x, text, z in zip(y, ends, plot["value"], zero):
        ax.text(x + (2.2 if z else 1.2), yi, text, va="center", ha="left", fontsize=MIN_FONT_PT)
    return (float(ends.max()) if len(ends) else 0.0), bool(zero.any())


def _axis_label(stats: pd.DataFrame, lang: str) -> str:
    """ "Percentage of reviews" for a table that counts reviews, else "Percentage of children"."""
    units = set(pd.unique(stats["unit"])) if isinstance(stats, pd.DataFrame) and "unit" in stats else set()
    return t("figure.axis.percent.review" if units == {"review"} else "figure.axis.percent", lang)


def bar(
    stats: pd.DataFrame,
    *,
    lang: str = "en",
    title: str | None = None,
    codebook: Codebook | str | Path | None = None,
    sort: str = "codebook",
    digits: int = 0,
    synthetic: bool | None = None,
    xlabel: str | None = None,
) -> Figure:
    """Horizontal bars (``sns.barplot``): the levels of one variable (or the options of a multi-response group).

    Parameters
    ----------
    stats : pandas.DataFrame
        A tidy table (`cprstats.proportions`, usually after `cprstats.suppress`) with
        ``variable, level, estimate`` and, if present, ``count, n, ci_low, ci_high, ci_level``,
        for one group. Several variables give one bar each.
    lang : {"en", "cy"}
    title : str, optional
        Default: the variable's title from the codebook.
    codebook : Codebook or path, optional
        Default: the one ``stats.attrs`` names, else the packaged one (`cprstats.codebook.model.resolve`).
    sort : {"codebook", "estimate"}
        The table's (codebook) order, or largest first.
    digits : int, default 0
        Decimal places of the percentages written beside the bars.
    synthetic : bool, optional
        Print the synthetic-data notice under the figure (default: ``stats.attrs["synthetic"]``).
    xlabel : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        One axes, drawn by seaborn: a bar per shown value, its interval and its value label
        (``*`` and no bar where the value is hidden).

    Raises
    ------
    ParameterError
        If the table is not one this figure draws (empty, missing columns, several groups) or an
        option is not allowed.
    """
    table, title, synthetic, cb = _prepare(stats, "bar", lang, sort, codebook, title, synthetic)
    if "group" in table and table["group"].nunique() > 1:
        raise ParameterError("bar: the table has several groups; draw it with grouped_bar, or select one group")
    table = sort_table(table, sort).reset_index(drop=True)
    labels = _distinct([wrap(s, 34) for s in row_labels(table, lang=lang, codebook=cb)])
    plot = _percentages(table, labels, lang, digits)
    level = ci_level_of(table, plot["percent_low"].to_numpy(), plot["percent_high"].to_numpy())
    height = 1.3 + 0.42 * len(table) + 0.12 * sum(s.count("\n") for s in labels)
    with theme():
        import seaborn as sns

        fig = new_figure(height)
        ax = fig.add_subplot()
        sns.barplot(
            plot,
            x="percent",
            y="label",
            order=labels,
            orient="y",
            color=sns.color_palette()[0],
            saturation=1,
            width=0.6,
            errorbar=None,
            edgecolor="black",
            linewidth=0.6,
            ax=ax,
        )
        top, zero = _values(ax, plot, np.arange(len(plot)), 1.1, 3)
        ax.set(ylabel="", yticks=range(len(labels)), yticklabels=labels, ylim=(len(labels) - 0.5, -0.5))
        percent_axis(ax, top, lang, xlabel or _axis_label(stats, lang))
        finish(
            fig,
            ax,
            title,
            notes(lang, ci_level=level, suppressed=(plot["value"] == "*").any(), synthetic=synthetic, zero=zero),
            height,
        )
    return fig


def grouped_bar(
    stats: pd.DataFrame,
    *,
    lang: str = "en",
    title: str | None = None,
    codebook: Codebook | str | Path | None = None,
    by: str | None = None,
    sort: str = "codebook",
    digits: int = 0,
    synthetic: bool | None = None,
    xlabel: str | None = None,
) -> Figure:
    """Bars side by side for each group (boards, periods...), told apart by colour *and* hatching.

    Drawn with ``sns.barplot(..., hue="group_label")``; the groups take the theme's palette in
    order and `HATCHES`, and the legend (seaborn's, moved above the bars) shows both.

    Parameters
    ----------
    stats : pandas.DataFrame
        As for `bar`, with a ``group`` column (e.g. `cprstats.proportions` with ``by=``).
    by : str, optional
        The variable the groups are values of, for their labels (default:
        ``stats.attrs.get("by")``, else looked up in the codebook).
    lang, title, codebook, sort, digits, synthetic, xlabel
        As for `bar`; ``sort="estimate"`` orders the levels by the first group's estimate.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ParameterError
        As for `bar`, and if there are more groups than `HATCHES` can tell apart.
    """
    table, title, synthetic, cb = _prepare(stats, "grouped_bar", lang, sort, codebook, title, synthetic)
    check_table(table, ("group",), "grouped_bar")
    by = by if by is not None else stats.attrs.get("by")
    groups = list(pd.unique(table["group"]))
    if len(groups) > len(HATCHES):
        raise ParameterError(
            f"grouped_bar: at most {len(HATCHES)} groups can be told apart; the table has {len(groups)}"
        )
    table = sort_table(table, sort).reset_index(drop=True)
    rows = list(zip(table["variable"].astype(str), table["level"].astype(str)))
    keys = list(dict.fromkeys(rows))
    items = pd.DataFrame(keys, columns=["variable", "level"])
    labels = _distinct([wrap(s, 30) for s in row_labels(items, lang=lang, codebook=cb)])
    # legend entries: wrapped (a long Welsh name would run off the figure), one column when long
    names = _distinct([wrap(group_label(g, lang=lang, by=by, codebook=cb), 55) for g in groups])
    label_of, name_of = dict(zip(keys, labels)), dict(zip(groups, names))
    plot = _percentages(table, [label_of[k] for k in rows], lang, digits)
    plot["group_label"] = [name_of[g] for g in table["group"]]
    ng = len(groups)
    height = 1.6 + len(keys) * (0.3 * ng + 0.2) + 0.35 * ng
    level = ci_level_of(table, plot["percent_low"].to_numpy(), plot["percent_high"].to_numpy())
    with theme():
        import seaborn as sns

        fig = new_figure(height)
        ax = fig.add_subplot()
        sns.barplot(
            plot,
            x="percent",
            y="label",
            hue="group_label",
            order=labels,
            hue_order=names,
            palette=sns.color_palette(n_colors=ng),
            orient="y",
            dodge=True,
            width=BAND,
            gap=GAP,
            saturation=1,
            errorbar=None,
            edgecolor="black",
            linewidth=0.6,
            ax=ax,
        )
        # one container of bars per group, in hue order (an empty one for a group with every value hidden)
        for container, hatch in zip(ax.containers, HATCHES):
            for patch in container:
                patch.set_hatch(hatch)
        for handle, hatch in zip(ax.get_legend().legend_handles, HATCHES):
            handle.set_hatch(hatch)
        top, zero = 0.0, False
        position = {label: i for i, label in enumerate(labels)}
        for j, name in enumerate(names):
            sub = plot[plot["group_label"] == name]
            # seaborn's dodge: each group gets an equal share of the band, in hue order
            y = sub["label"].map(position).to_numpy(dtype=float) + (j - (ng - 1) / 2) * BAND / ng
            end, zeros = _values(ax, sub, y, 1.0, 2)
            top, zero = max(top, end), zero or zeros
        ax.set(ylabel="", yticks=range(len(labels)), yticklabels=labels, ylim=(len(labels) - 0.5, -0.5))
        percent_axis(ax, top, lang, xlabel or _axis_label(stats, lang))
        # the legend sits between the title and the bars; the title is lifted above it
        ncols = min(ng, 3) if max(len(n) for n in names) <= 20 else 1
        rows = [names[i : i + ncols] for i in range(0, ng, ncols)]
        extra = sum(max(n.count("\n") for n in row) for row in rows)  # lines beyond one per legend row
        sns.move_legend(
            ax,
            "lower left",
            bbox_to_anchor=(0, 1.005),
            ncols=ncols,
            title=None,
            frameon=False,
            handleheight=1.4,
            handlelength=2.4,
            borderaxespad=0.2,
        )
        ax.get_legend().set_in_layout(False)  # the title's pad makes room for it
        finish(
            fig,
            ax,
            title,
            notes(lang, ci_level=level, suppressed=(plot["value"] == "*").any(), synthetic=synthetic, zero=zero),
            height,
            pad=10 + 25 * len(rows) + 13 * extra,
        )
    return fig


# ------------------------------------------------------------
# Heat maps (e.g. how often two themes are recorded together) and forest plots of differences.
# ------------------------------------------------------------


def heatmap(
    stats: pd.DataFrame,
    *,
    lang: str = "en",
    title: str | None = None,
    codebook: Codebook | str | Path | None = None,
    synthetic: bool | None = None,
) -> Figure:
    """A heat map of counts (``sns.heatmap``), e.g. how often two themes are recorded together.

    Parameters
    ----------
    stats : pandas.DataFrame
        A tidy table with ``variable, level, group, count`` (as from
        `cooccurrence`, usually after `cprstats.suppress`): rows are ``level``,
        columns are ``group``, both option codes of ``variable``. A hidden count is a grey
        cell holding ``*``. A table with each pair once is drawn as the full symmetric matrix.
    lang, title, codebook, synthetic
        As for `bar`.

    Returns
    -------
    matplotlib.figure.Figure
        The heat map's axes first, then its colour bar's.

    Raises
    ------
    ParameterError
        If the table is empty or lacks a column.
    """
    check_lang(lang)
    table = check_table(stats, ("variable", "level", "group", "count"), "heatmap")
    cb = resolve(codebook, stats)
    synthetic = bool(stats.attrs.get("synthetic")) if synthetic is None else bool(synthetic)
    var = str(table["variable"].iloc[0])
    title = title if title is not None else default_title(table, lang, cb)
    codes = list(dict.fromkeys([*pd.unique(table["level"]), *pd.unique(table["group"])]))
    pos = {c: i for i, c in enumerate(codes)}
    values = np.full((len(codes), len(codes)), np.nan)
    given = np.zeros(values.shape, dtype=bool)  # a hidden count is a row with NaN: not to be mirrored
    for lev, grp, c in zip(table["level"], table["group"], pd.to_numeric(table["count"], errors="coerce")):
        values[pos[lev], pos[grp]], given[pos[lev], pos[grp]] = c, True
    mirror = ~given & given.T  # a table with each pair once is drawn as the full symmetric matrix
    values[mirror] = values.T[mirror]
    matrix = pd.DataFrame(values, index=codes, columns=codes)  # what seaborn draws: rows level, columns group
    labels = [level_label(var, c, lang=lang, codebook=cb) for c in codes]
    height = 2.2 + 0.42 * len(codes) + 0.075 * max(len(s) for s in labels)
    with theme():
        import matplotlib as mpl
        import seaborn as sns

        fig = new_figure(height)
        ax = fig.add_subplot()
        finite = values[np.isfinite(values)]
        sns.heatmap(
            matrix,
            cmap=mpl.colormaps[mpl.rcParams["image.cmap"]].with_extremes(bad=HIDDEN),  # hidden cells grey
            vmin=0,
            vmax=max(1.0, float(finite.max()) if finite.size else 1.0),
            annot=True,
            fmt=",.0f",
            annot_kws={"fontsize": MIN_FONT_PT},
            xticklabels=labels,  # one line each (wrapped lines would run into each other when turned)
            yticklabels=[wrap(s, 28) for s in labels],
            cbar_kws={"shrink": 0.8, "label": t("heading.count", lang)},
            ax=ax,
        )
        for i, j in zip(*np.nonzero(~np.isfinite(values))):  # seaborn leaves a hidden cell empty
            ax.text(j + 0.5, i + 0.5, "*", ha="center", va="center", fontsize=MIN_FONT_PT)
        _readable(ax, len(codes))
        for tick in ax.get_xticklabels():
            tick.set(rotation=45, ha="right", rotation_mode="anchor")
        ax.tick_params(axis="y", labelrotation=0)
        ax.set(xlabel="", ylabel="")
        ax.grid(False)
        lines = [t("figure.note.counts", lang)] + notes(
            lang, suppressed=not np.isfinite(values).all(), synthetic=synthetic
        )
        finish(fig, ax, title, lines, height)
    return fig


def _readable(ax, ncols: int) -> None:
    """Each cell's text black or white, whichever contrasts more with its cell (WCAG 2 contrast ratio).

    seaborn's own choice turns white on mid-tones where black reads better; the two contrasts
    are equal at a relative luminance of 0.179.
    """
    from seaborn.utils import relative_luminance

    cells = ax.collections[0].get_facecolors()  # row by row, hidden cells in the "bad" grey
    for text in ax.texts:
        x, y = text.get_position()
        light = relative_luminance(cells[int(y) * ncols + int(x)]) > 0.179
        text.set_color("black" if light else "white")


def forest(
    compare_table: pd.DataFrame,
    *,
    lang: str = "en",
    title: str | None = None,
    codebook: Codebook | str | Path | None = None,
    digits: int = 1,
    synthetic: bool | None = None,
    xlabel: str | None = None,
) -> Figure:
    """Risk differences with their intervals (``sns.pointplot``), one row per compared level, a line at no difference.

    Parameters
    ----------
    compare_table : pandas.DataFrame
        From `cprstats.compare`: ``variable, level, risk_difference, rd_ci_low, rd_ci_high``
        (proportions, drawn as percentage points) and ``ci_level`` if present. A row whose
        difference is hidden (NaN) is drawn as ``*``.
    lang, title, codebook, synthetic, xlabel
        As for `bar`; ``digits`` is for the numbers written at the right. The default axis
        label names the two groups when the table has ``group`` and ``group_ref`` columns
        with one value each ("From Covid-19 minus Before Covid-19").

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ParameterError
        If the table is empty or lacks a column.
    """
    check_lang(lang)
    table = check_table(compare_table, ("variable", "level", "risk_difference", "rd_ci_low", "rd_ci_high"), "forest")
    cb = resolve(codebook, compare_table)
    synthetic = bool(compare_table.attrs.get("synthetic")) if synthetic is None else bool(synthetic)
    title = title if title is not None else t("heading.risk_difference", lang)
    labels = _distinct([wrap(s, 34) for s in row_labels(table, lang=lang, codebook=cb)])
    d, lo, hi = numbers(table, "risk_difference"), numbers(table, "rd_ci_low"), numbers(table, "rd_ci_high")
    plot = table.assign(label=labels, difference=d, difference_low=lo, difference_high=hi)
    height = 1.4 + 0.42 * len(table) + 0.17 * sum(s.count("\n") for s in labels)  # room for wrapped labels
    y = np.arange(len(table))
    ok = np.isfinite(d)
    with theme():
        import seaborn as sns
        from matplotlib.transforms import blended_transform_factory

        fig = new_figure(height)
        ax = fig.add_subplot()
        ax.axvline(0, color="#595959", linestyle="--", linewidth=1)
        if ok.any():
            sns.pointplot(
                plot,
                x="difference",
                y="label",
                order=labels,
                orient="y",
                color=sns.color_palette()[0],
                marker="s",
                markersize=7,
                markeredgecolor="black",
                markeredgewidth=1,
                linestyle="none",
                errorbar=None,
                zorder=3,
                ax=ax,
            )
        drawn = _intervals(ax, d, y, lo, hi, 1.2, 3)
        right = blended_transform_factory(ax.transAxes, ax.transData)
        for yi, v, a, b in zip(y, d, lo, hi):
            text = "*"
            if np.isfinite(v):
                mid, low, high = (signed_number(x, lang, digits) for x in (v, a, b))
                text = f"{mid} ({low}, {high})"
            ax.text(1.02, yi, text, transform=right, va="center", ha="left", fontsize=MIN_FONT_PT)
        ci = ok & np.isfinite(lo) & np.isfinite(hi)
        span = np.nanmax(np.abs(np.concatenate([lo[ci], hi[ci], d[ok], [5.0]])))
        ax.set_xlim(-span * 1.1, span * 1.1)
        ax.set(ylabel="", yticks=y, yticklabels=labels, ylim=(len(table) - 0.5, -0.5))
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(wrap(xlabel or _difference_label(table, lang, cb), 60))  # a long one would be cut off
        level = ci_level_of(table, lo, hi) if drawn else None
        finish(fig, ax, title, notes(lang, ci_level=level, suppressed=not ok.all(), synthetic=synthetic), height)
    return fig


def _difference_label(table: pd.DataFrame, lang: str, codebook: Codebook) -> str:

    base = t("figure.axis.difference", lang)
    if {"group", "group_ref"} <= set(table.columns) and table["group"].nunique() == table["group_ref"].nunique() == 1:
        by = table.attrs.get("by")
        a, b = (group_label(table[c].iloc[0], lang=lang, by=by, codebook=codebook) for c in ("group", "group_ref"))
        return f"{base}: {t('figure.axis.minus', lang, group=a, reference=b)}"
    return base
