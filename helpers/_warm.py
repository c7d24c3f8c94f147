"""Preloaded once by the runner's fork server: imports papermill, nbconvert and the report renderer
and renders a tiny notebook with the report template, so every run process forked from it starts
warm (saves several seconds per run)."""

from __future__ import annotations

import nbformat
import papermill  # noqa: F401

from helpers.runner.render import export, latex_to_mathml, prepare
from helpers.runner.scan import scan_notebook  # noqa: F401

_nb = nbformat.v4.new_notebook()
_nb.cells = [nbformat.v4.new_markdown_cell("# warm\n\n" + latex_to_mathml(r"$$\frac{a}{b}$$")),
             nbformat.v4.new_code_cell("1 + 1")]
for _hide in (False, True):
    export(prepare(_nb, hide_code=_hide, header="<div>warm</div>", title="warm"), hide_code=_hide)
