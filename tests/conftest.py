"""Shared fixtures: tiny notebooks and runs files built in a temporary folder."""

from __future__ import annotations

import textwrap
from pathlib import Path

import nbformat
import pytest

TINY_PARAMETERS = textwrap.dedent('''\
    x: float = 2.0  # a number to double
    fail: bool = False  # raise on purpose (fault injection)
    label: str = "a"  # a label to echo
    sleep: float = 0.0  # seconds to sleep before recording, s
    input_path: str = ""  # a CSV file to read (its rows are counted)
    show: str = ""  # text printed as an output (for the secret scan)
    ''')

TINY_BODY = textwrap.dedent('''\
    import time
    from helpers.results import record
    import pandas as pd
    record("tiny.started", time.time())
    if input_path:
        from helpers.config import resolve_path
        record("tiny.rows", len(pd.read_csv(resolve_path(input_path))))
    if show:
        print(show)
    time.sleep(sleep)
    if fail:
        raise ValueError("injected failure")
    record("tiny.double", x * 2)
    record("tiny.label", label)
    record("tiny.table", pd.DataFrame({"k": ["a", "b"], "v": [1.5, 2.5]}))
    record("tiny.finished", time.time())
    from helpers import plots  # noqa: F401  (figures get their title as alt text)
    import matplotlib.pyplot as plt
    plt.plot([1, 2], [3, 4])
    plt.title("tiny figure")
    plt.show()
    ''')


def write_tiny_notebook(folder: Path, name: str = "tiny") -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell(TINY_PARAMETERS)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# Tiny fixture {name}"), params,
                nbformat.v4.new_code_cell(TINY_BODY)]
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture
def tiny_project(tmp_path: Path) -> dict[str, Path]:
    """A notebooks folder with two tiny notebooks and a runs.yaml, plus an empty reports folder."""
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    write_tiny_notebook(nbdir, "tiny")
    write_tiny_notebook(nbdir, "other")
    runs = nbdir / "runs.yaml"
    runs.write_text(textwrap.dedent("""\
        defaults:
          timeout: 120
        notebooks:
          tiny:
            headline: [tiny.double]
            runs:
              default: {}
              three: {x: 3}
          other:
            runs:
              default: {sleep: 2}
        """))
    return {"notebooks": nbdir, "runs": runs, "reports": tmp_path / "reports"}


@pytest.fixture(scope="session")
def batch():
    """Every run of runs.yaml executed once into reports/ (reused when nothing changed)."""
    from helpers.config import REPORTS_DIR
    from helpers.runner import load_runs, plan_jobs, run_batch

    specs = load_runs()
    outcomes = run_batch(plan_jobs(specs), REPORTS_DIR, workers=2, specs=specs, progress=False)
    return REPORTS_DIR, outcomes
