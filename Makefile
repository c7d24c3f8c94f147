# Two commands do all set-up on a fresh clone: `make reports` and `make test`.
# Each bootstraps .venv from python3 (via uv, installed with pip) when it is missing or
# older than requirements.lock / pyproject.toml, and registers the Jupyter kernel.

PYTHON3 ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
UV      := $(VENV)/bin/uv
UV_VERSION := 0.13.9
KERNEL  := ecommerce-economics
STAMP   := $(VENV)/.installed
JOBS    ?=

.PHONY: help venv reports test unit nbval lab bench synth lint strip freeze clean

help:
	@echo "make reports   run every notebook and run in notebooks/runs.yaml -> reports/index.html"
	@echo "make test      unit + runner tests (pytest) and nbval over every notebook"
	@echo "make lab       JupyterLab on the project kernel"
	@echo "make bench     batch-vs-serial timing and the 10M-row RFM summary benchmark"
	@echo "make synth     regenerate data/synthetic/ byte-identically from fixed seeds"
	@echo "make lint      ruff over helpers, tests, benchmarks and notebooks"
	@echo "make strip     strip notebook outputs except NBVAL_CHECK_OUTPUT cells (which keep their counts)"
	@echo "make freeze    re-execute notebooks and refresh the NBVAL_CHECK_OUTPUT reference outputs"

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON3) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(UV) pip install --quiet --python $(PY) -r requirements.lock
	$(UV) pip install --quiet --python $(PY) --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ecommerce-economics)" >/dev/null
	$(PY) -m ipykernel install --user --name $(KERNEL) --display-name "Python ($(KERNEL))" >/dev/null
	touch $(STAMP)

venv: $(STAMP)

reports: $(STAMP)
	$(PY) -m helpers run $(if $(JOBS),-j $(JOBS))

test: $(STAMP)
	$(VENV)/bin/ruff check helpers tests benchmarks notebooks
	$(PY) -m pytest tests
	$(PY) -m pytest --nbval-lax --nbval-current-env -p no:cacheprovider notebooks

unit: $(STAMP)
	$(PY) -m pytest tests -m "not slow"

lab: $(STAMP)
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks

bench: $(STAMP)
	$(PY) benchmarks/bench_batch.py
	$(PY) benchmarks/bench_rfm_summary.py

synth: $(STAMP)
	$(PY) -m helpers synth

lint: $(STAMP)
	$(VENV)/bin/ruff check helpers tests benchmarks notebooks

strip: $(STAMP)
	$(PY) -m helpers strip

freeze: $(STAMP)
	$(PY) -m helpers freeze

clean:
	rm -rf reports .pytest_cache
