"""Per-customer BTYD summary (frequency, recency, T, monetary value) computed with DuckDB.

The reference implementation of the summary used by notebooks 04 and 06: pandas in, pandas out,
with the conventions of ``lifetimes.utils.summary_data_from_transaction_data``; it scales to 10M
rows / 1M customers (``benchmarks/bench_rfm_summary.py``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from helpers.contracts import DataContractError, ParameterError

FREQS = ("D", "W", "M")
DEFAULT_MEMORY_LIMIT = "2GB"

_PERIOD_SQL = {
    # integer period index of a timestamp d; weeks run Monday-Sunday like pandas' "W" (W-SUN)
    "D": "CAST(CAST(d AS DATE) - DATE '1970-01-01' AS BIGINT)",
    "W": "CAST(floor((CAST(CAST(d AS DATE) - DATE '1970-01-01' AS BIGINT) + 3) / 7) AS BIGINT)",
    "M": "CAST(year(d) * 12 + month(d) - 1 AS BIGINT)",
}


def period_index(ts: pd.Timestamp, freq: str) -> int:
    """Integer index of the ``freq`` period ("D", "W" Monday-Sunday, "M") holding ``ts``.

    Parameters
    ----------
    ts : pandas.Timestamp
        A timezone-naive timestamp; its time of day is ignored.
    freq : {"D", "W", "M"}
        Days, Monday-Sunday weeks or calendar months.

    Returns
    -------
    int
        The period's index (0 is the period holding 1970-01-01; negative before it).

    Notes
    -----
    Days since 1970-01-01 :math:`d`: day :math:`d`, week :math:`\\lfloor (d + 3)/7 \\rfloor`,
    month :math:`12\\,\\text{year} + \\text{month} - 1`.

    Examples
    --------
    >>> period_index(pd.Timestamp("1970-01-05"), "W"), period_index(pd.Timestamp("1970-02-01"), "M")
    (1, 23641)
    """
    days = (ts.normalize() - pd.Timestamp("1970-01-01")).days
    if freq == "D":
        return int(days)
    if freq == "W":
        return int(np.floor((days + 3) / 7))
    return int(ts.year * 12 + ts.month - 1)


def parse_observation_end(observation_end) -> pd.Timestamp:
    """``observation_end`` as a timezone-naive timestamp, or :class:`ParameterError` naming it.

    Parameters
    ----------
    observation_end : str, datetime-like
        The last day observed, e.g. ``"1998-06-30"``; timezone-naive.

    Returns
    -------
    pandas.Timestamp

    Raises
    ------
    ParameterError
        If the value is not a date or carries a time zone.

    Examples
    --------
    >>> str(parse_observation_end("1998-06-30").date())
    '1998-06-30'
    """
    try:
        end_ts = pd.Timestamp(observation_end)
    except (ValueError, TypeError) as exc:
        raise ParameterError(f"parameter 'observation_end' = {observation_end!r} is not a date "
                             "like '1998-06-30'") from exc
    if pd.isna(end_ts) or end_ts.tzinfo is not None:
        raise ParameterError(f"parameter 'observation_end' = {observation_end!r} must be a "
                             "timezone-naive date like '1998-06-30'")
    return end_ts


def period_start(index: int, freq: str) -> pd.Timestamp:
    """First day of the period with this :func:`period_index` (a Monday for weeks).

    Parameters
    ----------
    index : int
        A period index as returned by :func:`period_index`.
    freq : {"D", "W", "M"}
        The same unit the index was computed in.

    Returns
    -------
    pandas.Timestamp
        Midnight of the period's first day.

    Examples
    --------
    >>> str(period_start(1, "W").date())
    '1970-01-05'
    """
    if freq == "D":
        return pd.Timestamp("1970-01-01") + pd.Timedelta(days=index)
    if freq == "W":
        return pd.Timestamp("1970-01-01") + pd.Timedelta(days=7 * index - 3)
    return pd.Timestamp(year=index // 12, month=index % 12 + 1, day=1)


def duckdb_connection(threads: int | None = None, memory_limit: str = DEFAULT_MEMORY_LIMIT
                      ) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with ``threads`` (default: the core count) and a memory limit.

    Parameters
    ----------
    threads : int, optional
        Worker threads; ``None`` uses every core.
    memory_limit : str
        DuckDB's memory limit, e.g. ``"1GB"``; above it DuckDB spills to a temporary directory.

    Returns
    -------
    duckdb.DuckDBPyConnection

    Examples
    --------
    >>> con = duckdb_connection(memory_limit="512MB")
    >>> con.execute("select 1").fetchone()
    (1,)
    """
    threads = threads or os.cpu_count() or 1
    return duckdb.connect(config={
        "threads": int(threads), "memory_limit": memory_limit, "preserve_insertion_order": False,
        "temp_directory": str(Path(tempfile.gettempdir()) / "helpers_btyd_duckdb")})


def _null_error(transactions: pd.DataFrame, col: str, source: str) -> DataContractError:
    nulls = transactions[col].isna()
    rows = np.flatnonzero(nulls.to_numpy())[:5].tolist()
    return DataContractError(f"{source}: column {col!r} has {int(nulls.sum())} empty value(s) (rows {rows})")


def check_transactions(transactions: pd.DataFrame, customer_col: str, date_col: str,
                       amount_col: str | None, source: str, *, check_ids: bool = True) -> None:
    """Check a purchase table: columns present, rows, naive datetimes, finite numeric amounts.

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per purchase (or purchase line).
    customer_col, date_col : str
        Names of the customer-id and the datetime columns.
    amount_col : str or None
        Name of the money column (any one currency), or None when no amounts are needed.
    source : str
        How errors name the table (a file path or a description).
    check_ids : bool
        Also refuse empty customer ids.

    Raises
    ------
    DataContractError
        Naming ``source``, the column and the first offending rows.

    Examples
    --------
    >>> tx = pd.DataFrame({"c": ["a"], "d": pd.to_datetime(["2024-01-01"]), "a": [1.0]})
    >>> check_transactions(tx, "c", "d", "a", "purchases") is None
    True
    """
    if not isinstance(transactions, pd.DataFrame):
        raise DataContractError(f"{source}: expected a DataFrame, got {type(transactions).__name__}")
    cols = [customer_col, date_col] + ([amount_col] if amount_col else [])
    missing = [c for c in cols if c not in transactions.columns]
    if missing:
        raise DataContractError(f"{source}: missing required column(s) {missing}; "
                                f"it has {list(map(str, transactions.columns))}")
    if transactions.empty:
        raise DataContractError(f"{source}: the table has no rows")
    dtype = transactions[date_col].dtype
    if isinstance(dtype, pd.DatetimeTZDtype) or not pd.api.types.is_datetime64_dtype(dtype):
        raise DataContractError(f"{source}: column {date_col!r} must be timezone-naive datetime64 "
                                f"(convert with pd.to_datetime / tz_localize(None)); it is {dtype}")
    if amount_col and (not pd.api.types.is_numeric_dtype(transactions[amount_col].dtype)
                       or pd.api.types.is_bool_dtype(transactions[amount_col].dtype)):
        raise DataContractError(f"{source}: column {amount_col!r} must be numeric (money); it is "
                                f"{transactions[amount_col].dtype}")
    for col in cols if check_ids else cols[1:]:
        if transactions[col].hasnans:
            raise _null_error(transactions, col, source)
    if amount_col:
        finite = np.isfinite(transactions[amount_col].to_numpy(dtype="float64"))
        if not finite.all():
            rows = np.flatnonzero(~finite)[:5].tolist()
            raise DataContractError(f"{source}: column {amount_col!r} has non-finite values (rows {rows})")


def summary_from_transactions(
    transactions: pd.DataFrame,
    *,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str | None = "amount",
    observation_end: str | pd.Timestamp | None = None,
    freq: str = "D",
    freq_multiplier: float = 1,
    after_end: str = "error",
    threads: int | None = None,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
) -> pd.DataFrame:
    """Per-customer frequency, recency, age and repeat spend, with the BTYD (``lifetimes``) conventions.

    Parameters
    ----------
    transactions : DataFrame
        One row per purchase. ``customer_col`` (any hashable ids), ``date_col`` (naive
        datetime64), ``amount_col`` (numeric, money in the table's currency, e.g. USD; ``None``
        to skip ``monetary_value``). Amounts are used as given: clean returns first
        (:func:`helpers.segments.prepare_transactions`).
    observation_end : str or Timestamp, optional
        End of the observation window; it is rounded to the start of its period, like
        ``lifetimes``. Default: the period of the last purchase.
    freq : {"D", "W", "M"}
        Period length: day, week (Monday-Sunday, pandas ``"W"``), calendar month.
    freq_multiplier : float, > 0
        Divides recency and T (e.g. ``freq="D", freq_multiplier=7`` gives weeks of exact days).
    after_end : {"error", "drop"}
        What to do with purchases in periods after the observation-end period: raise, or drop
        them (what ``lifetimes`` does silently; use it for a calibration/holdout split).
    threads, memory_limit
        DuckDB settings (default: all cores, ``"2GB"``).

    Returns
    -------
    DataFrame
        Indexed by customer id (sorted), float columns ``frequency`` (repeat purchase periods),
        ``recency`` and ``T`` (periods / ``freq_multiplier``) and ``monetary_value`` (mean
        spend of a repeat period, same currency as ``amount_col``; 0 without repeats).
        ``attrs["observation_end"]`` holds the period start used as the end.

    Raises
    ------
    DataContractError
        Missing columns, empty table, empty values, non-datetime dates, non-numeric or
        non-finite amounts, or (``after_end="error"``) purchases after the observation end.
    ParameterError
        Bad ``freq``, ``freq_multiplier``, ``after_end`` or ``observation_end``.

    Notes
    -----
    Purchases are mapped to periods :math:`p` and summed per (customer, period). For a customer
    with purchase periods :math:`p_0 < p_1 < \\dots < p_n` and period spends :math:`s_0..s_n`,
    end period :math:`p_E` and multiplier :math:`m`:

    .. math:: \\text{frequency} = n,\\quad \\text{recency} = (p_n - p_0)/m,\\quad
              T = (p_E - p_0)/m,\\quad \\text{monetary} = \\tfrac{1}{n}\\sum_{i=1}^{n} s_i

    which is ``lifetimes.utils.summary_data_from_transaction_data`` (checked on CDNOW in the
    tests). Month periods are whole calendar months (``lifetimes`` itself rejects ``"M"``).

    Implementation: two DuckDB aggregations (customer-period, then customer) over the frame
    without copying it; non-negative integer ids are packed with the period into one BIGINT key
    :math:`c \\cdot \\text{span} + (p - p_{min})`, string ids are grouped as text, other id types
    are factorized first. The repeat spend is :math:`(\\sum_i s_i - s_0)/n`, so it can differ
    from ``lifetimes`` in the last bits (about 1e-13 USD on CDNOW).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "a", "b"],
    ...                    "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-05",
    ...                                            "2024-01-03"]),
    ...                    "amount": [10.0, 5.0, 20.0, 7.0]})
    >>> out = summary_from_transactions(tx, observation_end="2024-01-10")
    >>> out.loc["a"].tolist(), out.loc["b"].tolist()
    ([1.0, 4.0, 9.0, 20.0], [0.0, 0.0, 7.0, 0.0])
    """
    if freq not in FREQS:
        raise ParameterError(f"parameter 'freq' = {freq!r} is not allowed; choose one of {list(FREQS)}")
    if (isinstance(freq_multiplier, bool) or not isinstance(freq_multiplier, (int, float, np.number))
            or not np.isfinite(freq_multiplier) or freq_multiplier <= 0):
        raise ParameterError(f"parameter 'freq_multiplier' = {freq_multiplier!r} must be a number > 0")
    if after_end not in ("error", "drop"):
        raise ParameterError(f"parameter 'after_end' = {after_end!r} is not allowed; choose 'error' or 'drop'")
    source = "transactions"
    # empty ids are found after the aggregation (a NULL customer), which avoids a slow
    # Python-level scan of 10M string objects
    check_transactions(transactions, customer_col, date_col, amount_col, source, check_ids=False)
    dates = transactions[date_col]
    if observation_end is None:
        end_p = period_index(pd.Timestamp(dates.max()), freq)
    else:
        end_ts = parse_observation_end(observation_end)
        end_p = period_index(end_ts, freq)
        late = dates >= period_start(end_p + 1, freq)
        if after_end == "error" and late.any():
            raise DataContractError(
                f"{source}: column {date_col!r} has {int(late.sum())} purchase(s) after the observation "
                f"end {observation_end!s} (its {freq} period starts {period_start(end_p, freq).date()}), "
                f"the last on {pd.Timestamp(dates.max()).date()}; pass after_end='drop' to truncate "
                "them, or move observation_end")
    ids = transactions[customer_col]
    uniques = None
    integer_ids = pd.api.types.is_integer_dtype(ids.dtype) and not isinstance(ids.dtype, pd.CategoricalDtype)
    if isinstance(ids.dtype, pd.CategoricalDtype):
        ids = ids.astype(ids.cat.categories.dtype)
    if not integer_ids and not pd.api.types.is_string_dtype(ids):
        # mixed objects, floats, dates...: sorted integer codes, mapped back at the end
        codes, uniques = pd.factorize(ids, sort=True)
        if (codes < 0).any():
            raise _null_error(transactions, customer_col, source)
        ids, integer_ids = codes, True
    frame = pd.DataFrame({
        "c": ids,
        "d": dates,
        "a": transactions[amount_col] if amount_col else 0.0,
    }, copy=False)
    period = _PERIOD_SQL[freq]
    p_min = period_index(pd.Timestamp(dates.min()), freq)
    span = max(end_p - p_min + 1, 1)
    c_lo, c_hi = (int(ids.min()), int(ids.max())) if integer_ids else (-1, 0)
    if c_lo >= 0 and (c_hi + 1) * span < 2**62:
        # one BIGINT key per (customer, period): a narrower, faster hash table than two columns
        periods = f"""SELECT c * {span} + (p - {p_min}) AS k, sum(a) AS s FROM per
                      WHERE p <= $end GROUP BY k"""
        cust = f"""SELECT k // {span} AS c, min(k % {span}) + {p_min} AS p0, max(k % {span}) + {p_min} AS p1,
                          count(*) AS n, sum(s) AS total, arg_min(s, k) AS first_s
                   FROM periods GROUP BY c"""
    else:
        periods = "SELECT c, p, sum(a) AS s FROM per WHERE p <= $end GROUP BY c, p"
        cust = """SELECT c, min(p) AS p0, max(p) AS p1, count(*) AS n, sum(s) AS total,
                         arg_min(s, p) AS first_s
                  FROM periods GROUP BY c"""
    con = duckdb_connection(threads, memory_limit)
    try:
        con.register("tx", frame)
        con.execute(f"CREATE TEMP VIEW per AS SELECT c, {period} AS p, CAST(a AS DOUBLE) AS a FROM tx")
        sql = f"""
            WITH periods AS ({periods}), cust AS ({cust})
            SELECT c AS customer_id,
                   CAST(n - 1 AS DOUBLE) AS frequency,
                   (p1 - p0) / $m AS recency,
                   ($end - p0) / $m AS "T",
                   CASE WHEN n > 1 THEN (total - first_s) / (n - 1) ELSE 0.0 END AS monetary_value
            FROM cust ORDER BY c
        """
        out = con.execute(sql, {"end": end_p, "m": float(freq_multiplier)}).df()
    finally:
        con.close()
    if out.empty:
        raise DataContractError(f"{source}: no purchases on or before the observation end {observation_end!s}")
    if out["customer_id"].isna().any():
        raise _null_error(transactions, customer_col, source)
    if uniques is not None:
        out.index = pd.Index(uniques.take(out.pop("customer_id").to_numpy()), name=customer_col)
    else:
        out = out.set_index("customer_id")
        out.index.name = customer_col
    if amount_col is None:
        out = out.drop(columns="monetary_value")
    out = out.astype("float64")
    out.attrs["observation_end"] = period_start(end_p, freq)
    out.attrs["freq"] = freq
    return out
