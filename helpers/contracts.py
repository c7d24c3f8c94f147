"""Data contracts: one place declares every table's columns; loaders validate on the way in.

Two kinds of check live here:

* **Parameters** (``require_*``): each notebook's first cell after its parameters calls its
  domain's ``validate_parameters``, built from these; errors name the parameter, the value and
  what is allowed. Exact matches only (no prefix guessing).
* **Tables** (:class:`Schema`, :func:`validate`, :func:`load_csv`): each table's columns, dtypes,
  allowed values and ranges are declared once, below, in a section per domain. Errors name the
  file, the column, the first offending rows (as 1-based CSV line numbers) and their values.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers.config import resolve_path

MAX_LISTED = 5


class ParameterError(ValueError):
    """A notebook parameter has a value that is not allowed."""


class DataContractError(ValueError):
    """A table does not follow its declared contract."""


# ---------------------------------------------------------------------------------------------
# Parameter checks
# ---------------------------------------------------------------------------------------------


def require_choice(name: str, value: Any, allowed: Iterable[Any]) -> Any:
    """Return ``value`` if it is exactly one of ``allowed``.

    Examples
    --------
    >>> require_choice("currency", "USD", ["USD", "KRW"])
    'USD'
    """
    allowed = list(allowed)
    if value not in allowed:
        raise ParameterError(f"parameter {name!r} = {value!r} is not allowed; choose one of {allowed}")
    return value


def require_subset(name: str, values: Iterable[Any], allowed: Iterable[Any]) -> list[Any]:
    """Return ``values`` as a list if every element is in ``allowed``."""
    if isinstance(values, (str, bytes)):
        raise ParameterError(f"parameter {name!r} must be a list, got the string {values!r}")
    values = list(values)
    allowed = list(allowed)
    bad = [v for v in values if v not in allowed]
    if bad:
        raise ParameterError(f"parameter {name!r} has {bad!r}, which are not allowed; choose from {allowed}")
    return values


def require_number(name: str, value: Any, *, low: float | None = None, high: float | None = None,
                   low_inclusive: bool = True, high_inclusive: bool = True,
                   integer: bool = False) -> float | int:
    """Return ``value`` if it is a finite number within the given bounds.

    Examples
    --------
    >>> require_number("gross_margin", 0.19, low=0, high=1)
    0.19
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ParameterError(f"parameter {name!r} = {value!r} must be a number")
    if integer and not float(value).is_integer():
        raise ParameterError(f"parameter {name!r} = {value!r} must be a whole number")
    if not math.isfinite(float(value)):
        raise ParameterError(f"parameter {name!r} = {value!r} must be finite")
    lo_ok = low is None or (value >= low if low_inclusive else value > low)
    hi_ok = high is None or (value <= high if high_inclusive else value < high)
    if not (lo_ok and hi_ok):
        lo_txt = "" if low is None else f"{'>=' if low_inclusive else '>'} {low}"
        hi_txt = "" if high is None else f"{'<=' if high_inclusive else '<'} {high}"
        rule = " and ".join(t for t in (lo_txt, hi_txt) if t)
        raise ParameterError(f"parameter {name!r} = {value!r} is out of range; it must be {rule}")
    return int(value) if integer else value


def require_file(name: str, path: str | Path) -> Path:
    """Resolve a path parameter (relative to the project root) and check the file exists."""
    if not isinstance(path, (str, Path)) or str(path) == "":
        raise ParameterError(f"parameter {name!r} must be a file path, got {path!r}")
    resolved = resolve_path(path)
    if not resolved.is_file():
        raise ParameterError(f"parameter {name!r}: file {str(path)!r} not found (looked at {resolved})")
    return resolved


def require_weights(name: str, weights: Mapping[str, float], *, tol: float = 1e-6,
                    keys: Iterable[str] | None = None) -> dict[str, float]:
    """Return ``weights`` if they are non-negative and sum to 1 (within ``tol``).

    Examples
    --------
    >>> require_weights("level_weights", {"S": 0.6, "A": 0.4})
    {'S': 0.6, 'A': 0.4}
    """
    if not isinstance(weights, Mapping) or not weights:
        raise ParameterError(f"parameter {name!r} must be a non-empty mapping of weights, got {weights!r}")
    if keys is not None:
        keys = list(keys)
        unknown = [k for k in weights if k not in keys]
        if unknown:
            raise ParameterError(f"parameter {name!r} has keys {unknown!r}; allowed keys are {keys}")
    for k, w in weights.items():
        require_number(f"{name}[{k!r}]", w, low=0)
    total = float(sum(weights.values()))
    if abs(total - 1.0) > tol:
        raise ParameterError(f"parameter {name!r} weights sum to {total:g}; they must sum to 1")
    return dict(weights)


def require_date(name: str, value: Any) -> pd.Timestamp:
    """Parse an ISO date parameter (``"2024-12-31"``, optionally with a time) or raise naming it.

    Only ISO 8601 is accepted: ``"June"`` or ``"31/12/2024"`` would be guessed by pandas.
    """
    if not isinstance(value, (str, pd.Timestamp)) or (
            isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ][0-9:.+\-Z]*)?", value.strip())):
        raise ParameterError(f"parameter {name!r} = {value!r} is not an ISO date like '2024-12-31'")
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise ParameterError(f"parameter {name!r} = {value!r} is not an ISO date like '2024-12-31'") from exc
    if pd.isna(ts):
        raise ParameterError(f"parameter {name!r} = {value!r} is not an ISO date like '2024-12-31'")
    return ts


# ---------------------------------------------------------------------------------------------
# Table contracts
# ---------------------------------------------------------------------------------------------

KINDS = ("str", "int", "float", "bool", "date", "datetime", "datetime_tz")


@dataclass(frozen=True)
class Column:
    """One column of a table contract.

    ``kind`` is one of ``str, int, float, bool, date, datetime, datetime_tz`` (timezone-aware).
    ``low``/``high`` are inclusive bounds for numbers; ``allowed`` lists the exact valid values.
    """

    name: str
    kind: str
    description: str = ""
    nullable: bool = False
    allowed: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.name!r}: kind {self.kind!r} is not one of {KINDS}")


@dataclass(frozen=True)
class Schema:
    """A table contract: its columns and the columns that must be unique together."""

    name: str
    columns: tuple[Column, ...]
    unique: tuple[str, ...] = ()
    description: str = ""
    optional: tuple[Column, ...] = field(default_factory=tuple)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def to_markdown(self) -> str:
        """The contract as a Markdown table, for notebooks and the README."""
        lines = ["| column | type | required | allowed / range | meaning |", "|---|---|---|---|---|"]
        for col, req in [(c, "yes") for c in self.columns] + [(c, "no") for c in self.optional]:
            rule = ""
            if col.allowed is not None:
                rule = ", ".join(map(str, col.allowed))
            elif col.low is not None or col.high is not None:
                rule = f"{'' if col.low is None else col.low} … {'' if col.high is None else col.high}"
            null = " (may be empty)" if col.nullable else ""
            lines.append(f"| `{col.name}` | {col.kind}{null} | {req} | {rule} | {col.description} |")
        if self.unique:
            lines.append(f"\nOne row per ({', '.join(self.unique)}).")
        return "\n".join(lines)


def _rows(mask: pd.Series | np.ndarray, frame: pd.DataFrame, offset: int) -> str:
    idx = np.flatnonzero(np.asarray(mask))
    shown = ", ".join(str(i + offset) for i in idx[:MAX_LISTED])
    more = f" and {len(idx) - MAX_LISTED} more" if len(idx) > MAX_LISTED else ""
    return f"{len(idx)} row(s) ({'line' if offset == 2 else 'row'} {shown}{more})"


def _values(series: pd.Series, mask: pd.Series | np.ndarray) -> str:
    vals = pd.Series(series.to_numpy()[np.asarray(mask)]).drop_duplicates().head(MAX_LISTED)
    return ", ".join(repr(v) for v in vals.tolist())


BOOL_TEXT = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False,
             "t": True, "f": False, "y": True, "n": False}


def _coerce(series: pd.Series, col: Column, where: str, frame: pd.DataFrame, offset: int,
            tz: str | None) -> pd.Series:
    present = series.notna()
    if col.kind == "str":
        return series.where(~present, series.astype(str).str.strip()).astype("object")
    if col.kind in ("int", "float"):
        out = pd.to_numeric(series, errors="coerce")
        bad = present & out.isna()
        if bad.any():
            raise DataContractError(f"{where}: column {col.name!r} must be numeric; "
                                    f"{_rows(bad, frame, offset)} have {_values(series, bad)}")
        if col.kind == "int":
            frac = present & (out % 1 != 0)
            if frac.any():
                raise DataContractError(f"{where}: column {col.name!r} must hold whole numbers; "
                                        f"{_rows(frac, frame, offset)} have {_values(series, frac)}")
            return out.astype("Int64") if col.nullable else out.astype("int64")
        return out.astype("float64")
    if col.kind == "bool":
        if pd.api.types.is_bool_dtype(series):
            return series
        mapped = series.map(lambda v: v if isinstance(v, (bool, np.bool_)) else BOOL_TEXT.get(str(v).strip().lower()))
        bad = present & mapped.isna()
        if bad.any():
            raise DataContractError(f"{where}: column {col.name!r} must be true/false; "
                                    f"{_rows(bad, frame, offset)} have {_values(series, bad)}")
        return mapped.astype("boolean") if col.nullable else mapped.astype(bool)
    # dates and datetimes
    if col.kind == "datetime_tz" and isinstance(series.dtype, pd.DatetimeTZDtype):
        return series
    try:
        parsed = pd.to_datetime(series, errors="coerce", format="ISO8601", utc=False)
    except (ValueError, TypeError):
        # mixed offsets: parse each value, keep awareness per value
        parsed = series.map(lambda v: pd.Timestamp(v) if pd.notna(v) else pd.NaT)
    bad = present & pd.isna(parsed)
    if bad.any():
        raise DataContractError(f"{where}: column {col.name!r} must be an ISO date/time; "
                                f"{_rows(bad, frame, offset)} have {_values(series, bad)}")
    if col.kind == "datetime_tz":
        if parsed.dtype == object:  # mixed offsets -> normalise to UTC
            aware = parsed.map(lambda t: t.tzinfo is not None if pd.notna(t) else True)
            if not aware.all():
                if tz is None:
                    raise DataContractError(
                        f"{where}: column {col.name!r} mixes timestamps with and without a timezone; "
                        f"{_rows(~aware, frame, offset)} have no offset")
                parsed = parsed.map(lambda t: t if pd.isna(t) or t.tzinfo else t.tz_localize(tz))
            parsed = pd.to_datetime(parsed, utc=True)
        elif not isinstance(parsed.dtype, pd.DatetimeTZDtype):
            if tz is None:
                raise DataContractError(
                    f"{where}: column {col.name!r} has timestamps without a timezone; give them an "
                    "offset (e.g. 2024-03-04T12:30:00+09:00) or pass the timezone parameter to say "
                    "how to read them")
            parsed = parsed.dt.tz_localize(tz)
        return parsed
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_localize(None)
    return parsed.dt.normalize() if col.kind == "date" else parsed


def validate(df: pd.DataFrame, schema: Schema, *, source: str = "<table>", tz: str | None = None,
             csv_lines: bool = False) -> pd.DataFrame:
    """Check ``df`` against ``schema`` and return a copy with declared dtypes.

    Parameters
    ----------
    df : DataFrame
        The table to check.
    schema : Schema
        Its contract.
    source : str
        Where it came from (a file path), named in every error.
    tz : str, optional
        How to read naive timestamps in ``datetime_tz`` columns (e.g. ``"Asia/Seoul"``);
        without it, naive timestamps there are an error.
    csv_lines : bool
        Report offending rows as CSV line numbers (header = line 1) instead of 0-based rows.

    Raises
    ------
    DataContractError
        Naming the source, the column or rule, the offending rows and values.
    """
    offset = 2 if csv_lines else 0
    where = f"{source} ({schema.name})"
    if not isinstance(df, pd.DataFrame):
        raise DataContractError(f"{where}: expected a table, got {type(df).__name__}")
    missing = [c for c in schema.names if c not in df.columns]
    if missing:
        raise DataContractError(f"{where}: missing required column(s) {missing}; "
                                f"the file has {list(map(str, df.columns))}")
    if df.empty:
        raise DataContractError(f"{where}: the table has no rows")
    out = df.copy()
    for col in list(schema.columns) + [c for c in schema.optional if c.name in df.columns]:
        series = out[col.name]
        nulls = series.isna() | (series.astype(str).str.strip() == "") if series.dtype == object else series.isna()
        if not col.nullable and nulls.any():
            raise DataContractError(f"{where}: column {col.name!r} has empty values in {_rows(nulls, out, offset)}")
        series = series.where(~nulls, None) if series.dtype == object else series
        out[col.name] = _coerce(series, col, where, out, offset, tz)
        values = out[col.name]
        present = values.notna()
        if col.allowed is not None:
            bad = present & ~values.isin(list(col.allowed))
            if bad.any():
                raise DataContractError(f"{where}: column {col.name!r} allows only {list(col.allowed)}; "
                                        f"{_rows(bad, out, offset)} have {_values(values, bad)}")
        if col.low is not None:
            bad = present & (values < col.low)
            if bad.any():
                raise DataContractError(f"{where}: column {col.name!r} must be >= {col.low}; "
                                        f"{_rows(bad, out, offset)} have {_values(values, bad)}")
        if col.high is not None:
            bad = present & (values > col.high)
            if bad.any():
                raise DataContractError(f"{where}: column {col.name!r} must be <= {col.high}; "
                                        f"{_rows(bad, out, offset)} have {_values(values, bad)}")
    if schema.unique:
        dup = out.duplicated(list(schema.unique), keep=False)
        if dup.any():
            example = out.loc[dup, list(schema.unique)].head(MAX_LISTED).to_dict("records")
            raise DataContractError(f"{where}: duplicate ({', '.join(schema.unique)}) in "
                                    f"{_rows(dup, out, offset)}, e.g. {example}")
    return out


def load_csv(path: str | Path, schema: Schema, *, tz: str | None = None,
             param: str | None = None) -> pd.DataFrame:
    """Read a CSV file and validate it against ``schema``.

    Relative paths are read against the project root. ``param`` names the notebook parameter
    that gave the path, so a missing file is reported against it.

    Raises
    ------
    ParameterError
        If the file does not exist.
    DataContractError
        If it cannot be parsed or breaks the contract (see :func:`validate`).
    """
    resolved = require_file(param or "path", path)
    try:
        df = pd.read_csv(resolved, dtype=str, keep_default_na=True, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataContractError(f"{path}: cannot be read as CSV ({exc})") from exc
    return validate(df, schema, source=str(path), tz=tz, csv_lines=True)


def require_columns(df: pd.DataFrame, columns: Sequence[str], *, source: str = "<table>") -> None:
    """Raise :class:`DataContractError` if any of ``columns`` is missing from ``df``."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataContractError(f"{source}: missing required column(s) {missing}; "
                                f"it has {list(map(str, df.columns))}")


# =============================================================================================
# Table contracts, one section per domain. Edit only your domain's section.
# =============================================================================================

SCHEMAS: dict[str, Schema] = {}


def register(schema: Schema) -> Schema:
    """Add a schema to :data:`SCHEMAS` (names must be unique) and return it."""
    if schema.name in SCHEMAS:
        raise ValueError(f"schema {schema.name!r} is declared twice")
    SCHEMAS[schema.name] = schema
    return schema


# --- revenue (notebook 01) -------------------------------------------------------------------
#: Verification labels of /work/shared/research/financials.md, strongest first.
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
        Column("currency", "str", "ISO code of the reporting currency", allowed=("USD", "KRW")),
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
        Column("currency", "str", "ISO code of the quoted currency (USD itself needs no row)", allowed=("KRW",)),
        Column("per_usd", "float", "annual average units of `currency` per 1 USD", low=1e-9),
        Column("source", "str", "rate source (series, release)"),
        Column("status", "str", "verification label", allowed=REVENUE_STATUSES),
        Column("note", "str", "derivation, caveats", nullable=True),
    ),
    unique=("year", "currency"),
))
# --- end revenue ---

# --- coupons (notebook 02) -------------------------------------------------------------------
COUPON_ACTIVITY_TYPES = ("coupon_festival", "category_week", "new_buyer_push")
COUPON_LEVELS = ("S+", "S", "A+", "A")

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
    description="Every order of the campaign's audience in the campaign window, with or without coupons.",
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
))

COUPON_TRUTH = register(Schema(
    name="coupon_truth",
    description="SYNTHETIC ONLY: the true incremental effect of each simulated campaign on its targeted customers.",
    columns=(
        Column("campaign_id", "str", "campaign identifier"),
        Column("true_incremental_paid", "float", "paid amount caused by the coupons, in `currency`"),
        Column("true_incremental_gross", "float", "gross order amount caused by the coupons, in `currency`"),
        Column("currency", "str", "ISO currency"),
    ),
    unique=("campaign_id",),
))

PAST_CAMPAIGNS = register(Schema(
    name="past_campaigns",
    description="Attributional coupon ROI of finished campaigns, one row per campaign (input of notebook 03).",
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
        Column("roi", "float", "coupon_payment_amount / coupon_cost"),
        Column("currency", "str", "ISO currency"),
    ),
    unique=("campaign_id",),
))
# --- end coupons ---

# --- quota (notebook 03) ---------------------------------------------------------------------
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
# --- end quota ---

# --- membership (notebook 04) ----------------------------------------------------------------
MEMBERSHIP_PANEL = register(Schema(
    name="membership_panel",
    description=("One row per customer and calendar month: membership status, orders and spend. "
                 "One row per (customer_id, month); membership runs from join_month on "
                 "(member = month >= join_month); cancellations are out of scope."),
    columns=(
        Column("customer_id", "str", "customer identifier (pseudonymised before display)"),
        Column("month", "date", "calendar month (any day of it; read as the month start)"),
        Column("member", "bool", "paid member in this month (true/false)"),
        Column("orders", "int", "orders placed in the month", low=0),
        Column("spend", "float", "value of those orders, KRW", low=0),
        Column("join_month", "date", "month the customer became a member; empty if never",
               nullable=True),
    ),
))
# --- end membership ---

# --- cadence (notebook 05) -------------------------------------------------------------------
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
# --- end cadence ---

# --- transactions and segments (notebooks 04, 06) --------------------------------------------
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
EVENTS = register(Schema(
    name="segment_events",
    description="Shopper event log (synthetic in data/synthetic/segments_events.csv): one row per "
                "view, cart add or purchased product.",
    columns=(
        Column("event_time", "datetime", "when, ISO 8601 local time (YYYY-MM-DDTHH:MM:SS)"),
        Column("customer_id", "str", "shopper identifier (pseudonymised before display)"),
        Column("event", "str", "what happened", allowed=("view", "cart_add", "purchase")),
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
# --- end transactions and segments ---
