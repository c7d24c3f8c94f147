"""Table contracts of notebook 07 (the event log is notebook 06's ``segment_events``)."""

from __future__ import annotations

from helpers.contracts import Column, Schema, register
from helpers.segments.schemas import EVENT_KINDS, EVENTS

__all__ = ["CONSENT", "EVENTS", "EVENT_KINDS", "PRODUCTS_TRUTH", "RECOMMENDATIONS", "SHOPPERS_TRUTH"]

CONSENT = register(Schema(
    name="recommend_consent",
    description="Consent to personalisation: one row per change (given or withdrawn) per shopper; the latest "
                "change before the split decides. A shopper with no row has not consented.",
    columns=(
        Column("customer_id", "str", "shopper identifier"),
        Column("status", "str", "the change", allowed=("given", "withdrawn")),
        Column("date", "date", "day of the change, ISO"),
    ),
    unique=("customer_id", "date"),
))
SHOPPERS_TRUTH = register(Schema(
    name="recommend_truth",
    description="Synthetic data only: each shopper's planted tastes (two favourite categories and a price tier).",
    columns=(
        Column("customer_id", "str", "shopper identifier"),
        Column("category_1", "str", "first favourite category"),
        Column("category_2", "str", "second favourite category"),
        Column("share_1", "float", "share of the favourite-category taste on category_1", low=0, high=1),
        Column("focus", "float", "share of the taste on the two favourites (the rest spread evenly)",
               low=0, high=1),
        Column("price_tier", "int", "price tier the shopper buys in: 0 low, 1 mid, 2 high", low=0, high=2),
    ),
    unique=("customer_id",),
))
PRODUCTS_TRUTH = register(Schema(
    name="recommend_products",
    description="Synthetic data only: each product's category, price tier and planted appeal.",
    columns=(
        Column("product_id", "str", "product identifier"),
        Column("category", "str", "product category"),
        Column("price_tier", "int", "0 low, 1 mid, 2 high", low=0, high=2),
        Column("appeal", "float", "planted appeal (skewed: a few products very popular)", low=0),
    ),
    unique=("product_id",),
))
RECOMMENDATIONS = register(Schema(
    name="recommend_lists",
    description="Recommendation lists for sending (real customer ids; written only to output_path).",
    columns=(
        Column("customer_id", "str", "shopper identifier (real: this file is not a report)"),
        Column("block", "str", "recommended_for_you, or segment_best_sellers without consent or history"),
        Column("rank", "int", "1 = first", low=1),
        Column("product_id", "str", "recommended product"),
    ),
    unique=("customer_id", "rank"),
))
