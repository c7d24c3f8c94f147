"""The BTYD per-customer summary as one Ibis expression, run by the engine that holds the data.

Same conventions as the pandas/DuckDB reference ``summary_from_transactions`` of the BTYD
package (``lifetimes.utils.summary_data_from_transaction_data``): purchases mapped to integer
periods, summed per (customer, period); frequency = repeat periods, recency and T in periods
divided by ``freq_multiplier``, monetary value = mean spend of the repeat periods. Periods of
dates are computed from year, month and day only, so every backend gives the same numbers
(timestamps use seconds since the epoch read as UTC, which DuckDB and Ibis's
PySpark backend both do).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from helpers.btyd.summary import parse_observation_end, period_start
from helpers.btyd.summary import period_index as _period_index
from helpers.contracts import DataContractError
from helpers.params import ParameterError
from helpers.warehouse.sources import check_passes, hash_passes, in_bucket, require_columns

FREQS = ("D", "W", "M")
_EPOCH_DAYS = 719_468  # days from 0000-03-01 to 1970-01-01 in the proleptic Gregorian calendar


@ibis.udf.agg.builtin(name="arg_min")
def _duckdb_arg_min(arg: float, key: int) -> float:
    """DuckDB's ``arg_min(arg, key)``: ``arg`` at the row with the smallest ``key``."""


def first_by(t: ir.Table, value: ir.FloatingColumn, key: ir.IntegerColumn) -> ir.FloatingScalar:
    """``value`` at the row with the smallest ``key`` of each group, in the engine's fastest form.

    On DuckDB, Ibis compiles ``argmin`` to an ordered ``FIRST(value ORDER BY key)``, which sorts
    every group; DuckDB's own ``arg_min`` gives the same value (keys are unique here: one row per
    customer and period) without the sort: the 20M-row summary of ``benchmarks/bench_warehouse.py``
    took 4.1 s instead of 8.8 s on these 2 cores. Other engines keep Ibis's ``argmin``.
    """
    if ibis.get_backend(t).name == "duckdb":
        return _duckdb_arg_min(value, key)
    return value.argmin(key)


def epoch_days(ts: ir.TimestampValue | ir.DateValue) -> ir.IntegerValue:
    """Days since 1970-01-01 of a date or naive timestamp, from its calendar fields.

    Parameters
    ----------
    ts : ibis.TimestampValue or ibis.DateValue
        Timezone-naive.

    Returns
    -------
    ibis.IntegerValue

    Notes
    -----
    Howard Hinnant's ``days_from_civil``: with :math:`y' = y - [m \\le 2]`, era
    :math:`e = \\lfloor y'/400 \\rfloor`, :math:`yoe = y' - 400e`,
    :math:`doy = \\lfloor (153 (m + 9 \\bmod 12) + 2)/5 \\rfloor + d - 1`,
    :math:`doe = 365\\,yoe + \\lfloor yoe/4 \\rfloor - \\lfloor yoe/100 \\rfloor + doy`:
    days :math:`= 146097 e + doe - 719468`.

    Examples
    --------
    >>> int(epoch_days(ibis.date("2024-03-01")).execute())
    19783
    """
    y = ts.year().cast("int64")
    m = ts.month().cast("int64")
    d = ts.day().cast("int64")
    y = y - (m <= 2).cast("int64")
    era = y // 400
    yoe = y - era * 400
    mp = (m + 9) % 12
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146_097 + doe - _EPOCH_DAYS


def period_index(ts: ir.TimestampValue, freq: str) -> ir.IntegerValue:
    """Integer period of a timestamp: days, Monday-Sunday weeks (pandas ``"W"``), calendar months.

    Parameters
    ----------
    ts : ibis.TimestampValue
        Timezone-naive.
    freq : {"D", "W", "M"}
        The period unit, as :func:`helpers.btyd.summary.period_index`.

    Returns
    -------
    ibis.IntegerValue
        Equal to the pandas reference's index for the same timestamp.
    """
    if freq == "M":
        return ts.year().cast("int64") * 12 + ts.month().cast("int64") - 1
    if ts.type().is_timestamp():
        # seconds since the epoch with the naive time read as UTC (DuckDB; Ibis sets Spark's
        # session time zone to UTC): about twice as fast as the calendar fields in DuckDB
        days = (ts.epoch_seconds() // 86_400).cast("int64")
    else:
        days = epoch_days(ts)
    return days if freq == "D" else (days + 3) // 7


def _check_params(freq: str, freq_multiplier: float, after_end: str) -> None:
    if freq not in FREQS:
        raise ParameterError(f"parameter 'freq' = {freq!r} is not allowed; choose one of {list(FREQS)}")
    if (isinstance(freq_multiplier, bool) or not isinstance(freq_multiplier, (int, float, np.number))
            or not np.isfinite(freq_multiplier) or freq_multiplier <= 0):
        raise ParameterError(f"parameter 'freq_multiplier' = {freq_multiplier!r} must be a number > 0")
    if after_end not in ("error", "drop"):
        raise ParameterError(f"parameter 'after_end' = {after_end!r} is not allowed; choose 'error' or 'drop'")


def _end_period(t: ir.Table, date_col: str, observation_end, freq: str, after_end: str,
                source: str) -> tuple[int, pd.Timestamp]:
    stats = t.aggregate(n=t.count(), last=t[date_col].max(), nulls=t[date_col].isnull().cast("int64").sum()
                        ).execute().iloc[0]
    if int(stats["n"]) == 0:
        raise DataContractError(f"{source}: the table has no rows")
    if int(stats["nulls"] or 0):
        raise DataContractError(f"{source}: column {date_col!r} has {int(stats['nulls'])} empty value(s)")
    last, rows = pd.Timestamp(stats["last"]), int(stats["n"])
    if observation_end is None:
        return _period_index(last, freq), last, rows
    end_ts = parse_observation_end(observation_end)
    end_p = _period_index(end_ts, freq)
    if after_end == "error" and last >= period_start(end_p + 1, freq):
        late = int(t.filter(t[date_col] >= period_start(end_p + 1, freq).to_pydatetime()).count().execute())
        raise DataContractError(
            f"{source}: column {date_col!r} has {late} purchase(s) after the observation "
            f"end {observation_end!s} (its {freq} period starts {period_start(end_p, freq).date()}), "
            f"the last on {last.date()}; pass after_end='drop' to truncate them, or move observation_end")
    return end_p, last, rows


def summary_expr(t: ir.Table, end_p: int, *, customer_col: str = "customer_id", date_col: str = "date",
                 amount_col: str | None = "amount", freq: str = "D", freq_multiplier: float = 1,
                 revenue: bool = False) -> ir.Table:
    """The summary as a lazy Ibis expression (no checks; see :func:`summary_from_table`).

    Parameters
    ----------
    t : ibis.Table
        Purchase lines.
    end_p : int
        The observation end's period index.
    customer_col, date_col, amount_col : str
        Column names (``amount_col`` None for no monetary value).
    freq : {"D", "W", "M"}
        Period unit; ``freq_multiplier`` periods make one time unit.
    freq_multiplier : float
    revenue : bool
        Add the ``revenue`` column.

    Returns
    -------
    ibis.Table
        Unexecuted. Columns ``customer_id`` (named ``customer_col``), ``frequency``,
        ``recency``, ``T``, ``monetary_value`` (if ``amount_col``) and, with ``revenue=True``,
        ``revenue`` (sum of all amounts up to the end period).
    """
    amount = t[amount_col].cast("float64") if amount_col else ibis.literal(0.0)
    has_orders = revenue and "order_id" in t.columns
    extra = {"o": t["order_id"]} if has_orders else {}
    per = t.select(c=t[customer_col], p=period_index(t[date_col], freq), a=amount, **extra)
    per = per.filter(per.p <= end_p)
    periods = per.group_by(["c", "p"]).aggregate(s=per.a.sum(), lines=per.count())
    cust = periods.group_by("c").aggregate(
        p0=periods.p.min(), p1=periods.p.max(), n=periods.count(), total=periods.s.sum(),
        first_s=first_by(periods, periods.s, periods.p), n_lines=periods.lines.sum())
    if has_orders:
        orders = per.group_by(oc=per.c).aggregate(n_orders=per.o.nunique())
        cust = cust.join(orders, cust.c == orders.oc)
    m = float(freq_multiplier)
    cols = {
        customer_col: cust.c,
        "frequency": (cust.n - 1).cast("float64"),
        "recency": (cust.p1 - cust.p0).cast("float64") / m,
        "T": (ibis.literal(end_p) - cust.p0).cast("float64") / m,
    }
    if amount_col:
        cols["monetary_value"] = ibis.cases((cust.n > 1, (cust.total - cust.first_s) / (cust.n - 1)),
                                            else_=ibis.literal(0.0))
    if revenue:
        cols["revenue"] = cust.total
        cols["orders"] = (cust.n_orders if has_orders else cust.n_lines).cast("float64")
    return cust.select(**cols)


def summary_from_table(t: ir.Table, *, customer_col: str = "customer_id", date_col: str = "date",
                       amount_col: str | None = "amount", observation_end: str | pd.Timestamp | None = None,
                       freq: str = "D", freq_multiplier: float = 1, after_end: str = "error",
                       source: str = "transactions", revenue: bool = False, passes: int | None = None
                       ) -> pd.DataFrame:
    """Per-customer frequency, recency, T and repeat spend, computed by the table's engine.

    Parameters
    ----------
    t : ibis Table
        One row per purchase (e.g. from :func:`helpers.warehouse.sources.read_source` checked
        with the ``transactions`` contract): ``customer_col`` (ids), ``date_col`` (naive
        timestamp or date), ``amount_col`` (money in the table's currency, e.g. USD; ``None``
        to skip ``monetary_value``). Clean returns first.
    observation_end : str or Timestamp, optional
        End of the observation window, rounded to the start of its period. Default: the period
        of the last purchase.
    freq : {"D", "W", "M"}
        Period: day, Monday-Sunday week, calendar month.
    freq_multiplier : float, > 0
        Divides recency and T.
    after_end : {"error", "drop"}
        Purchases after the end period: raise, or drop them.
    source : str
        Named in errors (file or table).
    revenue : bool
        Add ``revenue`` (all amounts up to the end period, first purchase included) and
        ``orders`` (distinct ``order_id`` if the table has one, else lines), the
        ``customer_table`` columns.
    passes : int >= 1, optional
        Compute the customers in this many hash buckets, one query each. Default: enough for the
        (customer, period) aggregate to fit the engine's memory limit
        (:func:`helpers.warehouse.sources.hash_passes`; always 1 off DuckDB). Same result for
        any value.

    Returns
    -------
    DataFrame
        Indexed by customer id (sorted, named ``customer_col``), float64 ``frequency``,
        ``recency``, ``T``, ``monetary_value`` (0 without repeats); ``attrs["observation_end"]``
        (period start used as the end) and ``attrs["freq"]``. One row per customer: the only
        data brought back to pandas.

    Raises
    ------
    DataContractError
        Missing columns, no rows, empty dates or ids, purchases after the end
        (``after_end="error"``), nothing on or before the end.
    ParameterError
        Bad ``freq``, ``freq_multiplier``, ``after_end`` or ``observation_end``.

    Notes
    -----
    For purchase periods :math:`p_0 < \\dots < p_n` with spends :math:`s_0..s_n`, end period
    :math:`p_E` and multiplier :math:`m`: frequency :math:`= n`, recency
    :math:`= (p_n - p_0)/m`, :math:`T = (p_E - p_0)/m`, monetary
    :math:`= (\\sum_i s_i - s_0)/n` (as the reference computes it).

    Examples
    --------
    >>> tx = ibis.memtable({"customer_id": ["a", "a", "a", "b"], "amount": [10.0, 5.0, 20.0, 7.0],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-05", "2024-01-03"])})
    >>> out = summary_from_table(tx, observation_end="2024-01-10")
    >>> out.loc["a"].tolist(), out.loc["b"].tolist()
    ([1.0, 4.0, 9.0, 20.0], [0.0, 0.0, 7.0, 0.0])
    """
    _check_params(freq, freq_multiplier, after_end)
    check_passes(passes)
    require_columns(t, [customer_col, date_col] + ([amount_col] if amount_col else []), source=source)
    if not (t[date_col].type().is_timestamp() or t[date_col].type().is_date()):
        raise DataContractError(f"{source}: column {date_col!r} must be a date or timestamp; it is "
                                f"{t[date_col].type()} (check the table with its contract first)")
    if t[date_col].type().is_timestamp() and t[date_col].type().timezone is not None:
        raise DataContractError(f"{source}: column {date_col!r} must be timezone-naive; it is "
                                f"{t[date_col].type()}")
    if amount_col and not t[amount_col].type().is_numeric():
        raise DataContractError(f"{source}: column {amount_col!r} must be numeric (money); it is "
                                f"{t[amount_col].type()}")
    end_p, _, rows = _end_period(t, date_col, observation_end, freq, after_end, source)
    # every row may be its own (customer, period) group: passes over customer hash buckets keep
    # that aggregate inside the engine's memory (each customer is in exactly one bucket)
    k = hash_passes(t._find_backend(use_default=True), rows) if passes is None else passes
    parts = [summary_expr(t.filter(in_bucket(t[customer_col], k, i)) if k > 1 else t, end_p,
                          customer_col=customer_col, date_col=date_col, amount_col=amount_col, freq=freq,
                          freq_multiplier=freq_multiplier, revenue=revenue).execute() for i in range(k)]
    out = parts[0] if k == 1 else pd.concat(parts, ignore_index=True)
    del parts
    if out.empty:
        raise DataContractError(f"{source}: no purchases on or before the observation end {observation_end!s}")
    if out[customer_col].isna().any():
        raise DataContractError(f"{source}: column {customer_col!r} has empty value(s)")
    if amount_col and not np.isfinite(out["monetary_value"].to_numpy(dtype="float64")).all():
        raise DataContractError(f"{source}: column {amount_col!r} has non-finite values")
    out = out.sort_values(customer_col, kind="stable").set_index(customer_col).astype("float64")
    out.attrs["observation_end"] = period_start(end_p, freq)
    out.attrs["freq"] = freq
    return out


def customer_table_from_table(t: ir.Table, **kwargs) -> pd.DataFrame:
    """RFM inputs per customer: the summary plus periods, recency gap, revenue, orders and order value.

    Same frame as the reference ``customer_table``: ``purchase_periods`` = frequency + 1,
    ``periods_since_last`` = T - recency, ``revenue`` = all amounts up to the end period (same
    currency), ``orders`` (distinct ``order_id`` if the table has one, else lines) and
    ``average_order_value`` = revenue / orders. Keyword arguments as :func:`summary_from_table`.

    Parameters
    ----------
    t : ibis.Table
        Purchase lines (customer id, date, amount; optional order_id).
    **kwargs
        As :func:`summary_from_table` (``observation_end`` required).

    Returns
    -------
    pandas.DataFrame
        One row per customer, indexed by customer id.

    Examples
    --------
    >>> tx = ibis.memtable({"customer_id": ["a", "a", "b"], "amount": [10.0, 20.0, 5.0],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-01-05", "2024-01-03"])})
    >>> customer_table_from_table(tx, observation_end="2024-01-10").loc["a", "revenue"]
    np.float64(30.0)
    """
    out = summary_from_table(t, revenue=True, **kwargs)
    revenue, orders = out.pop("revenue"), out.pop("orders")
    out["purchase_periods"] = out["frequency"] + 1
    out["periods_since_last"] = out["T"] - out["recency"]
    out["revenue"] = revenue
    out["orders"] = orders
    out["average_order_value"] = out["revenue"] / out["orders"]
    return out


RETURN_RULES = ("date after observation_end: excluded", "amount <= 0: line dropped",
                "amount <= 0: netted against an earlier purchase", "amount <= 0: no earlier purchase, dropped",
                "purchase netted to <= 0: dropped")


def drop_returns(t: ir.Table, *, observation_end: str | pd.Timestamp | None = None, date_col: str = "date",
                 amount_col: str = "amount", source: str = "transactions") -> tuple[ir.Table, pd.DataFrame]:
    """The engine form of ``prepare_transactions(returns="drop")``: purchases with amount > 0.

    Parameters
    ----------
    t : ibis Table
        Checked transactions (money in one currency).
    observation_end : date, optional
        Lines dated after this day are excluded first (and counted).

    Returns
    -------
    (ibis Table, DataFrame)
        The lazy filtered table, and the data-quality table ``rule, rows, amount`` with the
        reference's five rules (the netting rules are 0: ``returns="net"`` needs an as-of match of
        each return to an earlier purchase, done in pandas by the segments package).

    Raises
    ------
    DataContractError
        No purchase with amount > 0 is left.

    Examples
    --------
    >>> tx = ibis.memtable({"customer_id": ["a", "a"], "amount": [30.0, -10.0],
    ...                     "date": pd.to_datetime(["2024-01-01", "2024-01-03"])})
    >>> clean, quality = drop_returns(tx)
    >>> int(clean.count().execute()), quality.loc[1, "rows"]
    (1, np.int64(1))
    """
    require_columns(t, [date_col, amount_col], source=source)
    a = t[amount_col].cast("float64")
    late = t[date_col].isnull() & False  # a column of False
    if observation_end is not None:
        late = t[date_col] >= (pd.Timestamp(observation_end).normalize() + pd.Timedelta(days=1)).to_pydatetime()
    nonpos = ~late & (a <= 0)
    got = t.aggregate(late_n=late.cast("int64").sum(), late_a=ibis.cases((late, a), else_=0.0).sum(),
                      neg_n=nonpos.cast("int64").sum(), neg_a=ibis.cases((nonpos, a), else_=0.0).sum(),
                      kept=(~late & (a > 0)).cast("int64").sum()).execute().iloc[0]
    if not int(got["kept"] or 0):
        raise DataContractError(f"{source}: no purchase with {amount_col!r} > 0 is left after returns='drop'")
    counts = [(int(got["late_n"] or 0), float(got["late_a"] or 0.0)), (int(got["neg_n"] or 0),
              float(got["neg_a"] or 0.0))] + [(0, 0.0)] * 3
    quality = pd.DataFrame([(rule, n, amt) for rule, (n, amt) in zip(RETURN_RULES, counts, strict=True)],
                           columns=["rule", "rows", "amount"])
    return t.filter(~late & (a > 0)), quality
