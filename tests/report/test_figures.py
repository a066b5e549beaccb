"""Tests for cprstats.report.figures (with cprstats.report.style and cprstats.report.figures).

Every table here is hand-made with synthetic numbers (no real child). Expected values are
worked out by hand in the test from those numbers (e.g. 22 / 33 = 66.7% -> "67%").
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cprstats.report.figures as figures
from cprstats.errors import ParameterError
from cprstats.report.style import MIN_FONT_PT, theme


def _outcome(hidden: bool = False) -> pd.DataFrame:
    """Synthetic: 33 children, 22 died, 9 life-threatening injury, 2 other (hidden when asked)."""
    tab = pd.DataFrame(
        {
            "variable": "outcome",
            "level": ["death", "life_threatening_injury", "other"],
            "group": "all",
            "count": [22.0, 9.0, 2.0],
            "n": 33,
            "estimate": [22 / 33, 9 / 33, 2 / 33],
            "ci_low": [0.50, 0.15, 0.02],
            "ci_high": [0.80, 0.44, 0.20],
            "ci_level": 0.95,
        }
    )
    if hidden:
        tab.loc[2, ["count", "estimate", "ci_low", "ci_high"]] = np.nan
        tab["suppressed"] = [False, False, True]
    return tab


def _by_period() -> pd.DataFrame:
    """Synthetic: toxic trio before (6/20) and from (4/13, hidden) Covid-19, and overall (10/33)."""
    return pd.DataFrame(
        {
            "variable": "toxic_trio",
            "level": "true",
            "group": ["pre_covid", "post_covid", "all"],
            "count": [6.0, np.nan, 10.0],
            "n": [20, 13, 33],
            "estimate": [0.3, np.nan, 10 / 33],
            "ci_low": [0.14, np.nan, 0.17],
            "ci_high": [0.52, np.nan, 0.48],
            "ci_level": 0.95,
        }
    )


def _texts(fig) -> list[str]:
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


@pytest.fixture(scope="module")
def drawn():
    """One figure of each kind (drawn once for the module: drawing costs time)."""
    theme_tab = pd.DataFrame(
        {
            "variable": "themes",
            "level": ["communication", "communication", "escalation"],
            "group": ["communication", "escalation", "escalation"],
            "count": [10.0, np.nan, 7.0],
        }
    )
    comp = pd.DataFrame(
        {
            "variable": "outcome",
            "level": ["death", "other"],
            "group": "post_covid",
            "group_ref": "pre_covid",
            "risk_difference": [0.10, np.nan],
            "rd_ci_low": [-0.15, np.nan],
            "rd_ci_high": [0.33, np.nan],
            "ci_level": 0.95,
        }
    )
    return {
        "bar": figures.bar(_outcome(hidden=True), title="Outcome ŵ ŷ â"),
        "grouped_bar": figures.grouped_bar(_by_period(), lang="cy"),
        "heatmap": figures.heatmap(theme_tab),
        "forest": figures.forest(comp),
    }


def test_same_figure_gives_the_same_bytes(tmp_path):
    # The reproducibility promise: regenerating a figure gives byte-identical PNG and SVG files.
    paths = []
    for run in ("a", "b"):
        fig = figures.bar(_outcome(), title="Outcome (synthetic)")
        paths.append(figures.save(fig, tmp_path / run, "outcome"))
    for first, second in zip(*paths):
        assert first.read_bytes() == second.read_bytes(), first.name
    png, svg = (p.read_bytes() for p in paths[0])
    assert png.startswith(b"\x89PNG") and b"Software" not in png
    assert b"<dc:date>" not in svg and b"Matplotlib v" not in svg


@pytest.mark.parametrize("kind", ["bar", "grouped_bar", "heatmap", "forest"])
def test_every_text_is_at_least_10_points(drawn, kind):
    from matplotlib.text import Text

    fig = drawn[kind]
    assert fig.dpi == figures.DPI and tuple(fig.get_size_inches())[0] == figures.WIDTH_IN  # never rescaled
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    assert sizes and min(sizes) >= MIN_FONT_PT == 10


def test_text_font_is_dejavu_sans_which_has_welsh_letters(drawn):
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font
    from matplotlib.text import Text

    (title,) = [t for t in drawn["bar"].findobj(Text) if t.get_text() == "Outcome ŵ ŷ â"]
    path = font_manager.findfont(title.get_fontproperties(), fallback_to_default=False)
    assert path.endswith("DejaVuSans-Bold.ttf")
    charmap = FT2Font(path).get_charmap()
    assert all(ord(c) in charmap for c in "ŵŷâŴŶÂ")


def test_theme_changes_nothing_outside_the_with_block():
    import matplotlib as mpl

    before, green = dict(mpl.rcParams), mpl.colors.to_rgb("g")
    figures.bar(_outcome())
    with theme():
        assert mpl.rcParams["svg.hashsalt"] == "cprstats"
    assert dict(mpl.rcParams) == before
    assert mpl.colors.to_rgb("g") == green  # seaborn's color_codes would change "g" for the whole session


def test_a_researcher_restyles_a_figure_with_seaborn_choices():
    import matplotlib as mpl
    from matplotlib.text import Text

    before = dict(mpl.rcParams)
    with theme(palette=["#000000", "#ffffff"], rc={"axes.titlesize": 14}):
        fig = figures.bar(_outcome(), title="Restyled")
    (title,) = [t for t in fig.findobj(Text) if t.get_text() == "Restyled"]
    assert title.get_fontsize() == 14  # the outer block's choice holds inside the function's own theme()
    assert mpl.colors.to_hex(fig.axes[0].patches[0].get_facecolor()) == "#000000"  # the palette's first colour
    assert dict(mpl.rcParams) == before
    with pytest.raises(ParameterError, match="style='fancy' is not allowed"):
        with theme(style="fancy"):
            pass
    with pytest.raises(ParameterError, match="not a valid palette"):
        with theme(palette="no-such-palette"):
            pass


def test_grouped_bars_are_seaborn_bars_with_the_intervals_and_labels_on_them(drawn):
    from matplotlib.colors import to_hex
    from matplotlib.container import BarContainer, ErrorbarContainer

    ax = drawn["grouped_bar"].axes[0]
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    # one container per group, in order; "post_covid" is hidden, so it has no bar
    assert [len(c) for c in bars] == [1, 0, 1]
    assert [to_hex(c[0].get_facecolor()) for c in (bars[0], bars[2])] == [
        figures.PALETTE[0].lower(),
        figures.PALETTE[2].lower(),
    ]
    assert [c[0].get_hatch() or "" for c in (bars[0], bars[2])] == [figures.HATCHES[0], figures.HATCHES[2]]
    centres = [p.get_y() + p.get_height() / 2 for c in bars for p in c]
    # the 30% bars are 6/20 (interval 14-52) and 10/33 (17-48), as in the table
    intervals = [c.lines[2][0].get_segments()[0] for c in ax.containers if isinstance(c, ErrorbarContainer)]
    assert [x for seg in intervals for x in (seg[0][0], seg[1][0])] == pytest.approx([14, 52, 17, 48])
    assert [seg[0][1] for seg in intervals] == pytest.approx(centres)
    labels = [t for t in ax.texts if t.get_text() != "*"]
    assert [t.get_position()[1] for t in labels] == pytest.approx(centres)
    assert ax.get_ylabel() == ""  # seaborn's axis name (a column of the tidy table) is not shown


def test_labels_come_from_the_codebook_the_table_names(extra_option_codebook):
    # Synthetic: 6 of 33 children with a theme only the researcher's own codebook has
    tab = pd.DataFrame(
        {
            "variable": "themes",
            "level": ["trauma_informed"],
            "group": "all",
            "count": [6.0],
            "n": 33,
            "estimate": [6 / 33],
        }
    )
    assert [t.get_text() for t in figures.bar(tab).axes[0].get_yticklabels()] == ["trauma_informed"]
    tab.attrs["codebook"] = str(extra_option_codebook)
    fig = figures.bar(tab, lang="cy")
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["Ymarfer wedi'i lywio gan drawma"]


def test_suppressed_value_is_no_bar_and_a_star(drawn):
    from matplotlib.patches import Rectangle

    ax = drawn["bar"].axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(bars) == 2  # three levels, the hidden one has no bar
    # value labels worked by hand: 22/33 = 66.7% -> 67%; 9/33 = 27.3% -> 27%
    assert [t.get_text() for t in ax.texts] == ["67% (22/33)", "27% (9/33)", "*"]
    assert any("* not shown" in s for s in _texts(drawn["bar"]))


def test_bars_are_sorted_by_estimate_on_request():
    tab = _outcome().iloc[::-1].reset_index(drop=True)  # table order: other, injury, death
    fig = figures.bar(tab, sort="estimate")
    labels = [t.get_text().replace("\n", " ") for t in fig.axes[0].get_yticklabels()]
    assert labels == ["Death", "Potentially life-threatening injury", "Other"]
    assert [t.get_text() for t in fig.axes[0].texts] == ["67% (22/33)", "27% (9/33)", "6% (2/33)"]
    with pytest.raises(ParameterError, match="sort='est' is not allowed"):
        figures.bar(_outcome(), sort="est")


def test_grouped_bar_tells_groups_apart_without_colour(drawn):
    ax = drawn["grouped_bar"].axes[0]
    legend = ax.get_legend()
    # group labels from the codebook in Welsh; "all" from the UI strings
    assert [t.get_text() for t in legend.get_texts()] == ["Cyn Covid-19", "O Covid-19 ymlaen", "Y cyfan"]
    hatches = [h.get_hatch() or "" for h in legend.legend_handles]
    assert len(set(hatches)) == 3  # hatching differs, not only colour
    assert [t.get_text() for t in ax.texts] == ["30% (6/20)", "*", "30% (10/33)"]


def test_bar_refuses_several_groups():
    with pytest.raises(ParameterError, match="grouped_bar"):
        figures.bar(_by_period())


def test_heatmap_mirrors_pairs_and_stars_hidden_cells(drawn):
    ax = drawn["heatmap"].axes[0]
    # each cell's text by (row, column); seaborn puts cell (i, j) at x = j + 0.5, y = i + 0.5
    cells = {(round(t.get_position()[1] - 0.5), round(t.get_position()[0] - 0.5)): t.get_text() for t in ax.texts}
    # 2 x 2: communication 10, pair hidden (both mirror cells), escalation 7
    assert cells == {(0, 0): "10", (0, 1): "*", (1, 0): "*", (1, 1): "7"}
    mesh = ax.collections[0].get_array()
    assert mesh.mask.tolist() == [[False, True], [True, False]]  # hidden cells take no colour of the scale


def test_heatmap_cell_text_meets_the_wcag_contrast_ratio():
    # WCAG 2 contrast ratio (L1 + 0.05) / (L2 + 0.05) of the text on its cell: at least 4.5 (level AA)
    from matplotlib.colors import to_rgb

    def luminance(colour):
        c = np.array(to_rgb(colour))
        c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        return float(c @ [0.2126, 0.7152, 0.0722])

    # Synthetic: one count for every shade of the scale (0 to 40), and a hidden cell
    codes = ["communication", "escalation", "recording", "voice_of_child", "information_sharing"]
    pairs = [(a, b) for i, a in enumerate(codes) for b in codes[i:]]
    counts = [float(k * 40 // (len(pairs) - 1)) for k in range(len(pairs))]
    counts[3] = np.nan
    tab = pd.DataFrame({"variable": "themes", "level": [a for a, _ in pairs], "group": [b for _, b in pairs]})
    ax = figures.heatmap(tab.assign(count=counts)).axes[0]
    cells = ax.collections[0].get_facecolors()
    ratios = []
    for text in ax.texts:
        x, y = text.get_position()
        a, b = luminance(text.get_color()), luminance(cells[int(y) * len(codes) + int(x)])
        ratios.append((max(a, b) + 0.05) / (min(a, b) + 0.05))
    assert len(ratios) == 25 and min(ratios) >= 4.5


def test_forest_axis_names_both_groups(drawn):
    ax = drawn["forest"].axes[0]
    # (wrapped onto lines so that a long label, as in Welsh, is not cut off at the figure's edge)
    assert ax.get_xlabel().replace("\n", " ") == "Difference in percentage points: From Covid-19 minus Before Covid-19"
    # 0.10 (-0.15 to 0.33) as percentage points with a true minus sign
    assert [t.get_text() for t in ax.texts] == ["+10.0 (\u221215.0, +33.0)", "*"]


def test_cooccurrence_counts_pairs_once():
    # Synthetic: 4 reviews; themes recorded in 3 of them (the 4th is all NA: not recorded).
    cb_cols = {
        c: [False, False, False, None]
        for c in (
            "advocacy_individual",
            "advocacy_structural",
            "communication",
            "escalation",
            "recording",
            "voice_of_child",
            "hierarchy_of_knowledge",
            "information_sharing",
            "partial_assessment",
        )
    }
    cb_cols["communication"] = [True, True, False, None]
    cb_cols["escalation"] = [True, False, True, None]
    df = pd.DataFrame({f"th_{k}": pd.array(v, dtype="boolean") for k, v in cb_cols.items()})
    co = figures.cooccurrence(df, "themes")
    assert len(co) == 9 * 10 // 2  # each unordered pair once, with the diagonal
    got = co.set_index(["level", "group"])["count"]
    # by hand: communication in rows 1-2, escalation in rows 1 and 3, both in row 1
    assert (
        got["communication", "communication"],
        got["escalation", "escalation"],
        got["communication", "escalation"],
    ) == (2, 2, 1)
    assert set(co["n"]) == {3}
    with pytest.raises(ParameterError, match="not a multi-response variable"):
        figures.cooccurrence(df, "outcome")


def test_save_refuses_a_path_as_name(tmp_path):
    with pytest.raises(ParameterError, match="no folders"):
        figures.save(figures.bar(_outcome()), tmp_path, "../outcome")


# --------------------------------------------------------------------------- a true zero
def test_a_zero_count_has_a_marker_and_its_label_not_an_interval():
    # Synthetic: 22 children, 5 fatal physical abuse, 0 extra-familial homicide (a true zero), 17 other;
    # a Wilson interval of 0/22 runs from 0 to 14.9% but a whisker from 0 would suggest a value
    tab = pd.DataFrame(
        {
            "variable": "incident_type",
            "level": ["fatal_physical_abuse", "extra_familial_homicide", "other"],
            "group": "all",
            "count": [5.0, 0.0, 17.0],
            "n": 22,
            "estimate": [5 / 22, 0.0, 17 / 22],
            "ci_low": [0.101, 0.0, 0.566],
            "ci_high": [0.434, 0.149, 0.899],
            "ci_level": 0.95,
        }
    )
    from matplotlib.container import ErrorbarContainer

    for lang, zero_label in (("en", "0 of 22"), ("cy", "0 o 22")):
        ax = figures.bar(tab, lang=lang).axes[0]
        whiskers = [c.lines[2][0].get_segments() for c in ax.containers if isinstance(c, ErrorbarContainer)]
        rows = sorted(round(seg[0][1]) for segs in whiskers for seg in segs)
        assert rows == [0, 2]  # the intervals of rows 0 and 2 only: none at the zero (row 1)
        (marker,) = [line for line in ax.get_lines() if line.get_marker() == "D"]
        assert list(marker.get_xdata()) == [0.0] and list(marker.get_ydata()) == [1.0]
        assert [t.get_text() for t in ax.texts] == ["23% (5/22)", zero_label, "77% (17/22)"]
        notes = _texts(ax.figure)
        assert any(s.startswith("◆") or "◆" in s for s in notes)  # the marker is explained under the figure


# --------------------------------------------------------------------------- long Welsh labels
#: Long Welsh labels put into a copy of the codebook: the longest the figures must take, one of
#: them a single word with no place to break (a place name of 58 letters).
LONG_CY = {
    "themes": {
        "communication": "Cyfathrebu rhwng asiantaethau statudol a gwirfoddol ynghylch pryderon diogelu plant",
        "escalation": "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch",
        "recording": "Cofnodi penderfyniadau, rhesymau a chamau gweithredu yng nghofnodion pob asiantaeth",
    },
    "period": {
        "pre_covid": "Cyn pandemig Covid-19 a'r cyfyngiadau symud cenedlaethol cyntaf yng Nghymru",
        "post_covid": "O ddechrau pandemig Covid-19 a'r cyfyngiadau symud cenedlaethol cyntaf ymlaen",
    },
}


@pytest.fixture(scope="module")
def long_welsh_codebook(tmp_path_factory):
    import yaml

    import cprstats

    raw = yaml.safe_load(cprstats.load_codebook().path.read_text(encoding="utf-8"))
    for field in raw["fields"]:
        for cat in field.get("categories") or []:
            if field["name"] in LONG_CY and cat["value"] in LONG_CY[field["name"]]:
                cat["label"] = {"en": cat["label"]["en"], "cy": LONG_CY[field["name"]][cat["value"]]}
    path = tmp_path_factory.mktemp("cb") / "codebook.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return cprstats.load_codebook(path)


def _long_tables(codebook):
    import cprstats

    data = cprstats.load_example("wales")
    themes = cprstats.proportions(data, "themes", codebook=codebook)
    return {
        "bar": themes,
        "grouped_bar": cprstats.proportions(data, "themes", by="period", codebook=codebook),
        "heatmap": figures.cooccurrence(data, "themes", codebook=codebook),
        "forest": cprstats.compare(data, "themes", by="period", codebook=codebook),
    }


def _outside(fig) -> list[str]:
    """Every drawn text whose box (from the renderer) is not wholly inside the figure: a clipped text."""
    from matplotlib.text import Text

    with theme():
        fig.canvas.draw()  # lays the figure out as saving it does
        renderer = fig.canvas.get_renderer()
        box = fig.bbox
        out = []
        for ax in fig.axes:
            for tick in [*ax.get_xticklabels(), *ax.get_yticklabels()]:
                if tick.get_visible() and tick.get_text().strip():
                    e = tick.get_window_extent(renderer)
                    if e.x0 < box.x0 - 0.5 or e.x1 > box.x1 + 0.5 or e.y0 < box.y0 - 0.5 or e.y1 > box.y1 + 0.5:
                        out.append(f"tick {tick.get_text()!r}: {e} outside {box}")
        for text in fig.findobj(Text):  # titles, legends, value labels, notes: none may be cut either
            if not (text.get_visible() and text.get_text().strip()):
                continue
            e = text.get_window_extent(renderer)
            if e.x0 < box.x0 - 0.5 or e.x1 > box.x1 + 0.5 or e.y0 < box.y0 - 0.5 or e.y1 > box.y1 + 0.5:
                out.append(f"text {text.get_text()!r}: {e} outside {box}")
    return sorted(set(out))


@pytest.mark.parametrize("lang", ["en", "cy"])
@pytest.mark.parametrize("kind", ["bar", "grouped_bar", "heatmap", "forest"])
def test_long_welsh_labels_are_wrapped_never_cut(long_welsh_codebook, kind, lang):
    table = _long_tables(long_welsh_codebook)[kind]
    extra = {"by": "period"} if kind == "grouped_bar" else {}
    fig = getattr(figures, kind)(table, lang=lang, codebook=long_welsh_codebook, **extra)
    texts = _texts(fig)
    if lang == "cy":  # the long labels are drawn (wrapped onto lines), not left out
        drawn = " ".join(s.replace("\n", " ") for s in texts).replace("- ", "-")
        assert "Cofnodi penderfyniadau, rhesymau a chamau gweithredu" in drawn, texts
    assert _outside(fig) == []
