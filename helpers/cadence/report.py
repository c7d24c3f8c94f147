"""What notebook 05 shows: the analysis of one run, its tables, figures, prose, verdicts and results.

:func:`analyse` runs every metric once on the cleaned log; the other functions turn the
:class:`Analysis` into reader tables (:func:`helpers.tables.table`), figures (a title that states
the finding; returned closed, so ``display(fig)`` shows each once), Markdown built from the results
(no number or setting a parameter can change is written by hand) and the recorded headline keys.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from matplotlib.figure import Figure

from helpers.cadence import amounts, intervals, purchases, stages, timing
from helpers.cadence.load import EVENTS, LogData, clean_log
from helpers.cadence.params import Params
from helpers.constants import KURLY_GROSS_MARGIN_2021
from helpers.plots import color_for, finish, money_axis, palette_for, percent_axis, plt
from helpers.privacy import pseudonymise_columns
from helpers.results import key, record
from helpers.tables import table

#: Short citation of the article the reference policy comes from (``docs/sources.md``).
POLICY_SOURCE = "Yozm IT (2024), Kurly coupon texts"

#: How many shuffled-order standard deviations the observed W share must clear.
W_SIGMAS = 3.0

#: Size of each one-sided test of the interval agreement (TOST): a 90% bootstrap interval.
AGREEMENT_ALPHA = 0.05

_INTERVAL_COLUMNS = ["policy_days", "customers", "intervals", "median_days", "q1_days", "q3_days", "low", "high",
                     "agrees"]


@dataclass
class Analysis:
    """Every result of one run of notebook 05 (frames as the metric functions return them)."""

    p: Params
    data: LogData
    messages: pd.DataFrame
    events: pd.DataFrame
    quality: pd.DataFrame
    stages: pd.Series
    stage_counts: pd.DataFrame
    intervals: pd.DataFrame
    interval_table: pd.DataFrame
    agreement: pd.DataFrame
    weekday: pd.Series
    heat: pd.DataFrame
    lunch_share: float
    audit: dict
    violators: pd.DataFrame
    discount: dict
    by_stage: pd.DataFrame
    w_share: float
    w_null: float
    w_null_sd: float
    validity: pd.Series
    sequence: pd.DataFrame
    cycle: dict
    rate: dict
    observation_end: pd.Timestamp


def analyse(p: Params, data: LogData) -> Analysis:
    """Clean the log and compute every metric of the notebook.

    Raises
    ------
    DataContractError
        If no message is left after the data-quality rules.
    ValueError
        From a metric that has no data (e.g. no customer with two purchases).
    """
    messages, events, quality = clean_log(data.messages, data.events)
    st = stages.infer_stages(messages, events, p.thresholds())
    iv = intervals.stage_intervals(messages, st)
    audit, violators = timing.quiet_audit(messages, p.timezone, data.rules, data.consent)
    w_null, w_null_sd = amounts.w_pattern_null_share(messages, draws=p.null_draws, seed=p.seed)
    agreement = intervals.interval_agreement(iv, margin_days=p.agreement_margin_days, alpha=AGREEMENT_ALPHA,
                                             draws=p.bootstrap_draws, seed=p.seed)
    summary = intervals.interval_summary(iv)
    end = max(messages["sent_at"].max(), events["at"].max())
    return Analysis(
        p=p, data=data, messages=messages, events=events, quality=quality, stages=st,
        stage_counts=stages.stage_message_counts(st), intervals=iv,
        interval_table=summary.join(agreement[["customers", "low", "high", "agrees"]]), agreement=agreement,
        weekday=timing.weekday_shares(messages, p.timezone),
        heat=timing.weekday_hour_shares(messages, p.timezone),
        lunch_share=timing.hour_band_share(messages, p.timezone, 12, 14),
        audit=audit, violators=violators,
        discount=amounts.discount_summary(messages, p.gross_margin),
        by_stage=amounts.discount_by_stage(messages, st, p.gross_margin),
        w_share=amounts.w_pattern_share(messages), w_null=w_null, w_null_sd=w_null_sd,
        validity=amounts.validity_shares(messages),
        sequence=amounts.longest_sequence(messages, st),
        cycle=purchases.purchase_cycle(events), rate=purchases.purchase_rate(events, end), observation_end=end,
    )


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
    return [s for s in stages.STAGES if stages.POLICY_INTERVAL_DAYS.get(s) is None]


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


def interval_table(a: Analysis):
    t = a.interval_table[_INTERVAL_COLUMNS]
    kinds = {c: "ratio" for c in ("policy_days", "median_days", "q1_days", "q3_days", "low", "high")} | {
        "customers": "count", "intervals": "count", "agrees": "bool"}
    level = 1 - 2 * AGREEMENT_ALPHA
    return table(t, kinds, index=True, headers={"low": f"{level:.0%} low", "high": f"{level:.0%} high"}, caption=(
        f"Send interval per stage (days): median, quartiles and the {level:.0%} customer-bootstrap interval of "
        f"the median; agrees = inside the policy ± {a.p.agreement_margin_days:g} days (two one-sided tests at "
        f"{AGREEMENT_ALPHA:.0%}), against the reference policy ({POLICY_SOURCE})"))


def interval_text(a: Analysis) -> str:
    """Plain-text interval table (the notebook's checked output)."""
    return a.interval_table[_INTERVAL_COLUMNS].round(2).to_string()


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
    agree = a.agreement["agrees"].dropna()
    top = a.stage_counts["share"].idxmax()
    silent = ", ".join(no_cadence_stages())
    off = [s for s, v in agree.items() if not v]
    level = 1 - 2 * AGREEMENT_ALPHA
    return (f"- {int(agree.sum())} of {len(agree)} stages with a policy interval and intervals from two or more "
            f"customers **agree** with the reference policy ({POLICY_SOURCE}): the {level:.0%} customer-bootstrap "
            f"interval of the median lies within ± {a.p.agreement_margin_days:g} days of the policy value (two "
            f"one-sided tests at {AGREEMENT_ALPHA:.0%})"
            + (f"; not shown to agree: {', '.join(off)}" if off else "") + ".\n"
            f"- The largest stage is '{top}' with {a.stage_counts['share'].max():.1%} of messages; stages with "
            f"no regular cadence ({silent}) have few or no same-stage intervals by design.")


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
            "on a weekly grid, draws weekday and hour independently and assigns stages with the analysis's "
            "own rules, so recovered weekday shares and intervals match its settings by construction — the "
            "point is to show the method recovers them, not to confirm the policy.")
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


# --- figures --------------------------------------------------------------------------------------


def _note(a: Analysis) -> str:
    return f"Data: {a.data.label}."


def figure_intervals(a: Analysis) -> Figure:
    """Median send interval per stage with its IQR and the reference policy value."""
    measured = a.interval_table[a.interval_table["intervals"] > 0]
    colors = palette_for(stages.STAGES)
    fig, ax = plt.subplots()
    ax.barh(measured.index, measured["median_days"], color=[colors[s] for s in measured.index])
    ax.errorbar(measured["median_days"], measured.index,
                xerr=[measured["median_days"] - measured["q1_days"], measured["q3_days"] - measured["median_days"]],
                fmt="none", ecolor="#333333", capsize=3)
    ax.scatter(measured["policy_days"], measured.index, marker="|", s=300, color="#000000",
               label=f"reference policy ({POLICY_SOURCE})")
    eps = a.p.agreement_margin_days
    for i, k in enumerate(measured["policy_days"]):
        if not pd.isna(k):
            ax.fill_betweenx([i - 0.4, i + 0.4], k - eps, k + eps, color="#999999", alpha=0.35, lw=0,
                             label=f"policy ± {eps:g} days (agreement margin)" if i == 0 else None)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fastest = measured["median_days"].idxmin()
    agree = a.agreement["agrees"].dropna()
    finish(ax, f"{int(agree.sum())} of {len(agree)} stages agree with the policy; the median interval is shortest "
               f"in '{fastest}' ({measured.loc[fastest, 'median_days']:.1f} days)",
           xlabel="days between consecutive messages in the same stage (bar: median, whisker: IQR)", note=_note(a))
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
    colors = palette_for(stages.STAGES)
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


# --- results --------------------------------------------------------------------------------------


def results(a: Analysis) -> dict[str, object]:
    """The headline numbers under their stable keys, in recording order."""
    out: dict[str, object] = {key("weekday_share", d): float(s) for d, s in a.weekday.items()}
    out["hour_share.12_14"] = a.lunch_share
    for stage, row in a.interval_table[a.interval_table["intervals"] > 0].iterrows():
        out[key("interval_days", stage)] = float(row["median_days"])
    for stage, row in a.agreement[a.agreement["intervals"] > 0].iterrows():
        out[key("stage", stage, "interval_days")] = float(row["median_days"])
        if not pd.isna(row["low"]):
            out[key("stage", stage, "interval_days_low")] = row["low"]
            out[key("stage", stage, "interval_days_high")] = row["high"]
        if not pd.isna(row["agrees"]):
            out[key("stage", stage, "agrees")] = bool(row["agrees"])
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
