"""Loaders of notebook 01: each file is validated on the way in (errors name file, column, line, value)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.contracts import (
    DataContractError,
    ParameterError,
    load_csv,
    require_file,
    require_subset,
)
from helpers.results import slug
from helpers.revenue.params import Params
from helpers.revenue.schemas import COMPANIES, CORPORATE_EVENTS, FILINGS, FX_RATES, LINE_MAPPING

#: Scale of each ``unit`` value.
UNIT_SCALE = {"one": 1.0, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
#: Line slugs that would collide with the non-line result keys of a company.
RESERVED_SLUGS = ("total", "total_yoy", "total_cagr", "category", "fx_rate",
                  "total_yoy_constant_currency", "organic_yoy", "organic_yoy_upper_bound",
                  "organic_constant_currency_yoy", "organic_constant_currency_yoy_upper_bound",
                  "constant_currency_operating_share")

__all__ = ["UNIT_SCALE", "RESERVED_SLUGS", "Inputs", "load_filings", "load_mapping", "load_fx",
           "load_companies", "load_events", "load_inputs"]


def load_filings(path: str | Path, param: str = "filings_path") -> pd.DataFrame:
    """Load a filings file (contract ``filings``); add ``csv_line`` and ``value``.

    Parameters
    ----------
    path : str or Path
        CSV file, project-relative or absolute.
    param : str
        Parameter that gave the path (named in errors).

    Returns
    -------
    DataFrame
        The contract's columns, ``csv_line`` (1-based line in the file, header = 1) and
        ``value`` (whole units of ``currency``, >= 0).

    Raises
    ------
    ParameterError
        If the file does not exist.
    DataContractError
        Contract breaches; two line names of a company with the same result key, or a line
        whose key is reserved (``total``, ``category``, ...).

    Notes
    -----
    :math:`value = amount \\times scale(unit)`, scale = 1, 10^3, 10^6, 10^9 or 10^12.

    Examples
    --------
    >>> f = load_filings("data/raw/filings.csv")
    >>> float(f.query("company == 'Amazon' and fiscal_year == 2024 and line == 'AWS' "
    ...               "and breakdown == 'type'")["value"].iloc[0])
    107556000000.0
    """
    df = load_csv(path, FILINGS, param=param)
    df["csv_line"] = np.arange(len(df)) + 2
    df["value"] = df["amount"] * df["unit"].map(UNIT_SCALE)
    for company, grp in df.groupby("company", sort=False):
        lines = grp.loc[grp["breakdown"] != "total", "line"].drop_duplicates()
        slugs = lines.map(slug)
        clash = slugs[slugs.duplicated(keep=False)]
        if len(clash):
            names = sorted(lines[slugs.isin(clash)].tolist())
            raise DataContractError(f"{path} (filings): company {company!r} has lines {names} that give the "
                                    f"same result key {clash.iloc[0]!r}; rename one")
        reserved = lines[slugs.isin(RESERVED_SLUGS)]
        if len(reserved):
            raise DataContractError(f"{path} (filings): company {company!r} line {reserved.iloc[0]!r} would "
                                    f"collide with a reserved result key {list(RESERVED_SLUGS)}; rename it")
    company_slugs = pd.Series(df["company"].unique()).map(slug)
    if company_slugs.duplicated().any():
        raise DataContractError(f"{path} (filings): company names {sorted(df['company'].unique())} do not give "
                                "distinct result keys")
    return df


def load_mapping(path: str | Path, param: str = "mapping_path") -> pd.DataFrame:
    """Load a line mapping (contract ``line_mapping``); add ``csv_line``.

    Raises
    ------
    ParameterError, DataContractError
        As :func:`helpers.contracts.load_csv`; also if a category is not lower-case snake_case
        (it becomes part of result keys).

    Examples
    --------
    >>> m = load_mapping("data/raw/line_mapping.csv")
    >>> m.query("company == 'Amazon' and line == 'AWS'")["category"].iloc[0]
    'cloud'
    """
    df = load_csv(path, LINE_MAPPING, param=param)
    df["csv_line"] = np.arange(len(df)) + 2
    bad = df["category"] != df["category"].map(slug)
    if bad.any():
        row = df[bad].iloc[0]
        raise DataContractError(f"{path} (line_mapping): column 'category' must be lower-case snake_case; "
                                f"line {row['csv_line']} has {row['category']!r} (use {slug(row['category'])!r})")
    return df


def load_fx(path: str | Path, param: str = "fx_path") -> pd.DataFrame:
    """Load annual average exchange rates (contract ``fx_rates``: units per 1 USD); add ``csv_line``.

    Raises
    ------
    ParameterError, DataContractError
        As :func:`helpers.contracts.load_csv` (a rate must be > 0).

    Examples
    --------
    >>> fx = load_fx("data/raw/fx.csv")
    >>> float(fx.query("year == 2023")["per_usd"].iloc[0])
    1306.7637
    """
    df = load_csv(path, FX_RATES, param=param)
    df["csv_line"] = np.arange(len(df)) + 2
    return df


def load_companies(path: str | Path, param: str = "companies_path") -> pd.DataFrame:
    """Load the reporting and operating currency of each company (contract ``companies``).

    Raises
    ------
    ParameterError, DataContractError
        As :func:`helpers.contracts.load_csv`.

    Examples
    --------
    >>> c = load_companies("data/raw/companies.csv").set_index("company")
    >>> c.loc["Coupang", ["reporting_currency", "operating_currency"]].tolist()
    ['USD', 'KRW']
    """
    df = load_csv(path, COMPANIES, param=param)
    df["csv_line"] = np.arange(len(df)) + 2
    if "also_earns_in" not in df.columns:
        df["also_earns_in"] = None
    return df


def load_events(path: str | Path, param: str = "events_path") -> pd.DataFrame:
    """Load corporate events (contract ``corporate_events``); add ``csv_line`` and ``value``.

    Returns
    -------
    DataFrame
        The contract's columns, ``csv_line`` and ``value`` = ``acquired_revenue`` x ``unit``
        (whole units of ``currency``; NaN when no figure is given).

    Raises
    ------
    ParameterError, DataContractError
        As :func:`helpers.contracts.load_csv`; also when ``announced`` is not ``YYYY-MM``, or a
        row gives ``acquired_revenue`` without ``fiscal_year``, ``period``, ``currency`` and ``unit``,
        or ``consolidated`` is not a ``YYYY-MM`` month of ``first_fiscal_year``.

    Examples
    --------
    >>> e = load_events("data/raw/corporate_events.csv")
    >>> float(e.query("event_id == 'farfetch' and period == '9M'")["value"].iloc[0])
    1187000000.0
    """
    df = load_csv(path, CORPORATE_EVENTS, param=param)
    df["csv_line"] = np.arange(len(df)) + 2
    bad = ~df["announced"].str.fullmatch(r"(19|20|21)\d\d-(0[1-9]|1[0-2])")
    if bad.any():
        row = df[bad].iloc[0]
        raise DataContractError(f"{path} (corporate_events): column 'announced' must be YYYY-MM; line "
                                f"{row['csv_line']} has {row['announced']!r}")
    for col in ("consolidated", "earns_in"):
        if col not in df.columns:
            df[col] = None
    month = df["consolidated"].notna()
    bad = month & ~df["consolidated"].astype(str).str.fullmatch(r"(19|20|21)\d\d-(0[1-9]|1[0-2])")
    bad |= month & ~bad & (df["consolidated"].astype(str).str[:4] != df["first_fiscal_year"].astype(str))
    if bad.any():
        row = df[bad].iloc[0]
        raise DataContractError(f"{path} (corporate_events): column 'consolidated' must be a YYYY-MM month of "
                                f"first_fiscal_year {row['first_fiscal_year']}; line {row['csv_line']} has "
                                f"{row['consolidated']!r}")
    given = df["acquired_revenue"].notna()
    for col in ("fiscal_year", "period", "currency", "unit"):
        missing = given & df[col].isna()
        if missing.any():
            raise DataContractError(f"{path} (corporate_events): line {df.loc[missing, 'csv_line'].iloc[0]} gives "
                                    f"acquired_revenue but no {col!r}")
    df["value"] = df["acquired_revenue"] * df["unit"].map(UNIT_SCALE)
    return df


@dataclass(frozen=True)
class Inputs:
    """The three validated files of one run, and the resolved paths (for messages)."""

    filings: pd.DataFrame
    mapping: pd.DataFrame
    fx: pd.DataFrame
    companies: pd.DataFrame
    events: pd.DataFrame
    filings_path: Path
    mapping_path: Path
    fx_path: Path


def load_inputs(p: Params) -> Inputs:
    """Load the files named by ``p`` and check the parameters that depend on them.

    Parameters
    ----------
    p : Params
        The notebook's validated parameters.

    Returns
    -------
    Inputs

    Raises
    ------
    ParameterError
        Naming the parameter: a file missing; a company not in the filings file or without
        rows for ``period``/``breakdown``; no figures for ``year`` or ``year - 1``; an
        ``exclude_categories`` entry not in the mapping, or one that leaves a company no line.
    DataContractError
        If a file breaks its contract, or the companies file gives a reporting currency that
        differs from the filings of a selected company.

    Examples
    --------
    >>> i = load_inputs(Params.build({}))
    >>> sorted(i.filings["company"].unique())
    ['Amazon', 'Coupang', 'Coupang Corp']
    """
    fpath = require_file("filings_path", p.filings_path)
    mpath = require_file("mapping_path", p.mapping_path)
    xpath = require_file("fx_path", p.fx_path)
    filings = load_filings(p.filings_path)
    require_subset("companies", p.companies, sorted(filings["company"].unique()))
    sel = filings[(filings["period"] == p.period) & (filings["breakdown"] == p.breakdown)]
    for company in p.companies:
        years = sorted(sel.loc[sel["company"] == company, "fiscal_year"].unique().tolist())
        if not years:
            own = filings.loc[filings["company"] == company, ["period", "breakdown"]]
            have = sorted(set(own.itertuples(index=False, name=None)))
            raise ParameterError(
                f"parameter 'companies': {company!r} has no rows with period={p.period!r} and "
                f"breakdown={p.breakdown!r} in {p.filings_path}; it has (period, breakdown) {have}")
        for needed, what in ((p.year, "the focus year"), (p.year - 1, "the year before it (for YoY)")):
            if needed not in years:
                raise ParameterError(
                    f"parameter 'year' = {p.year!r}: {company!r} has no {p.period} {p.breakdown} figures "
                    f"for {needed} ({what}) in {p.filings_path}; years on file: {years}")
    mapping = load_mapping(p.mapping_path)
    cats = sorted(mapping.loc[mapping["company"].isin(p.companies), "category"].unique())
    exclude = require_subset("exclude_categories", p.exclude_categories, cats)
    for company in p.companies:
        kept = set(mapping.loc[mapping["company"] == company, "category"]) - set(exclude)
        lines = set(sel.loc[sel["company"] == company, "line"])
        used = set(mapping.loc[(mapping["company"] == company) & mapping["line"].isin(lines), "category"])
        if used and not (used & kept):
            raise ParameterError(
                f"parameter 'exclude_categories' = {exclude!r} leaves no {p.breakdown} line of {company!r}")
    fx = load_fx(p.fx_path)
    require_file("companies_path", p.companies_path)
    require_file("events_path", p.events_path)
    companies = load_companies(p.companies_path)
    used = filings.loc[filings["company"].isin(p.companies), ["company", "currency"]].drop_duplicates()
    check = used.merge(companies[["company", "reporting_currency", "csv_line"]], on="company")
    wrong = check[check["currency"] != check["reporting_currency"]]
    if len(wrong):
        r = wrong.iloc[0]
        raise DataContractError(
            f"{p.companies_path} (companies): line {r['csv_line']} says {r['company']!r} reports in "
            f"{r['reporting_currency']} but {p.filings_path} has its figures in {r['currency']}")
    events = load_events(p.events_path)
    return Inputs(filings, mapping, fx, companies, events, fpath, mpath, xpath)
