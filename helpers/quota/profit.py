"""Does the plan pay? Incremental profit at a budget, P(profit > 0), and notebook 02's verdict beside it.

Margin and break-even as in notebook 02 (:func:`helpers.coupons.metrics.order_economics`): an
incremental paid amount :math:`\\Delta P` bought with coupon cost :math:`C` earns
:math:`m\\,\\Delta P - (1 - m)\\,C`, so the break-even incremental ROI is :math:`(1 - m)/m`
(4.26 at Kurly's 19% margin).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.quota.budget import BudgetResult
from helpers.quota.curve import dersimonian_laird, experiment_table


def breakeven_roi(margin: float) -> float:
    """Incremental ROI at which a coupon pays for itself.

    Notes
    -----
    :math:`r^* = (1 - m)/m`.

    Examples
    --------
    >>> round(breakeven_roi(0.19), 2)
    4.26
    """
    if not 0 < margin < 1:
        raise ValueError(f"gross_margin = {margin} must be in (0, 1)")
    return (1 - margin) / margin


@dataclass
class Profit:
    """Incremental profit of a budget across the joint draws (money of the period)."""

    budget: float
    expected: float
    low: float
    high: float
    prob_positive: float
    margin: float
    breakeven: float
    draws: np.ndarray


def profit_at(need: BudgetResult, budget: float, margin: float, level: float = 0.9) -> Profit:
    """Incremental profit of spending ``budget``, per draw of :func:`~helpers.quota.response.simulate_need`.

    Parameters
    ----------
    need : BudgetResult
        With ``sim`` (per-draw response parameters and redemption factor).
    budget : float
        Planned budget (≥ 0), in the sales currency.
    margin : float
        Gross margin in (0, 1).
    level : float
        Interval level.

    Returns
    -------
    Profit
        ``expected`` (mean), ``low``/``high`` (quantiles), ``prob_positive`` = share of draws > 0.

    Notes
    -----
    Realised spend :math:`S = B\\rho/\\hat\\rho`, incremental sales
    :math:`\\Delta P = a S^b \\sum_\\ell w_\\ell^b d_\\ell^{1-b}`, profit :math:`m\\,\\Delta P - (1-m) S`.

    Examples
    --------
    >>> sim = {"a": np.array([10.0]), "b": np.array([1.0]), "factor": np.array([1.0]),
    ...        "w": np.array([1.0]), "d": np.array([1.0])}
    >>> need = BudgetResult(1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, np.array([0.0]), "", sim)
    >>> profit_at(need, 100.0, 0.2).expected  # 0.2 * 1000 - 0.8 * 100
    120.0
    """
    if not (math.isfinite(budget) and budget >= 0):
        raise ValueError(f"budget = {budget} must be a finite amount ≥ 0")
    breakeven = breakeven_roi(margin)
    s = need.sim
    spend = budget * s["factor"]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        sb = np.sum(s["w"][:, None] ** s["b"][None, :] * s["d"][:, None] ** (1 - s["b"][None, :]), axis=0)
        inc = np.where(spend > 0, s["a"] * spend ** s["b"] * sb, 0.0)
    draws = np.nan_to_num(margin * inc - (1 - margin) * spend, nan=0.0, posinf=0.0, neginf=0.0)
    lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2])
    return Profit(float(budget), float(draws.mean()), float(lo), float(hi), float(np.mean(draws > 0)), margin,
                  breakeven, draws)


def activity_verdict(campaigns: pd.DataFrame | None, activity_type: str, margin: float,
                     level: float = 0.9) -> dict[str, float | str] | None:
    """Notebook 02's kind of verdict for the activity type, from the past campaigns' incremental ROIs.

    Returns
    -------
    dict or None
        ``roi``, ``low``, ``high`` (random-effects pooled incremental ROI, DerSimonian–Laird, and its
        interval), ``breakeven`` and ``verdict``: ``profitable`` (interval above break-even),
        ``loses money`` (below) or ``unclear`` (straddles). None without incremental ROIs.

    Examples
    --------
    >>> c = pd.DataFrame({"campaign_id": ["a", "b"], "activity_type": "x", "coupon_cost": 700.0,
    ...                   "start": "2025-01-01", "end": "2025-01-07", "incremental_roi": [2.0, 3.0],
    ...                   "incremental_roi_low": [1.0, 2.0], "incremental_roi_high": [3.0, 4.0]})
    >>> activity_verdict(c, "x", 0.19)["verdict"]
    'loses money'
    """
    from scipy import stats

    if campaigns is None or "incremental_roi" not in campaigns.columns:
        return None
    e = experiment_table(campaigns, activity_type)
    if len(e) < 2:
        return None
    _, mean, se = dersimonian_laird(e["roi"].to_numpy(), e["roi_se"].to_numpy())
    q = float(stats.norm.ppf((1 + level) / 2))
    lo, hi, be = mean - q * se, mean + q * se, breakeven_roi(margin)
    verdict = "profitable" if lo > be else ("loses money" if hi < be else "unclear")
    return {"roi": mean, "low": lo, "high": hi, "breakeven": be, "verdict": verdict}


def profit_statement(profit: Profit, verdict: dict | None, activity_type: str, currency: str) -> str:
    """Plain words: does the plan pay, and does it agree with the activity's past verdict.

    Examples
    --------
    >>> pr = Profit(10.0, -5.0, -9.0, -1.0, 0.1, 0.19, 4.26, np.zeros(1))
    >>> "at a loss" in profit_statement(pr, None, "coupon_festival", "KRW")
    True
    """
    from helpers.plots import format_money

    def m(v: float) -> str:
        return format_money(v, currency, 1e6)

    if profit.budget <= 0:
        text = "No budget is spent, so the plan neither earns nor loses on coupons."
    elif profit.expected < 0:
        text = (f"**Warning: the target is met only at a loss.** Spending {m(profit.budget)} is expected to lose "
                f"{m(-profit.expected)} of incremental profit (interval {m(profit.low)} to {m(profit.high)}; "
                f"P(profit > 0) = {profit.prob_positive:.0%}) at a {profit.margin:.0%} margin, break-even "
                f"incremental ROI {profit.breakeven:.2f}.")
    else:
        text = (f"Spending {m(profit.budget)} is expected to earn {m(profit.expected)} of incremental profit "
                f"(interval {m(profit.low)} to {m(profit.high)}; P(profit > 0) = {profit.prob_positive:.0%}) at a "
                f"{profit.margin:.0%} margin (break-even incremental ROI {profit.breakeven:.2f}).")
    if verdict is not None:
        past = (f"The past {activity_type} campaigns' pooled incremental ROI is {verdict['roi']:.2f} "
                f"[{verdict['low']:.2f}, {verdict['high']:.2f}] against break-even {verdict['breakeven']:.2f}: "
                f"notebook 02's reading is **{verdict['verdict']}**.")
        spend = profit.budget > 0
        disagree = spend and ((verdict["verdict"] == "loses money") or
                              (verdict["verdict"] == "profitable" and profit.expected < 0))
        if disagree:
            past += (" **The two notebooks disagree**: 03 plans to spend on an activity whose return "
                     + ("02 finds below break-even." if verdict["verdict"] == "loses money" else
                        "02 finds profitable, but at this scale the diminishing return no longer pays."))
        text += " " + past
    return text
