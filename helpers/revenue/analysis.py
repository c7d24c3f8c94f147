"""The whole revenue-mix analysis of notebook 01: load, reconcile, select, map, exclude, convert, measure."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers.contracts import DataContractError
from helpers.revenue.events import events_in_view, organic_growth
from helpers.revenue.flags import not_verified
from helpers.revenue.fx import constant_currency, convert, rates_used
from helpers.revenue.growth import growth_summary, organic_constant_currency, unrestated_revenue
from helpers.revenue.load import Inputs, load_inputs
from helpers.revenue.metrics import (
    RECONCILE_TOLERANCE,
    category_metrics,
    check_contributions,
    line_metrics,
    map_lines,
    reconcile_totals,
    select_rows,
    share_history,
    total_metrics,
)
from helpers.revenue.params import Params

__all__ = ["RevenueAnalysis", "analyse"]


@dataclass(frozen=True)
class RevenueAnalysis:
    """Every table notebook 01 shows (see :func:`analyse`)."""

    params: Params
    inputs: Inputs
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
    constant_currency: pd.DataFrame
    events: pd.DataFrame
    organic: pd.DataFrame
    organic_cc: pd.DataFrame
    growth: pd.DataFrame

    @property
    def filings(self) -> pd.DataFrame:
        return self.inputs.filings

    @property
    def mapping(self) -> pd.DataFrame:
        return self.inputs.mapping

    @property
    def fx(self) -> pd.DataFrame:
        return self.inputs.fx


def analyse(p: Params) -> RevenueAnalysis:
    """Run the revenue-mix analysis for the notebook's parameters.

    Parameters
    ----------
    p : Params
        The notebook's validated parameters (data-dependent checks run here, through
        :func:`helpers.revenue.load.load_inputs`).

    Returns
    -------
    RevenueAnalysis
        ``rows`` are the selected figures (``base_year``..``year``) with category and
        conversion; ``excluded`` the rows left out by ``exclude_categories``;
        ``constant_currency`` reported against constant-currency growth
        (:func:`helpers.revenue.fx.constant_currency`); ``events`` the corporate events that
        touch the lines shown and ``organic`` organic growth (:mod:`helpers.revenue.events`);
        ``organic_cc`` organic constant-currency growth and ``growth`` the four growth rates per
        company (:mod:`helpers.revenue.growth`).

    Raises
    ------
    ParameterError
        As :func:`helpers.revenue.load.load_inputs`.
    DataContractError
        Unmapped line, missing FX rate, lines that do not reconcile with the reported total
        (more than 0.1%), a line missing in ``year`` or ``year - 1``.

    Notes
    -----
    Formulas in :func:`helpers.revenue.metrics.line_metrics`.

    Examples
    --------
    >>> a = analyse(Params.build({"companies": ["Coupang Corp"], "base_year": 2023, "currency": "KRW"}))
    >>> round(float(a.lines.set_index("key").loc["product_sales", "share"]), 4)
    0.8011
    """
    inputs = load_inputs(p)
    fsrc, msrc, xsrc = str(inputs.filings_path), str(inputs.mapping_path), str(inputs.fx_path)
    rec = reconcile_totals(inputs.filings, p.companies, p.period, p.breakdown)
    rec = rec[rec["fiscal_year"].between(p.base_year, p.year)].reset_index(drop=True)
    bad = rec[~rec["ok"]]
    if len(bad):
        r = bad.iloc[0]
        raise DataContractError(
            f"{fsrc} (filings): {r['company']} {r['fiscal_year']} {p.breakdown} lines sum to "
            f"{r['lines_sum']:,.0f} {r['currency']} but the reported total (line {r['total_line']}) is "
            f"{r['reported_total']:,.0f} (gap {r['rel_gap']:.2%} > {RECONCILE_TOLERANCE:.1%}); "
            "a line is missing or mistyped")
    rows = select_rows(inputs.filings, p.companies, p.period, p.breakdown, p.base_year, p.year, source=fsrc)
    rows = map_lines(rows, inputs.mapping, filings_source=fsrc, mapping_source=msrc)
    excluded = rows[rows["category"].isin(p.exclude_categories)].reset_index(drop=True)
    rows = rows[~rows["category"].isin(p.exclude_categories)].reset_index(drop=True)
    rows = convert(rows, inputs.fx, p.currency, fx_source=xsrc)
    lines = line_metrics(rows, p.year)
    cats = category_metrics(rows, p.year)
    totals = total_metrics(rows, p.year)
    check = check_contributions(lines, totals)
    organic = organic_growth(inputs.events, rows, p.year, p.period)
    cc = constant_currency(rows, inputs.fx, inputs.companies, p.year, fx_source=xsrc,
                           unrestated=unrestated_revenue(organic, inputs.events, inputs.companies, p.year))
    occ = organic_constant_currency(organic, cc)
    return RevenueAnalysis(p, inputs, rec, rows, excluded, lines, cats, totals, check,
                           share_history(rows), rates_used(rows), not_verified(rows), cc,
                           events_in_view(inputs.events, rows, p.year), organic, occ,
                           growth_summary(totals, cc, organic, occ))
