"""Tests for helpers.segments.simulate: the seeded event log and its planted truth."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.segments import simulate


def test_generator_is_seeded():
    pd.testing.assert_frame_equal(simulate.generate_events(3, n_customers=50),
                                  simulate.generate_events(3, n_customers=50))
    assert not simulate.generate_events(3, n_customers=50).equals(simulate.generate_events(4, n_customers=50))


def test_planted_truth_by_hand():
    # only the three planted pairs and one free product P01 (p = 0.5). Pair (A, B, L):
    # P(B | not A) = pB (1 - L pA) / (1 - pA). Empty basket = prod over pairs (1-pA)(1-P(B|not A)) * (1 - 0.5).
    p = {"P01": 0.5, "P03": 0.10, "P17": 0.08, "P08": 0.10, "P29": 0.08, "P22": 0.10, "P35": 0.08}
    cat = pd.DataFrame({"product_id": list(p), "p": list(p.values())})
    empty = 0.5
    for lift in (4.0, 3.0, 2.5):
        empty *= 0.9 * (1 - 0.08 * (1 - lift * 0.10) / 0.9)
    truth = simulate.planted_truth(cat)
    assert truth["design_lift"].tolist() == [4.0, 3.0, 2.5]
    assert truth["lift"].tolist() == pytest.approx([lift * (1 - empty) for lift in (4.0, 3.0, 2.5)])


@pytest.mark.parametrize("kwargs", [{"n_customers": 0}, {"n_products": 0}, {"mean_orders": 0}])
def test_generator_bad_sizes(kwargs):
    with pytest.raises(ValueError, match="must be >= 1 / > 0"):
        simulate.generate_events(1, **kwargs)
