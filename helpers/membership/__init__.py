"""Membership value: what a paid member is worth, selection vs effect, tenure, lifetime value.

One job: from a monthly customer panel (who, which month, member or not, orders, spend in KRW)
compute the naive member/non-member order ratio, a selection-adjusted causal rate ratio, the
value of a member per month against the fee and the cost of benefits, the tenure curve, and the
inputs of the lifetime-value models in :mod:`helpers.clv`.

The synthetic panel (:func:`simulate_panel`) has a latent purchase propensity that drives both
ordering and joining (selection) and a known true causal rate ratio, so the notebook can show
which estimate recovers the truth.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import optimize, special, stats

from helpers import contracts
from helpers.btyd import clv
from helpers.contracts import (
    DataContractError,
    ParameterError,
)
from helpers.membership.schemas import MEMBERSHIP_PANEL
from helpers.privacy import pseudonymise

CURRENCY = "KRW"
PANEL_START = "2024-01-01"
#: The published CDNOW estimates the notebook's fits must reproduce.
PUBLISHED_CDNOW = {
    "bgnbd": {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426},
    "gg": {"p": 6.25, "q": 3.74, "v": 15.44},
}
PUBLISHED_SOURCES = {
    "bgnbd": "Fader, Hardie & Lee (2005), Marketing Science 24(2), 275-284, section 4",
    "gg": "Fader & Hardie (2013), 'The Gamma-Gamma Model of Monetary Value', note 025",
}

# ---------------------------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------------------------


def validate_parameters(*, panel_path: str | None, n_customers: int, n_months: int,
                        min_pre_months: int, mean_orders_per_month: float,
                        propensity_shape: float, member_share: float, selection_strength: float,
                        true_rate_ratio: float, true_basket_ratio: float, basket_krw: float,
                        tenure_basket_growth: float, fee_krw: float, gross_margin: float,
                        benefit_cost_per_order_krw: float, veteran_months: int, new_months: int,
                        horizon_months: int, annual_discount_rate: float, conf_level: float,
                        cdnow_path: str, calibration_end: str, seed: int) -> dict[str, Any]:
    """Check every notebook 04 parameter; return them (paths resolved, dates parsed).

    Parameters
    ----------
    panel_path : str or None
        A user's monthly panel CSV (contract ``membership_panel``); None = synthetic panel.
    n_customers, n_months, min_pre_months : int
        Synthetic panel size: customers (100-200,000), months (6-120), months before anyone
        may join (>= 1, < n_months).
    mean_orders_per_month, propensity_shape : float
        Mean and gamma shape of the latent order rate without membership (orders/month, > 0).
    member_share : float
        Share of customers who join during the panel, in (0, 1).
    selection_strength : float
        Log-odds of joining per unit of log propensity (>= 0; 0 = no selection).
    true_rate_ratio, true_basket_ratio : float
        Causal multipliers of membership on order rate and basket (> 0; 1 = no effect).
    basket_krw : float
        Mean non-member order value, KRW (> 0).
    tenure_basket_growth : float
        Monthly growth of a member's basket with tenure (0-0.5).
    fee_krw, benefit_cost_per_order_krw : float
        Monthly fee and cost of benefits per member order, KRW (>= 0).
    gross_margin : float
        Gross margin on spend, in (0, 1].
    veteran_months, new_months : int
        Tenure (months since joining) from which a member is a veteran; below which new.
    horizon_months : int
        CLV horizon in months (1-120).
    annual_discount_rate : float
        Annual discount rate for CLV, in [0, 1).
    conf_level : float
        Confidence level of intervals, in (0.5, 1).
    cdnow_path : str
        CDNOW transactions (sample or master layout).
    calibration_end : str
        ISO date ending the CDNOW calibration period.
    seed : int
        Seed of every random step (>= 0).

    Returns
    -------
    dict of the checked values.

    Raises
    ------
    ParameterError
        Naming the parameter, the value and what is allowed.

    Examples
    --------
    >>> p = validate_parameters(**DEFAULTS)
    >>> p["fee_krw"]
    7890.0
    """
    r = contracts.require_number
    out: dict[str, Any] = {}
    if panel_path is not None:
        out["panel_path"] = contracts.require_file("panel_path", panel_path)
    else:
        out["panel_path"] = None
    out["n_customers"] = r("n_customers", n_customers, low=100, high=200_000, integer=True)
    out["n_months"] = r("n_months", n_months, low=6, high=120, integer=True)
    out["min_pre_months"] = r("min_pre_months", min_pre_months, low=1, high=out["n_months"] - 1,
                              integer=True)
    out["mean_orders_per_month"] = float(r("mean_orders_per_month", mean_orders_per_month, low=0,
                                           high=100, low_inclusive=False))
    out["propensity_shape"] = float(r("propensity_shape", propensity_shape, low=0.05, high=100))
    out["member_share"] = float(r("member_share", member_share, low=0, high=1, low_inclusive=False,
                                  high_inclusive=False))
    out["selection_strength"] = float(r("selection_strength", selection_strength, low=0, high=10))
    out["true_rate_ratio"] = float(r("true_rate_ratio", true_rate_ratio, low=0.05, high=50))
    out["true_basket_ratio"] = float(r("true_basket_ratio", true_basket_ratio, low=0.05, high=50))
    out["basket_krw"] = float(r("basket_krw", basket_krw, low=0, high=1e8, low_inclusive=False))
    out["tenure_basket_growth"] = float(r("tenure_basket_growth", tenure_basket_growth, low=0, high=0.5))
    out["fee_krw"] = float(r("fee_krw", fee_krw, low=0, high=1e7))
    out["gross_margin"] = float(r("gross_margin", gross_margin, low=0, high=1, low_inclusive=False))
    out["benefit_cost_per_order_krw"] = float(r("benefit_cost_per_order_krw",
                                                benefit_cost_per_order_krw, low=0, high=1e7))
    out["veteran_months"] = r("veteran_months", veteran_months, low=1, high=119, integer=True)
    out["new_months"] = r("new_months", new_months, low=1, high=out["veteran_months"], integer=True)
    if out["panel_path"] is None and out["veteran_months"] > out["n_months"] - out["min_pre_months"] - 1:
        raise ParameterError(
            f"parameter 'veteran_months' = {veteran_months!r} is out of range: with n_months = "
            f"{out['n_months']} and min_pre_months = {out['min_pre_months']} no member can reach it; "
            f"it must be <= {out['n_months'] - out['min_pre_months'] - 1}")
    out["horizon_months"] = r("horizon_months", horizon_months, low=1, high=120, integer=True)
    out["annual_discount_rate"] = float(r("annual_discount_rate", annual_discount_rate, low=0, high=1,
                                          high_inclusive=False))
    out["conf_level"] = float(r("conf_level", conf_level, low=0.5, high=1, low_inclusive=False,
                                high_inclusive=False))
    out["cdnow_path"] = contracts.require_file("cdnow_path", cdnow_path)
    out["calibration_end"] = contracts.require_date("calibration_end", calibration_end)
    out["seed"] = r("seed", seed, low=0, high=2**32 - 1, integer=True)
    return out


#: The notebook's defaults (a copy of its parameters cell, used by examples and tests).
DEFAULTS: dict[str, Any] = {
    "panel_path": None, "n_customers": 4000, "n_months": 24, "min_pre_months": 6,
    "mean_orders_per_month": 0.8, "propensity_shape": 0.6, "member_share": 0.3,
    "selection_strength": 3.0, "true_rate_ratio": 2.0, "true_basket_ratio": 1.1,
    "basket_krw": 30000.0, "tenure_basket_growth": 0.04, "fee_krw": 7890.0, "gross_margin": 0.25,
    "benefit_cost_per_order_krw": 3000.0, "veteran_months": 12, "new_months": 3,
    "horizon_months": 24, "annual_discount_rate": 0.10, "conf_level": 0.95,
    "cdnow_path": "data/raw/CDNOW_sample.txt", "calibration_end": "1997-09-30", "seed": 7,
}

# ---------------------------------------------------------------------------------------------
# Synthetic panel
# ---------------------------------------------------------------------------------------------


def join_intercept(log_propensity: np.ndarray, selection_strength: float, member_share: float) -> float:
    """Intercept ``c`` so that the mean of ``expit(c + s * log_propensity)`` equals ``member_share``.

    Raises
    ------
    ValueError
        If ``member_share`` is not in (0, 1).

    Examples
    --------
    >>> round(join_intercept(np.zeros(3), 1.0, 0.5), 6)  # expit(c) = 0.5 -> c = 0
    0.0
    """
    if not 0 < member_share < 1:
        raise ValueError(f"member_share = {member_share!r} must be in (0, 1)")
    z = selection_strength * np.asarray(log_propensity, dtype=float)
    return float(optimize.brentq(lambda c: special.expit(c + z).mean() - member_share, -60, 60))


def simulate_panel(*, n_customers: int = 4000, n_months: int = 24, min_pre_months: int = 6,
                   mean_orders_per_month: float = 0.8, propensity_shape: float = 0.6,
                   member_share: float = 0.3, selection_strength: float = 3.0,
                   true_rate_ratio: float = 2.0, true_basket_ratio: float = 1.1,
                   basket_krw: float = 30000.0, tenure_basket_growth: float = 0.04,
                   tenure_growth_cap_months: int = 24, basket_shape: float = 4.0,
                   start: str = PANEL_START, seed: int = 7) -> pd.DataFrame:
    """Seeded synthetic monthly panel with selection into membership and a known causal effect.

    Parameters
    ----------
    n_customers, n_months : int
        Panel size.
    min_pre_months : int
        Members join uniformly in months ``min_pre_months .. n_months - 1`` (0-based), so every
        member has at least this many months before joining.
    mean_orders_per_month : float
        Mean latent order rate without membership, orders per customer-month.
    propensity_shape : float
        Gamma shape of the latent rate (smaller = more heterogeneous customers).
    member_share : float
        Expected share of customers who join.
    selection_strength : float
        ``s`` in P(join) = expit(c + s log(lambda / mean)); 0 = joining unrelated to propensity.
    true_rate_ratio : float
        Causal multiplier of membership on the order rate (the truth the estimators target).
    true_basket_ratio : float
        Causal multiplier of membership on order value.
    basket_krw : float
        Mean non-member order value, KRW; each customer's own mean is this times Gamma(8, 1/8).
    tenure_basket_growth : float
        Member basket grows by this factor per month of tenure, up to
        ``tenure_growth_cap_months``.
    basket_shape : float
        Gamma shape of single order values around the customer's mean.
    start : str
        First month of the panel (ISO date).
    seed : int
        Seed of numpy's default_rng.

    Returns
    -------
    DataFrame
        Contract ``membership_panel``: ``customer_id, month, member, orders, spend, join_month``
        (spend in KRW, whole won), one row per customer-month; ``attrs["true_rate_ratio"]`` holds
        the truth.

    Notes
    -----
    Customer :math:`i` has latent rate :math:`\\lambda_i \\sim \\text{Gamma}(k, \\mu / k)` and joins
    with probability :math:`\\operatorname{expit}(c + s \\log(\\lambda_i/\\mu))`. Orders in month
    :math:`t` are :math:`\\text{Poisson}(\\lambda_i \\, \\rho^{D_{it}})` with :math:`D_{it}` = member
    and :math:`\\rho` = ``true_rate_ratio``; spend given :math:`n` orders is
    :math:`\\text{Gamma}(n \\kappa, b_{it}/\\kappa)` with
    :math:`b_{it} = b_i \\beta^{D_{it}} (1+g)^{\\min(\\text{tenure}, cap) D_{it}}`.

    Examples
    --------
    >>> p = simulate_panel(n_customers=50, n_months=12, min_pre_months=3, seed=1)
    >>> p.shape, bool(p["member"].any())
    ((600, 6), True)
    """
    rng = np.random.default_rng(seed)
    lam = rng.gamma(propensity_shape, mean_orders_per_month / propensity_shape, n_customers)
    base_basket = basket_krw * rng.gamma(8.0, 1 / 8.0, n_customers)
    log_prop = np.log(np.maximum(lam, 1e-12) / mean_orders_per_month)
    c = join_intercept(log_prop, selection_strength, member_share)
    joins = rng.random(n_customers) < special.expit(c + selection_strength * log_prop)
    join_idx = np.where(joins, rng.integers(min_pre_months, n_months, n_customers), -1)
    t = np.arange(n_months)
    member = joins[:, None] & (t[None, :] >= join_idx[:, None])
    tenure = np.where(member, t[None, :] - join_idx[:, None], 0)
    rate = lam[:, None] * np.where(member, true_rate_ratio, 1.0)
    orders = rng.poisson(rate)
    basket = base_basket[:, None] * np.where(
        member, true_basket_ratio * (1 + tenure_basket_growth) ** np.minimum(tenure, tenure_growth_cap_months),
        1.0)
    spend = np.where(orders > 0, rng.gamma(np.maximum(orders, 1) * basket_shape, basket / basket_shape), 0.0)
    months = pd.date_range(start, periods=n_months, freq="MS")
    width = len(str(n_customers))
    ids = np.array([f"M{i:0{width}d}" for i in range(1, n_customers + 1)], dtype=object)
    join_month = np.where(joins, months.to_numpy()[np.maximum(join_idx, 0)], np.datetime64("NaT"))
    panel = pd.DataFrame({
        "customer_id": np.repeat(ids, n_months),
        "month": np.tile(months.to_numpy(), n_customers),
        "member": member.ravel(),
        "orders": orders.ravel().astype("int64"),
        "spend": np.round(spend.ravel(), 0),
        "join_month": np.repeat(join_month, n_months).astype("datetime64[ns]"),
    })
    panel.attrs["true_rate_ratio"] = float(true_rate_ratio)
    panel.attrs["currency"] = CURRENCY
    return panel


def write_synthetic(out_dir: Path) -> list[Path]:
    """Write the small example panel ``membership_panel_example.csv`` (300 customers, seed 4).

    It is an example of the ``membership_panel`` contract for users who bring their own data;
    the notebook itself generates its panel from its parameters.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     [p.name for p in write_synthetic(Path(d))]
    ['membership_panel_example.csv']
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    panel = simulate_panel(n_customers=300, n_months=24, seed=4)
    frame = panel.assign(month=panel["month"].dt.strftime("%Y-%m-%d"),
                         join_month=panel["join_month"].dt.strftime("%Y-%m-%d").fillna(""),
                         member=panel["member"].map({True: "true", False: "false"}))
    path = out_dir / "membership_panel_example.csv"
    frame.to_csv(path, index=False, lineterminator="\n", float_format="%.0f")
    return [path]


# ---------------------------------------------------------------------------------------------
# Loading and checking a panel
# ---------------------------------------------------------------------------------------------


def _who(customer_id: object) -> str:
    return str(pseudonymise(str(customer_id)))


def check_panel(panel: pd.DataFrame, *, source: str = "<panel>") -> pd.DataFrame:
    """Validate a monthly membership panel and return it typed, months at month start, sorted.

    Parameters
    ----------
    panel : DataFrame
        Contract ``membership_panel`` (see :data:`helpers.MEMBERSHIP_PANEL`).
    source : str
        Named in every error (e.g. the file path).

    Returns
    -------
    DataFrame sorted by customer and month; ``month`` and ``join_month`` at the month start.

    Raises
    ------
    DataContractError
        Contract breaks (missing columns, negative spend or orders, bad dates); a customer both
        member and non-member in the same month (or listed twice in a month); a customer with
        more than one join month; a ``member`` flag that disagrees with ``join_month``; a join
        month after the last month in the data (no order can be observed after joining); spend
        without orders. Customers are named by pseudonym, rows by CSV line where known.

    Notes
    -----
    Membership is taken as continuous from ``join_month`` on: ``member`` must equal
    ``month >= join_month``. Cancellations are out of scope.

    Examples
    --------
    >>> p = check_panel(simulate_panel(n_customers=20, n_months=8, min_pre_months=2, seed=3))
    >>> int(p.groupby("customer_id").size().max())
    8
    """
    out = contracts.validate(panel, MEMBERSHIP_PANEL, source=source)
    where = f"{source} (membership_panel)"
    out["month"] = out["month"].dt.to_period("M").dt.to_timestamp()
    out["join_month"] = out["join_month"].dt.to_period("M").dt.to_timestamp()
    key = ["customer_id", "month"]
    dup = out.duplicated(key, keep=False)
    if dup.any():
        per = out.loc[dup].groupby(key)["member"].nunique()
        mixed = per[per > 1]
        first = (mixed if len(mixed) else per).index[0]
        rows = np.flatnonzero((dup & (out["customer_id"] == first[0]) & (out["month"] == first[1])).to_numpy())
        if len(mixed):
            raise DataContractError(
                f"{where}: {len(mixed)} customer-month(s) are both member and non-member, e.g. "
                f"customer {_who(first[0])} in {first[1]:%Y-%m} (rows {rows.tolist()}); a customer "
                "is either a member or not in a month: fix the source")
        raise DataContractError(
            f"{where}: {int(per.size)} customer-month(s) appear more than once, e.g. customer "
            f"{_who(first[0])} in {first[1]:%Y-%m} (rows {rows.tolist()}); give one row per "
            "customer and month (sum orders and spend)")
    joins = out.groupby("customer_id")["join_month"].nunique()
    if (joins > 1).any():
        who = joins[joins > 1].index[0]
        raise DataContractError(f"{where}: {int((joins > 1).sum())} customer(s) have more than one "
                                f"join_month, e.g. {_who(who)}; give one join month per customer")
    # join_month may be given on every row of a member or on one: spread it over the customer
    out["join_month"] = out.groupby("customer_id")["join_month"].transform("first")
    last_month = out["month"].max()
    late = out["join_month"] > last_month
    if late.any():
        i = int(np.flatnonzero(late.to_numpy())[0])
        raise DataContractError(
            f"{where}: {int(out.loc[late, 'customer_id'].nunique())} customer(s) joined after the last "
            f"month with order data ({last_month:%Y-%m}), e.g. {_who(out['customer_id'].iloc[i])} "
            f"with join_month {out['join_month'].iloc[i]:%Y-%m} (row {i}); their membership cannot "
            "be assessed — drop them or extend the order data")
    expected = out["join_month"].notna() & (out["month"] >= out["join_month"])
    wrong = out["member"].to_numpy() != expected.to_numpy()
    if wrong.any():
        i = int(np.flatnonzero(wrong)[0])
        raise DataContractError(
            f"{where}: column 'member' disagrees with 'join_month' in {int(wrong.sum())} row(s), e.g. "
            f"row {i}: customer {_who(out['customer_id'].iloc[i])}, month {out['month'].iloc[i]:%Y-%m}, "
            f"member={bool(out['member'].iloc[i])}, join_month={out['join_month'].iloc[i]}; member "
            "must be true exactly from the join month on")
    ghost = (out["orders"] == 0) & (out["spend"] > 0)
    if ghost.any():
        i = int(np.flatnonzero(ghost.to_numpy())[0])
        raise DataContractError(f"{where}: {int(ghost.sum())} row(s) have spend but no orders, e.g. "
                                f"row {i} (spend {out['spend'].iloc[i]!r}); spend needs orders")
    return out.sort_values(key, kind="stable").reset_index(drop=True)


def load_panel(path: str | Path, *, param: str = "panel_path") -> pd.DataFrame:
    """Read a panel CSV (contract ``membership_panel``) and check it with :func:`check_panel`.

    Raises
    ------
    ParameterError
        If the file does not exist.
    DataContractError
        If the file breaks the contract (line numbers are CSV lines, header = 1).
    """
    raw = contracts.load_csv(path, MEMBERSHIP_PANEL, param=param)
    return check_panel(raw, source=str(path))


@dataclass(frozen=True)
class PanelData:
    """The panel a notebook run analyses, and where it came from."""

    panel: pd.DataFrame
    synthetic: bool
    true_rate_ratio: float | None
    source: str


def load_or_simulate(params: dict[str, Any]) -> PanelData:
    """The user's panel (``params["panel_path"]``) or, if None, the synthetic one from the settings.

    Parameters
    ----------
    params : dict
        Output of :func:`validate_parameters`.

    Returns
    -------
    PanelData
        Checked panel; ``true_rate_ratio`` only for synthetic data (else None).

    Raises
    ------
    DataContractError
        If the user's panel breaks the contract (see :func:`check_panel`).

    Examples
    --------
    >>> d = load_or_simulate({**DEFAULTS, "n_customers": 200, "n_months": 12, "min_pre_months": 3})
    >>> d.synthetic, d.true_rate_ratio
    (True, 2.0)
    """
    if params.get("panel_path") is not None:
        path = params["panel_path"]
        return PanelData(load_panel(path), synthetic=False, true_rate_ratio=None, source=str(path))
    keys = ("n_customers", "n_months", "min_pre_months", "mean_orders_per_month", "propensity_shape",
            "member_share", "selection_strength", "true_rate_ratio", "true_basket_ratio",
            "basket_krw", "tenure_basket_growth", "seed")
    raw = simulate_panel(**{k: params[k] for k in keys})
    return PanelData(check_panel(raw, source="simulate_panel"), synthetic=True,
                     true_rate_ratio=float(params["true_rate_ratio"]),
                     source="helpers.membership.simulate_panel (synthetic)")


def panel_overview(panel: pd.DataFrame) -> pd.DataFrame:
    """Customers, months, members and orders of a panel, as a one-column table.

    Examples
    --------
    >>> p = check_panel(simulate_panel(n_customers=100, n_months=12, min_pre_months=3, seed=1))
    >>> int(panel_overview(p).loc["customers", "value"])
    100
    """
    members = panel.groupby("customer_id")["member"].any()
    rows = {
        "customers": panel["customer_id"].nunique(),
        "months": panel["month"].nunique(),
        "first month": f"{panel['month'].min():%Y-%m}",
        "last month": f"{panel['month'].max():%Y-%m}",
        "customers who joined": int(members.sum()),
        "share who joined": round(float(members.mean()), 4),
        "orders": int(panel["orders"].sum()),
        f"spend ({CURRENCY})": float(panel["spend"].sum()),
    }
    return pd.DataFrame({"value": pd.Series(rows, dtype=object)}).rename_axis("item")


# ---------------------------------------------------------------------------------------------
# Selection vs effect
# ---------------------------------------------------------------------------------------------


def member_comparison(panel: pd.DataFrame) -> pd.DataFrame:
    """Orders and spend per customer-month, member months vs non-member months.

    Returns
    -------
    DataFrame indexed by ``status`` (``member``, ``non_member``) with ``customer_months``,
    ``customers``, ``orders_per_month``, ``spend_per_month`` (KRW) and ``order_value`` (KRW per
    order).

    Raises
    ------
    ValueError
        If the panel has no member months or no non-member months.

    Notes
    -----
    :math:`\\bar y_g = \\sum_{(i,t) \\in g} y_{it} / |g|` over customer-months :math:`g`.

    Examples
    --------
    >>> p = pd.DataFrame({"customer_id": ["a", "a", "b", "b"], "member": [False, True, False, False],
    ...                   "orders": [1, 4, 1, 2], "spend": [10.0, 40.0, 10.0, 20.0]})
    >>> member_comparison(p)["orders_per_month"].tolist()  # 4/1 and (1+1+2)/3
    [4.0, 1.3333333333333333]
    """
    status = np.where(panel["member"].to_numpy(dtype=bool), "member", "non_member")
    g = panel.assign(status=status).groupby("status")
    table = pd.DataFrame({
        "customer_months": g.size(),
        "customers": g["customer_id"].nunique(),
        "orders_per_month": g["orders"].mean(),
        "spend_per_month": g["spend"].mean(),
    })
    missing = [s for s in ("member", "non_member") if s not in table.index]
    if missing:
        raise ValueError(f"the panel has no {' or '.join(missing)} months: nothing to compare")
    table = table.loc[["member", "non_member"]]
    table["order_value"] = table["spend_per_month"] / table["orders_per_month"]
    table.index.name = "status"
    return table


def naive_order_ratio(panel: pd.DataFrame) -> float:
    """Orders per member-month divided by orders per non-member-month (the headline "9x").

    Raises
    ------
    ValueError
        If there are no member or non-member months, or non-members have no orders.

    Notes
    -----
    :math:`\\bar y_{\\text{member}} / \\bar y_{\\text{non-member}}` (see :func:`member_comparison`);
    it mixes the causal effect with selection (heavy buyers join).

    Examples
    --------
    >>> p = pd.DataFrame({"customer_id": ["a", "a", "b", "b"], "member": [False, True, False, False],
    ...                   "orders": [1, 4, 1, 2], "spend": [10.0, 40.0, 10.0, 20.0]})
    >>> naive_order_ratio(p)  # 4 / (4/3)
    3.0
    """
    t = member_comparison(panel)["orders_per_month"]
    if t["non_member"] <= 0:
        raise ValueError("non-members have no orders: the naive ratio is undefined")
    return float(t["member"] / t["non_member"])


@dataclass(frozen=True)
class RateRatio:
    """A rate ratio with its confidence interval and what went into it."""

    estimate: float
    low: float
    high: float
    conf_level: float
    n_customers: int
    n_members: int
    method: str
    excluded: dict[str, int] = field(default_factory=dict)

    def covers(self, value: float) -> bool:
        """True if ``value`` lies inside the interval."""
        return self.low <= value <= self.high


def before_after_counts(panel: pd.DataFrame, *, pseudo_split: int | None = None) -> tuple[pd.DataFrame, dict[str, int]]:
    """Per customer: orders and months before and after the join month (members) or a pseudo split.

    Parameters
    ----------
    panel : DataFrame
        Checked panel (:func:`check_panel`).
    pseudo_split : int, optional
        Month index (0-based) splitting non-members' months; default: the median join index of
        the members, so both groups are compared over similar calendar windows.

    Returns
    -------
    (DataFrame indexed by customer_id with ``member, orders_pre, orders_post, months_pre,
    months_post``; dict of excluded customer counts per rule).

    Raises
    ------
    ValueError
        If no member has months both before and after joining.

    Examples
    --------
    >>> p = check_panel(simulate_panel(n_customers=30, n_months=8, min_pre_months=2, seed=2))
    >>> t, excluded = before_after_counts(p)
    >>> bool((t["months_pre"] + t["months_post"] == 8).all())
    True
    """
    months = np.sort(panel["month"].unique())
    idx = pd.Series(np.arange(len(months)), index=months)
    t = idx.reindex(panel["month"].to_numpy()).to_numpy()
    joined = panel["join_month"].notna().to_numpy()
    j = np.where(joined, idx.reindex(panel["join_month"].fillna(months[0]).to_numpy()).to_numpy(), -1)
    ever = pd.Series(joined, index=panel.index).groupby(panel["customer_id"]).any()
    if pseudo_split is None:
        member_joins = pd.Series(j[joined], index=panel.loc[joined, "customer_id"]).groupby(level=0).first()
        if member_joins.empty:
            raise ValueError("the panel has no members: the membership effect cannot be estimated")
        pseudo_split = int(np.median(member_joins.to_numpy()))
    split = np.where(joined, j, pseudo_split)
    post = t >= split
    frame = pd.DataFrame({"customer_id": panel["customer_id"].to_numpy(),
                          "orders_pre": np.where(post, 0, panel["orders"].to_numpy()),
                          "orders_post": np.where(post, panel["orders"].to_numpy(), 0),
                          "months_pre": (~post).astype(int), "months_post": post.astype(int)})
    table = frame.groupby("customer_id").sum()
    table.insert(0, "member", ever.reindex(table.index).to_numpy())
    no_pre = table["member"] & (table["months_pre"] == 0)
    no_post = table["months_post"] == 0
    no_orders = (table["orders_pre"] + table["orders_post"] == 0) & ~no_pre & ~no_post
    excluded = {
        "member joined in the first month (no pre-join months)": int(no_pre.sum()),
        "no months after the split": int((no_post & ~no_pre).sum()),
        "no orders at all (no information on the ratio)": int(no_orders.sum()),
    }
    keep = ~(no_pre | no_post | no_orders)
    table = table.loc[keep]
    if not table["member"].any():
        raise ValueError("no member has orders in months both before and after joining: the "
                         "membership effect cannot be estimated")
    return table, excluded


def adjusted_rate_ratio(panel: pd.DataFrame, *, conf_level: float = 0.95) -> RateRatio:
    """Causal rate ratio of membership on orders, adjusted for selection with customer effects.

    A difference-in-differences around the join date with a customer fixed effect: the Poisson
    model with customer effects is estimated by its conditional likelihood, a binomial GLM
    (statsmodels) of after-join orders out of each customer's total orders.

    Parameters
    ----------
    panel : DataFrame
        Checked panel (:func:`check_panel`). Non-members are split at the members' median
        join month and identify the common before/after change.
    conf_level : float
        Confidence level of the interval, in (0.5, 1).

    Returns
    -------
    RateRatio
        Estimate and Wald interval of :math:`\\exp(\\beta)`, heteroskedasticity-robust (HC0)
        standard errors; ``excluded`` counts customers dropped per rule.

    Raises
    ------
    ValueError
        If ``conf_level`` is out of range or no member has orders before and after joining.

    Notes
    -----
    With :math:`y_{it} \\sim \\text{Poisson}(\\lambda_i \\, e^{\\gamma P_{it} + \\beta D_{it}})`,
    conditioning on each customer's total :math:`n_i` removes :math:`\\lambda_i` (selection on a
    stable propensity):

    .. math::
        y_i^{post} \\mid n_i \\sim \\text{Binomial}(n_i, \\pi_i), \\quad
        \\operatorname{logit} \\pi_i = \\log\\frac{m_i^{post}}{m_i^{pre}} + \\gamma + \\beta D_i

    with :math:`m` the months in each window; the rate ratio is :math:`e^{\\beta}`.

    Examples
    --------
    >>> p = check_panel(simulate_panel(n_customers=2000, n_months=12, min_pre_months=3, seed=5))
    >>> bool(adjusted_rate_ratio(p).covers(2.0))
    True
    """
    if not 0.5 < conf_level < 1:
        raise ValueError(f"conf_level = {conf_level!r} must be in (0.5, 1)")
    table, excluded = before_after_counts(panel)
    endog = table[["orders_post", "orders_pre"]].to_numpy(dtype=float)
    exog = sm.add_constant(table["member"].astype(float).to_numpy(), has_constant="add")
    offset = np.log(table["months_post"].to_numpy() / table["months_pre"].to_numpy())
    res = sm.GLM(endog, exog, family=sm.families.Binomial(), offset=offset).fit(cov_type="HC0")
    beta, se = float(res.params[1]), float(res.bse[1])
    zcrit = float(stats.norm.ppf(0.5 + conf_level / 2))
    return RateRatio(estimate=float(np.exp(beta)), low=float(np.exp(beta - zcrit * se)),
                     high=float(np.exp(beta + zcrit * se)), conf_level=conf_level,
                     n_customers=len(table), n_members=int(table["member"].sum()),
                     method="conditional Poisson (customer effects), binomial GLM, HC0",
                     excluded=excluded)


def effect_table(naive: float, adjusted: RateRatio, true_ratio: float | None = None) -> pd.DataFrame:
    """The naive and adjusted ratios (and the truth, for synthetic data) side by side.

    Examples
    --------
    >>> r = RateRatio(2.0, 1.5, 2.5, 0.95, 10, 5, "x")
    >>> effect_table(9.0, r, 2.0)["estimate"].tolist()
    [9.0, 2.0, 2.0]
    """
    rows = [("naive: member vs non-member months", naive, np.nan, np.nan),
            ("adjusted: within-customer, before vs after joining", adjusted.estimate, adjusted.low,
             adjusted.high)]
    if true_ratio is not None:
        rows.append(("true causal ratio (synthetic generator)", true_ratio, np.nan, np.nan))
    return pd.DataFrame(rows, columns=["estimate_kind", "estimate", "low", "high"]).set_index("estimate_kind")


def selection_share(naive: float, adjusted: float) -> float | None:
    """Share of the naive log rate ratio that is selection rather than effect.

    Returns None when the naive ratio is <= 1 (there is no gap to split).

    Notes
    -----
    :math:`1 - \\log \\hat\\rho_{adj} / \\log \\hat\\rho_{naive}` (on the log scale, where the two
    multiply: naive = effect x selection).

    Examples
    --------
    >>> round(selection_share(8.0, 2.0), 4)  # 1 - log 2 / log 8 = 1 - 1/3
    0.6667
    """
    if not (np.isfinite(naive) and np.isfinite(adjusted)) or naive <= 0 or adjusted <= 0:
        raise ValueError(f"ratios must be finite and > 0, got naive={naive!r}, adjusted={adjusted!r}")
    if naive <= 1:
        return None
    return float(1 - np.log(adjusted) / np.log(naive))


# ---------------------------------------------------------------------------------------------
# Value per member
# ---------------------------------------------------------------------------------------------


SENS_FEE_FACTORS = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0)
SENS_MARGINS = (0.10, 0.15, 0.20, 0.25, 0.30, 0.40)




@dataclass(frozen=True)
class MemberValue:
    """Monthly value of one member to the platform, in KRW, and its components."""

    orders_per_month: float
    order_value: float
    incremental_orders: float
    incremental_margin: float
    benefit_cost: float
    fee: float
    value: float
    breakeven_fee: float
    currency: str = CURRENCY

    def table(self) -> pd.DataFrame:
        """Components as a table (``component``, ``value``, ``unit``)."""
        rows = [("orders per member-month", self.orders_per_month, "orders"),
                ("order value", self.order_value, self.currency),
                ("incremental orders (caused by membership)", self.incremental_orders, "orders"),
                ("margin on incremental orders", self.incremental_margin, self.currency),
                ("cost of benefits", -self.benefit_cost, self.currency),
                ("fee", self.fee, self.currency),
                ("value per member-month", self.value, self.currency),
                ("break-even fee", self.breakeven_fee, self.currency)]
        return pd.DataFrame(rows, columns=["component", "value", "unit"]).set_index("component")


def value_per_member_month(orders_per_month: float, order_value: float, rate_ratio: float, *,
                           fee: float, gross_margin: float, benefit_cost_per_order: float,
                           currency: str = CURRENCY) -> MemberValue:
    """Value of one member per month: margin on incremental orders minus benefit cost plus fee.

    Parameters
    ----------
    orders_per_month : float
        Orders per member-month (>= 0).
    order_value : float
        Mean member order value (>= 0), in ``currency``.
    rate_ratio : float
        Causal rate ratio of membership on orders (> 0), e.g. :func:`adjusted_rate_ratio`.
    fee : float
        Monthly fee (>= 0), in ``currency``.
    gross_margin : float
        Gross margin on spend, in (0, 1].
    benefit_cost_per_order : float
        Cost of member benefits (free shipping, returns) per member order (>= 0), in ``currency``.
    currency : str
        Currency of all money amounts (default KRW).

    Returns
    -------
    MemberValue

    Raises
    ------
    ValueError
        If an argument is out of range.

    Notes
    -----
    With :math:`o` orders per member-month, rate ratio :math:`\\rho`, order value :math:`v`,
    margin :math:`m`, benefit cost :math:`c` per order and fee :math:`F`:

    .. math::
        \\Delta o = o\\,(1 - 1/\\rho), \\qquad
        V = \\Delta o \\, v \\, m - o\\, c + F, \\qquad F^{*} = o\\,c - \\Delta o\\, v\\, m

    Benefits cost on every member order; only the incremental orders earn new margin. A
    negative break-even fee means membership pays even when free.

    Examples
    --------
    >>> v = value_per_member_month(4.0, 30000.0, 2.0, fee=7890.0, gross_margin=0.25,
    ...                            benefit_cost_per_order=3000.0)
    >>> v.incremental_orders, v.value  # 4*(1-1/2)=2; 2*30000*0.25 - 4*3000 + 7890
    (2.0, 10890.0)
    """
    for name, val, low in (("orders_per_month", orders_per_month, 0), ("order_value", order_value, 0),
                           ("fee", fee, 0), ("benefit_cost_per_order", benefit_cost_per_order, 0)):
        if not np.isfinite(val) or val < low:
            raise ValueError(f"{name} = {val!r} must be a finite number >= {low}")
    if not np.isfinite(rate_ratio) or rate_ratio <= 0:
        raise ValueError(f"rate_ratio = {rate_ratio!r} must be > 0")
    if not 0 < gross_margin <= 1:
        raise ValueError(f"gross_margin = {gross_margin!r} must be in (0, 1]")
    inc = orders_per_month * (1 - 1 / rate_ratio)
    inc_margin = inc * order_value * gross_margin
    cost = orders_per_month * benefit_cost_per_order
    return MemberValue(orders_per_month=float(orders_per_month), order_value=float(order_value),
                       incremental_orders=float(inc), incremental_margin=float(inc_margin),
                       benefit_cost=float(cost), fee=float(fee),
                       value=float(inc_margin - cost + fee), breakeven_fee=float(cost - inc_margin),
                       currency=currency)


def sensitivity_axes(fee: float, gross_margin: float) -> tuple[list[float], list[float]]:
    """Fees (multiples of ``fee``, KRW) and gross margins for the sensitivity grid, with the
    chosen values included.

    Examples
    --------
    >>> sensitivity_axes(1000.0, 0.22)
    ([0.0, 500.0, 1000.0, 1500.0, 2000.0, 3000.0], [0.1, 0.15, 0.2, 0.22, 0.25, 0.3, 0.4])
    """
    fees = sorted({round(fee * k, 2) for k in SENS_FEE_FACTORS})
    margins = sorted(set(SENS_MARGINS) | {float(gross_margin)})
    return fees, margins


def value_grid(value: MemberValue, fees: Sequence[float], margins: Sequence[float], *,
               rate_ratio: float, benefit_cost_per_order: float) -> pd.DataFrame:
    """Value per member-month over a grid of fees and gross margins (for the sensitivity plot).

    Returns
    -------
    DataFrame indexed by ``gross_margin`` with one column per fee (KRW per member-month).

    Raises
    ------
    ValueError
        If a grid is empty or holds an out-of-range value.

    Examples
    --------
    >>> v = value_per_member_month(4.0, 30000.0, 2.0, fee=0.0, gross_margin=0.25,
    ...                            benefit_cost_per_order=3000.0)
    >>> value_grid(v, [0.0, 1000.0], [0.25], rate_ratio=2.0, benefit_cost_per_order=3000.0).iloc[0].tolist()
    [3000.0, 4000.0]
    """
    if len(fees) == 0 or len(margins) == 0:
        raise ValueError("fees and margins must each hold at least one value")
    grid = {m: [value_per_member_month(value.orders_per_month, value.order_value, rate_ratio, fee=f,
                                       gross_margin=m, benefit_cost_per_order=benefit_cost_per_order,
                                       currency=value.currency).value for f in fees]
            for m in margins}
    out = pd.DataFrame(grid, index=list(fees)).T
    out.index.name = "gross_margin"
    out.columns.name = f"fee ({value.currency}/month)"
    return out


# ---------------------------------------------------------------------------------------------
# Tenure
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Lifetime value inputs
# ---------------------------------------------------------------------------------------------


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


def excluded_table(rate_ratio: RateRatio) -> pd.DataFrame:
    """Customers left out of the adjusted estimate, per rule (a data-quality table).

    Examples
    --------
    >>> excluded_table(RateRatio(2.0, 1.5, 2.5, 0.95, 10, 5, "x", {"no orders": 3}))["customers"].tolist()
    [3]
    """
    return pd.DataFrame({"customers": pd.Series(rate_ratio.excluded, dtype="int64")}).rename_axis("rule")


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


def fit_report(fits: dict[str, clv.ModelFit], *, customers: int, currency: str) -> str:
    """Markdown lines saying, per fit, whether it converged (else the optimiser's message).

    Examples
    --------
    >>> f = clv.ModelFit("Gamma-Gamma", {"p": 1.0, "q": 2.0, "v": 3.0}, -1.0, 10, 4, False, "limit")
    >>> "NOT CONVERGED" in fit_report({"GG": f}, customers=10, currency="USD")
    True
    """
    lines = []
    for name, fit in fits.items():
        params = ", ".join(f"{k} = {v:.4g}" for k, v in fit.params.items())
        head = f"- **{name}** ({customers:,} customers, {fit.n_repeat_buyers:,} repeat buyers; money in {currency}): {params}; "
        if not fit.converged:
            lines.append(head + f"**NOT CONVERGED — do not use these estimates**: {fit.message}")
        elif fit.at_bound:
            lines.append(head + f"converged, but **{', '.join(fit.at_bound)} at the search bound** "
                         "(not identified by these data).")
        else:
            lines.append(head + f"converged (log-likelihood {fit.log_likelihood:,.1f}).")
    return "\n".join(lines)


def clv_frame(lifetime: pd.Series, status: pd.Series) -> pd.DataFrame:
    """Long table (``clv``, ``status``) for plotting; customer ids dropped.

    Examples
    --------
    >>> clv_frame(pd.Series([1.0], index=["a"]), pd.Series(["member"], index=["a"])).columns.tolist()
    ['clv', 'status']
    """
    return pd.DataFrame({"clv": lifetime.to_numpy(),
                         "status": status.reindex(lifetime.index).to_numpy()})
