# Common Ground: `make run` serves the site, `make test` runs the whole suite.
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

.PHONY: run test bench install install-dev migrate seed clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The development server: debug settings, SQLite in instance/, mail written to instance/outbox/.
run: install
	FLASK_DEBUG=1 $(FLASK) db upgrade
	FLASK_DEBUG=1 $(FLASK) seed --demo
	FLASK_DEBUG=1 HOST=$(HOST) PORT=$(PORT) $(PY) wsgi.py

migrate: install
	$(FLASK) db upgrade

seed: install
	$(FLASK) seed

test: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

bench: install-dev
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache
