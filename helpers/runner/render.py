"""Render an executed notebook to self-contained, offline HTML for readers.

* Formulas: LaTeX in Markdown (``$$…$$``, ``$…$``, ``\\[…\\]``, ``\\(…\\)``) becomes MathML at
  render time (``latex2mathml``), so it renders with no network and no script; the template
  loads no MathJax, require.js, widgets or mermaid script from another host.
* A header after the title: run name, date, parameters changed from the defaults, where the data
  came from (shipped real / shipped synthetic / the user's own files), and the answer: a recorded
  ``answer`` result (Markdown) or else the headline results, formatted.
* ``<title>`` = notebook title — run; images get their figure's title as alt text (set by
  :mod:`helpers.plots`); recorded results are data for tools and not shown.
* In the code-hidden report, cells tagged ``appendix`` (data contracts, sanity checks) and the
  plain-text reference outputs nbval checks (``# NBVAL_CHECK_OUTPUT`` cells) move to an appendix at the end, and cells tagged ``in-header`` (the answer, already in the header) are left out.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from helpers.config import PROJECT_ROOT, RAW_DIR, SYNTHETIC_DIR
from helpers.results import MIME_TYPE

TEMPLATE_DIR = Path(__file__).parent / "templates"
APPENDIX_TAG = "appendix"
IN_HEADER_TAG = "in-header"  # the answer cells, which the code-hidden report shows in its header instead

_BLOCK = re.compile(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]", re.S)
_INLINE = re.compile(r"(?<![\\$\w])\$(?=\S)([^$\n]+?)(?<=\S)\$(?!\d)|\\\((.+?)\\\)")


class FormulaError(ValueError):
    """A LaTeX formula cannot be converted to MathML; the message names the cell."""


def latex_to_mathml(text: str, *, strict: bool = False, where: str = "text") -> str:
    """Replace display and inline LaTeX in Markdown text with MathML.

    Inline ``$…$`` follows pandoc's rule (no space inside the delimiters, no digit after the
    closing one), so prices such as "$5 and $6" stay text. Code spans and fenced blocks are left.
    With ``strict`` a formula that cannot be converted raises :class:`FormulaError` naming
    ``where`` (reports use it: an "offline" report never shows raw TeX); otherwise it stays as TeX.

    Examples
    --------
    >>> "<mfrac>" in latex_to_mathml(r"$$\\frac{a}{b}$$")
    True
    >>> latex_to_mathml("costs $5 and $6 each")
    'costs $5 and $6 each'
    """
    from latex2mathml.converter import convert

    def block(m: re.Match[str]) -> str:
        tex = (m.group(1) or m.group(2)).strip()
        try:
            return "\n\n" + convert(tex, display="block") + "\n\n"
        except Exception as exc:
            if strict:
                raise FormulaError(f"{where}: the formula {tex[:60]!r} cannot be converted to MathML "
                                   f"({type(exc).__name__})") from exc
            return m.group(0)

    def inline(m: re.Match[str]) -> str:
        tex = (m.group(1) or m.group(2)).strip()
        try:
            return convert(tex)
        except Exception as exc:
            if strict:
                raise FormulaError(f"{where}: the formula {tex[:60]!r} cannot be converted to MathML "
                                   f"({type(exc).__name__})") from exc
            return m.group(0)

    pieces = re.split(r"(```.*?```|`[^`\n]+`)", text, flags=re.S)
    for i in range(0, len(pieces), 2):
        pieces[i] = _INLINE.sub(inline, _BLOCK.sub(block, pieces[i]))
    return "".join(pieces)


def notebook_title(nb: Any, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return re.sub(r"[*_`]", "", line[2:]).strip()
    return fallback


def provenance(parameters: dict[str, Any], defaults: dict[str, Any], path_fields: list[str]) -> str:
    """Where the data came from, in words, naming the files."""
    real, synthetic, own = [], [], []
    for name in path_fields:
        value = parameters.get(name, defaults.get(name))
        if value in (None, ""):
            continue
        p = Path(str(value))
        full = (p if p.is_absolute() else PROJECT_ROOT / p).resolve()
        shown = str(full.relative_to(PROJECT_ROOT)) if full.is_relative_to(PROJECT_ROOT) else full.name
        if full.is_relative_to(SYNTHETIC_DIR.resolve()):
            synthetic.append(shown)
        elif full.is_relative_to(RAW_DIR.resolve()):
            real.append(shown)
        else:
            own.append(full.name)
    parts = []
    if own:
        parts.append("your own files: " + ", ".join(f"<code>{html.escape(x)}</code>" for x in own))
    if real:
        parts.append("real public data shipped with the project: " + ", ".join(f"<code>{html.escape(x)}</code>" for x in real))
    if synthetic:
        parts.append("<b>synthetic</b> data (seeded simulation shipped with the project): "
                     + ", ".join(f"<code>{html.escape(x)}</code>" for x in synthetic))
    return "; ".join(parts) or "no input files"


def header_html(*, notebook: str, run: str, adhoc: bool, changed: dict[str, Any], data: str,
                answer_html: str, when: datetime | None = None) -> str:
    from helpers.params import cli_example

    when = when or datetime.now(UTC)
    esc = html.escape
    params = ("; ".join(f"<code>{esc(k)}</code> = <code>{esc(cli_example(v))}</code>" for k, v in changed.items())
              or "none — every parameter at its default")
    kind = "ad-hoc run" if adhoc else "run"
    return (f"<div class='report-header'><p class='report-run'>{kind} <b>{esc(run)}</b> of "
            f"<code>{esc(notebook)}</code> · {when:%Y-%m-%d %H:%M} UTC</p>"
            f"<p><b>Parameters changed from the defaults:</b> {params}</p>"
            f"<p><b>Data:</b> {data}</p>"
            f"<div class='report-answer'><h2 id='the-answer'>The answer</h2>{answer_html}</div></div>")


def answer_html(results: dict[str, Any], headline: list[tuple[str, str | None]], currency: str | None) -> str:
    """The recorded ``answer`` (Markdown) as HTML, else the formatted headline results."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    from helpers.runner.present import format_result, label

    text = results.get("answer")
    if isinstance(text, str) and text.strip():
        return markdown2html_mistune(latex_to_mathml(text))
    items = [f"<li>{html.escape(label(k))}: <b>{html.escape(format_result(k, results[k], currency, kind))}</b></li>"
             for k, kind in headline if k in results]
    return f"<ul>{''.join(items)}</ul>" if items else "<p>No headline results were recorded.</p>"


def prepare(nb: Any, *, hide_code: bool, header: str | None, title: str) -> Any:
    """Copy of ``nb`` ready to export: math converted, results hidden, header and appendix placed."""
    import copy

    import nbformat

    nb = copy.deepcopy(nb)
    nb.metadata["title"] = title
    cells = []
    appendix = []
    n_md = n_code = 0
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            n_md += 1
            cell.source = latex_to_mathml(cell.source, strict=True, where=f"markdown cell {n_md}")
        elif cell.cell_type == "code":
            if "injected-parameters" not in cell.get("metadata", {}).get("tags", []):
                n_code += 1
            cell.outputs = [o for o in cell.outputs if set(o.get("data", {})) != {MIME_TYPE}]
            for o in cell.outputs:
                md = o.get("data", {}).get("text/markdown")
                if md is not None:
                    o["data"]["text/markdown"] = latex_to_mathml(md if isinstance(md, str) else "".join(md),
                                                                 strict=True, where=f"output of code cell {n_code}")
        tags = cell.get("metadata", {}).get("tags", [])
        if hide_code and header is not None and IN_HEADER_TAG in tags:
            continue
        checked = cell.cell_type == "code" and cell.source.lstrip().startswith("# NBVAL_CHECK_OUTPUT")
        (appendix if hide_code and (APPENDIX_TAG in tags or checked) else cells).append(cell)
    if header is not None:
        cells.insert(1 if cells and cells[0].cell_type == "markdown" else 0, nbformat.v4.new_markdown_cell(header))
    if appendix:
        cells.append(nbformat.v4.new_markdown_cell(
            "## Appendix: data contracts and checks\n\nFor analysts re-running the notebook: the columns each "
            "input must have, the checks the run passed, and the plain-text reference values the tests compare."))
        cells.extend(appendix)
    nb.cells = cells
    return nb


def export(nb: Any, *, hide_code: bool) -> str:
    """HTML of a prepared notebook, with the offline report template."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="report", extra_template_basedirs=[str(TEMPLATE_DIR)])
    if hide_code:
        exporter.exclude_input = True
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nb)
    return body
