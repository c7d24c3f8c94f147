"""Tests for helpers.membership: panel generator and checks, naive vs adjusted effect, value, tenure."""

from __future__ import annotations

import filecmp
import math

import pandas as pd
import pytest

from helpers import contracts, membership
from helpers.config import SYNTHETIC_DIR
from helpers.contracts import (
    DataContractError,
    ParameterError,
)
from helpers.membership.schemas import MEMBERSHIP_PANEL

# A 12-row panel: 4 customers x 3 months. CUST-A and CUST-B join in February
# (month index 1); CUST-C and CUST-D never join. Spend = 10,000 KRW per order except CUST-A/B's
# member months, set by hand below.
MONTHS = ["2024-01-01", "2024-02-01", "2024-03-01"]


def tiny_panel() -> pd.DataFrame:
    rows = []
    orders = {"CUST-A": [1, 3, 3], "CUST-B": [1, 2, 2], "CUST-C": [1, 1, 2], "CUST-D": [2, 1, 1]}
    spend = {"CUST-A": [10000, 30000, 45000], "CUST-B": [10000, 20000, 30000],
             "CUST-C": [10000, 10000, 20000], "CUST-D": [20000, 10000, 10000]}
    for cid in orders:
        member = cid in ("CUST-A", "CUST-B")
        for t, month in enumerate(MONTHS):
            rows.append({"customer_id": cid, "month": month, "member": member and t >= 1,
                         "orders": orders[cid][t], "spend": float(spend[cid][t]),
                         "join_month": "2024-02-01" if member else None})
    frame = pd.DataFrame(rows)
    frame["month"] = pd.to_datetime(frame["month"])
    frame["join_month"] = pd.to_datetime(frame["join_month"])
    return frame


@pytest.fixture(scope="module")
def default_panel() -> pd.DataFrame:
    return membership.check_panel(membership.simulate_panel(seed=7))


# ---------------------------------------------------------------------------------------------
# Hand-computed values on the tiny panel
# ---------------------------------------------------------------------------------------------


def test_naive_ratio_by_hand():
    # member months: A 3+3, B 2+2 -> 10 orders / 4 months = 2.5
    # non-member months: A 1, B 1, C 1+1+2, D 2+1+1 -> 10 orders / 8 months = 1.25
    p = membership.check_panel(tiny_panel())
    table = membership.member_comparison(p)
    assert table.loc["member", "orders_per_month"] == 2.5
    assert table.loc["non_member", "orders_per_month"] == 1.25
    # member spend 30000+45000+20000+30000 = 125000 over 10 orders
    assert table.loc["member", "order_value"] == 12500.0
    assert membership.naive_order_ratio(p) == 2.0


def test_adjusted_ratio_by_hand():
    # Everyone is split at month index 1 (members' join month; non-members at the members'
    # median join = 1): 1 month before, 2 after, so the offset log(2/1) is common and the
    # two-group binomial GLM is saturated: RR = (post/pre odds of members) / (same, non-members)
    # members: pre 1+1 = 2, post 6+4 = 10 -> 5;  non-members: pre 1+2 = 3, post 3+2 = 5 -> 5/3
    # RR = 5 / (5/3) = 3
    p = membership.check_panel(tiny_panel())
    table, excluded = membership.before_after_counts(p)
    assert table.loc["CUST-A", ["orders_pre", "orders_post", "months_pre", "months_post"]].tolist() == [1, 6, 1, 2]
    assert sum(excluded.values()) == 0
    rr = membership.adjusted_rate_ratio(p)
    assert rr.estimate == pytest.approx(3.0, rel=1e-8)
    assert rr.low < 3.0 < rr.high and rr.n_members == 2


def test_tenure_by_hand():
    # tenure 0: A 30000, B 20000 -> mean 25000, sd = sqrt(2 * 5000^2 / 1) = 7071.07
    # tenure 1: A 45000, B 30000 -> mean 37500; veterans (tenure >= 1) / new (< 1) = 1.5
    p = membership.check_panel(tiny_panel())
    curve = membership.tenure_curve(p, min_members=1)
    assert curve["spend"].tolist() == [25000.0, 37500.0]
    half = 1.959963984540054 * math.sqrt(2 * 5000**2) / math.sqrt(2)
    assert curve.loc[0, "high"] == pytest.approx(25000 + half)
    r = membership.tenure_spend_ratio(p, veteran_months=1, new_months=1)
    assert r.ratio == pytest.approx(1.5) and r.veteran_spend == 37500.0 and r.new_spend == 25000.0


def test_value_per_member_by_hand():
    # o=3 orders/month, v=40,000 KRW, rho=1.5 -> incremental 3*(1-1/1.5) = 1 order
    # margin 1 * 40000 * 0.2 = 8000; benefits 3 * 2500 = 7500; fee 7890
    # value = 8000 - 7500 + 7890 = 8390; break-even fee = 7500 - 8000 = -500 (pays even if free)
    v = membership.value_per_member_month(3.0, 40000.0, 1.5, fee=7890.0, gross_margin=0.2,
                                          benefit_cost_per_order=2500.0)
    assert v.incremental_orders == pytest.approx(1.0)
    assert v.value == pytest.approx(8390.0)
    assert v.breakeven_fee == pytest.approx(-500.0)
    grid = membership.value_grid(v, [0.0, 10000.0], [0.2, 0.4], rate_ratio=1.5,
                                 benefit_cost_per_order=2500.0)
    # margin 0.4: 1 * 40000 * 0.4 - 7500 + fee = 8500 + fee
    assert grid.loc[0.4].tolist() == pytest.approx([8500.0, 18500.0])
    assert v.table().loc["value per member-month", "unit"] == "KRW"


def test_monthly_rate_by_hand():
    # (1.10)^(1/12) - 1
    assert membership.monthly_rate(0.10) == pytest.approx(1.1 ** (1 / 12) - 1)


# ---------------------------------------------------------------------------------------------
# Generator: contract, determinism, known truth
# ---------------------------------------------------------------------------------------------


def test_generator_output_passes_the_contract(default_panel):
    raw = membership.simulate_panel(seed=7)
    contracts.validate(raw, MEMBERSHIP_PANEL, source="simulate_panel")
    assert not default_panel.duplicated(["customer_id", "month"]).any()
    assert raw.attrs["true_rate_ratio"] == 2.0


def test_generator_is_seeded():
    a = membership.simulate_panel(n_customers=200, n_months=10, min_pre_months=2, seed=3)
    b = membership.simulate_panel(n_customers=200, n_months=10, min_pre_months=2, seed=3)
    c = membership.simulate_panel(n_customers=200, n_months=10, min_pre_months=2, seed=4)
    pd.testing.assert_frame_equal(a, b)
    assert not a["orders"].equals(c["orders"])


def test_adjusted_ci_covers_truth_and_naive_is_far(default_panel):
    naive = membership.naive_order_ratio(default_panel)
    rr = membership.adjusted_rate_ratio(default_panel)
    assert rr.covers(2.0), rr
    assert not rr.covers(naive)
    assert naive > 1.5 * 2.0  # selection more than doubles the apparent effect


def test_no_effect_world_ci_covers_one():
    p = membership.check_panel(membership.simulate_panel(true_rate_ratio=1.0, seed=7))
    assert membership.adjusted_rate_ratio(p).covers(1.0)
    assert membership.naive_order_ratio(p) > 2.0  # pure selection still looks like an effect


def test_without_selection_naive_is_near_truth():
    p = membership.check_panel(membership.simulate_panel(selection_strength=0.0, seed=7))
    assert membership.naive_order_ratio(p) == pytest.approx(2.0, rel=0.1)


def test_tenure_ratio_interval_brackets_estimate(default_panel):
    r = membership.tenure_spend_ratio(default_panel, veteran_months=12, new_months=3, seed=1)
    assert r.low < r.ratio < r.high
    # the generator grows baskets 4%/month: veterans (>= 12 months) spend clearly more
    assert r.ratio > 1.3


def test_shipped_example_is_regenerated_byte_identically_and_loads(tmp_path):
    [fresh] = membership.write_synthetic(tmp_path)
    shipped = SYNTHETIC_DIR / fresh.name
    assert filecmp.cmp(fresh, shipped, shallow=False)
    p = membership.load_panel(shipped)
    assert p["customer_id"].nunique() == 300 and p["member"].any()


# ---------------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------------


def _negative_spend(p):
    p.loc[0, "spend"] = -5000.0
    return p


def _both_member_and_not(p):
    extra = p.iloc[[4]].copy()  # CUST-B, February, member
    extra["member"] = False
    return pd.concat([p, extra], ignore_index=True)


def _twice_in_a_month(p):
    return pd.concat([p, p.iloc[[8]]], ignore_index=True)


def _join_after_last_order(p):
    p.loc[p["customer_id"] == "CUST-C", "join_month"] = pd.Timestamp("2024-05-01")
    return p


def _flag_disagrees(p):
    p.loc[0, "member"] = True  # CUST-A in January, before joining
    return p


def _two_join_months(p):
    p.loc[2, "join_month"] = pd.Timestamp("2024-03-01")
    return p


def _spend_without_orders(p):
    p.loc[6, ["orders", "spend"]] = [0, 500.0]
    return p


def _missing_column(p):
    return p.drop(columns="orders")


def _negative_orders(p):
    p.loc[3, "orders"] = -1
    return p


@pytest.mark.parametrize("breaker, match", [
    (_negative_spend, r"column 'spend' must be >= 0; 1 row\(s\) \(row 0\) have -5000.0"),
    (_both_member_and_not, r"both member and non-member, e.g. customer C-[0-9a-f]{10} in 2024-02"),
    (_twice_in_a_month, r"appear more than once, e.g. customer C-[0-9a-f]{10} in 2024-03"),
    (_join_after_last_order, r"joined after the last month with order data \(2024-03\)"),
    (_flag_disagrees, r"column 'member' disagrees with 'join_month' in 1 row\(s\), e.g. row 0"),
    (_two_join_months, r"more than one join_month"),
    (_spend_without_orders, r"spend but no orders"),
    (_missing_column, r"missing required column\(s\) \['orders'\]"),
    (_negative_orders, r"column 'orders' must be >= 0"),
])
def test_bad_panels_raise_clear_errors(breaker, match):
    with pytest.raises(DataContractError, match=match) as err:
        membership.check_panel(breaker(tiny_panel()), source="panel.csv")
    assert "CUST-" not in str(err.value)  # customer ids only as pseudonyms
    assert "panel.csv" in str(err.value)


def test_no_members_cannot_be_estimated():
    p = membership.check_panel(tiny_panel().assign(member=False, join_month=pd.NaT))
    with pytest.raises(ValueError, match="no member months"):
        membership.naive_order_ratio(p)
    with pytest.raises(ValueError, match="the panel has no members"):
        membership.adjusted_rate_ratio(p)


@pytest.mark.parametrize("override, match", [
    ({"fee_krw": -1.0}, r"'fee_krw' = -1.0 is out of range; it must be >= 0"),
    ({"member_share": 1.0}, r"'member_share' = 1.0 is out of range"),
    ({"gross_margin": 0}, r"'gross_margin' = 0 is out of range; it must be > 0"),
    ({"veteran_months": 20}, r"'veteran_months' = 20 is out of range: with n_months = 24"),
    ({"new_months": 13}, r"'new_months' = 13 is out of range"),
    ({"n_customers": 10.5}, r"'n_customers' = 10.5 must be a whole number"),
    ({"calibration_end": "end of Sept"}, r"'calibration_end' = 'end of Sept' is not an ISO date"),
    ({"panel_path": "data/nope.csv"}, r"'panel_path': file 'data/nope.csv' not found"),
    ({"conf_level": 1.0}, r"'conf_level' = 1.0 is out of range"),
])
def test_validate_parameters_names_the_bad_one(override, match):
    with pytest.raises(ParameterError, match=match):
        membership.validate_parameters(**{**membership.DEFAULTS, **override})


def test_value_rejects_bad_arguments():
    with pytest.raises(ValueError, match="rate_ratio = 0.0 must be > 0"):
        membership.value_per_member_month(3.0, 40000.0, 0.0, fee=0.0, gross_margin=0.2,
                                          benefit_cost_per_order=0.0)
    with pytest.raises(ValueError, match=r"gross_margin = 1.5 must be in \(0, 1\]"):
        membership.value_per_member_month(3.0, 40000.0, 1.5, fee=0.0, gross_margin=1.5,
                                          benefit_cost_per_order=0.0)


def test_selection_share_by_hand():
    # naive 9x, effect 3x: log 3 / log 9 = 1/2 of the log gap is effect, 1/2 selection
    assert membership.selection_share(9.0, 3.0) == pytest.approx(0.5)
    assert membership.selection_share(0.8, 1.2) is None  # no gap to split
    with pytest.raises(ValueError, match="must be finite and > 0"):
        membership.selection_share(9.0, 0.0)


def test_clv_by_status_by_hand():
    # members a, b: CLV 100, 300 -> mean 200; non-members c, d: 40, 60 -> mean 50; ratio 4
    clv = pd.Series([100.0, 300.0, 40.0, 60.0], index=list("abcd"))
    status = pd.Series(["member", "member", "non_member", "non_member"], index=list("abcd"))
    table = membership.clv_by_status(clv, status)
    assert table["mean_clv"].tolist() == [200.0, 50.0]
    assert table.loc["member", "vs_non_member"] == 4.0
    with pytest.raises(ValueError, match="no non_member customers"):
        membership.clv_by_status(clv.iloc[:2], status.iloc[:2])


def test_fit_report_flags_non_converged_and_boundary_fits():
    from helpers.btyd.clv import ModelFit
    bad = ModelFit("BG/NBD", {"r": 1.0, "alpha": 1.0, "a": 1.0, "b": 1.0}, -5.0, 10, 4, False,
                   "STOP: TOTAL NO. OF ITERATIONS REACHED LIMIT")
    edge = ModelFit("BG/NBD", {"r": 1.0, "alpha": 1.0, "a": 2e-9, "b": 1.0}, -5.0, 10, 4, True,
                    "ok", at_bound=("a",))
    text = membership.fit_report({"x": bad, "y": edge}, customers=10, currency="KRW")
    assert "NOT CONVERGED — do not use these estimates**: STOP: TOTAL NO. OF ITERATIONS" in text
    assert "a at the search bound" in text


def test_load_or_simulate_reads_a_user_panel():
    params = {**membership.DEFAULTS, "panel_path": SYNTHETIC_DIR / "membership_panel_example.csv"}
    data = membership.load_or_simulate(params)
    assert not data.synthetic and data.true_rate_ratio is None
    assert data.panel["customer_id"].nunique() == 300
