"""What a member is worth per month: margin on the orders membership causes, benefit cost, fee.

Pure functions; money in the panel's currency (KRW by default).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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


def value_grid(value: MemberValue, fees: Sequence[float], margins: Sequence[float], *,
               rate_ratio: float, benefit_cost_per_order: float) -> pd.DataFrame:
    """Value per member-month over a grid of fees and gross margins (for the sensitivity plot).

    Returns
    -------
    DataFrame indexed by ``gross_margin`` with one column per fee (KRW per member-month).

    Raises
    ------
    ValueError
        If a grid is empty or holds an out-of-range value.

    Examples
    --------
    >>> v = value_per_member_month(4.0, 30000.0, 2.0, fee=0.0, gross_margin=0.25,
    ...                            benefit_cost_per_order=3000.0)
    >>> value_grid(v, [0.0, 1000.0], [0.25], rate_ratio=2.0, benefit_cost_per_order=3000.0).iloc[0].tolist()
    [3000.0, 4000.0]
    """
    if len(fees) == 0 or len(margins) == 0:
        raise ValueError("fees and margins must each hold at least one value")
    grid = {m: [value_per_member_month(value.orders_per_month, value.order_value, rate_ratio, fee=f,
                                       gross_margin=m, benefit_cost_per_order=benefit_cost_per_order,
                                       currency=value.currency).value for f in fees]
            for m in margins}
    out = pd.DataFrame(grid, index=list(fees)).T
    out.index.name = "gross_margin"
    out.columns.name = f"fee ({value.currency}/month)"
    return out
