"""Table schemas of the revenue domain (the contract engine is :mod:`helpers.contracts`)."""

from __future__ import annotations

from helpers.constants import CURRENCIES
from helpers.contracts import Column, Schema, register

#: Verification labels of the filing figures (defined in data/raw/SOURCES.md), strongest first.
REVENUE_STATUSES = ("VERIFIED-2", "VERIFIED-1", "CHECK-ROUNDED", "DERIVED", "SECONDARY", "UNVERIFIED")
REVENUE_UNITS = ("one", "thousand", "million", "billion", "trillion")

FILINGS = register(Schema(
    name="filings",
    description="Revenue figures from company filings, tidy: one row per figure.",
    columns=(
        Column("company", "str", "short company name; result keys use its slug (Coupang Corp -> coupang_corp)"),
        Column("entity", "str", "legal entity that reported the figure"),
        Column("fiscal_year", "int", "fiscal year the period ends in", low=1990, high=2100),
        Column("period", "str", "FY = full year; 9M, H1 = year to date; Q1..Q4 = one quarter",
               allowed=("FY", "H1", "9M", "Q1", "Q2", "Q3", "Q4")),
        Column("breakdown", "str", "type = revenue by type; segment = reportable segments; "
               "total = reported total (used to reconcile)", allowed=("type", "segment", "total")),
        Column("line", "str", "revenue line as named in the filing"),
        Column("amount", "float", "reported amount, in `unit` of `currency`; revenue, never negative", low=0),
        Column("currency", "str", "ISO code of the reporting currency", allowed=CURRENCIES),
        Column("unit", "str", "scale of `amount`", allowed=REVENUE_UNITS),
        Column("source", "str", "where the figure comes from"),
        Column("status", "str", "verification label (strongest first)", allowed=REVENUE_STATUSES),
        Column("note", "str", "formula for DERIVED rows, caveats", nullable=True),
    ),
    unique=("company", "fiscal_year", "period", "breakdown", "line"),
))

LINE_MAPPING = register(Schema(
    name="line_mapping",
    description="An analyst's choice: which comparable category each company's revenue line belongs to.",
    columns=(
        Column("company", "str", "company as in the filings file"),
        Column("line", "str", "line as in the filings file"),
        Column("category", "str", "comparable category, lower-case snake_case "
               "(e.g. retail_1p, marketplace_services, advertising, membership_other, cloud)"),
    ),
    optional=(Column("note", "str", "why the line is in that category", nullable=True),),
    unique=("company", "line"),
))

FX_RATES = register(Schema(
    name="fx_rates",
    description="Annual average exchange rates: units of `currency` per 1 USD.",
    columns=(
        Column("year", "int", "calendar year of the average", low=1990, high=2100),
        Column("currency", "str", "ISO code of the quoted currency (USD itself needs no row)", allowed=tuple(c for c in CURRENCIES if c != "USD")),
        Column("per_usd", "float", "annual average units of `currency` per 1 USD", low=1e-9),
        Column("source", "str", "rate source (series, release)"),
        Column("status", "str", "verification label", allowed=REVENUE_STATUSES),
        Column("note", "str", "derivation, caveats", nullable=True),
    ),
    unique=("year", "currency"),
))
