"""Where notebook 06's purchases come from, and which engine summarises them.

A CDNOW text file (master or sample layout) is read in pandas and summarised by the pandas
reference functions (engine ``"pandas"``). Anything else — a CSV following the ``transactions``
contract, a Parquet file, glob or folder, or a database table named by an Ibis URL and a table
name (``duckdb:///path/shop.duckdb`` + ``transactions_table``) — is opened lazily with
:func:`helpers.warehouse.sources.read_source`, checked on its engine and summarised there
(:mod:`helpers.warehouse`): only one row per customer comes back to pandas. Both paths give the
same customer table, RFM scores and concentration figures (tested to 1e-9 in
``tests/segments/test_sources.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.btyd.cdnow import load_cdnow
from helpers.btyd.schemas import TRANSACTIONS
from helpers.config import resolve_path
from helpers.contracts import ParameterError
from helpers.segments.concentration import concentration_summary
from helpers.segments.load import RETURNS, prepare_transactions
from helpers.segments.report import TransactionsInfo, describe_transactions
from helpers.segments.rfm import customer_table, rfm_segments
from helpers.warehouse.sources import _URL, CSV_SUFFIXES, PARQUET_SUFFIXES


def is_cdnow_text(path: str | Path, table: str = "") -> bool:
    """True when ``path`` is a CDNOW text layout (read in pandas): not a URL, CSV or Parquet.

    Examples
    --------
    >>> is_cdnow_text("data/raw/CDNOW_sample.txt"), is_cdnow_text("x.parquet"), is_cdnow_text("duckdb:///a.db", "tx")
    (True, False, False)
    """
    text = str(path).strip()
    lower = text.lower()
    if table or _URL.match(text) or lower.endswith(CSV_SUFFIXES + PARQUET_SUFFIXES) or "*" in text:
        return False
    return not resolve_path(text).is_dir()


@dataclass
class Purchases:
    """The purchases of one run: the engine, the kept purchases, the data-quality table, a summary.

    ``tx`` is a pandas frame (engine ``"pandas"``) or a lazy Ibis table (any other engine);
    ``checked`` the source as read and checked (before returns), ``raw`` the pandas frame of a
    CDNOW text file. :meth:`frame` gives the source lines as pandas (the out-of-sample check
    still needs them in memory).
    """

    engine: str
    tx: Any
    quality: pd.DataFrame
    info: TransactionsInfo
    source: str
    returns: str
    raw: pd.DataFrame | None = None
    checked: Any = None

    @property
    def on_engine(self) -> bool:
        """True when the aggregations run on an Ibis backend, not in pandas."""
        return self.engine != "pandas"

    def frame(self) -> pd.DataFrame:
        """The source lines (``customer_id, date, amount`` and optional columns) as pandas."""
        if self.raw is None:
            raw = self.checked.execute()
            raw["date"] = pd.to_datetime(raw["date"])
            self.raw = raw.sort_values(["customer_id", "date"], kind="stable").reset_index(drop=True)
        return self.raw


def _name(path: str, table: str) -> str:
    if table:
        return table
    file = resolve_path(path.rstrip("/*"))
    return "CDNOW" if file.name.upper().startswith("CDNOW") else file.name


def _describe_table(name: str, checked, tx) -> TransactionsInfo:
    got = tx.aggregate(purchases=tx.count(), customers=tx.customer_id.nunique(), start=tx.date.min(),
                       end=tx.date.max()).execute().iloc[0]
    first = tx.group_by("customer_id").aggregate(first=tx.date.min())
    firsts = first.aggregate(lo=first["first"].min(), hi=first["first"].max()).execute().iloc[0]
    return TransactionsInfo(name=name, lines_read=int(checked.count().execute()),
                            purchases=int(got["purchases"]), customers=int(got["customers"]),
                            start=pd.Timestamp(got["start"]), end=pd.Timestamp(got["end"]),
                            first_purchase_from=pd.Timestamp(firsts["lo"]),
                            first_purchase_to=pd.Timestamp(firsts["hi"]))


def open_transactions(path: str, table: str = "", *, returns: str = "drop",
                      observation_end: str | pd.Timestamp | None = None,
                      param: str = "transactions_path", con: Any = None) -> Purchases:
    """Read, check and clean the purchases; summarise on the engine that holds them.

    Parameters
    ----------
    path : str
        A CDNOW text file, a CSV following the ``transactions`` contract, a Parquet file, glob or
        folder, or an Ibis connection URL (``duckdb:///abs/path/shop.duckdb``).
    table : str
        Table name when ``path`` is a URL (``schema.table`` allowed); empty for files.
    returns : {"drop", "net"}
        As :func:`helpers.segments.load.prepare_transactions`. ``"net"`` matches each return to
        an earlier purchase in pandas, so the source lines are read into memory.
    observation_end : date, optional
        Lines after this day are excluded and counted.
    con : Ibis backend, optional
        Where files are read (default: the shared in-process DuckDB).

    Returns
    -------
    Purchases

    Raises
    ------
    ParameterError
        Missing file, a URL without a table, an unknown table (naming ``param``), bad ``returns``.
    DataContractError
        A source that breaks the CDNOW layout or the ``transactions`` contract.

    Examples
    --------
    >>> p = open_transactions("data/raw/CDNOW_sample.txt", observation_end="1998-06-30")
    >>> p.engine, p.info.customers
    ('pandas', 2349)
    """
    from helpers.contracts import require_file

    if returns not in RETURNS:
        raise ParameterError(f"parameter 'returns' = {returns!r} is not allowed; choose one of {list(RETURNS)}")
    if is_cdnow_text(path, table):
        raw = load_cdnow(require_file(param, path))
        tx, quality = prepare_transactions(raw, returns=returns, observation_end=observation_end)
        return Purchases("pandas", tx, quality, describe_transactions(path, raw, tx), str(path), returns, raw=raw)
    from helpers.warehouse.contracts import check
    from helpers.warehouse.sources import parse_source, read_source
    from helpers.warehouse.summary import drop_returns

    spec = parse_source(path, table=table or None, param=param)
    checked = check(read_source(path, table=table or None, param=param, con=con), TRANSACTIONS,
                    source=spec.label)
    engine = checked._find_backend(use_default=True).name
    name = _name(str(path), table)
    if returns == "net":
        # the as-of netting runs in pandas: the lines come into memory, pandas aggregates
        out = Purchases("pandas", None, pd.DataFrame(), None, spec.label, returns, checked=checked)  # type: ignore[arg-type]
        raw = out.frame()
        out.tx, out.quality = prepare_transactions(raw, returns="net", observation_end=observation_end)
        out.info = describe_transactions(name, raw, out.tx)
        return out
    tx, quality = drop_returns(checked, observation_end=observation_end, source=spec.label)
    return Purchases(engine, tx, quality, _describe_table(name, checked, tx), spec.label, returns,
                     checked=checked)


def _is_table(tx: Any) -> bool:
    return not isinstance(tx, pd.DataFrame)


def customers_of(purchases: Purchases, *, observation_end: str | pd.Timestamp | None = None,
                 freq: str = "D") -> pd.DataFrame:
    """The per-customer RFM inputs (:func:`helpers.segments.rfm.customer_table`), on the purchases' engine."""
    if not _is_table(purchases.tx):
        return customer_table(purchases.tx, observation_end=observation_end, freq=freq)
    from helpers.warehouse.summary import customer_table_from_table

    return customer_table_from_table(purchases.tx, observation_end=observation_end, freq=freq,
                                     source=purchases.source)


def rfm_of(purchases: Purchases, customers: pd.DataFrame, *, bins: int = 5,
           monetary: str = "average") -> pd.DataFrame:
    """RFM scores and segments (:func:`helpers.segments.rfm.rfm_segments`), on the purchases' engine."""
    if not _is_table(purchases.tx):
        return rfm_segments(customers, bins=bins, monetary=monetary)
    from helpers.warehouse.rfm import rfm_from_table

    out = rfm_from_table(customers, bins=bins, monetary=monetary)
    out.attrs.update(customers.attrs)
    return out[[*customers.columns, "r_score", "f_score", "m_score", "fm_score", "segment"]]


def concentration_of(purchases: Purchases, customers: pd.DataFrame, *, top_pcts: list[float],
                     claim_visitor_pct: float) -> pd.DataFrame:
    """The concentration summary (:func:`helpers.segments.concentration.concentration_summary`),
    on the purchases' engine (revenue per customer summed there)."""
    if not _is_table(purchases.tx):
        return concentration_summary(customers["revenue"], top_pcts=top_pcts, claim_visitor_pct=claim_visitor_pct)
    from helpers.warehouse.concentration import concentration_from_table, revenue_per_customer

    summary, _ = concentration_from_table(revenue_per_customer(purchases.tx), top_pcts=list(top_pcts),
                                          claim_visitor_pct=claim_visitor_pct)
    return summary


def validate_of(purchases: Purchases, *, calibration_end: str | None = None, holdout_end: str | None = None,
                freq: str = "D", bins: int = 5, monetary: str = "average"):
    """The out-of-sample check (:func:`helpers.segments.validation.validate_segments`) on the
    purchases' engine: segments, the weekly summary and each customer's holdout revenue and
    purchase days are computed there; BG/NBD is fitted on one row per customer in pandas.

    ``returns="net"`` and the CDNOW text path run the pandas reference on the lines.
    """
    from helpers.segments.validation import check_periods, segment_validation, validate_segments

    if not _is_table(purchases.tx):
        return validate_segments(purchases.frame(), calibration_end=calibration_end, holdout_end=holdout_end,
                                 returns=purchases.returns, freq=freq, bins=bins, monetary=monetary)
    from helpers.warehouse.summary import drop_returns, summary_from_table

    t = purchases.checked
    got = t.aggregate(first=t.date.min(), last=t.date.max()).execute().iloc[0]
    first, last = pd.Timestamp(got["first"]), pd.Timestamp(got["last"])
    middle = first.normalize() + pd.Timedelta(days=(last.normalize() - first.normalize()).days // 2)
    cal_end, hold_end = check_periods(first, last, calibration_end, holdout_end, middle)
    cal, _ = drop_returns(t, observation_end=cal_end, source=purchases.source)
    allp, _ = drop_returns(t, observation_end=hold_end, source=purchases.source)
    hold = allp.filter(allp.date >= (cal_end.normalize() + pd.Timedelta(days=1)).to_pydatetime())
    calibration = Purchases(purchases.engine, cal, purchases.quality, purchases.info, purchases.source, "drop",
                            checked=t)
    scored = rfm_of(calibration, customers_of(calibration, observation_end=cal_end, freq=freq), bins=bins,
                    monetary=monetary)
    weekly = summary_from_table(cal, observation_end=cal_end, freq="D", freq_multiplier=7, source=purchases.source)
    h = hold.mutate(day=hold.date.truncate("D"))
    per = h.group_by("customer_id").aggregate(revenue=h.amount.cast("float64").sum(),
                                              days=h.day.nunique()).execute()
    per = per.set_index("customer_id")
    return segment_validation(scored, weekly, per["revenue"], per["days"], cal_end, hold_end)


def validation_splits_of(purchases: Purchases, main, *, splits: int = 3, step_days: int = 91, freq: str = "D",
                         bins: int = 5, monetary: str = "average") -> list:
    """The out-of-sample check repeated on earlier calibration ends (rolling origin): ``main``
    (:func:`validate_of`'s result) first, then up to ``splits - 1`` more, each ``step_days``
    earlier with a holdout as long as main's (:func:`helpers.segments.validation.split_ends`).
    An earlier split with fewer than three non-empty segments (too little history for a rank
    agreement) is left out, as are the ones before it; the report counts the splits that ran."""
    from helpers.segments.validation import split_ends

    first = purchases.info.start
    out = [main]
    for cal, hold in split_ends(main.calibration_end, main.holdout_end, first, splits, step_days)[1:]:
        v = validate_of(purchases, calibration_end=str(cal.date()), holdout_end=str(hold.date()),
                        freq=freq, bins=bins, monetary=monetary)
        if int((v.table["customers"] > 0).sum()) < 3:
            break
        out.append(v)
    return out
