"""cprstats: reproducible analysis of Child Practice Reviews (CPRs) and MAPFs in Wales.

The public names are listed in ``_PUBLIC`` below, each with the module that defines it.
They are imported on first use, so ``import cprstats`` stays about as cheap as
``import pandas`` (statsmodels, seaborn, papermill and openpyxl load only when a function
that needs them is called). Importing the package does nothing but define names.

All shipped data is synthetic and describes no real child.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from ._version import __version__
from .errors import CodebookError, CodingError, CprstatsError, FormsError, ParameterError

# public name -> module that defines it (explicit, so the namespace is curated)
_PUBLIC = {
    # foundation
    "load_codebook": "cprstats.codebook",
    "Codebook": "cprstats.codebook",
    "read_forms": "cprstats.forms",
    "code_reviews": "cprstats.coding",
    "write_dataset": "cprstats.datapackage",
    "table_schema": "cprstats.datapackage",
    "read_dataset": "cprstats.datapackage",
    "validate_dataset": "cprstats.schema",
    "data_dictionary": "cprstats.dictionary",
    # identifier guard
    "find_identifiers": "cprstats.guard",
    "check_forms": "cprstats.guard",
    # statistics
    "proportions": "cprstats.describe",
    "table_one": "cprstats.describe",
    "compare": "cprstats.comparisons",
    "trend": "cprstats.trends",
    "logistic": "cprstats.regression",
    "SeparationWarning": "cprstats.regression",
    # disclosure control and presentation
    "suppress": "cprstats.disclosure",
    "disclosure_policy": "cprstats.policy",
    "DisclosurePolicy": "cprstats.policy",
    "format_table": "cprstats.formatting",
    "footnotes": "cprstats.formatting",
    "t": "cprstats.i18n",
    # shipped synthetic data and published figures
    "load_example": "cprstats.examples",
    "list_examples": "cprstats.examples",
    "check_published": "cprstats.published",
    "published_figures": "cprstats.published",
    "generate": "cprstats.synth",
    # coding workflow: template, double coding, exports
    "make_template": "cprstats.template",
    "agreement": "cprstats.reliability",
    "agreement_summary": "cprstats.reliability",
    "disagreements": "cprstats.reliability",
    "export": "cprstats.exporters",
    # reports
    "Report": "cprstats.report",
}

__all__ = sorted(
    [
        "__version__",
        "CprstatsError",
        "CodebookError",
        "CodingError",
        "FormsError",
        "ParameterError",
        *_PUBLIC,
    ]
)


# submodules users reach as cprstats.<name> (also loaded on first use)
_SUBMODULES = ("examples", "datapackage", "schema", "report", "figures", "i18n", "published", "synth", "runner")


def __getattr__(name: str):
    if name in _SUBMODULES:
        value = import_module(f"cprstats.{name}")
        globals()[name] = value
        return value
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'cprstats' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from .codebook import Codebook, load_codebook
    from .coding import code_reviews
    from .datapackage import read_dataset, table_schema, write_dataset
    from .schema import validate_dataset
    from .dictionary import data_dictionary
    from .forms import read_forms
    from .guard import check_forms, find_identifiers
    from .comparisons import compare
    from .describe import proportions, table_one
    from .regression import SeparationWarning, logistic
    from .trends import trend
    from .disclosure import suppress
    from .policy import DisclosurePolicy, disclosure_policy
    from .formatting import footnotes, format_table
    from .i18n import t
    from .examples import list_examples, load_example
    from .published import check_published, published_figures
    from .synth import generate
    from .template import make_template
    from .reliability import agreement, agreement_summary, disagreements
    from .exporters import export
    from .report import Report
