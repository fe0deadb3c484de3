# Two commands for a fresh machine: `make run` launches the app, `make test` runs the checks (ruff, mypy) and every
# test; `make lint` runs only the checks.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run lint test bench dist dist-windows dist-deb clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/leifeng-desktop $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# `make bench SCALE=city` (default demo); BENCH_ARGS passes more options (--rounds N, --only lists …).
bench: $(STAMP)
	$(BIN)/python -m bench --scale $(or $(SCALE),demo) $(BENCH_ARGS)

# The installers (issue 16), built offline from registry packages into dist/: the Windows setup .exe (NSIS) and the
# Debian package. Downloads are cached in build/.
dist: dist-windows dist-deb

dist-windows: $(STAMP)
	$(BIN)/python -m installer.windows --out dist

dist-deb: $(STAMP)
	$(BIN)/python -m installer.deb --out dist

clean:
	rm -rf $(VENV) build dist *.egg-info
