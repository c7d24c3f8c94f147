"""RFM quantile scores and named segments, ranked by the engine (one window per score).

The same rules as the pandas reference (``quantile_score`` / ``rfm_segments`` of the segments
package): a customer's score is :math:`1 + \\lfloor q\\,(r - 1)/n \\rfloor` with :math:`r` the
minimum rank among :math:`n` customers (ties share it), the R score ranks fewer periods since the
last purchase higher, and the segment is the cell of (R level, FM level).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pandas as pd

from helpers.params import ParameterError
from helpers.warehouse.sources import require_columns

MIN_BINS, MAX_BINS = 3, 10
#: What the M score ranks: the average order value (default) or the total revenue.
MONETARY = {"average": "average_order_value", "total": "revenue"}
#: (recency level, frequency-monetary level) -> segment name, as in the segments package.
SEGMENT_GRID = {
    ("high", "high"): "champions", ("mid", "high"): "loyal", ("low", "high"): "at_risk",
    ("high", "mid"): "potential_loyalists", ("mid", "mid"): "need_attention", ("low", "mid"): "hibernating",
    ("high", "low"): "new", ("mid", "low"): "about_to_sleep", ("low", "low"): "lost",
}


def quantile_score_expr(value: ir.NumericValue, n: ir.IntegerValue, bins: int, *,
                        higher_is_better: bool = True) -> ir.IntegerValue:
    """Score 1..bins of ``value`` among all rows: :math:`1 + \\lfloor q\\,\\text{rank}_0 / n \\rfloor`.

    ``ibis.rank()`` is the 0-based minimum rank (ties share the lowest), i.e. :math:`r - 1`.

    Parameters
    ----------
    value : ibis.NumericValue
        The column to score.
    n : ibis.IntegerValue
        The number of rows scored.
    bins : int
        Number of scores (quantile bins).
    higher_is_better : bool
        Score the largest values ``bins``; else the smallest.

    Returns
    -------
    ibis.IntegerValue
    """
    order = value if higher_is_better else ibis.desc(value)
    rank0 = ibis.rank().over(order_by=order)
    return (1 + (bins * rank0) // n).cast("int64")


def _level(score: ir.NumericValue, bins: int) -> ir.StringValue:
    return ibis.cases((score <= bins / 3, "low"), (score > 2 * bins / 3, "high"), else_="mid")


def rfm_expr(customers: ir.Table, *, bins: int = 5, monetary: str = "average") -> ir.Table:
    """Lazy RFM scores: ``customers`` plus ``r_score, f_score, m_score, fm_score, segment``.

    Parameters
    ----------
    customers : ibis.Table
        The customer table (:func:`helpers.warehouse.summary.customer_table_from_table` columns).
    bins : int
        Scores per dimension (3..10).
    monetary : {"average", "total"}
        M from average order value or from total revenue.

    Returns
    -------
    ibis.Table
        Unexecuted.

    Raises
    ------
    ValueError
        If ``bins`` is outside its range.
    ParameterError
        If ``monetary`` is not one of the choices.
    """
    if isinstance(bins, bool) or not isinstance(bins, int) or not MIN_BINS <= bins <= MAX_BINS:
        raise ValueError(f"bins = {bins!r} must be a whole number in {MIN_BINS}..{MAX_BINS}")
    if monetary not in MONETARY:
        raise ParameterError(f"parameter 'monetary' = {monetary!r} is not allowed; choose one of {list(MONETARY)}")
    m_col = MONETARY[monetary]
    require_columns(customers, ["periods_since_last", "purchase_periods", m_col], source="customers")
    n = customers.count().as_scalar()
    scored = customers.mutate(
        r_score=quantile_score_expr(customers.periods_since_last, n, bins, higher_is_better=False),
        f_score=quantile_score_expr(customers.purchase_periods, n, bins),
        m_score=quantile_score_expr(customers[m_col], n, bins))
    scored = scored.mutate(fm_score=(scored.f_score + scored.m_score) / 2)
    r, fm = _level(scored.r_score, bins), _level(scored.fm_score, bins)
    segment = ibis.cases(*[((r == a) & (fm == b), name) for (a, b), name in SEGMENT_GRID.items()])
    return scored.mutate(segment=segment)


def rfm_from_table(customers: ir.Table | pd.DataFrame, *, bins: int = 5, monetary: str = "average",
                   customer_col: str = "customer_id") -> pd.DataFrame:
    """RFM scores and a named segment per customer, computed by the engine.

    Parameters
    ----------
    customers : ibis Table or DataFrame
        One row per customer with ``periods_since_last``, ``purchase_periods`` and
        ``average_order_value`` or ``revenue`` (the customer table; a DataFrame indexed by
        customer id is wrapped with ``ibis.memtable``).
    bins : int, 3..10
        Quantile bins per score.
    monetary : {"average", "total"}
        M ranks the average order value (default) or the total revenue, as the reference.
    customer_col : str
        Id column (the index name of a DataFrame).

    Returns
    -------
    DataFrame
        Indexed by customer id (sorted): the input columns plus ``r_score``, ``f_score``,
        ``m_score`` (int64, 1..bins), ``fm_score`` (float) and ``segment``.

    Raises
    ------
    DataContractError
        Missing columns.
    ParameterError
        ``monetary`` not one of average, total.
    ValueError
        ``bins`` outside 3..10.

    Notes
    -----
    Levels: low if :math:`s \\le q/3`, high if :math:`s > 2q/3`, else mid. Money ties are
    exact ties of the engine's sums: compute the customer table on the same engine.

    Examples
    --------
    >>> c = pd.DataFrame({"periods_since_last": [1, 2, 30, 40, 5, 60], "purchase_periods": [5, 1, 6, 1, 2, 1],
    ...                   "revenue": [500.0, 10.0, 600.0, 15.0, 80.0, 5.0]},
    ...                  index=pd.Index(list("abcdef"), name="customer_id"))
    >>> rfm_from_table(c, bins=3, monetary="total")["segment"].tolist()
    ['champions', 'new', 'loyal', 'hibernating', 'need_attention', 'lost']
    """
    if isinstance(customers, pd.DataFrame):
        customer_col = customers.index.name or customer_col
        frame = customers.reset_index()
        frame.attrs = {}
        customers = ibis.memtable(frame)
    out = rfm_expr(customers, bins=bins, monetary=monetary).execute()
    out = out.sort_values(customer_col, kind="stable").set_index(customer_col)
    return out.astype({"r_score": "int64", "f_score": "int64", "m_score": "int64", "fm_score": "float64"})
