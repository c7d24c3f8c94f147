"""Tests for helpers.segments.concentration: Lorenz, Gini, top shares, the claim."""

from __future__ import annotations

import pytest

from helpers.segments import concentration as conc

REV = [0.0, 1.0, 1.0, 2.0, 6.0]  # total 10


def test_concentration_by_hand():
    # G = sum (2i - n - 1) x_(i) / (n sum x), n = 5: (-4*0 - 2*1 + 0*1 + 2*2 + 4*6) / 50 = 26 / 50
    assert conc.gini(REV) == pytest.approx(0.52)
    # top 20% = ceil(5 * 0.2) = 1 customer: 6/10; top 50% = ceil(2.5) = 3: (6 + 2 + 1)/10
    assert conc.top_share(REV, 20) == pytest.approx(0.6)
    assert conc.top_share(REV, 50) == pytest.approx(0.9)
    # 90%: cumulative 0.6, 0.8, 0.9 -> 3 of 5 customers
    assert conc.share_customers_for(REV, 0.9) == pytest.approx(0.6)
    assert conc.lorenz_curve(REV)["revenue_share"].tolist() == pytest.approx([0, 0, 0.1, 0.2, 0.4, 1.0])
    # claim "under 20% of visitors": 0.6 of buyers -> needs conversion < 0.2 / 0.6
    assert conc.max_conversion_for_claim(0.6, 0.2) == pytest.approx(1 / 3)
    summary = conc.concentration_summary(REV, top_pcts=[20.0, 2.5], claim_visitor_pct=20.0)
    assert summary.loc["top_share.20", "value"] == pytest.approx(0.6)
    assert "top_share.2_5" in summary.index
    assert summary.loc["claim_holds_among_buyers", "value"] == 0.0


def test_gini_extremes():
    assert conc.gini([3.0, 3.0, 3.0]) == 0.0
    assert conc.gini([0.0, 0.0, 0.0, 4.0]) == pytest.approx(0.75)  # 1 - 1/n


@pytest.mark.parametrize("fn, args, match", [
    (conc.gini, ([],), "at least one customer"),
    (conc.gini, ([1.0, -2.0],), "finite and >= 0"),
    (conc.gini, ([0.0, 0.0],), "total revenue must be > 0"),
    (conc.top_share, (REV, 0), r"pct = 0 must be a percentage in \(0, 100\)"),
    (conc.top_share, (REV, 100), r"pct = 100"),
    (conc.share_customers_for, (REV, 1.5), r"revenue_share = 1.5"),
    (conc.max_conversion_for_claim, (0.5, 0.0), "visitor_share"),
])
def test_concentration_bad_input(fn, args, match):
    with pytest.raises(ValueError, match=match):
        fn(*args)
