"""Tests for helpers.segments.validation: segments on a calibration period against the holdout."""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
import pytest

from helpers.btyd.cdnow import load_cdnow
from helpers.contracts import ParameterError
from helpers.segments import validation

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "raw" / "CDNOW_sample.txt"
# Fader, Hardie & Lee (2005), table: BG/NBD on the CDNOW sample, 39-week calibration
FHL_2005 = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}


@functools.cache
def _sample() -> pd.DataFrame:
    return load_cdnow(SAMPLE)


@functools.cache
def _validation() -> validation.Validation:
    return validation.validate_segments(_sample())  # default: the middle day, 1997-09-30


def test_default_split_is_fhl_39_plus_39_weeks_and_fit_is_the_published_one():
    v = _validation()
    assert v.calibration_end == pd.Timestamp("1997-09-30") and v.holdout_end == pd.Timestamp("1998-06-30")
    # 8 of the 2,357 sample customers bought only zero-value lines in calibration: returns="drop"
    # leaves 2,349, so the fit is close to, not equal to, the published one (946 repeat buyers)
    assert v.holdout_weeks == 39.0 and v.customers == 2349 and v.fit.n_repeat_buyers == 946
    for name, published in FHL_2005.items():
        assert v.fit.params[name] == pytest.approx(published, abs=0.01), name


def test_segment_figures_add_up_to_the_holdout_computed_by_hand():
    tx, t = _sample(), _validation().table
    pos = tx[tx["amount"] > 0]
    cal_customers = set(pos.loc[pos["date"] <= "1997-09-30", "customer_id"])
    hold = pos[(pos["date"] > "1997-09-30") & pos["customer_id"].isin(cal_customers)]
    assert t["customers"].sum() == len(cal_customers) == 2349
    # customers x revenue per customer, summed over segments = all holdout revenue of those customers
    assert (t["customers"] * t["next_revenue_per_customer"]).sum() == pytest.approx(hold["amount"].sum())
    assert (t["customers"] * t["next_repeat_rate"]).sum() == pytest.approx(hold["customer_id"].nunique())
    days = hold.groupby("customer_id")["date"].nunique().sum()
    assert (t["customers"] * t["next_purchases_per_customer"]).sum() == pytest.approx(days)
    # the segments differ afterwards: champions spend more next period than lost customers
    assert t.loc["champions", "next_revenue_per_customer"] > 5 * t.loc["lost", "next_revenue_per_customer"]
    assert t.loc["champions", "next_repeat_rate"] > t.loc["lost", "next_repeat_rate"]


@pytest.mark.parametrize("kwargs, match", [
    ({"calibration_end": "1998-06-30"}, r"'calibration_end' = '1998-06-30' must fall between"),
    ({"calibration_end": "1996-12-01"}, r"'calibration_end' = '1996-12-01' must fall between"),
    ({"calibration_end": "1997-09-30", "holdout_end": "1997-09-01"}, r"'holdout_end' = '1997-09-01' must be after"),
    ({"calibration_end": "1997-09-30", "holdout_end": "1998-12-31"}, r"'holdout_end' = '1998-12-31' is after the last"),
])
def test_bad_periods_name_the_parameter(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        validation.validate_segments(_sample(), **kwargs)


def test_rank_agreement_skips_empty_segments():
    t = pd.DataFrame({"customers": [3, 2, 1, 0], "a": [1.0, 2.0, 3.0, None], "b": [3.0, 2.0, 1.0, None]})
    assert validation.rank_agreement(t, "a", "b") == pytest.approx(-1.0)
