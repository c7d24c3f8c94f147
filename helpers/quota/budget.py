"""Sales target, ROI of the activity type, the budget that closes the gap, and the revenue cap."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from helpers import contracts
from helpers.constants import ACTIVITY_TYPES
from helpers.contracts import DataContractError
from helpers.quota.baseline import Forecast
from helpers.quota.constants import freq_spec


def target_from_growth(history: pd.DataFrame, start: str | pd.Timestamp, end: str | pd.Timestamp,
                       growth: float, freq: str = "D") -> tuple[float, float]:
    """Sales target as growth over the same period one year earlier.

    Parameters
    ----------
    history : DataFrame
        ``date``, ``sales`` (money per period).
    start, end : str or Timestamp
        Target period (inclusive).
    growth : float
        Growth over last year's sales of the same period (> −1), e.g. 0.2 = +20 %.
    freq : {"D", "MS"}
        Frequency of ``history``.

    Returns
    -------
    (float, float)
        ``(target, last_year_sales)`` in the history's currency.

    Raises
    ------
    DataContractError
        If the history does not fully cover the same period last year.

    Notes
    -----
    :math:`\\text{target} = (1 + g) \\sum_{t \\in \\text{period} - 1\\,\\text{year}} y_t`
    (actual sales, promotions included).

    Examples
    --------
    >>> h = pd.DataFrame({"date": pd.date_range("2024-01-01", periods=3, freq="D"), "sales": [1.0, 2.0, 3.0]})
    >>> target_from_growth(h, "2025-01-01", "2025-01-02", 0.5, "D")  # 1.5 * (1 + 2)
    (4.5, 3.0)
    """
    s = pd.Timestamp(start) - pd.DateOffset(years=1)
    e = pd.Timestamp(end) - pd.DateOffset(years=1)
    dates = pd.to_datetime(history["date"])
    mask = (dates >= s) & (dates <= e)
    expected = len(pd.date_range(s, e, freq=freq_spec(freq).code))
    if mask.sum() == 0 or mask.sum() < expected:
        raise DataContractError(f"sales history does not cover the same period last year ({s.date()}…{e.date()}); "
                                "give target_amount instead of target_growth")
    last = float(history.loc[mask.to_numpy(), "sales"].sum())
    return (1 + growth) * last, last


@dataclass
class RoiEstimate:
    """ROI of one activity type (coupon payment amount per unit of coupon cost)."""

    activity_type: str
    roi: float
    log_sd: float
    low: float
    high: float
    n_campaigns: int
    source: str
    campaigns: pd.DataFrame = field(repr=False)
    basis: str = "attributional"
    sd: float = 0.0

    def draw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """ROIs of a new campaign: predictive draws (Student t, n − 1 df, scale √(1 + 1/n)).

        Notes
        -----
        Attributional (positive): :math:`\\hat r\\,e^{s\\sqrt{1+1/n}\\,t_{n-1}}` with :math:`s` the sd of
        log ROIs; incremental (may be ≤ 0): :math:`\\hat r + s\\sqrt{1+1/n}\\,t_{n-1}`. An override
        has no spread.
        """
        if self.n_campaigns < 2:
            return np.full(n, self.roi)
        t = rng.standard_t(self.n_campaigns - 1, size=n) * math.sqrt(1 + 1 / self.n_campaigns)
        if self.basis == "incremental":
            return self.roi + self.sd * t
        return self.roi * np.exp(self.log_sd * t)


PAST_CAMPAIGN_COLUMNS = ("campaign_id", "activity_type", "level", "coupon_cost", "coupon_payment_amount",
                         "currency")


def estimate_roi(campaigns: pd.DataFrame | None, activity_type: str, *, roi: float | None = None,
                 currency: str | None = None, level: float = 0.9, basis: str = "attributional") -> RoiEstimate:
    """ROI of an activity type from past campaigns (pooled), with its campaign-to-campaign spread.

    Parameters
    ----------
    campaigns : DataFrame or None
        Past campaigns (the ``past_campaigns`` contract: ``campaign_id, activity_type, level,
        coupon_cost, coupon_payment_amount, currency``, money in ``currency``). May be None
        when ``roi`` is given.
    activity_type : str
        One of :data:`ACTIVITY_TYPES`.
    roi : float, optional
        Override (> 0): used as the ROI with no spread.
    currency : str, optional
        Expected currency of the campaigns (must match).
    level : float
        Level of the reported interval for a new campaign's ROI.
    basis : {"attributional", "incremental"}
        Attributional: payment amount / coupon cost. Incremental: the campaigns'
        ``incremental_roi`` (holdout-based), pooled with coupon-cost weights.

    Returns
    -------
    RoiEstimate
        ``roi`` (pooled), ``log_sd`` (sd of log ROI across campaigns), ``low``/``high``
        (interval for one campaign's ROI), the per-campaign table.

    Raises
    ------
    ValueError
        ``roi`` ≤ 0; fewer than 2 usable campaigns of the type; pooled ROI ≤ 0.
    DataContractError
        Missing columns, or a currency other than ``currency``.

    Notes
    -----
    Per campaign :math:`r_i = P_i / C_i` (coupon payment amount / coupon cost, as in Caroline, *E-commerce operations: coupon product analysis*);
    pooled :math:`\\hat r = \\sum_i P_i / \\sum_i C_i`; spread
    :math:`s = \\mathrm{sd}(\\log r_i)`; a campaign's ROI is modelled as
    :math:`\\hat r\\,e^{s z}`, :math:`z \\sim N(0,1)`, so the interval is
    :math:`\\hat r\\,e^{\\pm z_{(1+c)/2} s}`. Campaigns with cost 0 are dropped (no ROI).

    Examples
    --------
    >>> c = pd.DataFrame({"campaign_id": ["a", "b"], "activity_type": "category_week", "level": "A",
    ...                   "coupon_cost": [100.0, 300.0], "coupon_payment_amount": [800.0, 2400.0],
    ...                   "currency": "KRW"})
    >>> estimate_roi(c, "category_week").roi  # (800 + 2400) / (100 + 300)
    8.0
    """
    if activity_type not in ACTIVITY_TYPES:
        raise ValueError(f"activity_type {activity_type!r} is not one of {list(ACTIVITY_TYPES)}")
    if roi is not None:
        if isinstance(roi, bool) or not isinstance(roi, (int, float)) or not math.isfinite(roi) or roi <= 0:
            raise ValueError(f"roi = {roi!r}: ROI must be a finite number > 0 (a budget of gap / ROI needs it)")
        return RoiEstimate(activity_type, float(roi), 0.0, float(roi), float(roi), 0, "override",
                           pd.DataFrame(columns=["campaign_id", "level", "coupon_cost", "coupon_payment_amount", "roi",
                                                 "currency"]))
    if campaigns is None:
        raise ValueError("no past campaigns given: pass the campaigns table or an roi override")
    contracts.require_columns(campaigns, PAST_CAMPAIGN_COLUMNS, source="past campaigns")
    c = campaigns.loc[campaigns["activity_type"] == activity_type].copy()
    if currency is not None and len(c):
        found = sorted(c["currency"].astype(str).unique())
        if found != [currency]:
            raise DataContractError(f"past campaigns of {activity_type!r} are in {found}, expected {currency!r}")
    c = c.loc[c["coupon_cost"] > 0]
    if len(c) < 2:
        raise ValueError(f"only {len(c)} past campaign(s) of activity type {activity_type!r} with coupon cost > 0; "
                         "at least 2 are needed for an ROI and its spread (or pass an roi override)")
    c["roi"] = c["coupon_payment_amount"] / c["coupon_cost"]
    keep = [k for k in ["campaign_id", "level", "coupon_cost", "coupon_payment_amount", "roi", "incremental_roi",
                        "redemption_rate", "currency"] if k in c.columns]
    n = len(c)
    q = stats.t.ppf((1 + level) / 2, n - 1) * math.sqrt(1 + 1 / n)
    if basis == "incremental":
        if "incremental_roi" not in c.columns or c["incremental_roi"].isna().any():
            raise DataContractError("past campaigns: basis 'incremental' needs an 'incremental_roi' value for "
                                    f"every campaign of {activity_type!r}")
        r = c["incremental_roi"].astype(float)
        pooled = float((r * c["coupon_cost"]).sum() / c["coupon_cost"].sum())
        if not pooled > 0:
            raise ValueError(f"pooled incremental ROI of {activity_type!r} is {pooled:.3f}: the coupons bought no "
                             "extra sales, so no budget can close a gap")
        sd = float(np.std(r, ddof=1))
        return RoiEstimate(activity_type, pooled, 0.0, pooled - q * sd, pooled + q * sd, n,
                           "past campaigns (incremental)", c[keep].reset_index(drop=True), "incremental", sd)
    pooled = float(c["coupon_payment_amount"].sum() / c["coupon_cost"].sum())
    if not pooled > 0:
        raise ValueError(f"pooled ROI of {activity_type!r} is {pooled}; ROI must be > 0")
    positive = c["roi"] > 0
    log_sd = float(np.std(np.log(c.loc[positive, "roi"]), ddof=1)) if positive.sum() >= 2 else 0.0
    return RoiEstimate(activity_type, pooled, log_sd, pooled * math.exp(-q * log_sd), pooled * math.exp(q * log_sd),
                       n, "past campaigns", c[keep].reset_index(drop=True))


def estimate_redemption(campaigns: pd.DataFrame | None, activity_type: str,
                        override: float | None = None) -> tuple[float, str]:
    """Share of released coupons that are redeemed, and where it comes from.

    Returns
    -------
    (float, str)
        ``override`` when given; else the mean ``redemption_rate`` of the activity type's past
        campaigns; else 1.0 (every coupon redeemed), said so in the source text.

    Examples
    --------
    >>> c = pd.DataFrame({"activity_type": ["category_week"] * 2, "redemption_rate": [0.1, 0.2]})
    >>> estimate_redemption(c, "category_week")[0], estimate_redemption(None, "category_week", 0.5)[0]
    (0.15000000000000002, 0.5)
    """
    if override is not None:
        return float(override), "parameter redemption_rate"
    if campaigns is not None and "redemption_rate" in campaigns.columns:
        r = campaigns.loc[campaigns["activity_type"] == activity_type, "redemption_rate"].astype(float).dropna()
        if len(r) and r.mean() > 0:
            return float(r.mean()), f"mean of {len(r)} past {activity_type} campaigns"
    return 1.0, ("assumed 1 (every released coupon redeemed): no redemption rate in the past campaigns and no "
                 "redemption_rate parameter")


@dataclass
class BudgetResult:
    """Budget needed to close the gap, with its simulation interval."""

    target: float
    baseline: float
    gap: float
    budget: float
    low: float
    high: float
    prob_gap: float
    draws: np.ndarray = field(repr=False)
    statement: str = ""
    sim: dict = field(default_factory=dict, repr=False)  # per-draw gap, a, b, redemption factor, w, d


def simulate_budget(forecast: Forecast, target: float, roi: RoiEstimate, *, n_simulations: int = 10_000,
                    level: float = 0.9, seed: int = 0) -> BudgetResult:
    """Budget = gap / ROI, with an interval from simulated baselines and ROIs.

    Parameters
    ----------
    forecast : Forecast
        Baseline of the target period (money).
    target : float
        Sales target of the period, same currency (> 0).
    roi : RoiEstimate
    n_simulations : int
        Monte Carlo draws (≥ 100).
    level : float
        Interval level in (0, 1).
    seed : int
        Random seed.

    Returns
    -------
    BudgetResult
        ``gap`` = target − baseline (may be negative), ``budget`` = max(gap, 0) / ROI ≥ 0,
        ``low``/``high`` quantiles of the simulated budget, ``prob_gap`` = share of draws with a
        positive gap, and a plain ``statement`` when no budget is needed.

    Raises
    ------
    ValueError
        ``target`` ≤ 0, ROI ≤ 0, or bad simulation settings.

    Notes
    -----
    .. math:: B = \\frac{\\max(T - \\hat b, 0)}{\\hat r}, \\qquad
              B^{(s)} = \\frac{\\max(T - b^{(s)}, 0)}{r^{(s)}}

    with :math:`b^{(s)} = \\hat b + \\mathrm{sd}_b\\, t^{(s)}_{df}` and :math:`r^{(s)}` a new
    campaign's ROI (:meth:`RoiEstimate.draw`) drawn independently. Never negative: a target
    below the baseline needs no budget.

    Examples
    --------
    >>> fc = Forecast(pd.DataFrame(), 1000.0, 900.0, 1100.0, 50.0, 100.0, 0.9)
    >>> r = RoiEstimate("coupon_festival", 5.0, 0.0, 5.0, 5.0, 0, "override", pd.DataFrame())
    >>> simulate_budget(fc, 1500.0, r).budget  # (1500 - 1000) / 5
    100.0
    """
    if not (isinstance(target, (int, float)) and math.isfinite(target) and target > 0):
        raise ValueError(f"target = {target!r} must be a finite amount > 0")
    if not roi.roi > 0:
        raise ValueError(f"ROI = {roi.roi} must be > 0")
    if not (isinstance(n_simulations, (int, np.integer)) and n_simulations >= 100):
        raise ValueError(f"n_simulations = {n_simulations!r} must be an integer ≥ 100")
    if not 0 < level < 1:
        raise ValueError(f"level = {level} must be in (0, 1)")
    rng = np.random.default_rng(seed)
    b = forecast.total + forecast.total_sd * rng.standard_t(forecast.df_resid, size=n_simulations)
    r = roi.draw(n_simulations, rng)
    draws = np.maximum(target - b, 0.0) / r
    gap = float(target - forecast.total)
    budget = max(gap, 0.0) / roi.roi
    lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2])
    prob = float(np.mean(target - b > 0))
    statement = ""
    if gap <= 0:
        statement = ("The target is at or below the baseline forecast, so no promotion budget is needed "
                     f"(budget = 0); only in {prob:.0%} of simulations does the baseline fall below the target.")
    return BudgetResult(float(target), forecast.total, gap, float(budget), float(lo), float(hi), prob, draws, statement)


def budget_cap(revenue_sources: Mapping[str, float], marketing_share: float) -> float:
    """Most the revenue sources can fund for marketing.

    Notes
    -----
    :math:`\\text{cap} = m \\sum_j R_j` (gross profit, commission, advertising… of the period).

    Raises
    ------
    ValueError
        Negative sources or a share outside [0, 1].

    Examples
    --------
    >>> budget_cap({"gross_profit": 600.0, "commission": 300.0, "advertising": 100.0}, 0.2)
    200.0
    """
    if not revenue_sources:
        raise ValueError("revenue_sources is empty")
    for k, v in revenue_sources.items():
        if not (math.isfinite(v) and v >= 0):
            raise ValueError(f"revenue source {k!r} = {v} must be a finite amount ≥ 0")
    if not 0 <= marketing_share <= 1:
        raise ValueError(f"marketing_share = {marketing_share} must be in [0, 1]")
    return float(marketing_share * sum(revenue_sources.values()))


def apply_cap(budget: BudgetResult, cap: float, roi: float | Callable[[float], float]) -> dict[str, float | bool]:
    """Cap the budget and say what the capped budget buys.

    Returns
    -------
    dict
        ``cap``, ``cap_binds`` (budget > cap), ``capped_budget`` = min(budget, cap),
        ``sales_bought`` = capped × ROI, ``expected_sales`` = baseline + sales bought,
        ``shortfall`` = max(target − expected_sales, 0); money in the sales currency.

    Raises
    ------
    ValueError
        ``cap`` < 0 or ``roi`` ≤ 0.

    Notes
    -----
    :math:`B_c = \\min(B, \\text{cap})`, sales bought :math:`= B_c\\,\\hat r`.

    Examples
    --------
    >>> b = BudgetResult(1500.0, 1000.0, 500.0, 100.0, 80.0, 120.0, 1.0, np.array([]))
    >>> apply_cap(b, 60.0, 5.0)["shortfall"]  # 1500 - (1000 + 60*5)
    200.0
    """
    if not (math.isfinite(cap) and cap >= 0):
        raise ValueError(f"cap = {cap} must be a finite amount ≥ 0")
    if not callable(roi) and not roi > 0:
        raise ValueError(f"roi = {roi} must be > 0")
    capped = min(budget.budget, cap)
    bought = float(roi(capped)) if callable(roi) else capped * roi
    expected = budget.baseline + bought
    return {"cap": float(cap), "cap_binds": bool(budget.budget > cap), "capped_budget": float(capped),
            "sales_bought": float(bought), "expected_sales": float(expected),
            "shortfall": float(max(budget.target - expected, 0.0))}



def sales_target(history: pd.DataFrame, start: str | pd.Timestamp, end: str | pd.Timestamp, freq: str,
                 target_amount: float | None, target_growth: float) -> tuple[float, float | None]:
    """The period's sales target: the given amount, else growth over the same period last year.

    Returns
    -------
    (float, float or None)
        ``(target, last_year_sales)``; ``last_year_sales`` is None when an amount was given.

    Raises
    ------
    ValueError
        ``target_amount`` ≤ 0.
    DataContractError
        See :func:`target_from_growth`.

    Notes
    -----
    :math:`T` = ``target_amount`` if given, else :math:`(1+g)\\,S_{\\text{last year}}`.

    Examples
    --------
    >>> h = pd.DataFrame({"date": pd.date_range("2024-01-01", periods=3, freq="D"), "sales": [1.0, 2.0, 3.0]})
    >>> sales_target(h, "2025-01-01", "2025-01-02", "D", 10.0, 0.5)
    (10.0, None)
    """
    if target_amount is not None:
        if not (math.isfinite(target_amount) and target_amount > 0):
            raise ValueError(f"target_amount = {target_amount} must be a finite amount > 0")
        return float(target_amount), None
    return target_from_growth(history, start, end, target_growth, freq)




def redemption_spread(campaigns: pd.DataFrame | None, activity_type: str) -> tuple[float, int]:
    """Sd of the redemption rate across the activity type's past campaigns, and their number.

    Examples
    --------
    >>> c = pd.DataFrame({"activity_type": ["category_week"] * 3, "redemption_rate": [0.1, 0.2, 0.3]})
    >>> redemption_spread(c, "category_week")
    (0.1, 3)
    """
    if campaigns is None or "redemption_rate" not in campaigns.columns:
        return 0.0, 0
    r = campaigns.loc[campaigns["activity_type"] == activity_type, "redemption_rate"].astype(float).dropna()
    return (round(float(np.std(r, ddof=1)), 12), len(r)) if len(r) >= 2 else (0.0, len(r))
