"""Contractual retention of members: the shifted-beta-geometric (sBG) model fitted on the spells.

Membership is a contract renewed every month, and cancellations are observed (``leave_month``):
the setting of Fader & Hardie (2007). Each member cancels at any renewal with their own
probability :math:`\\theta \\sim \\text{Beta}(\\alpha, \\beta)`, so the number of paid months
:math:`T` has

.. math::
    P(T = t) = \\frac{B(\\alpha + 1, \\beta + t - 1)}{B(\\alpha, \\beta)}, \\qquad
    S(t) = P(T > t) = \\frac{B(\\alpha, \\beta + t)}{B(\\alpha, \\beta)}.

A member who cancelled after paying ``t`` months contributes :math:`P(T = t)`; one still a
member after ``m`` paid months contributes :math:`S(m - 1)` (the ``m``-th renewal is not seen
yet); one who joined ``e`` months before the panel starts is conditioned on :math:`T > e`.
The retention rate at renewal ``t`` is :math:`r_t = (\\beta + t - 1)/(\\alpha + \\beta + t - 1)`
— it rises with ``t`` as the members who cancel easily leave first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, special

from helpers.membership.event_study import month_index


@dataclass(frozen=True)
class Spells:
    """One row per member: paid months seen, whether the spell ended, months before the panel."""

    paid_months: np.ndarray  # int, >= 1
    cancelled: np.ndarray  # bool
    entry: np.ndarray  # int, months of membership before the panel's first month
    codes: np.ndarray  # the member's column in pd.factorize(panel["customer_id"])


def member_spells(panel: pd.DataFrame) -> Spells:
    """The membership spells of a checked panel (one spell per customer, the contract's rule).

    Examples
    --------
    >>> from helpers.membership.load import check_panel
    >>> p = check_panel(pd.DataFrame({
    ...     "customer_id": ["a"] * 4 + ["b"] * 4, "member": [False, True, True, False] + [False, False, True, True],
    ...     "month": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"] * 2),
    ...     "orders": 1, "spend": 1000.0,
    ...     "join_month": pd.to_datetime(["2024-02-01"] * 4 + ["2024-03-01"] * 4),
    ...     "leave_month": pd.to_datetime(["2024-04-01"] * 4 + [None] * 4)}))
    >>> s = member_spells(p)  # a paid Feb and Mar, then left; b paid Mar and Apr, still a member
    >>> s.paid_months.tolist(), s.cancelled.tolist(), s.entry.tolist()
    ([2, 2], [True, False], [0, 0])
    """
    codes_all = pd.factorize(panel["customer_id"])[0]
    first = panel.groupby(codes_all).first()
    joined = first["join_month"].notna().to_numpy()
    last_t = int(month_index(panel["month"]).max())
    start_t = int(month_index(panel["month"]).min())
    j = month_index(first["join_month"])[joined]
    if "leave_month" in first.columns:
        leave = month_index(first["leave_month"])[joined]
        ends = leave >= 0
    else:
        leave, ends = np.full(joined.sum(), -1), np.zeros(joined.sum(), bool)
    stop = np.where(ends, leave, last_t + 1)  # first month not paid (or not yet seen)
    return Spells(paid_months=(stop - j).astype(int), cancelled=ends,
                  entry=np.maximum(start_t - j, 0).astype(int), codes=np.flatnonzero(joined))


def _log_beta_ratio(alpha, beta, a_shift, b_shift):
    return special.betaln(alpha + a_shift, beta + b_shift) - special.betaln(alpha, beta)


def _grad_log_beta_ratio(a, b, a_shift, b_shift):
    """d/d(log a), d/d(log b) of log B(a + a_shift, b + b_shift) - log B(a, b)."""
    common = special.digamma(a + b + a_shift + b_shift) - special.digamma(a + b)
    da = special.digamma(a + a_shift) - special.digamma(a) - common
    db = special.digamma(b + b_shift) - special.digamma(b) - common
    return a * da, b * db


def _negloglik(x: np.ndarray, t: np.ndarray, churn: np.ndarray, cens: np.ndarray,
               trunc: np.ndarray) -> tuple[float, np.ndarray]:
    a, b = np.exp(x)
    paid = t >= 1  # nobody cancels before paying a month
    tp = t[paid]
    ll = (churn[paid] * _log_beta_ratio(a, b, 1.0, tp - 1.0)).sum()
    ga, gb = _grad_log_beta_ratio(a, b, 1.0, tp - 1.0)
    grad = np.array([(churn[paid] * ga).sum(), (churn[paid] * gb).sum()])
    net = cens - trunc  # S(t): still paying after t renewals; truncation: conditioned on T > e
    ll += (net * _log_beta_ratio(a, b, 0.0, t)).sum()
    ga, gb = _grad_log_beta_ratio(a, b, 0.0, t)
    grad += np.array([(net * ga).sum(), (net * gb).sum()])
    return -float(ll), -grad


def fit_sbg(t: np.ndarray, churn: np.ndarray, censored: np.ndarray,
            truncated: np.ndarray | None = None, *,
            start: tuple[float, float] = (1.0, 1.0)) -> tuple[float, float]:
    """Maximum-likelihood :math:`(\\alpha, \\beta)` from weighted counts per month ``t``.

    ``churn[i]`` members paid exactly ``t[i]`` months; ``censored[i]`` are known to have paid
    more than ``t[i]`` (still members); ``truncated[i]`` entered the data having already paid
    more than ``t[i]`` months. ``start`` is the optimiser's starting point.

    Examples
    --------
    Fader & Hardie (2007), Table 1, "regular" customers: of 1,000 who signed up, 631, 468, 382,
    326, 289, 262 and 241 are still customers after years 1 to 7; the paper reports
    :math:`\\hat\\alpha = 0.704`, :math:`\\hat\\beta = 1.182`.

    >>> alive = np.array([1000, 631, 468, 382, 326, 289, 262, 241])
    >>> t = np.arange(1, 8)
    >>> a, b = fit_sbg(t, -np.diff(alive), np.where(t == 7, 241, 0))
    >>> round(a, 3), round(b, 3)
    (0.704, 1.182)
    """
    t = np.asarray(t, float)
    trunc = np.zeros_like(t) if truncated is None else np.asarray(truncated, float)
    churn, cens = np.asarray(churn, float), np.asarray(censored, float)
    if churn.sum() <= 0:
        raise ValueError("no member cancelled: the retention model is not identified")
    res = optimize.minimize(_negloglik, np.log(np.asarray(start, float)),
                            args=(t, churn, cens, trunc), jac=True, method="L-BFGS-B",
                            bounds=[(-7.0, 11.0)] * 2)
    a, b = np.exp(res.x)
    return float(a), float(b)


def survival(alpha: float, beta: float, t: np.ndarray | int) -> np.ndarray:
    """:math:`S(t) = P(T > t)`, the share of joiners still paying after ``t`` months.

    Examples
    --------
    >>> round(float(survival(0.704, 1.182, 7)), 3)  # Fader & Hardie's regular segment: 241 of 1,000 seen
    0.239
    """
    return np.exp(_log_beta_ratio(alpha, beta, 0.0, np.asarray(t, float)))


def discounted_months(alpha: float, beta: float, horizon: int, monthly_discount: float) -> float:
    """Expected paid months of a new member within ``horizon``, discounted:
    :math:`\\sum_{t=0}^{H-1} S(t) / (1 + d)^t` (the first month is paid at joining).

    Examples
    --------
    >>> round(discounted_months(1e6, 1e6, 3, 0.0), 4)  # theta = 0.5 for everyone: 1 + 0.5 + 0.25
    1.75
    """
    t = np.arange(horizon)
    return float((survival(alpha, beta, t) / (1 + monthly_discount) ** t).sum())


@dataclass(frozen=True)
class Retention:
    """The sBG fit on the panel's spells, with bootstrap intervals over customers."""

    alpha: float
    beta: float
    monthly: float  # retention at the first renewal, beta / (alpha + beta)
    monthly_low: float
    monthly_high: float
    survival_12: float  # share of joiners still paying after 12 months
    members: int
    cancelled: int
    draws: np.ndarray  # (n_boot, 2): alpha, beta per bootstrap draw
    conf_level: float


def _counts(spells: Spells, w: np.ndarray, months: np.ndarray) -> tuple[np.ndarray, ...]:
    """Weighted counts per month for every row of ``w`` (draws x members)."""
    m = spells.paid_months
    churn_ind = (spells.cancelled[:, None] & (m[:, None] == months[None, :])).astype(float)
    cens_ind = (~spells.cancelled[:, None] & (m[:, None] - 1 == months[None, :])).astype(float)
    trunc_ind = ((spells.entry[:, None] > 0) & (spells.entry[:, None] == months[None, :])).astype(float)
    return w @ churn_ind, w @ cens_ind, w @ trunc_ind


def retention(panel: pd.DataFrame, weights: np.ndarray, *, conf_level: float = 0.95) -> Retention:
    """Fit the sBG on the panel's spells; intervals from the customers' bootstrap ``weights``.

    Parameters
    ----------
    panel : DataFrame
        Checked panel with ``leave_month`` (cancellations).
    weights : array (n_boot, n_customers)
        :func:`helpers.membership.robust.customer_weights` of the same panel: the draws are shared
        with the effect estimates, so a member's lifetime value can combine both.
    conf_level : float
        Interval level, in (0.5, 1).

    Raises
    ------
    ValueError
        If the panel has no member or no cancellation (retention not identified).
    """
    if not 0.5 < conf_level < 1:
        raise ValueError(f"conf_level = {conf_level!r} must be in (0.5, 1)")
    spells = member_spells(panel)
    n_customers = int(pd.factorize(panel["customer_id"])[0].max()) + 1
    if weights.ndim != 2 or weights.shape[1] != n_customers:
        raise ValueError(f"weights has shape {weights.shape}; expected (n_boot, {n_customers}) "
                         "from robust.customer_weights of the same panel")
    if len(spells.paid_months) == 0:
        raise ValueError("the panel has no member: retention cannot be estimated")
    if not spells.cancelled.any():
        raise ValueError("no member cancelled in the panel (no leave_month): retention is not "
                         "identified from spells that all continue")
    months = np.arange(0, int(max(spells.paid_months.max(), spells.entry.max())) + 1)
    ones = np.ones((1, len(spells.paid_months)))
    churn, cens, trunc = _counts(spells, ones, months)
    a, b = fit_sbg(months, churn[0], cens[0], trunc[0])
    wb = weights[:, spells.codes]
    churn_b, cens_b, trunc_b = _counts(spells, wb, months)
    draws = np.array([fit_sbg(months, churn_b[i], cens_b[i], trunc_b[i], start=(a, b))
                      for i in range(len(wb))])
    r_b = draws[:, 1] / draws.sum(axis=1)
    q = (1 - conf_level) / 2
    return Retention(alpha=a, beta=b, monthly=b / (a + b), monthly_low=float(np.quantile(r_b, q)),
                     monthly_high=float(np.quantile(r_b, 1 - q)),
                     survival_12=float(survival(a, b, 12)), members=len(spells.paid_months),
                     cancelled=int(spells.cancelled.sum()), draws=draws, conf_level=conf_level)


@dataclass(frozen=True)
class MemberLifetimeValue:
    """Value of a new member over the horizon: value per member-month × discounted paid months."""

    value: float
    low: float
    high: float
    months: float  # expected discounted paid months
    months_low: float
    months_high: float
    horizon: int
    currency: str


def member_lifetime_value(ret: Retention, value_per_month: float, value_draws: np.ndarray, *,
                          horizon: int, monthly_discount: float,
                          currency: str) -> MemberLifetimeValue:
    """:math:`V \\times \\sum_{t<H} S(t)/(1+d)^t`, with the interval of the joint bootstrap draws.

    ``value_draws`` are the value per member-month in the same draws as ``ret.draws`` (same
    customer weights), so the interval carries both uncertainties together.

    Examples
    --------
    >>> r = Retention(1e6, 1e6, 0.5, 0.5, 0.5, 0.0, 10, 5, np.full((3, 2), 1e6), 0.95)
    >>> m = member_lifetime_value(r, 1000.0, np.full(3, 1000.0), horizon=3, monthly_discount=0.0,
    ...                           currency="KRW")
    >>> round(m.value, 2), round(m.months, 4)  # 1,000 x (1 + 0.5 + 0.25)
    (1750.0, 1.75)
    """
    if len(value_draws) != len(ret.draws):
        raise ValueError(f"value_draws has {len(value_draws)} draws; the retention fit has "
                         f"{len(ret.draws)}: use the same customer weights")
    months = discounted_months(ret.alpha, ret.beta, horizon, monthly_discount)
    months_b = np.array([discounted_months(a, b, horizon, monthly_discount) for a, b in ret.draws])
    lv_b = value_draws * months_b
    q = (1 - ret.conf_level) / 2
    return MemberLifetimeValue(value=value_per_month * months, low=float(np.quantile(lv_b, q)),
                               high=float(np.quantile(lv_b, 1 - q)), months=months,
                               months_low=float(np.quantile(months_b, q)),
                               months_high=float(np.quantile(months_b, 1 - q)), horizon=horizon,
                               currency=currency)


def fit_retention(panel: pd.DataFrame, weights: np.ndarray, *,
                  conf_level: float = 0.95) -> Retention | None:
    """:func:`retention`, or None when no member cancelled (all spells continue: not identified)."""
    spells = member_spells(panel)
    if len(spells.paid_months) == 0 or not spells.cancelled.any():
        return None
    return retention(panel, weights, conf_level=conf_level)


def lifetime_of_a_member(ret: Retention | None, worth: Any, *, horizon: int,
                         annual_discount_rate: float) -> MemberLifetimeValue | None:
    """:func:`member_lifetime_value` from a value with its draws (``ValueInterval``); None
    without a retention fit."""
    if ret is None:
        return None
    from helpers.membership.lifetime import monthly_rate

    return member_lifetime_value(ret, worth.value, worth.value_draws, horizon=horizon,
                                 monthly_discount=monthly_rate(annual_discount_rate),
                                 currency=worth.currency)
