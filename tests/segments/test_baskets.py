"""Tests for helpers.segments.baskets: support, confidence, lift; the planted pairs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers import contracts
from helpers.segments import baskets, pairtests
from helpers.segments.schemas import EVENTS, PLANTED_PAIRS


def test_bought_together_by_hand():
    lines = pd.DataFrame({"order_id": ["o1", "o1", "o1", "o2", "o2", "o2", "o3", "o4", "o4", "o5"],
                          "product_id": ["x", "y", "x", "x", "y", "z", "x", "y", "z", "z"]})
    pairs = baskets.bought_together(lines, min_support=0.3)
    # 5 orders; x, y, z each in 3 -> support 0.6. xy in o1, o2 (o1's duplicate x counts once) -> 0.4;
    # yz in o2, o4 -> 0.4; xz only in o2 -> 0.2 < 0.3 (dropped). lift = 0.4 / (0.6 * 0.6) = 10/9
    assert pairs[["product_a", "product_b"]].values.tolist() == [["x", "y"], ["y", "z"]]
    assert pairs["support_ab"].tolist() == pytest.approx([0.4, 0.4])
    assert pairs["lift"].tolist() == pytest.approx([10 / 9, 10 / 9])
    assert pairs["confidence_a_to_b"].iloc[0] == pytest.approx(0.4 / 0.6)
    assert pairs.attrs["orders"] == 5
    assert len(baskets.bought_together(lines, min_support=0.1)) == 3


@pytest.mark.parametrize("min_support", [0, 1, -0.1])
def test_bought_together_bad_support(min_support):
    with pytest.raises(ValueError, match="min_support"):
        baskets.bought_together(pd.DataFrame({"order_id": ["o"], "product_id": ["x"]}), min_support=min_support)


def test_shipped_event_log_follows_contract_and_recovers_planted_pairs():
    events = contracts.load_csv("data/synthetic/segments_events.csv", EVENTS)
    truth = contracts.load_csv("data/synthetic/segments_planted_pairs.csv", PLANTED_PAIRS)
    pairs = baskets.bought_together(events[events["event"] == "purchase"], min_support=0.01)
    found = baskets.pairs_vs_truth(pairs, truth)
    # the planted pairs are the top pairs by lift, each within 15% of its planted lift
    assert sorted(found["rank"]) == [1, 2, 3]
    assert (found["rel_error"].abs() < 0.15).all()
    # every other pair passing min_support looks independent (lift well below the planted ones)
    assert pairs["lift"].iloc[3] < 1.6


def test_benjamini_hochberg_matches_statsmodels_and_by_hand():
    from statsmodels.stats.multitest import multipletests

    p = np.array([0.01, 0.04, 0.03, 0.5, 0.0001, 0.2])
    # by hand, sorted 0.0001, 0.01, 0.03, 0.04, 0.2, 0.5 times 6/i: 0.0006, 0.03, 0.06, 0.06, 0.24, 0.5
    assert baskets.benjamini_hochberg(p).tolist() == pytest.approx([0.03, 0.06, 0.06, 0.5, 0.0006, 0.24])
    np.testing.assert_allclose(baskets.benjamini_hochberg(p), multipletests(p, method="fdr_bh")[1])


def test_fisher_count_filtered_is_the_one_sided_fisher_test():
    from scipy.stats import fisher_exact

    # 10 orders: x in 5, y in 4, both in 3; z in 3, with x once; w alone in o5 and o6
    orders = {f"o{i}": set() for i in range(10)}
    orders["o5"].add("w")
    orders["o6"].add("w")
    for i in range(5):
        orders[f"o{i}"].add("x")
    for i in (0, 1, 2, 7):
        orders[f"o{i}"].add("y")
    for i in (4, 8, 9):
        orders[f"o{i}"].add("z")
    lines = pd.DataFrame([(o, p) for o, ps in orders.items() for p in sorted(ps)], columns=["order_id", "product_id"])
    out = baskets.fisher_count_filtered(lines, min_orders=1, fdr_level=0.5).set_index(["product_a", "product_b"])
    # x, y: table [[3, 2], [1, 4]] -> Fisher one-sided (greater)
    expected = fisher_exact([[3, 2], [1, 4]], alternative="greater")[1]
    assert out.loc[("x", "y"), "p_value"] == pytest.approx(expected)
    assert out.loc[("x", "z"), "p_value"] == pytest.approx(fisher_exact([[1, 4], [2, 3]], alternative="greater")[1])
    assert out.attrs["tested"] == 2  # y and z never together: not a pair
    assert len(baskets.fisher_count_filtered(lines, min_orders=2)) == 1  # x, z (1 order) left out


@pytest.mark.parametrize("kwargs, match", [({"min_orders": 0}, "min_orders = 0"),
                                           ({"fdr_level": 1.0}, r"fdr_level = 1.0 must be in \(0, 1\)")])
def test_fisher_count_filtered_bad(kwargs, match):
    with pytest.raises(ValueError, match=match):
        baskets.fisher_count_filtered(pd.DataFrame({"order_id": ["o"], "product_id": ["x"]}), **kwargs)


def test_shipped_log_all_planted_pairs_significant_and_no_other():
    from helpers.segments.params import Params

    events = contracts.load_csv("data/synthetic/segments_events.csv", EVENTS)
    truth = contracts.load_csv("data/synthetic/segments_planted_pairs.csv", PLANTED_PAIRS)
    p = Params.build({})
    tested = pairtests.pair_significance(baskets.order_lines(events), min_expected=p.min_expected,
                                         fdr_level=p.fdr_level)
    counts = baskets.significance_counts(tested, truth)
    assert counts["planted_significant"] == 3 and counts["unplanted_significant"] == 0
    assert counts["tested"] > 50  # a real family of tests, not just the planted pairs


@pytest.mark.study
def test_pair_tests_over_many_generated_logs_find_the_planted_pairs_and_few_others():
    # FDR control over seeds: each log has 3 planted pairs; the share of false discoveries among
    # the discoveries, averaged over logs, must stay near fdr_level (0.05) or below.
    from helpers.segments import simulate

    fdp, found = [], []
    for seed in range(20, 30):
        events = simulate.generate_events(seed)
        tested = pairtests.pair_significance(baskets.order_lines(events), min_expected=5.0, fdr_level=0.05)
        counts = baskets.significance_counts(tested, simulate.planted_truth(seed=seed))
        found.append(counts["planted_significant"])
        fdp.append(counts["unplanted_significant"] / max(counts["significant"], 1))
    assert found == [3] * 10
    assert np.mean(fdp) <= 0.1
