"""One data package, three tables: the linked tables beside the coded review table.

`cprstats.write_dataset` writes the review table (one row per subject child) with its
``datapackage.json``. `add_linked_tables` writes the coded ``recommendations`` and ``process``
tables as CSV files in the same folder and adds them to that ``datapackage.json`` as resources
whose Table Schema comes from the codebook's linked tables (`cprstats.Codebook.table`), with
a foreign key ``review_id`` -> the review table. Frictionless tools (``frictionless
validate``, R's ``frictionless::read_package()``) then read the three tables and check the
links; `read_linked_table` reads one back with its types.

All three files are written atomically and together: each goes to a temporary file first,
and they are renamed onto their targets only when all three are complete, the package last,
so a run stopped half-way leaves the old package (which does not list the new files, or
whose hashes no longer match them, so they are never read silently).

References
----------
Frictionless Data, Table Schema: foreign keys (https://specs.frictionlessdata.io/table-schema/#foreign-keys)
and Data Package (https://specs.frictionlessdata.io/data-package/).

Examples
--------
>>> import cprstats, tempfile, pathlib
>>> from cprstats.datasets.linked import load_linked
>>> out = pathlib.Path(tempfile.mkdtemp()) / "wales.csv"
>>> pkg = cprstats.write_dataset(cprstats.load_example("wales"), out)
>>> pkg = add_linked_tables(pkg, load_linked("wales", "recommendations"), load_linked("wales", "process"))
>>> import json; [r["name"] for r in json.loads(pkg.read_text())["resources"]]
['wales', 'recommendations', 'process']
>>> read_linked_table(out.parent / "recommendations.csv", "recommendations").attrs["table"]
'recommendations'
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from contextlib import ExitStack
from pathlib import Path

import pandas as pd

from cprstats.codebook.model import Codebook, TableCodebook, check_lang, resolve
from cprstats.errors import FormsError, ParameterError
from cprstats.io import atomic_path, write_csv, write_json
from cprstats.io.datapackage import SYNTHETIC_NOTE, dataset_to_text, read_dataset, table_schema

__all__ = ["add_linked_tables", "linked_schema", "read_linked_table", "LINKED_TABLES"]

LINKED_TABLES = ("recommendations", "process")
_DESCRIPTION = {
    "recommendations": "Recommendations of the reviews and their life in the boards' action plans, one row per "
    "recommendation; review_id links to the review table.",
    "process": "The review process, one row per referral (a referral that led to no review has no review_id); "
    "review_id links to the review table.",
}


def _view(table: str, codebook=None) -> TableCodebook:
    if table not in LINKED_TABLES:
        raise ParameterError(f"table={table!r} is not a linked table; use one of {', '.join(LINKED_TABLES)}")
    if isinstance(codebook, TableCodebook):
        return codebook if codebook.table_name == table else codebook.table(table)
    return resolve(codebook).table(table)


def linked_schema(
    table: str,
    review_resource: str,
    *,
    codebook: Codebook | str | os.PathLike[str] | None = None,
    lang: str = "en",
    columns: Iterable[str] | None = None,
) -> dict:
    """The Table Schema of linked table ``table``: fields from the codebook, its key, the foreign key.

    Parameters
    ----------
    table : {"recommendations", "process"}
    review_resource : str
        The name of the review table's resource in the package (the foreign key's target).
    codebook : Codebook or path, optional
    lang : {"en", "cy"}
    columns : list of str, optional
        The table's columns (default: every coded column of the table).

    Examples
    --------
    >>> s = linked_schema("recommendations", "wales")
    >>> s["primaryKey"], s["foreignKeys"][0]["reference"]
    (['review_id', 'rec_no'], {'resource': 'wales', 'fields': ['review_id']})
    >>> "primaryKey" in linked_schema("process", "wales")
    False
    """
    check_lang(lang)
    view = _view(table, codebook)
    schema = table_schema(view, lang, columns if columns is not None else list(view.coded_columns))
    schema.pop("primaryKey", None)
    if view.primary_key:
        schema["primaryKey"] = list(view.primary_key)
    else:  # one row per referral: review_id is unique where it is given (a referral with no review has none)
        for f in schema["fields"]:
            if f["name"] == "review_id":
                f.setdefault("constraints", {})["unique"] = True
    schema["foreignKeys"] = [
        {"fields": ["review_id"], "reference": {"resource": review_resource, "fields": ["review_id"]}}
    ]
    schema["x-cprstats-table"] = {"name": table, "unit": view.unit}
    return schema


def _review_resource(meta: dict, pkg: Path) -> dict:
    for res in meta.get("resources", []):
        if not isinstance(res, dict) or res.get("name") in LINKED_TABLES:
            continue
        names = [f.get("name") for f in res.get("schema", {}).get("fields", [])]
        if "review_id" in names and "child_no" in names:
            return res
    raise FormsError(f"{pkg}: no resource holds the review table (review_id, child_no); write it with write_dataset")


def add_linked_tables(
    package: str | os.PathLike[str],
    recommendations: pd.DataFrame | None = None,
    process: pd.DataFrame | None = None,
    *,
    codebook: Codebook | str | os.PathLike[str] | None = None,
    lang: str = "en",
    synthetic: bool | None = None,
) -> Path:
    """Write the coded linked tables beside the review table and add them to its ``datapackage.json``.

    Parameters
    ----------
    package : str or Path
        The ``datapackage.json`` that `cprstats.write_dataset` wrote, or the review CSV beside it.
    recommendations, process : DataFrame, optional
        Coded linked tables (`cprstats.forms.linked.code_table`); each is written as
        ``<table>.csv`` and its resource added (or replaced).
    codebook : Codebook or path, optional
    lang : {"en", "cy"}
        Language of the schemas' titles and labels.
    synthetic : bool, optional
        Mark the package synthetic (default: what it already says, or the tables' ``attrs``).

    Returns
    -------
    Path
        The ``datapackage.json`` written.

    Raises
    ------
    FormsError
        No ``datapackage.json``, or none of its resources is the review table.
    ParameterError
        A table that is not a coded linked table.
    """
    check_lang(lang)
    p = Path(package)
    pkg = p if p.name == "datapackage.json" else p.parent / "datapackage.json"
    if not pkg.is_file():
        raise FormsError(f"{pkg}: no data package here; write the review table first with cprstats.write_dataset")
    try:
        meta = json.loads(pkg.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FormsError(f"{pkg}: not a readable data package ({type(exc).__name__})") from None
    if not isinstance(meta, dict) or not isinstance(meta.get("resources"), list):
        raise FormsError(f"{pkg}: not a data package (it needs a list of resources)")
    review = _review_resource(meta, pkg)
    given = {t: df for t, df in (("recommendations", recommendations), ("process", process)) if df is not None}
    for table, df in given.items():
        view = _view(table, codebook)
        if not isinstance(df, pd.DataFrame) or not set(view.coded_columns) <= set(df.columns):
            raise ParameterError(f"{table}: pass the coded {table} table (cprstats.forms.linked.code_table)")
    flag = meta.get("x-cprstats", {}).get("synthetic")
    if synthetic is None:
        synthetic = bool(flag) or any(bool(df.attrs.get("synthetic")) for df in given.values())
    with ExitStack() as stack:
        tmp_pkg = stack.enter_context(atomic_path(pkg))  # entered first, so renamed last
        resources = [r for r in meta["resources"] if not (isinstance(r, dict) and r.get("name") in given)]
        for table, df in given.items():
            target = pkg.parent / f"{table}.csv"
            tmp = stack.enter_context(atomic_path(target))
            write_csv(dataset_to_text(df), tmp)
            desc = _DESCRIPTION[table]
            resources.append(
                {
                    "name": table,
                    "path": target.name,
                    "profile": "tabular-data-resource",
                    "description": (SYNTHETIC_NOTE + " " + desc) if synthetic else desc,
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8-sig",
                    "dialect": {"delimiter": ",", "header": True, "lineTerminator": "\n"},
                    "hash": "sha256:" + hashlib.sha256(tmp.read_bytes()).hexdigest(),
                    "schema": linked_schema(
                        table, review["name"], codebook=codebook, lang=lang, columns=list(df.columns)
                    ),
                }
            )
        order = {name: i for i, name in enumerate(LINKED_TABLES, start=1)}
        resources.sort(key=lambda r: order.get(r.get("name"), 0) if isinstance(r, dict) else 0)
        meta["resources"] = resources
        if synthetic:
            meta.setdefault("x-cprstats", {})["synthetic"] = True
        write_json(meta, tmp_pkg)
    return pkg


def read_linked_table(
    path: str | os.PathLike[str], table: str, *, codebook: Codebook | str | os.PathLike[str] | None = None
) -> pd.DataFrame:
    """Read a coded linked table CSV (from `add_linked_tables`) with its codebook types.

    The file's hash is checked against the ``datapackage.json`` beside it, as
    `cprstats.read_dataset` checks the review table's.

    Returns
    -------
    pandas.DataFrame
        With ``attrs["table"]`` and ``attrs["coded"]`` set, so `cprstats.forms.linked.code_linked`
        takes it as coded.
    """
    view = _view(table, codebook)
    df = read_dataset(path, codebook=view)
    df.attrs.update({"table": table, "coded": True})
    return df
