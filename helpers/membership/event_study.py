"""Staggered-adoption event study: Poisson with customer and month effects, leads and lags.

Customers join in different months (cohorts). Each joiner's months carry a dummy for their event
time ``k`` = months since joining (leads ``k < 0``, lags ``k >= 0``; the far ends binned), except
the reference month ``k = -1 - anticipation``; never-joined customers and the joiners' reference
months identify the month effects. The customer effects are removed exactly by the conditional
(multinomial) form of the Poisson likelihood, so the estimator needs only the conditional mean
to be right (Wooldridge 1999) and works for spend as well as for counts.

Why not ``pyfixest.fepois``: on the default panel (4,000 customers × 24 months, 5 leads, 12
lags) it took 1.5 s to import plus 3.3 s for the first fit (numba compilation) and 0.5 s for a
second fit on this machine (measured 2026-12-05, 2 cores shared); concentrating the customer
effects out makes a fit 0.09 s, so a 500-draw bootstrap stays cheap, and the per-customer scores it
returns give the multiplier bootstrap over customers for free. ``tests/membership`` checks the
coefficients against ``pyfixest.fepois``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse, stats

JoinMonth = Literal["own", "post", "exclude"]
JOIN_MONTH_CHOICES = ("own", "post", "exclude")


@dataclass(frozen=True)
class PoissonFE:
    """A Poisson fit with customer effects concentrated out."""

    beta: np.ndarray
    hessian_inv: np.ndarray  # inverse of the negative Hessian
    scores: np.ndarray  # one row per customer (all customers, zeros where dropped)
    vcov: np.ndarray  # cluster-robust (customers), G/(G-1) small-sample factor
    iterations: int
    n_used: int  # customers with a positive total (others carry no information)


def poisson_fe(y: np.ndarray, X: np.ndarray, groups: np.ndarray, *, max_iter: int = 50,
               tol: float = 1e-10) -> PoissonFE:
    """Poisson regression of ``y`` on ``X`` with one fixed effect per group, by Newton steps.

    Parameters
    ----------
    y : array (n,)
        Non-negative outcome (counts, or spend: the pseudo-likelihood is the same).
    X : array (n, k)
        Regressors (no constant: it is absorbed by the group effects).
    groups : array (n,) of int
        Group codes 0 .. G-1 (customers).

    Returns
    -------
    PoissonFE

    Raises
    ------
    ValueError
        If ``y`` is negative, shapes disagree, or Newton does not converge.

    Notes
    -----
    With :math:`\\mu_{it} = e^{\\alpha_i + x_{it}'\\beta}`, the group effects solve
    :math:`e^{\\alpha_i} = n_i / \\sum_t e^{x_{it}'\\beta}` (:math:`n_i = \\sum_t y_{it}`), which
    leaves the multinomial log-likelihood :math:`\\sum_{it} y_{it} \\log p_{it}`,
    :math:`p_{it} = e^{x_{it}'\\beta} / \\sum_s e^{x_{is}'\\beta}`; gradient
    :math:`X'(y-\\mu)`, information :math:`\\sum_i X_i'(\\text{diag}\\,\\mu_i - \\mu_i\\mu_i'/n_i)X_i`.

    Examples
    --------
    >>> y = np.array([1, 3, 2, 6]); X = np.array([[0.0], [1.0], [0.0], [1.0]])
    >>> round(float(np.exp(poisson_fe(y, X, np.array([0, 0, 1, 1])).beta[0])), 6)  # 9/3
    3.0
    """
    y = np.asarray(y, dtype=float)
    X = sparse.csr_matrix(X, dtype=float)  # sparse products: no BLAS threads on a shared machine
    groups = np.asarray(groups)
    if y.ndim != 1 or X.shape[0] != y.size or groups.size != y.size:
        raise ValueError(f"y ({y.shape}), X ({X.shape}) and groups ({groups.shape}) must have the "
                         "same number of rows")
    if (y < 0).any() or not np.isfinite(y).all():
        raise ValueError("y must be finite and >= 0")
    n_groups = int(groups.max()) + 1
    G = sparse.csr_matrix((np.ones(y.size), (groups, np.arange(y.size))), shape=(n_groups, y.size))
    n = G @ y
    keep = n[groups] > 0
    safe_n = np.where(n > 0, n, 1.0)

    def moments(beta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        eta = X @ beta
        w = np.exp(eta - eta.max())
        mu = np.where(keep, n[groups] * w / (G @ w)[groups], 0.0)
        mx = X.multiply(mu[:, None]).tocsr()
        gx = G @ mx
        info = (X.T @ mx - gx.T @ sparse.diags(1 / safe_n) @ gx).toarray()
        return mu, info, X.T @ (y - mu)

    beta = np.zeros(X.shape[1])
    for it in range(1, max_iter + 1):  # noqa: B007 (it is kept as the iteration count)
        _mu, info, grad = moments(beta)
        step = np.linalg.solve(info, grad)
        beta = beta + step
        if np.max(np.abs(step)) < tol:
            break
    else:
        raise ValueError(f"Poisson fixed-effects fit did not converge in {max_iter} Newton steps")
    mu, info, _grad = moments(beta)
    hinv = np.linalg.inv(info)
    scores = (G @ X.multiply((y - mu)[:, None]).tocsr()).toarray()
    used = int((n > 0).sum())
    meat = scores.T @ scores * used / max(used - 1, 1)
    return PoissonFE(beta, hinv, scores, hinv @ meat @ hinv, it, used)


def month_index(months: pd.Series) -> np.ndarray:
    """Months as integers (year * 12 + month - 1); NaT -> -1."""
    idx = months.dt.year * 12 + months.dt.month - 1
    return idx.fillna(-1).astype(int).to_numpy()


def event_label(k: int, leads: int, lags: int) -> str:
    """``"-5 or earlier"``, ``"-2"``, ``"12 or later"``, ... for an event-time term."""
    if k <= -leads:
        return f"{-leads} or earlier"
    if k >= lags:
        return f"{lags} or later"
    return str(k)


@dataclass(frozen=True)
class EventStudy:
    """Event-time effects (rate ratios) with intervals, their stated aggregate and the lead test."""

    outcome: str
    terms: pd.DataFrame  # index event_time (int; ends binned), label, kind, member_months, log, se, ratio, low, high
    rate_ratio: float
    low: float
    high: float
    pretrend_stat: float
    pretrend_df: int
    pretrend_p: float
    conf_level: float
    reference: int
    join_month: str
    aggregation: str
    tenure_counts: pd.Series  # member-months by exact tenure in the aggregate
    weights: np.ndarray  # aggregation weights over all coefficients
    fit: PoissonFE
    n_customers: int
    n_obs: int

    def covers(self, value: float) -> bool:
        """True if ``value`` lies inside the aggregate's interval."""
        return self.low <= value <= self.high

    def flags_pretrend(self) -> bool:
        """True when the lead test rejects "no pre-trend" at level ``1 - conf_level``."""
        return bool(self.pretrend_p < 1 - self.conf_level)


def design(panel: pd.DataFrame, *, leads: int, lags: int, join_month: JoinMonth = "own",
           anticipation: int = 0) -> tuple[pd.DataFrame, np.ndarray, list[int], list[str], np.ndarray]:
    """Rows used, the regressor matrix, event-time terms, column names and customer codes.

    Member months carry lag terms by tenure; months after a cancellation carry one
    ``left`` term (``leave_month`` column, when present); leads cover the months before joining.
    """
    if leads < 2 + anticipation:
        raise ValueError(f"leads = {leads} must be at least 2 + anticipation ({2 + anticipation}): "
                         "the lead test needs one lead besides the reference month")
    if lags < 1:
        raise ValueError(f"lags = {lags} must be >= 1")
    if join_month not in JOIN_MONTH_CHOICES:
        raise ValueError(f"join_month = {join_month!r}; choose one of {JOIN_MONTH_CHOICES}")
    t = month_index(panel["month"])
    j = month_index(panel["join_month"])
    joined = j >= 0
    k = np.where(joined, t - j, 0)
    left = joined & (k >= 0) & ~panel["member"].to_numpy(dtype=bool)
    keep = ~(joined & (k == 0)) if join_month == "exclude" else np.ones(len(panel), bool)
    rows = panel.loc[keep].reset_index(drop=True)
    t, j, joined, k, left = t[keep], j[keep], joined[keep], k[keep], left[keep]
    reference = -1 - anticipation
    kb = np.clip(k, -leads, lags)
    terms = [e for e in range(-leads, lags + 1) if e != reference
             and not (join_month == "exclude" and e == 0)]
    cols, names = [], []
    for e in terms:
        cols.append((joined & ~left & (kb == e)).astype(float))
        names.append(f"k{e}")
    if left.any():
        cols.append(left.astype(float))
        names.append("left")
    months = np.unique(t)
    for m in months[1:]:
        cols.append((t == m).astype(float))
        names.append(f"month{m}")
    X = np.column_stack(cols)
    present = X.any(axis=0)
    if not present[:len(terms)].all():
        missing = [terms[i] for i in range(len(terms)) if not present[i]]
        shown = ", ".join(map(str, missing[:8])) + (", ..." if len(missing) > 8 else "")
        raise ValueError(f"no joiner-months at event time(s) [{shown}]: lower leads or lags")
    codes = pd.factorize(rows["customer_id"])[0]
    return rows.assign(_k=k, _left=left, _joined=joined), X, terms, names, codes


def event_study(panel: pd.DataFrame, outcome: str = "orders", *, leads: int = 5, lags: int = 12,
                join_month: JoinMonth = "own", anticipation: int = 0,
                conf_level: float = 0.95) -> EventStudy:
    """Event-time rate ratios of membership on ``outcome``, their aggregate and the pre-trend test.

    Parameters
    ----------
    panel : DataFrame
        Checked panel (``check_panel``).
    outcome : str
        ``orders`` or ``spend`` (KRW; spend ratio = effect on orders × effect on basket).
    leads, lags : int
        Months before joining (>= 2 + anticipation) and after (>= 1) with their own term; months
        further out are binned into the end terms.
    join_month : {"own", "post", "exclude"}
        The join month's term is estimated but left out of the aggregate (``own``), counted as
        a post month (``post``), or its rows are dropped (``exclude``).
    anticipation : int
        Months before joining that may already be affected; the reference month is
        ``-1 - anticipation`` and those months are not tested.
    conf_level : float
        Interval level, in (0.5, 1).

    Returns
    -------
    EventStudy

    Raises
    ------
    ValueError
        Bad arguments, no members, or an event time without member-months.

    Notes
    -----
    :math:`E[y_{it}] = \\exp(\\alpha_i + \\tau_t + \\sum_{k \\ne r} \\beta_k 1[t - J_i = k])`.
    Aggregate: :math:`\\hat\\rho = \\exp(\\sum_k w_k \\hat\\beta_k)` over the post terms with
    :math:`w_k` = the share of member-months at event time :math:`k` (a member-month-weighted
    mean of the log effects); delta-method interval. Pre-trend test: Wald
    :math:`\\hat\\beta_L' V_L^{-1} \\hat\\beta_L \\sim \\chi^2_{|L|}` over the leads before the
    anticipation window.

    Examples
    --------
    >>> from helpers.membership.load import check_panel
    >>> from helpers.membership.simulate import simulate_panel
    >>> p = check_panel(simulate_panel(n_customers=1500, n_months=12, min_pre_months=4, seed=5))
    >>> es = event_study(p, leads=3, lags=4)
    >>> bool(es.covers(2.0)), bool(es.pretrend_p > 0.05)
    (True, True)
    """
    if outcome not in ("orders", "spend"):
        raise ValueError(f"outcome = {outcome!r}; choose 'orders' or 'spend'")
    if not 0.5 < conf_level < 1:
        raise ValueError(f"conf_level = {conf_level!r} must be in (0.5, 1)")
    if not panel["join_month"].notna().any():
        raise ValueError("the panel has no members: the membership effect cannot be estimated")
    rows, X, terms, names, codes = design(panel, leads=leads, lags=lags, join_month=join_month,
                                          anticipation=anticipation)
    y = rows[outcome].to_numpy(dtype=float)
    fit = poisson_fe(y, X, codes)
    se = np.sqrt(np.diag(fit.vcov))
    z = float(stats.norm.ppf(0.5 + conf_level / 2))
    kb = np.clip(rows["_k"].to_numpy(), -leads, lags)
    member_rows = rows["_joined"].to_numpy() & ~rows["_left"].to_numpy()
    counts = [int((member_rows & (kb == e)).sum()) for e in terms]
    tab = pd.DataFrame({
        "label": [event_label(e, leads, lags) for e in terms],
        "kind": ["lead" if e < 0 else "lag" for e in terms],
        "member_months": counts,
        "log": fit.beta[:len(terms)], "se": se[:len(terms)],
    }, index=pd.Index(terms, name="event_time"))
    tab["ratio"] = np.exp(tab["log"])
    tab["low"] = np.exp(tab["log"] - z * tab["se"])
    tab["high"] = np.exp(tab["log"] + z * tab["se"])
    first_post = 0 if join_month == "post" else 1
    post = [i for i, e in enumerate(terms) if e >= first_post]
    w = np.zeros(len(names))
    total = sum(counts[i] for i in post)
    for i in post:
        w[i] = counts[i] / total
    agg = float(w @ fit.beta)
    agg_se = float(np.sqrt(w @ fit.vcov @ w))
    tested = [i for i, e in enumerate(terms) if e < -1 - anticipation]
    b = fit.beta[tested]
    stat = float(b @ np.linalg.solve(fit.vcov[np.ix_(tested, tested)], b))
    ten = rows.loc[member_rows & (rows["_k"].to_numpy() >= first_post), "_k"]
    words = {"own": "the join month has its own term and is left out",
             "post": "the join month counts as a post month",
             "exclude": "join-month rows are dropped"}[join_month]
    aggregation = (f"member-month-weighted mean of the log effects at event times {first_post} to "
                   f"{lags} or later ({words})")
    return EventStudy(outcome=outcome, terms=tab, rate_ratio=float(np.exp(agg)),
                      low=float(np.exp(agg - z * agg_se)), high=float(np.exp(agg + z * agg_se)),
                      pretrend_stat=stat, pretrend_df=len(tested),
                      pretrend_p=float(stats.chi2.sf(stat, len(tested))), conf_level=conf_level,
                      reference=-1 - anticipation, join_month=join_month, aggregation=aggregation,
                      tenure_counts=ten.value_counts().sort_index(), weights=w, fit=fit,
                      n_customers=fit.n_used, n_obs=len(rows))


def aggregate_truth(study: EventStudy, ratio_at_tenure: Callable[[int], float]) -> float:
    """The true aggregate of a known effect profile, with the study's member-month weights.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> s = SimpleNamespace(tenure_counts=pd.Series([3, 1], index=[1, 2]))
    >>> round(aggregate_truth(s, lambda k: 2.0 * 1.5 ** (k - 1)), 6)  # exp((3 log 2 + log 3) / 4)
    2.213364
    """
    c = study.tenure_counts
    logs = np.array([np.log(ratio_at_tenure(int(k))) for k in c.index])
    return float(np.exp((c.to_numpy() * logs).sum() / c.sum()))
