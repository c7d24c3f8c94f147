"""The README's layout list and docs/sources.md stay in step with the code and the citations.

Issue 29: the README listed runner modules that were not all there (and omitted two that were),
and docs/sources.md omitted works the notebooks cite. These tests read the same files a reader
does, so a new module or a new citation without its entry fails here.
"""

from __future__ import annotations

import json
import re

import pytest

from helpers.config import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
SOURCES = (PROJECT_ROOT / "docs" / "sources.md").read_text(encoding="utf-8")

#: An in-text citation with two or more authors ("Hyndman & Koehler 2006", "Benjamini–Hochberg
#: (1995)", "Agrawal, Imieliński & Swami 1993", "Sun & Abraham (2021)") or "X et al. (2007)".
NAME = r"[A-Z][A-Za-zÀ-žŁł'’\-]+"
MULTI = re.compile(
    rf"\b({NAME}(?:(?:,\s*|\s*&\s*|\s+and\s+|–){NAME})*(?:\s*&\s*|–){NAME}|{NAME}\s+et al\.)"
    r",?\s*\(?((?:19|20)\d\d)[a-z]?\b"
)
#: A reference-list entry: "- Wooldridge, J. M. (1999)" / "- Fader, P. S., Hardie, ... (2005)".
ENTRY = re.compile(rf"^\s*[-*]\s+({NAME}),\s+(?:[A-Z]\.\s*)+.*?\(((?:19|20)\d\d)[a-z]?\)", re.M)


def _first_author(names: str) -> str:
    return re.split(r",|&|–| and | et al", names)[0].strip()


def cited_works() -> dict[tuple[str, str], set[str]]:
    """(first author's surname, year) -> the files that cite it: notebooks' Markdown and prose."""
    texts: dict[str, str] = {}
    for nb in sorted((PROJECT_ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        texts[nb.name] = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    for path in sorted((PROJECT_ROOT / "helpers").rglob("report*.py")):
        texts[str(path.relative_to(PROJECT_ROOT))] = path.read_text(encoding="utf-8")
    works: dict[tuple[str, str], set[str]] = {}
    for name, text in texts.items():
        for pattern in (MULTI, ENTRY):
            for m in pattern.finditer(text):
                works.setdefault((_first_author(m.group(1)), m.group(2)), set()).add(name)
    return works


def _in_sources(author: str, year: str) -> bool:
    """An entry (one line or list item of docs/sources.md) names the author and the year."""
    items = re.split(r"\n(?=- |\| )", SOURCES)
    return any(author in item and year in item for item in items)


def test_the_extractor_finds_the_forms_the_notebooks_use():
    text = ("MASE (Hyndman & Koehler 2006); Benjamini–Hochberg (1995); chance predicts; Agrawal, "
            "Imieliński & Swami 1993). Gionis et al. (2007)")
    found = {(_first_author(m.group(1)), m.group(2)) for m in MULTI.finditer(text)}
    assert found == {("Hyndman", "2006"), ("Benjamini", "1995"), ("Agrawal", "1993"), ("Gionis", "2007")}
    entry = "- Wooldridge, J. M. (1999). Distribution-free estimation"
    assert [(m.group(1), m.group(2)) for m in ENTRY.finditer(entry)] == [("Wooldridge", "1999")]


def test_every_work_the_notebooks_cite_is_in_docs_sources():
    works = cited_works()
    assert ("Hyndman", "2006") in works  # notebook 03 cites MASE's paper: the extractor sees it
    missing = {w: sorted(f) for w, f in works.items() if not _in_sources(*w)}
    assert not missing, f"cited but not in docs/sources.md: {missing}"


def _layout_block() -> str:
    match = re.search(r"## Layout\n+```\n(.*?)```", README, re.S)
    assert match, "README has no ## Layout code block"
    return match.group(1)


def _runner_modules_listed() -> set[str]:
    block = _layout_block()
    runner = re.search(r"runner/\s+(.*?)(?=\n\S|\Z)", block, re.S)
    assert runner, "the README layout has no runner/ line"
    return set(re.findall(r"\b([a-z_]+\.py)\b", runner.group(1))) - {"cli.py"}


def test_readme_layout_lists_every_runner_module_and_no_other():
    actual = {p.name for p in (PROJECT_ROOT / "helpers" / "runner").glob("*.py") if p.name != "__init__.py"}
    listed = _runner_modules_listed()
    assert listed == actual, f"README layout: missing {sorted(actual - listed)}, stale {sorted(listed - actual)}"


def test_readme_layout_names_every_domain_and_shared_module():
    block = _layout_block()
    package = PROJECT_ROOT / "helpers"
    domains = sorted(p.name for p in package.iterdir() if p.is_dir() and (p / "__init__.py").exists())
    for domain in domains:
        if domain == "runner":
            continue
        assert re.search(rf"\b{domain}\b", block), f"README layout does not name helpers/{domain}/"
    shared = sorted(p.name for p in package.glob("*.py") if not p.name.startswith("_"))
    missing = [name for name in shared if name not in block]
    assert not missing, f"README layout does not name {missing}"


@pytest.mark.parametrize("path", re.findall(r"`((?:notebooks|helpers|data|docs|benchmarks|tests)/[\w./-]+\.\w+)`", README))
def test_every_file_the_readme_names_exists(path):
    if any(ch in path for ch in "<>*") or "/my_" in path:
        pytest.skip("a pattern or an example of a user's file, not a project file")
    assert (PROJECT_ROOT / path).exists(), f"README names {path}, which does not exist"


def test_layout_files_named_in_the_block_exist():
    block = _layout_block()
    for name in re.findall(r"\b(runs\.yaml|scan_allow\.yaml)\b", block):
        assert (PROJECT_ROOT / "notebooks" / name).exists(), f"README layout names notebooks/{name}"


def _metric_modules():
    """Domain modules that hold metrics: not parameters, schemas, loaders, simulators or reports."""
    skip = {"__init__.py", "params.py", "schemas.py", "load.py", "simulate.py"}
    for path in sorted((PROJECT_ROOT / "helpers").glob("*/*.py")):
        if path.parent.name != "runner" and path.name not in skip and "report" not in path.name:
            yield path


def test_every_public_metric_function_has_a_numpydoc_summary():
    """CONTRIBUTING: every public metric function has a docstring (Parameters and an Example are
    the rule for new ones; the note in CONTRIBUTING gives today's counts)."""
    import ast

    missing = []
    for path in _metric_modules():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_") and not ast.get_docstring(node):
                missing.append(f"{path.relative_to(PROJECT_ROOT)}:{node.name}")
    assert not missing, f"public metric functions without a docstring: {missing}"
