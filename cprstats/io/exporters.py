"""Export a coded dataset for SPSS, Stata, R/Arrow or as a CSV data package.

(The module is ``exporters``, not ``export``, so that importing it cannot replace the
function ``cprstats.export`` on the package.)

Variable and value labels come from the codebook, in English or Welsh. How each kind of
column is written:

================  ============================================  ==========================
coded column      SPSS ``.sav`` and Stata ``.dta``              Parquet
================  ============================================  ==========================
single choice     numbers 1..k in codebook order, value labels  categorical of the codes
                  (SPSS measure nominal, or ordinal if the
                  codebook orders the values)
option / boolean  0/1 with value labels No/Yes (Na/Ie)          nullable boolean
integer           numeric                                       nullable Int64
year-month        SPSS date at the 1st of the month, shown as   ``"YYYY-MM"`` text
                  MOYR8 (``MAY 2019``); Stata monthly date
                  ``%tm`` (months since 1960m1)
text              string                                        string
missing           system missing (``.``); ``""`` for text       null
================  ============================================  ==========================

Variable labels are the codebook titles; an option's label is ``"<variable>: <option>"``.
Stata allows 80 characters in a variable label: a longer one is cut at a word boundary
and ends with ``…`` (the full texts are in the codebook and ``datapackage.json``). SPSS
allows 120 bytes in a value label and 256 in a variable label; longer ones are cut the
same way. Stata files are version 118 (Unicode), so Welsh letters such as ŵ survive.
Parquet files carry the labels as JSON in the schema metadata under ``cprstats``. CSV
exports are the coded CSV with its ``datapackage.json`` (`cprstats.write_dataset`).

Restricted variables (``age_months``) are left out unless ``include_restricted=True``;
a file that holds one must never be published.

Examples
--------
>>> import cprstats
>>> cprstats.export(cprstats.load_example("wales"), "wales.sav", format="sav", lang="cy")  # doctest: +SKIP
PosixPath('wales.sav')
"""

from __future__ import annotations

import json
import os
import re
import warnings
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from cprstats.codebook.model import Codebook, check_lang, load_codebook
from cprstats.errors import CprstatsError, FormsError, ParameterError
from cprstats.io import _fixed_time, atomic_path
from cprstats.io.datapackage import read_dataset, write_dataset

__all__ = ["export", "labelled", "FORMATS", "STATA_LABEL_MAX"]

#: Export formats and their file suffixes.
FORMATS = {"sav": ".sav", "dta": ".dta", "parquet": ".parquet", "csv": ".csv"}
#: Longest variable label Stata accepts (characters).
STATA_LABEL_MAX = 80
_SPSS_VALUE_BYTES, _SPSS_VAR_BYTES = 120, 256
_YES_NO = {"en": ("No", "Yes"), "cy": ("Na", "Ie")}


def _cut(text: str, limit: int, *, by_bytes: bool = False) -> str:
    """``text`` shortened to ``limit`` characters (or UTF-8 bytes) at a word boundary, ending in …."""
    size = (lambda s: len(s.encode("utf-8"))) if by_bytes else len
    if size(text) <= limit:
        return text
    cut = text
    while cut and size(cut + "\u2026") > limit:
        cut = cut[:-1]
    if " " in cut[len(cut) // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:-") + "\u2026"


def labelled(
    df: pd.DataFrame, *, lang: str = "en", codebook: Codebook | str | os.PathLike[str] | None = None
) -> tuple[pd.DataFrame, dict, dict, dict]:
    """The coded dataset as numbers with labels, ready for SPSS or Stata.

    Parameters
    ----------
    df : pandas.DataFrame
        A coded dataset.
    lang : {"en", "cy"}
    codebook : Codebook or path, optional

    Returns
    -------
    frame : pandas.DataFrame
        Single-choice columns as 1..k, options and booleans as 0/1, integers as floats,
        months as datetimes at the 1st of the month, text as str (``""`` if missing).
    variable_labels : dict of str to str
        Unshortened.
    value_labels : dict of str to dict of float to str
    measure : dict of str to str
        SPSS measurement level: ``nominal``, ``ordinal`` or ``scale``.

    Examples
    --------
    >>> import cprstats
    >>> cb = cprstats.load_codebook()
    >>> df = pd.DataFrame({"outcome": pd.Categorical(["death", None], categories=cb.field("outcome").codes),
    ...                    "harm_neglect": pd.array([True, pd.NA], dtype="boolean")})
    >>> frame, labels, values, measure = labelled(df, lang="cy")
    >>> frame["outcome"].tolist(), values["outcome"][1.0], values["harm_neglect"][1.0]
    ([1.0, nan], 'Marwolaeth', 'Ie')
    """

    check_lang(lang)
    cb = codebook if hasattr(codebook, "coded_columns") else load_codebook(codebook)
    no, yes = _YES_NO[lang]
    frame, var_labels, value_labels, measure = {}, {}, {}, {}
    known = set(cb.coded_columns)
    for col in df.columns:
        s = df[col]
        if col not in known:
            frame[col] = (
                s.astype("string").fillna("").astype(object)
                if not pd.api.types.is_numeric_dtype(s)
                else s.astype(float)
            )
            measure[col] = "scale" if pd.api.types.is_numeric_dtype(s) else "nominal"
            continue
        fld, option = cb.resolve(col)
        if option is not None:
            var_labels[col] = f"{fld.title.get(lang)}: {fld.category(option).label.get(lang)}"
        else:
            var_labels[col] = fld.title.get(lang)
        if option is not None or fld.type == "boolean":
            frame[col] = s.astype("boolean").astype("Float64").to_numpy(dtype=float, na_value=np.nan)
            value_labels[col] = {0.0: no, 1.0: yes}
            measure[col] = "nominal"
        elif fld.categories:
            codes = pd.Categorical(s, categories=fld.codes).codes
            frame[col] = np.where(codes < 0, np.nan, codes + 1.0)
            value_labels[col] = {float(i + 1): c.label.get(lang) for i, c in enumerate(fld.categories)}
            measure[col] = "ordinal" if fld.ordered else "nominal"
        elif fld.type in ("integer", "number"):
            frame[col] = pd.to_numeric(s, errors="coerce").astype("Float64").to_numpy(dtype=float, na_value=np.nan)
            measure[col] = "scale"
        elif fld.type in ("yearmonth", "date"):
            frame[col] = (s.dt.to_timestamp() if isinstance(s.dtype, pd.PeriodDtype) else pd.to_datetime(s)).astype(
                "datetime64[s]"
            )
            measure[col] = "scale"
        else:
            frame[col] = s.astype("string").fillna("").astype(object)
            measure[col] = "nominal"
    return pd.DataFrame(frame, index=df.index).reset_index(drop=True), var_labels, value_labels, measure


def _load(dataset, cb) -> pd.DataFrame:
    """The dataset to export. A path is read with `read_dataset`, which trusts the file: a coded
    dataset from elsewhere is screened first by `cprstats.datasets.loader.load_data` (through
    `cprstats.forms.reader.screen_dataset`), as ``cprstats export`` does."""
    if isinstance(dataset, pd.DataFrame):
        return dataset
    if isinstance(dataset, bytes):
        dataset = dataset.decode("utf-8", "replace")
    if isinstance(dataset, str) or hasattr(dataset, "__fspath__"):
        try:
            return read_dataset(dataset, codebook=cb)
        except CprstatsError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError, OSError, RecursionError) as exc:
            raise FormsError(
                f"{dataset}: not a coded dataset that can be read ({type(exc).__name__}); "
                "write it again with `cprstats code`"
            ) from None
    raise ParameterError(f"dataset must be a coded DataFrame or the path of a coded CSV, got {type(dataset).__name__}")


#: SPSS variable names: a letter, @, # or $ first, then letters, digits and . _ @ # $; at most 64 bytes;
#: not a reserved word (IBM SPSS Statistics, "Variable names").
_SPSS_NAME = re.compile(r"^[^\W\d_@#$.][\w.@#$]*$|^[@#$][\w.@#$]*$")
_SPSS_RESERVED = frozenset("ALL AND BY EQ GE GT LE LT NE NOT OR TO WITH".split())


def _check_spss_names(columns) -> None:
    for c in columns:
        name = str(c)
        ok = (
            bool(_SPSS_NAME.match(name))
            and not name.endswith(".")
            and len(name.encode("utf-8")) <= 64
            and name.upper() not in _SPSS_RESERVED
        )
        if not ok:
            raise ParameterError(
                f"column {name!r} cannot be an SPSS variable name: a name starts with a letter, holds "
                "only letters, digits and . _ @ # $ (no spaces), has at most 64 bytes and is not a reserved word "
                "(ALL, AND, BY, ...); rename the column (or leave out --keep-column) and export again"
            )


def export(
    dataset: pd.DataFrame | str | os.PathLike[str],
    path: str | os.PathLike[str],
    *,
    format: str,
    lang: str = "en",
    codebook: Codebook | str | os.PathLike[str] | None = None,
    include_restricted: bool = False,
) -> Path:
    """Write a coded dataset as SPSS ``.sav``, Stata ``.dta``, Parquet or a CSV data package.

    Parameters
    ----------
    dataset : DataFrame or path
        A coded dataset, or the path of a coded CSV written by `cprstats.write_dataset`
        (with its ``datapackage.json``).
    path : str or Path
        The file to write; its suffix must match ``format``. Written atomically.
    format : {"sav", "dta", "parquet", "csv"}
    lang : {"en", "cy"}, default "en"
        Language of the variable and value labels.
    codebook : Codebook or path, optional
    include_restricted : bool, default False
        Keep restricted variables (``age_months``). Off by default: they must never be
        published. With True a warning is given.

    Returns
    -------
    pathlib.Path
        The file written (for ``csv``, the CSV; ``datapackage.json`` is beside it).

    Raises
    ------
    ParameterError
        An unknown format or language, a suffix that does not match the format, or (for
        ``csv``) a folder whose ``datapackage.json`` describes another file.

    See Also
    --------
    labelled : the conversion used for SPSS and Stata (see the module notes for the mapping).

    Examples
    --------
    >>> export(data, "out/wales.dta", format="dta", lang="cy")  # doctest: +SKIP
    PosixPath('out/wales.dta')
    """

    if format not in FORMATS:
        raise ParameterError(f"format={format!r} is not allowed; use one of {', '.join(FORMATS)}")
    check_lang(lang)
    if not isinstance(include_restricted, bool):
        raise ParameterError(f"include_restricted must be True or False, got {include_restricted!r}")
    target = Path(path)
    if target.suffix.lower() != FORMATS[format]:
        raise ParameterError(f"path={str(target)!r} must end in {FORMATS[format]} for format={format!r}")
    cb = codebook if hasattr(codebook, "coded_columns") else load_codebook(codebook)
    df = _load(dataset, cb)
    known = set(cb.coded_columns)
    restricted = [c for c in df.columns if c in known and cb.resolve(c)[0].restricted]
    if include_restricted and restricted:
        warnings.warn(
            f"the export holds restricted variables ({', '.join(restricted)}); it must never be published",
            UserWarning,
            stacklevel=2,
        )
    elif restricted:
        df = df.drop(columns=restricted)
    synthetic = bool(df.attrs.get("synthetic"))
    if format == "csv":
        return _csv(df, target, cb, lang)
    if format == "parquet":
        return _parquet(df, target, cb, lang, synthetic)
    frame, var_labels, value_labels, measure = labelled(df, lang=lang, codebook=cb)
    title = ("SYNTHETIC: " if synthetic else "") + cb.title.get(lang)
    return (_sav if format == "sav" else _dta)(frame, target, var_labels, value_labels, measure, title)


def _sav(frame, target, var_labels, value_labels, measure, title) -> Path:
    import pyreadstat

    _check_spss_names(frame.columns)
    dates = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]
    out = frame.copy()
    for c in dates:  # pyreadstat writes date objects; MOYR8 shows them as "MAY 2019"
        out[c] = [None if pd.isna(v) else v.date() for v in frame[c]]
    formats = {c: "MOYR8" for c in dates}
    for c, labels in value_labels.items():
        formats[c] = f"F{len(str(int(max(labels))))}.0"
    for c in frame.columns:
        if measure.get(c) == "scale" and c not in dates:
            formats[c] = "F8.0"
    with atomic_path(target) as tmp, _writer_errors(target, "SPSS"):
        pyreadstat.write_sav(
            out,
            tmp,
            file_label=_cut(title, 64, by_bytes=True),
            column_labels={c: _cut(v, _SPSS_VAR_BYTES, by_bytes=True) for c, v in var_labels.items()},
            variable_value_labels={
                c: {k: _cut(v, _SPSS_VALUE_BYTES, by_bytes=True) for k, v in lab.items()}
                for c, lab in value_labels.items()
            },
            variable_measure=measure,
            variable_format=formats,
        )
    return target


@contextmanager
def _writer_errors(target: Path, what: str):
    """Turn a file writer's own error into a `CprstatsError` that names the file, not the data."""
    try:
        yield
    except (CprstatsError, OSError, KeyboardInterrupt):
        raise
    except Exception as exc:  # noqa: BLE001 - pyreadstat, pandas and pyarrow raise their own kinds
        raise CprstatsError(
            f"cannot write {target} as {what} ({type(exc).__name__}); check the column names and that text "
            "columns hold text, or export in another format"
        ) from None


def _dta(frame, target, var_labels, value_labels, measure, title) -> Path:

    dates = {c: "tm" for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])}
    with atomic_path(target) as tmp, _writer_errors(target, "Stata"), warnings.catch_warnings():
        warnings.simplefilter("ignore", pd.errors.InvalidColumnName)  # pandas renames such columns for Stata
        frame.to_stata(
            tmp,
            write_index=False,
            version=118,
            convert_dates=dates,
            variable_labels={c: _cut(v, STATA_LABEL_MAX) for c, v in var_labels.items()},
            value_labels=value_labels,
            data_label=_cut(title, STATA_LABEL_MAX),
            time_stamp=_fixed_time(),
        )
    return target


def _parquet(df, target, cb, lang, synthetic) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = df.copy()
    for c in out.columns:
        if isinstance(out[c].dtype, pd.PeriodDtype):
            out[c] = out[c].astype("string")
    labels, values = {}, {}
    known = set(cb.coded_columns)
    for c in out.columns:
        if c in known:
            fld, option = cb.resolve(c)
            labels[c] = fld.title.get(lang) + (f": {fld.category(option).label.get(lang)}" if option else "")
            if fld.categories and option is None:
                values[c] = {k.value: k.label.get(lang) for k in fld.categories}
    meta = {
        "codebook": cb.name,
        "codebook_version": cb.version,
        "lang": lang,
        "synthetic": synthetic,
        "variable_labels": labels,
        "value_labels": values,
    }
    with _writer_errors(target, "Parquet"):
        table = pa.Table.from_pandas(out.reset_index(drop=True), preserve_index=False)
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), b"cprstats": json.dumps(meta, ensure_ascii=False, sort_keys=True).encode()}
    )
    with atomic_path(target) as tmp, _writer_errors(target, "Parquet"):
        pq.write_table(table, tmp)
    return target


def _csv(df, target, cb, lang) -> Path:

    pkg = target.parent / "datapackage.json"
    if pkg.is_file():
        try:
            paths = [r.get("path") for r in json.loads(pkg.read_text(encoding="utf-8")).get("resources", [])]
        except (ValueError, AttributeError):
            paths = []
        if paths and target.name not in paths:
            raise ParameterError(
                f"{pkg} describes {', '.join(map(str, paths))}; writing {target.name} there would replace it. "
                "Export the CSV into another folder"
            )
    write_dataset(df, target, codebook=cb, lang=lang)
    return target
