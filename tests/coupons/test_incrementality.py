"""Holdout outcomes, the incremental estimate and its bootstrap, the ROI comparison and verdict."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.contracts import DataContractError, ParameterError
from helpers.coupons.incrementality import (
    breakeven_verdict,
    customer_outcomes,
    incrementality,
    roi_comparison,
)
from helpers.coupons.metrics import review_table

T = pd.Timestamp


def test_incrementality_point_estimates_by_hand(frames) -> None:
    inc = incrementality(frames.outcomes(), 40.0, "USD", n_boot=500, seed=1)
    # targeted mean (30+0+60+30)/4 = 30, holdout mean (0+20+10)/3 = 10; 4 targeted customers
    assert inc.loc["paid_per_targeted", "estimate"] == pytest.approx(30.0)
    assert inc.loc["paid_per_holdout", "estimate"] == pytest.approx(10.0)
    assert inc.loc["incremental_paid", "estimate"] == pytest.approx(4 * (30 - 10))
    assert inc.loc["incremental_roi", "estimate"] == pytest.approx(80 / 40)
    assert inc.loc["incremental_profit", "estimate"] == pytest.approx(4 * (3 - 1))  # profit means 3 and 1
    assert inc.loc["incremental_paid", "unit"] == "USD"
    row = inc.loc["incremental_roi"]
    assert row["low"] <= row["estimate"] <= row["high"]


def test_incrementality_interval_collapses_without_variance_and_is_seeded(frames) -> None:
    flat = pd.DataFrame({"group": ["targeted"] * 3 + ["holdout"] * 3, "paid": [50.0] * 3 + [20.0] * 3,
                         "profit": [5.0] * 3 + [2.0] * 3})
    inc = incrementality(flat, 30.0, "KRW", n_boot=200, seed=3)
    assert inc.loc["incremental_roi", ["low", "estimate", "high"]].tolist() == pytest.approx([3.0, 3.0, 3.0])
    a = incrementality(frames.outcomes(), 40.0, "USD", n_boot=300, seed=5)
    b = incrementality(frames.outcomes(), 40.0, "USD", n_boot=300, seed=5)
    pd.testing.assert_frame_equal(a, b)


def test_winsorized_mode_caps_the_outlier() -> None:
    out = pd.DataFrame({"group": ["targeted"] * 6 + ["holdout"] * 6,
                        "paid": [10.0] * 5 + [10_000.0] + [10.0] * 6, "profit": [1.0] * 12})
    plain = incrementality(out, 100.0, "KRW", n_boot=200)
    capped = incrementality(out, 100.0, "KRW", n_boot=200, mode="winsorized")
    # plain: 6 * ((5*10 + 10,000)/6 - 10) = 9,990; capped at the 99th percentile it is much smaller
    assert plain.loc["incremental_paid", "estimate"] == pytest.approx(9_990.0)
    assert capped.loc["incremental_paid", "estimate"] < 0.9 * 9_990.0


def test_roi_comparison_by_hand(frames) -> None:
    summary = review_table(frames.batches(), frames.events(), frames.orders())  # ROI 95,000 / 25,000 = 3.8
    inc = pd.DataFrame({"estimate": [2.0], "low": [1.0], "high": [3.0]}, index=["incremental_roi"])
    truth = pd.DataFrame({"true_incremental_paid": [50_000.0]})
    c = roi_comparison(summary, inc, truth)["roi"]
    assert c["attributional"] == pytest.approx(3.8)
    assert c["true_incremental"] == pytest.approx(50_000 / 25_000)
    assert c["overstatement_factor"] == pytest.approx(3.8 / 2.0)
    assert c["roi_gap"] == pytest.approx(3.8 - 2.0)
    assert np.isnan(roi_comparison(summary, inc.assign(estimate=-0.5))["roi"]["overstatement_factor"])


def test_breakeven_verdict() -> None:
    assert breakeven_verdict(4.5, 6.0, 0.81 / 0.19) == "above"
    assert breakeven_verdict(2.0, 4.0, 0.81 / 0.19) == "below"
    assert breakeven_verdict(4.0, 4.5, 0.81 / 0.19) == "not clearly above or below"
    with pytest.raises(ValueError, match="interval low 5 is above high 4"):
        breakeven_verdict(5, 4, 4.26)


def test_customer_outcomes_counts_paid_orders_in_window_only(frames) -> None:
    extra = frames.orders([("o6", "c2", "2026-03-09 00:00", 99_000.0, 0.0, 99_000.0, "paid", False)])  # after end
    aud = pd.DataFrame({"campaign_id": "C1", "customer_id": ["c1", "c2", "c3", "c9"],
                        "group": ["targeted", "targeted", "targeted", "holdout"]})
    out = customer_outcomes(pd.concat([frames.orders(), extra], ignore_index=True), aud, T("2026-03-02"),
                            T("2026-03-08"), 0.2).set_index("customer_id")
    assert out.loc["c1", "paid"] == 65_000  # o1
    assert out.loc["c1", "profit"] == pytest.approx(65_000 - 0.8 * 80_000)  # 1,000
    assert out.loc["c2", "paid"] == 30_000  # o2; o6 falls after the window
    assert out.loc["c3", "paid"] == 0  # o3 cancelled
    assert out.loc["c9", "paid"] == 0  # no orders


@pytest.mark.parametrize(("call", "match"), [
    (lambda o: incrementality(o.iloc[:5], 10.0, "KRW"), r"at least 2 targeted and 2 holdout"),
    (lambda o: incrementality(o, 0.0, "KRW"), r"'coupon_cost' = 0.0 is out of range"),
    (lambda o: incrementality(o, 10.0, "KRW", mode="ignore"), r"'mode' = 'ignore' is not allowed"),
    (lambda o: incrementality(o, 10.0, "KRW", n_boot=50), r"'n_boot' = 50 is out of range"),
    (lambda o: incrementality(o.drop(columns="profit"), 10.0, "KRW"), r"missing required column"),
])
def test_bad_inputs_are_refused(frames, call, match: str) -> None:
    with pytest.raises((DataContractError, ParameterError), match=match):
        call(frames.outcomes())
