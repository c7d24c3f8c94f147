"""Tests for helpers.btyd.summary: the DuckDB BTYD summary, by hand and against lifetimes on CDNOW."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.btyd.cdnow import load_cdnow
from helpers.btyd.summary import period_index, period_start, summary_from_transactions
from helpers.contracts import DataContractError, ParameterError

ROOT = Path(__file__).resolve().parents[2]
MASTER = ROOT / "data" / "raw" / "CDNOW_master.txt"
SAMPLE = ROOT / "data" / "raw" / "CDNOW_sample.txt"


# 2024-01-01 is a Monday; 2023-12-31 a Sunday. Weeks run Monday-Sunday (pandas "W").
TX = pd.DataFrame({
    "customer_id": ["a", "a", "a", "a", "b", "c", "c", "d", "d"],
    "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-05", "2024-01-09", "2024-01-03",
                            "2024-01-07", "2024-01-08", "2023-12-31", "2024-01-02"]),
    "amount": [10.0, 5.0, 20.0, 30.0, 7.0, 4.0, 6.0, 8.0, 2.0],
})
END = "2024-01-10"

# columns: frequency, recency, T, monetary_value
EXPECTED = {
    # days. a: periods 01-01 (10+5), 01-05 (20), 01-09 (30) -> 2 repeats, recency 9-1 = 8,
    # T = 10-1 = 9, monetary (20+30)/2 = 25. b: one day, T = 10-3 = 7. c: 01-07, 01-08 -> 1, 1,
    # T = 3, monetary 6. d: 12-31, 01-02 -> 1 repeat, recency 2, T = 10 days, monetary 2.
    ("D", 1): {"a": [2, 8, 9, 25], "b": [0, 0, 7, 0], "c": [1, 1, 3, 6], "d": [1, 2, 10, 2]},
    # the same in weeks of 7 days: recency and T divided by 7
    ("D", 7): {"a": [2, 8 / 7, 9 / 7, 25], "b": [0, 0, 1, 0], "c": [1, 1 / 7, 3 / 7, 6],
               "d": [1, 2 / 7, 10 / 7, 2]},
    # weeks: w0 = 12-25..12-31, w1 = 01-01..01-07, w2 = 01-08..01-14 (the end, 01-10, is in w2).
    # a: w1 (10+5+20), w2 (30) -> 1 repeat, recency 1, T 1, monetary 30. b: w1 -> T 1.
    # c: Sunday 01-07 in w1, Monday 01-08 in w2 -> 1, 1, 1, 6. d: w0, w1 -> 1, 1, T 2, 2.
    ("W", 1): {"a": [1, 1, 1, 30], "b": [0, 0, 1, 0], "c": [1, 1, 1, 6], "d": [1, 1, 2, 2]},
    # calendar months: only d spans two (Dec, Jan): 1 repeat, recency 1, T 1, monetary 2
    ("M", 1): {"a": [0, 0, 0, 0], "b": [0, 0, 0, 0], "c": [0, 0, 0, 0], "d": [1, 1, 1, 2]},
}


@pytest.mark.parametrize("freq, mult", list(EXPECTED))
def test_summary_hand_computed(freq, mult):
    out = summary_from_transactions(TX, observation_end=END, freq=freq, freq_multiplier=mult)
    expected = pd.DataFrame.from_dict(EXPECTED[(freq, mult)], orient="index",
                                      columns=["frequency", "recency", "T", "monetary_value"]).astype(float)
    expected.index.name = "customer_id"
    pd.testing.assert_frame_equal(out, expected, check_index_type=False)


def test_summary_after_end_drop_and_default_end():
    # end 01-08: a's 01-09 purchase is later -> dropped: a = 01-01, 01-05 -> 1, 4, T 7, monetary 20
    out = summary_from_transactions(TX, observation_end="2024-01-08", after_end="drop")
    assert out.loc["a"].tolist() == [1.0, 4.0, 7.0, 20.0]
    # default end = last purchase day 01-09: b's T = 9 - 3 = 6
    assert summary_from_transactions(TX).loc["b", "T"] == 6.0
    assert summary_from_transactions(TX).attrs["observation_end"] == pd.Timestamp("2024-01-09")


def test_summary_custom_columns_and_no_amount():
    tx = TX.rename(columns={"customer_id": "cid", "date": "ts", "amount": "usd"})
    out = summary_from_transactions(tx, customer_col="cid", date_col="ts", amount_col=None,
                                             observation_end=END)
    assert out.index.name == "cid" and list(out.columns) == ["frequency", "recency", "T"]
    assert out.loc["a"].tolist() == [2.0, 8.0, 9.0]


@pytest.mark.parametrize("change, kwargs, error, match", [
    (lambda t: t.drop(columns="amount"), {}, DataContractError, r"missing required column\(s\) \['amount'\]"),
    (lambda t: t.iloc[:0], {}, DataContractError, "no rows"),
    (lambda t: t.assign(date=t["date"].astype(str)), {}, DataContractError, "'date' must be timezone-naive datetime64"),
    (lambda t: t.assign(date=t["date"].dt.tz_localize("UTC")), {}, DataContractError, "timezone-naive"),
    (lambda t: t.assign(amount=t["amount"].astype(str)), {}, DataContractError, "'amount' must be numeric"),
    (lambda t: t.assign(amount=t["amount"].where(t.index != 2)), {}, DataContractError,
     r"'amount' has 1 empty value\(s\) \(rows \[2\]\)"),
    (lambda t: t.assign(amount=t["amount"].replace(20.0, np.inf)), {}, DataContractError, "non-finite"),
    (lambda t: t.assign(customer_id=t["customer_id"].replace("b", None)), {}, DataContractError,
     r"'customer_id' has 1 empty value\(s\) \(rows \[4\]\)"),
    (lambda t: t.assign(customer_id=t["customer_id"].map({"a": 1.0, "b": np.nan, "c": 2.0, "d": 3.0})), {},
     DataContractError, r"'customer_id' has 1 empty value\(s\) \(rows \[4\]\)"),
    (lambda t: t.assign(customer_id=t["customer_id"].map({"a": 1, "b": None, "c": 2, "d": 3}).astype("Int64")),
     {}, DataContractError, r"'customer_id' has 1 empty value\(s\) \(rows \[4\]\)"),
    (lambda t: t, {"observation_end": "2024-01-08"}, DataContractError,
     r"'date' has 1 purchase\(s\) after the observation end 2024-01-08.*after_end='drop'"),
    (lambda t: t, {"freq": "Q"}, ParameterError, r"'freq' = 'Q' is not allowed"),
    (lambda t: t, {"freq": "d"}, ParameterError, r"'freq' = 'd' is not allowed"),
    (lambda t: t, {"freq_multiplier": 0}, ParameterError, r"'freq_multiplier' = 0 must be a number > 0"),
    (lambda t: t, {"after_end": "ignore"}, ParameterError, r"'after_end' = 'ignore'"),
    (lambda t: t, {"observation_end": "soon"}, ParameterError, r"'observation_end' = 'soon' is not a date"),
    (lambda t: t, {"observation_end": "2023-01-01", "after_end": "drop"}, DataContractError,
     "no purchases on or before"),
])
def test_summary_bad_input(change, kwargs, error, match):
    with pytest.raises(error, match=match):
        summary_from_transactions(change(TX), **kwargs)


@functools.cache
def _cdnow(path: Path) -> pd.DataFrame:
    return load_cdnow(path)


# The reference implementation: lifetimes 0.11.3 (test environment only; never imported by helpers).
@pytest.mark.parametrize("path", [MASTER, SAMPLE], ids=["master", "sample"])
@pytest.mark.parametrize("freq, mult, end", [
    ("D", 1, None), ("W", 1, None), ("D", 7, None), ("W", 1, "1997-09-30"),
], ids=["D", "W", "D_x7", "W_calibration"])
def test_summary_matches_lifetimes_on_cdnow(path, freq, mult, end):
    lifetimes_utils = pytest.importorskip("lifetimes.utils")
    tx = _cdnow(path)
    expected = lifetimes_utils.summary_data_from_transaction_data(
        tx, "customer_id", "date", "amount", observation_period_end=end, freq=freq,
        freq_multiplier=mult)
    out = summary_from_transactions(tx, observation_end=end, freq=freq, freq_multiplier=mult,
                                             after_end="drop")
    assert out.index.tolist() == expected.index.tolist()
    for col in ("frequency", "recency", "T"):  # counts of periods: bit-for-bit equal
        pd.testing.assert_series_equal(out[col], expected[col], check_exact=True, check_index_type=False)
    # monetary: the same means; lifetimes sums with pandas' compensated summation in another
    # order, so the last bits may differ (observed |diff| <= 2e-13 USD)
    np.testing.assert_allclose(out["monetary_value"], expected["monetary_value"], rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize("ids", [
    {"a": 3, "b": 1, "c": 2, "d": 0},                   # small non-negative ints (one-key path)
    {"a": -5, "b": 2**62, "c": 7, "d": -9},             # negative / huge ints (two-column path)
])
def test_summary_integer_ids_match_string_ids(ids):
    by_str = summary_from_transactions(TX, observation_end=END)
    by_int = summary_from_transactions(TX.assign(customer_id=TX["customer_id"].map(ids)),
                                                observation_end=END)
    assert by_int.index.tolist() == sorted(ids.values())
    renamed = by_str.rename(index=ids).sort_index()
    np.testing.assert_array_equal(by_int.to_numpy(), renamed.to_numpy())


@pytest.mark.parametrize("convert", [
    lambda s: s.astype("category"),                    # categorical strings
    lambda s: s.astype(object),                        # plain Python objects
    lambda s: s.map({"a": 1.5, "b": 0.5, "c": 2.5, "d": -1.0}),  # float ids (factorized path)
])
def test_summary_other_id_dtypes_match_string_ids(convert):
    by_str = summary_from_transactions(TX, observation_end=END)
    other = summary_from_transactions(TX.assign(customer_id=convert(TX["customer_id"])),
                                               observation_end=END)
    # same customers in sorted id order, same figures
    mapping = dict(zip(TX["customer_id"], convert(TX["customer_id"]), strict=True))
    expected = by_str.rename(index=mapping).sort_index()
    np.testing.assert_array_equal(other.index.to_numpy(), expected.index.to_numpy())
    np.testing.assert_array_equal(other.to_numpy(), expected.to_numpy())


@pytest.mark.parametrize("day, freq, index, start", [
    # 1970-01-01 is a Thursday: its week (Monday-Sunday) starts 1969-12-29 = index 0;
    # 1970-01-05 (Monday) opens week 1. Months count from year 0: 1970 * 12 + 0 = 23640.
    ("1970-01-01", "D", 0, "1970-01-01"), ("1970-01-04", "W", 0, "1969-12-29"),
    ("1970-01-05", "W", 1, "1970-01-05"), ("1970-01-31", "M", 23640, "1970-01-01"),
])
def test_period_index_and_start(day, freq, index, start):
    assert period_index(pd.Timestamp(day), freq) == index
    assert period_start(index, freq) == pd.Timestamp(start)
