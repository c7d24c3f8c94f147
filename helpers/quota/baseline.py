"""The promotion-free baseline: an OLS regression of sales and its forecast of the target period.

:func:`fit_baseline` regresses sales on trend, seasonal terms, holidays and one dummy per
promotion level; the *baseline* is its prediction with every promotion dummy set to 0.
:func:`promo_effects` gives the uplift per level, :func:`baseline_in_sample` the baseline on past
periods, :func:`forecast_baseline` the target period with prediction intervals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from helpers.constants import PROMOTION_LEVELS
from helpers.contracts import DataContractError
from helpers.quota.constants import FREQS, freq_spec


@dataclass
class BaselineFit:
    """A fitted baseline regression (see :func:`fit_baseline`)."""

    results: Any
    freq: str
    t0: pd.Timestamp
    levels: tuple[str, ...]
    holiday_days: frozenset[tuple[int, int]]
    fourier_order: int
    columns: tuple[str, ...]
    rho: float
    history: pd.DataFrame = field(repr=False)
    holiday_country: str | None = None
    lead: int = 0
    lag: int = 0
    design: pd.DataFrame | None = field(default=None, repr=False)
    pre_days: int = 0
    post_days: int = 0

    @property
    def sigma(self) -> float:
        """Residual standard deviation (money per period)."""
        return float(np.sqrt(self.results.scale))

    @property
    def holiday_effects(self) -> dict[str, float]:
        """Estimated effect (money per day or month) of each holiday term the fit holds, by name:
        ``fixed``, ``seollal``, ``seollal_pre``, ..., ``moving_other`` (``moving_days`` monthly)."""
        out = {}
        for j, c in enumerate(self.columns):
            if c == "holiday":
                out["fixed"] = float(self.results.params[j])
            elif c.startswith("holiday_"):
                out[c.removeprefix("holiday_")] = float(self.results.params[j])
        return out


def _lead_lag(promo_level: pd.Series | None, n: int, lead: int, lag: int) -> tuple[np.ndarray, np.ndarray]:
    """Days within ``lead`` before / ``lag`` after a promotion day (and not promotion days themselves)."""
    on = np.zeros(n, bool) if promo_level is None else pd.Series(np.asarray(promo_level, dtype=object)).notna().to_numpy()
    pre, post = np.zeros(n, bool), np.zeros(n, bool)
    for k in range(1, lead + 1):
        pre[:-k] |= on[k:]
    for k in range(1, lag + 1):
        post[k:] |= on[:-k]
    return (pre & ~on).astype(float), (post & ~on).astype(float)


def _design(dates: pd.DatetimeIndex, freq: str, t0: pd.Timestamp, promo_level: pd.Series | None,
            holiday: pd.Series | None, levels: tuple[str, ...], use_holiday: bool,
            fourier_order: int, extra: dict[str, np.ndarray] | None = None) -> pd.DataFrame:
    """Regressors: constant, trend (years), seasonal terms, holiday, calendar and lead/lag terms, promo dummies."""
    X = pd.DataFrame(index=dates)
    X["const"] = 1.0
    X["trend"] = (dates - t0).days / 365.25
    if freq == "D":
        dow = dates.day_of_week
        for d, name in enumerate(["tue", "wed", "thu", "fri", "sat", "sun"], start=1):
            X[f"dow_{name}"] = (dow == d).astype(float)
        angle = 2 * np.pi * (dates.day_of_year - 1) / 365.25
        for k in range(1, fourier_order + 1):
            X[f"sin{k}"] = np.sin(k * angle)
            X[f"cos{k}"] = np.cos(k * angle)
        if use_holiday:
            X["holiday"] = np.asarray(holiday, dtype=float)
    else:
        for m in range(2, 13):
            X[f"month_{m:02d}"] = (dates.month == m).astype(float)
    for name, values in (extra or {}).items():
        X[name] = values
    pl = pd.Series(None if promo_level is None else np.asarray(promo_level, dtype=object), index=dates,
                   dtype=object)
    for lvl in levels:
        X[f"promo_{lvl}"] = (pl == lvl).astype(float).to_numpy()
    return X


def _extras(freq: str, dates: pd.DatetimeIndex, promo_level: pd.Series | None, country: str | None,
            lead: int, lag: int, keep: tuple[str, ...] | None = None, pre_days: int = 0,
            post_days: int = 0) -> dict[str, np.ndarray]:
    """Calendar (named and other moving holidays with their windows) and promotion lead/lag
    regressors; ``keep`` limits them to a fit's columns."""
    from helpers.quota.holiday_calendar import holiday_windows, moving_days_per_month

    out: dict[str, np.ndarray] = {}
    if country:
        if freq == "D":
            for name, flags in holiday_windows(country, dates, pre_days, post_days).items():
                out[f"holiday_{name}"] = flags.astype(float)
        else:
            out["holiday_moving_days"] = moving_days_per_month(country, dates)
    if freq == "D" and (lead or lag):
        pre, post = _lead_lag(promo_level, len(dates), lead, lag)
        if lead:
            out["promo_lead"] = pre
        if lag:
            out["promo_lag"] = post
    if keep is not None:
        out = {k: v for k, v in out.items() if k in keep}
    return out


def fit_baseline(history: pd.DataFrame, freq: str = "D", *, fourier_order: int = 3,
                 holiday_country: str | None = None, lead: int = 0, lag: int = 0, pre_days: int = 0,
                 post_days: int = 0) -> BaselineFit:
    """Fit the promotion-free baseline model to a checked sales series.

    Parameters
    ----------
    history : DataFrame
        Output of :func:`check_history` (``date``, ``sales``, ``promo_level``, ``holiday``);
        sales in money per period (any currency).
    freq : {"D", "MS"}
        Series frequency.
    fourier_order : int
        Yearly Fourier pairs for daily data (1–10); monthly data uses month dummies.
    holiday_country : str, optional
        Country code of the ``holidays`` calendar. Fixed-date public holidays join the history's
        own ``holiday`` column; on daily data each named moving holiday (Seollal, Chuseok) gets
        its own day term and the other moving ones (Buddha's Birthday, substitute and election
        days) one shared term (:func:`helpers.quota.holiday_calendar.holiday_windows`); monthly
        data gets the moving holiday days per month.
    lead, lag : int
        Days before / after a promotion day with their own effect (daily data; 0 = none).
    pre_days, post_days : int
        Days before / after each Seollal and Chuseok with their own effect (the gift-shopping
        run-up and the return; daily data; 0 = none).

    Returns
    -------
    BaselineFit

    Raises
    ------
    DataContractError
        If the series breaks a rule of :func:`check_history`.
    ValueError
        If ``fourier_order`` is out of range.

    Notes
    -----
    Ordinary least squares (statsmodels ``OLS``) of

    .. math:: y_t = \\beta_0 + \\beta_1 t + s(t) + \\gamma\\,h_t + \\sum_\\ell \\delta_\\ell P_{\\ell t} + \\varepsilon_t

    with :math:`t` in years, :math:`s(t)` = weekday dummies + :math:`K` yearly Fourier pairs
    (daily) or month dummies (monthly), :math:`h_t` the holiday flag and :math:`P_{\\ell t}` = 1
    on days with a promotion of level :math:`\\ell`; with a calendar, :math:`+\\sum_k \\eta_k\\,m_{kt}` for the
    moving holidays (Seollal, Chuseok, their run-up and return days, the others), and :math:`+\\,\\lambda^- L_t + \\lambda^+ F_t` for the ``lead`` days before and ``lag``
    days after a promotion (switched off with the promotions). The baseline is
    :math:`\\hat y_t - \\sum_\\ell \\hat\\delta_\\ell P_{\\ell t}` (promotions switched off), so
    :math:`\\hat\\delta_\\ell` is the estimated uplift per promotion period. Holidays recur on the
    same month and day every year. ``rho`` is the lag-1 autocorrelation of residuals, used to
    widen intervals of period totals; the coefficient covariance is HAC (Newey–West, Bartlett
    kernel, :math:`\\lfloor 4 (n/100)^{2/9} \\rfloor` lags), robust to that autocorrelation.

    Examples
    --------
    >>> i = np.arange(24)  # 24 months, S+ promotions in months 3 and 19
    >>> h = pd.DataFrame({"date": pd.date_range("2023-01-01", periods=24, freq="MS"),
    ...     "sales": 1000.0 + 7.0 * (i % 5) + 500.0 * np.isin(i, [2, 18]),
    ...     "promo_level": np.where(np.isin(i, [2, 18]), "S+", None), "holiday": False})
    >>> fit = fit_baseline(h, "MS")
    >>> fit.levels
    ('S+',)
    """
    spec = freq_spec(freq)
    if not (isinstance(fourier_order, int) and 1 <= fourier_order <= 10):
        raise ValueError(f"fourier_order = {fourier_order!r} must be an integer in 1..10")
    if len(history) < spec.min_periods:
        raise DataContractError(f"sales history: rule 'two seasonal cycles' broken — {len(history)} "
                                f"{spec.label}s, at least {spec.min_periods} needed")
    dates = pd.DatetimeIndex(history["date"])
    t0 = dates[0]
    levels = tuple(lvl for lvl in PROMOTION_LEVELS if (history["promo_level"] == lvl).any())
    hol = history["holiday"].to_numpy(dtype=bool)
    if holiday_country and freq == "D":
        from helpers.quota.holiday_calendar import holiday_flags

        hol = hol | holiday_flags(holiday_country, dates)[0]
    use_holiday = freq == "D" and bool(hol.any()) and not bool(hol.all())
    holiday_days = frozenset((d.month, d.day) for d in dates[history["holiday"].to_numpy(dtype=bool)]) \
        if use_holiday else frozenset()
    extra = _extras(freq, dates, history["promo_level"], holiday_country, lead, lag, pre_days=pre_days,
                    post_days=post_days)
    extra = {k: v for k, v in extra.items() if np.ptp(v) > 0}  # a term that never varies cannot be estimated
    X = _design(dates, freq, t0, history["promo_level"], pd.Series(hol, index=dates), levels, use_holiday,
                fourier_order, extra)
    if "holiday_moving_days" in X.columns and np.linalg.matrix_rank(X.to_numpy()) < X.shape[1]:
        X = X.drop(columns="holiday_moving_days")  # always in the same months: the month dummies hold it
    y = history["sales"].to_numpy(dtype=float)
    Xa = X.to_numpy()
    if np.linalg.matrix_rank(Xa) < Xa.shape[1]:
        culprits = [c for c in X.columns if c.startswith("promo_") or c == "holiday"
                    if np.linalg.matrix_rank(X.drop(columns=c).to_numpy()) == Xa.shape[1] - 1]
        raise DataContractError(
            "sales history: rule 'identifiable effects' broken — the regressors are collinear"
            + (f"; {culprits} cannot be told apart from trend/seasonal terms" if culprits else "")
            + " (e.g. a promotion level held in the same calendar month every year of a monthly series); "
            "use daily data or a longer history")
    Xa = X.to_numpy()
    maxlags = int(np.floor(4 * (len(y) / 100) ** (2 / 9)))
    results = sm.OLS(y, Xa).fit(cov_type="HAC", cov_kwds={"maxlags": maxlags}, use_t=True)
    resid = results.resid
    rho = float(np.corrcoef(resid[:-1], resid[1:])[0, 1]) if np.std(resid) > 0 else 0.0
    rho = float(np.clip(rho if np.isfinite(rho) else 0.0, 0.0, 0.99))
    return BaselineFit(results=results, freq=freq, t0=t0, levels=levels, holiday_days=holiday_days,
                       fourier_order=fourier_order, columns=tuple(X.columns), rho=rho,
                       history=history.reset_index(drop=True), holiday_country=holiday_country, lead=lead, lag=lag,
                       design=X, pre_days=pre_days, post_days=post_days)


def _future_design(fit: BaselineFit, dates: pd.DatetimeIndex, promo_level: pd.Series | None) -> pd.DataFrame:
    hol = np.array([(d.month, d.day) in fit.holiday_days for d in dates])
    if fit.holiday_country and fit.freq == "D":
        from helpers.quota.holiday_calendar import holiday_flags

        hol = hol | holiday_flags(fit.holiday_country, dates)[0]
    use_holiday = "holiday" in fit.columns
    extra = _extras(fit.freq, dates, promo_level, fit.holiday_country, fit.lead, fit.lag, keep=fit.columns,
                    pre_days=fit.pre_days, post_days=fit.post_days)
    return _design(dates, fit.freq, fit.t0, promo_level, pd.Series(hol, index=dates), fit.levels, use_holiday,
                   fit.fourier_order, extra)


def promo_effects(fit: BaselineFit, level: float = 0.9, currency: str = "") -> pd.DataFrame:
    """Estimated uplift per promotion period for each level, with a confidence interval.

    Parameters
    ----------
    fit : BaselineFit
    level : float
        Confidence level in (0, 1).
    currency : str
        Currency of the sales, copied into the table.

    Returns
    -------
    DataFrame
        ``level, effect, low, high, currency, periods`` — money per promotion day (or month).

    Notes
    -----
    ``effect`` is :math:`\\hat\\delta_\\ell`; the interval is
    :math:`\\hat\\delta_\\ell \\pm t_{(1+c)/2,\\,df}\\,\\mathrm{se}(\\hat\\delta_\\ell)`.

    Examples
    --------
    >>> i = np.arange(24)  # 24 months, S+ promotions in months 3 and 19
    >>> h = pd.DataFrame({"date": pd.date_range("2023-01-01", periods=24, freq="MS"),
    ...     "sales": 1000.0 + 7.0 * (i % 5) + 500.0 * np.isin(i, [2, 18]),
    ...     "promo_level": np.where(np.isin(i, [2, 18]), "S+", None), "holiday": False})
    >>> list(promo_effects(fit_baseline(h, "MS"))["level"])
    ['S+']
    """
    ci = fit.results.conf_int(alpha=1 - level)
    rows = []
    for lvl in fit.levels:
        j = fit.columns.index(f"promo_{lvl}")
        rows.append({"level": lvl, "effect": float(fit.results.params[j]), "low": float(ci[j, 0]),
                     "high": float(ci[j, 1]), "currency": currency,
                     "periods": int((fit.history["promo_level"] == lvl).sum())})
    return pd.DataFrame(rows, columns=["level", "effect", "low", "high", "currency", "periods"])


#: Calendar and lead/lag terms, as shown to readers.
TERM_LABELS = {"holiday": "public holiday (fixed date)",
               "holiday_seollal": "Seollal (per holiday day)", "holiday_seollal_pre": "days before Seollal (run-up)",
               "holiday_seollal_post": "days after Seollal", "holiday_chuseok": "Chuseok (per holiday day)",
               "holiday_chuseok_pre": "days before Chuseok (run-up)", "holiday_chuseok_post": "days after Chuseok",
               "holiday_moving_other": "other moving public holiday (per day)",
               "holiday_moving_days": "moving public holiday (per day in the month)",
               "promo_lead": "day before a promotion (lead)", "promo_lag": "day after a promotion (lag)"}


def calendar_effects(fit: BaselineFit, level: float = 0.9) -> pd.DataFrame:
    """Estimated effects of holidays and of the days around promotions, with HAC intervals.

    Returns
    -------
    DataFrame
        ``term, effect, low, high`` (money per period) for the terms the fit holds.
    """
    ci = fit.results.conf_int(alpha=1 - level)
    rows = [{"term": TERM_LABELS[c], "effect": float(fit.results.params[j]), "low": float(ci[j, 0]),
             "high": float(ci[j, 1])} for j, c in enumerate(fit.columns) if c in TERM_LABELS]
    return pd.DataFrame(rows, columns=["term", "effect", "low", "high"])


def baseline_in_sample(fit: BaselineFit) -> pd.DataFrame:
    """Fitted sales and the promotion-free baseline on every past period.

    Returns
    -------
    DataFrame
        ``date, sales, promo_level, fitted, baseline, uplift`` with
        ``uplift = fitted − baseline`` (money per period; 0 on days without promotion).

    Notes
    -----
    :math:`\\text{baseline}_t = \\hat y_t - \\sum_\\ell \\hat\\delta_\\ell P_{\\ell t}` (and the lead/lag terms).

    Examples
    --------
    >>> i = np.arange(24)  # 24 months, S+ promotions in months 3 and 19
    >>> h = pd.DataFrame({"date": pd.date_range("2023-01-01", periods=24, freq="MS"),
    ...     "sales": 1000.0 + 7.0 * (i % 5) + 500.0 * np.isin(i, [2, 18]),
    ...     "promo_level": np.where(np.isin(i, [2, 18]), "S+", None), "holiday": False})
    >>> b = baseline_in_sample(fit_baseline(h, "MS"))
    >>> bool((b["uplift"][b["promo_level"].isna()] == 0).all())
    True
    """
    h = fit.history
    dates = pd.DatetimeIndex(h["date"])
    X = fit.design if fit.design is not None else _design(dates, fit.freq, fit.t0, h["promo_level"], h["holiday"],
                                                           fit.levels, "holiday" in fit.columns, fit.fourier_order)
    X0 = X.copy()
    X0[[c for c in X0.columns if c.startswith("promo_")]] = 0.0  # promotions, with their lead and lag, off
    beta = fit.results.params
    fitted = X.to_numpy() @ beta
    base = X0.to_numpy() @ beta
    return pd.DataFrame({"date": dates, "sales": h["sales"].to_numpy(), "promo_level": h["promo_level"].to_numpy(),
                         "fitted": fitted, "baseline": base, "uplift": fitted - base})


def period_length(freq: str, start: str | pd.Timestamp, end: str | pd.Timestamp) -> int:
    """Periods of the ``freq`` grid from ``start`` to ``end`` inclusive (the forecast horizon).

    Examples
    --------
    >>> period_length("D", "2026-01-01", "2026-01-31"), period_length("MS", "2026-01-01", "2026-03-01")
    (31, 3)
    """
    return len(pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq=freq_spec(freq).code))


def ar1_sum_factor(n: int, rho: float) -> float:
    """Variance of a sum of ``n`` AR(1) errors, in units of one error's variance.

    Notes
    -----
    .. math:: f(n, \\rho) = n + 2\\sum_{k=1}^{n-1} (n-k)\\,\\rho^k

    (:math:`f = n` for independent errors).

    Examples
    --------
    >>> ar1_sum_factor(3, 0.5)  # 3 + 2*(2*0.5 + 1*0.25)
    5.5
    """
    if n < 1:
        raise ValueError(f"n = {n} must be at least 1")
    if not 0 <= rho < 1:
        raise ValueError(f"rho = {rho} must be in [0, 1)")
    k = np.arange(1, n)
    return float(n + 2 * np.sum((n - k) * rho ** k))


@dataclass
class Forecast:
    """Baseline forecast of a period: per-period table and the total with its interval."""

    table: pd.DataFrame
    total: float
    total_low: float
    total_high: float
    total_sd: float
    df_resid: float
    level: float


def forecast_baseline(fit: BaselineFit, start: str | pd.Timestamp, end: str | pd.Timestamp, *,
                      level: float = 0.9, promo_level: pd.Series | None = None) -> Forecast:
    """Forecast the baseline (no promotions) for ``start``…``end`` with prediction intervals.

    Parameters
    ----------
    fit : BaselineFit
    start, end : str or Timestamp
        Inclusive period on the fit's frequency grid.
    level : float
        Interval level in (0, 1).
    promo_level : Series, optional
        Planned promotion levels on those dates (for backtests); by default none (baseline).

    Returns
    -------
    Forecast
        ``table``: ``date, baseline, low, high`` (money per period); ``total`` and its
        interval (money for the whole period).

    Raises
    ------
    ValueError
        If the period is empty or ``level`` is outside (0, 1).

    Notes
    -----
    Per period, the OLS prediction interval :math:`x_t'\\hat\\beta \\pm t\\,\\sqrt{x_t' V x_t + \\sigma^2}`.
    For the total, with :math:`a = \\sum_t x_t`,

    .. math:: \\mathrm{sd}^2 = a' V a + \\sigma^2 f(n, \\rho)

    where :math:`V` is the coefficient covariance and :math:`f` is :func:`ar1_sum_factor`
    (residual autocorrelation widens the interval of a sum).

    Examples
    --------
    >>> i = np.arange(24)  # 24 months, S+ promotions in months 3 and 19
    >>> h = pd.DataFrame({"date": pd.date_range("2023-01-01", periods=24, freq="MS"),
    ...     "sales": 1000.0 + 7.0 * (i % 5) + 500.0 * np.isin(i, [2, 18]),
    ...     "promo_level": np.where(np.isin(i, [2, 18]), "S+", None), "holiday": False})
    >>> fc = forecast_baseline(fit_baseline(h, "MS"), "2026-01-01", "2026-03-01")
    >>> len(fc.table), bool(fc.total_low < fc.total < fc.total_high)
    (3, True)
    """
    if not 0 < level < 1:
        raise ValueError(f"level = {level} must be in (0, 1)")
    dates = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq=fit.freq)
    if len(dates) == 0:
        raise ValueError(f"the period {start}…{end} holds no {FREQS[fit.freq].label} on the grid")
    X = _future_design(fit, dates, promo_level).to_numpy()
    res = fit.results
    beta, V, s2 = res.params, res.cov_params(), res.scale
    mean = X @ beta
    se_obs = np.sqrt(np.einsum("ij,jk,ik->i", X, V, X) + s2)
    q = stats.t.ppf((1 + level) / 2, res.df_resid)
    table = pd.DataFrame({"date": dates, "baseline": mean, "low": mean - q * se_obs, "high": mean + q * se_obs})
    a = X.sum(axis=0)
    sd = float(np.sqrt(a @ V @ a + s2 * ar1_sum_factor(len(dates), fit.rho)))
    total = float(mean.sum())
    return Forecast(table=table, total=total, total_low=total - q * sd, total_high=total + q * sd,
                    total_sd=sd, df_resid=float(res.df_resid), level=level)

