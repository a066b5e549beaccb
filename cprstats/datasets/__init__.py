"""Data that already exists, and the one loader that decides what a path, example name or DataFrame is.

The shipped synthetic examples (`cprstats.datasets.examples`), the published figures
(`cprstats.datasets.published`) and `load_data` (`cprstats.datasets.loader`), which every
command, `cprstats.Report`, the runner and `cprstats.agreement` use to load their data.

All shipped data is synthetic and describes no real child.
"""

from __future__ import annotations

from cprstats.datasets.loader import DATA_KINDS, load_data

__all__ = ["load_data", "DATA_KINDS"]
