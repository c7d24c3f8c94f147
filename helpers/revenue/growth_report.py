"""What notebook 01 shows about growth: reported, constant-currency, organic, organic constant-currency.

Tables go through :func:`helpers.tables.table`; the plain-text table is the nbval-checked cell;
prose and records are built from :attr:`RevenueAnalysis.growth` and its parts, never from
hard-coded numbers. Re-exported by :mod:`helpers.revenue.report`.
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

import pandas as pd

from helpers.results import key
from helpers.revenue.analysis import RevenueAnalysis
from helpers.tables import format_value, table

__all__ = ["growth_records", "growth_text", "growth_table", "constant_currency_table", "events_table",
           "organic_table", "growth_markdown"]

#: Result key suffix -> column of :attr:`RevenueAnalysis.growth`.
GROWTH_KEYS = {"total_yoy_constant_currency": "cc_yoy", "constant_currency_operating_share": "operating_share",
               "organic_yoy": "organic_yoy", "organic_yoy_upper_bound": "organic_yoy_upper_bound",
               "organic_constant_currency_yoy": "organic_cc_yoy",
               "organic_constant_currency_yoy_upper_bound": "organic_cc_yoy_upper_bound"}


def _finite(v: Any) -> bool:
    return v is not None and isinstance(v, (int, float)) and math.isfinite(v)


def growth_records(a: RevenueAnalysis) -> dict[str, float]:
    """The growth results, each recorded only where it applies and is computable.

    Keys: ``<company>.total_yoy_constant_currency``, ``<company>.constant_currency_operating_share``
    (share of the focus year's revenue treated as earned in the operating currency),
    ``<company>.organic_yoy``, ``<company>.organic_constant_currency_yoy`` and their
    ``_upper_bound`` (recorded whenever the bound is finite; equal to the value when it is exact).

    Examples
    --------
    >>> from helpers.revenue import Params, analyse
    >>> r = growth_records(analyse(Params.build({"companies": ["Coupang"], "breakdown": "segment"})))
    >>> round(r["coupang.total_yoy_constant_currency"], 3), "coupang.organic_yoy" in r
    (0.296, False)
    >>> round(r["coupang.organic_constant_currency_yoy_upper_bound"], 3)
    0.245
    """
    out: dict[str, float] = {}
    for r in a.growth.to_dict("records"):
        for suffix, col in GROWTH_KEYS.items():
            if _finite(r.get(col)):
                out[key(r["company"], suffix)] = float(r[col])
    return out


def _pct_or_bound(value: Any, bound: Any, text: bool) -> str:
    if _finite(value):
        return f"{value:.4f}" if text else format_value(value, "pct")
    if _finite(bound):
        return f"<={bound:.4f}" if text else "≤ " + format_value(bound, "pct")
    return "-" if text else "—"


def growth_text(a: RevenueAnalysis) -> str:
    """Plain-text table: reported, constant-currency, organic and organic constant-currency growth.

    Notes
    -----
    ``<=x`` marks an upper bound (the acquired revenue is known only for a shorter period);
    every constant-currency figure is followed by the share of revenue it treats as earned in
    the operating currency.
    """
    g = a.growth
    show = pd.DataFrame({
        "company": g["company"], "reported_in": g["reported_in"], "reported_yoy": g["reported_yoy"].round(4),
        "operating_currency": g["operating_currency"].fillna("-"),
        "cc_yoy": [_pct_or_bound(v, None, True) for v in g["cc_yoy"]],
        "organic_yoy": [_pct_or_bound(v, b, True) for v, b in zip(g["organic_yoy"], g["organic_yoy_upper_bound"],
                                                                  strict=True)],
        "organic_cc_yoy": [_pct_or_bound(v, b, True) for v, b in zip(g["organic_cc_yoy"],
                                                                     g["organic_cc_yoy_upper_bound"], strict=True)]})
    parts = [show.to_string(index=False)]
    note = ("* cc_yoy: growth at constant currency (this year's revenue at last year's rate, in the operating "
            "currency); '-' where the company reports in the currency it earns in, or has none on file."
            + ("" if a.params.period == "FY" else f" Rates are annual averages: an approximation for {a.params.period}."))
    parts.append(textwrap.fill(note, width=100, subsequent_indent="  "))
    for r in g.to_dict("records"):
        for col, what in (("cc_treated_as", "cc_yoy"), ("organic_cc_treated_as", "organic_cc_yoy")):
            if isinstance(r.get(col), str) and r[col]:
                parts.append(textwrap.fill(f"* {r['company']} {what}: approximation: {r[col]}.", width=100,
                                           subsequent_indent="  "))
        if isinstance(r.get("organic_flag"), str) and r["organic_flag"]:
            bound = (" '<=': an upper bound, from the acquired revenue of a shorter period (revenue is not negative)."
                     if _finite(r.get("organic_yoy_upper_bound")) else "")
            parts.append(textwrap.fill(f"* {r['company']} organic_yoy {r['organic_flag']}.{bound}", width=100,
                                       subsequent_indent="  "))
    if a.organic.empty:
        parts.append(textwrap.fill(
            f"* organic_yoy: '-': no acquisition on file distorts {a.params.period} {a.params.year} growth, so "
            "organic growth equals reported growth as far as the events file knows.", width=100,
            subsequent_indent="  "))
    return "\n".join(parts)


def growth_table(a: RevenueAnalysis) -> Any:
    """The four growth rates of each company's total, with the constant-currency approximation named."""
    g = a.growth
    show = pd.DataFrame({
        "company": g["company"], "reported_yoy": g["reported_yoy"], "cc_yoy": g["cc_yoy"],
        "organic_yoy": [_pct_or_bound(v, b, False) for v, b in zip(g["organic_yoy"], g["organic_yoy_upper_bound"],
                                                                   strict=True)],
        "organic_cc_yoy": [_pct_or_bound(v, b, False) for v, b in zip(g["organic_cc_yoy"],
                                                                      g["organic_cc_yoy_upper_bound"], strict=True)],
        "operating_share": g["operating_share"], "cc_treated_as": g["cc_treated_as"]})
    p = a.params
    return table(show, {"reported_yoy": "pct", "cc_yoy": "pct", "operating_share": "pct"},
                 caption=f"Growth of the total, {p.period} {p.year} vs {p.year - 1}: as reported (reporting "
                         "currency), at constant currency, organic and organic constant-currency (≤: an upper "
                         "bound; — : not applicable or not computable)",
                 headers={"reported_yoy": "reported YoY", "cc_yoy": "constant-currency YoY",
                          "organic_yoy": "organic YoY", "organic_cc_yoy": "organic constant-currency YoY",
                          "operating_share": "share treated as operating currency",
                          "cc_treated_as": "approximation"})


def constant_currency_table(a: RevenueAnalysis) -> Any:
    """Reported growth beside constant-currency growth (only companies earning in another currency)."""
    cc = a.constant_currency.drop(columns=["other_currencies"])
    cap = ("Reported and constant-currency growth of the total (rates: operating units per reporting unit)"
           if len(cc) else "No company shown reports in a currency other than the one it earns in (companies file)")
    return table(cc, {"total_yoy": "pct", "total_yoy_constant_currency": "pct", "fx_effect": "pp",
                      "rate_prior": "number", "rate_year": "number", "operating_share": "pct"}, caption=cap,
                 headers={"total_yoy": "reported YoY", "total_yoy_constant_currency": "constant-currency YoY",
                          "fx_effect": "currency effect", "rate_prior": f"rate {a.params.year - 1}",
                          "rate_year": f"rate {a.params.year}", "operating_share": "share treated as operating currency",
                          "treated_as": "approximation"})


def events_table(a: RevenueAnalysis) -> Any:
    """Acquisitions, disposals and recasts touching the lines and years shown."""
    cap = ("Corporate events touching the lines shown (events file)" if len(a.events)
           else "No corporate event on file touches the lines and years shown")
    return table(a.events, {"first_fiscal_year": "text", "in_focus_year": "bool"}, caption=cap,
                 headers={"first_fiscal_year": "first fiscal year", "lines_in_view": "lines shown",
                          "in_focus_year": f"first in {a.params.year}", "date_status": "status of date"})


def organic_table(a: RevenueAnalysis) -> Any:
    """Reported against organic growth for acquisitions that distort the focus year (money in the company's units)."""
    p = a.params
    cap = (f"Organic growth: {p.period} {p.year} growth without the acquired revenue of the months with no "
           f"{p.year - 1} counterpart (reporting currency)" if len(a.organic)
           else f"No acquisition on file distorts {p.period} {p.year} growth")
    cur = a.rows.drop_duplicates("company").set_index("company")["currency"]
    shown = a.organic.assign(currency=a.organic["company"].map(cur))
    return table(shown, {"acquired_revenue": "money_auto", "acquired_revenue_low": "money_auto",
                         "reported_yoy": "pct", "organic_yoy": "pct", "organic_yoy_upper_bound": "pct"},
                 currency_column="currency", caption=cap,
                 headers={"months": "inorganic months", "acquired_revenue": "acquired revenue",
                          "acquired_revenue_low": "acquired revenue, at least", "reported_yoy": "reported YoY",
                          "organic_yoy": "organic YoY", "organic_yoy_upper_bound": "organic YoY, at most"})


def growth_markdown(a: RevenueAnalysis) -> str:
    """Bullets on currency and acquisitions, built from the results ('' parts are left out)."""
    out = []
    for r in a.constant_currency.itertuples(index=False):
        move = "weakened" if r.rate_year > r.rate_prior else "strengthened"
        out.append(f"- **{r.company}** reports in {r.reporting_currency} but earns mostly in {r.operating_currency}: "
                   f"{a.params.period} {a.params.year} growth is {r.total_yoy:+.1%} as reported and "
                   f"{r.total_yoy_constant_currency:+.1%} at constant currency; the {r.operating_currency} {move} "
                   f"against the {r.reporting_currency} ({r.rate_prior:,.1f} → {r.rate_year:,.1f}), a currency "
                   f"effect of {r.fx_effect * 100:+.1f} pp (status {r.status}). Approximation: {r.treated_as}.")
    for r in a.growth.to_dict("records"):
        org = a.organic[(a.organic["company"] == r["company"]) & (a.organic["level"] == "total")]
        if org.empty:
            continue
        ev = ", ".join(f"`{e}`" for e in org["event_id"])
        if _finite(r["organic_yoy"]):
            text = f"{r['organic_yoy']:+.1%} organic"
            if _finite(r["organic_cc_yoy"]):
                text += f", {r['organic_cc_yoy']:+.1%} organic at constant currency"
        elif _finite(r["organic_yoy_upper_bound"]):
            text = (f"organic growth at most {r['organic_yoy_upper_bound']:+.1%}"
                    + (f" (at most {r['organic_cc_yoy_upper_bound']:+.1%} at constant currency)"
                       if _finite(r["organic_cc_yoy_upper_bound"]) else "")
                    + f" — {r['organic_flag']}; the bound takes out the acquired revenue of a shorter period")
        else:
            text = f"organic growth {r['organic_flag']}"
        approx = (f" Approximation: {r['organic_cc_treated_as']}."
                  if isinstance(r.get("organic_cc_treated_as"), str) and r["organic_cc_treated_as"] else "")
        out.append(f"- **{r['company']}**: {a.params.period} {a.params.year} growth {r['reported_yoy']:+.1%} as "
                   f"reported includes {ev} in months with no {a.params.year - 1} counterpart "
                   f"({org['months'].iloc[0]}); {text} (status {org['status'].iloc[0]}).{approx}")
    return "\n".join(out) or ("- Growth is shown as reported: no company shown earns in another currency than "
                              "it reports in, and no acquisition on file distorts the focus year.")
