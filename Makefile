# Two commands on a fresh machine: `make demo` (install + a full offline demo interview) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SOURCES := src tests bench jobs

.PHONY: install system-deps demo test lint wheel-check bench clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-nodeps.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -r requirements-nodeps.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

demo: install
	$(BIN)/dataready demo

lint: install
	$(BIN)/ruff check $(SOURCES)
	$(BIN)/ruff format --check $(SOURCES)
	$(BIN)/mypy

# espeak-ng: the second voice the speech tests and bench/stt.py synthesize clips with.
# chromium: Debian's browser for the browser tests (-m browser); Playwright never downloads its own.
system-deps:
	@command -v espeak-ng >/dev/null 2>&1 || { apt-get update && apt-get install -y espeak-ng; }
	@test -x /usr/bin/chromium || { apt-get update && apt-get install -y chromium chromium-driver; }

test: system-deps lint
	$(BIN)/pytest
	$(MAKE) wheel-check

# The built wheel alone, in a fresh venv outside the tree: `dataready score` and `dataready demo` offline.
wheel-check:
	bash .ci/check-wheel

bench: install
	$(BIN)/python bench/scoring.py
	$(BIN)/python bench/demo.py

clean:
	rm -rf $(VENV) dataready-data .pytest_cache .mypy_cache .ruff_cache
