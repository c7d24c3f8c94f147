"""Seasonal naive, MASE and the rolling-origin backtest."""

from __future__ import annotations

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

