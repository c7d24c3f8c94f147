"""Money/percent formatting and the fixed colours of recurring names."""

from __future__ import annotations

import pytest

from helpers.plots import NAMED_COLORS, color_for, format_money, format_pct, palette_for


@pytest.mark.parametrize("value, currency, scale, decimals, expected", [
    (637_959e6, "USD", 1e9, 1, "$638.0B"),      # Amazon FY2024 net sales, USD millions -> B
    (38.2989e12, "KRW", 1e12, 2, "₩38.30T"),    # Coupang Corp FY2024 revenue
    (10_000, "KRW", 1, 0, "₩10,000"),
    (1_500, "GBP", 1e3, 1, "1.5K GBP"),         # unknown symbol: code after the number
    (-3_241_500, "KRW", 1e6, 1, "−₩3.2M"),      # a loss: U+2212 before the symbol, as in tables
    (-1_500, "GBP", 1e3, 1, "−1.5K GBP"),
    (-0.04, "USD", 1, 1, "$0.0"),               # rounds to zero: no sign
])
def test_format_money(value, currency, scale, decimals, expected):
    assert format_money(value, currency, scale, decimals) == expected


def test_prose_and_tables_write_a_loss_alike():
    from helpers.tables import format_value
    for value in (-3_241_500.0, -999.0, -12.6e9):
        assert format_money(value, "KRW", 1, 0) == format_value(value, "money", "KRW", decimals=0)
        assert format_money(value, "KRW", 1e6, 1) == format_value(value, "money_m", "KRW", decimals=1)


def test_format_money_refuses_unknown_scale():
    with pytest.raises(ValueError, match="scale"):
        format_money(1, "USD", 1e5)


def test_format_pct():
    assert format_pct(0.38722) == "38.7%" and format_pct(0.5, 0) == "50%"


def test_named_colours_are_fixed_and_palettes_distinct():
    assert color_for("Amazon") == NAMED_COLORS["amazon"] == color_for("amazon")
    pal = palette_for(["Amazon", "retail_1p", "advertising", "cloud"])
    assert pal["Amazon"] == NAMED_COLORS["amazon"]
    others = [pal[k] for k in ("retail_1p", "advertising", "cloud")]
    assert len(set(others)) == 3


def test_figure_title_is_the_alt_text_whatever_the_title_position():
    from matplotlib.figure import Figure

    from helpers import plots

    fig = Figure()
    ax = fig.subplots()
    plots.finish(ax, "Members order twice as often", "month", "orders")  # a left-aligned title
    assert plots.figure_title(fig) == "Members order twice as often"
    fig.suptitle("Overall finding")
    assert plots.figure_title(fig) == "Overall finding"
    assert plots.figure_title(Figure()) == "figure"
