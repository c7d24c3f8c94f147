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
    cols = ["product_a", "product_b", "planted_lift", "found_lift", "rel_error", "rank"]
    if "p_adjusted" in pairs.columns:  # from add_significance: the test's verdict per planted pair
        out = out.merge(pairs[["product_a", "product_b", "p_adjusted", "significant"]],
                        on=["product_a", "product_b"], how="left")
        out["significant"] = out["significant"].fillna(False).astype(bool)
        cols += ["p_adjusted", "significant"]
    return out[cols]


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


def benjamini_hochberg(p_values: pd.Series | np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (step-up, monotone, capped at 1), in the input order.

    Parameters
    ----------
    p_values : array-like of float in [0, 1]

    Returns
    -------
    ndarray: a hypothesis is rejected at false-discovery level :math:`q` iff its adjusted p <= q.

    Raises
    ------
    ValueError
        If a p-value is outside [0, 1] or missing.

    Notes
    -----
    With :math:`m` p-values sorted ascending :math:`p_{(1)} \\le \\dots \\le p_{(m)}`:
    :math:`\\tilde p_{(i)} = \\min_{j \\ge i} \\min(1, m\\,p_{(j)}/j)` (Benjamini & Hochberg 1995).

    Examples
    --------
    >>> benjamini_hochberg([0.01, 0.04, 0.03, 0.5]).round(4).tolist()
    [0.04, 0.0533, 0.0533, 0.5]
    """
    p = np.asarray(p_values, dtype="float64")
    if p.size and (np.isnan(p).any() or (p < 0).any() or (p > 1).any()):
        raise ValueError("p-values must be numbers in [0, 1]")
    m = p.size
    order = np.argsort(p, kind="stable")
    scaled = p[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum(1.0, np.minimum.accumulate(scaled[::-1])[::-1])
    out = np.empty(m)
    out[order] = adjusted
    return out


def fisher_count_filtered(lines: pd.DataFrame, *, min_orders: int = 10, fdr_level: float = 0.05,
                          order_col: str = "order_id", product_col: str = "product_id") -> pd.DataFrame:
    """Every pair bought together in at least ``min_orders`` orders, with a one-sided Fisher test.

    Not what notebook 06 uses: kept as the comparison the tests measure the calibrated test
    against. Filtering the family on :math:`N_{AB}` — the test statistic — and treating orders as
    exchangeable let false discoveries exceed the stated rate (issue 28: P(any false discovery)
    0.133 at ``min_orders`` 20 on a null catalogue of 40 products; several "pairs" on logs whose
    baskets differ in size); :func:`helpers.segments.pairtests.pair_significance` holds it.

    Parameters
    ----------
    lines : DataFrame
        Order lines (``order_col``, ``product_col``); a product repeated in an order counts once.
    min_orders : int >= 1
        Fewest orders containing both products for a pair to be tested at all (rarer pairs are
        neither tested nor counted in the multiple-testing family).
    fdr_level : float in (0, 1)
        Benjamini–Hochberg false-discovery level.

    Returns
    -------
    DataFrame
        The columns of :func:`bought_together` plus ``p_value`` (one-sided, bought together more
        often than chance), ``p_adjusted`` (Benjamini–Hochberg over the tested pairs) and
        ``significant`` (``p_adjusted <= fdr_level``); sorted by lift like :func:`bought_together`.
        ``attrs``: ``orders``, ``tested`` (pairs in the family), ``fdr_level``, ``min_orders``.

    Raises
    ------
    DataContractError
        Missing columns or no orders.
    ValueError
        ``min_orders`` < 1 or ``fdr_level`` outside (0, 1).

    Notes
    -----
    Among :math:`N` orders, :math:`N_A` contain A and :math:`N_B` contain B. If A and B were
    placed independently of each other, the number of orders with both would follow the
    hypergeometric law, so the one-sided Fisher exact p-value is

    .. math:: p = P(X \\ge N_{AB}),\\quad X \\sim \\text{Hypergeometric}(N, N_A, N_B).

    Examples
    --------
    >>> lines = pd.DataFrame({"order_id": [f"o{i}" for i in range(8) for _ in (0, 1)],
    ...                       "product_id": ["x", "y"] * 4 + ["z", "w"] * 4})
    >>> out = fisher_count_filtered(lines, min_orders=4)
    >>> out[["product_a", "product_b", "orders_ab"]].values.tolist(), round(float(out["p_value"].iloc[0]), 4)
    ([['w', 'z', 4], ['x', 'y', 4]], 0.0143)
    """
    from scipy.stats import hypergeom

    if isinstance(min_orders, bool) or not isinstance(min_orders, (int, np.integer)) or min_orders < 1:
        raise ValueError(f"min_orders = {min_orders!r} must be a whole number >= 1")
    if not 0 < fdr_level < 1:
        raise ValueError(f"fdr_level = {fdr_level!r} must be in (0, 1)")
    check_events(lines, [order_col, product_col], source="order lines")
    items = lines[[order_col, product_col]].dropna().drop_duplicates()
    n = items.loc[items[order_col].astype(str) != "", order_col].nunique()
    pairs = bought_together(lines, min_support=min(max(min_orders - 0.5, 0.5) / max(n, 1), 0.999),
                            order_col=order_col, product_col=product_col)
    pairs = pairs[pairs["orders_ab"] >= min_orders].copy()
    n_a = np.rint(pairs["support_a"].to_numpy() * n)
    n_b = np.rint(pairs["support_b"].to_numpy() * n)
    pairs["p_value"] = hypergeom.sf(pairs["orders_ab"].to_numpy() - 1, n, n_a, n_b)
    pairs["p_adjusted"] = benjamini_hochberg(pairs["p_value"].to_numpy())
    pairs["significant"] = pairs["p_adjusted"] <= fdr_level
    pairs.attrs.update({"orders": n, "tested": len(pairs), "fdr_level": fdr_level, "min_orders": min_orders})
    return pairs.reset_index(drop=True)


def add_significance(pairs: pd.DataFrame, tested: pd.DataFrame) -> pd.DataFrame:
    """``pairs`` (from :func:`bought_together`) with ``p_value``, ``p_adjusted`` and ``significant``
    (and ``lift_low`` / ``lift_high`` when ``tested`` has them) of
    :func:`helpers.segments.pairtests.pair_significance`; pairs outside its tested family get NaN
    p-values and False.

    Examples
    --------
    >>> pairs = pd.DataFrame({"product_a": ["x", "u"], "product_b": ["y", "v"], "lift": [3.0, 2.0]})
    >>> tested = pd.DataFrame({"product_a": ["x"], "product_b": ["y"], "p_value": [0.001],
    ...                        "p_adjusted": [0.002], "significant": [True]})
    >>> add_significance(pairs, tested)["significant"].tolist()
    [True, False]
    """
    require_columns(tested, ["product_a", "product_b", "p_value", "p_adjusted", "significant"],
                    source="tested pairs")
    extra = [c for c in ("lift_low", "lift_high") if c in tested.columns and c not in pairs.columns]
    out = pairs.merge(tested[["product_a", "product_b", *extra, "p_value", "p_adjusted", "significant"]],
                      on=["product_a", "product_b"], how="left")
    out["significant"] = out["significant"].astype("boolean").fillna(False).astype(bool)
    out.attrs.update({**pairs.attrs, **tested.attrs})
    return out


def significance_counts(tested: pd.DataFrame, truth: pd.DataFrame | None) -> dict[str, int]:
    """Pairs tested and declared significant; with a truth table, how many of them were planted.

    Examples
    --------
    >>> tested = pd.DataFrame({"product_a": ["x", "u"], "product_b": ["y", "v"], "significant": [True, True]})
    >>> truth = pd.DataFrame({"product_a": ["x"], "product_b": ["y"], "lift": [2.0]})
    >>> significance_counts(tested, truth)
    {'tested': 2, 'significant': 2, 'planted': 1, 'planted_significant': 1, 'unplanted_significant': 1}
    """
    out = {"tested": len(tested), "significant": int(tested["significant"].sum())}
    if truth is not None:
        planted = planted_lifts(tested, truth).notna().to_numpy()
        sig = tested["significant"].to_numpy(dtype=bool)
        out.update({"planted": len(truth), "planted_significant": int((sig & planted).sum()),
                    "unplanted_significant": int((sig & ~planted).sum())})
    return out
