"""Bought-together pairs, coupon outcomes and cadence intervals on DuckDB and Spark equal the pandas reference."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.contracts import load_csv
from helpers.warehouse.baskets import bought_together_from_table, min_pair_count
from helpers.warehouse.cadence import interval_summary_from_table, stage_intervals_expr
from helpers.warehouse.coupons import (
    customer_windows_from_tables,
    holdout_sums,
    incremental_from_sums,
    windows_expr,
)

LINES = pd.DataFrame({"order_id": ["o1", "o1", "o1", "o2", "o3", "o3", "o4", "o4", "o5", "", None],
                      "product_id": ["x", "y", "y", "x", "x", "y", "y", "z", "z", "x", "y"]})


@pytest.fixture(scope="module")
def purchases(ref):
    schema = ref("EVENTS", "helpers.segments.schemas")
    events = load_csv("data/synthetic/segments_events.csv", schema)
    return events.loc[events["event"] == "purchase", ["order_id", "product_id"]].reset_index(drop=True)


def test_pairs_by_hand(engine):
    got = bought_together_from_table(engine(LINES), min_support=0.2)
    # 5 orders; x in o1 o2 o3, y in o1 o3 o4, z in o4 o5; xy in o1 o3, yz in o4
    assert got.attrs["orders"] == 5
    assert got[["product_a", "product_b", "orders_ab"]].values.tolist() == [["x", "y", 2], ["y", "z", 1]]
    assert got["lift"].tolist() == pytest.approx([(2 / 5) / (3 / 5 * 3 / 5), (1 / 5) / (3 / 5 * 2 / 5)])


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
@pytest.mark.parametrize("min_support", [0.2, 0.5, 0.9])
def test_pairs_small_equals_reference(engine, ref, min_support):
    expected = ref("bought_together", "helpers.segments.baskets", "helpers.segments")(LINES, min_support=min_support)
    got = bought_together_from_table(engine(LINES), min_support=min_support)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert got.attrs == expected.attrs


@pytest.mark.parametrize("min_support", [0.005])
def test_pairs_event_log_equals_reference(engine, ref, purchases, min_support):
    expected = ref("bought_together", "helpers.segments.baskets", "helpers.segments")(purchases,
                                                                                    min_support=min_support)
    got = bought_together_from_table(engine(purchases), min_support=min_support)
    assert len(got) > 0
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_min_pair_count_matches_the_share_rule():
    for n in (1, 7, 100, 1_000, 12_345):
        for s in (0.001, 0.01, 0.03, 0.3333333333333333, 0.5):
            c = min_pair_count(n, s)
            assert c / n >= s - 1e-12 and (c == 0 or (c - 1) / n < s - 1e-12)


# --- coupons ---------------------------------------------------------------------------

COUPON_MODULES = ("helpers.coupons.windows", "helpers.coupons")


@pytest.fixture(scope="module")
def campaign(ref):
    orders = load_csv("data/synthetic/coupons_orders.csv", ref("COUPON_ORDERS", "helpers.coupons.schemas"))
    audience = pd.read_csv("data/synthetic/coupons_audience.csv", dtype=str)
    audience = audience[audience["campaign_id"] == "FEST-2026-03"].drop_duplicates(["customer_id"])
    if "never_bought" in audience.columns:
        audience["never_bought"] = audience["never_bought"].str.lower().map({"true": True, "false": False})
    windows = ref("observed_windows", *COUPON_MODULES)(orders, pd.Timestamp("2026-03-02"),
                                                         pd.Timestamp("2026-03-08"), 28, 14)
    return orders, audience.reset_index(drop=True), windows


@pytest.mark.parametrize("with_flag", [True, False])
def test_customer_windows_equal_reference(engine, ref, campaign, with_flag):
    orders, audience, windows = campaign
    if not with_flag:  # never_bought then means: no order of any status in the pre-period
        audience = audience.drop(columns="never_bought")
    expected = ref("customer_windows", *COUPON_MODULES)(orders, audience, windows, 0.19)
    expected = expected.sort_values(["customer_id", "group"], kind="stable").reset_index(drop=True)
    got = customer_windows_from_tables(engine(orders), engine(audience), windows, 0.19)
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12, check_dtype=False)
    assert got["bought"].sum() > 100 and got["pre_paid"].gt(0).sum() > 100


def test_holdout_sums_give_the_reference_estimates(engine, ref, campaign):
    orders, audience, windows = campaign
    expr = windows_expr(engine(orders), engine(audience), windows, 0.19)
    sums = holdout_sums(expr)
    cw = ref("customer_windows", *COUPON_MODULES)(orders, audience, windows, 0.19)
    g = cw.groupby("group")
    assert sums["customers"].to_dict() == g.size().to_dict()
    np.testing.assert_allclose(sums["sum_paid_net"], g["paid_net"].sum().loc[sums.index], rtol=1e-12)
    np.testing.assert_allclose(sums["sum_x_profit_net"], (cw["pre_paid"] * cw["profit_net"]).groupby(
        cw["group"]).sum().loc[sums.index], rtol=1e-12)
    effects = ref("incremental_effects", *COUPON_MODULES)
    names = {"paid_in": "incremental_paid_in_window", "paid_post": "incremental_paid_post",
             "paid_net": "incremental_paid", "profit_net": "incremental_profit"}
    for cuped in (True, False):
        estimate = effects(cw, 1_000_000.0, 81 / 19, cuped=cuped, n_boot=100)["estimates"]["estimate"]
        got = incremental_from_sums(sums, cuped=cuped)
        for name, measure in names.items():
            assert got[name] == pytest.approx(estimate[measure], rel=1e-9), (cuped, name)


# --- cadence ---------------------------------------------------------------------------

def _messages_with_stages(ref):
    schema = ref("CADENCE_MESSAGES", "helpers.cadence.schemas")
    messages = load_csv("data/synthetic/cadence_messages.csv", schema)
    stages = ref("STAGES", "helpers.cadence.stages", "helpers.cadence")
    # deterministic stage runs of varying length (the stage logic itself is the cadence package's)
    rank = messages.groupby("customer_id").cumcount()
    code = (rank // 3 + messages["customer_id"].str[-1].map(ord)) % len(stages)
    return messages.assign(stage=np.asarray(stages, dtype=object)[code.to_numpy()])


def test_intervals_by_hand(engine):
    m = pd.DataFrame({"customer_id": ["a", "a", "a", "b", "a"],
                      "sent_at": pd.to_datetime(["2024-03-04T12:00+09:00", "2024-03-11T12:00+09:00",
                                                 "2024-03-25T12:00+09:00", "2024-03-05T00:00+00:00",
                                                 "2024-03-26T00:00+09:00"], utc=True),
                      "stage": ["cart", "cart", "inactive", "cart", "inactive"]})
    got = stage_intervals_expr(engine(m)).execute().sort_values(["customer_id", "days"])
    assert got.values.tolist() == [["a", "inactive", 0.5], ["a", "cart", 7.0]]


def test_intervals_and_summary_equal_reference(engine, ref):
    messages = _messages_with_stages(ref)
    intervals = ref("stage_intervals", "helpers.cadence.intervals", "helpers.cadence")
    summary = ref("interval_summary", "helpers.cadence.intervals", "helpers.cadence")
    stages = ref("STAGES", "helpers.cadence.stages", "helpers.cadence")
    policy = ref("POLICY_INTERVAL_DAYS", "helpers.cadence.stages", "helpers.cadence")
    expected = intervals(messages, messages["stage"])
    table = stage_intervals_expr(engine(messages))
    got = table.execute()
    key = ["customer_id", "stage", "days"]
    pd.testing.assert_frame_equal(got.sort_values(key).reset_index(drop=True)[key],
                                  expected.sort_values(key).reset_index(drop=True)[key], check_dtype=False)
    exp_summary = summary(expected, policy, level=0.999)
    got_summary = interval_summary_from_table(table, stages=stages, policy=policy, level=0.999)
    pd.testing.assert_frame_equal(got_summary, exp_summary[got_summary.columns], check_dtype=False)
    assert got_summary["intervals"].sum() == len(expected) > 100
