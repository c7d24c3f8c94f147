"""The shipped simulator: its output follows the contracts, and the pipeline recovers its settings."""

from __future__ import annotations

import math

import numpy as np
import pytest

from helpers.cadence import adherence, constants, intervals, load, simulate, stages, times, timing
from helpers.cadence.schemas import CADENCE_EVENTS, CADENCE_MESSAGES
from helpers.config import SYNTHETIC_DIR
from helpers.contracts import validate

SEOUL = "Asia/Seoul"


@pytest.fixture(scope="module")
def simulated():
    messages, events = simulate.simulate_log(400, seed=5)
    return messages, events


def test_simulator_output_follows_the_contracts(simulated):
    messages, events = simulated
    validate(messages, CADENCE_MESSAGES, source="simulate_log messages")
    validate(events, CADENCE_EVENTS, source="simulate_log events")
    _clean, _ev, quality = load.clean_log(messages, events)
    assert quality["rows"].sum() == 0


def test_recovered_intervals_agree_with_the_shipped_policy(simulated):
    """Median interval per stage agrees with the simulator's policy (stage rule and pipeline, end to end).

    The shipped simulator labels stages with its own implementation of the stage rules
    (``simulate.label_stages``; tests/cadence/test_simulator_stages.py compares it with the
    analysis's), so this checks the analysis's stage rule, interval and agreement code at the
    default thresholds; tests/cadence/test_independent_simulator.py does the same on a machine with
    another policy and other thresholds. Tolerance: the 90% cluster sign-test interval of the
    median inside the policy value +- 0.5 day (two one-sided tests at 5%).
    """
    messages, events = simulated
    m, ev, _q = load.clean_log(messages, events)
    iv = intervals.stage_intervals(m, stages.infer_stages(m, ev))
    table = intervals.interval_agreement(iv, margin_days=0.5)
    for stage, days in constants.POLICY_INTERVAL_DAYS.items():
        if days is None:
            continue
        row = table.loc[stage]
        assert row["intervals"] >= 100 and bool(row["agrees"]), (stage, row.to_dict())


def _cadence_intervals(messages, events):
    m, ev, _q = load.clean_log(messages, events)
    return intervals.stage_intervals(m, stages.infer_stages(m, ev))


@pytest.mark.parametrize("source", ["shipped", 6, 7])
def test_adherence_tells_a_one_day_off_policy_apart(source):
    """Adherence peaks at the simulator's policy and at no policy one day off (shipped file, 2 more seeds).

    The weekday of each send is drawn afresh (Mon 62 %, Tue 17 %, ...), so a same-stage interval is
    on schedule (within 0.5 day) when both sends fall on the same weekday: about
    0.62^2 + 0.17^2 + 0.09^2 + 0.08^2 + 0.04^2 = 0.43 of intervals, and one day off (Mon -> Tue, ...)
    about 0.62 * 0.17 + 0.17 * 0.09 + 0.09 * 0.08 + 0.08 * 0.04 = 0.13 each way.
    """
    if source == "shipped":
        messages, events = load.load_log(SYNTHETIC_DIR / "cadence_messages.csv", SYNTHETIC_DIR / "cadence_events.csv")
    else:
        messages, events = simulate.simulate_log(200, seed=source)
    iv = _cadence_intervals(messages, events)
    policy = constants.POLICY_INTERVAL_DAYS
    table = adherence.interval_adherence(iv)
    cadence = [s for s, k in policy.items() if k is not None]
    assert table.loc[cadence, "peaks_at_policy"].astype(bool).all(), table.loc[cadence].to_dict()
    big = table.loc[cadence][table.loc[cadence, "intervals"] >= 500]
    assert ((big["adherence_low"] <= 0.43) & (0.43 <= big["adherence_high"] + 0.02)).all(), big["adherence"]
    for shift in (-1, 1):
        moved = {s: (None if k is None else k + shift) for s, k in policy.items()}
        off = adherence.interval_adherence(iv, policy=moved).loc[cadence, "peaks_at_policy"]
        assert not off.astype(bool).any(), (shift, off.to_dict())


def test_recovered_weekday_and_hour_shares_match_settings(simulated):
    """Weekday shares within 3.29 binomial standard errors (two-sided 99.9 % each) of the settings.

    SE_d = sqrt(p_d (1 - p_d) / n) with n messages; weekday draws are independent per message.
    Weekend shares are 0 in the settings and must be exactly 0.
    """
    messages, _events = simulated
    n = len(messages)
    settings = simulate.SimSettings()
    shares = timing.weekday_shares(messages, SEOUL)
    for day, p in zip(times.WEEKDAYS, settings.weekday_shares, strict=True):
        se = math.sqrt(p * (1 - p) / n)
        assert abs(shares[day] - p) <= 3.29 * se, (day, shares[day], p, se)
    # hours: 80 % at 12-14h among daytime sends; a message leaves the day with probability
    # violation_share (no consent) or consented_night_share (consent)
    p_night = np.where(messages["consent_night"], settings.consented_night_share, settings.violation_share)
    expected = 0.8 * float(np.mean(1 - p_night))
    se = math.sqrt(expected * (1 - expected) / n)
    assert abs(timing.hour_band_share(messages, SEOUL, 12, 14) - expected) <= 3.29 * se
    expected_v = float(np.mean(np.where(messages["consent_night"], 0.0, settings.violation_share)))
    se_v = math.sqrt(expected_v * (1 - expected_v) / n)
    got = timing.quiet_hours_audit(messages, SEOUL)[0]["violation_share"]
    assert abs(got - expected_v) <= 3.29 * se_v


def test_violation_share_parameter_moves_the_audit():
    none, ev = simulate.simulate_log(60, seed=9, violation_share=0.0)
    many, _ = simulate.simulate_log(60, seed=9, violation_share=0.5)
    assert timing.quiet_hours_audit(none, SEOUL)[0]["violations"] == 0
    assert timing.quiet_hours_audit(many, SEOUL)[0]["violation_share"] > 0.2


def test_audit_output_never_shows_raw_ids(simulated):
    messages, _ = simulated
    _summary, customers = timing.quiet_hours_audit(messages, SEOUL)
    assert len(customers) > 0
    assert not customers["customer_id"].isin(set(messages["customer_id"])).any()
    assert customers["customer_id"].str.startswith("C-").all()

