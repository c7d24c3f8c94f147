"""Verification labels: a number is only as verified as its weakest input."""

from __future__ import annotations

from collections.abc import Iterable

from helpers.revenue.schemas import REVENUE_STATUSES

#: Labels that count as verified against a filing.
VERIFIED = ("VERIFIED-2", "VERIFIED-1")

__all__ = ["VERIFIED", "weakest_status"]


def weakest_status(statuses: Iterable[str]) -> str:
    """The weakest verification label among ``statuses`` (strongest first, as in data/raw/SOURCES.md).

    Parameters
    ----------
    statuses : iterable of str
        Labels from ``VERIFIED-2, VERIFIED-1, CHECK-ROUNDED, DERIVED, SECONDARY, UNVERIFIED``.

    Raises
    ------
    ValueError
        If a label is unknown or none is given.

    Notes
    -----
    A number computed from several figures is only as verified as its weakest input:
    rank(VERIFIED-2) = 0 < ... < rank(UNVERIFIED) = 5; the result has the largest rank.

    Examples
    --------
    >>> weakest_status(["VERIFIED-2", "DERIVED", "VERIFIED-1"])
    'DERIVED'
    """
    ranks = []
    for s in statuses:
        if s not in REVENUE_STATUSES:
            raise ValueError(f"status {s!r} is not one of {list(REVENUE_STATUSES)}")
        ranks.append(REVENUE_STATUSES.index(s))
    if not ranks:
        raise ValueError("weakest_status needs at least one status")
    return REVENUE_STATUSES[max(ranks)]
