# Two commands on a fresh machine:
#   make serve   install what an editor needs, build the example site and preview it on http://127.0.0.1:8000/
#   make test    install everything the tests need and run all of them
# Both install exact versions from requirements/*.txt (with hashes); `make lock` refreshes them
# and `make test-latest` runs the suite against the newest versions pyproject.toml allows.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check
EDITOR_STAMP := $(VENV)/.editor-installed
TEST_STAMP := $(VENV)/.test-installed
JS_TOOLS := tests/js/node_modules/.package-lock.json
UV_VERSION := 0.13.9
LATEST := .venv-latest
PORT ?= 8000

.PHONY: serve build test test-latest lint browser lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The editor's set: sitegen, Pagefind and the build backend, nothing for tests.
$(EDITOR_STAMP): requirements/editor.txt pyproject.toml | $(BIN)/python
	$(PIP) install --quiet --require-hashes --no-deps -r requirements/editor.txt
	$(PIP) install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(TEST_STAMP): requirements/test.txt $(EDITOR_STAMP)
	$(PIP) install --quiet --require-hashes --no-deps -r requirements/test.txt
	touch $@

serve: $(EDITOR_STAMP)
	$(BIN)/sitegen serve --port $(PORT)

build: $(EDITOR_STAMP)
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

lint: $(TEST_STAMP)
	$(BIN)/ruff check sitegen tests bench

test: $(TEST_STAMP) browser $(JS_TOOLS) lint
	$(BIN)/python -m pytest

# The suite against the newest releases pyproject.toml's ranges allow, as `pip install sitegen` gets them.
test-latest: browser $(JS_TOOLS)
	rm -rf $(LATEST)
	$(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade -e '.[test,search]'
	$(LATEST)/bin/ruff check sitegen tests bench
	$(LATEST)/bin/python -m pytest -p no:cacheprovider

# Refresh the locks to the newest versions the ranges allow (commit the result once `make test` passes).
lock: | $(BIN)/python
	$(PIP) install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip compile --quiet --upgrade --universal --python-version 3.11 --generate-hashes \
	  pyproject.toml requirements/build.in --extra search -o requirements/editor.txt
	$(BIN)/uv pip compile --quiet --upgrade --universal --python-version 3.11 --generate-hashes \
	  pyproject.toml requirements/build.in --extra search --extra test -o requirements/test.txt

clean:
	rm -rf $(VENV) $(LATEST) output dist build .pytest_cache .ruff_cache tests/js/node_modules
