"""BG/NBD out of sample on CDNOW: fit on the calibration weeks, predict the holdout weeks.

The 39/39-week split of Fader, Hardie & Lee (2005): calibration to ``calibration_end``, holdout
the next ``holdout_weeks`` weeks. Purchases on the same day count once (as in the calibration
summary). Uses only the public functions of :mod:`helpers.btyd.clv`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from helpers.btyd import clv

#: Calibration-period repeat purchases grouped as in Fader, Hardie & Lee (2005), figure 4.
GROUP_CAP = 7


def expected_repeat_unconditional(params: Mapping[str, float], t: np.ndarray) -> np.ndarray:
    """Expected repeat purchases of a new customer in ``t`` periods since the first purchase.

    Notes
    -----
    Fader, Hardie & Lee (2005), eq. (9):

    .. math::
        E[X(t)] = \\frac{a+b-1}{a-1}\\left[1 - \\left(\\frac{\\alpha}{\\alpha+t}\\right)^r
        {}_2F_1\\!\\left(r, b; a+b-1; \\frac{t}{\\alpha+t}\\right)\\right]

    Examples
    --------
    >>> float(expected_repeat_unconditional({"r": 1, "alpha": 1, "a": 2, "b": 3}, np.array([0.0]))[0])
    0.0
    """
    r, alpha, a, b = (float(params[k]) for k in clv.BGNBD_PARAMS)
    t = np.maximum(np.asarray(t, dtype=float), 0.0)
    hyp = special.hyp2f1(r, b, a + b - 1, t / (alpha + t))
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp)


@dataclass(frozen=True)
class Holdout:
    """Predicted vs actual repeat purchases in the holdout period."""

    by_group: pd.DataFrame  # index calibration repeat purchases (0 .. 7+): customers, actual, predicted (means)
    tracking: pd.DataFrame  # index week: actual, predicted (cumulative repeat purchases, all customers)
    predicted_repeat: float
    actual_repeat: int
    holdout_weeks: float
    customers: int
    predicted_low: float = float("nan")  # parametric-bootstrap interval of predicted_repeat
    predicted_high: float = float("nan")
    conf_level: float = 0.95

    @property
    def error(self) -> float:
        """Relative error of the total holdout forecast, (predicted - actual) / actual."""
        return (self.predicted_repeat - self.actual_repeat) / self.actual_repeat


def _log_hessian(loglik, theta: np.ndarray, step: float = 1e-4) -> np.ndarray:
    """Central-difference Hessian of ``loglik`` (a function of the log-parameters) at ``theta``."""
    k = theta.size
    eye = np.eye(k) * step
    h = np.zeros((k, k))
    for i in range(k):
        for j in range(i, k):
            h[i, j] = h[j, i] = (loglik(theta + eye[i] + eye[j]) - loglik(theta + eye[i] - eye[j])
                                 - loglik(theta - eye[i] + eye[j])
                                 + loglik(theta - eye[i] - eye[j])) / (4 * step**2)
    return h


def parameter_draws(params: Mapping[str, float], summary: pd.DataFrame, *, n_draws: int,
                    seed: int = 0) -> list[dict[str, float]]:
    """BG/NBD parameter sets drawn from the fit's asymptotic normal distribution (log scale).

    The covariance is the inverse of the numerical Hessian of the log-likelihood at the fit.

    Raises
    ------
    ValueError
        If the Hessian is not negative definite (a parameter is not identified).
    """
    names = clv.BGNBD_PARAMS
    theta = np.log([float(params[n]) for n in names])

    def ll(th: np.ndarray) -> float:
        return float(clv.bgnbd_log_likelihood(dict(zip(names, np.exp(th), strict=True)),
                                              summary["frequency"], summary["recency"],
                                              summary["T"]).sum())

    info = -_log_hessian(ll, theta)
    if np.any(np.linalg.eigvalsh(info) <= 0):
        raise ValueError("the BG/NBD log-likelihood is flat in some direction at the fit: a "
                         "parameter is not identified, so no parametric interval")
    cov = np.linalg.inv(info)
    rng = np.random.default_rng(seed)
    draws = rng.multivariate_normal(theta, (cov + cov.T) / 2, size=n_draws)
    return [dict(zip(names, np.exp(d), strict=True)) for d in draws]


def holdout_check(transactions: pd.DataFrame, summary: pd.DataFrame, params: Mapping[str, float], *,
                  calibration_end: str, holdout_weeks: float = 39.0, n_draws: int = 0,
                  conf_level: float = 0.95, seed: int = 0) -> Holdout:
    """Predict each customer's holdout repeat purchases and compare with what happened.

    Parameters
    ----------
    transactions : DataFrame
        ``customer_id, date`` of every purchase (``helpers.btyd.cdnow.load_cdnow``).
    summary : DataFrame
        Weekly calibration summary (``frequency, recency, T``) indexed by customer.
    params : mapping
        The fitted BG/NBD ``r, alpha, a, b`` (weekly).
    calibration_end : str
        Last day of the calibration period (ISO date).
    holdout_weeks : float
        Length of the holdout period in weeks (> 0).
    n_draws : int
        Parametric-bootstrap draws of the parameters for an interval of the predicted total
        (0 = none). It reflects parameter uncertainty only, not the Poisson noise of purchases.
    conf_level : float
        Level of that interval.
    seed : int
        Random seed of the draws.

    Returns
    -------
    Holdout

    Raises
    ------
    ValueError
        If the data do not reach the end of the holdout period or ``holdout_weeks`` <= 0.

    Notes
    -----
    Per customer :math:`E[Y(t) \\mid x, t_x, T]` (Fader, Hardie & Lee 2005, eq. 10) with
    :math:`t` = ``holdout_weeks``; the tracking curve sums eq. (9) over customers from each one's
    first purchase.
    """
    if not holdout_weeks > 0:
        raise ValueError(f"holdout_weeks = {holdout_weeks!r} must be > 0")
    cal_end = pd.Timestamp(calibration_end)
    end = cal_end + pd.Timedelta(days=round(7 * holdout_weeks))
    days = transactions[["customer_id", "date"]].assign(date=lambda d: d["date"].dt.normalize())
    days = days.drop_duplicates()
    if days["date"].max() < end - pd.Timedelta(days=7):
        raise ValueError(f"the transactions end {days['date'].max():%Y-%m-%d}, before the end of the "
                         f"{holdout_weeks:g}-week holdout ({end:%Y-%m-%d})")
    ids = summary.index.astype(str)
    days = days.loc[days["customer_id"].astype(str).isin(ids)]
    hold = days.loc[(days["date"] > cal_end) & (days["date"] <= end)]
    actual = hold.groupby(hold["customer_id"].astype(str)).size().reindex(ids, fill_value=0)
    pred = clv.expected_purchases(params, holdout_weeks, summary["frequency"], summary["recency"],
                                  summary["T"])
    group = np.minimum(summary["frequency"].to_numpy(), GROUP_CAP).astype(int)
    frame = pd.DataFrame({"group": group, "actual": actual.to_numpy(), "predicted": pred})
    by = frame.groupby("group").agg(customers=("actual", "size"), actual=("actual", "mean"),
                                    predicted=("predicted", "mean"))
    by.index = [f"{g}+" if g == GROUP_CAP else str(g) for g in by.index]
    by.index.name = "calibration_repeat_purchases"
    first = days.groupby(days["customer_id"].astype(str))["date"].min().reindex(ids)
    start = first.min()
    weeks = np.arange(1, int(np.ceil((end - start).days / 7)) + 1)
    born = ((first - start).dt.days / 7).to_numpy()
    predicted = [float(expected_repeat_unconditional(params, w - born).sum()) for w in weeks]
    repeat = days.merge(first.rename("first").reset_index().rename(columns={"index": "customer_id"}),
                        left_on=days["customer_id"].astype(str), right_on="customer_id",
                        suffixes=("", "_f"))
    repeat = repeat.loc[repeat["date"] > repeat["first"]]
    rweek = np.ceil(((repeat["date"] - start).dt.days + 1) / 7).to_numpy()
    actual_cum = [int((rweek <= w).sum()) for w in weeks]
    tracking = pd.DataFrame({"actual": actual_cum, "predicted": predicted},
                            index=pd.Index(weeks, name="week"))
    tracking.attrs["calibration_week"] = float((cal_end - start).days + 1) / 7
    low = high = float("nan")
    if n_draws:
        totals = [clv.expected_purchases(d, holdout_weeks, summary["frequency"], summary["recency"],
                                         summary["T"]).sum()
                  for d in parameter_draws(params, summary, n_draws=n_draws, seed=seed)]
        a = (1 - conf_level) / 2
        low, high = float(np.quantile(totals, a)), float(np.quantile(totals, 1 - a))
    return Holdout(by_group=by, tracking=tracking, predicted_repeat=float(pred.sum()),
                   actual_repeat=int(actual.sum()), holdout_weeks=float(holdout_weeks),
                   customers=len(summary), predicted_low=low, predicted_high=high,
                   conf_level=conf_level)
