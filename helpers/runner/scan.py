"""Secret and personal-data scan of an executed notebook's outputs, before any HTML is published.

Kinds of finding: ``private_key`` (PEM headers), ``api_token`` (AWS access key ids, GitHub,
Slack, Stripe/OpenAI-style ``sk-`` keys, Google API keys, JWTs), ``password_in_url``
(``scheme://user:password@host``), ``email``, ``phone`` (Korean mobile and landline numbers,
E.164 numbers) and ``raw_id``: a value of an input file's identifier column (``customer_id``
and the like) that should have been pseudonymised. Only identifiers that cannot be mistaken for
a number in a table are checked (at least 4 characters with a letter, or at least 8 digits).

A finding names the code cell and the kind, never the matched text. Known safe patterns are
allowed by regular expressions in ``notebooks/scan_allow.yaml`` (``allow: [...]``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from helpers.config import NOTEBOOKS_DIR

ALLOW_FILE = NOTEBOOKS_DIR / "scan_allow.yaml"
ID_COLUMNS = ("customer_id", "user_id", "member_id", "email", "phone")
MAX_IDS = 2_000_000

PATTERNS: dict[str, re.Pattern[str]] = {
    "private_key": re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY-----"),
    "api_token": re.compile(
        r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"  # AWS access key id
        r"|\bgh[pousr]_[A-Za-z0-9]{36,}\b"  # GitHub
        r"|\bxox[abprs]-[A-Za-z0-9-]{10,}\b"  # Slack
        r"|\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}\b"  # Stripe
        r"|\bsk-[A-Za-z0-9_-]{20,}\b"  # OpenAI-style
        r"|\bAIza[0-9A-Za-z_-]{35}\b"  # Google API key
        r"|\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),  # JWT
    # a redacted password (***) or a ${NAME} reference to the environment is no secret
    "password_in_url": re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s/:@]+:(?!\*\*\*@|\$\{\w+\}@)[^\s/@]+@[^\s/]+", re.I),
    "email": re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"),
    "phone": re.compile(r"(?<![\d.,])(?:\+82[- ]?1[016789]|01[016789])[- ]?\d{3,4}[- ]?\d{4}(?![\d.,])"
                        r"|(?<![\w.,])\+[1-9]\d{0,2}[- ]\d{2,4}[- ]\d{3,4}[- ]\d{3,4}(?![\d.,])"),
}
_TOKEN = re.compile(r"[A-Za-z0-9_\-]+")


@dataclass(frozen=True)
class Finding:
    cell: int  # 1-based code-cell number in the source notebook; 0: the injected parameters
    kind: str

    def __str__(self) -> str:
        return f"{'the parameters' if self.cell == 0 else f'code cell {self.cell}'}: {self.kind}"


class PublishBlockedError(RuntimeError):
    """An output holds a secret or personal data; the report is not published."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        kinds = ", ".join(str(f) for f in findings[:10])
        more = f" and {len(findings) - 10} more" if len(findings) > 10 else ""
        super().__init__(f"report not published: the secret/PII scan found {kinds}{more} "
                         "(allow known safe patterns in notebooks/scan_allow.yaml)")


def load_allow(path: Path | None = None) -> list[re.Pattern[str]]:
    """The allow-list's patterns (``allow: [regex, ...]`` in ``notebooks/scan_allow.yaml``).

    Raises
    ------
    ValueError
        Naming the file when it is not valid YAML, ``allow`` is not a list, or a pattern is not a
        valid regular expression.
    """
    path = ALLOW_FILE if path is None else path
    if not path.is_file():
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML ({exc})") from exc
    patterns = data.get("allow") or [] if isinstance(data, dict) else None
    if not isinstance(patterns, list):
        raise ValueError(f"{path}: 'allow' must be a list of regular expressions")
    out = []
    for p in patterns:
        try:
            out.append(re.compile(str(p)))
        except re.error as exc:
            raise ValueError(f"{path}: pattern {p!r} is not a valid regular expression ({exc})") from exc
    return out


def _looks_like_id(value: str) -> bool:
    return (len(value) >= 4 and any(c.isalpha() for c in value)) or (len(value) >= 8 and value.isdigit())


def input_ids(paths: Iterable[Path]) -> set[str]:
    """Raw identifier values from the id columns of the inputs (capped at ``MAX_IDS``).

    Headed CSV/TXT files are read with :mod:`csv`, Parquet files with :mod:`pyarrow.parquet`
    (only the id columns) and local DuckDB files read-only (every table's id columns). A database
    behind a URL is not read here (the runner holds no connection); its outputs still get the
    pattern scan, and pseudonymisation happens in the notebook.
    """
    ids: set[str] = set()
    for path in paths:
        if not path.is_file():
            continue
        suffix = path.suffix.lower()
        if suffix in (".csv", ".txt"):
            values = _csv_ids(path)
        elif suffix in (".parquet", ".pq"):
            values = _parquet_ids(path)
        elif suffix in (".duckdb", ".ddb", ".db"):
            values = _duckdb_ids(path)
        else:
            continue
        for value in values:
            value = value.strip()
            if _looks_like_id(value):
                ids.add(value)
                if len(ids) >= MAX_IDS:
                    return ids
    return ids


def _csv_ids(path: Path) -> Iterable[str]:
    with open(path, newline="", encoding="utf-8", errors="replace") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            return
        cols = [i for i, h in enumerate(header) if h.strip().lower() in ID_COLUMNS]
        if not cols:
            return
        for row in reader:
            for i in cols:
                if i < len(row):
                    yield row[i]


def _parquet_ids(path: Path) -> Iterable[str]:
    import pyarrow.parquet as pq

    try:
        file = pq.ParquetFile(path)
    except Exception:  # not a readable Parquet file: the loader reports it, naming the file
        return
    cols = [name for name in file.schema_arrow.names if name.strip().lower() in ID_COLUMNS]
    if not cols:
        return
    for batch in file.iter_batches(columns=cols, batch_size=65_536):
        for column in batch.columns:
            for value in column.to_pylist():
                if value is not None:
                    yield str(value)


def _duckdb_ids(path: Path) -> Iterable[str]:
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
    except Exception:  # not a DuckDB file (or locked by a writer): the loader reports it
        return
    try:
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns"
        ).fetchall()
        for schema, table, column in columns:
            if column.strip().lower() not in ID_COLUMNS:
                continue
            rel, col = f"{_ident(schema)}.{_ident(table)}", _ident(column)
            for (value,) in con.execute(f"select distinct {col} from {rel} where {col} is not null "
                                        f"limit {MAX_IDS}").fetchall():
                yield str(value)
    finally:
        con.close()


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def scan_inputs(inputs: Iterable[Path], parameters: dict[str, Any], path_fields: Iterable[str]) -> list[Path]:
    """The files :func:`input_ids` reads for a run: its input files and local database files named by URL."""
    from helpers.runner.cache import local_database

    files = list(inputs)
    for name in path_fields:
        path = local_database(parameters.get(name, ""))
        if path is not None:
            files.append(path)
    return files


def _texts(output: dict[str, Any]) -> Iterable[str]:
    if output.get("output_type") == "stream":
        yield "".join(output.get("text", ""))
    if output.get("output_type") == "error":
        yield f"{output.get('ename')}: {output.get('evalue')}"
        yield "\n".join(output.get("traceback", []))
    for mime, value in (output.get("data") or {}).items():
        if mime.startswith("image/") and mime != "image/svg+xml":
            continue
        yield value if isinstance(value, str) else "".join(value) if isinstance(value, list) else str(value)


def _kinds(texts: Iterable[str], ids: set[str], allow: list[re.Pattern[str]]) -> set[str]:
    kinds: set[str] = set()
    for text in texts:
        for kind, pattern in PATTERNS.items():  # a match is blanked so later kinds do not see it
            for m in pattern.finditer(text):
                if not any(a.search(m.group(0)) for a in allow):
                    kinds.add(kind)
            text = pattern.sub(" ", text)
        if ids and "raw_id" not in kinds:
            for tok in _TOKEN.findall(text):
                if tok in ids and not any(a.search(tok) for a in allow):
                    kinds.add("raw_id")
                    break
    return kinds


def scan_notebook(nb: dict[str, Any], ids: set[str] | None = None,
                  allow: list[re.Pattern[str]] | None = None) -> list[Finding]:
    """Findings in every output of an executed notebook (``nb`` as parsed JSON) and in its
    injected-parameters cell (the values as shown, after redaction: a finding there is an e-mail,
    a phone number or a raw id in a parameter value)."""
    allow = allow or []
    ids = ids or set()
    findings: list[Finding] = []
    code = 0
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        injected = "injected-parameters" in cell.get("metadata", {}).get("tags", [])
        if not injected:
            code += 1
        texts = [output_text for output in cell.get("outputs", []) for output_text in _texts(output)]
        if injected:  # the parameter values, as the reports show them
            src = cell.get("source", "")
            texts.append("".join(src) if isinstance(src, list) else src)
        kinds = _kinds(texts, ids, allow)
        findings.extend(Finding(0 if injected else code, k) for k in sorted(kinds))
    return findings
