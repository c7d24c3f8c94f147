"""Lifecycle stages: the stage of each customer at each send time, from the event history.

Pure functions (no plotting, no simulation). The stage rules and the reference policy follow the
reading of Kurly's coupon texts in Yozm IT (2024), *Kurly coupon texts* (see ``docs/sources.md``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.cadence.constants import DEFAULT, EVENTS, STAGES, StageThresholds
from helpers.cadence.times import seconds

_KEY = 10**11  # seconds per customer block in the combined search key

__all__ = ["StageThresholds", "infer_stages", "stage_features", "stage_message_counts",
           "stages_from_features"]


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
    q = q_codes * _KEY + seconds(times)
    e_codes = ids.get_indexer(events["customer_id"]).astype("int64")
    e_secs = seconds(events["at"])
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
                         thresholds: StageThresholds = DEFAULT) -> pd.Series:
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
    t = seconds(times)
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
                 thresholds: StageThresholds = DEFAULT) -> pd.Series:
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
    Series of stage names (one of :data:`~helpers.cadence.constants.STAGES`, or ``before_signup``), aligned with ``messages``.

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



def stage_message_counts(stages: pd.Series) -> pd.DataFrame:
    """Messages per inferred stage and their share (shares sum to 1), in :data:`~helpers.cadence.constants.STAGES` order.

    Examples
    --------
    >>> float(stage_message_counts(pd.Series(["cart", "cart", "repeat", "inactive"])).loc["cart", "share"])
    0.5
    """
    counts = stages.value_counts()
    order = list(STAGES) + [s for s in counts.index if s not in STAGES]
    counts = counts.reindex(order, fill_value=0)
    return pd.DataFrame({"messages": counts.astype("int64"), "share": counts / counts.sum()})
