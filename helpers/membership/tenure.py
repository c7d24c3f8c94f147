"""Spend by tenure (months since joining) and the veterans-over-new-members ratio.

Descriptive, not causal: veterans are the members who joined early and stayed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats


def _tenure(panel: pd.DataFrame) -> pd.Series:
    m = panel["month"].dt.year * 12 + panel["month"].dt.month
    j = panel["join_month"].dt.year * 12 + panel["join_month"].dt.month
    return (m - j).where(panel["member"])


def tenure_curve(panel: pd.DataFrame, *, conf_level: float = 0.95, min_members: int = 30) -> pd.DataFrame:
    """Mean spend per member-month by months since joining, with a normal confidence interval.

    Parameters
    ----------
    panel : DataFrame
        Checked panel.
    conf_level : float
        Interval level, in (0.5, 1).
    min_members : int
        Tenure months observed for fewer members are dropped (too noisy to show).

    Returns
    -------
    DataFrame indexed by ``tenure_months`` (0 = join month) with ``members``, ``spend`` (mean KRW
    per member-month), ``low``, ``high``.

    Raises
    ------
    ValueError
        If no tenure month has ``min_members`` members.

    Notes
    -----
    Each member contributes at most one month per tenure value, so
    :math:`\\bar s_k \\pm z\\, \\text{sd}_k / \\sqrt{n_k}`.

    Examples
    --------
    >>> from helpers.membership.load import check_panel
    >>> from helpers.membership.simulate import simulate_panel
    >>> p = check_panel(simulate_panel(n_customers=500, n_months=12, min_pre_months=3, seed=1))
    >>> int(tenure_curve(p, min_members=5).index[0])
    0
    """
    if not 0.5 < conf_level < 1:
        raise ValueError(f"conf_level = {conf_level!r} must be in (0.5, 1)")
    ten = _tenure(panel)
    g = panel.loc[ten.notna(), "spend"].groupby(ten.dropna().astype(int).rename("tenure_months"))
    out = pd.DataFrame({"members": g.size(), "spend": g.mean(), "sd": g.std(ddof=1)})
    out = out.loc[out["members"] >= min_members]
    if out.empty:
        raise ValueError(f"no tenure month has at least {min_members} members")
    half = float(stats.norm.ppf(0.5 + conf_level / 2)) * out["sd"] / np.sqrt(out["members"])
    out["low"], out["high"] = out["spend"] - half, out["spend"] + half
    return out.drop(columns="sd")


@dataclass(frozen=True)
class TenureRatio:
    """Spend per member-month of veterans over new members, with a bootstrap interval."""

    ratio: float
    low: float
    high: float
    veteran_spend: float
    new_spend: float
    veteran_members: int
    new_members: int


def tenure_spend_ratio(panel: pd.DataFrame, *, veteran_months: int = 12, new_months: int = 3,
                       conf_level: float = 0.95, n_boot: int = 400, seed: int = 0) -> TenureRatio:
    """Veterans' spend per member-month divided by new members' (the "2.5x").

    Parameters
    ----------
    panel : DataFrame
        Checked panel.
    veteran_months : int
        Member-months with tenure >= this are "veteran" months.
    new_months : int
        Member-months with tenure < this are "new" months (<= veteran_months).
    conf_level : float
        Interval level, in (0.5, 1).
    n_boot : int
        Bootstrap resamples of members (clustered: a member's months move together).
    seed : int
        Bootstrap seed.

    Returns
    -------
    TenureRatio (spends in KRW per member-month).

    Raises
    ------
    ValueError
        If no member-month is veteran or new, or the arguments are out of range.

    Notes
    -----
    :math:`R = \\bar s_{\\text{tenure} \\ge V} / \\bar s_{\\text{tenure} < N}`, percentile
    interval from resampling members with replacement. It describes; it is not causal
    (veterans are the members who joined early and stayed).

    Examples
    --------
    >>> from helpers.membership.load import check_panel
    >>> from helpers.membership.simulate import simulate_panel
    >>> p = check_panel(simulate_panel(n_customers=800, n_months=12, min_pre_months=2, seed=1))
    >>> r = tenure_spend_ratio(p, veteran_months=6, new_months=2)
    >>> bool(r.low <= r.ratio <= r.high)
    True
    """
    if not 1 <= new_months <= veteran_months:
        raise ValueError(f"need 1 <= new_months ({new_months}) <= veteran_months ({veteran_months})")
    if not 0.5 < conf_level < 1:
        raise ValueError(f"conf_level = {conf_level!r} must be in (0.5, 1)")
    ten = _tenure(panel)
    vet = (ten >= veteran_months).to_numpy()
    new = (ten < new_months).to_numpy()
    if not vet.any() or not new.any():
        raise ValueError(f"no {'veteran' if not vet.any() else 'new'} member-months: tenure "
                         f"thresholds {new_months}/{veteran_months} months do not fit the panel")
    spend = panel["spend"].to_numpy(dtype=float)
    sums = pd.DataFrame({"customer_id": panel["customer_id"].to_numpy(),
                         "vs": spend * vet, "vn": vet.astype(float),
                         "ns": spend * new, "nn": new.astype(float)}).groupby("customer_id").sum()
    sums = sums.loc[(sums["vn"] + sums["nn"]) > 0]
    arr = sums.to_numpy()
    tot = arr.sum(axis=0)
    ratio = (tot[0] / tot[1]) / (tot[2] / tot[3])
    rng = np.random.default_rng(seed)
    w = rng.multinomial(len(arr), np.full(len(arr), 1 / len(arr)), size=n_boot).astype(float)
    b = w @ arr
    with np.errstate(divide="ignore", invalid="ignore"):
        boot = (b[:, 0] / b[:, 1]) / (b[:, 2] / b[:, 3])
    boot = boot[np.isfinite(boot)]
    alpha = (1 - conf_level) / 2
    return TenureRatio(ratio=float(ratio), low=float(np.quantile(boot, alpha)),
                       high=float(np.quantile(boot, 1 - alpha)),
                       veteran_spend=float(tot[0] / tot[1]), new_spend=float(tot[2] / tot[3]),
                       veteran_members=int((sums["vn"] > 0).sum()), new_members=int((sums["nn"] > 0).sum()))
