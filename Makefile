# Two commands on a fresh machine: `make run` and `make test`.
# Each creates .venv and installs everything it needs.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_WORKERS ?= 2

.PHONY: run install uninstall test lint bench clean ensure-test-peers

# `make install` puts `conch` on PATH: a link in $(PREFIX)/bin to this checkout's venv, so the
# checkout must stay where it is (for a standalone copy: `pipx install .` or `uv tool install .`).
PREFIX ?= $(HOME)/.local
CONCH_LINK := $(PREFIX)/bin/conch

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/conch $(ARGS)

install: $(STAMP)
	@if [ -e $(CONCH_LINK) ] && [ ! -L $(CONCH_LINK) ]; then \
	  echo "$(CONCH_LINK) exists and is not a link (pipx?): remove it first"; exit 1; fi
	mkdir -p $(PREFIX)/bin
	ln -sfn $(abspath $(VENV))/bin/conch $(CONCH_LINK)
	@echo "installed: $(CONCH_LINK) -> $(abspath $(VENV))/bin/conch"
	@case ":$$PATH:" in *":$(PREFIX)/bin:"*) ;; \
	  *) echo "$(PREFIX)/bin is not on PATH: add  export PATH=\"$(PREFIX)/bin:\$$PATH\"  to ~/.bashrc";; \
	esac

uninstall:
	@if [ -L $(CONCH_LINK) ]; then rm $(CONCH_LINK) && echo "removed $(CONCH_LINK)"; \
	elif [ -e $(CONCH_LINK) ]; then echo "$(CONCH_LINK) is not a link: left alone"; \
	else echo "nothing to remove at $(CONCH_LINK)"; fi

# The tests drive bash-completion, bubblewrap, tmux, git, vim and less for real; installs them when apt can, never fails.
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
