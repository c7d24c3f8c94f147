"""Randomisation checks before the holdout is trusted: sample ratio and pre-period balance.

Pure functions; no plotting, no simulation. On real exports a broken holdout is the most common
failure of a controlled experiment (Kohavi, Tang & Xu 2020, ch. 21): customers dropped from one
group by a join, a holdout drawn from a different list, a split that is not the one designed.
Two checks catch most of it:

* **sample ratio mismatch (SRM)**: a chi-square test of the observed targeted/holdout counts
  against the designed split; p below ``SRM_ALPHA`` = 0.0005 (the threshold of Fabijan et al.
  2019, who diagnose SRMs at Microsoft and Booking.com) stops the verdict;
* **pre-period balance**: the standardised difference of every pre-campaign feature; above 0.1
  (Austin 2009) the verdict is flagged, above 0.25 (Rubin 2001) it is stopped.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from helpers import contracts
from helpers.coupons.features import Features

#: SRM p-value below which the verdict is stopped (Fabijan et al. 2019).
SRM_ALPHA = 0.0005
#: Largest absolute standardised difference that passes (Austin 2009) and that stops (Rubin 2001).
BALANCE_FLAG, BALANCE_STOP = 0.1, 0.25


def sample_ratio_test(n_targeted: int, n_holdout: int, holdout_share: float) -> tuple[float, float]:
    """Chi-square goodness-of-fit of the group counts against the designed holdout share.

    Parameters
    ----------
    n_targeted, n_holdout : int
        Customers in each group (>= 0, at least one in total).
    holdout_share : float
        Designed share of the audience held out, 0 < s < 1.

    Returns
    -------
    (statistic, p_value)
        Chi-square statistic (1 degree of freedom) and its p-value.

    Raises
    ------
    ParameterError
        ``holdout_share`` outside (0, 1), or no customers.

    Notes
    -----
    With :math:`N = n_T + n_H` and expected counts :math:`E_H = sN`, :math:`E_T = (1-s)N`:

    .. math:: \\chi^2 = \\frac{(n_H - E_H)^2}{E_H} + \\frac{(n_T - E_T)^2}{E_T}

    Examples
    --------
    9,100 targeted and 2,900 holdout against a 25% design: expected 9,000 / 3,000, so
    100^2/3,000 + 100^2/9,000 = 4.44 (p = 0.035).

    >>> stat, p = sample_ratio_test(9_100, 2_900, 0.25)
    >>> round(stat, 2), round(p, 3)
    (4.44, 0.035)
    """
    contracts.require_number("holdout_share", holdout_share, low=0, high=1, low_inclusive=False,
                             high_inclusive=False)
    n = int(n_targeted) + int(n_holdout)
    if n <= 0:
        raise contracts.ParameterError("sample_ratio_test: no customers in either group")
    res = stats.chisquare([n_holdout, n_targeted], [holdout_share * n, (1 - holdout_share) * n])
    return float(res.statistic), float(res.pvalue)


def standardised_differences(features: Features) -> pd.DataFrame:
    """Targeted − holdout difference of every feature, in pooled standard deviations.

    Parameters
    ----------
    features : Features
        From :func:`helpers.coupons.features.pre_features` (``group`` targeted/holdout).

    Returns
    -------
    DataFrame
        Index ``feature``: ``mean_targeted, mean_holdout, std_diff`` (0 where both groups are constant).

    Notes
    -----
    Austin (2009), for means :math:`\\bar x` and variances :math:`s^2` per group:

    .. math:: d = \\frac{\\bar x_T - \\bar x_H}{\\sqrt{(s_T^2 + s_H^2)/2}}

    Examples
    --------
    >>> t = pd.DataFrame({"customer_id": list("abcd"), "group": ["targeted"] * 2 + ["holdout"] * 2,
    ...                   "spend": [1.0, 3.0, 0.0, 2.0]})
    >>> float(standardised_differences(Features(t, ("spend",)))["std_diff"].iloc[0])  # 1 / sqrt(2)
    0.7071067811865475
    """
    t = features.table
    tgt = (t["group"] == "targeted").to_numpy()
    rows = []
    for col in features.columns:
        x = t[col].to_numpy(dtype=float)
        a, b = x[tgt], x[~tgt]
        sd = math.sqrt((np.var(a, ddof=1) + np.var(b, ddof=1)) / 2) if len(a) > 1 and len(b) > 1 else 0.0
        diff = float(a.mean() - b.mean()) if len(a) and len(b) else math.nan
        rows.append((col, float(a.mean()) if len(a) else math.nan, float(b.mean()) if len(b) else math.nan,
                     diff / sd if sd > 0 else 0.0))
    return pd.DataFrame(rows, columns=["feature", "mean_targeted", "mean_holdout", "std_diff"]).set_index("feature")


def randomisation_check(features: Features, holdout_share: float | None, *, srm_alpha: float = SRM_ALPHA,
                        flag: float = BALANCE_FLAG, stop: float = BALANCE_STOP) -> dict:
    """Sample ratio and balance checks, and whether they pass, flag or stop the verdict.

    Parameters
    ----------
    features : Features
        Pre-campaign features of the audience.
    holdout_share : float or None
        Designed holdout share; None skips the SRM test (stated: the design is unknown).
    srm_alpha, flag, stop : float
        SRM p-value threshold; standardised-difference thresholds to flag and to stop.

    Returns
    -------
    dict
        ``srm_stat, srm_p`` (None without a design), ``observed_share``, ``balance`` (table of
        :func:`standardised_differences`), ``max_std_diff``, ``worst_feature``, ``status``
        (``"ok"``, ``"flag"`` or ``"stop"``) and ``reasons`` (sentences).

    Notes
    -----
    ``stop`` when :math:`p_{SRM} < \\alpha_{SRM}` or :math:`\\max |d| > 0.25`; ``flag`` when
    :math:`\\max |d| > 0.1`. Under a correct split each :math:`d` has sd about
    :math:`\\sqrt{1/n_T + 1/n_H}` (0.02 for 9,000 vs 3,000), far below 0.1.

    Examples
    --------
    >>> t = pd.DataFrame({"customer_id": list("abcd"), "group": ["targeted"] * 2 + ["holdout"] * 2,
    ...                   "spend": [1.0, 1.0, 1.0, 1.0]})
    >>> randomisation_check(Features(t, ("spend",)), 0.5)["status"]
    'ok'
    """
    t = features.table
    n_h = int((t["group"] == "holdout").sum())
    n_t = int((t["group"] == "targeted").sum())
    stat = p = None
    reasons = []
    status = "ok"
    if holdout_share is not None:
        stat, p = sample_ratio_test(n_t, n_h, holdout_share)
        if p < srm_alpha:
            status = "stop"
            reasons.append(f"sample ratio mismatch: {n_h:,} holdout of {n_t + n_h:,} customers "
                           f"({n_h / (n_t + n_h):.1%}) against a designed {holdout_share:.1%} (chi-square p "
                           f"{_p_text(p)}, threshold {srm_alpha})")
    bal = standardised_differences(features)
    worst = bal["std_diff"].abs().idxmax()
    max_d = float(bal["std_diff"].abs().max())
    if max_d > stop:
        status = "stop"
        reasons.append(f"pre-period imbalance: `{worst}` differs by {max_d:.2f} standard deviations (> {stop})")
    elif max_d > flag:
        status = "flag" if status == "ok" else status
        reasons.append(f"pre-period imbalance: `{worst}` differs by {max_d:.2f} standard deviations (> {flag})")
    return {"srm_stat": stat, "srm_p": p, "observed_share": n_h / max(1, n_t + n_h), "design_share": holdout_share,
            "balance": bal, "max_std_diff": max_d, "worst_feature": str(worst), "status": status,
            "reasons": reasons}


def _p_text(p: float) -> str:
    """A p-value for readers: '< 0.001' below 0.001, else three decimals."""
    return "< 0.001" if p < 0.001 else f"{p:.3f}"
