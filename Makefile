# The README's two commands: `make demo` (demo estate in SQLite, then the dashboard) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test install system-deps bench lint clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

system-deps:
	./scripts/install-system-deps.sh

demo: install
	$(BIN)/parcimonie demo

test: system-deps install
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/run_all.py --small

lint: install
	$(BIN)/ruff check inventory collectors optimizer dashboard parcimonie tests bench
	$(BIN)/ruff format --check inventory collectors optimizer dashboard parcimonie tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build *.egg-info
