"""The committed reference outputs nbval checks: ``make freeze`` refreshes them, ``make strip`` keeps only them."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from helpers.runner.execute import KERNEL_NAME, failure_from_notebook, kernel_env
from helpers.runner.runs import DEFAULT_TIMEOUT

CHECK_MARK = "NBVAL_CHECK_OUTPUT"


def freeze(nb_path: Path, timeout: float = DEFAULT_TIMEOUT) -> int:
    """Execute a notebook with its defaults and keep only the outputs of ``NBVAL_CHECK_OUTPUT`` cells.

    Those cells get their fresh outputs, an execution count and ``keep_output`` metadata; every
    other cell is stripped. Returns the number of cells kept.
    """
    import nbformat

    with tempfile.TemporaryDirectory() as tmp:
        executed_path = Path(tmp) / nb_path.name
        cmd = [sys.executable, "-m", "papermill", str(nb_path), str(executed_path), "-k", KERNEL_NAME,
               "--cwd", str(nb_path.parent), "--no-progress-bar"]
        env = kernel_env()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
        if proc.returncode != 0:
            cell, err = failure_from_notebook(executed_path) if executed_path.exists() else (None, "")
            raise RuntimeError(f"{nb_path.name} failed while freezing (code cell {cell}): {err or (proc.stderr.strip().splitlines() or [''])[-1]}")
        executed = nbformat.read(executed_path, as_version=4)
    source = nbformat.read(nb_path, as_version=4)
    return _apply_checked_outputs(nb_path, source, executed)


def strip(nb_path: Path) -> int:
    """Strip every output except those of ``NBVAL_CHECK_OUTPUT`` cells (which keep their counts).

    ``nbstripout`` either drops the execution counts nbval needs on kept cells or keeps counts
    on every cell; this applies exactly the project's rule. Returns the number of cells kept.
    """
    import nbformat

    source = nbformat.read(nb_path, as_version=4)
    return _apply_checked_outputs(nb_path, source, source)


def _apply_checked_outputs(nb_path: Path, source: Any, executed: Any) -> int:
    """Write ``source`` with outputs taken from ``executed`` for checked cells only."""
    import nbformat

    if len(source.cells) != len(executed.cells):
        raise RuntimeError(f"{nb_path.name}: executed notebook has a different number of cells")
    kept = 0
    count = 0
    for src_cell, ex_cell in zip(source.cells, executed.cells, strict=True):
        if src_cell.cell_type != "code":
            continue
        count += 1
        src_cell.metadata.pop("execution", None)
        if src_cell.source.lstrip().startswith(f"# {CHECK_MARK}"):
            src_cell.outputs = [o for o in ex_cell.outputs if o.get("output_type") != "display_data"
                                or "image/png" not in o.get("data", {})]
            src_cell.execution_count = count
            src_cell.metadata["keep_output"] = True
            kept += 1
        else:
            src_cell.outputs = []
            src_cell.execution_count = None
            src_cell.metadata.pop("keep_output", None)
    nbformat.write(source, nb_path)
    return kept

