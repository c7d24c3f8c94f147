"""Campaign-review metrics: collection, usage, payment amount, attributional ROI, order economics.

Pure functions on clean tables (see :func:`helpers.coupons.load.clean_log`); no plotting, no
simulation. Definitions (ours; the review metrics are named in Caroline, *E-commerce operations:
coupon product analysis*):

* a *use* is an instance with an order; an *effective use* is a use whose order stayed ``paid``;
* ``coupon_cost`` = face value of the effective uses; ``coupon_payment_amount`` = paid amount of
  the distinct paid orders with an effective use; ``roi`` = payment / cost (attributional).
"""

from __future__ import annotations

import math

import pandas as pd

from helpers import contracts
from helpers.contracts import DataContractError
from helpers.coupons.load import clean_log
from helpers.coupons.schemas import COUPON_CAMPAIGNS

#: Batch columns a campaign can be broken down by.
BREAKDOWNS = ("kind", "channel", "stackable", "time_slot", "face_value", "place")


def coupon_uses(batches: pd.DataFrame, events: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    """One row per coupon use, with its batch and order, and whether it is effective.

    Parameters
    ----------
    batches, events, orders : DataFrame
        Clean tables (see :func:`clean_log`).

    Returns
    -------
    DataFrame
        The event columns, the batch columns, ``gross_amount, paid_amount, status, new_buyer`` of the
        order, ``effective`` (order stayed paid) and ``payment_share``: the order's paid amount split
        over the coupons used on it in proportion to their face values (so breakdowns add up).

    Notes
    -----
    .. math:: \\text{payment\\_share}_i = \\text{paid}_{o(i)} \\cdot f_i / \\sum_{j \\in o(i)} f_j

    Examples
    --------
    Two coupons (10,000 and 5,000) stacked on one order that paid 65,000:

    >>> b = pd.DataFrame({"coupon_id": ["A", "B"], "face_value": [10_000.0, 5_000.0]})
    >>> e = pd.DataFrame({"coupon_id": ["A", "B"], "customer_id": ["c1", "c1"], "order_id": ["o1", "o1"]})
    >>> o = pd.DataFrame({"order_id": ["o1"], "gross_amount": [80_000.0], "paid_amount": [65_000.0],
    ...                   "status": ["paid"], "new_buyer": [True]})
    >>> coupon_uses(b, e, o)["payment_share"].round(2).tolist()
    [43333.33, 21666.67]
    """
    used = events[events["order_id"].notna()]
    out = used.merge(batches, on="coupon_id", how="inner")
    out = out.merge(orders[["order_id", "gross_amount", "paid_amount", "status", "new_buyer"]],
                    on="order_id", how="inner")
    out["effective"] = out["status"] == "paid"
    face_total = out.groupby("order_id")["face_value"].transform("sum")
    out["payment_share"] = out["paid_amount"] * out["face_value"] / face_total
    return out


def review_table(batches: pd.DataFrame, events: pd.DataFrame, orders: pd.DataFrame,
                 by: str | None = None) -> pd.DataFrame:
    """The campaign-review metrics, for the whole campaign or per group of batches.

    Parameters
    ----------
    batches : DataFrame
        ``coupon_campaigns`` rows of the reviewed campaign(s).
    events, orders : DataFrame
        Clean ``coupon_events`` and ``coupon_orders`` (see :func:`clean_log`).
    by : str, optional
        A batch column to break down by (``kind, channel, stackable, time_slot, face_value, place,
        campaign_id`` ...); None gives one row ``all``.

    Returns
    -------
    DataFrame
        Index ``by`` (or ``scope``), columns ``issued, collected, collection_rate, used, usage_rate,
        effective_uses, effective_usage_rate, coupon_payment_amount, coupon_cost, roi, new_buyers,
        currency``. Counts in coupons (new_buyers in customers), amounts in ``currency``. Rates are
        NaN where their denominator is 0.

    Raises
    ------
    DataContractError
        If ``by`` is not a column of ``batches`` or the batches mix currencies.

    Notes
    -----
    .. math::
        \\text{collection rate} = \\frac{\\text{collected}}{\\text{issued}},\\quad
        \\text{usage rate} = \\frac{\\text{used}}{\\text{collected}},\\quad
        \\text{effective usage rate} = \\frac{\\text{uses on orders that stayed paid}}{\\text{used}}

    .. math::
        \\text{payment} = \\sum_{o \\text{ paid, with an effective use}} \\text{paid}_o,\\quad
        \\text{cost} = \\sum_{\\text{effective uses}} \\text{face value},\\quad
        \\text{ROI} = \\text{payment} / \\text{cost}

    ``new_buyers`` counts distinct customers with an effective use on an order flagged ``new_buyer``.
    In a breakdown, an order that used several coupons is split over them by face value.

    Examples
    --------
    Two batches of 10 coupons; 4 collected, 3 used, one of those orders cancelled:

    >>> b = pd.DataFrame({"coupon_id": ["A", "B"], "face_value": [5000.0, 10000.0],
    ...                   "issued_qty": [10, 10], "currency": ["KRW", "KRW"]})
    >>> e = pd.DataFrame({"coupon_id": ["A", "A", "B", "B"], "customer_id": ["c1", "c2", "c1", "c3"],
    ...                   "order_id": ["o1", "o2", "o3", None]})
    >>> o = pd.DataFrame({"order_id": ["o1", "o2", "o3"], "paid_amount": [45000.0, 30000.0, 50000.0],
    ...                   "gross_amount": [50000.0, 35000.0, 60000.0], "status": ["paid", "cancelled", "paid"],
    ...                   "new_buyer": [True, False, False], "customer_id": ["c1", "c2", "c1"]})
    >>> review_table(b, e, o).loc["all", ["collected", "used", "effective_uses", "roi"]].tolist()
    [4.0, 3.0, 2.0, 6.333333333333333]
    """
    if batches["currency"].nunique() != 1:
        raise DataContractError(f"campaigns: the batches mix currencies {sorted(batches['currency'].unique())}; "
                                "review one currency at a time")
    currency = str(batches["currency"].iloc[0])
    b = batches.copy()
    name = by or "scope"
    if by is None:
        b[name] = "all"
    elif by not in b.columns:
        raise DataContractError(f"campaigns: cannot break down by {by!r}; it is not a column "
                                f"(columns: {list(b.columns)})")
    ev_in = events[events["coupon_id"].isin(b["coupon_id"])]
    ev = ev_in.merge(b[list(dict.fromkeys(["coupon_id", name]))], on="coupon_id", how="inner")
    uses = coupon_uses(b, ev_in, orders)
    eff = uses[uses["effective"]]
    groups = pd.Index(sorted(b[name].unique()), name=name)
    issued = b.groupby(name)["issued_qty"].sum().reindex(groups, fill_value=0)
    collected = ev.groupby(name).size().reindex(groups, fill_value=0)
    used = uses.groupby(name).size().reindex(groups, fill_value=0)
    effective = eff.groupby(name).size().reindex(groups, fill_value=0)
    cost = eff.groupby(name)["face_value"].sum().reindex(groups, fill_value=0.0)
    if by is None:  # distinct orders, no split needed
        payment = pd.Series([float(eff.drop_duplicates("order_id")["paid_amount"].sum())], index=groups)
    else:
        payment = eff.groupby(name)["payment_share"].sum().reindex(groups, fill_value=0.0)
    new = eff[eff["new_buyer"].astype(bool)].groupby(name)["customer_id"].nunique().reindex(groups, fill_value=0)
    out = pd.DataFrame({
        "issued": issued.astype("int64"),
        "collected": collected.astype("int64"),
        "collection_rate": _ratio(collected, issued),
        "used": used.astype("int64"),
        "usage_rate": _ratio(used, collected),
        "effective_uses": effective.astype("int64"),
        "effective_usage_rate": _ratio(effective, used),
        "coupon_payment_amount": payment.astype(float),
        "coupon_cost": cost.astype(float),
        "roi": _ratio(payment, cost),
        "new_buyers": new.astype("int64"),
        "currency": currency,
    }, index=groups)
    return out


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    num = num.astype(float)
    den = den.astype(float)
    return (num / den.where(den > 0)).astype(float)


def roi_by_campaign(campaigns: pd.DataFrame, coupon_events: pd.DataFrame,
                    orders: pd.DataFrame) -> pd.DataFrame:
    """Attributional coupon ROI of each campaign (the ``past_campaigns`` table of notebook 03).

    Parameters
    ----------
    campaigns : DataFrame
        ``coupon_campaigns`` table (one or more campaigns, each in one currency).
    coupon_events : DataFrame
        ``coupon_events`` table; rows breaking a row-level rule are excluded (see :func:`clean_log`).
    orders : DataFrame
        ``coupon_orders`` table.

    Returns
    -------
    DataFrame
        One row per campaign: ``campaign_id, activity_type, level, start, end, coupon_cost,
        coupon_payment_amount, roi, currency``, sorted by start then campaign_id; amounts in
        ``currency``.

    Raises
    ------
    DataContractError
        A required column is missing, an event names an unknown coupon_id, a campaign has more than
        one activity_type/level/start/end/currency, or a campaign has no coupon used on an order that
        stayed paid (its ROI is undefined).

    Notes
    -----
    ``coupon_cost`` = face value of coupons used on orders that stayed paid (not cancelled or refunded);
    ``coupon_payment_amount`` = paid amount of those orders (each order once);
    .. math:: \\text{ROI} = \\text{coupon\\_payment\\_amount} / \\text{coupon\\_cost}

    Examples
    --------
    One campaign, one coupon of 10,000 used on an order that paid 50,000:

    >>> b = pd.DataFrame({"campaign_id": ["C"], "activity_type": ["coupon_festival"], "level": ["S"],
    ...     "start": ["2026-03-02"], "end": ["2026-03-08"], "coupon_id": ["A"], "kind": ["threshold"],
    ...     "face_value": [10_000.0], "min_order": [35_000.0], "stackable": [False], "channel": ["collected"],
    ...     "place": ["coupon_centre"], "time_slot": ["12-14"], "issued_qty": [10], "currency": ["KRW"]})
    >>> e = pd.DataFrame({"coupon_id": ["A"], "customer_id": ["c1"], "order_id": ["o1"],
    ...     "collected_at": [pd.Timestamp("2026-03-02")], "used_at": [pd.Timestamp("2026-03-03")]})
    >>> o = pd.DataFrame({"order_id": ["o1"], "customer_id": ["c1"], "ordered_at": [pd.Timestamp("2026-03-03")],
    ...     "gross_amount": [60_000.0], "discount_amount": [10_000.0], "paid_amount": [50_000.0],
    ...     "status": ["paid"], "new_buyer": [False]})
    >>> float(roi_by_campaign(b, e, o)["roi"].iloc[0])
    5.0
    """
    contracts.require_columns(campaigns, COUPON_CAMPAIGNS.names, source="campaigns")
    events, orders, _quality = clean_log(campaigns, coupon_events, orders)
    meta_cols = ["activity_type", "level", "start", "end", "currency"]
    meta = campaigns.groupby("campaign_id")[meta_cols].nunique()
    mixed = meta[(meta > 1).any(axis=1)]
    if not mixed.empty:
        raise DataContractError(f"campaigns: campaign(s) {list(mixed.index)} have more than one value in "
                                f"{[c for c in meta_cols if (mixed[c] > 1).any()]}")
    rows = []
    for cid, b in campaigns.groupby("campaign_id", sort=True):
        t = review_table(b, events, orders).iloc[0]
        if t["coupon_cost"] <= 0:
            raise DataContractError(f"campaign {cid!r}: no coupon was used on an order that stayed paid, "
                                    "so its ROI is undefined")
        first = b.iloc[0]
        rows.append({"campaign_id": str(cid), "activity_type": first["activity_type"], "level": first["level"],
                     "start": first["start"], "end": first["end"], "coupon_cost": float(t["coupon_cost"]),
                     "coupon_payment_amount": float(t["coupon_payment_amount"]), "roi": float(t["roi"]),
                     "currency": first["currency"]})
    out = pd.DataFrame(rows)
    out["start"] = pd.to_datetime(out["start"]).dt.normalize()
    out["end"] = pd.to_datetime(out["end"]).dt.normalize()
    return out.sort_values(["start", "campaign_id"]).reset_index(drop=True)


def order_economics(batches: pd.DataFrame, events: pd.DataFrame, orders: pd.DataFrame,
                    gross_margin: float) -> pd.DataFrame:
    """Average order value and discount rates of coupon orders against the gross margin.

    Parameters
    ----------
    batches, events, orders : DataFrame
        Clean tables of one campaign (one currency).
    gross_margin : float
        Gross margin on gross order amount, 0 < m < 1 (Kurly 2021: 0.19, per Yozm IT (2024)).

    Returns
    -------
    DataFrame
        Index ``metric``; columns ``value`` and ``unit``. Rows: ``coupon_orders`` (paid orders with an
        effective use), ``aov_gross`` and ``aov_paid`` (mean gross / paid amount per such order),
        ``nominal_discount_rate`` (mean face value / min_order over effective uses of threshold coupons,
        the rate Kurly's coupon texts quote), ``realised_discount_rate`` (coupon face value / gross amount over
        those orders), ``gross_margin``, ``breakeven_roi`` ((1 - m) / m), ``coupon_order_contribution``
        (margin x gross - coupon face value, summed over those orders).

    Raises
    ------
    ParameterError
        If ``gross_margin`` is not in (0, 1).

    Notes
    -----
    A coupon order earns the margin on its gross amount and pays the coupon:

    .. math:: \\text{contribution} = \\sum_o (m\\, G_o - F_o),\\qquad
              \\text{realised rate} = \\sum_o F_o / \\sum_o G_o

    so it pays for itself only while the realised rate is below ``m``. With ROI = P / F and
    P = G - F (coupons are the only discount), :math:`m G - F \\ge 0 \\iff P/F \\ge (1 - m)/m`:
    the break-even ROI. It applies to the incremental ROI; an attributional ROI above it proves
    nothing, because it also credits orders that would have happened anyway.

    Examples
    --------
    >>> b = pd.DataFrame({"coupon_id": ["A"], "kind": ["threshold"], "face_value": [10_000.0],
    ...                   "min_order": [35_000.0], "currency": ["KRW"]})
    >>> e = pd.DataFrame({"coupon_id": ["A"], "customer_id": ["c1"], "order_id": ["o1"]})
    >>> o = pd.DataFrame({"order_id": ["o1"], "gross_amount": [50_000.0], "paid_amount": [40_000.0],
    ...                   "status": ["paid"], "new_buyer": [False]})
    >>> econ = order_economics(b, e, o, 0.19)["value"]
    >>> round(float(econ["breakeven_roi"]), 2), float(econ["realised_discount_rate"])
    (4.26, 0.2)
    """
    contracts.require_number("gross_margin", gross_margin, low=0, high=1, low_inclusive=False,
                             high_inclusive=False)
    currency = str(batches["currency"].iloc[0])
    uses = coupon_uses(batches, events, orders)
    eff = uses[uses["effective"]]
    per_order = eff.groupby("order_id").agg(face=("face_value", "sum"), gross=("gross_amount", "first"),
                                            paid=("paid_amount", "first"))
    thr = eff[eff["kind"] == "threshold"]
    n = len(per_order)
    rows = [
        ("coupon_orders", float(n), "orders"),
        ("aov_gross", float(per_order["gross"].mean()) if n else math.nan, currency),
        ("aov_paid", float(per_order["paid"].mean()) if n else math.nan, currency),
        ("nominal_discount_rate", float((thr["face_value"] / thr["min_order"]).mean()) if len(thr) else math.nan,
         "share"),
        ("realised_discount_rate", float(per_order["face"].sum() / per_order["gross"].sum()) if n else math.nan,
         "share"),
        ("gross_margin", float(gross_margin), "share"),
        ("breakeven_roi", (1.0 - gross_margin) / gross_margin, "ratio"),
        ("coupon_order_contribution", float((gross_margin * per_order["gross"] - per_order["face"]).sum()),
         currency),
    ]
    return pd.DataFrame(rows, columns=["metric", "value", "unit"]).set_index("metric")


def roi_spread(tables: dict[str, pd.DataFrame]) -> pd.Series:
    """Range of the attributional ROI across the groups of each breakdown.

    Parameters
    ----------
    tables : dict of DataFrame
        ``{dimension: review_table(..., by=dimension)}``.

    Returns
    -------
    Series
        ``max(roi) - min(roi)`` per dimension (ratio units), largest first; NaN ROIs are ignored.

    Notes
    -----
    .. math:: \\text{spread}_d = \\max_g \\text{ROI}_{d,g} - \\min_g \\text{ROI}_{d,g}

    Examples
    --------
    >>> t = {"kind": pd.DataFrame({"roi": [12.0, 5.0]}), "channel": pd.DataFrame({"roi": [6.0, 7.0]})}
    >>> roi_spread(t).to_dict()
    {'kind': 7.0, 'channel': 1.0}
    """
    spread = pd.Series({dim: float(t["roi"].max() - t["roi"].min()) for dim, t in tables.items()}, dtype=float)
    return spread.sort_values(ascending=False)


def collection_by_channel(batches: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Coupons issued and collected per channel; a pushed coupon is "collected" by construction.

    Returns
    -------
    DataFrame
        Index ``channel`` (``collected``, ``pushed``, as present): ``batches, issued, collected,
        collection_rate``. Only the ``collected`` row measures customers' interest; the campaign's
        collection rate over all batches mixes in pushed coupons at 100%.

    Examples
    --------
    >>> b = pd.DataFrame({"coupon_id": ["A", "P"], "channel": ["collected", "pushed"], "issued_qty": [10, 5]})
    >>> e = pd.DataFrame({"coupon_id": ["A"] * 4 + ["P"] * 5})
    >>> collection_by_channel(b, e)["collection_rate"].tolist()
    [0.4, 1.0]
    """
    contracts.require_columns(batches, ["coupon_id", "channel", "issued_qty"], source="campaigns")
    collected = events["coupon_id"].value_counts()
    b = batches.assign(collected=batches["coupon_id"].map(collected).fillna(0).astype("int64"))
    out = b.groupby("channel").agg(batches=("coupon_id", "size"), issued=("issued_qty", "sum"),
                                   collected=("collected", "sum"))
    out["collection_rate"] = _ratio(out["collected"], out["issued"])
    return out


def aliased_dimensions(batches: pd.DataFrame, dims: tuple[str, ...] = BREAKDOWNS) -> pd.DataFrame:
    """Which breakdown dimensions split the batches the same way (aliased), or not at all.

    Two dimensions are *aliased* when they group the campaign's batches identically (e.g. every
    pushed batch is the only ``app_push`` one): their ROI breakdowns are the same comparison and the
    data cannot say which of them matters. A dimension with one value cannot be compared at all.

    Returns
    -------
    DataFrame
        Index ``dimension``: ``groups`` (distinct values), ``aliased_with`` (comma-separated, "" if
        none), ``comparable`` (at least two groups).

    Examples
    --------
    >>> b = pd.DataFrame({"kind": ["threshold", "no_threshold"], "channel": ["collected", "pushed"],
    ...                   "stackable": [False, False]})
    >>> aliased_dimensions(b, ("kind", "channel", "stackable"))["aliased_with"].tolist()
    ['channel', 'kind', '']
    """
    codes = {d: tuple(pd.factorize(batches[d].astype(str))[0]) for d in dims}
    rows = []
    for d in dims:
        groups = len(set(codes[d]))
        same = [o for o in dims if o != d and groups > 1 and _same_partition(codes[d], codes[o])]
        rows.append({"dimension": d, "groups": groups, "aliased_with": ", ".join(same), "comparable": groups > 1})
    return pd.DataFrame(rows).set_index("dimension")


def _same_partition(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    return len(set(a)) == len(set(b)) == len(set(zip(a, b, strict=True)))
