"""Synthetic data: the shipped all-Wales dataset, and any number of forms for benchmarks.

**All data made here is synthetic and describes no real child or review.**

* `wales_forms` gives the shipped coding forms: about 160 subject children in 157 reviews,
  2013-2025, with the two published study samples flagged in ``study_samples`` and calibrated
  so that every figure of the source document is reproduced exactly (see
  `cprstats.check_published` and ``data/README.md``).
* `write_shipped` writes them as ``data/raw/wales_forms.csv`` and ``.xlsx``, codes them with
  `cprstats.read_forms` and `cprstats.code_reviews`, and writes the coded dataset
  ``data/processed/wales.csv`` with its ``datapackage.json`` (and the copy inside the
  package that `cprstats.load_example` reads). Same seed, same bytes.
* `write_shipped` also writes the two linked tables of the codebook, recommendations and the
  review process (`cprstats.synth.linked`): their forms beside the review forms, and the coded
  tables beside the coded dataset, in the same ``datapackage.json``.
* `generate` (from `cprstats.synth.scale`) makes any number of valid forms fast.

Examples
--------
>>> forms = wales_forms()
>>> forms.shape
(160, 29)
>>> int(forms["study_samples"].str.contains("mcmanus", case=False).sum())
33
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from cprstats.forms.coding import code_reviews
from cprstats.forms.reader import read_forms
from cprstats.io import write_csv, write_xlsx
from cprstats.io.datapackage import write_dataset
from cprstats.synth.calibrated import wales_draw
from cprstats.synth.coders import write_double_coding
from cprstats.synth.linked import write_linked
from cprstats.synth.rendering import render
from cprstats.synth.scale import generate

__all__ = ["SEED", "AS_AT", "wales_forms", "write_forms", "write_shipped", "generate", "package_data_dir"]

SEED = 2023
#: The month the synthetic data is "as at": XLSX files carry its first day as their timestamp.
AS_AT = "2025-09"
_XLSX_EPOCH = "1756684800"  # 2025-09-01T00:00:00Z


def wales_forms(seed: int = SEED) -> pd.DataFrame:
    """The shipped coding forms (synthetic), as strings a coder types: codes, some labels.

    Parameters
    ----------
    seed : int, default `SEED`
        Any seed gives calibrated samples (the counts are assigned, not drawn); only the
        shipped files use the default.

    Returns
    -------
    pandas.DataFrame
        One row per subject child, one column per input variable of the codebook. The
        board is filled in as a coder derives it; ``study_samples`` flags the rows of the
        published samples.
    """

    forms = render(wales_draw(seed))
    forms.attrs["synthetic"] = True
    return forms


def package_data_dir() -> Path:
    """The folder inside the package that holds the copy of the shipped data."""
    return Path(__file__).resolve().parents[1] / "datasets" / "data"


@contextmanager
def _xlsx_epoch():
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = _XLSX_EPOCH
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def write_forms(forms: pd.DataFrame, folder) -> dict[str, Path]:
    """Write coding forms as ``folder/wales_forms.csv`` and ``.xlsx`` (sheet ``coding``).

    The workbook's timestamps are pinned to `AS_AT`, whatever ``SOURCE_DATE_EPOCH`` says,
    so its bytes are the same under ``make`` (which sets it) and outside it.

    Examples
    --------
    >>> write_forms(wales_forms(), "data/raw")  # doctest: +SKIP
    """

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = {"forms_csv": folder / "wales_forms.csv", "forms_xlsx": folder / "wales_forms.xlsx"}
    write_csv(forms, out["forms_csv"])
    with _xlsx_epoch():
        write_xlsx({"coding": forms}, out["forms_xlsx"])
    return out


def write_shipped(root="data", *, package_data=None, seed: int = SEED) -> dict[str, Path]:
    """Write the shipped synthetic data: raw forms, then the coded dataset made from them.

    Parameters
    ----------
    root : str or Path, default "data"
        The data folder: forms go to ``root/raw/``, the coded dataset to ``root/processed/``.
    package_data : str or Path, optional
        Also write the forms and the coded dataset here (the package's own ``data`` folder,
        `package_data_dir`, in a source checkout), so `cprstats.load_example` works from an
        installed package. The files are byte-identical to those under ``root``.
    seed : int, default `SEED`

    Returns
    -------
    dict of str to Path
        What was written: ``forms_csv``, ``forms_xlsx``, ``dataset``, ``datapackage`` and,
        with ``package_data``, ``package_forms``, ``package_dataset``. The linked tables'
        files (`cprstats.synth.linked.LINKED_FILES`, listed by
        `cprstats.synth.linked.linked_paths`) are written too; ``datapackage`` lists them.

    Examples
    --------
    >>> write_shipped("data")  # doctest: +SKIP
    """

    root = Path(root)
    (root / "processed").mkdir(parents=True, exist_ok=True)
    forms = wales_forms(seed)
    out = write_forms(forms, root / "raw")
    raw = read_forms(out["forms_csv"])
    raw.attrs["synthetic"] = True
    coded = code_reviews(raw)
    coded.attrs["synthetic"] = True
    out["dataset"] = root / "processed" / "wales.csv"
    out["datapackage"] = write_dataset(coded, out["dataset"], synthetic=True)

    # a double-coded sample of 20 reviews: coder A's forms and a simulated second coder's
    out["coder_a"], out["coder_b"] = write_double_coding(raw, root / "raw" / "double_coding", n=20, seed=seed, rate=0.3)
    if package_data is not None:
        pkg = Path(package_data)
        pkg.mkdir(parents=True, exist_ok=True)
        out["package_forms"] = pkg / "wales_forms.csv"
        write_csv(forms, out["package_forms"])
        out["package_dataset"] = pkg / "wales.csv"
        write_dataset(coded, out["package_dataset"], synthetic=True)
        write_double_coding(raw, pkg / "double_coding", n=20, seed=seed, rate=0.3)
    # the linked tables (recommendations, review process), in the same data packages
    write_linked(coded, root, package_data=package_data, seed=seed)
    return out
