# Two commands on a fresh machine:
#   make serve   build the example site and preview it on http://127.0.0.1:8000/
#   make test    install everything the tests need and run all of them
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
JS_TOOLS := tests/js/node_modules/.package-lock.json
PORT ?= 8000

.PHONY: serve build test lint browser clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,search]'
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/sitegen build && $(BIN)/sitegen serve --port $(PORT)

build: $(STAMP)
	$(BIN)/sitegen build

browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }
	@command -v java >/dev/null 2>&1 || { \
	  echo "Installing Debian's default-jre-headless for the HTML checker"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq default-jre-headless >/dev/null; }
	@command -v npm >/dev/null 2>&1 || { \
	  echo "Installing Debian's nodejs and npm for the quality tests' tools"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nodejs npm >/dev/null; }

# The Nu HTML Checker and axe-core, pinned in tests/js/package-lock.json.
$(JS_TOOLS): tests/js/package-lock.json
	npm ci --prefix tests/js --ignore-scripts --no-audit --no-fund --loglevel=error

lint: $(STAMP)
	$(BIN)/ruff check sitegen tests bench

test: $(STAMP) browser $(JS_TOOLS) lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) output dist build .pytest_cache .ruff_cache tests/js/node_modules
