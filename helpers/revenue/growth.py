"""Growth of notebook 01 four ways: reported, constant-currency, organic, organic constant-currency.

Constant-currency growth (:func:`helpers.revenue.fx.constant_currency`) and organic growth
(:func:`helpers.revenue.events.organic_growth`) are combined here; the approximation behind each
constant-currency number (which share of revenue is treated as earned in the operating
currency) travels with it as text.
"""

from __future__ import annotations

import pandas as pd

from helpers.revenue.status import weakest_status

__all__ = ["unrestated_revenue", "organic_constant_currency", "growth_summary"]


def _currencies(text: object) -> list[str]:
    return [c.strip() for c in str(text).split(";") if c.strip()] if isinstance(text, str) else []


def unrestated_revenue(organic: pd.DataFrame, events: pd.DataFrame, companies: pd.DataFrame,
                       year: int) -> dict[str, tuple[float, str]]:
    """Revenue of ``year`` known to be earned outside each company's operating currency.

    Parameters
    ----------
    organic : DataFrame
        Output of :func:`helpers.revenue.events.organic_growth`.
    events : DataFrame
        Output of :func:`helpers.revenue.load.load_events` (``earns_in`` may be empty).
    companies : DataFrame
        Output of :func:`helpers.revenue.load.load_companies`.
    year : int
        Focus fiscal year.

    Returns
    -------
    dict of str to (float, str)
        company -> (amount in reporting currency, words naming it), for acquisitions in their
        first fiscal year whose ``earns_in`` leaves out the operating currency: the amount is their
        revenue for the period where given (then the business's whole revenue of the period), else 0,
        and the words say it stays inside the share treated as the operating currency.

    Notes
    -----
    :math:`N_t = \\sum_e A_{e,t}` over such acquisitions e; everything else is treated as earned
    in the operating currency.

    Examples
    --------
    >>> org = pd.DataFrame({"company": ["A"], "event_id": ["x"], "level": ["total"], "acquired_revenue": [5e6],
    ...                     "acquired_revenue_low": [5e6]})
    >>> ev = pd.DataFrame({"event_id": ["x"], "first_fiscal_year": [2024], "earns_in": ["GBP;EUR"]})
    >>> cos = pd.DataFrame({"company": ["A"], "operating_currency": ["KRW"], "reporting_currency": ["USD"]})
    >>> unrestated_revenue(org, ev, cos, 2024)
    {'A': (5000000.0, 'x revenue (5 million, earns in GBP, EUR) left at reported USD')}
    """
    info = companies.set_index("company")
    first = events.drop_duplicates("event_id").set_index("event_id")
    amounts: dict[str, float] = {}
    words: dict[str, list[str]] = {}
    tot = organic[organic["level"] == "total"]
    for r in tot.itertuples(index=False):
        e = first.loc[r.event_id]
        earns = _currencies(e.get("earns_in"))
        if r.company not in info.index or int(e["first_fiscal_year"]) != year or not earns:
            continue
        op, reporting = info.loc[r.company, "operating_currency"], info.loc[r.company, "reporting_currency"]
        if op in earns:
            continue
        if pd.notna(r.acquired_revenue):
            amounts[r.company] = amounts.get(r.company, 0.0) + float(r.acquired_revenue)
            text = (f"{r.event_id} revenue ({r.acquired_revenue / 1e6:,.0f} million, earns in {', '.join(earns)}) "
                    f"left at reported {reporting}")
        else:
            low = (f", at least {r.acquired_revenue_low / 1e6:,.0f} million {reporting}"
                   if pd.notna(r.acquired_revenue_low) else "")
            text = (f"{r.event_id} revenue (earns in {', '.join(earns)}; not given for the period{low}) is inside "
                    f"the share treated as {op}")
        words.setdefault(r.company, []).append(text)
    return {c: (amounts.get(c, 0.0), "; ".join(w)) for c, w in words.items()}


def organic_constant_currency(organic: pd.DataFrame, cc: pd.DataFrame) -> pd.DataFrame:
    """Organic growth at constant currency, per company with one acquisition distorting the year.

    Parameters
    ----------
    organic : DataFrame
        Output of :func:`helpers.revenue.events.organic_growth`.
    cc : DataFrame
        Output of :func:`helpers.revenue.fx.constant_currency`.

    Returns
    -------
    DataFrame
        ``company, event_id, organic_yoy, organic_yoy_upper_bound, organic_constant_currency_yoy,
        organic_constant_currency_yoy_upper_bound, treated_as, status, flag`` (NaN where the
        organic figure is not computable).

    Notes
    -----
    Organic revenue :math:`T_t - A_t` is all treated as earned in the operating currency, so with
    :math:`r_t` operating units per reporting unit

    .. math::
        g_{occ} = \\frac{(T_t - A_t)\\, r_t / r_{t-1}}{T_{t-1}} - 1 = (1 + g_{organic})\\,\\frac{r_t}{r_{t-1}} - 1 ,

    and an upper bound on :math:`g_{organic}` gives one on :math:`g_{occ}` (the factor is positive).

    Examples
    --------
    >>> org = pd.DataFrame({"company": ["A"], "event_id": ["x"], "level": ["total"], "organic_yoy": [0.1],
    ...     "organic_yoy_upper_bound": [0.1], "status": ["VERIFIED-1"], "flag": [""]})
    >>> cc = pd.DataFrame({"company": ["A"], "operating_currency": ["KRW"], "rate_prior": [1250.0],
    ...     "rate_year": [1300.0], "other_currencies": [""], "status": ["VERIFIED-1"]})
    >>> round(float(organic_constant_currency(org, cc)["organic_constant_currency_yoy"].iloc[0]), 4)
    0.144
    """
    cols = ["company", "event_id", "organic_yoy", "organic_yoy_upper_bound", "organic_constant_currency_yoy",
            "organic_constant_currency_yoy_upper_bound", "treated_as", "status", "flag"]
    tot = organic[organic["level"] == "total"]
    rates = cc.set_index("company")
    out = []
    for company, g in tot.groupby("company", sort=False):
        if len(g) != 1 or company not in rates.index:  # several acquisitions: their sum of A is not formed
            continue
        r, c = g.iloc[0], rates.loc[company]
        factor = c["rate_year"] / c["rate_prior"]
        out.append({"company": company, "event_id": r["event_id"], "organic_yoy": r["organic_yoy"],
                    "organic_yoy_upper_bound": r["organic_yoy_upper_bound"],
                    "organic_constant_currency_yoy": (1 + r["organic_yoy"]) * factor - 1,
                    "organic_constant_currency_yoy_upper_bound": (1 + r["organic_yoy_upper_bound"]) * factor - 1,
                    "treated_as": f"100% of organic revenue (without {r['event_id']}'s inorganic months) treated "
                                  f"as earned in {c['operating_currency']}"
                                  + (f" (including revenue in {c['other_currencies']}: no filing read splits it "
                                     "by currency)" if c["other_currencies"] else ""),
                    "status": weakest_status([r["status"], c["status"]]), "flag": r["flag"]})
    return pd.DataFrame(out, columns=cols)


def growth_summary(totals: pd.DataFrame, cc: pd.DataFrame, organic: pd.DataFrame,
                   occ: pd.DataFrame) -> pd.DataFrame:
    """One row per company: reported, constant-currency, organic and organic constant-currency growth.

    Parameters
    ----------
    totals : DataFrame
        :func:`helpers.revenue.metrics.total_metrics` (``company, basis_currency, total_yoy``).
    cc, organic, occ : DataFrame
        Outputs of :func:`helpers.revenue.fx.constant_currency`,
        :func:`helpers.revenue.events.organic_growth` and :func:`organic_constant_currency`.

    Returns
    -------
    DataFrame
        ``company, reported_in, reported_yoy, operating_currency, cc_yoy, organic_yoy,
        organic_yoy_upper_bound, organic_cc_yoy, organic_cc_yoy_upper_bound, operating_share,
        cc_treated_as, organic_cc_treated_as, organic_flag``; NaN where a figure does not apply
        or cannot be computed (the bounds stay when only they can).

    Notes
    -----
    No new computation: a merge of the four tables on ``company``.

    Examples
    --------
    >>> tot = pd.DataFrame({"company": ["A"], "basis_currency": ["USD"], "total_yoy": [0.2]})
    >>> e = pd.DataFrame(columns=["company"])
    >>> growth_summary(tot, e, e, e)[["company", "reported_yoy"]].to_numpy().tolist()
    [['A', 0.2]]
    """
    out = totals[["company", "basis_currency", "total_yoy"]].rename(
        columns={"basis_currency": "reported_in", "total_yoy": "reported_yoy"})
    c = cc.reindex(columns=["company", "operating_currency", "total_yoy_constant_currency", "operating_share",
                            "treated_as"]).rename(columns={"total_yoy_constant_currency": "cc_yoy",
                                                           "treated_as": "cc_treated_as"})
    org = organic.reindex(columns=["company", "level", "organic_yoy", "organic_yoy_upper_bound", "flag"])
    org = org[org["level"] == "total"].drop(columns="level").drop_duplicates("company", keep=False)
    o = occ.reindex(columns=["company", "organic_constant_currency_yoy", "organic_constant_currency_yoy_upper_bound",
                             "treated_as"]).rename(columns={"organic_constant_currency_yoy": "organic_cc_yoy",
                                                            "organic_constant_currency_yoy_upper_bound":
                                                                "organic_cc_yoy_upper_bound",
                                                            "treated_as": "organic_cc_treated_as"})
    out = out.merge(c, on="company", how="left").merge(org.rename(columns={"flag": "organic_flag"}), on="company",
                                                       how="left").merge(o, on="company", how="left")
    for col in ("cc_yoy", "organic_yoy", "organic_yoy_upper_bound", "organic_cc_yoy", "organic_cc_yoy_upper_bound",
                "operating_share"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
    return out
