"""Content-hash cache: a run is reused only when nothing that can change its report has changed.

The key of a run hashes, each as its own part:

* ``notebook`` — every cell's type, source and metadata (tags such as ``appendix`` and
  ``in-header`` reshape the code-hidden report) and the notebook's metadata; outputs, execution
  counts and timing metadata are left out;
* ``parameters`` — the values as every artefact shows them (credentials redacted);
* ``secrets`` — the credentials and the environment variables the values name (``${NAME}``),
  through a slow salted hash (PBKDF2), so the manifest never holds an easily tested digest;
* ``inputs`` — the contents of every input file a path parameter names; a local DuckDB or SQLite
  database URL (``duckdb:///path``) hashes its file; any other URL makes the run **uncacheable**
  (it re-runs every time) unless the batch is told ``cache_urls`` (``--cache-url-sources``), when
  the URL text stands for the table;
* ``package`` — every file under ``helpers/`` (all extensions: templates, ``conf.json``, CSS),
  except ``__pycache__``;
* ``lock`` — ``requirements.lock``; ``allow`` — ``notebooks/scan_allow.yaml``;
* ``presentation`` — the notebook's ``headline`` entry in runs.yaml (it shapes the header);
* ``environment`` — the environment variables the project reads (:data:`PROJECT_ENV`: the
  pseudonym salt), PBKDF2-hashed, never stored.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from helpers.config import PROJECT_ROOT

LOCK_FILE = PROJECT_ROOT / "requirements.lock"
PACKAGE_DIR = PROJECT_ROOT / "helpers"
#: Environment variables read by code the kernel runs (grep helpers/ for os.environ / getenv).
PROJECT_ENV = ("ECOMMERCE_PSEUDONYM_SALT",)
#: Notebook and cell metadata that never changes a report (written by papermill, Jupyter, freeze).
VOLATILE_METADATA = ("execution", "papermill", "ExecuteTime", "collapsed", "scrolled", "widgets")
UNCACHEABLE = "uncacheable"
_URL = re.compile(r"^[a-z][a-z0-9+.\-]*://", re.IGNORECASE)


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _sha(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def slow_digest(values: Any) -> str:
    """A PBKDF2-SHA256 digest (100 000 rounds) for secret values: a key part that cannot be
    cheaply tested against guesses. Empty input gives an empty string."""
    if not values:
        return ""
    data = json.dumps(values, sort_keys=True, default=str).encode()
    return hashlib.pbkdf2_hmac("sha256", data, b"helpers.runner.cache", 100_000).hex()


def notebook_digest(nb_path: Path) -> str:
    """Hash of a notebook's cells (type, source, metadata) and metadata; outputs and counts ignored."""
    nb = json.loads(nb_path.read_text(encoding="utf-8"))

    def meta(m: dict[str, Any] | None) -> dict[str, Any]:
        return {k: v for k, v in (m or {}).items() if k not in VOLATILE_METADATA}

    cells = [(c.get("cell_type"), "".join(c.get("source", "")) if isinstance(c.get("source"), list)
              else c.get("source", ""), meta(c.get("metadata"))) for c in nb.get("cells", [])]
    return _sha({"cells": cells, "metadata": meta(nb.get("metadata"))})


def package_digest(package_dir: Path | None = None) -> str:
    """Hash of every file of the helpers package (any extension), by relative path."""
    package_dir = PACKAGE_DIR if package_dir is None else package_dir
    h = hashlib.sha256()
    for path in sorted(p for p in package_dir.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                       and p.suffix not in (".pyc", ".pyo")):
        h.update(str(path.relative_to(package_dir)).encode())
        h.update(file_digest(path).encode())
    return h.hexdigest()


def environment_digest(names: Iterable[str] = PROJECT_ENV, environ: dict[str, str] | None = None) -> str:
    """Slow hash of the project's environment variables (set or not); never their values."""
    environ = dict(os.environ) if environ is None else environ
    return slow_digest({n: environ.get(n) for n in names}) if any(environ.get(n) for n in names) else ""


def local_database(value: Any) -> Path | None:
    """The local file behind a ``duckdb://`` / ``sqlite://`` URL when it exists, else ``None``.

    Examples
    --------
    >>> local_database("postgres://db/shop") is None
    True
    """
    value = str(value)
    if not _URL.match(value):
        return None
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("duckdb", "sqlite"):
        return None
    path = Path(parts.netloc + parts.path)
    if not path.is_absolute():
        path = PROJECT_ROOT / path
    return path if path.is_file() else None


def inputs_digest(inputs: Iterable[Path], parameters: dict[str, Any], url_fields: Iterable[str] = (),
                  *, cache_urls: bool = False) -> str:
    """Hash of the input files' contents and of the database sources; :data:`UNCACHEABLE` when a
    remote source makes the run impossible to key (unless ``cache_urls``)."""
    from helpers.runner.secrets import redact_value

    files = sorted((str(p), file_digest(p)) for p in inputs)
    urls = []
    for name in url_fields:
        value = str(parameters.get(name, ""))
        if not _URL.match(value):
            continue
        path = local_database(value)
        if path is not None:
            urls.append((name, redact_value(value), file_digest(path)))
        elif cache_urls:
            urls.append((name, redact_value(value), "url-as-given"))
        else:
            return UNCACHEABLE
    return _sha([files, urls])


def run_key(nb_path: Path, parameters: dict[str, Any], inputs: Iterable[Path], *,
            package: str | None = None, lock_file: Path | None = None, allow_file: Path | None = None,
            headline: Any = (), environment: str | None = None, url_fields: Iterable[str] = (),
            cache_urls: bool = False) -> dict[str, str]:
    """The parts of a run's cache key (each a hex digest) and their combination under ``key``.

    ``key`` is :data:`UNCACHEABLE` when a source cannot be keyed (a remote database URL): such a
    run is never served from the cache.
    """
    from helpers.runner import scan
    from helpers.runner.secrets import redact_parameters, secret_strings

    lock_file = LOCK_FILE if lock_file is None else lock_file
    allow_file = scan.ALLOW_FILE if allow_file is None else allow_file
    secrets = secret_strings(parameters)
    parts = {
        "notebook": notebook_digest(nb_path),
        "parameters": _sha(redact_parameters(parameters, secrets)),
        "secrets": slow_digest(sorted(secrets)),
        "inputs": inputs_digest(inputs, parameters, url_fields, cache_urls=cache_urls),
        "package": package if package is not None else package_digest(),
        "lock": file_digest(lock_file) if lock_file.is_file() else "",
        "allow": file_digest(allow_file) if allow_file.is_file() else "",
        "presentation": _sha(list(headline)),
        "environment": environment if environment is not None else environment_digest(),
    }
    parts["key"] = UNCACHEABLE if parts["inputs"] == UNCACHEABLE else _sha(parts)
    return parts
