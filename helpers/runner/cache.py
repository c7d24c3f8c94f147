"""Content-hash cache: a run is reused when nothing it depends on has changed.

The key of a run hashes the notebook's code cells, the parameter values, the contents of every
input file a path parameter names, the source of the ``helpers`` package and the lock file. A
run whose key equals the key of its last good run, and whose report files are all in place, is
not executed again (``--force`` re-runs). Markdown edits do not invalidate a run's numbers but do
change the report, so markdown is hashed too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from helpers.config import PROJECT_ROOT

LOCK_FILE = PROJECT_ROOT / "requirements.lock"
PACKAGE_DIR = PROJECT_ROOT / "helpers"


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def notebook_digest(nb_path: Path) -> str:
    """Hash of a notebook's cell types and sources (outputs and counts ignored)."""
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    cells = [(c.get("cell_type"), "".join(c.get("source", "")) if isinstance(c.get("source"), list)
              else c.get("source", "")) for c in nb.get("cells", [])]
    return hashlib.sha256(json.dumps(cells, ensure_ascii=False).encode()).hexdigest()


def package_digest(package_dir: Path = PACKAGE_DIR) -> str:
    """Hash of every ``.py`` and template file of the helpers package, by relative path."""
    h = hashlib.sha256()
    for path in sorted(p for p in package_dir.rglob("*") if p.is_file() and p.suffix in (".py", ".j2", ".css")
                       and "__pycache__" not in p.parts):
        h.update(str(path.relative_to(package_dir)).encode())
        h.update(file_digest(path).encode())
    return h.hexdigest()


def run_key(nb_path: Path, parameters: dict[str, Any], inputs: Iterable[Path], *,
            package: str | None = None, lock_file: Path = LOCK_FILE) -> dict[str, str]:
    """The parts of a run's cache key (each a hex digest) and their combination under ``key``."""
    parts = {
        "notebook": notebook_digest(nb_path),
        "parameters": hashlib.sha256(json.dumps(parameters, sort_keys=True, default=str).encode()).hexdigest(),
        "inputs": hashlib.sha256(json.dumps(sorted((str(p), file_digest(p)) for p in inputs)).encode()).hexdigest(),
        "package": package if package is not None else package_digest(),
        "lock": file_digest(lock_file) if lock_file.is_file() else "",
    }
    parts["key"] = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
    return parts
