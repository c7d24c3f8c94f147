"""Loading and checking a panel: typed output, and errors that name file, rows and pseudonym."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.config import SYNTHETIC_DIR
from helpers.contracts import DataContractError
from helpers.membership.load import check_panel, load_or_simulate, load_panel
from helpers.membership.params import Params
from helpers.params import ParameterError


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
def test_bad_panels_raise_clear_errors(tiny_panel, breaker, match):
    with pytest.raises(DataContractError, match=match) as err:
        check_panel(breaker(tiny_panel), source="panel.csv")
    assert "CUST-" not in str(err.value)  # customer ids only as pseudonyms
    assert "panel.csv" in str(err.value)


def test_check_panel_spreads_the_join_month_and_sorts(tiny_panel):
    shuffled = tiny_panel.iloc[::-1].reset_index(drop=True)
    shuffled.loc[shuffled["customer_id"] == "CUST-A", "join_month"] = [pd.NaT, pd.NaT,
                                                                      pd.Timestamp("2024-02-15")]
    out = check_panel(shuffled)
    assert out[["customer_id", "month"]].equals(
        out[["customer_id", "month"]].sort_values(["customer_id", "month"]).reset_index(drop=True))
    assert (out.loc[out["customer_id"] == "CUST-A", "join_month"] == pd.Timestamp("2024-02-01")).all()


def test_load_or_simulate_reads_a_user_panel():
    data = load_or_simulate(Params.build({"panel_path": "data/synthetic/membership_panel_example.csv"}))
    assert not data.synthetic and data.true_rate_ratio is None
    assert data.panel["customer_id"].nunique() == 300


def test_load_or_simulate_names_a_missing_file():
    params = Params.model_construct(**{**Params.defaults(), "panel_path": "data/nope.csv"})
    with pytest.raises(ParameterError, match=r"'panel_path': file 'data/nope.csv' not found"):
        load_or_simulate(params)


def test_load_or_simulate_plants_the_truth():
    data = load_or_simulate(Params.build({"n_customers": 200, "n_months": 12, "min_pre_months": 3,
                                          "veteran_months": 6, "true_rate_ratio": 1.5,
                                          "event_leads": 3, "event_lags": 6}))
    assert data.synthetic and data.true_rate_ratio == 1.5 and len(data.panel) == 200 * 12


def test_shipped_example_loads():
    p = load_panel(SYNTHETIC_DIR / "membership_panel_example.csv")
    assert p["customer_id"].nunique() == 300 and p["member"].any()


def _with_spell(p):
    p["leave_month"] = pd.NaT
    p.loc[p["customer_id"] == "CUST-A", "leave_month"] = pd.Timestamp("2024-03-01")
    p.loc[(p["customer_id"] == "CUST-A") & (p["month"] == pd.Timestamp("2024-03-01")), "member"] = False
    return p


def test_a_membership_spell_loads(tiny_panel):
    out = check_panel(_with_spell(tiny_panel))
    a = out.loc[out["customer_id"] == "CUST-A", "member"].tolist()
    assert a == [False, True, False]  # joined in February, left in March


@pytest.mark.parametrize("breaker, match", [
    (lambda p: p.assign(member=lambda d: d["member"] | (d["customer_id"] == "CUST-A") & (d["month"] == pd.Timestamp("2024-03-01"))),
     r"column 'member' disagrees .* and before leave_month"),
    (lambda p: p.assign(leave_month=lambda d: d["leave_month"].where(d["customer_id"] != "CUST-C", pd.Timestamp("2024-02-01"))),
     r"leave_month without a join_month before it"),
    (lambda p: p.assign(leave_month=lambda d: d["leave_month"].where(~((d["customer_id"] == "CUST-A") & (d["month"] == pd.Timestamp("2024-01-01"))), pd.Timestamp("2024-02-01"))),
     r"more than one leave_month"),
])
def test_bad_spells_raise_clear_errors(tiny_panel, breaker, match):
    with pytest.raises(DataContractError, match=match) as err:
        check_panel(breaker(_with_spell(tiny_panel)), source="panel.csv")
    assert "CUST-" not in str(err.value)
