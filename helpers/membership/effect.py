"""Selection vs effect: the naive member/non-member ratio and the within-customer rate ratio.

Pure functions of a checked panel (:func:`helpers.membership.load.check_panel`); no plotting, no
simulation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats


def member_comparison(panel: pd.DataFrame) -> pd.DataFrame:
    """Orders and spend per customer-month, member months vs non-member months.

    Returns
    -------
    DataFrame indexed by ``status`` (``member``, ``non_member``) with ``customer_months``,
    ``customers``, ``orders_per_month``, ``spend_per_month`` (KRW) and ``order_value`` (KRW per
    order).

    Raises
    ------
    ValueError
        If the panel has no member months or no non-member months.

    Notes
    -----
    :math:`\\bar y_g = \\sum_{(i,t) \\in g} y_{it} / |g|` over customer-months :math:`g`.

    Examples
    --------
    >>> p = pd.DataFrame({"customer_id": ["a", "a", "b", "b"], "member": [False, True, False, False],
    ...                   "orders": [1, 4, 1, 2], "spend": [10.0, 40.0, 10.0, 20.0]})
    >>> member_comparison(p)["orders_per_month"].tolist()  # 4/1 and (1+1+2)/3
    [4.0, 1.3333333333333333]
    """
    status = np.where(panel["member"].to_numpy(dtype=bool), "member", "non_member")
    g = panel.assign(status=status).groupby("status")
    table = pd.DataFrame({
        "customer_months": g.size(),
        "customers": g["customer_id"].nunique(),
        "orders_per_month": g["orders"].mean(),
        "spend_per_month": g["spend"].mean(),
    })
    missing = [s for s in ("member", "non_member") if s not in table.index]
    if missing:
        raise ValueError(f"the panel has no {' or '.join(missing)} months: nothing to compare")
    table = table.loc[["member", "non_member"]]
    table["order_value"] = table["spend_per_month"] / table["orders_per_month"]
    table.index.name = "status"
    return table


def naive_order_ratio(panel: pd.DataFrame) -> float:
    """Orders per member-month divided by orders per non-member-month (the headline "9x").

    Raises
    ------
    ValueError
        If there are no member or non-member months, or non-members have no orders.

    Notes
    -----
    :math:`\\bar y_{\\text{member}} / \\bar y_{\\text{non-member}}` (see :func:`member_comparison`);
    it mixes the causal effect with selection (heavy buyers join).

    Examples
    --------
    >>> p = pd.DataFrame({"customer_id": ["a", "a", "b", "b"], "member": [False, True, False, False],
    ...                   "orders": [1, 4, 1, 2], "spend": [10.0, 40.0, 10.0, 20.0]})
    >>> naive_order_ratio(p)  # 4 / (4/3)
    3.0
    """
    t = member_comparison(panel)["orders_per_month"]
    if t["non_member"] <= 0:
        raise ValueError("non-members have no orders: the naive ratio is undefined")
    return float(t["member"] / t["non_member"])


@dataclass(frozen=True)
class RateRatio:
    """A rate ratio with its confidence interval and what went into it."""

    estimate: float
    low: float
    high: float
    conf_level: float
    n_customers: int
    n_members: int
    method: str
    excluded: dict[str, int] = field(default_factory=dict)
    calendar: bool = False  # windows weighted by calendar-month levels (adjusted_rate_ratio)

    def covers(self, value: float) -> bool:
        """True if ``value`` lies inside the interval."""
        return self.low <= value <= self.high


def before_after_counts(panel: pd.DataFrame, *, pseudo_split: int | None = None,
                        month_level: pd.Series | None = None) -> tuple[pd.DataFrame, dict[str, int]]:
    """Per customer: orders and months before and after the join month (members) or a pseudo split.

    Parameters
    ----------
    panel : DataFrame
        Checked panel (:func:`check_panel`).
    pseudo_split : int, optional
        Month index (0-based) splitting non-members' months; default: the median join index of
        the members, so both groups are compared over similar calendar windows.
    month_level : Series, optional
        Relative level of each calendar month (:func:`calendar_weights`); the exposures are
        the sums of these over each window's months. Default: every month counts 1.

    Returns
    -------
    (DataFrame indexed by customer_id with ``member, orders_pre, orders_post, months_pre,
    months_post, exposure_pre, exposure_post``; dict of excluded customer counts per rule).

    Raises
    ------
    ValueError
        If no member has months both before and after joining.

    Examples
    --------
    >>> from helpers.membership.load import check_panel
    >>> from helpers.membership.simulate import simulate_panel
    >>> p = check_panel(simulate_panel(n_customers=30, n_months=8, min_pre_months=2, seed=2))
    >>> t, excluded = before_after_counts(p)
    >>> bool((t["months_pre"] + t["months_post"] == 8).all())
    True
    """
    months = np.sort(panel["month"].unique())
    idx = pd.Series(np.arange(len(months)), index=months)
    t = idx.reindex(panel["month"].to_numpy()).to_numpy()
    joined = panel["join_month"].notna().to_numpy()
    j = np.where(joined, idx.reindex(panel["join_month"].fillna(months[0]).to_numpy()).to_numpy(), -1)
    ever = pd.Series(joined, index=panel.index).groupby(panel["customer_id"]).any()
    if pseudo_split is None:
        member_joins = pd.Series(j[joined], index=panel.loc[joined, "customer_id"]).groupby(level=0).first()
        if member_joins.empty:
            raise ValueError("the panel has no members: the membership effect cannot be estimated")
        pseudo_split = int(np.median(member_joins.to_numpy()))
    split = np.where(joined, j, pseudo_split)
    post = t >= split
    w = np.ones(len(panel)) if month_level is None else month_level.reindex(months).to_numpy()[t]
    frame = pd.DataFrame({"customer_id": panel["customer_id"].to_numpy(),
                          "orders_pre": np.where(post, 0, panel["orders"].to_numpy()),
                          "orders_post": np.where(post, panel["orders"].to_numpy(), 0),
                          "months_pre": (~post).astype(int), "months_post": post.astype(int),
                          "exposure_pre": np.where(post, 0.0, w), "exposure_post": np.where(post, w, 0.0)})
    table = frame.groupby("customer_id").sum()
    table.insert(0, "member", ever.reindex(table.index).to_numpy())
    no_pre = table["member"] & (table["months_pre"] == 0)
    no_post = table["months_post"] == 0
    no_orders = (table["orders_pre"] + table["orders_post"] == 0) & ~no_pre & ~no_post
    excluded = {
        "member joined in the first month (no pre-join months)": int(no_pre.sum()),
        "no months after the split": int((no_post & ~no_pre).sum()),
        "no orders at all (no information on the ratio)": int(no_orders.sum()),
    }
    keep = ~(no_pre | no_post | no_orders)
    table = table.loc[keep]
    if not table["member"].any():
        raise ValueError("no member has orders in months both before and after joining: the "
                         "membership effect cannot be estimated")
    return table, excluded


def calendar_weights(panel: pd.DataFrame) -> pd.Series:
    """Relative order level of each calendar month, from the never-joined customers.

    A Poisson fit with customer and month effects on never-joined customer-months
    (:func:`helpers.membership.event_study.poisson_fe`); the first month is 1.

    Returns
    -------
    Series indexed by month: :math:`e^{\\hat\\tau_t}` (1.0 in every month if nobody stays a
    non-member or they never order).

    Examples
    --------
    >>> p = pd.DataFrame({"customer_id": list("aabb"), "month": pd.to_datetime(["2024-01-01",
    ...                   "2024-02-01"] * 2), "orders": [1, 2, 3, 6], "join_month": pd.NaT})
    >>> calendar_weights(p).round(9).tolist()  # (2 + 6) / (1 + 3)
    [1.0, 2.0]
    """
    from helpers.membership.event_study import poisson_fe

    months = np.sort(panel["month"].unique())
    never = panel["join_month"].isna().to_numpy()
    rows = panel.loc[never]
    if rows.empty or rows["orders"].sum() <= 0 or rows["month"].nunique() < len(months):
        return pd.Series(1.0, index=pd.DatetimeIndex(months, name="month"))
    pos = np.searchsorted(months, rows["month"].to_numpy())
    X = np.zeros((len(rows), len(months) - 1))
    has = pos > 0
    X[np.flatnonzero(has), pos[has] - 1] = 1.0
    fit = poisson_fe(rows["orders"].to_numpy(float), X, pd.factorize(rows["customer_id"])[0])
    return pd.Series(np.exp(np.concatenate([[0.0], fit.beta])),
                     index=pd.DatetimeIndex(months, name="month"))


def adjusted_rate_ratio(panel: pd.DataFrame, *, conf_level: float = 0.95,
                        calendar: bool = True) -> RateRatio:
    """Causal rate ratio of membership on orders, adjusted for selection with customer effects.

    A difference-in-differences around the join date with a customer fixed effect: the Poisson
    model with customer effects is estimated by its conditional likelihood, a binomial GLM
    (statsmodels) of after-join orders out of each customer's total orders.

    Parameters
    ----------
    panel : DataFrame
        Checked panel (:func:`check_panel`). Non-members are split at the members' median
        join month and identify the common before/after change.
    conf_level : float
        Confidence level of the interval, in (0.5, 1).
    calendar : bool
        Calendar-adjust the windows: each window's exposure is the sum of the calendar-month
        levels :func:`calendar_weights` over its months instead of its month count (a trend or
        seasonality then does not pass for an effect). False: months counted equally (the
        descriptive before/after contrast).

    Returns
    -------
    RateRatio
        Estimate and Wald interval of :math:`\\exp(\\beta)`, heteroskedasticity-robust (HC0)
        standard errors; ``excluded`` counts customers dropped per rule.

    Raises
    ------
    ValueError
        If ``conf_level`` is out of range or no member has orders before and after joining.

    Notes
    -----
    With :math:`y_{it} \\sim \\text{Poisson}(\\lambda_i \\, e^{\\gamma P_{it} + \\beta D_{it}})`,
    conditioning on each customer's total :math:`n_i` removes :math:`\\lambda_i` (selection on a
    stable propensity):

    .. math::
        y_i^{post} \\mid n_i \\sim \\text{Binomial}(n_i, \\pi_i), \\quad
        \\operatorname{logit} \\pi_i = \\log\\frac{m_i^{post}}{m_i^{pre}} + \\gamma + \\beta D_i

    with :math:`m` the months in each window (``calendar=True``: :math:`m = \\sum_t
    e^{\\hat\\tau_t}` over the window's months, the month levels of never-joined customers); the
    rate ratio is :math:`e^{\\beta}`.

    Examples
    --------
    >>> from helpers.membership.load import check_panel
    >>> from helpers.membership.simulate import simulate_panel
    >>> p = check_panel(simulate_panel(n_customers=2000, n_months=12, min_pre_months=3, seed=5))
    >>> bool(adjusted_rate_ratio(p).covers(2.0))
    True
    """
    if not 0.5 < conf_level < 1:
        raise ValueError(f"conf_level = {conf_level!r} must be in (0.5, 1)")
    method = "conditional Poisson (customer effects), binomial GLM, HC0"
    level = calendar_weights(panel) if calendar else None
    table, excluded = before_after_counts(panel, month_level=level)
    if calendar:
        method += ", windows weighted by the month levels of never-joined customers"
    endog = table[["orders_post", "orders_pre"]].to_numpy(dtype=float)
    exog = sm.add_constant(table["member"].astype(float).to_numpy(), has_constant="add")
    offset = np.log(table["exposure_post"].to_numpy() / table["exposure_pre"].to_numpy())
    res = sm.GLM(endog, exog, family=sm.families.Binomial(), offset=offset).fit(cov_type="HC0")
    beta, se = float(res.params[1]), float(res.bse[1])
    zcrit = float(stats.norm.ppf(0.5 + conf_level / 2))
    return RateRatio(estimate=float(np.exp(beta)), low=float(np.exp(beta - zcrit * se)),
                     high=float(np.exp(beta + zcrit * se)), conf_level=conf_level,
                     n_customers=len(table), n_members=int(table["member"].sum()),
                     method=method, excluded=excluded, calendar=calendar)


def after_cancel_share(panel: pd.DataFrame) -> float:
    """Share of joiners' months from joining on that follow a cancellation (not member months).

    The within-customer contrast (:func:`adjusted_rate_ratio`) counts every month from the join
    month on as "after", cancelled months included, so it measures the effect of *having joined*:
    diluted toward 1 by this share of the after window.

    Examples
    --------
    >>> p = pd.DataFrame({"customer_id": ["A"] * 4 + ["B"] * 4,
    ...                   "month": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"] * 2),
    ...                   "member": [False, True, False, False, False, False, False, False],
    ...                   "join_month": pd.to_datetime(["2024-02-01"] * 4 + [None] * 4)})
    >>> after_cancel_share(p)  # A joins in February, cancels after one month: 2 of 3 after-months
    0.6666666666666666
    """
    after = panel["join_month"].notna() & (panel["month"] >= panel["join_month"])
    if not after.any():
        return 0.0
    return float((after & ~panel["member"].astype(bool)).sum() / after.sum())


def selection_share(naive: float, adjusted: float) -> float | None:
    """Share of the naive log rate ratio that is selection rather than effect.

    Returns None when the naive ratio is <= 1 (there is no gap to split).

    Notes
    -----
    :math:`1 - \\log \\hat\\rho_{adj} / \\log \\hat\\rho_{naive}` (on the log scale, where the two
    multiply: naive = effect x selection).

    Examples
    --------
    >>> round(selection_share(8.0, 2.0), 4)  # 1 - log 2 / log 8 = 1 - 1/3
    0.6667
    """
    if not (np.isfinite(naive) and np.isfinite(adjusted)) or naive <= 0 or adjusted <= 0:
        raise ValueError(f"ratios must be finite and > 0, got naive={naive!r}, adjusted={adjusted!r}")
    if naive <= 1:
        return None
    return float(1 - np.log(adjusted) / np.log(naive))
