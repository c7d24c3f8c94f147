"""Batch runner: execute notebooks through papermill, render reports for readers, never lose a good one.

``python -m helpers run`` plans every (notebook, run) of ``notebooks/runs.yaml`` — or the ones
named — checking parameters against each notebook's model and input files before any kernel
starts (:mod:`.runs`); reuses runs whose inputs did not change (:mod:`.cache`); executes the rest in
parallel, each in a killable process group (:mod:`.execute`), one batch per reports folder
(:mod:`.lock`); scans outputs for secrets before publishing (:mod:`.scan`); renders offline HTML
(:mod:`.render`); and rebuilds the index, comparison pages and ``results.csv`` (:mod:`.index`).
"""

from importlib import import_module
from typing import Any

_WHERE = {
    "load_manifest": "batch", "run_batch": "batch", "summarise": "batch",
    "KERNEL_NAME": "execute", "Outcome": "execute", "execute_job": "execute", "render_reports": "execute",
    "write_index": "index", "write_results_csv": "index",
    "CHECK_MARK": "nbtools", "freeze": "nbtools", "strip": "nbtools",
    "DEFAULT_TIMEOUT": "runs", "Job": "runs", "NotebookSpec": "runs", "RunsFileError": "runs",
    "adhoc_name": "runs", "load_runs": "runs", "plan_jobs": "runs", "resolve_notebook": "runs",
}


def __getattr__(name: str) -> Any:  # PEP 562: `import helpers.runner.secrets` stays light (no pandas)
    if name in _WHERE:
        return getattr(import_module(f"helpers.runner.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'helpers.runner' has no attribute {name!r}")


__all__ = ["CHECK_MARK", "DEFAULT_TIMEOUT", "KERNEL_NAME", "Job", "NotebookSpec", "Outcome", "RunsFileError",
           "adhoc_name", "execute_job", "freeze", "load_manifest", "load_runs", "plan_jobs", "render_reports",
           "resolve_notebook", "run_batch", "strip", "summarise", "write_index", "write_results_csv"]
