"""Coupon campaign outcomes per audience customer and the holdout sums, computed by the engine.

Same outcome as the pandas reference ``customer_outcomes`` of the coupons package: only orders
that stayed paid count, inside the campaign window; audience customers without such an order
have 0. The holdout sums (customers, sums and sums of squares per group) are the sufficient
statistics of the difference-in-means estimate; the per-customer outcomes themselves (one row
per audience customer) come back only when the bootstrap needs them.
"""

from __future__ import annotations

import pandas as pd

import ibis
import ibis.expr.types as ir
from helpers.warehouse.sources import require_columns


def outcomes_expr(orders: ir.Table, audience: ir.Table, start: str | pd.Timestamp, end: str | pd.Timestamp,
                  gross_margin: float, *, campaign_id: str | None = None) -> ir.Table:
    """Lazy ``customer_id, group, paid, profit`` per audience customer (see :func:`customer_outcomes_from_tables`)."""
    if not 0 < gross_margin < 1:
        raise ValueError(f"gross_margin = {gross_margin!r} must be in (0, 1)")
    require_columns(orders, ["customer_id", "status", "ordered_at", "paid_amount", "gross_amount"],
                    source="coupon_orders")
    require_columns(audience, ["customer_id", "group"], source="coupon_audience")
    lo = pd.Timestamp(start).normalize()
    hi = pd.Timestamp(end).normalize() + pd.Timedelta(days=1)
    if campaign_id is not None:
        require_columns(audience, ["campaign_id"], source="coupon_audience")
        audience = audience.filter(audience.campaign_id == campaign_id)
    paid = orders.filter((orders.ordered_at >= lo.to_pydatetime()) & (orders.ordered_at < hi.to_pydatetime())
                         & (orders.status == "paid"))
    profit = paid.paid_amount.cast("float64") - (1 - gross_margin) * paid.gross_amount.cast("float64")
    per = paid.group_by(c=paid.customer_id).aggregate(paid_sum=paid.paid_amount.cast("float64").sum(),
                                                      profit_sum=profit.sum())
    aud = audience.select("customer_id", "group")
    j = aud.left_join(per, aud.customer_id == per.c)
    return j.select(customer_id=j.customer_id, group=j.group, paid=j.paid_sum.fill_null(0.0),
                    profit=j.profit_sum.fill_null(0.0))


def customer_outcomes_from_tables(orders: ir.Table, audience: ir.Table, start: str | pd.Timestamp,
                                  end: str | pd.Timestamp, gross_margin: float, *,
                                  campaign_id: str | None = None) -> pd.DataFrame:
    """Paid amount and gross profit per audience customer in the campaign window.

    Parameters
    ----------
    orders : ibis Table
        Checked ``coupon_orders``: ``customer_id, status, ordered_at, paid_amount, gross_amount``.
    audience : ibis Table
        ``coupon_audience``: ``customer_id, group`` (and ``campaign_id`` to filter on).
    start, end : date
        First and last day of the campaign (inclusive: orders until the end of ``end``).
    gross_margin : float in (0, 1)
        Margin on the gross amount.
    campaign_id : str, optional
        Keep only this campaign's audience rows.

    Returns
    -------
    DataFrame
        ``customer_id, group, paid, profit`` (the orders' currency), sorted by customer id.

    Raises
    ------
    DataContractError
        Missing columns.
    ValueError
        ``gross_margin`` outside (0, 1).

    Notes
    -----
    :math:`y_i = \\sum_{o \\in i} P_o`, :math:`\\pi_i = \\sum_{o \\in i} (P_o - (1 - m) G_o)` over
    paid orders with :math:`\\text{start} \\le t_o < \\text{end} + 1\\text{ day}`.

    Examples
    --------
    >>> od = ibis.memtable(pd.DataFrame({"customer_id": ["a", "a", "b"], "status": ["paid", "cancelled", "paid"],
    ...     "ordered_at": pd.to_datetime(["2026-03-02 10:00", "2026-03-03 10:00", "2026-03-09 10:00"]),
    ...     "paid_amount": [40_000.0, 30_000.0, 50_000.0], "gross_amount": [50_000.0, 30_000.0, 50_000.0]}))
    >>> aud = ibis.memtable({"customer_id": ["a", "b"], "group": ["targeted", "holdout"]})
    >>> customer_outcomes_from_tables(od, aud, "2026-03-02", "2026-03-08", 0.2)[["paid", "profit"]].values.tolist()
    [[40000.0, 0.0], [0.0, 0.0]]
    """
    out = outcomes_expr(orders, audience, start, end, gross_margin, campaign_id=campaign_id).execute()
    return out.sort_values(["customer_id", "group"], kind="stable").reset_index(drop=True)


def holdout_sums(outcomes: ir.Table) -> pd.DataFrame:
    """Customers, sums and sums of squares of ``paid`` and ``profit`` per group (targeted, holdout).

    Parameters
    ----------
    outcomes : ibis Table
        From :func:`outcomes_expr`: ``group``, ``paid``, ``profit``.

    Returns
    -------
    DataFrame
        Indexed by ``group``: ``customers`` (int64), ``paid``, ``profit``, ``paid_sq``,
        ``profit_sq`` (sums; money in the orders' currency, squares in its square).

    Notes
    -----
    The holdout estimate needs only these: :math:`\\Delta = N_T (\\bar y_T - \\bar y_H)` with
    :math:`\\bar y_g = \\sum_{i \\in g} y_i / N_g`; the variance of a group mean is
    :math:`(\\sum y^2 - N \\bar y^2) / (N (N - 1))`.

    Examples
    --------
    >>> o = ibis.memtable({"group": ["targeted", "targeted", "holdout"], "paid": [3.0, 1.0, 2.0],
    ...                    "profit": [1.0, 0.0, 1.0]})
    >>> holdout_sums(o).loc["targeted", ["customers", "paid", "paid_sq"]].tolist()
    [2.0, 4.0, 10.0]
    """
    require_columns(outcomes, ["group", "paid", "profit"], source="customer outcomes")
    g = outcomes.group_by("group").aggregate(
        customers=outcomes.count(), paid=outcomes.paid.sum(), profit=outcomes.profit.sum(),
        paid_sq=(outcomes.paid * outcomes.paid).sum(), profit_sq=(outcomes.profit * outcomes.profit).sum())
    out = g.execute().sort_values("group").set_index("group")
    return out.astype({"customers": "int64"})


def incremental_from_sums(sums: pd.DataFrame, coupon_cost: float) -> dict[str, float]:
    """Point estimates of the holdout comparison from :func:`holdout_sums`.

    Returns ``incremental_paid`` (:math:`N_T(\\bar y_T - \\bar y_H)`, currency),
    ``incremental_roi`` (:math:`\\Delta / C`) and ``incremental_profit``, as the ``estimate``
    column of the reference ``incrementality``.

    Examples
    --------
    >>> s = pd.DataFrame({"customers": [3, 2], "paid": [90.0, 20.0], "profit": [9.0, 2.0]},
    ...                  index=pd.Index(["targeted", "holdout"], name="group"))
    >>> incremental_from_sums(s, 30.0)["incremental_paid"]
    60.0
    """
    if not coupon_cost > 0:
        raise ValueError(f"coupon_cost = {coupon_cost!r} must be > 0")
    t, h = sums.loc["targeted"], sums.loc["holdout"]
    n_t = float(t["customers"])
    inc_paid = n_t * (t["paid"] / t["customers"] - h["paid"] / h["customers"])
    inc_profit = n_t * (t["profit"] / t["customers"] - h["profit"] / h["customers"])
    return {"incremental_paid": float(inc_paid), "incremental_roi": float(inc_paid / coupon_cost),
            "incremental_profit": float(inc_profit)}
