"""BG/NBD out of sample: eq. (9) by hand, a tiny holdout by hand, and the CDNOW 39/39 split."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.btyd import clv
from helpers.membership.clv_holdout import expected_repeat_unconditional, holdout_check
from helpers.membership.lifetime import fit_cdnow


def test_unconditional_expectation_is_the_sum_over_a_new_customer():
    # E[X(t)] is E[Y(t) | x=0, t_x=0, T=0] (eq. 10 at the start of a customer's life)
    p = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for t in (1.0, 10.0, 39.0):
        conditional = clv.expected_purchases(p, t, [0], [0.0], [0.0])[0]
        assert expected_repeat_unconditional(p, np.array([t]))[0] == pytest.approx(conditional)


def test_tiny_holdout_by_hand():
    # a: first buy Jan 1, repeat Jan 8 (calibration), two purchases on Jan 20 (one day), Jan 25
    # b: first buy Jan 2 only. Calibration ends Jan 14; holdout 2 weeks (to Jan 28).
    tx = pd.DataFrame({"customer_id": ["a", "a", "a", "a", "a", "b"],
                       "date": pd.to_datetime(["1997-01-01", "1997-01-08", "1997-01-20",
                                               "1997-01-20", "1997-01-25", "1997-01-02"])})
    summary = pd.DataFrame({"frequency": [1.0, 0.0], "recency": [1.0, 0.0], "T": [2.0, 12 / 7]},
                           index=["a", "b"])
    p = {"r": 1.0, "alpha": 2.0, "a": 1.5, "b": 3.0}
    h = holdout_check(tx, summary, p, calibration_end="1997-01-14", holdout_weeks=2)
    assert h.actual_repeat == 2  # Jan 20 (once) and Jan 25
    assert h.by_group["actual"].tolist() == [0.0, 2.0]
    assert h.predicted_repeat == pytest.approx(
        clv.expected_purchases(p, 2, [1, 0], [1.0, 0.0], [2.0, 12 / 7]).sum())
    assert h.tracking["actual"].iloc[-1] == 3  # Jan 8, Jan 20, Jan 25
    assert h.error == pytest.approx(h.predicted_repeat / 2 - 1)


def test_holdout_needs_data_to_the_end():
    tx = pd.DataFrame({"customer_id": ["a"], "date": pd.to_datetime(["1997-01-01"])})
    s = pd.DataFrame({"frequency": [0.0], "recency": [0.0], "T": [1.0]}, index=["a"])
    with pytest.raises(ValueError, match=r"the transactions end 1997-01-01, before the end of the "
                                         r"39-week holdout \(1997-10-14\)"):
        holdout_check(tx, s, {"r": 1, "alpha": 1, "a": 2, "b": 2}, calibration_end="1997-01-14")


def test_cdnow_39_39_split():
    # Fader, Hardie & Lee (2005): 2,357 customers, 1,411 without a repeat purchase in the
    # 39 calibration weeks. Our counts: 2,457 calibration and 1,882 holdout repeat purchase days.
    check = fit_cdnow("data/raw/CDNOW_sample.txt", "1997-09-30")
    h = holdout_check(check.transactions, check.summary, check.bgnbd.params,
                      calibration_end="1997-09-30", holdout_weeks=39)
    assert h.customers == 2357 and h.by_group.loc["0", "customers"] == 1411
    assert int(check.summary["frequency"].sum()) == 2457 and h.actual_repeat == 1882
    assert h.predicted_repeat == pytest.approx(1653.4, abs=0.5)
    assert h.by_group["customers"].sum() == 2357
    assert h.tracking["actual"].iloc[38] == 2457  # week 39: every calibration repeat purchase


def test_holdout_interval_from_parameter_draws():
    check = fit_cdnow("data/raw/CDNOW_sample.txt", "1997-09-30")
    h = holdout_check(check.transactions, check.summary, check.bgnbd.params,
                      calibration_end="1997-09-30", n_draws=100, seed=1)
    assert h.predicted_low < h.predicted_repeat < h.predicted_high
    assert not h.predicted_low <= h.actual_repeat <= h.predicted_high  # the miss is not noise


def test_unidentified_parameters_have_no_parametric_interval():
    from helpers.membership.clv_holdout import parameter_draws

    # nobody repeats: the data say nothing about the dropout parameters a, b
    s = pd.DataFrame({"frequency": [0.0] * 20, "recency": [0.0] * 20, "T": [10.0] * 20})
    with pytest.raises(ValueError, match="a parameter is not identified"):
        parameter_draws({"r": 0.5, "alpha": 5.0, "a": 0.8, "b": 2.5}, s, n_draws=5)
