"""Tests for helpers.segments.validation_report: the out-of-sample check as the reader sees it."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import results
from helpers.btyd.clv import ModelFit
from helpers.segments import validation_report as vr
from helpers.segments.rfm import SEGMENTS
from helpers.segments.uncertainty import ValidationIntervals
from helpers.segments.validation import COLUMNS, Validation


def _validation(converged: bool = True, cal_end: str = "1997-09-30") -> Validation:
    t = pd.DataFrame(0.0, index=pd.Index(SEGMENTS, name="segment"), columns=list(COLUMNS))
    t["customers"] = 0
    t.loc["champions"] = [10, 100.0, 0.6, 2.0, 1.5, 0.7]
    t.loc["loyal"] = [30, 20.0, 0.3, 0.5, 0.4, 0.3]
    t.loc["lost"] = [60, 5.0, 0.1, 0.1, 0.2, 1.0]
    t.loc[t["customers"] == 0, list(COLUMNS)[1:]] = float("nan")
    fit = ModelFit("bgnbd", {}, 0.0, 100, 40, converged, "")
    end = pd.Timestamp(cal_end)
    return Validation(t, end, end + pd.Timedelta(weeks=39), 39.0, 100, fit)


def _intervals(low: float = 0.5, high: float = 1.0) -> ValidationIntervals:
    names = ["champions", "loyal", "lost"]
    t = pd.DataFrame({"next_revenue_per_customer_low": [90.0, 15.0, 4.0],
                      "next_revenue_per_customer_high": [110.0, 25.0, 6.0],
                      "next_repeat_rate_low": [0.5, 0.2, 0.05], "next_repeat_rate_high": [0.7, 0.4, 0.15]},
                     index=pd.Index(names, name="segment"))
    return ValidationIntervals(t, 1.0, low, high, 20000, 0.95, 2024, 0.008, (1, 1), True)


def test_bullets_give_the_numbers_with_their_intervals():
    val = _validation()
    text = vr.validation_bullets(val, _intervals()).data
    assert "**champions** customers spent $100.00 (95% interval $90.00 to $110.00) each in the next 39 weeks" in text
    assert "**lost** customers $5.00 (95% interval $4.00 to $6.00) and 10.0%" in text
    # per customer: actual (10*2 + 30*0.5 + 60*0.1) / 100 = 0.41; expected (15 + 12 + 12) / 100 = 0.39
    assert "expected 0.39 purchase days per customer and they made 0.41" in text
    assert "between 0.50 and 1.00 at 95%" in text and "0.8% of its interval's width" in text
    assert "lost show P(alive) near 1" in text and "did not converge" not in text
    assert "did not converge" in vr.validation_bullets(_validation(converged=False), _intervals()).data
    assert "loose, because" in vr.validation_bullets(val, _intervals(-0.5, 1.0)).data
    assert "loose" not in text


def test_recorded_keys_include_the_interval_ends():
    vr.record_validation(_validation(), _intervals())
    got = results.recorded()
    assert got["segment.champions.next_revenue_per_customer"] == 100.0
    assert got["segment.champions.next_revenue_per_customer_low"] == 90.0
    assert got["segment.lost.next_repeat_rate_high"] == 0.15 and "segment.new.next_repeat_rate" not in got
    # revenue ranks 3, 2, 1 against expected purchases 3, 2, 1
    assert got["validation.rank_agreement"] == pytest.approx(1.0)
    assert (got["validation.rank_agreement_low"], got["validation.rank_agreement_high"]) == (0.5, 1.0)
    assert got["validation.boot_replicates"] == 20000


def test_splits_are_recorded_and_compared():
    vals = [_validation(), _validation(cal_end="1997-07-01")]
    ivs = [_intervals(), _intervals(0.2, 0.9)]
    vr.record_splits(vals, ivs)
    got = results.recorded()
    assert got["validation.splits"] == 2
    assert got["validation.split.1.rank_agreement_low"] == 0.2
    assert got["validation.top_segment_stable"] is True
    text = vr.splits_bullets(vals, ivs).data
    assert "**champions** buy most in the next period in all 2 splits" in text
    assert "1.00 [0.50, 1.00], 1.00 [0.20, 0.90]" in text
    assert "not repeated" in vr.splits_bullets(vals[:1], ivs[:1]).data
    f = vr.splits_frame(vals, ivs)
    assert f["top_segment"].tolist() == ["champions", "champions"] and f["bottom_segment"].iloc[0] == "lost"
