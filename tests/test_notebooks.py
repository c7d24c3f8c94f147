"""Static conventions of the committed notebooks (fast; no kernel).

One parameters cell, generated from the notebook's declared model and read in full by papermill;
the validation call right after it; notebooks only call helpers (no arithmetic, comparisons,
loops, f-string prose or plotting outside ``assert`` lines); outputs committed only for
NBVAL_CHECK_OUTPUT cells; sources cited by title, never as "seed 00x" or a path outside the repo.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
from pathlib import Path

import pytest

from helpers.config import NOTEBOOKS_DIR, PROJECT_ROOT
from helpers.notebooks import MODELS, declared_model
from helpers.params import parameters_cell
from helpers.runner import CHECK_MARK, load_runs

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
PLOT_NAMES = {"plt", "ax", "axes", "fig", "sns", "ax1", "ax2", "mpl"}
PLOT_METHODS = {"plot", "bar", "barh", "scatter", "hist", "subplots", "figure", "axhline", "axvline", "fill_between",
                "set_title", "set_xlabel", "set_ylabel", "legend", "errorbar", "heatmap", "lineplot", "barplot",
                "imshow", "tight_layout", "savefig", "suptitle", "annotate", "text"}
DATA_METHODS = {"sum", "mean", "median", "std", "var", "min", "max", "idxmax", "idxmin", "quantile", "count",
                "groupby", "pivot", "pivot_table", "agg", "aggregate", "apply", "map", "transform", "round",
                "sort_values", "sort_index", "drop", "merge", "join", "concat", "cumsum", "value_counts", "unique",
                "nunique", "reset_index", "set_index", "rename", "astype", "query", "assign", "fillna", "dropna",
                "head", "tail", "nlargest", "nsmallest", "diff", "pct_change", "resample", "rolling", "melt",
                "stack", "unstack", "to_string", "describe", "corr"}
NOT_IN_NOTEBOOKS = (ast.BinOp, ast.UnaryOp, ast.Compare, ast.BoolOp, ast.IfExp, ast.ListComp, ast.SetComp,
                    ast.DictComp, ast.GeneratorExp, ast.Lambda, ast.JoinedStr, ast.For, ast.While, ast.If,
                    ast.With, ast.Try, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.AugAssign,
                    ast.Slice)


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _src(cell: dict) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


def violations(source: str) -> list[str]:
    """What in one code cell is computation or plotting rather than a call into helpers."""
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    found = []
    allowed: set[int] = set()
    tree = ast.parse(code)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert):
            allowed.update(id(n) for n in ast.walk(node))
    for node in ast.walk(tree):
        if id(node) in allowed:
            continue
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
            continue  # a negative literal
        if isinstance(node, NOT_IN_NOTEBOOKS):
            found.append(f"line {node.lineno}: {type(node).__name__} ({ast.unparse(node)[:60]!r})")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            mods = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            if any(m.split(".")[0] in ("matplotlib", "seaborn", "numpy", "pandas", "scipy", "statsmodels") for m in mods):
                found.append(f"line {node.lineno}: imports {mods} (computing and plotting live in helpers/)")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            base = node.func.value
            if (isinstance(base, ast.Name) and base.id in PLOT_NAMES) or node.func.attr in PLOT_METHODS:
                found.append(f"line {node.lineno}: plotting call {ast.unparse(node.func)}")
            elif node.func.attr in DATA_METHODS:
                found.append(f"line {node.lineno}: data manipulation {ast.unparse(node.func)}(...)")
    return found


@pytest.mark.parametrize("source", [
    "roi = paid / cost", "x = [r for r in rows]", "if verdict:\n    print('pays off')",
    "display(Markdown(f'ROI {roi:.2f}'))", "fig, ax = plt.subplots()", "ax.bar(['a'], [1])",
    "share = table['x'].sum()", "ok = roi > breakeven", "by_day = orders.groupby('day')", "import pandas as pd", "t = df.iloc[0:5]",
    "def f():\n    return 1",
])
def test_the_convention_check_refuses_a_notebook_that_computes(source):
    assert violations(source), source


@pytest.mark.parametrize("source", [
    "p = coupons.Params.from_notebook(globals())", "display(report.review_table(data, p))",
    "record_results(summary)", "assert summary.loc['all', 'collected'] > 0, 'nothing collected'",
    "fig = report.roi_figure(comparison, p)", "x = data.batches['coupon_id']", "y = f(-1)",
])
def test_the_convention_check_allows_calls_into_helpers(source):
    assert violations(source) == [], source


def test_there_are_notebooks_and_each_has_a_declared_model():
    assert NOTEBOOKS, "no notebooks/NN_topic.ipynb found"
    assert sorted(MODELS) == [p.stem for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_is_the_one_the_model_writes(path):
    model = declared_model(path.stem)
    assert model is not None, f"{path.stem}: no Params model in {MODELS[path.stem]}"
    assert parameters_cell(path) == model.parameters_cell(), (
        f"{path.name}: the parameters cell differs from {model.__module__}.Params; run "
        f"`python -m helpers params {path.stem} --write`")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_papermill_lists_every_parameter_with_its_default(path):
    import papermill

    model = declared_model(path.stem)
    seen = papermill.inspect_notebook(str(path))
    assert list(seen) == list(model.model_fields), f"{path.name}: papermill sees {list(seen)}"
    for name, info in seen.items():
        assert ast.literal_eval(info["default"]) == model.model_fields[name].default, name
        assert info["help"] == model.model_fields[name].description, name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_validation_call_follows_the_parameters_cell(path):
    cells = [c for c in _cells(path) if c["cell_type"] == "code"]
    i = next(i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", []))
    tree = ast.parse(_src(cells[i + 1]))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
             and n.func.attr == "from_notebook"]
    assert calls and ast.unparse(calls[0].args[0]) == "globals()", (
        f"{path.name}: the cell after the parameters must be `p = <domain>.Params.from_notebook(globals())`")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_only_call_helpers(path):
    problems = []
    for n, cell in enumerate(_cells(path)):
        if cell["cell_type"] == "code" and "parameters" not in cell.get("metadata", {}).get("tags", []):
            problems += [f"cell {n} {v}" for v in violations(_src(cell))]
    assert not problems, f"{path.name} computes or plots; move it into helpers/:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_outputs_only_in_checked_cells(path):
    for n, cell in enumerate(_cells(path)):
        if cell["cell_type"] != "code":
            continue
        if _src(cell).lstrip().startswith(f"# {CHECK_MARK}"):
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


def test_sources_are_cited_by_title_never_by_seed_or_outside_path():
    tracked = subprocess.run(["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True).stdout.split()
    bad = []
    for rel in tracked:
        if rel.startswith(("notebooks/", "helpers/", "docs/", "data/")) or rel in ("README.md", "CONTRIBUTING.md"):
            path = PROJECT_ROOT / rel
            if not path.is_file():  # deleted in the working tree, not yet committed
                continue
            if path.suffix in (".py", ".ipynb", ".md", ".csv", ".yaml", ".txt") and path.stat().st_size < 5_000_000:
                text = path.read_text(encoding="utf-8", errors="replace")
                if re.search(r"seed 00[0-9]|\.\./shared|shared/(seeds|research|domain)", text, re.I):
                    bad.append(rel)
    assert not bad, f"cite sources by title (docs/sources.md), not 'seed 00x' or ../shared: {bad}"
