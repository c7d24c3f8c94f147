"""Recorded results and the answer of notebook 03, built from a :class:`~helpers.quota.pipeline.QuotaRun`.

Re-exported by :mod:`helpers.quota.report`; values only, every formula is in the function that
produced the number.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from helpers.plots import format_money
from helpers.quota.backtest import BENCHMARKS, Backtest, tie_test


def _m(value: float, currency: str) -> str:
    return format_money(value, currency, 1e6)


def plan_results(plan: Any, cap: Mapping[str, Any], allocation: pd.DataFrame, *, p_met: float, budget_p: float,
                 p_target: float, redemption: float) -> dict[str, float | bool | str]:
    """Keys of the ROI basis, response curve, P(target met) and release quotas (issues 14, 25).

    Returns
    -------
    dict
        ``roi_basis``, ``budget_attributional``, ``budget_incremental`` (when the data allow it),
        ``roi_attributional``, ``roi_incremental``, ``response.elasticity`` (with ``_low``/``_high``
        at 90%, from the joint covariance), ``response.scale``, ``response.extrapolated`` (share
        of the capped budget spent beyond the experiments' highest spend per day),
        ``p_target_met`` (at the capped budget), ``p_target``, ``budget_for_p``,
        ``redemption_rate``, ``coupons_released`` and ``quota.<level>.<slot>``.
    """
    from scipy import stats

    from helpers.results import key

    out: dict[str, float | bool | str] = {"roi_basis": plan.basis}
    for name in ("attributional", "incremental"):
        if name in plan.needs:
            out[f"budget_{name}"] = float(plan.needs[name].budget)
            out[f"roi_{name}"] = float(plan.rois[name].roi)
    curve = plan.curve
    sd_b = float(np.sqrt(max(curve.cov[1, 1], 0.0)))
    q = float(stats.t.ppf(0.95, curve.df)) if sd_b > 0 else 0.0
    out["response.elasticity"] = float(curve.b)
    out["response.elasticity_low"] = float(curve.b - q * sd_b)
    out["response.elasticity_high"] = float(curve.b + q * sd_b)
    out["response.scale"] = float(curve.a)
    ext = curve.extrapolated(float(cap["capped_budget"]), plan.weights, plan.days)
    if np.isfinite(ext):
        out["response.extrapolated"] = ext
    out["p_target_met"] = float(p_met)
    out["p_target"] = float(p_target)
    if np.isfinite(budget_p):
        out["budget_for_p"] = float(budget_p)
    out["redemption_rate"] = float(redemption)
    out["coupons_released"] = int(allocation["coupons"].sum())
    for r in allocation.itertuples(index=False):
        out[key("quota", r.level, r.slot)] = int(r.coupons)
    return out


def run_results(run: Any, p: Any) -> dict[str, Any]:
    """Every recorded key of a :class:`~helpers.quota.pipeline.QuotaRun` (headline, plan, profit, backtest).

    Returns
    -------
    dict
        :func:`headline_results` and :func:`plan_results`, plus ``budget_for_p_low``/``_high``
        (Monte Carlo interval of that quantile), ``profit.expected`` (``_low``/``_high``) and
        ``profit.prob_positive`` at the capped budget, ``profit.breakeven_roi``,
        ``past_verdict``, ``baseline_model``, ``backtest.windows`` and ``backtest.<model>.mase``.
    """
    from helpers.quota.report import headline_results as _headline

    out: dict[str, Any] = _headline(run.forecast, run.need, run.plan.roi, run.cap, run.backtest,
                                           run.allocation)
    out.update(plan_results(run.plan, run.cap, run.allocation, p_met=run.p_met, budget_p=run.budget_p,
                            p_target=p.p_target, redemption=run.redemption))
    if np.isfinite(run.budget_p):
        out["budget_for_p_low"], out["budget_for_p_high"] = run.budget_p_interval
    out["profit.expected"] = run.profit.expected
    out["profit.expected_low"] = run.profit.low
    out["profit.expected_high"] = run.profit.high
    out["profit.prob_positive"] = run.profit.prob_positive
    out["profit.breakeven_roi"] = run.profit.breakeven
    if run.verdict is not None:
        out["past_verdict"] = str(run.verdict["verdict"])
    out["baseline_model"] = run.choice
    out["backtest.windows"] = int(len(run.backtest.folds))
    for name, value in backtest_scores(run.backtest).items():
        out[f"backtest.{name}.mase"] = value
    for name in BENCHMARKS:
        gain, p_tie = tie_test(run.backtest, name)
        if np.isfinite(gain):
            out[f"backtest.{name}.tie_p"] = p_tie
    for name, value in getattr(run.fit, "holiday_effects", {}).items():
        out[f"holiday.{name}.effect"] = float(value)
    return out


def backtest_scores(bt: Backtest) -> dict[str, float]:
    """Mean MASE per model of a backtest (``regression``, ``seasonal_naive`` and the benchmarks)."""
    out = {"regression": bt.mase_model, "seasonal_naive": bt.mase_naive}
    for c in bt.folds.columns:
        if c.startswith("mase_") and c not in ("mase_model", "mase_naive", "mase_benchmark"):
            out[c[5:]] = float(bt.folds[c].mean())
    if np.isfinite(bt.mase_benchmark):
        out.setdefault("sarimax", bt.mase_benchmark)
    return out


def answer(run: Any, p: Any) -> str:
    """The answer in two or three sentences, from the run (Markdown; recorded as ``answer``).

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> "no coupon budget" in answer(NS(need=NS(gap=-1.0, statement=""), forecast=NS(total=5.0), target=4.0,
    ...     currency="KRW"), NS())
    True
    """
    cur = run.currency
    if run.need.gap <= 0:
        return (f"The baseline forecast ({_m(run.forecast.total, cur)}) already reaches the target "
                f"({_m(run.target, cur)}): no coupon budget is needed.")
    from helpers.quota.profit import profit_statement

    spent = float(run.cap["capped_budget"])
    text = (f"Closing the gap of {_m(run.need.gap, cur)} on the {run.plan.basis} basis, spending "
            f"**{_m(spent, cur)}** meets the target with probability **{run.p_met:.0%}**")
    if np.isfinite(run.budget_p):
        lo, hi = run.budget_p_interval
        text += (f"; a {p.p_target:.0%} chance needs **{_m(run.budget_p, cur)}** (Monte Carlo range "
                 f"{_m(lo, cur)}–{_m(hi, cur)})")
        if run.budget_p > run.cap["cap"]:
            text += f", above the cap of {_m(run.cap['cap'], cur)}"
    text += ". "
    if run.plan.curve.kind == "power":
        ext = run.plan.curve.extrapolated(spent, run.plan.weights, run.plan.days)
        if ext > 0:
            text += (f"{ext:.0%} of that budget is spent beyond the spend per day the experiments saw "
                     "(extrapolated). ")
    return text + profit_statement(run.profit, run.verdict, p.activity_type, cur)
