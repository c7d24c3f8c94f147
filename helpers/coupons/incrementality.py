"""Incrementality from a random holdout: per-customer outcomes, the difference, its bootstrap.

Pure functions; no plotting, no simulation. The targeted-vs-holdout difference of mean paid amount
per customer, times the targeted customers, is the intent-to-treat estimate of what the coupons
caused; set against the coupon cost it gives the incremental ROI, which the break-even ROI
:math:`(1 - m)/m` judges (percentile bootstrap: Efron & Tibshirani, 1993).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from helpers import contracts
from helpers.contracts import DataContractError


def customer_outcomes(orders: pd.DataFrame, audience: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp,
                      gross_margin: float) -> pd.DataFrame:
    """Paid amount and gross profit per audience customer in the campaign window.

    Parameters
    ----------
    orders : DataFrame
        Clean ``coupon_orders``.
    audience : DataFrame
        ``coupon_audience`` rows of one campaign.
    start, end : Timestamp
        First and last day of the campaign (inclusive; orders until the end of ``end``).
    gross_margin : float
        Margin on gross amount, 0 < m < 1.

    Returns
    -------
    DataFrame
        One row per audience customer: ``customer_id, group, paid, profit`` (amounts in the orders'
        currency; customers with no paid order have 0).

    Notes
    -----
    Only orders that stayed paid count. Per customer :math:`i`:

    .. math:: y_i = \\sum_{o \\in i} P_o,\\qquad \\pi_i = \\sum_{o \\in i} (P_o - (1 - m)\\, G_o)

    (the customer pays :math:`P`, the goods cost :math:`(1-m) G`).

    Examples
    --------
    >>> od = pd.DataFrame({"customer_id": ["a", "a", "b"], "status": ["paid", "cancelled", "paid"],
    ...     "ordered_at": pd.to_datetime(["2026-03-02 10:00", "2026-03-03 10:00", "2026-03-09 10:00"]),
    ...     "paid_amount": [40_000.0, 30_000.0, 50_000.0], "gross_amount": [50_000.0, 30_000.0, 50_000.0]})
    >>> aud = pd.DataFrame({"customer_id": ["a", "b"], "group": ["targeted", "holdout"]})
    >>> customer_outcomes(od, aud, pd.Timestamp("2026-03-02"), pd.Timestamp("2026-03-08"), 0.2)[["paid", "profit"]].values.tolist()
    [[40000.0, 0.0], [0.0, 0.0]]
    """
    window = (orders["ordered_at"] >= start) & (orders["ordered_at"] < end + pd.Timedelta(days=1))
    paid = orders[window & (orders["status"] == "paid")]
    paid = paid.assign(profit=paid["paid_amount"] - (1 - gross_margin) * paid["gross_amount"])
    per = paid.groupby("customer_id").agg(paid=("paid_amount", "sum"), profit=("profit", "sum"))
    out = audience[["customer_id", "group"]].merge(per, left_on="customer_id", right_index=True, how="left")
    out[["paid", "profit"]] = out[["paid", "profit"]].fillna(0.0)
    return out.reset_index(drop=True)


def incrementality(outcomes: pd.DataFrame, coupon_cost: float, currency: str, *, mode: str = "difference",
                   n_boot: int = 2000, confidence: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """Incremental paid amount, ROI and profit from a random holdout, with bootstrap intervals.

    Parameters
    ----------
    outcomes : DataFrame
        From :func:`customer_outcomes`: ``group`` (targeted/holdout), ``paid`` and ``profit`` per customer.
    coupon_cost : float
        Face value of coupons used on orders that stayed paid, > 0, in ``currency``.
    currency : str
        Currency of the amounts.
    mode : str
        ``difference`` or ``winsorized`` (amounts capped at the pooled 1st and 99th percentiles first,
        which trades a little bias for less noise from a few very large baskets).
    n_boot : int
        Bootstrap resamples (customers resampled with replacement within each group), >= 200.
    confidence : float
        Two-sided level of the percentile interval, in (0.5, 1).
    seed : int
        Seed of the bootstrap.

    Returns
    -------
    DataFrame
        Index ``metric``; columns ``estimate, low, high, unit``. Rows: ``targeted_customers``,
        ``holdout_customers``, ``paid_per_targeted``, ``paid_per_holdout``, ``incremental_paid``,
        ``incremental_roi``, ``incremental_profit``.

    Raises
    ------
    ParameterError
        If ``mode``, ``n_boot``, ``confidence`` or ``coupon_cost`` is out of range.
    DataContractError
        If a group has fewer than 2 customers.

    Notes
    -----
    With :math:`N_T` targeted customers and group means :math:`\\bar y_T, \\bar y_H`:

    .. math::
        \\Delta = N_T (\\bar y_T - \\bar y_H),\\qquad
        \\text{incremental ROI} = \\Delta / C,\\qquad
        \\Delta\\pi = N_T (\\bar \\pi_T - \\bar \\pi_H) \\text{ (coupon cost already in } \\pi)

    The coupon cost :math:`C` is held fixed in the bootstrap.

    Examples
    --------
    >>> out = pd.DataFrame({"group": ["targeted"] * 3 + ["holdout"] * 2,
    ...                     "paid": [30.0, 0.0, 60.0, 0.0, 20.0], "profit": [3.0, 0.0, 6.0, 0.0, 2.0]})
    >>> float(incrementality(out, 30.0, "USD", n_boot=200).loc["incremental_paid", "estimate"])
    60.0
    """
    contracts.require_choice("mode", mode, ("difference", "winsorized"))
    contracts.require_number("n_boot", n_boot, low=200, integer=True)
    contracts.require_number("confidence", confidence, low=0.5, high=1, high_inclusive=False)
    contracts.require_number("coupon_cost", coupon_cost, low=0, low_inclusive=False)
    contracts.require_columns(outcomes, ["group", "paid", "profit"], source="customer outcomes")
    data = outcomes[["paid", "profit"]].to_numpy(dtype=float).copy()
    if mode == "winsorized":
        lo, hi = np.percentile(data, [1, 99], axis=0)
        data = np.clip(data, lo, hi)
    t_mask = (outcomes["group"] == "targeted").to_numpy()
    h_mask = (outcomes["group"] == "holdout").to_numpy()
    yt, yh = data[t_mask], data[h_mask]
    if len(yt) < 2 or len(yh) < 2:
        raise DataContractError(f"audience: need at least 2 targeted and 2 holdout customers, "
                                f"got {len(yt)} and {len(yh)}")
    n_t = len(yt)
    mt, mh = yt.mean(axis=0), yh.mean(axis=0)
    rng = np.random.default_rng(seed)
    boots = np.empty((n_boot, 2, 2))
    for i in range(n_boot):
        boots[i, 0] = yt[rng.integers(0, n_t, n_t)].mean(axis=0)
        boots[i, 1] = yh[rng.integers(0, len(yh), len(yh))].mean(axis=0)
    diff = n_t * (boots[:, 0] - boots[:, 1])  # (n_boot, [paid, profit])
    alpha = (1 - confidence) / 2
    q = lambda a: np.quantile(a, [alpha, 1 - alpha])  # noqa: E731
    inc_paid, inc_profit = n_t * (mt - mh)
    rows = [
        ("targeted_customers", float(n_t), math.nan, math.nan, "customers"),
        ("holdout_customers", float(len(yh)), math.nan, math.nan, "customers"),
        ("paid_per_targeted", float(mt[0]), *q(boots[:, 0, 0]), f"{currency} per customer"),
        ("paid_per_holdout", float(mh[0]), *q(boots[:, 1, 0]), f"{currency} per customer"),
        ("incremental_paid", float(inc_paid), *q(diff[:, 0]), currency),
        ("incremental_roi", float(inc_paid / coupon_cost), *(q(diff[:, 0]) / coupon_cost), "ratio"),
        ("incremental_profit", float(inc_profit), *q(diff[:, 1]), currency),
    ]
    return pd.DataFrame(rows, columns=["metric", "estimate", "low", "high", "unit"]).set_index("metric")


def roi_comparison(summary: pd.DataFrame, incremental: pd.DataFrame,
                   truth: pd.DataFrame | None = None) -> pd.DataFrame:
    """Attributional vs incremental ROI side by side, and how far the first overstates.

    Parameters
    ----------
    summary : DataFrame
        :func:`review_table` of the campaign (row ``all``).
    incremental : DataFrame
        :func:`incrementality` output.
    truth : DataFrame, optional
        ``coupon_truth`` row (synthetic data): adds the true incremental ROI.

    Returns
    -------
    DataFrame
        Index ``measure``; columns ``roi, low, high`` for ``attributional``, ``incremental`` (and
        ``true_incremental``), plus rows ``overstatement_factor`` (attributional / incremental; NaN if the
        incremental estimate is <= 0) and ``roi_gap`` (attributional - incremental).

    Notes
    -----
    .. math:: \\text{overstatement} = \\text{ROI}_{attr} / \\text{ROI}_{incr}

    Examples
    --------
    >>> summary = pd.DataFrame({"roi": [6.0], "coupon_cost": [100.0]}, index=["all"])
    >>> inc = pd.DataFrame({"estimate": [4.0], "low": [3.0], "high": [5.0]}, index=["incremental_roi"])
    >>> roi_comparison(summary, inc).loc["overstatement_factor", "roi"]
    np.float64(1.5)
    """
    attr = float(summary["roi"].iloc[0])
    cost = float(summary["coupon_cost"].iloc[0])
    inc = incremental.loc["incremental_roi"]
    rows = [("attributional", attr, math.nan, math.nan),
            ("incremental", float(inc["estimate"]), float(inc["low"]), float(inc["high"]))]
    if truth is not None and not truth.empty:
        rows.append(("true_incremental", float(truth["true_incremental_paid"].iloc[0]) / cost, math.nan,
                     math.nan))
    factor = attr / float(inc["estimate"]) if inc["estimate"] > 0 else math.nan
    rows.append(("overstatement_factor", factor, math.nan, math.nan))
    rows.append(("roi_gap", attr - float(inc["estimate"]), math.nan, math.nan))
    return pd.DataFrame(rows, columns=["measure", "roi", "low", "high"]).set_index("measure")


def breakeven_verdict(low: float, high: float, breakeven: float) -> str:
    """Where an ROI interval lies relative to the break-even ROI, in words.

    Parameters
    ----------
    low, high : float
        Interval bounds of the incremental ROI (ratio).
    breakeven : float
        Break-even ROI, e.g. ``(1 - m) / m`` from :func:`order_economics`.

    Returns
    -------
    str
        ``"above"`` if ``low > breakeven``, ``"below"`` if ``high < breakeven``, else
        ``"not clearly above or below"``.

    Raises
    ------
    ValueError
        If ``low > high``.

    Notes
    -----
    The interval decides, not the point estimate: :math:`L > b` or :math:`U < b`.

    Examples
    --------
    >>> breakeven_verdict(3.3, 4.7, 4.26)
    'not clearly above or below'
    >>> breakeven_verdict(4.9, 6.3, 4.26)
    'above'
    """
    if low > high:
        raise ValueError(f"interval low {low!r} is above high {high!r}")
    if low > breakeven:
        return "above"
    if high < breakeven:
        return "below"
    return "not clearly above or below"
