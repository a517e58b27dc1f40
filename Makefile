# crmdesk developer commands. A fresh machine needs only `make demo` or `make test`:
# each creates .venv, installs the project into it (once), then runs.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
BUILD_STAMP := $(VENV)/.build-stamp
PYTEST_ARGS ?=
# The suite runs on every core (pytest-xdist); PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= auto

.PHONY: demo test venv lint format bench screenshots translations dist dist-check clean

$(STAMP): pyproject.toml setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

## Open the app on a demo database (created in your data folder on first use).
demo: $(STAMP)
	$(BIN)/crmdesk --demo

## Run the whole test suite, offscreen. PostgreSQL tests run when
## CRMDESK_TEST_DATABASE_URL is set (see .ci/run), and say why they skip otherwise.
test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check crmdesk tests benchmarks
	$(BIN)/ruff format --check crmdesk tests benchmarks

format: $(STAMP)
	$(BIN)/ruff format crmdesk tests benchmarks
	$(BIN)/ruff check --fix crmdesk tests benchmarks

## Benchmarks print JSON; see benchmarks/README.md.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_services.py --deals 100000
	$(BIN)/python benchmarks/bench_metrics.py --deals 100000
	$(BIN)/python benchmarks/bench_board.py --deals 100000
	$(BIN)/python benchmarks/bench_reports.py --deals 10000
	$(BIN)/python benchmarks/bench_concurrency.py --ops 500 --workers 2 --backend sqlite

## The one-folder app in dist/crmdesk (PyInstaller; see build_spec/ and docs/install.md).
$(BUILD_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,build]'
	touch $(BUILD_STAMP)

dist: $(BUILD_STAMP)
	PYTHON=$(BIN)/python build_spec/build.sh

## Build it, then check it: plugins and resources there, nothing unused, --version and
## --self-test from the bundle itself.
dist-check: dist
	$(BIN)/python build_spec/check_bundle.py dist/crmdesk

## The translation catalogue: resources/translations/crmdesk_zh_CN.ts gets every tr()
## string of crmdesk/ui (new ones unfinished), then compiles to the .qm that the app loads.
## Commit both. `build_spec/i18n.py check` lists problems and unfinished strings.
translations: $(STAMP)
	$(BIN)/python build_spec/i18n.py update
	$(BIN)/python build_spec/i18n.py compile

## The screenshots in docs/screenshots (Chinese needs a CJK font installed).
screenshots: $(STAMP)
	$(BIN)/python docs/make_screenshots.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache .hypothesis
