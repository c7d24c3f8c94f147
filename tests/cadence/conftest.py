"""Tiny hand-made cadence tables shared by the cadence tests (fixtures return builder functions)."""

from __future__ import annotations

import pandas as pd
import pytest

SEOUL = "Asia/Seoul"


def make_times(values: list[str]) -> pd.Series:
    """tz-aware timestamps from ISO strings with offsets."""
    return pd.Series(pd.to_datetime(values))


def make_messages(customer: list[str], sent: list[str], amount=None, min_order=None, consent=None,
                  channel="lms") -> pd.DataFrame:
    """A ``cadence_messages`` frame: 10,000 off 40,000 unless given, no night consent."""
    n = len(sent)
    return pd.DataFrame({
        "customer_id": customer,
        "sent_at": make_times(sent),
        "channel": channel,
        "coupon_amount": amount if amount is not None else [10_000.0] * n,
        "min_order": min_order if min_order is not None else [40_000.0] * n,
        "valid_days": 3,
        "consent_night": consent if consent is not None else [False] * n,
    })


@pytest.fixture
def ts():
    return make_times


@pytest.fixture
def msgs():
    return make_messages
