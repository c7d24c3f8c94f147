"""The whole chain on the shipped filings: values equal the filings named in data/raw/filings.csv.

Amazon 10-K FY2024 (acc. 0001018724-25-000004, R34.htm); Coupang 10-Q Q3-2024
(acc. 0001834584-24-000088, R2.htm); Coupang Corp FY2024 as quoted by Asia Business Daily (2025).
"""

from __future__ import annotations

import pytest

from helpers import revenue
from helpers.revenue import report


def test_required_keys_on_shipped_filings():
    a = revenue.analyse(revenue.Params.build({}))
    res = report.result_records(a.lines, a.categories, a.totals)
    # Amazon FY2024: net sales 637,959; online stores 247,029; 3P 156,146; advertising 56,214 (46,906 in 2023)
    assert res["amazon.online_stores.share"] == pytest.approx(247029 / 637959, rel=1e-12)
    assert res["amazon.third_party_seller_services.share"] == pytest.approx(156146 / 637959, rel=1e-12)
    assert res["amazon.advertising_services.yoy"] == pytest.approx(56214 / 46906 - 1, rel=1e-12)
    # Coupang Corp FY2024 (UNVERIFIED): product 30.6798 of 30.6798 + 6.3643 + 1.2548 = 38.2989
    assert res["coupang_corp.product_sales.share"] == pytest.approx(30.6798 / 38.2989, rel=1e-12)
    assert res["amazon.total"] == pytest.approx(637959e6)
    assert res["amazon.total_yoy"] == pytest.approx(637959 / 574785 - 1)
    assert res["amazon.category.retail_1p.share"] == pytest.approx((247029 + 21215) / 637959)
    # Coupang Corp total in USD at the DERIVED 2024 rate 1,364.435 KRW per USD
    assert res["coupang_corp.total"] == pytest.approx(38.2989e12 / 1364.435)
    assert res["coupang_corp.fx_rate"] == pytest.approx(1 / 1364.435)
    flags = a.flags
    assert set(flags["company"]) == {"Coupang Corp"}
    assert (flags["status"] == "UNVERIFIED").sum() == 3 and (flags["status"] == "DERIVED").sum() == 4
    assert set(a.lines.loc[a.lines["company"] == "Coupang Corp", "status"]) == {"UNVERIFIED"}


def test_segment_and_9m_views_of_coupang_inc():
    seg = revenue.analyse(revenue.Params.build(
        {"companies": ["Coupang"], "breakdown": "segment"})).lines.set_index("line")
    # Product Commerce 26,699 of 30,268 (2024); 23,594 in 2023 (DERIVED = 24,383 - 789)
    assert seg.loc["Product Commerce", "share"] == pytest.approx(26699 / 30268)
    assert seg.loc["Product Commerce", "yoy"] == pytest.approx(26699 / 23594 - 1)
    # CAGR 2021 -> 2024 from the recast 2021 figure 17,837.717
    assert seg.loc["Product Commerce", "cagr"] == pytest.approx((26699 / 17837.717) ** (1 / 3) - 1)
    assert seg.loc["Product Commerce", "status"] == "UNVERIFIED"  # uses the UNVERIFIED 2023 DO figure
    nine = revenue.analyse(revenue.Params.build(
        {"companies": ["Coupang"], "base_year": 2023, "period": "9M"})).lines.set_index("line")
    # 10-Q Q3-2024: third-party merchant services 9M-2024 3,920 vs 9M-2023 1,732; total 22,303
    assert nine.loc["Third-party merchant services", "yoy"] == pytest.approx(3920 / 1732 - 1)
    assert nine.loc["Third-party merchant services", "share"] == pytest.approx(3920 / 22303)
    assert nine.loc["Third-party merchant services", "status"] == "VERIFIED-2"
