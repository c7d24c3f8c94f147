"""Notebook 03 in one call: baseline → gap → budget → cap → allocation, with the checks between.

:func:`run_quota` reads the files named by the parameters, fits and backtests the baseline,
forecasts the target period, plans the budget on the chosen ROI basis (the response curve and the
joint simulation), caps it, checks the profit, allocates the quotas and collects the headline
results. The notebook shows the steps from the returned :class:`QuotaRun`; it does not wire them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from helpers.quota import allocate, backtest, baseline, budget, load, response
from helpers.quota.profit import Profit, activity_verdict, profit_at


def quantile_interval(draws: np.ndarray, p: float, level: float = 0.9) -> tuple[float, float]:
    """Monte Carlo interval of the ``p``-quantile of ``draws`` (order statistics, binomial).

    Notes
    -----
    With :math:`n` sorted draws the ranks :math:`np \\mp z\\sqrt{np(1-p)}` bound the quantile
    with probability ``level`` (normal approximation to the binomial).

    Examples
    --------
    >>> quantile_interval(np.arange(1.0, 10001.0), 0.5)
    (4917.0, 5083.0)
    """
    from scipy import stats

    d = np.sort(np.asarray(draws, float))
    n = len(d)
    z = float(stats.norm.ppf((1 + level) / 2))
    half = z * math.sqrt(n * p * (1 - p))
    lo, hi = int(math.floor(n * p - half)) - 1, int(math.ceil(n * p + half)) - 1
    return float(d[max(lo, 0)]), float(d[min(hi, n - 1)])


@dataclass
class QuotaRun:
    """Everything notebook 03 shows, from :func:`run_quota`."""

    history: pd.DataFrame
    quality: pd.DataFrame
    currency: str
    start: pd.Timestamp
    end: pd.Timestamp
    fit: baseline.BaselineFit
    effects: pd.DataFrame
    horizon: int
    backtest: backtest.Backtest
    choice: str
    choice_text: str
    forecast: baseline.Forecast
    target: float
    last_year: float | None
    campaigns: pd.DataFrame | None
    plan: response.Plan
    cap: dict[str, Any]
    p_met: float
    budget_p: float
    budget_p_interval: tuple[float, float]
    redemption: float
    redemption_source: str
    allocation: pd.DataFrame
    per_level: pd.DataFrame
    profit: Profit
    profit_p: Profit | None
    verdict: dict | None
    results: dict[str, Any] = field(default_factory=dict)

    @property
    def need(self) -> Any:
        return self.plan.need


def run_quota(p: Any) -> QuotaRun:
    """Run notebook 03's chain for validated parameters ``p`` (:class:`helpers.quota.Params`).

    Returns
    -------
    QuotaRun

    Raises
    ------
    DataContractError, ParameterError
        From the loaders and the modelling rules (each names the file, column or parameter).

    Notes
    -----
    Baseline :math:`\\hat B` (the backtest's choice) → gap :math:`T - \\hat B` → the budget on the
    chosen basis and :math:`P(\\text{met} \\mid B)` → cap :math:`\\min(B, m\\sum_j R_j)` → profit at
    the capped budget → quotas :math:`\\lfloor B_c/(v\\hat\\rho)\\rfloor` coupons.
    """
    from helpers.quota import report

    history, quality, cur = load.load_history(p)
    start, end = load.target_period(p)
    fit = baseline.fit_baseline(history, p.freq, holiday_country=p.holiday_country, lead=p.promo_lead,
                                lag=p.promo_lag, pre_days=p.holiday_pre_days, post_days=p.holiday_post_days)
    effects = baseline.promo_effects(fit, level=p.interval_level, currency=cur)
    horizon = baseline.period_length(p.freq, start, end)
    folds = p.backtest_folds or backtest.folds_that_fit(len(history), p.freq, horizon)
    bt = backtest.rolling_backtest(history, p.freq, horizon, folds, level=p.interval_level,
                                   holiday_country=p.holiday_country, lead=p.promo_lead, lag=p.promo_lag,
                                   pre_days=p.holiday_pre_days, post_days=p.holiday_post_days)
    choice, choice_text = backtest.choose_baseline(bt)
    forecast = backtest.apply_choice(baseline.forecast_baseline(fit, start, end, level=p.interval_level), fit,
                                     choice, bt)
    target, last_year = budget.sales_target(history, start, end, p.freq, p.target_amount, p.target_growth)
    campaigns = load.load_campaigns(p)
    redemption, redemption_source = budget.estimate_redemption(campaigns, p.activity_type, p.redemption_rate)
    r_sd, r_n = (0.0, 0) if p.redemption_rate is not None else budget.redemption_spread(campaigns, p.activity_type)
    days = dict(p.event_days) if p.freq == "D" else None
    plan = response.plan_budget(forecast, target, campaigns, p.activity_type, roi_basis=p.roi_basis, roi=p.roi,
                                currency=cur, fit=fit, history=history, weights=p.level_weights, days=days,
                                min_points=p.response_min_points, observational_weight=p.observational_weight,
                                redemption=(redemption, r_sd, r_n), level=p.interval_level,
                                n_simulations=p.n_simulations, seed=p.seed)
    need = plan.need
    cap = budget.apply_cap(need, budget.budget_cap(p.revenue_sources, p.marketing_share), plan.incremental)
    p_met = response.p_target_met(need, cap["capped_budget"])
    budget_p = response.budget_for_p(need, p.p_target)
    budget_p_interval = quantile_interval(need.draws, p.p_target, p.interval_level)
    allocation = allocate.allocate(cap["capped_budget"], p.level_weights, p.slot_shares, p.face_value, cur,
                                   redemption_rate=redemption)
    per_level = allocate.level_totals(allocation)
    profit = profit_at(need, cap["capped_budget"], p.gross_margin, p.interval_level)
    profit_p = profit_at(need, budget_p, p.gross_margin, p.interval_level) if np.isfinite(budget_p) else None
    verdict = activity_verdict(campaigns, p.activity_type, p.gross_margin, p.interval_level) if p.roi is None else None
    run = QuotaRun(history, quality, cur, start, end, fit, effects, horizon, bt, choice, choice_text, forecast,
                   target, last_year, campaigns, plan, cap, p_met, budget_p, budget_p_interval, redemption,
                   redemption_source, allocation, per_level, profit, profit_p, verdict)
    run.results = report.run_results(run, p)
    return run
