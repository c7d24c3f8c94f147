"""Value per member-month, break-even fee and the sensitivity grid, by hand."""

from __future__ import annotations

import pytest

from helpers.membership import value


def test_value_per_member_by_hand():
    # o=3 orders/month, v=40,000 KRW, rho=1.5 -> incremental 3*(1-1/1.5) = 1 order
    # margin 1 * 40000 * 0.2 = 8000; benefits 3 * 2500 = 7500; fee 7890
    # value = 8000 - 7500 + 7890 = 8390; break-even fee = 7500 - 8000 = -500 (pays even if free)
    v = value.value_per_member_month(3.0, 40000.0, 1.5, fee=7890.0, gross_margin=0.2,
                                     benefit_cost_per_order=2500.0)
    assert v.incremental_orders == pytest.approx(1.0)
    assert v.value == pytest.approx(8390.0)
    assert v.breakeven_fee == pytest.approx(-500.0)
    assert v.table().loc["value per member-month", "unit"] == "KRW"


def test_sensitivity_axes_include_the_chosen_values():
    fees, margins = value.sensitivity_axes(7890.0, 0.22)
    assert 7890.0 in fees and 0.0 in fees and 0.22 in margins and margins == sorted(margins)


@pytest.mark.parametrize("kwargs, match", [
    ({"rate_ratio": 0.0}, r"rate_ratio = 0.0 must be > 0"),
    ({"gross_margin": 1.5}, r"gross_margin = 1.5 must be in \(0, 1\]"),
    ({"fee": -1.0}, r"fee = -1.0 must be a finite number >= 0"),
    ({"orders_per_month": float("nan")}, r"orders_per_month = nan must be a finite number"),
])
def test_value_rejects_bad_arguments(kwargs, match):
    args = {"orders_per_month": 3.0, "order_value": 40000.0, "rate_ratio": 1.5, "fee": 0.0,
            "gross_margin": 0.2, "benefit_cost_per_order": 0.0, **kwargs}
    with pytest.raises(ValueError, match=match):
        value.value_per_member_month(args.pop("orders_per_month"), args.pop("order_value"),
                                     args.pop("rate_ratio"), **args)


def test_spend_based_value_by_hand(tiny):
    # The robust aggregate uses month 1 of membership on (the join month has its own term): March.
    # Member months: A (3 orders, 45,000 KRW), B (2, 30,000) -> o = 2.5 orders, S = 37,500 KRW.
    # The never-joined customers say the cohort would have spent its January 20,000 in March
    # (test_robust), so the spend ratio is 75,000 / 20,000 = 3.75 and the incremental spend
    # (75,000 - 20,000) / 2 = 27,500 = S (1 - 1/3.75). Margin 0.2 -> 5,500; benefits 2.5 * 1,000;
    # fee 500 -> V = 5,500 - 2,500 + 500 = 3,500; F* = 2,500 - 5,500 = -3,000.
    from helpers.membership import robust

    w = robust.customer_weights(tiny, 200, 0)
    o = robust.robust_effect(tiny, weights=w)
    s = robust.robust_effect(tiny, "spend", weights=w)
    v, draws = value.value_from_robust(o, s, w, fee=500.0, gross_margin=0.2,
                                       benefit_cost_per_order=1000.0)
    assert (v.orders_per_month, v.spend_per_month) == (2.5, 37500.0)
    assert v.incremental_spend == pytest.approx(27500.0)
    assert v.value == pytest.approx(3500.0) and v.breakeven_fee == pytest.approx(-3000.0)
    assert v.basket_ratio == pytest.approx(3.75 / 2.5) and v.incremental_orders == pytest.approx(1.5)
    assert v.value_low <= v.value <= v.value_high and draws.shape == (200, 4)
    grid = value.value_grid_interval(draws, v, [500.0, 1500.0], [0.2], benefit_cost_per_order=1000.0)
    assert grid["value"].tolist() == pytest.approx([3500.0, 4500.0])


def test_value_interval_covers_the_planted_spend_ratio_over_seeds():
    # The 90% spend-ratio interval should cover the generator's spend ratio (orders 2 x basket
    # 1.1, no tenure growth) in most of 12 small worlds: Binomial(12, 0.9) >= 9 with p = 0.97.
    from helpers.membership import robust
    from helpers.membership.load import check_panel
    from helpers.membership.simulate import simulate_panel

    hits = 0
    for seed in range(12):
        p = check_panel(simulate_panel(n_customers=800, n_months=12, min_pre_months=4,
                                       tenure_basket_growth=0.0, seed=100 + seed))
        w = robust.customer_weights(p, 300, seed)
        o = robust.robust_effect(p, weights=w, conf_level=0.9)
        s = robust.robust_effect(p, "spend", weights=w, conf_level=0.9)
        v, _ = value.value_from_robust(o, s, w, fee=0.0, gross_margin=0.25, benefit_cost_per_order=0.0)
        assert v.value_low <= v.value <= v.value_high
        hits += v.spend_ratio_low <= 2.0 * 1.1 <= v.spend_ratio_high
    assert hits >= 9, hits


def test_value_from_robust_refuses_mismatched_fits(tiny):
    from helpers.membership import robust

    w = robust.customer_weights(tiny, 60, 0)
    o = robust.robust_effect(tiny, weights=w)
    s = robust.robust_effect(tiny, "spend", weights=robust.customer_weights(tiny, 80, 0))
    with pytest.raises(ValueError, match="weights has 60 draws; the fits have 60 and 80"):
        value.value_from_robust(o, s, w, fee=0.0, gross_margin=0.2, benefit_cost_per_order=0.0)
    with pytest.raises(ValueError, match=r"gross_margin = 0.0 must be in \(0, 1\]"):
        value.value_from_robust(o, o, w, fee=0.0, gross_margin=0.0, benefit_cost_per_order=0.0)
