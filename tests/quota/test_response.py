"""Response curve, the budget it implies, and P(target met) — by hand and on the shipped history."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers.quota import baseline, budget, response


def _roi(r=5.0, n=5, basis="incremental", sd=1.0):
    return budget.RoiEstimate("coupon_festival", r, 0.0, r, r, n, "test", pd.DataFrame(), basis, sd)


def _points(a, b, x):
    return pd.DataFrame({"source": "campaign", "label": [str(i) for i in range(len(x))], "spend": x,
                         "incremental": a * np.asarray(x) ** b})


def test_power_curve_recovered_and_budget_solved_by_hand():
    curve = response.fit_response(_points(10.0, 0.5, [1.0, 2.0, 4.0, 8.0, 16.0, 32.0]), _roi())
    assert (curve.kind, curve.a, curve.b) == ("power", pytest.approx(10.0), pytest.approx(0.5))
    # two levels of 0.5: 2 * 10 * (0.5 B)^0.5 = 100 -> (0.5 B)^0.5 = 5 -> B = 50
    assert curve.budget_for(100.0, {"S+": 0.5, "S": 0.5}) == pytest.approx(50.0)
    assert curve.incremental(50.0, {"S+": 0.5, "S": 0.5}) == pytest.approx(100.0)


def test_too_few_points_fall_back_to_a_constant_roi_stated():
    curve = response.fit_response(_points(10.0, 0.5, [1.0, 2.0, 4.0]), _roi(5.0), min_points=6)
    assert curve.kind == "constant" and "fewer than response_min_points = 6" in curve.statement
    assert curve.budget_for(100.0, {"S+": 1.0}) == pytest.approx(20.0)  # 100 / 5


def test_convex_fit_is_set_to_a_constant_marginal_return():
    curve = response.fit_response(_points(2.0, 1.3, [1.0, 2.0, 3.0, 5.0, 8.0, 13.0]), _roi())
    assert curve.b == 1.0 and "exceeds 1" in curve.statement


def test_p_target_met_and_budget_for_p_by_hand():
    fc = baseline.Forecast(pd.DataFrame(), 1000.0, 1000.0, 1000.0, 0.0, 100.0, 0.9)
    curve = response.fit_response(pd.DataFrame(columns=["spend", "incremental"]), _roi(5.0, n=0), min_points=3)
    need = response.simulate_need(fc, 1500.0, curve, {"S+": 1.0}, n_simulations=1000)
    assert need.budget == pytest.approx(100.0) and response.p_target_met(need, 100.0) == 1.0
    assert response.p_target_met(need, 99.0) == 0.0
    need.draws = np.arange(1.0, 101.0)  # 1..100
    assert response.budget_for_p(need, 0.8) == 80.0 and response.p_target_met(need, 80.0) == 0.8
    curve_df = response.p_curve(need, 100.0, points=11)
    assert curve_df["p"].is_monotonic_increasing and curve_df["p"].iloc[-1] == 1.0


def test_missing_incremental_columns_fall_back_to_attributional_with_a_message(campaigns):
    fc = baseline.Forecast(pd.DataFrame(), 1000.0, 950.0, 1050.0, 30.0, 100.0, 0.9)
    plan = response.plan_budget(fc, 1500.0, campaigns(), "coupon_festival", weights={"S+": 1.0},
                                n_simulations=1000)
    assert plan.basis == "attributional" and "no incremental_roi column" in plan.statement
    with_inc = campaigns().assign(incremental_roi=[4.0, 2.0, 6.0, 3.0, 3.0, 1.0, 1.0],
                                  incremental_roi_low=0.0, incremental_roi_high=9.0)
    plan = response.plan_budget(fc, 1500.0, with_inc, "coupon_festival", weights={"S+": 1.0},
                                n_simulations=1000, min_points=3)
    assert plan.basis == "incremental" and set(plan.needs) == {"attributional", "incremental"}
    # 3 campaign points only -> constant incremental ROI 3.5 -> 500 / 3.5; attributional 500 / 7.5
    assert plan.needs["incremental"].budget == pytest.approx(500 / 3.5)
    assert plan.needs["attributional"].budget == pytest.approx(500 / 7.5)


def test_shipped_history_gives_per_period_points_near_the_planted_roi(daily):
    history, fit = daily
    pts = response.response_points(None, "coupon_festival", fit, history)
    roi = pts["incremental"] / pts["spend"]
    # the generator spends uplift / 8 (x U(0.85, 1.15)) on promotion days: an incremental ROI near 8
    assert len(pts) == 4 and roi.between(7.0, 9.0).all()
    assert math.isclose(roi.mean(), 8.0, rel_tol=0.08)
