"""What notebook 06 shows of the out-of-sample segment check: tables, prose and recorded numbers.

The numbers come from :mod:`helpers.segments.validation` (the check on one or several calibration
splits) and :mod:`helpers.segments.uncertainty` (their intervals); the figure is in
:mod:`helpers.segments.figures`.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown

from helpers.btyd.cdnow import CURRENCY
from helpers.plots import format_money, format_pct
from helpers.results import record
from helpers.segments.uncertainty import ValidationIntervals, validation_intervals
from helpers.segments.validation import Validation, rank_agreement
from helpers.tables import table


def _day(ts: pd.Timestamp) -> str:
    return f"{pd.Timestamp(ts):%Y-%m-%d}"


def _level(iv: ValidationIntervals) -> str:
    return f"{iv.conf_level:.0%}"


def split_intervals(vals: list[Validation], *, n_boot: int, conf_level: float, seed: int) -> list[ValidationIntervals]:
    """The intervals of each split (:func:`helpers.segments.uncertainty.validation_intervals`),
    split ``j`` with seed ``seed + j``."""
    return [validation_intervals(v.per, n_boot=n_boot, conf_level=conf_level, seed=seed + j)
            for j, v in enumerate(vals)]


def validation_table(val: Validation, iv: ValidationIntervals, currency: str = CURRENCY):
    """Per segment: calibration customers, what they did in the holdout (with intervals), what
    BG/NBD expected."""
    t = val.table.join(iv.table)
    cols = ["customers", "next_revenue_per_customer", "next_revenue_per_customer_low",
            "next_revenue_per_customer_high", "next_repeat_rate", "next_repeat_rate_low", "next_repeat_rate_high",
            "next_purchases_per_customer", "expected_purchases_per_customer", "p_alive"]
    lvl = _level(iv)
    return table(t[cols], {"customers": "count", "next_revenue_per_customer": "money",
                           "next_revenue_per_customer_low": "money", "next_revenue_per_customer_high": "money",
                           "next_repeat_rate": "pct", "next_repeat_rate_low": "pct", "next_repeat_rate_high": "pct",
                           "next_purchases_per_customer": "ratio", "expected_purchases_per_customer": "ratio",
                           "p_alive": "pct"},
                 currency=currency, decimals={c: 2 for c in cols if c.startswith("next_revenue")},
                 headers={"customers": "customers (calibration)",
                          "next_revenue_per_customer": f"next-period revenue per customer ({currency})",
                          "next_revenue_per_customer_low": f"{lvl} low", "next_revenue_per_customer_high": f"{lvl} high",
                          "next_repeat_rate": "bought again in the next period",
                          "next_repeat_rate_low": f"{lvl} low", "next_repeat_rate_high": f"{lvl} high",
                          "next_purchases_per_customer": "purchase days per customer (actual)",
                          "expected_purchases_per_customer": "purchase days per customer (BG/NBD)",
                          "p_alive": "P(alive), BG/NBD"},
                 caption=f"Segments built on purchases to {_day(val.calibration_end)}, followed to "
                         f"{_day(val.holdout_end)} ({val.holdout_weeks:.0f} weeks); revenue intervals "
                         f"bootstrap-t ({iv.n_boot:,} replicates), repeat rates Wilson")


def splits_frame(vals: list[Validation], ivs: list[ValidationIntervals]) -> pd.DataFrame:
    """One row per split: its periods, customers, rank agreement with bounds, and the segments
    with the highest and lowest next-period revenue per customer."""
    rows = []
    for j, (v, iv) in enumerate(zip(vals, ivs, strict=True)):
        t = v.table[v.table["customers"] > 0]["next_revenue_per_customer"]
        rows.append({"split": j, "calibration_end": v.calibration_end, "holdout_end": v.holdout_end,
                     "customers": v.customers, "rank_agreement": iv.rank_agreement,
                     "rank_agreement_low": iv.rank_agreement_low, "rank_agreement_high": iv.rank_agreement_high,
                     "top_segment": t.idxmax(), "bottom_segment": t.idxmin()})
    return pd.DataFrame(rows).set_index("split")


def splits_table(vals: list[Validation], ivs: list[ValidationIntervals]):
    """The rolling-origin checks side by side (:func:`splits_frame`)."""
    lvl = _level(ivs[0])
    return table(splits_frame(vals, ivs),
                 {"calibration_end": "date", "holdout_end": "date", "customers": "count", "rank_agreement": "ratio",
                  "rank_agreement_low": "ratio", "rank_agreement_high": "ratio", "top_segment": "text",
                  "bottom_segment": "text"},
                 headers={"calibration_end": "calibration to", "holdout_end": "holdout to",
                          "customers": "customers (calibration)", "rank_agreement": "rank agreement",
                          "rank_agreement_low": f"{lvl} low", "rank_agreement_high": f"{lvl} high",
                          "top_segment": "most next-period revenue", "bottom_segment": "least"},
                 caption="The same check from earlier calibration ends (rolling origin, equal holdout lengths); "
                         "rank agreement: Spearman over segments of next-period revenue against BG/NBD's "
                         "expected purchases, bounds over the segment orderings simultaneous intervals allow")


def record_validation(val: Validation, iv: ValidationIntervals) -> None:
    """Record ``segment.<name>.next_revenue_per_customer(_low/_high) / .next_repeat_rate(_low/_high)
    / .next_purchases / .expected_purchases / .p_alive`` (non-empty segments) and ``validation.*``."""
    for name, row in val.table.iterrows():
        if row["customers"] == 0:
            continue
        record(f"segment.{name}.next_revenue_per_customer", float(row["next_revenue_per_customer"]))
        record(f"segment.{name}.next_repeat_rate", float(row["next_repeat_rate"]))
        for col in ("next_revenue_per_customer", "next_repeat_rate"):
            record(f"segment.{name}.{col}_low", float(iv.table.loc[name, f"{col}_low"]))
            record(f"segment.{name}.{col}_high", float(iv.table.loc[name, f"{col}_high"]))
        record(f"segment.{name}.next_purchases", float(row["next_purchases_per_customer"]))
        record(f"segment.{name}.expected_purchases", float(row["expected_purchases_per_customer"]))
        record(f"segment.{name}.p_alive", float(row["p_alive"]))
    record("validation.customers", val.customers)
    record("validation.holdout_weeks", float(val.holdout_weeks))
    record("validation.bgnbd_converged", bool(val.fit.converged))
    record("validation.rank_agreement", rank_agreement(val.table))
    record("validation.rank_agreement_low", iv.rank_agreement_low)
    record("validation.rank_agreement_high", iv.rank_agreement_high)
    record("validation.conf_level", iv.conf_level)
    record("validation.boot_replicates", iv.n_boot)
    record("validation.boot_mc_error", iv.mc_error)


def record_splits(vals: list[Validation], ivs: list[ValidationIntervals]) -> None:
    """Record ``validation.splits``, ``validation.split.<j>.rank_agreement(_low/_high)`` and
    ``.customers`` per split (0 = the main check), and ``validation.top_segment_stable``."""
    f = splits_frame(vals, ivs)
    record("validation.splits", len(f))
    for j, row in f.iterrows():
        record(f"validation.split.{j}.customers", int(row["customers"]))
        for col in ("rank_agreement", "rank_agreement_low", "rank_agreement_high"):
            record(f"validation.split.{j}.{col}", float(row[col]))
    record("validation.top_segment_stable", bool(f["top_segment"].nunique() == 1))


def validation_check_text(val: Validation) -> str:
    """Plain-text headline of the out-of-sample table (the nbval-checked cell)."""
    return val.table.round(4).to_string()


def validation_bullets(val: Validation, iv: ValidationIntervals, currency: str = CURRENCY) -> Markdown:
    """Which segments bought most in the next period (with intervals), and how BG/NBD compares."""
    t = val.table[val.table["customers"] > 0]
    best, worst = t["next_revenue_per_customer"].idxmax(), t["next_revenue_per_customer"].idxmin()
    actual = float((t["next_purchases_per_customer"] * t["customers"]).sum() / t["customers"].sum())
    expected = float((t["expected_purchases_per_customer"] * t["customers"]).sum() / t["customers"].sum())
    fit = ("" if val.fit.converged else " **The BG/NBD fit did not converge: its columns are not results.**")
    one_timers = t.index[t["p_alive"] > 0.99].tolist()
    alive_note = (f" BG/NBD gives P(alive) = 1 to customers without a repeat purchase, so "
                  f"{', '.join(one_timers)} show P(alive) near 1 although few of them buy again: read "
                  "its expected purchases, not P(alive), for those segments." if one_timers else "")
    lvl = _level(iv)

    def money(name: str, col: str = "next_revenue_per_customer") -> str:
        return format_money(t.loc[name, col] if col in t else iv.table.loc[name, col], currency, decimals=2)

    def revenue(name: str) -> str:
        return (f"{money(name)} ({lvl} interval {money(name, 'next_revenue_per_customer_low')} to "
                f"{money(name, 'next_revenue_per_customer_high')})")

    why = (" — loose, because several segments' next-period revenue or expected purchases cannot be "
           "told apart" if iv.rank_agreement_high - iv.rank_agreement_low > 1 else "")
    return Markdown(
        f"- **{best}** customers spent {revenue(best)} each in the next {val.holdout_weeks:.0f} weeks and "
        f"{format_pct(t.loc[best, 'next_repeat_rate'])} bought again; **{worst}** customers {revenue(worst)} "
        f"and {format_pct(t.loc[worst, 'next_repeat_rate'])}.\n"
        f"- Over all {val.customers:,} calibration customers BG/NBD expected {expected:.2f} purchase days "
        f"per customer and they made {actual:.2f}; across segments, the rank correlation of next-period "
        f"revenue with BG/NBD's expected purchases is {rank_agreement(val.table):.2f}, between "
        f"{iv.rank_agreement_low:.2f} and {iv.rank_agreement_high:.2f} at {lvl} (the least and greatest over "
        f"the segment orderings the data allow{why}).{fit}{alive_note}\n"
        f"- Intervals are conditional on the calibration segments and the BG/NBD fit (customers resampled "
        f"within their segment, {iv.n_boot:,} replicates; each revenue endpoint's Monte-Carlo error is "
        f"{iv.mc_error:.1%} of its interval's width).")


def splits_bullets(vals: list[Validation], ivs: list[ValidationIntervals]) -> Markdown:
    """Whether the check tells the same story from each calibration end."""
    f = splits_frame(vals, ivs)
    if len(f) == 1:
        return Markdown("- Only one calibration split fits in the data (an earlier one would leave under "
                        "28 days of calibration or fewer than three segments), so the check is not repeated.")
    tops = f["top_segment"].unique()
    top = (f"**{tops[0]}** buy most in the next period in all {len(f)} splits" if len(tops) == 1
           else f"the top segment changes between splits ({', '.join(tops)})")
    ra = ", ".join(f"{r:.2f} [{lo:.2f}, {hi:.2f}]" for r, lo, hi in
                   f[["rank_agreement", "rank_agreement_low", "rank_agreement_high"]].itertuples(index=False))
    return Markdown(f"- From {len(f)} calibration ends ({_day(f['calibration_end'].min())} to "
                    f"{_day(f['calibration_end'].max())}), {top}; the rank agreement reads {ra}.")
