"""Windows, CUPED, incremental new buyers, the verdict's probability and the holdout size, by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.contracts import DataContractError, ParameterError
from helpers.coupons.windows import (
    Windows,
    breakeven_verdict,
    customer_windows,
    daily_paid,
    incremental_effects,
    observed_windows,
)

T = pd.Timestamp
W = Windows(T("2026-02-02"), T("2026-03-02"), T("2026-03-08"), T("2026-03-22"), 28, 14)


def cw(pre=(10.0, 0.0, 20.0, 10.0, 0.0, 10.0, 5.0), net=(30.0, 0.0, 60.0, 30.0, 0.0, 20.0, 10.0),
       post=(0.0, 0.0, -10.0, 0.0, 0.0, 0.0, 5.0)) -> pd.DataFrame:
    """4 targeted, 3 holdout; pre-period spend, net paid (in + post), post part."""
    net, post = np.array(net), np.array(post)
    return pd.DataFrame({"customer_id": list("abcdefg"), "group": ["targeted"] * 4 + ["holdout"] * 3,
                         "never_bought": [True, True, False, False, True, True, False],
                         "pre_paid": list(pre), "paid_in": net - post, "paid_post": post, "paid_net": net,
                         "profit_in": (net - post) / 10, "profit_post": post / 10, "profit_net": net / 10,
                         "bought": [True, False, True, True, False, False, True]})


def test_observed_windows_fall_back_to_what_the_orders_cover() -> None:
    od = pd.DataFrame({"ordered_at": pd.to_datetime(["2026-02-02 08:00", "2026-03-22 21:00"])})
    full = observed_windows(od, T("2026-03-02"), T("2026-03-08"), 28, 14)
    assert (full.pre_days, full.post_days, full.notes) == (28, 14, ())
    none = observed_windows(od.iloc[1:].assign(ordered_at=T("2026-03-05")), T("2026-03-02"), T("2026-03-08"), 28, 14)
    assert (none.pre_days, none.post_days) == (0, 0)
    assert any("no pre-period: CUPED is not applied" in n for n in none.notes)
    assert any("no post window" in n for n in none.notes)
    with pytest.raises(ParameterError, match="'pre_days' = -1"):
        observed_windows(od, T("2026-03-02"), T("2026-03-08"), -1, 14)


def test_customer_windows_split_paid_orders_by_period() -> None:
    od = pd.DataFrame({"customer_id": ["a", "a", "a", "b", "b"],
                       "status": ["paid", "paid", "cancelled", "paid", "paid"],
                       "ordered_at": pd.to_datetime(["2026-02-10 10:00", "2026-03-08 23:00", "2026-03-03 10:00", "2026-03-09 10:00",
                                                     "2026-03-23 10:00"]),  # the last is after the post window
                       "paid_amount": [10.0, 40.0, 99.0, 50.0, 70.0], "gross_amount": [10.0, 50.0, 99.0, 50.0, 70.0]})
    aud = pd.DataFrame({"customer_id": ["a", "b", "c"], "group": ["targeted", "holdout", "holdout"]})
    out = customer_windows(od, aud, W, 0.2).set_index("customer_id")
    assert out.loc["a", ["pre_paid", "paid_in", "paid_post"]].tolist() == [10.0, 40.0, 0.0]
    assert out.loc["a", "profit_in"] == pytest.approx(40 - 0.8 * 50)
    assert out.loc["b", ["paid_in", "paid_post", "paid_net"]].tolist() == [0.0, 50.0, 50.0]
    assert out["never_bought"].tolist() == [False, True, True]  # no audience column: no pre-period order
    assert out["bought"].tolist() == [True, True, False]


def test_plain_difference_per_window_by_hand() -> None:
    e = incremental_effects(cw(), 40.0, 1.0, cuped=False, n_boot=200, seed=1)["estimates"]["estimate"]
    # net means: targeted (30+0+60+30)/4 = 30, holdout (0+20+10)/3 = 10; 4 targeted
    assert e["incremental_paid"] == pytest.approx(4 * (30 - 10))
    assert e["incremental_paid_post"] == pytest.approx(4 * (-10 / 4 - 5 / 3))
    assert e["incremental_paid_in_window"] == pytest.approx(80 - 4 * (-10 / 4 - 5 / 3))
    assert e["incremental_roi"] == pytest.approx(80 / 40)
    assert e["incremental_profit"] == pytest.approx(8.0)
    # never-bought: targeted a (bought), b (not) -> 1/2; holdout e, f (neither) -> 0; 2 x (1/2 - 0)
    assert e["incremental_new_buyers"] == pytest.approx(1.0)


def test_cuped_estimate_by_hand() -> None:
    d = cw()
    x, y = d["pre_paid"].to_numpy(), d["paid_net"].to_numpy()
    theta = ((x - x.mean()) * (y - y.mean())).sum() / ((x - x.mean()) ** 2).sum()
    t = d["group"].eq("targeted").to_numpy()
    expected = 4 * ((y[t].mean() - y[~t].mean()) - theta * (x[t].mean() - x[~t].mean()))
    out = incremental_effects(d, 40.0, 1.0, n_boot=200, seed=1)
    assert out["cuped_applied"]
    assert out["estimates"].loc["incremental_paid", "estimate"] == pytest.approx(expected)


def test_cuped_removes_the_variance_the_covariate_explains() -> None:
    rng = np.random.default_rng(3)
    n = 4000
    x = rng.gamma(1.0, 100.0, n)
    y = x + rng.normal(0, 30.0, n) + 20.0 * (np.arange(n) < 3000)
    d = cw().iloc[:0].reindex(range(n))
    d = d.assign(group=np.where(np.arange(n) < 3000, "targeted", "holdout"), pre_paid=x, paid_net=y, paid_in=y,
                 paid_post=0.0, profit_in=y, profit_post=0.0, profit_net=y, never_bought=False, bought=True)
    out = incremental_effects(d, 3000.0, 1.0, n_boot=300, seed=2)
    rho2 = np.corrcoef(x, y)[0, 1] ** 2  # about 0.92
    assert out["cuped_variance_reduction"] == pytest.approx(rho2, abs=0.06)
    assert out["width_cuped"] < 0.5 * out["width_raw"]
    assert out["estimates"].loc["incremental_paid", "estimate"] == pytest.approx(3000 * 20.0, rel=0.1)


def test_no_pre_period_spend_falls_back_to_the_plain_difference() -> None:
    out = incremental_effects(cw(pre=(0.0,) * 7), 40.0, 1.0, n_boot=200)
    assert not out["cuped_applied"] and out["cuped_variance_reduction"] == 0.0
    assert out["estimates"].loc["incremental_paid", "estimate"] == pytest.approx(80.0)


def test_probability_profitable_from_the_same_draws() -> None:
    flat = cw(pre=(1.0,) * 7, net=(50.0,) * 4 + (20.0,) * 3, post=(0.0,) * 7)
    assert incremental_effects(flat, 40.0, 2.9, n_boot=200)["prob_profitable"] == 1.0  # ROI 4 x 30 / 40 = 3
    assert incremental_effects(flat, 40.0, 3.1, n_boot=200)["prob_profitable"] == 0.0


@pytest.mark.parametrize(("frame", "kw", "match"), [
    (cw().assign(group="targeted"), {}, "no holdout customers"),
    (cw(), {"min_holdout": 5}, r"3 holdout customer\(s\), fewer than the minimum 5 \(`min_holdout`\)"),
    (cw().assign(group=["targeted"] + ["holdout"] * 6), {}, "at least 2 targeted"),
    (cw(), {"coupon_cost": 0.0}, r"'coupon_cost' = 0.0 is out of range"),
    (cw(), {"mode": "trimmed"}, r"'mode' = 'trimmed' is not allowed"),
    (cw().drop(columns="pre_paid"), {}, r"missing required column\(s\) \['pre_paid'\]"),
])
def test_bad_inputs_are_refused(frame, kw, match) -> None:
    args = {"coupon_cost": 40.0, "breakeven": 1.0, "n_boot": 200, **kw}
    with pytest.raises((DataContractError, ParameterError), match=match):
        incremental_effects(frame, **args)


def test_daily_paid_is_per_customer_and_zero_filled() -> None:
    od = pd.DataFrame({"customer_id": ["a", "b"], "status": ["paid", "paid"], "paid_amount": [10.0, 30.0],
                       "ordered_at": pd.to_datetime(["2026-03-02 10:00", "2026-03-02 11:00"])})
    aud = pd.DataFrame({"customer_id": ["a", "b", "c"], "group": ["targeted", "holdout", "holdout"]})
    out = daily_paid(od, aud, W)
    day = out[out["date"] == T("2026-03-02")].set_index("group")["paid_per_customer"]
    assert day["targeted"] == 10.0 and day["holdout"] == 15.0
    assert len(out) == 2 * 49 and set(out["period"]) == {"pre", "campaign", "post"}


def test_breakeven_verdict() -> None:
    assert breakeven_verdict(4.5, 6.0, 0.81 / 0.19) == "above"
    assert breakeven_verdict(2.0, 4.0, 0.81 / 0.19) == "below"
    assert breakeven_verdict(4.0, 4.5, 0.81 / 0.19) == "not clearly above or below"
    with pytest.raises(ValueError, match="interval low 5 is above high 4"):
        breakeven_verdict(5, 4, 4.26)
