"""Threshold robustness: every day threshold moved down and up, stages re-inferred, verdicts compared."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.cadence import robustness
from helpers.cadence.constants import DEFAULT


def _log(n_customers: int = 12):
    """Customers who sign up, wait out onboarding, then get a coupon every 14 days on schedule.

    Sign-up on 2024-01-01 10:00 (+09:00); sends at 12:00 on days 31, 45 and 59: all in 'inactive'
    (the clock starts when onboarding ends on day 30; 1, 15 and 29 days < dormant_days = 60), so
    each customer gives two 14.0-day intervals.
    """
    rows, ev = [], []
    for i in range(n_customers):
        cid = f"c{i}"
        ev.append((cid, "signup", pd.Timestamp("2024-01-01T10:00+09:00")))
        for d in (31, 45, 59):
            rows.append((cid, pd.Timestamp("2024-01-01T12:00+09:00") + pd.Timedelta(days=d)))
    m = pd.DataFrame(rows, columns=["customer_id", "sent_at"])
    e = pd.DataFrame(ev, columns=["customer_id", "event", "at"])
    return m, e


def test_verdicts_on_a_log_on_schedule():
    m, e = _log()
    v = robustness.verdicts(m, e, DEFAULT)
    assert v.loc["inactive", "intervals"] == 24 and v.loc["inactive", "median_days"] == 14.0
    assert v.loc["inactive", "adherence"] == 1.0 and bool(v.loc["inactive", "peaks_at_policy"])
    assert pd.isna(v.loc["cart", "peaks_at_policy"]) and v.loc["cart", "intervals"] == 0


def test_the_table_moves_each_threshold_down_and_up():
    m, e = _log()
    t = robustness.threshold_robustness(m, e, DEFAULT, shift_days=7)
    assert len(t) == 15 and t.loc[0, "threshold"] == "baseline" and t.loc[0, "shift_days"] == 0
    assert t["shift_days"].iloc[1:].tolist() == [-7, 7] * 7
    assert t["same_verdicts"].all() and (t["peaks_held"] == "1 of 1").all()


def test_a_threshold_that_moves_sends_out_of_the_stage_shows_in_the_table():
    # onboarding_days + 7 = 37: the send on day 31 is now in 'onboarding', only the 45 -> 59 interval
    # stays in 'inactive' (one per customer)
    m, e = _log()
    t = robustness.threshold_robustness(m, e, DEFAULT, shift_days=7).set_index(["threshold", "shift_days"])
    v = robustness.verdicts(m, e, DEFAULT.__class__(onboarding_days=37))
    assert v.loc["inactive", "intervals"] == 12
    assert t.loc[("onboarding_days", 7), "inactive"] == 1.0


def test_shift_must_be_positive():
    m, e = _log(2)
    with pytest.raises(ValueError, match="shift_days = 0 must be at least 1"):
        robustness.threshold_robustness(m, e, DEFAULT, shift_days=0)
