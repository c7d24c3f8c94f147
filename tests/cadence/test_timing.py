"""Weekday and hour shares and the quiet-hours audit, read in a local timezone."""

from __future__ import annotations

import math

import pandas as pd
import pytest

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



RULES = pd.DataFrame({"night_rule": [True, True, False], "start_s": [21 * 3600, 21 * 3600, 21 * 3600],
                      "end_s": [8 * 3600, 8 * 3600, 8 * 3600], "start_inclusive": [True, False, True],
                      "end_inclusive": [True, False, True], "start": "21:00", "end": "08:00"},
                     index=["lms", "push", "email"])


def test_rule_window_edges_and_channels(msgs):
    sent = ["2024-03-04T21:00:00+09:00", "2024-03-05T08:00:00+09:00", "2024-03-05T08:00:01+09:00",
            "2024-03-04T20:59:59+09:00"]
    # lms: both edges inside -> 21:00 and 08:00 are quiet, 08:00:01 and 20:59:59 are not
    assert timing.in_rule_window(msgs(list("abcd"), sent), SEOUL, RULES).tolist() == [True, True, False, False]
    # push: both edges outside -> only strictly between
    assert timing.in_rule_window(msgs(list("abcd"), sent, channel="push"), SEOUL, RULES).tolist() == [False] * 4
    # email: not covered by the night rule at all
    night = msgs(["a"], ["2024-03-04T23:00:00+09:00"], channel="email")
    assert timing.in_rule_window(night, SEOUL, RULES).tolist() == [False]
    with pytest.raises(ValueError, match=r"no row for channel\(s\) \['kakao'\]"):
        timing.in_rule_window(msgs(["a"], ["2024-03-04T23:00:00+09:00"], channel="kakao"), SEOUL, RULES)


def test_dated_consent_decides_each_send(msgs, ts):
    m = msgs(["a", "a", "a", "b"], ["2024-01-01T22:00:00+09:00", "2024-02-01T22:00:00+09:00",
                                    "2024-03-01T22:00:00+09:00", "2024-03-01T22:00:00+09:00"],
             consent=[True, True, True, True])
    m.loc[3, "channel"] = "push"
    consent = pd.DataFrame({"customer_id": ["a", "a", "b"], "channel": ["all", "lms", "lms"],
                            "event": ["given", "withdrawn", "given"],
                            "at": ts(["2024-01-15T00:00+09:00", "2024-02-15T00:00+09:00", "2024-01-01T00:00+09:00"])})
    # a: before consent (Jan 1) no; Feb 1 given for all; Mar 1 withdrawn for lms; b: consent only for lms, sent push
    assert timing.consent_in_force(m, consent).tolist() == [False, True, False, False]
    summary, per = timing.quiet_audit(m, SEOUL, RULES, consent)
    # all four are 22:00 sends inside the window: a's Jan 1 and Mar 1 (lms) and b's push lack consent
    assert summary["violations"] == 3 and summary["by_channel"] == {"lms": 2, "push": 1}
    # without dated events the static flag (all true) says no violation
    assert timing.quiet_audit(m, SEOUL, RULES)[0]["by_channel"] == {"lms": 0, "push": 0}
