"""A batch: one at a time per reports folder, cached runs reused, failures isolated, manifest kept.

``reports/manifest.json`` holds one entry per run (status, parameters as shown — credentials
redacted —, timings, results, cache key and the last good report's date and file digests); it is
rewritten atomically after every run, under the batch lock, so two batches cannot interleave
their writes, and the previous version is kept as ``manifest.json.bak``. A manifest that cannot be
read stops the batch with :class:`ManifestError` (naming the file and how to recover) instead of
being taken as empty, which would forget every run's last good report.

Ctrl-C (``KeyboardInterrupt``) stops a batch: every running job's process tree is killed, the
runs are marked ``interrupted`` (their last good reports untouched), temporary files go, the lock
is released, and the exception propagates (the command line exits 130).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from helpers.config import REPORTS_DIR
from helpers.results import read_results
from helpers.runner.cache import (
    UNCACHEABLE,
    environment_digest,
    file_digest,
    package_digest,
    run_key,
)
from helpers.runner.execute import CANCEL, Outcome, atomic_write_text, execute_job
from helpers.runner.lock import ManifestError, batch_lock
from helpers.runner.present import headline_spec
from helpers.runner.runs import Job, NotebookSpec

_manifest_lock = threading.Lock()


def manifest_path(reports_dir: Path) -> Path:
    return reports_dir / "manifest.json"


REPORT_SUFFIXES = (".ipynb", ".html", ".nocode.html")
TEMP_SUFFIXES = (".tmp", ".ipynb", ".stderr", ".phases.json", ".job.yaml")


def load_manifest(reports_dir: Path) -> dict[str, dict[str, Any]]:
    """The manifest of a reports folder (empty when there is none).

    Raises
    ------
    ManifestError
        When the file exists but is not a JSON object, naming it and how to recover.
    """
    path = manifest_path(reports_dir)
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return data
    except (ValueError, UnicodeDecodeError) as exc:
        backup = path.with_name(path.name + ".bak")
        how = (f"restore the previous version with `cp {backup} {path}`" if backup.is_file()
               else f"delete {path} to start a new history (every run is then executed again)")
        raise ManifestError(f"{path} is corrupt ({exc}); nothing was changed. To recover, {how}") from None


def _write_manifest(reports_dir: Path, manifest: dict[str, Any]) -> None:
    path = manifest_path(reports_dir)
    if path.is_file():
        shutil.copyfile(path, path.with_name(path.name + ".tmpbak"))
        os.replace(path.with_name(path.name + ".tmpbak"), path.with_name(path.name + ".bak"))
    atomic_write_text(path, json.dumps(manifest, indent=1, sort_keys=True, default=str))


def _digests(folder: Path, run: str) -> dict[str, str]:
    return {s: file_digest(folder / f"{run}{s}") for s in REPORT_SUFFIXES if (folder / f"{run}{s}").is_file()}


def _update_manifest(reports_dir: Path, outcome: Outcome) -> None:
    with _manifest_lock:
        manifest = load_manifest(reports_dir)
        key = f"{outcome.notebook}/{outcome.run}"
        previous = manifest.get(key, {})
        entry = asdict(outcome)
        if outcome.status == "ok":
            entry["last_good"] = {"finished_at": outcome.finished_at, "duration": outcome.duration,
                                  "parameters": outcome.parameters, "cache_key": outcome.cache_key,
                                  "files": _digests(reports_dir / outcome.notebook, outcome.run)}
        elif outcome.status == "cached":
            entry["last_good"] = previous.get("last_good")
        else:
            entry["last_good"] = previous.get("last_good")
            good_nb = reports_dir / outcome.notebook / f"{outcome.run}.ipynb"
            entry["results"] = read_results(good_nb) if good_nb.is_file() else {}
        manifest[key] = entry
        _write_manifest(reports_dir, manifest)


def _cached(job: Job, key: dict[str, str], reports_dir: Path, manifest: dict[str, Any]) -> Outcome | None:
    """The last good run, reused, when its key equals ``key`` and its report files are the ones it wrote."""
    if key["key"] == UNCACHEABLE:
        return None
    entry = manifest.get(f"{job.notebook}/{job.run}") or {}
    good = entry.get("last_good") or {}
    folder = reports_dir / job.notebook
    if (good.get("cache_key") or {}).get("key") != key["key"]:
        return None
    files = good.get("files") or {}
    if set(files) != set(REPORT_SUFFIXES) or _digests(folder, job.run) != files:
        return None  # a report file is missing or is not the one this key produced
    from helpers.runner.secrets import redact_parameters

    return Outcome(job.notebook, job.run, "cached", redact_parameters(job.parameters), 0.0,
                   datetime.now(UTC).isoformat(timespec="seconds"), results=read_results(folder / f"{job.run}.ipynb"),
                   adhoc=job.adhoc, cache_key=key, reused_from=good.get("finished_at", ""))


def job_key(job: Job, spec: NotebookSpec | None, *, package: str | None = None, environment: str | None = None,
            cache_urls: bool = False) -> dict[str, str]:
    """The cache key of a job (see :mod:`helpers.runner.cache`)."""
    return run_key(job.path, job.parameters, job.inputs, package=package, environment=environment,
                   headline=spec.headline if spec else (), url_fields=job.path_fields, cache_urls=cache_urls)


def remove_temporaries(reports_dir: Path) -> list[Path]:
    """Delete the temporary files a killed batch left in the notebook folders (``.<run>.*``)."""
    from helpers.runner.execute import RUNS_DIR, prune_generations

    gone = []
    for path in reports_dir.glob("*/.*"):
        if (path.is_file() or path.is_symlink()) and path.name.endswith(TEMP_SUFFIXES):
            path.unlink(missing_ok=True)
            gone.append(path)
    for runs in reports_dir.glob(f"*/{RUNS_DIR}/*"):  # generations a killed publication left behind
        if runs.is_dir():
            gone.extend(prune_generations(runs))
    return gone


def run_batch(jobs: list[Job], reports_dir: Path = REPORTS_DIR, workers: int | None = None,
              specs: dict[str, NotebookSpec] | None = None, progress: bool = True,
              notebooks_dir: Path | None = None, force: bool = False, wait: bool = True,
              cache_urls: bool = False) -> list[Outcome]:
    """Execute jobs in parallel (never stopping at a failure), then rebuild index and results.

    A run whose cache key equals its last good run's, with the report files that run wrote, is
    reused (status ``cached``) unless ``force``; a run reading a remote database URL is always
    executed unless ``cache_urls``. Only one batch writes a reports folder at a time
    (``wait=False`` refuses instead of waiting). An ad-hoc run whose name already holds a report
    made with other parameters (possible only when overrides on top of a changed runs.yaml hash
    alike) fails instead of replacing it.

    Raises
    ------
    ManifestError
        The manifest cannot be read (nothing is written).
    ColdKernelSettingError
        ``HELPERS_COLD_KERNEL`` is neither 0 nor 1 (before any run starts).
    KeyboardInterrupt
        After stopping every running job (see the module notes).
    """
    from helpers.runner.warmkernel import cold_kernel

    cold_kernel()  # a misspelt setting is named here, not silently ignored in every run
    with batch_lock(reports_dir, wait=wait):
        return _run_batch(jobs, reports_dir, workers, specs, progress, notebooks_dir, force, cache_urls)


def _collision(job: Job, manifest: dict[str, Any]) -> Outcome | None:
    from helpers.runner.secrets import redact_parameters

    entry = manifest.get(f"{job.notebook}/{job.run}")
    # an automatic name (adhoc-<slug>-<hash>) belongs to one set of values; a name given with --run
    # is the user's to reuse
    if (not job.adhoc or not job.run.startswith("adhoc-") or not entry
            or entry.get("parameters") == redact_parameters(job.parameters)):
        return None
    return Outcome(job.notebook, job.run, "failed", redact_parameters(job.parameters), 0.0,
                   datetime.now(UTC).isoformat(timespec="seconds"), adhoc=True,
                   error=f"RunNameTaken: run {job.run!r} of {job.notebook} already holds a report made with other "
                         "parameters; it is kept. Choose another --run name (or none: the name is made from the "
                         "overrides)")


def _run_batch(jobs: list[Job], reports_dir: Path, workers: int | None, specs: dict[str, NotebookSpec] | None,
               progress: bool, notebooks_dir: Path | None, force: bool, cache_urls: bool) -> list[Outcome]:
    workers = max(1, workers or os.cpu_count() or 1)
    manifest = load_manifest(reports_dir)
    remove_temporaries(reports_dir)
    package = package_digest()
    environment = environment_digest()
    outcomes: list[Outcome] = []
    todo: list[tuple[Job, dict[str, str]]] = []
    for job in jobs:
        key = job_key(job, (specs or {}).get(job.notebook), package=package, environment=environment,
                      cache_urls=cache_urls)
        taken = _collision(job, manifest)
        if taken is not None:
            outcomes.append(taken)  # not written to the manifest: the entry there is the other run's
            continue
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
    CANCEL.clear()
    pool = ThreadPoolExecutor(max_workers=workers)
    futures = {pool.submit(execute_job, job, reports_dir, notebooks_dir, heads.get(job.notebook, [])): (job, key)
               for job, key in todo}
    pending = set(futures)

    def collect(fut: Any) -> None:
        job, key = futures[fut]
        try:
            outcome = fut.result()
        except Exception as exc:  # the runner itself failed for this job: record, go on
            from helpers.runner.secrets import redact_parameters, redact_text

            outcome = Outcome(job.notebook, job.run, "failed", redact_parameters(job.parameters), 0.0,
                              datetime.now(UTC).isoformat(timespec="seconds"),
                              error=redact_text(f"{type(exc).__name__}: {exc}"), adhoc=job.adhoc)
        outcome.cache_key = key
        _update_manifest(reports_dir, outcome)
        outcomes.append(outcome)
        if bar is not None:
            bar.set_postfix_str(f"{outcome.notebook}/{outcome.run}: {outcome.status}")
            bar.update(1)

    try:
        while pending:
            done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            for fut in done:
                collect(fut)
    except KeyboardInterrupt:
        CANCEL.set()  # every running job kills its process tree within ~0.1 s
        for fut in pending:
            fut.cancel()
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline and not all(f.done() for f in pending):
            time.sleep(0.02)
        for fut in pending:
            if fut.done() and not fut.cancelled():
                try:
                    collect(fut)
                except Exception:  # noqa: BLE001 - stopping: record what can be recorded
                    pass
        pool.shutdown(wait=False, cancel_futures=True)
        if bar is not None:
            bar.close()
        raise
    pool.shutdown(wait=True)
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
    from helpers.runner.secrets import redact_text

    for o in sorted(outcomes, key=lambda o: (rank.get(o.status, 1), o.notebook, o.run)):
        if o.status == "cached":
            lines.append(f"{'cached':8s} {o.notebook}/{o.run}  (report of {o.reused_from[:16].replace('T', ' ')} UTC reused)")
            continue
        extra = f"  {redact_text(o.error)}" + (f" (code cell {o.failed_cell})" if o.failed_cell is not None else "")
        lines.append(f"{o.status:8s} {o.notebook}/{o.run}  {o.duration:.1f} s{extra if o.status not in rank else ''}")
    ok = sum(o.status in rank for o in outcomes)
    cached = sum(o.status == "cached" for o in outcomes)
    lines.append(f"{ok} passed, {len(outcomes) - ok} failed" + (f" ({cached} cached)" if cached else ""))
    return "\n".join(lines)
