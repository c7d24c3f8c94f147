"""Corporate events of notebook 01: which lines an acquisition, disposal or recast touches, and organic growth.

An acquisition's revenue is counted as growth in its first fiscal year of consolidation; organic
growth takes it out where a filing gives that revenue for the period analysed, and says so
where it does not (a flag, never a guess).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.revenue.status import weakest_status

__all__ = ["events_in_view", "organic_growth"]


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


def organic_growth(events: pd.DataFrame, rows: pd.DataFrame, year: int, period: str) -> pd.DataFrame:
    """Reported and organic growth for every acquisition first consolidated in the focus year.

    Parameters
    ----------
    events : DataFrame
        Output of :func:`helpers.revenue.load.load_events`.
    rows : DataFrame
        Selected, converted rows (``company, line, fiscal_year, currency, value, status``), in the
        reporting currency of each company.
    year : int
        Focus fiscal year.
    period : str
        Period analysed (``FY``, ``9M``...); the acquired revenue must be given for this period.

    Returns
    -------
    DataFrame
        One row per (company, acquisition, level): ``level`` is ``total`` or a line name;
        ``acquired_revenue`` (reporting currency, NaN if not given), ``reported_yoy``,
        ``organic_yoy`` (NaN when not computable), ``status``, ``flag`` (why not computable,
        else empty).

    Notes
    -----
    In the first year of consolidation the prior year holds none of the acquired revenue A:

    .. math:: g_{organic} = \\frac{T_t - A_t}{T_{t-1}} - 1 .

    For a line, A is taken out of that line only when the line is the only one shown that the
    acquisition touches; otherwise the line is flagged (the filing does not split A by line).

    Examples
    --------
    >>> ev = pd.DataFrame({"event_id": ["x"], "company": ["A"], "kind": ["acquisition"],
    ...     "first_fiscal_year": [2024], "lines_affected": ["Ads"], "fiscal_year": [2024], "period": ["FY"],
    ...     "value": [10.0], "currency": ["USD"], "status": ["VERIFIED-1"]})
    >>> rows = pd.DataFrame({"company": ["A"] * 4, "line": ["Goods", "Ads"] * 2,
    ...     "fiscal_year": [2023, 2023, 2024, 2024], "currency": ["USD"] * 4,
    ...     "value": [60.0, 20.0, 66.0, 34.0], "status": ["VERIFIED-1"] * 4})
    >>> organic_growth(ev, rows, 2024, "FY")[["level", "organic_yoy"]].round(4).to_numpy().tolist()
    [['total', 0.125], ['Ads', 0.2]]
    """
    cols = ["company", "event_id", "level", "acquired_revenue", "reported_yoy", "organic_yoy", "status", "flag"]
    acq = events[(events["kind"] == "acquisition") & (events["first_fiscal_year"] == year)]
    out = []
    for event_id, g in acq.groupby("event_id", sort=False):
        company = g["company"].iloc[0]
        mine = rows[rows["company"] == company]
        touched = [ln for ln in _lines(g["lines_affected"].iloc[0]) if ln in set(mine["line"])]
        if not touched:
            continue
        fig = g[(g["fiscal_year"] == year) & (g["period"] == period)]
        given = len(fig) == 1 and pd.notna(fig["value"].iloc[0])
        same_cur = given and set(mine["currency"]) == {fig["currency"].iloc[0]}
        amount = float(fig["value"].iloc[0]) if same_cur else np.nan
        if not given:
            flag = f"not computable: no filing read gives the acquired revenue for {period} {year}"
        elif not same_cur:
            flag = "not computable: the acquired revenue is in another currency than the lines"
        else:
            flag = ""
        fig_status = [fig["status"].iloc[0]] if len(fig) else []
        levels = [("total", mine)] + [(ln, mine[mine["line"] == ln]) for ln in touched]
        for level, part in levels:
            cur = part.loc[part["fiscal_year"] == year, "value"].sum()
            prev = part.loc[part["fiscal_year"] == year - 1, "value"].sum()
            this_flag = flag
            if not flag and level != "total" and len(touched) > 1:
                this_flag = (f"not computable by line: the acquisition touches {len(touched)} lines shown "
                             "and the filing does not split its revenue")
            organic = (cur - amount) / prev - 1 if not this_flag else np.nan
            status = weakest_status([*part.loc[part["fiscal_year"].isin([year - 1, year]), "status"], *fig_status])
            out.append({"company": company, "event_id": event_id, "level": level, "acquired_revenue": amount,
                        "reported_yoy": cur / prev - 1, "organic_yoy": organic, "status": status,
                        "flag": this_flag})
    return pd.DataFrame(out, columns=cols)
