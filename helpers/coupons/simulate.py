"""The seeded generator of the shipped synthetic coupon data (a known true incremental effect).

Kept apart from the estimators and the writers: metrics never import this module, and it returns
frames only. :func:`simulate_shipped_tables` gives the tables of the shipped campaigns, which
:func:`helpers.coupons.synthetic.write_synthetic` writes as ``data/synthetic/coupons_*``
(``python -m helpers synth``); :func:`simulate_past_campaigns` gives the past campaigns the pipeline
step :func:`helpers.coupons.pipeline.write_past_campaigns` estimates on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd


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
    Kurly's coupon texts (Yozm IT, 2024).
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
    basket_sigma: float = 0.45  # within a customer; customers differ by basket_customer_sigma
    basket_customer_sigma: float = 0.35
    propensity_shape: float = 1.5  # Gamma shape of the customers' order propensity (mean 1)
    pre_days: int = 28  # days of orders before the campaign
    post_days: int = 14  # days of orders after it
    pull_forward_prob: float = 0.15  # chance a holder's post-window order is bought during the campaign
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
    """Simulate one coupon campaign with a random holdout, a pre and a post period, and known truth.

    Parameters
    ----------
    spec : CampaignSpec
        Audience size, demand, periods and coupon batches.
    seed : int
        Seed of ``numpy.random.default_rng``; same seed, same tables.

    Returns
    -------
    dict of DataFrame
        ``campaigns``, ``events``, ``orders`` (pre-period, campaign and post-period), ``audience``
        (with ``never_bought``) following their contracts, and ``truth`` (one row: the true net,
        in-window and post-window incremental paid amount, gross amount and new buyers over the
        targeted customers).

    Notes
    -----
    Each customer has a propensity :math:`g_i \\sim \\Gamma(k, 1/k)` and a basket factor (log-normal),
    so pre-period spend predicts later spend. Baseline orders (Poisson, rate by new/returning
    times :math:`g_i`; never-bought customers have none before the campaign) happen with or without
    coupons. Targeted customers collect coupons (probability per batch and time slot, first come
    first served up to ``issued_qty``; pushed batches reach everyone eligible). A coupon holder then
    (a) uses a held coupon on a baseline order with probability ``use_prob`` (pure subsidy),
    (b) tops a basket just below a threshold up to it with probability ``upgrade_prob``,
    (c) places Poisson(``extra_rate``) extra orders that only happen because of the coupon, and
    (d) pulls each baseline order of the post window forward into the campaign with probability
    ``pull_forward_prob`` (bought now with a coupon instead of later). Both worlds share the same
    random draws, so the true effect on the targeted in each period :math:`w` is

    .. math:: \\Delta_w = \\sum_{i \\in T} (y_{iw}(1) - y_{iw}(0)),\\qquad
              \\Delta_{net} = \\Delta_{campaign} + \\Delta_{post}

    over orders that stayed paid; pull-forward makes :math:`\\Delta_{post} < 0`. Coupon orders are
    cancelled/refunded more often (7%/5%) than others (3%/2%).

    Examples
    --------
    >>> sim = simulate_campaign(CampaignSpec("X", n_customers=300, pre_days=7, post_days=7), seed=1)
    >>> sorted(sim)
    ['audience', 'campaigns', 'events', 'orders', 'truth']
    """
    rng = np.random.default_rng(seed)
    n = spec.n_customers
    start = pd.Timestamp(spec.start)
    end = start + pd.Timedelta(days=spec.days - 1)
    day_s = 86_400
    cust = np.array([f"K{spec.id_offset + i:07d}" for i in range(n)], dtype=object)
    holdout = rng.random(n) < spec.holdout_share
    is_new = rng.random(n) < spec.new_share
    propensity = rng.gamma(spec.propensity_shape, 1.0 / spec.propensity_shape, n)
    basket_factor = np.exp(rng.normal(0.0, spec.basket_customer_sigma, n))
    targeted_idx = np.flatnonzero(~holdout)
    n_t = len(targeted_idx)
    secs = spec.days * day_s
    t_first, t_last = -spec.pre_days * day_s, secs + spec.post_days * day_s

    # baseline orders (both worlds): returning customers over every period, new ones from the start
    span = np.where(is_new, spec.days + spec.post_days, spec.pre_days + spec.days + spec.post_days)
    lam = np.where(is_new, spec.rate_new, spec.rate_returning) * propensity * span
    n0 = rng.poisson(lam)
    b_cust = np.repeat(np.arange(n), n0)
    nb = len(b_cust)
    lo = np.where(is_new[b_cust], 0, t_first)
    b_time = (lo + rng.random(nb) * (t_last - lo)).astype(np.int64)
    b_gross = _round100(np.exp(rng.normal(np.log(spec.basket_median), spec.basket_sigma, nb)) * basket_factor[b_cust])
    b_status_u = rng.random(nb)
    b_use_u = rng.random(nb)
    b_upg_u = rng.random(nb)
    b_upg_add = _round100(rng.uniform(0, 6_000, nb))
    b_pull_u = rng.random(nb)
    b_pull_to = rng.random(nb)

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
        t_coll = day * day_s + rng.integers(h0 * 3600, h1 * 3600, len(takers))
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
    # row: [cust, time, gross, discount, status_u, coupon_order, baseline index (-1: extra), forced use]
    b_by_cust = np.split(np.arange(nb), np.cumsum(n0)[:-1])
    ord_rows = []
    extra_n = rng.poisson(spec.extra_rate, n)
    for c in range(n):
        base = [[c, int(b_time[j]), float(b_gross[j]), 0.0, float(b_status_u[j]), False, j, False]
                for j in b_by_cust[c]]
        coupons = held.get(c)
        if not coupons or holdout[c]:
            ord_rows.extend(base)
            continue
        best = max(coupons, key=lambda r: (r[5].face_value, -r[2]))
        for o in base:  # pull-forward: a post-window order bought during the campaign instead
            if o[1] >= secs and b_pull_u[o[6]] < spec.pull_forward_prob:
                o[1] = int(best[2] + b_pull_to[o[6]] * (secs - best[2]))
                o[7] = True
        extra = []
        for _ in range(extra_n[c]):
            t = int(rng.integers(best[2], secs))
            g = float(_round100(np.exp(rng.normal(np.log(spec.basket_median), spec.basket_sigma)) * basket_factor[c]))
            g = max(g, float(_round100(best[5].min_order * rng.uniform(1.0, 1.25))))
            extra.append([c, t, g, 0.0, float(rng.random()), True, -1, True])
        for o in sorted(base + extra, key=lambda r: r[1]):
            if not 0 <= o[1] < secs:  # coupons are valid during the campaign only
                ord_rows.append(o)
                continue
            avail = [r for r in coupons if r[3] is None and r[2] <= o[1]]
            if avail and not o[7]:
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
    o_cust = np.array([r[0] for r in ord_rows], dtype=int)
    seen: set[int] = set()
    new_flag = []
    for c in o_cust.tolist():
        new_flag.append(bool(is_new[c]) and c not in seen)
        seen.add(c)
    gross = np.array([r[2] for r in ord_rows])
    disc = np.array([r[3] for r in ord_rows])
    o_time = np.array([r[1] for r in ord_rows], dtype=np.int64)
    ts = start + pd.to_timedelta(o_time, unit="s")
    orders = pd.DataFrame({"order_id": ids, "customer_id": cust[o_cust], "ordered_at": ts,
                           "gross_amount": gross, "discount_amount": disc, "paid_amount": gross - disc,
                           "status": status, "new_buyer": new_flag, "currency": spec.currency})
    order_id_of = {id(r): oid for r, oid in zip(ord_rows, ids, strict=True)}

    # truth: both worlds share draws; world 0 = baseline orders at their own times, no coupons
    paid1 = (status == "paid") & ~holdout[o_cust]
    paid0 = (b_status_u >= 0.03 + 0.02) & ~holdout[b_cust]
    periods = {"in_window": (0, secs), "post": (secs, t_last)}
    truth = {"campaign_id": [spec.campaign_id]}
    net_paid = net_gross = 0.0
    for name, (a, b) in periods.items():
        in1, in0 = paid1 & (o_time >= a) & (o_time < b), paid0 & (b_time >= a) & (b_time < b)
        d_paid = float((gross - disc)[in1].sum() - b_gross[in0].sum())
        d_gross = float(gross[in1].sum() - b_gross[in0].sum())
        truth[f"true_incremental_paid_{name}"] = [d_paid]
        net_paid, net_gross = net_paid + d_paid, net_gross + d_gross
    buyers1 = set(o_cust[paid1 & (o_time >= 0)].tolist())
    buyers0 = set(b_cust[paid0 & (b_time >= 0)].tolist())
    new_t = set(np.flatnonzero(is_new & ~holdout).tolist())
    truth = pd.DataFrame({"campaign_id": [spec.campaign_id], "true_incremental_paid": [net_paid],
                          "true_incremental_gross": [net_gross],
                          "true_incremental_paid_in_window": truth["true_incremental_paid_in_window"],
                          "true_incremental_paid_post": truth["true_incremental_paid_post"],
                          "true_incremental_new_buyers": [float(len(buyers1 & new_t) - len(buyers0 & new_t))],
                          "currency": [spec.currency]})

    events = pd.DataFrame({
        "coupon_id": [r[0] for r in ev_rows],
        "customer_id": cust[np.array([r[1] for r in ev_rows], dtype=int)] if ev_rows else [],
        "collected_at": start + pd.to_timedelta(np.array([r[2] for r in ev_rows]), unit="s"),
        "used_at": [start + pd.Timedelta(seconds=r[3]) if r[3] is not None else pd.NaT for r in ev_rows],
        "order_id": [order_id_of[id(r[4])] if r[4] is not None else None for r in ev_rows],
    })
    events = events.sort_values(["collected_at", "coupon_id", "customer_id"]).reset_index(drop=True)
    audience = pd.DataFrame({"campaign_id": spec.campaign_id, "customer_id": cust,
                             "group": np.where(holdout, "holdout", "targeted"), "never_bought": is_new})
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
        Concatenated ``campaigns``, ``events``, ``orders``, ``audience`` of all 15 campaigns.

    Notes
    -----
    Activity types differ in basket size (festival > category week > new-buyer push), so their
    attributional ROI levels differ (about 11, 9.5 and 8); each campaign's basket median also varies
    by a log-normal factor (sigma 0.08). Audiences are small (2,000 customers) to keep files small.

    Examples
    --------
    Not run as a doctest (about 5 s)::

        past = simulate_past_campaigns()
        past["campaigns"]["campaign_id"].nunique()  # 15
    """
    rng = np.random.default_rng(seed)
    frames: dict[str, list[pd.DataFrame]] = {"campaigns": [], "events": [], "orders": [], "audience": []}
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


def simulate_shipped_tables() -> dict[str, pd.DataFrame]:
    """The tables of the shipped synthetic coupon data (fixed seeds, so the same frames every run).

    The two :data:`MAIN_CAMPAIGNS` (seeds 101, 102), concatenated, with a few deliberately broken
    rows appended to ``events`` and ``orders`` (seed 7) for the data-quality table.

    Returns
    -------
    dict of DataFrame
        ``campaigns``, ``events``, ``orders``, ``audience``, ``truth``;
        :func:`helpers.coupons.synthetic.write_synthetic` writes them.

    Examples
    --------
    Not run as a doctest (about 10 s; ``tests/test_synthetic.py`` checks the written bytes)::

        sorted(simulate_shipped_tables())  # ['audience', 'campaigns', 'events', 'orders', 'truth']
    """
    sims = [simulate_campaign(spec, seed=101 + i) for i, spec in enumerate(MAIN_CAMPAIGNS)]
    tables = {name: pd.concat([s[name] for s in sims], ignore_index=True)
              for name in ("campaigns", "events", "orders", "audience", "truth")}
    tables["events"], tables["orders"] = _inject_bad_rows(tables["events"], tables["orders"],
                                                          tables["audience"], seed=7)
    return tables
