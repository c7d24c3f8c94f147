"""Send intervals per stage, computed by the engine with one window over each customer's messages.

Same intervals as the pandas reference ``stage_intervals`` of the cadence package (the days
between consecutive messages of a customer that share a stage), and the per-stage figures of its
``interval_summary``: count, quartiles and the sign-test interval of the median from order
statistics. The stage of each message is a column of the table (computed beforehand).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from helpers.warehouse.sources import require_columns


def stage_intervals_expr(messages: ir.Table, *, stage_col: str = "stage", customer_col: str = "customer_id",
                         time_col: str = "sent_at") -> ir.Table:
    """Lazy ``customer_id, stage, days``: one row per message whose previous message has its stage.

    Notes
    -----
    For messages :math:`i-1, i` of one customer ordered by time,
    :math:`\\Delta_i = (\\lfloor t_i \\rfloor - \\lfloor t_{i-1} \\rfloor) / 86\\,400` (whole
    seconds since the epoch, UTC) is kept under the stage of :math:`i` when both have it. Messages
    sent in the same second are ordered by stage (their interval is 0 either way).
    """
    require_columns(messages, [customer_col, time_col, stage_col], source="cadence_messages")
    secs = messages[time_col].epoch_seconds().floor().cast("int64")
    base = messages.select(c=messages[customer_col], s=messages[stage_col], t=secs)
    w = ibis.window(group_by=base.c, order_by=[base.t, base.s])
    lagged = base.mutate(prev_t=base.t.lag().over(w), prev_s=base.s.lag().over(w))
    kept = lagged.filter(lagged.prev_t.notnull() & (lagged.prev_s == lagged.s))
    return kept.select(**{customer_col: kept.c, "stage": kept.s,
                          "days": (kept.t - kept.prev_t).cast("float64") / 86_400.0})


def _sign_test_ranks(n: int, level: float) -> tuple[int, int] | None:
    from scipy.stats import binom

    j = int(binom.ppf((1 - level) / 2, n, 0.5))
    return None if j < 1 else (j, n - j + 1)


def interval_summary_from_table(intervals: ir.Table, *, stages: Sequence[str] | None = None,
                                policy: Mapping[str, int | None] | None = None,
                                level: float = 0.999) -> pd.DataFrame:
    """Per stage: intervals seen, quartiles, and the distribution-free interval of the median.

    Parameters
    ----------
    intervals : ibis Table
        From :func:`stage_intervals_expr` (``stage``, ``days``).
    stages : sequence of str, optional
        Row order (all of them, empty ones as NaN); default the stages present, sorted.
    policy : mapping, optional
        Stage -> policy interval in days; adds ``policy_days`` and ``matches_policy``.
    level : float in (0, 1)
        Confidence level of the median interval.

    Returns
    -------
    DataFrame indexed by stage: ``policy_days`` (with ``policy``), ``intervals``,
    ``median_days``, ``q1_days``, ``q3_days``, ``iqr_days``, ``ci_low``, ``ci_high``,
    ``matches_policy`` (with ``policy``; NA where the policy or the interval is missing) — the
    columns of the reference ``interval_summary``.

    Raises
    ------
    ValueError
        ``level`` outside (0, 1).

    Notes
    -----
    Quartiles interpolate linearly between order statistics (numpy's default; DuckDB
    ``quantile_cont``, Spark ``percentile``). Median interval :math:`[x_{(j)}, x_{(n-j+1)}]`
    with :math:`j` the :math:`(1-\\text{level})/2` quantile of Binomial(:math:`n`, 1/2), NaN if
    :math:`j < 1`.

    Examples
    --------
    >>> iv = ibis.memtable({"stage": ["cart"] * 4, "days": [7.0, 7.0, 8.0, 14.0]})
    >>> interval_summary_from_table(iv, level=0.5).loc["cart", ["intervals", "median_days", "ci_low"]].tolist()
    [4.0, 7.5, 7.0]
    """
    if not 0 < level < 1:
        raise ValueError(f"level = {level!r} must be between 0 and 1")
    require_columns(intervals, ["stage", "days"], source="intervals")
    d = intervals.days
    g = intervals.group_by("stage").aggregate(intervals=intervals.count(), q1_days=d.quantile(0.25),
                                              median_days=d.quantile(0.5), q3_days=d.quantile(0.75))
    stats = g.execute().set_index("stage")
    order = list(stages) if stages is not None else sorted(stats.index)
    stats = stats.reindex(order)
    stats["intervals"] = stats["intervals"].fillna(0).astype("int64")
    stats["iqr_days"] = stats["q3_days"] - stats["q1_days"]
    ranks = {s: _sign_test_ranks(int(n), level) for s, n in stats["intervals"].items() if n >= 2}
    ranks = {s: r for s, r in ranks.items() if r is not None}
    stats["ci_low"], stats["ci_high"] = np.nan, np.nan
    if ranks:
        rn = ibis.row_number().over(group_by=intervals.stage, order_by=intervals.days) + 1
        numbered = intervals.select("stage", "days", rn=rn)
        cond = ibis.or_(*[(numbered.stage == s) & numbered.rn.isin(list(r)) for s, r in ranks.items()])
        picked = numbered.filter(cond).execute()
        for s, (j, k) in ranks.items():
            rows = picked[picked["stage"] == s].set_index("rn")["days"]
            stats.loc[s, "ci_low"], stats.loc[s, "ci_high"] = float(rows.loc[j]), float(rows.loc[k])
    cols = ["intervals", "median_days", "q1_days", "q3_days", "iqr_days", "ci_low", "ci_high"]
    if policy is not None:
        stats["policy_days"] = [np.nan if policy.get(s) is None else float(policy[s]) for s in stats.index]
        stats["matches_policy"] = [
            pd.NA if np.isnan(p) or np.isnan(lo) else bool(lo <= p <= hi)
            for p, lo, hi in zip(stats["policy_days"], stats["ci_low"], stats["ci_high"], strict=True)]
        cols = ["policy_days"] + cols + ["matches_policy"]
    stats.index.name = "stage"
    return stats[cols]
