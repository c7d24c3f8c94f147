"""Purchase cycle: gaps between a customer's purchases, purchases per month."""

from __future__ import annotations

import math

import pandas as pd

from helpers.cadence import purchases


def test_purchase_cycle_by_hand(ts):
    e = pd.DataFrame({
        "customer_id": ["a", "a", "a", "b", "b", "c", "c"],
        "event": ["purchase", "purchase", "purchase", "purchase", "purchase", "signup", "purchase"],
        "at": ts(["2024-01-01T10:00Z", "2024-01-11T10:00Z", "2024-01-21T10:00Z",
                  "2024-02-01T10:00Z", "2024-03-02T10:00Z", "2024-01-01T10:00Z", "2024-01-05T10:00Z"]),
    })
    # gaps: a 10, 10; b 30 (Feb 2024 has 29 days: 29 + 1); c one purchase -> no gap
    # mean 50 / 3 = 16.667 d; per month 30.4375 / 16.667 = 1.82625
    got = purchases.purchase_cycle(e)
    assert got["gaps"] == 3
    assert math.isclose(got["mean_days_between_purchases"], 50 / 3)
    assert math.isclose(got["purchases_per_month"], (365.25 / 12) / (50 / 3))
    assert math.isclose(got["repeat_buyer_share"], 2 / 3)

