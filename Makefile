# One-line wrappers; the logic lives in Python (scanner/, scripts/, bench/).
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: install lock test check lint demo rescan eval bench fuzz clean

install: $(VENV)/.installed

# constraints.txt pins the exact versions (make lock regenerates it from pyproject's ranges).
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV) && $(PY) -m pip install -q --upgrade pip && $(PY) -m pip install -q -c constraints.txt -e '.[dev]' && touch $@

lock:
	$(PYTHON) scripts/lock.py

lint: install
	$(VENV)/bin/ruff check scanner tests scripts bench && $(VENV)/bin/ruff format --check scanner tests scripts bench && $(VENV)/bin/mypy scanner bench

check: lint

test: lint
	$(PY) scripts/ensure_chromium.py
	$(VENV)/bin/pytest

demo: install
	$(PY) scripts/demo.py

rescan: install
	$(VENV)/bin/scanner scan --sources manifests/sources.yaml --output output

eval: install
	$(VENV)/bin/scanner eval --output output

bench: install
	$(PY) bench/run.py

fuzz: install
	HYPOTHESIS_PROFILE=fuzz $(VENV)/bin/pytest tests/hazards -k property

clean:
	rm -rf $(VENV) .scanner build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache .hypothesis examples/output
