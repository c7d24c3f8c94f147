"""Recording headline numbers and reading them back from a notebook file."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from helpers import results
from helpers.results import MIME_TYPE, flatten, key, read_results, record, slug


@pytest.mark.parametrize("name, expected", [
    ("Third-party seller services", "third_party_seller_services"),
    ("S+", "s_plus"), ("Coupang Corp", "coupang_corp"), ("12-14h", "12_14h"), ("Top 5%", "top_5pct"),
])
def test_slug(name, expected):
    assert slug(name) == expected


def test_key_joins_slugs():
    assert key("Amazon", "Online stores", "share") == "amazon.online_stores.share"


@pytest.mark.parametrize("bad_key", ["Amazon.share", "a..b", "a.b.", "", "a b", "a-b"])
def test_record_refuses_keys_that_are_not_lower_dotted(bad_key):
    with pytest.raises(ValueError, match="lower-case dotted"):
        record(bad_key, 1, display=False)


@pytest.mark.parametrize("value", [math.nan, math.inf, np.float64("nan")])
def test_record_refuses_non_finite(value):
    with pytest.raises(ValueError, match="must be finite"):
        record("x.y", value, display=False)


def test_record_refuses_unknown_types_and_huge_tables():
    with pytest.raises(TypeError, match="cannot record"):
        record("x.y", {1, 2}, display=False)
    with pytest.raises(ValueError, match="too large"):
        record("x.y", pd.DataFrame({"a": range(501)}), display=False)


def test_record_converts_numpy_and_tables():
    assert record("x.int", np.int64(3), display=False) == 3
    assert isinstance(record("x.bool", np.bool_(True), display=False), bool)
    table = record("x.tab", pd.DataFrame({"v": [1.0, 2.0]}, index=pd.Index(["a", "b"], name="k")), display=False)
    assert table == {"columns": ["k", "v"], "data": [["a", 1.0], ["b", 2.0]]}
    assert results.recorded()["x.tab"] == table


def test_read_results_from_notebook_file(tmp_path):
    payload = {"key": "amazon.total", "value": 637959.0}
    nb = {"cells": [{"cell_type": "code", "outputs": [
        {"output_type": "display_data", "data": {MIME_TYPE: payload}, "metadata": {}},
        {"output_type": "stream", "text": "noise"}]},
        {"cell_type": "markdown", "source": "x"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "x.ipynb"
    path.write_text(json.dumps(nb))
    assert read_results(path) == {"amazon.total": 637959.0}


def test_read_results_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no notebook"):
        read_results(tmp_path / "missing.ipynb")
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{not json")
    with pytest.raises(ValueError, match="not a notebook"):
        read_results(bad)


def test_flatten_expands_tables():
    rows = flatten({"a": 1, "t": {"columns": ["k", "v"], "data": [["x", 2]]}})
    assert rows == [("a", 1), ("t[0].k", "x"), ("t[0].v", 2)]
