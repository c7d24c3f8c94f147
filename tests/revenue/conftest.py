"""Tiny filings, mapping and FX files (a user's own files following the contracts), by hand.

Acme reports in USD million, Beta in KRW trillion. Expected values in the tests are computed
from these rows by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import revenue

HEADER = "company,entity,fiscal_year,period,breakdown,line,amount,currency,unit,source,status,note"
FILINGS = [
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
MAPPING = [
    "company,line,category",
    "Acme,Goods,retail_1p",
    "Acme,Ads,advertising",
    "Beta,Product,retail_1p",
    "Beta,Service,marketplace_services",
]
FX = [
    "year,currency,per_usd,source,status,note",
    "2022,KRW,1200,test,VERIFIED-1,",
    "2023,KRW,1250,test,VERIFIED-1,",
    "2024,KRW,1300,test,DERIVED,",
]
DEFAULTS = {"companies": ["Acme", "Beta"], "year": 2024, "base_year": 2022}


@dataclass
class Tiny:
    folder: Path
    filings: tuple[str, ...] = tuple(FILINGS)
    mapping: tuple[str, ...] = tuple(MAPPING)
    fx: tuple[str, ...] = tuple(FX)

    def write(self, filings=None, mapping=None, fx=None, header: str = HEADER, **extra: list[str]) -> dict:
        """Write the files (optionally changed) and return the path parameters."""
        paths = {"filings_path": self.folder / "filings.csv", "mapping_path": self.folder / "mapping.csv",
                 "fx_path": self.folder / "fx.csv"}
        paths["filings_path"].write_text("\n".join([header, *(self.filings if filings is None else filings)]) + "\n")
        paths["mapping_path"].write_text("\n".join(self.mapping if mapping is None else mapping) + "\n")
        paths["fx_path"].write_text("\n".join(self.fx if fx is None else fx) + "\n")
        for name, lines in extra.items():  # further files, e.g. companies_path=[...]
            paths[name] = self.folder / f"{name.removesuffix('_path')}.csv"
            paths[name].write_text("\n".join(lines) + "\n")
        return {k: str(v) for k, v in paths.items()}

    def params(self, paths: dict | None = None, **overrides) -> revenue.Params:
        return revenue.Params.build({**(paths or self.write()), **DEFAULTS, **overrides})

    def run(self, paths: dict | None = None, **overrides):
        return revenue.analyse(self.params(paths, **overrides))


@pytest.fixture
def tiny(tmp_path) -> Tiny:
    return Tiny(tmp_path)
