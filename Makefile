# Minsheng: two commands. `make run` serves the demo on http://127.0.0.1:8000; `make test` runs the suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
HOST   ?= 127.0.0.1
PORT   ?= 8000
WORKERS ?= 3
PYTEST_ARGS ?=
# The suite runs on this many processes (pytest-xdist); every test has its own database and
# the browser tests' server its own port, so they do not meet. 1 runs it in one process.
TEST_WORKERS ?= 2

.PHONY: run test lint bench bootstrap messages catalogues clean e2e

$(VENV)/.installed: requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.lock
	$(PY) -m pip install --disable-pip-version-check -q --no-deps --no-build-isolation -e .
	@touch $@

bootstrap: $(VENV)/.installed
	@$(PY) manage.py catalogues --compile

run: export HTTPS ?= false
# Email goes to files under var/mail; SMS and group robots are recorded (README "Notifications").
run: export EMAIL_BACKEND ?= django.core.mail.backends.filebased.EmailBackend
run: bootstrap
	$(PY) manage.py migrate --noinput
	@if [ ! -f var/.demo-loaded ]; then \
		$(PY) manage.py demo && $(PY) manage.py insight train --quiet && touch var/.demo-loaded; \
	else $(PY) manage.py demo --logins-only; fi
	@$(PY) manage.py collectstatic --noinput -v0
	@echo ""
	@echo "Minsheng is serving on http://$(HOST):$(PORT)/  (Ctrl-C stops it; the data stays in var/)"
	@# Beside the server, in the background: the delivery worker (django-tasks' database queue)
	@# and the reminder engine once a minute; both stop with the server.
	@trap 'kill $$WORKER $$REMINDERS 2>/dev/null; wait' EXIT INT TERM; \
	$(PY) manage.py db_worker --interval 2 --no-startup-delay -v0 & WORKER=$$!; \
	$(PY) manage.py send_reminders --loop 60 > var/reminders.log 2>&1 & REMINDERS=$$!; \
	$(BIN)/gunicorn minsheng.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) \
		--access-logfile - --graceful-timeout 5

test: bootstrap
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

e2e: bootstrap
	$(BIN)/pytest e2e $(PYTEST_ARGS)

lint: bootstrap
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy minsheng
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py catalogues --check

# Re-extract the message catalogues after changing user-facing strings (needs GNU gettext).
messages: bootstrap
	$(PY) manage.py makemessages -l zh_Hans -l en --no-obsolete --no-location -i ".venv/*" -i "var/*" -i "tests/*" -i "e2e/*" -i "bench/*" -i "node_modules/*"

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-artifacts

# The pages measured through gunicorn on loopback, with a data generator and a printed table
# (docs/performance.md). Small by default; BENCH_SIZES=10000,100000 for the full run;
# BENCH_DATABASE_URL=postgres://… to measure on PostgreSQL; BENCH_ARGS="--json out.json".
BENCH_SIZES ?= 1000
BENCH_ARGS ?=
bench: bootstrap
	$(PY) -m bench --sizes $(BENCH_SIZES) $(BENCH_ARGS)
