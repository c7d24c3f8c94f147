"""Static conventions of the committed notebooks (fast; no kernel).

One documented parameters cell; a validation call right after it; no metric logic defined in a
notebook; outputs committed only for NBVAL_CHECK_OUTPUT cells, with execution counts and
keep_output metadata; every notebook listed in runs.yaml with a default run.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from helpers.config import NOTEBOOKS_DIR
from helpers.params import notebook_parameters
from helpers.runner import CHECK_MARK, load_runs

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _src(cell: dict) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks/NN_topic.ipynb found"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_are_typed_and_documented(path):
    params = notebook_parameters(path)
    assert params, f"{path.name}: the parameters cell defines nothing"
    src = _src(next(c for c in _cells(path) if "parameters" in c.get("metadata", {}).get("tags", [])))
    tree = ast.parse(src)
    untyped = [n.targets[0].id for n in tree.body if isinstance(n, ast.Assign)]
    assert not untyped, f"{path.name}: parameters without a type annotation: {untyped}"
    undocumented = [p.name for p in params if not p.help]
    assert not undocumented, f"{path.name}: parameters without a '# help' comment: {undocumented}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_validation_call_follows_the_parameters_cell(path):
    cells = [c for c in _cells(path) if c["cell_type"] == "code"]
    i = next(i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", []))
    nxt = _src(cells[i + 1])
    assert "validate_parameters(" in nxt, f"{path.name}: the cell after the parameters must validate them"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_functions_or_classes_defined_in_notebooks(path):
    for cell in _cells(path):
        if cell["cell_type"] != "code":
            continue
        src = "\n".join(line for line in _src(cell).splitlines() if not line.lstrip().startswith(("%", "!")))
        for node in ast.walk(ast.parse(src)):
            assert not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)), (
                f"{path.name}: define functions in helpers/, not in the notebook:\n{_src(cell)[:200]}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_outputs_only_in_checked_cells(path):
    for n, cell in enumerate(_cells(path)):
        if cell["cell_type"] != "code":
            continue
        checked = _src(cell).lstrip().startswith(f"# {CHECK_MARK}")
        if checked:
            assert cell.get("outputs"), f"{path.name} cell {n}: {CHECK_MARK} cell has no committed output (make freeze)"
            assert cell.get("execution_count"), f"{path.name} cell {n}: {CHECK_MARK} cell needs an execution_count"
            assert cell["metadata"].get("keep_output") is True, f"{path.name} cell {n}: needs keep_output metadata"
        else:
            assert not cell.get("outputs"), f"{path.name} cell {n}: committed with outputs (make strip)"


def test_every_notebook_is_in_runs_yaml():
    specs = load_runs()
    assert sorted(specs) == [p.stem for p in NOTEBOOKS]
    for name, spec in specs.items():
        assert "default" in spec.runs and spec.runs["default"] == {}, f"{name}: default run must have no overrides"
        assert len(spec.runs) >= 2, f"{name}: document at least one variant run"
