"""Coupon campaign review: collection, usage, payment amount, ROI, new buyers, incrementality.

Tables (contracts in :mod:`helpers.contracts`, section ``coupons``):

* ``coupon_campaigns`` — one row per coupon batch: campaign_id, activity_type, level, start, end,
  coupon_id, kind, face_value, min_order, stackable, channel, place, time_slot, issued_qty, currency;
* ``coupon_events`` — one row per coupon instance: coupon_id, customer_id, collected_at, used_at,
  order_id (one instance per customer and batch);
* ``coupon_orders`` — every order of the audience in the window: order_id, customer_id, ordered_at,
  gross_amount, discount_amount, paid_amount, status, new_buyer;
* ``coupon_audience`` — campaign_id, customer_id, group (``targeted`` / ``holdout``).

Definitions (seed 001 names the review metrics but is terse; these are ours):

* a *use* is an instance with an order; an *effective use* is a use whose order stayed ``paid``
  (neither cancelled nor refunded);
* ``coupon_cost`` = face value of the effective uses (what the coupons cost on orders that stayed
  paid); ``coupon_payment_amount`` = paid amount of the distinct paid orders with an effective use;
  ``roi`` = coupon_payment_amount / coupon_cost (attributional: it credits the coupon with the
  whole order, including orders that would have happened anyway);
* incremental paid amount = targeted customers x (mean paid per targeted customer - mean paid per
  holdout customer); incremental ROI = incremental paid amount / coupon_cost.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import contracts
from helpers.contracts import (
    DataContractError,
    ParameterError,
)
from helpers.coupons.schemas import (
    COUPON_ACTIVITY_TYPES,
    COUPON_AUDIENCE,
    COUPON_CAMPAIGNS,
    COUPON_EVENTS,
    COUPON_LEVELS,
    COUPON_ORDERS,
    COUPON_TRUTH,
    PAST_CAMPAIGNS,
)

CURRENCIES = ("KRW", "USD", "EUR")
HOLDOUT_MODES = ("difference", "winsorized")
BREAKDOWNS = ("kind", "channel", "stackable", "time_slot", "face_value", "place")
KURLY_GROSS_MARGIN = 0.19  # seed 002: Kurly's cost of goods was 81% of sales in 2021

#: Row-level rules: (table, rule, what it means). Rows breaking one are excluded and counted.
QUALITY_RULES = (
    ("orders", "negative_amount", "gross, discount or paid amount below zero"),
    ("orders", "discount_exceeds_order", "discount larger than the gross order amount"),
    ("coupon_events", "use_incomplete", "used_at without order_id, or order_id without used_at"),
    ("coupon_events", "order_not_found", "order_id not in the orders file"),
    ("coupon_events", "order_excluded", "used on an order excluded by an orders rule"),
    ("coupon_events", "other_customers_order", "used on an order of another customer"),
    ("coupon_events", "used_before_collected", "used_at earlier than collected_at"),
    ("coupon_events", "below_min_order", "order's gross amount below the coupon's min_order"),
    ("coupon_events", "used_twice", "same coupon instance (coupon_id, customer_id) used again"),
    ("coupon_events", "collected_twice", "same coupon instance listed again, unused"),
)



# ---------------------------------------------------------------------------------------------
# Parameters and loading
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewParams:
    """Validated parameters of the campaign review notebook."""

    campaigns_path: Path
    events_path: Path
    orders_path: Path
    audience_path: Path
    truth_path: Path | None
    campaign_id: str
    currency: str
    gross_margin: float
    holdout_mode: str
    n_boot: int
    confidence: float
    seed: int


def validate_parameters(*, campaigns_path: str, events_path: str, orders_path: str, audience_path: str,
                        truth_path: str | None, campaign_id: str, currency: str, gross_margin: float,
                        holdout_mode: str, n_boot: int, confidence: float, seed: int) -> ReviewParams:
    """Check every parameter of notebook 02 and return them resolved.

    Parameters
    ----------
    campaigns_path, events_path, orders_path, audience_path : str
        CSV files (relative to the project root or absolute) following the ``coupon_campaigns``,
        ``coupon_events``, ``coupon_orders`` and ``coupon_audience`` contracts.
    truth_path : str or None
        Synthetic data only: file with the true incremental effect (``coupon_truth``); None or "" for
        real data.
    campaign_id : str
        Campaign to review; must be in the campaigns file.
    currency : str
        One of ``KRW, USD, EUR``; must be the campaign's currency.
    gross_margin : float
        Gross margin on gross order amount, 0 < m < 1 (Kurly 2021: 0.19).
    holdout_mode : str
        ``difference`` (mean difference), ``winsorized`` (per-customer amounts capped at the pooled
        1st/99th percentiles first); the audience file must hold a random holdout.
    n_boot : int
        Bootstrap resamples, 200 … 20,000.
    confidence : float
        Confidence level of the interval, 0.5 … 0.999.
    seed : int
        Seed of the bootstrap, >= 0.

    Returns
    -------
    ReviewParams

    Raises
    ------
    ParameterError
        Naming the parameter, its value and what is allowed (including an unknown campaign_id or a
        currency other than the campaign's).
    DataContractError
        If the campaigns file breaks its contract.

    Notes
    -----
    The campaigns file is read here so that an unknown ``campaign_id`` is reported as a parameter
    error before any computation.

    Examples
    --------
    >>> p = validate_parameters(campaigns_path="data/synthetic/coupons_campaigns.csv",
    ...     events_path="data/synthetic/coupons_events.csv", orders_path="data/synthetic/coupons_orders.csv",
    ...     audience_path="data/synthetic/coupons_audience.csv", truth_path=None, campaign_id="FEST-2026-03",
    ...     currency="KRW", gross_margin=0.19, holdout_mode="difference", n_boot=1000, confidence=0.95,
    ...     seed=7)  # doctest: +SKIP
    """
    paths = {name: contracts.require_file(name, value) for name, value in (
        ("campaigns_path", campaigns_path), ("events_path", events_path), ("orders_path", orders_path),
        ("audience_path", audience_path))}
    truth = None
    if truth_path not in (None, ""):
        truth = contracts.require_file("truth_path", truth_path)
    contracts.require_choice("currency", currency, CURRENCIES)
    contracts.require_number("gross_margin", gross_margin, low=0, high=1, low_inclusive=False,
                             high_inclusive=False)
    contracts.require_choice("holdout_mode", holdout_mode, HOLDOUT_MODES)
    contracts.require_number("n_boot", n_boot, low=200, high=20_000, integer=True)
    contracts.require_number("confidence", confidence, low=0.5, high=0.999)
    contracts.require_number("seed", seed, low=0, integer=True)
    if not isinstance(campaign_id, str) or not campaign_id:
        raise ParameterError(f"parameter 'campaign_id' = {campaign_id!r} must be a non-empty string")
    campaigns = contracts.load_csv(campaigns_path, COUPON_CAMPAIGNS, param="campaigns_path")
    known = sorted(campaigns["campaign_id"].unique())
    contracts.require_choice("campaign_id", campaign_id, known)
    camp_currency = campaigns.loc[campaigns["campaign_id"] == campaign_id, "currency"].unique()
    if len(camp_currency) != 1 or camp_currency[0] != currency:
        raise ParameterError(f"parameter 'currency' = {currency!r} does not match campaign {campaign_id!r}, "
                             f"whose amounts are in {list(camp_currency)}")
    return ReviewParams(paths["campaigns_path"], paths["events_path"], paths["orders_path"],
                        paths["audience_path"], truth, campaign_id, currency, float(gross_margin),
                        holdout_mode, int(n_boot), float(confidence), int(seed))


@dataclass
class CampaignData:
    """One campaign's validated and cleaned tables, and what was excluded."""

    campaign_id: str
    currency: str
    batches: pd.DataFrame
    events: pd.DataFrame
    orders: pd.DataFrame
    audience: pd.DataFrame
    quality: pd.DataFrame
    truth: pd.DataFrame | None = field(default=None)


def load_campaign(params: ReviewParams) -> CampaignData:
    """Load the four files, keep the reviewed campaign and exclude rows that break a row-level rule.

    Parameters
    ----------
    params : ReviewParams
        From :func:`validate_parameters`.

    Returns
    -------
    CampaignData
        ``batches`` (the campaign's rows of the campaigns table), clean ``events`` of its coupons,
        clean ``orders`` (all), its ``audience``, the ``quality`` table (see :func:`clean_log`) and the
        ``truth`` row (synthetic data only).

    Raises
    ------
    DataContractError
        A file breaks its contract (missing column, bad value, duplicate key), an event names a
        coupon_id that is not in the campaigns file, the orders' currency differs from the
        campaign's, or the campaign has no audience rows.

    Notes
    -----
    Row-level problems are excluded, never silently: see :data:`QUALITY_RULES`.

    Examples
    --------
    >>> data = load_campaign(params)  # doctest: +SKIP
    """
    campaigns = contracts.load_csv(params.campaigns_path, COUPON_CAMPAIGNS, param="campaigns_path")
    events = contracts.load_csv(params.events_path, COUPON_EVENTS, param="events_path")
    orders = contracts.load_csv(params.orders_path, COUPON_ORDERS, param="orders_path")
    audience = contracts.load_csv(params.audience_path, COUPON_AUDIENCE, param="audience_path")
    _check_coupon_ids(events, campaigns, source=str(params.events_path))
    if "currency" in orders.columns:
        bad = orders["currency"] != params.currency
        if bad.any():
            raise DataContractError(f"{params.orders_path}: column 'currency' must be {params.currency!r} "
                                    f"(the campaign's); {int(bad.sum())} row(s) have "
                                    f"{sorted(orders.loc[bad, 'currency'].unique())}")
    batches = campaigns[campaigns["campaign_id"] == params.campaign_id].reset_index(drop=True)
    events = events[events["coupon_id"].isin(batches["coupon_id"])].reset_index(drop=True)
    events, orders, quality = clean_log(batches, events, orders)
    audience = audience[audience["campaign_id"] == params.campaign_id].reset_index(drop=True)
    if audience.empty:
        raise DataContractError(f"{params.audience_path}: no rows for campaign_id {params.campaign_id!r}")
    truth = None
    if params.truth_path is not None:
        truth_all = contracts.load_csv(params.truth_path, COUPON_TRUTH, param="truth_path")
        truth = truth_all[truth_all["campaign_id"] == params.campaign_id].reset_index(drop=True)
        if truth.empty:
            truth = None
    return CampaignData(params.campaign_id, params.currency, batches, events, orders, audience, quality,
                        truth)


def _check_coupon_ids(events: pd.DataFrame, campaigns: pd.DataFrame, source: str = "coupon_events") -> None:
    unknown = ~events["coupon_id"].isin(campaigns["coupon_id"])
    if unknown.any():
        rows = np.flatnonzero(unknown.to_numpy())
        raise DataContractError(
            f"{source}: {len(rows)} row(s) name a coupon_id that is not in the campaigns table "
            f"(first at row {rows[0]}: {sorted(events.loc[unknown, 'coupon_id'].unique())[:5]})")


def clean_log(batches: pd.DataFrame, events: pd.DataFrame,
              orders: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Exclude rows that break a row-level rule and count them per rule.

    Parameters
    ----------
    batches : DataFrame
        ``coupon_campaigns`` rows (at least every coupon_id named in ``events``).
    events : DataFrame
        ``coupon_events`` table.
    orders : DataFrame
        ``coupon_orders`` table.

    Returns
    -------
    (events, orders, quality)
        The kept events and orders, and a table ``table, rule, meaning, rows_excluded`` with one row
        per rule of :data:`QUALITY_RULES` (zero counts included).

    Raises
    ------
    DataContractError
        If a required column is missing or an event names an unknown coupon_id.

    Notes
    -----
    Each row is counted under the first rule it breaks, in the order of :data:`QUALITY_RULES`.
    ``used_twice``: of the rows of one instance (coupon_id, customer_id), the earliest use is kept.

    Examples
    --------
    >>> sim = simulate_campaign(CampaignSpec("X", n_customers=300), seed=1)
    >>> twice = pd.concat([sim["events"], sim["events"].iloc[:2]], ignore_index=True)
    >>> ev, od, q = clean_log(sim["campaigns"], twice, sim["orders"])
    >>> int(q["rows_excluded"].sum()), len(ev) == len(sim["events"])
    (2, True)
    """
    contracts.require_columns(batches, ["coupon_id", "min_order"], source="campaigns")
    contracts.require_columns(events, COUPON_EVENTS.names, source="coupon_events")
    contracts.require_columns(orders, COUPON_ORDERS.names, source="orders")
    _check_coupon_ids(events, batches)
    counts: dict[str, int] = {}

    amounts = orders[["gross_amount", "discount_amount", "paid_amount"]]
    neg = (amounts < 0).any(axis=1)
    counts["negative_amount"] = int(neg.sum())
    over = ~neg & (orders["discount_amount"] > orders["gross_amount"])
    counts["discount_exceeds_order"] = int(over.sum())
    bad_orders = set(orders.loc[neg | over, "order_id"])
    kept_orders = orders[~(neg | over)].reset_index(drop=True)

    ev = events.reset_index(drop=True).copy()
    ev["_row"] = np.arange(len(ev))
    rule = pd.Series("", index=ev.index, dtype=object)

    def flag(mask: pd.Series, name: str) -> None:
        hit = mask.fillna(False).astype(bool) & (rule == "")
        rule[hit] = name

    has_use, has_order = ev["used_at"].notna(), ev["order_id"].notna()
    flag(has_use != has_order, "use_incomplete")
    used = has_use & has_order
    flag(used & ~ev["order_id"].isin(orders["order_id"]), "order_not_found")
    flag(used & ev["order_id"].isin(bad_orders), "order_excluded")
    info = ev.merge(orders[["order_id", "customer_id", "gross_amount"]].rename(
        columns={"customer_id": "_order_customer"}), on="order_id", how="left")
    info = info.merge(batches[["coupon_id", "min_order"]], on="coupon_id", how="left")
    flag(used & (info["_order_customer"] != ev["customer_id"]), "other_customers_order")
    flag(used & (ev["used_at"] < ev["collected_at"]), "used_before_collected")
    flag(used & (info["gross_amount"] < info["min_order"]), "below_min_order")
    # one instance per (coupon_id, customer_id): keep the earliest use (or the first row if unused)
    ok = ev[rule == ""].copy()
    ok["_unused"] = ok["used_at"].isna()
    ok = ok.sort_values(["coupon_id", "customer_id", "_unused", "used_at", "_row"])
    dup = ok.duplicated(["coupon_id", "customer_id"], keep="first")
    dup_rows = ok.loc[dup]
    rule[dup_rows.index[dup_rows["used_at"].notna()]] = "used_twice"
    rule[dup_rows.index[dup_rows["used_at"].isna()]] = "collected_twice"
    for _table, name, _meaning in QUALITY_RULES[2:]:
        counts[name] = int((rule == name).sum())
    kept_events = events.reset_index(drop=True)[(rule == "").to_numpy()].reset_index(drop=True)
    quality = pd.DataFrame([(t, n, m, counts[n]) for t, n, m in QUALITY_RULES],
                           columns=["table", "rule", "meaning", "rows_excluded"])
    return kept_events, kept_orders, quality


# ---------------------------------------------------------------------------------------------
# Metrics
# ---------------------------------------------------------------------------------------------


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
    >>> sim = simulate_campaign(CampaignSpec("X", n_customers=300), seed=1)
    >>> uses = coupon_uses(sim["campaigns"], sim["events"], sim["orders"])
    >>> bool((uses.groupby("order_id")["payment_share"].sum()
    ...       - uses.groupby("order_id")["paid_amount"].first()).abs().max() < 1e-6)
    True
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
    """The review metrics of seed 001, for the whole campaign or per group of batches.

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
    >>> sim = simulate_campaign(CampaignSpec("X", n_customers=300), seed=1)
    >>> roi_by_campaign(sim["campaigns"], sim["events"], sim["orders"]).columns.tolist()
    ['campaign_id', 'activity_type', 'level', 'start', 'end', 'coupon_cost', 'coupon_payment_amount', 'roi', 'currency']
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
        Gross margin on gross order amount, 0 < m < 1 (Kurly 2021: 0.19, seed 002).

    Returns
    -------
    DataFrame
        Index ``metric``; columns ``value`` and ``unit``. Rows: ``coupon_orders`` (paid orders with an
        effective use), ``aov_gross`` and ``aov_paid`` (mean gross / paid amount per such order),
        ``nominal_discount_rate`` (mean face value / min_order over effective uses of threshold coupons,
        the rate seed 002 quotes), ``realised_discount_rate`` (coupon face value / gross amount over
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
    >>> sim = simulate_campaign(CampaignSpec("X", n_customers=300), seed=1)
    >>> econ = order_economics(sim["campaigns"], sim["events"], sim["orders"], 0.19)
    >>> round(float(econ.loc["breakeven_roi", "value"]), 2), econ.loc["aov_gross", "unit"]
    (4.26, 'KRW')
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


# ---------------------------------------------------------------------------------------------
# Synthetic campaigns
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchSpec:
    """One simulated coupon batch. ``coverage`` = issued_qty / targeted customers (pushed: ignored)."""

    code: str
    kind: str
    face_value: float
    min_order: float
    stackable: bool
    channel: str
    place: str
    time_slot: str
    coverage: float
    collect_prob: float
    new_only: bool = False


#: Time slots and their hours; the collection probability is set per batch.
SLOT_HOURS = {"all_day": (0, 24), "10-12": (10, 12), "12-14": (12, 14), "20-22": (20, 22)}

DEFAULT_BATCHES = (
    BatchSpec("T8", "threshold", 8_000, 30_000, False, "collected", "coupon_centre", "10-12", 0.35, 0.22),
    BatchSpec("T10", "threshold", 10_000, 35_000, False, "collected", "coupon_centre", "12-14", 0.40, 0.45),
    BatchSpec("T13", "threshold", 13_000, 40_000, False, "collected", "merchant_page", "20-22", 0.45, 0.33),
    BatchSpec("S5", "shipping", 5_000, 30_000, True, "collected", "coupon_centre", "all_day", 0.50, 0.28),
    BatchSpec("N5", "no_threshold", 5_000, 0, False, "pushed", "app_push", "12-14", 1.0, 1.0, True),
)


@dataclass(frozen=True)
class CampaignSpec:
    """A simulated campaign: audience, baseline demand and how coupons change it.

    Amounts in ``currency`` (KRW by default): basket sizes are our assumption (log-normal, median
    ``basket_median``); denominations 5,000-13,000 KRW and minimum orders 30,000-40,000 KRW follow
    seed 002.
    """

    campaign_id: str
    activity_type: str = "coupon_festival"
    level: str = "S"
    start: str = "2026-03-02"
    days: int = 7
    n_customers: int = 12_000
    id_offset: int = 0
    holdout_share: float = 0.25
    new_share: float = 0.30
    basket_median: float = 62_000.0
    basket_sigma: float = 0.55
    rate_returning: float = 0.07  # baseline orders per customer-day
    rate_new: float = 0.012
    extra_rate: float = 0.30  # induced orders per coupon holder (Poisson mean)
    use_prob: float = 0.75  # chance an order that would have happened anyway uses a held coupon
    upgrade_prob: float = 0.35  # chance a basket just under a threshold is topped up to reach it
    batches: tuple[BatchSpec, ...] = DEFAULT_BATCHES
    currency: str = "KRW"


def _round100(x: np.ndarray) -> np.ndarray:
    return np.round(np.asarray(x, dtype=float) / 100.0) * 100.0


def simulate_campaign(spec: CampaignSpec, seed: int) -> dict[str, pd.DataFrame]:
    """Simulate one coupon campaign with a random holdout and a known true incremental effect.

    Parameters
    ----------
    spec : CampaignSpec
        Audience size, demand and coupon batches.
    seed : int
        Seed of ``numpy.random.default_rng``; same seed, same tables.

    Returns
    -------
    dict of DataFrame
        ``campaigns``, ``events``, ``orders``, ``audience`` (following their contracts) and ``truth``
        (one row: true incremental paid and gross amount over the targeted customers).

    Notes
    -----
    Every customer gets baseline orders (Poisson, rate by new/returning; log-normal baskets) that
    happen with or without coupons. Targeted customers collect coupons (probability per batch and
    time slot, first come first served up to ``issued_qty``; pushed batches reach everyone eligible).
    A coupon holder then (a) uses a held coupon on a baseline order with probability ``use_prob``
    (pure subsidy), (b) tops a basket just below a threshold up to it with probability
    ``upgrade_prob``, (c) places Poisson(``extra_rate``) extra orders that only happen because of the
    coupon. Both worlds share the same random draws, so the true effect on the targeted is

    .. math:: \\Delta = \\sum_{i \\in T} (y_i(1) - y_i(0))

    summed over orders that stayed paid. Coupon orders are cancelled/refunded more often (7%/5%)
    than others (3%/2%).

    Examples
    --------
    >>> sim = simulate_campaign(CampaignSpec("X", n_customers=300), seed=1)
    >>> sorted(sim)
    ['audience', 'campaigns', 'events', 'orders', 'truth']
    """
    rng = np.random.default_rng(seed)
    n = spec.n_customers
    start = pd.Timestamp(spec.start)
    end = start + pd.Timedelta(days=spec.days - 1)
    cust = np.array([f"K{spec.id_offset + i:07d}" for i in range(n)], dtype=object)
    holdout = rng.random(n) < spec.holdout_share
    is_new = rng.random(n) < spec.new_share
    targeted_idx = np.flatnonzero(~holdout)
    n_t = len(targeted_idx)
    secs = spec.days * 86_400

    # baseline orders (both worlds)
    lam = np.where(is_new, spec.rate_new, spec.rate_returning) * spec.days
    n0 = rng.poisson(lam)
    b_cust = np.repeat(np.arange(n), n0)
    nb = len(b_cust)
    b_time = rng.integers(0, secs, nb)
    b_gross = _round100(np.exp(rng.normal(np.log(spec.basket_median), spec.basket_sigma, nb)))
    b_status_u = rng.random(nb)
    b_use_u = rng.random(nb)
    b_upg_u = rng.random(nb)
    b_upg_add = _round100(rng.uniform(0, 6_000, nb))

    # collection
    batch_rows, ev_rows = [], []
    held: dict[int, list[list]] = {}
    for bs in spec.batches:
        coupon_id = f"{spec.campaign_id}-{bs.code}"
        elig = targeted_idx[is_new[targeted_idx]] if bs.new_only else targeted_idx
        if bs.channel == "pushed":
            issued = len(elig)
            takers = elig
            day = np.zeros(len(takers), dtype=int)
        else:
            issued = max(1, math.ceil(bs.coverage * n_t))
            takers = elig[rng.random(len(elig)) < bs.collect_prob]
            day = np.floor(spec.days * rng.random(len(takers)) ** 1.6).astype(int)
        h0, h1 = SLOT_HOURS[bs.time_slot]
        t_coll = day * 86_400 + rng.integers(h0 * 3600, h1 * 3600, len(takers))
        order = np.argsort(t_coll, kind="stable")[:issued]  # first come, first served
        takers, t_coll = takers[order], t_coll[order]
        batch_rows.append({"campaign_id": spec.campaign_id, "activity_type": spec.activity_type,
                           "level": spec.level, "start": start, "end": end, "coupon_id": coupon_id,
                           "kind": bs.kind, "face_value": float(bs.face_value), "min_order": float(bs.min_order),
                           "stackable": bs.stackable, "channel": bs.channel, "place": bs.place,
                           "time_slot": bs.time_slot, "issued_qty": int(issued), "currency": spec.currency})
        for c, t in zip(takers.tolist(), t_coll.tolist(), strict=True):
            rec = [coupon_id, c, int(t), None, None, bs]
            ev_rows.append(rec)
            held.setdefault(c, []).append(rec)

    # orders in the coupon world, customer by customer
    b_by_cust = np.split(np.arange(nb), np.cumsum(n0)[:-1])
    ord_rows = []  # [cust, time, gross, discount, status_u, coupon_order(bool)]
    extra_n = rng.poisson(spec.extra_rate, n)
    for c in range(n):
        base = [[c, int(b_time[j]), float(b_gross[j]), 0.0, float(b_status_u[j]), False, j]
                for j in b_by_cust[c]]
        coupons = held.get(c)
        if not coupons or holdout[c]:
            ord_rows.extend(base)
            continue
        best = max(coupons, key=lambda r: (r[5].face_value, -r[2]))
        extra = []
        for _ in range(extra_n[c]):
            t = int(rng.integers(best[2], secs))
            g = float(_round100(np.exp(rng.normal(np.log(spec.basket_median), spec.basket_sigma))))
            g = max(g, float(_round100(best[5].min_order * rng.uniform(1.0, 1.25))))
            extra.append([c, t, g, 0.0, float(rng.random()), True, -1])
        for o in sorted(base + extra, key=lambda r: r[1]):
            is_extra = o[6] < 0
            avail = [r for r in coupons if r[3] is None and r[2] <= o[1]]
            if avail and not is_extra:
                if b_use_u[o[6]] >= spec.use_prob:
                    avail = []
                else:
                    under = [r for r in avail if not r[5].stackable and o[2] < r[5].min_order <= o[2] / 0.75]
                    if under and b_upg_u[o[6]] < spec.upgrade_prob:
                        o[2] = float(max(r[5].min_order for r in under) + b_upg_add[o[6]])
            main = [r for r in avail if not r[5].stackable and r[5].min_order <= o[2]]
            chosen = [max(main, key=lambda r: r[5].face_value)] if main else []
            chosen += [r for r in avail if r[5].stackable and r[5].min_order <= o[2]]
            if chosen:
                o[3] = float(sum(r[5].face_value for r in chosen))
                o[5] = True
                for r in chosen:
                    r[3] = o[1]
                    r[4] = o
            ord_rows.append(o)

    # order table
    ord_rows.sort(key=lambda r: (r[1], r[0]))
    cancel = np.array([0.07 if r[5] else 0.03 for r in ord_rows])
    refund = np.array([0.05 if r[5] else 0.02 for r in ord_rows])
    su = np.array([r[4] for r in ord_rows])
    status = np.where(su < cancel, "cancelled", np.where(su < cancel + refund, "refunded", "paid"))
    ids = [f"{spec.campaign_id}-O{i:06d}" for i in range(len(ord_rows))]
    for r, oid in zip(ord_rows, ids, strict=True):
        r.append(oid)
    o_cust = np.array([r[0] for r in ord_rows], dtype=int)
    seen: set[int] = set()
    new_flag = []
    for c in o_cust.tolist():
        new_flag.append(bool(is_new[c]) and c not in seen)
        seen.add(c)
    gross = np.array([r[2] for r in ord_rows])
    disc = np.array([r[3] for r in ord_rows])
    ts = start + pd.to_timedelta(np.array([r[1] for r in ord_rows]), unit="s")
    orders = pd.DataFrame({"order_id": ids, "customer_id": cust[o_cust], "ordered_at": ts,
                           "gross_amount": gross, "discount_amount": disc, "paid_amount": gross - disc,
                           "status": status, "new_buyer": new_flag, "currency": spec.currency})

    # truth: both worlds share draws; world 0 = baseline orders, no coupons, original baskets
    paid_mask = status == "paid"
    tgt = ~holdout[o_cust]
    y1_paid = float((gross - disc)[paid_mask & tgt].sum())
    y1_gross = float(gross[paid_mask & tgt].sum())
    cancel0, refund0 = 0.03, 0.02
    paid0 = b_status_u >= cancel0 + refund0
    tgt0 = ~holdout[b_cust]
    y0 = float(b_gross[paid0 & tgt0].sum())
    truth = pd.DataFrame({"campaign_id": [spec.campaign_id], "true_incremental_paid": [y1_paid - y0],
                          "true_incremental_gross": [y1_gross - y0], "currency": [spec.currency]})

    events = pd.DataFrame({
        "coupon_id": [r[0] for r in ev_rows],
        "customer_id": cust[np.array([r[1] for r in ev_rows], dtype=int)] if ev_rows else [],
        "collected_at": start + pd.to_timedelta(np.array([r[2] for r in ev_rows]), unit="s"),
        "used_at": [start + pd.Timedelta(seconds=r[3]) if r[3] is not None else pd.NaT for r in ev_rows],
        "order_id": [r[4][-1] if r[4] is not None else None for r in ev_rows],
    })
    events = events.sort_values(["collected_at", "coupon_id", "customer_id"]).reset_index(drop=True)
    audience = pd.DataFrame({"campaign_id": spec.campaign_id, "customer_id": cust,
                             "group": np.where(holdout, "holdout", "targeted")})
    return {"campaigns": pd.DataFrame(batch_rows), "events": events, "orders": orders,
            "audience": audience, "truth": truth}


MAIN_CAMPAIGNS = (
    CampaignSpec("FEST-2026-03", "coupon_festival", "S", "2026-03-02", 7, 12_000, 0),
    CampaignSpec("NEWBUY-2026-04", "new_buyer_push", "A", "2026-04-06", 5, 6_000, 100_000, holdout_share=0.3,
                 new_share=0.6, basket_median=52_000, extra_rate=0.4, use_prob=0.8,
                 batches=(
                     BatchSpec("T10", "threshold", 10_000, 35_000, False, "collected", "coupon_centre", "12-14",
                               0.35, 0.40),
                     BatchSpec("T13", "threshold", 13_000, 40_000, False, "collected", "coupon_centre", "20-22",
                               0.50, 0.30),
                     BatchSpec("N5", "no_threshold", 5_000, 0, False, "pushed", "app_push", "12-14", 1.0, 1.0,
                               True),
                 )),
)

#: Past campaigns for notebook 03: (activity type, levels, basket median, extra-order rate, use_prob)
PAST_TYPES = {
    "coupon_festival": (("S+", "S", "S+", "S", "A+"), 110_000, 0.30, 0.75),
    "category_week": (("A+", "A", "A", "A+", "A"), 90_000, 0.30, 0.75),
    "new_buyer_push": (("A", "A+", "A", "A", "A+"), 74_000, 0.40, 0.80),
}


PAST_PREFIX = {"coupon_festival": "FEST", "category_week": "CATW", "new_buyer_push": "NEWB"}


def simulate_past_campaigns(seed: int = 2024) -> dict[str, pd.DataFrame]:
    """Simulate 15 finished campaigns (5 per activity type) for the ``past_campaigns`` table.

    Parameters
    ----------
    seed : int
        Master seed; campaign k uses ``seed + k``.

    Returns
    -------
    dict of DataFrame
        Concatenated ``campaigns``, ``events``, ``orders`` of all 15 campaigns.

    Notes
    -----
    Activity types differ in basket size (festival > category week > new-buyer push), so their
    attributional ROI levels differ (about 11, 9.5 and 8); each campaign's basket median also varies
    by a log-normal factor (sigma 0.08). Audiences are small (2,000 customers) to keep files small.

    Examples
    --------
    >>> past = simulate_past_campaigns()  # doctest: +SKIP
    """
    rng = np.random.default_rng(seed)
    frames: dict[str, list[pd.DataFrame]] = {"campaigns": [], "events": [], "orders": []}
    k = 0
    for a_type, (levels, median, extra, use) in PAST_TYPES.items():
        for j, level in enumerate(levels):
            start = pd.Timestamp("2025-01-06") + pd.Timedelta(weeks=10 * j + 3 * list(PAST_TYPES).index(a_type))
            spec = CampaignSpec(f"{PAST_PREFIX[a_type]}-{start:%Y-%m}", a_type, level,
                                f"{start:%Y-%m-%d}", 7, 2_000, 200_000 + 10_000 * k, holdout_share=0.1,
                                new_share=0.6 if a_type == "new_buyer_push" else 0.3,
                                basket_median=float(round(median * float(np.exp(rng.normal(0, 0.08))), -2)),
                                extra_rate=extra, use_prob=use)
            sim = simulate_campaign(spec, seed + k)
            for name in frames:
                frames[name].append(sim[name])
            k += 1
    return {name: pd.concat(f, ignore_index=True) for name, f in frames.items()}


def _inject_bad_rows(events: pd.DataFrame, orders: pd.DataFrame, audience: pd.DataFrame,
                     seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Append a few rows breaking each row-level rule (they do not change the clean data)."""
    rng = np.random.default_rng(seed)
    used = events[events["order_id"].notna()].reset_index(drop=True)
    pick = used.iloc[rng.choice(len(used), 9, replace=False)].reset_index(drop=True)
    o_by_id = orders.set_index("order_id")
    bad_ev = []
    for i in range(2):  # used twice: same instance listed again with a later use
        r = pick.iloc[i]
        bad_ev.append({**r.to_dict(), "used_at": r["used_at"] + pd.Timedelta(hours=30)})
    for i in range(2, 5):  # used before collected: an extra instance whose use predates collection
        r = pick.iloc[i]
        bad_ev.append({**r.to_dict(), "coupon_id": r["coupon_id"], "customer_id": r["customer_id"],
                       "collected_at": r["used_at"] + pd.Timedelta(hours=2)})
    for i in range(5, 8):  # used on another customer's order
        r, other = pick.iloc[i], pick.iloc[(i + 1) % 9]
        bad_ev.append({**r.to_dict(), "order_id": other["order_id"], "used_at": other["used_at"]})
    r = pick.iloc[8]
    bad_ev.append({**r.to_dict(), "order_id": "ORDER-NOT-EXPORTED"})
    cust = audience["customer_id"].iloc[rng.choice(len(audience), 4, replace=False)].tolist()
    t0 = o_by_id["ordered_at"].min()
    bad_orders = [
        {"order_id": "BAD-0001", "customer_id": cust[0], "ordered_at": t0 + pd.Timedelta(hours=5),
         "gross_amount": 30_000.0, "discount_amount": 45_000.0, "paid_amount": 0.0, "status": "paid",
         "new_buyer": False},
        {"order_id": "BAD-0002", "customer_id": cust[1], "ordered_at": t0 + pd.Timedelta(hours=9),
         "gross_amount": 8_000.0, "discount_amount": 10_000.0, "paid_amount": 0.0, "status": "paid",
         "new_buyer": False},
        {"order_id": "BAD-0003", "customer_id": cust[2], "ordered_at": t0 + pd.Timedelta(hours=20),
         "gross_amount": -42_000.0, "discount_amount": 0.0, "paid_amount": -42_000.0, "status": "refunded",
         "new_buyer": False},
        {"order_id": "BAD-0004", "customer_id": cust[3], "ordered_at": t0 + pd.Timedelta(hours=26),
         "gross_amount": 51_000.0, "discount_amount": 0.0, "paid_amount": -51_000.0, "status": "paid",
         "new_buyer": False},
    ]
    # a use on an excluded order
    bad_ev.append({"coupon_id": pick.iloc[0]["coupon_id"], "customer_id": cust[0],
                   "collected_at": t0, "used_at": t0 + pd.Timedelta(hours=5), "order_id": "BAD-0001"})
    cur = orders["currency"].iloc[0] if "currency" in orders.columns else None
    bo = pd.DataFrame(bad_orders)
    if cur is not None:
        bo["currency"] = cur
    return (pd.concat([events, pd.DataFrame(bad_ev)], ignore_index=True),
            pd.concat([orders, bo], ignore_index=True))


def _write_csv(df: pd.DataFrame, path: Path) -> Path:
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            fmt = "%Y-%m-%d" if col in ("start", "end") else "%Y-%m-%d %H:%M:%S"
            out[col] = out[col].dt.strftime(fmt)
        elif pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map({True: "true", False: "false"})
    out.to_csv(path, index=False, lineterminator="\n", float_format="%.2f")
    return path


def write_synthetic(out_dir: Path) -> list[Path]:
    """Write the shipped synthetic coupon data into ``out_dir`` (fixed seeds, byte-identical).

    Files: ``coupons_campaigns.csv``, ``coupons_events.csv``, ``coupons_orders.csv``,
    ``coupons_audience.csv``, ``coupons_truth.csv`` (two campaigns, with a few deliberately broken
    rows in events and orders) and ``coupons_past_campaigns.csv`` (15 past campaigns, from
    :func:`roi_by_campaign` on :func:`simulate_past_campaigns`).

    Parameters
    ----------
    out_dir : Path
        Folder to write into (created if missing).

    Returns
    -------
    list of Path
        The files written.

    Examples
    --------
    >>> write_synthetic(Path("/tmp/synth"))  # doctest: +SKIP
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    sims = [simulate_campaign(spec, seed=101 + i) for i, spec in enumerate(MAIN_CAMPAIGNS)]
    tables = {name: pd.concat([s[name] for s in sims], ignore_index=True)
              for name in ("campaigns", "events", "orders", "audience", "truth")}
    events, orders = _inject_bad_rows(tables["events"], tables["orders"], tables["audience"], seed=7)
    past = simulate_past_campaigns(seed=2024)
    past_roi = roi_by_campaign(past["campaigns"], past["events"], past["orders"])
    past_roi["roi"] = past_roi["roi"].round(4)
    contracts.validate(past_roi, PAST_CAMPAIGNS, source="roi_by_campaign(simulate_past_campaigns())")
    written = [
        _write_csv(tables["campaigns"], out_dir / "coupons_campaigns.csv"),
        _write_csv(events, out_dir / "coupons_events.csv"),
        _write_csv(orders, out_dir / "coupons_orders.csv"),
        _write_csv(tables["audience"], out_dir / "coupons_audience.csv"),
        _write_csv(tables["truth"], out_dir / "coupons_truth.csv"),
        _write_csv(past_roi, out_dir / "coupons_past_campaigns.csv"),
    ]
    return written


__all__ = ["ACTIVITY_TYPES", "BREAKDOWNS", "CampaignData", "CampaignSpec", "BatchSpec", "ReviewParams",
           "QUALITY_RULES", "validate_parameters", "load_campaign", "clean_log", "coupon_uses", "review_table",
           "roi_by_campaign", "order_economics", "customer_outcomes", "incrementality", "roi_comparison",
           "simulate_campaign", "simulate_past_campaigns", "write_synthetic", "COUPON_LEVELS"]

ACTIVITY_TYPES = COUPON_ACTIVITY_TYPES
