# One target per habit; CI runs `make test`, the same command a person runs.
# Every target installs what it needs: a local virtual environment (.venv) with the
# pinned Python packages, and node_modules with the pinned npm packages.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
SPEC := spec/openapi.yaml
# The docs' browser tests drive Debian's Chromium (never a browser downloaded by a tool).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HAND_WRITTEN := generator tests benchmarks

.DEFAULT_GOAL := help
.PHONY: help setup regenerate check-drift lint-spec lint format typecheck \
	check-generated install-generated test test-unit test-docs golden docs bench clean

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

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	$(SUDO) apt-get install -y -qq chromium

setup: $(VENV)/.installed node_modules/.installed $(CHROMIUM) ## install the pinned tools and Chromium

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

docs: $(VENV)/.installed ## build the API reference site into site/
	$(PY) -m generator docs $(SPEC) site

test-docs: setup ## the docs: samples run and type-checked, curl checked, browser and axe
	$(BIN)/pytest -q tests/docs

bench: setup ## the benchmarks: ratios against openapi-python-client, httpx and msgspec
	$(PY) -m benchmarks.run

golden: $(VENV)/.installed ## rewrite the golden trees from their specs (review the diff)
	$(PY) -m tests.golden.update

test: setup lint-spec lint typecheck check-drift check-generated ## everything CI checks
	$(BIN)/pytest -q

# The generator's commands under `make test` run alone, as in CI: a generation server
# they started (generator/launch.py) would outlive the run.
test: export OPENAPI_PYTHON_GENERATOR_SERVER = 0

clean: ## remove caches and built artefacts (keeps .venv and node_modules)
	rm -rf site .mypy_cache .ruff_cache .pytest_cache build dist
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
