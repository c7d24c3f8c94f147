"""``reports/index.html`` for readers, one comparison page per notebook, and ``results.csv``.

The index has one card per notebook: its question, the default run's answer in one line with
formatted numbers and units, a thumbnail of its first figure, and every run in the manifest —
named and ad-hoc — with the parameters it changes, its status (failed runs say what failed and
link the last good report) and its formatted headline values. ``reports/<notebook>/compare.html``
puts every run's headline results side by side, highlighting values that differ from the default.
"""

from __future__ import annotations

import base64
import csv
import html
import json
import os
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from helpers.params import cli_example
from helpers.results import flatten, read_results
from helpers.runner.batch import load_manifest
from helpers.runner.execute import atomic_write_text
from helpers.runner.present import format_result, headline_spec, label, run_currency
from helpers.runner.runs import NotebookSpec
from helpers.runner.secrets import redact_parameters, redact_text

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1150px;color:#222;padding:0 1rem}
h1{margin-bottom:.2rem} .muted{color:#666;font-size:.88rem}
.card{border:1px solid #d0d7de;border-radius:8px;padding:1rem 1.2rem;margin:1.2rem 0;display:grid;grid-template-columns:1fr 260px;gap:1rem}
.card h2{margin:.1rem 0 .4rem 0;font-size:1.25rem} .card img{width:260px;border:1px solid #eee;border-radius:4px}
.answer{background:#f6f8fa;border-left:4px solid #0072B2;padding:.4rem .7rem;margin:.5rem 0}
table{border-collapse:collapse;width:100%;font-size:.86rem;margin-top:.5rem} th,td{border-bottom:1px solid #eee;padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#f6f6f6} td.num{text-align:right;white-space:nowrap} .ok{color:#00795a;font-weight:600} .cached{color:#0072B2;font-weight:600}
.failed,.timeout{color:#c0392b;font-weight:600} .notrun{color:#999} .diff{background:#fff3cd} .tag{font-size:.75rem;background:#eee;border-radius:3px;padding:0 .3rem}
code{font-size:.82rem}
"""


def _title_and_question(path: Path) -> tuple[str, str]:
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return path.stem, ""
    title, question = path.stem, ""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        text = "".join(cell.get("source", []))
        for line in text.splitlines():
            if line.startswith("# ") and title == path.stem:
                title = line[2:].strip()
        m = re.search(r"\*\*Question\.?\*\*\s*(.+?)(?:\n\s*\n|$)", text, re.S)
        if m and not question:
            question = re.sub(r"\s+", " ", m.group(1)).strip()
        if question:
            break
    return re.sub(r"[*_`]", "", title), re.sub(r"[*`]", "", question)


def _thumbnail(nb_path: Path, out: Path) -> str | None:
    """Save the first figure of an executed notebook as a PNG beside it; return its file name."""
    try:
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    for cell in nb.get("cells", []):
        for o in cell.get("outputs", []):
            png = (o.get("data") or {}).get("image/png")
            if png:
                data = base64.b64decode(png if isinstance(png, str) else "".join(png))
                if not out.is_file() or out.read_bytes() != data:
                    out.write_bytes(data)
                alt = ((o.get("metadata") or {}).get("image/png") or {}).get("alt") or "key figure"
                return alt
    return None


def _changed(params: dict[str, Any]) -> str:
    esc = html.escape
    params = redact_parameters(params)  # the manifest's are redacted already; runs.yaml's may not be
    return ("<br>".join(f"<code>{esc(k)}: {esc(cli_example(v))}</code>" for k, v in params.items())
            or "<span class='muted'>defaults</span>")


def _runs(spec: NotebookSpec, manifest: dict[str, Any]) -> list[tuple[str, dict[str, Any] | None]]:
    named = [(run, manifest.get(f"{spec.name}/{run}")) for run in spec.runs]
    adhoc = sorted((k.split("/", 1)[1], v) for k, v in manifest.items()
                   if k.startswith(f"{spec.name}/") and k.split("/", 1)[1] not in spec.runs)
    return named + adhoc


def _value_cells(keys: list[tuple[str, str | None]], results: dict[str, Any], currency: str | None,
                 base: dict[str, Any] | None = None) -> str:
    cells = []
    for k, kind in keys:
        if k not in results:
            cells.append("<td class='num'>—</td>")
            continue
        differs = base is not None and k in base and base[k] != results[k]
        cells.append(f"<td class='num{' diff' if differs else ''}'>{html.escape(format_result(k, results[k], currency, kind))}</td>")
    return "".join(cells)


def _status(entry: dict[str, Any] | None, folder: str, run: str, reports_dir: Path) -> str:
    esc = html.escape
    if not entry:
        return "<span class='notrun'>not run</span>"
    status = entry["status"]
    when = (entry.get("reused_from") if status == "cached" else entry.get("finished_at")) or ""
    when_txt = esc(when[:16].replace("T", " ") + " UTC") if when else ""
    text = f"<span class='{status}'>{esc(status)}</span> <span class='muted'>{when_txt}</span>"
    if status in ("failed", "timeout"):
        cell = entry.get("failed_cell")
        where = f" (code cell {cell})" if cell is not None else ""
        good = entry.get("last_good")
        kept = (f"<a href='{esc(folder)}/{esc(run)}.nocode.html'>last good report</a> of "
                f"{esc(good['finished_at'][:10])} kept" if good and (reports_dir / folder / f"{run}.nocode.html").is_file()
                else "no good report yet")
        failure = f" · <a href='{esc(folder)}/{esc(run)}.failed.html'>what failed</a>"
        text += f"<div class='muted'>{esc(redact_text(entry.get('error', '')))}{where}; {kept}{failure}</div>"
    return text


def write_index(reports_dir: Path, specs: dict[str, NotebookSpec]) -> Path:
    """``reports/index.html`` and each notebook's ``compare.html``."""
    manifest = load_manifest(reports_dir)
    esc = html.escape
    cards = []
    for name, spec in specs.items():
        title, question = _title_and_question(spec.path)
        keys = headline_spec(spec.headline)
        default = manifest.get(f"{name}/default") or {}
        d_results = default.get("results") or {}
        currency = run_currency(default.get("parameters") or {}, d_results)
        answer = "; ".join(f"{label(k)} {format_result(k, d_results[k], currency, kind)}"
                           for k, kind in keys[:4] if k in d_results) or "not run yet"
        thumb_alt = None
        if (reports_dir / name / "default.ipynb").is_file():
            thumb_alt = _thumbnail(reports_dir / name / "default.ipynb", reports_dir / name / "default.thumb.png")
        rows = []
        for run, entry in _runs(spec, manifest):
            params = (entry or {}).get("parameters", spec.runs.get(run, {}))
            results = (entry or {}).get("results") or {}
            links = []
            for fname, text in ((f"{run}.nocode.html", "report"), (f"{run}.html", "with code")):
                if (reports_dir / name / fname).is_file():
                    links.append(f"<a href='{esc(name)}/{esc(fname)}'>{text}</a>")
            tag = " <span class='tag'>ad-hoc</span>" if run not in spec.runs else ""
            note = f"<div class='muted'>{esc(spec.notes[run])}</div>" if run in spec.notes else ""
            cur = run_currency(params, results) or currency
            vals = "".join(f"{esc(label(k))}: <b>{esc(format_result(k, results[k], cur, kind))}</b><br>"
                           for k, kind in keys[:4] if k in results)
            rows.append(f"<tr><td><b>{esc(run)}</b>{tag}{note}</td><td>{_changed(params)}</td>"
                        f"<td>{_status(entry, name, run, reports_dir)}</td><td>{vals}</td><td>{' · '.join(links)}</td></tr>")
        img = (f"<img src='{esc(name)}/default.thumb.png' alt='{esc(thumb_alt)}'>" if thumb_alt else "")
        cards.append(
            f"<section class='card'><div><h2>{esc(title)}</h2><p>{esc(question)}</p>"
            f"<div class='answer'><b>Default run:</b> {esc(answer)}</div>"
            f"<p class='muted'><a href='{esc(name)}/compare.html'>compare runs</a> · <code>notebooks/{esc(name)}.ipynb</code></p>"
            f"</div><div>{img}</div><div style='grid-column:1/3'><table><tr><th>run</th><th>changes</th>"
            f"<th>status</th><th>headline</th><th>open</th></tr>{''.join(rows)}</table></div></section>")
        write_compare(reports_dir, spec, manifest)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    counts: dict[str, int] = {}
    for entry in manifest.values():
        counts[entry["status"]] = counts.get(entry["status"], 0) + 1
    summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
    page = ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>E-commerce platform economics — reports</title>"
            f"<style>{CSS}</style></head><body><h1>E-commerce platform economics — reports</h1>"
            f"<p class='muted'>Generated {generated}. Runs: {esc(summary)}. Every number: "
            "<a href='results.csv'>results.csv</a>. Customer identifiers are pseudonymised in every report; "
            "figures that are unverified, derived or synthetic are labelled so in the reports.</p>"
            f"{''.join(cards)}</body></html>")
    path = reports_dir / "index.html"
    atomic_write_text(path, page)
    return path


def write_compare(reports_dir: Path, spec: NotebookSpec, manifest: dict[str, Any]) -> Path:
    """Every run's headline results side by side; cells that differ from the default highlighted."""
    esc = html.escape
    title, _ = _title_and_question(spec.path)
    default = (manifest.get(f"{spec.name}/default") or {}).get("results") or {}
    keys = headline_spec(spec.headline) or [(k, None) for k in list(default)[:8]]
    head = "".join(f"<th>{esc(label(k))}</th>" for k, _ in keys)
    rows = []
    for run, entry in _runs(spec, manifest):
        if not entry:
            continue
        results = entry.get("results") or {}
        cur = run_currency(entry.get("parameters") or {}, results)
        rows.append(f"<tr><td><a href='{esc(run)}.nocode.html'><b>{esc(run)}</b></a></td><td>{_changed(entry.get('parameters') or {})}</td>"
                    f"{_value_cells(keys, results, cur, None if run == 'default' else default)}</tr>")
    page = (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{esc(title)} — runs compared</title>"
            f"<style>{CSS}</style></head><body><p><a href='../index.html'>← all reports</a></p><h1>{esc(title)}</h1>"
            "<p class='muted'>Headline results of every run; a highlighted cell differs from the default run.</p>"
            f"<table><tr><th>run</th><th>changes</th>{head}</tr>{''.join(rows)}</table></body></html>")
    path = reports_dir / spec.name / "compare.html"
    atomic_write_text(path, page)
    return path


def write_results_csv(reports_dir: Path, specs: dict[str, NotebookSpec]) -> Path:
    """``reports/results.csv``: notebook, run, key, value from every run's last good notebook."""
    manifest = load_manifest(reports_dir)
    path = reports_dir / "results.csv"
    rows = []
    for name, spec in specs.items():
        for run, _entry in _runs(spec, manifest):
            nb = reports_dir / name / f"{run}.ipynb"
            if nb.is_file():
                for key, value in flatten(read_results(nb)):
                    rows.append((name, run, key, redact_text(value) if isinstance(value, str) else value))
    fd, tmp = tempfile.mkstemp(dir=reports_dir, prefix=".results.", suffix=".csv")
    with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["notebook", "run", "key", "value"])
        writer.writerows(rows)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    return path
