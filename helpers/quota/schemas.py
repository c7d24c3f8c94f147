"""Table schemas of the quota domain (the contract engine is :mod:`helpers.contracts`)."""

from __future__ import annotations

from helpers.contracts import Column, Schema, register

QUOTA_SALES_HISTORY = register(Schema(
    name="quota_sales_history",
    description="Sales of one category or store per period (day, or month start), with promotions.",
    columns=(
        Column("date", "date", "the day, or the first day of the month (freq='MS')"),
        Column("sales", "float", "paid sales of the period, in `currency`", low=0),
        Column("currency", "str", "ISO code of every money column (one per file)"),
    ),
    optional=(
        Column("promo_level", "str", "promotion level that period, empty if none", nullable=True,
               allowed=("S+", "S", "A+", "A")),
        Column("holiday", "bool", "public holiday (recurs on the same date every year)"),
        Column("orders", "int", "number of orders", low=0),
        Column("coupon_spend", "float", "coupon amount redeemed, in `currency`", low=0),
    ),
    unique=("date",),
))
