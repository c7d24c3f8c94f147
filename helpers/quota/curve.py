"""The response curve from experiments, partially pooled, with a down-weighted observational prior.

Past campaigns measured against a holdout (``incremental_roi`` with its 95% interval) are the
experiments; the history's promotion-level uplifts (regression estimates that bundle coupons with
placement, banners and timing) are observational and enter only as a Gaussian prior on the
curvature, its variance divided by ``observational_weight``.

Model, per promotion day with coupon spend :math:`x` (money per day):

.. math:: f(x) = r_0\\,x_0\\,(x / x_0)^{b}, \\qquad \\mathrm{ROI}(x) = r_0 (x / x_0)^{b-1}

with :math:`x_0` the geometric mean spend of the experiments, :math:`r_0` the incremental ROI at
that spend and :math:`b` the elasticity (:math:`b<1`: diminishing returns; estimated, not clipped).
Campaign :math:`i` reports :math:`\\hat r_i = \\mathrm{ROI}(x_i) + \\nu_i + \\varepsilon_i` with
:math:`\\varepsilon_i \\sim N(0, s_i^2)` (its own standard error, from its interval) and
:math:`\\nu_i \\sim N(0, \\tau^2)` the campaign-to-campaign variation, :math:`\\tau^2` by
DerSimonian & Laird (1986). :math:`(r_0, b)` is the posterior mode (weighted least squares on the
ROI scale, so campaigns with ROI ≤ 0 keep their weight), its covariance the inverse Gauss–Newton
Hessian (Laplace approximation) — an empirical-Bayes random-effects meta-regression.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

Z95 = float(stats.norm.ppf(0.975))


def dersimonian_laird(estimates: np.ndarray, se: np.ndarray) -> tuple[float, float, float]:
    """Random-effects pooling: the DerSimonian–Laird between-study variance and the pooled mean.

    Parameters
    ----------
    estimates, se : array
        Study estimates and their standard errors (> 0), same units.

    Returns
    -------
    (float, float, float)
        ``(tau2, mean, se_mean)``: between-study variance (≥ 0), the random-effects mean and its
        standard error.

    Raises
    ------
    ValueError
        Fewer than 2 studies or a standard error ≤ 0.

    Notes
    -----
    :math:`w_i = 1/s_i^2`, :math:`Q = \\sum w_i (y_i - \\bar y_w)^2`,
    :math:`\\tau^2 = \\max\\big(0, \\frac{Q - (k-1)}{\\sum w_i - \\sum w_i^2 / \\sum w_i}\\big)`;
    then :math:`w_i^* = 1/(s_i^2+\\tau^2)`, mean :math:`\\sum w_i^* y_i / \\sum w_i^*`, se
    :math:`(\\sum w_i^*)^{-1/2}` (DerSimonian & Laird 1986).

    Examples
    --------
    >>> t2, m, s = dersimonian_laird(np.array([1.0, 3.0]), np.array([1.0, 1.0]))
    >>> round(t2, 6), round(m, 6), round(s, 6)  # Q = 2, sum w = 2, sum w^2/sum w = 1 -> tau2 = 1
    (1.0, 2.0, 1.0)
    """
    y, s = np.asarray(estimates, float), np.asarray(se, float)
    if len(y) < 2:
        raise ValueError(f"dersimonian_laird needs at least 2 studies, got {len(y)}")
    if not (np.all(np.isfinite(s)) and np.all(s > 0)):
        raise ValueError(f"standard errors must be finite and > 0, got {s.tolist()}")
    w = 1 / s ** 2
    mean_fe = float(np.sum(w * y) / np.sum(w))
    q = float(np.sum(w * (y - mean_fe) ** 2))
    tau2 = max(0.0, (q - (len(y) - 1)) / (np.sum(w) - np.sum(w ** 2) / np.sum(w)))
    ws = 1 / (s ** 2 + tau2)
    return float(tau2), float(np.sum(ws * y) / np.sum(ws)), float(1 / math.sqrt(np.sum(ws)))


def curvature_prior(spend: np.ndarray, incremental: np.ndarray, se: np.ndarray,
                    weight: float) -> tuple[float, float] | None:
    """Elasticity implied by observational points, as a prior ``(mean, sd)`` down-weighted by ``weight``.

    Notes
    -----
    Weighted nonlinear least squares on the level scale (points ≤ 0 keep their weight),
    :math:`y_\\ell = A x_\\ell^{b}`, weights :math:`1/s_\\ell^2` (scipy ``curve_fit``,
    ``absolute_sigma``); the prior is :math:`N(\\hat b, \\mathrm{se}(\\hat b)^2 / \\omega)`. None when
    fewer than 3 usable points or the fit fails.

    Examples
    --------
    >>> x = np.array([1.0, 2.0, 4.0, 8.0])
    >>> m, sd = curvature_prior(x, 10 * x ** 0.6, np.full(4, 0.1), 0.25)
    >>> round(m, 4)
    0.6
    """
    if not 0 < weight <= 1:
        raise ValueError(f"observational_weight = {weight} must be in (0, 1]")
    x, y, s = (np.asarray(v, float) for v in (spend, incremental, se))
    ok = (x > 0) & np.isfinite(y) & np.isfinite(s) & (s > 0)
    if ok.sum() < 3:
        return None
    x, y, s = x[ok], y[ok], s[ok]
    xs = x / np.exp(np.mean(np.log(x)))
    pos = y > 0
    b0 = float(np.polyfit(np.log(xs[pos]), np.log(y[pos]), 1)[0]) if pos.sum() >= 2 else 1.0
    try:
        (a, b), cov = optimize.curve_fit(lambda z, a, b: a * z ** b, xs, y, p0=[max(np.mean(y), 1e-9), b0],
                                         sigma=s, absolute_sigma=True, maxfev=5000)
    except (RuntimeError, optimize.OptimizeWarning):
        return None
    sd = float(math.sqrt(cov[1, 1])) if np.isfinite(cov[1, 1]) else float("nan")
    if not (np.isfinite(b) and np.isfinite(sd) and sd > 0):
        return None
    return float(b), sd / math.sqrt(weight)


@dataclass
class PooledFit:
    """Posterior mode and covariance of :math:`(r_0, b)`, and the between-campaign sd :math:`\\tau`."""

    r0: float
    b: float
    cov: np.ndarray
    tau: float
    x0: float
    k: int
    prior: tuple[float, float] | None
    spend_range: tuple[float, float]


def fit_pooled(spend: np.ndarray, roi: np.ndarray, roi_se: np.ndarray,
               prior: tuple[float, float] | None) -> PooledFit:
    """Random-effects fit of the ROI curve to experiments, with a Gaussian prior on the elasticity.

    Parameters
    ----------
    spend : array
        Spend per day of each experiment (> 0, money per day).
    roi, roi_se : array
        Each experiment's incremental ROI and its standard error (> 0).
    prior : (float, float) or None
        Prior mean and sd of :math:`b`; None fixes :math:`b = 1` (a constant ROI: the experiments
        alone cannot identify a curvature), with zero variance.

    Returns
    -------
    PooledFit

    Notes
    -----
    :math:`\\tau^2` from :func:`dersimonian_laird` on the ROIs moved to :math:`x_0` with the prior
    mean; then minimise
    :math:`\\sum_i (\\hat r_i - r_0 (x_i/x_0)^{b-1})^2/(s_i^2+\\tau^2) + (b-\\mu_b)^2/\\sigma_b^2`;
    covariance :math:`(J' W J + \\mathrm{diag}(0, \\sigma_b^{-2}))^{-1}` at the mode.

    Examples
    --------
    >>> f = fit_pooled(np.array([1.0, 1.0]), np.array([4.0, 6.0]), np.array([1.0, 1.0]), None)
    >>> round(f.r0, 6), f.b, round(f.tau, 6)
    (5.0, 1.0, 1.0)
    """
    x, r, s = (np.asarray(v, float) for v in (spend, roi, roi_se))
    x0 = float(np.exp(np.mean(np.log(x))))
    z = np.log(x / x0)
    mu_b = prior[0] if prior else 1.0
    tau2, _, _ = dersimonian_laird(r * np.exp(-(mu_b - 1) * z), s)
    wsd = np.sqrt(s ** 2 + tau2)
    if prior is None:
        w = 1 / wsd ** 2
        r0 = float(np.sum(w * r) / np.sum(w))
        cov = np.array([[1 / np.sum(w), 0.0], [0.0, 0.0]])
        return PooledFit(r0, 1.0, cov, math.sqrt(tau2), x0, len(r), None, (float(x.min()), float(x.max())))

    def resid(th):
        return np.r_[(r - th[0] * np.exp((th[1] - 1) * z)) / wsd, (th[1] - prior[0]) / prior[1]]

    sol = optimize.least_squares(resid, x0=[float(np.mean(r)), mu_b], method="lm")
    J = sol.jac
    cov = np.linalg.inv(J.T @ J)
    return PooledFit(float(sol.x[0]), float(sol.x[1]), cov, math.sqrt(tau2), x0, len(r), prior,
                     (float(x.min()), float(x.max())))


def experiment_table(campaigns: pd.DataFrame, activity_type: str, freq: str = "D") -> pd.DataFrame:
    """The experiments of one activity type: spend per day, incremental ROI and its standard error.

    Returns
    -------
    DataFrame
        ``label, spend, roi, roi_se, incremental, se`` (spend and incremental sales per day, or per
        campaign for monthly data); ``roi_se`` = (high − low) / (2 × 1.96) from the 95% interval.

    Examples
    --------
    >>> c = pd.DataFrame({"campaign_id": ["a"], "activity_type": ["category_week"], "coupon_cost": [700.0],
    ...                   "start": ["2025-01-01"], "end": ["2025-01-07"], "incremental_roi": [6.0],
    ...                   "incremental_roi_low": [2.08], "incremental_roi_high": [9.92]})
    >>> experiment_table(c, "category_week")[["spend", "roi", "roi_se"]].round(3).values.tolist()
    [[100.0, 6.0, 2.0]]
    """
    c = campaigns.loc[(campaigns["activity_type"] == activity_type) & campaigns["incremental_roi"].notna()]
    days = np.ones(len(c))
    if freq == "D" and {"start", "end"} <= set(c.columns):
        days = ((pd.to_datetime(c["end"]) - pd.to_datetime(c["start"])).dt.days + 1).to_numpy(float)
    spend = c["coupon_cost"].to_numpy(float) / days
    roi = c["incremental_roi"].to_numpy(float)
    se = (c["incremental_roi_high"].to_numpy(float) - c["incremental_roi_low"].to_numpy(float)) / (2 * Z95)
    return pd.DataFrame({"label": c["campaign_id"].astype(str).to_numpy(), "spend": spend, "roi": roi,
                         "roi_se": se, "incremental": roi * spend, "se": se * spend})
