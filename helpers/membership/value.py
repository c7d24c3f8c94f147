"""What a member is worth per month: margin on the orders membership causes, benefit cost, fee.

Pure functions; money in the panel's currency (KRW by default).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from helpers.membership.schemas import CURRENCY

#: Fee multiples and gross margins of the sensitivity grid (the chosen values are added).
SENS_FEE_FACTORS = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0)


SENS_MARGINS = (0.10, 0.15, 0.20, 0.25, 0.30, 0.40)


@dataclass(frozen=True)
class MemberValue:
    """Monthly value of one member to the platform, in KRW, and its components."""

    orders_per_month: float
    order_value: float
    incremental_orders: float
    incremental_margin: float
    benefit_cost: float
    fee: float
    value: float
    breakeven_fee: float
    currency: str = CURRENCY

    def table(self) -> pd.DataFrame:
        """Components as a table (``component``, ``value``, ``unit``)."""
        rows = [("orders per member-month", self.orders_per_month, "orders"),
                ("order value", self.order_value, self.currency),
                ("incremental orders (caused by membership)", self.incremental_orders, "orders"),
                ("margin on incremental orders", self.incremental_margin, self.currency),
                ("cost of benefits", -self.benefit_cost, self.currency),
                ("fee", self.fee, self.currency),
                ("value per member-month", self.value, self.currency),
                ("break-even fee", self.breakeven_fee, self.currency)]
        return pd.DataFrame(rows, columns=["component", "value", "unit"]).set_index("component")


def value_per_member_month(orders_per_month: float, order_value: float, rate_ratio: float, *,
                           fee: float, gross_margin: float, benefit_cost_per_order: float,
                           currency: str = CURRENCY) -> MemberValue:
    """Value of one member per month: margin on incremental orders minus benefit cost plus fee.

    Parameters
    ----------
    orders_per_month : float
        Orders per member-month (>= 0).
    order_value : float
        Mean member order value (>= 0), in ``currency``.
    rate_ratio : float
        Causal rate ratio of membership on orders (> 0), e.g. :func:`adjusted_rate_ratio`.
    fee : float
        Monthly fee (>= 0), in ``currency``.
    gross_margin : float
        Gross margin on spend, in (0, 1].
    benefit_cost_per_order : float
        Cost of member benefits (free shipping, returns) per member order (>= 0), in ``currency``.
    currency : str
        Currency of all money amounts (default KRW).

    Returns
    -------
    MemberValue

    Raises
    ------
    ValueError
        If an argument is out of range.

    Notes
    -----
    With :math:`o` orders per member-month, rate ratio :math:`\\rho`, order value :math:`v`,
    margin :math:`m`, benefit cost :math:`c` per order and fee :math:`F`:

    .. math::
        \\Delta o = o\\,(1 - 1/\\rho), \\qquad
        V = \\Delta o \\, v \\, m - o\\, c + F, \\qquad F^{*} = o\\,c - \\Delta o\\, v\\, m

    Benefits cost on every member order; only the incremental orders earn new margin. A
    negative break-even fee means membership pays even when free.

    Examples
    --------
    >>> v = value_per_member_month(4.0, 30000.0, 2.0, fee=7890.0, gross_margin=0.25,
    ...                            benefit_cost_per_order=3000.0)
    >>> v.incremental_orders, v.value  # 4*(1-1/2)=2; 2*30000*0.25 - 4*3000 + 7890
    (2.0, 10890.0)
    """
    for name, val, low in (("orders_per_month", orders_per_month, 0), ("order_value", order_value, 0),
                           ("fee", fee, 0), ("benefit_cost_per_order", benefit_cost_per_order, 0)):
        if not np.isfinite(val) or val < low:
            raise ValueError(f"{name} = {val!r} must be a finite number >= {low}")
    if not np.isfinite(rate_ratio) or rate_ratio <= 0:
        raise ValueError(f"rate_ratio = {rate_ratio!r} must be > 0")
    if not 0 < gross_margin <= 1:
        raise ValueError(f"gross_margin = {gross_margin!r} must be in (0, 1]")
    inc = orders_per_month * (1 - 1 / rate_ratio)
    inc_margin = inc * order_value * gross_margin
    cost = orders_per_month * benefit_cost_per_order
    return MemberValue(orders_per_month=float(orders_per_month), order_value=float(order_value),
                       incremental_orders=float(inc), incremental_margin=float(inc_margin),
                       benefit_cost=float(cost), fee=float(fee),
                       value=float(inc_margin - cost + fee), breakeven_fee=float(cost - inc_margin),
                       currency=currency)


def sensitivity_axes(fee: float, gross_margin: float) -> tuple[list[float], list[float]]:
    """Fees (multiples of ``fee``, KRW) and gross margins for the sensitivity grid, with the
    chosen values included.

    Examples
    --------
    >>> sensitivity_axes(1000.0, 0.22)
    ([0.0, 500.0, 1000.0, 1500.0, 2000.0, 3000.0], [0.1, 0.15, 0.2, 0.22, 0.25, 0.3, 0.4])
    """
    fees = sorted({round(fee * k, 2) for k in SENS_FEE_FACTORS})
    margins = sorted(set(SENS_MARGINS) | {float(gross_margin)})
    return fees, margins


@dataclass(frozen=True)
class ValueInterval:
    """Value per member-month from the effects on orders and spend, with intervals.

    Money in ``currency`` per member-month; ``*_low``/``*_high`` are percentile bounds of a
    multiplier bootstrap over customers.
    """

    orders_per_month: float
    spend_per_month: float
    rate_ratio: float
    spend_ratio: float
    spend_ratio_low: float
    spend_ratio_high: float
    basket_ratio: float
    incremental_orders: float
    incremental_spend: float
    incremental_margin: float
    benefit_cost: float
    fee: float
    value: float
    value_low: float
    value_high: float
    breakeven_fee: float
    breakeven_fee_low: float
    breakeven_fee_high: float
    n_boot: int
    conf_level: float
    currency: str = CURRENCY
    #: value per member-month in each bootstrap draw (for a lifetime value that shares the draws)
    value_draws: np.ndarray | None = field(default=None, repr=False, compare=False)

    def table(self) -> pd.DataFrame:
        """Components with their intervals (``estimate``, ``low``, ``high``, ``unit``)."""
        c, nan = self.currency, float("nan")
        rows = [("orders per member-month", self.orders_per_month, nan, nan, "orders"),
                ("spend per member-month", self.spend_per_month, nan, nan, c),
                ("effect on orders (rate ratio)", self.rate_ratio, nan, nan, "ratio"),
                ("effect on spend (spend ratio)", self.spend_ratio, self.spend_ratio_low,
                 self.spend_ratio_high, "ratio"),
                ("effect on basket (spend ratio / rate ratio)", self.basket_ratio, nan, nan, "ratio"),
                ("incremental orders", self.incremental_orders, nan, nan, "orders"),
                ("incremental spend", self.incremental_spend, nan, nan, c),
                ("margin on incremental spend", self.incremental_margin, nan, nan, c),
                ("cost of benefits", -self.benefit_cost, nan, nan, c),
                ("fee", self.fee, nan, nan, c),
                ("value per member-month", self.value, self.value_low, self.value_high, c),
                ("break-even fee", self.breakeven_fee, self.breakeven_fee_low,
                 self.breakeven_fee_high, c)]
        return pd.DataFrame(rows, columns=["component", "estimate", "low", "high", "unit"]).set_index("component")


def _spend_value(o, s, rho_o, rho_s, fee, margin, cost):
    inc_spend = s * (1 - 1 / rho_s)
    return inc_spend, margin * inc_spend - o * cost + fee, o * cost - margin * inc_spend


def value_grid_interval(draws: np.ndarray, value: ValueInterval, fees: Sequence[float],
                        margins: Sequence[float], *, benefit_cost_per_order: float) -> pd.DataFrame:
    """Value per member-month with its bootstrap interval over fees × gross margins.

    Returns
    -------
    DataFrame with columns ``gross_margin, fee, value, low, high, share_positive`` (money in
    the value's currency; ``share_positive`` = share of draws with a positive value).
    """
    a = (1 - value.conf_level) / 2
    rows = []
    for m in margins:
        for f in fees:
            _i, v, _b = _spend_value(value.orders_per_month, value.spend_per_month, value.rate_ratio,
                                     value.spend_ratio, f, m, benefit_cost_per_order)
            _i, vb, _b = _spend_value(draws[:, 0], draws[:, 1], draws[:, 2], draws[:, 3], f, m,
                                      benefit_cost_per_order)
            rows.append((m, f, float(v), float(np.quantile(vb, a)), float(np.quantile(vb, 1 - a)),
                         float((vb > 0).mean())))
    return pd.DataFrame(rows, columns=["gross_margin", "fee", "value", "low", "high", "share_positive"])


def value_from_robust(orders: Any, spend: Any, weights: np.ndarray, *, fee: float,
                      gross_margin: float, benefit_cost_per_order: float,
                      currency: str = CURRENCY) -> tuple[ValueInterval, np.ndarray]:
    """Value per member-month as a ratio of totals over the robust estimate's member months.

    Parameters
    ----------
    orders, spend : RobustEffect
        :func:`helpers.membership.robust.robust_effect` on ``orders`` and on ``spend``, fitted
        with the same bootstrap ``weights``.
    weights : array (n_boot, n_customers)
        The weights both fits used (:func:`helpers.membership.robust.customer_weights`).
    fee, gross_margin, benefit_cost_per_order : float
        As in :func:`value_per_member_month`.

    Returns
    -------
    (ValueInterval, draws)
        ``draws`` columns: orders and spend per member-month,
        rate and spend ratios, one row per bootstrap draw.

    Notes
    -----
    Every quantity is a total over the same member months :math:`M` (those the robust
    aggregate uses: from month 1 of membership when the join month has its own term), so the
    denominators agree: :math:`o = \\sum_M y / |M|`, :math:`S = \\sum_M s / |M|` and

    .. math::
        \\Delta S = S\\,(1 - 1/\\hat\\rho_s) = \\frac{1}{|M|}\\sum_{(i,t) \\in M}
        (s_{it} - \\hat\\mu^0_{s,it}),

    the spend membership caused per member-month. Then :math:`V = m\\,\\Delta S - o\\,c + F` and
    :math:`F^* = o\\,c - m\\,\\Delta S`; their interval is the percentile interval of the same
    bootstrap draws that give the ratios' intervals (weights :math:`\\xi_i` shared by
    :math:`o`, :math:`S` and both fits).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> w = np.ones((50, 2))
    >>> mk = lambda tot, ratio: SimpleNamespace(customer_totals=np.array(tot), conf_level=0.95,
    ...     customer_months=np.array([2.0, 2.0]), rate_ratio=ratio, low=ratio, high=ratio,
    ...     log_draws=np.full(50, np.log(ratio)))
    >>> v, _ = value_from_robust(mk([3.0, 1.0], 2.0), mk([60000.0, 20000.0], 2.5), w, fee=7890,
    ...                          gross_margin=0.2, benefit_cost_per_order=3000)
    >>> v.orders_per_month, v.spend_per_month, v.incremental_spend  # 20,000 (1 - 1/2.5)
    (1.0, 20000.0, 12000.0)
    >>> v.value  # 0.2 * 12,000 - 1 * 3,000 + 7,890
    7290.0
    """
    if weights.shape[0] != len(orders.log_draws) or weights.shape[0] != len(spend.log_draws):
        raise ValueError(f"weights has {weights.shape[0]} draws; the fits have "
                         f"{len(orders.log_draws)} and {len(spend.log_draws)}: fit both with it")
    if not 0 < gross_margin <= 1:
        raise ValueError(f"gross_margin = {gross_margin!r} must be in (0, 1]")
    months = orders.customer_months
    o = float(orders.customer_totals.sum() / months.sum())
    s = float(spend.customer_totals.sum() / months.sum())
    rho_o, rho_s = float(orders.rate_ratio), float(spend.rate_ratio)
    inc_spend, v, be = _spend_value(o, s, rho_o, rho_s, fee, gross_margin, benefit_cost_per_order)
    draws = np.column_stack([weights @ orders.customer_totals / (weights @ months),
                             weights @ spend.customer_totals / (weights @ months),
                             np.exp(orders.log_draws), np.exp(spend.log_draws)])
    _inc, v_b, be_b = _spend_value(draws[:, 0], draws[:, 1], draws[:, 2], draws[:, 3], fee,
                                   gross_margin, benefit_cost_per_order)
    a = (1 - orders.conf_level) / 2
    q = lambda x: (float(np.quantile(x, a)), float(np.quantile(x, 1 - a)))  # noqa: E731
    return ValueInterval(
        orders_per_month=o, spend_per_month=s, rate_ratio=rho_o, spend_ratio=rho_s,
        spend_ratio_low=float(spend.low), spend_ratio_high=float(spend.high),
        basket_ratio=rho_s / rho_o, incremental_orders=o * (1 - 1 / rho_o),
        incremental_spend=float(inc_spend), incremental_margin=float(gross_margin * inc_spend),
        benefit_cost=o * benefit_cost_per_order, fee=float(fee), value=float(v),
        value_low=q(v_b)[0], value_high=q(v_b)[1], breakeven_fee=float(be),
        breakeven_fee_low=q(be_b)[0], breakeven_fee_high=q(be_b)[1], n_boot=int(weights.shape[0]),
        conf_level=float(orders.conf_level), currency=currency, value_draws=v_b), draws
