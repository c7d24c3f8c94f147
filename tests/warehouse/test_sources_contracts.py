"""Sources (CSV, Parquet, DuckDB table) give identical results; contracts on the engine name what is wrong."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from helpers.contracts import DataContractError, load_csv
from helpers.params import ParameterError
from helpers.privacy import pseudonymise
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


@pytest.mark.parametrize(("name", "schema_path"), [
    ("coupons_orders", ("COUPON_ORDERS", "helpers.coupons.schemas")),
    ("cadence_messages", ("CADENCE_MESSAGES", "helpers.cadence.schemas")),
    ("segments_events", ("EVENTS", "helpers.segments.schemas")),
])
def test_checked_csv_equals_pandas_loader(ref, name, schema_path):
    schema = ref(*schema_path)
    path = f"data/synthetic/{name}.csv"
    expected = load_csv(path, schema)
    got = check(read_source(path), schema, source=path).execute()
    for col in schema.names:
        a, b = got[col], expected[col]
        if pd.api.types.is_datetime64_any_dtype(b):
            a = pd.to_datetime(a)
            if isinstance(b.dtype, pd.DatetimeTZDtype):
                b = b.dt.tz_convert("UTC")
            a, b = a.astype(b.dtype), b
        assert sorted(a.tolist(), key=repr) == sorted(b.tolist(), key=repr), col


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


# --- contracts ---------------------------------------------------------------------------

TX = pd.DataFrame({"customer_id": ["00042", "00042", "00007"], "date": ["2024-01-01", "2024-01-02", "2024-01-03"],
                   "amount": ["10.5", "3", "7"], "quantity": ["1", "2", "1"]})


def _bad(**changes):
    frame = TX.copy()
    for col, (row, value) in changes.items():
        frame.loc[row, col] = value
    return frame


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
@pytest.mark.parametrize(("frame", "message"), [
    (TX.drop(columns="amount"), "tx.csv (transactions): missing required column(s) ['amount']"),
    (TX.iloc[:0], "tx.csv (transactions): the table has no rows"),
    (_bad(amount=(1, " ")), "column 'amount' has empty values in 1 row(s)"),
    (_bad(amount=(1, "ten")), "column 'amount' must be numeric; 1 row(s) have 'ten'"),
    (_bad(date=(2, "2024-13-01")), "column 'date' must be an ISO date/time; 1 row(s) have '2024-13-01'"),
    (_bad(quantity=(0, "-1")), "column 'quantity' must be >= 0; 1 row(s) have -1.0"),
    (_bad(quantity=(0, "1.5")), "column 'quantity' must hold whole numbers; 1 row(s) have '1.5'"),
])
def test_contract_messages(engine, schema, frame, message):
    with pytest.raises(DataContractError) as err:
        check(engine(frame), schema, source="tx.csv")
    assert message in str(err.value)


@pytest.mark.parametrize(("frame", "message"), [
    (_bad(amount=(1, "ten")), "column 'amount' must be numeric; 1 row(s) have 'ten'"),
    (_bad(quantity=(0, "-1")), "column 'quantity' must be >= 0; 1 row(s) have -1.0"),
])
def test_contract_messages_on_each_engine(engine, schema, frame, message):
    with pytest.raises(DataContractError) as err:
        check(engine(frame), schema, source="tx.csv")
    assert message in str(err.value)


def test_contract_examples_pseudonymise_customer_ids(schema):
    import ibis

    with pytest.raises(DataContractError) as err:
        check(ibis.memtable(_bad(amount=(0, "ten"))), schema, source="tx.csv")
    text = str(err.value)
    assert "00042" not in text
    assert pseudonymise("00042") in text


def test_contract_allowed_and_unique(ref):
    import ibis

    events = ref("EVENTS", "helpers.segments.schemas")
    frame = pd.DataFrame({"event_time": ["2024-01-01T10:00:00"] * 2, "customer_id": ["U1", "U2"],
                          "event": ["view", "click"], "product_id": ["P1", "P2"], "category": ["books"] * 2,
                          "order_id": [None, None], "price": ["1.0", "2.0"]})
    with pytest.raises(DataContractError, match=r"column 'event' allows only \['view', 'cart_add', "
                                                r"'purchase'\]; 1 row\(s\) have 'click'"):
        check(ibis.memtable(frame), events, source="events.csv")
    pairs = ref("PLANTED_PAIRS", "helpers.segments.schemas")
    dup = pd.DataFrame({"product_a": ["P1", "P1"], "product_b": ["P2", "P2"], "design_lift": [1.0, 1.0],
                        "lift": [2.0, 2.0]})
    with pytest.raises(DataContractError, match=r"duplicate \(product_a, product_b\) in 2 row\(s\), "
                                                r"e.g. \[\{'product_a': 'P1', 'product_b': 'P2'\}\]"):
        check(ibis.memtable(dup), pairs, source="truth.csv")


def test_naive_timestamps_need_a_timezone(ref):
    import ibis

    schema = ref("CADENCE_EVENTS", "helpers.cadence.schemas")
    frame = pd.DataFrame({"customer_id": ["K1", "K1"], "event": ["signup", "purchase"],
                          "at": ["2024-03-04T12:00:00+09:00", "2024-03-05T12:00:00"]})
    with pytest.raises(DataContractError, match="column 'at' has timestamps without a timezone in 1 row"):
        check(ibis.memtable(frame), schema, source="events.csv")
    got = check(ibis.memtable(frame), schema, source="events.csv", tz="Asia/Seoul").execute()
    assert [str(t) for t in got["at"]] == ["2024-03-04 03:00:00+00:00", "2024-03-05 03:00:00+00:00"]
