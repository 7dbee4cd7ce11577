# The two commands that matter (README): `make run` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_DB ?= var/kamdesk-demo.db
# extra arguments: `make test PYTEST_ARGS="tests/core -k backup"`, `make run RUN_ARGS=...`
PYTEST_ARGS ?=
RUN_ARGS ?=
# how far `make test-clock` moves the clock (libfaketime's syntax)
CLOCK_SHIFT ?= +1000d

.PHONY: setup run test lint lint-checks test-clock check-wheel constraints bench schema \
	screenshots bundle clean

setup:
	@PYTHON=$(PYTHON) bash scripts/setup.sh

## Open the desktop app on a local database holding the demo portfolio.
run: setup
	@mkdir -p $(dir $(DEMO_DB))
	$(BIN)/kamdesk --db $(DEMO_DB) --demo $(RUN_ARGS)

## The whole test suite (offscreen Qt), then lint and type checks: both always run, both are
## reported, and it fails if either failed.
test: setup
	@tests=passed; lint=passed; \
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS) || tests=FAILED; \
	$(MAKE) --no-print-directory lint-checks || lint=FAILED; \
	echo "make test: tests $$tests, lint $$lint"; \
	[ $$tests = passed ] && [ $$lint = passed ]

lint: setup
	@$(MAKE) --no-print-directory lint-checks

# every check runs even when one before it failed
lint-checks:
	@status=0; \
	for check in "ruff check ." "ruff format --check ." "mypy" "lint-imports"; do \
		echo "$(BIN)/$$check"; $(BIN)/$$check || status=1; \
	done; \
	exit $$status

## The core tests with the clock moved ahead (libfaketime), so a date bomb goes off in CI long
## before it would for a user. The tests themselves never read the clock; the code may.
test-clock: setup
	faketime -f '$(CLOCK_SHIFT)' $(BIN)/python -m pytest -q -p no:cacheprovider tests/core $(PYTEST_ARGS)

## Build the wheel, install it into a throwaway venv and use it from there (demo, brief PDF).
check-wheel: setup
	@PYTHON=$(PYTHON) bash scripts/check_wheel.sh

## Refresh constraints.txt: the newest releases allowed by pyproject.toml, resolved in a new
## venv (app, test, lint and build tools; pip and the build backend too). Then run `make test`
## and commit constraints.txt if it is green.
constraints:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	PIP_CONSTRAINT= .venv-lock/bin/python -m pip install -q --upgrade pip setuptools hatchling
	PIP_CONSTRAINT= .venv-lock/bin/python -m pip install -q '.[test,build]'
	{ echo "# Exact versions for setup.sh and the bundle (pip install -c constraints.txt)."; \
	  echo "# Made by 'make constraints' with Python $$(.venv-lock/bin/python -c 'import platform; print(platform.python_version())'); do not edit by hand."; \
	  .venv-lock/bin/python -m pip freeze --all --exclude kamdesk; } > constraints.txt
	rm -rf .venv-lock

## Figures: briefs, demo import, large-portfolio import/export, database size, GUI stalls,
## start-up beside a bare PySide6 window.
bench: setup
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/brief.py
	$(BIN)/python benchmarks/portfolio.py
	$(BIN)/python benchmarks/dossier.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/gui_stall.py --large
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/crash_safety.py --kills 300

## Screenshots of the app on the demo data, for the README (under Xvfb when it is there).
screenshots: setup
	@if command -v xvfb-run >/dev/null; then \
		QT_QPA_PLATFORM=xcb xvfb-run -a -s '-screen 0 1920x1080x24' $(BIN)/python scripts/screenshots.py docs/screenshots; \
	else $(BIN)/python scripts/screenshots.py docs/screenshots; fi

## Regenerate the shipped JSON Schema from the format's models.
schema: setup
	$(BIN)/python -m kamdesk.core.model.exchange_schema > resources/schema/portfolio-v1.schema.json

## PyInstaller one-folder build into dist/kamdesk/, from its own venv (.venv-build: kamdesk
## installed from its wheel, with the build extra), so .venv and `make run` stay as they are.
bundle: setup
	@test -x .venv-build/bin/python || $(PYTHON) -m venv .venv-build
	PIP_CONSTRAINT=$(CURDIR)/constraints.txt .venv-build/bin/python -m pip install -q \
		--disable-pip-version-check '.[build]'
	.venv-build/bin/pyinstaller --noconfirm build.spec

clean:
	rm -rf build dist var .pytest_cache .mypy_cache .ruff_cache .venv-build .venv-lock
