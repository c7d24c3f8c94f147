"""Customer segments from transactions: CDNOW loader, BTYD summary, RFM, concentration, baskets.

One job: turn a purchase log (who, when, how much) into per-customer figures and the segment,
concentration and bought-together tables of notebook 06. The per-customer summary
(:func:`summary_from_transactions`) is shared with notebook 04 (BG/NBD), so it follows the
conventions of ``lifetimes.utils.summary_data_from_transaction_data`` exactly, and is computed
with DuckDB so it scales to 10M rows / 1M customers (pandas in, pandas out).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from helpers.config import resolve_path
from helpers.contracts import DataContractError, ParameterError

CURRENCY = "USD"
FREQS = ("D", "W", "M")
DEFAULT_MEMORY_LIMIT = "2GB"

# ---------------------------------------------------------------------------------------------
# CDNOW loader
# ---------------------------------------------------------------------------------------------

CDNOW_LAYOUTS = {
    4: ("customer_id", "date", "quantity", "amount"),
    5: ("customer_id", "sample_id", "date", "quantity", "amount"),
}


def load_cdnow(path: str | Path = "data/raw/CDNOW_master.txt") -> pd.DataFrame:
    """Read a CDNOW transaction file (master or 1/10 sample layout) into a tidy table.

    Parameters
    ----------
    path : str or Path
        Relative to the project root, or absolute. Whitespace-separated text, one purchase per
        line: ``customer_id date(YYYYMMDD) number_of_cds dollar_value`` (master, 4 fields) or
        ``customer_id sample_id date number_of_cds dollar_value`` (sample, 5 fields). An optional
        first header line (as in the master file shipped by ``lifetimes``) is skipped.

    Returns
    -------
    DataFrame
        Columns ``customer_id`` (str, as in the file, leading zeros kept), ``date``
        (datetime64, day), ``quantity`` (int64, CDs, >= 0) and ``amount`` (float64, USD of
        1997-98, >= 0), in file order.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    DataContractError
        If the file is empty, has a field count other than 4 or 5, a line with a different
        number of fields, or a date/quantity/amount that does not parse (naming the line).

    Notes
    -----
    Dates are parsed with the exact format ``%Y%m%d``; no value is coerced silently.

    Examples
    --------
    >>> tx = load_cdnow("data/raw/CDNOW_sample.txt")
    >>> list(tx.columns), len(tx)
    (['customer_id', 'date', 'quantity', 'amount'], 6919)
    """
    resolved = resolve_path(path)
    if not resolved.is_file():
        raise FileNotFoundError(f"CDNOW file {str(path)!r} not found (looked at {resolved})")
    with resolved.open(encoding="ascii", errors="replace") as fh:
        lines = fh.read().splitlines()
    rows: list[list[str]] = []
    line_no: list[int] = []
    width: int | None = None
    for i, line in enumerate(lines, start=1):
        fields = line.split()
        if not fields:
            continue
        if not rows and i == 1 and not fields[0].isdigit():
            continue  # header line
        if width is None:
            if len(fields) not in CDNOW_LAYOUTS:
                raise DataContractError(
                    f"{path}: line {i} has {len(fields)} fields; a CDNOW file has 4 (master: "
                    f"customer_id date cds dollars) or 5 (sample: customer_id sample_id date cds "
                    f"dollars) whitespace-separated fields")
            width = len(fields)
        elif len(fields) != width:
            raise DataContractError(f"{path}: line {i} has {len(fields)} fields, expected {width} "
                                    f"like the first data line: {line.strip()!r}")
        rows.append(fields)
        line_no.append(i)
    if not rows:
        raise DataContractError(f"{path}: the file has no data lines")
    raw = pd.DataFrame(rows, columns=list(CDNOW_LAYOUTS[width]), dtype=str)
    lines_arr = np.asarray(line_no)

    def fail(column: str, mask: pd.Series, rule: str) -> None:
        bad = np.flatnonzero(mask.to_numpy())
        shown = ", ".join(f"line {lines_arr[j]}: {raw[column].iloc[j]!r}" for j in bad[:5])
        raise DataContractError(f"{path}: column {column!r} {rule}; {len(bad)} line(s) fail ({shown})")

    date = pd.to_datetime(raw["date"], format="%Y%m%d", errors="coerce")
    if date.isna().any():
        fail("date", date.isna(), "must be a date YYYYMMDD")
    qty = pd.to_numeric(raw["quantity"], errors="coerce")
    if (qty.isna() | (qty % 1 != 0) | (qty < 0)).any():
        fail("quantity", qty.isna() | (qty % 1 != 0) | (qty < 0), "must be a whole number >= 0")
    amount = pd.to_numeric(raw["amount"], errors="coerce")
    if (amount.isna() | ~np.isfinite(amount)).any():
        fail("amount", amount.isna() | ~np.isfinite(amount), "must be a finite number (USD)")
    return pd.DataFrame({
        "customer_id": raw["customer_id"].astype(str),
        "date": date.astype("datetime64[s]"),
        "quantity": qty.astype("int64"),
        "amount": amount.astype("float64"),
    })


# ---------------------------------------------------------------------------------------------
# Per-customer summary (BTYD conventions), DuckDB under the hood
# ---------------------------------------------------------------------------------------------

_PERIOD_SQL = {
    # integer period index of a timestamp d; weeks run Monday-Sunday like pandas' "W" (W-SUN)
    "D": "CAST(CAST(d AS DATE) - DATE '1970-01-01' AS BIGINT)",
    "W": "CAST(floor((CAST(CAST(d AS DATE) - DATE '1970-01-01' AS BIGINT) + 3) / 7) AS BIGINT)",
    "M": "CAST(year(d) * 12 + month(d) - 1 AS BIGINT)",
}


def _period_index(ts: pd.Timestamp, freq: str) -> int:
    days = (ts.normalize() - pd.Timestamp("1970-01-01")).days
    if freq == "D":
        return int(days)
    if freq == "W":
        return int(np.floor((days + 3) / 7))
    return int(ts.year * 12 + ts.month - 1)


def _period_start(index: int, freq: str) -> pd.Timestamp:
    if freq == "D":
        return pd.Timestamp("1970-01-01") + pd.Timedelta(days=index)
    if freq == "W":
        return pd.Timestamp("1970-01-01") + pd.Timedelta(days=7 * index - 3)
    return pd.Timestamp(year=index // 12, month=index % 12 + 1, day=1)


def duckdb_connection(threads: int | None = None, memory_limit: str = DEFAULT_MEMORY_LIMIT
                      ) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with ``threads`` (default: the core count) and a memory limit.

    Examples
    --------
    >>> con = duckdb_connection(memory_limit="512MB")
    >>> con.execute("select 1").fetchone()
    (1,)
    """
    threads = threads or os.cpu_count() or 1
    return duckdb.connect(config={
        "threads": int(threads), "memory_limit": memory_limit, "preserve_insertion_order": False,
        "temp_directory": str(Path(tempfile.gettempdir()) / "helpers_segments_duckdb")})


def _check_transactions(transactions: pd.DataFrame, customer_col: str, date_col: str,
                        amount_col: str | None, source: str) -> None:
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
    for col in cols:
        nulls = transactions[col].isna()
        if nulls.any():
            rows = np.flatnonzero(nulls.to_numpy())[:5].tolist()
            raise DataContractError(f"{source}: column {col!r} has {int(nulls.sum())} empty value(s) "
                                    f"(rows {rows})")
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
        (:func:`prepare_transactions`).
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
    _check_transactions(transactions, customer_col, date_col, amount_col, source)
    ids = transactions[customer_col]
    uniques = None
    if not (pd.api.types.is_integer_dtype(ids.dtype) and not isinstance(ids.dtype, pd.CategoricalDtype)):
        # DuckDB reads Python string objects one by one; sorted integer codes keep the heavy
        # group-by numeric and the output order equal to sorting the ids themselves
        codes, uniques = pd.factorize(ids, sort=True)
        ids = codes
    frame = pd.DataFrame({
        "c": ids,
        "d": transactions[date_col],
        "a": transactions[amount_col] if amount_col else 0.0,
    })
    dates = transactions[date_col]
    if observation_end is None:
        end_p = _period_index(pd.Timestamp(dates.max()), freq)
    else:
        try:
            end_ts = pd.Timestamp(observation_end)
        except (ValueError, TypeError) as exc:
            raise ParameterError(f"parameter 'observation_end' = {observation_end!r} is not a date "
                                 "like '1998-06-30'") from exc
        if pd.isna(end_ts) or end_ts.tzinfo is not None:
            raise ParameterError(f"parameter 'observation_end' = {observation_end!r} must be a "
                                 "timezone-naive date like '1998-06-30'")
        end_p = _period_index(end_ts, freq)
        late = dates >= _period_start(end_p + 1, freq)
        if after_end == "error" and late.any():
            raise DataContractError(
                f"{source}: column {date_col!r} has {int(late.sum())} purchase(s) after the observation "
                f"end {observation_end!s} (its {freq} period starts {_period_start(end_p, freq).date()}), "
                f"the last on {pd.Timestamp(dates.max()).date()}; pass after_end='drop' to truncate "
                "them, or move observation_end")
    ids = transactions[customer_col]
    uniques = None
    if not (pd.api.types.is_integer_dtype(ids.dtype) and not isinstance(ids.dtype, pd.CategoricalDtype)):
        # DuckDB reads Python string objects one by one; sorted integer codes keep the heavy
        # group-by numeric and the output order equal to sorting the ids themselves
        codes, uniques = pd.factorize(ids, sort=True)
        ids = codes
    frame = pd.DataFrame({
        "c": ids,
        "d": dates,
        "a": transactions[amount_col] if amount_col else 0.0,
    })
    period = _PERIOD_SQL[freq]
    p_min = _period_index(pd.Timestamp(dates.min()), freq)
    span = max(end_p - p_min + 1, 1)
    c_lo, c_hi = (int(ids.min()), int(ids.max()))
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
    if uniques is not None:
        out.index = pd.Index(uniques.take(out.pop("customer_id").to_numpy()), name=customer_col)
    else:
        out = out.set_index("customer_id")
        out.index.name = customer_col
    if amount_col is None:
        out = out.drop(columns="monetary_value")
    out = out.astype("float64")
    out.attrs["observation_end"] = _period_start(end_p, freq)
    out.attrs["freq"] = freq
    return out
