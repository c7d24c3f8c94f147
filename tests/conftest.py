"""Shared fixtures: tiny notebooks and runs files built in a temporary folder."""

from __future__ import annotations

import textwrap
from pathlib import Path

import nbformat
import pytest

TINY_PARAMETERS = textwrap.dedent('''\
    x: float = 2.0  # a number to double
    fail: bool = False  # raise on purpose (fault injection)
    label: str = "a"  # a label to echo
    sleep: float = 0.0  # seconds to sleep before recording, s
    input_path: str = ""  # a CSV file to read (its rows are counted)
    show: str = ""  # text printed as an output (for the secret scan)
    show_upper: bool = False  # print show upper-cased (a secret the redaction cannot know)
    child: str = ""  # a pid file: start a `sleep 300` child and write its pid there (fault injection)
    ''')

TINY_BODY = textwrap.dedent('''\
    import time
    from helpers.results import record
    import pandas as pd
    record("tiny.started", time.time())
    if input_path:
        from helpers.config import resolve_path
        record("tiny.rows", len(pd.read_csv(resolve_path(input_path))))
    if show:
        print(show.upper() if show_upper else show)
    if child:
        import subprocess
        from pathlib import Path
        Path(child).write_text(str(subprocess.Popen(["sleep", "300"]).pid))
    time.sleep(sleep)
    if fail:
        raise ValueError("injected failure")
    record("tiny.double", x * 2)
    record("tiny.label", label)
    record("tiny.table", pd.DataFrame({"k": ["a", "b"], "v": [1.5, 2.5]}))
    record("tiny.finished", time.time())
    from helpers import plots  # noqa: F401  (figures get their title as alt text)
    import matplotlib.pyplot as plt
    plt.plot([1, 2], [3, 4])
    plt.title("tiny figure")
    plt.show()
    ''')


def write_tiny_notebook(folder: Path, name: str = "tiny") -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell(TINY_PARAMETERS)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# Tiny fixture {name}"), params,
                nbformat.v4.new_code_cell(TINY_BODY)]
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture
def tiny_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A notebooks folder with two tiny notebooks and a runs.yaml, plus an empty reports folder.

    The cache's package, lock file and scan allow-list point at small copies here, so that other
    edits to the real ``helpers/`` do not change the keys under a test, and a test can change each.
    """
    from helpers.runner import cache, scan

    pkg = tmp_path / "pkg"
    (pkg / "templates" / "report").mkdir(parents=True)
    (pkg / "m.py").write_text("A = 1\n")
    (pkg / "templates" / "report" / "conf.json").write_text('{"base_template": "lab"}\n')
    lock = tmp_path / "requirements.lock"
    lock.write_text("pandas==3.0\n")
    allow = tmp_path / "scan_allow.yaml"
    allow.write_text("allow: []\n")
    monkeypatch.setattr(cache, "PACKAGE_DIR", pkg)
    monkeypatch.setattr(cache, "LOCK_FILE", lock)
    monkeypatch.setattr(scan, "ALLOW_FILE", allow)
    monkeypatch.delenv("ECOMMERCE_PSEUDONYM_SALT", raising=False)
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    write_tiny_notebook(nbdir, "tiny")
    write_tiny_notebook(nbdir, "other")
    runs = nbdir / "runs.yaml"
    runs.write_text(textwrap.dedent("""\
        defaults:
          timeout: 120
        notebooks:
          tiny:
            headline: [tiny.double]
            runs:
              default: {}
              three: {x: 3}
          other:
            runs:
              default: {sleep: 2}
        """))
    return {"notebooks": nbdir, "runs": runs, "reports": tmp_path / "reports", "package": pkg, "lock": lock,
            "allow": allow}


@pytest.fixture(scope="session")
def batch():
    """Every run of runs.yaml executed once into reports/ (reused when nothing changed).

    A reused (``cached``) run is accepted only when its stored key equals the key computed now from
    every input (notebook, parameters, input files, helpers, lock, allow-list, headline, project
    environment) and its report files are byte-for-byte the ones that key produced: the end-to-end
    checks never pass on a stale report.
    """
    from helpers.config import REPORTS_DIR
    from helpers.runner import load_runs, plan_jobs, run_batch
    from helpers.runner.batch import REPORT_SUFFIXES, job_key, load_manifest
    from helpers.runner.cache import UNCACHEABLE, file_digest

    specs = load_runs()
    jobs = plan_jobs(specs)
    outcomes = run_batch(jobs, REPORTS_DIR, workers=2, specs=specs, progress=False)
    manifest = load_manifest(REPORTS_DIR)
    by_name = {(j.notebook, j.run): j for j in jobs}
    for o in outcomes:
        if o.status != "cached":
            continue
        now = job_key(by_name[(o.notebook, o.run)], specs[o.notebook])
        good = manifest[f"{o.notebook}/{o.run}"]["last_good"]
        assert now["key"] != UNCACHEABLE and good["cache_key"]["key"] == now["key"], f"{o.notebook}/{o.run}: stale"
        for suffix in REPORT_SUFFIXES:
            path = REPORTS_DIR / o.notebook / f"{o.run}{suffix}"
            assert file_digest(path) == good["files"][suffix], f"{path} is not the report its key produced"
    return REPORTS_DIR, outcomes
