"""The offline protocol of notebook 07: one global split, test customers, candidates, relevant items.

Train = every event before ``split_date``; test = purchases from ``split_date`` to the end of
``test_end``. Test customers have a purchase before the split and, after it, a purchase of a
product they had not bought before (with ``exclude_purchased``; otherwise any purchase).
Candidates = every product seen in train, minus (with ``exclude_purchased``) those the customer
bought before the split. The full candidate set is ranked — no sampled negatives (Krichene &
Rendle 2020).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers.contracts import DataContractError, ParameterError
from helpers.recommend.schemas import EVENT_KINDS


@dataclass
class Split:
    """One train/test split of an event log.

    ``items`` are the products seen in train (sorted by ``product_id``: index order is the
    tie-break order); ``customers`` the test customers (sorted); ``relevant[i]`` the item indices
    of customer i's relevant test purchases (products not seen in train are counted in
    ``n_relevant`` but cannot be recommended); ``bought[i]`` the item indices bought before the
    split; ``train`` and ``test`` the events.
    """

    train: pd.DataFrame
    test: pd.DataFrame
    split_date: pd.Timestamp
    test_end: pd.Timestamp
    items: np.ndarray
    customers: np.ndarray
    relevant: list[np.ndarray]
    n_relevant: np.ndarray
    bought: list[np.ndarray]
    exclude_purchased: bool
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def n_items(self) -> int:
        """Products seen in train (the catalogue that can be recommended)."""
        return len(self.items)

    def candidate_mask(self) -> np.ndarray:
        """``(customers, items)`` booleans: True where the product may be recommended."""
        mask = np.ones((len(self.customers), self.n_items), dtype=bool)
        if self.exclude_purchased:
            for i, b in enumerate(self.bought):
                mask[i, b] = False
        return mask


def check_log(events: pd.DataFrame, source: str = "events") -> None:
    """Refuse an empty log or unknown event kinds, naming the rows.

    Examples
    --------
    >>> check_log(pd.DataFrame({"event": ["click"], "event_time": [pd.Timestamp("2025-01-01")]}))
    Traceback (most recent call last):
    ...
    helpers.contracts.DataContractError: events: column 'event' allows only ['view', 'cart_add', 'purchase']; rows [0] have ['click']
    """
    if events.empty:
        raise DataContractError(f"{source}: the event log has no rows")
    bad = ~events["event"].isin(EVENT_KINDS)
    if bad.any():
        raise DataContractError(f"{source}: column 'event' allows only {list(EVENT_KINDS)}; rows "
                                f"{np.flatnonzero(bad.to_numpy())[:5].tolist()} have "
                                f"{events.loc[bad, 'event'].unique()[:5].tolist()}")


def make_split(events: pd.DataFrame, split_date: str | pd.Timestamp, test_end: str | pd.Timestamp | None = None,
               *, exclude_purchased: bool = True, min_test_customers: int = 1,
               keep_customers: set | None = None, source: str = "events") -> Split:
    """Split the log at ``split_date`` and build the test customers, candidates and relevant items.

    Parameters
    ----------
    events : DataFrame
        Contract ``segment_events`` (``event_time`` datetime64).
    split_date : date
        First day of the test period.
    test_end : date, optional
        Last day of the test period (inclusive); default the day of the last event.
    exclude_purchased : bool
        Leave products bought before the split out of candidates and relevant items.
    min_test_customers : int >= 1
        Fewer test customers is an error (naming ``min_test_customers``).
    keep_customers : set, optional
        Evaluate only these customers (e.g. one segment); the rest stay in train.

    Returns
    -------
    Split

    Raises
    ------
    DataContractError
        Unknown event kinds, an empty log, no purchase before the split.
    ParameterError
        ``split_date`` outside the log (not after its first day, or after its last), or fewer
        test customers than ``min_test_customers``.

    Notes
    -----
    With :math:`B_u` the products u bought before the split and :math:`P_u` after it,
    :math:`T_u = P_u \\setminus B_u` (``exclude_purchased``) or :math:`P_u`; u is a test
    customer when :math:`B_u \\ne \\emptyset` and :math:`T_u \\ne \\emptyset`.

    Examples
    --------
    >>> ev = pd.DataFrame({"event_time": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-02-01"]),
    ...                    "customer_id": ["a", "a", "a"], "event": ["purchase", "view", "purchase"],
    ...                    "product_id": ["p1", "p2", "p2"]})
    >>> s = make_split(ev, "2025-01-15")
    >>> s.items.tolist(), s.customers.tolist(), [r.tolist() for r in s.relevant], s.candidate_mask().tolist()
    (['p1', 'p2'], ['a'], [[1]], [[False, True]])
    """
    check_log(events, source)
    t = events["event_time"]
    split = pd.Timestamp(split_date).normalize()
    first, last = t.min().normalize(), t.max().normalize()
    if split <= first or split > last:
        raise ParameterError(f"parameter 'split_date' = {split.date()} is outside the log ({first.date()} .. "
                             f"{last.date()}): it must leave events before it and after it")
    end = last if test_end is None else pd.Timestamp(test_end).normalize()
    if end < split:
        raise ParameterError(f"parameter 'test_end' = {end.date()} is before split_date {split.date()}")
    train = events[t < split]
    test = events[(t >= split) & (t < end + pd.Timedelta(days=1)) & (events["event"] == "purchase")]
    buys = train[train["event"] == "purchase"]
    if buys.empty:
        raise DataContractError(f"{source}: no purchase before split_date {split.date()}; move split_date "
                                "later (popularity and test customers need purchases in train)")
    items = np.sort(train["product_id"].unique())
    index = pd.Series(np.arange(len(items)), index=items)
    before = buys.groupby("customer_id")["product_id"].agg(lambda s: set(s))
    after = test.groupby("customer_id")["product_id"].agg(lambda s: set(s))
    if keep_customers is not None:
        after = after[after.index.isin(keep_customers)]
    customers, relevant, n_rel, bought = [], [], [], []
    unseen = 0
    for cid in sorted(set(before.index) & set(after.index)):
        b = before[cid]
        target = after[cid] - b if exclude_purchased else after[cid]
        if not target:
            continue
        known = sorted(x for x in target if x in index.index)
        unseen += len(target) - len(known)
        customers.append(cid)
        relevant.append(index[known].to_numpy(dtype=int) if known else np.zeros(0, dtype=int))
        n_rel.append(len(target))
        bought.append(index[sorted(b)].to_numpy(dtype=int))
    if len(customers) < min_test_customers:
        raise ParameterError(f"parameter 'min_test_customers' = {min_test_customers}: only {len(customers)} test "
                             f"customer(s) between {split.date()} and {end.date()} (a purchase before the split "
                             "and a new one after it); move split_date earlier, widen test_end or lower "
                             "min_test_customers")
    counts = {"train_events": int(len(train)), "test_purchases": int(len(test)),
              "buyers_before_split": int(len(before)), "buyers_after_split": int(len(after)),
              "test_customers": len(customers), "relevant_unseen_in_train": int(unseen)}
    return Split(train.reset_index(drop=True), test.reset_index(drop=True), split, end, items,
                 np.asarray(customers, dtype=object), relevant, np.asarray(n_rel, dtype=int), bought,
                 exclude_purchased, counts)


def validation_split(split: Split, days: int, *, min_test_customers: int = 1) -> Split:
    """The tuning split: the same protocol on train alone, split ``days`` before ``split_date``.

    Nothing from the test period is used (hyperparameters are never tuned on it).

    Examples
    --------
    >>> ev = pd.DataFrame({"event_time": pd.to_datetime(["2025-01-01", "2025-01-20", "2025-02-01"]),
    ...                    "customer_id": ["a"] * 3, "event": ["purchase"] * 3, "product_id": ["p1", "p2", "p3"]})
    >>> v = validation_split(make_split(ev, "2025-01-25"), 10)
    >>> v.split_date.date(), v.test_end.date(), v.customers.tolist()
    (datetime.date(2025, 1, 15), datetime.date(2025, 1, 24), ['a'])
    """
    start = split.split_date - pd.Timedelta(days=days)
    return make_split(split.train, start, split.split_date - pd.Timedelta(days=1),
                      exclude_purchased=split.exclude_purchased, min_test_customers=min_test_customers,
                      source="validation split")
