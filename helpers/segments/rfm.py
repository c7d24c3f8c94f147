"""RFM: per-customer recency, frequency and monetary inputs, quantile scores, nine named segments."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.btyd.cdnow import CURRENCY
from helpers.btyd.summary import period_index, period_start, summary_from_transactions
from helpers.contracts import DataContractError, ParameterError, require_columns
from helpers.segments.params import MAX_BINS, MIN_BINS

SEGMENT_GRID = {
    # (recency level, frequency-monetary level) -> segment name
    ("high", "high"): "champions", ("mid", "high"): "loyal", ("low", "high"): "at_risk",
    ("high", "mid"): "potential_loyalists", ("mid", "mid"): "need_attention", ("low", "mid"): "hibernating",
    ("high", "low"): "new", ("mid", "low"): "about_to_sleep", ("low", "low"): "lost",
}
SEGMENTS = tuple(SEGMENT_GRID.values())


def customer_table(transactions: pd.DataFrame, *, observation_end: str | pd.Timestamp | None = None,
                   freq: str = "D", customer_col: str = "customer_id", date_col: str = "date",
                   amount_col: str = "amount", **summary_kwargs: object) -> pd.DataFrame:
    """Per-customer RFM inputs: the BTYD summary plus total revenue and periods since last purchase.

    Parameters
    ----------
    transactions : DataFrame
        Purchases with amounts > 0 (see :func:`prepare_transactions`), money in one currency.
    observation_end, freq, summary_kwargs
        Passed to :func:`summary_from_transactions`.

    Returns
    -------
    DataFrame
        Indexed by customer id: ``frequency, recency, T, monetary_value`` (see
        :func:`summary_from_transactions`), ``purchase_periods`` (= frequency + 1),
        ``periods_since_last`` (= T - recency, in ``freq`` periods), ``revenue`` (sum of all
        amounts up to the observation end, first purchase included, same currency), ``orders``
        (distinct ``order_id`` if the table has one, else lines) and ``average_order_value``
        (revenue / orders, same currency).

    Raises
    ------
    DataContractError, ParameterError
        As :func:`summary_from_transactions`.

    Notes
    -----
    :math:`\\text{revenue}_c = \\sum_{t \\le E} a_{c,t}`; periods since last purchase
    :math:`= T - \\text{recency} = p_E - p_n`; average order value = revenue / orders.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [10.0, 20.0, 5.0],
    ...                    "date": pd.to_datetime(["2024-01-01", "2024-01-05", "2024-01-03"])})
    >>> customer_table(tx, observation_end="2024-01-10")[["purchase_periods", "periods_since_last", "revenue"]].loc["a"].tolist()
    [2.0, 5.0, 30.0]
    """
    summary = summary_from_transactions(transactions, customer_col=customer_col, date_col=date_col,
                                        amount_col=amount_col, observation_end=observation_end, freq=freq,
                                        **summary_kwargs)
    end = summary.attrs["observation_end"]
    next_start = period_start(period_index(end, freq) + 1, freq)
    kept = transactions[date_col] < next_start
    by_customer = transactions.loc[kept].groupby(customer_col)
    revenue = by_customer[amount_col].sum()
    orders = by_customer["order_id"].nunique() if "order_id" in transactions.columns else by_customer.size()
    out = summary.copy()
    out["purchase_periods"] = out["frequency"] + 1
    out["periods_since_last"] = out["T"] - out["recency"]
    out["revenue"] = revenue.reindex(out.index).astype("float64").to_numpy()
    out["orders"] = orders.reindex(out.index).astype("float64").to_numpy()
    out["average_order_value"] = out["revenue"] / out["orders"]
    out.attrs.update(summary.attrs)
    return out


def repeat_stats(customers: pd.DataFrame) -> dict[str, float]:
    """Customers, repeat customers (frequency > 0) and their share.

    Parameters
    ----------
    customers : DataFrame
        From :func:`customer_table` or :func:`summary_from_transactions` (``frequency``).

    Returns
    -------
    dict
        ``customers`` (int), ``repeat_customers`` (int), ``repeat_share`` (float in [0, 1]).

    Raises
    ------
    DataContractError
        Missing ``frequency`` or no customers.

    Notes
    -----
    :math:`\\text{repeat share} = |\\{c : \\text{frequency}_c > 0\\}| / N`.

    Examples
    --------
    >>> repeat_stats(pd.DataFrame({"frequency": [0.0, 2.0, 1.0, 0.0]}))
    {'customers': 4, 'repeat_customers': 2, 'repeat_share': 0.5}
    """

    require_columns(customers, ["frequency"], source="customers")
    if customers.empty:
        raise DataContractError("customers: the table has no rows")
    n, r = len(customers), int((customers["frequency"] > 0).sum())
    return {"customers": n, "repeat_customers": r, "repeat_share": r / n}


def quantile_score(values: pd.Series, bins: int, *, higher_is_better: bool = True) -> pd.Series:
    """Score values 1..bins by quantile; ties share the score of their lowest rank.

    Parameters
    ----------
    values : Series
        Finite numbers (e.g. purchase periods, revenue in USD, days since last purchase).
    bins : int, 3..10
        Number of quantile bins (5 = quintiles).
    higher_is_better : bool
        If False (recency), smaller values get the higher scores.

    Returns
    -------
    Series of int64 in 1..bins, same index.

    Raises
    ------
    ValueError
        Empty or non-finite values, or ``bins`` outside 3..10.

    Notes
    -----
    With :math:`r_i` the minimum rank of :math:`x_i` among :math:`n` values (ties share it),
    :math:`s_i = 1 + \\lfloor q\\,(r_i - 1)/n \\rfloor`. A value shared by many customers (one
    purchase, say) keeps one score instead of being split across bins arbitrarily.

    Examples
    --------
    >>> quantile_score(pd.Series([1, 1, 1, 2, 3, 4]), 3).tolist()
    [1, 1, 1, 2, 3, 3]
    """
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or not MIN_BINS <= bins <= MAX_BINS:
        raise ValueError(f"bins = {bins!r} must be a whole number in {MIN_BINS}..{MAX_BINS}")
    x = pd.to_numeric(values, errors="coerce").astype("float64")
    if x.empty or not np.isfinite(x.to_numpy()).all():
        raise ValueError("quantile_score needs a non-empty series of finite numbers")
    ranks = (x if higher_is_better else -x).rank(method="min")
    return (1 + np.floor(bins * (ranks - 1) / len(x))).astype("int64")


def _level(score: pd.Series, bins: int) -> pd.Series:
    return pd.Series(np.where(score <= bins / 3, "low", np.where(score > 2 * bins / 3, "high", "mid")),
                     index=score.index)


#: What M scores: ``average`` order value (default) or ``total`` revenue.
MONETARY = {"average": "average_order_value", "total": "revenue"}


def rfm_segments(customers: pd.DataFrame, *, bins: int = 5, monetary: str = "average") -> pd.DataFrame:
    """RFM scores and a named segment per customer.

    Parameters
    ----------
    customers : DataFrame
        From :func:`customer_table`: ``periods_since_last``, ``purchase_periods`` and
        ``average_order_value`` or ``revenue``.
    bins : int, 3..10
        Quantile bins for each score.
    monetary : {"average", "total"}
        M scores the average order value (default) or total revenue. Total revenue is nearly
        F times the average order value, so with ``"total"`` M repeats F and the F-M level
        rewards frequency twice.

    Returns
    -------
    DataFrame
        The input plus ``r_score``, ``f_score``, ``m_score`` (1..bins, higher = better),
        ``fm_score`` (mean of F and M) and ``segment`` (one of :data:`SEGMENTS`).

    Raises
    ------
    DataContractError
        Missing columns.
    ValueError
        Bad ``bins`` or non-finite values.

    Notes
    -----
    R scores ``periods_since_last`` (fewer = higher), F ``purchase_periods``, M
    ``average_order_value`` or ``revenue`` (see :func:`quantile_score`). Levels: low if :math:`s \\le q/3`, high if :math:`s > 2q/3`,
    else mid; the segment is the cell of (R level, FM level) in :data:`SEGMENT_GRID`, e.g.
    high R and high FM = ``champions``, low R and high FM = ``at_risk``.

    Examples
    --------
    >>> c = pd.DataFrame({"periods_since_last": [1, 2, 30, 40, 5, 60], "purchase_periods": [5, 1, 6, 1, 2, 1],
    ...                   "revenue": [500.0, 10.0, 600.0, 15.0, 80.0, 5.0]})
    >>> rfm_segments(c, bins=3, monetary="total")["segment"].tolist()
    ['champions', 'new', 'loyal', 'hibernating', 'need_attention', 'lost']
    """
    if monetary not in MONETARY:
        raise ParameterError(f"parameter 'monetary' = {monetary!r} is not allowed; choose one of {list(MONETARY)}")
    m_col = MONETARY[monetary]
    require_columns(customers, ["periods_since_last", "purchase_periods", m_col], source="customers")
    out = customers.copy()
    out["r_score"] = quantile_score(out["periods_since_last"], bins, higher_is_better=False)
    out["f_score"] = quantile_score(out["purchase_periods"], bins)
    out["m_score"] = quantile_score(out[m_col], bins)
    out["fm_score"] = (out["f_score"] + out["m_score"]) / 2
    cells = list(zip(_level(out["r_score"], bins), _level(out["fm_score"], bins), strict=True))
    out["segment"] = [SEGMENT_GRID[c] for c in cells]
    return out


def segment_summary(scored: pd.DataFrame, *, currency: str = CURRENCY) -> pd.DataFrame:
    """Customers and revenue per named segment (all nine, empty ones as zeros).

    Parameters
    ----------
    scored : DataFrame
        From :func:`rfm_segments` (``segment``, ``revenue``, ``r_score``, ``f_score``, ``m_score``).
    currency : str
        Currency of ``revenue`` (USD for CDNOW), named in the revenue column.

    Returns
    -------
    DataFrame
        Indexed by segment in :data:`SEGMENTS` order: ``customers``, ``customer_share``,
        ``revenue_<currency>``, ``revenue_share``, ``revenue_per_customer_<currency>``, mean
        ``r_score``, ``f_score``, ``m_score``.

    Raises
    ------
    DataContractError
        Missing columns or no revenue.

    Notes
    -----
    :math:`\\text{revenue share}_g = \\sum_{c \\in g} \\text{revenue}_c / \\sum_c \\text{revenue}_c`.

    Examples
    --------
    >>> s = pd.DataFrame({"segment": ["lost", "lost", "champions"], "revenue": [10.0, 10.0, 80.0],
    ...                   "r_score": [1, 1, 5], "f_score": [1, 1, 5], "m_score": [1, 1, 5]})
    >>> float(segment_summary(s).loc["champions", "revenue_share"])
    0.8
    """

    require_columns(scored, ["segment", "revenue", "r_score", "f_score", "m_score"], source="scored customers")
    total = float(scored["revenue"].sum())
    if not total > 0:
        raise DataContractError("scored customers: total revenue must be > 0 to compute revenue shares")
    g = scored.groupby("segment")
    cur = currency.lower()
    out = pd.DataFrame({
        "customers": g.size(),
        f"revenue_{cur}": g["revenue"].sum(),
        "r_score": g["r_score"].mean(), "f_score": g["f_score"].mean(), "m_score": g["m_score"].mean(),
    }).reindex(list(SEGMENTS))
    out["customers"] = out["customers"].fillna(0).astype("int64")
    out[f"revenue_{cur}"] = out[f"revenue_{cur}"].fillna(0.0)
    out["customer_share"] = out["customers"] / len(scored)
    out["revenue_share"] = out[f"revenue_{cur}"] / total
    out[f"revenue_per_customer_{cur}"] = out[f"revenue_{cur}"] / out["customers"].where(out["customers"] > 0)
    out.index.name = "segment"
    return out[["customers", "customer_share", f"revenue_{cur}", "revenue_share",
                f"revenue_per_customer_{cur}", "r_score", "f_score", "m_score"]]
