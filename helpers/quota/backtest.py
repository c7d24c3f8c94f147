"""Rolling-origin backtest of the baseline model against the seasonal naive forecast (MASE)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.contracts import DataContractError
from helpers.quota.baseline import fit_baseline, forecast_baseline
from helpers.quota.load import _freq


def seasonal_naive(train: np.ndarray | pd.Series, horizon: int, season: int) -> np.ndarray:
    """Repeat the last observed season forward.

    Notes
    -----
    :math:`\\hat y_{T+h} = y_{T+h-m\\lceil h/m \\rceil}`.

    Examples
    --------
    >>> seasonal_naive([1, 2, 3, 4, 5], 4, 2)
    array([4., 5., 4., 5.])
    """
    y = np.asarray(train, dtype=float)
    if len(y) < season:
        raise ValueError(f"seasonal naive needs at least one season ({season} periods), got {len(y)}")
    last = y[-season:]
    return np.array([last[h % season] for h in range(horizon)], dtype=float)


def mase(actual: np.ndarray | pd.Series, forecast: np.ndarray | pd.Series, train: np.ndarray | pd.Series,
         season: int) -> float:
    """Mean absolute scaled error (Hyndman & Koehler 2006).

    Notes
    -----
    .. math:: \\mathrm{MASE} = \\frac{\\tfrac1H\\sum_h |y_{T+h} - \\hat y_{T+h}|}{\\tfrac{1}{T-m}\\sum_{t=m+1}^{T} |y_t - y_{t-m}|}

    Below 1: better than the in-sample seasonal naive forecast.

    Raises
    ------
    ValueError
        If the training series is constant at lag ``season`` (scale 0) or too short.

    Examples
    --------
    >>> mase([5, 7], [6, 6], [1, 2, 3, 5], 1)  # MAE 1 / mean(|1|,|1|,|2|)=4/3
    0.75
    """
    y = np.asarray(train, dtype=float)
    if len(y) <= season:
        raise ValueError(f"MASE needs more than {season} training periods, got {len(y)}")
    scale = float(np.mean(np.abs(y[season:] - y[:-season])))
    if scale == 0:
        raise ValueError("MASE is undefined: the training series does not change at the seasonal lag")
    err = np.abs(np.asarray(actual, dtype=float) - np.asarray(forecast, dtype=float))
    return float(np.mean(err) / scale)


@dataclass
class Backtest:
    """Rolling-origin backtest: one row per fold and the averages."""

    folds: pd.DataFrame
    mase_model: float
    mase_naive: float
    coverage: float
    total_coverage: float


def rolling_backtest(history: pd.DataFrame, freq: str, horizon: int, folds: int, *, level: float = 0.9,
                     fourier_order: int = 3, holiday_country: str | None = None, lead: int = 0,
                     lag: int = 0) -> Backtest:
    """Rolling-origin backtest of the baseline model against the seasonal naive forecast.

    Parameters
    ----------
    history : DataFrame
        Output of :func:`check_history`.
    freq : {"D", "MS"}
    horizon : int
        Periods forecast from each origin (≥ 1), e.g. the length of the target period.
    folds : int
        Number of origins (≥ 1); the last fold ends at the last date of the history.
    level : float
        Prediction interval level.
    fourier_order, holiday_country, lead, lag
        Passed to :func:`fit_baseline`.

    Returns
    -------
    Backtest
        ``folds``: ``origin, mae_model, mae_naive, mase_model, mase_naive, coverage,
        total_inside``; averages over folds; ``coverage`` = share of held-out periods inside the
        per-period interval, ``total_coverage`` = share of folds whose actual total lies in the
        total's interval.

    Raises
    ------
    DataContractError
        Rule ``backtest length``: the earliest training window would be shorter than two
        seasonal cycles.

    Notes
    -----
    Fold :math:`i` trains on :math:`y_1..y_{T_i}` with
    :math:`T_i = T - (\\text{folds} - i + 1)\\,H` and forecasts :math:`H` periods, with the
    promotion calendar of those periods known (planned events), so the model is judged on
    actual sales. MASE per fold is scaled by that fold's in-sample seasonal naive MAE.

    Examples
    --------
    >>> i = np.arange(30)  # 30 months, S+ promotions in months 3 and 19
    >>> h = pd.DataFrame({"date": pd.date_range("2023-01-01", periods=30, freq="MS"),
    ...     "sales": 1000.0 + 7.0 * (i % 5) + 500.0 * np.isin(i, [2, 18]),
    ...     "promo_level": np.where(np.isin(i, [2, 18]), "S+", None), "holiday": False})
    >>> rolling_backtest(h, "MS", horizon=3, folds=2).folds.shape[0]
    2
    """
    spec = _freq(freq)
    if not (isinstance(horizon, (int, np.integer)) and horizon >= 1):
        raise ValueError(f"horizon = {horizon!r} must be a positive integer")
    if not (isinstance(folds, (int, np.integer)) and folds >= 1):
        raise ValueError(f"folds = {folds!r} must be a positive integer")
    n = len(history)
    first_train = n - folds * horizon
    if first_train < spec.min_periods:
        raise DataContractError(
            f"sales history: rule 'backtest length' broken — {folds} fold(s) × {horizon} {spec.label}s leave "
            f"{first_train} {spec.label}s to train on, at least {spec.min_periods} needed; "
            "use fewer backtest_folds or a longer history")
    rows = []
    inside_all = []
    for i in range(folds):
        cut = first_train + i * horizon
        train = history.iloc[:cut].reset_index(drop=True)
        test = history.iloc[cut:cut + horizon].reset_index(drop=True)
        fit = fit_baseline(train, freq, fourier_order=fourier_order, holiday_country=holiday_country, lead=lead,
                           lag=lag)
        fc = forecast_baseline(fit, test["date"].iloc[0], test["date"].iloc[-1], level=level,
                               promo_level=test["promo_level"])
        y = test["sales"].to_numpy(dtype=float)
        naive = seasonal_naive(train["sales"], len(test), spec.season)
        inside = (y >= fc.table["low"].to_numpy()) & (y <= fc.table["high"].to_numpy())
        inside_all.append(inside)
        rows.append({"origin": test["date"].iloc[0],
                     "mae_model": float(np.mean(np.abs(y - fc.table["baseline"].to_numpy()))),
                     "mae_naive": float(np.mean(np.abs(y - naive))),
                     "mase_model": mase(y, fc.table["baseline"], train["sales"], spec.season),
                     "mase_naive": mase(y, naive, train["sales"], spec.season),
                     "coverage": float(inside.mean()),
                     "total_inside": bool(fc.total_low <= y.sum() <= fc.total_high)})
    table = pd.DataFrame(rows)
    return Backtest(folds=table, mase_model=float(table["mase_model"].mean()),
                    mase_naive=float(table["mase_naive"].mean()),
                    coverage=float(np.concatenate(inside_all).mean()),
                    total_coverage=float(table["total_inside"].mean()))

