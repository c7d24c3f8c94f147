"""Stage rules: each rule by hand on one customer's history, thresholds as parameters."""

from __future__ import annotations

import pandas as pd

from helpers.cadence import stages


def _times(values: list[str]) -> pd.Series:
    return pd.Series(pd.to_datetime(values))


EVENTS_A = pd.DataFrame({
    "customer_id": ["a"] * 4,
    "event": ["signup", "cart_add", "purchase", "purchase"],
    "at": _times(["2024-01-01T10:00+09:00", "2024-02-20T10:00+09:00",
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


def test_infer_stages_follows_each_rule(msgs):
    m = msgs(["a"] * len(SENDS_A), SENDS_A)
    assert stages.infer_stages(m, EVENTS_A).tolist() == EXPECTED_A


def test_stage_thresholds_are_parameters(msgs):
    m = msgs(["a"] * len(SENDS_A), SENDS_A)
    # dormant after 100 d instead of 60: the 93-d message stays 'repeat'; 135 d is then dormant
    # (100..160) and 317 d churned (160..340)
    th = stages.StageThresholds(dormant_days=100)
    got = stages.infer_stages(m, EVENTS_A, th).tolist()
    assert got[7:] == ["repeat", "dormant", "churned"]


def test_message_before_signup_is_labelled(msgs):
    m = msgs(["a"], ["2023-12-31T12:00+09:00"])
    assert stages.infer_stages(m, EVENTS_A).tolist() == ["before_signup"]

