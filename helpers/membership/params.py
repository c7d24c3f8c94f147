"""Notebook 04's parameters, declared once (the parameters cell is generated from this model).

Light on purpose: no pandas or numpy, because the runner imports it before any kernel starts.
"""

from __future__ import annotations

import datetime as _dt
from typing import Literal

from pydantic import Field, field_validator, model_validator

from helpers.params import NotebookParams, data_path


class Params(NotebookParams):
    """Parameters of ``04_membership_value``.

    Examples
    --------
    >>> p = Params.build({})
    >>> p.fee_krw, p.n_months
    (7890.0, 24)
    """

    NOTEBOOK = "04_membership_value"

    panel_path: str | None = data_path(
        None, "your monthly panel CSV (contract membership_panel); None means a synthetic panel "
              "from the settings below")
    n_customers: int = Field(4000, ge=100, le=200_000, description="synthetic: customers")
    n_months: int = Field(24, ge=6, le=120, description="synthetic: months in the panel")
    min_pre_months: int = Field(6, ge=1, description="synthetic: months before anyone may join, "
                                                     "below n_months")
    mean_orders_per_month: float = Field(
        0.8, gt=0, le=100, description="synthetic: mean latent order rate without membership, "
                                       "orders per customer-month")
    propensity_shape: float = Field(
        0.6, ge=0.05, le=100, description="synthetic: gamma shape of the latent order rate "
                                          "(smaller means more unequal customers)")
    member_share: float = Field(0.3, gt=0, lt=1, description="synthetic: share of customers who "
                                                             "join during the panel")
    selection_strength: float = Field(
        3.0, ge=0, le=10, description="synthetic: log-odds of joining per unit log propensity "
                                      "(0 means no selection)")
    true_rate_ratio: float = Field(
        2.0, ge=0.05, le=50, description="synthetic: true causal multiplier of membership on the "
                                         "order rate (1 means no effect)")
    true_basket_ratio: float = Field(
        1.1, ge=0.05, le=50, description="synthetic: true causal multiplier of membership on "
                                         "order value")
    basket_krw: float = Field(30000.0, gt=0, le=1e8,
                              description="synthetic: mean non-member order value, KRW")
    tenure_basket_growth: float = Field(
        0.04, ge=0, le=0.5, description="synthetic: member order value growth per month of "
                                        "tenure, share")
    pre_join_spike: float = Field(
        1.0, gt=0, le=10, description="synthetic violation: joiners' order rate multiplier in the "
                                      "two months before joining (1 means none)")
    join_month_boost: float = Field(
        1.0, gt=0, le=10, description="synthetic violation: order multiplier in the join month, "
                                      "not caused by membership (joining at checkout; 1 means none)")
    joiner_trend: float = Field(
        0.0, ge=-0.2, le=0.2, description="synthetic violation: joiners' own demand growth per "
                                          "month, share (0 means none)")
    tenure_effect_growth: float = Field(
        0.0, ge=-0.2, le=0.2, description="synthetic: growth of the effect on orders per month of "
                                          "membership, share (0 means a constant effect)")
    cancel_rate: float = Field(
        0.04, ge=0, lt=1, description="synthetic: probability that a member cancels at each "
                                      "monthly renewal (0 means no cancellations)")
    cohort_effect_slope: float = Field(
        0.0, ge=-0.2, le=0.2, description="synthetic: fall of the log effect on orders per month a "
                                          "cohort joins later (selection on gains; 0 means every "
                                          "cohort gains the same)")
    calendar_trend: float = Field(
        0.0, ge=-0.1, le=0.1, description="synthetic: everyone's order growth per calendar month, "
                                          "share (0 means none)")
    seasonality: float = Field(
        0.0, ge=0, le=0.9, description="synthetic: amplitude of everyone's yearly order cycle, "
                                       "share (0 means none)")
    event_leads: int = Field(5, ge=2, le=60, description="event study: months before joining with "
                                                         "their own term (earlier ones binned)")
    event_lags: int = Field(12, ge=1, le=119, description="event study: months of membership with "
                                                          "their own term (later ones binned)")
    join_month: Literal["own", "post", "exclude"] = Field(
        "own", description="event study: the join month gets its own term left out of the summary "
                           "(own), counts as a member month (post) or is dropped (exclude)")
    anticipation_months: int = Field(
        0, ge=0, le=12, description="event study: months before joining that may already react "
                                    "(the reference month moves back by as many)")
    n_boot: int = Field(499, ge=50, le=20_000,
                        description="bootstrap draws over customers for the value intervals")
    fee_krw: float = Field(7890.0, ge=0, le=1e7, description="membership fee, KRW per month (the "
                                                             "WOW fee from 2024, BDO Digital 2025)")
    gross_margin: float = Field(0.25, gt=0, le=1,
                                description="gross margin on member spend, share (assumption)")
    benefit_cost_per_order_krw: float = Field(
        3000.0, ge=0, le=1e7, description="cost of free shipping and returns per member order, "
                                          "KRW (assumption)")
    veteran_months: int = Field(12, ge=1, le=119, description="tenure (months since joining) "
                                                              "from which a member is a veteran")
    new_months: int = Field(3, ge=1, le=119, description="tenure below which a member is new, "
                                                         "at most veteran_months")
    horizon_months: int = Field(24, ge=1, le=120, description="lifetime-value horizon, months")
    annual_discount_rate: float = Field(0.10, ge=0, lt=1,
                                        description="discount rate for lifetime value, per year")
    conf_level: float = Field(0.95, gt=0.5, lt=1, description="confidence level of intervals")
    cdnow_path: str = data_path("data/raw/CDNOW_sample.txt",
                                "CDNOW transactions (sample or master layout) for the model check")
    calibration_end: str = Field(
        "1997-09-30", description="end of the CDNOW calibration period, ISO date (39 weeks in "
                                  "Fader, Hardie and Lee 2005)")
    holdout_weeks: int = Field(39, ge=1, le=78, description="weeks after calibration_end in which "
                                                           "the CDNOW forecast is checked")
    seed: int = Field(7, ge=0, le=2**32 - 1, description="random seed of the synthetic panel and "
                                                         "the bootstrap")

    @field_validator("calibration_end")
    @classmethod
    def _iso_date(cls, value: str) -> str:
        try:
            _dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO date (YYYY-MM-DD)") from None
        return value

    @model_validator(mode="after")
    def _cross_field(self) -> Params:
        if self.min_pre_months >= self.n_months:
            raise ValueError(f"min_pre_months ({self.min_pre_months}) must be below n_months "
                             f"({self.n_months})")
        if self.new_months > self.veteran_months:
            raise ValueError(f"new_months ({self.new_months}) must be at most veteran_months "
                             f"({self.veteran_months})")
        reach = self.n_months - self.min_pre_months - 1
        if self.panel_path is None and self.veteran_months > reach:
            raise ValueError(f"veteran_months ({self.veteran_months}) is out of reach: with "
                             f"n_months {self.n_months} and min_pre_months {self.min_pre_months} "
                             f"no synthetic member reaches it; use at most {reach}")
        if self.event_leads < 2 + self.anticipation_months:
            raise ValueError(f"event_leads ({self.event_leads}) must be at least 2 + "
                             f"anticipation_months ({self.anticipation_months}): the pre-trend "
                             "test needs a lead before the anticipation window")
        if self.panel_path is None and self.event_leads > self.min_pre_months:
            raise ValueError(f"event_leads ({self.event_leads}) must be at most min_pre_months "
                             f"({self.min_pre_months}) on a synthetic panel")
        if self.panel_path is None and self.event_lags > reach:
            raise ValueError(f"event_lags ({self.event_lags}) is out of reach: with n_months "
                             f"{self.n_months} and min_pre_months {self.min_pre_months} use at "
                             f"most {reach}")
        return self
