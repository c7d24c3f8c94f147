"""Tests for helpers.segments.swap: swap randomisation keeps basket sizes and product frequencies,
reaches every matrix with those margins about equally often, and the null study counts discoveries."""

from __future__ import annotations

from itertools import permutations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import beta, chisquare

from helpers.segments import pairtests, swap


def _log(seed: int, n_orders: int = 600, n_products: int = 15) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sizes = 1 + rng.poisson(rng.gamma(2.0, 1.0, n_orders))
    rows = [(f"o{o}", f"p{j:02d}") for o, s in enumerate(np.minimum(sizes, n_products))
            for j in rng.choice(n_products, size=s, replace=False)]
    return pd.DataFrame(rows, columns=["order_id", "product_id"])


def test_basket_matrix_by_hand():
    X, ids = swap.basket_matrix(pd.DataFrame({"order_id": ["o1", "o1", "o1", "o2", "o3"],
                                              "product_id": ["b", "a", "b", "b", "c"]}))
    assert ids.tolist() == ["a", "b", "c"]
    assert X.astype(int).tolist() == [[1, 1, 0], [0, 1, 0], [0, 0, 1]]


def test_swap_keeps_basket_sizes_and_product_frequencies():
    X, _ = swap.basket_matrix(_log(1))
    Y = swap.swap_randomise(X, np.random.default_rng(2))
    assert Y.dtype == bool and Y.shape == X.shape
    assert (Y.sum(axis=1) == X.sum(axis=1)).all()
    assert (Y.sum(axis=0) == X.sum(axis=0)).all()
    # and it moves lines: most of the 1s are elsewhere (the input is left untouched)
    assert (X & ~Y).sum() > 0.5 * X.sum()
    assert (swap.basket_matrix(_log(1))[0] == X).all()


def test_swap_is_seeded():
    X, _ = swap.basket_matrix(_log(3))
    a = swap.swap_randomise(X, np.random.default_rng(7))
    b = swap.swap_randomise(X, np.random.default_rng(7))
    c = swap.swap_randomise(X, np.random.default_rng(8))
    assert (a == b).all() and not (a == c).all()


def test_swap_reaches_every_matrix_with_the_margins_equally_often():
    # 3 x 3 with every row and column sum 1: the 6 permutation matrices; from the identity,
    # 1,200 seeded randomisations should fall on each about 200 times
    start = np.eye(3, dtype=bool)
    index = {perm: i for i, perm in enumerate(permutations(range(3)))}
    counts = np.zeros(6)
    for seed in range(1200):
        Y = swap.swap_randomise(start, np.random.default_rng(seed))
        counts[index[tuple(int(np.flatnonzero(row)[0]) for row in Y)]] += 1
    assert (counts > 0).all()
    assert chisquare(counts).pvalue > 0.001, counts


def test_swap_uniform_on_a_non_square_example():
    # 2 orders x 4 products, row sums (2, 2), column sums (1, 1, 1, 1): C(4, 2) = 6 matrices
    start = np.array([[1, 1, 0, 0], [0, 0, 1, 1]], dtype=bool)
    seen: dict[tuple, int] = {}
    for seed in range(1200):
        key = tuple(swap.swap_randomise(start, np.random.default_rng(seed))[0].tolist())
        seen[key] = seen.get(key, 0) + 1
    assert len(seen) == 6
    assert chisquare(list(seen.values())).pvalue > 0.001, seen


def test_swap_edge_cases():
    with pytest.raises(ValueError, match="rounds"):
        swap.swap_randomise(np.eye(2, dtype=bool), np.random.default_rng(0), rounds=0)
    one = np.zeros((3, 3), dtype=bool)
    one[1, 2] = True
    assert (swap.swap_randomise(one, np.random.default_rng(0)) == one).all()


def test_discoveries_in_matrix_equal_pair_significance():
    # the array path of the null study counts what pair_significance declares, planted pair or not
    lines = _log(4)
    extra = lines[lines["product_id"] == "p00"].assign(product_id="p01")
    lines = pd.concat([lines, extra]).drop_duplicates()
    X, _ = swap.basket_matrix(lines)
    for min_expected in (5.0, 20.0):
        expected = int(pairtests.pair_significance(lines, min_expected=min_expected)["significant"].sum())
        assert expected >= 1
        assert swap.discoveries_in_matrix(X, min_expected=min_expected) == expected


def test_null_study_counts_and_bound_by_hand():
    s = swap.null_study(_log(5), replicates=8, seed=3, min_expected=5.0)
    assert s.replicates == 8 and s.seed == 3 and s.fdr_level == 0.05 and s.min_expected == 5.0
    k = round(s.fdr * 8)
    assert s.fdr == k / 8
    # one-sided 95% Clopper-Pearson: with no log holding a discovery, 1 - 0.05 ** (1/8)
    if k == 0:
        assert s.fdr_high == pytest.approx(1 - 0.05 ** (1 / 8))
    else:
        assert s.fdr_high == pytest.approx(beta.ppf(0.95, k + 1, 8 - k))
    assert swap.null_study(_log(5), replicates=8, seed=3) == s
    with pytest.raises(ValueError, match="replicates"):
        swap.null_study(_log(5), replicates=0)


def test_null_study_sees_a_test_that_ignores_basket_size():
    # the study can fail: on swap-randomised copies (sizes kept) the unstratified Fisher test of
    # baskets.fisher_count_filtered, run on the same matrices, finds pairs in most logs
    from scipy.stats import hypergeom

    from helpers.segments.baskets import benjamini_hochberg

    X, _ = swap.basket_matrix(_log(6, n_orders=2000))
    rng = np.random.default_rng(0)
    hits = 0
    for _ in range(5):
        Y = swap.swap_randomise(X, rng).astype(float)
        n, na = Y.shape[0], Y.sum(0)
        ia, ib = np.triu_indices(Y.shape[1], 1)
        nab = (Y.T @ Y)[ia, ib]
        p = hypergeom.sf(nab - 1, n, na[ia], na[ib])
        hits += int((benjamini_hochberg(p) <= 0.05).any())
        assert swap.discoveries_in_matrix(Y.astype(bool)) == 0
    assert hits >= 4
