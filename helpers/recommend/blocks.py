"""The page blocks of notebook 07 and what they need: segments at the split, price bands, similar
products, viewed-then-bought, segment best sellers (cold start and no consent).

Segments reuse notebook 06's dynamic-group rules (:func:`helpers.segments.dynamic_groups`) at
the end of the day before the split: *new* (first event within ``new_days``), *lapsed* (the
``inactive`` group: no event within ``inactive_days``), *returning* (everyone else).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from helpers.recommend.metrics import top_k

BANDS = ("low", "mid", "high")


def segments_at(train: pd.DataFrame, split_date: pd.Timestamp, *, new_days: int = 30,
                inactive_days: int = 60) -> pd.Series:
    """Each train shopper's segment at the split: ``new``, ``returning`` or ``lapsed``.

    Parameters
    ----------
    train : DataFrame
        Events before ``split_date`` (contract ``segment_events``).
    split_date : Timestamp
    new_days, inactive_days : int >= 1
        As notebook 06's ``new`` and ``inactive`` groups.

    Returns
    -------
    Series
        customer_id -> segment.

    Notes
    -----
    With :math:`t_0, t_1` a shopper's first and last train event and :math:`A` the split:
    new if :math:`A - t_0 <` ``new_days``; else lapsed if :math:`A - t_1 \\ge` ``inactive_days``;
    else returning.

    Examples
    --------
    >>> tr = pd.DataFrame({"event_time": pd.to_datetime(["2025-05-25", "2025-01-02", "2025-03-01", "2025-05-20"]),
    ...                    "customer_id": ["a", "b", "c", "c"], "event": ["view"] * 4,
    ...                    "product_id": ["x"] * 4, "category": ["k"] * 4, "order_id": [""] * 4})
    >>> segments_at(tr, pd.Timestamp("2025-06-01")).to_dict()
    {'a': 'new', 'b': 'lapsed', 'c': 'returning'}
    """
    from helpers.segments.groups import dynamic_groups

    cols = ["event_time", "customer_id", "event", "product_id", "category", "order_id"]
    frame = train[cols].copy() if "order_id" in train and "category" in train else train.assign(
        category=train.get("category", ""), order_id=train.get("order_id", ""))[cols]
    groups = dynamic_groups(frame, as_of=split_date - pd.Timedelta(days=1), new_days=new_days,
                            inactive_days=inactive_days)
    out = pd.Series("returning", index=pd.Index(sorted(train["customer_id"].unique()), name="customer_id"))
    lapsed = groups.loc[groups["group"] == "inactive", "customer_id"]
    new = groups.loc[groups["group"] == "new", "customer_id"]
    out[out.index.isin(lapsed)] = "lapsed"
    out[out.index.isin(new)] = "new"
    return out


def price_bands(prices: pd.Series) -> tuple[pd.Series, tuple[float, float]]:
    """Each product's price band by catalogue tertiles: ``low`` / ``mid`` / ``high``.

    Parameters
    ----------
    prices : Series
        product_id -> price (USD).

    Returns
    -------
    (Series, (float, float))
        product_id -> band, and the two cut points (USD).

    Notes
    -----
    Cuts :math:`q_{1/3}, q_{2/3}` of product prices; low if :math:`p \\le q_{1/3}`, high if
    :math:`p > q_{2/3}`.

    Examples
    --------
    >>> bands, cuts = price_bands(pd.Series([5.0, 10.0, 20.0], index=["a", "b", "c"]))
    >>> bands.tolist()
    ['low', 'mid', 'high']
    """
    lo, hi = np.quantile(prices.to_numpy(float), [1 / 3, 2 / 3])
    band = np.where(prices <= lo, "low", np.where(prices > hi, "high", "mid"))
    return pd.Series(band, index=prices.index), (float(lo), float(hi))


def shopper_bands(train: pd.DataFrame, cuts: tuple[float, float]) -> pd.Series:
    """Each buyer's price band: the band of the median price of their train purchases.

    Examples
    --------
    >>> tr = pd.DataFrame({"customer_id": ["a", "a"], "event": ["purchase"] * 2, "price": [4.0, 30.0]})
    >>> shopper_bands(tr, (10.0, 20.0)).to_dict()
    {'a': 'mid'}
    """
    buys = train[train["event"] == "purchase"]
    med = buys.groupby("customer_id")["price"].median()
    return pd.Series(np.where(med <= cuts[0], "low", np.where(med > cuts[1], "high", "mid")), index=med.index)


def constrained_top_k(scores: np.ndarray, mask: np.ndarray, k: int, in_band: np.ndarray,
                      min_share: float) -> np.ndarray:
    """Top-k lists with at least ``ceil(min_share * k)`` products inside the shopper's price band.

    The best in-band candidates fill the quota, the best of the rest the remaining slots; the
    list is then ordered by score (ties by product_id). ``min_share`` = 0 gives :func:`top_k`.

    Examples
    --------
    >>> s = np.array([[4.0, 3.0, 2.0, 1.0]]); m = np.ones_like(s, bool)
    >>> constrained_top_k(s, m, 2, np.array([[False, False, True, True]]), 0.5).tolist()
    [[0, 2]]
    """
    if min_share <= 0:
        return top_k(scores, mask, k)
    quota = int(np.ceil(min_share * k - 1e-9))
    inside = top_k(scores, mask & in_band, quota)
    out = np.full((scores.shape[0], k), -1)
    for u in range(scores.shape[0]):
        chosen = [j for j in inside[u] if j >= 0]
        rest_mask = mask[u].copy()
        rest_mask[chosen] = False
        rest = top_k(scores[u:u + 1], rest_mask[None, :], k - len(chosen))[0]
        picked = np.array(chosen + [j for j in rest if j >= 0], dtype=int)
        order = np.lexsort((picked, -scores[u, picked]))
        out[u, :len(picked)] = picked[order]
    return out


def band_share(lists: np.ndarray, in_band: np.ndarray) -> float:
    """Share of recommended products inside each shopper's price band (over every list slot).

    Examples
    --------
    >>> band_share(np.array([[0, 1]]), np.array([[True, False]]))
    0.5
    """
    ok = lists >= 0
    hit = np.take_along_axis(in_band, np.where(ok, lists, 0), axis=1) & ok
    return float(hit.sum() / ok.sum())


def similar_products(train: pd.DataFrame, items: np.ndarray, *, k: int = 5, min_item_shoppers: int = 5,
                     bands: pd.Series, categories: pd.Series, popularity: np.ndarray) -> pd.DataFrame:
    """"Similar products": item-item cosine of co-views and co-purchases, with a fallback.

    Parameters
    ----------
    train : DataFrame
        Events (views, cart adds, purchases) before the split.
    items : ndarray
        Products (sorted).
    k : int >= 1
        Products listed per product.
    min_item_shoppers : int >= 1
        A product seen by fewer shoppers, and slots left empty by co-occurrence, are filled with
        products of the same category and price band, most bought first.
    bands, categories : Series
        product_id -> price band / category.
    popularity : ndarray
        Distinct train buyers per product (aligned to ``items``).

    Returns
    -------
    DataFrame
        ``product_id, rank, similar_id, cosine, source`` (``co-occurrence`` or
        ``category and price band``).

    Notes
    -----
    With :math:`A` the binary shopper x product matrix of views, cart adds and purchases,
    :math:`\\cos(i, j) = (A^T A)_{ij} / \\sqrt{(A^T A)_{ii} (A^T A)_{jj}}`.

    Examples
    --------
    >>> tr = pd.DataFrame({"customer_id": ["a", "a", "b", "b", "c"], "product_id": ["x", "y", "x", "y", "z"]})
    >>> out = similar_products(tr, np.array(["x", "y", "z"]), k=1, min_item_shoppers=2,
    ...                        bands=pd.Series(["low"] * 3, index=["x", "y", "z"]),
    ...                        categories=pd.Series(["c"] * 3, index=["x", "y", "z"]), popularity=np.array([2.0, 2, 1]))
    >>> out[["product_id", "similar_id", "source"]].values.tolist()
    [['x', 'y', 'co-occurrence'], ['y', 'x', 'co-occurrence'], ['z', 'x', 'category and price band']]
    """
    pairs = train[["customer_id", "product_id"]].drop_duplicates()
    users = pd.Index(sorted(pairs["customer_id"].unique()))
    col = pd.Index(items).get_indexer(pairs["product_id"])
    row = users.get_indexer(pairs["customer_id"])
    keep = col >= 0
    A = sp.csr_matrix((np.ones(keep.sum()), (row[keep], col[keep])), shape=(len(users), len(items)))
    C = np.asarray((A.T @ A).todense())
    n = np.diag(C).copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        cos = C / np.sqrt(np.outer(n, n))
    cos = np.nan_to_num(cos)
    np.fill_diagonal(cos, 0.0)
    band = bands.reindex(items).to_numpy()
    cat = categories.reindex(items).to_numpy()
    fallback_order = np.lexsort((np.arange(len(items)), -popularity))
    rows = []
    for i, pid in enumerate(items):
        picked: list[tuple[int, float, str]] = []
        if n[i] >= min_item_shoppers:
            order = np.lexsort((np.arange(len(items)), -cos[i]))
            picked = [(int(j), float(cos[i, j]), "co-occurrence") for j in order[:k] if C[i, j] > 0]
        taken = {j for j, _, _ in picked} | {i}
        for j in fallback_order:
            if len(picked) >= k:
                break
            if j not in taken and band[j] == band[i] and cat[j] == cat[i]:
                picked.append((int(j), float(cos[i, j]), "category and price band"))
                taken.add(j)
        rows += [(pid, r + 1, items[j], c, s) for r, (j, c, s) in enumerate(picked)]
    return pd.DataFrame(rows, columns=["product_id", "rank", "similar_id", "cosine", "source"])


def viewed_then_bought(train: pd.DataFrame, *, min_support: int = 5, confidence: float = 0.95) -> pd.DataFrame:
    """"Shoppers who viewed A bought B": P(buy B after viewing A), its support and a Wilson lower bound.

    Parameters
    ----------
    train : DataFrame
        ``event_time, customer_id, event, product_id``.
    min_support : int >= 1
        Fewest shoppers who viewed A and later bought B for a pair to be listed.
    confidence : float in (0.5, 1)
        Level of the two-sided Wilson interval whose lower end is reported.

    Returns
    -------
    DataFrame
        ``product_a, product_b, viewers`` (:math:`n_A`), ``support`` (:math:`n_{AB}`), ``p_buy``,
        ``lower``, sorted by ``lower`` descending (ties: product ids).

    Notes
    -----
    :math:`n_A` = shoppers who viewed A; :math:`n_{AB}` = those of them who bought B (B ≠ A)
    after their first view of A; :math:`\\hat p = n_{AB}/n_A`; the Wilson lower bound
    :math:`\\frac{\\hat p + z^2/2n - z\\sqrt{\\hat p(1-\\hat p)/n + z^2/4n^2}}{1 + z^2/n}` with
    :math:`z = \\Phi^{-1}((1+\\text{confidence})/2)` (``statsmodels``' ``proportion_confint``).

    Examples
    --------
    >>> tr = pd.DataFrame({"event_time": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-01", "2025-01-03"]),
    ...                    "customer_id": ["a", "a", "b", "b"], "event": ["view", "purchase", "view", "view"],
    ...                    "product_id": ["x", "y", "x", "y"]})
    >>> viewed_then_bought(tr, min_support=1)[["product_a", "product_b", "viewers", "support", "p_buy"]].values.tolist()
    [['x', 'y', 2, 1, 0.5]]
    """
    from statsmodels.stats.proportion import proportion_confint

    views = train[train["event"] == "view"].groupby(["customer_id", "product_id"])["event_time"].min().reset_index()
    buys = train[train["event"] == "purchase"].groupby(["customer_id", "product_id"])["event_time"].max().reset_index()
    viewers = views.groupby("product_id")["customer_id"].nunique()
    both = views.merge(buys, on="customer_id", suffixes=("_a", "_b"))
    both = both[(both["product_id_a"] != both["product_id_b"]) & (both["event_time_b"] > both["event_time_a"])]
    support = both.groupby(["product_id_a", "product_id_b"])["customer_id"].nunique().rename("support").reset_index()
    support = support[support["support"] >= min_support]
    cols = ["product_a", "product_b", "viewers", "support", "p_buy", "lower"]
    if support.empty:
        return pd.DataFrame(columns=cols)
    out = support.rename(columns={"product_id_a": "product_a", "product_id_b": "product_b"})
    out["viewers"] = out["product_a"].map(viewers).astype(int)
    out["p_buy"] = out["support"] / out["viewers"]
    out["lower"] = proportion_confint(out["support"], out["viewers"], alpha=1 - confidence, method="wilson")[0]
    out = out.sort_values(["lower", "product_a", "product_b"], ascending=[False, True, True], kind="stable")
    return out[cols].reset_index(drop=True)
