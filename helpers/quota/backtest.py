"""Rolling-origin backtest of the baseline model against seasonal naive and three benchmarks (MASE).

Benchmarks, both from statsmodels and fitted the same way on every fold:

- ``sarimax``: ``SARIMAX`` with the same regressors and AR(1) errors (regression coefficients as
  Kalman-filter states, so only the AR term and the scale are optimised);
- ``log``: the same regression on log sales (multiplicative seasonality and effects), smeared
  back to a mean;
- ``ets``: exponential smoothing (``ETSModel``: additive errors, damped additive trend, additive
  weekly season on daily data) of the series with the regression's calendar, holiday and
  promotion terms taken out, which are added back to its forecast — a local level and trend where
  the regression has a global line.

:func:`choose_baseline` keeps the regression unless a benchmark's per-fold MASE is lower by a
significant margin (Diebold & Mariano 1995 on the fold losses, with the small-sample t of Harvey,
Leybourne & Newbold 1997); :func:`apply_choice` then gives the chosen model's own interval, from
its backtest errors.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy import stats

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
    #: Per benchmark model: relative errors (actual / forecast - 1) of every held-out period and
    #: of every fold's total, the basis of its own interval when it is chosen.
    period_errors: dict[str, np.ndarray] = field(default_factory=dict)
    total_errors: dict[str, np.ndarray] = field(default_factory=dict)


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


#: Benchmarks the backtest runs (``rolling_backtest``) and ``choose_baseline`` may pick.
BENCHMARKS = ("sarimax", "ets", "log")
#: Reader-facing names of the benchmarks.
LABELS = {"sarimax": "SARIMAX", "ets": "ETS", "log": "the log (multiplicative) regression"}
#: Significance level of the tie rule: a benchmark replaces the regression only below it.
TIE_ALPHA = 0.05


def _structural(fit: BaselineFit) -> list[int]:
    """Columns the ETS benchmark models itself: constant, trend and (daily) the weekday terms."""
    own = ("const", "trend", "dow_") if fit.freq == "D" else ("const", "trend")
    return [j for j, c in enumerate(fit.columns) if c.startswith(own)]


def ets_forecast(fit: BaselineFit, dates: pd.DatetimeIndex, promo_level: pd.Series | None = None) -> np.ndarray:
    """Point forecast of the ETS benchmark (see the module docstring; same currency).

    Notes
    -----
    With :math:`R` the regression's columns other than the constant, the trend and (daily) the
    weekday terms, and :math:`\\hat\\beta_R` their coefficients, ETS is fitted to
    :math:`y_t - x_{R,t}'\\hat\\beta_R` — additive errors, damped additive trend and, on daily
    data, an additive weekly season — and its forecast gets :math:`x_{R,t}'\\hat\\beta_R` of the
    forecast periods added back (monthly data keep their month terms in :math:`R`).
    """
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    keep = [j for j in range(len(fit.columns)) if j not in _structural(fit)]
    beta = np.asarray(fit.results.params)
    X = fit.design.to_numpy()
    Xf = _future_design(fit, dates, promo_level).to_numpy()
    y = fit.history["sales"].to_numpy(float) - X[:, keep] @ beta[keep]
    scale = float(np.std(y)) or 1.0
    season = 7 if fit.freq == "D" else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter of the optimiser
        model = ETSModel(y / scale, error="add", trend="add", damped_trend=True,
                         seasonal="add" if season else None, seasonal_periods=season)
        res = model.fit(disp=False, maxiter=200)
    return np.asarray(res.forecast(len(dates))) * scale + Xf[:, keep] @ beta[keep]


def log_forecast(fit: BaselineFit, dates: pd.DatetimeIndex, promo_level: pd.Series | None = None) -> np.ndarray:
    """Point forecast of the multiplicative benchmark: the regression's design fitted to log sales.

    Notes
    -----
    OLS of :math:`\\log y_t` on the same regressors, so seasonal, holiday and promotion effects
    are shares of the level rather than fixed amounts; the forecast is
    :math:`\\exp(x_t'\\hat\\beta)\\,\\bar s` with Duan's (1983) smearing factor
    :math:`\\bar s = \\frac1n\\sum_t \\exp(\\hat e_t)`, a mean rather than a median. Needs
    positive sales.
    """
    y = fit.history["sales"].to_numpy(float)
    if (y <= 0).any():
        return np.full(len(dates), np.nan)
    X = fit.design.to_numpy()
    beta, *_ = np.linalg.lstsq(X, np.log(y), rcond=None)
    smear = float(np.mean(np.exp(np.log(y) - X @ beta)))
    return np.exp(_future_design(fit, dates, promo_level).to_numpy() @ beta) * smear


def benchmark_forecast(name: str, fit: BaselineFit, dates: pd.DatetimeIndex,
                       promo_level: pd.Series | None = None) -> np.ndarray:
    """Point forecast of the benchmark ``name`` (one of :data:`BENCHMARKS`)."""
    if name == "sarimax":
        return sarimax_forecast(fit, dates, promo_level)
    if name == "ets":
        return ets_forecast(fit, dates, promo_level)
    if name == "log":
        return log_forecast(fit, dates, promo_level)
    raise ValueError(f"unknown benchmark {name!r}; use one of {BENCHMARKS}")


def tie_test(backtest: Backtest, name: str) -> tuple[float, float]:
    """``(mean MASE gain over the regression, two-sided p)`` of benchmark ``name``: the per-fold
    differences :math:`d_i = \\text{MASE}^{reg}_i - \\text{MASE}^{b}_i` tested for mean 0 with a
    t test on :math:`n - 1` degrees of freedom (Diebold–Mariano on the fold losses, which do not
    overlap, with Harvey–Leybourne–Newbold's t). p = 1 with fewer than two folds.

    Examples
    --------
    >>> f = pd.DataFrame({"mase_model": [0.5, 0.6, 0.4], "mase_ets": [0.42, 0.48, 0.33]})
    >>> gain, p = tie_test(Backtest(f, 0.5, 1.0, 0.9, 1.0), "ets")  # d = .08, .12, .07: t = 5.89 on 2 df
    >>> round(gain, 3), round(p, 4)
    (0.09, 0.0276)
    """
    col = "mase_benchmark" if name == "sarimax" and "mase_sarimax" not in backtest.folds else f"mase_{name}"
    if col not in backtest.folds or backtest.folds[col].isna().any():
        return float("nan"), 1.0
    d = (backtest.folds["mase_model"] - backtest.folds[col]).to_numpy(float)
    if len(d) < 2:
        return float(d.mean()), 1.0
    if np.ptp(d) == 0:
        return float(d.mean()), 0.0 if d[0] != 0 else 1.0
    return float(d.mean()), float(stats.ttest_1samp(d, 0.0).pvalue)


def choose_baseline(backtest: Backtest, alpha: float = TIE_ALPHA) -> tuple[str, str]:
    """``(model, statement)``: the regression, unless a benchmark of :data:`BENCHMARKS` has a lower
    mean MASE and :func:`tie_test` gives p < ``alpha`` (then the best such benchmark).

    Examples
    --------
    >>> f = pd.DataFrame({"mase_model": [0.44, 0.45], "mase_sarimax": [0.43, 0.46]})
    >>> choose_baseline(Backtest(f, 0.445, 1.0, 0.9, 1.0, 0.445))[0]
    'regression'
    """
    tests = {b: tie_test(backtest, b) for b in BENCHMARKS}
    better = {b: g for b, (g, p) in tests.items() if np.isfinite(g) and g > 0 and p < alpha}
    scores = ", ".join(f"{LABELS[b]} {backtest.mase_model - g:.3f} "
                       f"({'better' if g > 0 else 'worse' if g < 0 else 'equal'}, p = {p:.2f})"
                       for b, (g, p) in tests.items() if np.isfinite(g))
    n = len(backtest.folds)
    if better:
        best = max(better, key=better.get)
        return best, (f"{LABELS[best]} beats the regression in the backtest by a "
                      f"significant margin over {n} folds (MASE: regression {backtest.mase_model:.3f}; {scores}), "
                      "so the baseline uses its point forecast and its own interval, from its backtest errors.")
    return "regression", (f"No benchmark beats the regression by a significant margin over {n} folds (MASE: "
                          f"regression {backtest.mase_model:.3f}; {scores}; tie rule p < {alpha:g}), so the "
                          "regression, the simpler model, gives the baseline and its interval.")


def apply_choice(forecast: Forecast, fit: BaselineFit, choice: str, backtest: Backtest | None = None) -> Forecast:
    """The forecast of the chosen baseline: unchanged for the regression; otherwise the benchmark's
    point forecast (promotions off) with its own interval from its backtest errors.

    Notes
    -----
    With relative errors :math:`e = y / \\hat y - 1` of the benchmark's held-out periods (sd
    :math:`s_p`) and fold totals (sd :math:`s_T`, :math:`n` folds), the period interval is
    :math:`\\hat y (1 \\pm t_{n-1} s_p)` and the total's :math:`\\hat Y (1 \\pm t_{n-1} s_T)`
    (empirical prediction intervals; they hold if the future errors are like the backtest's).
    """
    if choice == "regression":
        return forecast
    if backtest is None or choice not in backtest.total_errors or len(backtest.total_errors[choice]) < 2:
        raise ValueError(f"apply_choice: the backtest holds no errors of {choice!r} to build its interval")
    dates = pd.DatetimeIndex(forecast.table["date"])
    mean = benchmark_forecast(choice, fit, dates, None)
    n = len(backtest.total_errors[choice])
    q = stats.t.ppf((1 + forecast.level) / 2, n - 1)
    s_p = float(np.std(backtest.period_errors[choice], ddof=1))
    s_t = float(np.std(backtest.total_errors[choice], ddof=1))
    total = float(mean.sum())
    table = forecast.table.assign(baseline=mean, low=mean * (1 - q * s_p), high=mean * (1 + q * s_p))
    sd = abs(total) * s_t
    return replace(forecast, table=table, total=total, total_low=total - q * sd, total_high=total + q * sd,
                   total_sd=sd, df_resid=float(n - 1))


#: Folds a backtest uses when the history allows (``backtest_folds: null``).
MAX_FOLDS = 8


def folds_that_fit(n: int, freq: str, horizon: int, most: int = MAX_FOLDS) -> int:
    """The most folds (up to ``most``, at least 1) that leave two seasonal cycles to train on.

    Examples
    --------
    >>> folds_that_fit(36, "MS", 3), folds_that_fit(1096, "D", 31)
    (4, 8)
    """
    spec = freq_spec(freq)
    return int(max(1, min(most, (n - spec.min_periods) // max(int(horizon), 1))))


def rolling_backtest(history: pd.DataFrame, freq: str, horizon: int, folds: int, *, level: float = 0.9,
                     fourier_order: int = 3, holiday_country: str | None = None, lead: int = 0,
                     lag: int = 0, benchmark: bool = True, pre_days: int = 0, post_days: int = 0) -> Backtest:
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
    fourier_order, holiday_country, lead, lag, pre_days, post_days
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
    period_errors: dict[str, list] = {}
    total_errors: dict[str, list] = {}
    for i in range(folds):
        cut = first_train + i * horizon
        train = history.iloc[:cut].reset_index(drop=True)
        test = history.iloc[cut:cut + horizon].reset_index(drop=True)
        fit = fit_baseline(train, freq, fourier_order=fourier_order, holiday_country=holiday_country, lead=lead,
                           lag=lag, pre_days=pre_days, post_days=post_days)
        fc = forecast_baseline(fit, test["date"].iloc[0], test["date"].iloc[-1], level=level,
                               promo_level=test["promo_level"])
        y = test["sales"].to_numpy(dtype=float)
        naive = seasonal_naive(train["sales"], len(test), spec.season)
        inside = (y >= fc.table["low"].to_numpy()) & (y <= fc.table["high"].to_numpy())
        inside_all.append(inside)
        dates = pd.DatetimeIndex(test["date"])
        bench = {b: benchmark_forecast(b, fit, dates, test["promo_level"]) for b in (BENCHMARKS if benchmark else ())}
        for b, f in bench.items():
            period_errors.setdefault(b, []).append(y / f - 1)
            total_errors.setdefault(b, []).append(y.sum() / f.sum() - 1)
        rows.append({"origin": test["date"].iloc[0],
                     "mae_model": float(np.mean(np.abs(y - fc.table["baseline"].to_numpy()))),
                     "mae_naive": float(np.mean(np.abs(y - naive))),
                     "mase_model": mase(y, fc.table["baseline"], train["sales"], spec.season),
                     "mase_naive": mase(y, naive, train["sales"], spec.season),
                     "mase_benchmark": mase(y, bench["sarimax"], train["sales"], spec.season) if benchmark else float("nan"),
                     **{f"mase_{b}": mase(y, f, train["sales"], spec.season) for b, f in bench.items() if b != "sarimax"},
                     "coverage": float(inside.mean()),
                     "total_inside": bool(fc.total_low <= y.sum() <= fc.total_high)})
    table = pd.DataFrame(rows)
    return Backtest(folds=table, mase_model=float(table["mase_model"].mean()),
                    mase_naive=float(table["mase_naive"].mean()),
                    coverage=float(np.concatenate(inside_all).mean()),
                    mase_benchmark=float(table["mase_benchmark"].mean()),
                    total_coverage=float(table["total_inside"].mean()),
                    period_errors={b: np.concatenate(v) for b, v in period_errors.items()},
                    total_errors={b: np.asarray(v) for b, v in total_errors.items()})

