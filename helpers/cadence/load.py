"""Loading the cadence logs: read and validate the two tables, then the row-level data-quality rules.

Contracts: :data:`helpers.cadence.schemas.CADENCE_MESSAGES` and ``CADENCE_EVENTS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.cadence.schemas import (
    CADENCE_CONSENT,
    CADENCE_EVENTS,
    CADENCE_MESSAGES,
    CADENCE_QUIET_RULES,
)
from helpers.cadence.times import seconds
from helpers.config import SYNTHETIC_DIR, resolve_path
from helpers.contracts import DataContractError, load_csv, validate
from helpers.params import ParameterError


def load_log(messages_path: str | Path, events_path: str | Path, *,
             naive_timezone: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read and validate the message log and the event log.

    Parameters
    ----------
    messages_path, events_path : str or Path
        CSV files (relative to the project root or absolute) following ``cadence_messages``
        and ``cadence_events``.
    naive_timezone : str, optional
        How to read timestamps without a UTC offset; without it they are an error.

    Returns
    -------
    (messages, events) with declared dtypes; times tz-aware.

    Raises
    ------
    ParameterError
        A file does not exist.
    DataContractError
        A file breaks its contract (file, column, lines and values are named), e.g. naive
        timestamps without ``naive_timezone``.

    Examples
    --------
    >>> m, e = load_log("data/synthetic/cadence_single_messages.csv",
    ...                 "data/synthetic/cadence_single_events.csv", naive_timezone="Asia/Seoul")
    >>> str(m["sent_at"].dt.tz)
    'Asia/Seoul'
    """
    messages = load_csv(messages_path, CADENCE_MESSAGES, tz=naive_timezone, param="messages_path")
    events = load_csv(events_path, CADENCE_EVENTS, tz=naive_timezone, param="events_path")
    return messages, events



def _clock_seconds(text: str, where: str) -> int:
    parts = text.split(":") if isinstance(text, str) else []
    if len(parts) != 2 or not all(x.isdigit() for x in parts) or not (0 <= int(parts[0]) <= 23
                                                                      and 0 <= int(parts[1]) <= 59):
        raise DataContractError(f"{where}: {text!r} is not a clock time HH:MM (00:00 to 23:59)")
    return int(parts[0]) * 3600 + int(parts[1]) * 60


def load_quiet_rules(path: str | Path, param: str = "quiet_rules_path") -> pd.DataFrame:
    """Read the quiet-hours rules (contract ``cadence_quiet_rules``), one row per channel.

    Returns the table indexed by channel, with ``start_s`` and ``end_s`` (seconds after local
    midnight) added.

    Raises
    ------
    ParameterError
        The file does not exist.
    DataContractError
        A broken contract, a time that is not HH:MM, a channel listed twice, or an empty window.

    Examples
    --------
    >>> r = load_quiet_rules("data/raw/quiet_hours_rules.csv")
    >>> r.loc["lms", ["start_s", "end_s"]].tolist(), bool(r.loc["email", "night_rule"])
    ([75600, 28800], False)
    """
    rules = load_csv(path, CADENCE_QUIET_RULES, param=param)
    name = Path(str(path)).name
    dup = rules["channel"][rules["channel"].duplicated()].tolist()
    if dup:
        raise DataContractError(f"{name}: column 'channel' lists {sorted(set(dup))} more than once")
    rules = rules.assign(start_s=[_clock_seconds(t, f"{name}, column 'start'") for t in rules["start"]],
                         end_s=[_clock_seconds(t, f"{name}, column 'end'") for t in rules["end"]])
    empty = rules.loc[rules["start_s"] == rules["end_s"], "channel"].tolist()
    if empty:
        raise DataContractError(f"{name}: channel(s) {empty} have start = end; the window must not be empty")
    return rules.set_index("channel")


def load_consent(path: str | Path, naive_timezone: str | None = None, param: str = "consent_path") -> pd.DataFrame:
    """Read dated consent events (contract ``cadence_consent``), sorted by customer, channel and time.

    Raises
    ------
    ParameterError
        The file does not exist.
    DataContractError
        A broken contract (file, column, lines and values are named).
    """
    consent = load_csv(path, CADENCE_CONSENT, tz=naive_timezone, param=param)
    return consent.sort_values(["customer_id", "channel", "at"], kind="stable").reset_index(drop=True)


def check_rules_cover(messages: pd.DataFrame, rules: pd.DataFrame) -> None:
    """Raise :class:`ParameterError` naming ``quiet_rules_path`` if a logged channel has no rule."""
    missing = sorted(set(messages["channel"]) - set(rules.index))
    if missing:
        raise ParameterError(f"parameter 'quiet_rules_path': channel(s) {missing} of the message log have no "
                             f"row in the rules file (it has {sorted(rules.index)}); add one per channel")


@dataclass(frozen=True)
class LogData:
    """The two tables of a run and where they came from.

    ``synthetic`` is true when the data are the shipped synthetic files or simulated in the run;
    ``label`` says it in words for the report.
    """

    messages: pd.DataFrame
    events: pd.DataFrame
    label: str
    synthetic: bool
    rules: pd.DataFrame | None = None
    consent: pd.DataFrame | None = None


def load_or_simulate(p) -> LogData:
    """Messages and events for the notebook: read the files, or simulate when ``p.simulate``.

    Parameters
    ----------
    p : helpers.cadence.params.Params

    Raises
    ------
    ParameterError, DataContractError
        From :func:`load_log` (missing file, broken contract).

    Examples
    --------
    >>> from helpers.cadence.params import Params
    >>> load_or_simulate(Params.build({})).synthetic
    True
    """
    if p.simulate:
        # imported only when asked: a run on real data never loads the simulator
        from helpers.cadence.simulate import simulate_log

        m, e = simulate_log(p.sim_customers, seed=p.seed, violation_share=p.sim_violation_share)
        m = validate(m, CADENCE_MESSAGES, source="simulated messages")
        e = validate(e, CADENCE_EVENTS, source="simulated events")
        label = (f"simulated in this run (synthetic): {p.sim_customers} customers, seed {p.seed}, "
                 f"violation share {p.sim_violation_share}")
        synthetic = True
    else:
        m, e = load_log(p.messages_path, p.events_path, naive_timezone=p.naive_timezone)
        paths = [resolve_path(p.messages_path).resolve(), resolve_path(p.events_path).resolve()]
        synthetic = all(path.parent == SYNTHETIC_DIR.resolve() for path in paths)
        label = f"read from {paths[0].name} and {paths[1].name}"
    rules = load_quiet_rules(p.quiet_rules_path)
    check_rules_cover(m, rules)
    consent = None if p.consent_path is None else load_consent(p.consent_path, p.naive_timezone)
    return LogData(m, e, label, synthetic, rules, consent)


def clean_log(messages: pd.DataFrame, events: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Apply the row rules, sort, and return (messages, events, quality table).

    Rules (counted in the quality table, never silent):

    ========================== ============================================ ========================
    rule                       meaning                                      action
    ========================== ============================================ ========================
    messages_out_of_order      sent_at earlier than the customer's previous sorted (kept)
                               message in file order
    duplicate_message          same (customer_id, sent_at) as an earlier row dropped
    customer_without_events    no row for the customer in the event log     dropped
    customer_without_signup    events, but no ``signup`` event              dropped
    sent_before_signup         message before the customer's first signup   dropped
    duplicate_event            same (customer_id, event, at) repeated       dropped
    min_order_zero             min_order = 0: rate undefined                kept; no discount rate
    amount_above_min_order     coupon_amount > min_order                    kept; no discount rate
    ========================== ============================================ ========================

    Parameters
    ----------
    messages, events : DataFrame
        Validated tables (``cadence_messages``, ``cadence_events``).

    Returns
    -------
    messages : DataFrame
        Sorted by (customer_id, sent_at) with a boolean ``rate_ok`` column.
    events : DataFrame
        Sorted by (customer_id, at), duplicates removed.
    quality : DataFrame
        Columns rule, rows, action.

    Raises
    ------
    DataContractError
        If no message is left after the rules.

    Examples
    --------
    >>> m = pd.DataFrame({"customer_id": ["a", "a"], "sent_at": pd.to_datetime(
    ...     ["2024-03-04T12:00+09:00", "2024-03-04T12:00+09:00"]), "channel": "lms",
    ...     "coupon_amount": 5000.0, "min_order": 20000.0, "valid_days": 3, "consent_night": False})
    >>> e = pd.DataFrame({"customer_id": ["a"], "event": ["signup"],
    ...     "at": pd.to_datetime(["2024-01-01T09:00+09:00"])})
    >>> int(clean_log(m, e)[2].set_index("rule").loc["duplicate_message", "rows"])
    1
    """
    msg = messages.reset_index(drop=True)
    ev = events.reset_index(drop=True)
    secs = seconds(msg["sent_at"])
    cust = msg["customer_id"].to_numpy()
    prev_max = pd.Series(secs).groupby(cust).cummax().groupby(cust).shift()
    out_of_order = (pd.Series(secs) < prev_max).to_numpy()
    msg = msg.assign(_s=secs).sort_values(["customer_id", "_s"], kind="stable")
    dup = msg.duplicated(["customer_id", "_s"], keep="first")
    msg = msg[~dup.to_numpy()]
    ev = ev.assign(_s=seconds(ev["at"]))
    dup_ev = ev.duplicated(["customer_id", "event", "_s"], keep="first")
    ev = ev[~dup_ev.to_numpy()].sort_values(["customer_id", "_s"], kind="stable")
    known = msg["customer_id"].isin(set(ev["customer_id"]))
    signups = ev[ev["event"] == "signup"].groupby("customer_id")["_s"].min()
    has_signup = msg["customer_id"].isin(set(signups.index))
    no_events = ~known
    no_signup = known & ~has_signup
    signup_s = msg["customer_id"].map(signups)
    before = has_signup & (msg["_s"] < signup_s.fillna(np.inf))
    keep = ~(no_events | no_signup | before)
    msg = msg[keep.to_numpy()]
    if msg.empty:
        raise DataContractError("no message is left after the data-quality rules (see the quality table: "
                                f"{int(no_events.sum())} without events, {int(no_signup.sum())} without signup, "
                                f"{int(before.sum())} before signup)")
    zero = msg["min_order"].to_numpy() == 0
    above = ~zero & (msg["coupon_amount"].to_numpy() > msg["min_order"].to_numpy())
    msg = msg.assign(rate_ok=~(zero | above)).drop(columns="_s").reset_index(drop=True)
    quality = pd.DataFrame([
        ("messages_out_of_order", int(out_of_order.sum()), "sorted (kept)"),
        ("duplicate_message", int(dup.sum()), "dropped"),
        ("customer_without_events", int(no_events.sum()), "dropped"),
        ("customer_without_signup", int(no_signup.sum()), "dropped"),
        ("sent_before_signup", int(before.sum()), "dropped"),
        ("duplicate_event", int(dup_ev.sum()), "dropped"),
        ("min_order_zero", int(zero.sum()), "kept; excluded from discount rate"),
        ("amount_above_min_order", int(above.sum()), "kept; excluded from discount rate"),
    ], columns=["rule", "rows", "action"])
    return msg, ev.drop(columns="_s").reset_index(drop=True), quality
