"""Whole-coupon quotas over levels and slots, sums exact."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.quota import allocate


def test_largest_remainder_by_hand():
    # 10 * (0.5, 0.3, 0.2) exact; 7 * (1/3 each) = 2.33 -> 3, 2, 2 (ties to the first listed)
    assert allocate.largest_remainder(10, {"a": 0.5, "b": 0.3, "c": 0.2}).tolist() == [5, 3, 2]
    assert allocate.largest_remainder(7, {"a": 1, "b": 1, "c": 1}).tolist() == [3, 2, 2]
    # 11 * (0.45, 0.35, 0.2) = 4.95, 3.85, 2.2 -> floors 4, 3, 2 (9), 2 left to .95 and .85
    assert allocate.largest_remainder(11, {"a": 0.45, "b": 0.35, "c": 0.2}).tolist() == [5, 4, 2]


def test_largest_remainder_always_sums_exactly():
    rng = np.random.default_rng(11)
    for _ in range(200):
        w = rng.dirichlet(np.ones(rng.integers(2, 9)))
        n = int(rng.integers(0, 10_000))
        parts = allocate.largest_remainder(n, dict(enumerate(w)))
        assert parts.sum() == n and (parts >= 0).all()
        assert (np.abs(parts.to_numpy() - n * w) < 1).all()


def test_allocate_levels_and_slots():
    # 1,000,000 KRW / 3,000 = 333.3 -> 333 coupons; levels 0.4/0.3/0.2/0.1 -> 133.2, 99.9, 66.6, 33.3
    # -> floors 133, 99, 66, 33 (331), +1 to .9 (S) and .6 (A+) -> 133, 100, 67, 33
    a = allocate.allocate(1_000_000.0, {"S+": 0.4, "S": 0.3, "A+": 0.2, "A": 0.1}, {"am": 0.5, "pm": 0.5},
                       3000.0, "KRW")
    per_level = a.groupby("level", sort=False)["coupons"].sum()
    assert per_level.to_dict() == {"S+": 133, "S": 100, "A+": 67, "A": 33}
    assert a["coupons"].sum() == 333
    # S+ 133 over two equal slots -> 67, 66
    assert a.loc[a["level"] == "S+", "coupons"].tolist() == [67, 66]
    assert a["budget"].sum() == pytest.approx(1_000_000.0)
    assert (a["coupon_value"].sum() <= 1_000_000.0) and set(a["currency"]) == {"KRW"}


@pytest.mark.parametrize("weights, slots, match", [
    ({"S+": 0.5, "S": 0.4}, {"all": 1.0}, "sum to 0.9"),
    ({"S+": 0.5, "B": 0.5}, {"all": 1.0}, "allowed keys"),
    ({"S+": 1.0}, {"am": 0.7, "pm": 0.7}, "slot_shares.*sum to 1.4"),
])
def test_allocate_bad_weights(weights, slots, match):
    with pytest.raises(ValueError, match=match):
        allocate.allocate(1000.0, weights, slots, 10.0, "KRW")



def test_released_quotas_times_redemption_times_face_value_equal_the_level_budget():
    # 1,000,000 KRW at 5,000 KRW and 17% redemption: 1e6 / 850 = 1176.47 -> 1176 coupons released
    w = {"S+": 0.4, "S": 0.3, "A+": 0.2, "A": 0.1}
    a = allocate.allocate(1_000_000.0, w, {"am": 0.35, "pm": 0.65}, 5000.0, "KRW", redemption_rate=0.17)
    assert a["coupons"].sum() == 1176
    t = allocate.level_totals(a).set_index("level")
    for lvl, share in w.items():  # expected cost within one coupon's face value of the level budget
        assert abs(t.loc[lvl, "coupons"] * 5000.0 * 0.17 - share * 1_000_000.0) <= 5000.0
    assert t["expected_cost"].sum() <= 1_000_000.0
    with pytest.raises(ValueError, match="redemption_rate"):
        allocate.allocate(1000.0, w, {"am": 1.0}, 10.0, "KRW", redemption_rate=0.0)
