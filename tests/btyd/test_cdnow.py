"""Tests for helpers.btyd.cdnow: the CDNOW reader (both layouts, strict errors)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers import contracts
from helpers.btyd.cdnow import load_cdnow
from helpers.btyd.schemas import TRANSACTIONS
from helpers.contracts import DataContractError

ROOT = Path(__file__).resolve().parents[2]
MASTER = ROOT / "data" / "raw" / "CDNOW_master.txt"
SAMPLE = ROOT / "data" / "raw" / "CDNOW_sample.txt"


@pytest.mark.parametrize("path, rows, customers", [
    # Fader, Hardie & Lee (2005) and data/raw/SOURCES.md: 23,570 customers, 69,659 purchases;
    # the 1/10 sample holds 2,357 customers (6,919 lines: `wc -l data/raw/CDNOW_sample.txt`).
    (MASTER, 69_659, 23_570),
    (SAMPLE, 6_919, 2_357),
])
def test_load_cdnow_both_layouts(path, rows, customers):
    tx = load_cdnow(path)
    assert list(tx.columns) == ["customer_id", "date", "quantity", "amount"]
    assert len(tx) == rows
    assert tx["customer_id"].nunique() == customers
    assert pd.api.types.is_datetime64_dtype(tx["date"])
    assert tx["quantity"].dtype == "int64" and tx["amount"].dtype == "float64"
    # the cohort bought first in 1997 Q1 and is followed to 1998-06-30
    assert tx["date"].min() == pd.Timestamp("1997-01-01")
    assert tx["date"].max() == pd.Timestamp("1998-06-30")


def test_load_cdnow_first_lines_read_as_written():
    # master line 2: " 00001 19970101  1   11.77"; sample line 1: " 00004 0001 19970101  2   29.33"
    master = load_cdnow(MASTER).iloc[0]
    assert (master["customer_id"], master["date"], master["quantity"], master["amount"]) == \
        ("00001", pd.Timestamp("1997-01-01"), 1, 11.77)
    sample = load_cdnow(SAMPLE).iloc[0]
    assert (sample["customer_id"], sample["date"], sample["quantity"], sample["amount"]) == \
        ("00004", pd.Timestamp("1997-01-01"), 2, 29.33)


@pytest.mark.parametrize("text, match", [
    ("00001 19970101 1\n", r"line 1 has 3 fields; a CDNOW file has 4"),
    ("00001 19970101 1 11.77\n00002 19970102 1\n", r"line 2 has 3 fields, expected 4"),
    ("00001 19970101 1 11.77\n00002 19971301 1 5.00\n", r"column 'date' must be a date YYYYMMDD.*line 2: '19971301'"),
    ("00001 0001 19970101 1 11.77\n00002 0002 19970102 x 5\n", r"column 'quantity' must be a whole number.*line 2: 'x'"),
    ("00001 19970101 1 11.77\n00002 19970102 1 five\n", r"column 'amount' must be a finite number.*line 2: 'five'"),
    (" customer_id date cds dollars\n\n", r"no data lines"),
])
def test_load_cdnow_malformed(tmp_path, text, match):
    path = tmp_path / "bad.txt"
    path.write_text(text)
    with pytest.raises(DataContractError, match=match):
        load_cdnow(path)


def test_load_cdnow_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="not found"):
        load_cdnow(tmp_path / "nope.txt")


def test_summary_output_follows_transactions_contract_roundtrip():
    # the loader's output is a valid transactions table
    tx = contracts.validate(load_cdnow(SAMPLE), TRANSACTIONS, source="CDNOW_sample.txt")
    assert len(tx) == 6_919
