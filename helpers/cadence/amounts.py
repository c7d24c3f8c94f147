"""Coupon amounts: discount rate against the gross margin, validity, and the "W" of amounts.

Pure functions (no plotting, no simulation).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from helpers.cadence.constants import STAGES
from helpers.cadence.times import seconds
from helpers.constants import KURLY_GROSS_MARGIN_2021
from helpers.privacy import pseudonymise_columns


def discount_summary(messages: pd.DataFrame, gross_margin: float = KURLY_GROSS_MARGIN_2021
                     ) -> dict[str, float]:
    """Mean discount rate and the share of coupons whose rate exceeds the gross margin.

    Notes
    -----
    rate :math:`r_i = a_i / m_i` (coupon amount over minimum order, same currency);
    mean :math:`\\bar r`; share above margin :math:`\\#\\{r_i > \\mu\\} / n` with gross
    margin :math:`\\mu` (Kurly 2021: 0.19). A coupon with :math:`r_i > \\mu` on a
    direct-purchase item bought at exactly the minimum order loses money before any other cost.
    Rows with ``rate_ok`` false (min_order 0, amount above min_order) are left out.

    Raises
    ------
    ValueError
        If ``gross_margin`` is outside [0, 1) or no row has a valid rate.

    Examples
    --------
    >>> m = pd.DataFrame({"coupon_amount": [10000.0, 5000.0], "min_order": [30000.0, 40000.0]})
    >>> d = discount_summary(m, 0.19)
    >>> round(d["mean_discount_rate"], 4), d["share_rate_above_margin"]
    (0.2292, 0.5)
    """
    if not 0 <= gross_margin < 1:
        raise ValueError(f"gross_margin = {gross_margin!r} must be in [0, 1)")
    ok = messages["rate_ok"].to_numpy(dtype=bool) if "rate_ok" in messages else np.ones(len(messages), bool)
    amount = messages["coupon_amount"].to_numpy(dtype=float)[ok]
    minimum = messages["min_order"].to_numpy(dtype=float)[ok]
    if (minimum <= 0).any() or (amount > minimum).any():
        raise ValueError("discount_summary: min_order must be > 0 and coupon_amount <= min_order; "
                         "run clean_log first (it flags those rows)")
    if len(amount) == 0:
        raise ValueError("discount_summary: no coupon has a valid discount rate")
    rate = amount / minimum
    return {"coupons": int(len(rate)), "mean_discount_rate": float(rate.mean()),
            "median_discount_rate": float(np.median(rate)),
            "share_rate_above_margin": float((rate > gross_margin).mean())}


def is_w_pattern(window: Sequence[float]) -> bool:
    """True if five consecutive amounts form a "W": high, low, mid, low, high.

    Notes
    -----
    :math:`(a_1, \\dots, a_5)` is a W when it zig-zags strictly,
    :math:`a_1 > a_2 < a_3 > a_4 < a_5`, and the middle peak is below both outer peaks,
    :math:`a_3 < \\min(a_1, a_5)`. Ties break the pattern.

    Raises
    ------
    ValueError
        If the window does not hold exactly five numbers.

    Examples
    --------
    >>> is_w_pattern([13000, 8000, 11000, 8000, 13000])
    True
    >>> is_w_pattern([13000, 8000, 13000, 8000, 13000])  # middle peak not lower
    False
    """
    a = [float(x) for x in window]
    if len(a) != 5:
        raise ValueError(f"a W window needs exactly 5 amounts, got {len(a)}")
    return a[0] > a[1] < a[2] > a[3] < a[4] and a[2] < min(a[0], a[4])


def _w_flags(amounts: np.ndarray, customers: np.ndarray) -> np.ndarray:
    """W flag for each 5-message window starting at position i within one customer."""
    n = len(amounts)
    if n < 5:
        return np.zeros(0, dtype=bool)
    a = [amounts[i:n - 4 + i] for i in range(5)]
    same = customers[:n - 4] == customers[4:]
    return (same & (a[0] > a[1]) & (a[1] < a[2]) & (a[2] > a[3]) & (a[3] < a[4])
            & (a[2] < np.minimum(a[0], a[4])))[same]


def _sorted_amounts(messages: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    order = np.lexsort((seconds(messages["sent_at"]), messages["customer_id"].to_numpy().astype(str)))
    return (messages["coupon_amount"].to_numpy(dtype=float)[order],
            messages["customer_id"].to_numpy().astype(str)[order])


def w_pattern_share(messages: pd.DataFrame) -> float:
    """Share of 5-message windows (consecutive sends to one customer) that form a W.

    Notes
    -----
    Windows slide one message at a time within each customer's send sequence (sorted by
    ``sent_at``); a customer with :math:`n \\ge 5` messages has :math:`n - 4` windows.
    Share = W windows / all windows (:func:`is_w_pattern`). A repeated high-low-mid-low cycle
    gives 1/4; independent continuous amounts give 4/120 = 1/30 (the middle value must rank
    3rd of 5, the valleys 1st/2nd and the outer peaks 4th/5th: 2 × 2 orderings).

    Raises
    ------
    ValueError
        If no customer has five messages.

    Examples
    --------
    >>> m = pd.DataFrame({"customer_id": "a", "coupon_amount": [9, 5, 7, 5, 9, 5],
    ...     "sent_at": pd.date_range("2024-03-04", periods=6, freq="7D", tz="Asia/Seoul")})
    >>> w_pattern_share(m)
    0.5
    """
    amounts, customers = _sorted_amounts(messages)
    flags = _w_flags(amounts, customers)
    if len(flags) == 0:
        raise ValueError("w_pattern_share: no customer has 5 or more messages")
    return float(flags.mean())


def w_pattern_null_share(messages: pd.DataFrame, draws: int = 50, seed: int = 0) -> tuple[float, float]:
    """W share expected if each customer's amounts came in random order (mean, sd over draws).

    Each draw shuffles the amounts within every customer (same amounts, random order) and
    recomputes :func:`w_pattern_share`; the observed share well above this mean says the order
    is designed, not chance.

    Examples
    --------
    >>> m = pd.DataFrame({"customer_id": "a", "coupon_amount": [9, 5, 7, 5, 9, 5, 7, 5],
    ...     "sent_at": pd.date_range("2024-03-04", periods=8, freq="7D", tz="Asia/Seoul")})
    >>> 0 <= w_pattern_null_share(m, draws=5, seed=1)[0] <= 1
    True
    """
    amounts, customers = _sorted_amounts(messages)
    rng = np.random.default_rng(seed)
    codes = pd.factorize(customers)[0]
    shares = []
    for _ in range(draws):
        perm = np.lexsort((rng.random(len(amounts)), codes))
        flags = _w_flags(amounts[perm], customers)
        if len(flags) == 0:
            raise ValueError("w_pattern_null_share: no customer has 5 or more messages")
        shares.append(flags.mean())
    return float(np.mean(shares)), float(np.std(shares, ddof=1)) if draws > 1 else 0.0



def validity_shares(messages: pd.DataFrame) -> pd.Series:
    """Share of coupons per validity (days), ascending; sums to 1.

    Examples
    --------
    >>> validity_shares(pd.DataFrame({"valid_days": [3, 3, 3, 1]})).to_dict()
    {1: 0.25, 3: 0.75}
    """
    if len(messages) == 0:
        raise ValueError("validity_shares needs at least one message")
    return messages["valid_days"].value_counts(normalize=True).sort_index().rename("share")



def discount_by_stage(messages: pd.DataFrame, stages: pd.Series, gross_margin: float) -> pd.DataFrame:
    """Mean coupon amount, mean discount rate and share of rates above the margin, per stage.

    Amounts are in the log's currency; rows with ``rate_ok`` false are left out of the rate
    columns (see :func:`clean_log`). Stages without coupons are dropped.

    Notes
    -----
    Per stage :math:`s`: :math:`\\bar a_s`, :math:`\\bar r_s` with :math:`r_i = a_i / m_i`, and
    :math:`\\#\\{r_i > \\mu\\} / n_s` for gross margin :math:`\\mu` (fraction, 0–1).

    Examples
    --------
    >>> m = pd.DataFrame({"coupon_amount": [10000.0, 6000.0], "min_order": [40000.0, 60000.0]})
    >>> discount_by_stage(m, pd.Series(["cart", "repeat"]), 0.19)["mean_rate"].tolist()
    [0.25, 0.1]
    """
    ok = messages["rate_ok"].to_numpy(dtype=bool) if "rate_ok" in messages else np.ones(len(messages), bool)
    rate = np.where(ok, messages["coupon_amount"].to_numpy(float)
                    / np.where(ok, messages["min_order"].to_numpy(float), 1.0), np.nan)
    frame = pd.DataFrame({"stage": stages.to_numpy(), "amount": messages["coupon_amount"].to_numpy(float),
                          "rate": rate, "above": np.where(ok, rate > gross_margin, np.nan)})
    out = frame.groupby("stage").agg(coupons=("amount", "size"), mean_amount=("amount", "mean"),
                                     mean_rate=("rate", "mean"), share_above_margin=("above", "mean"))
    return out.reindex([s for s in STAGES if s in out.index])


def longest_sequence(messages: pd.DataFrame, stages: pd.Series, max_messages: int = 40) -> pd.DataFrame:
    """The first ``max_messages`` messages of the customer with most messages, for a W plot.

    Columns: customer_id (pseudonym), n (1-based position), sent_at, coupon_amount, stage,
    in_w (the message belongs to a 5-message W window of the full sequence). Ties between
    customers are broken by the smallest raw id, so the choice is deterministic.

    Examples
    --------
    >>> m = pd.DataFrame({"customer_id": "a", "coupon_amount": [9.0, 5.0, 7.0, 5.0, 9.0],
    ...     "sent_at": pd.date_range("2024-03-04", periods=5, freq="7D", tz="Asia/Seoul")})
    >>> bool(longest_sequence(m, pd.Series(["repeat"] * 5))["in_w"].all())
    True
    """
    counts = messages["customer_id"].value_counts()
    top = sorted(counts[counts == counts.max()].index.astype(str))[0]
    sel = (messages["customer_id"].astype(str) == top).to_numpy()
    idx = np.flatnonzero(sel)
    seq = (messages.iloc[idx][["customer_id", "sent_at", "coupon_amount"]]
           .assign(stage=stages.to_numpy()[idx]).sort_values("sent_at").reset_index(drop=True))
    a = seq["coupon_amount"].to_numpy()
    in_w = np.zeros(len(a), dtype=bool)
    for i in range(max(len(a) - 4, 0)):
        if is_w_pattern(a[i:i + 5]):
            in_w[i:i + 5] = True
    seq["in_w"] = in_w
    seq.insert(1, "n", np.arange(1, len(seq) + 1))
    return pseudonymise_columns(seq.head(max_messages))
