"""What notebook 04 shows of the event study and of the value with its interval.

Tables, the design comparison (naive / within-customer / event study /
truth), the pre-trend verdict in words and the recorded keys of issue 15. Prose is built from
results; "truth" appears only for the synthetic panel.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from helpers.membership.effect import RateRatio
from helpers.membership.event_study import EventStudy, aggregate_truth
from helpers.membership.load import PanelData
from helpers.membership.report import money
from helpers.membership.value import MemberValue, ValueInterval
from helpers.tables import format_pvalue, table


def true_aggregate(study: EventStudy, data: PanelData) -> float | None:
    """The planted effect aggregated like the study's summary ratio (synthetic data only)."""
    if data.ratio_at_tenure is None:
        return None
    return aggregate_truth(study, data.ratio_at_tenure)


def terms_view(study: EventStudy) -> Any:
    """The event-time rate ratios with intervals, formatted."""
    t = study.terms[["label", "kind", "member_months", "ratio", "low", "high"]].reset_index(drop=True)
    return table(t, {"label": "text", "kind": "text", "member_months": "count", "ratio": "ratio",
                     "low": "ratio", "high": "ratio"},
                 headers={"label": "months since joining", "member_months": "joiner-months",
                          "ratio": "rate ratio"},
                 caption=f"Event-time effects on {study.outcome} ({study.conf_level:.0%} intervals; "
                         f"reference month {study.reference})")


def pretrend_markdown(study: EventStudy) -> str:
    """The lead test and the summary ratio, in words."""
    alpha = 1 - study.conf_level
    test = (f"Wald test of the {study.pretrend_df} lead terms before the reference month: "
            f"χ² = {study.pretrend_stat:.1f}, p = {format_pvalue(study.pretrend_p, exact=True)}")
    if study.flags_pretrend():
        verdict = (f"**Joiners' {study.outcome} were already changing before they joined** "
                   f"({test} < {alpha:.2g}): customers may join because their demand is rising, "
                   "or react before joining (try `anticipation_months`). The sensitivity below "
                   "says how large such a drift would have to be to overturn the robust estimate.")
    else:
        verdict = (f"No sign that joiners' {study.outcome} were moving before they joined ({test} "
                   f"≥ {alpha:.2g}); the test has power only against changes that start inside "
                   "the lead window, and passing it is no guarantee (Roth 2022): the sensitivity "
                   "below does not depend on it.")
    return (f"- {verdict}\n- Summary: **{study.rate_ratio:.2f}x** ({study.conf_level:.0%} CI "
            f"{study.low:.2f}–{study.high:.2f}), the {study.aggregation}; "
            f"{study.n_customers:,} customers with orders, {study.n_obs:,} customer-months.")


def design_table(naive: float, adjusted: RateRatio, study: EventStudy, data: PanelData) -> pd.DataFrame:
    """Naive, within-customer and event-study ratios side by side (and the truth when known)."""
    truth = true_aggregate(study, data)
    rows = [("naive: member vs non-member months", naive, np.nan, np.nan, ""),
            ("within-customer before/after joining (descriptive)", adjusted.estimate, adjusted.low,
             adjusted.high, ""),
            ("event study: summary of the post terms", study.rate_ratio, study.low, study.high,
             "flags a pre-trend" if study.flags_pretrend() else "no pre-trend flagged")]
    if truth is not None:
        rows.append(("truth: planted effect, same aggregation", truth, np.nan, np.nan, ""))
    out = pd.DataFrame(rows, columns=["design", "ratio", "low", "high", "pre-trend test"])
    if truth is not None:
        out["covers truth"] = [None, adjusted.covers(truth), study.covers(truth), None]
    return out


def design_view(frame: pd.DataFrame) -> Any:
    """:func:`design_table` formatted."""
    kinds = {"ratio": "ratio", "low": "ratio", "high": "ratio", "pre-trend test": "text"}
    if "covers truth" in frame:
        kinds["covers truth"] = "bool"
    return table(frame, kinds, caption="Which design recovers the effect on orders?", index=False)


def design_bullets(study: EventStudy, data: PanelData) -> str:
    """Whether the event study covers the truth or flags the run (synthetic), in words."""
    truth = true_aggregate(study, data)
    if truth is None:
        return ("- Your panel has no known truth: read the robust estimate with its sensitivity "
                "statement; the event study's leads measure the pre-period drift it is scaled by.")
    covers = study.covers(truth)
    flag = study.flags_pretrend()
    if covers:
        text = "**covers** the planted effect"
    elif flag:
        text = "misses the planted effect, **but the pre-trend test warns**"
    else:
        text = "**misses** the planted effect and the pre-trend test does not warn"
    return (f"- Planted effect, aggregated like the event study's summary: **{truth:.2f}x**; "
            f"the event study's interval {text}.")


def value_view(value: ValueInterval) -> Any:
    """The value components with intervals, formatted (money in the value's currency)."""
    t = value.table().reset_index()
    return table(t, {"estimate": "number", "low": "number", "high": "number", "unit": "text"},
                 decimals={"estimate": 2, "low": 2, "high": 2},
                 caption=f"Value of one member per month ({value.currency}; {value.conf_level:.0%} "
                         f"intervals from {value.n_boot:,} bootstrap draws over customers)")


def value_bullets(value: ValueInterval, orders_only: MemberValue) -> str:
    """Interpretation of the spend-based value, beside the orders-only value of before."""
    c = value.currency
    return "\n".join([
        f"- Membership multiplies spend by **{value.spend_ratio:.2f}x** ({value.spend_ratio_low:.2f}–"
        f"{value.spend_ratio_high:.2f}): {value.rate_ratio:.2f}x the orders and "
        f"{value.basket_ratio:.2f}x the basket. Of {money(value.spend_per_month, c)} a member spends "
        f"a month, {money(value.incremental_spend, c)} is caused by membership.",
        f"- With the {money(value.fee, c)} fee a member is worth **{money(value.value, c)} per "
        f"month** ({value.conf_level:.0%} CI {money(value.value_low, c)} to "
        f"{money(value.value_high, c)}); the break-even fee is **{money(value.breakeven_fee, c)}** "
        f"({money(value.breakeven_fee_low, c)} to {money(value.breakeven_fee_high, c)})"
        + (" — membership pays even if free." if value.breakeven_fee_high < 0 else "."),
        f"- Counting only the extra orders at the member order value (the within-customer ratio, "
        f"as before) gives {money(orders_only.value, c)}: it misses the basket effect.",
    ])


def event_results(orders: EventStudy, value: ValueInterval, data: PanelData,
                  orders_only: MemberValue) -> dict[str, Any]:
    """The event study's keys (issue 15) and the value's: spend ratio, value and break-even fee
    with intervals (from the robust effects, issue 26)."""
    out: dict[str, Any] = {
        "event_study.rate_ratio": orders.rate_ratio,
        "event_study.rate_ratio_low": orders.low,
        "event_study.rate_ratio_high": orders.high,
        "event_study.pretrend_p": orders.pretrend_p,
        "event_study.pretrend_flag": orders.flags_pretrend(),
    }
    for k, row in orders.terms.iterrows():
        name = f"event_study.lead.{-k}" if k < 0 else f"event_study.lag.{k}"
        out[name] = row["ratio"]
    truth = true_aggregate(orders, data)
    out["event_study.true_rate_ratio"] = truth
    out["event_study.covers_truth"] = None if truth is None else orders.covers(truth)
    out.update({
        "spend_ratio": value.spend_ratio, "spend_ratio_low": value.spend_ratio_low,
        "spend_ratio_high": value.spend_ratio_high, "basket_ratio": value.basket_ratio,
        "value_per_member_month": value.value, "value_per_member_month_low": value.value_low,
        "value_per_member_month_high": value.value_high, "breakeven_fee": value.breakeven_fee,
        "breakeven_fee_low": value.breakeven_fee_low, "breakeven_fee_high": value.breakeven_fee_high,
        "orders_only.value_per_member_month": orders_only.value,
        "orders_only.breakeven_fee": orders_only.breakeven_fee,
    })
    return out
