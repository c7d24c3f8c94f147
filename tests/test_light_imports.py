"""The runner loads every notebook's parameter model before any kernel starts: those modules stay
light (CONTRIBUTING: no pandas import), so a bad ``-p`` value is refused quickly.

Each check runs in a fresh interpreter, since this test process has pandas loaded already.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from helpers.config import PROJECT_ROOT
from helpers.notebooks import MODELS

HEAVY = ("pandas", "scipy", "duckdb", "matplotlib", "statsmodels", "sklearn", "ibis")


def _loaded_after(statement: str) -> list[str]:
    code = f"import sys, json; {statement}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True,
                         text=True, timeout=120, check=True)
    modules = json.loads(out.stdout.strip().splitlines()[-1])
    return sorted({m.split(".")[0] for m in modules} & set(HEAVY))


@pytest.mark.parametrize("module", sorted(set(MODELS.values())))
def test_parameter_models_import_no_heavy_library(module):
    heavy = _loaded_after(f"import {module}")
    assert heavy == [], f"importing {module} loads {heavy}: make the package __init__ lazy"


def test_the_check_can_fail():
    assert _loaded_after("import pandas") == ["pandas"]


def test_reading_results_imports_no_heavy_library():
    assert _loaded_after("import helpers.results") == []


@pytest.mark.parametrize("notebook", sorted(MODELS))
def test_refusing_a_bad_override_imports_no_heavy_library(notebook, tmp_path):
    """README: a bad ``-p`` value is refused before any kernel starts, quickly — the refusal path
    (CLI, runs.yaml, the notebook's parameter model) must not pull in pandas and friends."""
    statement = (
        "from helpers.cli import main\n"
        f"code = main(['run', {notebook!r}, '-p', 'no_such_parameter', '1', '--reports-dir', {str(tmp_path)!r}])\n"
        "assert code == 2, code"
    )
    heavy = _loaded_after(f"exec({statement!r})")
    assert heavy == [], f"refusing a bad -p for {notebook} loads {heavy}"
