"""Exchange rates of notebook 01: conversion to the chosen currency and the rates used.

Rates are annual averages in units per 1 USD (``fx.csv``); a figure of year y in currency c
shown in currency t is :math:`x \\cdot q_{t,y} / q_{c,y}` with :math:`q_{USD,y} = 1`.
"""

from __future__ import annotations

from collections.abc import Mapping

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
                      fx_source: str = "fx_rates",
                      unrestated: Mapping[str, tuple[float, str]] | None = None) -> pd.DataFrame:
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
    unrestated : mapping company -> (amount, what), optional
        Revenue of ``year`` (reporting currency, whole units) known to be earned outside the
        operating currency, left at its reported value; ``what`` names it in ``treated_as``.

    Returns
    -------
    DataFrame
        ``company, reporting_currency, operating_currency, total_yoy`` (reported, reporting
        currency), ``total_yoy_constant_currency``, ``fx_effect`` (reported minus constant, a
        fraction), ``rate_prior, rate_year`` (operating units per reporting unit),
        ``operating_share`` (share of ``year`` revenue restated as earned in the operating
        currency), ``treated_as`` (the approximation, in words), ``other_currencies`` (from
        ``also_earns_in``, comma-joined), ``status``.

    Raises
    ------
    DataContractError
        If a needed rate is missing.

    Notes
    -----
    With :math:`T_t` the total in reporting currency, :math:`N_t` its part left unrestated and
    :math:`r_t` operating units per reporting unit, this year's revenue at last year's rates is

    .. math::
        g_{cc} = \\frac{(T_t - N_t)\\, r_t / r_{t-1} + N_t}{T_{t-1}} - 1 ,

    which is :math:`T_t r_t / (T_{t-1} r_{t-1}) - 1` when all revenue is taken as earned in the
    operating currency (:math:`N_t = 0`). No filing read splits revenue by currency, so the
    share :math:`(T_t - N_t)/T_t` treated as the operating currency is an approximation, named in
    ``treated_as`` with the other currencies of ``also_earns_in``. Rates are annual averages
    (an approximation for part-year periods).

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
    >>> round(float(constant_currency(rows, fx, cos, 2024, unrestated={"G": (10.0, "x")})
    ...             ["total_yoy_constant_currency"].iloc[0]), 4)
    0.14
    """
    cols = ["company", "reporting_currency", "operating_currency", "total_yoy", "total_yoy_constant_currency",
            "fx_effect", "rate_prior", "rate_year", "operating_share", "treated_as", "other_currencies", "status"]
    info = companies.set_index("company")
    unrestated = dict(unrestated or {})
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
        t_cur, t_prev = float(cur["value"].sum()), float(prev["value"].sum())
        r_prior, r_year = float(prev["rate"].iloc[0]), float(cur["rate"].iloc[0])
        n, what = unrestated.get(company, (0.0, ""))
        share = (t_cur - n) / t_cur
        also = info.loc[company, "also_earns_in"] if "also_earns_in" in info.columns else None
        other = ", ".join(c.strip() for c in also.split(";") if c.strip()) if isinstance(also, str) else ""
        words = f"{share:.1%} of {year} revenue treated as earned in {op}"
        if other:
            words += f" (including revenue in {other}: no filing read splits it by currency)"
        if what:
            words += f"; {what}"
        out.append({"company": company, "reporting_currency": reporting, "operating_currency": op,
                    "total_yoy": t_cur / t_prev - 1,
                    "total_yoy_constant_currency": ((t_cur - n) * r_year / r_prior + n) / t_prev - 1,
                    "rate_prior": r_prior, "rate_year": r_year, "operating_share": share, "treated_as": words, "other_currencies": other,
                    "status": status})
    frame = pd.DataFrame(out, columns=[c for c in cols if c != "fx_effect"])
    frame["fx_effect"] = frame["total_yoy"] - frame["total_yoy_constant_currency"]
    return frame[cols]
