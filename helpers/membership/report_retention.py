"""What notebook 04 shows of contractual retention, a member's lifetime value and the checks of
the purchase-model assumptions (Gamma-Gamma independence, a degenerate BG/NBD)."""

from __future__ import annotations

from typing import Any

from helpers.membership.lifetime import (
    CdnowCheck,
    PanelLifetime,
    bgnbd_degenerate,
    gg_independence_corr,
)
from helpers.membership.load import PanelData
from helpers.membership.report import money
from helpers.membership.retention import MemberLifetimeValue, Retention
from helpers.tables import format_sci, format_sig

#: |corr(frequency, mean spend)| above this: Gamma-Gamma's independence assumption is violated
GG_CORR_LIMIT = 0.3


def retention_markdown(ret: Retention | None, mlv: MemberLifetimeValue | None,
                       data: PanelData) -> str:
    """Retention and a new member's lifetime value in words (or why they cannot be estimated)."""
    if ret is None or mlv is None:
        return ("- **No member cancelled in this panel** (no `leave_month`), so how long members "
                "stay is not identified: the spells all continue. A member's lifetime value is not "
                "computed; give the panel its cancellations (`leave_month`) to estimate it.")
    level = f"{ret.conf_level:.0%}"
    lines = [f"- **{ret.monthly:.1%} of members renew** at the first monthly renewal ({level} CI "
             f"{ret.monthly_low:.1%}–{ret.monthly_high:.1%}); {ret.survival_12:.0%} of joiners are "
             f"expected to still pay after 12 months (shifted-beta-geometric fit on "
             f"{ret.members:,} spells, {ret.cancelled:,} cancelled; α = {format_sig(ret.alpha, 3)}, "
             f"β = {format_sig(ret.beta, 3)})."]
    if data.true_retention is not None:
        covers = ret.monthly_low <= data.true_retention <= ret.monthly_high
        lines.append(f"- Planted retention: **{data.true_retention:.1%}** at every renewal; the "
                     f"interval {'covers' if covers else '**misses**'} it.")
    lines.append(f"- A new member is expected to pay **{mlv.months:.1f} discounted months** within "
                 f"{mlv.horizon} months ({mlv.months_low:.1f}–{mlv.months_high:.1f}); at the value "
                 f"per member-month above that makes a **member lifetime value of "
                 f"{money(mlv.value, mlv.currency)}** ({money(mlv.low, mlv.currency)} to "
                 f"{money(mlv.high, mlv.currency)}; both uncertainties from the same bootstrap "
                 "draws). It is the value membership *causes*, unlike the BG/NBD lifetime values "
                 "below, which value who members are.")
    return "\n".join(lines)


def model_checks_markdown(life: PanelLifetime, cdnow: CdnowCheck) -> str:
    """Gamma-Gamma's independence assumption on both data sets and the panel BG/NBD's dropout."""
    c_cd = gg_independence_corr(cdnow.summary)
    c_panel = gg_independence_corr(life.summary)

    def verdict(c: float) -> str:
        return ("holds roughly" if abs(c) <= GG_CORR_LIMIT else
                f"**does not hold**, |corr| > {GG_CORR_LIMIT}")

    lines = [f"- **Gamma-Gamma assumes** a customer's mean spend per purchase is independent of how "
             f"often they buy. Correlation of frequency and mean spend among repeat buyers: "
             f"CDNOW {c_cd:.2f} (the assumption {verdict(c_cd)}), panel {c_panel:.2f} (it "
             f"{verdict(c_panel)})."]
    if abs(c_panel) > GG_CORR_LIMIT:
        lines.append("- On the panel, frequent buyers spend more per purchase month, so the "
                     "Gamma-Gamma spend forecasts are biased: read the panel CLVs below as a "
                     "description of who members are, not as a forecast to price on.")
    a, b = life.bgnbd.params["a"], life.bgnbd.params["b"]
    if bgnbd_degenerate(life.bgnbd):
        lines.append(f"- **The panel BG/NBD is degenerate**: a = {format_sig(a, 3)}, b = {b:,.0f}, a "
                     f"mean dropout probability per purchase of {format_sci(a / (a + b), 2)} — it "
                     "has found no "
                     "churn and reduced to a model in which nobody leaves, so its lifetimes rest "
                     "on the horizon alone. Members' churn is measured directly above (sBG on the "
                     "spells).")
    return "\n".join(lines)


def retention_results(ret: Retention | None, mlv: MemberLifetimeValue | None,
                      life: PanelLifetime, cdnow: CdnowCheck, data: PanelData) -> dict[str, Any]:
    """``retention.*``, ``member_lifetime_value*``, ``gg.independence_corr*`` and the BG/NBD flag."""
    out: dict[str, Any] = {
        "gg.independence_corr": gg_independence_corr(life.summary),
        "gg.independence_corr_cdnow": gg_independence_corr(cdnow.summary),
        "bgnbd.panel_degenerate": bgnbd_degenerate(life.bgnbd),
        "retention.true_monthly": data.true_retention,
    }
    if ret is None or mlv is None:
        out |= {k: None for k in ("retention.monthly", "retention.monthly_low",
                                  "retention.monthly_high", "retention.survival_12",
                                  "member_lifetime_value", "member_lifetime_value_low",
                                  "member_lifetime_value_high", "member_lifetime_months")}
        return out
    out |= {"retention.monthly": ret.monthly, "retention.monthly_low": ret.monthly_low,
            "retention.monthly_high": ret.monthly_high, "retention.survival_12": ret.survival_12,
            "retention.alpha": ret.alpha, "retention.beta": ret.beta,
            "member_lifetime_value": mlv.value, "member_lifetime_value_low": mlv.low,
            "member_lifetime_value_high": mlv.high, "member_lifetime_months": mlv.months}
    if data.true_retention is not None:
        out["retention.covers_truth"] = ret.monthly_low <= data.true_retention <= ret.monthly_high
    return out
