"""Seeded generator of notebook 03's shipped synthetic sales histories (daily and monthly).

A simulator that plants a known truth; estimators live in the metrics modules and never import it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from helpers.quota.constants import freq_spec

PLANTED_UPLIFT_DAILY: dict[str, float] = {"S+": 30_000_000.0, "S": 18_000_000.0,
                                          "A+": 10_000_000.0, "A": 5_000_000.0}
#: Planted additive uplift per promotion month of the synthetic monthly file, KRW per month.
PLANTED_UPLIFT_MONTHLY: dict[str, float] = {"S+": 300_000_000.0, "S": 150_000_000.0}

SALES_HISTORY_FILE = "quota_sales_history.csv"
SALES_MONTHLY_FILE = "quota_sales_history_monthly.csv"

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
    spec = freq_spec(freq)
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

