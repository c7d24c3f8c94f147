"""Bought-together pair tests that hold their false-discovery rate: a filter independent of the
test under the null, an exact test conditioning on basket size, intervals on lift.

Why not the plain Fisher test on pairs bought together often enough: filtering the family on
:math:`N_{AB}` itself shifts the null p-values towards 0 (Bourgon, Gentleman & Huber 2010), and a
log whose baskets differ in size (some shoppers fill large baskets) puts every pair together more
often than orders-as-exchangeable predicts. Here the family is filtered on the expected count
:math:`N_A N_B / N` (a function of the margins only, which the test conditions on), and each pair
is tested *within basket-size strata*: among orders of size :math:`s`, the count of orders with
both products is hypergeometric if A and B are placed independently given the size, and the
strata are summed exactly (the exact conditional test of a common odds ratio of 1 across
strata). Baskets of one product cannot hold a pair and are left out of the test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import gammaln
from scipy.stats import norm

from helpers.contracts import DataContractError
from helpers.segments.baskets import benjamini_hochberg, bought_together
from helpers.segments.groups import check_events

#: The statistic the family of tested pairs is filtered on (recorded as ``pairs.filter``).
FILTER = "expected_count"
#: Confidence level of the lift intervals.
LIFT_LEVEL = 0.95


def _items(lines: pd.DataFrame, order_col: str, product_col: str) -> pd.DataFrame:
    check_events(lines, [order_col, product_col], source="order lines")
    items = lines[[order_col, product_col]].dropna().drop_duplicates()
    items = items[items[order_col].astype(str) != ""]
    if items.empty:
        raise DataContractError("order lines: no order ids")
    return items.rename(columns={order_col: "o", product_col: "p"})


def size_strata(lines: pd.DataFrame, *, order_col: str = "order_id",
                product_col: str = "product_id") -> dict[str, pd.DataFrame]:
    """Orders, products and pairs counted per basket size (products per order), the test's inputs.

    Parameters
    ----------
    lines : DataFrame
        Order lines (``order_col``, ``product_col``); a product repeated in an order counts once.

    Returns
    -------
    dict of DataFrame
        ``orders``: ``size, orders`` (:math:`N_s`, every size); ``products``: ``product, size,
        orders`` (:math:`N_{A,s}`); ``pairs``: ``product_a, product_b`` (a < b as text), ``size,
        orders_ab`` (:math:`N_{AB,s}`, sizes with at least one such order). ``attrs["orders"]`` of
        ``orders`` = :math:`N`. :func:`helpers.warehouse.baskets.size_strata_from_table` gives the
        same frames from a table.

    Raises
    ------
    DataContractError
        Missing columns or no order ids.

    Examples
    --------
    >>> lines = pd.DataFrame({"order_id": ["o1", "o1", "o2", "o2", "o2", "o3"],
    ...                       "product_id": ["x", "y", "x", "y", "z", "x"]})
    >>> s = size_strata(lines)
    >>> s["orders"].values.tolist(), s["pairs"].values.tolist()[:2]
    ([[1, 1], [2, 1], [3, 1]], [['x', 'y', 2, 1], ['x', 'y', 3, 1]])
    """
    items = _items(lines, order_col, product_col)
    items = items.assign(p=items["p"].astype(str))
    size = items.groupby("o")["p"].size().rename("size")
    items = items.join(size, on="o")
    orders = size.value_counts().sort_index().rename_axis("size").rename("orders").reset_index()
    products = (items.groupby(["p", "size"]).size().rename("orders").reset_index()
                .rename(columns={"p": "product"}).sort_values(["product", "size"], kind="stable"))
    pairs = items.merge(items[["o", "p"]], on="o", suffixes=("_a", "_b"))
    pairs = pairs[pairs["p_a"] < pairs["p_b"]]
    pairs = (pairs.groupby(["p_a", "p_b", "size"]).size().rename("orders_ab").reset_index()
             .rename(columns={"p_a": "product_a", "p_b": "product_b"}))
    orders.attrs["orders"] = int(size.size)
    for frame in (orders, products, pairs):
        for col in ("size", "orders", "orders_ab"):
            if col in frame.columns:
                frame[col] = frame[col].astype("int64")
    return {"orders": orders.reset_index(drop=True), "products": products.reset_index(drop=True),
            "pairs": pairs.sort_values(["product_a", "product_b", "size"], kind="stable").reset_index(drop=True)}


def _log_choose(n: np.ndarray, k: np.ndarray) -> np.ndarray:
    return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)


def stratified_sf(nab: np.ndarray, n: np.ndarray, na: np.ndarray, nb: np.ndarray) -> np.ndarray:
    """One-sided exact p-values :math:`P(\\sum_s X_s \\ge \\sum_s N_{AB,s})`, :math:`X_s` independent
    hypergeometric per stratum.

    Parameters
    ----------
    nab, n, na, nb : array of shape (pairs, strata)
        Per pair and stratum: orders with both, orders, orders with A, orders with B (whole numbers,
        :math:`0 \\le N_{AB,s} \\le \\min(N_{A,s}, N_{B,s})`, :math:`N_{A,s}, N_{B,s} \\le N_s`).

    Returns
    -------
    ndarray of shape (pairs,), in [0, 1].

    Raises
    ------
    ValueError
        Shapes differ or counts are inconsistent.

    Notes
    -----
    :math:`X_s \\sim \\text{Hypergeometric}(N_s, N_{A,s}, N_{B,s})`; the law of :math:`\\sum_s X_s`
    is the convolution of the stratum laws (computed directly, so tiny tails keep their relative
    precision). With one stratum this is the one-sided Fisher exact test.

    Examples
    --------
    >>> from scipy.stats import hypergeom
    >>> p = stratified_sf([[3]], [[10]], [[5]], [[4]])
    >>> bool(np.isclose(p[0], hypergeom.sf(2, 10, 5, 4)))
    True
    """
    arrays = [np.atleast_2d(np.asarray(x, dtype="float64")) for x in (nab, n, na, nb)]
    if len({a.shape for a in arrays}) != 1:
        raise ValueError(f"nab, n, na and nb must have one shape, got {[a.shape for a in arrays]}")
    nab, n, na, nb = arrays
    if ((nab < 0) | (nab > np.minimum(na, nb)) | (na > n) | (nb > n) | (nab < na + nb - n)).any():
        raise ValueError("counts are inconsistent: need max(0, N_A + N_B - N) <= N_AB <= min(N_A, N_B) "
                         "and N_A, N_B <= N in every stratum")
    out = np.ones(nab.shape[0])
    for i in range(nab.shape[0]):
        dist, lo_total = np.ones(1), 0
        for s in np.flatnonzero((na[i] > 0) & (nb[i] > 0)):
            lo, hi = max(0.0, na[i, s] + nb[i, s] - n[i, s]), min(na[i, s], nb[i, s])
            k = np.arange(lo, hi + 1)
            pmf = np.exp(_log_choose(na[i, s], k) + _log_choose(n[i, s] - na[i, s], nb[i, s] - k)
                         - _log_choose(n[i, s], nb[i, s]))
            dist = np.convolve(dist, pmf / pmf.sum())
            lo_total += int(lo)
        start = int(round(nab[i].sum())) - lo_total
        out[i] = 1.0 if start <= 0 else float(dist[start:].sum())
    return np.clip(out, 0.0, 1.0)


def lift_interval(orders_ab, orders_a, orders_b, orders: int,
                  level: float = LIFT_LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """Delta-method interval on lift, from the counts of orders (orders sampled independently).

    Parameters
    ----------
    orders_ab, orders_a, orders_b : array-like of int
        :math:`N_{AB} \\ge 1`, :math:`N_A`, :math:`N_B`.
    orders : int
        :math:`N`.
    level : float in (0, 1)

    Returns
    -------
    (low, high) : ndarrays of lift.

    Raises
    ------
    ValueError
        ``level`` outside (0, 1) or a count of 0.

    Notes
    -----
    :math:`\\hat L = N N_{AB} / (N_A N_B)`; for multinomial orders the delta method gives
    :math:`\\operatorname{Var}\\log\\hat L \\approx 1/N_{AB} - 1/N_A - 1/N_B + (2\\hat L - 1)/N`,
    and the interval is :math:`\\hat L \\exp(\\pm z_{(1+\\text{level})/2}\\,\\text{se})`.
    Coverage is checked on an independent generator in ``tests/segments/test_pairtests.py``.

    Examples
    --------
    >>> lo, hi = lift_interval([60], [300], [240], 3000)
    >>> round(float(lo[0]), 2), round(float(hi[0]), 2)
    (2.05, 3.06)
    """
    if not 0 < level < 1:
        raise ValueError(f"level = {level!r} must be in (0, 1)")
    nab, na, nb = (np.asarray(x, dtype="float64") for x in (orders_ab, orders_a, orders_b))
    if (nab <= 0).any() or (na <= 0).any() or (nb <= 0).any() or orders <= 0:
        raise ValueError("lift_interval needs N_AB, N_A, N_B and N >= 1")
    lift = orders * nab / (na * nb)
    var = np.maximum(1 / nab - 1 / na - 1 / nb + (2 * lift - 1) / orders, 0.0)
    z = norm.ppf((1 + level) / 2) * np.sqrt(var)
    return lift * np.exp(-z), lift * np.exp(z)


def strata_tests(strata: dict[str, pd.DataFrame], *, min_expected: float = 5.0,
                fdr_level: float = 0.05) -> pd.DataFrame:
    """The pair tests from the stratum counts of :func:`size_strata` (or its warehouse twin).

    Returns the frame of :func:`pair_significance` (without the support columns' sort).
    """
    orders, products, pairs = strata["orders"], strata["products"], strata["pairs"]
    n = int(orders.attrs.get("orders", orders["orders"].sum()))
    n_a = products.groupby("product")["orders"].sum()
    # every pair the margins admit, bought together or not: dropping pairs never seen together
    # would filter on the test statistic again
    big = n_a[n_a * n_a.max() / n >= min_expected].sort_index()
    ia, ib = np.triu_indices(len(big), 1)
    expected = big.to_numpy()[ia] * big.to_numpy()[ib] / n
    keep = expected >= min_expected
    family = pd.DataFrame({"product_a": big.index.to_numpy()[ia][keep], "product_b": big.index.to_numpy()[ib][keep]})
    totals = pairs.groupby(["product_a", "product_b"])["orders_ab"].sum()
    family["orders_ab"] = totals.reindex(pd.MultiIndex.from_frame(family)).fillna(0).astype("int64").to_numpy()
    family["expected_ab"] = expected[keep]
    sizes = np.sort(orders.loc[orders["size"] >= 2, "size"].to_numpy())
    n_s = orders.set_index("size")["orders"].reindex(sizes).to_numpy(dtype="float64")
    by = products.pivot_table(index="product", columns="size", values="orders", fill_value=0)
    by = by.reindex(columns=sizes, fill_value=0)
    both = pairs[pairs["size"] >= 2].pivot_table(index=["product_a", "product_b"], columns="size",
                                                 values="orders_ab", fill_value=0)
    keys = pd.MultiIndex.from_frame(family[["product_a", "product_b"]])
    nab = both.reindex(index=keys, columns=sizes, fill_value=0).to_numpy(dtype="float64")
    na = by.reindex(family["product_a"]).to_numpy(dtype="float64")
    nb = by.reindex(family["product_b"]).to_numpy(dtype="float64")
    family["expected_ab_given_size"] = (na * nb / n_s).sum(axis=1) if len(family) else []
    family["p_value"] = stratified_sf(nab, np.broadcast_to(n_s, nab.shape), na, nb) if len(family) else []
    family["p_adjusted"] = benjamini_hochberg(family["p_value"].to_numpy())
    family["significant"] = family["p_adjusted"] <= fdr_level
    family.attrs.update({"orders": n, "tested": len(family), "fdr_level": fdr_level,
                         "min_expected": min_expected, "filter": FILTER})
    return family


def pair_significance(lines: pd.DataFrame, *, min_expected: float = 5.0, fdr_level: float = 0.05,
                      order_col: str = "order_id", product_col: str = "product_id") -> pd.DataFrame:
    """Every pair expected in at least ``min_expected`` orders, with an exact test given basket size.

    Parameters
    ----------
    lines : DataFrame
        Order lines (``order_col``, ``product_col``); a product repeated in an order counts once.
    min_expected : float > 0
        Fewest orders expected to hold both products if they were bought independently,
        :math:`N_A N_B / N`, for a pair to be tested (and counted in the multiple-testing family).
        It depends on the margins only, so the filter leaves null p-values uniform.
    fdr_level : float in (0, 1)
        Benjamini–Hochberg false-discovery level.

    Returns
    -------
    DataFrame
        The columns of :func:`helpers.segments.baskets.bought_together` plus ``expected_ab``
        (:math:`N_A N_B/N`), ``expected_ab_given_size``, ``p_value`` (one-sided, more often together
        than chance given basket sizes), ``p_adjusted`` (Benjamini–Hochberg over the tested pairs),
        ``significant`` and ``lift_low`` / ``lift_high`` (95%, :func:`lift_interval`); sorted by lift.
        Pairs never bought together are in the family when expected often enough (``p_value`` 1).
        ``attrs``: ``orders``, ``tested``, ``fdr_level``, ``min_expected``, ``filter``.

    Raises
    ------
    DataContractError
        Missing columns or no orders.
    ValueError
        ``min_expected`` <= 0 or ``fdr_level`` outside (0, 1).

    Notes
    -----
    Among the :math:`N_s` orders of :math:`s \\ge 2` products, :math:`N_{A,s}` hold A,
    :math:`N_{B,s}` hold B and :math:`N_{AB,s}` both. If A and B are placed independently given
    the basket size, :math:`N_{AB,s}` is hypergeometric and

    .. math:: p = P\\Big(\\sum_s X_s \\ge \\sum_s N_{AB,s}\\Big),\\quad
              X_s \\sim \\text{Hypergeometric}(N_s, N_{A,s}, N_{B,s}) \\text{ independent.}

    Within a size, one product takes a place another could have had, so the test is slightly
    conservative; the null-calibration study (``tests/segments/test_pairtests.py``,
    :func:`helpers.segments.swap.null_study`) measures its error rates.

    Examples
    --------
    >>> lines = pd.DataFrame({"order_id": [f"o{i}" for i in range(8) for _ in (0, 1)] + ["o8", "o9"],
    ...                       "product_id": ["x", "y"] * 4 + ["z", "w"] * 4 + ["x", "z"]})
    >>> out = pair_significance(lines, min_expected=1.5)
    >>> out[["product_a", "product_b", "orders_ab"]].head(2).values.tolist(), round(float(out["p_value"].iloc[0]), 4)
    ([['w', 'z', 4], ['x', 'y', 4]], 0.0143)
    """
    if isinstance(min_expected, bool) or not np.isfinite(min_expected) or min_expected <= 0:
        raise ValueError(f"min_expected = {min_expected!r} must be a number > 0")
    if not 0 < fdr_level < 1:
        raise ValueError(f"fdr_level = {fdr_level!r} must be in (0, 1)")
    strata = size_strata(lines, order_col=order_col, product_col=product_col)
    return with_support(strata_tests(strata, min_expected=min_expected, fdr_level=fdr_level),
                        strata, lines, order_col=order_col, product_col=product_col)


def with_support(tested: pd.DataFrame, strata: dict[str, pd.DataFrame], lines: pd.DataFrame | None = None,
                 **cols) -> pd.DataFrame:
    """The tested family with support, confidence, lift and its interval, sorted by lift."""
    n = tested.attrs["orders"]
    n_a = strata["products"].groupby("product")["orders"].sum()
    out = tested.copy()
    out["support_a"] = out["product_a"].map(n_a) / n
    out["support_b"] = out["product_b"].map(n_a) / n
    out["support_ab"] = out["orders_ab"] / n
    out["confidence_a_to_b"] = out["support_ab"] / out["support_a"]
    out["confidence_b_to_a"] = out["support_ab"] / out["support_b"]
    out["lift"] = out["support_ab"] / (out["support_a"] * out["support_b"])
    low, high = np.full(len(out), np.nan), np.full(len(out), np.nan)
    seen = (out["orders_ab"] > 0).to_numpy()
    if seen.any():
        low[seen], high[seen] = lift_interval(out.loc[seen, "orders_ab"], out.loc[seen, "support_a"] * n,
                                              out.loc[seen, "support_b"] * n, n)
    out["lift_low"], out["lift_high"] = low, high
    cols_order = ["product_a", "product_b", "orders_ab", "support_a", "support_b", "support_ab",
                  "confidence_a_to_b", "confidence_b_to_a", "lift", "lift_low", "lift_high", "expected_ab",
                  "expected_ab_given_size", "p_value", "p_adjusted", "significant"]
    out = out[cols_order].sort_values(["lift", "support_ab", "product_a", "product_b"],
                                      ascending=[False, False, True, True], kind="stable")
    out.attrs.update(tested.attrs)
    return out.reset_index(drop=True)


__all__ = ["FILTER", "LIFT_LEVEL", "bought_together", "lift_interval", "pair_significance", "size_strata",
           "stratified_sf", "strata_tests", "with_support"]
