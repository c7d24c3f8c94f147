"""Coupon campaign review (notebook 02): what is where.

* :mod:`~helpers.coupons.params` — ``Params``, the notebook's parameters (light: no pandas);
* :mod:`~helpers.coupons.schemas` — table contracts ``coupon_campaigns``, ``coupon_events``,
  ``coupon_orders``, ``coupon_audience``, ``coupon_truth``, ``past_campaigns``;
* :mod:`~helpers.coupons.load` — ``load_campaign`` and ``clean_log`` (row-level exclusions);
* :mod:`~helpers.coupons.metrics` — review metrics, attributional ROI, order economics, breakdowns;
* :mod:`~helpers.coupons.windows` — pre, campaign and post periods per customer; the net
  incremental effect with CUPED, incremental new buyers, P(ROI > break-even), the holdout size;
* :mod:`~helpers.coupons.features` — pre-campaign features per customer; :mod:`~helpers.coupons.checks` —
  sample-ratio and balance checks; :mod:`~helpers.coupons.design` — minimum detectable ROI, holdout size;
* :mod:`~helpers.coupons.targeting` — cross-fitted uplift models, Qini, the top-share policy, the list;
  :mod:`~helpers.coupons.acquisition` — new buyers' lifetime value (BG/NBD + Gamma-Gamma);
* :mod:`~helpers.coupons.past` — the ``past_campaigns`` table notebook 03 reads;
* :mod:`~helpers.coupons.simulate` — the seeded generator of the shipped synthetic data (simulation only,
  frames out); :mod:`~helpers.coupons.synthetic` — writes its frames as the shipped files;
  :mod:`~helpers.coupons.pipeline` — the step that estimates ``coupons_past_campaigns.csv`` on it;
* :mod:`~helpers.coupons.report` — what the notebook shows: the review, verdict, tables, prose and
  the recorded results; :mod:`~helpers.coupons.checks_report` and :mod:`~helpers.coupons.targeting_report`
  — the checks and the targeting plan; :mod:`~helpers.coupons.figures` — its figures.

Only ``Params`` is imported eagerly (the runner imports this package before any kernel starts);
the other public names below load their module on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

from helpers.coupons.params import Params

_LAZY = {
    "load": ("QUALITY_RULES", "WINDOW_RULES", "CampaignData", "load_campaign", "clean_log", "campaign_window"),
    "metrics": ("BREAKDOWNS", "coupon_uses", "review_table", "roi_by_campaign", "order_economics",
                "roi_spread", "collection_by_channel", "aliased_dimensions"),
    "windows": ("Windows", "observed_windows", "customer_windows", "incremental_effects", "post_window_curve",
                "daily_paid", "breakeven_verdict"),
    "past": ("past_campaigns",),
    "simulate": ("BatchSpec", "CampaignSpec", "MAIN_CAMPAIGNS", "simulate_campaign", "simulate_past_campaigns",
                 "simulate_shipped_tables"),
    "synthetic": ("write_synthetic",),
    "pipeline": ("write_past_campaigns",),
    "checks": ("randomisation_check", "sample_ratio_test", "standardised_differences"),
    "design": ("mde_roi", "holdout_for_mde", "scale_for_mde"),
    "features": ("Features", "pre_features"),
    "targeting": ("cross_fit", "evaluate", "qini_curve", "qini_area", "targeting_list"),
    "acquisition": ("acquisition_value",),
}
_WHERE = {name: module for module, names in _LAZY.items() for name in names}

__all__ = ["Params", *_WHERE]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'helpers.coupons' has no attribute {name!r}")
    return getattr(importlib.import_module(f"helpers.coupons.{module}"), name)
