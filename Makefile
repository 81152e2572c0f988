# Two commands do all set-up: `make play` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: play test test-fast lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip

# The stamp is rebuilt whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[test,bench,cluster]'
	touch $@

play: $(VENV)/.installed
	$(BIN)/wargame play

# ruff and mypy run first: a lint or type error fails the target before the long test run.
lint: $(VENV)/.installed
	$(BIN)/python -m ruff check wargame tests bench
	$(BIN)/python -m mypy wargame

test: lint
	$(BIN)/python -m pytest

# For development: the tests marked slow are left out and the save fuzzers draw fewer files.
test-fast: lint
	WARGAME_FUZZ_BASE=1000 $(BIN)/python -m pytest -q -m "not slow"

bench: $(VENV)/.installed
	$(BIN)/python bench/engine.py

clean:
	rm -rf $(VENV) build *.egg-info
