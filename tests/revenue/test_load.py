"""Loaders and the data-dependent parameter checks of notebook 01: bad files and values named exactly."""

from __future__ import annotations

import pytest

from helpers.config import RAW_DIR
from helpers.contracts import DataContractError, ParameterError, load_csv
from helpers.revenue import load
from helpers.revenue.schemas import FILINGS, FX_RATES, LINE_MAPPING


def test_value_is_amount_times_unit(tiny):
    f = load.load_filings(tiny.write()["filings_path"])
    acme = f[(f["company"] == "Acme") & (f["fiscal_year"] == 2024) & (f["line"] == "Goods")]
    beta = f[(f["company"] == "Beta") & (f["fiscal_year"] == 2024) & (f["line"] == "Product")]
    assert float(acme["value"].iloc[0]) == 66e6  # 66 million
    assert float(beta["value"].iloc[0]) == 9e12  # 9 trillion
    assert f["csv_line"].iloc[0] == 2  # header is line 1


def test_shipped_files_follow_their_contracts_and_roundtrip(tmp_path):
    filings = load_csv(RAW_DIR / "filings.csv", FILINGS)
    load_csv(RAW_DIR / "line_mapping.csv", LINE_MAPPING)
    load_csv(RAW_DIR / "fx.csv", FX_RATES)
    assert filings.loc[filings["status"] == "DERIVED", "note"].notna().all()
    assert set(filings.loc[filings["company"] == "Coupang Corp", "status"]) == {"UNVERIFIED", "DERIVED"}
    out = load.load_filings(RAW_DIR / "filings.csv")[FILINGS.names]
    path = tmp_path / "roundtrip.csv"
    out.to_csv(path, index=False, lineterminator="\n")
    assert len(load_csv(path, FILINGS)) == len(out)


def test_shipped_sources_cite_what_a_reader_can_follow():
    text = "\n".join((RAW_DIR / name).read_text(encoding="utf-8")
                     for name in ("filings.csv", "line_mapping.csv", "fx.csv", "SOURCES.md"))
    assert "seed 0" not in text and "shared/" not in text
    corp = load.load_filings(RAW_DIR / "filings.csv").query("company == 'Coupang Corp'")
    assert corp["source"].str.contains("Asia Business Daily").all()
    assert corp["source"].str.contains("11 June 2025").all()


def _drop_currency(rows):
    return [",".join(r.split(",")[:7] + r.split(",")[8:]) for r in rows]


def _files(t):
    """(changes to the tiny files, expected error message) pairs."""
    f, m, x = list(t.filings), list(t.mapping), list(t.fx)
    return {
        "missing-column": ({"filings": _drop_currency(f), "header":
                            "company,entity,fiscal_year,period,breakdown,line,amount,unit,source,status,note"},
                           r"filings.csv \(filings\): missing required column\(s\) \['currency'\]"),
        "line-without-mapping": ({"mapping": m[:2] + m[3:]},
                                 r"mapping.csv \(line_mapping\): no category for \[\{'company': 'Acme', 'line': "
                                 r"'Ads'\}\] \(used in .*filings.csv line 3, 5, 7\)"),
        "duplicate-row": ({"filings": f + [f[4]]},
                          r"duplicate \(company, fiscal_year, period, breakdown, line\) in 2 row\(s\) \(line 6, 14\)"),
        "mixed-currency-without-rate": ({"fx": x[:3]}, r"fx.csv \(fx_rates\): no KRW per USD rate for 2024, "
                                        r"needed to convert from KRW \(filings line 11\)"),
        "negative-revenue": ({"filings": [r.replace(",Goods,66,", ",Goods,-66,") for r in f]},
                             r"column 'amount' must be >= 0; 1 row\(s\) \(line 6\) have -66.0"),
        "unknown-status": ({"filings": [r.replace("VERIFIED-1", "verified") for r in f]},
                           r"column 'status' allows only .* have 'verified'"),
        "line-missing-prior-year": ({"filings": [r for r in f if "2023,FY,type,Ads" not in r]},
                                    r"'Acme' line 'Ads' has a figure for 2024 \(line 3\) but none for 2023"),
        "category-not-snake-case": ({"mapping": m + ["Acme,Extra,Retail 1P"]},
                                    r"category' must be lower-case snake_case; line 6 has 'Retail 1P' "
                                    r"\(use 'retail_1p'\)"),
        "two-lines-same-key": ({"filings": f + ["Acme,Acme Inc,2024,FY,type,goods,1,USD,million,t,VERIFIED-1,"]},
                               r"lines \['Goods', 'goods'\] that give the same result key 'goods'"),
        "reserved-key": ({"filings": f + ["Acme,Acme Inc,2024,FY,type,Organic YoY,1,USD,million,t,VERIFIED-1,"]},
                         r"line 'Organic YoY' would collide with a reserved result key"),
        "zero-base-no-silent-nan": ({"filings": [r.replace(",Goods,50,", ",Goods,0,") for r in f]},
                                    r"'Acme' line 'Goods' is 0 in 2023 or in 2022; its YoY growth or CAGR is undefined"),
    }


@pytest.mark.parametrize("case", ["missing-column", "line-without-mapping", "duplicate-row",
                                  "mixed-currency-without-rate", "negative-revenue", "unknown-status",
                                  "line-missing-prior-year", "category-not-snake-case", "two-lines-same-key",
                                  "reserved-key", "zero-base-no-silent-nan"])
def test_bad_files(tiny, case):
    changes, match = _files(tiny)[case]
    with pytest.raises(DataContractError, match=match):
        tiny.run(tiny.write(**changes))


BAD_VALUES = [
    pytest.param({"companies": ["Acme", "Nope"]}, r"parameter 'companies' has \['Nope'\], which are not allowed; "
                 r"choose from \['Acme', 'Beta'\]", id="unknown-company"),
    pytest.param({"year": 2030}, r"parameter 'year' = 2030: 'Acme' has no FY type figures for 2030 "
                 r"\(the focus year\) .* years on file: \[2022, 2023, 2024\]", id="unknown-year"),
    pytest.param({"year": 2023}, r"'Beta' has no FY type figures for 2022 \(the year before it", id="no-prior-year"),
    pytest.param({"breakdown": "segment"}, r"'companies': 'Acme' has no rows with period='FY' and "
                 r"breakdown='segment'", id="breakdown-not-in-file"),
    pytest.param({"exclude_categories": ["cloud"]}, r"parameter 'exclude_categories' has \['cloud'\]",
                 id="unknown-category"),
    pytest.param({"exclude_categories": ["retail_1p", "marketplace_services"]},
                 r"'exclude_categories' = \['retail_1p', 'marketplace_services'\] leaves no type line of 'Beta'",
                 id="exclude-everything"),
]


@pytest.mark.parametrize(("override", "match"), BAD_VALUES)
def test_parameters_checked_against_the_data(tiny, override, match):
    with pytest.raises(ParameterError, match=match):
        load.load_inputs(tiny.params(**override))


def test_missing_file_names_the_parameter(tiny, tmp_path):
    paths = {**tiny.write(), "fx_path": str(tmp_path / "nope.csv")}
    with pytest.raises(ParameterError, match=r"parameter 'fx_path': file '.*nope.csv' not found"):
        load.load_inputs(tiny.params(paths))


def test_companies_file_must_agree_with_the_filings(tiny):
    companies = ["company,entity,reporting_currency,operating_currency,source,status,note",
                 "Beta,Beta Corp,USD,KRW,test,VERIFIED-1,"]
    with pytest.raises(DataContractError, match=r"companies.csv \(companies\): line 2 says 'Beta' reports in USD "
                                                r"but .*filings.csv has its figures in KRW"):
        load.load_inputs(tiny.params(tiny.write(companies_path=companies)))
