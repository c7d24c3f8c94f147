"""Dynamic groups of a personalisation engine (new, inactive, abandoned cart, loyal, prefers a category)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.contracts import DataContractError, require_columns
from helpers.segments.schemas import EVENT_KINDS

GROUPS = ("new", "inactive", "abandoned_cart", "loyal")


def check_events(events: pd.DataFrame, columns: list[str], source: str = "events") -> None:
    """Raise :class:`DataContractError` unless ``events`` is a non-empty frame with ``columns``.

    Examples
    --------
    >>> check_events(pd.DataFrame({"order_id": ["o1"]}), ["order_id"]) is None
    True
    """
    if not isinstance(events, pd.DataFrame):
        raise DataContractError(f"{source}: expected a DataFrame, got {type(events).__name__}")
    require_columns(events, columns, source=source)
    if events.empty:
        raise DataContractError(f"{source}: the table has no rows")


def dynamic_groups(events: pd.DataFrame, *, as_of: str | pd.Timestamp | None = None, new_days: int = 30,
                   inactive_days: int = 60, cart_days: int = 14, loyal_min_orders: int = 4,
                   category_min_share: float = 0.5) -> pd.DataFrame:
    """Assign customers to the dynamic groups of a personalisation engine (a customer may be in several).

    Parameters
    ----------
    events : DataFrame
        ``event_time`` (datetime64), ``customer_id``, ``event`` (view, cart_add, purchase),
        ``product_id``, ``category``, ``order_id`` (purchases).
    as_of : date, optional
        When the groups are evaluated; default: the last event. Later events are an error.
    new_days : int >= 1
        ``new``: first event within the last ``new_days`` days.
    inactive_days : int >= 1
        ``inactive``: no event in the last ``inactive_days`` days.
    cart_days : int >= 1
        ``abandoned_cart``: a cart add within the last ``cart_days`` days not followed by a
        purchase of that product.
    loyal_min_orders : int >= 2
        ``loyal``: at least this many distinct orders up to ``as_of``.
    category_min_share : float in (0, 1]
        ``prefers_<category>``: at least this share of the customer's views (and >= 3 views).

    Returns
    -------
    DataFrame
        One row per (customer_id, group), sorted.

    Raises
    ------
    DataContractError
        Missing columns, empty log, unknown event kinds, events after ``as_of``.

    Notes
    -----
    With :math:`t_0, t_1` a customer's first and last event and :math:`A` = ``as_of``:
    new :math:`\\iff A - t_0 < d_{new}`; inactive :math:`\\iff A - t_1 \\ge d_{inactive}`;
    preference for category :math:`k` :math:`\\iff v_k / \\sum_j v_j \\ge s`.

    Examples
    --------
    >>> ev = pd.DataFrame({"event_time": pd.to_datetime(["2024-06-01", "2024-06-29"]),
    ...                    "customer_id": ["a", "b"], "event": ["view", "cart_add"],
    ...                    "product_id": ["P1", "P2"], "category": ["books", "music"], "order_id": ["", ""]})
    >>> dynamic_groups(ev, as_of="2024-06-30", inactive_days=20)["group"].tolist()
    ['inactive', 'abandoned_cart', 'new']
    """
    check_events(events, ["event_time", "customer_id", "event", "product_id", "category", "order_id"])
    bad = ~events["event"].isin(EVENT_KINDS)
    if bad.any():
        raise DataContractError(f"events: column 'event' allows only {list(EVENT_KINDS)}; "
                                f"rows {np.flatnonzero(bad.to_numpy())[:5].tolist()} have "
                                f"{events.loc[bad, 'event'].unique()[:5].tolist()}")
    t = events["event_time"]
    if not pd.api.types.is_datetime64_dtype(t.dtype):
        raise DataContractError(f"events: column 'event_time' must be naive datetime64; it is {t.dtype}")
    day = (t.max() if as_of is None else pd.Timestamp(as_of)).normalize()
    end = day + pd.Timedelta(days=1)  # groups are evaluated at the end of the as_of day
    late = t >= end
    if late.any():
        raise DataContractError(f"events: column 'event_time' has {int(late.sum())} event(s) after as_of "
                                f"{day.date()} (the last on {t.max()}); move as_of or filter the log")
    g = events.groupby("customer_id")["event_time"]
    first, last = g.min(), g.max()
    out: list[tuple[str, str]] = []
    out += [(c, "new") for c in first.index[(end - first) < pd.Timedelta(days=new_days)]]
    out += [(c, "inactive") for c in last.index[(end - last) >= pd.Timedelta(days=inactive_days)]]
    carts = events.loc[(events["event"] == "cart_add") & (t >= end - pd.Timedelta(days=cart_days)),
                       ["customer_id", "product_id", "event_time"]]
    buys = events.loc[events["event"] == "purchase"].groupby(["customer_id", "product_id"])["event_time"].max()
    carts = carts.join(buys.rename("bought"), on=["customer_id", "product_id"])
    abandoned = carts[carts["bought"].isna() | (carts["bought"] < carts["event_time"])]
    out += [(c, "abandoned_cart") for c in abandoned["customer_id"].unique()]
    orders = events.loc[events["event"] == "purchase"].groupby("customer_id")["order_id"].nunique()
    out += [(c, "loyal") for c in orders.index[orders >= loyal_min_orders]]
    views = events.loc[events["event"] == "view"].groupby(["customer_id", "category"]).size()
    if not views.empty:
        total = views.groupby(level=0).transform("sum")
        pref = views[(views / total >= category_min_share) & (total >= 3)]
        out += [(c, f"prefers_{k}") for c, k in pref.index]
    groups = pd.DataFrame(out, columns=["customer_id", "group"])
    return groups.sort_values(["customer_id", "group"], kind="stable").reset_index(drop=True)


def group_sizes(groups: pd.DataFrame, n_customers: int) -> pd.DataFrame:
    """Customers per dynamic group and their share of all customers (groups overlap).

    Parameters
    ----------
    groups : DataFrame
        From :func:`dynamic_groups`.
    n_customers : int >= 1
        All customers in the log (the denominator).

    Returns
    -------
    DataFrame
        Indexed by group (fixed groups first, then category preferences): ``customers``, ``share``.

    Raises
    ------
    ValueError
        If ``n_customers`` < 1 or smaller than a group.

    Notes
    -----
    :math:`\\text{share}_g = |g| / N`; shares need not sum to 1.

    Examples
    --------
    >>> float(group_sizes(pd.DataFrame({"customer_id": ["a", "b"], "group": ["new", "new"]}), 4).loc["new", "share"])
    0.5
    """
    if n_customers < 1:
        raise ValueError(f"n_customers = {n_customers} must be >= 1")
    counts = groups.groupby("group")["customer_id"].nunique()
    prefs = sorted(g for g in counts.index if g not in GROUPS)
    out = pd.DataFrame({"customers": counts.reindex(list(GROUPS) + prefs).fillna(0).astype("int64")})
    if (out["customers"] > n_customers).any():
        raise ValueError(f"n_customers = {n_customers} is smaller than a group")
    out["share"] = out["customers"] / n_customers
    out.index.name = "group"
    return out
