"""Spend by tenure and the veterans / new members ratio, by hand."""

from __future__ import annotations

import math

import pytest

from helpers.membership import tenure


def test_tenure_by_hand(tiny):
    # tenure 0: A 30000, B 20000 -> mean 25000, sd = sqrt(2 * 5000^2 / 1) = 7071.07
    # tenure 1: A 45000, B 30000 -> mean 37500; veterans (tenure >= 1) / new (< 1) = 1.5
    curve = tenure.tenure_curve(tiny, min_members=1)
    assert curve["spend"].tolist() == [25000.0, 37500.0]
    half = 1.959963984540054 * math.sqrt(2 * 5000**2) / math.sqrt(2)
    assert curve.loc[0, "high"] == pytest.approx(25000 + half)
    r = tenure.tenure_spend_ratio(tiny, veteran_months=1, new_months=1)
    assert r.ratio == pytest.approx(1.5) and r.veteran_spend == 37500.0 and r.new_spend == 25000.0


def test_tenure_ratio_interval_brackets_estimate(default_panel):
    r = tenure.tenure_spend_ratio(default_panel, veteran_months=12, new_months=3, seed=1)
    assert r.low < r.ratio < r.high
    # the generator grows baskets 4%/month: veterans (>= 12 months) spend clearly more
    assert r.ratio > 1.3


@pytest.mark.parametrize("kwargs, match", [
    ({"veteran_months": 1, "new_months": 2}, r"need 1 <= new_months \(2\) <= veteran_months \(1\)"),
    ({"veteran_months": 5, "new_months": 1}, r"no veteran member-months"),
    ({"veteran_months": 1, "new_months": 1, "conf_level": 0.4}, r"conf_level = 0.4 must be in"),
])
def test_bad_thresholds(tiny, kwargs, match):
    with pytest.raises(ValueError, match=match):
        tenure.tenure_spend_ratio(tiny, **kwargs)


def test_curve_needs_enough_members(tiny):
    with pytest.raises(ValueError, match="no tenure month has at least 30 members"):
        tenure.tenure_curve(tiny)
