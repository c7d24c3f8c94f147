"""Weekday and hour shares and the quiet-hours audit, read in a local timezone."""

from __future__ import annotations

import math

from helpers.cadence import timing
from helpers.privacy import pseudonymise

SEOUL = "Asia/Seoul"


def test_weekday_shares_by_hand(msgs):
    # 2024-03-04 is a Monday. 5 Mon, 2 Tue, 1 Fri of 8 -> 0.625, 0.25, 0.125
    sent = ["2024-03-04T12:00+09:00"] * 5 + ["2024-03-05T12:00+09:00"] * 2 + ["2024-03-08T12:00+09:00"]
    shares = timing.weekday_shares(msgs(["a"] * 8, sent), SEOUL)
    assert shares.to_dict() == {"mon": 0.625, "tue": 0.25, "wed": 0.0, "thu": 0.0, "fri": 0.125,
                                "sat": 0.0, "sun": 0.0}


def test_weekday_read_in_local_timezone(msgs):
    # Sunday 2024-03-03 20:00 UTC is Monday 05:00 in Seoul (UTC+9)
    m = msgs(["a"], ["2024-03-03T20:00+00:00"])
    assert timing.weekday_shares(m, SEOUL)["mon"] == 1.0
    assert timing.weekday_shares(m, "UTC")["sun"] == 1.0


def test_hour_band_and_quiet_hours(msgs):
    sent = ["2024-03-04T11:59+09:00", "2024-03-04T12:00+09:00", "2024-03-04T13:59+09:00",
            "2024-03-04T14:00+09:00", "2024-03-04T21:00+09:00", "2024-03-05T07:59+09:00",
            "2024-03-05T08:00+09:00", "2024-03-04T20:59+09:00"]
    m = msgs(list("abcdefgh"), sent, consent=[False, False, False, False, False, True, False, False])
    # 12:00 and 13:59 are inside [12, 14): 2 of 8
    assert timing.hour_band_share(m, SEOUL, 12, 14) == 2 / 8
    # quiet 21:00-08:00: 21:00 and 07:59 only
    assert timing.in_quiet_hours(m, SEOUL, 21, 8).tolist() == [False] * 4 + [True, True, False, False]
    summary, customers = timing.quiet_hours_audit(m, SEOUL, 21, 8)
    # 07:59 was sent to a customer with consent: 1 violation (customer 'e'), share 1/8
    assert summary["violations"] == 1 and summary["violation_share"] == 1 / 8
    assert summary["quiet_sends"] == 2
    assert customers["customer_id"].tolist() == [pseudonymise("e")]
    # a non-wrapping window 0-6 catches neither
    assert timing.in_quiet_hours(m, SEOUL, 0, 6).sum() == 0


def test_weekday_hour_table_sums_to_one(msgs):
    m = msgs(["a"] * 4, ["2024-03-04T12:00+09:00", "2024-03-04T12:30+09:00",
                         "2024-03-05T15:00+09:00", "2024-03-10T23:00+09:00"])
    table = timing.weekday_hour_shares(m, SEOUL)
    assert table.shape == (7, 24)
    assert table.loc["mon", 12] == 0.5 and table.loc["sun", 23] == 0.25
    assert math.isclose(table.to_numpy().sum(), 1.0)

