"""The look shared by every cprstats figure, set with seaborn, and byte-identical saving.

Why seaborn: it is the plotting library the project's users (researchers in notebooks) already
know. The figures are drawn with its categorical and matrix functions (``sns.barplot``,
``sns.heatmap``, ``sns.pointplot``) on the tidy tables, and the look is one ``sns.set_theme``
call made inside `theme`, so a figure can be restyled, or a new one drawn in the same look,
with seaborn alone:

.. code-block:: python

    import seaborn as sns
    from cprstats.report import figures

    with figures.theme(palette="colorblind", rc={"axes.titlesize": 14}):
        fig = figures.bar(table)                       # the project's figure, restyled
    with figures.theme():                              # a new figure in the project's look
        ax = sns.barplot(table, x="estimate", y="level", ax=figures.new_figure(3).add_subplot())

Decisions (see also `cprstats.report.figures`):

* **Theme**: seaborn's ``"whitegrid"`` style and ``"notebook"`` context, then `RC` on top.
* **Colours**: the Okabe-Ito palette (Okabe M, Ito K (2008), *Color Universal Design*,
  https://jfly.uni-koeln.de/color/; Wong B (2011), Nat Methods 8:441, doi:10.1038/nmeth.1618),
  black left out because bars carry black hatching; heat maps use *cividis* (Nuñez JR et al.
  (2018), PLoS ONE 13:e0199239, doi:10.1371/journal.pone.0199239). Groups take the theme's
  palette in order, each with its own hatching (`HATCHES`), so colour never tells them apart alone.
* **Text**: DejaVu Sans, set explicitly (it has ŵ, ŷ, â and the other Welsh letters), at least
  `MIN_FONT_PT` points at the saved size: figures are `WIDTH_IN` inches wide, saved at `DPI`
  and never rescaled.
* **Scope**: settings apply only inside `theme` (a ``with`` block), never on import; seaborn
  and matplotlib are imported only when a figure is drawn (``import cprstats`` stays quick).
* **Reproducible files**: `figure_bytes` writes PNG without the "Software" tag and SVG
  without date or creator and with a fixed ``svg.hashsalt``, so the same figure gives the
  same bytes; `save` writes them atomically through `cprstats.io`.

Examples
--------
>>> fig = new_figure(2.0)
>>> figure_bytes(fig, "png") == figure_bytes(fig, "png")
True
"""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cprstats.codebook.model import Codebook, resolve
from cprstats.errors import ParameterError
from cprstats.io import write_bytes
from cprstats.report.wording import label, t

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "theme",
    "mark",
    "new_figure",
    "finish",
    "notes",
    "save",
    "figure_bytes",
    "check_table",
    "numbers",
    "wrap",
    "ci_level_of",
    "percent_axis",
    "default_title",
    "PALETTE",
    "HATCHES",
    "DPI",
    "WIDTH_IN",
    "MIN_FONT_PT",
    "RC",
    "STYLE",
    "CONTEXT",
]

#: Okabe-Ito colours without black, in the order groups get them (the theme's seaborn palette).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
#: Hatching of the bars of each group, in order: groups differ by pattern as well as colour.
HATCHES = ("", "//", "..", "xx", "\\\\", "--", "oo")
DPI = 150
WIDTH_IN = 7.0
MIN_FONT_PT = 10
#: The seaborn style and plotting context the theme starts from.
STYLE = "whitegrid"
CONTEXT = "notebook"
_STYLES = ("white", "dark", "whitegrid", "darkgrid", "ticks")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
#: Settings applied (inside `theme` only) on top of seaborn's `STYLE` and `CONTEXT`: fonts of at
#: least `MIN_FONT_PT` points, DejaVu Sans, darker text, the heat maps' colour map, fixed
#: resolution and SVG salt.
RC = {
    "font.family": ["DejaVu Sans"],
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "legend.title_fontsize": 10,
    "figure.titlesize": 12,
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "svg.hashsalt": "cprstats",
    "svg.fonttype": "path",
    "axes.unicode_minus": True,
    "hatch.linewidth": 0.8,
    "axes.titlelocation": "left",
    "axes.titleweight": "bold",
    "image.cmap": "cividis",
    "text.color": "#1a1a1a",
    "axes.labelcolor": "#1a1a1a",
    "xtick.color": "#1a1a1a",
    "ytick.color": "#1a1a1a",
}
#: The restyling asked for by the `theme` blocks the caller is inside (innermost last).
_RESTYLE: ContextVar[dict[str, Any] | None] = ContextVar("cprstats_theme", default=None)


@contextmanager
def theme(*, style: str | None = None, palette: Any = None, rc: Mapping[str, Any] | None = None) -> Iterator[None]:
    """Apply the cprstats look with ``seaborn.set_theme`` inside a ``with`` block only.

    The look is seaborn's `STYLE` and `CONTEXT`, the Okabe-Ito `PALETTE`, DejaVu Sans and `RC`.
    Every drawing function of `cprstats.report.figures` draws inside ``theme()``; a researcher's
    own ``with theme(...)`` around it restyles it (blocks nest: the innermost choice wins), and
    every matplotlib setting comes back as it was when the block ends.

    Parameters
    ----------
    style : {"whitegrid", "white", "ticks", "darkgrid", "dark"}, optional
        seaborn's axes style (default `STYLE`).
    palette : optional
        Any seaborn palette (a name such as ``"colorblind"`` or a list of colours) for the
        groups, in order (default `PALETTE`).
    rc : dict, optional
        matplotlib settings on top of `RC` (e.g. ``{"axes.titlesize": 14}``, ``{"image.cmap": "viridis"}``).

    Raises
    ------
    ParameterError
        If the style, palette or a setting is not one seaborn and matplotlib know.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> before = mpl.rcParams["font.size"]
    >>> with theme():
    ...     mpl.rcParams["font.family"], mpl.rcParams["svg.hashsalt"]
    (['DejaVu Sans'], 'cprstats')
    >>> with theme(rc={"axes.titlesize": 14}):
    ...     with theme():  # as a drawing function does: the outer restyling holds
    ...         mpl.rcParams["axes.titlesize"]
    14.0
    >>> mpl.rcParams["font.size"] == before
    True
    """
    import matplotlib as mpl
    import seaborn as sns

    if style is not None and style not in _STYLES:
        raise ParameterError(f"style={style!r} is not allowed; use one of seaborn's styles: {', '.join(_STYLES)}")
    if rc is not None and not isinstance(rc, Mapping):
        raise ParameterError(f"rc must be a dict of matplotlib settings, got {type(rc).__name__}")
    outer = _RESTYLE.get() or {}
    mine = {
        "style": style if style is not None else outer.get("style", STYLE),
        "palette": palette if palette is not None else outer.get("palette", list(PALETTE)),
        "rc": {**outer.get("rc", {}), **(rc or {})},
    }
    token = _RESTYLE.set(mine)
    try:
        with mpl.rc_context():
            try:
                sns.set_theme(
                    context=CONTEXT,
                    style=mine["style"],
                    palette=mine["palette"],
                    font=RC["font.family"][0],
                    rc={**RC, **mine["rc"]},
                    color_codes=False,  # True would change matplotlib's "b", "g"... for the whole session
                )
            except (KeyError, ValueError, TypeError) as exc:
                raise ParameterError(f"theme: {exc}") from exc
            yield
    finally:
        _RESTYLE.reset(token)


def new_figure(height: float) -> Figure:
    """An empty figure `WIDTH_IN` wide and ``height`` inches tall on the Agg canvas (no pyplot, nothing global)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_IN, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def check_table(stats: Any, need: tuple[str, ...], what: str) -> pd.DataFrame:
    """``stats`` with a fresh index, if it is a non-empty DataFrame with the columns ``need``; else `ParameterError`."""
    if not isinstance(stats, pd.DataFrame):
        raise ParameterError(f"{what}: stats must be a pandas DataFrame, got {type(stats).__name__}")
    missing = [c for c in need if c not in stats.columns]
    if missing:
        raise ParameterError(f"{what}: the table lacks the column(s) {', '.join(missing)}; it needs {', '.join(need)}")
    if stats.empty:
        raise ParameterError(f"{what}: the table has no rows to draw")
    return stats.reset_index(drop=True)


def numbers(table: pd.DataFrame, col: str, scale: float = 100.0) -> np.ndarray:
    """Column ``col`` as floats times ``scale`` (percentages by default); NaN where missing or absent."""
    if col not in table:
        return np.full(len(table), np.nan)
    return pd.to_numeric(table[col], errors="coerce").astype("float64").to_numpy() * scale


def wrap(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` characters.

    >>> wrap("Potentially life-threatening injury", 20)
    'Potentially life-\\nthreatening injury'
    """
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def finish(fig: Figure, ax: Axes, title: str, notes: list[str], height: float, pad: float = 6.0) -> None:
    """Put the title on ``ax`` and the notes under the figure, keeping room for them in the layout."""
    ax.set_title(wrap(title, 70), pad=pad)
    lines = [n for n in notes if n]
    if lines:
        text = "\n".join(wrap(n, 95) for n in lines)
        frac = min(0.4, (0.19 * (text.count("\n") + 1) + 0.08) / height)
        fig.get_layout_engine().set(rect=(0, frac, 1, 1 - frac))
        fig.text(0.01, 0.012, text, ha="left", va="bottom", fontsize=MIN_FONT_PT)


def notes(
    lang: str,
    *,
    ci_level: float | None = None,
    suppressed: bool = False,
    synthetic: bool = False,
    zero: bool = False,
) -> list[str]:
    """The notes printed under a figure: what the lines show, the zero marker, the ``*`` marker, synthetic data."""
    out = []
    if ci_level is not None:
        out.append(t("figure.note.ci", lang, level=f"{100 * float(ci_level):g}"))
    if zero:
        out.append(t("figure.note.zero", lang))
    if suppressed:
        out.append(t("figure.note.suppressed", lang))
    if synthetic:
        out.append(t("footnote.synthetic", lang))
    return out


def ci_level_of(table: pd.DataFrame, lo: np.ndarray, hi: np.ndarray) -> float | None:
    """The confidence level of the intervals drawn, or None when none is drawn."""
    drawn = np.isfinite(lo) & np.isfinite(hi)
    if not drawn.any():
        return None
    levels = pd.to_numeric(table["ci_level"], errors="coerce").dropna().unique() if "ci_level" in table else []
    return levels[0] if len(levels) == 1 else 0.95


def percent_axis(ax: Axes, top: float, lang: str, label: str | None) -> None:
    """A 0-100% value axis with room at the right for the value labels."""
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    upper = max(10.0, min(100.0, top))
    ax.set_xlim(0, upper * 1.38)
    ticks = [v for v in MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]).tick_values(0, upper) if 0 <= v <= 100]
    ax.set_xticks(ticks)
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=100, decimals=0))
    ax.set_xlabel(label or t("figure.axis.percent", lang))
    ax.grid(axis="y", visible=False)


def default_title(table: pd.DataFrame, lang: str, codebook: Codebook | str | Path | None) -> str:
    """The titles of the table's variables from the codebook, joined by ``; ``."""

    cb = resolve(codebook, table)
    names = [str(v) for v in pd.unique(table["variable"])]
    return "; ".join(label(cb, v, lang=lang) if cb.knows(v) else v for v in names)


def figure_bytes(fig: Figure, fmt: str = "png") -> bytes:
    """The figure as PNG or SVG bytes, the same bytes every time (no timestamps, fixed salt)."""
    if fmt not in ("png", "svg"):
        raise ParameterError(f"fmt={fmt!r} is not allowed; use 'png' or 'svg'")
    buf = io.BytesIO()
    with theme():
        if fmt == "png":
            fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
        else:
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return buf.getvalue()


def save(fig: Figure, folder: str | Path, name: str, *, png: bytes | None = None) -> list[Path]:
    """Save ``fig`` as ``<folder>/<name>.png`` and ``.svg``, atomically; return both paths.

    ``name`` is a file stem: letters, digits, ``_``, ``-`` and ``.``, no folders. ``png``: the
    figure's PNG from `figure_bytes`, when the caller has it already (rendering it is the
    slowest step of a figure).
    """

    if not isinstance(name, str) or not _NAME.match(name):
        raise ParameterError(f"name={name!r} is not allowed; use letters, digits, '_', '-' and '.' only (no folders)")
    folder = Path(folder)
    return [
        write_bytes(png if fmt == "png" and png is not None else figure_bytes(fig, fmt), folder / f"{name}.{fmt}")
        for fmt in ("png", "svg")
    ]


def mark(fig: Figure, marking: str) -> Figure:
    """Write a protective ``marking`` inside the plot area of every axes of ``fig`` (axes coordinates).

    A restricted report's figures (`cprstats.Report` with ``restricted=True``) carry
    "OFFICIAL-SENSITIVE: not for circulation" on the plot itself, so a figure copied out of the
    report keeps it.

    >>> fig = new_figure(2.0)
    >>> ax = fig.add_subplot()
    >>> mark(fig, "OFFICIAL-SENSITIVE").axes[0].texts[-1].get_text()
    'OFFICIAL-SENSITIVE'
    """
    if not isinstance(marking, str) or not marking.strip():
        raise ParameterError(f"marking={marking!r} is not allowed; give the marking's text")
    for ax in fig.axes:
        ax.text(  # bottom right: bars and their labels start at the left
            0.99,
            0.02,
            marking,
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=MIN_FONT_PT,
            fontweight="bold",
            color="#a00000",
            zorder=10,
            bbox={"facecolor": "white", "edgecolor": "#a00000", "alpha": 0.85, "boxstyle": "round,pad=0.2"},
        )
    return fig
