"""The simulator's own stage labeller equals the analysis's stage rule.

``helpers.cadence.simulate.label_stages`` (a sequential walk over each customer's events, then
scalar rules) and ``stages.stages_from_features(stages.stage_features(...))`` (vectorised sorted
searches, then ``np.select``) are two implementations of one rule. They must agree exactly: on the
simulator's weekly grid (the times at which it labels stages before sending), on a few seeds, at
the default and at shifted thresholds; and at times that sit exactly on an event or a threshold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.cadence import simulate, stages
from helpers.cadence.constants import DEFAULT, StageThresholds
from helpers.cadence.schemas import CADENCE_EVENTS
from helpers.config import SYNTHETIC_DIR
from helpers.contracts import load_csv

SHIFTED = StageThresholds(cart_days=10, dormant_days=30)
OTHER = StageThresholds(onboarding_days=12, cart_days=55, post_first_days=9, push_days=20, repeat_from_purchase=3,
                        dormant_days=25, dormant_silence_days=15, churn_silence_days=40)


def _weekly_grid(events: pd.DataFrame, settings: simulate.SimSettings | None = None) -> tuple[pd.Series, pd.Series]:
    """(customer ids, local Monday 00:00 of every week) as :func:`simulate.simulate_messages` builds them."""
    settings = settings or simulate.SimSettings()
    tz = settings.timezone
    t0 = pd.Timestamp(settings.start, tz=tz)
    t0 = t0 - pd.Timedelta(days=t0.day_of_week)
    n_weeks = int((pd.Timestamp(settings.end, tz=tz) - t0) / pd.Timedelta(days=7)) + 1
    customers = pd.unique(events["customer_id"])
    weeks = pd.date_range(t0.tz_localize(None), periods=n_weeks, freq="7D")
    times = pd.Series(weeks.take(np.tile(np.arange(n_weeks), len(customers)))
                      .tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward"))
    return pd.Series(np.repeat(customers, n_weeks), dtype=object), times


def _analysis(ids: pd.Series, times: pd.Series, events: pd.DataFrame, th: StageThresholds) -> list[str]:
    return stages.stages_from_features(stages.stage_features(ids, times, events), times, th).tolist()


@pytest.mark.parametrize("th", [DEFAULT, SHIFTED, OTHER], ids=["default", "cart10_dormant30", "other"])
@pytest.mark.parametrize("seed", [1, 5, 11])
def test_labels_on_the_weekly_grid_equal_the_analysis(seed, th):
    events = simulate.simulate_events(150, seed=seed)
    ids, times = _weekly_grid(events)
    got = simulate.label_stages(ids, times, events, th)
    assert got.index.equals(times.index)
    want = _analysis(ids, times, events, th)
    bad = [(ids[i], str(times[i]), g, w) for i, (g, w) in enumerate(zip(got, want, strict=True)) if g != w]
    assert not bad, bad[:5]
    assert len(set(want) - {"before_signup"}) >= 8  # the grid reaches (nearly) every stage


@pytest.mark.parametrize("th", [DEFAULT, SHIFTED], ids=["default", "cart10_dormant30"])
def test_labels_on_the_shipped_events_and_the_single_customer(th):
    events = load_csv(SYNTHETIC_DIR / "cadence_events.csv", CADENCE_EVENTS)
    ids, times = _weekly_grid(events)
    assert simulate.label_stages(ids, times, events, th).tolist() == _analysis(ids, times, events, th)
    single = simulate.single_customer_events()
    s1 = simulate.SimSettings(start="2022-02-28", end="2024-09-30")
    ids, times = _weekly_grid(single, s1)
    assert simulate.label_stages(ids, times, single, th).tolist() == _analysis(ids, times, single, th)


@pytest.mark.parametrize("th", [DEFAULT, SHIFTED, OTHER], ids=["default", "cart10_dormant30", "other"])
def test_labels_agree_on_event_times_and_threshold_edges(th):
    """Times exactly on an event, one second either side, and exactly on each threshold from it."""
    events = simulate.simulate_events(40, seed=3)
    days = sorted({th.cart_days, th.onboarding_days, th.post_first_days, th.post_first_days + th.push_days,
                   th.dormant_days, th.onboarding_days + th.dormant_days,
                   th.post_first_days + th.push_days + th.dormant_days,
                   th.dormant_days + th.dormant_silence_days,
                   th.dormant_days + th.dormant_silence_days + th.churn_silence_days})
    shifts = [pd.Timedelta(seconds=s) for s in (-1, 0, 1)]
    shifts += [pd.Timedelta(days=d) + pd.Timedelta(seconds=s) for d in days for s in (-1, 0, 1)]
    ids = pd.concat([events["customer_id"]] * len(shifts), ignore_index=True)
    times = pd.concat([events["at"] + s for s in shifts], ignore_index=True)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(ids))  # queries in no particular order
    ids, times = ids.iloc[order].reset_index(drop=True), times.iloc[order].reset_index(drop=True)
    assert simulate.label_stages(ids, times, events, th).tolist() == _analysis(ids, times, events, th)


def test_ties_and_customers_without_events():
    """A cart add and a purchase in the same second (the cart rule holds: last cart >= last purchase),
    a repeated sign-up, a cart add before sign-up (not the cart stage), an unknown customer, and a
    query before any event."""
    at = pd.to_datetime(["2024-01-01T10:00+09:00", "2024-02-01T10:00+09:00", "2024-02-01T10:00+09:00",
                         "2024-02-10T10:00+09:00", "2024-01-01T10:00+09:00", "2024-01-03T10:00+09:00"])
    events = pd.DataFrame({"customer_id": ["a"] * 4 + ["b"] * 2,
                           "event": ["signup", "purchase", "cart_add", "signup", "cart_add", "signup"],
                           "at": pd.Series(at)})
    times = pd.Series(pd.to_datetime(["2023-12-31T10:00+09:00", "2024-02-01T10:00+09:00",
                                      "2024-02-05T10:00+09:00", "2024-03-20T10:00+09:00",
                                      "2024-02-05T10:00+09:00", "2024-01-02T10:00+09:00",
                                      "2024-01-10T10:00+09:00"]))
    ids = pd.Series(["a", "a", "a", "a", "nobody", "b", "b"])
    got = simulate.label_stages(ids, times, events).tolist()
    assert got == _analysis(ids, times, events, DEFAULT)
    assert got == ["before_signup", "cart", "cart", "repurchase_push", "before_signup", "before_signup",
                   "onboarding"]
