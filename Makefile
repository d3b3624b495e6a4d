# Two commands on a fresh machine: `make run` and `make test`.
# Each creates .venv and installs everything it needs.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_WORKERS ?= 2

.PHONY: run test lint bench clean ensure-test-peers

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/conch $(ARGS)

# The tests drive bash-completion and bubblewrap for real; installs them when apt can, never fails.
ensure-test-peers:
	bash .ci/ensure-test-peers

test: $(STAMP) ensure-test-peers
	$(VENV)/bin/ruff check src plugins tests bench
	$(VENV)/bin/mypy
	$(PY) -m pytest -q -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check src plugins tests bench
	$(VENV)/bin/ruff format --check src plugins tests bench
	$(VENV)/bin/mypy

bench: $(STAMP)
	for script in bench/*.py; do $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV)
