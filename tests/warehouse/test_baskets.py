"""Bought-together pairs on DuckDB and Spark equal the pandas reference."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.contracts import load_csv
from helpers.warehouse.baskets import bought_together_from_table, min_pair_count

LINES = pd.DataFrame({"order_id": ["o1", "o1", "o1", "o2", "o3", "o3", "o4", "o4", "o5", "", None],
                      "product_id": ["x", "y", "y", "x", "x", "y", "y", "z", "z", "x", "y"]})


@pytest.fixture(scope="module")
def purchases(ref):
    schema = ref("EVENTS", "helpers.segments.schemas")
    events = load_csv("data/synthetic/segments_events.csv", schema)
    return events.loc[events["event"] == "purchase", ["order_id", "product_id"]].reset_index(drop=True)


def test_pairs_by_hand(engine):
    got = bought_together_from_table(engine(LINES), min_support=0.2)
    # 5 orders; x in o1 o2 o3, y in o1 o3 o4, z in o4 o5; xy in o1 o3, yz in o4
    assert got.attrs["orders"] == 5
    assert got[["product_a", "product_b", "orders_ab"]].values.tolist() == [["x", "y", 2], ["y", "z", 1]]
    assert got["lift"].tolist() == pytest.approx([(2 / 5) / (3 / 5 * 3 / 5), (1 / 5) / (3 / 5 * 2 / 5)])


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
@pytest.mark.parametrize("min_support", [0.2, 0.5, 0.9])
def test_pairs_small_equals_reference(engine, ref, min_support):
    expected = ref("bought_together", "helpers.segments.baskets", "helpers.segments")(LINES, min_support=min_support)
    got = bought_together_from_table(engine(LINES), min_support=min_support)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert got.attrs == expected.attrs


@pytest.mark.parametrize("min_support", [0.005])
def test_pairs_event_log_equals_reference(engine, ref, purchases, min_support):
    expected = ref("bought_together", "helpers.segments.baskets", "helpers.segments")(purchases,
                                                                                    min_support=min_support)
    got = bought_together_from_table(engine(purchases), min_support=min_support)
    assert len(got) > 0
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_min_pair_count_matches_the_share_rule():
    for n in (1, 7, 100, 1_000, 12_345):
        for s in (0.001, 0.01, 0.03, 0.3333333333333333, 0.5):
            c = min_pair_count(n, s)
            assert c / n >= s - 1e-12 and (c == 0 or (c - 1) / n < s - 1e-12)
