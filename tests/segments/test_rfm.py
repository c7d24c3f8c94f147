"""Tests for helpers.segments.rfm: customer table, quantile scores, the nine segments."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.contracts import DataContractError, ParameterError
from helpers.segments import rfm


def test_quantile_score_ties_share_lowest_rank():
    # n = 6, q = 3: min ranks 1,1,1,4,5,6 -> 1 + floor(3 * (r - 1) / 6) = 1,1,1,2,3,3
    assert rfm.quantile_score(pd.Series([1, 1, 1, 2, 3, 4]), 3).tolist() == [1, 1, 1, 2, 3, 3]
    # lower is better: -x ranks of [10, 20, 30] are 3, 2, 1 -> 1 + floor(3 * (r - 1) / 3) = 3, 2, 1
    assert rfm.quantile_score(pd.Series([10, 20, 30]), 3, higher_is_better=False).tolist() == [3, 2, 1]


@pytest.mark.parametrize("bins", [2, 11, 2.5, True])
def test_quantile_score_bad_bins(bins):
    with pytest.raises(ValueError, match="bins"):
        rfm.quantile_score(pd.Series([1.0, 2.0, 3.0]), bins)


def test_rfm_segments_by_hand():
    c = pd.DataFrame({"periods_since_last": [1, 2, 30, 40, 5, 60], "purchase_periods": [5, 1, 6, 1, 2, 1],
                      "revenue": [500.0, 10.0, 600.0, 15.0, 80.0, 5.0]})
    out = rfm.rfm_segments(c, bins=3, monetary="total")
    # R (fewer periods better): ranks of -x are 6,5,3,2,4,1 -> scores 3,3,2,1,2,1
    assert out["r_score"].tolist() == [3, 3, 2, 1, 2, 1]
    # F: min ranks 5,1,6,1,4,1 -> 3,1,3,1,2,1 ; M: ranks 5,2,6,3,4,1 -> 3,1,3,2,2,1
    assert out["f_score"].tolist() == [3, 1, 3, 1, 2, 1]
    assert out["m_score"].tolist() == [3, 1, 3, 2, 2, 1]
    # FM means 3,1,3,1.5,2,1 -> levels (low <= 1, high > 2): high, low, high, mid, mid, low
    assert out["segment"].tolist() == ["champions", "new", "loyal", "hibernating", "need_attention", "lost"]
    summary = rfm.segment_summary(out)
    assert list(summary.index) == list(rfm.SEGMENTS)  # all nine, empty ones as zeros
    # revenue 1210 in total: champions 500, lost 5
    assert summary.loc["champions", "revenue_share"] == pytest.approx(500 / 1210)
    assert summary.loc["lost", "revenue_share"] == pytest.approx(5 / 1210)
    assert summary.loc["at_risk", "customers"] == 0 and summary.loc["at_risk", "revenue_share"] == 0
    assert summary["revenue_share"].sum() == pytest.approx(1.0)


TX = pd.DataFrame({
    "customer_id": ["a", "a", "a", "a", "b", "c", "c", "d", "d"],
    "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-05", "2024-01-09", "2024-01-03",
                            "2024-01-07", "2024-01-08", "2023-12-31", "2024-01-02"]),
    "amount": [10.0, 5.0, 20.0, 30.0, 7.0, 4.0, 6.0, 8.0, 2.0],
})
END = "2024-01-10"


def test_customer_table_adds_revenue_and_periods_since_last():
    out = rfm.customer_table(TX, observation_end=END)
    # a: revenue 10 + 5 + 20 + 30 = 65, purchase periods 3, periods since last = T - recency = 9 - 8 = 1
    assert out.loc["a", ["revenue", "purchase_periods", "periods_since_last"]].tolist() == [65.0, 3.0, 1.0]


def test_rfm_segments_average_order_value_by_hand():
    c = pd.DataFrame({"periods_since_last": [1, 2, 30, 40, 5, 60], "purchase_periods": [5, 1, 6, 1, 2, 1],
                      "revenue": [500.0, 10.0, 600.0, 15.0, 80.0, 5.0],
                      "average_order_value": [20.0, 10.0, 100.0, 15.0, 40.0, 5.0]})
    out = rfm.rfm_segments(c, bins=3)  # average order value is the default M
    # M ranks of 20, 10, 100, 15, 40, 5: 4, 2, 6, 3, 5, 1 -> 1 + floor(3 (r - 1) / 6) = 2, 1, 3, 2, 3, 1
    assert out["m_score"].tolist() == [2, 1, 3, 2, 3, 1]
    # F as before 3,1,3,1,2,1 -> FM 2.5, 1, 3, 1.5, 2.5, 1: high, low, high, mid, high, low
    # with R 3,3,2,1,2,1: champions, new, loyal, hibernating, loyal (was need_attention), lost
    assert out["segment"].tolist() == ["champions", "new", "loyal", "hibernating", "loyal", "lost"]


def test_rfm_segments_bad_monetary_and_missing_column():
    c = pd.DataFrame({"periods_since_last": [1.0], "purchase_periods": [1.0], "revenue": [1.0]})
    with pytest.raises(ParameterError, match=r"'monetary' = 'mean' is not allowed"):
        rfm.rfm_segments(c, monetary="mean")
    with pytest.raises(DataContractError, match=r"missing required column\(s\) \['average_order_value'\]"):
        rfm.rfm_segments(c)


def test_customer_table_orders_and_average_order_value():
    out = rfm.customer_table(TX, observation_end=END)
    # a: 4 lines, 65 USD -> 16.25; with an order_id column, a's two 01-01 lines are one order -> 65 / 3
    assert out.loc["a", ["orders", "average_order_value"]].tolist() == [4.0, 16.25]
    with_orders = TX.assign(order_id=["o1", "o1", "o2", "o3", "o4", "o5", "o6", "o7", "o8"])
    assert rfm.customer_table(with_orders, observation_end=END).loc["a", "orders"] == 3.0
