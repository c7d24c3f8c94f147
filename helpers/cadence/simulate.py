"""The seeded generator of the shipped synthetic cadence logs (a simulator of the inferred policy).

Not used by the metrics: the analysis reads a log, this module writes one. The policy is the one
Yozm IT (2024), *Kurly coupon texts*, inferred from one customer's texts (see ``docs/sources.md``);
a share of sends breaks the quiet-hours rule so the audit has something to find.
``python -m helpers synth`` calls :func:`write_synthetic`.

Stages: :func:`simulate_messages` labels the stage of each customer-week with the simulator's own
implementation of the stage rules, :func:`label_stages` (a sequential walk over each customer's
events, then scalar rules), written apart from the analysis's vectorised
:func:`helpers.cadence.stages.stage_features` / :func:`~helpers.cadence.stages.stages_from_features`
and sharing no code with them. Recovering the simulator's stages with
:func:`~helpers.cadence.stages.infer_stages` is therefore a check of the analysis's stage rule
(``tests/cadence/test_simulator_stages.py`` compares the two labellers on weekly grids;
``tests/cadence/test_independent_simulator.py`` holds an event-driven simulator with another policy
and other thresholds).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.cadence.constants import DEFAULT, EVENTS, POLICY_INTERVAL_DAYS, StageThresholds
from helpers.contracts import require_number

_DAY = 86_400  # seconds per day

#: Weekday shares of sends reported for Kurly (Yozm IT, 2024: about 50 texts over three years).
POLICY_WEEKDAY_SHARES = {"mon": 0.62, "tue": 0.17, "wed": 0.09, "thu": 0.08, "fri": 0.04,
                         "sat": 0.0, "sun": 0.0}

#: Local send-hour shares used by the simulator: all 12-18h, 80 % at 12-14h (Yozm IT, 2024).
POLICY_HOUR_SHARES = {12: 0.40, 13: 0.40, 14: 0.05, 15: 0.05, 16: 0.05, 17: 0.05}

#: The "W" amount cycle (KRW) the simulator repeats: high, low, mid, low (then high again).
W_TEMPLATE_KRW = (13_000.0, 8_000.0, 11_000.0, 8_000.0)


@dataclass(frozen=True)
class SimSettings:
    """Settings of the policy simulator (defaults follow the policy inferred by Yozm IT, 2024).

    Amounts in KRW. ``violation_share``: probability that a message to a customer *without*
    night consent is sent inside 21:00–08:00 local (a violation); ``consented_night_share``:
    the same for customers *with* consent (legal night sends); ``night_consent_share``: share
    of customers who opted in. ``amount_noise``: probability an amount leaves the W cycle.
    """

    start: str = "2023-01-02"
    end: str = "2025-12-31"
    timezone: str = "Asia/Seoul"
    signup_span_days: int = 540
    weekday_shares: tuple[float, ...] = (0.62, 0.17, 0.09, 0.08, 0.04, 0.0, 0.0)
    hour_shares: tuple[tuple[int, float], ...] = tuple(POLICY_HOUR_SHARES.items())
    night_hours: tuple[int, ...] = (21, 22, 23, 0, 1, 2, 3, 4, 5, 6, 7)
    violation_share: float = 0.05
    consented_night_share: float = 0.10
    night_consent_share: float = 0.30
    w_template: tuple[float, ...] = W_TEMPLATE_KRW
    amount_noise: float = 0.10
    min_order_by_stage: tuple[tuple[str, float], ...] = (
        ("inactive", 30_000.0), ("resurrected", 30_000.0), ("churned", 30_000.0),
        ("cart", 40_000.0), ("post_first_purchase", 40_000.0), ("repurchase_push", 40_000.0),
        ("repeat", 40_000.0))
    loyal_from_purchase: int = 4
    loyal_min_order: float = 60_000.0
    first_purchase_prob: float = 0.65
    repurchase_prob: float = 0.77
    mean_days_between_purchases: float = 12.8
    mean_active_days: float = 150.0
    cart_rate_per_day: float = 1 / 30
    early_cart_prob: float = 0.5
    comeback_prob: float = 0.2


def simulate_events(n_customers: int = 400, seed: int = 5, settings: SimSettings = SimSettings()
                    ) -> pd.DataFrame:
    """A synthetic customer event log (signup, cart_add, purchase) following ``settings``.

    Each customer signs up uniformly within ``signup_span_days`` of ``start``; may add to cart
    10–60 days later; makes a first purchase with ``first_purchase_prob`` (20 + Exp(40) days
    after sign-up); repurchases with ``repurchase_prob``, then buys as a Poisson process with
    mean gap ``mean_days_between_purchases`` and adds to cart at ``cart_rate_per_day`` over an
    Exp(``mean_active_days``) active life; with ``comeback_prob`` one cart add 150–400 days later.

    Raises
    ------
    ValueError
        If ``n_customers`` < 1.

    Examples
    --------
    >>> simulate_events(3, seed=1)["event"].iloc[0]
    'signup'
    """
    if n_customers < 1:
        raise ValueError(f"n_customers = {n_customers!r} must be >= 1")
    s = settings
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp(s.start, tz=s.timezone)
    horizon = (pd.Timestamp(s.end, tz=s.timezone) - t0) / pd.Timedelta(days=1)
    rows: list[tuple[str, str, float]] = []
    for c in range(n_customers):
        cid = f"K{c + 1:05d}"
        signup = rng.uniform(0, s.signup_span_days)
        rows.append((cid, "signup", signup))
        if rng.random() < s.early_cart_prob:
            rows.append((cid, "cart_add", signup + rng.uniform(10, 60)))
        if rng.random() >= s.first_purchase_prob:
            continue
        first = signup + 20 + rng.exponential(40)
        rows.append((cid, "purchase", first))
        life_end = first
        if rng.random() < s.repurchase_prob:
            life_end = first + rng.exponential(s.mean_active_days)
            t = first + rng.exponential(s.mean_days_between_purchases)
            while t < life_end:
                rows.append((cid, "purchase", t))
                t += rng.exponential(s.mean_days_between_purchases)
            t = first + rng.exponential(1 / s.cart_rate_per_day)
            while t < life_end:
                rows.append((cid, "cart_add", t))
                t += rng.exponential(1 / s.cart_rate_per_day)
        if rng.random() < s.comeback_prob:
            rows.append((cid, "cart_add", life_end + rng.uniform(150, 400)))
    frame = pd.DataFrame(rows, columns=["customer_id", "event", "day"])
    frame = frame[frame["day"] < horizon]
    frame["at"] = t0 + pd.to_timedelta(np.round(frame["day"].to_numpy() * 86_400), unit="s")
    order = {e: i for i, e in enumerate(EVENTS)}
    frame = frame.assign(_o=frame["event"].map(order)).sort_values(["customer_id", "at", "_o"])
    return frame[["customer_id", "event", "at"]].reset_index(drop=True)


def _epoch_seconds(times: pd.Series) -> np.ndarray:
    """Whole seconds since the Unix epoch (UTC) of tz-aware times."""
    delta = times.dt.tz_convert("UTC") - pd.Timestamp(0, tz="UTC")
    return np.asarray(delta // pd.Timedelta(seconds=1), dtype="int64")


def _stage_now(t: int, th: StageThresholds, signup: int | None, bought: int, first: int | None,
               last_buy: int | None, last_cart: int | None, last_seen: int) -> str:
    """The stage at time ``t`` (seconds) of a customer whose history so far is the other arguments."""
    if signup is None:
        return "before_signup"
    cart_is_latest = last_cart is not None and last_cart >= signup and (last_buy is None or last_cart >= last_buy)
    if cart_is_latest and (t - last_cart) / _DAY < th.cart_days:
        return "cart"
    # the idle clock runs from the last event, or from the end of the welcome / repurchase programme
    if bought == 0:
        idle_from = max(last_seen, signup + th.onboarding_days * _DAY)
    elif bought == 1:
        idle_from = max(last_seen, first + (th.post_first_days + th.push_days) * _DAY)
    else:
        idle_from = last_seen
    idle = (t - idle_from) / _DAY
    if bought >= th.repeat_from_purchase and idle < th.dormant_days:
        return "repeat"
    if bought == 1:
        since_first = (t - first) / _DAY
        if since_first < th.post_first_days:
            return "post_first_purchase"
        if since_first < th.post_first_days + th.push_days:
            return "repurchase_push"
    elif bought == 0 and (t - signup) / _DAY < th.onboarding_days:
        return "onboarding"
    edge = th.dormant_days
    for name, width in (("inactive", 0), ("dormant", th.dormant_silence_days), ("churned", th.churn_silence_days)):
        edge += width
        if idle < edge:
            return name
    return "resurrected"


def _walk_histories(customer_ids: pd.Series, times: pd.Series, events: pd.DataFrame,
                    thresholds: StageThresholds) -> tuple[list[str], list[int]]:
    """(stage, purchases so far) at each (customer, time), walking each customer's events in time order."""
    history: dict[object, list[tuple[int, str]]] = {}
    rows = zip(events["customer_id"].tolist(), _epoch_seconds(events["at"]).tolist(), events["event"].tolist(),
               strict=True)
    for cid, sec, kind in sorted(rows, key=lambda r: r[1]):
        if kind in EVENTS:
            history.setdefault(cid, []).append((sec, kind))
    ids = customer_ids.tolist()
    secs = _epoch_seconds(times).tolist()
    codes = pd.factorize(customer_ids)[0]
    code_of = codes.tolist()
    stage: list[str] = [""] * len(ids)
    bought_at: list[int] = [0] * len(ids)
    current = None  # no customer yet
    for i in np.lexsort((np.asarray(secs, dtype="int64"), codes)).tolist():  # by customer, then time
        t = secs[i]
        if code_of[i] != current:
            current = code_of[i]
            todo, k = history.get(ids[i], []), 0
            signup = first = last_buy = last_cart = None
            bought, last_seen = 0, -1
        while k < len(todo) and todo[k][0] <= t:  # an event at exactly t counts as before it
            sec, kind = todo[k]
            k += 1
            last_seen = sec
            if kind == "signup":
                signup = sec if signup is None else signup
            elif kind == "purchase":
                bought += 1
                last_buy = sec
                first = sec if first is None else first
            else:
                last_cart = sec
        stage[i] = _stage_now(t, thresholds, signup, bought, first, last_buy, last_cart, last_seen)
        bought_at[i] = bought
    return stage, bought_at


def label_stages(customer_ids: pd.Series, times: pd.Series, events: pd.DataFrame,
                 thresholds: StageThresholds = DEFAULT) -> pd.Series:
    """The simulator's stage of each customer at each (tz-aware) time, from the event log ``events``.

    The same stage rules as the analysis (:func:`helpers.cadence.stages.stages_from_features`,
    where they are stated), implemented independently: each customer's events are walked in time
    order (an event at exactly the query time counts as before it) keeping sign-up, purchase count,
    first and last purchase, last cart add and last event, and the first rule that applies names
    the stage. Returns a Series named ``stage`` with the index of ``times``.

    Examples
    --------
    >>> e = pd.DataFrame({"customer_id": ["a", "a"], "event": ["signup", "cart_add"],
    ...     "at": pd.to_datetime(["2024-01-01T10:00+09:00", "2024-03-01T10:00+09:00"])})
    >>> t = pd.Series(pd.to_datetime(["2023-12-01T00:00+09:00", "2024-01-15T12:00+09:00",
    ...                               "2024-03-04T12:00+09:00"]))
    >>> label_stages(pd.Series(["a", "a", "a"]), t, e).tolist()
    ['before_signup', 'onboarding', 'cart']
    """
    stage, _bought = _walk_histories(pd.Series(customer_ids), times, events, thresholds)
    return pd.Series(stage, index=times.index, name="stage", dtype=object)


def _policy_weeks(policy: Mapping[str, int | None]) -> dict[str, int | None]:
    return {k: (None if v is None else max(1, round(v / 7))) for k, v in policy.items()}


def simulate_messages(events: pd.DataFrame, seed: int = 5, settings: SimSettings = SimSettings(),
                      thresholds: StageThresholds = DEFAULT,
                      policy: Mapping[str, int | None] | None = None) -> pd.DataFrame:
    """Coupon messages that the inferred policy would send to the customers in ``events``.

    Notes
    -----
    For every customer and every local week (Monday 00:00) from sign-up to ``end``:

    1. the stage at the week start is :func:`label_stages` (the analysis's rules, implemented apart);
    2. a stage with a policy interval :math:`k` weeks (:data:`POLICY_INTERVAL_DAYS` / 7)
       gets a message when the stage just changed or :math:`k` weeks have passed since the last
       message; ``churned`` gets one last message when entered; other stages stay silent;
    3. the message's weekday is drawn from ``weekday_shares``, its hour from ``hour_shares``
       (minute uniform), except that with ``violation_share`` (no night consent) or
       ``consented_night_share`` (consent) it is moved to a random night hour the same day;
    4. amounts follow the customer's W cycle (random phase); with ``amount_noise`` a random
       5,000–13,000 KRW amount instead; min_order by stage (``loyal_min_order`` from the
       ``loyal_from_purchase``-th purchase); validity 3 days (80 %), 2 or 1 (10 % each).

    Same-stage intervals are therefore :math:`7k` days plus the difference of two independent
    weekday/hour draws, whose median is 0: the recovered median interval should be :math:`7k`.

    Examples
    --------
    >>> ev = simulate_events(5, seed=2)
    >>> list(simulate_messages(ev, seed=2).columns)[:3]
    ['customer_id', 'sent_at', 'channel']
    """
    s = settings
    rng = np.random.default_rng(seed)
    weeks_policy = _policy_weeks(POLICY_INTERVAL_DAYS if policy is None else policy)
    tz = s.timezone
    t0 = pd.Timestamp(s.start, tz=tz)
    t0 = t0 - pd.Timedelta(days=t0.day_of_week)
    end = pd.Timestamp(s.end, tz=tz)
    n_weeks = int((end - t0) / pd.Timedelta(days=7)) + 1
    customers = pd.unique(events["customer_id"])
    consent = rng.random(len(customers)) < s.night_consent_share  # per customer, in ``customers`` order
    phase = rng.integers(0, len(s.w_template), len(customers))
    week_starts = pd.date_range(t0.tz_localize(None), periods=n_weeks, freq="7D")
    grid_c = np.repeat(customers, n_weeks)
    grid_t = pd.Series(week_starts.take(np.tile(np.arange(n_weeks), len(customers)))
                       .tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward"))
    labels, bought = _walk_histories(pd.Series(grid_c, dtype=object), grid_t, events, thresholds)
    stage = np.asarray(labels, dtype=object).reshape(len(customers), n_weeks)
    purchases = np.asarray(bought, dtype="int64").reshape(len(customers), n_weeks)
    send_weeks: list[tuple[int, int, str, int]] = []
    for ci in range(len(customers)):
        prev_stage, last_week = None, -10**6
        for w in range(n_weeks):
            st = stage[ci, w]
            if st == "before_signup":
                prev_stage = st
                continue
            k = weeks_policy.get(st)
            send = False
            if st == "churned":
                send = prev_stage != "churned"
            elif k is not None:
                send = st != prev_stage or (w - last_week) >= k
            if send:
                send_weeks.append((ci, w, st, int(purchases[ci, w])))
                last_week = w
            prev_stage = st
    if not send_weeks:
        raise ValueError("simulate_messages: the policy sent no message (horizon too short?)")
    sw = np.array([(c, w, n) for c, w, _st, n in send_weeks], dtype="int64")
    st_sent = np.array([x[2] for x in send_weeks], dtype=object)
    m = len(sw)
    wd = rng.choice(7, size=m, p=np.asarray(s.weekday_shares) / sum(s.weekday_shares))
    hours, hp = zip(*s.hour_shares, strict=True)
    hour = rng.choice(np.asarray(hours), size=m, p=np.asarray(hp) / sum(hp))
    minute = rng.integers(0, 60, size=m)
    cons = consent[sw[:, 0]]
    night = rng.random(m) < np.where(cons, s.consented_night_share, s.violation_share)
    hour = np.where(night, rng.choice(np.asarray(s.night_hours), size=m), hour)
    offsets = pd.to_timedelta(sw[:, 1] * 7 + wd, unit="D") + pd.to_timedelta(hour * 60 + minute, unit="min")
    sent_at = pd.Series((t0.tz_localize(None) + offsets).tz_localize(tz, ambiguous="NaT",
                                                                       nonexistent="shift_forward"))
    # position within the customer's sequence drives the W cycle
    pos = pd.Series(sw[:, 0]).groupby(sw[:, 0]).cumcount().to_numpy()
    tmpl = np.asarray(s.w_template)
    ph = phase[sw[:, 0]]
    amount = tmpl[(pos + ph) % len(tmpl)]
    noisy = rng.random(m) < s.amount_noise
    amount = np.where(noisy, rng.choice(np.arange(5_000.0, 13_001.0, 1_000.0), size=m), amount)
    mo = dict(s.min_order_by_stage)
    min_order = np.array([mo.get(x, 30_000.0) for x in st_sent])
    min_order = np.where(sw[:, 2] >= s.loyal_from_purchase, s.loyal_min_order, min_order)
    valid = rng.choice(np.array([3, 2, 1]), size=m, p=[0.8, 0.1, 0.1])
    channel = rng.choice(np.array(["lms", "push"], dtype=object), size=m, p=[0.8, 0.2])
    out = pd.DataFrame({
        "customer_id": customers[sw[:, 0]].astype(object),
        "sent_at": sent_at,
        "channel": channel,
        "coupon_amount": amount,
        "min_order": min_order,
        "valid_days": valid.astype("int64"),
        "consent_night": cons,
    })
    out = out[out["sent_at"] <= end].sort_values(["customer_id", "sent_at"], kind="stable")
    return out.reset_index(drop=True)


def simulate_log(n_customers: int = 400, seed: int = 5, violation_share: float = 0.05,
                 settings: SimSettings = SimSettings()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(messages, events) of a synthetic customer base under the inferred policy.

    Examples
    --------
    >>> m, e = simulate_log(5, seed=3)
    >>> set(m["customer_id"]) <= set(e["customer_id"])
    True
    """
    require_number("violation_share", violation_share, low=0, high=1)
    s = replace(settings, violation_share=float(violation_share))
    events = simulate_events(n_customers, seed=seed, settings=s)
    return simulate_messages(events, seed=seed + 1, settings=s), events


def single_customer_events(timezone: str = "Asia/Seoul") -> pd.DataFrame:
    """The scripted event history of one synthetic customer, shaped like the Yozm IT (2024) author's.

    Sign-up, a cart add, a first purchase, two repurchases, then silence (dormant → churned →
    resurrected), a comeback cart add, and a late purchase: about three years of history.

    Examples
    --------
    >>> single_customer_events()["event"].tolist()[:3]
    ['signup', 'cart_add', 'purchase']
    """
    rows = [("signup", "2022-03-02 20:14"), ("cart_add", "2022-04-20 21:40"),
            ("purchase", "2022-06-13 08:55"), ("purchase", "2022-09-26 19:02"),
            ("purchase", "2022-10-10 07:31"), ("cart_add", "2023-10-05 22:10"),
            ("purchase", "2023-10-16 18:20")]
    at = pd.Series(pd.to_datetime([r[1] for r in rows])).dt.tz_localize(timezone)
    return pd.DataFrame({"customer_id": "reader-001", "event": [r[0] for r in rows], "at": at})


def simulate_consent(messages: pd.DataFrame, events: pd.DataFrame, seed: int = 7, withdraw_share: float = 0.3,
                     late_share: float = 0.1) -> pd.DataFrame:
    """Dated night-consent events (``cadence_consent``) for a simulated log.

    Customers whose messages carry ``consent_night`` give consent for all channels at sign-up;
    ``withdraw_share`` of them withdraw it later (for all channels, or for ``lms`` only, half
    each) at a uniform time between sign-up and their last message. ``late_share`` of the others
    give consent for ``push`` only, at a uniform time in the same span.

    Examples
    --------
    >>> m, e = simulate_log(20, seed=3)
    >>> set(simulate_consent(m, e)["event"]) <= {"given", "withdrawn"}
    True
    """
    rng = np.random.default_rng(seed)
    signup = events[events["event"] == "signup"].groupby("customer_id")["at"].min()
    last = messages.groupby("customer_id")["sent_at"].max()
    flag = messages.groupby("customer_id")["consent_night"].first()
    rows = []
    for cid in sorted(flag.index):
        start, stop = signup[cid], last[cid]
        span = max((stop - start).total_seconds(), 0.0)
        when = start + pd.Timedelta(seconds=round(rng.uniform(0, span)))
        draw = rng.random()
        if flag[cid]:
            rows.append((cid, "all", "given", start))
            if draw < withdraw_share:
                rows.append((cid, "all" if rng.random() < 0.5 else "lms", "withdrawn", when))
        elif draw < late_share:
            rows.append((cid, "push", "given", when))
    return pd.DataFrame(rows, columns=["customer_id", "channel", "event", "at"])


def _fmt_times(times: pd.Series, naive: bool) -> pd.Series:
    fmt = "%Y-%m-%d %H:%M:%S"
    if naive:
        return times.dt.strftime(fmt)
    return times.map(lambda t: t.isoformat())


def write_synthetic(out_dir: Path) -> list[Path]:
    """Write the shipped synthetic cadence files into ``out_dir`` (byte-identical every run).

    Files: ``cadence_messages.csv`` / ``cadence_events.csv`` (400 customers, seed 5, default
    policy and 5 % violation share, times with +09:00 offsets) and
    ``cadence_single_messages.csv`` / ``cadence_single_events.csv`` (one scripted customer,
    seed 2, 2022-03 to 2024-09, naive local Seoul times as read off a phone). The single log
    carries three flaws a hand-copied log has, so :func:`clean_log` has something to report:
    message 11 copied twice (duplicate), messages 21 and 22 swapped (out of order), and
    message 31 a no-threshold coupon (min_order 0). ``cadence_consent.csv``: dated consent
    events for the 400-customer log (:func:`simulate_consent`, seed 7).

    Examples
    --------
    >>> import tempfile
    >>> [p.name for p in write_synthetic(Path(tempfile.mkdtemp()))][:2]
    ['cadence_messages.csv', 'cadence_events.csv']
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    messages, events = simulate_log(400, seed=5)
    single_ev = single_customer_events()
    s1 = SimSettings(start="2022-02-28", end="2024-09-30")
    single_msg = simulate_messages(single_ev, seed=2, settings=s1)
    single_msg.loc[30, "min_order"] = 0.0
    order = list(range(len(single_msg)))
    order[20], order[21] = order[21], order[20]
    order.insert(11, 10)
    single_msg = single_msg.iloc[order].reset_index(drop=True)
    consent = simulate_consent(messages, events)
    written = []
    for name, frame, col, naive in [("cadence_messages.csv", messages, "sent_at", False),
                                    ("cadence_events.csv", events, "at", False),
                                    ("cadence_single_messages.csv", single_msg, "sent_at", True),
                                    ("cadence_single_events.csv", single_ev, "at", True),
                                    ("cadence_consent.csv", consent, "at", False)]:
        out = frame.copy()
        out[col] = _fmt_times(out[col], naive)
        if "consent_night" in out:
            out["consent_night"] = out["consent_night"].map({True: "true", False: "false"})
        path = out_dir / name
        out.to_csv(path, index=False, lineterminator="\n", float_format="%.0f")
        written.append(path)
    return written

