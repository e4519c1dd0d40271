# Shopkeeper — the two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
UV     := $(BIN)/uv
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=
# Test processes (pytest-xdist): each test has its own SQLite file or PostgreSQL database and
# broker namespace, so they run side by side; 0 runs them in this process.
PYTEST_WORKERS ?= 2

.PHONY: install demo test lint bench clean static

$(STAMP): requirements.lock pyproject.toml package.json package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade uv
	$(UV) pip sync -q --python $(BIN)/python requirements.lock
	$(UV) pip install -q --python $(BIN)/python --no-deps -e .
	$(MAKE) static
	touch $(STAMP)

install: $(STAMP)

# Front-end libraries come from the npm registry (pinned in package-lock.json) and are
# copied into the static folder; they are not committed.
static:
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --silent --no-audit --no-fund && \
	  mkdir -p src/shopkeeper/web/static/vendor && \
	  cp node_modules/htmx.org/dist/htmx.min.js src/shopkeeper/web/static/vendor/ && \
	  cp node_modules/chart.js/dist/chart.umd.js src/shopkeeper/web/static/vendor/chart.umd.min.js; \
	else echo "npm not found: the admin works without htmx, but less smoothly"; fi

# Delivery dates come from the app's own built-in demo calendar (mounted in demo mode only)
# unless SHOPKEEPER_DELIVERY_CALENDAR_URL names a real Calendar API.
demo: $(STAMP)
	SHOPKEEPER_DEMO=1 \
	SHOPKEEPER_DELIVERY_CALENDAR_URL=$${SHOPKEEPER_DELIVERY_CALENDAR_URL:-http://$(HOST):$(PORT)/demo/delivery-calendar} \
	$(BIN)/shopkeeper demo --serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS); rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 1; fi; exit $$rc

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python -m bench

lock:
	$(UV) pip compile -q pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) node_modules src/shopkeeper/web/static/vendor .pytest_cache
