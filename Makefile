# Leerstroom: two commands. `make demo` runs the pipeline on embedded defaults; `make test` runs every test.
# Installs are pinned by requirements.lock; `make lock` rewrites it after pyproject.toml's dependencies change.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LOCK   := requirements.lock
# The tools that write and audit the lock live apart, so their own dependencies never meet the project's.
TOOLS  := .venv-tools
UV_VERSION        := 0.13.8
PIP_AUDIT_VERSION := 2.10.1
COMPILE := $(TOOLS)/bin/uv pip compile pyproject.toml --extra test --universal --python-version 3.11 \
           --generate-hashes --quiet --output-file $(LOCK)

.PHONY: demo test check install bench clean lock lock-upgrade audit

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	$(BIN)/pip install --require-hashes -r $(LOCK)
	$(BIN)/pip install --no-deps -e .
	@$(BIN)/pip check || { echo "$(LOCK) does not satisfy pyproject.toml: run 'make lock'" >&2; exit 1; }
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/leerstroom demo

test: $(STAMP)
	$(BIN)/pytest

# The shape of the code (.ci/run runs it before the tests): import contracts, lint, types, dead code.
check: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/vulture

bench: $(STAMP)
	$(BIN)/python bench/pipeline_throughput.py

$(TOOLS)/.installed:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install uv==$(UV_VERSION) pip-audit==$(PIP_AUDIT_VERSION)
	touch $@

# After adding or changing a dependency in pyproject.toml: keeps every other pin where it is.
lock: $(TOOLS)/.installed
	$(COMPILE)

# Moves every pin to the newest release pyproject.toml allows.
lock-upgrade: $(TOOLS)/.installed
	$(COMPILE) --upgrade

# Known vulnerabilities in the locked versions; says plainly when they could not be checked.
audit: $(TOOLS)/.installed
	$(TOOLS)/bin/python .ci/audit.py $(LOCK) --pip-audit $(TOOLS)/bin/pip-audit

clean:
	rm -rf $(VENV) $(TOOLS) data test-artifacts
