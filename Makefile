# The two commands a newcomer needs: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
DEV    := DJANGO_DEBUG=1

.PHONY: run test serve bench lint format check migrate import demo clean-venv

# Re-install only when pyproject.toml changes: a second `make run`/`make test` installs nothing.
$(VENV)/.stamp-run: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.stamp-test: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.stamp-run

var:
	mkdir -p var

migrate: $(VENV)/.stamp-run | var
	$(DEV) $(PY) manage.py migrate --noinput

import: migrate
	$(DEV) $(PY) manage.py import_policies
	$(DEV) $(PY) manage.py load_districts
	$(DEV) $(PY) manage.py load_eligibility

demo: import
	$(DEV) $(PY) manage.py create_demo_accounts

run: demo
	$(DEV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.stamp-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.stamp-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.stamp-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: $(VENV)/.stamp-run
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

# Production: PostgreSQL through DATABASE_URL, a real DJANGO_SECRET_KEY, gunicorn.
serve: $(VENV)/.stamp-run | var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput
	$(VENV)/bin/gunicorn -c portal/gunicorn.conf.py

# `make bench DB=postgres` for PostgreSQL (127.0.0.1:5432, user postgres); BENCH_SIZES,
# BENCH_QUICK=1 and the rest: see bench/run.py.
bench: $(VENV)/.stamp-test | var
	$(if $(DB),BENCH_DB=$(DB)) $(PY) bench/run.py

clean-venv:
	rm -rf $(VENV)
