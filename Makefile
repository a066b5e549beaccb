# The two commands: `make reproduce` and `make test`. Each builds .venv/ in this folder
# (with the python3 on PATH) the first time, and installs nothing outside the repository.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.cprstats-installed
# Keep notebook kernels, matplotlib and Jupyter from writing outside the repository.
export MPLBACKEND := Agg
export MPLCONFIGDIR := $(CURDIR)/$(VENV)/.config/matplotlib
export JUPYTER_CONFIG_DIR := $(CURDIR)/$(VENV)/etc/jupyter
export JUPYTER_DATA_DIR := $(CURDIR)/$(VENV)/share/jupyter
export JUPYTER_RUNTIME_DIR := $(CURDIR)/$(VENV)/.runtime/jupyter
export IPYTHONDIR := $(CURDIR)/$(VENV)/.ipython
export PYDEVD_DISABLE_FILE_VALIDATION := 1
export PYTHONHASHSEED := 0
export SOURCE_DATE_EPOCH := 1700000000

.PHONY: reproduce test lint unit notebooks bench lab venv clean help

help:
	@echo "make reproduce  run every notebook on the shipped synthetic data; regenerate figures/"
	@echo "make test       run the whole test suite (unit tests, then nbval on the notebooks)"
	@echo "make bench      run the performance benchmarks and check their budgets"
	@echo "make lab        open the notebooks in JupyterLab (edit NAME.py or NAME.ipynb; jupytext keeps the pair)"

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	@mkdir -p $(MPLCONFIGDIR) $(JUPYTER_RUNTIME_DIR)
	@touch $@

reproduce: $(STAMP)
	$(BIN)/cprstats reproduce

test: $(STAMP) lint
	$(BIN)/python -m pytest -p no:nbval -q
	$(BIN)/python -m pytest --nbval-lax --nbval-sanitize-with notebooks/sanitize.cfg notebooks -q -o addopts="" -p no:cacheprovider -p no:hypothesispytest
	$(BIN)/python -m pytest -p no:nbval -q -o addopts="" -p no:cacheprovider -p no:hypothesispytest tests/check_committed_figures.py

# ruff (lint and format check), configured in pyproject.toml; `make format` rewrites the files.
lint: $(STAMP)
	$(BIN)/python -m ruff check --quiet .
	$(BIN)/python -m ruff format --check --quiet .

format: $(STAMP)
	$(BIN)/python -m ruff check --fix --quiet .
	$(BIN)/python -m ruff format --quiet .

# The benchmarks add tableone (the `bench` extra) to the test environment, timed beside cprstats' own table.
$(VENV)/.cprstats-bench-installed: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test,bench]"
	@touch $@

bench: $(VENV)/.cprstats-bench-installed
	$(BIN)/python -m bench

# JupyterLab with jupytext (the `lab` extra): opening notebooks/NAME.ipynb or NAME.py edits the pair, and
# saving writes both. `make reproduce` then re-executes the .py and rewrites the .ipynb.
$(VENV)/.cprstats-lab-installed: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test,lab]"
	@touch $@

lab: $(VENV)/.cprstats-lab-installed
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf $(VENV) outputs build *.egg-info
