"""The codebook: the one source of every variable, label (English and Welsh), allowed value and
derivation, with the string catalogue, data dictionary and validation schema made from it.
"""

from __future__ import annotations

from cprstats.codebook.model import Codebook, load_codebook, resolve

__all__ = ["Codebook", "load_codebook", "resolve"]
