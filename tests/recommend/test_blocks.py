"""Blocks, bands, segments and the loaders on tiny inputs worked by hand; bad inputs with messages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.contracts import DataContractError, ParameterError
from helpers.recommend import blocks
from helpers.recommend.load import consenting, one_price_per_product, read_events
from helpers.recommend.params import Params


def test_wilson_lower_bound_by_hand():
    # 3 shoppers viewed x, 2 of them bought y afterwards: p = 2/3, n = 3, z = 1.959964
    # centre (p + z^2/2n) / (1 + z^2/n) = (0.666667 + 0.640243) / 2.280486 = 0.573081
    # half width z sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n) = 1.959964 * sqrt(0.074074 + 0.106707) / 2.280486 = 0.365417
    # lower = 0.207664
    tr = pd.DataFrame({"event_time": pd.to_datetime(["2025-01-01", "2025-01-02"] * 2 + ["2025-01-01"]),
                       "customer_id": ["a", "a", "b", "b", "c"],
                       "event": ["view", "purchase", "view", "purchase", "view"],
                       "product_id": ["x", "y", "x", "y", "x"]})
    out = blocks.viewed_then_bought(tr, min_support=2)
    row = out[(out["product_a"] == "x") & (out["product_b"] == "y")].iloc[0]
    assert row["viewers"] == 3 and row["support"] == 2 and row["p_buy"] == pytest.approx(2 / 3)
    assert row["lower"] == pytest.approx(0.207664, abs=1e-5)


def test_a_purchase_before_the_view_does_not_count():
    tr = pd.DataFrame({"event_time": pd.to_datetime(["2025-01-02", "2025-01-01"]), "customer_id": ["a", "a"],
                       "event": ["view", "purchase"], "product_id": ["x", "y"]})
    assert blocks.viewed_then_bought(tr, min_support=1).empty


def test_constrained_lists_meet_the_price_band_share():
    s = np.array([[9.0, 8, 7, 6, 5, 4]])
    in_band = np.array([[False, False, False, True, True, True]])
    out = blocks.constrained_top_k(s, np.ones_like(s, bool), 4, in_band, 0.5)
    # quota ceil(0.5 * 4) = 2 in band: items 3, 4; the rest: best others 0, 1; ordered by score
    assert out.tolist() == [[0, 1, 3, 4]]
    assert blocks.band_share(out, in_band) == 0.5


def test_price_bands_and_shopper_band_by_hand():
    bands, cuts = blocks.price_bands(pd.Series([10.0, 20.0, 30.0, 40.0, 50.0, 60.0], index=list("abcdef")))
    # tertiles of 10..60: 26.667 and 43.333
    assert cuts == pytest.approx((26.6667, 43.3333), abs=1e-3)
    assert bands.tolist() == ["low", "low", "mid", "mid", "high", "high"]
    tr = pd.DataFrame({"customer_id": ["u", "u", "u"], "event": ["purchase"] * 3, "price": [10.0, 50.0, 60.0]})
    assert blocks.shopper_bands(tr, cuts).to_dict() == {"u": "high"}  # median 50 > 43.33


def test_similar_products_fall_back_to_category_and_band():
    tr = pd.DataFrame({"customer_id": ["a", "a", "b", "b", "c"], "product_id": ["x", "y", "x", "y", "z"]})
    items = np.array(["w", "x", "y", "z"])
    out = blocks.similar_products(tr, items, k=2, min_item_shoppers=2,
                                  bands=pd.Series(["low"] * 4, index=items),
                                  categories=pd.Series(["k", "k", "k", "m"], index=items),
                                  popularity=np.array([0.0, 2, 2, 1]))
    got = {p: g[["similar_id", "source"]].values.tolist() for p, g in out.groupby("product_id")}
    # x: cosine(x, y) = 2 / sqrt(2 * 2) = 1 -> y, then fallback w (same category and band)
    assert got["x"] == [["y", "co-occurrence"], ["w", "category and price band"]]
    # z: one shopper < 2 -> fallback only; no other product in category m -> empty
    assert "z" not in got
    # w: never seen -> fallback by popularity: x (2, first by id), y
    assert got["w"] == [["x", "category and price band"], ["y", "category and price band"]]


def test_segments_at_the_split_follow_notebook_06_rules():
    tr = pd.DataFrame({"event_time": pd.to_datetime(["2025-05-10", "2025-03-01", "2025-01-10", "2025-05-30"]),
                       "customer_id": ["new", "lapsed", "ret", "ret"], "event": ["view"] * 4,
                       "product_id": ["x"] * 4, "category": ["k"] * 4, "order_id": [""] * 4})
    seg = blocks.segments_at(tr, pd.Timestamp("2025-06-01"), new_days=30, inactive_days=60)
    # new: first event 22 days before the split (< 30); lapsed: last event 92 days before (>= 60)
    assert seg.to_dict() == {"lapsed": "lapsed", "new": "new", "ret": "returning"}


def test_consent_latest_change_before_the_split():
    c = pd.DataFrame({"customer_id": ["a", "a", "b"], "status": ["given", "withdrawn", "given"],
                      "date": pd.to_datetime(["2025-01-01", "2025-07-01", "2025-01-01"])})
    # a's withdrawal is after the split: still consenting at it; z has no record: no consent
    assert consenting(c, ["a", "b", "z"], pd.Timestamp("2025-06-01")).tolist() == [True, True, False]
    assert consenting(None, ["z"], pd.Timestamp("2025-06-01")).tolist() == [True]


def test_several_categories_is_an_error_naming_the_product():
    ev = pd.DataFrame({"product_id": ["p1", "p1", "p2"], "category": ["books", "toys", "toys"],
                       "price": [1.0, 1.0, 2.0]})
    with pytest.raises(DataContractError, match=r"1 product\(s\) have several: \{'p1': \['books', 'toys'\]\}"):
        one_price_per_product(ev)


def test_several_prices_use_the_median_and_are_counted():
    ev = pd.DataFrame({"product_id": ["p1"] * 3 + ["p2"], "category": ["k"] * 4, "price": [10.0, 14.0, 11.0, 5.0]})
    out, quality = one_price_per_product(ev)
    assert out["price"].tolist() == [11.0, 11.0, 11.0, 5.0]  # median of 10, 14, 11
    assert quality[["products", "rows"]].values.tolist() == [[1, 2]]


def test_unknown_event_kind_in_a_csv_names_file_and_column(tmp_path):
    src = pd.read_csv("data/synthetic/recommend_events.csv", nrows=5, dtype=str)
    src.loc[2, "event"] = "wishlist"
    path = tmp_path / "ev.csv"
    src.to_csv(path, index=False)
    with pytest.raises(DataContractError, match="event"):
        read_events(str(path))


def test_parquet_source_reads_the_same_events(tmp_path):
    csv, _ = read_events("data/synthetic/recommend_events.csv")
    head = csv.head(200)
    path = tmp_path / "ev.parquet"
    head.assign(event_time=head["event_time"].dt.strftime("%Y-%m-%dT%H:%M:%S")).to_parquet(path)
    got, engine = read_events(str(path))
    assert engine == "duckdb"
    pd.testing.assert_frame_equal(got.reset_index(drop=True)[list(head.columns)], head.reset_index(drop=True),
                                  check_dtype=False)


@pytest.mark.parametrize("change, message", [
    ({"output_path": "reports/07/lists.csv"}, "inside reports/"),
    ({"output_path": "/tmp/lists.txt"}, "must be a .csv file"),
    ({"test_end": "2025-05-01"}, "before split_date"),
    ({"split_date": "2025-13-01"}, "not a valid calendar date"),
    ({"weight_view": 0.0, "weight_cart_add": 0.0, "weight_purchase": 0.0}, "at least one event kind"),
    ({"truth_path": ""}, "go together"),
    ({"events_table": "ev"}, "only with a database URL"),
])
def test_bad_parameters(change, message):
    with pytest.raises(ParameterError, match=message):
        Params.build(change)
