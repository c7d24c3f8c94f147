"""The bootstrap and the best-model lift on a second, independent generator (shares no code with
``helpers.recommend.simulate``): tastes are latent factors (no categories, no price tiers), product
popularity is gamma-distributed, purchases are Poisson in time and nobody views anything — only
purchases are logged. A null world (everyone buys by popularity alone) is the negative control.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.recommend.evaluate import Setup, evaluate
from helpers.recommend.load import EventLog
from helpers.recommend.protocol import make_split
from helpers.recommend.uncertainty import bootstrap_lift


def latent_world(seed: int, *, n_users: int = 900, n_items: int = 120, taste: float = 1.0,
                 days: int = 120) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    pop = rng.gamma(0.6, 1.0, n_items)
    U, V = rng.normal(size=(n_users, 4)), rng.normal(size=(n_items, 4))
    logits = np.log(pop)[None, :] + taste * 1.5 * (U @ V.T) / 2
    prob = np.exp(logits - logits.max(axis=1, keepdims=True))
    prob /= prob.sum(axis=1, keepdims=True)
    rows = []
    for u in range(n_users):
        n = rng.poisson(6)
        times = np.sort(rng.uniform(0, days, n))
        for t, j in zip(times, rng.choice(n_items, n, p=prob[u]), strict=True):
            rows.append((pd.Timestamp("2024-01-01") + pd.Timedelta(seconds=int(t * 86400)), f"u{u:04d}",
                         "purchase", f"i{j:03d}", "all", f"o{len(rows)}", 10.0))
    return pd.DataFrame(rows, columns=["event_time", "customer_id", "event", "product_id", "category",
                                       "order_id", "price"])


def _evaluate(events: pd.DataFrame):
    log = EventLog(events, pd.DataFrame(), "independent world", "pandas", True)
    split = make_split(events, "2024-04-01", min_test_customers=30)
    setup = Setup({"view": 1.0, "cart_add": 3.0, "purchase": 5.0}, None, 10, seed=1)
    return evaluate(log, split, setup, validation_days=20, resamples=400, min_test_customers=10)


@pytest.mark.slow
def test_best_model_beats_popularity_in_a_world_with_tastes():
    ev = _evaluate(latent_world(1))
    assert ev.best_lift.ratio_low > 1, ev.best_lift


@pytest.mark.slow
def test_no_lift_claimed_in_a_world_without_tastes():
    ev = _evaluate(latent_world(2, taste=0.0))
    assert ev.best_lift.ratio_low <= 1, ev.best_lift  # negative control: the interval must not exclude 1 from above


def test_bootstrap_interval_covers_the_population_ratio():
    # paired per-customer recalls drawn from a known population: model hit chance 0.3, popularity 0.2
    # (correlated through a shared customer effect); population ratio 0.3 / 0.2 = 1.5
    hits, n_seeds = 0, 200
    for seed in range(n_seeds):
        rng = np.random.default_rng(seed)
        easy = rng.random(300) < 0.5
        model = (rng.random(300) < np.where(easy, 0.45, 0.15)).astype(float)   # mean 0.30
        pop = (rng.random(300) < np.where(easy, 0.30, 0.10)).astype(float)     # mean 0.20
        lift = bootstrap_lift(model, pop, resamples=300, seed=seed)
        hits += lift.ratio_low <= 1.5 <= lift.ratio_high
    # 95% nominal; with 200 seeds a binomial 99% band around 0.95 is about 0.91..0.99
    assert 0.90 <= hits / n_seeds <= 0.99, hits / n_seeds


@pytest.mark.parametrize("args, message", [
    ((np.ones(3), np.ones(2)), "same length"),
    ((np.ones(1), np.ones(1)), "at least 2"),
    ((np.ones(3), np.zeros(3)), "mean recall is 0"),
])
def test_bootstrap_bad_inputs(args, message):
    with pytest.raises(ValueError, match=message):
        bootstrap_lift(*args)
