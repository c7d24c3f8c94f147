r"""Threshold robustness: re-infer the stages with each threshold moved down and up, re-check the verdicts.

Pure functions (no plotting, no simulation). The stage thresholds are an analyst's reading of the
policy (Yozm IT, 2024), and the same reading supplies the policy intervals, so agreement at the
default thresholds is partly built in; this table shows whether the conclusions survive other
readings.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from helpers.cadence import adherence, intervals, stages
from helpers.cadence.constants import (
    DAY_THRESHOLDS,
    POLICY_INTERVAL_DAYS,
    STAGES,
    StageThresholds,
    shifted,
)


def verdicts(messages: pd.DataFrame, events: pd.DataFrame, thresholds: StageThresholds,
             policy: Mapping[str, int | None] | None = None, margin_days: float = 0.5) -> pd.DataFrame:
    """Per cadence stage: median, adherence and its verdict under ``thresholds``.

    Returns
    -------
    DataFrame indexed by the stages with a policy interval: intervals, median_days, adherence,
    adherence_low, peaks_at_policy (NA without intervals).

    Examples
    --------
    >>> m = pd.DataFrame({"customer_id": ["a"] * 3, "sent_at": pd.to_datetime(
    ...     ["2024-01-08T12:00+09:00", "2024-01-22T12:00+09:00", "2024-02-05T12:00+09:00"])})
    >>> e = pd.DataFrame({"customer_id": ["a"], "event": ["signup"],
    ...                   "at": pd.to_datetime(["2023-11-01T10:00+09:00"])})
    >>> float(verdicts(m, e, StageThresholds()).loc["inactive", "adherence"])
    1.0
    """
    policy = POLICY_INTERVAL_DAYS if policy is None else policy
    iv = intervals.stage_intervals(messages, stages.infer_stages(messages, events, thresholds))
    adh = adherence.interval_adherence(iv, policy=policy, margin_days=margin_days)
    cadence = [s for s in STAGES if policy.get(s) is not None]
    med = iv.groupby("stage")["days"].median().reindex(cadence)
    out = adh.loc[cadence, ["intervals", "adherence", "adherence_low", "peaks_at_policy"]].copy()
    out.insert(1, "median_days", med)
    return out


def threshold_robustness(messages: pd.DataFrame, events: pd.DataFrame, thresholds: StageThresholds,
                         shift_days: int = 7, policy: Mapping[str, int | None] | None = None,
                         margin_days: float = 0.5) -> pd.DataFrame:
    r"""The verdicts with each day threshold moved by :math:`\pm` ``shift_days``, one at a time.

    Parameters
    ----------
    messages, events : DataFrame
        The cleaned logs (:func:`helpers.cadence.load.clean_log`).
    thresholds : StageThresholds
        The thresholds of the run (the baseline row).
    shift_days : int
        Days each threshold moves down and up (>= 1).
    policy : mapping, optional
        Stage → policy interval in days (default :data:`~helpers.cadence.constants.POLICY_INTERVAL_DAYS`).
    margin_days : float
        The adherence margin :math:`\varepsilon` (days).

    Returns
    -------
    DataFrame, one row per variant (``baseline`` first, then ``<threshold> -d`` / ``+d``):
    threshold, shift_days, then per cadence stage its adherence (``<stage>``), and
    ``peaks_held`` = stages whose adherence still peaks at the policy over stages with a
    verdict, ``same_verdicts`` (bool) = every verdict equals the baseline's,
    ``min_adherence`` / ``max_adherence`` over the stages.

    Raises
    ------
    ValueError
        If ``shift_days`` < 1.

    Notes
    -----
    Each variant re-runs :func:`helpers.cadence.stages.infer_stages` on the whole log, so the
    messages near a threshold move to the neighbouring stage and the intervals are recomputed.
    """
    if shift_days < 1:
        raise ValueError(f"shift_days = {shift_days!r} must be at least 1")
    variants = [("baseline", 0, thresholds)]
    for name in DAY_THRESHOLDS:
        for d in (-shift_days, shift_days):
            variants.append((name, d, shifted(thresholds, name, d)))
    base = None
    rows = []
    for name, d, th in variants:
        v = verdicts(messages, events, th, policy, margin_days)
        peaks = v["peaks_at_policy"].dropna().astype(bool)
        if base is None:
            base = v["peaks_at_policy"]
        same = bool((v["peaks_at_policy"].astype(object).fillna("na") == base.astype(object).fillna("na")).all())
        row = {"threshold": name, "shift_days": d, **v["adherence"].to_dict(),
               "peaks_held": f"{int(peaks.sum())} of {len(peaks)}", "same_verdicts": same,
               "min_adherence": float(v["adherence"].min()), "max_adherence": float(v["adherence"].max())}
        rows.append(row)
    return pd.DataFrame(rows)
