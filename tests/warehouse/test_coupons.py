"""Coupon customer windows and holdout sums on DuckDB and Spark equal the pandas reference."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.contracts import load_csv
from helpers.warehouse.coupons import (
    customer_windows_from_tables,
    holdout_sums,
    incremental_from_sums,
    windows_expr,
)

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
