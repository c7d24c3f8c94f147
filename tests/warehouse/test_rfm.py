"""RFM scores on DuckDB and Spark equal the pandas reference."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.warehouse.rfm import rfm_from_table
from helpers.warehouse.summary import customer_table_from_table

RFM_MODULES = ("helpers.segments.rfm", "helpers.segments")

# Ties on every score: two customers share each value of purchase_periods and revenue.
CUSTOMERS = pd.DataFrame({
    "periods_since_last": [1.0, 2.0, 30.0, 40.0, 5.0, 60.0, 2.0, 30.0],
    "purchase_periods": [5.0, 1.0, 6.0, 1.0, 2.0, 1.0, 5.0, 2.0],
    "revenue": [500.0, 10.0, 600.0, 15.0, 80.0, 5.0, 500.0, 15.0],
    "average_order_value": [100.0, 10.0, 100.0, 15.0, 40.0, 5.0, 100.0, 7.5],
}, index=pd.Index(list("abcdefgh"), name="customer_id"))


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
@pytest.mark.parametrize("monetary", ["average", "total"])
@pytest.mark.parametrize("bins", [3, 5, 10])
def test_rfm_small_frame_equals_reference(engine, ref, bins, monetary):
    rfm = ref("rfm_segments", *RFM_MODULES)
    expected = rfm(CUSTOMERS, bins=bins, monetary=monetary)
    got = rfm_from_table(engine(CUSTOMERS.reset_index()), bins=bins, monetary=monetary)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert got[["r_score", "f_score", "m_score"]].dtypes.eq("int64").all()


def test_rfm_by_hand(engine):
    got = rfm_from_table(engine(CUSTOMERS.reset_index()), bins=3, monetary="total")
    # revenue ranks (min, 1-based) 5->1, 10->2, 15->3, 80->5, 500->6, 600->8 of n = 8;
    # score 1 + floor(3 (r - 1) / 8)
    assert got["m_score"].tolist() == [2, 1, 3, 1, 2, 1, 2, 1]
    # a: R rank 8 (fewest periods since last) -> 3 = high; F rank 6 -> 2, M 2 -> FM 2 = mid
    assert got.loc["a", ["r_score", "fm_score", "segment"]].tolist() == [3, 2.0, "potential_loyalists"]
    pd.testing.assert_frame_equal(got, rfm_from_table(CUSTOMERS, bins=3, monetary="total"))  # DataFrame wrapped


def test_rfm_cdnow_equals_reference(engine, ref, cdnow):
    table = ref("customer_table", *RFM_MODULES)
    rfm = ref("rfm_segments", *RFM_MODULES)
    customers = customer_table_from_table(engine(cdnow), freq="W")
    pd.testing.assert_frame_equal(customers, table(cdnow, freq="W"), check_exact=False, rtol=1e-12)
    # scores on the engine's own customer table (money ties are ties of its sums)
    for monetary in ("average", "total"):
        got = rfm_from_table(engine(customers.reset_index()), bins=5, monetary=monetary)
        pd.testing.assert_frame_equal(got, rfm(customers, bins=5, monetary=monetary), check_dtype=False)


def test_rfm_bad_bins_and_monetary():
    from helpers.params import ParameterError

    with pytest.raises(ValueError, match="bins = 2 must be a whole number in 3..10"):
        rfm_from_table(CUSTOMERS, bins=2)
    with pytest.raises(ParameterError, match="parameter 'monetary' = 'mean' is not allowed"):
        rfm_from_table(CUSTOMERS, monetary="mean")
