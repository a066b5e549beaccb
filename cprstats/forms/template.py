"""The Excel coding template, made from the codebook.

`make_template` writes a workbook a coder fills in, one row per subject child, that
`cprstats.read_forms` and `cprstats.code_reviews` read back without conversion:

``instructions``
    How to fill it in, the multi-response convention, and the data-protection rules, in
    the chosen language.
``coding``
    Row 1 holds the codebook variable names of the variables a coder types (the names
    `read_forms` matches, so they are the same in both languages), frozen, each with a
    comment giving its title and definition in the chosen language. Below, a number of
    validated rows: a drop-down of the value labels (chosen language) on every
    single-choice variable; one column per option (``<prefix>_<code>``, e.g.
    ``cv_neglect``) with a yes/no drop-down (Welsh ie/na) for every multi-response
    variable; whole-number checks with the codebook's minimum and maximum; a year-month
    check (``yyyy-mm``, or a full date ``yyyy-mm-dd``) on dates, whose cells are text so
    that Excel does not turn ``2019-05`` into a date.
``codebook``
    Every variable and value with its label and definition, in the chosen language.
``lists``
    Hidden: the drop-down values (a list longer than 255 characters, or a label with a
    comma, cannot be written into the validation itself).

The single-choice drop-downs warn but let a coder type a code or a label in the other
language (the coder accepts all three); the other checks refuse a bad value. Excel does
not check pasted values, so every form is validated again when it is coded.

The sheet texts are the ``template.*`` strings of ``cprstats/codebook/strings.yaml`` (English and
Welsh, read through `cprstats.codebook.i18n.t`); while their Welsh awaits a translator's review, the
Welsh workbook says so on its instructions sheet.

Examples
--------
>>> import cprstats
>>> cprstats.make_template("coding_template.xlsx", lang="cy")  # doctest: +SKIP
PosixPath('coding_template.xlsx')
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cprstats.codebook.i18n import t, texts
from cprstats.codebook.model import Codebook, check_lang, resolve
from cprstats.errors import ParameterError
from cprstats.forms.linked_template import LINKED_SHEETS, add_linked_sheets
from cprstats.io import save_workbook

__all__ = ["make_template", "SHEETS", "YES_NO"]

#: Sheet names, fixed in both languages (``coding`` is the sheet `read_forms` reads).
SHEETS = ("instructions", "coding", "codebook", "lists", *LINKED_SHEETS)
#: The words of the yes/no drop-down of option columns, per language (both are read by the coder).
YES_NO = {"en": ("yes", "no"), "cy": ("ie", "na")}


def _t(key: str, lang: str, **fmt: Any) -> str:
    """The sheet text ``template.<key>`` of ``cprstats/codebook/strings.yaml`` in ``lang``."""
    return t(f"template.{key}", lang, **fmt)


def _welsh_awaits_review() -> bool:
    """Whether any Welsh sheet text is still unverified (then the Welsh workbook says so)."""
    return any(not text.cy_verified for key, text in texts() if key.startswith("template."))


def make_template(
    path: str | os.PathLike[str],
    *,
    lang: str = "en",
    codebook: Codebook | str | os.PathLike[str] | None = None,
    rows: int = 500,
) -> Path:
    """Write an Excel coding template made from the codebook.

    Parameters
    ----------
    path : str or Path
        The ``.xlsx`` file to write (replaced atomically if it exists).
    lang : {"en", "cy"}, default "en"
        Language of the labels in the drop-downs, the header comments, the codebook and
        the instructions. The column names are the codebook's variable names in both.
    codebook : Codebook or path, optional
        A researcher's own codebook; by default the packaged one.
    rows : int, default 500
        Number of rows below the header that carry the drop-downs and checks.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    ParameterError
        An unknown ``lang``, a path not ending in ``.xlsx``, or ``rows`` outside 1 to 100000.

    Examples
    --------
    >>> make_template("outputs/coding_template_cy.xlsx", lang="cy")  # doctest: +SKIP
    PosixPath('outputs/coding_template_cy.xlsx')
    """
    from openpyxl import Workbook

    check_lang(lang)
    if isinstance(rows, bool) or not isinstance(rows, int) or not 1 <= rows <= 100_000:
        raise ParameterError(f"rows={rows!r} is not allowed; give a whole number from 1 to 100000")
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise ParameterError(f"path={str(target)!r} must end in .xlsx (an Excel workbook)")
    cb = resolve(codebook)
    wb = Workbook()
    wb.remove(wb.active)
    ws_i, ws_c, ws_b, ws_l = (wb.create_sheet(name) for name in SHEETS[:4])
    _instructions(ws_i, cb, lang)
    _coding(ws_c, ws_l, cb, lang, rows)
    _codebook_sheet(ws_b, cb, lang)
    ws_l.sheet_state = "hidden"
    add_linked_sheets(wb, lang=lang, codebook=cb, rows=rows)
    wb.active = 1  # open on the coding sheet
    return save_workbook(wb, target)


# --------------------------------------------------------------------------- sheets
def _instructions(ws, cb, lang):
    from openpyxl.styles import Alignment, Font

    yes, no = YES_NO[lang]
    multi = ", ".join(f.title.get(lang).lower() for f in cb.input_fields if f.type == "list")
    restricted = ", ".join(f.name for f in cb.input_fields if f.restricted)
    lines = [
        ("title", _t("title", lang, title=cb.title.get(lang), version=cb.version)),
        ("head", _t("how", lang)),
        *[
            ("text", _t(k, lang, names=multi, yes=yes, no=no))
            for k in ("rows", "headers", "lists", "dates", "numbers", "multi", "none", "empty", "check")
        ],
        ("head", _t("protect", lang)),
        ("text", _t("never", lang)),
        ("text", _t("private", lang)),
    ]
    if restricted:
        lines.append(("text", _t("restricted", lang, names=restricted)))
    if lang == "cy" and _welsh_awaits_review():
        lines.append(("text", _t("review_note", lang)))
    ws.column_dimensions["A"].width = 110
    r = 1
    for kind, text in lines:
        if kind == "head":
            r += 1
        cell = ws.cell(row=r, column=1, value=text)
        cell.data_type = "s"
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if kind in ("title", "head"):
            cell.font = Font(bold=True, size=14 if kind == "title" else 12)
        r += 1


def _columns(cb):
    """(column name, field, option) for every column of the coding sheet, in codebook order."""
    out = []
    for fld in cb.input_fields:
        if fld.type == "list":
            out.extend((col, fld, c.value) for col, c in zip(fld.option_columns, fld.categories))
        else:
            out.append((fld.name, fld, None))
    return out


def _entry(fld, lang) -> str:
    yes, no = YES_NO[lang]
    cons = fld.constraints
    if fld.type == "list":
        text = _t("e_option", lang, yes=yes, no=no)
    elif fld.categories:
        text = _t("e_choice", lang)
    elif fld.type == "integer":
        lo, hi = cons.get("minimum"), cons.get("maximum")
        text = (
            _t("e_whole", lang, lo=lo, hi=hi)
            if hi is not None
            else _t("e_whole_min", lang, lo=lo if lo is not None else 0)
        )
    elif fld.type in ("yearmonth", "date"):
        text = _t("e_month", lang)
    else:
        text = _t("e_text", lang, n=cons.get("maxLength", 255))
    if fld.required:
        text += " " + _t("e_required", lang)
    if fld.derived is not None:
        text += " " + _t("e_optional_derived", lang)
    return text


def _coding(ws, lists, cb, lang, rows):
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    yes, no = YES_NO[lang]
    fills = ("DDEBF7", "E2EFDA")
    groups = list(cb.groups)
    list_col = 0
    flag_range = None
    last = rows + 1
    for j, (name, fld, option) in enumerate(_columns(cb), start=1):
        letter = get_column_letter(j)
        cell = ws.cell(row=1, column=j, value=name)
        cell.data_type = "s"
        cell.font = Font(bold=True)
        colour = fills[groups.index(fld.group) % 2] if fld.group in groups else fills[0]
        cell.fill = PatternFill("solid", start_color=colour, end_color=colour)
        if option is None:
            note = f"{fld.title.get(lang)}\n\n{fld.description.get(lang)}\n\n{_entry(fld, lang)}"
        else:
            label = fld.category(option).label.get(lang)
            note = f"{fld.title.get(lang)}: {label}\n\n{fld.description.get(lang)}\n\n{_entry(fld, lang)}"
        cell.comment = Comment(note, "cprstats", width=360, height=220)
        ws.column_dimensions[letter].width = max(12, min(len(name) + 3, 40))
        span = f"{letter}2:{letter}{last}"
        dv = None
        if fld.type == "list":
            if flag_range is None:
                list_col += 1
                flag_range = _put_list(lists, list_col, "yes/no", [yes, no], quote_sheetname)
            dv = DataValidation(
                type="list",
                formula1=flag_range,
                allow_blank=True,
                errorStyle="stop",
                errorTitle=_t("v_bad_title", lang),
                error=_t("v_flag", lang, yes=yes, no=no),
            )
        elif fld.categories:
            list_col += 1
            ref = _put_list(lists, list_col, fld.name, [c.label.get(lang) for c in fld.categories], quote_sheetname)
            dv = DataValidation(
                type="list",
                formula1=ref,
                allow_blank=True,
                errorStyle="warning",
                errorTitle=_t("v_list_title", lang),
                error=_t("v_list", lang),
            )
        elif fld.type == "integer":
            lo, hi = fld.constraints.get("minimum", 0), fld.constraints.get("maximum")
            if hi is None:
                dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1=str(lo), allow_blank=True)
            else:
                dv = DataValidation(
                    type="whole", operator="between", formula1=str(lo), formula2=str(hi), allow_blank=True
                )
            dv.errorTitle, dv.error = _t("v_bad_title", lang), _entry(fld, lang)
        elif fld.type in ("yearmonth", "date"):
            dv = DataValidation(
                type="custom",
                formula1=_month_formula(f"{letter}2", fld),
                allow_blank=True,
                errorTitle=_t("v_bad_title", lang),
                error=_t("e_month", lang),
            )
            _text_cells(ws, j, last)
        elif fld.type == "string":
            n = int(fld.constraints.get("maxLength", 255))
            dv = DataValidation(
                type="textLength",
                operator="lessThanOrEqual",
                formula1=str(n),
                allow_blank=True,
                errorTitle=_t("v_bad_title", lang),
                error=_t("e_text", lang, n=n),
            )
            _text_cells(ws, j, last)
        if dv is not None:
            dv.showErrorMessage = True
            dv.showInputMessage = True
            dv.promptTitle = _clip(name, 32)
            dv.prompt = _clip(_entry(fld, lang), 255)
            ws.add_data_validation(dv)
            dv.add(span)
    ws.freeze_panes = "C2"


def _put_list(ws, col, title, values, quote):
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(col)
    ws.cell(row=1, column=col, value=title).data_type = "s"
    for i, v in enumerate(values, start=2):
        ws.cell(row=i, column=col, value=v).data_type = "s"
    return f"{quote(ws.title)}!${letter}$2:${letter}${len(values) + 1}"


def _text_cells(ws, col, last):
    for r in range(2, last + 1):
        ws.cell(row=r, column=col).number_format = "@"


def _month_formula(ref: str, fld) -> str:
    """Excel formula: a real date, or text yyyy-mm / yyyy-mm-dd within the codebook's years."""
    lo = str(fld.constraints.get("minimum", "1900-01"))[:4]
    hi = str(fld.constraints.get("maximum", "2099-12"))[:4]
    year, month = f"VALUE(LEFT({ref},4))", f"VALUE(MID({ref},6,2))"
    text = f'AND(OR(LEN({ref})=7,LEN({ref})=10),MID({ref},5,1)="-",{year}>={lo},{year}<={hi},{month}>=1,{month}<=12)'
    return f"IF(ISNUMBER({ref}),TRUE,IFERROR({text},FALSE))"


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "\u2026"


def _codebook_sheet(ws, cb, lang):
    from openpyxl.styles import Alignment, Font

    head = [_t(k, lang) for k in ("h_column", "h_variable", "h_title", "h_value", "h_label", "h_definition")]
    rows = [head]
    for fld in cb.input_fields:
        rows.append(
            [
                fld.name if fld.type != "list" else "",
                fld.name,
                fld.title.get(lang),
                "",
                "",
                f"{fld.description.get(lang)} {_entry(fld, lang)}",
            ]
        )
        for c in fld.categories:
            col = f"{fld.prefix}_{c.value}" if fld.type == "list" else fld.name
            rows.append([col, fld.name, "", c.value, c.label.get(lang), ""])
    for i, rec in enumerate(rows, start=1):
        for j, v in enumerate(rec, start=1):
            if v == "":
                continue
            cell = ws.cell(row=i, column=j, value=v)
            cell.data_type = "s"
            if j == 6:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if i == 1 or (j == 2 and rec[2]):
                cell.font = Font(bold=True)
    for letter, width in zip("ABCDEF", (30, 24, 36, 26, 40, 80)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
