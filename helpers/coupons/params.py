"""The parameters of notebook 02 (coupon campaign review), declared once.

Kept light (no pandas or numpy): the batch runner imports it before any kernel starts. Checks that
need the data (the campaign must be in the campaigns file, its currency must match) are made by
:func:`helpers.coupons.load.load_campaign`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import ClassVar, Literal

from pydantic import Field, field_validator

from helpers.config import REPORTS_DIR, resolve_path
from helpers.constants import CURRENCIES, KURLY_GROSS_MARGIN_2021
from helpers.params import NotebookParams, ParameterError, data_path

#: How the targeted-vs-holdout difference treats per-customer amounts.
HOLDOUT_MODES = ("difference", "winsorized")
#: Which incremental ROI the verdict uses.
ROI_BASES = ("net", "in_window")
#: Uplift learners the targeting policy can rank by.
UPLIFT_LEARNERS = ("dr_learner", "t_learner")


def check_output_path(value: str | os.PathLike) -> Path:
    """The resolved path of ``targeting_output``, refused inside ``reports/`` or where it cannot be written.

    The targeting list holds real customer ids (needed to send coupons), so it must never land in the
    published reports: any path under the project's ``reports/`` folder, or under any folder named
    ``reports``, is refused.

    Raises
    ------
    ParameterError
        The path is inside a reports folder, its folder does not exist, or it is not writable.

    Examples
    --------
    >>> check_output_path("reports/list.csv")
    Traceback (most recent call last):
    ...
    helpers.params.ParameterError: parameter 'targeting_output' = 'reports/list.csv' is inside a reports folder, which is published; the list holds real customer ids: write it elsewhere
    """
    path = resolve_path(str(value)).resolve()
    reports = REPORTS_DIR.resolve()
    if path == reports or reports in path.parents or "reports" in path.parent.parts:
        raise ParameterError(f"parameter 'targeting_output' = {str(value)!r} is inside a reports folder, which is "
                             "published; the list holds real customer ids: write it elsewhere")
    if not path.parent.is_dir():
        raise ParameterError(f"parameter 'targeting_output' = {str(value)!r}: folder {str(path.parent)!r} does "
                             "not exist")
    if path.is_dir():
        raise ParameterError(f"parameter 'targeting_output' = {str(value)!r} is a folder; give a .csv file path")
    try:  # a real write test (permission bits say nothing to root, or on read-only file systems)
        with tempfile.TemporaryFile(dir=path.parent):
            pass
        writable = not path.exists() or os.access(path, os.W_OK)
    except OSError:
        writable = False
    if not writable:
        raise ParameterError(f"parameter 'targeting_output' = {str(value)!r} is not writable")
    return path


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
    uplift_learner: Literal[UPLIFT_LEARNERS] = Field("dr_learner", description="uplift model that ranks "
                                                     "customers: doubly robust (EconML) or two-model learner")
    uplift_folds: int = Field(5, ge=2, le=10, description="cross-fitting folds of the uplift models")
    targeting_output: str | None = Field(None, description="CSV path for the targeting list with real "
                                         "customer ids (never inside reports/); None writes nothing")

    @field_validator("targeting_output")
    @classmethod
    def _targeting_output(cls, value: str | None) -> str | None:
        if value not in (None, ""):
            check_output_path(value)
        return value or None
