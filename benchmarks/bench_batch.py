"""Benchmark: wall time of the full batch against two serial peers, measured in one run.

1. *Scripts*: each (notebook, run) of notebooks/runs.yaml parameterised exactly as papermill
   would, converted to a Python script with nbconvert and executed with IPython, one after
   another (no kernel, no HTML). Target: batch / scripts <= 0.65 on 2 cores.
2. *The loop a user would otherwise write*: ``papermill`` then ``jupyter nbconvert --to html``
   twice (with and without code) per run, serially. Target: batch / loop <= 0.5.

The batch (``helpers.runner.run_batch``, one worker per core, ``force`` so nothing is cached)
includes kernel start-up, the secret scan and both HTML renders. Then the fixed cost per run
(kernel start, papermill and the imports cell) of each notebook's default run, with every kernel
started from a fresh interpreter (``HELPERS_COLD_KERNEL=1``) and with the warm kernel.

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


def run_as_cli_loop(job, folder: Path) -> float:
    """papermill + two nbconvert HTML exports, as shell commands, for one run."""
    import yaml

    params = folder / f"{job.notebook}__{job.run}.yaml"
    params.write_text(yaml.safe_dump(job.parameters), encoding="utf-8")
    out = folder / f"{job.notebook}__{job.run}.ipynb"
    bindir = Path(sys.executable).parent
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    started = time.perf_counter()
    subprocess.run([str(bindir / "papermill"), str(job.path), str(out), "-f", str(params), "-k", "python3",
                    "--cwd", str(NOTEBOOKS_DIR), "--no-progress-bar"], check=True, capture_output=True, env=env)
    for extra in ([], ["--no-input"]):
        subprocess.run([str(bindir / "jupyter"), "nbconvert", "--to", "html", *extra, str(out),
                        "--output", out.stem + ("_nocode" if extra else "")], check=True, capture_output=True, env=env)
    return time.perf_counter() - started


def _cell_durations(path: Path) -> list[float]:
    """Papermill's recorded duration of each executed code cell, in order (empty if the run failed early)."""
    import json

    if not path.is_file():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return [float(d) for c in data["cells"] if c.get("cell_type") == "code"
            and (d := (c.get("metadata", {}).get("papermill", {}) or {}).get("duration")) is not None]


def fixed_cost_per_run(jobs, folder: Path, workers: int, specs) -> dict[str, float]:
    """Mean fixed cost per run, seconds: kernel start + papermill + the first cell (the imports),
    i.e. the execute phase minus every later cell, with every kernel from a fresh interpreter
    (``HELPERS_COLD_KERNEL=1``, as before the warm kernel) and with the warm kernel."""
    out = {}
    from helpers.runner.warmkernel import COLD_ENV

    for label, cold in (("fresh kernel", "1"), ("warm kernel", "0")):
        os.environ[COLD_ENV] = cold
        try:
            reports = folder / f"fixed_{cold}"
            outcomes = run_batch(jobs, reports, workers=workers, specs=specs, progress=False, force=True)
        finally:
            os.environ.pop(COLD_ENV, None)
        costs = [o.phases.get("execute", 0) - sum(_cell_durations(reports / o.notebook / f"{o.run}.ipynb")[1:])
                 for o in outcomes if o.status == "ok"]
        if len(costs) < len(jobs):
            raise SystemExit(f"{len(jobs) - len(costs)} of the fixed-cost runs failed with a {label}")
        out[label] = sum(costs) / len(costs)
    return out


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
        loop = {}
        for job in jobs:
            loop[(job.notebook, job.run)] = run_as_cli_loop(job, tmp)
            print(f"  papermill+nbconvert {job.notebook}/{job.run}: {loop[(job.notebook, job.run)]:.1f} s", flush=True)
        loop_sum = sum(loop.values())
        started = time.perf_counter()
        outcomes = run_batch(jobs, tmp / "reports", workers=workers, specs=specs, progress=False, force=True)
        wall = time.perf_counter() - started
        cells = sum(sum(_cell_durations(tmp / "reports" / o.notebook / f"{o.run}.ipynb")) for o in outcomes)
        total = {k: sum(o.phases.get(k, 0) for o in outcomes) for k in ("execute", "scan", "render")}
        runs_sum = sum(o.duration for o in outcomes)
        print("where a run's time goes (sums over runs, seconds):")
        print(f"  cells executing {cells:7.1f} | kernel start + papermill {total['execute'] - cells:7.1f} | "
              f"scan {total['scan']:5.1f} | render (2 HTML) {total['render']:6.1f} | "
              f"fork, publish, rest {runs_sum - sum(total.values()):6.1f}")
        defaults = [j for j in jobs if j.run == "default"] or jobs[:1]
        fixed = fixed_cost_per_run(defaults, tmp, workers, specs)
    print(f"fixed cost per run (kernel start + papermill + imports cell; {len(defaults)} default runs, -j {workers}): "
          f"fresh kernel {fixed['fresh kernel']:.1f} s, warm kernel {fixed['warm kernel']:.1f} s "
          f"(ratio {fixed['warm kernel'] / fixed['fresh kernel']:.2f})")
    failed = [f"{o.notebook}/{o.run}" for o in outcomes if o.status != "ok"]
    ratio = wall / serial_sum
    loop_ratio = wall / loop_sum
    print(f"serial sum of scripts            : {serial_sum:7.1f} s")
    print(f"serial papermill + nbconvert loop: {loop_sum:7.1f} s")
    print(f"batch wall time (-j {workers})          : {wall:7.1f} s  (kernel start-up, scan, HTML with and without code)")
    print(f"ratio batch / scripts : {ratio:5.2f}  (target <= 0.65: {'met' if ratio <= 0.65 else 'NOT met'})")
    print(f"ratio batch / loop    : {loop_ratio:5.2f}  (target <= 0.50: {'met' if loop_ratio <= 0.5 else 'NOT met'})")
    if failed:
        print(f"failed in batch: {failed}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
