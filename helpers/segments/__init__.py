"""Customer segments from transactions: CDNOW loader, BTYD summary, RFM, concentration, baskets.

One job: turn a purchase log (who, when, how much) into per-customer figures and the segment,
concentration and bought-together tables of notebook 06. The per-customer summary
(:func:`summary_from_transactions`) is shared with notebook 04 (BG/NBD), so it follows the
conventions of ``lifetimes.utils.summary_data_from_transaction_data`` exactly, and is computed
with DuckDB so it scales to 10M rows / 1M customers (pandas in, pandas out).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from helpers.btyd.cdnow import CURRENCY, load_cdnow  # noqa: F401  (notebook 04 still calls segments.load_cdnow)
from helpers.btyd.summary import FREQS, summary_from_transactions  # noqa: F401
from helpers.btyd.summary import check_transactions as _check_transactions
from helpers.btyd.summary import period_index as _period_index
from helpers.btyd.summary import period_start as _period_start
from helpers.contracts import (
    DataContractError,
    ParameterError,
)

# ---------------------------------------------------------------------------------------------
# Parameters of notebook 06
# ---------------------------------------------------------------------------------------------

RETURNS = ("drop", "net")
MIN_BINS, MAX_BINS = 3, 10


def validate_parameters(**params: object) -> dict[str, object]:
    """Check every parameter of notebook 06 and return them (paths resolved, dates parsed).

    Parameters
    ----------
    **params
        ``transactions_path`` (str, CDNOW file), ``returns`` ({"drop", "net"}),
        ``observation_end`` (ISO date), ``freq`` ({"D", "W", "M"}), ``rfm_bins`` (int, 3..10),
        ``top_pcts`` (list of percentages in (0, 100)), ``claim_visitor_pct`` (float in (0, 100)),
        ``events_path`` (str; "" = generate the event log with ``seed``), ``truth_path`` (str or
        ""), ``as_of`` (ISO date or None), ``new_days``, ``inactive_days``, ``cart_days`` (int days
        >= 1), ``loyal_min_orders`` (int >= 2), ``category_min_share`` (float in (0, 1]),
        ``min_support`` (float in (0, 1)), ``seed`` (int >= 0).

    Returns
    -------
    dict
        The parameters, with ``transactions_path``/``events_path`` as resolved Paths (or None for
        ""), ``observation_end``/``as_of`` as Timestamps.

    Raises
    ------
    ParameterError
        Naming the parameter, its value and what is allowed.

    Examples
    --------
    >>> validate_parameters(returns="net")["returns"]
    'net'
    """
    from helpers.contracts import (
    require_choice,
    require_date,
    require_file,
    require_number,
)

    known = {"transactions_path", "returns", "observation_end", "freq", "rfm_bins", "top_pcts",
             "claim_visitor_pct", "events_path", "truth_path", "as_of", "new_days", "inactive_days",
             "cart_days", "loyal_min_orders", "category_min_share", "min_support", "seed"}
    unknown = sorted(set(params) - known)
    if unknown:
        raise ParameterError(f"unknown parameter(s) {unknown}; notebook 06 takes {sorted(known)}")
    p = dict(params)
    if "transactions_path" in p:
        p["transactions_path"] = require_file("transactions_path", p["transactions_path"])
    if "returns" in p:
        require_choice("returns", p["returns"], RETURNS)
    if "observation_end" in p:
        p["observation_end"] = require_date("observation_end", p["observation_end"])
    if "freq" in p:
        require_choice("freq", p["freq"], FREQS)
    if "rfm_bins" in p:
        p["rfm_bins"] = require_number("rfm_bins", p["rfm_bins"], low=MIN_BINS, high=MAX_BINS, integer=True)
    if "top_pcts" in p:
        pcts = p["top_pcts"]
        if isinstance(pcts, (str, bytes)) or not hasattr(pcts, "__iter__") or not list(pcts):
            raise ParameterError(f"parameter 'top_pcts' = {pcts!r} must be a non-empty list of percentages")
        for i, x in enumerate(pcts):
            require_number(f"top_pcts[{i}]", x, low=0, high=100, low_inclusive=False, high_inclusive=False)
        if len(set(pcts)) != len(list(pcts)):
            raise ParameterError(f"parameter 'top_pcts' = {pcts!r} has duplicates")
        p["top_pcts"] = [float(x) for x in pcts]
    if "claim_visitor_pct" in p:
        require_number("claim_visitor_pct", p["claim_visitor_pct"], low=0, high=100,
                       low_inclusive=False, high_inclusive=False)
    for name in ("events_path", "truth_path"):
        if name in p:
            p[name] = None if p[name] in ("", None) else require_file(name, p[name])
    if "as_of" in p and p["as_of"] is not None:
        p["as_of"] = require_date("as_of", p["as_of"])
    for name in ("new_days", "inactive_days", "cart_days"):
        if name in p:
            p[name] = require_number(name, p[name], low=1, high=3650, integer=True)
    if "loyal_min_orders" in p:
        p["loyal_min_orders"] = require_number("loyal_min_orders", p["loyal_min_orders"], low=2, integer=True)
    if "category_min_share" in p:
        require_number("category_min_share", p["category_min_share"], low=0, high=1, low_inclusive=False)
    if "min_support" in p:
        require_number("min_support", p["min_support"], low=0, high=1, low_inclusive=False,
                       high_inclusive=False)
    if "seed" in p:
        p["seed"] = require_number("seed", p["seed"], low=0, integer=True)
    return p


# ---------------------------------------------------------------------------------------------
# Returns and zero-value lines
# ---------------------------------------------------------------------------------------------

def prepare_transactions(transactions: pd.DataFrame, *, returns: str = "drop",
                         observation_end: str | pd.Timestamp | None = None,
                         customer_col: str = "customer_id", date_col: str = "date",
                         amount_col: str = "amount") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Handle non-positive amounts (returns, zero-value lines) and report what was done.

    Parameters
    ----------
    transactions : DataFrame
        One row per purchase line, amounts in one currency (e.g. USD).
    returns : {"drop", "net"}
        ``"drop"``: remove every line with amount <= 0. ``"net"``: subtract each non-positive
        line from the same customer's latest purchase on or before its date; purchases netted
        down to <= 0 are removed; returns with no earlier purchase are removed.
    observation_end : date, optional
        Lines dated after this day are excluded first (and counted); default: keep all.

    Returns
    -------
    (DataFrame, DataFrame)
        The purchases (every amount > 0, same columns, sorted by customer and date), and a
        data-quality table ``rule, rows, amount`` (amount in the table's currency) with one row
        per rule, zero counts included.

    Raises
    ------
    DataContractError
        Missing columns, empty table, empty or non-finite values, or no purchase left.
    ParameterError
        If ``returns`` is not one of ``drop``, ``net``.

    Notes
    -----
    Net revenue is preserved by ``"net"`` except for returns that cannot be matched and purchases
    netted below zero: :math:`\\sum_{kept} a = \\sum_{all} a - \\text{unmatched} - \\text{negative remainders}`.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a"], "date": pd.to_datetime(["2024-01-01", "2024-01-03"]),
    ...                    "amount": [30.0, -10.0]})
    >>> clean, quality = prepare_transactions(tx, returns="net")
    >>> clean["amount"].tolist()
    [20.0]
    """
    if returns not in RETURNS:
        raise ParameterError(f"parameter 'returns' = {returns!r} is not allowed; choose one of {list(RETURNS)}")
    _check_transactions(transactions, customer_col, date_col, amount_col, "transactions")
    tx = transactions.sort_values([customer_col, date_col], kind="stable").reset_index(drop=True)
    late_rule = (0, 0.0)
    if observation_end is not None:
        end = pd.Timestamp(observation_end)
        late = tx[date_col] >= end.normalize() + pd.Timedelta(days=1)
        late_rule = (int(late.sum()), float(tx.loc[late, amount_col].sum()))
        tx = tx.loc[~late].reset_index(drop=True)
    nonpos = tx[amount_col] <= 0
    rules = {"date after observation_end: excluded": late_rule,
             "amount <= 0: line dropped": (0, 0.0),
             "amount <= 0: netted against an earlier purchase": (0, 0.0),
             "amount <= 0: no earlier purchase, dropped": (0, 0.0),
             "purchase netted to <= 0: dropped": (0, 0.0)}
    if returns == "drop":
        rules["amount <= 0: line dropped"] = (int(nonpos.sum()), float(tx.loc[nonpos, amount_col].sum()))
        clean = tx.loc[~nonpos].copy()
    else:
        purchases = tx.loc[~nonpos].copy()
        purchases["_row"] = np.arange(len(purchases))
        rets = tx.loc[nonpos, [customer_col, date_col, amount_col]].copy()
        matched = pd.merge_asof(rets.sort_values(date_col), purchases[[customer_col, date_col, "_row"]]
                                .sort_values(date_col), on=date_col, by=customer_col, direction="backward")
        ok = matched["_row"].notna()
        rules["amount <= 0: netted against an earlier purchase"] = (int(ok.sum()),
                                                                    float(matched.loc[ok, amount_col].sum()))
        rules["amount <= 0: no earlier purchase, dropped"] = (int((~ok).sum()),
                                                              float(matched.loc[~ok, amount_col].sum()))
        adjust = matched.loc[ok].groupby("_row")[amount_col].sum()
        amounts = purchases[amount_col].to_numpy(dtype="float64").copy()
        amounts[adjust.index.to_numpy(dtype="int64")] += adjust.to_numpy()
        purchases[amount_col] = amounts
        gone = purchases[amount_col] <= 0
        rules["purchase netted to <= 0: dropped"] = (int(gone.sum()), float(purchases.loc[gone, amount_col].sum()))
        clean = purchases.loc[~gone].drop(columns="_row")
    if clean.empty:
        raise DataContractError(f"transactions: no purchase with {amount_col!r} > 0 is left after returns={returns!r}")
    quality = pd.DataFrame([(k, n, a) for k, (n, a) in rules.items()], columns=["rule", "rows", "amount"])
    return clean.reset_index(drop=True), quality


# ---------------------------------------------------------------------------------------------
# Customers, RFM scores and named segments
# ---------------------------------------------------------------------------------------------

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
        ``periods_since_last`` (= T - recency, in ``freq`` periods) and ``revenue`` (sum of all
        amounts up to the observation end, first purchase included, same currency).

    Raises
    ------
    DataContractError, ParameterError
        As :func:`summary_from_transactions`.

    Notes
    -----
    :math:`\\text{revenue}_c = \\sum_{t \\le E} a_{c,t}`; periods since last purchase
    :math:`= T - \\text{recency} = p_E - p_n`.

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
    next_start = _period_start(_period_index(end, freq) + 1, freq)
    kept = transactions[date_col] < next_start
    revenue = transactions.loc[kept].groupby(customer_col)[amount_col].sum()
    out = summary.copy()
    out["purchase_periods"] = out["frequency"] + 1
    out["periods_since_last"] = out["T"] - out["recency"]
    out["revenue"] = revenue.reindex(out.index).astype("float64").to_numpy()
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
    from helpers.contracts import (
    require_columns,
)

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


def rfm_segments(customers: pd.DataFrame, *, bins: int = 5) -> pd.DataFrame:
    """RFM scores and a named segment per customer.

    Parameters
    ----------
    customers : DataFrame
        From :func:`customer_table`: ``periods_since_last``, ``purchase_periods``, ``revenue``.
    bins : int, 3..10
        Quantile bins for each score.

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
    R scores ``periods_since_last`` (fewer = higher), F ``purchase_periods``, M ``revenue``
    (see :func:`quantile_score`). Levels: low if :math:`s \\le q/3`, high if :math:`s > 2q/3`,
    else mid; the segment is the cell of (R level, FM level) in :data:`SEGMENT_GRID`, e.g.
    high R and high FM = ``champions``, low R and high FM = ``at_risk``.

    Examples
    --------
    >>> c = pd.DataFrame({"periods_since_last": [1, 2, 30, 40, 5, 60], "purchase_periods": [5, 1, 6, 1, 2, 1],
    ...                   "revenue": [500.0, 10.0, 600.0, 15.0, 80.0, 5.0]})
    >>> rfm_segments(c, bins=3)["segment"].tolist()
    ['champions', 'new', 'loyal', 'hibernating', 'need_attention', 'lost']
    """
    from helpers.contracts import (
    require_columns,
)

    require_columns(customers, ["periods_since_last", "purchase_periods", "revenue"], source="customers")
    out = customers.copy()
    out["r_score"] = quantile_score(out["periods_since_last"], bins, higher_is_better=False)
    out["f_score"] = quantile_score(out["purchase_periods"], bins)
    out["m_score"] = quantile_score(out["revenue"], bins)
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
    from helpers.contracts import (
    require_columns,
)

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


# ---------------------------------------------------------------------------------------------
# Revenue concentration
# ---------------------------------------------------------------------------------------------

def _revenue_array(revenue: pd.Series | np.ndarray) -> np.ndarray:
    x = np.asarray(revenue, dtype="float64")
    if x.size == 0:
        raise ValueError("revenue concentration needs at least one customer")
    if not np.isfinite(x).all() or (x < 0).any():
        raise ValueError("revenue per customer must be finite and >= 0 (net returns or drop them first)")
    if not x.sum() > 0:
        raise ValueError("total revenue must be > 0")
    return x


def lorenz_curve(revenue: pd.Series | np.ndarray) -> pd.DataFrame:
    """Lorenz curve of revenue over customers (poorest first), starting at (0, 0).

    Parameters
    ----------
    revenue : array-like
        Revenue per customer (>= 0, one currency).

    Returns
    -------
    DataFrame
        ``customer_share`` and ``revenue_share`` (cumulative, 0..1), n + 1 rows.

    Raises
    ------
    ValueError
        Empty, negative, non-finite, or all-zero revenue.

    Notes
    -----
    With :math:`x_{(1)} \\le \\dots \\le x_{(n)}`: :math:`L(i/n) = \\sum_{j \\le i} x_{(j)} / \\sum_j x_j`.

    Examples
    --------
    >>> lorenz_curve([1.0, 3.0])["revenue_share"].tolist()
    [0.0, 0.25, 1.0]
    """
    x = np.sort(_revenue_array(revenue))
    cum = np.concatenate([[0.0], np.cumsum(x)])
    cum = cum / cum[-1]  # ends at exactly 1
    return pd.DataFrame({"customer_share": np.arange(x.size + 1) / x.size, "revenue_share": cum})


def gini(revenue: pd.Series | np.ndarray) -> float:
    """Gini coefficient of revenue over customers (0 = equal, towards 1 = concentrated).

    Parameters
    ----------
    revenue : array-like
        Revenue per customer (>= 0, one currency).

    Returns
    -------
    float in [0, 1 - 1/n].

    Raises
    ------
    ValueError
        Empty, negative, non-finite, or all-zero revenue.

    Notes
    -----
    With ascending :math:`x_{(i)}`: :math:`G = \\frac{\\sum_i (2i - n - 1)\\,x_{(i)}}{n \\sum_i x_i}`
    (twice the area between the diagonal and the Lorenz curve).

    Examples
    --------
    >>> gini([0.0, 0.0, 0.0, 4.0])
    0.75
    """
    x = np.sort(_revenue_array(revenue))
    n = x.size
    i = np.arange(1, n + 1)
    return float(np.sum((2 * i - n - 1) * x) / (n * x.sum()))


def top_share(revenue: pd.Series | np.ndarray, pct: float) -> float:
    """Share of revenue made by the top ``pct`` % of customers.

    Parameters
    ----------
    revenue : array-like
        Revenue per customer (>= 0, one currency).
    pct : float in (0, 100)
        The top group: the :math:`k = \\lceil n\\,pct/100 \\rceil` customers with the most revenue.

    Returns
    -------
    float in (0, 1].

    Raises
    ------
    ValueError
        Bad revenue or ``pct`` outside (0, 100).

    Notes
    -----
    :math:`S(pct) = \\sum_{i \\le k} x_{[i]} / \\sum x`, :math:`x_{[1]} \\ge x_{[2]} \\ge \\dots`.

    Examples
    --------
    >>> top_share([1.0, 1.0, 2.0, 6.0], 25)
    0.6
    """
    if isinstance(pct, bool) or not isinstance(pct, (int, float, np.number)) or not 0 < pct < 100:
        raise ValueError(f"pct = {pct!r} must be a percentage in (0, 100)")
    x = np.sort(_revenue_array(revenue))[::-1]
    k = int(np.ceil(x.size * pct / 100 - 1e-9))
    return float(x[:max(k, 1)].sum() / x.sum())


def share_customers_for(revenue: pd.Series | np.ndarray, revenue_share: float = 0.9) -> float:
    """Smallest share of customers (richest first) that makes ``revenue_share`` of revenue.

    Parameters
    ----------
    revenue : array-like
        Revenue per customer (>= 0, one currency).
    revenue_share : float in (0, 1]
        Target share of total revenue (0.9 for the "90% of revenue" claim).

    Returns
    -------
    float in (0, 1]: :math:`k^*/n`.

    Raises
    ------
    ValueError
        Bad revenue or ``revenue_share`` outside (0, 1].

    Notes
    -----
    :math:`k^* = \\min\\{k : \\sum_{i \\le k} x_{[i]} \\ge r \\sum x\\}` (richest first).

    Examples
    --------
    >>> share_customers_for([1.0, 1.0, 2.0, 6.0], 0.8)
    0.5
    """
    if not 0 < revenue_share <= 1:
        raise ValueError(f"revenue_share = {revenue_share!r} must be in (0, 1]")
    x = np.sort(_revenue_array(revenue))[::-1]
    cum = np.cumsum(x) / x.sum()
    k = int(np.searchsorted(cum, revenue_share - 1e-12, side="left")) + 1
    return float(min(k, x.size) / x.size)


def top_share_key(pct: float) -> str:
    """Result key for the revenue share of the top ``pct`` %: ``top_share.5``, ``top_share.2_5``.

    The percentage is written with ``:g`` and its decimal point becomes ``_``.

    Examples
    --------
    >>> top_share_key(5.0), top_share_key(2.5)
    ('top_share.5', 'top_share.2_5')
    """
    from helpers.results import key

    return key("top_share", f"{pct:g}")


def max_conversion_for_claim(buyer_share: float, visitor_share: float) -> float:
    """Largest buyer/visitor conversion at which ``buyer_share`` of buyers is < ``visitor_share`` of visitors.

    Parameters
    ----------
    buyer_share : float in (0, 1]
        Share of buyers that makes the revenue (e.g. :func:`share_customers_for` at 0.9).
    visitor_share : float in (0, 1)
        The claim's share of visitors (0.05 for "under 5% of visitors").

    Returns
    -------
    float in (0, 1]: the claim holds for visitors whenever buyers / visitors is below this.

    Raises
    ------
    ValueError
        Shares outside their ranges.

    Notes
    -----
    Those :math:`s_b` buyers are :math:`s_b\\,c` of visitors at conversion :math:`c`, so the claim
    needs :math:`c < s_v / s_b` (capped at 1: then it holds among buyers already).

    Examples
    --------
    >>> max_conversion_for_claim(0.5, 0.05)
    0.1
    """
    if not 0 < buyer_share <= 1 or not 0 < visitor_share < 1:
        raise ValueError(f"buyer_share = {buyer_share!r} must be in (0, 1] and visitor_share = "
                         f"{visitor_share!r} in (0, 1)")
    return float(min(1.0, visitor_share / buyer_share))


# ---------------------------------------------------------------------------------------------
# Synthetic event log (views, cart adds, purchases) with planted bought-together pairs
# ---------------------------------------------------------------------------------------------

CATEGORIES = ("books", "music", "electronics", "home", "beauty")
EVENT_KINDS = ("view", "cart_add", "purchase")
#: Planted pairs: (product A, product B, designed lift P(A and B) / (P(A) P(B)) over all baskets).
PLANTED_PAIRS = (("P03", "P17", 4.0), ("P08", "P29", 3.0), ("P22", "P35", 2.5))
#: Basket chance of the first and second product of each planted pair.
PLANTED_BASE = (0.10, 0.08)
EVENTS_SEED = 6
EVENTS_START = pd.Timestamp("2024-01-01")
EVENTS_DAYS = 182  # 2024-01-01 .. 2024-06-30


def _catalogue(rng: np.random.Generator, n_products: int) -> pd.DataFrame:
    ids = [f"P{i:02d}" for i in range(1, n_products + 1)]
    cats = [CATEGORIES[i % len(CATEGORIES)] for i in range(n_products)]
    prices = np.round(rng.lognormal(3.0, 0.6, n_products), 2)
    base = rng.uniform(0.02, 0.08, n_products)  # chance each product is in a basket
    for a, b, _lift in PLANTED_PAIRS:  # planted products: popular enough for a precise lift
        for product, chance in ((a, PLANTED_BASE[0]), (b, PLANTED_BASE[1])):
            if product in ids:
                base[ids.index(product)] = chance
    return pd.DataFrame({"product_id": ids, "category": cats, "price": prices, "p": base})


def planted_truth(catalogue: pd.DataFrame | None = None, seed: int = EVENTS_SEED,
                  n_products: int = 40) -> pd.DataFrame:
    """The planted pairs with their lift among non-empty orders (the value an analysis should find).

    Parameters
    ----------
    catalogue : DataFrame, optional
        From the generator (``product_id``, ``p``); default: the catalogue of ``seed``.
    seed : int
        Seed of :func:`generate_events`.

    Returns
    -------
    DataFrame
        ``product_a, product_b, design_lift, lift``: ``lift`` = design lift times the chance a
        basket is non-empty (empty baskets are not orders).

    Notes
    -----
    Basket items are independent Bernoulli(:math:`p_i`) except each planted pair (A, B), where
    :math:`P(B\\mid A) = L\\,p_B` and :math:`P(B\\mid\\lnot A) = p_B (1 - L p_A)/(1 - p_A)`, so
    :math:`P(B) = p_B` and the lift is :math:`L`. Among non-empty baskets (probability
    :math:`\\pi`) every share of baskets is divided by :math:`\\pi`, so the lift becomes :math:`L\\pi`.

    Examples
    --------
    >>> t = planted_truth()
    >>> bool((t["lift"] < t["design_lift"]).all())
    True
    """
    if catalogue is None:
        catalogue = _catalogue(np.random.default_rng(seed), n_products)
    p = catalogue.set_index("product_id")["p"]
    p_empty = 1.0
    paired = set()
    for a, b, lift in PLANTED_PAIRS:
        pa, pb = p[a], p[b]
        pb_not_a = pb * (1 - lift * pa) / (1 - pa)
        p_empty *= (1 - pa) * (1 - pb_not_a)
        paired |= {a, b}
    p_empty *= float(np.prod([1 - v for k, v in p.items() if k not in paired]))
    return pd.DataFrame([(a, b, lift, lift * (1 - p_empty)) for a, b, lift in PLANTED_PAIRS],
                        columns=["product_a", "product_b", "design_lift", "lift"])


def generate_events(seed: int = EVENTS_SEED, *, n_customers: int = 1500, n_products: int = 40,
                    mean_orders: float = 4.0) -> pd.DataFrame:
    """A seeded synthetic event log: views, cart adds and purchases with product and category.

    Parameters
    ----------
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same log.
    n_customers : int
        Customers (ids ``U0001``...), first seen uniformly over 2024-01-01..2024-06-30.
    n_products : int
        Products ``P01``... in five categories, prices lognormal (USD).
    mean_orders : float
        Mean orders per customer over the half-year (gamma-Poisson, so some are loyal).

    Returns
    -------
    DataFrame
        ``event_time`` (datetime64, seconds), ``customer_id``, ``event`` (view, cart_add,
        purchase), ``product_id``, ``category``, ``order_id`` (purchases only, else empty),
        ``price`` (USD), sorted by time. Bought-together pairs are planted per
        :data:`PLANTED_PAIRS` (see :func:`planted_truth` for the lift to expect).

    Raises
    ------
    ValueError
        If a size is < 1.

    Notes
    -----
    Each order is viewed and carted before it is bought (same session, minutes apart); besides
    orders, customers browse (views of their preferred category 60% of the time) and abandon
    carts. Basket contents follow :func:`planted_truth`; an empty basket is redrawn.

    Examples
    --------
    >>> ev = generate_events(1, n_customers=20)
    >>> sorted(ev["event"].unique())
    ['cart_add', 'purchase', 'view']
    """
    if min(n_customers, n_products) < 1 or mean_orders <= 0:
        raise ValueError("n_customers, n_products and mean_orders must be >= 1 / > 0")
    rng = np.random.default_rng(seed)
    cat = _catalogue(rng, n_products)
    pid = cat["product_id"].to_numpy()
    idx = {p: i for i, p in enumerate(pid)}
    p = cat["p"].to_numpy()
    pairs = [(idx[a], idx[b], lift) for a, b, lift in PLANTED_PAIRS if a in idx and b in idx]
    paired = {i for a, b, _ in pairs for i in (a, b)}
    free = np.array([i for i in range(n_products) if i not in paired], dtype=int)

    def basket() -> np.ndarray:
        while True:
            items = list(free[rng.random(free.size) < p[free]])
            for a, b, lift in pairs:
                has_a = rng.random() < p[a]
                pb = p[b] * lift if has_a else p[b] * (1 - lift * p[a]) / (1 - p[a])
                if has_a:
                    items.append(a)
                if rng.random() < pb:
                    items.append(b)
            if items:
                return np.array(sorted(items))

    cats = cat["category"].to_numpy()
    by_cat = {c: np.flatnonzero(cats == c) for c in CATEGORIES}
    rows: list[tuple] = []
    order_no = 0
    for u in range(1, n_customers + 1):
        cid = f"U{u:04d}"
        first = rng.uniform(0, EVENTS_DAYS - 1)
        pref = CATEGORIES[rng.integers(len(CATEGORIES))]
        rate = rng.gamma(0.8, mean_orders / 0.8)
        span = EVENTS_DAYS - first
        n_orders = rng.poisson(rate * span / EVENTS_DAYS)
        n_browse = 1 + rng.poisson(1.5 * span / EVENTS_DAYS)
        for _ in range(n_browse):  # browsing sessions: views, sometimes an abandoned cart
            t = first if _ == 0 else rng.uniform(first, EVENTS_DAYS)
            for k in range(rng.integers(1, 4)):
                pool = by_cat[pref] if rng.random() < 0.6 else np.arange(n_products)
                j = rng.choice(pool)
                rows.append((t + k * 2 / 1440, cid, "view", j, ""))
                if rng.random() < 0.12:
                    rows.append((t + (k * 2 + 1) / 1440, cid, "cart_add", j, ""))
        for _ in range(n_orders):
            t = rng.uniform(first, EVENTS_DAYS)
            order_no += 1
            oid = f"O{order_no:05d}"
            for k, j in enumerate(basket()):
                rows.append((t + k * 3 / 1440, cid, "view", j, ""))
                rows.append((t + (k * 3 + 1) / 1440, cid, "cart_add", j, ""))
                rows.append((t + 0.02, cid, "purchase", j, oid))
    ev = pd.DataFrame(rows, columns=["t", "customer_id", "event", "j", "order_id"])
    ev = ev[ev["t"] < EVENTS_DAYS]
    ev["event_time"] = (EVENTS_START + pd.to_timedelta(np.round(ev["t"].to_numpy() * 86400), unit="s")
                        ).astype("datetime64[s]")
    ev["product_id"] = pid[ev["j"].to_numpy()]
    ev["category"] = cats[ev["j"].to_numpy()]
    ev["price"] = cat["price"].to_numpy()[ev["j"].to_numpy()]
    ev = ev.sort_values(["event_time", "customer_id", "order_id", "product_id", "event"], kind="stable")
    return ev[["event_time", "customer_id", "event", "product_id", "category", "order_id", "price"]
              ].reset_index(drop=True)


def write_synthetic(out_dir: Path) -> list[Path]:
    """Write ``segments_events.csv`` and ``segments_planted_pairs.csv`` (seed 6), byte-identically.

    Examples
    --------
    >>> import tempfile
    >>> [p.name for p in write_synthetic(Path(tempfile.mkdtemp()))]
    ['segments_events.csv', 'segments_planted_pairs.csv']
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    events = generate_events(EVENTS_SEED)
    ev = events.assign(event_time=events["event_time"].dt.strftime("%Y-%m-%dT%H:%M:%S"))
    truth = planted_truth(seed=EVENTS_SEED)
    paths = [out_dir / "segments_events.csv", out_dir / "segments_planted_pairs.csv"]
    ev.to_csv(paths[0], index=False, lineterminator="\n", float_format="%.2f")
    truth.to_csv(paths[1], index=False, lineterminator="\n", float_format="%.4f")
    return paths


# ---------------------------------------------------------------------------------------------
# Dynamic groups and bought-together
# ---------------------------------------------------------------------------------------------

GROUPS = ("new", "inactive", "abandoned_cart", "loyal")


def _check_events(events: pd.DataFrame, columns: list[str], source: str = "events") -> None:
    from helpers.contracts import (
    require_columns,
)

    if not isinstance(events, pd.DataFrame):
        raise DataContractError(f"{source}: expected a DataFrame, got {type(events).__name__}")
    require_columns(events, columns, source=source)
    if events.empty:
        raise DataContractError(f"{source}: the table has no rows")


def dynamic_groups(events: pd.DataFrame, *, as_of: str | pd.Timestamp | None = None, new_days: int = 30,
                   inactive_days: int = 60, cart_days: int = 14, loyal_min_orders: int = 4,
                   category_min_share: float = 0.5) -> pd.DataFrame:
    """Assign customers to the dynamic groups of a personalisation engine (a customer may be in several).

    Parameters
    ----------
    events : DataFrame
        ``event_time`` (datetime64), ``customer_id``, ``event`` (view, cart_add, purchase),
        ``product_id``, ``category``, ``order_id`` (purchases).
    as_of : date, optional
        When the groups are evaluated; default: the last event. Later events are an error.
    new_days : int >= 1
        ``new``: first event within the last ``new_days`` days.
    inactive_days : int >= 1
        ``inactive``: no event in the last ``inactive_days`` days.
    cart_days : int >= 1
        ``abandoned_cart``: a cart add within the last ``cart_days`` days not followed by a
        purchase of that product.
    loyal_min_orders : int >= 2
        ``loyal``: at least this many distinct orders up to ``as_of``.
    category_min_share : float in (0, 1]
        ``prefers_<category>``: at least this share of the customer's views (and >= 3 views).

    Returns
    -------
    DataFrame
        One row per (customer_id, group), sorted.

    Raises
    ------
    DataContractError
        Missing columns, empty log, unknown event kinds, events after ``as_of``.

    Notes
    -----
    With :math:`t_0, t_1` a customer's first and last event and :math:`A` = ``as_of``:
    new :math:`\\iff A - t_0 < d_{new}`; inactive :math:`\\iff A - t_1 \\ge d_{inactive}`;
    preference for category :math:`k` :math:`\\iff v_k / \\sum_j v_j \\ge s`.

    Examples
    --------
    >>> ev = pd.DataFrame({"event_time": pd.to_datetime(["2024-06-01", "2024-06-29"]),
    ...                    "customer_id": ["a", "b"], "event": ["view", "cart_add"],
    ...                    "product_id": ["P1", "P2"], "category": ["books", "music"], "order_id": ["", ""]})
    >>> dynamic_groups(ev, as_of="2024-06-30", inactive_days=20)["group"].tolist()
    ['inactive', 'abandoned_cart', 'new']
    """
    _check_events(events, ["event_time", "customer_id", "event", "product_id", "category", "order_id"])
    bad = ~events["event"].isin(EVENT_KINDS)
    if bad.any():
        raise DataContractError(f"events: column 'event' allows only {list(EVENT_KINDS)}; "
                                f"rows {np.flatnonzero(bad.to_numpy())[:5].tolist()} have "
                                f"{events.loc[bad, 'event'].unique()[:5].tolist()}")
    t = events["event_time"]
    if not pd.api.types.is_datetime64_dtype(t.dtype):
        raise DataContractError(f"events: column 'event_time' must be naive datetime64; it is {t.dtype}")
    day = (t.max() if as_of is None else pd.Timestamp(as_of)).normalize()
    end = day + pd.Timedelta(days=1)  # groups are evaluated at the end of the as_of day
    late = t >= end
    if late.any():
        raise DataContractError(f"events: column 'event_time' has {int(late.sum())} event(s) after as_of "
                                f"{day.date()} (the last on {t.max()}); move as_of or filter the log")
    g = events.groupby("customer_id")["event_time"]
    first, last = g.min(), g.max()
    out: list[tuple[str, str]] = []
    out += [(c, "new") for c in first.index[(end - first) < pd.Timedelta(days=new_days)]]
    out += [(c, "inactive") for c in last.index[(end - last) >= pd.Timedelta(days=inactive_days)]]
    carts = events.loc[(events["event"] == "cart_add") & (t >= end - pd.Timedelta(days=cart_days)),
                       ["customer_id", "product_id", "event_time"]]
    buys = events.loc[events["event"] == "purchase"].groupby(["customer_id", "product_id"])["event_time"].max()
    carts = carts.join(buys.rename("bought"), on=["customer_id", "product_id"])
    abandoned = carts[carts["bought"].isna() | (carts["bought"] < carts["event_time"])]
    out += [(c, "abandoned_cart") for c in abandoned["customer_id"].unique()]
    orders = events.loc[events["event"] == "purchase"].groupby("customer_id")["order_id"].nunique()
    out += [(c, "loyal") for c in orders.index[orders >= loyal_min_orders]]
    views = events.loc[events["event"] == "view"].groupby(["customer_id", "category"]).size()
    if not views.empty:
        total = views.groupby(level=0).transform("sum")
        pref = views[(views / total >= category_min_share) & (total >= 3)]
        out += [(c, f"prefers_{k}") for c, k in pref.index]
    groups = pd.DataFrame(out, columns=["customer_id", "group"])
    return groups.sort_values(["customer_id", "group"], kind="stable").reset_index(drop=True)


def group_sizes(groups: pd.DataFrame, n_customers: int) -> pd.DataFrame:
    """Customers per dynamic group and their share of all customers (groups overlap).

    Parameters
    ----------
    groups : DataFrame
        From :func:`dynamic_groups`.
    n_customers : int >= 1
        All customers in the log (the denominator).

    Returns
    -------
    DataFrame
        Indexed by group (fixed groups first, then category preferences): ``customers``, ``share``.

    Raises
    ------
    ValueError
        If ``n_customers`` < 1 or smaller than a group.

    Notes
    -----
    :math:`\\text{share}_g = |g| / N`; shares need not sum to 1.

    Examples
    --------
    >>> float(group_sizes(pd.DataFrame({"customer_id": ["a", "b"], "group": ["new", "new"]}), 4).loc["new", "share"])
    0.5
    """
    if n_customers < 1:
        raise ValueError(f"n_customers = {n_customers} must be >= 1")
    counts = groups.groupby("group")["customer_id"].nunique()
    prefs = sorted(g for g in counts.index if g not in GROUPS)
    out = pd.DataFrame({"customers": counts.reindex(list(GROUPS) + prefs).fillna(0).astype("int64")})
    if (out["customers"] > n_customers).any():
        raise ValueError(f"n_customers = {n_customers} is smaller than a group")
    out["share"] = out["customers"] / n_customers
    out.index.name = "group"
    return out


def bought_together(lines: pd.DataFrame, *, min_support: float = 0.01, order_col: str = "order_id",
                    product_col: str = "product_id") -> pd.DataFrame:
    """Support, confidence and lift of product pairs bought in the same order.

    Parameters
    ----------
    lines : DataFrame
        Order lines: ``order_col`` and ``product_col`` (a product repeated in one order counts once).
    min_support : float in (0, 1)
        Keep pairs bought together in at least this share of orders.

    Returns
    -------
    DataFrame
        ``product_a, product_b`` (a < b), ``orders_ab``, ``support_a``, ``support_b``,
        ``support_ab``, ``confidence_a_to_b``, ``confidence_b_to_a``, ``lift``; sorted by lift
        (then support) descending. Empty if no pair reaches ``min_support``.

    Raises
    ------
    DataContractError
        Missing columns or no orders.
    ValueError
        ``min_support`` outside (0, 1).

    Notes
    -----
    Over :math:`N` orders: :math:`s(X) = N_X / N`, :math:`\\text{conf}(A \\to B) = s(AB)/s(A)`,
    :math:`\\text{lift}(A, B) = s(AB) / (s(A)\\,s(B))` (1 = independent).

    Examples
    --------
    >>> lines = pd.DataFrame({"order_id": ["o1", "o1", "o2", "o3", "o3", "o4"],
    ...                       "product_id": ["x", "y", "x", "x", "y", "z"]})
    >>> bought_together(lines, min_support=0.5)[["product_a", "product_b", "support_ab", "lift"]].values.tolist()
    [['x', 'y', 0.5, 1.3333333333333333]]
    """
    if not 0 < min_support < 1:
        raise ValueError(f"min_support = {min_support!r} must be in (0, 1)")
    _check_events(lines, [order_col, product_col], source="order lines")
    items = lines[[order_col, product_col]].dropna().drop_duplicates()
    items = items[items[order_col].astype(str) != ""]
    n = items[order_col].nunique()
    if n == 0:
        raise DataContractError("order lines: no order ids")
    support = items.groupby(product_col)[order_col].nunique() / n
    pairs = items.merge(items, on=order_col, suffixes=("_a", "_b"))
    pairs = pairs[pairs[f"{product_col}_a"].astype(str) < pairs[f"{product_col}_b"].astype(str)]
    counts = pairs.groupby([f"{product_col}_a", f"{product_col}_b"]).size().rename("orders_ab").reset_index()
    counts.columns = ["product_a", "product_b", "orders_ab"]
    counts["support_a"] = counts["product_a"].map(support).to_numpy()
    counts["support_b"] = counts["product_b"].map(support).to_numpy()
    counts["support_ab"] = counts["orders_ab"] / n
    counts = counts[counts["support_ab"] >= min_support - 1e-12].copy()
    counts["confidence_a_to_b"] = counts["support_ab"] / counts["support_a"]
    counts["confidence_b_to_a"] = counts["support_ab"] / counts["support_b"]
    counts["lift"] = counts["support_ab"] / (counts["support_a"] * counts["support_b"])
    counts = counts.sort_values(["lift", "support_ab", "product_a", "product_b"],
                                ascending=[False, False, True, True], kind="stable")
    counts.attrs["orders"] = n
    return counts.reset_index(drop=True)


def concentration_summary(revenue: pd.Series | np.ndarray, *, top_pcts: list[float] = (5.0,),
                          claim_visitor_pct: float = 5.0, claim_revenue_share: float = 0.9) -> pd.DataFrame:
    """Headline concentration figures and the check of "under x% of visitors make 90% of revenue".

    Parameters
    ----------
    revenue : array-like
        Revenue per *buying* customer (>= 0, one currency).
    top_pcts : list of float in (0, 100)
        Top shares of customers to report.
    claim_visitor_pct : float in (0, 100)
        The claim's share of visitors, % (5 in seed 004).
    claim_revenue_share : float in (0, 1]
        The claim's share of revenue (0.9).

    Returns
    -------
    DataFrame
        Indexed by metric: ``customers``, ``gini``, one ``top_share.<x>`` per ``top_pcts``
        (key form of :func:`top_share_key`), ``share_customers_for_90pct_revenue``,
        ``claim_holds_among_buyers`` (1.0/0.0), ``max_conversion_for_claim``; column ``value``.

    Raises
    ------
    ValueError
        As :func:`gini`, :func:`top_share`, :func:`max_conversion_for_claim`.

    Notes
    -----
    The claim holds among buyers iff :math:`S(x) \\ge 0.9`, i.e. :math:`k^*/n \\le x/100`; among
    visitors it holds iff the conversion :math:`c < (x/100) / (k^*/n)`.

    Examples
    --------
    >>> s = concentration_summary([1.0, 1.0, 2.0, 6.0], top_pcts=[25.0], claim_visitor_pct=25.0)
    >>> float(s.loc["top_share.25", "value"]), round(float(s.loc["max_conversion_for_claim", "value"]), 4)
    (0.6, 0.3333)
    """
    x = _revenue_array(revenue)
    share_90 = share_customers_for(x, claim_revenue_share)
    rows = [("customers", float(x.size)), ("gini", gini(x))]
    rows += [(top_share_key(pct), top_share(x, pct)) for pct in top_pcts]
    rows += [("share_customers_for_90pct_revenue", share_90),
             ("claim_holds_among_buyers", float(share_90 <= claim_visitor_pct / 100)),
             ("max_conversion_for_claim", max_conversion_for_claim(share_90, claim_visitor_pct / 100))]
    return pd.DataFrame(rows, columns=["metric", "value"]).set_index("metric")


def pairs_vs_truth(pairs: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """Join found pairs with planted ones: found lift, planted lift, relative error, rank.

    Parameters
    ----------
    pairs : DataFrame
        From :func:`bought_together` (sorted by lift).
    truth : DataFrame
        ``product_a, product_b, lift`` (planted lift among orders).

    Returns
    -------
    DataFrame
        One row per planted pair: ``product_a, product_b, planted_lift, found_lift, rel_error``
        (found / planted - 1; NaN if the pair fell below ``min_support``), ``rank`` (1 = highest
        lift; 0 if not found).

    Raises
    ------
    DataContractError
        Missing columns.

    Notes
    -----
    :math:`\\text{rel error} = \\widehat{\\text{lift}} / \\text{lift} - 1`.

    Examples
    --------
    >>> found = pd.DataFrame({"product_a": ["x"], "product_b": ["y"], "lift": [2.2]})
    >>> truth = pd.DataFrame({"product_a": ["x"], "product_b": ["y"], "lift": [2.0]})
    >>> round(float(pairs_vs_truth(found, truth).loc[0, "rel_error"]), 3)
    0.1
    """
    from helpers.contracts import (
    require_columns,
)

    require_columns(pairs, ["product_a", "product_b", "lift"], source="pairs")
    require_columns(truth, ["product_a", "product_b", "lift"], source="planted pairs")
    ranked = pairs[["product_a", "product_b", "lift"]].assign(rank=np.arange(1, len(pairs) + 1))
    out = truth[["product_a", "product_b", "lift"]].rename(columns={"lift": "planted_lift"}).merge(
        ranked.rename(columns={"lift": "found_lift"}), on=["product_a", "product_b"], how="left")
    out["rel_error"] = out["found_lift"] / out["planted_lift"] - 1
    out["rank"] = out["rank"].fillna(0).astype("int64")
    return out[["product_a", "product_b", "planted_lift", "found_lift", "rel_error", "rank"]]
