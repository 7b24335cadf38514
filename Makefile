# Newsroom: `make run` serves the demo site, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
# A fresh checkout runs in development mode unless told otherwise; production sets
# NEWSROOM_DEBUG=0 and a secret (see README, "Configuration").
export NEWSROOM_DEBUG ?= 1

.PHONY: run test install install-dev migrate demo static lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

# axe-core, injected into pages by the browser tests (tests/browser/); pinned in package.json.
node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

install-dev: $(VENV)/.installed-dev node_modules/axe-core/axe.min.js

migrate: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

static: install
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0

run: demo static
	PORT=$(PORT) $(BIN)/gunicorn --config gunicorn.conf.py

test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Load benchmark (issue #6): seeds a site, serves it with gunicorn and nginx, drives it with wrk
# and writes bench/results/LATEST.md. BENCH_STORIES=100000 BENCH_COMMENTS=1000000 for the big run.
bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var node_modules
