# Every target sets itself up: .venv is created and the pinned dependencies
# installed on first use (and again whenever requirements.lock or pyproject.toml change).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SIZE   ?= S

.PHONY: site serve test check lint bench clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

site: $(STAMP)  ## build site/ strictly (validation included), atomically
	$(BIN)/evmap build --strict

serve: $(STAMP)  ## live preview; reloads on YAML, BibTeX and template changes
	$(BIN)/mkdocs serve

check: $(STAMP)  ## validate content/ and references.bib only
	$(BIN)/evmap check --strict

test: $(STAMP)  ## the whole test suite (browser tests skip without Chromium)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check build_tools tests bench
	$(BIN)/ruff format --check build_tools tests bench
	$(BIN)/mypy

bench: $(STAMP)  ## make bench SIZE=S|M|L
	$(BIN)/python bench/run.py --size $(SIZE)

clean:
	rm -rf site dist .pytest_cache bench/out
