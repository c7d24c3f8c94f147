"""Lifetime value on the panel and the CDNOW check of the BTYD models (:mod:`helpers.btyd.clv`).

The panel has monthly counts, not order dates, so the models count purchase *months*.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.btyd import clv

#: The published CDNOW estimates the notebook's fits must reproduce.
PUBLISHED_CDNOW = {
    "bgnbd": {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426},
    "gg": {"p": 6.25, "q": 3.74, "v": 15.44},
}


PUBLISHED_SOURCES = {
    "bgnbd": "Fader, Hardie & Lee (2005), Marketing Science 24(2), 275-284, section 4",
    "gg": "Fader & Hardie (2013), 'The Gamma-Gamma Model of Monetary Value', note 025",
}


def panel_purchases(panel: pd.DataFrame) -> pd.DataFrame:
    """Purchase-months of a panel as a transaction table for the BG/NBD summary.

    Returns
    -------
    DataFrame ``customer_id, date, amount`` (one row per customer-month with orders; ``date`` =
    month start; ``amount`` = that month's spend, KRW).

    Notes
    -----
    The panel has monthly counts, not order dates, so the lifetime-value models count
    purchase *months*: ``frequency`` = repeat months with orders, ``monetary_value`` = mean spend
    of such a month.

    Examples
    --------
    >>> p = pd.DataFrame({"customer_id": ["a", "a"], "month": pd.to_datetime(["2024-01-01", "2024-02-01"]),
    ...                   "orders": [0, 2], "spend": [0.0, 50.0]})
    >>> panel_purchases(p)["amount"].tolist()
    [50.0]
    """
    buy = panel["orders"] > 0
    return pd.DataFrame({"customer_id": panel.loc[buy, "customer_id"].to_numpy(),
                         "date": panel.loc[buy, "month"].to_numpy(dtype="datetime64[ns]"),
                         "amount": panel.loc[buy, "spend"].to_numpy(dtype=float)})


def status_at_end(panel: pd.DataFrame) -> pd.Series:
    """``member`` / ``non_member`` for each customer in the panel's last month.

    Examples
    --------
    >>> p = pd.DataFrame({"customer_id": ["a", "a", "b"], "month": pd.to_datetime(["2024-01-01",
    ...                   "2024-02-01", "2024-02-01"]), "member": [False, True, False]})
    >>> status_at_end(p).to_dict()
    {'a': 'member', 'b': 'non_member'}
    """
    last = panel.sort_values("month").groupby("customer_id")["member"].last()
    return pd.Series(np.where(last.to_numpy(), "member", "non_member"), index=last.index, name="status")


def clv_by_status(clv: pd.Series, status: pd.Series) -> pd.DataFrame:
    """Mean and median CLV of members and non-members (KRW of margin), and the ratio of means.

    Returns
    -------
    DataFrame indexed by status (``member``, ``non_member``): ``customers``, ``mean_clv``,
    ``median_clv``, ``vs_non_member`` (mean CLV / non-members' mean CLV).

    Raises
    ------
    ValueError
        If a group has no customers.

    Examples
    --------
    >>> clv_by_status(pd.Series([1.0, 3.0, 2.0], index=list("abc")),
    ...               pd.Series(["member", "member", "non_member"], index=list("abc")))["mean_clv"].tolist()
    [2.0, 2.0]
    """
    frame = pd.DataFrame({"clv": clv, "status": status.reindex(clv.index)})
    g = frame.groupby("status")["clv"]
    out = pd.DataFrame({"customers": g.size(), "mean_clv": g.mean(), "median_clv": g.median()})
    missing = [s for s in ("member", "non_member") if s not in out.index]
    if missing:
        raise ValueError(f"no {' or '.join(missing)} customers with purchases: CLV cannot be compared")
    out = out.loc[["member", "non_member"]]
    out["vs_non_member"] = out["mean_clv"] / out.loc["non_member", "mean_clv"]
    return out


def monthly_rate(annual_rate: float) -> float:
    """Monthly discount rate equivalent to an annual one.

    Notes
    -----
    :math:`d_m = (1 + d_a)^{1/12} - 1`

    Examples
    --------
    >>> round(monthly_rate(0.1), 6)
    0.007974
    """
    if not 0 <= annual_rate < 1:
        raise ValueError(f"annual_rate = {annual_rate!r} must be in [0, 1)")
    return float((1 + annual_rate) ** (1 / 12) - 1)


def compare_to_published(fitted: dict[str, float], model: str) -> pd.DataFrame:
    """Fitted CDNOW parameters beside the published ones (``model`` = ``bgnbd`` or ``gg``).

    Examples
    --------
    >>> float(compare_to_published({"p": 6.25, "q": 3.74, "v": 15.44}, "gg")["difference"].abs().max())
    0.0
    """
    if model not in PUBLISHED_CDNOW:
        raise ValueError(f"model = {model!r}; choose one of {list(PUBLISHED_CDNOW)}")
    pub = PUBLISHED_CDNOW[model]
    out = pd.DataFrame({"fitted": pd.Series(fitted, dtype=float), "published": pd.Series(pub, dtype=float)})
    out["difference"] = out["fitted"] - out["published"]
    out.index.name = "parameter"
    return out


def cdnow_check_table(bgnbd: clv.ModelFit, gamma_gamma: clv.ModelFit) -> pd.DataFrame:
    """Both CDNOW fits beside the published estimates (:data:`PUBLISHED_CDNOW`).

    Returns
    -------
    DataFrame indexed by ``model, parameter`` with ``fitted``, ``published``, ``difference``.

    Examples
    --------
    >>> fit = clv.ModelFit("BG/NBD", {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}, 0.0, 1, 1, True, "")
    >>> gg = clv.ModelFit("Gamma-Gamma", {"p": 6.25, "q": 3.74, "v": 15.44}, 0.0, 1, 1, True, "")
    >>> cdnow_check_table(fit, gg).shape
    (7, 3)
    """
    parts = {"BG/NBD": compare_to_published(bgnbd.params, "bgnbd"),
             "Gamma-Gamma": compare_to_published(gamma_gamma.params, "gg")}
    return pd.concat(parts, names=["model", "parameter"])


def clv_frame(lifetime: pd.Series, status: pd.Series) -> pd.DataFrame:
    """Long table (``clv``, ``status``) for plotting; customer ids dropped.

    Examples
    --------
    >>> clv_frame(pd.Series([1.0], index=["a"]), pd.Series(["member"], index=["a"])).columns.tolist()
    ['clv', 'status']
    """
    return pd.DataFrame({"clv": lifetime.to_numpy(),
                         "status": status.reindex(lifetime.index).to_numpy()})


@dataclass(frozen=True)
class CdnowCheck:
    """The BG/NBD and Gamma-Gamma fits to the CDNOW calibration period, beside the published ones."""

    summary: pd.DataFrame
    bgnbd: clv.ModelFit
    gamma_gamma: clv.ModelFit
    table: pd.DataFrame
    transactions: pd.DataFrame | None = None  # every purchase (for the holdout check)


def fit_cdnow(path: str, calibration_end: str) -> CdnowCheck:
    """Load CDNOW, summarise the calibration period in weeks and fit both models.

    Parameters
    ----------
    path : str
        CDNOW transactions (master or sample layout), relative to the project root or absolute.
    calibration_end : str
        ISO date ending the calibration period (lines after it are dropped).

    Returns
    -------
    CdnowCheck
        Weekly summary (days / 7, one DuckDB thread so the sums and hence the fitted digits are
        the same on every run), the two fits and :func:`cdnow_check_table`.
    """
    from helpers.btyd.cdnow import load_cdnow
    from helpers.btyd.summary import summary_from_transactions

    transactions = load_cdnow(path)
    summary = summary_from_transactions(transactions, observation_end=calibration_end, freq="D",
                                        freq_multiplier=7, after_end="drop", threads=1)
    bg = clv.fit_bgnbd(summary["frequency"], summary["recency"], summary["T"])
    gg = clv.fit_gamma_gamma(summary["frequency"], summary["monetary_value"])
    return CdnowCheck(summary, bg, gg, cdnow_check_table(bg, gg), transactions)


def gg_independence_corr(summary: pd.DataFrame) -> float:
    """Pearson correlation of frequency and mean spend among repeat buyers: Gamma-Gamma assumes
    it is about 0 (Fader & Hardie 2013 check it on CDNOW: 0.11).

    Examples
    --------
    >>> s = pd.DataFrame({"frequency": [0, 1, 2, 3], "monetary_value": [0.0, 10.0, 20.0, 30.0]})
    >>> gg_independence_corr(s)
    1.0
    """
    repeat = summary[summary["frequency"] > 0]
    return float(np.corrcoef(repeat["frequency"], repeat["monetary_value"])[0, 1])


def bgnbd_degenerate(fit: clv.ModelFit, threshold: float = 1e-3) -> bool:
    """True when the BG/NBD finds (almost) no dropout: mean dropout probability per purchase
    :math:`a / (a + b)` below ``threshold`` — the model has reduced to an NBD that never churns.

    Examples
    --------
    >>> f = clv.ModelFit("BG/NBD", {"r": 1.0, "alpha": 1.0, "a": 0.0002, "b": 2277.0}, 0.0, 1, 1, True, "")
    >>> bgnbd_degenerate(f)
    True
    """
    a, b = fit.params["a"], fit.params["b"]
    return bool(a / (a + b) < threshold)


@dataclass(frozen=True)
class PanelLifetime:
    """BG/NBD + Gamma-Gamma CLV of each panel customer with purchases, and members vs others."""

    summary: pd.DataFrame
    bgnbd: clv.ModelFit
    gamma_gamma: clv.ModelFit
    lifetime: pd.Series
    status: pd.Series
    by_status: pd.DataFrame


def panel_lifetime(panel: pd.DataFrame, *, horizon_months: int, gross_margin: float,
                   annual_discount_rate: float) -> PanelLifetime:
    """Fit both models on the panel's purchase months and value each customer.

    Parameters
    ----------
    panel : DataFrame
        Checked panel.
    horizon_months : int
        CLV horizon, months (>= 1).
    gross_margin : float
        Gross margin on spend, in (0, 1].
    annual_discount_rate : float
        Annual discount rate, in [0, 1) (converted with :func:`monthly_rate`).

    Returns
    -------
    PanelLifetime
        CLV in the panel's currency (discounted gross margin); customers without orders are
        left out.
    """
    from helpers.btyd.summary import summary_from_transactions

    summary = summary_from_transactions(panel_purchases(panel), freq="M", threads=1)
    bg = clv.fit_bgnbd(summary["frequency"], summary["recency"], summary["T"])
    gg = clv.fit_gamma_gamma(summary["frequency"], summary["monetary_value"])
    lifetime = clv.customer_lifetime_value(bg.params, gg.params, summary, horizon=horizon_months,
                                           margin=gross_margin,
                                           discount_rate=monthly_rate(annual_discount_rate))
    status = status_at_end(panel)
    return PanelLifetime(summary, bg, gg, lifetime, status, clv_by_status(lifetime, status))
