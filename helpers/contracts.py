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
from helpers.params import ParameterError

MAX_LISTED = 5


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
                if col.low is not None and 0 < col.low < 1e-6 and col.high is None:
                    rule = "> 0"  # a tiny positive bound means "strictly positive"
                else:
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
