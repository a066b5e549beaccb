"""Heat maps (e.g. how often two themes are recorded together) and forest plots of differences.

See `cprstats.figures` for the conventions every figure follows.

Examples
--------
A tiny synthetic dataset (no real child): three reviews, two themes recorded.

>>> import pandas as pd
>>> df = pd.DataFrame({f"th_{c}": pd.array(v, dtype="boolean") for c, v in {
...     "advocacy_individual": [True, False, None], "advocacy_structural": [False, False, None],
...     "communication": [True, True, None], "escalation": [False, True, None], "recording": [False, False, None],
...     "voice_of_child": [True, False, None], "hierarchy_of_knowledge": [False, False, None],
...     "information_sharing": [False, False, None], "partial_assessment": [False, False, None]}.items()})
>>> co = cooccurrence(df, "themes")
>>> co.query("level == 'communication' and group == 'escalation'")[["count", "n"]].to_dict("records")
[{'count': 1, 'n': 2}]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._report_text import t
from .codebook import check_lang
from .errors import ParameterError
from .figstyle import (MIN_FONT_PT, PALETTE, check_table, ci_level_of, default_title, finish, new_figure, notes,
                       numbers, theme, wrap)
from .figtext import signed_number, level_label, row_labels

__all__ = ["heatmap", "forest", "cooccurrence"]


def cooccurrence(data: pd.DataFrame, variable: str, *, codebook=None, ci_level: float = 0.95) -> pd.DataFrame:
    """How many children's reviews record each pair of options of a multi-response variable.

    Parameters
    ----------
    data : pandas.DataFrame
        A coded dataset with the variable's option columns (``th_*`` for ``"themes"``).
    variable : str
        A multi-response variable of the codebook.
    codebook : Codebook, optional
    ci_level : float, default 0.95
        Level of the Wilson interval of each share.

    Returns
    -------
    pandas.DataFrame
        The tidy count-table columns ``variable, level, group, count, n, estimate, ci_low,
        ci_high, ci_level, method``, one row per pair of options in codebook order, each pair
        once (``level`` before or equal to ``group``; `heatmap` mirrors it): ``level == group``
        rows hold each option's own count, ``n`` is the reviews where the variable was recorded. Ready for `cprstats.suppress`
        (each pair stands alone: options are not additive) and `heatmap`.
    """
    from .codebook import load_codebook
    from .intervals import check_ci_level, proportion_ci

    cb = codebook if codebook is not None else load_codebook()
    level = check_ci_level(ci_level)
    fld = cb.field(variable)
    if fld.kind != "multi":
        names = ", ".join(f.name for f in cb.multi_fields)
        raise ParameterError(f"cooccurrence: {variable!r} is not a multi-response variable; use one of {names}")
    cols = list(fld.option_columns)
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise ParameterError(f"cooccurrence: data lacks the option column(s) {', '.join(missing)} of {variable!r}")
    block = data[cols]
    recorded = block.notna().any(axis=1).to_numpy()
    x = block[recorded].fillna(False).astype(bool).to_numpy(dtype=np.int64)
    counts = x.T @ x
    k, n = len(cols), int(recorded.sum())
    i, j = np.triu_indices(k)  # each pair once: a symmetric table could leak through its mirror cell
    count = counts[i, j]
    m = len(count)
    with np.errstate(invalid="ignore", divide="ignore"):
        est = np.where(n > 0, count / max(n, 1), np.nan)
    low, high = proportion_ci(count, np.full(m, n), method="wilson", ci_level=level)
    codes = np.asarray(fld.codes, dtype=object)
    return pd.DataFrame({
        "variable": pd.Series([variable] * m, dtype="string"),
        "level": pd.Series(codes[i], dtype="string"),
        "group": pd.Series(codes[j], dtype="string"),
        "count": count, "n": np.full(m, n), "estimate": est, "ci_low": low, "ci_high": high,
        "ci_level": level, "method": pd.Series(["wilson"] * m, dtype="string"),
    })


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
            ax.text(j, i, "*" if not np.isfinite(v) else f"{int(v):,}", ha="center", va="center",
                    fontsize=MIN_FONT_PT, color="white" if dark else "black")
        ax.set_xticks(np.arange(len(codes)), labels, rotation=45, ha="right", rotation_mode="anchor")
        ax.set_yticks(np.arange(len(codes)), ylabels)
        ax.grid(False)
        fig.colorbar(img, ax=ax, shrink=0.8).set_label(t("heading.count", lang))
        lines = [t("figure.note.counts", lang)] + notes(lang, suppressed=not np.isfinite(values).all(), synthetic=synthetic)
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
        ax.errorbar(d[ci], y[ci], xerr=[d[ci] - lo[ci], hi[ci] - d[ci]], fmt="none", ecolor="black", elinewidth=1.2, capsize=3)
        ax.plot(d[ok], y[ok], "s", color=PALETTE[0], markeredgecolor="black", markersize=7)
        right = blended_transform_factory(ax.transAxes, ax.transData)
        for yi, v, a, b in zip(y, d, lo, hi):
            text = "*" if not np.isfinite(v) else \
                f"{signed_number(v, lang, digits)} ({signed_number(a, lang, digits)}, {signed_number(b, lang, digits)})"
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
    from .figtext import group_label

    base = t("figure.axis.difference", lang)
    if {"group", "group_ref"} <= set(table.columns) and table["group"].nunique() == table["group_ref"].nunique() == 1:
        by = table.attrs.get("by")
        a, b = (group_label(table[c].iloc[0], lang=lang, by=by, codebook=codebook) for c in ("group", "group_ref"))
        return f"{base}: {t('figure.axis.minus', lang, group=a, reference=b)}"
    return base
