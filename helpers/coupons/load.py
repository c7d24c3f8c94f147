"""Load a campaign's four files, validate them on the way in, and exclude broken rows (counted).

Contracts: :mod:`helpers.coupons.schemas`. Errors name the file, column, rows and values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers import contracts
from helpers.contracts import DataContractError
from helpers.coupons.params import Params
from helpers.coupons.schemas import (
    COUPON_AUDIENCE,
    COUPON_CAMPAIGNS,
    COUPON_EVENTS,
    COUPON_ORDERS,
    COUPON_TRUTH,
)
from helpers.coupons.windows import Windows, observed_windows

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

#: Checks of the periods around the campaign (rows counted in the quality table; fallbacks stated).
WINDOW_RULES = (
    ("orders", "outside_windows", "an audience order before the pre-period or after the post-period (or the "
     "`curve_days` the post-window curve follows, if longer)"),
    ("orders", "pre_period_short", "the orders cover fewer pre-period days than `pre_days` asks"),
    ("orders", "post_period_short", "the orders cover fewer post-period days than `post_days` asks"),
)


@dataclass
class CampaignData:
    """One campaign's validated and cleaned tables, and what was excluded.

    ``synthetic`` is True when a truth file was given (the shipped simulated data).
    """

    campaign_id: str
    currency: str
    batches: pd.DataFrame
    events: pd.DataFrame
    orders: pd.DataFrame
    audience: pd.DataFrame
    quality: pd.DataFrame
    truth: pd.DataFrame | None = field(default=None)
    synthetic: bool = False
    windows: Windows | None = None


def campaign_window(batches: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of a campaign, which all its batches must share.

    Raises
    ------
    DataContractError
        If the batches are empty or disagree on ``start`` or ``end``.

    Examples
    --------
    >>> b = pd.DataFrame({"start": pd.to_datetime(["2026-03-02"] * 2), "end": pd.to_datetime(["2026-03-08"] * 2)})
    >>> [f"{d:%Y-%m-%d}" for d in campaign_window(b)]
    ['2026-03-02', '2026-03-08']
    """
    if batches.empty:
        raise DataContractError("campaigns: the campaign has no batches")
    for col in ("start", "end"):
        values = batches[col].unique()
        if len(values) != 1:
            raise DataContractError(f"campaigns: the batches of one campaign must share one {col!r}, found "
                                    f"{sorted(str(pd.Timestamp(v).date()) for v in values)}")
    return pd.Timestamp(batches["start"].iloc[0]), pd.Timestamp(batches["end"].iloc[0])


def restrict_to_windows(orders: pd.DataFrame, audience: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp,
                        pre_days: int, post_days: int,
                        keep_days: int = 0) -> tuple[pd.DataFrame, Windows, pd.DataFrame]:
    """Drop audience orders outside every period; measure the periods the data cover.

    Returns the kept orders, the observed :class:`~helpers.coupons.windows.Windows` and the rows of
    :data:`WINDOW_RULES` for the quality table (a shorter period than asked is a stated fallback).
    Orders up to ``max(post_days, keep_days)`` days after the campaign are kept (the post-window
    curve follows them); the windows and the verdict use ``post_days``.

    Examples
    --------
    >>> od = pd.DataFrame({"customer_id": ["a", "a"], "ordered_at": pd.to_datetime(["2025-12-01", "2026-03-03"])})
    >>> aud = pd.DataFrame({"customer_id": ["a"]})
    >>> kept, w, q = restrict_to_windows(od, aud, pd.Timestamp("2026-03-02"), pd.Timestamp("2026-03-08"), 28, 14)
    >>> len(kept), w.pre_days, q["rows_excluded"].tolist()
    (1, 0, [1, 0, 0])
    """
    day = pd.Timedelta(days=1)
    mine = orders["customer_id"].isin(audience["customer_id"])
    t = orders["ordered_at"]
    outside = mine & ((t < start - pre_days * day) | (t >= end + (max(post_days, keep_days) + 1) * day))
    kept = orders[~outside].reset_index(drop=True)
    in_post = kept["ordered_at"] < end + (post_days + 1) * day
    windows = observed_windows(kept[kept["customer_id"].isin(audience["customer_id"]) & in_post], start, end,
                               pre_days, post_days)
    pre_note = next((n for n in windows.notes if "pre-period" in n), "")
    post_note = next((n for n in windows.notes if "post-period" in n), "")
    meanings = [WINDOW_RULES[0][2], pre_note or WINDOW_RULES[1][2], post_note or WINDOW_RULES[2][2]]
    quality = pd.DataFrame([(tb, rule, m, n) for (tb, rule, _), m, n in
                            zip(WINDOW_RULES, meanings, [int(outside.sum()), 0, 0], strict=True)],
                           columns=["table", "rule", "meaning", "rows_excluded"])
    quality["fallback"] = [False, bool(pre_note), bool(post_note)]
    return kept, windows, quality


def load_campaign(p: Params) -> CampaignData:
    """Load the four files, keep the reviewed campaign and exclude rows that break a row-level rule.

    Parameters
    ----------
    p : Params
        The notebook's validated parameters (:class:`helpers.coupons.params.Params`).

    Returns
    -------
    CampaignData
        The campaign's ``batches``, clean ``events`` of its coupons, clean ``orders`` (all), its
        ``audience``, the ``quality`` table (see :func:`clean_log`) and the ``truth`` row (synthetic
        data only).

    Raises
    ------
    ParameterError
        A path does not exist, ``campaign_id`` is not in the campaigns file, or ``currency`` is not
        the campaign's.
    DataContractError
        A file breaks its contract (missing column, bad value, duplicate key), an event names a
        coupon_id that is not in the campaigns file, the orders' currency differs from the
        campaign's, or the campaign has no audience rows.

    Examples
    --------
    >>> data = load_campaign(Params())
    >>> data.campaign_id, data.currency, len(data.quality)
    ('FEST-2026-03', 'KRW', 13)
    """
    paths = {name: contracts.require_file(name, getattr(p, name))
             for name in ("campaigns_path", "events_path", "orders_path", "audience_path")}
    truth_path = contracts.require_file("truth_path", p.truth_path) if p.truth_path not in (None, "") else None
    campaigns = contracts.load_csv(paths["campaigns_path"], COUPON_CAMPAIGNS, param="campaigns_path")
    contracts.require_choice("campaign_id", p.campaign_id, sorted(campaigns["campaign_id"].unique()))
    camp_currency = campaigns.loc[campaigns["campaign_id"] == p.campaign_id, "currency"].unique()
    if len(camp_currency) != 1 or camp_currency[0] != p.currency:
        raise contracts.ParameterError(f"parameter 'currency' = {p.currency!r} does not match campaign "
                                       f"{p.campaign_id!r}, whose amounts are in {list(camp_currency)}")
    events = contracts.load_csv(paths["events_path"], COUPON_EVENTS, param="events_path")
    orders = contracts.load_csv(paths["orders_path"], COUPON_ORDERS, param="orders_path")
    audience = contracts.load_csv(paths["audience_path"], COUPON_AUDIENCE, param="audience_path")
    _check_coupon_ids(events, campaigns, source=str(paths["events_path"]))
    if "currency" in orders.columns:
        bad = orders["currency"] != p.currency
        if bad.any():
            raise DataContractError(f"{paths['orders_path']}: column 'currency' must be {p.currency!r} "
                                    f"(the campaign's); {int(bad.sum())} row(s) have "
                                    f"{sorted(orders.loc[bad, 'currency'].unique())}")
    batches = campaigns[campaigns["campaign_id"] == p.campaign_id].reset_index(drop=True)
    events = events[events["coupon_id"].isin(batches["coupon_id"])].reset_index(drop=True)
    events, orders, quality = clean_log(batches, events, orders)
    audience = audience[audience["campaign_id"] == p.campaign_id].reset_index(drop=True)
    if audience.empty:
        raise DataContractError(f"{paths['audience_path']}: no rows for campaign_id {p.campaign_id!r}")
    start, end = campaign_window(batches)
    orders, windows, window_quality = restrict_to_windows(orders, audience, start, end, p.pre_days, p.post_days,
                                                          p.curve_days)
    quality = pd.concat([quality.assign(fallback=False), window_quality], ignore_index=True)
    truth = None
    if truth_path is not None:
        truth_all = contracts.load_csv(truth_path, COUPON_TRUTH, param="truth_path")
        truth = truth_all[truth_all["campaign_id"] == p.campaign_id].reset_index(drop=True)
        if truth.empty:
            truth = None
    return CampaignData(p.campaign_id, p.currency, batches, events, orders, audience, quality, truth,
                        synthetic=truth_path is not None, windows=windows)


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
    events, orders : DataFrame
        ``coupon_events`` and ``coupon_orders`` tables.

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
    One coupon used on an order of 20,000 below its 30,000 minimum:

    >>> b = pd.DataFrame({"coupon_id": ["A"], "min_order": [30_000.0]})
    >>> e = pd.DataFrame({"coupon_id": ["A"], "customer_id": ["c1"], "order_id": ["o1"],
    ...     "collected_at": [pd.Timestamp("2026-03-02")], "used_at": [pd.Timestamp("2026-03-03")]})
    >>> o = pd.DataFrame({"order_id": ["o1"], "customer_id": ["c1"], "ordered_at": [pd.Timestamp("2026-03-03")],
    ...     "gross_amount": [20_000.0], "discount_amount": [5_000.0], "paid_amount": [15_000.0],
    ...     "status": ["paid"], "new_buyer": [False]})
    >>> ev, od, q = clean_log(b, e, o)
    >>> len(ev), q.set_index("rule").loc["below_min_order", "rows_excluded"]
    (0, np.int64(1))
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

