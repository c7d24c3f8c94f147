"""What notebook 01 shows: prose and titles from the results, tables, checks, recorded keys, the notebook itself."""

from __future__ import annotations

import json

import pytest

from helpers.config import NOTEBOOKS_DIR
from helpers.revenue import report


def test_interpretation_is_generated_from_results(tiny):
    text = report.interpretation(tiny.run())
    # fastest line of Acme is Ads (+70.0%); Beta's largest category retail_1p 80.0% -> 75.0%
    assert "*Ads* (+70.0%)" in text
    assert "Beta `retail_1p` 80.0% → 75.0% (-5.0 pp)" in text
    assert "Beta report(s) no separate `advertising` line" in text


def test_figure_titles_state_the_finding(tiny):
    a = tiny.run()
    # Acme ads: +70% YoY at 34% of revenue; contributions: Acme ads (34 - 20) / 80 = 17.5% is the largest;
    # Beta 12e12 KRW / 1300 = $9.2B vs Acme $0.1B
    assert report.figure_growth_vs_share(a).axes[0].get_title(loc="left") == (
        "Acme Ads grew fastest (+70%) in 2024, at 34% of revenue")
    assert report.figure_contributions(a).axes[0].get_title(loc="left").startswith("Ads added 17.5% of Acme's")
    assert report.figure_totals(a).axes[0].get_title(loc="left") == (
        "Beta had the largest FY revenue in 2024: $9.2B, 92x the smallest")
    fig = report.figure_shares(a)
    assert "retail_1p is 66% of Acme; retail_1p is 75% of Beta" in fig.axes[0].get_title(loc="left")
    assert "Beta: includes DERIVED/UNVERIFIED figures" in fig.texts[0].get_text()


def test_footnote_caveats_and_text_tables(tiny):
    a = tiny.run()
    # Acme's 2022 ads figure (CHECK-ROUNDED) is shown in the CAGR window; Beta's are DERIVED/UNVERIFIED
    assert report.footnote(a) == ("* Not VERIFIED: Acme (CHECK-ROUNDED figures); Beta (DERIVED, UNVERIFIED "
                                  "figures). The status columns carry the weakest label per number; see Caveats.")
    cav = report.caveat_markdown(a.flags)
    assert "- Beta — **DERIVED**: Product 2023, Service 2023, FX rate (per 1 KRW) 2024" in cav
    lines = report.lines_text(a).splitlines()
    assert lines[2].split() == ["Acme", "Ads", "0.34", "0.700", "0.175", "VERIFIED-1", "0.8439", "2022",
                                "CHECK-ROUNDED"]
    assert "total_billions in USD" in report.categories_text(a).splitlines()


def test_sanity_checks_pass_and_fail(tiny):
    a = tiny.run()
    assert all(report.sanity_checks(a).values())
    broken = type(a)(**{**a.__dict__, "lines": a.lines.assign(share=a.lines["share"] * 2)})
    assert report.sanity_checks(broken)["line shares sum to 1"] is False


def test_tables_are_formatted_for_readers(tiny):
    a = tiny.run()
    html = report.reconciliation_table(a).to_html()
    assert "0.000%" in html and "yes" in html  # Acme 2024 reconciles exactly
    assert "none: `exclude_categories` is empty" in report.excluded_table(a).to_html()
    assert "1 USD = 1,300.0000 KRW" in report.rates_table(a).to_html()


def test_notebook_code_runs_on_user_files(tiny):
    """The committed notebook's code cells, in order, with a user's own tiny files as parameters."""
    nb = json.loads((NOTEBOOKS_DIR / "01_revenue_mix.ipynb").read_text(encoding="utf-8"))
    namespace: dict = {}
    for cell in (c for c in nb["cells"] if c["cell_type"] == "code"):
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        exec(compile(source, "01_revenue_mix.ipynb", "exec"), namespace)  # noqa: S102
        if "parameters" in cell["metadata"].get("tags", []):  # what papermill injects
            namespace.update(tiny.write(), companies=["Acme", "Beta"], base_year=2022)
    results = namespace["results"]
    assert results["acme.ads.share"] == pytest.approx(34 / 100)
    assert results["beta.service.yoy"] == pytest.approx(3 / 2 - 1)
    assert results["acme.category.advertising.share"] == pytest.approx(0.34)


def test_every_share_table_carries_the_gross_net_note(tiny):
    a = tiny.run()
    for text in (report.lines_text(a), report.categories_text(a)):
        assert "* Revenue shares are not shares of sales: first-party (1P) retail revenue is booked gross" in text
    assert "booked gross" in report.figure_shares(a).texts[0].get_text()


def test_growth_prose_and_records(tiny):
    companies = ["company,entity,reporting_currency,operating_currency,source,status,note",
                 "Acme,Acme Inc,USD,KRW,test,VERIFIED-1,"]
    a = tiny.run(tiny.write(companies_path=companies))
    # Acme: +25.0% reported, (100 * 1300) / (80 * 1250) - 1 = +30.0% in KRW; KRW 1,250 -> 1,300 weakened
    text = report.growth_markdown(a)
    assert "2024 growth is +25.0% as reported and +30.0% at constant currency" in text
    assert "the KRW weakened against the USD (1,250.0 → 1,300.0), a currency effect of -5.0 pp" in text
    assert report.growth_records(a) == {"acme.total_yoy_constant_currency": pytest.approx(0.30),
                                        "acme.constant_currency_operating_share": 1.0}
    assert report.growth_text(a).splitlines()[1].split() == ["Acme", "USD", "0.25", "KRW", "0.3000", "-", "-"]
    assert "approximation: 100.0% of 2024 revenue treated as earned in KRW" in report.growth_text(a)
    assert "—" in report.growth_table(a).to_html()  # no acquisition: organic columns not applicable
