"""Promotion quota forecasting from sales gaps (notebook 03).

The quota logic of ``../shared/domain.md`` §2, one function per step:

1. :func:`check_history` — a regular daily (``"D"``) or monthly (``"MS"``) sales series, with
   every data rule checked (duplicated / missing dates, negative sales, too short).
2. :func:`fit_baseline` — an OLS regression of sales on trend, seasonal terms, holidays and one
   dummy per promotion level; the *baseline* is its prediction with every promotion dummy set
   to 0, i.e. sales without promotion subsidies. :func:`promo_effects` gives the estimated uplift
   per level, :func:`baseline_in_sample` the baseline on past days.
3. :func:`forecast_baseline` — baseline for the target period with a prediction interval for
   each period and for the period total; :func:`rolling_backtest` checks it against a seasonal
   naive forecast (MASE, interval coverage).
4. :func:`estimate_roi` — ROI of one activity type from past campaigns, with its spread.
5. :func:`simulate_budget` — gap = target − baseline, budget = gap / ROI, with a simulation
   interval combining forecast and ROI uncertainty; :func:`apply_cap` caps it by revenue
   sources × marketing share.
6. :func:`allocate` — budget over promotion levels S+/S/A+/A and integer coupon quotas per time
   slot (largest-remainder rounding, so counts sum exactly).

Money is in the currency of the sales history (a ``currency`` column); every money result
carries that currency.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from helpers import contracts
from helpers.quota import schemas as _schemas  # noqa: F401  (registers quota_sales_history)
from helpers.contracts import DataContractError, ParameterError

#: Promotion levels, biggest first (domain.md §2).
LEVELS: tuple[str, ...] = ("S+", "S", "A+", "A")
#: Activity types of past campaigns (the coupons section's ``past_campaigns`` contract).
ACTIVITY_TYPES: tuple[str, ...] = ("coupon_festival", "category_week", "new_buyer_push")
#: What to do with dates missing from a series.
FILL_POLICIES: tuple[str, ...] = ("error", "interpolate")


@dataclass(frozen=True)
class FreqSpec:
    """How a series frequency is modelled.

    ``season`` is the seasonal-naive lag (7 days; 12 months); ``cycle`` the longest seasonal
    cycle in periods (a year), and ``min_periods`` = 2 × ``cycle`` the shortest history allowed.
    """

    code: str
    label: str
    season: int
    cycle: int

    @property
    def min_periods(self) -> int:
        return 2 * self.cycle


#: Supported frequencies (pandas offset aliases).
FREQS: dict[str, FreqSpec] = {
    "D": FreqSpec("D", "day", season=7, cycle=365),
    "MS": FreqSpec("MS", "month", season=12, cycle=12),
}

#: Planted additive uplift per promotion day of the shipped synthetic daily file, KRW per day.
PLANTED_UPLIFT_DAILY: dict[str, float] = {"S+": 30_000_000.0, "S": 18_000_000.0,
                                          "A+": 10_000_000.0, "A": 5_000_000.0}
#: Planted additive uplift per promotion month of the synthetic monthly file, KRW per month.
PLANTED_UPLIFT_MONTHLY: dict[str, float] = {"S+": 300_000_000.0, "S": 150_000_000.0}

SALES_HISTORY_FILE = "quota_sales_history.csv"
SALES_MONTHLY_FILE = "quota_sales_history_monthly.csv"


# =============================================================================================
# Parameters
# =============================================================================================


def validate_parameters(*, sales_history_path: str, past_campaigns_path: str, freq: str,
                        fill_missing: str, currency: str, target_start: str, target_end: str,
                        target_amount: float | None, target_growth: float, activity_type: str,
                        roi: float | None, level_weights: Mapping[str, float],
                        slot_shares: Mapping[str, float], face_value: float,
                        revenue_sources: Mapping[str, float], marketing_share: float,
                        interval_level: float, backtest_folds: int, n_simulations: int,
                        seed: int) -> dict[str, Any]:
    """Check every notebook-03 parameter; return them with dates parsed.

    Parameters
    ----------
    sales_history_path, past_campaigns_path : str
        CSV files (relative to the project root or absolute); must exist.
    freq : {"D", "MS"}
        Daily or month-start series.
    fill_missing : {"error", "interpolate"}
        Missing dates: stop with an error, or fill sales by linear interpolation (counted).
    currency : str
        Three-letter code of every money amount (must match the files).
    target_start, target_end : str
        ISO dates of the target period (inclusive); month starts when ``freq="MS"``.
    target_amount : float or None
        Sales target for the period in ``currency`` (> 0); ``None`` → use ``target_growth``.
    target_growth : float
        Target as growth over the same period last year (> −1), used when no amount is given.
    activity_type : str
        One of :data:`ACTIVITY_TYPES`.
    roi : float or None
        ROI override (> 0); ``None`` → estimate from past campaigns.
    level_weights : dict
        Share of the budget per level (keys from :data:`LEVELS`, non-negative, sum 1).
    slot_shares : dict
        Share of each level's coupons per daily time slot (non-negative, sum 1).
    face_value : float
        Coupon face value in ``currency`` (> 0).
    revenue_sources : dict
        Revenue of the target period per source (gross profit, commission, advertising…),
        ``currency``, each ≥ 0.
    marketing_share : float
        Share of revenue that may fund marketing, in [0, 1].
    interval_level : float
        Prediction/simulation interval level, in [0.5, 0.99].
    backtest_folds : int
        Rolling-origin folds, 1–12.
    n_simulations : int
        Monte Carlo draws, 1,000–200,000.
    seed : int
        Random seed (≥ 0).

    Returns
    -------
    dict
        The parameters, with ``target_start``/``target_end`` as Timestamps and paths resolved.

    Raises
    ------
    ParameterError
        Naming the parameter, its value and what is allowed.

    Notes
    -----
    No formula: this is the notebook's single validation call.

    Examples
    --------
    >>> p = validate_parameters(sales_history_path="data/synthetic/quota_sales_history.csv",
    ...     past_campaigns_path="helpers/quota.py", freq="D", fill_missing="error",
    ...     currency="KRW", target_start="2026-01-01", target_end="2026-01-31",
    ...     target_amount=None, target_growth=0.2, activity_type="coupon_festival", roi=None,
    ...     level_weights={"S+": 0.4, "S": 0.3, "A+": 0.2, "A": 0.1},
    ...     slot_shares={"am": 0.5, "pm": 0.5}, face_value=5000.0,
    ...     revenue_sources={"gross_profit": 1e9}, marketing_share=0.3, interval_level=0.9,
    ...     backtest_folds=4, n_simulations=10000, seed=3)  # doctest: +SKIP
    """
    out: dict[str, Any] = {}
    out["sales_history_path"] = contracts.require_file("sales_history_path", sales_history_path)
    if roi is None:
        out["past_campaigns_path"] = contracts.require_file("past_campaigns_path", past_campaigns_path)
    else:
        out["past_campaigns_path"] = past_campaigns_path
    out["freq"] = contracts.require_choice("freq", freq, list(FREQS))
    out["fill_missing"] = contracts.require_choice("fill_missing", fill_missing, list(FILL_POLICIES))
    if not (isinstance(currency, str) and len(currency) == 3 and currency.isalpha() and currency.isupper()):
        raise ParameterError(f"parameter 'currency' = {currency!r} must be a three-letter upper-case code like 'KRW'")
    out["currency"] = currency
    start = contracts.require_date("target_start", target_start)
    end = contracts.require_date("target_end", target_end)
    if end < start:
        raise ParameterError(f"parameter 'target_end' = {target_end!r} is before target_start = {target_start!r}")
    if freq == "MS":
        for name, ts, raw in (("target_start", start, target_start), ("target_end", end, target_end)):
            if ts.day != 1:
                raise ParameterError(f"parameter {name!r} = {raw!r} must be a month start (day 1) when freq='MS'")
    out["target_start"], out["target_end"] = start, end
    if target_amount is not None:
        contracts.require_number("target_amount", target_amount, low=0, low_inclusive=False)
    out["target_amount"] = None if target_amount is None else float(target_amount)
    out["target_growth"] = float(contracts.require_number("target_growth", target_growth, low=-1,
                                                          low_inclusive=False, high=10))
    out["activity_type"] = contracts.require_choice("activity_type", activity_type, list(ACTIVITY_TYPES))
    if roi is not None:
        contracts.require_number("roi", roi, low=0, low_inclusive=False)
    out["roi"] = None if roi is None else float(roi)
    out["level_weights"] = contracts.require_weights("level_weights", level_weights, keys=LEVELS)
    out["slot_shares"] = contracts.require_weights("slot_shares", slot_shares)
    out["face_value"] = float(contracts.require_number("face_value", face_value, low=0, low_inclusive=False))
    if not isinstance(revenue_sources, Mapping) or not revenue_sources:
        raise ParameterError(f"parameter 'revenue_sources' must be a non-empty mapping of amounts, got {revenue_sources!r}")
    for k, v in revenue_sources.items():
        contracts.require_number(f"revenue_sources[{k!r}]", v, low=0)
    out["revenue_sources"] = {str(k): float(v) for k, v in revenue_sources.items()}
    out["marketing_share"] = float(contracts.require_number("marketing_share", marketing_share, low=0, high=1))
    out["interval_level"] = float(contracts.require_number("interval_level", interval_level, low=0.5, high=0.99))
    out["backtest_folds"] = contracts.require_number("backtest_folds", backtest_folds, low=1, high=12, integer=True)
    out["n_simulations"] = contracts.require_number("n_simulations", n_simulations, low=1000, high=200_000,
                                                    integer=True)
    out["seed"] = contracts.require_number("seed", seed, low=0, integer=True)
    return out


# =============================================================================================
# History: checks and regularisation
# =============================================================================================


def _freq(freq: str) -> FreqSpec:
    if freq not in FREQS:
        raise ParameterError(f"parameter 'freq' = {freq!r} is not allowed; choose one of {list(FREQS)}")
    return FREQS[freq]


def check_history(history: pd.DataFrame, freq: str = "D", *, fill_missing: str = "error",
                  source: str = "sales history") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check a sales series against the modelling rules and return it on a regular grid.

    Parameters
    ----------
    history : DataFrame
        Columns ``date`` and ``sales`` (money per period, ≥ 0); optional ``promo_level``
        (one of :data:`LEVELS` or empty), ``holiday`` (bool), ``currency`` (one code),
        ``orders``, ``coupon_spend``.
    freq : {"D", "MS"}
        Daily, or monthly with dates on the first of the month.
    fill_missing : {"error", "interpolate"}
        Policy for dates absent from the grid: an error, or sales interpolated linearly
        (promo_level empty, holiday false) and counted in the quality table.
    source : str
        Name used in error messages.

    Returns
    -------
    (DataFrame, DataFrame)
        The series sorted by date with one row per period (``promo_level`` and ``holiday``
        always present) and a data-quality table ``rule, rows`` (counts per rule).

    Raises
    ------
    DataContractError
        Rule ``unique dates`` (a date twice), ``non-negative sales``, ``regular dates``
        (missing dates with ``fill_missing="error"``, or monthly dates not on day 1),
        ``two seasonal cycles`` (fewer than 2 × 365 days or 2 × 12 months), ``one currency``.

    Notes
    -----
    The grid is ``pd.date_range(min(date), max(date), freq=freq)``; a series is long enough
    when it has at least :math:`2 \\times` (periods per year) rows after filling.

    Examples
    --------
    >>> h = pd.DataFrame({"date": pd.date_range("2020-01-01", periods=24, freq="MS"),
    ...                   "sales": 100.0})
    >>> check_history(h, "MS")[0].shape
    (24, 4)
    """
    spec = _freq(freq)
    contracts.require_choice("fill_missing", fill_missing, list(FILL_POLICIES))
    contracts.require_columns(history, ["date", "sales"], source=source)
    df = history.copy()
    df["date"] = pd.to_datetime(df["date"], errors="coerce")
    if df["date"].isna().any():
        raise DataContractError(f"{source}: column 'date' has empty or unreadable values in "
                                f"{int(df['date'].isna().sum())} row(s)")
    df["sales"] = pd.to_numeric(df["sales"], errors="coerce")
    if df["sales"].isna().any():
        raise DataContractError(f"{source}: column 'sales' has empty or non-numeric values on "
                                f"{df.loc[df['sales'].isna(), 'date'].dt.date.astype(str).head(5).tolist()}")
    dup = df["date"].duplicated(keep=False)
    if dup.any():
        raise DataContractError(f"{source}: rule 'unique dates' broken — {int(dup.sum())} rows share a date, "
                                f"e.g. {df.loc[dup, 'date'].dt.date.astype(str).drop_duplicates().head(5).tolist()}")
    neg = df["sales"] < 0
    if neg.any():
        raise DataContractError(f"{source}: rule 'non-negative sales' broken — {int(neg.sum())} row(s) have "
                                f"sales < 0, e.g. {df.loc[neg, ['date', 'sales']].head(3).astype(str).values.tolist()}")
    if "currency" in df.columns:
        currencies = sorted(df["currency"].dropna().astype(str).unique())
        if len(currencies) != 1:
            raise DataContractError(f"{source}: rule 'one currency' broken — column 'currency' has {currencies}")
    if freq == "MS" and (df["date"].dt.day != 1).any():
        bad = df.loc[df["date"].dt.day != 1, "date"].dt.date.astype(str).head(5).tolist()
        raise DataContractError(f"{source}: rule 'regular dates' broken — monthly dates must be the first "
                                f"of the month, found {bad}")
    df["date"] = df["date"].dt.normalize()
    df = df.sort_values("date").reset_index(drop=True)
    if "promo_level" not in df.columns:
        df["promo_level"] = None
    df["promo_level"] = df["promo_level"].astype(object).where(df["promo_level"].notna(), None)
    bad_lvl = df["promo_level"].notna() & ~df["promo_level"].isin(list(LEVELS))
    if bad_lvl.any():
        raise DataContractError(f"{source}: column 'promo_level' allows only {list(LEVELS)} or empty; found "
                                f"{sorted(df.loc[bad_lvl, 'promo_level'].astype(str).unique())[:5]}")
    if "holiday" not in df.columns:
        df["holiday"] = False
    df["holiday"] = df["holiday"].fillna(False).astype(bool)
    grid = pd.date_range(df["date"].min(), df["date"].max(), freq=freq)
    missing = grid.difference(pd.DatetimeIndex(df["date"]))
    off_grid = pd.DatetimeIndex(df["date"]).difference(grid)
    if len(off_grid):
        raise DataContractError(f"{source}: rule 'regular dates' broken — dates not on the {spec.label} grid: "
                                f"{[str(d.date()) for d in off_grid[:5]]}")
    quality = [("rows read", len(df)), ("missing dates filled by interpolation", 0)]
    if len(missing):
        if fill_missing == "error":
            raise DataContractError(
                f"{source}: rule 'regular dates' broken — {len(missing)} {spec.label}(s) missing between "
                f"{grid[0].date()} and {grid[-1].date()}, e.g. {[str(d.date()) for d in missing[:5]]}; "
                "add them or pass fill_missing='interpolate'")
        df = df.set_index("date").reindex(grid)
        df.index.name = "date"
        df["sales"] = df["sales"].interpolate(method="linear")
        df["holiday"] = df["holiday"].astype("boolean").fillna(False).astype(bool)
        df["promo_level"] = df["promo_level"].astype(object).where(df["promo_level"].notna(), None)
        for col in ("currency",):
            if col in df.columns:
                df[col] = df[col].ffill()
        df = df.reset_index()
        quality[1] = ("missing dates filled by interpolation", len(missing))
    if len(df) < spec.min_periods:
        raise DataContractError(
            f"{source}: rule 'two seasonal cycles' broken — {len(df)} {spec.label}s of history, at least "
            f"{spec.min_periods} needed (2 × {spec.cycle} {spec.label}s per year)")
    quality.append(("rows used", len(df)))
    return df, pd.DataFrame(quality, columns=["rule", "rows"])


def history_currency(history: pd.DataFrame, expected: str | None = None) -> str:
    """The single currency of a sales history (its ``currency`` column).

    Raises
    ------
    DataContractError
        If there is no currency column, or it does not match ``expected``.

    Examples
    --------
    >>> history_currency(pd.DataFrame({"currency": ["KRW", "KRW"]}))
    'KRW'
    """
    if "currency" not in history.columns:
        raise DataContractError("sales history: a 'currency' column is required (money travels with its currency)")
    found = sorted(history["currency"].dropna().astype(str).unique())
    if len(found) != 1:
        raise DataContractError(f"sales history: rule 'one currency' broken — column 'currency' has {found}")
    if expected is not None and found[0] != expected:
        raise DataContractError(f"sales history is in {found[0]}, but parameter 'currency' = {expected!r}")
    return found[0]


# =============================================================================================
# Baseline model
# =============================================================================================


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

    @property
    def sigma(self) -> float:
        """Residual standard deviation (money per period)."""
        return float(np.sqrt(self.results.scale))


def _design(dates: pd.DatetimeIndex, freq: str, t0: pd.Timestamp, promo_level: pd.Series | None,
            holiday: pd.Series | None, levels: tuple[str, ...], use_holiday: bool,
            fourier_order: int) -> pd.DataFrame:
    """Regressors: constant, trend (years), seasonal terms, holiday, one dummy per promo level."""
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
    pl = pd.Series(None if promo_level is None else np.asarray(promo_level, dtype=object), index=dates,
                   dtype=object)
    for lvl in levels:
        X[f"promo_{lvl}"] = (pl == lvl).astype(float).to_numpy()
    return X


def fit_baseline(history: pd.DataFrame, freq: str = "D", *, fourier_order: int = 3) -> BaselineFit:
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
    on days with a promotion of level :math:`\\ell`. The baseline is
    :math:`\\hat y_t - \\sum_\\ell \\hat\\delta_\\ell P_{\\ell t}` (promotions switched off), so
    :math:`\\hat\\delta_\\ell` is the estimated uplift per promotion period. Holidays recur on the
    same month and day every year. ``rho`` is the lag-1 autocorrelation of residuals, used to
    widen intervals of period totals.

    Examples
    --------
    >>> h, _ = check_history(generate_sales_history(seed=1, freq="MS"), "MS")
    >>> fit = fit_baseline(h, "MS")
    >>> fit.levels
    ('S+', 'S')
    """
    spec = _freq(freq)
    if not (isinstance(fourier_order, int) and 1 <= fourier_order <= 10):
        raise ValueError(f"fourier_order = {fourier_order!r} must be an integer in 1..10")
    if len(history) < spec.min_periods:
        raise DataContractError(f"sales history: rule 'two seasonal cycles' broken — {len(history)} "
                                f"{spec.label}s, at least {spec.min_periods} needed")
    dates = pd.DatetimeIndex(history["date"])
    t0 = dates[0]
    levels = tuple(lvl for lvl in LEVELS if (history["promo_level"] == lvl).any())
    hol = history["holiday"].to_numpy(dtype=bool)
    use_holiday = freq == "D" and bool(hol.any()) and not bool(hol.all())
    holiday_days = frozenset((d.month, d.day) for d in dates[hol]) if use_holiday else frozenset()
    X = _design(dates, freq, t0, history["promo_level"], history["holiday"], levels, use_holiday, fourier_order)
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
    results = sm.OLS(y, Xa).fit()
    resid = results.resid
    rho = float(np.corrcoef(resid[:-1], resid[1:])[0, 1]) if np.std(resid) > 0 else 0.0
    rho = float(np.clip(rho if np.isfinite(rho) else 0.0, 0.0, 0.99))
    return BaselineFit(results=results, freq=freq, t0=t0, levels=levels, holiday_days=holiday_days,
                       fourier_order=fourier_order, columns=tuple(X.columns), rho=rho,
                       history=history.reset_index(drop=True))


def _future_design(fit: BaselineFit, dates: pd.DatetimeIndex, promo_level: pd.Series | None) -> pd.DataFrame:
    holiday = pd.Series([(d.month, d.day) in fit.holiday_days for d in dates], index=dates)
    use_holiday = "holiday" in fit.columns
    return _design(dates, fit.freq, fit.t0, promo_level, holiday, fit.levels, use_holiday, fit.fourier_order)


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
    >>> h, _ = check_history(generate_sales_history(seed=1, freq="MS"), "MS")
    >>> list(promo_effects(fit_baseline(h, "MS"))["level"])
    ['S+', 'S']
    """
    ci = fit.results.conf_int(alpha=1 - level)
    rows = []
    for lvl in fit.levels:
        j = fit.columns.index(f"promo_{lvl}")
        rows.append({"level": lvl, "effect": float(fit.results.params[j]), "low": float(ci[j, 0]),
                     "high": float(ci[j, 1]), "currency": currency,
                     "periods": int((fit.history["promo_level"] == lvl).sum())})
    return pd.DataFrame(rows, columns=["level", "effect", "low", "high", "currency", "periods"])


def baseline_in_sample(fit: BaselineFit) -> pd.DataFrame:
    """Fitted sales and the promotion-free baseline on every past period.

    Returns
    -------
    DataFrame
        ``date, sales, promo_level, fitted, baseline, uplift`` with
        ``uplift = fitted − baseline`` (money per period; 0 on days without promotion).

    Notes
    -----
    :math:`\\text{baseline}_t = \\hat y_t - \\sum_\\ell \\hat\\delta_\\ell P_{\\ell t}`.

    Examples
    --------
    >>> h, _ = check_history(generate_sales_history(seed=1, freq="MS"), "MS")
    >>> b = baseline_in_sample(fit_baseline(h, "MS"))
    >>> bool((b["uplift"][b["promo_level"].isna()] == 0).all())
    True
    """
    h = fit.history
    dates = pd.DatetimeIndex(h["date"])
    X = _design(dates, fit.freq, fit.t0, h["promo_level"], h["holiday"], fit.levels,
                "holiday" in fit.columns, fit.fourier_order)
    X0 = _design(dates, fit.freq, fit.t0, None, h["holiday"], fit.levels, "holiday" in fit.columns,
                 fit.fourier_order)
    beta = fit.results.params
    fitted = X.to_numpy() @ beta
    base = X0.to_numpy() @ beta
    return pd.DataFrame({"date": dates, "sales": h["sales"].to_numpy(), "promo_level": h["promo_level"].to_numpy(),
                         "fitted": fitted, "baseline": base, "uplift": fitted - base})


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
    >>> h, _ = check_history(generate_sales_history(seed=1, freq="MS"), "MS")
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


# =============================================================================================
# Backtest
# =============================================================================================


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
                     fourier_order: int = 3) -> Backtest:
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
    fourier_order : int
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
    >>> h, _ = check_history(generate_sales_history(seed=1, freq="MS"), "MS")
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
        fit = fit_baseline(train, freq, fourier_order=fourier_order)
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


# =============================================================================================
# Target, ROI, budget, cap
# =============================================================================================


def target_from_growth(history: pd.DataFrame, start: str | pd.Timestamp, end: str | pd.Timestamp,
                       growth: float, freq: str = "D") -> tuple[float, float]:
    """Sales target as growth over the same period one year earlier.

    Parameters
    ----------
    history : DataFrame
        ``date``, ``sales`` (money per period).
    start, end : str or Timestamp
        Target period (inclusive).
    growth : float
        Growth over last year's sales of the same period (> −1), e.g. 0.2 = +20 %.
    freq : {"D", "MS"}
        Frequency of ``history``.

    Returns
    -------
    (float, float)
        ``(target, last_year_sales)`` in the history's currency.

    Raises
    ------
    DataContractError
        If the history does not fully cover the same period last year.

    Notes
    -----
    :math:`\\text{target} = (1 + g) \\sum_{t \\in \\text{period} - 1\\,\\text{year}} y_t`
    (actual sales, promotions included).

    Examples
    --------
    >>> h = pd.DataFrame({"date": pd.date_range("2024-01-01", periods=3, freq="D"), "sales": [1.0, 2.0, 3.0]})
    >>> target_from_growth(h, "2025-01-01", "2025-01-02", 0.5, "D")  # 1.5 * (1 + 2)
    (4.5, 3.0)
    """
    s = pd.Timestamp(start) - pd.DateOffset(years=1)
    e = pd.Timestamp(end) - pd.DateOffset(years=1)
    dates = pd.to_datetime(history["date"])
    mask = (dates >= s) & (dates <= e)
    expected = len(pd.date_range(s, e, freq=_freq(freq).code))
    if mask.sum() == 0 or mask.sum() < expected:
        raise DataContractError(f"sales history does not cover the same period last year ({s.date()}…{e.date()}); "
                                "give target_amount instead of target_growth")
    last = float(history.loc[mask.to_numpy(), "sales"].sum())
    return (1 + growth) * last, last


@dataclass
class RoiEstimate:
    """ROI of one activity type (coupon payment amount per unit of coupon cost)."""

    activity_type: str
    roi: float
    log_sd: float
    low: float
    high: float
    n_campaigns: int
    source: str
    campaigns: pd.DataFrame = field(repr=False)


PAST_CAMPAIGN_COLUMNS = ("campaign_id", "activity_type", "level", "coupon_cost", "coupon_payment_amount",
                         "currency")


def estimate_roi(campaigns: pd.DataFrame | None, activity_type: str, *, roi: float | None = None,
                 currency: str | None = None, level: float = 0.9) -> RoiEstimate:
    """ROI of an activity type from past campaigns (pooled), with its campaign-to-campaign spread.

    Parameters
    ----------
    campaigns : DataFrame or None
        Past campaigns (the ``past_campaigns`` contract: ``campaign_id, activity_type, level,
        coupon_cost, coupon_payment_amount, currency``, money in ``currency``). May be None
        when ``roi`` is given.
    activity_type : str
        One of :data:`ACTIVITY_TYPES`.
    roi : float, optional
        Override (> 0): used as the ROI with no spread.
    currency : str, optional
        Expected currency of the campaigns (must match).
    level : float
        Level of the reported spread interval.

    Returns
    -------
    RoiEstimate
        ``roi`` (pooled), ``log_sd`` (sd of log ROI across campaigns), ``low``/``high``
        (interval for one campaign's ROI), the per-campaign table.

    Raises
    ------
    ValueError
        ``roi`` ≤ 0; fewer than 2 usable campaigns of the type; pooled ROI ≤ 0.
    DataContractError
        Missing columns, or a currency other than ``currency``.

    Notes
    -----
    Per campaign :math:`r_i = P_i / C_i` (coupon payment amount / coupon cost, domain.md §2);
    pooled :math:`\\hat r = \\sum_i P_i / \\sum_i C_i`; spread
    :math:`s = \\mathrm{sd}(\\log r_i)`; a campaign's ROI is modelled as
    :math:`\\hat r\\,e^{s z}`, :math:`z \\sim N(0,1)`, so the interval is
    :math:`\\hat r\\,e^{\\pm z_{(1+c)/2} s}`. Campaigns with cost 0 are dropped (no ROI).

    Examples
    --------
    >>> c = pd.DataFrame({"campaign_id": ["a", "b"], "activity_type": "category_week", "level": "A",
    ...                   "coupon_cost": [100.0, 300.0], "coupon_payment_amount": [800.0, 2400.0],
    ...                   "currency": "KRW"})
    >>> estimate_roi(c, "category_week").roi  # (800 + 2400) / (100 + 300)
    8.0
    """
    if activity_type not in ACTIVITY_TYPES:
        raise ValueError(f"activity_type {activity_type!r} is not one of {list(ACTIVITY_TYPES)}")
    if roi is not None:
        if isinstance(roi, bool) or not isinstance(roi, (int, float)) or not math.isfinite(roi) or roi <= 0:
            raise ValueError(f"roi = {roi!r}: ROI must be a finite number > 0 (a budget of gap / ROI needs it)")
        return RoiEstimate(activity_type, float(roi), 0.0, float(roi), float(roi), 0, "override",
                           pd.DataFrame(columns=["campaign_id", "level", "coupon_cost", "coupon_payment_amount", "roi",
                                                 "currency"]))
    if campaigns is None:
        raise ValueError("no past campaigns given: pass the campaigns table or an roi override")
    contracts.require_columns(campaigns, PAST_CAMPAIGN_COLUMNS, source="past campaigns")
    c = campaigns.loc[campaigns["activity_type"] == activity_type].copy()
    if currency is not None and len(c):
        found = sorted(c["currency"].astype(str).unique())
        if found != [currency]:
            raise DataContractError(f"past campaigns of {activity_type!r} are in {found}, expected {currency!r}")
    c = c.loc[c["coupon_cost"] > 0]
    if len(c) < 2:
        raise ValueError(f"only {len(c)} past campaign(s) of activity type {activity_type!r} with coupon cost > 0; "
                         "at least 2 are needed for an ROI and its spread (or pass an roi override)")
    c["roi"] = c["coupon_payment_amount"] / c["coupon_cost"]
    pooled = float(c["coupon_payment_amount"].sum() / c["coupon_cost"].sum())
    if not pooled > 0:
        raise ValueError(f"pooled ROI of {activity_type!r} is {pooled}; ROI must be > 0")
    positive = c["roi"] > 0
    log_sd = float(np.std(np.log(c.loc[positive, "roi"]), ddof=1)) if positive.sum() >= 2 else 0.0
    z = stats.norm.ppf((1 + level) / 2)
    keep = ["campaign_id", "level", "coupon_cost", "coupon_payment_amount", "roi", "currency"]
    return RoiEstimate(activity_type, pooled, log_sd, pooled * math.exp(-z * log_sd), pooled * math.exp(z * log_sd),
                       len(c), "past campaigns", c[keep].reset_index(drop=True))


@dataclass
class BudgetResult:
    """Budget needed to close the gap, with its simulation interval."""

    target: float
    baseline: float
    gap: float
    budget: float
    low: float
    high: float
    prob_gap: float
    draws: np.ndarray = field(repr=False)
    statement: str = ""


def simulate_budget(forecast: Forecast, target: float, roi: RoiEstimate, *, n_simulations: int = 10_000,
                    level: float = 0.9, seed: int = 0) -> BudgetResult:
    """Budget = gap / ROI, with an interval from simulated baselines and ROIs.

    Parameters
    ----------
    forecast : Forecast
        Baseline of the target period (money).
    target : float
        Sales target of the period, same currency (> 0).
    roi : RoiEstimate
    n_simulations : int
        Monte Carlo draws (≥ 100).
    level : float
        Interval level in (0, 1).
    seed : int
        Random seed.

    Returns
    -------
    BudgetResult
        ``gap`` = target − baseline (may be negative), ``budget`` = max(gap, 0) / ROI ≥ 0,
        ``low``/``high`` quantiles of the simulated budget, ``prob_gap`` = share of draws with a
        positive gap, and a plain ``statement`` when no budget is needed.

    Raises
    ------
    ValueError
        ``target`` ≤ 0, ROI ≤ 0, or bad simulation settings.

    Notes
    -----
    .. math:: B = \\frac{\\max(T - \\hat b, 0)}{\\hat r}, \\qquad
              B^{(s)} = \\frac{\\max(T - b^{(s)}, 0)}{r^{(s)}}

    with :math:`b^{(s)} = \\hat b + \\mathrm{sd}_b\\, t^{(s)}_{df}` and
    :math:`r^{(s)} = \\hat r\\, e^{s_r z^{(s)}}` drawn independently. Never negative: a target
    below the baseline needs no budget.

    Examples
    --------
    >>> fc = Forecast(pd.DataFrame(), 1000.0, 900.0, 1100.0, 50.0, 100.0, 0.9)
    >>> r = RoiEstimate("coupon_festival", 5.0, 0.0, 5.0, 5.0, 0, "override", pd.DataFrame())
    >>> simulate_budget(fc, 1500.0, r).budget  # (1500 - 1000) / 5
    100.0
    """
    if not (isinstance(target, (int, float)) and math.isfinite(target) and target > 0):
        raise ValueError(f"target = {target!r} must be a finite amount > 0")
    if not roi.roi > 0:
        raise ValueError(f"ROI = {roi.roi} must be > 0")
    if not (isinstance(n_simulations, (int, np.integer)) and n_simulations >= 100):
        raise ValueError(f"n_simulations = {n_simulations!r} must be an integer ≥ 100")
    if not 0 < level < 1:
        raise ValueError(f"level = {level} must be in (0, 1)")
    rng = np.random.default_rng(seed)
    b = forecast.total + forecast.total_sd * rng.standard_t(forecast.df_resid, size=n_simulations)
    r = roi.roi * np.exp(roi.log_sd * rng.standard_normal(n_simulations))
    draws = np.maximum(target - b, 0.0) / r
    gap = float(target - forecast.total)
    budget = max(gap, 0.0) / roi.roi
    lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2])
    prob = float(np.mean(target - b > 0))
    statement = ""
    if gap <= 0:
        statement = ("The target is at or below the baseline forecast, so no promotion budget is needed "
                     f"(budget = 0); only in {prob:.0%} of simulations does the baseline fall below the target.")
    return BudgetResult(float(target), forecast.total, gap, float(budget), float(lo), float(hi), prob, draws, statement)


def budget_cap(revenue_sources: Mapping[str, float], marketing_share: float) -> float:
    """Most the revenue sources can fund for marketing.

    Notes
    -----
    :math:`\\text{cap} = m \\sum_j R_j` (gross profit, commission, advertising… of the period).

    Raises
    ------
    ValueError
        Negative sources or a share outside [0, 1].

    Examples
    --------
    >>> budget_cap({"gross_profit": 600.0, "commission": 300.0, "advertising": 100.0}, 0.2)
    200.0
    """
    if not revenue_sources:
        raise ValueError("revenue_sources is empty")
    for k, v in revenue_sources.items():
        if not (math.isfinite(v) and v >= 0):
            raise ValueError(f"revenue source {k!r} = {v} must be a finite amount ≥ 0")
    if not 0 <= marketing_share <= 1:
        raise ValueError(f"marketing_share = {marketing_share} must be in [0, 1]")
    return float(marketing_share * sum(revenue_sources.values()))


def apply_cap(budget: BudgetResult, cap: float, roi: float) -> dict[str, float | bool]:
    """Cap the budget and say what the capped budget buys.

    Returns
    -------
    dict
        ``cap``, ``cap_binds`` (budget > cap), ``capped_budget`` = min(budget, cap),
        ``sales_bought`` = capped × ROI, ``expected_sales`` = baseline + sales bought,
        ``shortfall`` = max(target − expected_sales, 0); money in the sales currency.

    Raises
    ------
    ValueError
        ``cap`` < 0 or ``roi`` ≤ 0.

    Notes
    -----
    :math:`B_c = \\min(B, \\text{cap})`, sales bought :math:`= B_c\\,\\hat r`.

    Examples
    --------
    >>> b = BudgetResult(1500.0, 1000.0, 500.0, 100.0, 80.0, 120.0, 1.0, np.array([]))
    >>> apply_cap(b, 60.0, 5.0)["shortfall"]  # 1500 - (1000 + 60*5)
    200.0
    """
    if not (math.isfinite(cap) and cap >= 0):
        raise ValueError(f"cap = {cap} must be a finite amount ≥ 0")
    if not roi > 0:
        raise ValueError(f"roi = {roi} must be > 0")
    capped = min(budget.budget, cap)
    bought = capped * roi
    expected = budget.baseline + bought
    return {"cap": float(cap), "cap_binds": bool(budget.budget > cap), "capped_budget": float(capped),
            "sales_bought": float(bought), "expected_sales": float(expected),
            "shortfall": float(max(budget.target - expected, 0.0))}


# =============================================================================================
# Allocation
# =============================================================================================


def largest_remainder(total: int, weights: Mapping[str, float] | pd.Series) -> pd.Series:
    """Split a whole number into integer parts proportional to weights that sum exactly.

    Notes
    -----
    Hamilton's method: each part gets :math:`\\lfloor N w_i / \\sum w \\rfloor`; the remaining
    units go one each to the largest fractional remainders (ties: first listed).

    Raises
    ------
    ValueError
        Negative ``total`` or weights, or all weights zero.

    Examples
    --------
    >>> largest_remainder(10, {"a": 1, "b": 1, "c": 1}).tolist()  # 3.33 each -> 4, 3, 3
    [4, 3, 3]
    """
    w = pd.Series(weights, dtype=float)
    if not (isinstance(total, (int, np.integer)) and total >= 0):
        raise ValueError(f"total = {total!r} must be a whole number ≥ 0")
    if (w < 0).any() or not np.isfinite(w).all():
        raise ValueError(f"weights must be finite and ≥ 0, got {w.to_dict()}")
    if w.sum() <= 0:
        raise ValueError("weights are all zero")
    exact = total * w / w.sum()
    base = np.floor(exact).astype(int)
    left = int(total - base.sum())
    order = np.argsort(-(exact - base).to_numpy(), kind="stable")
    out = base.to_numpy().copy()
    out[order[:left]] += 1
    return pd.Series(out, index=w.index, dtype="int64")


def allocate(budget: float, level_weights: Mapping[str, float], slot_shares: Mapping[str, float],
             face_value: float, currency: str) -> pd.DataFrame:
    """Split a budget over promotion levels and into integer coupon quotas per time slot.

    Parameters
    ----------
    budget : float
        Budget to allocate (≥ 0), ``currency``.
    level_weights : dict
        Share per level (keys in :data:`LEVELS`, ≥ 0, sum 1).
    slot_shares : dict
        Share per daily time slot (≥ 0, sum 1).
    face_value : float
        Coupon face value (> 0), ``currency``.
    currency : str

    Returns
    -------
    DataFrame
        One row per (level, slot): ``level, slot, budget, coupons, coupon_value, currency``.
        ``budget`` is the exact money share; ``coupons`` are integers.

    Raises
    ------
    ValueError
        Weights or shares not summing to 1, unknown levels, negative budget, face value ≤ 0.

    Notes
    -----
    :math:`N = \\lfloor B / v \\rfloor` coupons in total; :math:`N` is split over levels by
    :func:`largest_remainder` with weights :math:`w_\\ell`, then each level's count over slots
    with shares :math:`s_k`. Counts therefore sum exactly to :math:`N` overall and per level,
    and the coupon value :math:`N v \\le B` (a level's coupon value may exceed its money share by
    less than one coupon, because whole coupons are moved between levels).

    Examples
    --------
    >>> a = allocate(100_000, {"S+": 0.5, "S": 0.5}, {"am": 0.5, "pm": 0.5}, 3000, "KRW")
    >>> int(a["coupons"].sum())  # floor(100000 / 3000)
    33
    """
    if not (math.isfinite(budget) and budget >= 0):
        raise ValueError(f"budget = {budget} must be a finite amount ≥ 0")
    if not (math.isfinite(face_value) and face_value > 0):
        raise ValueError(f"face_value = {face_value} must be > 0")
    for name, w, keys in (("level_weights", level_weights, LEVELS), ("slot_shares", slot_shares, None)):
        try:
            contracts.require_weights(name, w, keys=keys)
        except ParameterError as exc:
            raise ValueError(str(exc)) from exc
    n_total = int(math.floor(budget / face_value + 1e-9))
    per_level = largest_remainder(n_total, level_weights)
    rows = []
    for lvl, wl in level_weights.items():
        per_slot = largest_remainder(int(per_level[lvl]), slot_shares)
        for slot, share in slot_shares.items():
            n = int(per_slot[slot])
            rows.append({"level": lvl, "slot": slot, "budget": budget * wl * share, "coupons": n,
                         "coupon_value": n * face_value, "currency": currency})
    return pd.DataFrame(rows)


# =============================================================================================
# Synthetic data
# =============================================================================================

#: Fixed-date public holidays used by the synthetic generator (month, day).
SYNTHETIC_HOLIDAYS: tuple[tuple[int, int], ...] = ((1, 1), (3, 1), (5, 5), (6, 6), (8, 15), (10, 3), (10, 9),
                                                   (12, 25))
#: Promotion days per year per level in the synthetic daily file.
SYNTHETIC_PROMO_DAYS: dict[str, int] = {"S+": 4, "S": 8, "A+": 12, "A": 20}


def generate_sales_history(seed: int = 3, freq: str = "D", start: str = "2023-01-01",
                           end: str = "2025-12-31") -> pd.DataFrame:
    """Seeded synthetic sales of one category with known promotion uplift (KRW).

    Parameters
    ----------
    seed : int
        Random seed.
    freq : {"D", "MS"}
        Daily (with weekdays, holidays and promotion days) or monthly.
    start, end : str
        ISO dates of the first and last period.

    Returns
    -------
    DataFrame
        ``date, sales, orders, promo_level, holiday, coupon_spend, currency`` (KRW).

    Notes
    -----
    Daily: :math:`y_t = 50\\text{M} + 7.5\\text{M}\\,t + w_{d(t)} + 5\\text{M}\\sin\\theta_t
    + 3\\text{M}\\cos 2\\theta_t - 6\\text{M}\\,h_t + \\sum_\\ell u_\\ell P_{\\ell t} + e_t`,
    :math:`t` in years, :math:`\\theta_t` the day-of-year angle, :math:`e_t` AR(1) with
    :math:`\\rho = 0.3` and sd 2.5M; uplift :math:`u_\\ell` = :data:`PLANTED_UPLIFT_DAILY`,
    promotion days drawn at random among non-holidays (:data:`SYNTHETIC_PROMO_DAYS` per year).
    Coupon spend on promotion days ≈ uplift / 8 (an ROI near 8). Monthly: 1.5B + 0.25B t +
    month effect + :data:`PLANTED_UPLIFT_MONTHLY` in two promotion months a year + noise.

    Examples
    --------
    >>> generate_sales_history(1, "MS").shape
    (36, 7)
    """
    spec = _freq(freq)
    rng = np.random.default_rng(seed)
    dates = pd.date_range(start, end, freq=spec.code)
    n = len(dates)
    t = np.asarray((dates - dates[0]).days / 365.25)
    promo = np.array([None] * n, dtype=object)
    holiday = np.zeros(n, dtype=bool)
    if freq == "D":
        holiday = np.array([(d.month, d.day) in SYNTHETIC_HOLIDAYS for d in dates])
        for year in sorted(set(dates.year)):
            free = np.flatnonzero((dates.year == year) & ~holiday & pd.isna(promo))
            picks = rng.choice(free, size=sum(SYNTHETIC_PROMO_DAYS.values()), replace=False)
            i = 0
            for lvl, k in SYNTHETIC_PROMO_DAYS.items():
                promo[picks[i:i + k]] = lvl
                i += k
        dow_effect = np.array([0.0, -1.0e6, -1.5e6, -1.0e6, 2.0e6, 6.0e6, 5.0e6])[dates.day_of_week]
        theta = 2 * np.pi * (dates.day_of_year - 1) / 365.25
        base = 50e6 + 7.5e6 * t + dow_effect + 5e6 * np.sin(theta) + 3e6 * np.cos(2 * theta) - 6e6 * holiday
        e = np.zeros(n)
        shocks = rng.normal(0, 2.5e6 * np.sqrt(1 - 0.3 ** 2), n)
        e[0] = rng.normal(0, 2.5e6)
        for i in range(1, n):
            e[i] = 0.3 * e[i - 1] + shocks[i]
        uplift = np.array([PLANTED_UPLIFT_DAILY.get(p, 0.0) if p is not None else 0.0 for p in promo])
        aov = 35_000.0
    else:
        used: dict[str, set[int]] = {"S+": set(), "S": set()}
        for year in sorted(set(dates.year)):
            for lvl in ("S+", "S"):
                # a level never falls in the same calendar month twice, or it would be
                # indistinguishable from that month's seasonal dummy
                idx = [i for i in np.flatnonzero(dates.year == year)
                       if promo[i] is None and dates[i].month not in used[lvl]]
                pick = int(rng.choice(idx))
                promo[pick] = lvl
                used[lvl].add(dates[pick].month)
        month_effect = 150e6 * np.sin(2 * np.pi * (dates.month - 1) / 12)
        base = 1.5e9 + 0.25e9 * t + month_effect
        e = rng.normal(0, 40e6, n)
        uplift = np.array([PLANTED_UPLIFT_MONTHLY.get(p, 0.0) if p is not None else 0.0 for p in promo])
        aov = 35_000.0
    sales = np.round(np.maximum(base + uplift + e, 0.0), -3)
    orders = np.round(sales / (aov * rng.uniform(0.9, 1.1, n))).astype(int)
    everyday = 0.004 * base
    coupon_spend = np.round(everyday + uplift / 8.0 * rng.uniform(0.85, 1.15, n), -3)
    return pd.DataFrame({"date": dates, "sales": sales, "orders": orders, "promo_level": promo,
                         "holiday": holiday, "coupon_spend": coupon_spend, "currency": "KRW"})


def write_synthetic(out_dir: Path) -> list[Path]:
    """Write the shipped synthetic sales histories (daily and monthly) byte-identically.

    Returns
    -------
    list of Path
        ``quota_sales_history.csv`` (daily, 2023–2025) and ``quota_sales_history_monthly.csv``.

    Notes
    -----
    Fixed seeds (3 daily, 4 monthly); floats written with ``%.0f`` (whole KRW), ISO dates,
    ``\\n`` line ends.

    Examples
    --------
    >>> import tempfile
    >>> [p.name for p in write_synthetic(Path(tempfile.mkdtemp()))]
    ['quota_sales_history.csv', 'quota_sales_history_monthly.csv']
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, seed, freq in ((SALES_HISTORY_FILE, 3, "D"), (SALES_MONTHLY_FILE, 4, "MS")):
        df = generate_sales_history(seed=seed, freq=freq)
        df["date"] = df["date"].dt.strftime("%Y-%m-%d")
        df["holiday"] = np.where(df["holiday"], "true", "false")
        path = out_dir / name
        df.to_csv(path, index=False, float_format="%.0f", lineterminator="\n")
        written.append(path)
    return written


# =============================================================================================
# Summaries for the notebook
# =============================================================================================


def level_totals(allocation: pd.DataFrame) -> pd.DataFrame:
    """Budget and coupons per promotion level from :func:`allocate`'s table.

    Returns
    -------
    DataFrame
        ``level, budget, share, coupons, coupon_value, currency`` in level order (S+ first);
        ``share`` = level budget / total budget (0 when the budget is 0).

    Notes
    -----
    :math:`B_\\ell = \\sum_k B_{\\ell k}`, :math:`N_\\ell = \\sum_k N_{\\ell k}`.

    Examples
    --------
    >>> a = allocate(100_000, {"S+": 0.5, "S": 0.5}, {"am": 0.5, "pm": 0.5}, 3000, "KRW")
    >>> level_totals(a)["coupons"].tolist()  # 33 -> 17 + 16
    [17, 16]
    """
    g = allocation.groupby("level", sort=False).agg(budget=("budget", "sum"), coupons=("coupons", "sum"),
                                                    coupon_value=("coupon_value", "sum"),
                                                    currency=("currency", "first")).reset_index()
    total = g["budget"].sum()
    g["share"] = g["budget"] / total if total > 0 else 0.0
    g["order"] = g["level"].map({lvl: i for i, lvl in enumerate(LEVELS)})
    g = g.sort_values("order").drop(columns="order").reset_index(drop=True)
    return g[["level", "budget", "share", "coupons", "coupon_value", "currency"]]


def headline_results(forecast: Forecast, budget: BudgetResult, roi: RoiEstimate, cap: Mapping[str, Any],
                     backtest: Backtest, allocation: pd.DataFrame) -> dict[str, float | bool]:
    """The notebook's headline numbers under their result keys.

    Returns
    -------
    dict
        ``baseline, baseline_low, baseline_high, target, gap, roi, roi_low, roi_high, budget,
        budget_low, budget_high, cap, cap_binds, capped_budget, sales_bought, expected_sales,
        shortfall, backtest_mase, seasonal_naive_mase, backtest_coverage`` and
        ``allocation.<level>`` (capped budget per level) and ``coupons.<level>``; money in the
        sales currency for the whole target period.

    Notes
    -----
    Collects values only; every formula is in the function that produced it.

    Examples
    --------
    >>> fc = Forecast(pd.DataFrame(), 1000.0, 900.0, 1100.0, 50.0, 100.0, 0.9)
    >>> r = RoiEstimate("coupon_festival", 5.0, 0.0, 5.0, 5.0, 0, "override", pd.DataFrame())
    >>> b = simulate_budget(fc, 1500.0, r)
    >>> bt = Backtest(pd.DataFrame(), 0.5, 1.0, 0.9, 1.0)
    >>> a = allocate(100.0, {"S+": 1.0}, {"all": 1.0}, 10.0, "KRW")
    >>> headline_results(fc, b, r, apply_cap(b, 1e9, 5.0), bt, a)["allocation.s_plus"]
    100.0
    """
    from helpers.results import key

    out: dict[str, float | bool] = {
        "baseline": forecast.total, "baseline_low": forecast.total_low, "baseline_high": forecast.total_high,
        "target": budget.target, "gap": budget.gap, "roi": roi.roi, "roi_low": roi.low, "roi_high": roi.high,
        "budget": budget.budget, "budget_low": budget.low, "budget_high": budget.high,
        "cap": float(cap["cap"]), "cap_binds": bool(cap["cap_binds"]), "capped_budget": float(cap["capped_budget"]),
        "sales_bought": float(cap["sales_bought"]), "expected_sales": float(cap["expected_sales"]),
        "shortfall": float(cap["shortfall"]), "backtest_mase": backtest.mase_model,
        "seasonal_naive_mase": backtest.mase_naive, "backtest_coverage": backtest.coverage,
    }
    totals = level_totals(allocation)
    for row in totals.itertuples(index=False):
        out[key("allocation", row.level)] = float(row.budget)
    for row in totals.itertuples(index=False):
        out[key("coupons", row.level)] = int(row.coupons)
    return out


def sales_target(history: pd.DataFrame, start: str | pd.Timestamp, end: str | pd.Timestamp, freq: str,
                 target_amount: float | None, target_growth: float) -> tuple[float, float | None]:
    """The period's sales target: the given amount, else growth over the same period last year.

    Returns
    -------
    (float, float or None)
        ``(target, last_year_sales)``; ``last_year_sales`` is None when an amount was given.

    Raises
    ------
    ValueError
        ``target_amount`` ≤ 0.
    DataContractError
        See :func:`target_from_growth`.

    Notes
    -----
    :math:`T` = ``target_amount`` if given, else :math:`(1+g)\\,S_{\\text{last year}}`.

    Examples
    --------
    >>> h = pd.DataFrame({"date": pd.date_range("2024-01-01", periods=3, freq="D"), "sales": [1.0, 2.0, 3.0]})
    >>> sales_target(h, "2025-01-01", "2025-01-02", "D", 10.0, 0.5)
    (10.0, None)
    """
    if target_amount is not None:
        if not (math.isfinite(target_amount) and target_amount > 0):
            raise ValueError(f"target_amount = {target_amount} must be a finite amount > 0")
        return float(target_amount), None
    return target_from_growth(history, start, end, target_growth, freq)


#: Result keys that hold money (shown in millions in the headline table).
MONEY_KEYS = ("baseline", "baseline_low", "baseline_high", "target", "gap", "budget", "budget_low",
              "budget_high", "cap", "capped_budget", "sales_bought", "expected_sales", "shortfall")


def headline_table(results: Mapping[str, Any], currency: str) -> pd.DataFrame:
    """Headline results as a plain, rounded text table (for the checked notebook output).

    Returns
    -------
    DataFrame
        ``key, value, unit``: money in millions of ``currency`` with 1 decimal, ROI and MASE
        with 3 decimals, coverage as a fraction with 3 decimals, counts and flags as they are.

    Notes
    -----
    Rounding only; no formula.

    Examples
    --------
    >>> headline_table({"gap": 12_345_678.0, "roi": 7.12345, "cap_binds": True}, "KRW")["value"].tolist()
    ['12.3', '7.123', 'True']
    """
    rows = []
    for k, v in results.items():
        if k in MONEY_KEYS or k.startswith("allocation."):
            rows.append((k, f"{v / 1e6:,.1f}", f"{currency} million"))
        elif isinstance(v, bool) or k.startswith("coupons."):
            rows.append((k, str(v), "coupons" if k.startswith("coupons.") else ""))
        else:
            rows.append((k, f"{v:.3f}", "ratio"))
    return pd.DataFrame(rows, columns=["key", "value", "unit"])


def effects_summary(effects: pd.DataFrame, fit: BaselineFit, currency: str, level: float = 0.9) -> str:
    """Markdown bullets on the estimated promotion uplift and the residuals, from the results.

    Returns
    -------
    str
        Two bullets: the largest uplift with its interval (or a plain statement that the history has
        no promotion periods, so baseline = fitted sales), and the residual sd and autocorrelation.

    Notes
    -----
    Text only; the numbers come from :func:`promo_effects` and :func:`fit_baseline`.

    Examples
    --------
    >>> h, _ = check_history(generate_sales_history(seed=1, freq="MS"), "MS")
    >>> fit = fit_baseline(h, "MS")
    >>> effects_summary(promo_effects(fit), fit, "KRW").startswith("- The biggest estimated uplift is **S+**")
    True
    """
    from helpers.plots import format_money

    unit = FREQS[fit.freq].label
    if effects.empty:
        first = ("- The history has no promotion periods, so there is no uplift to remove: the baseline "
                 "equals the fitted sales.")
    else:
        top = effects.sort_values("effect", ascending=False).iloc[0]
        first = (f"- The biggest estimated uplift is **{top['level']}**: "
                 f"{format_money(top['effect'], currency, 1e6)} per promotion {unit} "
                 f"({level:.0%} CI {format_money(top['low'], currency, 1e6)}–"
                 f"{format_money(top['high'], currency, 1e6)}, {int(top['periods'])} {unit}s).")
    second = (f"- Residual sd {format_money(fit.sigma, currency, 1e6)} per {unit}; lag-1 residual "
              f"autocorrelation ρ = {fit.rho:.2f}, which widens the interval of a period total.")
    return first + "\n" + second
