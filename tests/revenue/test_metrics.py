"""Shares, YoY, CAGR, contributions, categories, reconciliation and status labels, by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.contracts import DataContractError
from helpers.revenue import load, metrics
from helpers.revenue.status import weakest_status


def _lines(a):
    return a.lines.set_index(["company", "line"])


def test_shares_yoy_contribution(tiny):
    a = tiny.run()
    t = _lines(a)
    # Acme 2024: goods 66, ads 34 of 100; 2023: 60, 20 of 80
    assert t.loc[("Acme", "Goods"), "share"] == pytest.approx(66 / 100)
    assert t.loc[("Acme", "Ads"), "share"] == pytest.approx(34 / 100)
    assert t.loc[("Acme", "Goods"), "yoy"] == pytest.approx(66 / 60 - 1)  # 0.10
    assert t.loc[("Acme", "Ads"), "yoy"] == pytest.approx(34 / 20 - 1)  # 0.70
    assert t.loc[("Acme", "Goods"), "contribution"] == pytest.approx((66 - 60) / 80)  # 0.075
    assert t.loc[("Acme", "Ads"), "contribution"] == pytest.approx((34 - 20) / 80)  # 0.175
    # Beta (KRW, reporting currency): product 9 of 12, 8 of 10 the year before
    assert t.loc[("Beta", "Product"), "share"] == pytest.approx(0.75)
    assert t.loc[("Beta", "Service"), "yoy"] == pytest.approx(3 / 2 - 1)
    assert t.loc[("Beta", "Service"), "contribution"] == pytest.approx((3 - 2) / 10)
    tot = a.totals.set_index("company")
    assert tot.loc["Acme", "total_yoy"] == pytest.approx(100 / 80 - 1)
    assert tot.loc["Beta", "total_yoy"] == pytest.approx(12 / 10 - 1)
    # statuses: Acme 2024 share uses VERIFIED-2 and the 2023 VERIFIED-1 goods row -> VERIFIED-1
    assert t.loc[("Acme", "Ads"), "status"] == "VERIFIED-1"
    # the CAGR also uses the 2022 ads figure (CHECK-ROUNDED); share and YoY do not
    assert t.loc[("Acme", "Ads"), "cagr_status"] == "CHECK-ROUNDED"
    assert t.loc[("Acme", "Goods"), "cagr_status"] == "VERIFIED-1"
    assert t.loc[("Beta", "Product"), "status"] == "UNVERIFIED"


def test_contributions_sum_to_total_growth(tiny):
    a = tiny.run()
    check = a.contribution_check.set_index("company")
    # Acme: 0.075 + 0.175 = 0.25 = 100 / 80 - 1; Beta: 0.1 + 0.1 = 0.2 = 12 / 10 - 1
    assert check.loc["Acme", "contributions_sum"] == pytest.approx(0.25)
    assert check.loc["Beta", "contributions_sum"] == pytest.approx(0.20)
    assert (check["gap"].abs() < 1e-12).all()
    broken = a.lines.assign(contribution=a.lines["contribution"] + 0.01)
    with pytest.raises(ValueError, match="contributions do not sum to total growth"):
        metrics.check_contributions(broken, a.totals)


def test_cagr_starts_at_first_year_on_file(tiny):
    a = tiny.run()
    t = _lines(a)
    # Acme from 2022: goods (66 / 50) ** (1 / 2) - 1 = 0.1489; ads (34 / 10) ** (1 / 2) - 1 = 0.8439
    assert t.loc[("Acme", "Goods"), "cagr"] == pytest.approx((66 / 50) ** 0.5 - 1)
    assert t.loc[("Acme", "Ads"), "cagr"] == pytest.approx((34 / 10) ** 0.5 - 1)
    # Beta starts in 2023 although base_year is 2022: one year, CAGR = YoY, from_year shown
    assert t.loc[("Beta", "Product"), "from_year"] == 2023
    assert t.loc[("Beta", "Product"), "cagr"] == pytest.approx(9 / 8 - 1)
    assert a.totals.set_index("company").loc["Acme", "total_cagr"] == pytest.approx((100 / 60) ** 0.5 - 1)


def test_categories_and_share_history(tiny):
    a = tiny.run()
    cats = a.categories.set_index(["company", "category"])
    assert cats.loc[("Acme", "advertising"), "share"] == pytest.approx(0.34)
    assert cats.loc[("Beta", "marketplace_services"), "yoy"] == pytest.approx(0.5)
    hist = a.shares.groupby(["company", "fiscal_year"])["share"].sum()
    assert len(hist) == 5  # Acme 2022-2024, Beta 2023-2024
    assert hist.to_numpy() == pytest.approx([1.0] * 5)
    acme22 = a.shares.query("company == 'Acme' and fiscal_year == 2022").set_index("category")
    assert acme22.loc["advertising", "share"] == pytest.approx(10 / 60)  # ads 10 of 60
    with pytest.raises(ValueError, match="by = 'segment' must be 'category' or 'line'"):
        metrics.share_history(a.rows, by="segment")


def test_mixed_currency_company_grows_in_chosen_currency(tiny):
    rows = list(tiny.filings[:6]) + [
        "Acme,Acme Inc,2023,FY,type,Korea shop,12.5,KRW,billion,test,VERIFIED-1,",
        "Acme,Acme Inc,2024,FY,type,Korea shop,26,KRW,billion,test,VERIFIED-1,",
        "Acme,Acme Inc,2022,FY,type,Korea shop,12,KRW,billion,test,VERIFIED-1,"]
    mapping = [*tiny.mapping, "Acme,Korea shop,retail_1p"]
    a = tiny.run(tiny.write(filings=rows, mapping=mapping), companies=["Acme"])
    t = _lines(a)
    # Korea shop in USD: 26e9 / 1300 = 20e6 (2024), 12.5e9 / 1250 = 10e6 (2023); total 120e6 vs 90e6
    assert t.loc[("Acme", "Korea shop"), "yoy"] == pytest.approx(20 / 10 - 1)
    assert t.loc[("Acme", "Korea shop"), "share"] == pytest.approx(20 / 120)
    assert a.totals.loc[0, "basis_currency"] == "converted"


def test_exclude_categories_and_their_counts(tiny):
    a = tiny.run(exclude_categories=["advertising"])
    t = _lines(a)
    assert ("Acme", "Ads") not in t.index
    assert t.loc[("Acme", "Goods"), "share"] == pytest.approx(1.0)
    assert a.totals.set_index("company").loc["Acme", "total"] == pytest.approx(66e6)
    counts = metrics.excluded_counts(a.excluded)
    assert counts.to_dict("records") == [{"company": "Acme", "category": "advertising", "rows_excluded": 3}]
    assert list(metrics.excluded_counts(tiny.run().excluded).columns) == ["company", "category", "rows_excluded"]


def test_reconciliation_catches_a_missing_line(tiny):
    rows = [r.replace(",Total,100,", ",Total,110,") for r in tiny.filings]
    paths = tiny.write(filings=rows)
    rec = metrics.reconcile_totals(load.load_filings(paths["filings_path"]), ["Acme"], "FY", "type")
    # lines 66 + 34 = 100 million vs 110 reported: gap -10 / 110
    assert rec.loc[0, "rel_gap"] == pytest.approx(-10 / 110)
    assert not rec.loc[0, "ok"]
    with pytest.raises(DataContractError, match=r"Acme 2024 type lines sum to 100,000,000 USD but the reported "
                                                r"total \(line 8\) is 110,000,000"):
        tiny.run(paths)


def test_mapping_used_keeps_only_the_lines_shown():
    mapping = pd.DataFrame({"company": ["A", "A"], "line": ["x", "y"], "category": ["c", "d"]})
    used = metrics.mapping_used(mapping, pd.DataFrame({"company": ["A", "A"], "line": ["y", "y"]}))
    assert used.to_dict("records") == [{"company": "A", "line": "y", "category": "d"}]


def test_weakest_status():
    assert weakest_status(["VERIFIED-2", "VERIFIED-1"]) == "VERIFIED-1"
    assert weakest_status(["CHECK-ROUNDED", "SECONDARY", "VERIFIED-2"]) == "SECONDARY"
    with pytest.raises(ValueError, match="status 'OK' is not one of"):
        weakest_status(["OK"])
    with pytest.raises(ValueError, match="needs at least one status"):
        weakest_status([])
