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

COMPANIES = register(Schema(
    name="companies",
    description="One row per company: the currency it reports in and the one it mostly earns in.",
    columns=(
        Column("company", "str", "company as in the filings file"),
        Column("entity", "str", "legal entity"),
        Column("reporting_currency", "str", "ISO code of the currency of its filings", allowed=CURRENCIES),
        Column("operating_currency", "str", "ISO code of the currency most of its revenue is earned in; "
               "empty when there is no single one (no constant-currency growth then)",
               allowed=CURRENCIES, nullable=True),
        Column("source", "str", "where the currencies are stated"),
        Column("status", "str", "verification label of the operating currency", allowed=REVENUE_STATUSES),
        Column("note", "str", "caveats", nullable=True),
    ),
    optional=(Column("also_earns_in", "str", "other currencies it earns in that no filing read splits its "
                     "revenue by (';'-separated ISO codes); constant-currency growth names them as treated "
                     "as the operating currency", nullable=True),),
    unique=("company",),
))

EVENT_KINDS = ("acquisition", "disposal", "recast")

CORPORATE_EVENTS = register(Schema(
    name="corporate_events",
    description="Acquisitions, disposals and recasts that break the comparability of a company's lines; "
                "one row per event and period for which the acquired (or disposed) revenue is given or sought.",
    columns=(
        Column("event_id", "str", "short id of the event (rows of one event share it)"),
        Column("company", "str", "company as in the filings file"),
        Column("kind", "str", "what happened", allowed=EVENT_KINDS),
        Column("description", "str", "what was acquired, disposed of or recast"),
        Column("announced", "str", "month of the announcement or filing, YYYY-MM"),
        Column("first_fiscal_year", "int", "first fiscal year whose figures include the acquired business "
               "(acquisition), exclude the disposed one (disposal) or are restated (recast)", low=1990, high=2100),
        Column("lines_affected", "str", "filings lines (any breakdown) that contain the business, separated by ';'"),
        Column("fiscal_year", "int", "year of the revenue figure on this row", low=1990, high=2100, nullable=True),
        Column("period", "str", "period of the revenue figure", allowed=("FY", "H1", "9M", "Q1", "Q2", "Q3", "Q4"),
               nullable=True),
        Column("acquired_revenue", "float", "revenue of the acquired business in the months of that period "
               "that have no prior-year counterpart (the whole period in its first year; the months before the "
               "consolidation month in the second), in `unit` of `currency`; empty when no filing gives it",
               low=0, nullable=True),
        Column("currency", "str", "ISO code of `acquired_revenue`", allowed=CURRENCIES, nullable=True),
        Column("unit", "str", "scale of `acquired_revenue`", allowed=REVENUE_UNITS, nullable=True),
        Column("source", "str", "filing or report that gives the event and the figure"),
        Column("status", "str", "verification label of the revenue figure", allowed=REVENUE_STATUSES),
        Column("date_status", "str", "verification label of `announced` (and `consolidated`)",
               allowed=REVENUE_STATUSES),
        Column("note", "str", "caveats", nullable=True),
    ),
    optional=(
        Column("consolidated", "str", "first month whose figures include the business, YYYY-MM (in "
               "`first_fiscal_year`); empty when unknown (the second year is then flagged)", nullable=True),
        Column("earns_in", "str", "currencies the acquired business earns in (';'-separated); when the "
               "acquirer's operating currency is not among them, its revenue is left unrestated in "
               "constant-currency growth", nullable=True),
    ),
    unique=("event_id", "fiscal_year", "period"),
))
