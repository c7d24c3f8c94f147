"""Incremental sales bought by coupon spend: a concave response curve, its uncertainty, P(target met).

The attributional ROI (paid amount of coupon orders / coupon cost) counts orders that would have
happened anyway; the incremental basis uses the ROI measured against a holdout (past campaigns'
``incremental_roi``) and the uplift of the history's promotion periods. :func:`response_points`
collects (spend, incremental sales) pairs, :func:`fit_response` fits
:math:`R(x) = a\\,x^{b}` (:math:`0 < b \\le 1`: diminishing returns) or falls back to a constant
ROI when there are too few points, and :func:`simulate_need` draws the budget the target needs
jointly with the baseline forecast, from which :func:`p_target_met` and :func:`budget_for_p` follow.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers.quota.baseline import BaselineFit, Forecast
from helpers.quota.budget import BudgetResult, RoiEstimate

INCREMENTAL_COLUMNS = ("incremental_roi", "incremental_roi_low", "incremental_roi_high")
B_MIN = 0.05  # smallest elasticity a draw may take (a flatter curve buys almost nothing)


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
    """(spend, incremental sales) pairs from past campaigns and from the history's promotion periods.

    Parameters
    ----------
    campaigns : DataFrame or None
        Past campaigns with ``coupon_cost`` and ``incremental_roi`` (money in one currency).
    activity_type : str
        Only campaigns of this type are used.
    freq : {"D", "MS"}
        The unit of a point: spend and sales per day (a campaign's totals divided by its days, from
        ``start`` and ``end`` when given) or per month (a campaign's totals).
    fit, history : optional
        The baseline fit and the checked history; with a ``coupon_spend`` column each promotion
        level gives one point: extra spend per promotion period (mean spend on its periods minus
        mean spend on periods without promotion) against the estimated uplift.

    Returns
    -------
    DataFrame
        ``source`` ("campaign" or "history"), ``label``, ``spend``, ``incremental``.

    Notes
    -----
    Campaign :math:`i` over :math:`d_i` periods: :math:`x_i = C_i / d_i`, :math:`y_i = r^{inc}_i C_i / d_i`. Level :math:`\\ell`:
    :math:`x_\\ell = \\bar s_\\ell - \\bar s_0`, :math:`y_\\ell = \\hat\\delta_\\ell + L\\hat\\lambda^- + F\\hat\\lambda^+`
    (the uplift net of the lull before and the dip after, over ``lead`` and ``lag`` days).

    Examples
    --------
    >>> c = pd.DataFrame({"campaign_id": ["a"], "activity_type": ["category_week"], "coupon_cost": [100.0],
    ...                   "incremental_roi": [6.0], "incremental_roi_low": [4.0], "incremental_roi_high": [8.0]})
    >>> response_points(c, "category_week")[["spend", "incremental"]].values.tolist()
    [[100.0, 600.0]]
    """
    rows = []
    if has_incremental(campaigns):
        c = campaigns.loc[(campaigns["activity_type"] == activity_type) & campaigns["incremental_roi"].notna()]
        days = np.ones(len(c))
        if freq == "D" and {"start", "end"} <= set(c.columns):
            days = ((pd.to_datetime(c["end"]) - pd.to_datetime(c["start"])).dt.days + 1).to_numpy(float)
        for r, d in zip(c.itertuples(index=False), days, strict=True):
            rows.append({"source": "campaign", "label": str(r.campaign_id), "spend": float(r.coupon_cost) / d,
                         "incremental": float(r.incremental_roi) * float(r.coupon_cost) / d})
    if fit is not None and history is not None and "coupon_spend" in history.columns and fit.levels:
        spend = pd.to_numeric(history["coupon_spend"], errors="coerce")
        none = history["promo_level"].isna()
        params = dict(zip(fit.columns, fit.results.params, strict=True))
        around = fit.lead * params.get("promo_lead", 0.0) + fit.lag * params.get("promo_lag", 0.0)
        for lvl in fit.levels:
            on = history["promo_level"] == lvl
            extra = float(spend[on].mean() - spend[none].mean())
            if np.isfinite(extra):
                rows.append({"source": "history", "label": f"{lvl} periods", "spend": extra,
                             "incremental": float(params[f"promo_{lvl}"]) + float(around)})
    return pd.DataFrame(rows, columns=["source", "label", "spend", "incremental"])


@dataclass
class Response:
    """Incremental sales as a function of coupon spend (see :func:`fit_response`)."""

    basis: str
    kind: str  # "power" or "constant"
    a: float
    b: float
    cov: np.ndarray
    resid_sd: float
    df: float
    points: pd.DataFrame = field(repr=False)
    roi: RoiEstimate | None = None
    statement: str = ""

    def incremental(self, budget: float, weights: Mapping[str, float]) -> float:
        """Incremental sales of a budget split over levels by ``weights`` (one event per level)."""
        if self.kind == "constant":
            return float(self.roi.roi * budget)
        w = np.array([v for v in weights.values() if v > 0], dtype=float)
        return float(self.a * np.sum((w * budget) ** self.b))

    def budget_for(self, gap: float, weights: Mapping[str, float]) -> float:
        """The budget whose point response equals ``gap`` (0 when the gap is ≤ 0).

        Notes
        -----
        Constant: :math:`B = G / r`. Power, with level shares :math:`w_\\ell`:
        :math:`\\sum_\\ell a (w_\\ell B)^b = G \\Rightarrow B = (G / (a \\sum_\\ell w_\\ell^b))^{1/b}`.
        """
        if gap <= 0:
            return 0.0
        if self.kind == "constant":
            return float(gap / self.roi.roi)
        w = np.array([v for v in weights.values() if v > 0], dtype=float)
        return float((gap / (self.a * np.sum(w ** self.b))) ** (1 / self.b))

    @property
    def marginal_roi_note(self) -> str:
        return "constant" if self.kind == "constant" else f"elasticity b = {self.b:.2f}"


def fit_response(points: pd.DataFrame, roi: RoiEstimate, *, basis: str = "incremental",
                 min_points: int = 6) -> Response:
    """Fit :math:`R(x) = a x^b` by least squares on logs, or fall back to a constant ROI.

    Parameters
    ----------
    points : DataFrame
        From :func:`response_points`; only points with spend > 0 and incremental sales > 0 fit.
    roi : RoiEstimate
        The constant ROI of the same basis (the fallback, and the attributional basis always).
    basis : {"incremental", "attributional"}
    min_points : int
        Fewest usable points for a curve (≥ 3); fewer → constant ROI, stated.

    Returns
    -------
    Response

    Notes
    -----
    :math:`\\log y_i = \\log a + b \\log x_i + e_i` (OLS, :math:`n-2` degrees of freedom). An
    estimated :math:`b > 1` (no sign of diminishing returns) is set to 1 (a constant marginal
    return, the linear case; :math:`\\log a` = mean log ROI of the points, :math:`n-1` df), and
    :math:`b \\le 0` falls back to the constant ROI.

    Examples
    --------
    >>> pts = pd.DataFrame({"source": "campaign", "label": list("abcd"), "spend": [1.0, 2.0, 4.0, 8.0],
    ...                     "incremental": [10.0, 10 * 2 ** 0.5, 20.0, 10 * 8 ** 0.5]})
    >>> r = RoiEstimate("coupon_festival", 5.0, 0.0, 5.0, 5.0, 4, "test", pd.DataFrame())
    >>> round(fit_response(pts, r, min_points=3).b, 6)  # y = 10 x^0.5
    0.5
    """
    if min_points < 3:
        raise ValueError(f"min_points = {min_points} must be at least 3 (a curve has two parameters)")
    ok = points.loc[(points["spend"] > 0) & (points["incremental"] > 0)]
    const = Response(basis, "constant", roi.roi, 1.0, np.zeros((2, 2)), 0.0, float(max(roi.n_campaigns - 1, 1)),
                     points, roi)
    if basis == "attributional":
        const.statement = "The attributional basis uses a constant ROI (paid amount per coupon cost)."
        return const
    if len(ok) < min_points:
        const.statement = (f"Only {len(ok)} usable (spend, incremental sales) point(s), fewer than "
                           f"response_min_points = {min_points}: a constant incremental ROI of {roi.roi:.2f} is used "
                           "instead of a curve (no diminishing returns assumed).")
        return const
    x = np.log(ok["spend"].to_numpy(float))
    y = np.log(ok["incremental"].to_numpy(float))
    X = np.column_stack([np.ones_like(x), x])
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    df = len(ok) - 2
    resid = y - X @ beta
    s2 = float(resid @ resid / df) if df > 0 else 0.0
    cov = s2 * np.linalg.inv(X.T @ X)
    b = float(beta[1])
    if b <= 0:
        const.statement = (f"The fitted curve does not rise with spend (elasticity {b:.2f}); a constant incremental "
                           f"ROI of {roi.roi:.2f} is used instead.")
        return const
    statement = ""
    if b > 1:  # refit with b = 1: log a is the mean log ROI of the points
        statement = (f"The fitted elasticity {b:.2f} exceeds 1 (no sign of diminishing returns in the data); "
                     "it is set to 1, a constant marginal return, and the level refitted.")
        b, df = 1.0, len(ok) - 1
        e = y - x
        beta = np.array([e.mean(), 1.0])
        s2 = float(np.var(e, ddof=1))
        cov = np.array([[s2 / len(ok), 0.0], [0.0, 0.0]])
    return Response(basis, "power", float(math.exp(beta[0])), b, cov, math.sqrt(s2), float(df), points, roi,
                    statement)


def simulate_need(forecast: Forecast, target: float, response: Response, weights: Mapping[str, float], *,
                  n_simulations: int = 10_000, level: float = 0.9, seed: int = 0) -> BudgetResult:
    """Joint simulation of the baseline and the response: the budget each draw needs.

    Notes
    -----
    Draw :math:`b^{(s)} = \\hat b + \\mathrm{sd}_b\\,t^{(s)}` and response parameters; the need is
    :math:`B^{(s)} = R^{(s)-1}(\\max(T - b^{(s)}, 0))`. Constant ROI: :math:`r^{(s)}` from
    :meth:`RoiEstimate.draw`, :math:`B^{(s)} = G^{(s)}/r^{(s)}` (infinite when :math:`r^{(s)} \\le 0`).
    Power: :math:`(\\log a, b)^{(s)}` multivariate t with the fit's covariance, :math:`b` kept in
    [0.05, 1], times a residual :math:`e^{\\sigma t/\\sqrt{k}}` for :math:`k` levels.

    Examples
    --------
    >>> fc = Forecast(pd.DataFrame(), 1000.0, 1000.0, 1000.0, 0.0, 100.0, 0.9)
    >>> r = RoiEstimate("coupon_festival", 5.0, 0.0, 5.0, 5.0, 0, "override", pd.DataFrame())
    >>> resp = fit_response(pd.DataFrame(columns=["spend", "incremental"]), r)
    >>> simulate_need(fc, 1500.0, resp, {"S+": 1.0}).high  # (1500 - 1000) / 5, no uncertainty
    100.0
    """
    if not (math.isfinite(target) and target > 0):
        raise ValueError(f"target = {target!r} must be a finite amount > 0")
    if not (isinstance(n_simulations, (int, np.integer)) and n_simulations >= 100):
        raise ValueError(f"n_simulations = {n_simulations!r} must be an integer ≥ 100")
    rng = np.random.default_rng(seed)
    base = forecast.total + forecast.total_sd * rng.standard_t(forecast.df_resid, size=n_simulations)
    gaps = np.maximum(target - base, 0.0)
    if response.kind == "constant":
        r = response.roi.draw(n_simulations, rng)
        with np.errstate(divide="ignore"):
            draws = np.where(gaps <= 0, 0.0, np.where(r > 0, gaps / np.where(r > 0, r, 1.0), np.inf))
    else:
        w = np.array([v for v in weights.values() if v > 0], dtype=float)
        L = np.linalg.cholesky(response.cov + 1e-18 * np.eye(2))
        scale = np.sqrt(response.df / rng.chisquare(response.df, size=n_simulations))
        theta = np.array([math.log(response.a), response.b])[:, None] + (L @ rng.standard_normal((2, n_simulations))) * scale
        loga = theta[0] + response.resid_sd * rng.standard_t(response.df, size=n_simulations) / math.sqrt(len(w))
        b = np.clip(theta[1], B_MIN, 1.0)
        sb = np.sum(w[:, None] ** b[None, :], axis=0)
        with np.errstate(over="ignore", divide="ignore"):
            draws = np.where(gaps <= 0, 0.0, (gaps / (np.exp(loga) * sb)) ** (1 / b))
    gap = float(target - forecast.total)
    point = response.budget_for(gap, weights)
    lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2], method="inverted_cdf")  # draws may be inf
    prob = float(np.mean(gaps > 0))
    statement = ""
    if gap <= 0:
        statement = ("The target is at or below the baseline forecast, so no promotion budget is needed "
                     f"(budget = 0); only in {prob:.0%} of simulations does the baseline fall below the target.")
    return BudgetResult(float(target), forecast.total, gap, point, float(lo), float(hi), prob, draws, statement)


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
        return self.curve.incremental(budget, self.weights)


def plan_budget(forecast: Forecast, target: float, campaigns: pd.DataFrame | None, activity_type: str, *,
                roi_basis: str = "incremental", roi: float | None = None, currency: str | None = None,
                fit: BaselineFit | None = None, history: pd.DataFrame | None = None,
                weights: Mapping[str, float], min_points: int = 6, level: float = 0.9,
                n_simulations: int = 10_000, seed: int = 0) -> Plan:
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
        curves[name] = fit_response(points, est, basis=name if roi is None else "attributional", min_points=min_points)
        curves[name].basis = name
        needs[name] = simulate_need(forecast, target, curves[name], weights, n_simulations=n_simulations,
                                    level=level, seed=seed)
    return Plan(basis, statement, rois, curves, needs, dict(weights))
