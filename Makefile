# Newsroom: `make run` serves the demo site, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
# A fresh checkout runs in development mode unless told otherwise; production sets
# NEWSROOM_DEBUG=0 and a secret (see README, "Configuration").
export NEWSROOM_DEBUG ?= 1

.PHONY: messages compilemessages run test install install-dev migrate demo static lint format bench clean two-hosts \
	reliability scanners system-packages-test system-packages-reliability system-packages-bench \
	system-packages-messages

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

# axe-core, injected into pages by the browser tests (tests/browser/), and the Nu HTML Checker
# (vnu-jar, run with Debian's Java by tests/test_site_validity.py); pinned in package.json.
node_modules/axe-core/axe.min.js node_modules/vnu-jar/build/dist/vnu.jar: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

install-dev: $(VENV)/.installed-dev node_modules/axe-core/axe.min.js node_modules/vnu-jar/build/dist/vnu.jar

migrate: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

static: install
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0

# Translations (README, "Languages"): `make messages` extracts every translatable string into
# locale/<language>/LC_MESSAGES/django.po (Django's makemessages: needs gettext's xgettext);
# `make compilemessages` builds the .mo files Django reads, in Python (newsroom/catalogues.py).
LOCALES ?= es ar
MESSAGES_IGNORE := --ignore=.venv --ignore=.venv-scanners --ignore=node_modules --ignore=var \
	--ignore=tests --ignore=bench --ignore=reliability --ignore=loopback --ignore=build
messages: system-packages-messages install
	$(BIN)/python manage.py makemessages $(foreach l,$(LOCALES),--locale=$(l)) \
		--add-location=file --no-obsolete $(MESSAGES_IGNORE)

compilemessages: install
	$(BIN)/python manage.py compile_catalogues

run: demo static compilemessages
	PORT=$(PORT) $(BIN)/gunicorn --config gunicorn.conf.py

# The Debian packages the tests drive (Chromium, nginx, …), listed once in system-packages.txt:
# installed when missing and we are root with apt, otherwise named in one line before pytest.
system-packages-test system-packages-reliability system-packages-bench system-packages-messages:
	bin/ensure-system-packages $(@:system-packages-%=%)

test: system-packages-test install-dev compilemessages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Two app hosts behind the shipped nginx, sharing PostgreSQL, Redis and S3 (moto), with a host
# killed and Redis restarted under load (tests/test_two_hosts.py). Needs a PostgreSQL server:
#   make two-hosts DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom
two-hosts: system-packages-test install-dev
	@case "$(DATABASE_URL)" in postgres*) ;; *) echo "make two-hosts needs DATABASE_URL=postgres://…" >&2; exit 2;; esac
	$(BIN)/python -m pytest -q -s -p no:cacheprovider tests/test_two_hosts.py

# The scanners of the reliability battery live in their own virtualenv, out of the dev extra.
.venv-scanners/.installed: reliability/scanners-requirements.txt
	$(PYTHON) -m venv .venv-scanners
	.venv-scanners/bin/pip install --quiet -r reliability/scanners-requirements.txt
	touch $@

scanners: .venv-scanners/.installed

# Load, faults and scanners through production gunicorn and nginx (docs/reliability.md).
# TIER=fast|full; DATABASE_URL=postgres://…/name runs it on PostgreSQL (databases name_load
# and name_scan are created and dropped by the battery).
TIER ?= fast
reliability: system-packages-reliability install-dev scanners
	$(BIN)/python -m reliability.run --tier $(TIER) --database-url "$(DATABASE_URL)"

# Style, the import layers of docs/architecture.md, and types.
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	NEWSROOM_DEBUG=1 $(BIN)/mypy

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Load benchmark: seeds a site, serves it with gunicorn and nginx, drives it with wrk
# and writes bench/results/LATEST.md. BENCH_STORIES=100000 BENCH_COMMENTS=1000000 for the big run.
bench: system-packages-bench install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .venv-scanners var node_modules
