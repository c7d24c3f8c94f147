"""Customer lifetime value: BG/NBD purchase counts and Gamma-Gamma spend, fitted by maximum likelihood.

Input is a per-customer summary with the conventions of ``helpers.btyd.summary.summary_from_transactions``
(and of ``lifetimes.utils.summary_data_from_transaction_data``): ``frequency`` = number of repeat
purchase periods, ``recency`` = age at the last purchase, ``T`` = age at the end of observation
(both in the summary's time unit, e.g. weeks or months), ``monetary_value`` = mean value of the
repeat purchases in the data's currency.

References
----------
Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the easy way: an
alternative to the Pareto/NBD model. *Marketing Science* 24(2), 275-284.
Fader, P. S. & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value. Note,
brucehardie.com/notes/025/.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special

BGNBD_PARAMS = ("r", "alpha", "a", "b")
GG_PARAMS = ("p", "q", "v")
#: Fewest repeat buyers a fit accepts: below this the estimates are noise, not information.
MIN_REPEAT_BUYERS = 10


@dataclass(frozen=True)
class ModelFit:
    """A maximum-likelihood fit: parameters, log-likelihood and the optimiser's verdict.

    ``converged`` is False when the optimiser stopped without meeting its tolerance; ``message``
    then holds its reason. Callers must show a non-converged fit as flagged, never as a result.
    ``at_bound`` names parameters that ran to the edge of the search range (not identified by
    the data, e.g. BG/NBD ``a`` -> 0 when nobody drops out).
    """

    model: str
    params: dict[str, float]
    log_likelihood: float
    n_customers: int
    n_repeat_buyers: int
    converged: bool
    message: str
    iterations: int = 0
    at_bound: tuple[str, ...] = ()

    def table(self) -> pd.DataFrame:
        """Parameters as a one-column table (index = parameter name)."""
        return pd.DataFrame({"estimate": pd.Series(self.params, dtype=float)}).rename_axis("parameter")


def _as_array(name: str, values: object) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty one-dimensional sequence of numbers")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} has missing or infinite values at positions "
                         f"{np.flatnonzero(~np.isfinite(arr))[:5].tolist()}")
    return arr


def _check_summary(frequency: object, recency: object, T: object) -> tuple[np.ndarray, ...]:
    x = _as_array("frequency", frequency)
    t_x = _as_array("recency", recency)
    t_cap = _as_array("T", T)
    if not (x.size == t_x.size == t_cap.size):
        raise ValueError(f"frequency, recency and T must have the same length; got "
                         f"{x.size}, {t_x.size}, {t_cap.size}")
    checks = [
        (x < 0, "frequency must be >= 0"),
        (x % 1 != 0, "frequency must be a whole number of repeat purchases"),
        (t_x < 0, "recency must be >= 0"),
        (t_cap < 0, "T (customer age) must be >= 0"),
        (t_x > t_cap + 1e-9, "recency must be <= T (the last purchase cannot come after the end)"),
        ((x == 0) & (t_x != 0), "recency must be 0 when frequency is 0"),
    ]
    for bad, rule in checks:
        if bad.any():
            idx = np.flatnonzero(bad)
            raise ValueError(f"{rule}; {idx.size} customer(s) break it (positions {idx[:5].tolist()})")
    return x, t_x, t_cap


def bgnbd_log_likelihood(params: Mapping[str, float], frequency: object, recency: object,
                         T: object) -> np.ndarray:
    """Per-customer BG/NBD log-likelihood.

    Parameters
    ----------
    params : mapping
        ``r, alpha, a, b`` (all > 0). ``alpha`` is in the summary's time unit.
    frequency, recency, T : array-like
        Repeat purchases ``x`` (>= 0), time of the last purchase ``t_x`` and customer age ``T``
        (``0 <= t_x <= T``, same time unit).

    Returns
    -------
    ndarray of log-likelihood contributions, one per customer.

    Raises
    ------
    ValueError
        If a parameter is not positive or the summary is inconsistent.

    Notes
    -----
    Fader, Hardie & Lee (2005), eq. (6):

    .. math::
        L = \\frac{B(a, b+x)}{B(a, b)} \\frac{\\Gamma(r+x)\\,\\alpha^r}{\\Gamma(r)(\\alpha+T)^{r+x}}
          + \\delta_{x>0} \\frac{B(a+1, b+x-1)}{B(a, b)}
            \\frac{\\Gamma(r+x)\\,\\alpha^r}{\\Gamma(r)(\\alpha+t_x)^{r+x}}

    Examples
    --------
    >>> p = {"r": 1.0, "alpha": 1.0, "a": 1.0, "b": 1.0}
    >>> # x = 0: no repeat purchase, so no chance to drop out; L = (alpha / (alpha + T))^r = 1/2
    >>> round(float(bgnbd_log_likelihood(p, [0], [0.0], [1.0])[0]), 4)
    -0.6931
    """
    r, alpha, a, b = (float(params[k]) for k in BGNBD_PARAMS)
    if min(r, alpha, a, b) <= 0:
        raise ValueError(f"BG/NBD parameters must all be > 0, got {dict(params)}")
    x, t_x, t_cap = _check_summary(frequency, recency, T)
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    a2 = special.gammaln(a + b) + special.gammaln(b + x) - special.gammaln(b) - special.gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + t_cap)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300))
                      - (r + x) * np.log(alpha + t_x), -np.inf)
    return a1 + a2 + np.logaddexp(a3, a4)


def gamma_gamma_log_likelihood(params: Mapping[str, float], frequency: object,
                               monetary_value: object) -> np.ndarray:
    """Per-customer Gamma-Gamma log-likelihood of mean repeat spend (repeat buyers only).

    Parameters
    ----------
    params : mapping
        ``p, q, v`` (all > 0); ``v`` is in the currency of ``monetary_value``.
    frequency : array-like
        Number of repeat purchases ``x`` (>= 1).
    monetary_value : array-like
        Mean value ``m_x`` of those purchases (> 0, in one currency).

    Returns
    -------
    ndarray of log-likelihood contributions, one per customer.

    Raises
    ------
    ValueError
        If a parameter is not positive, a frequency is below 1 or a spend is not positive.

    Notes
    -----
    Fader & Hardie (2013), the density of the mean of ``x`` Gamma(p, nu) spends with
    nu ~ Gamma(q, v):

    .. math::
        f(m_x \\mid p, q, v, x) = \\frac{\\Gamma(px+q)}{\\Gamma(px)\\Gamma(q)}
        \\frac{v^q\\, m_x^{px-1}\\, x^{px}}{(v + x m_x)^{px+q}}

    Examples
    --------
    >>> import math
    >>> p = {"p": 1.0, "q": 1.0, "v": 1.0}
    >>> float(gamma_gamma_log_likelihood(p, [1], [1.0])[0]) == math.log(1 / 4)
    True
    """
    p, q, v = (float(params[k]) for k in GG_PARAMS)
    if min(p, q, v) <= 0:
        raise ValueError(f"Gamma-Gamma parameters must all be > 0, got {dict(params)}")
    x, m = _check_spend(frequency, monetary_value)
    px = p * x
    return (special.gammaln(px + q) - special.gammaln(px) - special.gammaln(q) + q * np.log(v)
            + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(v + x * m))


def _check_spend(frequency: object, monetary_value: object) -> tuple[np.ndarray, np.ndarray]:
    x = _as_array("frequency", frequency)
    m = _as_array("monetary_value", monetary_value)
    if x.size != m.size:
        raise ValueError(f"frequency and monetary_value must have the same length; got {x.size}, {m.size}")
    if (x < 1).any():
        raise ValueError("the Gamma-Gamma model takes repeat buyers only (frequency >= 1); "
                         f"{int((x < 1).sum())} customer(s) have frequency < 1 — filter frequency > 0 first")
    if (m <= 0).any():
        idx = np.flatnonzero(m <= 0)
        raise ValueError(f"monetary_value must be > 0 (negative or zero spend cannot be modelled); "
                         f"{idx.size} customer(s) break it (positions {idx[:5].tolist()}, "
                         f"values {m[idx[:5]].tolist()})")
    return x, m


#: Bounds of the log-parameters during the search: exp(+-20) spans 2e-9 .. 5e8.
LOG_BOUND = 20.0


def _fit(model: str, names: tuple[str, ...], negll, start: np.ndarray, maxiter: int,
         n_customers: int, n_repeat: int) -> ModelFit:
    res = optimize.minimize(negll, np.log(start), method="L-BFGS-B",
                            bounds=[(-LOG_BOUND, LOG_BOUND)] * len(names),
                            options={"maxiter": maxiter, "maxfun": 20 * maxiter, "ftol": 1e-14,
                                     "gtol": 1e-9})
    params = {k: float(v) for k, v in zip(names, np.exp(res.x), strict=True)}
    ll = -float(res.fun)
    converged = bool(res.success) and bool(np.isfinite(ll)) and ll > -1e299
    message = str(res.message)
    if not np.isfinite(ll) or ll <= -1e299:
        message = f"log-likelihood is not finite at the optimum ({message})"
    at_bound = [k for k, v in zip(names, res.x, strict=True) if abs(v) > LOG_BOUND - 1e-3]
    if at_bound:
        message += (f"; parameter(s) {at_bound} reached the search bound (the data do not "
                    "identify them: e.g. no dropout gives a -> 0)")
    return ModelFit(model=model, params=params, log_likelihood=ll, n_customers=n_customers,
                    n_repeat_buyers=n_repeat, converged=converged, message=message,
                    iterations=int(res.get("nit", 0)), at_bound=tuple(at_bound))


def fit_bgnbd(frequency: object, recency: object, T: object, *,
              min_repeat_buyers: int = MIN_REPEAT_BUYERS, maxiter: int = 4000,
              start: Mapping[str, float] | None = None) -> ModelFit:
    """Fit the BG/NBD model (Fader, Hardie & Lee 2005) by maximum likelihood.

    Parameters
    ----------
    frequency, recency, T : array-like
        Per-customer summary (see :func:`bgnbd_log_likelihood`); time in any one unit.
    min_repeat_buyers : int
        Fewest customers with ``frequency > 0`` required (default 10).
    maxiter : int
        Iteration limit of the L-BFGS-B optimiser (on log-parameters, bounded to +-20).
    start : mapping, optional
        Starting values for ``r, alpha, a, b`` (default all 1).

    Returns
    -------
    ModelFit
        ``params`` = ``{r, alpha, a, b}``; ``converged`` False (with the optimiser's message)
        if the iteration limit was hit or the optimum is not finite.

    Raises
    ------
    ValueError
        If the summary is inconsistent or has fewer than ``min_repeat_buyers`` repeat buyers.

    Notes
    -----
    Maximises :math:`\\sum_i \\log L(r, \\alpha, a, b \\mid x_i, t_{x,i}, T_i)` over the log of each
    parameter, so all stay positive.

    Examples
    --------
    >>> fit = fit_bgnbd([0, 1, 2, 0, 3] * 4, [0, 2, 5, 0, 7] * 4, [8.0] * 20, min_repeat_buyers=5)
    >>> sorted(fit.params)
    ['a', 'alpha', 'b', 'r']
    """
    x, t_x, t_cap = _check_summary(frequency, recency, T)
    n_repeat = int((x > 0).sum())
    if n_repeat < min_repeat_buyers:
        raise ValueError(f"too few repeat buyers to fit BG/NBD: {n_repeat} customer(s) with "
                         f"frequency > 0, at least {min_repeat_buyers} needed")
    init = np.array([float((start or {}).get(k, 1.0)) for k in BGNBD_PARAMS])

    def negll(theta: np.ndarray) -> float:
        p = dict(zip(BGNBD_PARAMS, np.exp(theta), strict=True))
        val = -float(bgnbd_log_likelihood(p, x, t_x, t_cap).sum())
        return val if np.isfinite(val) else 1e300

    return _fit("BG/NBD", BGNBD_PARAMS, negll, init, maxiter, x.size, n_repeat)


def fit_gamma_gamma(frequency: object, monetary_value: object, *,
                    min_repeat_buyers: int = MIN_REPEAT_BUYERS, maxiter: int = 4000,
                    start: Mapping[str, float] | None = None) -> ModelFit:
    """Fit the Gamma-Gamma spend model (Fader & Hardie 2013) on repeat buyers.

    Parameters
    ----------
    frequency : array-like
        Repeat purchases per customer; customers with 0 are skipped (their mean repeat spend
        is undefined).
    monetary_value : array-like
        Mean value of each customer's repeat purchases (> 0 where frequency > 0; one currency).
    min_repeat_buyers : int
        Fewest repeat buyers required (default 10).
    maxiter : int
        Iteration limit of the L-BFGS-B optimiser (on log-parameters, bounded to +-20).
    start : mapping, optional
        Starting values for ``p, q, v`` (default all 1).

    Returns
    -------
    ModelFit
        ``params`` = ``{p, q, v}`` with ``v`` in the currency of ``monetary_value``.

    Raises
    ------
    ValueError
        If fewer than ``min_repeat_buyers`` repeat buyers, or a repeat buyer's spend is <= 0.

    Notes
    -----
    Maximises :math:`\\sum_{i: x_i>0} \\log f(m_{x,i} \\mid p, q, v, x_i)` (see
    :func:`gamma_gamma_log_likelihood`). The model assumes spend is independent of frequency.

    Examples
    --------
    >>> fit = fit_gamma_gamma([1, 2, 3, 1, 2] * 4, [10.0, 12.0, 9.0, 20.0, 15.0] * 4,
    ...                       min_repeat_buyers=5)
    >>> sorted(fit.params)
    ['p', 'q', 'v']
    """
    x_all = _as_array("frequency", frequency)
    m_all = _as_array("monetary_value", monetary_value)
    if x_all.size != m_all.size:
        raise ValueError(f"frequency and monetary_value must have the same length; "
                         f"got {x_all.size}, {m_all.size}")
    keep = x_all > 0
    n_repeat = int(keep.sum())
    if n_repeat < min_repeat_buyers:
        raise ValueError(f"too few repeat buyers to fit Gamma-Gamma: {n_repeat} customer(s) with "
                         f"frequency > 0, at least {min_repeat_buyers} needed")
    x, m = _check_spend(x_all[keep], m_all[keep])
    init = np.array([float((start or {}).get(k, 1.0)) for k in GG_PARAMS])

    def negll(theta: np.ndarray) -> float:
        p = dict(zip(GG_PARAMS, np.exp(theta), strict=True))
        val = -float(gamma_gamma_log_likelihood(p, x, m).sum())
        return val if np.isfinite(val) else 1e300

    return _fit("Gamma-Gamma", GG_PARAMS, negll, init, maxiter, x_all.size, n_repeat)


def expected_purchases(params: Mapping[str, float], t: float, frequency: object, recency: object,
                       T: object) -> np.ndarray:
    """Expected number of purchases in the next ``t`` periods, given each customer's history.

    Parameters
    ----------
    params : mapping
        Fitted BG/NBD ``r, alpha, a, b``.
    t : float
        Forecast horizon (>= 0) in the summary's time unit.
    frequency, recency, T : array-like
        Per-customer summary.

    Returns
    -------
    ndarray of expected purchase counts.

    Raises
    ------
    ValueError
        If ``t`` < 0 or the summary is inconsistent.

    Notes
    -----
    Fader, Hardie & Lee (2005), eq. (10):

    .. math::
        E[Y(t) \\mid x, t_x, T] = \\frac{\\frac{a+b+x-1}{a-1}\\left[1 -
        \\left(\\frac{\\alpha+T}{\\alpha+T+t}\\right)^{r+x}
        {}_2F_1\\!\\left(r+x, b+x; a+b+x-1; \\frac{t}{\\alpha+T+t}\\right)\\right]}
        {1 + \\delta_{x>0}\\frac{a}{b+x-1}\\left(\\frac{\\alpha+T}{\\alpha+t_x}\\right)^{r+x}}

    Examples
    --------
    >>> p = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    >>> round(float(expected_purchases(p, 39, [2], [30.43], [38.86])[0]), 2)
    1.23
    """
    if not np.isfinite(t) or t < 0:
        raise ValueError(f"forecast horizon t = {t!r} must be >= 0")
    r, alpha, a, b = (float(params[k]) for k in BGNBD_PARAMS)
    x, t_x, t_cap = _check_summary(frequency, recency, T)
    if t == 0:
        return np.zeros_like(x)
    z = t / (alpha + t_cap + t)
    hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, z)
    num = (a + b + x - 1) / (a - 1) * (1 - ((alpha + t_cap) / (alpha + t_cap + t)) ** (r + x) * hyp)
    with np.errstate(divide="ignore", invalid="ignore"):
        den = 1 + np.where(x > 0, a / np.maximum(b + x - 1, 1e-300)
                           * ((alpha + t_cap) / (alpha + t_x)) ** (r + x), 0.0)
    return num / den


def probability_alive(params: Mapping[str, float], frequency: object, recency: object, T: object) -> np.ndarray:
    """Probability that each customer is still active at the end of observation (BG/NBD).

    Parameters
    ----------
    params : mapping
        Fitted BG/NBD ``r, alpha, a, b``.
    frequency, recency, T : array-like
        Per-customer summary (one time unit).

    Returns
    -------
    ndarray of probabilities in (0, 1]; 1 for customers without a repeat purchase.

    Raises
    ------
    ValueError
        If the summary is inconsistent.

    Notes
    -----
    Fader, Hardie & Lee (2005), eq. (11):

    .. math:: P(\\text{alive} \\mid x, t_x, T) = \\left[1 + \\delta_{x>0}\\frac{a}{b+x-1}
              \\left(\\frac{\\alpha+T}{\\alpha+t_x}\\right)^{r+x}\\right]^{-1}

    Examples
    --------
    >>> p = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    >>> probability_alive(p, [0, 2], [0.0, 30.43], [38.86, 38.86]).round(3).tolist()
    [1.0, 0.727]
    """
    r, alpha, a, b = (float(params[k]) for k in BGNBD_PARAMS)
    x, t_x, t_cap = _check_summary(frequency, recency, T)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        odds = np.where(x > 0, a / np.maximum(b + x - 1, 1e-300)
                        * np.exp((r + x) * (np.log(alpha + t_cap) - np.log(alpha + t_x))), 0.0)
    return 1.0 / (1.0 + odds)


def expected_spend(params: Mapping[str, float], frequency: object, monetary_value: object) -> np.ndarray:
    """Expected value of a customer's future purchase under the Gamma-Gamma model.

    Parameters
    ----------
    params : mapping
        Fitted ``p, q, v`` (``q`` > 1 for a finite mean).
    frequency : array-like
        Repeat purchases (>= 0); customers with 0 get the population mean.
    monetary_value : array-like
        Mean repeat spend (ignored where frequency is 0), in the currency of ``v``.

    Returns
    -------
    ndarray of expected spend per purchase, in the currency of ``v``.

    Raises
    ------
    ValueError
        If ``q`` <= 1 (the population mean spend is infinite).

    Notes
    -----
    .. math::
        E[M \\mid p, q, v, x, m_x] = \\frac{p\\,(v + x\\, m_x)}{p x + q - 1}

    which is a weighted mean of the population mean :math:`p v / (q - 1)` and the customer's own
    :math:`m_x`.

    Examples
    --------
    >>> float(expected_spend({"p": 2.0, "q": 3.0, "v": 10.0}, [0], [0.0])[0])  # 2*10/(3-1)
    10.0
    """
    p, q, v = (float(params[k]) for k in GG_PARAMS)
    if q <= 1:
        raise ValueError(f"Gamma-Gamma q = {q:g} must be > 1 for a finite expected spend")
    x = _as_array("frequency", frequency)
    m = np.where(x > 0, _as_array("monetary_value", monetary_value), 0.0)
    return p * (v + x * m) / (p * x + q - 1)


def customer_lifetime_value(bgnbd: Mapping[str, float], gamma_gamma: Mapping[str, float],
                            summary: pd.DataFrame, *, horizon: int, margin: float,
                            discount_rate: float, periods_per_step: float = 1.0) -> pd.Series:
    """Discounted expected gross margin of each customer over the next ``horizon`` steps.

    Parameters
    ----------
    bgnbd, gamma_gamma : mapping
        Fitted parameters (:func:`fit_bgnbd`, :func:`fit_gamma_gamma`).
    summary : DataFrame
        Columns ``frequency, recency, T, monetary_value`` (index = customer).
    horizon : int
        Number of discounting steps (e.g. months), >= 1.
    margin : float
        Gross margin on spend, in (0, 1].
    discount_rate : float
        Discount rate per step (e.g. monthly), in [0, 1).
    periods_per_step : float
        Summary time units per step (1 if the summary is in months and steps are months;
        about 4.35 for a weekly summary and monthly steps).

    Returns
    -------
    Series of CLV in the currency of ``monetary_value``, indexed like ``summary``.

    Raises
    ------
    ValueError
        If a column is missing or an argument is out of range.

    Notes
    -----
    .. math::
        CLV_i = \\sum_{k=1}^{H} \\frac{m \\; E[M_i] \\left(E[Y_i(k s)] - E[Y_i((k-1) s)]\\right)}
        {(1 + d)^k}

    with :math:`s` = ``periods_per_step``, :math:`m` = ``margin``, :math:`d` = ``discount_rate``.

    Examples
    --------
    >>> s = pd.DataFrame({"frequency": [0, 2], "recency": [0.0, 5.0], "T": [6.0, 6.0],
    ...                   "monetary_value": [0.0, 20.0]})
    >>> clv = customer_lifetime_value({"r": 1, "alpha": 2, "a": 0.5, "b": 3},
    ...                               {"p": 2, "q": 3, "v": 10}, s, horizon=12, margin=0.3,
    ...                               discount_rate=0.01)
    >>> bool(clv.iloc[1] > clv.iloc[0])
    True
    """
    missing = [c for c in ("frequency", "recency", "T", "monetary_value") if c not in summary.columns]
    if missing:
        raise ValueError(f"summary is missing column(s) {missing}")
    if not isinstance(horizon, (int, np.integer)) or horizon < 1:
        raise ValueError(f"horizon = {horizon!r} must be a whole number >= 1")
    if not 0 < margin <= 1:
        raise ValueError(f"margin = {margin!r} must be in (0, 1]")
    if not 0 <= discount_rate < 1:
        raise ValueError(f"discount_rate = {discount_rate!r} must be in [0, 1)")
    if periods_per_step <= 0:
        raise ValueError(f"periods_per_step = {periods_per_step!r} must be > 0")
    f, rec, t_cap = summary["frequency"], summary["recency"], summary["T"]
    spend = expected_spend(gamma_gamma, f, summary["monetary_value"])
    total = np.zeros(len(summary))
    previous = np.zeros(len(summary))
    for k in range(1, int(horizon) + 1):
        cumulative = expected_purchases(bgnbd, k * periods_per_step, f, rec, t_cap)
        total += margin * spend * (cumulative - previous) / (1 + discount_rate) ** k
        previous = cumulative
    return pd.Series(total, index=summary.index, name="clv")
