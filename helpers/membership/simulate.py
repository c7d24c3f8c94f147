"""The seeded generator of notebook 04's synthetic monthly panel (a known causal effect is planted).

A latent purchase propensity drives both ordering and joining (selection), so the notebook can
show which estimate recovers the truth. Estimators never import this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize, special

from helpers.membership.schemas import CURRENCY

PANEL_START = "2024-01-01"


@dataclass(frozen=True)
class RatioAtTenure:
    """The planted effect on orders at ``k`` months of membership: rho (1 + g)^min(k, cap),
    times ``exp(cohort_log_shift[c])`` for join cohort ``c`` ('yyyy-mm') when cohorts differ.

    Without a cohort, a cohort-heterogeneous effect at tenure ``k`` is the geometric mean over the
    cohorts observed at that tenure, weighted by their joiners (what one common lag term targets,
    approximately).

    Examples
    --------
    >>> RatioAtTenure(2.0, 0.5, 1)(3)
    3.0
    >>> r = RatioAtTenure(2.0, 0.0, 24, {"2024-07": 0.1, "2024-08": -0.1}, {"2024-07": 3, "2024-08": 1},
    ...                   {"2024-07": 5, "2024-08": 4})
    >>> round(r(1, "2024-08"), 4), round(r(2), 4), round(r(5), 4)  # 2e^-0.1; 2e^((0.3-0.1)/4); 2e^0.1
    (1.8097, 2.1025, 2.2103)
    """

    ratio: float
    growth: float
    cap: int
    cohort_log_shift: dict[str, float] = field(default_factory=dict)
    cohort_joiners: dict[str, int] = field(default_factory=dict)
    cohort_last_tenure: dict[str, int] = field(default_factory=dict)

    def __call__(self, k: int, cohort: str | None = None) -> float:
        base = self.ratio * (1 + self.growth) ** min(k, self.cap)
        if not self.cohort_log_shift:
            return base
        if cohort is not None:
            return base * float(np.exp(self.cohort_log_shift[cohort]))
        seen = [c for c, last in self.cohort_last_tenure.items() if last >= k]
        n = np.array([self.cohort_joiners[c] for c in seen], dtype=float)
        shift = np.array([self.cohort_log_shift[c] for c in seen])
        return base * float(np.exp((n * shift).sum() / n.sum())) if len(seen) else base


def join_intercept(log_propensity: np.ndarray, selection_strength: float, member_share: float) -> float:
    """Intercept ``c`` so that the mean of ``expit(c + s * log_propensity)`` equals ``member_share``.

    Raises
    ------
    ValueError
        If ``member_share`` is not in (0, 1).

    Examples
    --------
    >>> round(join_intercept(np.zeros(3), 1.0, 0.5), 6)  # expit(c) = 0.5 -> c = 0
    0.0
    """
    if not 0 < member_share < 1:
        raise ValueError(f"member_share = {member_share!r} must be in (0, 1)")
    z = selection_strength * np.asarray(log_propensity, dtype=float)
    return float(optimize.brentq(lambda c: special.expit(c + z).mean() - member_share, -60, 60))


def simulate_panel(*, n_customers: int = 4000, n_months: int = 24, min_pre_months: int = 6,
                   mean_orders_per_month: float = 0.8, propensity_shape: float = 0.6,
                   member_share: float = 0.3, selection_strength: float = 3.0,
                   true_rate_ratio: float = 2.0, true_basket_ratio: float = 1.1,
                   basket_krw: float = 30000.0, tenure_basket_growth: float = 0.04,
                   tenure_growth_cap_months: int = 24, basket_shape: float = 4.0,
                   pre_join_spike: float = 1.0, spike_months: int = 2,
                   join_month_boost: float = 1.0, joiner_trend: float = 0.0,
                   tenure_effect_growth: float = 0.0, cancel_rate: float = 0.0,
                   cohort_effect_slope: float = 0.0, calendar_trend: float = 0.0,
                   seasonality: float = 0.0, start: str = PANEL_START,
                   seed: int = 7) -> pd.DataFrame:
    """Seeded synthetic monthly panel with selection into membership and a known causal effect.

    Parameters
    ----------
    n_customers, n_months : int
        Panel size.
    min_pre_months : int
        Members join uniformly in months ``min_pre_months .. n_months - 1`` (0-based).
    mean_orders_per_month, propensity_shape : float
        Mean (orders per customer-month) and gamma shape of the latent rate without membership.
    member_share : float
        Expected share of customers who join, in (0, 1).
    selection_strength : float
        ``s`` in P(join) = expit(c + s log(lambda / mean)); 0 = joining unrelated to propensity.
    true_rate_ratio, true_basket_ratio : float
        Causal multipliers of membership on the order rate and on order value (> 0).
    basket_krw : float
        Mean non-member order value, KRW; each customer's mean is this times Gamma(8, 1/8).
    tenure_basket_growth : float
        Member basket growth per month of tenure, up to ``tenure_growth_cap_months``.
    basket_shape : float
        Gamma shape of single order values around the customer's mean.
    pre_join_spike : float
        Violation: joiners' order rate is multiplied by this in the ``spike_months`` months
        before joining (people join when they need the service; 1 = none).
    join_month_boost : float
        Violation: orders in the join month multiplied by this, not caused by membership
        (joining at checkout; 1 = none).
    joiner_trend : float
        Violation: joiners' own demand grows by this share per calendar month (0 = none).
    tenure_effect_growth : float
        The effect grows by this share per month of membership, up to
        ``tenure_growth_cap_months``: ratio at tenure k = ``true_rate_ratio`` (1 + g)^k.
    cancel_rate : float
        Probability that a member cancels at each monthly renewal (after every paid month); with
        cancellations the panel gains a ``leave_month`` column. 0 = no cancellations, and no
        random numbers are drawn for them (the other draws stay as they were).
    cohort_effect_slope : float
        Selection on gains: the log effect falls by this much per month a cohort joins later,
        centred on the middle join month (whose effect is ``true_rate_ratio``); 0 = the same
        effect for every cohort.
    calendar_trend, seasonality : float
        Everyone's order rate grows by ``calendar_trend`` per month and swings by
        ``± seasonality`` over the year (a sine with a 12-month period); 0 = no calendar effects.
    start : str
        First month (ISO date).
    seed : int
        Random seed of numpy's default_rng.

    Returns
    -------
    DataFrame
        Contract ``membership_panel`` (spend in whole KRW), one row per customer-month;
        ``attrs["true_rate_ratio"]`` holds the effect at joining, ``attrs["ratio_at_tenure"]``
        the true effect by months of membership.

    Notes
    -----
    :math:`\\lambda_i \\sim \\text{Gamma}(k, \\mu/k)`, P(join) :math:`= \\operatorname{expit}(c +
    s \\log(\\lambda_i/\\mu))`, orders :math:`\\sim \\text{Poisson}(\\lambda_i \\rho^{D_{it}})`, spend
    given :math:`n` orders :math:`\\sim \\text{Gamma}(n\\kappa, b_{it}/\\kappa)` with
    :math:`b_{it} = b_i \\beta^{D_{it}} (1+g)^{\\min(\\text{tenure}, cap) D_{it}}`.

    Examples
    --------
    >>> p = simulate_panel(n_customers=50, n_months=12, min_pre_months=3, seed=1)
    >>> p.shape, bool(p["member"].any())
    ((600, 6), True)
    """
    rng = np.random.default_rng(seed)
    lam = rng.gamma(propensity_shape, mean_orders_per_month / propensity_shape, n_customers)
    base_basket = basket_krw * rng.gamma(8.0, 1 / 8.0, n_customers)
    log_prop = np.log(np.maximum(lam, 1e-12) / mean_orders_per_month)
    c = join_intercept(log_prop, selection_strength, member_share)
    joins = rng.random(n_customers) < special.expit(c + selection_strength * log_prop)
    join_idx = np.where(joins, rng.integers(min_pre_months, n_months, n_customers), -1)
    t = np.arange(n_months)
    k = t[None, :] - join_idx[:, None]  # event time (months since joining)
    if cancel_rate > 0:
        stay = rng.geometric(cancel_rate, n_customers)  # paid months: cancel at any renewal
        leave_idx = np.where(joins & (join_idx + stay < n_months), join_idx + stay, -1)
    else:
        leave_idx = np.full(n_customers, -1)
    member = joins[:, None] & (k >= 0) & ((leave_idx[:, None] < 0) | (t[None, :] < leave_idx[:, None]))
    tenure = np.where(member, k, 0)
    cap = np.minimum(tenure, tenure_growth_cap_months)
    middle = (min_pre_months + n_months - 1) / 2
    shift = np.where(joins, -cohort_effect_slope * (join_idx - middle), 0.0)
    effect = true_rate_ratio * (1 + tenure_effect_growth) ** cap * np.exp(shift)[:, None]
    rate = lam[:, None] * np.where(member, effect, 1.0)
    if calendar_trend != 0.0 or seasonality != 0.0:
        rate = rate * ((1 + calendar_trend) ** t * (1 + seasonality * np.sin(2 * np.pi * t / 12)))
    if pre_join_spike != 1.0:
        rate = rate * np.where(joins[:, None] & (k < 0) & (k >= -spike_months), pre_join_spike, 1.0)
    if join_month_boost != 1.0:
        rate = rate * np.where(joins[:, None] & (k == 0), join_month_boost, 1.0)
    if joiner_trend != 0.0:
        rate = rate * np.where(joins[:, None], (1 + joiner_trend) ** t[None, :], 1.0)
    orders = rng.poisson(rate)
    basket = base_basket[:, None] * np.where(
        member, true_basket_ratio * (1 + tenure_basket_growth) ** cap, 1.0)
    spend = np.where(orders > 0, rng.gamma(np.maximum(orders, 1) * basket_shape, basket / basket_shape), 0.0)
    months = pd.date_range(start, periods=n_months, freq="MS")
    width = len(str(n_customers))
    ids = np.array([f"M{i:0{width}d}" for i in range(1, n_customers + 1)], dtype=object)
    join_month = np.where(joins, months.to_numpy()[np.maximum(join_idx, 0)], np.datetime64("NaT"))
    panel = pd.DataFrame({
        "customer_id": np.repeat(ids, n_months),
        "month": np.tile(months.to_numpy(), n_customers),
        "member": member.ravel(),
        "orders": orders.ravel().astype("int64"),
        "spend": np.round(spend.ravel(), 0),
        "join_month": np.repeat(join_month, n_months).astype("datetime64[ns]"),
    })
    if cancel_rate > 0:
        leave_month = np.where(leave_idx >= 0, months.to_numpy()[np.maximum(leave_idx, 0)],
                               np.datetime64("NaT"))
        panel["leave_month"] = np.repeat(leave_month, n_months).astype("datetime64[ns]")
    panel.attrs["true_rate_ratio"] = float(true_rate_ratio)
    cohorts: dict[str, float] = {}
    joiners: dict[str, int] = {}
    last: dict[str, int] = {}
    if cohort_effect_slope != 0.0:
        for j in np.unique(join_idx[joins]):
            label = str(months[j])[:7]
            cohorts[label] = float(-cohort_effect_slope * (j - middle))
            joiners[label] = int((join_idx == j).sum())
            last[label] = int(n_months - 1 - j)
    panel.attrs["ratio_at_tenure"] = RatioAtTenure(float(true_rate_ratio), float(tenure_effect_growth),
                                                   int(tenure_growth_cap_months), cohorts, joiners,
                                                   last)
    panel.attrs["currency"] = CURRENCY
    return panel


def write_synthetic(out_dir: Path) -> list[Path]:
    """Write the example panel ``membership_panel_example.csv`` (300 customers, random seed 4).

    An example of the ``membership_panel`` contract for users who bring their own data; the
    notebook generates its own panel from its parameters.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     [p.name for p in write_synthetic(Path(d))]
    ['membership_panel_example.csv']
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    panel = simulate_panel(n_customers=300, n_months=24, seed=4)
    frame = panel.assign(month=panel["month"].dt.strftime("%Y-%m-%d"),
                         join_month=panel["join_month"].dt.strftime("%Y-%m-%d").fillna(""),
                         member=panel["member"].map({True: "true", False: "false"}))
    path = out_dir / "membership_panel_example.csv"
    frame.to_csv(path, index=False, lineterminator="\n", float_format="%.0f")
    return [path]
