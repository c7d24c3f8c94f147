"""Loading and the data-quality rules: each rule counted, contract errors named."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.cadence import load
from helpers.cadence.schemas import CADENCE_MESSAGES
from helpers.config import PROJECT_ROOT
from helpers.contracts import DataContractError, load_csv
from helpers.params import ParameterError

SEOUL = "Asia/Seoul"


def test_clean_log_counts_each_rule(msgs, ts):
    events = pd.DataFrame({
        "customer_id": ["a", "a", "b", "b"],
        "event": ["signup", "signup", "signup", "cart_add"],
        "at": ts(["2024-01-01T10:00+09:00", "2024-01-01T10:00+09:00",    # duplicate event
                  "2024-02-01T10:00+09:00", "2024-02-05T10:00+09:00"]),
    })
    events = pd.concat([events, pd.DataFrame({"customer_id": ["d"], "event": ["cart_add"],
                                              "at": ts(["2024-02-05T10:00+09:00"])})], ignore_index=True)
    m = msgs(["a", "a", "a", "b", "b", "c", "d", "a"],
             ["2024-03-11T12:00+09:00",
              "2024-03-04T12:00+09:00",   # earlier than a's previous row -> out of order
              "2024-03-04T12:00+09:00",   # same (a, time) again -> duplicate
              "2024-01-15T12:00+09:00",   # before b's signup (Feb 1) -> dropped
              "2024-03-04T12:00+09:00",
              "2024-03-04T12:00+09:00",   # c has no events
              "2024-03-04T12:00+09:00",   # d has events but no signup
              "2024-03-18T12:00+09:00"],
             amount=[10_000.0, 10_000.0, 10_000.0, 10_000.0, 50_000.0, 10_000.0, 10_000.0, 5_000.0],
             min_order=[40_000.0, 40_000.0, 40_000.0, 40_000.0, 40_000.0, 40_000.0, 40_000.0, 0.0])
    clean, ev, quality = load.clean_log(m, events)
    q = quality.set_index("rule")["rows"].to_dict()
    assert q == {"messages_out_of_order": 2,   # rows 2 and 3 are both earlier than 03-11
                 "duplicate_message": 1, "customer_without_events": 1,
                 "customer_without_signup": 1, "sent_before_signup": 1, "duplicate_event": 1,
                 "min_order_zero": 1, "amount_above_min_order": 1}
    # 8 rows - 1 duplicate - 1 no events - 1 no signup - 1 before signup = 4 messages
    assert len(clean) == 4
    assert clean["rate_ok"].tolist() == [True, True, False, False]  # a 03-04, 03-11, 03-18 (min 0); b 50k > 40k
    assert clean["customer_id"].tolist() == ["a", "a", "a", "b"]  # sorted by customer, then time
    assert len(ev) == 4


def test_clean_log_with_nothing_left_raises(msgs, ts):
    events = pd.DataFrame({"customer_id": ["z"], "event": ["signup"], "at": ts(["2024-01-01T10:00+09:00"])})
    with pytest.raises(DataContractError, match="no message is left"):
        load.clean_log(msgs(["a"], ["2024-03-04T12:00+09:00"]), events)


def test_naive_timestamps_need_a_timezone(tmp_path: Path):
    path = tmp_path / "m.csv"
    path.write_text("customer_id,sent_at,channel,coupon_amount,min_order,valid_days,consent_night\n"
                    "a,2024-03-04 12:00:00,lms,10000,40000,3,false\n", encoding="utf-8")
    with pytest.raises(DataContractError, match="without a timezone.*timezone parameter"):
        load_csv(path, CADENCE_MESSAGES)
    read = load_csv(path, CADENCE_MESSAGES, tz=SEOUL)
    # 12:00 read in Seoul is 03:00 UTC
    assert read["sent_at"].dt.tz_convert("UTC").iloc[0] == pd.Timestamp("2024-03-04T03:00Z")


@pytest.mark.parametrize("row, match", [
    ("a,2024-03-04T12:00+09:00,lms,-5,40000,3,false", "coupon_amount.*>= 0"),
    ("a,2024-03-04T12:00+09:00,lms,10000,40000,3,maybe", "consent_night.*true/false"),
    ("a,not a date,lms,10000,40000,3,false", "sent_at.*ISO date"),
    ("a,2024-03-04T12:00+09:00,lms,10000,40000,1.5,false", "valid_days.*whole numbers"),
])
def test_message_contract_errors(tmp_path: Path, row: str, match: str):
    path = tmp_path / "m.csv"
    path.write_text("customer_id,sent_at,channel,coupon_amount,min_order,valid_days,consent_night\n"
                    + row + "\n", encoding="utf-8")
    with pytest.raises(DataContractError, match=match):
        load_csv(path, CADENCE_MESSAGES)


def test_planted_flaws_in_the_single_customer_log_are_found():
    # write_synthetic plants one duplicate, one swapped pair and one min_order of 0
    root = PROJECT_ROOT / "data" / "synthetic"
    m, e = load.load_log(root / "cadence_single_messages.csv", root / "cadence_single_events.csv",
                            naive_timezone=SEOUL)
    clean, _ev, quality = load.clean_log(m, e)
    q = quality.set_index("rule")["rows"]
    assert (q["messages_out_of_order"], q["duplicate_message"], q["min_order_zero"]) == (1, 1, 1)
    assert len(clean) == len(m) - 1 and 45 <= len(clean) <= 60  # "about 50 texts", as in Yozm IT (2024)
    assert clean["rate_ok"].sum() == len(clean) - 1



RULES_HEADER = "channel,night_rule,start,end,start_inclusive,end_inclusive,source\n"


def test_shipped_quiet_rules_follow_the_act():
    rules = load.load_quiet_rules(PROJECT_ROOT / "data" / "raw" / "quiet_hours_rules.csv")
    lms = rules.loc["lms"]
    # art. 50(3): 21:00 to 08:00 ("오후 9시부터 그 다음 날 오전 8시까지"), both edges inside
    assert (lms["start_s"], lms["end_s"]) == (21 * 3600, 8 * 3600)
    assert bool(lms["start_inclusive"]) and bool(lms["end_inclusive"]) and bool(lms["night_rule"])
    assert not bool(rules.loc["email", "night_rule"])


@pytest.mark.parametrize("rows, match", [
    ("lms,true,21:00,8am,true,false,x\n", r"column 'end'.*'8am' is not a clock time"),
    ("lms,true,21:00,08:00,true,false,x\nlms,true,22:00,08:00,true,false,x\n", r"lists \['lms'\] more than once"),
    ("lms,true,21:00,21:00,true,false,x\n", r"\['lms'\] have start = end"),
])
def test_bad_quiet_rules_are_named(tmp_path: Path, rows: str, match: str):
    path = tmp_path / "rules.csv"
    path.write_text(RULES_HEADER + rows, encoding="utf-8")
    with pytest.raises(DataContractError, match=match):
        load.load_quiet_rules(path)


def test_a_channel_without_a_rule_names_the_parameter(msgs):
    rules = load.load_quiet_rules(PROJECT_ROOT / "data" / "raw" / "quiet_hours_rules.csv")
    with pytest.raises(ParameterError, match=r"'quiet_rules_path': channel\(s\) \['fax'\]"):
        load.check_rules_cover(msgs(["a"], ["2024-03-04T12:00+09:00"], channel="fax"), rules)
