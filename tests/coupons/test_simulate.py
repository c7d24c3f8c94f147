"""The simulator of the shipped data: known truth per window, pull-forward, quotas, past campaigns.

(The byte identity of the shipped files is checked once, in ``tests/test_synthetic.py``.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.coupons.load import clean_log
from helpers.coupons.metrics import review_table, roi_by_campaign
from helpers.coupons.simulate import (
    MAIN_CAMPAIGNS,
    CampaignSpec,
    simulate_campaign,
    simulate_past_campaigns,
)
from helpers.coupons.windows import customer_windows, incremental_effects, observed_windows


def test_simulated_truth_is_zero_when_coupons_change_nothing() -> None:
    spec = CampaignSpec("Z", n_customers=600, extra_rate=0.0, use_prob=0.0, upgrade_prob=0.0,
                        pull_forward_prob=0.0)
    sim = simulate_campaign(spec, seed=4)
    t = sim["truth"].iloc[0]
    assert t["true_incremental_paid"] == 0 and t["true_incremental_paid_post"] == 0
    assert sim["events"]["order_id"].isna().all()


def test_orders_cover_the_pre_and_post_periods_and_new_customers_start_fresh() -> None:
    sim = simulate_campaign(CampaignSpec("P", n_customers=1_500, pre_days=21, post_days=10), seed=5)
    od, aud = sim["orders"], sim["audience"]
    start = pd.Timestamp("2026-03-02")
    assert od["ordered_at"].min() >= start - pd.Timedelta(days=21)
    assert od["ordered_at"].max() < start + pd.Timedelta(days=7 + 10)
    new = set(aud.loc[aud["never_bought"], "customer_id"])
    assert not (od["customer_id"].isin(new) & (od["ordered_at"] < start)).any()  # never bought before
    coupon_orders = od[od["discount_amount"] > 0]
    assert coupon_orders["ordered_at"].between(start, start + pd.Timedelta(days=7)).all()


def test_pull_forward_makes_the_post_window_truth_negative() -> None:
    spec = CampaignSpec("F", n_customers=3_000, pull_forward_prob=0.3)
    t = simulate_campaign(spec, seed=6)["truth"].iloc[0]
    assert t["true_incremental_paid_post"] < 0
    assert t["true_incremental_paid"] == t["true_incremental_paid_in_window"] + t["true_incremental_paid_post"]


def test_shipped_campaign_net_interval_covers_truth_and_in_window_overstates() -> None:
    sim = simulate_campaign(MAIN_CAMPAIGNS[0], seed=101)
    ev, od, _q = clean_log(sim["campaigns"], sim["events"], sim["orders"])
    summary = review_table(sim["campaigns"], ev, od)
    cost = float(summary["coupon_cost"].iloc[0])
    b = sim["campaigns"].iloc[0]
    w = observed_windows(od, b["start"], b["end"], 28, 14)
    est = incremental_effects(customer_windows(od, sim["audience"], w, 0.19), cost, 0.81 / 0.19, n_boot=400,
                              seed=7)["estimates"]
    t = sim["truth"].iloc[0]
    net, inw = est.loc["incremental_paid"], est.loc["incremental_paid_in_window"]
    assert net["low"] <= t["true_incremental_paid"] <= net["high"]
    assert inw["low"] <= t["true_incremental_paid_in_window"] <= inw["high"]
    assert inw["low"] > t["true_incremental_paid"]  # the in-window interval misses the net effect
    assert summary["roi"].iloc[0] > est.loc["incremental_roi_in_window", "high"]


def test_past_campaigns_differ_by_activity_type() -> None:
    past = simulate_past_campaigns(seed=2024)
    out = roi_by_campaign(past["campaigns"], past["events"], past["orders"])
    assert len(out) == 15 and (out.groupby("activity_type").size() == 5).all()
    means = out.groupby("activity_type")["roi"].mean()
    assert means["coupon_festival"] > means["category_week"] > means["new_buyer_push"]
    assert set(past["audience"]["campaign_id"]) == set(out["campaign_id"])


def test_pushed_batches_reach_everyone_eligible_and_quotas_bind() -> None:
    sim = simulate_campaign(CampaignSpec("Q", n_customers=2_000), seed=9)
    t = review_table(sim["campaigns"], sim["events"], sim["orders"], by="coupon_id")
    assert (t["collected"] <= t["issued"]).all()
    assert t.loc["Q-N5", "collection_rate"] == 1.0
    assert np.isclose(t.loc["Q-T10", "collection_rate"], 1.0)  # the popular 12-14 slot sells out
    assert t.loc["Q-S5", "collection_rate"] < 0.9
