"""The package layout of issue 12: one role per file, files under 600 lines, metrics never import simulators."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from helpers.config import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "helpers"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)
#: Modules that may reach a simulator: the simulator itself, the loader's "generate instead of
#: read" branch, and the package's lazy ``write_synthetic`` for ``python -m helpers synth``.
MAY_SIMULATE = {"simulate.py", "load.py", "__init__.py", "synthetic.py"}


def _imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            out.add(mod)
            out.update(f"{mod}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_files_stay_small(path):
    assert path.read_text(encoding="utf-8").count("\n") <= 600, f"{path}: split it by role"


@pytest.mark.parametrize("path", [p for p in MODULES if p.name not in MAY_SIMULATE], ids=lambda p: str(p.relative_to(PACKAGE)))
def test_metrics_and_reports_never_import_a_simulator(path):
    bad = sorted(m for m in _imports(path) if m.endswith(".simulate") or ".simulate." in m)
    assert not bad, f"{path.relative_to(PROJECT_ROOT)} imports {bad}"


def test_every_domain_has_a_parameter_model_a_schema_module_and_a_report():
    for domain in ("revenue", "coupons", "quota", "membership", "cadence", "segments", "recommend"):
        for role in ("params", "schemas", "load", "report"):
            assert (PACKAGE / domain / f"{role}.py").is_file(), f"helpers/{domain}/{role}.py missing"


def _helpers_modules(path: Path) -> set[str]:
    """The ``helpers`` modules a file imports (``from helpers.x import y`` counts as ``helpers.x.y``
    when ``helpers.x`` is a package: the top level or a domain)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "helpers":
            if node.module.count(".") >= 2 or node.module == "helpers.contracts":
                out.add(node.module)
            else:
                out.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.split(".")[0] == "helpers")
    return out


@pytest.mark.parametrize("path", [p for p in MODULES if p.name == "simulate.py"],
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_simulators_import_only_their_domains_schemas_params_and_constants(path):
    """A simulator reads only declarations (its domain's schemas, params, constants, and the contract
    engine), never a loader, metric or writer: what it plants cannot come from what it is checked by."""
    domain = path.parent.name
    allowed = {f"helpers.{domain}.{role}" for role in ("schemas", "params", "constants")} | {"helpers.contracts"}
    bad = sorted(_helpers_modules(path) - allowed)
    assert not bad, f"{path.relative_to(PROJECT_ROOT)} imports {bad}"
