"""Loaders of notebook 06: transactions (CDNOW layout or the ``transactions`` contract), returns
handling, and the shopper event log with its planted pairs (read, or generated with a seed)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.btyd.cdnow import load_cdnow
from helpers.btyd.schemas import TRANSACTIONS
from helpers.btyd.summary import check_transactions
from helpers.config import SYNTHETIC_DIR
from helpers.contracts import DataContractError, ParameterError, load_csv, require_file
from helpers.segments.schemas import EVENTS, PLANTED_PAIRS

RETURNS = ("drop", "net")


def load_transactions(path: str | Path, *, param: str = "transactions_path") -> pd.DataFrame:
    """Purchases from a CDNOW text file, or from a CSV file following the ``transactions`` contract.

    Parameters
    ----------
    path : str or Path
        Relative to the project root, or absolute. ``.csv`` files are read with
        :func:`helpers.contracts.load_csv` (``customer_id, date, amount`` [+ ``quantity,
        order_id``]); anything else as a CDNOW layout (:func:`helpers.btyd.cdnow.load_cdnow`).
    param : str
        The notebook parameter that gave the path (named in the error when the file is missing).

    Returns
    -------
    DataFrame
        ``customer_id`` (str), ``date`` (datetime64), ``amount`` (float, the file's currency) and
        the optional columns present.

    Raises
    ------
    ParameterError
        If the file does not exist (naming ``param``).
    DataContractError
        If the file breaks its layout or contract (file, column, lines).

    Examples
    --------
    >>> len(load_transactions("data/raw/CDNOW_sample.txt"))
    6919
    """
    resolved = require_file(param, path)
    if resolved.suffix.lower() == ".csv":
        return load_csv(resolved, TRANSACTIONS, param=param)
    return load_cdnow(resolved)


def prepare_transactions(transactions: pd.DataFrame, *, returns: str = "drop",
                         observation_end: str | pd.Timestamp | None = None,
                         customer_col: str = "customer_id", date_col: str = "date",
                         amount_col: str = "amount") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Handle non-positive amounts (returns, zero-value lines) and report what was done.

    Parameters
    ----------
    transactions : DataFrame
        One row per purchase line, amounts in one currency (e.g. USD).
    returns : {"drop", "net"}
        ``"drop"``: remove every line with amount <= 0. ``"net"``: subtract each non-positive
        line from the same customer's latest purchase on or before its date; purchases netted
        down to <= 0 are removed; returns with no earlier purchase are removed.
    observation_end : date, optional
        Lines dated after this day are excluded first (and counted); default: keep all.

    Returns
    -------
    (DataFrame, DataFrame)
        The purchases (every amount > 0, same columns, sorted by customer and date), and a
        data-quality table ``rule, rows, amount`` (amount in the table's currency) with one row
        per rule, zero counts included.

    Raises
    ------
    DataContractError
        Missing columns, empty table, empty or non-finite values, or no purchase left.
    ParameterError
        If ``returns`` is not one of ``drop``, ``net``.

    Notes
    -----
    ``"net"`` keeps net revenue except for unmatched returns and purchases netted below zero:
    :math:`\\sum_{kept} a = \\sum_{all} a - \\text{unmatched} - \\text{negative remainders}`.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a"], "date": pd.to_datetime(["2024-01-01", "2024-01-03"]),
    ...                    "amount": [30.0, -10.0]})
    >>> clean, quality = prepare_transactions(tx, returns="net")
    >>> clean["amount"].tolist()
    [20.0]
    """
    if returns not in RETURNS:
        raise ParameterError(f"parameter 'returns' = {returns!r} is not allowed; choose one of {list(RETURNS)}")
    check_transactions(transactions, customer_col, date_col, amount_col, "transactions")
    tx = transactions.sort_values([customer_col, date_col], kind="stable").reset_index(drop=True)
    late_rule = (0, 0.0)
    if observation_end is not None:
        end = pd.Timestamp(observation_end)
        late = tx[date_col] >= end.normalize() + pd.Timedelta(days=1)
        late_rule = (int(late.sum()), float(tx.loc[late, amount_col].sum()))
        tx = tx.loc[~late].reset_index(drop=True)
    nonpos = tx[amount_col] <= 0
    rules = {"date after observation_end: excluded": late_rule,
             "amount <= 0: line dropped": (0, 0.0),
             "amount <= 0: netted against an earlier purchase": (0, 0.0),
             "amount <= 0: no earlier purchase, dropped": (0, 0.0),
             "purchase netted to <= 0: dropped": (0, 0.0)}
    if returns == "drop":
        rules["amount <= 0: line dropped"] = (int(nonpos.sum()), float(tx.loc[nonpos, amount_col].sum()))
        clean = tx.loc[~nonpos].copy()
    else:
        purchases = tx.loc[~nonpos].copy()
        purchases["_row"] = np.arange(len(purchases))
        rets = tx.loc[nonpos, [customer_col, date_col, amount_col]].copy()
        matched = pd.merge_asof(rets.sort_values(date_col), purchases[[customer_col, date_col, "_row"]]
                                .sort_values(date_col), on=date_col, by=customer_col, direction="backward")
        ok = matched["_row"].notna()
        rules["amount <= 0: netted against an earlier purchase"] = (int(ok.sum()),
                                                                    float(matched.loc[ok, amount_col].sum()))
        rules["amount <= 0: no earlier purchase, dropped"] = (int((~ok).sum()),
                                                              float(matched.loc[~ok, amount_col].sum()))
        adjust = matched.loc[ok].groupby("_row")[amount_col].sum()
        amounts = purchases[amount_col].to_numpy(dtype="float64").copy()
        amounts[adjust.index.to_numpy(dtype="int64")] += adjust.to_numpy()
        purchases[amount_col] = amounts
        gone = purchases[amount_col] <= 0
        rules["purchase netted to <= 0: dropped"] = (int(gone.sum()), float(purchases.loc[gone, amount_col].sum()))
        clean = purchases.loc[~gone].drop(columns="_row")
    if clean.empty:
        raise DataContractError(f"transactions: no purchase with {amount_col!r} > 0 is left after returns={returns!r}")
    quality = pd.DataFrame([(k, n, a) for k, (n, a) in rules.items()], columns=["rule", "rows", "amount"])
    return clean.reset_index(drop=True), quality


@dataclass(frozen=True)
class EventLog:
    """A shopper event log, its planted pairs (or None) and where it came from.

    ``synthetic`` is True for a generated log and for the shipped synthetic files
    (``data/synthetic/``), False for a user's own file; reports label the data by it.
    """

    events: pd.DataFrame
    truth: pd.DataFrame | None
    source: str
    synthetic: bool

    @property
    def shoppers(self) -> int:
        """Distinct shoppers (``customer_id``) in the log."""
        return int(self.events["customer_id"].nunique())


def _is_shipped_synthetic(path: Path) -> bool:
    try:
        path.resolve().relative_to(SYNTHETIC_DIR.resolve())
    except ValueError:
        return False
    return True


def load_event_log(events_path: str = "", truth_path: str = "", seed: int = 6) -> EventLog:
    """Read the event log and its planted pairs, or generate both with ``seed`` when ``events_path`` is "".

    Parameters
    ----------
    events_path : str
        CSV following the ``segment_events`` contract; ``""`` generates the synthetic log
        (:func:`helpers.segments.simulate.generate_events`) with ``seed``.
    truth_path : str
        CSV following ``segment_planted_pairs``; ``""`` for none (a generated log brings its own).
    seed : int >= 0
        Random seed of the generated log.

    Returns
    -------
    EventLog

    Raises
    ------
    ParameterError
        A missing file (naming ``events_path`` / ``truth_path``), or ``truth_path`` given with a
        generated log.
    DataContractError
        A file that breaks its contract.

    Examples
    --------
    >>> log = load_event_log()
    >>> log.synthetic, log.truth is None, len(log.events) > 0
    (True, False, True)
    """
    if events_path in ("", None):
        if truth_path not in ("", None):
            raise ParameterError(f"parameter 'truth_path' = {truth_path!r} with events_path empty: a "
                                 "generated log brings its own planted pairs; set truth_path to empty text")
        from helpers.segments import simulate  # the generator only when asked for

        return EventLog(simulate.generate_events(seed), simulate.planted_truth(seed=seed),
                        source=f"generated with random seed {seed}", synthetic=True)
    events_file = require_file("events_path", events_path)
    events = load_csv(events_file, EVENTS, param="events_path")
    truth = None if truth_path in ("", None) else load_csv(truth_path, PLANTED_PAIRS, param="truth_path")
    return EventLog(events, truth, source=str(events_path), synthetic=_is_shipped_synthetic(events_file))

