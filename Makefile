# Common Ground: `make run` serves the site, `make test` runs the whole suite.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
FLASK := $(VENV)/bin/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=
# Options for `make bench` and `make bench-quick`, e.g. BENCH_ARGS="--only http --profile".
BENCH_ARGS ?=
# `make lock LOCK_ARGS=--upgrade` moves every pin to the newest release that pyproject.toml allows;
# `LOCK_ARGS="--upgrade-package flask"` moves one.
LOCK_ARGS ?=
UV_SPEC := uv>=0.13,<0.14
LOCK_TARGET := --python-version 3.11 --python-platform linux --custom-compile-command "make lock"

.PHONY: run test lint lock bench bench-quick install install-dev migrate seed clean

# The bare virtualenv, made once.
$(PY):
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Runtime dependencies at the versions pinned in requirements/main.txt, then the project itself.
$(VENV)/.installed: requirements/main.txt pyproject.toml | $(PY)
	$(PIP) install --quiet -r requirements/main.txt
	$(PIP) install --quiet --no-deps -e .
	touch $@

# Runtime plus test and lint tools, pinned in requirements/dev.txt.
$(VENV)/.installed-dev: requirements/dev.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements/dev.txt
	$(PIP) install --quiet --no-deps -e .
	touch $@

# Install what the site needs to run.
install: $(VENV)/.installed

# Install what the tests and linters need as well.
install-dev: $(VENV)/.installed-dev

# Re-resolve pyproject.toml's ranges into requirements/main.txt and requirements/dev.txt (dev.txt
# keeps main.txt's versions). Commit both files; the next `make install` picks them up.
lock: | $(PY)
	$(PIP) install --quiet '$(UV_SPEC)'
	$(VENV)/bin/uv pip compile pyproject.toml $(LOCK_TARGET) $(LOCK_ARGS) \
		-o requirements/main.txt >/dev/null
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev -c requirements/main.txt $(LOCK_TARGET) $(LOCK_ARGS) \
		-o requirements/dev.txt >/dev/null

# The development server: debug settings, SQLite in instance/, mail written to instance/outbox/.
# One gevent process serves pages and the chat's Socket.IO (chat_wsgi.py), with password
# hashing in gevent's thread pool; production runs them apart (deploy/README.md).
run: install
	FLASK_DEBUG=1 $(FLASK) db upgrade
	FLASK_DEBUG=1 $(FLASK) seed --demo
	FLASK_DEBUG=1 HOST=$(HOST) PORT=$(PORT) $(PY) chat_wsgi.py

# Apply the database migrations.
migrate: install
	$(FLASK) db upgrade

# Seed what every site needs (idempotent); `make run` adds the demo content too.
seed: install
	$(FLASK) seed

# Ruff's lint rules and its formatter, as a check: `ruff format .` and `ruff check --fix .` repair.
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Lint, then the whole test suite in PYTEST_WORKERS processes (pytest-xdist: a test file to a
# process, the browser tests together in one; PYTEST_WORKERS=0 runs it in this one); PYTEST_ARGS passes options to pytest.
PYTEST_WORKERS ?= 2
test: lint
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# The benchmarks (bench/README.md): pages over HTTP under gunicorn and wrk, the write path,
# search at 100,000 posts, SQL statements and bytes per page, the chat under load. About 5 minutes.
bench: install-dev
	$(PY) -m bench $(BENCH_ARGS)

# Every benchmark at tiny sizes with 2 s loads, to prove each one still runs (CI); no
# figure is judged.
bench-quick: install-dev
	$(PY) -m bench --quick $(BENCH_ARGS)

# Remove the virtualenv and the tools' caches.
clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
