"""Notebook 06 gives the same customer table, RFM segments and concentration from CDNOW as a text
file (pandas), as a CSV following the contract, as Parquet and as a DuckDB table (Ibis on DuckDB)."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from helpers.btyd.cdnow import load_cdnow
from helpers.contracts import DataContractError, ParameterError
from helpers.segments.params import Params
from helpers.segments.sources import (
    concentration_of,
    customers_of,
    is_cdnow_text,
    open_transactions,
    rfm_of,
    validate_of,
)

SAMPLE = "data/raw/CDNOW_sample.txt"
END = "1998-06-30"
TOP = [1.0, 5.0, 10.0, 20.0]


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, tuple[str, str]]:
    """The CDNOW sample as CSV (text dates), Parquet and a DuckDB table, in a temporary folder."""
    d = tmp_path_factory.mktemp("cdnow")
    raw = load_cdnow(SAMPLE)
    raw.assign(date=raw["date"].dt.strftime("%Y-%m-%d")).to_csv(d / "cdnow.csv", index=False)
    raw.to_parquet(d / "cdnow.parquet")
    con = duckdb.connect(str(d / "shop.duckdb"))
    con.execute(f"CREATE TABLE tx AS SELECT * FROM read_parquet('{d / 'cdnow.parquet'}')")
    con.close()
    return {"csv": (str(d / "cdnow.csv"), ""), "parquet": (str(d / "cdnow.parquet"), ""),
            "duckdb": (f"duckdb:///{d / 'shop.duckdb'}", "tx")}


@pytest.fixture(scope="module")
def opened(files):
    """Each converted file opened once (returns dropped, observation end 1998-06-30)."""
    return {kind: open_transactions(*spec, returns="drop", observation_end=END) for kind, spec in files.items()}


@pytest.fixture(scope="module")
def reference():
    return open_transactions(SAMPLE, returns="drop", observation_end=END)


def test_the_text_layout_is_read_in_pandas(reference):
    assert reference.engine == "pandas"
    assert (reference.info.lines_read, reference.info.purchases, reference.info.customers) == (6919, 6911, 2349)


@pytest.mark.parametrize("kind", ["csv", "parquet", "duckdb"])
def test_quality_and_description_equal_the_pandas_path(opened, reference, kind):
    got = opened[kind]
    assert got.engine == "duckdb"
    pd.testing.assert_frame_equal(got.quality, reference.quality)
    expected = reference.info.__dict__ | {"name": "tx" if kind == "duckdb" else "CDNOW"}
    assert got.info.__dict__ == expected


@pytest.mark.parametrize("freq", ["D", "W", "M"])
@pytest.mark.parametrize("kind", ["csv", "parquet", "duckdb"])
def test_customers_rfm_and_concentration_equal_the_pandas_path(opened, reference, kind, freq):
    got = opened[kind]
    c0 = customers_of(reference, observation_end=END, freq=freq)
    c1 = customers_of(got, observation_end=END, freq=freq)
    pd.testing.assert_frame_equal(c1, c0, check_exact=False, rtol=0, atol=1e-9)
    for monetary in ("average", "total"):
        pd.testing.assert_frame_equal(rfm_of(got, c1, bins=5, monetary=monetary),
                                      rfm_of(reference, c0, bins=5, monetary=monetary),
                                      check_exact=False, rtol=0, atol=1e-9)
    k0 = concentration_of(reference, c0, top_pcts=TOP, claim_visitor_pct=5.0)
    k1 = concentration_of(got, c1, top_pcts=TOP, claim_visitor_pct=5.0)
    pd.testing.assert_frame_equal(k1, k0, check_exact=False, rtol=0, atol=1e-9)


@pytest.mark.parametrize(("kind", "calibration_end", "freq"), [
    ("parquet", None, "D"), ("duckdb", "1997-09-30", "W"), ("csv", "1997-06-30", "D")])
def test_the_out_of_sample_check_equals_the_pandas_path(opened, reference, kind, calibration_end, freq):
    v0 = validate_of(reference, calibration_end=calibration_end, freq=freq)
    v1 = validate_of(opened[kind], calibration_end=calibration_end, freq=freq)
    pd.testing.assert_frame_equal(v1.table, v0.table, check_exact=False, rtol=0, atol=1e-9)
    assert (v1.calibration_end, v1.holdout_end, v1.customers) == (v0.calibration_end, v0.holdout_end, v0.customers)
    assert v1.fit.params == pytest.approx(v0.fit.params, abs=1e-9)


def test_an_out_of_range_calibration_end_names_the_parameter(opened):
    with pytest.raises(ParameterError, match="parameter 'calibration_end' = '1999-01-01' must fall between"):
        validate_of(opened["parquet"], calibration_end="1999-01-01")


def test_the_segments_are_not_all_in_one_cell(files, reference):
    # guards the equality above from being vacuous: several segments, and a Gini well inside (0, 1)
    c = customers_of(reference, observation_end=END)
    assert rfm_of(reference, c)["segment"].nunique() >= 6
    assert 0.4 < concentration_of(reference, c, top_pcts=TOP, claim_visitor_pct=5.0).loc["gini", "value"] < 0.9


def test_net_returns_from_parquet_equal_the_pandas_path(files):
    ref = open_transactions(SAMPLE, returns="net", observation_end="1997-09-30")
    got = open_transactions(*files["parquet"], returns="net", observation_end="1997-09-30")
    pd.testing.assert_frame_equal(got.quality, ref.quality)
    pd.testing.assert_frame_equal(customers_of(got, observation_end="1997-09-30"),
                                  customers_of(ref, observation_end="1997-09-30"), check_exact=False, atol=1e-9)


def test_frame_of_a_table_source_equals_the_text_file(opened, reference):
    def rows(df):
        out = df[["customer_id", "date", "amount"]].astype({"date": "datetime64[ns]", "amount": "float64"})
        return out.sort_values(list(out.columns), kind="stable").reset_index(drop=True)

    got = opened["duckdb"].frame()
    assert len(got) == 6919
    pd.testing.assert_frame_equal(rows(got), rows(reference.raw), check_dtype=False)


def test_a_contract_break_names_the_file_and_column(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("customer_id,date,amount\na,2024-01-01,12.5\nb,2024-01-02,twelve\n")
    with pytest.raises(DataContractError, match=r"bad\.csv.*'amount' must be numeric.*'twelve'"):
        open_transactions(str(bad))


@pytest.mark.parametrize(("path", "table", "message"), [
    ("duckdb:///nowhere/shop.duckdb", "tx", "DuckDB file .*not found"),
    ("duckdb:///nowhere/shop.duckdb", "", "is a database URL; name the table"),
    (SAMPLE, "tx", "is a file; a table name"),
])
def test_bad_sources_name_the_parameter(path, table, message):
    with pytest.raises(ParameterError, match=f"transactions_path.*{message}"):
        open_transactions(path, table)


def test_an_unknown_table_lists_the_tables(files):
    with pytest.raises(ParameterError, match=r"table 'orders' not found.*\['tx'\]"):
        open_transactions(files["duckdb"][0], "orders")


def test_which_paths_are_text_layouts(files):
    assert is_cdnow_text(SAMPLE) and is_cdnow_text("data/raw/CDNOW_master.txt")
    assert not any(is_cdnow_text(*files[k]) for k in files)
    assert not is_cdnow_text("/lake/tx/*.parquet")


def test_params_accept_a_url_with_a_table_and_refuse_mismatches(files):
    assert Params(transactions_path=files["duckdb"][0], transactions_table="tx").transactions_table == "tx"
    assert Params(transactions_path="/lake/tx/*.parquet").transactions_table == ""
    with pytest.raises(ValueError, match="is a database URL: name the table in transactions_table"):
        Params(transactions_path=files["duckdb"][0])
    with pytest.raises(ValueError, match="transactions_table = 'tx' goes only with a database URL"):
        Params(transactions_table="tx")
    # a missing file is refused by the runner before any kernel starts (a URL is left to the loader)
    from helpers.params import OverrideError
    from helpers.runner import load_runs, plan_jobs

    with pytest.raises(OverrideError, match="parameter 'transactions_path': input file 'data/raw/none.txt' not found"):
        plan_jobs(load_runs(), ["06_rfm_segments"], runs=["mine"], cli_overrides={"transactions_path": "data/raw/none.txt"})
    [job] = plan_jobs(load_runs(), ["06_rfm_segments"], runs=["mine"],
                      cli_overrides={"transactions_path": files["duckdb"][0], "transactions_table": "tx"})
    assert all(not str(f).endswith(".duckdb") for f in job.inputs)  # the event log files only


def test_splits_run_on_the_engine_a_quarter_apart_and_stop_where_segments_run_out(opened, reference, monkeypatch):
    from helpers.segments import sources

    main = validate_of(reference)
    vals = sources.validation_splits_of(reference, main, splits=3, step_days=91)
    assert [str(v.calibration_end.date()) for v in vals] == ["1997-09-30", "1997-07-01", "1997-04-01"]
    assert len({v.holdout_weeks for v in vals}) == 1  # equal holdouts
    on_engine = sources.validation_splits_of(opened["duckdb"], validate_of(opened["duckdb"]), splits=3, step_days=91)
    pd.testing.assert_frame_equal(on_engine[2].table, vals[2].table, check_exact=False, rtol=0, atol=1e-9)
    # an earlier split left with two non-empty segments is dropped, and so are those before it
    two = main.table.copy()
    two.loc[two.index[2:], "customers"] = 0
    monkeypatch.setattr(sources, "validate_of", lambda *a, **k: type(main)(two, *list(main.__dict__.values())[1:]))
    assert sources.validation_splits_of(reference, main, splits=3, step_days=91) == [main]
