# Every target sets itself up: .venv is created and the pinned dependencies installed on
# first use (and again whenever a lock file or pyproject.toml change). Building the site
# needs requirements.lock only; the tests and linters add requirements-dev.lock.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
SIZE   ?= S
JOBS   ?= 2   # pytest-xdist workers: the machines have 2 cores

NODE_STAMP := node_modules/.installed
# True (exit 0) for a Python evmap runs on.
SUPPORTED := -c 'import sys; sys.exit(sys.version_info < (3, 11))'

.PHONY: install install-dev site serve test test-slow check lint bundle bench clean zensical

# The Python that makes .venv must be 3.11 or newer: said in one line, before anything is
# made. A .venv made earlier by another Python (or left half made) is made again.
$(BIN)/python:
	@$(PYTHON) $(SUPPORTED) 2>/dev/null || { \
	  echo "evmap needs Python 3.11 or newer, and '$(PYTHON)' is $$($(PYTHON) -V 2>&1 || echo missing); run e.g. make $(MAKECMDGOALS) PYTHON=python3.12" >&2; \
	  exit 1; }
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.lock pyproject.toml | $(BIN)/python
	@$(BIN)/python $(SUPPORTED) 2>/dev/null || { rm -rf $(VENV); $(MAKE) --no-print-directory $(BIN)/python; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

$(DEV_STAMP): $(STAMP) requirements-dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	touch $(DEV_STAMP)

install: $(STAMP)  ## only create .venv with what building the site needs
install-dev: $(DEV_STAMP)  ## .venv with the tests' and linters' tools too

# The offline bundle ships npm files (pinned in package-lock.json) instead of loading them
# from a CDN; the browser tests use axe-core from the same lock.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

site: $(STAMP)  ## build site/ strictly (validation included), atomically
	$(BIN)/evmap build --strict

serve: $(STAMP)  ## live preview; reloads on YAML, BibTeX and template changes
	$(BIN)/evmap serve

bundle: $(STAMP) $(NODE_STAMP)  ## offline teaching bundle dist/<name>-<version>.zip (reproducible)
	SOURCE_DATE_EPOCH=$${SOURCE_DATE_EPOCH:-$$(git log -1 --format=%ct 2>/dev/null || date +%s)} \
	  $(BIN)/evmap bundle --strict -o dist

check: $(STAMP)  ## validate content/ and references.bib only
	$(BIN)/evmap check --strict

test: $(DEV_STAMP) $(NODE_STAMP)  ## the test suite but the slow one (browser tests skip without Chromium)
	$(BIN)/python -m pytest -n $(JOBS) -m "not slow"

test-slow: $(DEV_STAMP) $(NODE_STAMP)  ## the slow suite: every kind of page at two screen sizes, axe-core
	$(BIN)/python -m pytest -n $(JOBS) -m slow

lint: $(DEV_STAMP)
	$(BIN)/ruff check build_tools tests bench
	$(BIN)/ruff format --check build_tools tests bench
	$(BIN)/mypy

# Zensical has its own environment (Zensical pinned in requirements-zensical.lock, no MkDocs),
# made again whenever the lock or pyproject.toml change; tests/zensical_env.py makes the same one.
ZEN_VENV  := .venv-zensical
ZEN_STAMP := $(ZEN_VENV)/.installed

$(ZEN_STAMP): requirements-zensical.lock pyproject.toml
	@$(PYTHON) $(SUPPORTED) 2>/dev/null || { echo "evmap needs Python 3.11 or newer; run e.g. make zensical PYTHON=python3.12" >&2; exit 1; }
	rm -rf $(ZEN_VENV)
	$(PYTHON) -m venv $(ZEN_VENV)
	$(ZEN_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-zensical.lock
	$(ZEN_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	cat requirements-zensical.lock pyproject.toml | sha256sum | cut -d' ' -f1 > $(ZEN_VENV)/.digest
	touch $(ZEN_STAMP)

zensical: $(ZEN_STAMP)  ## build site/ with Zensical: evmap generate, then zensical build (both strict)
	$(ZEN_VENV)/bin/evmap generate --strict
	$(ZEN_VENV)/bin/zensical build --strict -f mkdocs.generated.yml

bench: $(DEV_STAMP)  ## make bench SIZE=S|M|L|XL
	$(BIN)/python bench/run.py --size $(SIZE)

clean:
	rm -rf site dist .pytest_cache bench/out generated mkdocs.generated.yml
