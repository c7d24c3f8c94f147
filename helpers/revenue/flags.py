"""Which figures and rates shown in notebook 01 are not VERIFIED (they are flagged wherever shown)."""

from __future__ import annotations

import pandas as pd

from helpers.revenue.fx import rates_used
from helpers.revenue.status import VERIFIED

#: Why revenue shares are not shares of sales (shown under every share table and figure).
GROSS_NET_NOTE = ("Revenue shares are not shares of sales: first-party (1P) retail revenue is booked gross "
                  "(the full price of the goods), third-party (3P) marketplace revenue net (the seller fees "
                  "only, the platform acting as agent), so a 1P share overstates 1P's part of the goods sold. "
                  "Gross merchandise value (GMV) and take rates are shown only where a filing discloses GMV.")

__all__ = ["GROSS_NET_NOTE", "not_verified"]


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
