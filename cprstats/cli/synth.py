"""``cprstats synth [--out data]``: regenerate the shipped synthetic data, byte for byte.

Writes ``OUT/raw/wales_forms.csv`` and ``.xlsx`` (the coding forms), codes them, and writes
``OUT/processed/wales.csv`` with its ``datapackage.json``; the linked tables' forms
(``OUT/raw/recommendations_forms.csv``, ``process_forms.csv``) and coded tables
(``OUT/processed/recommendations.csv``, ``process.csv``, in the same ``datapackage.json``).
In a source checkout, where OUT is the repository's ``data`` folder, it also refreshes the
package's copy (``cprstats/datasets/data/``) that `cprstats.load_example` reads. With
``--check`` it writes nothing and says whether the files on disk are what the generator makes.
"""

from __future__ import annotations

import argparse
import filecmp
import sys
import tempfile
from pathlib import Path

from cprstats.synth.generator import SEED, package_data_dir, write_shipped
from cprstats.synth.linked import linked_paths

__all__ = ["add_arguments", "execute"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="data", metavar="DIR", help="the data folder to write into (default: data)")
    parser.add_argument(
        "--seed",
        type=int,
        default=None,
        metavar="N",
        help="seed of the generator (default: the shipped data's seed, 2023)",
    )
    parser.add_argument(
        "--package-data",
        metavar="DIR",
        default=None,
        help="also write the package's copy here (default: cprstats/datasets/data when OUT is the "
        "data folder beside the package in a source checkout)",
    )
    parser.add_argument("--no-package-data", action="store_true", help="do not write the package's copy")
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the files under OUT differ from what would be written",
    )


def _default_package_dir(out: Path) -> Path | None:

    pkg = package_data_dir()  # <checkout>/cprstats/datasets/data; the repository's data folder is <checkout>/data
    return pkg if out.resolve() == (pkg.parents[2] / "data").resolve() else None


def execute(args: argparse.Namespace) -> int:

    out = Path(args.out)
    seed = SEED if args.seed is None else args.seed
    pkg = (
        None if args.no_package_data else (Path(args.package_data) if args.package_data else _default_package_dir(out))
    )
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = write_shipped(Path(tmp) / "data", seed=seed)
            fresh.update(linked_paths(Path(tmp) / "data"))
            differ = []
            for path in fresh.values():
                mine = out / path.relative_to(Path(tmp) / "data")
                if not mine.is_file() or not filecmp.cmp(mine, path, shallow=False):
                    differ.append(str(mine))
        if differ:
            print("These files differ from what `cprstats synth` writes:\n  " + "\n  ".join(differ), file=sys.stdout)
            return 1
        print(f"The synthetic data under {out} is up to date (seed {seed}).")
        return 0
    written = write_shipped(out, package_data=pkg, seed=seed)
    written.update(linked_paths(out, package_data=pkg))
    print(f"Wrote the synthetic data (seed {seed}; it describes no real child):")
    for path in written.values():
        print(f"  {path}")
    return 0
