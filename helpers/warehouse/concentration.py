"""Revenue concentration computed by the engine: Gini, top-x% shares, Lorenz points, the 90% claim.

Input: one row per buying customer with its revenue (e.g. the ``revenue`` column of the customer
table, or a ``group_by(customer).sum(amount)`` of the transactions). Every figure comes from two
queries that rank that table: the sums per Lorenz bucket (at most ``points + 1`` rows come back),
and a running sum inside the one bucket where the 90% claim is decided. What comes back is a
handful of numbers and ``points + 1`` Lorenz points, never one row per customer. Same
conventions as the pandas reference (``gini``, ``top_share``, ``share_customers_for``,
``lorenz_curve``, ``concentration_summary`` of the segments package).
"""

from __future__ import annotations

import math

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from helpers.results import key
from helpers.warehouse.sources import (
    BYTES_PER_CUSTOMER,
    check_passes,
    hash_passes,
    materialize,
    materialize_in_passes,
    memory_limit_bytes,
    require_columns,
)

LORENZ_POINTS = 100


def revenue_per_customer(t: ir.Table, *, customer_col: str = "customer_id", amount_col: str = "amount",
                         passes: int | None = None) -> ir.Table:
    """``customer_col, revenue``: the sum of ``amount_col`` per customer.

    Parameters
    ----------
    t : ibis.Table
        Purchase lines with ``customer_col`` and ``amount_col`` (one currency).
    customer_col, amount_col : str
        Column names.
    passes : int >= 1, optional
        Sum the customers in this many hash buckets, one query each, into one table on the
        engine. Default on DuckDB: enough for the aggregate to fit its memory limit, from an
        approximate count of the customers (:func:`helpers.warehouse.sources.hash_passes`);
        elsewhere 1. Same sums for any value.

    Returns
    -------
    ibis.Table
        One row per customer, ``revenue`` in the amounts' currency: unexecuted in one pass,
        computed on the engine in several.

    Raises
    ------
    DataContractError
        If a column is missing.
    ParameterError
        ``passes`` not a whole number >= 1.

    Examples
    --------
    >>> t = ibis.memtable({"customer_id": ["a", "b", "a"], "amount": [1.0, 2.0, 3.0]})
    >>> revenue_per_customer(t, passes=2).order_by("customer_id").revenue.execute().tolist()
    [4.0, 2.0]
    """
    require_columns(t, [customer_col, amount_col], source="transactions")
    check_passes(passes)

    def build(rows: ir.Table) -> ir.Table:
        return rows.group_by(customer_col).aggregate(revenue=rows[amount_col].cast("float64").sum())

    con = t._find_backend(use_default=True)
    if passes is None:
        passes = 1
        if memory_limit_bytes(con) is not None:
            customers = t[customer_col].approx_nunique().execute()
            passes = hash_passes(con, int(customers or 0), bytes_per_group=BYTES_PER_CUSTOMER)
    return build(t) if passes == 1 else materialize_in_passes(t, build, customer_col, passes)


def _ranked(t: ir.Table, revenue_col: str, n: int, points: int) -> ir.Table:
    """The ranking: ascending rank ``i`` (1 = poorest), the richest-first rank ``j = n + 1 - i``, and
    the Lorenz bucket ``b = ceil(i * points / n)``: the first point :math:`k_b = \\lfloor b n /
    \\text{points} \\rfloor` whose cumulative revenue counts rank ``i``. Ties hold equal values, so
    their order does not change any sum. No running sum over all customers (in DuckDB it cost
    three times the sort at 10M customers): cumulative revenue comes from the bucket sums."""
    base = t.select(x=t[revenue_col].cast("float64"))
    r = base.mutate(i=ibis.row_number().over(order_by=base.x) + 1)
    return r.mutate(j=n + 1 - r.i, b=(r.i * points + (n - 1)) // n)


def _richest_below(r: ir.Table, bucket_sums: dict[int, float], n: int, points: int, total: float,
                   share: float) -> int:
    """:math:`|\\{j : C_j / \\sum x < r\\}|`, :math:`C_j` the revenue of the ``j`` richest.

    :math:`C` at the first rank of bucket ``b`` is the sum of the buckets from ``b`` on; it falls
    with the rank, so every rank in the buckets after the last bucket ``B`` still at or above the
    share counts, and only bucket ``B``'s ranks (about n / points) need a running sum, from its
    richest down, on the engine.
    """
    filled = sorted(bucket_sums)
    suffix, above = 0.0, {}
    for b in reversed(filled):
        suffix += bucket_sums[b]
        above[b] = suffix
    last = max((b for b in filled if above[b] / total >= share), default=filled[0])
    after = sum(bucket_sums[b] for b in filled if b > last)
    sub = r.filter(r.b == last)
    w = ibis.window(order_by=ibis.desc(sub.i), rows=(None, 0))
    cd = sub.mutate(cd=after + sub.x.sum().over(w))
    within = int(cd.aggregate(c=(cd.cd / total < share).cast("int64").sum()).execute().iloc[0]["c"] or 0)
    return (n - (last * n) // points) + within


def _totals(t: ir.Table, revenue_col: str) -> tuple[int, float]:
    x = t[revenue_col].cast("float64")
    got = t.aggregate(n=t.count(), total=x.sum(), lo=x.min(), bad=(x.isnull() | x.isnan() | x.isinf())
                      .cast("int64").sum()).execute().iloc[0]
    n = int(got["n"])
    if n == 0:
        raise ValueError("revenue concentration needs at least one customer")
    if int(got["bad"] or 0) or float(got["lo"]) < 0:
        raise ValueError("revenue per customer must be finite and >= 0 (net returns or drop them first)")
    if not float(got["total"]) > 0:
        raise ValueError("total revenue must be > 0")
    return n, float(got["total"])


def concentration_from_table(t: ir.Table, *, revenue_col: str = "revenue", top_pcts: list[float] = (5.0,),
                             claim_visitor_pct: float = 5.0, claim_revenue_share: float = 0.9,
                             points: int = LORENZ_POINTS, once: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Headline concentration figures and Lorenz points, from one row per customer.

    Parameters
    ----------
    t : ibis Table
        One row per buying customer; ``revenue_col`` >= 0 in one currency (e.g. USD).
    top_pcts : list of float in (0, 100)
        Top shares of customers to report (``top_share.<x>`` rows).
    claim_visitor_pct : float in (0, 100)
        The claim's share of visitors, %.
    claim_revenue_share : float in (0, 1]
        The claim's share of revenue (0.9).
    points : int >= 1
        Lorenz points: the curve at customer counts :math:`k_j = \\lfloor j n / \\text{points}
        \\rfloor`, :math:`j = 0..\\text{points}` (duplicates dropped when :math:`n` < points).

    Returns
    -------
    (DataFrame, DataFrame)
        The summary indexed by ``metric`` with column ``value`` (rows ``customers``, ``gini``,
        ``top_share.<x>``, ``share_customers_for_90pct_revenue``, ``claim_holds_among_buyers``,
        ``max_conversion_for_claim``, as the reference ``concentration_summary``), and the
        Lorenz points ``customer_share, revenue_share`` (rows of the reference ``lorenz_curve``
        at :math:`k_j`).

    Raises
    ------
    ValueError
        No customers, negative or non-finite revenue, zero total, a percentage out of range.

    Notes
    -----
    With ascending :math:`x_{(i)}`: :math:`G = \\sum_i (2i - n - 1) x_{(i)} / (n \\sum x)`.
    Top share :math:`S(p) = \\sum_{j \\le k} x_{[j]} / \\sum x`, :math:`k = \\max(1, \\lceil np/100
    \\rceil)` richest first. :math:`k^* = 1 + |\\{j : C_j / \\sum x < r\\}|` (capped at :math:`n`)
    with :math:`C_j` the cumulative revenue of the :math:`j` richest; the claim holds among
    buyers iff :math:`k^*/n \\le x/100`; the largest conversion for it among visitors is
    :math:`\\min(1, (x/100)/(k^*/n))`.

    Examples
    --------
    >>> t = ibis.memtable({"revenue": [1.0, 1.0, 2.0, 6.0]})
    >>> s, lorenz = concentration_from_table(t, top_pcts=[25.0], claim_visitor_pct=25.0, points=4)
    >>> float(s.loc["top_share.25", "value"]), lorenz["revenue_share"].tolist()
    (0.6, [0.0, 0.1, 0.2, 0.4, 1.0])
    """
    for pct in top_pcts:
        if isinstance(pct, bool) or not isinstance(pct, (int, float, np.number)) or not 0 < pct < 100:
            raise ValueError(f"pct = {pct!r} must be a percentage in (0, 100)")
    if not 0 < claim_revenue_share <= 1 or not 0 < claim_visitor_pct < 100:
        raise ValueError(f"claim_revenue_share = {claim_revenue_share!r} must be in (0, 1] and "
                         f"claim_visitor_pct = {claim_visitor_pct!r} in (0, 100)")
    if isinstance(points, bool) or not isinstance(points, int) or points < 1:
        raise ValueError(f"points = {points!r} must be a whole number >= 1")
    require_columns(t, [revenue_col], source="customers")
    if once:
        t = materialize(t.select(revenue_col))
    n, total = _totals(t, revenue_col)
    r = _ranked(t, revenue_col, n, points)
    ks = {pct: max(int(math.ceil(n * pct / 100 - 1e-9)), 1) for pct in top_pcts}
    wanted = sorted({(j * n) // points for j in range(points + 1)})
    # one query for every sum, split by Lorenz bucket (at most points + 1 rows come back); a second
    # ranks again but sums only inside the bucket that decides the 90% claim
    aggs = {"s": r.x.sum(), "gini_num": ((2 * r.i - n - 1).cast("float64") * r.x).sum()}
    for idx, k in enumerate(ks.values()):
        aggs[f"top{idx}"] = ibis.cases((r.j <= k, r.x), else_=0.0).sum()
    per = r.group_by("b").aggregate(**aggs).execute()
    got = per.drop(columns=["b", "s"]).sum()
    bucket_sums = dict(zip(per["b"].astype(int), per["s"].astype(float), strict=True))
    got["below"] = _richest_below(r, bucket_sums, n, points, total, claim_revenue_share - 1e-12)
    k_star = min(int(got["below"]) + 1, n)
    share_90 = k_star / n
    visitor = claim_visitor_pct / 100
    rows = [("customers", float(n)), ("gini", float(got["gini_num"]) / (n * total))]
    rows += [(key("top_share", f"{pct:g}"), float(got[f"top{idx}"]) / total) for idx, pct in enumerate(ks)]
    rows += [("share_customers_for_90pct_revenue", float(share_90)),
             ("claim_holds_among_buyers", float(share_90 <= visitor)),
             ("max_conversion_for_claim", float(min(1.0, visitor / share_90)))]
    summary = pd.DataFrame(rows, columns=["metric", "value"]).set_index("metric")
    # cumulative revenue of the k_j poorest = the sums of buckets 1..j
    cum, run = {}, 0.0
    for j in range(points + 1):
        run += bucket_sums.get(j, 0.0)
        cum.setdefault((j * n) // points, run)
    lorenz = pd.DataFrame({"customer_share": [k / n for k in wanted],
                           "revenue_share": [0.0 if k == 0 else (1.0 if k == n else cum[k] / total)
                                             for k in wanted]})
    return summary, lorenz
