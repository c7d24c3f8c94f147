"""Table schemas of the membership domain (the contract engine is :mod:`helpers.contracts`)."""

from __future__ import annotations

from helpers.contracts import Column, Schema, register

#: Currency of the panel's money columns.
CURRENCY = "KRW"

MEMBERSHIP_PANEL = register(Schema(
    name="membership_panel",
    description=("One row per customer and calendar month: membership status, orders and spend. "
                 "One row per (customer_id, month). A membership spell runs from join_month up to "
                 "the month before leave_month (optional column; empty or absent = still a "
                 "member): member = join_month <= month < leave_month. One spell per customer."),
    columns=(
        Column("customer_id", "str", "customer identifier (pseudonymised before display)"),
        Column("month", "date", "calendar month (any day of it; read as the month start)"),
        Column("member", "bool", "paid member in this month (true/false)"),
        Column("orders", "int", "orders placed in the month", low=0),
        Column("spend", "float", "value of those orders, KRW", low=0),
        Column("join_month", "date", "month the customer became a member; empty if never",
               nullable=True),
    ),
    optional=(
        Column("leave_month", "date", "first month the customer is no longer a member "
               "(cancelled); empty if still a member", nullable=True),
    ),
))
