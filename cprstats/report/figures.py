"""Figures for reports: bar charts, grouped bar charts, heat maps and forest plots.

Every drawing function takes a tidy (usually suppressed) table, returns a
`matplotlib.figure.Figure` made without pyplot on the Agg canvas (so nothing global changes
and no figure is left open), and draws inside `theme`. The look, the palette and
byte-identical saving are in `cprstats.report.style` (re-exported here); heat maps and forest
plots in `cprstats.report.figures`; the words (labels from the codebook, alt text) in
`cprstats.report.labels`.

Accessibility: colour never carries meaning alone. Every bar has its value written beside
it, groups also differ by hatching and are named in a legend, heat-map cells hold their
counts. A suppressed value is drawn as no bar with a ``*``; intervals are error bars. Text is
at least 10 points at the saved size, in DejaVu Sans (which has ŵ, ŷ and â).

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
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cprstats.codebook.i18n import t
from cprstats.codebook.model import check_lang
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
    new_figure,
    notes,
    numbers,
    percent_axis,
    save,
    theme,
    wrap,
)
from cprstats.stats.describe import cooccurrence  # noqa: F401  (re-exported: cprstats.figures.cooccurrence)

__all__ = [
    "bar",
    "grouped_bar",
    "sort_table",
    "heatmap",
    "forest",
    "cooccurrence",
    "alt_text",
    "theme",
    "save",
    "figure_bytes",
    "PALETTE",
    "HATCHES",
    "DPI",
    "WIDTH_IN",
    "MIN_FONT_PT",
    "RC",
    "KINDS",
]

#: Figure kinds, as `cprstats.report.document.Report.figure` names them.
KINDS = ("bar", "grouped_bar", "heatmap", "forest")


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


def _prepare(stats, what, lang, sort, codebook, title, synthetic):
    check_lang(lang)
    if sort not in ("codebook", "estimate"):
        raise ParameterError(f"sort={sort!r} is not allowed; use 'codebook' (the table's order) or 'estimate'")
    table = check_table(stats, ("variable", "level", "estimate"), what)
    synthetic = bool(stats.attrs.get("synthetic")) if synthetic is None else bool(synthetic)
    return table, (title if title is not None else default_title(table, lang, codebook)), synthetic


def bar(stats, *, lang="en", title=None, codebook=None, sort="codebook", digits=0, synthetic=None, xlabel=None):
    """Horizontal bars: the levels of one variable (or the options of a multi-response group).

    Parameters
    ----------
    stats : pandas.DataFrame
        A tidy table (`cprstats.proportions`, usually after `cprstats.suppress`) with
        ``variable, level, estimate`` and, if present, ``count, n, ci_low, ci_high, ci_level``,
        for one group. Several variables give one bar each.
    lang : {"en", "cy"}
    title : str, optional
        Default: the variable's title from the codebook.
    codebook : Codebook, optional
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
    """
    table, title, synthetic = _prepare(stats, "bar", lang, sort, codebook, title, synthetic)
    if "group" in table and table["group"].nunique() > 1:
        raise ParameterError("bar: the table has several groups; draw it with grouped_bar, or select one group")
    table = sort_table(table, sort).reset_index(drop=True)
    labels = [wrap(s, 34) for s in row_labels(table, lang=lang, codebook=codebook)]
    est, lo, hi = numbers(table, "estimate"), numbers(table, "ci_low"), numbers(table, "ci_high")
    counts, ns = numbers(table, "count", 1), numbers(table, "n", 1)
    values = [value_text(c, n, e / 100, lang=lang, digits=digits, short=True) for c, n, e in zip(counts, ns, est)]
    level = ci_level_of(table, lo, hi)
    height = 1.3 + 0.42 * len(table) + 0.12 * sum(s.count("\n") for s in labels)
    with theme():
        fig = new_figure(height)
        ax = fig.add_subplot()
        y = np.arange(len(table))
        shown = np.isfinite(est)
        ax.barh(y[shown], est[shown], height=0.6, color=PALETTE[0], edgecolor="black", linewidth=0.6)
        ci = shown & np.isfinite(lo) & np.isfinite(hi)
        if ci.any():
            ax.errorbar(
                est[ci],
                y[ci],
                xerr=[est[ci] - lo[ci], hi[ci] - est[ci]],
                fmt="none",
                ecolor="black",
                elinewidth=1.1,
                capsize=3,
            )
        ends = np.fmax(np.nan_to_num(est), np.nan_to_num(hi))
        for yi, x, text in zip(y, ends, values):
            ax.text(x + 1.2, yi, text, va="center", ha="left", fontsize=MIN_FONT_PT)
        ax.set_yticks(y, labels)
        ax.set_ylim(len(table) - 0.5, -0.5)
        percent_axis(ax, float(np.nanmax(ends)) if len(ends) else 0.0, lang, xlabel)
        finish(fig, ax, title, notes(lang, ci_level=level, suppressed="*" in values, synthetic=synthetic), height)
    return fig


def grouped_bar(
    stats, *, lang="en", title=None, codebook=None, by=None, sort="codebook", digits=0, synthetic=None, xlabel=None
):
    """Bars side by side for each group (boards, periods...), told apart by colour *and* hatching.

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
    """
    from matplotlib.patches import Patch

    table, title, synthetic = _prepare(stats, "grouped_bar", lang, sort, codebook, title, synthetic)
    check_table(table, ("group",), "grouped_bar")
    by = by if by is not None else stats.attrs.get("by")
    groups = list(pd.unique(table["group"]))
    if len(groups) > len(PALETTE):
        raise ParameterError(
            f"grouped_bar: at most {len(PALETTE)} groups can be told apart; the table has {len(groups)}"
        )
    table = sort_table(table, sort).reset_index(drop=True)
    keys = list(dict.fromkeys(zip(table["variable"].astype(str), table["level"].astype(str))))
    items = pd.DataFrame(keys, columns=["variable", "level"])
    labels = [wrap(s, 30) for s in row_labels(items, lang=lang, codebook=codebook)]
    ng = len(groups)
    h = 0.8 / ng
    height = 1.6 + len(keys) * (0.3 * ng + 0.2) + 0.35 * ng
    index = {k: i for i, k in enumerate(keys)}
    any_star, level, top = False, None, 0.0
    with theme():
        fig = new_figure(height)
        ax = fig.add_subplot()
        handles = []
        for j, g in enumerate(groups):
            sub = table[table["group"] == g]
            y = (
                np.array([index[(str(v), str(lv))] for v, lv in zip(sub["variable"], sub["level"])])
                + (j - (ng - 1) / 2) * h
            )
            est, lo, hi = numbers(sub, "estimate"), numbers(sub, "ci_low"), numbers(sub, "ci_high")
            shown = np.isfinite(est)
            style = dict(facecolor=PALETTE[j], hatch=HATCHES[j], edgecolor="black", linewidth=0.6)
            ax.barh(y[shown], est[shown], height=h * 0.92, **style)
            ci = shown & np.isfinite(lo) & np.isfinite(hi)
            if ci.any():
                ax.errorbar(
                    est[ci],
                    y[ci],
                    xerr=[est[ci] - lo[ci], hi[ci] - est[ci]],
                    fmt="none",
                    ecolor="black",
                    elinewidth=1.0,
                    capsize=2,
                )
                level = level if level is not None else ci_level_of(sub, lo, hi)
            ends = np.fmax(np.nan_to_num(est), np.nan_to_num(hi))
            top = max(top, float(ends.max()) if len(ends) else 0.0)
            for yi, x, c, n, e in zip(y, ends, numbers(sub, "count", 1), numbers(sub, "n", 1), est):
                text = value_text(c, n, e / 100, lang=lang, digits=digits, short=True)
                any_star |= text == "*"
                ax.text(x + 1.2, yi, text, va="center", ha="left", fontsize=MIN_FONT_PT)
            handles.append(Patch(label=group_label(g, lang=lang, by=by, codebook=codebook), **style))
        ax.set_yticks(np.arange(len(keys)), labels)
        ax.set_ylim(len(keys) - 0.5, -0.5)
        percent_axis(ax, top, lang, xlabel)
        # the legend sits between the title and the bars; the title is lifted above it
        ncols = min(ng, 3) if max(len(h.get_label()) for h in handles) <= 20 else 1
        legend = ax.legend(
            handles=handles,
            loc="lower left",
            bbox_to_anchor=(0, 1.005),
            ncols=ncols,
            frameon=False,
            handleheight=1.4,
            handlelength=2.4,
            borderaxespad=0.2,
        )
        legend.set_in_layout(False)  # the title's pad makes room for it
        finish(
            fig,
            ax,
            title,
            notes(lang, ci_level=level, suppressed=any_star, synthetic=synthetic),
            height,
            pad=10 + 25 * -(-ng // ncols),
        )
    return fig


# ------------------------------------------------------------
# Heat maps (e.g. how often two themes are recorded together) and forest plots of differences.
# ------------------------------------------------------------


def heatmap(stats, *, lang="en", title=None, codebook=None, synthetic=None):
    """A heat map of counts, e.g. how often two themes are recorded together.

    Parameters
    ----------
    stats : pandas.DataFrame
        A tidy table with ``variable, level, group, count`` (as from
        `cooccurrence`, usually after `cprstats.suppress`): rows are ``level``,
        columns are ``group``, both option codes of ``variable``. A hidden count is a grey
        cell holding ``*``.
    lang, title, codebook, synthetic
        As for `bar`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    check_lang(lang)
    table = check_table(stats, ("variable", "level", "group", "count"), "heatmap")
    synthetic = bool(stats.attrs.get("synthetic")) if synthetic is None else bool(synthetic)
    var = str(table["variable"].iloc[0])
    title = title if title is not None else default_title(table, lang, codebook)
    codes = list(dict.fromkeys([*pd.unique(table["level"]), *pd.unique(table["group"])]))
    pos = {c: i for i, c in enumerate(codes)}
    values = np.full((len(codes), len(codes)), np.nan)
    given = np.zeros(values.shape, dtype=bool)
    for lev, grp, c in zip(table["level"], table["group"], pd.to_numeric(table["count"], errors="coerce")):
        values[pos[lev], pos[grp]], given[pos[lev], pos[grp]] = c, True
    mirror = ~given & given.T  # a table with each pair once is drawn as the full symmetric matrix
    values[mirror] = values.T[mirror]
    labels = [level_label(var, c, lang=lang, codebook=codebook) for c in codes]
    ylabels = [wrap(s, 28) for s in labels]
    height = 2.2 + 0.42 * len(codes) + 0.075 * max(len(s) for s in labels)
    with theme():
        import matplotlib as mpl

        fig = new_figure(height)
        ax = fig.add_subplot()
        cmap = mpl.colormaps["cividis"].with_extremes(bad="#d9d9d9")
        finite = values[np.isfinite(values)]
        norm = mpl.colors.Normalize(0, max(1.0, float(finite.max()) if finite.size else 1.0))
        img = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, norm=norm, aspect="auto")
        for (i, j), v in np.ndenumerate(values):
            r, g, b, _ = cmap(norm(v)) if np.isfinite(v) else (0.85, 0.85, 0.85, 1)
            dark = 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.45
            ax.text(
                j,
                i,
                "*" if not np.isfinite(v) else f"{int(v):,}",
                ha="center",
                va="center",
                fontsize=MIN_FONT_PT,
                color="white" if dark else "black",
            )
        ax.set_xticks(np.arange(len(codes)), labels, rotation=45, ha="right", rotation_mode="anchor")
        ax.set_yticks(np.arange(len(codes)), ylabels)
        ax.grid(False)
        fig.colorbar(img, ax=ax, shrink=0.8).set_label(t("heading.count", lang))
        lines = [t("figure.note.counts", lang)] + notes(
            lang, suppressed=not np.isfinite(values).all(), synthetic=synthetic
        )
        finish(fig, ax, title, lines, height)
    return fig


def forest(compare_table, *, lang="en", title=None, codebook=None, digits=1, synthetic=None, xlabel=None):
    """Risk differences with their intervals, one row per compared level, a line at no difference.

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
    """
    check_lang(lang)
    table = check_table(compare_table, ("variable", "level", "risk_difference", "rd_ci_low", "rd_ci_high"), "forest")
    synthetic = bool(compare_table.attrs.get("synthetic")) if synthetic is None else bool(synthetic)
    title = title if title is not None else t("heading.risk_difference", lang)
    labels = [wrap(s, 34) for s in row_labels(table, lang=lang, codebook=codebook)]
    d, lo, hi = numbers(table, "risk_difference"), numbers(table, "rd_ci_low"), numbers(table, "rd_ci_high")
    height = 1.4 + 0.42 * len(table)
    with theme():
        from matplotlib.transforms import blended_transform_factory

        fig = new_figure(height)
        ax = fig.add_subplot()
        y = np.arange(len(table))
        ax.axvline(0, color="#595959", linestyle="--", linewidth=1)
        ok = np.isfinite(d)
        ci = ok & np.isfinite(lo) & np.isfinite(hi)
        ax.errorbar(
            d[ci], y[ci], xerr=[d[ci] - lo[ci], hi[ci] - d[ci]], fmt="none", ecolor="black", elinewidth=1.2, capsize=3
        )
        ax.plot(d[ok], y[ok], "s", color=PALETTE[0], markeredgecolor="black", markersize=7)
        right = blended_transform_factory(ax.transAxes, ax.transData)
        for yi, v, a, b in zip(y, d, lo, hi):
            text = (
                "*"
                if not np.isfinite(v)
                else f"{signed_number(v, lang, digits)} ({signed_number(a, lang, digits)}, {signed_number(b, lang, digits)})"
            )
            ax.text(1.02, yi, text, transform=right, va="center", ha="left", fontsize=MIN_FONT_PT)
        span = np.nanmax(np.abs(np.concatenate([lo[ci], hi[ci], d[ok], [5.0]])))
        ax.set_xlim(-span * 1.1, span * 1.1)
        ax.set_yticks(y, labels)
        ax.set_ylim(len(table) - 0.5, -0.5)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(xlabel or _difference_label(table, lang, codebook))
        level = ci_level_of(table, lo, hi)
        finish(fig, ax, title, notes(lang, ci_level=level, suppressed=not ok.all(), synthetic=synthetic), height)
    return fig


def _difference_label(table: pd.DataFrame, lang: str, codebook) -> str:

    base = t("figure.axis.difference", lang)
    if {"group", "group_ref"} <= set(table.columns) and table["group"].nunique() == table["group_ref"].nunique() == 1:
        by = table.attrs.get("by")
        a, b = (group_label(table[c].iloc[0], lang=lang, by=by, codebook=codebook) for c in ("group", "group_ref"))
        return f"{base}: {t('figure.axis.minus', lang, group=a, reference=b)}"
    return base
