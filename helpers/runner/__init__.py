"""Batch runner: execute notebooks through papermill, render reports for readers, never lose a good one.

``python -m helpers run`` plans every (notebook, run) of ``notebooks/runs.yaml`` — or the ones
named — checking parameters against each notebook's model and input files before any kernel
starts (:mod:`.runs`); reuses runs whose inputs did not change (:mod:`.cache`); executes the rest in
parallel, each in a killable process group (:mod:`.execute`), one batch per reports folder
(:mod:`.lock`); scans outputs for secrets before publishing (:mod:`.scan`); renders offline HTML
(:mod:`.render`); and rebuilds the index, comparison pages and ``results.csv`` (:mod:`.index`).
"""

from helpers.runner.batch import load_manifest, run_batch, summarise
from helpers.runner.execute import KERNEL_NAME, Outcome, execute_job, render_reports
from helpers.runner.index import write_index, write_results_csv
from helpers.runner.nbtools import CHECK_MARK, freeze, strip
from helpers.runner.runs import (
    DEFAULT_TIMEOUT,
    Job,
    NotebookSpec,
    RunsFileError,
    adhoc_name,
    load_runs,
    plan_jobs,
    resolve_notebook,
)

__all__ = ["CHECK_MARK", "DEFAULT_TIMEOUT", "KERNEL_NAME", "Job", "NotebookSpec", "Outcome", "RunsFileError",
           "adhoc_name", "execute_job", "freeze", "load_manifest", "load_runs", "plan_jobs", "render_reports",
           "resolve_notebook", "run_batch", "strip", "summarise", "write_index", "write_results_csv"]
