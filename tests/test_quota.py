"""Tests for helpers/quota.py: baseline without promotions, backtest, ROI, budget, cap, allocation."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import contracts, quota
from helpers.contracts import DataContractError, ParameterError

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = contracts.SCHEMAS["quota_sales_history"]


# ---------------------------------------------------------------------------------------------
# fixtures
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def daily():
    """Seeded synthetic daily history (3 years) with planted promotion uplift."""
    history, _ = quota.check_history(quota.generate_sales_history(seed=3, freq="D"), "D")
    return history, quota.fit_baseline(history, "D")


@pytest.fixture(scope="module")
def monthly():
    history, _ = quota.check_history(quota.generate_sales_history(seed=4, freq="MS"), "MS")
    return history, quota.fit_baseline(history, "MS")


def exact_monthly() -> pd.DataFrame:
    """24 noise-free months: 1000 + 200 in December + 500 in the two S+ months (Mar 2023, Jul 2024)."""
    dates = pd.date_range("2023-01-01", periods=24, freq="MS")
    promo = [None] * 24
    promo[2], promo[18] = "S+", "S+"  # 2023-03, 2024-07: different calendar months
    sales = [1000.0 + (200.0 if d.month == 12 else 0.0) + (500.0 if p else 0.0) for d, p in zip(dates, promo, strict=True)]
    return pd.DataFrame({"date": dates, "sales": sales, "promo_level": promo, "currency": "KRW"})


def small_daily(n: int = 800) -> pd.DataFrame:
    dates = pd.date_range("2023-01-01", periods=n, freq="D")
    return pd.DataFrame({"date": dates, "sales": 100.0 + np.arange(n) % 7, "currency": "KRW"})


# ---------------------------------------------------------------------------------------------
# baseline excludes the promotion uplift
# ---------------------------------------------------------------------------------------------


def test_exact_series_recovers_promo_effect_and_baseline():
    history, _ = quota.check_history(exact_monthly(), "MS")
    fit = quota.fit_baseline(history, "MS")
    eff = quota.promo_effects(fit, currency="KRW").set_index("level")
    assert eff.loc["S+", "effect"] == pytest.approx(500.0, abs=1e-6)
    b = quota.baseline_in_sample(fit).set_index("date")
    # promo months: 1000 + 500 sold, baseline 1000; December 2023: 1000 + 200, no promo -> baseline 1200
    assert b.loc["2023-03-01", "baseline"] == pytest.approx(1000.0, abs=1e-6)
    assert b.loc["2024-07-01", "uplift"] == pytest.approx(500.0, abs=1e-6)
    assert b.loc["2023-12-01", "baseline"] == pytest.approx(1200.0, abs=1e-6)
    # no noise -> the period interval collapses onto the forecast: 3 months of 1000 = 3000
    fc = quota.forecast_baseline(fit, "2025-01-01", "2025-03-01")
    assert fc.total == pytest.approx(3000.0, abs=1e-6)
    assert fc.total_high - fc.total_low == pytest.approx(0.0, abs=1e-4)


def test_daily_promo_effect_matches_planted(daily):
    _, fit = daily
    eff = quota.promo_effects(fit).set_index("level")["effect"]
    for level, planted in quota.PLANTED_UPLIFT_DAILY.items():
        assert eff[level] == pytest.approx(planted, rel=0.06), level


def test_daily_baseline_on_promo_days_is_sales_minus_uplift(daily):
    _, fit = daily
    b = quota.baseline_in_sample(fit)
    promo = b["promo_level"].notna()
    planted = b.loc[promo, "promo_level"].map(quota.PLANTED_UPLIFT_DAILY)
    diff = b.loc[promo, "baseline"] - (b.loc[promo, "sales"] - planted)
    # residual noise has sd 2.5M KRW per day; averaged over 132 promo days the error is small,
    # far below the smallest planted uplift (5M KRW)
    assert promo.sum() == 3 * sum(quota.SYNTHETIC_PROMO_DAYS.values())
    assert abs(diff.mean()) < 0.5e6
    # and the baseline must not contain the uplift: on S+ days it sits ~30M below sales
    assert (b.loc[b["promo_level"] == "S+", "sales"] - b.loc[b["promo_level"] == "S+", "baseline"]).mean() > 25e6


def test_monthly_promo_effect_matches_planted(monthly):
    _, fit = monthly
    eff = quota.promo_effects(fit).set_index("level")["effect"]
    for level, planted in quota.PLANTED_UPLIFT_MONTHLY.items():
        assert eff[level] == pytest.approx(planted, rel=0.25), level


def test_collinear_promo_month_is_refused():
    df = exact_monthly()
    df.loc[df["date"] == "2024-03-01", "promo_level"] = "S+"  # same calendar month both years ...
    df.loc[df["date"] == "2024-07-01", "promo_level"] = None  # ... and only there
    with pytest.raises(DataContractError, match="identifiable effects.*promo_S\\+"):
        quota.fit_baseline(quota.check_history(df, "MS")[0], "MS")


# ---------------------------------------------------------------------------------------------
# data rules
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mutate, freq, match", [
    (lambda d: pd.concat([d, d.iloc[[5]]]), "D", "unique dates"),
    (lambda d: d.drop(index=[10, 11]), "D", "regular dates.*2 day"),
    (lambda d: d.assign(sales=np.where(d.index == 3, -1.0, d["sales"])), "D", "non-negative sales"),
    (lambda d: d.iloc[:729], "D", "two seasonal cycles.*729 days.*730"),
    (lambda d: d.assign(currency=np.where(d.index == 0, "USD", "KRW")), "D", "one currency"),
    (lambda d: d.assign(promo_level=np.where(d.index == 0, "B", None)), "D", "promo_level"),
])
def test_check_history_rules(mutate, freq, match):
    with pytest.raises(DataContractError, match=match):
        quota.check_history(mutate(small_daily()), freq)


def test_monthly_rules():
    short = exact_monthly().iloc[:23]
    with pytest.raises(DataContractError, match="two seasonal cycles.*23 months.*24"):
        quota.check_history(short, "MS")
    mid = exact_monthly().assign(date=lambda d: d["date"] + pd.Timedelta(days=14))
    with pytest.raises(DataContractError, match="first of the month"):
        quota.check_history(mid, "MS")
    with pytest.raises(ParameterError, match="'freq' = 'W'"):
        quota.check_history(exact_monthly(), "W")


def test_fill_policy_interpolates_and_counts():
    d = small_daily().drop(index=[10])  # 2023-01-11 missing; neighbours 100 + 9%7 = 102 and 100 + 11%7 = 104
    out, quality = quota.check_history(d, "D", fill_missing="interpolate")
    assert len(out) == 800
    assert out.loc[out["date"] == "2023-01-11", "sales"].item() == pytest.approx((102 + 104) / 2)
    assert quality.set_index("rule").loc["missing dates filled by interpolation", "rows"] == 1


def test_loader_rejects_duplicate_dates_and_negative_sales(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("date,sales,currency\n2024-01-01,5,KRW\n2024-01-01,6,KRW\n")
    with pytest.raises(DataContractError, match=r"duplicate \(date\).*line 2, 3"):
        contracts.load_csv(path, SCHEMA)
    path.write_text("date,sales,currency\n2024-01-01,-5,KRW\n")
    with pytest.raises(DataContractError, match="'sales' must be >= 0"):
        contracts.load_csv(path, SCHEMA)


# ---------------------------------------------------------------------------------------------
# forecast interval and backtest
# ---------------------------------------------------------------------------------------------


def test_ar1_sum_factor_by_hand():
    assert quota.ar1_sum_factor(1, 0.7) == 1.0
    assert quota.ar1_sum_factor(3, 0.0) == 3.0
    assert quota.ar1_sum_factor(3, 0.5) == pytest.approx(3 + 2 * (2 * 0.5 + 1 * 0.25))  # 5.5


def test_total_interval_combines_parameter_and_autocorrelated_noise(daily):
    _, fit = daily
    fc = quota.forecast_baseline(fit, "2026-01-01", "2026-01-31", level=0.9)
    assert fc.total == pytest.approx(fc.table["baseline"].sum())
    a = quota._future_design(fit, pd.date_range("2026-01-01", "2026-01-31"), None).to_numpy().sum(axis=0)
    se_mean = fit.results.get_prediction(a[None, :]).se_mean[0]  # statsmodels' own a'Va
    expected_sd = math.sqrt(se_mean ** 2 + fit.results.scale * quota.ar1_sum_factor(31, fit.rho))
    assert fc.total_sd == pytest.approx(expected_sd)
    assert 0.15 < fit.rho < 0.45  # planted AR(1) rho is 0.3
    assert (fc.table["low"] < fc.table["baseline"]).all() and (fc.table["baseline"] < fc.table["high"]).all()


def test_seasonal_naive_and_mase_by_hand():
    assert quota.seasonal_naive([1, 2, 3, 4, 5], 3, 2).tolist() == [4.0, 5.0, 4.0]
    # train [1,2,3,5], m=1: in-sample naive errors 1,1,2 -> scale 4/3; forecast errors 1,1 -> MAE 1
    assert quota.mase([5, 7], [6, 6], [1, 2, 3, 5], 1) == pytest.approx(0.75)
    with pytest.raises(ValueError, match="does not change"):
        quota.mase([1], [1], [2, 2, 2], 1)


def test_backtest_beats_seasonal_naive_and_covers(daily):
    history, _ = daily
    bt = quota.rolling_backtest(history, "D", horizon=31, folds=3, level=0.9)
    assert list(bt.folds["origin"].dt.strftime("%Y-%m-%d")) == ["2025-09-30", "2025-10-31", "2025-12-01"]
    assert bt.mase_model < bt.mase_naive
    assert 0.75 <= bt.coverage <= 0.99


def test_backtest_length_rule(monthly):
    history, _ = monthly
    # 36 months - 4 folds x 3 = 24 = two cycles: allowed; 5 folds leave 36 - 15 = 21 < 24
    assert len(quota.rolling_backtest(history, "MS", horizon=3, folds=4).folds) == 4
    with pytest.raises(DataContractError, match="backtest length.*5 fold.*3 months leave 21.*at least 24"):
        quota.rolling_backtest(history, "MS", horizon=3, folds=5)


def test_target_from_growth_by_hand():
    h = pd.DataFrame({"date": pd.date_range("2024-01-01", periods=5, freq="D"), "sales": [1.0, 2, 3, 4, 5]})
    # same period last year = 2024-01-02..03 -> 2 + 3 = 5; +10% -> 5.5
    assert quota.target_from_growth(h, "2025-01-02", "2025-01-03", 0.10, "D") == pytest.approx((5.5, 5.0))
    with pytest.raises(DataContractError, match="same period last year"):
        quota.target_from_growth(h, "2025-01-04", "2025-01-09", 0.10, "D")
    m = exact_monthly()  # Jan-Feb 2024: 1000 + 1000 -> target 2000 * 1.5
    assert quota.target_from_growth(m, "2025-01-01", "2025-02-01", 0.5, "MS") == pytest.approx((3000.0, 2000.0))


# ---------------------------------------------------------------------------------------------
# ROI
# ---------------------------------------------------------------------------------------------


def campaigns() -> pd.DataFrame:
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


def test_roi_pooled_and_spread_by_hand():
    est = quota.estimate_roi(campaigns(), "coupon_festival", currency="KRW", level=0.9)
    # pooled = (800 + 1000 + 1200) / (100 + 200 + 100) = 3000 / 400 = 7.5
    assert est.roi == pytest.approx(7.5)
    # per campaign 8, 5, 12 -> sd of logs (ddof=1)
    logs = [math.log(8), math.log(5), math.log(12)]
    mean = sum(logs) / 3
    sd = math.sqrt(sum((v - mean) ** 2 for v in logs) / 2)
    assert est.log_sd == pytest.approx(sd)
    assert est.low == pytest.approx(7.5 * math.exp(-1.6448536 * sd), rel=1e-6)
    assert est.n_campaigns == 3


def test_roi_drops_zero_cost_campaigns():
    est = quota.estimate_roi(campaigns(), "category_week")
    # c6 has cost 0 (no ROI) -> (300 + 600) / (50 + 50) = 9
    assert est.roi == pytest.approx(9.0)
    assert est.n_campaigns == 2


def test_roi_override():
    est = quota.estimate_roi(None, "new_buyer_push", roi=4.0)
    assert (est.roi, est.log_sd, est.source) == (4.0, 0.0, "override")


@pytest.mark.parametrize("kwargs, err, match", [
    ({"roi": 0.0}, ValueError, "ROI must be a finite number > 0"),
    ({"roi": -2.0}, ValueError, "ROI must be a finite number > 0"),
    ({"activity_type": "new_buyer_push"}, ValueError, "only 1 past campaign"),
    ({"activity_type": "flash_sale"}, ValueError, "not one of"),
    ({"currency": "USD"}, DataContractError, "expected 'USD'"),
])
def test_roi_bad_inputs(kwargs, err, match):
    args = {"activity_type": "coupon_festival"} | kwargs
    with pytest.raises(err, match=match):
        quota.estimate_roi(campaigns(), **args)


def test_roi_missing_columns():
    with pytest.raises(DataContractError, match="coupon_payment_amount"):
        quota.estimate_roi(campaigns().drop(columns="coupon_payment_amount"), "coupon_festival")


# ---------------------------------------------------------------------------------------------
# budget and cap
# ---------------------------------------------------------------------------------------------


def forecast(total: float = 1000.0, sd: float = 50.0) -> quota.Forecast:
    return quota.Forecast(pd.DataFrame(), total, total - 1.6 * sd, total + 1.6 * sd, sd, 200.0, 0.9)


def roi(r: float = 5.0, log_sd: float = 0.0) -> quota.RoiEstimate:
    return quota.RoiEstimate("coupon_festival", r, log_sd, r, r, 3, "test", pd.DataFrame())


def test_budget_is_gap_over_roi():
    b = quota.simulate_budget(forecast(), 1500.0, roi(5.0), seed=1)
    assert (b.gap, b.budget) == (500.0, 100.0)  # (1500 - 1000) / 5
    assert b.low < 100.0 < b.high
    assert b.statement == ""


def test_budget_interval_collapses_without_uncertainty():
    b = quota.simulate_budget(forecast(sd=0.0), 1500.0, roi(5.0), seed=1)
    assert b.low == pytest.approx(100.0) and b.high == pytest.approx(100.0)


def test_roi_spread_widens_budget_interval():
    narrow = quota.simulate_budget(forecast(), 1500.0, roi(5.0, 0.0), seed=7)
    wide = quota.simulate_budget(forecast(), 1500.0, roi(5.0, 0.3), seed=7)
    assert wide.high - wide.low > 1.5 * (narrow.high - narrow.low)


def test_target_below_baseline_gives_zero_budget():
    b = quota.simulate_budget(forecast(), 900.0, roi(5.0), seed=1)
    assert b.gap == -100.0 and b.budget == 0.0
    assert "no promotion budget is needed" in b.statement
    assert (b.draws >= 0).all() and b.low == 0.0


@pytest.mark.parametrize("target, r, match", [(0.0, 5.0, "target"), (1500.0, 0.0, "ROI")])
def test_budget_bad_inputs(target, r, match):
    with pytest.raises(ValueError, match=match):
        quota.simulate_budget(forecast(), target, roi(r))


def test_cap_binds_and_what_it_buys():
    cap = quota.budget_cap({"gross_profit": 600.0, "commission": 300.0, "advertising": 100.0}, 0.05)
    assert cap == pytest.approx(50.0)  # 0.05 * 1000
    b = quota.simulate_budget(forecast(), 1500.0, roi(5.0), seed=1)
    out = quota.apply_cap(b, cap, 5.0)
    # budget 100 > cap 50 -> capped 50 buys 250 of sales; 1000 + 250 = 1250, short of 1500 by 250
    assert out == pytest.approx({"cap": 50.0, "cap_binds": True, "capped_budget": 50.0,
                                 "sales_bought": 250.0, "expected_sales": 1250.0, "shortfall": 250.0})
    loose = quota.apply_cap(b, 400.0, 5.0)
    assert loose["cap_binds"] is False and loose["capped_budget"] == 100.0 and loose["shortfall"] == 0.0


# ---------------------------------------------------------------------------------------------
# allocation
# ---------------------------------------------------------------------------------------------


def test_largest_remainder_by_hand():
    # 10 * (0.5, 0.3, 0.2) exact; 7 * (1/3 each) = 2.33 -> 3, 2, 2 (ties to the first listed)
    assert quota.largest_remainder(10, {"a": 0.5, "b": 0.3, "c": 0.2}).tolist() == [5, 3, 2]
    assert quota.largest_remainder(7, {"a": 1, "b": 1, "c": 1}).tolist() == [3, 2, 2]
    # 11 * (0.45, 0.35, 0.2) = 4.95, 3.85, 2.2 -> floors 4, 3, 2 (9), 2 left to .95 and .85
    assert quota.largest_remainder(11, {"a": 0.45, "b": 0.35, "c": 0.2}).tolist() == [5, 4, 2]


def test_largest_remainder_always_sums_exactly():
    rng = np.random.default_rng(11)
    for _ in range(200):
        w = rng.dirichlet(np.ones(rng.integers(2, 9)))
        n = int(rng.integers(0, 10_000))
        parts = quota.largest_remainder(n, dict(enumerate(w)))
        assert parts.sum() == n and (parts >= 0).all()
        assert (np.abs(parts.to_numpy() - n * w) < 1).all()


def test_allocate_levels_and_slots():
    # 1,000,000 KRW / 3,000 = 333.3 -> 333 coupons; levels 0.4/0.3/0.2/0.1 -> 133.2, 99.9, 66.6, 33.3
    # -> floors 133, 99, 66, 33 (331), +1 to .9 (S) and .6 (A+) -> 133, 100, 67, 33
    a = quota.allocate(1_000_000.0, {"S+": 0.4, "S": 0.3, "A+": 0.2, "A": 0.1}, {"am": 0.5, "pm": 0.5},
                       3000.0, "KRW")
    per_level = a.groupby("level", sort=False)["coupons"].sum()
    assert per_level.to_dict() == {"S+": 133, "S": 100, "A+": 67, "A": 33}
    assert a["coupons"].sum() == 333
    # S+ 133 over two equal slots -> 67, 66
    assert a.loc[a["level"] == "S+", "coupons"].tolist() == [67, 66]
    assert a["budget"].sum() == pytest.approx(1_000_000.0)
    assert (a["coupon_value"].sum() <= 1_000_000.0) and set(a["currency"]) == {"KRW"}


@pytest.mark.parametrize("weights, slots, match", [
    ({"S+": 0.5, "S": 0.4}, {"all": 1.0}, "sum to 0.9"),
    ({"S+": 0.5, "B": 0.5}, {"all": 1.0}, "allowed keys"),
    ({"S+": 1.0}, {"am": 0.7, "pm": 0.7}, "slot_shares.*sum to 1.4"),
])
def test_allocate_bad_weights(weights, slots, match):
    with pytest.raises(ValueError, match=match):
        quota.allocate(1000.0, weights, slots, 10.0, "KRW")


# ---------------------------------------------------------------------------------------------
# parameters
# ---------------------------------------------------------------------------------------------

GOOD = dict(sales_history_path="data/synthetic/quota_sales_history.csv", past_campaigns_path="x.csv",
            freq="D", fill_missing="error", currency="KRW", target_start="2026-01-01",
            target_end="2026-01-31", target_amount=None, target_growth=0.2, activity_type="coupon_festival",
            roi=6.0, level_weights={"S+": 0.4, "S": 0.3, "A+": 0.2, "A": 0.1},
            slot_shares={"am": 0.5, "pm": 0.5}, face_value=5000.0,
            revenue_sources={"gross_profit": 5e8, "commission": 1e8}, marketing_share=0.1,
            interval_level=0.9, backtest_folds=4, n_simulations=10_000, seed=3)


def test_validate_parameters_good():
    p = quota.validate_parameters(**GOOD)
    assert p["target_start"] == pd.Timestamp("2026-01-01") and p["roi"] == 6.0


@pytest.mark.parametrize("name, value, match", [
    ("roi", 0.0, "'roi' = 0.0 is out of range"),
    ("roi", -1.5, "'roi' = -1.5 is out of range"),
    ("level_weights", {"S+": 0.5, "S": 0.3, "A": 0.1}, "sum to 0.9"),
    ("level_weights", {"S+": 0.5, "B": 0.5}, "allowed keys"),
    ("slot_shares", {"am": 0.6, "pm": 0.6}, "'slot_shares' weights sum to 1.2"),
    ("freq", "W", "'freq' = 'W'"),
    ("target_end", "2025-12-01", "before target_start"),
    ("marketing_share", 1.5, "'marketing_share' = 1.5"),
    ("activity_type", "flash", "'activity_type' = 'flash'"),
    ("sales_history_path", "data/none.csv", "'sales_history_path': file"),
    ("currency", "krw", "three-letter"),
    ("target_amount", -5.0, "'target_amount'"),
])
def test_validate_parameters_bad(name, value, match):
    with pytest.raises(ParameterError, match=match):
        quota.validate_parameters(**(GOOD | {name: value}))


def test_monthly_target_must_start_on_day_one():
    with pytest.raises(ParameterError, match="'target_start' = '2026-01-15' must be a month start"):
        quota.validate_parameters(**(GOOD | {"freq": "MS", "target_start": "2026-01-15"}))


# ---------------------------------------------------------------------------------------------
# synthetic data against its contract
# ---------------------------------------------------------------------------------------------


def test_generator_output_follows_contract_and_is_byte_identical(tmp_path):
    for freq in ("D", "MS"):
        contracts.validate(quota.generate_sales_history(seed=5, freq=freq), SCHEMA, source=f"generator {freq}")
    first = quota.write_synthetic(tmp_path / "a")
    second = quota.write_synthetic(tmp_path / "b")
    for p, q in zip(first, second, strict=True):
        assert p.read_bytes() == q.read_bytes()
        loaded = contracts.load_csv(p, SCHEMA)
        assert loaded["promo_level"].notna().any()
    for name, fresh in zip((quota.SALES_HISTORY_FILE, quota.SALES_MONTHLY_FILE), first, strict=True):
        assert (ROOT / "data" / "synthetic" / name).read_bytes() == fresh.read_bytes()


def test_effects_summary_without_promotions():
    history, _ = quota.check_history(exact_monthly().assign(promo_level=None), "MS")
    fit = quota.fit_baseline(history, "MS")
    effects = quota.promo_effects(fit)
    assert effects.empty
    assert "no promotion periods" in quota.effects_summary(effects, fit, "KRW")
    # no promotions -> baseline equals the fitted values
    b = quota.baseline_in_sample(fit)
    assert (b["uplift"] == 0).all()


def test_level_totals_and_headline_keys():
    a = quota.allocate(1_000_000.0, {"S+": 0.4, "S": 0.3, "A+": 0.2, "A": 0.1}, {"am": 0.5, "pm": 0.5},
                       3000.0, "KRW")
    t = quota.level_totals(a)
    assert t["level"].tolist() == ["S+", "S", "A+", "A"]
    assert t["budget"].tolist() == pytest.approx([400_000.0, 300_000.0, 200_000.0, 100_000.0])
    assert t["share"].sum() == pytest.approx(1.0)
    b = quota.simulate_budget(forecast(), 1500.0, roi(5.0), seed=1)
    bt = quota.Backtest(pd.DataFrame(), 0.4, 1.1, 0.9, 1.0)
    res = quota.headline_results(forecast(), b, roi(5.0), quota.apply_cap(b, 1e9, 5.0), bt, a)
    required = {"baseline", "baseline_low", "baseline_high", "target", "gap", "roi", "budget", "budget_low",
                "budget_high", "cap", "cap_binds", "backtest_mase", "seasonal_naive_mase",
                "allocation.s_plus", "allocation.s", "allocation.a_plus", "allocation.a"}
    assert required <= set(res)
    assert res["allocation.s"] == pytest.approx(300_000.0) and res["coupons.s"] == 100
    table = quota.headline_table(res, "KRW").set_index("key")
    assert table.loc["gap", "value"] == "0.0"  # 500 KRW = 0.0005 million -> 0.0 at one decimal
    assert quota.headline_table({"gap": 235_515_896.16}, "KRW")["value"].item() == "235.5"
    assert table.loc["roi", "value"] == "5.000" and table.loc["cap_binds", "value"] == "False"


def test_sales_target_amount_or_growth():
    h = pd.DataFrame({"date": pd.date_range("2024-01-01", periods=3, freq="D"), "sales": [1.0, 2.0, 3.0]})
    assert quota.sales_target(h, "2025-01-01", "2025-01-02", "D", 10.0, 0.5) == (10.0, None)
    # growth: (1 + 2) * 1.5 = 4.5
    assert quota.sales_target(h, "2025-01-01", "2025-01-02", "D", None, 0.5) == pytest.approx((4.5, 3.0))
    with pytest.raises(ValueError, match="target_amount"):
        quota.sales_target(h, "2025-01-01", "2025-01-02", "D", -1.0, 0.5)
