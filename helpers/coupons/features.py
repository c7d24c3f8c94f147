"""Pre-campaign features per audience customer: what the coupons cannot have changed.

Pure functions; no plotting, no simulation. The same features serve the randomisation checks
(:mod:`helpers.coupons.checks`: is the holdout balanced on them?) and the uplift models
(:mod:`helpers.coupons.targeting`: who responds?). Every feature is measured before the campaign
starts, so the coupons cannot have changed it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers import contracts
from helpers.coupons.windows import Windows

#: Numeric features, in model order (``channel_*`` indicator columns follow when the audience has a channel).
NUMERIC_FEATURES = ("recency_days", "frequency", "spend", "past_coupon_uses", "never_bought")


@dataclass(frozen=True)
class Features:
    """Pre-campaign features of one campaign's audience.

    ``table`` has ``customer_id, group`` and the feature columns ``columns``; ``notes`` says every
    fallback taken (a missing ``never_bought`` or ``channel`` column, missing channel values).
    """

    table: pd.DataFrame
    columns: tuple[str, ...]
    notes: tuple[str, ...] = ()

    def matrix(self) -> np.ndarray:
        """The features as a float matrix (rows = customers, in ``table`` order)."""
        return self.table[list(self.columns)].to_numpy(dtype=float)


def pre_features(orders: pd.DataFrame, audience: pd.DataFrame, windows: Windows) -> Features:
    """Recency, frequency, spend, past coupon use, never-bought and channel before the campaign.

    Parameters
    ----------
    orders : DataFrame
        Clean ``coupon_orders`` (only orders that stayed ``paid`` count).
    audience : DataFrame
        ``coupon_audience`` rows of one campaign; optional ``never_bought`` (bool) and ``channel``
        (text, e.g. the customer's app/web channel) columns.
    windows : Windows
        The observed periods (:func:`helpers.coupons.windows.observed_windows`); features use the
        pre-period ``[pre_start, start)``.

    Returns
    -------
    Features
        One row per audience customer (audience order): ``recency_days`` (days from the last paid
        pre-period order to the start; ``pre_days + 1`` when there is none), ``frequency`` (paid
        pre-period orders), ``spend`` (their paid amount, in the orders' currency),
        ``past_coupon_uses`` (those with a discount), ``never_bought`` (0/1) and one 0/1 column
        ``channel_<value>`` per channel value.

    Raises
    ------
    DataContractError
        A required column of ``orders`` or ``audience`` is missing.

    Notes
    -----
    Without a ``never_bought`` column a customer counts as never-bought when they have no paid
    order in the pre-period, so a lapsed customer whose last order is older than ``pre_days``
    counts as new: a stated fallback (in ``notes``). Missing channel values become
    ``channel_unknown`` (counted in ``notes``).

    .. math:: \\text{recency}_i = \\text{start} - \\max_{o \\in i,\\ \\text{pre}} t_o \\ \\text{(days)}

    Examples
    --------
    >>> od = pd.DataFrame({"customer_id": ["a", "a"], "status": ["paid", "paid"],
    ...     "ordered_at": pd.to_datetime(["2026-02-20", "2026-02-27"]), "paid_amount": [10.0, 30.0],
    ...     "discount_amount": [0.0, 5.0]})
    >>> aud = pd.DataFrame({"customer_id": ["a", "b"], "group": ["targeted", "holdout"]})
    >>> w = Windows(*pd.to_datetime(["2026-02-02", "2026-03-02", "2026-03-08", "2026-03-22"]), 28, 14)
    >>> f = pre_features(od, aud, w)
    >>> f.table[["recency_days", "frequency", "spend", "past_coupon_uses", "never_bought"]].values.tolist()
    [[3.0, 2.0, 40.0, 1.0, 0.0], [29.0, 0.0, 0.0, 0.0, 1.0]]
    """
    contracts.require_columns(orders, ["customer_id", "status", "ordered_at", "paid_amount", "discount_amount"],
                              source="orders")
    contracts.require_columns(audience, ["customer_id", "group"], source="audience")
    t = orders["ordered_at"]
    pre = orders[(orders["status"] == "paid") & (t >= windows.pre_start) & (t < windows.start)]
    per = pre.groupby("customer_id").agg(last=("ordered_at", "max"), frequency=("paid_amount", "size"),
                                         spend=("paid_amount", "sum"),
                                         past_coupon_uses=("discount_amount", lambda d: float((d > 0).sum())))
    out = audience[["customer_id", "group"]].reset_index(drop=True).copy()
    joined = out[["customer_id"]].merge(per, left_on="customer_id", right_index=True, how="left")
    days = (windows.start - joined["last"]) / pd.Timedelta(days=1)
    out["recency_days"] = days.fillna(windows.pre_days + 1).to_numpy(dtype=float)
    for col in ("frequency", "spend", "past_coupon_uses"):
        out[col] = joined[col].fillna(0.0).to_numpy(dtype=float)
    notes = []
    if "never_bought" in audience.columns:
        out["never_bought"] = audience["never_bought"].astype(bool).to_numpy().astype(float)
    else:
        out["never_bought"] = (out["frequency"] == 0).astype(float)
        notes.append("the audience has no `never_bought` column: customers without a paid order in the "
                     f"{windows.pre_days}-day pre-period count as never-bought, so lapsed customers count as new")
    columns = list(NUMERIC_FEATURES)
    if "channel" in audience.columns:
        channel = audience["channel"].reset_index(drop=True)
        missing = int(channel.isna().sum())
        if missing:
            notes.append(f"{missing} customer(s) have no `channel`: counted as channel `unknown`")
        channel = channel.fillna("unknown").astype(str)
        for value in sorted(channel.unique()):
            out[f"channel_{value}"] = (channel == value).to_numpy(dtype=float)
            columns.append(f"channel_{value}")
    else:
        notes.append("the audience has no `channel` column: the models use recency, frequency, spend, past "
                     "coupon use and never-bought only")
    return Features(out, tuple(columns), tuple(notes))
