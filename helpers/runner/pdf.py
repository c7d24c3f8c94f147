"""``make pdf``: print every code-hidden report to PDF with headless Chromium (Debian's package).

Chromium is started with no network access of its own (background networking, sync and
component updates off) on the local file; the PDF lands beside the HTML as ``<run>.pdf``.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-pdf-header-footer"]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise FileNotFoundError("no Chromium found: install Debian's package (apt-get install chromium)")


def print_reports(reports_dir: Path, timeout: float = 120) -> list[Path]:
    """Write ``<run>.pdf`` beside every ``<run>.nocode.html`` under ``reports_dir``; return the PDFs."""
    exe = chromium()
    out = []
    for page in sorted(reports_dir.glob("*/*.nocode.html")):
        pdf = page.with_name(page.name.removesuffix(".nocode.html") + ".pdf")
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run([exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}",
                            page.resolve().as_uri()], check=True, capture_output=True, timeout=timeout)
        out.append(pdf)
    return out
