"""The dataset-level validation schema (pandera), generated from the codebook.

`code_reviews` checks every value as it parses it; this schema checks the *result* as a
whole (column set and order, types, allowed values, ranges, a unique review and child), so a
coded dataset that was read back from disk, edited, or built by other tools can be checked
with the same rules: ``cprstats.codebook.schema.dataset_schema().validate(df)``.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import TYPE_CHECKING

import pandas as pd

from cprstats.codebook.model import Codebook, resolve
from cprstats.errors import CodingError

if TYPE_CHECKING:
    from pandera.pandas import DataFrameSchema

__all__ = ["dataset_schema", "validate_dataset"]


def dataset_schema(codebook: Codebook | str | os.PathLike[str] | None = None) -> DataFrameSchema:
    """A ``pandera.DataFrameSchema`` for the coded dataset of ``codebook``.

    Examples
    --------
    >>> s = dataset_schema()
    >>> s.columns["outcome"].dtype  # doctest: +ELLIPSIS
    DataType(category...)
    """
    cb = resolve(codebook)
    return _schema(cb)


@lru_cache(maxsize=8)
def _schema(cb: Codebook):
    import pandera.pandas as pa

    cols = {}
    for col in cb.coded_columns:
        fld, option = cb.resolve(col)
        checks = []
        if option is not None or fld.type == "boolean":
            dtype = "boolean"
        elif fld.categories:
            dtype = pd.CategoricalDtype(list(fld.codes), ordered=fld.ordered)
        elif fld.type == "integer":
            dtype = "Int64"
            lo, hi = fld.constraints.get("minimum"), fld.constraints.get("maximum")
            if lo is not None:
                checks.append(pa.Check.ge(lo))
            if hi is not None:
                checks.append(pa.Check.le(hi))
        elif fld.type == "yearmonth":
            dtype = pd.PeriodDtype("M")
        else:
            dtype = "string"
            if fld.constraints.get("maxLength"):
                checks.append(pa.Check.str_length(max_value=fld.constraints["maxLength"]))
        cols[col] = pa.Column(dtype, checks=checks, nullable=not (option is None and fld.required), coerce=False)
    return pa.DataFrameSchema(
        cols, strict=True, ordered=True, unique=["review_id", "child_no"], report_duplicates="exclude_first"
    )


def validate_dataset(df: pd.DataFrame, codebook: Codebook | str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Check a coded dataset against the codebook's schema; raise `CodingError` listing every failure.

    Columns kept on purpose from the forms (not in the codebook) are allowed after the coded ones.

    Examples
    --------
    >>> import cprstats
    >>> data = cprstats.load_example("wales")
    >>> validate_dataset(data) is data
    True
    """
    import pandera.errors as pe

    cb = resolve(codebook, df)
    coded = [c for c in df.columns if cb.knows(c)]
    try:
        dataset_schema(cb).validate(df[coded], lazy=True)
    except pe.SchemaErrors as exc:
        fc = exc.failure_cases
        rows = []
        for rec in fc.itertuples(index=False):
            idx = getattr(rec, "index", None)
            rows.append(
                (
                    "dataset",
                    "" if idx is None or pd.isna(idx) else int(idx) + 2,
                    "",
                    str(getattr(rec, "column", "") or ""),
                    str(getattr(rec, "failure_case", "")),
                    str(getattr(rec, "check", "")),
                )
            )
        raise CodingError(pd.DataFrame(rows, columns=list(CodingError.COLUMNS)), df.attrs.get("source")) from None
    return df
