"""The figures of notebook 04: each title states the finding; returned closed, so the notebook's
``display`` shows each once. Figures read results computed elsewhere; they compute nothing new
beyond what is drawn (the Kaplan–Meier curve beside the retention fit).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from helpers import plots
from helpers.membership.clv_holdout import Holdout
from helpers.membership.effect import RateRatio
from helpers.membership.event_study import EventStudy
from helpers.membership.lifetime import PanelLifetime, clv_frame
from helpers.membership.load import PanelData
from helpers.membership.report import money, synthetic_note
from helpers.membership.retention import Retention, member_spells, survival
from helpers.membership.robust import RobustEffect
from helpers.membership.schemas import CURRENCY
from helpers.membership.tenure import TenureRatio
from helpers.membership.value import ValueInterval
from helpers.tables import format_pvalue


def new_figure(figsize: tuple[float, float] | None = None) -> tuple[Figure, Any]:
    """A figure in the project style and its axes."""
    plots.use_style()
    fig = plots.plt.figure(figsize=figsize)
    return fig, fig.gca()


def done(fig: Figure) -> Figure:
    """Close the figure (the notebook's display shows it once) and return it."""
    plots.plt.close(fig)
    return fig


def figure_effects(effects: pd.DataFrame, naive: float, adjusted: RateRatio, data: PanelData) -> Figure:
    """Horizontal bars: naive, within-customer (with its interval) and, for synthetic data, the truth."""
    fig, ax = new_figure()
    kinds = list(effects.index)
    colours = [plots.color_for("non_member"), plots.color_for("member"),
               plots.color_for("target")][:len(kinds)]
    ax.barh(kinds, effects["estimate"], color=colours)
    ax.errorbar(adjusted.estimate, 1, xerr=[[adjusted.estimate - adjusted.low],
                                            [adjusted.high - adjusted.estimate]],
                fmt="none", ecolor="black", capsize=4)
    ax.axvline(1.0, color="#555555", lw=1, ls=":")
    ax.invert_yaxis()
    plots.finish(ax, f"Members order {naive:.1f}x as often; against themselves before joining, "
                     f"{adjusted.estimate:.1f}x",
                 xlabel="orders per month, ratio member / non-member (1 = no difference)",
                 note=synthetic_note(data) + f"Error bar: {adjusted.conf_level:.0%} confidence interval.")
    return done(fig)


def figure_event_study(study: EventStudy, data: PanelData) -> Figure:
    """Rate ratio by months since joining, with intervals, the reference month and the summary."""
    fig, ax = new_figure()
    t = study.terms
    x = t.index.to_numpy()
    colour = [plots.color_for("non_member") if k < 0 else plots.color_for("member") for k in x]
    ax.errorbar(x, t["ratio"], yerr=[t["ratio"] - t["low"], t["high"] - t["ratio"]], fmt="none",
                ecolor="#555555", capsize=3, lw=1)
    ax.scatter(x, t["ratio"], color=colour, zorder=3, label="estimate (interval)")
    ax.scatter([study.reference], [1.0], color="black", marker="D", zorder=3,
               label=f"reference month ({study.reference})")
    ax.axhline(1.0, color="#555555", lw=1, ls=":")
    ax.axhline(study.rate_ratio, color=plots.color_for("member"), lw=1, ls="--",
               label=f"summary {study.rate_ratio:.2f}x")
    if data.ratio_at_tenure is not None:
        lags = x[x >= 0]
        ax.plot(lags, [data.ratio_at_tenure(int(k)) for k in lags], color=plots.color_for("target"),
                lw=1.5, label="planted effect")
    ax.set_xticks(x, [lab.replace(" or earlier", "≤").replace(" or later", "+") for lab in t["label"]])
    ax.legend(loc="center right")
    verdict = ("orders were already moving before joining"
               if study.flags_pretrend() else "flat before joining")
    plots.finish(ax, f"Membership multiplies {study.outcome} by {study.rate_ratio:.2f}x; "
                     f"{verdict} (pre-trend p = {format_pvalue(study.pretrend_p, exact=True)})",
                 xlabel="months since joining (ends binned)",
                 ylabel=f"{study.outcome}: ratio to the reference month",
                 note=synthetic_note(data) + f"Bars: {study.conf_level:.0%} intervals, "
                      "cluster-robust over customers.")
    return done(fig)


def figure_robust(effect: RobustEffect, data: PanelData) -> Figure:
    """The robust effect by months since joining: pointwise intervals and the uniform band."""
    plots.use_style()
    fig = plots.plt.figure()
    ax = fig.gca()
    t = effect.by_event
    x = t.index.to_numpy()
    ax.fill_between(x, t["band_low"], t["band_high"], color=plots.color_for("member"), alpha=0.15,
                    label=f"uniform {effect.conf_level:.0%} band (all months at once)")
    ax.errorbar(x, t["ratio"], yerr=[t["ratio"] - t["low"], t["high"] - t["ratio"]], fmt="o",
                color=plots.color_for("member"), ecolor="#555555", capsize=3, lw=1,
                label=f"estimate ({effect.conf_level:.0%} interval)")
    ax.axhline(1.0, color="#555555", lw=1, ls=":")
    ax.axhline(effect.rate_ratio, color=plots.color_for("member"), lw=1, ls="--",
               label=f"overall {effect.rate_ratio:.2f}x")
    if data.ratio_at_tenure is not None and effect.outcome == "orders":
        ax.plot(x, [data.ratio_at_tenure(int(k)) for k in x], color=plots.color_for("target"), lw=1.5,
                label="planted effect")
    ax.legend(loc="lower right")
    note = ("Synthetic panel (seeded). " if data.synthetic else "") + (
        "ETWFE Poisson (Wooldridge 2023); intervals from a multiplier bootstrap over customers.")
    plots.finish(ax, f"Robust to who joins when: membership multiplies {effect.outcome} by "
                     f"{effect.rate_ratio:.2f}x", xlabel="months since joining",
                 ylabel=f"{effect.outcome}: ratio of totals", note=note)
    plots.plt.close(fig)  # shown once, by the notebook's display
    return fig


def figure_value_grid(grid: pd.DataFrame, value: ValueInterval, gross_margin: float,
                      data: PanelData) -> Figure:
    """Heat map of the value per member-month over fees × margins, cells with their interval."""
    c = value.currency
    point = grid.pivot(index="gross_margin", columns="fee", values="value")
    low = grid.pivot(index="gross_margin", columns="fee", values="low")
    high = grid.pivot(index="gross_margin", columns="fee", values="high")
    labels = (point / 1000).round(1).astype(str) + "\n[" + (low / 1000).round(1).astype(str) + ", " \
        + (high / 1000).round(1).astype(str) + "]"
    fig, ax = new_figure((10, 5.5))
    sns.heatmap(point / 1000, annot=labels.to_numpy(), fmt="", cmap="PuOr", center=0, ax=ax,
                annot_kws={"fontsize": 7},
                xticklabels=[money(f, c) for f in point.columns],
                yticklabels=[plots.format_pct(m, 0) for m in point.index],
                cbar_kws={"label": f"value per member-month, thousand {c}"})
    plots.finish(ax, f"At a {money(value.fee, c)} fee and {plots.format_pct(gross_margin, 0)} margin "
                     f"a member is worth {money(value.value, c)} a month "
                     f"({money(value.value_low, c)} to {money(value.value_high, c)})",
                 xlabel=f"membership fee, {c} per month", ylabel="gross margin on spend",
                 note=synthetic_note(data, "Synthetic panel. ") + f"Cells: thousand {c} per "
                      f"member-month [{value.conf_level:.0%} bootstrap interval].")
    return done(fig)


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
    fig, ax = new_figure()
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
                 note=synthetic_note(data, "Synthetic panel. ")
                 + "sBG: Fader & Hardie (2007); Kaplan–Meier: statsmodels SurvfuncRight.")
    return done(fig)


def figure_tenure(curve: pd.DataFrame, tenure: TenureRatio, comparison: pd.DataFrame, *,
                  veteran_months: int, new_months: int, conf_level: float, data: PanelData) -> Figure:
    """Spend per member-month by months since joining, with its interval and the non-member level."""
    fig, ax = new_figure()
    colour = plots.color_for("member")
    ax.fill_between(curve.index, curve["low"], curve["high"], color=colour, alpha=0.25,
                    label=f"{conf_level:.0%} interval")
    ax.plot(curve.index, curve["spend"], marker="o", color=colour, label="members")
    ax.axhline(comparison.loc["non_member", "spend_per_month"], color=plots.color_for("non_member"),
               ls="--", label="non-member months")
    plots.money_axis(ax, CURRENCY, scale=1e3)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend()
    plots.finish(ax, f"Members with {veteran_months}+ months of tenure spend {tenure.ratio:.2f}x "
                     f"as much as those in their first {new_months}",
                 xlabel="months since joining", ylabel=f"spend per member-month, {CURRENCY}",
                 note=synthetic_note(data, "Synthetic panel. ") + "Shaded: interval over members.")
    return done(fig)


def figure_tracking(holdout: Holdout) -> Figure:
    """Cumulative repeat purchases by week, actual vs BG/NBD, calibration end marked."""
    fig, ax = new_figure()
    t = holdout.tracking
    ax.plot(t.index, t["actual"], color=plots.color_for("baseline"), label="actual")
    ax.plot(t.index, t["predicted"], color=plots.color_for("target"), ls="--", label="BG/NBD")
    ax.axvline(t.attrs.get("calibration_week", 0), color="#555555", lw=1, ls=":",
               label="end of calibration")
    ax.legend()
    plots.finish(ax, f"Out of sample the BG/NBD forecast misses total holdout repeat purchases by "
                     f"{holdout.error:+.1%}",
                 xlabel="weeks since the cohort's first purchase",
                 ylabel="cumulative repeat purchases (days with a purchase)",
                 note="CDNOW 1/10 sample cohort; same-day purchases count once.")
    return done(fig)


def figure_clv(life: PanelLifetime, horizon_months: int, data: PanelData) -> Figure:
    """Box plot of CLV by status (quartiles, no outliers)."""


    frame = clv_frame(life.lifetime, life.status)
    fig, ax = new_figure()
    sns.boxplot(data=frame, x="clv", y="status", hue="status",
                palette=plots.palette_for(frame["status"].unique()), showfliers=False, ax=ax,
                legend=False)
    plots.money_axis(ax, CURRENCY, scale=1e3, axis="x")
    plots.finish(ax, f"A member's {horizon_months}-month value is "
                     f"{life.by_status.loc['member', 'vs_non_member']:.1f}x a non-member's",
                 xlabel=f"expected gross margin over {horizon_months} months, discounted, {CURRENCY}",
                 ylabel="", note=synthetic_note(data, "Synthetic panel. ")
                 + "Boxes: quartiles; whiskers 1.5 IQR; outliers not drawn.")
    return done(fig)
