"""A second generator of membership panels, sharing no code with ``helpers.membership.simulate``.

It differs from the estimators' model on purpose:

- latent rates are log-normal (the shipped simulator: gamma) and monthly orders are negative
  binomial (over-dispersed; the estimators are Poisson *pseudo*-likelihood, they need only the
  mean right);
- a common calendar: a trend of ``trend`` per month times a seasonal factor
  ``1 + season * sin(2 pi t / 12)``;
- joining is a discrete-time hazard that rises with the latent rate, so heavy buyers join both
  more often *and earlier* (selection on level and timing);
- effects differ by cohort (early joiners gain more: the log effect falls linearly in the join
  month by ``cohort_slope`` per month) and may grow with tenure;
- anticipation: orders in the ``anticipation`` months before joining are multiplied by
  ``anticipation_factor``;
- cancellations: a monthly hazard ``cancel`` after the first member month; after leaving the
  rate returns to the non-member rate.

Each row carries ``mu0`` and ``mu1`` (expected orders without / with membership, given the
customer's latent rate) and ``s0``/``s1`` (expected spend), so a test states its estimand as a
ratio of totals over the rows it aggregates: ``sum(mu1) / sum(mu0)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def world(*, n: int = 2000, months: int = 18, first_join: int = 4, seed: int = 0,
          base: float = 0.7, sd: float = 0.9, join_share: float = 0.35, select: float = 1.5,
          effect: float = 2.0, cohort_slope: float = 0.0, tenure_slope: float = 0.0,
          trend: float = 0.0, season: float = 0.0, anticipation: int = 0,
          anticipation_factor: float = 1.0, cancel: float = 0.0, basket: float = 25000.0,
          basket_effect: float = 1.1, dispersion: float = 3.0) -> pd.DataFrame:
    """One panel (columns of the ``membership_panel`` contract plus ``mu0, mu1, s0, s1, k``)."""
    rng = np.random.default_rng(seed)
    lam = base * np.exp(sd * rng.standard_normal(n) - sd ** 2 / 2)
    cust_basket = basket * np.exp(0.3 * rng.standard_normal(n) - 0.045)
    # joining hazard over months first_join .. months-1, scaled to reach join_share overall
    z = select * (np.log(lam / base))
    window = months - first_join
    hazard_scale = -np.log(1 - join_share) / window
    h = 1 - np.exp(-hazard_scale * np.exp(z - np.log(np.mean(np.exp(z)))))
    join = np.full(n, -1)
    alive = np.ones(n, bool)
    for t in range(first_join, months):
        j = alive & (rng.random(n) < h)
        join[j] = t
        alive &= ~j
    leave = np.full(n, -1)
    if cancel > 0:
        for i in np.flatnonzero(join >= 0):
            for t in range(join[i] + 1, months):
                if rng.random() < cancel:
                    leave[i] = t
                    break
    t = np.arange(months)
    cal = (1 + trend) ** t * (1 + season * np.sin(2 * np.pi * t / 12))
    joined = join >= 0
    k = np.where(joined[:, None], t[None, :] - join[:, None], -999)
    member = joined[:, None] & (k >= 0) & ((leave[:, None] < 0) | (t[None, :] < leave[:, None]))
    log_eff = (np.log(effect) - cohort_slope * (join[:, None] - (first_join + months) / 2)
               + tenure_slope * np.maximum(k, 0))
    mu0 = lam[:, None] * cal[None, :]
    ant = joined[:, None] & (k < 0) & (k >= -anticipation)
    mu0 = mu0 * np.where(ant, anticipation_factor, 1.0)
    mu1 = np.where(member, mu0 * np.exp(log_eff), mu0)
    bask1 = np.where(member, cust_basket[:, None] * basket_effect, cust_basket[:, None])
    # negative binomial with mean mu and shape `dispersion` (gamma-Poisson mixture per month)
    orders = rng.poisson(mu1 * rng.gamma(dispersion, 1 / dispersion, mu1.shape))
    values = np.where(orders > 0, rng.gamma(np.maximum(orders, 1) * 2.0, bask1 / 2.0), 0.0)
    month = pd.date_range("2023-03-01", periods=months, freq="MS")
    ids = [f"W{i:05d}" for i in range(n)]
    jm = np.where(joined, month.to_numpy()[np.maximum(join, 0)], np.datetime64("NaT"))
    lm = np.where(leave >= 0, month.to_numpy()[np.maximum(leave, 0)], np.datetime64("NaT"))
    frame = pd.DataFrame({
        "customer_id": np.repeat(ids, months), "month": np.tile(month.to_numpy(), n),
        "member": member.ravel(), "orders": orders.ravel().astype("int64"),
        "spend": np.round(values.ravel()),
        "join_month": np.repeat(jm, months).astype("datetime64[ns]"),
        "mu0": mu0.ravel(), "mu1": mu1.ravel(),
        "s0": (mu0 * cust_basket[:, None]).ravel(), "s1": (mu1 * bask1).ravel(),
        "k": k.ravel(),
    })
    if cancel > 0:
        frame["leave_month"] = np.repeat(lm, months).astype("datetime64[ns]")
    return frame


def truth(frame: pd.DataFrame, *, first: int = 1, outcome: str = "orders") -> float:
    """Ratio-of-totals truth over member months at tenure >= ``first``."""
    rows = frame["member"].to_numpy() & (frame["k"].to_numpy() >= first)
    one, zero = ("mu1", "mu0") if outcome == "orders" else ("s1", "s0")
    return float(frame.loc[rows, one].sum() / frame.loc[rows, zero].sum())


def value_truth(frame: pd.DataFrame, *, gross_margin: float, benefit_cost: float, fee: float,
                first: int = 1) -> float:
    """Expected value per member-month over member months at tenure >= ``first``:
    margin on (expected spend - expected spend without membership) - benefit cost of the expected
    orders + fee, each a total over the same months divided by their count."""
    rows = frame["member"].to_numpy() & (frame["k"].to_numpy() >= first)
    n = int(rows.sum())
    inc = float((frame.loc[rows, "s1"] - frame.loc[rows, "s0"]).sum()) / n
    orders = float(frame.loc[rows, "mu1"].sum()) / n
    return gross_margin * inc - benefit_cost * orders + fee


def contract_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Only the columns of the ``membership_panel`` contract."""
    cols = ["customer_id", "month", "member", "orders", "spend", "join_month"]
    return frame[cols + (["leave_month"] if "leave_month" in frame else [])].copy()
