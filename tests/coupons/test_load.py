"""Loading validates on the way in; row-level problems are excluded and counted, never silently."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.contracts import DataContractError, ParameterError
from helpers.coupons.load import (
    QUALITY_RULES,
    campaign_window,
    clean_log,
    load_campaign,
    restrict_to_windows,
)
from helpers.coupons.metrics import review_table
from helpers.coupons.params import Params


def test_clean_log_excludes_each_rule_once_and_keeps_the_rest(frames) -> None:
    bad_events = frames.events([
        ("A", "c7", "2026-03-05 10:00", "2026-03-05 09:00", "o6"),  # used before collected
        ("A", "c2", "2026-03-02 12:20", "2026-03-06 10:00", "o7"),  # c2's A used a second time
        ("A", "c8", "2026-03-02 12:30", "2026-03-04 11:00", "o2"),  # o2 belongs to c2
        ("B", "c9", "2026-03-02 10:00", "2026-03-05 10:00", "o8"),  # o8 gross 25,000 < 30,000
        ("A", "c10", "2026-03-02 12:40", "2026-03-05 10:00", "o99"),  # no such order
        ("A", "c12", "2026-03-02 12:50", "2026-03-05 11:00", "o10"),  # o10 is excluded
        ("B", "c13", "2026-03-02 10:00", "2026-03-05 12:00", None),  # used without an order
        ("B", "c6", "2026-03-05 09:00", None, None),  # c6's B listed twice
    ])
    bad_orders = frames.orders([
        ("o6", "c7", "2026-03-05 09:00", 45_000.0, 10_000.0, 35_000.0, "paid", False),
        ("o7", "c2", "2026-03-06 10:00", 50_000.0, 10_000.0, 40_000.0, "paid", False),
        ("o8", "c9", "2026-03-05 10:00", 25_000.0, 5_000.0, 20_000.0, "paid", False),
        ("o9", "c11", "2026-03-05 10:00", -5_000.0, 0.0, -5_000.0, "refunded", False),
        ("o10", "c12", "2026-03-05 11:00", 10_000.0, 12_000.0, 0.0, "paid", False),
    ])
    ev = pd.concat([frames.events(), bad_events], ignore_index=True)
    od = pd.concat([frames.orders(), bad_orders], ignore_index=True)
    kept_ev, kept_od, quality = clean_log(frames.batches(), ev, od)
    counts = quality.set_index("rule")["rows_excluded"]
    assert set(counts.index) == {rule for _t, rule, _m in QUALITY_RULES}
    assert (counts == 1).all(), counts.to_dict()
    pd.testing.assert_frame_equal(kept_ev, frames.events())
    assert sorted(kept_od["order_id"]) == sorted(["o1", "o2", "o3", "o4", "o5", "o6", "o7", "o8"])
    t = review_table(frames.batches(), kept_ev, kept_od).loc["all"]  # = the clean log's metrics
    assert t["roi"] == pytest.approx(95_000 / 25_000)


def test_used_twice_keeps_the_earliest_use(frames) -> None:
    ev = frames.events([
        ("A", "c1", "2026-03-02 12:10", "2026-03-06 10:00", "o2b"),  # later use listed first
        ("A", "c1", "2026-03-02 12:10", "2026-03-03 10:00", "o1"),
    ])
    od = frames.orders([
        ("o1", "c1", "2026-03-03 10:00", 80_000.0, 10_000.0, 70_000.0, "paid", True),
        ("o2b", "c1", "2026-03-06 10:00", 40_000.0, 10_000.0, 30_000.0, "paid", False),
    ])
    kept, _od, q = clean_log(frames.batches(), ev, od)
    assert kept["order_id"].tolist() == ["o1"]
    assert q.set_index("rule").loc["used_twice", "rows_excluded"] == 1


def test_unknown_coupon_id_is_a_contract_error(frames) -> None:
    ev = pd.concat([frames.events(), frames.events([("Z", "c1", "2026-03-02", None, None)])])
    with pytest.raises(DataContractError, match=r"coupon_id that is not in the campaigns table.*\['Z'\]"):
        clean_log(frames.batches(), ev, frames.orders())


T = pd.Timestamp


def test_campaign_window_is_shared_by_all_batches(frames) -> None:
    assert campaign_window(frames.batches()) == (T("2026-03-02"), T("2026-03-08"))
    with pytest.raises(DataContractError, match=r"share one 'end'.*2026-03-08.*2026-03-09"):
        campaign_window(frames.batches().assign(end=[T("2026-03-08"), T("2026-03-09")]))
    with pytest.raises(DataContractError, match="no batches"):
        campaign_window(frames.batches().iloc[:0])


def test_orders_outside_every_window_are_excluded_and_counted(frames) -> None:
    od = pd.concat([frames.orders(), frames.orders([
        ("x1", "c1", "2026-01-02 10:00", 5_000.0, 0.0, 5_000.0, "paid", False),  # before the pre-period
        ("x2", "c2", "2026-03-30 10:00", 5_000.0, 0.0, 5_000.0, "paid", False),  # after the post window
        ("x3", "zz", "2026-03-30 10:00", 5_000.0, 0.0, 5_000.0, "paid", False)])], ignore_index=True)  # not ours
    aud = pd.DataFrame({"customer_id": ["c1", "c2", "c3", "c4", "c5"]})
    kept, w, q = restrict_to_windows(od, aud, T("2026-03-02"), T("2026-03-08"), 28, 14)
    assert sorted(set(od["order_id"]) - set(kept["order_id"])) == ["x1", "x2"]
    q = q.set_index("rule")
    assert q.loc["outside_windows", "rows_excluded"] == 2
    assert q.loc["pre_period_short", "fallback"] and w.pre_days == 0  # the tiny log has no pre-period order


def test_shipped_files_load_under_their_contracts_with_bad_rows_reported() -> None:
    data = load_campaign(Params())
    assert data.windows.pre_days == 28 and data.windows.post_days == 14 and not data.windows.notes
    assert not data.quality["fallback"].any()
    assert data.quality["rows_excluded"].sum() > 0  # the shipped files hold deliberately broken rows
    assert data.truth is not None and len(data.truth) == 1 and data.synthetic
    assert data.events["coupon_id"].isin(data.batches["coupon_id"]).all()


def test_real_data_runs_without_a_truth_file() -> None:
    data = load_campaign(Params.build({"truth_path": None, "campaign_id": "NEWBUY-2026-04"}))
    assert data.truth is None and not data.synthetic


@pytest.mark.parametrize(("override", "match"), [
    ({"campaign_id": "NOPE"}, r"'campaign_id' = 'NOPE' is not allowed"),
    ({"currency": "USD"}, r"'currency' = 'USD' does not match campaign 'FEST-2026-03'"),
    ({"orders_path": "data/synthetic/nope.csv"}, r"'orders_path': file 'data/synthetic/nope.csv' not found"),
])
def test_parameters_checked_against_the_data_are_named(override: dict, match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        load_campaign(Params.build(override))


def test_missing_column_is_a_contract_error(frames, tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    frames.events().drop(columns="collected_at").to_csv(path, index=False)
    with pytest.raises(DataContractError, match=r"missing required column\(s\) \['collected_at'\]"):
        load_campaign(Params.build({"events_path": str(path)}))
