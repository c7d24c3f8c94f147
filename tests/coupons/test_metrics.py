"""Review metrics, order economics, breakdown spread and per-campaign ROI on hand-made tables."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.contracts import DataContractError, ParameterError
from helpers.coupons.metrics import (
    aliased_dimensions,
    collection_by_channel,
    order_economics,
    review_table,
    roi_by_campaign,
    roi_spread,
)
from helpers.coupons.schemas import PAST_CAMPAIGNS

T = pd.Timestamp


def test_review_table_whole_campaign_by_hand(frames) -> None:
    t = review_table(frames.batches(), frames.events(), frames.orders()).loc["all"]
    assert t["issued"] == 5 + 4
    assert t["collected"] == 7
    assert t["collection_rate"] == pytest.approx(7 / 9)
    assert t["used"] == 5  # rows on o1 (x2), o2, o3, o4
    assert t["usage_rate"] == pytest.approx(5 / 7)
    assert t["effective_uses"] == 3  # o3 cancelled and o4 refunded do not count
    assert t["effective_usage_rate"] == pytest.approx(3 / 5)
    assert t["coupon_payment_amount"] == pytest.approx(65_000 + 30_000)  # o1 counted once
    assert t["coupon_cost"] == pytest.approx(10_000 + 5_000 + 10_000)
    assert t["roi"] == pytest.approx(95_000 / 25_000)
    assert t["new_buyers"] == 1  # c1; c3 is new but its order was cancelled
    assert t["currency"] == "KRW"


def test_review_table_breakdown_splits_stacked_order_by_face_value(frames) -> None:
    t = review_table(frames.batches(), frames.events(), frames.orders(), by="kind")
    # o1 (paid 65,000) used A (10,000) and B (5,000): 2/3 to threshold, 1/3 to shipping
    assert t.loc["threshold", "coupon_payment_amount"] == pytest.approx(65_000 * 2 / 3 + 30_000)
    assert t.loc["shipping", "coupon_payment_amount"] == pytest.approx(65_000 / 3)
    assert t.loc["threshold", "roi"] == pytest.approx((65_000 * 2 / 3 + 30_000) / 20_000)
    assert t.loc["shipping", "roi"] == pytest.approx((65_000 / 3) / 5_000)
    assert t.loc["threshold", "collection_rate"] == pytest.approx(4 / 5)
    assert t.loc["shipping", "usage_rate"] == pytest.approx(2 / 3)
    total = review_table(frames.batches(), frames.events(), frames.orders()).loc["all"]
    assert t["coupon_payment_amount"].sum() == pytest.approx(total["coupon_payment_amount"])
    assert t["coupon_cost"].sum() == pytest.approx(total["coupon_cost"])


def test_order_economics_by_hand(frames) -> None:
    e = order_economics(frames.batches(), frames.events(), frames.orders(), 0.19)["value"]
    assert e["coupon_orders"] == 2  # o1, o2
    assert e["aov_gross"] == pytest.approx((80_000 + 40_000) / 2)
    assert e["aov_paid"] == pytest.approx((65_000 + 30_000) / 2)
    assert e["nominal_discount_rate"] == pytest.approx(10_000 / 35_000)  # threshold uses on o1, o2
    assert e["realised_discount_rate"] == pytest.approx((15_000 + 10_000) / 120_000)
    assert e["breakeven_roi"] == pytest.approx(0.81 / 0.19)
    assert e["coupon_order_contribution"] == pytest.approx(0.19 * 120_000 - 25_000)  # -2,200


def test_roi_spread_ranks_dimensions(frames) -> None:
    tables = review_table(frames.batches(), frames.events(), frames.orders(), by="kind")
    spread = roi_spread({"kind": tables, "flat": tables.assign(roi=[2.0, 2.0])})
    # kind: shipping 21,666.67 / 5,000 = 4.3333 minus threshold 63,333.33 / 20,000 = 3.1667
    assert spread["kind"] == pytest.approx(65_000 / 3 / 5_000 - (65_000 * 2 / 3 + 30_000) / 20_000)
    assert spread.index.tolist() == ["kind", "flat"]


def test_collection_by_channel_keeps_pushed_apart(frames) -> None:
    b = frames.batches().assign(channel=["collected", "pushed"])
    t = collection_by_channel(b, frames.events())
    assert t.loc["collected", "collection_rate"] == pytest.approx(4 / 5)  # batch A: 4 of 5
    assert t.loc["pushed", "issued"] == 4 and t.loc["pushed", "collected"] == 3


def test_aliased_dimensions_flag_identical_splits(frames) -> None:
    # A: threshold, 12-14, not stackable; B: shipping, all_day, stackable -> kind, time_slot, stackable,
    # face_value split A|B the same way; channel and place have one value
    a = aliased_dimensions(frames.batches())
    assert a.loc["kind", "aliased_with"] == "stackable, time_slot, face_value"
    assert not a.loc["channel", "comparable"] and a.loc["channel", "aliased_with"] == ""
    three = pd.concat([frames.batches(), frames.batches().iloc[[0]].assign(coupon_id="C", time_slot="20-22")])
    a3 = aliased_dimensions(three)
    assert a3.loc["time_slot", "aliased_with"] == "" and a3.loc["kind", "aliased_with"] == "stackable, face_value"


def test_roi_by_campaign_by_hand_and_contract(frames) -> None:
    b2 = frames.batches().assign(campaign_id="C2", activity_type="category_week", level="A",
                                 start=T("2026-04-01"), end=T("2026-04-03"), coupon_id=["A2", "B2"])
    ev2 = frames.events([("A2", "d1", "2026-04-01 12:00", "2026-04-01 13:00", "p1")])
    od2 = frames.orders([("p1", "d1", "2026-04-01 13:00", 60_000.0, 10_000.0, 50_000.0, "paid", False)])
    out = roi_by_campaign(pd.concat([frames.batches(), b2], ignore_index=True),
                          pd.concat([frames.events(), ev2], ignore_index=True),
                          pd.concat([frames.orders(), od2], ignore_index=True))
    assert list(out.columns) == ["campaign_id", "activity_type", "level", "start", "end", "coupon_cost",
                                 "coupon_payment_amount", "roi", "currency"]
    assert out["campaign_id"].tolist() == ["C1", "C2"]
    assert out["roi"].tolist() == pytest.approx([95_000 / 25_000, 50_000 / 10_000])
    assert set(out.columns) < set(PAST_CAMPAIGNS.names)  # past.past_campaigns adds the incremental columns


@pytest.mark.parametrize(("call", "match"), [
    (lambda f: review_table(f.batches(), f.events(), f.orders(), by="colour"), r"cannot break down by 'colour'"),
    (lambda f: review_table(f.batches().assign(currency=["KRW", "USD"]), f.events(), f.orders()),
     r"mix currencies"),
    (lambda f: roi_by_campaign(f.batches(), f.events().iloc[[3, 6]], f.orders()),
     r"campaign 'C1': no coupon was used on an order that stayed paid"),
    (lambda f: roi_by_campaign(f.batches().assign(level=["S", "A"]), f.events(), f.orders()),
     r"more than one value in \['level'\]"),
    (lambda f: order_economics(f.batches(), f.events(), f.orders(), 19), r"'gross_margin' = 19 is out of range"),
])
def test_structural_errors_are_clear(frames, call, match: str) -> None:
    with pytest.raises((DataContractError, ParameterError), match=match):
        call(frames)
