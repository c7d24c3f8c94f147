"""Tests for helpers.segments.baskets: support, confidence, lift; the planted pairs."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import contracts
from helpers.segments import baskets
from helpers.segments.schemas import EVENTS, PLANTED_PAIRS


def test_bought_together_by_hand():
    lines = pd.DataFrame({"order_id": ["o1", "o1", "o1", "o2", "o2", "o2", "o3", "o4", "o4", "o5"],
                          "product_id": ["x", "y", "x", "x", "y", "z", "x", "y", "z", "z"]})
    pairs = baskets.bought_together(lines, min_support=0.3)
    # 5 orders; x, y, z each in 3 -> support 0.6. xy in o1, o2 (o1's duplicate x counts once) -> 0.4;
    # yz in o2, o4 -> 0.4; xz only in o2 -> 0.2 < 0.3 (dropped). lift = 0.4 / (0.6 * 0.6) = 10/9
    assert pairs[["product_a", "product_b"]].values.tolist() == [["x", "y"], ["y", "z"]]
    assert pairs["support_ab"].tolist() == pytest.approx([0.4, 0.4])
    assert pairs["lift"].tolist() == pytest.approx([10 / 9, 10 / 9])
    assert pairs["confidence_a_to_b"].iloc[0] == pytest.approx(0.4 / 0.6)
    assert pairs.attrs["orders"] == 5
    assert len(baskets.bought_together(lines, min_support=0.1)) == 3


@pytest.mark.parametrize("min_support", [0, 1, -0.1])
def test_bought_together_bad_support(min_support):
    with pytest.raises(ValueError, match="min_support"):
        baskets.bought_together(pd.DataFrame({"order_id": ["o"], "product_id": ["x"]}), min_support=min_support)


def test_shipped_event_log_follows_contract_and_recovers_planted_pairs():
    events = contracts.load_csv("data/synthetic/segments_events.csv", EVENTS)
    truth = contracts.load_csv("data/synthetic/segments_planted_pairs.csv", PLANTED_PAIRS)
    pairs = baskets.bought_together(events[events["event"] == "purchase"], min_support=0.01)
    found = baskets.pairs_vs_truth(pairs, truth)
    # the planted pairs are the top pairs by lift, each within 15% of its planted lift
    assert sorted(found["rank"]) == [1, 2, 3]
    assert (found["rel_error"].abs() < 0.15).all()
    # every other pair passing min_support looks independent (lift well below the planted ones)
    assert pairs["lift"].iloc[3] < 1.6
