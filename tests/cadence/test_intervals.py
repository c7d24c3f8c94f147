"""Send intervals within a stage and the sign-test interval of their median."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

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



def _iv(days_by_customer: dict[str, list[float]], stage: str = "cart") -> pd.DataFrame:
    rows = [(c, stage, d) for c, ds in days_by_customer.items() for d in ds]
    return pd.DataFrame(rows, columns=["customer_id", "stage", "days"])


def test_agreement_when_every_value_is_inside_the_margin():
    # every interval is 7.0 or 7.2: the interval of the median is within [7.0, 7.2], inside 7 ± 0.5
    iv = _iv({"a": [7.0, 7.2], "b": [7.0], "c": [7.2, 7.0, 7.0], "d": [7.0, 7.2], "e": [7.0]})
    got = intervals.interval_agreement(iv, margin_days=0.5)
    assert bool(got.loc["cart", "agrees"])
    assert 7.0 <= got.loc["cart", "low"] <= got.loc["cart", "high"] <= 7.2
    assert got.loc["cart", "customers"] == 5 and got.loc["cart", "intervals"] == 9


def test_no_agreement_when_the_interval_reaches_past_the_margin():
    # half the customers send every 7 days, half every 8: the median can be 7 or 8, the 90%
    # interval is [7, 8] and reaches past 7 + 0.5 -> not shown to agree
    iv = _iv({f"c{i}": [7.0] * 3 if i % 2 else [8.0] * 3 for i in range(20)})
    got = intervals.interval_agreement(iv, margin_days=0.5).loc["cart"]
    assert (got["low"], got["high"]) == (7.0, 8.0) and not bool(got["agrees"])
    # with a 1.5-day margin the same log agrees
    assert bool(intervals.interval_agreement(iv, margin_days=1.5).loc["cart", "agrees"])


def test_agreement_needs_two_customers_and_a_policy_value():
    # one customer: its intervals are one cluster, the median cannot be bounded -> no verdict
    got = intervals.interval_agreement(_iv({"a": [7.0, 7.0, 7.0]}))
    assert pd.isna(got.loc["cart", "agrees"]) and got.loc["cart", "median_days"] == 7.0
    got = intervals.interval_agreement(_iv({c: [30.0] for c in "abcdef"}, stage="dormant"))
    assert pd.isna(got.loc["dormant", "agrees"]) and got.loc["dormant", "low"] == 30.0


@pytest.mark.parametrize("kw, match", [({"margin_days": 0}, "margin_days = 0 must be > 0"),
                                       ({"alpha": 0.5}, "alpha = 0.5 must be between 0 and 0.5")])
def test_agreement_refuses_bad_settings(kw, match):
    with pytest.raises(ValueError, match=match):
        intervals.interval_agreement(_iv({"a": [7.0], "b": [7.0]}), **kw)


# --- the cluster sign-test interval of the median -------------------------------------------------


def test_cluster_median_interval_is_the_sign_test_interval_for_one_value_per_cluster():
    # Conover (1999), Practical Nonparametric Statistics, Table A3: n = 100, 95 % -> ranks 40 and 61
    assert intervals.cluster_median_interval(np.arange(1.0, 101.0), np.arange(100), level=0.95) == (40.0, 61.0)
    # the binomial ranks of median_ci agree with it on n = 100
    assert intervals.median_ci(np.arange(1.0, 101.0), level=0.95) == (40.0, 61.0)


def test_clustering_widens_the_interval():
    # the same 100 values as 10 customers of 10 consecutive values each: the customers, not the
    # values, are independent, so far fewer ranks are excluded
    x = np.arange(1.0, 101.0)
    lo, hi = intervals.cluster_median_interval(x, np.repeat(np.arange(10), 10), level=0.95)
    assert lo < 40.0 and hi > 61.0
    # and one customer cannot bound the median at all
    assert all(math.isnan(v) for v in intervals.cluster_median_interval(x, np.zeros(100), level=0.95))


def test_cluster_median_interval_keeps_a_neighbour_of_a_tied_atom():
    # 31 sends at exactly 7 days and 29 at exactly 8 (scheduled times, 60 customers): either value
    # can be the median, so the interval is [7, 8] (worked by hand: at m = 8, #below = 31, the
    # one-sided statistic 31 - 30 - 0.5 = 0.5 <= 1.645 * sqrt(60 / 4))
    x = np.r_[np.full(31, 7.0), np.full(29, 8.0)]
    assert intervals.cluster_median_interval(x, np.arange(60)) == (7.0, 8.0)
    # an atom that holds the median firmly (45 of 60 at 7, the rest split 6 / 8) is the interval
    x = np.r_[np.full(45, 7.0), np.full(8, 6.0), np.full(7, 8.0)]
    assert intervals.cluster_median_interval(x, np.arange(60)) == (7.0, 7.0)


@pytest.mark.parametrize("values, clusters, level, match", [
    ([7.0], ["a"], 0.9, "at least 2 values, got 1"),
    ([7.0, 8.0], ["a"], 0.9, r"values \(2\) and clusters \(1\) must have the same length"),
    ([7.0, 8.0], ["a", "b"], 1.0, "level = 1.0 must be between 0 and 1"),
])
def test_cluster_median_interval_refuses_bad_input(values, clusters, level, match):
    with pytest.raises(ValueError, match=match):
        intervals.cluster_median_interval(values, clusters, level)
