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

