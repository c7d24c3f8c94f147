r"""Adherence: how many send intervals follow the policy's schedule, per stage, with a cluster interval.

Pure functions (no plotting, no simulation). Median equivalence (:mod:`helpers.cadence.intervals`)
only says where the middle of the intervals lies; adherence is the share of intervals within
:math:`\pm\varepsilon` of the policy value and the 10th / 90th percentiles say how far the rest
stray. A policy one day off is told apart when the adherence interval at the policy lies above
the adherence intervals at the policy :math:`\pm` 1 day.

Why :math:`\varepsilon` = 0.5 day (the default margin): a send kept on its scheduled day but moved
inside the day's send window (12–18 h: at most 6 h) or deferred out of the quiet hours to the next
morning (21–08 h: at most 11 h) changes an interval by less than half a day; a send moved to
another day changes it by a day give or take those hours. Half a day is the midpoint between
"on the scheduled day" and "a day off".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from helpers.cadence.constants import POLICY_INTERVAL_DAYS, STAGES

#: Confidence level of every interval of notebook 05 (a 90 % interval = two one-sided 5 % tests).
LEVEL = 0.90


def cluster_share_interval(hits: Sequence[float] | np.ndarray, clusters: Sequence | np.ndarray,
                           level: float = LEVEL) -> tuple[float, float, float]:
    r"""A share and its Wilson interval with the effective sample size of clustered data.

    Parameters
    ----------
    hits : array of bool or 0/1
        One entry per observation (e.g. 1 = the interval is within the margin of the policy).
    clusters : array
        Cluster label of each observation (e.g. the customer).
    level : float
        Confidence level in (0, 1).

    Returns
    -------
    (share, low, high), fractions in [0, 1].

    Raises
    ------
    ValueError
        If there are no observations, the lengths differ or ``level`` is not in (0, 1).

    Notes
    -----
    :math:`\hat p = \sum_c y_c / n` with :math:`y_c` the hits and :math:`n_c` the observations of
    cluster :math:`c` (:math:`C` clusters). Its linearised cluster variance and design effect are

    .. math:: v = \frac{C}{C-1} \frac{\sum_c (y_c - \hat p\, n_c)^2}{n^2}, \qquad
              d = \max\Bigl(1, \frac{v}{\hat p (1 - \hat p) / n}\Bigr),

    and the interval is Wilson's score interval with :math:`n^* = n / d` in place of :math:`n`
    (Korn & Graubard 1998). When :math:`\hat p` is 0 or 1 the variance says nothing and
    :math:`n^* = C` (one observation per cluster), so the interval never has zero width.

    Examples
    --------
    >>> p, lo, hi = cluster_share_interval([1, 1, 0, 1, 0, 1, 1, 1], list("aabbccdd"))
    >>> p, round(lo, 3), round(hi, 3)
    (0.75, 0.46, 0.913)
    """
    from scipy.stats import norm

    y = np.asarray(hits, dtype=float)
    c = np.asarray(clusters)
    if len(y) != len(c):
        raise ValueError(f"hits ({len(y)}) and clusters ({len(c)}) must have the same length")
    if len(y) == 0:
        raise ValueError("cluster_share_interval needs at least one observation")
    if not 0 < level < 1:
        raise ValueError(f"level = {level!r} must be between 0 and 1")
    codes, uniq = pd.factorize(pd.Series(c, dtype=object))
    n, n_clusters = len(y), len(uniq)
    y_c = np.bincount(codes, weights=y)
    n_c = np.bincount(codes).astype(float)
    p = float(y.mean())
    if 0 < p < 1 and n_clusters > 1:
        v = n_clusters / (n_clusters - 1) * float(((y_c - p * n_c) ** 2).sum()) / n**2
        n_eff = n / max(1.0, v / (p * (1 - p) / n))
    else:
        n_eff = float(n_clusters)
    z = float(norm.ppf((1 + level) / 2))
    centre = (p + z**2 / (2 * n_eff)) / (1 + z**2 / n_eff)
    half = z / (1 + z**2 / n_eff) * np.sqrt(p * (1 - p) / n_eff + z**2 / (4 * n_eff**2))
    # Wilson's interval contains p; the clip only absorbs rounding at p = 0 or 1
    return p, float(min(p, max(0.0, centre - half))), float(max(p, min(1.0, centre + half)))


def interval_adherence(intervals: pd.DataFrame, policy: Mapping[str, float | None] | None = None,
                       margin_days: float = 0.5, level: float = LEVEL) -> pd.DataFrame:
    r"""Per stage: share of intervals within the margin of the policy, its neighbours, and quantiles.

    Parameters
    ----------
    intervals : DataFrame
        From :func:`helpers.cadence.intervals.stage_intervals` (customer_id, stage, days).
    policy : mapping, optional
        Stage → policy interval in days (default :data:`POLICY_INTERVAL_DAYS`).
    margin_days : float
        The margin :math:`\varepsilon` in days, in (0, 0.5] so that the windows at
        :math:`k - 1, k, k + 1` do not overlap.
    level : float
        Confidence level of the adherence intervals (:func:`cluster_share_interval`).

    Returns
    -------
    DataFrame indexed by stage (all of :data:`STAGES`): policy_days, customers, intervals,
    interval_p10, interval_p90 (days), adherence, adherence_low, adherence_high, and the
    same share at the policy minus / plus one day (adherence_minus_1d, adherence_minus_1d_high,
    adherence_plus_1d, adherence_plus_1d_high); ``peaks_at_policy`` is True when
    adherence_low exceeds both neighbours' upper bounds (NA without a policy value or intervals).

    Raises
    ------
    ValueError
        If ``margin_days`` is outside (0, 0.5].

    Notes
    -----
    For stage intervals :math:`\Delta_i` and policy :math:`k`,
    :math:`a(k) = \#\{i: |\Delta_i - k| \le \varepsilon\} / n`, with customers as clusters.
    The percentiles are numpy's linear-interpolation quantiles.

    Examples
    --------
    >>> iv = pd.DataFrame({"customer_id": list("aabbccddee"), "stage": "cart",
    ...                    "days": [7.0, 7.1, 6.9, 8.0, 7.2, 6.8, 7.0, 7.0, 7.1, 6.0]})
    >>> row = interval_adherence(iv).loc["cart"]
    >>> float(row["adherence"]), float(row["adherence_plus_1d"]), bool(row["peaks_at_policy"])
    (0.8, 0.1, True)
    """
    if not 0 < margin_days <= 0.5:
        raise ValueError(f"margin_days = {margin_days!r} must be in (0, 0.5] (the windows at k - 1, k, k + 1 "
                         "days must not overlap)")
    policy = POLICY_INTERVAL_DAYS if policy is None else policy
    rows = []
    for stage in STAGES:
        sel = intervals[intervals["stage"] == stage]
        pol = policy.get(stage)
        d = sel["days"].to_numpy(float)
        row = {"stage": stage, "policy_days": np.nan if pol is None else float(pol),
               "customers": int(sel["customer_id"].nunique()), "intervals": len(sel),
               "interval_p10": np.nan, "interval_p90": np.nan, "peaks_at_policy": pd.NA}
        for name in ("adherence", "adherence_low", "adherence_high", "adherence_minus_1d",
                     "adherence_minus_1d_high", "adherence_plus_1d", "adherence_plus_1d_high"):
            row[name] = np.nan
        if len(d):
            row["interval_p10"], row["interval_p90"] = (float(q) for q in np.quantile(d, [0.1, 0.9]))
        if len(d) and pol is not None:
            cust = sel["customer_id"].to_numpy()
            row["adherence"], row["adherence_low"], row["adherence_high"] = cluster_share_interval(
                np.abs(d - pol) <= margin_days, cust, level)
            for suffix, k in (("minus_1d", pol - 1), ("plus_1d", pol + 1)):
                share, _lo, hi = cluster_share_interval(np.abs(d - k) <= margin_days, cust, level)
                row[f"adherence_{suffix}"], row[f"adherence_{suffix}_high"] = share, hi
            row["peaks_at_policy"] = bool(row["adherence_low"] > max(row["adherence_minus_1d_high"],
                                                                     row["adherence_plus_1d_high"]))
        rows.append(row)
    return pd.DataFrame(rows).set_index("stage")
