"""The reports as a reader opens them: the index and every code-hidden report in headless Chromium
(Debian's package, driven by Playwright) with the network blocked.

Fails on: a request to another host, raw LaTeX (``$$``, ``\\frac``) in the visible text, ``e+0`` /
``NaN`` / ``NaT`` in visible table cells, a missing or broken image, a console error, a
``<title>`` without the run name. A screenshot of each page is saved under
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
                     "does not name the run 'default'"):
        assert expected in problems, problems


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
