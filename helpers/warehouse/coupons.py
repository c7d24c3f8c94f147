"""Coupon campaign outcomes per audience customer and the holdout sums, computed by the engine.

Same per-customer table as the pandas reference ``customer_windows`` of the coupons package
(paid amount and gross profit in the pre-period, the campaign and the post window; only orders
that stayed paid count), and the group sums the holdout comparison needs: customers, sums of each
outcome, of the pre-period spend :math:`x`, of :math:`x^2` and of :math:`x y` (the reference's
CUPED estimate is a function of these). The per-customer rows (one per audience customer) come
back only when the bootstrap needs them.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from helpers.warehouse.sources import require_columns

#: Outcomes per customer, as the reference's ``OUTCOMES`` (paid and profit per window).
OUTCOMES = ("paid_in", "paid_post", "paid_net", "profit_net")
COLUMNS = ("customer_id", "group", "never_bought", "pre_paid", "paid_in", "paid_post", "paid_net",
           "profit_in", "profit_post", "profit_net", "bought")


def _ts(value: Any) -> Any:
    return pd.Timestamp(value).to_pydatetime()


def windows_expr(orders: ir.Table, audience: ir.Table, windows: Any, gross_margin: float, *,
                 campaign_id: str | None = None) -> ir.Table:
    """Lazy per-customer outcomes (see :func:`customer_windows_from_tables`).

    Parameters
    ----------
    orders : ibis.Table
        The ``coupon_orders`` table (customer_id, status, ordered_at, paid_amount, gross_amount).
    audience : ibis.Table
        The ``coupon_audience`` table (customer_id, group, optional campaign_id).
    windows : object
        The campaign's windows: ``pre_start``, ``start``, ``end``, ``post_end`` (dates).
    gross_margin : float
        Gross margin in (0, 1), for the profit columns.
    campaign_id : str, optional
        Keep only this campaign's audience.

    Returns
    -------
    ibis.Table
        Unexecuted, one row per audience customer.

    Raises
    ------
    ValueError
        If ``gross_margin`` is outside (0, 1).
    DataContractError
        If a required column is missing.
    """
    if not 0 < gross_margin < 1:
        raise ValueError(f"gross_margin = {gross_margin!r} must be in (0, 1)")
    require_columns(orders, ["customer_id", "status", "ordered_at", "paid_amount", "gross_amount"],
                    source="coupon_orders")
    require_columns(audience, ["customer_id", "group"], source="coupon_audience")
    if campaign_id is not None:
        require_columns(audience, ["campaign_id"], source="coupon_audience")
        audience = audience.filter(audience.campaign_id == campaign_id)
    day = pd.Timedelta(days=1)
    t = orders.ordered_at
    pre = (t >= _ts(windows.pre_start)) & (t < _ts(windows.start))
    within = (t >= _ts(windows.start)) & (t < _ts(pd.Timestamp(windows.end) + day))
    post = (t >= _ts(pd.Timestamp(windows.end) + day)) & (t < _ts(pd.Timestamp(windows.post_end) + day))
    paid = orders.status == "paid"
    amount = orders.paid_amount.cast("float64")
    profit = amount - (1 - gross_margin) * orders.gross_amount.cast("float64")

    def total(mask, value):
        return ibis.cases((mask & paid, value), else_=0.0).sum()

    per = orders.group_by(c=orders.customer_id).aggregate(
        pre_paid=total(pre, amount), paid_in=total(within, amount), paid_post=total(post, amount),
        profit_in=total(within, profit), profit_post=total(post, profit),
        any_pre=pre.cast("int64").max(), buyer=((within | post) & paid).cast("int64").max())
    keep = ["customer_id", "group"] + (["never_bought"] if "never_bought" in audience.columns else [])
    aud = audience.select(*keep)
    j = aud.left_join(per, aud.customer_id == per.c)
    zero = {k: j[k].fill_null(0.0) for k in ("pre_paid", "paid_in", "paid_post", "profit_in", "profit_post")}
    never = (j.never_bought.cast("boolean") if "never_bought" in keep else j.any_pre.fill_null(0) == 0)
    return j.select(
        customer_id=j.customer_id, group=j.group, never_bought=never, pre_paid=zero["pre_paid"],
        paid_in=zero["paid_in"], paid_post=zero["paid_post"], paid_net=zero["paid_in"] + zero["paid_post"],
        profit_in=zero["profit_in"], profit_post=zero["profit_post"],
        profit_net=zero["profit_in"] + zero["profit_post"], bought=j.buyer.fill_null(0) == 1)


def customer_windows_from_tables(orders: ir.Table, audience: ir.Table, windows: Any, gross_margin: float, *,
                                 campaign_id: str | None = None) -> pd.DataFrame:
    """Paid amount and gross profit per audience customer before, during and after the campaign.

    Parameters
    ----------
    orders : ibis Table
        Checked ``coupon_orders``: ``customer_id, status, ordered_at, paid_amount, gross_amount``.
    audience : ibis Table
        ``coupon_audience``: ``customer_id, group``; optional bool ``never_bought``; and
        ``campaign_id`` to filter on.
    windows : object
        With ``pre_start, start, end, post_end`` (dates; ``end`` and ``post_end`` inclusive), e.g.
        the reference's ``Windows`` from ``observed_windows``.
    gross_margin : float in (0, 1)
        Margin on the gross amount.
    campaign_id : str, optional
        Keep only this campaign's audience rows.

    Returns
    -------
    DataFrame
        ``customer_id, group, never_bought, pre_paid, paid_in, paid_post, paid_net, profit_in,
        profit_post, profit_net, bought`` (money in the orders' currency), sorted by customer id.
        ``never_bought`` without the audience column: no order of any status in the pre-period;
        ``bought``: a paid order in the campaign or post window.

    Raises
    ------
    DataContractError
        Missing columns.
    ValueError
        ``gross_margin`` outside (0, 1).

    Notes
    -----
    Per customer :math:`i` and period :math:`w`: :math:`y_{iw} = \\sum_{o \\in i, w} P_o`,
    :math:`\\pi_{iw} = \\sum_{o \\in i, w} (P_o - (1 - m) G_o)` over paid orders; net = campaign + post.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> od = ibis.memtable(pd.DataFrame({"customer_id": ["a", "a", "b"], "status": ["paid"] * 3,
    ...     "ordered_at": pd.to_datetime(["2026-02-20", "2026-03-03", "2026-03-12"]),
    ...     "paid_amount": [10.0, 40.0, 50.0], "gross_amount": [10.0, 50.0, 50.0]}))
    >>> aud = ibis.memtable({"customer_id": ["a", "b"], "group": ["targeted", "holdout"]})
    >>> w = SimpleNamespace(**dict(zip(["pre_start", "start", "end", "post_end"],
    ...                                pd.to_datetime(["2026-02-01", "2026-03-02", "2026-03-08", "2026-03-22"]))))
    >>> customer_windows_from_tables(od, aud, w, 0.2)[["pre_paid", "paid_in", "paid_post"]].values.tolist()
    [[10.0, 40.0, 0.0], [0.0, 0.0, 50.0]]
    """
    out = windows_expr(orders, audience, windows, gross_margin, campaign_id=campaign_id).execute()
    out = out.sort_values(["customer_id", "group"], kind="stable").reset_index(drop=True)
    return out.astype({"never_bought": bool, "bought": bool})[list(COLUMNS)]


def holdout_sums(outcomes: ir.Table, *, columns: tuple[str, ...] = OUTCOMES, covariate: str = "pre_paid"
                 ) -> pd.DataFrame:
    """Per group: customers and the sums :math:`\\sum y`, :math:`\\sum x`, :math:`\\sum x^2`, :math:`\\sum x y`.

    Parameters
    ----------
    outcomes : ibis Table
        From :func:`windows_expr`: ``group``, the ``columns`` and the ``covariate``.
    columns : tuple of str
        Outcomes :math:`y` (money in the orders' currency).
    covariate : str
        The CUPED covariate :math:`x` (pre-period spend).

    Returns
    -------
    DataFrame
        Indexed by ``group`` (sorted): ``customers`` (int64), ``sum_x``, ``sum_x2``, and per outcome
        ``sum_<y>`` and ``sum_x_<y>``.

    Examples
    --------
    >>> o = ibis.memtable({"group": ["targeted", "targeted", "holdout"], "y": [3.0, 1.0, 2.0],
    ...                    "x": [1.0, 0.0, 1.0]})
    >>> holdout_sums(o, columns=("y",), covariate="x").loc["targeted"].tolist()
    [2.0, 1.0, 1.0, 4.0, 3.0]
    """
    require_columns(outcomes, ["group", covariate, *columns], source="customer outcomes")
    x = outcomes[covariate].cast("float64")
    aggs = {"customers": outcomes.count(), "sum_x": x.sum(), "sum_x2": (x * x).sum()}
    for col in columns:
        y = outcomes[col].cast("float64")
        aggs[f"sum_{col}"] = y.sum()
        aggs[f"sum_x_{col}"] = (x * y).sum()
    out = outcomes.group_by("group").aggregate(**aggs).execute().sort_values("group").set_index("group")
    return out.astype({"customers": "int64"})


def incremental_from_sums(sums: pd.DataFrame, *, columns: tuple[str, ...] = OUTCOMES, cuped: bool = True
                          ) -> dict[str, float]:
    """Point estimates :math:`N_T(\\bar y_T - \\bar y_H)`, CUPED-adjusted, from :func:`holdout_sums`.

    Parameters
    ----------
    sums : pandas.DataFrame
        :func:`holdout_sums`' result, indexed by group ``targeted`` / ``holdout``.
    columns : tuple of str
        The outcomes to estimate.
    cuped : bool
        Adjust on the pre-period covariate ``x``.

    Returns
    -------
    dict of str to float
        The incremental total per outcome, in the outcome's currency.

    Notes
    -----
    With :math:`n = N_T + N_H`, :math:`\\bar x = (\\sum_T x + \\sum_H x)/n`,
    :math:`\\mathrm{var}(x) = \\sum x^2 / n - \\bar x^2`,
    :math:`\\mathrm{cov}(x, y) = \\sum x y / n - \\bar x \\bar y` (pooled) and
    :math:`\\theta = \\mathrm{cov}/\\mathrm{var}` (0 if the variance is 0):
    :math:`\\Delta = N_T [(\\bar y_T - \\bar y_H) - \\theta (\\bar x_T - \\bar x_H)]`, as the
    reference's ``incremental_effects`` point estimate.

    Examples
    --------
    >>> s = pd.DataFrame({"customers": [3, 2], "sum_x": [0.0, 0.0], "sum_x2": [0.0, 0.0],
    ...                   "sum_y": [90.0, 20.0], "sum_x_y": [0.0, 0.0]},
    ...                  index=pd.Index(["targeted", "holdout"], name="group"))
    >>> incremental_from_sums(s, columns=("y",))["y"]
    60.0
    """
    t, h = sums.loc["targeted"], sums.loc["holdout"]
    nt, nh = float(t["customers"]), float(h["customers"])
    n = nt + nh
    xbar = (t["sum_x"] + h["sum_x"]) / n
    var = (t["sum_x2"] + h["sum_x2"]) / n - xbar ** 2
    out = {}
    for col in columns:
        diff = t[f"sum_{col}"] / nt - h[f"sum_{col}"] / nh
        if cuped and var > 0:
            cov = (t[f"sum_x_{col}"] + h[f"sum_x_{col}"]) / n - xbar * (t[f"sum_{col}"] + h[f"sum_{col}"]) / n
            diff = diff - (cov / var) * (t["sum_x"] / nt - h["sum_x"] / nh)
        out[col] = float(nt * diff)
    return out



