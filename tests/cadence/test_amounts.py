"""Discount rate against the margin and the W pattern of amounts."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from helpers.cadence import amounts

SEOUL = "Asia/Seoul"


def test_discount_summary_by_hand(msgs):
    m = msgs(["a"] * 4, ["2024-03-04T12:00+09:00"] * 4,
             amount=[10_000.0, 5_000.0, 12_000.0, 6_000.0],
             min_order=[40_000.0, 50_000.0, 40_000.0, 30_000.0])
    # rates 0.25, 0.10, 0.30, 0.20 -> mean 0.85 / 4 = 0.2125; above 0.19: 0.25, 0.30, 0.20 -> 3/4
    d = amounts.discount_summary(m, 0.19)
    assert math.isclose(d["mean_discount_rate"], 0.2125)
    assert d["share_rate_above_margin"] == 0.75
    # margin 0.25: only 0.30 is strictly above -> 1/4
    assert amounts.discount_summary(m, 0.25)["share_rate_above_margin"] == 0.25


def test_discount_summary_refuses_unflagged_bad_rows(msgs):
    m = msgs(["a"], ["2024-03-04T12:00+09:00"], min_order=[0.0])
    with pytest.raises(ValueError, match="min_order must be > 0"):
        amounts.discount_summary(m, 0.19)


@pytest.mark.parametrize("window, expected", [
    ([13, 8, 11, 8, 13], True),    # high-low-mid-low-high
    ([13, 8, 11, 7, 12], True),    # outer peaks differ, middle still below both
    ([13, 8, 13, 8, 13], False),   # middle as high as the ends
    ([11, 8, 13, 8, 11], False),   # "M"-like: middle above the ends
    ([13, 8, 8, 8, 13], False),    # tie breaks the zig-zag
    ([8, 13, 11, 13, 8], False),   # inverted
])
def test_is_w_pattern_examples(window, expected):
    assert amounts.is_w_pattern(window) is expected


def test_w_pattern_count_over_all_orderings():
    # The middle value must exceed both valleys and be below both outer peaks: it ranks 3rd of 5,
    # valleys are ranks 1-2 (2 orders), outer peaks ranks 4-5 (2 orders): 4 of 120 orderings.
    count = sum(amounts.is_w_pattern(p) for p in itertools.permutations(range(1, 6)))
    assert count == 4


def test_w_pattern_share_windows(msgs):
    # one customer, cycle H L M L repeated: 13 8 11 8 13 8 11 8 13 -> 5 windows, W at starts 0 and 4
    values = [13, 8, 11, 8, 13, 8, 11, 8, 13]
    m = msgs(["a"] * 9, [f"2024-03-{d:02d}T12:00+09:00" for d in range(1, 10)], amount=values)
    assert amounts.w_pattern_share(m) == 2 / 5
    # a second customer with 4 messages adds no window
    m2 = pd.concat([m, msgs(["b"] * 4, ["2024-03-01T12:00+09:00"] * 4)], ignore_index=True)
    assert amounts.w_pattern_share(m2) == 2 / 5


def test_w_pattern_share_of_independent_amounts_is_one_in_thirty():
    rng = np.random.default_rng(11)
    n = 30_000
    m = pd.DataFrame({"customer_id": "a", "coupon_amount": rng.normal(size=n),
                      "sent_at": pd.date_range("2000-01-03", periods=n, freq="h", tz=SEOUL)})
    # 29,996 overlapping windows; binomial SE sqrt(p(1-p)/n) = 0.00104, inflated x3 for the
    # overlap of neighbouring windows -> tolerance 4 x 0.0031 = 0.0125 is generous; use 0.006.
    assert abs(amounts.w_pattern_share(m) - 1 / 30) < 0.006

