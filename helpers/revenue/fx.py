"""Exchange rates of notebook 01: conversion to the chosen currency and the rates used.

Rates are annual averages in units per 1 USD (``fx.csv``); a figure of year y in currency c
shown in currency t is :math:`x \\cdot q_{t,y} / q_{c,y}` with :math:`q_{USD,y} = 1`.
"""

from __future__ import annotations

import pandas as pd

from helpers.constants import CURRENCIES
from helpers.contracts import DataContractError, require_choice
from helpers.revenue.status import weakest_status

__all__ = ["convert", "rates_used"]


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
