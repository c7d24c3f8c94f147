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
