# One target per habit; CI runs `make test`, the same command a person runs.
# Every target installs what it needs: a local virtual environment (.venv) with the
# pinned Python packages, and node_modules with the pinned npm packages.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
SPEC := spec/openapi.yaml
HAND_WRITTEN := generator tests

.DEFAULT_GOAL := help
.PHONY: help setup regenerate check-drift lint-spec lint format typecheck \
	check-generated install-generated test test-unit golden docs bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  make %-18s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed ## install the pinned Python and npm tools

regenerate: $(VENV)/.installed ## regenerate generated/ from spec/
	$(PY) -m generator generate $(SPEC) generated

check-drift: $(VENV)/.installed ## fail if generated/ is not what spec/ generates
	$(PY) -m generator generate $(SPEC) generated --check

lint-spec: setup ## validate and lint the spec, and check every example against its schema
	$(PY) -m generator validate $(SPEC)
	npx --no-install redocly lint $(SPEC) --format=stylish
	$(BIN)/pytest -q tests/spec

lint: $(VENV)/.installed ## ruff and black on the hand-written code
	$(BIN)/ruff check $(HAND_WRITTEN)
	$(BIN)/black --check --quiet $(HAND_WRITTEN)

format: $(VENV)/.installed ## format the hand-written code
	$(BIN)/ruff check --fix --quiet $(HAND_WRITTEN) || true
	$(BIN)/black --quiet $(HAND_WRITTEN)

typecheck: $(VENV)/.installed ## mypy --strict on the generator
	$(BIN)/mypy generator

install-generated: $(VENV)/.installed ## install generated/ into .venv, as a consumer would
	$(PY) -m pip install --quiet --no-deps --force-reinstall ./generated
	cd /tmp && $(CURDIR)/$(PY) -c "import codefluss, codefluss.models; print('import codefluss', codefluss.__version__, 'ok')"

check-generated: install-generated ## ruff and mypy --strict on generated/
	cd generated && $(CURDIR)/$(BIN)/ruff check --quiet .
	cd generated && $(CURDIR)/$(BIN)/mypy --strict --config-file pyproject.toml codefluss

test-unit: $(VENV)/.installed ## the generator's unit and golden tests only
	$(BIN)/pytest -q tests/generator tests/golden

golden: $(VENV)/.installed ## rewrite the golden trees from their specs (review the diff)
	$(PY) -m tests.golden.update

test: setup lint-spec lint typecheck check-drift check-generated ## everything CI checks
	$(BIN)/pytest -q

clean: ## remove caches and built artefacts (keeps .venv and node_modules)
	rm -rf site .mypy_cache .ruff_cache .pytest_cache build dist
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
