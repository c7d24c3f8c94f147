"""The reports as a reader opens them: the index and every code-hidden report in headless Chromium
(Debian's package, driven by Playwright) with the network blocked.

Fails on: a request to another host, raw LaTeX (``$$``, ``\\frac``) in the visible text, e-notation
(``4.7e+11``, ``1.79e-38``, ``1e-09``, ``1.12e8``) anywhere in the visible text, ``NaN`` / ``NaT``
in visible table cells, a missing or broken image, a console error, a ``<title>`` without the run
name. Only rendered text is read (``innerText``), so base64 images, MathML attributes, scripts and
styles cannot trip the e-notation check, and a token glued to letters or a hyphen (a pseudonymised
id ``C-3e51234567``, a hash) is not a number. A screenshot of each page is saved under
``reports/screenshots/`` for a person to look at. The same checks run on a seeded defect, so the
test is shown to fail when a report is broken.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: Size budget of one code-hidden report (figures are embedded PNGs; the largest today is about 0.9 MB).
MAX_REPORT_BYTES = 2_500_000
#: e-notation as a number token in visible text: an optional sign, a mantissa, e/E, an exponent; not
#: glued to a letter, digit, dot or hyphen on either side (ids and hashes are not numbers).
E_NOTATION = re.compile(r"(?<![\w.\-])[-+−]?\d+(?:\.\d+)?[eE][-+−]?\d+(?![\w.])")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (make test installs it when run as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def check_page(browser, path: Path, run: str | None, shot: Path | None) -> list[str]:
    """Problems a reader would see on one page."""
    problems: list[str] = []
    if path.stat().st_size > MAX_REPORT_BYTES:
        problems.append(f"{path.stat().st_size / 1e6:.1f} MB, over the {MAX_REPORT_BYTES / 1e6:.1f} MB budget")
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()

    def route(r):
        url = r.request.url
        if url.startswith(("file://", "data:", "about:")):
            r.continue_()
        else:
            problems.append(f"request to another host: {url[:100]}")
            r.abort()

    context.route("**/*", route)
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text[:120]}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.goto(path.resolve().as_uri(), wait_until="load")
    title = page.title()
    if run is not None and run not in title:
        problems.append(f"<title> {title!r} does not name the run {run!r}")
    text = page.inner_text("body")
    for raw in ("$$", "\\frac", "\\text{", "\\hat"):
        if raw in text:
            problems.append(f"raw LaTeX {raw!r} in the visible text")
    found = sorted({m.group(0) for m in E_NOTATION.finditer(text)})
    if found:
        where = text[max(0, text.find(found[0]) - 40):text.find(found[0]) + 20].replace("\n", " ")
        problems.append(f"e-notation in the visible text: {', '.join(found[:5])} (near {where!r})")
    cells = page.eval_on_selector_all("td, th", "els => els.filter(e => e.offsetParent !== null).map(e => e.innerText)")
    for cell in cells:
        if re.search(r"\d[eE][+-]0\d|\bNaN\b|\bNaT\b|\bnan\b", cell):
            problems.append(f"unformatted table cell {cell[:40]!r}")
            break
    broken = page.eval_on_selector_all("img", "els => els.filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src.slice(0, 60))")
    problems += [f"broken image {src}" for src in broken]
    no_alt = page.eval_on_selector_all("img", "els => els.filter(i => !i.alt || i.alt.startsWith('No description')).length")
    if no_alt:
        problems.append(f"{no_alt} image(s) without alt text")
    if shot is not None:
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=False)
    context.close()
    return problems


def test_a_seeded_defect_is_caught(browser, tmp_path):
    bad = tmp_path / "bad.nocode.html"
    bad.write_text("<!doctype html><html><head><title>Report — other</title>"
                   "<script src='https://cdn.example.org/mathjax.js'></script></head><body>"
                   "<p>$$\\frac{a}{b}$$</p><table><tr><td>1.118891e+08</td><td>NaN</td></tr></table>"
                   "<img src='missing.png' alt='x'></body></html>")
    problems = " | ".join(check_page(browser, bad, "default", None))
    for expected in ("request to another host", "raw LaTeX '$$'", "unformatted table cell", "broken image",
                     "does not name the run 'default'", "e-notation in the visible text: 1.118891e+08"):
        assert expected in problems, problems


def test_e_notation_in_prose_is_caught_and_ids_images_and_mathml_are_not(browser, tmp_path):
    pixel = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
    bad = tmp_path / "bad.nocode.html"
    bad.write_text("<!doctype html><html><head><title>Report — default</title></head><body>"
                   "<p>sum of lines 4.7e+11, p = 1.79e-38 and 1e-09; index 1.03e-151</p>"
                   "<ul><li>Top pair p: 1.12e8</li></ul></body></html>")
    problems = " | ".join(check_page(browser, bad, "default", None))
    assert "e-notation in the visible text: 1.03e-151, 1.12e8, 1.79e-38, 1e-09, 4.7e+11" in problems, problems
    good = tmp_path / "good.nocode.html"
    good.write_text("<!doctype html><html><head><title>Report — default</title>"
                    "<style>.x{width:1e3px}</style></head><body>"
                    f"<img alt='a figure' data-v='4.7e+11' src='data:image/png;base64,{pixel}'>"
                    "<math display='block' data-x='2.5e-7'><mn>10</mn><mo>−</mo><mn>3</mn></math>"
                    "<p>customer C-3e51234567, hash 9e2a1f, p < 0.001, 1.79×10⁻³⁸, $470.0B, e-mail</p>"
                    "<details><summary>appendix</summary>hidden 4.7e+11</details></body></html>")
    assert check_page(browser, good, "default", None) == []


def test_index_and_every_code_hidden_report_read_well_offline(browser, batch):
    reports, outcomes = batch
    pages = [reports / o.notebook / f"{o.run}.nocode.html" for o in outcomes]
    assert pages and all(p.is_file() for p in pages)
    problems = {}
    shots = reports / "screenshots"
    index_problems = check_page(browser, reports / "index.html", None, shots / "index.png")
    if index_problems:
        problems["index.html"] = index_problems
    for page in pages:
        run = page.name.removesuffix(".nocode.html")
        found = check_page(browser, page, run, shots / f"{page.parent.name}__{run}.png")
        if found:
            problems[f"{page.parent.name}/{page.name}"] = found
    assert not problems, "\n".join(f"{k}: {'; '.join(v[:5])}" for k, v in problems.items())
