"""Revenue-mix metrics of notebook 01: select, reconcile, map, then share, YoY, CAGR, contribution.

Pure functions on the frames of :mod:`helpers.revenue.load` (no plotting, no display). Growth is
computed in each company's reporting currency (``basis``), so exchange-rate moves do not show
up as growth; shares do not depend on the currency.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from helpers.contracts import DataContractError, ParameterError, require_subset
from helpers.results import slug
from helpers.revenue.status import weakest_status

#: Largest relative gap between the sum of the lines and the reported total.
RECONCILE_TOLERANCE = 0.001

__all__ = ["RECONCILE_TOLERANCE", "select_rows", "mapping_used", "reconcile_totals", "map_lines",
           "line_metrics", "category_metrics", "total_metrics", "check_contributions", "share_history",
           "excluded_counts"]


def select_rows(filings: pd.DataFrame, companies: Sequence[str], period: str, breakdown: str,
                base_year: int, year: int, *, source: str = "filings") -> pd.DataFrame:
    """Rows of the chosen companies, period and breakdown for ``base_year <= fiscal_year <= year``.

    ``filings`` is the output of :func:`helpers.revenue.load.load_filings`; ``base_year`` and
    ``year`` bound an inclusive window; ``source`` names the file in errors. Returns the
    selected rows in file order.

    Raises
    ------
    ParameterError
        If a company is not in the file or has no rows for ``year`` and ``year - 1``.

    Notes
    -----
    Filter only: :math:`rows = \\{r : company_r \\in C, period_r = p, breakdown_r = b,
    base\\_year \\le year_r \\le year\\}`.

    Examples
    --------
    >>> from helpers.revenue.load import load_filings
    >>> f = load_filings("data/raw/filings.csv")
    >>> len(select_rows(f, ["Coupang Corp"], "FY", "type", 2023, 2024))
    6
    """
    require_subset("companies", companies, sorted(filings["company"].unique()))
    rows = filings[filings["company"].isin(list(companies)) & (filings["period"] == period)
                   & (filings["breakdown"] == breakdown) & filings["fiscal_year"].between(base_year, year)]
    for company in companies:
        years = set(rows.loc[rows["company"] == company, "fiscal_year"])
        missing = [y for y in (year - 1, year) if y not in years]
        if missing:
            raise ParameterError(f"parameter 'year' = {year!r}: {company!r} has no {period} {breakdown} rows "
                                 f"for {missing} in {source}")
    return rows.reset_index(drop=True)


def mapping_used(mapping: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """The mapping rows behind the selected figures (with ``note`` when the file has one).

    Parameters
    ----------
    mapping : DataFrame
        Output of :func:`load_mapping`.
    rows : DataFrame
        Selected filings rows (``company``, ``line``).

    Returns
    -------
    DataFrame
        ``company, line, category[, note]``, in mapping-file order.

    Notes
    -----
    Filter: :math:`\\{m : (company_m, line_m) \\in rows\\}`.

    Examples
    --------
    >>> from helpers.revenue.load import load_mapping
    >>> m = load_mapping("data/raw/line_mapping.csv")
    >>> rows = pd.DataFrame({"company": ["Amazon"], "line": ["AWS"]})
    >>> mapping_used(m, rows)[["line", "category"]].to_numpy().tolist()
    [['AWS', 'cloud']]
    """
    used = rows[["company", "line"]].drop_duplicates()
    cols = ["company", "line", "category"] + (["note"] if "note" in mapping.columns else [])
    return mapping.merge(used, on=["company", "line"], how="inner")[cols]


def reconcile_totals(filings: pd.DataFrame, companies: Sequence[str], period: str, breakdown: str,
                     *, tolerance: float = RECONCILE_TOLERANCE) -> pd.DataFrame:
    """Compare the sum of the lines with the reported total, per company and year.

    Parameters
    ----------
    filings : DataFrame
        Output of :func:`load_filings`.
    companies : list of str
    period, breakdown : str
    tolerance : float
        Largest allowed relative gap, 0 <= tolerance < 1 (default 0.1%).

    Returns
    -------
    DataFrame
        ``company, fiscal_year, currency, lines_sum, reported_total, gap, rel_gap, ok,
        total_line`` in whole units of the reporting currency; only years whose lines and
        reported total share one currency (sums across currencies are not reconciled).

    Notes
    -----
    :math:`gap = \\sum_i line_i - total`, :math:`rel\\_gap = gap / total`,
    ok when :math:`|rel\\_gap| \\le tolerance`.

    Examples
    --------
    >>> from helpers.revenue.load import load_filings, load_mapping
    >>> f = load_filings("data/raw/filings.csv")
    >>> bool(reconcile_totals(f, ["Amazon"], "FY", "type")["ok"].all())
    True
    """
    sel = filings[filings["company"].isin(list(companies)) & (filings["period"] == period)]
    lines = (sel[sel["breakdown"] == breakdown].groupby(["company", "fiscal_year"], as_index=False)
             .agg(lines_sum=("value", "sum"), currency=("currency", lambda s: "/".join(sorted(set(s))))))
    totals = (sel[sel["breakdown"] == "total"]
              .rename(columns={"value": "reported_total", "csv_line": "total_line"})
              [["company", "fiscal_year", "currency", "reported_total", "total_line"]])
    out = lines.merge(totals, on=["company", "fiscal_year", "currency"], how="inner")
    out["gap"] = out["lines_sum"] - out["reported_total"]
    out["rel_gap"] = out["gap"] / out["reported_total"].where(out["reported_total"] > 0)
    out["ok"] = out["rel_gap"].abs() <= tolerance
    return out[["company", "fiscal_year", "currency", "lines_sum", "reported_total", "gap", "rel_gap", "ok",
                "total_line"]].reset_index(drop=True)


def map_lines(rows: pd.DataFrame, mapping: pd.DataFrame, *, filings_source: str = "filings",
              mapping_source: str = "line_mapping") -> pd.DataFrame:
    """Attach the analyst's ``category`` to every row.

    Parameters
    ----------
    rows : DataFrame
        Filings rows (``company``, ``line``, ``csv_line``).
    mapping : DataFrame
        Output of :func:`load_mapping`.
    filings_source, mapping_source : str
        File names used in errors.

    Returns
    -------
    DataFrame
        ``rows`` with a ``category`` column.

    Raises
    ------
    DataContractError
        If a (company, line) has no mapping, naming both files, the line and its CSV line.

    Notes
    -----
    :math:`category(r) = mapping[(company_r, line_r)]`; no default category.

    Examples
    --------
    >>> from helpers.revenue.load import load_filings, load_mapping
    >>> f = load_filings("data/raw/filings.csv")
    >>> r = select_rows(f, ["Coupang Corp"], "FY", "type", 2023, 2024)
    >>> sorted(map_lines(r, load_mapping("data/raw/line_mapping.csv"))["category"].unique())
    ['marketplace_services', 'membership_other', 'retail_1p']
    """
    out = rows.merge(mapping[["company", "line", "category"]], on=["company", "line"], how="left",
                     validate="many_to_one")
    missing = out[out["category"].isna()]
    if len(missing):
        pairs = missing[["company", "line"]].drop_duplicates().head(5).to_dict("records")
        lines = ", ".join(str(v) for v in missing["csv_line"].head(5))
        raise DataContractError(
            f"{mapping_source} (line_mapping): no category for {pairs} (used in {filings_source} "
            f"line {lines}); add a row 'company,line,category' for each")
    return out


def _basis(rows: pd.DataFrame) -> pd.DataFrame:
    """Growth basis: the reporting currency, or the chosen one for companies that mix currencies."""
    out = rows.copy()
    mixed = out.groupby("company")["currency"].transform("nunique") > 1
    out["basis"] = np.where(mixed, out["amount_conv"], out["value"])
    return out


def _period_frames(rows: pd.DataFrame, year: int, by: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    cur = rows[rows["fiscal_year"] == year]
    prev = rows[rows["fiscal_year"] == year - 1]
    a = set(map(tuple, cur[["company", by]].drop_duplicates().to_numpy().tolist()))
    b = set(map(tuple, prev[["company", by]].drop_duplicates().to_numpy().tolist()))
    for company, name in sorted(a ^ b):
        has, lacks = (year, year - 1) if (company, name) in a else (year - 1, year)
        line = rows.loc[(rows["company"] == company) & (rows[by] == name), "csv_line"].iloc[0]
        raise DataContractError(
            f"filings: {company!r} {by} {name!r} has a figure for {has} (line {line}) but none for "
            f"{lacks}; YoY and contribution need both years — add it, or exclude its category")
    return cur, prev


def _metrics(rows: pd.DataFrame, year: int, by: str) -> pd.DataFrame:
    rows = _basis(rows)
    cur, prev = _period_frames(rows, year, by)
    total_cur = cur.groupby("company")["basis"].sum()
    total_prev = prev.groupby("company")["basis"].sum()
    for company, tot in list(total_cur.items()) + list(total_prev.items()):
        if not tot > 0:
            raise DataContractError(f"filings: total revenue of {company!r} is {tot}; shares are undefined")
    status_cur = cur.groupby("company")["status"].agg(weakest_status)
    status_prev = prev.groupby("company")["status"].agg(weakest_status)
    agg = {"basis": "sum", "amount_conv": "sum", "status": weakest_status}
    g_cur = cur.groupby(["company", by], sort=False, as_index=False).agg(agg)
    g_prev = (prev.groupby(["company", by], as_index=False).agg(agg)
              .rename(columns={"basis": "prior", "amount_conv": "prior_conv", "status": "prior_status"}))
    out = g_cur.merge(g_prev, on=["company", by], how="left", validate="one_to_one")
    out["share"] = out["basis"] / out["company"].map(total_cur)
    out["prior_share"] = out["prior"] / out["company"].map(total_prev)
    out["yoy"] = np.where(out["prior"] > 0, out["basis"] / out["prior"].where(out["prior"] > 0) - 1, np.nan)
    out["contribution"] = (out["basis"] - out["prior"]) / out["company"].map(total_prev)
    # CAGR from the first year on file in the window
    sums = rows.groupby(["company", by, "fiscal_year"], as_index=False).agg(
        basis=("basis", "sum"), status=("status", weakest_status))
    first = sums.sort_values("fiscal_year").groupby(["company", by], as_index=False).first()
    first = first.rename(columns={"fiscal_year": "from_year", "basis": "from_value", "status": "from_status"})
    out = out.merge(first, on=["company", by], how="left")
    n = year - out["from_year"]
    ok = (out["from_value"] > 0) & (n > 0)
    out["cagr"] = np.where(ok, (out["basis"] / out["from_value"].where(ok)) ** (1 / n.where(ok)) - 1, np.nan)
    undefined = out[out["yoy"].isna() | out["cagr"].isna()]
    if len(undefined):
        r = undefined.iloc[0]
        raise DataContractError(
            f"filings: {r['company']!r} {by} {r[by]!r} is 0 in {year - 1} or in {int(r['from_year'])}; "
            "its YoY growth or CAGR is undefined — exclude its category or start the window later")
    out["cagr_status"] = [weakest_status([s, fs]) for s, fs in zip(out["status"], out["from_status"], strict=True)]
    out["status"] = [weakest_status([s, ps, status_cur[c], status_prev[c]])
                     for s, ps, c in zip(out["status"], out["prior_status"], out["company"], strict=True)]
    return out


def line_metrics(rows: pd.DataFrame, year: int) -> pd.DataFrame:
    """Share, YoY, CAGR and contribution to growth of every line in the focus year.

    Parameters
    ----------
    rows : DataFrame
        Output of :func:`convert` (selected, mapped, converted rows).
    year : int
        Focus fiscal year; rows for ``year - 1`` must exist for every line.

    Returns
    -------
    DataFrame
        One row per (company, line): ``category, amount_conv`` (chosen currency), ``basis``
        and ``prior`` (reporting currency), ``share, prior_share, yoy, from_year, cagr,
        contribution``, ``status`` (weakest label of the figures of ``year`` and ``year - 1``
        behind share, YoY and contribution), ``cagr_status`` (weakest of the line in
        ``from_year`` and ``year``), ``key`` (slug of the line).

    Raises
    ------
    DataContractError
        If a line lacks ``year`` or ``year - 1``, or a company's total is not positive.

    Notes
    -----
    For line i of a company with total :math:`T_t = \\sum_i x_{i,t}`:

    .. math::
        share_i = x_{i,t} / T_t,\\quad yoy_i = x_{i,t}/x_{i,t-1} - 1,\\quad
        contribution_i = (x_{i,t} - x_{i,t-1}) / T_{t-1},\\quad
        cagr_i = (x_{i,t}/x_{i,t_0})^{1/(t-t_0)} - 1

    with :math:`t_0` the first year on file at or after ``base_year``. Contributions sum to
    the total's growth :math:`T_t/T_{t-1} - 1`.

    Examples
    --------
    >>> r = pd.DataFrame({"company": ["A"] * 4, "line": ["x", "y", "x", "y"],
    ...     "category": ["c1", "c2", "c1", "c2"], "fiscal_year": [2023, 2023, 2024, 2024],
    ...     "currency": ["USD"] * 4, "value": [60.0, 40.0, 66.0, 54.0],
    ...     "amount_conv": [60.0, 40.0, 66.0, 54.0], "status": ["VERIFIED-1"] * 4,
    ...     "csv_line": [2, 3, 4, 5]})
    >>> line_metrics(r, 2024)[["line", "share", "yoy", "contribution"]].round(2).to_numpy().tolist()
    [['x', 0.55, 0.1, 0.06], ['y', 0.45, 0.35, 0.14]]
    """
    cats = rows[["company", "line", "category"]].drop_duplicates(["company", "line"])
    out = _metrics(rows, year, "line").merge(cats, on=["company", "line"], how="left")
    out["key"] = out["line"].map(slug)
    cols = ["company", "line", "category", "amount_conv", "basis", "prior", "share", "prior_share",
            "yoy", "from_year", "cagr", "contribution", "status", "cagr_status", "key"]
    return out[cols]


def category_metrics(rows: pd.DataFrame, year: int) -> pd.DataFrame:
    """Share, YoY, CAGR and contribution per mapped category (sums of its lines).

    Parameters
    ----------
    rows : DataFrame
        Output of :func:`convert`.
    year : int
        Focus fiscal year.

    Returns
    -------
    DataFrame
        One row per (company, category), columns as :func:`line_metrics`.

    Raises
    ------
    DataContractError
        As :func:`line_metrics`.

    Notes
    -----
    :math:`x_{k,t} = \\sum_{i \\in k} x_{i,t}`, then the formulas of :func:`line_metrics`.

    Examples
    --------
    >>> r = pd.DataFrame({"company": ["A"] * 4, "line": ["x", "y", "x", "y"],
    ...     "category": ["c1", "c1", "c1", "c1"], "fiscal_year": [2023, 2023, 2024, 2024],
    ...     "currency": ["USD"] * 4, "value": [60.0, 40.0, 66.0, 54.0],
    ...     "amount_conv": [60.0, 40.0, 66.0, 54.0], "status": ["VERIFIED-1"] * 4,
    ...     "csv_line": [2, 3, 4, 5]})
    >>> float(category_metrics(r, 2024)["yoy"].iloc[0].round(2))
    0.2
    """
    out = _metrics(rows, year, "category")
    cols = ["company", "category", "amount_conv", "basis", "prior", "share", "prior_share", "yoy",
            "from_year", "cagr", "contribution", "status", "cagr_status"]
    return out[cols]


def total_metrics(rows: pd.DataFrame, year: int) -> pd.DataFrame:
    """Total revenue per company in the focus year, its growth and the rate used.

    Parameters
    ----------
    rows : DataFrame
        Output of :func:`convert`.
    year : int
        Focus fiscal year.

    Returns
    -------
    DataFrame
        ``company, currency`` (chosen), ``total`` (chosen currency, whole units), ``rate``
        (chosen units per reporting unit in ``year``), ``basis_currency, total_basis,
        prior_total, total_yoy, from_year, total_cagr, status, cagr_status, rate_status``.

    Raises
    ------
    DataContractError
        As :func:`line_metrics`.

    Notes
    -----
    :math:`T_t = \\sum_i x_{i,t}`, :math:`yoy = T_t / T_{t-1} - 1`,
    :math:`cagr = (T_t / T_{t_0})^{1/(t - t_0)} - 1`; ``total`` is :math:`T_t` times the rate.

    Examples
    --------
    >>> r = pd.DataFrame({"company": ["A"] * 4, "line": ["x", "y", "x", "y"],
    ...     "category": ["c1", "c2", "c1", "c2"], "fiscal_year": [2023, 2023, 2024, 2024],
    ...     "currency": ["USD"] * 4, "value": [60.0, 40.0, 66.0, 54.0],
    ...     "amount_conv": [60.0, 40.0, 66.0, 54.0], "rate": [1.0] * 4,
    ...     "rate_status": ["VERIFIED-2"] * 4, "status": ["VERIFIED-1"] * 4, "csv_line": [2, 3, 4, 5]})
    >>> float(total_metrics(r, 2024)["total_yoy"].iloc[0].round(2))
    0.2
    """
    tmp = rows.assign(all_lines="total")
    m = _metrics(tmp, year, "all_lines")
    cur = _basis(rows)
    cur = cur[cur["fiscal_year"] == year]
    info = cur.groupby("company", sort=False).agg(
        rate=("rate", "mean"), rate_status=("rate_status", weakest_status),
        basis_currency=("currency", lambda s: s.iloc[0] if s.nunique() == 1 else "converted"))
    out = m.merge(info, left_on="company", right_index=True, how="left")
    out = out.rename(columns={"amount_conv": "total", "basis": "total_basis", "prior": "prior_total",
                              "yoy": "total_yoy", "cagr": "total_cagr"})
    return out[["company", "total", "rate", "basis_currency", "total_basis", "prior_total", "total_yoy",
                "from_year", "total_cagr", "status", "cagr_status", "rate_status"]]


def check_contributions(lines: pd.DataFrame, totals: pd.DataFrame, *, tol: float = 1e-9) -> pd.DataFrame:
    """Check that line contributions add up to each company's total growth.

    Parameters
    ----------
    lines : DataFrame
        Output of :func:`line_metrics`.
    totals : DataFrame
        Output of :func:`total_metrics`.
    tol : float
        Largest allowed absolute gap (fraction).

    Returns
    -------
    DataFrame
        ``company, contributions_sum, total_yoy, gap``.

    Raises
    ------
    ValueError
        If a gap exceeds ``tol`` (a broken decomposition, never expected).

    Notes
    -----
    :math:`\\sum_i (x_{i,t} - x_{i,t-1}) / T_{t-1} = T_t / T_{t-1} - 1`.

    Examples
    --------
    >>> lines = pd.DataFrame({"company": ["A", "A"], "contribution": [0.06, 0.14]})
    >>> totals = pd.DataFrame({"company": ["A"], "total_yoy": [0.2]})
    >>> float(check_contributions(lines, totals)["gap"].abs().iloc[0]) < 1e-12
    True
    """
    s = lines.groupby("company", as_index=False).agg(contributions_sum=("contribution", "sum"))
    out = s.merge(totals[["company", "total_yoy"]], on="company", how="outer")
    out["gap"] = out["contributions_sum"] - out["total_yoy"]
    bad = out[~(out["gap"].abs() <= tol)]
    if len(bad):
        raise ValueError(f"contributions do not sum to total growth: {bad.to_dict('records')}")
    return out


def share_history(rows: pd.DataFrame, by: str = "category") -> pd.DataFrame:
    """Share of each category (or line) in every company-year of ``rows``.

    Parameters
    ----------
    rows : DataFrame
        Output of :func:`convert`.
    by : str
        ``"category"`` or ``"line"``.

    Returns
    -------
    DataFrame
        ``company, fiscal_year, <by>, share, status``; shares of a company-year sum to 1.

    Raises
    ------
    ValueError
        If ``by`` is not ``category`` or ``line``.

    Notes
    -----
    :math:`share_{k,t} = \\sum_{i \\in k} x_{i,t} / \\sum_i x_{i,t}` (currency-free).

    Examples
    --------
    >>> r = pd.DataFrame({"company": ["A", "A"], "fiscal_year": [2024, 2024], "category": ["a", "b"],
    ...                   "currency": ["USD"] * 2, "value": [1.0, 3.0], "amount_conv": [1.0, 3.0],
    ...                   "status": ["VERIFIED-1"] * 2})
    >>> share_history(r)["share"].tolist()
    [0.25, 0.75]
    """
    if by not in ("category", "line"):
        raise ValueError(f"by = {by!r} must be 'category' or 'line'")
    b = _basis(rows)
    g = b.groupby(["company", "fiscal_year", by], sort=False, as_index=False).agg(
        basis=("basis", "sum"), status=("status", weakest_status))
    g["share"] = g["basis"] / g.groupby(["company", "fiscal_year"])["basis"].transform("sum")
    return g[["company", "fiscal_year", by, "share", "status"]]


def excluded_counts(excluded: pd.DataFrame) -> pd.DataFrame:
    """Rows left out by ``exclude_categories``, per company and category.

    Returns
    -------
    DataFrame
        ``company, category, rows_excluded``; empty (same columns) when nothing was excluded.

    Examples
    --------
    >>> excluded_counts(pd.DataFrame({"company": ["A", "A"], "category": ["cloud", "cloud"]}))
      company category  rows_excluded
    0       A    cloud              2
    """
    if excluded.empty:
        return pd.DataFrame({"company": pd.Series(dtype=str), "category": pd.Series(dtype=str),
                             "rows_excluded": pd.Series(dtype=int)})
    return (excluded.groupby(["company", "category"], as_index=False).size()
            .rename(columns={"size": "rows_excluded"}))
