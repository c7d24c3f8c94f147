"""Everything notebook 03 shows: tables, figures, Markdown built from results, recorded numbers.

Prose is built from the results and the parameters, never hard-coded; "synthetic" is said only
when the data are the shipped synthetic files (:func:`is_synthetic`). Figures use
:mod:`helpers.plots` (a title that states the finding, axes with units and currency) and are
returned, not shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from IPython.display import Markdown

from helpers.config import SYNTHETIC_DIR, resolve_path
from helpers.plots import format_money
from helpers.quota.allocate import level_totals
from helpers.quota.backtest import Backtest
from helpers.quota.baseline import BaselineFit, Forecast
from helpers.quota.budget import BudgetResult, RoiEstimate
from helpers.quota.constants import FREQS
from helpers.quota.figures import (  # noqa: F401  (the notebook calls report.figure_*)
    figure_baseline,
    figure_budget_draws,
    figure_forecast,
    figure_history,
    figure_p_curve,
    figure_quotas,
    figure_response,
)
from helpers.quota.summary import answer, backtest_scores, plan_results, run_results  # noqa: F401
from helpers.results import record
from helpers.tables import table


def is_synthetic(path: str) -> bool:
    """Whether ``path`` is one of the shipped synthetic files (``data/synthetic/``).

    Examples
    --------
    >>> is_synthetic("data/synthetic/quota_sales_history.csv"), is_synthetic("/tmp/my_sales.csv")
    (True, False)
    """
    return resolve_path(path).resolve().parent == SYNTHETIC_DIR.resolve()


def _m(value: float, currency: str) -> str:
    return format_money(value, currency, 1e6)


def _note(synthetic: bool, text: str = "") -> str:
    lead = "Synthetic data. " if synthetic else ""
    return (lead + text).strip()


# --- headline numbers -----------------------------------------------------------------------------


def headline_results(forecast: Forecast, budget: BudgetResult, roi: RoiEstimate, cap: Mapping[str, Any],
                     backtest: Backtest, allocation: pd.DataFrame) -> dict[str, float | bool]:
    """The notebook's headline numbers under their result keys.

    Returns
    -------
    dict
        ``baseline, baseline_low, baseline_high, target, gap, roi, roi_low, roi_high, budget,
        budget_low, budget_high, cap, cap_binds, capped_budget, sales_bought, expected_sales,
        shortfall, backtest_mase, seasonal_naive_mase, backtest_coverage`` and
        ``allocation.<level>`` (capped budget per level) and ``coupons.<level>``; money in the
        sales currency for the whole target period.

    Notes
    -----
    Collects values only; every formula is in the function that produced it.

    Examples
    --------
    >>> from helpers.quota.allocate import allocate
    >>> from helpers.quota.budget import apply_cap, simulate_budget
    >>> fc = Forecast(pd.DataFrame(), 1000.0, 900.0, 1100.0, 50.0, 100.0, 0.9)
    >>> r = RoiEstimate("coupon_festival", 5.0, 0.0, 5.0, 5.0, 0, "override", pd.DataFrame())
    >>> b = simulate_budget(fc, 1500.0, r)
    >>> bt = Backtest(pd.DataFrame(), 0.5, 1.0, 0.9, 1.0)
    >>> a = allocate(100.0, {"S+": 1.0}, {"all": 1.0}, 10.0, "KRW")
    >>> headline_results(fc, b, r, apply_cap(b, 1e9, 5.0), bt, a)["allocation.s_plus"]
    100.0
    """
    from helpers.results import key

    out: dict[str, float | bool] = {
        "baseline": forecast.total, "baseline_low": forecast.total_low, "baseline_high": forecast.total_high,
        "target": budget.target, "gap": budget.gap, "roi": roi.roi, "roi_low": roi.low, "roi_high": roi.high,
        "budget": budget.budget, "budget_low": budget.low, "budget_high": budget.high,
        "cap": float(cap["cap"]), "cap_binds": bool(cap["cap_binds"]), "capped_budget": float(cap["capped_budget"]),
        "sales_bought": float(cap["sales_bought"]), "expected_sales": float(cap["expected_sales"]),
        "shortfall": float(cap["shortfall"]), "backtest_mase": backtest.mase_model,
        "seasonal_naive_mase": backtest.mase_naive, "backtest_coverage": backtest.coverage,
    }
    if np.isfinite(backtest.mase_benchmark):
        out["benchmark_mase"] = backtest.mase_benchmark
    totals = level_totals(allocation)
    for row in totals.itertuples(index=False):
        out[key("allocation", row.level)] = float(row.budget)
    for row in totals.itertuples(index=False):
        out[key("coupons", row.level)] = int(row.coupons)
    return out


MONEY_KEYS = ("baseline", "baseline_low", "baseline_high", "target", "gap", "budget", "budget_low",
              "budget_high", "cap", "capped_budget", "sales_bought", "expected_sales", "shortfall",
              "budget_attributional", "budget_incremental", "budget_for_p", "budget_for_p_low",
              "budget_for_p_high")
MONEY_PREFIXES = ("allocation.", "profit.expected", "holiday.")
COUNT_PREFIXES = ("coupons.", "quota.", "coupons_released")


def headline_table(results: Mapping[str, Any], currency: str) -> pd.DataFrame:
    """Headline results as a plain, rounded text table (for the checked notebook output).

    Returns
    -------
    DataFrame
        ``key, value, unit``: money in millions of ``currency`` with 1 decimal, ROI and MASE
        with 3 decimals, coverage as a fraction with 3 decimals, the backtest tie tests'
        p-values with 2, counts and flags as they are.

    Notes
    -----
    Rounding only; no formula.

    Examples
    --------
    >>> headline_table({"gap": 12_345_678.0, "roi": 7.12345, "cap_binds": True,
    ...                 "backtest.sarimax.tie_p": 0.9687}, "KRW")["value"].tolist()
    ['12.3', '7.123', 'True', '0.97']
    """
    rows = []
    for k, v in results.items():
        if k in MONEY_KEYS or k.startswith(MONEY_PREFIXES):
            rows.append((k, f"{v / 1e6:,.1f}", f"{currency} million"))
        elif isinstance(v, (bool, str, int)) or k.startswith(COUNT_PREFIXES):
            rows.append((k, str(v), "coupons" if k.startswith(COUNT_PREFIXES) else ""))
        elif k.startswith("p_") or k.endswith("prob_positive"):
            rows.append((k, f"{v:.3f}", "probability"))
        elif k.endswith(".tie_p"):
            # a p-value from SARIMAX/ETS refits: its third decimal differs between machines (0.969, 0.966)
            rows.append((k, f"{v:.2f}", "p-value"))
        else:
            rows.append((k, f"{v:.3f}", "ratio"))
    return pd.DataFrame(rows, columns=["key", "value", "unit"])


def effects_summary(effects: pd.DataFrame, fit: BaselineFit, currency: str, level: float = 0.9) -> str:
    """Markdown bullets on the estimated promotion uplift and the residuals, from the results.

    Returns
    -------
    str
        Two bullets: the largest uplift with its interval (or a plain statement that the history has
        no promotion periods, so baseline = fitted sales), and the residual sd and autocorrelation.

    Notes
    -----
    Text only; the numbers come from :func:`promo_effects` and :func:`fit_baseline`.

    Examples
    --------
    >>> i = np.arange(24)  # 24 months, S+ promotions in months 3 and 19
    >>> h = pd.DataFrame({"date": pd.date_range("2023-01-01", periods=24, freq="MS"),
    ...     "sales": 1000.0 + 7.0 * (i % 5) + 500.0 * np.isin(i, [2, 18]),
    ...     "promo_level": np.where(np.isin(i, [2, 18]), "S+", None), "holiday": False})
    >>> from helpers.quota.baseline import fit_baseline, promo_effects
    >>> fit = fit_baseline(h, "MS")
    >>> effects_summary(promo_effects(fit), fit, "KRW").startswith("- The biggest estimated uplift is **S+**")
    True
    """
    from helpers.plots import format_money

    unit = FREQS[fit.freq].label
    if effects.empty:
        first = ("- The history has no promotion periods, so there is no uplift to remove: the baseline "
                 "equals the fitted sales.")
    else:
        top = effects.sort_values("effect", ascending=False).iloc[0]
        first = (f"- The biggest estimated uplift is **{top['level']}**: "
                 f"{format_money(top['effect'], currency, 1e6)} per promotion {unit} "
                 f"({level:.0%} CI {format_money(top['low'], currency, 1e6)}–"
                 f"{format_money(top['high'], currency, 1e6)}, {int(top['periods'])} {unit}s).")
    second = (f"- Residual sd {format_money(fit.sigma, currency, 1e6)} per {unit}; lag-1 residual "
              f"autocorrelation ρ = {fit.rho:.2f}, which widens the interval of a period total.")
    return first + "\n" + second


def record_results(results: Mapping[str, Any]) -> None:
    """Record every headline number under its key (:func:`helpers.results.record`)."""
    for name, value in results.items():
        record(name, value)


def headline_text(results: Mapping[str, Any], currency: str) -> str:
    """The checked plain-text headline table (printed in the ``NBVAL_CHECK_OUTPUT`` cell)."""
    return headline_table(results, currency).to_string(index=False)


# --- data -----------------------------------------------------------------------------------------


def quality_table(quality: pd.DataFrame) -> Any:
    """The data-quality counts of :func:`~helpers.quota.load.check_history` for readers."""
    return table(quality, {"rule": "text", "rows": "count"}, headers={"rule": "rule", "rows": "rows"},
                 caption="Rows read, filled and used")


def history_preview(history: pd.DataFrame, currency: str, rows: int = 5) -> Any:
    """The first rows of the checked history, money formatted in its currency."""
    kinds = {"date": "date", "sales": "money"}
    for col, kind in (("coupon_spend", "money"), ("orders", "count"), ("holiday", "bool")):
        if col in history.columns:
            kinds[col] = kind
    return table(history.head(rows), kinds, currency=currency, caption="First periods of the sales history")


# --- baseline -------------------------------------------------------------------------------------


def effects_table(effects: pd.DataFrame, currency: str, level: float) -> Any:
    """Estimated uplift per promotion level with its confidence interval."""
    return table(effects.drop(columns="currency"),
                 {"level": "text", "effect": "money_m", "low": "money_m", "high": "money_m", "periods": "count"},
                 currency=currency,
                 headers={"effect": f"uplift per period ({currency})", "low": f"{level:.0%} CI low",
                          "high": f"{level:.0%} CI high", "periods": "promotion periods"},
                 caption="Estimated promotion uplift per period, by level")


# --- backtest -------------------------------------------------------------------------------------


def backtest_table(backtest: Backtest) -> Any:
    """One row per backtest fold."""
    kinds = {"origin": "date", "mae_model": "number", "mae_naive": "number", "mase_model": "ratio",
             "mase_naive": "ratio", "mase_benchmark": "ratio", "mase_ets": "ratio", "mase_log": "ratio", "coverage": "pct",
             "total_inside": "bool"}
    kinds = {k: v for k, v in kinds.items() if k in backtest.folds.columns}
    return table(backtest.folds, kinds,
                 headers={"origin": "fold origin", "mae_model": "MAE model", "mae_naive": "MAE naive",
                          "mase_model": "MASE regression", "mase_naive": "MASE seasonal naive",
                          "mase_benchmark": "MASE SARIMAX", "mase_ets": "MASE ETS", "mase_log": "MASE log regression",
                          "coverage": "periods inside interval", "total_inside": "total inside interval"},
                 caption="Rolling-origin backtest, one row per fold",
                 decimals={k: 3 for k in kinds if k.startswith("mase_")})


def backtest_summary(backtest: Backtest, horizon: int, freq: str, level: float) -> Markdown:
    """Two bullets: MASE against the seasonal naive benchmark, and interval coverage."""
    label = FREQS[freq].label
    verdict = "better" if backtest.mase_model < backtest.mase_naive else "not better"
    return Markdown(
        f"- Over {len(backtest.folds)} folds of {horizon} {label}s the model's MASE is "
        f"**{backtest.mase_model:.2f}** against **{backtest.mase_naive:.2f}** for the seasonal naive forecast "
        f"({verdict} than the benchmark)"
        + (f"; SARIMAX with the same regressors scores **{backtest.mase_benchmark:.2f}**"
           if np.isfinite(backtest.mase_benchmark) else "")
        + (f", ETS with them **{backtest.folds['mase_ets'].mean():.2f}**" if "mase_ets" in backtest.folds else "")
        + (f", the log (multiplicative) regression **{backtest.folds['mase_log'].mean():.2f}**"
           if "mase_log" in backtest.folds else "")
        + ".\n"
        +
        f"- {backtest.coverage:.0%} of held-out {label}s fall inside the nominal {level:.0%} "
        f"interval; the period total fell inside its interval in {backtest.total_coverage:.0%} of folds "
        "(few folds: a rough check only).")


# --- ROI and budget -------------------------------------------------------------------------------


def campaigns_intro(plan: Any, synthetic: bool) -> Markdown:
    """Which campaigns the ROI comes from (the attributional table lists them all)."""
    roi = plan.rois.get("attributional", plan.roi)
    if roi.source == "override":
        return Markdown(f"ROI of **{roi.activity_type}** given as a parameter: **{roi.roi:.2f}** "
                        "(no past campaigns read, so no spread).")
    origin = "the shipped file is synthetic, from notebook 02" if synthetic else "your file"
    return Markdown(f"Past campaigns of **{roi.activity_type}** used for the ROI ({roi.n_campaigns} campaigns; "
                    f"{origin}):")


def roi_table(roi: RoiEstimate, currency: str) -> Any:
    """The past campaigns behind the ROI, one row each."""
    c = roi.campaigns.drop(columns="currency", errors="ignore")
    return table(c, {"coupon_cost": "money", "coupon_payment_amount": "money", "roi": "ratio"}, currency=currency,
                 headers={"coupon_cost": f"coupon cost ({currency})",
                          "coupon_payment_amount": f"coupon payment amount ({currency})"},
                 caption=f"Past {roi.activity_type} campaigns: ROI = payment amount / coupon cost")


def budget_summary(forecast: Forecast, target: float, last_year: float | None, growth: float,
                   budget: BudgetResult, roi: RoiEstimate, cap: Mapping[str, Any], currency: str,
                   start: pd.Timestamp, end: pd.Timestamp) -> Markdown:
    """Bullets: baseline against target, the budget at the ROI, and whether the cap binds."""
    level = forecast.level
    out = (f"- Target period {start.date()}–{end.date()}: baseline **{_m(forecast.total, currency)}** "
           f"({level:.0%} interval {_m(forecast.total_low, currency)}–{_m(forecast.total_high, currency)}) "
           f"against a target of **{_m(target, currency)}**"
           + (f" (last year {_m(last_year, currency)} × {1 + growth:.2f})" if last_year is not None
              else " (given amount)")
           + f": gap {_m(budget.gap, currency)}.\n")
    if budget.statement:
        out += f"- {budget.statement}\n"
    else:
        out += (f"- At ROI {roi.roi:.2f} ({roi.source}, {roi.activity_type}) the gap needs a coupon budget of "
                f"**{_m(budget.budget, currency)}** ({level:.0%} interval {_m(budget.low, currency)}–"
                f"{_m(budget.high, currency)}).\n")
    if cap["cap_binds"]:
        out += (f"- The cap of {_m(cap['cap'], currency)} **binds**: the capped budget buys "
                f"{_m(cap['sales_bought'], currency)} of sales, leaving the target "
                f"{_m(cap['shortfall'], currency)} short.")
    else:
        out += (f"- The cap of {_m(cap['cap'], currency)} does not bind; the budget buys "
                f"{_m(cap['sales_bought'], currency)} of sales at the pooled ROI.")
    return Markdown(out)


# --- allocation -----------------------------------------------------------------------------------


def level_table(per_level: pd.DataFrame, currency: str) -> Any:
    """Budget, share and coupons per promotion level."""
    return table(per_level.drop(columns="currency"),
                 {"level": "text", "budget": "money", "share": "pct", "coupons": "count", "coupon_value": "money",
                  "expected_cost": "money"},
                 currency=currency, headers={"budget": f"budget ({currency})",
                                             "coupons": "coupons to release",
                                             "coupon_value": f"face value released ({currency})",
                                             "expected_cost": f"expected cost at the redemption rate ({currency})"},
                 caption="Capped budget and coupon quota per promotion level")


def quota_pivot(allocation: pd.DataFrame, level_weights: Mapping[str, float],
                slot_shares: Mapping[str, float]) -> pd.DataFrame:
    """Coupons per level (rows, in ``level_weights`` order) and release slot (columns, in ``slot_shares`` order).

    Examples
    --------
    >>> from helpers.quota.allocate import allocate
    >>> a = allocate(100_000, {"S+": 0.5, "S": 0.5}, {"am": 0.5, "pm": 0.5}, 3000, "KRW")
    >>> quota_pivot(a, {"S+": 0.5, "S": 0.5}, {"am": 0.5, "pm": 0.5}).to_dict("index")  # 33 -> 17 + 16
    {'S+': {'am': 9, 'pm': 8}, 'S': {'am': 8, 'pm': 8}}
    """
    pivot = allocation.pivot(index="level", columns="slot", values="coupons")
    out = pivot.loc[list(level_weights), list(slot_shares)]
    out.columns.name = "slot"
    return out


def quota_table(quotas: pd.DataFrame) -> Any:
    """The whole-coupon quotas per level and release slot."""
    return table(quotas, {c: "count" for c in quotas.columns}, index=True,
                 caption="Coupons to release per promotion level (rows) and time slot (columns)")


def allocation_summary(allocation: pd.DataFrame, per_level: pd.DataFrame, currency: str) -> Markdown:
    """Coupons in all and per level."""
    parts = ", ".join(f"{r.level}: {int(r.coupons):,} ({_m(r.budget, currency)})" for r in per_level.itertuples())
    return Markdown(f"- {int(allocation['coupons'].sum()):,} coupons in all; {parts}.\n"
                    "- Quotas per slot follow `slot_shares`; each level's slots add up exactly to its total.")


def caveats(synthetic: bool, roi: RoiEstimate) -> Markdown:
    """The caveats section, from what the run used (data origin, ROI source)."""
    items = []
    if synthetic:
        items.append("- **Synthetic data.** The sales history is seeded synthetic data, not a real store; the "
                     "planted promotion uplift per level is what the model is checked against in "
                     "`tests/quota/`. Revenue sources and the marketing share are illustrative parameters, "
                     "not published figures.")
    else:
        items.append("- **Your data.** The true promotion effect of your history is unknown: check the estimated "
                     "uplift against what you know of past events.")
    if roi.basis == "attributional":
        items.append("- **ROI is attributional.** ROI = paid amount of coupon orders / coupon cost counts every "
                     "coupon order as bought by the coupon; notebook 02's holdout comparison shows incremental "
                     "sales are smaller, so gap / ROI understates the budget a truly incremental gap needs.")
    else:
        items.append("- **Incremental ROI** comes from notebook 02's holdout comparisons and the uplift of the "
                     "history's promotion periods; both are estimates, and a curve fitted to few points "
                     "extrapolates beyond the spend seen in the data.")
    items.append("- The baseline is additive: promotion uplift is a fixed amount per period, independent of "
                 "season. A promotion held in the same calendar month every year cannot be told apart from "
                 "seasonality in monthly data (the helper refuses it).")
    spread = ("with the `roi` override the ROI spread is taken as zero" if roi.source == "override" else
              "a future campaign's ROI is assumed to vary like past campaigns of its type")
    items.append(f"- The budget interval assumes baseline and ROI errors are independent; {spread}.")
    items.append("- Holidays: the history's own holiday column recurs on the same date; moving holidays come "
                 "from the `holidays` calendar of `holiday_country` when it is set, Seollal and Chuseok each with "
                 "their own effect and run-up and return windows whose lengths (`holiday_pre_days`, "
                 "`holiday_post_days`) are assumptions, not published figures.")
    return Markdown("\n".join(items))


# --- ROI basis, response curve, P(target met) -------------------------------------------------


def basis_table(plan: Any, currency: str) -> Any:
    """Both ROI bases side by side: ROI, the curve used and the budget each implies with its interval."""
    rows = []
    for name, need in plan.needs.items():
        curve, roi = plan.curves[name], plan.rois[name]
        rows.append({"basis": name + (" (chosen)" if name == plan.basis else ""), "roi": roi.roi,
                     "response": "constant ROI" if curve.kind == "constant" else f"power, b = {curve.b:.2f}",
                     "budget": need.budget, "low": need.low, "high": need.high})
    df = pd.DataFrame(rows)
    return table(df, {"basis": "text", "roi": "ratio", "response": "text", "budget": "money_m", "low": "money_m",
                      "high": "money_m"}, currency=currency,
                 headers={"roi": "ROI (pooled)", "budget": f"budget ({currency})", "low": "interval low",
                          "high": "interval high"},
                 caption="Budget the gap needs on each ROI basis (interval: joint simulation of baseline and return)")


def plan_summary(plan: Any, cap: Mapping[str, Any], p_met: float, budget_p: float, p_target: float,
                 currency: str, level: float = 0.9) -> Markdown:
    """Bullets: the basis and why, the curve, P(target met) at the budget spent, the budget for p."""
    items = []
    if plan.statement:
        items.append(f"- {plan.statement}")
    if plan.curve.statement:
        items.append(f"- {plan.curve.statement}")
    others = [n for n in plan.needs if n != plan.basis]
    chosen = plan.need
    line = (f"- On the **{plan.basis}** basis the gap needs **{_m(chosen.budget, currency)}** "
            f"({level:.0%} interval {_m(chosen.low, currency)}–{_m(chosen.high, currency)})")
    if others:
        o = plan.needs[others[0]]
        line += f"; the {others[0]} basis would say {_m(o.budget, currency)}"
        if not (chosen.low <= o.budget <= chosen.high):
            line += ", outside the chosen basis's interval"
    items.append(line + ".")
    spent = float(cap["capped_budget"])
    if plan.curve.kind == "power":
        ext = plan.curve.extrapolated(spent, plan.weights, plan.days)
        per_day = plan.curve.spend_per_day(spent, plan.weights, plan.days)
        beyond = [k for k, v in per_day.items() if v > plan.curve.spend_range[1]]
        if beyond:
            items.append(f"- **Extrapolation:** {ext:.0%} of the budget is spent beyond the highest spend per day the "
                         f"experiments saw ({_m(plan.curve.spend_range[1], currency)}), on level(s) "
                         f"{', '.join(beyond)}; there the curve rests on the observational prior alone.")
    binds = " (the cap binds)" if cap["cap_binds"] else ""
    items.append(f"- Spending {_m(spent, currency)}{binds} meets the target with probability **{p_met:.0%}**.")
    if np.isfinite(budget_p):
        items.append(f"- Meeting the target with probability {p_target:.0%} needs **{_m(budget_p, currency)}**"
                     + (f", above the cap of {_m(cap['cap'], currency)}." if budget_p > cap["cap"] else "."))
    else:
        items.append(f"- No budget reaches a {p_target:.0%} chance of meeting the target in the simulation.")
    return Markdown("\n".join(items))


def profit_note(run: Any, p: Any) -> Markdown:
    """The profit check in plain words: expected profit, P(profit > 0), a warning at a loss, 02's verdict."""
    from helpers.quota.profit import profit_statement

    text = "- " + profit_statement(run.profit, run.verdict, p.activity_type, run.currency)
    if run.profit_p is not None and run.profit_p.budget > run.profit.budget:
        text += (f"\n- At the budget for a {p.p_target:.0%} chance ({_m(run.profit_p.budget, run.currency)}) the "
                 f"expected incremental profit is {_m(run.profit_p.expected, run.currency)} "
                 f"(P(profit > 0) = {run.profit_p.prob_positive:.0%}).")
    return Markdown(text)


def calendar_table(effects: pd.DataFrame, currency: str, level: float) -> Any:
    """Holiday and lead/lag effects with their HAC intervals."""
    return table(effects, {"term": "text", "effect": "money_m", "low": "money_m", "high": "money_m"},
                 currency=currency, headers={"effect": f"effect per period ({currency})",
                                             "low": f"{level:.0%} CI low", "high": f"{level:.0%} CI high"},
                 caption="Holidays and the days around promotions (HAC intervals)")


def redemption_note(rate: float, source: str, face_value: float, currency: str) -> Markdown:
    """How many coupons are released per coupon the budget pays for."""
    return Markdown(f"Redemption rate **{rate:.0%}** ({source}): a coupon of "
                    f"{format_money(face_value, currency, decimals=0)} costs "
                    f"{format_money(face_value * rate, currency, decimals=0)} in expectation, so "
                    f"{1 / rate:.1f} coupons are released per coupon the budget pays for.")


def data_note(synthetic: bool) -> Markdown:
    """Where the data come from (said plainly when they are the shipped synthetic files)."""
    if synthetic:
        return Markdown("The sales history is the shipped **synthetic** file (seeded, with a known promotion uplift "
                        "per level), so the estimates can be checked against the truth planted in it.")
    return Markdown("The sales history is your file; nothing about its true promotion effect is known.")


__all__ = ["is_synthetic", "headline_results", "record_results", "headline_table", "headline_text",
           "effects_summary", "quality_table", "history_preview", "figure_history", "effects_table",
           "figure_baseline", "backtest_table", "backtest_summary", "campaigns_intro", "roi_table",
           "budget_summary", "figure_forecast", "figure_budget_draws", "level_table", "quota_pivot",
           "quota_table", "figure_quotas", "allocation_summary", "caveats", "data_note", "plan_results",
           "basis_table", "plan_summary", "answer", "profit_note", "run_results", "figure_response", "figure_p_curve", "calendar_table", "redemption_note"]
