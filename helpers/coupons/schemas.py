"""Table schemas of the coupons domain (the contract engine is :mod:`helpers.contracts`)."""

from __future__ import annotations

from helpers.constants import ACTIVITY_TYPES, PROMOTION_LEVELS
from helpers.contracts import Column, Schema, register

COUPON_ACTIVITY_TYPES = ACTIVITY_TYPES
COUPON_LEVELS = PROMOTION_LEVELS

COUPON_CAMPAIGNS = register(Schema(
    name="coupon_campaigns",
    description="One row per coupon batch of a campaign (a campaign has one or more batches).",
    columns=(
        Column("campaign_id", "str", "campaign identifier"),
        Column("activity_type", "str", "kind of activity (sets which past campaigns its ROI is compared with)",
               allowed=COUPON_ACTIVITY_TYPES),
        Column("level", "str", "promotion level, biggest first", allowed=COUPON_LEVELS),
        Column("start", "date", "first day of the campaign (local date)"),
        Column("end", "date", "last day of the campaign, inclusive (local date)"),
        Column("coupon_id", "str", "coupon batch identifier"),
        Column("kind", "str", "function of the coupon", allowed=("no_threshold", "threshold", "shipping")),
        Column("face_value", "float", "discount per coupon, in `currency`", low=0.01),
        Column("min_order", "float", "minimum gross order amount to use it, in `currency` (0 = none)", low=0),
        Column("stackable", "bool", "can be combined with another coupon on one order"),
        Column("channel", "str", "collected by the user, or pushed to them", allowed=("collected", "pushed")),
        Column("place", "str", "where it was offered (coupon_centre, merchant_page, app_push, ...)"),
        Column("time_slot", "str", "release slot, e.g. `12-14` (hours, local time) or `all_day`"),
        Column("issued_qty", "int", "coupons issued (the quota of the batch)", low=1),
        Column("currency", "str", "ISO currency of every amount of the campaign"),
    ),
    unique=("coupon_id",),
))

COUPON_EVENTS = register(Schema(
    name="coupon_events",
    description="One row per coupon instance a customer holds: when collected, and when and on which order used.",
    columns=(
        Column("coupon_id", "str", "coupon batch (a `coupon_id` of the campaigns table)"),
        Column("customer_id", "str", "who holds it (pseudonymised before display)"),
        Column("collected_at", "datetime", "when it was collected or pushed (local time)"),
        Column("used_at", "datetime", "when it was used (local time); empty if unused", nullable=True),
        Column("order_id", "str", "order it was used on; empty if unused", nullable=True),
    ),
))

COUPON_ORDERS = register(Schema(
    name="coupon_orders",
    description="Every order of the campaign's audience from the pre-period (`pre_days` before the start) to the "
                "end of the post-period (`post_days` after the end), with or without coupons.",
    columns=(
        Column("order_id", "str", "order identifier"),
        Column("customer_id", "str", "who ordered (pseudonymised before display)"),
        Column("ordered_at", "datetime", "when the order was placed (local time)"),
        Column("gross_amount", "float", "order amount before discounts, in the campaign's currency"),
        Column("discount_amount", "float", "discount on the order (coupons), same currency"),
        Column("paid_amount", "float", "amount paid by the customer, same currency"),
        Column("status", "str", "final status of the order", allowed=("paid", "cancelled", "refunded")),
        Column("new_buyer", "bool", "true if the customer had never bought before this order"),
    ),
    unique=("order_id",),
    optional=(Column("currency", "str", "ISO currency; if given it must be the campaign's"),),
))

COUPON_AUDIENCE = register(Schema(
    name="coupon_audience",
    description="Customers eligible for a campaign, randomly split into targeted and holdout (not targeted).",
    columns=(
        Column("campaign_id", "str", "campaign identifier"),
        Column("customer_id", "str", "eligible customer (pseudonymised before display)"),
        Column("group", "str", "targeted with the coupons, or randomly held out", allowed=("targeted", "holdout")),
    ),
    unique=("campaign_id", "customer_id"),
    optional=(Column("never_bought", "bool", "true if the customer had never bought before the campaign "
                     "(if absent: no order in the pre-period)"),),
))

COUPON_TRUTH = register(Schema(
    name="coupon_truth",
    description="SYNTHETIC ONLY: the true incremental effect of each simulated campaign on its targeted customers.",
    columns=(
        Column("campaign_id", "str", "campaign identifier"),
        Column("true_incremental_paid", "float", "net paid amount caused by the coupons (campaign and post "
               "window), in `currency`"),
        Column("true_incremental_gross", "float", "net gross order amount caused by the coupons, in `currency`"),
        Column("true_incremental_paid_in_window", "float", "paid amount caused in the campaign window"),
        Column("true_incremental_paid_post", "float", "paid amount caused in the post window (negative: "
               "pull-forward)"),
        Column("true_incremental_new_buyers", "float", "targeted never-bought customers who bought because "
               "of the coupons"),
        Column("currency", "str", "ISO currency"),
    ),
    unique=("campaign_id",),
))

PAST_CAMPAIGNS = register(Schema(
    name="past_campaigns",
    description="Attributional and incremental coupon ROI of finished campaigns, one row per campaign (input of "
                "notebook 03).",
    columns=(
        Column("campaign_id", "str", "campaign identifier"),
        Column("activity_type", "str", "kind of activity", allowed=COUPON_ACTIVITY_TYPES),
        Column("level", "str", "promotion level", allowed=COUPON_LEVELS),
        Column("start", "date", "first day (local date)"),
        Column("end", "date", "last day, inclusive (local date)"),
        Column("coupon_cost", "float", "face value of coupons used on orders that stayed paid, in `currency`",
               low=0),
        Column("coupon_payment_amount", "float", "paid amount of orders that stayed paid and used a coupon, "
               "in `currency`", low=0),
        Column("roi", "float", "coupon_payment_amount / coupon_cost (attributional)"),
        Column("currency", "str", "ISO currency"),
        Column("incremental_roi", "float", "net incremental paid amount (targeted vs holdout, campaign and "
               "post window) / coupon_cost"),
        Column("incremental_roi_low", "float", "lower bound of the incremental_roi interval (95% bootstrap)"),
        Column("incremental_roi_high", "float", "upper bound of the incremental_roi interval (95% bootstrap)"),
        Column("redemption_rate", "float", "coupons used on orders that stayed paid / coupons issued, share",
               low=0, high=1),
    ),
    unique=("campaign_id",),
))
