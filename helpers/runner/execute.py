"""Execute one job: papermill in a killable process, scan, render, publish atomically.

Each run is a process forked from a warm server (papermill and nbconvert imported,
``helpers._warm``) that leads its own process group, so a run past its timeout is killed with its
kernel. The process executes the notebook, scans every output for secrets and personal data
(:mod:`helpers.runner.scan`), and renders the HTML with code and without. Outputs go to temporary
files renamed into place only when all of that succeeded, so a failure never touches the last
good report; it leaves ``<run>.failed.ipynb`` / ``.failed.html`` beside it (for a scan finding only
a page naming the cell and kind, never the content).
"""

from __future__ import annotations

import html
import json
import multiprocessing
import os
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from helpers.results import read_results
from helpers.runner.runs import Job

KERNEL_NAME = "python3"
EXIT_CELL_ERROR, EXIT_PAPERMILL, EXIT_SCAN = 1, 2, 3


@dataclass
class Outcome:
    notebook: str
    run: str
    status: str  # "ok" | "cached" | "failed" | "timeout"
    parameters: dict[str, Any]
    duration: float
    finished_at: str
    error: str = ""
    failed_cell: int | None = None
    started: float = 0.0  # wall-clock epoch seconds when the run's process started
    results: dict[str, Any] = field(default_factory=dict)
    adhoc: bool = False
    cache_key: dict[str, str] = field(default_factory=dict)
    reused_from: str = ""  # for a cached run: when the reused report was made
    phases: dict[str, float] = field(default_factory=dict)  # seconds: execute (kernel start + cells), scan, render


def kernel_env() -> dict[str, str]:
    """Environment for papermill and its kernel: inline figures (so reports show plots, whatever
    MPLBACKEND the caller has), fixed hash seed."""
    return {**os.environ, "MPLBACKEND": "module://matplotlib_inline.backend_inline", "PYTHONHASHSEED": "0"}


def failure_from_notebook(nb_path: Path) -> tuple[int | None, str]:
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


def atomic_write_text(path: Path, text: str) -> None:
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


def render_reports(nb_path: Path, html_path: Path | None, nocode_path: Path | None, *, job: dict[str, Any],
                   headline: list[tuple[str, str | None]]) -> None:
    """Render the two HTML reports of an executed notebook (header, offline math, title)."""
    import nbformat

    from helpers.notebooks import model_for
    from helpers.runner.present import run_currency
    from helpers.runner.render import (
        answer_html,
        export,
        header_html,
        notebook_title,
        prepare,
        provenance,
    )

    nb = nbformat.read(nb_path, as_version=4)
    results = read_results(nb_path)
    model = model_for(Path(job["path"]))
    defaults = model.defaults()
    params = {**defaults, **job["parameters"]}
    changed = {k: v for k, v in job["parameters"].items() if defaults.get(k, object()) != v}
    header = header_html(notebook=job["notebook"], run=job["run"], adhoc=job.get("adhoc", False), changed=changed,
                         data=provenance(params, defaults, model.path_fields()),
                         answer_html=answer_html(results, headline, run_currency(params, results)))
    title = f"{notebook_title(nb, job['notebook'])} — {job['run']}"
    for target, hide in ((html_path, False), (nocode_path, True)):
        if target is not None:
            atomic_write_text(target, export(prepare(nb, hide_code=hide, header=header, title=title), hide_code=hide))


def render_html(nb_path: Path, html_path: Path, *, hide_code: bool = False) -> None:
    """Render a notebook as it is (no run header): used for failed runs."""
    import nbformat

    from helpers.runner.render import export, notebook_title, prepare

    nb = nbformat.read(nb_path, as_version=4)
    title = f"{notebook_title(nb, nb_path.stem)} — failed run"
    atomic_write_text(html_path, export(prepare(nb, hide_code=hide_code, header=None, title=title), hide_code=hide_code))


def execute_job(job: Job, reports_dir: Path, notebooks_dir: Path | None = None,
                headline: list[tuple[str, str | None]] | None = None) -> Outcome:
    """Run one job in a killable subprocess; publish its reports atomically on success."""
    out_dir = reports_dir / job.notebook
    out_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=out_dir, prefix=f".{job.run}.", suffix=".ipynb")
    os.close(fd)
    tmp_nb = Path(tmp_name)
    fd, spec_name = tempfile.mkstemp(dir=out_dir, prefix=f".{job.run}.", suffix=".job.yaml")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        yaml.safe_dump({"notebook": job.notebook, "run": job.run, "path": str(job.path), "adhoc": job.adhoc,
                        "parameters": job.parameters, "inputs": [str(p) for p in job.inputs],
                        "headline": [list(h) for h in (headline or [])]}, fh, allow_unicode=True)
    html_tmp = out_dir / f".{job.run}.{tmp_nb.stem}.html.tmp"
    nocode_tmp = out_dir / f".{job.run}.{tmp_nb.stem}.nocode.html.tmp"
    err_file = out_dir / f".{job.run}.{tmp_nb.stem}.stderr"
    args = (str(job.path), str(tmp_nb), spec_name, str(notebooks_dir or job.path.parent),
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
        phases_file = Path(spec_name + ".phases.json")
        phases = json.loads(phases_file.read_text()) if phases_file.is_file() else {}
    finally:
        Path(spec_name).unlink(missing_ok=True)
        Path(spec_name + ".phases.json").unlink(missing_ok=True)
        err_file.unlink(missing_ok=True)
    duration = time.monotonic() - started
    finished = datetime.now(UTC).isoformat(timespec="seconds")
    outcome = Outcome(job.notebook, job.run, status, job.parameters, round(duration, 2), finished,
                      started=started_wall, adhoc=job.adhoc, phases=phases)
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
        elif proc.exitcode == EXIT_SCAN:
            outcome.error = _last_line(output)
            (out_dir / f"{job.run}.failed.ipynb").unlink(missing_ok=True)
            atomic_write_text(out_dir / f"{job.run}.failed.html",
                              f"<!doctype html><meta charset='utf-8'><title>{html.escape(job.notebook)} — "
                              f"{html.escape(job.run)} not published</title><h1>{html.escape(job.notebook)} / "
                              f"{html.escape(job.run)}: not published</h1><p>{html.escape(outcome.error)}</p>")
        else:
            cell, cell_error = failure_from_notebook(tmp_nb) if tmp_nb.stat().st_size else (None, "")
            outcome.failed_cell = cell
            if not error:
                error = cell_error or _last_line(output) or f"the run process exited with code {proc.exitcode}"
            outcome.error = error
            from helpers.runner.scan import input_ids, load_allow, scan_notebook

            leaks = scan_notebook(json.loads(tmp_nb.read_text(encoding="utf-8")), input_ids(job.inputs),
                                  load_allow()) if tmp_nb.stat().st_size else []
            if leaks:  # a failed run's outputs are not shown either when they hold secrets
                tmp_nb.write_text("", encoding="utf-8")
                output = "outputs withheld: the secret/PII scan found " + ", ".join(map(str, leaks))
            if tmp_nb.stat().st_size:
                _mark_failure(tmp_nb, error)
                os.chmod(tmp_nb, 0o644)
                os.replace(tmp_nb, out_dir / f"{job.run}.failed.ipynb")
                render_html(out_dir / f"{job.run}.failed.ipynb", out_dir / f"{job.run}.failed.html")
            else:
                atomic_write_text(out_dir / f"{job.run}.failed.html",
                                  f"<!doctype html><meta charset='utf-8'><title>{html.escape(job.notebook)} — "
                                  f"{html.escape(job.run)} failed</title><h1>{html.escape(job.notebook)} / "
                                  f"{html.escape(job.run)} failed</h1><pre>{html.escape(error)}\n\n"
                                  f"{html.escape(output or '')}</pre>")
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


def _run_process(nb_path: str, out_path: str, spec_file: str, cwd: str, html_path: str,
                 nocode_path: str, err_path: str) -> None:
    """Entry of a forked run process: own process group, kernel environment, stderr to a file."""
    os.setsid()
    os.environ.update(kernel_env())
    with open(err_path, "w", encoding="utf-8") as err:
        # fds 1 and 2 too, so the kernel's own warnings land here and not on the caller's terminal
        os.dup2(err.fileno(), 1)
        os.dup2(err.fileno(), 2)
        sys.stdout = sys.stderr = err
        code = _run_in_child(nb_path, out_path, spec_file, cwd, html_path, nocode_path)
        err.flush()
    os._exit(code)


def _run_in_child(nb_path: str, out_path: str, spec_file: str, cwd: str, html_path: str,
                  nocode_path: str) -> int:
    """Execute with papermill, scan the outputs, render both HTML files; exit code says which failed."""
    import papermill as pm

    from helpers.runner.scan import PublishBlockedError, input_ids, load_allow, scan_notebook

    with open(spec_file, encoding="utf-8") as fh:
        job = yaml.safe_load(fh)
    phases: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        phases[name] = round(now - clock, 3)
        clock = now
        Path(spec_file + ".phases.json").write_text(json.dumps(phases), encoding="utf-8")

    try:
        pm.execute_notebook(nb_path, out_path, parameters=job["parameters"], kernel_name=KERNEL_NAME, cwd=cwd,
                            progress_bar=False, log_output=False)
    except pm.PapermillExecutionError as exc:
        print(f"{exc.ename}: {exc.evalue}", file=sys.stderr)
        return EXIT_CELL_ERROR
    except Exception as exc:  # kernel died, notebook unreadable, ...: report, do not render
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_PAPERMILL
    lap("execute")
    nb = json.loads(Path(out_path).read_text(encoding="utf-8"))
    findings = scan_notebook(nb, input_ids(Path(p) for p in job.get("inputs", [])), load_allow())
    lap("scan")
    if findings:
        print(f"PublishBlockedError: {PublishBlockedError(findings)}", file=sys.stderr)
        return EXIT_SCAN
    render_reports(Path(out_path), Path(html_path), Path(nocode_path), job=job,
                   headline=[tuple(h) for h in job.get("headline", [])])
    lap("render")
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
