"""The past_campaigns table for notebook 03: contract columns, incremental ROI and redemption by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import contracts
from helpers.config import SYNTHETIC_DIR
from helpers.contracts import DataContractError
from helpers.coupons.past import past_campaigns
from helpers.coupons.schemas import PAST_CAMPAIGNS

CONTRACT = ["campaign_id", "activity_type", "level", "start", "end", "coupon_cost", "coupon_payment_amount",
            "roi", "currency", "incremental_roi", "incremental_roi_low", "incremental_roi_high", "redemption_rate"]


def audience() -> pd.DataFrame:
    return pd.DataFrame({"campaign_id": "C1", "customer_id": ["c1", "c2", "c3", "c4", "h1", "h2"],
                         "group": ["targeted"] * 4 + ["holdout"] * 2})


def test_past_campaigns_by_hand(frames) -> None:
    od = pd.concat([frames.orders(), frames.orders([
        ("o9", "h2", "2026-03-04 12:00", 10_000.0, 0.0, 10_000.0, "paid", False)])], ignore_index=True)
    out = past_campaigns(frames.batches(), frames.events(), od, audience(), gross_margin=0.19, n_boot=200)
    row = out.iloc[0]
    assert list(out.columns) == CONTRACT
    # paid in the window per targeted: c1 65,000, c2 30,000, c3 0 (cancelled), c4 20,000 -> mean 28,750;
    # holdout: h1 0, h2 10,000 -> mean 5,000; 4 x 23,750 = 95,000 over a coupon cost of 25,000
    assert row["incremental_roi"] == pytest.approx(95_000 / 25_000)
    assert row["incremental_roi_low"] <= row["incremental_roi"] <= row["incremental_roi_high"]
    assert row["redemption_rate"] == pytest.approx(3 / 9)  # 3 uses on paid orders of 9 coupons issued
    assert row["roi"] == pytest.approx(95_000 / 25_000)


def test_a_campaign_without_holdout_is_refused(frames) -> None:
    aud = audience().assign(group="targeted")
    with pytest.raises(DataContractError, match="no holdout customers"):
        past_campaigns(frames.batches(), frames.events(), frames.orders(), aud, gross_margin=0.19, n_boot=200)


def test_shipped_past_campaigns_follow_the_contract_notebook_03_reads() -> None:
    past = contracts.load_csv(SYNTHETIC_DIR / "coupons_past_campaigns.csv", PAST_CAMPAIGNS)
    assert list(past.columns) == CONTRACT and len(past) == 15
    assert past["redemption_rate"].between(0, 1).all()
    assert (past["incremental_roi_low"] <= past["incremental_roi"]).all()
    assert (past["incremental_roi"] <= past["incremental_roi_high"]).all()
    assert (past["incremental_roi"] < past["roi"]).mean() > 0.5  # attribution overstates, mostly
