"""Corporate events: which lines they touch, and organic growth where the acquired revenue is given."""

from __future__ import annotations

import math

import pytest

from helpers import revenue
from helpers.contracts import DataContractError
from helpers.revenue import events, load

HEADER = ("event_id,company,kind,description,announced,first_fiscal_year,lines_affected,fiscal_year,period,"
          "acquired_revenue,currency,unit,source,status,date_status,note")
# Acme bought a business in 2024 that sits in its Ads line: 10 of the 34 million of 2024 ads
ACQ = "shop,Acme,acquisition,Shop Ltd,2023-12,2024,Ads,2024,FY,10,USD,million,test,VERIFIED-1,VERIFIED-1,"


def test_organic_growth_by_hand(tiny):
    a = tiny.run(tiny.write(events_path=[HEADER, ACQ]))
    org = a.organic.set_index("level")
    # total (100 - 10) / 80 - 1 = 0.125 against 0.25 reported; ads (34 - 10) / 20 - 1 = 0.20 against 0.70
    assert org.loc["total", "organic_yoy"] == pytest.approx(0.125)
    assert org.loc["total", "reported_yoy"] == pytest.approx(0.25)
    assert org.loc["Ads", "organic_yoy"] == pytest.approx(0.20)
    assert (org["flag"] == "").all()
    assert revenue.report.growth_records(a)["acme.organic_yoy"] == pytest.approx(0.125)
    ev = a.events.set_index("event_id")
    assert ev.loc["shop", "lines_in_view"] == "Ads" and bool(ev.loc["shop", "in_focus_year"])


def test_no_revenue_given_is_flagged_not_guessed(tiny):
    row = ACQ.replace(",10,USD,million,", ",,USD,million,")
    a = tiny.run(tiny.write(events_path=[HEADER, row]))
    org = a.organic.set_index("level")
    assert math.isnan(org.loc["total", "organic_yoy"])
    assert org.loc["total", "flag"] == ("not computable: no filing read gives the acquired revenue for FY 2024 "
                                        "(Jan–Dec)")
    assert "acme.organic_yoy" not in revenue.report.growth_records(a)


def test_several_lines_touched_gives_the_total_only(tiny):
    row = ACQ.replace(",Ads,", ",Ads;Goods,")
    org = tiny.run(tiny.write(events_path=[HEADER, row])).organic.set_index("level")
    assert org.loc["total", "organic_yoy"] == pytest.approx(0.125)
    assert math.isnan(org.loc["Ads", "organic_yoy"]) and math.isnan(org.loc["Goods", "organic_yoy"])
    assert org.loc["Goods", "flag"].startswith("not computable by line: the acquisition touches 2 lines")


def test_the_second_year_is_flagged_when_the_consolidation_month_is_unknown(tiny):
    row = ACQ.replace(",2023-12,2024,Ads,2024,", ",2022-12,2023,Ads,2023,")
    a = tiny.run(tiny.write(events_path=[HEADER, row]))
    org = a.organic.set_index("level")
    assert org.loc["total", "flag"].startswith("not computable: the consolidation month is not on file, so 2024")
    assert math.isnan(org.loc["total", "organic_yoy"])
    assert not bool(a.events.set_index("event_id").loc["shop", "in_focus_year"])


def test_two_years_later_nothing_is_inorganic(tiny):
    row = ACQ.replace(",2023-12,2024,Ads,2024,", ",2021-12,2022,Ads,2022,")
    assert tiny.run(tiny.write(events_path=[HEADER + ",consolidated", row + ",2022-03"])).organic.empty


@pytest.mark.parametrize(("consolidated", "year", "period", "months"), [
    ("2024-02", 2024, "FY", tuple(range(2, 13))),  # February to December of the first year
    ("2024-02", 2025, "FY", (1,)),  # the stub: January 2025 has no 2024 counterpart
    ("2024-02", 2025, "Q1", (1,)),
    ("2024-02", 2025, "Q2", ()),  # April-June are in both years
    ("2024-07", 2025, "H1", (1, 2, 3, 4, 5, 6)),  # consolidated in July: all of H1 2025 is inorganic
    ("2024-07", 2024, "Q1", ()),  # not yet held in Q1 2024
    ("2024-02", 2026, "FY", ()),
    (None, 2024, "9M", tuple(range(1, 10))),
    (None, 2025, "FY", None),
])
def test_inorganic_months_by_hand(consolidated, year, period, months):
    assert events.inorganic_months(2024, consolidated, year, period) == months


STUB_HEADER = HEADER + ",consolidated,earns_in"


def test_a_stub_in_the_second_year_is_taken_out(tiny):
    # Shop consolidated from 2023-07: 2024 H1 (Jan-Jun) has no 2023 counterpart. Its revenue in those
    # months: 6 million (row FY 2024 = the stub). total (100 - 6) / 80 - 1 = 0.175 against 0.25 reported.
    row = ("shop,Acme,acquisition,Shop Ltd,2023-05,2023,Ads,2024,FY,6,USD,million,test,VERIFIED-1,"
           "VERIFIED-1,,2023-07,")
    org = tiny.run(tiny.write(events_path=[STUB_HEADER, row])).organic.set_index("level")
    assert org.loc["total", "months"] == "Jan–Jun"
    assert org.loc["total", "organic_yoy"] == pytest.approx(94 / 80 - 1)
    assert org.loc["Ads", "organic_yoy"] == pytest.approx((34 - 6) / 20 - 1)  # 0.40 against 0.70


def test_a_shorter_periods_figure_bounds_organic_growth(tiny):
    # consolidated 2024-02; only its 9M 2024 revenue (7 million, Feb-Sep) is given, the FY figure is not:
    # A_FY >= 7, so organic FY growth <= (100 - 7) / 80 - 1 = 0.1625
    rows = ["shop,Acme,acquisition,Shop Ltd,2023-12,2024,Ads,2024,9M,7,USD,million,test,VERIFIED-1,VERIFIED-1,,"
            "2024-02,", "shop,Acme,acquisition,Shop Ltd,2023-12,2024,Ads,2024,FY,,USD,million,test,UNVERIFIED,"
            "VERIFIED-1,,2024-02,"]
    org = tiny.run(tiny.write(events_path=[STUB_HEADER, *rows])).organic.set_index("level")
    assert math.isnan(org.loc["total", "organic_yoy"])
    assert org.loc["total", "organic_yoy_upper_bound"] == pytest.approx(93 / 80 - 1)
    assert org.loc["total", "acquired_revenue_low"] == pytest.approx(7e6)
    assert org.loc["total", "flag"].endswith("for FY 2024 (Feb–Dec)")


def test_farfetch_on_the_shipped_data():
    nine = revenue.analyse(revenue.Params.build({"companies": ["Coupang"], "period": "9M", "base_year": 2023}))
    org = nine.organic.set_index("level")
    # 10-Q Q3-2024: 9M 22,303 vs 17,822; Farfetch 9M-2024 revenue 1,187 (Q3-2024 release)
    assert org.loc["total", "organic_yoy"] == pytest.approx((22303 - 1187) / 17822 - 1)  # +18.5%
    assert org.loc["total", "reported_yoy"] == pytest.approx(22303 / 17822 - 1)  # +25.1%
    fy = revenue.analyse(revenue.Params.build({"companies": ["Coupang"], "breakdown": "segment"}))
    org = fy.organic.set_index("level")
    assert org.loc["Developing Offerings", "flag"].startswith("not computable")
    assert "Farfetch" in revenue.report.events_footnote(fy)
    assert "Developing Offerings includes it" in revenue.report.lines_text(fy)


@pytest.mark.parametrize(("row", "match"), [
    (ACQ.replace("2023-12", "Dec 2023"), r"column 'announced' must be YYYY-MM; line 2 has 'Dec 2023'"),
    (ACQ.replace(",USD,million,", ",,million,"), r"line 2 gives acquired_revenue but no 'currency'"),
    (ACQ.replace("acquisition", "merger"), r"column 'kind' allows only"),
])
def test_bad_events_file(tiny, row, match):
    with pytest.raises(DataContractError, match=match):
        load.load_events(tiny.write(events_path=[HEADER, row])["events_path"])


@pytest.mark.parametrize(("month", "match"), [
    ("Feb 2024", r"column 'consolidated' must be a YYYY-MM month of first_fiscal_year 2024; line 2 has 'Feb 2024'"),
    ("2023-11", r"column 'consolidated' must be a YYYY-MM month of first_fiscal_year 2024; line 2 has '2023-11'"),
])
def test_bad_consolidation_month(tiny, month, match):
    with pytest.raises(DataContractError, match=match):
        load.load_events(tiny.write(events_path=[STUB_HEADER, ACQ + f",{month},"])["events_path"])


def test_events_in_view_needs_a_line_shown():
    ev = load.load_events("data/raw/corporate_events.csv")
    rows = revenue.analyse(revenue.Params.build({"companies": ["Amazon"]})).rows
    # the Amazon recast (2019-2020 advertising split) is outside the 2021-2024 window
    assert events.events_in_view(ev, rows, 2024).empty
