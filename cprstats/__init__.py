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

from cprstats._version import __version__
from cprstats.errors import CodebookError, CodingError, CprstatsError, FormsError, ParameterError

# public name -> module that defines it (explicit, so the namespace is curated)
_PUBLIC = {
    # foundation
    "load_codebook": "cprstats.codebook.model",
    "Codebook": "cprstats.codebook.model",
    "read_forms": "cprstats.forms.reader",
    "code_reviews": "cprstats.forms.coding",
    "write_dataset": "cprstats.io.datapackage",
    "table_schema": "cprstats.io.datapackage",
    "read_dataset": "cprstats.io.datapackage",
    "validate_dataset": "cprstats.codebook.schema",
    "data_dictionary": "cprstats.codebook.dictionary",
    # identifier guard
    "find_identifiers": "cprstats.forms.guard",
    "check_forms": "cprstats.forms.guard",
    # statistics
    "proportions": "cprstats.stats.describe",
    "table_one": "cprstats.stats.describe",
    "cooccurrence": "cprstats.stats.describe",
    # the review's life: action plans and the review process (linked tables)
    "kaplan_meier": "cprstats.stats.survival",
    "km_median": "cprstats.stats.survival",
    "recurring_themes": "cprstats.stats.survival",
    "decision_funnel": "cprstats.stats.survival",
    "compare": "cprstats.stats.comparisons",
    "trend": "cprstats.stats.trends",
    "logistic": "cprstats.stats.regression",
    "SeparationWarning": "cprstats.errors",
    # disclosure control and presentation
    "suppress": "cprstats.disclosure.suppression",
    "disclosure_policy": "cprstats.disclosure.policy",
    "DisclosurePolicy": "cprstats.disclosure.policy",
    "format_table": "cprstats.report.tables",
    "footnotes": "cprstats.report.tables",
    "t": "cprstats.codebook.i18n",
    # shipped synthetic data and published figures
    "load_example": "cprstats.datasets.examples",
    "list_examples": "cprstats.datasets.examples",
    "check_published": "cprstats.datasets.published",
    "published_figures": "cprstats.datasets.published",
    "generate": "cprstats.synth.generator",
    # coding workflow: template, double coding, exports
    "make_template": "cprstats.forms.template",
    "agreement": "cprstats.stats.reliability",
    "agreement_summary": "cprstats.stats.reliability",
    "disagreements": "cprstats.stats.reliability",
    "export": "cprstats.io.exporters",
    # reports
    "Report": "cprstats.report.document",
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
_SUBMODULES = {
    "examples": "cprstats.datasets.examples",
    "datapackage": "cprstats.io.datapackage",
    "schema": "cprstats.codebook.schema",
    "report": "cprstats.report",
    "figures": "cprstats.report.figures",
    "i18n": "cprstats.codebook.i18n",
    "published": "cprstats.datasets.published",
    "synth": "cprstats.synth",
    "runner": "cprstats.runner",
}


def __getattr__(name: str):
    if name in _SUBMODULES:
        value = import_module(_SUBMODULES[name])
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
    from cprstats.codebook.dictionary import data_dictionary
    from cprstats.codebook.i18n import t
    from cprstats.codebook.model import Codebook, load_codebook
    from cprstats.codebook.schema import validate_dataset
    from cprstats.datasets.examples import list_examples, load_example
    from cprstats.datasets.published import check_published, published_figures
    from cprstats.disclosure.policy import DisclosurePolicy, disclosure_policy
    from cprstats.disclosure.suppression import suppress
    from cprstats.forms.coding import code_reviews
    from cprstats.forms.guard import check_forms, find_identifiers
    from cprstats.forms.reader import read_forms
    from cprstats.forms.template import make_template
    from cprstats.io.datapackage import read_dataset, table_schema, write_dataset
    from cprstats.io.exporters import export
    from cprstats.report.document import Report
    from cprstats.report.tables import footnotes, format_table
    from cprstats.stats.comparisons import compare
    from cprstats.stats.describe import cooccurrence, proportions, table_one
    from cprstats.stats.regression import SeparationWarning, logistic
    from cprstats.stats.reliability import agreement, agreement_summary, disagreements
    from cprstats.stats.survival import decision_funnel, kaplan_meier, km_median, recurring_themes
    from cprstats.stats.trends import trend
    from cprstats.synth.generator import generate
