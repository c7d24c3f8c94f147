"""CRM coupon cadence: recover a retailer's lifecycle coupon policy from its message log.

Input tables (contracts in :mod:`helpers.contracts`): a message log (``cadence_messages``:
customer_id, sent_at, channel, coupon_amount, min_order, valid_days, consent_night) and a
customer event log (``cadence_events``: customer_id, event in signup/cart_add/purchase, at).
Times are timezone-aware; all weekday/hour readings are made in a local ``timezone``.

The module holds
* :func:`clean_log` — row-level checks with a data-quality table (counts per rule);
* :func:`infer_stages` — the lifecycle stage of each customer at each send time;
* :func:`stage_intervals`, :func:`interval_summary` — send intervals per stage vs the policy;
* :func:`weekday_shares`, :func:`hour_band_share`, :func:`weekday_hour_shares` — timing;
* :func:`quiet_hours_audit` — sends inside the quiet hours to customers without night consent;
* :func:`discount_summary` — discount rate = amount / min_order vs the gross margin;
* :func:`is_w_pattern`, :func:`w_pattern_share`, :func:`w_pattern_null_share` — the "W" of amounts;
* :func:`purchase_cycle` — days between purchases and purchases per month;
* :func:`simulate_events`, :func:`simulate_messages`, :func:`single_customer_events`,
  :func:`write_synthetic` — a seeded simulator of the policy inferred in seed 002
  (``../shared/domain.md`` §3), with a share of policy violations for the audit to find.

Customer ids never leave this module raw in a display table: every per-customer output is
passed through :func:`helpers.privacy.pseudonymise_columns`.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers.cadence.schemas import CADENCE_EVENTS, CADENCE_MESSAGES
from helpers.contracts import (
    DataContractError,
    ParameterError,
    load_csv,
    require_file,
    require_number,
    validate,
)
from helpers.privacy import pseudonymise_columns

#: Lifecycle stages, in the order tables show them.
STAGES = ("onboarding", "inactive", "cart", "post_first_purchase", "repurchase_push", "repeat",
          "dormant", "churned", "resurrected")

#: Send interval (days) of the policy inferred in seed 002 per stage; None = no regular sends
#: (onboarding and dormant: silence; churned: one last coupon, then silence).
POLICY_INTERVAL_DAYS: dict[str, int | None] = {
    "onboarding": None, "inactive": 14, "cart": 7, "post_first_purchase": 14,
    "repurchase_push": 7, "repeat": 7, "dormant": None, "churned": None, "resurrected": 14,
}

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

#: Weekday shares of sends reported in seed 002 (Kurly, ~50 texts over 3 years).
POLICY_WEEKDAY_SHARES = {"mon": 0.62, "tue": 0.17, "wed": 0.09, "thu": 0.08, "fri": 0.04,
                         "sat": 0.0, "sun": 0.0}

#: Local send-hour shares used by the simulator: all 12-18h, 80 % at 12-14h (seed 002).
POLICY_HOUR_SHARES = {12: 0.40, 13: 0.40, 14: 0.05, 15: 0.05, 16: 0.05, 17: 0.05}

#: The "W" amount cycle (KRW) the simulator repeats: high, low, mid, low (then high again).
W_TEMPLATE_KRW = (13_000.0, 8_000.0, 11_000.0, 8_000.0)

DAYS_PER_MONTH = 365.25 / 12
KURLY_GROSS_MARGIN_2021 = 0.19  # cost of goods 81 % of sales in 2021 (seed 002)
EVENTS = ("signup", "cart_add", "purchase")
_NS_PER_S = 1_000_000_000
_KEY = 10**11  # seconds per customer block in the combined search key


@dataclass(frozen=True)
class StageThresholds:
    """Day thresholds that turn an event history into a lifecycle stage.

    Attributes (all in days, except ``repeat_from_purchase``)
    ----------
    onboarding_days : after sign-up with no purchase, the silent onboarding window (30).
    cart_days : a cart add keeps the customer in ``cart`` this long, while it is the last event (40).
    post_first_days : after the first purchase, the ``post_first_purchase`` window (30).
    push_days : then the ``repurchase_push`` window (90), while still on one purchase.
    repeat_from_purchase : from this purchase count on the customer is ``repeat`` (2).
    dormant_days : days since the last event after which the customer is ``dormant`` (60).
    dormant_silence_days : days in ``dormant`` before ``churned`` (60).
    churn_silence_days : days in ``churned`` before ``resurrected`` (180).
    """

    onboarding_days: int = 30
    cart_days: int = 40
    post_first_days: int = 30
    push_days: int = 90
    repeat_from_purchase: int = 2
    dormant_days: int = 60
    dormant_silence_days: int = 60
    churn_silence_days: int = 180


# ---------------------------------------------------------------------------------------------
# Parameters and loading
# ---------------------------------------------------------------------------------------------


def require_timezone(name: str, value: Any, *, allow_none: bool = False) -> str | None:
    """Return ``value`` if it is an IANA timezone name (``"Asia/Seoul"``), else raise.

    Raises
    ------
    ParameterError
        Naming the parameter and the value.

    Examples
    --------
    >>> require_timezone("timezone", "Asia/Seoul")
    'Asia/Seoul'
    """
    if value is None and allow_none:
        return None
    if not isinstance(value, str) or not value:
        raise ParameterError(f"parameter {name!r} = {value!r} must be an IANA timezone name like 'Asia/Seoul'")
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ParameterError(f"parameter {name!r} = {value!r} is not an IANA timezone name "
                             "(e.g. 'Asia/Seoul', 'UTC', 'Europe/Berlin')") from exc
    return value


def validate_parameters(*, messages_path: str, events_path: str, simulate: bool, sim_customers: int,
                        sim_violation_share: float, seed: int, currency: str, timezone: str,
                        naive_timezone: str | None, quiet_start_hour: int, quiet_end_hour: int,
                        gross_margin: float, onboarding_days: int, cart_days: int,
                        post_first_days: int, push_days: int, repeat_from_purchase: int,
                        dormant_days: int, dormant_silence_days: int, churn_silence_days: int,
                        null_draws: int) -> dict[str, Any]:
    """Check every parameter of notebook 05 and return them with paths resolved.

    Returns
    -------
    dict
        The parameters, with ``thresholds`` (:class:`StageThresholds`) and resolved paths
        (``None`` when ``simulate`` is true).

    Raises
    ------
    ParameterError
        Naming the first parameter at fault, its value and what is allowed.

    Examples
    --------
    >>> p = validate_parameters(messages_path="data/synthetic/cadence_messages.csv",
    ...     events_path="data/synthetic/cadence_events.csv", simulate=True, sim_customers=10,
    ...     sim_violation_share=0.1, seed=1, currency="KRW", timezone="Asia/Seoul",
    ...     naive_timezone=None, quiet_start_hour=21, quiet_end_hour=8, gross_margin=0.19,
    ...     onboarding_days=30, cart_days=40, post_first_days=30, push_days=90,
    ...     repeat_from_purchase=2, dormant_days=60, dormant_silence_days=60,
    ...     churn_silence_days=180, null_draws=20)
    >>> p["thresholds"].cart_days
    40
    """
    if not isinstance(simulate, bool):
        raise ParameterError(f"parameter 'simulate' = {simulate!r} must be true or false")
    out: dict[str, Any] = {"simulate": simulate}
    out["messages_path"] = None if simulate else require_file("messages_path", messages_path)
    out["events_path"] = None if simulate else require_file("events_path", events_path)
    out["sim_customers"] = require_number("sim_customers", sim_customers, low=1, high=5000, integer=True)
    out["sim_violation_share"] = require_number("sim_violation_share", sim_violation_share, low=0, high=1)
    out["seed"] = require_number("seed", seed, low=0, integer=True)
    if not isinstance(currency, str) or len(currency) != 3 or not currency.isupper():
        raise ParameterError(f"parameter 'currency' = {currency!r} must be a 3-letter ISO code like 'KRW'")
    out["currency"] = currency
    out["timezone"] = require_timezone("timezone", timezone)
    out["naive_timezone"] = require_timezone("naive_timezone", naive_timezone, allow_none=True)
    out["quiet_start_hour"] = require_number("quiet_start_hour", quiet_start_hour, low=0, high=23, integer=True)
    out["quiet_end_hour"] = require_number("quiet_end_hour", quiet_end_hour, low=0, high=23, integer=True)
    if out["quiet_start_hour"] == out["quiet_end_hour"]:
        raise ParameterError(f"parameters 'quiet_start_hour' and 'quiet_end_hour' are both {quiet_end_hour}; "
                             "the quiet hours must be a non-empty window")
    out["gross_margin"] = require_number("gross_margin", gross_margin, low=0, high=1, high_inclusive=False)
    days = {}
    for name, value in [("onboarding_days", onboarding_days), ("cart_days", cart_days),
                        ("post_first_days", post_first_days), ("push_days", push_days),
                        ("dormant_days", dormant_days), ("dormant_silence_days", dormant_silence_days),
                        ("churn_silence_days", churn_silence_days)]:
        days[name] = require_number(name, value, low=1, high=3650, integer=True)
    days["repeat_from_purchase"] = require_number("repeat_from_purchase", repeat_from_purchase, low=2,
                                                  high=100, integer=True)
    out["thresholds"] = StageThresholds(**days)
    out["null_draws"] = require_number("null_draws", null_draws, low=1, high=1000, integer=True)
    return out


def load_log(messages_path: str | Path, events_path: str | Path, *,
             naive_timezone: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read and validate the message log and the event log.

    Parameters
    ----------
    messages_path, events_path : str or Path
        CSV files (relative to the project root or absolute) following ``cadence_messages``
        and ``cadence_events``.
    naive_timezone : str, optional
        How to read timestamps without a UTC offset; without it they are an error.

    Returns
    -------
    (messages, events) with declared dtypes; times tz-aware.

    Raises
    ------
    ParameterError
        A file does not exist.
    DataContractError
        A file breaks its contract (file, column, lines and values are named), e.g. naive
        timestamps without ``naive_timezone``.

    Examples
    --------
    >>> m, e = load_log("data/synthetic/cadence_single_messages.csv",
    ...                 "data/synthetic/cadence_single_events.csv", naive_timezone="Asia/Seoul")
    >>> str(m["sent_at"].dt.tz)
    'Asia/Seoul'
    """
    messages = load_csv(messages_path, CADENCE_MESSAGES, tz=naive_timezone, param="messages_path")
    events = load_csv(events_path, CADENCE_EVENTS, tz=naive_timezone, param="events_path")
    return messages, events


# ---------------------------------------------------------------------------------------------
# Time helpers
# ---------------------------------------------------------------------------------------------


def _seconds(times: pd.Series) -> np.ndarray:
    """Whole seconds since the Unix epoch (UTC) of tz-aware timestamps."""
    if not isinstance(times.dtype, pd.DatetimeTZDtype):
        raise DataContractError("timestamps must be timezone-aware (validate the table first)")
    delta = times.dt.tz_convert("UTC") - pd.Timestamp(0, tz="UTC")
    return np.asarray(delta // pd.Timedelta(seconds=1), dtype="int64")


def local_time(times: pd.Series, timezone: str) -> pd.DataFrame:
    """Weekday (``mon`` … ``sun``), hour and fractional hour of tz-aware times in ``timezone``.

    Examples
    --------
    >>> t = pd.Series(pd.to_datetime(["2024-03-04T03:30:00+00:00"]))
    >>> local_time(t, "Asia/Seoul")[["weekday", "hour"]].values.tolist()
    [['mon', 12]]
    """
    if not isinstance(times.dtype, pd.DatetimeTZDtype):
        raise DataContractError("sent_at must be timezone-aware; load the log with naive_timezone set")
    loc = times.dt.tz_convert(timezone)
    return pd.DataFrame({
        "weekday": pd.Categorical(np.asarray(WEEKDAYS, dtype=object)[loc.dt.day_of_week.to_numpy()],
                                  categories=list(WEEKDAYS)),
        "hour": loc.dt.hour.to_numpy(),
        "hour_float": (loc.dt.hour + loc.dt.minute / 60 + loc.dt.second / 3600).to_numpy(),
    }, index=times.index)


# ---------------------------------------------------------------------------------------------
# Cleaning
# ---------------------------------------------------------------------------------------------


def clean_log(messages: pd.DataFrame, events: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Apply the row rules, sort, and return (messages, events, quality table).

    Rules (counted in the quality table, never silent):

    ========================== ============================================ ========================
    rule                       meaning                                      action
    ========================== ============================================ ========================
    messages_out_of_order      sent_at earlier than the customer's previous sorted (kept)
                               message in file order
    duplicate_message          same (customer_id, sent_at) as an earlier row dropped
    customer_without_events    no row for the customer in the event log     dropped
    customer_without_signup    events, but no ``signup`` event              dropped
    sent_before_signup         message before the customer's first signup   dropped
    duplicate_event            same (customer_id, event, at) repeated       dropped
    min_order_zero             min_order = 0: rate undefined                kept; no discount rate
    amount_above_min_order     coupon_amount > min_order                    kept; no discount rate
    ========================== ============================================ ========================

    Parameters
    ----------
    messages, events : DataFrame
        Validated tables (``cadence_messages``, ``cadence_events``).

    Returns
    -------
    messages : DataFrame
        Sorted by (customer_id, sent_at) with a boolean ``rate_ok`` column.
    events : DataFrame
        Sorted by (customer_id, at), duplicates removed.
    quality : DataFrame
        Columns rule, rows, action.

    Raises
    ------
    DataContractError
        If no message is left after the rules.

    Examples
    --------
    >>> m = pd.DataFrame({"customer_id": ["a", "a"], "sent_at": pd.to_datetime(
    ...     ["2024-03-04T12:00+09:00", "2024-03-04T12:00+09:00"]), "channel": "lms",
    ...     "coupon_amount": 5000.0, "min_order": 20000.0, "valid_days": 3, "consent_night": False})
    >>> e = pd.DataFrame({"customer_id": ["a"], "event": ["signup"],
    ...     "at": pd.to_datetime(["2024-01-01T09:00+09:00"])})
    >>> int(clean_log(m, e)[2].set_index("rule").loc["duplicate_message", "rows"])
    1
    """
    msg = messages.reset_index(drop=True)
    ev = events.reset_index(drop=True)
    secs = _seconds(msg["sent_at"])
    cust = msg["customer_id"].to_numpy()
    prev_max = pd.Series(secs).groupby(cust).cummax().groupby(cust).shift()
    out_of_order = (pd.Series(secs) < prev_max).to_numpy()
    msg = msg.assign(_s=secs).sort_values(["customer_id", "_s"], kind="stable")
    dup = msg.duplicated(["customer_id", "_s"], keep="first")
    msg = msg[~dup.to_numpy()]
    ev = ev.assign(_s=_seconds(ev["at"]))
    dup_ev = ev.duplicated(["customer_id", "event", "_s"], keep="first")
    ev = ev[~dup_ev.to_numpy()].sort_values(["customer_id", "_s"], kind="stable")
    known = msg["customer_id"].isin(set(ev["customer_id"]))
    signups = ev[ev["event"] == "signup"].groupby("customer_id")["_s"].min()
    has_signup = msg["customer_id"].isin(set(signups.index))
    no_events = ~known
    no_signup = known & ~has_signup
    signup_s = msg["customer_id"].map(signups)
    before = has_signup & (msg["_s"] < signup_s.fillna(np.inf))
    keep = ~(no_events | no_signup | before)
    msg = msg[keep.to_numpy()]
    if msg.empty:
        raise DataContractError("no message is left after the data-quality rules (see the quality table: "
                                f"{int(no_events.sum())} without events, {int(no_signup.sum())} without signup, "
                                f"{int(before.sum())} before signup)")
    zero = msg["min_order"].to_numpy() == 0
    above = ~zero & (msg["coupon_amount"].to_numpy() > msg["min_order"].to_numpy())
    msg = msg.assign(rate_ok=~(zero | above)).drop(columns="_s").reset_index(drop=True)
    quality = pd.DataFrame([
        ("messages_out_of_order", int(out_of_order.sum()), "sorted (kept)"),
        ("duplicate_message", int(dup.sum()), "dropped"),
        ("customer_without_events", int(no_events.sum()), "dropped"),
        ("customer_without_signup", int(no_signup.sum()), "dropped"),
        ("sent_before_signup", int(before.sum()), "dropped"),
        ("duplicate_event", int(dup_ev.sum()), "dropped"),
        ("min_order_zero", int(zero.sum()), "kept; excluded from discount rate"),
        ("amount_above_min_order", int(above.sum()), "kept; excluded from discount rate"),
    ], columns=["rule", "rows", "action"])
    return msg, ev.drop(columns="_s").reset_index(drop=True), quality


# ---------------------------------------------------------------------------------------------
# Stages
# ---------------------------------------------------------------------------------------------


def _last_before(keys: np.ndarray, values: np.ndarray, q: np.ndarray, codes: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """For sorted event ``keys`` (code*_KEY + seconds), the count and last value <= each query."""
    right = np.searchsorted(keys, q, side="right")
    left = np.searchsorted(keys, codes * _KEY, side="left")
    count = right - left
    last = np.where(count > 0, values[np.clip(right - 1, 0, max(len(values) - 1, 0))] if len(values) else 0, -1)
    return count, last


def stage_features(customer_ids: pd.Series, times: pd.Series, events: pd.DataFrame) -> pd.DataFrame:
    """Event-history features of each (customer, time): what happened at or before ``times``.

    Returns a frame (same index as ``times``) with ``signup``, ``first_purchase``,
    ``last_purchase``, ``last_cart``, ``last_event`` (seconds since the epoch, -1 = never) and
    ``purchases`` (count). Events at exactly the query time count as before it.

    Notes
    -----
    Each (customer, time) is encoded as ``code * 10**11 + seconds``; a sorted search over the
    same encoding of each event type gives counts and last times in one vectorised pass.

    Examples
    --------
    >>> e = pd.DataFrame({"customer_id": ["a", "a"], "event": ["signup", "purchase"],
    ...     "at": pd.to_datetime(["2024-01-01T00:00Z", "2024-01-05T00:00Z"])})
    >>> stage_features(pd.Series(["a"]), pd.Series(pd.to_datetime(["2024-01-06T00:00Z"])), e)["purchases"].tolist()
    [1]
    """
    ids = pd.Index(pd.unique(pd.concat([customer_ids, events["customer_id"]], ignore_index=True)))
    q_codes = ids.get_indexer(customer_ids).astype("int64")
    q = q_codes * _KEY + _seconds(times)
    e_codes = ids.get_indexer(events["customer_id"]).astype("int64")
    e_secs = _seconds(events["at"])
    out = {}
    for name in EVENTS:
        sel = (events["event"] == name).to_numpy()
        order = np.argsort(e_codes[sel] * _KEY + e_secs[sel], kind="stable")
        keys = (e_codes[sel] * _KEY + e_secs[sel])[order]
        vals = e_secs[sel][order]
        count, last = _last_before(keys, vals, q, q_codes)
        out[f"n_{name}"] = count
        out[f"last_{name}"] = last
        if name != "cart_add":
            left = np.searchsorted(keys, q_codes * _KEY, side="left")
            first = np.where(count > 0, vals[np.clip(left, 0, max(len(vals) - 1, 0))] if len(vals) else 0, -1)
            out[f"first_{name}"] = first
    frame = pd.DataFrame({
        "signup": out["first_signup"],
        "purchases": out["n_purchase"],
        "first_purchase": out["first_purchase"],
        "last_purchase": out["last_purchase"],
        "last_cart": out["last_cart_add"],
    }, index=times.index)
    frame["last_event"] = np.maximum.reduce([out["last_signup"], out["last_purchase"], out["last_cart_add"]])
    return frame


def stages_from_features(features: pd.DataFrame, times: pd.Series,
                         thresholds: StageThresholds = StageThresholds()) -> pd.Series:
    """Lifecycle stage from :func:`stage_features`, by the first rule that applies.

    Notes
    -----
    With :math:`t` the send time, :math:`n` the purchases so far and
    :math:`g = t - \\max(t_{\\text{last event}}, t_{\\text{programme end}})` (days), where the
    programme ends onboarding_days after sign-up when :math:`n = 0` and post_first_days +
    push_days after the first purchase when :math:`n = 1` (so the inactivity clock starts
    when the welcome or repurchase programme ends; thresholds in days, defaults in brackets):

    1. no signup yet → ``before_signup`` (flagged by :func:`clean_log`);
    2. the last event is a cart add and :math:`t - t_{cart} <` cart_days [40] → ``cart``;
    3. :math:`n \\ge` repeat_from_purchase [2] and :math:`g <` dormant_days [60] → ``repeat``;
    4. :math:`n = 1`, :math:`t - t_{first} <` post_first_days [30] → ``post_first_purchase``;
       :math:`<` post_first_days + push_days [120] → ``repurchase_push``;
    5. :math:`n = 0` and :math:`t - t_{signup} <` onboarding_days [30] → ``onboarding``;
    6. :math:`g <` dormant_days → ``inactive``;
    7. :math:`g <` dormant_days + dormant_silence_days [120] → ``dormant``;
    8. :math:`g <` that + churn_silence_days [300] → ``churned``; otherwise ``resurrected``.
    """
    th = thresholds
    day = 86_400
    t = _seconds(times)
    f = features
    n = f["purchases"].to_numpy()
    since_first = (t - f["first_purchase"].to_numpy()) / day
    since_signup = (t - f["signup"].to_numpy()) / day
    # the inactivity clock starts at the last event, or at the end of a programme window
    anchor = f["last_event"].to_numpy().astype("int64")
    anchor = np.where(n == 0, np.maximum(anchor, f["signup"].to_numpy() + th.onboarding_days * day), anchor)
    anchor = np.where(n == 1, np.maximum(anchor, f["first_purchase"].to_numpy()
                                         + (th.post_first_days + th.push_days) * day), anchor)
    g = (t - anchor) / day
    last_cart = f["last_cart"].to_numpy()
    cart_last = (last_cart >= 0) & (last_cart >= f["last_purchase"].to_numpy()) & (last_cart >= f["signup"].to_numpy())
    conditions = [
        f["signup"].to_numpy() < 0,
        cart_last & ((t - last_cart) / day < th.cart_days),
        (n >= th.repeat_from_purchase) & (g < th.dormant_days),
        (n == 1) & (since_first < th.post_first_days),
        (n == 1) & (since_first < th.post_first_days + th.push_days),
        (n == 0) & (since_signup < th.onboarding_days),
        g < th.dormant_days,
        g < th.dormant_days + th.dormant_silence_days,
        g < th.dormant_days + th.dormant_silence_days + th.churn_silence_days,
    ]
    choices = ["before_signup", "cart", "repeat", "post_first_purchase", "repurchase_push", "onboarding",
               "inactive", "dormant", "churned"]
    stage = np.select(conditions, choices, default="resurrected")
    return pd.Series(stage, index=times.index, name="stage", dtype=object)


def infer_stages(messages: pd.DataFrame, events: pd.DataFrame,
                 thresholds: StageThresholds = StageThresholds()) -> pd.Series:
    """Lifecycle stage of each message's customer at its send time.

    Parameters
    ----------
    messages : DataFrame
        With ``customer_id`` and tz-aware ``sent_at``.
    events : DataFrame
        The ``cadence_events`` table (tz-aware ``at``).
    thresholds : StageThresholds
        Day thresholds of the rules (see :func:`stages_from_features`).

    Returns
    -------
    Series of stage names (one of :data:`STAGES`, or ``before_signup``), aligned with ``messages``.

    Examples
    --------
    >>> e = pd.DataFrame({"customer_id": ["a", "a"], "event": ["signup", "cart_add"],
    ...     "at": pd.to_datetime(["2024-01-01T10:00+09:00", "2024-03-01T10:00+09:00"])})
    >>> m = pd.DataFrame({"customer_id": ["a", "a"],
    ...     "sent_at": pd.to_datetime(["2024-01-15T12:00+09:00", "2024-03-04T12:00+09:00"])})
    >>> infer_stages(m, e).tolist()
    ['onboarding', 'cart']
    """
    feats = stage_features(messages["customer_id"], messages["sent_at"], events)
    return stages_from_features(feats, messages["sent_at"], thresholds)


# ---------------------------------------------------------------------------------------------
# Intervals
# ---------------------------------------------------------------------------------------------


def stage_intervals(messages: pd.DataFrame, stages: pd.Series) -> pd.DataFrame:
    """Days between consecutive messages of a customer that are both in the same stage.

    Notes
    -----
    For messages :math:`i-1, i` of one customer (sorted by ``sent_at``),
    :math:`\\Delta_i = (t_i - t_{i-1}) / 86\\,400\\,s` is kept, under the stage of message
    :math:`i`, only when both messages have that stage; a change of stage starts a new run.

    Returns
    -------
    DataFrame with customer_id, stage, days.

    Examples
    --------
    >>> m = pd.DataFrame({"customer_id": ["a"] * 3, "sent_at": pd.to_datetime(
    ...     ["2024-03-04T12:00+09:00", "2024-03-11T12:00+09:00", "2024-03-25T12:00+09:00"])})
    >>> stage_intervals(m, pd.Series(["cart", "cart", "inactive"]))["days"].tolist()
    [7.0]
    """
    order = np.lexsort((_seconds(messages["sent_at"]), messages["customer_id"].to_numpy().astype(str)))
    cust = messages["customer_id"].to_numpy()[order]
    secs = _seconds(messages["sent_at"])[order]
    stg = np.asarray(stages.to_numpy(), dtype=object)[order]
    same = np.r_[False, (cust[1:] == cust[:-1]) & (stg[1:] == stg[:-1])]
    days = np.r_[np.nan, np.diff(secs) / 86_400.0]
    return pd.DataFrame({"customer_id": cust[same], "stage": stg[same], "days": days[same]})


def median_ci(values: Sequence[float] | np.ndarray, level: float = 0.999) -> tuple[float, float]:
    """Distribution-free confidence interval for a median from order statistics.

    Notes
    -----
    With :math:`n` sorted values :math:`x_{(1)} \\le \\dots \\le x_{(n)}` and
    :math:`K \\sim \\text{Binomial}(n, 1/2)`, take :math:`j` = the :math:`(1-\\text{level})/2`
    quantile of :math:`K` and :math:`k = n - j + 1`; :math:`[x_{(j)}, x_{(k)}]` covers the
    median with probability at least ``level`` for independent draws (sign-test interval).
    The widest interval :math:`[x_{(1)}, x_{(n)}]` covers with probability :math:`1 - 2^{1-n}`;
    when even that is below ``level`` (e.g. :math:`n \\le 10` at 99.9 %) the interval is
    undefined and ``(nan, nan)`` is returned rather than a narrower, overconfident one.

    Raises
    ------
    ValueError
        If there are fewer than 2 values or ``level`` is not in (0, 1).

    Examples
    --------
    >>> median_ci(np.arange(1, 101), level=0.95)
    (40.0, 61.0)
    """
    from scipy.stats import binom

    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    if n < 2:
        raise ValueError(f"median_ci needs at least 2 values, got {n}")
    if not 0 < level < 1:
        raise ValueError(f"level = {level!r} must be between 0 and 1")
    j = int(binom.ppf((1 - level) / 2, n, 0.5))
    if j < 1:
        return float("nan"), float("nan")
    k = n - j + 1
    return float(x[j - 1]), float(x[k - 1])


def interval_summary(intervals: pd.DataFrame, policy: Mapping[str, int | None] | None = None,
                     level: float = 0.999) -> pd.DataFrame:
    """Per stage: policy interval, intervals seen, median, quartiles, and a median CI.

    Parameters
    ----------
    intervals : DataFrame
        From :func:`stage_intervals`.
    policy : mapping, optional
        Stage → policy interval in days (default :data:`POLICY_INTERVAL_DAYS`).
    level : float
        Confidence level of the median interval (:func:`median_ci`); stages with too few
        intervals to reach it get NaN and ``matches_policy`` NA.

    Returns
    -------
    DataFrame indexed by stage (all of :data:`STAGES`) with policy_days, intervals, median_days,
    q1_days, q3_days, iqr_days, ci_low, ci_high, matches_policy (policy inside the CI;
    NA where either is missing).
    """
    policy = POLICY_INTERVAL_DAYS if policy is None else policy
    rows = []
    for stage in STAGES:
        d = intervals.loc[intervals["stage"] == stage, "days"].to_numpy(dtype=float)
        pol = policy.get(stage)
        row = {"stage": stage, "policy_days": np.nan if pol is None else float(pol), "intervals": len(d)}
        if len(d):
            q1, med, q3 = np.quantile(d, [0.25, 0.5, 0.75])
            row.update(median_days=med, q1_days=q1, q3_days=q3, iqr_days=q3 - q1)
        else:
            row.update(median_days=np.nan, q1_days=np.nan, q3_days=np.nan, iqr_days=np.nan)
        lo, hi = median_ci(d, level) if len(d) >= 2 else (np.nan, np.nan)
        row.update(ci_low=lo, ci_high=hi)
        row["matches_policy"] = (pd.NA if pol is None or np.isnan(lo) else bool(lo <= pol <= hi))
        rows.append(row)
    return pd.DataFrame(rows).set_index("stage")


# ---------------------------------------------------------------------------------------------
# Timing: weekday, hour, quiet hours
# ---------------------------------------------------------------------------------------------


def weekday_shares(messages: pd.DataFrame, timezone: str) -> pd.Series:
    """Share of messages per local weekday, ``mon`` … ``sun`` (sums to 1).

    Notes
    -----
    :math:`s_d = \\#\\{i : \\text{weekday}(t_i) = d\\} / n`, weekdays read in ``timezone``.

    Examples
    --------
    >>> m = pd.DataFrame({"sent_at": pd.to_datetime(["2024-03-04T12:00+09:00"] * 3
    ...     + ["2024-03-05T12:00+09:00"])})
    >>> weekday_shares(m, "Asia/Seoul")[["mon", "tue"]].tolist()
    [0.75, 0.25]
    """
    if len(messages) == 0:
        raise ValueError("weekday_shares needs at least one message")
    wd = local_time(messages["sent_at"], timezone)["weekday"]
    return wd.value_counts(normalize=True).reindex(list(WEEKDAYS), fill_value=0.0).rename("share")


def hour_band_share(messages: pd.DataFrame, timezone: str, start: int = 12, end: int = 14) -> float:
    """Share of messages sent with local clock hour in ``[start, end)`` (e.g. 12:00–13:59).

    Examples
    --------
    >>> m = pd.DataFrame({"sent_at": pd.to_datetime(["2024-03-04T12:59+09:00",
    ...     "2024-03-04T14:00+09:00"])})
    >>> hour_band_share(m, "Asia/Seoul")
    0.5
    """
    if not 0 <= start < end <= 24:
        raise ValueError(f"hour band [{start}, {end}) must satisfy 0 <= start < end <= 24")
    h = local_time(messages["sent_at"], timezone)["hour"]
    return float(((h >= start) & (h < end)).mean())


def weekday_hour_shares(messages: pd.DataFrame, timezone: str) -> pd.DataFrame:
    """7 × 24 table (weekday rows ``mon`` … ``sun``, local hour columns 0–23) of send shares.

    Notes
    -----
    :math:`s_{d,h} = \\#\\{i : \\text{weekday}(t_i) = d, \\text{hour}(t_i) = h\\} / n`; all cells sum to 1.

    Examples
    --------
    >>> m = pd.DataFrame({"sent_at": pd.to_datetime(["2024-03-04T12:10+09:00", "2024-03-05T13:00+09:00"])})
    >>> float(weekday_hour_shares(m, "Asia/Seoul").loc["mon", 12])
    0.5
    """
    lt = local_time(messages["sent_at"], timezone)
    table = pd.crosstab(lt["weekday"], lt["hour"], normalize="all")
    return table.reindex(index=list(WEEKDAYS), columns=range(24), fill_value=0.0).astype(float)


def in_quiet_hours(messages: pd.DataFrame, timezone: str, start: int = 21, end: int = 8) -> pd.Series:
    """True where the local send time falls in the quiet window ``[start:00, end:00)``.

    The window wraps around midnight when ``start > end`` (21 → 8 means 21:00–07:59:59).

    Examples
    --------
    >>> m = pd.DataFrame({"sent_at": pd.to_datetime(["2024-03-04T20:59+09:00",
    ...     "2024-03-04T21:00+09:00", "2024-03-05T07:59+09:00", "2024-03-05T08:00+09:00"])})
    >>> in_quiet_hours(m, "Asia/Seoul").tolist()
    [False, True, True, False]
    """
    if start == end:
        raise ValueError("quiet hours: start and end are equal, the window is empty")
    h = local_time(messages["sent_at"], timezone)["hour_float"]
    inside = (h >= start) | (h < end) if start > end else (h >= start) & (h < end)
    return pd.Series(np.asarray(inside), index=messages.index, name="quiet")


def quiet_hours_audit(messages: pd.DataFrame, timezone: str, start: int = 21, end: int = 8
                      ) -> tuple[dict[str, float], pd.DataFrame]:
    """Sends in the quiet hours to customers without night consent (violations).

    Notes
    -----
    violation :math:`v_i = q_i \\wedge \\lnot c_i` (in quiet hours and no ``consent_night``);
    count :math:`\\sum v_i`, share :math:`\\sum v_i / n`. Korea requires separate opt-in for
    advertising sent 21:00–08:00 (Information and Communications Network Act, art. 50(3)).

    Returns
    -------
    summary : dict
        messages, quiet_sends, violations, violation_share, customers_with_violations.
    customers : DataFrame
        One row per customer with at least one violation: pseudonymised customer_id,
        violations, messages; sorted by violations (desc).

    Examples
    --------
    >>> m = pd.DataFrame({"customer_id": ["a", "b"], "consent_night": [False, True],
    ...     "sent_at": pd.to_datetime(["2024-03-04T22:00+09:00", "2024-03-04T22:00+09:00"])})
    >>> quiet_hours_audit(m, "Asia/Seoul")[0]["violations"]
    1
    """
    quiet = in_quiet_hours(messages, timezone, start, end)
    viol = quiet & ~messages["consent_night"].astype(bool)
    per = (pd.DataFrame({"customer_id": messages["customer_id"].to_numpy(), "violations": viol.to_numpy()})
           .groupby("customer_id", sort=True)["violations"].agg(violations="sum", messages="size")
           .reset_index())
    per = per[per["violations"] > 0].sort_values(["violations", "customer_id"], ascending=[False, True])
    per = pseudonymise_columns(per).reset_index(drop=True)
    summary = {
        "messages": int(len(messages)),
        "quiet_sends": int(quiet.sum()),
        "violations": int(viol.sum()),
        "violation_share": float(viol.mean()) if len(messages) else 0.0,
        "customers_with_violations": int(len(per)),
    }
    return summary, per


# ---------------------------------------------------------------------------------------------
# Amounts: discount rate and W pattern
# ---------------------------------------------------------------------------------------------


def discount_summary(messages: pd.DataFrame, gross_margin: float = KURLY_GROSS_MARGIN_2021
                     ) -> dict[str, float]:
    """Mean discount rate and the share of coupons whose rate exceeds the gross margin.

    Notes
    -----
    rate :math:`r_i = a_i / m_i` (coupon amount over minimum order, same currency);
    mean :math:`\\bar r`; share above margin :math:`\\#\\{r_i > \\mu\\} / n` with gross
    margin :math:`\\mu` (Kurly 2021: 0.19). A coupon with :math:`r_i > \\mu` on a
    direct-purchase item bought at exactly the minimum order loses money before any other cost.
    Rows with ``rate_ok`` false (min_order 0, amount above min_order) are left out.

    Raises
    ------
    ValueError
        If ``gross_margin`` is outside [0, 1) or no row has a valid rate.

    Examples
    --------
    >>> m = pd.DataFrame({"coupon_amount": [10000.0, 5000.0], "min_order": [30000.0, 40000.0]})
    >>> d = discount_summary(m, 0.19)
    >>> round(d["mean_discount_rate"], 4), d["share_rate_above_margin"]
    (0.2292, 0.5)
    """
    if not 0 <= gross_margin < 1:
        raise ValueError(f"gross_margin = {gross_margin!r} must be in [0, 1)")
    ok = messages["rate_ok"].to_numpy(dtype=bool) if "rate_ok" in messages else np.ones(len(messages), bool)
    amount = messages["coupon_amount"].to_numpy(dtype=float)[ok]
    minimum = messages["min_order"].to_numpy(dtype=float)[ok]
    if (minimum <= 0).any() or (amount > minimum).any():
        raise ValueError("discount_summary: min_order must be > 0 and coupon_amount <= min_order; "
                         "run clean_log first (it flags those rows)")
    if len(amount) == 0:
        raise ValueError("discount_summary: no coupon has a valid discount rate")
    rate = amount / minimum
    return {"coupons": int(len(rate)), "mean_discount_rate": float(rate.mean()),
            "median_discount_rate": float(np.median(rate)),
            "share_rate_above_margin": float((rate > gross_margin).mean())}


def is_w_pattern(window: Sequence[float]) -> bool:
    """True if five consecutive amounts form a "W": high, low, mid, low, high.

    Notes
    -----
    :math:`(a_1, \\dots, a_5)` is a W when it zig-zags strictly,
    :math:`a_1 > a_2 < a_3 > a_4 < a_5`, and the middle peak is below both outer peaks,
    :math:`a_3 < \\min(a_1, a_5)`. Ties break the pattern.

    Raises
    ------
    ValueError
        If the window does not hold exactly five numbers.

    Examples
    --------
    >>> is_w_pattern([13000, 8000, 11000, 8000, 13000])
    True
    >>> is_w_pattern([13000, 8000, 13000, 8000, 13000])  # middle peak not lower
    False
    """
    a = [float(x) for x in window]
    if len(a) != 5:
        raise ValueError(f"a W window needs exactly 5 amounts, got {len(a)}")
    return a[0] > a[1] < a[2] > a[3] < a[4] and a[2] < min(a[0], a[4])


def _w_flags(amounts: np.ndarray, customers: np.ndarray) -> np.ndarray:
    """W flag for each 5-message window starting at position i within one customer."""
    n = len(amounts)
    if n < 5:
        return np.zeros(0, dtype=bool)
    a = [amounts[i:n - 4 + i] for i in range(5)]
    same = customers[:n - 4] == customers[4:]
    return (same & (a[0] > a[1]) & (a[1] < a[2]) & (a[2] > a[3]) & (a[3] < a[4])
            & (a[2] < np.minimum(a[0], a[4])))[same]


def _sorted_amounts(messages: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    order = np.lexsort((_seconds(messages["sent_at"]), messages["customer_id"].to_numpy().astype(str)))
    return (messages["coupon_amount"].to_numpy(dtype=float)[order],
            messages["customer_id"].to_numpy().astype(str)[order])


def w_pattern_share(messages: pd.DataFrame) -> float:
    """Share of 5-message windows (consecutive sends to one customer) that form a W.

    Notes
    -----
    Windows slide one message at a time within each customer's send sequence (sorted by
    ``sent_at``); a customer with :math:`n \\ge 5` messages has :math:`n - 4` windows.
    Share = W windows / all windows (:func:`is_w_pattern`). A repeated high-low-mid-low cycle
    gives 1/4; independent continuous amounts give 4/120 = 1/30 (the middle value must rank
    3rd of 5, the valleys 1st/2nd and the outer peaks 4th/5th: 2 × 2 orderings).

    Raises
    ------
    ValueError
        If no customer has five messages.

    Examples
    --------
    >>> m = pd.DataFrame({"customer_id": "a", "coupon_amount": [9, 5, 7, 5, 9, 5],
    ...     "sent_at": pd.date_range("2024-03-04", periods=6, freq="7D", tz="Asia/Seoul")})
    >>> w_pattern_share(m)
    0.5
    """
    amounts, customers = _sorted_amounts(messages)
    flags = _w_flags(amounts, customers)
    if len(flags) == 0:
        raise ValueError("w_pattern_share: no customer has 5 or more messages")
    return float(flags.mean())


def w_pattern_null_share(messages: pd.DataFrame, draws: int = 50, seed: int = 0) -> tuple[float, float]:
    """W share expected if each customer's amounts came in random order (mean, sd over draws).

    Each draw shuffles the amounts within every customer (same amounts, random order) and
    recomputes :func:`w_pattern_share`; the observed share well above this mean says the order
    is designed, not chance.

    Examples
    --------
    >>> m = pd.DataFrame({"customer_id": "a", "coupon_amount": [9, 5, 7, 5, 9, 5, 7, 5],
    ...     "sent_at": pd.date_range("2024-03-04", periods=8, freq="7D", tz="Asia/Seoul")})
    >>> 0 <= w_pattern_null_share(m, draws=5, seed=1)[0] <= 1
    True
    """
    amounts, customers = _sorted_amounts(messages)
    rng = np.random.default_rng(seed)
    codes = pd.factorize(customers)[0]
    shares = []
    for _ in range(draws):
        perm = np.lexsort((rng.random(len(amounts)), codes))
        flags = _w_flags(amounts[perm], customers)
        if len(flags) == 0:
            raise ValueError("w_pattern_null_share: no customer has 5 or more messages")
        shares.append(flags.mean())
    return float(np.mean(shares)), float(np.std(shares, ddof=1)) if draws > 1 else 0.0


# ---------------------------------------------------------------------------------------------
# Purchases
# ---------------------------------------------------------------------------------------------


def purchase_cycle(events: pd.DataFrame, days_per_month: float = DAYS_PER_MONTH) -> dict[str, float]:
    """Days between consecutive purchases of a customer, and purchases per month.

    Notes
    -----
    Gaps :math:`\\delta = (t_{k+1} - t_k)` in days, pooled over customers with 2+ purchases;
    purchases per month :math:`= D / \\bar\\delta` with :math:`D` = ``days_per_month``
    (365.25/12). This is the seed's reading: a 12.8-day cycle ↔ about 2.34 purchases a month
    (with :math:`D` = 30).

    Raises
    ------
    ValueError
        If no customer has two purchases.

    Examples
    --------
    >>> e = pd.DataFrame({"customer_id": ["a", "a", "a"], "event": "purchase",
    ...     "at": pd.to_datetime(["2024-01-01T10:00Z", "2024-01-11T10:00Z", "2024-01-31T10:00Z"])})
    >>> purchase_cycle(e, days_per_month=30)["purchases_per_month"]
    2.0
    """
    p = events[events["event"] == "purchase"]
    order = np.lexsort((_seconds(p["at"]), p["customer_id"].to_numpy().astype(str)))
    cust = p["customer_id"].to_numpy().astype(str)[order]
    secs = _seconds(p["at"])[order]
    same = cust[1:] == cust[:-1]
    gaps = (np.diff(secs) / 86_400.0)[same]
    if len(gaps) == 0:
        raise ValueError("purchase_cycle: no customer has two or more purchases")
    mean_gap = float(gaps.mean())
    if mean_gap <= 0:
        raise ValueError("purchase_cycle: all repeat purchases happen at the same instant")
    buyers = pd.Series(cust).value_counts()
    return {"gaps": int(len(gaps)), "mean_days_between_purchases": mean_gap,
            "median_days_between_purchases": float(np.median(gaps)),
            "purchases_per_month": days_per_month / mean_gap,
            "buyers": int(len(buyers)), "repeat_buyer_share": float((buyers >= 2).mean())}


# ---------------------------------------------------------------------------------------------
# Tables for the notebook
# ---------------------------------------------------------------------------------------------


def validity_shares(messages: pd.DataFrame) -> pd.Series:
    """Share of coupons per validity (days), ascending; sums to 1.

    Examples
    --------
    >>> validity_shares(pd.DataFrame({"valid_days": [3, 3, 3, 1]})).to_dict()
    {1: 0.25, 3: 0.75}
    """
    if len(messages) == 0:
        raise ValueError("validity_shares needs at least one message")
    return messages["valid_days"].value_counts(normalize=True).sort_index().rename("share")


def log_overview(messages: pd.DataFrame, events: pd.DataFrame, timezone: str) -> pd.DataFrame:
    """One-column table describing the (cleaned) log: customers, messages, events, local date span.

    Examples
    --------
    >>> m = pd.DataFrame({"customer_id": ["a"], "sent_at": pd.to_datetime(["2024-03-04T12:00+09:00"])})
    >>> e = pd.DataFrame({"customer_id": ["a"], "event": ["signup"],
    ...     "at": pd.to_datetime(["2024-01-01T10:00+09:00"])})
    >>> int(log_overview(m, e, "Asia/Seoul").loc["messages", "value"])
    1
    """
    local = messages["sent_at"].dt.tz_convert(timezone)
    counts = events["event"].value_counts()
    rows = [
        ("customers with messages", messages["customer_id"].nunique()),
        ("messages", len(messages)),
        ("messages per customer (mean)", round(len(messages) / max(messages["customer_id"].nunique(), 1), 1)),
        *[(f"events: {e}", int(counts.get(e, 0))) for e in EVENTS],
        ("first message (local date)", str(local.min().date())),
        ("last message (local date)", str(local.max().date())),
    ]
    return pd.DataFrame(rows, columns=["item", "value"]).set_index("item")


def stage_message_counts(stages: pd.Series) -> pd.DataFrame:
    """Messages per inferred stage and their share (shares sum to 1), in :data:`STAGES` order.

    Examples
    --------
    >>> float(stage_message_counts(pd.Series(["cart", "cart", "repeat", "inactive"])).loc["cart", "share"])
    0.5
    """
    counts = stages.value_counts()
    order = list(STAGES) + [s for s in counts.index if s not in STAGES]
    counts = counts.reindex(order, fill_value=0)
    return pd.DataFrame({"messages": counts.astype("int64"), "share": counts / counts.sum()})


def discount_by_stage(messages: pd.DataFrame, stages: pd.Series, gross_margin: float) -> pd.DataFrame:
    """Mean coupon amount, mean discount rate and share of rates above the margin, per stage.

    Amounts are in the log's currency; rows with ``rate_ok`` false are left out of the rate
    columns (see :func:`clean_log`). Stages without coupons are dropped.

    Notes
    -----
    Per stage :math:`s`: :math:`\\bar a_s`, :math:`\\bar r_s` with :math:`r_i = a_i / m_i`, and
    :math:`\\#\\{r_i > \\mu\\} / n_s` for gross margin :math:`\\mu` (fraction, 0–1).

    Examples
    --------
    >>> m = pd.DataFrame({"coupon_amount": [10000.0, 6000.0], "min_order": [40000.0, 60000.0]})
    >>> discount_by_stage(m, pd.Series(["cart", "repeat"]), 0.19)["mean_rate"].tolist()
    [0.25, 0.1]
    """
    ok = messages["rate_ok"].to_numpy(dtype=bool) if "rate_ok" in messages else np.ones(len(messages), bool)
    rate = np.where(ok, messages["coupon_amount"].to_numpy(float)
                    / np.where(ok, messages["min_order"].to_numpy(float), 1.0), np.nan)
    frame = pd.DataFrame({"stage": stages.to_numpy(), "amount": messages["coupon_amount"].to_numpy(float),
                          "rate": rate, "above": np.where(ok, rate > gross_margin, np.nan)})
    out = frame.groupby("stage").agg(coupons=("amount", "size"), mean_amount=("amount", "mean"),
                                     mean_rate=("rate", "mean"), share_above_margin=("above", "mean"))
    return out.reindex([s for s in STAGES if s in out.index])


def longest_sequence(messages: pd.DataFrame, stages: pd.Series, max_messages: int = 40) -> pd.DataFrame:
    """The first ``max_messages`` messages of the customer with most messages, for a W plot.

    Columns: customer_id (pseudonym), n (1-based position), sent_at, coupon_amount, stage,
    in_w (the message belongs to a 5-message W window of the full sequence). Ties between
    customers are broken by the smallest raw id, so the choice is deterministic.

    Examples
    --------
    >>> m = pd.DataFrame({"customer_id": "a", "coupon_amount": [9.0, 5.0, 7.0, 5.0, 9.0],
    ...     "sent_at": pd.date_range("2024-03-04", periods=5, freq="7D", tz="Asia/Seoul")})
    >>> bool(longest_sequence(m, pd.Series(["repeat"] * 5))["in_w"].all())
    True
    """
    counts = messages["customer_id"].value_counts()
    top = sorted(counts[counts == counts.max()].index.astype(str))[0]
    sel = (messages["customer_id"].astype(str) == top).to_numpy()
    idx = np.flatnonzero(sel)
    seq = (messages.iloc[idx][["customer_id", "sent_at", "coupon_amount"]]
           .assign(stage=stages.to_numpy()[idx]).sort_values("sent_at").reset_index(drop=True))
    a = seq["coupon_amount"].to_numpy()
    in_w = np.zeros(len(a), dtype=bool)
    for i in range(max(len(a) - 4, 0)):
        if is_w_pattern(a[i:i + 5]):
            in_w[i:i + 5] = True
    seq["in_w"] = in_w
    seq.insert(1, "n", np.arange(1, len(seq) + 1))
    return pseudonymise_columns(seq.head(max_messages))


# ---------------------------------------------------------------------------------------------
# Simulator
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SimSettings:
    """Settings of the policy simulator (defaults follow seed 002, domain.md §3).

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


def _policy_weeks(policy: Mapping[str, int | None]) -> dict[str, int | None]:
    return {k: (None if v is None else max(1, round(v / 7))) for k, v in policy.items()}


def simulate_messages(events: pd.DataFrame, seed: int = 5, settings: SimSettings = SimSettings(),
                      thresholds: StageThresholds = StageThresholds(),
                      policy: Mapping[str, int | None] | None = None) -> pd.DataFrame:
    """Coupon messages that the seed-002 policy would send to the customers in ``events``.

    Notes
    -----
    For every customer and every local week (Monday 00:00) from sign-up to ``end``:

    1. the stage at the week start is :func:`stages_from_features` (same rules as the analysis);
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
    consent = dict(zip(customers, rng.random(len(customers)) < s.night_consent_share, strict=True))
    phase = dict(zip(customers, rng.integers(0, len(s.w_template), len(customers)), strict=True))
    week_starts = pd.date_range(t0.tz_localize(None), periods=n_weeks, freq="7D")
    grid_c = np.repeat(customers, n_weeks)
    grid_t = pd.Series(week_starts.take(np.tile(np.arange(n_weeks), len(customers)))
                       .tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward"))
    grid_ids = pd.Series(grid_c, dtype=object)
    feats = stage_features(grid_ids, grid_t, events)
    stage = stages_from_features(feats, grid_t, thresholds).to_numpy().reshape(len(customers), n_weeks)
    purchases = feats["purchases"].to_numpy().reshape(len(customers), n_weeks)
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
    cons = np.array([consent[customers[c]] for c in sw[:, 0]])
    night = rng.random(m) < np.where(cons, s.consented_night_share, s.violation_share)
    hour = np.where(night, rng.choice(np.asarray(s.night_hours), size=m), hour)
    offsets = pd.to_timedelta(sw[:, 1] * 7 + wd, unit="D") + pd.to_timedelta(hour * 60 + minute, unit="min")
    sent_at = pd.Series((t0.tz_localize(None) + offsets).tz_localize(tz, ambiguous="NaT",
                                                                       nonexistent="shift_forward"))
    # position within the customer's sequence drives the W cycle
    pos = pd.Series(sw[:, 0]).groupby(sw[:, 0]).cumcount().to_numpy()
    tmpl = np.asarray(s.w_template)
    ph = np.array([phase[customers[c]] for c in sw[:, 0]])
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
    """(messages, events) of a synthetic customer base under the seed-002 policy.

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
    """The scripted event history of one synthetic customer, shaped like seed 002's reader.

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
    message 31 a no-threshold coupon (min_order 0).

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
    written = []
    for name, frame, col, naive in [("cadence_messages.csv", messages, "sent_at", False),
                                    ("cadence_events.csv", events, "at", False),
                                    ("cadence_single_messages.csv", single_msg, "sent_at", True),
                                    ("cadence_single_events.csv", single_ev, "at", True)]:
        out = frame.copy()
        out[col] = _fmt_times(out[col], naive)
        if "consent_night" in out:
            out["consent_night"] = out["consent_night"].map({True: "true", False: "false"})
        path = out_dir / name
        out.to_csv(path, index=False, lineterminator="\n", float_format="%.0f")
        written.append(path)
    return written


def load_or_simulate(params: Mapping[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Messages and events for the notebook: read the files, or simulate when ``simulate``.

    Returns (messages, events, label) where label says where the data came from.

    Raises
    ------
    ParameterError, DataContractError
        From :func:`load_log` (missing file, broken contract).
    """
    if params["simulate"]:
        m, e = simulate_log(params["sim_customers"], seed=params["seed"],
                            violation_share=params["sim_violation_share"])
        m = validate(m, CADENCE_MESSAGES, source="simulated messages")
        e = validate(e, CADENCE_EVENTS, source="simulated events")
        return m, e, (f"simulated in this run (synthetic): {params['sim_customers']} customers, "
                      f"seed {params['seed']}, violation share {params['sim_violation_share']}")
    m, e = load_log(params["messages_path"], params["events_path"], naive_timezone=params["naive_timezone"])
    return m, e, f"read from {params['messages_path'].name} and {params['events_path'].name}"


__all__ = [
    "STAGES", "POLICY_INTERVAL_DAYS", "POLICY_WEEKDAY_SHARES", "POLICY_HOUR_SHARES", "WEEKDAYS",
    "StageThresholds", "SimSettings", "validate_parameters", "require_timezone", "load_log",
    "load_or_simulate", "local_time", "clean_log", "stage_features", "stages_from_features",
    "infer_stages", "stage_intervals", "median_ci", "interval_summary", "weekday_shares",
    "hour_band_share", "weekday_hour_shares", "in_quiet_hours", "quiet_hours_audit",
    "discount_summary", "is_w_pattern", "w_pattern_share", "w_pattern_null_share",
    "purchase_cycle", "simulate_events", "simulate_messages", "simulate_log",
    "single_customer_events", "write_synthetic", "log_overview", "stage_message_counts",
    "discount_by_stage", "longest_sequence", "validity_shares",
]
