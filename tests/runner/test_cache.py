"""The cache key changes when, and only when, one of the things a run depends on changes."""

from __future__ import annotations

import json

import pytest

from helpers.runner.cache import (
    UNCACHEABLE,
    environment_digest,
    notebook_digest,
    package_digest,
    run_key,
)


@pytest.fixture
def world(tmp_path):
    nb = tmp_path / "nb.ipynb"
    nb.write_text(json.dumps({"metadata": {"kernelspec": {"name": "python3"}},
                              "cells": [{"cell_type": "code", "source": ["x = 1\n"], "outputs": [],
                                         "execution_count": None, "metadata": {"tags": []}}]}))
    data = tmp_path / "in.csv"
    data.write_text("a\n1\n")
    pkg = tmp_path / "pkg"
    (pkg / "templates" / "report").mkdir(parents=True)
    (pkg / "m.py").write_text("A = 1\n")
    (pkg / "templates" / "report" / "conf.json").write_text("{}\n")
    lock = tmp_path / "requirements.lock"
    lock.write_text("pandas==3.0\n")
    allow = tmp_path / "scan_allow.yaml"
    allow.write_text("allow: []\n")
    db = tmp_path / "shop.duckdb"
    db.write_bytes(b"v1")
    return {"nb": nb, "data": data, "pkg": pkg, "lock": lock, "allow": allow, "db": db}


def key(w, params=None, headline=("a",), env=None, **kw):
    return run_key(w["nb"], params or {"x": 1}, [w["data"]], package=package_digest(w["pkg"]), lock_file=w["lock"],
                   allow_file=w["allow"], headline=headline, environment=environment_digest(environ=env or {}),
                   **kw)["key"]


def _edit_nb(w, fn):
    nb = json.loads(w["nb"].read_text())
    fn(nb)
    w["nb"].write_text(json.dumps(nb))


def test_the_key_is_stable_when_nothing_changes(world):
    assert key(world) == key(world)


CHANGES = ["notebook source", "cell tag", "cell metadata", "parameters", "input", "package .py",
           "package conf.json", "lock", "allow-list", "headline", "salt", "secret"]


@pytest.mark.parametrize("change", CHANGES)
def test_each_input_changed_alone_changes_the_key(world, change):
    before = key(world, {"x": 1, "src": "postgres://a:one@db/x"}, cache_urls=True)
    params, headline, env = {"x": 1, "src": "postgres://a:one@db/x"}, ("a",), {}
    if change == "notebook source":
        _edit_nb(world, lambda nb: nb["cells"][0].update(source=["x = 2\n"]))
    elif change == "cell tag":
        _edit_nb(world, lambda nb: nb["cells"][0]["metadata"].update(tags=["appendix"]))
    elif change == "cell metadata":
        _edit_nb(world, lambda nb: nb["cells"][0]["metadata"].update(jupyter={"source_hidden": True}))
    elif change == "parameters":
        params = {**params, "x": 2}
    elif change == "input":
        world["data"].write_text("a\n2\n")
    elif change == "package .py":
        (world["pkg"] / "m.py").write_text("A = 2\n")
    elif change == "package conf.json":
        (world["pkg"] / "templates" / "report" / "conf.json").write_text('{"base_template": "classic"}\n')
    elif change == "lock":
        world["lock"].write_text("pandas==3.1\n")
    elif change == "allow-list":
        world["allow"].write_text("allow: ['@example\\.com$']\n")
    elif change == "headline":
        headline = ("a", "b")
    elif change == "salt":
        env = {"ECOMMERCE_PSEUDONYM_SALT": "a-secret-salt"}
    else:
        params = {**params, "src": "postgres://a:two@db/x"}
    assert key(world, params, headline, env, url_fields=["src"], cache_urls=True) != before


def test_outputs_counts_and_timing_metadata_do_not_change_the_notebook_digest(world):
    before = notebook_digest(world["nb"])

    def run(nb):
        nb["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "1"}]
        nb["cells"][0]["execution_count"] = 5
        nb["cells"][0]["metadata"]["execution"] = {"iopub.status.idle": "2026-01-01"}
        nb["metadata"]["papermill"] = {"duration": 1.0}
    _edit_nb(world, run)
    assert notebook_digest(world["nb"]) == before


def test_remote_urls_are_never_cached_unless_asked_and_local_databases_hash_their_file(world):
    remote = {"x": 1, "src": "postgres://a@db/shop"}
    assert key(world, remote, url_fields=["src"]) == UNCACHEABLE
    assert key(world, remote, url_fields=["src"], cache_urls=True) != UNCACHEABLE
    local = {"x": 1, "src": f"duckdb:///{world['db']}"}
    first = key(world, local, url_fields=["src"])
    assert first != UNCACHEABLE and key(world, local, url_fields=["src"]) == first
    world["db"].write_bytes(b"v2")  # the warehouse table changed
    assert key(world, local, url_fields=["src"]) != first


def test_the_key_stores_neither_the_salt_nor_a_password_nor_a_fast_hash_of_them(world):
    import hashlib

    parts = run_key(world["nb"], {"src": "postgres://a:hunter2@db/x"}, [], package="p", lock_file=world["lock"],
                    allow_file=world["allow"], environment=environment_digest(
                        environ={"ECOMMERCE_PSEUDONYM_SALT": "pepper"}), cache_urls=True, url_fields=["src"])
    text = json.dumps(parts)
    for secret in ("hunter2", "pepper"):
        assert secret not in text and hashlib.sha256(secret.encode()).hexdigest() not in text
