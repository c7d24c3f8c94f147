"""Models: hand-worked values, and cross-checks against cornac (an independent implementation).

Tolerances: EASE's item weights and scores equal cornac's ``EASE(posB=False)`` to 1e-9 (both float64
closed forms); item-kNN's scores equal X S with scikit-learn's cosine similarity (pruned to K per item)
to 1e-9 — cornac's ``ItemKNN`` uses a co-rated-only cosine, a different definition (shown below); popularity equals cornac's ``MostPop``
exactly (distinct buyers are integer counts) and gives the same top-k under our tie rule.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from helpers.recommend import models
from helpers.recommend.protocol import make_split

cornac = pytest.importorskip("cornac")


def _cornac_set(X: sp.csr_matrix):
    r, c = X.nonzero()
    uir = [(f"u{u:04d}", f"i{i:04d}", float(X[u, i])) for u, i in zip(r, c, strict=True)]
    ds = cornac.data.Dataset.from_uir(uir, seed=0)
    users = np.array([ds.uid_map[f"u{u:04d}"] for u in range(X.shape[0])])
    items = np.array([ds.iid_map[f"i{i:04d}"] for i in range(X.shape[1])])
    return ds, users, items


def _random_matrix(seed: int = 3, n_users: int = 60, n_items: int = 25) -> sp.csr_matrix:
    rng = np.random.default_rng(seed)
    dense = (rng.random((n_users, n_items)) < 0.2) * rng.integers(1, 6, (n_users, n_items))
    dense[np.arange(n_users), rng.integers(0, n_items, n_users)] = 1  # every user has an item
    dense[rng.integers(0, n_users, n_items), np.arange(n_items)] = 2  # every item has a user
    return sp.csr_matrix(dense.astype(float))


def test_ease_closed_form_by_hand():
    # X^T X = [[2, 1], [1, 1]]; + lambda I (1) -> G = [[3, 1], [1, 2]], det 5, P = [[2, -1], [-1, 3]] / 5
    # B_01 = -P_01 / P_11 = (1/5) / (3/5) = 1/3; B_10 = -P_10 / P_00 = (1/5) / (2/5) = 1/2
    B = models.ease_weights(sp.csr_matrix(np.array([[1.0, 1.0], [1.0, 0.0]])), 1.0)
    assert B == pytest.approx(np.array([[0.0, 1 / 3], [0.5, 0.0]]), abs=1e-12)


def test_ease_equals_cornac_to_1e_9():
    X = _random_matrix()
    ds, users, items = _cornac_set(X)
    model = cornac.models.EASE(lamb=25.0, posB=False, verbose=False).fit(ds)
    theirs = model.B[np.ix_(items, items)]
    ours = models.ease_weights(X, 25.0)
    assert np.abs(ours - theirs).max() < 1e-9
    scores = models.ease_scores(X, X.shape[0], lam=25.0)
    cornac_scores = np.vstack([np.asarray(model.score(int(u))).ravel()[items] for u in users])
    assert np.abs(scores - cornac_scores).max() < 1e-9


def test_item_knn_similarity_equals_scikit_learn_cosine_to_1e_9():
    # cornac's ItemKNN "cosine" normalises over co-rated users only (similarity.pyx: denom1/denom2
    # accumulate inside the co-rating loop), a different definition: on 0/1 data every overlapping
    # pair scores 1. So item-kNN is cross-checked against scikit-learn's cosine_similarity instead.
    from sklearn.metrics.pairwise import cosine_similarity

    X = _random_matrix(seed=5)
    n_items = X.shape[1]
    full = cosine_similarity(X.T.toarray())
    ours = models.item_knn_scores(X, X.shape[0], neighbours=n_items)
    assert np.abs(ours - X.toarray() @ full).max() < 1e-9
    # with K neighbours, each item keeps its K most similar items (itself included)
    K = 5
    ours_k = models.item_knn_scores(X, X.shape[0], neighbours=K)
    # implicit keeps the K largest per row of the (symmetric) similarity: compare with rows pruned
    pruned_rows = np.zeros_like(full)
    for i in range(n_items):
        keep = np.argsort(-full[i], kind="stable")[:K]
        pruned_rows[i, keep] = full[i, keep]
    assert np.abs(ours_k - X.toarray() @ pruned_rows).max() < 1e-9


def test_cornac_item_knn_is_a_different_cosine():
    X = sp.csr_matrix(np.array([[1.0, 1.0], [1.0, 0.0]]))
    ds, _, items = _cornac_set(X)
    sim = cornac.models.ItemKNN(k=2, similarity="cosine", verbose=False, num_threads=1).fit(ds).sim_mat.toarray()
    # standard cosine of columns (1,1) and (1,0): 1 / sqrt(2 * 1) = 0.7071; cornac (co-rated only): 1
    assert sim[items[0], items[1]] == pytest.approx(1.0)
    assert models.item_knn_scores(X, 1, neighbours=2)[0, 1] == pytest.approx(1 + 1 / np.sqrt(2))


def test_popularity_equals_cornac_most_pop():
    rng = np.random.default_rng(11)
    n = 400
    ev = pd.DataFrame({"event_time": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 40, n), unit="D"),
                       "customer_id": [f"c{x:03d}" for x in rng.integers(0, 80, n)], "event": "purchase",
                       "product_id": [f"p{x:02d}" for x in rng.zipf(1.6, n) % 30]})
    split = make_split(ev, "2025-01-31", exclude_purchased=False)
    ours = models.popularity(split)
    buys = split.train.drop_duplicates(["customer_id", "product_id"])
    ds = cornac.data.Dataset.from_uir(list(zip(buys["customer_id"], buys["product_id"], [1.0] * len(buys),
                                               strict=True)), seed=0)
    mp = cornac.models.MostPop().fit(ds)
    theirs = np.array([mp.score(0)[ds.iid_map[p]] if p in ds.iid_map else 0.0 for p in split.items])
    assert np.array_equal(ours, theirs)
    # top-10 with ties by product_id ascending: the same list from either score vector
    order = lambda s: sorted(range(len(s)), key=lambda j: (-s[j], split.items[j]))[:10]  # noqa: E731
    assert order(ours) == order(theirs)


def test_interaction_weights_and_decay_by_hand():
    tr = pd.DataFrame({"event_time": pd.to_datetime(["2025-01-01", "2025-01-11", "2025-01-21"]),
                       "customer_id": ["a", "a", "b"], "event": ["view", "purchase", "cart_add"],
                       "product_id": ["x", "x", "x"]})
    X = models.interaction_matrix(tr, np.array(["a", "b"]), np.array(["x"]),
                                  weights={"view": 1.0, "cart_add": 3.0, "purchase": 4.0}, half_life_days=10,
                                  as_of=pd.Timestamp("2025-01-21"))
    # a: view 20 days old 1 * 0.25 + purchase 10 days old 4 * 0.5 = 2.25; b: cart add today 3 * 1 = 3
    assert X.toarray().ravel().tolist() == [2.25, 3.0]
    no_decay = models.interaction_matrix(tr, np.array(["a", "b"]), np.array(["x"]),
                                         weights={"view": 1.0, "cart_add": 3.0, "purchase": 4.0},
                                         half_life_days=None, as_of=pd.Timestamp("2025-01-21"))
    assert no_decay.toarray().ravel().tolist() == [5.0, 3.0]
    with pytest.raises(ValueError, match="kinds must be"):
        models.interaction_matrix(tr, np.array(["a"]), np.array(["x"]), weights={"click": 1.0},
                                  half_life_days=None, as_of=pd.Timestamp("2025-01-21"))


def test_als_is_deterministic_with_a_seed():
    X = _random_matrix(seed=8)
    a = models.als_scores(X, 10, factors=4, iterations=5, seed=3)
    b = models.als_scores(X, 10, factors=4, iterations=5, seed=3)
    assert np.array_equal(a, b)


def test_als_limits_openblas_to_one_thread_so_nothing_warns_into_a_report(monkeypatch):
    """implicit warns (into the notebook's stderr) when OpenBLAS has more than one thread; the
    limit inside ``als_scores`` must hold even when the caller's BLAS pool has two."""
    import warnings

    import implicit.utils
    from threadpoolctl import threadpool_limits

    monkeypatch.setattr(implicit.utils, "_checked_blas_config", False)  # implicit warns once per process
    with threadpool_limits(limits=2, user_api="blas"), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        models.als_scores(_random_matrix(seed=8), 10, factors=4, iterations=2, seed=3)
    assert not [w for w in caught if "OpenBLAS" in str(w.message)]
