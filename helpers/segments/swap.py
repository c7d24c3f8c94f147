"""Swap randomisation (Gionis et al. 2007): logs with the same basket sizes and product
frequencies and no affinity at all, and the null study of the pair tests on them.

A swap picks two order lines (o1, A) and (o2, B) with o1 holding no B and o2 holding no A and
exchanges the products: every order keeps its size and every product its number of orders, and
pairs lose whatever affinity they had. Repeated, the 0/1 order × product matrix becomes a draw
from all matrices with those margins, uniformly. The draw is made here by the curveball (orders
trade products in pairs, every order at once; same uniform law, faster mixing). Every false discovery on such a log is a false
discovery of the test, so the share of null logs with any discovery estimates its error rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import beta

from helpers.segments.baskets import benjamini_hochberg
from helpers.segments.pairtests import _items, stratified_sf

#: Rounds of trades in one randomised log: every order trades with a random partner each round. On a
#: log of 3,000 orders with a planted pair (lift 1.6), that pair's count reaches its null mean after
#: about 10 rounds (992 observed; 810, 664, 606 and 604 after 1, 3, 10 and 50 rounds).
ROUNDS = 50


def basket_matrix(lines: pd.DataFrame, *, order_col: str = "order_id",
                  product_col: str = "product_id") -> tuple[np.ndarray, np.ndarray]:
    """The 0/1 order × product matrix of a log (products sorted as text) and the product ids.

    Examples
    --------
    >>> X, ids = basket_matrix(pd.DataFrame({"order_id": ["o1", "o1", "o2"], "product_id": ["y", "x", "x"]}))
    >>> X.astype(int).tolist(), ids.tolist()
    ([[1, 1], [1, 0]], ['x', 'y'])
    """
    items = _items(lines, order_col, product_col)
    o = pd.factorize(items["o"].astype(str))[0]
    ids, j = np.unique(items["p"].astype(str).to_numpy(), return_inverse=True)
    X = np.zeros((o.max() + 1, ids.size), dtype=bool)
    X[o, j] = True
    return X, ids


def swap_randomise(X: np.ndarray, rng: np.random.Generator, rounds: int = ROUNDS) -> np.ndarray:
    """A randomised copy of ``X``: the same row and column sums, affinities destroyed.

    Parameters
    ----------
    X : bool ndarray (orders × products)
    rng : numpy Generator (seeded by the caller)
    rounds : int >= 1
        Rounds of the global curveball: the orders are paired at random and every pair trades.

    Returns
    -------
    bool ndarray, same shape and margins.

    Raises
    ------
    ValueError
        ``rounds`` < 1.

    Notes
    -----
    A trade between orders :math:`o_1, o_2` pools the products only one of them holds and deals
    them out again at random, :math:`o_1` getting as many as it gave (Strona et al. 2014, the
    curveball; all orders paired at once: Carstens, Berger & Strona 2016). Each trade moves between
    the :math:`\binom{d}{a}` arrangements uniformly, so the round's transition is symmetric and the
    chain's stationary law is uniform over the 0/1 matrices with these margins, the null of swap
    randomisation (Gionis et al. 2007) reached faster than by single swaps. A round of simultaneous
    non-overlapping swaps is not such a chain: on 2 orders × 4 products it reaches 2 of the 6
    matrices. Tested against the uniform law on small examples (``tests/segments/test_swap.py``).

    Examples
    --------
    >>> X = np.eye(4, dtype=bool)
    >>> Y = swap_randomise(X, np.random.default_rng(1))
    >>> Y.sum(0).tolist(), Y.sum(1).tolist()
    ([1, 1, 1, 1], [1, 1, 1, 1])
    """
    if isinstance(rounds, bool) or int(rounds) != rounds or rounds < 1:
        raise ValueError(f"rounds = {rounds!r} must be a whole number >= 1")
    X = np.array(X, dtype=bool, copy=True)
    n = X.shape[0]
    if n < 2:
        return X
    h = n // 2
    for _ in range(int(rounds)):
        perm = rng.permutation(n)
        r1, r2 = perm[:h], perm[h:2 * h]
        a_row, b_row = X[r1], X[r2]
        both, pool = a_row & b_row, a_row ^ b_row
        keep = (a_row & ~b_row).sum(axis=1)
        keys = np.where(pool, rng.random(pool.shape), 2.0)
        ranks = np.argsort(np.argsort(keys, axis=1, kind="stable"), axis=1, kind="stable")
        gets = pool & (ranks < keep[:, None])
        X[r1] = both | gets
        X[r2] = both | (pool & ~gets)
    return X


def discoveries_in_matrix(X: np.ndarray, *, min_expected: float = 5.0, fdr_level: float = 0.05) -> int:
    """Discoveries of :func:`helpers.segments.pairtests.pair_significance` on a 0/1 basket matrix
    (the same filter, strata and test, on arrays: fast enough for hundreds of null logs)."""
    n = X.shape[0]
    size = X.sum(axis=1)
    Xf = X.astype("float64")
    na = Xf.sum(axis=0)
    ia, ib = np.triu_indices(X.shape[1], 1)
    keep = na[ia] * na[ib] / n >= min_expected
    ia, ib = ia[keep], ib[keep]
    if ia.size == 0:
        return 0
    sizes = np.unique(size[size >= 2])
    n_s = np.array([(size == s).sum() for s in sizes], dtype="float64")
    na_s = np.stack([Xf[size == s].sum(axis=0) for s in sizes], axis=1)
    nab_s = np.stack([(Xf[size == s].T @ Xf[size == s])[ia, ib] for s in sizes], axis=1)
    p = stratified_sf(nab_s, np.broadcast_to(n_s, nab_s.shape), na_s[ia], na_s[ib])
    return int((benjamini_hochberg(p) <= fdr_level).sum())


@dataclass(frozen=True)
class NullStudy:
    """Pair tests on ``replicates`` swap-randomised copies of a log (seed ``seed``).

    Under this complete null every discovery is false, so the false-discovery rate (mean share of
    false discoveries among discoveries, 0 when none) equals the family-wise error rate, the share
    of logs with any discovery: ``fdr``; ``fdr_high`` its one-sided 95% Clopper–Pearson bound.
    """

    replicates: int
    seed: int
    fdr: float
    fdr_high: float
    mean_discoveries: float
    fdr_level: float
    min_expected: float


def null_study(lines: pd.DataFrame, *, min_expected: float = 5.0, fdr_level: float = 0.05,
               replicates: int = 100, seed: int = 6, order_col: str = "order_id",
               product_col: str = "product_id") -> NullStudy:
    """How often the pair tests find anything in logs with these baskets and products but no affinity.

    Parameters
    ----------
    lines : DataFrame
        Order lines of the log analysed.
    min_expected, fdr_level
        As :func:`helpers.segments.pairtests.pair_significance`.
    replicates : int >= 1
        Swap-randomised logs, each from its own child seed of ``seed``.
    seed : int >= 0

    Returns
    -------
    NullStudy

    Raises
    ------
    ValueError
        ``replicates`` < 1.

    Notes
    -----
    With :math:`V_r` discoveries on null log :math:`r`: :math:`\\widehat{\\text{FDR}} =
    \\widehat{\\text{FWER}} = \\frac1R \\sum_r \\mathbb 1[V_r > 0]`; the bound is the 95% quantile of
    :math:`\\text{Beta}(k + 1, R - k)` for :math:`k` logs with a discovery.

    Examples
    --------
    >>> lines = pd.DataFrame({"order_id": [f"o{i // 2}" for i in range(400)],
    ...                       "product_id": [f"p{(i * 7) % 9}" for i in range(400)]})
    >>> s = null_study(lines, min_expected=2, replicates=5, seed=1)
    >>> s.replicates, s.fdr
    (5, 0.0)
    """
    if isinstance(replicates, bool) or int(replicates) != replicates or replicates < 1:
        raise ValueError(f"replicates = {replicates!r} must be a whole number >= 1")
    X, _ = basket_matrix(lines, order_col=order_col, product_col=product_col)
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(int(replicates))]
    found = np.array([discoveries_in_matrix(swap_randomise(X, r), min_expected=min_expected, fdr_level=fdr_level)
                      for r in rngs])
    k = int((found > 0).sum())
    high = 1.0 if k == replicates else float(beta.ppf(0.95, k + 1, replicates - k))
    return NullStudy(replicates=int(replicates), seed=int(seed), fdr=k / replicates, fdr_high=high,
                     mean_discoveries=float(found.mean()), fdr_level=fdr_level, min_expected=min_expected)
