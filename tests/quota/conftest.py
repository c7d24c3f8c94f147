"""Fixtures of the quota tests: the shipped synthetic histories, checked and fitted."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.quota import baseline, budget, load, simulate


@pytest.fixture(scope="module")
def daily():
    """Seeded synthetic daily history (3 years) with planted promotion uplift."""
    history, _ = load.check_history(simulate.generate_sales_history(seed=3, freq="D"), "D")
    return history, baseline.fit_baseline(history, "D")


@pytest.fixture(scope="module")
def monthly():
    history, _ = load.check_history(simulate.generate_sales_history(seed=4, freq="MS"), "MS")
    return history, baseline.fit_baseline(history, "MS")


# --- builders of tiny inputs (fixtures return the builder functions) ---


def make_exact_monthly() -> pd.DataFrame:
    """24 noise-free months: 1000 + 200 in December + 500 in the two S+ months (Mar 2023, Jul 2024)."""
    dates = pd.date_range("2023-01-01", periods=24, freq="MS")
    promo = [None] * 24
    promo[2], promo[18] = "S+", "S+"  # 2023-03, 2024-07: different calendar months
    sales = [1000.0 + (200.0 if d.month == 12 else 0.0) + (500.0 if p else 0.0) for d, p in zip(dates, promo, strict=True)]
    return pd.DataFrame({"date": dates, "sales": sales, "promo_level": promo, "currency": "KRW"})


def make_small_daily(n: int = 800) -> pd.DataFrame:
    dates = pd.date_range("2023-01-01", periods=n, freq="D")
    return pd.DataFrame({"date": dates, "sales": 100.0 + np.arange(n) % 7, "currency": "KRW"})


def make_campaigns() -> pd.DataFrame:
    """7 past campaigns with the columns of the past_campaigns contract."""
    return pd.DataFrame({
        "campaign_id": ["c1", "c2", "c3", "c4", "c5", "c6", "c7"],
        "activity_type": ["coupon_festival"] * 3 + ["category_week"] * 3 + ["new_buyer_push"],
        "level": ["S+", "S", "A", "A+", "A", "A", "S"],
        "start": ["2025-01-01"] * 7, "end": ["2025-01-07"] * 7,
        "coupon_cost": [100.0, 200.0, 100.0, 50.0, 50.0, 0.0, 10.0],
        "coupon_payment_amount": [800.0, 1000.0, 1200.0, 300.0, 600.0, 50.0, 30.0],
        "roi": [8.0, 5.0, 12.0, 6.0, 12.0, np.nan, 3.0],
        "currency": "KRW",
    })


def make_forecast(total: float = 1000.0, sd: float = 50.0) -> baseline.Forecast:
    return baseline.Forecast(pd.DataFrame(), total, total - 1.6 * sd, total + 1.6 * sd, sd, 200.0, 0.9)


def make_roi(r: float = 5.0, log_sd: float = 0.0) -> budget.RoiEstimate:
    return budget.RoiEstimate("coupon_festival", r, log_sd, r, r, 3, "test", pd.DataFrame())


@pytest.fixture
def exact_monthly():
    """Builder: see :func:`make_exact_monthly`."""
    return make_exact_monthly


@pytest.fixture
def small_daily():
    """Builder: see :func:`make_small_daily`."""
    return make_small_daily


@pytest.fixture
def campaigns():
    """Builder: see :func:`make_campaigns`."""
    return make_campaigns


@pytest.fixture
def forecast():
    """Builder: see :func:`make_forecast`."""
    return make_forecast


@pytest.fixture
def roi():
    """Builder: see :func:`make_roi`."""
    return make_roi
