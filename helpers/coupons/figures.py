"""Figures of notebook 02, each a :class:`matplotlib.figure.Figure` whose title states the finding.

Built without pyplot state (so tests can call them freely); :func:`show` displays one in the
notebook and its HTML.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from helpers import plots
from helpers.coupons.metrics import review_table, roi_spread
from helpers.coupons.report import VERDICT_SENTENCES, Review
from helpers.coupons.windows import daily_paid


def show(fig: Figure) -> None:
    """Display a Figure once, as a PNG with its title as alt text, in the notebook and its HTML."""
    plots.show(fig)


def figure_collection(r: Review) -> Figure:
    """Collection rate by release slot (collected coupons only) and coupons collected by denomination."""
    b = r.data.batches
    chosen = b[b["channel"] == "collected"]
    by_slot = review_table(chosen if len(chosen) else b, r.data.events, r.data.orders, by="time_slot")
    by_face = r.breakdowns["face_value"]
    fig = Figure(figsize=(11, 4.2))
    ax1, ax2 = fig.subplots(1, 2)
    slots = by_slot.reset_index()
    ax1.bar(slots["time_slot"], slots["collection_rate"], color=list(plots.palette_for(slots["time_slot"]).values()))
    plots.percent_axis(ax1)
    plots.finish(ax1, f"Slot {by_slot['collection_rate'].idxmax()} collected the largest share of its quota",
                 "release time slot (hours, local time)",
                 "collection rate (collected / issued)" + ("\ncollected coupons only" if len(chosen) < len(b) else ""))
    faces = by_face.reset_index()
    ax2.bar([plots.format_money(v, r.currency, decimals=0) for v in faces["face_value"]], faces["collected"],
            color=plots.OKABE_ITO[0])
    plots.finish(ax2, f"{plots.format_money(by_face['collected'].idxmax(), r.currency, decimals=0)} coupons "
                 "were collected most", f"denomination ({r.currency})", "coupons collected (or pushed)",
                 note="Synthetic data." if r.data.synthetic else None)
    fig.tight_layout()
    return fig


def figure_breakdowns(r: Review) -> Figure:
    """Attributional ROI per group of each breakdown; aliased dimensions are named in their titles."""
    dims = list(r.breakdowns)
    fig = Figure(figsize=(3 * len(dims), 4.4))
    axes = fig.subplots(1, len(dims), sharey=True)
    for ax, dim in zip(axes, dims, strict=True):
        t = r.breakdowns[dim]
        labels = [plots.format_money(v, r.currency, decimals=0) if dim == "face_value" else str(v) for v in t.index]
        ax.bar(labels, t["roi"], color=plots.OKABE_ITO[2])
        ax.axhline(r.headline["roi"], color="#555555", lw=1, ls="--")
        ax.tick_params(axis="x", rotation=45)
        alias = r.aliases.loc[dim, "aliased_with"]
        title = f"{dim}\n(= {alias})" if alias else dim if r.aliases.loc[dim, "comparable"] else f"{dim}\n(one value)"
        plots.finish(ax, title, f"denomination ({r.currency})" if dim == "face_value" else dim,
                     "attributional ROI\n(paid amount / coupon cost)" if ax is axes[0] else None)
    comparable = [d for d in dims if r.aliases.loc[d, "comparable"]]
    if comparable:
        top = roi_spread({d: r.breakdowns[d] for d in comparable}).index[0]
        alias = r.aliases.loc[top, "aliased_with"]
        head = (f"ROI varies most by {top}" + (f", which the data cannot tell apart from {alias}" if alias else ""))
    else:
        head = "No breakdown separates the batches"
    fig.suptitle(f"{head} (dashed line: whole campaign)", x=0.01, y=1.02, ha="left", fontweight="bold")
    fig.tight_layout()
    return fig


def figure_windows(r: Review) -> Figure:
    """Daily paid amount per customer, targeted vs holdout, and the incremental amount per window."""
    daily = daily_paid(r.data.orders, r.data.audience, r.data.windows)
    est = r.estimates
    fig = Figure(figsize=(12, 4.4))
    ax1, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [2, 1]})
    for group in ("holdout", "targeted"):
        g = daily[daily["group"] == group]
        ax1.plot(g["date"], g["paid_per_customer"], color=plots.color_for(group), lw=1.4, label=group)
    ax1.axvspan(r.start, r.end + pd.Timedelta(days=1), color="#E69F00", alpha=0.15,
                label="campaign")
    ax1.legend(loc="upper left")
    plots.money_axis(ax1, r.currency)
    ax1.tick_params(axis="x", rotation=30)
    plots.finish(ax1, "Targeted customers buy more during the campaign" +
                 (" and less after it" if est.loc["incremental_paid_post", "estimate"] < 0 else ""),
                 None, f"paid per customer and day ({r.currency})")
    names = ["incremental_paid_in_window", "incremental_paid_post", "incremental_paid"]
    labels = ["campaign", "post window", "net"]
    vals = est.loc[names]
    colors = [plots.color_for("promo"), plots.color_for("holdout"), plots.color_for("targeted")]
    ax2.bar(labels, vals["estimate"], color=colors)
    ax2.errorbar(labels, vals["estimate"], yerr=[vals["estimate"] - vals["low"], vals["high"] - vals["estimate"]],
                 fmt="none", color="black", capsize=6, lw=1.2)
    ax2.axhline(0, color="#555555", lw=0.8)
    plots.money_axis(ax2, r.currency, 1e6)
    plots.finish(ax2, "Net effect = campaign + post window", None, f"incremental paid amount ({r.currency})",
                 note=f"{r.params.confidence:.0%} bootstrap intervals." + (" Synthetic data." if r.data.synthetic
                                                                             else ""))
    fig.tight_layout()
    return fig


def figure_roi(r: Review) -> Figure:
    """Attributional, in-window and net incremental ROI (with intervals, and truth) against break-even."""
    comp, p, d = r.comparison, r.params, r.decision
    fig = Figure(figsize=(9, 4.4))
    ax = fig.subplots()
    order = [m for m in ("attributional", "incremental_in_window", "incremental_net", "true_in_window", "true_net")
             if m in comp.index]
    shown = comp.loc[order]
    palette = {"attributional": plots.color_for("promo"), "incremental_in_window": "#56B4E9",
               "incremental_net": plots.color_for("targeted"), "true_in_window": "#CCCCCC",
               "true_net": plots.color_for("holdout")}
    labels = [m.replace("incremental_", "incr. ").replace("_", " ") for m in order]
    ax.bar(labels, shown["roi"], color=[palette[m] for m in order])
    for m, label in zip(order, labels, strict=True):
        if m.startswith("incremental"):
            row = comp.loc[m]
            ax.errorbar([label], [row["roi"]], yerr=[[row["roi"] - row["low"]], [row["high"] - row["roi"]]],
                        color="black", capsize=6, lw=1.5)
    ax.axhline(r.breakeven, color=plots.color_for("target"), ls="--", lw=1.5,
               label=f"break-even ROI at {p.gross_margin:.0%} margin")
    ax.legend(loc="upper right")
    plots.finish(ax, f"{VERDICT_SENTENCES[d['where']]}: P(ROI > break-even) = {plots.format_pct(d['prob_profitable'])}",
                 None, "ROI (paid amount / coupon cost)",
                 note=(f"{p.confidence:.0%} bootstrap intervals; the verdict uses the {d['basis'].replace('_', '-')} "
                       "ROI. " + ("Synthetic data; 'true' bars are known from the simulation." if r.data.synthetic
                                  else "")))
    fig.tight_layout()
    return fig


def figure_post_window(r: Review) -> Figure:
    """Cumulative targeted − holdout paid amount by day after the campaign, with its band."""
    c, pw, p = r.post_window["curve"], r.post_window, r.params
    fig = Figure(figsize=(9, 4.2))
    ax = fig.subplots()
    ax.fill_between(c["day"], c["low"], c["high"], color=plots.color_for("targeted"), alpha=0.2,
                    label=f"{p.confidence:.0%} band")
    ax.plot(c["day"], c["estimate"], color=plots.color_for("targeted"), lw=1.8, label="cumulative difference")
    ax.axvline(p.post_days, color="#555555", ls="--", lw=1, label=f"post window (`post_days` = {p.post_days})")
    ax.axhline(0, color="#555555", lw=0.8)
    ax.legend(loc="upper right")
    plots.money_axis(ax, r.currency, 1e6)
    title = (f"The difference stops moving from day {pw['flat_day']}" if pw["flat_before_end"]
             else "The difference is still falling at the end of the data")
    plots.finish(ax, title, "days after the campaign", f"incremental paid amount since the start ({r.currency})",
                 note="Synthetic data." if r.data.synthetic else None)
    fig.tight_layout()
    return fig


def figure_targeting(pl) -> Figure:
    """Incremental profit of targeting the top share by predicted profit, against send-to-none and send-to-all."""
    t, r = pl.targeting, pl.review
    c = t.curve
    fig = Figure(figsize=(9, 4.2))
    ax = fig.subplots()
    ax.fill_between(c["share"], c["low"], c["high"], color=plots.OKABE_ITO[0], alpha=0.2,
                    label=f"{r.params.confidence:.0%} band")
    ax.plot(c["share"], c["estimate"], marker="o", color=plots.OKABE_ITO[0], label="top share by prediction")
    ax.plot([0, 1], [0, c["estimate"].iloc[-1]], color="#555555", ls="--", lw=1, label="random targeting")
    ax.axhline(0, color="#555555", lw=0.8)
    ax.legend(loc="lower left")
    plots.percent_axis(ax, axis="x")
    plots.money_axis(ax, r.currency, 1e6)
    head = ("Targeting the top customers beats random targeting" if t.distinguishable
            else "Targeting cannot be told from random targeting")
    plots.finish(ax, head, "share of the audience sent a coupon (ranked by cross-fitted prediction)",
                 f"incremental profit over the audience ({r.currency})",
                 note="Cross-fitted predictions and DR scores." + (" Synthetic data." if r.data.synthetic else ""))
    fig.tight_layout()
    return fig
