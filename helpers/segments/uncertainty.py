"""Intervals on the out-of-sample segment check, per segment and for the rank agreement.

The segments are fixed by the calibration period; what is uncertain is how a segment's customers
behave next. Three intervals, one method per quantity:

- **next-period revenue per customer** (and BG/NBD expected purchases): a studentized
  (bootstrap-t) interval, resampling each segment's calibration customers with replacement
  (Efron & Tibshirani 1993, *An Introduction to the Bootstrap*, ch. 12). Revenue is zero for most
  customers and heavy-tailed for the rest; on such data the percentile interval of a small
  segment's mean covers far less than stated, the studentized one close to it.
- **next-period repeat rate**: the Wilson score interval of a proportion (Brown, Cai & DasGupta
  2001, *Interval Estimation for a Binomial Proportion*, Statistical Science 16(2)); no
  resampling needed and it does not collapse when a segment's customers all behave alike.
- **rank agreement** (Spearman over segments of next-period revenue against expected
  purchases): a bootstrap of a rank statistic does not cover (measured: 67% for a nominal 95% on
  the test world), so its interval is the range of the rank agreement over every ordering of the
  segments that simultaneous (Bonferroni) intervals on both columns allow — the approach of
  Mogstad, Romano, Shaikh & Wilhelm (2024), *Inference for Ranks*, Review of Economic Studies
  91(1). It covers whenever all the simultaneous intervals do, so at least at the stated level.

The BG/NBD parameters and the RFM cut points are held at their calibration values: the intervals
are conditional on the segmentation and the fit. ``tests/segments/test_uncertainty.py`` measures
the coverage on a world built without RFM or BG/NBD (nine groups of 29 to 1,347 customers,
heavy-tailed revenue; 120 worlds, nominal 95%): revenue 93.8% on average (87.5% to 97.5% by
group: heavy tails keep it slightly below nominal), repeat rates 95.7%, rank bounds 99.2%.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from helpers.contracts import ParameterError
from helpers.segments.rfm import SEGMENTS

#: The per-customer columns the bootstrap resamples (``Validation.per``).
VALUES = ("next_revenue", "expected")
_CHUNK = 2_000_000  # resampled customers held in memory at once
#: Most segment orderings enumerated per column; beyond it the rank bounds use a relaxation.
MAX_ORDERS = 5040


@dataclass(frozen=True)
class ValidationIntervals:
    """Intervals of the out-of-sample table and of the rank agreement.

    ``table`` (index segment, the non-empty ones): ``next_revenue_per_customer_low/_high``
    (bootstrap-t), ``next_repeat_rate_low/_high`` (Wilson). ``mc_error`` is the largest
    Monte-Carlo standard error of a revenue endpoint as a share of its interval's width (order
    statistics of the studentized replicates, binomial). ``orders`` is the number of (revenue,
    expected) segment orderings the rank bounds range over, ``exhaustive`` False when more than
    :data:`MAX_ORDERS` orderings of a column forced the (wider) relaxation.
    """

    table: pd.DataFrame
    rank_agreement: float
    rank_agreement_low: float
    rank_agreement_high: float
    n_boot: int
    conf_level: float
    seed: int
    mc_error: float
    orders: tuple[int, int]
    exhaustive: bool


def _endpoint_mc_error(draws: np.ndarray, q: float) -> float:
    """Monte-Carlo standard error of the ``q`` quantile of ``draws``: half the distance between
    the order statistics one binomial standard deviation either side of rank ``B q``."""
    x = np.sort(draws[np.isfinite(draws)])
    n = len(x)
    if n < 2:
        return 0.0
    sd = math.sqrt(n * q * (1 - q))
    lo = int(np.clip(math.floor(n * q - sd), 0, n - 1))
    hi = int(np.clip(math.ceil(n * q + sd), 0, n - 1))
    return float(x[hi] - x[lo]) / 2


def studentized_replicates(per: pd.DataFrame, segments: list[str], n_boot: int, seed: int
                           ) -> dict[str, np.ndarray]:
    """Studentized bootstrap replicates :math:`t^* = (\\bar x^* - \\bar x) / se^*` (``n_boot`` ×
    segments) of each segment's mean of every column in :data:`VALUES`, resampling customers
    with replacement within their segment; NaN where a replicate has no spread.

    Examples
    --------
    >>> per = pd.DataFrame({"segment": ["a"] * 4 + ["b"] * 3, "next_revenue": [0.0, 0, 2, 6, 5, 5, 5],
    ...                     "expected": [1.0, 1, 1, 2, 3, 3, 4]})
    >>> t = studentized_replicates(per, ["a", "b"], 50, seed=1)
    >>> t["next_revenue"].shape, bool(np.isnan(t["next_revenue"][:, 1]).all())
    ((50, 2), True)
    """
    rng = np.random.default_rng(seed)
    out = {c: np.full((n_boot, len(segments)), np.nan) for c in VALUES}
    for j, name in enumerate(segments):
        vals = per.loc[per["segment"] == name, list(VALUES)].to_numpy(dtype="float64")
        n = len(vals)
        if n < 2:
            continue
        mean = vals.mean(axis=0)
        columns = [np.ascontiguousarray(vals[:, k]) for k in range(len(VALUES))]
        step = max(1, _CHUNK // n)
        for start in range(0, n_boot, step):
            b = min(step, n_boot - start)
            idx = rng.integers(0, n, size=(b, n))
            for k, c in enumerate(VALUES):
                # numpy's own two-pass mean and ddof=1 std, with the sum taken once and the
                # deviations squared in place: the same floating-point operations in the same
                # order as x.mean(axis=1) and x.std(axis=1, ddof=1), so the same replicates.
                x = columns[k].take(idx)
                m = np.add.reduce(x, axis=1, keepdims=True) / n
                np.subtract(x, m, out=x)
                np.multiply(x, x, out=x)
                se = np.sqrt(np.add.reduce(x, axis=1) / (n - 1)) / math.sqrt(n)
                tol = 1e-12 * max(abs(mean[k]), 1.0)
                with np.errstate(invalid="ignore", divide="ignore"):
                    out[c][start:start + b, j] = np.where(se > tol, (m[:, 0] - mean[k]) / se, np.nan)
    return out


def t_intervals(per: pd.DataFrame, segments: list[str], tstar: np.ndarray, column: str, alpha: float
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bootstrap-t intervals :math:`[\\bar x - t^*_{1-\\alpha/2}\\,se,\\ \\bar x - t^*_{\\alpha/2}\\,se]`
    of each segment's mean of ``column`` and each endpoint's Monte-Carlo error (share of width);
    a segment whose customers all have the same value gets the point ``[x̄, x̄]``, and a column
    without negative values a lower end of at least 0 (its mean cannot be negative)."""
    g = per.groupby("segment", observed=True)[column]
    mean = g.mean().reindex(segments).to_numpy()
    floor = 0.0 if (per[column] >= 0).all() else -np.inf
    se = (g.std(ddof=1) / np.sqrt(g.size())).reindex(segments).fillna(0.0).to_numpy()
    lo, hi, err = mean.copy(), mean.copy(), np.zeros(len(segments))
    for j in range(len(segments)):
        t = tstar[:, j][np.isfinite(tstar[:, j])]
        if se[j] == 0 or len(t) < 2:
            continue
        q_lo, q_hi = np.quantile(t, [alpha / 2, 1 - alpha / 2])
        lo[j], hi[j] = max(mean[j] - q_hi * se[j], floor), mean[j] - q_lo * se[j]
        if hi[j] > lo[j]:
            err[j] = se[j] * max(_endpoint_mc_error(t, alpha / 2), _endpoint_mc_error(t, 1 - alpha / 2)) / (hi[j] - lo[j])
    return lo, hi, err


def wilson(successes: np.ndarray, n: np.ndarray, conf_level: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of ``successes / n`` (Brown, Cai & DasGupta 2001, eq. 4).

    Examples
    --------
    >>> lo, hi = wilson(np.array([0, 5]), np.array([10, 10]), 0.95)
    >>> [round(float(x), 4) for x in (lo[0], hi[0], lo[1], hi[1])]
    [0.0, 0.2775, 0.2366, 0.7634]
    """
    z = stats.norm.ppf(1 - (1 - conf_level) / 2)
    n = np.asarray(n, dtype="float64")
    p = np.asarray(successes, dtype="float64") / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def orderings(lo: np.ndarray, hi: np.ndarray, cap: int = MAX_ORDERS) -> np.ndarray | None:
    """Every rank vector (ranks 1..k) of ``k`` quantities consistent with their intervals: a
    quantity whose interval lies wholly below another's ranks below it. None if more than ``cap``.

    Examples
    --------
    >>> orderings(np.array([0.0, 1.5, 1.0]), np.array([0.9, 3.0, 2.0])).tolist()
    [[1, 2, 3], [1, 3, 2]]
    """
    k = len(lo)
    below = [[j for j in range(k) if hi[j] < lo[i]] for i in range(k)]  # certainly below item i
    found: list[list[int]] = []
    ranks = [0] * k

    def place(rank: int, placed: set[int]) -> bool:
        if rank > k:
            found.append(ranks.copy())
            return len(found) <= cap
        for i in range(k):
            if i not in placed and all(j in placed for j in below[i]):
                ranks[i] = rank
                placed.add(i)
                ok = place(rank + 1, placed)
                placed.discard(i)
                if not ok:
                    return False
        return True

    return np.array(found, dtype="int64") if place(1, set()) else None


def spearman_bounds(lo_a: np.ndarray, hi_a: np.ndarray, lo_b: np.ndarray, hi_b: np.ndarray,
                    cap: int = MAX_ORDERS) -> tuple[float, float, tuple[int, int], bool]:
    """Least and greatest Spearman correlation between two columns over every pair of orderings
    their intervals allow (:func:`orderings`); with more than ``cap`` orderings of a column, the
    relaxation that lets each item take any rank its interval allows independently (wider, still
    valid). Returns ``(low, high, (orders of a, orders of b), exhaustive)``.

    Notes
    -----
    For rank vectors :math:`x, y` of :math:`k` items, :math:`\\rho = 1 - 6\\sum (x_i - y_i)^2 /
    (k(k^2-1))` and :math:`\\sum (x_i - y_i)^2 = 2\\sum_r r^2 - 2\\,x \\cdot y`, so the bounds are
    the least and greatest :math:`x \\cdot y`.

    Examples
    --------
    >>> lo, hi = np.array([0.0, 2, 4]), np.array([1.0, 3, 5])
    >>> spearman_bounds(lo, hi, lo, hi)[:2]
    (1.0, 1.0)
    >>> spearman_bounds(lo, hi, np.array([0.0, 0, 0]), np.array([9.0, 9, 9]))[:2]
    (-1.0, 1.0)
    """
    k = len(lo_a)
    xa, xb = orderings(lo_a, hi_a, cap), orderings(lo_b, hi_b, cap)
    const = 2 * sum(r * r for r in range(1, k + 1))
    scale = 6 / (k * (k * k - 1))
    if xa is not None and xb is not None:
        dots = xa @ xb.T
        lo_dot, hi_dot = int(dots.min()), int(dots.max())
        exhaustive = True
    else:
        def rank_range(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            low = 1 + np.array([(hi < lo[i]).sum() for i in range(k)])
            high = k - np.array([(lo > hi[i]).sum() for i in range(k)])
            return low, high
        (a0, a1), (b0, b1) = rank_range(lo_a, hi_a), rank_range(lo_b, hi_b)
        lo_dot, hi_dot = int((a0 * b0).sum()), int((a1 * b1).sum())
        exhaustive = False
    low = max(-1.0, 1 - scale * (const - 2 * lo_dot))
    high = min(1.0, 1 - scale * (const - 2 * hi_dot))
    n_a = len(xa) if xa is not None else cap + 1
    n_b = len(xb) if xb is not None else cap + 1
    return float(low), float(high), (n_a, n_b), exhaustive


def validation_intervals(per: pd.DataFrame, *, n_boot: int = 10_000, conf_level: float = 0.95,
                         seed: int = 2024) -> ValidationIntervals:
    """Intervals on each segment's next-period revenue and repeat rate and on the rank agreement
    of next-period revenue with BG/NBD's expected purchases (methods in the module docstring).

    Parameters
    ----------
    per : DataFrame
        One row per calibration customer: ``segment``, ``next_revenue``, ``repeated`` (1 if the
        customer bought in the holdout, else 0) and ``expected`` (BG/NBD expected purchases) —
        :attr:`helpers.segments.validation.Validation.per`.
    n_boot : int
        Bootstrap replicates (≥ 200).
    conf_level : float
        Two-sided level of every interval, in (0.5, 1).
    seed : int
        Seed of the resampling.

    Raises
    ------
    ParameterError
        ``n_boot`` < 200, ``conf_level`` outside (0.5, 1), or fewer than three non-empty segments.

    Notes
    -----
    With :math:`k` non-empty segments, the rank bounds use bootstrap-t intervals of both columns
    at level :math:`1 - \\alpha/(2k)` each (Bonferroni over the :math:`2k` means), so all of them
    cover together with probability at least :math:`1-\\alpha`, and then the true rank agreement
    lies between the bounds.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> per = pd.DataFrame({"segment": np.repeat(["a", "b", "c"], 200),
    ...                     "next_revenue": rng.exponential(np.repeat([1.0, 2.0, 4.0], 200)),
    ...                     "repeated": 1.0, "expected": np.repeat([1.0, 2.0, 3.0], 200)})
    >>> iv = validation_intervals(per, n_boot=400, seed=1)
    >>> t = iv.table.loc["b"]
    >>> bool(t["next_revenue_per_customer_low"] < 2 < t["next_revenue_per_customer_high"])
    True
    >>> iv.rank_agreement_low, iv.rank_agreement_high
    (1.0, 1.0)
    """
    if int(n_boot) < 200:
        raise ParameterError(f"parameter 'validation_boot' = {n_boot!r}: use at least 200 bootstrap replicates")
    if not 0.5 < conf_level < 1:
        raise ParameterError(f"parameter 'conf_level' = {conf_level!r} must be in (0.5, 1)")
    present = set(per["segment"].dropna())
    order = [s for s in SEGMENTS if s in present] + sorted(present - set(SEGMENTS))
    k = len(order)
    if k < 3:
        raise ParameterError(f"the out-of-sample check has {k} non-empty segment(s): a rank "
                             "agreement needs at least three")
    alpha = 1 - conf_level
    tstar = studentized_replicates(per, order, int(n_boot), seed)
    rev_lo, rev_hi, err = t_intervals(per, order, tstar["next_revenue"], "next_revenue", alpha)
    g = per.groupby("segment", observed=True)
    n = g.size().reindex(order).to_numpy()
    rate_lo, rate_hi = wilson(g["repeated"].sum().reindex(order).to_numpy(), n, conf_level)
    simultaneous = alpha / (2 * k)
    a_lo, a_hi, _ = t_intervals(per, order, tstar["next_revenue"], "next_revenue", simultaneous)
    b_lo, b_hi, _ = t_intervals(per, order, tstar["expected"], "expected", simultaneous)
    low, high, orders, exhaustive = spearman_bounds(a_lo, a_hi, b_lo, b_hi)
    means = g[["next_revenue", "expected"]].mean().reindex(order)
    point = float(stats.spearmanr(means["next_revenue"], means["expected"]).statistic)
    table = pd.DataFrame({"next_revenue_per_customer_low": rev_lo, "next_revenue_per_customer_high": rev_hi,
                          "next_repeat_rate_low": rate_lo, "next_repeat_rate_high": rate_hi},
                         index=pd.Index(order, name="segment"))
    return ValidationIntervals(table=table, rank_agreement=point, rank_agreement_low=low,
                               rank_agreement_high=high, n_boot=int(n_boot), conf_level=float(conf_level),
                               seed=int(seed), mc_error=float(err.max(initial=0.0)), orders=orders,
                               exhaustive=exhaustive)
