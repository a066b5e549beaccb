"""``python -m cprstats``: the same as the ``cprstats`` command (useful where the script is not on PATH)."""

import sys

from cprstats.cli import main

if __name__ == "__main__":
    sys.exit(main())
