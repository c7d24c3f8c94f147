"""Segments checked out of sample: RFM on a calibration period, what each segment did next.

The segments are built from the purchases up to ``calibration_end`` only; the holdout period
``(calibration_end, holdout_end]`` then shows each segment's revenue per customer and repeat rate,
beside the BG/NBD model's P(alive) and expected purchases fitted on the same calibration data
(Fader, Hardie & Lee 2005: CDNOW, 39 weeks of calibration and 39 of holdout).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers.btyd import clv
from helpers.btyd.summary import summary_from_transactions
from helpers.contracts import ParameterError
from helpers.segments.load import prepare_transactions
from helpers.segments.rfm import SEGMENTS, customer_table, rfm_segments

#: Columns of :attr:`Validation.table`.
COLUMNS = ("customers", "next_revenue_per_customer", "next_repeat_rate", "next_purchases_per_customer",
           "expected_purchases_per_customer", "p_alive")


@dataclass(frozen=True)
class Validation:
    """The out-of-sample check: one row per segment, the periods and the BG/NBD fit."""

    table: pd.DataFrame
    calibration_end: pd.Timestamp
    holdout_end: pd.Timestamp
    holdout_weeks: float
    customers: int
    fit: clv.ModelFit
    #: One row per calibration customer: ``segment``, ``next_revenue``, ``next_purchases``,
    #: ``repeated`` (1 if any purchase in the holdout), ``expected`` and ``p_alive`` (BG/NBD).
    per: pd.DataFrame | None = None


def _day_end(day: pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(day).normalize() + pd.Timedelta(days=1)


def default_calibration_end(transactions: pd.DataFrame) -> pd.Timestamp:
    """The middle day between the first and the last purchase (CDNOW: 1997-09-30, FHL's 39 weeks).

    Examples
    --------
    >>> tx = pd.DataFrame({"date": pd.to_datetime(["1997-01-01", "1998-06-30"])})
    >>> str(default_calibration_end(tx).date())
    '1997-09-30'
    """
    first, last = transactions["date"].min().normalize(), transactions["date"].max().normalize()
    return first + pd.Timedelta(days=(last - first).days // 2)


def validate_segments(transactions: pd.DataFrame, *, calibration_end: str | None = None,
                      holdout_end: str | None = None,
                      returns: str = "drop", freq: str = "D", bins: int = 5,
                      monetary: str = "average") -> Validation:
    """RFM segments on the calibration period and each segment's next-period behaviour.

    Parameters
    ----------
    transactions : DataFrame
        Raw purchase lines (``customer_id``, ``date``, ``amount`` in one currency, e.g. USD),
        returns not yet handled.
    calibration_end : ISO date, optional
        Last day of the calibration period; segments use only purchases up to it. Default: the
        middle day of the data (:func:`default_calibration_end`).
    holdout_end : ISO date, optional
        Last day of the holdout period; default: the day of the last purchase.
    returns, freq, bins, monetary
        As in :func:`helpers.segments.load.prepare_transactions`,
        :func:`helpers.segments.rfm.customer_table` and :func:`helpers.segments.rfm.rfm_segments`.

    Returns
    -------
    Validation
        ``table`` indexed by segment (all nine; NaN where empty): ``customers``,
        ``next_revenue_per_customer`` (holdout revenue / customers, currency of ``amount``),
        ``next_repeat_rate`` (share with a purchase in the holdout), ``next_purchases_per_customer``
        (purchase days in the holdout), ``expected_purchases_per_customer`` and ``p_alive``
        (BG/NBD means, weeks of 7 days).

    Raises
    ------
    ParameterError
        ``calibration_end`` not before the last purchase or before the first one, or
        ``holdout_end`` not after ``calibration_end`` or after the last purchase.
    DataContractError
        As the loaders and the summary.

    Notes
    -----
    For segment :math:`g` with calibration customers :math:`C_g` and holdout revenue
    :math:`y_c` and purchase days :math:`n_c`:

    .. math:: \\text{next revenue}_g = \\frac{1}{|C_g|}\\sum_{c \\in C_g} y_c,\\qquad
              \\text{next repeat rate}_g = \\frac{|\\{c \\in C_g : n_c > 0\\}|}{|C_g|}

    compared with :math:`\\frac{1}{|C_g|}\\sum_c E[Y_c(t)]` and :math:`\\frac{1}{|C_g|}\\sum_c
    P(\\text{alive}_c)` of the BG/NBD fit (:mod:`helpers.btyd.clv`), :math:`t` = holdout weeks.
    Customers who first buy in the holdout are not in any segment and are left out.

    Examples
    --------
    >>> from helpers.btyd.cdnow import load_cdnow
    >>> v = validate_segments(load_cdnow("data/raw/CDNOW_sample.txt"), calibration_end="1997-09-30")
    >>> v.customers, round(v.holdout_weeks, 1), int(v.table["customers"].sum())
    (2349, 39.0, 2349)
    """
    dates = transactions["date"]
    cal_end, hold_end = check_periods(pd.Timestamp(dates.min()), pd.Timestamp(dates.max()),
                                      calibration_end, holdout_end,
                                      default_calibration_end(transactions))
    cal, _ = prepare_transactions(transactions, returns=returns, observation_end=cal_end)
    allp, _ = prepare_transactions(transactions, returns=returns, observation_end=hold_end)
    hold = allp[allp["date"] >= _day_end(cal_end)]
    scored = rfm_segments(customer_table(cal, observation_end=cal_end, freq=freq), bins=bins,
                          monetary=monetary)
    weekly = summary_from_transactions(cal, observation_end=cal_end, freq="D", freq_multiplier=7)
    next_revenue = hold.groupby("customer_id")["amount"].sum()
    next_days = hold.assign(day=hold["date"].dt.normalize()).groupby("customer_id")["day"].nunique()
    return segment_validation(scored, weekly, next_revenue, next_days, cal_end, hold_end)


def check_periods(first: pd.Timestamp, last: pd.Timestamp, calibration_end: str | None,
                  holdout_end: str | None, default_end: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The calibration and holdout ends, checked against the first and last purchase (see
    :func:`validate_segments`, Raises)."""
    cal_end = default_end if calibration_end is None else pd.Timestamp(calibration_end)
    hold_end = last.normalize() if holdout_end is None else pd.Timestamp(holdout_end)
    if not first <= cal_end < last.normalize():
        raise ParameterError(f"parameter 'calibration_end' = {calibration_end!r} must fall between the first "
                             f"purchase ({first.date()}) and the day before the last ({last.date()})")
    if hold_end <= cal_end:
        raise ParameterError(f"parameter 'holdout_end' = {holdout_end!r} must be after calibration_end "
                             f"{cal_end.date()}")
    if hold_end > last.normalize():
        raise ParameterError(f"parameter 'holdout_end' = {holdout_end!r} is after the last purchase "
                             f"({last.date()}): the holdout would count days without data")
    return cal_end, hold_end


def segment_validation(scored: pd.DataFrame, weekly: pd.DataFrame, next_revenue: pd.Series,
                       next_days: pd.Series, cal_end: pd.Timestamp, hold_end: pd.Timestamp) -> Validation:
    """The per-segment table from the calibration segments, the weekly BTYD summary and each
    customer's holdout revenue and purchase days (one row per customer each; BG/NBD fitted here)."""
    fit = clv.fit_bgnbd(weekly["frequency"], weekly["recency"], weekly["T"])
    weeks = ((hold_end - cal_end).days) / 7
    per = pd.DataFrame(index=scored.index)
    per["segment"] = scored["segment"]
    per["next_revenue"] = next_revenue.reindex(per.index).fillna(0.0).astype("float64")
    per["next_purchases"] = next_days.reindex(per.index).fillna(0).astype("float64")
    w = weekly.reindex(per.index)
    per["expected"] = clv.expected_purchases(fit.params, weeks, w["frequency"], w["recency"], w["T"])
    per["p_alive"] = clv.probability_alive(fit.params, w["frequency"], w["recency"], w["T"])
    per["repeated"] = (per["next_purchases"] > 0).astype("float64")
    g = per.groupby("segment")
    table = pd.DataFrame({
        "customers": g.size(),
        "next_revenue_per_customer": g["next_revenue"].mean(),
        "next_repeat_rate": g["next_purchases"].apply(lambda s: float((s > 0).mean())),
        "next_purchases_per_customer": g["next_purchases"].mean(),
        "expected_purchases_per_customer": g["expected"].mean(),
        "p_alive": g["p_alive"].mean(),
    }).reindex(list(SEGMENTS))
    table["customers"] = table["customers"].fillna(0).astype("int64")
    table.index.name = "segment"
    return Validation(table=table[list(COLUMNS)], calibration_end=cal_end, holdout_end=hold_end,
                      holdout_weeks=weeks, customers=len(per), fit=fit, per=per)


def rank_agreement(table: pd.DataFrame, column: str = "next_revenue_per_customer",
                   against: str = "expected_purchases_per_customer") -> float:
    """Spearman rank correlation over the non-empty segments between two columns of the table.

    Examples
    --------
    >>> t = pd.DataFrame({"customers": [3, 2, 0], "a": [1.0, 2.0, None], "b": [10.0, 30.0, None]})
    >>> round(rank_agreement(t, "a", "b"), 6)
    1.0
    """
    t = table[table["customers"] > 0]
    return float(t[column].rank().corr(t[against].rank()))


def split_ends(calibration_end: pd.Timestamp, holdout_end: pd.Timestamp, first: pd.Timestamp, splits: int,
               step_days: int, min_calibration_days: int = 28) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Calibration and holdout ends of up to ``splits`` rolling-origin checks: the given one, then
    each ``step_days`` earlier with a holdout of the same length, while the calibration period
    still spans ``min_calibration_days`` from the first purchase (where the data allow).

    Examples
    --------
    >>> ends = split_ends(pd.Timestamp("1997-09-30"), pd.Timestamp("1998-06-30"),
    ...                   pd.Timestamp("1997-01-01"), 3, 91)
    >>> [(str(c.date()), str(h.date())) for c, h in ends]
    [('1997-09-30', '1998-06-30'), ('1997-07-01', '1998-03-31'), ('1997-04-01', '1997-12-30')]
    >>> len(split_ends(pd.Timestamp("1997-02-10"), pd.Timestamp("1997-06-30"), pd.Timestamp("1997-01-01"), 3, 91))
    1
    """
    out = [(pd.Timestamp(calibration_end), pd.Timestamp(holdout_end))]
    for j in range(1, int(splits)):
        step = pd.Timedelta(days=j * int(step_days))
        cal = out[0][0] - step
        if (cal - pd.Timestamp(first).normalize()).days < min_calibration_days:
            break
        out.append((cal, out[0][1] - step))
    return out
