"""What notebook 02 shows about trusting the verdict: randomisation checks, the post-window curve, the design.

Tables and prose built from a :class:`~helpers.coupons.report.Review` (never hard-coded numbers);
the figure of the curve is :func:`helpers.coupons.figures.figure_post_window`.
"""

from __future__ import annotations

from helpers import plots
from helpers.coupons.checks import BALANCE_FLAG, BALANCE_STOP, SRM_ALPHA
from helpers.coupons.report import POWER, Review, design_sentence
from helpers.tables import format_pvalue, table

STATUS_WORDS = {"ok": "pass", "flag": "flag the verdict", "stop": "stop the verdict"}


def balance_table(r: Review):
    """Pre-period means per group and their standardised difference."""
    b = r.checks["balance"].reset_index()
    return table(b, {"mean_targeted": "ratio", "mean_holdout": "ratio", "std_diff": "ratio"},
                 headers={"std_diff": "standardised difference"},
                 caption=f"Pre-campaign features by group (flag above {BALANCE_FLAG}, stop above {BALANCE_STOP})")


def checks_markdown(r: Review) -> str:
    """The randomisation checks in two sentences: what was tested, and whether they pass."""
    c = r.checks
    if c["srm_p"] is None:
        srm = ("No designed split was given (`design_holdout_share` = None), so the sample-ratio test is skipped: "
               f"the holdout is {plots.format_pct(c['observed_share'])} of the audience.")
    else:
        srm = (f"**Sample ratio**: the holdout is {plots.format_pct(c['observed_share'])} of the audience against a "
               f"designed {plots.format_pct(c['design_share'])} (`design_holdout_share`); chi-square p = "
               f"{format_pvalue(c['srm_p'])} (the verdict stops below {SRM_ALPHA}).")
    bal = (f"**Pre-period balance**: the largest standardised difference is {c['max_std_diff']:.3f} "
           f"(`{c['worst_feature']}`).")
    verdict = {"ok": "Both checks pass: the holdout can be trusted as a random split.",
               "flag": "The verdict is flagged: " + "; ".join(c["reasons"]) + ".",
               "stop": "**The verdict is stopped**: " + "; ".join(c["reasons"]) + ". Find the cause (a join that "
                       "dropped customers, a holdout drawn from another list) before reading any effect."}[c["status"]]
    return " ".join([srm, bal, verdict])


def post_window_table(r: Review):
    """The cumulative targeted − holdout difference at the checkpoints the data reach."""
    c = r.post_window["curve"]
    shown = c[c["checkpoint"]].drop(columns="checkpoint")
    return table(shown, {"day": "count", "estimate": "money_auto", "low": "money_auto", "high": "money_auto"},
                 currency=r.currency, headers={"day": "days after the campaign"},
                 caption=f"Cumulative incremental paid amount from the campaign start ({r.params.confidence:.0%} "
                         "bootstrap band)")


def post_window_markdown(r: Review) -> str:
    """Where the cumulative difference flattens, against the post window the verdict uses."""
    pw, p = r.post_window, r.params
    d_obs, flat = pw["days_observed"], pw["flat_day"]
    text = (f"The orders reach {d_obs} days after the campaign (`curve_days` = {p.curve_days} asked). ")
    if pw["flat_before_end"]:
        text += (f"The cumulative difference stops moving (within its band) from day {flat}"
                 + (f", inside the {p.post_days}-day post window (`post_days`) the verdict uses."
                    if flat <= p.post_days else
                    f", **after** the {p.post_days}-day post window the verdict uses: the net effect overstates the "
                    "coupons; set `post_days` to at least this."))
    else:
        text += ("The cumulative difference is still moving at the end of the data: pull-forward may run beyond "
                 "the orders available, and the net effect may overstate the coupons.")
    return text


def design_markdown(r: Review) -> str:
    """The design's minimum detectable ROI difference, always (not only when the verdict cannot tell)."""
    return design_sentence(r) + (f" (Power {POWER:.0%}; the old advice plugged the observed effect into the power "
                                 "formula — 'observed power' — which only restates the interval.)")


def data_notes_markdown(r: Review) -> str:
    """Fallbacks of the features: a missing ``never_bought`` column counts lapsed customers as new."""
    notes = list(r.features.notes)
    if not notes:
        return "The audience has `never_bought` and `channel` columns: no feature fallback."
    return "\n".join(f"- Fallback: {n}." for n in notes)
