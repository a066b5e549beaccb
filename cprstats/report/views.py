"""Report views that are not count tables: comparisons, published figures, coder agreement.

`cprstats.Report.table` shows counts and shares. These views show what a comparison adds
(differences with intervals, tests, adjusted p-values), the published figures beside the
computed ones, and agreement between coders, with the same rules: the report's disclosure
policy first, labels from the codebook in the report's language, an accessible table, and
the numbers written to ``tables/<name>.csv`` and ``.xlsx``.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from cprstats.codebook.i18n import format_number, format_percent
from cprstats.codebook.model import Codebook
from cprstats.datasets.published import check_published
from cprstats.errors import ParameterError
from cprstats.io import write_csv, write_text, write_xlsx
from cprstats.report.blocks import Block, ReportLike, default_caption, html_table
from cprstats.report.tables import footnotes
from cprstats.report.wording import label, t
from cprstats.stats.comparisons import MIN_GROUP

__all__ = [
    "comparison_view",
    "published_view",
    "published_lines",
    "agreement_view",
    "agreement_lines",
    "disagreements_view",
    "p_text",
    "save_csv",
    "save_xlsx",
    "private_folder",
    "PRIVATE",
    "ViewReport",
]


class ViewReport(ReportLike, Protocol):
    """What the views read from and do to a report (`cprstats.report.document.Report` has it all)."""

    output_dir: Path | None
    threshold: int
    opted_out: bool
    wales_data_all_periods: pd.DataFrame

    def protect(self, stats: pd.DataFrame, by: str | None = None) -> pd.DataFrame: ...

    def caption_number(self, kind: str, name: str) -> str: ...

    def _record(self, kind: str, name: str, files: list[str], table: pd.DataFrame) -> None: ...


def p_text(p: Any, lang: str) -> str:
    """A p-value as printed: three decimals, ``<0.001`` below that, empty when missing.

    >>> p_text(0.04321, "en"), p_text(0.0000123, "cy"), p_text(float("nan"), "en")
    ('0.043', '<0.001', '')
    """
    if p is None or (isinstance(p, float) and math.isnan(p)) or pd.isna(p):
        return ""
    return "<0.001" if float(p) < 0.001 else format_number(float(p), lang, 3)


def _label(cb: Codebook, variable: str, level: Any, lang: str) -> tuple[str, str]:
    if cb.knows(variable):
        fld, option = cb.resolve(variable) if variable not in cb.fields else (cb.fields[variable], None)
        var = label(cb, fld.name, lang=lang)
        if option is not None:
            return var, label(cb, variable, lang=lang)
        if fld.categories and str(level) in fld.codes:
            return var, label(cb, fld.name, str(level), lang)
        if str(level) in ("true", "True"):
            return var, t("value.true", lang)
        return var, str(level)
    return str(variable), str(level)


def _group_label(cb: Codebook, by: str | None, group: Any, lang: str) -> str:
    g = str(group)
    if g == "rest":
        return t("group.rest", lang)
    if g == "all":
        return t("group.all", lang)
    if by and by in cb.fields and cb.fields[by].categories and g in cb.fields[by].codes:
        return label(cb, by, g, lang)
    return g


def _n_pct(count: Any, n: Any, estimate: Any, lang: str, digits: int) -> str:
    marker = t("marker.suppressed", lang)
    if pd.isna(count):
        return marker
    pct = "" if pd.isna(estimate) else f" ({format_percent(float(estimate), lang, digits)})"
    return f"{int(count)}{pct}"


def _plain_text(df: pd.DataFrame) -> pd.DataFrame:
    """Text columns as ``object`` (`cprstats.io.neutralise_formulas` fails on an all-missing Arrow string column)."""
    text = [c for c in df.columns if isinstance(df[c].dtype, pd.StringDtype)]
    if not text:
        return df
    out = df.astype({c: object for c in text})
    for c in text:
        out[c] = out[c].where(df[c].notna(), None)
    out.attrs = dict(df.attrs)
    return out


def save_csv(data: pd.DataFrame, path: Path, marking: str | None = None) -> Path:
    """`cprstats.io.write_csv`, with a restricted report's ``marking`` as the file's first line.

    The marked file is read back with ``pandas.read_csv(path, skiprows=1)``.
    """
    write_csv(_plain_text(data), path)
    if marking:
        text = path.read_text(encoding="utf-8-sig")
        write_text(f"{marking}\n{text}", path, encoding="utf-8-sig")
    return path


def save_xlsx(sheets: dict[str, pd.DataFrame], path: Path, marking: str | None = None) -> Path:
    """`cprstats.io.write_xlsx`, with a restricted report's ``marking`` as the first row of every sheet."""
    sheets = {name: _plain_text(df) for name, df in sheets.items()}
    if not marking:
        return write_xlsx(sheets, path)
    marked = {}
    for sheet, df in sheets.items():
        # the marking is the sheet's first row; the table's own header follows as its second
        head = pd.DataFrame([list(map(str, df.columns))], columns=df.columns, dtype=object)
        frame = pd.concat([head, df.astype(object).where(df.notna(), None)], ignore_index=True)
        frame.columns = [marking, *[""] * (len(df.columns) - 1)]
        marked[sheet] = frame
    return write_xlsx(marked, path)


#: The folder under a report's output_dir for review-level working files (never circulated).
PRIVATE = "private"


def private_folder(output_dir: Path) -> Path:
    """``output_dir/private``, made with mode 0700 (owner only), for review-level rows."""
    folder = Path(output_dir) / PRIVATE
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    return folder


def _write(rep: ViewReport, name: str, shown: pd.DataFrame, data: pd.DataFrame, caption: str, notes: list[str]) -> None:
    if rep.output_dir is None:
        return

    folder = rep.output_dir / "tables"
    marking = getattr(rep, "marking", None)
    save_csv(data, folder / f"{name}.csv", marking)
    notes_df = pd.DataFrame({t("heading.notes", rep.lang): [caption, *notes]})
    save_xlsx({"table": shown, "data": data, "notes": notes_df}, folder / f"{name}.xlsx", marking)
    rep._record("table", name, [f"tables/{name}.csv", f"tables/{name}.xlsx"], data)


def _notes(rep: ViewReport, safe: pd.DataFrame) -> list[str]:

    notes = list(footnotes(safe, rep.lang, codebook=rep.codebook))
    if rep.synthetic and t("footnote.synthetic", rep.lang) not in notes:
        notes.append(t("footnote.synthetic", rep.lang))
    return notes


# --------------------------------------------------------------------------- comparisons
def comparison_view(
    rep: ViewReport,
    table: pd.DataFrame,
    *,
    name: str,
    caption: str | None = None,
    by: str | None = None,
    digits: int = 1,
) -> Block:
    """A `cprstats.compare` table: each side's n (%), the difference with its interval, the test and p-values.

    For a joint test across several groups (no reference group) the view shows the pooled
    n (%), the test and its p-values.
    """
    if not isinstance(table, pd.DataFrame) or "p_value" not in table.columns:
        raise ParameterError("comparison_view needs a table from cprstats.compare (with p_value)")
    lang, cb = rep.lang, rep.codebook
    joint = "group_ref" not in table.columns or table["group_ref"].isna().all()  # a joint test, or a trend
    # the whole table goes to suppress_comparison (through the report's policy): for a joint test
    # the pooled counts are protected and the statistic and p-values of a hidden row are withheld
    # with them, never joined back raw
    safe = rep.protect(table, by)
    by = by or safe.attrs.get("by")
    h_var, h_lev = t("heading.variable", lang), t("heading.level", lang)
    level = float(table["ci_level"].iloc[0]) * 100 if len(table) else 95.0
    rows = []
    for rec in safe.to_dict("records"):
        var, lev = _label(cb, rec["variable"], rec["level"], lang)
        row = {h_var: var, h_lev: lev}
        if joint:
            row[t("group.all", lang)] = _n_pct(rec["count"], rec["n"], rec["estimate"], lang, digits)
        else:
            row[_group_label(cb, by, rec["group"], lang)] = _n_pct(
                rec["count"], rec["n"], rec["estimate"], lang, digits
            )
            row[_group_label(cb, by, rec["group_ref"], lang)] = _n_pct(
                rec["count_ref"], rec["n_ref"], rec["estimate_ref"], lang, digits
            )
            rd = rec.get("risk_difference")
            head = t("heading.risk_difference_ci", lang, level=f"{level:g}")
            if pd.isna(rd):
                row[head] = t("marker.not_available", lang)
            else:
                row[head] = t(
                    "cell.difference_ci",
                    lang,
                    diff=format_number(100 * rd, lang, digits),
                    low=format_number(100 * rec["rd_ci_low"], lang, digits),
                    high=format_number(100 * rec["rd_ci_high"], lang, digits),
                )
        row[t("heading.test", lang)] = t(f"test.{rec['test']}", lang) if isinstance(rec.get("test"), str) else ""
        row[t("heading.p_value", lang)] = p_text(rec["p_value"], lang)
        row[t("heading.p_adjusted", lang)] = p_text(rec["p_adjusted"], lang)
        rows.append(row)
    shown = pd.DataFrame(rows)
    adjust = str(safe["adjust"].dropna().iloc[0]) if safe["adjust"].notna().any() else "none"
    notes = _notes(rep, safe) + [t(f"footnote.adjust_{adjust}", lang)]
    if "note" in safe and safe["note"].astype("string").eq("small_group").fillna(False).any():
        floor = safe.attrs.get("min_group") or MIN_GROUP
        notes.append(t("note.small_group", lang, min_group=floor))  # why some rows have no test
    if by in ("board", "local_authority") or str(safe.attrs.get("by")) in ("board", "local_authority"):
        notes.append(t("caveat.census", lang))  # board comparisons are not a league table
    if caption is None:
        caption = default_caption(safe, rep, comparison=True)
    number = rep.caption_number("table", name)
    _write(rep, name, shown, safe, f"{number}: {caption}", notes)
    return html_table(shown, caption=caption, notes=notes, row_headers=2, number=number)


# --------------------------------------------------------------------------- published figures
def _published(rep: ViewReport, source: str) -> pd.DataFrame:

    data = rep.wales_data_all_periods
    return check_published(data, source, codebook=rep.codebook)


def _statement_label(cb: Codebook, rec: dict, lang: str) -> str:
    own = rec.get(f"label_{lang}")
    if isinstance(own, str) and own:
        return own
    var = str(rec["variable"])
    if not var or not cb.knows(var):
        return str(rec["statement"])
    levels = [x for x in str(rec.get("level") or "").split("|") if x]
    title = label(cb, var, lang=lang)
    if levels:
        labs = [_label(cb, var, lv, lang)[1] for lv in levels]
        title = f"{title}: {t('cell.or', lang).join(labs) if len(labs) > 1 else labs[0]}"
    check = str(rec.get("check") or "share")
    if check != "share":
        title = f"{title} ({t(f'check.{check}', lang)})"
    return title


def _value(x: Any, unit: str, lang: str) -> str:
    if pd.isna(x):
        return t("marker.not_available", lang)
    if unit == "percent":
        return format_percent(float(x) / 100, lang, 1)
    if unit == "year":
        return f"{float(x):.0f}"  # a year, never "2,017"
    return format_number(float(x), lang, 0 if float(x).is_integer() else 1)


def published_view(rep: ViewReport, source: str, *, name: str, caption: str | None = None) -> Block:
    """Each published statement beside the figure computed from the data, and whether they agree.

    The samples are flagged reviews (``in_mcmanus_2023``...) of the whole dataset, all periods; England's
    benchmarks are shown beside all-Wales figures with no verdict. Counts below the threshold computed
    for a regional sample are hidden unless they equal the published count (already public).
    """
    lang, cb = rep.lang, rep.codebook
    res = _published(rep, source)
    hide = _hidden_counts(rep, res, source)
    rows = []
    for rec, h in zip(res.to_dict("records"), hide):
        comp = t("marker.suppressed", lang) if h else _value(rec["computed"], rec["unit"], lang)
        if not h and pd.notna(rec.get("numerator")) and pd.notna(rec.get("denominator")) and rec["unit"] == "percent":
            comp = f"{comp} ({int(rec['numerator'])}/{int(rec['denominator'])})"
        verdict = rec["consistent"]
        rows.append(
            {
                t("heading.statement", lang): _statement_label(cb, rec, lang),
                t("heading.published", lang): _value(rec["published"], rec["unit"], lang),
                t("heading.computed", lang): comp,
                t("heading.consistent", lang): ""
                if pd.isna(verdict)
                else t(f"value.{str(bool(verdict)).lower()}", lang),
            }
        )
    shown = pd.DataFrame(rows)
    data = res.copy()
    data.loc[hide, ["computed", "difference", "numerator"]] = np.nan
    caption = caption or t(f"published.caption.{source}", lang)
    notes = [t(f"published.note.{source}", lang)]
    if res.attrs.get("note"):
        notes.append(t(res.attrs["note"], lang))  # on synthetic data: the check validates the machinery
    if rep.synthetic:
        notes.append(t("footnote.synthetic", lang))
    if any(hide):
        notes.append(t("footnote.suppressed", lang))
    number = rep.caption_number("table", name)
    _write(rep, name, shown, data, f"{number}: {caption}", notes)
    return html_table(shown, caption=caption, notes=notes, row_headers=1, number=number)


def _hidden_counts(rep: ViewReport, res: pd.DataFrame, source: str) -> np.ndarray:
    # The Mid and West Wales sample is one region: below all-Wales, whatever the report's own scope,
    # so its small counts are hidden unless the analyst explicitly opted out.
    if source != "mww_2017_2021" or rep.opted_out:
        return np.zeros(len(res), dtype=bool)
    k = rep.threshold
    num = pd.to_numeric(res["numerator"], errors="coerce")
    pub = pd.to_numeric(res["published_numerator"], errors="coerce")
    small = num.between(1, k - 1) & ~(num == pub)
    return small.fillna(False).to_numpy(dtype=bool)


def published_lines(rep: ViewReport, source: str) -> None:
    """Print ``statement: published -> computed [consistent]`` lines for nbval (fixed format)."""
    res = _published(rep, source)
    hide = _hidden_counts(rep, res, source)
    for rec, h in zip(res.to_dict("records"), hide):
        comp = "*" if h else ("" if pd.isna(rec["computed"]) else f"{float(rec['computed']):.1f}")
        verdict = "" if pd.isna(rec["consistent"]) else ("consistent" if rec["consistent"] else "NOT consistent")
        print(f"{rec['statement']}: {float(rec['published']):.1f} -> {comp} {verdict}".rstrip())


# --------------------------------------------------------------------------- agreement
def agreement_view(
    rep: ViewReport, agree: pd.DataFrame, *, name: str, caption: str | None = None, digits: int = 2
) -> Block:
    """Agreement per coded column: reviews compared, % agreement, kappa (interval), PABAK, alpha."""
    lang, cb = rep.lang, rep.codebook
    level = float(agree["ci_level"].dropna().iloc[0]) * 100 if agree["ci_level"].notna().any() else 95.0
    rows = []
    for rec in agree.to_dict("records"):
        var, opt = _label(cb, rec["field"], rec["option"] if pd.notna(rec["option"]) else "", lang)
        if pd.notna(rec["option"]):
            var = f"{var}: {_label(cb, rec['variable'], None, lang)[1]}"
        kappa = (
            ""
            if pd.isna(rec["kappa"])
            else t(
                "cell.estimate_ci",
                lang,
                estimate=format_number(rec["kappa"], lang, digits),
                low=format_number(rec["ci_low"], lang, digits),
                high=format_number(rec["ci_high"], lang, digits),
            )
        )
        rows.append(
            {
                t("heading.variable", lang): var,
                t("heading.n_compared", lang): f"{int(rec['n'])}",
                t("heading.percent_agreement", lang): format_percent(rec["p_observed"], lang, 1)
                if pd.notna(rec["p_observed"])
                else "",
                t("heading.kappa_ci", lang, level=f"{level:g}"): kappa,
                "PABAK": "" if pd.isna(rec["pabak"]) else format_number(rec["pabak"], lang, digits),
                t("heading.alpha", lang): "" if pd.isna(rec["alpha"]) else format_number(rec["alpha"], lang, digits),
            }
        )
    shown = pd.DataFrame(rows)
    caption = caption or t("agreement.caption", lang)
    notes = [t("agreement.note", lang)]
    if rep.synthetic:
        notes.append(t("footnote.synthetic", lang))
    number = rep.caption_number("table", name)
    _write(rep, name, shown, agree, f"{number}: {caption}", notes)
    return html_table(shown, caption=caption, notes=notes, row_headers=1, number=number)


def agreement_lines(agree: pd.DataFrame) -> None:
    """Print ``column: n, % agreement, kappa`` lines for nbval (fixed format)."""
    for rec in agree.to_dict("records"):
        kappa = "NA" if pd.isna(rec["kappa"]) else f"{rec['kappa']:.3f}"
        print(f"{rec['variable']}: n={int(rec['n'])} agree={100 * rec['p_observed']:.1f}% kappa={kappa}")


def disagreements_view(rep: ViewReport, table: pd.DataFrame, *, name: str) -> Block:
    """How many disagreements each variable has (shown), and every one of them (written to tables/)."""
    lang, cb = rep.lang, rep.codebook
    counts = table.groupby("field", sort=False).size()
    shown = pd.DataFrame(
        {
            t("heading.variable", lang): [label(cb, f, lang=lang) if cb.knows(f) else f for f in counts.index],
            t("heading.disagreements", lang): [str(int(c)) for c in counts.to_numpy()],
        }
    )
    caption = t("agreement.disagreements_caption", lang, n=str(len(table)))
    notes = [t("agreement.disagreements_note", lang)]
    if rep.output_dir is not None:
        # review-level rows: never in the report's tables/ (circulated), only in its private/ folder
        # (mode 0700), which the runner moves to <output>/private/, outside every report and the index
        folder = private_folder(rep.output_dir)
        write_csv(table, folder / f"{name}.csv")
        write_xlsx({"disagreements": table}, folder / f"{name}.xlsx")
    return html_table(shown, caption=caption, notes=notes, row_headers=1, number=rep.caption_number("table", name))
