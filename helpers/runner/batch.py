"""A batch: one at a time per reports folder, cached runs reused, failures isolated, manifest kept.

``reports/manifest.json`` holds one entry per run (status, parameters, timings, results, cache key
and the last good report's date); it is rewritten atomically after every run, under the batch
lock, so two batches cannot interleave their writes.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from helpers.config import REPORTS_DIR
from helpers.results import read_results
from helpers.runner.cache import package_digest, run_key
from helpers.runner.execute import Outcome, atomic_write_text, execute_job
from helpers.runner.lock import batch_lock
from helpers.runner.present import headline_spec
from helpers.runner.runs import Job, NotebookSpec

_manifest_lock = threading.Lock()


def manifest_path(reports_dir: Path) -> Path:
    return reports_dir / "manifest.json"


def load_manifest(reports_dir: Path) -> dict[str, dict[str, Any]]:
    path = manifest_path(reports_dir)
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return {}


def _update_manifest(reports_dir: Path, outcome: Outcome) -> None:
    with _manifest_lock:
        manifest = load_manifest(reports_dir)
        key = f"{outcome.notebook}/{outcome.run}"
        previous = manifest.get(key, {})
        entry = asdict(outcome)
        if outcome.status == "ok":
            entry["last_good"] = {"finished_at": outcome.finished_at, "duration": outcome.duration,
                                  "parameters": outcome.parameters, "cache_key": outcome.cache_key}
        elif outcome.status == "cached":
            entry["last_good"] = previous.get("last_good")
        else:
            entry["last_good"] = previous.get("last_good")
            good_nb = reports_dir / outcome.notebook / f"{outcome.run}.ipynb"
            entry["results"] = read_results(good_nb) if good_nb.is_file() else {}
        manifest[key] = entry
        atomic_write_text(manifest_path(reports_dir), json.dumps(manifest, indent=1, sort_keys=True, default=str))


def _cached(job: Job, key: dict[str, str], reports_dir: Path, manifest: dict[str, Any]) -> Outcome | None:
    entry = manifest.get(f"{job.notebook}/{job.run}") or {}
    good = entry.get("last_good") or {}
    folder = reports_dir / job.notebook
    files = [folder / f"{job.run}{s}" for s in (".ipynb", ".html", ".nocode.html")]
    if (good.get("cache_key") or {}).get("key") != key["key"] or not all(f.is_file() for f in files):
        return None
    return Outcome(job.notebook, job.run, "cached", job.parameters, 0.0,
                   datetime.now(UTC).isoformat(timespec="seconds"), results=read_results(files[0]),
                   adhoc=job.adhoc, cache_key=key, reused_from=good.get("finished_at", ""))


def run_batch(jobs: list[Job], reports_dir: Path = REPORTS_DIR, workers: int | None = None,
              specs: dict[str, NotebookSpec] | None = None, progress: bool = True,
              notebooks_dir: Path | None = None, force: bool = False, wait: bool = True) -> list[Outcome]:
    """Execute jobs in parallel (never stopping at a failure), then rebuild index and results.

    A run whose cache key equals its last good run's is reused (status ``cached``) unless
    ``force``. Only one batch writes a reports folder at a time (``wait=False`` refuses instead
    of waiting).
    """
    with batch_lock(reports_dir, wait=wait):
        return _run_batch(jobs, reports_dir, workers, specs, progress, notebooks_dir, force)


def _run_batch(jobs: list[Job], reports_dir: Path, workers: int | None, specs: dict[str, NotebookSpec] | None,
               progress: bool, notebooks_dir: Path | None, force: bool) -> list[Outcome]:
    workers = max(1, workers or os.cpu_count() or 1)
    manifest = load_manifest(reports_dir)
    package = package_digest()
    outcomes: list[Outcome] = []
    todo: list[tuple[Job, dict[str, str]]] = []
    for job in jobs:
        key = run_key(job.path, job.parameters, job.inputs, package=package)
        hit = None if force else _cached(job, key, reports_dir, manifest)
        if hit is not None:
            for stale in (f"{job.run}.failed.ipynb", f"{job.run}.failed.html"):
                (reports_dir / job.notebook / stale).unlink(missing_ok=True)
            _update_manifest(reports_dir, hit)
            outcomes.append(hit)
        else:
            todo.append((job, key))
    bar = None
    if progress and todo:
        from tqdm import tqdm

        bar = tqdm(total=len(todo), unit="run", desc="notebooks", file=sys.stderr)
    # Longest runs first keeps both workers busy until the end.
    todo.sort(key=lambda jk: -(manifest.get(f"{jk[0].notebook}/{jk[0].run}", {}).get("duration") or 1e9))
    heads = {name: headline_spec(spec.headline) for name, spec in (specs or {}).items()}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(execute_job, job, reports_dir, notebooks_dir, heads.get(job.notebook, [])): (job, key)
                   for job, key in todo}
        for fut in as_completed(futures):
            job, key = futures[fut]
            try:
                outcome = fut.result()
            except Exception as exc:  # the runner itself failed for this job: record, go on
                outcome = Outcome(job.notebook, job.run, "failed", job.parameters, 0.0,
                                  datetime.now(UTC).isoformat(timespec="seconds"),
                                  error=f"{type(exc).__name__}: {exc}", adhoc=job.adhoc)
            outcome.cache_key = key
            _update_manifest(reports_dir, outcome)
            outcomes.append(outcome)
            if bar is not None:
                bar.set_postfix_str(f"{outcome.notebook}/{outcome.run}: {outcome.status}")
                bar.update(1)
    if bar is not None:
        bar.close()
    if specs is not None:
        from helpers.runner.index import write_index, write_results_csv

        write_results_csv(reports_dir, specs)
        write_index(reports_dir, specs)
    return outcomes


def summarise(outcomes: list[Outcome]) -> str:
    """A plain-text summary of a batch, one line per run, failures last."""
    lines = []
    rank = {"ok": 0, "cached": 0}
    for o in sorted(outcomes, key=lambda o: (rank.get(o.status, 1), o.notebook, o.run)):
        if o.status == "cached":
            lines.append(f"{'cached':8s} {o.notebook}/{o.run}  (report of {o.reused_from[:16].replace('T', ' ')} UTC reused)")
            continue
        extra = f"  {o.error}" + (f" (code cell {o.failed_cell})" if o.failed_cell is not None else "")
        lines.append(f"{o.status:8s} {o.notebook}/{o.run}  {o.duration:.1f} s{extra if o.status not in rank else ''}")
    ok = sum(o.status in rank for o in outcomes)
    cached = sum(o.status == "cached" for o in outcomes)
    lines.append(f"{ok} passed, {len(outcomes) - ok} failed" + (f" ({cached} cached)" if cached else ""))
    return "\n".join(lines)
