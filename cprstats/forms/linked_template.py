"""The linked tables' sheets of the Excel coding template: recommendations and the review process.

`add_linked_sheets` adds to a workbook (the one `cprstats.make_template` builds) a
``recommendations`` sheet and a ``process`` sheet made from the codebook's linked tables
(`cprstats.Codebook.table`) exactly as the ``coding`` sheet is made from the review table: the
field names in row 1 with a comment giving the title, definition and what to enter; drop-downs
of the value labels on single-choice fields; one yes/no column per option of a multi-response
field (``rag_police``, ``lea_gp`` ...); whole-number and year-month checks. Each sheet's
drop-down values go on a hidden sheet of its own (``lists_recommendations``,
``lists_process``). A short note on the instructions sheet says what the sheets are for.

`cprstats.forms.linked.read_linked` reads the sheets back by name.

The sheets follow the ``coding`` sheet of `cprstats.forms.template` cell for cell (the same
``template.*`` texts, the same checks), but the writer is this module's own:
`cprstats.forms.template` is to import this module (its `make_template` adds these sheets), so
this module cannot import it back.

Examples
--------
>>> from openpyxl import Workbook
>>> wb = Workbook()
>>> add_linked_sheets(wb, lang="cy", rows=5)
['recommendations', 'process']
>>> wb["recommendations"]["A1"].value, wb["lists_process"].sheet_state
('review_id', 'hidden')
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from cprstats.codebook.i18n import t
from cprstats.codebook.model import Codebook, check_lang, resolve
from cprstats.errors import ParameterError
from cprstats.forms.linked import TABLES

if TYPE_CHECKING:
    from openpyxl import Workbook

__all__ = ["add_linked_sheets", "LINKED_SHEETS"]

#: The sheets added, in the order they are added (``lists_<table>`` are hidden).
LINKED_SHEETS = tuple(name for table in TABLES for name in (table, f"lists_{table}"))


def add_linked_sheets(
    wb: Workbook,
    *,
    lang: str = "en",
    codebook: Codebook | str | os.PathLike[str] | None = None,
    rows: int = 500,
    tables: Iterable[str] = TABLES,
) -> list[str]:
    """Add the linked tables' sheets (with drop-downs and checks) to an openpyxl workbook.

    Parameters
    ----------
    wb : openpyxl.Workbook
        The workbook (for example the template `cprstats.make_template` builds, before it is
        saved). Its ``instructions`` sheet, if any, gets a note on the new sheets.
    lang : {"en", "cy"}
        Language of the drop-downs' labels and of the comments.
    codebook : Codebook or path, optional
    rows : int, default 500
        Rows below the header that carry the drop-downs and checks.
    tables : sequence of str
        Which linked tables (default both).

    Returns
    -------
    list of str
        The visible sheets added.

    Raises
    ------
    ParameterError
        An unknown ``lang`` or table, a sheet that already exists, or ``rows`` outside 1 to 100000.
    """
    check_lang(lang)
    if isinstance(rows, bool) or not isinstance(rows, int) or not 1 <= rows <= 100_000:
        raise ParameterError(f"rows={rows!r} is not allowed; give a whole number from 1 to 100000")
    cb = resolve(codebook)
    added = []
    for table in tables:
        view = cb.table(table)
        for name in (table, f"lists_{table}"):
            if name in wb.sheetnames:
                raise ParameterError(f"the workbook already has a sheet named {name!r}")
        ws = wb.create_sheet(table)
        lists = wb.create_sheet(f"lists_{table}")
        _sheet(ws, lists, view, lang, rows)
        lists.sheet_state = "hidden"
        added.append(table)
    if "instructions" in wb.sheetnames and added:
        _note(wb["instructions"], lang, added)
    return added


def _note(ws, lang: str, tables: list[str]) -> None:
    from openpyxl.styles import Alignment, Font

    r = ws.max_row + 2
    head = ws.cell(row=r, column=1, value=t("template.linked_head", lang))
    head.data_type = "s"
    head.font = Font(bold=True, size=12)
    for table in tables:
        r += 1
        cell = ws.cell(row=r, column=1, value=t(f"template.linked_{table}", lang))
        cell.data_type = "s"
        cell.alignment = Alignment(wrap_text=True, vertical="top")


# -------------------------------------------------- the sheet, as template._coding writes "coding"
YES_NO = {"en": ("yes", "no"), "cy": ("ie", "na")}
_FILLS = ("DDEBF7", "E2EFDA")


def _columns(view) -> list[tuple[str, object, str | None]]:
    """(column name, field, option) for every column of a linked sheet, in codebook order."""
    out = []
    for fld in view.input_fields:
        if fld.type == "list":
            out.extend((col, fld, c.value) for col, c in zip(fld.option_columns, fld.categories))
        else:
            out.append((fld.name, fld, None))
    return out


def _entry(fld, lang: str) -> str:
    yes, no = YES_NO[lang]
    cons = fld.constraints
    if fld.type == "list":
        text = t("template.e_option", lang, yes=yes, no=no)
    elif fld.categories:
        text = t("template.e_choice", lang)
    elif fld.type == "integer":
        lo, hi = cons.get("minimum", 0), cons.get("maximum")
        text = t("template.e_whole", lang, lo=lo, hi=hi) if hi is not None else t("template.e_whole_min", lang, lo=lo)
    elif fld.type in ("yearmonth", "date"):
        text = t("template.e_month", lang)
    else:
        text = t("template.e_text", lang, n=cons.get("maxLength", 255))
    if fld.required:
        text += " " + t("template.e_required", lang)
    return text


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "\u2026"


def _month_formula(ref: str, fld) -> str:
    lo = str(fld.constraints.get("minimum", "1900-01"))[:4]
    hi = str(fld.constraints.get("maximum", "2099-12"))[:4]
    year, month = f"VALUE(LEFT({ref},4))", f"VALUE(MID({ref},6,2))"
    text = f'AND(OR(LEN({ref})=7,LEN({ref})=10),MID({ref},5,1)="-",{year}>={lo},{year}<={hi},{month}>=1,{month}<=12)'
    return f"IF(ISNUMBER({ref}),TRUE,IFERROR({text},FALSE))"


def _put_list(ws, col: int, title: str, values: list[str]) -> str:
    from openpyxl.utils import get_column_letter, quote_sheetname

    letter = get_column_letter(col)
    ws.cell(row=1, column=col, value=title).data_type = "s"
    for i, v in enumerate(values, start=2):
        ws.cell(row=i, column=col, value=v).data_type = "s"
    return f"{quote_sheetname(ws.title)}!${letter}$2:${letter}${len(values) + 1}"


def _sheet(ws, lists, view, lang: str, rows: int) -> None:
    """Header with comments, drop-downs and checks on ``rows`` rows, lists on the hidden ``lists`` sheet."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    yes, no = YES_NO[lang]
    groups = list(view.groups)
    last = rows + 1
    list_col, flags = 0, None
    for j, (name, fld, option) in enumerate(_columns(view), start=1):
        letter = get_column_letter(j)
        cell = ws.cell(row=1, column=j, value=name)
        cell.data_type = "s"
        cell.font = Font(bold=True)
        colour = _FILLS[groups.index(fld.group) % 2] if fld.group in groups else _FILLS[0]
        cell.fill = PatternFill("solid", start_color=colour, end_color=colour)
        title = fld.title.get(lang) + (f": {fld.category(option).label.get(lang)}" if option else "")
        cell.comment = Comment(
            f"{title}\n\n{fld.description.get(lang)}\n\n{_entry(fld, lang)}", "cprstats", width=360, height=220
        )
        ws.column_dimensions[letter].width = max(12, min(len(name) + 3, 40))
        if fld.type == "list":
            if flags is None:
                list_col += 1
                flags = _put_list(lists, list_col, "yes/no", [yes, no])
            dv = DataValidation(type="list", formula1=flags, allow_blank=True, errorStyle="stop")
            dv.errorTitle, dv.error = t("template.v_bad_title", lang), t("template.v_flag", lang, yes=yes, no=no)
        elif fld.categories:
            list_col += 1
            ref = _put_list(lists, list_col, fld.name, [c.label.get(lang) for c in fld.categories])
            dv = DataValidation(type="list", formula1=ref, allow_blank=True, errorStyle="warning")
            dv.errorTitle, dv.error = t("template.v_list_title", lang), t("template.v_list", lang)
        elif fld.type == "integer":
            lo, hi = fld.constraints.get("minimum", 0), fld.constraints.get("maximum")
            dv = (
                DataValidation(type="whole", operator="greaterThanOrEqual", formula1=str(lo), allow_blank=True)
                if hi is None
                else DataValidation(
                    type="whole", operator="between", formula1=str(lo), formula2=str(hi), allow_blank=True
                )
            )
            dv.errorTitle, dv.error = t("template.v_bad_title", lang), _entry(fld, lang)
        elif fld.type in ("yearmonth", "date"):
            dv = DataValidation(type="custom", formula1=_month_formula(f"{letter}2", fld), allow_blank=True)
            dv.errorTitle, dv.error = t("template.v_bad_title", lang), t("template.e_month", lang)
            for r in range(2, last + 1):
                ws.cell(row=r, column=j).number_format = "@"  # text, so Excel keeps 2019-05 as typed
        else:
            n = int(fld.constraints.get("maxLength", 255))
            dv = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(n), allow_blank=True)
            dv.errorTitle, dv.error = t("template.v_bad_title", lang), t("template.e_text", lang, n=n)
            for r in range(2, last + 1):
                ws.cell(row=r, column=j).number_format = "@"
        dv.showErrorMessage = True
        dv.showInputMessage = True
        dv.promptTitle = _clip(name, 32)
        dv.prompt = _clip(_entry(fld, lang), 255)
        ws.add_data_validation(dv)
        dv.add(f"{letter}2:{letter}{last}")
    ws.freeze_panes = "C2"
