"""Growth four ways: reported, constant-currency (with the share treated as the operating currency),
organic, organic constant-currency. Expected values by hand from the tiny files and the shipped figures."""

from __future__ import annotations

import math

import pytest

from helpers import revenue
from helpers.revenue import growth

EVENTS = ["event_id,company,kind,description,announced,first_fiscal_year,lines_affected,fiscal_year,period,"
          "acquired_revenue,currency,unit,source,status,date_status,note,consolidated,earns_in",
          "shop,Acme,acquisition,Shop Ltd,2023-12,2024,Ads,2024,FY,10,USD,million,test,VERIFIED-1,VERIFIED-1,,"
          "2024-01,GBP"]
COMPANIES = ["company,entity,reporting_currency,operating_currency,source,status,note,also_earns_in",
             "Acme,Acme Inc,USD,KRW,test,VERIFIED-1,,TWD",
             "Beta,Beta Corp,KRW,KRW,test,VERIFIED-1,,"]


def test_four_growth_rates_by_hand(tiny):
    a = tiny.run(tiny.write(events_path=EVENTS, companies_path=COMPANIES))
    g = a.growth.set_index("company").loc["Acme"]
    # Acme: 100 (2024) and 80 (2023) USD million; Shop (earns in GBP) 10 of 2024; KRW 1,300 / 1,250 -> 1.04
    assert g["reported_yoy"] == pytest.approx(100 / 80 - 1)  # 0.25
    assert g["cc_yoy"] == pytest.approx(((100 - 10) * 1.04 + 10) / 80 - 1)  # (93.6 + 10) / 80 - 1 = 0.295
    assert g["operating_share"] == pytest.approx(90 / 100)
    assert g["organic_yoy"] == pytest.approx(90 / 80 - 1)  # 0.125
    assert g["organic_cc_yoy"] == pytest.approx(90 * 1.04 / 80 - 1)  # 93.6 / 80 - 1 = 0.17
    assert g["cc_treated_as"] == ("90.0% of 2024 revenue treated as earned in KRW (including revenue in TWD: no "
                                  "filing read splits it by currency); shop revenue (10 million, earns in GBP) left "
                                  "at reported USD")
    assert g["organic_cc_treated_as"].startswith("100% of organic revenue (without shop's inorganic months)")
    rec = revenue.report.growth_records(a)
    assert rec["acme.organic_constant_currency_yoy"] == pytest.approx(0.17)
    assert rec["acme.constant_currency_operating_share"] == pytest.approx(0.9)
    assert "beta.total_yoy_constant_currency" not in rec  # Beta reports in the currency it earns in


def test_an_acquisition_earning_in_the_operating_currency_is_restated(tiny):
    events = [EVENTS[0], EVENTS[1].replace(",GBP", ",KRW")]
    g = tiny.run(tiny.write(events_path=events, companies_path=COMPANIES)).growth.set_index("company").loc["Acme"]
    assert g["cc_yoy"] == pytest.approx(100 * 1.04 / 80 - 1)  # 104 / 80 - 1 = 0.30: all of it as KRW
    assert g["operating_share"] == pytest.approx(1.0)


def test_unrestated_revenue_needs_the_first_year():
    import pandas as pd

    org = pd.DataFrame({"company": ["A"], "event_id": ["x"], "level": ["total"], "acquired_revenue": [5e6],
                        "acquired_revenue_low": [5e6]})
    ev = pd.DataFrame({"event_id": ["x"], "first_fiscal_year": [2023], "earns_in": ["GBP"]})
    cos = pd.DataFrame({"company": ["A"], "operating_currency": ["KRW"], "reporting_currency": ["USD"]})
    assert growth.unrestated_revenue(org, ev, cos, 2024) == {}  # a stub year: the business's full revenue is unknown


Q24, Q23 = 1364.435, 1306.7637  # KRW per USD, data/raw/fx.csv (2024 DERIVED from Bank of Korea means; 2023 Fed G.5A)


def test_coupang_inc_9m_2024_four_ways():
    a = revenue.analyse(revenue.Params.build({"companies": ["Coupang"], "period": "9M", "base_year": 2023}))
    g = a.growth.set_index("company").loc["Coupang"]
    # 10-Q Q3-2024 Note 2: 9M total 22,303 (2024) and 17,822 (2023) USD million; Farfetch 9M-2024 1,187
    # (Q3-2024 release). rho = 1364.435 / 1306.7637 = 1.04413
    rho = Q24 / Q23
    assert g["reported_yoy"] == pytest.approx(22303 / 17822 - 1)  # +25.1%
    assert g["cc_yoy"] == pytest.approx(((22303 - 1187) * rho + 1187) / 17822 - 1)  # +30.4%
    assert round(g["cc_yoy"], 3) == 0.304
    assert g["operating_share"] == pytest.approx(21116 / 22303)  # 94.7% treated as KRW (TWD inside it)
    assert g["organic_yoy"] == pytest.approx(21116 / 17822 - 1)  # +18.5%
    assert g["organic_cc_yoy"] == pytest.approx(21116 * rho / 17822 - 1)  # +23.7%
    assert round(g["organic_cc_yoy"], 3) == 0.237
    assert "94.7% of 2024 revenue treated as earned in KRW (including revenue in TWD" in g["cc_treated_as"]


def test_coupang_inc_fy2024_four_ways_with_a_bound():
    a = revenue.analyse(revenue.Params.build({"companies": ["Coupang"], "breakdown": "segment"}))
    g = a.growth.set_index("company").loc["Coupang"]
    rho = Q24 / Q23
    # FY total 30,268 / 24,383; no full-year Farfetch figure: all of 2024 treated as KRW, organic not computable,
    # but Farfetch's FY revenue is at least its 9M 1,187 (Feb-Sep inside Feb-Dec), so organic <= 29,081 / 24,383 - 1
    assert g["cc_yoy"] == pytest.approx(30268 * rho / 24383 - 1)  # +29.6%
    assert g["operating_share"] == pytest.approx(1.0)
    assert math.isnan(g["organic_yoy"]) and math.isnan(g["organic_cc_yoy"])
    assert g["organic_yoy_upper_bound"] == pytest.approx(29081 / 24383 - 1)  # +19.3%
    assert g["organic_cc_yoy_upper_bound"] == pytest.approx(29081 * rho / 24383 - 1)  # +24.5%
    assert "farfetch revenue (earns in GBP, EUR, USD; not given for the period, at least 1,187 million USD)" in (
        g["cc_treated_as"])
    rec = revenue.report.growth_records(a)
    assert "coupang.organic_constant_currency_yoy" not in rec
    assert rec["coupang.organic_constant_currency_yoy_upper_bound"] == pytest.approx(29081 * rho / 24383 - 1)
