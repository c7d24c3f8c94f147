"""Timing of sends: weekday and hour shares, and the quiet-hours audit.

Pure functions (no plotting, no simulation). Every reading is made in a local ``timezone``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.cadence.times import WEEKDAYS, local_time, seconds
from helpers.privacy import pseudonymise_columns


def weekday_shares(messages: pd.DataFrame, timezone: str) -> pd.Series:
    """Share of messages per local weekday, ``mon`` … ``sun`` (sums to 1).

    Notes
    -----
    :math:`s_d = \\#\\{i : \\text{weekday}(t_i) = d\\} / n`, weekdays read in ``timezone``.

    Examples
    --------
    >>> m = pd.DataFrame({"sent_at": pd.to_datetime(["2024-03-04T12:00+09:00"] * 3
    ...     + ["2024-03-05T12:00+09:00"])})
    >>> weekday_shares(m, "Asia/Seoul")[["mon", "tue"]].tolist()
    [0.75, 0.25]
    """
    if len(messages) == 0:
        raise ValueError("weekday_shares needs at least one message")
    wd = local_time(messages["sent_at"], timezone)["weekday"]
    return wd.value_counts(normalize=True).reindex(list(WEEKDAYS), fill_value=0.0).rename("share")


def hour_band_share(messages: pd.DataFrame, timezone: str, start: int = 12, end: int = 14) -> float:
    """Share of messages sent with local clock hour in ``[start, end)`` (e.g. 12:00–13:59).

    Examples
    --------
    >>> m = pd.DataFrame({"sent_at": pd.to_datetime(["2024-03-04T12:59+09:00",
    ...     "2024-03-04T14:00+09:00"])})
    >>> hour_band_share(m, "Asia/Seoul")
    0.5
    """
    if not 0 <= start < end <= 24:
        raise ValueError(f"hour band [{start}, {end}) must satisfy 0 <= start < end <= 24")
    h = local_time(messages["sent_at"], timezone)["hour"]
    return float(((h >= start) & (h < end)).mean())


def weekday_hour_shares(messages: pd.DataFrame, timezone: str) -> pd.DataFrame:
    """7 × 24 table (weekday rows ``mon`` … ``sun``, local hour columns 0–23) of send shares.

    Notes
    -----
    :math:`s_{d,h} = \\#\\{i : \\text{weekday}(t_i) = d, \\text{hour}(t_i) = h\\} / n`; all cells sum to 1.

    Examples
    --------
    >>> m = pd.DataFrame({"sent_at": pd.to_datetime(["2024-03-04T12:10+09:00", "2024-03-05T13:00+09:00"])})
    >>> float(weekday_hour_shares(m, "Asia/Seoul").loc["mon", 12])
    0.5
    """
    lt = local_time(messages["sent_at"], timezone)
    table = pd.crosstab(lt["weekday"], lt["hour"], normalize="all")
    return table.reindex(index=list(WEEKDAYS), columns=range(24), fill_value=0.0).astype(float)


def in_quiet_hours(messages: pd.DataFrame, timezone: str, start: int = 21, end: int = 8) -> pd.Series:
    """True where the local send time falls in the quiet window ``[start:00, end:00)``.

    The window wraps around midnight when ``start > end`` (21 → 8 means 21:00–07:59:59).

    Examples
    --------
    >>> m = pd.DataFrame({"sent_at": pd.to_datetime(["2024-03-04T20:59+09:00",
    ...     "2024-03-04T21:00+09:00", "2024-03-05T07:59+09:00", "2024-03-05T08:00+09:00"])})
    >>> in_quiet_hours(m, "Asia/Seoul").tolist()
    [False, True, True, False]
    """
    if start == end:
        raise ValueError("quiet hours: start and end are equal, the window is empty")
    h = local_time(messages["sent_at"], timezone)["hour_float"]
    inside = (h >= start) | (h < end) if start > end else (h >= start) & (h < end)
    return pd.Series(np.asarray(inside), index=messages.index, name="quiet")


def quiet_hours_audit(messages: pd.DataFrame, timezone: str, start: int = 21, end: int = 8
                      ) -> tuple[dict[str, float], pd.DataFrame]:
    """Sends in the quiet hours to customers without night consent (violations).

    Notes
    -----
    violation :math:`v_i = q_i \\wedge \\lnot c_i` (in quiet hours and no ``consent_night``);
    count :math:`\\sum v_i`, share :math:`\\sum v_i / n`. Korea requires separate opt-in for
    advertising sent 21:00–08:00 (Information and Communications Network Act, art. 50(3)).

    Returns
    -------
    summary : dict
        messages, quiet_sends, violations, violation_share, customers_with_violations.
    customers : DataFrame
        One row per customer with at least one violation: pseudonymised customer_id,
        violations, messages; sorted by violations (desc).

    Examples
    --------
    >>> m = pd.DataFrame({"customer_id": ["a", "b"], "consent_night": [False, True],
    ...     "sent_at": pd.to_datetime(["2024-03-04T22:00+09:00", "2024-03-04T22:00+09:00"])})
    >>> quiet_hours_audit(m, "Asia/Seoul")[0]["violations"]
    1
    """
    quiet = in_quiet_hours(messages, timezone, start, end)
    viol = quiet & ~messages["consent_night"].astype(bool)
    per = (pd.DataFrame({"customer_id": messages["customer_id"].to_numpy(), "violations": viol.to_numpy()})
           .groupby("customer_id", sort=True)["violations"].agg(violations="sum", messages="size")
           .reset_index())
    per = per[per["violations"] > 0].sort_values(["violations", "customer_id"], ascending=[False, True])
    per = pseudonymise_columns(per).reset_index(drop=True)
    summary = {
        "messages": int(len(messages)),
        "quiet_sends": int(quiet.sum()),
        "violations": int(viol.sum()),
        "violation_share": float(viol.mean()) if len(messages) else 0.0,
        "customers_with_violations": int(len(per)),
    }
    return summary, per



def in_rule_window(messages: pd.DataFrame, timezone: str, rules: pd.DataFrame) -> pd.Series:
    """True where a send falls inside its channel's night window and the channel is covered.

    ``rules`` is :func:`helpers.cadence.load.load_quiet_rules` (indexed by channel, with
    ``start_s``/``end_s`` seconds after local midnight and the ``*_inclusive`` edges).

    Notes
    -----
    With :math:`s` the local time of day, start :math:`a` and end :math:`b`: a wrapping window
    (:math:`a > b`) is :math:`s > a \\lor s < b`, a plain one :math:`s > a \\land s < b`; an
    inclusive edge adds :math:`s = a` (or :math:`s = b`). Uncovered channels are never inside.

    Examples
    --------
    >>> rules = pd.DataFrame({"night_rule": [True], "start_s": [75600], "end_s": [28800],
    ...     "start_inclusive": [True], "end_inclusive": [False]}, index=["lms"])
    >>> m = pd.DataFrame({"channel": "lms", "sent_at": pd.to_datetime(["2024-03-04T20:59:59+09:00",
    ...     "2024-03-04T21:00:00+09:00", "2024-03-05T07:59:59+09:00", "2024-03-05T08:00:00+09:00"])})
    >>> in_rule_window(m, "Asia/Seoul", rules).tolist()
    [False, True, True, False]
    """
    lt = local_time(messages["sent_at"], timezone)
    s = np.round(lt["hour_float"].to_numpy() * 3600).astype("int64")
    r = rules.reindex(messages["channel"].to_numpy())
    if r["night_rule"].isna().any():
        missing = sorted(set(messages["channel"][r["night_rule"].isna().to_numpy()]))
        raise ValueError(f"quiet-hours rules have no row for channel(s) {missing}")
    a, b = r["start_s"].to_numpy(), r["end_s"].to_numpy()
    after_a = (s > a) | (r["start_inclusive"].to_numpy(bool) & (s == a))
    before_b = (s < b) | (r["end_inclusive"].to_numpy(bool) & (s == b))
    inside = np.where(a > b, after_a | before_b, after_a & before_b)
    return pd.Series(inside & r["night_rule"].to_numpy(bool), index=messages.index, name="quiet")


def consent_in_force(messages: pd.DataFrame, consent: pd.DataFrame | None) -> np.ndarray:
    """Night consent of each message's customer on its channel at its send time.

    Without ``consent`` the log's static ``consent_night`` column is used. With it, the latest
    event at or before the send for (customer, channel) or (customer, ``all``) decides: ``given``
    → consent, ``withdrawn`` or none → no consent.

    Examples
    --------
    >>> m = pd.DataFrame({"customer_id": ["a", "a", "a"], "channel": "lms", "sent_at": pd.to_datetime(
    ...     ["2024-01-01T22:00+09:00", "2024-02-01T22:00+09:00", "2024-03-01T22:00+09:00"])})
    >>> c = pd.DataFrame({"customer_id": ["a", "a"], "channel": ["all", "lms"], "event": ["given", "withdrawn"],
    ...     "at": pd.to_datetime(["2024-01-15T00:00+09:00", "2024-02-15T00:00+09:00"])})
    >>> consent_in_force(m, c).tolist()
    [False, True, False]
    """
    if consent is None:
        return messages["consent_night"].to_numpy(dtype=bool)
    c = pd.DataFrame({"customer_id": consent["customer_id"].to_numpy(dtype=object),
                      "channel": consent["channel"].to_numpy(dtype=object), "_s": seconds(consent["at"]),
                      "_g": (consent["event"] == "given").to_numpy(dtype=bool)})
    sent = pd.DataFrame({"customer_id": messages["customer_id"].to_numpy(dtype=object),
                         "channel": messages["channel"].to_numpy(dtype=object),
                         "_s": seconds(messages["sent_at"]), "_i": np.arange(len(messages))})
    best_s = np.full(len(messages), -1, dtype="int64")
    given = np.zeros(len(messages), dtype=bool)
    for scope in ("all", "channel"):
        ev = c[c["channel"] == "all"] if scope == "all" else c[c["channel"] != "all"]
        keys = ["customer_id"] if scope == "all" else ["customer_id", "channel"]
        left = sent.sort_values("_s", kind="stable")
        merged = pd.merge_asof(left, ev.sort_values("_s", kind="stable")[keys + ["_s", "_g"]].rename(
            columns={"_s": "_es"}), left_on="_s", right_on="_es", by=keys, direction="backward")
        idx = merged["_i"].to_numpy()
        has = merged["_es"].notna().to_numpy()
        es = np.where(has, merged["_es"].fillna(-1).to_numpy(), -1).astype("int64")
        newer = has & (es >= best_s[idx])
        best_s[idx[newer]] = es[newer]
        given[idx[newer]] = merged["_g"].to_numpy(dtype=bool, na_value=False)[newer]
    return given


def quiet_audit(messages: pd.DataFrame, timezone: str, rules: pd.DataFrame,
                consent: pd.DataFrame | None = None) -> tuple[dict, pd.DataFrame]:
    """Quiet-hours violations by channel: covered sends in the night window without consent in force.

    Notes
    -----
    :math:`v_i = q_i \\wedge \\lnot c_i(t_i)`, with :math:`q_i` from :func:`in_rule_window` and
    :math:`c_i(t)` from :func:`consent_in_force`. The Korean Act on Promotion of Information and
    Communications Network Utilization, art. 50(3), requires separate prior consent for
    advertising sent 21:00–08:00; which channels it covers and its edges are rows of ``rules``.

    Returns
    -------
    summary : dict
        messages, quiet_sends, violations, violation_share, customers_with_violations and
        by_channel (channel → violations; every channel of the log).
    customers : DataFrame
        Pseudonymised customer_id, violations, messages; most violations first.
    """
    quiet = in_rule_window(messages, timezone, rules).to_numpy()
    viol = quiet & ~consent_in_force(messages, consent)
    per = (pd.DataFrame({"customer_id": messages["customer_id"].to_numpy(), "violations": viol})
           .groupby("customer_id", sort=True)["violations"].agg(violations="sum", messages="size")
           .reset_index())
    per = per[per["violations"] > 0].sort_values(["violations", "customer_id"], ascending=[False, True])
    per = pseudonymise_columns(per).reset_index(drop=True)
    by_channel = pd.Series(viol, dtype="int64").groupby(messages["channel"].to_numpy()).sum()
    summary = {"messages": int(len(messages)), "quiet_sends": int(quiet.sum()), "violations": int(viol.sum()),
               "violation_share": float(viol.mean()) if len(messages) else 0.0,
               "customers_with_violations": int(len(per)),
               "by_channel": {str(k): int(v) for k, v in sorted(by_channel.items())}}
    return summary, per
