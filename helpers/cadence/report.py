"""What notebook 05 says: reader tables (:func:`helpers.tables.table`), verdicts, Markdown built
from the results (no number or setting a parameter can change is written by hand) and the
recorded headline keys. The computation is :func:`helpers.cadence.analysis.analyse`; the figures
are in :mod:`helpers.cadence.figures`.
"""

from __future__ import annotations

import pandas as pd

from helpers.cadence.adherence import LEVEL
from helpers.cadence.analysis import AGREEMENT_ALPHA, Analysis
from helpers.cadence.constants import EVENTS, POLICY_INTERVAL_DAYS, STAGES
from helpers.constants import KURLY_GROSS_MARGIN_2021
from helpers.privacy import pseudonymise_columns
from helpers.results import key, record
from helpers.tables import table

#: Short citation of the article the reference policy comes from (``docs/sources.md``).
POLICY_SOURCE = "Yozm IT (2024), Kurly coupon texts"

#: How many shuffled-order standard deviations the observed W share must clear.
W_SIGMAS = 3.0

__all__ = ["AGREEMENT_ALPHA", "LEVEL", "POLICY_SOURCE", "W_SIGMAS", "Analysis"]


# --- decisions ------------------------------------------------------------------------------------


def weekend_share(weekday: pd.Series) -> float:
    """Share of sends on Saturday and Sunday.

    Examples
    --------
    >>> weekend_share(pd.Series({"mon": 0.5, "sat": 0.25, "sun": 0.125}))
    0.375
    """
    return float(weekday.get("sat", 0.0) + weekday.get("sun", 0.0))


def w_order_designed(w_share: float, w_null: float, w_null_sd: float, sigmas: float = W_SIGMAS) -> bool:
    """Verdict: the amounts' order looks designed when the W share clears the shuffled baseline.

    Notes
    -----
    Designed when :math:`w > \\bar w_0 + k\\, s_0`, with :math:`\\bar w_0, s_0` the mean and sd of
    the W share over within-customer shuffles and :math:`k` = ``sigmas`` (3).

    Examples
    --------
    >>> w_order_designed(0.19, 0.006, 0.001), w_order_designed(0.009, 0.006, 0.001)
    (True, False)
    """
    return bool(w_share > w_null + sigmas * w_null_sd)


def no_cadence_stages() -> list[str]:
    """Stages the reference policy gives no regular cadence (no policy interval)."""
    return [s for s in STAGES if POLICY_INTERVAL_DAYS.get(s) is None]


# --- tables ---------------------------------------------------------------------------------------


def data_note(a: Analysis) -> str:
    """Where the data came from; says "synthetic" only when they are."""
    if a.data.synthetic:
        return (f"Data {a.data.label}: **synthetic**, made by the seeded simulator of the policy inferred "
                f"in {POLICY_SOURCE}; not Kurly data.")
    return f"Data {a.data.label}."


def quality_table(a: Analysis):
    return table(a.quality, {"rule": "text", "rows": "count", "action": "text"},
                 caption="Data-quality rules: rows per rule and what was done with them")


def overview_table(a: Analysis):
    m, e = a.messages, a.events
    local = m["sent_at"].dt.tz_convert(a.p.timezone)
    counts = e["event"].value_counts()
    n_customers = m["customer_id"].nunique()
    rows = [("customers with messages", f"{n_customers:,}"), ("messages", f"{len(m):,}"),
            ("messages per customer (mean)", f"{len(m) / max(n_customers, 1):.1f}"),
            *[(f"events: {ev}", f"{int(counts.get(ev, 0)):,}") for ev in EVENTS],
            ("first message (local date)", str(local.min().date())),
            ("last message (local date)", str(local.max().date()))]
    frame = pd.DataFrame(rows, columns=["item", "value"])
    return table(frame, {"item": "text", "value": "text"}, caption=f"The cleaned log (dates in {a.p.timezone})")


def preview_table(a: Analysis, rows: int = 5):
    head = pseudonymise_columns(a.messages.head(rows)).assign(
        sent_at=lambda d: d["sent_at"].map(lambda t: t.isoformat()))
    return table(head, {"coupon_amount": "money", "min_order": "money", "valid_days": "count",
                        "consent_night": "bool", "rate_ok": "bool", "sent_at": "text"},
                 currency=a.p.currency, caption=f"First {rows} cleaned messages (pseudonymised ids)")


def stage_table(a: Analysis):
    return table(a.stage_counts, {"messages": "count", "share": "pct"}, index=True,
                 caption="Messages per inferred lifecycle stage at send time")


_INTERVAL_COLUMNS = ["policy_days", "customers", "intervals", "interval_p10", "q1_days", "median_days", "q3_days",
                     "interval_p90", "low", "high", "agrees"]
_ADHERENCE_COLUMNS = ["policy_days", "intervals", "adherence", "adherence_low", "adherence_high",
                      "adherence_minus_1d", "adherence_plus_1d", "peaks_at_policy"]


def interval_table(a: Analysis):
    """Per stage: the spread of the send intervals against the policy and the median's interval."""
    t = a.interval_table[_INTERVAL_COLUMNS]
    kinds = {c: "ratio" for c in ("policy_days", "interval_p10", "q1_days", "median_days", "q3_days",
                                  "interval_p90", "low", "high")} | {
        "customers": "count", "intervals": "count", "agrees": "bool"}
    return table(t, kinds, index=True, headers={
        "policy_days": "policy (days)", "interval_p10": "p10", "q1_days": "Q1", "median_days": "median",
        "q3_days": "Q3", "interval_p90": "p90", "low": f"median {LEVEL:.0%} low", "high": f"median {LEVEL:.0%} high",
        "agrees": f"median within ± {a.p.agreement_margin_days:g} d"}, caption=(
        f"Send interval per stage (days): percentiles against the reference policy ({POLICY_SOURCE}), and the "
        f"{LEVEL:.0%} cluster sign-test interval of the median (customers as clusters); 'median within' = that "
        f"interval inside the policy ± {a.p.agreement_margin_days:g} days (two one-sided tests at "
        f"{AGREEMENT_ALPHA:.0%})"))


def interval_text(a: Analysis) -> str:
    """Plain-text interval table (the notebook's checked output)."""
    return a.interval_table[_INTERVAL_COLUMNS].round(2).to_string()


def adherence_table(a: Analysis):
    """Per stage: adherence at the policy with its interval, at the policy ± 1 day, and the verdict."""
    t = a.interval_table[_ADHERENCE_COLUMNS]
    eps = a.p.agreement_margin_days
    kinds = {"policy_days": "ratio", "intervals": "count", "peaks_at_policy": "bool"} | {
        c: "pct" for c in _ADHERENCE_COLUMNS[2:7]}
    return table(t, kinds, index=True, headers={
        "policy_days": "policy k (days)", "adherence": f"within k ± {eps:g} d",
        "adherence_low": f"{LEVEL:.0%} low", "adherence_high": f"{LEVEL:.0%} high",
        "adherence_minus_1d": f"within k − 1 ± {eps:g} d", "adherence_plus_1d": f"within k + 1 ± {eps:g} d",
        "peaks_at_policy": "peaks at k"}, caption=(
        f"Adherence: share of same-stage intervals within ± {eps:g} days of the policy k, with its {LEVEL:.0%} "
        f"interval (Wilson, customers as clusters), and the same share one day either side; 'peaks at k' = the "
        f"interval at k lies above both neighbours' intervals"))


def adherence_text(a: Analysis) -> str:
    """Plain-text adherence table (the notebook's checked output)."""
    return a.interval_table[_ADHERENCE_COLUMNS].round(3).to_string()


def robustness_table(a: Analysis):
    """The adherence per cadence stage with each threshold moved down and up."""
    r = a.robustness.drop(columns=["min_adherence", "max_adherence"])
    stage_cols = [c for c in r.columns if c in STAGES]
    kinds = {"threshold": "text", "shift_days": "count", "peaks_held": "text", "same_verdicts": "bool"} | {
        c: "pct" for c in stage_cols}
    return table(r, kinds, headers={"shift_days": "shift (days)", "peaks_held": "stages peaking at k",
                                    "same_verdicts": "same verdicts"}, caption=(
        f"Threshold robustness: stages re-inferred with each threshold moved by ± {a.p.robustness_shift_days} days "
        f"(one at a time); adherence per stage and whether every 'peaks at k' verdict equals the baseline's"))


def violators_table(a: Analysis, rows: int = 10):
    return table(a.violators.head(rows), {"customer_id": "text", "violations": "count", "messages": "count"},
                 caption="Customers with quiet-hours violations (pseudonymised ids), most violations first")


def discount_table(a: Analysis):
    return table(a.by_stage, {"coupons": "count", "mean_amount": "money", "mean_rate": "pct",
                              "share_above_margin": "pct"}, currency=a.p.currency, index=True,
                 headers={"mean_amount": f"mean amount ({a.p.currency})", "mean_rate": "mean discount rate",
                          "share_above_margin": "share above margin"},
                 caption=f"Discount rate (amount / minimum order) by stage against a {a.p.gross_margin:.0%} margin")


def validity_table(a: Analysis):
    frame = a.validity.rename_axis("valid_days").reset_index()
    return table(frame, {"valid_days": "count", "share": "pct"}, caption="Coupons by validity (days)")


def headline_text(a: Analysis) -> str:
    """Plain-text headline numbers (the notebook's checked output)."""
    lines = [a.weekday.round(4).to_string(),
             f"hour_share.12_14 {a.lunch_share:.4f}",
             f"quiet_hours_violations {a.audit['violations']}",
             f"mean_discount_rate {a.discount['mean_discount_rate']:.4f}",
             f"share_rate_above_margin {a.discount['share_rate_above_margin']:.4f}",
             f"w_pattern_share {a.w_share:.4f}",
             f"purchases_per_month {a.rate['purchases_per_month']:.4f}",
             f"purchases_per_month_gap_based {a.cycle['purchases_per_month']:.4f}",
             *[f"quiet_hours_violations.{ch} {n}" for ch, n in a.audit["by_channel"].items()]]
    return "\n".join(lines)


# --- prose ----------------------------------------------------------------------------------------


def stage_findings(a: Analysis) -> str:
    """The interval and adherence findings, built from the results."""
    adh = a.adherence.dropna(subset=["adherence"])
    peaks = adh["peaks_at_policy"].astype(bool)
    agree = a.agreement["agrees"].dropna()
    r = a.robustness
    held = int(r["same_verdicts"].sum())
    top = a.stage_counts["share"].idxmax()
    silent = ", ".join(no_cadence_stages())
    eps = a.p.agreement_margin_days
    off = [s for s, v in peaks.items() if not v]
    if not len(adh):
        return "- No stage with a policy interval has same-stage intervals: adherence cannot be measured."
    if peaks.all():
        told = ", so a policy one day off is told apart"
    elif peaks.any():
        told = f"; a policy one day off is not told apart in {', '.join(off)}"
    else:
        told = "; a policy one day off is told apart in none of them"
    if len(agree):
        median_line = (f"- The median alone says less: {int(agree.sum())} of {len(agree)} stages have a {LEVEL:.0%} "
                       f"median interval within ± {eps:g} days of the policy; a narrow median interval passes that "
                       f"test for any policy value within about ± {eps:g} days of it, however many sends are off "
                       f"the schedule.\n")
    else:
        median_line = ("- No stage has intervals from enough customers to bound its median at "
                       f"{LEVEL:.0%}, so median agreement is not tested.\n")
    return (f"- **Adherence**: {adh['adherence'].min():.0%} to {adh['adherence'].max():.0%} of same-stage "
            f"intervals fall within ± {eps:g} days of the policy ({POLICY_SOURCE}); in {int(peaks.sum())} of "
            f"{len(peaks)} stages the share peaks at the policy (its {LEVEL:.0%} interval lies above the shares at "
            f"the policy ± 1 day){told}.\n"
            f"- The middle 80% of intervals (p10–p90) spans {_span(adh)}.\n"
            + median_line
            + f"- {held} of {len(r)} threshold settings (each threshold ± {a.p.robustness_shift_days} days) give "
            f"the same 'peaks at the policy' verdicts; adherence ranges over {r['min_adherence'].min():.0%}–"
            f"{r['max_adherence'].max():.0%} across them.\n"
            f"- The largest stage is '{top}' with {a.stage_counts['share'].max():.1%} of messages; stages with "
            f"no regular cadence ({silent}) have few or no same-stage intervals by design.")


def _span(adh: pd.DataFrame) -> str:
    parts = [f"{s} {r['interval_p10']:.1f}–{r['interval_p90']:.1f} d (policy {r['policy_days']:g})"
             for s, r in adh.iterrows()]
    return "; ".join(parts)


def rules_text(a: Analysis) -> str:
    """The quiet-hours rules in words, one per channel of the log."""
    parts = []
    for ch in sorted(a.audit["by_channel"]):
        r = a.data.rules.loc[ch]
        if not r["night_rule"]:
            parts.append(f"`{ch}` not covered")
            continue
        left = "[" if r["start_inclusive"] else "("
        right = "]" if r["end_inclusive"] else ")"
        parts.append(f"`{ch}` {left}{r['start']}, {r['end']}{right}")
    return "; ".join(parts)


def timing_findings(a: Analysis) -> str:
    p, audit = a.p, a.audit
    by = ", ".join(f"{ch} {n}" for ch, n in audit["by_channel"].items())
    consent = ("dated consent events" if a.data.consent is not None
               else "the log's static consent_night flag")
    return (f"- Quiet hours per channel ({p.timezone}; square bracket = the edge time is inside): {rules_text(a)}. "
            f"{audit['quiet_sends']} sends fall in a covered window, of which **{audit['violations']} violations** "
            f"({audit['violation_share']:.2%} of all messages; by channel: {by}) went to "
            f"{audit['customers_with_violations']} customers without night consent in force (consent from "
            f"{consent}).\n"
            f"- Weekend share: {weekend_share(a.weekday):.1%}.")


def amount_findings(a: Analysis) -> str:
    d, v = a.discount, a.validity
    verdict = ("the order looks designed" if w_order_designed(a.w_share, a.w_null, a.w_null_sd)
               else "no evidence of a designed order")
    return (f"- Mean discount rate {d['mean_discount_rate']:.1%} over {d['coupons']} coupons; "
            f"{d['share_rate_above_margin']:.1%} exceed the {a.p.gross_margin:.0%} gross margin, i.e. "
            f"lose money on a direct-purchase basket at the minimum order. Most common validity: "
            f"{v.idxmax()} days ({v.max():.0%} of coupons).\n"
            f"- W windows: {a.w_share:.1%} observed vs {a.w_null:.1%} ± {a.w_null_sd:.1%} when each customer's "
            f"amounts are shuffled ({a.p.null_draws} draws): {verdict} (rule: observed above the shuffled mean "
            f"plus {W_SIGMAS:g} standard deviations).")


def purchase_findings(a: Analysis) -> str:
    c, r = a.cycle, a.rate
    return (f"- {r['repeat_purchases']} repeat purchases over {r['exposure_months']:,.1f} buyer-months of exposure "
            f"(first purchase to the window's end, {a.observation_end.tz_convert(a.p.timezone).date()}) → "
            f"**{r['purchases_per_month']:.2f} purchases per month** per buyer, lapses included.\n"
            f"- {c['buyers']} buyer(s), {c['repeat_buyer_share']:.0%} bought twice or more; "
            f"{c['gaps']} gaps between purchases, mean {c['mean_days_between_purchases']:.1f} days "
            f"(median {c['median_days_between_purchases']:.1f}): the article's reading, {c['purchases_per_month']:.2f} "
            f"a month, counts only completed gaps and so overstates the rate (long gaps cut off by the window's end "
            f"or by a customer stopping are never seen).")


def caveats(a: Analysis) -> str:
    p = a.p
    items = []
    if a.data.synthetic:
        items.append(
            "**Synthetic data.** The log is generated by `helpers.cadence.simulate` from the policy "
            f"*inferred* in {POLICY_SOURCE} from one customer's texts; it is not Kurly data. The simulator sends "
            "on a weekly grid, draws weekday and hour independently and assigns stages by the analysis's rules "
            "(its own implementation of them), so recovered weekday shares and intervals match its settings by "
            "construction — the point is to show the method recovers them, not to confirm the policy.")
    items += [
        "Stage rules and thresholds are an analyst's reading of the article, not the retailer's rules; "
        "messages near a threshold can land in the neighbouring stage. Intervals across a stage change are "
        "not counted.",
        "The discount rate divides by the minimum order: a basket above it has a lower real rate, so "
        "\"above the margin\" is an upper bound on money-losing coupons, and ignores supplier funding.",
        (f"The gross margin used is {p.gross_margin:.0%}"
         + (" — Kurly's 2021 figure (cost of goods 81 % of sales) as quoted by Yozm IT (2024), not checked "
            "against the filing." if p.gross_margin == KURLY_GROSS_MARGIN_2021 else "; Kurly's 2021 figure, as quoted by Yozm "
            "IT (2024), is 19 %.")
         + " Purchases per month counts time after a customer stops buying as exposure: it is a rate per "
         "buyer-month, not the cycle of an active customer."),
        f"Quiet hours are read in `{p.timezone}`; reading a Seoul log in UTC moves every send by 9 hours. "
        "Whether a send legally needed consent also depends on it being advertising.",
    ]
    return "\n".join(f"- {x}" for x in items)


# --- results --------------------------------------------------------------------------------------


def results(a: Analysis) -> dict[str, object]:
    """The headline numbers under their stable keys, in recording order."""
    out: dict[str, object] = {key("weekday_share", d): float(s) for d, s in a.weekday.items()}
    out["hour_share.12_14"] = a.lunch_share
    measured = a.interval_table[a.interval_table["intervals"] > 0]
    for stage, row in measured.iterrows():
        out[key("interval_days", stage)] = float(row["median_days"])
    for stage, row in measured.iterrows():
        out[key("stage", stage, "interval_days")] = float(row["median_days"])
        if not pd.isna(row["low"]):
            out[key("stage", stage, "interval_days_low")] = float(row["low"])
            out[key("stage", stage, "interval_days_high")] = float(row["high"])
        if not pd.isna(row["agrees"]):
            out[key("stage", stage, "agrees")] = bool(row["agrees"])
        out[key("stage", stage, "interval_p10")] = float(row["interval_p10"])
        out[key("stage", stage, "interval_p90")] = float(row["interval_p90"])
        if not pd.isna(row["adherence"]):
            for name in ("adherence", "adherence_low", "adherence_high"):
                out[key("stage", stage, name)] = float(row[name])
            out[key("stage", stage, "peaks_at_policy")] = bool(row["peaks_at_policy"])
    out["robustness.variants"] = len(a.robustness)
    out["robustness.variants_same_verdicts"] = int(a.robustness["same_verdicts"].sum())
    out |= {"quiet_hours_violations": a.audit["violations"],
            "quiet_hours_violation_share": a.audit["violation_share"],
            "mean_discount_rate": a.discount["mean_discount_rate"],
            "share_rate_above_margin": a.discount["share_rate_above_margin"],
            "w_pattern_share": a.w_share, "w_pattern_null_share": a.w_null,
            "purchases_per_month": a.rate["purchases_per_month"],
            "purchases_per_month_gap_based": a.cycle["purchases_per_month"],
            "purchase_exposure_months": a.rate["exposure_months"],
            "days_between_purchases": a.cycle["mean_days_between_purchases"]}
    out |= {key("quiet_hours_violations", ch): n for ch, n in a.audit["by_channel"].items()}
    return out


def record_results(a: Analysis) -> dict[str, object]:
    """Record :func:`results` in the executed notebook; return what was recorded."""
    return {k: record(k, v) for k, v in results(a).items()}
