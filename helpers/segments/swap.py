"""Swap randomisation (Gionis et al. 2007): logs with the same basket sizes and product
frequencies and no affinity at all, and the null study of the pair tests on them.

A swap picks two order lines (o1, A) and (o2, B) with o1 holding no B and o2 holding no A and
exchanges the products: every order keeps its size and every product its number of orders, and
pairs lose whatever affinity they had. Repeated, the 0/1 order × product matrix becomes a draw
from (nearly) all matrices with those margins. Every false discovery on such a log is a false
discovery of the test, so the share of null logs with any discovery estimates its error rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import beta

from helpers.segments.baskets import benjamini_hochberg
from helpers.segments.pairtests import _items, stratified_sf

#: Swap attempts per order line in one randomised log (Gionis et al. use a few times the ones).
SWAPS_PER_LINE = 10


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


def swap_randomise(X: np.ndarray, rng: np.random.Generator, swaps_per_line: int = SWAPS_PER_LINE) -> np.ndarray:
    """A swap-randomised copy of ``X``: the same row and column sums, affinities destroyed.

    Parameters
    ----------
    X : bool ndarray (orders × products)
    rng : numpy Generator (seeded by the caller)
    swaps_per_line : int >= 1
        Attempts per 1 in ``X``, made in rounds of non-overlapping swaps (vectorised).

    Returns
    -------
    bool ndarray, same shape and margins.

    Raises
    ------
    ValueError
        ``swaps_per_line`` < 1.

    Notes
    -----
    One round pairs the lines at random, (o1, a) with (o2, b); a pair is swapped to (o1, b),
    (o2, a) when :math:`o_1 \\ne o_2`, :math:`a \\ne b`, both new cells are empty and no other swap of
    the round fills them (Gionis, Mannila, Mielikäinen & Tsaparas 2007). Tested against the
    uniform law over all matrices with the margins of a small example.

    Examples
    --------
    >>> X = np.eye(4, dtype=bool)
    >>> Y = swap_randomise(X, np.random.default_rng(1))
    >>> Y.sum(0).tolist(), Y.sum(1).tolist()
    ([1, 1, 1, 1], [1, 1, 1, 1])
    """
    if swaps_per_line < 1:
        raise ValueError(f"swaps_per_line = {swaps_per_line!r} must be >= 1")
    X = np.array(X, dtype=bool, copy=True)
    n_p = X.shape[1]
    o, j = np.nonzero(X)
    lines = o.size
    if lines < 2:
        return X
    for _ in range(2 * swaps_per_line):
        perm = rng.permutation(lines)
        h = lines // 2
        e1, e2 = perm[:h], perm[h:2 * h]
        o1, j1, o2, j2 = o[e1], j[e1], o[e2], j[e2]
        ok = (o1 != o2) & (j1 != j2) & ~X[o1, j2] & ~X[o2, j1]
        keys = np.concatenate([o1 * n_p + j2, o2 * n_p + j1])
        _, inv, cnt = np.unique(keys, return_inverse=True, return_counts=True)
        ok &= (cnt[inv[:h]] == 1) & (cnt[inv[h:]] == 1)
        e1, e2, o1, j1, o2, j2 = e1[ok], e2[ok], o1[ok], j1[ok], o2[ok], j2[ok]
        X[o1, j1] = X[o2, j2] = False
        X[o1, j2] = X[o2, j1] = True
        j[e1], j[e2] = j2, j1
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
