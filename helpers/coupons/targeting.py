"""Whom to send the next coupon: uplift models on the randomised audience, Qini, and a profit policy.

Pure functions; no plotting, no simulation. The holdout of a finished campaign is a randomised
experiment, which is exactly what uplift modelling needs (Radcliffe 2007). Two learners of the
per-customer incremental profit :math:`\\tau(x) = E[Y(1) - Y(0) \\mid x]` on pre-campaign features
(:mod:`helpers.coupons.features`), both with scikit-learn gradient-boosted trees as base learners:

* the **two-model (T-) learner**: one regression per group, :math:`\\hat\\tau = \\hat\\mu_1 - \\hat\\mu_0`;
* the **doubly robust (DR-) learner** of EconML (``econml.dr.DRLearner``; Kennedy 2023): a
  regression of the doubly robust pseudo-outcome on the features, with the propensity known by
  design (a constant: the audience was split at random).

``Y`` is the customer's gross profit over the campaign and post window net of coupon cost
(:func:`helpers.coupons.windows.customer_windows`, ``profit_net``), so a prediction is incremental
profit net of coupon cost and of the purchases pulled forward within the post window.

Everything is cross-fitted (Chernozhukov et al. 2018): a customer's prediction and score come from
models that never saw them. The policy "send to the top share :math:`x` by predicted incremental
profit" is chosen on training folds only (nested), then evaluated on the held-out fold, so the
reported policy profit is not flattered by choosing :math:`x` on the data that judge it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers import contracts
from helpers.contracts import DataContractError
from helpers.coupons.features import Features

#: Learners the notebook can use for the policy (``uplift_learner``).
LEARNERS = ("dr_learner", "t_learner")
#: Shares of the audience a policy may target (0 = send to none, 1 = send to all).
SHARES = tuple(round(0.1 * k, 1) for k in range(11))
#: Fewest targeted and holdout customers per cross-fitting fold.
MIN_PER_FOLD = 30
#: Measured coverage of the policy's nominal 95% interval of its true incremental profit, on the
#: independent targeting world of ``tests/coupons/test_independent_targeting.py`` (120 seeds), with each
#: fold's share chosen again in every draw (:func:`reselected_policy_draws`): conservative. Holding the
#: shares fixed it was 91.7% on the same seeds. Reports print it; the test fails if the measured share
#: moves by more than 0.03 from this figure or falls below nominal by more than Monte-Carlo error.
POLICY_COVERAGE = {"nominal": 0.95, "measured": 0.975, "seeds": 120}
#: Bootstrap draws of the Qini area (each re-sorts the audience).
QINI_BOOT = 200


def _single_threaded(fn):
    """Run ``fn`` with native thread pools (OpenMP, BLAS) limited to one thread.

    The gradient-boosted base learners parallelise with OpenMP over all cores the library sees;
    on many small fits inside a batch of parallel kernels, or where the reported core count
    exceeds the CPU quota, the spinning threads oversubscribe the cores (measured here: the
    default run of notebook 02 took 62 s instead of 21 s with ``OMP_NUM_THREADS=32``; on the CI
    host it exceeded the 300 s timeout). Results do not depend on the thread count.
    """
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        import sklearn.ensemble  # noqa: F401  (loads the OpenMP runtime, so the limit below reaches it)
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1):
            return fn(*args, **kwargs)

    return wrapper


def _base_learner(seed: int):
    """A small gradient-boosted regression (fast, seeded): the base learner of both uplift models."""
    from sklearn.ensemble import HistGradientBoostingRegressor

    return HistGradientBoostingRegressor(max_iter=60, max_depth=3, learning_rate=0.08, min_samples_leaf=40,
                                         random_state=seed)


@dataclass(frozen=True)
class UpliftData:
    """Features ``X``, group ``t`` (1 = targeted), outcome ``y`` and the share targeted ``e``."""

    ids: np.ndarray
    X: np.ndarray
    t: np.ndarray
    y: np.ndarray
    columns: tuple[str, ...]
    e: float


def uplift_data(features: Features, customers: pd.DataFrame, outcome: str = "profit_net") -> UpliftData:
    """Align pre-campaign features with each customer's group and outcome.

    Parameters
    ----------
    features : Features
        From :func:`helpers.coupons.features.pre_features`.
    customers : DataFrame
        ``customer_id, group`` and ``outcome`` per audience customer
        (:func:`helpers.coupons.windows.customer_windows`).
    outcome : str
        Outcome column (default ``profit_net``, in the campaign's currency).

    Returns
    -------
    UpliftData

    Raises
    ------
    DataContractError
        A customer without features or outcome, or a feature value that is missing or not finite
        (the message names the column and the first customers).

    Examples
    --------
    >>> f = Features(pd.DataFrame({"customer_id": ["a", "b"], "group": ["targeted", "holdout"],
    ...                            "spend": [1.0, 2.0]}), ("spend",))
    >>> d = uplift_data(f, pd.DataFrame({"customer_id": ["a", "b"], "group": ["targeted", "holdout"],
    ...                                  "profit_net": [5.0, 3.0]}))
    >>> d.t.tolist(), d.y.tolist(), d.e
    ([1, 0], [5.0, 3.0], 0.5)
    """
    contracts.require_columns(customers, ["customer_id", "group", outcome], source="customer windows")
    table = features.table.merge(customers[["customer_id", outcome]], on="customer_id", how="left")
    for col in (*features.columns, outcome):
        bad = ~np.isfinite(pd.to_numeric(table[col], errors="coerce").to_numpy(dtype=float))
        if bad.any():
            first = table.loc[bad, "customer_id"].astype(str).head(3).tolist()
            raise DataContractError(f"targeting features: column {col!r} is missing or not finite for "
                                    f"{int(bad.sum())} customer(s) (first: {first}); fill or drop them first")
    t = (table["group"] == "targeted").to_numpy().astype(int)
    return UpliftData(table["customer_id"].to_numpy(), table[list(features.columns)].to_numpy(dtype=float), t,
                      table[outcome].to_numpy(dtype=float), features.columns, float(t.mean()))


def _folds(t: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Fold id per customer, stratified by group (seeded)."""
    from sklearn.model_selection import StratifiedKFold

    out = np.empty(len(t), dtype=int)
    for j, (_, test) in enumerate(StratifiedKFold(k, shuffle=True, random_state=seed).split(t, t)):
        out[test] = j
    return out


def _t_fit(X, t, y, seed):
    m1 = _base_learner(seed).fit(X[t == 1], y[t == 1])
    m0 = _base_learner(seed + 1).fit(X[t == 0], y[t == 0])
    return m0, m1


def _tau(learner: str, X, t, y, X_new, seed: int, e: float) -> np.ndarray:
    """Predicted incremental outcome on ``X_new`` from a learner fitted on (X, t, y)."""
    if learner == "t_learner":
        m0, m1 = _t_fit(X, t, y, seed)
        return m1.predict(X_new) - m0.predict(X_new)
    from econml.dr import DRLearner
    from sklearn.dummy import DummyClassifier

    est = DRLearner(model_propensity=DummyClassifier(strategy="prior"), model_regression=_base_learner(seed),
                    model_final=_base_learner(seed + 2), cv=2, random_state=seed)
    est.fit(y, t, X=X)
    return np.asarray(est.effect(X_new), dtype=float).ravel()


def dr_scores(y: np.ndarray, t: np.ndarray, mu0: np.ndarray, mu1: np.ndarray, e: float) -> np.ndarray:
    """Doubly robust (AIPW) score of each customer's incremental outcome.

    Notes
    -----
    .. math:: \\Gamma_i = \\hat\\mu_1(x_i) - \\hat\\mu_0(x_i) + \\frac{t_i (y_i - \\hat\\mu_1(x_i))}{e}
              - \\frac{(1 - t_i)(y_i - \\hat\\mu_0(x_i))}{1 - e}

    With :math:`e` known by design, :math:`E[\\Gamma_i \\mid x_i] = \\tau(x_i)` whatever the
    regressions :math:`\\hat\\mu`, so :math:`\\sum_i \\pi_i \\Gamma_i` is unbiased for the incremental
    profit of a policy :math:`\\pi` fixed before looking at customer :math:`i`.

    Examples
    --------
    >>> dr_scores(np.array([5.0, 3.0]), np.array([1, 0]), np.zeros(2), np.zeros(2), 0.5).tolist()
    [10.0, -6.0]
    """
    return mu1 - mu0 + t * (y - mu1) / e - (1 - t) * (y - mu0) / (1 - e)


def _top(scores: np.ndarray, share: float) -> np.ndarray:
    """Mask of the ``share`` of customers with the highest scores."""
    k = int(round(share * len(scores)))
    mask = np.zeros(len(scores), dtype=bool)
    mask[np.argsort(-scores, kind="stable")[:k]] = True
    return mask


def choose_share(tau: np.ndarray, gamma: np.ndarray, shares: tuple[float, ...] = SHARES) -> tuple[float, np.ndarray]:
    """The share to target that maximises the estimated incremental profit, and the profit curve.

    Notes
    -----
    :math:`\\hat V(x) = \\sum_{i \\in \\text{top } x \\text{ by } \\hat\\tau} \\Gamma_i`;
    :math:`x^* = \\arg\\max_x \\hat V(x)` over ``shares`` (ties: the smaller share).

    Examples
    --------
    >>> choose_share(np.array([3.0, 2.0, 1.0, 0.0]), np.array([5.0, 1.0, -2.0, -4.0]), (0.0, 0.5, 1.0))
    (0.5, array([0., 6., 0.]))
    """
    curve = np.array([gamma[_top(tau, s)].sum() for s in shares])
    return float(shares[int(np.argmax(curve))]), curve


@dataclass
class CrossFit:
    """Out-of-fold predictions per learner, DR scores and the nested policy of one audience."""

    data: UpliftData
    learner: str
    folds: np.ndarray
    tau: dict[str, np.ndarray]
    gamma: np.ndarray
    policy: np.ndarray
    fold_shares: list[float]
    inner: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)
    shares: tuple[float, ...] = SHARES
    notes: list[str] = field(default_factory=list)


@_single_threaded
def cross_fit(data: UpliftData, *, learner: str = "dr_learner", folds: int = 5, seed: int = 0,
              inner_folds: int = 2, shares: tuple[float, ...] = SHARES, compare: bool = True) -> CrossFit:
    """Cross-fitted uplift predictions of both learners, DR scores, and the nested top-share policy.

    Parameters
    ----------
    data : UpliftData
        The randomised audience.
    learner : {"dr_learner", "t_learner"}
        Learner whose predictions rank customers for the policy (both are cross-fitted for Qini).
    folds, inner_folds : int
        Outer folds (each held out once) and inner folds (to choose the share on training folds only).
    seed : int
        Seed of the fold split and of every base learner.
    shares : tuple of float
        Candidate shares to target.
    compare : bool
        Also cross-fit the other learner (for its Qini); False fits the policy's learner only.

    Returns
    -------
    CrossFit
        ``tau[name]`` out-of-fold predicted incremental profit per customer for each learner;
        ``gamma`` out-of-fold DR scores (T-learner regressions of the other folds); ``policy`` (bool,
        send or not) and ``fold_shares``, the share chosen for each held-out fold on its training folds.

    Raises
    ------
    ParameterError
        ``learner`` unknown, ``folds`` < 2.
    DataContractError
        Fewer than ``MIN_PER_FOLD`` targeted or holdout customers per fold (``uplift_folds``).

    Notes
    -----
    For held-out fold :math:`k` with training folds :math:`-k`: the learners are fitted on :math:`-k`
    and predict :math:`k`; inside :math:`-k` an inner cross-fit gives out-of-fold predictions and
    scores from which :math:`x_k = \\arg\\max_x \\hat V_{-k}(x)` is chosen (see :func:`choose_share`);
    fold :math:`k`'s top :math:`x_k` by its predictions are sent. The honest policy value is
    :math:`\\sum_i \\pi_i \\Gamma_i` with :math:`\\Gamma` from regressions that never saw fold :math:`k`.
    """
    contracts.require_choice("uplift_learner", learner, LEARNERS)
    contracts.require_number("uplift_folds", folds, low=2, high=20, integer=True)
    n_t, n_h = int(data.t.sum()), int((1 - data.t).sum())
    if min(n_t, n_h) < MIN_PER_FOLD * folds:
        raise DataContractError(f"targeting: {n_t:,} targeted and {n_h:,} holdout customers are too few for "
                                f"{folds} cross-fitting folds (`uplift_folds`): each fold needs at least "
                                f"{MIN_PER_FOLD} of each group, so at least {MIN_PER_FOLD * folds} per group")
    fold = _folds(data.t, folds, seed)
    X, t, y, e = data.X, data.t, data.y, data.e
    tau = {name: np.zeros(len(y)) for name in LEARNERS}
    gamma = np.zeros(len(y))
    policy = np.zeros(len(y), dtype=bool)
    chosen, inner_scores = [], []
    for k in range(folds):
        tr, te = fold != k, fold == k
        m0, m1 = _t_fit(X[tr], t[tr], y[tr], seed + k)
        mu0, mu1 = m0.predict(X[te]), m1.predict(X[te])
        gamma[te] = dr_scores(y[te], t[te], mu0, mu1, e)
        tau["t_learner"][te] = mu1 - mu0
        if learner == "dr_learner" or compare:
            tau["dr_learner"][te] = _tau("dr_learner", X[tr], t[tr], y[tr], X[te], seed + k, e)
        # choose the share on the training folds only (inner cross-fit)
        idx = np.flatnonzero(tr)
        inner = _folds(t[idx], inner_folds, seed + 100 + k)
        tau_in, gam_in = np.zeros(len(idx)), np.zeros(len(idx))
        for j in range(inner_folds):
            a, b = idx[inner != j], idx[inner == j]
            i0, i1 = _t_fit(X[a], t[a], y[a], seed + 10 * k + j)
            gam_in[inner == j] = dr_scores(y[b], t[b], i0.predict(X[b]), i1.predict(X[b]), e)
            tau_in[inner == j] = (i1.predict(X[b]) - i0.predict(X[b]) if learner == "t_learner"
                                  else _tau(learner, X[a], t[a], y[a], X[b], seed + 10 * k + j, e))
        share, _ = choose_share(tau_in, gam_in, shares)
        chosen.append(share)
        inner_scores.append((idx, tau_in, gam_in))
        policy[np.flatnonzero(te)[_top(tau[learner][te], share)]] = True
    if not compare:
        tau = {learner: tau[learner]}
    return CrossFit(data, learner, fold, tau, gamma, policy, chosen, inner_scores, tuple(shares))


def qini_curve(y: np.ndarray, tau: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The Qini curve: incremental outcome among the top-ranked customers, against how many are ranked.

    Parameters
    ----------
    y, tau, t : ndarray
        Outcome, predicted uplift and group (1 = targeted) per customer.

    Returns
    -------
    (n, q)
        Customers ranked (0 first) and the Qini value at each distinct prediction (ties kept together).

    Notes
    -----
    Radcliffe (2007): ranking by :math:`\\hat\\tau` descending, with :math:`Y_T(k), Y_C(k)` the summed
    outcomes and :math:`n_T(k), n_C(k)` the counts of targeted and holdout customers among the first
    :math:`k`,

    .. math:: Q(k) = Y_T(k) - Y_C(k)\\,\\frac{n_T(k)}{n_C(k)} \\quad (0 \\text{ while } n_C(k) = 0)

    Examples
    --------
    >>> n, q = qini_curve(np.array([1.0, 0.0, 1.0, 0.0]), np.array([0.9, 0.5, 0.4, 0.1]), np.array([1, 0, 1, 0]))
    >>> n.tolist(), q.tolist()
    ([0, 1, 2, 3, 4], [0.0, 1.0, 1.0, 2.0, 2.0])
    """
    order = np.argsort(-np.asarray(tau, dtype=float), kind="stable")
    y, tau, t = np.asarray(y, dtype=float)[order], np.asarray(tau, dtype=float)[order], np.asarray(t)[order]
    last = np.r_[np.flatnonzero(tau[1:] != tau[:-1]), len(tau) - 1]  # last position of each tie group
    n_t, y_t = np.cumsum(t)[last], np.cumsum(y * t)[last]
    n_c, y_c = (last + 1) - n_t, np.cumsum(y * (1 - t))[last]
    with np.errstate(divide="ignore", invalid="ignore"):
        q = y_t - y_c * np.where(n_c > 0, n_t / np.where(n_c > 0, n_c, 1), 0.0)
    return np.r_[0, last + 1], np.r_[0.0, q]


def qini_area(y: np.ndarray, tau: np.ndarray, t: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Area between the Qini curve and random targeting, over the share of customers ranked (0 to 1).

    Notes
    -----
    With :math:`\\phi = k/N`, :math:`\\text{Qini} = \\int_0^1 (Q(\\phi) - \\phi\\, Q(1))\\, d\\phi`
    (trapezoids), in the outcome's currency: positive when the ranking puts responders first, 0 for
    random targeting on average. ``weights`` (bootstrap counts) repeat customers.

    Examples
    --------
    >>> round(qini_area(np.array([1.0, 0.0, 1.0, 0.0]), np.array([0.9, 0.5, 0.4, 0.1]), np.array([1, 0, 1, 0])), 3)
    0.25
    """
    if weights is not None:
        rep = np.repeat(np.arange(len(y)), weights.astype(int))
        y, tau, t = y[rep], tau[rep], t[rep]
    n, q = qini_curve(y, tau, t)
    x = n / n[-1]
    return float(np.trapezoid(q - x * q[-1], x))


def _interval(draws: np.ndarray, confidence: float) -> tuple[float, float]:
    a = (1 - confidence) / 2
    lo, hi = np.quantile(draws, [a, 1 - a])
    return float(lo), float(hi)


def _normal_interval(estimate: float, draws: np.ndarray, confidence: float) -> tuple[float, float]:
    """``estimate`` ± the normal quantile × the standard deviation of bootstrap ``draws``."""
    from scipy.stats import norm

    half = float(norm.ppf((1 + confidence) / 2) * np.std(draws, ddof=1))
    return estimate - half, estimate + half


def reselected_policy_draws(cf: CrossFit, weights: np.ndarray) -> np.ndarray:
    """Bootstrap draws of the nested policy's value with each fold's share chosen again on the resample.

    Parameters
    ----------
    cf : CrossFit
        From :func:`cross_fit`: its ``inner`` scores of each fold's training folds and the candidate
        ``shares`` its folds chose from (the same candidates are offered again).
    weights : ndarray
        ``(draws, customers)`` bootstrap counts.

    Returns
    -------
    ndarray
        One value of :math:`\\sum_i \\pi^b_i \\Gamma_i` per draw (weighted by the draw's counts).

    Notes
    -----
    In draw :math:`b`, fold :math:`k`'s share :math:`x^b_k = \\arg\\max_x \\sum_{i \\in -k} w_{bi}
    \\Gamma^{in}_i [i \\in \\text{top } x \\text{ by } \\hat\\tau^{in}]` is chosen again from the inner
    cross-fitted scores, and fold :math:`k`'s top :math:`x^b_k` are sent; the fitted models stay fixed.
    Each fold's share depends on the other folds' outcomes, so the folds' errors are correlated. On the
    independent world of ``tests/coupons/test_independent_targeting.py`` the nominal 95% interval with
    the shares held fixed covered the policy's true profit in 91.7% of 120 seeds, and with the shares
    re-chosen per draw in 97.5% (:data:`POLICY_COVERAGE`): conservative, as the models' own variability
    is still left out while the share's is counted in full.
    """
    if not cf.inner:
        return weights @ (cf.policy * cf.gamma)
    g, tau, shares = cf.gamma, cf.tau[cf.learner], cf.shares
    rows = np.arange(len(weights))
    out = np.zeros(len(weights))
    for k, (idx, tau_in, gam_in) in enumerate(cf.inner):
        tops_in = np.array([_top(tau_in, s) for s in shares], dtype=float)
        pick = np.argmax(weights[:, idx] @ (tops_in * gam_in).T, axis=1)  # ties: the smaller share, as choose_share
        te = np.flatnonzero(cf.folds == k)
        tops = np.array([_top(tau[te], s) for s in shares], dtype=float)
        out += (weights[:, te] @ (tops * g[te]).T)[rows, pick]
    return out


@dataclass
class Targeting:
    """The targeting evaluation: Qini per learner, policy values with intervals, the share and the list."""

    learner: str
    qini: dict[str, tuple[float, float, float]]
    values: pd.DataFrame
    best_share: float
    fold_shares: list[float]
    distinguishable: bool
    beats_all: bool
    curve: pd.DataFrame
    scores: pd.DataFrame
    n: int


def evaluate(cf: CrossFit, *, n_boot: int = 500, confidence: float = 0.95, seed: int = 0,
             shares: tuple[float, ...] = SHARES) -> Targeting:
    """Qini with bootstrap intervals, the policy's profit vs send-to-all and send-to-none, the share to use.

    Parameters
    ----------
    cf : CrossFit
        From :func:`cross_fit`.
    n_boot, confidence, seed
        Customer bootstrap (fitted models held fixed; each fold's share chosen again per draw for the
        policy's interval, see :func:`reselected_policy_draws`).
    shares : tuple of float
        Candidate shares for the full-audience curve and the recommended share (the policy's interval
        re-chooses among the shares ``cf`` was fitted with).

    Returns
    -------
    Targeting
        ``qini[learner] = (estimate, low, high)``; ``values`` (index ``policy``, ``send_to_all``,
        ``send_to_none``, ``policy_minus_all``: estimate, low, high, in the outcome's currency over this
        audience); ``best_share`` (chosen on the whole audience's out-of-fold curve); ``distinguishable``
        (the Qini interval of the policy's learner lies above 0: the ranking beats random targeting);
        ``beats_all`` (the policy − all interval lies above 0); ``curve`` (share, estimated incremental
        profit, low, high); ``scores`` (customer_id, predicted incremental profit per learner, DR score,
        policy).

    Notes
    -----
    .. math:: \\hat V(\\pi) = \\sum_i \\pi_i \\Gamma_i,\\quad \\hat V(\\text{all}) = \\sum_i \\Gamma_i,
              \\quad \\hat V(\\text{none}) = 0

    over the audience (so send-to-all is the effect of sending everyone, not only the targeted group).
    Intervals: percentile bootstrap of customers for send-to-all, the Qini and the curve (fixed shares);
    for the policy and policy − all, the estimate ± the normal quantile × the standard deviation of
    draws that choose each fold's share again (:func:`reselected_policy_draws`): the policy's estimate
    is unbiased for its true profit, but its spread includes the share's selection.
    """
    d = cf.data
    rng = np.random.default_rng(seed)
    n = len(d.y)
    pol, g = cf.policy.astype(float), cf.gamma
    weights = rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(float)  # customers drawn per resample
    v_all = weights @ g
    v_pol = reselected_policy_draws(cf, weights)
    q_w = weights[:min(n_boot, QINI_BOOT)]  # Qini re-sorts per draw: fewer draws
    qini_draws = {name: np.array([qini_area(d.y, cf.tau[name], d.t, w) for w in q_w]) for name in cf.tau}
    qini = {}
    for name in cf.tau:
        qini[name] = (qini_area(d.y, cf.tau[name], d.t), *_interval(qini_draws[name], confidence))
    est_pol, est_all = float(pol @ g), float(g.sum())
    rows = [("policy", est_pol, *_normal_interval(est_pol, v_pol, confidence)),
            ("send_to_all", est_all, *_interval(v_all, confidence)),
            ("send_to_none", 0.0, 0.0, 0.0),
            ("policy_minus_all", est_pol - est_all, *_normal_interval(est_pol - est_all, v_pol - v_all, confidence))]
    values = pd.DataFrame(rows, columns=["policy", "estimate", "low", "high"]).set_index("policy")
    best, curve = choose_share(cf.tau[cf.learner], g, shares)
    tops = np.array([_top(cf.tau[cf.learner], s) for s in shares], dtype=float)
    lo, hi = np.quantile(weights @ (tops * g).T, [(1 - confidence) / 2, (1 + confidence) / 2], axis=0)
    curve_df = pd.DataFrame({"share": shares, "estimate": curve, "low": lo, "high": hi})
    scores = pd.DataFrame({"customer_id": d.ids, **{f"tau_{k}": v for k, v in cf.tau.items()}, "dr_score": g,
                           "policy": cf.policy})
    return Targeting(cf.learner, qini, values, best, cf.fold_shares, qini[cf.learner][1] > 0,
                     values.loc["policy_minus_all", "low"] > 0, curve_df, scores, n)


@_single_threaded
def predict_all(data: UpliftData, learner: str = "dr_learner", seed: int = 0) -> np.ndarray:
    """Predicted incremental profit of every customer from ``learner`` fitted on the whole audience.

    The scores of the targeting list (in-sample: the evaluation above uses the cross-fitted ones).

    Raises
    ------
    ParameterError
        ``learner`` unknown.
    """
    contracts.require_choice("uplift_learner", learner, LEARNERS)
    return _tau(learner, data.X, data.t, data.y, data.X, seed, data.e)


def targeting_list(data: UpliftData, predicted: np.ndarray, share: float) -> pd.DataFrame:
    """The list to act on: customer_id, predicted incremental profit, decile (1 = highest) and send.

    Notes
    -----
    Deciles by rank of the prediction (ties by audience order); ``send`` = the top ``share``.

    Examples
    --------
    >>> d = UpliftData(np.array(["a", "b", "c", "d"]), np.zeros((4, 1)), np.array([1, 0, 1, 0]),
    ...                np.zeros(4), ("x",), 0.5)
    >>> targeting_list(d, np.array([1.0, 4.0, 3.0, 2.0]), 0.5)[["customer_id", "decile", "send"]].values.tolist()
    [['b', 1, True], ['c', 3, True], ['d', 6, False], ['a', 8, False]]
    """
    order = np.argsort(-predicted, kind="stable")
    rank = np.empty(len(predicted), dtype=int)
    rank[order] = np.arange(len(predicted))
    out = pd.DataFrame({"customer_id": data.ids, "predicted_incremental_profit": predicted,
                        "decile": rank * 10 // len(predicted) + 1, "send": _top(predicted, share)})
    return out.iloc[order].reset_index(drop=True)
