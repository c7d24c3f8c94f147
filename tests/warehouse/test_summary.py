"""The BTYD summary and the customer table on DuckDB and Spark equal the pandas/DuckDB reference."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.contracts import DataContractError
from helpers.params import ParameterError
from helpers.warehouse.summary import customer_table_from_table, summary_from_table

SUMMARY_MODULES = ("helpers.btyd.summary", "helpers.segments")
TABLE_MODULES = ("helpers.segments.rfm", "helpers.segments")

# Two customers over a month: same-day purchases, a Sunday/Monday week edge (2024-01-07 is a
# Sunday), a month edge, and a customer with one purchase.
SMALL = pd.DataFrame({
    "customer_id": ["a", "a", "a", "a", "b", "c", "c"],
    "date": pd.to_datetime(["2024-01-01 00:00", "2024-01-01 18:00", "2024-01-07", "2024-02-01",
                            "2024-01-03", "2024-01-08", "2024-01-31"], format="mixed"),
    "amount": [10.0, 5.0, 20.0, 8.0, 7.0, 1.5, 2.5],
})


def test_small_frame_by_hand(engine):
    """Customer a, days: periods 2024-01-01 (15), 01-07 (20), 02-01 (8); end 02-10."""
    out = summary_from_table(engine(SMALL), observation_end="2024-02-10")
    assert out.loc["a"].tolist() == [2.0, 31.0, 40.0, 14.0]  # freq, recency, T, (20 + 8) / 2
    assert out.loc["b"].tolist() == [0.0, 0.0, 38.0, 0.0]
    assert out.loc["c"].tolist() == [1.0, 23.0, 33.0, 2.5]
    assert out.attrs == {"observation_end": pd.Timestamp("2024-02-10"), "freq": "D"}


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
@pytest.mark.parametrize("freq", ["D", "W", "M"])
@pytest.mark.parametrize("multiplier", [1, 7])
def test_small_frame_equals_reference(engine, ref, freq, multiplier):
    summary = ref("summary_from_transactions", *SUMMARY_MODULES)
    expected = summary(SMALL, freq=freq, freq_multiplier=multiplier, observation_end="2024-02-10")
    got = summary_from_table(engine(SMALL), freq=freq, freq_multiplier=multiplier,
                             observation_end="2024-02-10")
    pd.testing.assert_frame_equal(got, expected)
    assert got.attrs == expected.attrs


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
@pytest.mark.parametrize("freq", ["D", "W", "M"])
def test_cdnow_equals_reference(engine, ref, cdnow, freq):
    summary = ref("summary_from_transactions", *SUMMARY_MODULES)
    expected = summary(cdnow, freq=freq, observation_end="1997-09-30", after_end="drop")
    got = summary_from_table(engine(cdnow), freq=freq, observation_end="1997-09-30", after_end="drop")
    # monetary: sums in another order differ in the last bits (~1e-13 USD)
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12, atol=1e-9)
    assert got.attrs == expected.attrs


def test_customer_table_equals_reference(engine, ref, cdnow):
    table = ref("customer_table", *TABLE_MODULES)
    expected = table(cdnow, freq="W")
    got = customer_table_from_table(engine(cdnow), freq="W")
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12, atol=1e-9)


def test_integer_ids_keep_their_type():
    import ibis

    tx = SMALL.assign(customer_id=SMALL["customer_id"].map({"a": 3, "b": 1, "c": 2}))
    out = summary_from_table(ibis.memtable(tx), observation_end="2024-02-10")
    assert out.index.tolist() == [1, 2, 3]
    assert out.loc[3, "frequency"] == 2.0


def test_purchases_after_end_refused_like_reference(ref):
    import ibis

    summary = ref("summary_from_transactions", *SUMMARY_MODULES)
    with pytest.raises(DataContractError) as expected:
        summary(SMALL, observation_end="2024-01-20")
    with pytest.raises(DataContractError) as got:
        summary_from_table(ibis.memtable(SMALL), observation_end="2024-01-20")
    assert str(got.value) == str(expected.value)
    assert "2 purchase(s) after the observation end 2024-01-20" in str(got.value)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"freq": "Q"}, "parameter 'freq' = 'Q' is not allowed"),
    ({"freq_multiplier": 0}, "parameter 'freq_multiplier' = 0 must be a number > 0"),
    ({"after_end": "keep"}, "parameter 'after_end' = 'keep' is not allowed"),
    ({"observation_end": "1998-13-40"}, "parameter 'observation_end' = '1998-13-40' is not a date"),
])
def test_bad_parameters(kwargs, message):
    import ibis

    with pytest.raises(ParameterError, match=message):
        summary_from_table(ibis.memtable(SMALL), **kwargs)


@pytest.mark.parametrize(("frame", "message"), [
    (SMALL.drop(columns="amount"), r"transactions: missing required column\(s\) \['amount'\]"),
    (SMALL.assign(date=SMALL["date"].astype(str)), "column 'date' must be a date or timestamp"),
    (SMALL.assign(amount=SMALL["amount"].astype(str)), "column 'amount' must be numeric"),
    (SMALL.iloc[:0], "transactions: the table has no rows"),
    (SMALL.assign(customer_id=[None, "a", "a", "a", "b", "c", "c"]), "column 'customer_id' has empty"),
])
def test_bad_tables(frame, message):
    import ibis

    with pytest.raises(DataContractError, match=message):
        summary_from_table(ibis.memtable(frame))


@pytest.mark.parametrize("observation_end", [None, "1997-09-30"])
def test_drop_returns_equals_reference(ref, observation_end):
    import ibis

    from helpers.warehouse.summary import drop_returns

    load = ref("load_cdnow", "helpers.btyd.cdnow", "helpers.segments")
    prepare = ref("prepare_transactions", "helpers.segments.load", "helpers.segments")
    raw = load("data/raw/CDNOW_sample.txt")
    expected_tx, expected_q = prepare(raw, returns="drop", observation_end=observation_end)
    got_t, got_q = drop_returns(ibis.memtable(raw), observation_end=observation_end)
    pd.testing.assert_frame_equal(got_q, expected_q, check_dtype=False, check_exact=False, rtol=1e-12)
    assert got_q["rows"].iloc[1] > 0  # the sample has zero-value lines
    got_tx = got_t.execute().sort_values(["customer_id", "date"], kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(got_tx, expected_tx, check_dtype=False)


def test_first_by_is_the_value_at_the_smallest_key_on_duckdb_as_argmin_gives_it() -> None:
    import ibis

    from helpers.warehouse.summary import first_by

    # rows out of key order: by hand, a's smallest key 1 holds 7.0 and b's smallest key 2 holds 4.0
    t = ibis.memtable(pd.DataFrame({"c": ["a", "a", "a", "b", "b"], "p": [3, 1, 2, 5, 2],
                                    "s": [5.0, 7.0, 1.0, 9.0, 4.0]}))
    assert ibis.get_backend(t).name == "duckdb"
    got = t.group_by("c").aggregate(fast=first_by(t, t.s, t.p), ibis_argmin=t.s.argmin(t.p)).execute()
    got = got.set_index("c").sort_index()
    assert got["fast"].tolist() == [7.0, 4.0] == got["ibis_argmin"].tolist()
    assert "arg_min" in str(ibis.to_sql(t.group_by("c").aggregate(v=first_by(t, t.s, t.p)))).lower()


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
@pytest.mark.parametrize("passes", [2, 3, 7])
def test_hash_passes_give_the_one_pass_frame(engine, cdnow, passes):
    """Customers split into hash buckets, one query each: the same frame, row for row. Counts and
    periods are equal exactly; money equal to the last bits (DuckDB's threads sum in any order)."""
    one = summary_from_table(engine(cdnow), freq="W", observation_end="1997-09-30", after_end="drop", passes=1)
    split = summary_from_table(engine(cdnow), freq="W", observation_end="1997-09-30", after_end="drop",
                               passes=passes)
    _same_frame(split, one)
    assert split.attrs == one.attrs
    table_one = customer_table_from_table(engine(cdnow), freq="W", passes=1)
    table_split = customer_table_from_table(engine(cdnow), freq="W", passes=passes)
    _same_frame(table_split, table_one)


def _same_frame(got: pd.DataFrame, want: pd.DataFrame) -> None:
    money = [c for c in ("monetary_value", "revenue", "average_order_value") if c in want]
    pd.testing.assert_frame_equal(got.drop(columns=money), want.drop(columns=money), check_exact=True)
    pd.testing.assert_frame_equal(got[money], want[money], check_exact=False, rtol=1e-12, atol=1e-9)


def test_hash_passes_still_refuse_an_empty_id():
    import ibis

    frame = SMALL.assign(customer_id=[None, "a", "a", "a", "b", "c", "c"])
    with pytest.raises(DataContractError, match="column 'customer_id' has empty"):
        summary_from_table(ibis.memtable(frame), passes=3)


@pytest.mark.parametrize("passes", [0, -1, 1.5, True, "2"])
def test_bad_passes(passes):
    import ibis

    with pytest.raises(ParameterError, match=f"parameter 'passes' = {passes!r} must be a whole number"):
        summary_from_table(ibis.memtable(SMALL), passes=passes)



@pytest.mark.slow
def test_the_default_splits_by_the_connections_memory_limit(cdnow, monkeypatch):
    """passes=None on a DuckDB connection limited to 32MB (DuckDB reports 30.5 MiB = 31,981,568
    bytes): CDNOW's 6,911 lines copied for 128 renamed cohorts are 884,608 lines; x 40 bytes /
    31,981,568 = 1.11 -> 2 buckets, each customer in one, and the frame one pass gives on an
    unlimited connection. The concentration revenue sums: 300,672 customers x 120 bytes /
    31,981,568 = 1.13 -> 2 passes (approx_nunique is within a few percent, not the 11% that would
    make it 1). Limit of the rule, measured while writing this test: at 16MB, 1.1M lines in the
    3 passes it chose ran out of memory, since DuckDB also holds each pass's result (368k
    customers), which the per-group estimate leaves out; at the benchmark's 1GB that is 2M
    customers a pass and fits."""
    from helpers.warehouse import concentration, summary
    from helpers.warehouse.sources import duckdb_connection, memory_limit_bytes

    frame = pd.concat([cdnow.assign(customer_id=f"c{k}-" + cdnow["customer_id"].astype(str))
                       for k in range(128)], ignore_index=True)
    con = duckdb_connection(threads=1, memory_limit="32MB")
    assert memory_limit_bytes(con) == 31_981_568 and len(frame) == 884_608
    assert frame["customer_id"].nunique() == 300_672
    con.con.register("tx", frame)
    t = con.table("tx")
    buckets = []
    real = summary.in_bucket
    monkeypatch.setattr(summary, "in_bucket", lambda col, k, i: buckets.append((k, i)) or real(col, k, i))
    auto = summary_from_table(t, freq="W", observation_end="1997-09-30", after_end="drop")
    assert buckets == [(2, 0), (2, 1)]
    unlimited = duckdb_connection(threads=1)
    unlimited.con.register("tx", frame)
    _same_frame(auto, summary_from_table(unlimited.table("tx"), freq="W", observation_end="1997-09-30",
                                         after_end="drop", passes=1))

    chosen = []
    real_split = concentration.materialize_in_passes
    monkeypatch.setattr(concentration, "materialize_in_passes",
                        lambda rows, build, col, k: chosen.append(k) or real_split(rows, build, col, k))
    got = concentration.revenue_per_customer(t).execute().set_index("customer_id")["revenue"].sort_index()
    assert chosen == [2]
    want = frame.groupby("customer_id")["amount"].sum().rename("revenue")
    pd.testing.assert_series_equal(got, want, check_exact=False, rtol=1e-12, check_index_type=False)
