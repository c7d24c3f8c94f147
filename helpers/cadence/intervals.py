"""Send intervals: days between consecutive same-stage messages, their median and its interval.

Pure functions (no plotting, no simulation).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from helpers.cadence.constants import POLICY_INTERVAL_DAYS, STAGES
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



def cluster_median_interval(values: Sequence[float] | np.ndarray, clusters: Sequence | np.ndarray,
                            level: float = 0.90) -> tuple[float, float]:
    r"""Confidence interval for a median from order statistics, with clustered observations.

    Parameters
    ----------
    values : array of float
        The observations (e.g. send intervals in days), ties allowed.
    clusters : array
        Cluster label of each value (e.g. the customer); values of one cluster may be dependent,
        clusters are independent.
    level : float
        Confidence level in (0, 1).

    Returns
    -------
    (low, high), both observed values; ``(nan, nan)`` when the data cannot bound the median at
    this level (the test accepts a median below the smallest or above the largest value).

    Raises
    ------
    ValueError
        If there are fewer than 2 values, the lengths differ or ``level`` is not in (0, 1).

    Notes
    -----
    The sign test inverted with a cluster-robust variance (a Woodruff-type interval;
    Woodruff 1952). A value :math:`m` is a median when :math:`P(X < m) \le 1/2` and
    :math:`P(X > m) \le 1/2` (with an atom at :math:`m` both can hold). Per cluster :math:`c`,

    .. math:: A_c = \#\{i \in c: x_i < m\} - n_c/2, \qquad B_c = \#\{i \in c: x_i > m\} - n_c/2,

    and :math:`m` is rejected when :math:`\sum_c A_c - \tfrac12 > z \sqrt{\sum_c A_c^2}` or the same
    with :math:`B`, :math:`z = \Phi^{-1}((1+\text{level})/2)` (each side a one-sided test at
    :math:`(1-\text{level})/2`; the :math:`\tfrac12` is a continuity correction). At the boundary
    of :math:`H_0` the sums have mean 0 and :math:`\sum_c A_c^2` estimates their variance whatever
    the dependence inside a cluster. Candidates are every distinct value and every gap between
    neighbours; the interval is the closed hull of the accepted ones (a gap brings both its ends).
    With one value per cluster and no ties it is the sign-test interval (Conover 1999, Table A3:
    ranks 40 and 61 at 95 % for :math:`n = 100`).

    No resampling: a tied atom makes the interval zero-width only when the test rejects every
    other candidate, i.e. when the atom holds the median with confidence ``level``; an atom
    holding about half the mass keeps its neighbour inside (a percentile bootstrap of the median
    then returns the atom alone).

    Examples
    --------
    >>> cluster_median_interval([7.0] * 6 + [8.0] * 5, list("abcdefghijk"))
    (7.0, 8.0)
    >>> cluster_median_interval(np.arange(1.0, 101.0), np.arange(100), level=0.95)
    (40.0, 61.0)
    """
    from scipy.stats import norm

    x = np.asarray(values, dtype=float)
    c = np.asarray(clusters)
    if len(x) != len(c):
        raise ValueError(f"values ({len(x)}) and clusters ({len(c)}) must have the same length")
    if len(x) < 2:
        raise ValueError(f"cluster_median_interval needs at least 2 values, got {len(x)}")
    if not 0 < level < 1:
        raise ValueError(f"level = {level!r} must be between 0 and 1")
    z = float(norm.ppf((1 + level) / 2))
    codes, _ = pd.factorize(pd.Series(c, dtype=object))
    u, inv = np.unique(x, return_inverse=True)
    onehot = np.zeros((len(u), codes.max() + 1))
    np.add.at(onehot, (inv, codes), 1.0)
    le = np.cumsum(onehot, axis=0)                 # per cluster: count <= u_j
    n_c = le[-1]
    # candidates: below u_0, u_0, gap(u_0, u_1), u_1, ..., u_last, above u_last
    lt = np.empty((2 * len(u) + 1, len(n_c)))
    gt = np.empty_like(lt)
    lt[0], gt[0] = 0.0, n_c
    lt[1::2], gt[1::2] = le - onehot, n_c - le     # at the value u_j
    lt[2::2], gt[2::2] = le, n_c - le              # in the gap above u_j
    ok = np.ones(len(lt), dtype=bool)
    for count in (lt, gt):
        dev = count - n_c / 2
        ok &= dev.sum(axis=1) - 0.5 <= z * np.sqrt((dev ** 2).sum(axis=1))
    if ok[0] or ok[-1] or not ok.any():
        return float("nan"), float("nan")
    idx = np.flatnonzero(ok)
    lo_i, hi_i = idx[0], idx[-1]
    # candidate 2j+1 is u_j; candidate 2j+2 is the gap above u_j (its ends u_j, u_{j+1})
    low = u[(lo_i - 1) // 2]
    high = u[(hi_i - 1) // 2] if hi_i % 2 == 1 else u[hi_i // 2]
    return float(low), float(high)


def interval_agreement(intervals: pd.DataFrame, policy: Mapping[str, int | None] | None = None,
                       margin_days: float = 0.5, alpha: float = 0.05) -> pd.DataFrame:
    r"""Per stage: does the median send interval *agree* with the policy (equivalence, TOST)?

    Parameters
    ----------
    intervals : DataFrame
        From :func:`stage_intervals` (customer_id, stage, days).
    policy : mapping, optional
        Stage → policy interval in days (default :data:`POLICY_INTERVAL_DAYS`).
    margin_days : float
        Equivalence margin :math:`\varepsilon` in days (> 0).
    alpha : float
        Size of each one-sided test (0 < alpha < 0.5).

    Returns
    -------
    DataFrame indexed by stage (all of :data:`STAGES`): policy_days, customers, intervals,
    median_days, low, high (the :math:`1 - 2\alpha` interval of the median,
    :func:`cluster_median_interval` with customers as clusters), agrees (NA where the stage
    has no policy interval or no interval could be formed).

    Notes
    -----
    Two one-sided tests at level :math:`\alpha` reject both
    :math:`H_0^-: m \le k - \varepsilon` and :math:`H_0^+: m \ge k + \varepsilon` exactly
    when the :math:`1 - 2\alpha` interval :math:`[L, U]` of the median :math:`m` lies inside
    :math:`(k - \varepsilon, k + \varepsilon)`; agreement is that verdict. One customer's
    consecutive intervals share endpoints and a send schedule, so the interval treats customers
    as clusters. Median equivalence is a weak statement (a narrow interval around 7.0 agrees
    with 6.6 and 7.4 alike at :math:`\varepsilon` = 0.5); adherence
    (:mod:`helpers.cadence.adherence`) says how many sends follow the schedule.

    Raises
    ------
    ValueError
        If ``margin_days`` or ``alpha`` is out of range.

    Examples
    --------
    >>> iv = pd.DataFrame({"customer_id": list("aabbccddee"), "stage": "cart",
    ...                    "days": [7.0, 7.1, 6.9, 7.0, 7.2, 6.8, 7.0, 7.0, 7.1, 6.9]})
    >>> bool(interval_agreement(iv).loc["cart", "agrees"])
    True
    """
    if not margin_days > 0:
        raise ValueError(f"margin_days = {margin_days!r} must be > 0")
    if not 0 < alpha < 0.5:
        raise ValueError(f"alpha = {alpha!r} must be between 0 and 0.5")
    policy = POLICY_INTERVAL_DAYS if policy is None else policy
    rows = []
    for stage in STAGES:
        sel = intervals[intervals["stage"] == stage]
        pol = policy.get(stage)
        days = sel["days"].to_numpy(float)
        row = {"stage": stage, "policy_days": np.nan if pol is None else float(pol),
               "customers": int(sel["customer_id"].nunique()), "intervals": len(sel), "median_days": np.nan,
               "low": np.nan, "high": np.nan, "agrees": pd.NA}
        if len(sel):
            row["median_days"] = float(np.median(days))
        if len(sel) >= 2:
            row["low"], row["high"] = cluster_median_interval(days, sel["customer_id"].to_numpy(), 1 - 2 * alpha)
            if pol is not None and not np.isnan(row["low"]):
                row["agrees"] = bool(pol - margin_days < row["low"] and row["high"] < pol + margin_days)
        rows.append(row)
    return pd.DataFrame(rows).set_index("stage")
