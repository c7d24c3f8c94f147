"""Purchase cycle: days between a customer's purchases and purchases per month.

Pure functions (no plotting, no simulation).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.cadence.times import seconds

#: Days in an average month (365.25 / 12).
DAYS_PER_MONTH = 365.25 / 12


def purchase_cycle(events: pd.DataFrame, days_per_month: float = DAYS_PER_MONTH) -> dict[str, float]:
    """Days between consecutive purchases of a customer, and purchases per month.

    Notes
    -----
    Gaps :math:`\\delta = (t_{k+1} - t_k)` in days, pooled over customers with 2+ purchases;
    purchases per month :math:`= D / \\bar\\delta` with :math:`D` = ``days_per_month``
    (365.25/12). Yozm IT (2024) reads a 12.8-day cycle as about 2.34 purchases a month
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
    order = np.lexsort((seconds(p["at"]), p["customer_id"].to_numpy().astype(str)))
    cust = p["customer_id"].to_numpy().astype(str)[order]
    secs = seconds(p["at"])[order]
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

