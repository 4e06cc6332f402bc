# twostep — the two commands are `make run` and `make test`.
VENV   ?= .venv
PYTHON ?= python3
PY      = $(VENV)/bin/python
BIND   ?= 127.0.0.1:8000
PYTEST_ARGS ?= -n 2 --dist loadgroup

.PHONY: install install-run run test lint bench clean vendor-axe

# Two installs into one venv: what running needs (`.`), and that plus the test tools (`.[test]`: pytest,
# Playwright, zxing-cpp, ruff, mypy...). A stamp each; a changed pyproject.toml installs again.
install: $(VENV)/.installed
install-run: $(VENV)/.installed-run

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(PY)
	@echo "== installing dependencies to run twostep into $(VENV) (runtime only), about a minute"
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed: pyproject.toml | $(PY)
	@echo "== installing dependencies to run and test twostep into $(VENV) (.[test]), about a minute or two"
	$(PY) -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed-run

## Serve the portal on http://$(BIND) (default 127.0.0.1:8000; SQLite in ./var, demo seeded when empty).
run: install-run
	$(VENV)/bin/twostep setup-demo
	$(VENV)/bin/twostep serve --bind $(BIND)

## The whole test suite (browser tests included), after the linter and the type checker.
test: install
	$(VENV)/bin/ruff check src tests bench
	$(PY) -m mypy
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(PY) -m mypy

## Benchmarks (bench/README.md): PostgreSQL and Redis on loopback; about 6 minutes on 2 quiet cores.
bench: install
	$(PY) -m pip install -q -e '.[test,bench]'
	$(PY) -m bench

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis .mypy_cache

## Replace the vendored axe-core of the browser tests (tests/browser/vendor) by AXE_VERSION from the npm registry.
AXE_VERSION ?= 4.14.1
vendor-axe:
	set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	  (cd "$$tmp" && npm pack -q axe-core@$(AXE_VERSION) >/dev/null && tar -xzf axe-core-$(AXE_VERSION).tgz); \
	  cp "$$tmp/package/axe.min.js" tests/browser/vendor/axe.min.js; \
	  cp "$$tmp/package/LICENSE" tests/browser/vendor/axe-core.LICENSE; \
	  cp "$$tmp/package/LICENSE-3RD-PARTY.txt" tests/browser/vendor/axe-core.LICENSE-3RD-PARTY.txt
	head -1 tests/browser/vendor/axe.min.js
