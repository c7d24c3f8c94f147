"""Purchase cycle: gaps between a customer's purchases, purchases per month."""

from __future__ import annotations

import math

import pandas as pd
import pytest

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



def test_purchase_rate_counts_the_open_gap_as_exposure(ts):
    e = pd.DataFrame({
        "customer_id": ["a", "a", "a", "b", "c"],
        "event": ["purchase", "purchase", "purchase", "purchase", "signup"],
        "at": ts(["2024-01-01T00:00Z", "2024-01-11T00:00Z", "2024-01-21T00:00Z", "2024-01-16T00:00Z",
                  "2024-01-02T00:00Z"]),
    })
    # a: 30 days observed (Jan 1 -> Jan 31), 2 repeats; b: 15 days, 0 repeats; c never bought.
    # 2 / 45 days x 30 = 1.3333 a month; completed gaps alone (10, 10) would say 3.0
    got = purchases.purchase_rate(e, pd.Timestamp("2024-01-31T00:00Z"), days_per_month=30)
    assert got["buyers"] == 2 and got["repeat_purchases"] == 2
    assert math.isclose(got["exposure_months"], 45 / 30)
    assert math.isclose(got["purchases_per_month"], 2 / 45 * 30)
    assert math.isclose(purchases.purchase_cycle(e, days_per_month=30)["purchases_per_month"], 3.0)


def test_purchase_rate_without_purchases_raises(ts):
    e = pd.DataFrame({"customer_id": ["a"], "event": ["signup"], "at": ts(["2024-01-01T00:00Z"])})
    with pytest.raises(ValueError, match="no purchase"):
        purchases.purchase_rate(e, pd.Timestamp("2024-02-01T00:00Z"))
