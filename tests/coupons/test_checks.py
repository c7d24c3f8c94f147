"""Randomisation checks: SRM chi-square and standardised differences by hand; a planted broken holdout is stopped."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy import stats

from helpers.config import SYNTHETIC_DIR
from helpers.contracts import ParameterError
from helpers.coupons import report
from helpers.coupons.checks import randomisation_check, sample_ratio_test, standardised_differences
from helpers.coupons.features import Features, pre_features
from helpers.coupons.load import load_campaign
from helpers.coupons.params import Params
from helpers.coupons.windows import Windows


def test_srm_by_hand() -> None:
    # 9,100 / 2,900 against 75/25: (100^2 / 3,000 + 100^2 / 9,000) = 4.444, p from chi2(1)
    stat, p = sample_ratio_test(9_100, 2_900, 0.25)
    assert stat == pytest.approx(10_000 / 3_000 + 10_000 / 9_000)
    assert p == pytest.approx(math.erfc(math.sqrt(stat / 2)))  # chi2(1) survival = erfc(sqrt(x/2))
    assert sample_ratio_test(9_000, 3_000, 0.25) == (0.0, 1.0)
    with pytest.raises(ParameterError, match="'holdout_share' = 1.2"):
        sample_ratio_test(10, 10, 1.2)


def test_standardised_difference_by_hand() -> None:
    t = pd.DataFrame({"customer_id": list("abcdef"), "group": ["targeted"] * 3 + ["holdout"] * 3,
                      "spend": [1.0, 2.0, 3.0, 2.0, 3.0, 4.0], "flat": [1.0] * 6})
    d = standardised_differences(Features(t, ("spend", "flat")))["std_diff"]
    assert d["spend"] == pytest.approx(-1.0)  # means 2 vs 3, both variances 1
    assert d["flat"] == 0.0


def test_features_fall_back_without_never_bought_and_say_so() -> None:
    od = pd.DataFrame({"customer_id": ["a"], "status": ["paid"], "ordered_at": pd.to_datetime(["2026-02-25"]),
                       "paid_amount": [10.0], "discount_amount": [0.0]})
    aud = pd.DataFrame({"customer_id": ["a", "b"], "group": ["targeted", "holdout"], "channel": ["app", None]})
    w = Windows(*pd.to_datetime(["2026-02-02", "2026-03-02", "2026-03-08", "2026-03-22"]), 28, 14)
    f = pre_features(od, aud, w)
    assert f.table["never_bought"].tolist() == [0.0, 1.0]
    assert any("lapsed customers count as new" in n for n in f.notes)
    assert any("1 customer(s) have no `channel`" in n for n in f.notes)
    assert f.table[["channel_app", "channel_unknown"]].values.tolist() == [[1.0, 0.0], [0.0, 1.0]]


def test_shipped_split_passes() -> None:
    p = Params.build({"n_boot": 200})
    r = report.review(load_campaign(p), p)
    assert r.checks["status"] == "ok" and r.checks["srm_p"] > 0.01 and r.checks["max_std_diff"] < 0.1


def test_a_planted_broken_holdout_is_stopped(tmp_path) -> None:
    """Drop the holdout's heaviest pre-period buyers (a join that lost them): SRM and balance both fire."""
    aud = pd.read_csv(SYNTHETIC_DIR / "coupons_audience.csv")
    od = pd.read_csv(SYNTHETIC_DIR / "coupons_orders.csv", parse_dates=["ordered_at"])
    pre = od[(od["ordered_at"] < "2026-03-02") & (od["status"] == "paid")].groupby("customer_id")["paid_amount"].sum()
    heavy = set(pre[pre > pre.quantile(0.6)].index)
    broken = aud[~((aud["group"] == "holdout") & aud["customer_id"].isin(heavy))]
    path = tmp_path / "audience.csv"
    broken.to_csv(path, index=False)
    p = Params.build({"n_boot": 200, "audience_path": str(path)})
    r = report.review(load_campaign(p), p)
    assert r.checks["srm_p"] < 0.0005 and r.checks["status"] == "stop"
    assert r.checks["max_std_diff"] > 0.1
    assert r.decision["verdict"] == report.VERDICTS["check_failed"]
    assert "sample ratio mismatch" in report.verdict_sentence(r)


def test_balance_alone_flags() -> None:
    t = pd.DataFrame({"customer_id": range(400), "group": ["targeted", "holdout"] * 200,
                      "spend": [1.0, 0.0] * 100 + [0.0, 0.0] * 100})
    out = randomisation_check(Features(t, ("spend",)), 0.5)
    assert out["srm_p"] == 1.0 and out["status"] == "stop" and "`spend`" in out["reasons"][0]
    mild = t.assign(spend=stats.norm.ppf([(i % 199 + 0.5) / 200 for i in range(400)])
                    + [0.15, 0.0] * 200)
    assert randomisation_check(Features(mild, ("spend",)), 0.5)["status"] == "flag"
