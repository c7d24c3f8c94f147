"""Batch runner: execute notebooks through papermill, render reports, never lose a good one.

``python -m helpers run`` executes every (notebook, run) of ``notebooks/runs.yaml`` — or the ones
named — in parallel, each in its own process group so a run past its timeout is killed with its
kernel. Per run it writes ``reports/<notebook>/<run>.ipynb``, ``<run>.html`` and a code-hidden
``<run>.nocode.html``; all are written to temporary files and renamed into place only when the
run succeeded, so a failure never overwrites the last good report. A failed run leaves
``<run>.failed.ipynb`` / ``<run>.failed.html`` beside it, naming the failing cell and error.
``reports/index.html`` and ``reports/results.csv`` are rebuilt from ``reports/manifest.json``
after every batch.
"""

from __future__ import annotations

import csv
import html
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from helpers.config import NOTEBOOKS_DIR, PROJECT_ROOT, REPORTS_DIR, RUNS_FILE
from helpers.notebooks import model_for
from helpers.params import NotebookParams, OverrideError
from helpers.results import MIME_TYPE, flatten, read_results

DEFAULT_TIMEOUT = 600
KERNEL_NAME = "python3"


class RunsFileError(ValueError):
    """``runs.yaml`` is missing, malformed or names an unknown notebook or run."""


# ---------------------------------------------------------------------------------------------
# runs.yaml
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NotebookSpec:
    name: str
    path: Path
    timeout: float
    headline: tuple[str, ...]
    runs: dict[str, dict[str, Any]]


def load_runs(runs_file: Path = RUNS_FILE, notebooks_dir: Path = NOTEBOOKS_DIR) -> dict[str, NotebookSpec]:
    """Read and check ``runs.yaml``: every notebook exists and has a ``default`` run.

    Raises
    ------
    RunsFileError
        Naming the file, the notebook and the problem.
    """
    if not runs_file.is_file():
        raise RunsFileError(f"runs file {runs_file} not found")
    try:
        data = yaml.safe_load(runs_file.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise RunsFileError(f"{runs_file}: not valid YAML ({exc})") from exc
    default_timeout = float((data.get("defaults") or {}).get("timeout", DEFAULT_TIMEOUT))
    notebooks = data.get("notebooks") or {}
    if not isinstance(notebooks, dict):
        raise RunsFileError(f"{runs_file}: 'notebooks' must be a mapping of notebook name -> settings")
    specs: dict[str, NotebookSpec] = {}
    for name, entry in notebooks.items():
        entry = entry or {}
        path = notebooks_dir / f"{name}.ipynb"
        if not path.is_file():
            raise RunsFileError(f"{runs_file}: notebook {name!r} has no file {path}")
        runs = entry.get("runs") or {"default": {}}
        if not isinstance(runs, dict) or "default" not in runs:
            raise RunsFileError(f"{runs_file}: notebook {name!r} must list runs with a 'default' entry")
        for run, overrides in runs.items():
            if overrides is not None and not isinstance(overrides, dict):
                raise RunsFileError(f"{runs_file}: {name} run {run!r} must be a mapping of parameter overrides")
            if not str(run).replace("_", "").replace("-", "").isalnum():
                raise RunsFileError(f"{runs_file}: {name} run name {run!r} may use only letters, digits, '_' and '-'")
        timeout = float(entry.get("timeout", default_timeout))
        specs[name] = NotebookSpec(name, path, timeout, tuple(entry.get("headline") or ()),
                                   {str(r): dict(o or {}) for r, o in runs.items()})
    return specs


def resolve_notebook(name: str, specs: dict[str, NotebookSpec]) -> str:
    """Accept ``01_revenue_mix``, ``01_revenue_mix.ipynb``, ``notebooks/01_revenue_mix.ipynb`` or ``01``."""
    stem = Path(name).name.removesuffix(".ipynb")
    if stem in specs:
        return stem
    prefixed = [s for s in specs if s.split("_", 1)[0] == stem]
    if len(prefixed) == 1:
        return prefixed[0]
    raise RunsFileError(f"unknown notebook {name!r}; known notebooks are {sorted(specs)}")


# ---------------------------------------------------------------------------------------------
# Jobs
# ---------------------------------------------------------------------------------------------


@dataclass
class Job:
    notebook: str
    run: str
    path: Path
    parameters: dict[str, Any]
    timeout: float


@dataclass
class Outcome:
    notebook: str
    run: str
    status: str  # "ok" | "failed" | "timeout"
    parameters: dict[str, Any]
    duration: float
    finished_at: str
    error: str = ""
    failed_cell: int | None = None
    started: float = 0.0  # wall-clock epoch seconds when the run's process started
    results: dict[str, Any] = field(default_factory=dict)


def _absolutise_paths(params: dict[str, Any], base: Path) -> dict[str, Any]:
    """Make relative ``*_path`` values that exist relative to ``base`` (the caller's cwd) absolute."""
    out = dict(params)
    for name, value in params.items():
        if name.endswith("_path") and isinstance(value, str) and value and not Path(value).is_absolute():
            candidate = (base / value)
            if candidate.exists() and not (PROJECT_ROOT / value).exists():
                out[name] = str(candidate.resolve())
    return out


def plan_jobs(specs: dict[str, NotebookSpec], notebooks: Iterable[str] | None = None,
              runs: Iterable[str] | None = None, cli_overrides: dict[str, Any] | None = None,
              timeout: float | None = None) -> list[Job]:
    """Build and check every job before any kernel starts.

    ``cli_overrides`` (from ``-p``) apply on top of each selected run's overrides.

    Raises
    ------
    RunsFileError, OverrideError
        Unknown notebook or run, unknown parameter or ill-typed value (all problems at once).
    """
    names = [resolve_notebook(n, specs) for n in notebooks] if notebooks else list(specs)
    wanted_runs = list(runs) if runs else None
    jobs: list[Job] = []
    problems: list[str] = []
    declared: dict[str, type[NotebookParams]] = {}
    for name in names:
        try:
            declared[name] = model_for(specs[name].path)
        except ValueError as exc:
            problems.append(str(exc))
    cli_overrides = dict(cli_overrides or {})
    if len(names) > 1 and cli_overrides:
        # with several notebooks, a -p override goes to those that declare the parameter
        known = {p for model in declared.values() for p in model.model_fields}
        unknown = sorted(set(cli_overrides) - known)
        if unknown:
            problems.append(f"unknown parameter(s) {unknown}; valid parameters are {sorted(known)}")
    for name in names:
        spec = specs[name]
        if name not in declared:
            continue
        model = declared[name]
        own = set(model.model_fields)
        cli = cli_overrides if len(names) == 1 else {k: v for k, v in cli_overrides.items() if k in own}
        selected = wanted_runs or list(spec.runs)
        for run in selected:
            if run not in spec.runs:
                if cli_overrides and wanted_runs and len(wanted_runs) == 1:
                    base = {}  # an ad-hoc run name with -p overrides (defaults where none apply)
                else:
                    problems.append(f"{name}: unknown run {run!r}; runs are {list(spec.runs)}")
                    continue
            else:
                base = spec.runs[run]
            merged = {**base, **cli}
            try:
                merged = model.check_overrides(merged, where=f"{name}/{run}")
            except OverrideError as exc:
                problems.append(str(exc))
                continue
            jobs.append(Job(name, run, spec.path, _absolutise_paths(merged, Path.cwd()),
                            timeout if timeout is not None else spec.timeout))
    if problems:
        raise OverrideError("\n".join(problems))
    return jobs


# ---------------------------------------------------------------------------------------------
# Executing one job
# ---------------------------------------------------------------------------------------------


def _failure_from_notebook(nb_path: Path) -> tuple[int | None, str]:
    """(1-based code-cell number in the source notebook, 'ErrorName: message') of the first failing cell."""
    try:
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None, ""
    code_number = 0
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code" or "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            continue
        code_number += 1
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return code_number, f"{out.get('ename')}: {out.get('evalue')}"
    return None, ""


def _kernel_env() -> dict[str, str]:
    """Environment for papermill and its kernel: inline figures (so reports show plots, whatever
    MPLBACKEND the caller has), fixed hash seed."""
    return {**os.environ, "MPLBACKEND": "module://matplotlib_inline.backend_inline", "PYTHONHASHSEED": "0"}


def render_html(nb_path: Path, html_path: Path, *, hide_code: bool = False) -> None:
    """Render a notebook to standalone HTML (optionally without code cells and prompts)."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    if hide_code:
        exporter.exclude_input = True
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
    nb = nbformat.read(nb_path, as_version=4)
    for cell in nb.cells:  # recorded results are data for tools, not for readers
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if set(o.get("data", {})) != {MIME_TYPE}]
    body, _ = exporter.from_notebook_node(nb)
    _atomic_write_text(html_path, body)


def _atomic_write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def execute_job(job: Job, reports_dir: Path, notebooks_dir: Path | None = None) -> Outcome:
    """Run one job in a killable subprocess; publish its reports atomically on success."""
    out_dir = reports_dir / job.notebook
    out_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=out_dir, prefix=f".{job.run}.", suffix=".ipynb")
    os.close(fd)
    tmp_nb = Path(tmp_name)
    fd, params_name = tempfile.mkstemp(dir=out_dir, prefix=f".{job.run}.", suffix=".params.yaml")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        yaml.safe_dump(job.parameters, fh)
    html_tmp = out_dir / f".{job.run}.{tmp_nb.stem}.html.tmp"
    nocode_tmp = out_dir / f".{job.run}.{tmp_nb.stem}.nocode.html.tmp"
    err_file = out_dir / f".{job.run}.{tmp_nb.stem}.stderr"
    # The run process executes the notebook and renders both HTML files, so rendering runs in
    # parallel across workers; it is forked from a warm server (papermill and nbconvert already
    # imported) and leads its own process group, so a timeout kills it with its kernel.
    args = (str(job.path), str(tmp_nb), params_name, str(notebooks_dir or job.path.parent),
            str(html_tmp), str(nocode_tmp), str(err_file))
    started = time.monotonic()
    started_wall = time.time()
    proc = _process_context().Process(target=_run_process, args=args, daemon=False)
    proc.start()
    status, error = "ok", ""
    try:
        proc.join(job.timeout)
        if proc.is_alive():
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.join()
            status, error = "timeout", f"TimeoutError: run exceeded its timeout of {job.timeout:g} s and was killed"
        elif proc.exitcode != 0:
            status = "failed"
        output = err_file.read_text(encoding="utf-8", errors="replace") if err_file.is_file() else ""
    finally:
        Path(params_name).unlink(missing_ok=True)
        err_file.unlink(missing_ok=True)
    duration = time.monotonic() - started
    finished = datetime.now(UTC).isoformat(timespec="seconds")
    outcome = Outcome(job.notebook, job.run, status, job.parameters, round(duration, 2), finished,
                      started=started_wall)
    try:
        if status == "ok":
            outcome.results = read_results(tmp_nb)
            for rendered in (html_tmp, nocode_tmp):
                if not rendered.is_file():
                    raise RuntimeError(f"the run process exited 0 but wrote no {rendered.name}")
                os.chmod(rendered, 0o644)
            os.chmod(tmp_nb, 0o644)
            os.replace(tmp_nb, out_dir / f"{job.run}.ipynb")
            os.replace(html_tmp, out_dir / f"{job.run}.html")
            os.replace(nocode_tmp, out_dir / f"{job.run}.nocode.html")
            for stale in (f"{job.run}.failed.ipynb", f"{job.run}.failed.html"):
                (out_dir / stale).unlink(missing_ok=True)
        else:
            cell, cell_error = _failure_from_notebook(tmp_nb) if tmp_nb.stat().st_size else (None, "")
            outcome.failed_cell = cell
            if not error:
                error = cell_error or _last_line(output) or f"the run process exited with code {proc.exitcode}"
            outcome.error = error
            if tmp_nb.stat().st_size:
                _mark_failure(tmp_nb, error)
                os.chmod(tmp_nb, 0o644)
                os.replace(tmp_nb, out_dir / f"{job.run}.failed.ipynb")
                render_html(out_dir / f"{job.run}.failed.ipynb", out_dir / f"{job.run}.failed.html")
            else:
                _atomic_write_text(out_dir / f"{job.run}.failed.html",
                                   f"<h1>{html.escape(job.notebook)} / {html.escape(job.run)} failed</h1>"
                                   f"<pre>{html.escape(error)}\n\n{html.escape(output or '')}</pre>")
    except Exception as exc:  # rendering failed: report it as this run's failure, keep good files
        outcome.status = "failed"
        outcome.error = f"{type(exc).__name__} while writing reports: {exc}"
    finally:
        for leftover in (tmp_nb, html_tmp, nocode_tmp):
            leftover.unlink(missing_ok=True)
    return outcome


_context_lock = threading.Lock()
_context: Any = None


def _process_context() -> Any:
    """A forkserver context whose server has papermill and nbconvert loaded (``helpers._warm``)."""
    global _context
    with _context_lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["helpers._warm"])
            _context = ctx
        return _context


def _run_process(nb_path: str, out_path: str, params_file: str, cwd: str, html_path: str,
                 nocode_path: str, err_path: str) -> None:
    """Entry of a forked run process: own process group, kernel environment, stderr to a file."""
    os.setsid()
    os.environ.update(_kernel_env())
    with open(err_path, "w", encoding="utf-8") as err:
        # fds 1 and 2 too, so the kernel's own warnings land here and not on the caller's terminal
        os.dup2(err.fileno(), 1)
        os.dup2(err.fileno(), 2)
        sys.stdout = sys.stderr = err
        code = _run_in_child(nb_path, out_path, params_file, cwd, html_path, nocode_path)
        err.flush()
    os._exit(code)


def _run_in_child(nb_path: str, out_path: str, params_file: str, cwd: str, html_path: str,
                  nocode_path: str) -> int:
    """Body of the per-run process: execute with papermill, then render both HTML files.

    Exit 0 on success; 1 if a cell raised (papermill has written the notebook with the error);
    2 if papermill could not run the notebook at all (message on stderr).
    """
    import papermill as pm

    with open(params_file, encoding="utf-8") as fh:
        parameters = yaml.safe_load(fh) or {}
    try:
        pm.execute_notebook(nb_path, out_path, parameters=parameters, kernel_name=KERNEL_NAME, cwd=cwd,
                            progress_bar=False, log_output=False)
    except pm.PapermillExecutionError as exc:
        print(f"{exc.ename}: {exc.evalue}", file=sys.stderr)
        return 1
    except Exception as exc:  # kernel died, notebook unreadable, ...: report, do not render
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    render_html(Path(out_path), Path(html_path))
    render_html(Path(out_path), Path(nocode_path), hide_code=True)
    return 0


def _last_line(text: str | None) -> str:
    lines = [ln for ln in (text or "").strip().splitlines() if ln.strip()]
    return lines[-1] if lines else ""


def _mark_failure(nb_path: Path, error: str) -> None:
    """Put a banner with the error at the top of a failed notebook, so its HTML says why."""
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    banner = {"cell_type": "markdown", "metadata": {}, "id": "run-failed-banner",
              "source": [f"<div style='border:2px solid #D55E00;padding:8px'><b>This run failed.</b> "
                         f"{html.escape(error)}<br>The last good report, if any, is kept beside this "
                         "file unchanged.</div>"]}
    nb["cells"].insert(0, banner)
    nb_path.write_text(json.dumps(nb, indent=1), encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Batch, manifest, index, results.csv
# ---------------------------------------------------------------------------------------------

_manifest_lock = threading.Lock()


def _manifest_path(reports_dir: Path) -> Path:
    return reports_dir / "manifest.json"


def load_manifest(reports_dir: Path) -> dict[str, dict[str, Any]]:
    path = _manifest_path(reports_dir)
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
                                  "parameters": outcome.parameters}
        else:
            entry["last_good"] = previous.get("last_good")
            good_nb = reports_dir / outcome.notebook / f"{outcome.run}.ipynb"
            entry["results"] = read_results(good_nb) if good_nb.is_file() else {}
        manifest[key] = entry
        _atomic_write_text(_manifest_path(reports_dir), json.dumps(manifest, indent=1, sort_keys=True))


def run_batch(jobs: list[Job], reports_dir: Path = REPORTS_DIR, workers: int | None = None,
              specs: dict[str, NotebookSpec] | None = None, progress: bool = True,
              notebooks_dir: Path | None = None) -> list[Outcome]:
    """Execute jobs in parallel (never stopping at a failure), then rebuild index and results."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    workers = max(1, workers or os.cpu_count() or 1)
    outcomes: list[Outcome] = []
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(jobs), unit="run", desc="notebooks", file=sys.stderr)
    # Longest notebooks first keeps both workers busy until the end.
    order = sorted(jobs, key=lambda j: -(load_manifest(reports_dir).get(f"{j.notebook}/{j.run}", {}).get("duration") or 1e9))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(execute_job, job, reports_dir, notebooks_dir): job for job in order}
        for fut in as_completed(futures):
            job = futures[fut]
            try:
                outcome = fut.result()
            except Exception as exc:  # the runner itself failed for this job: record, go on
                outcome = Outcome(job.notebook, job.run, "failed", job.parameters, 0.0,
                                  datetime.now(UTC).isoformat(timespec="seconds"),
                                  error=f"{type(exc).__name__}: {exc}")
            _update_manifest(reports_dir, outcome)
            outcomes.append(outcome)
            if bar is not None:
                bar.set_postfix_str(f"{outcome.notebook}/{outcome.run}: {outcome.status}")
                bar.update(1)
    if bar is not None:
        bar.close()
    if specs is not None:
        write_results_csv(reports_dir, specs)
        write_index(reports_dir, specs)
    return outcomes


def write_results_csv(reports_dir: Path, specs: dict[str, NotebookSpec]) -> Path:
    """``reports/results.csv``: notebook, run, key, value from every run's last good notebook."""
    path = reports_dir / "results.csv"
    rows = []
    for name, spec in specs.items():
        for run in spec.runs:
            nb = reports_dir / name / f"{run}.ipynb"
            if nb.is_file():
                for key, value in flatten(read_results(nb)):
                    rows.append((name, run, key, value))
    fd, tmp = tempfile.mkstemp(dir=reports_dir, prefix=".results.", suffix=".csv")
    with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["notebook", "run", "key", "value"])
        writer.writerows(rows)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    return path


def _notebook_title(path: Path) -> str:
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return path.stem
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            for line in "".join(cell.get("source", [])).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return path.stem


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, dict):
        return "(table)"
    return str(value)


INDEX_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1200px;color:#222}
h1{margin-bottom:.2rem} h2{margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;font-size:.9rem} th,td{border-bottom:1px solid #eee;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f6f6} code{font-size:.85rem} .ok{color:#009E73;font-weight:bold} .failed,.timeout{color:#D55E00;font-weight:bold}
.notrun{color:#999} .muted{color:#777;font-size:.85rem} dl{margin:0} dt{font-family:monospace;font-size:.8rem;color:#555} dd{margin:0 0 .2rem 0}
"""


def write_index(reports_dir: Path, specs: dict[str, NotebookSpec]) -> Path:
    """``reports/index.html``: every notebook and run with parameters, status, duration, results, links."""
    manifest = load_manifest(reports_dir)
    esc = html.escape
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    counts = {"ok": 0, "failed": 0, "timeout": 0, "not run": 0}
    sections = []
    for name, spec in specs.items():
        rows = []
        for run, overrides in spec.runs.items():
            entry = manifest.get(f"{name}/{run}")
            status = entry["status"] if entry else "not run"
            counts[status] = counts.get(status, 0) + 1
            params = entry["parameters"] if entry else overrides
            param_txt = "<br>".join(f"<code>{esc(k)} = {esc(json.dumps(v, ensure_ascii=False))}</code>"
                                    for k, v in params.items()) or "<span class='muted'>defaults</span>"
            results = (entry or {}).get("results") or {}
            keys = list(spec.headline) or list(results)[:6]
            res_txt = "<dl>" + "".join(f"<dt>{esc(k)}</dt><dd>{esc(_fmt(results[k]))}</dd>"
                                       for k in keys if k in results) + "</dl>"
            links = []
            folder = reports_dir / name
            for fname, label in ((f"{run}.nocode.html", "report"), (f"{run}.html", "with code"),
                                 (f"{run}.ipynb", "notebook"), (f"{run}.failed.html", "failure")):
                if (folder / fname).is_file():
                    links.append(f"<a href='{esc(name)}/{esc(fname)}'>{label}</a>")
            detail = ""
            if entry and status != "ok":
                cell = entry.get("failed_cell")
                where = f" (code cell {cell})" if cell is not None else ""
                good = entry.get("last_good")
                kept = (f"last good report from {esc(good['finished_at'])} kept" if good
                        else "no good report yet")
                detail = f"<div class='muted'>{esc(entry.get('error', ''))}{where}; {kept}</div>"
            duration = f"{entry['duration']:.1f} s" if entry else ""
            finished = esc(entry["finished_at"][:16].replace("T", " ") + " UTC") if entry else ""
            rows.append(f"<tr><td><b>{esc(run)}</b></td><td>{param_txt}</td>"
                        f"<td><span class='{status.replace(' ', '')}'>{esc(status)}</span>{detail}</td>"
                        f"<td>{duration}<div class='muted'>{finished}</div></td>"
                        f"<td>{res_txt}</td><td>{' · '.join(links)}</td></tr>")
        sections.append(
            f"<h2>{esc(_notebook_title(spec.path))}</h2><p class='muted'><code>notebooks/{esc(name)}.ipynb</code></p>"
            "<table><tr><th>run</th><th>parameters</th><th>status</th><th>duration</th>"
            f"<th>headline results</th><th>links</th></tr>{''.join(rows)}</table>")
    summary = ", ".join(f"{v} {k}" for k, v in counts.items() if v)
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>E-commerce economics notebooks</title>"
            f"<style>{INDEX_CSS}</style></head><body><h1>E-commerce platform economics — reports</h1>"
            f"<p class='muted'>Generated {generated}. Runs: {esc(summary)}. All results: "
            f"<a href='results.csv'>results.csv</a>. Customer identifiers are pseudonymised in every report. "
            f"Figures marked UNVERIFIED/DERIVED/synthetic in a report are labelled so there.</p>"
            f"{''.join(sections)}</body></html>")
    path = reports_dir / "index.html"
    _atomic_write_text(path, page)
    return path


def summarise(outcomes: list[Outcome]) -> str:
    """A plain-text summary of a batch, one line per run, failures last."""
    lines = []
    for o in sorted(outcomes, key=lambda o: (o.status != "ok", o.notebook, o.run)):
        extra = f"  {o.error}" + (f" (code cell {o.failed_cell})" if o.failed_cell is not None else "")
        lines.append(f"{o.status:8s} {o.notebook}/{o.run}  {o.duration:.1f} s{extra if o.status != 'ok' else ''}")
    ok = sum(o.status == "ok" for o in outcomes)
    lines.append(f"{ok} passed, {len(outcomes) - ok} failed")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Refreshing the committed reference outputs nbval checks
# ---------------------------------------------------------------------------------------------

CHECK_MARK = "NBVAL_CHECK_OUTPUT"


def freeze(nb_path: Path, timeout: float = DEFAULT_TIMEOUT) -> int:
    """Execute a notebook with its defaults and keep only the outputs of ``NBVAL_CHECK_OUTPUT`` cells.

    Those cells get their fresh outputs, an execution count and ``keep_output`` metadata; every
    other cell is stripped. Returns the number of cells kept.
    """
    import nbformat

    with tempfile.TemporaryDirectory() as tmp:
        executed_path = Path(tmp) / nb_path.name
        job = Job(nb_path.stem, "freeze", nb_path, {}, timeout)
        cmd = [sys.executable, "-m", "papermill", str(nb_path), str(executed_path), "-k", KERNEL_NAME,
               "--cwd", str(nb_path.parent), "--no-progress-bar"]
        env = _kernel_env()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=job.timeout)
        if proc.returncode != 0:
            cell, err = _failure_from_notebook(executed_path) if executed_path.exists() else (None, "")
            raise RuntimeError(f"{nb_path.name} failed while freezing (code cell {cell}): {err or _last_line(proc.stderr)}")
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

