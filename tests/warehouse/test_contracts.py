"""Contracts checked on the engine: the same rules and messages as the pandas loaders, ids pseudonymised."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.contracts import DataContractError, load_csv
from helpers.privacy import pseudonymise
from helpers.warehouse.contracts import check
from helpers.warehouse.sources import read_source


@pytest.fixture(scope="module")
def schema(ref):
    return ref("TRANSACTIONS", "helpers.btyd.schemas", "helpers.segments.schemas")


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
