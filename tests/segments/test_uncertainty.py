"""Tests for helpers.segments.uncertainty: intervals of the out-of-sample segment check.

Expected values: the Wilson interval against its closed form (Brown, Cai & DasGupta 2001, eq. 4)
and statsmodels; the rank bounds against a brute force over all permutations; the bootstrap-t
interval of normal data against Student's t interval (Efron & Tibshirani 1993, ch. 12); and the
coverage of every interval on a world built without RFM or BG/NBD (heavy-tailed revenue).
"""

from __future__ import annotations

import functools
import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from helpers.btyd.cdnow import load_cdnow
from helpers.contracts import ParameterError
from helpers.segments import uncertainty as u
from helpers.segments import validation

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "raw" / "CDNOW_sample.txt"


@functools.cache
def _sample_validation() -> validation.Validation:
    return validation.validate_segments(load_cdnow(SAMPLE))


def test_wilson_matches_the_closed_form_and_statsmodels():
    # 0 of 10 at 95%: upper = z^2 / (n + z^2) = 3.8415 / 13.8415 = 0.27753 (the lower end is 0)
    lo, hi = u.wilson(np.array([0]), np.array([10]), 0.95)
    assert lo[0] == 0.0 and hi[0] == pytest.approx(1.959964**2 / (10 + 1.959964**2), rel=1e-6)
    k, n = np.array([1, 7, 30, 119]), np.array([12, 40, 30, 600])
    for level in (0.9, 0.95, 0.99):
        got = u.wilson(k, n, level)
        want = proportion_confint(k, n, alpha=1 - level, method="wilson")
        np.testing.assert_allclose(got, want, rtol=1e-10)


def _brute_orders(lo, hi):
    k = len(lo)
    out = []
    for perm in itertools.permutations(range(1, k + 1)):
        if all(not (hi[j] < lo[i]) or perm[j] < perm[i] for i in range(k) for j in range(k)):
            out.append(perm)
    return sorted(out)


def test_orderings_equal_a_brute_force_over_permutations():
    rng = np.random.default_rng(3)
    for _ in range(25):
        centre = rng.uniform(0, 10, 6)
        half = rng.uniform(0.1, 3, 6)
        got = u.orderings(centre - half, centre + half)
        assert sorted(map(tuple, got.tolist())) == _brute_orders(centre - half, centre + half)
    assert u.orderings(np.zeros(6), np.ones(6), cap=100) is None  # 720 orders, more than the cap


def test_spearman_bounds_equal_a_brute_force_and_the_relaxation_contains_them():
    rng = np.random.default_rng(4)
    for _ in range(15):
        ca, cb = rng.uniform(0, 10, 5), rng.uniform(0, 10, 5)
        ha, hb = rng.uniform(0.1, 3, 5), rng.uniform(0.1, 3, 5)
        oa, ob = _brute_orders(ca - ha, ca + ha), _brute_orders(cb - hb, cb + hb)
        rhos = [stats.spearmanr(x, y).statistic for x in oa for y in ob]
        low, high, orders, exhaustive = u.spearman_bounds(ca - ha, ca + ha, cb - hb, cb + hb)
        assert exhaustive and orders == (len(oa), len(ob))
        assert (low, high) == pytest.approx((min(rhos), max(rhos)))
        rlow, rhigh, _, relaxed = u.spearman_bounds(ca - ha, ca + ha, cb - hb, cb + hb, cap=1)
        if not relaxed:
            assert rlow <= low + 1e-12 and rhigh >= high - 1e-12


def test_bootstrap_t_of_normal_data_is_close_to_students_t_interval():
    rng = np.random.default_rng(5)
    x = rng.normal(10.0, 2.0, 400)
    per = pd.DataFrame({"segment": "a", "next_revenue": x, "expected": x})
    tstar = u.studentized_replicates(per, ["a"], 20_000, seed=6)
    lo, hi, err = u.t_intervals(per, ["a"], tstar["next_revenue"], "next_revenue", 0.05)
    se = x.std(ddof=1) / np.sqrt(len(x))
    t = stats.t.ppf(0.975, len(x) - 1)
    assert lo[0] == pytest.approx(x.mean() - t * se, abs=0.06 * se)
    assert hi[0] == pytest.approx(x.mean() + t * se, abs=0.06 * se)
    assert 0 < err[0] < 0.01


def test_replicates_are_the_textbook_studentized_means_of_the_same_resamples():
    """Each replicate is (mean(x*) - mean(x)) / (sd(x*) / sqrt(n)) of one resample drawn as the
    function draws them (one (B, n) block of indices per segment), to the last bit: the in-place
    sums must not change a replicate."""
    rng = np.random.default_rng(3)
    per = pd.DataFrame({"segment": rng.choice(["a", "b"], 300), "next_revenue": rng.gamma(0.5, 100.0, 300),
                        "expected": rng.normal(5.0, 1.0, 300)})
    got = u.studentized_replicates(per, ["a", "b"], 50, seed=9)
    draw = np.random.default_rng(9)
    for j, name in enumerate(["a", "b"]):
        vals = per.loc[per["segment"] == name, ["next_revenue", "expected"]].to_numpy()
        idx = draw.integers(0, len(vals), size=(50, len(vals)))
        for k, col in enumerate(["next_revenue", "expected"]):
            x = vals[idx, k]
            want = (x.mean(axis=1) - vals[:, k].mean()) / (x.std(axis=1, ddof=1) / np.sqrt(len(vals)))
            assert np.array_equal(got[col][:, j], want)


def test_a_segment_without_spread_gets_a_point_interval():
    per = pd.DataFrame({"segment": ["a"] * 3 + ["b"] * 3, "next_revenue": [5.0] * 3 + [1.0, 2, 3],
                        "expected": [1.0] * 6})
    tstar = u.studentized_replicates(per, ["a", "b"], 300, seed=1)
    lo, hi, _ = u.t_intervals(per, ["a", "b"], tstar["next_revenue"], "next_revenue", 0.05)
    assert (lo[0], hi[0]) == (5.0, 5.0) and lo[1] < 2 < hi[1]


def test_point_rank_agreement_is_the_tables_and_the_intervals_contain_the_estimates():
    v = _sample_validation()
    iv = u.validation_intervals(v.per, n_boot=2000, seed=1)
    assert iv.rank_agreement == pytest.approx(validation.rank_agreement(v.table))
    assert iv.rank_agreement_low <= iv.rank_agreement <= iv.rank_agreement_high
    t = v.table[v.table["customers"] > 0].join(iv.table)
    assert (t["next_revenue_per_customer_low"] <= t["next_revenue_per_customer"]).all()
    assert (t["next_revenue_per_customer"] <= t["next_revenue_per_customer_high"]).all()
    assert ((t["next_repeat_rate_low"] <= t["next_repeat_rate"]) & (t["next_repeat_rate"] <= t["next_repeat_rate_high"])).all()
    again = u.validation_intervals(v.per, n_boot=2000, seed=1)
    pd.testing.assert_frame_equal(iv.table, again.table)  # same seed, same numbers


@pytest.mark.parametrize(("kwargs", "match"), [({"n_boot": 100}, "validation_boot"),
                                              ({"conf_level": 1.0}, "conf_level")])
def test_bad_settings_are_named(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        u.validation_intervals(_sample_validation().per, **kwargs)


def test_two_segments_cannot_give_a_rank_agreement():
    per = pd.DataFrame({"segment": ["a", "a", "b", "b"], "next_revenue": [1.0, 2, 3, 4],
                        "repeated": 1.0, "expected": 1.0})
    with pytest.raises(ParameterError, match="at least three"):
        u.validation_intervals(per, n_boot=200)


# --- coverage on an independent world -------------------------------------------------------------
# Nine groups with CDNOW-like sizes (a quarter of them) and repeat rates; a buyer's next-period
# revenue is (1 + Poisson(0.8)) visits times a lognormal spend (sigma 1.1): zero for most
# customers, heavy-tailed for the rest. No RFM scoring, no BG/NBD: the "expected purchases" are
# gamma draws around a known group mean. Truths: P, 1.8 * P * exp(mu + sigma^2 / 2), and the
# Spearman correlation of the two group means.
_SIZES = np.array([5389, 609, 119, 3188, 4919, 2598, 611, 3959, 2108]) // 4
_P = np.array([0.6, 0.3, 0.2, 0.38, 0.16, 0.14, 0.13, 0.13, 0.12])
_MU = np.array([4.2, 3.5, 3.4, 3.3, 3.1, 3.2, 3.0, 3.05, 2.9])
_SIGMA = 1.1
_EXPECTED = np.array([2.0, 0.5, 0.9, 0.7, 0.45, 0.3, 0.5, 0.25, 0.35])


def _world(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    seg = np.repeat(np.array(u.SEGMENTS), _SIZES)
    buy = rng.random(len(seg)) < np.repeat(_P, _SIZES)
    visits = 1 + rng.poisson(0.8, len(seg))
    revenue = np.where(buy, visits * rng.lognormal(np.repeat(_MU, _SIZES), _SIGMA), 0.0)
    expected = rng.gamma(2.0, np.repeat(_EXPECTED, _SIZES) / 2.0)
    return pd.DataFrame({"segment": seg, "next_revenue": revenue, "repeated": buy.astype(float),
                         "expected": expected})


@pytest.mark.study
def test_intervals_cover_on_an_independent_world():
    true_revenue = 1.8 * _P * np.exp(_MU + _SIGMA**2 / 2)
    true_rho = stats.spearmanr(true_revenue, _EXPECTED).statistic  # 0.73
    seeds = 120
    rev, rate, rho = [], [], []
    for s in range(seeds):
        iv = u.validation_intervals(_world(s), n_boot=2000, seed=s)
        t = iv.table.reindex(u.SEGMENTS)
        rev.append(((t["next_revenue_per_customer_low"] <= true_revenue)
                    & (true_revenue <= t["next_revenue_per_customer_high"])).to_numpy())
        rate.append(((t["next_repeat_rate_low"] <= _P) & (_P <= t["next_repeat_rate_high"])).to_numpy())
        rho.append(iv.rank_agreement_low <= true_rho <= iv.rank_agreement_high)
    rev_cov, rate_cov = np.mean(rev, axis=0), np.mean(rate, axis=0)
    print(f"\ncoverage over {seeds} worlds (nominal 95%): revenue {np.round(rev_cov, 3).tolist()} "
          f"(mean {rev_cov.mean():.3f}); repeat rate {np.round(rate_cov, 3).tolist()} "
          f"(mean {rate_cov.mean():.3f}); rank agreement {np.mean(rho):.3f}")
    mc = 2 * np.sqrt(0.95 * 0.05 / (seeds * len(_P)))  # two Monte-Carlo standard errors of a mean coverage
    assert rev_cov.mean() >= 0.93 - mc and rev_cov.min() >= 0.85  # heavy tails: slightly below nominal
    assert abs(rate_cov.mean() - 0.95) <= 0.01 + mc
    assert np.mean(rho) >= 0.95 - 2 * np.sqrt(0.95 * 0.05 / seeds)  # conservative by construction


def test_a_revenue_interval_never_goes_below_zero():
    # two buyers among twelve customers: the studentized lower end would be negative
    per = pd.DataFrame({"segment": "a", "next_revenue": [0.0] * 10 + [1.0, 400.0], "expected": 1.0})
    tstar = u.studentized_replicates(per, ["a"], 2000, seed=2)
    lo, hi, _ = u.t_intervals(per, ["a"], tstar["next_revenue"], "next_revenue", 0.05)
    assert lo[0] == 0.0 and hi[0] > per["next_revenue"].mean()
