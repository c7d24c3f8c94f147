"""Ranking metrics of notebook 07: recall, precision, hit rate, NDCG at k; coverage; popularity bias.

Pure functions on item indices. A list is an array of item indices, best first (``-1`` pads a
list shorter than k). ``relevant[u]`` holds customer u's relevant item indices; ``n_relevant[u]``
is :math:`|T_u|` (it may exceed ``len(relevant[u])`` when some relevant products were never seen
in train: they count in the denominator of recall but cannot be hit).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

METRICS = ("recall_at_k", "precision_at_k", "hit_rate_at_k", "ndcg_at_k")


def top_k(scores: np.ndarray, mask: np.ndarray, k: int) -> np.ndarray:
    """The k best candidates per row, ties broken by item index ascending (product_id order).

    Parameters
    ----------
    scores : ndarray, shape (users, items)
        Higher is better.
    mask : ndarray of bool, same shape
        True where an item is a candidate.
    k : int >= 1

    Returns
    -------
    ndarray of int, shape (users, k)
        Item indices; ``-1`` where a user has fewer than k candidates.

    Raises
    ------
    ValueError
        If ``k`` < 1 or the shapes differ.

    Examples
    --------
    >>> top_k(np.array([[1.0, 3.0, 3.0, 2.0]]), np.array([[True, True, True, False]]), 3).tolist()
    [[1, 2, 0]]
    """
    if k < 1:
        raise ValueError(f"k = {k} must be >= 1")
    if scores.shape != mask.shape:
        raise ValueError(f"scores {scores.shape} and mask {mask.shape} must have the same shape")
    s = np.where(mask, scores.astype("float64"), -np.inf)
    order = np.argsort(-s, axis=1, kind="stable")[:, :k]
    ok = np.take_along_axis(mask, order, axis=1)
    out = np.where(ok, order, -1)
    if out.shape[1] < k:
        out = np.hstack([out, np.full((out.shape[0], k - out.shape[1]), -1)])
    return out


def per_customer(lists: np.ndarray, relevant: list[np.ndarray], n_relevant: np.ndarray | None = None) -> pd.DataFrame:
    """Each customer's hits, recall, precision, hit and NDCG at k = ``lists.shape[1]``.

    Parameters
    ----------
    lists : ndarray of int, shape (users, k)
        From :func:`top_k`.
    relevant : list of int arrays
        Relevant item indices per user.
    n_relevant : ndarray of int, optional
        :math:`|T_u|`; default ``len(relevant[u])``.

    Returns
    -------
    DataFrame
        ``hits, recall_at_k, precision_at_k, hit_rate_at_k, ndcg_at_k``, one row per user.

    Raises
    ------
    ValueError
        If the lengths differ or a user has no relevant item.

    Notes
    -----
    With :math:`h_u = |L_u \\cap T_u|`: recall :math:`h_u/|T_u|`, precision :math:`h_u/k`,
    hit :math:`[h_u > 0]`, and with binary relevance :math:`r_i`

    .. math:: \\text{NDCG}@k = \\frac{\\sum_{i=1}^k r_i / \\log_2(i+1)}{\\sum_{i=1}^{\\min(k,|T_u|)} 1/\\log_2(i+1)} .

    Examples
    --------
    >>> m = per_customer(np.array([[3, 1, 7]]), [np.array([1, 2])])
    >>> m[["hits", "recall_at_k", "precision_at_k", "hit_rate_at_k"]].values.tolist()
    [[1.0, 0.5, 0.3333333333333333, 1.0]]
    """
    n_users, k = lists.shape
    if len(relevant) != n_users:
        raise ValueError(f"lists has {n_users} rows but relevant has {len(relevant)}")
    n_rel = np.array([len(r) for r in relevant]) if n_relevant is None else np.asarray(n_relevant)
    if (n_rel < 1).any():
        raise ValueError("every test customer needs at least one relevant item")
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    ideal_cum = np.cumsum(discount)
    hit_matrix = np.zeros((n_users, k), dtype=bool)
    for u in range(n_users):
        hit_matrix[u] = np.isin(lists[u], relevant[u]) & (lists[u] >= 0)
    hits = hit_matrix.sum(axis=1).astype(float)
    dcg = (hit_matrix * discount).sum(axis=1)
    idcg = ideal_cum[np.minimum(k, n_rel) - 1]
    return pd.DataFrame({"hits": hits, "recall_at_k": hits / n_rel, "precision_at_k": hits / k,
                         "hit_rate_at_k": (hits > 0).astype(float), "ndcg_at_k": dcg / idcg})


def coverage(lists: np.ndarray, n_items: int) -> float:
    """Catalogue coverage: share of the recommendable products that appear in any list.

    Notes
    -----
    :math:`|\\bigcup_u L_u| / |I_{train}|`.

    Examples
    --------
    >>> coverage(np.array([[0, 1], [1, -1]]), 4)
    0.5
    """
    if n_items < 1:
        raise ValueError(f"n_items = {n_items} must be >= 1")
    shown = np.unique(lists[lists >= 0])
    return float(len(shown) / n_items)


def mean_popularity(lists: np.ndarray, popularity: np.ndarray) -> float:
    """Mean popularity (distinct train buyers) of the recommended products, over every list slot.

    Notes
    -----
    :math:`\\frac{1}{\\sum_u |L_u|}\\sum_u \\sum_{j \\in L_u} \\text{pop}_j` (popularity bias: higher
    means the lists lean on best sellers).

    Examples
    --------
    >>> mean_popularity(np.array([[0, 1], [1, -1]]), np.array([10.0, 4.0, 1.0]))
    6.0
    """
    shown = lists[lists >= 0]
    if shown.size == 0:
        raise ValueError("no product recommended")
    return float(np.asarray(popularity, dtype=float)[shown].mean())


def summarise(lists: np.ndarray, relevant: list[np.ndarray], n_relevant: np.ndarray, n_items: int,
              popularity: np.ndarray) -> dict[str, float]:
    """Every metric of one model, averaged over test customers.

    Examples
    --------
    >>> s = summarise(np.array([[1, 0]]), [np.array([0])], np.array([1]), 2, np.array([3.0, 1.0]))
    >>> s["recall_at_k"], s["coverage"], s["mean_popularity"]
    (1.0, 1.0, 2.0)
    """
    per = per_customer(lists, relevant, n_relevant)
    out = {m: float(per[m].mean()) for m in METRICS}
    out["coverage"] = coverage(lists, n_items)
    out["mean_popularity"] = mean_popularity(lists, popularity)
    return out
