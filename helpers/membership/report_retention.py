"""What notebook 04 shows of contractual retention, a member's lifetime value and the checks of
the purchase-model assumptions (Gamma-Gamma independence, a degenerate BG/NBD)."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure

from helpers import plots
from helpers.membership.lifetime import (
    CdnowCheck,
    PanelLifetime,
    bgnbd_degenerate,
    gg_independence_corr,
)
from helpers.membership.load import PanelData
from helpers.membership.report import _done, _figure, _money, _synthetic_note
from helpers.membership.retention import MemberLifetimeValue, Retention, member_spells, survival

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
             f"{ret.members:,} spells, {ret.cancelled:,} cancelled; α = {ret.alpha:.3g}, "
             f"β = {ret.beta:.3g})."]
    if data.true_retention is not None:
        covers = ret.monthly_low <= data.true_retention <= ret.monthly_high
        lines.append(f"- Planted retention: **{data.true_retention:.1%}** at every renewal; the "
                     f"interval {'covers' if covers else '**misses**'} it.")
    lines.append(f"- A new member is expected to pay **{mlv.months:.1f} discounted months** within "
                 f"{mlv.horizon} months ({mlv.months_low:.1f}–{mlv.months_high:.1f}); at the value "
                 f"per member-month above that makes a **member lifetime value of "
                 f"{_money(mlv.value, mlv.currency)}** ({_money(mlv.low, mlv.currency)} to "
                 f"{_money(mlv.high, mlv.currency)}; both uncertainties from the same bootstrap "
                 "draws). It is the value membership *causes*, unlike the BG/NBD lifetime values "
                 "below, which value who members are.")
    return "\n".join(lines)


def figure_retention(panel: Any, ret: Retention | None, data: PanelData) -> Figure | None:
    """Share of joiners still paying by paid months: Kaplan–Meier vs the sBG fit with its band."""
    if ret is None:
        return None
    from statsmodels.duration.survfunc import SurvfuncRight

    spells = member_spells(panel)
    # a member still paying after m months is known to have renewed m - 1 times: T > m - 1,
    # the same censoring as the sBG likelihood
    known = spells.paid_months - (~spells.cancelled).astype(int)
    km = SurvfuncRight(known, spells.cancelled.astype(int),
                       entry=spells.entry if spells.entry.any() else None)
    t = np.arange(0, int(spells.paid_months.max()) + 1)
    band = np.array([survival(a, b, t) for a, b in ret.draws])
    q = (1 - ret.conf_level) / 2
    fig, ax = _figure()
    ax.fill_between(t, np.quantile(band, q, axis=0), np.quantile(band, 1 - q, axis=0),
                    color=plots.color_for("target"), alpha=0.2,
                    label=f"sBG {ret.conf_level:.0%} interval")
    ax.plot(t, survival(ret.alpha, ret.beta, t), color=plots.color_for("target"), label="sBG fit")
    ax.step(np.r_[0, km.surv_times], np.r_[1.0, km.surv_prob], where="post",
            color=plots.color_for("baseline"), label="observed (Kaplan–Meier)")
    ax.set_ylim(0, 1.02)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend()
    plots.finish(ax, f"{ret.survival_12:.0%} of joiners still pay after 12 months",
                 xlabel="months paid", ylabel="share of joiners still members",
                 note=_synthetic_note(data, "Synthetic panel. ")
                 + "sBG: Fader & Hardie (2007); Kaplan–Meier: statsmodels SurvfuncRight.")
    return _done(fig)


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
        lines.append(f"- **The panel BG/NBD is degenerate**: a = {a:.3g}, b = {b:,.0f}, a mean "
                     f"dropout probability per purchase of {a / (a + b):.1e} — it has found no "
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
