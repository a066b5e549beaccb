"""Tests for cprstats.io: the one place other modules import the safe writers from."""

from __future__ import annotations

import pytest

import cprstats.io as safeio
import cprstats.io.atomic as atomic
import cprstats.io.spreadsheet as spreadsheet


@pytest.mark.parametrize("name", safeio.__all__)
def test_every_writer_is_the_implementing_modules_own(name):
    homes = [m for m in (atomic, spreadsheet) if name in m.__all__]
    assert len(homes) == 1, f"{name} should be defined in exactly one module"
    assert getattr(safeio, name) is getattr(homes[0], name)


def test_nothing_is_left_out_of_the_facade():
    everything = set(atomic.__all__) | set(spreadsheet.__all__)
    assert everything == set(safeio.__all__)


def test_safeio_is_not_public_and_import_stays_light():
    import subprocess
    import sys

    import cprstats

    assert "safeio" not in cprstats.__all__
    # importing the writers must not pull in openpyxl (import cost: DESIGN/brief)
    code = "import sys, cprstats.io; print('openpyxl' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr
