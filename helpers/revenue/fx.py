"""Exchange rates of notebook 01: conversion to the chosen currency and the rates used.

Rates are annual averages in units per 1 USD (``fx.csv``); a figure of year y in currency c
shown in currency t is :math:`x \\cdot q_{t,y} / q_{c,y}` with :math:`q_{USD,y} = 1`.
"""

from __future__ import annotations

import pandas as pd

from helpers.constants import CURRENCIES
from helpers.contracts import DataContractError, require_choice
from helpers.revenue.status import weakest_status

__all__ = ["convert", "rates_used", "constant_currency"]


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
    >>> from helpers.revenue.load import load_fx
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


def constant_currency(rows: pd.DataFrame, fx: pd.DataFrame, companies: pd.DataFrame, year: int, *,
                      fx_source: str = "fx_rates") -> pd.DataFrame:
    """Reported growth beside constant-currency growth, for companies that earn in another currency.

    Parameters
    ----------
    rows : DataFrame
        Selected filings rows (``company, fiscal_year, currency, value, status, csv_line``).
    fx : DataFrame
        Output of :func:`helpers.revenue.load.load_fx`.
    companies : DataFrame
        Output of :func:`helpers.revenue.load.load_companies`; only companies whose
        ``operating_currency`` is given and differs from their reporting currency get a row.
    year : int
        Focus fiscal year (growth from ``year - 1``).
    fx_source : str
        File name used in errors.

    Returns
    -------
    DataFrame
        ``company, reporting_currency, operating_currency, total_yoy`` (reported, reporting
        currency), ``total_yoy_constant_currency``, ``fx_effect`` (reported minus constant, a
        fraction), ``rate_prior, rate_year`` (operating units per reporting unit), ``status``
        (weakest of the figures, both rates and the operating-currency row).

    Raises
    ------
    DataContractError
        If a needed rate is missing.

    Notes
    -----
    With :math:`x_{i,t}` in reporting currency and :math:`r_t` operating units per reporting
    unit in year t, each year is restated at one rate:

    .. math::
        g_{cc} = \\frac{\\sum_i x_{i,t}\\, r_t}{\\sum_i x_{i,t-1}\\, r_t \\cdot (r_{t-1}/r_t)} - 1
               = \\frac{\\sum_i x_{i,t}\\, r_t}{\\sum_i x_{i,t-1}\\, r_{t-1}} - 1 ,

    i.e. growth of the revenue as earned in the operating currency; it is the same whichever
    single year's rate restates both years, because all revenue is taken as earned in the
    operating currency. Rates are annual averages (an approximation for part-year periods).

    Examples
    --------
    >>> rows = pd.DataFrame({"company": ["G", "G"], "fiscal_year": [2023, 2024], "currency": ["USD"] * 2,
    ...     "value": [100.0, 110.0], "status": ["VERIFIED-1"] * 2, "csv_line": [2, 3]})
    >>> fx = pd.DataFrame({"year": [2023, 2024], "currency": ["KRW"] * 2, "per_usd": [1250.0, 1300.0],
    ...     "source": ["t"] * 2, "status": ["VERIFIED-1"] * 2})
    >>> cos = pd.DataFrame({"company": ["G"], "reporting_currency": ["USD"], "operating_currency": ["KRW"],
    ...     "status": ["VERIFIED-1"]})
    >>> round(float(constant_currency(rows, fx, cos, 2024)["total_yoy_constant_currency"].iloc[0]), 4)
    0.144
    """
    cols = ["company", "reporting_currency", "operating_currency", "total_yoy", "total_yoy_constant_currency",
            "fx_effect", "rate_prior", "rate_year", "status"]
    info = companies.set_index("company")
    out = []
    for company, g in rows[rows["fiscal_year"].isin([year - 1, year])].groupby("company", sort=False):
        if company not in info.index or pd.isna(info.loc[company, "operating_currency"]):
            continue
        op = info.loc[company, "operating_currency"]
        reporting = info.loc[company, "reporting_currency"]
        if op == reporting or g["currency"].nunique() > 1:  # mixed-currency lines: no single reported basis
            continue
        conv = convert(g, fx, op, fx_source=fx_source)
        prev, cur = (conv[conv["fiscal_year"] == y] for y in (year - 1, year))
        status = weakest_status([*conv["status"], *conv["rate_status"], info.loc[company, "status"]])
        out.append({"company": company, "reporting_currency": reporting, "operating_currency": op,
                    "total_yoy": cur["value"].sum() / prev["value"].sum() - 1,
                    "total_yoy_constant_currency": cur["amount_conv"].sum() / prev["amount_conv"].sum() - 1,
                    "rate_prior": float(prev["rate"].iloc[0]), "rate_year": float(cur["rate"].iloc[0]),
                    "status": status})
    frame = pd.DataFrame(out, columns=[c for c in cols if c != "fx_effect"])
    frame["fx_effect"] = frame["total_yoy"] - frame["total_yoy_constant_currency"]
    return frame[cols]
