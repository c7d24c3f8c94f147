"""The ``past_campaigns`` table (read by notebook 03): attributional and net incremental ROI per campaign.

Written by the same helpers as the review of one campaign, so the budget notebook can plan on
incremental returns, not on attributional ones.
"""

from __future__ import annotations

import pandas as pd

from helpers import contracts
from helpers.coupons.load import clean_log
from helpers.coupons.metrics import review_table, roi_by_campaign
from helpers.coupons.schemas import COUPON_AUDIENCE, PAST_CAMPAIGNS
from helpers.coupons.windows import customer_windows, incremental_effects, observed_windows


def past_campaigns(campaigns: pd.DataFrame, events: pd.DataFrame, orders: pd.DataFrame, audience: pd.DataFrame,
                   *, gross_margin: float, pre_days: int = 28, post_days: int = 14, n_boot: int = 1000,
                   confidence: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """One row per campaign: attributional ROI, net incremental ROI with interval, redemption rate.

    Parameters
    ----------
    campaigns, events, orders, audience : DataFrame
        ``coupon_campaigns``, ``coupon_events``, ``coupon_orders`` (covering each campaign's pre and
        post periods) and ``coupon_audience`` of one or more campaigns; broken rows are excluded
        (:func:`helpers.coupons.load.clean_log`).
    gross_margin : float
        Margin on gross amount, 0 < m < 1 (sets the break-even ROI used for ``prob_profitable``).
    pre_days, post_days : int
        Pre- and post-period lengths asked for (shorter coverage falls back, see
        :func:`helpers.coupons.windows.observed_windows`).
    n_boot, confidence, seed
        Bootstrap of each campaign's interval (campaign k uses ``seed + k``).

    Returns
    -------
    DataFrame
        The ``past_campaigns`` contract: the columns of :func:`helpers.coupons.metrics.roi_by_campaign`
        plus ``incremental_roi, incremental_roi_low, incremental_roi_high, redemption_rate``.

    Raises
    ------
    DataContractError
        As :func:`roi_by_campaign`; a campaign without audience rows or without a holdout.

    Notes
    -----
    .. math:: \\text{redemption rate} = \\frac{\\text{coupons used on orders that stayed paid}}
              {\\text{coupons issued}}
    """
    contracts.require_columns(audience, COUPON_AUDIENCE.names, source="audience")
    base = roi_by_campaign(campaigns, events, orders)
    ev, od, _q = clean_log(campaigns, events, orders)
    breakeven = (1 - gross_margin) / gross_margin
    extra = []
    for k, row in enumerate(base.itertuples(index=False)):
        b = campaigns[campaigns["campaign_id"] == row.campaign_id]
        aud = audience[audience["campaign_id"] == row.campaign_id]
        if aud.empty:
            raise contracts.DataContractError(f"audience: no rows for campaign {row.campaign_id!r}")
        summary = review_table(b, ev[ev["coupon_id"].isin(b["coupon_id"])], od).loc["all"]
        mine = od[od["customer_id"].isin(aud["customer_id"])]
        w = observed_windows(mine, pd.Timestamp(row.start), pd.Timestamp(row.end), pre_days, post_days)
        cw = customer_windows(mine, aud, w, gross_margin)
        est = incremental_effects(cw, float(summary["coupon_cost"]), breakeven, n_boot=n_boot,
                                  confidence=confidence, seed=seed + k)["estimates"].loc["incremental_roi"]
        extra.append({"incremental_roi": float(est["estimate"]), "incremental_roi_low": float(est["low"]),
                      "incremental_roi_high": float(est["high"]),
                      "redemption_rate": float(summary["effective_uses"] / summary["issued"])})
    out = pd.concat([base, pd.DataFrame(extra)], axis=1)
    return contracts.validate(out, PAST_CAMPAIGNS, source="past_campaigns()")
