"""The stage thresholds: declared once, moved one at a time for the robustness table."""

from __future__ import annotations

import pytest

from helpers.cadence import constants


def test_defaults_follow_the_article_reading():
    # Yozm IT (2024): ~1 month onboarding, cart ~40 days, 2 weeks for a month after the first purchase,
    # then 90 days of 1-week pushes, dormant after ~2 months, ~2 months of silence, ~6 months churned
    d = constants.DEFAULT
    assert (d.onboarding_days, d.cart_days, d.post_first_days, d.push_days) == (30, 40, 30, 90)
    assert (d.dormant_days, d.dormant_silence_days, d.churn_silence_days) == (60, 60, 180)
    assert "repeat_from_purchase" not in constants.DAY_THRESHOLDS and len(constants.DAY_THRESHOLDS) == 7
    assert set(constants.HELP) == set(vars(d))


def test_shifted_moves_one_threshold_and_keeps_it_positive():
    moved = constants.shifted(constants.DEFAULT, "cart_days", 7)
    assert moved.cart_days == 47 and moved.dormant_days == 60
    assert constants.shifted(constants.DEFAULT, "onboarding_days", -100).onboarding_days == 1


def test_shifted_refuses_the_purchase_count():
    with pytest.raises(ValueError, match="threshold 'repeat_from_purchase' is not a day threshold"):
        constants.shifted(constants.DEFAULT, "repeat_from_purchase", 1)
