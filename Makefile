# The two commands that matter (README): `make run` and `make test`. Each sets itself up.
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_DB ?= var/kamdesk-demo.db

.PHONY: setup run test lint bench schema screenshots bundle clean

setup:
	@bash scripts/setup.sh

## Open the desktop app on a local database holding the demo portfolio.
run: setup
	@mkdir -p $(dir $(DEMO_DB))
	$(BIN)/kamdesk --db $(DEMO_DB) --demo

## The whole test suite (offscreen Qt), then lint and type checks.
test: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest
	@$(MAKE) --no-print-directory lint

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

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

## Screenshots of the app on the demo data, for the README (offscreen).
screenshots: setup
	$(BIN)/python scripts/screenshots.py docs/screenshots

## Regenerate the shipped JSON Schema from the format's models.
schema: setup
	$(BIN)/python -m kamdesk.core.exchange_schema > resources/schema/portfolio-v1.schema.json

bundle: setup
	$(BIN)/python -m pip install -q '.[build]'
	$(BIN)/pyinstaller --noconfirm build.spec

clean:
	rm -rf build dist var .pytest_cache .mypy_cache .ruff_cache
