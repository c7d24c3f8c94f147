"""The figures of notebook 05: each title states the finding; returned closed, so ``display(fig)``
shows each once. Reads an :class:`helpers.cadence.analysis.Analysis`; computes nothing new.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from helpers.cadence.adherence import LEVEL
from helpers.cadence.analysis import Analysis
from helpers.cadence.constants import STAGES
from helpers.cadence.report import POLICY_SOURCE
from helpers.plots import color_for, finish, money_axis, palette_for, percent_axis, plt


def _note(a: Analysis) -> str:
    return f"Data: {a.data.label}."


def figure_intervals(a: Analysis) -> Figure:
    """Median send interval per stage with its p10–p90 range, the policy value and its margin."""
    measured = a.interval_table[a.interval_table["intervals"] > 0]
    colors = palette_for(STAGES)
    fig, ax = plt.subplots()
    ax.barh(measured.index, measured["median_days"], color=[colors[s] for s in measured.index])
    ax.errorbar(measured["median_days"], measured.index,
                xerr=[measured["median_days"] - measured["interval_p10"],
                      measured["interval_p90"] - measured["median_days"]],
                fmt="none", ecolor="#333333", capsize=3)
    ax.scatter(measured["policy_days"], measured.index, marker="|", s=300, color="#000000",
               label=f"reference policy ({POLICY_SOURCE})")
    eps = a.p.agreement_margin_days
    for i, k in enumerate(measured["policy_days"]):
        if not pd.isna(k):
            ax.fill_betweenx([i - 0.4, i + 0.4], k - eps, k + eps, color="#999999", alpha=0.35, lw=0,
                             label=f"policy ± {eps:g} days (margin)" if i == 0 else None)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    adh = measured.dropna(subset=["adherence"])
    agree = a.agreement["agrees"].dropna()
    finish(ax, f"{int(agree.sum())} of {len(agree)} medians agree with the policy; {adh['adherence'].min():.0%}–"
               f"{adh['adherence'].max():.0%} of intervals are within ± {eps:g} days of it",
           xlabel="days between consecutive messages in the same stage (bar: median, whisker: p10–p90)",
           note=_note(a))
    plt.close(fig)
    return fig


def figure_adherence(a: Analysis) -> Figure:
    """Adherence per stage with its interval, beside the shares one day either side of the policy."""
    adh = a.adherence.dropna(subset=["adherence"])
    eps = a.p.agreement_margin_days
    y = range(len(adh))
    fig, ax = plt.subplots()
    ax.barh(list(y), adh["adherence"], color=color_for("target"), label=f"within policy k ± {eps:g} d")
    ax.errorbar(adh["adherence"], list(y), xerr=[adh["adherence"] - adh["adherence_low"],
                                                 adh["adherence_high"] - adh["adherence"]],
                fmt="none", ecolor="#333333", capsize=3)
    ax.scatter(adh["adherence_minus_1d"], list(y), marker="<", color=color_for("baseline"), zorder=3,
               label=f"within k − 1 ± {eps:g} d")
    ax.scatter(adh["adherence_plus_1d"], list(y), marker=">", color="#000000", zorder=3,
               label=f"within k + 1 ± {eps:g} d")
    ax.set_yticks(list(y), adh.index)
    percent_axis(ax)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    peaks = adh["peaks_at_policy"].astype(bool)
    finish(ax, f"Adherence peaks at the policy in {int(peaks.sum())} of {len(peaks)} stages"
               + (": a policy one day off fits fewer sends" if peaks.all() else ""),
           xlabel=f"share of same-stage intervals (whisker: {LEVEL:.0%} interval, customers as clusters)", note=_note(a))
    plt.close(fig)
    return fig


def figure_heatmap(a: Analysis) -> Figure:
    """Share of sends per local weekday and hour."""
    fig, ax = plt.subplots(figsize=(11, 3.8))
    im = ax.imshow(a.heat.to_numpy(), aspect="auto", cmap="viridis")
    ax.grid(False)
    ax.set_yticks(range(7), a.heat.index)
    ax.set_xticks(range(24), a.heat.columns)
    cbar = fig.colorbar(im, ax=ax, label="share of all messages")
    percent_axis(cbar.ax, decimals=1)
    top = a.weekday.idxmax()
    finish(ax, f"{top.capitalize()} carries {a.weekday[top]:.0%} of sends; {a.lunch_share:.0%} go out at 12–14 h",
           xlabel=f"local hour ({a.p.timezone})", ylabel="weekday",
           note=f"Share of messages per weekday and hour. {_note(a)}")
    plt.close(fig)
    return fig


def figure_weekdays(a: Analysis) -> Figure:
    """Share of sends per local weekday."""
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.bar(a.weekday.index, a.weekday.to_numpy(), color=color_for("promo"))
    percent_axis(ax)
    finish(ax, f"Sends concentrate on {a.weekday.idxmax().capitalize()}", xlabel=f"weekday ({a.p.timezone})",
           ylabel="share of messages", note=_note(a))
    plt.close(fig)
    return fig


def figure_discounts(a: Analysis) -> Figure:
    """Mean discount rate per stage against the gross margin."""
    colors = palette_for(STAGES)
    fig, ax = plt.subplots(figsize=(8, 3.8))
    ax.bar(a.by_stage.index, a.by_stage["mean_rate"], color=[colors[s] for s in a.by_stage.index])
    ax.axhline(a.p.gross_margin, color="#D55E00", linestyle="--", label=f"gross margin {a.p.gross_margin:.0%}")
    percent_axis(ax)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.tick_params(axis="x", rotation=30)
    finish(ax, f"{a.discount['share_rate_above_margin']:.0%} of coupons discount more than the gross margin",
           xlabel="stage at send", ylabel="mean discount rate (amount / min. order)", note=_note(a))
    plt.close(fig)
    return fig


def figure_w(a: Analysis) -> Figure:
    """Coupon amounts of the customer with most messages, W windows highlighted."""
    seq, cur = a.sequence, a.p.currency
    fig, ax = plt.subplots(figsize=(10, 3.8))
    ax.plot(seq["n"], seq["coupon_amount"], marker="o", color=color_for("baseline"), lw=1)
    ax.scatter(seq.loc[seq["in_w"], "n"], seq.loc[seq["in_w"], "coupon_amount"], color=color_for("target"),
               zorder=3, label="part of a W window")
    money_axis(ax, cur)
    ax.legend()
    finish(ax, f"Amounts zig-zag: {a.w_share:.0%} of 5-coupon windows are a W (random order: {a.w_null:.1%})",
           xlabel=f"message number, customer {seq['customer_id'].iloc[0]} (most messages; first {len(seq)} shown)",
           ylabel=f"coupon amount ({cur})", note=_note(a))
    plt.close(fig)
    return fig


