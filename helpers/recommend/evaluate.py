"""The evaluation chain of notebook 07: tune on a validation split, score every model on the test
split, compare with popularity by bootstrap, by segment and price band, and build the served lists
(consent and cold start applied)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from helpers.recommend import blocks, metrics, models
from helpers.recommend.load import EventLog, consenting
from helpers.recommend.protocol import Split, make_split, validation_split
from helpers.recommend.uncertainty import Lift, bootstrap_lift

#: Hyperparameter grid searched on the validation split (small on purpose: it is re-run every time).
GRID: dict[str, list[dict[str, Any]]] = {
    "item_knn": [{"neighbours": n} for n in (20, 50, 100, 200)],
    "als": [{"factors": f, "regularization": r} for f in (8, 16, 32) for r in (0.01, 0.1)],
    "ease": [{"lam": lam} for lam in (10.0, 50.0, 200.0, 1000.0)],
}
PERSONAL = ("item_knn", "als", "ease")
BASELINES = ("popularity", "popularity_segment")
LABELS = {"popularity": "popularity (best sellers)", "popularity_segment": "popularity in the segment",
          "item_knn": "item-kNN (cosine)", "als": "ALS (implicit feedback)", "ease": "EASE", "oracle": "oracle (planted tastes)",
          "served": "served (consent and cold start applied)"}


@dataclass(frozen=True)
class Setup:
    """What every model is given: event weights, decay, list length, seed, price-band constraint."""

    weights: dict[str, float]
    half_life_days: float | None
    k: int
    seed: int = 0
    price_band_min_share: float = 0.0
    new_days: int = 30
    inactive_days: int = 60

    @classmethod
    def from_params(cls, p: Any) -> Setup:
        """The setup of a notebook's parameters (``recommend.Params``)."""
        return cls({"view": p.weight_view, "cart_add": p.weight_cart_add, "purchase": p.weight_purchase},
                   p.half_life_days, p.k, p.seed, p.price_band_min_share, p.new_days, p.inactive_days)


def split_for(log: EventLog, p: Any) -> Split:
    """The test split of the notebook's parameters (``segment_filter`` keeps one segment's customers).

    Examples
    --------
    >>> from helpers.recommend.load import load_events
    >>> from helpers.recommend.params import Params
    >>> split_for(load_events("data/synthetic/recommend_events.csv"), Params()).counts["test_customers"] > 500
    True
    """
    keep = None
    if p.segment_filter != "all":
        split = pd.Timestamp(p.split_date)
        seg = blocks.segments_at(log.events[log.events["event_time"] < split], split, new_days=p.new_days,
                                 inactive_days=p.inactive_days)
        keep = set(seg.index[seg == p.segment_filter])
    return make_split(log.events, p.split_date, p.test_end, exclude_purchased=p.exclude_purchased,
                      min_test_customers=p.min_test_customers, keep_customers=keep, source=log.source)


def _matrix(split: Split, setup: Setup):
    users = models.train_users(split)
    X = models.interaction_matrix(split.train, users, split.items, weights=setup.weights,
                                  half_life_days=setup.half_life_days, as_of=split.split_date)
    return X.tocsr()


def scores(name: str, split: Split, setup: Setup, X=None, hp: dict[str, Any] | None = None,
           segment_of: pd.Series | None = None, log: EventLog | None = None) -> np.ndarray:
    """Score matrix of one model for the split's test customers (see :mod:`helpers.recommend.models`)."""
    hp = hp or {}
    n = len(split.customers)
    if name == "popularity":
        return models.popularity_scores(split)
    if name == "popularity_segment":
        return models.segment_popularity_scores(split, segment_of)
    if name == "oracle":
        return models.oracle_scores(split, log.shoppers, log.products)
    X = _matrix(split, setup) if X is None else X
    if name == "item_knn":
        return models.item_knn_scores(X, n, **hp)
    if name == "als":
        return models.als_scores(X, n, seed=setup.seed, **hp)
    if name == "ease":
        return models.ease_scores(X, n, **hp)
    raise ValueError(f"unknown model {name!r}; choose one of {list(LABELS)}")


def tune(split: Split, setup: Setup, days: int, *, min_test_customers: int = 1) -> tuple[pd.DataFrame, dict]:
    """Grid-search each personal model's hyperparameters on the validation split (before the test period).

    Returns
    -------
    (DataFrame, dict)
        ``model, setting, recall_at_k, chosen`` for every grid point, and ``{model: best setting}``.
        Ties go to the first setting of :data:`GRID`.
    """
    val = validation_split(split, days, min_test_customers=min_test_customers)
    X = _matrix(val, setup)
    mask = val.candidate_mask()
    rows, best = [], {}
    base = metrics.per_customer(metrics.top_k(models.popularity_scores(val), mask, setup.k), val.relevant,
                                val.n_relevant)["recall_at_k"].mean()
    rows.append(("popularity", "—", float(base)))
    for name in PERSONAL:
        results = []
        for hp in GRID[name]:
            lists = metrics.top_k(scores(name, val, setup, X, hp), mask, setup.k)
            results.append(float(metrics.per_customer(lists, val.relevant, val.n_relevant)["recall_at_k"].mean()))
            rows.append((name, ", ".join(f"{k} = {v:g}" for k, v in hp.items()), results[-1]))
        best[name] = GRID[name][int(np.argmax(results))]
    table = pd.DataFrame(rows, columns=["model", "setting", "recall_at_k"])
    table["chosen"] = [m != "popularity" and s == ", ".join(f"{k} = {v:g}" for k, v in best[m].items())
                       for m, s in zip(table["model"], table["setting"], strict=True)]
    table.attrs.update(val.counts, split_date=val.split_date, test_end=val.test_end)
    return table, best


@dataclass
class Evaluation:
    """Everything the notebook shows about the test split (see :func:`evaluate`)."""

    split: Split
    setup: Setup
    summary: pd.DataFrame
    per_customer: dict[str, pd.DataFrame]
    lists: dict[str, np.ndarray]
    lifts: dict[str, Lift]
    best_model: str
    best_settings: dict
    tuning: pd.DataFrame
    segment_of: pd.Series
    segments: pd.DataFrame
    band_shares: dict[str, float]
    served: dict[str, Any] = field(default_factory=dict)

    @property
    def best_lift(self) -> Lift:
        """The chosen model's lift over popularity."""
        return self.lifts[self.best_model]


def evaluate(log: EventLog, split: Split, setup: Setup, *, validation_days: int = 28, resamples: int = 1000,
             level: float = 0.95, consent: pd.DataFrame | None = None, min_history: int = 2,
             min_test_customers: int = 1) -> Evaluation:
    """Tune, score and compare every model on ``split``; the best personal model is chosen on validation.

    Parameters
    ----------
    log : EventLog
        The loaded log (its truth gives the oracle, when present).
    split : Split
        From :func:`split_for` / :func:`helpers.recommend.protocol.make_split`.
    setup : Setup
    validation_days : int
        Length of the tuning period before ``split_date``.
    resamples, level : int, float
        Bootstrap of each model's recall against popularity.
    consent : DataFrame, optional
        Shoppers without consent at the split get the segment's best sellers in the served lists.
    min_history : int
        Shoppers with fewer train events get the segment's best sellers too (cold start).

    Returns
    -------
    Evaluation

    Notes
    -----
    The best model is the personal model (item-kNN, ALS, EASE) with the highest validation
    recall@k, so the test period never picks it.
    """
    tuning, best = tune(split, setup, validation_days, min_test_customers=min_test_customers)
    val_recall = tuning[tuning["chosen"]].set_index("model")["recall_at_k"]
    best_model = str(val_recall.idxmax())
    segment_of = blocks.segments_at(split.train, split.split_date, new_days=setup.new_days,
                                    inactive_days=setup.inactive_days)
    X = _matrix(split, setup)
    mask = split.candidate_mask()
    pop = models.popularity(split)
    prices = split.train.groupby("product_id")["price"].median().reindex(split.items)
    bands, cuts = blocks.price_bands(prices)
    own = blocks.shopper_bands(split.train, cuts).reindex(split.customers).to_numpy()
    in_band = bands.to_numpy()[None, :] == own[:, None]
    names = [*BASELINES, *PERSONAL] + (["oracle"] if log.has_truth else [])
    rows, per, lists = [], {}, {}
    for name in names:
        sc = scores(name, split, setup, X, best.get(name), segment_of, log)
        lists[name] = blocks.constrained_top_k(sc, mask, setup.k, in_band, setup.price_band_min_share)
        per[name] = metrics.per_customer(lists[name], split.relevant, split.n_relevant)
        summary = metrics.summarise(lists[name], split.relevant, split.n_relevant, split.n_items, pop)
        rows.append({"model": name, **summary, "price_band_share": blocks.band_share(lists[name], in_band)})
    table = pd.DataFrame(rows).set_index("model")
    lifts = {name: bootstrap_lift(per[name]["recall_at_k"].to_numpy(), per["popularity"]["recall_at_k"].to_numpy(),
                                  resamples=resamples, level=level, seed=setup.seed)
             for name in names if name != "popularity"}
    seg_rows = []
    test_seg = pd.Series(split.customers).map(segment_of).to_numpy()
    for g in ("new", "returning", "lapsed"):
        sel = test_seg == g
        if not sel.any():
            continue
        b, q = per[best_model]["recall_at_k"].to_numpy()[sel], per["popularity"]["recall_at_k"].to_numpy()[sel]
        lift = bootstrap_lift(b, q, resamples=resamples, level=level, seed=setup.seed) if sel.sum() >= 2 and q.mean() > 0 else None
        seg_rows.append({"segment": g, "customers": int(sel.sum()), "best_recall_at_k": float(b.mean()),
                         "popularity_recall_at_k": float(q.mean()),
                         "segment_popularity_recall_at_k": float(per["popularity_segment"]["recall_at_k"].to_numpy()[sel].mean()),
                         "ratio": np.nan if lift is None else lift.ratio,
                         "ratio_low": np.nan if lift is None else lift.ratio_low,
                         "ratio_high": np.nan if lift is None else lift.ratio_high,
                         "verdict": "too few customers or no popularity hit" if lift is None else lift.verdict})
    ev = Evaluation(split, setup, table, per, lists, lifts, best_model, best, tuning, segment_of,
                    pd.DataFrame(seg_rows), {n: float(table.loc[n, "price_band_share"]) for n in names})
    ev.served = served(ev, consent=consent, min_history=min_history, in_band=in_band, popularity=pop)
    return ev


def served(ev: Evaluation, *, consent: pd.DataFrame | None, min_history: int, in_band: np.ndarray,
           popularity: np.ndarray) -> dict[str, Any]:
    """The lists a shop would show: the best model for consenting shoppers with enough history,
    the segment's best sellers otherwise; their metrics and counts."""
    split = ev.split
    ok = consenting(consent, split.customers, split.split_date)
    history = split.train.groupby("customer_id").size().reindex(split.customers).fillna(0).to_numpy()
    personal = ok & (history >= min_history)
    lists = np.where(personal[:, None], ev.lists[ev.best_model], ev.lists["popularity_segment"])
    summary = metrics.summarise(lists, split.relevant, split.n_relevant, split.n_items, popularity)
    return {"lists": lists, "personal": personal, "no_consent": int((~ok).sum()),
            "cold_start": int((ok & (history < min_history)).sum()), **summary,
            "price_band_share": blocks.band_share(lists, in_band)}


def page_blocks(ev: Evaluation, *, k: int = 5, min_item_shoppers: int = 5, min_pair_support: int = 5,
                confidence: float = 0.95) -> dict[str, pd.DataFrame]:
    """The non-personal blocks on the train events: similar products, viewed-then-bought, the best
    sellers per segment (cold start and no consent)."""
    split = ev.split
    pop = models.popularity(split)
    prices = split.train.groupby("product_id")["price"].median().reindex(split.items)
    bands, _ = blocks.price_bands(prices)
    cats = split.train.groupby("product_id")["category"].first().reindex(split.items)
    sim = blocks.similar_products(split.train, split.items, k=k, min_item_shoppers=min_item_shoppers, bands=bands,
                                  categories=cats, popularity=pop)
    pairs = blocks.viewed_then_bought(split.train, min_support=min_pair_support, confidence=confidence)
    buys = split.train[split.train["event"] == "purchase"]
    seg = buys.assign(segment=buys["customer_id"].map(ev.segment_of)).groupby(["segment", "product_id"])[
        "customer_id"].nunique().rename("buyers").reset_index()
    best = (seg.sort_values(["segment", "buyers", "product_id"], ascending=[True, False, True], kind="stable")
            .groupby("segment").head(k).reset_index(drop=True))
    return {"similar": sim, "pairs": pairs, "segment_best_sellers": best}
