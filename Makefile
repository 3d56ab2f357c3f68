# stratops task runner. `make help` lists the targets.
PYTHON_BOOT ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.stratops-installed

.DEFAULT_GOAL := help
.PHONY: help venv test lint unit

help: ## show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip setuptools wheel
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP) ## create the virtualenv with the project and its test tools

test: $(STAMP) ## lint, then every test tier (unit, database on SQLite and Postgres, cluster)
	PYTHON=$(PY) scripts/test

lint: $(STAMP) ## ruff, mypy and the import-layer check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy -p stratops.core -p stratops.operator -p stratops.runner -p stratops.api
	$(VENV)/bin/lint-imports

unit: $(STAMP) ## the fast unit tier only
	$(PY) -m pytest tests/unit -q
