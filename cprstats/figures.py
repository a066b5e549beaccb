"""Figures for reports: bar charts, grouped bar charts, heat maps and forest plots.

Every drawing function takes a tidy (usually suppressed) table, returns a
`matplotlib.figure.Figure` made without pyplot on the Agg canvas (so nothing global changes
and no figure is left open), and draws inside `theme`. The look, the palette and
byte-identical saving are in `cprstats.figstyle` (re-exported here); heat maps and forest
plots in `cprstats.figmatrix`; the words (labels from the codebook, alt text) in
`cprstats.figtext`.

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

from .codebook import check_lang
from .errors import ParameterError
from .figmatrix import cooccurrence, forest, heatmap
from .figstyle import (DPI, HATCHES, MIN_FONT_PT, PALETTE, RC, WIDTH_IN, check_table, ci_level_of, default_title,
                       figure_bytes, finish, new_figure, notes, numbers, percent_axis, save, theme, wrap)
from .figtext import alt_text, group_label, row_labels, value_text

__all__ = ["bar", "grouped_bar", "sort_table", "heatmap", "forest", "cooccurrence", "alt_text", "theme", "save", "figure_bytes",
           "PALETTE", "HATCHES", "DPI", "WIDTH_IN", "MIN_FONT_PT", "RC", "KINDS"]

#: Figure kinds, as `cprstats.report.Report.figure` names them.
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
            ax.errorbar(est[ci], y[ci], xerr=[est[ci] - lo[ci], hi[ci] - est[ci]], fmt="none", ecolor="black",
                        elinewidth=1.1, capsize=3)
        ends = np.fmax(np.nan_to_num(est), np.nan_to_num(hi))
        for yi, x, text in zip(y, ends, values):
            ax.text(x + 1.2, yi, text, va="center", ha="left", fontsize=MIN_FONT_PT)
        ax.set_yticks(y, labels)
        ax.set_ylim(len(table) - 0.5, -0.5)
        percent_axis(ax, float(np.nanmax(ends)) if len(ends) else 0.0, lang, xlabel)
        finish(fig, ax, title, notes(lang, ci_level=level, suppressed="*" in values, synthetic=synthetic), height)
    return fig


def grouped_bar(stats, *, lang="en", title=None, codebook=None, by=None, sort="codebook", digits=0,
                synthetic=None, xlabel=None):
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
        raise ParameterError(f"grouped_bar: at most {len(PALETTE)} groups can be told apart; the table has {len(groups)}")
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
            y = np.array([index[(str(v), str(lv))] for v, lv in zip(sub["variable"], sub["level"])]) + (j - (ng - 1) / 2) * h
            est, lo, hi = numbers(sub, "estimate"), numbers(sub, "ci_low"), numbers(sub, "ci_high")
            shown = np.isfinite(est)
            style = dict(facecolor=PALETTE[j], hatch=HATCHES[j], edgecolor="black", linewidth=0.6)
            ax.barh(y[shown], est[shown], height=h * 0.92, **style)
            ci = shown & np.isfinite(lo) & np.isfinite(hi)
            if ci.any():
                ax.errorbar(est[ci], y[ci], xerr=[est[ci] - lo[ci], hi[ci] - est[ci]], fmt="none", ecolor="black",
                            elinewidth=1.0, capsize=2)
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
        legend = ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.005), ncols=ncols, frameon=False,
                           handleheight=1.4, handlelength=2.4, borderaxespad=0.2)
        legend.set_in_layout(False)  # the title's pad makes room for it
        finish(fig, ax, title, notes(lang, ci_level=level, suppressed=any_star, synthetic=synthetic), height,
                pad=10 + 25 * -(-ng // ncols))
    return fig
