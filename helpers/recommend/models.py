"""The models of notebook 07: popularity (global, per segment), item-kNN, ALS, EASE and the oracle.

Each model returns a score matrix ``(customers, items)`` (higher is better) for the split's test
customers over its items; :func:`helpers.recommend.metrics.top_k` ranks it. Item-kNN and ALS
come from the maintained ``implicit`` package (CPU, one thread, seeded); popularity and EASE's
closed form are small enough to write here (cross-checked against ``cornac`` in the tests).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from helpers.recommend.protocol import Split

EVENT_WEIGHTS = ("view", "cart_add", "purchase")


def _import_implicit() -> None:
    """Import ``implicit`` without tqdm's "IProgress not found" warning (it imports ``tqdm.auto``
    and the kernels have no ipywidgets; progress bars are off anyway)."""
    import warnings

    from tqdm import TqdmWarning

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="IProgress not found", category=TqdmWarning)
        import implicit.cpu.als  # noqa: F401
        import implicit.nearest_neighbours  # noqa: F401


def interaction_matrix(train: pd.DataFrame, users: np.ndarray, items: np.ndarray, *,
                       weights: dict[str, float], half_life_days: float | None,
                       as_of: pd.Timestamp) -> sp.csr_matrix:
    """Weighted, recency-decayed user x item interactions.

    Parameters
    ----------
    train : DataFrame
        ``event_time, customer_id, event, product_id``.
    users, items : ndarray
        Row and column labels (rows of users absent from ``train`` are zero).
    weights : dict
        Weight per event kind (``view``, ``cart_add``, ``purchase``), >= 0.
    half_life_days : float or None
        An event ``d`` days before ``as_of`` weighs :math:`2^{-d/h}`; None: no decay.
    as_of : Timestamp
        The split date.

    Returns
    -------
    scipy.sparse.csr_matrix, float64

    Raises
    ------
    ValueError
        A weight for an unknown event kind or a negative weight.

    Notes
    -----
    :math:`x_{ui} = \\sum_{e \\in E_{ui}} w_{\\text{kind}(e)}\\, 2^{-(t_0 - t_e)/h}`.

    Examples
    --------
    >>> tr = pd.DataFrame({"event_time": pd.to_datetime(["2025-01-01", "2025-01-11"]),
    ...                    "customer_id": ["a", "a"], "event": ["view", "purchase"], "product_id": ["x", "x"]})
    >>> m = interaction_matrix(tr, np.array(["a"]), np.array(["x"]), weights={"view": 1, "cart_add": 0,
    ...                        "purchase": 4}, half_life_days=10, as_of=pd.Timestamp("2025-01-21"))
    >>> round(float(m[0, 0]), 6)
    2.25
    """
    unknown = sorted(set(weights) - set(EVENT_WEIGHTS))
    if unknown or any(w < 0 for w in weights.values()):
        raise ValueError(f"weights {weights}: kinds must be {list(EVENT_WEIGHTS)} and weights >= 0")
    w = train["event"].map(weights).fillna(0.0).to_numpy(float)
    if half_life_days is not None:
        age = (as_of - train["event_time"]).dt.total_seconds().to_numpy() / 86400.0
        w = w * np.power(0.5, age / half_life_days)
    rows = pd.Index(users).get_indexer(train["customer_id"])
    cols = pd.Index(items).get_indexer(train["product_id"])
    keep = (rows >= 0) & (cols >= 0) & (w > 0)
    return sp.csr_matrix((w[keep], (rows[keep], cols[keep])), shape=(len(users), len(items)))


def popularity(split: Split) -> np.ndarray:
    """Distinct customers who bought each product in train (aligned to ``split.items``).

    Examples
    --------
    >>> from helpers.recommend.protocol import make_split
    >>> ev = pd.DataFrame({"event_time": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-01-02", "2025-02-01"]),
    ...                    "customer_id": ["a", "b", "b", "a"], "event": ["purchase"] * 4,
    ...                    "product_id": ["x", "x", "y", "y"]})
    >>> popularity(make_split(ev, "2025-01-15")).tolist()
    [2.0, 1.0]
    """
    buys = split.train[split.train["event"] == "purchase"]
    counts = buys.groupby("product_id")["customer_id"].nunique()
    return counts.reindex(split.items).fillna(0).to_numpy(float)


def popularity_scores(split: Split) -> np.ndarray:
    """Every test customer gets the global popularity (ties: product_id ascending, by ranking order).

    Parameters
    ----------
    split : Split

    Returns
    -------
    ndarray, shape (test customers, items)
        :func:`popularity` repeated per customer.
    """
    return np.repeat(popularity(split)[None, :], len(split.customers), axis=0)


def segment_popularity_scores(split: Split, segment_of: pd.Series) -> np.ndarray:
    """Popularity among train buyers of the customer's own segment; global popularity breaks ties.

    Parameters
    ----------
    segment_of : Series
        customer_id -> segment name (every train buyer and test customer).

    Notes
    -----
    :math:`s_{uj} = n_{g(u) j} + \\text{pop}_j / (1 + \\max_j \\text{pop}_j)`: within-segment buyer count
    first, the global count only to order products the segment has not bought.
    """
    buys = split.train[split.train["event"] == "purchase"]
    seg = buys["customer_id"].map(segment_of)
    counts = buys.assign(segment=seg).groupby(["segment", "product_id"])["customer_id"].nunique().unstack(fill_value=0)
    counts = counts.reindex(columns=split.items, fill_value=0)
    glob = popularity(split)
    tie = glob / (1.0 + glob.max())
    own = pd.Series(split.customers).map(segment_of)
    out = np.empty((len(split.customers), split.n_items))
    for i, g in enumerate(own):
        base = counts.loc[g].to_numpy(float) if g in counts.index else np.zeros(split.n_items)
        out[i] = base + tie
    return out


def train_users(split: Split) -> np.ndarray:
    """Every customer with a train event, test customers first (rows of the interaction matrix).

    Parameters
    ----------
    split : Split

    Returns
    -------
    ndarray of str
        ``split.customers`` then the other train shoppers, sorted.
    """
    rest = np.setdiff1d(split.train["customer_id"].unique().astype(object), split.customers)
    return np.concatenate([split.customers, np.sort(rest)])


def item_knn_scores(X: sp.csr_matrix, n_test: int, *, neighbours: int = 50) -> np.ndarray:
    """Item-kNN (``implicit``'s cosine item-item recommender) scores of the first ``n_test`` rows.

    Notes
    -----
    Cosine similarity of item columns, keeping each item's ``neighbours`` most similar (itself
    included); :math:`s_{uj} = \\sum_i x_{ui} S_{ij}` (Sarwar et al. 2001).

    Parameters
    ----------
    X : csr_matrix
        Users x items interactions (test customers first).
    n_test : int
        Rows to score.
    neighbours : int >= 1
        :math:`K`, similar items kept per item.

    Returns
    -------
    ndarray, shape (n_test, items)
    """
    _import_implicit()
    from implicit.nearest_neighbours import ItemItemRecommender
    from sklearn.preprocessing import normalize

    # CosineRecommender.fit is ItemItemRecommender.fit on the column-normalised matrix; done here
    # with CSR input so implicit does not warn about converting a COO matrix
    model = ItemItemRecommender(K=neighbours, num_threads=1)
    model.fit(normalize(X.astype(np.float64).T.tocsr()).T.tocsr(), show_progress=False)
    S = model.similarity.tocsr().astype(np.float64)
    return np.asarray((X[:n_test] @ S).todense())


def als_scores(X: sp.csr_matrix, n_test: int, *, factors: int = 32, regularization: float = 0.05,
               alpha: float = 10.0, iterations: int = 15, seed: int = 0) -> np.ndarray:
    """Implicit-feedback ALS (``implicit.als.AlternatingLeastSquares``, CPU, one thread, seeded).

    Notes
    -----
    Minimises :math:`\\sum_{u,i} c_{ui}(p_{ui} - x_u^T y_i)^2 + \\lambda(\\sum_u \\|x_u\\|^2 + \\sum_i \\|y_i\\|^2)`
    with :math:`p_{ui} = [r_{ui} > 0]`, :math:`c_{ui} = 1 + \\alpha r_{ui}` (Hu, Koren & Volinsky 2008).

    Parameters
    ----------
    X : csr_matrix
        Users x items interactions (test customers first).
    n_test : int
        Rows to score.
    factors, regularization, alpha, iterations : model settings
        As ``implicit``'s ``AlternatingLeastSquares``.
    seed : int
        ``random_state`` (with one thread the factors are reproducible; tested).

    Returns
    -------
    ndarray, shape (n_test, items)
        :math:`x_u^T y_i`.
    """
    _import_implicit()
    from implicit.cpu.als import AlternatingLeastSquares
    from threadpoolctl import threadpool_limits

    # implicit's own solver runs on one thread; OpenBLAS's pool is limited too, as implicit asks
    # (else it warns into the report, and a multi-threaded BLAS under a batch of kernels
    # oversubscribes the cores).
    with threadpool_limits(limits=1, user_api="blas"):
        model = AlternatingLeastSquares(factors=factors, regularization=regularization, alpha=alpha,
                                        iterations=iterations, num_threads=1, random_state=seed)
        model.fit(X.astype(np.float32), show_progress=False)
    return np.asarray(model.user_factors[:n_test], dtype=np.float64) @ np.asarray(model.item_factors, dtype=np.float64).T


def ease_weights(X: sp.csr_matrix, lam: float) -> np.ndarray:
    """EASE's item-item weights in closed form (Steck 2019).

    Notes
    -----
    With :math:`G = X^T X + \\lambda I` and :math:`P = G^{-1}`:
    :math:`B_{ij} = -P_{ij}/P_{jj}` for :math:`i \\ne j`, :math:`B_{jj} = 0`.

    Examples
    --------
    >>> X = sp.csr_matrix(np.array([[1.0, 1.0], [1.0, 0.0]]))
    >>> ease_weights(X, 1.0).round(4).tolist()
    [[0.0, 0.3333], [0.5, 0.0]]
    """
    if lam <= 0:
        raise ValueError(f"lam = {lam} must be > 0")
    G = np.asarray((X.T @ X).todense(), dtype=np.float64)
    G[np.diag_indices_from(G)] += lam
    P = np.linalg.inv(G)
    B = P / (-np.diag(P))
    B[np.diag_indices_from(B)] = 0.0
    return B


def ease_scores(X: sp.csr_matrix, n_test: int, *, lam: float = 100.0) -> np.ndarray:
    """EASE scores :math:`X_u B` of the first ``n_test`` rows.

    Parameters
    ----------
    X : csr_matrix
        Users x items interactions (test customers first).
    n_test : int
        Rows to score.
    lam : float > 0
        L2 penalty :math:`\\lambda`.

    Returns
    -------
    ndarray, shape (n_test, items)
    """
    return np.asarray(X[:n_test] @ ease_weights(X, lam))


def oracle_scores(split: Split, shoppers: pd.DataFrame, products: pd.DataFrame) -> np.ndarray:
    """The planted chance of buying each product (:func:`helpers.recommend.truth.purchase_propensity`).

    The ceiling: a ranking that knew each shopper's tastes (synthetic data only).
    """
    from helpers.recommend.truth import purchase_propensity

    s = shoppers.set_index("customer_id").loc[list(split.customers)].reset_index()
    p = products.set_index("product_id").loc[list(split.items)].reset_index()
    return purchase_propensity(s, p)
