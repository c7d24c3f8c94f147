"""The simulator of the shipped data: known truth, quotas, past campaigns by activity type.

(The byte identity of the shipped files is checked once, in ``tests/test_synthetic.py``.)
"""

from __future__ import annotations

import numpy as np

from helpers import contracts
from helpers.coupons.incrementality import customer_outcomes, incrementality
from helpers.coupons.load import clean_log
from helpers.coupons.metrics import review_table, roi_by_campaign
from helpers.coupons.schemas import PAST_CAMPAIGNS
from helpers.coupons.simulate import (
    MAIN_CAMPAIGNS,
    CampaignSpec,
    simulate_campaign,
    simulate_past_campaigns,
)


def test_simulated_truth_is_zero_when_coupons_change_nothing() -> None:
    spec = CampaignSpec("Z", n_customers=600, extra_rate=0.0, use_prob=0.0, upgrade_prob=0.0)
    sim = simulate_campaign(spec, seed=4)
    assert sim["truth"]["true_incremental_paid"].iloc[0] == 0
    assert sim["events"]["order_id"].isna().all()


def test_shipped_campaign_interval_covers_its_true_effect_and_attribution_overstates() -> None:
    sim = simulate_campaign(MAIN_CAMPAIGNS[0], seed=101)
    ev, od, _q = clean_log(sim["campaigns"], sim["events"], sim["orders"])
    summary = review_table(sim["campaigns"], ev, od)
    cost = float(summary["coupon_cost"].iloc[0])
    b = sim["campaigns"].iloc[0]
    out = customer_outcomes(od, sim["audience"], b["start"], b["end"], 0.19)
    row = incrementality(out, cost, "KRW", n_boot=400, seed=7).loc["incremental_roi"]
    true_roi = sim["truth"]["true_incremental_paid"].iloc[0] / cost
    assert row["low"] <= true_roi <= row["high"]
    assert summary["roi"].iloc[0] > row["high"]


def test_past_campaigns_validate_and_differ_by_activity_type() -> None:
    past = simulate_past_campaigns(seed=2024)
    out = roi_by_campaign(past["campaigns"], past["events"], past["orders"])
    checked = contracts.validate(out, PAST_CAMPAIGNS, source="roi_by_campaign(past)")
    assert len(checked) == 15
    assert (checked.groupby("activity_type").size() == 5).all()
    means = checked.groupby("activity_type")["roi"].mean()
    assert means["coupon_festival"] > means["category_week"] > means["new_buyer_push"]
    assert checked["roi"].between(5, 16).all()


def test_pushed_batches_reach_everyone_eligible_and_quotas_bind() -> None:
    sim = simulate_campaign(CampaignSpec("Q", n_customers=2_000), seed=9)
    t = review_table(sim["campaigns"], sim["events"], sim["orders"], by="coupon_id")
    assert (t["collected"] <= t["issued"]).all()
    assert t.loc["Q-N5", "collection_rate"] == 1.0
    assert np.isclose(t.loc["Q-T10", "collection_rate"], 1.0)  # the popular 12-14 slot sells out
    assert t.loc["Q-S5", "collection_rate"] < 0.9
