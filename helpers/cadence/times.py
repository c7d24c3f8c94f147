"""Time helpers of the cadence domain: epoch seconds and local weekday / hour of tz-aware times."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.contracts import DataContractError

#: Weekday labels, Monday first (pandas ``day_of_week`` 0 = Monday).
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def seconds(times: pd.Series) -> np.ndarray:
    """Whole seconds since the Unix epoch (UTC) of tz-aware timestamps.

    Raises
    ------
    DataContractError
        If the timestamps are naive.

    Examples
    --------
    >>> seconds(pd.Series(pd.to_datetime(["1970-01-01T00:01:00Z"]))).tolist()
    [60]
    """
    if not isinstance(times.dtype, pd.DatetimeTZDtype):
        raise DataContractError("timestamps must be timezone-aware (validate the table first)")
    delta = times.dt.tz_convert("UTC") - pd.Timestamp(0, tz="UTC")
    return np.asarray(delta // pd.Timedelta(seconds=1), dtype="int64")


def local_time(times: pd.Series, timezone: str) -> pd.DataFrame:
    """Weekday (``mon`` … ``sun``), hour and fractional hour of tz-aware times in ``timezone``.

    Raises
    ------
    DataContractError
        If the timestamps are naive.

    Examples
    --------
    >>> t = pd.Series(pd.to_datetime(["2024-03-04T03:30:00+00:00"]))
    >>> local_time(t, "Asia/Seoul")[["weekday", "hour"]].values.tolist()
    [['mon', 12]]
    """
    if not isinstance(times.dtype, pd.DatetimeTZDtype):
        raise DataContractError("sent_at must be timezone-aware; load the log with naive_timezone set")
    loc = times.dt.tz_convert(timezone)
    return pd.DataFrame({
        "weekday": pd.Categorical(np.asarray(WEEKDAYS, dtype=object)[loc.dt.day_of_week.to_numpy()],
                                  categories=list(WEEKDAYS)),
        "hour": loc.dt.hour.to_numpy(),
        "hour_float": (loc.dt.hour + loc.dt.minute / 60 + loc.dt.second / 3600).to_numpy(),
    }, index=times.index)
