"""Subcommands of the cprstats command line, one module each (add_arguments, run)."""
