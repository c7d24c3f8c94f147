# Two commands do all set-up on a fresh clone: `make reports` and `make test`.
# Each bootstraps .venv from python3 (via uv, installed with pip) when it is missing or
# older than requirements.lock / pyproject.toml, and registers the Jupyter kernel.
# Packages are installed with their bytecode compiled: where PYTHONDONTWRITEBYTECODE is set (as
# on these machines) Python would otherwise recompile pandas, scipy, statsmodels... from source
# in every interpreter it starts (measured: `import pandas, seaborn, statsmodels.api` 9.7 s -> 2.4 s).

PYTHON3 ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
UV      := $(VENV)/bin/uv
UV_VERSION := 0.13.9
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
STAMP   := $(VENV)/.installed
JOBS    ?=

.PHONY: help venv bytecode reports test unit study nbval lab bench synth lint strip freeze pdf browser java clean

help:
	@echo "make reports   run every notebook and run in notebooks/runs.yaml -> reports/index.html"
	@echo "make test      lint, unit tests + doctests, runner tests, every run end to end (reused by"
	@echo "               make reports when nothing changed), nbval's reference outputs, browser checks"
	@echo "make unit      the fast tests only: no kernel, no browser"
	@echo "make study     the long studies (coverage and error rates over many seeds) and the Spark tests; CI runs it too"
	@echo "make nbval     plain nbval over every notebook (executes the default runs again)"
	@echo "make pdf       print every code-hidden report to PDF with headless Chromium"
	@echo "make lab       JupyterLab on the project kernel"
	@echo "make bench     batch-vs-serial timing and the 10M-row RFM summary benchmark"
	@echo "make synth     regenerate data/synthetic/ byte-identically from fixed seeds"
	@echo "make lint      ruff over helpers, tests, benchmarks and notebooks"
	@echo "make strip     strip notebook outputs except NBVAL_CHECK_OUTPUT cells (which keep their counts)"
	@echo "make freeze    re-execute notebooks and refresh the NBVAL_CHECK_OUTPUT reference outputs"

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON3) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(UV) pip install --quiet --compile-bytecode --python $(PY) -r requirements.lock
	$(UV) pip install --quiet --python $(PY) --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ecommerce-economics)" >/dev/null
	touch $(STAMP)

venv: $(STAMP)

# The project's own bytecode, for the same reason (kernels, workers and runner processes each
# import helpers; stale files are recompiled by their source's mtime, as Python always does).
bytecode: $(STAMP)
	@$(PY) -m compileall -q -j 0 helpers >/dev/null

reports: bytecode
	$(PY) -m helpers run $(if $(JOBS),-j $(JOBS))

# Every test but the long studies: the fast ones on both cores (as `make unit`), then the kernel,
# runner and browser tests in one serial session (the batch inside already uses both cores).
FAST := -m "not slow and not spark and not study"
test: bytecode browser
	$(VENV)/bin/ruff check helpers tests benchmarks notebooks
	$(PY) -m pytest -p no:cacheprovider $(FAST) -n 2
	$(PY) -m pytest -p no:cacheprovider -m "slow and not spark and not study"

unit: bytecode
	$(PY) -m pytest -p no:cacheprovider $(FAST) -n 2

# The long studies (interval coverage and error rates over many seeds and independent worlds)
# and the PySpark equivalence tests, on both cores. CI runs it after `make test`.
study: bytecode java
	$(PY) -m pytest -p no:cacheprovider -m "study or spark" -n 2

nbval: $(STAMP)
	$(PY) -m pytest --nbval-lax --nbval-current-env -p no:cacheprovider notebooks

# Debian's Chromium for the browser test (installed when missing and we are root, as on CI).
browser:
	@command -v chromium >/dev/null 2>&1 || { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian's chromium for the browser test ..."; apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; \
	  else echo "chromium not installed: the browser test will be skipped (apt-get install chromium)"; fi; }

# Java 17 for the PySpark equivalence tests (installed when missing and we are root, as on CI).
java:
	@command -v java >/dev/null 2>&1 || { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian's openjdk-17-jre-headless for the Spark tests ..."; apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null; \
	  else echo "java not installed: the Spark tests will be skipped (apt-get install openjdk-17-jre-headless)"; fi; }

pdf: $(STAMP) browser
	$(PY) -m helpers pdf

lab: $(STAMP)
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(ROOT_FLAG)

bench: $(STAMP)
	$(PY) benchmarks/bench_batch.py
	$(PY) benchmarks/bench_rfm_summary.py
	$(PY) benchmarks/bench_warehouse.py --rows 10000000   # drop --rows for the 100M-row run (1.5 GB of Parquet)
	$(PY) benchmarks/bench_recommend.py --rows 1000000   # notebook 07's counts; drop --rows for 10M events / 100k products / 1M shoppers

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
