# Django and Flask, side by side. `make test` and `make compare` set everything up themselves.

PYTHON ?= python3
VENV := .venv
PY := $(CURDIR)/$(VENV)/bin/python
STAMP := $(VENV)/.installed
REQUIREMENTS := requirements-dev.txt compare/requirements.txt bench/requirements.txt django_app/requirements.txt \
	django_app/requirements-dev.txt flask_app/requirements.txt flask_app/requirements-dev.txt
PG_URL ?= postgresql://postgres@127.0.0.1:5432/posts_test

# run-django and run-flask listen on 8000 and 5000; PORT=N picks another (macOS keeps 5000 for
# AirPlay: make run-flask PORT=5001).
# Demo logins printed by run-django and run-flask (local development only).
STAFF_USERNAME ?= admin
STAFF_PASSWORD ?= admin-pass-2026
DEV_ENV := DEBUG=1 SECRET_KEY=dev-only-not-secret

.PHONY: help venv test test-unit test-shared test-servers test-live test-postgres lint format \
	test-browser test-scale run-django run-flask compare compare-setup bench bench-quick bench-growth bench-profile \
	bench-scale clean \
	check solutions break-it

help:
	@echo "make test           set up .venv and run every test (both apps' unit tests, shared suite)"
	@echo "make test-shared    the shared suite in-process, against both apps (under a minute)"
	@echo "make test-servers   the shared tests that start their own gunicorn servers"
	@echo "make test-live      the shared suite against both apps under gunicorn"
	@echo "make test-postgres  the shared suite on PostgreSQL (PG_URL=$(PG_URL))"
	@echo "make test-scale     each app as 3 replicas behind HAProxy (PostgreSQL, Redis), and fault drills"
	@echo "make test-browser   the real-browser journey on both apps (Playwright, Chromium, axe-core)"
	@echo "make run-django     the Django app on http://127.0.0.1:8000 with demo data (PORT=N: another port)"
	@echo "make run-flask      the Flask app on http://127.0.0.1:5000 with demo data (PORT=N: another port)"
	@echo "make lint           ruff check and ruff format --check"
	@echo "make bench          instructions per request (callgrind), then gunicorn and wrk (build/bench.json)"
	@echo "make bench-growth   instructions per request at 1,000 to 100,000 posts, SQLite and PostgreSQL"
	@echo "make bench-scale    req/s through HAProxy with 1, 2, 3 replicas; SQL and connections a request"
	@echo "make compare        measure both apps and print the report (build/compare.*)"
	@echo "make compare-setup  the same, with each app's setup run from scratch and timed"
	@echo "make check STEP=N   the workshop: exercise N's checkpoint on both apps (APP=django|flask: one)"
	@echo "make solutions      the workshop: each solution applied in order passes its checkpoint"
	@echo "make break-it       the workshop: each deliberate mistake on each app, caught by the suite"

venv: $(STAMP)

$(STAMP): $(REQUIREMENTS)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Python 3.11 or newer is needed (PYTHON=$(PYTHON))"; exit 1; }
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -r compare/requirements.txt -r bench/requirements.txt \
		-r django_app/requirements-dev.txt -r flask_app/requirements-dev.txt
	touch $@

test: test-unit test-shared test-servers

test-unit: $(STAMP)
	cd django_app && $(PY) -m pytest -q -p no:cacheprovider
	cd flask_app && $(PY) -m pytest -q -p no:cacheprovider
	$(PY) -m pytest -q -p no:cacheprovider compare/tests workshop/tests

# The shared suite in two runs: in-process (about 2.5 minutes), then the tests that start servers of
# their own (gunicorn with several workers, the real CLI on fresh databases), marked background.
test-shared: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider tests -m "not background"

test-servers: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider tests -m background

test-live: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider tests --live

test-postgres: $(STAMP)
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -q -p no:cacheprovider tests
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -q -p no:cacheprovider tests --live

# The scale-out profile: each app as three gunicorn replicas behind HAProxy, on a PostgreSQL
# cluster of its own (initdb on a free loopback port, removed at the end: the drill that restarts
# it touches no other PostgreSQL work on the machine) and a Redis of its own; the shared suite
# through the balancer, then the fault drills (figures printed and kept in build/scale.json).
# Needs haproxy, redis-server and PostgreSQL's server programs, not a running server (Debian:
# apt-get install -y haproxy redis-server postgresql).
test-scale: $(STAMP)
	rm -f build/scale.json
	@status=0; for app in django flask; do \
		$(PY) -m pytest -q -p no:cacheprovider tests --scale $$app || status=1; \
	done; exit $$status

# The real-browser journey (e2e/): Debian's chromium when it is on the PATH, else Playwright's
# own browser; under CI=true a missing chromium fails the run.
BROWSER_STAMP := $(VENV)/.installed-browser
# axe-core from the npm registry, pinned with its hash by e2e/package-lock.json; npm ci installs
# it into build/axe/, out of the tree. Without npm its checks are skipped; under CI=true, a failure.
AXE := build/axe/node_modules/axe-core/axe.min.js

$(BROWSER_STAMP): requirements-browser.txt $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-browser.txt
	touch $@

# npm ci keeps the package's own file times, older than the lock file: touch, or it runs each time.
$(AXE): e2e/package.json e2e/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		mkdir -p build/axe && cp e2e/package.json e2e/package-lock.json build/axe/ \
		&& (cd build/axe && npm ci --ignore-scripts --no-audit --no-fund) && touch $@; \
	elif [ "$$CI" = "true" ]; then \
		echo "CI=true and no npm for axe-core: apt-get install -y nodejs npm" >&2; exit 1; \
	else \
		echo "no npm: the axe-core checks are skipped (apt-get install -y nodejs npm)"; \
	fi

test-browser: $(BROWSER_STAMP) $(AXE)
	@if command -v chromium >/dev/null 2>&1; then \
		echo "browser: $$(command -v chromium)"; \
	elif [ "$$CI" = "true" ]; then \
		echo "CI=true and no chromium on the PATH: apt-get install -y chromium" >&2; exit 1; \
	else \
		$(PY) -m playwright install chromium; \
	fi
	$(PY) -m pytest -q -p no:cacheprovider e2e

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

run-django: $(STAMP)
	cd django_app && $(DEV_ENV) $(PY) manage.py migrate --noinput
	cd django_app && $(DEV_ENV) DJANGO_SUPERUSER_PASSWORD=$(STAFF_PASSWORD) $(PY) manage.py \
		createsuperuser --noinput --username $(STAFF_USERNAME) --email $(STAFF_USERNAME)@example.com \
		|| echo "(kept the existing staff user $(STAFF_USERNAME))"
	cd django_app && $(DEV_ENV) $(PY) manage.py seed_demo
	@echo "Staff login for /admin/: $(STAFF_USERNAME) / $(STAFF_PASSWORD)"
	cd django_app && $(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(or $(PORT),8000)

run-flask: $(STAMP)
	cd flask_app && $(DEV_ENV) $(PY) -m flask --app app db upgrade
	cd flask_app && $(DEV_ENV) $(PY) -m flask --app app create-admin --username $(STAFF_USERNAME) \
		--password $(STAFF_PASSWORD)
	cd flask_app && $(DEV_ENV) $(PY) -m flask --app app seed-demo
	@echo "Staff login for /admin/: $(STAFF_USERNAME) / $(STAFF_PASSWORD)"
	cd flask_app && $(DEV_ENV) $(PY) -m flask --app app run --debug --port $(or $(PORT),5000)

compare: $(STAMP)
	$(PY) compare.py

compare-setup: $(STAMP)
	$(PY) compare.py --run-setup

# Performance: instructions per request under callgrind (Debian: apt-get install valgrind), then
# both apps and a plain-WSGI ceiling under the same gunicorn, loaded by wrk (Debian: apt-get
# install wrk; without it a slower Python load generator, labelled as such).
bench: $(STAMP)
	$(PY) -m bench

# The counts as the data grows: 1,000 to 100,000 posts, SQLite and PostgreSQL (PG_URL's server).
bench-growth: $(STAMP)
	PG_URL=$(PG_URL) $(PY) -m bench --growth

# Cost as the work grows: req/s through HAProxy with 1, 2 and 3 replicas, the apps taking turns,
# the CPU each part used, SQL statements and connections; on a PostgreSQL cluster of its own, as
# make test-scale (build/bench-scale.json, read by make compare).
bench-scale: $(STAMP)
	$(PY) -m bench --scale

# CI's check of the harnesses, not a measurement: one callgrind count a side and a short load run;
# then one short window a replica count through HAProxy (build/bench-*-quick.json).
bench-quick: $(STAMP)
	$(PY) -m bench --quick
	$(PY) -m bench --scale --quick

bench-profile: $(STAMP)
	$(PY) -m bench --profile

# The workshop (docs/workshop/): checkpoints, the solutions' check, the break-it drills.
check: $(STAMP)
	@test -n "$(STEP)" || { echo "usage: make check STEP=N [APP=django|flask] (docs/workshop/)"; exit 2; }
	$(PY) -m workshop check $(STEP) $(if $(APP),--app $(APP))

solutions: $(STAMP)
	$(PY) -m workshop solutions

break-it: $(STAMP)
	$(PY) -m workshop break-it

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache
