"""Bought together: support, confidence and lift of product pairs in the same order, against planted truth."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.contracts import DataContractError, require_columns
from helpers.segments.groups import check_events


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
    check_events(lines, [order_col, product_col], source="order lines")
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

    require_columns(pairs, ["product_a", "product_b", "lift"], source="pairs")
    require_columns(truth, ["product_a", "product_b", "lift"], source="planted pairs")
    ranked = pairs[["product_a", "product_b", "lift"]].assign(rank=np.arange(1, len(pairs) + 1))
    out = truth[["product_a", "product_b", "lift"]].rename(columns={"lift": "planted_lift"}).merge(
        ranked.rename(columns={"lift": "found_lift"}), on=["product_a", "product_b"], how="left")
    out["rel_error"] = out["found_lift"] / out["planted_lift"] - 1
    out["rank"] = out["rank"].fillna(0).astype("int64")
    return out[["product_a", "product_b", "planted_lift", "found_lift", "rel_error", "rank"]]


def order_lines(events: pd.DataFrame) -> pd.DataFrame:
    """The purchase events of a log (one row per purchased product), as :func:`bought_together` reads them.

    Examples
    --------
    >>> ev = pd.DataFrame({"event": ["view", "purchase"], "order_id": ["", "o1"], "product_id": ["x", "x"]})
    >>> order_lines(ev)["order_id"].tolist()
    ['o1']
    """
    if "event" not in events.columns:
        raise DataContractError(f"events: missing required column(s) ['event']; it has {list(events.columns)}")
    return events[events["event"] == "purchase"]



def planted_lifts(pairs: pd.DataFrame, truth: pd.DataFrame | None) -> pd.Series:
    """The planted lift of each row of ``pairs`` (NaN for pairs that were not planted), matched by product ids.

    Examples
    --------
    >>> pairs = pd.DataFrame({"product_a": ["x", "u"], "product_b": ["y", "v"]})
    >>> planted_lifts(pairs, pd.DataFrame({"product_a": ["x"], "product_b": ["y"], "lift": [2.0]})).tolist()
    [2.0, nan]
    """
    if truth is None:
        return pd.Series(np.nan, index=pairs.index, name="planted_lift")
    require_columns(truth, ["product_a", "product_b", "lift"], source="planted pairs")
    planted = truth.set_index(["product_a", "product_b"])["lift"]
    keys = pd.MultiIndex.from_frame(pairs[["product_a", "product_b"]])
    return pd.Series(planted.reindex(keys).to_numpy(), index=pairs.index, name="planted_lift")
