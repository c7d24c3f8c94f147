"""Execute one job: papermill in a killable process, scan, render, publish atomically.

Each run is a process forked from a warm server (papermill and nbconvert imported,
``helpers._warm``) that leads its own session and is the child subreaper of its descendants. The
kernel runs in a session of its own, so a run past its timeout (or interrupted by Ctrl-C) is
stopped by walking its process tree: every descendant is suspended, then all are killed
(:func:`kill_tree`); on a normal exit the run process kills whatever the kernel left behind. The process executes the notebook, scans every output for secrets and personal data
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
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from helpers.results import read_results
from helpers.runner.runs import Job

KERNEL_NAME = "python3"
EXIT_CELL_ERROR, EXIT_PAPERMILL, EXIT_SCAN = 1, 2, 3
#: Set (by the batch, on Ctrl-C) to stop every running job: its process tree is killed, status "interrupted".
CANCEL = threading.Event()
_PR_SET_CHILD_SUBREAPER = 36


def kill_tree(pid: int, *, include_root: bool = True) -> list[int]:
    """SIGKILL a process and every descendant, the kernel's own session included; the pids killed.

    Descendants are collected and stopped (SIGSTOP) until no new one appears, so none can fork
    away or be re-parented to init before the kill.
    """
    import psutil

    try:
        root = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return []
    seen: dict[int, psutil.Process] = {}
    if include_root:
        seen[pid] = root
        try:
            root.suspend()
        except psutil.Error:
            pass
    for _ in range(50):
        try:
            found = root.children(recursive=True)
        except psutil.Error:
            found = []
        new = [p for p in found if p.pid not in seen]
        if not new:
            break
        for proc in new:
            seen[proc.pid] = proc
            try:
                proc.suspend()
            except psutil.Error:
                pass
    for proc in seen.values():
        try:
            proc.kill()
        except psutil.Error:
            pass
    _wait_dead(list(seen.values()), timeout=1.0)
    return sorted(seen)


def _wait_dead(procs: list[Any], timeout: float) -> None:
    """Wait until every process has ended. A zombie counts as ended: it runs nothing and holds
    nothing but its pid, which its parent (or init, for orphans) reaps in its own time."""
    import psutil

    deadline = time.monotonic() + timeout
    left = list(procs)
    while left and time.monotonic() < deadline:
        still = []
        for proc in left:
            try:
                if proc.status() != psutil.STATUS_ZOMBIE:
                    still.append(proc)
            except psutil.Error:  # gone
                pass
        left = still
        if left:
            time.sleep(0.01)


def _become_subreaper() -> None:
    """Orphans of the kernel (a child it started, then the kernel exits) stay our descendants."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


@dataclass
class Outcome:
    notebook: str
    run: str
    status: str  # "ok" | "cached" | "failed" | "timeout" | "interrupted"
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
                headline: list[tuple[str, str | None]] | None = None,
                cancel: threading.Event | None = None) -> Outcome:
    """Run one job in a killable subprocess; publish its reports atomically on success.

    Past its timeout, or when ``cancel`` (default :data:`CANCEL`) is set, the run's whole process
    tree — the kernel, in its own session, and whatever it started — is killed. Parameters are
    passed to the run process through a pipe, never a file; every artefact gets them redacted.
    """
    from helpers.runner.secrets import redact_parameters, redact_text, secret_strings

    cancel = CANCEL if cancel is None else cancel
    secrets = secret_strings(job.parameters)
    shown = redact_parameters(job.parameters, secrets)
    out_dir = reports_dir / job.notebook
    out_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=out_dir, prefix=f".{job.run}.", suffix=".ipynb")
    os.close(fd)
    tmp_nb = Path(tmp_name)
    from helpers.runner.scan import scan_inputs

    scanned = [str(p) for p in scan_inputs(job.inputs, job.parameters, job.path_fields)]
    spec = {"notebook": job.notebook, "run": job.run, "path": str(job.path), "adhoc": job.adhoc,
            "parameters": job.parameters, "inputs": scanned,
            "headline": [list(h) for h in (headline or [])], "allow_file": str(_scan_allow_file()),
            "environ": _caller_environ()}  # the caller's environment now, not the warm server's
    html_tmp = out_dir / f".{job.run}.{tmp_nb.stem}.html.tmp"
    nocode_tmp = out_dir / f".{job.run}.{tmp_nb.stem}.nocode.html.tmp"
    err_file = out_dir / f".{job.run}.{tmp_nb.stem}.stderr"
    phases_file = out_dir / f".{job.run}.{tmp_nb.stem}.phases.json"
    args = (str(job.path), str(tmp_nb), spec, str(notebooks_dir or job.path.parent),
            str(html_tmp), str(nocode_tmp), str(err_file), str(phases_file))
    started = time.monotonic()
    started_wall = time.time()
    status, error = "ok", ""
    try:
        proc = _process_context().Process(target=_run_process, args=args, daemon=False)
        proc.start()
        deadline = started + job.timeout
        while proc.is_alive() and time.monotonic() < deadline and not cancel.is_set():
            proc.join(0.1)
        if proc.is_alive():
            kill_tree(proc.pid)
            proc.join()
            if cancel.is_set():
                status, error = "interrupted", "KeyboardInterrupt: the batch was interrupted; this run was stopped"
            else:
                status, error = "timeout", (f"TimeoutError: run exceeded its timeout of {job.timeout:g} s and was "
                                            "killed with its kernel and every process it started")
        elif proc.exitcode != 0:
            status = "failed"
        output = err_file.read_text(encoding="utf-8", errors="replace") if err_file.is_file() else ""
        output = redact_text(output, secrets)
        phases = json.loads(phases_file.read_text()) if phases_file.is_file() else {}
    except BaseException:
        for leftover in (tmp_nb, html_tmp, nocode_tmp, err_file, phases_file):
            leftover.unlink(missing_ok=True)
        raise
    finally:
        err_file.unlink(missing_ok=True)
        phases_file.unlink(missing_ok=True)
    duration = time.monotonic() - started
    finished = datetime.now(UTC).isoformat(timespec="seconds")
    outcome = Outcome(job.notebook, job.run, status, shown, round(duration, 2), finished,
                      started=started_wall, adhoc=job.adhoc, phases=phases)
    try:
        if status == "interrupted":
            outcome.error = error
        elif status == "ok":
            outcome.results = read_results(tmp_nb)
            for rendered in (html_tmp, nocode_tmp):
                if not rendered.is_file():
                    raise RuntimeError(f"the run process exited 0 but wrote no {rendered.name}")
                os.chmod(rendered, 0o644)
            os.chmod(tmp_nb, 0o644)
            publish(out_dir, job.run, {".ipynb": tmp_nb, ".html": html_tmp, ".nocode.html": nocode_tmp})
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
            from helpers.runner.scan import input_ids, load_allow, scan_inputs, scan_notebook
            from helpers.runner.secrets import clean_notebook

            parsed = None
            if tmp_nb.stat().st_size:
                try:  # a run killed mid-write leaves half a notebook: clean what can be read
                    parsed = clean_notebook(json.loads(tmp_nb.read_text(encoding="utf-8")), secrets)
                    tmp_nb.write_text(json.dumps(parsed, indent=1), encoding="utf-8")
                except json.JSONDecodeError:
                    tmp_nb.write_text("", encoding="utf-8")
            cell, cell_error = failure_from_notebook(tmp_nb) if parsed is not None else (None, "")
            outcome.failed_cell = cell
            if not error:
                error = cell_error or _last_line(output) or f"the run process exited with code {proc.exitcode}"
            error = redact_text(error, secrets)
            outcome.error = error
            leaks = (scan_notebook(parsed, input_ids(scan_inputs(job.inputs, job.parameters, job.path_fields)),
                                   load_allow(_scan_allow_file()))
                     if parsed is not None else [])
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
        outcome.error = redact_text(f"{type(exc).__name__} while writing reports: {exc}", secrets)
    finally:
        for leftover in (tmp_nb, html_tmp, nocode_tmp):
            leftover.unlink(missing_ok=True)
    return outcome


def _scan_allow_file() -> Path:
    from helpers.runner import scan

    return scan.ALLOW_FILE


RUNS_DIR = ".runs"  # per-run generations: <out_dir>/.runs/<run>/<generation>/<run><suffix>


def publish(out_dir: Path, run: str, files: dict[str, Path]) -> None:
    """Publish a run's finished files together: one atomic switch, never a mix of two runs' files.

    The files move into a new generation folder ``.runs/<run>/<generation>/``; a symbolic link
    ``.runs/<run>/current`` is then replaced in one ``rename`` to point at it, and the stable names
    ``<run><suffix>`` are relative links through ``current`` (made once). A reader opening any of
    the three files therefore sees one generation — the old one until the switch, the new one
    after. Older generations are removed afterwards (a reader holding one open keeps reading it).
    Where the file system has no symbolic links the files are renamed into place one by one.
    """
    runs = out_dir / RUNS_DIR / run
    generation = f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{os.urandom(4).hex()}"
    target = runs / generation
    target.mkdir(parents=True)
    for suffix, tmp in files.items():
        os.replace(tmp, target / f"{run}{suffix}")
    current = runs / "current"
    pointer = runs / f".current.{generation}"
    try:
        os.symlink(generation, pointer)
    except (OSError, NotImplementedError):  # no symbolic links here: one rename per file
        for suffix in files:
            os.replace(target / f"{run}{suffix}", out_dir / f"{run}{suffix}")
        target.rmdir()
        return
    os.replace(pointer, current)  # the switch: all three files change at once
    for suffix in files:
        stable = out_dir / f"{run}{suffix}"
        link = f"{RUNS_DIR}/{run}/current/{run}{suffix}"
        if stable.is_symlink() and os.readlink(stable) == link:
            continue
        tmp_link = out_dir / f".{run}{suffix}.{generation}.link.tmp"
        os.symlink(link, tmp_link)
        os.replace(tmp_link, stable)  # first publication: a plain file becomes the stable link
    prune_generations(runs)


def prune_generations(runs: Path) -> list[Path]:
    """Remove a run's generation folders other than the one ``current`` points at, and stray pointers."""
    import shutil

    current = runs / "current"
    keep = os.readlink(current) if current.is_symlink() else None
    gone = []
    for child in runs.iterdir():
        if child.name == "current" or child.name == keep:
            continue
        if child.is_symlink() or child.is_file():
            child.unlink(missing_ok=True)
        else:
            shutil.rmtree(child, ignore_errors=True)
        gone.append(child)
    return gone


_context_lock = threading.Lock()
_context: Any = None


def _process_context() -> Any:
    """A forkserver context whose server has papermill and nbconvert loaded (``helpers._warm``)."""
    global _context
    with _context_lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["helpers._warm"])
            _start_forkserver()
            _context = ctx
        return _context


def _start_forkserver() -> None:
    """Start the server with the kernel's hash seed and backend, which its preloaded kernel modules
    keep for life (the warm kernel is used only when they match, :mod:`helpers.runner.warmkernel`)."""
    from multiprocessing import forkserver

    with _environ_lock:
        saved = {k: os.environ.get(k) for k in _KERNEL_ONLY_ENV}
        os.environ.update({k: kernel_env()[k] for k in _KERNEL_ONLY_ENV})
        try:
            forkserver.ensure_running()
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


_environ_lock = threading.Lock()
_KERNEL_ONLY_ENV = ("MPLBACKEND", "PYTHONHASHSEED")


def _caller_environ() -> dict[str, str]:
    with _environ_lock:
        return dict(os.environ)


def _run_process(nb_path: str, out_path: str, job: dict[str, Any], cwd: str, html_path: str,
                 nocode_path: str, err_path: str, phases_path: str) -> None:
    """Entry of a forked run process: own session, subreaper of the kernel's orphans, kernel
    environment, stderr to a file; whatever the kernel left running is killed on the way out."""
    os.setsid()
    _become_subreaper()
    os.environ.clear()
    os.environ.update(job.pop("environ", None) or {})
    os.environ.update(kernel_env())
    code = EXIT_PAPERMILL
    with open(err_path, "w", encoding="utf-8") as err:
        # fds 1 and 2 too, so the kernel's own warnings land here and not on the caller's terminal
        os.dup2(err.fileno(), 1)
        os.dup2(err.fileno(), 2)
        sys.stdout = sys.stderr = err
        try:
            from helpers import _warm
            from helpers.runner import warmkernel

            if not warmkernel.cold_kernel():
                warmkernel.plant_seed(_warm.START_ENV)
            code = _run_in_child(nb_path, out_path, job, cwd, html_path, nocode_path, phases_path)
        except BaseException as exc:  # noqa: BLE001 - reported through the exit code and stderr
            print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        finally:
            from helpers.runner import warmkernel

            warmkernel.discard_seed()
            kill_tree(os.getpid(), include_root=False)
        err.flush()
    os._exit(code)


def _run_in_child(nb_path: str, out_path: str, job: dict[str, Any], cwd: str, html_path: str,
                  nocode_path: str, phases_path: str) -> int:
    """Execute with papermill, scan the outputs, render both HTML files; exit code says which failed."""
    import papermill as pm
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from helpers.runner.scan import PublishBlockedError, input_ids, load_allow, scan_notebook
    from helpers.runner.secrets import (
        RESTORE_LINE,
        SECRETS_ENV,
        clean_notebook,
        kernel_only,
        redact_parameters,
        redact_text,
        secret_strings,
    )

    phases: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        phases[name] = round(now - clock, 3)
        clock = now
        Path(phases_path).write_text(json.dumps(phases), encoding="utf-8")

    real = job["parameters"]
    secrets = secret_strings(real)
    shown = redact_parameters(real, secrets)
    hidden = kernel_only(real)
    nb = load_notebook_node(nb_path)
    if shown:
        nb = parameterize_notebook(nb, shown, kernel_name=KERNEL_NAME)
    if hidden:  # the real values reach the kernel through its environment, never a file
        os.environ[SECRETS_ENV] = json.dumps(hidden)
        for cell in nb.cells:
            if "injected-parameters" in cell.metadata.get("tags", []):
                cell.source = cell.source.rstrip("\n") + "\n" + RESTORE_LINE + "\n"

    def cleaned() -> dict[str, Any] | None:
        try:
            parsed = json.loads(Path(out_path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return None
        clean_notebook(parsed, secrets)
        Path(out_path).write_text(json.dumps(parsed, indent=1, ensure_ascii=False), encoding="utf-8")
        return parsed

    from helpers.runner.warmkernel import WarmKernelManager

    try:
        pm.execute_notebook(nb, out_path, kernel_name=KERNEL_NAME, cwd=cwd, progress_bar=False, log_output=False,
                            kernel_manager_class=WarmKernelManager)
    except pm.PapermillExecutionError as exc:
        cleaned()
        print(redact_text(f"{exc.ename}: {exc.evalue}", secrets), file=sys.stderr)
        return EXIT_CELL_ERROR
    except Exception as exc:  # kernel died, notebook unreadable, ...: report, do not render
        cleaned()
        print(redact_text(f"{type(exc).__name__}: {exc}", secrets), file=sys.stderr)
        return EXIT_PAPERMILL
    lap("execute")
    parsed = cleaned() or {}
    findings = scan_notebook(parsed, input_ids(Path(p) for p in job.get("inputs", [])),
                             load_allow(Path(job["allow_file"])) if job.get("allow_file") else load_allow())
    lap("scan")
    if findings:
        print(f"PublishBlockedError: {PublishBlockedError(findings)}", file=sys.stderr)
        return EXIT_SCAN
    render_reports(Path(out_path), Path(html_path), Path(nocode_path), job={**job, "parameters": shown},
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
