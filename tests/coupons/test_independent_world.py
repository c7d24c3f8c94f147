"""Validation that is not circular: the estimators on data from a second, independent generator.

The world below is written apart from ``helpers.coupons.simulate`` and breaks the estimator's
comfortable assumptions: heavy-tailed spend (Pareto customer values), heterogeneous effects (only
some customers respond, by different amounts, and responders are the heavier buyers), pull-forward
of post-window purchases, a small holdout (10%). Truth is known per customer; the tests check that
the net interval covers the net truth at about its nominal rate over many seeds, that the
in-window interval does not (it counts pulled-forward purchases as caused), and that CUPED narrows
the interval without moving the target.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.coupons.windows import (
    customer_windows,
    incremental_effects,
    observed_windows,
    post_window_curve,
)

START, END = pd.Timestamp("2026-05-04"), pd.Timestamp("2026-05-10")
PRE, DAYS, POST = 28, 7, 14


def world(seed: int, n: int = 2000, holdout_share: float = 0.1, pull: float = 0.3, post: int = POST,
          pull_days: int | None = None) -> dict:
    """Orders of ``n`` customers over pre, campaign and ``post`` days; truth = sum over targeted of y(1) - y(0).

    Purchases up to ``pull_days`` after the campaign (default: the whole post period) can be pulled forward.
    """
    pull_days = post if pull_days is None else pull_days
    rng = np.random.default_rng(seed)
    n_h = int(round(n * holdout_share))
    holdout = rng.permutation(np.arange(n) < n_h)
    value = 20_000.0 * (1.0 + rng.pareto(2.2, n))  # heavy-tailed basket size per customer
    rate = rng.gamma(0.7, 0.05 / 0.7, n)  # orders per day, very uneven
    responds = rng.random(n) < np.clip(0.2 + 4.0 * rate, 0, 0.9)  # heavier buyers respond more often
    extra = np.where(responds, rng.gamma(2.0, 0.6, n), 0.0)  # extra campaign orders expected, heterogeneous
    rows = []  # customer, day offset (float, days from START), paid, world (0 = both, 1 = coupon only)
    for i in range(n):
        k = rng.poisson(rate[i] * (PRE + DAYS + post))
        t = rng.uniform(-PRE, DAYS + post, k)
        amt = value[i] * rng.lognormal(0.0, 0.5, k)
        treated = not holdout[i]
        for tj, aj in zip(t, amt, strict=True):
            moved = treated and DAYS <= tj < DAYS + pull_days and rng.random() < pull
            rows.append((i, tj, aj, 0, False))  # world 0 keeps the order where it was
            rows.append((i, rng.uniform(0, DAYS) if moved else tj, aj * (0.9 if moved else 1.0), 1, moved))
        if treated:
            for tj in rng.uniform(0, DAYS, rng.poisson(extra[i])):
                rows.append((i, tj, 0.9 * value[i] * rng.lognormal(0.0, 0.5), 1, False))
    df = pd.DataFrame(rows, columns=["c", "t", "paid", "world", "moved"])
    obs = df[df["world"] == 1]
    orders = pd.DataFrame({"order_id": [f"o{j}" for j in range(len(obs))], "customer_id": "c" + obs["c"].astype(str),
                           "ordered_at": START + pd.to_timedelta(obs["t"].to_numpy(), unit="D"),
                           "gross_amount": obs["paid"].to_numpy() / 0.9, "paid_amount": obs["paid"].to_numpy(),
                           "status": "paid"})
    tgt = ~holdout[df["c"].to_numpy()]
    in_w, post_w = (df["t"] >= 0) & (df["t"] < DAYS), df["t"] >= DAYS

    def effect(mask: pd.Series) -> float:
        sel = df[mask & tgt]
        return float(sel.loc[sel["world"] == 1, "paid"].sum() - sel.loc[sel["world"] == 0, "paid"].sum())

    audience = pd.DataFrame({"customer_id": [f"c{i}" for i in range(n)],
                             "group": np.where(holdout, "holdout", "targeted")})
    return {"orders": orders, "audience": audience, "truth_in": effect(in_w), "truth_net": effect(in_w | post_w)}


def estimate(w: dict, *, n_boot: int = 200, seed: int = 0, cuped: bool = True) -> pd.DataFrame:
    win = observed_windows(w["orders"], START, END, PRE, POST)
    cw = customer_windows(w["orders"], w["audience"], win, 0.2)
    return incremental_effects(cw, 1.0, 0.0, cuped=cuped, n_boot=n_boot, seed=seed)


@pytest.mark.study
def test_net_interval_covers_the_net_truth_over_many_seeds() -> None:
    hits_net = hits_in = 0
    seeds = range(200)
    for s in seeds:
        w = world(1_000 + s)
        est = estimate(w, seed=s)["estimates"]
        net = est.loc["incremental_paid"]
        hits_net += net["low"] <= w["truth_net"] <= net["high"]
        inw = est.loc["incremental_paid_in_window"]
        hits_in += inw["low"] <= w["truth_net"] <= inw["high"]
    coverage = hits_net / len(seeds)
    print(f"independent world, {len(seeds)} seeds: net interval coverage {coverage:.3f}, "
          f"in-window interval covering the net truth {hits_in / len(seeds):.3f}")
    assert 0.90 <= coverage <= 0.99, coverage  # nominal 95%; binomial sd about 1.5 points
    assert hits_in / len(seeds) < 0.5  # the in-window interval misses the net effect


def test_planted_pull_forward_net_covers_in_window_does_not() -> None:
    w = world(7, n=6000, holdout_share=0.25, pull=0.5)
    est = estimate(w, n_boot=400, seed=1)["estimates"]
    net, inw = est.loc["incremental_paid"], est.loc["incremental_paid_in_window"]
    assert w["truth_in"] > w["truth_net"]  # pull-forward planted
    assert net["low"] <= w["truth_net"] <= net["high"]
    assert not inw["low"] <= w["truth_net"] <= inw["high"]
    assert inw["low"] <= w["truth_in"] <= inw["high"]
    assert est.loc["incremental_paid_post", "high"] < 0  # the dip is shown


def test_cuped_narrows_the_interval_on_the_independent_world() -> None:
    w = world(11, n=4000)
    with_c, without = estimate(w, seed=3), estimate(w, seed=3, cuped=False)
    assert with_c["cuped_applied"] and with_c["width_cuped"] < without["width_cuped"]
    assert with_c["cuped_variance_reduction"] > 0.05


def test_a_dip_beyond_the_default_window_is_found_by_the_post_window_curve() -> None:
    """Pull-forward from up to 35 days after the campaign, orders for 42: the 14-day net overstates the effect."""
    w = world(5, n=6000, holdout_share=0.3, pull=0.5, post=42, pull_days=35)
    win = observed_windows(w["orders"], START, END, PRE, POST)
    cw = customer_windows(w["orders"], w["audience"], win, 0.2)
    net14 = incremental_effects(cw, 1.0, 0.0, n_boot=300, seed=2)["estimates"].loc["incremental_paid"]
    assert net14["low"] > w["truth_net"]  # the default window misses the long dip
    curve = post_window_curve(w["orders"], w["audience"], win, 42, pre_paid=cw["pre_paid"].to_numpy(),
                              n_boot=300, seed=2)
    assert curve["days_observed"] == 42 and curve["flat_day"] > POST  # flattens after the default window
    last = curve["curve"].iloc[-1]
    assert last["low"] <= w["truth_net"] <= last["high"]  # followed to the end, the curve covers the truth
    print(f"long dip: flat day {curve['flat_day']}, 14-day net {net14['estimate']:,.0f} vs truth {w['truth_net']:,.0f}")


@pytest.mark.parametrize("seed", [6, 7, 8, 9])
def test_the_curve_flattens_inside_the_window_when_the_dip_is_short(seed) -> None:
    w = world(seed, n=6000, holdout_share=0.3, pull=0.5, post=42, pull_days=5)
    win = observed_windows(w["orders"], START, END, PRE, POST)
    cw = customer_windows(w["orders"], w["audience"], win, 0.2)
    curve = post_window_curve(w["orders"], w["audience"], win, 42, pre_paid=cw["pre_paid"].to_numpy(),
                              n_boot=300, seed=2)
    assert curve["flat_day"] <= POST and curve["flat_before_end"]
