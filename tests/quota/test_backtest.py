"""Seasonal naive, MASE and the rolling-origin backtest."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.contracts import DataContractError
from helpers.quota import backtest


def test_seasonal_naive_and_mase_by_hand():
    assert backtest.seasonal_naive([1, 2, 3, 4, 5], 3, 2).tolist() == [4.0, 5.0, 4.0]
    # train [1,2,3,5], m=1: in-sample naive errors 1,1,2 -> scale 4/3; forecast errors 1,1 -> MAE 1
    assert backtest.mase([5, 7], [6, 6], [1, 2, 3, 5], 1) == pytest.approx(0.75)
    with pytest.raises(ValueError, match="does not change"):
        backtest.mase([1], [1], [2, 2, 2], 1)


def test_backtest_beats_seasonal_naive_and_covers(daily):
    history, _ = daily
    bt = backtest.rolling_backtest(history, "D", horizon=31, folds=3, level=0.9)
    assert list(bt.folds["origin"].dt.strftime("%Y-%m-%d")) == ["2025-09-30", "2025-10-31", "2025-12-01"]
    assert bt.mase_model < bt.mase_naive
    assert 0.75 <= bt.coverage <= 0.99


def test_backtest_length_rule(monthly):
    history, _ = monthly
    # 36 months - 4 folds x 3 = 24 = two cycles: allowed; 5 folds leave 36 - 15 = 21 < 24
    assert len(backtest.rolling_backtest(history, "MS", horizon=3, folds=4).folds) == 4
    with pytest.raises(DataContractError, match="backtest length.*5 fold.*3 months leave 21.*at least 24"):
        backtest.rolling_backtest(history, "MS", horizon=3, folds=5)



def _folds(model, **bench):
    import pandas as pd

    return backtest.Backtest(pd.DataFrame({"mase_model": model, **{f"mase_{k}": v for k, v in bench.items()}}),
                             sum(model) / len(model), 1.0, 0.9, 1.0)


def test_tie_rule_keeps_the_regression_unless_a_benchmark_is_significantly_better():
    # a 0.5% gain that changes sign between folds (the 83dcadc finding): not significant, regression kept
    keep = _folds([0.44, 0.45, 0.43, 0.46], sarimax=[0.43, 0.46, 0.42, 0.455], ets=[0.5, 0.5, 0.5, 0.5])
    choice, text = backtest.choose_baseline(keep)
    assert choice == "regression" and "No benchmark beats the regression" in text
    assert "SARIMAX 0.441 (better, p = " in text and "ETS 0.500 (worse, p = " in text
    # SARIMAX's fold scores live in the backtest's mase_benchmark column
    legacy = backtest.Backtest(pd.DataFrame({"mase_model": [0.5, 0.6], "mase_benchmark": [0.4, 0.55]}),
                               0.55, 1.0, 0.9, 1.0, 0.475)
    assert backtest.tie_test(legacy, "sarimax")[0] == pytest.approx(0.075)
    # ETS better in every fold: d = .1, .12, .09, .11, mean .105, sd .0129 -> t = 16.3 on 3 df, p = 0.0005
    win = _folds([0.5, 0.6, 0.4, 0.55], sarimax=[0.5, 0.6, 0.4, 0.55], ets=[0.4, 0.48, 0.31, 0.44])
    gain, p = backtest.tie_test(win, "ets")
    assert gain == pytest.approx(0.105) and p == pytest.approx(0.000505, rel=0.02)
    choice, text = backtest.choose_baseline(win)
    assert choice == "ets" and "its own interval" in text
    assert backtest.choose_baseline(win, alpha=0.0001)[0] == "regression"


def test_a_chosen_benchmark_brings_its_own_interval_from_its_backtest_errors(daily):
    import numpy as np
    from scipy import stats

    from helpers.quota import baseline

    history, fit = daily
    fc = baseline.forecast_baseline(fit, "2026-01-01", "2026-01-31", level=0.9)
    bt = _folds([0.5, 0.6, 0.4], ets=[0.4, 0.5, 0.3])
    bt.total_errors["ets"] = np.array([0.02, -0.01, 0.05])
    bt.period_errors["ets"] = np.array([0.1, -0.1, 0.05, -0.05])
    got = backtest.apply_choice(fc, fit, "ets", bt)
    mean = backtest.ets_forecast(fit, pd.DatetimeIndex(fc.table["date"]))
    q = stats.t.ppf(0.95, 2)
    assert got.total == pytest.approx(mean.sum())
    assert got.total_sd == pytest.approx(mean.sum() * np.std([0.02, -0.01, 0.05], ddof=1))
    assert got.total_high == pytest.approx(got.total + q * got.total_sd) and got.df_resid == 2
    s_p = np.std([0.1, -0.1, 0.05, -0.05], ddof=1)
    assert got.table["high"].to_numpy() == pytest.approx(mean * (1 + q * s_p))
    assert backtest.apply_choice(fc, fit, "regression", bt) is fc
    with pytest.raises(ValueError, match="no errors of 'sarimax'"):
        backtest.apply_choice(fc, fit, "sarimax", bt)


@pytest.mark.slow  # a long fit: in `make test`, not `make unit`
def test_ets_wins_where_the_level_wanders_and_the_regression_where_it_does_not(daily):
    import numpy as np

    history, _ = daily
    bt = backtest.rolling_backtest(history, "D", horizon=31, folds=8, level=0.9)
    assert set(bt.total_errors) == {"sarimax", "ets", "log"} and len(bt.total_errors["ets"]) == 8
    assert len(bt.period_errors["ets"]) == 8 * 31
    assert backtest.choose_baseline(bt)[0] == "regression"  # the shipped world has a global trend
    # a level that random-walks (sd 1.5% a day): a global line cannot follow it, a local level can
    rng = np.random.default_rng(7)
    walk = history.assign(sales=history["sales"] * np.exp(np.cumsum(rng.normal(0, 0.015, len(history)))))
    bt = backtest.rolling_backtest(walk, "D", horizon=31, folds=8, level=0.9)
    assert bt.folds["mase_ets"].mean() < bt.mase_model
    assert backtest.choose_baseline(bt)[0] == "ets"


@pytest.mark.slow  # a long fit: in `make test`, not `make unit`
def test_the_log_regression_wins_where_seasonality_grows_with_the_level(daily):
    import numpy as np

    history, _ = daily
    # a level that triples over three years with a weekday pattern of +-30% of it: the additive
    # model's fixed weekday amounts are too small at the end, the log model's shares are right
    t = np.arange(len(history))
    dates = pd.DatetimeIndex(history["date"])
    weekday = np.array([0.8, 0.85, 0.9, 1.0, 1.1, 1.3, 1.05])[dates.day_of_week]
    rng = np.random.default_rng(3)
    sales = 1000.0 * np.exp(np.log(3) * t / len(t)) * weekday * np.exp(rng.normal(0, 0.03, len(t)))
    grown = history.assign(sales=sales, promo_level=None)
    bt = backtest.rolling_backtest(grown, "D", horizon=31, folds=8, level=0.9)
    assert bt.folds["mase_log"].mean() < bt.mase_model
    choice, text = backtest.choose_baseline(bt)
    assert choice == "log" and "its own interval" in text
    assert backtest.tie_test(bt, "log")[1] < 0.05
    # the smearing factor makes the forecast a mean: exp(normal(0, s)) has mean exp(s^2 / 2)
    fit = backtest.fit_baseline(grown, "D")
    f = backtest.log_forecast(fit, dates[-7:])
    assert np.mean(sales[-7:] / f) == pytest.approx(1.0, abs=0.03)
    # non-positive sales: no log model, and the tie rule never picks it
    assert np.isnan(backtest.log_forecast(backtest.fit_baseline(grown.assign(sales=sales - 1500), "D"), dates[:3])).all()
