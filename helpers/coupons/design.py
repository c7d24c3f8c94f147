"""What the holdout design can detect: the minimum detectable ROI difference and the holdout for a target.

Pure functions; no plotting, no simulation. Power is a property of the *design* (group sizes and
the outcome's variance), not of the observed effect: plugging the observed effect into a power
formula ("observed power") only restates the p-value (Hoenig & Heisey 2001). So the notebook
states the smallest ROI difference this design detects, and the holdout a chosen one needs.
"""

from __future__ import annotations

import math
from statistics import NormalDist

from helpers import contracts


def _z(confidence: float, power: float) -> float:
    contracts.require_number("confidence", confidence, low=0.5, high=1, high_inclusive=False)
    contracts.require_number("power", power, low=0.5, high=1, high_inclusive=False)
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2) + NormalDist().inv_cdf(power)


def mde_roi(sd_targeted: float, sd_holdout: float, n_targeted: int, n_holdout: int, coupon_cost: float,
            confidence: float = 0.95, power: float = 0.8) -> float:
    """Smallest incremental-ROI difference the design detects with ``power`` (two-sided test).

    Parameters
    ----------
    sd_targeted, sd_holdout : float
        Per-customer standard deviation of the (adjusted) outcome in each group, in currency.
    n_targeted, n_holdout : int
        Group sizes (>= 2).
    coupon_cost : float
        Coupon cost of the campaign, > 0, in currency (the ROI denominator).
    confidence, power : float
        Two-sided confidence level and power.

    Returns
    -------
    float
        The minimum detectable difference in ROI units (e.g. an ROI of 2.6 against a break-even of
        4.3 is a difference of 1.7).

    Raises
    ------
    ParameterError
        A size below 2, a cost <= 0, a level or power outside [0.5, 1).

    Notes
    -----
    :math:`\\widehat{ROI} = N_T(\\bar y_T - \\bar y_H)/C` has standard error
    :math:`\\frac{N_T}{C}\\sqrt{s_T^2/n_T + s_H^2/n_H}`, so

    .. math:: \\text{MDE} = (z_{1-\\alpha/2} + z_{1-\\beta})\\,\\frac{N_T}{C}\\sqrt{\\frac{s_T^2}{n_T} +
              \\frac{s_H^2}{n_H}}

    Examples
    --------
    sd 100 in both groups, 10,000 targeted, 2,500 held out, coupon cost 1,000,000:
    2.80 x 0.01 x sqrt(1 + 4) = 0.063.

    >>> round(mde_roi(100.0, 100.0, 10_000, 2_500, 1_000_000.0), 3)
    0.063
    """
    for name, n in (("n_targeted", n_targeted), ("n_holdout", n_holdout)):
        contracts.require_number(name, n, low=2, integer=True)
    contracts.require_number("coupon_cost", coupon_cost, low=0, low_inclusive=False)
    se = n_targeted / coupon_cost * math.sqrt(sd_targeted ** 2 / n_targeted + sd_holdout ** 2 / n_holdout)
    return _z(confidence, power) * se


def holdout_for_mde(sd_targeted: float, sd_holdout: float, n_targeted: int, coupon_cost: float, mde: float,
                    confidence: float = 0.95, power: float = 0.8) -> float:
    """Holdout size that detects an ROI difference of ``mde`` at this many targeted customers.

    Returns ``inf`` when no holdout suffices (the targeted group's own noise is too large).

    Raises
    ------
    ParameterError
        ``mde`` <= 0, or as :func:`mde_roi`.

    Notes
    -----
    Solving :math:`\\text{MDE} = z\\,\\frac{N_T}{C}\\sqrt{s_T^2/n_T + s_H^2/n_H}` for :math:`n_H`:

    .. math:: n_H = \\frac{s_H^2}{(\\text{MDE}\\,C / (z N_T))^2 - s_T^2/n_T}

    Examples
    --------
    The design of :func:`mde_roi` detects 0.063; to detect 0.1 it needs
    100^2 / ((0.1 x 100 / 2.8016)^2 - 1) = 851.7, so 852 holdout customers.

    >>> holdout_for_mde(100.0, 100.0, 10_000, 1_000_000.0, 0.1)
    852.0
    """
    contracts.require_number("mde", mde, low=0, low_inclusive=False)
    contracts.require_number("n_targeted", n_targeted, low=2, integer=True)
    contracts.require_number("coupon_cost", coupon_cost, low=0, low_inclusive=False)
    room = (mde * coupon_cost / (_z(confidence, power) * n_targeted)) ** 2 - sd_targeted ** 2 / n_targeted
    if room <= 0:
        return math.inf
    return float(math.ceil(sd_holdout ** 2 / room))


def scale_for_mde(current_mde: float, mde: float) -> float:
    """Factor by which both groups must grow (same split, same cost per customer) to detect ``mde``.

    Notes
    -----
    The MDE falls with :math:`1/\\sqrt{k}` when both groups and the coupon cost grow by :math:`k`:
    :math:`k = (\\text{MDE}_{now} / \\text{MDE})^2`.

    Examples
    --------
    >>> scale_for_mde(1.89, 0.28)  # doctest: +ELLIPSIS
    45.56...
    """
    contracts.require_number("mde", mde, low=0, low_inclusive=False)
    return (current_mde / mde) ** 2
