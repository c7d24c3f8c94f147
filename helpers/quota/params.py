"""Parameters of notebook 03 (promotion quota), declared once.

The notebook's parameters cell is generated from :class:`Params`
(``python -m helpers params 03_promotion_quota --write``); the runner validates ``-p`` overrides
against it before a kernel starts, and the notebook's first cell after the parameters calls
``quota.Params.from_notebook(globals())``. Light on purpose: no pandas or numpy here.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Literal

from pydantic import Field, model_validator

from helpers.constants import ACTIVITY_TYPES, KURLY_GROSS_MARGIN_2021, PROMOTION_LEVELS
from helpers.params import NotebookParams, data_path

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(name: str, value: str) -> _dt.date:
    if not _ISO_DATE.fullmatch(value.strip()):
        raise ValueError(f"{name} = {value!r} is not an ISO date like '2026-01-31'")
    try:
        return _dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{name} = {value!r} is not a valid calendar date") from None


def _weights(name: str, weights: dict[str, float], keys: tuple[str, ...] | None = None) -> None:
    if not weights:
        raise ValueError(f"{name} must hold at least one share")
    if keys is not None:
        unknown = [k for k in weights if k not in keys]
        if unknown:
            raise ValueError(f"{name} has keys {unknown}; allowed keys are {list(keys)}")
    negative = {k: v for k, v in weights.items() if not (math.isfinite(v) and v >= 0)}
    if negative:
        raise ValueError(f"{name} has shares {negative} that are not finite and ≥ 0")
    total = sum(weights.values())
    if abs(total - 1.0) > 1e-6:
        raise ValueError(f"{name} weights sum to {total:g}; they must sum to 1")


class Params(NotebookParams):
    """Notebook 03: sales target → baseline → gap → coupon budget → cap → quotas."""

    NOTEBOOK = "03_promotion_quota"

    sales_history_path: str = data_path(
        "data/synthetic/quota_sales_history.csv",
        "sales per day or month (contract quota_sales_history), path from the project root")
    past_campaigns_path: str = data_path(
        "data/synthetic/coupons_past_campaigns.csv",
        "past campaigns (contract past_campaigns, from notebook 02); unused when roi is set")
    freq: Literal["D", "MS"] = Field("D", description="frequency of the sales series: D daily or MS month start")
    fill_missing: Literal["error", "interpolate"] = Field(
        "error", description="missing dates: error, or interpolate (counted in the quality table)")
    currency: str = Field("KRW", pattern=r"^[A-Z]{3}$",
                          description="currency of sales, revenue sources and face value; must match the files")
    target_start: str = Field("2026-01-01", description="first day of the target period, ISO date")
    target_end: str = Field("2026-01-31", description="last day of the target period (inclusive), ISO date")
    target_amount: float | None = Field(None, gt=0,
                                        description="sales target of the period, currency; null uses target_growth")
    target_growth: float = Field(0.2, gt=-1, le=10,
                                 description="target as growth over the same period last year, fraction (0.2 is +20%)")
    activity_type: Literal[ACTIVITY_TYPES] = Field(  # type: ignore[valid-type]
        "coupon_festival", description="coupon_festival, category_week or new_buyer_push")
    roi_basis: Literal["incremental", "attributional"] = Field(
        "incremental", description="ROI basis of the budget: incremental (against a holdout) or attributional "
                                   "(paid amount of coupon orders per coupon cost)")
    response_min_points: int = Field(6, ge=3, le=100, description="fewest (spend, incremental sales) points for a "
                                                                 "response curve; fewer uses a constant ROI")
    p_target: float = Field(0.8, gt=0, lt=1, description="probability of meeting the target that budget_for_p "
                                                         "buys, 0-1")
    redemption_rate: float | None = Field(None, gt=0, le=1, description="share of released coupons redeemed, 0-1; "
                                                                       "null takes it from past campaigns")
    roi: float | None = Field(None, gt=0, description="ROI override (coupon payment amount per unit of coupon "
                                                      "cost); null estimates it from past campaigns")
    holiday_country: str | None = Field("KR", description="country of the public-holiday calendar (holidays "
                                                          "package code, e.g. KR); null uses only the history's column")
    holiday_pre_days: int = Field(
        7, ge=0, le=28, description="days before each Seollal and Chuseok with their own effect (the gift-set "
                                    "run-up; 7 is an assumed week, not a published figure), daily series only")
    holiday_post_days: int = Field(
        2, ge=0, le=14, description="days after each Seollal and Chuseok with their own effect (the return; an "
                                    "assumption), daily series only")
    promo_lead: int = Field(2, ge=0, le=14, description="days before a promotion with their own effect (a lull), "
                                                        "daily series only")
    promo_lag: int = Field(2, ge=0, le=14, description="days after a promotion with their own effect (a dip), "
                                                       "daily series only")
    level_weights: dict[str, float] = Field(
        {"S+": 0.4, "S": 0.3, "A+": 0.2, "A": 0.1}, description="budget share per promotion level, sums to 1")
    event_days: dict[str, int] = Field(
        {"S+": 7, "S": 7, "A+": 7, "A": 7},
        description="promotion days of each level in the target period (its budget is spread over them; the past "
                    "campaigns ran 7 days each); daily series only")
    observational_weight: float = Field(
        0.25, gt=0, le=1, description="weight of the history's promotion-level uplifts in the curvature prior "
                                      "(their variance is divided by it), 0-1")
    gross_margin: float = Field(KURLY_GROSS_MARGIN_2021, gt=0, lt=1,
                                description="gross margin on sales for the profit check, 0-1 (Kurly 2021: 0.19)")
    slot_shares: dict[str, float] = Field(
        {"00-10h": 0.15, "10-14h": 0.35, "14-20h": 0.3, "20-24h": 0.2},
        description="coupon share per daily release slot, sums to 1")
    face_value: float = Field(5000.0, gt=0, description="face value of one coupon, currency")
    revenue_sources: dict[str, float] = Field(
        {"gross_profit": 480000000.0, "commission": 190000000.0, "advertising": 110000000.0},
        description="revenue of the target period per source, currency")
    marketing_share: float = Field(0.1, ge=0, le=1, description="share of that revenue that may fund marketing, 0-1")
    interval_level: float = Field(0.9, ge=0.5, le=0.99,
                                  description="level of the prediction and budget intervals, 0.5-0.99")
    backtest_folds: int | None = Field(
        None, ge=1, le=12, description="rolling-origin backtest folds, each as long as the target period; null "
                                       "takes as many as the history allows, up to 8 (8 one-month folds span most "
                                       "of a year)")
    n_simulations: int = Field(10000, ge=1000, le=200000, description="Monte Carlo draws for the budget interval")
    seed: int = Field(3, ge=0, description="random seed of the simulation")

    @model_validator(mode="after")
    def _rules(self) -> Params:
        start = _iso_date("target_start", self.target_start)
        end = _iso_date("target_end", self.target_end)
        if end < start:
            raise ValueError(f"target_end = {self.target_end!r} is before target_start = {self.target_start!r}")
        if self.freq == "MS":
            for name, day in (("target_start", start), ("target_end", end)):
                if day.day != 1:
                    raise ValueError(f"{name} = {getattr(self, name)!r} must be a month start (day 1) when freq is MS")
        _weights("level_weights", self.level_weights, PROMOTION_LEVELS)
        _weights("slot_shares", self.slot_shares)
        unknown = [k for k in self.event_days if k not in PROMOTION_LEVELS]
        if unknown:
            raise ValueError(f"event_days has keys {unknown}; allowed keys are {list(PROMOTION_LEVELS)}")
        missing = [k for k, w in self.level_weights.items() if w > 0 and not self.event_days.get(k, 0) >= 1]
        if missing:
            raise ValueError(f"event_days must give at least 1 day for every level with a budget share; "
                             f"missing or < 1: {missing}")
        if not self.revenue_sources:
            raise ValueError("revenue_sources must name at least one source of revenue")
        bad = {k: v for k, v in self.revenue_sources.items() if not (math.isfinite(v) and v >= 0)}
        if bad:
            raise ValueError(f"revenue_sources has amounts {bad} that are not finite and ≥ 0")
        return self
