# Frontlines: `make play` starts the game on the seed scenario, `make test` runs every check.
# Both create .venv and install the project on first use, and skip that when it is done.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: play test lint typecheck pytest schema repin mutate setup clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

play: $(STAMP)
	$(BIN)/frontlines play aleppo-2024

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# Two pytest workers per core: the terminal-app tests spend about half their time waiting
# for the app to go idle, and the others fill that time.
WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) * 2 )))

pytest: $(STAMP)
	$(BIN)/pytest -n $(WORKERS) --dist worksteal

# Regenerate the committed JSON Schema after changing the scenario models.
schema: $(STAMP)
	$(BIN)/frontlines schema > scenarios/scenario.schema.json

# After a change of the rules meant to change outcomes: re-pin the golden games, the save
# corpus, the schema, the snapshots and the README picture, and print what changed.
repin: $(STAMP)
	$(BIN)/python -m tests.repin

# Seeded, bounded mutation testing of the rules and the orders (docs/testing.md): the report
# goes to mutate-report.json; options through MUTATE, e.g. make mutate MUTATE="--mutants 30".
MUTATE ?=
mutate: $(STAMP)
	$(BIN)/python -m tests.mutate --json mutate-report.json $(MUTATE)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
