"""The secret and PII scan finds planted findings by kind, names the cell, and honours the allow-list."""

from __future__ import annotations

import re

import pytest

from helpers.runner.scan import PublishBlockedError, input_ids, scan_inputs, scan_notebook


def nb_with(*texts):
    return {"cells": [{"cell_type": "code", "metadata": {}, "source": "",
                       "outputs": [{"output_type": "stream", "name": "stdout", "text": t}]} for t in texts]}


@pytest.mark.parametrize("text, kind", [
    ("-----BEGIN RSA PRIVATE KEY-----\nMIIE...", "private_key"),
    ("aws key AKIA" + "IOSFODNN7EXAMPLE", "api_token"),
    ("token ghp_" + "a" * 36, "api_token"),
    ("sk-" + "abcDEF123_" * 3, "api_token"),
    ("postgres://analyst:hunter2@db.internal:5432/shop", "password_in_url"),
    ("contact kim.jungmin@example.co.kr for access", "email"),
    ("call 010-1234-5678 today", "phone"),
    ("call +82 10 1234 5678", "phone"),
])
def test_each_kind_is_found(text, kind):
    assert [f.kind for f in scan_notebook(nb_with("fine", text))] == [kind]
    assert scan_notebook(nb_with("fine", text))[0].cell == 2


@pytest.mark.parametrize("text", [
    "revenue 30,679,800,000,000 KRW and 1,234-5678 rows", "ratio 2.03 [1.97, 2.10]", "2024-06-11 12:00:00+09:00",
    "p = 0.0001; n = 23,502", "https://www.sec.gov/Archives/edgar/data/1018724/", "010 customers",
])
def test_ordinary_report_text_is_not_a_finding(text):
    assert scan_notebook(nb_with(text)) == []


def test_raw_input_ids_are_found_but_pseudonyms_and_numbers_are_not(tmp_path):
    csv = tmp_path / "events.csv"
    csv.write_text("customer_id,amount\nC000123,5\nC000456,7\n12,3\n")
    ids = input_ids([csv])
    assert ids == {"C000123", "C000456"}  # '12' cannot be told from a number, so it is not checked
    assert [f.kind for f in scan_notebook(nb_with("top customer C000456 spent 7"), ids)] == ["raw_id"]
    assert scan_notebook(nb_with("top customer c_9f2a41 spent 7; 12 orders"), ids) == []


def test_raw_ids_are_read_from_parquet_and_local_duckdb_sources_too(tmp_path):
    """Issue 22: the raw-id scan read headed CSV/TXT only; a Parquet file (the id column only) and
    a local DuckDB file named by URL (every table's id columns) are read as well."""
    import duckdb
    import pyarrow as pa
    import pyarrow.parquet as pq

    parquet = tmp_path / "orders.parquet"
    pq.write_table(pa.table({"order_id": [1, 2], "customer_id": ["K-00017", None], "amount": [5.0, 7.0]}),
                   parquet)
    db = tmp_path / "shop.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create schema lake")
    con.execute("create table lake.events (user_id varchar, event varchar)")
    con.execute("insert into lake.events values ('U-ABCD', 'view'), ('U-ABCD', 'cart_add'), ('7', 'view')")
    con.close()
    files = scan_inputs([parquet], {"events_path": f"duckdb://{db}", "n": 3}, ["events_path", "n"])
    assert files == [parquet, db]
    ids = input_ids(files)
    assert ids == {"K-00017", "U-ABCD"}  # None skipped; '7' cannot be told from a number
    assert [f.kind for f in scan_notebook(nb_with("lapsed: U-ABCD"), ids)] == ["raw_id"]
    assert scan_inputs([], {"events_path": "postgres://analyst@db/shop"}, ["events_path"]) == []


def test_an_unreadable_parquet_or_database_file_yields_no_ids_and_no_traceback(tmp_path):
    bad = tmp_path / "broken.parquet"
    bad.write_bytes(b"not parquet")
    db = tmp_path / "broken.duckdb"
    db.write_bytes(b"not a database")
    assert input_ids([bad, db]) == set()


def test_allow_list_and_message_never_shows_the_secret():
    text = "see docs at ops@example.com"
    assert scan_notebook(nb_with(text), allow=[re.compile(r"@example\.com$")]) == []
    err = PublishBlockedError(scan_notebook(nb_with(text)))
    assert "code cell 1: email" in str(err) and "ops@" not in str(err)


def test_images_are_not_scanned():
    nb = {"cells": [{"cell_type": "code", "metadata": {}, "source": "", "outputs": [
        {"output_type": "display_data", "data": {"image/png": "a@b.cd" * 10, "text/plain": "<Figure>"}}]}]}
    assert scan_notebook(nb) == []
