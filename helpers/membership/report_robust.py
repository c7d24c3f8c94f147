"""What notebook 04 shows of the heterogeneity-robust estimate (ETWFE) and its sensitivity.

The answer in words, the cohort table, the
sensitivity statement that replaces the pre-test gate, and the recorded ``robust.*`` /
``sensitivity.*`` keys of issue 26. "Truth" appears only for the synthetic panel.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from helpers.membership import report_event
from helpers.membership.effect import RateRatio
from helpers.membership.event_study import EventStudy
from helpers.membership.load import PanelData
from helpers.membership.robust import RobustEffect, Sensitivity
from helpers.tables import table


def robust_truth(effect: RobustEffect, data: PanelData) -> float | None:
    """The planted effect on orders as a ratio of totals: :math:`\\sum_{g,k} w_{gk}\\,\\rho_g(k)`
    with the estimate's counterfactual weights :math:`w_{gk}` of each (join cohort, months since
    joining) cell (synthetic data only).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> cells = pd.Series([0.5, 0.25, 0.25], index=pd.MultiIndex.from_tuples(
    ...     [("2024-07", 1), ("2024-07", 2), ("2024-08", 1)], names=["cohort", "event_time"]))
    >>> eff = SimpleNamespace(cell_weights=cells)
    >>> rho = {"2024-07": 2.0, "2024-08": 4.0}
    >>> data = SimpleNamespace(ratio_at_tenure=lambda k, cohort: rho[cohort] * 1.5 ** (k - 1))
    >>> robust_truth(eff, data)  # 0.5 * 2 + 0.25 * 3 + 0.25 * 4
    2.75
    """
    if data.ratio_at_tenure is None:
        return None
    w = effect.cell_weights
    return float(sum(float(share) * data.ratio_at_tenure(int(k), cohort)
                     for (cohort, k), share in w.items()))


def robust_markdown(orders: RobustEffect, spend: RobustEffect, study: EventStudy,
                    sensitivity: Sensitivity, data: PanelData) -> str:
    """The robust answer, the cohort spread, the TWFE diagnostic beside it and the sensitivity."""
    level = f"{orders.conf_level:.0%}"
    lines = [f"- **Membership multiplies orders by {orders.rate_ratio:.2f}x** ({level} CI "
             f"{orders.low:.2f}–{orders.high:.2f}) and spend by **{spend.rate_ratio:.2f}x** "
             f"({spend.low:.2f}–{spend.high:.2f}): members' orders over the orders the model expects "
             f"in the same member months without membership, a ratio of totals over "
             f"{int(orders.by_event['member_months'].sum()):,} member-months from month "
             f"{orders.first_post} of membership on."]
    coh = orders.by_cohort[orders.by_cohort["ratio"] > 0]  # cohorts without orders have no ratio
    lo, hi = coh["ratio"].idxmin(), coh["ratio"].idxmax()
    lines.append(f"- Each join cohort has its own effect ({orders.n_cells:,} cohort × month cells): "
                 f"from {coh.loc[lo, 'ratio']:.2f}x ({lo}) to {coh.loc[hi, 'ratio']:.2f}x ({hi}) over "
                 f"{len(coh)} cohorts, so a cohort that gains more cannot bias another's comparison.")
    lines.append(f"- The event study's summary above, {study.rate_ratio:.2f}x ({study.low:.2f}–"
                 f"{study.high:.2f}), is kept as a diagnostic: it compares every lag with one month "
                 "before joining and weights lags by the panel's tenure mix.")
    lines.append("- " + sensitivity_sentence(sensitivity))
    truth = robust_truth(orders, data)
    if truth is not None:
        covers = "covers" if orders.covers(truth) else "**misses**"
        lines.append(f"- Planted effect on orders, as the same ratio of totals: **{truth:.2f}x**; the "
                     f"robust interval {covers} it.")
    return "\n".join(lines)


def sensitivity_sentence(s: Sensitivity) -> str:
    """The breakdown of the conclusion, in words (no pass/fail gate on the pre-trend test)."""
    if s.conclusion == "none":
        return ("**Sensitivity:** the interval already includes no effect (1x), so no violation of "
                "parallel trends is needed to overturn it.")
    if not np.isfinite(s.max_pre_step):
        return ("**Sensitivity:** the panel has no lead terms, so the size of a pre-period "
                "violation cannot be measured; give the event study more lead months.")
    size = "any size" if np.isinf(s.breakdown) else f"**{s.breakdown:.1f} times**"
    return (f"**Sensitivity** (relative magnitudes, Rambachan & Roth 2023): the conclusion "
            f"({s.conclusion.replace('effect', 'ratio')}) holds unless joiners' trend after joining "
            f"moves by more than {size} the largest monthly step seen before joining "
            f"({s.max_pre_step * 100:.1f} log points), every month — a drift the summary "
            f"accumulates over {s.horizon:.1f} months on average. Read the pre-trend test as a size "
            "for this, not as a gate (Roth 2022).")


def cohort_truth(effect: RobustEffect, data: PanelData) -> pd.Series | None:
    """The planted effect on orders by join cohort, each a ratio of totals over its own cells."""
    if data.ratio_at_tenure is None:
        return None
    w = effect.cell_weights
    rho = pd.Series([data.ratio_at_tenure(int(k), c) for c, k in w.index], index=w.index)
    return (w * rho).groupby(level="cohort").sum() / w.groupby(level="cohort").sum()


def cohort_view(effect: RobustEffect, data: PanelData) -> Any:
    """The effect by join cohort, formatted; with the planted effect beside it on synthetic data."""
    t = effect.by_cohort.copy()
    kinds = {"cohort": "text", "member_months": "count", "ratio": "ratio", "low": "ratio",
             "high": "ratio"}
    truth = cohort_truth(effect, data) if effect.outcome == "orders" else None
    if truth is not None:
        t["planted"] = truth.reindex(t.index)
        t["covers"] = (t["low"] <= t["planted"]) & (t["planted"] <= t["high"])
        kinds |= {"planted": "ratio", "covers": "bool"}
    return table(t.reset_index(), kinds,
                 headers={"member_months": "member-months", "ratio": f"{effect.outcome} ratio"},
                 caption=f"Robust effect on {effect.outcome} by join cohort (ratio of totals, "
                         f"{effect.conf_level:.0%} intervals)", index=False)


def _finite(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def _key_part(label: Any) -> str:
    """A cohort label as a result-key part: '2024-07' -> '2024_07'."""
    return "".join(c if c.isalnum() else "_" for c in str(label).lower())


def robust_results(orders: RobustEffect, spend: RobustEffect, sensitivity: Sensitivity,
                   data: PanelData) -> dict[str, Any]:
    """The keys of issue 26: ``robust.*`` (overall, by cohort, estimator, truth) and
    ``sensitivity.breakdown`` / ``sensitivity.max_pre_step``."""
    out: dict[str, Any] = {
        "robust.rate_ratio": orders.rate_ratio, "robust.rate_ratio_low": orders.low,
        "robust.rate_ratio_high": orders.high, "robust.spend_ratio": spend.rate_ratio,
        "robust.spend_ratio_low": spend.low, "robust.spend_ratio_high": spend.high,
        "robust.estimator": orders.estimator, "robust.cells": orders.n_cells,
        # infinite when the leads show no step at all, unmeasurable without leads: None then
        "sensitivity.breakdown": _finite(sensitivity.breakdown),
        "sensitivity.max_pre_step": _finite(sensitivity.max_pre_step),
        "sensitivity.conclusion": sensitivity.conclusion,
    }
    for cohort, row in orders.by_cohort.iterrows():
        out[f"robust.by_cohort.{_key_part(cohort)}"] = float(row["ratio"])
    truth = robust_truth(orders, data)
    out["robust.true_rate_ratio"] = truth
    out["robust.covers_truth"] = None if truth is None else orders.covers(truth)
    return out


def design_rows(effect: RobustEffect, data: PanelData) -> pd.DataFrame:
    """Rows for the design table: the robust estimate and, when known, its ratio-of-totals truth."""
    truth = robust_truth(effect, data)
    rows = [("robust: ETWFE cohort × month cells, ratio of totals", effect.rate_ratio, effect.low,
             effect.high, "not a gate: sensitivity below")]
    if truth is not None:
        rows.append(("truth: planted effect, ratio of totals", truth, np.nan, np.nan, ""))
    out = pd.DataFrame(rows, columns=["design", "ratio", "low", "high", "pre-trend test"])
    if truth is not None:
        out["covers truth"] = [effect.covers(truth), None]
    return out


def design_table(naive: float, adjusted: RateRatio, study: EventStudy, effect: RobustEffect,
                 data: PanelData) -> pd.DataFrame:
    """Every design side by side: naive, within-customer, event study, robust (and the truths).

    The event study's truth uses its own aggregation (member-month weights of the lag terms), the
    robust one the ratio of totals; each row is checked against its own.
    """
    return pd.concat([report_event.design_table(naive, adjusted, study, data), design_rows(effect, data)],
                     ignore_index=True)
