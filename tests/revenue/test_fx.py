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
