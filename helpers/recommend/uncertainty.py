"""Bootstrap intervals over test customers for a model's recall against popularity."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm


@dataclass(frozen=True)
class Lift:
    """A paired comparison of mean recall: model / popularity (ratio) and model - popularity.

    ``*_low``/``*_high`` are percentile-bootstrap limits at ``level``; ``mc_error`` the
    Monte-Carlo standard error of each ratio limit (normal approximation); ``customers`` the
    number of test customers resampled.
    """

    ratio: float
    ratio_low: float
    ratio_high: float
    difference: float
    difference_low: float
    difference_high: float
    mc_error: float
    customers: int
    resamples: int
    level: float

    @property
    def verdict(self) -> str:
        """``beats``, ``loses`` or ``cannot tell`` (whether the ratio interval excludes 1)."""
        if self.ratio_low > 1:
            return "beats"
        if self.ratio_high < 1:
            return "loses"
        return "cannot tell"


def bootstrap_lift(model: np.ndarray, baseline: np.ndarray, *, resamples: int = 1000, level: float = 0.95,
                   seed: int = 0) -> Lift:
    """Ratio and difference of mean per-customer recall, with percentile-bootstrap intervals.

    Parameters
    ----------
    model, baseline : ndarray
        Per-customer recall@k of the model and of popularity, same customers in the same order.
    resamples : int >= 100
        Bootstrap resamples of the customers (with replacement, pairs kept together).
    level : float in (0.5, 1)
    seed : int

    Returns
    -------
    Lift

    Raises
    ------
    ValueError
        Different lengths, fewer than 2 customers, or a baseline whose mean recall is 0.

    Notes
    -----
    Ratio :math:`R = \\bar m / \\bar b`; each resample draws customers with replacement and
    recomputes :math:`R^*`; the interval is the :math:`(1\\pm\\text{level})/2` quantiles. The
    Monte-Carlo error of a quantile :math:`q` from :math:`B` resamples is about
    :math:`\\sqrt{q(1-q)/B}\\,\\hat\\sigma^*/\\varphi(z_q)`.

    Examples
    --------
    >>> m = np.array([1.0, 0.5, 0.0, 1.0]); b = np.array([0.5, 0.5, 0.0, 0.5])
    >>> lift = bootstrap_lift(m, b, resamples=200, seed=1)
    >>> round(lift.ratio, 4), round(lift.difference, 4)
    (1.6667, 0.25)
    """
    model, baseline = np.asarray(model, float), np.asarray(baseline, float)
    if model.shape != baseline.shape or model.ndim != 1:
        raise ValueError(f"model and baseline must be 1-d of the same length, got {model.shape} and {baseline.shape}")
    n = len(model)
    if n < 2:
        raise ValueError(f"need at least 2 test customers for a bootstrap, got {n}")
    if baseline.mean() <= 0:
        raise ValueError("popularity's mean recall is 0: the ratio is undefined; compare differences instead")
    if resamples < 100:
        raise ValueError(f"resamples = {resamples} must be >= 100")
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(resamples, n))
    bm, bb = model[idx].mean(axis=1), baseline[idx].mean(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(bb > 0, bm / np.where(bb > 0, bb, 1.0), np.inf)
    diff = bm - bb
    lo_q, hi_q = (1 - level) / 2, (1 + level) / 2
    finite = ratio[np.isfinite(ratio)]
    sd = float(finite.std(ddof=1)) if finite.size > 1 else 0.0
    mc = float(np.sqrt(lo_q * (1 - lo_q) / resamples) * sd / norm.pdf(norm.ppf(lo_q)))
    return Lift(float(model.mean() / baseline.mean()), float(np.quantile(ratio, lo_q)), float(np.quantile(ratio, hi_q)),
                float(model.mean() - baseline.mean()), float(np.quantile(diff, lo_q)), float(np.quantile(diff, hi_q)),
                mc, n, resamples, level)
