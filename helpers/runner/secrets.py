"""Credentials in parameter values: redacted in every artefact, restored only inside the kernel.

A parameter value may hold a credential (``postgres://analyst:hunter2@db/shop``, an API token) or
name an environment variable instead (``postgres://analyst:${PGPASSWORD}@db/shop``). The runner
shows, stores and hashes only the redacted form (``postgres://analyst:***@db/shop``; a
``${NAME}`` reference is no secret and stays as written). The real value travels to the kernel in
the environment variable ``HELPERS_RUN_SECRETS`` (never in a file); the injected-parameters cell
ends with a call to :func:`restore_parameters`, which puts the real values in place and expands
``${NAME}`` from the kernel's environment. After execution that line is replaced by a comment,
and every output is cleaned of this run's secret strings (by value) before the scan and the
render; any other credential in an output is left for the scan, which blocks the run.

This module stays light (no pandas): the kernel imports it in its first cell.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

REDACTED = "***"
SECRETS_ENV = "HELPERS_RUN_SECRETS"
RESTORE_LINE = "from helpers.runner.secrets import restore_parameters; restore_parameters(globals())"
RESTORED_COMMENT = ("# credentials above are redacted (***); the kernel used the real values, "
                    "restored from its environment")
ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^\s/:@]+:)([^\s/@]+)(@)", re.I)
_TOKEN = re.compile(
    r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{36,}\b|\bxox[abprs]-[A-Za-z0-9-]{10,}\b"
    r"|\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}\b|\bsk-[A-Za-z0-9_-]{20,}\b|\bAIza[0-9A-Za-z_-]{35}\b"
    r"|\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}")
_PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)", re.S)


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(value, (list, tuple, set)):
        for v in value:
            yield from _strings(v)


def secret_strings(parameters: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> set[str]:
    """The secret substrings of parameter values: URL passwords, tokens, keys, and the values of
    the environment variables a value names with ``${NAME}``.

    Examples
    --------
    >>> sorted(secret_strings({"src": "postgres://a:hunter2@db/shop", "x": 1}))
    ['hunter2']
    >>> sorted(secret_strings({"src": "postgres://a:${PW}@db/shop"}, {"PW": "s3cret"}))
    ['s3cret']
    """
    environ = os.environ if environ is None else environ
    found: set[str] = set()
    for text in _strings(dict(parameters)):
        for m in _URL_PASSWORD.finditer(text):
            if not ENV_REF.fullmatch(m.group(2)) and m.group(2) != REDACTED:
                found.add(m.group(2))
        found.update(m.group(0) for m in _TOKEN.finditer(text))
        found.update(m.group(0) for m in _PRIVATE_KEY.finditer(text))
        for name in ENV_REF.findall(text):
            if environ.get(name):
                found.add(environ[name])
    return {s for s in found if len(s) >= 3}


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with known secrets, URL passwords, tokens and private keys replaced by ``***``.

    Examples
    --------
    >>> redact_text("postgres://analyst:hunter2@db/shop")
    'postgres://analyst:***@db/shop'
    >>> redact_text("postgres://analyst:${PGPASSWORD}@db/shop")  # a reference is no secret
    'postgres://analyst:${PGPASSWORD}@db/shop'
    >>> redact_text("failed to connect with hunter2", {"hunter2"})
    'failed to connect with ***'
    """
    if not isinstance(text, str):
        return text
    for s in sorted(set(secrets), key=len, reverse=True):
        if s:
            text = text.replace(s, REDACTED)

    def url(m: re.Match[str]) -> str:
        keep = ENV_REF.fullmatch(m.group(2)) or m.group(2) == REDACTED
        return m.group(0) if keep else m.group(1) + REDACTED + m.group(3)

    text = _URL_PASSWORD.sub(url, text)
    text = _TOKEN.sub(REDACTED, text)
    return _PRIVATE_KEY.sub(REDACTED, text)


def redact_value(value: Any, secrets: Iterable[str] = ()) -> Any:
    """A copy of a parameter value (str, list, dict, ...) with every string redacted."""
    secrets = set(secrets)
    if isinstance(value, str):
        return redact_text(value, secrets)
    if isinstance(value, Mapping):
        return {redact_value(k, secrets): redact_value(v, secrets) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(redact_value(v, secrets) for v in value)
    return value


def redact_parameters(parameters: Mapping[str, Any], secrets: Iterable[str] | None = None) -> dict[str, Any]:
    """Parameters as every artefact shows them (credentials ``***``, ``${NAME}`` kept)."""
    secrets = secret_strings(parameters) if secrets is None else set(secrets)
    return {k: redact_value(v, secrets) for k, v in parameters.items()}


def kernel_only(parameters: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters whose real value the kernel must get from the environment: those that a
    redaction changes or that name an environment variable."""
    redacted = redact_parameters(parameters, secret_strings(parameters, {}))
    return {k: v for k, v in parameters.items()
            if redacted[k] != v or any(ENV_REF.search(s) for s in _strings(v))}


def expand_env(value: Any, environ: Mapping[str, str] | None = None, *, name: str = "value") -> Any:
    """``value`` with every ``${NAME}`` replaced from ``environ`` (strings inside lists and dicts too).

    Raises
    ------
    ValueError
        Naming the parameter and the variable when the variable is not set.

    Examples
    --------
    >>> expand_env("postgres://a:${PW}@db/shop", {"PW": "x"})
    'postgres://a:x@db/shop'
    """
    environ = os.environ if environ is None else environ
    if isinstance(value, str):
        def sub(m: re.Match[str]) -> str:
            if m.group(1) not in environ:
                raise ValueError(f"parameter {name!r} names the environment variable ${{{m.group(1)}}}, "
                                 "which is not set for the run")
            return environ[m.group(1)]
        return ENV_REF.sub(sub, value)
    if isinstance(value, Mapping):
        return {k: expand_env(v, environ, name=name) for k, v in value.items()}
    if isinstance(value, list):
        return [expand_env(v, environ, name=name) for v in value]
    return value


def restore_parameters(namespace: dict[str, Any]) -> None:
    """Inside the kernel: put the real parameter values (from ``$HELPERS_RUN_SECRETS``, with
    ``${NAME}`` expanded from the kernel's environment) into the notebook's globals."""
    real = json.loads(os.environ.get(SECRETS_ENV) or "{}")
    for key, value in real.items():
        namespace[key] = expand_env(value, name=key)


def clean_notebook(nb: dict[str, Any], secrets: Iterable[str]) -> dict[str, Any]:
    """Redact a parsed notebook in place; returns ``nb``.

    Cell sources (the injected parameters) and papermill's metadata get the full redaction; outputs
    lose the known ``secrets`` (the credentials of this run's values) only, so any other token an
    output shows is left for the scan to find and block. The restore line of the
    injected-parameters cell becomes a comment.
    """
    secrets = set(secrets)

    def fix(obj: Any, full: bool) -> Any:
        if isinstance(obj, str):
            if full:
                return redact_text(obj, secrets)
            for s in sorted(secrets, key=len, reverse=True):
                obj = obj.replace(s, REDACTED)
            return obj
        if isinstance(obj, list):
            return [fix(v, full) for v in obj]
        if isinstance(obj, dict):
            return {k: (v if k.startswith("image/") and k != "image/svg+xml" else fix(v, full)) for k, v in obj.items()}
        return obj

    for cell in nb.get("cells", []):
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else src
        cell["source"] = fix(src.replace(RESTORE_LINE, RESTORED_COMMENT), True)
        if "outputs" in cell:
            cell["outputs"] = fix(cell["outputs"], False)
    papermill = nb.get("metadata", {}).get("papermill")
    if isinstance(papermill, dict):
        nb["metadata"]["papermill"] = fix(papermill, True)
    return nb
