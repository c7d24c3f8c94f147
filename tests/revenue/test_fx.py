"""Conversion to the chosen currency: the rate of each year, shown, and growth left in the reporting currency."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.contracts import DataContractError
from helpers.revenue import fx


def test_conversion_shows_rate(tiny):
    usd = tiny.run()
    tot = usd.totals.set_index("company")
    # Beta 12 trillion KRW at 1,300 KRW per USD
    assert tot.loc["Beta", "total"] == pytest.approx(12e12 / 1300)
    assert tot.loc["Beta", "rate_status"] == "DERIVED"
    assert tot.loc["Acme", "total"] == pytest.approx(100e6)
    rates = usd.rates.set_index(["company", "fiscal_year"])
    assert rates.loc[("Beta", 2023), "quote"] == "1 USD = 1,250.0000 KRW"
    krw = tiny.run(currency="KRW")
    tot = krw.totals.set_index("company")
    assert tot.loc["Acme", "total"] == pytest.approx(100e6 * 1300)
    assert tot.loc["Acme", "rate"] == pytest.approx(1300)
    # growth is measured in the reporting currency: unchanged by the view
    assert tot.loc["Acme", "total_yoy"] == pytest.approx(0.25)
    assert set(krw.rates["company"]) == {"Acme"}


def test_a_currency_without_rates_is_named():
    rows = pd.DataFrame({"company": ["A"], "fiscal_year": [2024], "currency": ["USD"], "value": [1.0],
                         "csv_line": [2]})
    rates = pd.DataFrame({"year": [2024], "currency": ["KRW"], "per_usd": [1300.0], "source": ["t"],
                          "status": ["VERIFIED-1"]})
    # EUR is an allowed currency, but this file has no EUR rate
    with pytest.raises(DataContractError, match=r"no EUR per USD rate for 2024, needed to convert to EUR"):
        fx.convert(rows, rates, "EUR", fx_source="fx.csv")
    out = fx.convert(rows, rates, "KRW")
    assert float(out["amount_conv"].iloc[0]) == pytest.approx(1300.0)
    assert fx.rates_used(out)["rate"].tolist() == [1300.0]


COMPANIES = ["company,entity,reporting_currency,operating_currency,source,status,note",
             "Acme,Acme Inc,USD,KRW,test,VERIFIED-1,",
             "Beta,Beta Corp,KRW,KRW,test,VERIFIED-1,"]


def test_constant_currency_beside_reported_growth(tiny):
    a = tiny.run(tiny.write(companies_path=COMPANIES))
    cc = a.constant_currency.set_index("company")
    # Beta reports and earns in KRW: no row. Acme: 100 / 80 USD million, KRW 1,300 (2024) and 1,250 (2023):
    # (100 * 1300) / (80 * 1250) - 1 = 130,000 / 100,000 - 1 = 0.30, against 0.25 reported
    assert list(cc.index) == ["Acme"]
    assert cc.loc["Acme", "total_yoy"] == pytest.approx(0.25)
    assert cc.loc["Acme", "total_yoy_constant_currency"] == pytest.approx(0.30)
    assert cc.loc["Acme", "fx_effect"] == pytest.approx(-0.05)
    assert cc.loc["Acme", "status"] == "DERIVED"  # the 2024 rate is DERIVED


def test_coupang_inc_fy2024_constant_currency_with_the_shipped_rates():
    from helpers import revenue

    a = revenue.analyse(revenue.Params.build({"companies": ["Coupang"], "breakdown": "segment"}))
    cc = a.constant_currency.set_index("company")
    # total 30,268 (2024) / 24,383 (2023) USD million; KRW per USD 1,364.435 and 1,306.7637
    assert cc.loc["Coupang", "total_yoy"] == pytest.approx(30268 / 24383 - 1)  # +24.1%
    assert cc.loc["Coupang", "total_yoy_constant_currency"] == pytest.approx(
        30268 * 1364.435 / (24383 * 1306.7637) - 1)  # +29.6%
    assert round(cc.loc["Coupang", "total_yoy_constant_currency"], 3) == 0.296
