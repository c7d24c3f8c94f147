"""Table schemas of the segments domain (the contract engine is :mod:`helpers.contracts`)."""

from __future__ import annotations

from helpers.btyd.schemas import TRANSACTIONS  # noqa: F401  (moved to helpers.btyd)
from helpers.contracts import Column, Schema, register

#: Kinds of event in a shopper log.
EVENT_KINDS = ("view", "cart_add", "purchase")

EVENTS = register(Schema(
    name="segment_events",
    description="Shopper event log (synthetic in data/synthetic/segments_events.csv): one row per "
                "view, cart add or purchased product.",
    columns=(
        Column("event_time", "datetime", "when, ISO 8601 local time (YYYY-MM-DDTHH:MM:SS)"),
        Column("customer_id", "str", "shopper identifier (pseudonymised before display)"),
        Column("event", "str", "what happened", allowed=EVENT_KINDS),
        Column("product_id", "str", "product identifier"),
        Column("category", "str", "product category"),
        Column("order_id", "str", "order of a purchase; empty for views and cart adds", nullable=True),
        Column("price", "float", "unit price in USD", low=0),
    ),
))
PLANTED_PAIRS = register(Schema(
    name="segment_planted_pairs",
    description="Ground truth of the synthetic event log: product pairs planted with a known lift.",
    columns=(
        Column("product_a", "str", "first product of the pair"),
        Column("product_b", "str", "second product (product_a < product_b)"),
        Column("design_lift", "float", "lift over all generated baskets", low=0),
        Column("lift", "float", "lift expected among orders (non-empty baskets)", low=0),
    ),
    unique=("product_a", "product_b"),
))
