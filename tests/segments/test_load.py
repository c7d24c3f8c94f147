"""Tests for helpers.segments.load: transactions, returns handling, the event log."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.contracts import DataContractError, ParameterError
from helpers.segments import load

ROOT = Path(__file__).resolve().parents[2]

RET = pd.DataFrame({
    "customer_id": ["a", "a", "a", "a", "b", "b", "c", "c"],
    "date": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-04", "2024-01-06",
                            "2024-01-02", "2024-01-03", "2024-01-02", "2024-01-10"]),
    "amount": [30.0, -10.0, 15.0, -20.0, -5.0, 12.0, 0.0, 8.0],
})


def test_prepare_transactions_drop():
    clean, quality = load.prepare_transactions(RET, returns="drop", observation_end="2024-01-08")
    q = quality.set_index("rule")
    # c's 01-10 line is after the end; the four lines <= 0 sum to -10 - 20 - 5 + 0 = -35
    assert q.loc["date after observation_end: excluded"].tolist() == [1, 8.0]
    assert q.loc["amount <= 0: line dropped"].tolist() == [4, -35.0]
    assert clean[["customer_id", "amount"]].values.tolist() == [["a", 30.0], ["a", 15.0], ["b", 12.0]]


def test_prepare_transactions_net():
    clean, quality = load.prepare_transactions(RET, returns="net", observation_end="2024-01-08")
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
        load.prepare_transactions(RET, **kwargs)


def test_load_transactions_reads_a_contract_csv_and_names_the_parameter(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("customer_id,date,amount\nu1,2024-01-02,10.5\nu2,2024-01-03,-2\n")
    tx = load.load_transactions(path)
    assert tx["customer_id"].tolist() == ["u1", "u2"] and tx["amount"].tolist() == [10.5, -2.0]
    with pytest.raises(ParameterError, match=r"parameter 'transactions_path': file .*nope.txt.* not found"):
        load.load_transactions(tmp_path / "nope.txt")
    path.write_text("customer_id,date,amount\nu1,2024-01-02,ten\n")
    with pytest.raises(DataContractError, match="amount"):
        load.load_transactions(path)


def test_load_event_log_generated_shipped_and_own(tmp_path):
    generated = load.load_event_log("", "", seed=6)
    shipped = load.load_event_log("data/synthetic/segments_events.csv",
                                  "data/synthetic/segments_planted_pairs.csv")
    # the shipped file is the seed-6 log: same products and orders; both are synthetic
    assert generated.synthetic and shipped.synthetic
    bought = [log.events.loc[log.events["event"] == "purchase", ["order_id", "product_id"]].to_numpy().tolist()
              for log in (generated, shipped)]
    assert bought[0] == bought[1] and len(bought[0]) > 1000
    assert generated.truth["product_a"].tolist() == shipped.truth["product_a"].tolist()
    own = tmp_path / "events.csv"
    own.write_bytes((ROOT / "data" / "synthetic" / "segments_events.csv").read_bytes())
    mine = load.load_event_log(str(own), "")
    assert not mine.synthetic and mine.truth is None and mine.source == str(own)


@pytest.mark.parametrize("args, match", [
    (("", "data/synthetic/segments_planted_pairs.csv"), r"'truth_path'.*generated log"),
    (("nope.csv", ""), r"parameter 'events_path': file 'nope.csv' not found"),
    (("data/synthetic/segments_events.csv", "nope.csv"), r"parameter 'truth_path': file 'nope.csv' not found"),
])
def test_load_event_log_bad(args, match):
    with pytest.raises(ParameterError, match=match):
        load.load_event_log(*args)
