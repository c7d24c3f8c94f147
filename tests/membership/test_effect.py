"""Naive vs within-customer rate ratio: hand-computed values and the planted truth."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.membership import effect
from helpers.membership.load import check_panel
from helpers.membership.simulate import simulate_panel


def test_naive_ratio_by_hand(tiny):
    # member months: A 3+3, B 2+2 -> 10 orders / 4 months = 2.5
    # non-member months: A 1, B 1, C 1+1+2, D 2+1+1 -> 10 orders / 8 months = 1.25
    table = effect.member_comparison(tiny)
    assert table.loc["member", "orders_per_month"] == 2.5
    assert table.loc["non_member", "orders_per_month"] == 1.25
    # member spend 30000+45000+20000+30000 = 125000 over 10 orders
    assert table.loc["member", "order_value"] == 12500.0
    assert effect.naive_order_ratio(tiny) == 2.0


def test_adjusted_ratio_by_hand(tiny):
    # Everyone is split at month index 1 (members' join month; non-members at the members'
    # median join = 1): 1 month before, 2 after, so the offset log(2/1) is common and the
    # two-group binomial GLM is saturated: RR = (post/pre odds of members) / (same, non-members)
    # members: pre 1+1 = 2, post 6+4 = 10 -> 5;  non-members: pre 1+2 = 3, post 3+2 = 5 -> 5/3
    # RR = 5 / (5/3) = 3
    table, excluded = effect.before_after_counts(tiny)
    assert table.loc["CUST-A", ["orders_pre", "orders_post", "months_pre", "months_post"]].tolist() == [1, 6, 1, 2]
    assert sum(excluded.values()) == 0
    rr = effect.adjusted_rate_ratio(tiny)
    assert rr.estimate == pytest.approx(3.0, rel=1e-8)
    assert rr.low < 3.0 < rr.high and rr.n_members == 2


def test_adjusted_ci_covers_truth_and_naive_is_far(default_panel):
    naive = effect.naive_order_ratio(default_panel)
    rr = effect.adjusted_rate_ratio(default_panel)
    assert rr.covers(2.0), rr
    assert not rr.covers(naive)
    assert naive > 1.5 * 2.0  # selection more than doubles the apparent effect


def test_no_effect_world_ci_covers_one():
    p = check_panel(simulate_panel(true_rate_ratio=1.0, seed=7))
    assert effect.adjusted_rate_ratio(p).covers(1.0)
    assert effect.naive_order_ratio(p) > 2.0  # pure selection still looks like an effect


def test_without_selection_naive_is_near_truth():
    p = check_panel(simulate_panel(selection_strength=0.0, seed=7))
    assert effect.naive_order_ratio(p) == pytest.approx(2.0, rel=0.1)


def test_no_members_cannot_be_estimated(tiny_panel):
    p = check_panel(tiny_panel.assign(member=False, join_month=pd.NaT))
    with pytest.raises(ValueError, match="no member months"):
        effect.naive_order_ratio(p)
    with pytest.raises(ValueError, match="the panel has no members"):
        effect.adjusted_rate_ratio(p)


def test_selection_share_by_hand():
    # naive 9x, effect 3x: log 3 / log 9 = 1/2 of the log gap is effect, 1/2 selection
    assert effect.selection_share(9.0, 3.0) == pytest.approx(0.5)
    assert effect.selection_share(0.8, 1.2) is None  # no gap to split
    with pytest.raises(ValueError, match="must be finite and > 0"):
        effect.selection_share(9.0, 0.0)


@pytest.mark.parametrize("level", [0.5, 1.0, 1.2])
def test_conf_level_out_of_range(tiny, level):
    with pytest.raises(ValueError, match=rf"conf_level = {level!r} must be in \(0.5, 1\)"):
        effect.adjusted_rate_ratio(tiny, conf_level=level)
