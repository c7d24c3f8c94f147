"""Send intervals: days between consecutive same-stage messages, their median and its interval.

Pure functions (no plotting, no simulation).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from helpers.cadence.stages import POLICY_INTERVAL_DAYS, STAGES
from helpers.cadence.times import seconds


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
    order = np.lexsort((seconds(messages["sent_at"]), messages["customer_id"].to_numpy().astype(str)))
    cust = messages["customer_id"].to_numpy()[order]
    secs = seconds(messages["sent_at"])[order]
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



def _weighted_medians(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Lower weighted median of sorted ``values`` for each row of ``weights`` (draws × values)."""
    cum = np.cumsum(weights, axis=1)
    half = cum[:, -1:] / 2.0
    idx = (cum < half).sum(axis=1)
    return values[np.minimum(idx, len(values) - 1)]


def interval_agreement(intervals: pd.DataFrame, policy: Mapping[str, int | None] | None = None,
                       margin_days: float = 0.5, alpha: float = 0.05, draws: int = 400,
                       seed: int = 0) -> pd.DataFrame:
    """Per stage: does the median send interval *agree* with the policy (equivalence, TOST)?

    Parameters
    ----------
    intervals : DataFrame
        From :func:`stage_intervals` (customer_id, stage, days).
    policy : mapping, optional
        Stage → policy interval in days (default :data:`POLICY_INTERVAL_DAYS`).
    margin_days : float
        Equivalence margin :math:`\\varepsilon` in days (> 0).
    alpha : float
        Size of each one-sided test (0 < alpha < 0.5).
    draws : int
        Bootstrap resamples of customers (≥ 20).
    seed : int
        Seed of the resampling.

    Returns
    -------
    DataFrame indexed by stage (all of :data:`STAGES`): policy_days, customers, intervals,
    median_days, low, high (the :math:`1 - 2\\alpha` bootstrap interval of the median), agrees
    (NA where the stage has no policy interval or fewer than two customers with intervals).

    Notes
    -----
    Two one-sided tests at level :math:`\\alpha` reject both
    :math:`H_0^-: m \\le k - \\varepsilon` and :math:`H_0^+: m \\ge k + \\varepsilon` exactly
    when the :math:`1 - 2\\alpha` interval :math:`[L, U]` of the median :math:`m` lies inside
    :math:`(k - \\varepsilon, k + \\varepsilon)`; agreement is that verdict. Customers are the
    resampling unit (a cluster bootstrap): one customer's consecutive intervals share endpoints
    and a send schedule, so they are not independent; each draw resamples customers with
    replacement and takes the pooled median of their intervals (percentile interval).

    Raises
    ------
    ValueError
        If ``margin_days``, ``alpha`` or ``draws`` is out of range.

    Examples
    --------
    >>> iv = pd.DataFrame({"customer_id": list("aabbccdd"), "stage": "cart",
    ...                    "days": [7.0, 7.1, 6.9, 7.0, 7.2, 6.8, 7.0, 7.0]})
    >>> bool(interval_agreement(iv, draws=50).loc["cart", "agrees"])
    True
    """
    if not margin_days > 0:
        raise ValueError(f"margin_days = {margin_days!r} must be > 0")
    if not 0 < alpha < 0.5:
        raise ValueError(f"alpha = {alpha!r} must be between 0 and 0.5")
    if draws < 20:
        raise ValueError(f"draws = {draws!r} must be at least 20")
    policy = POLICY_INTERVAL_DAYS if policy is None else policy
    rng = np.random.default_rng(seed)
    rows = []
    for stage in STAGES:
        sel = intervals[intervals["stage"] == stage]
        pol = policy.get(stage)
        codes, customers = pd.factorize(sel["customer_id"])
        row = {"stage": stage, "policy_days": np.nan if pol is None else float(pol),
               "customers": len(customers), "intervals": len(sel), "median_days": np.nan,
               "low": np.nan, "high": np.nan, "agrees": pd.NA}
        if len(sel):
            row["median_days"] = float(np.median(sel["days"].to_numpy(float)))
        if len(customers) >= 2:
            order = np.argsort(sel["days"].to_numpy(float), kind="stable")
            values = sel["days"].to_numpy(float)[order]
            codes = codes[order]
            counts = rng.multinomial(len(customers), np.full(len(customers), 1 / len(customers)), size=draws)
            medians = _weighted_medians(values, counts[:, codes].astype(float))
            row["low"], row["high"] = (float(x) for x in np.quantile(medians, [alpha, 1 - alpha]))
            if pol is not None:
                row["agrees"] = bool(pol - margin_days < row["low"] and row["high"] < pol + margin_days)
        rows.append(row)
    return pd.DataFrame(rows).set_index("stage")
