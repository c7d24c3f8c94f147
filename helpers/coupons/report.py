"""What notebook 02 shows: the review of one campaign, its verdict, tables, prose and results.

:func:`review` runs the metrics in the notebook's order and returns a :class:`Review`; the other
functions turn it into formatted tables, Markdown built from the results and the parameters
(never from hard-coded numbers), or record its headline numbers (:func:`record_results`). The
figures are in :mod:`helpers.coupons.figures`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from helpers import plots, privacy
from helpers.coupons.checks import randomisation_check
from helpers.coupons.design import holdout_for_mde, mde_roi, scale_for_mde
from helpers.coupons.features import Features, pre_features
from helpers.coupons.load import CampaignData, campaign_window
from helpers.coupons.metrics import (
    BREAKDOWNS,
    aliased_dimensions,
    collection_by_channel,
    order_economics,
    review_table,
    roi_spread,
)
from helpers.coupons.params import Params
from helpers.coupons.windows import (
    breakeven_verdict,
    customer_windows,
    incremental_effects,
    post_window_curve,
)
from helpers.results import record
from helpers.tables import table

__all__ = ["Review", "review", "campaign_window", "record_results"]

#: How each column of a review table is shown.
REVIEW_KINDS = {"issued": "count", "collected": "count", "collection_rate": "pct", "used": "count",
                "usage_rate": "pct", "effective_uses": "count", "effective_usage_rate": "pct",
                "coupon_payment_amount": "money", "coupon_cost": "money", "roi": "ratio", "new_buyers": "count",
                "currency": "text"}

#: Result keys recorded from the campaign summary (row ``all`` of the review table).
SUMMARY_KEYS = ("collected", "collection_rate", "usage_rate", "effective_usage_rate", "coupon_payment_amount",
                "coupon_cost", "roi", "new_buyers")

#: The verdict (recorded label), from where the interval lies relative to break-even.
VERDICTS = {"above": "pays off", "below": "does not pay off",
            "not clearly above or below": "cannot tell at this sample size",
            "check_failed": "no verdict: the holdout failed the randomisation check"}
#: The verdict as a sentence.
VERDICT_SENTENCES = {"above": "The coupons pay off", "below": "The coupons do not pay off",
                     "not clearly above or below": "At this sample size we cannot tell whether the coupons pay off",
                     "check_failed": "No verdict: the holdout failed the randomisation check"}

#: Power of the holdout-size calculation.
POWER = 0.8


@dataclass
class Review:
    """Everything the notebook shows about one campaign."""

    data: CampaignData
    params: Params
    start: pd.Timestamp
    end: pd.Timestamp
    summary: pd.DataFrame
    breakdowns: dict[str, pd.DataFrame]
    aliases: pd.DataFrame
    collection: pd.DataFrame
    economics: pd.DataFrame
    customers: pd.DataFrame
    effects: dict[str, Any]
    comparison: pd.DataFrame
    decision: dict[str, Any]
    features: Features
    checks: dict[str, Any]
    post_window: dict[str, Any]

    @property
    def headline(self) -> pd.Series:
        return self.summary.loc["all"]

    @property
    def currency(self) -> str:
        return self.data.currency

    @property
    def breakeven(self) -> float:
        return float(self.economics.loc["breakeven_roi", "value"])

    @property
    def estimates(self) -> pd.DataFrame:
        return self.effects["estimates"]


def review(data: CampaignData, p: Params) -> Review:
    """Review one loaded campaign with the notebook's parameters.

    Raises
    ------
    DataContractError
        No holdout, a holdout smaller than ``min_holdout``, batches that disagree on the window.

    Examples
    --------
    Not run as a doctest (about 10 s; ``tests/coupons/test_report.py`` covers it)::

        p = Params.build({"n_boot": 200})
        r = review(load_campaign(p), p)
        r.decision["verdict"]  # 'does not pay off' on the shipped data
    """
    b, ev, od = data.batches, data.events, data.orders
    start, end = campaign_window(b)
    summary = review_table(b, ev, od)
    breakdowns = {dim: review_table(b, ev, od, by=dim) for dim in BREAKDOWNS}
    economics = order_economics(b, ev, od, p.gross_margin)
    breakeven = float(economics.loc["breakeven_roi", "value"])
    windows = data.windows
    customers = customer_windows(od, data.audience, windows, p.gross_margin)
    cost = float(summary.loc["all", "coupon_cost"])
    effects = incremental_effects(customers, cost, breakeven, cuped=p.cuped and windows.pre_days > 0,
                                  mode=p.holdout_mode, n_boot=p.n_boot, confidence=p.confidence, seed=p.seed,
                                  min_holdout=p.min_holdout)
    comparison = _comparison(summary, effects["estimates"], data.truth, p.roi_basis)
    features = pre_features(od, data.audience, windows)
    checks = randomisation_check(features, p.design_holdout_share)
    decision = _decide(effects, cost, breakeven, p, checks)
    adjust = effects["cuped_applied"]
    curve = post_window_curve(od[od["customer_id"].isin(data.audience["customer_id"])], data.audience, windows,
                              p.curve_days, pre_paid=customers["pre_paid"].to_numpy() if adjust else None,
                              n_boot=min(p.n_boot, 1000), confidence=p.confidence, seed=p.seed)
    return Review(data, p, start, end, summary, breakdowns, aliased_dimensions(b), collection_by_channel(b, ev),
                  economics, customers, effects, comparison, decision, features, checks, curve)


def _comparison(summary: pd.DataFrame, est: pd.DataFrame, truth: pd.DataFrame | None, basis: str) -> pd.DataFrame:
    attr, cost = float(summary["roi"].iloc[0]), float(summary["coupon_cost"].iloc[0])
    rows = [("attributional", attr, math.nan, math.nan)]
    for name, key in (("incremental_in_window", "incremental_roi_in_window"), ("incremental_net", "incremental_roi")):
        rows.append((name, *est.loc[key, ["estimate", "low", "high"]].astype(float)))
    if truth is not None and not truth.empty:
        t = truth.iloc[0]
        if "true_incremental_paid_in_window" in truth.columns:
            rows.append(("true_in_window", float(t["true_incremental_paid_in_window"]) / cost, math.nan, math.nan))
        rows.append(("true_net", float(t["true_incremental_paid"]) / cost, math.nan, math.nan))
    chosen = est.loc["incremental_roi" if basis == "net" else "incremental_roi_in_window", "estimate"]
    rows.append(("overstatement_factor", attr / chosen if chosen > 0 else math.nan, math.nan, math.nan))
    rows.append(("roi_gap", attr - chosen, math.nan, math.nan))
    return pd.DataFrame(rows, columns=["measure", "roi", "low", "high"]).set_index("measure")


def _decide(effects: dict[str, Any], cost: float, breakeven: float, p: Params,
            checks: dict[str, Any]) -> dict[str, Any]:
    est = effects["estimates"]
    net = p.roi_basis == "net"
    row = est.loc["incremental_roi" if net else "incremental_roi_in_window"]
    where = breakeven_verdict(float(row["low"]), float(row["high"]), breakeven)
    if checks["status"] == "stop":  # a broken holdout measures nothing: the interval is not evidence
        where = "check_failed"
    sd = effects["sd"]
    suffix = "" if net else "_in_window"
    n_t, n_h = effects["n"]["targeted"], effects["n"]["holdout"]
    mde = mde_roi(sd["targeted" + suffix], sd["holdout" + suffix], n_t, n_h, cost, p.confidence, POWER)
    needed = holdout_for_mde(sd["targeted" + suffix], sd["holdout" + suffix], n_t, cost, p.target_mde_roi,
                             p.confidence, POWER)
    return {"basis": p.roi_basis, "roi": float(row["estimate"]), "low": float(row["low"]),
            "high": float(row["high"]), "breakeven": breakeven, "where": where, "verdict": VERDICTS[where],
            "prob_profitable": effects["prob_profitable" if net else "prob_profitable_in_window"],
            "mde_roi": mde, "target_mde_roi": p.target_mde_roi,
            "holdout_needed": needed if math.isfinite(needed) else None,
            "scale_needed": scale_for_mde(mde, p.target_mde_roi), "holdout_now": n_h}


def _finite(value: Any) -> Any:
    """A number for :func:`record`, or None where it is undefined (never a silent NaN)."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def record_results(r: Review) -> dict[str, Any]:
    """Record the headline numbers under their stable keys; return them."""
    est, d, eff = r.estimates, r.decision, r.effects
    basis_paid = "incremental_paid" if d["basis"] == "net" else "incremental_paid_in_window"
    collected = r.collection["collection_rate"].get("collected")
    out: dict[str, Any] = {name: r.headline[name] for name in SUMMARY_KEYS}
    out.update({
        "breakeven_roi": r.breakeven,
        "incremental_roi": d["roi"], "incremental_roi_low": d["low"], "incremental_roi_high": d["high"],
        "incremental_paid": est.loc[basis_paid, "estimate"],
        "roi_gap": r.comparison.loc["roi_gap", "roi"],
        "cuped_variance_reduction": eff["cuped_variance_reduction"],
        "cuped_applied": eff["cuped_applied"],
        "interval_width_raw": eff["width_raw"], "interval_width_cuped": eff["width_cuped"],
        "prob_profitable": d["prob_profitable"],
        "verdict": d["verdict"],
        "holdout_needed": d["holdout_needed"],
        "collection_rate_collected": collected,
        "prob_profitable_label": "share of bootstrap draws above break-even (about 1 - one-sided p)",
        "srm_p": r.checks["srm_p"], "balance.max_std_diff": r.checks["max_std_diff"],
        "randomisation_check": r.checks["status"],
        "mde_roi": d["mde_roi"], "target_mde_roi": d["target_mde_roi"], "scale_needed": d["scale_needed"],
        "post_window.flat_day": r.post_window["flat_day"],
        "post_window.flat_before_end": r.post_window["flat_before_end"],
        "post_window.days_observed": r.post_window["days_observed"],
        "aliased_breakdowns": "; ".join(f"{i}={a}" for i, a in r.aliases["aliased_with"].items() if a),
    })
    for measure, key in (("incremental_roi_in_window", "incremental_roi_in_window"),
                         ("incremental_paid_in_window", "incremental_paid_in_window"),
                         ("incremental_paid_post", "incremental_paid_post"),
                         ("incremental_profit", "incremental_profit"),
                         ("incremental_new_buyers", "incremental_new_buyers")):
        out[key] = est.loc[measure, "estimate"]
        out[f"{key}_low"], out[f"{key}_high"] = est.loc[measure, "low"], est.loc[measure, "high"]
    for row in r.post_window["curve"].itertuples():
        if row.checkpoint:
            for part, value in (("", row.estimate), ("_low", row.low), ("_high", row.high)):
                out[f"post_window.day_{row.day}{part}"] = float(value)
    out = {k: (_finite(v) if isinstance(v, float) else v) for k, v in out.items()}
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
    return table(privacy.pseudonymise_columns(r.data.events.head(n)), {"collected_at": "text", "used_at": "text"},
                 caption=f"First {n} coupon instances (customer ids pseudonymised)")


def quality_table(r: Review):
    """Rows excluded per row-level rule, and the stated fallbacks of the periods."""
    return table(r.data.quality, {"rows_excluded": "count", "fallback": "bool"},
                 caption="Rows excluded (each under the first rule it breaks) and fallbacks taken")


def windows_table(r: Review):
    """The three periods as the data cover them."""
    w, p = r.data.windows, r.params
    day = pd.Timedelta(days=1)
    rows = [("pre-period (CUPED covariate)", w.pre_start, w.start - day, p.pre_days, w.pre_days),
            ("campaign window", w.start, w.end, (w.end - w.start).days + 1, (w.end - w.start).days + 1),
            ("post window (pull-forward dip)", w.end + day, w.post_end, p.post_days, w.post_days)]
    df = pd.DataFrame(rows, columns=["period", "from", "to", "days asked", "days in the data"])
    return table(df, {"from": "date", "to": "date"}, caption="Periods around the campaign")


def breakdown_table(r: Review, dim: str):
    """The review metrics per group of batches of one breakdown dimension."""
    t = r.breakdowns[dim]
    shown = t.copy()
    if dim == "face_value":
        shown.index = pd.Index([plots.format_money(v, r.currency, decimals=0) for v in t.index], name=dim)
    return table(shown, REVIEW_KINDS, currency=r.currency, caption=f"Review metrics by {dim.replace('_', ' ')}")


def collection_table(r: Review):
    """Collection by channel: pushed coupons are 'collected' by construction, so they are shown apart."""
    return table(r.collection, {"collection_rate": "pct", "issued": "count", "collected": "count"},
                 caption="Collection by channel (the collection rate that measures interest is the collected row)")


def aliases_table(r: Review):
    """Breakdown dimensions that split the batches identically (aliased) or not at all."""
    return table(r.aliases, {"comparable": "bool"}, caption="Can the breakdowns be told apart?")


def economics_table(r: Review):
    """Order value and discount rates of coupon orders against the gross margin."""
    e = r.economics.reset_index()
    e["shown"] = [_format(v, u, r.currency) for v, u in zip(e["value"], e["unit"], strict=True)]
    return table(e[["metric", "shown", "unit"]], caption="Coupon orders against the gross margin",
                 headers={"shown": "value"})


def effects_table(r: Review):
    """Incremental effects per window with their bootstrap interval."""
    est = r.estimates.reset_index()
    units = {"money": r.currency, "ratio": "ratio", "customers": "customers"}
    est["unit"] = est["unit"].map(units)
    for col in ("estimate", "low", "high"):
        est[col] = [_format(v, u, r.currency) for v, u in zip(est[col], est["unit"], strict=True)]
    adj = "CUPED-adjusted, " if r.effects["cuped_applied"] else ""
    return table(est, caption=f"Targeted vs holdout ({adj}{r.params.confidence:.0%} percentile bootstrap interval)")


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


# --- prose ------------------------------------------------------------------------------------


def _money(value: float, currency: str) -> str:
    return plots.format_money(value, currency, 1e6) if value == value else "—"


def campaign_markdown(r: Review) -> str:
    """One line naming the campaign, its window, batches and currency (and whether it is synthetic)."""
    b = r.data.batches
    text = (f"**Campaign `{r.data.campaign_id}`** — {b['activity_type'].iloc[0]}, level {b['level'].iloc[0]}, "
            f"{r.start:%Y-%m-%d} to {r.end:%Y-%m-%d}, {len(b)} coupon batches, amounts in {r.currency}.")
    if r.data.synthetic:
        text += " **Synthetic data** (seeded simulation, `helpers.coupons.simulate`)."
    return text


def verdict_sentence(r: Review) -> str:
    """The decision in one plain sentence, with its probability and, if needed, the holdout that would tell."""
    d, p = r.decision, r.params
    which = "net incremental ROI (campaign and post window)" if d["basis"] == "net" else "in-window incremental ROI"
    if d["where"] == "check_failed":
        return (f"**{VERDICT_SENTENCES[d['where']]}** ({'; '.join(r.checks['reasons'])}). The {which} of "
                f"{d['roi']:.2f} is not evidence until the split is explained.")
    text = (f"**{VERDICT_SENTENCES[d['where']]}.** The {which} is {d['roi']:.2f} ({p.confidence:.0%} interval "
            f"{d['low']:.2f}–{d['high']:.2f}) against a break-even of {d['breakeven']:.2f}; "
            f"{plots.format_pct(d['prob_profitable'])} of the bootstrap draws lie above break-even (about one "
            "minus a one-sided p-value, not the probability that the coupons pay off).")
    if d["where"] == "not clearly above or below":
        text += " " + design_sentence(r)
    if r.checks["status"] == "flag":
        text += f" Caution: {'; '.join(r.checks['reasons'])}."
    return text


def design_sentence(r: Review) -> str:
    """What this holdout design can detect, and the holdout (or audience) a chosen difference needs."""
    d, p = r.decision, r.params
    text = (f"This design detects an ROI difference of {d['mde_roi']:.2f} or more (minimum detectable "
            f"difference at {POWER:.0%} power, {p.confidence:.0%} level, from the outcome's variance, not the "
            f"observed effect). To detect `target_mde_roi` = {d['target_mde_roi']:.2f}, ")
    if d["holdout_needed"] is not None:
        text += f"a holdout of {d['holdout_needed']:,.0f} customers (now {d['holdout_now']:,}) would do"
    else:
        text += "no holdout size would do at this targeted size (the targeted group's own noise is too large)"
    return text + f"; growing both groups {d['scale_needed']:,.1f}-fold at the same split would."


def answer_markdown(r: Review) -> str:
    """The answer in two or three sentences, for the top of the notebook."""
    est = r.estimates
    profit = est.loc["incremental_profit"]
    return "\n\n".join([
        verdict_sentence(r),
        f"Expected incremental gross profit: {_money(profit['estimate'], r.currency)} (interval "
        f"{_money(profit['low'], r.currency)} to {_money(profit['high'], r.currency)}). The attributional ROI "
        f"of {r.headline['roi']:.2f} credits the coupons with orders that would have happened anyway.",
    ])


def breakeven_markdown(r: Review) -> str:
    """The break-even ROI at the chosen margin, in one sentence."""
    return (f"At the chosen gross margin $m$ = {plots.format_pct(r.params.gross_margin)} the break-even ROI is "
            f"$(1-m)/m$ = {r.breakeven:.2f}.")


def cuped_markdown(r: Review) -> str:
    """What the regression adjustment did, or why it was not applied."""
    eff, w = r.effects, r.data.windows
    if not eff["cuped_applied"]:
        why = ("`cuped` is false" if not r.params.cuped else
               "the data have no pre-period" if w.pre_days == 0 else "nobody spent in the pre-period")
        return f"CUPED was not applied ({why}): the intervals are those of the plain difference."
    return (f"CUPED on {w.pre_days} days of pre-period spend removed "
            f"{plots.format_pct(eff['cuped_variance_reduction'])} of the net estimate's bootstrap variance: the "
            f"net incremental ROI interval narrows from {eff['width_raw']:.2f} to {eff['width_cuped']:.2f} wide.")


def _overstatement(factor: float) -> str:
    if math.isnan(factor):
        return " The coupons caused no measurable extra payment, whatever the attributional ROI says."
    if factor < 1.1:
        return " Here the attributional ROI is close to the incremental one: few coupon orders would have happened anyway."
    return f" The attributional ROI overstates the return {factor:.1f}-fold."


def findings_markdown(r: Review) -> str:
    """The interpretation bullets after the results."""
    h, est, comp, p, cur = r.headline, r.estimates, r.comparison, r.params, r.currency
    coll = r.collection["collection_rate"]
    factor = comp.loc["overstatement_factor", "roi"]
    econ = r.economics["value"]
    post = est.loc["incremental_paid_post"]
    new = est.loc["incremental_new_buyers"]
    bullets = [
        f"- Of {h['issued']:,} coupons issued, {h['collected']:,} were collected "
        f"({plots.format_pct(h['collection_rate'])} overall"
        + (f"; {plots.format_pct(coll['collected'])} of the coupons customers had to collect" if "collected" in coll
           else "") + (", pushed coupons count as collected by construction)" if "pushed" in coll else ")")
        + f"; {plots.format_pct(h['usage_rate'])} of those were used, and "
        f"{plots.format_pct(h['effective_usage_rate'])} of uses were on orders that stayed paid.",
        f"- Attributional ROI {h['roi']:.2f}: every {plots.format_money(1, cur, decimals=0)} of coupons sat on "
        f"{plots.format_money(h['roi'], cur, decimals=2)} of paid orders. In the campaign window the holdout "
        f"says the coupons caused {_money(est.loc['incremental_paid_in_window', 'estimate'], cur)} (ROI "
        f"{comp.loc['incremental_in_window', 'roi']:.2f}); in the {r.data.windows.post_days} days after, "
        f"targeted customers paid {_money(post['estimate'], cur)} (interval {_money(post['low'], cur)} to "
        f"{_money(post['high'], cur)}) relative to the holdout"
        + (" — purchases pulled forward into the campaign." if post["high"] < 0 else ".")
        + _overstatement(factor),
        f"- {h['new_buyers']:,} customers made their first-ever purchase with a coupon (attributional); "
        f"the holdout puts the new buyers the coupons *caused* at {new['estimate']:,.0f} "
        f"(interval {new['low']:,.0f} to {new['high']:,.0f}).",
        f"- Threshold coupons were {plots.format_pct(econ['nominal_discount_rate'])} of their minimum order but "
        f"{plots.format_pct(econ['realised_discount_rate'])} of the baskets they were used on, against a "
        f"{plots.format_pct(p.gross_margin)} gross margin.",
    ]
    return "\n".join(bullets)


def breakdowns_markdown(r: Review) -> str:
    """Which dimension the ROI varies most by, saying when the data cannot tell dimensions apart."""
    comparable = [d for d in r.breakdowns if r.aliases.loc[d, "comparable"]]
    if not comparable:
        return "Every batch shares the same kind, channel, slot, denomination and place: no breakdown is possible."
    top = roi_spread({d: r.breakdowns[d] for d in comparable}).index[0]
    alias = r.aliases.loc[top, "aliased_with"]
    text = f"The attributional ROI varies most by **{top}**"
    if alias:
        text += (f", but {top} splits the batches exactly as {alias} do(es): the data cannot say which of them "
                 "matters, so the breakdown is not evidence for either")
    flat = [d for d in r.breakdowns if not r.aliases.loc[d, "comparable"]]
    if flat:
        text += f". Not comparable (one value only): {', '.join(flat)}"
    return text + ". Each group's ROI is attributional, not incremental."


def caveats_markdown(r: Review) -> str:
    """Caveats, naming the parameters rather than their default values."""
    lines = []
    if r.data.synthetic:
        lines.append(
            "- **Synthetic data**: a seeded simulation, not a real campaign. Denominations and minimum orders "
            "follow Kurly's coupon texts (Yozm IT, 2024); basket sizes, collection probabilities, cancellation "
            "rates, pull-forward and the size of the coupon effect are our assumptions. Because the data are "
            "simulated, the true incremental effect is known and shown.")
    lines += [
        "- Definitions of *effective use*, *coupon cost* (face value on orders that stayed paid) and the payment "
        "split of stacked coupons are ours; Caroline, *E-commerce operations: coupon product analysis*, names the "
        "metrics but is terse. Other teams count cost on all uses, or the discount booked on the order.",
        f"- The gross margin (`gross_margin` = {plots.format_pct(r.params.gross_margin)} in this run) defaults to "
        "Kurly's 2021 cost-of-goods ratio as quoted by Yozm IT (2024), not verified against the filing; it "
        "applies to direct-purchase goods; for marketplace orders the platform earns a commission instead.",
        f"- The post window (`post_days` = {r.params.post_days}) catches pull-forward only within it; purchases "
        "pulled from later still inflate the net effect. Spill-over (holdout customers shopping with a friend's "
        "coupon) biases the holdout comparison toward zero.",
        "- The bootstrap holds coupon cost fixed and ignores uncertainty in who would have collected; "
        f"`holdout_mode` = {r.params.holdout_mode}"
        + (" caps amounts at pooled percentiles, which shrinks the estimate." if r.params.holdout_mode == "winsorized"
           else "."),
    ]
    lines += [f"- Fallback: {n}." for n in r.data.windows.notes]
    return "\n".join(lines)


def breakdowns_add_up(r: Review, tol: float = 1e-3) -> bool:
    """Whether every breakdown's coupon cost and payment amount add up to the campaign's."""
    h = r.headline
    return all(abs(t["coupon_cost"].sum() - h["coupon_cost"]) < tol
               and abs(t["coupon_payment_amount"].sum() - h["coupon_payment_amount"]) < tol
               for t in r.breakdowns.values())
