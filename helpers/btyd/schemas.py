"""Table schemas of the BTYD tools (the contract engine is :mod:`helpers.contracts`)."""

from __future__ import annotations

from helpers.contracts import Column, Schema, register

TRANSACTIONS = register(Schema(
    name="transactions",
    description="One row per purchase: who, when, how much.",
    columns=(
        Column("customer_id", "str", "customer identifier (pseudonymised before display)"),
        Column("date", "datetime", "purchase date or time"),
        Column("amount", "float", "purchase value in the table's currency (USD for CDNOW); "
               "<= 0 = a return or zero-value line, handled by the `returns` parameter"),
    ),
    optional=(
        Column("quantity", "int", "items in the purchase (CDs for CDNOW)", low=0),
        Column("order_id", "str", "order the line belongs to"),
    ),
))
