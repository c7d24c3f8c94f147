"""Revenue concentration over customers: Lorenz curve, Gini, top-x% shares, the 5%/90% claim."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.results import key


def _revenue_array(revenue: pd.Series | np.ndarray) -> np.ndarray:
    x = np.asarray(revenue, dtype="float64")
    if x.size == 0:
        raise ValueError("revenue concentration needs at least one customer")
    if not np.isfinite(x).all() or (x < 0).any():
        raise ValueError("revenue per customer must be finite and >= 0 (net returns or drop them first)")
    if not x.sum() > 0:
        raise ValueError("total revenue must be > 0")
    return x


def lorenz_curve(revenue: pd.Series | np.ndarray) -> pd.DataFrame:
    """Lorenz curve of revenue over customers (poorest first), starting at (0, 0).

    Parameters
    ----------
    revenue : array-like
        Revenue per customer (>= 0, one currency).

    Returns
    -------
    DataFrame
        ``customer_share`` and ``revenue_share`` (cumulative, 0..1), n + 1 rows.

    Raises
    ------
    ValueError
        Empty, negative, non-finite, or all-zero revenue.

    Notes
    -----
    With :math:`x_{(1)} \\le \\dots \\le x_{(n)}`: :math:`L(i/n) = \\sum_{j \\le i} x_{(j)} / \\sum_j x_j`.

    Examples
    --------
    >>> lorenz_curve([1.0, 3.0])["revenue_share"].tolist()
    [0.0, 0.25, 1.0]
    """
    x = np.sort(_revenue_array(revenue))
    cum = np.concatenate([[0.0], np.cumsum(x)])
    cum = cum / cum[-1]  # ends at exactly 1
    return pd.DataFrame({"customer_share": np.arange(x.size + 1) / x.size, "revenue_share": cum})


def top_share_curve(revenue: pd.Series | np.ndarray) -> pd.DataFrame:
    """Share of revenue made by the top share of customers (largest first): the Lorenz curve turned round.

    Parameters
    ----------
    revenue : array-like
        Revenue per customer (>= 0, one currency).

    Returns
    -------
    DataFrame
        ``customer_share`` (top share of customers, 1 → 0) and ``revenue_share`` (their share of
        revenue), n + 1 rows.

    Raises
    ------
    ValueError
        As :func:`lorenz_curve`.

    Notes
    -----
    :math:`S(1 - u) = 1 - L(u)` for the Lorenz curve :math:`L`.

    Examples
    --------
    >>> top_share_curve([1.0, 3.0])["revenue_share"].tolist()
    [1.0, 0.75, 0.0]
    """
    lorenz = lorenz_curve(revenue)
    return pd.DataFrame({"customer_share": 1 - lorenz["customer_share"],
                         "revenue_share": 1 - lorenz["revenue_share"]})


def gini(revenue: pd.Series | np.ndarray) -> float:
    """Gini coefficient of revenue over customers (0 = equal, towards 1 = concentrated).

    Parameters
    ----------
    revenue : array-like
        Revenue per customer (>= 0, one currency).

    Returns
    -------
    float in [0, 1 - 1/n].

    Raises
    ------
    ValueError
        Empty, negative, non-finite, or all-zero revenue.

    Notes
    -----
    With ascending :math:`x_{(i)}`: :math:`G = \\frac{\\sum_i (2i - n - 1)\\,x_{(i)}}{n \\sum_i x_i}`
    (twice the area between the diagonal and the Lorenz curve).

    Examples
    --------
    >>> gini([0.0, 0.0, 0.0, 4.0])
    0.75
    """
    x = np.sort(_revenue_array(revenue))
    n = x.size
    i = np.arange(1, n + 1)
    return float(np.sum((2 * i - n - 1) * x) / (n * x.sum()))


def top_share(revenue: pd.Series | np.ndarray, pct: float) -> float:
    """Share of revenue made by the top ``pct`` % of customers.

    Parameters
    ----------
    revenue : array-like
        Revenue per customer (>= 0, one currency).
    pct : float in (0, 100)
        The top group: the :math:`k = \\lceil n\\,pct/100 \\rceil` customers with the most revenue.

    Returns
    -------
    float in (0, 1].

    Raises
    ------
    ValueError
        Bad revenue or ``pct`` outside (0, 100).

    Notes
    -----
    :math:`S(pct) = \\sum_{i \\le k} x_{[i]} / \\sum x`, :math:`x_{[1]} \\ge x_{[2]} \\ge \\dots`.

    Examples
    --------
    >>> top_share([1.0, 1.0, 2.0, 6.0], 25)
    0.6
    """
    if isinstance(pct, bool) or not isinstance(pct, (int, float, np.number)) or not 0 < pct < 100:
        raise ValueError(f"pct = {pct!r} must be a percentage in (0, 100)")
    x = np.sort(_revenue_array(revenue))[::-1]
    k = int(np.ceil(x.size * pct / 100 - 1e-9))
    return float(x[:max(k, 1)].sum() / x.sum())


def share_customers_for(revenue: pd.Series | np.ndarray, revenue_share: float = 0.9) -> float:
    """Smallest share of customers (richest first) that makes ``revenue_share`` of revenue.

    Parameters
    ----------
    revenue : array-like
        Revenue per customer (>= 0, one currency).
    revenue_share : float in (0, 1]
        Target share of total revenue (0.9 for the "90% of revenue" claim).

    Returns
    -------
    float in (0, 1]: :math:`k^*/n`.

    Raises
    ------
    ValueError
        Bad revenue or ``revenue_share`` outside (0, 1].

    Notes
    -----
    :math:`k^* = \\min\\{k : \\sum_{i \\le k} x_{[i]} \\ge r \\sum x\\}` (richest first).

    Examples
    --------
    >>> share_customers_for([1.0, 1.0, 2.0, 6.0], 0.8)
    0.5
    """
    if not 0 < revenue_share <= 1:
        raise ValueError(f"revenue_share = {revenue_share!r} must be in (0, 1]")
    x = np.sort(_revenue_array(revenue))[::-1]
    cum = np.cumsum(x) / x.sum()
    k = int(np.searchsorted(cum, revenue_share - 1e-12, side="left")) + 1
    return float(min(k, x.size) / x.size)


def top_share_key(pct: float) -> str:
    """Result key for the revenue share of the top ``pct`` %: ``top_share.5``, ``top_share.2_5``.

    The percentage is written with ``:g`` and its decimal point becomes ``_``.

    Examples
    --------
    >>> top_share_key(5.0), top_share_key(2.5)
    ('top_share.5', 'top_share.2_5')
    """
    return key("top_share", f"{pct:g}")


def max_conversion_for_claim(buyer_share: float, visitor_share: float) -> float:
    """Largest buyer/visitor conversion at which ``buyer_share`` of buyers is < ``visitor_share`` of visitors.

    Parameters
    ----------
    buyer_share : float in (0, 1]
        Share of buyers that makes the revenue (e.g. :func:`share_customers_for` at 0.9).
    visitor_share : float in (0, 1)
        The claim's share of visitors (0.05 for "under 5% of visitors").

    Returns
    -------
    float in (0, 1]: the claim holds for visitors whenever buyers / visitors is below this.

    Raises
    ------
    ValueError
        Shares outside their ranges.

    Notes
    -----
    Those :math:`s_b` buyers are :math:`s_b\\,c` of visitors at conversion :math:`c`, so the claim
    needs :math:`c < s_v / s_b` (capped at 1: then it holds among buyers already).

    Examples
    --------
    >>> max_conversion_for_claim(0.5, 0.05)
    0.1
    """
    if not 0 < buyer_share <= 1 or not 0 < visitor_share < 1:
        raise ValueError(f"buyer_share = {buyer_share!r} must be in (0, 1] and visitor_share = "
                         f"{visitor_share!r} in (0, 1)")
    return float(min(1.0, visitor_share / buyer_share))


def concentration_summary(revenue: pd.Series | np.ndarray, *, top_pcts: list[float] = (5.0,),
                          claim_visitor_pct: float = 5.0, claim_revenue_share: float = 0.9) -> pd.DataFrame:
    """Headline concentration figures and the check of "under x% of visitors make 90% of revenue".

    Parameters
    ----------
    revenue : array-like
        Revenue per *buying* customer (>= 0, one currency).
    top_pcts : list of float in (0, 100)
        Top shares of customers to report.
    claim_visitor_pct : float in (0, 100)
        The claim's share of visitors, % (5 in Halla Systems, *E-commerce personalisation*).
    claim_revenue_share : float in (0, 1]
        The claim's share of revenue (0.9).

    Returns
    -------
    DataFrame
        Indexed by metric: ``customers``, ``gini``, one ``top_share.<x>`` per ``top_pcts``
        (key form of :func:`top_share_key`), ``share_customers_for_90pct_revenue``,
        ``claim_holds_among_buyers`` (1.0/0.0), ``max_conversion_for_claim``; column ``value``.

    Raises
    ------
    ValueError
        As :func:`gini`, :func:`top_share`, :func:`max_conversion_for_claim`.

    Notes
    -----
    The claim holds among buyers iff :math:`S(x) \\ge 0.9`, i.e. :math:`k^*/n \\le x/100`; among
    visitors it holds iff the conversion :math:`c < (x/100) / (k^*/n)`.

    Examples
    --------
    >>> s = concentration_summary([1.0, 1.0, 2.0, 6.0], top_pcts=[25.0], claim_visitor_pct=25.0)
    >>> float(s.loc["top_share.25", "value"]), round(float(s.loc["max_conversion_for_claim", "value"]), 4)
    (0.6, 0.3333)
    """
    x = _revenue_array(revenue)
    share_90 = share_customers_for(x, claim_revenue_share)
    rows = [("customers", float(x.size)), ("gini", gini(x))]
    rows += [(top_share_key(pct), top_share(x, pct)) for pct in top_pcts]
    rows += [("share_customers_for_90pct_revenue", share_90),
             ("claim_holds_among_buyers", float(share_90 <= claim_visitor_pct / 100)),
             ("max_conversion_for_claim", max_conversion_for_claim(share_90, claim_visitor_pct / 100))]
    return pd.DataFrame(rows, columns=["metric", "value"]).set_index("metric")
