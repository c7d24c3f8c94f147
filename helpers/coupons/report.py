"""What notebook 02 shows: the review of one campaign, its tables, figures, prose and verdict.

:func:`review` runs the metrics in the notebook's order and returns a :class:`Review`; every
other function turns a review into something to display (a formatted table, a Figure, Markdown)
or records its headline numbers (:func:`record_results`). Prose is built from the results and the
parameters, never from hard-coded numbers.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import pandas as pd
from matplotlib.figure import Figure

from helpers import plots, privacy
from helpers.contracts import DataContractError
from helpers.coupons.incrementality import (
    breakeven_verdict,
    customer_outcomes,
    incrementality,
    roi_comparison,
)
from helpers.coupons.load import CampaignData
from helpers.coupons.metrics import BREAKDOWNS, order_economics, review_table, roi_spread
from helpers.coupons.params import Params
from helpers.results import record
from helpers.tables import table

#: How each column of a review table is shown.
REVIEW_KINDS = {"issued": "count", "collected": "count", "collection_rate": "pct", "used": "count",
                "usage_rate": "pct", "effective_uses": "count", "effective_usage_rate": "pct",
                "coupon_payment_amount": "money", "coupon_cost": "money", "roi": "ratio", "new_buyers": "count",
                "currency": "text"}

#: Result keys recorded from the campaign summary (row ``all`` of the review table).
SUMMARY_KEYS = ("collected", "collection_rate", "usage_rate", "effective_usage_rate", "coupon_payment_amount",
                "coupon_cost", "roi", "new_buyers")


@dataclass
class Review:
    """Everything the notebook shows about one campaign."""

    data: CampaignData
    params: Params
    start: pd.Timestamp
    end: pd.Timestamp
    summary: pd.DataFrame
    breakdowns: dict[str, pd.DataFrame]
    economics: pd.DataFrame
    outcomes: pd.DataFrame
    incremental: pd.DataFrame
    comparison: pd.DataFrame

    @property
    def headline(self) -> pd.Series:
        return self.summary.loc["all"]

    @property
    def currency(self) -> str:
        return self.data.currency

    @property
    def breakeven(self) -> float:
        return float(self.economics.loc["breakeven_roi", "value"])


def campaign_window(batches: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of a campaign, which all its batches must share.

    Raises
    ------
    DataContractError
        If the batches are empty or disagree on ``start`` or ``end``.

    Examples
    --------
    >>> b = pd.DataFrame({"start": pd.to_datetime(["2026-03-02"] * 2), "end": pd.to_datetime(["2026-03-08"] * 2)})
    >>> [f"{d:%Y-%m-%d}" for d in campaign_window(b)]
    ['2026-03-02', '2026-03-08']
    """
    if batches.empty:
        raise DataContractError("campaigns: the campaign has no batches")
    for col in ("start", "end"):
        values = batches[col].unique()
        if len(values) != 1:
            raise DataContractError(f"campaigns: the batches of one campaign must share one {col!r}, found "
                                    f"{sorted(str(pd.Timestamp(v).date()) for v in values)}")
    return pd.Timestamp(batches["start"].iloc[0]), pd.Timestamp(batches["end"].iloc[0])


def review(data: CampaignData, p: Params) -> Review:
    """Review one loaded campaign with the notebook's parameters.

    Examples
    --------
    >>> from helpers.coupons.load import load_campaign
    >>> p = Params.build({"n_boot": 200})
    >>> r = review(load_campaign(p), p)
    >>> round(float(r.headline["roi"]), 2), sorted(r.breakdowns) == sorted(BREAKDOWNS)
    (6.23, True)
    """
    b, ev, od = data.batches, data.events, data.orders
    start, end = campaign_window(b)
    summary = review_table(b, ev, od)
    breakdowns = {dim: review_table(b, ev, od, by=dim) for dim in BREAKDOWNS}
    economics = order_economics(b, ev, od, p.gross_margin)
    outcomes = customer_outcomes(od, data.audience, start, end, p.gross_margin)
    incremental = incrementality(outcomes, float(summary.loc["all", "coupon_cost"]), data.currency,
                                 mode=p.holdout_mode, n_boot=p.n_boot, confidence=p.confidence, seed=p.seed)
    comparison = roi_comparison(summary, incremental, data.truth)
    return Review(data, p, start, end, summary, breakdowns, economics, outcomes, incremental, comparison)


def verdict(r: Review) -> str:
    """Where the incremental ROI interval lies relative to break-even: above, below, not clearly."""
    inc = r.comparison.loc["incremental"]
    return breakeven_verdict(float(inc["low"]), float(inc["high"]), r.breakeven)


def record_results(r: Review) -> dict[str, float]:
    """Record the headline numbers under their stable keys; return them."""
    inc = r.incremental
    out: dict[str, float] = {name: r.headline[name] for name in SUMMARY_KEYS}
    out.update({
        "breakeven_roi": r.breakeven,
        "incremental_roi": inc.loc["incremental_roi", "estimate"],
        "incremental_roi_low": inc.loc["incremental_roi", "low"],
        "incremental_roi_high": inc.loc["incremental_roi", "high"],
        "incremental_paid": inc.loc["incremental_paid", "estimate"],
        "incremental_profit": inc.loc["incremental_profit", "estimate"],
        "roi_gap": r.comparison.loc["roi_gap", "roi"],
    })
    for name, value in out.items():
        record(name, value)
    return out


# --- text that nbval checks -------------------------------------------------------------------


def headline_text(r: Review) -> str:
    """The campaign summary as plain text (deterministic; checked by nbval)."""
    return r.summary.drop(columns="currency").round(4).astype(object).T.to_string()


def comparison_text(r: Review) -> str:
    """Attributional vs incremental ROI as plain text (deterministic; checked by nbval)."""
    return r.comparison.round(3).to_string()


# --- tables -----------------------------------------------------------------------------------


def batches_table(r: Review):
    """The campaign's coupon batches."""
    shown = r.data.batches.drop(columns=["campaign_id", "activity_type", "level", "start", "end"])
    return table(shown, {"face_value": "money", "min_order": "money", "issued_qty": "count"}, currency=r.currency,
                 caption="Coupon batches of the campaign (amounts in the campaign's currency)")


def events_sample(r: Review, n: int = 5):
    """The first ``n`` rows of the coupon log, customer ids pseudonymised."""
    return table(privacy.pseudonymise_columns(r.data.events.head(n)),
                 {"collected_at": "text", "used_at": "text"},
                 caption=f"First {n} coupon instances (customer ids pseudonymised)")


def quality_table(r: Review):
    """Rows excluded per row-level rule."""
    return table(r.data.quality, {"rows_excluded": "count"},
                 caption="Rows excluded, each under the first rule it breaks")


def breakdown_table(r: Review, dim: str):
    """The review metrics per group of batches of one breakdown dimension."""
    t = r.breakdowns[dim]
    shown = t.copy()
    if dim == "face_value":
        shown.index = [plots.format_money(v, r.currency, decimals=0) for v in t.index]
        shown.index.name = dim
    return table(shown, REVIEW_KINDS, currency=r.currency, caption=f"Review metrics by {dim.replace('_', ' ')}")


def economics_table(r: Review):
    """Order value and discount rates of coupon orders against the gross margin."""
    e = r.economics.reset_index()
    e["shown"] = [_format(v, u, r.currency) for v, u in zip(e["value"], e["unit"], strict=True)]
    return table(e[["metric", "shown", "unit"]], caption="Coupon orders against the gross margin",
                 headers={"shown": "value"})


def incremental_table(r: Review):
    """Incrementality estimates with their bootstrap interval."""
    inc = r.incremental.reset_index()
    for col in ("estimate", "low", "high"):
        inc[col] = [_format(v, u, r.currency) for v, u in zip(inc[col], inc["unit"], strict=True)]
    return table(inc, caption=f"Targeted vs holdout ({r.params.confidence:.0%} percentile bootstrap interval)")


def _format(value: float, unit: str, currency: str) -> str:
    if value != value:  # NaN
        return "—"
    if unit in ("orders", "customers"):
        return f"{value:,.0f}"
    if unit == "share":
        return plots.format_pct(value)
    if unit == "ratio":
        return f"{value:.2f}"
    if unit.startswith(currency):
        return plots.format_money(value, currency, decimals=0)
    return f"{value:,.2f}"


# --- figures ----------------------------------------------------------------------------------


def show(fig: Figure) -> None:
    """Display a Figure once, as a PNG, in the notebook and its HTML (no pyplot state involved)."""
    from IPython.display import Image, display

    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight", dpi=100)
    display(Image(buf.getvalue()))


def figure_collection(r: Review) -> Figure:
    """Collection rate by release slot and coupons collected by denomination."""
    by_slot, by_face = r.breakdowns["time_slot"], r.breakdowns["face_value"]
    fig = Figure(figsize=(11, 4.2))
    ax1, ax2 = fig.subplots(1, 2)
    slots = by_slot.reset_index()
    ax1.bar(slots["time_slot"], slots["collection_rate"], color=list(plots.palette_for(slots["time_slot"]).values()))
    plots.percent_axis(ax1)
    plots.finish(ax1, f"Slot {by_slot['collection_rate'].idxmax()} collected the largest share of its quota",
                 "release time slot (hours, local time)", "collection rate (collected / issued)")
    faces = by_face.reset_index()
    ax2.bar([plots.format_money(v, r.currency, decimals=0) for v in faces["face_value"]], faces["collected"],
            color=plots.OKABE_ITO[0])
    plots.finish(ax2, f"{plots.format_money(by_face['collected'].idxmax(), r.currency, decimals=0)} coupons "
                 "were collected most", f"denomination ({r.currency})", "coupons collected",
                 note="Synthetic data." if r.data.synthetic else None)
    fig.tight_layout()
    return fig


def figure_breakdowns(r: Review) -> Figure:
    """Attributional ROI per group of each breakdown, against the whole campaign's."""
    dims = list(r.breakdowns)
    fig = Figure(figsize=(3 * len(dims), 4.4))
    axes = fig.subplots(1, len(dims), sharey=True)
    for ax, dim in zip(axes, dims, strict=True):
        t = r.breakdowns[dim]
        labels = [plots.format_money(v, r.currency, decimals=0) if dim == "face_value" else str(v) for v in t.index]
        ax.bar(labels, t["roi"], color=plots.OKABE_ITO[2])
        ax.axhline(r.headline["roi"], color="#555555", lw=1, ls="--")
        ax.tick_params(axis="x", rotation=45)
        plots.finish(ax, dim, f"denomination ({r.currency})" if dim == "face_value" else dim,
                     "attributional ROI\n(paid amount / coupon cost)" if ax is axes[0] else None)
    fig.suptitle(f"ROI varies most by {roi_spread(r.breakdowns).index[0]} (dashed line: whole campaign)",
                 x=0.01, y=1.02, ha="left", fontweight="bold")
    fig.tight_layout()
    return fig


def figure_roi(r: Review) -> Figure:
    """Attributional, incremental (with interval) and true ROI against the break-even ROI."""
    comp, p = r.comparison, r.params
    fig = Figure(figsize=(8, 4.2))
    ax = fig.subplots()
    shown = comp.loc[[m for m in ("attributional", "incremental", "true_incremental") if m in comp.index]]
    colors = [plots.color_for("promo"), plots.color_for("targeted"), plots.color_for("holdout")][: len(shown)]
    ax.bar(shown.index, shown["roi"], color=colors)
    inc = comp.loc["incremental"]
    ax.errorbar(["incremental"], [inc["roi"]], yerr=[[inc["roi"] - inc["low"]], [inc["high"] - inc["roi"]]],
                color="black", capsize=6, lw=1.5)
    ax.axhline(r.breakeven, color=plots.color_for("target"), ls="--", lw=1.5,
               label=f"break-even ROI at {p.gross_margin:.0%} margin")
    ax.legend(loc="upper right")
    plots.finish(ax, f"The incremental ROI is {verdict(r)} break-even; attributional ROI is "
                 f"{comp.loc['attributional', 'roi']:.1f}", None, "ROI (paid amount / coupon cost)",
                 note=(f"Bar 'incremental': {p.confidence:.0%} bootstrap interval. "
                       + ("Synthetic data; 'true_incremental' is known from the simulation." if r.data.synthetic
                          else "")))
    fig.tight_layout()
    return fig


# --- prose ------------------------------------------------------------------------------------


def campaign_markdown(r: Review) -> str:
    """One line naming the campaign, its window, batches and currency (and whether it is synthetic)."""
    b = r.data.batches
    text = (f"**Campaign `{r.data.campaign_id}`** — {b['activity_type'].iloc[0]}, level {b['level'].iloc[0]}, "
            f"{r.start:%Y-%m-%d} to {r.end:%Y-%m-%d}, {len(b)} coupon batches, amounts in {r.currency}.")
    if r.data.synthetic:
        text += " **Synthetic data** (seeded simulation, `helpers.coupons.simulate`)."
    return text


def breakeven_markdown(r: Review) -> str:
    """The break-even ROI at the chosen margin, in one sentence."""
    m = r.params.gross_margin
    return (f"At the chosen gross margin $m$ = {plots.format_pct(m)} the break-even ROI is "
            f"$(1-m)/m$ = {r.breakeven:.2f}.")


def findings_markdown(r: Review) -> str:
    """The interpretation bullets after the results."""
    h, inc, comp, p, cur = r.headline, r.incremental, r.comparison, r.params, r.currency
    by_slot = r.breakdowns["time_slot"]
    inc_row = comp.loc["incremental"]
    factor = comp.loc["overstatement_factor", "roi"]
    profit = inc.loc["incremental_profit"]
    econ = r.economics["value"]
    return "\n".join([
        f"- Of {h['issued']:,} coupons issued, {h['collected']:,} were collected "
        f"({plots.format_pct(h['collection_rate'])}); {plots.format_pct(h['usage_rate'])} of those were "
        f"used, and {plots.format_pct(h['effective_usage_rate'])} of uses were on orders that stayed paid. "
        f"The slot `{by_slot['collection_rate'].idxmax()}` had the highest collection rate and "
        f"`{by_slot['collection_rate'].idxmin()}` the lowest. {h['new_buyers']:,} customers made their first-ever "
        "purchase with a coupon on an order that stayed paid.",
        f"- Attributional ROI {h['roi']:.2f}: every {plots.format_money(1, cur, decimals=0)} of coupons "
        f"sat on {plots.format_money(h['roi'], cur, decimals=2)} of paid orders. The holdout says the coupons "
        f"caused {plots.format_money(inc.loc['incremental_paid', 'estimate'], cur, 1e6)} of paid amount, "
        f"an incremental ROI of {inc_row['roi']:.2f} ({p.confidence:.0%} interval {inc_row['low']:.2f}–"
        f"{inc_row['high']:.2f})"
        + (f": the attributional ROI overstates the return {factor:.1f}-fold." if not math.isnan(factor)
           else ": the coupons caused no measurable extra payment."),
        f"- At a {p.gross_margin:.0%} gross margin the break-even ROI is {r.breakeven:.2f}; the incremental ROI is "
        f"{verdict(r)} it. The coupons' incremental gross profit is "
        f"{plots.format_money(profit['estimate'], cur, 1e6)} "
        f"(interval {plots.format_money(profit['low'], cur, 1e6)} to {plots.format_money(profit['high'], cur, 1e6)}). "
        f"Threshold coupons were {plots.format_pct(econ['nominal_discount_rate'])} of their minimum order but "
        f"{plots.format_pct(econ['realised_discount_rate'])} of the baskets they were used on.",
    ])


def caveats_markdown(r: Review) -> str:
    """Caveats, naming the parameters rather than their default values."""
    lines = []
    if r.data.synthetic:
        lines.append(
            "- **Synthetic data**: a seeded simulation, not a real campaign. Denominations and minimum orders "
            "follow Kurly's coupon texts (Yozm IT, 2024); basket sizes, collection probabilities, cancellation "
            "rates and the size of the coupon effect are our assumptions. Because the data are simulated, the "
            "true incremental effect is known and shown.")
    lines += [
        "- Definitions of *effective use*, *coupon cost* (face value on orders that stayed paid) and the payment "
        "split of stacked coupons are ours; Caroline, *E-commerce operations: coupon product analysis*, names the "
        "metrics but is terse. Other teams count cost on all uses, or the discount booked on the order.",
        f"- The gross margin (`gross_margin` = {plots.format_pct(r.params.gross_margin)} in this run) defaults to "
        "Kurly's 2021 cost-of-goods ratio as quoted by Yozm IT (2024), not verified against the filing; it "
        "applies to direct-purchase goods; for marketplace orders the platform earns a commission instead.",
        "- Incrementality needs a truly random holdout that saw no coupon; spill-over (holdout customers "
        "shopping with a friend's coupon) or a window that misses pulled-forward purchases bias it.",
        "- The bootstrap holds coupon cost fixed and ignores uncertainty in who would have collected.",
    ]
    return "\n".join(lines)


def breakdowns_add_up(r: Review, tol: float = 1e-3) -> bool:
    """Whether every breakdown's coupon cost and payment amount add up to the campaign's."""
    h = r.headline
    return all(abs(t["coupon_cost"].sum() - h["coupon_cost"]) < tol
               and abs(t["coupon_payment_amount"].sum() - h["coupon_payment_amount"]) < tol
               for t in r.breakdowns.values())
