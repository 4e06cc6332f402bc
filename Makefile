# twostep — the two commands are `make run` and `make test`.
VENV   ?= .venv
PYTHON ?= python3
PY      = $(VENV)/bin/python
BIND   ?= 127.0.0.1:8000
PYTEST_ARGS ?= -n 2 --dist loadgroup

.PHONY: install run test lint bench clean vendor-axe

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

## Serve the portal on http://$(BIND) (default 127.0.0.1:8000; SQLite in ./var, demo seeded when empty).
run: install
	$(VENV)/bin/twostep setup-demo
	$(VENV)/bin/twostep serve --bind $(BIND)

## The whole test suite (browser tests included).
test: install
	$(VENV)/bin/ruff check src tests bench
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check src tests bench

## Benchmarks (bench/README.md): PostgreSQL and Redis on loopback; 6-8 minutes on 2 cores.
bench: install
	$(PY) -m pip install -q -e '.[test,bench]'
	$(PY) -m bench

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis

## Replace the vendored axe-core of the browser tests (tests/browser/vendor) by AXE_VERSION from the npm registry.
AXE_VERSION ?= 4.14.1
vendor-axe:
	set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	  (cd "$$tmp" && npm pack -q axe-core@$(AXE_VERSION) >/dev/null && tar -xzf axe-core-$(AXE_VERSION).tgz); \
	  cp "$$tmp/package/axe.min.js" tests/browser/vendor/axe.min.js; \
	  cp "$$tmp/package/LICENSE" tests/browser/vendor/axe-core.LICENSE; \
	  cp "$$tmp/package/LICENSE-3RD-PARTY.txt" tests/browser/vendor/axe-core.LICENSE-3RD-PARTY.txt
	head -1 tests/browser/vendor/axe.min.js
