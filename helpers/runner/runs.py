"""``runs.yaml`` and the jobs planned from it, checked before any kernel starts.

Path rule (one rule, everywhere): a relative path given on the command line (``-p x_path ...``)
is read against the current directory; a relative path in ``runs.yaml`` or a default is read
against the project root (as a notebook opened in JupyterLab reads it). Every input file named
by a path parameter must exist before a kernel starts; the message lists every place looked.

``-p`` without ``--run`` never writes a named run: it makes an ad-hoc run named after the
overrides and a short hash of their full values (``adhoc-currency-krw-<8 hex>``); ``--run NAME`` with
``-p`` must name a new run (an existing named run is never changed by ``-p``).
"""

from __future__ import annotations

import glob
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from helpers.config import NOTEBOOKS_DIR, PROJECT_ROOT, RUNS_FILE
from helpers.notebooks import model_for
from helpers.params import NotebookParams, OverrideError

DEFAULT_TIMEOUT = 600
_URL = re.compile(r"^[a-z][a-z0-9+.\-]*://", re.IGNORECASE)


class RunsFileError(ValueError):
    """``runs.yaml`` is missing, malformed or names an unknown notebook or run."""


@dataclass(frozen=True)
class NotebookSpec:
    name: str
    path: Path
    timeout: float
    headline: tuple[Any, ...]
    runs: dict[str, dict[str, Any]]
    notes: dict[str, str] = field(default_factory=dict)


@dataclass
class Job:
    notebook: str
    run: str
    path: Path
    parameters: dict[str, Any]
    timeout: float
    adhoc: bool = False
    inputs: tuple[Path, ...] = ()
    path_fields: tuple[str, ...] = ()  # the parameters naming a source (files or database URLs)


def _comments(text: str) -> dict[tuple[str, str], str]:
    """``# comment`` after each run line of runs.yaml: what the run shows, for the index page."""
    out: dict[tuple[str, str], str] = {}
    notebook = None
    for line in text.splitlines():
        m = re.match(r"^  (\S+):\s*$", line)
        if m:
            notebook = m.group(1)
            continue
        m = re.match(r"^      ([A-Za-z0-9_-]+):.*?#\s*(.+)$", line)
        if m and notebook:
            out[(notebook, m.group(1))] = m.group(2).strip()
    return out


def load_runs(runs_file: Path = RUNS_FILE, notebooks_dir: Path = NOTEBOOKS_DIR) -> dict[str, NotebookSpec]:
    """Read and check ``runs.yaml``: every notebook exists and has a ``default`` run.

    Raises
    ------
    RunsFileError
        Naming the file, the notebook and the problem.
    """
    if not runs_file.is_file():
        raise RunsFileError(f"runs file {runs_file} not found")
    text = runs_file.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise RunsFileError(f"{runs_file}: not valid YAML ({exc})") from exc
    default_timeout = float((data.get("defaults") or {}).get("timeout", DEFAULT_TIMEOUT))
    notebooks = data.get("notebooks") or {}
    if not isinstance(notebooks, dict):
        raise RunsFileError(f"{runs_file}: 'notebooks' must be a mapping of notebook name -> settings")
    notes = _comments(text)
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
            if not re.fullmatch(r"[A-Za-z0-9_-]+", str(run)):
                raise RunsFileError(f"{runs_file}: {name} run name {run!r} may use only letters, digits, '_' and '-'")
        specs[name] = NotebookSpec(name, path, float(entry.get("timeout", default_timeout)),
                                   tuple(entry.get("headline") or ()),
                                   {str(r): dict(o or {}) for r, o in runs.items()},
                                   {r: notes[(name, r)] for r in runs if (name, r) in notes})
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


def adhoc_name(overrides: dict[str, Any]) -> str:
    """A readable, unique run name: a slug of the overrides plus a short hash of their full values.

    The slug shows each parameter and a short form of its value (a path's last folder and file
    stem, credentials never); the 8-hex-digit hash is taken over the complete values as every
    artefact shows them (credentials redacted), so ``/lake/2023/orders.csv`` and
    ``/lake/2024/orders.csv``, or two globs, get different names, and the same overrides always
    get the same name.

    Examples
    --------
    >>> adhoc_name({"currency": "KRW", "year": 2023})
    'adhoc-currency-krw-year-2023-323a84ed'
    >>> adhoc_name({"orders_path": "/lake/2023/orders.csv"})
    'adhoc-orders-path-2023-orders-f496c347'
    """
    from helpers.runner.secrets import redact_parameters

    shown = redact_parameters(overrides)
    parts = []
    for k, v in sorted(shown.items()):
        text = v if isinstance(v, str) else yaml.safe_dump(v, default_flow_style=True).strip()
        if k.endswith("_path") and not _URL.match(text):
            p = Path(text)
            text = f"{p.parent.name}-{p.stem}" if p.parent.name else p.stem
        elif _URL.match(text):
            text = re.sub(r"^[^:]+://(?:[^@/]*@)?", "", text)  # host and table, never user or password
        parts.append(re.sub(r"[^a-z0-9]+", "-", f"{k}-{text}".lower()).strip("-"))
    slug = "-".join(parts)[:40].rstrip("-")
    digest = hashlib.sha256(yaml.safe_dump(shown, sort_keys=True, allow_unicode=True).encode()).hexdigest()[:8]
    return f"adhoc-{slug}-{digest}"


def _resolve_paths(model: type[NotebookParams], values: dict[str, Any], cli: set[str], where: str,
                   cwd: Path) -> tuple[dict[str, Any], list[Path], list[str]]:
    """Absolute input paths for every path field; (values, input files, problems)."""
    out = dict(values)
    inputs: list[Path] = []
    problems: list[str] = []
    defaults = model.defaults()
    for name in model.path_fields():
        value = values.get(name, defaults.get(name))
        if value in (None, ""):
            continue
        if _URL.match(str(value)):
            continue  # a database table: the notebook's loader reaches and checks it
        p = Path(str(value)).expanduser()
        base = cwd if name in cli else PROJECT_ROOT
        target = p if p.is_absolute() else (base / p)
        if glob.has_magic(str(value)):
            matched = sorted(Path(m) for m in glob.glob(str(target), recursive=True) if Path(m).is_file())
            if not matched:
                problems.append(f"{where}: parameter {name!r}: no file matches {str(value)!r} (looked for {target})")
                continue
            inputs.extend(m.resolve() for m in matched)
            if name in values and name in cli:
                out[name] = str(target)
            continue
        if not target.exists():
            looked = [str(target)]
            hint = ""
            other = PROJECT_ROOT / p if name in cli else cwd / p
            if not p.is_absolute() and other != target:
                looked.append(str(other))
                if other.exists():
                    hint = (f"; it exists at {other} — relative paths on the command line are read from the "
                            "current directory, those in runs.yaml from the project root")
            problems.append(f"{where}: parameter {name!r}: input file {str(value)!r} not found; looked in "
                            f"{', '.join(dict.fromkeys(looked))}{hint}")
            continue
        target = target.resolve()
        inputs.extend(sorted(f for f in target.rglob("*") if f.is_file()) if target.is_dir() else [target])
        if name in values:
            out[name] = str(target) if name in cli else values[name]
    return out, inputs, problems


def plan_jobs(specs: dict[str, NotebookSpec], notebooks: Iterable[str] | None = None,
              runs: Iterable[str] | None = None, cli_overrides: dict[str, Any] | None = None,
              timeout: float | None = None, cwd: Path | None = None) -> list[Job]:
    """Build and check every job before any kernel starts.

    ``cli_overrides`` (from ``-p``) go to an ad-hoc run per notebook — named by ``--run`` when
    that name is not a named run, else after the overrides; with several notebooks each override
    goes to the notebooks that declare it.

    Raises
    ------
    RunsFileError, OverrideError
        Unknown notebook or run, unknown parameter, a value the model refuses, a missing input
        file (all problems at once).
    """
    cwd = Path.cwd() if cwd is None else cwd
    names = [resolve_notebook(n, specs) for n in notebooks] if notebooks else list(specs)
    wanted_runs = list(runs) if runs else None
    cli_overrides = dict(cli_overrides or {})
    jobs: list[Job] = []
    problems: list[str] = []
    models: dict[str, type[NotebookParams]] = {}
    for name in names:
        try:
            models[name] = model_for(specs[name].path)
        except ValueError as exc:
            problems.append(str(exc))
    known = {p for m in models.values() for p in m.model_fields}
    unknown = sorted(set(cli_overrides) - known)
    if unknown and models:
        problems.append(f"unknown parameter(s) {unknown}; valid parameters are {sorted(known)}")
    for name, model in models.items():
        spec = specs[name]
        cli = {k: v for k, v in cli_overrides.items() if k in model.model_fields}
        if cli_overrides and not cli:
            continue  # with several notebooks, one that declares none of the overrides is not run
        if cli_overrides:
            named = [r for r in (wanted_runs or []) if r in spec.runs]
            if named:
                problems.append(f"{name}: run(s) {named} are named runs in runs.yaml; -p would change them. "
                                "Give a new name with --run NAME (or none: the run is named after the overrides)")
                continue
            selected = wanted_runs or [adhoc_name(cli)]
            bases = {r: {} for r in selected}
        else:
            selected = wanted_runs or list(spec.runs)
            bases = {}
            for r in selected:
                if r not in spec.runs:
                    problems.append(f"{name}: unknown run {r!r}; runs are {list(spec.runs)}")
                else:
                    bases[r] = spec.runs[r]
        for run, base in bases.items():
            where = f"{name}/{run}"
            merged = {**base, **cli}
            try:
                merged = model.check_overrides(merged, where=where)
            except OverrideError as exc:
                problems.append(str(exc))
                continue
            merged, inputs, missing = _resolve_paths(model, merged, set(cli), where, cwd)
            problems.extend(missing)
            if missing:
                continue
            jobs.append(Job(name, run, spec.path, merged, timeout if timeout is not None else spec.timeout,
                            adhoc=bool(cli_overrides) or run not in spec.runs, inputs=tuple(inputs),
                            path_fields=tuple(model.path_fields())))
    if problems:
        raise OverrideError("\n".join(problems))
    return jobs
