"""What notebook 04 shows of the data, the first designs and the lifetime models: tables, prose
and the recorded headline numbers (figures: :mod:`helpers.membership.figures`).

Prose is built from results (never a number or a setting a parameter can change); "Synthetic"
appears only when the panel is the simulated one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from helpers import plots, privacy
from helpers.btyd import clv
from helpers.membership.effect import RateRatio, after_cancel_share, selection_share
from helpers.membership.lifetime import CdnowCheck, PanelLifetime
from helpers.membership.load import PanelData
from helpers.membership.schemas import CURRENCY, MEMBERSHIP_PANEL
from helpers.membership.tenure import TenureRatio
from helpers.membership.value import MemberValue
from helpers.results import record
from helpers.tables import format_sig, table


def panel_overview(panel: pd.DataFrame) -> pd.DataFrame:
    """Customers, months, members and orders of a panel, as a one-column table.

    Examples
    --------
    >>> from helpers.membership.load import check_panel
    >>> from helpers.membership.simulate import simulate_panel
    >>> p = check_panel(simulate_panel(n_customers=100, n_months=12, min_pre_months=3, seed=1))
    >>> int(panel_overview(p).loc["customers", "value"])
    100
    """
    members = panel.groupby("customer_id")["member"].any()
    rows = {
        "customers": panel["customer_id"].nunique(),
        "months": panel["month"].nunique(),
        "first month": f"{panel['month'].min():%Y-%m}",
        "last month": f"{panel['month'].max():%Y-%m}",
        "customers who joined": int(members.sum()),
        "share who joined": round(float(members.mean()), 4),
        "orders": int(panel["orders"].sum()),
        f"spend ({CURRENCY})": float(panel["spend"].sum()),
    }
    return pd.DataFrame({"value": pd.Series(rows, dtype=object)}).rename_axis("item")


def effect_table(naive: float, adjusted: RateRatio, true_ratio: float | None = None) -> pd.DataFrame:
    """The naive and adjusted ratios (and the truth, for synthetic data) side by side.

    Examples
    --------
    >>> r = RateRatio(2.0, 1.5, 2.5, 0.95, 10, 5, "x")
    >>> effect_table(9.0, r, 2.0)["estimate"].tolist()
    [9.0, 2.0, 2.0]
    """
    rows = [("naive: member vs non-member months", naive, np.nan, np.nan),
            ("within-customer, before vs after joining (descriptive)", adjusted.estimate, adjusted.low,
             adjusted.high)]
    if true_ratio is not None:
        rows.append(("true causal ratio (synthetic generator)", true_ratio, np.nan, np.nan))
    return pd.DataFrame(rows, columns=["estimate_kind", "estimate", "low", "high"]).set_index("estimate_kind")


def excluded_table(rate_ratio: RateRatio) -> pd.DataFrame:
    """Customers left out of the adjusted estimate, per rule (a data-quality table).

    Examples
    --------
    >>> excluded_table(RateRatio(2.0, 1.5, 2.5, 0.95, 10, 5, "x", {"no orders": 3}))["customers"].tolist()
    [3]
    """
    return pd.DataFrame({"customers": pd.Series(rate_ratio.excluded, dtype="int64")}).rename_axis("rule")


def fit_report(fits: dict[str, clv.ModelFit], *, customers: int, currency: str) -> str:
    """Markdown lines saying, per fit, whether it converged (else the optimiser's message).

    Examples
    --------
    >>> f = clv.ModelFit("Gamma-Gamma", {"p": 1.0, "q": 2.0, "v": 3.0}, -1.0, 10, 4, False, "limit")
    >>> "NOT CONVERGED" in fit_report({"GG": f}, customers=10, currency="USD")
    True
    """
    lines = []
    for name, fit in fits.items():
        params = ", ".join(f"{k} = {format_sig(v)}" for k, v in fit.params.items())
        head = f"- **{name}** ({customers:,} customers, {fit.n_repeat_buyers:,} repeat buyers; money in {currency}): {params}; "
        if not fit.converged:
            lines.append(head + f"**NOT CONVERGED — do not use these estimates**: {fit.message}")
        elif fit.at_bound:
            lines.append(head + f"converged, but **{', '.join(fit.at_bound)} at the search bound** "
                         "(not identified by these data).")
        else:
            lines.append(head + f"converged (log-likelihood {fit.log_likelihood:,.1f}).")
    return "\n".join(lines)


def money(value: float, currency: str = CURRENCY) -> str:
    """Whole units of ``currency``, e.g. '₩7,890'."""
    return plots.format_money(value, currency, decimals=0)


def synthetic_note(data: PanelData, text: str = "Synthetic panel (seeded). ") -> str:
    """``text`` for the synthetic panel, nothing for the user's data."""
    return text if data.synthetic else ""


# --- data -----------------------------------------------------------------------------------------


def contract_markdown() -> str:
    """The panel contract as a Markdown table."""
    return MEMBERSHIP_PANEL.to_markdown()


def source_markdown(data: PanelData) -> str:
    """Where the panel comes from; for synthetic data, what the simulation plants."""
    text = f"**Source:** {data.source}."
    if data.synthetic:
        text += (" **Synthetic data**: a seeded simulation in which customers differ in a latent "
                 "purchase propensity, high-propensity customers are more likely to join, and "
                 f"membership multiplies the order rate by a known {data.true_rate_ratio:g}.")
    return text


def overview_table(panel: pd.DataFrame) -> Any:
    """:func:`panel_overview` formatted for readers."""
    return table(panel_overview(panel), caption="The panel at a glance", index=True)


def sample_rows(panel: pd.DataFrame, n: int = 4) -> Any:
    """The first ``n`` member rows, customer ids pseudonymised."""
    rows = privacy.pseudonymise_columns(panel.loc[panel["member"]].head(n)).reset_index(drop=True)
    return table(rows, {"spend": "money", "month": "month", "join_month": "month"}, currency=CURRENCY,
                 caption="A few member rows (customer ids pseudonymised)")


# --- selection vs effect --------------------------------------------------------------------------


def effects_text(effects: pd.DataFrame) -> str:
    """The effect table as plain text (the notebook's checked headline output)."""
    return effects.round(3).to_string()


def comparison_table(comparison: pd.DataFrame) -> Any:
    """Member vs non-member months, formatted."""
    return table(comparison, {"customer_months": "count", "customers": "count",
                              "orders_per_month": "number", "spend_per_month": "money",
                              "order_value": "money"}, currency=CURRENCY,
                 caption="Orders and spend per customer-month, member vs non-member months")


def excluded_view(rate_ratio: RateRatio) -> Any:
    """:func:`excluded_table` formatted."""
    return table(excluded_table(rate_ratio), caption="Customers left out of the adjusted estimate")


def effect_bullets(naive: float, adjusted: RateRatio, data: PanelData) -> str:
    """Interpretation of the naive and adjusted ratios (and the truth, for synthetic data)."""
    share = selection_share(naive, adjusted.estimate)
    calendar = ("windows weighted by never-joined customers' month levels" if adjusted.calendar
                else "months counted equally, no calendar adjustment")
    lines = [
        f"- Members place **{naive:.1f}x** as many orders per month as non-members (the naive ratio).",
        f"- Compared with themselves before joining, members order **{adjusted.estimate:.2f}x** as "
        f"much ({adjusted.conf_level:.0%} CI {adjusted.low:.2f}–{adjusted.high:.2f}, "
        f"{adjusted.n_members:,} members, {adjusted.n_customers:,} customers; {calendar})."
        + ("" if share is None else f" By this contrast, on the log scale **{share:.0%}** of the "
           "naive gap is selection."),
    ]
    cancelled = after_cancel_share(data.panel)
    if cancelled > 0:
        lines.append(f"- This is a **descriptive contrast of having joined**, not the effect of "
                     f"being a member: {cancelled:.0%} of the months it counts as after joining "
                     "follow a cancellation, which pulls it toward 1. The robust estimate "
                     "(section 2c) counts member months only; it is the one the value uses.")
    if data.synthetic:
        covers = adjusted.covers(data.true_rate_ratio)
        inside = adjusted.covers(naive)
        lines.append(f"- The generator's true ratio on member months is **{data.true_rate_ratio:g}**: "
                     f"the within-customer interval {'covers it' if covers else '**misses** it'}"
                     + (" (it measures having joined, see above)" if cancelled > 0 and not covers else "")
                     + f"; the naive ratio is {'inside' if inside else 'outside'} that interval.")
    return "\n".join(lines)


# --- tenure ---------------------------------------------------------------------------------------


def tenure_bullets(tenure: TenureRatio, *, veteran_months: int, new_months: int,
                   conf_level: float) -> str:
    """Interpretation of the veterans / new members spend ratio."""
    return (f"- Veterans ({veteran_months}+ months, {tenure.veteran_members:,} members) spend "
            f"{money(tenure.veteran_spend)} a month, new members (< {new_months} months) "
            f"{money(tenure.new_spend)}: **{tenure.ratio:.2f}x** ({conf_level:.0%} CI "
            f"{tenure.low:.2f}–{tenure.high:.2f}; BDO Digital (2025) reports 2.5x for Coupang, "
            "unverified).")


# --- lifetime value -------------------------------------------------------------------------------


def cdnow_check_text(check: CdnowCheck) -> str:
    """The CDNOW fits beside the published estimates, 2 decimals (the papers publish 2-3)."""
    return (check.table.round(2) + 0.0).to_string()  # + 0.0 turns -0.00 into 0.00


def cdnow_fit_markdown(check: CdnowCheck, currency: str) -> str:
    """Convergence report of the two CDNOW fits."""
    return fit_report({"BG/NBD (CDNOW)": check.bgnbd, "Gamma-Gamma (CDNOW)": check.gamma_gamma},
                      customers=len(check.summary), currency=currency)


def panel_fit_markdown(life: PanelLifetime) -> str:
    """Convergence report of the two panel fits."""
    return fit_report({"BG/NBD (panel)": life.bgnbd, "Gamma-Gamma (panel)": life.gamma_gamma},
                      customers=len(life.summary), currency=CURRENCY)


def clv_table(life: PanelLifetime) -> Any:
    """Mean and median CLV of members and non-members, formatted."""
    return table(life.by_status, {"customers": "count", "mean_clv": "money", "median_clv": "money",
                                  "vs_non_member": "ratio"}, currency=CURRENCY,
                 caption="Lifetime value (discounted gross margin) by status in the last month")


def clv_bullets(life: PanelLifetime, horizon_months: int) -> str:
    """Interpretation of members' vs non-members' CLV."""
    s = life.by_status
    return (f"- Over {horizon_months} months a member is expected to bring "
            f"**{money(s.loc['member', 'mean_clv'])}** of gross margin (mean; "
            f"{s.loc['member', 'customers']:,} members) against "
            f"**{money(s.loc['non_member', 'mean_clv'])}** for a non-member. Like the naive order "
            "ratio, this gap includes selection: it values who members are, not what membership does.")


# --- checks and results ---------------------------------------------------------------------------


def sanity_checks(panel: pd.DataFrame, comparison: pd.DataFrame, adjusted: RateRatio,
                  value: MemberValue, life: PanelLifetime, cdnow: CdnowCheck) -> dict[str, bool]:
    """Named sanity checks; the notebook asserts they all hold."""
    return {
        "panel not empty, keys unique": len(panel) > 0
        and not panel.duplicated(["customer_id", "month"]).any(),
        "member + non-member months cover the panel": int(comparison["customer_months"].sum()) == len(panel),
        "adjusted estimate inside its interval": adjusted.low <= adjusted.estimate <= adjusted.high,
        "value = margin - benefits + fee": bool(np.isclose(
            value.value, value.incremental_margin - value.benefit_cost + value.fee)),
        "every customer with purchases has a CLV": int(life.by_status["customers"].sum()) == len(life.summary),
        "CLV >= 0": bool((life.lifetime >= 0).all()),
        "CDNOW summary unique and not empty": cdnow.summary.index.is_unique and len(cdnow.summary) > 0,
    }


def record_results(values: Mapping[str, Any]) -> list[str]:
    """Record each ``key: value`` with :func:`helpers.results.record`; return the keys."""
    for k, v in values.items():
        record(k, v)
    return list(values)


def headline_results(naive: float, adjusted: RateRatio, data: PanelData, value: MemberValue,
                     tenure: TenureRatio, cdnow: CdnowCheck, life: PanelLifetime) -> dict[str, Any]:
    """The headline numbers of the first version under their stable keys.

    The value per member-month and the break-even fee are now spend-based with intervals
    (:func:`helpers.membership.report_event.event_results`); the orders-only value of the first
    version is kept as ``orders_only.*``.
    """
    out: dict[str, Any] = {
        "naive_order_ratio": naive,
        "adjusted_rate_ratio": adjusted.estimate,
        "adjusted_rate_ratio_low": adjusted.low,
        "adjusted_rate_ratio_high": adjusted.high,
        "true_rate_ratio": data.true_rate_ratio,
        "tenure_spend_ratio": tenure.ratio,
    }
    out.update({f"bgnbd.{k}": cdnow.bgnbd.params[k] for k in clv.BGNBD_PARAMS})
    out.update({f"gg.{k}": cdnow.gamma_gamma.params[k] for k in clv.GG_PARAMS})
    out["bgnbd.converged"] = cdnow.bgnbd.converged
    out["gg.converged"] = cdnow.gamma_gamma.converged
    out["clv.member"] = life.by_status.loc["member", "mean_clv"]
    out["clv.non_member"] = life.by_status.loc["non_member", "mean_clv"]
    return out
