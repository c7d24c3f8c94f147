"""Table schemas of the cadence domain (the contract engine is :mod:`helpers.contracts`)."""

from __future__ import annotations

from helpers.contracts import Column, Schema, register

CADENCE_MESSAGES = register(Schema(
    name="cadence_messages",
    description="One row per coupon message a platform sent to a customer.",
    columns=(
        Column("customer_id", "str", "customer identifier (pseudonymised before display)"),
        Column("sent_at", "datetime_tz", "send time with its UTC offset, e.g. 2024-03-04T12:31:00+09:00"),
        Column("channel", "str", "delivery channel, e.g. lms, push, kakao, email"),
        Column("coupon_amount", "float", "coupon value in the log's currency (parameter `currency`)", low=0),
        Column("min_order", "float", "minimum order value for the coupon, same currency; 0 = no threshold",
               low=0),
        Column("valid_days", "int", "days the coupon stays valid", low=0, high=366),
        Column("consent_night", "bool", "customer opted in to advertising between the quiet hours"),
    ),
))

CADENCE_EVENTS = register(Schema(
    name="cadence_events",
    description="One row per customer lifecycle event: sign-up, cart add, purchase.",
    columns=(
        Column("customer_id", "str", "customer identifier (pseudonymised before display)"),
        Column("event", "str", "what the customer did", allowed=("signup", "cart_add", "purchase")),
        Column("at", "datetime_tz", "event time with its UTC offset"),
    ),
))

CADENCE_QUIET_RULES = register(Schema(
    name="cadence_quiet_rules",
    description="One row per delivery channel: whether the night-advertising rule covers it, and its window.",
    columns=(
        Column("channel", "str", "delivery channel as written in the message log, e.g. lms, push, email"),
        Column("night_rule", "bool", "true: advertising on this channel in the window needs night consent"),
        Column("start", "str", "window start, local clock time HH:MM, e.g. 21:00"),
        Column("end", "str", "window end, local clock time HH:MM, e.g. 08:00 (the window may wrap midnight)"),
        Column("start_inclusive", "bool", "true: a send at exactly the start time is inside the window"),
        Column("end_inclusive", "bool", "true: a send at exactly the end time is inside the window"),
        Column("source", "str", "where the rule comes from (law, article, guide)"),
    ),
))

CADENCE_CONSENT = register(Schema(
    name="cadence_consent",
    description="One row per consent event: a customer gives or withdraws night-advertising consent.",
    columns=(
        Column("customer_id", "str", "customer identifier (pseudonymised before display)"),
        Column("channel", "str", "channel the consent is for, or 'all' for every channel"),
        Column("event", "str", "what happened", allowed=("given", "withdrawn")),
        Column("at", "datetime_tz", "event time with its UTC offset"),
    ),
))
