"""Reader tables: every kind formats as a reader expects; the frame itself is untouched."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.tables import MISSING, format_value, table


@pytest.mark.parametrize("value, kind, currency, expected", [
    (247029 / 637959, "pct", None, "38.7%"),
    (0.0123, "pp", None, "+1.2 pp"),
    (1_118_891_00.0, "money", "KRW", "₩111,889,100"),
    (2_420_300_000.0, "money_m", "KRW", "₩2,420.3M"),
    (637.959e9, "money_b", "USD", "$638.0B"),
    (-5_000.0, "money", "EUR", "−€5,000"),
    (8965.0, "money", "CHF", "8,965 CHF"),
    (13501.0, "count", None, "13,501"),
    (3.98765, "ratio", None, "3.99"),
    (True, "bool", None, "yes"),
    (pd.Timestamp("2025-08-30 00:00:00"), "date", None, "2025-08-30"),
    (pd.Timestamp("2025-08-01"), "month", None, "2025-08"),
    (float("nan"), "pct", None, MISSING),
    (pd.NaT, "date", None, MISSING),
    (None, "text", None, MISSING),
])
def test_format_value(value, kind, currency, expected):
    assert format_value(value, kind, currency) == expected


def test_bad_kinds_and_money_without_currency_are_refused():
    with pytest.raises(ValueError, match="unknown column kind 'percent'"):
        format_value(0.1, "percent")
    with pytest.raises(ValueError, match="money columns need a currency"):
        format_value(1.0, "money")
    with pytest.raises(ValueError, match=r"columns \['nope'\] are not in the frame"):
        table(pd.DataFrame({"a": [1]}), {"nope": "pct"})


def test_table_formats_by_column_and_hides_a_plain_index():
    df = pd.DataFrame({"line": ["online stores", "ads"], "share": [0.387218, 0.088116],
                       "amount": [247_029e6, 56_214e6], "orders": [3, 4], "flag": [True, False],
                       "day": pd.to_datetime(["2025-08-30", "2025-09-01"]), "x": [1.118891e8, float("nan")]})
    html = table(df, {"share": "pct", "amount": "money_b"}, currency="USD", caption="Mix, FY2024",
                 headers={"amount": "net sales (USD)"}).to_html()
    for text in ("38.7%", "$247.0B", "yes", "no", "2025-08-30", "Mix, FY2024", "net sales (USD)", MISSING, "1.12e8"):
        assert text in html, text
    for raw in ("e+08", "NaN", "00:00:00", "True", "0.387218"):
        assert raw not in html, raw
    assert ">0<" not in html  # no 0..n index column
    assert df.loc[0, "share"] == 0.387218  # the frame is not changed
