"""One run of notebook 04: compute every estimate once (the pipeline step).

:func:`analyse` returns an :class:`Analysis` whose fields the report modules
(:mod:`~helpers.membership.report`, ``report_event``, ``report_robust``, ``report_retention``,
``report_clv``) and :mod:`~helpers.membership.figures` read; :func:`results` gathers every key the
run records and :func:`checks` the sanity checks it asserts. Nothing here formats or draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from helpers.membership import (
    clv_holdout,
    effect,
    event_study,
    lifetime,
    report,
    report_clv,
    report_event,
    report_retention,
    report_robust,
    retention,
    robust,
    tenure,
    value,
)
from helpers.membership.load import PanelData
from helpers.membership.params import Params

#: Parameter draws behind the CDNOW holdout forecast's band.
HOLDOUT_DRAWS = 200


@dataclass
class Analysis:
    """Every estimate of one run of notebook 04 (objects as the metric functions return them)."""

    p: Params
    data: PanelData
    comparison: pd.DataFrame
    naive: float
    adjusted: effect.RateRatio
    orders_es: event_study.EventStudy
    weights: np.ndarray
    orders_rb: robust.RobustEffect
    spend_rb: robust.RobustEffect
    sens: robust.Sensitivity
    worth: value.ValueInterval
    draws: np.ndarray
    orders_only: value.MemberValue
    fees: list[float]
    margins: list[float]
    grid: pd.DataFrame
    kept: retention.Retention | None
    member_life: retention.MemberLifetimeValue | None
    curve: pd.DataFrame
    tenure_ratio: tenure.TenureRatio
    cdnow: lifetime.CdnowCheck
    holdout: clv_holdout.Holdout
    life: lifetime.PanelLifetime

    @property
    def panel(self) -> pd.DataFrame:
        return self.data.panel


def analyse(p: Params, data: PanelData) -> Analysis:
    """Compute every estimate of notebook 04 from validated parameters and a loaded panel.

    The bootstrap weights over customers are drawn once (seeded by ``p.seed``) and shared by the
    robust effects, the value and the retention fit, so their intervals are joint.

    Raises
    ------
    ValueError
        From an estimator that has no data (e.g. no member with a month before joining).
    """
    panel = data.panel
    comparison = effect.member_comparison(panel)
    adjusted = effect.adjusted_rate_ratio(panel, conf_level=p.conf_level)
    orders_es = event_study.event_study(panel, "orders", leads=p.event_leads, lags=p.event_lags,
                                        join_month=p.join_month, anticipation=p.anticipation_months,
                                        conf_level=p.conf_level)
    weights = robust.customer_weights(panel, p.n_boot, p.seed)
    orders_rb, spend_rb = (
        robust.robust_effect(panel, outcome, join_month=p.join_month,
                             anticipation=p.anticipation_months, conf_level=p.conf_level,
                             weights=weights)
        for outcome in ("orders", "spend"))
    worth, draws = value.value_from_robust(orders_rb, spend_rb, weights, fee=p.fee_krw,
                                           gross_margin=p.gross_margin,
                                           benefit_cost_per_order=p.benefit_cost_per_order_krw)
    orders_only = value.value_per_member_month(
        comparison.loc["member", "orders_per_month"], comparison.loc["member", "order_value"],
        adjusted.estimate, fee=p.fee_krw, gross_margin=p.gross_margin,
        benefit_cost_per_order=p.benefit_cost_per_order_krw)
    fees, margins = value.sensitivity_axes(p.fee_krw, p.gross_margin)
    kept = retention.fit_retention(panel, weights, conf_level=p.conf_level)
    cdnow = lifetime.fit_cdnow(p.cdnow_path, p.calibration_end)
    return Analysis(
        p=p, data=data, comparison=comparison, naive=effect.naive_order_ratio(panel),
        adjusted=adjusted, orders_es=orders_es, weights=weights, orders_rb=orders_rb,
        spend_rb=spend_rb, sens=robust.breakdown_relative_magnitude(orders_es, orders_rb),
        worth=worth, draws=draws, orders_only=orders_only, fees=fees, margins=margins,
        grid=value.value_grid_interval(draws, worth, fees, margins,
                                       benefit_cost_per_order=p.benefit_cost_per_order_krw),
        kept=kept,
        member_life=retention.lifetime_of_a_member(kept, worth, horizon=p.horizon_months,
                                                   annual_discount_rate=p.annual_discount_rate),
        curve=tenure.tenure_curve(panel, conf_level=p.conf_level),
        tenure_ratio=tenure.tenure_spend_ratio(panel, veteran_months=p.veteran_months,
                                               new_months=p.new_months, conf_level=p.conf_level,
                                               seed=p.seed),
        cdnow=cdnow,
        holdout=clv_holdout.holdout_check(cdnow.transactions, cdnow.summary, cdnow.bgnbd.params,
                                          calibration_end=p.calibration_end,
                                          holdout_weeks=p.holdout_weeks, n_draws=HOLDOUT_DRAWS,
                                          conf_level=p.conf_level, seed=p.seed),
        life=lifetime.panel_lifetime(panel, horizon_months=p.horizon_months,
                                     gross_margin=p.gross_margin,
                                     annual_discount_rate=p.annual_discount_rate),
    )


def checks(a: Analysis) -> dict[str, bool]:
    """Named sanity checks of one run; the notebook asserts they all hold."""
    out = report.sanity_checks(a.panel, a.comparison, a.adjusted, a.orders_only, a.life, a.cdnow)
    out["value interval contains its estimate"] = (
        a.worth.value_low <= a.worth.value <= a.worth.value_high)
    return out


def results(a: Analysis) -> dict[str, Any]:
    """Every key one run records, with its value (the union of the report modules' keys)."""
    parts = (
        report.headline_results(a.naive, a.adjusted, a.data, a.orders_only, a.tenure_ratio,
                                a.cdnow, a.life),
        report_event.event_results(a.orders_es, a.worth, a.data, a.orders_only),
        report_clv.holdout_results(a.holdout),
        report_robust.robust_results(a.orders_rb, a.spend_rb, a.sens, a.data),
        report_retention.retention_results(a.kept, a.member_life, a.life, a.cdnow, a.data),
    )
    out: dict[str, Any] = {}
    for part in parts:
        clash = sorted(set(out) & set(part))
        if clash:
            raise ValueError(f"result keys recorded twice: {clash}")
        out.update(part)
    return out


def record_results(a: Analysis) -> list[str]:
    """Record :func:`results` with :func:`helpers.results.record`; return the keys."""
    return report.record_results(results(a))
