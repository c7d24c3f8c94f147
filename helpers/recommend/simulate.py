"""The seeded synthetic shopper log of notebook 07: shoppers with planted tastes, skewed products.

Generator of the shipped ``data/synthetic/recommend_events.csv`` (contract ``segment_events``),
``recommend_truth.csv`` (each shopper's tastes), ``recommend_products.csv`` (each product's tier
and appeal) and ``recommend_consent.csv`` (``python -m helpers synth``). Views and purchases are
drawn from :func:`helpers.recommend.truth.purchase_propensity`'s world (its constants are in
:mod:`helpers.recommend.constants`); nothing in the evaluation imports this module.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from helpers.recommend.constants import BUY_BROWSE, BUY_TASTE, TASTE_VIEW_SHARE, TIER_MATCH

CATEGORIES = ("beauty", "books", "electronics", "fashion", "grocery", "home", "sports", "toys")
#: Typical price of a product in each tier, USD (products vary around it, lognormal 25%).
TIER_PRICES = (12.0, 35.0, 95.0)
SEED = 7
START = pd.Timestamp("2025-01-01")
DAYS = 181  # 2025-01-01 .. 2025-06-30


def catalogue(rng: np.random.Generator, n_products: int) -> pd.DataFrame:
    """Products ``P001``... with category (round robin), price tier, price (USD) and Zipf appeal."""
    ids = [f"P{i:03d}" for i in range(1, n_products + 1)]
    tiers = rng.choice(3, size=n_products, p=[0.4, 0.4, 0.2])
    price = np.round(np.asarray(TIER_PRICES)[tiers] * rng.lognormal(0.0, 0.25, n_products), 2)
    appeal = 1.0 / (1.0 + rng.permutation(n_products)) ** 0.9  # a few products very popular
    return pd.DataFrame({"product_id": ids, "category": [CATEGORIES[i % len(CATEGORIES)] for i in range(n_products)],
                         "price_tier": tiers, "appeal": np.round(appeal, 6), "price": price})


def shoppers(rng: np.random.Generator, n_shoppers: int) -> pd.DataFrame:
    """Shoppers ``U0001``... with two favourite categories, the focus on them and a price tier."""
    c1 = rng.integers(len(CATEGORIES), size=n_shoppers)
    c2 = (c1 + rng.integers(1, len(CATEGORIES), size=n_shoppers)) % len(CATEGORIES)
    return pd.DataFrame({"customer_id": [f"U{u:04d}" for u in range(1, n_shoppers + 1)],
                         "category_1": np.asarray(CATEGORIES)[c1], "category_2": np.asarray(CATEGORIES)[c2],
                         "share_1": np.round(rng.uniform(0.55, 0.8, n_shoppers), 4),
                         "focus": np.round(rng.uniform(0.75, 0.95, n_shoppers), 4),
                         "price_tier": rng.choice(3, size=n_shoppers, p=[0.4, 0.4, 0.2])})


def generate(seed: int = SEED, *, n_shoppers: int = 3000, n_products: int = 400,
             mean_sessions: float = 10.0) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A seeded synthetic log with its truth: ``(events, shoppers, products, consent)``.

    Parameters
    ----------
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same tables.
    n_shoppers, n_products : int >= 1
        Sizes of the world.
    mean_sessions : float > 0
        Mean browsing sessions of a shopper active the whole half-year (gamma-Poisson).

    Returns
    -------
    tuple of DataFrame
        Events (``segment_events``: event_time, customer_id, event, product_id, category,
        order_id, price USD), shoppers (``recommend_truth``), products (``recommend_products``)
        and consent (``recommend_consent``).

    Raises
    ------
    ValueError
        If a size is < 1 or ``mean_sessions`` <= 0.

    Notes
    -----
    Each session views :math:`1 + \\text{Poisson}(1.5)` products; each is drawn from the
    shopper's taste distribution :math:`\\pi_{u\\cdot}` with probability
    ``TASTE_VIEW_SHARE`` (else from appeal) and bought with probability ``BUY_TASTE``
    (``BUY_BROWSE``), after a cart add; 10% of unbought views leave an abandoned cart. A
    session's purchases are one order. Consent: 85% give it at their first visit, 8% of those
    withdraw it later; the rest never give it.

    Examples
    --------
    >>> ev, s, p, c = generate(1, n_shoppers=30, n_products=20)
    >>> sorted(ev["event"].unique()), len(s), len(p)
    (['cart_add', 'purchase', 'view'], 30, 20)
    """
    if min(n_shoppers, n_products) < 1 or mean_sessions <= 0:
        raise ValueError("n_shoppers and n_products must be >= 1 and mean_sessions > 0")
    rng = np.random.default_rng(seed)
    cat = catalogue(rng, n_products)
    sh = shoppers(rng, n_shoppers)
    cats = sorted(CATEGORIES)
    cidx = cat["category"].map({c: i for i, c in enumerate(cats)}).to_numpy(int)
    appeal = cat["appeal"].to_numpy(float)
    browse = appeal / appeal.sum()
    rows: list[tuple] = []
    consent: list[tuple] = []
    order_no = 0
    for u, s in enumerate(sh.itertuples(index=False)):
        taste = np.full(len(cats), (1 - s.focus) / len(cats))
        taste[cats.index(s.category_1)] += s.focus * s.share_1
        taste[cats.index(s.category_2)] += s.focus * (1 - s.share_1)
        pref = appeal * taste[cidx] * np.asarray(TIER_MATCH)[np.abs(s.price_tier - cat["price_tier"].to_numpy())]
        pref /= pref.sum()
        first = rng.uniform(0, DAYS - 5)
        span = (DAYS - first) / DAYS
        n_sessions = 1 + rng.poisson(rng.gamma(2.0, mean_sessions / 2.0) * span)
        times = np.sort(np.r_[first, rng.uniform(first, DAYS, n_sessions - 1)])
        for t in times:
            n_views = 1 + rng.poisson(1.5)
            from_taste = rng.random(n_views) < TASTE_VIEW_SHARE
            items = np.where(from_taste, rng.choice(n_products, n_views, p=pref),
                             rng.choice(n_products, n_views, p=browse))
            bought = rng.random(n_views) < np.where(from_taste, BUY_TASTE, BUY_BROWSE)
            oid = ""
            if bought.any():
                order_no += 1
                oid = f"O{order_no:06d}"
            for k, (j, b) in enumerate(zip(items, bought, strict=True)):
                rows.append((t + k * 2 / 1440, u, "view", j, ""))
                if b or rng.random() < 0.10:
                    rows.append((t + (k * 2 + 1) / 1440, u, "cart_add", j, ""))
                if b:
                    rows.append((t + (2 * n_views + 1) / 1440, u, "purchase", j, oid))
        r = rng.random()
        if r < 0.85:
            day = START + pd.Timedelta(days=int(first))
            consent.append((s.customer_id, "given", day))
            if rng.random() < 0.08:
                consent.append((s.customer_id, "withdrawn", day + pd.Timedelta(days=int(rng.integers(1, 150)))))
    ev = pd.DataFrame(rows, columns=["t", "u", "event", "j", "order_id"])
    ev = ev[ev["t"] < DAYS]
    ev["event_time"] = (START + pd.to_timedelta(np.round(ev["t"].to_numpy() * 86400), unit="s")).astype("datetime64[s]")
    ev["customer_id"] = sh["customer_id"].to_numpy()[ev["u"].to_numpy()]
    ev["product_id"] = cat["product_id"].to_numpy()[ev["j"].to_numpy()]
    ev["category"] = cat["category"].to_numpy()[ev["j"].to_numpy()]
    ev["price"] = cat["price"].to_numpy()[ev["j"].to_numpy()]
    ev = ev.sort_values(["event_time", "customer_id", "order_id", "product_id", "event"], kind="stable")
    events = ev[["event_time", "customer_id", "event", "product_id", "category", "order_id", "price"]
                ].drop_duplicates().reset_index(drop=True)
    cons = pd.DataFrame(consent, columns=["customer_id", "status", "date"])
    return events, sh, cat.drop(columns="price"), cons


def write_synthetic(out_dir: Path) -> list[Path]:
    """Write the four ``recommend_*.csv`` files (random seed 7), byte-identically.

    Examples
    --------
    >>> import tempfile
    >>> [p.name for p in write_synthetic(Path(tempfile.mkdtemp()))]  # doctest: +NORMALIZE_WHITESPACE
    ['recommend_events.csv', 'recommend_truth.csv', 'recommend_products.csv', 'recommend_consent.csv']
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    events, sh, products, consent = generate(SEED)
    paths = [out_dir / f"recommend_{n}.csv" for n in ("events", "truth", "products", "consent")]
    events.assign(event_time=events["event_time"].dt.strftime("%Y-%m-%dT%H:%M:%S")).to_csv(
        paths[0], index=False, lineterminator="\n", float_format="%.2f")
    sh.to_csv(paths[1], index=False, lineterminator="\n", float_format="%.4f")
    products.to_csv(paths[2], index=False, lineterminator="\n", float_format="%.6f")
    consent.assign(date=consent["date"].dt.strftime("%Y-%m-%d")).to_csv(paths[3], index=False, lineterminator="\n")
    return paths
