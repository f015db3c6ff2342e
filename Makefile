# todochat: `make run` starts the app, `make test` runs every test. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test lint eval bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/todochat serve $(ARGS)

test: $(STAMP)
	bash scripts/ensure-system-deps.sh
	OPENAI_AGENTS_DISABLE_TRACING=1 $(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests

eval: $(STAMP)
	$(BIN)/todochat eval ../shared/eval/cases.jsonl
	for f in evals/cases.jsonl evals/resched.jsonl evals/bulk_scope.jsonl evals/undo_levels.jsonl evals/dates_family.jsonl evals/reminders.jsonl evals/reminders_bulk.jsonl evals/reminders_when.jsonl evals/notes.jsonl evals/views.jsonl evals/lists.jsonl evals/subtasks.jsonl evals/exact_refs.jsonl evals/ask_dates.jsonl evals/queries.jsonl evals/update_wording.jsonl; do \
	  $(BIN)/todochat eval $$f || exit 1; done
	@echo "frozen slices (report only):"
	-for f in evals/frozen_*.jsonl; do echo "$$f"; $(BIN)/todochat eval $$f | tail -1; done

# A, B (the SDK floor), todochat on SQLite and a throwaway PostgreSQL, c=1/c=16, --workers 2 and
# the growth table; about 4 minutes; writes bench/RESULTS.md (BENCH_ARGS="--seconds 4" to shorten)
bench: $(STAMP)
	bash scripts/ensure-system-deps.sh postgresql
	OPENAI_AGENTS_DISABLE_TRACING=1 $(BIN)/python bench/stack.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
