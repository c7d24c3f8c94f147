"""Incremental sales bought by coupon spend: the response curve, its uncertainty, P(target met).

The attributional ROI (paid amount of coupon orders / coupon cost) counts orders that would have
happened anyway; the incremental basis uses past campaigns measured against a holdout
(``incremental_roi`` with its interval: the experiments) and, as a down-weighted prior on the
curvature only, the uplift of the history's promotion levels (:mod:`helpers.quota.curve`).
:func:`fit_response` gives the curve (or a constant ROI, stated), :func:`simulate_need` draws the
budget the target needs jointly with the baseline forecast, the response parameters, the
campaign-to-campaign variation and the redemption rate, from which :func:`p_target_met` and
:func:`budget_for_p` follow. Spend is per promotion day: a level with budget share :math:`w_\\ell`
over :math:`d_\\ell` event days spends :math:`w_\\ell B / d_\\ell` a day.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers.quota.baseline import BaselineFit, Forecast
from helpers.quota.budget import BudgetResult, RoiEstimate
from helpers.quota.curve import PooledFit, curvature_prior, experiment_table, fit_pooled

INCREMENTAL_COLUMNS = ("incremental_roi", "incremental_roi_low", "incremental_roi_high")
POINT_COLUMNS = ["source", "label", "spend", "incremental", "se"]


def has_incremental(campaigns: pd.DataFrame | None) -> bool:
    """Whether past campaigns carry the incremental-ROI columns (with values).

    Examples
    --------
    >>> has_incremental(pd.DataFrame({"roi": [8.0]})), has_incremental(None)
    (False, False)
    """
    return (campaigns is not None and all(c in campaigns.columns for c in INCREMENTAL_COLUMNS)
            and bool(campaigns["incremental_roi"].notna().any()))


def response_points(campaigns: pd.DataFrame | None, activity_type: str, fit: BaselineFit | None = None,
                    history: pd.DataFrame | None = None, freq: str = "D") -> pd.DataFrame:
    """(spend, incremental sales, standard error) per day from experiments and from the history.

    Parameters
    ----------
    campaigns : DataFrame or None
        Past campaigns with ``coupon_cost``, ``incremental_roi`` and its 95% interval.
    activity_type : str
        Only campaigns of this type are used.
    fit, history : optional
        The baseline fit and the checked history; with a ``coupon_spend`` column each promotion
        level gives one observational point: extra spend per promotion day (mean on its days minus
        mean on days without promotion) against the estimated uplift, with its HAC standard error.
    freq : {"D", "MS"}
        The unit of a point: per day (a campaign's totals over its days) or per month.

    Returns
    -------
    DataFrame
        ``source`` ("campaign" or "history"), ``label``, ``spend``, ``incremental``, ``se``.

    Notes
    -----
    Campaign :math:`i` over :math:`d_i` days: :math:`x_i = C_i / d_i`, :math:`y_i = r_i x_i`,
    :math:`\\mathrm{se}_i = x_i (r^{hi}_i - r^{lo}_i)/(2 \\cdot 1.96)`. Level :math:`\\ell`:
    :math:`x_\\ell = \\bar s_\\ell - \\bar s_0`, :math:`y_\\ell = \\hat\\delta_\\ell + L\\hat\\lambda^- + F\\hat\\lambda^+`.
    Points with :math:`y \\le 0` are kept (the fits are on the level scale).

    Examples
    --------
    >>> c = pd.DataFrame({"campaign_id": ["a"], "activity_type": ["category_week"], "coupon_cost": [100.0],
    ...                   "incremental_roi": [6.0], "incremental_roi_low": [4.0], "incremental_roi_high": [8.0]})
    >>> response_points(c, "category_week")[["spend", "incremental"]].values.tolist()
    [[100.0, 600.0]]
    """
    frames = []
    if has_incremental(campaigns):
        e = experiment_table(campaigns, activity_type, freq)
        frames.append(e.assign(source="campaign")[POINT_COLUMNS])
    if fit is not None and history is not None and "coupon_spend" in history.columns and fit.levels:
        spend = pd.to_numeric(history["coupon_spend"], errors="coerce")
        none = history["promo_level"].isna()
        params = dict(zip(fit.columns, fit.results.params, strict=True))
        bse = dict(zip(fit.columns, fit.results.bse, strict=True))
        around = fit.lead * params.get("promo_lead", 0.0) + fit.lag * params.get("promo_lag", 0.0)
        rows = []
        for lvl in fit.levels:
            extra = float(spend[history["promo_level"] == lvl].mean() - spend[none].mean())
            if np.isfinite(extra):
                rows.append({"source": "history", "label": f"{lvl} periods", "spend": extra,
                             "incremental": float(params[f"promo_{lvl}"]) + float(around),
                             "se": float(bse[f"promo_{lvl}"])})
        frames.append(pd.DataFrame(rows, columns=POINT_COLUMNS))
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=POINT_COLUMNS)


def _spread(weights: Mapping[str, float], days: Mapping[str, float] | None) -> tuple[np.ndarray, np.ndarray]:
    """Budget shares and event days of the levels with a positive share (1 day each when not given)."""
    keys = [k for k, v in weights.items() if v > 0]
    w = np.array([weights[k] for k in keys], dtype=float)
    d = np.array([float((days or {}).get(k, 1.0)) for k in keys], dtype=float)
    if (d <= 0).any():
        raise ValueError(f"event_days must be > 0 for every level with a budget share, got {dict(zip(keys, d, strict=True))}")
    return w, d


@dataclass
class Response:
    """Incremental sales as a function of coupon spend per day (see :func:`fit_response`)."""

    basis: str
    kind: str  # "power" or "constant"
    r0: float
    b: float
    cov: np.ndarray
    tau: float
    x0: float
    df: float
    points: pd.DataFrame = field(repr=False)
    roi: RoiEstimate | None = None
    statement: str = ""
    spend_range: tuple[float, float] = (float("nan"), float("nan"))
    prior: tuple[float, float] | None = None

    @property
    def a(self) -> float:
        """Scale of :math:`f(x) = a x^b` per day: :math:`a = r_0 x_0^{1-b}`."""
        return float(self.r0 * self.x0 ** (1 - self.b))

    def incremental(self, budget: float, weights: Mapping[str, float],
                    days: Mapping[str, float] | None = None) -> float:
        """Incremental sales of ``budget`` split by ``weights``, each level spread over its event days.

        Notes
        -----
        :math:`\\sum_\\ell d_\\ell f(w_\\ell B / d_\\ell) = a B^b \\sum_\\ell w_\\ell^b d_\\ell^{1-b}`.
        """
        w, d = _spread(weights, days)
        return float(self.a * budget ** self.b * np.sum(w ** self.b * d ** (1 - self.b)))

    def budget_for(self, gap: float, weights: Mapping[str, float], days: Mapping[str, float] | None = None) -> float:
        """The budget whose point response equals ``gap`` (0 when the gap is ≤ 0).

        Notes
        -----
        Solves :math:`\\sum_\\ell d_\\ell f(w_\\ell B/d_\\ell) = G`:
        :math:`B = \\big(G / (a \\sum_\\ell w_\\ell^b d_\\ell^{1-b})\\big)^{1/b}` (constant ROI: :math:`G/r`).
        """
        if gap <= 0:
            return 0.0
        w, d = _spread(weights, days)
        return float((gap / (self.a * np.sum(w ** self.b * d ** (1 - self.b)))) ** (1 / self.b))

    def spend_per_day(self, budget: float, weights: Mapping[str, float],
                      days: Mapping[str, float] | None = None) -> dict[str, float]:
        """Spend per event day of each level: :math:`w_\\ell B / d_\\ell`."""
        return {k: float(v * budget / float((days or {}).get(k, 1.0))) for k, v in weights.items() if v > 0}

    def extrapolated(self, budget: float, weights: Mapping[str, float],
                     days: Mapping[str, float] | None = None) -> float:
        """Share of the budget spent beyond the highest spend per day the experiments saw.

        Notes
        -----
        :math:`\\sum_\\ell d_\\ell \\max(0, x_\\ell - x_{max}) / B`, :math:`x_\\ell = w_\\ell B/d_\\ell`
        (0 when the budget is 0; NaN without experiments).
        """
        hi = self.spend_range[1]
        if budget <= 0 or not np.isfinite(hi):
            return 0.0 if budget <= 0 else float("nan")
        w, d = _spread(weights, days)
        return float(np.sum(d * np.maximum(w * budget / d - hi, 0.0)) / budget)

    @property
    def marginal_roi_note(self) -> str:
        return "constant" if self.kind == "constant" else f"elasticity b = {self.b:.2f}"


def fit_response(points: pd.DataFrame, roi: RoiEstimate, *, basis: str = "incremental", min_points: int = 6,
                 observational_weight: float = 0.25) -> Response:
    """The curve from the experiments (partially pooled) and the observational prior, or a constant ROI.

    Parameters
    ----------
    points : DataFrame
        From :func:`response_points` (``source, label, spend, incremental, se``).
    roi : RoiEstimate
        The constant ROI of the same basis (the fallback, and the attributional basis always).
    basis : {"incremental", "attributional"}
    min_points : int
        Fewest usable points (experiments and history) for a curve (≥ 3); fewer → constant ROI, stated.
    observational_weight : float
        In (0, 1]: the history's curvature enters as a prior with its variance divided by this.

    Returns
    -------
    Response

    Notes
    -----
    See :mod:`helpers.quota.curve`: :math:`\\tau^2` by DerSimonian–Laird, :math:`(r_0, b)` the
    posterior mode with the Laplace covariance; nothing is clipped. Without at least two
    experiments with spend > 0 the constant ROI is used; without a usable observational prior the
    curvature is not identified (the experiments span too narrow a spend range) and :math:`b = 1`,
    stated.

    Examples
    --------
    >>> pts = pd.DataFrame({"source": ["campaign"] * 3 + ["history"] * 3, "label": list("abcdef"),
    ...                     "spend": [1.0, 1.1, 0.9, 1.0, 2.0, 4.0], "incremental": [5.0, 5.5, 4.5, 5.0, 7.6, 11.5],
    ...                     "se": [0.5, 0.55, 0.45, 0.1, 0.1, 0.1]})
    >>> r = RoiEstimate("coupon_festival", 5.0, 0.0, 5.0, 5.0, 3, "test", pd.DataFrame(), "incremental", 0.5)
    >>> round(fit_response(pts, r, min_points=3).b, 1)  # the history's curve: 5 x^0.6
    0.6
    """
    if min_points < 3:
        raise ValueError(f"min_points = {min_points} must be at least 3 (a curve has two parameters)")
    const = Response(basis, "constant", roi.roi, 1.0, np.zeros((2, 2)), 0.0, 1.0,
                     float(max(roi.n_campaigns - 1, 1)), points, roi)
    if basis == "attributional":
        const.statement = "The attributional basis uses a constant ROI (paid amount per coupon cost)."
        return const
    exp = points.loc[(points["source"] == "campaign") & (points["spend"] > 0)]
    obs = points.loc[(points["source"] == "history") & (points["spend"] > 0)]
    usable = len(exp) + len(obs)
    if len(exp) < 2 or usable < min_points:
        const.statement = (f"Only {len(exp)} experiment(s) and {len(obs)} observational point(s), fewer than needed "
                           f"(2 experiments, response_min_points = {min_points} in all): a constant incremental ROI "
                           f"of {roi.roi:.2f} is used instead of a curve (no diminishing returns assumed).")
        return const
    prior = curvature_prior(obs["spend"], obs["incremental"], obs["se"], observational_weight)
    se_roi = (exp["se"] / exp["spend"]).to_numpy(float)
    pf: PooledFit = fit_pooled(exp["spend"].to_numpy(float), (exp["incremental"] / exp["spend"]).to_numpy(float),
                               se_roi, prior)
    lo, hi = pf.spend_range
    statement = (f"Partial pooling of {pf.k} experiments with their own standard errors (DerSimonian–Laird "
                 f"between-campaign sd τ = {pf.tau:.2f} ROI points); they span spend per day "
                 f"{lo:,.0f}–{hi:,.0f} ({hi / lo:.2f}×), too narrow to show a curvature on their own.")
    if prior is None:
        statement += " No usable observational points: the curvature is not identified and b = 1 (linear) is assumed."
    else:
        statement += (f" The curvature comes from the history's promotion levels as a prior b ~ N({prior[0]:.2f}, "
                      f"{prior[1]:.2f}²), down-weighted by observational_weight = {observational_weight:g}.")
    return Response(basis, "power", pf.r0, pf.b, pf.cov, pf.tau, pf.x0, float(max(pf.k - 1, 1)), points, roi,
                    statement, pf.spend_range, prior)


def _redemption_factor(n: int, rng: np.random.Generator, rate: float, sd: float, k: int) -> np.ndarray:
    """Realised / planned redemption: :math:`\\rho/\\hat\\rho`, :math:`\\rho = \\hat\\rho + s\\sqrt{1+1/k}\\,t_{k-1}`."""
    if k < 2 or sd <= 0:
        return np.ones(n)
    rho = rate + sd * math.sqrt(1 + 1 / k) * rng.standard_t(k - 1, size=n)
    return np.clip(rho, 1e-3, 1.0) / rate


def simulate_need(forecast: Forecast, target: float, response: Response, weights: Mapping[str, float], *,
                  days: Mapping[str, float] | None = None, redemption: tuple[float, float, int] = (1.0, 0.0, 0),
                  n_simulations: int = 10_000, level: float = 0.9, seed: int = 0) -> BudgetResult:
    """Joint simulation of the baseline and the response: the budget each draw needs.

    Parameters
    ----------
    days : dict, optional
        Event days per level (1 each when not given).
    redemption : (float, float, int)
        Planned redemption rate, its sd across past campaigns and their number: coupons are
        released for the planned rate, so the realised spend is :math:`B\\rho/\\hat\\rho`.

    Notes
    -----
    Per draw: baseline :math:`b^{(s)} = \\hat b + \\mathrm{sd}\\,t`; :math:`(r_0, b)^{(s)}` multivariate t
    (:math:`k-1` df) with the fit's joint covariance; the new campaign's level
    :math:`c^{(s)} = r_0^{(s)} + \\tau t_{k-1}` (one shock for the whole plan: the levels are tiers of
    one campaign); need :math:`B^{(s)} = (G^{(s)} / (c^{(s)} x_0^{1-b} \\sum_\\ell w_\\ell^b d_\\ell^{1-b}))^{1/b}
    \\cdot \\hat\\rho/\\rho^{(s)}`, infinite when :math:`c^{(s)} \\le 0` or :math:`b^{(s)} \\le 0`.
    Constant ROI: :math:`c^{(s)}` from :meth:`RoiEstimate.draw`, :math:`b = 1`.

    Examples
    --------
    >>> fc = Forecast(pd.DataFrame(), 1000.0, 1000.0, 1000.0, 0.0, 100.0, 0.9)
    >>> r = RoiEstimate("coupon_festival", 5.0, 0.0, 5.0, 5.0, 0, "override", pd.DataFrame())
    >>> resp = fit_response(pd.DataFrame(columns=POINT_COLUMNS), r)
    >>> simulate_need(fc, 1500.0, resp, {"S+": 1.0}).high  # (1500 - 1000) / 5, no uncertainty
    100.0
    """
    if not (math.isfinite(target) and target > 0):
        raise ValueError(f"target = {target!r} must be a finite amount > 0")
    if not (isinstance(n_simulations, (int, np.integer)) and n_simulations >= 100):
        raise ValueError(f"n_simulations = {n_simulations!r} must be an integer ≥ 100")
    rng = np.random.default_rng(seed)
    n = n_simulations
    base = forecast.total + forecast.total_sd * rng.standard_t(forecast.df_resid, size=n)
    gaps = np.maximum(target - base, 0.0)
    w, d = _spread(weights, days)
    if response.kind == "constant":
        c, b = response.roi.draw(n, rng), np.ones(n)
        a = c
    else:
        L = np.linalg.cholesky(response.cov + 1e-12 * np.diag(np.abs(np.diag(response.cov))) + 1e-18 * np.eye(2))
        scale = np.sqrt(response.df / rng.chisquare(response.df, size=n))
        theta = np.array([response.r0, response.b])[:, None] + (L @ rng.standard_normal((2, n))) * scale
        c = theta[0] + response.tau * rng.standard_t(response.df, size=n)
        b = theta[1]
        with np.errstate(over="ignore", invalid="ignore"):
            a = c * response.x0 ** (1 - b)
    factor = _redemption_factor(n, rng, *redemption)
    ok = (c > 0) & (b > 0)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        sb = np.sum(w[:, None] ** b[None, :] * d[:, None] ** (1 - b[None, :]), axis=0)
        actual = np.where(ok, (gaps / np.where(ok, a * sb, 1.0)) ** (1 / np.where(ok, b, 1.0)), np.inf)
        draws = np.where(gaps <= 0, 0.0, actual / factor)
    gap = float(target - forecast.total)
    point = response.budget_for(gap, weights, days)
    lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2], method="inverted_cdf")  # draws may be inf
    prob = float(np.mean(gaps > 0))
    statement = ""
    if gap <= 0:
        statement = ("The target is at or below the baseline forecast, so no promotion budget is needed "
                     f"(budget = 0); only in {prob:.0%} of simulations does the baseline fall below the target.")
    sim = {"gap": target - base, "a": a, "b": b, "factor": factor, "w": w, "d": d}
    return BudgetResult(float(target), forecast.total, gap, point, float(lo), float(hi), prob, draws, statement, sim)


def p_target_met(need: BudgetResult, budget: float) -> float:
    """Share of joint draws whose needed budget is at most ``budget``.

    Examples
    --------
    >>> p_target_met(BudgetResult(3.0, 2.0, 1.0, 2.0, 1.0, 3.0, 1.0, np.array([1.0, 2.0, 3.0, np.inf])), 2.0)
    0.5
    """
    return float(np.mean(need.draws <= budget + 1e-9))


def budget_for_p(need: BudgetResult, p: float) -> float:
    """The smallest budget that meets the target with probability ``p`` (infinite if no budget does).

    Examples
    --------
    >>> budget_for_p(BudgetResult(3.0, 2.0, 1.0, 2.0, 1.0, 3.0, 1.0, np.array([1.0, 2.0, 3.0, 4.0])), 0.5)
    2.0
    """
    if not 0 < p < 1:
        raise ValueError(f"p = {p} must be in (0, 1)")
    d = np.sort(need.draws)
    k = int(math.ceil(p * len(d))) - 1
    return float(d[max(k, 0)])


def p_curve(need: BudgetResult, upper: float, points: int = 101) -> pd.DataFrame:
    """P(target met) on a grid of budgets from 0 to ``upper``: ``budget, p``."""
    grid = np.linspace(0.0, max(upper, 1.0), points)
    d = np.sort(need.draws)
    return pd.DataFrame({"budget": grid, "p": np.searchsorted(d, grid + 1e-9, side="right") / len(d)})


@dataclass
class Plan:
    """The budget on the chosen ROI basis, with both bases side by side."""

    basis: str
    statement: str
    rois: dict[str, RoiEstimate]
    curves: dict[str, Response]
    needs: dict[str, BudgetResult]
    weights: dict[str, float]
    days: dict[str, float] | None = None

    @property
    def curve(self) -> Response:
        return self.curves[self.basis]

    @property
    def need(self) -> BudgetResult:
        return self.needs[self.basis]

    @property
    def roi(self) -> RoiEstimate:
        return self.rois[self.basis]

    def incremental(self, budget: float) -> float:
        """Sales the chosen basis says ``budget`` buys (point estimate)."""
        return self.curve.incremental(budget, self.weights, self.days)


def plan_budget(forecast: Forecast, target: float, campaigns: pd.DataFrame | None, activity_type: str, *,
                roi_basis: str = "incremental", roi: float | None = None, currency: str | None = None,
                fit: BaselineFit | None = None, history: pd.DataFrame | None = None,
                weights: Mapping[str, float], days: Mapping[str, float] | None = None, min_points: int = 6,
                observational_weight: float = 0.25, redemption: tuple[float, float, int] = (1.0, 0.0, 0),
                level: float = 0.9, n_simulations: int = 10_000, seed: int = 0) -> Plan:
    """Budget needed on the attributional and (when the data allow) the incremental basis.

    Parameters
    ----------
    roi_basis : {"incremental", "attributional"}
        The basis the budget is chosen on. ``incremental`` needs the past campaigns'
        ``incremental_roi`` column; without it the attributional basis is used and said so.
    roi : float, optional
        An ROI given by the user (taken as of the ``roi_basis`` kind; no spread, no curve).
    Other parameters as in :func:`fit_response` and :func:`simulate_need`.

    Returns
    -------
    Plan
        ``needs[basis]`` for each basis available; ``basis`` the one chosen, ``statement`` why.
    """
    from helpers.quota.budget import estimate_roi

    if roi is not None:
        est = estimate_roi(None, activity_type, roi=roi)
        est.basis = roi_basis
        rois = {roi_basis: est}
        statement = f"ROI {roi:.2f} given as a parameter (taken as {roi_basis}); no spread and no response curve."
        basis = roi_basis
    else:
        rois = {"attributional": estimate_roi(campaigns, activity_type, currency=currency, level=level)}
        basis, statement = roi_basis, ""
        if has_incremental(campaigns):
            rois["incremental"] = estimate_roi(campaigns, activity_type, currency=currency, level=level,
                                               basis="incremental")
        elif roi_basis == "incremental":
            basis = "attributional"
            statement = ("The past campaigns have no incremental_roi column, so the budget falls back to the "
                         "attributional ROI, which counts orders that would have happened anyway: it understates "
                         "the budget a truly incremental gap needs.")
    freq = fit.freq if fit is not None else "D"
    points = response_points(campaigns if roi is None else None, activity_type, fit if roi is None else None, history,
                             freq)
    curves, needs = {}, {}
    for name, est in rois.items():
        curves[name] = fit_response(points, est, basis=name if roi is None else "attributional", min_points=min_points,
                                    observational_weight=observational_weight)
        curves[name].basis = name
        needs[name] = simulate_need(forecast, target, curves[name], weights, days=days, redemption=redemption,
                                    n_simulations=n_simulations, level=level, seed=seed)
    return Plan(basis, statement, rois, curves, needs, dict(weights), None if days is None else dict(days))
