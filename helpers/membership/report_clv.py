"""What notebook 04 shows of the CDNOW holdout check: the table and the error in words."""

from __future__ import annotations

from typing import Any

from helpers.membership.clv_holdout import Holdout
from helpers.tables import table


def holdout_view(holdout: Holdout) -> Any:
    """Mean holdout repeat purchases per customer by calibration repeat purchases, formatted."""
    t = holdout.by_group.reset_index()
    return table(t, {"calibration_repeat_purchases": "text", "customers": "count",
                     "actual": "number", "predicted": "number"},
                 headers={"calibration_repeat_purchases": "repeat purchases in calibration",
                          "actual": "actual (mean per customer)",
                          "predicted": "BG/NBD prediction (mean)"},
                 caption=f"CDNOW: repeat purchases in the {holdout.holdout_weeks:g}-week holdout",
                 index=False)


def holdout_markdown(holdout: Holdout) -> str:
    """The out-of-sample error in words."""
    import math

    worst = (holdout.by_group["predicted"] - holdout.by_group["actual"]).abs().idxmax()
    interval = ""
    if not math.isnan(holdout.predicted_low):
        inside = holdout.predicted_low <= holdout.actual_repeat <= holdout.predicted_high
        interval = (f" — {holdout.conf_level:.0%} interval from the parameters' uncertainty "
                    f"(parametric bootstrap) {holdout.predicted_low:,.0f} to "
                    f"{holdout.predicted_high:,.0f}, which "
                    + ("covers what happened" if inside else "**does not cover** what happened: "
                       "the miss is more than estimation noise"))
    return (f"- Over the {holdout.holdout_weeks:g} holdout weeks the {holdout.customers:,} customers "
            f"made **{holdout.actual_repeat:,}** repeat purchases; the calibration fit predicted "
            f"**{holdout.predicted_repeat:,.0f}** ({holdout.error:+.1%}){interval}. The largest gap "
            f"per customer is in the group with {worst} calibration repeat purchases.\n"
            "- Fader, Hardie & Lee (2005) show the same comparison for this cohort (cumulative "
            "tracking, figure 2; conditional expectations by calibration purchases, figure 4); "
            "compare the table with their figure 4.")


def holdout_results(holdout: Holdout) -> dict[str, float]:
    """``clv.holdout.*`` keys."""
    return {"clv.holdout.predicted_repeat": holdout.predicted_repeat,
            "clv.holdout.predicted_repeat_low": holdout.predicted_low,
            "clv.holdout.predicted_repeat_high": holdout.predicted_high,
            "clv.holdout.actual_repeat": holdout.actual_repeat,
            "clv.holdout.error": holdout.error}
