"""Parameters of notebook 01 (revenue mix), declared once.

Light on purpose (no pandas): the batch runner imports it before any kernel starts. Checks
that need the data (a company must be in the filings file, a year on file) are in
:func:`helpers.revenue.load.load_inputs`.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, model_validator

from helpers.constants import CURRENCIES
from helpers.params import NotebookParams, data_path

#: Periods a filing row can cover (FY = full year; H1, 9M = year to date; Q1..Q4 = one quarter).
PERIODS = ("FY", "H1", "9M", "Q1", "Q2", "Q3", "Q4")
#: Breakdowns a notebook run can analyse (``total`` rows only reconcile the lines).
BREAKDOWNS = ("type", "segment")


class Params(NotebookParams):
    """Parameters of ``notebooks/01_revenue_mix.ipynb``.

    Examples
    --------
    >>> p = Params.build({"companies": ["Amazon"], "base_year": 2019})
    >>> p.companies, p.year, p.currency
    (['Amazon'], 2024, 'USD')
    """

    NOTEBOOK: ClassVar[str] = "01_revenue_mix"

    filings_path: str = data_path(
        "data/raw/filings.csv",
        "tidy revenue figures (contract filings), project-relative or absolute")
    mapping_path: str = data_path(
        "data/raw/line_mapping.csv", "line to comparable category (contract line_mapping)")
    fx_path: str = data_path(
        "data/raw/fx.csv", "annual average units per USD (contract fx_rates)")
    companies_path: str = data_path(
        "data/raw/companies.csv",
        "reporting and operating currency per company (contract companies), for constant-currency growth")
    events_path: str = data_path(
        "data/raw/corporate_events.csv",
        "acquisitions, disposals and recasts (contract corporate_events), for organic growth")
    companies: list[str] = Field(
        ["Amazon", "Coupang Corp"], min_length=1,
        description="companies to compare, as in the company column of the filings file")
    year: int = Field(2024, ge=1990, le=2100,
                      description="focus fiscal year (needs figures for year and the year before)")
    base_year: int = Field(2021, ge=1990, le=2100,
                           description="first year of the CAGR window, before year (later if a company starts later)")
    period: Literal[PERIODS] = Field(  # type: ignore[valid-type]
        "FY", description="FY: full year; 9M or Q3: Coupang Inc revenue by type, year to date or quarter")
    breakdown: Literal[BREAKDOWNS] = Field(  # type: ignore[valid-type]
        "type", description="type for revenue by type, segment for reportable segments")
    currency: Literal[CURRENCIES] = Field(  # type: ignore[valid-type]
        "USD", description="currency of money figures (ISO code; growth stays in reporting currency)")
    exclude_categories: list[str] = Field(
        [], description="mapping categories to leave out, e.g. [cloud]")

    @model_validator(mode="after")
    def _rules(self) -> Params:
        if self.base_year >= self.year:
            raise ValueError(f"parameter 'base_year' = {self.base_year} must be before 'year' = {self.year}")
        if len(set(self.companies)) != len(self.companies):
            raise ValueError(f"parameter 'companies' = {self.companies!r} names a company twice")
        if any(not c.strip() for c in self.companies):
            raise ValueError(f"parameter 'companies' = {self.companies!r} has an empty name")
        return self
