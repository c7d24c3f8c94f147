"""Everything notebook 01 shows: tables, the plain-text headline tables, prose, recorded results.

Tables go through :func:`helpers.tables.table`; figures are in :mod:`helpers.revenue.figures`
(re-exported here); prose is built from the results, never from hard-coded numbers.
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
import pandas as pd

from helpers import results as _results
from helpers.results import key
from helpers.revenue.analysis import RevenueAnalysis
from helpers.revenue.figures import (
    figure_contributions,
    figure_growth_vs_share,
    figure_shares,
    figure_totals,
)
from helpers.revenue.flags import GROSS_NET_NOTE
from helpers.revenue.growth_report import (
    constant_currency_table,
    events_table,
    growth_markdown,
    growth_records,
    growth_table,
    growth_text,
    organic_table,
)
from helpers.revenue.metrics import excluded_counts, mapping_used
from helpers.revenue.schemas import REVENUE_STATUSES
from helpers.revenue.status import VERIFIED
from helpers.tables import table

__all__ = ["GROSS_NET_NOTE", "selection_markdown", "selected_table", "reconciliation_table", "excluded_table",
           "mapping_table", "rates_table", "flags_table", "lines_text", "categories_text",
           "caveat_markdown", "footnote", "interpretation", "result_records", "record_results",
           "recorded_markdown", "sanity_checks", "events_footnote", "growth_text", "growth_records",
           "constant_currency_table", "events_table", "organic_table", "growth_markdown", "growth_table", "figure_shares", "figure_growth_vs_share",
           "figure_contributions", "figure_totals"]

def selection_markdown(a: RevenueAnalysis) -> str:
    """One sentence: which companies, period, breakdown and years were selected, of how many figures.

    Examples
    --------
    >>> from helpers.revenue import Params, analyse
    >>> selection_markdown(analyse(Params.build({"companies": ["Amazon"]})))[:40]
    'Selected: **Amazon**, period `FY`, break'
    """
    p = a.params
    return (f"Selected: **{', '.join(p.companies)}**, period `{p.period}`, breakdown `{p.breakdown}`, "
            f"fiscal years {int(a.rows['fiscal_year'].min())}–{p.year}: {len(a.rows)} figures "
            f"(of {len(a.filings)} in `{p.filings_path}`).")


def selected_table(a: RevenueAnalysis) -> Any:
    """The selected figures of the focus year and the year before, as reported (amount in `unit`)."""
    p = a.params
    d = a.rows.loc[a.rows["fiscal_year"] >= p.year - 1,
                   ["company", "fiscal_year", "line", "category", "value", "currency", "status"]]
    return table(d.reset_index(drop=True), {"fiscal_year": "text", "value": "money_auto"},
                 currency_column="currency",
                 caption=f"Figures used for {p.year - 1} and {p.year}, as reported (in the reporting currency)",
                 headers={"fiscal_year": "fiscal year", "value": "amount"})


def reconciliation_table(a: RevenueAnalysis) -> Any:
    """Sum of the lines against the reported total, per company-year (whole units of the currency)."""
    d = a.reconciliation.drop(columns=["total_line"])
    return table(d, {"fiscal_year": "text", "lines_sum": "money_auto", "reported_total": "money_auto",
                     "gap": "money_auto", "rel_gap": "pct", "ok": "bool"}, currency_column="currency",
                 caption="Lines against the reported total (reporting currency; ok = gap within 0.1%)",
                 decimals={"rel_gap": 3},
                 headers={"lines_sum": "sum of lines", "reported_total": "reported total",
                          "rel_gap": "relative gap"})


def excluded_table(a: RevenueAnalysis) -> Any:
    """Rows left out by ``exclude_categories``, counted per company and category."""
    counts = excluded_counts(a.excluded)
    note = "" if len(counts) else " (none: `exclude_categories` is empty)"
    return table(counts, {"rows_excluded": "count"}, caption="Rows left out on purpose" + note,
                 headers={"rows_excluded": "rows excluded"})


def mapping_table(a: RevenueAnalysis) -> Any:
    """The mapping rows behind the figures used (and excluded)."""
    used = mapping_used(a.mapping, pd.concat([a.rows, a.excluded]))
    return table(used, caption="Line to comparable category (an analyst's choice, `mapping_path`)")


def rates_table(a: RevenueAnalysis) -> Any:
    """The exchange rates applied to show the money figures in the chosen currency."""
    cur = a.params.currency
    cap = (f"Exchange rates used to show money in {cur} (annual averages)" if len(a.rates)
           else f"No conversion: every figure is reported in {cur}")
    return table(a.rates, {"fiscal_year": "text", "rate": "number"}, caption=cap,
                 headers={"rate": f"{cur} per 1 unit of from_currency"})


def flags_table(a: RevenueAnalysis) -> Any:
    """Figures and rates shown that are not VERIFIED, with their notes."""
    return table(a.flags, {"fiscal_year": "text", "amount": "number"},
                 caption="Figures and rates shown that are not VERIFIED")


def lines_text(a: RevenueAnalysis) -> str:
    """Plain-text table of every line's share, YoY, contribution and CAGR (the nbval-checked cell)."""
    cols = ["company", "line", "share", "yoy", "contribution", "status", "cagr", "from_year", "cagr_status"]
    return "\n".join(t for t in (a.lines[cols].round(4).to_string(index=False), footnote(a),
                                   events_footnote(a), _gross_net_text()) if t)


def categories_text(a: RevenueAnalysis) -> str:
    """Plain-text tables of categories and totals (totals in billions of the chosen currency)."""
    cats = a.categories[["company", "category", "share", "prior_share", "yoy", "contribution", "status"]]
    tots = a.totals.assign(total_billions=a.totals["total"] / 1e9)[
        ["company", "total_billions", "basis_currency", "total_yoy", "status", "total_cagr", "from_year",
         "cagr_status"]]
    return "\n".join(t for t in [cats.round(4).to_string(index=False), "\n" + tots.round(4).to_string(index=False),
                                  f"total_billions in {a.params.currency}", footnote(a), events_footnote(a),
                                  _gross_net_text()] if t)


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
    >>> from helpers.revenue import Params, analyse
    >>> p = Params.build({"companies": ["Coupang"], "base_year": 2023, "period": "9M"})
    >>> footnote(analyse(p))
    '* All figures behind this table are VERIFIED-1 or VERIFIED-2.'
    """
    if a.flags.empty:
        return "* All figures behind this table are VERIFIED-1 or VERIFIED-2."
    parts = [f"{c} ({', '.join(sorted(set(g['status']), key=REVENUE_STATUSES.index))} figures)"
             for c, g in a.flags.groupby("company", sort=True)]
    return ("* Not VERIFIED: " + "; ".join(parts)
            + ". The status columns carry the weakest label per number; see Caveats.")


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
    >>> from helpers.revenue import Params, analyse
    >>> p = Params.build({"companies": ["Amazon"]})
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


def _gross_net_text() -> str:
    return textwrap.fill("* " + GROSS_NET_NOTE, width=100, subsequent_indent="  ")


def events_footnote(a: RevenueAnalysis) -> str:
    """One plain-text line per corporate event first consolidated in the focus year ('' if none).

    Examples
    --------
    >>> from helpers.revenue import Params, analyse
    >>> events_footnote(analyse(Params.build({"companies": ["Coupang"], "breakdown": "segment"})))[:60]
    '* Corporate event: Coupang, acquisition of Farfetch (luxury '
    """
    out = []
    for e in a.events[a.events["in_focus_year"]].itertuples(index=False):
        out.append(textwrap.fill(
            f"* Corporate event: {e.company}, {e.kind} of {e.description}, first in the "
            f"{e.first_fiscal_year} figures: {a.params.year} growth of {e.lines_in_view} includes it "
            f"(source: {e.source}). See Corporate events.", width=100, subsequent_indent="  "))
    return "\n".join(out)


def record_results(a: RevenueAnalysis) -> dict[str, Any]:
    """Record every headline number with :func:`helpers.results.record`; return them.

    Keys as :func:`result_records` and :func:`growth_records`.
    """
    out = {**result_records(a.lines, a.categories, a.totals), **growth_records(a)}
    for name, value in out.items():
        _results.record(name, value)
    return out


def recorded_markdown(recorded: dict[str, Any], a: RevenueAnalysis) -> str:
    """One line saying how many results were recorded, with an example key and the money unit."""
    return (f"Recorded {len(recorded)} results, e.g. `{next(iter(recorded))}`; amounts in "
            f"`<company>.total` are whole {a.params.currency}.")


def sanity_checks(a: RevenueAnalysis) -> dict[str, bool]:
    """Checks before interpreting: shares sum to 1, unique keys, every company present, contributions, growth.

    Returns
    -------
    dict of str to bool
        Every value should be True; the notebook asserts them.

    Examples
    --------
    >>> from helpers.revenue import Params, analyse
    >>> all(sanity_checks(analyse(Params.build({}))).values())
    True
    """
    share_sums = a.lines.groupby("company")["share"].sum()
    history = a.shares.groupby(["company", "fiscal_year"])["share"].sum()
    records = result_records(a.lines, a.categories, a.totals)
    return {
        "line shares sum to 1": bool(((share_sums - 1).abs() < 1e-9).all()),
        "category shares sum to 1 every year": bool(((history - 1).abs() < 1e-9).all()),
        "line keys unique": not bool(a.lines.duplicated(["company", "key"]).any()),
        "every company has lines": len(a.lines) > 0 and set(a.lines["company"]) == set(a.params.companies),
        "contributions sum to total growth": bool((a.contribution_check["gap"].abs() < 1e-9).all()),
        "result keys finite": bool(np.isfinite(list(records.values())).all()),
        "organic growth within its bound": bool((a.organic["organic_yoy"].isna() | (
            a.organic["organic_yoy"] <= a.organic["organic_yoy_upper_bound"] + 1e-12)).all()),
        "share treated as operating currency in [0, 1]": bool(a.constant_currency["operating_share"].between(0, 1).all()),
        "every constant-currency figure names its approximation": bool(
            (a.constant_currency["treated_as"].str.len() > 0).all()
            and (a.organic_cc["treated_as"].str.len() > 0).all()),
    }
