"""The figures of notebook 06: each returns a matplotlib Figure whose title states the finding.

Figures are drawn with :mod:`helpers.plots` (project theme, percent axes, fixed colours), closed
after drawing and returned, so the notebook shows each exactly once with ``display``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from helpers import plots
from helpers.segments.baskets import planted_lifts
from helpers.segments.load import EventLog
from helpers.segments.report import TransactionsInfo, data_label
from helpers.segments.uncertainty import ValidationIntervals
from helpers.segments.validation import Validation


def _done(fig: Figure) -> Figure:
    plt.close(fig)  # shown once, by the notebook's display
    return fig


def figure_segments(seg: pd.DataFrame, info: TransactionsInfo) -> Figure:
    """Share of customers and of revenue per RFM segment; the title names the top-revenue segment."""
    shares = seg[["customer_share", "revenue_share"]].reset_index().rename(
        columns={"customer_share": "customers", "revenue_share": f"revenue ({info.currency})"})
    long = shares.melt(id_vars="segment", value_vars=["customers", f"revenue ({info.currency})"],
                       var_name="share of", value_name="share")
    top = seg["revenue_share"].idxmax()
    fig, ax = plt.subplots()
    sns.barplot(data=long, y="segment", x="share", hue="share of", ax=ax,
                palette={"customers": plots.color_for("baseline"),
                         f"revenue ({info.currency})": plots.color_for("target")})
    plots.percent_axis(ax, axis="x")
    plots.finish(ax, f"'{top}' holds {plots.format_pct(seg.loc[top, 'customer_share'])} of customers "
                     f"and {plots.format_pct(seg.loc[top, 'revenue_share'])} of revenue",
                 xlabel=f"share of customers / of revenue ({info.currency})", ylabel="RFM segment",
                 note=f"{data_label(info)}. Segments from quantile RFM scores.")
    return _done(fig)


def figure_concentration(curve: pd.DataFrame, conc: pd.DataFrame, claim_visitor_pct: float,
                         info: TransactionsInfo) -> Figure:
    """Revenue share of the top share of buyers, with the claim's share and the 90% point."""
    s90 = float(conc.loc["share_customers_for_90pct_revenue", "value"])
    fig, ax = plt.subplots(figsize=(6.5, 5))
    ax.plot(curve["customer_share"], curve["revenue_share"], color=plots.color_for("baseline"),
            label="customers ranked by revenue (largest first)")
    ax.plot([0, 1], [0, 1], color="#999999", linestyle="--", label="equal revenue per customer")
    ax.axvline(claim_visitor_pct / 100, color=plots.color_for("target"), linestyle=":",
               label=f"the claim: top {claim_visitor_pct:g}%")
    ax.scatter([s90], [0.9], color=plots.color_for("target"), zorder=3, label="90% of revenue")
    plots.percent_axis(ax, "x")
    plots.percent_axis(ax, "y")
    ax.legend(loc="lower right")
    plots.finish(ax, f"90% of revenue takes the top {plots.format_pct(s90)} of buyers, not "
                     f"{claim_visitor_pct:g}%",
                 xlabel="top share of buying customers", ylabel=f"share of revenue ({info.currency})",
                 note=f"{data_label(info)}; Gini {conc.loc['gini', 'value']:.2f}. Buyers only: visitors "
                      "are not recorded.")
    return _done(fig)


def figure_groups(sizes: pd.DataFrame, log: EventLog) -> Figure:
    """Share of shoppers per dynamic group; the title names the largest."""
    biggest = sizes["share"].idxmax()
    fig, ax = plt.subplots()
    sns.barplot(x=sizes["share"], y=sizes.index, ax=ax, color=plots.color_for("baseline"))
    plots.percent_axis(ax, axis="x", decimals=1)
    lead = "SYNTHETIC event log (seeded). " if log.synthetic else f"Event log {log.source}. "
    plots.finish(ax, f"'{biggest}' is the largest dynamic group ({plots.format_pct(sizes.loc[biggest, 'share'])} "
                     "of shoppers)",
                 xlabel="share of shoppers (groups overlap)", ylabel="dynamic group",
                 note=lead + "Thresholds are notebook parameters.")
    return _done(fig)


def figure_pairs(pairs: pd.DataFrame, truth: pd.DataFrame | None, log: EventLog, n: int = 10) -> Figure:
    """Lift of the ``n`` top pairs; planted pairs carry their planted lift as a diamond."""
    top = pairs.head(n).reset_index(drop=True)
    labels = top["product_a"] + " + " + top["product_b"]
    planted = planted_lifts(top, truth)
    fig, ax = plt.subplots()
    if "significant" in top.columns:  # grey bars: not significant after the multiple-testing control
        verdict = top["significant"].map({True: "significant", False: "not significant"})
        sns.barplot(x=top["lift"], y=labels, ax=ax, hue=verdict, orient="h", dodge=False,
                    palette={"significant": plots.color_for("baseline"), "not significant": "#BBBBBB"})
    else:
        sns.barplot(x=top["lift"], y=labels, ax=ax, color=plots.color_for("baseline"), orient="h")
    rows = planted.dropna()
    if len(rows):
        ax.scatter(rows.to_numpy(), rows.index.to_numpy(), marker="D", color=plots.color_for("target"),
                   zorder=3, label="planted lift")
    if len(rows) or "significant" in top.columns:
        ax.legend(loc="lower right")
    ax.axvline(1, color="#999999", linestyle="--")
    lead = "SYNTHETIC event log with planted pairs" if log.synthetic else f"Event log {log.source}"
    tail = " (diamonds: planted lift among orders)." if truth is not None else "."
    plots.finish(ax, f"{labels.iloc[0]} is bought together {top['lift'].iloc[0]:.1f}x as often as chance",
                 xlabel="lift (1 = independent)", ylabel="product pair", note=lead + tail)
    return _done(fig)


def figure_validation(val: Validation, info: TransactionsInfo) -> Figure:
    """Next-period purchase days per customer by segment: actual beside BG/NBD's expectation."""
    t = val.table[val.table["customers"] > 0]
    long = pd.DataFrame({
        "segment": list(t.index) * 2,
        "purchase days per customer": list(t["next_purchases_per_customer"])
        + list(t["expected_purchases_per_customer"]),
        "": ["actual"] * len(t) + ["BG/NBD expected"] * len(t)})
    best = t["next_revenue_per_customer"].idxmax()
    fig, ax = plt.subplots()
    sns.barplot(data=long, y="segment", x="purchase days per customer", hue="", ax=ax,
                palette={"actual": plots.color_for("baseline"), "BG/NBD expected": plots.color_for("target")})
    plots.finish(ax, f"'{best}' buy most in the next {val.holdout_weeks:.0f} weeks "
                     f"({plots.format_money(t.loc[best, 'next_revenue_per_customer'], info.currency, decimals=2)} "
                     "per customer)",
                 xlabel=f"purchase days per customer, {_day(val.calibration_end)} to {_day(val.holdout_end)}",
                 ylabel="RFM segment at the end of calibration",
                 note=f"{info.name}; segments from purchases up to {_day(val.calibration_end)} only.")
    return _done(fig)


def figure_validation_splits(vals: list[Validation], ivs: list[ValidationIntervals], info: TransactionsInfo) -> Figure:
    """Next-period revenue per customer by segment with its interval, one colour per calibration split."""
    rows = []
    for v, iv in zip(vals, ivs, strict=True):
        t = v.table[v.table["customers"] > 0].join(iv.table)
        label = f"calibration to {_day(v.calibration_end)}"
        for name, r in t.iterrows():
            rows.append((name, label, r["next_revenue_per_customer"], r["next_revenue_per_customer_low"],
                         r["next_revenue_per_customer_high"]))
    f = pd.DataFrame(rows, columns=["segment", "split", "value", "low", "high"])
    order = list(dict.fromkeys(f["segment"]))
    splits = list(dict.fromkeys(f["split"]))
    colours = dict(zip(splits, plots.OKABE_ITO, strict=False))  # blue, orange, green, ...: distinct on white
    fig, ax = plt.subplots()
    step = 0.8 / len(splits)
    for k, sp in enumerate(splits):
        g = f[f["split"] == sp].set_index("segment").reindex(order)
        y = [i - 0.4 + step * (k + 0.5) for i in range(len(order))]
        ax.errorbar(g["value"], y, xerr=[g["value"] - g["low"], g["high"] - g["value"]], fmt="o", ms=4,
                    capsize=2, color=colours[sp], label=sp)
    ax.set_yticks(range(len(order)), order)
    ax.invert_yaxis()
    ax.legend(loc="lower right")
    plots.money_axis(ax, info.currency, axis="x")
    top = f[f["split"] == splits[0]].set_index("segment")["value"].idxmax()
    lvl = f"{ivs[0].conf_level:.0%}"
    plots.finish(ax, f"'{top}' lead next-period revenue from every calibration end" if
                 f.loc[f.groupby("split")["value"].idxmax(), "segment"].nunique() == 1 else
                 "The segment leading next-period revenue changes with the calibration end",
                 xlabel=f"next-period revenue per customer ({info.currency}; {lvl} bootstrap-t interval)",
                 ylabel="RFM segment at the end of calibration",
                 note=f"{info.name}; each split's segments from its own calibration purchases, holdouts of "
                      f"{vals[0].holdout_weeks:.0f} weeks.")
    return _done(fig)


def _day(ts: pd.Timestamp) -> str:
    return f"{pd.Timestamp(ts):%Y-%m-%d}"
