"""Coupon campaign review: metrics on a hand-made log, row-level exclusions, incrementality.

Expected values are computed by hand in each test from the tiny inline tables below.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import contracts, coupons
from helpers.config import SYNTHETIC_DIR
from helpers.contracts import (
    DataContractError,
    ParameterError,
)
from helpers.coupons.schemas import PAST_CAMPAIGNS

T = pd.Timestamp


def batches() -> pd.DataFrame:
    """Campaign C1: batch A (threshold 10,000 off 35,000, 5 issued), B (shipping 5,000, stackable, 4)."""
    common = {"campaign_id": "C1", "activity_type": "coupon_festival", "level": "S", "start": T("2026-03-02"),
              "end": T("2026-03-08"), "channel": "collected", "place": "coupon_centre", "currency": "KRW"}
    return pd.DataFrame([
        {**common, "coupon_id": "A", "kind": "threshold", "face_value": 10_000.0, "min_order": 35_000.0,
         "stackable": False, "time_slot": "12-14", "issued_qty": 5},
        {**common, "coupon_id": "B", "kind": "shipping", "face_value": 5_000.0, "min_order": 30_000.0,
         "stackable": True, "time_slot": "all_day", "issued_qty": 4},
    ])


def events() -> pd.DataFrame:
    rows = [  # coupon, customer, collected, used, order
        ("A", "c1", "2026-03-02 12:10", "2026-03-03 10:00", "o1"),
        ("A", "c2", "2026-03-02 12:20", "2026-03-04 11:00", "o2"),
        ("A", "c3", "2026-03-02 13:00", "2026-03-05 09:00", "o3"),  # o3 cancelled
        ("A", "c4", "2026-03-02 13:30", None, None),
        ("B", "c1", "2026-03-02 09:00", "2026-03-03 10:00", "o1"),  # stacked with A on o1
        ("B", "c5", "2026-03-03 09:00", "2026-03-03 20:00", "o4"),  # o4 refunded
        ("B", "c6", "2026-03-04 09:00", None, None),
    ]
    return _events(rows)


def _events(rows: list[tuple]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["coupon_id", "customer_id", "collected_at", "used_at", "order_id"])
    df["collected_at"] = pd.to_datetime(df["collected_at"])
    df["used_at"] = pd.to_datetime(df["used_at"])
    df["order_id"] = df["order_id"].astype(object)
    return df


def orders() -> pd.DataFrame:
    rows = [  # order, customer, time, gross, discount, paid, status, new buyer
        ("o1", "c1", "2026-03-03 10:00", 80_000.0, 15_000.0, 65_000.0, "paid", True),
        ("o2", "c2", "2026-03-04 11:00", 40_000.0, 10_000.0, 30_000.0, "paid", False),
        ("o3", "c3", "2026-03-05 09:00", 50_000.0, 10_000.0, 40_000.0, "cancelled", True),
        ("o4", "c5", "2026-03-03 20:00", 36_000.0, 5_000.0, 31_000.0, "refunded", False),
        ("o5", "c4", "2026-03-06 15:00", 20_000.0, 0.0, 20_000.0, "paid", False),
    ]
    return _orders(rows)


def _orders(rows: list[tuple]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["order_id", "customer_id", "ordered_at", "gross_amount", "discount_amount",
                                     "paid_amount", "status", "new_buyer"])
    df["ordered_at"] = pd.to_datetime(df["ordered_at"])
    return df


# --- review metrics ----------------------------------------------------------------------------


def test_review_table_whole_campaign_by_hand() -> None:
    t = coupons.review_table(batches(), events(), orders()).loc["all"]
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


def test_review_table_breakdown_splits_stacked_order_by_face_value() -> None:
    t = coupons.review_table(batches(), events(), orders(), by="kind")
    # o1 (paid 65,000) used A (10,000) and B (5,000): 2/3 to threshold, 1/3 to shipping
    assert t.loc["threshold", "coupon_payment_amount"] == pytest.approx(65_000 * 2 / 3 + 30_000)
    assert t.loc["shipping", "coupon_payment_amount"] == pytest.approx(65_000 / 3)
    assert t.loc["threshold", "roi"] == pytest.approx((65_000 * 2 / 3 + 30_000) / 20_000)
    assert t.loc["shipping", "roi"] == pytest.approx((65_000 / 3) / 5_000)
    assert t.loc["threshold", "collection_rate"] == pytest.approx(4 / 5)
    assert t.loc["shipping", "usage_rate"] == pytest.approx(2 / 3)
    total = coupons.review_table(batches(), events(), orders()).loc["all"]
    assert t["coupon_payment_amount"].sum() == pytest.approx(total["coupon_payment_amount"])
    assert t["coupon_cost"].sum() == pytest.approx(total["coupon_cost"])


def test_order_economics_by_hand() -> None:
    e = coupons.order_economics(batches(), events(), orders(), 0.19)["value"]
    assert e["coupon_orders"] == 2  # o1, o2
    assert e["aov_gross"] == pytest.approx((80_000 + 40_000) / 2)
    assert e["aov_paid"] == pytest.approx((65_000 + 30_000) / 2)
    assert e["nominal_discount_rate"] == pytest.approx(10_000 / 35_000)  # threshold uses on o1, o2
    assert e["realised_discount_rate"] == pytest.approx((15_000 + 10_000) / 120_000)
    assert e["breakeven_roi"] == pytest.approx(0.81 / 0.19)
    assert e["coupon_order_contribution"] == pytest.approx(0.19 * 120_000 - 25_000)  # -2,200


# --- row-level exclusions ----------------------------------------------------------------------


def test_clean_log_excludes_each_rule_once_and_keeps_the_rest() -> None:
    bad_events = _events([
        ("A", "c7", "2026-03-05 10:00", "2026-03-05 09:00", "o6"),  # used before collected
        ("A", "c2", "2026-03-02 12:20", "2026-03-06 10:00", "o7"),  # c2's A used a second time
        ("A", "c8", "2026-03-02 12:30", "2026-03-04 11:00", "o2"),  # o2 belongs to c2
        ("B", "c9", "2026-03-02 10:00", "2026-03-05 10:00", "o8"),  # o8 gross 25,000 < 30,000
        ("A", "c10", "2026-03-02 12:40", "2026-03-05 10:00", "o99"),  # no such order
        ("A", "c12", "2026-03-02 12:50", "2026-03-05 11:00", "o10"),  # o10 is excluded
        ("B", "c13", "2026-03-02 10:00", "2026-03-05 12:00", None),  # used without an order
        ("B", "c6", "2026-03-05 09:00", None, None),  # c6's B listed twice
    ])
    bad_orders = _orders([
        ("o6", "c7", "2026-03-05 09:00", 45_000.0, 10_000.0, 35_000.0, "paid", False),
        ("o7", "c2", "2026-03-06 10:00", 50_000.0, 10_000.0, 40_000.0, "paid", False),
        ("o8", "c9", "2026-03-05 10:00", 25_000.0, 5_000.0, 20_000.0, "paid", False),
        ("o9", "c11", "2026-03-05 10:00", -5_000.0, 0.0, -5_000.0, "refunded", False),
        ("o10", "c12", "2026-03-05 11:00", 10_000.0, 12_000.0, 0.0, "paid", False),
    ])
    ev = pd.concat([events(), bad_events], ignore_index=True)
    od = pd.concat([orders(), bad_orders], ignore_index=True)
    kept_ev, kept_od, quality = coupons.clean_log(batches(), ev, od)
    counts = quality.set_index("rule")["rows_excluded"]
    assert set(counts.index) == {rule for _t, rule, _m in coupons.QUALITY_RULES}
    assert (counts == 1).all(), counts.to_dict()
    pd.testing.assert_frame_equal(kept_ev, events())
    assert sorted(kept_od["order_id"]) == sorted(["o1", "o2", "o3", "o4", "o5", "o6", "o7", "o8"])
    # metrics on the cleaned log equal those of the clean log
    t = coupons.review_table(batches(), kept_ev, kept_od).loc["all"]
    assert t["roi"] == pytest.approx(95_000 / 25_000)


def test_used_twice_keeps_the_earliest_use() -> None:
    ev = _events([
        ("A", "c1", "2026-03-02 12:10", "2026-03-06 10:00", "o2b"),  # later use listed first
        ("A", "c1", "2026-03-02 12:10", "2026-03-03 10:00", "o1"),
    ])
    od = _orders([
        ("o1", "c1", "2026-03-03 10:00", 80_000.0, 10_000.0, 70_000.0, "paid", True),
        ("o2b", "c1", "2026-03-06 10:00", 40_000.0, 10_000.0, 30_000.0, "paid", False),
    ])
    kept, _od, q = coupons.clean_log(batches(), ev, od)
    assert kept["order_id"].tolist() == ["o1"]
    assert q.set_index("rule").loc["used_twice", "rows_excluded"] == 1


# --- incrementality ----------------------------------------------------------------------------


def outcomes() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": list("abcdefg"),
                         "group": ["targeted"] * 4 + ["holdout"] * 3,
                         "paid": [30.0, 0.0, 60.0, 30.0, 0.0, 20.0, 10.0],
                         "profit": [3.0, 0.0, 6.0, 3.0, -1.0, 2.0, 2.0]})


def test_incrementality_point_estimates_by_hand() -> None:
    inc = coupons.incrementality(outcomes(), 40.0, "USD", n_boot=500, seed=1)
    # targeted mean (30+0+60+30)/4 = 30, holdout mean (0+20+10)/3 = 10; 4 targeted customers
    assert inc.loc["paid_per_targeted", "estimate"] == pytest.approx(30.0)
    assert inc.loc["paid_per_holdout", "estimate"] == pytest.approx(10.0)
    assert inc.loc["incremental_paid", "estimate"] == pytest.approx(4 * (30 - 10))
    assert inc.loc["incremental_roi", "estimate"] == pytest.approx(80 / 40)
    # profit means 12/4 = 3 and 3/3 = 1
    assert inc.loc["incremental_profit", "estimate"] == pytest.approx(4 * (3 - 1))
    assert inc.loc["incremental_paid", "unit"] == "USD"
    row = inc.loc["incremental_roi"]
    assert row["low"] <= row["estimate"] <= row["high"]


def test_incrementality_interval_collapses_without_variance_and_is_seeded() -> None:
    flat = pd.DataFrame({"group": ["targeted"] * 3 + ["holdout"] * 3, "paid": [50.0] * 3 + [20.0] * 3,
                         "profit": [5.0] * 3 + [2.0] * 3})
    inc = coupons.incrementality(flat, 30.0, "KRW", n_boot=200, seed=3)
    assert inc.loc["incremental_roi", ["low", "estimate", "high"]].tolist() == pytest.approx([3.0, 3.0, 3.0])
    a = coupons.incrementality(outcomes(), 40.0, "USD", n_boot=300, seed=5)
    b = coupons.incrementality(outcomes(), 40.0, "USD", n_boot=300, seed=5)
    pd.testing.assert_frame_equal(a, b)


def test_winsorized_mode_caps_the_outlier() -> None:
    out = pd.DataFrame({"group": ["targeted"] * 6 + ["holdout"] * 6,
                        "paid": [10.0] * 5 + [10_000.0] + [10.0] * 6, "profit": [1.0] * 12})
    plain = coupons.incrementality(out, 100.0, "KRW", n_boot=200)
    capped = coupons.incrementality(out, 100.0, "KRW", n_boot=200, mode="winsorized")
    # plain: 6 * ((5*10 + 10,000)/6 - 10) = 9,990; capped at the 99th percentile it is much smaller
    assert plain.loc["incremental_paid", "estimate"] == pytest.approx(9_990.0)
    assert capped.loc["incremental_paid", "estimate"] < 0.9 * 9_990.0


def test_roi_comparison_by_hand() -> None:
    summary = coupons.review_table(batches(), events(), orders())  # ROI 95,000 / 25,000 = 3.8
    inc = pd.DataFrame({"estimate": [2.0], "low": [1.0], "high": [3.0]}, index=["incremental_roi"])
    truth = pd.DataFrame({"true_incremental_paid": [50_000.0]})
    c = coupons.roi_comparison(summary, inc, truth)["roi"]
    assert c["attributional"] == pytest.approx(3.8)
    assert c["true_incremental"] == pytest.approx(50_000 / 25_000)
    assert c["overstatement_factor"] == pytest.approx(3.8 / 2.0)
    assert c["roi_gap"] == pytest.approx(3.8 - 2.0)
    negative = inc.assign(estimate=-0.5)
    assert np.isnan(coupons.roi_comparison(summary, negative)["roi"]["overstatement_factor"])


def test_roi_spread_and_breakeven_verdict() -> None:
    tables = coupons.review_table(batches(), events(), orders(), by="kind")
    spread = coupons.roi_spread({"kind": tables, "flat": tables.assign(roi=[2.0, 2.0])})
    # kind: shipping 21,666.67 / 5,000 = 4.3333 minus threshold 63,333.33 / 20,000 = 3.1667
    assert spread["kind"] == pytest.approx(65_000 / 3 / 5_000 - (65_000 * 2 / 3 + 30_000) / 20_000)
    assert spread.index.tolist() == ["kind", "flat"]
    assert coupons.breakeven_verdict(4.5, 6.0, 0.81 / 0.19) == "above"
    assert coupons.breakeven_verdict(2.0, 4.0, 0.81 / 0.19) == "below"
    assert coupons.breakeven_verdict(4.0, 4.5, 0.81 / 0.19) == "not clearly above or below"
    with pytest.raises(ValueError, match="interval low 5 is above high 4"):
        coupons.breakeven_verdict(5, 4, 4.26)


def test_customer_outcomes_counts_paid_orders_in_window_only() -> None:
    od = orders()
    extra = _orders([("o6", "c2", "2026-03-09 00:00", 99_000.0, 0.0, 99_000.0, "paid", False)])  # after end
    aud = pd.DataFrame({"campaign_id": "C1", "customer_id": ["c1", "c2", "c3", "c9"],
                        "group": ["targeted", "targeted", "targeted", "holdout"]})
    out = coupons.customer_outcomes(pd.concat([od, extra], ignore_index=True), aud, T("2026-03-02"),
                                    T("2026-03-08"), 0.2).set_index("customer_id")
    assert out.loc["c1", "paid"] == 65_000  # o1
    assert out.loc["c1", "profit"] == pytest.approx(65_000 - 0.8 * 80_000)  # 1,000
    assert out.loc["c2", "paid"] == 30_000  # o2; o6 falls after the window
    assert out.loc["c3", "paid"] == 0  # o3 cancelled
    assert out.loc["c9", "paid"] == 0  # no orders


def test_simulated_truth_is_zero_when_coupons_change_nothing() -> None:
    spec = coupons.CampaignSpec("Z", n_customers=600, extra_rate=0.0, use_prob=0.0, upgrade_prob=0.0)
    sim = coupons.simulate_campaign(spec, seed=4)
    assert sim["truth"]["true_incremental_paid"].iloc[0] == 0
    assert sim["events"]["order_id"].isna().all()


def test_incremental_roi_interval_covers_the_known_true_effect() -> None:
    sim = coupons.simulate_campaign(coupons.MAIN_CAMPAIGNS[0], seed=101)
    ev, od, _q = coupons.clean_log(sim["campaigns"], sim["events"], sim["orders"])
    summary = coupons.review_table(sim["campaigns"], ev, od)
    cost = float(summary["coupon_cost"].iloc[0])
    b = sim["campaigns"].iloc[0]
    out = coupons.customer_outcomes(od, sim["audience"], b["start"], b["end"], 0.19)
    inc = coupons.incrementality(out, cost, "KRW", n_boot=400, seed=7)
    true_roi = sim["truth"]["true_incremental_paid"].iloc[0] / cost
    row = inc.loc["incremental_roi"]
    assert row["low"] <= true_roi <= row["high"]
    # and the attributional ROI overstates: it lies above the whole interval
    assert summary["roi"].iloc[0] > row["high"]


# --- roi_by_campaign and the shipped files -----------------------------------------------------


def test_roi_by_campaign_by_hand_and_contract() -> None:
    b2 = batches().assign(campaign_id="C2", activity_type="category_week", level="A",
                          start=T("2026-04-01"), end=T("2026-04-03"),
                          coupon_id=["A2", "B2"])
    ev2 = _events([("A2", "d1", "2026-04-01 12:00", "2026-04-01 13:00", "p1")])
    od2 = _orders([("p1", "d1", "2026-04-01 13:00", 60_000.0, 10_000.0, 50_000.0, "paid", False)])
    out = coupons.roi_by_campaign(pd.concat([batches(), b2], ignore_index=True),
                                  pd.concat([events(), ev2], ignore_index=True),
                                  pd.concat([orders(), od2], ignore_index=True))
    assert list(out.columns) == ["campaign_id", "activity_type", "level", "start", "end", "coupon_cost",
                                 "coupon_payment_amount", "roi", "currency"]
    assert out["campaign_id"].tolist() == ["C1", "C2"]
    assert out["roi"].tolist() == pytest.approx([95_000 / 25_000, 50_000 / 10_000])
    contracts.validate(out, PAST_CAMPAIGNS, source="roi_by_campaign")


def test_past_campaigns_validate_and_differ_by_activity_type() -> None:
    past = coupons.simulate_past_campaigns(seed=2024)
    out = coupons.roi_by_campaign(past["campaigns"], past["events"], past["orders"])
    checked = contracts.validate(out, PAST_CAMPAIGNS, source="roi_by_campaign(past)")
    assert len(checked) >= 12
    assert checked.groupby("activity_type").size().min() >= 4
    means = checked.groupby("activity_type")["roi"].mean()
    assert means["coupon_festival"] > means["category_week"] > means["new_buyer_push"]
    assert checked["roi"].between(5, 16).all()


def test_write_synthetic_is_byte_identical_to_shipped_files(tmp_path: Path) -> None:
    written = coupons.write_synthetic(tmp_path)
    assert {p.name for p in written} >= {"coupons_past_campaigns.csv", "coupons_events.csv"}
    for p in written:
        assert p.stat().st_size < 3_000_000, p.name
        assert p.read_bytes() == (SYNTHETIC_DIR / p.name).read_bytes(), p.name


def test_real_data_runs_without_a_truth_file() -> None:
    p = coupons.validate_parameters(**default_params(truth_path=None, campaign_id="NEWBUY-2026-04"))
    assert p.truth_path is None
    assert coupons.load_campaign(p).truth is None


def test_shipped_files_load_under_their_contracts_with_bad_rows_reported() -> None:
    p = coupons.validate_parameters(**default_params())
    data = coupons.load_campaign(p)
    assert data.quality["rows_excluded"].sum() > 0  # the shipped files hold deliberately broken rows
    assert data.truth is not None and len(data.truth) == 1
    assert data.events["coupon_id"].isin(data.batches["coupon_id"]).all()


# --- bad input ---------------------------------------------------------------------------------


def default_params(**over: object) -> dict:
    p = dict(campaigns_path="data/synthetic/coupons_campaigns.csv",
             events_path="data/synthetic/coupons_events.csv", orders_path="data/synthetic/coupons_orders.csv",
             audience_path="data/synthetic/coupons_audience.csv", truth_path="data/synthetic/coupons_truth.csv",
             campaign_id="FEST-2026-03", currency="KRW", gross_margin=0.19, holdout_mode="difference",
             n_boot=1000, confidence=0.95, seed=7)
    p.update(over)
    return p


@pytest.mark.parametrize(("override", "match"), [
    ({"campaign_id": "NOPE"}, r"'campaign_id' = 'NOPE' is not allowed"),
    ({"currency": "USD"}, r"'currency' = 'USD' does not match campaign"),
    ({"currency": "JPY"}, r"'currency' = 'JPY' is not allowed"),
    ({"gross_margin": 1.5}, r"'gross_margin' = 1.5 is out of range"),
    ({"gross_margin": 0}, r"'gross_margin' = 0 is out of range"),
    ({"holdout_mode": "diff"}, r"'holdout_mode' = 'diff' is not allowed"),
    ({"n_boot": 10}, r"'n_boot' = 10 is out of range"),
    ({"confidence": 1.2}, r"'confidence' = 1.2 is out of range"),
    ({"seed": -1}, r"'seed' = -1 is out of range"),
    ({"orders_path": "data/synthetic/nope.csv"}, r"'orders_path': file 'data/synthetic/nope.csv' not found"),
])
def test_bad_parameters_are_named(override: dict, match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        coupons.validate_parameters(**default_params(**override))


def test_missing_column_is_a_contract_error(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    events().drop(columns="collected_at").to_csv(path, index=False)
    p = coupons.validate_parameters(**default_params(events_path=str(path)))
    with pytest.raises(DataContractError, match=r"missing required column\(s\) \['collected_at'\]"):
        coupons.load_campaign(p)


@pytest.mark.parametrize(("call", "match"), [
    (lambda: coupons.clean_log(batches(), pd.concat([events(), _events([("Z", "c1", "2026-03-02", None, None)])]),
                               orders()), r"coupon_id that is not in the campaigns table.*\['Z'\]"),
    (lambda: coupons.review_table(batches(), events(), orders(), by="colour"), r"cannot break down by 'colour'"),
    (lambda: coupons.review_table(batches().assign(currency=["KRW", "USD"]), events(), orders()),
     r"mix currencies"),
    (lambda: coupons.roi_by_campaign(batches(), events().iloc[[3, 6]], orders()),
     r"campaign 'C1': no coupon was used on an order that stayed paid"),
    (lambda: coupons.incrementality(outcomes().iloc[:5], 10.0, "KRW"), r"at least 2 targeted and 2 holdout"),
    (lambda: coupons.incrementality(outcomes(), 0.0, "KRW"), r"'coupon_cost' = 0.0 is out of range"),
    (lambda: coupons.incrementality(outcomes(), 10.0, "KRW", mode="ignore"), r"'mode' = 'ignore' is not allowed"),
    (lambda: coupons.order_economics(batches(), events(), orders(), 19), r"'gross_margin' = 19 is out of range"),
])
def test_structural_errors_are_clear(call, match: str) -> None:
    with pytest.raises((DataContractError, ParameterError), match=match):
        call()


def test_pushed_batches_reach_everyone_eligible_and_quotas_bind() -> None:
    sim = coupons.simulate_campaign(coupons.CampaignSpec("Q", n_customers=2_000), seed=9)
    t = coupons.review_table(sim["campaigns"], sim["events"], sim["orders"], by="coupon_id")
    assert (t["collected"] <= t["issued"]).all()
    assert t.loc["Q-N5", "collection_rate"] == 1.0
    assert np.isclose(t.loc["Q-T10", "collection_rate"], 1.0)  # the popular 12-14 slot sells out
    assert t.loc["Q-S5", "collection_rate"] < 0.9
