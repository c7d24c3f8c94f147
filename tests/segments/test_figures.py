"""Tests for helpers.segments.figures: titles state the finding, bars and markers show the numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.segments import figures, report
from helpers.segments.load import EventLog
from helpers.segments.rfm import SEGMENTS

TX = pd.DataFrame({"customer_id": ["a", "b"], "date": pd.to_datetime(["2024-01-01", "2024-01-02"])})
INFO = report.describe_transactions("data/raw/CDNOW_master.txt", TX, TX)


def test_figure_segments_bars_are_the_shares():
    seg = pd.DataFrame({"customers": np.arange(9) + 1}, index=pd.Index(SEGMENTS, name="segment"))
    seg["customer_share"] = seg["customers"] / seg["customers"].sum()
    seg["revenue_share"] = np.r_[0.6, np.full(8, 0.05)]
    fig = figures.figure_segments(seg, INFO)
    ax = fig.axes[0]
    widths = sorted(round(p.get_width(), 6) for p in ax.patches if p.get_width() > 0)
    # 9 customer bars (1..9 of 45) and 9 revenue bars; no bar beyond 100%
    expected = sorted([round(x, 6) for x in seg["customer_share"]] + [round(x, 6) for x in seg["revenue_share"]])
    assert widths == expected
    assert ax.get_title(loc="left") == "'champions' holds 2.2% of customers and 60.0% of revenue"


def test_figure_pairs_marks_planted_lifts_on_their_own_rows():
    pairs = pd.DataFrame({"product_a": ["P1", "P2", "P3"], "product_b": ["P9", "P8", "P7"],
                          "lift": [3.0, 2.0, 1.1]})
    truth = pd.DataFrame({"product_a": ["P2"], "product_b": ["P8"], "lift": [2.2]})
    fig = figures.figure_pairs(pairs, truth, EventLog(pd.DataFrame(), truth, "generated", True))
    ax = fig.axes[0]
    (points,) = [c for c in ax.collections if len(c.get_offsets())]
    # row 1 (P2 + P8, the second bar from the top) carries the planted lift 2.2
    assert points.get_offsets().tolist() == [[2.2, 1.0]]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["P1 + P9", "P2 + P8", "P3 + P7"]
    assert ax.get_title(loc="left") == "P1 + P9 is bought together 3.0x as often as chance"


@pytest.mark.parametrize("synthetic, lead", [(True, "SYNTHETIC event log"), (False, "Event log mine.csv")])
def test_figure_groups_labels_the_data(synthetic, lead):
    sizes = pd.DataFrame({"customers": [2, 5], "share": [0.2, 0.5]}, index=pd.Index(["new", "loyal"], name="group"))
    fig = figures.figure_groups(sizes, EventLog(pd.DataFrame(), None, "mine.csv", synthetic))
    assert fig.axes[0].get_title(loc="left") == "'loyal' is the largest dynamic group (50.0% of shoppers)"
    assert fig.texts[0].get_text().startswith(lead)


def _split(cal_end: str, champions: float, loyal: float):
    from helpers.btyd.clv import ModelFit
    from helpers.segments.uncertainty import ValidationIntervals
    from helpers.segments.validation import COLUMNS, Validation

    names = ["champions", "loyal", "lost"]
    t = pd.DataFrame(float("nan"), index=pd.Index(SEGMENTS, name="segment"), columns=list(COLUMNS))
    t["customers"] = 0
    for name, rev in zip(names, [champions, loyal, 5.0], strict=True):
        t.loc[name] = [10, rev, 0.5, 1.0, 1.0, 0.5]
    iv = pd.DataFrame({"next_revenue_per_customer_low": [champions - 5, loyal - 5, 4.0],
                       "next_revenue_per_customer_high": [champions + 5, loyal + 5, 6.0],
                       "next_repeat_rate_low": 0.4, "next_repeat_rate_high": 0.6}, index=pd.Index(names, name="segment"))
    end = pd.Timestamp(cal_end)
    val = Validation(t, end, end + pd.Timedelta(weeks=39), 39.0, 30, ModelFit("bgnbd", {}, 0.0, 30, 10, True, ""))
    return val, ValidationIntervals(iv, 1.0, 0.5, 1.0, 2000, 0.95, 1, 0.01, (1, 1), True)


def test_figure_validation_splits_draws_each_interval_and_says_whether_the_leader_holds():
    a, b = _split("1997-09-30", 100.0, 20.0), _split("1997-07-01", 90.0, 30.0)
    fig = figures.figure_validation_splits([a[0], b[0]], [a[1], b[1]], INFO)
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "'champions' lead next-period revenue from every calibration end"
    # one error-bar series per split, each with its three segments' points at the estimates
    lines = [container.lines[0] for container in ax.containers]  # each errorbar's data line
    assert len(lines) == 2
    assert sorted(lines[0].get_xdata().tolist()) == [5.0, 20.0, 100.0]
    assert sorted(lines[1].get_xdata().tolist()) == [5.0, 30.0, 90.0]
    c = _split("1997-04-01", 20.0, 40.0)  # loyal lead in the earliest split
    fig = figures.figure_validation_splits([a[0], c[0]], [a[1], c[1]], INFO)
    assert fig.axes[0].get_title(loc="left") == "The segment leading next-period revenue changes with the calibration end"
