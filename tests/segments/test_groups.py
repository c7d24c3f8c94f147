"""Tests for helpers.segments.groups: dynamic groups and their sizes."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.contracts import DataContractError
from helpers.segments import groups as grp

EV = pd.DataFrame({
    "event_time": pd.to_datetime(["2024-01-10", "2024-01-11", "2024-01-12", "2024-01-12", "2024-02-01",
                                  "2024-06-20", "2024-06-20", "2024-06-25", "2024-06-26",
                                  "2024-05-01", "2024-06-01"]),
    "customer_id": ["u1", "u1", "u1", "u1", "u1", "u2", "u2", "u3", "u3", "u4", "u4"],
    "event": ["view", "view", "view", "purchase", "purchase", "view", "cart_add", "cart_add", "purchase",
              "cart_add", "view"],
    "product_id": ["P1", "P2", "P3", "P1", "P2", "P3", "P3", "P4", "P4", "P5", "P1"],
    "category": ["books", "books", "music", "books", "books", "music", "music", "home", "home", "home", "books"],
    "order_id": [None, None, None, "o1", "o2", None, None, None, "o3", None, None],
})


def test_dynamic_groups_by_hand():
    groups = grp.dynamic_groups(EV, as_of="2024-06-30", new_days=30, inactive_days=60, cart_days=14,
                                     loyal_min_orders=2, category_min_share=0.5)
    got = groups.groupby("customer_id")["group"].apply(list).to_dict()
    # evaluated at the end of 06-30. u1: last event 02-01 (151 days ago) -> inactive; 2 orders -> loyal;
    # 2 of 3 views in books -> prefers_books. u2: first seen 06-20 (11 days) -> new; carted P3, never
    # bought -> abandoned_cart. u3: new; carted P4 and bought it next day -> not abandoned.
    # u4: first 05-01 (61 days), last 06-01 (30 days), its cart add is 61 days old, 1 view -> none.
    assert got == {"u1": ["inactive", "loyal", "prefers_books"], "u2": ["abandoned_cart", "new"], "u3": ["new"]}
    sizes = grp.group_sizes(groups, n_customers=4)
    assert sizes.loc["new"].tolist() == [2, 0.5] and sizes.loc["prefers_books", "customers"] == 1


@pytest.mark.parametrize("change, kwargs, match", [
    (lambda e: e.drop(columns="category"), {}, r"missing required column\(s\) \['category'\]"),
    (lambda e: e.iloc[:0], {}, "no rows"),
    (lambda e: e.replace({"event": {"view": "click"}}), {}, r"'event' allows only \['view', 'cart_add', 'purchase'\]"),
    (lambda e: e, {"as_of": "2024-06-15"}, r"4 event\(s\) after as_of 2024-06-15"),
])
def test_dynamic_groups_bad_input(change, kwargs, match):
    with pytest.raises(DataContractError, match=match):
        grp.dynamic_groups(change(EV), **kwargs)
