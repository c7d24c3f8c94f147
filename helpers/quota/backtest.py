"""Rolling-origin backtest of the baseline model against seasonal naive and a SARIMAX benchmark (MASE).

The benchmark is statsmodels' ``SARIMAX`` with the same regressors and AR(1) errors (regression
coefficients as Kalman-filter states, so only the AR term and the scale are optimised): the
standard state-space model of the field, fitted the same way on every fold. :func:`choose_baseline`
picks the model with the lower backtest MASE, stated.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from helpers.contracts import DataContractError
from helpers.quota.baseline import (
    BaselineFit,
    Forecast,
    _future_design,
    fit_baseline,
    forecast_baseline,
)
from helpers.quota.constants import freq_spec


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
    mase_benchmark: float = float("nan")


def sarimax_forecast(fit: BaselineFit, dates: pd.DatetimeIndex, promo_level: pd.Series | None = None) -> np.ndarray:
    """Point forecast of statsmodels ``SARIMAX(1, 0, 0)`` with the fit's regressors (same currency).

    Notes
    -----
    :math:`y_t = x_t'\\beta + u_t`, :math:`u_t = \\phi u_{t-1} + \\varepsilon_t`; :math:`\\beta` as
    Kalman-filter states (``mle_regression=False``), the scale concentrated out; sales are scaled
    by their standard deviation while fitting.
    """
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    y = fit.history["sales"].to_numpy(float)
    scale = float(np.std(y)) or 1.0
    X = fit.design.to_numpy()
    Xf = _future_design(fit, dates, promo_level).to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter of the optimiser
        model = SARIMAX(y / scale, exog=X, order=(1, 0, 0), mle_regression=False, concentrate_scale=True)
        res = model.fit(start_params=np.r_[min(fit.rho, 0.9)], disp=False, maxiter=50)
        return np.asarray(res.get_forecast(len(dates), exog=Xf).predicted_mean) * scale


def choose_baseline(backtest: Backtest) -> tuple[str, str]:
    """``("regression" | "sarimax", statement)``: the model with the lower backtest MASE.

    Examples
    --------
    >>> choose_baseline(Backtest(pd.DataFrame(), 0.4, 1.0, 0.9, 1.0, 0.5))[0]
    'regression'
    """
    if np.isfinite(backtest.mase_benchmark) and backtest.mase_benchmark < backtest.mase_model:
        return "sarimax", (f"SARIMAX scores better in the backtest (MASE {backtest.mase_benchmark:.3f} against "
                           f"{backtest.mase_model:.3f}), so the baseline forecast uses its point forecast; the "
                           "interval keeps the regression's width.")
    return "regression", (f"The regression scores at least as well as SARIMAX in the backtest (MASE "
                          f"{backtest.mase_model:.3f} against {backtest.mase_benchmark:.3f}), so it gives the baseline.")


def apply_choice(forecast: Forecast, fit: BaselineFit, choice: str) -> Forecast:
    """The forecast of the chosen baseline: unchanged for the regression; SARIMAX's point forecast
    (promotions off) with the regression's interval widths otherwise."""
    if choice == "regression":
        return forecast
    dates = pd.DatetimeIndex(forecast.table["date"])
    mean = sarimax_forecast(fit, dates, None)
    shift = mean - forecast.table["baseline"].to_numpy()
    table = forecast.table.assign(baseline=mean, low=forecast.table["low"] + shift, high=forecast.table["high"] + shift)
    d = float(shift.sum())
    return replace(forecast, table=table, total=forecast.total + d, total_low=forecast.total_low + d,
                   total_high=forecast.total_high + d)


def rolling_backtest(history: pd.DataFrame, freq: str, horizon: int, folds: int, *, level: float = 0.9,
                     fourier_order: int = 3, holiday_country: str | None = None, lead: int = 0,
                     lag: int = 0, benchmark: bool = True) -> Backtest:
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
    spec = freq_spec(freq)
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
        bench = (sarimax_forecast(fit, pd.DatetimeIndex(test["date"]), test["promo_level"]) if benchmark
                 else np.full(len(test), np.nan))
        rows.append({"origin": test["date"].iloc[0],
                     "mae_model": float(np.mean(np.abs(y - fc.table["baseline"].to_numpy()))),
                     "mae_naive": float(np.mean(np.abs(y - naive))),
                     "mase_model": mase(y, fc.table["baseline"], train["sales"], spec.season),
                     "mase_naive": mase(y, naive, train["sales"], spec.season),
                     "mase_benchmark": mase(y, bench, train["sales"], spec.season) if benchmark else float("nan"),
                     "coverage": float(inside.mean()),
                     "total_inside": bool(fc.total_low <= y.sum() <= fc.total_high)})
    table = pd.DataFrame(rows)
    return Backtest(folds=table, mase_model=float(table["mase_model"].mean()),
                    mase_naive=float(table["mase_naive"].mean()),
                    coverage=float(np.concatenate(inside_all).mean()),
                    mase_benchmark=float(table["mase_benchmark"].mean()),
                    total_coverage=float(table["total_inside"].mean()))

