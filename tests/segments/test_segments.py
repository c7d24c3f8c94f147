"""Tests for helpers.segments: returns, RFM, concentration, groups, baskets, the generator, parameters."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers import segments
from helpers.contracts import (
    DataContractError,
    ParameterError,
)
from helpers.segments.schemas import EVENTS, PLANTED_PAIRS

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "raw" / "CDNOW_sample.txt"


# ---------------------------------------------------------------------------------------------
# load_cdnow
# ---------------------------------------------------------------------------------------------

# ---------------------------------------------------------------------------------------------
# returns, RFM, segments
# ---------------------------------------------------------------------------------------------

RET = pd.DataFrame({
    "customer_id": ["a", "a", "a", "a", "b", "b", "c", "c"],
    "date": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-04", "2024-01-06",
                            "2024-01-02", "2024-01-03", "2024-01-02", "2024-01-10"]),
    "amount": [30.0, -10.0, 15.0, -20.0, -5.0, 12.0, 0.0, 8.0],
})


def test_prepare_transactions_drop():
    clean, quality = segments.prepare_transactions(RET, returns="drop", observation_end="2024-01-08")
    q = quality.set_index("rule")
    # c's 01-10 line is after the end; the four lines <= 0 sum to -10 - 20 - 5 + 0 = -35
    assert q.loc["date after observation_end: excluded"].tolist() == [1, 8.0]
    assert q.loc["amount <= 0: line dropped"].tolist() == [4, -35.0]
    assert clean[["customer_id", "amount"]].values.tolist() == [["a", 30.0], ["a", 15.0], ["b", 12.0]]


def test_prepare_transactions_net():
    clean, quality = segments.prepare_transactions(RET, returns="net", observation_end="2024-01-08")
    q = quality.set_index("rule")
    # a: -10 on 01-03 nets the 01-01 purchase (30 -> 20); -20 on 01-06 nets 01-04 (15 -> -5: dropped)
    assert q.loc["amount <= 0: netted against an earlier purchase"].tolist() == [2, -30.0]
    # b's -5 comes before b's first purchase; c's 0 has no purchase at all
    assert q.loc["amount <= 0: no earlier purchase, dropped"].tolist() == [2, -5.0]
    assert q.loc["purchase netted to <= 0: dropped"].tolist() == [1, -5.0]
    assert clean[["customer_id", "amount"]].values.tolist() == [["a", 20.0], ["b", 12.0]]


@pytest.mark.parametrize("kwargs, error, match", [
    ({"returns": "Net"}, ParameterError, r"'returns' = 'Net' is not allowed"),
    ({"observation_end": "2023-12-01"}, DataContractError, "no purchase with 'amount' > 0 is left"),
])
def test_prepare_transactions_bad(kwargs, error, match):
    with pytest.raises(error, match=match):
        segments.prepare_transactions(RET, **kwargs)


def test_quantile_score_ties_share_lowest_rank():
    # n = 6, q = 3: min ranks 1,1,1,4,5,6 -> 1 + floor(3 * (r - 1) / 6) = 1,1,1,2,3,3
    assert segments.quantile_score(pd.Series([1, 1, 1, 2, 3, 4]), 3).tolist() == [1, 1, 1, 2, 3, 3]
    # lower is better: -x ranks of [10, 20, 30] are 3, 2, 1 -> 1 + floor(3 * (r - 1) / 3) = 3, 2, 1
    assert segments.quantile_score(pd.Series([10, 20, 30]), 3, higher_is_better=False).tolist() == [3, 2, 1]


@pytest.mark.parametrize("bins", [2, 11, 2.5, True])
def test_quantile_score_bad_bins(bins):
    with pytest.raises(ValueError, match="bins"):
        segments.quantile_score(pd.Series([1.0, 2.0, 3.0]), bins)


def test_rfm_segments_by_hand():
    c = pd.DataFrame({"periods_since_last": [1, 2, 30, 40, 5, 60], "purchase_periods": [5, 1, 6, 1, 2, 1],
                      "revenue": [500.0, 10.0, 600.0, 15.0, 80.0, 5.0]})
    out = segments.rfm_segments(c, bins=3)
    # R (fewer periods better): ranks of -x are 6,5,3,2,4,1 -> scores 3,3,2,1,2,1
    assert out["r_score"].tolist() == [3, 3, 2, 1, 2, 1]
    # F: min ranks 5,1,6,1,4,1 -> 3,1,3,1,2,1 ; M: ranks 5,2,6,3,4,1 -> 3,1,3,2,2,1
    assert out["f_score"].tolist() == [3, 1, 3, 1, 2, 1]
    assert out["m_score"].tolist() == [3, 1, 3, 2, 2, 1]
    # FM means 3,1,3,1.5,2,1 -> levels (low <= 1, high > 2): high, low, high, mid, mid, low
    assert out["segment"].tolist() == ["champions", "new", "loyal", "hibernating", "need_attention", "lost"]
    summary = segments.segment_summary(out)
    assert list(summary.index) == list(segments.SEGMENTS)  # all nine, empty ones as zeros
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
    out = segments.customer_table(TX, observation_end=END)
    # a: revenue 10 + 5 + 20 + 30 = 65, purchase periods 3, periods since last = T - recency = 9 - 8 = 1
    assert out.loc["a", ["revenue", "purchase_periods", "periods_since_last"]].tolist() == [65.0, 3.0, 1.0]


# ---------------------------------------------------------------------------------------------
# concentration
# ---------------------------------------------------------------------------------------------

REV = [0.0, 1.0, 1.0, 2.0, 6.0]  # total 10


def test_concentration_by_hand():
    # G = sum (2i - n - 1) x_(i) / (n sum x), n = 5: (-4*0 - 2*1 + 0*1 + 2*2 + 4*6) / 50 = 26 / 50
    assert segments.gini(REV) == pytest.approx(0.52)
    # top 20% = ceil(5 * 0.2) = 1 customer: 6/10; top 50% = ceil(2.5) = 3: (6 + 2 + 1)/10
    assert segments.top_share(REV, 20) == pytest.approx(0.6)
    assert segments.top_share(REV, 50) == pytest.approx(0.9)
    # 90%: cumulative 0.6, 0.8, 0.9 -> 3 of 5 customers
    assert segments.share_customers_for(REV, 0.9) == pytest.approx(0.6)
    assert segments.lorenz_curve(REV)["revenue_share"].tolist() == pytest.approx([0, 0, 0.1, 0.2, 0.4, 1.0])
    # claim "under 20% of visitors": 0.6 of buyers -> needs conversion < 0.2 / 0.6
    assert segments.max_conversion_for_claim(0.6, 0.2) == pytest.approx(1 / 3)
    summary = segments.concentration_summary(REV, top_pcts=[20.0, 2.5], claim_visitor_pct=20.0)
    assert summary.loc["top_share.20", "value"] == pytest.approx(0.6)
    assert "top_share.2_5" in summary.index
    assert summary.loc["claim_holds_among_buyers", "value"] == 0.0


def test_gini_extremes():
    assert segments.gini([3.0, 3.0, 3.0]) == 0.0
    assert segments.gini([0.0, 0.0, 0.0, 4.0]) == pytest.approx(0.75)  # 1 - 1/n


@pytest.mark.parametrize("fn, args, match", [
    (segments.gini, ([],), "at least one customer"),
    (segments.gini, ([1.0, -2.0],), "finite and >= 0"),
    (segments.gini, ([0.0, 0.0],), "total revenue must be > 0"),
    (segments.top_share, (REV, 0), r"pct = 0 must be a percentage in \(0, 100\)"),
    (segments.top_share, (REV, 100), r"pct = 100"),
    (segments.share_customers_for, (REV, 1.5), r"revenue_share = 1.5"),
    (segments.max_conversion_for_claim, (0.5, 0.0), "visitor_share"),
])
def test_concentration_bad_input(fn, args, match):
    with pytest.raises(ValueError, match=match):
        fn(*args)


# ---------------------------------------------------------------------------------------------
# dynamic groups and bought-together
# ---------------------------------------------------------------------------------------------

EV = pd.DataFrame({
    "event_time": pd.to_datetime(["2024-01-10", "2024-01-11", "2024-01-12", "2024-01-12", "2024-02-01",
                                  "2024-06-20", "2024-06-20", "2024-06-25", "2024-06-26",
                                  "2024-05-01", "2024-06-01"]),
    "customer_id": ["u1", "u1", "u1", "u1", "u1", "u2", "u2", "u3", "u3", "u4", "u4"],
    "event": ["view", "view", "view", "purchase", "purchase", "view", "cart_add", "cart_add", "purchase",
              "cart_add", "view"],
    "product_id": ["P1", "P2", "P3", "P1", "P2", "P3", "P3", "P4", "P4", "P5", "P1"],
    "category": ["books", "books", "music", "books", "books", "music", "music", "home", "home", "home", "books"],
    "order_id": [None, None, None, "o1", "o2", None, None, None, "o3", None, None],
})


def test_dynamic_groups_by_hand():
    groups = segments.dynamic_groups(EV, as_of="2024-06-30", new_days=30, inactive_days=60, cart_days=14,
                                     loyal_min_orders=2, category_min_share=0.5)
    got = groups.groupby("customer_id")["group"].apply(list).to_dict()
    # evaluated at the end of 06-30. u1: last event 02-01 (151 days ago) -> inactive; 2 orders -> loyal;
    # 2 of 3 views in books -> prefers_books. u2: first seen 06-20 (11 days) -> new; carted P3, never
    # bought -> abandoned_cart. u3: new; carted P4 and bought it next day -> not abandoned.
    # u4: first 05-01 (61 days), last 06-01 (30 days), its cart add is 61 days old, 1 view -> none.
    assert got == {"u1": ["inactive", "loyal", "prefers_books"], "u2": ["abandoned_cart", "new"], "u3": ["new"]}
    sizes = segments.group_sizes(groups, n_customers=4)
    assert sizes.loc["new"].tolist() == [2, 0.5] and sizes.loc["prefers_books", "customers"] == 1


@pytest.mark.parametrize("change, kwargs, match", [
    (lambda e: e.drop(columns="category"), {}, r"missing required column\(s\) \['category'\]"),
    (lambda e: e.iloc[:0], {}, "no rows"),
    (lambda e: e.replace({"event": {"view": "click"}}), {}, r"'event' allows only \['view', 'cart_add', 'purchase'\]"),
    (lambda e: e, {"as_of": "2024-06-15"}, r"4 event\(s\) after as_of 2024-06-15"),
])
def test_dynamic_groups_bad_input(change, kwargs, match):
    with pytest.raises(DataContractError, match=match):
        segments.dynamic_groups(change(EV), **kwargs)


def test_bought_together_by_hand():
    lines = pd.DataFrame({"order_id": ["o1", "o1", "o1", "o2", "o2", "o2", "o3", "o4", "o4", "o5"],
                          "product_id": ["x", "y", "x", "x", "y", "z", "x", "y", "z", "z"]})
    pairs = segments.bought_together(lines, min_support=0.3)
    # 5 orders; x, y, z each in 3 -> support 0.6. xy in o1, o2 (o1's duplicate x counts once) -> 0.4;
    # yz in o2, o4 -> 0.4; xz only in o2 -> 0.2 < 0.3 (dropped). lift = 0.4 / (0.6 * 0.6) = 10/9
    assert pairs[["product_a", "product_b"]].values.tolist() == [["x", "y"], ["y", "z"]]
    assert pairs["support_ab"].tolist() == pytest.approx([0.4, 0.4])
    assert pairs["lift"].tolist() == pytest.approx([10 / 9, 10 / 9])
    assert pairs["confidence_a_to_b"].iloc[0] == pytest.approx(0.4 / 0.6)
    assert pairs.attrs["orders"] == 5
    assert len(segments.bought_together(lines, min_support=0.1)) == 3


@pytest.mark.parametrize("min_support", [0, 1, -0.1])
def test_bought_together_bad_support(min_support):
    with pytest.raises(ValueError, match="min_support"):
        segments.bought_together(pd.DataFrame({"order_id": ["o"], "product_id": ["x"]}), min_support=min_support)


def test_shipped_event_log_follows_contract_and_recovers_planted_pairs():
    from helpers import contracts

    events = contracts.load_csv("data/synthetic/segments_events.csv", EVENTS)
    truth = contracts.load_csv("data/synthetic/segments_planted_pairs.csv", PLANTED_PAIRS)
    pairs = segments.bought_together(events[events["event"] == "purchase"], min_support=0.01)
    found = segments.pairs_vs_truth(pairs, truth)
    # the planted pairs are the top pairs by lift, each within 15% of its planted lift
    assert sorted(found["rank"]) == [1, 2, 3]
    assert (found["rel_error"].abs() < 0.15).all()
    # every other pair passing min_support looks independent (lift well below the planted ones)
    assert pairs["lift"].iloc[3] < 1.6


def test_generator_is_seeded_and_write_synthetic_matches_shipped_files(tmp_path):
    pd.testing.assert_frame_equal(segments.generate_events(3, n_customers=50),
                                  segments.generate_events(3, n_customers=50))
    assert not segments.generate_events(3, n_customers=50).equals(segments.generate_events(4, n_customers=50))
    for path in segments.write_synthetic(tmp_path):
        assert path.read_bytes() == (ROOT / "data" / "synthetic" / path.name).read_bytes()


# ---------------------------------------------------------------------------------------------
# parameters
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, match", [
    ({"returns": "Drop"}, r"'returns' = 'Drop' is not allowed; choose one of \['drop', 'net'\]"),
    ({"freq": "Q"}, r"'freq' = 'Q' is not allowed"),
    ({"rfm_bins": 2}, r"'rfm_bins' = 2 is out of range"),
    ({"rfm_bins": 4.5}, r"'rfm_bins' = 4.5 must be a whole number"),
    ({"top_pcts": "5"}, r"'top_pcts' = '5' must be a non-empty list"),
    ({"top_pcts": [5.0, 100.0]}, r"'top_pcts\[1\]' = 100.0 is out of range"),
    ({"top_pcts": [5.0, 5.0]}, "duplicates"),
    ({"claim_visitor_pct": 0}, r"'claim_visitor_pct' = 0 is out of range"),
    ({"transactions_path": "data/raw/nope.txt"}, r"'transactions_path': file 'data/raw/nope.txt' not found"),
    ({"events_path": "nope.csv"}, r"'events_path': file 'nope.csv' not found"),
    ({"observation_end": "soon"}, r"'observation_end' = 'soon' is not an ISO date"),
    ({"as_of": "2024-13-01"}, r"'as_of' = '2024-13-01' is not an ISO date"),
    ({"new_days": 0}, r"'new_days' = 0 is out of range"),
    ({"loyal_min_orders": 1}, r"'loyal_min_orders' = 1 is out of range"),
    ({"category_min_share": 0.0}, r"'category_min_share' = 0.0 is out of range"),
    ({"min_support": 1.0}, r"'min_support' = 1.0 is out of range"),
    ({"seed": -1}, r"'seed' = -1 is out of range"),
    ({"colour": "red"}, r"unknown parameter\(s\) \['colour'\]"),
])
def test_validate_parameters_bad(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        segments.validate_parameters(**kwargs)


def test_validate_parameters_good():
    p = segments.validate_parameters(transactions_path="data/raw/CDNOW_sample.txt", events_path="",
                                     observation_end="1998-06-30", top_pcts=[5, 10], as_of=None)
    assert p["transactions_path"] == SAMPLE and p["events_path"] is None
    assert p["observation_end"] == pd.Timestamp("1998-06-30") and p["top_pcts"] == [5.0, 10.0]


