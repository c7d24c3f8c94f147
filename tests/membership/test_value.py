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
    grid = value.value_grid(v, [0.0, 10000.0], [0.2, 0.4], rate_ratio=1.5, benefit_cost_per_order=2500.0)
    # margin 0.4: 1 * 40000 * 0.4 - 7500 + fee = 8500 + fee
    assert grid.loc[0.4].tolist() == pytest.approx([8500.0, 18500.0])
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


def test_empty_grid_is_refused():
    v = value.value_per_member_month(1.0, 1.0, 2.0, fee=0.0, gross_margin=0.5, benefit_cost_per_order=0.0)
    with pytest.raises(ValueError, match="at least one value"):
        value.value_grid(v, [], [0.2], rate_ratio=2.0, benefit_cost_per_order=0.0)


class _FixedStudy:
    """A stand-in event study with a known summary ratio and no sampling noise."""

    def __init__(self, ratio: float, n_customers: int):
        from types import SimpleNamespace

        import numpy as np

        self.rate_ratio = ratio
        self.fit = SimpleNamespace(beta=np.array([np.log(ratio)]), scores=np.zeros((n_customers, 1)),
                                   hessian_inv=np.eye(1))
        self.weights = np.array([1.0])

    def aggregate_draws(self, beta):
        import numpy as np
        return np.exp(beta @ self.weights)


def test_spend_based_value_by_hand(tiny):
    # member months: A (3, 30000), (3, 45000); B (2, 20000), (2, 30000)
    # o = 10 / 4 = 2.5 orders, S = 125000 / 4 = 31250 KRW per member-month
    # spend ratio 2: incremental spend 31250 * (1 - 1/2) = 15625; margin 0.2 -> 3125
    # benefits 2.5 * 1000 = 2500; fee 500 -> V = 3125 - 2500 + 500 = 1125; F* = 2500 - 3125 = -625
    v, draws = value.value_with_interval(tiny, _FixedStudy(1.25, 4), _FixedStudy(2.0, 4), fee=500.0,
                                         gross_margin=0.2, benefit_cost_per_order=1000.0, n_boot=200)
    assert (v.orders_per_month, v.spend_per_month) == (2.5, 31250.0)
    assert v.value == pytest.approx(1125.0) and v.breakeven_fee == pytest.approx(-625.0)
    assert v.basket_ratio == pytest.approx(2.0 / 1.25) and v.incremental_orders == pytest.approx(0.5)
    assert v.value_low <= v.value <= v.value_high and draws.shape == (200, 4)
    assert (draws[:, 3] == 2.0).all()  # no score noise: the spend ratio does not move
    grid = value.value_grid_interval(draws, v, [500.0, 1500.0], [0.2], benefit_cost_per_order=1000.0)
    assert grid["value"].tolist() == pytest.approx([1125.0, 2125.0])


def test_value_interval_covers_the_planted_value_over_seeds():
    # The multiplier bootstrap's 90% spend-ratio interval should cover the generator's spend
    # ratio in most of 12 small worlds (true orders ratio 2, basket ratio 1.1, no tenure growth).
    from helpers.membership.event_study import event_study
    from helpers.membership.load import check_panel
    from helpers.membership.simulate import simulate_panel

    hits = 0
    for seed in range(12):
        p = check_panel(simulate_panel(n_customers=800, n_months=12, min_pre_months=4,
                                       tenure_basket_growth=0.0, seed=100 + seed))
        o = event_study(p, leads=3, lags=4, conf_level=0.9)
        s = event_study(p, "spend", leads=3, lags=4, conf_level=0.9)
        v, _ = value.value_with_interval(p, o, s, fee=0.0, gross_margin=0.25,
                                         benefit_cost_per_order=0.0, n_boot=300, conf_level=0.9,
                                         seed=seed)
        hits += v.spend_ratio_low <= 2.0 * 1.1 <= v.spend_ratio_high
    assert hits >= 9, hits


@pytest.mark.parametrize("kwargs, match", [
    ({"n_boot": 10}, r"n_boot = 10 must be >= 50"),
    ({"conf_level": 0.3}, r"conf_level = 0.3 must be in"),
    ({"gross_margin": 0.0}, r"gross_margin = 0.0 must be in \(0, 1\]"),
])
def test_value_with_interval_refuses_bad_arguments(tiny, kwargs, match):
    args = {"fee": 0.0, "gross_margin": 0.2, "benefit_cost_per_order": 0.0, **kwargs}
    with pytest.raises(ValueError, match=match):
        value.value_with_interval(tiny, _FixedStudy(1.0, 4), _FixedStudy(1.0, 4), **args)
