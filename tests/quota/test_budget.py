"""Target, ROI from past campaigns, budget = gap / ROI and the cap."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from helpers.contracts import DataContractError
from helpers.quota import budget


def test_target_from_growth_by_hand(exact_monthly):
    h = pd.DataFrame({"date": pd.date_range("2024-01-01", periods=5, freq="D"), "sales": [1.0, 2, 3, 4, 5]})
    # same period last year = 2024-01-02..03 -> 2 + 3 = 5; +10% -> 5.5
    assert budget.target_from_growth(h, "2025-01-02", "2025-01-03", 0.10, "D") == pytest.approx((5.5, 5.0))
    with pytest.raises(DataContractError, match="same period last year"):
        budget.target_from_growth(h, "2025-01-04", "2025-01-09", 0.10, "D")
    m = exact_monthly()  # Jan-Feb 2024: 1000 + 1000 -> target 2000 * 1.5
    assert budget.target_from_growth(m, "2025-01-01", "2025-02-01", 0.5, "MS") == pytest.approx((3000.0, 2000.0))


def test_sales_target_amount_or_growth():
    h = pd.DataFrame({"date": pd.date_range("2024-01-01", periods=3, freq="D"), "sales": [1.0, 2.0, 3.0]})
    assert budget.sales_target(h, "2025-01-01", "2025-01-02", "D", 10.0, 0.5) == (10.0, None)
    # growth: (1 + 2) * 1.5 = 4.5
    assert budget.sales_target(h, "2025-01-01", "2025-01-02", "D", None, 0.5) == pytest.approx((4.5, 3.0))
    with pytest.raises(ValueError, match="target_amount"):
        budget.sales_target(h, "2025-01-01", "2025-01-02", "D", -1.0, 0.5)


def test_roi_pooled_and_spread_by_hand(campaigns):
    est = budget.estimate_roi(campaigns(), "coupon_festival", currency="KRW", level=0.9)
    # pooled = (800 + 1000 + 1200) / (100 + 200 + 100) = 3000 / 400 = 7.5
    assert est.roi == pytest.approx(7.5)
    # per campaign 8, 5, 12 -> sd of logs (ddof=1)
    logs = [math.log(8), math.log(5), math.log(12)]
    mean = sum(logs) / 3
    sd = math.sqrt(sum((v - mean) ** 2 for v in logs) / 2)
    assert est.log_sd == pytest.approx(sd)
    # predictive interval for a new campaign: t(0.95, 2 df) = 2.919986, scale sqrt(1 + 1/3)
    assert est.low == pytest.approx(7.5 * math.exp(-2.919986 * math.sqrt(4 / 3) * sd), rel=1e-6)
    assert est.n_campaigns == 3


def test_roi_drops_zero_cost_campaigns(campaigns):
    est = budget.estimate_roi(campaigns(), "category_week")
    # c6 has cost 0 (no ROI) -> (300 + 600) / (50 + 50) = 9
    assert est.roi == pytest.approx(9.0)
    assert est.n_campaigns == 2


def test_roi_override():
    est = budget.estimate_roi(None, "new_buyer_push", roi=4.0)
    assert (est.roi, est.log_sd, est.source) == (4.0, 0.0, "override")


@pytest.mark.parametrize("kwargs, err, match", [
    ({"roi": 0.0}, ValueError, "ROI must be a finite number > 0"),
    ({"roi": -2.0}, ValueError, "ROI must be a finite number > 0"),
    ({"activity_type": "new_buyer_push"}, ValueError, "only 1 past campaign"),
    ({"activity_type": "flash_sale"}, ValueError, "not one of"),
    ({"currency": "USD"}, DataContractError, "expected 'USD'"),
])
def test_roi_bad_inputs(campaigns, kwargs, err, match):
    args = {"activity_type": "coupon_festival"} | kwargs
    with pytest.raises(err, match=match):
        budget.estimate_roi(campaigns(), **args)


def test_roi_missing_columns(campaigns):
    with pytest.raises(DataContractError, match="coupon_payment_amount"):
        budget.estimate_roi(campaigns().drop(columns="coupon_payment_amount"), "coupon_festival")


def test_budget_is_gap_over_roi(forecast, roi):
    b = budget.simulate_budget(forecast(), 1500.0, roi(5.0), seed=1)
    assert (b.gap, b.budget) == (500.0, 100.0)  # (1500 - 1000) / 5
    assert b.low < 100.0 < b.high
    assert b.statement == ""


def test_budget_interval_collapses_without_uncertainty(forecast, roi):
    b = budget.simulate_budget(forecast(sd=0.0), 1500.0, roi(5.0), seed=1)
    assert b.low == pytest.approx(100.0) and b.high == pytest.approx(100.0)


def test_roi_spread_widens_budget_interval(forecast, roi):
    narrow = budget.simulate_budget(forecast(), 1500.0, roi(5.0, 0.0), seed=7)
    wide = budget.simulate_budget(forecast(), 1500.0, roi(5.0, 0.3), seed=7)
    assert wide.high - wide.low > 1.5 * (narrow.high - narrow.low)


def test_target_below_baseline_gives_zero_budget(forecast, roi):
    b = budget.simulate_budget(forecast(), 900.0, roi(5.0), seed=1)
    assert b.gap == -100.0 and b.budget == 0.0
    assert "no promotion budget is needed" in b.statement
    assert (b.draws >= 0).all() and b.low == 0.0


@pytest.mark.parametrize("target, r, match", [(0.0, 5.0, "target"), (1500.0, 0.0, "ROI")])
def test_budget_bad_inputs(forecast, roi, target, r, match):
    with pytest.raises(ValueError, match=match):
        budget.simulate_budget(forecast(), target, roi(r))


def test_cap_binds_and_what_it_buys(forecast, roi):
    cap = budget.budget_cap({"gross_profit": 600.0, "commission": 300.0, "advertising": 100.0}, 0.05)
    assert cap == pytest.approx(50.0)  # 0.05 * 1000
    b = budget.simulate_budget(forecast(), 1500.0, roi(5.0), seed=1)
    out = budget.apply_cap(b, cap, 5.0)
    # budget 100 > cap 50 -> capped 50 buys 250 of sales; 1000 + 250 = 1250, short of 1500 by 250
    assert out == pytest.approx({"cap": 50.0, "cap_binds": True, "capped_budget": 50.0,
                                 "sales_bought": 250.0, "expected_sales": 1250.0, "shortfall": 250.0})
    loose = budget.apply_cap(b, 400.0, 5.0)
    assert loose["cap_binds"] is False and loose["capped_budget"] == 100.0 and loose["shortfall"] == 0.0



def test_incremental_roi_is_cost_weighted_with_a_linear_predictive_interval(campaigns):
    c = campaigns().assign(incremental_roi=[4.0, 2.0, 6.0, 3.0, 3.0, 1.0, 1.0])
    est = budget.estimate_roi(c, "coupon_festival", basis="incremental", level=0.9)
    # (4*100 + 2*200 + 6*100) / 400 = 1400 / 400 = 3.5; sd(4, 2, 6) = 2
    assert est.roi == pytest.approx(3.5) and est.sd == pytest.approx(2.0)
    assert est.high == pytest.approx(3.5 + 2.919986 * math.sqrt(4 / 3) * 2.0, rel=1e-6)
    assert est.basis == "incremental"


def test_redemption_from_campaigns_parameter_or_assumed():
    c = pd.DataFrame({"activity_type": ["coupon_festival", "coupon_festival", "category_week"],
                      "redemption_rate": [0.1, 0.3, 0.9]})
    assert budget.estimate_redemption(c, "coupon_festival") == pytest.approx((0.2, "mean of 2 past coupon_festival campaigns"))
    assert budget.estimate_redemption(c, "coupon_festival", 0.5)[0] == 0.5
    rate, source = budget.estimate_redemption(c.drop(columns="redemption_rate"), "coupon_festival")
    assert rate == 1.0 and "assumed 1" in source
