"""The cache key changes when, and only when, one of the things a run depends on changes."""

from __future__ import annotations

import json

import pytest

from helpers.runner.cache import notebook_digest, package_digest, run_key


@pytest.fixture
def world(tmp_path):
    nb = tmp_path / "nb.ipynb"
    nb.write_text(json.dumps({"cells": [{"cell_type": "code", "source": ["x = 1\n"], "outputs": [],
                                         "execution_count": None, "metadata": {}}]}))
    data = tmp_path / "in.csv"
    data.write_text("a\n1\n")
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "m.py").write_text("A = 1\n")
    lock = tmp_path / "requirements.lock"
    lock.write_text("pandas==3.0\n")
    return {"nb": nb, "data": data, "pkg": pkg, "lock": lock}


def key(w, params=None):
    return run_key(w["nb"], params or {"x": 1}, [w["data"]], package=package_digest(w["pkg"]), lock_file=w["lock"])["key"]


def test_the_key_is_stable_when_nothing_changes(world):
    assert key(world) == key(world)


@pytest.mark.parametrize("change", ["notebook", "parameters", "input", "package", "lock"])
def test_each_input_changed_alone_changes_the_key(world, change):
    before = key(world)
    params = None
    if change == "notebook":
        nb = json.loads(world["nb"].read_text())
        nb["cells"][0]["source"] = ["x = 2\n"]
        world["nb"].write_text(json.dumps(nb))
    elif change == "parameters":
        params = {"x": 2}
    elif change == "input":
        world["data"].write_text("a\n2\n")
    elif change == "package":
        (world["pkg"] / "m.py").write_text("A = 2\n")
    else:
        world["lock"].write_text("pandas==3.1\n")
    assert key(world, params) != before


def test_outputs_and_execution_counts_do_not_change_the_notebook_digest(world):
    before = notebook_digest(world["nb"])
    nb = json.loads(world["nb"].read_text())
    nb["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "1"}]
    nb["cells"][0]["execution_count"] = 5
    world["nb"].write_text(json.dumps(nb))
    assert notebook_digest(world["nb"]) == before
