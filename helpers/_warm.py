"""Preloaded once by the runner's fork server, so every run process forked from it starts warm.

- The run side: papermill, nbconvert and the report renderer (a tiny notebook rendered with the
  report template).
- The kernel side (:mod:`helpers.runner.warmkernel`): the third-party libraries the notebooks
  import, with matplotlib's backend set as the kernel's environment sets it. ``START_ENV``
  records the import-time environment, so a seed serves only kernels whose environment matches.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys

os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")

import nbformat  # noqa: E402
import papermill  # noqa: E402, F401

from helpers.runner.render import export, latex_to_mathml, prepare  # noqa: E402
from helpers.runner.scan import scan_notebook  # noqa: E402, F401
from helpers.runner.warmkernel import IMPORT_TIME_ENV  # noqa: E402

_nb = nbformat.v4.new_notebook()
_nb.cells = [nbformat.v4.new_markdown_cell("# warm\n\n" + latex_to_mathml(r"$$\frac{a}{b}$$")),
             nbformat.v4.new_code_cell("1 + 1")]
for _hide in (False, True):
    export(prepare(_nb, hide_code=_hide, header="<div>warm</div>", title="warm"), hide_code=_hide)

#: Third-party modules a notebook's kernel imports. Only modules with no import-time hook into the
#: IPython shell: ``helpers.plots`` registers its figure formatter on import and
#: ``matplotlib_inline`` its end-of-cell figure flush, so both are left for the kernel to import.
KERNEL_MODULES = ("numpy", "pandas", "scipy.stats", "matplotlib.pyplot", "seaborn", "statsmodels.api",
                  "statsmodels.formula.api", "IPython", "ipykernel.kernelapp", "ipykernel.ipkernel")


def _preload() -> None:
    for name in KERNEL_MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001, S112 - an optional engine missing: the kernel imports it itself
            continue


def _fresh_path() -> list[str]:
    out = subprocess.run([sys.executable, "-c", "import sys, json; print(json.dumps(sys.path[1:]))"],
                         capture_output=True, text=True, check=False)
    try:
        return [p for p in json.loads(out.stdout) if p]
    except json.JSONDecodeError:
        return []


_preload()
START_ENV: dict[str, object] = {k: os.environ.get(k) for k in IMPORT_TIME_ENV}
START_ENV["__path__"] = _fresh_path()
