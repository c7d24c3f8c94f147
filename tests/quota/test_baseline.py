"""The baseline excludes the promotion uplift; forecast intervals of a period total."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers.contracts import DataContractError
from helpers.quota import baseline, load, simulate


def test_exact_series_recovers_promo_effect_and_baseline(exact_monthly):
    history, _ = load.check_history(exact_monthly(), "MS")
    fit = baseline.fit_baseline(history, "MS")
    eff = baseline.promo_effects(fit, currency="KRW").set_index("level")
    assert eff.loc["S+", "effect"] == pytest.approx(500.0, abs=1e-6)
    b = baseline.baseline_in_sample(fit).set_index("date")
    # promo months: 1000 + 500 sold, baseline 1000; December 2023: 1000 + 200, no promo -> baseline 1200
    assert b.loc["2023-03-01", "baseline"] == pytest.approx(1000.0, abs=1e-6)
    assert b.loc["2024-07-01", "uplift"] == pytest.approx(500.0, abs=1e-6)
    assert b.loc["2023-12-01", "baseline"] == pytest.approx(1200.0, abs=1e-6)
    # no noise -> the period interval collapses onto the forecast: 3 months of 1000 = 3000
    fc = baseline.forecast_baseline(fit, "2025-01-01", "2025-03-01")
    assert fc.total == pytest.approx(3000.0, abs=1e-6)
    assert fc.total_high - fc.total_low == pytest.approx(0.0, abs=1e-4)


def test_daily_promo_effect_matches_planted(daily):
    _, fit = daily
    eff = baseline.promo_effects(fit).set_index("level")["effect"]
    for level, planted in simulate.PLANTED_UPLIFT_DAILY.items():
        assert eff[level] == pytest.approx(planted, rel=0.06), level


def test_daily_baseline_on_promo_days_is_sales_minus_uplift(daily):
    _, fit = daily
    b = baseline.baseline_in_sample(fit)
    promo = b["promo_level"].notna()
    planted = b.loc[promo, "promo_level"].map(simulate.PLANTED_UPLIFT_DAILY)
    diff = b.loc[promo, "baseline"] - (b.loc[promo, "sales"] - planted)
    # residual noise has sd 2.5M KRW per day; averaged over 132 promo days the error is small,
    # far below the smallest planted uplift (5M KRW)
    assert promo.sum() == 3 * sum(simulate.SYNTHETIC_PROMO_DAYS.values())
    assert abs(diff.mean()) < 0.5e6
    # and the baseline must not contain the uplift: on S+ days it sits ~30M below sales
    assert (b.loc[b["promo_level"] == "S+", "sales"] - b.loc[b["promo_level"] == "S+", "baseline"]).mean() > 25e6


def test_monthly_promo_effect_matches_planted(monthly):
    _, fit = monthly
    eff = baseline.promo_effects(fit).set_index("level")["effect"]
    for level, planted in simulate.PLANTED_UPLIFT_MONTHLY.items():
        assert eff[level] == pytest.approx(planted, rel=0.25), level


def test_collinear_promo_month_is_refused(exact_monthly):
    df = exact_monthly()
    df.loc[df["date"] == "2024-03-01", "promo_level"] = "S+"  # same calendar month both years ...
    df.loc[df["date"] == "2024-07-01", "promo_level"] = None  # ... and only there
    with pytest.raises(DataContractError, match="identifiable effects.*promo_S\\+"):
        baseline.fit_baseline(load.check_history(df, "MS")[0], "MS")


def test_ar1_sum_factor_by_hand():
    assert baseline.ar1_sum_factor(1, 0.7) == 1.0
    assert baseline.ar1_sum_factor(3, 0.0) == 3.0
    assert baseline.ar1_sum_factor(3, 0.5) == pytest.approx(3 + 2 * (2 * 0.5 + 1 * 0.25))  # 5.5


def test_total_interval_combines_parameter_and_autocorrelated_noise(daily):
    _, fit = daily
    fc = baseline.forecast_baseline(fit, "2026-01-01", "2026-01-31", level=0.9)
    assert fc.total == pytest.approx(fc.table["baseline"].sum())
    a = baseline._future_design(fit, pd.date_range("2026-01-01", "2026-01-31"), None).to_numpy().sum(axis=0)
    se_mean = fit.results.get_prediction(a[None, :]).se_mean[0]  # statsmodels' own a'Va
    expected_sd = math.sqrt(se_mean ** 2 + fit.results.scale * baseline.ar1_sum_factor(31, fit.rho))
    assert fc.total_sd == pytest.approx(expected_sd)
    assert 0.15 < fit.rho < 0.45  # planted AR(1) rho is 0.3
    assert (fc.table["low"] < fc.table["baseline"]).all() and (fc.table["baseline"] < fc.table["high"]).all()



def _lunar_history(country="KR"):
    """Daily 2023-01-01..2025-12-31: 100 a day, 30 less on Seollal and Chuseok days (moving), small noise."""
    from helpers.quota.holiday_calendar import holiday_flags

    dates = pd.date_range("2023-01-01", "2025-12-31", freq="D")
    _, moving = holiday_flags(country, dates)
    rng = np.random.default_rng(1)
    sales = 100.0 - 30.0 * moving + rng.normal(0, 1.0, len(dates))
    return pd.DataFrame({"date": dates, "sales": sales, "promo_level": None, "holiday": False}), moving


def test_seollal_in_february_forecasts_the_february_dip():
    history, moving = _lunar_history()
    fit = baseline.fit_baseline(history, "D", holiday_country="KR")
    eff = baseline.calendar_effects(fit).set_index("term")["effect"]
    for term in ("Seollal (per holiday day)", "Chuseok (per holiday day)", "other moving public holiday (per day)"):
        assert eff[term] == pytest.approx(-30.0, abs=1.0)
    assert fit.holiday_effects["seollal"] == pytest.approx(-30.0, abs=1.0)
    # Seollal 2026 is 16-18 February: those days sit ~30 below their neighbours; in January 2026 no dip
    fc = baseline.forecast_baseline(fit, "2026-02-10", "2026-02-22").table.set_index("date")["baseline"]
    assert fc["2026-02-17"] == pytest.approx(fc["2026-02-12"] - 30.0, abs=2.0)
    jan = baseline.forecast_baseline(fit, "2026-01-26", "2026-01-31").table["baseline"]
    assert (jan > 95).all()  # last year's Seollal (28-30 January 2025) does not recur on its date
    # without the calendar the model cannot see the dip
    plain = baseline.forecast_baseline(baseline.fit_baseline(history, "D"), "2026-02-17", "2026-02-17")
    assert plain.total > 95


def _gift_season_history():
    """Daily 2021-01-01..2025-12-31, weekly pattern and trend: Seollal days 40% below the day's level,
    the 7 days before them 25% above (gift sets), Chuseok days 30% below with 20% above over the 7
    days before, other moving holidays (Buddha's Birthday, elections, substitute days) no effect."""
    from helpers.quota.holiday_calendar import holiday_windows

    dates = pd.date_range("2021-01-01", "2025-12-31", freq="D")
    w = holiday_windows("KR", dates, pre_days=7)
    level = 1000.0 + 50.0 * np.arange(len(dates)) / 365 + 80.0 * (dates.day_of_week >= 5)
    factor = 1 - 0.4 * w["seollal"] + 0.25 * w["seollal_pre"] - 0.3 * w["chuseok"] + 0.2 * w["chuseok_pre"]
    rng = np.random.default_rng(11)
    sales = level * factor + rng.normal(0, 15.0, len(dates))
    return pd.DataFrame({"date": dates, "sales": sales, "promo_level": None, "holiday": False}), level, factor, w


def test_moving_seollal_with_a_gift_run_up_is_forecast_within_ten_percent():
    history, level, factor, w = _gift_season_history()
    train = history[history["date"] < "2025-01-01"].reset_index(drop=True)
    dates = pd.DatetimeIndex(history["date"])
    # Seollal 2025 (28-30 January) and the week before it, out of sample
    days = dates[(dates >= "2025-01-01") & (w["seollal"] | w["seollal_pre"])]
    truth = pd.Series(level * factor, index=dates)[days]

    def worst_error(**kw):
        fit = baseline.fit_baseline(train, "D", holiday_country="KR", **kw)
        fc = baseline.forecast_baseline(fit, days[0], days[-1]).table.set_index("date")["baseline"][days]
        return float((fc / truth - 1).abs().max()), fit

    err, fit = worst_error(pre_days=7, post_days=2)
    assert err <= 0.10, err
    eff = fit.holiday_effects
    assert eff["seollal"] < -300 and eff["seollal_pre"] > 200 and abs(eff["moving_other"]) < 30
    # without the run-up window the model misses the gift week by about a quarter
    assert worst_error(pre_days=0)[0] > 0.15


def test_monthly_series_counts_moving_holiday_days():
    from helpers.quota.holiday_calendar import moving_days_per_month

    months = pd.date_range("2021-01-01", "2025-12-01", freq="MS")
    days = moving_days_per_month("KR", months)
    h = pd.DataFrame({"date": months, "sales": 1000.0 - 20.0 * days + 3.0 * (np.arange(len(months)) % 4),
                      "promo_level": None, "holiday": False})
    fit = baseline.fit_baseline(h, "MS", holiday_country="KR")
    eff = baseline.calendar_effects(fit).set_index("term")["effect"]
    assert eff["moving public holiday (per day in the month)"] == pytest.approx(-20.0, abs=3.0)


def test_lead_and_lag_days_are_estimated_and_switched_off_in_the_baseline():
    dates = pd.date_range("2023-01-01", "2024-12-31", freq="D")
    promo = np.array([None] * len(dates), dtype=object)
    promo[np.arange(20, len(dates) - 20, 37)] = "S"
    on = pd.Series(promo).notna().to_numpy()
    after = np.roll(on, 1) | np.roll(on, 2)  # two days after: a dip of 10
    before = np.roll(on, -1)  # the day before: a lull of 5
    sales = 200.0 + 50.0 * on - 10.0 * (after & ~on) - 5.0 * (before & ~on) + 0.5 * (np.arange(len(dates)) % 3)
    h = pd.DataFrame({"date": dates, "sales": sales, "promo_level": promo, "holiday": False})
    fit = baseline.fit_baseline(h, "D", lead=1, lag=2)
    eff = baseline.calendar_effects(fit).set_index("term")["effect"]
    assert eff["day after a promotion (lag)"] == pytest.approx(-10.0, abs=0.5)
    assert eff["day before a promotion (lead)"] == pytest.approx(-5.0, abs=0.5)
    b = baseline.baseline_in_sample(fit)
    assert b.loc[after & ~on, "uplift"].mean() == pytest.approx(-10.0, abs=0.5)  # the dip is a promotion effect


def test_hac_covariance_is_used():
    history, _ = _lunar_history()
    fit = baseline.fit_baseline(history, "D", holiday_country="KR")
    assert fit.results.cov_type == "HAC"
