"""The synthetic panel: contract, determinism, planted truth, byte-identical shipped file."""

from __future__ import annotations

import filecmp

import numpy as np
import pandas as pd
import pytest

from helpers import contracts
from helpers.config import SYNTHETIC_DIR
from helpers.membership.schemas import MEMBERSHIP_PANEL
from helpers.membership.simulate import join_intercept, simulate_panel, write_synthetic


def test_generator_output_passes_the_contract(default_panel):
    raw = simulate_panel(seed=7)
    contracts.validate(raw, MEMBERSHIP_PANEL, source="simulate_panel")
    assert not default_panel.duplicated(["customer_id", "month"]).any()
    assert raw.attrs["true_rate_ratio"] == 2.0


def test_generator_is_seeded():
    a = simulate_panel(n_customers=200, n_months=10, min_pre_months=2, seed=3)
    b = simulate_panel(n_customers=200, n_months=10, min_pre_months=2, seed=3)
    c = simulate_panel(n_customers=200, n_months=10, min_pre_months=2, seed=4)
    pd.testing.assert_frame_equal(a, b)
    assert not a["orders"].equals(c["orders"])


def test_join_intercept_hits_the_share():
    # two propensities -1 and +1, s = 1: expit(c-1) + expit(c+1) = 2 * 0.3
    c = join_intercept(np.array([-1.0, 1.0]), 1.0, 0.3)
    assert (1 / (1 + np.exp(-(c - 1))) + 1 / (1 + np.exp(-(c + 1)))) / 2 == pytest.approx(0.3)
    with pytest.raises(ValueError, match=r"member_share = 1.0 must be in \(0, 1\)"):
        join_intercept(np.zeros(2), 1.0, 1.0)


def test_shipped_example_is_regenerated_byte_identically(tmp_path):
    [fresh] = write_synthetic(tmp_path)
    assert filecmp.cmp(fresh, SYNTHETIC_DIR / fresh.name, shallow=False)


def test_calendar_effects_move_everyone_and_leave_the_other_draws_alone():
    # +2% a month and a ±25% yearly sine, on never-joined customers' orders (member_share small):
    # month t's mean is the no-calendar mean times 1.02^t (1 + 0.25 sin(2 pi t / 12)); the other
    # random draws are unchanged, so the join months are identical.
    kw = dict(n_customers=40_000, n_months=12, min_pre_months=2, member_share=0.05, seed=11)
    flat = simulate_panel(**kw)
    cal = simulate_panel(**kw, calendar_trend=0.02, seasonality=0.25)
    pd.testing.assert_series_equal(flat["join_month"], cal["join_month"])
    never = cal["join_month"].isna()
    ratio = (cal[never].groupby("month")["orders"].mean()
             / flat[never].groupby("month")["orders"].mean()).to_numpy()
    t = np.arange(12)
    expected = 1.02 ** t * (1 + 0.25 * np.sin(2 * np.pi * t / 12))
    assert ratio == pytest.approx(expected, rel=0.04)  # Poisson noise on ~30,000 customer-months


def test_cohort_effect_slope_plants_one_effect_per_cohort():
    raw = simulate_panel(n_customers=300, n_months=12, min_pre_months=4, seed=2,
                         cohort_effect_slope=0.1)
    r = raw.attrs["ratio_at_tenure"]
    # the middle join month (index 7.5 between 4 and 11) has the base effect; May is 3.5 months earlier
    assert r(1, "2024-05") == pytest.approx(2.0 * np.exp(0.35))
    assert r(1, "2024-12") == pytest.approx(2.0 * np.exp(-0.35))
    assert simulate_panel(n_customers=300, n_months=12, min_pre_months=4,
                          seed=2).attrs["ratio_at_tenure"](1) == 2.0
