"""Load and check notebook 03's inputs: the sales history and the past campaigns.

:func:`check_history` enforces the modelling rules on a sales series (one row per day or month,
unique dates, sales ≥ 0, one currency, two yearly cycles) and puts it on a regular grid;
:func:`load_history` and :func:`load_campaigns` read the files named by the parameters through
their contracts (errors name the file, column, rows and values).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd

from helpers import contracts
from helpers.constants import PROMOTION_LEVELS
from helpers.contracts import DataContractError
from helpers.coupons import schemas as _coupon_schemas  # noqa: F401  (registers past_campaigns)
from helpers.quota import schemas as _schemas  # noqa: F401  (registers quota_sales_history)
from helpers.quota.constants import freq_spec

#: What to do with dates missing from a series.
FILL_POLICIES: tuple[str, ...] = ("error", "interpolate")


def check_history(history: pd.DataFrame, freq: str = "D", *, fill_missing: str = "error",
                  source: str = "sales history") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check a sales series against the modelling rules and return it on a regular grid.

    Parameters
    ----------
    history : DataFrame
        Columns ``date`` and ``sales`` (money per period, ≥ 0); optional ``promo_level``
        (one of :data:`PROMOTION_LEVELS` or empty), ``holiday`` (bool), ``currency`` (one code),
        ``orders``, ``coupon_spend``.
    freq : {"D", "MS"}
        Daily, or monthly with dates on the first of the month.
    fill_missing : {"error", "interpolate"}
        Policy for dates absent from the grid: an error, or sales interpolated linearly
        (promo_level empty, holiday false) and counted in the quality table.
    source : str
        Name used in error messages.

    Returns
    -------
    (DataFrame, DataFrame)
        The series sorted by date with one row per period (``promo_level`` and ``holiday``
        always present) and a data-quality table ``rule, rows`` (counts per rule).

    Raises
    ------
    DataContractError
        Rule ``unique dates`` (a date twice), ``non-negative sales``, ``regular dates``
        (missing dates with ``fill_missing="error"``, or monthly dates not on day 1),
        ``two seasonal cycles`` (fewer than 2 × 365 days or 2 × 12 months), ``one currency``.

    Notes
    -----
    The grid is ``pd.date_range(min(date), max(date), freq=freq)``; a series is long enough
    when it has at least :math:`2 \\times` (periods per year) rows after filling.

    Examples
    --------
    >>> h = pd.DataFrame({"date": pd.date_range("2020-01-01", periods=24, freq="MS"),
    ...                   "sales": 100.0})
    >>> check_history(h, "MS")[0].shape
    (24, 4)
    """
    spec = freq_spec(freq)
    contracts.require_choice("fill_missing", fill_missing, list(FILL_POLICIES))
    contracts.require_columns(history, ["date", "sales"], source=source)
    df = history.copy()
    df["date"] = pd.to_datetime(df["date"], errors="coerce")
    if df["date"].isna().any():
        raise DataContractError(f"{source}: column 'date' has empty or unreadable values in "
                                f"{int(df['date'].isna().sum())} row(s)")
    df["sales"] = pd.to_numeric(df["sales"], errors="coerce")
    if df["sales"].isna().any():
        raise DataContractError(f"{source}: column 'sales' has empty or non-numeric values on "
                                f"{df.loc[df['sales'].isna(), 'date'].dt.date.astype(str).head(5).tolist()}")
    dup = df["date"].duplicated(keep=False)
    if dup.any():
        raise DataContractError(f"{source}: rule 'unique dates' broken — {int(dup.sum())} rows share a date, "
                                f"e.g. {df.loc[dup, 'date'].dt.date.astype(str).drop_duplicates().head(5).tolist()}")
    neg = df["sales"] < 0
    if neg.any():
        raise DataContractError(f"{source}: rule 'non-negative sales' broken — {int(neg.sum())} row(s) have "
                                f"sales < 0, e.g. {df.loc[neg, ['date', 'sales']].head(3).astype(str).values.tolist()}")
    if "currency" in df.columns:
        currencies = sorted(df["currency"].dropna().astype(str).unique())
        if len(currencies) != 1:
            raise DataContractError(f"{source}: rule 'one currency' broken — column 'currency' has {currencies}")
    if freq == "MS" and (df["date"].dt.day != 1).any():
        bad = df.loc[df["date"].dt.day != 1, "date"].dt.date.astype(str).head(5).tolist()
        raise DataContractError(f"{source}: rule 'regular dates' broken — monthly dates must be the first "
                                f"of the month, found {bad}")
    df["date"] = df["date"].dt.normalize()
    df = df.sort_values("date").reset_index(drop=True)
    if "promo_level" not in df.columns:
        df["promo_level"] = None
    df["promo_level"] = df["promo_level"].astype(object).where(df["promo_level"].notna(), None)
    bad_lvl = df["promo_level"].notna() & ~df["promo_level"].isin(list(PROMOTION_LEVELS))
    if bad_lvl.any():
        raise DataContractError(f"{source}: column 'promo_level' allows only {list(PROMOTION_LEVELS)} or empty; found "
                                f"{sorted(df.loc[bad_lvl, 'promo_level'].astype(str).unique())[:5]}")
    if "holiday" not in df.columns:
        df["holiday"] = False
    df["holiday"] = df["holiday"].fillna(False).astype(bool)
    grid = pd.date_range(df["date"].min(), df["date"].max(), freq=freq)
    missing = grid.difference(pd.DatetimeIndex(df["date"]))
    off_grid = pd.DatetimeIndex(df["date"]).difference(grid)
    if len(off_grid):
        raise DataContractError(f"{source}: rule 'regular dates' broken — dates not on the {spec.label} grid: "
                                f"{[str(d.date()) for d in off_grid[:5]]}")
    quality = [("rows read", len(df)), ("missing dates filled by interpolation", 0)]
    if len(missing):
        if fill_missing == "error":
            raise DataContractError(
                f"{source}: rule 'regular dates' broken — {len(missing)} {spec.label}(s) missing between "
                f"{grid[0].date()} and {grid[-1].date()}, e.g. {[str(d.date()) for d in missing[:5]]}; "
                "add them or pass fill_missing='interpolate'")
        df = df.set_index("date").reindex(grid)
        df.index.name = "date"
        df["sales"] = df["sales"].interpolate(method="linear")
        df["holiday"] = df["holiday"].astype("boolean").fillna(False).astype(bool)
        df["promo_level"] = df["promo_level"].astype(object).where(df["promo_level"].notna(), None)
        for col in ("currency",):
            if col in df.columns:
                df[col] = df[col].ffill()
        df = df.reset_index()
        quality[1] = ("missing dates filled by interpolation", len(missing))
    if len(df) < spec.min_periods:
        raise DataContractError(
            f"{source}: rule 'two seasonal cycles' broken — {len(df)} {spec.label}s of history, at least "
            f"{spec.min_periods} needed (2 × {spec.cycle} {spec.label}s per year)")
    quality.append(("rows used", len(df)))
    return df, pd.DataFrame(quality, columns=["rule", "rows"])


def history_currency(history: pd.DataFrame, expected: str | None = None) -> str:
    """The single currency of a sales history (its ``currency`` column).

    Raises
    ------
    DataContractError
        If there is no currency column, or it does not match ``expected``.

    Examples
    --------
    >>> history_currency(pd.DataFrame({"currency": ["KRW", "KRW"]}))
    'KRW'
    """
    if "currency" not in history.columns:
        raise DataContractError("sales history: a 'currency' column is required (money travels with its currency)")
    found = sorted(history["currency"].dropna().astype(str).unique())
    if len(found) != 1:
        raise DataContractError(f"sales history: rule 'one currency' broken — column 'currency' has {found}")
    if expected is not None and found[0] != expected:
        raise DataContractError(f"sales history is in {found[0]}, but parameter 'currency' = {expected!r}")
    return found[0]



def target_period(p: Any) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The target period of a :class:`~helpers.quota.params.Params` as two Timestamps.

    Examples
    --------
    >>> from helpers.quota.params import Params
    >>> target_period(Params())
    (Timestamp('2026-01-01 00:00:00'), Timestamp('2026-01-31 00:00:00'))
    """
    return (contracts.require_date("target_start", p.target_start),
            contracts.require_date("target_end", p.target_end))


def load_history(p: Any) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Read, validate and regularise the sales history named by ``p.sales_history_path``.

    Returns
    -------
    (DataFrame, DataFrame, str)
        The checked series (see :func:`check_history`), its data-quality table and its currency.

    Raises
    ------
    ParameterError
        The file does not exist (names ``sales_history_path``).
    DataContractError
        The file breaks the ``quota_sales_history`` contract or a rule of :func:`check_history`,
        or its currency is not ``p.currency``.
    """
    raw = contracts.load_csv(p.sales_history_path, contracts.SCHEMAS["quota_sales_history"],
                             param="sales_history_path")
    currency = history_currency(raw, p.currency)
    history, quality = check_history(raw, p.freq, fill_missing=p.fill_missing, source=str(p.sales_history_path))
    return history, quality, currency


def load_campaigns(p: Any) -> pd.DataFrame | None:
    """The past campaigns named by ``p.past_campaigns_path`` (None when ``p.roi`` overrides the ROI).

    Raises
    ------
    ParameterError
        The file does not exist (names ``past_campaigns_path``).
    DataContractError
        The file breaks the ``past_campaigns`` contract.
    """
    if p.roi is not None:
        return None
    return contracts.load_csv(p.past_campaigns_path, past_campaigns_schema(), param="past_campaigns_path")


#: Columns of ``past_campaigns`` that notebook 03 reads when present (older files lack them).
OPTIONAL_CAMPAIGN_COLUMNS = ("incremental_roi", "incremental_roi_low", "incremental_roi_high", "redemption_rate")


def past_campaigns_schema() -> contracts.Schema:
    """The ``past_campaigns`` contract as notebook 03 reads it: the incremental-ROI and redemption
    columns optional, so a file without them still loads (the notebook then says what it falls back to).

    Examples
    --------
    >>> "incremental_roi" in [c.name for c in past_campaigns_schema().optional]
    True
    """
    schema = contracts.SCHEMAS["past_campaigns"]
    moved = tuple(c for c in schema.columns if c.name in OPTIONAL_CAMPAIGN_COLUMNS)
    kept = tuple(c for c in schema.columns if c.name not in OPTIONAL_CAMPAIGN_COLUMNS)
    extra = tuple(c for c in moved if c.name not in {o.name for o in schema.optional})
    return replace(schema, columns=kept, optional=tuple(schema.optional) + extra)
