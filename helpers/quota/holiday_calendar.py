"""Public holidays from the ``holidays`` package: fixed-date ones, and moving ones (lunar, substitute days).

Korean Seollal and Chuseok follow the lunar calendar (Seollal fell on 29 January 2025 and on
17 February 2026), so "same date last year" is wrong for them. A holiday *name* is moving when its
month and day differ between years (checked over 2015–2035).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from helpers.contracts import ParameterError

YEARS = range(2015, 2036)


def _country(country: str):
    import holidays

    if country not in holidays.list_supported_countries():
        raise ParameterError(f"parameter 'holiday_country' = {country!r} is not a country the holidays package "
                             "knows; use an ISO code such as KR, US, DE, or null (command line: -p holiday_country KR)")
    return holidays.country_holidays(country, years=YEARS)


@lru_cache(maxsize=8)
def _split(country: str) -> tuple[frozenset, frozenset]:
    cal = _country(country)
    by_name: dict[str, set[tuple[int, int]]] = {}
    for day, names in cal.items():
        for name in str(names).split("; "):
            by_name.setdefault(name, set()).add((day.month, day.day))
    moving_names = {n for n, md in by_name.items() if len(md) > 1}
    fixed, moving = set(), set()
    for day, names in cal.items():
        (moving if any(n in moving_names for n in str(names).split("; ")) else fixed).add(pd.Timestamp(day))
    return frozenset(fixed), frozenset(moving)


def holiday_flags(country: str | None, dates: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """Fixed-date and moving public holidays on ``dates`` (two boolean arrays).

    Examples
    --------
    >>> fixed, moving = holiday_flags("KR", pd.date_range("2026-02-15", "2026-02-19"))
    >>> moving.tolist(), fixed.any()  # Seollal 2026: 16-18 February
    ([False, True, True, True, False], np.False_)
    """
    if not country:
        return np.zeros(len(dates), bool), np.zeros(len(dates), bool)
    fixed, moving = _split(country)
    d = pd.DatetimeIndex(dates).normalize()
    return np.array([x in fixed for x in d]), np.array([x in moving for x in d])


def moving_days_per_month(country: str | None, months: pd.DatetimeIndex) -> np.ndarray:
    """Number of moving public-holiday days in each month starting at ``months``.

    Examples
    --------
    >>> moving_days_per_month("KR", pd.DatetimeIndex(["2025-01-01", "2026-01-01", "2026-02-01"])).tolist()
    [4.0, 0.0, 3.0]
    """
    if not country:
        return np.zeros(len(months))
    _, moving = _split(country)
    keys = {(d.year, d.month) for d in moving}
    counts: dict[tuple[int, int], int] = {k: 0 for k in keys}
    for d in moving:
        counts[(d.year, d.month)] += 1
    return np.array([counts.get((m.year, m.month), 0) for m in months], dtype=float)


#: Named moving holidays with their own effect: a name is in the block when it contains the marker
#: (the ``holidays`` package's English names: "Korean New Year", "The day preceding Korean New
#: Year", "Alternative holiday for Chuseok", ...).
NAMED_BLOCKS = {"seollal": "Korean New Year", "chuseok": "Chuseok"}


@lru_cache(maxsize=8)
def _blocks(country: str) -> tuple[dict[str, frozenset], frozenset]:
    """Days of each named block and of the other moving holidays."""
    cal = _country(country)
    _, moving = _split(country)
    named: dict[str, set] = {k: set() for k in NAMED_BLOCKS}
    for day, names in cal.items():
        for key, marker in NAMED_BLOCKS.items():
            if marker in str(names):
                named[key].add(pd.Timestamp(day))
    taken = set().union(*named.values())
    return {k: frozenset(v) for k, v in named.items()}, frozenset(moving - taken)


def _runs(days: frozenset) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Consecutive runs of days as (first, last)."""
    out: list[tuple[pd.Timestamp, pd.Timestamp]] = []
    for d in sorted(days):
        if out and (d - out[-1][1]).days == 1:
            out[-1] = (out[-1][0], d)
        else:
            out.append((d, d))
    return out


def holiday_windows(country: str | None, dates: pd.DatetimeIndex, pre_days: int = 0, post_days: int = 0
                    ) -> dict[str, np.ndarray]:
    """Day flags of the named moving holidays and of the days around them, and of other moving ones.

    For each block of :data:`NAMED_BLOCKS` the country has (Korea: Seollal and Chuseok, each with
    its eve, second day and substitute days): ``<name>`` on the holiday days, ``<name>_pre`` on the
    ``pre_days`` days before each run of them (the gift-shopping run-up) and ``<name>_post`` on the
    ``post_days`` after; ``moving_other`` on every other moving public holiday (Buddha's Birthday,
    substitute and election days). Countries without a named block get ``moving_other`` only.

    Examples
    --------
    >>> w = holiday_windows("KR", pd.date_range("2026-02-12", "2026-02-21"), pre_days=3, post_days=2)
    >>> w["seollal_pre"].astype(int).tolist()  # Seollal 2026: 16-18 February
    [0, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    >>> w["seollal"].astype(int).tolist(), w["seollal_post"].astype(int).tolist()
    ([0, 0, 0, 0, 1, 1, 1, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 1, 1, 0])
    """
    d = pd.DatetimeIndex(dates).normalize()
    if not country:
        return {}
    named, other = _blocks(country)
    out: dict[str, np.ndarray] = {}
    for key, days in named.items():
        if not days:
            continue
        on = d.isin(list(days))
        out[key] = on
        pre, post = set(), set()
        for first, last in _runs(days):
            pre |= {first - pd.Timedelta(days=k) for k in range(1, pre_days + 1)}
            post |= {last + pd.Timedelta(days=k) for k in range(1, post_days + 1)}
        if pre_days:
            out[f"{key}_pre"] = d.isin(list(pre)) & ~on
        if post_days:
            out[f"{key}_post"] = d.isin(list(post)) & ~on
    out["moving_other"] = d.isin(list(other))
    return out
