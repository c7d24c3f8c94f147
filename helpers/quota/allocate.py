"""Budget over promotion levels and whole-coupon release quotas per time slot (sums exact)."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from helpers import contracts
from helpers.constants import PROMOTION_LEVELS
from helpers.contracts import ParameterError


def largest_remainder(total: int, weights: Mapping[str, float] | pd.Series) -> pd.Series:
    """Split a whole number into integer parts proportional to weights that sum exactly.

    Notes
    -----
    Hamilton's method: each part gets :math:`\\lfloor N w_i / \\sum w \\rfloor`; the remaining
    units go one each to the largest fractional remainders (ties: first listed).

    Raises
    ------
    ValueError
        Negative ``total`` or weights, or all weights zero.

    Examples
    --------
    >>> largest_remainder(10, {"a": 1, "b": 1, "c": 1}).tolist()  # 3.33 each -> 4, 3, 3
    [4, 3, 3]
    """
    w = pd.Series(weights, dtype=float)
    if not (isinstance(total, (int, np.integer)) and total >= 0):
        raise ValueError(f"total = {total!r} must be a whole number ≥ 0")
    if (w < 0).any() or not np.isfinite(w).all():
        raise ValueError(f"weights must be finite and ≥ 0, got {w.to_dict()}")
    if w.sum() <= 0:
        raise ValueError("weights are all zero")
    exact = total * w / w.sum()
    base = np.floor(exact).astype(int)
    left = int(total - base.sum())
    order = np.argsort(-(exact - base).to_numpy(), kind="stable")
    out = base.to_numpy().copy()
    out[order[:left]] += 1
    return pd.Series(out, index=w.index, dtype="int64")


def total_coupons(budget: float, face_value: float) -> int:
    """Whole coupons of face value ``face_value`` a budget pays for.

    Notes
    -----
    :math:`N = \\lfloor B / v \\rfloor` (a tolerance of 1e-9 absorbs floating-point error).

    Examples
    --------
    >>> total_coupons(100_000, 3000)  # 33.3
    33
    """
    return int(math.floor(budget / face_value + 1e-9))


def allocate(budget: float, level_weights: Mapping[str, float], slot_shares: Mapping[str, float],
             face_value: float, currency: str, redemption_rate: float = 1.0) -> pd.DataFrame:
    """Split a budget over promotion levels and into integer coupon quotas to release per time slot.

    Parameters
    ----------
    budget : float
        Budget to allocate (≥ 0), ``currency``.
    level_weights : dict
        Share per level (keys in :data:`PROMOTION_LEVELS`, ≥ 0, sum 1).
    slot_shares : dict
        Share per daily time slot (≥ 0, sum 1).
    face_value : float
        Coupon face value (> 0), ``currency``.
    currency : str
    redemption_rate : float
        Share of released coupons that are redeemed, in (0, 1]; the budget pays for redeemed coupons.

    Returns
    -------
    DataFrame
        One row per (level, slot): ``level, slot, budget, coupons, coupon_value, expected_cost,
        currency``. ``budget`` is the exact money share; ``coupons`` (to release) are integers;
        ``coupon_value`` = coupons × face value; ``expected_cost`` = coupons × face value × redemption.

    Raises
    ------
    ValueError
        Weights or shares not summing to 1, unknown levels, negative budget, face value ≤ 0.

    Notes
    -----
    :math:`N = \\lfloor B / (v\\rho) \\rfloor` coupons released in total (redemption rate
    :math:`\\rho`: only :math:`N\\rho` are expected to be used and cost :math:`v` each); :math:`N` is split over levels by
    :func:`largest_remainder` with weights :math:`w_\\ell`, then each level's count over slots
    with shares :math:`s_k`. Counts therefore sum exactly to :math:`N` overall and per level,
    and the expected cost :math:`N v \\rho \\le B` (a level's expected cost differs from its money
    share by less than one coupon's face value, because whole coupons are moved between levels).

    Examples
    --------
    >>> a = allocate(100_000, {"S+": 0.5, "S": 0.5}, {"am": 0.5, "pm": 0.5}, 3000, "KRW")
    >>> int(a["coupons"].sum())  # floor(100000 / 3000)
    33
    >>> int(allocate(100_000, {"S+": 1.0}, {"all": 1.0}, 3000, "KRW", 0.2)["coupons"].sum())  # 100000 / 600
    166
    """
    if not (math.isfinite(budget) and budget >= 0):
        raise ValueError(f"budget = {budget} must be a finite amount ≥ 0")
    if not (math.isfinite(face_value) and face_value > 0):
        raise ValueError(f"face_value = {face_value} must be > 0")
    if not (math.isfinite(redemption_rate) and 0 < redemption_rate <= 1):
        raise ValueError(f"redemption_rate = {redemption_rate} must be in (0, 1]")
    for name, w, keys in (("level_weights", level_weights, PROMOTION_LEVELS), ("slot_shares", slot_shares, None)):
        try:
            contracts.require_weights(name, w, keys=keys)
        except ParameterError as exc:
            raise ValueError(str(exc)) from exc
    n_total = total_coupons(budget, face_value * redemption_rate)
    per_level = largest_remainder(n_total, level_weights)
    rows = []
    for lvl, wl in level_weights.items():
        per_slot = largest_remainder(int(per_level[lvl]), slot_shares)
        for slot, share in slot_shares.items():
            n = int(per_slot[slot])
            rows.append({"level": lvl, "slot": slot, "budget": budget * wl * share, "coupons": n,
                         "coupon_value": n * face_value, "expected_cost": n * face_value * redemption_rate,
                         "currency": currency})
    return pd.DataFrame(rows)



def level_totals(allocation: pd.DataFrame) -> pd.DataFrame:
    """Budget and coupons per promotion level from :func:`allocate`'s table.

    Returns
    -------
    DataFrame
        ``level, budget, share, coupons, coupon_value, expected_cost, currency`` in level order (S+ first);
        ``share`` = level budget / total budget (0 when the budget is 0).

    Notes
    -----
    :math:`B_\\ell = \\sum_k B_{\\ell k}`, :math:`N_\\ell = \\sum_k N_{\\ell k}`.

    Examples
    --------
    >>> a = allocate(100_000, {"S+": 0.5, "S": 0.5}, {"am": 0.5, "pm": 0.5}, 3000, "KRW")
    >>> level_totals(a)["coupons"].tolist()  # 33 -> 17 + 16
    [17, 16]
    """
    g = allocation.groupby("level", sort=False).agg(budget=("budget", "sum"), coupons=("coupons", "sum"),
                                                    coupon_value=("coupon_value", "sum"),
                                                    expected_cost=("expected_cost", "sum"),
                                                    currency=("currency", "first")).reset_index()
    total = g["budget"].sum()
    g["share"] = g["budget"] / total if total > 0 else 0.0
    g["order"] = g["level"].map({lvl: i for i, lvl in enumerate(PROMOTION_LEVELS)})
    g = g.sort_values("order").drop(columns="order").reset_index(drop=True)
    return g[["level", "budget", "share", "coupons", "coupon_value", "expected_cost", "currency"]]

