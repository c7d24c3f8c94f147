"""What notebook 02 shows about the next campaign: whom to target, with what evidence, and the list.

:func:`plan` runs the targeting chain on a :class:`~helpers.coupons.report.Review` (features and
outcomes of the randomised audience → cross-fitted uplift models → Qini and policy values → the
recommendation → the list, written only to ``targeting_output``). The other functions turn a
:class:`Plan` into tables (summaries by decile and segment, never raw customer ids), prose built
from the results, and recorded results.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers import plots, privacy
from helpers.coupons.acquisition import acquisition_value
from helpers.coupons.params import check_output_path
from helpers.coupons.report import Review
from helpers.coupons.report import answer_markdown as review_answer
from helpers.coupons.targeting import (
    POLICY_COVERAGE,
    Targeting,
    UpliftData,
    cross_fit,
    evaluate,
    predict_all,
    targeting_list,
    uplift_data,
)
from helpers.results import record
from helpers.tables import table

#: What the plan recommends, in words.
RECOMMENDATIONS = {"target": "send to the top {share} by predicted incremental profit",
                   "send_to_all": "send to everyone (the simple rule: targeting does not beat it)",
                   "send_to_none": "send to no one (the simple rule: sending loses money and targeting is not "
                                   "shown to earn it)",
                   "cannot_tell": "cannot tell: neither sending to all nor targeting is shown to earn money"}
LEARNER_NAMES = {"dr_learner": "doubly robust learner (EconML DRLearner)", "t_learner": "two-model (T-) learner"}


@dataclass
class Plan:
    """The targeting evaluation of one campaign's audience, the recommendation and the list."""

    review: Review
    data: UpliftData
    targeting: Targeting
    recommendation: str
    share_sent: float
    target_list: pd.DataFrame
    written: Path | None
    acquisition: dict[str, Any]


def recommend(t: Targeting) -> str:
    """``target``, ``send_to_all``, ``send_to_none`` or ``cannot_tell`` from the intervals.

    Notes
    -----
    Target only when the ranking beats random targeting (Qini interval above 0), the policy beats
    send-to-all (difference interval above 0) and the policy earns money (interval above 0);
    otherwise the simple rule: send to all when sending to all earns money, to none when it loses.

    Examples
    --------
    >>> v = pd.DataFrame({"low": [1.0, -5.0, 2.0], "high": [3.0, -1.0, 6.0]},
    ...                  index=["policy", "send_to_all", "policy_minus_all"])
    >>> recommend(Targeting("t_learner", {}, v, 0.3, [], True, True, None, None, 10))
    'target'
    """
    v = t.values
    if t.distinguishable and t.beats_all and v.loc["policy", "low"] > 0:
        return "target"
    if v.loc["send_to_all", "low"] > 0:
        return "send_to_all"
    if v.loc["send_to_all", "high"] < 0:
        return "send_to_none"
    return "cannot_tell"


def plan(r: Review) -> Plan:
    """Run the targeting chain on a review; write the list to ``targeting_output`` if given.

    Raises
    ------
    DataContractError
        Missing feature values, or an audience too small for ``uplift_folds`` folds.
    ParameterError
        ``targeting_output`` inside a reports folder or not writable.

    Examples
    --------
    Not run as a doctest (about 15 s; ``tests/coupons/test_targeting_report.py`` covers it)::

        pl = plan(review(load_campaign(p), p))
        pl.recommendation  # 'send_to_none' on the shipped data
    """
    p = r.params
    data = uplift_data(r.features, r.customers)
    cf = cross_fit(data, learner=p.uplift_learner, folds=p.uplift_folds, seed=p.seed)
    t = evaluate(cf, n_boot=min(p.n_boot, 1000), confidence=p.confidence, seed=p.seed)
    rec = recommend(t)
    share = {"target": t.best_share, "send_to_all": 1.0}.get(rec, 0.0)
    predicted = predict_all(data, p.uplift_learner, p.seed)
    listing = targeting_list(data, predicted, share)
    written = None
    if p.targeting_output:
        written = check_output_path(p.targeting_output)
        listing.to_csv(written, index=False, lineterminator="\n", float_format="%.2f")
    nb = tuple(float(v) for v in r.estimates.loc["incremental_new_buyers", ["estimate", "low", "high"]])
    acq = acquisition_value(r.data.orders, r.customers, nb, gross_margin=p.gross_margin, confidence=p.confidence,
                            seed=p.seed)
    return Plan(r, data, t, rec, share, listing, written, acq)


# --- tables (summaries only: no customer id is shown) -----------------------------------------


def _summary(pl: Plan, groups: pd.Series, name: str) -> pd.DataFrame:
    s = pl.targeting.scores.assign(group=groups.to_numpy())
    sent = pl.target_list.set_index("customer_id")["send"].reindex(s["customer_id"]).to_numpy()
    s = s.assign(sent=sent, predicted=s[f"tau_{pl.targeting.learner}"])
    out = s.groupby("group", sort=True).agg(customers=("customer_id", "size"), predicted=("predicted", "mean"),
                                            estimated=("dr_score", "mean"), sent=("sent", "mean"))
    return out.rename_axis(name).reset_index()


def decile_frame(pl: Plan) -> pd.DataFrame:
    """Per decile of the cross-fitted prediction: customers, mean predicted and DR-estimated profit, share sent."""
    tau = pl.targeting.scores[f"tau_{pl.targeting.learner}"].to_numpy()
    rank = np.empty(len(tau), dtype=int)
    rank[np.argsort(-tau, kind="stable")] = np.arange(len(tau))
    return _summary(pl, pd.Series(rank * 10 // len(tau) + 1), "decile")


def segment_frame(pl: Plan) -> pd.DataFrame:
    """The same summary by segment: new vs returning, pre-period order count, channel when known."""
    f = pl.review.features.table
    freq = f["frequency"].to_numpy()
    band = np.where(f["never_bought"].to_numpy() > 0, "never bought",
                    np.where(freq == 0, "lapsed (no pre-period order)",
                             np.where(freq == 1, "1 pre-period order",
                                      np.where(freq <= 3, "2-3 pre-period orders", "4+ pre-period orders"))))
    frames = [_summary(pl, pd.Series(band), "segment")]
    channels = [c for c in pl.review.features.columns if c.startswith("channel_")]
    if channels:
        ch = f[channels].to_numpy().argmax(axis=1)
        frames.append(_summary(pl, pd.Series([f"channel {channels[i][8:]}" for i in ch]), "segment"))
    return pd.concat(frames, ignore_index=True)


KINDS = {"customers": "count", "predicted": "money", "estimated": "money", "sent": "pct"}
HEADERS = {"predicted": "predicted incremental profit per customer", "estimated": "DR-estimated incremental "
           "profit per customer (cross-fitted)", "sent": "share sent"}


def decile_table(pl: Plan):
    """Deciles of predicted incremental profit: does the ranking sort customers by their measured effect?"""
    return table(decile_frame(pl), KINDS, currency=pl.review.currency, headers=HEADERS,
                 caption="Customers by decile of cross-fitted predicted incremental profit (1 = highest); amounts in "
                         f"{pl.review.currency} per customer, net of coupon cost and the post window")


def segment_table(pl: Plan):
    """Predicted and measured incremental profit per segment."""
    return table(segment_frame(pl), KINDS, currency=pl.review.currency, headers=HEADERS,
                 caption=f"Incremental profit per customer by segment ({pl.review.currency})")


def values_table(pl: Plan):
    """Incremental profit over this audience of the policy, send-to-all and send-to-none, with intervals."""
    v = pl.targeting.values.reset_index()
    v["policy"] = v["policy"].map({"policy": "target the top share (nested: share chosen on training folds)",
                                   "send_to_all": "send to all", "send_to_none": "send to none",
                                   "policy_minus_all": "targeting minus send to all"})
    return table(v, {"estimate": "money_auto", "low": "money_auto", "high": "money_auto"},
                 currency=pl.review.currency, caption=f"Expected incremental profit over the audience of "
                 f"{pl.targeting.n:,} customers ({pl.review.params.confidence:.0%} bootstrap intervals; the policy's "
                 f"counts the share's selection: at a nominal {POLICY_COVERAGE['nominal']:.0%} it covered the true "
                 f"profit in {POLICY_COVERAGE['measured']:.1%} of {POLICY_COVERAGE['seeds']} independent test worlds)")


def list_sample(pl: Plan, n: int = 5):
    """The first rows of the targeting list, customer ids pseudonymised (the real list is only in the file)."""
    return table(privacy.pseudonymise_columns(pl.target_list.head(n)), {"predicted_incremental_profit": "money"},
                 currency=pl.review.currency, caption=f"First {n} rows of the targeting list (customer ids "
                 "pseudonymised here; the file at `targeting_output` has the real ones)")


# --- prose and results ------------------------------------------------------------------------


def _m(value: float, currency: str) -> str:
    return plots.format_money(value, currency, 1e6)


def answer_markdown(pl: Plan) -> str:
    """The review's answer, then the targeting recommendation in one sentence."""
    rec = RECOMMENDATIONS[pl.recommendation].format(share=plots.format_pct(pl.targeting.best_share, 0))
    return review_answer(pl.review) + f"\n\n**Next campaign**: {rec}."


def targeting_markdown(pl: Plan) -> str:
    """The recommendation and its evidence, in a few sentences built from the results."""
    t, cur = pl.targeting, pl.review.currency
    v = t.values
    q, lo, hi = t.qini[t.learner]
    rec = RECOMMENDATIONS[pl.recommendation].format(share=plots.format_pct(t.best_share, 0))
    lines = [f"**Next campaign: {rec}.**"]
    ranking = (f"The {LEARNER_NAMES[t.learner]}'s ranking {'beats' if t.distinguishable else 'cannot be told from'}"
               f" random targeting (Qini {_m(q, cur)}, interval {_m(lo, cur)} to {_m(hi, cur)}"
               f"{'' if t.distinguishable else ', which includes 0'}).")
    if not t.distinguishable:
        ranking += " Targeting does not help here: use the simple rule."
    lines.append(ranking)
    lines.append(f"Over this audience of {t.n:,} customers, sending to everyone would earn "
                 f"{_m(v.loc['send_to_all', 'estimate'], cur)} (interval {_m(v.loc['send_to_all', 'low'], cur)} to "
                 f"{_m(v.loc['send_to_all', 'high'], cur)}) of incremental profit net of coupon cost and pull-forward; "
                 f"targeting the top share chosen on training folds would earn {_m(v.loc['policy', 'estimate'], cur)}"
                 f" ({_m(v.loc['policy', 'low'], cur)} to {_m(v.loc['policy', 'high'], cur)}); sending to no one earns "
                 "nothing and costs nothing.")
    return "\n\n".join(lines)


def method_notes(pl: Plan) -> str:
    """How the share was chosen and what the intervals leave out."""
    t = pl.targeting
    shares = ", ".join(plots.format_pct(s, 0) for s in t.fold_shares)
    return (f"- The share is chosen on training folds only (nested cross-fitting): the held-out folds got "
            f"{shares}. The recommended share, {plots.format_pct(t.best_share, 0)}, is the best on the whole "
            "audience's cross-fitted curve; choosing it on the folds that evaluate it would flatter it.\n"
            "- Intervals resample customers with the fitted models held fixed. The policy's interval also "
            "chooses each fold's share again in every draw, because a fold's share depends on the other folds' "
            "outcomes; held fixed, it would be too narrow. On an independent test world with known "
            f"per-customer effects the nominal {plots.format_pct(POLICY_COVERAGE['nominal'], 0)} interval "
            f"covered the policy's true profit in {plots.format_pct(POLICY_COVERAGE['measured'], 1)} of "
            f"{POLICY_COVERAGE['seeds']} seeds: conservative, as the models' own variability is left out while "
            "the share's is counted.\n"
            "- The list's scores come from the learner refitted on the whole audience; its deciles are by those "
            "scores, the tables' deciles by the cross-fitted ones.")


def acquisition_markdown(pl: Plan) -> str:
    """The incremental new buyers' expected lifetime value, beside the window's incremental profit."""
    a, r, cur = pl.acquisition, pl.review, pl.review.currency
    profit = r.estimates.loc["incremental_profit"]
    nb = r.estimates.loc["incremental_new_buyers", "estimate"]
    text = (f"**Acquisition value**: the {nb:,.0f} incremental new buyers are worth about "
            f"{_m(a['value'], cur)} (interval {_m(a['value_low'], cur)} to {_m(a['value_high'], cur)}) of gross margin "
            f"over the next {a['months']} months ({plots.format_money(a['clv_per_buyer'], cur, decimals=0)} per buyer), beside the window's incremental profit of "
            f"{_m(profit['estimate'], cur)}. Lifetime value from BG/NBD and Gamma-Gamma (Fader, Hardie & Lee 2005; "
            f"Fader & Hardie 2013) fitted on the audience's paid orders, averaged over the "
            f"{a['new_buyers_used']:,} never-bought customers who bought; **assumption**: buyers the coupons brought "
            "behave afterwards like the audience's other new buyers. The orders span weeks, not years, so the "
            "interval (parameter uncertainty and the new-buyer interval) is wide.")
    if not a["converged"] or a["at_bound"]:
        text += " The fit did not converge cleanly (" + ", ".join(a["at_bound"]) + "): read it as indicative only."
    return text


def record_targeting(pl: Plan) -> dict[str, Any]:
    """Record the targeting results under ``targeting.*``; return them."""
    t = pl.targeting
    v = t.values
    out: dict[str, Any] = {"targeting.learner": t.learner, "targeting.best_share": t.best_share,
                           "targeting.distinguishable": bool(t.distinguishable),
                           "targeting.beats_all": bool(t.beats_all),
                           "targeting.recommendation": pl.recommendation, "targeting.share_sent": pl.share_sent,
                           "targeting.sent": int(pl.target_list["send"].sum()),
                           "targeting.fold_shares": ", ".join(f"{s:.1f}" for s in t.fold_shares),
                           "targeting.list_written": pl.written is not None}
    q = t.qini[t.learner]
    out.update({"targeting.qini": q[0], "targeting.qini_low": q[1], "targeting.qini_high": q[2]})
    for name, (est, lo, hi) in t.qini.items():
        out.update({f"targeting.qini_by_learner.{name}": est, f"targeting.qini_by_learner.{name}_low": lo,
                    f"targeting.qini_by_learner.{name}_high": hi})
    for row, key in (("policy", "policy_profit"), ("send_to_all", "all_profit"), ("policy_minus_all", "gain_over_all")):
        for col, suffix in (("estimate", ""), ("low", "_low"), ("high", "_high")):
            out[f"targeting.{key}{suffix}"] = float(v.loc[row, col])
    a = pl.acquisition
    out.update({"acquisition_value": a["value"], "acquisition_value_low": a["value_low"],
                "acquisition_value_high": a["value_high"], "acquisition.clv_per_buyer": a["clv_per_buyer"],
                "acquisition.clv_per_buyer_low": a["clv_per_buyer_low"],
                "acquisition.clv_per_buyer_high": a["clv_per_buyer_high"], "acquisition.months": a["months"]})
    for name, value in out.items():
        record(name, value)
    return out
