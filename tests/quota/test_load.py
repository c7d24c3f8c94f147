"""Data rules of a sales series and the history loader."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers import contracts
from helpers.contracts import DataContractError, ParameterError
from helpers.quota import load


@pytest.mark.parametrize("mutate, freq, match", [
    (lambda d: pd.concat([d, d.iloc[[5]]]), "D", "unique dates"),
    (lambda d: d.drop(index=[10, 11]), "D", "regular dates.*2 day"),
    (lambda d: d.assign(sales=np.where(d.index == 3, -1.0, d["sales"])), "D", "non-negative sales"),
    (lambda d: d.iloc[:729], "D", "two seasonal cycles.*729 days.*730"),
    (lambda d: d.assign(currency=np.where(d.index == 0, "USD", "KRW")), "D", "one currency"),
    (lambda d: d.assign(promo_level=np.where(d.index == 0, "B", None)), "D", "promo_level"),
])
def test_check_history_rules(small_daily, mutate, freq, match):
    with pytest.raises(DataContractError, match=match):
        load.check_history(mutate(small_daily()), freq)

SCHEMA = contracts.SCHEMAS["quota_sales_history"]


def test_monthly_rules(exact_monthly):
    short = exact_monthly().iloc[:23]
    with pytest.raises(DataContractError, match="two seasonal cycles.*23 months.*24"):
        load.check_history(short, "MS")
    mid = exact_monthly().assign(date=lambda d: d["date"] + pd.Timedelta(days=14))
    with pytest.raises(DataContractError, match="first of the month"):
        load.check_history(mid, "MS")
    with pytest.raises(ParameterError, match="'freq' = 'W'"):
        load.check_history(exact_monthly(), "W")


def test_fill_policy_interpolates_and_counts(small_daily):
    d = small_daily().drop(index=[10])  # 2023-01-11 missing; neighbours 100 + 9%7 = 102 and 100 + 11%7 = 104
    out, quality = load.check_history(d, "D", fill_missing="interpolate")
    assert len(out) == 800
    assert out.loc[out["date"] == "2023-01-11", "sales"].item() == pytest.approx((102 + 104) / 2)
    assert quality.set_index("rule").loc["missing dates filled by interpolation", "rows"] == 1


def test_loader_rejects_duplicate_dates_and_negative_sales(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("date,sales,currency\n2024-01-01,5,KRW\n2024-01-01,6,KRW\n")
    with pytest.raises(DataContractError, match=r"duplicate \(date\).*line 2, 3"):
        contracts.load_csv(path, SCHEMA)
    path.write_text("date,sales,currency\n2024-01-01,-5,KRW\n")
    with pytest.raises(DataContractError, match="'sales' must be >= 0"):
        contracts.load_csv(path, SCHEMA)



def test_load_history_and_campaigns_from_params():
    from helpers.quota import Params

    p = Params.build({})
    history, quality, cur = load.load_history(p)
    assert cur == "KRW" and len(history) == 1096  # 2023-01-01..2025-12-31
    assert quality.set_index("rule").loc["rows used", "rows"] == 1096
    assert load.target_period(p) == (pd.Timestamp("2026-01-01"), pd.Timestamp("2026-01-31"))
    assert load.load_campaigns(Params.build({"roi": 8.0})) is None
    assert {"coupon_cost", "coupon_payment_amount"} <= set(load.load_campaigns(p).columns)


def test_load_history_refuses_another_currency():
    from helpers.quota import Params

    with pytest.raises(DataContractError, match="is in KRW, but parameter 'currency' = 'USD'"):
        load.load_history(Params.build({"currency": "USD"}))
