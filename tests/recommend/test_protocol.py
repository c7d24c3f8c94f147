"""The protocol on a tiny log worked by hand: test customers, candidates, relevant items, popularity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.contracts import DataContractError, ParameterError
from helpers.recommend.metrics import summarise, top_k
from helpers.recommend.models import popularity, popularity_scores
from helpers.recommend.protocol import make_split, validation_split


def _log() -> pd.DataFrame:
    rows = [  # split at 2025-02-01
        ("2025-01-05", "a", "purchase", "p1"), ("2025-01-06", "a", "view", "p3"),
        ("2025-01-10", "b", "purchase", "p2"), ("2025-01-12", "c", "view", "p2"),
        ("2025-01-15", "d", "purchase", "p1"),
        ("2025-02-03", "a", "purchase", "p1"), ("2025-02-04", "a", "purchase", "p2"),
        ("2025-02-05", "a", "purchase", "p4"),  # p4 never seen in train
        ("2025-02-06", "b", "purchase", "p2"), ("2025-02-07", "c", "purchase", "p3"),
    ]
    ev = pd.DataFrame(rows, columns=["event_time", "customer_id", "event", "product_id"])
    ev["event_time"] = pd.to_datetime(ev["event_time"])
    return ev


def test_test_customers_candidates_and_relevant_items_by_hand():
    s = make_split(_log(), "2025-02-01")
    # train items {p1, p2, p3}; a bought p1 before and p1, p2, p4 after -> T_a = {p2, p4} (p4 unseen);
    # b re-bought p2 only -> no new product, not a test customer; c had no purchase before; d none after
    assert s.items.tolist() == ["p1", "p2", "p3"]
    assert s.customers.tolist() == ["a"]
    assert [r.tolist() for r in s.relevant] == [[1]] and s.n_relevant.tolist() == [2]
    assert s.candidate_mask().tolist() == [[False, True, True]]  # p1 bought before: not a candidate
    assert s.counts["relevant_unseen_in_train"] == 1
    # popularity = distinct train buyers: p1 {a, d} = 2, p2 {b} = 1, p3 none = 0
    assert popularity(s).tolist() == [2.0, 1.0, 0.0]
    lists = top_k(popularity_scores(s), s.candidate_mask(), 2)
    assert lists.tolist() == [[1, 2]]
    m = summarise(lists, s.relevant, s.n_relevant, s.n_items, popularity(s))
    # one hit (p2) at rank 1 of |T_a| = 2: recall 1/2, precision 1/2, NDCG 1 / (1 + 1/log2 3) = 0.613147
    assert m["recall_at_k"] == 0.5 and m["precision_at_k"] == 0.5
    assert m["ndcg_at_k"] == pytest.approx(0.613147, abs=1e-6)
    # coverage 2 of 3 products; mean popularity (1 + 0) / 2
    assert m["coverage"] == pytest.approx(2 / 3) and m["mean_popularity"] == 0.5


def test_include_purchased_keeps_repeat_purchases():
    s = make_split(_log(), "2025-02-01", exclude_purchased=False)
    # a: T = {p1, p2, p4}; b: T = {p2}; every train product is a candidate
    assert s.customers.tolist() == ["a", "b"]
    assert [r.tolist() for r in s.relevant] == [[0, 1], [1]] and s.n_relevant.tolist() == [3, 1]
    assert s.candidate_mask().all()


def test_test_end_cuts_the_test_period():
    s = make_split(_log(), "2025-02-01", "2025-02-04")  # p4 (02-05) falls outside
    assert s.n_relevant.tolist() == [1]


def test_validation_split_uses_train_only():
    ev = pd.concat([_log(), pd.DataFrame({"event_time": [pd.Timestamp("2025-01-20")], "customer_id": ["a"],
                                          "event": ["purchase"], "product_id": ["p3"]})], ignore_index=True)
    s = make_split(ev, "2025-02-01")
    v = validation_split(s, 22)  # 2025-01-10 .. 2025-01-31, from train events only
    assert v.split_date == pd.Timestamp("2025-01-10") and v.test_end == pd.Timestamp("2025-01-31")
    assert v.test["event_time"].max() < s.split_date
    # a bought p1 before 01-10 and p3 (new) on 01-20 -> the one validation customer, T = {p3}
    assert v.customers.tolist() == ["a"] and [list(v.items[r]) for r in v.relevant] == [["p3"]]


def test_validation_split_without_customers_says_so():
    with pytest.raises(ParameterError, match="only 0 test customer"):
        validation_split(make_split(_log(), "2025-02-01"), 22)


def test_keep_customers_restricts_the_evaluation():
    s = make_split(_log(), "2025-02-01", exclude_purchased=False, keep_customers={"b"})
    assert s.customers.tolist() == ["b"]


@pytest.mark.parametrize("change, kind, message", [
    (dict(split_date="2025-01-05"), ParameterError, "outside the log"),
    (dict(split_date="2025-03-01"), ParameterError, "outside the log"),
    (dict(split_date="2025-02-01", min_test_customers=2), ParameterError, "'min_test_customers' = 2: only 1"),
    (dict(split_date="2025-02-01", test_end="2025-01-20"), ParameterError, "before split_date"),
])
def test_bad_splits(change, kind, message):
    with pytest.raises(kind, match=message):
        make_split(_log(), **change)


def test_no_purchase_before_the_split():
    ev = _log()
    ev.loc[ev["event_time"] < "2025-02-01", "event"] = "view"
    with pytest.raises(DataContractError, match="no purchase before split_date 2025-02-01"):
        make_split(ev, "2025-02-01")


def test_unknown_event_kind_names_rows():
    ev = _log()
    ev.loc[3, "event"] = "wishlist"
    with pytest.raises(DataContractError, match=r"rows \[3\] have \['wishlist'\]"):
        make_split(ev, "2025-02-01")


def test_empty_log():
    with pytest.raises(DataContractError, match="no rows"):
        make_split(_log().iloc[:0], "2025-02-01")


def test_items_are_sorted_so_index_order_is_product_order():
    s = make_split(_log().iloc[::-1].reset_index(drop=True), "2025-02-01")
    assert list(s.items) == sorted(s.items) and np.array_equal(popularity(s), [2.0, 1.0, 0.0])
