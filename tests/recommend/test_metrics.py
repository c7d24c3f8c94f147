"""Ranking metrics against values worked by hand (arithmetic in the comments)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from helpers.recommend.metrics import coverage, mean_popularity, per_customer, summarise, top_k


def test_top_k_breaks_ties_by_product_order_and_skips_non_candidates():
    scores = np.array([[2.0, 5.0, 5.0, 9.0, 1.0]])
    mask = np.array([[True, True, True, False, True]])
    # item 3 is not a candidate; items 1 and 2 tie at 5 -> index order 1, 2; then 0 (2.0)
    assert top_k(scores, mask, 3).tolist() == [[1, 2, 0]]
    # fewer candidates than k: padded with -1
    assert top_k(scores, np.array([[False, True, False, False, False]]), 3).tolist() == [[1, -1, -1]]


def test_per_customer_by_hand():
    lists = np.array([[3, 1, 7], [2, 5, 6]])
    relevant = [np.array([1, 2]), np.array([2])]
    m = per_customer(lists, relevant)
    # customer 0: one hit (item 1) at rank 2; |T| = 2
    #   recall 1/2, precision 1/3, hit 1
    #   DCG = 1/log2(3) = 0.630930; IDCG over min(3, 2) = 2 ranks = 1 + 1/log2(3) = 1.630930
    #   NDCG = 0.630930 / 1.630930 = 0.386853
    assert m.loc[0, "recall_at_k"] == 0.5
    assert m.loc[0, "precision_at_k"] == pytest.approx(1 / 3, abs=1e-12)
    assert m.loc[0, "hit_rate_at_k"] == 1.0
    assert m.loc[0, "ndcg_at_k"] == pytest.approx(0.386853, abs=1e-6)
    # customer 1: hit at rank 1, |T| = 1: recall 1, precision 1/3, NDCG 1/1 = 1
    assert m.loc[1, ["recall_at_k", "ndcg_at_k"]].tolist() == [1.0, 1.0]


def test_unseen_relevant_items_count_in_recall_denominator():
    # |T_u| = 3 but only item 4 is recommendable; one hit -> recall 1/3, NDCG = 1 / (1 + 1/log2 3) at k = 2
    m = per_customer(np.array([[4, 0]]), [np.array([4])], np.array([3]))
    assert m.loc[0, "recall_at_k"] == pytest.approx(1 / 3)
    assert m.loc[0, "ndcg_at_k"] == pytest.approx(1 / (1 + 1 / math.log2(3)))


def test_no_hit_gives_zeros():
    m = per_customer(np.array([[0, 1]]), [np.array([5])])
    assert m.iloc[0][["hits", "recall_at_k", "precision_at_k", "hit_rate_at_k", "ndcg_at_k"]].tolist() == [0.0] * 5


def test_coverage_and_mean_popularity_by_hand():
    lists = np.array([[0, 1], [1, -1]])
    # products shown {0, 1} of 4 -> 0.5; slots 0, 1, 1 with popularity 10, 4, 4 -> 18/3 = 6
    assert coverage(lists, 4) == 0.5
    assert mean_popularity(lists, np.array([10.0, 4.0, 1.0, 0.0])) == 6.0


def test_summarise_averages_over_customers():
    s = summarise(np.array([[3, 1, 7], [2, 5, 6]]), [np.array([1, 2]), np.array([2])], np.array([2, 1]), 8,
                  np.arange(8, dtype=float))
    # recall (1/2 + 1)/2 = 0.75; precision (1/3 + 1/3)/2 = 1/3; hit 1; NDCG (0.386853 + 1)/2 = 0.693426
    assert s["recall_at_k"] == 0.75 and s["hit_rate_at_k"] == 1.0
    assert s["precision_at_k"] == pytest.approx(1 / 3)
    assert s["ndcg_at_k"] == pytest.approx(0.693426, abs=1e-6)
    # coverage: 6 distinct of 8 = 0.75; mean popularity (3+1+7+2+5+6)/6 = 4
    assert s["coverage"] == 0.75 and s["mean_popularity"] == 4.0


@pytest.mark.parametrize("call, message", [
    (lambda: top_k(np.zeros((1, 2)), np.ones((1, 2), bool), 0), "k = 0 must be >= 1"),
    (lambda: top_k(np.zeros((1, 2)), np.ones((1, 3), bool), 1), "same shape"),
    (lambda: per_customer(np.array([[0]]), [np.array([0]), np.array([1])]), "relevant has 2"),
    (lambda: per_customer(np.array([[0]]), [np.array([], dtype=int)]), "at least one relevant item"),
    (lambda: coverage(np.array([[0]]), 0), "n_items = 0"),
    (lambda: mean_popularity(np.array([[-1]]), np.array([1.0])), "no product recommended"),
])
def test_bad_inputs(call, message):
    with pytest.raises(ValueError, match=message):
        call()
