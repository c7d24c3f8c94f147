"""Tests for helpers/revenue.py: revenue mix, growth, CAGR, contributions, conversion, bad input.

Expected values are computed by hand in each test (arithmetic shown) or taken from the filings
named in data/raw/filings.csv (Amazon 10-K FY2024 R34.htm; Coupang 10-Q Q3-2024 R2.htm).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from helpers import revenue
from helpers.config import NOTEBOOKS_DIR, RAW_DIR
from helpers.contracts import (
    DataContractError,
    ParameterError,
    load_csv,
)
from helpers.revenue.schemas import FILINGS, FX_RATES, LINE_MAPPING

HEADER = "company,entity,fiscal_year,period,breakdown,line,amount,currency,unit,source,status,note"
# Acme reports in USD million, Beta in KRW trillion. 12 rows.
TINY_FILINGS = [
    "Acme,Acme Inc,2022,FY,type,Goods,50,USD,million,test,VERIFIED-1,",
    "Acme,Acme Inc,2022,FY,type,Ads,10,USD,million,test,CHECK-ROUNDED,",
    "Acme,Acme Inc,2023,FY,type,Goods,60,USD,million,test,VERIFIED-1,",
    "Acme,Acme Inc,2023,FY,type,Ads,20,USD,million,test,VERIFIED-2,",
    "Acme,Acme Inc,2024,FY,type,Goods,66,USD,million,test,VERIFIED-2,",
    "Acme,Acme Inc,2024,FY,type,Ads,34,USD,million,test,VERIFIED-2,",
    "Acme,Acme Inc,2024,FY,total,Total,100,USD,million,test,VERIFIED-2,",
    "Beta,Beta Corp,2023,FY,type,Product,8,KRW,trillion,test,DERIVED,= 9 / 1.125",
    "Beta,Beta Corp,2023,FY,type,Service,2,KRW,trillion,test,DERIVED,= 3 / 1.5",
    "Beta,Beta Corp,2024,FY,type,Product,9,KRW,trillion,test,UNVERIFIED,",
    "Beta,Beta Corp,2024,FY,type,Service,3,KRW,trillion,test,UNVERIFIED,",
    "Beta,Beta Corp,2024,FY,total,Total,12,KRW,trillion,test,UNVERIFIED,",
]
TINY_MAPPING = [
    "company,line,category",
    "Acme,Goods,retail_1p",
    "Acme,Ads,advertising",
    "Beta,Product,retail_1p",
    "Beta,Service,marketplace_services",
]
TINY_FX = [
    "year,currency,per_usd,source,status,note",
    "2022,KRW,1200,test,VERIFIED-1,",
    "2023,KRW,1250,test,VERIFIED-1,",
    "2024,KRW,1300,test,DERIVED,",
]
SHIPPED = {"filings_path": "data/raw/filings.csv", "mapping_path": "data/raw/line_mapping.csv",
           "fx_path": "data/raw/fx.csv"}
DEFAULTS = {"companies": ["Acme", "Beta"], "year": 2024, "base_year": 2022, "period": "FY",
            "breakdown": "type", "currency": "USD", "exclude_categories": []}


def write_tiny(folder: Path, filings: list[str] | None = None, mapping: list[str] | None = None,
               fx: list[str] | None = None, header: str = HEADER) -> dict[str, str]:
    """Write the tiny files (a user's own files following the contracts) and return the paths."""
    paths = {"filings_path": folder / "filings.csv", "mapping_path": folder / "mapping.csv",
             "fx_path": folder / "fx.csv"}
    paths["filings_path"].write_text("\n".join([header] + (TINY_FILINGS if filings is None else filings)) + "\n")
    paths["mapping_path"].write_text("\n".join(TINY_MAPPING if mapping is None else mapping) + "\n")
    paths["fx_path"].write_text("\n".join(TINY_FX if fx is None else fx) + "\n")
    return {k: str(v) for k, v in paths.items()}


def run(paths: dict[str, str], **overrides) -> revenue.RevenueAnalysis:
    params = {**DEFAULTS, **overrides}
    return revenue.analyse(revenue.validate_parameters(**paths, **params))


def by_line(a: revenue.RevenueAnalysis) -> pd.DataFrame:
    return a.lines.set_index(["company", "line"])


# --- the required keys on the shipped data ----------------------------------------------------


def test_required_keys_on_shipped_filings():
    a = revenue.analyse(revenue.validate_parameters(
        **SHIPPED, companies=["Amazon", "Coupang Corp"], year=2024, base_year=2021, period="FY",
        breakdown="type", currency="USD", exclude_categories=[]))
    res = revenue.result_records(a.lines, a.categories, a.totals)
    # Amazon 10-K FY2024 (R34.htm): net sales 637,959; online stores 247,029; 3P 156,146;
    # advertising 56,214 (2024) and 46,906 (2023), USD million.
    assert res["amazon.online_stores.share"] == pytest.approx(247029 / 637959, rel=1e-12)
    assert res["amazon.third_party_seller_services.share"] == pytest.approx(156146 / 637959, rel=1e-12)
    assert res["amazon.advertising_services.yoy"] == pytest.approx(56214 / 46906 - 1, rel=1e-12)
    # Coupang Corp FY2024 (seed 000, UNVERIFIED): product 30.6798 of 30.6798 + 6.3643 + 1.2548 = 38.2989
    assert res["coupang_corp.product_sales.share"] == pytest.approx(30.6798 / 38.2989, rel=1e-12)
    assert res["amazon.total"] == pytest.approx(637959e6)
    # Amazon total growth 637,959 / 574,785 - 1; category retail_1p = (247,029 + 21,215) / 637,959
    assert res["amazon.total_yoy"] == pytest.approx(637959 / 574785 - 1)
    assert res["amazon.category.retail_1p.share"] == pytest.approx((247029 + 21215) / 637959)
    # Coupang Corp total in USD at the DERIVED 2024 rate 1,364.435 KRW per USD
    assert res["coupang_corp.total"] == pytest.approx(38.2989e12 / 1364.435)
    assert res["coupang_corp.fx_rate"] == pytest.approx(1 / 1364.435)
    # shown figures that are not VERIFIED: all six Coupang Corp lines and the 2024 FX rate
    flags = a.flags
    assert set(flags["company"]) == {"Coupang Corp"}
    assert (flags["status"] == "UNVERIFIED").sum() == 3 and (flags["status"] == "DERIVED").sum() == 4
    assert set(a.lines.loc[a.lines["company"] == "Coupang Corp", "status"]) == {"UNVERIFIED"}
    assert "UNVERIFIED" in revenue.caveat_markdown(flags)
    assert revenue.footnote(a).startswith("* Not VERIFIED: Coupang Corp (DERIVED, UNVERIFIED figures)")


def test_segment_and_9m_views_of_coupang_inc():
    seg = revenue.analyse(revenue.validate_parameters(
        **SHIPPED, companies=["Coupang"], year=2024, base_year=2021, period="FY", breakdown="segment",
        currency="USD", exclude_categories=[])).lines.set_index("line")
    # Product Commerce 26,699 of 30,268 (2024); 23,594 in 2023 (DERIVED = 24,383 - 789)
    assert seg.loc["Product Commerce", "share"] == pytest.approx(26699 / 30268)
    assert seg.loc["Product Commerce", "yoy"] == pytest.approx(26699 / 23594 - 1)
    # CAGR 2021 -> 2024 from the recast 2021 figure 17,837.717
    assert seg.loc["Product Commerce", "cagr"] == pytest.approx((26699 / 17837.717) ** (1 / 3) - 1)
    # the 2023 Developing Offerings figure is UNVERIFIED, so every number using 2023 is too
    assert seg.loc["Product Commerce", "status"] == "UNVERIFIED"
    nine = revenue.analyse(revenue.validate_parameters(
        **SHIPPED, companies=["Coupang"], year=2024, base_year=2023, period="9M", breakdown="type",
        currency="USD", exclude_categories=[])).lines.set_index("line")
    # Coupang 10-Q Q3-2024: third-party merchant services 9M-2024 3,920 vs 9M-2023 1,732
    assert nine.loc["Third-party merchant services", "yoy"] == pytest.approx(3920 / 1732 - 1)
    assert nine.loc["Third-party merchant services", "share"] == pytest.approx(3920 / 22303)
    assert nine.loc["Third-party merchant services", "status"] == "VERIFIED-2"


# --- the tiny user files, by hand -------------------------------------------------------------


def test_user_files_shares_yoy_contribution(tmp_path):
    a = run(write_tiny(tmp_path))
    t = by_line(a)
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


def test_contributions_sum_to_total_growth(tmp_path):
    a = run(write_tiny(tmp_path))
    check = a.contribution_check.set_index("company")
    # Acme: 0.075 + 0.175 = 0.25 = 100 / 80 - 1; Beta: 0.1 + 0.1 = 0.2 = 12 / 10 - 1
    assert check.loc["Acme", "contributions_sum"] == pytest.approx(0.25)
    assert check.loc["Beta", "contributions_sum"] == pytest.approx(0.20)
    assert (check["gap"].abs() < 1e-12).all()
    broken = a.lines.assign(contribution=a.lines["contribution"] + 0.01)
    with pytest.raises(ValueError, match="contributions do not sum to total growth"):
        revenue.check_contributions(broken, a.totals)


def test_cagr_starts_at_first_year_on_file(tmp_path):
    a = run(write_tiny(tmp_path))
    t = by_line(a)
    # Acme from 2022: goods (66 / 50) ** (1 / 2) - 1 = 0.1489; ads (34 / 10) ** (1 / 2) - 1 = 0.8439
    assert t.loc[("Acme", "Goods"), "cagr"] == pytest.approx((66 / 50) ** 0.5 - 1)
    assert t.loc[("Acme", "Ads"), "cagr"] == pytest.approx((34 / 10) ** 0.5 - 1)
    # Beta starts in 2023 although base_year is 2022: one year, CAGR = YoY, from_year shown
    assert t.loc[("Beta", "Product"), "from_year"] == 2023
    assert t.loc[("Beta", "Product"), "cagr"] == pytest.approx(9 / 8 - 1)
    assert a.totals.set_index("company").loc["Acme", "total_cagr"] == pytest.approx((100 / 60) ** 0.5 - 1)


def test_categories_and_share_history(tmp_path):
    a = run(write_tiny(tmp_path))
    cats = a.categories.set_index(["company", "category"])
    assert cats.loc[("Acme", "advertising"), "share"] == pytest.approx(0.34)
    assert cats.loc[("Beta", "marketplace_services"), "yoy"] == pytest.approx(0.5)
    hist = a.shares.groupby(["company", "fiscal_year"])["share"].sum()
    assert len(hist) == 5  # Acme 2022-2024, Beta 2023-2024
    assert hist.to_numpy() == pytest.approx([1.0] * 5)
    # Acme 2022: ads 10 of 60
    acme22 = a.shares.query("company == 'Acme' and fiscal_year == 2022").set_index("category")
    assert acme22.loc["advertising", "share"] == pytest.approx(10 / 60)


def test_currency_conversion_shows_rate(tmp_path):
    usd = run(write_tiny(tmp_path))
    tot = usd.totals.set_index("company")
    # Beta 12 trillion KRW at 1,300 KRW per USD
    assert tot.loc["Beta", "total"] == pytest.approx(12e12 / 1300)
    assert tot.loc["Beta", "rate_status"] == "DERIVED"
    assert tot.loc["Acme", "total"] == pytest.approx(100e6)
    rates = usd.rates.set_index(["company", "fiscal_year"])
    assert rates.loc[("Beta", 2023), "quote"] == "1 USD = 1,250.0000 KRW"
    krw = run(write_tiny(tmp_path), currency="KRW")
    tot = krw.totals.set_index("company")
    assert tot.loc["Acme", "total"] == pytest.approx(100e6 * 1300)
    assert tot.loc["Acme", "rate"] == pytest.approx(1300)
    # growth is measured in the reporting currency: unchanged by the view
    assert tot.loc["Acme", "total_yoy"] == pytest.approx(0.25)
    assert set(krw.rates["company"]) == {"Acme"}


def test_mixed_currency_company_grows_in_chosen_currency(tmp_path):
    rows = TINY_FILINGS[:6] + [
        "Acme,Acme Inc,2023,FY,type,Korea shop,12.5,KRW,billion,test,VERIFIED-1,",
        "Acme,Acme Inc,2024,FY,type,Korea shop,26,KRW,billion,test,VERIFIED-1,",
        "Acme,Acme Inc,2022,FY,type,Korea shop,12,KRW,billion,test,VERIFIED-1,"]
    mapping = TINY_MAPPING + ["Acme,Korea shop,retail_1p"]
    a = run(write_tiny(tmp_path, filings=rows, mapping=mapping), companies=["Acme"])
    t = by_line(a)
    # Korea shop in USD: 26e9 / 1300 = 20e6 (2024), 12.5e9 / 1250 = 10e6 (2023); total 120e6 vs 90e6
    assert t.loc[("Acme", "Korea shop"), "yoy"] == pytest.approx(20 / 10 - 1)
    assert t.loc[("Acme", "Korea shop"), "share"] == pytest.approx(20 / 120)
    assert a.totals.loc[0, "basis_currency"] == "converted"


def test_exclude_categories(tmp_path):
    a = run(write_tiny(tmp_path), exclude_categories=["advertising"])
    t = by_line(a)
    assert ("Acme", "Ads") not in t.index
    assert t.loc[("Acme", "Goods"), "share"] == pytest.approx(1.0)
    assert a.totals.set_index("company").loc["Acme", "total"] == pytest.approx(66e6)
    assert len(a.excluded) == 3  # Ads 2022, 2023, 2024


def test_reconciliation_catches_a_missing_line(tmp_path):
    rows = [r.replace(",Total,100,", ",Total,110,") for r in TINY_FILINGS]
    rec = revenue.reconcile_totals(revenue.load_filings(write_tiny(tmp_path, filings=rows)["filings_path"]),
                                   ["Acme"], "FY", "type")
    # lines 66 + 34 = 100 million vs 110 reported: gap -10 / 110
    assert rec.loc[0, "rel_gap"] == pytest.approx(-10 / 110)
    assert not rec.loc[0, "ok"]
    with pytest.raises(DataContractError, match=r"Acme 2024 type lines sum to 100,000,000 USD but the reported total \(line 8\) is 110,000,000"):
        run(write_tiny(tmp_path, filings=rows))


def test_weakest_status():
    assert revenue.weakest_status(["VERIFIED-2", "VERIFIED-1"]) == "VERIFIED-1"
    assert revenue.weakest_status(["CHECK-ROUNDED", "SECONDARY", "VERIFIED-2"]) == "SECONDARY"
    with pytest.raises(ValueError, match="status 'OK' is not one of"):
        revenue.weakest_status(["OK"])


def test_interpretation_is_generated_from_results(tmp_path):
    text = revenue.interpretation(run(write_tiny(tmp_path)))
    # fastest line of Acme is Ads (+70.0%); Beta's largest category retail_1p 80.0% -> 75.0%
    assert "*Ads* (+70.0%)" in text
    assert "Beta `retail_1p` 80.0% → 75.0% (-5.0 pp)" in text
    assert "Beta report(s) no separate `advertising` line" in text


def test_plot_titles_state_the_finding(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    a = run(write_tiny(tmp_path))
    # Acme ads: +70% YoY at 34% of revenue; Beta product sales: (9 - 8) / 10 = 10% contribution,
    # the largest (Acme ads 17.5%) -> Acme Ads; Beta 12e12 KRW / 1300 = $9.2B vs Acme $0.1B
    assert revenue.plot_growth_vs_share(a).get_title(loc="left") == (
        "Acme Ads grew fastest (+70%) in 2024, at 34% of revenue")
    assert revenue.plot_contributions(a).get_title(loc="left").startswith("Ads added 17.5% of Acme's")
    assert revenue.plot_totals(a).get_title(loc="left") == (
        "Beta had the largest FY revenue in 2024: $9.2B, 92x the smallest")
    ax = revenue.plot_shares(a)
    assert "retail_1p is 66% of Acme; retail_1p is 75% of Beta" in ax.get_title(loc="left")
    assert "Beta: includes DERIVED/UNVERIFIED figures" in ax.figure.texts[0].get_text()
    matplotlib.pyplot.close("all")


def test_notebook_code_runs_on_user_files(tmp_path):
    """The committed notebook's code cells, in order, with a user's own tiny files as parameters."""
    import matplotlib

    matplotlib.use("Agg")
    nb = json.loads((NOTEBOOKS_DIR / "01_revenue_mix.ipynb").read_text(encoding="utf-8"))
    namespace: dict = {}
    for cell in (c for c in nb["cells"] if c["cell_type"] == "code"):
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        exec(compile(source, "01_revenue_mix.ipynb", "exec"), namespace)  # noqa: S102
        if "parameters" in cell["metadata"].get("tags", []):  # what papermill injects
            namespace.update(write_tiny(tmp_path), companies=["Acme", "Beta"], base_year=2022)
    results = namespace["results"]
    assert results["acme.ads.share"] == pytest.approx(34 / 100)
    assert results["beta.service.yoy"] == pytest.approx(3 / 2 - 1)
    assert results["acme.category.advertising.share"] == pytest.approx(0.34)
    matplotlib.pyplot.close("all")


def test_contract_validator_on_shipped_files_and_helper_output(tmp_path):
    filings = load_csv(RAW_DIR / "filings.csv", FILINGS)
    load_csv(RAW_DIR / "line_mapping.csv", LINE_MAPPING)
    load_csv(RAW_DIR / "fx.csv", FX_RATES)
    assert filings.loc[filings["status"] == "DERIVED", "note"].notna().all()
    assert set(filings.loc[filings["company"] == "Coupang Corp", "status"]) == {"UNVERIFIED", "DERIVED"}
    # the helper's own output, written back as a CSV, still follows the contract
    out = revenue.load_filings(RAW_DIR / "filings.csv")[FILINGS.names]
    path = tmp_path / "roundtrip.csv"
    out.to_csv(path, index=False, lineterminator="\n")
    assert len(load_csv(path, FILINGS)) == len(out)


# --- bad input ---------------------------------------------------------------------------------


def _drop_column(rows):
    return [",".join(r.split(",")[:7] + r.split(",")[8:]) for r in rows]


BAD_FILES = [
    pytest.param({"filings": _drop_column(TINY_FILINGS),
                  "header": "company,entity,fiscal_year,period,breakdown,line,amount,unit,source,status,note"},
                 DataContractError, r"filings.csv \(filings\): missing required column\(s\) \['currency'\]",
                 id="missing-column"),
    pytest.param({"mapping": TINY_MAPPING[:2] + TINY_MAPPING[3:]}, DataContractError,
                 r"mapping.csv \(line_mapping\): no category for \[\{'company': 'Acme', 'line': 'Ads'\}\] "
                 r"\(used in .*filings.csv line 3, 5, 7\)", id="line-without-mapping"),
    pytest.param({"filings": TINY_FILINGS + [TINY_FILINGS[4]]}, DataContractError,
                 r"duplicate \(company, fiscal_year, period, breakdown, line\) in 2 row\(s\) \(line 6, 14\)",
                 id="duplicate-row"),
    pytest.param({"fx": TINY_FX[:3]}, DataContractError,
                 r"fx.csv \(fx_rates\): no KRW per USD rate for 2024, needed to convert from KRW \(filings line 11\)",
                 id="mixed-currency-without-rate"),
    pytest.param({"filings": [r.replace(",Goods,66,", ",Goods,-66,") for r in TINY_FILINGS]},
                 DataContractError, r"column 'amount' must be >= 0; 1 row\(s\) \(line 6\) have -66.0",
                 id="negative-revenue"),
    pytest.param({"filings": [r.replace("VERIFIED-1", "verified") for r in TINY_FILINGS]},
                 DataContractError, r"column 'status' allows only .* have 'verified'", id="unknown-status"),
    pytest.param({"filings": [r for r in TINY_FILINGS if "2023,FY,type,Ads" not in r]}, DataContractError,
                 r"'Acme' line 'Ads' has a figure for 2024 \(line 3\) but none for 2023", id="line-missing-prior-year"),
    pytest.param({"mapping": TINY_MAPPING + ["Acme,Extra,Retail 1P"]}, DataContractError,
                 r"category' must be lower-case snake_case; line 6 has 'Retail 1P' \(use 'retail_1p'\)",
                 id="category-not-snake-case"),
    pytest.param({"filings": TINY_FILINGS + ["Acme,Acme Inc,2024,FY,type,goods,1,USD,million,t,VERIFIED-1,"]},
                 DataContractError, r"lines \['Goods', 'goods'\] that give the same result key 'goods'",
                 id="two-lines-same-key"),
    pytest.param({"filings": [r.replace(",Goods,50,", ",Goods,0,") for r in TINY_FILINGS]}, DataContractError,
                 r"'Acme' line 'Goods' is 0 in 2023 or in 2022; its YoY growth or CAGR is undefined",
                 id="zero-base-no-silent-nan"),
]


@pytest.mark.parametrize(("files", "error", "match"), BAD_FILES)
def test_bad_files(tmp_path, files, error, match):
    paths = write_tiny(tmp_path, **files)
    with pytest.raises(error, match=match):
        run(paths)


BAD_PARAMETERS = [
    pytest.param({"companies": ["Acme", "Nope"]}, r"parameter 'companies' has \['Nope'\], which are not allowed; "
                 r"choose from \['Acme', 'Beta'\]", id="unknown-company"),
    pytest.param({"year": 2030}, r"parameter 'year' = 2030: 'Acme' has no FY type figures for 2030 "
                 r"\(the focus year\) .* years on file: \[2022, 2023, 2024\]", id="unknown-year"),
    pytest.param({"year": 2023, "base_year": 2022}, r"'Beta' has no FY type figures for 2022 \(the year before it",
                 id="no-prior-year"),
    pytest.param({"currency": "EUR"}, r"parameter 'currency' = 'EUR' is not allowed; choose one of \['USD', 'KRW'\]",
                 id="unknown-currency"),
    pytest.param({"base_year": 2024}, r"parameter 'base_year' = 2024 must be before 'year' = 2024",
                 id="base-year-not-before-year"),
    pytest.param({"breakdown": "segment"}, r"'companies': 'Acme' has no rows with period='FY' and "
                 r"breakdown='segment'", id="breakdown-not-in-file"),
    pytest.param({"period": "FY2024"}, r"parameter 'period' = 'FY2024' is not allowed", id="unknown-period"),
    pytest.param({"exclude_categories": ["cloud"]}, r"parameter 'exclude_categories' has \['cloud'\]",
                 id="unknown-category"),
    pytest.param({"exclude_categories": "advertising"}, r"'exclude_categories' must be a list",
                 id="category-as-string"),
    pytest.param({"exclude_categories": ["retail_1p", "marketplace_services"]},
                 r"'exclude_categories' = \['retail_1p', 'marketplace_services'\] leaves no type line of 'Beta'",
                 id="exclude-everything"),
    pytest.param({"companies": []}, r"'companies' must be a non-empty list", id="no-company"),
    pytest.param({"year": 2024.5}, r"parameter 'year' = 2024.5 must be a whole number", id="fractional-year"),
]


@pytest.mark.parametrize(("override", "match"), BAD_PARAMETERS)
def test_bad_parameters(tmp_path, override, match):
    paths = write_tiny(tmp_path)
    with pytest.raises(ParameterError, match=match):
        revenue.validate_parameters(**paths, **{**DEFAULTS, **override})


def test_missing_file_names_the_parameter(tmp_path):
    paths = write_tiny(tmp_path)
    with pytest.raises(ParameterError, match=r"parameter 'fx_path': file '.*nope.csv' not found"):
        revenue.validate_parameters(**{**paths, "fx_path": str(tmp_path / "nope.csv")}, **DEFAULTS)
