"""Heterogeneity-robust effect of membership: extended two-way fixed effects Poisson (ETWFE).

Wooldridge (2023) for nonlinear models: every (join cohort × calendar month) cell of member
months gets its own effect, customers and calendar months their fixed effects, and only
never-joined and not-yet-joined months identify the month effects. No effect is assumed common
across cohorts or tenures, so a cohort that gains more cannot leak into another cohort's
comparison (the problem of one event-time coefficient per tenure, Sun & Abraham 2021).

The cells are aggregated as a **ratio of totals** on the rate scale — orders (or spend) in the
aggregated member months over the orders the model expects there without membership,
:math:`\\hat\\mu^0_{it} = e^{\\hat\\alpha_i + \\hat\\tau_t}` — overall, by months since joining and
by cohort. Intervals: a multiplier bootstrap over customers (exponential weights, one Newton step
of the fit and the totals reweighted, as :mod:`helpers.membership.value` does), normal on the
log scale; the event-time profile also gets a uniform (sup-t) band.

The fit reuses :func:`helpers.membership.event_study.poisson_fe` (customer effects concentrated
out); ``tests/membership/test_robust.py`` checks the cells against ``diff_diff.WooldridgeDiD``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse, stats

from helpers.membership.event_study import month_index, poisson_fe

JoinMonth = Literal["own", "post", "exclude"]
ESTIMATOR = "ETWFE Poisson (Wooldridge 2023): cohort x month cells, customer and month effects"
_CHUNK = 64  # bootstrap draws evaluated at once (memory: rows x chunk floats)


@dataclass(frozen=True)
class RobustEffect:
    """Cell effects of membership aggregated as ratios of totals, with intervals."""

    outcome: str
    rate_ratio: float
    low: float
    high: float
    by_event: pd.DataFrame  # index event_time: member_months, ratio, low, high, band_low, band_high
    by_cohort: pd.DataFrame  # index cohort ("yyyy-mm"): member_months, ratio, low, high
    log_draws: np.ndarray  # bootstrap draws of the overall log ratio
    event_weights: pd.Series  # share of the counterfactual total at each event time
    cell_weights: pd.Series  # share of the counterfactual total in each (cohort, event time) cell
    customer_totals: np.ndarray  # outcome summed over each customer's aggregated member months
    customer_months: np.ndarray  # aggregated member months per customer (factorize order)
    conf_level: float
    first_post: int
    n_cells: int
    n_customers: int
    n_obs: int
    estimator: str = ESTIMATOR

    def covers(self, value: float) -> bool:
        """True if ``value`` lies inside the overall interval."""
        return self.low <= value <= self.high


def _cohort_labels(codes) -> list[str]:
    """Month codes (year * 12 + month - 1) as 'yyyy-mm' labels."""
    return [f"{int(c) // 12}-{int(c) % 12 + 1:02d}" for c in codes]


def customer_weights(panel: pd.DataFrame, n_boot: int, seed: int) -> np.ndarray:
    """Exponential(1) bootstrap weights, one row per draw, one column per customer.

    Columns follow ``pd.factorize(panel["customer_id"])`` (order of first appearance), so the
    same matrix can be shared by the orders and the spend fits of one panel.

    Examples
    --------
    >>> p = pd.DataFrame({"customer_id": ["a", "a", "b"]})
    >>> customer_weights(p, 50, 0).shape
    (50, 2)
    """
    if n_boot < 50 and n_boot != 0:
        raise ValueError(f"n_boot = {n_boot!r} must be >= 50 (or 0 for no interval)")
    n_c = int(pd.factorize(panel["customer_id"])[0].max()) + 1
    return np.random.default_rng(seed).exponential(1.0, (n_boot, n_c))


def _layout(panel: pd.DataFrame, join_month: JoinMonth, anticipation: int) -> dict[str, np.ndarray]:
    if join_month not in ("own", "post", "exclude"):
        raise ValueError(f"join_month = {join_month!r}; choose one of ('own', 'post', 'exclude')")
    if anticipation < 0:
        raise ValueError(f"anticipation = {anticipation!r} must be >= 0")
    t = month_index(panel["month"])
    j = month_index(panel["join_month"])
    joined = j >= 0
    k = np.where(joined, t - j, -10**6)
    member = panel["member"].to_numpy(dtype=bool)
    keep = ~(joined & (k >= 0) & ~member)  # months after a cancellation: neither effect nor control
    if join_month == "exclude":
        keep &= ~(joined & (k == 0))
    treated = keep & joined & (k >= -anticipation)
    first_post = 1 if join_month == "own" else 0
    agg = treated & (k >= first_post)
    return {"t": t, "j": j, "k": k, "keep": keep, "treated": treated, "agg": agg,
            "first_post": np.array(first_post)}


def robust_effect(panel: pd.DataFrame, outcome: str = "orders", *, join_month: JoinMonth = "own",
                  anticipation: int = 0, conf_level: float = 0.95,
                  weights: np.ndarray | None = None) -> RobustEffect:
    """ETWFE Poisson effect of membership on ``outcome``, as ratios of totals with intervals.

    Parameters
    ----------
    panel : DataFrame
        Checked panel (:func:`helpers.membership.load.check_panel`).
    outcome : str
        ``orders`` or ``spend`` (KRW).
    join_month : {"own", "post", "exclude"}
        The join month's cells are estimated but left out of the aggregates (``own``),
        aggregated like any member month (``post``), or their rows dropped (``exclude``).
    anticipation : int
        Months before joining that may already react: they get their own cells (not controls)
        and are left out of the aggregates.
    conf_level : float
        Interval level, in (0.5, 1).
    weights : array (n_boot, n_customers), optional
        Bootstrap weights from :func:`customer_weights` (default: 499 draws, seed 0).

    Returns
    -------
    RobustEffect

    Raises
    ------
    ValueError
        Bad arguments, no member month to aggregate, or an outcome without positive values.

    Notes
    -----
    :math:`E[y_{it}] = \\exp(\\alpha_i + \\tau_t + \\sum_{g,s} \\delta_{gs} D_{it} 1[J_i = g,
    t = s])` over member months and untreated months. With
    :math:`\\hat\\mu^0_{it} = e^{\\hat\\alpha_i + \\hat\\tau_t}` the aggregate over a set
    :math:`A` of member months is

    .. math::
        \\hat R_A = \\frac{\\sum_{(i,t) \\in A} y_{it}}{\\sum_{(i,t) \\in A} \\hat\\mu^0_{it}}

    (overall: tenure >= 1 when ``join_month="own"``; by event time; by cohort). A cell whose
    outcome total is 0 has :math:`\\hat\\delta = -\\infty`: its rows leave the fit and count
    :math:`\\hat\\mu^0` in the denominator, the limit of the estimator.

    Examples
    --------
    >>> from helpers.membership.load import check_panel
    >>> from helpers.membership.simulate import simulate_panel
    >>> p = check_panel(simulate_panel(n_customers=1500, n_months=12, min_pre_months=4, seed=5))
    >>> r = robust_effect(p, weights=customer_weights(p, 99, 1))
    >>> bool(r.covers(2.0)), r.by_cohort.index[0]
    (True, '2024-05')
    """
    if outcome not in ("orders", "spend"):
        raise ValueError(f"outcome = {outcome!r}; choose 'orders' or 'spend'")
    if not 0.5 < conf_level < 1:
        raise ValueError(f"conf_level = {conf_level!r} must be in (0.5, 1)")
    lay = _layout(panel, join_month, anticipation)
    if not lay["agg"].any():
        raise ValueError("the panel has no member month to aggregate: the membership effect "
                         "cannot be estimated")
    codes_all = pd.factorize(panel["customer_id"])[0]
    n_c = int(codes_all.max()) + 1
    if weights is None:
        weights = np.random.default_rng(0).exponential(1.0, (499, n_c))
    if weights.shape[1] != n_c:
        raise ValueError(f"weights has {weights.shape[1]} columns for {n_c} customers")
    y_all = panel[outcome].to_numpy(dtype=float)
    if not (y_all > 0).any():
        raise ValueError(f"{outcome} is never positive: no effect can be estimated")
    t, k = lay["t"], lay["k"]
    cell_key = np.where(lay["treated"], lay["j"] * 100_000 + t, -1)
    totals = pd.Series(y_all[lay["treated"]]).groupby(cell_key[lay["treated"]]).sum()
    empty = set(totals.index[totals.to_numpy() <= 0])
    fit_rows = lay["keep"] & ~np.isin(cell_key, list(empty))
    cells = np.where(fit_rows & lay["treated"], cell_key, -1)
    cell_codes, cell_uniques = pd.factorize(cells[fit_rows])
    months = np.unique(t[fit_rows])
    m_pos = np.searchsorted(months, t)
    n_rows = int(fit_rows.sum())
    n_cells = int((cell_uniques >= 0).sum())
    # columns: one per non-empty cell, then months[1:]
    valid = cell_uniques >= 0
    remap = np.cumsum(valid) - 1
    cell_col = np.where(cells[fit_rows] >= 0, remap[cell_codes], -1)
    r_idx = np.arange(n_rows)
    mp = m_pos[fit_rows]
    rows_c, cols_c = r_idx[cell_col >= 0], cell_col[cell_col >= 0]
    rows_m, cols_m = r_idx[mp > 0], n_cells + mp[mp > 0] - 1
    X = sparse.csr_matrix((np.ones(len(rows_c) + len(rows_m)),
                           (np.concatenate([rows_c, rows_m]), np.concatenate([cols_c, cols_m]))),
                          shape=(n_rows, n_cells + len(months) - 1))
    y = y_all[fit_rows]
    codes = codes_all[fit_rows]
    fit = poisson_fe(y, X, codes)
    G = sparse.csr_matrix((np.ones(n_rows), (codes, r_idx)), shape=(n_c, n_rows))
    n_i = G @ y

    agg = lay["agg"]
    a_code = codes_all[agg]
    a_month = m_pos[agg]
    ya = y_all[agg]
    tau_pos = lambda beta: np.concatenate([[0.0], beta[n_cells:]])  # noqa: E731

    def mu0(beta: np.ndarray) -> np.ndarray:  # beta: (p,) or (p, B) -> (n_agg,) or (n_agg, B)
        denom = G @ np.exp(X @ beta)
        tau = tau_pos(beta) if beta.ndim == 1 else np.vstack([np.zeros((1, beta.shape[1])),
                                                              beta[n_cells:]])
        scale = np.where(n_i > 0, n_i, 0.0)
        ratio = scale.reshape(-1, *([1] * (beta.ndim - 1))) / np.where(denom > 0, denom, 1.0)
        return ratio[a_code] * np.exp(tau[a_month])

    groups = {"event": k[agg], "cohort": lay["j"][agg]}
    m0 = mu0(fit.beta)
    xi = weights
    beta_draws = fit.beta[:, None] + fit.hessian_inv @ (xi @ fit.scores).T  # (p, B)
    num_d = {name: [] for name in ("all", *groups)}
    den_d = {name: [] for name in ("all", *groups)}
    indicators = {name: pd.get_dummies(g).astype(float) for name, g in groups.items()}
    for start in range(0, xi.shape[0], _CHUNK):
        b = beta_draws[:, start:start + _CHUNK]
        w_rows = xi[start:start + _CHUNK][:, a_code]  # (B, n_agg)
        m0_b = mu0(b).T  # (B, n_agg)
        num_d["all"].append(w_rows @ ya)
        den_d["all"].append((w_rows * m0_b).sum(axis=1))
        for name, ind in indicators.items():
            num_d[name].append((w_rows * ya) @ ind.to_numpy())
            den_d[name].append((w_rows * m0_b) @ ind.to_numpy())
    z = float(stats.norm.ppf(0.5 + conf_level / 2))

    def summarise(name: str) -> tuple[pd.DataFrame, np.ndarray]:
        ind = indicators[name]
        num, den = ya @ ind.to_numpy(), m0 @ ind.to_numpy()
        # a group without any outcome (a small panel's late cohort) has ratio 0 and no interval
        seen = num > 0
        log = np.full(len(num), -np.inf)
        log[seen] = np.log(num[seen] / den[seen])
        draws = np.full((xi.shape[0], len(num)), np.nan)
        draws[:, seen] = np.log(np.vstack(num_d[name])[:, seen] / np.vstack(den_d[name])[:, seen])
        se = np.full(len(num), np.nan)
        se[seen] = draws[:, seen].std(axis=0, ddof=1)
        out = pd.DataFrame({"member_months": ind.sum().to_numpy().astype(int),
                            "ratio": np.exp(log), "low": np.exp(log - z * se),
                            "high": np.exp(log + z * se)}, index=ind.columns)
        out.loc[~seen, ["low", "high"]] = np.nan
        return out, (draws[:, seen] - log[seen]) / se[seen]

    by_event, t_draws = summarise("event")
    crit = float(np.quantile(np.abs(t_draws).max(axis=1), conf_level))
    with np.errstate(divide="ignore", invalid="ignore"):  # groups without outcome: no band
        spread = np.log(by_event["high"] / by_event["ratio"]) * crit / z
    by_event["band_low"] = by_event["ratio"] * np.exp(-spread)
    by_event["band_high"] = by_event["ratio"] * np.exp(spread)
    by_event.index.name = "event_time"
    by_cohort, _ = summarise("cohort")
    by_cohort.index = _cohort_labels(by_cohort.index)
    by_cohort.index.name = "cohort"
    log_all = float(np.log(ya.sum() / m0.sum()))
    draws_all = np.log(np.concatenate(num_d["all"]) / np.concatenate(den_d["all"]))
    se_all = float(draws_all.std(ddof=1))
    ev_w = pd.Series(m0, index=groups["event"]).groupby(level=0).sum()
    cell_w = pd.Series(m0).groupby([groups["cohort"], groups["event"]]).sum()
    cell_w.index = pd.MultiIndex.from_arrays(
        [_cohort_labels(cell_w.index.get_level_values(0)), cell_w.index.get_level_values(1)],
        names=["cohort", "event_time"])
    return RobustEffect(outcome=outcome, rate_ratio=float(np.exp(log_all)),
                        low=float(np.exp(log_all - z * se_all)),
                        high=float(np.exp(log_all + z * se_all)), by_event=by_event,
                        by_cohort=by_cohort, log_draws=draws_all,
                        event_weights=ev_w / ev_w.sum(), cell_weights=cell_w / cell_w.sum(),
                        customer_totals=np.bincount(a_code, weights=ya, minlength=n_c),
                        customer_months=np.bincount(a_code, minlength=n_c).astype(float),
                        conf_level=conf_level,
                        first_post=int(lay["first_post"]), n_cells=n_cells,
                        n_customers=fit.n_used, n_obs=n_rows)


@dataclass(frozen=True)
class Sensitivity:
    """How far parallel trends may break before the conclusion turns (Rambachan & Roth 2023 style).

    ``breakdown`` is :math:`\\bar M^*`: the conclusion holds while every post-period step of the
    trend violation is at most :math:`\\bar M^*` times the largest pre-period step
    ``max_pre_step`` (log points per month, from the event study's leads). ``conclusion`` is the
    sign the interval shows (``"effect > 1"``, ``"effect < 1"``, or ``"none"`` when the interval
    covers 1, then ``breakdown`` is 0).
    """

    breakdown: float
    max_pre_step: float
    horizon: float  # sum_k w_k (k - reference): months of drift the aggregate accumulates
    conclusion: str


def breakdown_relative_magnitude(study, effect: RobustEffect) -> Sensitivity:
    """The relative magnitude :math:`\\bar M^*` of a parallel-trends violation that overturns the effect.

    Parameters
    ----------
    study : EventStudy
        The leads-and-lags diagnostic (:func:`helpers.membership.event_study.event_study`): its
        lead terms measure how joiners' trend moved before joining.
    effect : RobustEffect
        The estimate whose conclusion is tested.

    Returns
    -------
    Sensitivity

    Notes
    -----
    Relative magnitudes (Rambachan & Roth 2023, :math:`\\Delta^{RM}(\\bar M)`): with the violation
    :math:`\\delta_r = 0` at the reference month :math:`r` and
    :math:`|\\delta_{t+1} - \\delta_t| \\le \\bar M\\,\\Delta`, :math:`\\Delta = \\max_{s < r}
    |\\hat\\beta_{s+1} - \\hat\\beta_s|` (the largest monthly step among the leads), the bias of the
    log aggregate :math:`\\sum_k w_k \\log\\rho_k` is at most :math:`\\bar M \\Delta \\sum_k w_k (k - r)`
    (:math:`w_k` = ``effect.event_weights``). The conclusion "effect > 1" survives while the lower
    bound stays above 1 after that bias:
    :math:`\\bar M^* = \\log(\\text{low}) / (\\Delta \\sum_k w_k (k - r))`. Simplifications: the
    interval is shifted by the worst-case bias (conservative) and :math:`\\Delta` is the estimate,
    not a bound on it; the robust estimator's controls are all untreated months, not month
    :math:`r` alone.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> study = SimpleNamespace(reference=-1, terms=pd.DataFrame({"log": [-0.02, 0.01, 0.05]},
    ...                                                           index=[-3, -2, 0]))
    >>> eff = SimpleNamespace(low=float(np.exp(0.15)), high=3.0,
    ...                       event_weights=pd.Series([0.5, 0.5], index=[1, 2]))
    >>> s = breakdown_relative_magnitude(study, eff)  # steps 0.03, 0.01; horizon 0.5*2 + 0.5*3
    >>> round(s.max_pre_step, 6), s.horizon, round(s.breakdown, 6), s.conclusion
    (0.03, 2.5, 2.0, 'effect > 1')
    """
    terms = study.terms
    pre = terms.loc[terms.index < study.reference, "log"].astype(float)
    path = pd.concat([pre, pd.Series([0.0], index=[study.reference])]).sort_index()
    step = float(np.abs(np.diff(path.to_numpy())).max()) if len(path) > 1 else float("nan")
    w = effect.event_weights
    horizon = float((w.to_numpy() * (w.index.to_numpy() - study.reference)).sum())
    if effect.low > 1:
        conclusion, margin = "effect > 1", float(np.log(effect.low))
    elif effect.high < 1:
        conclusion, margin = "effect < 1", float(-np.log(effect.high))
    else:
        return Sensitivity(0.0, step, horizon, "none")
    breakdown = float("inf") if step == 0 else margin / (step * horizon)
    return Sensitivity(breakdown, step, horizon, conclusion)
