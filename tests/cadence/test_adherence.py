"""Adherence: the share of intervals within the margin of the policy, its cluster interval, quantiles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from helpers.cadence import adherence


def _iv(days_by_customer: dict[str, list[float]], stage: str = "cart") -> pd.DataFrame:
    rows = [(c, stage, d) for c, ds in days_by_customer.items() for d in ds]
    return pd.DataFrame(rows, columns=["customer_id", "stage", "days"])


def test_share_interval_worked_by_hand():
    # hits 1,1 | 0,1 | 0,1 | 1,1: p = 0.75; y_c - p n_c = ±0.5, v = 4/3 * 1 / 64 = 0.02083 is below the
    # iid variance 0.1875 / 8 = 0.02344, so the design effect is capped at 1 and n* = 8:
    # Wilson, z = 1.6449: centre (0.75 + 2.7055/16) / (1 + 2.7055/8) = 0.68682,
    # half 1.6449 / 1.33819 * sqrt(0.0234375 + 2.7055/256) = 0.22667 -> [0.4602, 0.9135]
    p, lo, hi = adherence.cluster_share_interval([1, 1, 0, 1, 0, 1, 1, 1], list("aabbccdd"))
    assert p == 0.75
    assert lo == pytest.approx(0.4602, abs=1e-4) and hi == pytest.approx(0.9135, abs=1e-4)


def test_share_interval_is_wilson_for_independent_observations():
    # one observation per cluster and a design effect of 1: statsmodels' Wilson interval, to 1e-12
    rng = np.random.default_rng(4)
    hits = rng.random(200) < 0.3
    p, lo, hi = adherence.cluster_share_interval(hits, np.arange(200))
    # the linearised variance of 200 singletons is 200/199 times the iid one: n* = 200 / (200/199)
    n_eff = 199.0
    ref_lo, ref_hi = proportion_confint(p * n_eff, n_eff, alpha=0.10, method="wilson")
    assert (lo, hi) == pytest.approx((ref_lo, ref_hi), abs=1e-12)


def test_clustered_hits_widen_the_interval():
    # 20 customers who always adhere and 20 who never do: p = 0.5 but only 40 independent units
    hits = np.r_[np.ones(200), np.zeros(200)]
    clusters = np.repeat(np.arange(40), 10)
    _p, lo, hi = adherence.cluster_share_interval(hits, clusters)
    _p, lo_iid, hi_iid = adherence.cluster_share_interval(hits, np.arange(400))
    assert hi - lo > 2.5 * (hi_iid - lo_iid)  # design effect ~10 -> width x ~3


def test_share_interval_never_collapses_at_zero_or_one():
    # every interval on schedule: the interval reaches below 1 (n* = customers = 5)
    p, lo, hi = adherence.cluster_share_interval(np.ones(25), np.repeat(np.arange(5), 5))
    assert p == 1.0 and hi == 1.0 and lo == pytest.approx(1 / (1 + 1.6449**2 / 5), abs=1e-4)


def test_adherence_table_by_hand():
    iv = _iv({"a": [7.0, 7.1], "b": [6.9, 8.0], "c": [7.2, 6.8], "d": [7.0, 7.0], "e": [7.1, 6.0]})
    row = adherence.interval_adherence(iv, margin_days=0.5).loc["cart"]
    assert row["adherence"] == 0.8 and row["adherence_plus_1d"] == 0.1 and row["adherence_minus_1d"] == 0.1
    # sorted: 6.0 6.8 6.9 7.0 7.0 7.0 7.1 7.1 7.2 8.0; p10 at rank 0.9 -> 6.0 + 0.9 * 0.8,
    # p90 at rank 8.1 -> 7.2 + 0.1 * 0.8
    assert row["interval_p10"] == pytest.approx(6.72) and row["interval_p90"] == pytest.approx(7.28)
    assert bool(row["peaks_at_policy"])
    empty = adherence.interval_adherence(iv).loc["dormant"]
    assert empty["intervals"] == 0 and pd.isna(empty["peaks_at_policy"]) and np.isnan(empty["adherence"])


def test_a_one_day_off_policy_does_not_peak():
    iv = _iv({f"c{i}": [7.0, 7.2, 6.9, 8.0, 6.1] for i in range(30)})
    assert bool(adherence.interval_adherence(iv, policy={"cart": 7}).loc["cart", "peaks_at_policy"])
    assert not bool(adherence.interval_adherence(iv, policy={"cart": 8}).loc["cart", "peaks_at_policy"])
    assert not bool(adherence.interval_adherence(iv, policy={"cart": 6}).loc["cart", "peaks_at_policy"])


@pytest.mark.parametrize("margin", [0.0, 0.6])
def test_adherence_refuses_overlapping_windows(margin):
    with pytest.raises(ValueError, match=f"margin_days = {margin!r} must be in \\(0, 0.5\\]"):
        adherence.interval_adherence(_iv({"a": [7.0]}), margin_days=margin)


@pytest.mark.parametrize("hits, clusters, level, match", [
    ([], [], 0.9, "at least one observation"),
    ([1, 0], ["a"], 0.9, r"hits \(2\) and clusters \(1\) must have the same length"),
    ([1, 0], ["a", "b"], 0.0, "level = 0.0 must be between 0 and 1"),
])
def test_share_interval_refuses_bad_input(hits, clusters, level, match):
    with pytest.raises(ValueError, match=match):
        adherence.cluster_share_interval(hits, clusters, level)
