"""Popularity and co-occurrence counts as Ibis expressions, run where the events are (DuckDB,
a warehouse): the two aggregations that grow with the log. Only the counts come back to pandas.

Equal to the pandas path (:func:`helpers.recommend.models.popularity` and the co-shopper counts
behind :func:`helpers.recommend.blocks.similar_products`), tested on DuckDB.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import pandas as pd


def popularity_from_table(t: Any, split_date: str | pd.Timestamp) -> pd.DataFrame:
    """Distinct buyers per product before ``split_date``, on the table's engine.

    Parameters
    ----------
    t : ibis Table
        ``event_time, customer_id, event, product_id`` (contract ``segment_events``, typed).
    split_date : date

    Returns
    -------
    DataFrame
        ``product_id, buyers``, sorted by buyers descending then product_id.

    Notes
    -----
    :math:`\\text{pop}_j = |\\{u : u \\text{ bought } j,\\ t < \\text{split}\\}|`.

    Examples
    --------
    >>> import ibis
    >>> t = ibis.memtable({"event_time": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-03-01"]),
    ...                    "customer_id": ["a", "b", "c"], "event": ["purchase"] * 3, "product_id": ["x", "x", "y"]})
    >>> popularity_from_table(t, "2025-02-01").values.tolist()
    [['x', 2]]
    """
    cut = _dt.datetime.combine(pd.Timestamp(split_date).date(), _dt.time())
    buys = t.filter((t.event == "purchase") & (t.event_time < cut))
    out = buys.group_by("product_id").aggregate(buyers=buys.customer_id.nunique()).execute()
    out["buyers"] = out["buyers"].astype("int64")
    return out.sort_values(["buyers", "product_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def co_occurrence_from_table(t: Any, split_date: str | pd.Timestamp, *, min_shoppers: int = 1) -> pd.DataFrame:
    """Shoppers who interacted (view, cart add, purchase) with both products, before the split.

    Parameters
    ----------
    t : ibis Table
        As :func:`popularity_from_table`.
    split_date : date
    min_shoppers : int >= 1
        Pairs with fewer co-shoppers are dropped on the engine.

    Returns
    -------
    DataFrame
        ``product_a < product_b, shoppers``, sorted by the two ids.

    Notes
    -----
    :math:`C_{ab} = |\\{u : u \\text{ touched } a \\text{ and } b\\}|`, the off-diagonal of
    :math:`A^\\top A` for the binary shopper x product matrix :math:`A`.

    Examples
    --------
    >>> import ibis
    >>> t = ibis.memtable({"event_time": pd.to_datetime(["2025-01-01"] * 4), "customer_id": ["a", "a", "b", "b"],
    ...                    "event": ["view"] * 4, "product_id": ["x", "y", "x", "y"]})
    >>> co_occurrence_from_table(t, "2025-02-01").values.tolist()
    [['x', 'y', 2]]
    """
    if min_shoppers < 1:
        raise ValueError(f"min_shoppers = {min_shoppers} must be >= 1")
    cut = _dt.datetime.combine(pd.Timestamp(split_date).date(), _dt.time())
    pairs = t.filter(t.event_time < cut).select("customer_id", "product_id").distinct()
    a = pairs.rename(product_a="product_id")
    b = pairs.rename(product_b="product_id")
    joined = a.join(b, a.customer_id == b.customer_id)
    joined = joined.filter(joined.product_a < joined.product_b)
    counts = joined.group_by(["product_a", "product_b"]).aggregate(shoppers=joined.count())
    out = counts.filter(counts.shoppers >= min_shoppers).execute()
    out["shoppers"] = out["shoppers"].astype("int64")
    return out.sort_values(["product_a", "product_b"], kind="stable").reset_index(drop=True)
