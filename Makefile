# The two commands a newcomer runs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_ENV := DJANGO_HTTPS=off DJANGO_EMAIL_BACKEND=console NEWSROOM_LANGUAGES=en,ru,ka,az \
	NEWSROOM_REQUIRE_2FA=off
# The browser tests drive the system's Chromium (Debian's `chromium` package).
CHROMIUM := /usr/bin/chromium
# The lock: every package pinned, with its hashes, for Python 3.11 on Linux.
# uv keeps the pins already in the files wherever pyproject.toml's ranges allow;
# to move one on: make lock LOCK_ARGS="--upgrade-package django".
LOCK := $(BIN)/uv pip compile pyproject.toml --quiet --generate-hashes \
	--python-version 3.11 --python-platform linux \
	--custom-compile-command "make lock" $(LOCK_ARGS)

.PHONY: demo test bench bench-newsday bench-archive lint lock install install-dev messages clean
# The languages the interface is translated into (articles.editions.DESK_LANGUAGES
# but English, the source); makemessages looks at the project's own files only.
LOCALES := ru ka az hy tr
MESSAGES_IGNORE := --ignore=.venv --ignore=var --ignore=tests --ignore=bench --ignore=docs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(VENV)/.installed $@

# The interface's catalogues (articles/locale), compiled by Babel: no GNU gettext needed.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard articles/locale/*/LC_MESSAGES/*.po))

articles/locale/%.mo: articles/locale/%.po | $(VENV)/.installed
	$(BIN)/pybabel --quiet compile --statistics --input-file $< --output-file $@.tmp
	mv $@.tmp $@

install: $(VENV)/.installed $(CATALOGUES)
install-dev: $(VENV)/.installed-dev $(CATALOGUES)

## make messages: gather the interface's strings into articles/locale (needs GNU gettext)
messages: install-dev
	$(BIN)/python manage.py makemessages $(addprefix -l ,$(LOCALES)) --no-obsolete $(MESSAGES_IGNORE)
	$(BIN)/python manage.py makemessages $(addprefix -l ,$(LOCALES)) --no-obsolete -d djangojs $(MESSAGES_IGNORE)

## make lock: pin pyproject.toml's dependencies, with hashes, in requirements.txt and requirements-dev.txt
lock: install-dev
	$(LOCK) --output-file requirements.txt
	$(LOCK) --group dev --constraint requirements.txt --output-file requirements-dev.txt

## make demo: install, migrate, load the demo stories and serve them on http://127.0.0.1:8000
demo: install
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(DEMO_ENV) $(BIN)/python manage.py load_demo --keep-content
	@echo "Serving the demo on http://127.0.0.1:8000 (admin: http://127.0.0.1:8000/admin/). Ctrl-C stops it."
	@echo "Second factors are optional in the demo (NEWSROOM_REQUIRE_2FA=off); passkeys need http://localhost:8000."
	$(DEMO_ENV) $(BIN)/gunicorn --config gunicorn.conf.py newsroom.wsgi

## make test: checks, lint and the whole suite (SQLite, or DATABASE_URL when set)
test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py check --settings=tests.settings
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=tests.settings
	@test -x $(CHROMIUM) || echo "Chromium not found at $(CHROMIUM): browser tests will be skipped (apt-get install chromium)"
	$(BIN)/pytest

## make bench: load-test gunicorn (and nginx where installed) on 127.0.0.1; see bench/run.py
bench: install
	$(BIN)/python bench/run.py

## make bench-newsday: readers and an editor for a news day on PostgreSQL and Redis, gunicorn and Varnish; see bench/newsday.py
bench-newsday: install
	$(BIN)/python bench/newsday.py

## make bench-archive: every page's time and queries over 10,000, 100,000 and 1,000,000 stories on PostgreSQL (BENCH_ARGS="--reuse" measures the archive as it is); see bench/archive.py
bench-archive: install-dev
	$(BIN)/python bench/archive.py $(BENCH_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) var db.sqlite3 db.sqlite3-wal db.sqlite3-shm .pytest_cache .ruff_cache
	find articles/locale -name '*.mo' -delete
