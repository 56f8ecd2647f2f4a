# The two commands: `make demo` and `make test`. Everything else is set up by them.
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3
STAMP := $(VENV)/.installed-stamp
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: demo test test-pg lint typecheck serve venv clean bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# The demo queues background tasks (the bulk evaluation) in the database; a worker runs beside the server
# and stops with it.
demo: export TASKS_BACKEND = database
demo: $(STAMP)
	mkdir -p var
	$(BIN)/tdkt migrate --noinput -v 0
	$(BIN)/tdkt demo_load
	@echo ""
	@echo "Mở http://127.0.0.1:8000/ trong trình duyệt (Ctrl+C để dừng)."
	$(BIN)/tdkt db_worker --no-reload & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(BIN)/tdkt runserver 127.0.0.1:8000 --noreload

lint: $(STAMP)
	mkdir -p var
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/tdkt makemigrations --check --dry-run

typecheck: $(STAMP)
	$(BIN)/mypy tdkt

test: lint typecheck
	$(BIN)/pytest -n 2

# The suite again, against PostgreSQL (used by .ci/run).
test-pg: $(STAMP)
	DATABASE_URL=$(PG_URL) $(BIN)/tdkt makemigrations --check --dry-run
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2

bench: $(STAMP)
	@echo "Benchmarks live in bench/; see bench/README.md"

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
