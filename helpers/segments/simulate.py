"""The seeded synthetic shopper event log (views, cart adds, purchases) with planted product pairs.

Generator of the shipped ``data/synthetic/segments_events.csv`` and ``segments_planted_pairs.csv``
(``python -m helpers synth``). Nothing in the metrics modules imports this one.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

#: Product categories of the synthetic catalogue (product i is in category i mod 5).
CATEGORIES = ("books", "music", "electronics", "home", "beauty")
#: Planted pairs: (product A, product B, designed lift P(A and B) / (P(A) P(B)) over all baskets).
PLANTED_PAIRS = (("P03", "P17", 4.0), ("P08", "P29", 3.0), ("P22", "P35", 2.5))
#: Basket chance of the first and second product of each planted pair.
PLANTED_BASE = (0.10, 0.08)
EVENTS_SEED = 6
EVENTS_START = pd.Timestamp("2024-01-01")
EVENTS_DAYS = 182  # 2024-01-01 .. 2024-06-30


def _catalogue(rng: np.random.Generator, n_products: int) -> pd.DataFrame:
    ids = [f"P{i:02d}" for i in range(1, n_products + 1)]
    cats = [CATEGORIES[i % len(CATEGORIES)] for i in range(n_products)]
    prices = np.round(rng.lognormal(3.0, 0.6, n_products), 2)
    base = rng.uniform(0.02, 0.08, n_products)  # chance each product is in a basket
    for a, b, _lift in PLANTED_PAIRS:  # planted products: popular enough for a precise lift
        for product, chance in ((a, PLANTED_BASE[0]), (b, PLANTED_BASE[1])):
            if product in ids:
                base[ids.index(product)] = chance
    return pd.DataFrame({"product_id": ids, "category": cats, "price": prices, "p": base})


def planted_truth(catalogue: pd.DataFrame | None = None, seed: int = EVENTS_SEED,
                  n_products: int = 40) -> pd.DataFrame:
    """The planted pairs with their lift among non-empty orders (the value an analysis should find).

    Parameters
    ----------
    catalogue : DataFrame, optional
        From the generator (``product_id``, ``p``); default: the catalogue of ``seed``.
    seed : int
        Seed of :func:`generate_events`.

    Returns
    -------
    DataFrame
        ``product_a, product_b, design_lift, lift``: ``lift`` = design lift times the chance a
        basket is non-empty (empty baskets are not orders).

    Notes
    -----
    Basket items are independent Bernoulli(:math:`p_i`) except each planted pair (A, B), where
    :math:`P(B\\mid A) = L\\,p_B` and :math:`P(B\\mid\\lnot A) = p_B (1 - L p_A)/(1 - p_A)`, so
    :math:`P(B) = p_B` and the lift is :math:`L`. Among non-empty baskets (probability
    :math:`\\pi`) every share of baskets is divided by :math:`\\pi`, so the lift becomes :math:`L\\pi`.

    Examples
    --------
    >>> t = planted_truth()
    >>> bool((t["lift"] < t["design_lift"]).all())
    True
    """
    if catalogue is None:
        catalogue = _catalogue(np.random.default_rng(seed), n_products)
    p = catalogue.set_index("product_id")["p"]
    p_empty = 1.0
    paired = set()
    for a, b, lift in PLANTED_PAIRS:
        pa, pb = p[a], p[b]
        pb_not_a = pb * (1 - lift * pa) / (1 - pa)
        p_empty *= (1 - pa) * (1 - pb_not_a)
        paired |= {a, b}
    p_empty *= float(np.prod([1 - v for k, v in p.items() if k not in paired]))
    return pd.DataFrame([(a, b, lift, lift * (1 - p_empty)) for a, b, lift in PLANTED_PAIRS],
                        columns=["product_a", "product_b", "design_lift", "lift"])


def generate_events(seed: int = EVENTS_SEED, *, n_customers: int = 1500, n_products: int = 40,
                    mean_orders: float = 4.0) -> pd.DataFrame:
    """A seeded synthetic event log: views, cart adds and purchases with product and category.

    Parameters
    ----------
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same log.
    n_customers : int
        Customers (ids ``U0001``...), first seen uniformly over 2024-01-01..2024-06-30.
    n_products : int
        Products ``P01``... in five categories, prices lognormal (USD).
    mean_orders : float
        Mean orders per customer over the half-year (gamma-Poisson, so some are loyal).

    Returns
    -------
    DataFrame
        ``event_time`` (datetime64, seconds), ``customer_id``, ``event`` (view, cart_add,
        purchase), ``product_id``, ``category``, ``order_id`` (purchases only, else empty),
        ``price`` (USD), sorted by time. Bought-together pairs are planted per
        :data:`PLANTED_PAIRS` (see :func:`planted_truth` for the lift to expect).

    Raises
    ------
    ValueError
        If a size is < 1.

    Notes
    -----
    Each order is viewed and carted before it is bought (same session, minutes apart); besides
    orders, customers browse (views of their preferred category 60% of the time) and abandon
    carts. Basket contents follow :func:`planted_truth`; an empty basket is redrawn.

    Examples
    --------
    >>> ev = generate_events(1, n_customers=20)
    >>> sorted(ev["event"].unique())
    ['cart_add', 'purchase', 'view']
    """
    if min(n_customers, n_products) < 1 or mean_orders <= 0:
        raise ValueError("n_customers, n_products and mean_orders must be >= 1 / > 0")
    rng = np.random.default_rng(seed)
    cat = _catalogue(rng, n_products)
    pid = cat["product_id"].to_numpy()
    idx = {p: i for i, p in enumerate(pid)}
    p = cat["p"].to_numpy()
    pairs = [(idx[a], idx[b], lift) for a, b, lift in PLANTED_PAIRS if a in idx and b in idx]
    paired = {i for a, b, _ in pairs for i in (a, b)}
    free = np.array([i for i in range(n_products) if i not in paired], dtype=int)

    def basket() -> np.ndarray:
        while True:
            items = list(free[rng.random(free.size) < p[free]])
            for a, b, lift in pairs:
                has_a = rng.random() < p[a]
                pb = p[b] * lift if has_a else p[b] * (1 - lift * p[a]) / (1 - p[a])
                if has_a:
                    items.append(a)
                if rng.random() < pb:
                    items.append(b)
            if items:
                return np.array(sorted(items))

    cats = cat["category"].to_numpy()
    by_cat = {c: np.flatnonzero(cats == c) for c in CATEGORIES}
    rows: list[tuple] = []
    order_no = 0
    for u in range(1, n_customers + 1):
        cid = f"U{u:04d}"
        first = rng.uniform(0, EVENTS_DAYS - 1)
        pref = CATEGORIES[rng.integers(len(CATEGORIES))]
        rate = rng.gamma(0.8, mean_orders / 0.8)
        span = EVENTS_DAYS - first
        n_orders = rng.poisson(rate * span / EVENTS_DAYS)
        n_browse = 1 + rng.poisson(1.5 * span / EVENTS_DAYS)
        for _ in range(n_browse):  # browsing sessions: views, sometimes an abandoned cart
            t = first if _ == 0 else rng.uniform(first, EVENTS_DAYS)
            for k in range(rng.integers(1, 4)):
                pool = by_cat[pref] if rng.random() < 0.6 else np.arange(n_products)
                j = rng.choice(pool)
                rows.append((t + k * 2 / 1440, cid, "view", j, ""))
                if rng.random() < 0.12:
                    rows.append((t + (k * 2 + 1) / 1440, cid, "cart_add", j, ""))
        for _ in range(n_orders):
            t = rng.uniform(first, EVENTS_DAYS)
            order_no += 1
            oid = f"O{order_no:05d}"
            for k, j in enumerate(basket()):
                rows.append((t + k * 3 / 1440, cid, "view", j, ""))
                rows.append((t + (k * 3 + 1) / 1440, cid, "cart_add", j, ""))
                rows.append((t + 0.02, cid, "purchase", j, oid))
    ev = pd.DataFrame(rows, columns=["t", "customer_id", "event", "j", "order_id"])
    ev = ev[ev["t"] < EVENTS_DAYS]
    ev["event_time"] = (EVENTS_START + pd.to_timedelta(np.round(ev["t"].to_numpy() * 86400), unit="s")
                        ).astype("datetime64[s]")
    ev["product_id"] = pid[ev["j"].to_numpy()]
    ev["category"] = cats[ev["j"].to_numpy()]
    ev["price"] = cat["price"].to_numpy()[ev["j"].to_numpy()]
    ev = ev.sort_values(["event_time", "customer_id", "order_id", "product_id", "event"], kind="stable")
    return ev[["event_time", "customer_id", "event", "product_id", "category", "order_id", "price"]
              ].reset_index(drop=True)


def write_synthetic(out_dir: Path) -> list[Path]:
    """Write ``segments_events.csv`` and ``segments_planted_pairs.csv`` (random seed 6), byte-identically.

    Examples
    --------
    >>> import tempfile
    >>> [p.name for p in write_synthetic(Path(tempfile.mkdtemp()))]
    ['segments_events.csv', 'segments_planted_pairs.csv']
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    events = generate_events(EVENTS_SEED)
    ev = events.assign(event_time=events["event_time"].dt.strftime("%Y-%m-%dT%H:%M:%S"))
    truth = planted_truth(seed=EVENTS_SEED)
    paths = [out_dir / "segments_events.csv", out_dir / "segments_planted_pairs.csv"]
    ev.to_csv(paths[0], index=False, lineterminator="\n", float_format="%.2f")
    truth.to_csv(paths[1], index=False, lineterminator="\n", float_format="%.4f")
    return paths
