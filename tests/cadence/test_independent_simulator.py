"""Recovery on an independent simulator: a lifecycle policy written as an event-driven state machine.

The shipped simulator (``helpers.cadence.simulate``) labels stages with its own implementation of
the analysis's rules (``label_stages``), and its log uses the default thresholds and policy. This
file holds a second simulator that shares no code with ``helpers.cadence`` and differs in form as
well as in settings: each customer is a state machine driven by its events (sign-up, cart add,
purchase) and by timers, and it sends on a policy that differs from the default one (other
intervals, thresholds, hours and channels). The analysis then reads the log it wrote.

Tolerances (stated once, used below):
* stages: at least 99.5 % of sends get the machine's state (it should be all of them; the slack
  allows for a send and a timer in the same second);
* intervals: the agreement test (90 % cluster sign-test interval of the median inside the policy
  value ± 0.5 day) holds for every stage with a cadence, and each median is within 0.25 day;
* adherence: at the true policy it peaks (its 90 % interval above those at the policy ± 1 day) in
  every cadence stage and every seed; at a policy one day off it never does;
* coverage (slow): over 80 machines the 90 % intervals of the median and of adherence cover the
  value of a 2,000-customer machine in 90 % ± 3.29 binomial standard errors of the pooled stages;
* hours: each hour's share within 3.29 binomial standard errors (99.9 % two-sided) of its setting;
* quiet hours and dated consent: the audit's violations by channel equal the machine's count exactly;
* purchases per month: within 3.29 Poisson standard errors of the planted rate.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest

from helpers.cadence import adherence, constants, intervals, load, purchases, stages, timing

DAY = 86_400
TZ = "Asia/Seoul"
T0 = pd.Timestamp("2024-01-01", tz=TZ)  # a Monday; machine times are seconds after T0 (local midnight)

#: The policy of this machine: send every k days while in a state; churned gets one coupon on entry.
POLICY = {"inactive": 10, "cart": 3, "post_first_purchase": 5, "repurchase_push": 10, "repeat": 5,
          "resurrected": 21}
ONE_SHOT = {"churned"}
#: Thresholds (days) of the state machine, all different from the analysis's defaults.
TH = {"onboarding_days": 20, "cart_days": 25, "post_first_days": 15, "push_days": 45, "repeat_from_purchase": 3,
      "dormant_days": 40, "dormant_silence_days": 30, "churn_silence_days": 90}
HOURS = {9: 0.5, 19: 0.3, 20: 0.2}          # local send hour shares
NIGHT_SHARE = 0.1                            # share of sends moved to a night hour (22 h or 7 h)
CHANNELS = {"lms": 0.6, "push": 0.3, "email": 0.1}
RULES = pd.DataFrame({"night_rule": [True, True, False], "start": "21:00", "end": "08:00",
                      "start_s": 21 * 3600, "end_s": 8 * 3600, "start_inclusive": True, "end_inclusive": True},
                     index=["lms", "push", "email"])


@dataclass
class Customer:
    """One customer's lifecycle state machine (state, timers, send schedule)."""

    cid: str
    rng: np.random.Generator
    state: str = "before_signup"
    n: int = 0
    t_signup: int = -1
    t_first: int = -1
    t_cart: int = -1
    timer_epoch: int = 0
    send_epoch: int = 0
    entered: int = 0
    sends: list = field(default_factory=list)

    # -- transitions ------------------------------------------------------------------------------
    def enter(self, q: list, t: int, state: str, until: int | None, then) -> None:
        self.timer_epoch += 1
        if until is not None:
            heapq.heappush(q, (until, 1, next(_SEQ), "timer", (self, self.timer_epoch, then)))
        if state != self.state:
            self.state, self.entered = state, t
            self.send_epoch += 1
            if state in POLICY or state in ONE_SHOT:
                self.schedule(q, t, 0)

    def ladder(self, q: list, t: int, idle_from: int) -> None:
        """Idle states by time since the idle clock started: base, dormant, churned, resurrected."""
        base = "repeat" if self.n >= TH["repeat_from_purchase"] else "inactive"
        edges = np.cumsum([TH["dormant_days"], TH["dormant_silence_days"], TH["churn_silence_days"]]) * DAY
        g = t - idle_from
        for name, edge in zip((base, "dormant", "churned"), edges, strict=True):
            if g < edge:
                self.enter(q, t, name, idle_from + int(edge), lambda q_, t_: self.ladder(q_, t_, idle_from))
                return
        self.enter(q, t, "resurrected", None, None)

    def programme_end(self) -> int:
        if self.n == 0:
            return self.t_signup + TH["onboarding_days"] * DAY
        if self.n == 1:
            return self.t_first + (TH["post_first_days"] + TH["push_days"]) * DAY
        return -1

    def resume(self, q: list, t: int) -> None:
        """Where a customer goes when a cart window ends: back into a programme, or idle."""
        if self.n == 0 and t < self.programme_end():
            self.enter(q, t, "onboarding", self.programme_end(), lambda q_, t_: self.ladder(q_, t_, t_))
        elif self.n == 1 and t < self.t_first + TH["post_first_days"] * DAY:
            self.enter(q, t, "post_first_purchase", self.t_first + TH["post_first_days"] * DAY, self.to_push)
        elif self.n == 1 and t < self.programme_end():
            self.to_push(q, t)
        else:
            self.ladder(q, t, max(self.t_cart, self.programme_end()))

    def to_push(self, q: list, t: int) -> None:
        self.enter(q, t, "repurchase_push", self.programme_end(), lambda q_, t_: self.ladder(q_, t_, t_))

    def on_event(self, q: list, t: int, kind: str) -> None:
        if kind == "signup":
            self.t_signup = t
            self.enter(q, t, "onboarding", self.programme_end(), lambda q_, t_: self.ladder(q_, t_, t_))
        elif kind == "cart_add":
            self.t_cart = t
            self.enter(q, t, "cart", t + TH["cart_days"] * DAY, self.resume)
        else:
            self.n += 1
            self.t_cart = -1
            if self.n == 1:
                self.t_first = t
                self.enter(q, t, "post_first_purchase", t + TH["post_first_days"] * DAY, self.to_push)
            else:
                self.ladder(q, t, t)

    # -- sends ------------------------------------------------------------------------------------
    def schedule(self, q: list, entered: int, j: int) -> None:
        k = POLICY.get(self.state)
        if j > 0 and k is None:
            return
        due = entered + j * (k or 0) * DAY
        hour = int(self.rng.choice(list(HOURS), p=list(HOURS.values())))
        if self.rng.random() < NIGHT_SHARE:
            hour = int(self.rng.choice([22, 7]))
        at = (due // DAY) * DAY + hour * 3600 + int(self.rng.integers(0, 60)) * 60
        if at <= due:
            at += DAY
        heapq.heappush(q, (at, 2, next(_SEQ), "send", (self, self.send_epoch, entered, j)))

    def on_send(self, q: list, t: int, epoch: int, entered: int, j: int) -> None:
        if epoch != self.send_epoch:
            return  # the state changed before this send was due: the machine drops it
        self.sends.append((t, self.state))
        self.schedule(q, entered, j + 1)


class _Seq:
    def __init__(self):
        self.i = 0

    def __next__(self):
        self.i += 1
        return self.i


_SEQ = _Seq()


def customer_events(rng: np.random.Generator, horizon: int, life_days: float | None) -> list[tuple[int, str]]:
    """Sign-up, then Poisson cart adds (1 in 20 days) and purchases (1 in 15 days, 70 % of customers)."""
    signup = int(rng.uniform(0, 200 * DAY))
    end = horizon if life_days is None else min(horizon, signup + int(rng.exponential(life_days) * DAY))
    out = [(signup, "signup")]
    for kind, mean_days, p in (("cart_add", 20.0, 1.0), ("purchase", 15.0, 0.7)):
        if rng.random() >= p:
            continue
        t = signup + rng.exponential(mean_days) * DAY
        while t < end:
            out.append((int(t), kind))
            t += rng.exponential(mean_days) * DAY
    return sorted(out)


def run_machine(n_customers: int = 300, seed: int = 1, horizon_days: int = 500, life_days: float | None = 120):
    """(messages, events, consent, truth) of a simulated base; truth has the machine's state per send."""
    rng = np.random.default_rng(seed)
    horizon = horizon_days * DAY
    ev_rows, msg_rows, consent_rows = [], [], []
    for c in range(n_customers):
        cust = Customer(f"M{c:04d}", np.random.default_rng(rng.integers(2**32)))
        q: list = []
        for t, kind in customer_events(rng, horizon, life_days):
            heapq.heappush(q, (t, 0, next(_SEQ), "event", kind))
            ev_rows.append((cust.cid, kind, t))
        while q:
            t, _prio, _seq, what, payload = heapq.heappop(q)
            if t > horizon:
                break
            if what == "event":
                cust.on_event(q, t, payload)
            elif what == "timer":
                owner, epoch, then = payload
                if epoch == owner.timer_epoch and then is not None:
                    then(q, t)
            else:
                cust.on_send(q, t, *payload[1:])
        # dated consent: given at sign-up by 40 %, a third of them withdraw it later (all channels)
        signup = min(t for cid, k, t in ev_rows if cid == cust.cid and k == "signup")
        given_at, withdrawn_at = None, None
        if rng.random() < 0.4:
            given_at = signup
            consent_rows.append((cust.cid, "all", "given", signup))
            if rng.random() < 1 / 3:
                withdrawn_at = signup + int(rng.uniform(0, 300) * DAY)
                consent_rows.append((cust.cid, "all", "withdrawn", withdrawn_at))
        for t, state in cust.sends:
            ok = given_at is not None and t >= given_at and (withdrawn_at is None or t < withdrawn_at)
            channel = str(rng.choice(list(CHANNELS), p=list(CHANNELS.values())))
            msg_rows.append((cust.cid, t, channel, state, ok))
    def at(secs):
        return T0 + pd.to_timedelta(np.asarray(secs, dtype="int64"), unit="s")
    events = pd.DataFrame(ev_rows, columns=["customer_id", "event", "t"])
    events = pd.DataFrame({"customer_id": events["customer_id"], "event": events["event"], "at": at(events["t"])})
    m = pd.DataFrame(msg_rows, columns=["customer_id", "t", "channel", "truth", "consent"])
    messages = pd.DataFrame({"customer_id": m["customer_id"], "sent_at": at(m["t"]), "channel": m["channel"],
                             "coupon_amount": 5_000.0, "min_order": 30_000.0, "valid_days": 3,
                             "consent_night": m["consent"]})
    consent = pd.DataFrame(consent_rows, columns=["customer_id", "channel", "event", "t"])
    consent = pd.DataFrame({"customer_id": consent["customer_id"], "channel": consent["channel"],
                            "event": consent["event"], "at": at(consent["t"])})
    return messages, events, consent, m["truth"].to_numpy()


@pytest.fixture(scope="module")
def machine():
    messages, events, consent, truth = run_machine()
    clean, ev, quality = load.clean_log(messages, events)
    assert quality["rows"].sum() == 0  # the machine writes a clean log: nothing reordered or dropped
    return clean, ev, consent, truth


def test_the_machine_visits_every_stage(machine):
    _m, _e, _c, truth = machine
    assert set(truth) == set(POLICY) | ONE_SHOT
    assert len(truth) > 5_000


def test_stage_recovery_on_the_independent_machine(machine):
    m, e, _c, truth = machine
    got = stages.infer_stages(m, e, stages.StageThresholds(**TH)).to_numpy()
    agree = got == truth
    per_stage = pd.Series(agree).groupby(truth).mean()
    assert agree.mean() >= 0.995, per_stage.to_dict()
    assert (per_stage >= 0.99).all(), per_stage.to_dict()


def test_intervals_agree_with_the_machine_policy(machine):
    m, e, _c, _truth = machine
    st = stages.infer_stages(m, e, stages.StageThresholds(**TH))
    iv = intervals.stage_intervals(m, st)
    policy = {s: POLICY.get(s) for s in constants.STAGES}
    table = intervals.interval_agreement(iv, policy=policy, margin_days=0.5)
    for stage, k in POLICY.items():
        row = table.loc[stage]
        assert row["customers"] >= 20, (stage, row.to_dict())
        assert bool(row["agrees"]), (stage, row.to_dict())
        assert abs(row["median_days"] - k) <= 0.25, (stage, row.to_dict())


def test_a_wrong_policy_does_not_agree(machine):
    m, e, _c, _truth = machine
    st = stages.infer_stages(m, e, stages.StageThresholds(**TH))
    wrong = {s: (None if POLICY.get(s) is None else POLICY[s] + 1) for s in constants.STAGES}
    table = intervals.interval_agreement(intervals.stage_intervals(m, st), policy=wrong)
    assert not table["agrees"].dropna().astype(bool).any()


def test_hour_shares_on_the_independent_machine(machine):
    m, _e, _c, _truth = machine
    n = len(m)
    hours = timing.local_time(m["sent_at"], TZ)["hour"].to_numpy()
    for hour, share in HOURS.items():
        p = share * (1 - NIGHT_SHARE)
        se = math.sqrt(p * (1 - p) / n)
        assert abs((hours == hour).mean() - p) <= 3.29 * se, (hour, (hours == hour).mean(), p)
    assert timing.hour_band_share(m, TZ, 12, 14) == 0.0  # this policy never sends at lunch


def test_quiet_hours_by_channel_match_the_machine(machine):
    m, _e, consent, _truth = machine
    hours = timing.local_time(m["sent_at"], TZ)["hour"].to_numpy()
    night = np.isin(hours, [22, 7])
    for dated in (False, True):
        summary, _per = timing.quiet_audit(m, TZ, RULES, consent if dated else None)
        expected = {ch: int((night & (m["channel"] == ch).to_numpy() & ~m["consent_night"].to_numpy(bool)).sum())
                    if ch != "email" else 0 for ch in sorted(set(m["channel"]))}
        assert summary["by_channel"] == expected
        assert expected["lms"] > 0 and summary["violations"] == sum(expected.values())


def test_purchase_rate_recovers_the_planted_rate():
    # no drop-out: every customer buys at 1 in 15 days from sign-up to the window's end
    _m, events, _c, _t = run_machine(n_customers=200, seed=5, life_days=None)
    end = T0 + pd.Timedelta(days=500)
    got = purchases.purchase_rate(events, end)
    planted = purchases.DAYS_PER_MONTH / 15
    se = math.sqrt(got["repeat_purchases"]) / got["exposure_months"]
    assert abs(got["purchases_per_month"] - planted) <= 3.29 * se, (got, planted, se)


def test_wrong_thresholds_are_visible_in_the_recovery(machine):
    # the analysis's default thresholds are not the machine's: far fewer sends get the right stage
    m, e, _c, truth = machine
    got = stages.infer_stages(m, e, stages.StageThresholds()).to_numpy()
    assert (got == truth).mean() < 0.9


def test_agreement_over_many_seeds():
    # over 4 independent machines: every cadence stage agrees with the true policy each time, and a
    # policy one day off never does (power and size of the agreement test at margin 0.5 day)
    for seed in (11, 12, 13, 14):
        m, e, _c, _truth = run_machine(n_customers=150, seed=seed)
        st = stages.infer_stages(m, e, stages.StageThresholds(**TH))
        iv = intervals.stage_intervals(m, st)
        true = {s: POLICY.get(s) for s in constants.STAGES}
        off = {s: (None if k is None else k + 1) for s, k in true.items()}
        got = intervals.interval_agreement(iv, policy=true)["agrees"].dropna()
        assert len(got) == len(POLICY) and got.astype(bool).all(), (seed, got.to_dict())
        wrong = intervals.interval_agreement(iv, policy=off)["agrees"].dropna()
        assert not wrong.astype(bool).any(), (seed, wrong.to_dict())
        # adherence: peaks at the true policy, never at one a day off (either side)
        peak = adherence.interval_adherence(iv, policy=true)["peaks_at_policy"].dropna()
        assert len(peak) == len(POLICY) and peak.astype(bool).all(), (seed, peak.to_dict())
        for shift in (-1, 1):
            moved = {s: (None if k is None else k + shift) for s, k in true.items()}
            off_peak = adherence.interval_adherence(iv, policy=moved)["peaks_at_policy"].dropna()
            assert not off_peak.astype(bool).any(), (seed, shift, off_peak.to_dict())


@pytest.mark.study
def test_interval_coverage_over_many_machines():
    # the 90 % intervals of the median and of adherence, against the values of a large machine
    policy = {s: POLICY.get(s) for s in constants.STAGES}

    def stage_intervals(n, seed):
        m, e, _c, _t = run_machine(n_customers=n, seed=seed)
        return intervals.stage_intervals(m, stages.infer_stages(m, e, stages.StageThresholds(**TH)))

    big = stage_intervals(2000, 999)
    truth = {s: (float(np.median(big.loc[big["stage"] == s, "days"])),
                 float((np.abs(big.loc[big["stage"] == s, "days"] - k) <= 0.5).mean())) for s, k in POLICY.items()}
    hits_m, hits_a = [], []
    for seed in range(1000, 1080):
        iv = stage_intervals(150, seed)
        med = intervals.interval_agreement(iv, policy=policy)
        adh = adherence.interval_adherence(iv, policy=policy)
        for s in POLICY:
            if med.loc[s, "intervals"] >= 20 and not np.isnan(med.loc[s, "low"]):
                hits_m.append(med.loc[s, "low"] <= truth[s][0] <= med.loc[s, "high"])
                hits_a.append(adh.loc[s, "adherence_low"] <= truth[s][1] <= adh.loc[s, "adherence_high"])
    for hits in (hits_m, hits_a):
        n = len(hits)
        assert n >= 300
        assert abs(np.mean(hits) - 0.90) <= 3.29 * math.sqrt(0.09 / n), (np.mean(hits), n)
