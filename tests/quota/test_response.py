"""Response curve, the budget it implies, and P(target met) — by hand and on the shipped history."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers.quota import baseline, budget, curve, response


def _roi(r=5.0, n=5, basis="incremental", sd=1.0):
    return budget.RoiEstimate("coupon_festival", r, 0.0, r, r, n, "test", pd.DataFrame(), basis, sd)


def _points(r0, b, x_exp, x_obs, se_exp=0.5, se_obs=0.01):
    """Experiments (ROI r0 (x)^(b-1) at x) and observational points on f(x) = r0 x^b (x0 = 1)."""
    x_exp, x_obs = np.asarray(x_exp, float), np.asarray(x_obs, float)
    exp = pd.DataFrame({"source": "campaign", "label": [f"e{i}" for i in range(len(x_exp))], "spend": x_exp,
                        "incremental": r0 * x_exp ** b, "se": se_exp * x_exp})
    obs = pd.DataFrame({"source": "history", "label": [f"h{i}" for i in range(len(x_obs))], "spend": x_obs,
                        "incremental": r0 * x_obs ** b, "se": se_obs * r0 * x_obs ** b})
    return pd.concat([exp, obs], ignore_index=True)


def test_budget_is_spread_over_event_days_by_hand():
    # f(x) = 10 x^0.5 per day; two levels of 0.5 over 4 days each:
    # sum_l d f(w B / d) = 10 B^0.5 * 2 * 0.5^0.5 * 4^0.5 = 28.284 B^0.5 = 100 -> B = 12.5
    r = response.Response("incremental", "power", 10.0, 0.5, np.zeros((2, 2)), 0.0, 1.0, 4.0, pd.DataFrame())
    w, d = {"S+": 0.5, "S": 0.5}, {"S+": 4, "S": 4}
    assert r.budget_for(100.0, w, d) == pytest.approx(12.5)
    assert r.incremental(12.5, w, d) == pytest.approx(100.0)
    # the old convention (the whole budget in one day per level): 2 * 10 (0.5 B)^0.5 = 100 -> B = 50,
    # overstated by d^((1-b)/b) = 4
    assert r.budget_for(100.0, w) == pytest.approx(50.0)
    assert r.budget_for(100.0, w) / r.budget_for(100.0, w, d) == pytest.approx(4 ** ((1 - 0.5) / 0.5))
    # b = 0.7 over 4 days: the overstatement the review quotes, 4^(0.3/0.7) = 1.81
    r7 = response.Response("incremental", "power", 10.0, 0.7, np.zeros((2, 2)), 0.0, 1.0, 4.0, pd.DataFrame())
    assert r7.budget_for(100.0, w) / r7.budget_for(100.0, w, d) == pytest.approx(1.811, abs=1e-3)


def test_extrapolated_share_by_hand():
    r = response.Response("incremental", "power", 1.0, 1.0, np.zeros((2, 2)), 0.0, 1.0, 4.0, pd.DataFrame(),
                          spend_range=(5.0, 10.0))
    # B = 100: S+ 0.6 * 100 / 3 = 20 a day (10 beyond on 3 days = 30), S 0.4 * 100 / 4 = 10 (none) -> 30 / 100
    assert r.extrapolated(100.0, {"S+": 0.6, "S": 0.4}, {"S+": 3, "S": 4}) == pytest.approx(0.3)
    assert r.extrapolated(0.0, {"S+": 1.0}) == 0.0


def test_dersimonian_laird_by_hand():
    # y = 1, 3, 8 with se 1, 1, 2: w = 1, 1, 0.25; fixed mean = (1 + 3 + 2) / 2.25 = 2.6667
    # Q = (1-2.6667)^2 + (3-2.6667)^2 + 0.25 (8-2.6667)^2 = 2.7778 + 0.1111 + 7.1111 = 10.0
    # C = 2.25 - (1 + 1 + 0.0625) / 2.25 = 1.33333; tau2 = (10 - 2) / 1.33333 = 6.0
    tau2, mean, se = curve.dersimonian_laird(np.array([1.0, 3.0, 8.0]), np.array([1.0, 1.0, 2.0]))
    assert tau2 == pytest.approx(6.0)
    ws = 1 / np.array([7.0, 7.0, 10.0])
    assert mean == pytest.approx(float(np.sum(ws * [1, 3, 8]) / ws.sum()))
    assert se == pytest.approx(1 / math.sqrt(ws.sum()))
    with pytest.raises(ValueError, match="at least 2 studies"):
        curve.dersimonian_laird(np.array([1.0]), np.array([1.0]))
    with pytest.raises(ValueError, match="standard errors must be finite and > 0"):
        curve.dersimonian_laird(np.array([1.0, 2.0]), np.array([1.0, 0.0]))


def test_dersimonian_laird_matches_statsmodels():
    from statsmodels.stats.meta_analysis import combine_effects

    y, s = np.array([1.0, 3.0, 8.0, 2.0, 6.0]), np.array([1.0, 1.0, 2.0, 1.0, 1.5])
    tau2, mean, se = curve.dersimonian_laird(y, s)
    res = combine_effects(y, s ** 2, method_re="dl")
    assert tau2 > 0 and tau2 == pytest.approx(res.tau2, abs=1e-9)
    assert mean == pytest.approx(res.mean_effect_re, abs=1e-9) and se == pytest.approx(res.sd_eff_w_re, abs=1e-9)


def test_curve_recovered_from_experiments_and_a_sharp_prior():
    pts = _points(8.0, 0.6, [0.9, 1.0, 1.1], [1.0, 2.0, 4.0, 8.0])
    c = response.fit_response(pts, _roi(), min_points=6, observational_weight=1.0)
    assert c.kind == "power" and c.b == pytest.approx(0.6, abs=1e-3)
    assert c.r0 == pytest.approx(8.0 * c.x0 ** (0.6 - 1), rel=1e-3) and c.a == pytest.approx(8.0, rel=1e-3)
    assert c.cov.shape == (2, 2) and c.cov[0, 1] != 0.0  # the joint covariance is kept
    # a weaker weight widens the prior, and with it the elasticity's variance
    c4 = response.fit_response(pts, _roi(), min_points=6, observational_weight=0.25)
    assert c4.cov[1, 1] > c.cov[1, 1]


def test_elasticity_above_one_is_kept_not_clipped():
    c = response.fit_response(_points(2.0, 1.3, [0.9, 1.0, 1.1], [1.0, 2.0, 3.0, 5.0]), _roi())
    assert c.b == pytest.approx(1.3, abs=0.01) and "prior" in c.statement


def test_negative_observational_points_are_kept():
    pts = _points(8.0, 0.6, [0.9, 1.0, 1.1], [1.0, 2.0, 4.0, 8.0])
    base = curve.curvature_prior(pts["spend"][3:], pts["incremental"][3:], pts["se"][3:], 1.0)
    bad = pts.copy()
    bad.loc[3, "incremental"] = -2.0  # a level with a negative estimated uplift still counts
    shifted = curve.curvature_prior(bad["spend"][3:], bad["incremental"][3:], bad["se"][3:], 1.0)
    assert shifted is not None and shifted[0] != pytest.approx(base[0], abs=1e-3)


def test_too_few_points_fall_back_to_a_constant_roi_stated():
    c = response.fit_response(_points(10.0, 0.5, [1.0, 2.0], [1.0]), _roi(5.0), min_points=6)
    assert c.kind == "constant" and "response_min_points = 6" in c.statement
    assert c.budget_for(100.0, {"S+": 1.0}) == pytest.approx(20.0)  # 100 / 5


def test_no_observational_prior_states_the_curvature_is_not_identified():
    pts = _points(8.0, 0.6, [0.9, 1.0, 1.1, 0.95, 1.05, 1.02], [])
    c = response.fit_response(pts, _roi(), min_points=6)
    assert c.b == 1.0 and "not identified" in c.statement


def test_p_target_met_and_budget_for_p_by_hand():
    fc = baseline.Forecast(pd.DataFrame(), 1000.0, 1000.0, 1000.0, 0.0, 100.0, 0.9)
    c = response.fit_response(pd.DataFrame(columns=response.POINT_COLUMNS), _roi(5.0, n=0), min_points=3)
    need = response.simulate_need(fc, 1500.0, c, {"S+": 1.0}, n_simulations=1000)
    assert need.budget == pytest.approx(100.0) and response.p_target_met(need, 100.0) == 1.0
    assert response.p_target_met(need, 99.0) == 0.0
    # redemption: coupons released for 0.2; a realised 0.25 spends 25% more, so the plan needs 100 / 1.25
    need = response.simulate_need(fc, 1500.0, c, {"S+": 1.0}, redemption=(0.2, 1e-12, 5), n_simulations=1000)
    assert need.draws.max() == pytest.approx(100.0)
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
    # 3 experiments 4, 2, 6 with equal se 9 / 3.92 = 2.30, no history -> b = 1 (not identified) and the
    # random-effects mean: Q = 8 / 5.27 = 1.52 < k - 1 = 2, so tau = 0 and r0 = mean = 4 -> 500 / 4;
    # attributional 500 / 7.5
    assert plan.curve.b == 1.0 and plan.curve.tau == 0.0
    assert plan.needs["incremental"].budget == pytest.approx(500 / 4)
    assert plan.needs["attributional"].budget == pytest.approx(500 / 7.5)


def test_shipped_history_gives_per_period_points_near_the_planted_roi(daily):
    history, fit = daily
    pts = response.response_points(None, "coupon_festival", fit, history)
    roi = pts["incremental"] / pts["spend"]
    # the generator spends uplift / 8 (x U(0.85, 1.15)) on promotion days: an incremental ROI near 8
    assert len(pts) == 4 and roi.between(7.0, 9.0).all() and (pts["se"] > 0).all()
    assert math.isclose(roi.mean(), 8.0, rel_tol=0.08)
