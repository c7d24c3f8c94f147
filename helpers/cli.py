"""Command line: ``python -m helpers run | params | results | synth | freeze | strip | index | pdf``.

``-p NAME VALUE`` values are YAML literals: ``0.25``, ``true``, ``null`` (or ``None``),
``[Amazon, Coupang]``, ``{S+: 0.4, S: 0.6}``; a text parameter takes the text as written.
``-p`` without ``--run`` makes an ad-hoc run named after the overrides; named runs are never
changed by ``-p``. Relative paths given with ``-p`` are read from the current directory.
Exit codes: 0 success, 1 a run failed, 2 a usage error (unknown notebook, run or parameter, a
value not allowed, a missing input file, a corrupt manifest) — reported before any kernel
starts —, 130 interrupted (Ctrl-C or SIGTERM: running runs are stopped with their kernels).
Credentials in values are printed redacted (``postgres://analyst:***@db/shop``); a value may name
an environment variable instead (``postgres://analyst:${PGPASSWORD}@db/shop``, quoted so the
shell leaves it), expanded only inside the kernel.

Examples
--------
python -m helpers run                                    # every notebook and run in runs.yaml
python -m helpers run 01_revenue_mix --run krw_view      # one run
python -m helpers run 01 --run mine -p currency KRW -p year 2023
python -m helpers run 01 -p companies "[Amazon]"          # ad-hoc run adhoc-companies-amazon-<hash>
python -m helpers params 01_revenue_mix                  # documented parameters
python -m helpers results reports/01_revenue_mix/default.ipynb
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from helpers.config import NOTEBOOKS_DIR, REPORTS_DIR, RUNS_FILE


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m helpers", description=__doc__.split("\n\n")[1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="execute notebooks through papermill and render reports")
    run.add_argument("notebooks", nargs="*", help="notebook names (default: all in runs.yaml)")
    run.add_argument("--run", action="append", dest="runs", metavar="NAME",
                     help="run name from runs.yaml (repeatable; default: all runs); with -p, a new name "
                          "makes an ad-hoc run")
    run.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"), default=[],
                     help="override a parameter: VALUE is a YAML literal (0.25, true, null, [a, b], "
                          "{S+: 0.4}); makes an ad-hoc run")
    run.add_argument("--force", action="store_true", help="re-run even runs whose inputs did not change")
    run.add_argument("--cache-url-sources", action="store_true",
                     help="reuse runs that read a remote database URL when the URL is unchanged (default: such "
                          "runs always execute, since the table may have changed)")
    run.add_argument("--no-wait", action="store_true",
                     help="refuse, instead of waiting, when another batch is writing the reports folder")
    run.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                     help="runs in parallel (default: number of cores)")
    run.add_argument("--timeout", type=float, help="seconds per run (default: from runs.yaml)")
    run.add_argument("--reports-dir", type=Path, default=REPORTS_DIR)
    run.add_argument("--runs-file", type=Path, default=RUNS_FILE)
    run.add_argument("--notebooks-dir", type=Path, default=NOTEBOOKS_DIR)
    run.add_argument("--no-progress", action="store_true", help="no progress bar")

    params = sub.add_parser("params", help="list a notebook's parameters")
    params.add_argument("notebook")
    params.add_argument("--json", action="store_true", help="machine-readable output")
    params.add_argument("--write", action="store_true",
                        help="rewrite the notebook's parameters cell from its declared model")

    results = sub.add_parser("results", help="print the results recorded in an executed notebook as JSON")
    results.add_argument("path", type=Path)

    sub.add_parser("synth", help="regenerate data/synthetic/ from fixed seeds")

    freeze = sub.add_parser("freeze", help="refresh the NBVAL_CHECK_OUTPUT reference outputs")
    freeze.add_argument("notebooks", nargs="*", type=Path)

    strip = sub.add_parser("strip", help="strip notebook outputs except NBVAL_CHECK_OUTPUT cells")
    strip.add_argument("notebooks", nargs="*", type=Path)

    index = sub.add_parser("index", help="rebuild reports/index.html and results.csv")
    index.add_argument("--reports-dir", type=Path, default=REPORTS_DIR)
    index.add_argument("--runs-file", type=Path, default=RUNS_FILE)
    index.add_argument("--notebooks-dir", type=Path, default=NOTEBOOKS_DIR)

    pdf = sub.add_parser("pdf", help="print every code-hidden report to PDF with headless Chromium")
    pdf.add_argument("--reports-dir", type=Path, default=REPORTS_DIR)
    return parser


def _notebook_file(name: str) -> Path:
    path = Path(name)
    if path.suffix == ".ipynb" and path.is_file():
        return path
    candidates = sorted(NOTEBOOKS_DIR.glob(f"{path.name.removesuffix('.ipynb')}*.ipynb"))
    exact = [c for c in candidates if c.stem == path.name.removesuffix(".ipynb")]
    if exact or len(candidates) == 1:
        return (exact or candidates)[0]
    known = sorted(p.stem for p in NOTEBOOKS_DIR.glob("*.ipynb"))
    print(f"error: unknown notebook {name!r}; known notebooks are {known}", file=sys.stderr)
    raise SystemExit(2)


def _sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    import signal
    import threading

    from helpers.runner.lock import BatchLockedError, ManifestError
    from helpers.runner.secrets import redact_text

    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _sigterm)
    try:
        return _main(argv)
    except BrokenPipeError:  # `... | head`: the reader has gone; exit quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("interrupted: running runs were stopped with their kernels and marked 'interrupted'; "
              "last good reports are kept", file=sys.stderr)
        return 130
    except (ManifestError, BatchLockedError) as exc:
        print(f"error: {redact_text(str(exc))}", file=sys.stderr)
        return 2
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _locked(reports_dir: Path):  # noqa: ANN202 - a context manager
    from helpers.runner.lock import batch_lock

    return batch_lock(reports_dir)


def _main(argv: list[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)

    if args.command == "run":
        from helpers.notebooks import model_for
        from helpers.params import OverrideError, ParameterSpecError, parse_cli_value
        from helpers.runner import (
            RunsFileError,
            load_runs,
            plan_jobs,
            resolve_notebook,
            run_batch,
            summarise,
        )
        from helpers.runner.lock import BatchLockedError
        from helpers.runner.secrets import redact_text, secret_strings
        from helpers.runner.warmkernel import ColdKernelSettingError

        try:
            specs = load_runs(args.runs_file, args.notebooks_dir)
            cli: dict[str, object] = {}
            raw_values = {name: raw for name, raw in args.parameter}
            if args.parameter:
                targets = [resolve_notebook(n, specs) for n in args.notebooks] or list(specs)
                by_nb = {n: model_for(specs[n].path) for n in targets}
                for name, raw in args.parameter:
                    owners = [n for n in targets if name in by_nb[n].model_fields]
                    if not owners:
                        valid = sorted({p for n in targets for p in by_nb[n].model_fields})
                        raise OverrideError(f"unknown parameter {name!r}; valid parameters are {valid}")
                    cli[name] = parse_cli_value(by_nb[owners[0]], name, raw)
            jobs = plan_jobs(specs, args.notebooks or None, args.runs, cli, args.timeout)
        except (RunsFileError, OverrideError, ParameterSpecError) as exc:
            print(f"error: {redact_text(str(exc), secret_strings({**raw_values, **cli}))}", file=sys.stderr)
            return 2
        if not jobs:
            print("error: nothing to run", file=sys.stderr)
            return 2
        print(f"running {len(jobs)} run(s) with {args.jobs} worker(s) -> {args.reports_dir}", file=sys.stderr)
        try:
            outcomes = run_batch(jobs, args.reports_dir, args.jobs, specs, progress=not args.no_progress,
                                 notebooks_dir=args.notebooks_dir, force=args.force, wait=not args.no_wait,
                                 cache_urls=args.cache_url_sources)
        except (BatchLockedError, ColdKernelSettingError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(summarise(outcomes))
        print(f"index: {args.reports_dir / 'index.html'}")
        return 0 if all(o.status in ("ok", "cached") for o in outcomes) else 1

    if args.command == "params":
        from helpers.notebooks import model_for, write_parameters_cell
        from helpers.params import ParameterSpecError, cli_example

        try:
            path = _notebook_file(args.notebook)
            if args.write:
                changed = write_parameters_cell(path)
                print(f"{path}: parameters cell {'rewritten' if changed else 'already up to date'}")
                return 0
            params = model_for(path).parameters()
        except ParameterSpecError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        if args.json:
            print(json.dumps([p.__dict__ for p in params], indent=1, ensure_ascii=False))
        else:
            rows = [("name", "type", "default (as -p value)", "allowed", "help")]
            rows += [(p.name, p.type, cli_example(p.default), p.allowed, p.help) for p in params]
            widths = [max(len(r[i]) for r in rows) for i in range(4)]
            for r in rows:
                print("  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)) + "  " + r[4])
        return 0

    if args.command == "results":
        from helpers.results import read_results

        try:
            print(json.dumps(read_results(args.path), indent=1, ensure_ascii=False))
        except (FileNotFoundError, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        return 0

    if args.command == "synth":
        from helpers.synthetic import write_all

        for path in write_all():
            print(path)
        return 0

    if args.command == "freeze":
        from helpers.runner import freeze

        paths = args.notebooks or sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
        with _locked(REPORTS_DIR):  # no batch reads a notebook while it is rewritten
            for path in paths:
                kept = freeze(Path(path))
                print(f"{path}: kept outputs of {kept} NBVAL_CHECK_OUTPUT cell(s)")
        return 0

    if args.command == "strip":
        from helpers.runner import strip

        with _locked(REPORTS_DIR):
            for path in args.notebooks or sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb")):
                print(f"{path}: kept outputs of {strip(Path(path))} NBVAL_CHECK_OUTPUT cell(s)")
        return 0

    if args.command == "index":
        from helpers.runner import load_runs, write_index, write_results_csv

        specs = load_runs(args.runs_file, args.notebooks_dir)
        with _locked(args.reports_dir):
            write_results_csv(args.reports_dir, specs)
            print(write_index(args.reports_dir, specs))
        return 0

    if args.command == "pdf":
        from helpers.runner.pdf import print_reports

        try:
            with _locked(args.reports_dir):
                for path in print_reports(args.reports_dir):
                    print(path)
        except FileNotFoundError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        return 0
    return 2


