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
