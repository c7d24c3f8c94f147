"""Table contracts and parameter checks: errors name the file, column, rows and values."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.contracts import (
    Column,
    DataContractError,
    ParameterError,
    Schema,
    load_csv,
    require_choice,
    require_date,
    require_file,
    require_number,
    require_subset,
    require_weights,
    validate,
)

ORDERS = Schema(
    name="orders_test",
    columns=(
        Column("order_id", "str"),
        Column("amount", "float", low=0),
        Column("qty", "int", low=1),
        Column("status", "str", allowed=("paid", "cancelled")),
        Column("paid", "bool"),
        Column("day", "date"),
    ),
    unique=("order_id",),
)


def good() -> pd.DataFrame:
    return pd.DataFrame({
        "order_id": ["o1", "o2", "o3"],
        "amount": ["10.5", "0", "3"],
        "qty": ["1", "2", "1"],
        "status": ["paid", "cancelled", "paid"],
        "paid": ["true", "no", "1"],
        "day": ["2024-01-01", "2024-01-02", "2024-01-03"],
    })


def test_validate_coerces_declared_dtypes():
    out = validate(good(), ORDERS)
    assert out["amount"].tolist() == [10.5, 0.0, 3.0]
    assert out["qty"].dtype == "int64"
    assert out["paid"].tolist() == [True, False, True]
    assert out["day"].iloc[1] == pd.Timestamp("2024-01-02")


@pytest.mark.parametrize("column, values, message", [
    ("amount", ["10", "x", "3"], r"column 'amount' must be numeric; 1 row\(s\) \(line 3\) have 'x'"),
    ("amount", ["10", "-1", "3"], r"column 'amount' must be >= 0; 1 row\(s\) \(line 3\)"),
    ("qty", ["1", "1.5", "1"], r"column 'qty' must hold whole numbers"),
    ("status", ["paid", "refunded", "paid"], r"allows only \['paid', 'cancelled'\].*'refunded'"),
    ("paid", ["true", "maybe", "1"], r"column 'paid' must be true/false.*'maybe'"),
    ("day", ["2024-01-01", "yesterday", "2024-01-03"], r"column 'day' must be an ISO date"),
    ("order_id", ["o1", "o1", "o3"], r"duplicate \(order_id\) in 2 row\(s\) \(line 2, 3\)"),
    ("status", ["paid", None, "paid"], r"column 'status' has empty values in 1 row\(s\) \(line 3\)"),
])
def test_validate_names_column_rows_and_values(column, values, message):
    df = good()
    df[column] = values
    with pytest.raises(DataContractError, match=message):
        validate(df, ORDERS, source="orders.csv", csv_lines=True)


def test_missing_column_and_empty_table():
    with pytest.raises(DataContractError, match=r"orders.csv \(orders_test\): missing required column\(s\) \['qty'\]"):
        validate(good().drop(columns="qty"), ORDERS, source="orders.csv")
    with pytest.raises(DataContractError, match="has no rows"):
        validate(good().iloc[0:0], ORDERS)


def test_timezone_aware_columns():
    schema = Schema("msgs", (Column("sent_at", "datetime_tz"),))
    aware = validate(pd.DataFrame({"sent_at": ["2024-03-04T12:30:00+09:00"]}), schema)
    assert str(aware["sent_at"].dt.tz) == "UTC+09:00"
    with pytest.raises(DataContractError, match="without a timezone.*timezone parameter"):
        validate(pd.DataFrame({"sent_at": ["2024-03-04 12:30:00"]}), schema)
    read = validate(pd.DataFrame({"sent_at": ["2024-03-04 12:30:00"]}), schema, tz="Asia/Seoul")
    assert read["sent_at"].iloc[0] == pd.Timestamp("2024-03-04 03:30:00", tz="UTC")


def test_load_csv_reports_file_and_line(tmp_path):
    path = tmp_path / "orders.csv"
    good().assign(amount=["1", "2", "-5"]).to_csv(path, index=False)
    with pytest.raises(DataContractError, match=r"orders.csv \(orders_test\): column 'amount' must be >= 0; 1 row\(s\) \(line 4\) have -5.0"):
        load_csv(path, ORDERS)
    with pytest.raises(ParameterError, match="parameter 'orders_path': file .* not found"):
        load_csv(tmp_path / "nope.csv", ORDERS, param="orders_path")


@pytest.mark.parametrize("call, message", [
    (lambda: require_choice("currency", "usd", ["USD", "KRW"]), r"'currency' = 'usd' is not allowed; choose one of \['USD', 'KRW'\]"),
    (lambda: require_subset("companies", ["Amazon", "Ebay"], ["Amazon", "Coupang"]), r"'companies' has \['Ebay'\]"),
    (lambda: require_subset("companies", "Amazon", ["Amazon"]), "must be a list"),
    (lambda: require_number("gross_margin", 1.5, low=0, high=1), r"'gross_margin' = 1.5 is out of range; it must be >= 0 and <= 1"),
    (lambda: require_number("roi", 0, low=0, low_inclusive=False), r"'roi' = 0 is out of range; it must be > 0"),
    (lambda: require_number("n", "3"), "must be a number"),
    (lambda: require_number("n", True), "must be a number"),
    (lambda: require_number("n", 2.5, integer=True), "whole number"),
    (lambda: require_number("n", float("nan")), "must be finite"),
    (lambda: require_weights("w", {"S": 0.5, "A": 0.4}), "sum to 0.9; they must sum to 1"),
    (lambda: require_weights("w", {"S": 1.2, "A": -0.2}), r"w\['A'\]\" = -0.2 is out of range"),
    (lambda: require_weights("w", {"X": 1.0}, keys=["S", "A"]), r"has keys \['X'\]"),
    (lambda: require_file("data_path", "data/raw/no_such_file.csv"), "'data_path': file 'data/raw/no_such_file.csv' not found"),
    (lambda: require_date("observation_end", "31/12/2024x"), "not an ISO date"),
    (lambda: require_date("observation_end", "June"), "not an ISO date"),
    (lambda: require_date("observation_end", "31/12/2024"), "not an ISO date"),
    (lambda: require_date("observation_end", 20241231), "not an ISO date"),
])
def test_parameter_checks_name_parameter_value_and_rule(call, message):
    with pytest.raises(ParameterError, match=message):
        call()


def test_parameter_checks_pass_values_through():
    assert require_number("n", 3, integer=True) == 3
    assert require_weights("w", {"S": 0.25, "A": 0.75}) == {"S": 0.25, "A": 0.75}
    assert require_date("d", "2024-12-31") == pd.Timestamp("2024-12-31")
    assert require_date("d", "2024-12-31T23:00:00") == pd.Timestamp("2024-12-31 23:00")


def test_schema_markdown_lists_every_column():
    md = ORDERS.to_markdown()
    for col in ORDERS.names:
        assert f"`{col}`" in md
    assert "One row per (order_id)." in md
