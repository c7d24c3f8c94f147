"""Send intervals within a stage and the sign-test interval of their median."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from helpers.cadence import intervals


def test_stage_intervals_only_within_a_stage_and_customer(msgs):
    m = msgs(["a", "a", "a", "a", "b", "b"],
             ["2024-03-04T12:00+09:00", "2024-03-11T18:00+09:00",  # 7 d 6 h = 7.25 d (cart)
              "2024-03-18T12:00+09:00",                            # 6.75 d but stage changes
              "2024-04-01T12:00+09:00",                            # 14 d, inactive -> inactive
              "2024-03-05T12:00+09:00", "2024-03-19T12:00+09:00"])  # b: 14 d, inactive
    stages = pd.Series(["cart", "cart", "inactive", "inactive", "inactive", "inactive"])
    iv = intervals.stage_intervals(m, stages)
    assert iv["days"].tolist() == [7.25, 14.0, 14.0]
    assert iv["stage"].tolist() == ["cart", "inactive", "inactive"]
    summary = intervals.interval_summary(iv)
    assert summary.loc["inactive", "median_days"] == 14.0
    assert summary.loc["cart", "intervals"] == 1
    assert summary.loc["dormant", "intervals"] == 0


def test_median_ci_matches_sign_test_table():
    # Sign-test 95 % interval for the median of n = 100: order statistics 40 and 61
    # (binomial(100, 0.5): P(K <= 39) = 0.018 <= 0.025 < P(K <= 40) = 0.028; Conover,
    # Practical Nonparametric Statistics, 3rd ed., Table A3 gives the same ranks).
    assert intervals.median_ci(np.arange(1, 101), level=0.95) == (40.0, 61.0)


def test_median_ci_refuses_a_level_the_sample_cannot_reach():
    # [min, max] of n draws covers the median with probability 1 - 2 * 0.5**n:
    # n = 10 -> 1 - 2/1024 = 0.99805 < 0.999 (undefined); n = 11 -> 1 - 2/2048 = 0.99902 (min, max)
    assert all(math.isnan(v) for v in intervals.median_ci(np.arange(10.0), level=0.999))
    assert intervals.median_ci(np.arange(11.0), level=0.999) == (0.0, 10.0)
    iv = pd.DataFrame({"customer_id": "a", "stage": "cart", "days": [7.0, 7.5, 6.5]})
    assert pd.isna(intervals.interval_summary(iv).loc["cart", "matches_policy"])

