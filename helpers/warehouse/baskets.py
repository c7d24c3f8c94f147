"""Bought-together pairs counted by the engine, with the minimum count pushed into the query.

Same table as the pandas reference ``bought_together`` of the segments package, without the
basket encoding in memory: products below the minimum count are pruned before the self-join
(a pair cannot be more frequent than either of its products), and the pair counts are filtered
in the query, so only the pairs that pass come back.
"""

from __future__ import annotations

import math

import ibis.expr.types as ir
import pandas as pd

from helpers.contracts import DataContractError
from helpers.warehouse.sources import require_columns

TOL = 1e-12


def min_pair_count(n_orders: int, min_support: float) -> int:
    """Smallest count :math:`c` with :math:`c / N \\ge s - 10^{-12}` (the reference's test, exactly).

    Examples
    --------
    >>> min_pair_count(100, 0.03), min_pair_count(7, 0.5)
    (3, 4)
    """
    c = max(int(math.ceil(n_orders * (min_support - TOL))) - 1, 0)
    while c / n_orders < min_support - TOL:
        c += 1
    return c


def bought_together_from_table(lines: ir.Table, *, min_support: float = 0.01, order_col: str = "order_id",
                               product_col: str = "product_id") -> pd.DataFrame:
    """Support, confidence and lift of product pairs bought in the same order.

    Parameters
    ----------
    lines : ibis Table
        Order lines (purchase events): ``order_col``, ``product_col``; a product repeated in
        an order counts once; empty or missing order ids are ignored.
    min_support : float in (0, 1)
        Keep pairs bought together in at least this share of orders.

    Returns
    -------
    DataFrame
        ``product_a, product_b`` (a < b as text), ``orders_ab``, ``support_a``, ``support_b``,
        ``support_ab``, ``confidence_a_to_b``, ``confidence_b_to_a``, ``lift``, sorted by lift then
        support (descending) then ids; ``attrs["orders"]`` = :math:`N`. Empty if no pair passes.

    Raises
    ------
    DataContractError
        Missing columns, no rows or no order ids.
    ValueError
        ``min_support`` outside (0, 1).

    Notes
    -----
    Over :math:`N` orders: :math:`s(X) = N_X / N`, :math:`\\text{conf}(A \\to B) = s(AB)/s(A)`,
    :math:`\\text{lift} = s(AB) / (s(A) s(B))`. Pairs need :math:`N_{AB} \\ge c_{min}`
    (:func:`min_pair_count`), so products with :math:`N_X < c_{min}` are dropped first.

    Examples
    --------
    >>> import ibis
    >>> lines = ibis.memtable({"order_id": ["o1", "o1", "o2", "o3", "o3", "o4"],
    ...                        "product_id": ["x", "y", "x", "x", "y", "z"]})
    >>> bought_together_from_table(lines, min_support=0.5)[["product_a", "product_b", "lift"]].values.tolist()
    [['x', 'y', 1.3333333333333333]]
    """
    if not 0 < min_support < 1:
        raise ValueError(f"min_support = {min_support!r} must be in (0, 1)")
    require_columns(lines, [order_col, product_col], source="order lines")
    o, p = lines[order_col], lines[product_col]
    items = lines.select(o=o, p=p).filter(o.notnull() & p.notnull() & (o.cast("string") != "")).distinct()
    n = int(items.o.nunique().execute())
    if n == 0:
        if int(lines.count().execute()) == 0:
            raise DataContractError("order lines: the table has no rows")
        raise DataContractError("order lines: no order ids")
    c_min = min_pair_count(n, min_support)
    counts = items.group_by("p").aggregate(n_p=items.count())
    frequent = counts.filter(counts.n_p >= c_min)
    kept = items.semi_join(frequent, "p")
    a = kept.select(o=kept.o, pa=kept.p)
    b = kept.select(o2=kept.o, pb=kept.p)
    pairs = a.join(b, (a.o == b.o2) & (a.pa.cast("string") < b.pb.cast("string")))
    pair_counts = pairs.group_by(["pa", "pb"]).aggregate(orders_ab=pairs.count())
    pair_counts = pair_counts.filter(pair_counts.orders_ab >= c_min)
    fa = frequent.select(pa=frequent.p, n_a=frequent.n_p)
    fb = frequent.select(pb=frequent.p, n_b=frequent.n_p)
    j = pair_counts.join(fa, "pa").join(fb, "pb")
    sa, sb, sab = j.n_a / n, j.n_b / n, j.orders_ab / n
    expr = j.select(product_a=j.pa, product_b=j.pb, orders_ab=j.orders_ab.cast("int64"), support_a=sa,
                    support_b=sb, support_ab=sab, confidence_a_to_b=sab / sa, confidence_b_to_a=sab / sb,
                    lift=sab / (sa * sb))
    out = expr.execute()
    out = out.sort_values(["lift", "support_ab", "product_a", "product_b"], ascending=[False, False, True, True],
                          kind="stable").reset_index(drop=True)
    out.attrs["orders"] = n
    return out
