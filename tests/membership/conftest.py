"""Shared fixtures of the membership tests: a 12-row hand-made panel and the default synthetic one."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.membership.load import check_panel
from helpers.membership.simulate import simulate_panel

# 4 customers x 3 months. CUST-A and CUST-B join in February (month index 1); CUST-C and CUST-D
# never join. Spend = 10,000 KRW per order except CUST-A/B's member months, set by hand.
MONTHS = ["2024-01-01", "2024-02-01", "2024-03-01"]


def make_tiny_panel() -> pd.DataFrame:
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


@pytest.fixture
def tiny_panel() -> pd.DataFrame:
    return make_tiny_panel()


@pytest.fixture
def tiny(tiny_panel) -> pd.DataFrame:
    return check_panel(tiny_panel)


@pytest.fixture(scope="session")
def default_panel() -> pd.DataFrame:
    return check_panel(simulate_panel(seed=7))


@pytest.fixture(scope="session")
def world():
    """The independent generator (tests/membership/independent_world.py), loaded by path."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "membership_independent_world", Path(__file__).with_name("independent_world.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
