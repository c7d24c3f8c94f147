"""Loading and checking a monthly membership panel (contract ``membership_panel``).

Loaders validate on the way in: errors name the file, the column, the rows and the (pseudonymised)
customer. :func:`load_or_simulate` is the notebook's one data step: the user's file, or the seeded
synthetic panel built from the parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from helpers import contracts
from helpers.contracts import DataContractError
from helpers.membership.schemas import MEMBERSHIP_PANEL
from helpers.privacy import pseudonymise

if TYPE_CHECKING:
    from helpers.membership.params import Params

#: Simulator settings that come from the notebook's parameters (the rest keep their defaults).
SIMULATION_PARAMS = ("n_customers", "n_months", "min_pre_months", "mean_orders_per_month",
                     "propensity_shape", "member_share", "selection_strength", "true_rate_ratio",
                     "true_basket_ratio", "basket_krw", "tenure_basket_growth", "pre_join_spike",
                     "join_month_boost", "joiner_trend", "tenure_effect_growth", "cancel_rate",
                     "cohort_effect_slope", "calendar_trend", "seasonality", "seed")


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
    One membership spell per customer: ``member`` must equal ``join_month <= month <
    leave_month`` (``leave_month`` optional; absent or empty = still a member).

    Examples
    --------
    >>> from helpers.membership.simulate import simulate_panel
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
    # join_month (and leave_month) may be given on every row of a member or on one: spread them
    out["join_month"] = out.groupby("customer_id")["join_month"].transform("first")
    spells = "leave_month" in out.columns
    if spells:
        out["leave_month"] = out["leave_month"].dt.to_period("M").dt.to_timestamp()
        leaves = out.groupby("customer_id")["leave_month"].nunique()
        if (leaves > 1).any():
            who = leaves[leaves > 1].index[0]
            raise DataContractError(f"{where}: {int((leaves > 1).sum())} customer(s) have more than "
                                    f"one leave_month, e.g. {_who(who)}; give one spell per customer")
        out["leave_month"] = out.groupby("customer_id")["leave_month"].transform("first")
        bad = out["leave_month"].notna() & ~(out["leave_month"] > out["join_month"])
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataContractError(
                f"{where}: {int(out.loc[bad, 'customer_id'].nunique())} customer(s) have a "
                f"leave_month without a join_month before it, e.g. {_who(out['customer_id'].iloc[i])} "
                f"(row {i}); leave_month must come after join_month")
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
    if spells:
        expected &= ~(out["leave_month"].notna() & (out["month"] >= out["leave_month"]))
    wrong = out["member"].to_numpy() != expected.to_numpy()
    if wrong.any():
        i = int(np.flatnonzero(wrong)[0])
        raise DataContractError(
            f"{where}: column 'member' disagrees with 'join_month' in {int(wrong.sum())} row(s), e.g. "
            f"row {i}: customer {_who(out['customer_id'].iloc[i])}, month {out['month'].iloc[i]:%Y-%m}, "
            f"member={bool(out['member'].iloc[i])}, join_month={out['join_month'].iloc[i]}; member "
            "must be true exactly from the join month on"
            + (" and before leave_month" if spells else ""))
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
    #: the planted effect on orders by months of membership (synthetic data only)
    ratio_at_tenure: Callable[..., float] | None = None  # (k) or (k, cohort 'yyyy-mm')
    #: the planted retention at each monthly renewal, 1 - cancel_rate (synthetic data only)
    true_retention: float | None = None


def load_or_simulate(params: Params) -> PanelData:
    """The user's panel (``params.panel_path``) or, if None, the synthetic one from the settings.

    Returns
    -------
    PanelData
        Checked panel; ``true_rate_ratio`` only for synthetic data (else None).

    Raises
    ------
    ParameterError
        If ``panel_path`` names no file.
    DataContractError
        If the user's panel breaks the contract (see :func:`check_panel`).

    Examples
    --------
    >>> from helpers.membership.params import Params
    >>> d = load_or_simulate(Params.build({"n_customers": 200, "n_months": 12, "min_pre_months": 3,
    ...                                    "veteran_months": 6, "event_leads": 3, "event_lags": 6}))
    >>> d.synthetic, d.true_rate_ratio
    (True, 2.0)
    """
    if params.panel_path is not None:
        path = contracts.require_file("panel_path", params.panel_path)
        return PanelData(load_panel(path), synthetic=False, true_rate_ratio=None, source=str(path))
    from helpers.membership.simulate import simulate_panel  # only the synthetic branch needs it

    raw = simulate_panel(**{k: getattr(params, k) for k in SIMULATION_PARAMS})
    return PanelData(check_panel(raw, source="simulate_panel"), synthetic=True,
                     true_rate_ratio=float(params.true_rate_ratio),
                     source="helpers.membership.simulate.simulate_panel (synthetic)",
                     ratio_at_tenure=raw.attrs["ratio_at_tenure"],
                     true_retention=1.0 - float(params.cancel_rate))
