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



def purchase_rate(events: pd.DataFrame, observation_end: pd.Timestamp,
                  days_per_month: float = DAYS_PER_MONTH) -> dict[str, float]:
    """Repeat purchases per month of exposure: purchases / time observed (censoring-aware).

    Parameters
    ----------
    events : DataFrame
        The ``cadence_events`` table (tz-aware ``at``).
    observation_end : Timestamp
        tz-aware end of the observation window (e.g. the last timestamp in the logs).
    days_per_month : float
        Days per month (365.25 / 12).

    Returns
    -------
    dict with buyers, repeat_purchases, exposure_months, purchases_per_month.

    Notes
    -----
    Each buyer :math:`c` is observed from the first purchase :math:`f_c` to the window's end
    :math:`T`; purchases after the first, :math:`N_c`, are counted against that exposure:

    .. math:: \\hat\\lambda = \\frac{\\sum_c N_c}{\\sum_c (T - f_c)} \\cdot D

    This is the maximum-likelihood rate of a Poisson process observed up to :math:`T`: the
    open gap after a customer's last purchase counts as exposure, so long gaps cut off by the
    window's end do not shorten the cycle (:func:`purchase_cycle`'s :math:`D/\\bar\\delta` is biased
    upward by them). Time after a customer stops buying also counts: the rate is per buyer-month,
    lapses included.

    Raises
    ------
    ValueError
        If there is no purchase, or every buyer's exposure is zero.

    Examples
    --------
    a buys on 1, 11 and 21 January (exposure 30 days, 2 repeats), b on 16 January (15 days, 0):
    2 / 45 days × 30 = 1.3333 a month.

    >>> e = pd.DataFrame({"customer_id": ["a", "a", "a", "b"], "event": "purchase",
    ...     "at": pd.to_datetime(["2024-01-01T00:00Z", "2024-01-11T00:00Z", "2024-01-21T00:00Z",
    ...                           "2024-01-16T00:00Z"])})
    >>> round(purchase_rate(e, pd.Timestamp("2024-01-31T00:00Z"), days_per_month=30)["purchases_per_month"], 4)
    1.3333
    """
    p = events[events["event"] == "purchase"]
    if len(p) == 0:
        raise ValueError("purchase_rate: the event log has no purchase")
    secs = pd.Series(seconds(p["at"]), index=p.index)
    by = secs.groupby(p["customer_id"].to_numpy())
    end = int(seconds(pd.Series([observation_end]))[0])
    exposure_days = float((end - by.min()).clip(lower=0).sum()) / 86_400.0
    if exposure_days <= 0:
        raise ValueError("purchase_rate: no exposure (every first purchase is at the window's end)")
    repeat = int(len(p) - by.ngroups)
    return {"buyers": int(by.ngroups), "repeat_purchases": repeat,
            "exposure_months": exposure_days / days_per_month,
            "purchases_per_month": repeat / exposure_days * days_per_month}
