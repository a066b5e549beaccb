"""The report a notebook builds: title block, safe tables, accessible figures, key figures.

A notebook makes one `Report` from its parameters cell and then calls one method per cell::

    rep = cprstats.Report(data=DATA, region=REGION, period=PERIOD, lang=LANG, threshold=THRESHOLD,
                          suppress=SUPPRESS, output_dir=OUTPUT_DIR, notebook="01_children_and_families")
    rep.intro()
    rep.table(cprstats.proportions(rep.data, "outcome"), name="outcome")
    rep.figure(cprstats.proportions(rep.data, "child_vulnerabilities"), name="vulnerabilities")

Tables and figures are numbered in the order they are made ("Table 3", "Ffigur 2"), and their
captions add to the title what was counted, the region and period, and the denominators. A
figure that would show fewer than two values (the others hidden) is replaced by a sentence
saying why. The title block (`intro`) gives the region, period, date produced (from
``SOURCE_DATE_EPOCH`` when it is set, for reproducible reports, else today), the cprstats and
codebook versions, a checksum of the data as loaded, the analyst's contact line if given
(``Report(contact=...)``), the notices and a key to the symbols.

Every table and figure goes through the report's disclosure policy first (on for any region
below all-Wales, and for any table broken down by board; an analyst's ``suppress=False`` is
recorded and shown), so a hidden count never reaches a page, a file or an alt text. Tables
are written to ``output_dir/tables/<name>.csv`` (the suppressed tidy numbers, unrounded;
hidden counts are empty cells) and ``.xlsx`` (the formatted table, the numbers and the
notes), figures to ``output_dir/figures/<name>.png`` and ``.svg``; ``output_dir/report.json``
records every file written and the disclosure decision, for the runner's manifest.

Examples
--------
The synthetic Mid and West Wales example: a region, so small numbers are hidden.

>>> import cprstats
>>> rep = Report(data="mww_2017_2021", region="MWW", output_dir=None, notebook="demo")
>>> rep.suppressing, len(rep.data)
(True, 11)
>>> rep.key_figures(cprstats.proportions(rep.data, "review_type"))
review_type=cpr_concise: */11
review_type=cpr_extended: */11
review_type=mapf: */11
review_type=susr: 0/11 (0.0%)
review_type=other: 0/11 (0.0%)
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

import cprstats.report.figures as figures
from cprstats._version import __version__
from cprstats.codebook.i18n import format_percent
from cprstats.codebook.model import Codebook, check_lang, resolve
from cprstats.datasets.loader import (
    infer_by,
    load_data,
    protect,
    resolve_window,
    scope_data,
    source_text,
    with_window,
)
from cprstats.disclosure.auditing import Published, protect_together
from cprstats.disclosure.policy import DisclosurePolicy, disclosure_policy
from cprstats.disclosure.suppression import comparison_as_counts
from cprstats.errors import ParameterError
from cprstats.io import escape_html as esc
from cprstats.io import write_csv, write_json
from cprstats.report.blocks import (
    Block,
    default_caption,
    denominator_note,
    figure_caption,
    heading_block,
    html_table,
    intro_block,
    notice,
    scope_label,
)
from cprstats.report.labels import alt_text
from cprstats.report.tables import format_table
from cprstats.report.views import (
    agreement_lines,
    agreement_view,
    comparison_view,
    disagreements_view,
    private_folder,
    published_lines,
    published_view,
    save_csv,
    save_xlsx,
)
from cprstats.report.wording import collecting, t
from cprstats.stats.comparisons import compare

__all__ = ["Report", "STYLES", "LAYOUTS", "data_sha256", "produced_on"]

#: Cell styles of `Report.table` (those of `cprstats.format_table`).
STYLES = ("n_percent", "percent_ci", "count", "percent")
LAYOUTS = ("wide", "long")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")


def _name(name: Any, what: str = "name") -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise ParameterError(
            f"{what}={name!r} is not allowed; use letters, digits, '_', '-' and '.' (a file name, no folders)"
        )
    return name


def _choice(name: str, value: Any, allowed: tuple) -> Any:
    if value not in allowed:
        raise ParameterError(f"{name}={value!r} is not allowed; use one of {', '.join(map(repr, allowed))}")
    return value


def _contact(contact: Any) -> str | None:
    if contact is None:
        return None
    if not isinstance(contact, str) or not contact.strip():
        raise ParameterError(
            f"contact={contact!r} is not allowed; use one line of text (a name, team or e-mail) or None"
        )
    text = " ".join(contact.split())
    if len(text) > 200:
        raise ParameterError(
            f"contact is {len(text)} characters long; use at most 200 (one line: a name, team or e-mail)"
        )
    return text


def data_sha256(data: pd.DataFrame) -> str:
    """The SHA-256 of ``data`` as loaded: of its CSV text (UTF-8, ``\\n`` line ends, no index).

    The same rows and columns give the same checksum on every machine; the title block shows
    its first 12 hexadecimal digits.

    >>> data_sha256(pd.DataFrame({"a": [1, 2]}))[:12]
    'd4fa155a0784'
    """
    text = data.to_csv(index=False, lineterminator="\n")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def produced_on() -> dt.date:
    """The date a report is produced: from ``SOURCE_DATE_EPOCH`` when it is set (reproducible builds), else today.

    ``SOURCE_DATE_EPOCH`` is seconds since 1970-01-01 UTC (https://reproducible-builds.org/specs/source-date-epoch/).

    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"SOURCE_DATE_EPOCH": "1700000000"}):
    ...     produced_on()
    datetime.date(2023, 11, 14)
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None or not epoch.strip():
        return dt.date.today()
    if not epoch.strip().isdigit():
        raise ParameterError(
            f"SOURCE_DATE_EPOCH={epoch!r} is not allowed; use whole seconds since 1970-01-01 UTC, or unset it"
        )
    return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()


_Method = TypeVar("_Method", bound=Callable[..., Any])


def _shows_texts(method: _Method) -> _Method:
    """Note the catalogue texts a method's block shows (`cprstats.report.wording`), on the block and the report."""

    @functools.wraps(method)
    def wrapper(self: Report, *args: Any, **kwargs: Any) -> Any:
        with collecting() as used:
            block = method(self, *args, **kwargs)
        if isinstance(block, Block):
            block.texts.update(used)
        for where, verified in used.items():
            self.texts[where] = verified and self.texts.get(where, True)
        return block

    return wrapper  # type: ignore[return-value]


class Report:
    """One notebook's report for a region and period, in English or Welsh.

    Parameters
    ----------
    data : DataFrame, str or path, default "wales"
        A coded dataset, a shipped example name, a coded CSV or coding forms (see
        `cprstats.datasets.loader.load_data`).
    region : str, default "wales"
        ``"wales"`` or a board code (``NWSB, MWW, WGSB, CTM, CAV, GWENT``).
    period : str, default "all"
        ``"all"`` or a period code of the codebook (``pre_covid``, ``post_covid``).
    window : str, optional
        A window of months within the period (``"2017-01..2021-12"``, ``"fy2019"``; see
        `cprstats.datasets.loader.scope_data`).
    anchor : {"incident", "publication"}, optional
        The date the window is read on.
    lang : {"en", "cy"}
    threshold : int, default 5
        Counts from 1 to ``threshold - 1`` are hidden when suppression applies.
    suppress : bool or None
        None: suppression on below all-Wales (and for tables by board). False below all-Wales
        is an analyst's explicit opt-out: logged, shown in the report, recorded in report.json.
    output_dir : path or None
        Where tables, figures and ``report.json`` go; None writes nothing.
    notebook : str
        The notebook's name, recorded in report.json.
    contact : str, optional
        A line the title block shows, saying whom to ask about the report (a name, team or
        e-mail; at most 200 characters).
    codebook : Codebook, str or path, optional
        The codebook of every label, table, figure and alt text in the report, and of the
        statistics on ``rep.data`` (`cprstats.codebook.resolve`: by default the one the data
        were coded with, else the packaged one). A researcher's own YAML may rename labels
        (in English and Welsh) or add options.
    restricted : bool, default False
        A restricted report, for a board's closed meeting: unsuppressed unless ``suppress=True``
        (which may then use a threshold of 1 or 2), and marked "OFFICIAL-SENSITIVE: not for
        circulation" (``marking.restricted``, `marking`) on every figure (inside the plot
        area), as the first line of every CSV and the first row of every XLSX sheet, and in
        report.json (``restricted``, ``marking``); the runner's HTML page and index carry it
        too. `cprstats.run` with ``restricted=True`` writes such reports under
        ``<output>/RESTRICTED-<region>/``.

    Attributes
    ----------
    data : pandas.DataFrame
        The coded rows of the region and period.
    suppressing : bool
        Whether this report's tables are suppressed (for the region itself).
    outputs : list of dict
        What has been written: ``kind, name, files`` (relative to ``output_dir``),
        ``suppressed`` (number of hidden counts).
    data_sha256 : str
        The SHA-256 of the whole dataset as loaded (`data_sha256`).
    produced : datetime.date
        The date the report is produced (`produced_on`).
    texts : dict of str to bool
        The catalogue texts the report's blocks have shown, and whether their Welsh is verified
        (`cprstats.report.wording`).
    """

    def __init__(
        self,
        *,
        data: Any = "wales",
        region: str = "wales",
        period: str = "all",
        window: Any = None,
        anchor: str | None = None,
        lang: str = "en",
        threshold: int = 5,
        suppress: bool | None = None,
        output_dir: Any = None,
        notebook: str = "report",
        codebook: Codebook | str | Path | None = None,
        contact: str | None = None,
        restricted: bool = False,
    ) -> None:

        self.lang = check_lang(lang)
        self.notebook = _name(notebook, "notebook")
        self.contact = _contact(contact)
        self.produced = produced_on()
        if suppress is not None and not isinstance(suppress, bool):
            raise ParameterError(f"suppress={suppress!r} is not allowed; use None (the default policy), True or False")
        if not isinstance(restricted, bool):
            raise ParameterError(f"restricted={restricted!r} is not allowed; use True or False")
        self.restricted = restricted
        #: The protective marking of a restricted report, else None.
        self.marking = t("marking.restricted", self.lang) if restricted else None
        if restricted and suppress is None:
            suppress = False  # a restricted report is unsuppressed unless asked otherwise
        full = load_data(data, codebook)
        # the codebook given, else the one the data were coded with, else the packaged one
        self.codebook = resolve(codebook, full)
        if self.codebook.path is not None:  # so statistics on rep.data follow it too
            full.attrs["codebook"] = str(self.codebook.path)
        self.region, self.period, self.threshold, self._suppress = region, period, threshold, suppress
        self.policy = disclosure_policy(
            region, suppress=suppress, threshold=threshold, codebook=self.codebook, restricted=restricted
        )
        self._policies = {None: self.policy}
        self.output_dir = None if output_dir is None else Path(output_dir)
        self._full = full
        self.window = resolve_window(window, anchor=anchor, codebook=self.codebook)  # a Window, or None
        self.anchor = None if self.window is None else self.window.anchor
        self.data = scope_data(full, region=region, period=period, window=self.window, codebook=self.codebook)
        self.synthetic = bool(full.attrs.get("synthetic"))
        self.data.attrs["synthetic"] = self.synthetic
        self.source = source_text(data if not isinstance(data, pd.DataFrame) else full)
        self.data_sha256 = data_sha256(full)
        self.outputs: list[dict[str, Any]] = []
        self.texts: dict[str, bool] = {}
        self._numbers: dict[str, dict[str, int]] = {"table": {}, "figure": {}}
        self._write_record()

    # ------------------------------------------------------------------ properties
    @property
    def suppressing(self) -> bool:
        """Whether this report's tables are suppressed (for the region itself)."""
        return self.policy.suppress

    @property
    def opted_out(self) -> bool:
        """Whether the analyst switched suppression off below all-Wales (``suppress=False``)."""
        return self.policy.opted_out

    def __repr__(self) -> str:
        return (
            f"<Report {self.notebook}: region={self.region}, period={self.period}, lang={self.lang}, "
            f"{len(self.data)} children, suppression {'on' if self.suppressing else 'off'}>"
        )

    def _policy(self, by: str | None) -> DisclosurePolicy:
        if by not in self._policies:
            self._policies[by] = disclosure_policy(
                self.region,
                by=by,
                suppress=self._suppress,
                threshold=self.threshold,
                codebook=self.codebook,
                restricted=self.restricted,
            )
        return self._policies[by]

    def protect(self, stats: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
        """``stats`` under this report's disclosure policy (as every table and figure uses it)."""
        if not isinstance(stats, pd.DataFrame):
            raise ParameterError(f"stats must be a pandas DataFrame, got {type(stats).__name__}")
        if "variable" in stats:
            fields = self.codebook.fields
            restricted = [v for v in map(str, pd.unique(stats["variable"])) if v in fields and fields[v].restricted]
            if restricted:
                raise ParameterError(
                    f"{', '.join(restricted)} is restricted and never published raw; use the "
                    "derived bands (e.g. age_band_mcmanus, age_band_england)"
                )
        by = by if by is not None else infer_by(stats, self.codebook)
        policy = self._policy(by)
        out = protect(stats, policy, codebook=self.codebook)
        if policy.suppress and "count_ref" not in out.columns and not stats.columns.isin(["suppressed"]).any():
            out = self._protect_within(out, stats, by, policy)
        out.attrs["synthetic"] = self.synthetic
        if by is not None:
            out.attrs["by"] = by
        return out

    def _protect_within(
        self, safe: pd.DataFrame, original: pd.DataFrame, by: str | None, policy: DisclosurePolicy
    ) -> pd.DataFrame:
        """``safe`` protected against its own derived variables (two bandings of age in one table...).

        `cprstats.suppress` protects one variable's cells at a time; `protect_together` adds the
        codebook's relations between the variables of the table (`cprstats.disclosure.auditing`).
        The runner audits every table of a report folder together afterwards.
        """
        if safe["variable"].nunique() < 2:
            return safe
        region = "wales" if by in ("board", "local_authority") else self.region
        period = "all" if by == "period" or self.period not in self.codebook.field("period").codes else self.period
        table = Published(safe, "table", region=region, period=period, by=by, original=original)
        done = protect_together([table], policy.threshold, codebook=self.codebook)[0].table
        done.attrs = {**safe.attrs, "disclosure": {**safe.attrs.get("disclosure", {}), **done.attrs["disclosure"]}}
        return done

    # ------------------------------------------------------------------ title block
    def scope_label(self) -> str:
        """ "All Wales" or the board's name, then the period, in the report's language."""
        scope = scope_label(self.region, self.period, lang=self.lang, codebook=self.codebook)
        return with_window(scope, self.window, self.lang)

    @_shows_texts
    def intro(self, title: str | None = None) -> Block:
        """The title block: title, numbers of reviews and children, facts, notices and the key to the symbols.

        The facts are the region, period, date produced, data and its checksum, the cprstats and
        codebook versions, and the contact line if one was given (`cprstats.report.blocks.facts`).
        """
        return intro_block(self, title)

    @_shows_texts
    def heading(self, key: str, level: int = 2) -> Block:
        """A section heading from the UI strings (``"children"`` -> ``section.children``), in the report's language."""
        return heading_block(key, level, lang=self.lang)

    # ------------------------------------------------------------------ tables and figures
    def caption_number(self, kind: str, name: str) -> str:
        """The number a table or figure is shown with ("Table 3", "Ffigur 2"): the next one, or the one ``name`` had.

        Tables and figures are numbered apart, in the order they are made; making one again
        (a notebook cell run twice) keeps its number.
        """
        _choice("kind", kind, ("table", "figure"))
        numbers = self._numbers[kind]
        number = numbers.setdefault(name, len(numbers) + 1)
        return t(f"caption.{kind}_number", self.lang, number=number)

    @_shows_texts
    def table(
        self,
        stats: pd.DataFrame,
        *,
        name: str,
        caption: str | None = None,
        style: str = "n_percent",
        layout: str = "wide",
        by: str | None = None,
        digits: int = 1,
    ) -> Block:
        """Show a statistics table safely and write it to ``tables/<name>.csv`` and ``.xlsx``.

        Parameters
        ----------
        stats : pandas.DataFrame
            A tidy table (`cprstats.proportions`, `cprstats.compare`, `cooccurrence`...), not
            yet suppressed: the report applies its policy.
        name : str
            File name stem (letters, digits, ``_ - .``).
        caption : str, optional
            Default: the variables' titles from the codebook, what the cells count, the scope
            and the denominators (`cprstats.report.blocks.default_caption`). The table's
            number ("Table 3") is put before it.
        style : {"n_percent", "percent_ci", "count", "percent"}
            What each cell shows (see `cprstats.format_table`).
        layout : {"wide", "long"}
            Groups as columns (with a denominator row per variable), or one row per group.
        by : str, optional
            The variable the groups are values of (default: inferred from the codes).
        digits : int, default 1

        Returns
        -------
        Block
            The accessible HTML table with its notes (``_repr_html_``) and a plain-text copy.
        """

        _name(name)
        _choice("style", style, STYLES)
        _choice("layout", layout, LAYOUTS)
        safe = self.protect(stats, by)
        if "count_ref" in safe.columns:  # a comparison: show each side as its own group
            safe = comparison_as_counts(safe)
        shown = format_table(
            safe, self.codebook, lang=self.lang, cell=style, layout=layout, by=safe.attrs.get("by"), digits=digits
        )
        if caption is None:
            grouped = "group" in safe and bool((safe["group"].astype(str) != "all").any())
            caption = default_caption(safe, self, style=style, by=safe.attrs.get("by") if grouped else None)
        number = self.caption_number("table", name)
        notes = list(shown.attrs.get("footnotes", [])) + denominator_note(safe, self.lang)
        if self.output_dir is not None:
            folder = self.output_dir / "tables"
            save_csv(safe, folder / f"{name}.csv", self.marking)
            notes_df = pd.DataFrame({t("heading.notes", self.lang): [f"{number}: {caption}", *notes]})
            save_xlsx({"table": shown, "data": safe, "notes": notes_df}, folder / f"{name}.xlsx", self.marking)
            if self.suppressing and "count_ref" not in stats.columns and "suppressed" not in stats.columns:
                # the unsuppressed counts, for the runner's audit only: private (0700), deleted after the audit
                write_csv(stats, private_folder(private_folder(self.output_dir) / "originals") / f"{name}.csv")
            self._record("table", name, [f"tables/{name}.csv", f"tables/{name}.xlsx"], safe)
        return html_table(shown, caption=caption, notes=notes, row_headers=2 if layout == "wide" else 3, number=number)

    @_shows_texts
    def figure(
        self,
        stats: pd.DataFrame,
        *,
        name: str,
        kind: str = "bar",
        title: str | None = None,
        caption: str | None = None,
        by: str | None = None,
        **options: Any,
    ) -> Block:
        """Draw a figure safely, save ``figures/<name>.png`` and ``.svg``, show it with alt text.

        Parameters
        ----------
        stats : pandas.DataFrame
            As for `table` (for ``"forest"``: a `cprstats.compare` table; for ``"heatmap"``:
            a `cprstats.report.figures.cooccurrence` table).
        name : str
        kind : {"bar", "grouped_bar", "heatmap", "forest"}
        title : str, optional
            Drawn above the figure (default: the variables' titles from the codebook).
        caption : str, optional
            What the caption adds to the title (default: what is drawn, the scope and the
            denominators, `cprstats.report.blocks.figure_caption`); the figure's number
            ("Figure 2") is put before it.
        by : str, optional
        **options
            Passed to the drawing function (``sort``, ``digits``...).

        Returns
        -------
        Block
            ``<figure>`` with the PNG inline (``data:`` URI), an ``alt`` text that states the
            numbers shown, made from the same suppressed table, and the numbered caption. A
            figure that would show fewer values than `cprstats.report.figures.MIN_SHOWN` (two
            bars or cells, one difference) is not drawn or saved: the block is a notice saying
            why, in the report's language.
        """

        _name(name)
        _choice("kind", kind, figures.KINDS)
        safe = self.protect(stats, by)
        by = safe.attrs.get("by")
        drawn, hidden, total = figures.shown_values(safe, kind)
        if drawn < figures.MIN_SHOWN[kind]:
            return self._not_drawn(safe, kind, title, drawn, hidden, total)
        draw = getattr(figures, kind)
        extra = {"by": by} if kind == "grouped_bar" else {}
        if kind in ("bar", "grouped_bar"):
            safe = figures.sort_table(safe, options.pop("sort", "codebook"))  # the alt text follows the bars' order
        fig = draw(
            safe, lang=self.lang, title=title, codebook=self.codebook, synthetic=self.synthetic, **extra, **options
        )
        if self.marking:
            figures.mark(fig, self.marking)
        title = fig.axes[0].get_title(loc="left").replace("\n", " ")
        png = figures.figure_bytes(fig, "png")
        if self.output_dir is not None:
            figures.save(fig, self.output_dir / "figures", name, png=png)  # the PNG shown, not drawn again
            self._record("figure", name, [f"figures/{name}.png", f"figures/{name}.svg"], safe)
        alt = alt_text(
            safe, kind=kind, title=title, lang=self.lang, codebook=self.codebook, by=by, synthetic=self.synthetic
        )
        w, h = (round(v * 96) for v in fig.get_size_inches())
        uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        number = self.caption_number("figure", name)
        if caption is None:
            caption = figure_caption(safe, self, kind=kind, by=by)
        html = (
            f'<figure class="report-figure"><img src="{uri}" alt="{esc(alt)}" width="{w}" height="{h}">'
            f'<figcaption><span class="caption-number">{esc(number)}:</span> {esc(caption)}</figcaption></figure>'
        )
        return Block(html, f"{number}: {caption}\n{alt}")

    def _not_drawn(
        self, safe: pd.DataFrame, kind: str, title: str | None, drawn: int, hidden: int, total: int
    ) -> Block:
        """The notice shown instead of a figure with too few values to draw, saying why."""
        lang = self.lang
        if title is None and kind == "forest":
            title = t("heading.risk_difference", lang)
        elif title is None:
            title = figures.default_title(safe, lang, self.codebook)
        if total < figures.MIN_SHOWN[kind]:
            text = t("figure.not_drawn.single", lang, title=title)
        elif hidden == total:
            text = t("figure.not_drawn.none", lang, title=title, total=total)
        elif hidden:
            text = t("figure.not_drawn.hidden", lang, title=title, drawn=drawn, total=total, hidden=hidden)
        else:
            text = t("figure.not_drawn.zero", lang, title=title, drawn=drawn, total=total)
        return notice(text, label=t("figure.not_drawn.label", lang), kind="figure")

    def key_figures(self, stats: pd.DataFrame, *, by: str | None = None, digits: int = 1) -> None:
        """Print one line per row, ``variable=level[ group]: count/n (percent)``, for nbval checks.

        Suppression applies (a hidden count prints as ``*``); percentages are rounded to
        ``digits`` places in the string, so the lines are the same on every platform.
        """

        safe = self.protect(stats, by)
        for rec in safe.to_dict("records"):
            group = "" if str(rec.get("group", "all")) == "all" else f" [{rec['group']}]"
            count = "*" if pd.isna(rec["count"]) else f"{int(rec['count'])}"
            n = "*" if pd.isna(rec["n"]) else f"{int(rec['n'])}"
            est = rec.get("estimate")
            pct = "" if est is None or pd.isna(est) else f" ({format_percent(est, 'en', digits)})"
            print(f"{rec['variable']}={rec['level']}{group}: {count}/{n}{pct}")

    # ------------------------------------------------------------------ other views (cprstats.report.views)
    @property
    def wales_data(self) -> pd.DataFrame:
        """All Wales in this report's period: for boards side by side, or a region against the rest."""
        return scope_data(self._full, region="wales", period=self.period, window=self.window, codebook=self.codebook)

    @property
    def region_data(self) -> pd.DataFrame:
        """This report's region in every period: for comparing the periods themselves."""
        return scope_data(self._full, region=self.region, period="all", window=self.window, codebook=self.codebook)

    @property
    def wales_data_all_periods(self) -> pd.DataFrame:
        """The whole dataset: published samples are flagged reviews of every period."""
        return self._full

    def compare_region(self, variables: str | list[str], **options: Any) -> pd.DataFrame:
        """This region against the rest of Wales; for the all-Wales report, a joint test across the boards."""

        groups = None if self.region == "wales" else [self.region]
        out = compare(self.wales_data, variables, by="board", groups=groups, codebook=self.codebook, **options)
        out.attrs["by"] = "board"  # so the view adds the census caveat: boards are not a league table
        out.attrs["min_group"] = options.get("min_group", out.attrs.get("min_group"))
        return out

    @_shows_texts
    def comparison(
        self, table: pd.DataFrame, *, name: str, caption: str | None = None, by: str | None = None, digits: int = 1
    ) -> Block:
        """Show a `cprstats.compare` table: both sides, the difference with its interval, tests, p-values."""

        return comparison_view(self, table, name=_name(name), caption=caption, by=by, digits=digits)

    @_shows_texts
    def published(self, source: str, *, name: str, caption: str | None = None) -> Block:
        """Each published statement of ``source`` beside the figure computed from the data."""

        return published_view(self, source, name=_name(name), caption=caption)

    def published_lines(self, source: str) -> None:
        """Print the published-figure check in a fixed format, for nbval."""

        published_lines(self, source)

    @_shows_texts
    def agreement_table(self, agree: pd.DataFrame, *, name: str, caption: str | None = None) -> Block:
        """Show `cprstats.agreement` per coded column."""

        return agreement_view(self, agree, name=_name(name), caption=caption)

    def agreement_lines(self, agree: pd.DataFrame) -> None:
        """Print agreement in a fixed format, for nbval."""

        agreement_lines(agree)

    @_shows_texts
    def disagreements(self, table: pd.DataFrame, *, name: str) -> Block:
        """Count the disagreements per variable; write every one to ``tables/<name>``."""

        return disagreements_view(self, table, name=_name(name))

    # ------------------------------------------------------------------ record
    def record(self) -> dict[str, Any]:
        """What report.json holds: parameters, the disclosure decision, the outputs (no timestamps)."""
        return {
            "notebook": self.notebook,
            "region": self.region,
            "period": self.period,
            "window": None if self.window is None else self.window.record(),
            "lang": self.lang,
            "threshold": self.threshold,
            "suppress": self._suppress,
            "restricted": self.restricted,
            "marking": self.marking,
            "disclosure": {**self.policy.record(), "below_wales": self.region != "wales"},
            "synthetic": self.synthetic,
            "source": self.source,
            "children": len(self.data),
            "data_sha256": self.data_sha256,
            "contact": self.contact,
            "cprstats_version": __version__,
            "codebook_version": self.codebook.version,
            "outputs": self.outputs,
        }

    def _record(self, kind: str, name: str, files: list[str], table: pd.DataFrame) -> None:
        hidden = int(table["suppressed"].sum()) if "suppressed" in table else 0
        self.outputs = [o for o in self.outputs if not (o["kind"] == kind and o["name"] == name)]
        self.outputs.append({"kind": kind, "name": name, "files": files, "suppressed": hidden})
        self._write_record()

    def _write_record(self) -> None:
        if self.output_dir is not None:
            write_json(self.record(), self.output_dir / "report.json")
