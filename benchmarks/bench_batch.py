"""Benchmark: wall time of the full batch versus the serial sum of the same runs as plain scripts.

Each (notebook, run) of notebooks/runs.yaml is parameterised exactly as papermill would,
converted to a Python script with nbconvert and executed with IPython (so ``display`` works)
one after another; then the same runs go through ``helpers.runner.run_batch`` with one worker
per core. Target: batch wall time / serial sum <= 1.0 on 2 cores, i.e. parallel runs pay for
the per-run kernel start-up and HTML rendering.

Usage: python benchmarks/bench_batch.py [NOTEBOOK ...]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nbconvert import PythonExporter
from papermill.iorw import load_notebook_node
from papermill.parameterize import parameterize_notebook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from helpers.config import NOTEBOOKS_DIR  # noqa: E402
from helpers.runner import load_runs, plan_jobs, run_batch  # noqa: E402

IPYTHON = Path(sys.executable).with_name("ipython")


def run_as_script(job, folder: Path) -> float:
    nb = load_notebook_node(str(job.path))  # papermill's loader: gives every cell a tags list
    nb = parameterize_notebook(nb, job.parameters) if job.parameters else nb
    source, _ = PythonExporter().from_notebook_node(nb)
    script = folder / f"{job.notebook}__{job.run}.py"
    script.write_text(source, encoding="utf-8")
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}
    started = time.perf_counter()
    proc = subprocess.run([str(IPYTHON), "--no-banner", "--colors=NoColor", str(script)], cwd=NOTEBOOKS_DIR,
                          env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{job.notebook}/{job.run} failed as a script:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return elapsed


def main(argv: list[str]) -> int:
    specs = load_runs()
    jobs = plan_jobs(specs, argv or None)
    workers = os.cpu_count() or 1
    print(f"{len(jobs)} runs, {workers} cores")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        serial = {}
        for job in jobs:
            serial[(job.notebook, job.run)] = run_as_script(job, tmp)
            print(f"  script {job.notebook}/{job.run}: {serial[(job.notebook, job.run)]:.1f} s", flush=True)
        serial_sum = sum(serial.values())
        started = time.perf_counter()
        outcomes = run_batch(jobs, tmp / "reports", workers=workers, specs=specs, progress=False)
        wall = time.perf_counter() - started
    failed = [f"{o.notebook}/{o.run}" for o in outcomes if o.status != "ok"]
    ratio = wall / serial_sum
    print(f"serial sum of scripts : {serial_sum:7.1f} s")
    print(f"batch wall time (-j {workers}): {wall:7.1f} s  (includes kernel start-up and HTML + code-hidden HTML)")
    print(f"ratio batch / serial  : {ratio:7.2f}  (target <= 1.00: {'met' if ratio <= 1.0 else 'NOT met'})")
    if failed:
        print(f"failed in batch: {failed}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
