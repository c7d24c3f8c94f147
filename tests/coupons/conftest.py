"""Tiny hand-made coupon tables shared by the coupons tests (values chosen to be checked by hand)."""

from __future__ import annotations

import pandas as pd
import pytest

T = pd.Timestamp


def make_batches() -> pd.DataFrame:
    """Campaign C1: batch A (threshold 10,000 off 35,000, 5 issued), B (shipping 5,000, stackable, 4)."""
    common = {"campaign_id": "C1", "activity_type": "coupon_festival", "level": "S", "start": T("2026-03-02"),
              "end": T("2026-03-08"), "channel": "collected", "place": "coupon_centre", "currency": "KRW"}
    return pd.DataFrame([
        {**common, "coupon_id": "A", "kind": "threshold", "face_value": 10_000.0, "min_order": 35_000.0,
         "stackable": False, "time_slot": "12-14", "issued_qty": 5},
        {**common, "coupon_id": "B", "kind": "shipping", "face_value": 5_000.0, "min_order": 30_000.0,
         "stackable": True, "time_slot": "all_day", "issued_qty": 4},
    ])


def make_events(rows: list[tuple] | None = None) -> pd.DataFrame:
    if rows is None:
        rows = [  # coupon, customer, collected, used, order
            ("A", "c1", "2026-03-02 12:10", "2026-03-03 10:00", "o1"),
            ("A", "c2", "2026-03-02 12:20", "2026-03-04 11:00", "o2"),
            ("A", "c3", "2026-03-02 13:00", "2026-03-05 09:00", "o3"),  # o3 cancelled
            ("A", "c4", "2026-03-02 13:30", None, None),
            ("B", "c1", "2026-03-02 09:00", "2026-03-03 10:00", "o1"),  # stacked with A on o1
            ("B", "c5", "2026-03-03 09:00", "2026-03-03 20:00", "o4"),  # o4 refunded
            ("B", "c6", "2026-03-04 09:00", None, None),
        ]
    df = pd.DataFrame(rows, columns=["coupon_id", "customer_id", "collected_at", "used_at", "order_id"])
    df["collected_at"] = pd.to_datetime(df["collected_at"])
    df["used_at"] = pd.to_datetime(df["used_at"])
    df["order_id"] = df["order_id"].astype(object)
    return df


def make_orders(rows: list[tuple] | None = None) -> pd.DataFrame:
    if rows is None:
        rows = [  # order, customer, time, gross, discount, paid, status, new buyer
            ("o1", "c1", "2026-03-03 10:00", 80_000.0, 15_000.0, 65_000.0, "paid", True),
            ("o2", "c2", "2026-03-04 11:00", 40_000.0, 10_000.0, 30_000.0, "paid", False),
            ("o3", "c3", "2026-03-05 09:00", 50_000.0, 10_000.0, 40_000.0, "cancelled", True),
            ("o4", "c5", "2026-03-03 20:00", 36_000.0, 5_000.0, 31_000.0, "refunded", False),
            ("o5", "c4", "2026-03-06 15:00", 20_000.0, 0.0, 20_000.0, "paid", False),
        ]
    df = pd.DataFrame(rows, columns=["order_id", "customer_id", "ordered_at", "gross_amount", "discount_amount",
                                     "paid_amount", "status", "new_buyer"])
    df["ordered_at"] = pd.to_datetime(df["ordered_at"])
    return df


def make_outcomes() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": list("abcdefg"),
                         "group": ["targeted"] * 4 + ["holdout"] * 3,
                         "paid": [30.0, 0.0, 60.0, 30.0, 0.0, 20.0, 10.0],
                         "profit": [3.0, 0.0, 6.0, 3.0, -1.0, 2.0, 2.0]})


@pytest.fixture
def frames():
    """The builders above, as one namespace: ``frames.batches()``, ``frames.events(rows)`` ..."""
    class Frames:
        batches = staticmethod(make_batches)
        events = staticmethod(make_events)
        orders = staticmethod(make_orders)
        outcomes = staticmethod(make_outcomes)
    return Frames
