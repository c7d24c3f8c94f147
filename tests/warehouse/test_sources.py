"""Sources (CSV, Parquet file, glob and folder, DuckDB table) give identical results; errors name the parameter."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from helpers.params import ParameterError
from helpers.warehouse.concentration import concentration_from_table, revenue_per_customer
from helpers.warehouse.contracts import check
from helpers.warehouse.sources import parse_source, read_source
from helpers.warehouse.summary import customer_table_from_table


@pytest.fixture(scope="module")
def cdnow_files(tmp_path_factory, cdnow):
    """The cleaned CDNOW sample written as CSV, Parquet (a folder of two parts) and a DuckDB table."""
    root = tmp_path_factory.mktemp("cdnow")
    frame = cdnow.assign(date=cdnow["date"].dt.strftime("%Y-%m-%d"))
    frame.to_csv(root / "tx.csv", index=False)
    (root / "parts").mkdir()
    half = len(cdnow) // 2
    cdnow.iloc[:half].to_parquet(root / "parts" / "a.parquet", index=False)
    cdnow.iloc[half:].to_parquet(root / "parts" / "b.parquet", index=False)
    con = duckdb.connect(str(root / "shop.duckdb"))
    con.execute(f"CREATE TABLE transactions AS SELECT * FROM read_parquet('{root}/parts/*.parquet')")
    con.close()
    return root


@pytest.fixture(scope="module")
def schema(ref):
    return ref("TRANSACTIONS", "helpers.btyd.schemas", "helpers.segments.schemas")


def _sources(root):
    return [
        (str(root / "tx.csv"), None),
        (str(root / "parts" / "*.parquet"), None),
        (str(root / "parts"), None),
        (f"duckdb://{root}/shop.duckdb", "transactions"),
    ]


def test_csv_parquet_and_duckdb_table_give_identical_results(cdnow_files, schema, ref, cdnow):
    expected = ref("customer_table", "helpers.segments.rfm", "helpers.segments")(cdnow, freq="W")
    results = []
    for source, table in _sources(cdnow_files):
        t = check(read_source(source, table=table, param="transactions_path"), schema, source=source)
        customers = customer_table_from_table(t, freq="W")
        summary, lorenz = concentration_from_table(revenue_per_customer(t), top_pcts=[5.0])
        results.append((customers, summary, lorenz))
        pd.testing.assert_frame_equal(customers, expected, check_exact=False, rtol=1e-12, atol=1e-9)
    for customers, summary, lorenz in results[1:]:
        pd.testing.assert_frame_equal(customers, results[0][0], check_exact=False, rtol=1e-12)
        pd.testing.assert_frame_equal(summary, results[0][1], check_exact=False, rtol=1e-12)
        pd.testing.assert_frame_equal(lorenz, results[0][2], check_exact=False, rtol=1e-12)


def test_csv_keeps_leading_zeros(cdnow_files, schema):
    t = check(read_source(str(cdnow_files / "tx.csv")), schema, source="tx.csv")
    assert t.customer_id.min().execute() == "00004"  # the first id of the sample


@pytest.mark.parametrize(("source", "table", "message"), [
    ("data/raw/nope.csv", None, "parameter 'transactions_path': file 'data/raw/nope.csv' not found"),
    ("/tmp/no_such_dir_x/*.parquet", None, "parameter 'transactions_path': no file matches"),
    ("data/raw/CDNOW_sample.txt", None, "unknown file type"),
    ("duckdb:///tmp/x.duckdb", None, "is a database URL; name the table too"),
    ("data/raw/tx.csv", "tx", "is a file; a table name ('tx') only goes with a database URL"),
    ("duckdb:///tmp/no_such_shop.duckdb", "tx", "DuckDB file '/tmp/no_such_shop.duckdb'"),
    ("", None, "parameter 'transactions_path' must be a file path or a connection URL"),
])
def test_source_errors_name_the_parameter(source, table, message):
    with pytest.raises(ParameterError) as err:
        read_source(source, table=table, param="transactions_path")
    assert message in str(err.value)


def test_unknown_table_lists_the_tables(cdnow_files):
    with pytest.raises(ParameterError) as err:
        read_source(f"duckdb://{cdnow_files}/shop.duckdb", table="orders", param="transactions_table")
    assert "parameter 'transactions_table': table 'orders' not found" in str(err.value)
    assert "it has ['transactions']" in str(err.value)


def test_parse_source_forms():
    assert parse_source("x.csv.gz").kind == "csv"
    assert parse_source("lake/*.parquet").kind == "parquet"
    assert parse_source("postgres://u@h/db", table="s.t").label == "postgres://u@h/db table 's.t'"


def test_memory_limit_and_passes_by_hand():
    """DuckDB reports 1GB as '953.6 MiB' = 999,922,073 bytes; at 40 bytes a group, 10^8 groups need
    4e9 / 999,922,073 = 4.0003 -> 5 passes, 25M groups 1.00008 -> 2, 24M groups 0.96 -> 1."""
    from helpers.warehouse.sources import duckdb_connection, hash_passes, memory_limit_bytes

    con = duckdb_connection(threads=1, memory_limit="1GB")
    assert memory_limit_bytes(con) == int(953.6 * 2**20)
    assert [hash_passes(con, g) for g in (10**8, 25_000_000, 24_000_000, 0)] == [5, 2, 1, 1]
    assert hash_passes(con, 10**12) == 64  # capped
    assert memory_limit_bytes(object()) is None and hash_passes(object(), 10**12) == 1  # not DuckDB


@pytest.mark.parametrize("values", [list(range(50)), [f"id{i}" for i in range(50)], [None, 1, 2, 3]])
@pytest.mark.parametrize("passes", [1, 2, 5])
def test_every_value_lands_in_exactly_one_bucket(values, passes):
    import ibis

    from helpers.warehouse.sources import in_bucket

    t = ibis.memtable(pd.DataFrame({"c": values, "row": range(len(values))}))
    got = sorted(r for k in range(passes) for r in t.filter(in_bucket(t.c, passes, k)).row.execute())
    assert got == list(range(len(values)))


def test_passes_rule_takes_numpy_whole_numbers_and_refuses_the_rest():
    import numpy as np

    from helpers.warehouse.sources import check_passes

    check_passes(np.int64(2))
    for bad in (0, np.float64(2.0), True, "3"):
        with pytest.raises(ParameterError, match="parameter 'passes'"):
            check_passes(bad)
