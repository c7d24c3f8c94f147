"""Reader tables: every kind formats as a reader expects; the frame itself is untouched."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from helpers.tables import (
    KINDS,
    MISSING,
    format_pvalue,
    format_sci,
    format_sig,
    format_value,
    table,
)

#: e-notation as Python and pandas write it: 4.7e+11, 1e-09, 1.79e-38, 1.12e8.
E_NOTATION = re.compile(r"\d[eE][+-]?\d")


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
    # money_auto picks M, B or T per value: 4.7e11 / 1e9 = 470.0 -> $470.0B; 38.2989e12 / 1e12 = 38.3 -> ₩38.3T
    (4.7e11, "money_auto", "USD", "$470.0B"),
    (38.2989e12, "money_auto", "KRW", "₩38.3T"),
    (1_187e6, "money_auto", "USD", "$1.19B"),  # 1,187 million = 1.187 billion, 3 significant digits
    (23.4e6, "money_auto", "USD", "$23.4M"),
    (950.0, "money_auto", "USD", "$950"),
    # number: a million and more with separators, below 0.001 three significant digits, never e-notation
    (4.7e11, "number", None, "470,000,000,000"),
    (1 / 1364.435, "number", None, "0.000733"),  # 0.00073290... -> 3 significant digits, 6 decimals
    (1e-9, "number", None, "1.00×10⁻⁹"),
    (1364.435, "number", None, "1,364.435"),
    (float("inf"), "number", None, "∞"),
    # p-values: 0.0234 -> 0.023; below 0.001 '< 0.001', or its size in powers of ten
    (0.0234, "pvalue", None, "0.023"),
    (1.79e-38, "pvalue", None, "< 0.001"),
    (1.79e-38, "pvalue_exp", None, "1.79×10⁻³⁸"),
    (1.03e-151, "pvalue_exp", None, "1.03×10⁻¹⁵¹"),
    (0.0, "pvalue_exp", None, "< 10⁻³⁰⁷"),
    (0.001, "pvalue", None, "0.001"),
    (2.5e-7, "text", None, "2.50×10⁻⁷"),  # a float in a text column is not str()'d into '2.5e-07'
    (2024.0, "text", None, "2024"),
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
    with pytest.raises(ValueError, match=r"unknown column kind 'pval'"):
        table(pd.DataFrame({"a": [0.1]}), {"a": "pval"})
    with pytest.raises(ValueError, match=r"currency_column 'cur' is not in the frame"):
        table(pd.DataFrame({"a": [1.0]}), {"a": "money"}, currency_column="cur")
    for bad in (-0.1, 1.5):
        with pytest.raises(ValueError, match=rf"a p-value must be in \[0, 1\], got {bad}"):
            format_value(bad, "pvalue")
    with pytest.raises(ValueError, match="digits must be >= 1, got 0"):
        format_sci(1.0, 0)


def test_powers_of_ten_by_hand():
    # 1.79e-38 = 1.79 x 10^-38; -2.5e12 to 2 digits = -2.5 x 10^12; 9.996e-5 rounds up to 1.00 x 10^-4
    assert format_sci(1.79e-38) == "1.79×10⁻³⁸"
    assert format_sci(-2.5e12, 2) == "−2.5×10¹²"
    assert format_sci(9.996e-5) == "1.00×10⁻⁴"
    assert format_pvalue(0.9999) == "1.000" and format_pvalue(1e-4, exact=True) == "1.00×10⁻⁴"


@pytest.mark.parametrize("kind", [k for k in KINDS if k not in ("date", "month", "bool")])
def test_no_kind_ever_writes_e_notation(kind):
    values = [s * m * 10.0 ** e for e in range(-300, 301, 7) for m in (1.0, 4.7, 9.99) for s in (1, -1)]
    if kind.startswith("pvalue"):
        values = [abs(v) for v in values if abs(v) <= 1]
    for v in values:
        text = format_value(v, kind, "USD")
        assert not E_NOTATION.search(text), (kind, v, text)


def test_money_takes_each_rows_currency_from_a_column():
    df = pd.DataFrame({"company": ["Amazon", "Coupang Corp"], "currency": ["USD", "KRW"],
                       "lines_sum": [637_959e6, 38.2989e12]})
    html = table(df, {"lines_sum": "money_auto"}, currency_column="currency").to_html()
    # 637,959e6 / 1e9 = 638.0 -> $638.0B; 38.2989e12 / 1e12 = 38.3 -> ₩38.3T
    assert "$638.0B" in html and "₩38.3T" in html
    cells = re.findall(r">([^<]*)<", html.split("</style>")[-1])  # the text a reader sees, not ids
    assert not any(E_NOTATION.search(c) for c in cells), cells


def test_a_table_renders_byte_identically_and_its_id_cannot_read_as_a_number():
    df = pd.DataFrame({"x": [1.5, 2.5], "y": ["a", "b"]})
    first, again = table(df, caption="c").to_html(), table(df.copy(), caption="c").to_html()
    assert first == again  # pandas' default id is random: a re-run changed every report
    ids = set(re.findall(r'id="T_([^"_]+)', first))
    assert len(ids) == 1 and re.fullmatch(r"[a-df-z]+", ids.pop())
    assert table(df.assign(x=[1.5, 2.6]), caption="c").to_html() != first  # content changes the id


def test_table_formats_by_column_and_hides_a_plain_index():
    df = pd.DataFrame({"line": ["online stores", "ads"], "share": [0.387218, 0.088116],
                       "amount": [247_029e6, 56_214e6], "orders": [3, 4], "flag": [True, False],
                       "day": pd.to_datetime(["2025-08-30", "2025-09-01"]), "x": [1.118891e8, float("nan")]})
    html = table(df, {"share": "pct", "amount": "money_b"}, currency="USD", caption="Mix, FY2024",
                 headers={"amount": "net sales (USD)"}).to_html()
    for text in ("38.7%", "$247.0B", "yes", "no", "2025-08-30", "Mix, FY2024", "net sales (USD)", MISSING,
                 "111,889,100"):
        assert text in html, text
    for raw in ("e+08", "1.12e8", "NaN", "00:00:00", "True", "0.387218"):
        assert raw not in html, raw
    assert ">0<" not in html  # no 0..n index column
    assert df.loc[0, "share"] == 0.387218  # the frame is not changed


@pytest.mark.parametrize("x, expected", [
    (2.3604, "2.36"), (2.852, "2.852"), (53560.2, "53,560"), (135400.0, "135,400"),
    (9999.4, "9999"), (-67500.0, "−67,500"), (0.001234, "0.001234"), (3.819e-06, "3.82×10⁻⁶"),
    (0.0, "0"), (float("inf"), "∞"),
])
def test_format_sig_never_prints_e_notation(x, expected):
    # Worked by hand: 4 significant digits in [0.001, 10^4); whole numbers with separators above;
    # powers of ten below 0.001 (the BG/NBD and Gamma-Gamma parameters of notebook 04 span all three).
    got = format_sig(x)
    assert got == expected
    assert "e+" not in got and "e-" not in got
