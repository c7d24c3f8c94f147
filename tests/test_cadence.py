"""Tests for helpers.cadence: stage rules, intervals, timing, quiet hours, amounts, simulator.

Expected values are worked out by hand in each test (arithmetic shown in comments) or derived
from the simulator's own settings with a tolerance computed from the sample size.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import cadence
from helpers.cadence.schemas import CADENCE_EVENTS, CADENCE_MESSAGES
from helpers.config import PROJECT_ROOT
from helpers.contracts import (
    DataContractError,
    ParameterError,
    load_csv,
    validate,
)
from helpers.privacy import pseudonymise

SEOUL = "Asia/Seoul"


def ts(values: list[str]) -> pd.Series:
    return pd.Series(pd.to_datetime(values))


def msgs(customer: list[str], sent: list[str], amount=None, min_order=None, consent=None) -> pd.DataFrame:
    n = len(sent)
    return pd.DataFrame({
        "customer_id": customer,
        "sent_at": ts(sent),
        "channel": "lms",
        "coupon_amount": amount if amount is not None else [10_000.0] * n,
        "min_order": min_order if min_order is not None else [40_000.0] * n,
        "valid_days": 3,
        "consent_night": consent if consent is not None else [False] * n,
    })


# --------------------------------------------------------------------------------------------
# Stages
# --------------------------------------------------------------------------------------------

EVENTS_A = pd.DataFrame({
    "customer_id": ["a"] * 4,
    "event": ["signup", "cart_add", "purchase", "purchase"],
    "at": ts(["2024-01-01T10:00+09:00", "2024-02-20T10:00+09:00",
              "2024-04-10T10:00+09:00", "2024-05-25T10:00+09:00"]),
})
SENDS_A = ["2024-01-15T12:00+09:00",  # 14 d after signup, no purchase            -> onboarding
           "2024-02-12T12:00+09:00",  # 42 d after signup; clock from Jan 31: 12 d -> inactive
           "2024-02-26T12:00+09:00",  # 6 d after the cart add, cart is last event -> cart
           "2024-04-08T12:00+09:00",  # cart 48 d ago (> 40); 48 d since it (< 60) -> inactive
           "2024-04-15T12:00+09:00",  # 5 d after the first purchase              -> post_first_purchase
           "2024-05-20T12:00+09:00",  # 40 d after the first purchase (30..120)   -> repurchase_push
           "2024-06-03T12:00+09:00",  # 2nd purchase 9 d ago                      -> repeat
           "2024-08-26T12:00+09:00",  # 93 d since May 25 (31+30+31+1): 60..120   -> dormant
           "2024-10-07T12:00+09:00",  # 135 d (92 + 31 + 12): 120..300            -> churned
           "2025-04-07T12:00+09:00"]  # 317 d (335 to Apr 25, minus 18): >= 300   -> resurrected
EXPECTED_A = ["onboarding", "inactive", "cart", "inactive", "post_first_purchase", "repurchase_push",
              "repeat", "dormant", "churned", "resurrected"]


def test_infer_stages_follows_each_rule():
    m = msgs(["a"] * len(SENDS_A), SENDS_A)
    assert cadence.infer_stages(m, EVENTS_A).tolist() == EXPECTED_A


def test_stage_thresholds_are_parameters():
    m = msgs(["a"] * len(SENDS_A), SENDS_A)
    # dormant after 100 d instead of 60: the 93-d message stays 'repeat'; 135 d is then dormant
    # (100..160) and 317 d churned (160..340)
    th = cadence.StageThresholds(dormant_days=100)
    got = cadence.infer_stages(m, EVENTS_A, th).tolist()
    assert got[7:] == ["repeat", "dormant", "churned"]


def test_message_before_signup_is_labelled():
    m = msgs(["a"], ["2023-12-31T12:00+09:00"])
    assert cadence.infer_stages(m, EVENTS_A).tolist() == ["before_signup"]


# --------------------------------------------------------------------------------------------
# Intervals
# --------------------------------------------------------------------------------------------


def test_stage_intervals_only_within_a_stage_and_customer():
    m = msgs(["a", "a", "a", "a", "b", "b"],
             ["2024-03-04T12:00+09:00", "2024-03-11T18:00+09:00",  # 7 d 6 h = 7.25 d (cart)
              "2024-03-18T12:00+09:00",                            # 6.75 d but stage changes
              "2024-04-01T12:00+09:00",                            # 14 d, inactive -> inactive
              "2024-03-05T12:00+09:00", "2024-03-19T12:00+09:00"])  # b: 14 d, inactive
    stages = pd.Series(["cart", "cart", "inactive", "inactive", "inactive", "inactive"])
    iv = cadence.stage_intervals(m, stages)
    assert iv["days"].tolist() == [7.25, 14.0, 14.0]
    assert iv["stage"].tolist() == ["cart", "inactive", "inactive"]
    summary = cadence.interval_summary(iv)
    assert summary.loc["inactive", "median_days"] == 14.0
    assert summary.loc["cart", "intervals"] == 1
    assert summary.loc["dormant", "intervals"] == 0


def test_median_ci_matches_sign_test_table():
    # Sign-test 95 % interval for the median of n = 100: order statistics 40 and 61
    # (binomial(100, 0.5): P(K <= 39) = 0.018 <= 0.025 < P(K <= 40) = 0.028; Conover,
    # Practical Nonparametric Statistics, 3rd ed., Table A3 gives the same ranks).
    assert cadence.median_ci(np.arange(1, 101), level=0.95) == (40.0, 61.0)


def test_median_ci_refuses_a_level_the_sample_cannot_reach():
    # [min, max] of n draws covers the median with probability 1 - 2 * 0.5**n:
    # n = 10 -> 1 - 2/1024 = 0.99805 < 0.999 (undefined); n = 11 -> 1 - 2/2048 = 0.99902 (min, max)
    assert all(math.isnan(v) for v in cadence.median_ci(np.arange(10.0), level=0.999))
    assert cadence.median_ci(np.arange(11.0), level=0.999) == (0.0, 10.0)
    iv = pd.DataFrame({"customer_id": "a", "stage": "cart", "days": [7.0, 7.5, 6.5]})
    assert pd.isna(cadence.interval_summary(iv).loc["cart", "matches_policy"])


# --------------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------------


def test_weekday_shares_by_hand():
    # 2024-03-04 is a Monday. 5 Mon, 2 Tue, 1 Fri of 8 -> 0.625, 0.25, 0.125
    sent = ["2024-03-04T12:00+09:00"] * 5 + ["2024-03-05T12:00+09:00"] * 2 + ["2024-03-08T12:00+09:00"]
    shares = cadence.weekday_shares(msgs(["a"] * 8, sent), SEOUL)
    assert shares.to_dict() == {"mon": 0.625, "tue": 0.25, "wed": 0.0, "thu": 0.0, "fri": 0.125,
                                "sat": 0.0, "sun": 0.0}


def test_weekday_read_in_local_timezone():
    # Sunday 2024-03-03 20:00 UTC is Monday 05:00 in Seoul (UTC+9)
    m = msgs(["a"], ["2024-03-03T20:00+00:00"])
    assert cadence.weekday_shares(m, SEOUL)["mon"] == 1.0
    assert cadence.weekday_shares(m, "UTC")["sun"] == 1.0


def test_hour_band_and_quiet_hours():
    sent = ["2024-03-04T11:59+09:00", "2024-03-04T12:00+09:00", "2024-03-04T13:59+09:00",
            "2024-03-04T14:00+09:00", "2024-03-04T21:00+09:00", "2024-03-05T07:59+09:00",
            "2024-03-05T08:00+09:00", "2024-03-04T20:59+09:00"]
    m = msgs(list("abcdefgh"), sent, consent=[False, False, False, False, False, True, False, False])
    # 12:00 and 13:59 are inside [12, 14): 2 of 8
    assert cadence.hour_band_share(m, SEOUL, 12, 14) == 2 / 8
    # quiet 21:00-08:00: 21:00 and 07:59 only
    assert cadence.in_quiet_hours(m, SEOUL, 21, 8).tolist() == [False] * 4 + [True, True, False, False]
    summary, customers = cadence.quiet_hours_audit(m, SEOUL, 21, 8)
    # 07:59 was sent to a customer with consent: 1 violation (customer 'e'), share 1/8
    assert summary["violations"] == 1 and summary["violation_share"] == 1 / 8
    assert summary["quiet_sends"] == 2
    assert customers["customer_id"].tolist() == [pseudonymise("e")]
    # a non-wrapping window 0-6 catches neither
    assert cadence.in_quiet_hours(m, SEOUL, 0, 6).sum() == 0


def test_weekday_hour_table_sums_to_one():
    m = msgs(["a"] * 4, ["2024-03-04T12:00+09:00", "2024-03-04T12:30+09:00",
                         "2024-03-05T15:00+09:00", "2024-03-10T23:00+09:00"])
    table = cadence.weekday_hour_shares(m, SEOUL)
    assert table.shape == (7, 24)
    assert table.loc["mon", 12] == 0.5 and table.loc["sun", 23] == 0.25
    assert math.isclose(table.to_numpy().sum(), 1.0)


# --------------------------------------------------------------------------------------------
# Amounts
# --------------------------------------------------------------------------------------------


def test_discount_summary_by_hand():
    m = msgs(["a"] * 4, ["2024-03-04T12:00+09:00"] * 4,
             amount=[10_000.0, 5_000.0, 12_000.0, 6_000.0],
             min_order=[40_000.0, 50_000.0, 40_000.0, 30_000.0])
    # rates 0.25, 0.10, 0.30, 0.20 -> mean 0.85 / 4 = 0.2125; above 0.19: 0.25, 0.30, 0.20 -> 3/4
    d = cadence.discount_summary(m, 0.19)
    assert math.isclose(d["mean_discount_rate"], 0.2125)
    assert d["share_rate_above_margin"] == 0.75
    # margin 0.25: only 0.30 is strictly above -> 1/4
    assert cadence.discount_summary(m, 0.25)["share_rate_above_margin"] == 0.25


@pytest.mark.parametrize("window, expected", [
    ([13, 8, 11, 8, 13], True),    # high-low-mid-low-high
    ([13, 8, 11, 7, 12], True),    # outer peaks differ, middle still below both
    ([13, 8, 13, 8, 13], False),   # middle as high as the ends
    ([11, 8, 13, 8, 11], False),   # "M"-like: middle above the ends
    ([13, 8, 8, 8, 13], False),    # tie breaks the zig-zag
    ([8, 13, 11, 13, 8], False),   # inverted
])
def test_is_w_pattern_examples(window, expected):
    assert cadence.is_w_pattern(window) is expected


def test_w_pattern_count_over_all_orderings():
    # The middle value must exceed both valleys and be below both outer peaks: it ranks 3rd of 5,
    # valleys are ranks 1-2 (2 orders), outer peaks ranks 4-5 (2 orders): 4 of 120 orderings.
    count = sum(cadence.is_w_pattern(p) for p in itertools.permutations(range(1, 6)))
    assert count == 4


def test_w_pattern_share_windows():
    # one customer, cycle H L M L repeated: 13 8 11 8 13 8 11 8 13 -> 5 windows, W at starts 0 and 4
    amounts = [13, 8, 11, 8, 13, 8, 11, 8, 13]
    m = msgs(["a"] * 9, [f"2024-03-{d:02d}T12:00+09:00" for d in range(1, 10)], amount=amounts)
    assert cadence.w_pattern_share(m) == 2 / 5
    # a second customer with 4 messages adds no window
    m2 = pd.concat([m, msgs(["b"] * 4, ["2024-03-01T12:00+09:00"] * 4)], ignore_index=True)
    assert cadence.w_pattern_share(m2) == 2 / 5


def test_w_pattern_share_of_independent_amounts_is_one_in_thirty():
    rng = np.random.default_rng(11)
    n = 30_000
    m = pd.DataFrame({"customer_id": "a", "coupon_amount": rng.normal(size=n),
                      "sent_at": pd.date_range("2000-01-03", periods=n, freq="h", tz=SEOUL)})
    # 29,996 overlapping windows; binomial SE sqrt(p(1-p)/n) = 0.00104, inflated x3 for the
    # overlap of neighbouring windows -> tolerance 4 x 0.0031 = 0.0125 is generous; use 0.006.
    assert abs(cadence.w_pattern_share(m) - 1 / 30) < 0.006


# --------------------------------------------------------------------------------------------
# Purchases
# --------------------------------------------------------------------------------------------


def test_purchase_cycle_by_hand():
    e = pd.DataFrame({
        "customer_id": ["a", "a", "a", "b", "b", "c", "c"],
        "event": ["purchase", "purchase", "purchase", "purchase", "purchase", "signup", "purchase"],
        "at": ts(["2024-01-01T10:00Z", "2024-01-11T10:00Z", "2024-01-21T10:00Z",
                  "2024-02-01T10:00Z", "2024-03-02T10:00Z", "2024-01-01T10:00Z", "2024-01-05T10:00Z"]),
    })
    # gaps: a 10, 10; b 30 (Feb 2024 has 29 days: 29 + 1); c one purchase -> no gap
    # mean 50 / 3 = 16.667 d; per month 30.4375 / 16.667 = 1.82625
    got = cadence.purchase_cycle(e)
    assert got["gaps"] == 3
    assert math.isclose(got["mean_days_between_purchases"], 50 / 3)
    assert math.isclose(got["purchases_per_month"], (365.25 / 12) / (50 / 3))
    assert math.isclose(got["repeat_buyer_share"], 2 / 3)


# --------------------------------------------------------------------------------------------
# Cleaning and bad input
# --------------------------------------------------------------------------------------------


def test_clean_log_counts_each_rule():
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
    clean, ev, quality = cadence.clean_log(m, events)
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


def test_clean_log_with_nothing_left_raises():
    events = pd.DataFrame({"customer_id": ["z"], "event": ["signup"], "at": ts(["2024-01-01T10:00+09:00"])})
    with pytest.raises(DataContractError, match="no message is left"):
        cadence.clean_log(msgs(["a"], ["2024-03-04T12:00+09:00"]), events)


def test_discount_summary_refuses_unflagged_bad_rows():
    m = msgs(["a"], ["2024-03-04T12:00+09:00"], min_order=[0.0])
    with pytest.raises(ValueError, match="min_order must be > 0"):
        cadence.discount_summary(m, 0.19)


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


GOOD = dict(messages_path="data/synthetic/cadence_messages.csv", events_path="data/synthetic/cadence_events.csv",
            simulate=False, sim_customers=400, sim_violation_share=0.05, seed=5, currency="KRW",
            timezone=SEOUL, naive_timezone=None, quiet_start_hour=21, quiet_end_hour=8,
            gross_margin=0.19, onboarding_days=30, cart_days=40, post_first_days=30, push_days=90,
            repeat_from_purchase=2, dormant_days=60, dormant_silence_days=60,
            churn_silence_days=180, null_draws=50)


@pytest.mark.parametrize("name, value, match", [
    ("timezone", "Mars/Olympus", "'timezone' = 'Mars/Olympus' is not an IANA timezone"),
    ("naive_timezone", "", "'naive_timezone' = '' must be an IANA timezone"),
    ("quiet_start_hour", 8, "both 8"),
    ("quiet_end_hour", 24, "'quiet_end_hour' = 24 is out of range"),
    ("gross_margin", 1.0, "'gross_margin' = 1.0 is out of range"),
    ("simulate", "yes", "'simulate' = 'yes' must be true or false"),
    ("repeat_from_purchase", 1, "'repeat_from_purchase' = 1 is out of range"),
    ("cart_days", 2.5, "'cart_days' = 2.5 must be a whole number"),
    ("currency", "won", "'currency' = 'won' must be a 3-letter"),
    ("messages_path", "data/synthetic/nope.csv", "'messages_path': file 'data/synthetic/nope.csv' not found"),
    ("sim_violation_share", -0.1, "'sim_violation_share' = -0.1 is out of range"),
])
def test_validate_parameters_names_the_parameter(name, value, match):
    with pytest.raises(ParameterError, match=match):
        cadence.validate_parameters(**{**GOOD, name: value})


def test_validate_parameters_builds_thresholds():
    p = cadence.validate_parameters(**{**GOOD, "dormant_days": 75})
    assert p["thresholds"].dormant_days == 75 and p["thresholds"].cart_days == 40


# --------------------------------------------------------------------------------------------
# Simulator: contracts, reproducibility, recovery of its own settings
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def simulated():
    messages, events = cadence.simulate_log(400, seed=5)
    return messages, events


def test_simulator_output_follows_the_contracts(simulated):
    messages, events = simulated
    validate(messages, CADENCE_MESSAGES, source="simulate_log messages")
    validate(events, CADENCE_EVENTS, source="simulate_log events")
    _clean, _ev, quality = cadence.clean_log(messages, events)
    assert quality["rows"].sum() == 0


def test_shipped_files_are_reproduced_byte_for_byte(tmp_path: Path):
    written = cadence.write_synthetic(tmp_path)
    for path in written:
        assert path.read_bytes() == (PROJECT_ROOT / "data" / "synthetic" / path.name).read_bytes(), path.name
    for name, schema, tz in [("cadence_messages.csv", CADENCE_MESSAGES, None),
                             ("cadence_events.csv", CADENCE_EVENTS, None),
                             ("cadence_single_messages.csv", CADENCE_MESSAGES, SEOUL),
                             ("cadence_single_events.csv", CADENCE_EVENTS, SEOUL)]:
        load_csv(tmp_path / name, schema, tz=tz)


def test_recovered_intervals_match_the_policy(simulated):
    """Median interval per stage vs the simulator's policy, within a sample-size-based interval.

    Tolerance: the distribution-free sign-test interval for the median at 99.9 %
    (cadence.median_ci), whose width shrinks like 1/sqrt(n intervals). Consecutive intervals
    share an endpoint and are negatively correlated, which makes the sign count less variable
    than binomial, so the interval is conservative.
    """
    messages, events = simulated
    m, ev, _q = cadence.clean_log(messages, events)
    iv = cadence.stage_intervals(m, cadence.infer_stages(m, ev))
    summary = cadence.interval_summary(iv, level=0.999)
    for stage, days in cadence.POLICY_INTERVAL_DAYS.items():
        if days is None:
            continue
        row = summary.loc[stage]
        assert row["intervals"] >= 100, stage
        assert row["ci_low"] <= days <= row["ci_high"], (stage, row.to_dict())


def test_recovered_weekday_and_hour_shares_match_settings(simulated):
    """Weekday shares within 3.29 binomial standard errors (two-sided 99.9 % each) of the settings.

    SE_d = sqrt(p_d (1 - p_d) / n) with n messages; weekday draws are independent per message.
    Weekend shares are 0 in the settings and must be exactly 0.
    """
    messages, _events = simulated
    n = len(messages)
    settings = cadence.SimSettings()
    shares = cadence.weekday_shares(messages, SEOUL)
    for day, p in zip(cadence.WEEKDAYS, settings.weekday_shares, strict=True):
        se = math.sqrt(p * (1 - p) / n)
        assert abs(shares[day] - p) <= 3.29 * se, (day, shares[day], p, se)
    # hours: 80 % at 12-14h among daytime sends; a message leaves the day with probability
    # violation_share (no consent) or consented_night_share (consent)
    p_night = np.where(messages["consent_night"], settings.consented_night_share, settings.violation_share)
    expected = 0.8 * float(np.mean(1 - p_night))
    se = math.sqrt(expected * (1 - expected) / n)
    assert abs(cadence.hour_band_share(messages, SEOUL, 12, 14) - expected) <= 3.29 * se
    expected_v = float(np.mean(np.where(messages["consent_night"], 0.0, settings.violation_share)))
    se_v = math.sqrt(expected_v * (1 - expected_v) / n)
    got = cadence.quiet_hours_audit(messages, SEOUL)[0]["violation_share"]
    assert abs(got - expected_v) <= 3.29 * se_v


def test_violation_share_parameter_moves_the_audit():
    none, ev = cadence.simulate_log(60, seed=9, violation_share=0.0)
    many, _ = cadence.simulate_log(60, seed=9, violation_share=0.5)
    assert cadence.quiet_hours_audit(none, SEOUL)[0]["violations"] == 0
    assert cadence.quiet_hours_audit(many, SEOUL)[0]["violation_share"] > 0.2


def test_audit_output_never_shows_raw_ids(simulated):
    messages, _ = simulated
    _summary, customers = cadence.quiet_hours_audit(messages, SEOUL)
    assert len(customers) > 0
    assert not customers["customer_id"].isin(set(messages["customer_id"])).any()
    assert customers["customer_id"].str.startswith("C-").all()


def test_planted_flaws_in_the_single_customer_log_are_found():
    # write_synthetic plants one duplicate, one swapped pair and one min_order of 0
    root = PROJECT_ROOT / "data" / "synthetic"
    m, e = cadence.load_log(root / "cadence_single_messages.csv", root / "cadence_single_events.csv",
                            naive_timezone=SEOUL)
    clean, _ev, quality = cadence.clean_log(m, e)
    q = quality.set_index("rule")["rows"]
    assert (q["messages_out_of_order"], q["duplicate_message"], q["min_order_zero"]) == (1, 1, 1)
    assert len(clean) == len(m) - 1 and 45 <= len(clean) <= 60  # "about 50 texts", as in seed 002
    assert clean["rate_ok"].sum() == len(clean) - 1
