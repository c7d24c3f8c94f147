"""Corporate events of notebook 01: which lines an acquisition, disposal or recast touches, and organic growth.

An acquisition's revenue is counted as growth in every month that has no prior-year counterpart:
its first fiscal year from the consolidation month, and the months before that month in the
second year (a stub). Organic growth takes that revenue out where a filing gives it for the
period analysed, bounds it where a shorter period's figure does, and says so where neither does
(a flag, never a guess).
"""

from __future__ import annotations

import calendar

import numpy as np
import pandas as pd

from helpers.revenue.status import weakest_status

__all__ = ["PERIOD_MONTHS", "events_in_view", "inorganic_months", "organic_growth"]


def _lines(text: str) -> list[str]:
    return [s.strip() for s in str(text).split(";") if s.strip()]


def events_in_view(events: pd.DataFrame, rows: pd.DataFrame, year: int) -> pd.DataFrame:
    """The events that touch the lines and years shown (one row per event).

    Parameters
    ----------
    events : DataFrame
        Output of :func:`helpers.revenue.load.load_events`.
    rows : DataFrame
        The selected filings rows (``company, line, fiscal_year``).
    year : int
        Focus fiscal year.

    Returns
    -------
    DataFrame
        ``event_id, company, kind, description, announced, first_fiscal_year, lines_in_view``
        (the affected lines among those shown, ``; ``-joined), ``in_focus_year`` (the event's
        first fiscal year is the focus year), ``source, date_status, note``.

    Notes
    -----
    An event is in view when one of its ``lines_affected`` is shown and its first fiscal year
    lies inside the years shown.

    Examples
    --------
    >>> ev = pd.DataFrame({"event_id": ["x"], "company": ["A"], "kind": ["acquisition"],
    ...     "description": ["B"], "announced": ["2023-12"], "first_fiscal_year": [2024],
    ...     "lines_affected": ["Goods;Ads"], "source": ["s"], "date_status": ["VERIFIED-1"], "note": [None]})
    >>> rows = pd.DataFrame({"company": ["A", "A"], "line": ["Ads", "Ads"], "fiscal_year": [2023, 2024]})
    >>> events_in_view(ev, rows, 2024)[["event_id", "lines_in_view", "in_focus_year"]].to_numpy().tolist()
    [['x', 'Ads', True]]
    """
    cols = ["event_id", "company", "kind", "description", "announced", "first_fiscal_year", "lines_in_view",
            "in_focus_year", "source", "date_status", "note"]
    first = events.drop_duplicates("event_id")
    out = []
    for e in first.itertuples(index=False):
        shown = rows[rows["company"] == e.company]
        if shown.empty or not (shown["fiscal_year"].min() <= e.first_fiscal_year <= year):
            continue
        lines = [ln for ln in _lines(e.lines_affected) if ln in set(shown["line"])]
        if lines:
            out.append({"event_id": e.event_id, "company": e.company, "kind": e.kind, "description": e.description,
                        "announced": e.announced, "first_fiscal_year": int(e.first_fiscal_year),
                        "lines_in_view": "; ".join(lines), "in_focus_year": int(e.first_fiscal_year) == year,
                        "source": e.source, "date_status": e.date_status, "note": e.note})
    return pd.DataFrame(out, columns=cols)


#: Months each period covers (fiscal year = calendar year, as for every company on file).
PERIOD_MONTHS = {"FY": tuple(range(1, 13)), "H1": tuple(range(1, 7)), "9M": tuple(range(1, 10)),
                 "Q1": (1, 2, 3), "Q2": (4, 5, 6), "Q3": (7, 8, 9), "Q4": (10, 11, 12)}


def inorganic_months(first_fiscal_year: int, consolidated: str | None, year: int,
                     period: str) -> tuple[int, ...] | None:
    """Months of ``period`` in ``year`` that hold the acquired business while the prior year's do not.

    Parameters
    ----------
    first_fiscal_year : int
        First fiscal year whose figures include the business.
    consolidated : str or None
        First month of consolidation, ``YYYY-MM``; None when unknown.
    year : int
        Fiscal year analysed.
    period : str
        ``FY``, ``H1``, ``9M`` or ``Q1``..``Q4``.

    Returns
    -------
    tuple of int or None
        Month numbers (empty: no distortion); None when the month is unknown and ``year`` is the
        second year (it may hold a stub that cannot be told).

    Notes
    -----
    Consolidated from month :math:`m` of year :math:`Y`, month :math:`k` of the period is inorganic in
    year :math:`t` when :math:`(t, k) \\ge (Y, m)` and :math:`(t - 1, k) < (Y, m)`: the months
    :math:`k \\ge m` in :math:`t = Y`, the months :math:`k < m` in :math:`t = Y + 1`, none later. An
    unknown month in year :math:`Y` counts the whole period (the filing's figure covers what was held).

    Examples
    --------
    >>> inorganic_months(2024, "2024-02", 2024, "9M"), inorganic_months(2024, "2024-02", 2025, "FY")
    ((2, 3, 4, 5, 6, 7, 8, 9), (1,))
    >>> inorganic_months(2024, "2024-02", 2025, "Q2"), inorganic_months(2024, None, 2025, "FY")
    ((), None)
    """
    months = PERIOD_MONTHS[period]
    m = int(consolidated[5:7]) if consolidated else None
    if year == first_fiscal_year:
        return tuple(k for k in months if m is None or k >= m)
    if year == first_fiscal_year + 1:
        return None if m is None else tuple(k for k in months if k < m)
    return ()


def _months_text(months: tuple[int, ...] | None) -> str:
    if months is None:
        return "unknown"
    names = [calendar.month_abbr[k] for k in months]
    return names[0] if len(names) == 1 else f"{names[0]}–{names[-1]}"


def organic_growth(events: pd.DataFrame, rows: pd.DataFrame, year: int, period: str) -> pd.DataFrame:
    """Reported and organic growth for every acquisition that distorts the focus year's growth.

    Parameters
    ----------
    events : DataFrame
        Output of :func:`helpers.revenue.load.load_events` (``consolidated`` may be empty).
    rows : DataFrame
        Selected, converted rows (``company, line, fiscal_year, currency, value, status``), in the
        reporting currency of each company.
    year : int
        Focus fiscal year.
    period : str
        Period analysed (``FY``, ``9M``...).

    Returns
    -------
    DataFrame
        One row per (company, acquisition, level): ``level`` is ``total`` or a line name;
        ``months`` (the inorganic months, see :func:`inorganic_months`), ``acquired_revenue``
        (reporting currency, NaN if not given), ``acquired_revenue_low`` (a lower bound from a
        shorter period of the same year, else the exact figure), ``reported_yoy``,
        ``organic_yoy`` (NaN when not computable), ``organic_yoy_upper_bound``, ``status``,
        ``flag`` (why not computable, else empty).

    Notes
    -----
    With :math:`A_t` the acquired business's revenue in the inorganic months of period t:

    .. math:: g_{organic} = \\frac{T_t - A_t}{T_{t-1}} - 1 .

    A figure for another period of the same year whose inorganic months are the same is exact;
    one whose months are a subset bounds :math:`A_t` from below (revenue is not negative), so
    :math:`g_{organic} \\le (T_t - A^{low}_t) / T_{t-1} - 1`. For a line, A is taken out of that
    line only when it is the only one shown that the acquisition touches.

    Examples
    --------
    >>> ev = pd.DataFrame({"event_id": ["x"], "company": ["A"], "kind": ["acquisition"],
    ...     "first_fiscal_year": [2024], "lines_affected": ["Ads"], "fiscal_year": [2024], "period": ["FY"],
    ...     "value": [10.0], "currency": ["USD"], "status": ["VERIFIED-1"], "consolidated": [None]})
    >>> rows = pd.DataFrame({"company": ["A"] * 4, "line": ["Goods", "Ads"] * 2,
    ...     "fiscal_year": [2023, 2023, 2024, 2024], "currency": ["USD"] * 4,
    ...     "value": [60.0, 20.0, 66.0, 34.0], "status": ["VERIFIED-1"] * 4})
    >>> organic_growth(ev, rows, 2024, "FY")[["level", "organic_yoy"]].round(4).to_numpy().tolist()
    [['total', 0.125], ['Ads', 0.2]]
    """
    cols = ["company", "event_id", "level", "months", "acquired_revenue", "acquired_revenue_low", "reported_yoy",
            "organic_yoy", "organic_yoy_upper_bound", "status", "flag"]
    acq = events[events["kind"] == "acquisition"]
    if "consolidated" not in acq.columns:
        acq = acq.assign(consolidated=None)
    out = []
    for event_id, g in acq.groupby("event_id", sort=False):
        company, first = g["company"].iloc[0], int(g["first_fiscal_year"].iloc[0])
        month = g["consolidated"].dropna()
        month = str(month.iloc[0]) if len(month) else None
        inorg = inorganic_months(first, month, year, period)
        mine = rows[rows["company"] == company]
        touched = [ln for ln in _lines(g["lines_affected"].iloc[0]) if ln in set(mine["line"])]
        if inorg == () or not touched:
            continue
        figs = g[(g["fiscal_year"] == year) & g["value"].notna()]
        same_cur = figs[figs["currency"].isin(set(mine["currency"]))] if mine["currency"].nunique() == 1 else figs[:0]
        exact, low = np.nan, np.nan
        used = []
        for f in same_cur.itertuples(index=False):
            months = inorganic_months(first, month, year, f.period)
            if inorg is not None and months == inorg:
                exact, low, used = float(f.value), float(f.value), [f.status]
                break
            if inorg is not None and months and set(months) <= set(inorg) and not float(f.value) <= low:
                low, used = float(f.value), [f.status]
        if inorg is None:
            flag = (f"not computable: the consolidation month is not on file, so {year} may hold months with no "
                    f"{year - 1} counterpart")
        elif len(figs) and same_cur.empty:
            flag = "not computable: the acquired revenue is in another currency than the lines"
        elif np.isnan(exact):
            flag = (f"not computable: no filing read gives the acquired revenue for {period} {year} "
                    f"({_months_text(inorg)})")
        else:
            flag = ""
        levels = [("total", mine)] + [(ln, mine[mine["line"] == ln]) for ln in touched]
        for level, part in levels:
            cur = part.loc[part["fiscal_year"] == year, "value"].sum()
            prev = part.loc[part["fiscal_year"] == year - 1, "value"].sum()
            this_flag = flag
            if level != "total" and len(touched) > 1:
                this_flag = (f"not computable by line: the acquisition touches {len(touched)} lines shown "
                             "and the filing does not split its revenue")
            by_line_ok = level == "total" or len(touched) == 1
            organic = (cur - exact) / prev - 1 if not this_flag else np.nan
            upper = (cur - low) / prev - 1 if by_line_ok else np.nan
            status = weakest_status([*part.loc[part["fiscal_year"].isin([year - 1, year]), "status"], *used])
            out.append({"company": company, "event_id": event_id, "level": level, "months": _months_text(inorg),
                        "acquired_revenue": exact, "acquired_revenue_low": low, "reported_yoy": cur / prev - 1,
                        "organic_yoy": organic, "organic_yoy_upper_bound": upper, "status": status,
                        "flag": this_flag})
    return pd.DataFrame(out, columns=cols)
