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
