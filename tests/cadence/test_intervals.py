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


def test_agreement_when_every_resample_stays_inside_the_margin():
    # every interval is 7.0 or 7.2: any resampled median is in [7.0, 7.2], inside 7 ± 0.5
    iv = _iv({"a": [7.0, 7.2], "b": [7.0], "c": [7.2, 7.0, 7.0]})
    got = intervals.interval_agreement(iv, margin_days=0.5, draws=200)
    assert bool(got.loc["cart", "agrees"])
    assert 7.0 <= got.loc["cart", "low"] <= got.loc["cart", "high"] <= 7.2
    assert got.loc["cart", "customers"] == 3 and got.loc["cart", "intervals"] == 6


def test_no_agreement_when_the_interval_reaches_past_the_margin():
    # half the customers send every 7 days, half every 8: resampled medians range over 7..8,
    # so the 90% interval reaches 7.5 = the edge of 7 ± 0.5 -> not shown to agree
    iv = _iv({f"c{i}": [7.0] * 3 if i % 2 else [8.0] * 3 for i in range(20)})
    assert not bool(intervals.interval_agreement(iv, margin_days=0.5, draws=400).loc["cart", "agrees"])
    # with a 1.5-day margin the same log agrees
    assert bool(intervals.interval_agreement(iv, margin_days=1.5, draws=400).loc["cart", "agrees"])


def test_agreement_needs_two_customers_and_a_policy_value():
    got = intervals.interval_agreement(_iv({"a": [7.0, 7.0, 7.0]}), draws=50)
    assert pd.isna(got.loc["cart", "agrees"]) and got.loc["cart", "median_days"] == 7.0
    got = intervals.interval_agreement(_iv({"a": [30.0], "b": [30.0]}, stage="dormant"), draws=50)
    assert pd.isna(got.loc["dormant", "agrees"]) and not pd.isna(got.loc["dormant", "low"])


@pytest.mark.parametrize("kw, match", [({"margin_days": 0}, "margin_days = 0 must be > 0"),
                                       ({"alpha": 0.5}, "alpha = 0.5 must be between 0 and 0.5"),
                                       ({"draws": 5}, "draws = 5 must be at least 20")])
def test_agreement_refuses_bad_settings(kw, match):
    with pytest.raises(ValueError, match=match):
        intervals.interval_agreement(_iv({"a": [7.0], "b": [7.0]}), **kw)
