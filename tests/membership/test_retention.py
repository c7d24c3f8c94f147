"""Contractual retention (sBG): the published fit, spells by hand, left truncation, interval
coverage on a generator with heterogeneous cancellation, and the report's words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.membership import report_retention, retention, robust
from helpers.membership.load import PanelData, check_panel
from helpers.membership.simulate import simulate_panel


@pytest.mark.parametrize("alive, alpha, beta", [
    # Fader, P. S. & Hardie, B. G. S. (2007), "How to project customer retention", Journal of
    # Interactive Marketing 21(1), 76-90: customers still active after years 0..7 and the
    # published sBG estimates for the two segments.
    ([1000, 631, 468, 382, 326, 289, 262, 241], 0.704, 1.182),  # "regular"
    ([1000, 869, 743, 653, 593, 551, 517, 491], 0.668, 3.806),  # "high end"
])
def test_fit_reproduces_fader_hardie_2007(alive, alpha, beta):
    alive = np.array(alive)
    t = np.arange(1, 8)
    a, b = retention.fit_sbg(t, -np.diff(alive), np.where(t == 7, alive[-1], 0))
    assert (round(a, 3), round(b, 3)) == (alpha, beta)


def _panel(rows):
    frame = pd.DataFrame(rows, columns=["customer_id", "month", "member", "join_month", "leave_month"])
    frame = frame.assign(orders=1, spend=1000.0)
    for col in ("month", "join_month", "leave_month"):
        frame[col] = pd.to_datetime(frame[col])
    return check_panel(frame)


def test_spells_by_hand_with_a_member_who_joined_before_the_panel():
    months = ["2024-01-01", "2024-02-01", "2024-03-01"]
    rows = []
    # a: joined Nov 2023 (2 months before the panel), left in March -> paid 4, entry 2, cancelled
    rows += [("a", m, m < "2024-03-01", "2023-11-01", "2024-03-01") for m in months]
    # b: joined Feb, still a member -> paid 2 (Feb, Mar), not cancelled
    rows += [("b", m, m >= "2024-02-01", "2024-02-01", None) for m in months]
    # c: never joined
    rows += [("c", m, False, None, None) for m in months]
    s = retention.member_spells(_panel(rows))
    assert s.paid_months.tolist() == [4, 2]
    assert s.cancelled.tolist() == [True, False] and s.entry.tolist() == [2, 0]
    assert s.codes.tolist() == [0, 1]


def _sbg_panel(seed: int, *, n: int = 3000, months: int = 24, alpha: float = 0.8,
               beta: float = 6.0, before: int = 0) -> pd.DataFrame:
    """An independent world: per-member cancellation probabilities from Beta(alpha, beta), joins
    uniform over the window (``before`` months of it before the panel starts)."""
    rng = np.random.default_rng(seed)
    theta = rng.beta(alpha, beta, n)
    join = rng.integers(-before, months - 1, n)
    paid = rng.geometric(theta)  # months paid before cancelling
    start = pd.Timestamp("2024-01-01")
    cal = pd.date_range(start - pd.DateOffset(months=before), periods=months + before, freq="MS")
    # keep only members still paying when the panel starts (left truncation)
    keep = join + paid > 0
    join, paid = join[keep], paid[keep]
    t = np.arange(months)
    leave = join + paid
    member = (t[None, :] >= join[:, None]) & (t[None, :] < leave[:, None])
    ids = np.repeat([f"C{i}" for i in range(len(join))], months)
    frame = pd.DataFrame({
        "customer_id": ids, "month": np.tile(pd.date_range(start, periods=months, freq="MS"), len(join)),
        "member": member.ravel(), "orders": 1, "spend": 1000.0,
        "join_month": np.repeat(cal[join + before].to_numpy(), months),
        "leave_month": np.repeat(np.where(leave < months, cal[np.minimum(leave, months - 1) + before],
                                          pd.NaT), months)})
    return check_panel(frame)


def test_left_truncated_spells_recover_the_parameters():
    # a third of the members joined before the panel: ignoring that would bias retention up
    p = _sbg_panel(3, n=20000, before=12)
    r = retention.retention(p, robust.customer_weights(p, 50, 0))
    assert r.alpha == pytest.approx(0.8, rel=0.15) and r.beta == pytest.approx(6.0, rel=0.15)
    assert r.monthly == pytest.approx(6.0 / 6.8, abs=0.01)


@pytest.mark.study
def test_interval_covers_the_renewal_rate_over_seeds():
    # 40 worlds, 3,000 members over 24 months, 99 draws each, heterogeneous cancellation (not the simulator's
    # constant rate). At 95% the misses are Binomial(40, 0.05): >= 33/40 passes a correct interval.
    hits = 0
    for seed in range(40):
        p = _sbg_panel(100 + seed)
        r = retention.retention(p, robust.customer_weights(p, 99, seed))
        hits += r.monthly_low <= 6.0 / 6.8 <= r.monthly_high
    assert hits >= 33, hits


def test_no_cancellation_is_not_identified():
    p = check_panel(simulate_panel(n_customers=300, n_months=12, min_pre_months=4, seed=1))
    w = robust.customer_weights(p, 50, 0)
    assert retention.fit_retention(p, w) is None
    with pytest.raises(ValueError, match="no member cancelled"):
        retention.retention(p, w)
    with pytest.raises(ValueError, match=r"weights has shape \(50, 3\); expected \(n_boot, 300\)"):
        retention.retention(p, w[:, :3])
    data = PanelData(p, True, 2.0, "sim", None, 1.0)
    text = report_retention.retention_markdown(None, None, data)
    assert "not identified" in text and "leave_month" in text


def test_lifetime_value_words_and_planted_retention():
    raw = simulate_panel(n_customers=2000, n_months=18, min_pre_months=4, seed=3, cancel_rate=0.05)
    p = check_panel(raw)
    data = PanelData(p, True, 2.0, "sim", raw.attrs["ratio_at_tenure"], 0.95)
    w = robust.customer_weights(p, 99, 0)
    r = retention.fit_retention(p, w)
    assert r.monthly_low <= 0.95 <= r.monthly_high
    worth = type("V", (), {"value": 10000.0, "value_draws": np.full(99, 10000.0), "currency": "KRW"})
    mlv = retention.lifetime_of_a_member(r, worth, horizon=24, annual_discount_rate=0.0)
    # undiscounted, S(t) close to 0.95^t: sum_{t<24} 0.95^t = (1 - 0.95^24) / 0.05 = 14.16
    assert mlv.months == pytest.approx((1 - 0.95 ** 24) / 0.05, rel=0.05)
    assert mlv.value == pytest.approx(10000.0 * mlv.months)
    text = report_retention.retention_markdown(r, mlv, data)
    assert "of members renew" in text and "covers" in text and "member lifetime value" in text
    import re

    assert not re.search(r"\de[+-]?\d", text), text  # α, β of a near-constant rate are large
