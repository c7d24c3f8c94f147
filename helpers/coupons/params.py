"""The parameters of notebook 02 (coupon campaign review), declared once.

Kept light (no pandas or numpy): the batch runner imports it before any kernel starts. Checks that
need the data (the campaign must be in the campaigns file, its currency must match) are made by
:func:`helpers.coupons.load.load_campaign`.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from helpers.constants import CURRENCIES, KURLY_GROSS_MARGIN_2021
from helpers.params import NotebookParams, data_path

#: How the targeted-vs-holdout difference treats per-customer amounts.
HOLDOUT_MODES = ("difference", "winsorized")
#: Which incremental ROI the verdict uses.
ROI_BASES = ("net", "in_window")


class Params(NotebookParams):
    """Parameters of ``02_coupon_campaign``.

    Examples
    --------
    >>> p = Params.build({"gross_margin": 0.3})
    >>> p.gross_margin, p.campaign_id
    (0.3, 'FEST-2026-03')
    """

    NOTEBOOK: ClassVar[str] = "02_coupon_campaign"

    campaigns_path: str = data_path("data/synthetic/coupons_campaigns.csv",
                                    "coupon batches per campaign (contract coupon_campaigns)")
    events_path: str = data_path("data/synthetic/coupons_events.csv",
                                 "one row per coupon instance (contract coupon_events)")
    orders_path: str = data_path("data/synthetic/coupons_orders.csv",
                                 "the audience's orders, pre-period to post-period (contract coupon_orders)")
    audience_path: str = data_path("data/synthetic/coupons_audience.csv",
                                   "eligible customers, targeted or holdout (contract coupon_audience)")
    truth_path: str | None = data_path("data/synthetic/coupons_truth.csv",
                                       "synthetic data only: true incremental effect; None for real data")
    campaign_id: str = Field("FEST-2026-03", min_length=1,
                             description="campaign to review (a campaign_id of the campaigns file)")
    currency: Literal[CURRENCIES] = Field("KRW", description="currency of the campaign's amounts")
    gross_margin: float = Field(KURLY_GROSS_MARGIN_2021, gt=0, lt=1,
                                description="gross margin on gross order amount, share; Kurly 2021 per Yozm IT (2024)")
    pre_days: int = Field(28, ge=0, le=365, description="days before the campaign whose spend is the CUPED "
                          "covariate; 0 turns the adjustment off")
    post_days: int = Field(14, ge=0, le=180, description="days after the campaign in which a pull-forward dip "
                           "is measured")
    roi_basis: Literal[ROI_BASES] = Field("net", description="ROI the verdict uses: net (campaign plus post "
                                          "window) or in_window (campaign window only)")
    cuped: bool = Field(True, description="regression adjustment on pre-period spend (CUPED)")
    min_holdout: int = Field(200, ge=2, description="fewest holdout customers accepted, customers")
    holdout_mode: Literal[HOLDOUT_MODES] = Field(
        "difference", description="holdout comparison: difference of means, or winsorized (amounts capped at "
                                  "the pooled 1st and 99th percentiles)")
    n_boot: int = Field(2000, ge=200, le=20_000, description="bootstrap resamples for the interval")
    confidence: float = Field(0.95, ge=0.5, le=0.999, description="confidence level of the interval, share")
    seed: int = Field(7, ge=0, description="random seed of the bootstrap")
    curve_days: int = Field(42, ge=0, le=365, description="days after the campaign the cumulative targeted - "
                            "holdout curve follows, where the orders reach (checks the post window)")
    target_mde_roi: float = Field(1.0, gt=0, le=100, description="ROI difference the next campaign's holdout "
                                  "should detect (80% power), for the holdout-size advice")
    design_holdout_share: float | None = Field(0.25, gt=0, lt=1, description="holdout share the split was "
                                               "designed with (sample-ratio test); None if unknown")
