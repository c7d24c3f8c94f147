"""Figures of notebook 01: each title states the finding; the note carries sources and flags.

Each function returns a :class:`matplotlib.figure.Figure` built without pyplot, so a notebook
shows it once, as the cell's value.
"""

from __future__ import annotations

import seaborn as sns
from matplotlib.figure import Figure

from helpers import plots
from helpers.revenue.analysis import RevenueAnalysis
from helpers.revenue.flags import GROSS_NET_NOTE

__all__ = ["figure_shares", "figure_growth_vs_share", "figure_contributions", "figure_totals"]


def _flag_note(a: RevenueAnalysis, extra: str = "") -> str:
    flagged = a.flags.groupby("company")["status"].agg(lambda s: "/".join(sorted(set(s))))
    text = "; ".join(f"{c}: includes {s} figures" for c, s in flagged.items())
    src = "Sources: company filings as listed in data/raw/SOURCES.md."
    return " ".join(t for t in (extra, text + "." if text else "", src) if t)


def figure_shares(a: RevenueAnalysis) -> Figure:
    """Stacked bars: share of revenue by category for every company-year in the window.

    Returns
    -------
    Figure

    Notes
    -----
    Bars are :func:`share_history` (each bar sums to 100%).

    Examples
    --------
    >>> from helpers.revenue import Params, analyse
    >>> fig = figure_shares(analyse(Params.build({})))
    >>> fig.axes[0].get_title(loc="left").startswith("Revenue mix (FY, share of revenue): retail_1p is 42% of Amazon")
    True
    """
    s = a.shares.sort_values(["company", "fiscal_year"], kind="stable")
    s = s.assign(bar=s["company"] + "\n" + s["fiscal_year"].astype(str))
    wide = s.pivot_table(index="bar", columns="category", values="share", sort=False).fillna(0.0)
    colours = plots.palette_for(wide.columns)
    fig = Figure(figsize=(10, 4.8))
    ax = fig.subplots()
    wide.plot(kind="bar", stacked=True, ax=ax, color=[colours[c] for c in wide.columns], width=0.8)
    top = a.categories.loc[a.categories.groupby("company")["share"].idxmax()]
    finding = "; ".join(f"{r.category} is {r.share:.0%} of {r.company}" for r in top.itertuples())
    plots.percent_axis(ax)
    ax.legend(title="category", bbox_to_anchor=(1.0, 1.0), loc="upper left")
    ax.tick_params(axis="x", rotation=0, labelsize=8)
    plots.finish(ax, f"Revenue mix ({a.params.period}, share of revenue): {finding} in {a.params.year}",
                 xlabel="company and fiscal year", ylabel="share of revenue (%)",
                 note=_flag_note(a, "Shares of the reported lines (currency-free). " + GROSS_NET_NOTE))
    return fig


def figure_growth_vs_share(a: RevenueAnalysis) -> Figure:
    """Scatter: each line's share of revenue (x) against its YoY growth (y), by company.

    Returns
    -------
    Figure

    Notes
    -----
    x = :math:`share_i`, y = :math:`yoy_i` from :func:`line_metrics`.

    Examples
    --------
    >>> from helpers.revenue import Params, analyse
    >>> fig = figure_growth_vs_share(analyse(Params.build({})))
    >>> fig.axes[0].get_title(loc="left").startswith("Coupang Corp Service sales grew fastest (+88%)")
    True
    """
    d = a.lines
    fig = Figure()
    ax = fig.subplots()
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
                 note=_flag_note(a, GROSS_NET_NOTE))
    return fig


def figure_contributions(a: RevenueAnalysis) -> Figure:
    """Horizontal bars: each line's contribution to its company's revenue growth.

    Returns
    -------
    Figure

    Notes
    -----
    :math:`contribution_i = (x_{i,t} - x_{i,t-1}) / T_{t-1}`; a company's bars sum to its growth.

    Examples
    --------
    >>> from helpers.revenue import Params, analyse
    >>> fig = figure_contributions(analyse(Params.build({})))
    >>> fig.axes[0].get_title(loc="left").startswith("Product sales added 11.1%")
    True
    """
    d = a.lines.assign(label=a.lines["company"] + " · " + a.lines["line"])
    fig = Figure(figsize=(9, 0.35 * len(d) + 1.5))
    ax = fig.subplots()
    sns.barplot(data=d, y="label", x="contribution", hue="company",
                palette=plots.palette_for(d["company"]), dodge=False, ax=ax)
    top = d.loc[d["contribution"].idxmax()]
    plots.percent_axis(ax, "x", decimals=1)
    plots.finish(ax, f"{top['line']} added {top['contribution']:.1%} of {top['company']}'s prior-year revenue, "
                     f"the largest contribution to growth in {a.params.year}",
                 xlabel=f"contribution to {a.params.year} revenue growth (% of {a.params.year - 1} total)",
                 ylabel="", note=_flag_note(a, "Bars of one company sum to its total growth."))
    return fig


def figure_totals(a: RevenueAnalysis) -> Figure:
    """Bars: total revenue per company-year in the chosen currency (rates in the FX table).

    Returns
    -------
    Figure

    Notes
    -----
    :math:`T_t` converted with the annual average rate of each year.

    Examples
    --------
    >>> from helpers.revenue import Params, analyse
    >>> fig = figure_totals(analyse(Params.build({})))
    >>> fig.axes[0].get_title(loc="left").startswith("Amazon had the largest FY revenue in 2024: $638.0B")
    True
    """
    cur = a.params.currency
    t = a.rows.groupby(["company", "fiscal_year"], as_index=False, sort=False)["amount_conv"].sum()
    scale = 1e12 if cur == "KRW" else 1e9
    fig = Figure()
    ax = fig.subplots()
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
    return fig
