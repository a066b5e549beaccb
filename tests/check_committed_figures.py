"""Run by `make test` after nbval: the figures nbval just regenerated equal the committed ones, byte for byte.

nbval executes the committed notebooks with their default parameters, whose OUTPUT_DIR is
``../outputs/wales/all``; so after it, ``outputs/wales/all/figures/`` holds a fresh rendering of
every figure in ``figures/``. Not collected by the unit-test run (no ``test_`` prefix), because
it needs the notebooks to have run first.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "figures"
FRESH = ROOT / "outputs" / "wales" / "all" / "figures"


def _figures(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.glob("*.png")) + sorted(folder.glob("*.svg"))
    }


def test_regenerated_figures_are_byte_identical_to_the_committed_ones():
    if not FRESH.is_dir():
        pytest.fail(f"{FRESH} is missing: run nbval on the notebooks first (make test does)")
    committed, fresh = _figures(COMMITTED), _figures(FRESH)
    assert set(committed) == set(fresh), sorted(set(committed) ^ set(fresh))
    differ = sorted(name for name in committed if committed[name] != fresh[name])
    assert not differ, f"regenerated figures differ from figures/: {differ} (run make reproduce and commit)"


def test_committed_manifest_lists_every_figure_with_its_hash():
    manifest = json.loads((COMMITTED / "manifest.json").read_text(encoding="utf-8"))
    assert {k: v["sha256"] for k, v in manifest["figures"].items()} == _figures(COMMITTED)
