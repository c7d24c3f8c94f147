"""Headline numbers, the checked table and the prose built from results."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.quota import allocate, backtest, baseline, budget, load, report


def test_effects_summary_without_promotions(exact_monthly):
    history, _ = load.check_history(exact_monthly().assign(promo_level=None), "MS")
    fit = baseline.fit_baseline(history, "MS")
    effects = baseline.promo_effects(fit)
    assert effects.empty
    assert "no promotion periods" in report.effects_summary(effects, fit, "KRW")
    # no promotions -> baseline equals the fitted values
    b = baseline.baseline_in_sample(fit)
    assert (b["uplift"] == 0).all()


def test_level_totals_and_headline_keys(forecast, roi):
    a = allocate.allocate(1_000_000.0, {"S+": 0.4, "S": 0.3, "A+": 0.2, "A": 0.1}, {"am": 0.5, "pm": 0.5},
                       3000.0, "KRW")
    t = allocate.level_totals(a)
    assert t["level"].tolist() == ["S+", "S", "A+", "A"]
    assert t["budget"].tolist() == pytest.approx([400_000.0, 300_000.0, 200_000.0, 100_000.0])
    assert t["share"].sum() == pytest.approx(1.0)
    b = budget.simulate_budget(forecast(), 1500.0, roi(5.0), seed=1)
    bt = backtest.Backtest(pd.DataFrame(), 0.4, 1.1, 0.9, 1.0)
    res = report.headline_results(forecast(), b, roi(5.0), budget.apply_cap(b, 1e9, 5.0), bt, a)
    required = {"baseline", "baseline_low", "baseline_high", "target", "gap", "roi", "budget", "budget_low",
                "budget_high", "cap", "cap_binds", "backtest_mase", "seasonal_naive_mase",
                "allocation.s_plus", "allocation.s", "allocation.a_plus", "allocation.a"}
    assert required <= set(res)
    assert res["allocation.s"] == pytest.approx(300_000.0) and res["coupons.s"] == 100
    table = report.headline_table(res, "KRW").set_index("key")
    assert table.loc["gap", "value"] == "0.0"  # 500 KRW = 0.0005 million -> 0.0 at one decimal
    assert report.headline_table({"gap": 235_515_896.16}, "KRW")["value"].item() == "235.5"
    assert table.loc["roi", "value"] == "5.000" and table.loc["cap_binds", "value"] == "False"



def test_is_synthetic_only_for_the_shipped_files(tmp_path):
    assert report.is_synthetic("data/synthetic/quota_sales_history.csv")
    assert not report.is_synthetic(str(tmp_path / "quota_sales_history.csv"))


def test_quota_pivot_keeps_parameter_order_and_sums():
    # 1,000,000 / 3,000 = 333 coupons; A first in the weights -> A is the first row
    a = allocate.allocate(1_000_000.0, {"A": 0.1, "S+": 0.9}, {"pm": 0.5, "am": 0.5}, 3000.0, "KRW")
    q = report.quota_pivot(a, {"A": 0.1, "S+": 0.9}, {"pm": 0.5, "am": 0.5})
    assert list(q.index) == ["A", "S+"] and list(q.columns) == ["pm", "am"]
    assert int(q.to_numpy().sum()) == 333
    assert q.loc["A"].sum() == 33 and q.loc["S+"].sum() == 300  # 33.3 and 299.7 -> 33 and 300


def test_budget_summary_says_what_binds_and_names_no_setting(forecast, roi):
    b = budget.simulate_budget(forecast(), 1500.0, roi(5.0), seed=1)
    start, end = pd.Timestamp("2026-01-01"), pd.Timestamp("2026-01-31")
    tight = budget.apply_cap(b, 50.0, 5.0)
    text = report.budget_summary(forecast(), 1500.0, 1250.0, 0.2, b, roi(5.0), tight, "KRW", start, end).data
    assert "**binds**" in text and "× 1.20" in text and "2026-01-01–2026-01-31" in text
    loose = budget.apply_cap(b, 1e9, 5.0)
    text = report.budget_summary(forecast(), 1500.0, None, 0.2, b, roi(5.0), loose, "KRW", start, end).data
    assert "does not bind" in text and "(given amount)" in text
    below = budget.simulate_budget(forecast(), 900.0, roi(5.0), seed=1)
    text = report.budget_summary(forecast(), 900.0, None, 0.2, below, roi(5.0),
                                 budget.apply_cap(below, 1e9, 5.0), "KRW", start, end).data
    assert "no promotion budget is needed" in text


def test_synthetic_is_said_only_on_synthetic_data(daily, forecast, roi):
    history, fit = daily
    assert "Synthetic" in report.caveats(True, roi()).data
    assert "Synthetic" not in report.caveats(False, roi()).data
    fig = report.figure_history(history, "KRW", "D", synthetic=False)
    assert "synthetic" not in fig.axes[0].get_title(loc="left").lower()
    fig = report.figure_history(history, "KRW", "D", synthetic=True)
    assert fig.axes[0].get_title(loc="left").endswith("(synthetic data)")


def test_figures_state_the_finding(daily, forecast, roi):
    history, fit = daily
    fc = baseline.forecast_baseline(fit, "2026-01-01", "2026-01-31")
    b = budget.simulate_budget(fc, fc.total + 31e6, roi(5.0), seed=1)  # 1M a day above the baseline
    fig = report.figure_forecast(history, fc, fc.total + 31e6, b, "KRW", "D", False)
    assert fig.axes[0].get_title(loc="left") == "The target sits above the baseline forecast by ₩1.0M per day"
    cap = budget.apply_cap(b, 1.0, 5.0)
    fig = report.figure_budget_draws(b, cap, "KRW", 0.9, 10_000, 1, False)
    assert "above the cap of ₩0.0M" in fig.axes[0].get_title(loc="left")
    a = allocate.allocate(1_000_000.0, {"S+": 0.7, "A": 0.3}, {"am": 1.0}, 3000.0, "KRW")
    q = report.quota_pivot(a, {"S+": 0.7, "A": 0.3}, {"am": 1.0})
    fig = report.figure_quotas(q, allocate.level_totals(a), 3000.0, "KRW", False)
    assert fig.axes[0].get_title(loc="left") == "333 coupons of ₩3,000: S+ events take the largest quota"
