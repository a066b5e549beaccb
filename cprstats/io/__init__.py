"""Safe writing: every file cprstats writes goes through this module.

The data are about children who died or were seriously harmed, and the outputs are opened
in Excel on council laptops. So every write here is

* **atomic**: written to a temporary file in the same folder, flushed to disk and renamed
  onto the target only when complete (`atomic_path`). A run stopped half-way (Ctrl-C, a
  crash, a full disk) leaves the old file or no file, never half a file;
* **safe to open in a spreadsheet**: text cells that Excel would read as a formula are
  neutralised (`neutralise_formulas`, following the OWASP guidance on CSV injection,
  https://owasp.org/www-community/attacks/CSV_Injection);
* **deterministic**: the same data give the same bytes (sorted JSON keys, fixed line ends,
  fixed XLSX timestamps), so committed outputs can be checked byte for byte;
* **UTF-8 with a byte-order mark** for CSV, so Excel shows Welsh letters (ŵ, ŷ, â) correctly.

Decisions
---------
Line ends
    CSV and text files are written with ``"\\n"`` on every platform. pandas would otherwise
    use the platform's separator, so a file written on Windows would differ byte for byte
    from the committed one. Excel, R (``read.csv``, ``readr``), SPSS, Stata and pandas all
    read ``"\\n"`` files.
Numbers typed as text
    OWASP advises prefixing every cell that starts with ``-`` or ``+``. A cell holding a
    plain number (``"-3"``, ``"+44"``, ``"-1.5e3"``) is left alone: it cannot carry a
    formula (Excel reads it as the number), and prefixing it would turn real numbers into
    text. Numeric columns are never touched. Anything else that starts with ``=``, ``+``,
    ``-``, ``@``, a tab, a carriage return or a null character (OWASP ASVS 5.0, 1.2.10)
    gets a leading apostrophe in CSV.
XLSX
    openpyxl stores a ``str`` that starts with ``=`` as a formula. Here every text cell is
    stored as a string (``data_type = "s"``) and risky ones also get Excel's own
    "quote prefix" style, so Excel shows the text as typed (no visible apostrophe) and does
    not turn it into a formula even if the cell is edited.

This module is internal (not exported from ``cprstats``); other modules import it directly
(``from cprstats.io import write_csv``). The code lives in `cprstats.io.atomic` (atomic
files, text, JSON, output folders), `cprstats.io.spreadsheet` (formulas, HTML escaping, CSV) and
`cprstats.io.spreadsheet` (workbooks); this module gathers them in one place.

Examples
--------
>>> import pandas as pd
>>> neutralise_formulas(pd.DataFrame({"note": ["=1+1", "-3", "ok"]}))["note"].tolist()
["'=1+1", '-3', 'ok']
"""

from __future__ import annotations

from cprstats.io.atomic import atomic_path, dumps_json, ensure_new_folder, write_bytes, write_json, write_text
from cprstats.io.spreadsheet import (  # noqa: F401  (_fixed_time: the exporters' timestamp)
    FORMULA_TRIGGERS,
    _fixed_time,
    escape_html,
    needs_neutralising,
    neutralise_formulas,
    save_workbook,
    write_csv,
    write_xlsx,
)

__all__ = [
    "atomic_path",
    "write_csv",
    "write_xlsx",
    "save_workbook",
    "write_text",
    "write_bytes",
    "write_json",
    "dumps_json",
    "neutralise_formulas",
    "needs_neutralising",
    "escape_html",
    "ensure_new_folder",
    "FORMULA_TRIGGERS",
]
