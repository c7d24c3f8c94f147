"""Revenue concentration on DuckDB and Spark equals the pandas reference."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.warehouse.concentration import concentration_from_table, revenue_per_customer

CONC_MODULES = ("helpers.segments.concentration", "helpers.segments")


def _expected_concentration(ref, revenue, top_pcts, visitor_pct, points):
    summary = ref("concentration_summary", *CONC_MODULES)(revenue, top_pcts=top_pcts,
                                                          claim_visitor_pct=visitor_pct)
    lorenz = ref("lorenz_curve", *CONC_MODULES)(revenue)
    n = len(revenue)
    rows = sorted({(j * n) // points for j in range(points + 1)})
    return summary, lorenz.iloc[rows].reset_index(drop=True)


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
@pytest.mark.parametrize(("revenue", "points"), [
    ([1.0, 1.0, 2.0, 6.0], 4),
    ([0.0, 0.0, 0.0, 4.0], 10),          # fewer customers than points: duplicates dropped
    ([3.0, 3.0, 3.0, 3.0, 3.0], 5),      # all equal: gini 0
    (list(np.round(np.random.default_rng(7).lognormal(3, 1, 203), 2)), 20),
])
def test_concentration_small_equals_reference(engine, ref, revenue, points):
    frame = pd.DataFrame({"revenue": revenue})
    got_s, got_l = concentration_from_table(engine(frame), top_pcts=[5.0, 25.0, 50.0], claim_visitor_pct=25.0,
                                            points=points)
    exp_s, exp_l = _expected_concentration(ref, revenue, [5.0, 25.0, 50.0], 25.0, points)
    pd.testing.assert_frame_equal(got_s, exp_s, check_exact=False, rtol=1e-12)
    pd.testing.assert_frame_equal(got_l, exp_l, check_exact=False, rtol=1e-12)


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
@pytest.mark.parametrize("points", [1, 3, 7, 100, 1500])
@pytest.mark.parametrize("share", [0.05, 0.5, 0.9, 0.999, 1.0])
def test_richest_share_and_lorenz_equal_reference_at_any_bucket_size(engine, ref, points, share):
    """The share of customers for ``share`` of revenue is found from bucket sums plus one bucket's
    running sum: the reference's count on 1,000 customers with many ties (whole dollars), for
    buckets of 1,000, ~143 and 10 ranks and more points than customers."""
    revenue = list(np.round(np.random.default_rng(11).lognormal(2, 1.2, 1_000)))
    got_s, got_l = concentration_from_table(engine(pd.DataFrame({"revenue": revenue})), claim_revenue_share=share,
                                            points=points)
    want = ref("share_customers_for", *CONC_MODULES)(np.asarray(revenue), share)
    assert got_s.loc["share_customers_for_90pct_revenue", "value"] == want
    exp_l = _expected_concentration(ref, revenue, [5.0], 5.0, points)[1]
    pd.testing.assert_frame_equal(got_l, exp_l, check_exact=False, rtol=1e-12)


def test_concentration_by_hand(engine):
    s, lorenz = concentration_from_table(engine(pd.DataFrame({"revenue": [0.0, 0.0, 0.0, 4.0]})),
                                         top_pcts=[25.0], points=4)
    assert s.loc["gini", "value"] == 0.75          # (2*4 - 4 - 1) * 4 / (4 * 4)
    assert s.loc["top_share.25", "value"] == 1.0
    assert s.loc["share_customers_for_90pct_revenue", "value"] == 0.25
    assert lorenz["revenue_share"].tolist() == [0.0, 0.0, 0.0, 0.0, 1.0]


def test_concentration_cdnow_equals_reference(engine, ref, cdnow):
    revenue = revenue_per_customer(engine(cdnow))
    got_s, got_l = concentration_from_table(revenue, top_pcts=[1.0, 5.0, 20.0], points=100)
    expected_revenue = cdnow.groupby("customer_id")["amount"].sum()
    exp_s, exp_l = _expected_concentration(ref, expected_revenue, [1.0, 5.0, 20.0], 5.0, 100)
    pd.testing.assert_frame_equal(got_s, exp_s, check_exact=False, rtol=1e-10)
    pd.testing.assert_frame_equal(got_l, exp_l, check_exact=False, rtol=1e-10)


@pytest.mark.parametrize(("revenue", "kwargs", "message"), [
    ([], {}, "at least one customer"),
    ([1.0, -2.0], {}, "finite and >= 0"),
    ([0.0, 0.0], {}, "total revenue must be > 0"),
    ([1.0], {"top_pcts": [100.0]}, "pct = 100.0 must be a percentage"),
    ([1.0], {"points": 0}, "points = 0 must be a whole number >= 1"),
])
def test_concentration_bad_input(revenue, kwargs, message):
    import ibis

    with pytest.raises(ValueError, match=message):
        concentration_from_table(ibis.memtable(pd.DataFrame({"revenue": pd.Series(revenue, dtype="float64")})),
                                 **kwargs)


@pytest.mark.parametrize("passes", [2, 5])
def test_revenue_in_hash_passes_is_the_one_pass_sum(cdnow, passes):
    """Every customer once, with the sum of its lines: as the pandas group-by gives it."""
    import ibis

    got = revenue_per_customer(ibis.memtable(cdnow), passes=passes).execute().set_index("customer_id")["revenue"]
    want = cdnow.groupby("customer_id")["amount"].sum()
    assert len(got) == len(want) and got.index.is_unique
    pd.testing.assert_series_equal(got.sort_index(), want.rename("revenue"), check_exact=False, rtol=1e-12,
                                   check_index_type=False)


@pytest.mark.parametrize("passes", [0, 2.0, True])
def test_revenue_bad_passes(cdnow, passes):
    import ibis

    from helpers.params import ParameterError

    with pytest.raises(ParameterError, match=f"parameter 'passes' = {passes!r} must be a whole number"):
        revenue_per_customer(ibis.memtable(cdnow), passes=passes)
