"""Platform revenue mix from company filings: shares, growth, CAGR and contribution to growth.

Notebook 01 (``notebooks/01_revenue_mix.ipynb``) calls :func:`validate_parameters` and then
:func:`analyse`, which chains the steps below; each step is a public, tested function.

Data contracts (declared in :mod:`helpers.contracts`, section *revenue*):

* ``filings`` — one row per reported figure: ``company, entity, fiscal_year, period, breakdown,
  line, amount, currency, unit, source, status, note``. ``breakdown`` is ``type`` (revenue by
  type), ``segment`` or ``total`` (the reported total, used only to reconcile the lines).
* ``line_mapping`` — ``company, line, category[, note]``: the analyst's choice of comparable
  category for each line (a data file and the ``mapping_path`` parameter, never a constant).
* ``fx_rates`` — ``year, currency, per_usd, source, status[, note]``: annual averages.

Money columns: ``value`` is the reported figure in whole units of its reporting currency
(``amount`` x ``unit``); ``amount_conv`` is the same in the chosen currency. Growth metrics
(YoY, CAGR, contributions) are computed in each company's reporting currency, so exchange-rate
moves do not show up as growth; shares do not depend on the currency.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers.contracts import (
    DataContractError,
    ParameterError,
    load_csv,
    require_choice,
    require_file,
    require_number,
    require_subset,
)
from helpers.results import key, slug
from helpers.revenue.schemas import FILINGS, FX_RATES, LINE_MAPPING, REVENUE_STATUSES

CURRENCIES = ("USD", "KRW")
BREAKDOWNS = ("type", "segment")
PERIODS = ("FY", "H1", "9M", "Q1", "Q2", "Q3", "Q4")
UNIT_SCALE = {"one": 1.0, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
VERIFIED = ("VERIFIED-2", "VERIFIED-1")
#: Line slugs that would collide with the non-line result keys of a company.
RESERVED_SLUGS = ("total", "total_yoy", "total_cagr", "category", "fx_rate")
RECONCILE_TOLERANCE = 0.001

__all__ = [
    "RevenueParams", "RevenueAnalysis", "validate_parameters", "load_filings", "load_mapping",
    "load_fx", "weakest_status", "select_rows", "mapping_used", "reconcile_totals", "map_lines", "convert",
    "line_metrics", "category_metrics", "total_metrics", "check_contributions", "share_history",
    "rates_used", "not_verified", "caveat_markdown", "footnote", "result_records", "interpretation", "analyse",
    "plot_shares", "plot_growth_vs_share", "plot_contributions", "plot_totals",
]


# ---------------------------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RevenueParams:
    """Validated parameters of notebook 01 (paths resolved against the project root)."""

    filings_path: Path
    mapping_path: Path
    fx_path: Path
    companies: tuple[str, ...]
    year: int
    base_year: int
    period: str
    breakdown: str
    currency: str
    exclude_categories: tuple[str, ...]


def validate_parameters(*, filings_path: str, mapping_path: str, fx_path: str,
                        companies: Sequence[str], year: int, base_year: int, period: str,
                        breakdown: str, currency: str,
                        exclude_categories: Sequence[str]) -> RevenueParams:
    """Check every parameter of notebook 01 and return them validated.

    The data files are read to check that the companies and years exist in them.

    Parameters
    ----------
    filings_path, mapping_path, fx_path : str
        CSV files following the ``filings``, ``line_mapping`` and ``fx_rates`` contracts,
        relative to the project root or absolute.
    companies : list of str
        Companies to compare, exactly as in the ``company`` column.
    year : int
        Focus fiscal year; every company needs figures for ``year`` and ``year - 1``.
    base_year : int
        First year of the CAGR window, ``base_year < year``. A company whose figures start
        later uses its first year on file (shown as ``from_year``).
    period : str
        ``FY`` (full year) or a year-to-date/quarter period such as ``9M`` or ``Q3``.
    breakdown : str
        ``type`` (revenue by type) or ``segment``.
    currency : str
        ``USD`` or ``KRW``: currency of the money figures shown.
    exclude_categories : list of str
        Categories of the mapping to leave out (e.g. ``["cloud"]``); totals become the total
        of the remaining lines.

    Returns
    -------
    RevenueParams

    Raises
    ------
    ParameterError
        Naming the parameter, its value and what is allowed.
    DataContractError
        If a data file breaks its contract.

    Notes
    -----
    No formula: this only checks inputs. Allowed years are those with rows for the chosen
    ``period`` and ``breakdown``.

    Examples
    --------
    >>> p = validate_parameters(filings_path="data/raw/filings.csv",
    ...     mapping_path="data/raw/line_mapping.csv", fx_path="data/raw/fx.csv",
    ...     companies=["Amazon"], year=2024, base_year=2021, period="FY", breakdown="type",
    ...     currency="USD", exclude_categories=[])
    >>> p.year, p.companies
    (2024, ('Amazon',))
    """
    fpath = require_file("filings_path", filings_path)
    mpath = require_file("mapping_path", mapping_path)
    xpath = require_file("fx_path", fx_path)
    require_choice("currency", currency, CURRENCIES)
    require_choice("breakdown", breakdown, BREAKDOWNS)
    require_choice("period", period, PERIODS)
    year = require_number("year", year, low=1990, high=2100, integer=True)
    base_year = require_number("base_year", base_year, low=1990, high=2100, integer=True)
    if base_year >= year:
        raise ParameterError(f"parameter 'base_year' = {base_year!r} must be before 'year' = {year!r}")
    if isinstance(companies, (str, bytes)) or not list(companies):
        raise ParameterError(f"parameter 'companies' must be a non-empty list of company names, got {companies!r}")
    companies = list(companies)
    if len(set(companies)) != len(companies):
        raise ParameterError(f"parameter 'companies' = {companies!r} names a company twice")
    filings = load_filings(filings_path)
    require_subset("companies", companies, sorted(filings["company"].unique()))
    sel = filings[(filings["period"] == period) & (filings["breakdown"] == breakdown)]
    for company in companies:
        years = sorted(sel.loc[sel["company"] == company, "fiscal_year"].unique().tolist())
        if not years:
            have = sorted({(p, b) for p, b in filings.loc[filings["company"] == company,
                                                          ["period", "breakdown"]].itertuples(index=False)})
            raise ParameterError(
                f"parameter 'companies': {company!r} has no rows with period={period!r} and "
                f"breakdown={breakdown!r} in {filings_path}; it has (period, breakdown) {have}")
        for needed, what in ((year, "the focus year"), (year - 1, "the year before it (for YoY)")):
            if needed not in years:
                raise ParameterError(
                    f"parameter 'year' = {year!r}: {company!r} has no {period} {breakdown} figures for "
                    f"{needed} ({what}) in {filings_path}; years on file: {years}")
    mapping = load_mapping(mapping_path)
    if isinstance(exclude_categories, (str, bytes)):
        raise ParameterError(f"parameter 'exclude_categories' must be a list, got the string {exclude_categories!r}")
    cats = sorted(mapping.loc[mapping["company"].isin(companies), "category"].unique())
    exclude = require_subset("exclude_categories", exclude_categories, cats)
    for company in companies:
        kept = set(mapping.loc[mapping["company"] == company, "category"]) - set(exclude)
        lines = set(sel.loc[sel["company"] == company, "line"])
        used = set(mapping.loc[(mapping["company"] == company) & mapping["line"].isin(lines), "category"])
        if used and not (used & kept):
            raise ParameterError(
                f"parameter 'exclude_categories' = {exclude!r} leaves no {breakdown} line of {company!r}")
    load_fx(fx_path)
    return RevenueParams(fpath, mpath, xpath, tuple(companies), int(year), int(base_year), period,
                         breakdown, currency, tuple(exclude))


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------


def load_filings(path: str | Path, param: str = "filings_path") -> pd.DataFrame:
    """Load and validate a filings file (contract ``filings``).

    Adds ``csv_line`` (1-based line in the file, header = 1) and ``value`` = ``amount`` x
    ``unit`` in whole units of ``currency``.

    Parameters
    ----------
    path : str or Path
        CSV file, relative to the project root or absolute.
    param : str
        Notebook parameter that gave the path (named in errors).

    Returns
    -------
    DataFrame
        The contract's columns plus ``csv_line`` and ``value`` (currency units, >= 0).

    Raises
    ------
    ParameterError
        If the file does not exist.
    DataContractError
        Missing column, negative amount, unknown status/unit/currency, duplicate
        (company, fiscal_year, period, breakdown, line), or two line names with the same key.

    Notes
    -----
    :math:`value = amount \\times scale(unit)`, scale = 1, 10^3, 10^6, 10^9, 10^12.

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
    """Load and validate a line mapping (contract ``line_mapping``); adds ``csv_line``.

    Raises
    ------
    ParameterError, DataContractError
        As :func:`helpers.contracts.load_csv`; also if a category is not lower-case snake_case.

    Notes
    -----
    No formula; ``category`` must equal ``slug(category)`` so it can be used in result keys.

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
    """Load and validate annual exchange rates (contract ``fx_rates``: units per 1 USD).

    Raises
    ------
    ParameterError, DataContractError
        As :func:`helpers.contracts.load_csv` (a rate must be > 0).

    Notes
    -----
    ``per_usd`` = units of ``currency`` for 1 USD, annual average.

    Examples
    --------
    >>> fx = load_fx("data/raw/fx.csv")
    >>> float(fx.query("year == 2023")["per_usd"].iloc[0])
    1306.7637
    """
    df = load_csv(path, FX_RATES, param=param)
    df["csv_line"] = np.arange(len(df)) + 2
    return df


# ---------------------------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------------------------


def weakest_status(statuses: Iterable[str]) -> str:
    """The weakest verification label among ``statuses`` (order of the research file).

    Parameters
    ----------
    statuses : iterable of str
        Labels from ``VERIFIED-2, VERIFIED-1, CHECK-ROUNDED, DERIVED, SECONDARY, UNVERIFIED``.

    Raises
    ------
    ValueError
        If a label is unknown or none is given.

    Notes
    -----
    A number computed from several figures is only as verified as its weakest input:
    rank(VERIFIED-2) = 0 < ... < rank(UNVERIFIED) = 5; the result has the largest rank.

    Examples
    --------
    >>> weakest_status(["VERIFIED-2", "DERIVED", "VERIFIED-1"])
    'DERIVED'
    """
    ranks = []
    for s in statuses:
        if s not in REVENUE_STATUSES:
            raise ValueError(f"status {s!r} is not one of {list(REVENUE_STATUSES)}")
        ranks.append(REVENUE_STATUSES.index(s))
    if not ranks:
        raise ValueError("weakest_status needs at least one status")
    return REVENUE_STATUSES[max(ranks)]


def select_rows(filings: pd.DataFrame, companies: Sequence[str], period: str, breakdown: str,
                base_year: int, year: int, *, source: str = "filings") -> pd.DataFrame:
    """Rows of the chosen companies, period and breakdown for ``base_year <= fiscal_year <= year``.

    Parameters
    ----------
    filings : DataFrame
        Output of :func:`load_filings`.
    companies : list of str
        Company names as in the file.
    period, breakdown : str
        Filters, e.g. ``"FY"`` and ``"type"``.
    base_year, year : int
        Inclusive window of fiscal years.
    source : str
        File name used in errors.

    Returns
    -------
    DataFrame
        The selected rows, in file order.

    Raises
    ------
    ParameterError
        If a company is not in the file or has no rows for ``year`` and ``year - 1``.

    Notes
    -----
    Filter only: :math:`rows = \\{r : company_r \\in C, period_r = p, breakdown_r = b,
    base\\_year \\le year_r \\le year\\}`.

    Examples
    --------
    >>> f = load_filings("data/raw/filings.csv")
    >>> len(select_rows(f, ["Coupang Corp"], "FY", "type", 2023, 2024))
    6
    """
    require_subset("companies", companies, sorted(filings["company"].unique()))
    rows = filings[filings["company"].isin(list(companies)) & (filings["period"] == period)
                   & (filings["breakdown"] == breakdown) & filings["fiscal_year"].between(base_year, year)]
    for company in companies:
        years = set(rows.loc[rows["company"] == company, "fiscal_year"])
        missing = [y for y in (year - 1, year) if y not in years]
        if missing:
            raise ParameterError(f"parameter 'year' = {year!r}: {company!r} has no {period} {breakdown} rows "
                                 f"for {missing} in {source}")
    return rows.reset_index(drop=True)


def mapping_used(mapping: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """The mapping rows behind the selected figures (with ``note`` when the file has one).

    Parameters
    ----------
    mapping : DataFrame
        Output of :func:`load_mapping`.
    rows : DataFrame
        Selected filings rows (``company``, ``line``).

    Returns
    -------
    DataFrame
        ``company, line, category[, note]``, in mapping-file order.

    Notes
    -----
    Filter: :math:`\\{m : (company_m, line_m) \\in rows\\}`.

    Examples
    --------
    >>> m = load_mapping("data/raw/line_mapping.csv")
    >>> rows = pd.DataFrame({"company": ["Amazon"], "line": ["AWS"]})
    >>> mapping_used(m, rows)[["line", "category"]].to_numpy().tolist()
    [['AWS', 'cloud']]
    """
    used = rows[["company", "line"]].drop_duplicates()
    cols = ["company", "line", "category"] + (["note"] if "note" in mapping.columns else [])
    return mapping.merge(used, on=["company", "line"], how="inner")[cols]


def reconcile_totals(filings: pd.DataFrame, companies: Sequence[str], period: str, breakdown: str,
                     *, tolerance: float = RECONCILE_TOLERANCE) -> pd.DataFrame:
    """Compare the sum of the lines with the reported total, per company and year.

    Parameters
    ----------
    filings : DataFrame
        Output of :func:`load_filings`.
    companies : list of str
    period, breakdown : str
    tolerance : float
        Largest allowed relative gap, 0 <= tolerance < 1 (default 0.1%).

    Returns
    -------
    DataFrame
        ``company, fiscal_year, currency, lines_sum, reported_total, gap, rel_gap, ok,
        total_line`` in whole units of the reporting currency; only years whose lines and
        reported total share one currency (sums across currencies are not reconciled).

    Notes
    -----
    :math:`gap = \\sum_i line_i - total`, :math:`rel\\_gap = gap / total`,
    ok when :math:`|rel\\_gap| \\le tolerance`.

    Examples
    --------
    >>> f = load_filings("data/raw/filings.csv")
    >>> bool(reconcile_totals(f, ["Amazon"], "FY", "type")["ok"].all())
    True
    """
    sel = filings[filings["company"].isin(list(companies)) & (filings["period"] == period)]
    lines = (sel[sel["breakdown"] == breakdown].groupby(["company", "fiscal_year"], as_index=False)
             .agg(lines_sum=("value", "sum"), currency=("currency", lambda s: "/".join(sorted(set(s))))))
    totals = (sel[sel["breakdown"] == "total"]
              .rename(columns={"value": "reported_total", "csv_line": "total_line"})
              [["company", "fiscal_year", "currency", "reported_total", "total_line"]])
    out = lines.merge(totals, on=["company", "fiscal_year", "currency"], how="inner")
    out["gap"] = out["lines_sum"] - out["reported_total"]
    out["rel_gap"] = out["gap"] / out["reported_total"].where(out["reported_total"] > 0)
    out["ok"] = out["rel_gap"].abs() <= tolerance
    return out[["company", "fiscal_year", "currency", "lines_sum", "reported_total", "gap", "rel_gap", "ok",
                "total_line"]].reset_index(drop=True)


def map_lines(rows: pd.DataFrame, mapping: pd.DataFrame, *, filings_source: str = "filings",
              mapping_source: str = "line_mapping") -> pd.DataFrame:
    """Attach the analyst's ``category`` to every row.

    Parameters
    ----------
    rows : DataFrame
        Filings rows (``company``, ``line``, ``csv_line``).
    mapping : DataFrame
        Output of :func:`load_mapping`.
    filings_source, mapping_source : str
        File names used in errors.

    Returns
    -------
    DataFrame
        ``rows`` with a ``category`` column.

    Raises
    ------
    DataContractError
        If a (company, line) has no mapping, naming both files, the line and its CSV line.

    Notes
    -----
    :math:`category(r) = mapping[(company_r, line_r)]`; no default category.

    Examples
    --------
    >>> f = load_filings("data/raw/filings.csv")
    >>> r = select_rows(f, ["Coupang Corp"], "FY", "type", 2023, 2024)
    >>> sorted(map_lines(r, load_mapping("data/raw/line_mapping.csv"))["category"].unique())
    ['marketplace_services', 'membership_other', 'retail_1p']
    """
    out = rows.merge(mapping[["company", "line", "category"]], on=["company", "line"], how="left",
                     validate="many_to_one")
    missing = out[out["category"].isna()]
    if len(missing):
        pairs = missing[["company", "line"]].drop_duplicates().head(5).to_dict("records")
        lines = ", ".join(str(v) for v in missing["csv_line"].head(5))
        raise DataContractError(
            f"{mapping_source} (line_mapping): no category for {pairs} (used in {filings_source} "
            f"line {lines}); add a row 'company,line,category' for each")
    return out


def convert(rows: pd.DataFrame, fx: pd.DataFrame, currency: str, *,
            fx_source: str = "fx_rates") -> pd.DataFrame:
    """Convert ``value`` to ``currency`` with the annual rate of each fiscal year.

    Parameters
    ----------
    rows : DataFrame
        Rows with ``fiscal_year``, ``currency``, ``value`` (whole currency units), ``csv_line``.
    fx : DataFrame
        Output of :func:`load_fx` (units per 1 USD).
    currency : str
        Target currency, ``USD`` or ``KRW``.
    fx_source : str
        File name used in errors.

    Returns
    -------
    DataFrame
        ``rows`` plus ``amount_conv`` (in ``currency``), ``rate`` (target units per 1 reporting
        unit; 1 when no conversion), ``quote`` (the rate as ``1 USD = q KRW``), ``rate_status``
        and ``rate_source``.

    Raises
    ------
    DataContractError
        If a needed rate is missing, naming the fx file, year, currency pair and the filings line.

    Notes
    -----
    With :math:`q_{c,y}` = units of currency c per USD in year y (:math:`q_{USD,y} = 1`):
    :math:`amount\\_conv = value \\times q_{target,y} / q_{reporting,y}`.

    Examples
    --------
    >>> r = pd.DataFrame({"fiscal_year": [2023], "currency": ["USD"], "value": [1.0e6],
    ...                   "csv_line": [2]})
    >>> float(convert(r, load_fx("data/raw/fx.csv"), "KRW")["amount_conv"].iloc[0])
    1306763700.0
    """
    require_choice("currency", currency, CURRENCIES)
    lookup = {(int(r.year), r.currency): (float(r.per_usd), r.status, r.source)
              for r in fx.itertuples(index=False)}

    def per_usd(year: int, cur: str, line: int) -> tuple[float, str, str]:
        if cur == "USD":
            return 1.0, "VERIFIED-2", "identity"
        if (year, cur) not in lookup:
            raise DataContractError(
                f"{fx_source} (fx_rates): no {cur} per USD rate for {year}, needed to convert "
                f"{'from' if cur != currency else 'to'} {cur} (filings line {line}); add a row "
                f"'{year},{cur},<rate>,<source>,<status>,'")
        return lookup[(year, cur)]

    out = rows.copy()
    rates, statuses, sources = [], [], []
    for r in out.itertuples(index=False):
        if r.currency == currency:
            rates.append(1.0)
            statuses.append("VERIFIED-2")
            sources.append("no conversion")
            continue
        q_to, st_to, src_to = per_usd(int(r.fiscal_year), currency, int(r.csv_line))
        q_from, st_from, src_from = per_usd(int(r.fiscal_year), r.currency, int(r.csv_line))
        rates.append(q_to / q_from)
        statuses.append(weakest_status([st_to, st_from]))
        sources.append("; ".join(s for s in (src_to, src_from) if s != "identity"))
    out["rate"] = rates
    out["quote"] = [
        "none" if c == currency else
        f"1 USD = {(r if c == 'USD' else 1 / r):,.4f} {currency if c == 'USD' else c}"
        for c, r in zip(out["currency"], rates, strict=True)]
    out["rate_status"] = statuses
    out["rate_source"] = sources
    out["amount_conv"] = out["value"] * out["rate"]
    return out


def _basis(rows: pd.DataFrame) -> pd.DataFrame:
    """Growth basis: the reporting currency, or the chosen one for companies that mix currencies."""
    out = rows.copy()
    mixed = out.groupby("company")["currency"].transform("nunique") > 1
    out["basis"] = np.where(mixed, out["amount_conv"], out["value"])
    return out


def _period_frames(rows: pd.DataFrame, year: int, by: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    cur = rows[rows["fiscal_year"] == year]
    prev = rows[rows["fiscal_year"] == year - 1]
    a = set(map(tuple, cur[["company", by]].drop_duplicates().to_numpy().tolist()))
    b = set(map(tuple, prev[["company", by]].drop_duplicates().to_numpy().tolist()))
    for company, name in sorted(a ^ b):
        has, lacks = (year, year - 1) if (company, name) in a else (year - 1, year)
        line = rows.loc[(rows["company"] == company) & (rows[by] == name), "csv_line"].iloc[0]
        raise DataContractError(
            f"filings: {company!r} {by} {name!r} has a figure for {has} (line {line}) but none for "
            f"{lacks}; YoY and contribution need both years — add it, or exclude its category")
    return cur, prev


def _metrics(rows: pd.DataFrame, year: int, by: str) -> pd.DataFrame:
    rows = _basis(rows)
    cur, prev = _period_frames(rows, year, by)
    total_cur = cur.groupby("company")["basis"].sum()
    total_prev = prev.groupby("company")["basis"].sum()
    for company, tot in list(total_cur.items()) + list(total_prev.items()):
        if not tot > 0:
            raise DataContractError(f"filings: total revenue of {company!r} is {tot}; shares are undefined")
    status_cur = cur.groupby("company")["status"].agg(weakest_status)
    status_prev = prev.groupby("company")["status"].agg(weakest_status)
    agg = {"basis": "sum", "amount_conv": "sum", "status": weakest_status}
    g_cur = cur.groupby(["company", by], sort=False, as_index=False).agg(agg)
    g_prev = (prev.groupby(["company", by], as_index=False).agg(agg)
              .rename(columns={"basis": "prior", "amount_conv": "prior_conv", "status": "prior_status"}))
    out = g_cur.merge(g_prev, on=["company", by], how="left", validate="one_to_one")
    out["share"] = out["basis"] / out["company"].map(total_cur)
    out["prior_share"] = out["prior"] / out["company"].map(total_prev)
    out["yoy"] = np.where(out["prior"] > 0, out["basis"] / out["prior"].where(out["prior"] > 0) - 1, np.nan)
    out["contribution"] = (out["basis"] - out["prior"]) / out["company"].map(total_prev)
    # CAGR from the first year on file in the window
    sums = rows.groupby(["company", by, "fiscal_year"], as_index=False).agg(
        basis=("basis", "sum"), status=("status", weakest_status))
    first = sums.sort_values("fiscal_year").groupby(["company", by], as_index=False).first()
    first = first.rename(columns={"fiscal_year": "from_year", "basis": "from_value", "status": "from_status"})
    out = out.merge(first, on=["company", by], how="left")
    n = year - out["from_year"]
    ok = (out["from_value"] > 0) & (n > 0)
    out["cagr"] = np.where(ok, (out["basis"] / out["from_value"].where(ok)) ** (1 / n.where(ok)) - 1, np.nan)
    undefined = out[out["yoy"].isna() | out["cagr"].isna()]
    if len(undefined):
        r = undefined.iloc[0]
        raise DataContractError(
            f"filings: {r['company']!r} {by} {r[by]!r} is 0 in {year - 1} or in {int(r['from_year'])}; "
            "its YoY growth or CAGR is undefined — exclude its category or start the window later")
    out["cagr_status"] = [weakest_status([s, fs]) for s, fs in zip(out["status"], out["from_status"], strict=True)]
    out["status"] = [weakest_status([s, ps, status_cur[c], status_prev[c]])
                     for s, ps, c in zip(out["status"], out["prior_status"], out["company"], strict=True)]
    return out


def line_metrics(rows: pd.DataFrame, year: int) -> pd.DataFrame:
    """Share, YoY, CAGR and contribution to growth of every line in the focus year.

    Parameters
    ----------
    rows : DataFrame
        Output of :func:`convert` (selected, mapped, converted rows).
    year : int
        Focus fiscal year; rows for ``year - 1`` must exist for every line.

    Returns
    -------
    DataFrame
        One row per (company, line): ``category, amount_conv`` (chosen currency), ``basis``
        and ``prior`` (reporting currency), ``share, prior_share, yoy, from_year, cagr,
        contribution``, ``status`` (weakest label of the figures of ``year`` and ``year - 1``
        behind share, YoY and contribution), ``cagr_status`` (weakest of the line in
        ``from_year`` and ``year``), ``key`` (slug of the line).

    Raises
    ------
    DataContractError
        If a line lacks ``year`` or ``year - 1``, or a company's total is not positive.

    Notes
    -----
    For line i of a company with total :math:`T_t = \\sum_i x_{i,t}`:

    .. math::
        share_i = x_{i,t} / T_t,\\quad yoy_i = x_{i,t}/x_{i,t-1} - 1,\\quad
        contribution_i = (x_{i,t} - x_{i,t-1}) / T_{t-1},\\quad
        cagr_i = (x_{i,t}/x_{i,t_0})^{1/(t-t_0)} - 1

    with :math:`t_0` the first year on file at or after ``base_year``. Contributions sum to
    the total's growth :math:`T_t/T_{t-1} - 1`.

    Examples
    --------
    >>> r = pd.DataFrame({"company": ["A"] * 4, "line": ["x", "y", "x", "y"],
    ...     "category": ["c1", "c2", "c1", "c2"], "fiscal_year": [2023, 2023, 2024, 2024],
    ...     "currency": ["USD"] * 4, "value": [60.0, 40.0, 66.0, 54.0],
    ...     "amount_conv": [60.0, 40.0, 66.0, 54.0], "status": ["VERIFIED-1"] * 4,
    ...     "csv_line": [2, 3, 4, 5]})
    >>> line_metrics(r, 2024)[["line", "share", "yoy", "contribution"]].round(2).to_numpy().tolist()
    [['x', 0.55, 0.1, 0.06], ['y', 0.45, 0.35, 0.14]]
    """
    cats = rows[["company", "line", "category"]].drop_duplicates(["company", "line"])
    out = _metrics(rows, year, "line").merge(cats, on=["company", "line"], how="left")
    out["key"] = out["line"].map(slug)
    cols = ["company", "line", "category", "amount_conv", "basis", "prior", "share", "prior_share",
            "yoy", "from_year", "cagr", "contribution", "status", "cagr_status", "key"]
    return out[cols]


def category_metrics(rows: pd.DataFrame, year: int) -> pd.DataFrame:
    """Share, YoY, CAGR and contribution per mapped category (sums of its lines).

    Parameters
    ----------
    rows : DataFrame
        Output of :func:`convert`.
    year : int
        Focus fiscal year.

    Returns
    -------
    DataFrame
        One row per (company, category), columns as :func:`line_metrics`.

    Raises
    ------
    DataContractError
        As :func:`line_metrics`.

    Notes
    -----
    :math:`x_{k,t} = \\sum_{i \\in k} x_{i,t}`, then the formulas of :func:`line_metrics`.

    Examples
    --------
    >>> r = pd.DataFrame({"company": ["A"] * 4, "line": ["x", "y", "x", "y"],
    ...     "category": ["c1", "c1", "c1", "c1"], "fiscal_year": [2023, 2023, 2024, 2024],
    ...     "currency": ["USD"] * 4, "value": [60.0, 40.0, 66.0, 54.0],
    ...     "amount_conv": [60.0, 40.0, 66.0, 54.0], "status": ["VERIFIED-1"] * 4,
    ...     "csv_line": [2, 3, 4, 5]})
    >>> float(category_metrics(r, 2024)["yoy"].iloc[0].round(2))
    0.2
    """
    out = _metrics(rows, year, "category")
    cols = ["company", "category", "amount_conv", "basis", "prior", "share", "prior_share", "yoy",
            "from_year", "cagr", "contribution", "status", "cagr_status"]
    return out[cols]


def total_metrics(rows: pd.DataFrame, year: int) -> pd.DataFrame:
    """Total revenue per company in the focus year, its growth and the rate used.

    Parameters
    ----------
    rows : DataFrame
        Output of :func:`convert`.
    year : int
        Focus fiscal year.

    Returns
    -------
    DataFrame
        ``company, currency`` (chosen), ``total`` (chosen currency, whole units), ``rate``
        (chosen units per reporting unit in ``year``), ``basis_currency, total_basis,
        prior_total, total_yoy, from_year, total_cagr, status, cagr_status, rate_status``.

    Raises
    ------
    DataContractError
        As :func:`line_metrics`.

    Notes
    -----
    :math:`T_t = \\sum_i x_{i,t}`, :math:`yoy = T_t / T_{t-1} - 1`,
    :math:`cagr = (T_t / T_{t_0})^{1/(t - t_0)} - 1`; ``total`` is :math:`T_t` times the rate.

    Examples
    --------
    >>> r = pd.DataFrame({"company": ["A"] * 4, "line": ["x", "y", "x", "y"],
    ...     "category": ["c1", "c2", "c1", "c2"], "fiscal_year": [2023, 2023, 2024, 2024],
    ...     "currency": ["USD"] * 4, "value": [60.0, 40.0, 66.0, 54.0],
    ...     "amount_conv": [60.0, 40.0, 66.0, 54.0], "rate": [1.0] * 4,
    ...     "rate_status": ["VERIFIED-2"] * 4, "status": ["VERIFIED-1"] * 4, "csv_line": [2, 3, 4, 5]})
    >>> float(total_metrics(r, 2024)["total_yoy"].iloc[0].round(2))
    0.2
    """
    tmp = rows.assign(all_lines="total")
    m = _metrics(tmp, year, "all_lines")
    cur = _basis(rows)
    cur = cur[cur["fiscal_year"] == year]
    info = cur.groupby("company", sort=False).agg(
        rate=("rate", "mean"), rate_status=("rate_status", weakest_status),
        basis_currency=("currency", lambda s: s.iloc[0] if s.nunique() == 1 else "converted"))
    out = m.merge(info, left_on="company", right_index=True, how="left")
    out = out.rename(columns={"amount_conv": "total", "basis": "total_basis", "prior": "prior_total",
                              "yoy": "total_yoy", "cagr": "total_cagr"})
    return out[["company", "total", "rate", "basis_currency", "total_basis", "prior_total", "total_yoy",
                "from_year", "total_cagr", "status", "cagr_status", "rate_status"]]


def check_contributions(lines: pd.DataFrame, totals: pd.DataFrame, *, tol: float = 1e-9) -> pd.DataFrame:
    """Check that line contributions add up to each company's total growth.

    Parameters
    ----------
    lines : DataFrame
        Output of :func:`line_metrics`.
    totals : DataFrame
        Output of :func:`total_metrics`.
    tol : float
        Largest allowed absolute gap (fraction).

    Returns
    -------
    DataFrame
        ``company, contributions_sum, total_yoy, gap``.

    Raises
    ------
    ValueError
        If a gap exceeds ``tol`` (a broken decomposition, never expected).

    Notes
    -----
    :math:`\\sum_i (x_{i,t} - x_{i,t-1}) / T_{t-1} = T_t / T_{t-1} - 1`.

    Examples
    --------
    >>> lines = pd.DataFrame({"company": ["A", "A"], "contribution": [0.06, 0.14]})
    >>> totals = pd.DataFrame({"company": ["A"], "total_yoy": [0.2]})
    >>> float(check_contributions(lines, totals)["gap"].abs().iloc[0]) < 1e-12
    True
    """
    s = lines.groupby("company", as_index=False).agg(contributions_sum=("contribution", "sum"))
    out = s.merge(totals[["company", "total_yoy"]], on="company", how="outer")
    out["gap"] = out["contributions_sum"] - out["total_yoy"]
    bad = out[~(out["gap"].abs() <= tol)]
    if len(bad):
        raise ValueError(f"contributions do not sum to total growth: {bad.to_dict('records')}")
    return out


def share_history(rows: pd.DataFrame, by: str = "category") -> pd.DataFrame:
    """Share of each category (or line) in every company-year of ``rows``.

    Parameters
    ----------
    rows : DataFrame
        Output of :func:`convert`.
    by : str
        ``"category"`` or ``"line"``.

    Returns
    -------
    DataFrame
        ``company, fiscal_year, <by>, share, status``; shares of a company-year sum to 1.

    Raises
    ------
    ValueError
        If ``by`` is not ``category`` or ``line``.

    Notes
    -----
    :math:`share_{k,t} = \\sum_{i \\in k} x_{i,t} / \\sum_i x_{i,t}` (currency-free).

    Examples
    --------
    >>> r = pd.DataFrame({"company": ["A", "A"], "fiscal_year": [2024, 2024], "category": ["a", "b"],
    ...                   "currency": ["USD"] * 2, "value": [1.0, 3.0], "amount_conv": [1.0, 3.0],
    ...                   "status": ["VERIFIED-1"] * 2})
    >>> share_history(r)["share"].tolist()
    [0.25, 0.75]
    """
    if by not in ("category", "line"):
        raise ValueError(f"by = {by!r} must be 'category' or 'line'")
    b = _basis(rows)
    g = b.groupby(["company", "fiscal_year", by], sort=False, as_index=False).agg(
        basis=("basis", "sum"), status=("status", weakest_status))
    g["share"] = g["basis"] / g.groupby(["company", "fiscal_year"])["basis"].transform("sum")
    return g[["company", "fiscal_year", by, "share", "status"]]


def rates_used(rows: pd.DataFrame) -> pd.DataFrame:
    """The exchange rates applied, one row per (company, year) that was converted.

    Returns
    -------
    DataFrame
        ``company, fiscal_year, from_currency, rate, quote, rate_status, rate_source``; empty when
        nothing was converted.

    Notes
    -----
    ``rate`` = target units per 1 unit of the reporting currency (see :func:`convert`).

    Examples
    --------
    >>> r = pd.DataFrame({"company": ["A"], "fiscal_year": [2024], "currency": ["USD"], "rate": [1.0],
    ...                   "quote": ["none"], "rate_status": ["VERIFIED-2"], "rate_source": ["no conversion"]})
    >>> len(rates_used(r))
    0
    """
    conv = rows[rows["rate_source"] != "no conversion"]
    out = (conv.groupby(["company", "fiscal_year", "currency"], as_index=False)
           .agg(rate=("rate", "first"), quote=("quote", "first"), rate_status=("rate_status", "first"), rate_source=("rate_source", "first"))
           .rename(columns={"currency": "from_currency"}))
    return out


def not_verified(rows: pd.DataFrame) -> pd.DataFrame:
    """Figures shown whose status is not VERIFIED-1/2, and the rates used that are not.

    Returns
    -------
    DataFrame
        ``company, fiscal_year, line, amount, unit, currency, status, note`` (rates appear with
        ``line`` = ``FX rate <from>-><to>``).

    Notes
    -----
    Filter: :math:`status \\notin \\{VERIFIED\\text{-}2, VERIFIED\\text{-}1\\}`.

    Examples
    --------
    >>> r = pd.DataFrame({"company": ["A", "A"], "fiscal_year": [2024, 2024], "line": ["x", "y"],
    ...     "amount": [1.0, 2.0], "unit": ["one"] * 2, "currency": ["USD"] * 2,
    ...     "status": ["VERIFIED-1", "DERIVED"], "note": [None, "x = a - b"],
    ...     "rate": [1.0] * 2, "quote": ["none"] * 2, "rate_status": ["VERIFIED-2"] * 2, "rate_source": ["no conversion"] * 2})
    >>> not_verified(r)["line"].tolist()
    ['y']
    """
    cols = ["company", "fiscal_year", "line", "amount", "unit", "currency", "status", "note"]
    figs = rows.loc[~rows["status"].isin(VERIFIED), cols]
    fx = rates_used(rows)
    fx = fx[~fx["rate_status"].isin(VERIFIED)]
    fx_rows = pd.DataFrame({"company": fx["company"], "fiscal_year": fx["fiscal_year"],
                            "line": "FX rate (per 1 " + fx["from_currency"] + ")",
                            "amount": fx["rate"], "unit": "one", "currency": fx["quote"],
                            "status": fx["rate_status"], "note": fx["rate_source"]})
    parts = [p for p in (figs, fx_rows) if len(p)]
    if not parts:
        return pd.DataFrame(columns=cols)
    return pd.concat(parts, ignore_index=True).sort_values(["company", "fiscal_year", "line"],
                                                           ignore_index=True)


def caveat_markdown(flags: pd.DataFrame) -> str:
    """Markdown listing which shown figures are not VERIFIED, grouped by company and status.

    Examples
    --------
    >>> caveat_markdown(pd.DataFrame(columns=["company", "fiscal_year", "line", "status"]))
    'Every figure shown is VERIFIED-1 or VERIFIED-2.'
    """
    if flags.empty:
        return "Every figure shown is VERIFIED-1 or VERIFIED-2."
    out = ["**Figures shown that are not VERIFIED** (numbers computed from them inherit the weakest label):"]
    for (company, status), g in flags.groupby(["company", "status"], sort=True):
        items = ", ".join(f"{ln} {y}" for y, ln in zip(g["fiscal_year"], g["line"], strict=True))
        out.append(f"- {company} — **{status}**: {items}")
    return "\n".join(out)


def footnote(a: RevenueAnalysis) -> str:
    """One plain-text footnote for a results table: which companies' numbers are not VERIFIED.

    Returns
    -------
    str
        ``"* Not VERIFIED: Coupang Corp (UNVERIFIED, DERIVED figures) ..."`` or a line saying
        every figure is verified.

    Notes
    -----
    Reads :attr:`RevenueAnalysis.flags` (see :func:`not_verified`).

    Examples
    --------
    >>> p = validate_parameters(filings_path="data/raw/filings.csv",
    ...     mapping_path="data/raw/line_mapping.csv", fx_path="data/raw/fx.csv",
    ...     companies=["Coupang"], year=2024, base_year=2023, period="9M", breakdown="type",
    ...     currency="USD", exclude_categories=[])
    >>> footnote(analyse(p))
    '* All figures behind this table are VERIFIED-1 or VERIFIED-2.'
    """
    if a.flags.empty:
        return "* All figures behind this table are VERIFIED-1 or VERIFIED-2."
    parts = [f"{c} ({', '.join(sorted(set(g['status']), key=REVENUE_STATUSES.index))} figures)"
             for c, g in a.flags.groupby("company", sort=True)]
    return ("* Not VERIFIED: " + "; ".join(parts)
            + ". The status columns carry the weakest label per number; see Caveats.")


def result_records(lines: pd.DataFrame, categories: pd.DataFrame, totals: pd.DataFrame) -> dict[str, Any]:
    """Headline results as ``{key: value}`` for :func:`helpers.results.record`.

    Keys (company and line slugged): ``<company>.<line>.{share,yoy,cagr,contribution}``,
    ``<company>.category.<category>.{share,yoy,contribution}``, ``<company>.total`` (chosen
    currency, whole units), ``<company>.total_yoy``, ``<company>.total_cagr``,
    ``<company>.fx_rate`` (chosen units per reporting unit in the focus year).

    Raises
    ------
    ValueError
        If a value is not finite (never expected after :func:`line_metrics`).

    Notes
    -----
    Values are those of the three tables; no new computation.

    Examples
    --------
    >>> lines = pd.DataFrame({"company": ["Amazon"], "key": ["aws"], "share": [0.2], "yoy": [0.1],
    ...                       "cagr": [0.1], "contribution": [0.02]})
    >>> cats = pd.DataFrame({"company": ["Amazon"], "category": ["cloud"], "share": [0.2],
    ...                      "yoy": [0.1], "contribution": [0.02]})
    >>> tots = pd.DataFrame({"company": ["Amazon"], "total": [5.0], "total_yoy": [0.1],
    ...                      "total_cagr": [0.1], "rate": [1.0]})
    >>> result_records(lines, cats, tots)["amazon.aws.share"]
    0.2
    """
    out: dict[str, Any] = {}
    for r in lines.itertuples(index=False):
        for m in ("share", "yoy", "cagr", "contribution"):
            out[key(r.company, r.key, m)] = float(getattr(r, m))
    for r in categories.itertuples(index=False):
        for m in ("share", "yoy", "contribution"):
            out[key(r.company, "category", r.category, m)] = float(getattr(r, m))
    for r in totals.itertuples(index=False):
        out[key(r.company, "total")] = float(r.total)
        out[key(r.company, "total_yoy")] = float(r.total_yoy)
        out[key(r.company, "total_cagr")] = float(r.total_cagr)
        out[key(r.company, "fx_rate")] = float(r.rate)
    bad = [k for k, v in out.items() if not np.isfinite(v)]
    if bad:
        raise ValueError(f"results {bad} are not finite")
    return out


# ---------------------------------------------------------------------------------------------
# The whole analysis
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RevenueAnalysis:
    """Every table notebook 01 shows (see :func:`analyse`)."""

    params: RevenueParams
    filings: pd.DataFrame
    mapping: pd.DataFrame
    fx: pd.DataFrame
    reconciliation: pd.DataFrame
    rows: pd.DataFrame
    excluded: pd.DataFrame
    lines: pd.DataFrame
    categories: pd.DataFrame
    totals: pd.DataFrame
    contribution_check: pd.DataFrame
    shares: pd.DataFrame
    rates: pd.DataFrame
    flags: pd.DataFrame


def analyse(p: RevenueParams) -> RevenueAnalysis:
    """Run the revenue-mix analysis: load, reconcile, select, map, exclude, convert, measure.

    Parameters
    ----------
    p : RevenueParams
        From :func:`validate_parameters`.

    Returns
    -------
    RevenueAnalysis
        ``rows`` are the selected figures (``base_year``..``year``) with category and conversion;
        ``excluded`` the rows left out by ``exclude_categories`` (counts shown in the notebook).

    Raises
    ------
    DataContractError
        Unmapped line, missing FX rate, lines that do not reconcile with the reported total
        (more than 0.1%), a line missing in ``year`` or ``year - 1``.

    Notes
    -----
    See :func:`line_metrics` for the formulas.

    Examples
    --------
    >>> p = validate_parameters(filings_path="data/raw/filings.csv",
    ...     mapping_path="data/raw/line_mapping.csv", fx_path="data/raw/fx.csv",
    ...     companies=["Coupang Corp"], year=2024, base_year=2023, period="FY", breakdown="type",
    ...     currency="KRW", exclude_categories=[])
    >>> a = analyse(p)
    >>> round(float(a.lines.set_index("key").loc["product_sales", "share"]), 4)
    0.8011
    """
    fsrc, msrc, xsrc = str(p.filings_path), str(p.mapping_path), str(p.fx_path)
    filings = load_filings(p.filings_path)
    mapping = load_mapping(p.mapping_path)
    fx = load_fx(p.fx_path)
    rec = reconcile_totals(filings, p.companies, p.period, p.breakdown)
    rec = rec[rec["fiscal_year"].between(p.base_year, p.year)].reset_index(drop=True)
    bad = rec[~rec["ok"]]
    if len(bad):
        r = bad.iloc[0]
        raise DataContractError(
            f"{fsrc} (filings): {r['company']} {r['fiscal_year']} {p.breakdown} lines sum to "
            f"{r['lines_sum']:,.0f} {r['currency']} but the reported total (line {r['total_line']}) is "
            f"{r['reported_total']:,.0f} (gap {r['rel_gap']:.2%} > {RECONCILE_TOLERANCE:.1%}); "
            "a line is missing or mistyped")
    rows = select_rows(filings, p.companies, p.period, p.breakdown, p.base_year, p.year, source=fsrc)
    rows = map_lines(rows, mapping, filings_source=fsrc, mapping_source=msrc)
    excluded = rows[rows["category"].isin(p.exclude_categories)].reset_index(drop=True)
    rows = rows[~rows["category"].isin(p.exclude_categories)].reset_index(drop=True)
    rows = convert(rows, fx, p.currency, fx_source=xsrc)
    lines = line_metrics(rows, p.year)
    cats = category_metrics(rows, p.year)
    totals = total_metrics(rows, p.year)
    check = check_contributions(lines, totals)
    return RevenueAnalysis(p, filings, mapping, fx, rec, rows, excluded, lines, cats, totals, check,
                           share_history(rows), rates_used(rows), not_verified(rows))


def interpretation(a: RevenueAnalysis) -> str:
    """Two or three Markdown bullets generated from the results (no hard-coded numbers).

    Returns
    -------
    str
        Markdown: fastest-growing line and biggest contributor per company; the category
        growth comparison across companies; the mix shift of the largest category.

    Notes
    -----
    Reads :attr:`RevenueAnalysis.lines` / ``categories``; percentages rounded to 0.1.

    Examples
    --------
    >>> p = validate_parameters(filings_path="data/raw/filings.csv",
    ...     mapping_path="data/raw/line_mapping.csv", fx_path="data/raw/fx.csv",
    ...     companies=["Amazon"], year=2024, base_year=2021, period="FY", breakdown="type",
    ...     currency="USD", exclude_categories=[])
    >>> "Advertising services" in interpretation(analyse(p))
    True
    """
    y = a.params.year
    flagged = set(a.lines.loc[~a.lines["status"].isin(VERIFIED), "company"])
    parts = []
    for company, g in a.lines.groupby("company", sort=False):
        fast = g.loc[g["yoy"].idxmax()]
        big = g.loc[g["contribution"].idxmax()]
        tot = a.totals.set_index("company").loc[company]
        mark = " (not VERIFIED: see caveats)" if company in flagged else ""
        parts.append(f"**{company}**{mark}: fastest-growing line *{fast['line']}* "
                     f"({fast['yoy']:+.1%}); *{big['line']}* added the most growth "
                     f"({big['contribution']:.1%} of the {tot['total_yoy']:+.1%} total)")
    bullets = ["- In " + str(y) + ", " + "; ".join(parts) + "."]
    cats = a.categories
    shared = [c for c, g in cats.groupby("category") if g["company"].nunique() > 1]
    if shared:
        items = []
        for c in shared:
            g = cats[cats["category"] == c]
            vals = ", ".join(f"{co} {v:+.1%}" for co, v in zip(g["company"], g["yoy"], strict=True))
            items.append(f"`{c}`: {vals}")
        ads = set(cats.loc[cats["category"] == "advertising", "company"])
        note = ""
        if ads and set(cats["company"]) - ads:
            without = ", ".join(sorted(set(cats["company"]) - ads))
            both = []
            for co in sorted(ads):
                g = cats[(cats["company"] == co) & cats["category"].isin(["marketplace_services", "advertising"])]
                if g["category"].nunique() == 2:
                    both.append(f"{co} {g['basis'].sum() / g['prior'].sum() - 1:+.1%}")
            note = (f" {without} report(s) no separate `advertising` line (ads sit inside another line, see "
                    "the mapping notes), so compare their service growth with `marketplace_services` and "
                    "`advertising` of the others together"
                    + (f": {', '.join(both)}" if both else ""))
        bullets.append("- YoY growth by comparable category — " + "; ".join(items) + "." + note
                       + ("." if note else ""))
    shifts = []
    for company, g in cats.groupby("company", sort=False):
        top = g.loc[g["share"].idxmax()]
        shifts.append(f"{company} `{top['category']}` {top['prior_share']:.1%} → {top['share']:.1%} "
                      f"({(top['share'] - top['prior_share']) * 100:+.1f} pp)")
    bullets.append(f"- Mix shift of the largest category, {y - 1} → {y}: " + "; ".join(shifts) + ".")
    return "\n".join(bullets)


# ---------------------------------------------------------------------------------------------
# Plots (the title states the finding; notes carry sources and verification flags)
# ---------------------------------------------------------------------------------------------


def _flag_note(a: RevenueAnalysis, extra: str = "") -> str:
    flagged = a.flags.groupby("company")["status"].agg(lambda s: "/".join(sorted(set(s))))
    text = "; ".join(f"{c}: includes {s} figures" for c, s in flagged.items())
    src = "Sources: company filings as listed in data/raw/SOURCES.md."
    return " ".join(t for t in (extra, text + "." if text else "", src) if t)


def plot_shares(a: RevenueAnalysis):
    """Stacked bars: share of revenue by category for every company-year in the window.

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    Bars are :func:`share_history` (each bar sums to 100%).

    Examples
    --------
    >>> # ax = plot_shares(analyse(p))
    """
    import matplotlib.pyplot as plt

    from helpers import plots

    s = a.shares.sort_values(["company", "fiscal_year"], kind="stable")
    s = s.assign(bar=s["company"] + "\n" + s["fiscal_year"].astype(str))
    wide = s.pivot_table(index="bar", columns="category", values="share", sort=False).fillna(0.0)
    colours = plots.palette_for(wide.columns)
    fig, ax = plt.subplots(figsize=(10, 4.8))
    wide.plot(kind="bar", stacked=True, ax=ax, color=[colours[c] for c in wide.columns], width=0.8)
    top = a.categories.loc[a.categories.groupby("company")["share"].idxmax()]
    finding = "; ".join(f"{r.category} is {r.share:.0%} of {r.company}" for r in top.itertuples())
    plots.percent_axis(ax)
    ax.legend(title="category", bbox_to_anchor=(1.0, 1.0), loc="upper left")
    ax.tick_params(axis="x", rotation=0, labelsize=8)
    plots.finish(ax, f"Revenue mix ({a.params.period}, share of revenue): {finding} in {a.params.year}",
                 xlabel="company and fiscal year", ylabel="share of revenue (%)",
                 note=_flag_note(a, "Shares of the reported lines (currency-free)."))
    return ax


def plot_growth_vs_share(a: RevenueAnalysis):
    """Scatter: each line's share of revenue (x) against its YoY growth (y), by company.

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    x = :math:`share_i`, y = :math:`yoy_i` from :func:`line_metrics`.

    Examples
    --------
    >>> # ax = plot_growth_vs_share(analyse(p))
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    from helpers import plots

    d = a.lines
    fig, ax = plt.subplots()
    sns.scatterplot(data=d, x="share", y="yoy", hue="company", palette=plots.palette_for(d["company"]),
                    s=80, ax=ax)
    for r in d.itertuples():
        ax.annotate(r.line, (r.share, r.yoy), xytext=(4, 3), textcoords="offset points", fontsize=8)
    fast = d.loc[d["yoy"].idxmax()]
    plots.percent_axis(ax, "x")
    plots.percent_axis(ax, "y")
    plots.finish(ax, f"{fast['company']} {fast['line']} grew fastest ({fast['yoy']:+.0%}) "
                     f"in {a.params.year}, at {fast['share']:.0%} of revenue",
                 xlabel=f"share of {a.params.year} revenue (%)",
                 ylabel=f"YoY growth {a.params.year - 1}→{a.params.year} (%, reporting currency)",
                 note=_flag_note(a))
    return ax


def plot_contributions(a: RevenueAnalysis):
    """Horizontal bars: each line's contribution to its company's revenue growth.

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    :math:`contribution_i = (x_{i,t} - x_{i,t-1}) / T_{t-1}`; a company's bars sum to its growth.

    Examples
    --------
    >>> # ax = plot_contributions(analyse(p))
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    from helpers import plots

    d = a.lines.assign(label=a.lines["company"] + " · " + a.lines["line"])
    fig, ax = plt.subplots(figsize=(9, 0.35 * len(d) + 1.5))
    sns.barplot(data=d, y="label", x="contribution", hue="company",
                palette=plots.palette_for(d["company"]), dodge=False, ax=ax)
    top = d.loc[d["contribution"].idxmax()]
    plots.percent_axis(ax, "x", decimals=1)
    plots.finish(ax, f"{top['line']} added {top['contribution']:.1%} of {top['company']}'s prior-year revenue, "
                     f"the largest contribution to growth in {a.params.year}",
                 xlabel=f"contribution to {a.params.year} revenue growth (% of {a.params.year - 1} total)",
                 ylabel="", note=_flag_note(a, "Bars of one company sum to its total growth."))
    return ax


def plot_totals(a: RevenueAnalysis):
    """Bars: total revenue per company-year in the chosen currency (rates in the FX table).

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    :math:`T_t` converted with the annual average rate of each year.

    Examples
    --------
    >>> # ax = plot_totals(analyse(p))
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    from helpers import plots

    cur = a.params.currency
    t = a.rows.groupby(["company", "fiscal_year"], as_index=False, sort=False)["amount_conv"].sum()
    scale = 1e12 if cur == "KRW" else 1e9
    fig, ax = plt.subplots()
    sns.barplot(data=t, x="fiscal_year", y="amount_conv", hue="company",
                palette=plots.palette_for(t["company"]), ax=ax)
    plots.money_axis(ax, cur, scale)
    big = a.totals.loc[a.totals["total"].idxmax()]
    ratio = "" if len(a.totals) < 2 else (
        f", {big['total'] / a.totals['total'].min():.0f}x the smallest")
    plots.finish(ax, f"{big['company']} had the largest {a.params.period} revenue in {a.params.year}: "
                     f"{plots.format_money(big['total'], cur, scale)}{ratio}",
                 xlabel="fiscal year", ylabel=f"revenue ({cur}, {'trillions' if scale == 1e12 else 'billions'})",
                 note=_flag_note(a, f"Converted to {cur} at annual average rates (table above)."))
    return ax

