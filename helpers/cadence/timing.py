"""Timing of sends: weekday and hour shares, and the quiet-hours audit.

Pure functions (no plotting, no simulation). Every reading is made in a local ``timezone``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.cadence.times import WEEKDAYS, local_time
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

