"""What the incremental new buyers are worth beyond the campaign: their expected lifetime value.

Pure functions; no plotting, no simulation. An acquisition campaign is judged on the customers it
brings, not only on their first weeks. The project's BTYD tools (:mod:`helpers.btyd`: BG/NBD for
purchase counts, Gamma-Gamma for spend; Fader, Hardie & Lee 2005; Fader & Hardie 2013) are fitted
on the audience's own paid orders; the value of one new buyer is the mean 12-month CLV (gross
margin, discounted) of the audience's never-bought customers who bought in the campaign or post
window. **Assumption**: a buyer the coupons brought behaves afterwards like the audience's other new
buyers; the short history (weeks, not years) makes the forecast rough, and its interval says how rough.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd

from helpers.btyd.clv import (
    BGNBD_PARAMS,
    GG_PARAMS,
    bgnbd_log_likelihood,
    customer_lifetime_value,
    fit_bgnbd,
    fit_gamma_gamma,
    gamma_gamma_log_likelihood,
)
from helpers.btyd.summary import summary_from_transactions

#: Monthly discount rate of the lifetime value.
DISCOUNT_RATE = 0.01
#: Weeks per month (the summary is in weeks, CLV steps are months).
WEEKS_PER_MONTH = 52 / 12


def _hessian(f, x: np.ndarray, h: float = 1e-3) -> np.ndarray:
    """Central-difference Hessian of a scalar function at ``x``."""
    k = len(x)
    out = np.zeros((k, k))
    for i in range(k):
        for j in range(k):
            e_i, e_j = np.eye(k)[i] * h, np.eye(k)[j] * h
            out[i, j] = (f(x + e_i + e_j) - f(x + e_i - e_j) - f(x - e_i + e_j) + f(x - e_i - e_j)) / (4 * h * h)
    return out


def _draws(names, fit_params, negll, n: int, rng) -> list[dict[str, float]]:
    """Parameter draws from the normal approximation on the log scale (inverse Hessian)."""
    theta = np.log([fit_params[k] for k in names])
    h = _hessian(negll, theta)
    vals, vecs = np.linalg.eigh((h + h.T) / 2)
    inv = np.where(vals > 1e-8 * max(vals.max(), 1e-300), 1.0 / np.where(vals > 0, vals, 1.0), 0.0)
    # directions the data do not identify (flat likelihood) get no spread
    sims = theta + rng.standard_normal((n, len(theta))) @ (vecs * np.sqrt(inv)).T
    return [dict(zip(names, np.exp(s), strict=True)) for s in sims]


def acquisition_value(orders: pd.DataFrame, customers: pd.DataFrame, new_buyers: tuple[float, float, float], *,
                      gross_margin: float, months: int = 12, confidence: float = 0.95, n_draws: int = 300,
                      seed: int = 0) -> dict:
    """Incremental new buyers × the expected lifetime value of a new buyer, with an interval.

    Parameters
    ----------
    orders : DataFrame
        Clean orders of the audience (``customer_id, ordered_at, status, paid_amount``); paid ones count.
    customers : DataFrame
        :func:`helpers.coupons.windows.customer_windows` (``never_bought``, ``bought``).
    new_buyers : (estimate, low, high)
        Incremental new buyers and their interval (from the review).
    gross_margin : float
        Margin on spend for the CLV, 0 < m < 1.
    months, confidence, n_draws, seed
        CLV horizon; interval level; Monte Carlo draws; seed.

    Returns
    -------
    dict
        ``value, value_low, value_high`` (currency), ``clv_per_buyer`` (and ``_low``/``_high``),
        ``new_buyers_used`` (never-bought customers who bought, whose CLV is averaged), ``bgnbd``,
        ``gamma_gamma`` (parameters), ``converged`` (both fits).

    Raises
    ------
    ValueError
        Too few repeat buyers to fit either model (see :func:`helpers.btyd.clv.fit_bgnbd`).

    Notes
    -----
    .. math:: V = \\Delta N^{new} \\cdot \\overline{CLV}_{new},\\qquad
              \\overline{CLV}_{new} = \\frac{1}{|B|}\\sum_{i \\in B} CLV_i(12\\ \\text{months})

    with :math:`B` the never-bought customers who bought. Interval: Monte Carlo of independent draws
    of :math:`\\Delta N^{new}` (normal with the review's interval) and of the BG/NBD and Gamma-Gamma
    parameters (normal on the log scale, inverse Hessian of the log-likelihood).
    """
    paid = orders[(orders["status"] == "paid") & orders["customer_id"].isin(customers["customer_id"])]
    tx = pd.DataFrame({"customer_id": paid["customer_id"].astype(str), "date": paid["ordered_at"],
                       "amount": paid["paid_amount"].astype(float)})
    summary = summary_from_transactions(tx, freq="D", freq_multiplier=7, threads=1)
    bg = fit_bgnbd(summary["frequency"], summary["recency"], summary["T"])
    gg = fit_gamma_gamma(summary["frequency"], summary["monetary_value"])
    new = customers.loc[customers["never_bought"] & customers["bought"], "customer_id"].astype(str)
    target = summary.loc[summary.index.intersection(new)]

    def mean_clv(b: dict, g: dict) -> float:
        return float(customer_lifetime_value(b, g, target, horizon=months, margin=gross_margin,
                                             discount_rate=DISCOUNT_RATE, periods_per_step=WEEKS_PER_MONTH).mean())

    clv = mean_clv(bg.params, gg.params)
    rng = np.random.default_rng(seed)
    x, tx_, t_ = (summary[c].to_numpy() for c in ("frequency", "recency", "T"))
    rep = x > 0

    def bg_negll(th):
        return -float(bgnbd_log_likelihood(dict(zip(BGNBD_PARAMS, np.exp(th), strict=True)), x, tx_, t_).sum())

    def gg_negll(th):
        return -float(gamma_gamma_log_likelihood(dict(zip(GG_PARAMS, np.exp(th), strict=True)), x[rep],
                                                 summary["monetary_value"].to_numpy()[rep]).sum())

    bgs = _draws(BGNBD_PARAMS, bg.params, bg_negll, n_draws, rng)
    ggs = _draws(GG_PARAMS, gg.params, gg_negll, n_draws, rng)
    with np.errstate(all="ignore"):  # draws near a = 1 or q = 1 have no finite CLV: dropped, counted
        clvs = np.array([mean_clv(b, g) if g["q"] > 1 and abs(b["a"] - 1) > 1e-3 else np.nan
                         for b, g in zip(bgs, ggs, strict=True)])
    kept = np.isfinite(clvs) & (clvs >= 0)
    clvs = clvs[kept]
    est, lo, hi = new_buyers
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    n_draw = rng.normal(est, max(hi - lo, 0.0) / (2 * z), len(clvs))
    a = (1 - confidence) / 2
    v_lo, v_hi = np.quantile(n_draw * clvs, [a, 1 - a])
    c_lo, c_hi = np.quantile(clvs, [a, 1 - a])
    return {"value": est * clv, "value_low": float(v_lo), "value_high": float(v_hi), "clv_per_buyer": clv,
            "clv_per_buyer_low": float(c_lo), "clv_per_buyer_high": float(c_hi), "new_buyers_used": len(target),
            "bgnbd": bg.params, "gamma_gamma": gg.params, "converged": bool(bg.converged and gg.converged),
            "at_bound": bg.at_bound + gg.at_bound, "draws_dropped": int((~kept).sum()), "months": months}
