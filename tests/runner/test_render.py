"""Offline rendering: formulas become MathML, no script or stylesheet from another host, a header and title."""

from __future__ import annotations

import re

import nbformat
import pytest

from helpers.runner.present import format_result, guess_kind, headline_spec
from helpers.runner.render import export, latex_to_mathml, prepare


@pytest.mark.parametrize("text", [r"$$\frac{x_{i,t}}{T_t}$$", r"where $\hat\beta \ge 0$ holds", r"\[ a^2 \]", r"\( m \)"])
def test_latex_becomes_mathml(text):
    out = latex_to_mathml(text)
    assert "<math" in out and "$" not in out and "\\frac" not in out


@pytest.mark.parametrize("text", ["a coupon of $5 and $6", "USD 247B ($247,029M)", "`$x$` in code", "```\n$$a$$\n```"])
def test_prices_and_code_are_left_alone(text):
    assert latex_to_mathml(text) == text


def _notebook():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title here\n\n**Question.** Why?"),
                nbformat.v4.new_markdown_cell(r"The share $$s = \frac{x}{T}$$"),
                nbformat.v4.new_code_cell("1 + 1", outputs=[nbformat.v4.new_output(
                    "display_data", data={"text/markdown": r"inline $\bar y_T$ too", "text/plain": "x"})]),
                nbformat.v4.new_code_cell("answer", metadata={"tags": ["in-header"]}, outputs=[
                    nbformat.v4.new_output("stream", text="ANSWER CELL\n")]),
                nbformat.v4.new_code_cell("# NBVAL_CHECK_OUTPUT\nprint(t)", outputs=[
                    nbformat.v4.new_output("stream", text="REFERENCE DUMP\n")]),
                nbformat.v4.new_code_cell("contracts", metadata={"tags": ["appendix"]}, outputs=[
                    nbformat.v4.new_output("stream", text="contract table\n")])]
    return nb


def test_report_html_is_offline_with_header_title_and_appendix_last():
    nb = _notebook()
    html = export(prepare(nb, hide_code=True, header="<div class='report-header'>HEADER</div>",
                          title="Title here — default"), hide_code=True)
    assert "<title>Title here — default</title>" in html
    assert not re.search(r"<script[^>]+src=", html) and not re.search(r"<link[^>]+href=['\"]?https?:", html)
    assert "mathjax" not in html.lower() and "require.js" not in html.lower()
    assert html.count("<math") == 2 and "$$" not in html
    assert html.index("Title here") < html.index("HEADER") < html.index("<math")
    assert html.index("Appendix: data contracts") < html.index("contract table")
    assert html.index("Appendix: data contracts") < html.index("REFERENCE DUMP")  # no text dumps in the body
    assert "ANSWER CELL" not in html  # shown in the header instead
    with_code = export(prepare(nb, hide_code=False, header=None, title="t"), hide_code=False)
    assert "Appendix" not in with_code and "ANSWER CELL" in with_code  # the report with code keeps the notebook


def test_headline_formats_follow_the_key_meaning():
    assert headline_spec(("roi", {"budget": "money_m"})) == [("roi", None), ("budget", "money_m")]
    assert format_result("amazon.online_stores.share", 247029 / 637959) == "38.7%"
    assert format_result("amazon.total", 637.959e9, "USD") == "$638.0B"
    assert format_result("budget", 20_580_000.0, "KRW") == "₩20.6M"
    assert format_result("cap_binds", False) == "no" and format_result("customers", 23502) == "23,502"
    assert guess_kind("incremental_roi_low", 3.2) == "ratio" and guess_kind("top_share.5", 0.367) == "pct"


def test_a_formula_that_cannot_be_converted_fails_the_render_naming_the_cell():
    from helpers.runner.render import FormulaError

    nb = _notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell(r"broken $$\left( x$$ here"))
    with pytest.raises(FormulaError, match=r"markdown cell 3: the formula '\\\\left\( x' cannot be converted"):
        prepare(nb, hide_code=True, header=None, title="t")
    assert latex_to_mathml(r"$$\left( x$$") == r"$$\left( x$$"  # non-strict callers keep the text
