"""Project paths, all built from this file's location (never from the working directory)."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
SYNTHETIC_DIR = DATA_DIR / "synthetic"
REPORTS_DIR = PROJECT_ROOT / "reports"
RUNS_FILE = NOTEBOOKS_DIR / "runs.yaml"


def resolve_path(path: str | Path) -> Path:
    """Resolve a data path given as a notebook parameter.

    Relative paths are read against the project root, so ``"data/raw/filings.csv"`` works
    from JupyterLab, papermill and pytest alike; absolute paths are used as they are.

    Examples
    --------
    >>> resolve_path("data/raw/x.csv") == PROJECT_ROOT / "data" / "raw" / "x.csv"
    True
    """
    p = Path(path).expanduser()
    return p if p.is_absolute() else PROJECT_ROOT / p
