"""Tests for helpers.segments.report: prose built from results, data labels, recorded keys."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import results
from helpers.segments import report
from helpers.segments.load import EventLog
from helpers.segments.rfm import SEGMENTS

TX = pd.DataFrame({"customer_id": ["a", "a", "b", "c"],
                   "date": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-01-20", "2024-02-10"]),
                   "amount": [10.0, 20.0, 5.0, 8.0]})
EV = pd.DataFrame({"event_time": pd.to_datetime(["2024-01-01", "2024-01-09"]), "customer_id": ["u1", "u2"],
                   "event": ["view", "purchase"], "product_id": ["P1", "P2"], "category": ["books", "home"],
                   "order_id": ["", "o1"], "price": [1.0, 2.0]})


def _seg(new_customers: int) -> pd.DataFrame:
    seg = pd.DataFrame(0.0, index=pd.Index(SEGMENTS, name="segment"),
                       columns=["customers", "customer_share", "revenue_share"])
    seg.loc["champions"] = [10, 0.5, 0.8]
    seg.loc["lost"] = [10 - new_customers, (10 - new_customers) / 20, 0.2 - new_customers / 100]
    seg.loc["new"] = [new_customers, new_customers / 20, new_customers / 100]
    return seg


def test_describe_transactions_by_hand():
    info = report.describe_transactions("data/raw/CDNOW_master.txt", TX.iloc[:0].reindex(range(6)), TX)
    # first purchases: a 01-01, b 01-20, c 02-10; window 01-01 .. 03-01
    assert (info.name, info.lines_read, info.purchases, info.customers) == ("CDNOW", 6, 4, 3)
    assert (info.first_purchase_from, info.first_purchase_to) == (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-10"))
    assert report.data_label(info) == "CDNOW, purchases 2024-01-01 to 2024-03-01 (USD)"
    assert report.describe_transactions("/tmp/my_shop.csv", TX, TX).name == "my_shop.csv"


@pytest.mark.parametrize("new, phrase", [
    (0, "the *new* segment is nearly empty (0 customer(s))"),   # 0 of 20 < 1%
    (4, "the *new* segment (recent first purchase, few purchases) holds 4 customers (20.0%)"),
])
def test_segment_bullets_describe_the_new_segment_from_the_data(new, phrase):
    info = report.describe_transactions("data/raw/CDNOW_master.txt", TX, TX)
    text = report.segment_bullets({"customers": 20, "repeat_customers": 5, "repeat_share": 0.25},
                                  _seg(new), info).data
    assert phrase in text and "25.0% of the 20 customers" in text
    assert "**champions** (10 customers) bring 80.0% of revenue" in text


def test_synthetic_is_said_only_of_synthetic_logs():
    info = report.describe_transactions("/tmp/my_shop.csv", TX, TX)
    own, synthetic = EventLog(EV, None, "my_log.csv", False), EventLog(EV, None, "generated", True)
    assert report.event_log_intro(own).data.startswith("The event log `my_log.csv` of views")
    assert "2 shoppers, 2 products in 2 categories, 2024-01-01 to 2024-01-09" in report.event_log_intro(own).data
    assert report.event_log_intro(synthetic).data.startswith("**Synthetic data.**")
    own_caveats = report.caveats(info, own, 7.5).data
    assert "synthetic" not in own_caveats.lower() and "CDNOW" not in own_caveats
    assert "tests it at 7.5% of visitors" in own_caveats
    assert "**synthetic**" in report.caveats(info, synthetic, 5.0).data


def test_concentration_bullets_from_the_results():
    conc = pd.DataFrame({"value": [0.6, 0.6, 0.0, 1 / 3]},
                        index=["gini", "share_customers_for_90pct_revenue", "claim_holds_among_buyers",
                               "max_conversion_for_claim"])
    # revenue 6, 2, 1, 1, 0: the top 20% (1 customer) make 6 / 10
    text = report.concentration_bullets(conc, pd.Series([0.0, 1.0, 1.0, 2.0, 6.0]), 20.0).data
    assert "the claim does not hold: the top 20% make 60.0% of revenue" in text
    assert "needs the top 60.0% (Gini 0.60)" in text and "fewer than 33.3% of visitors" in text


def test_record_functions_use_the_stable_keys():
    seg = _seg(1)
    report.record_segments({"customers": 20, "repeat_customers": 5}, seg)
    sizes = pd.DataFrame({"customers": [3], "share": [0.1]}, index=pd.Index(["new"], name="group"))
    report.record_groups(sizes)
    report.record_pairs(pd.DataFrame({"lift": [2.5], "support_ab": [0.04]}))
    got = results.recorded()
    assert got["customers"] == 20 and got["segment.new.customers"] == 1
    assert got["segment.champions.revenue_share"] == 0.8 and got["group.new.customers"] == 3
    assert (got["top_pair.lift"], got["top_pair.support"]) == (2.5, 0.04)


def test_pairs_check_text_without_truth_shows_the_top_three():
    pairs = pd.DataFrame({"product_a": list("abcd"), "product_b": list("wxyz"), "lift": [4.0, 3.0, 2.0, 1.0]})
    text = report.pairs_check_text(pairs, None)
    assert "c" in text and "d" not in text.split("\n")[-1]


def test_record_pairs_with_significance():
    pairs = pd.DataFrame({"lift": [2.5], "support_ab": [0.04], "p_adjusted": [1e-9]})
    report.record_pairs(pairs, {"tested": 50, "significant": 3, "planted": 3, "planted_significant": 3,
                                "unplanted_significant": 0})
    got = results.recorded()
    assert got["top_pair.p_adjusted"] == 1e-9 and got["pairs.significant"] == 3
    assert got["pairs.unplanted_significant"] == 0 and "pairs.planted" not in got


def test_record_pairs_and_bullets_carry_the_filter_and_the_null_study():
    from helpers.segments.swap import NullStudy

    pairs = pd.DataFrame({"product_a": ["a"], "product_b": ["b"], "lift": [2.5], "support_ab": [0.04],
                          "confidence_a_to_b": [0.5], "confidence_b_to_a": [0.25], "p_adjusted": [1e-9]})
    pairs.attrs.update({"filter": "expected_count", "min_expected": 5.0, "fdr_level": 0.05, "orders": 100})
    # 2 of 40 null logs with a discovery: FDR 5.0%; bound = Beta(3, 38) 95% quantile
    from scipy.stats import beta
    null = NullStudy(replicates=40, seed=6, fdr=0.05, fdr_high=float(beta.ppf(0.95, 3, 38)),
                     mean_discoveries=0.05, fdr_level=0.05, min_expected=5.0)
    counts = {"tested": 700, "significant": 3}
    report.record_pairs(pairs, counts, null)
    got = results.recorded()
    assert got["pairs.filter"] == "expected_count" and got["pairs.min_expected"] == 5.0
    assert got["pairs.null_fdr"] == 0.05 and got["pairs.null_replicates"] == 40
    assert got["pairs.null_fdr_high"] == pytest.approx(0.1492, abs=5e-4)  # scipy beta.ppf(0.95, 3, 38)
    text = report.pairs_bullets(pairs, None, counts, null).data
    assert "Of 700 pairs expected in at least 5 orders" in text and "exact test given basket size" in text
    assert "On 40 copies" in text and "a pair in 2 of 40 copies (5.0%)" in text and "upper bound 14.9%" in text
