"""Notebook 06 only calls helpers: no arithmetic, comparison, loop or plotting call outside asserts."""

from __future__ import annotations

import ast
import json

from helpers.config import NOTEBOOKS_DIR

NB = NOTEBOOKS_DIR / "06_rfm_segments.ipynb"
FORBIDDEN = (ast.BinOp, ast.Compare, ast.BoolOp, ast.UnaryOp, ast.ListComp, ast.DictComp, ast.SetComp,
             ast.GeneratorExp, ast.For, ast.While, ast.If, ast.IfExp, ast.Lambda, ast.FunctionDef)


def _code_cells() -> list[str]:
    cells = json.loads(NB.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"
            and "parameters" not in c["metadata"].get("tags", [])]


def test_code_cells_only_call_helpers():
    problems = []
    for src in _code_cells():
        tree = ast.parse(src)
        asserts = {id(n) for a in ast.walk(tree) if isinstance(a, ast.Assert) for n in ast.walk(a)}
        for node in ast.walk(tree):
            if id(node) in asserts:
                continue
            if isinstance(node, FORBIDDEN):
                problems.append(f"{type(node).__name__} in: {ast.get_source_segment(src, node)}")
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in (
                    "plt", "ax", "sns", "fig"):
                problems.append(f"plotting call {node.value.id}.{node.attr}")
    assert not problems, problems


def test_validation_cell_has_the_one_form():
    assert _code_cells()[1].strip() == "p = segments.Params.from_notebook(globals())"
